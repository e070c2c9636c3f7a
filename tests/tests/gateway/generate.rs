//! `POST /language-model` without streaming: the AI SDK's call options as the body, the
//! result's content, usage, finish reason, metadata and warnings; auth forms; errors.

use std::time::Duration;

use serde_json::json;
use specai::gateway::{GatewayOptions, GatewaySettings, create_gateway};
use specai::provider::{CallOptions, Content, FinishReason, FunctionTool, LanguageModel, Message, ProviderOptions, Source, ToolDefinition, Warning};
use specai::provider_utils::test_server::TestServer;
use specai::retry::RetryPolicy;
use specai::{Error, generate_text};

use super::{MODEL, assert_gateway_headers, error_response, json_response, provider};

#[tokio::test]
async fn generate_sends_the_call_options_and_reads_the_result() {
    let server = TestServer::start(vec![json_response("generate_text")]).await;
    let options = GatewayOptions::default().with_order(["bedrock", "anthropic"]).with_only(["bedrock", "anthropic"]);
    let result = generate_text(provider(&server).language_model(MODEL))
        .system("Be brief.")
        .prompt("Hello")
        .max_output_tokens(200)
        .temperature(0.5)
        .provider_options(options.into_provider_options().unwrap())
        .await
        .unwrap();
    let request = server.single_request();
    assert_gateway_headers(&request, "POST", "/v4/ai/language-model");
    assert_eq!(request.header("ai-language-model-specification-version"), Some("4"));
    assert_eq!(request.header("ai-language-model-id"), Some(MODEL));
    assert_eq!(request.header("ai-language-model-streaming"), Some("false"));
    assert_eq!(
        request.json(),
        json!({
            "prompt": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "Hello"}]}
            ],
            "maxOutputTokens": 200, "temperature": 0.5,
            "providerOptions": {"gateway": {"order": ["bedrock", "anthropic"], "only": ["bedrock", "anthropic"]}}
        })
    );
    assert_eq!(result.text(), "Hello! How can I help you today?");
    let step = &result.steps[0];
    assert_eq!(step.reasoning_text().as_deref(), Some("The user greets me; answer briefly."));
    assert_eq!((step.finish_reason, step.raw_finish_reason.as_deref()), (FinishReason::Stop, Some("end_turn")));
    let usage = &result.total_usage;
    assert_eq!((usage.input_tokens.total, usage.input_tokens.cache_read, usage.input_tokens.no_cache), (Some(1422), Some(1408), Some(14)));
    assert_eq!((usage.output_tokens.total, usage.output_tokens.reasoning), (Some(20), Some(8)));
    assert!(matches!(result.sources().collect::<Vec<_>>()[..], [Source::Url { url, .. }] if url == "https://vercel.com/docs/ai-gateway"));
    let metadata = step.provider_metadata.as_ref().unwrap();
    assert_eq!(metadata.get("gateway").unwrap()["routing"]["finalProvider"], "anthropic");
    assert_eq!(step.response.id.as_deref(), Some("msg_01XFDUDYJgAACzvnptvVoYEL"));
    assert_eq!(step.response.model_id.as_deref(), Some("claude-sonnet-4-5-20250929"));
    let seconds = step.response.timestamp.unwrap().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
    assert_eq!(seconds, 1_764_673_201_834);
    assert!(matches!(&step.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "seed"));
}

#[tokio::test]
async fn tool_calls_and_an_oidc_token_for_a_team() {
    let server = TestServer::start(vec![json_response("generate_tool_call")]).await;
    let gateway = create_gateway(
        GatewaySettings::default().with_oidc_token("oidc-token").with_team("acme").with_base_url(server.url("/v4/ai")),
    );
    let mut options = CallOptions::new(vec![Message::user("Weather in Paris?")]);
    options.tools = vec![ToolDefinition::Function(FunctionTool::new("weather", json!({"type": "object"})))];
    let response = gateway.language_model(MODEL).do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.header("authorization"), Some("Bearer oidc-token"));
    assert_eq!(request.header("ai-gateway-auth-method"), Some("oidc"));
    assert_eq!(request.header("x-vercel-ai-gateway-team"), Some("acme"));
    assert_eq!(request.json()["tools"], json!([{"type": "function", "name": "weather", "inputSchema": {"type": "object"}}]));
    assert_eq!(response.finish_reason, FinishReason::ToolCalls);
    match &response.content[1] {
        Content::ToolCall(call) => assert_eq!((call.tool_call_id.as_str(), call.input.as_str()), ("toolu_01A09q90qw90lq917835lq9", r#"{"city":"Paris"}"#)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn rate_limits_are_retried_and_auth_errors_are_not() {
    let server = TestServer::start(vec![error_response("error_429", 429), json_response("generate_text"), error_response("error_401", 401)]).await;
    let model = provider(&server).language_model(MODEL);
    let policy = RetryPolicy { max_retries: 1, initial_delay: Duration::from_millis(5), ..RetryPolicy::default() };
    let result = generate_text(model.clone()).prompt("Hello").retry_policy(policy).await.unwrap();
    assert_eq!(result.text(), "Hello! How can I help you today?");
    assert_eq!(server.requests().len(), 2);
    let error = generate_text(model).prompt("Hello").retry_policy(policy).await.unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!((api.status, api.error_type.as_deref()), (401, Some("authentication_error")));
    assert!(api.message.starts_with("Invalid API key provided."));
    assert_eq!(server.requests().len(), 3, "a 401 is not retried");
    assert!(!format!("{error:?}").contains("test-key"));
}

#[tokio::test]
async fn an_unknown_model_is_a_typed_error() {
    let server = TestServer::start(vec![error_response("error_404", 404)]).await;
    let error = provider(&server).language_model("acme/nope").do_generate(&CallOptions::new(vec![Message::user("Hi")])).await.unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!((api.status, api.error_type.as_deref(), api.message.as_str()), (404, Some("model_not_found"), "Model 'acme/nope' not found"));
}

#[tokio::test]
async fn mistyped_gateway_options_fail_before_any_request() {
    let server = TestServer::start(vec![]).await;
    let mut options = CallOptions::new(vec![Message::user("Hi")]);
    options.provider_options = ProviderOptions::new().with("gateway", json!({"order": "bedrock"}));
    let error = provider(&server).language_model(MODEL).do_generate(&options).await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    assert!(server.requests().is_empty());
}
