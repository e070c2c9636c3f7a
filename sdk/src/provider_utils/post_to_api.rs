//! Sending requests to a provider's API: JSON posts, multipart uploads and GETs.
//!
//! Each function sends once (retries belong to the generation functions, per model call) and
//! returns an [`ApiResponse`] for a 2xx answer or an [`Error::ApiCall`] built by the provider's
//! [`ErrorBodyParser`]. The JSON body is serialized once, from the typed request, and kept as
//! bytes for the request metadata.

use std::future::Future;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::HeaderMap;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::response_handler::{ApiResponse, ErrorBodyParser, JsonResponse, handle_response, transport_error};
use crate::error::{Error, Result};

/// Where a request goes: URL text, which reqwest parses on every request, or a [`reqwest::Url`]
/// parsed once when the model was built (a parse costs about a tenth of a small request).
#[derive(Debug, Clone, Copy)]
pub enum Endpoint<'a> {
    /// A URL to parse per request.
    Text(&'a str),
    /// An already parsed URL.
    Parsed(&'a reqwest::Url),
}

impl<'a> Endpoint<'a> {
    /// The URL as text (with any credentials: redact before showing it).
    pub fn as_str(&self) -> &'a str {
        match *self {
            Endpoint::Text(url) => url,
            Endpoint::Parsed(url) => url.as_str(),
        }
    }

    /// A POST of `body` with exactly `headers`. A parsed URL's request takes the header map as
    /// it is; the builder's `headers` would copy it entry by entry into an empty one (about 2% of
    /// a small request).
    fn post_with(self, client: &reqwest::Client, headers: HeaderMap, body: Bytes) -> reqwest::RequestBuilder {
        match self {
            Endpoint::Text(url) => client.post(url).headers(headers).body(body),
            Endpoint::Parsed(url) => {
                let mut request = reqwest::Request::new(http::Method::POST, url.clone());
                *request.headers_mut() = headers;
                *request.body_mut() = Some(body.into());
                reqwest::RequestBuilder::from_parts(client.clone(), request)
            }
        }
    }
}

/// A model's request URL, parsed once when the model is built. Text that does not parse is
/// kept, so the call reports it (as reqwest's error) instead of the model constructor failing.
/// Its `Debug` shows the URL redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct ModelUrl {
    text: String,
    parsed: Option<reqwest::Url>,
}

impl ModelUrl {
    /// Parses `text` once.
    pub fn new(text: String) -> Self {
        let parsed = reqwest::Url::parse(&text).ok();
        ModelUrl { text, parsed }
    }

    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Debug for ModelUrl {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_tuple("ModelUrl").field(&super::RedactedUrl(Some(&self.text))).finish()
    }
}

impl<'a> From<&'a ModelUrl> for Endpoint<'a> {
    fn from(url: &'a ModelUrl) -> Self {
        match &url.parsed {
            Some(parsed) => Endpoint::Parsed(parsed),
            None => Endpoint::Text(&url.text),
        }
    }
}

impl<'a> From<&'a str> for Endpoint<'a> {
    fn from(url: &'a str) -> Self {
        Endpoint::Text(url)
    }
}

impl<'a> From<&'a String> for Endpoint<'a> {
    fn from(url: &'a String) -> Self {
        Endpoint::Text(url)
    }
}

impl<'a> From<&'a reqwest::Url> for Endpoint<'a> {
    fn from(url: &'a reqwest::Url) -> Self {
        Endpoint::Parsed(url)
    }
}

/// Posts `body` as JSON with `headers` (see [`LazyHeaders::with_call_headers`](super::LazyHeaders)).
///
/// # Errors
/// [`Error::ApiCall`] for a non-2xx status, [`Error::Connection`] when the request could not be
/// sent, [`Error::InvalidArgument`] when the body does not serialize.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
/// use specai::provider_utils::{JsonErrorParser, post_json};
///
/// let server = TestServer::start([TestResponse::json(200, serde_json::json!({"id": "r1"}))]).await;
/// let body = serde_json::json!({"model": "m", "input": "Hi"});
/// let response = post_json(&reqwest::Client::new(), &server.url("/v1/responses"), http::HeaderMap::new(), &body, &JsonErrorParser::new()).await?;
/// assert_eq!(response.status, 200);
/// assert_eq!(response.request_body_json(), Some(body)); // kept for the request metadata
/// assert_eq!(server.single_request().header("content-type"), Some("application/json"));
/// # Ok(()) }
/// ```
pub async fn post_json<'a, B: Serialize + ?Sized>(
    client: &reqwest::Client,
    url: impl Into<Endpoint<'a>>,
    headers: HeaderMap,
    body: &B,
    errors: &dyn ErrorBodyParser,
) -> Result<ApiResponse> {
    let body = json_body(body)?;
    post_json_body(client, url.into(), headers, body, errors).await
}

/// The request body's JSON text: the one part of [`post_json`] that depends on the body's type.
pub(crate) fn json_body<B: Serialize + ?Sized>(body: &B) -> Result<Bytes> {
    // Room for a small request up front: `serde_json::to_vec` starts at 128 bytes and grows two or
    // three times for a short chat request.
    let mut buffer = Vec::with_capacity(1024);
    serde_json::to_writer(&mut buffer, body).map_err(|error| Error::invalid_argument("request body", error.to_string()))?;
    Ok(Bytes::from(buffer))
}

/// [`post_json`] once the body is text: compiled once, not once per request type. The request
/// is built before the future exists, so the future holds none of its parts.
pub(crate) fn post_json_body<'a>(
    client: &reqwest::Client,
    url: Endpoint<'a>,
    headers: HeaderMap,
    body: Bytes,
    errors: &'a dyn ErrorBodyParser,
) -> impl Future<Output = Result<ApiResponse>> + 'a {
    let mut headers = with_user_agent(headers);
    if !headers.contains_key(CONTENT_TYPE) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    let request = url.post_with(client, headers, body.clone());
    send(request, url.as_str(), Some(body), errors)
}

/// Posts `body` as JSON and decodes a JSON answer into `T`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use specai::error::Error;
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
/// use specai::provider_utils::{JsonErrorParser, post_json_for};
///
/// // An error status becomes a typed error with the provider's own message.
/// let error_body = serde_json::json!({"error": {"message": "model not found", "type": "invalid_request_error"}});
/// let server = TestServer::start([TestResponse::json(404, error_body)]).await;
/// let body = serde_json::json!({"model": "nope"});
/// let result = post_json_for::<_, serde_json::Value>(&reqwest::Client::new(), &server.url("/v1/chat"), http::HeaderMap::new(), &body, &JsonErrorParser::new()).await;
/// let Err(Error::ApiCall(error)) = result else { panic!("expected an API error") };
/// assert_eq!((error.status, error.message.as_str(), error.is_retryable), (404, "model not found", false));
/// # }
/// ```
pub async fn post_json_for<'a, B: Serialize + ?Sized, T: DeserializeOwned>(
    client: &reqwest::Client,
    url: impl Into<Endpoint<'a>>,
    headers: HeaderMap,
    body: &B,
    errors: &dyn ErrorBodyParser,
) -> Result<JsonResponse<T>> {
    post_json(client, url, headers, body, errors).await?.json().await
}

/// Posts a multipart form (audio for transcription, images for edits).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
/// use specai::provider_utils::{JsonErrorParser, post_multipart};
///
/// let server = TestServer::start([TestResponse::json(200, serde_json::json!({"text": "hello"}))]).await;
/// let form = reqwest::multipart::Form::new()
///     .text("model", "whisper-1")
///     .part("file", reqwest::multipart::Part::bytes(b"RIFF....WAVE".to_vec()).file_name("audio.wav"));
/// let response = post_multipart(&reqwest::Client::new(), &server.url("/v1/audio/transcriptions"), http::HeaderMap::new(), form, &JsonErrorParser::new()).await?;
/// assert_eq!(response.json::<serde_json::Value>().await?.value["text"], "hello");
/// assert!(server.single_request().header("content-type").unwrap().starts_with("multipart/form-data"));
/// # Ok(()) }
/// ```
pub async fn post_multipart(
    client: &reqwest::Client,
    url: &str,
    headers: HeaderMap,
    form: reqwest::multipart::Form,
    errors: &dyn ErrorBodyParser,
) -> Result<ApiResponse> {
    send(client.post(url).headers(with_user_agent(headers)).multipart(form), url, None, errors).await
}

/// Sends a GET.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
/// use specai::provider_utils::{JsonErrorParser, get};
///
/// let server = TestServer::start([TestResponse::bytes(200, b"\x89PNG".to_vec(), "image/png")]).await;
/// let response = get(&reqwest::Client::new(), &server.url("/files/1/content"), http::HeaderMap::new(), &JsonErrorParser::new()).await?;
/// assert_eq!(response.headers["content-type"], "image/png");
/// assert_eq!(&response.bytes().await?[..], b"\x89PNG");
/// # Ok(()) }
/// ```
pub async fn get(
    client: &reqwest::Client,
    url: &str,
    headers: HeaderMap,
    errors: &dyn ErrorBodyParser,
) -> Result<ApiResponse> {
    send(client.get(url).headers(with_user_agent(headers)), url, None, errors).await
}

/// Sends a GET and decodes a JSON answer into `T`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
/// use specai::provider_utils::{JsonErrorParser, get_json};
///
/// #[derive(serde::Deserialize)]
/// struct Job {
///     status: String,
/// }
///
/// // Polling a vendor's job.
/// let server = TestServer::start([TestResponse::json(200, serde_json::json!({"status": "succeeded"}))]).await;
/// let job = get_json::<Job>(&reqwest::Client::new(), &server.url("/v1/jobs/7"), http::HeaderMap::new(), &JsonErrorParser::new()).await?;
/// assert_eq!(job.value.status, "succeeded");
/// assert_eq!(server.single_request().method, "GET");
/// # Ok(()) }
/// ```
pub async fn get_json<T: DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
    headers: HeaderMap,
    errors: &dyn ErrorBodyParser,
) -> Result<JsonResponse<T>> {
    get(client, url, headers, errors).await?.json().await
}

/// The `user-agent` every request carries unless the caller's headers set one: providers use it
/// for support and abuse reports, and it tells them which client sent a request.
pub const USER_AGENT_VALUE: &str = concat!("specai/", env!("CARGO_PKG_VERSION"));

/// `headers` with specai's `user-agent`, unless they have one.
fn with_user_agent(mut headers: HeaderMap) -> HeaderMap {
    // Usually already there (a mapped connection's headers carry it): a lookup, not an insert.
    if !headers.contains_key(http::header::USER_AGENT) {
        headers.insert(http::header::USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
    }
    headers
}

/// Sends any request and maps its answer; `request_body` is kept for the request metadata.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
/// use specai::provider_utils::{JsonErrorParser, send};
///
/// // Any request reqwest can build, with the same error mapping (here a DELETE).
/// let server = TestServer::start([TestResponse::json(200, serde_json::json!({"deleted": true}))]).await;
/// let url = server.url("/v1/files/file-1");
/// let response = send(reqwest::Client::new().delete(&url), &url, None, &JsonErrorParser::new()).await?;
/// assert_eq!(response.json::<serde_json::Value>().await?.value["deleted"], true);
/// assert_eq!(server.single_request().method, "DELETE");
/// # Ok(()) }
/// ```
pub fn send<'a>(
    request: reqwest::RequestBuilder,
    url: &'a str,
    request_body: Option<Bytes>,
    errors: &'a dyn ErrorBodyParser,
) -> impl Future<Output = Result<ApiResponse>> + 'a {
    // reqwest's `send` only builds its future; taking it here leaves the request builder (a
    // few hundred bytes) out of the future below, which every request in flight keeps.
    let pending = request.send();
    async move {
        let response =
            pending.await.map_err(|error| transport_error(&super::redact_url_with(url, errors.secret_query_parameters()), error))?;
        handle_response(response, url, request_body, errors).await
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;
    use http::HeaderValue;
    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::provider_utils::test_server::{TestResponse, TestServer};
    use crate::provider_utils::{ApiKey, JsonErrorParser, LazyHeaders};

    #[derive(Serialize)]
    struct Request<'a> {
        model: &'a str,
        stream: bool,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Answer {
        text: String,
    }

    fn static_headers() -> LazyHeaders {
        LazyHeaders::new(|| {
            let mut headers = HeaderMap::new();
            headers.insert("authorization", ApiKey::new("sk-test").bearer_header()?);
            headers.insert("x-static", HeaderValue::from_static("s"));
            Ok(headers)
        })
    }

    #[tokio::test]
    async fn posts_typed_json_with_merged_headers_and_decodes_answer() {
        let server = TestServer::start(vec![TestResponse::json(200, json!({"text": "hi"}))]).await;
        let mut call_headers = HeaderMap::new();
        call_headers.insert("x-call", HeaderValue::from_static("c"));
        let headers = static_headers().with_call_headers(&call_headers).unwrap();
        let response = post_json(
            &reqwest::Client::new(),
            &server.url("/v1/answer"),
            headers,
            &Request { model: "m", stream: false },
            &JsonErrorParser::new(),
        )
        .await
        .unwrap();
        assert_eq!(response.request_body_json(), Some(json!({"model": "m", "stream": false})));
        let answer = response.json::<Answer>().await.unwrap();
        assert_eq!(answer.value, Answer { text: "hi".into() });
        assert_eq!(answer.raw_json().and_then(|body| body.json()), Some(json!({"text": "hi"})));

        let request = &server.requests()[0];
        assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v1/answer"));
        assert_eq!(request.header("authorization"), Some("Bearer sk-test"));
        assert_eq!(request.header("x-static"), Some("s"));
        assert_eq!(request.header("x-call"), Some("c"));
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.json(), json!({"model": "m", "stream": false}));
    }

    /// Every request names specai and its version, unless the caller's headers name a client.
    #[tokio::test]
    async fn requests_carry_specai_user_agent_unless_the_caller_sets_one() {
        let server = TestServer::start(vec![TestResponse::json(200, json!({})), TestResponse::json(200, json!({}))]).await;
        let client = reqwest::Client::new();
        let url = server.url("/v1/x");
        post_json(&client, &url, HeaderMap::new(), &json!({}), &JsonErrorParser::new()).await.unwrap();
        let mut own = HeaderMap::new();
        own.insert(http::header::USER_AGENT, HeaderValue::from_static("my-app/2"));
        post_json(&client, &url, own, &json!({}), &JsonErrorParser::new()).await.unwrap();
        let requests = server.requests();
        assert_eq!(requests[0].header("user-agent"), Some(concat!("specai/", env!("CARGO_PKG_VERSION"))));
        assert_eq!(requests[1].header("user-agent"), Some("my-app/2"));
    }

    #[tokio::test]
    async fn error_status_becomes_api_call_error_with_parsed_body_and_clean_url() {
        let body = r#"{"error":{"message":"Slow down","type":"rate_limit","code":"rate_limit_exceeded"}}"#;
        let server = TestServer::start(vec![TestResponse::text(429, body).header("retry-after", "3")]).await;
        let url = format!("{}?alt=sse&key=SECRET", server.url("/v1/x"));
        let error = post_json(&reqwest::Client::new(), &url, HeaderMap::new(), &json!({}), &JsonErrorParser::new())
            .await
            .unwrap_err();
        assert!(error.is_retryable());
        let api = error.as_api_call().unwrap();
        assert_eq!(api.status, 429);
        assert_eq!(api.message, "Slow down");
        assert_eq!(api.code.as_deref(), Some("rate_limit_exceeded"));
        assert_eq!(api.error_type.as_deref(), Some("rate_limit"));
        assert_eq!(api.response_headers["retry-after"], "3");
        assert_eq!(api.response_body.as_deref(), Some(body));
        assert!(!api.url.contains("SECRET") && api.url.contains("alt=sse"), "{}", api.url);
        assert!(!format!("{error:?}").contains("SECRET"));
    }

    #[tokio::test]
    async fn anthropic_style_overloaded_status_is_retryable_and_plain_text_body_is_message() {
        let server = TestServer::start(vec![
            TestResponse::text(529, r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#),
            TestResponse::text(400, "plain failure"),
        ])
        .await;
        let parser = JsonErrorParser::new().retry_also(&[529]);
        let client = reqwest::Client::new();
        let error = get(&client, &server.url("/a"), HeaderMap::new(), &parser).await.unwrap_err();
        assert!(error.is_retryable());
        assert_eq!(error.as_api_call().unwrap().error_type.as_deref(), Some("overloaded_error"));
        let error = get(&client, &server.url("/b"), HeaderMap::new(), &parser).await.unwrap_err();
        assert!(!error.is_retryable());
        assert_eq!(error.as_api_call().unwrap().message, "plain failure");
    }

    #[tokio::test]
    async fn malformed_json_answer_keeps_raw_text() {
        let server = TestServer::start(vec![TestResponse::text(200, "{\"text\": 1")]).await;
        let error = get_json::<Answer>(&reqwest::Client::new(), &server.url("/x"), HeaderMap::new(), &JsonErrorParser::new())
            .await
            .unwrap_err();
        match error {
            Error::InvalidResponse { raw: Some(raw), .. } => assert_eq!(raw, "{\"text\": 1"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_model_url_is_parsed_once_and_a_bad_one_fails_at_the_call() {
        let server = TestServer::start(vec![TestResponse::json(200, json!({"text": "hi"}))]).await;
        let url = ModelUrl::new(server.url("/v1/answer"));
        assert!(matches!(Endpoint::from(&url), Endpoint::Parsed(_)));
        let answer: JsonResponse<Answer> =
            post_json_for(&reqwest::Client::new(), &url, HeaderMap::new(), &json!({}), &JsonErrorParser::new()).await.unwrap();
        assert_eq!(answer.value, Answer { text: "hi".into() });
        assert_eq!(server.requests()[0].path, "/v1/answer");

        let bad = ModelUrl::new("no scheme/v1/chat".to_owned());
        assert!(matches!(Endpoint::from(&bad), Endpoint::Text("no scheme/v1/chat")));
        let error = post_json(&reqwest::Client::new(), &bad, HeaderMap::new(), &json!({}), &JsonErrorParser::new())
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    }

    #[tokio::test]
    async fn refused_connection_is_a_connection_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/x?key=SECRET", listener.local_addr().unwrap());
        drop(listener);
        let error = get(&reqwest::Client::new(), &url, HeaderMap::new(), &JsonErrorParser::new()).await.unwrap_err();
        match &error {
            Error::Connection { url, .. } => assert!(!url.contains("SECRET")),
            other => panic!("{other:?}"),
        }
        assert!(error.is_retryable());
        assert!(!error.to_string().contains("SECRET"));
    }

    #[tokio::test]
    async fn posts_multipart_form() {
        let server = TestServer::start(vec![TestResponse::json(200, json!({"text": "heard"}))]).await;
        let form = reqwest::multipart::Form::new()
            .text("model", "whisper-1")
            .part("file", reqwest::multipart::Part::bytes(b"RIFFaudio".to_vec()).file_name("audio.wav"));
        let response = post_multipart(&reqwest::Client::new(), &server.url("/v1/audio"), HeaderMap::new(), form, &JsonErrorParser::new())
            .await
            .unwrap();
        assert_eq!(response.json::<Answer>().await.unwrap().value.text, "heard");
        let request = &server.requests()[0];
        assert!(request.header("content-type").unwrap().starts_with("multipart/form-data; boundary="));
        let body = request.body_text();
        assert!(body.contains("name=\"model\"") && body.contains("whisper-1"), "{body}");
        assert!(body.contains("filename=\"audio.wav\"") && body.contains("RIFFaudio"), "{body}");
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(tag = "type")]
    enum Event {
        #[serde(rename = "delta")]
        Delta { text: String },
    }

    #[tokio::test]
    async fn streams_typed_events_over_http_one_chunk_per_event() {
        let server = TestServer::start(vec![TestResponse::sse_events([
            r#"{"type":"delta","text":"a"}"#,
            r#"{"type":"delta","text":"é"}"#,
            "[DONE]",
        ])])
        .await;
        let response = post_json(&reqwest::Client::new(), &server.url("/s"), HeaderMap::new(), &json!({"stream": true}), &JsonErrorParser::new())
            .await
            .unwrap();
        assert_eq!(response.headers["content-type"], "text/event-stream");
        let events: Vec<_> = response.json_events::<Event>().collect().await;
        let texts: Vec<_> = events.into_iter().map(|event| event.unwrap().value).collect();
        assert_eq!(texts, [Event::Delta { text: "a".into() }, Event::Delta { text: "é".into() }]);
    }

    #[tokio::test]
    async fn stream_cut_mid_event_is_an_error_not_a_panic() {
        let server = TestServer::start(vec![TestResponse::sse_chunks([
            "data: {\"type\":\"delta\",\"text\":\"a\"}\n\n",
            "data: {\"type\":\"del",
        ])
        .cut_connection()])
        .await;
        let response = get(&reqwest::Client::new(), &server.url("/s"), HeaderMap::new(), &JsonErrorParser::new()).await.unwrap();
        let events: Vec<_> = response.json_events::<Event>().collect().await;
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(events[0].is_ok());
        assert!(
            matches!(&events[1], Err(Error::Connection { .. } | Error::InvalidResponse { .. })),
            "{:?}",
            events[1]
        );
    }
}
