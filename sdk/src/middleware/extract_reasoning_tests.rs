use serde_json::json;

use super::*;
use crate::middleware::test_support::{generated_content, stream_items, stream_parts, wrapped};
use crate::provider::{FinishReason, GenerateResponse, ProviderOptions, ToolCall, Usage};
use crate::test_util::{MockLanguageModel, MockStream};

/// A compact view of a part sequence: `kind(id):text`.
fn describe(parts: &[StreamPart]) -> Vec<String> {
    parts
        .iter()
        .map(|part| match part {
            StreamPart::StreamStart { .. } => "stream-start".to_owned(),
            StreamPart::TextStart { id, .. } => format!("text-start({id})"),
            StreamPart::TextDelta { id, delta } => format!("text({id}):{delta}"),
            StreamPart::TextEnd { id, .. } => format!("text-end({id})"),
            StreamPart::ReasoningStart { id, .. } => format!("reasoning-start({id})"),
            StreamPart::ReasoningDelta { id, delta, .. } => format!("reasoning({id}):{delta}"),
            StreamPart::ReasoningEnd { id, .. } => format!("reasoning-end({id})"),
            StreamPart::Finish { .. } => "finish".to_owned(),
            other => format!("{other:?}"),
        })
        .collect()
}

/// The answer text and reasoning text of a part sequence.
fn texts(parts: &[StreamPart]) -> (String, String) {
    let (mut text, mut reasoning) = (String::new(), String::new());
    for part in parts {
        match part {
            StreamPart::TextDelta { delta, .. } => text.push_str(delta),
            StreamPart::ReasoningDelta { delta, .. } => reasoning.push_str(delta),
            _ => {}
        }
    }
    (text, reasoning)
}

#[tokio::test]
async fn generate_splits_text_parts_and_keeps_the_rest() {
    let metadata = ProviderOptions::new().with("vendor", json!({"x": 1}));
    let response = GenerateResponse::new(
        vec![
            Content::Text {
                text: "<think>plan</think>Hello<think>check</think>world".into(),
                provider_metadata: Some(metadata.clone()),
            },
            Content::ToolCall(ToolCall::new("c1", "t", "{}")),
            Content::text("no tags here"),
            Content::text("<think>only reasoning</think>"),
            Content::text("cut off at <think>"),
        ],
        FinishReason::Stop,
        Usage::default(),
    );
    let mock = MockLanguageModel::new().with_response(response);
    assert_eq!(
        generated_content(&wrapped(&mock, extract_reasoning("think"))).await,
        [
            Content::Reasoning {
                text: "plan\ncheck".into(),
                provider_metadata: None
            },
            Content::Text {
                text: "Hello\nworld".into(),
                provider_metadata: Some(metadata)
            },
            Content::ToolCall(ToolCall::new("c1", "t", "{}")),
            Content::text("no tags here"),
            Content::Reasoning {
                text: "only reasoning".into(),
                provider_metadata: None
            },
            Content::text("cut off at "),
        ]
    );
}

#[tokio::test]
async fn generate_with_a_custom_separator_and_reasoning_first() {
    let mock = MockLanguageModel::new().with_response(crate::test_util::text_response(
        "weighing</think>Yes<think>again</think>sure",
    ));
    let middleware = extract_reasoning("think")
        .start_with_reasoning(true)
        .with_separator(" | ");
    assert_eq!(
        generated_content(&wrapped(&mock, middleware)).await,
        [
            Content::Reasoning {
                text: "weighing | again".into(),
                provider_metadata: None
            },
            Content::text("Yes | sure")
        ]
    );
}

#[tokio::test]
async fn stream_holds_the_text_start_until_answer_text_and_numbers_reasoning_blocks() {
    let mock = MockLanguageModel::new().with_stream(MockStream::text([
        "<think>a",
        "b</think>",
        "Hi<think></think>!",
    ]));
    let parts = stream_parts(&wrapped(&mock, extract_reasoning("think"))).await;
    assert_eq!(
        describe(&parts),
        [
            "stream-start",
            "reasoning-start(text-0-reasoning-0)",
            "reasoning(text-0-reasoning-0):a",
            "reasoning(text-0-reasoning-0):b",
            "reasoning-end(text-0-reasoning-0)",
            "text-start(text-0)",
            "text(text-0):Hi",
            "reasoning-start(text-0-reasoning-1)",
            "reasoning-end(text-0-reasoning-1)",
            "text(text-0):\n!",
            "text-end(text-0)",
            "finish",
        ]
    );
}

#[tokio::test]
async fn stream_tags_split_at_every_position_give_the_generate_result() {
    let text =
        "<think>Denk über 日本 nach</think>Die Antwort ist <b>42</b>.<think>sicher</think>Ja<";
    let generated = MockLanguageModel::new().with_response(crate::test_util::text_response(text));
    let expected = generated_content(&wrapped(&generated, extract_reasoning("think"))).await;
    let expected_reasoning = expected[0].clone();
    let expected_text = expected[1].as_text().unwrap().to_owned();
    assert_eq!(expected_text, "Die Antwort ist <b>42</b>.\nJa<");
    assert_eq!(
        expected_reasoning,
        Content::Reasoning {
            text: "Denk über 日本 nach\nsicher".into(),
            provider_metadata: None
        }
    );

    for cut in (1..text.len()).filter(|&index| text.is_char_boundary(index)) {
        let mock =
            MockLanguageModel::new().with_stream(MockStream::text([&text[..cut], &text[cut..]]));
        let parts = stream_parts(&wrapped(&mock, extract_reasoning("think"))).await;
        assert_eq!(
            texts(&parts),
            (
                expected_text.clone(),
                "Denk über 日本 nach\nsicher".to_owned()
            ),
            "cut at byte {cut}"
        );
        let kinds = describe(&parts);
        let first_reasoning = kinds
            .iter()
            .position(|kind| kind.starts_with("reasoning-start"))
            .unwrap();
        let text_start = kinds
            .iter()
            .position(|kind| kind.starts_with("text-start"))
            .unwrap();
        assert!(first_reasoning < text_start, "cut at byte {cut}: {kinds:?}");
        assert_eq!(
            kinds
                .iter()
                .filter(|kind| kind.starts_with("reasoning-end"))
                .count(),
            2,
            "cut at byte {cut}"
        );
    }
    let one_by_one: Vec<String> = text.chars().map(String::from).collect();
    let mock = MockLanguageModel::new().with_stream(MockStream::text(one_by_one));
    let parts = stream_parts(&wrapped(&mock, extract_reasoning("think"))).await;
    assert_eq!(texts(&parts).0, expected_text);
}

#[tokio::test]
async fn stream_start_with_reasoning_and_unended_blocks_lose_nothing() {
    let mock = MockLanguageModel::new().with_stream(MockStream::text([
        "thinking",
        " hard</think>",
        "done </thi",
    ]));
    let parts = stream_parts(&wrapped(
        &mock,
        extract_reasoning("think").start_with_reasoning(true),
    ))
    .await;
    assert_eq!(
        texts(&parts),
        ("done </thi".to_owned(), "thinking hard".to_owned())
    );
    assert!(describe(&parts)[1].starts_with("reasoning-start"));

    // A block that is still reasoning when its text ends, and one the provider never ends.
    let stream = MockStream::new()
        .text_block(["<think>cut off"])
        .part(StreamPart::TextDelta {
            id: BlockId::from("loose"),
            delta: "<think>x</think>y<th".into(),
        })
        .finish(FinishReason::Length);
    let mock = MockLanguageModel::new().with_stream(stream);
    let parts = stream_parts(&wrapped(&mock, extract_reasoning("think"))).await;
    assert_eq!(
        describe(&parts),
        [
            "reasoning-start(text-0-reasoning-0)",
            "reasoning(text-0-reasoning-0):cut off",
            "reasoning-end(text-0-reasoning-0)",
            "text-start(text-0)",
            "text-end(text-0)",
            "reasoning-start(loose-reasoning-0)",
            "reasoning(loose-reasoning-0):x",
            "reasoning-end(loose-reasoning-0)",
            "text(loose):y",
            "text(loose):<th",
            "finish",
        ]
    );
}

#[tokio::test]
async fn stream_errors_pass_through_and_other_parts_are_untouched() {
    let stream = MockStream::new()
        .part(StreamPart::ToolCall(Box::new(ToolCall::new("c", "t", "{}"))))
        .text_block(["<think>r</think>ok"])
        .error(crate::error::ApiCallError::new(500, "http://x", "boom"));
    let mock = MockLanguageModel::new().with_stream(stream);
    let items = stream_items(&wrapped(&mock, extract_reasoning("think"))).await;
    assert!(matches!(items[0], Ok(StreamPart::ToolCall(_))));
    assert!(matches!(items.last(), Some(Err(crate::Error::ApiCall(_)))));
    let parts: Vec<StreamPart> = items.into_iter().filter_map(Result::ok).collect();
    assert_eq!(texts(&parts), ("ok".to_owned(), "r".to_owned()));
}
