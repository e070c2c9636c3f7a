use super::*;
use crate::middleware::test_support::{generated_content, stream_parts, wrapped};
use crate::test_util::{MockLanguageModel, MockStream, text_response};

async fn generated(middleware: ExtractJson, text: &str) -> String {
    let mock = MockLanguageModel::new().with_response(text_response(text));
    generated_content(&*wrapped(&mock, middleware)).await[0].as_text().unwrap().to_owned()
}

/// The parts of a stream of `deltas` through the middleware.
async fn streamed(middleware: ExtractJson, deltas: Vec<String>) -> Vec<StreamPart> {
    let mock = MockLanguageModel::new().with_stream(MockStream::text(deltas));
    stream_parts(&*wrapped(&mock, middleware)).await
}

fn text_of(parts: &[StreamPart]) -> String {
    parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::TextDelta { delta, .. } => Some(delta.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn fences_are_stripped_in_their_usual_forms() {
    for (text, expected) in [
        ("```json\n{\"a\": 1}\n```", r#"{"a": 1}"#),
        ("```\n[1, 2]\n```\n", "[1, 2]"),
        ("  \n```JSON\n{}\n```  ", "{}"),
        ("```json{\"inline\":true}```", r#"{"inline":true}"#),
        ("{\"plain\": \"```\"}", r#"{"plain": "```"}"#),
        ("{\"a\":1}\n```", r#"{"a":1}"#),
        ("```true```", "true"),
        ("", ""),
    ] {
        assert_eq!(strip_code_fences(text), expected, "{text:?}");
    }
}

#[test]
fn the_json_value_is_cut_out_of_prose() {
    assert_eq!(
        json_value_text(r#"Sure! Here: {"a": "}{", "b": [1, {"c": "\"]"}]} Hope it helps {"#),
        r#"{"a": "}{", "b": [1, {"c": "\"]"}]}"#
    );
    assert_eq!(json_value_text("The list: [1, [2]] done"), "[1, [2]]");
    assert_eq!(json_value_text("no json"), "no json");
    assert_eq!(
        json_value_text("cut {\"a\": 1"),
        "cut {\"a\": 1",
        "unclosed: unchanged"
    );
}

#[tokio::test]
async fn generate_applies_the_default_or_chosen_transform() {
    assert_eq!(
        generated(extract_json(), "```json\n{\"a\": 1}\n```").await,
        r#"{"a": 1}"#
    );
    let prose = "Here is the JSON:\n```json\n{\"a\": [1]}\n```\nAnything else?";
    assert_eq!(
        generated(extract_json().strip_surrounding_text(), prose).await,
        r#"{"a": [1]}"#
    );
    assert_eq!(
        generated(
            extract_json().with_transform(|text| text.to_uppercase()),
            "ab"
        )
        .await,
        "AB"
    );
}

#[tokio::test]
async fn a_fenced_stream_split_at_every_position_gives_the_generate_text() {
    let text = "```json\n{\"name\": \"Zoë 日本\", \"items\": [1, 2, 3], \"note\": \"long enough to stream early\"}\n```\n";
    let expected = generated(extract_json(), text).await;
    for cut in (1..text.len()).filter(|&index| text.is_char_boundary(index)) {
        let parts = streamed(
            extract_json(),
            vec![text[..cut].to_owned(), text[cut..].to_owned()],
        )
        .await;
        assert_eq!(text_of(&parts), expected, "cut at byte {cut}");
        assert!(
            matches!(parts[1], StreamPart::TextStart { .. }),
            "cut at byte {cut}: {:?}",
            parts[1]
        );
    }
    let one_by_one: Vec<String> = text.chars().map(String::from).collect();
    let parts = streamed(extract_json(), one_by_one).await;
    assert_eq!(text_of(&parts), expected);
    let deltas_before_the_end = parts
        .iter()
        .take_while(|part| !matches!(part, StreamPart::TextEnd { .. }))
        .filter(|part| matches!(part, StreamPart::TextDelta { .. }))
        .count();
    assert!(
        deltas_before_the_end > 10,
        "streams as it goes, not at the end: {deltas_before_the_end}"
    );
}

#[tokio::test]
async fn unfenced_streams_keep_their_text_and_custom_transforms_buffer_the_block() {
    let parts = streamed(extract_json(), vec!["  {\"a\":".into(), " 1}".into()]).await;
    assert_eq!(text_of(&parts), r#"{"a": 1}"#);
    let parts = streamed(extract_json(), vec!["`".into(), "`x".into()]).await;
    assert_eq!(text_of(&parts), "``x");
    let prose = vec!["Sure: {\"a\": ".to_owned(), "[1]} bye".to_owned()];
    let parts = streamed(extract_json().strip_surrounding_text(), prose).await;
    assert_eq!(text_of(&parts), r#"{"a": [1]}"#);
    let deltas = parts
        .iter()
        .filter(|part| matches!(part, StreamPart::TextDelta { .. }))
        .count();
    assert_eq!(deltas, 1, "one delta at the block's end");
    let empty = streamed(extract_json(), Vec::new()).await;
    assert!(
        matches!(empty[1], StreamPart::TextStart { .. })
            && matches!(empty[2], StreamPart::TextEnd { .. })
    );
}
