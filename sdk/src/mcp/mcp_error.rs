//! What can go wrong talking to an MCP server.

use std::time::Duration;

use rmcp::model::CallToolResult;

/// An MCP client error. Tool failures reported by the server (`isError` results) are
/// [`McpError::ToolFailed`]; in a tool loop they go back to the model as tool errors.
///
/// ```
/// use std::time::Duration;
/// use specai::mcp::McpError;
///
/// let error = McpError::Timeout { method: "tools/call", duration: Duration::from_secs(60) };
/// assert_eq!(error.to_string(), "MCP request `tools/call` timed out after 60s");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum McpError {
    /// The server's process could not be started (stdio transport).
    #[error("cannot start the MCP server `{program}`: {source}")]
    Spawn {
        /// The program that was run.
        program: String,
        /// Why it could not start.
        #[source]
        source: std::io::Error,
    },

    /// The transport was configured with something unusable (a header name or value).
    #[error("invalid MCP transport setting: {message}")]
    InvalidTransport {
        /// What is wrong.
        message: String,
    },

    /// The initialization handshake failed: the server did not answer as an MCP server, or the
    /// connection failed.
    #[error("the MCP server did not initialize: {source}")]
    Initialize {
        /// rmcp's error.
        #[source]
        source: Box<rmcp::service::ClientInitializeError>,
    },

    /// A request failed: the server answered with a JSON-RPC error, or the connection failed or
    /// closed.
    #[error("MCP request `{method}` failed: {source}")]
    Request {
        /// The MCP method, e.g. `tools/call`.
        method: &'static str,
        /// rmcp's error.
        #[source]
        source: Box<rmcp::ServiceError>,
    },

    /// A request got no answer in time; the server was told to cancel it.
    #[error("MCP request `{method}` timed out after {duration:?}")]
    Timeout {
        /// The MCP method.
        method: &'static str,
        /// The limit that passed.
        duration: Duration,
    },

    /// The caller cancelled a request (the generation's cancellation token); the server was told
    /// to cancel it.
    #[error("MCP request `{method}` was cancelled")]
    Cancelled {
        /// The MCP method.
        method: &'static str,
    },

    /// A tool's input is not a JSON object, which MCP requires of tool arguments.
    #[error("the input of MCP tool `{tool_name}` must be a JSON object, got {input}")]
    InvalidToolInput {
        /// The tool.
        tool_name: String,
        /// The input given.
        input: serde_json::Value,
    },

    /// The server has no tool of that name.
    #[error("the MCP server has no tool `{tool_name}`")]
    NoSuchTool {
        /// The tool asked for.
        tool_name: String,
    },

    /// Closing the connection failed: the task that ran it panicked or was aborted.
    #[error("closing the MCP connection failed: {source}")]
    Close {
        /// The task's error.
        #[source]
        source: tokio::task::JoinError,
    },

    /// The tool ran and reported a failure (an `isError` result); `message` is its text content,
    /// and all the error says, as the loop's tool error already names the tool.
    #[error("{message}")]
    ToolFailed {
        /// The tool.
        tool_name: String,
        /// The text the tool returned.
        message: String,
        /// The whole result.
        result: Box<CallToolResult>,
    },
}

impl McpError {
    pub(crate) fn request(method: &'static str, source: rmcp::ServiceError) -> McpError {
        McpError::Request {
            method,
            source: Box::new(source),
        }
    }
}
