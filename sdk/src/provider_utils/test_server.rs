//! The one mock HTTP server of specai's tests: a scripted server on 127.0.0.1 that answers
//! requests with the responses it was given and records every request it saw.
//!
//! The sdk's unit tests and the integration tests in `tests/` both use it (feature `test-util`),
//! so that a provider test serves a wire-exact fixture and then asserts on what the provider
//! sent (method, path, headers, body) and on what it parsed. It runs on hyper (HTTP/1.1 and
//! HTTP/2, keep-alive, chunked request bodies) rather than a hand-written parser, so a test fails
//! only for the provider's reasons. A response can be JSON, text, bytes or an event stream; it
//! can carry any status and headers, be bound to one path, arrive as separate HTTP chunks (to
//! cut SSE events apart), wait between chunks, or end in a cut connection, as a dying server's.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use specai::provider_utils::test_server::{TestResponse, TestServer};
//!
//! let server = TestServer::start([TestResponse::json(200, serde_json::json!({"text": "hi"}))]).await;
//! let response = reqwest::Client::new().post(server.url("/v1/answer")).body(r#"{"q":1}"#).send().await.unwrap();
//! assert_eq!(response.text().await.unwrap(), r#"{"text":"hi"}"#);
//! let request = server.single_request();
//! assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v1/answer"));
//! assert_eq!(request.json()["q"], 1);
//! # }
//! ```

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;
use tokio::net::TcpListener;

/// A request the server received.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// # use specai::provider_utils::test_server::{TestResponse, TestServer};
/// let server = TestServer::start([TestResponse::text(200, "ok")]).await;
/// reqwest::Client::new().post(server.url("/x?a=1")).header("x-key", "k").body("{\"n\":2}").send().await.unwrap();
/// let request = server.last_request();
/// assert_eq!(request.path, "/x?a=1");
/// assert_eq!(request.header("x-key"), Some("k"));
/// assert_eq!(request.body_text(), "{\"n\":2}");
/// assert_eq!(request.json()["n"], 2);
/// # }
/// ```
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

    /// The body as JSON; panics with the body text when it is not JSON (a test failure).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| panic!("request body is not JSON ({error}): {}", self.body_text()))
    }
}

/// A scripted response: status, headers, body, and how the body is sent.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// # use specai::provider_utils::test_server::{TestResponse, TestServer};
/// use std::time::Duration;
/// let server = TestServer::start([
///     TestResponse::text(429, "slow down").header("retry-after", "1"),
///     TestResponse::sse_events([r#"{"a":1}"#, "[DONE]"]).chunk_delay(Duration::from_millis(1)),
/// ])
/// .await;
/// let client = reqwest::Client::new();
/// let first = client.get(server.url("/")).send().await.unwrap();
/// assert_eq!((first.status().as_u16(), first.headers()["retry-after"].to_str().unwrap()), (429, "1"));
/// let second = client.get(server.url("/")).send().await.unwrap().text().await.unwrap();
/// assert_eq!(second, "data: {\"a\":1}\n\ndata: [DONE]\n\n");
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    path: Option<String>,
}

/// How a response body is sent.
#[derive(Debug, Clone)]
enum Body {
    /// One write, with a content length.
    Whole(Bytes),
    /// One HTTP chunk each, optionally spaced, optionally ending in an aborted connection.
    Chunks { chunks: Vec<Bytes>, delay: Option<Duration>, cut: bool },
}

impl TestResponse {
    /// A raw body sent as is, without a content type.
    ///
    /// ```
    /// # use specai::provider_utils::test_server::TestResponse;
    /// let response = TestResponse::new(502, &b"\xffnot text"[..]);
    /// ```
    pub fn new(status: u16, body: impl Into<Bytes>) -> Self {
        TestResponse { status, headers: Vec::new(), body: Body::Whole(body.into()), path: None }
    }

    /// A JSON body (`content-type: application/json`).
    ///
    /// ```
    /// # use specai::provider_utils::test_server::TestResponse;
    /// let response = TestResponse::json(200, serde_json::json!({"id": "1"}));
    /// ```
    pub fn json(status: u16, body: Value) -> Self {
        TestResponse::new(status, body.to_string()).header("content-type", "application/json")
    }

    /// A text body sent as is, without a content type (e.g. a JSON fixture file's text, to keep
    /// its bytes exact, with `.header("content-type", "application/json")`).
    ///
    /// ```
    /// # use specai::provider_utils::test_server::TestResponse;
    /// let response = TestResponse::text(400, r#"{"error": {"message": "bad"}}"#).header("content-type", "application/json");
    /// ```
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        TestResponse::new(status, body.into())
    }

    /// A binary body with a content type (audio, images).
    ///
    /// ```
    /// # use specai::provider_utils::test_server::TestResponse;
    /// let response = TestResponse::bytes(200, vec![0x49, 0x44, 0x33], "audio/mpeg");
    /// ```
    pub fn bytes(status: u16, body: impl Into<Bytes>, content_type: &str) -> Self {
        TestResponse::new(status, body).header("content-type", content_type)
    }

    /// An event stream sent in these exact HTTP chunks (the framing is the caller's; a chunk may
    /// end mid-event or mid-character).
    ///
    /// ```
    /// # use specai::provider_utils::test_server::TestResponse;
    /// let response = TestResponse::sse_chunks(["data: {\"a\"", ":1}\n\n"]);
    /// ```
    pub fn sse_chunks<I, C>(chunks: I) -> Self
    where
        I: IntoIterator<Item = C>,
        C: Into<Bytes>,
    {
        TestResponse {
            status: 200,
            headers: Vec::new(),
            body: Body::Chunks { chunks: chunks.into_iter().map(Into::into).collect(), delay: None, cut: false },
            path: None,
        }
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
    }

    /// An event stream of `data: <line>\n\n` events, one chunk each.
    ///
    /// ```
    /// # use specai::provider_utils::test_server::TestResponse;
    /// let response = TestResponse::sse_events([r#"{"delta":"Hi"}"#, "[DONE]"]);
    /// ```
    pub fn sse_events<I, S>(data: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self::sse_chunks(data.into_iter().map(|line| Bytes::from(format!("data: {}\n\n", line.as_ref()))))
    }

    /// A wire-exact `.sse` fixture, served one event per HTTP chunk (split after each blank
    /// line; `\r\n` framing is kept as is).
    ///
    /// ```
    /// # use specai::provider_utils::test_server::TestResponse;
    /// let response = TestResponse::sse_fixture("event: ping\ndata: {}\n\nevent: done\ndata: {}\n\n");
    /// ```
    pub fn sse_fixture(text: &str) -> Self {
        Self::sse_chunks(split_events(text))
    }

    /// A `.chunks.txt` fixture (one JSON event per line) re-framed as `data:` events, one per
    /// HTTP chunk, followed by `data: [DONE]` when `done` (OpenAI-style APIs send it).
    ///
    /// ```
    /// # use specai::provider_utils::test_server::TestResponse;
    /// let response = TestResponse::chunks_fixture("{\"a\":1}\n{\"b\":2}\n", true);
    /// ```
    pub fn chunks_fixture(text: &str, done: bool) -> Self {
        let lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
        Self::sse_events(lines.chain(done.then_some("[DONE]")))
    }

    /// Adds a header.
    ///
    /// ```
    /// # use specai::provider_utils::test_server::TestResponse;
    /// let response = TestResponse::text(503, "busy").header("retry-after-ms", "10");
    /// ```
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Serves this response only to a request for this path (query string excluded); the
    /// requests for other paths take the next responses in line.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # use specai::provider_utils::test_server::{TestResponse, TestServer};
    /// let server = TestServer::start([TestResponse::text(200, "file").for_path("/files/1"), TestResponse::text(200, "job")]).await;
    /// let job = reqwest::get(server.url("/jobs/1")).await.unwrap().text().await.unwrap();
    /// assert_eq!(job, "job");
    /// # }
    /// ```
    pub fn for_path(mut self, path: &str) -> Self {
        self.path = Some(path.to_owned());
        self
    }

    /// Waits this long before each chunk after the first (a whole body becomes one chunk).
    ///
    /// ```
    /// # use specai::provider_utils::test_server::TestResponse;
    /// let response = TestResponse::sse_events(["1", "2"]).chunk_delay(std::time::Duration::from_millis(5));
    /// ```
    pub fn chunk_delay(mut self, delay: Duration) -> Self {
        self.body = match self.body {
            Body::Chunks { chunks, cut, .. } => Body::Chunks { chunks, delay: Some(delay), cut },
            Body::Whole(bytes) => Body::Chunks { chunks: vec![bytes], delay: Some(delay), cut: false },
        };
        self
    }

    /// Aborts the connection after the last chunk instead of ending the body (a whole body
    /// becomes one chunk), as when a server dies mid-stream.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # use specai::provider_utils::test_server::{TestResponse, TestServer};
    /// let server = TestServer::start([TestResponse::sse_events(["partial"]).cut_connection()]).await;
    /// let response = reqwest::get(server.url("/")).await.unwrap();
    /// assert!(response.text().await.is_err());
    /// # }
    /// ```
    pub fn cut_connection(mut self) -> Self {
        self.body = match self.body {
            Body::Chunks { chunks, delay, .. } => Body::Chunks { chunks, delay, cut: true },
            Body::Whole(bytes) => Body::Chunks { chunks: vec![bytes], delay: None, cut: true },
        };
        self
    }

    fn matches(&self, path: &str) -> bool {
        self.path.as_deref().is_none_or(|expected| expected == path.split('?').next().unwrap_or(path))
    }
}

/// Splits an SSE text after each blank line (`\n\n` or `\r\n\r\n`), keeping the framing.
fn split_events(text: &str) -> Vec<Bytes> {
    let mut chunks = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = ["\n\n", "\r\n\r\n"]
            .iter()
            .filter_map(|separator| rest.find(separator).map(|index| index + separator.len()))
            .min()
            .unwrap_or(rest.len());
        chunks.push(Bytes::copy_from_slice(&rest.as_bytes()[..end]));
        rest = &rest[end..];
    }
    chunks
}

#[derive(Default)]
struct State {
    responses: VecDeque<TestResponse>,
    requests: Vec<RecordedRequest>,
}

/// The server, on a free port of 127.0.0.1; it stops when dropped.
///
/// Responses are served first in, first out (skipping those bound to another path); a request
/// with none left gets a 599 naming its method and path.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
/// let server = TestServer::start([]).await;
/// server.push(TestResponse::text(200, "one"));
/// assert_eq!(server.pending(), 1);
/// let client = reqwest::Client::new();
/// assert_eq!(client.get(server.url("/a")).send().await.unwrap().text().await.unwrap(), "one");
/// assert_eq!(client.get(format!("{}/b", server.base_url())).send().await.unwrap().status().as_u16(), 599);
/// assert_eq!(server.requests().len(), 2);
/// # }
/// ```
pub struct TestServer {
    address: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a server answering with `responses` in order.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # use specai::provider_utils::test_server::{TestResponse, TestServer};
    /// let server = TestServer::start(vec![TestResponse::text(200, "a"), TestResponse::text(500, "b")]).await;
    /// assert_eq!(server.pending(), 2);
    /// # }
    /// ```
    pub async fn start(responses: impl IntoIterator<Item = TestResponse>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("local address");
        let state = Arc::new(Mutex::new(State { responses: responses.into_iter().collect(), requests: Vec::new() }));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| answer(state.clone(), request));
                    // Errors here are the scripted cut connections (or a client hanging up).
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        TestServer { address, state, task }
    }

    /// The URL of a path on this server, e.g. `url("/v1")` for a provider's base URL.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # use specai::provider_utils::test_server::TestServer;
    /// let server = TestServer::start([]).await;
    /// assert_eq!(server.url("/v1"), format!("{}/v1", server.base_url()));
    /// # }
    /// ```
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # use specai::provider_utils::test_server::TestServer;
    /// let server = TestServer::start([]).await;
    /// assert!(server.base_url().starts_with("http://127.0.0.1:"));
    /// # }
    /// ```
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Adds a response at the end of the script.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # use specai::provider_utils::test_server::{TestResponse, TestServer};
    /// let server = TestServer::start([]).await;
    /// server.push(TestResponse::json(200, serde_json::json!({})));
    /// assert_eq!(server.pending(), 1);
    /// # }
    /// ```
    pub fn push(&self, response: TestResponse) {
        self.state.lock().expect("state").responses.push_back(response);
    }

    /// How many scripted responses are still unserved.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # use specai::provider_utils::test_server::{TestResponse, TestServer};
    /// let server = TestServer::start([TestResponse::text(200, "")]).await;
    /// reqwest::get(server.url("/")).await.unwrap();
    /// assert_eq!(server.pending(), 0);
    /// # }
    /// ```
    pub fn pending(&self) -> usize {
        self.state.lock().expect("state").responses.len()
    }

    /// The requests received so far, in order.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # use specai::provider_utils::test_server::{TestResponse, TestServer};
    /// let server = TestServer::start([TestResponse::text(200, ""), TestResponse::text(200, "")]).await;
    /// reqwest::get(server.url("/1")).await.unwrap();
    /// reqwest::get(server.url("/2")).await.unwrap();
    /// let paths: Vec<String> = server.requests().into_iter().map(|request| request.path).collect();
    /// assert_eq!(paths, ["/1", "/2"]);
    /// # }
    /// ```
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.lock().expect("state").requests.clone()
    }

    /// The last request received; panics when there was none (a test failure).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # use specai::provider_utils::test_server::{TestResponse, TestServer};
    /// let server = TestServer::start([TestResponse::text(200, ""), TestResponse::text(200, "")]).await;
    /// reqwest::get(server.url("/1")).await.unwrap();
    /// reqwest::get(server.url("/2")).await.unwrap();
    /// assert_eq!(server.last_request().path, "/2");
    /// # }
    /// ```
    pub fn last_request(&self) -> RecordedRequest {
        self.requests().pop().expect("the test server received no request")
    }

    /// The only request received; panics when there were none or several (a test failure).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # use specai::provider_utils::test_server::{TestResponse, TestServer};
    /// let server = TestServer::start([TestResponse::text(200, "")]).await;
    /// reqwest::Client::new().delete(server.url("/files/1")).send().await.unwrap();
    /// assert_eq!(server.single_request().method, "DELETE");
    /// # }
    /// ```
    pub fn single_request(&self) -> RecordedRequest {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected one request, got {}: {requests:#?}", requests.len());
        requests.into_iter().next().expect("one request")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type ResponseBody = http_body_util::combinators::BoxBody<Bytes, std::io::Error>;

/// Records a request and answers it with the first scripted response for its path.
async fn answer(state: Arc<Mutex<State>>, request: Request<Incoming>) -> Result<Response<ResponseBody>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|collected| collected.to_bytes()).unwrap_or_default();
    let path = parts.uri.path_and_query().map(|value| value.as_str().to_owned()).unwrap_or_default();
    let scripted = {
        let mut state = state.lock().expect("state");
        state.requests.push(RecordedRequest { method: parts.method.as_str().to_owned(), path: path.clone(), headers: parts.headers, body });
        let position = state.responses.iter().position(|response| response.matches(&path));
        position.and_then(|position| state.responses.remove(position))
    };
    let scripted =
        scripted.unwrap_or_else(|| TestResponse::text(599, format!("test server: no scripted response left for {} {path}", parts.method)));
    Ok(render(scripted))
}

fn render(scripted: TestResponse) -> Response<ResponseBody> {
    let mut response = Response::new(match scripted.body {
        Body::Whole(bytes) => http_body_util::Full::new(bytes).map_err(|never| match never {}).boxed(),
        Body::Chunks { chunks, delay, cut } => StreamBody::new(chunk_frames(chunks, delay, cut)).boxed(),
    });
    *response.status_mut() = StatusCode::from_u16(scripted.status).expect("a valid status");
    for (name, value) in scripted.headers {
        response.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).expect("a valid header name"),
            HeaderValue::from_str(&value).expect("a valid header value"),
        );
    }
    response
}

/// The chunks as body frames, each after `delay` but the first; when `cut`, an error frame at
/// the end, which makes hyper abort the connection mid-body.
fn chunk_frames(
    chunks: Vec<Bytes>,
    delay: Option<Duration>,
    cut: bool,
) -> impl futures::Stream<Item = Result<Frame<Bytes>, std::io::Error>> + Send + Sync + 'static {
    futures::stream::unfold((chunks.into_iter().enumerate(), cut), move |(mut chunks, cut)| async move {
        match chunks.next() {
            Some((index, chunk)) => {
                if let (Some(delay), true) = (delay, index > 0) {
                    tokio::time::sleep(delay).await;
                }
                Some((Ok(Frame::data(chunk)), (chunks, cut)))
            }
            None if cut => {
                // Wait first, so that what was written reaches the client before the abort.
                tokio::time::sleep(Duration::from_millis(50)).await;
                Some((Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "cut by the script")), (chunks, false)))
            }
            None => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn empty_chunks_do_not_end_the_body_and_bound_responses_wait_for_their_path() {
        let server = TestServer::start([
            TestResponse::text(200, "models").for_path("/v1/models"),
            TestResponse::sse_chunks(["a", "", "b"]),
        ])
        .await;
        let client = reqwest::Client::new();
        let streamed = client.post(server.url("/v1/chat?x=1")).send().await.unwrap().text().await.unwrap();
        assert_eq!(streamed, "ab");
        let models = client.get(server.url("/v1/models?limit=5")).send().await.unwrap().text().await.unwrap();
        assert_eq!(models, "models");
        assert_eq!(server.pending(), 0);
    }

    #[test]
    fn fixtures_are_framed_one_event_per_chunk() {
        let chunks_of = |response: TestResponse| match response.body {
            Body::Chunks { chunks, .. } => chunks,
            Body::Whole(_) => panic!("not chunked"),
        };
        let chunks = chunks_of(TestResponse::sse_fixture("event: a\ndata: 1\n\ndata: 2\r\n\r\n: tail"));
        assert_eq!(chunks, ["event: a\ndata: 1\n\n", "data: 2\r\n\r\n", ": tail"]);
        let chunks = chunks_of(TestResponse::chunks_fixture("{\"a\":1}\n\n{\"b\":2}\n", true));
        assert_eq!(chunks, ["data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n", "data: [DONE]\n\n"]);
    }
}
