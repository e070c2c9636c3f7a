//! specai's MCP client (feature `mcp`) against a real MCP server: `tests/mcp/server.py`, built on
//! the PyPI `mcp` package (installed by `tests/mcp/setup.sh` into `target/mcp-server/venv`, which
//! `.ci/run` runs). Every test starts its own server, over stdio (the client starts it) or over
//! streamable HTTP on 127.0.0.1 (this harness starts it), and the server stops with the test.
//!
//! The server's python is `$SPECAI_MCP_PYTHON`, else the venv's. When it is missing the tests
//! fail under CI (`CI=true`) and are skipped with a printed message elsewhere.

mod connection;
mod protocol;
mod real_model;
mod tool_loop;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use specai::mcp::{McpClient, McpTransport};

use crate::support::local_server::workspace_root;

pub const PYTHON_ENV: &str = "SPECAI_MCP_PYTHON";

/// The python that has the `mcp` package, or `None` (with a message) when the tests are skipped.
pub fn python() -> Option<PathBuf> {
    let python = match std::env::var_os(PYTHON_ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => workspace_root().join("target/mcp-server/venv/bin/python"),
    };
    if python.exists() {
        return Some(python);
    }
    let message = format!(
        "the MCP server's python {} is missing: run `sh tests/mcp/setup.sh` (or set {PYTHON_ENV})",
        python.display()
    );
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        panic!("{message}");
    }
    static NOTICE: std::sync::Once = std::sync::Once::new();
    NOTICE.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: the MCP tests are skipped: {message}"
        );
    });
    None
}

pub fn server_script() -> PathBuf {
    workspace_root().join("tests/mcp/server.py")
}

/// The two ways to reach the server.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Transport {
    Stdio,
    Http,
}

pub const TRANSPORTS: [Transport; 2] = [Transport::Stdio, Transport::Http];

/// A connected client, and the HTTP server it talks to when there is one (stopped on drop).
pub struct Connected {
    pub client: McpClient,
    pub http_server: Option<HttpServer>,
}

/// Starts the server over `transport` and connects to it; `None` when the tests are skipped.
pub async fn connect(transport: Transport) -> Option<Connected> {
    let python = python()?;
    let (mcp_transport, http_server) = match transport {
        // The server's stderr (tracebacks of the failures the tests provoke) is not wanted here.
        Transport::Stdio => (
            McpTransport::stdio(&python, [server_script().as_os_str(), "stdio".as_ref()])
                .stderr(Stdio::null()),
            None,
        ),
        Transport::Http => {
            let server = HttpServer::start(&python);
            (McpTransport::http(server.url.clone()), Some(server))
        }
    };
    let client = McpClient::connect(mcp_transport)
        .await
        .unwrap_or_else(|error| panic!("{transport:?}: connect: {error:?}"));
    Some(Connected {
        client,
        http_server,
    })
}

/// `tests/mcp/server.py http`: a streamable-HTTP server on a free 127.0.0.1 port, whose request
/// log (uvicorn's, on stderr) is kept. It stops when its stdin closes (on drop, or when this
/// process exits however it exits).
pub struct HttpServer {
    pub url: String,
    child: Child,
    stdin: Option<ChildStdin>,
    log: Arc<Mutex<Vec<String>>>,
}

impl HttpServer {
    pub fn start(python: &std::path::Path) -> HttpServer {
        let mut child = Command::new(python)
            .arg(server_script())
            .arg("http")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", python.display()));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        let (ready_sender, ready) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = ready_sender.send(line);
        });
        let line = ready
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_default();
        let Some(url) = line.trim().strip_prefix("READY ") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the MCP HTTP server did not start (stdout {line:?}); its log:\n{}",
                log.lock().unwrap().join("\n")
            );
        };
        HttpServer {
            url: url.to_owned(),
            child,
            stdin,
            log,
        }
    }

    /// The server's log lines so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Waits up to 10 s for a log line containing `needle`.
    pub async fn wait_for_log(&self, needle: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.log().iter().any(|line| line.contains(needle)) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
