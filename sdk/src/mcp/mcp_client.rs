//! A connection to one MCP server: the handshake, the requests, and the close.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientCapabilities, GetPromptRequestParams,
    GetPromptResult, Implementation, InitializeRequestParams, Prompt, ReadResourceRequestParams,
    ReadResourceResult, Resource, ResourceTemplate, ServerPeerInfo, Tool as McpTool,
};
use rmcp::service::{RunningService, ServiceError};
use rmcp::transport::TokioChildProcess;
use rmcp::transport::streamable_http_client::{
    StreamableHttpClientTransport, StreamableHttpClientTransportConfig,
};
use rmcp::{Peer, RoleClient};
use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use super::McpError;
use super::mcp_transport::{HttpTransport, McpTransport, TransportKind};

/// How long a request waits for its answer unless [`McpClientBuilder::request_timeout`] says
/// otherwise: 60 s, as in the official TypeScript SDK. A tool loop's own tool timeout applies on
/// top.
///
/// ```
/// assert_eq!(specai::mcp::DEFAULT_REQUEST_TIMEOUT, std::time::Duration::from_secs(60));
/// ```
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A client connected to one MCP server: its tools (as specai tools), resources and prompts.
///
/// Share it behind an `Arc` if needed. The tools it makes use its connection: once the client is
/// closed or dropped, their calls fail with [`McpError::Request`]. Call [`McpClient::close`] to
/// end the connection cleanly (the child process reaped, the HTTP session deleted); dropping it
/// closes the connection in the background.
///
/// ```no_run
/// use specai::mcp::{McpClient, McpTransport};
/// use specai::{generate_text, step_count_is};
/// # use specai::test_util::{MockLanguageModel, text_response};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let model = MockLanguageModel::new().with_response(text_response("done"));
/// let client = McpClient::connect(McpTransport::stdio("python3", ["server.py", "stdio"])).await?;
/// let tools = client.tools().await?;
/// let result = generate_text(model).prompt("What is 2 + 3?").tools(tools).stop_when(step_count_is(3)).await?;
/// println!("{}", result.text());
/// client.close().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct McpClient {
    service: RunningService<RoleClient, InitializeRequestParams>,
    peer: Peer<RoleClient>,
    request_timeout: Option<Duration>,
    process_id: Option<u32>,
}

/// Settings for connecting an [`McpClient`], from [`McpClient::builder`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use specai::mcp::{McpClient, McpError, McpTransport};
///
/// let connecting = McpClient::builder(McpTransport::stdio("specai-example-no-such-server", ["--stdio"]))
///     .client_info("my-app", "2.1.0")
///     .request_timeout(Some(Duration::from_secs(10)))
///     .connect();
/// // A server that cannot be started is an error naming the program, not a hang.
/// assert!(matches!(connecting.await, Err(McpError::Spawn { program, .. }) if program == "specai-example-no-such-server"));
/// # }
/// ```
#[derive(Debug)]
pub struct McpClientBuilder {
    transport: McpTransport,
    request_timeout: Option<Duration>,
    client_name: String,
    client_version: String,
}

impl McpClientBuilder {
    /// How long each request (the handshake included) waits for its answer; `None` waits as long
    /// as the server takes. A request that times out is cancelled on the server.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use specai::mcp::{McpClient, McpTransport};
    ///
    /// # async fn run() -> Result<(), specai::mcp::McpError> {
    /// let client = McpClient::builder(McpTransport::http("http://127.0.0.1:8000/mcp"))
    ///     .request_timeout(Some(Duration::from_secs(10)))
    ///     .connect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The name and version the client gives the server (`specai` and the crate's version by
    /// default).
    ///
    /// ```
    /// use specai::mcp::{McpClient, McpTransport};
    ///
    /// let builder = McpClient::builder(McpTransport::stdio("my-server", [""; 0])).client_info("my-app", "2.1.0");
    /// # let _ = builder;
    /// ```
    pub fn client_info(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.client_name = name.into();
        self.client_version = version.into();
        self
    }

    /// Starts or reaches the server and runs the initialization handshake.
    ///
    /// ```no_run
    /// use specai::mcp::{McpClient, McpTransport};
    ///
    /// # async fn run() -> Result<(), specai::mcp::McpError> {
    /// let client = McpClient::builder(McpTransport::stdio("my-mcp-server", ["--stdio"])).connect().await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(self) -> Result<McpClient, McpError> {
        let info = InitializeRequestParams::new(
            ClientCapabilities::default(),
            Implementation::new(self.client_name, self.client_version),
        );
        let initialize = |error| McpError::Initialize {
            source: Box::new(error),
        };
        let (service, process_id) = match self.transport.kind {
            TransportKind::Stdio { command, stderr } => {
                let program = command
                    .as_std()
                    .get_program()
                    .to_string_lossy()
                    .into_owned();
                let mut builder = TokioChildProcess::builder(command);
                if let Some(stderr) = stderr {
                    builder = builder.stderr(stderr);
                }
                let (process, _stderr) = builder
                    .spawn()
                    .map_err(|source| McpError::Spawn { program, source })?;
                let process_id = process.id();
                let handshake = rmcp::serve_client(info, process);
                (
                    within(self.request_timeout, "initialize", handshake)
                        .await?
                        .map_err(initialize)?,
                    process_id,
                )
            }
            TransportKind::Http(http) => {
                let transport = http_transport(http)?;
                let handshake = rmcp::serve_client(info, transport);
                (
                    within(self.request_timeout, "initialize", handshake)
                        .await?
                        .map_err(initialize)?,
                    None,
                )
            }
        };
        let peer = service.peer().clone();
        Ok(McpClient {
            service,
            peer,
            request_timeout: self.request_timeout,
            process_id,
        })
    }
}

fn http_transport(
    http: HttpTransport,
) -> Result<StreamableHttpClientTransport<reqwest::Client>, McpError> {
    let mut config = StreamableHttpClientTransportConfig::with_uri(http.url.as_str())
        .custom_headers(http.header_map()?);
    if let Some(token) = &http.bearer_token {
        config = config.auth_header(token.as_str());
    }
    let client = http
        .client
        .clone()
        .unwrap_or_else(crate::provider_utils::default_http_client);
    Ok(StreamableHttpClientTransport::with_client(client, config))
}

impl McpClient {
    /// Connects with the default settings: see [`McpClient::builder`] for the others.
    ///
    /// ```no_run
    /// use specai::mcp::{McpClient, McpTransport};
    ///
    /// # async fn run() -> Result<(), specai::mcp::McpError> {
    /// let client = McpClient::connect(McpTransport::http("http://127.0.0.1:8000/mcp")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(transport: McpTransport) -> Result<McpClient, McpError> {
        McpClient::builder(transport).connect().await
    }

    /// A builder for a client with other settings (request timeout, client name).
    ///
    /// ```
    /// use std::time::Duration;
    /// use specai::mcp::{McpClient, McpTransport};
    ///
    /// let builder = McpClient::builder(McpTransport::http("http://127.0.0.1:8000/mcp")).request_timeout(None);
    /// # let _ = builder;
    /// ```
    pub fn builder(transport: McpTransport) -> McpClientBuilder {
        McpClientBuilder {
            transport,
            request_timeout: Some(DEFAULT_REQUEST_TIMEOUT),
            client_name: "specai".to_owned(),
            client_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }

    /// What the server said about itself in the handshake (protocol version, capabilities,
    /// name and version, instructions).
    ///
    /// ```no_run
    /// # async fn run(client: specai::mcp::McpClient) {
    /// if let Some(server) = client.server_info().and_then(|info| info.server_info.clone()) {
    ///     println!("{} {}", server.name, server.version);
    /// }
    /// # }
    /// ```
    pub fn server_info(&self) -> Option<Arc<ServerPeerInfo>> {
        self.peer.peer_info()
    }

    /// The process id of a stdio server (`None` over HTTP).
    ///
    /// ```no_run
    /// # async fn run(client: specai::mcp::McpClient) {
    /// println!("server pid: {:?}", client.process_id());
    /// # }
    /// ```
    pub fn process_id(&self) -> Option<u32> {
        self.process_id
    }

    /// The server's tools as the protocol describes them (every page).
    ///
    /// ```no_run
    /// # async fn run(client: specai::mcp::McpClient) -> Result<(), specai::mcp::McpError> {
    /// for tool in client.list_tools().await? {
    ///     println!("{}: {:?}", tool.name, tool.description);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_tools(&self) -> Result<Vec<McpTool>, McpError> {
        self.request("tools/list", self.peer.list_all_tools()).await
    }

    /// Calls a tool with a JSON object of arguments and returns its result as it is, `isError`
    /// results included (the specai tools from [`McpClient::tools`] turn those into errors).
    ///
    /// ```no_run
    /// use serde_json::json;
    ///
    /// # async fn run(client: specai::mcp::McpClient) -> Result<(), specai::mcp::McpError> {
    /// let result = client.call_tool("add", json!({"a": 2, "b": 3})).await?;
    /// println!("{:?}", result.structured_content);
    /// # Ok(()) }
    /// ```
    pub async fn call_tool(
        &self,
        name: &str,
        arguments: Value,
    ) -> Result<CallToolResult, McpError> {
        self.caller(name).call(arguments, None).await
    }

    /// The server's resources (every page).
    ///
    /// ```no_run
    /// # async fn run(client: specai::mcp::McpClient) -> Result<(), specai::mcp::McpError> {
    /// for resource in client.list_resources().await? {
    ///     println!("{} ({:?})", resource.uri, resource.mime_type);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_resources(&self) -> Result<Vec<Resource>, McpError> {
        self.request("resources/list", self.peer.list_all_resources())
            .await
    }

    /// The server's resource templates (URIs with `{placeholders}`), every page.
    ///
    /// ```no_run
    /// # async fn run(client: specai::mcp::McpClient) -> Result<(), specai::mcp::McpError> {
    /// for template in client.list_resource_templates().await? {
    ///     println!("{}", template.uri_template);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_resource_templates(&self) -> Result<Vec<ResourceTemplate>, McpError> {
        self.request(
            "resources/templates/list",
            self.peer.list_all_resource_templates(),
        )
        .await
    }

    /// Reads a resource by URI: its text or binary contents.
    ///
    /// ```no_run
    /// use specai::mcp::model::ResourceContents;
    ///
    /// # async fn run(client: specai::mcp::McpClient) -> Result<(), specai::mcp::McpError> {
    /// for contents in client.read_resource("file:///project/README.md").await?.contents {
    ///     if let ResourceContents::TextResourceContents { text, .. } = contents {
    ///         println!("{text}");
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn read_resource(&self, uri: &str) -> Result<ReadResourceResult, McpError> {
        self.request(
            "resources/read",
            self.peer.read_resource(ReadResourceRequestParams::new(uri)),
        )
        .await
    }

    /// The server's prompts (every page).
    ///
    /// ```no_run
    /// # async fn run(client: specai::mcp::McpClient) -> Result<(), specai::mcp::McpError> {
    /// for prompt in client.list_prompts().await? {
    ///     println!("{}: {:?}", prompt.name, prompt.arguments);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_prompts(&self) -> Result<Vec<Prompt>, McpError> {
        self.request("prompts/list", self.peer.list_all_prompts())
            .await
    }

    /// Gets a prompt with its arguments filled in: its messages.
    ///
    /// ```no_run
    /// # async fn run(client: specai::mcp::McpClient) -> Result<(), specai::mcp::McpError> {
    /// let prompt = client.get_prompt("review_code", [("code", "fn main() {}")]).await?;
    /// println!("{} messages", prompt.messages.len());
    /// # Ok(()) }
    /// ```
    pub async fn get_prompt<I, K, V>(
        &self,
        name: &str,
        arguments: I,
    ) -> Result<GetPromptResult, McpError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let arguments: Map<String, Value> = arguments
            .into_iter()
            .map(|(name, value)| (name.into(), Value::String(value.into())))
            .collect();
        let mut parameters = GetPromptRequestParams::new(name);
        if !arguments.is_empty() {
            parameters = parameters.with_arguments(arguments);
        }
        self.request("prompts/get", self.peer.get_prompt(parameters))
            .await
    }

    /// Ends the connection and waits until it is over: a stdio server's stdin is closed and the
    /// process waited for (terminated after 3 s, killed after 3 more), an HTTP session deleted.
    ///
    /// ```no_run
    /// use specai::mcp::{McpClient, McpTransport};
    ///
    /// # async fn run() -> Result<(), specai::mcp::McpError> {
    /// let client = McpClient::connect(McpTransport::stdio("my-mcp-server", ["--stdio"])).await?;
    /// client.close().await?;
    /// # Ok(()) }
    /// ```
    pub async fn close(self) -> Result<(), McpError> {
        self.service
            .cancel()
            .await
            .map(drop)
            .map_err(|error| McpError::Close { source: error })
    }

    async fn request<T>(
        &self,
        method: &'static str,
        request: impl Future<Output = Result<T, ServiceError>>,
    ) -> Result<T, McpError> {
        within(self.request_timeout, method, request)
            .await?
            .map_err(|error| McpError::request(method, error))
    }

    /// What the specai tools hold to call one tool: the connection, the timeout, the name.
    pub(super) fn caller(&self, tool_name: &str) -> ToolCaller {
        ToolCaller {
            peer: self.peer.clone(),
            request_timeout: self.request_timeout,
            tool_name: tool_name.to_owned(),
        }
    }
}

/// Runs a request with a time limit. Dropping an unfinished rmcp request sends the server
/// `notifications/cancelled`, so a timeout also cancels the work on the server.
async fn within<T>(
    timeout: Option<Duration>,
    method: &'static str,
    request: impl Future<Output = T>,
) -> Result<T, McpError> {
    match timeout {
        None => Ok(request.await),
        Some(duration) => tokio::time::timeout(duration, request)
            .await
            .map_err(|_| McpError::Timeout { method, duration }),
    }
}

/// Calls one tool of a connected server; what a specai tool made from an MCP tool holds.
#[derive(Clone)]
pub(super) struct ToolCaller {
    peer: Peer<RoleClient>,
    request_timeout: Option<Duration>,
    pub(super) tool_name: String,
}

impl ToolCaller {
    /// Calls the tool, giving up (and cancelling it on the server) when the token is cancelled.
    pub(super) async fn call(
        &self,
        arguments: Value,
        cancellation_token: Option<&CancellationToken>,
    ) -> Result<CallToolResult, McpError> {
        let Value::Object(arguments) = arguments else {
            return Err(McpError::InvalidToolInput {
                tool_name: self.tool_name.clone(),
                input: arguments,
            });
        };
        let parameters =
            CallToolRequestParams::new(self.tool_name.clone()).with_arguments(arguments);
        let method = "tools/call";
        let call = within(
            self.request_timeout,
            method,
            self.peer.call_tool(parameters),
        );
        let outcome = match cancellation_token {
            None => call.await,
            Some(token) => tokio::select! {
                outcome = call => outcome,
                () = token.cancelled() => Err(McpError::Cancelled { method }),
            },
        };
        outcome?.map_err(|error| McpError::request(method, error))
    }
}
