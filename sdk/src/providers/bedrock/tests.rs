//! Every Bedrock model against the mock server, from fixtures written from the documented wire
//! formats (tests/fixtures/bedrock/); event streams are framed with the AWS framing crate.
//! Each test asserts what the server received (path, auth headers, body) and what was parsed.

use std::time::{Duration, UNIX_EPOCH};

use futures::StreamExt;
use serde_json::{Value, json};

use super::bedrock_event_stream::tests::{event_frame, exception_frame};
use super::bedrock_signing::{SigningScope, sign_request};
use super::*;
use crate::error::Error;
use crate::provider::{
    CallOptions, Content, EmbedOptions, FinishReason, FunctionTool, ImageOptions, Message,
    ProviderOptions, RerankOptions, ResponseFormat, StreamPart, ToolDefinition,
};
use crate::provider_utils::test_server::{RecordedRequest, TestResponse, TestServer};

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "session-token-example";

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../tests/fixtures/bedrock/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn signed_provider(server: &TestServer) -> BedrockProvider {
    create_bedrock(
        BedrockSettings::default()
            .with_region("us-east-1")
            .with_base_url(server.base_url())
            .with_credentials(Credentials::new(
                ACCESS_KEY,
                SECRET_KEY,
                Some(TOKEN.into()),
                None,
                "test",
            )),
    )
}

/// The frames of an `.events.jsonl` fixture (`<eventType> <json payload>` per line).
fn event_stream_fixture(name: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for line in fixture(name).lines().filter(|line| !line.trim().is_empty()) {
        let (event_type, payload) = line.split_once(' ').expect("`<eventType> <json>`");
        bytes.extend(event_frame(event_type, payload));
    }
    bytes
}

fn event_stream_response(bytes: Vec<u8>) -> TestResponse {
    TestResponse::bytes(200, bytes, "application/vnd.amazon.eventstream")
        .header("x-amzn-requestid", "req-stream-1")
}

/// Checks the request's SigV4 signature as the server sees it: the signature is recomputed
/// over the received method, path, signed headers and body at the request's `x-amz-date`.
/// (The signer itself is checked against AWS's published vectors in `bedrock_signing`.)
fn assert_signed(request: &RecordedRequest, path: &str) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, path);
    let authorization = request
        .header("authorization")
        .expect("authorization header");
    let date = request.header("x-amz-date").expect("x-amz-date header");
    assert!(
        authorization.starts_with(&format!(
            "AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{}/us-east-1/bedrock/aws4_request, ",
            &date[..8]
        )),
        "{authorization}"
    );
    assert_eq!(request.header("x-amz-security-token"), Some(TOKEN));
    let time = httpdate_from_amz(date);
    let mut headers = http::HeaderMap::new();
    let signed_names = authorization
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    for name in signed_names
        .split(';')
        .filter(|name| !matches!(*name, "host" | "x-amz-date" | "x-amz-security-token"))
    {
        headers.insert(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            request.headers[name].clone(),
        );
    }
    let url = format!("http://{}{}", request.header("host").unwrap(), request.path);
    let credentials = Credentials::new(ACCESS_KEY, SECRET_KEY, Some(TOKEN.into()), None, "check");
    sign_request(
        "POST",
        &url,
        &mut headers,
        &request.body,
        &credentials,
        SigningScope {
            region: "us-east-1",
            service: "bedrock",
        },
        time,
    )
    .unwrap();
    assert_eq!(headers["authorization"], authorization);
}

/// `20150830T123600Z` as a time.
fn httpdate_from_amz(date: &str) -> std::time::SystemTime {
    let number = |range: std::ops::Range<usize>| date[range].parse::<u64>().unwrap();
    let (year, month, day) = (number(0..4), number(4..6), number(6..8));
    // Days from the civil date (Howard Hinnant's algorithm).
    let (year, month) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = year / 400;
    let day_of_year = (153 * month + 2) / 5 + day - 1;
    let day_of_era =
        (year - era * 400) * 365 + (year - era * 400) / 4 - (year - era * 400) / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    UNIX_EPOCH
        + Duration::from_secs(
            days * 86_400 + number(9..11) * 3600 + number(11..13) * 60 + number(13..15),
        )
}

fn weather_tool() -> ToolDefinition {
    ToolDefinition::Function(
        FunctionTool::new(
            "weather",
            json!({"type": "object", "properties": {"city": {"type": "string"}}}),
        )
        .with_description("Weather by city"),
    )
}

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

async fn stream_parts(
    server: &TestServer,
    options: &CallOptions,
) -> Vec<crate::Result<StreamPart>> {
    let model = signed_provider(server).language_model("anthropic.claude-3-7-sonnet-20250219-v1:0");
    model
        .do_stream(options)
        .await
        .unwrap()
        .stream
        .collect()
        .await
}

#[tokio::test]
async fn converse_stream_decodes_event_frames_into_parts() {
    let server = TestServer::start([event_stream_response(event_stream_fixture(
        "converse_stream_reasoning_text_tool.events.jsonl",
    ))])
    .await;
    let mut options = CallOptions::new(vec![Message::user("Weather in Paris?")]);
    options.tools = vec![weather_tool()];
    let parts: Vec<StreamPart> = stream_parts(&server, &options)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let request = server.single_request();
    assert_signed(
        &request,
        "/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream",
    );
    assert_eq!(
        request.header("accept"),
        Some("application/vnd.amazon.eventstream")
    );

    let reasoning: String = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::ReasoningDelta { delta, .. } => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(reasoning, "Paris weather needs the tool.");
    assert!(parts.contains(&StreamPart::ReasoningEnd {
        id: "0".into(),
        provider_metadata: Some(bedrock_language_model::bedrock_metadata(
            json!({"signature": "EqQBCkYIAxgCIkBExampleSig=="})
        ))
    }));
    let text: String = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::TextDelta { delta, .. } => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Checking now.");
    assert!(parts.iter().any(|part| matches!(part, StreamPart::ToolCall(call) if call.tool_call_id == "tooluse_stream_1" && call.input == r#"{"city":"Paris"}"#)));
    match parts.last().unwrap() {
        StreamPart::Finish {
            usage,
            finish_reason,
            provider_metadata,
            ..
        } => {
            assert_eq!(*finish_reason, FinishReason::ToolCalls);
            assert_eq!(
                (
                    usage.input_tokens.total,
                    usage.input_tokens.cache_read,
                    usage.output_tokens.total
                ),
                (Some(1030), Some(1000), Some(42))
            );
            let trace = &provider_metadata.as_ref().unwrap().get("bedrock").unwrap()["trace"];
            assert_eq!(
                trace["guardrail"]["outputAssessments"]["abc123xyz"][0]["contentPolicy"]["filters"]
                    [0]["type"],
                "HATE"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_exception_frame_mid_stream_is_an_api_error_after_the_partial_output() {
    let mut bytes = event_frame("messageStart", r#"{"role":"assistant"}"#);
    bytes.extend(event_frame(
        "contentBlockDelta",
        r#"{"contentBlockIndex":0,"delta":{"text":"Hel"}}"#,
    ));
    bytes.extend(exception_frame(
        "modelStreamErrorException",
        r#"{"message":"The model failed mid-stream","originalStatusCode":500}"#,
    ));
    let server = TestServer::start([event_stream_response(bytes)]).await;
    let parts = stream_parts(&server, &CallOptions::new(vec![Message::user("hi")])).await;
    assert!(
        parts
            .iter()
            .any(|part| matches!(part, Ok(StreamPart::TextDelta { delta, .. }) if delta == "Hel"))
    );
    let error = parts.last().unwrap().as_ref().unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!(
        (api.error_type.as_deref(), api.message.as_str()),
        (
            Some("ModelStreamErrorException"),
            "The model failed mid-stream"
        )
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_corrupt_frame_and_a_cut_stream_are_typed_errors_with_the_partial_output_kept() {
    let good = [
        event_frame("messageStart", r#"{"role":"assistant"}"#),
        event_frame(
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"text":"Partial"}}"#,
        ),
    ]
    .concat();
    let mut corrupt = event_frame(
        "contentBlockDelta",
        r#"{"contentBlockIndex":0,"delta":{"text":" more"}}"#,
    );
    let at = corrupt.len() - 8;
    corrupt[at] ^= 0x55;
    let whole = event_frame("messageStop", r#"{"stopReason":"end_turn"}"#);
    let server = TestServer::start([
        event_stream_response([good.clone(), corrupt].concat()),
        event_stream_response([good.clone(), whole[..whole.len() / 2].to_vec()].concat())
            .cut_connection(),
    ])
    .await;
    for _ in 0..2 {
        let parts = stream_parts(&server, &CallOptions::new(vec![Message::user("hi")])).await;
        assert!(
            parts.iter().any(
                |part| matches!(part, Ok(StreamPart::TextDelta { delta, .. }) if delta == "Partial")
            ),
            "{parts:?}"
        );
        assert!(
            matches!(
                parts.last().unwrap(),
                Err(Error::InvalidResponse { .. } | Error::Connection { .. })
            ),
            "{:?}",
            parts.last()
        );
    }
}

#[tokio::test]
async fn titan_and_cohere_embeddings() {
    let server = TestServer::start([
        TestResponse::json(200, json!({"embedding": [0.1, -0.2, 0.3], "inputTextTokenCount": 4})),
        TestResponse::json(200, json!({"id": "e1", "response_type": "embeddings_floats", "texts": ["a", "b"], "embeddings": [[0.5, 0.5], [0.25, 0.75]]})),
    ])
    .await;
    let provider = signed_provider(&server);
    let mut options = EmbedOptions::new(vec!["sunny day".into()]);
    options.provider_options =
        ProviderOptions::new().with("bedrock", json!({"dimensions": 256, "normalize": true}));
    let titan = provider
        .embedding_model("amazon.titan-embed-text-v2:0")
        .do_embed(&options)
        .await
        .unwrap();
    assert_eq!(titan.embeddings, vec![vec![0.1, -0.2, 0.3]]);
    assert_eq!(titan.usage.unwrap().tokens, 4);
    let request = server.requests()[0].clone();
    assert_signed(&request, "/model/amazon.titan-embed-text-v2%3A0/invoke");
    assert_eq!(
        request.json(),
        json!({"inputText": "sunny day", "dimensions": 256, "normalize": true})
    );

    let cohere = provider.embedding_model("cohere.embed-english-v3");
    assert_eq!(cohere.max_embeddings_per_call(), Some(96));
    let response = cohere
        .do_embed(&EmbedOptions::new(vec!["a".into(), "b".into()]))
        .await
        .unwrap();
    assert_eq!(response.embeddings, vec![vec![0.5, 0.5], vec![0.25, 0.75]]);
    assert_eq!(
        server.last_request().json(),
        json!({"texts": ["a", "b"], "input_type": "search_query"})
    );
}

#[tokio::test]
async fn nova_canvas_images() {
    let server = TestServer::start([TestResponse::json(
        200,
        json!({"images": ["iVBORw0KGgo=", "iVBORw0KGgp="]}),
    )])
    .await;
    let mut options = ImageOptions::new("a lighthouse at dusk", 2);
    options.size = Some("1024x768".into());
    options.seed = Some(42);
    options.provider_options = ProviderOptions::new().with(
        "bedrock",
        json!({"quality": "premium", "negativeText": "people"}),
    );
    let response = signed_provider(&server)
        .image_model("amazon.nova-canvas-v1:0")
        .do_generate(&options)
        .await
        .unwrap();
    assert_eq!(response.images.len(), 2);
    assert_eq!(
        response.images[0].data,
        crate::provider::FileData::Base64("iVBORw0KGgo=".into())
    );
    let request = server.single_request();
    assert_signed(&request, "/model/amazon.nova-canvas-v1%3A0/invoke");
    assert_eq!(
        request.json(),
        json!({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a lighthouse at dusk", "negativeText": "people"},
               "imageGenerationConfig": {"numberOfImages": 2, "width": 1024, "height": 768, "quality": "premium", "seed": 42}})
    );
}

#[tokio::test]
async fn rerank_through_the_agent_runtime() {
    let server = TestServer::start([TestResponse::json(200, json!({"results": [{"index": 1, "relevanceScore": 0.92}, {"index": 0, "relevanceScore": 0.13}]}))]).await;
    let mut options = RerankOptions::new(
        "rainy weather",
        vec![json!("sunny skies"), json!({"forecast": "rain"})],
    );
    options.top_n = Some(2);
    let model = signed_provider(&server).reranking_model("cohere.rerank-v3-5:0");
    let response = model.do_rerank(&options).await.unwrap();
    assert_eq!(
        response
            .ranking
            .iter()
            .map(|ranked| ranked.index)
            .collect::<Vec<_>>(),
        [1, 0]
    );
    assert!((response.ranking[0].relevance_score - 0.92).abs() < 1e-6);
    let request = server.single_request();
    assert_signed(&request, "/rerank");
    assert_eq!(
        request.json(),
        json!({
            "queries": [{"type": "TEXT", "textQuery": {"text": "rainy weather"}}],
            "sources": [
                {"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": "sunny skies"}}},
                {"type": "INLINE", "inlineDocumentSource": {"type": "JSON", "jsonDocument": {"forecast": "rain"}}}
            ],
            "rerankingConfiguration": {"type": "BEDROCK_RERANKING_MODEL", "bedrockRerankingConfiguration": {
                "numberOfResults": 2, "modelConfiguration": {"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/cohere.rerank-v3-5:0"}}}
        })
    );
}

#[test]
fn settings_debug_hides_the_key_and_the_credentials() {
    let settings = BedrockSettings::default()
        .with_api_key("secret-api-key")
        .with_credentials(Credentials::new(
            "AKID",
            "very-secret",
            Some("tok-secret".into()),
            None,
            "t",
        ));
    let shown = format!("{settings:?}");
    assert!(
        !shown.contains("secret-api-key")
            && !shown.contains("very-secret")
            && !shown.contains("tok-secret"),
        "{shown}"
    );
}
