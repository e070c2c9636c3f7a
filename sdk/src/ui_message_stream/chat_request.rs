//! The request `useChat`'s default transport posts: the chat's id, its UI messages, the trigger.

use serde_json::Value;

use super::ui_message::{UiMessage, UiMessageError};

/// The body `useChat`'s default transport posts: the chat's id, its UI messages, and what
/// triggered the request; fields the application added (`body` option) stay in `extra`.
///
/// ```
/// use specai::ui_message_stream::ChatRequest;
///
/// let body = br#"{"id": "chat-1", "trigger": "submit-message", "model": "fast",
///                 "messages": [{"id": "m1", "role": "user", "parts": [{"type": "text", "text": "Hi"}]}]}"#;
/// let request = ChatRequest::from_slice(body).unwrap();
/// assert_eq!(request.id.as_deref(), Some("chat-1"));
/// assert_eq!(request.messages.len(), 1);
/// assert_eq!(request.extra["model"], "fast");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ChatRequest {
    /// The chat's id.
    pub id: Option<String>,
    /// The conversation so far, ending with the new user message.
    pub messages: Vec<UiMessage>,
    /// `submit-message` or `regenerate-message`.
    pub trigger: Option<String>,
    /// The message to regenerate, for `regenerate-message`.
    pub message_id: Option<String>,
    /// Every other field of the body.
    pub extra: serde_json::Map<String, Value>,
}

impl ChatRequest {
    /// Reads a request body (JSON), validating every message.
    pub fn from_slice(body: &[u8]) -> Result<ChatRequest, UiMessageError> {
        let value: Value =
            serde_json::from_slice(body).map_err(|error| UiMessageError::new("body", None, format!("not JSON: {error}")))?;
        ChatRequest::from_value(value)
    }

    /// Reads a request body already parsed as JSON.
    ///
    /// ```
    /// use specai::ui_message_stream::ChatRequest;
    ///
    /// let error = ChatRequest::from_value(serde_json::json!({"id": "chat-1"})).unwrap_err();
    /// assert_eq!(error.to_string(), "invalid UI message at body: missing `messages`");
    /// ```
    pub fn from_value(value: Value) -> Result<ChatRequest, UiMessageError> {
        let Value::Object(mut fields) = value else {
            return Err(UiMessageError::new("body", None, "expected a JSON object"));
        };
        let messages = fields.remove("messages").ok_or_else(|| UiMessageError::new("body", None, "missing `messages`"))?;
        let mut text = |name: &str| -> Result<Option<String>, UiMessageError> {
            match fields.remove(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(text)) => Ok(Some(text)),
                Some(_) => Err(UiMessageError::new(format!("body.{name}"), None, "expected a string")),
            }
        };
        let id = text("id")?;
        let trigger = text("trigger")?;
        let message_id = text("messageId")?;
        Ok(ChatRequest { id, messages: UiMessage::list_from_value(&messages)?, trigger, message_id, extra: fields })
    }
}
