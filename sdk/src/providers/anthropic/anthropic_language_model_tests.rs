use serde_json::json;

use super::*;
use crate::provider::{FunctionTool, Message, ProviderOptions, ReasoningEffort, ToolDefinition};

fn model(id: &str) -> AnthropicLanguageModel {
    super::super::create_anthropic(super::super::AnthropicSettings::default().with_api_key("k"))
        .language_model(id)
}

fn body(prepared: &PreparedRequest) -> Value {
    serde_json::to_value(&prepared.body).unwrap()
}

#[test]
fn known_models_default_max_tokens_and_unknown_ones_warn() {
    let options = CallOptions::new(vec![Message::user("hi")]);
    let prepared = model("claude-sonnet-4-5-20250929").prepare(&options, false).unwrap();
    assert_eq!(prepared.body.max_tokens, 64_000);
    assert!(prepared.warnings.is_empty());
    let prepared = model("claude-next").prepare(&options, false).unwrap();
    assert_eq!(prepared.body.max_tokens, i64::from(FALLBACK_MAX_TOKENS));
    assert!(matches!(&prepared.warnings[0], Warning::Other { message } if message.contains("claude-next")));
    assert_eq!(known_max_output_tokens("claude-3-5-haiku-latest"), Some(8_192));
}

#[test]
fn sampling_options_and_unsupported_ones() {
    let mut options = CallOptions::new(vec![Message::user("hi")]);
    options.max_output_tokens = Some(100);
    options.top_p = Some(0.9);
    options.top_k = Some(40);
    options.stop_sequences = vec!["END".into()];
    options.seed = Some(7);
    options.frequency_penalty = Some(0.1);
    let prepared = model("claude-3-5-haiku-latest").prepare(&options, true).unwrap();
    assert_eq!(
        body(&prepared),
        json!({"model": "claude-3-5-haiku-latest", "max_tokens": 100, "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
               "top_p": 0.9, "top_k": 40, "stop_sequences": ["END"], "stream": true})
    );
    let features: Vec<_> = prepared.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(features, ["unsupported: seed", "unsupported: frequency_penalty"]);
}

/// Regression: Claude rejects temperature and top_p together; temperature (as written,
/// 0.7 not 0.699999988079071) is sent and top_p dropped with a warning.
#[test]
fn temperature_and_top_p_together_send_temperature_only() {
    let mut options = CallOptions::new(vec![Message::user("hi")]);
    options.temperature = Some(0.7);
    options.top_p = Some(0.9);
    let prepared = model("claude-sonnet-4-5").prepare(&options, false).unwrap();
    let body = body(&prepared);
    assert_eq!(body["temperature"].to_string(), "0.7");
    assert!(body.get("top_p").is_none(), "{body}");
    assert!(matches!(&prepared.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "top_p"), "{:?}", prepared.warnings);
}

/// Anthropic's temperature runs to 1; a higher one (fine for OpenAI, up to 2) would be a 400.
#[test]
fn a_temperature_above_one_is_clamped_with_a_warning() {
    let mut options = CallOptions::new(vec![Message::user("hi")]);
    options.temperature = Some(1.5);
    let prepared = model("claude-sonnet-4-5").prepare(&options, false).unwrap();
    assert_eq!(body(&prepared)["temperature"], json!(1.0));
    assert!(matches!(&prepared.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "temperature"), "{:?}", prepared.warnings);
}

#[test]
fn thinking_adds_its_budget_and_drops_sampling() {
    let mut options = CallOptions::new(vec![Message::user("hi")]);
    options.max_output_tokens = Some(1000);
    options.temperature = Some(0.2);
    options.provider_options = ProviderOptions::new().with("anthropic", json!({"thinking": {"type": "enabled", "budget_tokens": 2048}}));
    let prepared = model("claude-sonnet-4-5").prepare(&options, false).unwrap();
    let body = body(&prepared);
    assert_eq!(body["max_tokens"], 3048);
    assert_eq!(body["thinking"], json!({"type": "enabled", "budget_tokens": 2048}));
    assert!(body.get("temperature").is_none());
    assert_eq!(prepared.warnings.len(), 1);
}

/// ExtraHigh's 32,000-token budget on a 32,000-token model: max_tokens is clamped to the limit,
/// and the budget, which the API takes only below max_tokens, to 90% of it.
#[test]
fn a_budget_that_reaches_the_clamped_max_tokens_is_cut() {
    let mut options = CallOptions::new(vec![Message::user("hi")]);
    options.reasoning_effort = Some(ReasoningEffort::ExtraHigh);
    let prepared = model("claude-opus-4-1").prepare(&options, false).unwrap();
    let body = body(&prepared);
    assert_eq!(body["max_tokens"], 32_000);
    assert_eq!(body["thinking"], json!({"type": "enabled", "budget_tokens": 28_800}));
    assert!(prepared.warnings.iter().any(|warning| matches!(warning, Warning::Compatibility { feature, .. } if feature == "thinking budget")), "{:?}", prepared.warnings);
}

/// The API takes four cache breakpoints a request: the first four (tools, system, then
/// messages, the order it reads the prefix in) are sent, the rest dropped with a warning.
#[test]
fn cache_breakpoints_past_the_fourth_are_dropped_with_a_warning() {
    let cached = || ProviderOptions::new().with("anthropic", json!({"cache_control": {"type": "ephemeral"}}));
    let user = |text: &str| Message::User { content: vec![crate::provider::UserPart::Text(crate::provider::TextPart::new(text))], provider_options: cached() };
    let mut options = CallOptions::new(vec![user("a"), Message::assistant("b"), user("c"), Message::assistant("d"), user("e"), Message::assistant("f"), user("g")]);
    options.tools = vec![ToolDefinition::Function(FunctionTool::new("x", json!({"type": "object"})).with_provider_options(cached()))];
    let prepared = model("claude-sonnet-4-5").prepare(&options, false).unwrap();
    let body = body(&prepared);
    let breakpoints = body.to_string().matches("\"cache_control\"").count();
    assert_eq!(breakpoints, 4, "{body}");
    assert!(body["tools"][0].get("cache_control").is_some(), "the tool comes first: {body}");
    assert!(body["messages"][6]["content"][0].get("cache_control").is_none(), "the last is dropped: {body}");
    assert!(prepared.warnings.iter().any(|warning| matches!(warning, Warning::Unsupported { feature, .. } if feature == "cache_control")), "{:?}", prepared.warnings);
}

#[test]
fn json_output_is_a_forced_tool_with_a_compatibility_warning() {
    let mut options = CallOptions::new(vec![Message::user("recipe")]);
    options.response_format =
        Some(ResponseFormat::Json { schema: Some(json!({"type": "object"})), name: None, description: None });
    options.tools = vec![ToolDefinition::Function(FunctionTool::new("x", json!({"type": "object"})))];
    let prepared = model("claude-sonnet-4-5").prepare(&options, false).unwrap();
    assert!(prepared.uses_json_response_tool);
    let body = body(&prepared);
    assert_eq!(body["tools"], json!([{"name": "json", "description": "Respond with a JSON object.", "input_schema": {"type": "object"}}]));
    assert_eq!(body["tool_choice"], json!({"type": "tool", "name": "json"}));
    assert!(matches!(&prepared.warnings[0], Warning::Compatibility { .. }));
    assert!(matches!(&prepared.warnings[1], Warning::Unsupported { feature, .. } if feature == "tools"));
}

#[test]
fn json_output_without_schema_is_an_instruction() {
    let mut options = CallOptions::new(vec![Message::user("list three colors")]);
    options.response_format = Some(ResponseFormat::Json { schema: None, name: None, description: None });
    let prepared = model("claude-sonnet-4-5").prepare(&options, false).unwrap();
    assert!(!prepared.uses_json_response_tool);
    let body = body(&prepared);
    assert!(body["system"].as_str().unwrap().contains("JSON"), "{body}");
    assert!(body.get("tools").is_none());
    assert!(matches!(&prepared.warnings[..], [Warning::Compatibility { .. }]));
}

#[test]
fn json_output_with_thinking_does_not_force_the_tool() {
    let mut options = CallOptions::new(vec![Message::user("recipe")]);
    options.response_format =
        Some(ResponseFormat::Json { schema: Some(json!({"type": "object"})), name: None, description: None });
    options.provider_options = ProviderOptions::new().with("anthropic", json!({"thinking": {"type": "enabled", "budget_tokens": 1024}}));
    let prepared = model("claude-sonnet-4-5").prepare(&options, false).unwrap();
    assert_eq!(body(&prepared)["tool_choice"], json!({"type": "auto"}));
    assert_eq!(prepared.warnings.len(), 2);
}

#[test]
fn usage_totals_include_cache_reads_and_writes() {
    let usage = UsageCounts { input: Some(21), output: Some(10), cache_write: Some(188), cache_read: Some(2048) };
    let usage = convert_usage(&usage, None);
    let input = usage.input_tokens;
    assert_eq!(
        (input.total, input.no_cache, input.cache_read, input.cache_write),
        (Some(2257), Some(21), Some(2048), Some(188))
    );
    assert_eq!(usage.output_tokens.total, Some(10));
}

#[test]
fn web_search_results_become_a_tool_result_and_sources() {
    let results = serde_json::from_value(json!([
        {"type": "web_search_result", "url": "https://a.example", "title": "A", "encrypted_content": "x", "page_age": null}
    ]))
    .unwrap();
    let (result, sources) = web_search_result("srv_1".into(), results);
    assert!(!result.is_error);
    assert_eq!(sources, vec![Source::Url { id: "srv_1:0".into(), url: "https://a.example".into(), title: Some("A".into()), provider_metadata: None }]);
    let error_content =
        serde_json::from_value(json!({"type": "web_search_tool_result_error", "error_code": "max_uses_exceeded"})).unwrap();
    let (error, sources) = web_search_result("srv_2".into(), error_content);
    assert!(error.is_error);
    assert!(sources.is_empty());
}
