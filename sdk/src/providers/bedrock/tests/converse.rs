//! Converse: the request as signed and sent, the answer as mapped, errors and retries.

use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn converse_sends_a_signed_request_and_maps_reasoning_text_tools_usage_and_trace() {
    let server =
        TestServer::start([
            TestResponse::text(200, fixture("converse_reasoning_tool.json"))
                .header("content-type", "application/json")
                .header("x-amzn-requestid", "req-1"),
        ])
        .await;
    let model =
        signed_provider(&server).language_model("us.anthropic.claude-3-7-sonnet-20250219-v1:0");
    let mut options = CallOptions::new(vec![
        Message::system("Be brief."),
        Message::user("Weather in Paris?"),
    ]);
    options.tools = vec![weather_tool()];
    options.temperature = Some(0.7);
    options.max_output_tokens = Some(512);
    options.provider_options = ProviderOptions::new().with("bedrock", json!({"guardrailConfig": {"guardrailIdentifier": "abc123xyz", "guardrailVersion": "1", "trace": "enabled"}}));
    let response = model.do_generate(&options).await.unwrap();

    let request = server.single_request();
    assert_signed(
        &request,
        "/model/us.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse",
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        json!({
            "messages": [{"role": "user", "content": [{"text": "Weather in Paris?"}]}],
            "system": [{"text": "Be brief."}],
            "inferenceConfig": {"maxTokens": 512, "temperature": 0.7},
            "toolConfig": {"tools": [{"toolSpec": {"name": "weather", "description": "Weather by city", "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}}}}}]},
            "guardrailConfig": {"guardrailIdentifier": "abc123xyz", "guardrailVersion": "1", "trace": "enabled"}
        })
    );
    // Written as given, not as the f32's long expansion.
    assert!(
        request.body_text().contains("\"temperature\":0.7"),
        "{}",
        request.body_text()
    );

    assert_eq!(response.finish_reason, FinishReason::ToolCalls);
    assert_eq!(response.raw_finish_reason.as_deref(), Some("tool_use"));
    match &response.content[..] {
        [
            Content::Reasoning {
                text,
                provider_metadata,
            },
            Content::Text { text: answer, .. },
            Content::ToolCall(call),
        ] => {
            assert!(text.starts_with("The user wants"));
            assert_eq!(
                provider_metadata.as_ref().unwrap().get("bedrock"),
                Some(&json!({"signature": "ErcBCkgIAxABGAIiQBR1qv3xExampleSignature=="}))
            );
            assert_eq!(answer, "Let me check the weather.");
            assert_eq!(
                (
                    call.tool_call_id.as_str(),
                    call.tool_name.as_str(),
                    call.input.as_str()
                ),
                (
                    "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
                    "weather",
                    r#"{"city":"Paris"}"#
                )
            );
        }
        other => panic!("{other:?}"),
    }
    let usage = &response.usage;
    assert_eq!(
        (
            usage.input_tokens.total,
            usage.input_tokens.no_cache,
            usage.input_tokens.cache_read,
            usage.input_tokens.cache_write
        ),
        (Some(2468), Some(420), Some(2000), Some(48))
    );
    assert_eq!(usage.output_tokens.total, Some(96));
    let metadata = response
        .provider_metadata
        .as_ref()
        .unwrap()
        .get("bedrock")
        .unwrap();
    assert_eq!(
        metadata["trace"]["guardrail"]["inputAssessment"]["abc123xyz"]["contentPolicy"]["filters"]
            [0]["type"],
        "VIOLENCE"
    );
    assert_eq!(metadata["usage"]["cacheWriteInputTokens"], 48);
    assert_eq!(response.response.id.as_deref(), Some("req-1"));
}

#[tokio::test]
async fn reasoning_with_its_signature_goes_back_and_thinking_is_requested() {
    let server =
        TestServer::start([
            TestResponse::text(200, fixture("converse_reasoning_tool.json"))
                .header("content-type", "application/json"),
        ])
        .await;
    let model =
        signed_provider(&server).language_model("anthropic.claude-3-7-sonnet-20250219-v1:0");
    let first = model
        .do_generate(&CallOptions::new(vec![Message::user("Weather in Paris?")]))
        .await
        .unwrap();
    // The answer's parts, sent back as the assistant turn, carry the signature as options.
    let assistant: Vec<crate::provider::AssistantPart> = first
        .content
        .iter()
        .filter_map(|part| match part {
            Content::Reasoning {
                text,
                provider_metadata,
            } => Some(crate::provider::AssistantPart::Reasoning(
                crate::provider::ReasoningPart::new(text.clone())
                    .with_provider_options(ProviderOptions(provider_metadata.clone().unwrap().0)),
            )),
            _ => None,
        })
        .collect();
    server.push(
        TestResponse::text(200, fixture("converse_reasoning_tool.json"))
            .header("content-type", "application/json"),
    );
    let mut options = CallOptions::new(vec![
        Message::user("Weather in Paris?"),
        Message::assistant_parts(assistant),
        Message::user("And now?"),
    ]);
    options.temperature = Some(0.5);
    options.provider_options = ProviderOptions::new().with(
        "bedrock",
        json!({"reasoningConfig": {"type": "enabled", "budgetTokens": 2048}}),
    );
    let second = model.do_generate(&options).await.unwrap();
    let body = server.last_request().json();
    assert_eq!(
        body["messages"][1]["content"][0]["reasoningContent"]["reasoningText"]["signature"],
        "ErcBCkgIAxABGAIiQBR1qv3xExampleSignature=="
    );
    assert_eq!(
        body["additionalModelRequestFields"],
        json!({"thinking": {"type": "enabled", "budget_tokens": 2048}})
    );
    assert_eq!(body["inferenceConfig"], json!({"maxTokens": 6144}));
    assert!(
        second
            .warnings
            .iter()
            .any(|warning| warning.to_string().contains("temperature")),
        "{:?}",
        second.warnings
    );
}

#[tokio::test]
async fn structured_output_goes_through_a_forced_json_tool() {
    let server = TestServer::start([TestResponse::text(200, fixture("converse_json_tool.json"))
        .header("content-type", "application/json")])
    .await;
    let model = signed_provider(&server).language_model("amazon.nova-pro-v1:0");
    let mut options = CallOptions::new(vec![Message::user("Who?")]);
    options.response_format = Some(ResponseFormat::Json {
        schema: Some(json!({"type": "object"})),
        name: None,
        description: None,
    });
    let response = model.do_generate(&options).await.unwrap();
    let body = server.single_request().json();
    assert_eq!(
        body["toolConfig"]["toolChoice"],
        json!({"tool": {"name": "json"}})
    );
    assert_eq!(body["toolConfig"]["tools"][0]["toolSpec"]["name"], "json");
    assert_eq!(response.finish_reason, FinishReason::Stop);
    assert!(
        matches!(&response.content[..], [Content::Text { text, .. }] if serde_json::from_str::<Value>(text).unwrap() == json!({"name": "Ada", "age": 36}))
    );
}

#[tokio::test]
async fn a_bedrock_api_key_is_sent_as_a_bearer_token_instead_of_a_signature() {
    let server = TestServer::start([TestResponse::text(200, fixture("converse_json_tool.json"))
        .header("content-type", "application/json")])
    .await;
    let provider = create_bedrock(
        BedrockSettings::default()
            .with_region("us-west-2")
            .with_base_url(server.base_url())
            .with_api_key("bedrock-api-key-123"),
    );
    provider
        .language_model("amazon.nova-lite-v1:0")
        .do_generate(&CallOptions::new(vec![Message::user("hi")]))
        .await
        .unwrap();
    let request = server.single_request();
    assert_eq!(
        request.header("authorization"),
        Some("Bearer bedrock-api-key-123")
    );
    assert!(request.header("x-amz-date").is_none());
    assert!(!format!("{provider:?}").contains("bedrock-api-key-123"));
}

#[tokio::test]
async fn throttling_is_a_retryable_api_error_with_its_aws_type() {
    let server = TestServer::start([TestResponse::text(
        429,
        r#"{"message":"Too many requests, please wait before trying again."}"#,
    )
    .header("content-type", "application/json")
    .header(
        "x-amzn-errortype",
        "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/",
    )
    .header("retry-after", "2")])
    .await;
    let error = signed_provider(&server)
        .language_model("m")
        .do_generate(&CallOptions::new(vec![Message::user("hi")]))
        .await
        .unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!(
        (api.status, api.error_type.as_deref()),
        (429, Some("ThrottlingException"))
    );
    assert_eq!(
        api.message,
        "Too many requests, please wait before trying again."
    );
    assert_eq!(api.response_headers["retry-after"], "2");
    assert!(error.is_retryable());
    assert!(!format!("{error:?}").contains(SECRET_KEY));
}

/// The high-level retry loop retries a throttled Bedrock call and succeeds on the next answer.
#[tokio::test]
async fn generate_text_retries_a_throttled_call() {
    let server = TestServer::start([
        TestResponse::text(503, r#"{"message":"Service unavailable"}"#)
            .header("x-amzn-errortype", "ServiceUnavailableException"),
        TestResponse::text(200, fixture("converse_json_tool.json"))
            .header("content-type", "application/json"),
    ])
    .await;
    let model = signed_provider(&server).language_model("amazon.nova-pro-v1:0");
    let result = crate::generate_text(model).prompt("hi").await.unwrap();
    assert_eq!(server.requests().len(), 2);
    assert_eq!(result.finish_reason(), FinishReason::ToolCalls);
}
