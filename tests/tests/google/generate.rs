//! `generateContent`: text, tools, thinking, structured output, files, provider tools, errors.

use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use specai::provider::{
    CallOptions, Content, FinishReason, LanguageModel, Message, ProviderOptions, Source, ToolChoice, UserPart,
};
use specai::provider_utils::test_server::TestServer;
use specai::retry::RetryPolicy;
use specai::{Error, StepContent, Tool, ToolError, generate_object, generate_text, step_count_is};

use super::{MODEL, assert_request, error_response, json_response, provider};

const GENERATE_PATH: &str = "/v1beta/models/gemini-2.5-flash:generateContent";

#[derive(Debug, Deserialize, JsonSchema)]
struct WeatherInput {
    city: String,
}

fn weather_tool() -> Tool {
    Tool::typed::<WeatherInput>("The weather in a city").execute(|input: WeatherInput, _context| async move {
        Ok::<_, ToolError>(json!({"city": input.city, "celsius": 21, "sky": "sunny"}))
    })
}

const WEATHER_DECLARATION: fn() -> serde_json::Value = || {
    json!({
        "name": "weather",
        "description": "The weather in a city",
        "parameters": {
            "type": "OBJECT", "title": "WeatherInput", "properties": {"city": {"type": "STRING"}}, "required": ["city"]
        }
    })
};

#[tokio::test]
async fn text_generation_sends_every_setting_and_maps_usage() {
    let server = TestServer::start(vec![json_response("text")]).await;
    let model = provider(&server).language_model(MODEL);
    let result = generate_text(model)
        .system("Be brief.")
        .prompt("Hello")
        .max_output_tokens(256)
        .temperature(0.7)
        .top_p(0.5)
        .top_k(40)
        .stop_sequences(["END"])
        .seed(42)
        .presence_penalty(0.25)
        .frequency_penalty(0.5)
        .header("x-request-tag", "t1")
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_request(
        &requests[0],
        GENERATE_PATH,
        json!({
            "systemInstruction": {"parts": [{"text": "Be brief."}]},
            "contents": [{"role": "user", "parts": [{"text": "Hello"}]}],
            "generationConfig": {
                "maxOutputTokens": 256, "temperature": 0.7, "topP": 0.5, "topK": 40, "stopSequences": ["END"],
                "seed": 42, "presencePenalty": 0.25, "frequencyPenalty": 0.5
            }
        }),
    );
    assert_eq!(requests[0].header("x-request-tag"), Some("t1"));

    assert_eq!(result.text(), "Hello! How can I help you today?");
    let step = result.final_step();
    assert_eq!(step.finish_reason, FinishReason::Stop);
    assert_eq!(step.raw_finish_reason.as_deref(), Some("STOP"));
    assert_eq!(step.usage.input_tokens.total, Some(4));
    assert_eq!(step.usage.output_tokens.total, Some(9));
    assert_eq!(step.response.id.as_deref(), Some("mAitaLmkHPPlz7IPvtfUqQc"));
    assert_eq!(step.response.model_id.as_deref(), Some("gemini-2.5-flash"));
    assert!(step.warnings.is_empty(), "{:?}", step.warnings);
}

#[tokio::test]
async fn tool_round_trip_sends_the_result_in_the_next_request() {
    let server = TestServer::start(vec![json_response("tool_call"), json_response("tool_followup")]).await;
    let model = provider(&server).language_model(MODEL);
    let result = generate_text(model)
        .prompt("What is the weather in Paris?")
        .tool("weather", weather_tool())
        .tool_choice(ToolChoice::Auto)
        .stop_when(step_count_is(3))
        .await
        .unwrap();
    assert_eq!(result.text(), "It is 21 degrees and sunny in Paris.");
    assert_eq!(result.steps.len(), 2);
    assert_eq!(result.steps[0].finish_reason, FinishReason::ToolCalls);

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let tools = json!([{"functionDeclarations": [WEATHER_DECLARATION()]}]);
    let tool_config = json!({"functionCallingConfig": {"mode": "AUTO"}});
    assert_request(
        &requests[0],
        GENERATE_PATH,
        json!({
            "contents": [{"role": "user", "parts": [{"text": "What is the weather in Paris?"}]}],
            "tools": tools, "toolConfig": tool_config, "generationConfig": {}
        }),
    );
    assert_request(
        &requests[1],
        GENERATE_PATH,
        json!({
            "contents": [
                {"role": "user", "parts": [{"text": "What is the weather in Paris?"}]},
                {"role": "model", "parts": [{"functionCall": {"name": "weather", "args": {"city": "Paris"}}}]},
                {"role": "user", "parts": [{"functionResponse": {"name": "weather", "response": {
                    "name": "weather", "content": {"city": "Paris", "celsius": 21, "sky": "sunny"}
                }}}]}
            ],
            "tools": tools, "toolConfig": tool_config, "generationConfig": {}
        }),
    );
}

#[tokio::test]
async fn thought_signatures_are_sent_back_with_the_function_call() {
    let server = TestServer::start(vec![json_response("thinking_tool_call"), json_response("tool_followup")]).await;
    let model = provider(&server).language_model(MODEL);
    let thinking = ProviderOptions::new().with("google", json!({"thinkingConfig": {"includeThoughts": true, "thinkingBudget": 1024}}));
    let result = generate_text(model)
        .prompt("What is the weather in Paris?")
        .tool("weather", weather_tool())
        .provider_options(thinking)
        .stop_when(step_count_is(3))
        .await
        .unwrap();
    let first = &result.steps[0];
    assert_eq!(
        first.reasoning_text().as_deref(),
        Some("**Checking the weather**\n\nThe user wants the weather in Paris, so I will call the weather tool.")
    );
    assert_eq!(first.usage.output_tokens.reasoning, Some(60));
    assert_eq!(first.usage.output_tokens.total, Some(75));

    let second = server.requests()[1].json();
    assert_eq!(
        second["contents"][1],
        json!({"role": "model", "parts": [
            {"text": "**Checking the weather**\n\nThe user wants the weather in Paris, so I will call the weather tool.", "thought": true},
            {"functionCall": {"name": "weather", "args": {"city": "Paris"}}, "thoughtSignature": "CiQBVKhc7oGhSX1ZlFr0fUyYQ9wSp6x1uNiz8FnKtg2n3w=="}
        ]})
    );
    assert_eq!(second["generationConfig"], json!({"thinkingConfig": {"includeThoughts": true, "thinkingBudget": 1024}}));
}

#[derive(Debug, Deserialize, JsonSchema, PartialEq)]
struct Person {
    name: String,
    born: u32,
}

#[tokio::test]
async fn structured_output_sends_a_gemini_schema() {
    let server = TestServer::start(vec![json_response("structured_output")]).await;
    let model = provider(&server).language_model(MODEL);
    let result = generate_object::<Person>(model).prompt("Who wrote the first program?").await.unwrap();
    assert_eq!(result.output, Person { name: "Ada Lovelace".into(), born: 1815 });

    let body = server.requests()[0].json();
    assert_eq!(body["generationConfig"]["responseMimeType"], "application/json");
    assert_eq!(
        body["generationConfig"]["responseSchema"],
        json!({
            "type": "OBJECT",
            "title": "Person",
            "properties": {"name": {"type": "STRING"}, "born": {"type": "INTEGER", "format": "uint32", "minimum": 0}},
            "required": ["name", "born"]
        })
    );
}

#[tokio::test]
async fn images_and_file_urls_in_the_prompt() {
    let server = TestServer::start(vec![json_response("text")]).await;
    let model = provider(&server).language_model(MODEL);
    let png = vec![0x89u8, b'P', b'N', b'G'];
    generate_text(model)
        .messages(vec![Message::user_parts(vec![
            UserPart::text("Describe these."),
            UserPart::file(png, "image/png"),
            UserPart::file_url("https://generativelanguage.googleapis.com/v1beta/files/abc123", "application/pdf"),
            UserPart::file_url("data:image/jpeg;base64,/9j/4AAQ", "image/jpeg"),
        ])])
        .await
        .unwrap();
    assert_request(
        &server.requests()[0],
        GENERATE_PATH,
        json!({
            "contents": [{"role": "user", "parts": [
                {"text": "Describe these."},
                {"inlineData": {"mimeType": "image/png", "data": "iVBORw=="}},
                {"fileData": {"mimeType": "application/pdf", "fileUri": "https://generativelanguage.googleapis.com/v1beta/files/abc123"}},
                {"inlineData": {"mimeType": "image/jpeg", "data": "/9j/4AAQ"}}
            ]}],
            "generationConfig": {}
        }),
    );
}

#[tokio::test]
async fn error_body_becomes_an_api_call_error() {
    let server = TestServer::start(vec![error_response("error_400", 400)]).await;
    let model = provider(&server).language_model(MODEL);
    let error = generate_text(model).prompt("Hello").await.unwrap_err();
    let api = error.as_api_call().unwrap_or_else(|| panic!("not an API error: {error:?}"));
    assert_eq!(api.status, 400);
    assert_eq!(api.message, "API key not valid. Please pass a valid API key.");
    assert_eq!(api.error_type.as_deref(), Some("INVALID_ARGUMENT"));
    assert_eq!(api.code.as_deref(), Some("400"));
    assert!(!api.is_retryable);
    assert!(api.url.ends_with(GENERATE_PATH), "{}", api.url);
    assert!(!format!("{error:?}").contains("test-key"), "the key leaked into the error");
    assert_eq!(server.requests().len(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn quota_error_is_retried_then_succeeds() {
    let server = TestServer::start(vec![error_response("error_429", 429), json_response("text")]).await;
    let model = provider(&server).language_model(MODEL);
    let policy = RetryPolicy { max_retries: 1, initial_delay: Duration::from_millis(5), ..RetryPolicy::default() };
    let result = generate_text(model).prompt("Hello").retry_policy(policy).await.unwrap();
    assert_eq!(result.text(), "Hello! How can I help you today?");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn quota_error_is_retryable_and_typed() {
    let server = TestServer::start(vec![error_response("error_429", 429)]).await;
    let model = provider(&server).language_model(MODEL);
    let error = model.do_generate(&CallOptions::new(vec![Message::user("Hello")])).await.unwrap_err();
    assert!(error.is_retryable());
    assert_eq!(error.as_api_call().unwrap().error_type.as_deref(), Some("RESOURCE_EXHAUSTED"));
}

#[tokio::test]
async fn google_search_grounding_becomes_sources() {
    let server = TestServer::start(vec![json_response("grounding")]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("Who won Euro 2024?")]);
    options.tools = vec![specai::google::tools::google_search()];
    let response = model.do_generate(&options).await.unwrap();

    assert_request(
        &server.requests()[0],
        GENERATE_PATH,
        json!({
            "contents": [{"role": "user", "parts": [{"text": "Who won Euro 2024?"}]}],
            "tools": [{"googleSearch": {}}],
            "generationConfig": {}
        }),
    );
    let sources: Vec<(&str, Option<&str>)> = response
        .content
        .iter()
        .filter_map(|content| match content {
            Content::Source(Source::Url { url, title, .. }) => Some((url.as_str(), title.as_deref())),
            _ => None,
        })
        .collect();
    assert_eq!(
        sources,
        vec![
            ("https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXE1", Some("uefa.com")),
            ("https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXE2", Some("aljazeera.com")),
        ]
    );
    let metadata = response.provider_metadata.unwrap();
    assert_eq!(metadata.get("google").unwrap()["groundingMetadata"]["webSearchQueries"], json!(["who won euro 2024"]));
    assert_eq!(response.finish_reason, FinishReason::Stop);
}

#[tokio::test]
async fn code_execution_is_a_provider_executed_call_and_result() {
    let server = TestServer::start(vec![json_response("code_execution")]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("Sum 1..10 with code.")]);
    options.tools = vec![specai::google::tools::code_execution(), specai::google::tools::url_context()];
    let response = model.do_generate(&options).await.unwrap();

    let body = server.requests()[0].json();
    assert_eq!(body["tools"], json!([{"codeExecution": {}}, {"urlContext": {}}]));
    match (&response.content[1], &response.content[2]) {
        (Content::ToolCall(call), Content::ToolResult(result)) => {
            assert!(call.provider_executed);
            assert_eq!(call.tool_name, "code_execution");
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&call.input).unwrap(),
                json!({"language": "PYTHON", "code": "print(sum(range(1, 11)))\n"})
            );
            assert_eq!(result.tool_call_id, call.tool_call_id);
            assert_eq!(result.result, json!({"outcome": "OUTCOME_OK", "output": "55\n"}));
            assert!(!result.is_error);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(response.content[3].as_text(), Some("The sum of the numbers from 1 to 10 is 55."));
    // Provider-executed calls are not calls for the application to answer.
    assert_eq!(response.finish_reason, FinishReason::Stop);
}

#[tokio::test]
async fn safety_block_is_a_content_filter_finish() {
    let server = TestServer::start(vec![json_response("safety_blocked")]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("...")]);
    options.provider_options = ProviderOptions::new().with(
        "google",
        json!({"safetySettings": [{"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "threshold": "BLOCK_LOW_AND_ABOVE"}]}),
    );
    let response = model.do_generate(&options).await.unwrap();
    assert_eq!(
        server.requests()[0].json()["safetySettings"],
        json!([{"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "threshold": "BLOCK_LOW_AND_ABOVE"}])
    );
    assert!(response.content.is_empty());
    assert_eq!(response.finish_reason, FinishReason::ContentFilter);
    assert_eq!(response.raw_finish_reason.as_deref(), Some("SAFETY"));
    let metadata = response.provider_metadata.unwrap();
    assert_eq!(metadata.get("google").unwrap()["safetyRatings"][3]["blocked"], json!(true));
}

#[tokio::test]
async fn misspelt_provider_option_is_rejected_before_sending() {
    let server = TestServer::start(vec![]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("hi")]);
    options.provider_options = ProviderOptions::new().with("google", json!({"thinkingBudget": 10}));
    let error = model.do_generate(&options).await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn tool_calls_are_step_content() {
    let server = TestServer::start(vec![json_response("tool_call")]).await;
    let model = provider(&server).language_model(MODEL);
    let result = generate_text(model)
        .prompt("What is the weather in Paris?")
        .tool("weather", Tool::typed::<WeatherInput>("The weather in a city").without_execute())
        .tool_choice(ToolChoice::Tool { tool_name: "weather".into() })
        .await
        .unwrap();
    let body = server.requests()[0].json();
    assert_eq!(body["toolConfig"], json!({"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["weather"]}}));
    let call = result
        .content()
        .iter()
        .find_map(|content| match content {
            StepContent::ToolCall(call) => Some(call),
            _ => None,
        })
        .expect("a tool call");
    assert_eq!(call.tool_name, "weather");
    assert_eq!(call.input, json!({"city": "Paris"}));
}

#[tokio::test]
async fn blocked_prompt_is_a_content_filter_finish() {
    let server = TestServer::start(vec![json_response("prompt_blocked")]).await;
    let model = provider(&server).language_model(MODEL);
    let response = model.do_generate(&CallOptions::new(vec![Message::user("...")])).await.unwrap();
    assert!(response.content.is_empty());
    assert_eq!(response.finish_reason, FinishReason::ContentFilter);
    assert_eq!(response.raw_finish_reason.as_deref(), Some("SAFETY"));
    let metadata = response.provider_metadata.unwrap();
    assert_eq!(metadata.get("google").unwrap()["promptFeedback"]["blockReason"], "SAFETY");
}

#[tokio::test]
async fn media_resolution_retrieval_config_and_cached_content_options() {
    let server = TestServer::start(vec![json_response("grounding")]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("Restaurants near me?")]);
    options.tools = vec![specai::google::tools::google_search()];
    options.provider_options = ProviderOptions::new().with(
        "google",
        json!({
            "mediaResolution": "MEDIA_RESOLUTION_LOW",
            "retrievalConfig": {"latLng": {"latitude": 48.85, "longitude": 2.35}, "languageCode": "fr"},
            "cachedContent": "cachedContents/abc123",
            "responseModalities": ["TEXT"]
        }),
    );
    model.do_generate(&options).await.unwrap();
    assert_request(
        &server.requests()[0],
        GENERATE_PATH,
        json!({
            "contents": [{"role": "user", "parts": [{"text": "Restaurants near me?"}]}],
            "tools": [{"googleSearch": {}}],
            "toolConfig": {"retrievalConfig": {"latLng": {"latitude": 48.85, "longitude": 2.35}, "languageCode": "fr"}},
            "cachedContent": "cachedContents/abc123",
            "generationConfig": {"mediaResolution": "MEDIA_RESOLUTION_LOW", "responseModalities": ["TEXT"]}
        }),
    );
}
