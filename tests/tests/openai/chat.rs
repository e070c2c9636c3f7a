//! The chat-completions model: JSON responses and SSE streams.

use std::time::{Duration, UNIX_EPOCH};

use serde_json::json;
use specai::provider::{
    AssistantPart, CallOptions, Content, FinishReason, FunctionTool, LanguageModel, Message, ProviderOptions,
    ReasoningEffort, ResponseFormat, StreamPart, ToolCallPart, ToolChoice, ToolDefinition, ToolResultOutput,
    ToolResultPart, UserPart,
};

use super::{FIXTURES, assert_standard_headers, collect_parts, collect_until_error, kinds, provider, text_of};
use crate::support::fixtures::{json_response, json_text, raw_sse_response, sse_chunks, sse_response, split_every};
use specai::provider_utils::test_server::{TestResponse, TestServer};

fn weather_tool() -> ToolDefinition {
    ToolDefinition::Function(
        FunctionTool::new(
            "get_weather",
            json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
        )
        .with_description("Get the weather of a city"),
    )
}

#[tokio::test]
async fn chat_generate_sends_the_request_and_parses_text_usage_and_metadata() {
    let server = TestServer::start([json_response(FIXTURES, "chat_text")]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let mut options = CallOptions::new(vec![Message::system("You are terse."), Message::user("Hello!")]);
    options.temperature = Some(0.5);
    options.max_output_tokens = Some(50);
    options.headers.insert("x-call", "call-value".parse().unwrap());
    let result = model.do_generate(&options).await.unwrap();

    let request = server.single_request();
    assert_eq!(request.path, "/v1/chat/completions");
    assert_standard_headers(&request, "application/json");
    assert_eq!(request.header("x-call"), Some("call-value"));
    assert_eq!(
        request.json(),
        json!({
            "model": "gpt-4o-mini",
            "messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Hello!"}],
            "max_tokens": 50,
            "temperature": 0.5
        })
    );
    assert_eq!(result.content, vec![Content::text("Hello! How can I assist you today?")]);
    assert_eq!(result.finish_reason, FinishReason::Stop);
    assert_eq!(result.raw_finish_reason.as_deref(), Some("stop"));
    assert_eq!(result.usage.input_tokens.total, Some(19));
    assert_eq!(result.usage.input_tokens.cache_read, Some(0));
    assert_eq!(result.usage.output_tokens.total, Some(10));
    assert_eq!(result.usage.output_tokens.reasoning, Some(0));
    assert_eq!(result.response.id.as_deref(), Some("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT"));
    assert_eq!(result.response.model_id.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    assert_eq!(result.response.timestamp, Some(UNIX_EPOCH + Duration::from_secs(1741569952)));
    assert_eq!(result.response.headers.get("content-type").unwrap(), "application/json");
    assert_eq!(result.request.body.as_ref().and_then(|body| body.json()).unwrap()["model"], "gpt-4o-mini");
    assert_eq!(result.provider_metadata.unwrap().get("openai").unwrap()["service_tier"], "default");
    assert!(result.warnings.is_empty());
}

#[tokio::test]
async fn chat_generate_rejects_an_answer_that_is_not_a_completion_and_keeps_its_text() {
    let not_a_completion = r#"{"object":"chat.completion","choices":[]}"#;
    let malformed = r#"{"id":"chatcmpl-1","choices":[{"message":{"content":"Hi"#;
    let server =
        TestServer::start([json_text(200, not_a_completion), json_text(200, malformed)]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let options = CallOptions::new(vec![Message::user("Hello!")]);
    for expected in [not_a_completion, malformed] {
        match model.do_generate(&options).await.unwrap_err() {
            specai::Error::InvalidResponse { raw, .. } => assert_eq!(raw.as_deref(), Some(expected)),
            other => panic!("expected an invalid response, got {other:?}"),
        }
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn chat_usage_raw_is_the_usage_object_unchanged_in_generate_and_stream() {
    // A usage object with a field the spec does not name: `Usage.raw` keeps it.
    let usage = json!({"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13, "vendor_tokens": {"queued": 2}});
    let completion = json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1741569952, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"}, "finish_reason": "stop"}],
        "usage": usage
    });
    let chunks = vec![
        bytes::Bytes::from(format!("data: {}\n\n", json!({"id": "c", "model": "m", "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": null}]}))),
        bytes::Bytes::from(format!("data: {}\n\n", json!({"id": "c", "model": "m", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}))),
        bytes::Bytes::from(format!("data: {}\n\n", json!({"id": "c", "model": "m", "choices": [], "usage": usage}))),
        bytes::Bytes::from_static(b"data: [DONE]\n\n"),
    ];
    let server = TestServer::start([TestResponse::json(200, completion), TestResponse::sse_chunks(chunks)]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let options = CallOptions::new(vec![Message::user("Hello!")]);

    let result = model.do_generate(&options).await.unwrap();
    assert_eq!((result.usage.input_tokens.total, result.usage.output_tokens.total), (Some(9), Some(4)));
    assert_eq!(result.usage.raw.as_ref().and_then(|raw| raw.json()), Some(usage.clone()));

    let parts = collect_parts(model.do_stream(&options).await.unwrap().stream).await;
    match parts.last().unwrap() {
        StreamPart::Finish { usage: streamed, .. } => {
            assert_eq!((streamed.input_tokens.total, streamed.output_tokens.total), (Some(9), Some(4)));
            assert_eq!(streamed.raw.as_ref().and_then(|raw| raw.json()), Some(usage));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn chat_generate_parses_two_tool_calls_and_sends_tools() {
    let server = TestServer::start([json_response(FIXTURES, "chat_tool_calls")]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let mut options = CallOptions::new(vec![Message::user("Weather in Boston and Paris?")]);
    options.tools = vec![weather_tool()];
    options.tool_choice = Some(ToolChoice::Required);
    options.provider_options = ProviderOptions::new().with("openai", json!({"parallel_tool_calls": true}));
    let result = model.do_generate(&options).await.unwrap();

    let body = server.single_request().json();
    assert_eq!(
        body["tools"],
        json!([{"type": "function", "function": {"name": "get_weather", "description": "Get the weather of a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}])
    );
    assert_eq!(body["tool_choice"], "required");
    assert_eq!(body["parallel_tool_calls"], true);
    let calls: Vec<_> = result
        .content
        .iter()
        .filter_map(|content| match content {
            Content::ToolCall(call) => Some((call.tool_call_id.as_str(), call.tool_name.as_str(), call.input.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("call_abc123", "get_current_weather", "{\n\"location\": \"Boston, MA\"\n}"),
            ("call_def456", "get_current_weather", "{\"location\": \"Paris, France\"}"),
        ]
    );
    assert_eq!(result.finish_reason, FinishReason::ToolCalls);
}

#[tokio::test]
async fn chat_generate_reasoning_model_maps_options_and_usage_details() {
    let server = TestServer::start([json_response(FIXTURES, "chat_reasoning")]).await;
    let model = provider(&server).chat("o3-mini");
    let mut options = CallOptions::new(vec![Message::system("Think."), Message::user("Answer?")]);
    options.max_output_tokens = Some(600);
    options.temperature = Some(0.3);
    options.reasoning_effort = Some(ReasoningEffort::Low);
    options.provider_options = ProviderOptions::new().with("openai", json!({"service_tier": "flex", "store": false}));
    let result = model.do_generate(&options).await.unwrap();

    assert_eq!(
        server.single_request().json(),
        json!({
            "model": "o3-mini",
            "messages": [{"role": "developer", "content": "Think."}, {"role": "user", "content": "Answer?"}],
            "max_completion_tokens": 600,
            "reasoning_effort": "low",
            "store": false,
            "service_tier": "flex"
        })
    );
    assert_eq!(result.warnings.len(), 1, "temperature is dropped with a warning: {:?}", result.warnings);
    assert_eq!(result.finish_reason, FinishReason::Length);
    assert_eq!(result.usage.input_tokens.total, Some(1200));
    assert_eq!(result.usage.input_tokens.cache_read, Some(1024));
    assert_eq!(result.usage.input_tokens.no_cache, Some(176));
    assert_eq!(result.usage.output_tokens.total, Some(600));
    assert_eq!(result.usage.output_tokens.reasoning, Some(512));
    assert_eq!(result.usage.output_tokens.text, Some(88));
    assert_eq!(result.usage.raw.as_ref().and_then(|raw| raw.json()).unwrap()["prompt_tokens_details"]["cached_tokens"], 1024);
}

#[tokio::test]
async fn chat_generate_structured_output_sends_a_strict_json_schema() {
    let server = TestServer::start([json_response(FIXTURES, "chat_json_schema")]).await;
    let model = provider(&server).chat("gpt-4o-2024-08-06");
    let schema = json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"], "additionalProperties": false});
    let mut options = CallOptions::new(vec![Message::user("Extract the event.")]);
    options.response_format = Some(ResponseFormat::Json {
        schema: Some(schema.clone()),
        name: Some("event".into()),
        description: Some("A calendar event".into()),
    });
    let result = model.do_generate(&options).await.unwrap();
    assert_eq!(
        server.single_request().json()["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "event", "description": "A calendar event", "schema": schema, "strict": true}})
    );
    let text = result.content[0].as_text().unwrap();
    let parsed: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(parsed["participants"], json!(["Alice", "Bob"]));
}

#[tokio::test]
async fn chat_generate_returns_logprobs_in_provider_metadata() {
    let server = TestServer::start([json_response(FIXTURES, "chat_logprobs")]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let mut options = CallOptions::new(vec![Message::user("Hi")]);
    options.provider_options = ProviderOptions::new().with("openai", json!({"logprobs": 2, "user": "user-1"}));
    let result = model.do_generate(&options).await.unwrap();
    let body = server.single_request().json();
    assert_eq!((body["logprobs"].clone(), body["top_logprobs"].clone(), body["user"].clone()), (json!(true), json!(2), json!("user-1")));
    let metadata = result.provider_metadata.unwrap();
    let logprobs = &metadata.get("openai").unwrap()["logprobs"];
    assert_eq!(logprobs[0]["token"], "Hello");
    assert_eq!(logprobs[1]["top_logprobs"][1]["token"], " there");
}

#[tokio::test]
async fn chat_generate_sends_images_pdfs_and_tool_history() {
    let server = TestServer::start([json_response(FIXTURES, "chat_text")]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let prompt = vec![
        Message::user_parts(vec![
            UserPart::text("Describe these."),
            UserPart::file(vec![137u8, 80, 78, 71], "image/png"),
            UserPart::file_url("https://example.com/cat.jpg", "image/jpeg"),
            UserPart::file(b"%PDF-1.4".to_vec(), "application/pdf"),
        ]),
        Message::assistant_parts(vec![AssistantPart::ToolCall(ToolCallPart::new(
            "call_1",
            "get_weather",
            json!({"city": "Paris"}),
        ))]),
        Message::tool(vec![ToolResultPart::new(
            "call_1",
            "get_weather",
            ToolResultOutput::json(json!({"temperature": 21})),
        )]),
    ];
    model.do_generate(&CallOptions::new(prompt)).await.unwrap();
    assert_eq!(
        server.single_request().json()["messages"],
        json!([
            {"role": "user", "content": [
                {"type": "text", "text": "Describe these."},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw=="}},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
                {"type": "file", "file": {"filename": "part-3.pdf", "file_data": "data:application/pdf;base64,JVBERi0xLjQ="}}
            ]},
            {"role": "assistant", "content": "", "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "{\"temperature\":21}"}
        ])
    );
}

#[tokio::test]
async fn chat_stream_text_with_a_usage_only_final_chunk() {
    let server = TestServer::start([sse_response(FIXTURES, "chat_text")]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let response = model.do_stream(&CallOptions::new(vec![Message::user("Hello")])).await.unwrap();
    assert_eq!(response.response.headers.get("content-type").unwrap(), "text/event-stream");
    let parts = collect_parts(response.stream).await;

    let request = server.single_request();
    assert_standard_headers(&request, "application/json");
    let body = request.json();
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
    assert_eq!(
        kinds(&parts),
        ["stream-start", "response-metadata", "text-start", "text-delta", "text-delta", "text-delta", "text-end", "finish"]
    );
    assert_eq!(text_of(&parts), "Hello, wörld!");
    match &parts[1] {
        StreamPart::ResponseMetadata(metadata) => {
            assert_eq!(metadata.id.as_deref(), Some("chatcmpl-123"));
            assert_eq!(metadata.model_id.as_deref(), Some("gpt-4o-mini-2024-07-18"));
            assert_eq!(metadata.timestamp, Some(UNIX_EPOCH + Duration::from_secs(1694268190)));
        }
        other => panic!("{other:?}"),
    }
    match parts.last().unwrap() {
        StreamPart::Finish { usage, finish_reason, raw_finish_reason, .. } => {
            assert_eq!(*finish_reason, FinishReason::Stop);
            assert_eq!(raw_finish_reason.as_deref(), Some("stop"));
            assert_eq!((usage.input_tokens.total, usage.output_tokens.total), (Some(9), Some(4)));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn chat_stream_is_the_same_when_events_are_split_across_tiny_chunks() {
    let whole: Vec<u8> = sse_chunks(FIXTURES, "chat_text").concat();
    for size in [1, 7, 64, 100_000] {
        let server = TestServer::start([TestResponse::sse_chunks(split_every(&whole, size))]).await;
        let model = provider(&server).chat("gpt-4o-mini");
        let parts = collect_parts(model.do_stream(&CallOptions::new(vec![Message::user("Hello")])).await.unwrap().stream).await;
        assert_eq!(text_of(&parts), "Hello, wörld!", "chunk size {size}");
        assert_eq!(kinds(&parts).len(), 8, "chunk size {size}");
    }
}

#[tokio::test]
async fn chat_stream_assembles_a_tool_call_from_fragments() {
    let server = TestServer::start([sse_response(FIXTURES, "chat_tool_call")]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let mut options = CallOptions::new(vec![Message::user("Weather in Paris?")]);
    options.tools = vec![weather_tool()];
    options.tool_choice = Some(ToolChoice::Tool { tool_name: "get_weather".into() });
    let parts = collect_parts(model.do_stream(&options).await.unwrap().stream).await;
    assert_eq!(
        server.single_request().json()["tool_choice"],
        json!({"type": "function", "function": {"name": "get_weather"}})
    );
    assert_eq!(
        kinds(&parts),
        [
            "stream-start", "response-metadata", "tool-input-start", "tool-input-delta", "tool-input-delta",
            "tool-input-delta", "tool-input-delta", "tool-input-delta", "tool-input-end", "tool-call", "finish"
        ]
    );
    let deltas: String = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::ToolInputDelta { id, delta } => {
                assert_eq!(&**id, "call_O17Uplv4lJvD6DVdIvFFeRMw");
                Some(delta.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(deltas, "{\"city\":\"Paris\"}");
    match &parts[9] {
        StreamPart::ToolCall(call) => {
            assert_eq!(call.tool_call_id, "call_O17Uplv4lJvD6DVdIvFFeRMw");
            assert_eq!(call.tool_name, "get_weather");
            assert_eq!(call.input, "{\"city\":\"Paris\"}");
        }
        other => panic!("{other:?}"),
    }
    match parts.last().unwrap() {
        StreamPart::Finish { finish_reason, usage, .. } => {
            assert_eq!(*finish_reason, FinishReason::ToolCalls);
            assert_eq!(usage.input_tokens.total, Some(53));
        }
        other => panic!("{other:?}"),
    }
}

fn tool_calls(parts: &[StreamPart]) -> Vec<(String, String, String)> {
    parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::ToolCall(call) => Some((call.tool_call_id.clone(), call.tool_name.clone(), call.input.clone())),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn chat_stream_two_parallel_tool_calls() {
    let server = TestServer::start([sse_response(FIXTURES, "chat_parallel_tool_calls")]).await;
    let model = provider(&server).chat("gpt-4o");
    let parts = collect_parts(model.do_stream(&CallOptions::new(vec![Message::user("Paris and Tokyo?")])).await.unwrap().stream).await;
    assert_eq!(
        tool_calls(&parts),
        [
            ("call_paris".to_owned(), "get_weather".to_owned(), "{\"city\": \"Paris\"}".to_owned()),
            ("call_tokyo".to_owned(), "get_weather".to_owned(), "{\"city\": \"Tokyo\"}".to_owned()),
        ]
    );
    let starts = parts.iter().filter(|part| matches!(part, StreamPart::ToolInputStart { .. })).count();
    assert_eq!(starts, 2);
    // No usage chunk in this stream: usage is unknown, not zero.
    match parts.last().unwrap() {
        StreamPart::Finish { usage, finish_reason, .. } => {
            assert_eq!(*finish_reason, FinishReason::ToolCalls);
            assert_eq!(usage.input_tokens.total, None);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn chat_stream_tool_call_whose_name_arrives_after_its_arguments() {
    let server = TestServer::start([sse_response(FIXTURES, "chat_tool_call_name_late")]).await;
    let model = provider(&server).chat("some-compatible-model");
    let parts = collect_parts(model.do_stream(&CallOptions::new(vec![Message::user("Oslo?")])).await.unwrap().stream).await;
    assert_eq!(tool_calls(&parts), [("call_late".to_owned(), "get_weather".to_owned(), "{\"city\":\"Oslo\"}".to_owned())]);
    let start = parts.iter().position(|part| matches!(part, StreamPart::ToolInputStart { .. })).unwrap();
    let first_delta = parts.iter().position(|part| matches!(part, StreamPart::ToolInputDelta { .. })).unwrap();
    assert!(start < first_delta, "the input block starts before its deltas");
}

#[tokio::test]
async fn chat_stream_tool_call_with_whole_arguments_at_once() {
    let server = TestServer::start([sse_response(FIXTURES, "chat_tool_call_whole")]).await;
    let model = provider(&server).chat("some-compatible-model");
    let parts = collect_parts(model.do_stream(&CallOptions::new(vec![Message::user("Rome?")])).await.unwrap().stream).await;
    assert_eq!(tool_calls(&parts), [("call_whole".to_owned(), "get_weather".to_owned(), "{\"city\":\"Rome\"}".to_owned())]);
    match parts.last().unwrap() {
        StreamPart::Finish { usage, .. } => assert_eq!(usage.output_tokens.total, Some(9)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn chat_stream_reasoning_model_reports_reasoning_and_cached_tokens() {
    let server = TestServer::start([sse_response(FIXTURES, "chat_reasoning")]).await;
    let model = provider(&server).chat("o3-mini");
    let parts = collect_parts(model.do_stream(&CallOptions::new(vec![Message::user("6*7?")])).await.unwrap().stream).await;
    assert_eq!(text_of(&parts), "42");
    match parts.last().unwrap() {
        StreamPart::Finish { usage, provider_metadata, .. } => {
            assert_eq!(usage.output_tokens.reasoning, Some(512));
            assert_eq!(usage.input_tokens.cache_read, Some(1024));
            let metadata = provider_metadata.as_ref().unwrap().get("openai").unwrap();
            assert_eq!(metadata["accepted_prediction_tokens"], 0);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn chat_stream_handles_crlf_framing_comments_and_split_utf8() {
    let server = TestServer::start([raw_sse_response(FIXTURES, "chat_crlf", 5)]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let parts = collect_parts(model.do_stream(&CallOptions::new(vec![Message::user("Hi")])).await.unwrap().stream).await;
    assert_eq!(text_of(&parts), "Hi thére");
    assert!(matches!(parts.last(), Some(StreamPart::Finish { finish_reason: FinishReason::Stop, .. })));
}

#[tokio::test]
async fn chat_stream_error_event_ends_the_stream_with_an_api_error() {
    let server = TestServer::start([sse_response(FIXTURES, "chat_error_mid_stream")]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let (parts, error) = collect_until_error(model.do_stream(&CallOptions::new(vec![Message::user("Hi")])).await.unwrap().stream).await;
    assert_eq!(text_of(&parts), "Hel");
    let error = error.expect("an error");
    let api = error.as_api_call().expect("an API error");
    assert_eq!(api.message, "The server had an error while processing your request. Sorry about that!");
    assert_eq!(api.error_type.as_deref(), Some("server_error"));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn chat_stream_cut_off_mid_way_is_a_connection_error() {
    let mut chunks = sse_chunks(FIXTURES, "chat_text");
    chunks.truncate(3);
    let server = TestServer::start([TestResponse::sse_chunks(chunks).cut_connection()]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let (parts, error) = collect_until_error(model.do_stream(&CallOptions::new(vec![Message::user("Hi")])).await.unwrap().stream).await;
    assert_eq!(text_of(&parts), "Hello, wör");
    assert!(!parts.iter().any(|part| matches!(part, StreamPart::Finish { .. })), "no finish after a cut");
    assert!(matches!(error, Some(specai::Error::Connection { .. })), "{error:?}");
}

#[tokio::test]
async fn chat_stream_emits_raw_chunks_when_asked() {
    let server = TestServer::start([sse_response(FIXTURES, "chat_text")]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let mut options = CallOptions::new(vec![Message::user("Hello")]);
    options.include_raw_chunks = true;
    let parts = collect_parts(model.do_stream(&options).await.unwrap().stream).await;
    let raw: Vec<_> = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::Raw { raw_value } => Some(raw_value),
            _ => None,
        })
        .collect();
    assert_eq!(raw.len(), 6);
    assert_eq!(raw[1]["choices"][0]["delta"]["content"], "Hello");
}

#[tokio::test]
async fn missing_api_key_is_reported_at_the_first_call_naming_the_variable() {
    if std::env::var_os("OPENAI_API_KEY").is_some() {
        eprintln!("skipped: OPENAI_API_KEY is set in this environment");
        return;
    }
    let server = TestServer::start([]).await;
    // Construction succeeds without a key.
    let model = specai::openai::create_openai(specai::openai::OpenAiSettings::default().with_base_url(server.url("/v1")))
    .chat("gpt-4o-mini");
    let error = model.do_generate(&CallOptions::new(vec![Message::user("Hi")])).await.unwrap_err();
    match &error {
        specai::Error::MissingApiKey { env_var, .. } => assert_eq!(env_var, "OPENAI_API_KEY"),
        other => panic!("{other:?}"),
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn unknown_provider_options_are_rejected() {
    let server = TestServer::start([]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let mut options = CallOptions::new(vec![Message::user("Hi")]);
    options.provider_options = ProviderOptions::new().with("openai", json!({"reasoningEfort": "low"}));
    let error = model.do_generate(&options).await.unwrap_err();
    assert!(matches!(error, specai::Error::InvalidArgument { .. }), "{error:?}");
    assert!(error.to_string().contains("reasoningEfort"), "{error}");
    assert!(server.requests().is_empty());
}
