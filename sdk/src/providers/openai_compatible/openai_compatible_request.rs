//! The chat-completions request body: call options and provider options mapped to the
//! generated `CreateChatCompletionRequest`, then shaped by the mapping.
//!
//! Fields the vendor (or the model, by a per-model rule) rejects are taken out of the typed
//! request with a warning each; only renames, value maps and a request hook need the body as
//! JSON, so a vendor without them (OpenAI among them) has its typed body serialized once.

use serde::Serialize;
use serde_json::{Map, Value};
use specai_generated::mappings::StructuredOutputs;
use specai_generated::openai_compatible::types as api;

use super::convert_to_openai_compatible_messages::{MessageRules, convert_to_openai_compatible_messages};
use super::openai_compatible_chat_language_model::OpenAiCompatibleChatLanguageModel;
use super::openai_compatible_options::{OpenAiCompatibleOptions, SystemMessageMode};
use super::openai_compatible_prepare_tools::prepare_tools;
use super::{Config, ModelRules};
use crate::error::{Error, Result};
use crate::provider::{CallOptions, Message, ResponseFormat, Warning};
use crate::provider_utils::{emulate_json_response_format, shortest_decimal, strict_schema_or_warning};

/// The body sent: the typed request, or its JSON after the mapping reshaped it.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum RequestBody<T> {
    Typed(T),
    Json(Map<String, Value>),
}

/// Applies the mapping's request shaping: fields the vendor rejects (dropped with a warning
/// each, when `warnings` is given; the chat model drops them from the typed request instead),
/// value maps, renames (the provider's, then the model's; a field the caller set under the new
/// name wins), then the request hook. Untouched when there is nothing to apply.
pub(crate) fn shape_request<T: Serialize>(
    config: &Config,
    request: T,
    model_renames: &[(&str, &str)],
    warnings: Option<&mut Vec<Warning>>,
) -> Result<RequestBody<T>> {
    let shaping = &config.mapping.request;
    let drops = warnings.is_some() && !shaping.unsupported_fields.is_empty();
    if !drops && shaping.value_maps.is_empty() && shaping.renames.is_empty() && model_renames.is_empty() && config.hooks.request.is_none() {
        return Ok(RequestBody::Typed(request));
    }
    // `to_value`, not a round trip through JSON text: serde_json's parser (without its
    // `float_roundtrip` feature) would move some doubles by one unit in the last place.
    let Value::Object(mut body) = serde_json::to_value(&request).map_err(|error| Error::invalid_argument("request body", error.to_string()))? else {
        return Err(Error::invalid_argument("request body", "not a JSON object"));
    };
    for map in shaping.value_maps {
        if let Some(Value::String(value)) = body.get_mut(map.field)
            && let Some((_, to)) = map.values.iter().find(|(from, _)| from == value)
        {
            *value = (*to).to_owned();
        }
    }
    if let Some(warnings) = warnings {
        for field in shaping.unsupported_fields {
            if body.remove(*field).is_some() {
                let display_name = config.mapping.display_name;
                warnings.push(Warning::unsupported(*field, Some(format!("{display_name} does not accept `{field}`; it was not sent"))));
            }
        }
    }
    for (from, to) in shaping.renames.iter().chain(model_renames) {
        if let Some(value) = body.remove(*from) {
            body.entry((*to).to_owned()).or_insert(value);
        }
    }
    if let Some(hook) = config.hooks.request {
        hook(&mut body);
    }
    Ok(RequestBody::Json(body))
}

/// Takes a field out of the request by its wire name; whether it was set.
fn take_field(request: &mut api::CreateChatCompletionRequest, name: &str) -> bool {
    match name {
        "temperature" => request.temperature.take().is_some(),
        "top_p" => request.top_p.take().is_some(),
        "top_k" => request.top_k.take().is_some(),
        "min_p" => request.min_p.take().is_some(),
        "repetition_penalty" => request.repetition_penalty.take().is_some(),
        "frequency_penalty" => request.frequency_penalty.take().is_some(),
        "presence_penalty" => request.presence_penalty.take().is_some(),
        "seed" => request.seed.take().is_some(),
        "stop" => request.stop.take().is_some(),
        "logit_bias" => request.logit_bias.take().is_some(),
        "logprobs" => request.logprobs.take().is_some(),
        "top_logprobs" => request.top_logprobs.take().is_some(),
        "max_tokens" => request.max_tokens.take().is_some(),
        "max_completion_tokens" => request.max_completion_tokens.take().is_some(),
        "parallel_tool_calls" => request.parallel_tool_calls.take().is_some(),
        "reasoning_effort" => request.reasoning_effort.take().is_some(),
        "reasoning_format" => request.reasoning_format.take().is_some(),
        "response_format" => request.response_format.take().is_some(),
        "user" => request.user.take().is_some(),
        "store" => request.store.take().is_some(),
        "metadata" => request.metadata.take().is_some(),
        "prediction" => request.prediction.take().is_some(),
        "service_tier" => request.service_tier.take().is_some(),
        "verbosity" => request.verbosity.take().is_some(),
        "prompt_cache_key" => request.prompt_cache_key.take().is_some(),
        "safety_identifier" => request.safety_identifier.take().is_some(),
        "stream_options" => request.stream_options.take().is_some(),
        "n" => request.n.take().is_some(),
        other => request.extra.remove(other).is_some(),
    }
}

/// Drops what the vendor and the model reject, with a warning for each field that was set.
fn drop_rejected_fields(config: &Config, rules: &ModelRules, model_id: &str, request: &mut api::CreateChatCompletionRequest, warnings: &mut Vec<Warning>) {
    let display_name = config.mapping.display_name;
    for field in config.mapping.request.unsupported_fields {
        if take_field(request, field) {
            warnings.push(Warning::unsupported(*field, Some(format!("{display_name} does not accept `{field}`; it was not sent"))));
        }
    }
    for field in rules.unsupported_fields {
        if take_field(request, field) {
            warnings.push(Warning::unsupported(*field, Some(format!("not supported by {model_id}; it was not sent"))));
        }
    }
}

/// The `response_format` to send, and the prompt with the schema in it where the format
/// cannot carry the schema.
fn response_format(
    options: &CallOptions,
    structured_outputs: StructuredOutputs,
    strict: Option<bool>,
    warnings: &mut Vec<Warning>,
) -> Result<(Option<api::ChatResponseFormat>, Option<Vec<Message>>)> {
    let (schema, name, description) = match &options.response_format {
        None | Some(ResponseFormat::Text) => return Ok((None, None)),
        Some(ResponseFormat::Json { schema, name, description }) => (schema, name, description),
        Some(other) => return Err(Error::unsupported(format!("{} response format", other.kind()), None)),
    };
    let emulate = |warnings: &mut Vec<Warning>| {
        let mut emulated = options.prompt.clone();
        warnings.extend(emulate_json_response_format(&mut emulated, options.response_format.as_ref()));
        emulated
    };
    Ok(match (structured_outputs, schema) {
        (StructuredOutputs::JsonSchema, Some(schema)) => {
            let Value::Object(schema) = schema else {
                return Err(Error::invalid_argument("response_format.schema", "a JSON schema must be an object"));
            };
            let (schema, strict) = strict_schema_or_warning(schema.clone(), strict, "response_format", warnings);
            let format = api::JsonSchemaFormat {
                name: name.clone().unwrap_or_else(|| "response".to_owned()),
                description: description.clone(),
                schema,
                strict,
                ..Default::default()
            };
            (Some(api::ChatResponseFormat::JsonSchema(format)), None)
        }
        (StructuredOutputs::JsonSchema, None) => (Some(api::ChatResponseFormat::JsonObject), None),
        (StructuredOutputs::JsonObject, Some(_)) => (Some(api::ChatResponseFormat::JsonObject), Some(emulate(warnings))),
        (StructuredOutputs::JsonObject, None) => (Some(api::ChatResponseFormat::JsonObject), None),
        (StructuredOutputs::None, _) => (None, Some(emulate(warnings))),
    })
}

/// The `reasoning_effort` to send: the provider option as spelt, else the call option.
fn reasoning_effort(options: &CallOptions, provider_options: &OpenAiCompatibleOptions) -> Option<api::ReasoningEffort> {
    let text = provider_options.reasoning_effort.clone().or_else(|| options.reasoning_effort.map(|effort| effort.as_str().to_owned()))?;
    Some(text.parse().unwrap_or(api::ReasoningEffort::Unlisted(text)))
}

/// A generated string enum from its wire name (unknown names become its `Unlisted` variant).
fn wire_enum<T: std::str::FromStr>(value: &Option<String>) -> Option<T> {
    value.as_deref().and_then(|value| value.parse().ok())
}

impl OpenAiCompatibleChatLanguageModel {
    /// Maps the call options to a request body; the warnings list what was not sent as asked.
    pub(super) fn prepare(&self, config: &Config, options: &CallOptions, stream: bool) -> Result<(RequestBody<api::CreateChatCompletionRequest>, Vec<Warning>)> {
        let rules = self.rules(config);
        let capabilities = rules.capabilities;
        let (provider_options, mut warnings) = (config.options_reader)(&options.provider_options, &config.name, &self.model_id, config.mapping.model_option_rules)?;
        if !options.tools.is_empty() && !capabilities.tools {
            return Err(Error::unsupported(
                "tools",
                Some(format!("{} model `{}` does not take tools (per its mapping)", config.mapping.display_name, self.model_id)),
            ));
        }
        let structured_outputs = match provider_options.structured_outputs {
            Some(false) if capabilities.structured_outputs == StructuredOutputs::JsonSchema => StructuredOutputs::JsonObject,
            _ => capabilities.structured_outputs,
        };
        let strict = provider_options.strict_json_schema.or(config.mapping.request.strict_json_schema);
        let (response_format, emulated) = response_format(options, structured_outputs, strict, &mut warnings)?;
        let reasoning = &config.mapping.reasoning;
        let message_rules = MessageRules {
            capabilities: &capabilities,
            system_message_mode: provider_options.system_message_mode.or(rules.system_message_mode).unwrap_or(SystemMessageMode::System),
            send_reasoning: !reasoning.strip_from_history && reasoning.fields.contains(&"reasoning_content"),
            strip_reasoning: reasoning.strip_from_history,
            provider_name: &config.name,
        };
        let messages = convert_to_openai_compatible_messages(emulated.as_deref().unwrap_or(&options.prompt), message_rules, &mut warnings)?;
        let (tools, tool_choice) = prepare_tools(&options.tools, options.tool_choice.as_ref(), &mut warnings);
        let parallel_tool_calls = match provider_options.parallel_tool_calls {
            Some(_) if !capabilities.parallel_tool_calls => {
                warnings.push(Warning::unsupported("parallel_tool_calls", Some(format!("not accepted by {}", config.mapping.display_name))));
                None
            }
            other => other,
        };
        if options.reasoning_effort.is_some() && !capabilities.reasoning {
            warnings.push(Warning::unsupported(
                "reasoning_effort",
                Some(format!("{} is not known to be a reasoning model; sent anyway", self.model_id)),
            ));
        }
        let mut request = api::CreateChatCompletionRequest {
            model: self.model_id.clone(),
            messages,
            max_tokens: options.max_output_tokens.map(i64::from),
            max_completion_tokens: provider_options.max_completion_tokens.map(i64::from),
            temperature: options.temperature.map(shortest_decimal),
            top_p: options.top_p.map(shortest_decimal),
            top_k: options.top_k.map(i64::from),
            frequency_penalty: options.frequency_penalty.map(shortest_decimal),
            presence_penalty: options.presence_penalty.map(shortest_decimal),
            seed: options.seed.and_then(|seed| i64::try_from(seed).ok()),
            stop: (!options.stop_sequences.is_empty()).then(|| api::StopConfiguration::Array(options.stop_sequences.clone())),
            response_format,
            tools,
            tool_choice,
            parallel_tool_calls,
            reasoning_effort: reasoning_effort(options, &provider_options),
            user: provider_options.user.clone(),
            logit_bias: provider_options.logit_bias.as_ref().map(|bias| bias.iter().map(|(token, bias)| (token.clone(), bias.round() as i64)).collect()),
            logprobs: provider_options.top_logprobs.map(|_| true),
            top_logprobs: provider_options.top_logprobs.filter(|top| *top > 0).map(i64::from),
            store: provider_options.store,
            metadata: provider_options.metadata.as_ref().map(|metadata| api::Metadata(metadata.iter().map(|(key, value)| (key.clone(), value.clone())).collect())),
            prediction: match &provider_options.prediction {
                Some(prediction) => Some(
                    serde_json::from_value(prediction.clone())
                        .map_err(|error| Error::invalid_argument(format!("provider_options.{}.prediction", config.name), error.to_string()))?,
                ),
                None => None,
            },
            service_tier: wire_enum(&provider_options.service_tier),
            verbosity: wire_enum(&provider_options.text_verbosity),
            prompt_cache_key: provider_options.prompt_cache_key.clone(),
            safety_identifier: provider_options.safety_identifier.clone(),
            stream: stream.then_some(true),
            stream_options: (stream && config.mapping.request.stream_include_usage)
                .then(|| api::ChatCompletionStreamOptions { include_usage: Some(true), ..Default::default() }),
            extra: provider_options.extra,
            ..Default::default()
        };
        drop_rejected_fields(config, &rules, &self.model_id, &mut request, &mut warnings);
        Ok((shape_request(config, request, rules.renames, None)?, warnings))
    }
}

// The tests build most models from OpenAI's mapping.
#[cfg(all(test, feature = "openai"))]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::{Message, ProviderOptions, ReasoningEffort};
    use crate::providers::openai::{OpenAiSettings, create_openai};
    use crate::providers::openai_compatible::{OpenAiCompatibleSettings, create_openai_compatible};

    fn openai(model: &str) -> OpenAiCompatibleChatLanguageModel {
        create_openai(OpenAiSettings::default().with_api_key("sk-test")).chat(model)
    }

    fn body(model: &OpenAiCompatibleChatLanguageModel, options: &CallOptions, stream: bool) -> (Value, Vec<Warning>) {
        let config = model.config.as_deref().unwrap();
        let (request, warnings) = model.prepare(config, options, stream).unwrap();
        (serde_json::to_value(&request).unwrap(), warnings)
    }

    fn json_format(schema: Value) -> Option<ResponseFormat> {
        Some(ResponseFormat::Json { schema: Some(schema), name: None, description: None })
    }

    #[test]
    fn a_reshaped_body_sends_every_number_as_given() {
        // Mistral's mapping renames `seed`, so its bodies are reshaped. A number in a tool's
        // schema must reach the wire as the typed body sends it: a round trip through JSON text
        // would move this one (and 6% of computed doubles) by one unit in the last place.
        let mistral = create_openai_compatible("mistral", OpenAiCompatibleSettings::default().with_api_key("k")).unwrap();
        let model = mistral.chat("mistral-small-latest");
        let mut options = CallOptions::new(vec![Message::user("hi")]);
        options.seed = Some(1);
        let schema = json!({"type": "object", "properties": {"x": {"type": "number", "maximum": 0.9611757480989835}}});
        options.tools = vec![crate::provider::ToolDefinition::Function(crate::provider::FunctionTool::new("f", schema))];
        let config = model.config.as_deref().unwrap();
        let (request, _) = model.prepare(config, &options, false).unwrap();
        assert!(matches!(request, RequestBody::Json(_)), "the mapping reshapes the body");
        let text = String::from_utf8(serde_json::to_vec(&request).unwrap()).unwrap();
        assert!(text.contains(r#""maximum":0.9611757480989835"#), "{text}");
        assert!(text.contains(r#""random_seed":1"#), "{text}");
    }

    #[test]
    fn openai_maps_call_options_and_provider_options_and_drops_what_it_rejects() {
        let mut options = CallOptions::new(vec![Message::system("s"), Message::user("hi")]);
        options.max_output_tokens = Some(100);
        options.temperature = Some(0.5);
        options.stop_sequences = vec!["\n".into()];
        options.seed = Some(7);
        options.top_k = Some(3);
        options.response_format = json_format(json!({"type": "object"}));
        options.provider_options = ProviderOptions::new().with(
            "openai",
            json!({"user": "u1", "logprobs": 2, "store": true, "metadata": {"k": "v"}, "service_tier": "priority",
                   "prediction": {"type": "content", "content": "x"}, "parallel_tool_calls": false}),
        );
        let (request, warnings) = body(&openai("gpt-4o-mini"), &options, true);
        assert_eq!(
            request,
            json!({
                "model": "gpt-4o-mini",
                "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "hi"}],
                "max_tokens": 100, "temperature": 0.5, "seed": 7, "stop": ["\n"],
                "response_format": {"type": "json_schema", "json_schema": {"name": "response", "schema": {"type": "object", "required": [], "additionalProperties": false}, "strict": true}},
                "parallel_tool_calls": false, "logprobs": true, "top_logprobs": 2, "user": "u1", "store": true,
                "metadata": {"k": "v"}, "prediction": {"type": "content", "content": "x"}, "service_tier": "priority",
                "stream": true, "stream_options": {"include_usage": true}
            })
        );
        assert!(matches!(&warnings[..], [Warning::Unsupported { feature, .. }] if feature == "top_k"), "{warnings:?}");
    }

    #[test]
    fn openai_reasoning_models_follow_the_mapping_rule() {
        let mut options = CallOptions::new(vec![Message::system("s"), Message::user("hi")]);
        options.max_output_tokens = Some(1000);
        options.temperature = Some(0.2);
        options.reasoning_effort = Some(ReasoningEffort::High);
        let (request, warnings) = body(&openai("o3-mini"), &options, false);
        assert_eq!(
            request,
            json!({
                "model": "o3-mini",
                "messages": [{"role": "developer", "content": "s"}, {"role": "user", "content": "hi"}],
                "max_completion_tokens": 1000, "reasoning_effort": "high"
            })
        );
        assert!(matches!(&warnings[..], [Warning::Unsupported { feature, .. }] if feature == "temperature"), "{warnings:?}");
        // The chat variant of GPT-5 is not a reasoning model.
        let (request, _) = body(&openai("gpt-5-chat-latest"), &options, false);
        assert_eq!((request["max_tokens"].clone(), request["messages"][0]["role"].clone()), (json!(1000), json!("system")));
    }

    #[test]
    fn without_structured_outputs_the_schema_goes_into_the_prompt() {
        let mut options = CallOptions::new(vec![Message::user("hi")]);
        options.response_format = json_format(json!({"type": "object"}));
        options.provider_options = ProviderOptions::new().with("openai", json!({"structured_outputs": false}));
        let (request, warnings) = body(&openai("smollm2-chat"), &options, false);
        assert_eq!(request["response_format"], json!({"type": "json_object"}));
        assert!(request["messages"][0]["content"].as_str().unwrap().contains(r#"{"type":"object"}"#), "{request}");
        assert!(!warnings.is_empty());
        options.response_format = Some(ResponseFormat::Json { schema: None, name: None, description: None });
        options.provider_options = ProviderOptions::new();
        assert_eq!(body(&openai("gpt-4o"), &options, false).0["response_format"], json!({"type": "json_object"}));
    }

    /// Regression: a schemars schema with an `Option` field went out unchanged with
    /// `strict: true`, which OpenAI rejects with a 400.
    #[test]
    fn strict_schemas_are_sent_in_strict_form_or_not_strict_with_a_warning() {
        let mut options = CallOptions::new(vec![Message::user("hi")]);
        options.response_format = json_format(json!({"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer", "format": "uint8"}}, "required": ["name"]}));
        let (request, warnings) = body(&openai("gpt-4o"), &options, false);
        assert_eq!(
            request["response_format"]["json_schema"],
            json!({"name": "response", "strict": true, "schema": {"type": "object",
                "properties": {"name": {"type": "string"}, "age": {"type": ["integer", "null"]}},
                "required": ["age", "name"], "additionalProperties": false}})
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        options.response_format = json_format(json!({"type": "object", "additionalProperties": {"type": "number"}}));
        let (request, warnings) = body(&openai("gpt-4o"), &options, false);
        assert_eq!(request["response_format"]["json_schema"]["strict"], false);
        assert_eq!(request["response_format"]["json_schema"]["schema"], json!({"type": "object", "additionalProperties": {"type": "number"}}));
        assert!(matches!(&warnings[..], [Warning::Compatibility { feature, .. }] if feature == "response_format"), "{warnings:?}");
        options.tools = vec![crate::provider::ToolDefinition::Function(
            crate::provider::FunctionTool::new("f", json!({"type": "object", "properties": {"x": {"type": "string"}}})).with_strict(true),
        )];
        options.response_format = None;
        let (request, _) = body(&openai("gpt-4o"), &options, false);
        assert_eq!(request["tools"][0]["function"]["parameters"]["required"], json!(["x"]));
        assert_eq!(request["tools"][0]["function"]["strict"], true);
    }

    #[test]
    fn a_vendor_without_a_strict_default_sends_the_schema_as_given() {
        let groq = create_openai_compatible("groq", OpenAiCompatibleSettings::default().with_api_key("k")).unwrap();
        let model = groq.chat("llama-3.3-70b-versatile");
        let mut options = CallOptions::new(vec![Message::user("hi")]);
        let schema = json!({"type": "object", "properties": {"name": {"type": "string"}}});
        options.response_format = json_format(schema.clone());
        let (request, _) = body(&model, &options, false);
        assert_eq!(request["response_format"]["json_schema"]["schema"], schema);
        assert!(request["response_format"]["json_schema"].get("strict").is_none());
    }
}
