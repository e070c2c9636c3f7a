//! A scripted HTTP server on 127.0.0.1 for provider tests.
//!
//! Each test starts its own server, queues the responses it wants (in order, optionally bound to
//! a path), points a provider at [`MockServer::base_url`], and afterwards asserts on the
//! [`RecordedRequest`]s the server received. Responses can be sent whole, as several HTTP chunks
//! (to exercise SSE parsing across chunk boundaries), with a delay between chunks, or cut off
//! mid-way (the connection is aborted, as when a server dies). Nothing here is provider-specific.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;
use tokio::net::TcpListener;

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// `GET`, `POST`...
    pub method: String,
    /// The path, with the query string when there was one.
    pub path: String,
    /// The request headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

impl RecordedRequest {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body parsed as JSON; panics with the body text when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("request body is not JSON ({error}): {}", self.body_text()))
    }

    /// The body as (lossy) text.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// How a response body is sent.
#[derive(Debug, Clone)]
enum Body {
    /// One write.
    Whole(Bytes),
    /// Several writes (HTTP chunks), optionally spaced, optionally ending in an aborted connection.
    Chunks { chunks: Vec<Bytes>, delay: Option<Duration>, cut_off: bool },
}

/// A scripted response.
#[derive(Debug, Clone)]
pub struct MockResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    path: Option<String>,
}

impl MockResponse {
    /// A response with a status and a raw body.
    pub fn new(status: u16, body: impl Into<Bytes>) -> Self {
        MockResponse { status, headers: Vec::new(), body: Body::Whole(body.into()), path: None }
    }

    /// A JSON response (`content-type: application/json`).
    pub fn json(status: u16, body: impl Into<Bytes>) -> Self {
        Self::new(status, body).with_header("content-type", "application/json")
    }

    /// A binary response with a content type (audio, images).
    pub fn bytes(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        Self::new(status, body).with_header("content-type", content_type)
    }

    /// A `text/event-stream` response sent as these HTTP chunks, one write each.
    pub fn sse(chunks: Vec<Bytes>) -> Self {
        MockResponse {
            status: 200,
            headers: vec![
                ("content-type".into(), "text/event-stream".into()),
                ("cache-control".into(), "no-cache".into()),
            ],
            body: Body::Chunks { chunks, delay: None, cut_off: false },
            path: None,
        }
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Serves this response only to a request for this path (query string excluded).
    pub fn for_path(mut self, path: &str) -> Self {
        self.path = Some(path.to_owned());
        self
    }

    /// Waits this long before each chunk after the first.
    pub fn with_chunk_delay(mut self, delay: Duration) -> Self {
        match &mut self.body {
            Body::Chunks { delay: slot, .. } => *slot = Some(delay),
            Body::Whole(bytes) => {
                self.body = Body::Chunks { chunks: vec![bytes.clone()], delay: Some(delay), cut_off: false }
            }
        }
        self
    }

    /// Aborts the connection after the last chunk instead of ending the body cleanly.
    pub fn cut_off(mut self) -> Self {
        match &mut self.body {
            Body::Chunks { cut_off, .. } => *cut_off = true,
            Body::Whole(bytes) => {
                self.body = Body::Chunks { chunks: vec![bytes.clone()], delay: None, cut_off: true }
            }
        }
        self
    }

    fn matches(&self, path: &str) -> bool {
        self.path.as_deref().is_none_or(|expected| expected == path.split('?').next().unwrap_or(path))
    }
}

#[derive(Default)]
struct State {
    queue: VecDeque<MockResponse>,
    requests: Vec<RecordedRequest>,
}

/// A running mock server; stopped when dropped.
pub struct MockServer {
    address: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockServer {
    /// Starts a server on a free port of 127.0.0.1.
    pub async fn start() -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("local address");
        let state = Arc::new(Mutex::new(State::default()));
        let accept_state = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let state = accept_state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| handle(state.clone(), request));
                    // Errors here are the scripted cut-offs (or a client hanging up): nothing to do.
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        MockServer { address, state, task }
    }

    /// Starts a server with these responses queued.
    pub async fn with_responses(responses: impl IntoIterator<Item = MockResponse>) -> MockServer {
        let server = Self::start().await;
        for response in responses {
            server.enqueue(response);
        }
        server
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// `http://127.0.0.1:<port><prefix>`, e.g. a provider base URL with `/v1`.
    pub fn base_url(&self, prefix: &str) -> String {
        format!("http://{}{prefix}", self.address)
    }

    /// Queues a response; responses are served first in, first out (skipping ones bound to
    /// another path). A request with nothing queued gets a 599 naming the path.
    pub fn enqueue(&self, response: MockResponse) {
        self.state.lock().unwrap().queue.push_back(response);
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The only request received; panics when there were none or several.
    pub fn single_request(&self) -> RecordedRequest {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected one request, got {}: {requests:#?}", requests.len());
        requests.into_iter().next().unwrap()
    }

    /// How many scripted responses are still queued.
    pub fn pending(&self) -> usize {
        self.state.lock().unwrap().queue.len()
    }
}

type ResponseBody = http_body_util::combinators::BoxBody<Bytes, std::io::Error>;

async fn handle(state: Arc<Mutex<State>>, request: Request<Incoming>) -> Result<Response<ResponseBody>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|collected| collected.to_bytes()).unwrap_or_default();
    let path = parts.uri.path_and_query().map(|value| value.as_str().to_owned()).unwrap_or_default();
    let scripted = {
        let mut state = state.lock().unwrap();
        state.requests.push(RecordedRequest {
            method: parts.method.as_str().to_owned(),
            path: path.clone(),
            headers: parts.headers.clone(),
            body,
        });
        let position = state.queue.iter().position(|response| response.matches(&path));
        position.and_then(|position| state.queue.remove(position))
    };
    let scripted = scripted.unwrap_or_else(|| {
        MockResponse::new(599, format!("mock server: no scripted response for {} {path}", parts.method))
    });
    Ok(render(scripted))
}

fn render(scripted: MockResponse) -> Response<ResponseBody> {
    let mut response = Response::new(match scripted.body {
        Body::Whole(bytes) => http_body_util::Full::new(bytes).map_err(|never| match never {}).boxed(),
        Body::Chunks { chunks, delay, cut_off } => {
            let frames = futures::stream::unfold(
                (chunks.into_iter().enumerate(), cut_off),
                move |(mut chunks, cut_off)| async move {
                    match chunks.next() {
                        Some((index, chunk)) => {
                            if let (Some(delay), true) = (delay, index > 0) {
                                tokio::time::sleep(delay).await;
                            }
                            Some((Ok(Frame::data(chunk)), (chunks, cut_off)))
                        }
                        // An error frame makes hyper abort the connection mid-body. Wait first
                        // so that what was written reaches the client before the abort.
                        None if cut_off => Some((
                            {
                                tokio::time::sleep(Duration::from_millis(50)).await;
                                Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "scripted cut-off"))
                            },
                            (chunks, false),
                        )),
                        None => None,
                    }
                },
            );
            StreamBody::new(frames).boxed()
        }
    });
    *response.status_mut() = StatusCode::from_u16(scripted.status).expect("valid status");
    for (name, value) in scripted.headers {
        response.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(&value).expect("header value"),
        );
    }
    response
}
