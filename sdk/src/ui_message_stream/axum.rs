//! Feature `axum`: the two responses as `IntoResponse`, and [`ChatRequest`] as an extractor that
//! answers a malformed conversation with `400 Bad Request` naming the wrong part.

use axum_core::body::Body;
use axum_core::extract::{FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;

use super::text_stream_response::TextStreamResponse;
use super::chat_request::ChatRequest;
use super::ui_message::UiMessageError;
use super::ui_message_stream_response::UiMessageStreamResponse;

/// ```
/// use axum_core::response::IntoResponse;
/// use specai::ui_message_stream::{UiMessageChunk, UiMessageStream};
///
/// let response = UiMessageStream::from_chunks([UiMessageChunk::StartStep]).into_response().into_response();
/// assert_eq!(response.headers()["x-vercel-ai-ui-message-stream"], "v1");
/// ```
impl IntoResponse for UiMessageStreamResponse {
    fn into_response(self) -> Response {
        let (status, headers, body) = self.into_parts();
        (status, headers, Body::from_stream(body)).into_response()
    }
}

/// ```
/// use axum_core::response::IntoResponse;
/// use specai::ui_message_stream::TextStreamResponse;
///
/// let response = TextStreamResponse::new(futures::stream::iter([Ok("Hi".to_owned())])).into_response();
/// assert_eq!(response.headers()["content-type"], "text/plain; charset=utf-8");
/// ```
impl IntoResponse for TextStreamResponse {
    fn into_response(self) -> Response {
        let (status, headers, body) = self.into_parts();
        (status, headers, Body::from_stream(body)).into_response()
    }
}

/// A bad chat request: `400 Bad Request` with the error as text.
///
/// ```
/// use axum_core::response::IntoResponse;
/// use specai::ui_message_stream::ChatRequest;
///
/// let error = ChatRequest::from_slice(b"[]").unwrap_err();
/// assert_eq!(error.into_response().status(), 400);
/// ```
impl IntoResponse for UiMessageError {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, self.to_string()).into_response()
    }
}

/// Reads and validates a `useChat` request body (up to axum's body limit).
///
/// ```no_run
/// use axum::Router;
/// use axum::routing::post;
/// use specai::ui_message_stream::{ChatRequest, ConvertOptions, UiMessageStreamOptions, UiMessageStreamResponse, convert_to_model_messages};
///
/// async fn chat(request: ChatRequest) -> Result<UiMessageStreamResponse, specai::ui_message_stream::UiMessageError> {
///     let messages = convert_to_model_messages(&request.messages, &ConvertOptions::new())?;
///     let model = specai::test_util::MockLanguageModel::new();
///     Ok(specai::stream_text(model).messages(messages).start().into_ui_message_stream_response(UiMessageStreamOptions::new()))
/// }
///
/// let app: Router = Router::new().route("/api/chat", post(chat));
/// # let _ = app;
/// ```
impl<S: Send + Sync> FromRequest<S> for ChatRequest {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = Bytes::from_request(request, state).await.map_err(IntoResponse::into_response)?;
        ChatRequest::from_slice(&body).map_err(IntoResponse::into_response)
    }
}
