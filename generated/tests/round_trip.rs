//! Round trip of wire-exact fixtures through the generated types: they decode, unknown values
//! and vendor extras are kept (not dropped), and re-encoding gives back the same JSON.
//! Fixtures: `fixtures/<case>.json` (a body) and `fixtures/<case>.chunks.txt` (one event per line).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Decodes `text` as `T`, re-encodes it, and checks nothing was lost.
fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let value: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("decode failed: {e}\n{text}"));
    let original: Value = serde_json::from_str(text).unwrap();
    let encoded = serde_json::to_value(&value).unwrap();
    assert_eq!(without_nulls(original), without_nulls(encoded), "re-encoding differs for\n{text}");
    value
}

/// `null`, `[]` and absent are the same thing to the generated types (optional fields skip
/// `None` and empty lists).
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty())).map(|(k, v)| (k, without_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

fn chunks(name: &str) -> Vec<String> {
    fixture(name).lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect()
}

#[cfg(feature = "openai")]
mod openai {
    use super::*;
    use specai_generated::openai::types::*;

    #[test]
    fn responses_api_events_including_an_unlisted_one() {
        let decoded: Vec<ResponseStreamEvent> =
            chunks("openai_responses_stream.chunks.txt").iter().map(|c| serde_json::from_str(c).unwrap()).collect();
        assert!(matches!(&decoded[2], ResponseStreamEvent::ResponseReasoningSummaryTextDelta { delta, .. } if delta == "Thinking"));
        assert!(matches!(&decoded[4], ResponseStreamEvent::ResponseOutputTextDelta { delta, .. } if delta == "Hi"));
        let ResponseStreamEvent::ResponseCompleted { response, .. } = &decoded[6] else { panic!("{:?}", decoded[6]) };
        assert!(matches!(&response.output[1], OutputItem::FunctionCall { arguments, .. } if arguments == "{\"a\":1}"));
        assert_eq!(response.usage.as_ref().unwrap().total_tokens, 123);
        assert!(matches!(decoded[7], ResponseStreamEvent::Unlisted));
    }

    #[test]
    fn client_is_built_from_the_callers_reqwest_client() {
        let client = specai_generated::openai::Client::new_with_client("http://127.0.0.1:9/v1", reqwest::Client::new());
        use specai_generated::openai::ClientInfo;
        assert_eq!(client.baseurl(), "http://127.0.0.1:9/v1");
    }
}

#[cfg(feature = "openai-compatible")]
mod openai_compatible {
    use super::*;
    use specai_generated::openai_compatible::types::*;

    // OpenAI's chat completions: one type set for the chat-completions wire.
    #[test]
    fn chat_completion_with_tool_call() {
        let response: CreateChatCompletionResponse = round_trip(&fixture("openai_chat_completion.json"));
        let choice = &response.choices[0];
        assert_eq!(choice.finish_reason, Some(FinishReason::ToolCalls));
        assert_eq!(choice.message.tool_calls[0].function.name, "get_weather");
        let usage = response.usage.unwrap();
        assert_eq!(usage.total_tokens, 99);
        assert_eq!(usage.completion_tokens_details.unwrap().reasoning_tokens, Some(0));
    }

    #[test]
    fn stream_chunks_with_tool_call_delta_and_usage_only_chunk() {
        let decoded: Vec<CreateChatCompletionStreamResponse> =
            chunks("openai_chat_stream.chunks.txt").iter().map(|c| round_trip(c)).collect();
        assert_eq!(decoded[1].choices[0].delta.content.as_deref(), Some("Hello"));
        let call = &decoded[2].choices[0].delta.tool_calls[0];
        assert_eq!((call.index, call.id.as_deref()), (0, Some("call_DdmO9pD3xa9XTPNJ32zg2hcA")));
        assert_eq!(call.function.as_ref().unwrap().name.as_deref(), Some("get_weather"));
        assert_eq!(decoded[3].choices[0].delta.tool_calls[0].function.as_ref().unwrap().arguments.as_deref(), Some("{\"location\":"));
        let last = decoded.last().unwrap();
        assert!(last.choices.is_empty());
        assert_eq!(last.usage.as_ref().unwrap().total_tokens, 96);
    }

    #[test]
    fn lean_chunk_types_decode_the_same_stream_and_borrow_plain_strings() {
        use specai_generated::openai_compatible::lean;
        use std::borrow::Cow;
        let lines = chunks("openai_chat_stream.chunks.txt");
        for line in &lines {
            let owned: CreateChatCompletionStreamResponse = serde_json::from_str(line).unwrap();
            let lean: lean::CreateChatCompletionStreamResponse = serde_json::from_str(line).unwrap();
            assert_eq!(lean.id.as_deref(), owned.id.as_deref());
            assert_eq!(lean.choices.len(), owned.choices.len());
            for (lean, owned) in lean.choices.iter().zip(&owned.choices) {
                let delta = lean.delta.as_ref().unwrap();
                assert_eq!(delta.content.as_deref(), owned.delta.content.as_deref());
                assert_eq!(delta.tool_calls.len(), owned.delta.tool_calls.len());
                for (lean, owned) in delta.tool_calls.iter().zip(&owned.delta.tool_calls) {
                    let arguments = lean.function.as_ref().and_then(|f| f.arguments.as_deref());
                    assert_eq!(arguments, owned.function.as_ref().and_then(|f| f.arguments.as_deref()));
                }
            }
            // Usage decodes with the chunk, into the lean type.
            assert_eq!(lean.usage.and_then(|u| u.total_tokens), owned.usage.map(|u| u.total_tokens));
        }
        let lean: lean::CreateChatCompletionStreamResponse = serde_json::from_str(&lines[1]).unwrap();
        assert!(matches!(lean.choices[0].delta.as_ref().unwrap().content.as_ref().unwrap().0, Cow::Borrowed("Hello")));
        // Escaped text cannot be borrowed; it is decoded into an owned string.
        let lean: lean::CreateChatCompletionStreamResponse = serde_json::from_str(&lines[3]).unwrap();
        let arguments = &lean.choices[0].delta.as_ref().unwrap().tool_calls[0].function.as_ref().unwrap().arguments;
        assert!(matches!(&arguments.as_ref().unwrap().0, Cow::Owned(text) if text == "{\"location\":"));
    }

    #[test]
    fn requests_build_from_defaults_and_send_only_what_is_set() {
        let request = CreateChatCompletionRequest {
            model: "gpt-4o-mini".into(),
            messages: vec![ChatCompletionRequestMessage::User {
                content: ChatCompletionRequestMessageContent::String("Hi".into()),
                name: None,
            }],
            max_completion_tokens: Some(16),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}], "max_completion_tokens": 16})
        );
    }


    #[test]
    fn lenient_server_that_omits_nullable_fields() {
        // No `refusal`, `logprobs`, `system_fingerprint`: all optional. `tool_calls: null`
        // (llama-cpp-python) decodes as an empty list.
        let response: CreateChatCompletionResponse = round_trip(&fixture("compat_lenient_completion.json"));
        assert_eq!(response.choices[0].message.content.as_deref(), Some("Hi there!"));
        assert_eq!(response.choices[0].message.refusal, None);
        assert!(response.choices[0].message.tool_calls.is_empty());
    }

    #[test]
    fn vendor_extras_and_unlisted_values_are_kept() {
        let decoded: Vec<CreateChatCompletionStreamResponse> =
            chunks("compat_groq_vendor_extras.chunks.txt").iter().map(|c| round_trip(c)).collect();
        assert_eq!(decoded[0].choices[0].delta.reasoning.as_deref(), Some("Let me think"));
        assert_eq!(decoded[1].extra["x_groq"]["usage"]["total_tokens"], 27);
        assert_eq!(decoded[1].choices[0].finish_reason, Some(FinishReason::Unlisted("end_of_turn".into())));
    }

    #[test]
    fn deepseek_reasoning_content_and_usage_extras() {
        let response: CreateChatCompletionResponse = round_trip(&fixture("compat_deepseek_reasoning.json"));
        let message = &response.choices[0].message;
        assert!(message.reasoning_content.as_deref().unwrap().starts_with("Compare"));
        assert_eq!(response.usage.unwrap().extra["prompt_cache_miss_tokens"], 17);
    }
}

#[cfg(feature = "anthropic")]
mod anthropic {
    use super::*;
    use specai_generated::anthropic::types::*;

    #[test]
    fn message_stream_events() {
        let lines = chunks("anthropic_stream.chunks.txt");
        let decoded: Vec<MessageStreamEvent> = lines.iter().map(|c| serde_json::from_str(c).unwrap()).collect();
        assert!(matches!(&decoded[0], MessageStreamEvent::MessageStart { message } if message.usage.input_tokens == 25));
        assert!(matches!(&decoded[2], MessageStreamEvent::ContentBlockDelta { delta: ContentBlockDelta::ThinkingDelta { .. }, index: 0 }));
        assert!(matches!(&decoded[3], MessageStreamEvent::ContentBlockDelta { delta: ContentBlockDelta::SignatureDelta { .. }, .. }));
        assert!(matches!(&decoded[5], MessageStreamEvent::ContentBlockStart { content_block: ContentBlock::ToolUse { name, .. }, .. } if name == "get_weather"));
        assert!(matches!(&decoded[6], MessageStreamEvent::ContentBlockDelta { delta: ContentBlockDelta::InputJsonDelta { .. }, .. }));
        assert!(matches!(decoded[7], MessageStreamEvent::Ping));
        assert!(matches!(&decoded[12], MessageStreamEvent::MessageDelta { delta, usage } if delta.stop_reason == Some(StopReason::ToolUse) && usage.output_tokens == 89));
        assert!(matches!(&decoded[14], MessageStreamEvent::Error { error } if error.type_ == "overloaded_error"));
        assert!(matches!(decoded[15], MessageStreamEvent::Unlisted));
        // Known events re-encode to the same JSON.
        for line in &lines[..15] {
            let _: MessageStreamEvent = round_trip(line);
        }
    }
}

#[cfg(feature = "google")]
mod google {
    use super::*;
    use specai_generated::google::types::*;

    #[test]
    fn stream_chunks_with_thoughts_function_call_grounding_and_code() {
        let decoded: Vec<GenerateContentResponse> =
            chunks("google_stream.chunks.txt").iter().map(|c| round_trip(c)).collect();
        let part = &decoded[0].candidates[0].content.as_ref().unwrap().parts[0];
        assert_eq!(part.thought, Some(true));
        let candidate = &decoded[1].candidates[0];
        let part = &candidate.content.as_ref().unwrap().parts[0];
        let call = part.function_call.as_ref().unwrap();
        assert_eq!((call.id.as_deref(), call.name.as_str()), (Some("call-1"), "get_weather"));
        assert_eq!(call.args["city"], "Paris");
        assert_eq!(part.thought_signature.as_deref(), Some("CiQB0e2Kb7c="));
        let usage = decoded[1].usage_metadata.as_ref().unwrap();
        assert_eq!((usage.cached_content_token_count, usage.thoughts_token_count), (Some(4), Some(20)));
        assert_eq!(candidate.grounding_metadata.as_ref().unwrap().web_search_queries, ["weather paris"]);
        assert_eq!(decoded[2].candidates[0].finish_reason, Some(FinishReason::Unlisted("SOMETHING_NEW".into())));
    }
}
