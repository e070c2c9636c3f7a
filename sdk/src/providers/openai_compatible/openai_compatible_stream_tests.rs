use std::borrow::Cow;

use specai_generated::mappings::{GROQ, OPENAI, OPENAI_COMPATIBLE, ProviderMapping};

use super::*;
use crate::provider::FinishReason;
use crate::provider_utils::allocation_count::allocations_of_hundred_text_deltas;

fn setup(mapping: &ProviderMapping) -> StreamSetup {
    StreamSetup {
        provider_name: mapping.id.into(),
        url: "http://x".into(),
        include_raw_chunks: false,
        usage_path: mapping.stream.usage_path.segments,
        usage: mapping.usage,
        reasoning: mapping.reasoning,
        metadata_paths: mapping.response_metadata,
        sources: mapping.sources,
        errors: MappingErrorParser::new(mapping.errors, None),
        chunk_hook: None,
        metadata_hook: None,
    }
}

fn run(mapping: &ProviderMapping, events: &[&str]) -> Result<Vec<StreamPart>> {
    let mut state = ChatStreamState::new(setup(mapping));
    let mut out = VecDeque::new();
    for event in events {
        state.map_data(event.as_bytes(), &mut out)?;
    }
    state.on_end(&mut out)?;
    Ok(out.into_iter().collect())
}

fn kinds(parts: &[StreamPart]) -> Vec<String> {
    parts.iter().map(|part| format!("{part:?}").split([' ', '(', '{']).next().unwrap().to_owned()).collect()
}

#[test]
fn reasoning_text_tool_call_and_vendor_usage_location() {
    let parts = run(
        &GROQ,
        &[
            r#"{"id":"c1","model":"m","created":1,"choices":[{"index":0,"delta":{"role":"assistant","reasoning":"hm"}}]}"#,
            r#"{"id":"c1","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#,
            r#"{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":"{\"a\""}}]}}]}"#,
            r#"{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}],"x_groq":{"id":"req_1","usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}}"#,
        ],
    )
    .unwrap();
    assert_eq!(
        kinds(&parts),
        [
            "ResponseMetadata", "ReasoningStart", "ReasoningDelta", "ReasoningEnd", "TextStart", "TextDelta", "ToolInputStart",
            "ToolInputDelta", "ToolInputDelta", "TextEnd", "ToolInputEnd", "ToolCall", "Finish"
        ]
    );
    match &parts[11] {
        StreamPart::ToolCall(call) => assert_eq!((call.tool_call_id.as_str(), call.input.as_str()), ("call_a", "{\"a\":1}")),
        other => panic!("{other:?}"),
    }
    match parts.last().unwrap() {
        StreamPart::Finish { usage, finish_reason, provider_metadata, .. } => {
            assert_eq!(*finish_reason, FinishReason::ToolCalls);
            assert_eq!((usage.input_tokens.total, usage.output_tokens.total), (Some(3), Some(2)));
            assert_eq!(provider_metadata.as_ref().unwrap().get("groq").unwrap()["request_id"], "req_1");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn openai_reads_no_reasoning_fields_and_counts_typed_usage() {
    let parts = run(
        &OPENAI,
        &[
            r#"{"id":"c1","model":"m","created":1,"choices":[{"index":0,"delta":{"content":"Hi","reasoning_content":"not read"}}]}"#,
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
            r#"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5,"completion_tokens_details":{"accepted_prediction_tokens":1}}}"#,
        ],
    )
    .unwrap();
    assert_eq!(kinds(&parts), ["ResponseMetadata", "TextStart", "TextDelta", "TextEnd", "Finish"]);
    match parts.last().unwrap() {
        StreamPart::Finish { usage, provider_metadata, .. } => {
            assert_eq!(usage.output_tokens.total, Some(2));
            assert_eq!(usage.raw.as_ref().unwrap().json().unwrap()["total_tokens"], 5);
            assert_eq!(provider_metadata.as_ref().unwrap().get("openai").unwrap()["accepted_prediction_tokens"], 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn chunks_borrow_from_the_event_data() {
    let data = r#"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"fp","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"#;
    let chunk: lean::CreateChatCompletionStreamResponse<'_> = serde_json::from_str(data).unwrap();
    assert!(matches!(chunk.id.as_ref().map(|id| &id.0), Some(Cow::Borrowed("c1"))));
    let delta = chunk.choices.into_iter().next().unwrap().delta.unwrap();
    assert!(matches!(delta.content.map(|content| content.0), Some(Cow::Borrowed("Hi"))));
    let escaped: lean::CreateChatCompletionStreamResponse<'_> = serde_json::from_str(r#"{"choices":[{"delta":{"content":"a\nb"}}]}"#).unwrap();
    let content = escaped.choices.into_iter().next().unwrap().delta.unwrap().content.unwrap();
    assert_eq!(&*content, "a\nb");
}

#[test]
fn error_events_end_the_stream_retryable_when_the_server_failed() {
    let error = run(&OPENAI, &[r#"{"error":{"message":"boom","type":"server_error","param":null,"code":null}}"#]).unwrap_err();
    assert_eq!(error.as_api_call().unwrap().message, "boom");
    assert!(error.is_retryable());
    let error = run(&OPENAI, &[r#"{"error":{"message":"bad","type":"invalid_request_error"}}"#]).unwrap_err();
    assert!(!error.is_retryable());
    // A compatible server's error as a plain string, or with a numeric code.
    let error = run(&OPENAI_COMPATIBLE, &[r#"{"error":"model not loaded"}"#]).unwrap_err();
    assert_eq!(error.as_api_call().unwrap().message, "model not loaded");
    let error = run(&OPENAI, &[r#"{"error":{"message":"busy","code":503}}"#]).unwrap_err();
    let api_call = error.as_api_call().unwrap();
    assert_eq!((api_call.message.as_str(), api_call.code.as_deref()), ("busy", Some("503")));
}

#[test]
fn garbage_keeps_the_raw_text() {
    for data in [r#"{"choices": 3}"#, "{not json"] {
        match run(&OPENAI_COMPATIBLE, &[data]).unwrap_err() {
            Error::InvalidResponse { raw: Some(raw), .. } => assert_eq!(raw, data),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn tool_call_name_after_arguments_starts_the_block_with_the_arguments_so_far() {
    let parts = run(
        &OPENAI,
        &[
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"arguments":"{\"a\":"}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":"1}"}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
        ],
    )
    .unwrap();
    let deltas: Vec<&str> = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::ToolInputDelta { delta, .. } => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(deltas, ["{\"a\":1}"]);
    assert!(matches!(parts.last(), Some(StreamPart::Finish { finish_reason: FinishReason::ToolCalls, .. })));
}

/// Servers without `index` (some local servers): each new id is a new call.
#[test]
fn fragments_without_index_split_by_id() {
    let parts = run(
        &OPENAI_COMPATIBLE,
        &[
            r#"{"choices":[{"delta":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{}"}}]}}]}"#,
            r#"{"choices":[{"delta":{"tool_calls":[{"id":"b","function":{"name":"g","arguments":"{\"x\":1}"}}]}}]}"#,
        ],
    )
    .unwrap();
    let expected = [("a", "f", "{}"), ("b", "g", "{\"x\":1}")].map(|(id, name, input)| (id.to_owned(), name.to_owned(), input.to_owned()));
    assert_eq!(calls(&parts), expected);
}

#[test]
fn a_tool_call_without_a_name_is_an_error() {
    let missing_name = run(&OPENAI, &[r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c","function":{"arguments":"{}"}}]}}]}"#]);
    assert!(matches!(missing_name, Err(Error::InvalidResponse { .. })));
}

/// The tool calls of a stream, as (id, name, input).
fn calls(parts: &[StreamPart]) -> Vec<(String, String, String)> {
    parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::ToolCall(call) => Some((call.tool_call_id.clone(), call.tool_name.clone(), call.input.clone())),
            _ => None,
        })
        .collect()
}

/// Anthropic's OpenAI-compatible stream (and LiteLLM in front of Claude) numbers a call after a
/// text block from 1: the call is kept, not refused as a gap.
#[test]
fn a_first_tool_call_at_index_one_is_a_call() {
    let parts = run(
        &OPENAI_COMPATIBLE,
        &[
            r#"{"choices":[{"delta":{"content":"Let me look."}}]}"#,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":1,"id":"toolu_1","type":"function","function":{"name":"weather","arguments":""}}]}}]}"#,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"city\":"}}]}}]}"#,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\"Paris\"}"}}]}}]}"#,
            r#"{"choices":[{"delta":{},"finish_reason":"tool_calls"}]}"#,
        ],
    )
    .unwrap();
    assert_eq!(calls(&parts), [("toolu_1".to_owned(), "weather".to_owned(), r#"{"city":"Paris"}"#.to_owned())]);
    assert!(!parts.iter().any(|part| matches!(part, StreamPart::Error { .. })));
}

/// Ollama gives every call `index` 0 and tells them apart by id: two calls, not one whose
/// arguments run together.
#[test]
fn calls_that_share_an_index_are_told_apart_by_id() {
    let parts = run(
        &OPENAI_COMPATIBLE,
        &[
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{\"x\":1}"}}]}}]}"#,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"b","function":{"name":"g","arguments":"{\"y\":2}"}}]}}]}"#,
            r#"{"choices":[{"delta":{},"finish_reason":"tool_calls"}]}"#,
        ],
    )
    .unwrap();
    let expected = [("a", "f", r#"{"x":1}"#), ("b", "g", r#"{"y":2}"#)].map(|(id, name, input)| (id.to_owned(), name.to_owned(), input.to_owned()));
    assert_eq!(calls(&parts), expected);
}

/// A server that names no call: each gets an id of its own, unique beyond this stream (the step
/// loop keys calls by id across the conversation, so `call_0` in every step would collide).
#[test]
fn calls_without_ids_get_unique_ids() {
    let events = [
        r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":"{}"}}]}}]}"#,
        r#"{"choices":[{"delta":{"tool_calls":[{"index":1,"function":{"name":"g","arguments":"{}"}}]}}]}"#,
    ];
    let first = calls(&run(&OPENAI_COMPATIBLE, &events).unwrap());
    let second = calls(&run(&OPENAI_COMPATIBLE, &events).unwrap());
    let ids: std::collections::HashSet<&str> = first.iter().chain(&second).map(|(id, _, _)| id.as_str()).collect();
    assert_eq!(ids.len(), 4, "{first:?} {second:?}");
    assert!(ids.iter().all(|id| id.starts_with("call_")));
}

/// Some servers (older Ollama, SGLang) send `"finish_reason": ""` on every chunk: that is no
/// finish, so the text stays one block and the call keeps its later arguments.
#[test]
fn an_empty_finish_reason_ends_nothing() {
    let parts = run(
        &OPENAI_COMPATIBLE,
        &[
            r#"{"choices":[{"delta":{"content":"a"},"finish_reason":""}]}"#,
            r#"{"choices":[{"delta":{"content":"b"},"finish_reason":""}]}"#,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{\"x\":"}}]},"finish_reason":""}]}"#,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"finish_reason":""}]}"#,
            r#"{"choices":[{"delta":{},"finish_reason":"tool_calls"}]}"#,
        ],
    )
    .unwrap();
    assert_eq!(kinds(&parts).iter().filter(|kind| *kind == "TextStart").count(), 1, "{:?}", kinds(&parts));
    assert_eq!(calls(&parts), [("c".to_owned(), "f".to_owned(), r#"{"x":1}"#.to_owned())]);
    assert!(matches!(parts.last(), Some(StreamPart::Finish { finish_reason: FinishReason::ToolCalls, .. })));
}

/// Regression: llama-cpp-python's stream deltas carry `"tool_calls": null`, which a `Vec`
/// field must read as empty.
#[test]
fn null_lists_from_llama_cpp_python_decode_as_empty() {
    let parts = run(
        &OPENAI_COMPATIBLE,
        &[r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"finish_reason":null,"logprobs":null,"delta":{"role":"assistant","content":"x","function_call":null,"tool_calls":null}}]}"#],
    )
    .unwrap();
    assert_eq!(kinds(&parts), ["ResponseMetadata", "TextStart", "TextDelta", "TextEnd", "Finish"]);
}

/// Serde moves a decoded chunk several times; over about 128 bytes each move is a `memcpy` call,
/// which cost more time per text chunk than anything but the JSON scan (see the mapping's
/// `lean_boxed`). This keeps the chunk types under that size.
#[cfg(target_pointer_width = "64")]
#[test]
fn decoded_chunks_stay_small_enough_to_move_in_registers() {
    use std::mem::size_of;
    assert!(size_of::<lean::ChatCompletionStreamChoice<'_>>() <= 128, "{}", size_of::<lean::ChatCompletionStreamChoice<'_>>());
    assert!(size_of::<lean::CreateChatCompletionStreamResponseContinued<'_>>() <= 64);
    assert!(size_of::<lean::CreateChatCompletionStreamResponse<'_>>() <= 128);
}

/// A text delta event allocates twice: its text, and the list its chunk's choices decode into.
/// The event is a slice of the read buffer, its strings borrow from it, and the parts queue is
/// reused. Counted on this thread only, so other tests do not disturb the count. An allocation
/// added to this path fails here; the benchmark that would show it (as a few percent of CPU)
/// does not run in CI. (Decoding the first choice alone, without the list, saved the allocation
/// but not CPU time: the larger chunk then moves by `memcpy`, see the test above.)
#[test]
fn a_text_delta_event_allocates_its_text_and_its_choice_list() {
    let first = r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"#;
    let delta = r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini","service_tier":"default","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":"abcd"},"logprobs":null,"finish_reason":null}],"usage":null}"#;
    // The first event gives the response metadata and opens the text block.
    let (opening, repeated) = (format!("data: {first}\n\n"), format!("data: {delta}\n\n"));
    let mapper = || ChatStreamState::new(setup(&OPENAI));
    assert_eq!(allocations_of_hundred_text_deltas(mapper, &opening, 2, &repeated), 200);
}
