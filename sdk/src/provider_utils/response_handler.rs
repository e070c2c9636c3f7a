//! Turning HTTP responses into typed values or structured errors.
//!
//! A non-2xx answer becomes an [`ApiCallError`] with the provider's own message, type, code and
//! param (read by the provider's [`ErrorBodyParser`]), the response headers (for `retry-after`),
//! the raw body and the URL without credentials. A 2xx answer is an [`ApiResponse`] that the
//! provider reads as typed JSON ([`ApiResponse::json`], keeping the raw text when decoding
//! fails), as a typed event stream ([`ApiResponse::json_events`]), or as bytes.

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use futures::future::Either;
use futures::{FutureExt, Stream};
use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::idle_timeout::{IdleTimeoutStream, within_idle_timeout};
use super::json_event_stream::JsonEventStream;
use super::redact_url::{redact_url, redact_url_with};
use super::sse::SseStream;
use crate::error::{ApiCallError, Error, Result, is_retryable_status};

/// What a provider's error body says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The human-readable message.
    pub message: String,
    /// The error type, e.g. `invalid_request_error`.
    pub error_type: Option<String>,
    /// The error code, e.g. `rate_limit_exceeded`.
    pub code: Option<String>,
    /// The request parameter at fault.
    pub param: Option<String>,
}

impl ErrorBody {
    /// An error body with only a message.
    pub fn new(message: impl Into<String>) -> Self {
        ErrorBody { message: message.into(), ..Default::default() }
    }

    /// Sets the error type, code and parameter at fault, as the body gives them.
    pub fn with_details(mut self, error_type: Option<String>, code: Option<String>, param: Option<String>) -> Self {
        (self.error_type, self.code, self.param) = (error_type, code, param);
        self
    }
}

/// How a provider reads its error bodies and which statuses it retries.
///
/// Closures `Fn(&str) -> Option<ErrorBody>` implement it with the default retry rule.
///
/// ```
/// use specai::provider_utils::{ErrorBody, ErrorBodyParser, api_call_error};
///
/// /// A vendor whose errors are `{"detail": {"msg": ...}}` and whose 529 means "overloaded".
/// struct AcmeErrors;
///
/// impl ErrorBodyParser for AcmeErrors {
///     fn parse(&self, body: &str) -> Option<ErrorBody> {
///         let value: serde_json::Value = serde_json::from_str(body).ok()?;
///         Some(ErrorBody::new(value["detail"]["msg"].as_str()?))
///     }
///
///     fn is_retryable(&self, status: u16, _body: Option<&ErrorBody>) -> bool {
///         status == 529 || specai::error::is_retryable_status(status)
///     }
/// }
///
/// let body = r#"{"detail": {"msg": "try later"}}"#.to_owned();
/// let error = api_call_error(529, "https://api.acme.test/v1".into(), http::HeaderMap::new(), Some(body), &AcmeErrors);
/// assert_eq!((error.message.as_str(), error.is_retryable), ("try later", true));
/// ```
pub trait ErrorBodyParser: Send + Sync {
    /// Reads an error body; `None` when it is not in the provider's shape (the raw text is then
    /// the message).
    fn parse(&self, body: &str) -> Option<ErrorBody>;

    /// Whether a failed call may succeed when retried: 408, 409, 429 and 5xx by default.
    fn is_retryable(&self, status: u16, _body: Option<&ErrorBody>) -> bool {
        is_retryable_status(status)
    }

    /// Query parameters that carry the key (a mapping's query auth), removed from URLs in
    /// errors; common key names are removed whatever this says. Default: none.
    fn secret_query_parameters(&self) -> &[&'static str] {
        &[]
    }
}

impl<F> ErrorBodyParser for F
where
    F: Fn(&str) -> Option<ErrorBody> + Send + Sync,
{
    fn parse(&self, body: &str) -> Option<ErrorBody> {
        self(body)
    }
}

/// Reads the common JSON error shapes: `{"error": {"message", "type", "code", "param"}}`
/// (OpenAI, Anthropic, Gemini with `status` as the type), `{"error": "text"}`, and a top-level
/// `{"message", "type", "code"}` (or `detail`). Statuses listed with
/// [`JsonErrorParser::retry_also`] retry besides the default ones.
#[derive(Debug, Clone, Default)]
pub struct JsonErrorParser {
    extra_retryable_statuses: Vec<u16>,
}

impl JsonErrorParser {
    /// The parser with the default retry rule.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also retries these statuses (a vendor's own "overloaded" status, say).
    pub fn retry_also(mut self, statuses: &[u16]) -> Self {
        self.extra_retryable_statuses.extend_from_slice(statuses);
        self
    }
}

impl ErrorBodyParser for JsonErrorParser {
    fn parse(&self, body: &str) -> Option<ErrorBody> {
        // The failure path: a `Value` is fine here, and tolerates every shape.
        let value: Value = serde_json::from_str(body).ok()?;
        let scalar = |value: Option<&Value>| match value? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            _ => None,
        };
        let object = match value.get("error") {
            Some(Value::String(message)) => return Some(ErrorBody::new(message.clone())),
            Some(error @ Value::Object(_)) => error,
            _ => &value,
        };
        let message = scalar(object.get("message")).or_else(|| scalar(object.get("detail")))?;
        Some(ErrorBody {
            message,
            error_type: scalar(object.get("type")).or_else(|| scalar(object.get("status"))),
            code: scalar(object.get("code")),
            param: scalar(object.get("param")),
        })
    }

    fn is_retryable(&self, status: u16, _body: Option<&ErrorBody>) -> bool {
        is_retryable_status(status) || self.extra_retryable_statuses.contains(&status)
    }
}

/// A 2xx response whose body has not been read yet.
#[derive(Debug)]
pub struct ApiResponse {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The URL called, without credentials.
    pub url: String,
    /// The request body as sent, when it was JSON (for [`RequestMetadata`](crate::provider::RequestMetadata)).
    pub request_body: Option<Bytes>,
    response: reqwest::Response,
    max_event_bytes: usize,
    idle_timeout: Option<std::time::Duration>,
}

/// A decoded JSON response, with the raw body kept.
#[derive(Debug, Clone)]
pub struct JsonResponse<T> {
    /// The decoded value.
    pub value: T,
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub raw_body: Bytes,
    /// The request body as sent, when it was JSON.
    pub request_body: Option<Bytes>,
}

impl<T> JsonResponse<T> {
    /// The raw body, for [`ResponseMetadata::body`](crate::provider::ResponseMetadata): the
    /// bytes as received, shared, parsed only when read.
    pub fn raw_json(&self) -> Option<crate::provider::JsonBody> {
        Some(crate::provider::JsonBody::new(self.raw_body.clone()))
    }

    /// The request body as JSON, for [`RequestMetadata::body`](crate::provider::RequestMetadata).
    pub fn request_body_json(&self) -> Option<Value> {
        self.request_body.as_ref().and_then(|body| serde_json::from_slice(body).ok())
    }
}

impl ApiResponse {
    pub(crate) fn new(mut response: reqwest::Response, url: String, request_body: Option<Bytes>) -> Self {
        let headers = std::mem::take(response.headers_mut());
        let max_event_bytes = super::sse::DEFAULT_MAX_EVENT_BYTES;
        let idle_timeout = Some(super::DEFAULT_IDLE_TIMEOUT);
        ApiResponse { status: response.status().as_u16(), headers, url, request_body, response, max_event_bytes, idle_timeout }
    }

    /// Sets how long the body may stay silent (default
    /// [`DEFAULT_IDLE_TIMEOUT`](super::DEFAULT_IDLE_TIMEOUT); `None`: no limit); past it, reading
    /// ends with an [`Error::Timeout`] of kind [`Idle`](crate::error::TimeoutKind::Idle).
    pub fn with_idle_timeout(mut self, idle_timeout: Option<std::time::Duration>) -> Self {
        self.idle_timeout = idle_timeout;
        self
    }

    /// The body as a stream of chunks, ending with an error when the server goes silent for
    /// longer than the idle timeout.
    pub fn body_stream(self) -> IdleTimeoutStream<impl Stream<Item = reqwest::Result<Bytes>> + Send + 'static> {
        IdleTimeoutStream::new(self.response.bytes_stream(), self.idle_timeout)
    }

    /// Sets the longest server-sent event line or event [`ApiResponse::sse`] accepts (default
    /// [`DEFAULT_MAX_EVENT_BYTES`](super::DEFAULT_MAX_EVENT_BYTES)).
    pub fn with_max_event_bytes(mut self, limit: usize) -> Self {
        self.max_event_bytes = limit;
        self
    }

    /// The request body as JSON.
    pub fn request_body_json(&self) -> Option<Value> {
        self.request_body.as_ref().and_then(|body| serde_json::from_slice(body).ok())
    }

    /// Reads the whole body. A cut connection is an [`Error::Connection`].
    pub async fn bytes(self) -> Result<Bytes> {
        let url = self.url;
        within_idle_timeout(self.idle_timeout, read_body(self.response, &url)).await
    }

    /// Reads the body to the end, for decoding into types that may borrow from it
    /// ([`ReadResponse::decode`]).
    pub fn read(self) -> impl Future<Output = Result<ReadResponse>> + Send {
        // Taken apart before the future exists: an `async fn` would keep the whole response and
        // its parts, twice the bytes, in a future that every request in flight holds.
        let ApiResponse { status, headers, url, request_body, response, idle_timeout, .. } = self;
        async move {
            let body = within_idle_timeout(idle_timeout, read_body(response, &url)).await?;
            Ok(ReadResponse { status, headers, url, request_body, body })
        }
    }

    /// Reads the body and decodes it into `T` in one pass. Malformed JSON is an
    /// [`Error::InvalidResponse`] keeping the raw text.
    pub fn json<T: DeserializeOwned>(self) -> impl Future<Output = Result<JsonResponse<T>>> + Send {
        // A combinator over `read`, not an `async fn`, which would keep the whole response
        // beside the read that took it.
        self.read().map(|read| {
            let read = read?;
            let value = read.decode()?;
            let ReadResponse { status, headers, request_body, body, .. } = read;
            Ok(JsonResponse { value, status, headers, raw_body: body, request_body })
        })
    }

    /// The body as server-sent events; a line or event over the limit
    /// ([`ApiResponse::with_max_event_bytes`]) is an [`Error::ResponseTooLarge`].
    pub fn sse(self) -> SseStream<IdleTimeoutStream<impl Stream<Item = reqwest::Result<Bytes>> + Send + 'static>> {
        let max_event_bytes = self.max_event_bytes;
        let url = self.url.clone();
        SseStream::with_url(self.body_stream(), url).with_max_event_bytes(max_event_bytes)
    }

    /// The body as server-sent events whose data decode into `T`, ending at `[DONE]`.
    pub fn json_events<T: DeserializeOwned>(
        self,
    ) -> JsonEventStream<IdleTimeoutStream<impl Stream<Item = reqwest::Result<Bytes>> + Send + 'static>, T> {
        JsonEventStream::new(self.sse())
    }

    /// The underlying response (headers already moved into [`ApiResponse::headers`]).
    pub fn into_inner(self) -> reqwest::Response {
        self.response
    }
}

/// The most a body's `content-length` reserves up front; a longer body grows past it.
const MAX_RESERVED_BODY_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a whole body into one buffer of its size. A body in one chunk (most answers) is that
/// chunk, not copied; a longer one is copied once, chunk by chunk, into a buffer sized by its
/// `content-length` (up to [`MAX_RESERVED_BODY_BYTES`]), or, without one, gathered and then
/// copied into a buffer of the exact size. (reqwest's `bytes()` gathers every chunk and then
/// copies them out: twice the body at the end of the read, whatever the length says.)
#[allow(clippy::manual_async_fn, reason = "an `async fn` keeps its arguments twice in its future")]
fn read_body(mut response: reqwest::Response, url: &str) -> impl Future<Output = Result<Bytes>> + Send + '_ {
    async move {
        let reserved = response.content_length().map_or(0, |length| length.min(MAX_RESERVED_BODY_BYTES) as usize);
        let read = |chunk: reqwest::Result<Option<Bytes>>| chunk.map_err(|error| transport_error(url, error));
        let Some(first) = read(response.chunk().await)? else { return Ok(Bytes::new()) };
        let Some(second) = read(response.chunk().await)? else { return Ok(first) };
        if reserved >= first.len() + second.len() {
            let mut buffer = bytes::BytesMut::with_capacity(reserved);
            buffer.extend_from_slice(&first);
            buffer.extend_from_slice(&second);
            drop((first, second));
            while let Some(chunk) = read(response.chunk().await)? {
                buffer.extend_from_slice(&chunk);
            }
            return Ok(buffer.freeze());
        }
        let mut chunks = vec![first, second];
        while let Some(chunk) = read(response.chunk().await)? {
            chunks.push(chunk);
        }
        let mut buffer = bytes::BytesMut::with_capacity(chunks.iter().map(Bytes::len).sum());
        for chunk in chunks {
            buffer.extend_from_slice(&chunk);
        }
        Ok(buffer.freeze())
    }
}

/// A 2xx response read to the end.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReadResponse {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The URL called, without credentials.
    pub url: String,
    /// The request body as sent, when it was JSON.
    pub request_body: Option<Bytes>,
    /// The response body.
    pub body: Bytes,
}

impl ReadResponse {
    /// Decodes the body as JSON into `T`, which may borrow strings from it ([`decode_json`]).
    /// Malformed JSON is an [`Error::InvalidResponse`] keeping the raw text.
    pub fn decode<'a, T: serde::Deserialize<'a>>(&'a self) -> Result<T> {
        decode_json(&self.body).map_err(|error| self.undecodable(error))
    }

    /// The [`Error::InvalidResponse`] of a body that did not decode (by whichever decoder),
    /// naming the URL and keeping the raw text.
    pub fn undecodable(&self, error: serde_json::Error) -> Error {
        let message = format!("could not decode the response of {}: {error}", self.url);
        Error::invalid_response(message, Some(String::from_utf8_lossy(&self.body).into_owned()), Some(Arc::new(error)))
    }
}

/// Decodes JSON into `T`, which may borrow strings from `raw`. The bytes are checked as UTF-8
/// once and decoded as `&str`: `serde_json::from_slice` checks every string again, which was a
/// fifth of the decode of a stream chunk. Invalid UTF-8 anywhere in the body is an error that
/// names its byte offset.
///
/// A body of `EXACT_STRINGS_FROM` (1 MiB) or more decodes the lean types' strings exactly
/// (`specai_generated::lean_strings`): each unescaped straight into a string of its size, where
/// serde_json's scratch buffer and the copy out of it would triple a large answer at peak.
///
/// ```
/// use specai::provider_utils::decode_json;
///
/// // Strings may borrow from the body: no copy for text without escapes.
/// #[derive(serde::Deserialize)]
/// struct Delta<'a> {
///     text: &'a str,
/// }
///
/// let raw = br#"{"text": "Hello"}"#;
/// let delta: Delta = decode_json(raw).unwrap();
/// assert_eq!(delta.text, "Hello");
/// assert!(decode_json::<Delta>(b"{\"text\": ").is_err());
/// ```
pub fn decode_json<'a, T: serde::Deserialize<'a>>(raw: &'a [u8]) -> std::result::Result<T, serde_json::Error> {
    if raw.len() >= EXACT_STRINGS_FROM {
        return specai_generated::lean_strings::with_exact_strings(|| decode_json_text(raw));
    }
    decode_json_text(raw)
}

/// The body size from which [`decode_json`] unescapes strings exactly: 1 MiB (a stream event or
/// a usual answer is far smaller, and keeps serde_json's faster path).
pub const EXACT_STRINGS_FROM: usize = 1024 * 1024;

fn decode_json_text<'a, T: serde::Deserialize<'a>>(raw: &'a [u8]) -> std::result::Result<T, serde_json::Error> {
    match std::str::from_utf8(raw) {
        Ok(text) => serde_json::from_str(text),
        // Not `from_slice` here: a second reader would compile every decoded type's code twice
        // (a tenth of the crate's machine code), for a body that no JSON server sends.
        Err(error) => Err(serde::de::Error::custom(format_args!(
            "invalid UTF-8 at byte {} (JSON text must be UTF-8)",
            error.valid_up_to()
        ))),
    }
}

/// Checks the status: a 2xx response becomes an [`ApiResponse`], any other an [`ApiCallError`]
/// built from its body by `errors`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
/// use specai::provider_utils::{JsonErrorParser, handle_response};
///
/// // For a response sent by hand: a 2xx is kept, anything else becomes the typed error.
/// let server = TestServer::start([TestResponse::text(200, "ok"), TestResponse::text(503, "busy")]).await;
/// for expected in [Some(200), None] {
///     let url = server.url("/v1/status");
///     let response = reqwest::get(&url).await.unwrap();
///     let handled = handle_response(response, &url, None, &JsonErrorParser::new()).await;
///     assert_eq!(handled.as_ref().ok().map(|response| response.status), expected);
/// }
/// # }
/// ```
pub fn handle_response<'a>(
    response: reqwest::Response,
    url: &str,
    request_body: Option<Bytes>,
    errors: &'a dyn ErrorBodyParser,
) -> impl Future<Output = Result<ApiResponse>> + Send + 'a {
    let url = redact_url_with(url, errors.secret_query_parameters());
    if response.status().is_success() {
        // Ready at once: a success reads nothing here.
        return Either::Left(std::future::ready(Ok(ApiResponse::new(response, url, request_body))));
    }
    // Boxed: reading an error body is a large future that a success never needs, and every
    // caller's future would otherwise carry its size.
    Either::Right(Box::pin(failed_response(response, url, errors)).map(|error| Err(error.into())))
}

/// Builds the [`ApiCallError`] of a non-2xx response, reading its body.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
/// use specai::provider_utils::{JsonErrorParser, failed_response};
///
/// let server = TestServer::start([TestResponse::json(429, serde_json::json!({"error": {"message": "slow down"}})).header("retry-after", "2")]).await;
/// let response = reqwest::get(server.url("/v1/chat")).await.unwrap();
/// let error = failed_response(response, server.url("/v1/chat"), &JsonErrorParser::new()).await;
/// assert_eq!((error.status, error.message.as_str(), error.is_retryable), (429, "slow down", true));
/// assert_eq!(error.response_headers["retry-after"], "2");
/// # }
/// ```
pub async fn failed_response(mut response: reqwest::Response, url: String, errors: &dyn ErrorBodyParser) -> ApiCallError {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.ok().map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    api_call_error(status.as_u16(), url, headers, body, errors)
}

/// Builds the [`ApiCallError`] of a status, headers and body (also for errors sent mid-stream).
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// use specai::provider_utils::{JsonErrorParser, api_call_error};
///
/// // An error event sent mid-stream, with the stream's status.
/// let body = r#"{"error": {"message": "context too long", "type": "invalid_request_error", "param": "messages"}}"#;
/// let error = api_call_error(200, "https://api.acme.test/v1/chat".into(), HeaderMap::new(), Some(body.into()), &JsonErrorParser::new());
/// assert_eq!((error.message.as_str(), error.param.as_deref()), ("context too long", Some("messages")));
/// // The server's `x-should-retry` wins over the status rule.
/// let mut headers = HeaderMap::new();
/// headers.insert("x-should-retry", HeaderValue::from_static("true"));
/// assert!(api_call_error(400, "https://api.acme.test".into(), headers, None, &JsonErrorParser::new()).is_retryable);
/// ```
pub fn api_call_error(
    status: u16,
    url: String,
    headers: HeaderMap,
    body: Option<String>,
    errors: &dyn ErrorBodyParser,
) -> ApiCallError {
    let parsed = body.as_deref().and_then(|body| errors.parse(body));
    // The server's own word wins over the status rules, as in the official OpenAI and Anthropic
    // SDKs: `x-should-retry: true` on a 400, or `false` on a 503.
    let retryable = match headers.get("x-should-retry").and_then(|value| value.to_str().ok()) {
        Some("true") => true,
        Some("false") => false,
        _ => errors.is_retryable(status, parsed.as_ref()),
    };
    let message = match (&parsed, body.as_deref().map(str::trim)) {
        (Some(parsed), _) => parsed.message.clone(),
        (None, Some(text)) if !text.is_empty() => truncate(text, 1000),
        _ => http::StatusCode::from_u16(status)
            .ok()
            .and_then(|status| status.canonical_reason())
            .unwrap_or("request failed")
            .to_owned(),
    };
    let error = ApiCallError::new(status, url, message).with_headers(headers).with_retryable(retryable);
    let error = match body {
        Some(body) => error.with_body(body),
        None => error,
    };
    match parsed {
        Some(parsed) => error.with_error_type(parsed.error_type).with_code(parsed.code).with_param(parsed.param),
        None => error,
    }
}

fn truncate(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Maps a transport error: a request that could not be built is an
/// [`Error::InvalidArgument`]; anything else (refused, reset, timed out, cut) an
/// [`Error::Connection`]. The URL is dropped from reqwest's message (it may hold a key).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use specai::Error;
/// use specai::provider_utils::transport_error;
///
/// // A port nobody listens on: the connection is refused.
/// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// let url = format!("http://{}/v1/chat?key=secret", listener.local_addr().unwrap());
/// drop(listener);
/// let failure = reqwest::get(&url).await.unwrap_err();
/// let error = transport_error(&url, failure);
/// assert!(error.is_retryable());
/// assert!(matches!(&error, Error::Connection { url, .. } if !url.contains("secret")));
/// # }
/// ```
pub fn transport_error(url: &str, error: reqwest::Error) -> Error {
    let error = error.without_url();
    if error.is_builder() {
        return Error::invalid_argument("request", error.to_string());
    }
    let mut message = if error.is_timeout() { format!("timed out: {error}") } else { error.to_string() };
    // reqwest says "error sending request" for a refused connection, a DNS failure and a TLS
    // failure alike: the causes say which.
    append_causes(&mut message, &error);
    if let Some(hint) = tls_hint(url, cfg!(any(feature = "rustls", feature = "native-tls"))) {
        message.push_str(hint);
    }
    Error::Connection { url: redact_url(url), message, source: Some(Arc::new(error)) }
}

/// Appends each cause in `error`'s source chain that adds something to `message`.
fn append_causes(message: &mut String, error: &(dyn std::error::Error + 'static)) {
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
}

/// What to enable when an HTTPS call fails in a build without a TLS backend.
fn tls_hint(url: &str, tls_compiled: bool) -> Option<&'static str> {
    (!tls_compiled && url.starts_with("https:")).then_some(
        " (specai was built without a TLS backend, so HTTPS cannot work: enable its `rustls` feature, \
         on by default, or `native-tls`, or pass a reqwest client of your own)",
    )
}

#[cfg(test)]
#[path = "response_handler_tests.rs"]
mod tests;
