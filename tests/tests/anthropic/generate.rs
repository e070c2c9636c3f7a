//! `do_generate` against JSON fixtures.

use serde_json::{Value, json};
use specai::anthropic::{AnthropicSettings, create_anthropic};
use specai::provider::{
    AssistantPart, CallOptions, Content, FinishReason, FunctionTool, LanguageModel, Message, ProviderDefinedTool,
    ProviderOptions, ReasoningPart, ResponseFormat, Source, TextPart, ToolCallPart, ToolChoice, ToolDefinition,
    ToolResultOutput, ToolResultPart, UserPart, Warning,
};

use super::{API_KEY, MODEL, PROVIDER, assert_messages_request, provider};
use crate::support::fixtures::json_response;
use specai::provider_utils::test_server::TestServer;

fn weather_tool() -> ToolDefinition {
    ToolDefinition::Function(
        FunctionTool::new(
            "get_weather",
            json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
        )
        .with_description("The current weather of a city"),
    )
}

fn weather_tool_json() -> Value {
    json!({
        "name": "get_weather",
        "description": "The current weather of a city",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    })
}

pub(super) fn anthropic_options(value: Value) -> ProviderOptions {
    ProviderOptions::new().with("anthropic", value)
}

/// An earlier answer's content as the assistant message of the next request, the way the
/// generation functions build it: provider metadata becomes the parts' provider options.
fn assistant_message(content: &[Content]) -> Message {
    let parts = content
        .iter()
        .filter_map(|item| match item {
            Content::Text { text, .. } => Some(AssistantPart::Text(TextPart::new(text.clone()))),
            Content::Reasoning { text, provider_metadata } => Some(AssistantPart::Reasoning(
                ReasoningPart::new(text.clone()).with_provider_options(provider_metadata.clone().unwrap_or_default()),
            )),
            Content::ToolCall(call) => Some(AssistantPart::ToolCall(
                ToolCallPart::new(
                    call.tool_call_id.clone(),
                    call.tool_name.clone(),
                    serde_json::from_str(&call.input).unwrap(),
                )
                .with_provider_executed(call.provider_executed),
            )),
            Content::ToolResult(result) => Some(AssistantPart::ToolResult(ToolResultPart::new(
                result.tool_call_id.clone(),
                result.tool_name.clone(),
                ToolResultOutput::json(result.result.clone()),
            ))),
            _ => None,
        })
        .collect();
    Message::assistant_parts(parts)
}

fn weather_result(id: &str, value: Value) -> ToolResultPart {
    ToolResultPart::new(id, "get_weather", ToolResultOutput::json(value))
}

#[tokio::test]
async fn text() {
    let server = TestServer::start([json_response(PROVIDER, "text")]).await;
    let model = provider(&server).language_model(MODEL);
    let options = CallOptions::new(vec![Message::system("You are a concise assistant."), Message::user("Hello!")]);

    let response = model.do_generate(&options).await.unwrap();

    let body = assert_messages_request(&server.single_request());
    assert_eq!(
        body,
        json!({
            "model": MODEL,
            "max_tokens": 64000,
            "system": "You are a concise assistant.",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "Hello!"}]}]
        })
    );
    assert_eq!(response.request.body.as_ref().and_then(|body| body.json()), Some(body));
    assert_eq!(response.content, vec![Content::text("Hello! How can I help you today?")]);
    assert_eq!(response.finish_reason, FinishReason::Stop);
    assert_eq!(response.raw_finish_reason.as_deref(), Some("end_turn"));
    assert_eq!(response.usage.input_tokens.total, Some(12));
    assert_eq!(response.usage.input_tokens.no_cache, Some(12));
    assert_eq!(response.usage.output_tokens.total, Some(12));
    assert_eq!(response.usage.raw.as_ref().and_then(|raw| raw.json()).unwrap()["service_tier"], "standard");
    assert_eq!(response.response.id.as_deref(), Some("msg_01XFDUDYJgAACzvnptvVoYEL"));
    assert_eq!(response.response.model_id.as_deref(), Some(MODEL));
    assert_eq!(response.response.headers["content-type"], "application/json");
    assert!(response.warnings.is_empty(), "{:?}", response.warnings);
    assert_eq!(model.provider(), "anthropic.messages");
}

#[tokio::test]
async fn tool_round_trip_sends_the_call_and_its_result_back() {
    let server =
        TestServer::start([json_response(PROVIDER, "tool_call"), json_response(PROVIDER, "tool_result_answer")])
            .await;
    let model = provider(&server).language_model(MODEL);
    let question = Message::user("What's the weather in Paris?");
    let mut options = CallOptions::new(vec![question.clone()]);
    options.tools = vec![weather_tool()];
    options.tool_choice = Some(ToolChoice::Auto);
    options.max_output_tokens = Some(1024);

    let first = model.do_generate(&options).await.unwrap();

    assert_eq!(first.finish_reason, FinishReason::ToolCalls);
    assert_eq!(first.content.len(), 2);
    let Content::ToolCall(call) = &first.content[1] else { panic!("{:?}", first.content) };
    assert_eq!(call.tool_call_id, "toolu_01A09q90qw90lq917835lq9");
    assert_eq!(call.tool_name, "get_weather");
    assert_eq!(serde_json::from_str::<Value>(&call.input).unwrap(), json!({"city": "Paris"}));
    assert!(!call.provider_executed);

    options.prompt = vec![
        question,
        assistant_message(&first.content),
        Message::tool(vec![weather_result(&call.tool_call_id, json!({"temperature": 18, "conditions": "sunny"}))]),
    ];
    let second = model.do_generate(&options).await.unwrap();
    assert_eq!(second.content, vec![Content::text("It is 18°C and sunny in Paris.")]);

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        assert_messages_request(&requests[0]),
        json!({
            "model": MODEL,
            "max_tokens": 1024,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "What's the weather in Paris?"}]}],
            "tools": [weather_tool_json()],
            "tool_choice": {"type": "auto"}
        })
    );
    assert_eq!(
        assert_messages_request(&requests[1]),
        json!({
            "model": MODEL,
            "max_tokens": 1024,
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "What's the weather in Paris?"}]},
                {"role": "assistant", "content": [
                    {"type": "text", "text": "I'll check the weather in Paris."},
                    {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather", "input": {"city": "Paris"}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_01A09q90qw90lq917835lq9", "content": "{\"conditions\":\"sunny\",\"temperature\":18}"}
                ]}
            ],
            "tools": [weather_tool_json()],
            "tool_choice": {"type": "auto"}
        })
    );
}

#[tokio::test]
async fn parallel_tool_calls_and_their_results_in_one_user_turn() {
    let server = TestServer::start([
        json_response(PROVIDER, "parallel_tool_calls"),
        json_response(PROVIDER, "tool_result_answer"),
    ])
    .await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("Weather in Paris and Tokyo?")]);
    options.tools = vec![weather_tool()];
    options.max_output_tokens = Some(512);
    options.provider_options = anthropic_options(json!({"disable_parallel_tool_use": false}));

    let first = model.do_generate(&options).await.unwrap();
    let calls: Vec<_> = first
        .content
        .iter()
        .map(|item| match item {
            Content::ToolCall(call) => (call.tool_call_id.as_str(), call.input.as_str()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(calls, [("toolu_01Paris0000000000000000", r#"{"city":"Paris"}"#), ("toolu_01Tokyo0000000000000000", r#"{"city":"Tokyo"}"#)]);

    options.prompt.push(assistant_message(&first.content));
    options.prompt.push(Message::tool(vec![
        weather_result("toolu_01Paris0000000000000000", json!("18°C")),
        ToolResultPart::new(
            "toolu_01Tokyo0000000000000000",
            "get_weather",
            ToolResultOutput::error_text("weather service unavailable"),
        ),
    ]));
    model.do_generate(&options).await.unwrap();

    let requests = server.requests();
    let first_body = assert_messages_request(&requests[0]);
    assert_eq!(first_body["tool_choice"], json!({"type": "auto", "disable_parallel_tool_use": false}));
    let second_body = assert_messages_request(&requests[1]);
    assert_eq!(
        second_body["messages"],
        json!([
            {"role": "user", "content": [{"type": "text", "text": "Weather in Paris and Tokyo?"}]},
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": "toolu_01Paris0000000000000000", "name": "get_weather", "input": {"city": "Paris"}},
                {"type": "tool_use", "id": "toolu_01Tokyo0000000000000000", "name": "get_weather", "input": {"city": "Tokyo"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01Paris0000000000000000", "content": "\"18°C\""},
                {"type": "tool_result", "tool_use_id": "toolu_01Tokyo0000000000000000", "content": "weather service unavailable", "is_error": true}
            ]}
        ])
    );
}

#[tokio::test]
async fn thinking_signatures_and_redacted_thinking_round_trip() {
    let server = TestServer::start([
        json_response(PROVIDER, "thinking_tool_call"),
        json_response(PROVIDER, "tool_result_answer"),
    ])
    .await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("What's the weather in Paris?")]);
    options.tools = vec![weather_tool()];
    options.max_output_tokens = Some(2000);
    options.temperature = Some(0.3);
    options.provider_options = anthropic_options(json!({"thinking": {"type": "enabled", "budget_tokens": 1024}}));

    let first = model.do_generate(&options).await.unwrap();

    let signature = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds0EqQBCgIYAhIM";
    let redacted = "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB8URj2pLmN3kLx";
    assert_eq!(
        first.content[0],
        Content::Reasoning {
            text: "The user wants the weather in Paris. I should call get_weather.".into(),
            provider_metadata: Some(anthropic_options(json!({"signature": signature}))),
        }
    );
    assert_eq!(
        first.content[1],
        Content::Reasoning { text: String::new(), provider_metadata: Some(anthropic_options(json!({"redacted_data": redacted}))) }
    );
    assert!(matches!(&first.content[2], Content::ToolCall(call) if call.tool_call_id == "toolu_01Thk000000000000000000"));
    assert_eq!(first.warnings, vec![Warning::unsupported("temperature", Some("not supported when thinking is enabled".into()))]);

    options.prompt.push(assistant_message(&first.content));
    options.prompt.push(Message::tool(vec![weather_result("toolu_01Thk000000000000000000", json!({"temperature": 18}))]));
    model.do_generate(&options).await.unwrap();

    let requests = server.requests();
    let first_body = assert_messages_request(&requests[0]);
    assert_eq!(first_body["max_tokens"], 3024, "the thinking budget is added to max_output_tokens");
    assert_eq!(first_body["thinking"], json!({"type": "enabled", "budget_tokens": 1024}));
    assert!(first_body.get("temperature").is_none());
    let second_body = assert_messages_request(&requests[1]);
    assert_eq!(
        second_body["messages"][1],
        json!({"role": "assistant", "content": [
            {"type": "thinking", "thinking": "The user wants the weather in Paris. I should call get_weather.", "signature": signature},
            {"type": "redacted_thinking", "data": redacted},
            {"type": "tool_use", "id": "toolu_01Thk000000000000000000", "name": "get_weather", "input": {"city": "Paris"}}
        ]})
    );
}

#[tokio::test]
async fn structured_output_through_the_forced_json_tool() {
    let server = TestServer::start([json_response(PROVIDER, "structured_output")]).await;
    let model = provider(&server).language_model(MODEL);
    let schema = json!({
        "type": "object",
        "properties": {"name": {"type": "string"}, "minutes": {"type": "integer"}, "ingredients": {"type": "array", "items": {"type": "string"}}},
        "required": ["name", "minutes", "ingredients"]
    });
    let mut options = CallOptions::new(vec![Message::user("A lasagna recipe.")]);
    options.max_output_tokens = Some(1024);
    options.response_format = Some(ResponseFormat::Json { schema: Some(schema.clone()), name: Some("recipe".into()), description: None });

    let response = model.do_generate(&options).await.unwrap();

    assert_eq!(
        assert_messages_request(&server.single_request()),
        json!({
            "model": MODEL,
            "max_tokens": 1024,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "A lasagna recipe."}]}],
            "tools": [{"name": "json", "description": "Respond with a JSON object.", "input_schema": schema}],
            "tool_choice": {"type": "tool", "name": "json"}
        })
    );
    assert_eq!(response.content.len(), 1);
    let text = response.content[0].as_text().expect("the object arrives as text");
    assert_eq!(
        serde_json::from_str::<Value>(text).unwrap(),
        json!({"name": "Lasagna", "minutes": 90, "ingredients": ["pasta", "tomato", "cheese"]})
    );
    assert_eq!(response.finish_reason, FinishReason::Stop, "the forced tool call is the answer, not a tool call");
    assert_eq!(response.raw_finish_reason.as_deref(), Some("tool_use"));
    assert!(matches!(&response.warnings[..], [Warning::Compatibility { feature, .. }] if feature == "response_format"));
}

#[tokio::test]
async fn images_inline_and_by_url() {
    let server = TestServer::start([json_response(PROVIDER, "image_description")]).await;
    let model = provider(&server).language_model(MODEL);
    // A 1x1 red PNG.
    let png: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde,
    ];
    let options = CallOptions::new(vec![Message::user_parts(vec![
        UserPart::text("Describe these."),
        UserPart::file(png.to_vec(), "image/png"),
        UserPart::file_url("https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg", "image/jpeg"),
    ])]);

    let response = model.do_generate(&options).await.unwrap();

    assert_eq!(response.content, vec![Content::text("A single red pixel.")]);
    let body = assert_messages_request(&server.single_request());
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": [
            {"type": "text", "text": "Describe these."},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1Pe"}},
            {"type": "image", "source": {"type": "url", "url": "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg"}}
        ]}])
    );
    assert!(model.supported_urls().iter().any(|rule| rule.matches("image/jpeg", "https://example.com/a.jpg")));
}

#[tokio::test]
async fn pdf_input_with_betas_and_extra_headers() {
    let server = TestServer::start([json_response(PROVIDER, "text")]).await;
    let mut headers = http::HeaderMap::new();
    headers.insert("x-team", http::HeaderValue::from_static("research"));
    let provider = create_anthropic(AnthropicSettings::default().with_api_key(API_KEY).with_base_url(server.url("/v1")).with_beta("context-1m-2025-08-07").with_headers(headers));
    let mut options = CallOptions::new(vec![Message::user_parts(vec![
        UserPart::File(
            specai::provider::FilePart::new(
                specai::provider::FileData::Base64("JVBERi0xLjQ=".into()),
                "application/pdf",
            )
            .with_filename("report.pdf")
            .with_provider_options(anthropic_options(json!({"citations": {"enabled": true}}))),
        ),
        UserPart::text("Summarize."),
    ])]);
    options.headers.insert("x-request-tag", http::HeaderValue::from_static("t1"));

    provider.language_model(MODEL).do_generate(&options).await.unwrap();

    let request = server.single_request();
    let body = assert_messages_request(&request);
    assert_eq!(request.header("anthropic-beta"), Some("context-1m-2025-08-07,pdfs-2024-09-25"));
    assert_eq!(request.header("x-team"), Some("research"));
    assert_eq!(request.header("x-request-tag"), Some("t1"));
    assert_eq!(
        body["messages"][0]["content"][0],
        json!({"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQ="},
               "title": "report.pdf", "citations": {"enabled": true}})
    );
}

#[tokio::test]
async fn prompt_caching_breakpoints_and_cache_usage() {
    let server = TestServer::start([json_response(PROVIDER, "cached_prompt")]).await;
    let model = provider(&server).language_model(MODEL);
    let ephemeral = || anthropic_options(json!({"cache_control": {"type": "ephemeral"}}));
    let mut options = CallOptions::new(vec![
        Message::system("<the whole contract>").with_provider_options(ephemeral()),
        Message::user("Which section covers termination?").with_provider_options(ephemeral()),
    ]);
    options.max_output_tokens = Some(10);
    options.tools = vec![ToolDefinition::Function(
        FunctionTool::new("lookup", json!({"type": "object"}))
            .with_provider_options(anthropic_options(json!({"cache_control": {"type": "ephemeral", "ttl": "1h"}}))),
    )];

    let response = model.do_generate(&options).await.unwrap();

    let body = assert_messages_request(&server.single_request());
    assert_eq!(
        body,
        json!({
            "model": MODEL,
            "max_tokens": 10,
            "system": [{"type": "text", "text": "<the whole contract>", "cache_control": {"type": "ephemeral"}}],
            "messages": [{"role": "user", "content": [
                {"type": "text", "text": "Which section covers termination?", "cache_control": {"type": "ephemeral"}}
            ]}],
            "tools": [{"name": "lookup", "input_schema": {"type": "object"}, "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
        })
    );
    let input = response.usage.input_tokens;
    assert_eq!((input.total, input.no_cache, input.cache_read, input.cache_write), (Some(2257), Some(21), Some(2048), Some(188)));
    assert_eq!(response.finish_reason, FinishReason::Length);
    let metadata = response.provider_metadata.unwrap();
    assert_eq!(metadata.get("anthropic").unwrap()["usage"]["cache_creation_input_tokens"], 188);
}

#[tokio::test]
async fn web_search_server_tool_yields_provider_executed_call_result_and_sources() {
    let server = TestServer::start([json_response(PROVIDER, "web_search"), json_response(PROVIDER, "text")]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("When was Claude Shannon born?")]);
    options.max_output_tokens = Some(1024);
    options.tools = vec![ToolDefinition::ProviderDefined(ProviderDefinedTool::new(
        "anthropic.web_search_20250305",
        "web_search",
        json!({"max_uses": 5}),
    ))];

    let response = model.do_generate(&options).await.unwrap();

    let body = assert_messages_request(&server.requests()[0]);
    assert_eq!(body["tools"], json!([{"type": "web_search_20250305", "name": "web_search", "max_uses": 5}]));
    assert_eq!(response.finish_reason, FinishReason::Stop);
    assert_eq!(response.content.len(), 6, "{:#?}", response.content);
    let Content::ToolCall(call) = &response.content[1] else { panic!("{:?}", response.content[1]) };
    assert!(call.provider_executed);
    assert_eq!((call.tool_name.as_str(), call.input.as_str()), ("web_search", r#"{"query":"claude shannon birth date"}"#));
    let Content::ToolResult(result) = &response.content[2] else { panic!("{:?}", response.content[2]) };
    assert_eq!(result.tool_call_id, "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE");
    assert!(!result.is_error);
    assert_eq!(result.result[0]["url"], "https://en.wikipedia.org/wiki/Claude_Shannon");
    match &response.content[3] {
        Content::Source(Source::Url { url, title, .. }) => {
            assert_eq!(url, "https://en.wikipedia.org/wiki/Claude_Shannon");
            assert_eq!(title.as_deref(), Some("Claude Shannon - Wikipedia"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&response.content[4], Content::Source(Source::Url { url, .. }) if url.contains("britannica")));
    assert_eq!(response.content[5].as_text(), Some("Claude Shannon was born on April 30, 1916, in Petoskey, Michigan."));
    assert_eq!(response.usage.raw.as_ref().and_then(|raw| raw.json()).unwrap()["server_tool_use"]["web_search_requests"], 1);

    // The server tool's call and result go back as they came.
    options.prompt.push(assistant_message(&response.content));
    options.prompt.push(Message::user("And where?"));
    model.do_generate(&options).await.unwrap();
    let body = assert_messages_request(&server.requests()[1]);
    let assistant = &body["messages"][1]["content"];
    assert_eq!(
        assistant[1],
        json!({"type": "server_tool_use", "id": "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE", "name": "web_search", "input": {"query": "claude shannon birth date"}})
    );
    assert_eq!(assistant[2]["type"], "web_search_tool_result");
    assert_eq!(assistant[2]["tool_use_id"], "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE");
    assert_eq!(assistant[2]["content"][1]["encrypted_content"], "EpwBCioIARgBIiQ5YjM0MDk2Ny0yNDI2LTQ5MWEtYjNkMS00ODQyYjU5ZmRmZ");
}
