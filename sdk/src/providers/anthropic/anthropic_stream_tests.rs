//! The stream state machine on events alone: blocks, usage, errors.

use super::*;
use crate::provider::FinishReason;

/// Error events read with the Anthropic mapping's rules, under a 200 response.
fn errors() -> StreamErrorContext {
    let errors = crate::provider_utils::MappingErrorParser::new(specai_generated::mappings::ANTHROPIC.errors, None);
    StreamErrorContext { status: 200, url: "u".into(), errors }
}

fn run(lines: &[&str], uses_json_response_tool: bool) -> (Vec<StreamPart>, Option<Error>) {
    let mut state = StreamState::new(uses_json_response_tool, Vec::new(), errors());
    let mut parts = VecDeque::new();
    for line in lines {
        let event: StreamEvent = serde_json::from_str(line).unwrap();
        if let Err(error) = state.process(event, line.as_bytes(), &mut parts) {
            return (parts.into(), Some(error));
        }
    }
    (parts.into(), None)
}

const START: &str = r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}"#;

/// A repeated `message_start` is ignored; another message's start (two answers spliced into
/// one stream by a proxy) ends the stream instead of merging their blocks.
#[test]
fn a_second_message_in_one_stream_is_an_error() {
    let text = [
        r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#,
    ];
    let (parts, error) = run(&[START, text[0], START, text[1]], false);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(parts.iter().filter(|part| matches!(part, StreamPart::ResponseMetadata(_))).count(), 1, "{parts:?}");
    let other = START.replace("msg_1", "msg_2");
    let (_, error) = run(&[START, text[0], &other, text[1]], false);
    assert!(matches!(&error, Some(Error::InvalidResponse { message, .. }) if message.contains("msg_2")), "{error:?}");
}

/// A block index far out of line is one block. The blocks were a vector indexed by it, so
/// a server's index of 2^32 - 1 sized the vector to four billion entries.
#[test]
fn a_block_index_far_out_of_line_is_one_block() {
    let (parts, error) = run(
        &[
            START,
            r#"{"type":"content_block_start","index":4294967295,"content_block":{"type":"text","text":""}}"#,
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            r#"{"type":"content_block_delta","index":4294967295,"delta":{"type":"text_delta","text":"Hi"}}"#,
            r#"{"type":"content_block_stop","index":4294967295}"#,
        ],
        false,
    );
    assert!(error.is_none());
    let (far, near) = (BlockId::from("4294967295"), BlockId::from("0"));
    assert_eq!(parts[1], StreamPart::TextStart { id: far.clone(), provider_metadata: None });
    assert_eq!(parts[2], StreamPart::TextStart { id: near, provider_metadata: None });
    assert_eq!(parts[3], StreamPart::TextDelta { id: far.clone(), delta: "Hi".into() });
    assert_eq!(parts[4], StreamPart::TextEnd { id: far, provider_metadata: None });
    assert_eq!(parts.len(), 5);
}

#[test]
fn text_blocks_by_index() {
    let (parts, error) = run(
        &[
            START,
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            r#"{"type":"ping"}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#,
            r#"{"type":"content_block_stop","index":0}"#,
            r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":5}}"#,
            r#"{"type":"message_stop"}"#,
        ],
        false,
    );
    assert!(error.is_none());
    let id = BlockId::from("0");
    assert_eq!(parts[0], StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(Some("msg_1".into()), Some("claude-x".into()), None))));
    assert_eq!(parts[1], StreamPart::TextStart { id: id.clone(), provider_metadata: None });
    assert_eq!(parts[2], StreamPart::TextDelta { id: id.clone(), delta: "Hi".into() });
    assert_eq!(parts[3], StreamPart::TextEnd { id, provider_metadata: None });
    match &parts[4] {
        StreamPart::Finish { usage, finish_reason, raw_finish_reason, .. } => {
            assert_eq!(*finish_reason, FinishReason::Stop);
            assert_eq!(raw_finish_reason.as_deref(), Some("end_turn"));
            assert_eq!(usage.input_tokens.total, Some(10));
            assert_eq!(usage.output_tokens.total, Some(5));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn tool_input_deltas_end_in_a_tool_call_with_the_same_id() {
    let (parts, _) = run(
        &[
            START,
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"1}"}}"#,
            r#"{"type":"content_block_stop","index":0}"#,
        ],
        false,
    );
    let id = BlockId::from("toolu_1");
    assert_eq!(parts[1], StreamPart::ToolInputStart { id: id.clone(), tool_name: "f".into(), provider_executed: false, provider_metadata: None });
    assert_eq!(parts[2], StreamPart::ToolInputDelta { id: id.clone(), delta: "{\"a\":".into() });
    assert_eq!(parts[3], StreamPart::ToolInputDelta { id: id.clone(), delta: "1}".into() });
    assert_eq!(parts[4], StreamPart::ToolInputEnd { id, provider_metadata: None });
    assert!(matches!(&parts[5], StreamPart::ToolCall(call) if call.tool_call_id == "toolu_1" && call.input == "{\"a\":1}"));
}

#[test]
fn tool_without_input_deltas_has_empty_object_input() {
    let (parts, _) = run(
        &[
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"now","input":{}}}"#,
            r#"{"type":"content_block_stop","index":0}"#,
        ],
        false,
    );
    assert!(matches!(parts.last(), Some(StreamPart::ToolCall(call)) if call.input == "{}"));
}

#[test]
fn signature_arrives_on_reasoning_end() {
    let (parts, _) = run(
        &[
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig"}}"#,
            r#"{"type":"content_block_stop","index":0}"#,
        ],
        false,
    );
    assert_eq!(
        parts.last(),
        Some(&StreamPart::ReasoningEnd { id: "0".into(), provider_metadata: Some(anthropic_metadata(serde_json::json!({"signature": "sig"}))) })
    );
}

#[test]
fn forced_json_tool_streams_as_text() {
    let (parts, _) = run(
        &[
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"json","input":{}}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\":1}"}}"#,
            r#"{"type":"content_block_stop","index":0}"#,
            r#"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":5}}"#,
            r#"{"type":"message_stop"}"#,
        ],
        true,
    );
    assert_eq!(parts[0], StreamPart::TextStart { id: "0".into(), provider_metadata: None });
    assert_eq!(parts[1], StreamPart::TextDelta { id: "0".into(), delta: "{\"a\":1}".into() });
    assert_eq!(parts[2], StreamPart::TextEnd { id: "0".into(), provider_metadata: None });
    assert!(matches!(parts[3], StreamPart::Finish { finish_reason: FinishReason::Stop, .. }));
}

#[test]
fn error_event_is_an_api_error() {
    let (_, error) = run(&[START, r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#], false);
    let error = error.unwrap();
    assert!(error.is_retryable());
    assert_eq!(error.as_api_call().unwrap().message, "Overloaded");
}

#[test]
fn unknown_events_and_deltas_are_skipped() {
    let (parts, error) = run(
        &[
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"type":"web_search_result_location","cited_text":"x","url":"https://a.example","title":"A","encrypted_index":"e"}}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"brand_new_delta"}}"#,
            r#"{"type":"brand_new_event","x":1}"#,
        ],
        false,
    );
    assert!(error.is_none());
    assert_eq!(parts.len(), 1);
}

#[test]
fn document_citations_become_document_sources() {
    let mut state = StreamState::new(
        false,
        vec![CitedDocument { media_type: "application/pdf".into(), title: "report.pdf".into(), filename: Some("report.pdf".into()) }],
        errors(),
    );
    let mut parts = VecDeque::new();
    for line in [
        r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"type":"page_location","cited_text":"Revenue grew 12%.","document_index":0,"document_title":null,"start_page_number":2,"end_page_number":3}}}"#,
    ] {
        state.process(serde_json::from_str(line).unwrap(), line.as_bytes(), &mut parts).unwrap();
    }
    assert_eq!(
        parts[1],
        StreamPart::Source(Box::new(crate::provider::Source::Document {
            id: "citation:0".into(),
            media_type: "application/pdf".into(),
            title: "report.pdf".into(),
            filename: Some("report.pdf".into()),
            provider_metadata: Some(anthropic_metadata(
                serde_json::json!({"cited_text": "Revenue grew 12%.", "start_page_number": 2, "end_page_number": 3})
            )),
        }))
    );
}

/// A text delta event allocates its text and nothing else (the event decodes in place and
/// the block id is shared). Counted per thread; an allocation added per event fails here,
/// where no benchmark runs (CI).
#[test]
fn a_text_delta_event_allocates_only_its_text() {
    let block = r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#;
    let delta = r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"abcd"}}"#;
    let opening = format!("event: message_start\ndata: {START}\n\nevent: content_block_start\ndata: {block}\n\n");
    let repeated = format!("event: content_block_delta\ndata: {delta}\n\n");
    let mapper = || AnthropicEventMapper::new(false, Vec::new(), false, errors());
    assert_eq!(crate::provider_utils::allocation_count::allocations_of_hundred_text_deltas(mapper, &opening, 2, &repeated), 100);
}
