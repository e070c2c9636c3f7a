//! The state machine on events alone (the frames and the transport are tested in
//! `bedrock_event_stream` and the provider tests).

use bytes::Bytes;
use specai_generated::mappings::BEDROCK;

use super::*;
use crate::provider::FinishReason;
use crate::provider_utils::MappingErrorParser;

fn state(json_tool: bool) -> StreamState {
    StreamState::new(
        json_tool,
        false,
        StreamErrorContext {
            url: "u".into(),
            errors: MappingErrorParser::new(BEDROCK.errors, None),
        },
    )
}

fn run(state: &mut StreamState, events: &[(&str, &str)]) -> VecDeque<StreamPart> {
    let mut parts = VecDeque::new();
    for (event_type, payload) in events {
        state
            .process(
                Event::Event {
                    event_type: (*event_type).to_owned().into(),
                    payload: Bytes::from(payload.to_string()),
                },
                &mut parts,
            )
            .unwrap();
    }
    parts
}

#[test]
fn forced_json_tool_streams_as_text_and_finishes_with_stop() {
    let mut state = state(true);
    let mut parts = run(
        &mut state,
        &[
            ("messageStart", r#"{"role":"assistant"}"#),
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"text":"Here is the JSON:"}}"#,
            ),
            (
                "contentBlockStart",
                r#"{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t1","name":"json"}}}"#,
            ),
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"a\":1}"}}}"#,
            ),
            ("contentBlockStop", r#"{"contentBlockIndex":1}"#),
            ("messageStop", r#"{"stopReason":"tool_use"}"#),
        ],
    );
    state.finish(&mut parts);
    let parts: Vec<_> = parts.into_iter().collect();
    assert_eq!(
        parts[0],
        StreamPart::TextStart {
            id: "1".into(),
            provider_metadata: None
        }
    );
    assert_eq!(
        parts[1],
        StreamPart::TextDelta {
            id: "1".into(),
            delta: "{\"a\":1}".into()
        }
    );
    assert_eq!(
        parts[2],
        StreamPart::TextEnd {
            id: "1".into(),
            provider_metadata: None
        }
    );
    assert!(matches!(
        &parts[3],
        StreamPart::Finish {
            finish_reason: FinishReason::Stop,
            ..
        }
    ));
}

#[test]
fn unknown_events_and_union_members_are_skipped_and_open_blocks_close_at_the_finish() {
    let mut state = state(false);
    let mut parts = run(
        &mut state,
        &[
            ("brandNewEvent", r#"{"x":1}"#),
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"citation":{"title":"t"}}}"#,
            ),
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"text":"Hi"}}"#,
            ),
            ("messageStop", r#"{"stopReason":"brand_new_reason"}"#),
        ],
    );
    state.finish(&mut parts);
    let parts: Vec<_> = parts.into_iter().collect();
    assert_eq!(parts.len(), 4, "{parts:?}");
    assert_eq!(
        parts[2],
        StreamPart::TextEnd {
            id: "0".into(),
            provider_metadata: None
        }
    );
    assert!(
        matches!(&parts[3], StreamPart::Finish { finish_reason: FinishReason::Other, raw_finish_reason: Some(raw), .. } if raw == "brand_new_reason")
    );
}

#[test]
fn without_message_stop_the_finish_is_other_after_an_error_part_and_bad_payloads_keep_their_text() {
    let mut state = state(false);
    let mut parts = run(
        &mut state,
        &[
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"text":"Hi"}}"#,
            ),
            (
                "metadata",
                r#"{"usage":{"inputTokens":3,"outputTokens":1,"totalTokens":4},"metrics":{"latencyMs":5}}"#,
            ),
        ],
    );
    let read = parts.len();
    state.finish(&mut parts);
    let ended: Vec<&StreamPart> = parts.iter().skip(read).collect();
    assert!(
        matches!(ended[0], StreamPart::Error { error } if error.to_string().contains("ended before its final event")),
        "{ended:?}"
    );
    assert_eq!(
        *ended[1],
        StreamPart::TextEnd {
            id: "0".into(),
            provider_metadata: None
        },
        "the open block is closed"
    );
    assert!(
        matches!(ended[2], StreamPart::Finish { finish_reason: FinishReason::Other, raw_finish_reason: None, usage, .. } if usage.input_tokens.total == Some(3)),
        "{ended:?}"
    );
    let error = state
        .process(
            Event::Event {
                event_type: "messageStop".into(),
                payload: Bytes::from_static(b"{\"stopReason\":"),
            },
            &mut parts,
        )
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidResponse { raw: Some(raw), .. } if raw == "{\"stopReason\":")
    );
}

#[test]
fn redacted_reasoning_ends_with_its_data() {
    let mut state = state(false);
    let parts = run(
        &mut state,
        &[
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"reasoningContent":{"redactedContent":"b3BhcXVl"}}}"#,
            ),
            ("contentBlockStop", r#"{"contentBlockIndex":0}"#),
        ],
    );
    assert_eq!(
        parts[0],
        StreamPart::ReasoningStart {
            id: "0".into(),
            provider_metadata: None
        }
    );
    assert_eq!(
        parts[1],
        StreamPart::ReasoningEnd {
            id: "0".into(),
            provider_metadata: Some(bedrock_metadata(json!({"redactedData": "b3BhcXVl"})))
        }
    );
}

/// The lean delta reads every member the owned union had and skips a member it does not know
/// (and Bedrock's `p` padding). A payload without its index or delta, or with a known member of
/// the wrong shape, is an event that cannot be read (an error part; the stream goes on).
#[test]
fn lean_deltas_read_every_member_and_reject_what_the_owned_types_did() {
    let mut state = state(false);
    let mut parts = run(
        &mut state,
        &[
            ("contentBlockDelta", r#"{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Think \"twice\""}},"p":"abc"}"#),
            ("contentBlockDelta", r#"{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"c2ln"}}}"#),
            ("contentBlockStop", r#"{"contentBlockIndex":0}"#),
            ("contentBlockDelta", r#"{"contentBlockIndex":1,"delta":{"reasoningContent":{"redactedContent":"cmVk"}}}"#),
            ("contentBlockDelta", r#"{"contentBlockIndex":1,"delta":{"reasoningContent":{"futureMember":1}}}"#),
            ("contentBlockStop", r#"{"contentBlockIndex":1}"#),
            ("contentBlockDelta", r#"{"contentBlockIndex":2,"delta":{"image":{"format":"png"}}}"#),
            ("contentBlockDelta", r#"{"contentBlockIndex":2,"delta":{"text":"Hi"}}"#),
        ],
    );
    let parts: Vec<_> = parts.drain(..).collect();
    let end = |id: &str, metadata| StreamPart::ReasoningEnd { id: id.into(), provider_metadata: Some(bedrock_metadata(metadata)) };
    assert_eq!(parts.len(), 7, "{parts:?}");
    assert_eq!(parts[1], StreamPart::ReasoningDelta { id: "0".into(), delta: "Think \"twice\"".into(), provider_metadata: None });
    assert_eq!(parts[2], end("0", serde_json::json!({"signature": "c2ln"})));
    assert_eq!(parts[4], end("1", serde_json::json!({"redactedData": "cmVk"})));
    assert_eq!(parts[6], StreamPart::TextDelta { id: "2".into(), delta: "Hi".into() });

    for payload in [
        r#"{"delta":{"text":"no index"}}"#,
        r#"{"contentBlockIndex":0}"#,
        r#"{"contentBlockIndex":4294967296,"delta":{"text":"too far"}}"#,
        r#"{"contentBlockIndex":0,"delta":{"toolUse":{}}}"#,
        r#"{"contentBlockIndex":0,"delta":{"text":7}}"#,
        r#"{"contentBlockIndex":0,"delta":"#,
    ] {
        let mut parts = VecDeque::new();
        let event = Event::Event { event_type: "contentBlockDelta".into(), payload: Bytes::from(payload) };
        let error = state.process(event, &mut parts).unwrap_err();
        assert!(matches!(error, Error::InvalidResponse { raw: Some(ref raw), .. } if raw == payload), "{payload}: {error:?}");
        assert!(parts.is_empty(), "{payload}: {parts:?}");
    }
}

/// A text delta frame allocates 11 times: once here, for its text (the block id is the one its
/// start made, the event type shares the frame's bytes, and the lean delta borrows from the
/// payload), and 10 times in the AWS frame decoder, which copies each header name, header value
/// and the payload into buffers of their own as it checks the frame's CRC over them.
#[test]
fn a_text_delta_frame_allocates_its_text_and_the_decoder_s_copies() {
    use super::super::bedrock_event_stream::tests::event_frame;
    let parts_of = |body: Bytes| {
        let errors = StreamErrorContext { url: "u".into(), errors: MappingErrorParser::new(BEDROCK.errors, None) };
        BedrockStream::new(futures::stream::iter([Ok::<_, reqwest::Error>(body)]), Vec::new(), false, false, errors)
    };
    let opening = [
        event_frame("messageStart", r#"{"role":"assistant"}"#),
        event_frame("contentBlockDelta", r#"{"contentBlockIndex":0,"delta":{"text":"Hi"}}"#),
    ]
    .concat();
    let delta = event_frame("contentBlockDelta", r#"{"contentBlockIndex":0,"delta":{"text":"abcd"},"p":"abcdefgh"}"#);
    // The opening gives the stream start, the text's start and its first delta.
    let allocations = crate::provider_utils::allocation_count::allocations_of_hundred_deltas_read_by(parts_of, &opening, 3, &delta);
    assert_eq!(allocations, 1100);
}

