//! `POST /v2/chat`: text, tools and tool plans, documents and citations, thinking, errors.

use std::time::Duration;

use serde_json::json;
use specai::provider::{
    CallOptions, Content, FilePart, FileData, FinishReason, FunctionTool, LanguageModel, Message, Source, ToolChoice,
    ToolDefinition, UserPart,
};
use specai::provider_utils::test_server::TestServer;
use specai::retry::RetryPolicy;
use specai::{Error, generate_text};

use super::{MODEL, assert_request, error_response, json_response, provider};

#[tokio::test]
async fn text_generation_sends_settings_and_maps_usage() {
    let server = TestServer::start(vec![json_response("chat_text")]).await;
    let result = generate_text(provider(&server).language_model(MODEL))
        .system("Answer in French first.")
        .prompt("Hello")
        .max_output_tokens(256)
        .temperature(0.3)
        .top_k(20)
        .seed(42)
        .await
        .unwrap();
    assert_request(
        &server.single_request(),
        "/v2/chat",
        json!({
            "model": MODEL,
            "messages": [
                {"role": "system", "content": "Answer in French first."},
                {"role": "user", "content": [{"type": "text", "text": "Hello"}]}
            ],
            "max_tokens": 256, "temperature": 0.3, "k": 20, "seed": 42
        }),
    );
    assert_eq!(result.text(), "Bonjour! How can I help you today?");
    let step = &result.steps[0];
    assert_eq!(step.finish_reason, FinishReason::Stop);
    assert_eq!(step.raw_finish_reason.as_deref(), Some("COMPLETE"));
    assert_eq!(step.response.id.as_deref(), Some("5a1f3c2e-8b7d-4e1a-9c3f-2d6e8a0b4c11"));
    let usage = &result.total_usage;
    assert_eq!((usage.input_tokens.total, usage.output_tokens.total), (Some(212), Some(10)));
    let billed = &step.provider_metadata.as_ref().unwrap().get("cohere").unwrap()["billedUnits"];
    assert_eq!(billed, &json!({"input_tokens": 6.0, "output_tokens": 10.0}));
}

#[tokio::test]
async fn tool_calls_keep_their_ids_and_the_plan() {
    let server = TestServer::start(vec![json_response("chat_tool_call")]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("Weather and time in Paris?")]);
    options.tools = vec![
        ToolDefinition::Function(
            FunctionTool::new("get_weather", json!({"type": "object", "properties": {"city": {"type": "string"}}}))
                .with_description("The weather."),
        ),
        ToolDefinition::Function(FunctionTool::new("get_time", json!({"type": "object", "properties": {}}))),
    ];
    options.tool_choice = Some(ToolChoice::Required);
    let response = model.do_generate(&options).await.unwrap();
    assert_request(
        &server.single_request(),
        "/v2/chat",
        json!({
            "model": MODEL,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "Weather and time in Paris?"}]}],
            "tools": [
                {"type": "function", "function": {"name": "get_weather", "description": "The weather.",
                  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}},
                {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}}}
            ],
            "tool_choice": "REQUIRED"
        }),
    );
    assert_eq!(response.finish_reason, FinishReason::ToolCalls);
    let calls: Vec<_> = response.content.iter().filter_map(|part| match part { Content::ToolCall(call) => Some(call), _ => None }).collect();
    assert_eq!(calls.len(), 2);
    assert_eq!((calls[0].tool_call_id.as_str(), calls[0].input.as_str()), ("get_weather_7k2m9x4p1q8r", r#"{"city":"Paris"}"#));
    assert_eq!(calls[1].input, "{}", "`null` arguments of a tool without parameters");
    let cohere = response.provider_metadata.unwrap().get("cohere").unwrap().clone();
    assert_eq!(cohere["toolPlan"], "I will look up the weather in Paris.");
}

#[tokio::test]
async fn documents_are_sent_and_citations_come_back_as_sources() {
    let server = TestServer::start(vec![json_response("chat_citations")]).await;
    let model = provider(&server).language_model(MODEL);
    let notes = FilePart::new(FileData::Bytes("The lighthouse was built in 1902. It is 38 metres tall.".into()), "text/plain")
        .with_filename("lighthouse.txt");
    let options = CallOptions::new(vec![Message::user_parts(vec![UserPart::text("When was it built, how tall is it?"), UserPart::File(notes)])]);
    let response = model.do_generate(&options).await.unwrap();
    assert_request(
        &server.single_request(),
        "/v2/chat",
        json!({
            "model": MODEL,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "When was it built, how tall is it?"}]}],
            "documents": [{"data": {"text": "The lighthouse was built in 1902. It is 38 metres tall.", "title": "lighthouse.txt"}}]
        }),
    );
    assert!(matches!(&response.content[0], Content::Reasoning { text, .. } if text.starts_with("The notes list")));
    assert!(matches!(&response.content[1], Content::Text { text, .. } if text.ends_with("38 metres tall.")));
    let sources: Vec<&Source> = response.content.iter().filter_map(|part| match part { Content::Source(source) => Some(source), _ => None }).collect();
    assert_eq!(sources.len(), 2);
    match sources[1] {
        Source::Document { title, media_type, provider_metadata, .. } => {
            assert_eq!((title.as_str(), media_type.as_str()), ("lighthouse.txt", "text/plain"));
            let cohere = provider_metadata.as_ref().unwrap().get("cohere").unwrap();
            assert_eq!((cohere["start"].as_i64(), cohere["end"].as_i64(), cohere["text"].as_str()), (Some(40), Some(49), Some("38 metres")));
            assert_eq!(cohere["citationType"], "TEXT_CONTENT");
            assert_eq!(cohere["sources"][0]["id"], "doc:0");
        }
        other => panic!("{other:?}"),
    }
    let input = response.usage.input_tokens;
    assert_eq!((input.total, input.cache_read, input.no_cache), (Some(1544), Some(1024), Some(520)));
}

#[tokio::test]
async fn structured_output_sends_the_schema() {
    let server = TestServer::start(vec![json_response("chat_text")]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("A city as JSON")]);
    let schema = json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]});
    options.response_format = Some(specai::provider::ResponseFormat::Json { schema: Some(schema.clone()), name: None, description: None });
    model.do_generate(&options).await.unwrap();
    assert_eq!(server.single_request().json()["response_format"], json!({"type": "json_object", "json_schema": schema}));
}

#[tokio::test]
async fn rate_limit_is_retried_then_succeeds() {
    let server = TestServer::start(vec![error_response("error_429", 429), json_response("chat_text")]).await;
    let policy = RetryPolicy { max_retries: 1, initial_delay: Duration::from_millis(5), ..RetryPolicy::default() };
    let result = generate_text(provider(&server).language_model(MODEL)).prompt("Hello").retry_policy(policy).await.unwrap();
    assert_eq!(result.text(), "Bonjour! How can I help you today?");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_unknown_model_is_a_typed_error_with_cohere_s_message() {
    let server = TestServer::start(vec![error_response("error_404", 404)]).await;
    let error = provider(&server).language_model("command-z").do_generate(&CallOptions::new(vec![Message::user("Hello")])).await.unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!(api.status, 404);
    assert!(api.message.starts_with("invalid request: model 'command-z' not found"), "{}", api.message);
    assert!(!error.is_retryable());
    assert!(!format!("{error:?}").contains("test-key"), "the key leaked into the error");
    assert!(matches!(error, Error::ApiCall(_)));
}
