//! Turning what the caller gave (a system text, a prompt, or messages) into the one conversation
//! the model receives.
//!
//! The caller gives either a `prompt` (a user turn) or `messages` (a whole conversation), never
//! both, and optionally a `system` text, which is kept apart so that `prepare_step` can change it
//! per step. File parts given by URL that the model cannot fetch itself (see
//! [`LanguageModel::supported_urls`](crate::provider::LanguageModel::supported_urls)) are
//! downloaded before the call; `data:` URLs are decoded in place. A prompt without URLs costs one
//! scan of its parts.

use std::sync::OnceLock;

use bytes::Bytes;

use crate::error::{ApiCallError, Error, Result};
use crate::provider::{AssistantPart, FileData, FilePart, Message, SupportedUrl, UserPart};

/// The user's turn: a text or several parts (text and files).
#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    /// A text.
    Text(String),
    /// Several parts.
    Parts(Vec<UserPart>),
}

impl From<String> for Prompt {
    fn from(text: String) -> Self {
        Prompt::Text(text)
    }
}

impl From<&str> for Prompt {
    fn from(text: &str) -> Self {
        Prompt::Text(text.to_owned())
    }
}

impl From<Vec<UserPart>> for Prompt {
    fn from(parts: Vec<UserPart>) -> Self {
        Prompt::Parts(parts)
    }
}

impl From<Prompt> for Message {
    fn from(prompt: Prompt) -> Self {
        match prompt {
            Prompt::Text(text) => Message::user(text),
            Prompt::Parts(parts) => Message::user_parts(parts),
        }
    }
}

/// What the caller gave, before standardizing.
#[derive(Debug, Clone, Default)]
pub(crate) struct PromptInput {
    pub(crate) system: Option<String>,
    pub(crate) prompt: Option<Prompt>,
    pub(crate) messages: Option<Vec<Message>>,
}

/// A standardized prompt: the system text, kept apart, and the conversation without it.
#[derive(Debug, Clone, Default)]
pub(crate) struct StandardizedPrompt {
    pub(crate) system: Option<String>,
    pub(crate) messages: Vec<Message>,
}

impl PromptInput {
    /// Checks the input and turns it into a system text and messages.
    pub(crate) fn standardize(self) -> Result<StandardizedPrompt> {
        let messages = match (self.prompt, self.messages) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid_argument("prompt", "give either `prompt` or `messages`, not both"));
            }
            (None, None) => return Err(Error::invalid_argument("prompt", "give `prompt` or `messages`")),
            (Some(prompt), None) => vec![Message::from(prompt)],
            (None, Some(messages)) => {
                if messages.is_empty() {
                    return Err(Error::invalid_argument("messages", "must not be empty"));
                }
                messages
            }
        };
        Ok(StandardizedPrompt { system: self.system, messages })
    }
}

/// Checks that every tool call the application executes is answered before the next user or
/// system message and by the end of the conversation, as the AI SDK does
/// (`MissingToolResultsError`): a model would reject the conversation with a less clear error.
/// `answered` are the calls the caller's approval answers settle (the loop runs or denies them
/// before the first step). A chat front end's unfinished calls can be left out when converting
/// (`ConvertOptions::ignore_incomplete_tool_calls`).
pub(crate) fn check_tool_results(messages: &[Message], answered: &[&str]) -> Result<()> {
    let mut pending: Vec<&str> = Vec::new();
    for message in messages {
        match message {
            Message::Assistant { content, .. } => pending.extend(content.iter().filter_map(|part| match part {
                AssistantPart::ToolCall(call) if !call.provider_executed => Some(call.tool_call_id.as_str()),
                _ => None,
            })),
            Message::Tool { content, .. } => pending.retain(|id| !content.iter().any(|result| result.tool_call_id == *id)),
            Message::User { .. } | Message::System { .. } => no_pending_calls(&mut pending, answered)?,
            _ => {}
        }
    }
    no_pending_calls(&mut pending, answered)
}

/// An error naming the pending calls that are not `answered`.
fn no_pending_calls(pending: &mut Vec<&str>, answered: &[&str]) -> Result<()> {
    pending.retain(|id| !answered.contains(id));
    if pending.is_empty() {
        return Ok(());
    }
    Err(Error::MissingToolResults { tool_call_ids: pending.iter().map(|id| (*id).to_owned()).collect() })
}

/// The user file parts given by a URL the model does not read itself.
fn unsupported_url_parts<'a>(
    messages: &'a mut [Message],
    supported: &'a [SupportedUrl],
) -> impl Iterator<Item = &'a mut FilePart> + 'a {
    messages
        .iter_mut()
        .filter_map(|message| match message {
            Message::User { content, .. } => Some(content),
            _ => None,
        })
        .flatten()
        .filter_map(move |part| match part {
            UserPart::File(file) => match &file.data {
                FileData::Url(url) if !supported.iter().any(|rule| rule.matches(&file.media_type, url)) => Some(file),
                _ => None,
            },
            _ => None,
        })
}

/// Replaces file URLs the model cannot read with their content: `data:` URLs are decoded,
/// others downloaded (one at a time; prompts rarely hold many).
pub(crate) async fn download_unsupported_urls(messages: &mut [Message], supported: &[SupportedUrl]) -> Result<()> {
    for file in unsupported_url_parts(messages, supported) {
        let FileData::Url(url) = &file.data else { continue };
        let (data, media_type) = match url.strip_prefix("data:") {
            Some(inline) => decode_data_url(inline, url)?,
            // Boxed: the download's future is large and rarely needed, and this one is part
            // of every model call's future.
            None => Box::pin(download(url)).await?,
        };
        if let Some(media_type) = media_type.filter(|_| file.media_type.ends_with("/*") || file.media_type.is_empty()) {
            file.media_type = media_type;
        }
        file.data = data;
    }
    Ok(())
}

fn decode_data_url(inline: &str, url: &str) -> Result<(FileData, Option<String>)> {
    let invalid = || Error::invalid_argument("prompt", format!("invalid data URL `{}`", url.chars().take(64).collect::<String>()));
    let (header, data) = inline.split_once(',').ok_or_else(invalid)?;
    let media_type = header.split(';').next().filter(|media_type| !media_type.is_empty()).map(str::to_owned);
    if header.ends_with(";base64") {
        Ok((FileData::Base64(data.to_owned()), media_type))
    } else {
        Ok((FileData::Bytes(Bytes::from(data.to_owned())), media_type))
    }
}

async fn download(url: &str) -> Result<(FileData, Option<String>)> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    let client = CLIENT.get_or_init(reqwest::Client::new);
    let connection = |error: reqwest::Error| Error::Connection {
        url: url.to_owned(),
        message: format!("downloading a prompt file failed: {error}"),
        source: Some(std::sync::Arc::new(error)),
    };
    // Like every request specai sends, the download names specai and its version.
    let user_agent = crate::provider_utils::USER_AGENT_VALUE;
    let response = client.get(url).header(http::header::USER_AGENT, user_agent).send().await.map_err(connection)?;
    let status = response.status();
    if !status.is_success() {
        return Err(ApiCallError::new(status.as_u16(), url, "downloading a prompt file failed").into());
    }
    let media_type = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or(value).trim().to_owned());
    let bytes = response.bytes().await.map_err(connection)?;
    Ok((FileData::Bytes(bytes), media_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_base64(text: &str) -> Vec<u8> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.decode(text).unwrap()
    }

    #[test]
    fn prompt_becomes_a_user_message_after_the_system() {
        let input = PromptInput { system: Some("be brief".into()), prompt: Some("hi".into()), messages: None };
        let prompt = input.standardize().unwrap();
        assert_eq!(prompt.system.as_deref(), Some("be brief"));
        assert_eq!(prompt.messages, vec![Message::user("hi")]);
    }

    #[test]
    fn rejects_both_or_neither() {
        let both = PromptInput { system: None, prompt: Some("a".into()), messages: Some(vec![Message::user("b")]) };
        assert!(matches!(both.standardize(), Err(Error::InvalidArgument { .. })));
        assert!(matches!(PromptInput::default().standardize(), Err(Error::InvalidArgument { .. })));
        let empty = PromptInput { messages: Some(Vec::new()), ..Default::default() };
        assert!(matches!(empty.standardize(), Err(Error::InvalidArgument { .. })));
    }

    #[test]
    fn a_tool_call_needs_its_result_before_the_next_user_message_and_at_the_end() {
        use crate::provider::{ToolCallPart, ToolResultOutput, ToolResultPart};
        let call = |id: &str| {
            let mut call = ToolCallPart::new(id, "weather", serde_json::json!({}));
            call.provider_executed = id.starts_with("provider");
            AssistantPart::ToolCall(call)
        };
        let result = |id: &str| Message::tool(vec![ToolResultPart::new(id, "weather", ToolResultOutput::text("sunny"))]);
        let missing = |messages: &[Message], answered: &[&str]| match check_tool_results(messages, answered) {
            Err(Error::MissingToolResults { tool_call_ids }) => tool_call_ids,
            other => panic!("{other:?}"),
        };

        let answered = [Message::user("hi"), Message::assistant_parts(vec![call("a"), call("b")]), result("b"), result("a"), Message::user("and?")];
        assert!(check_tool_results(&answered, &[]).is_ok());
        let unanswered = [Message::user("hi"), Message::assistant_parts(vec![call("a"), call("b")]), result("b"), Message::user("and?")];
        assert_eq!(missing(&unanswered, &[]), ["a"]);
        let at_the_end = [Message::user("hi"), Message::assistant_parts(vec![call("c")])];
        assert_eq!(missing(&at_the_end, &["other"]), ["c"]);
        let error = check_tool_results(&at_the_end, &[]).unwrap_err();
        assert_eq!(error.to_string(), "tool results are missing for tool calls: c");
        // An approval answer settles its call; the provider answers its own calls.
        assert!(check_tool_results(&at_the_end, &["c"]).is_ok());
        assert!(check_tool_results(&[Message::user("hi"), Message::assistant_parts(vec![call("provider-1")]), Message::user("ok")], &[]).is_ok());
    }

    #[tokio::test]
    async fn data_urls_are_decoded_and_supported_urls_kept() {
        let mut messages = vec![Message::user_parts(vec![
            UserPart::text("look"),
            UserPart::file_url("data:image/png;base64,AQID", "image/*"),
            UserPart::file_url("https://example.com/a.pdf", "application/pdf"),
        ])];
        let supported = [SupportedUrl::new("application/pdf", "https://")];
        download_unsupported_urls(&mut messages, &supported).await.unwrap();
        let Message::User { content, .. } = &messages[0] else { panic!() };
        match &content[1] {
            UserPart::File(file) => {
                assert_eq!(file.media_type, "image/png");
                assert_eq!(decode_base64(&file.data.to_base64().unwrap()), [1, 2, 3]);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&content[2], UserPart::File(FilePart { data: FileData::Url(_), .. })));
    }

    #[tokio::test]
    async fn unsupported_urls_are_downloaded() {
        use crate::provider_utils::test_server::{TestResponse, TestServer};
        let server = TestServer::start([TestResponse::bytes(200, &b"GIF"[..], "image/gif")]).await;
        let mut messages = vec![Message::user_parts(vec![UserPart::file_url(server.url("/cat.gif"), "image/*")])];
        download_unsupported_urls(&mut messages, &[]).await.unwrap();
        let Message::User { content, .. } = &messages[0] else { panic!() };
        match &content[0] {
            UserPart::File(file) => {
                assert_eq!(file.media_type, "image/gif");
                assert_eq!(file.data.to_bytes().unwrap().as_ref(), b"GIF");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(server.single_request().header("user-agent"), Some(concat!("specai/", env!("CARGO_PKG_VERSION"))));
    }
}
