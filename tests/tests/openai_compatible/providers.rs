//! One test per provider (generate, stream, tool call, error), plus the quirks each mapping
//! declares: Groq's request id and `x_groq.usage`, DeepSeek's cache hits, Perplexity's
//! citations, Mistral's `random_seed` and error shape, xAI's reasoning-effort values.

use serde_json::json;
use specai::provider::{LanguageModel, ReasoningEffort, StreamPart};

use super::{Vendor, all, generate, options, provider, stream};
use crate::support::fixtures::json_response;
use specai::provider_utils::test_server::{TestResponse, TestServer};

const fn vendor(id: &'static str, model: &'static str, prefix: &'static str, error: (u16, &'static str)) -> Vendor {
    Vendor { id, model, prefix, bearer: true, reasoning: None, tools: true, include_usage: true, seed_field: "seed", error }
}

const GROQ: Vendor = Vendor {
    reasoning: Some("The user says hi."),
    include_usage: false,
    ..vendor("groq", "openai/gpt-oss-20b", "/openai/v1", (401, "Invalid API Key"))
};
const TOGETHERAI: Vendor = vendor(
    "togetherai",
    "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    "/v1",
    (401, "Invalid API key provided. You can find your API key at https://api.together.xyz/settings/api-keys."),
);
const FIREWORKS: Vendor = vendor(
    "fireworks",
    "accounts/fireworks/models/llama-v3p3-70b-instruct",
    "/inference/v1",
    (401, "The API key you provided is invalid."),
);
const DEEPSEEK: Vendor = Vendor {
    reasoning: Some("Greeting; answer briefly."),
    ..vendor("deepseek", "deepseek-reasoner", "/v1", (401, "Authentication Fails, Your api key: ****abcd is invalid"))
};
const XAI: Vendor = Vendor {
    reasoning: Some("Simple greeting."),
    ..vendor("xai", "grok-3-mini", "/v1", (400, "Incorrect API key provided: xa***ey. You can obtain an API key from https://console.x.ai."))
};
const CEREBRAS: Vendor = vendor("cerebras", "llama-3.3-70b", "/v1", (401, "Wrong API Key"));
const DEEPINFRA: Vendor = vendor("deepinfra", "meta-llama/Meta-Llama-3.1-8B-Instruct", "/v1/openai", (401, "Invalid API key"));
const PERPLEXITY: Vendor = Vendor { tools: false, include_usage: false, ..vendor("perplexity", "sonar", "", (401, "Invalid API key")) };
const MISTRAL: Vendor = Vendor {
    include_usage: false,
    seed_field: "random_seed",
    ..vendor("mistral", "mistral-small-latest", "/v1", (401, "Unauthorized"))
};
const BASETEN: Vendor = vendor("baseten", "deepseek-ai/DeepSeek-V3-0324", "/v1", (401, "Invalid API key"));
const OPENROUTER: Vendor = Vendor {
    reasoning: Some("Say hello back."),
    ..vendor("openrouter", "openai/gpt-4o-mini", "/api/v1", (401, "No auth credentials found"))
};
const VERCEL: Vendor = vendor("vercel", "v0-1.5-md", "/v1", (401, "Unauthorized"));
const OLLAMA: Vendor = Vendor {
    bearer: false,
    reasoning: Some("Greet."),
    ..vendor("ollama", "llama3.2", "/v1", (404, "model \"llama9\" not found, try pulling it first"))
};
const LMSTUDIO: Vendor =
    Vendor { bearer: false, ..vendor("lmstudio", "qwen2.5-7b-instruct", "/v1", (404, "Unexpected endpoint or method. (POST /v1/chat/completionz)")) };
const VLLM: Vendor = Vendor {
    reasoning: Some("Respond politely."),
    ..vendor("vllm", "Qwen/Qwen3-8B", "/v1", (404, "The model `Qwen/Qwen9` does not exist."))
};
const LLAMACPP: Vendor =
    vendor("llamacpp", "smollm2-chat", "/v1", (500, "1 validation error: Input should be a valid list"));

/// Every provider tested here; a mapping without an entry fails `every_mapping_is_tested`.
const ALL: &[&Vendor] = &[
    &GROQ, &TOGETHERAI, &FIREWORKS, &DEEPSEEK, &XAI, &CEREBRAS, &DEEPINFRA, &PERPLEXITY, &MISTRAL, &BASETEN, &OPENROUTER, &VERCEL,
    &OLLAMA, &LMSTUDIO, &VLLM, &LLAMACPP,
];

#[test]
fn every_mapping_is_tested() {
    for id in specai::openai_compatible::provider_ids() {
        if id != "openai-compatible" {
            assert!(ALL.iter().any(|vendor| vendor.id == id), "specs/{id}/provider.toml has no fixture test");
        }
    }
}

#[test]
fn the_default_registry_resolves_every_provider() {
    let registry = specai::default_registry();
    for vendor in ALL {
        let model = registry.language_model(&format!("{}:{}", vendor.id, vendor.model)).unwrap();
        assert_eq!(model.provider(), format!("{}.chat", vendor.id));
        assert_eq!(model.model_id(), vendor.model);
    }
    assert!(matches!(registry.language_model("nope:model"), Err(specai::Error::NoSuchProvider { .. })));
    assert!(matches!(registry.image_model("groq:x"), Err(specai::Error::NoSuchModel { .. })));
    assert!(registry.embedding_model("mistral:mistral-embed").is_ok());
}

macro_rules! provider_tests {
    ($($name:ident => $vendor:expr),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                all(&$vendor).await;
            }
        )*
    };
}

provider_tests! {
    groq => GROQ,
    togetherai => TOGETHERAI,
    fireworks => FIREWORKS,
    deepseek => DEEPSEEK,
    xai => XAI,
    cerebras => CEREBRAS,
    deepinfra => DEEPINFRA,
    perplexity => PERPLEXITY,
    mistral => MISTRAL,
    baseten => BASETEN,
    openrouter => OPENROUTER,
    vercel => VERCEL,
    ollama => OLLAMA,
    lmstudio => LMSTUDIO,
    vllm => VLLM,
    llamacpp => LLAMACPP,
}

fn metadata_of(metadata: &Option<specai::provider::ProviderMetadata>, provider: &str) -> serde_json::Value {
    metadata.as_ref().and_then(|metadata| metadata.get(provider)).cloned().unwrap_or_default()
}

#[tokio::test]
async fn groq_request_id_in_metadata_and_usage_from_x_groq() {
    let response = generate(&GROQ).await;
    assert_eq!(metadata_of(&response.provider_metadata, "groq")["request_id"], "req_01jgroq");
    let parts = stream(&GROQ).await;
    match parts.last().unwrap() {
        StreamPart::Finish { usage, provider_metadata, .. } => {
            assert_eq!(usage.raw.as_ref().and_then(|raw| raw.json()).unwrap()["queue_time"], 0.0123, "usage read from x_groq.usage");
            assert_eq!(metadata_of(provider_metadata, "groq")["request_id"], "req_01jgroq");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn groq_rejected_fields_are_dropped_with_a_warning_and_effort_is_clamped() {
    let server = TestServer::start([json_response("groq", "chat_text")]).await;
    let mut call = options();
    call.top_k = Some(40);
    call.reasoning_effort = Some(ReasoningEffort::Minimal);
    let response = provider(&GROQ, &server).chat(GROQ.model).do_generate(&call).await.unwrap();
    let body = server.single_request().json();
    assert!(body.get("top_k").is_none(), "{body}");
    assert_eq!(body["reasoning_effort"], "low");
    assert!(response.warnings.iter().any(|warning| warning.to_string().contains("top_k")), "{:?}", response.warnings);
}

#[tokio::test]
async fn deepseek_cache_hits_and_reasoning_tokens() {
    let response = generate(&DEEPSEEK).await;
    assert_eq!(response.usage.input_tokens.cache_read, Some(4));
    assert_eq!(response.usage.input_tokens.no_cache, Some(8));
    assert_eq!(response.usage.output_tokens.reasoning, Some(1));
}

#[tokio::test]
async fn deepseek_strips_reasoning_from_history_and_uses_json_object() {
    let server = TestServer::start([json_response("deepseek", "chat_text")]).await;
    let mut call = options();
    call.prompt.push(specai::provider::Message::assistant_parts(vec![
        specai::provider::AssistantPart::Reasoning(specai::provider::ReasoningPart::new("secret")),
        specai::provider::AssistantPart::Text(specai::provider::TextPart::new("Hello!")),
    ]));
    call.prompt.push(specai::provider::Message::user("Answer as JSON."));
    call.response_format = Some(specai::provider::ResponseFormat::Json { schema: Some(json!({"type": "object"})), name: None, description: None });
    let response = provider(&DEEPSEEK, &server).chat(DEEPSEEK.model).do_generate(&call).await.unwrap();
    let body = server.single_request().json();
    assert!(body["messages"][2].get("reasoning_content").is_none(), "{body}");
    assert_eq!(body["response_format"], json!({"type": "json_object"}));
    assert!(body["messages"][0]["content"].as_str().unwrap().contains("JSON schema"), "schema moved into the prompt");
    assert!(response.warnings.iter().any(|warning| matches!(warning, specai::provider::Warning::Compatibility { .. })));
}

#[tokio::test]
async fn perplexity_citations_and_search_usage_in_metadata() {
    let response = generate(&PERPLEXITY).await;
    let metadata = metadata_of(&response.provider_metadata, "perplexity");
    assert_eq!(metadata["citations"], json!(["https://example.com/hello", "https://example.org/greetings"]));
    assert_eq!(metadata["search_results"][0]["url"], "https://example.com/hello");
    assert_eq!(metadata["citation_tokens"], 120);
    assert_eq!(metadata["num_search_queries"], 1);
    // Search results (titled), then the citation URLs they do not repeat, as source parts.
    let sources: Vec<(&str, Option<&str>)> = response
        .content
        .iter()
        .filter_map(|content| match content {
            specai::provider::Content::Source(specai::provider::Source::Url { url, title, .. }) => Some((url.as_str(), title.as_deref())),
            _ => None,
        })
        .collect();
    assert_eq!(sources, [("https://example.com/hello", Some("Hello")), ("https://example.org/greetings", None)]);
    let parts = stream(&PERPLEXITY).await;
    let streamed: Vec<&str> = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::Source(source) => match &**source {
                specai::provider::Source::Url { url, .. } => Some(url.as_str()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(streamed, ["https://example.com/hello", "https://example.org/greetings"], "each URL once, though every chunk repeats them");
    match parts.last().unwrap() {
        StreamPart::Finish { provider_metadata, .. } => {
            let metadata = metadata_of(provider_metadata, "perplexity");
            assert_eq!(metadata["citations"][1], "https://example.org/greetings");
            assert_eq!(metadata["search_results"][0]["title"], "Hello");
            assert_eq!(metadata["citation_tokens"], 120, "a vendor field inside the streamed usage object");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn openrouter_serving_provider_and_cost() {
    let response = generate(&OPENROUTER).await;
    let metadata = metadata_of(&response.provider_metadata, "openrouter");
    assert_eq!(metadata["provider"], "OpenAI");
    assert_eq!(metadata["cost"], 0.0000123);
}

#[tokio::test]
async fn mistral_tool_call_ids_are_made_acceptable_and_thinking_chunks_are_reasoning() {
    let server = TestServer::start([TestResponse::json(
        200,
        json!({"id": "x", "object": "chat.completion", "created": 1, "model": "magistral-small-latest",
               "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": [
                   {"type": "thinking", "thinking": [{"type": "text", "text": "Let me think."}]},
                   {"type": "text", "text": "42"}]}}],
               "usage": {"prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9}}),
    )])
    .await;
    let mut call = options();
    call.prompt.push(specai::provider::Message::assistant_parts(vec![specai::provider::AssistantPart::ToolCall(
        specai::provider::ToolCallPart::new("call_from_openai_123", "get_weather", json!({"city": "Paris"})),
    )]));
    call.prompt.push(specai::provider::Message::tool(vec![specai::provider::ToolResultPart::new(
        "call_from_openai_123",
        "get_weather",
        specai::provider::ToolResultOutput::text("sunny"),
    )]));
    let response = provider(&MISTRAL, &server).chat("magistral-small-latest").do_generate(&call).await.unwrap();
    let body = server.single_request().json();
    let id = body["messages"][2]["tool_calls"][0]["id"].as_str().unwrap();
    assert!(id.len() == 9 && id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
    assert_eq!(body["messages"][3]["tool_call_id"], id);
    assert_eq!(response.content.iter().filter_map(specai::provider::Content::as_text).collect::<Vec<_>>(), ["42"]);
    assert!(matches!(&response.content[0], specai::provider::Content::Reasoning { text, .. } if text == "Let me think."));
}

#[tokio::test]
async fn xai_reasoning_effort_takes_only_low_or_high() {
    let server = TestServer::start([json_response("xai", "chat_text")]).await;
    let mut call = options();
    call.reasoning_effort = Some(ReasoningEffort::Medium);
    provider(&XAI, &server).chat(XAI.model).do_generate(&call).await.unwrap();
    assert_eq!(server.single_request().json()["reasoning_effort"], "high");
}

#[tokio::test]
async fn local_presets_need_no_key() {
    // No key in the settings and none in the environment: still no error, no auth header.
    let server = TestServer::start([json_response("ollama", "chat_text")]).await;
    let ollama = specai::openai_compatible::create_openai_compatible(
        "ollama",
        specai::openai_compatible::OpenAiCompatibleSettings::default().with_base_url(server.url("/v1")),
    )
    .unwrap();
    ollama.chat("llama3.2").do_generate(&options()).await.unwrap();
    assert_eq!(server.single_request().header("authorization"), None);
}

#[tokio::test]
async fn a_missing_key_fails_the_call_naming_the_variable() {
    let groq = specai::openai_compatible::create_openai_compatible(
        "cerebras",
        specai::openai_compatible::OpenAiCompatibleSettings::default().with_base_url("http://127.0.0.1:9/v1"),
    )
    .unwrap();
    if std::env::var("CEREBRAS_API_KEY").is_ok() {
        return;
    }
    match groq.chat("m").do_generate(&options()).await {
        Err(specai::Error::MissingApiKey { env_var, .. }) => assert_eq!(env_var, "CEREBRAS_API_KEY"),
        other => panic!("{other:?}"),
    }
}

/// OpenRouter keeps slow connections open with SSE comments (`: OPENROUTER PROCESSING`) before
/// the first chunk; they are not events.
#[tokio::test]
async fn openrouter_processing_comments_are_skipped() {
    let mut chunks = vec![bytes::Bytes::from_static(b": OPENROUTER PROCESSING\n\n"), bytes::Bytes::from_static(b": OPENROUTER PROCESSING\n\n")];
    chunks.extend(crate::support::fixtures::sse_chunks("openrouter", "chat_stream"));
    let server = TestServer::start([TestResponse::sse_chunks(chunks)]).await;
    let response = provider(&OPENROUTER, &server).chat(OPENROUTER.model).do_stream(&options()).await.unwrap();
    let parts: Vec<StreamPart> = futures::StreamExt::collect::<Vec<_>>(response.stream).await.into_iter().map(Result::unwrap).collect();
    let text = crate::support::text_of(&parts);
    assert_eq!(text, "Hello!");
}

/// xAI's `completion_tokens` leaves out reasoning tokens; the mapping's usage fix-up adds them.
#[tokio::test]
async fn xai_output_tokens_include_reasoning() {
    let response = generate(&XAI).await;
    let output = response.usage.output_tokens;
    assert_eq!((output.total, output.text, output.reasoning), (Some(3), Some(2), Some(1)));
}

/// Streamed tool calls in three shapes: Mistral's whole call in one delta (no `type`), Groq's
/// whole call in one chunk with usage in `x_groq`, Fireworks' OpenAI-style argument fragments.
#[tokio::test]
async fn streamed_tool_calls_in_each_vendor_shape() {
    for vendor in [&MISTRAL, &GROQ, &FIREWORKS] {
        let server = TestServer::start([crate::support::fixtures::sse_response(vendor.id, "chat_tool_call_stream")]).await;
        let mut call = options();
        call.tools = vec![super::weather_tool()];
        let response = provider(vendor, &server).chat(vendor.model).do_stream(&call).await.unwrap();
        let parts: Vec<StreamPart> = futures::StreamExt::collect::<Vec<_>>(response.stream).await.into_iter().map(Result::unwrap).collect();
        let input: String = parts
            .iter()
            .filter_map(|part| match part {
                StreamPart::ToolInputDelta { delta, .. } => Some(delta.as_str()),
                _ => None,
            })
            .collect();
        let call = parts
            .iter()
            .find_map(|part| match part {
                StreamPart::ToolCall(call) => Some(call),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{}: no tool call in {parts:?}", vendor.id));
        assert_eq!(call.tool_name, "get_weather", "{}", vendor.id);
        assert_eq!(call.input, input, "{}: the deltas add up to the input", vendor.id);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&call.input).unwrap(), json!({"city": "Paris"}), "{}", vendor.id);
        match parts.last().unwrap() {
            StreamPart::Finish { usage, finish_reason, .. } => {
                assert_eq!(*finish_reason, specai::provider::FinishReason::ToolCalls, "{}", vendor.id);
                assert_eq!((usage.input_tokens.total, usage.output_tokens.total), (Some(60), Some(18)), "{}", vendor.id);
            }
            other => panic!("{}: {other:?}", vendor.id),
        }
    }
}
