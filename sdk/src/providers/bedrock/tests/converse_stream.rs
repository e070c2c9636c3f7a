//! ConverseStream: event-stream frames into parts, exception frames, corrupt and cut streams.

use serde_json::json;

use super::*;

async fn stream_parts(
    server: &TestServer,
    options: &CallOptions,
) -> Vec<crate::Result<StreamPart>> {
    let model = signed_provider(server).language_model("anthropic.claude-3-7-sonnet-20250219-v1:0");
    model
        .do_stream(options)
        .await
        .unwrap()
        .stream
        .collect()
        .await
}

#[tokio::test]
async fn converse_stream_decodes_event_frames_into_parts() {
    let server = TestServer::start([event_stream_response(event_stream_fixture(
        "converse_stream_reasoning_text_tool.events.jsonl",
    ))])
    .await;
    let mut options = CallOptions::new(vec![Message::user("Weather in Paris?")]);
    options.tools = vec![weather_tool()];
    let parts: Vec<StreamPart> = stream_parts(&server, &options)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let request = server.single_request();
    assert_signed(
        &request,
        "/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream",
    );
    assert_eq!(
        request.header("accept"),
        Some("application/vnd.amazon.eventstream")
    );

    let reasoning: String = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::ReasoningDelta { delta, .. } => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(reasoning, "Paris weather needs the tool.");
    assert!(parts.contains(&StreamPart::ReasoningEnd {
        id: "0".into(),
        provider_metadata: Some(bedrock_language_model::bedrock_metadata(
            json!({"signature": "EqQBCkYIAxgCIkBExampleSig=="})
        ))
    }));
    let text: String = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::TextDelta { delta, .. } => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Checking now.");
    assert!(parts.iter().any(|part| matches!(part, StreamPart::ToolCall(call) if call.tool_call_id == "tooluse_stream_1" && call.input == r#"{"city":"Paris"}"#)));
    match parts.last().unwrap() {
        StreamPart::Finish {
            usage,
            finish_reason,
            provider_metadata,
            ..
        } => {
            assert_eq!(*finish_reason, FinishReason::ToolCalls);
            assert_eq!(
                (
                    usage.input_tokens.total,
                    usage.input_tokens.cache_read,
                    usage.output_tokens.total
                ),
                (Some(1030), Some(1000), Some(42))
            );
            let trace = &provider_metadata.as_ref().unwrap().get("bedrock").unwrap()["trace"];
            assert_eq!(
                trace["guardrail"]["outputAssessments"]["abc123xyz"][0]["contentPolicy"]["filters"]
                    [0]["type"],
                "HATE"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_exception_frame_mid_stream_is_an_api_error_after_the_partial_output() {
    let mut bytes = event_frame("messageStart", r#"{"role":"assistant"}"#);
    bytes.extend(event_frame(
        "contentBlockDelta",
        r#"{"contentBlockIndex":0,"delta":{"text":"Hel"}}"#,
    ));
    bytes.extend(exception_frame(
        "modelStreamErrorException",
        r#"{"message":"The model failed mid-stream","originalStatusCode":500}"#,
    ));
    let server = TestServer::start([event_stream_response(bytes)]).await;
    let parts = stream_parts(&server, &CallOptions::new(vec![Message::user("hi")])).await;
    assert!(
        parts
            .iter()
            .any(|part| matches!(part, Ok(StreamPart::TextDelta { delta, .. }) if delta == "Hel"))
    );
    let error = parts.last().unwrap().as_ref().unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!(
        (api.error_type.as_deref(), api.message.as_str()),
        (
            Some("ModelStreamErrorException"),
            "The model failed mid-stream"
        )
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_corrupt_frame_and_a_cut_stream_are_typed_errors_with_the_partial_output_kept() {
    let good = [
        event_frame("messageStart", r#"{"role":"assistant"}"#),
        event_frame(
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"text":"Partial"}}"#,
        ),
    ]
    .concat();
    let mut corrupt = event_frame(
        "contentBlockDelta",
        r#"{"contentBlockIndex":0,"delta":{"text":" more"}}"#,
    );
    let at = corrupt.len() - 8;
    corrupt[at] ^= 0x55;
    let whole = event_frame("messageStop", r#"{"stopReason":"end_turn"}"#);
    let server = TestServer::start([
        event_stream_response([good.clone(), corrupt].concat()),
        event_stream_response([good.clone(), whole[..whole.len() / 2].to_vec()].concat())
            .cut_connection(),
    ])
    .await;
    for _ in 0..2 {
        let parts = stream_parts(&server, &CallOptions::new(vec![Message::user("hi")])).await;
        assert!(
            parts.iter().any(
                |part| matches!(part, Ok(StreamPart::TextDelta { delta, .. }) if delta == "Partial")
            ),
            "{parts:?}"
        );
        assert!(
            matches!(
                parts.last().unwrap(),
                Err(Error::InvalidResponse { .. } | Error::Connection { .. })
            ),
            "{:?}",
            parts.last()
        );
    }
}

/// The text deltas of `parts` joined, and the error parts.
fn text_and_error_parts(parts: &[crate::Result<StreamPart>]) -> (String, Vec<&Error>) {
    let text = parts
        .iter()
        .filter_map(|part| match part {
            Ok(StreamPart::TextDelta { delta, .. }) => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    let errors = parts
        .iter()
        .filter_map(|part| match part {
            Ok(StreamPart::Error { error }) => Some(error),
            _ => None,
        })
        .collect();
    (text, errors)
}

fn finish_reason_of(parts: &[crate::Result<StreamPart>]) -> Option<FinishReason> {
    parts.iter().find_map(|part| match part {
        Ok(StreamPart::Finish { finish_reason, .. }) => Some(*finish_reason),
        _ => None,
    })
}

#[tokio::test]
async fn an_unreadable_payload_is_an_error_part_and_the_stream_goes_on() {
    let bytes = [
        event_frame("messageStart", r#"{"role":"assistant"}"#),
        event_frame("contentBlockDelta", r#"{"contentBlockIndex":0,"delta":{"text":"Hé"}}"#),
        event_frame("contentBlockDelta", r#"{"contentBlockIndex":0,"delta":{"te"#),
        event_frame("contentBlockDelta", r#"{"contentBlockIndex":0,"delta":{"text":"llo 🎉"}}"#),
        event_frame("contentBlockStop", r#"{"contentBlockIndex":0}"#),
        event_frame("messageStop", r#"{"stopReason":"end_turn"}"#),
    ]
    .concat();
    let server = TestServer::start([event_stream_response(bytes)]).await;
    let parts = stream_parts(&server, &CallOptions::new(vec![Message::user("hi")])).await;
    assert!(parts.iter().all(Result::is_ok), "{parts:?}");
    let (text, errors) = text_and_error_parts(&parts);
    assert_eq!(text, "Héllo 🎉", "the text after the bad event is kept");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        matches!(errors[0], Error::InvalidResponse { raw: Some(raw), .. } if raw == r#"{"contentBlockIndex":0,"delta":{"te"#),
        "the raw payload is kept: {:?}",
        errors[0]
    );
    assert_eq!(finish_reason_of(&parts), Some(FinishReason::Stop));
}

#[tokio::test]
async fn a_stream_ending_before_message_stop_keeps_the_text_and_says_so() {
    let bytes = [
        event_frame("messageStart", r#"{"role":"assistant"}"#),
        event_frame("contentBlockDelta", r#"{"contentBlockIndex":0,"delta":{"text":"Héllo 🎉"}}"#),
    ]
    .concat();
    let server = TestServer::start([event_stream_response(bytes)]).await;
    let parts = stream_parts(&server, &CallOptions::new(vec![Message::user("hi")])).await;
    assert!(parts.iter().all(Result::is_ok), "the one rule: no `Err`, an error part: {parts:?}");
    let (text, errors) = text_and_error_parts(&parts);
    assert_eq!(text, "Héllo 🎉");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].to_string().contains("ended before its final event"), "{}", errors[0]);
    assert_eq!(finish_reason_of(&parts), Some(FinishReason::Other));
}
