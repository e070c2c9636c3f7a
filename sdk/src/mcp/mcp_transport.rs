//! How to reach an MCP server: a child process speaking over stdin/stdout, or a URL speaking
//! streamable HTTP.
//!
//! The older HTTP+SSE transport (protocol version 2024-11-05) is not offered: rmcp, which this
//! client is built on, has no client for it any more. Most servers that spoke it now speak
//! streamable HTTP too.

use std::collections::HashMap;
use std::fmt;
use std::process::Stdio;

use http::{HeaderName, HeaderValue};

use super::McpError;

/// How to reach an MCP server.
///
/// ```
/// use specai::mcp::McpTransport;
///
/// // A server run as a child process, talking over its stdin and stdout.
/// let local = McpTransport::stdio("python3", ["server.py", "stdio"]);
/// // A server at a URL, talking streamable HTTP; headers go with every request.
/// let remote = McpTransport::http("http://127.0.0.1:8000/mcp").bearer_token("secret").header("x-team", "search");
/// assert!(!format!("{remote:?}").contains("secret"));
/// # let _ = local;
/// ```
pub struct McpTransport {
    pub(super) kind: TransportKind,
}

pub(super) enum TransportKind {
    Stdio {
        command: tokio::process::Command,
        stderr: Option<Stdio>,
    },
    Http(HttpTransport),
}

pub(super) struct HttpTransport {
    pub(super) url: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) bearer_token: Option<String>,
    pub(super) client: Option<reqwest::Client>,
}

impl McpTransport {
    /// A server started as a child process with these arguments, spoken to over its stdin and
    /// stdout. Its stderr goes to this process's stderr unless [`McpTransport::stderr`] says
    /// otherwise. Closing the client ends the process (see [`McpClient::close`](super::McpClient::close)).
    ///
    /// ```
    /// use specai::mcp::McpTransport;
    ///
    /// let transport = McpTransport::stdio("uvx", ["mcp-server-time", "--local-timezone", "UTC"]);
    /// # let _ = transport;
    /// ```
    pub fn stdio<I, S>(program: impl AsRef<std::ffi::OsStr>, args: I) -> McpTransport
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut command = tokio::process::Command::new(program);
        command.args(args);
        McpTransport::command(command)
    }

    /// A server started from a prepared command (environment, working directory...), spoken to
    /// over its stdin and stdout, which the transport sets.
    ///
    /// ```
    /// use specai::mcp::McpTransport;
    ///
    /// let mut command = tokio::process::Command::new("npx");
    /// command.args(["-y", "@modelcontextprotocol/server-everything"]).env("LOG_LEVEL", "warn");
    /// let transport = McpTransport::command(command);
    /// # let _ = transport;
    /// ```
    pub fn command(command: tokio::process::Command) -> McpTransport {
        McpTransport {
            kind: TransportKind::Stdio {
                command,
                stderr: None,
            },
        }
    }

    /// A server at this URL, spoken to over streamable HTTP (protocol version 2025-03-26 on).
    /// The session the server opens is deleted (`DELETE`) when the client closes.
    ///
    /// ```
    /// use specai::mcp::McpTransport;
    ///
    /// let transport = McpTransport::http("http://127.0.0.1:8000/mcp");
    /// # let _ = transport;
    /// ```
    pub fn http(url: impl Into<String>) -> McpTransport {
        McpTransport {
            kind: TransportKind::Http(HttpTransport {
                url: url.into(),
                headers: Vec::new(),
                bearer_token: None,
                client: None,
            }),
        }
    }

    /// Where a stdio server's stderr goes: inherited by default, or `Stdio::null()`, or a file
    /// (a pipe would be closed unread). No effect on HTTP.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use specai::mcp::McpTransport;
    ///
    /// let quiet = McpTransport::stdio("my-mcp-server", ["--stdio"]).stderr(Stdio::null());
    /// # let _ = quiet;
    /// ```
    pub fn stderr(mut self, stderr: impl Into<Stdio>) -> McpTransport {
        if let TransportKind::Stdio { stderr: slot, .. } = &mut self.kind {
            *slot = Some(stderr.into());
        }
        self
    }

    /// A header sent with every HTTP request (checked when connecting); no effect on stdio.
    ///
    /// ```
    /// use specai::mcp::McpTransport;
    ///
    /// let transport = McpTransport::http("http://127.0.0.1:8000/mcp").header("x-api-key", "secret");
    /// # let _ = transport;
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> McpTransport {
        if let TransportKind::Http(http) = &mut self.kind {
            http.headers.push((name.into(), value.into()));
        }
        self
    }

    /// A bearer token sent as `Authorization: Bearer <token>` with every HTTP request; never
    /// printed. No effect on stdio.
    ///
    /// ```
    /// use specai::mcp::McpTransport;
    ///
    /// let token = std::env::var("MCP_TOKEN").unwrap_or_default();
    /// let transport = McpTransport::http("https://mcp.example.com/mcp").bearer_token(token);
    /// # let _ = transport;
    /// ```
    pub fn bearer_token(mut self, token: impl Into<String>) -> McpTransport {
        if let TransportKind::Http(http) = &mut self.kind {
            http.bearer_token = Some(token.into());
        }
        self
    }

    /// The `reqwest::Client` for HTTP requests (proxies, TLS, timeouts); by default the one every
    /// provider uses, with a connect timeout. No effect on stdio.
    ///
    /// ```
    /// use std::time::Duration;
    /// use specai::mcp::McpTransport;
    ///
    /// let client = specai::provider_utils::client_with_timeouts(Some(Duration::from_secs(3)), None);
    /// let transport = McpTransport::http("http://127.0.0.1:8000/mcp").http_client(client);
    /// # let _ = transport;
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> McpTransport {
        if let TransportKind::Http(http) = &mut self.kind {
            http.client = Some(client);
        }
        self
    }
}

impl HttpTransport {
    /// The headers as rmcp takes them, checked.
    pub(super) fn header_map(&self) -> Result<HashMap<HeaderName, HeaderValue>, McpError> {
        self.headers
            .iter()
            .map(|(name, value)| {
                let invalid = |what: &str| McpError::InvalidTransport {
                    message: format!("header `{name}` has an invalid {what}"),
                };
                let name = HeaderName::try_from(name.as_str()).map_err(|_| invalid("name"))?;
                let mut value =
                    HeaderValue::try_from(value.as_str()).map_err(|_| invalid("value"))?;
                value.set_sensitive(true);
                Ok((name, value))
            })
            .collect()
    }
}

impl fmt::Debug for McpTransport {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TransportKind::Stdio { command, .. } => formatter
                .debug_struct("McpTransport::Stdio")
                .field("program", &command.as_std().get_program())
                .finish_non_exhaustive(),
            // Header values and the token may be secrets: names only, and the URL without a password.
            TransportKind::Http(http) => formatter
                .debug_struct("McpTransport::Http")
                .field("url", &crate::provider_utils::redact_url(&http.url))
                .field(
                    "headers",
                    &http
                        .headers
                        .iter()
                        .map(|(name, _)| name.as_str())
                        .collect::<Vec<_>>(),
                )
                .field(
                    "bearer_token",
                    &http.bearer_token.as_ref().map(|_| "<redacted>"),
                )
                .finish_non_exhaustive(),
        }
    }
}
