//! Token usage of a chat completion or of a stream's usage chunk.
//!
//! The usage object is kept as the JSON it arrived as (`Usage.raw`) and counted either from the
//! generated lean type, when the mapping's usage paths are the chat-completions defaults (the
//! fast path every OpenAI-shaped vendor takes), or at the mapping's paths inside a
//! `serde_json::Value` (DeepSeek's `prompt_cache_hit_tokens`, say).

use serde_json::Value;
use specai_generated::mappings::{JsonPath, OPENAI_COMPATIBLE, UsageMapping};
use specai_generated::openai_compatible::lean;

use crate::provider_utils::json_path::lookup;
use crate::provider::{InputTokens, JsonBody, OutputTokens, Usage};

/// Usage counted from a usage object, with the prediction counts OpenAI reports beside it.
#[derive(Debug, Clone, Default)]
pub(crate) struct CountedUsage {
    pub usage: Usage,
    pub accepted_prediction_tokens: Option<i64>,
    pub rejected_prediction_tokens: Option<i64>,
}

impl CountedUsage {
    /// The prediction counts as provider metadata entries.
    pub fn metadata(&self, metadata: &mut serde_json::Map<String, Value>) {
        if let Some(accepted) = self.accepted_prediction_tokens {
            metadata.insert("accepted_prediction_tokens".into(), accepted.into());
        }
        if let Some(rejected) = self.rejected_prediction_tokens {
            metadata.insert("rejected_prediction_tokens".into(), rejected.into());
        }
    }
}

/// Whether a mapping reads usage at the chat-completions default paths.
pub(crate) fn is_default_usage(mapping: &UsageMapping) -> bool {
    *mapping == OPENAI_COMPATIBLE.usage
}

/// Usage from the usage object of a completion or chunk, decoded with it; `raw` is that object
/// as it arrived, passed on as `Usage.raw`. `default_paths` is [`is_default_usage`] of the
/// mapping, worked out once per provider: a vendor that counts at other paths has them read from
/// `raw` instead.
pub(crate) fn counted_usage(counts: &lean::CompletionUsage<'_>, raw: JsonBody, mapping: &UsageMapping, default_paths: bool) -> CountedUsage {
    if !default_paths {
        let value = raw.json().unwrap_or(Value::Null);
        let mut counted = usage_from_value(&value, mapping);
        counted.usage.raw = Some(raw);
        return counted;
    }
    let known = |count: Option<i64>| count.and_then(|count| u64::try_from(count).ok());
    let cached = known(counts.prompt_tokens_details.as_ref().and_then(|details| details.cached_tokens));
    let details = counts.completion_tokens_details.as_ref();
    let reasoning = known(details.and_then(|details| details.reasoning_tokens));
    CountedUsage {
        usage: Usage::new(
            InputTokens::with_cache_read(known(counts.prompt_tokens), cached),
            OutputTokens::with_reasoning(known(counts.completion_tokens), reasoning),
        )
        .with_raw(Some(raw)),
        accepted_prediction_tokens: details.and_then(|details| details.accepted_prediction_tokens),
        rejected_prediction_tokens: details.and_then(|details| details.rejected_prediction_tokens),
    }
}

/// Usage from a provider's usage object, following the mapping's paths (`prompt_tokens`,
/// `prompt_cache_hit_tokens`, ...). The object is kept as `raw`.
pub(crate) fn usage_from_value(value: &Value, mapping: &UsageMapping) -> CountedUsage {
    let input = count(value, &mapping.input_tokens);
    let output = count(value, &mapping.output_tokens);
    let cached = mapping.cached_input_tokens.as_ref().and_then(|path| count(value, path));
    let reasoning = mapping.reasoning_tokens.as_ref().and_then(|path| count(value, path));
    let output_tokens = if mapping.output_excludes_reasoning {
        OutputTokens::from_text_and_reasoning(output, reasoning)
    } else {
        OutputTokens::with_reasoning(output, reasoning)
    };
    let details = value.get("completion_tokens_details");
    let detail = |name: &str| details.and_then(|details| details.get(name)).and_then(Value::as_i64);
    CountedUsage {
        usage: Usage::new(InputTokens::with_cache_read(input, cached), output_tokens)
            .with_raw(Some(JsonBody::from_value(value))),
        accepted_prediction_tokens: detail("accepted_prediction_tokens"),
        rejected_prediction_tokens: detail("rejected_prediction_tokens"),
    }
}

/// A token count at a path (integers, or floats some servers send).
fn count(value: &Value, path: &JsonPath) -> Option<u64> {
    let found = lookup(value, path.segments)?;
    found.as_u64().or_else(|| found.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use specai_generated::mappings::{DEEPSEEK, OPENAI_COMPATIBLE};

    use super::*;

    const USAGE: &str = r#"{"prompt_tokens": 10, "completion_tokens": 7, "total_tokens": 17,
        "prompt_tokens_details": {"cached_tokens": 4},
        "completion_tokens_details": {"reasoning_tokens": 5, "accepted_prediction_tokens": 2}}"#;

    #[test]
    fn typed_and_value_paths_count_the_same() {
        let counts: lean::CompletionUsage<'_> = serde_json::from_str(USAGE).unwrap();
        let typed = counted_usage(&counts, JsonBody::new(USAGE.as_bytes().to_vec()), &OPENAI_COMPATIBLE.usage, true);
        let value = usage_from_value(&serde_json::from_str(USAGE).unwrap(), &OPENAI_COMPATIBLE.usage);
        for counted in [&typed, &value] {
            let (input, output) = (counted.usage.input_tokens, counted.usage.output_tokens);
            assert_eq!(
                (input.total, input.no_cache, input.cache_read, input.cache_write),
                (Some(10), Some(6), Some(4), None)
            );
            assert_eq!((output.total, output.text, output.reasoning), (Some(7), Some(2), Some(5)));
            assert_eq!(counted.accepted_prediction_tokens, Some(2));
        }
    }

    #[test]
    fn a_vendor_mapping_reads_its_own_paths() {
        assert!(!is_default_usage(&DEEPSEEK.usage));
        let text = r#"{"prompt_tokens": 9, "completion_tokens": 1, "prompt_cache_hit_tokens": 8}"#;
        let counts: lean::CompletionUsage<'_> = serde_json::from_str(text).unwrap();
        let counted = counted_usage(&counts, JsonBody::new(text.as_bytes().to_vec()), &DEEPSEEK.usage, is_default_usage(&DEEPSEEK.usage));
        assert_eq!(counted.usage.input_tokens.cache_read, Some(8));
        assert_eq!(counted.usage.raw.unwrap().json().unwrap(), json!({"prompt_tokens": 9, "completion_tokens": 1, "prompt_cache_hit_tokens": 8}));
    }
}
