use serde_json::{Value, json};

use super::*;
use crate::provider::{ReasoningPart, TextPart, ToolCallPart};

fn anthropic(value: Value) -> ProviderOptions {
    ProviderOptions::new().with("anthropic", value)
}

fn convert(prompt: &[Message]) -> (AnthropicPrompt, Vec<Warning>) {
    let mut warnings = Vec::new();
    let converted = convert_to_anthropic_messages(prompt, true, &mut warnings).unwrap();
    (converted, warnings)
}

fn to_json(prompt: &AnthropicPrompt) -> Value {
    json!({"system": prompt.system, "messages": prompt.messages})
}

#[test]
fn system_text_and_merged_turns() {
    let (converted, warnings) = convert(&[
        Message::system("Be brief."),
        Message::user("Hi"),
        Message::user("Still there?"),
        Message::assistant("Yes.  "),
    ]);
    assert!(warnings.is_empty());
    assert_eq!(
        to_json(&converted),
        json!({
            "system": "Be brief.",
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "Hi"}, {"type": "text", "text": "Still there?"}]},
                {"role": "assistant", "content": [{"type": "text", "text": "Yes."}]}
            ]
        })
    );
}

#[test]
fn cache_control_on_system_message_and_part() {
    let prompt = vec![
        Message::system("long instructions").with_provider_options(anthropic(json!({"cache_control": {"type": "ephemeral"}}))),
        Message::User {
            content: vec![
                UserPart::Text(TextPart::new("doc").with_provider_options(anthropic(
                    json!({"cache_control": {"type": "ephemeral", "ttl": "1h"}}),
                ))),
                UserPart::text("question"),
            ],
            provider_options: anthropic(json!({"cache_control": {"type": "ephemeral"}})),
        },
    ];
    let (converted, _) = convert(&prompt);
    assert_eq!(
        to_json(&converted),
        json!({
            "system": [{"type": "text", "text": "long instructions", "cache_control": {"type": "ephemeral"}}],
            "messages": [{"role": "user", "content": [
                {"type": "text", "text": "doc", "cache_control": {"type": "ephemeral", "ttl": "1h"}},
                {"type": "text", "text": "question", "cache_control": {"type": "ephemeral"}}
            ]}]
        })
    );
}

#[test]
fn images_and_pdfs_inline_or_by_url() {
    let (converted, _) = convert(&[Message::user_parts(vec![
        UserPart::file(vec![1u8, 2, 3], "image/png"),
        UserPart::file_url("https://example.com/a.jpg", "image/jpeg"),
        UserPart::file_url("data:image/gif;base64,R0lG", "image/*"),
        UserPart::file(b"%PDF".to_vec(), "application/pdf"),
    ])]);
    assert_eq!(
        serde_json::to_value(&converted.messages[0].content).unwrap(),
        json!([
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AQID"}},
            {"type": "image", "source": {"type": "url", "url": "https://example.com/a.jpg"}},
            {"type": "image", "source": {"type": "base64", "media_type": "image/gif", "data": "R0lG"}},
            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERg=="}}
        ])
    );
    assert_eq!(converted.betas, vec![PDF_BETA]);
}

/// `image/*` is sent as the type the bytes tell (a PNG labelled JPEG is a 400), else as JPEG.
#[test]
fn an_image_of_unknown_type_is_sent_as_its_bytes_tell() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let (converted, _) = convert(&[Message::user_parts(vec![UserPart::file(png, "image/*"), UserPart::file(vec![1u8, 2, 3], "image/*")])]);
    let content = serde_json::to_value(&converted.messages[0].content).unwrap();
    assert_eq!((&content[0]["source"]["media_type"], &content[1]["source"]["media_type"]), (&json!("image/png"), &json!("image/jpeg")));
}

/// The text source's media type is `text/plain` (the generated enum once held only `application/pdf`).
#[test]
fn plain_text_is_a_text_document_source() {
    let (converted, _) = convert(&[Message::user_parts(vec![UserPart::file(b"Hello".to_vec(), "text/plain")])]);
    let content = &converted.messages[0].content;
    let types::InputMessageContent::Array(blocks) = content else { panic!("{content:?}") };
    assert!(matches!(
        blocks[..],
        [types::ContentBlockParam::Document {
            source: types::DocumentSource::Text { media_type: types::PlainTextSourceMediaType::TextPlain, .. },
            ..
        }]
    ));
    assert_eq!(
        serde_json::to_value(content).unwrap(),
        json!([{"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "Hello"}}])
    );
}

#[test]
fn unsupported_media_is_an_error() {
    let mut warnings = Vec::new();
    let error = convert_to_anthropic_messages(&[Message::user_parts(vec![UserPart::file(vec![0u8], "audio/wav")])], true, &mut warnings)
        .unwrap_err();
    assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
}

#[test]
fn tool_round_trip_with_reasoning_signatures() {
    let prompt = vec![
        Message::user("Weather in Paris?"),
        Message::assistant_parts(vec![
            AssistantPart::Reasoning(
                ReasoningPart::new("think").with_provider_options(anthropic(json!({"signature": "sig"}))),
            ),
            AssistantPart::Reasoning(
                ReasoningPart::new(String::new())
                    .with_provider_options(anthropic(json!({"redacted_data": "opaque"}))),
            ),
            AssistantPart::ToolCall(ToolCallPart::new("toolu_1", "get_weather", json!({"city": "Paris"}))),
        ]),
        Message::tool(vec![
            ToolResultPart::new("toolu_1", "get_weather", ToolResultOutput::json(json!({"temp": 18}))),
            ToolResultPart::new("toolu_2", "get_weather", ToolResultOutput::error_text("boom")),
        ]),
    ];
    let (converted, warnings) = convert(&prompt);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        serde_json::to_value(&converted.messages).unwrap(),
        json!([
            {"role": "user", "content": [{"type": "text", "text": "Weather in Paris?"}]},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "think", "signature": "sig"},
                {"type": "redacted_thinking", "data": "opaque"},
                {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "{\"temp\":18}"},
                {"type": "tool_result", "tool_use_id": "toolu_2", "content": "boom", "is_error": true}
            ]}
        ])
    );
}

/// A call whose input was not an object (an invalid call, kept as the model wrote it) goes
/// back as `{"rawInvalidInput": ...}`, not as an empty object that rewrites the history.
#[test]
fn a_tool_input_that_is_not_an_object_is_wrapped() {
    let call = |input: Value| {
        let (converted, _) = convert(&[
            Message::user("q"),
            Message::assistant_parts(vec![AssistantPart::ToolCall(ToolCallPart::new("toolu_1", "f", input))]),
        ]);
        serde_json::to_value(&converted.messages).unwrap()[1]["content"][0]["input"].clone()
    };
    assert_eq!(call(json!("{\"city\": \"Par")), json!({"rawInvalidInput": "{\"city\": \"Par"}));
    assert_eq!(call(Value::Null), json!({}));
    assert_eq!(call(json!({"city": "Paris"})), json!({"city": "Paris"}));
}

#[test]
fn reasoning_without_signature_is_left_out_with_a_warning() {
    let (converted, warnings) = convert(&[
        Message::user("q"),
        Message::assistant_parts(vec![
            AssistantPart::Reasoning(ReasoningPart::new("from another provider")),
            AssistantPart::Text(TextPart::new("answer")),
        ]),
    ]);
    assert_eq!(warnings.len(), 1);
    assert_eq!(serde_json::to_value(&converted.messages[1].content).unwrap(), json!([{"type": "text", "text": "answer"}]));
}

#[test]
fn multi_part_tool_results_become_blocks() {
    let (converted, _) = convert(&[Message::tool(vec![ToolResultPart::new(
        "t",
        "shot",
        ToolResultOutput::content(vec![
            ToolResultContent::text("screen"),
            ToolResultContent::media("AAAA", "image/png"),
        ]),
    )])]);
    assert_eq!(
        serde_json::to_value(&converted.messages[0].content).unwrap(),
        json!([{"type": "tool_result", "tool_use_id": "t", "content": [
            {"type": "text", "text": "screen"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"}}
        ]}])
    );
}

#[test]
fn late_system_message_is_an_error() {
    let mut warnings = Vec::new();
    let error = convert_to_anthropic_messages(&[Message::user("a"), Message::system("b")], true, &mut warnings).unwrap_err();
    assert!(matches!(error, Error::Unsupported { .. }));
}
