//! The Responses API model: JSON responses and named-event streams.

use serde_json::json;
use specai::openai::openai;
use specai::provider::{
    AssistantPart, CallOptions, Content, FinishReason, FunctionTool, LanguageModel, Message, ProviderDefinedTool,
    ProviderOptions, ReasoningPart, Source, StreamPart, ToolDefinition,
};

use super::{FIXTURES, assert_standard_headers, collect_parts, collect_until_error, kinds, provider, text_of};
use crate::support::fixtures::{json_response, raw_sse_response};
use specai::provider_utils::test_server::TestServer;

#[test]
fn openai_returns_the_responses_model() {
    let model = openai("gpt-4o-mini");
    assert_eq!(model.provider(), "openai.responses");
    assert_eq!(model.model_id(), "gpt-4o-mini");
}

#[tokio::test]
async fn responses_generate_text() {
    let server = TestServer::start([json_response(FIXTURES, "responses_text")]).await;
    let model = provider(&server).responses("gpt-4o-mini");
    let mut options = CallOptions::new(vec![Message::system("Be kind."), Message::user("Tell me a story.")]);
    options.max_output_tokens = Some(200);
    options.temperature = Some(0.7);
    options.provider_options = ProviderOptions::new().with(
        "openai",
        json!({"user": "u1", "metadata": {"session": "s1"}, "store": true, "instructions": "Short.", "service_tier": "auto"}),
    );
    let result = model.do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.path, "/v1/responses");
    assert_standard_headers(&request, "application/json");
    assert_eq!(
        request.json(),
        json!({
            "model": "gpt-4o-mini",
            "input": [
                {"type": "message", "role": "system", "content": "Be kind."},
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Tell me a story."}]}
            ],
            "temperature": 0.7,
            "max_output_tokens": 200,
            "store": true,
            "metadata": {"session": "s1"},
            "instructions": "Short.",
            "user": "u1",
            "service_tier": "auto"
        })
    );
    assert_eq!(result.content.len(), 1);
    match &result.content[0] {
        Content::Text { text, provider_metadata } => {
            assert!(text.starts_with("In a peaceful grove"));
            assert_eq!(
                provider_metadata.as_ref().unwrap().get("openai").unwrap()["item_id"],
                "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(result.finish_reason, FinishReason::Stop);
    assert_eq!((result.usage.input_tokens.total, result.usage.output_tokens.total), (Some(36), Some(87)));
    assert_eq!(result.response.id.as_deref(), Some("resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b"));
    assert_eq!(
        result.provider_metadata.unwrap().get("openai").unwrap()["response_id"],
        "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b"
    );
}

#[tokio::test]
async fn responses_generate_function_calls() {
    let server = TestServer::start([json_response(FIXTURES, "responses_tool_calls")]).await;
    let model = provider(&server).responses("gpt-4.1");
    let mut options = CallOptions::new(vec![Message::user("Weather?")]);
    options.tools = vec![ToolDefinition::Function(
        FunctionTool::new(
            "get_current_weather",
            json!({"type": "object", "properties": {"location": {"type": "string"}}}),
        )
        .with_description("Get the current weather in a given location")
        .with_strict(true),
    )];
    let result = model.do_generate(&options).await.unwrap();
    assert_eq!(
        server.single_request().json()["tools"],
        json!([{"type": "function", "name": "get_current_weather", "description": "Get the current weather in a given location",
            // Strict mode's form: closed, every property required, the optional one nullable.
            "parameters": {"type": "object", "properties": {"location": {"type": ["string", "null"]}}, "required": ["location"],
                           "additionalProperties": false}, "strict": true}])
    );
    let calls: Vec<_> = result
        .content
        .iter()
        .filter_map(|content| match content {
            Content::ToolCall(call) => Some((call.tool_call_id.as_str(), call.input.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("call_unLAR8MvFNptuiZK6K6HCy5k", "{\"location\":\"Boston, MA\",\"unit\":\"celsius\"}"),
            ("call_second", "{\"location\":\"Paris\",\"unit\":\"celsius\"}"),
        ]
    );
    assert_eq!(result.finish_reason, FinishReason::ToolCalls);
}

#[tokio::test]
async fn responses_generate_reasoning_summaries_with_encrypted_content_round_trip() {
    let server = TestServer::start([
        json_response(FIXTURES, "responses_reasoning"),
        json_response(FIXTURES, "responses_text"),
    ])
    .await;
    let model = provider(&server).responses("o4-mini");
    let mut options = CallOptions::new(vec![Message::user("Pick a number.")]);
    options.max_output_tokens = Some(300);
    options.provider_options =
        ProviderOptions::new().with("openai", json!({"store": false, "reasoning_effort": "low", "reasoning_summary": "auto"}));
    let result = model.do_generate(&options).await.unwrap();
    let first = server.requests()[0].json();
    assert_eq!(first["include"], json!(["reasoning.encrypted_content"]));
    assert_eq!(first["reasoning"], json!({"effort": "low", "summary": "auto"}));

    let reasoning: Vec<_> = result
        .content
        .iter()
        .filter_map(|content| match content {
            Content::Reasoning { text, provider_metadata } => Some((text.clone(), provider_metadata.clone().unwrap())),
            _ => None,
        })
        .collect();
    assert_eq!(reasoning.len(), 2);
    assert_eq!(reasoning[1].0, "**Choosing 42**");
    let metadata = reasoning[0].1.get("openai").unwrap();
    assert_eq!(metadata["item_id"], "rs_6820f383d7c08191846711c5df8233bc0ac5ba57aafcbac7");
    assert_eq!(metadata["reasoning_encrypted_content"], "gAAAAABoIPODencryptedblob==");
    assert_eq!(result.finish_reason, FinishReason::Length);
    assert_eq!(result.usage.output_tokens.reasoning, Some(256));
    assert_eq!(result.usage.input_tokens.cache_read, Some(1024));

    // Send the reasoning back: one reasoning item, both summaries, the encrypted content.
    let mut parts: Vec<AssistantPart> = reasoning
        .into_iter()
        .map(|(text, metadata)| AssistantPart::Reasoning(ReasoningPart::new(text).with_provider_options(metadata)))
        .collect();
    parts.push(AssistantPart::Text(specai::provider::TextPart::new("The answer is 42")));
    let mut next = CallOptions::new(vec![
        Message::user("Pick a number."),
        Message::assistant_parts(parts),
        Message::user("Why?"),
    ]);
    next.provider_options = ProviderOptions::new().with("openai", json!({"store": false}));
    model.do_generate(&next).await.unwrap();
    let second = server.requests()[1].json();
    assert_eq!(
        second["input"][1],
        json!({"type": "reasoning", "id": "rs_6820f383d7c08191846711c5df8233bc0ac5ba57aafcbac7",
               "encrypted_content": "gAAAAABoIPODencryptedblob==",
               "summary": [{"type": "summary_text", "text": "**Thinking about the question**\n\nThe user asks for a number."},
                           {"type": "summary_text", "text": "**Choosing 42**"}]})
    );
}

#[tokio::test]
async fn responses_generate_web_search_as_provider_executed_tool_with_sources() {
    let server = TestServer::start([json_response(FIXTURES, "responses_web_search")]).await;
    let model = provider(&server).responses("gpt-4.1");
    let mut options = CallOptions::new(vec![Message::user("Positive news?")]);
    options.tools = vec![ToolDefinition::ProviderDefined(ProviderDefinedTool::new(
        "openai.web_search",
        "web_search",
        json!({"search_context_size": "medium", "user_location": {"type": "approximate", "country": "US"}}),
    ))];
    let result = model.do_generate(&options).await.unwrap();
    assert_eq!(
        server.single_request().json()["tools"],
        json!([{"type": "web_search", "search_context_size": "medium", "user_location": {"type": "approximate", "country": "US"}}])
    );
    match &result.content[0] {
        Content::ToolCall(call) => {
            assert!(call.provider_executed);
            assert_eq!(call.tool_name, "web_search");
        }
        other => panic!("{other:?}"),
    }
    match &result.content[1] {
        Content::ToolResult(tool_result) => assert_eq!(tool_result.result["action"]["query"], "positive news today"),
        other => panic!("{other:?}"),
    }
    assert!(result.content.iter().any(|content| matches!(
        content,
        Content::Source(Source::Url { url, .. }) if url == "https://www.nbcnews.com/news/kitten"
    )));
    assert_eq!(result.finish_reason, FinishReason::Stop);
}

#[tokio::test]
async fn responses_stream_text_from_named_events() {
    let server = TestServer::start([raw_sse_response(FIXTURES, "responses_text", 97)]).await;
    let model = provider(&server).responses("gpt-4o-mini");
    let parts = collect_parts(model.do_stream(&CallOptions::new(vec![Message::user("Hi")])).await.unwrap().stream).await;
    assert_eq!(server.single_request().json()["stream"], true);
    assert_eq!(
        kinds(&parts),
        ["stream-start", "response-metadata", "text-start", "text-delta", "text-delta", "text-delta", "text-end", "finish"]
    );
    assert_eq!(text_of(&parts), "Hi there! How can I help?");
    match parts.last().unwrap() {
        StreamPart::Finish { finish_reason, usage, provider_metadata, .. } => {
            assert_eq!(*finish_reason, FinishReason::Stop);
            assert_eq!(usage.output_tokens.total, Some(11));
            assert_eq!(
                provider_metadata.as_ref().unwrap().get("openai").unwrap()["response_id"],
                "resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn responses_stream_function_call_arguments() {
    let server = TestServer::start([raw_sse_response(FIXTURES, "responses_tool_call", 64)]).await;
    let model = provider(&server).responses("gpt-4.1");
    let parts = collect_parts(model.do_stream(&CallOptions::new(vec![Message::user("Berlin?")])).await.unwrap().stream).await;
    assert_eq!(
        kinds(&parts),
        [
            "stream-start", "response-metadata", "tool-input-start", "tool-input-delta", "tool-input-delta",
            "tool-input-delta", "tool-input-end", "tool-call", "finish"
        ]
    );
    match &parts[7] {
        StreamPart::ToolCall(call) => {
            assert_eq!(call.tool_call_id, "call_6KxSghkb4MVnunFH2TxPErLP");
            assert_eq!(call.input, "{\"location\":\"Berlin\"}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(parts.last(), Some(StreamPart::Finish { finish_reason: FinishReason::ToolCalls, .. })));
}

#[tokio::test]
async fn responses_stream_reasoning_summaries() {
    let server = TestServer::start([raw_sse_response(FIXTURES, "responses_reasoning", 1000)]).await;
    let model = provider(&server).responses("o4-mini");
    let parts = collect_parts(model.do_stream(&CallOptions::new(vec![Message::user("2+2?")])).await.unwrap().stream).await;
    let reasoning: Vec<(String, String)> = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::ReasoningDelta { id, delta, .. } => Some((id.to_string(), delta.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        reasoning,
        [
            ("rs_6820f383d7c08191846711c5df8233bc:0".to_owned(), "**Plan** ".to_owned()),
            ("rs_6820f383d7c08191846711c5df8233bc:0".to_owned(), "add numbers".to_owned()),
            ("rs_6820f383d7c08191846711c5df8233bc:1".to_owned(), "**Check** done".to_owned()),
        ]
    );
    let ends: Vec<_> = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::ReasoningEnd { provider_metadata, .. } => provider_metadata.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(ends.len(), 2);
    assert_eq!(ends[1].get("openai").unwrap()["reasoning_encrypted_content"], "gAAAAABencrypted==");
    assert_eq!(text_of(&parts), "4");
    match parts.last().unwrap() {
        StreamPart::Finish { usage, .. } => assert_eq!(usage.output_tokens.reasoning, Some(64)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn responses_stream_error_event_ends_the_stream() {
    let server = TestServer::start([raw_sse_response(FIXTURES, "responses_error", 4096)]).await;
    let model = provider(&server).responses("gpt-4o-mini");
    let (parts, error) = collect_until_error(model.do_stream(&CallOptions::new(vec![Message::user("Hi")])).await.unwrap().stream).await;
    assert_eq!(text_of(&parts), "Par");
    let error = error.expect("error");
    let api = error.as_api_call().expect("API error");
    assert_eq!(api.message, "The model produced invalid content.");
    assert_eq!(api.code.as_deref(), Some("server_error"));
}

#[tokio::test]
async fn responses_stream_web_search_call_and_citation() {
    let server = TestServer::start([raw_sse_response(FIXTURES, "responses_web_search", 256)]).await;
    let model = provider(&server).responses("gpt-4.1");
    let parts = collect_parts(model.do_stream(&CallOptions::new(vec![Message::user("News?")])).await.unwrap().stream).await;
    assert_eq!(
        kinds(&parts),
        [
            "stream-start", "response-metadata", "tool-call", "tool-result", "text-start", "text-delta", "text-delta",
            "source", "text-end", "finish"
        ]
    );
    match &parts[2] {
        StreamPart::ToolCall(call) => assert!(call.provider_executed && call.tool_name == "web_search"),
        other => panic!("{other:?}"),
    }
    match &parts[3] {
        StreamPart::ToolResult(result) => assert_eq!(result.result["action"]["query"], "kitten rescue news"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(&parts[7], StreamPart::Source(source) if matches!(&**source, Source::Url { url, title: Some(title), .. }
        if url == "https://www.nbcnews.com/news/kitten" && title == "Kitten rescued")));
    assert!(matches!(parts.last(), Some(StreamPart::Finish { finish_reason: FinishReason::Stop, .. })));
}
