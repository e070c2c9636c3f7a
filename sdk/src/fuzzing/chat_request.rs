//! A `useChat` request body as a server receives it from a browser, on its way to a model: read
//! and checked ([`ChatRequest::from_slice`]), converted to model messages (with incomplete tool
//! calls refused, then ignored), standardized as `generate_text` does, then sent by a language
//! model (its message conversion and request building) to the harness's server on 127.0.0.1.
//! Everything in it comes from whoever can reach the server, not from a provider.

use super::Decoder;
use super::generate::send_messages;
use crate::prompt::{PromptInput, StandardizedPrompt};
use crate::provider::Message;
use crate::step_engine::checked_conversation;
use crate::tool::ToolSet;
use crate::ui_message_stream::{ChatRequest, ConvertOptions, convert_to_model_messages};

/// What becomes of `body` on the way to the `dialect`'s language model, as text: the error that
/// stopped it, or what the model made of the server's (empty) answer, once for each way of
/// converting the messages.
pub fn chat_request(dialect: Decoder, body: &[u8]) -> String {
    let request = match ChatRequest::from_slice(body) {
        Ok(request) => request,
        Err(error) => return error.to_string(),
    };
    [false, true]
        .map(|ignore| {
            let options = ConvertOptions::new().ignore_incomplete_tool_calls(ignore);
            match convert_to_model_messages(&request.messages, &options) {
                Ok(messages) => standardized(messages).and_then(|messages| send_messages(dialect, messages)).unwrap_or_else(|error| error.to_string()),
                Err(error) => error.to_string(),
            }
        })
        .join("\n")
}

/// The conversation as the step loop sends it (with no tools, so an approved call is an
/// error): checked as every generation checks it, the system text first.
fn standardized(messages: Vec<Message>) -> crate::Result<Vec<Message>> {
    let prompt = PromptInput { messages: Some(messages), ..PromptInput::default() };
    let (StandardizedPrompt { system, messages }, _) = checked_conversation(prompt, &ToolSet::default())?;
    Ok(system.map(Message::system).into_iter().chain(messages).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conversation_reaches_the_model_and_a_bad_body_stops_early() {
        let body = br#"{"id":"chat-1","trigger":"submit-message","messages":[
            {"id":"s","role":"system","parts":[{"type":"text","text":"Be brief."}]},
            {"id":"u1","role":"user","parts":[{"type":"text","text":"Weather?"},{"type":"file","mediaType":"image/png","url":"data:image/png;base64,iVBORw0KGgo="}]},
            {"id":"a1","role":"assistant","parts":[{"type":"step-start"},{"type":"tool-weather","toolCallId":"c1","state":"output-available","input":{"city":"Paris"},"output":"sunny"}]},
            {"id":"u2","role":"user","parts":[{"type":"text","text":"And?"}]}]}"#;
        // Both conversions reach the model, whose empty answer is not a completion.
        let outcome = chat_request(Decoder::OpenAiChat, body);
        assert_eq!(outcome.matches("has no choices").count(), 2, "{outcome}");
        // A call still running: refused unless left out.
        let running = String::from_utf8_lossy(body).replace(r#""state":"output-available""#, r#""state":"input-available""#);
        let outcome = chat_request(Decoder::Cohere, running.as_bytes());
        let (refused, ignored) = outcome.split_once('\n').expect("two conversions");
        assert_eq!(refused, "tool results are missing for tool calls: c1");
        assert!(ignored.contains("invalid response"), "{ignored}");
        assert!(chat_request(Decoder::Anthropic, b"{\"messages\": 3}").contains("messages"));
        assert!(chat_request(Decoder::Google, b"not json").contains("not JSON"));
    }
}
