//! Decoding that tolerates almost-compatible servers: a `null` where the spec has no nullable
//! field is treated as absent.
//!
//! The typed decode is tried first, straight from the bytes; only when it fails is the text
//! parsed into a `serde_json::Value`, its `null` members removed, and decoded again. A
//! conforming server never pays for the second pass. The generated types now take `null` for
//! optional lists and maps themselves (llama-cpp-python's `"tool_calls": null`, which is what
//! made this necessary); this stays as the net for other fields.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Removes every object member whose value is `null`, recursively.
pub(crate) fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(object) => {
            object.retain(|_, member| !member.is_null());
            object.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Decodes `data` into `T`, retrying without `null` members when the first attempt fails. The
/// first attempt's error is returned when both fail.
pub(crate) fn decode_lenient<T: DeserializeOwned>(data: &[u8]) -> Result<T, serde_json::Error> {
    crate::provider_utils::decode_json::<T>(data).or_else(|error| {
        let Ok(mut value) = serde_json::from_slice::<Value>(data) else { return Err(error) };
        strip_nulls(&mut value);
        // Decoded again from text with the same decoder: `from_value` would compile a second
        // decoder for every type, for this rare path alone.
        let Ok(text) = serde_json::to_vec(&value) else { return Err(error) };
        crate::provider_utils::decode_json::<T>(&text).map_err(|_| error)
    })
}

#[cfg(test)]
mod tests {
    use specai_generated::openai_compatible::types::CreateChatCompletionStreamResponse;

    use super::*;

    /// Regression: llama-cpp-python's stream deltas carry `"tool_calls": null`, which the
    /// generated `Vec` field rejects.
    #[test]
    fn null_tool_calls_from_llama_cpp_python_decode() {
        let chunk = br#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"finish_reason":null,"logprobs":null,"delta":{"role":"assistant","content":null,"function_call":null,"tool_calls":null}}]}"#;
        let decoded: CreateChatCompletionStreamResponse = decode_lenient(chunk).unwrap();
        assert!(decoded.choices[0].delta.tool_calls.is_empty());
    }
}
