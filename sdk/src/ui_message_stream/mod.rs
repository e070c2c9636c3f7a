//! The AI SDK's UI message stream: serving a `useChat` front end from a `stream_text` result.
//!
//! The protocol (`x-vercel-ai-ui-message-stream: v1`) is server-sent events, one JSON
//! [`UiMessageChunk`] per event, ending with `data: [DONE]`; the AI SDK's client assembles the
//! chunks into a UI message of parts (text, reasoning, tool calls with their state, sources,
//! files, custom data). The plain text stream protocol ([`TextStreamResponse`]) is the text alone.
//!
//! The way back: `useChat` posts the conversation as UI messages ([`ChatRequest`]), which
//! [`convert_to_model_messages`] turns into the prompt, with errors naming the part that is wrong.
//! [`create_ui_message_stream`] writes custom data parts and merges several streams into one
//! response. With feature `axum`, both responses are `IntoResponse` and [`ChatRequest`] is an
//! extractor.
//!
//! ```
//! use futures::StreamExt;
//! use specai::test_util::{MockLanguageModel, MockStream};
//! use specai::ui_message_stream::{ChatRequest, ConvertOptions, UiMessageStreamOptions, convert_to_model_messages};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let body = br#"{"id": "chat-1", "messages": [{"id": "u1", "role": "user", "parts": [{"type": "text", "text": "Hi"}]}]}"#;
//! let request = ChatRequest::from_slice(body)?;
//! let model = MockLanguageModel::new().with_stream(MockStream::text(["Hello", "!"]));
//! let response = specai::stream_text(model)
//!     .messages(convert_to_model_messages(&request.messages, &ConvertOptions::new())?)
//!     .start()
//!     .into_ui_message_stream_response(UiMessageStreamOptions::new());
//! let (_status, headers, body) = response.into_parts();
//! assert_eq!(headers["content-type"], "text/event-stream");
//! let events: Vec<_> = body.map(|event| event.unwrap()).collect().await;
//! let text = String::from_utf8(events.concat())?;
//! assert!(text.starts_with("data: {\"type\":\"start\"}\n\n"));
//! assert!(text.contains(r#"data: {"type":"text-delta","id":"text-0","delta":"Hello"}"#));
//! assert!(text.ends_with("data: {\"type\":\"finish\",\"finishReason\":\"stop\"}\n\ndata: [DONE]\n\n"));
//! # Ok(()) }
//! ```

#[cfg(feature = "axum")]
mod axum;
mod chat_request;
mod convert_to_model_messages;
mod create_ui_message_stream;
mod text_stream_response;
mod to_ui_message_chunk;
mod to_ui_message_stream;
mod ui_message;
mod ui_message_chunk;
mod ui_message_stream_options;
mod ui_message_stream_response;
#[cfg(test)]
mod tests;

pub use chat_request::ChatRequest;
pub use convert_to_model_messages::{ConvertOptions, convert_to_model_messages};
pub use create_ui_message_stream::{UiMessageStreamWriter, create_ui_message_stream, create_ui_message_stream_with_error_text};
pub use text_stream_response::{TextBody, TextStreamResponse};
pub use to_ui_message_stream::UiMessageStream;
pub use ui_message::{
    FileUiPart, TextUiPart, ToolUiApproval, ToolUiPart, ToolUiState, UiMessage, UiMessageError, UiMessagePart,
    UiMessageRole,
};
pub use ui_message_chunk::{DataChunk, UiMessageChunk};
pub use ui_message_stream_options::{
    DEFAULT_ERROR_TEXT, ErrorText, MessageMetadata, MetadataEvent, UiMessageStreamOptions,
};
pub use ui_message_stream_response::{
    SseBody, UI_MESSAGE_STREAM_HEADER, UiMessageStreamResponse, encode_sse_event, ui_message_stream_headers,
};
