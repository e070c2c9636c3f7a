//! A scripted HTTP/1.1 server on 127.0.0.1 for tests: it answers requests in order with the
//! responses it was given and records every request it saw (method, path, headers, body).
//!
//! Deliberately tiny (a tokio `TcpListener`, no framework): enough HTTP for reqwest, keep-alive
//! included; streamed bodies are sent chunked, one write and flush per chunk, and can be cut off
//! without the final chunk to simulate a dropped connection.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A request the server received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// `GET`, `POST`...
    pub method: String,
    /// The path with its query string.
    pub path: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The body (chunked bodies are decoded).
    pub body: Bytes,
}

impl RecordedRequest {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; panics when it is not JSON (a test failure).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| panic!("request body is not JSON ({error}): {}", self.body_text()))
    }
}

/// A scripted response.
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    cut: bool,
    chunk_delay: Option<Duration>,
}

#[derive(Debug, Clone)]
enum Body {
    Full(Bytes),
    Chunks(Vec<Bytes>),
}

impl TestResponse {
    /// A JSON body.
    pub fn json(status: u16, body: Value) -> Self {
        TestResponse::text(status, body.to_string()).header("content-type", "application/json")
    }

    /// A body sent as is.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        TestResponse { status, headers: Vec::new(), body: Body::Full(Bytes::from(body.into())), cut: false, chunk_delay: None }
    }

    /// A binary body.
    pub fn bytes(status: u16, body: impl Into<Bytes>, content_type: &str) -> Self {
        TestResponse { status, headers: Vec::new(), body: Body::Full(body.into()), cut: false, chunk_delay: None }
            .header("content-type", content_type)
    }

    /// An event stream sent in these exact chunks (the framing is the caller's).
    pub fn sse_chunks<I, C>(chunks: I) -> Self
    where
        I: IntoIterator<Item = C>,
        C: Into<Bytes>,
    {
        TestResponse {
            status: 200,
            headers: Vec::new(),
            body: Body::Chunks(chunks.into_iter().map(Into::into).collect()),
            cut: false,
            chunk_delay: None,
        }
        .header("content-type", "text/event-stream")
    }

    /// An event stream of `data: <line>\n\n` events, one chunk each.
    pub fn sse_events<I, S>(data: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self::sse_chunks(data.into_iter().map(|line| Bytes::from(format!("data: {}\n\n", line.as_ref()))))
    }

    /// A wire-exact `.sse` fixture, served one event per HTTP chunk (split after each blank
    /// line; `\r\n` framing is kept as is).
    pub fn sse_fixture(text: &str) -> Self {
        let mut chunks = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let end = ["\n\n", "\r\n\r\n"]
                .iter()
                .filter_map(|separator| rest.find(separator).map(|index| index + separator.len()))
                .min()
                .unwrap_or(rest.len());
            chunks.push(Bytes::copy_from_slice(rest[..end].as_bytes()));
            rest = &rest[end..];
        }
        Self::sse_chunks(chunks)
    }

    /// A `.chunks.txt` fixture (one JSON event per line) re-framed as `data:` events, one per
    /// HTTP chunk, followed by `data: [DONE]` when `done` (OpenAI-style APIs send it).
    pub fn chunks_fixture(text: &str, done: bool) -> Self {
        let lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
        Self::sse_events(lines.chain(done.then_some("[DONE]")))
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Closes the connection after the chunks, without ending the chunked body.
    pub fn cut_connection(mut self) -> Self {
        self.cut = true;
        self
    }

    /// Waits this long before each chunk of a streamed body.
    pub fn chunk_delay(mut self, delay: Duration) -> Self {
        self.chunk_delay = Some(delay);
        self
    }
}

#[derive(Default)]
struct State {
    responses: VecDeque<TestResponse>,
    requests: Vec<RecordedRequest>,
}

/// The server; it stops when dropped.
pub struct TestServer {
    address: std::net::SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a server answering with `responses` in order (then 500s).
    pub async fn start(responses: Vec<TestResponse>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("local address");
        let state = Arc::new(Mutex::new(State { responses: responses.into(), requests: Vec::new() }));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve_connection(socket, shared.clone()));
            }
        });
        TestServer { address, state, task }
    }

    /// The URL of a path on this server, e.g. `url("/v1/chat/completions")`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Adds responses to the script.
    pub fn push(&self, response: TestResponse) {
        self.state.lock().expect("state").responses.push_back(response);
    }

    /// The last request received; panics when there was none (a test failure).
    pub fn last_request(&self) -> RecordedRequest {
        self.requests().pop().expect("the test server received no request")
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.lock().expect("state").requests.clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_connection(socket: TcpStream, state: Arc<Mutex<State>>) {
    let mut reader = BufReader::new(socket);
    loop {
        let Some(request) = read_request(&mut reader).await else { return };
        let response = {
            let mut state = state.lock().expect("state");
            state.requests.push(request);
            state.responses.pop_front()
        };
        let response = response.unwrap_or_else(|| TestResponse::text(500, "test server: no scripted response left"));
        if write_response(reader.get_mut(), response).await.is_err() {
            return;
        }
    }
}

async fn read_request(reader: &mut BufReader<TcpStream>) -> Option<RecordedRequest> {
    let mut line = String::new();
    if reader.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = HeaderMap::new();
    loop {
        line.clear();
        reader.read_line(&mut line).await.ok()?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.append(HeaderName::from_bytes(name.trim().as_bytes()).ok()?, HeaderValue::from_str(value.trim()).ok()?);
    }
    let mut body = Vec::new();
    let chunked = headers.get("transfer-encoding").is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"chunked"));
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line).await.ok()?;
            let size = usize::from_str_radix(line.trim().split(';').next()?, 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await.ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = headers.get("content-length").and_then(|value| value.to_str().ok()?.parse::<usize>().ok()) {
        body.resize(length, 0);
        reader.read_exact(&mut body).await.ok()?;
    }
    Some(RecordedRequest { method, path, headers, body: body.into() })
}

async fn write_response(socket: &mut TcpStream, response: TestResponse) -> std::io::Result<()> {
    let reason = http::StatusCode::from_u16(response.status).ok().and_then(|status| status.canonical_reason()).unwrap_or("Status");
    let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, reason);
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    match response.body {
        Body::Full(body) => {
            head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
            socket.write_all(head.as_bytes()).await?;
            socket.write_all(&body).await?;
            socket.flush().await
        }
        Body::Chunks(chunks) => {
            head.push_str("transfer-encoding: chunked\r\n\r\n");
            socket.write_all(head.as_bytes()).await?;
            socket.flush().await?;
            for chunk in chunks {
                if let Some(delay) = response.chunk_delay {
                    tokio::time::sleep(delay).await;
                }
                if chunk.is_empty() {
                    continue;
                }
                socket.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
                socket.write_all(&chunk).await?;
                socket.write_all(b"\r\n").await?;
                socket.flush().await?;
            }
            if response.cut {
                socket.shutdown().await?;
                return Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "cut by the script"));
            }
            socket.write_all(b"0\r\n\r\n").await?;
            socket.flush().await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_framed_one_event_per_chunk() {
        let response = TestResponse::sse_fixture("event: a\ndata: 1\n\ndata: 2\r\n\r\n: tail");
        match response.body {
            Body::Chunks(chunks) => assert_eq!(chunks, ["event: a\ndata: 1\n\n", "data: 2\r\n\r\n", ": tail"]),
            Body::Full(_) => panic!("not chunked"),
        }
        let response = TestResponse::chunks_fixture("{\"a\":1}\n\n{\"b\":2}\n", true);
        match response.body {
            Body::Chunks(chunks) => assert_eq!(chunks, ["data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n", "data: [DONE]\n\n"]),
            Body::Full(_) => panic!("not chunked"),
        }
    }
}
