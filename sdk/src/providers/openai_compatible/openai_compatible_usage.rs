//! Token usage read at the mapping's paths inside the provider's usage object.

use serde_json::Value;
use specai_generated::mappings::UsageMapping;

use super::json_path::count;
use crate::provider::{InputTokens, JsonBody, OutputTokens, Usage};

/// Usage from a provider's usage object, following the mapping's paths (`prompt_tokens`,
/// `prompt_cache_hit_tokens`, ...). The object is kept as `raw`.
pub(crate) fn usage_from_value(value: Value, mapping: &UsageMapping) -> Usage {
    let input = count(&value, &mapping.input_tokens);
    let output = count(&value, &mapping.output_tokens);
    let cached = mapping.cached_input_tokens.as_ref().and_then(|path| count(&value, path));
    let reasoning = mapping.reasoning_tokens.as_ref().and_then(|path| count(&value, path));
    let output_tokens = if mapping.output_excludes_reasoning {
        OutputTokens { total: add(output, reasoning), text: output, reasoning }
    } else {
        OutputTokens::with_reasoning(output, reasoning)
    };
    Usage {
        input_tokens: InputTokens::with_cache_read(input, cached),
        output_tokens,
        raw: Some(JsonBody::from_value(&value)),
    }
}

fn add(left: Option<u64>, right: Option<u64>) -> Option<u64> {
    match (left, right) {
        (None, None) => None,
        (left, right) => Some(left.unwrap_or(0) + right.unwrap_or(0)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use specai_generated::mappings::OPENAI_COMPATIBLE;

    use super::*;

    #[test]
    fn reads_openai_shaped_usage_with_details() {
        let usage = usage_from_value(
            json!({"prompt_tokens": 10, "completion_tokens": 7, "total_tokens": 17,
                   "prompt_tokens_details": {"cached_tokens": 4}, "completion_tokens_details": {"reasoning_tokens": 5}}),
            &OPENAI_COMPATIBLE.usage,
        );
        assert_eq!(usage.input_tokens, InputTokens { total: Some(10), no_cache: Some(6), cache_read: Some(4), cache_write: None });
        assert_eq!(usage.output_tokens, OutputTokens { total: Some(7), text: Some(2), reasoning: Some(5) });
    }
}
