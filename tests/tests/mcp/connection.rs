//! The connection's life: a clean close (the child process reaped, the HTTP session deleted),
//! and typed errors when the server cannot be started, is not an MCP server, never answers, or
//! dies.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use specai::mcp::{McpClient, McpError, McpTransport};

use super::{HttpServer, Transport, connect, python};

fn process_exists(process_id: u32) -> bool {
    Path::new(&format!("/proc/{process_id}")).exists()
}

#[tokio::test]
async fn closing_a_stdio_client_reaps_the_server_process() {
    let Some(connected) = connect(Transport::Stdio).await else {
        return;
    };
    let process_id = connected
        .client
        .process_id()
        .expect("a stdio server has a process id");
    assert!(process_exists(process_id));
    connected.client.list_tools().await.unwrap();
    connected.client.close().await.unwrap();
    // Reaped: not even a zombie is left (a zombie still has its /proc entry).
    assert!(
        !process_exists(process_id),
        "process {process_id} is still there after close"
    );
}

#[tokio::test]
async fn closing_an_http_client_deletes_its_session() {
    let Some(connected) = connect(Transport::Http).await else {
        return;
    };
    let server = connected.http_server.as_ref().expect("an HTTP server");
    assert_eq!(connected.client.process_id(), None);
    connected.client.list_tools().await.unwrap();
    assert!(
        server
            .log()
            .iter()
            .any(|line| line.contains("\"POST /mcp HTTP/1.1\" 200")),
        "{:?}",
        server.log()
    );
    assert!(!server.log().iter().any(|line| line.contains("DELETE")));
    connected.client.close().await.unwrap();
    assert!(
        server.wait_for_log("\"DELETE /mcp HTTP/1.1\" 200").await,
        "the session was not deleted: {:?}",
        server.log()
    );
}

#[tokio::test]
async fn a_server_that_dies_gives_a_typed_error() {
    let Some(connected) = connect(Transport::Stdio).await else {
        return;
    };
    let process_id = connected.client.process_id().unwrap();
    let killed = std::process::Command::new("kill")
        .arg("-9")
        .arg(process_id.to_string())
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let error = connected
        .client
        .call_tool("add", json!({"a": 1, "b": 2}))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            McpError::Request {
                method: "tools/call",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    connected.client.close().await.unwrap();
}

#[tokio::test]
async fn a_program_that_cannot_start_is_a_spawn_error() {
    let error = McpClient::connect(McpTransport::stdio("/nonexistent/mcp-server", ["--stdio"]))
        .await
        .unwrap_err();
    match error {
        McpError::Spawn { program, source } => {
            assert_eq!(program, "/nonexistent/mcp-server");
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_program_that_is_not_an_mcp_server_fails_the_handshake() {
    let Some(python) = python() else {
        return;
    };
    // Prints something that is not JSON-RPC, then exits.
    let transport = McpTransport::stdio(&python, ["-c", "print('hello')"]);
    let error = McpClient::connect(transport).await.unwrap_err();
    assert!(matches!(error, McpError::Initialize { .. }), "{error:?}");

    // Reads and never answers: the request timeout ends the handshake.
    let silent = McpTransport::stdio(
        &python,
        [
            "-c",
            "import sys, time; sys.stdin.readline(); time.sleep(60)",
        ],
    );
    let started = Instant::now();
    let error = McpClient::builder(silent)
        .request_timeout(Some(Duration::from_millis(500)))
        .connect()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            McpError::Timeout {
                method: "initialize",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn an_http_url_without_a_server_fails_the_handshake() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let error = McpClient::connect(McpTransport::http(format!("http://127.0.0.1:{port}/mcp")))
        .await
        .unwrap_err();
    assert!(matches!(error, McpError::Initialize { .. }), "{error:?}");

    // A real HTTP server, but the wrong path: a 404 fails the handshake too.
    let Some(python) = python() else {
        return;
    };
    let server = HttpServer::start(&python);
    let wrong = server.url.replace("/mcp", "/not-mcp");
    let error = McpClient::connect(McpTransport::http(wrong))
        .await
        .unwrap_err();
    assert!(matches!(error, McpError::Initialize { .. }), "{error:?}");
}

#[tokio::test]
async fn an_invalid_header_is_a_transport_error() {
    let error =
        McpClient::connect(McpTransport::http("http://127.0.0.1:9/mcp").header("bad header", "x"))
            .await
            .unwrap_err();
    assert!(
        matches!(&error, McpError::InvalidTransport { message } if message.contains("bad header")),
        "{error:?}"
    );
}

#[tokio::test]
async fn headers_and_the_bearer_token_reach_the_http_server() {
    let Some(python) = python() else {
        return;
    };
    let server = HttpServer::start(&python);
    let transport = McpTransport::http(server.url.clone())
        .header("x-team", "search")
        .bearer_token("secret-token");
    assert!(!format!("{transport:?}").contains("secret-token"));
    let client = McpClient::connect(transport).await.unwrap();
    client.list_tools().await.unwrap();
    client.close().await.unwrap();
    let posts: Vec<String> = server
        .log()
        .into_iter()
        .filter(|line| line.starts_with("HEADERS POST"))
        .collect();
    assert!(posts.len() >= 2, "{:?}", server.log());
    for line in posts {
        assert_eq!(
            line,
            "HEADERS POST x-team='search' authorization='Bearer secret-token'"
        );
    }
}
