//! A raw-bytes HTTP server for fault tests: each connection answers with a script of exact bytes,
//! pauses, a TCP reset or a clean close, and the server notes when the client hangs up.
//!
//! [`TestServer`](super::test_server::TestServer) runs on hyper, which frames every response
//! correctly; faults need framing that is wrong on purpose (a `content-length` larger than the
//! body, a body cut by a reset, an event split at any byte), so this server writes what it is
//! told on a plain socket on 127.0.0.1. A connection reads the request (head and
//! `content-length` body), records it, runs its script, then closes (FIN) unless the script
//! reset it.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use specai::provider_utils::fault_server::{FaultServer, FaultStep, sse_head};
//!
//! let server = FaultServer::start([vec![FaultStep::write(sse_head()), FaultStep::write("data: 1\n\n"), FaultStep::Reset]]).await;
//! let response = reqwest::Client::new().post(server.url("/v1/chat")).body("{}").send().await.unwrap();
//! assert!(response.text().await.is_err(), "the reset cuts the body");
//! assert_eq!(server.requests()[0].path, "/v1/chat");
//! # }
//! ```

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// One step of a connection's script.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum FaultStep {
    /// Writes these bytes at once.
    Write(Bytes),
    /// Writes these bytes one at a time, flushing each (with `TCP_NODELAY`, one segment each).
    Trickle(Bytes),
    /// Waits.
    Pause(Duration),
    /// Resets the connection (`SO_LINGER` 0, then close: the client reads `ECONNRESET`).
    Reset,
    /// Reads until the client closes the connection (or 10 s pass), and records the close.
    AwaitClientClose,
}

impl FaultStep {
    /// A [`FaultStep::Write`] of text or bytes.
    pub fn write(bytes: impl Into<Bytes>) -> Self {
        FaultStep::Write(bytes.into())
    }

    /// A [`FaultStep::Trickle`] of text or bytes.
    pub fn trickle(bytes: impl Into<Bytes>) -> Self {
        FaultStep::Trickle(bytes.into())
    }
}

/// The head of a `200` event-stream response delimited by the connection's close.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use specai::provider_utils::fault_server::{FaultServer, FaultStep, sse_head};
///
/// // An event split across two writes, then a clean close: the client reads it whole.
/// let script = vec![FaultStep::write(sse_head()), FaultStep::write("data: {\"a\""), FaultStep::write(":1}\n\n")];
/// let server = FaultServer::start([script]).await;
/// let body = reqwest::get(server.url("/events")).await.unwrap().text().await.unwrap();
/// assert_eq!(body, "data: {\"a\":1}\n\n");
/// # }
/// ```
pub fn sse_head() -> String {
    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n".to_owned()
}

/// The head of a `200` JSON response announcing `content_length` bytes.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use specai::provider_utils::fault_server::{FaultServer, FaultStep, json_head};
///
/// // The head promises 100 bytes, the connection closes after 10: the body read fails.
/// let server = FaultServer::start([vec![FaultStep::write(json_head(100)), FaultStep::write("{\"text\": \"")]]).await;
/// let response = reqwest::get(server.url("/v1/chat")).await.unwrap();
/// assert_eq!(response.status().as_u16(), 200);
/// assert!(response.text().await.is_err());
/// # }
/// ```
pub fn json_head(content_length: usize) -> String {
    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {content_length}\r\nconnection: close\r\n\r\n")
}

/// A request the server read.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FaultRequest {
    /// The path with its query.
    pub path: String,
    /// The head as received (request line and headers).
    pub head: String,
    /// The body.
    pub body: Bytes,
}

#[derive(Default)]
struct Shared {
    scripts: Mutex<std::collections::VecDeque<Vec<FaultStep>>>,
    requests: Mutex<Vec<FaultRequest>>,
    client_closes: Mutex<usize>,
    closed: Notify,
}

/// The server; it stops when dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use specai::provider_utils::fault_server::{FaultServer, FaultStep, sse_head};
///
/// // Does the client hang up when the caller drops the stream?
/// let script = vec![FaultStep::write(sse_head()), FaultStep::write("data: 1\n\n"), FaultStep::AwaitClientClose];
/// let server = FaultServer::start([script]).await;
/// let mut response = reqwest::get(server.url("/v1/chat")).await.unwrap();
/// assert_eq!(response.chunk().await.unwrap().as_deref(), Some(&b"data: 1\n\n"[..]));
/// drop(response);
/// assert!(server.client_closed(Duration::from_secs(5)).await);
/// # }
/// ```
pub struct FaultServer {
    address: std::net::SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultServer {
    /// Starts a server on 127.0.0.1 whose connections run `scripts` in order (a connection with
    /// no script left is closed at once).
    pub async fn start(scripts: impl IntoIterator<Item = Vec<FaultStep>>) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared { scripts: Mutex::new(scripts.into_iter().collect()), ..Shared::default() });
        let accepting = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve(socket, accepting.clone()));
            }
        });
        FaultServer { address, shared, task }
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// The base URL (`http://127.0.0.1:<port>`).
    pub fn base_url(&self) -> String {
        self.url("")
    }

    /// The requests read so far.
    pub fn requests(&self) -> Vec<FaultRequest> {
        self.shared.requests.lock().expect("lock").clone()
    }

    /// Waits until a client has closed a connection during [`FaultStep::AwaitClientClose`];
    /// `false` if none did within `timeout`.
    pub async fn client_closed(&self, timeout: Duration) -> bool {
        let closed = || *self.shared.client_closes.lock().expect("lock") > 0;
        let waiting = async {
            while !closed() {
                let notified = self.shared.closed.notified();
                if closed() {
                    break;
                }
                notified.await;
            }
        };
        tokio::time::timeout(timeout, waiting).await.is_ok()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request, then runs the next script on the connection.
async fn serve(mut socket: TcpStream, shared: Arc<Shared>) {
    let _ = socket.set_nodelay(true);
    let Some(request) = read_request(&mut socket).await else { return };
    shared.requests.lock().expect("lock").push(request);
    let script = shared.scripts.lock().expect("lock").pop_front().unwrap_or_default();
    for step in script {
        let written = match step {
            FaultStep::Write(bytes) => socket.write_all(&bytes).await,
            FaultStep::Trickle(bytes) => trickle(&mut socket, &bytes).await,
            FaultStep::Pause(duration) => {
                tokio::time::sleep(duration).await;
                Ok(())
            }
            FaultStep::Reset => {
                let _ = socket.set_zero_linger();
                return;
            }
            FaultStep::AwaitClientClose => {
                let mut buffer = [0u8; 1024];
                let read_to_end = async {
                    while matches!(socket.read(&mut buffer).await, Ok(read) if read > 0) {}
                };
                if tokio::time::timeout(Duration::from_secs(10), read_to_end).await.is_ok() {
                    *shared.client_closes.lock().expect("lock") += 1;
                    shared.closed.notify_waiters();
                }
                return;
            }
        };
        if written.is_err() {
            return;
        }
    }
    let _ = socket.shutdown().await;
}

async fn trickle(socket: &mut TcpStream, bytes: &[u8]) -> std::io::Result<()> {
    for byte in bytes {
        socket.write_all(std::slice::from_ref(byte)).await?;
        socket.flush().await?;
        tokio::task::yield_now().await;
    }
    Ok(())
}

/// Reads a request head and its `content-length` body; `None` if the client went away.
async fn read_request(socket: &mut TcpStream) -> Option<FaultRequest> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = received.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
        let read = socket.read(&mut buffer).await.ok().filter(|read| *read > 0)?;
        received.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&received[..head_end]).into_owned();
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while received.len() < head_end + length {
        let read = socket.read(&mut buffer).await.ok().filter(|read| *read > 0)?;
        received.extend_from_slice(&buffer[..read]);
    }
    let path = head.split_whitespace().nth(1).unwrap_or_default().to_owned();
    let body = Bytes::copy_from_slice(&received[head_end..head_end + length]);
    Some(FaultRequest { path, head, body })
}
