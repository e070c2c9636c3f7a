//! What a `stream_text` result sends to the client, as the AI SDK's `toUIMessageStream` options.

use std::sync::Arc;

use serde_json::Value;

use crate::stream_text::{GenerationFinish, TextStreamPart};

/// Turns a server error into the text the client shows. Receives the error as a trait object
/// (downcast to [`crate::Error`] for the SDK's own errors).
pub type ErrorText = Arc<dyn Fn(&(dyn std::error::Error + 'static)) -> String + Send + Sync>;

/// Computes message metadata from a point of the generation; `None` sends nothing.
pub type MessageMetadata = Arc<dyn Fn(MetadataEvent<'_>) -> Option<Value> + Send + Sync>;

/// Where in the generation the message metadata callback is asked.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum MetadataEvent<'a> {
    /// Before anything else: the value goes into the `start` chunk.
    Start,
    /// After each part: for [`TextStreamPart::Finish`] the value goes into the `finish` chunk,
    /// for any other part into a `message-metadata` chunk after the part's own.
    Part(&'a TextStreamPart),
}

impl<'a> MetadataEvent<'a> {
    /// The generation's finish, when this is it: where usage totals are known.
    ///
    /// ```
    /// use specai::ui_message_stream::MetadataEvent;
    ///
    /// assert!(MetadataEvent::Start.finish().is_none());
    /// ```
    pub fn finish(&self) -> Option<&'a GenerationFinish> {
        match self {
            MetadataEvent::Part(TextStreamPart::Finish(finish)) => Some(finish),
            _ => None,
        }
    }
}

/// The text shown for an error when no mapping is set: server error details never reach the
/// client by default.
///
/// ```
/// assert_eq!(specai::ui_message_stream::DEFAULT_ERROR_TEXT, "An error occurred.");
/// ```
pub const DEFAULT_ERROR_TEXT: &str = "An error occurred.";

/// Options for turning a `stream_text` result into a UI message stream.
///
/// ```
/// use specai::TextStreamPart;
/// use specai::ui_message_stream::{MetadataEvent, UiMessageStreamOptions};
///
/// let options = UiMessageStreamOptions::new()
///     .send_reasoning(false)
///     .send_sources(true)
///     .message_id("msg-1")
///     .on_error(|error| format!("Sorry: {error}"))
///     .message_metadata(|event| match event {
///         MetadataEvent::Part(TextStreamPart::Finish(finish)) => {
///             Some(serde_json::json!({"totalTokens": finish.total_usage.total_tokens()}))
///         }
///         _ => None,
///     });
/// # let _ = options;
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct UiMessageStreamOptions {
    pub(crate) send_reasoning: bool,
    pub(crate) send_sources: bool,
    pub(crate) send_start: bool,
    pub(crate) send_finish: bool,
    pub(crate) message_id: Option<String>,
    pub(crate) on_error: Option<ErrorText>,
    pub(crate) redact_tool_errors: Option<bool>,
    pub(crate) message_metadata: Option<MessageMetadata>,
}

impl Default for UiMessageStreamOptions {
    fn default() -> Self {
        UiMessageStreamOptions {
            send_reasoning: true,
            send_sources: false,
            send_start: true,
            send_finish: true,
            message_id: None,
            on_error: None,
            redact_tool_errors: None,
            message_metadata: None,
        }
    }
}

impl std::fmt::Debug for UiMessageStreamOptions {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("UiMessageStreamOptions")
            .field("send_reasoning", &self.send_reasoning)
            .field("send_sources", &self.send_sources)
            .field("send_start", &self.send_start)
            .field("send_finish", &self.send_finish)
            .field("message_id", &self.message_id)
            .field("on_error", &self.on_error.as_ref().map(|_| "<function>"))
            .field("redact_tool_errors", &self.redact_tool_errors)
            .field("message_metadata", &self.message_metadata.as_ref().map(|_| "<function>"))
            .finish()
    }
}

impl UiMessageStreamOptions {
    /// The AI SDK's defaults: reasoning sent, sources not, start and finish chunks sent, errors
    /// shown as "An error occurred.".
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether to send reasoning blocks (default `true`).
    pub fn send_reasoning(mut self, send: bool) -> Self {
        self.send_reasoning = send;
        self
    }

    /// Whether to send cited sources (default `false`).
    pub fn send_sources(mut self, send: bool) -> Self {
        self.send_sources = send;
        self
    }

    /// Whether to send the `start` chunk (default `true`; turn off when merging a continuation
    /// into a message another stream started).
    pub fn send_start(mut self, send: bool) -> Self {
        self.send_start = send;
        self
    }

    /// Whether to send the `finish` chunk (default `true`; turn off when another stream continues
    /// the same message).
    pub fn send_finish(mut self, send: bool) -> Self {
        self.send_finish = send;
        self
    }

    /// The id of the assistant message, sent in the `start` chunk (for persistence).
    pub fn message_id(mut self, id: impl Into<String>) -> Self {
        self.message_id = Some(id.into());
        self
    }

    /// Maps an error to the text the client shows; by default every error shows as
    /// [`DEFAULT_ERROR_TEXT`], so that no server detail leaks. Setting it also applies it to
    /// failed tool calls (see [`redact_tool_errors`](Self::redact_tool_errors)).
    pub fn on_error(mut self, map: impl Fn(&(dyn std::error::Error + 'static)) -> String + Send + Sync + 'static) -> Self {
        self.on_error = Some(Arc::new(map));
        self
    }

    /// Whether failed tool calls show the [`on_error`](Self::on_error) text rather than the error
    /// the model was told (default: `true` when `on_error` is set, as in the AI SDK).
    pub fn redact_tool_errors(mut self, redact: bool) -> Self {
        self.redact_tool_errors = Some(redact);
        self
    }

    /// Computes message metadata at the start, after each part and at the finish.
    pub fn message_metadata(mut self, metadata: impl Fn(MetadataEvent<'_>) -> Option<Value> + Send + Sync + 'static) -> Self {
        self.message_metadata = Some(Arc::new(metadata));
        self
    }

    /// The client's text for an error.
    pub(crate) fn error_text(&self, error: &(dyn std::error::Error + 'static)) -> String {
        match &self.on_error {
            Some(map) => map(error),
            None => DEFAULT_ERROR_TEXT.to_owned(),
        }
    }

    /// The client's text for a failed tool call: what the model was told, unless redacted.
    pub(crate) fn tool_error_text(&self, error: &crate::Error) -> String {
        if self.redact_tool_errors.unwrap_or(self.on_error.is_some()) { self.error_text(error) } else { error.to_string() }
    }
}
