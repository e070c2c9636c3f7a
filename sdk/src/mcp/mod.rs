//! A Model Context Protocol client (feature `mcp`): tools, resources and prompts from MCP servers.
//!
//! Built on rmcp, the official Rust MCP SDK, rather than a protocol of our own: it tracks the
//! specification (version negotiation, pagination, cancellation) as it moves. This module adds
//! what specai needs on top: [`McpTransport`] to reach a server (a child process over stdio, or
//! streamable HTTP), [`McpClient`] for the requests, and the conversion of the server's tools into
//! specai [`Tool`](crate::Tool)s that a tool loop runs, with its cancellation and timeouts.
//!
//! The protocol's own types (results, resources, prompts) are rmcp's, re-exported as [`model`].
//! Not covered: the legacy HTTP+SSE transport (rmcp has no client for it), and the client-side
//! features a server may ask for (sampling, roots, elicitation).
//!
//! ```no_run
//! use specai::mcp::{McpClient, McpTransport};
//! use specai::{generate_text, step_count_is};
//! # use specai::test_util::{MockLanguageModel, text_response};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let model = MockLanguageModel::new().with_response(text_response("done"));
//! let client = McpClient::connect(McpTransport::http("http://127.0.0.1:8000/mcp")).await?;
//! let result = generate_text(model)
//!     .prompt("What is 2 + 3?")
//!     .tools(client.tools().await?)
//!     .stop_when(step_count_is(3))
//!     .await?;
//! println!("{}", result.text());
//! let readme = client.read_resource("notes://readme").await?;
//! let review = client.get_prompt("review_code", [("code", "fn main() {}")]).await?;
//! # let _ = (readme, review);
//! client.close().await?;
//! # Ok(())
//! # }
//! ```

mod mcp_client;
mod mcp_error;
mod mcp_tools;
mod mcp_transport;

pub use mcp_client::{DEFAULT_REQUEST_TIMEOUT, McpClient, McpClientBuilder};
pub use mcp_error::McpError;
pub use mcp_transport::McpTransport;
/// The protocol's types (tool results, resources, prompts), from rmcp.
pub use rmcp::model;
