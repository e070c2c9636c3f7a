//! The AI SDK's content and stream parts as the gateway sends them (JSON, camelCase), decoded
//! once into one tagged enum and mapped onto specai's [`Content`] and [`StreamPart`].
//!
//! The gateway answers in the AI SDK's own vocabulary, which specai's mirrors: this file is the
//! one place that knows the JSON names. Usage comes nested (`inputTokens.total`, ...) as in
//! `LanguageModelV4Usage`, and finish reasons as `{unified, raw}`; the older flat forms (a
//! number, a string) are read too.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::Value;

use crate::provider::{
    Content, FileData, FinishReason, GeneratedFile, InputTokens, JsonBody, OutputTokens, ProviderMetadata, ResponseMetadata, Source,
    StreamPart, ToolCall, ToolResult, Usage, Warning,
};

/// One part, of a generate result's `content` or of a stream.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub(crate) enum GatewayPart {
    Text { text: String, provider_metadata: Option<ProviderMetadata> },
    Reasoning { text: String, provider_metadata: Option<ProviderMetadata> },
    TextStart { id: String, provider_metadata: Option<ProviderMetadata> },
    TextDelta { id: String, delta: String },
    TextEnd { id: String, provider_metadata: Option<ProviderMetadata> },
    ReasoningStart { id: String, provider_metadata: Option<ProviderMetadata> },
    ReasoningDelta { id: String, delta: String, provider_metadata: Option<ProviderMetadata> },
    ReasoningEnd { id: String, provider_metadata: Option<ProviderMetadata> },
    ToolInputStart { id: String, tool_name: String, #[serde(default)] provider_executed: bool, provider_metadata: Option<ProviderMetadata> },
    ToolInputDelta { id: String, delta: String },
    ToolInputEnd { id: String, provider_metadata: Option<ProviderMetadata> },
    ToolCall { tool_call_id: String, tool_name: String, input: Value, #[serde(default)] provider_executed: bool, provider_metadata: Option<ProviderMetadata> },
    ToolResult { tool_call_id: String, tool_name: String, result: Value, #[serde(default)] is_error: bool, provider_metadata: Option<ProviderMetadata> },
    File { media_type: String, data: Value, provider_metadata: Option<ProviderMetadata> },
    Source {
        source_type: String,
        id: String,
        url: Option<String>,
        title: Option<String>,
        media_type: Option<String>,
        filename: Option<String>,
        provider_metadata: Option<ProviderMetadata>,
    },
    StreamStart { #[serde(default)] warnings: Vec<Value> },
    ResponseMetadata { id: Option<String>, timestamp: Option<String>, model_id: Option<String> },
    Finish { usage: Option<Value>, finish_reason: Option<Value>, provider_metadata: Option<ProviderMetadata> },
    Raw { raw_value: Value },
    Error { error: Value },
    /// A part kind specai does not know (custom content, tool approval requests, ...).
    #[serde(other)]
    Unknown,
}

/// What a part maps to.
pub(crate) enum Mapped {
    Content(Content),
    Part(StreamPart),
    /// Known to the gateway, not to specai: named for a warning.
    Unknown,
}

fn block(id: String) -> Arc<str> {
    Arc::from(id)
}

impl GatewayPart {
    /// The part as content (a generate result's parts) or as a stream part.
    pub(crate) fn map(self) -> Mapped {
        match self {
            GatewayPart::Text { text, provider_metadata } => Mapped::Content(Content::Text { text, provider_metadata }),
            GatewayPart::Reasoning { text, provider_metadata } => Mapped::Content(Content::Reasoning { text, provider_metadata }),
            GatewayPart::ToolCall { tool_call_id, tool_name, input, provider_executed, provider_metadata } => {
                let input = match input {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                let mut call = ToolCall::new(tool_call_id, tool_name, input);
                call.provider_executed = provider_executed;
                call.provider_metadata = provider_metadata;
                Mapped::Content(Content::ToolCall(call))
            }
            GatewayPart::ToolResult { tool_call_id, tool_name, result, is_error, provider_metadata } => {
                let mut result = ToolResult::new(tool_call_id, tool_name, result).with_is_error(is_error);
                result.provider_metadata = provider_metadata;
                Mapped::Content(Content::ToolResult(result))
            }
            GatewayPart::File { media_type, data, provider_metadata } => match file_data(data) {
                Some(data) => {
                    let mut file = GeneratedFile::new(data, media_type);
                    file.provider_metadata = provider_metadata;
                    Mapped::Content(Content::File(file))
                }
                None => Mapped::Unknown,
            },
            GatewayPart::Source { source_type, id, url, title, media_type, filename, provider_metadata } => match (source_type.as_str(), url) {
                ("url", Some(url)) => Mapped::Content(Content::Source(Source::Url { id, url, title, provider_metadata })),
                ("document", _) => Mapped::Content(Content::Source(Source::Document {
                    id,
                    media_type: media_type.unwrap_or_else(|| "text/plain".into()),
                    title: title.unwrap_or_default(),
                    filename,
                    provider_metadata,
                })),
                _ => Mapped::Unknown,
            },
            GatewayPart::TextStart { id, provider_metadata } => Mapped::Part(StreamPart::TextStart { id: block(id), provider_metadata }),
            GatewayPart::TextDelta { id, delta } => Mapped::Part(StreamPart::TextDelta { id: block(id), delta }),
            GatewayPart::TextEnd { id, provider_metadata } => Mapped::Part(StreamPart::TextEnd { id: block(id), provider_metadata }),
            GatewayPart::ReasoningStart { id, provider_metadata } => Mapped::Part(StreamPart::ReasoningStart { id: block(id), provider_metadata }),
            GatewayPart::ReasoningDelta { id, delta, provider_metadata } => {
                Mapped::Part(StreamPart::ReasoningDelta { id: block(id), delta, provider_metadata })
            }
            GatewayPart::ReasoningEnd { id, provider_metadata } => Mapped::Part(StreamPart::ReasoningEnd { id: block(id), provider_metadata }),
            GatewayPart::ToolInputStart { id, tool_name, provider_executed, provider_metadata } => {
                Mapped::Part(StreamPart::ToolInputStart { id: block(id), tool_name, provider_executed, provider_metadata })
            }
            GatewayPart::ToolInputDelta { id, delta } => Mapped::Part(StreamPart::ToolInputDelta { id: block(id), delta }),
            GatewayPart::ToolInputEnd { id, provider_metadata } => Mapped::Part(StreamPart::ToolInputEnd { id: block(id), provider_metadata }),
            GatewayPart::StreamStart { warnings } => Mapped::Part(StreamPart::StreamStart { warnings: warnings.into_iter().map(warning).collect() }),
            GatewayPart::ResponseMetadata { id, timestamp: time, model_id } => {
                Mapped::Part(StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(id, model_id, time.as_deref().and_then(timestamp)))))
            }
            GatewayPart::Finish { usage: used, finish_reason, provider_metadata } => {
                let (finish_reason, raw_finish_reason) = finish(finish_reason.as_ref());
                Mapped::Part(StreamPart::Finish { usage: Box::new(usage(used.as_ref())), finish_reason, raw_finish_reason, provider_metadata })
            }
            GatewayPart::Raw { raw_value } => Mapped::Part(StreamPart::Raw { raw_value }),
            GatewayPart::Error { .. } | GatewayPart::Unknown => Mapped::Unknown,
        }
    }
}

/// File data: base64 text, or `{"type": "data", "data"}` / `{"type": "url", "url"}`.
fn file_data(data: Value) -> Option<FileData> {
    match data {
        Value::String(base64) => Some(FileData::Base64(base64)),
        Value::Object(mut object) => match object.get("type").and_then(Value::as_str) {
            Some("url") => object.remove("url").and_then(|url| url.as_str().map(|url| FileData::Url(url.to_owned()))),
            _ => object.remove("data").and_then(|data| data.as_str().map(|data| FileData::Base64(data.to_owned()))),
        },
        _ => None,
    }
}

/// A warning of the AI SDK's kinds (`unsupported`, `compatibility`, `deprecated`, `other`).
pub(crate) fn warning(value: Value) -> Warning {
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    match value.get("type").and_then(Value::as_str) {
        Some("unsupported") => Warning::unsupported(text("feature").unwrap_or_default(), text("details")),
        Some("compatibility") => Warning::compatibility(text("feature").unwrap_or_default(), text("details")),
        Some("deprecated") => Warning::other(format!("{} is deprecated: {}", text("setting").unwrap_or_default(), text("message").unwrap_or_default())),
        _ => Warning::other(text("message").unwrap_or_else(|| value.to_string())),
    }
}

/// The finish reason, `{unified, raw}` or a plain string.
pub(crate) fn finish(value: Option<&Value>) -> (FinishReason, Option<String>) {
    let (unified, raw) = match value {
        Some(Value::String(unified)) => (Some(unified.as_str()), None),
        Some(object) => (object.get("unified").and_then(Value::as_str), object.get("raw").and_then(Value::as_str).map(str::to_owned)),
        None => (None, None),
    };
    let reason = match unified {
        Some("stop") => FinishReason::Stop,
        Some("length") => FinishReason::Length,
        Some("content-filter") => FinishReason::ContentFilter,
        Some("tool-calls") => FinishReason::ToolCalls,
        Some("error") => FinishReason::Error,
        _ => FinishReason::Other,
    };
    (reason, raw.or_else(|| unified.map(str::to_owned)))
}

/// Usage: `{inputTokens: {total, noCache, cacheRead, cacheWrite}, outputTokens: {total, text,
/// reasoning}, raw?}`, or flat numbers.
pub(crate) fn usage(value: Option<&Value>) -> Usage {
    let Some(value) = value else { return Usage::default() };
    let count = |value: Option<&Value>, key: &str| -> Option<u64> {
        let value = value?;
        match value {
            Value::Number(_) if key == "total" => value.as_u64(),
            Value::Object(object) => object.get(key).and_then(Value::as_u64),
            _ => None,
        }
    };
    let input = value.get("inputTokens");
    let output = value.get("outputTokens");
    let mut input_tokens = InputTokens::from_total(count(input, "total"));
    input_tokens.no_cache = count(input, "noCache");
    input_tokens.cache_read = count(input, "cacheRead").or_else(|| value.get("cachedInputTokens").and_then(Value::as_u64));
    input_tokens.cache_write = count(input, "cacheWrite");
    let mut output_tokens = OutputTokens::from_total(count(output, "total"));
    output_tokens.text = count(output, "text");
    output_tokens.reasoning = count(output, "reasoning").or_else(|| value.get("reasoningTokens").and_then(Value::as_u64));
    Usage::new(input_tokens, output_tokens).with_raw(value.get("raw").map(JsonBody::from_value))
}

/// An RFC 3339 time (`2025-01-02T03:04:05.678Z`, or with a `+hh:mm` offset); `None` when it is not one.
pub(crate) fn timestamp(text: &str) -> Option<SystemTime> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> { std::str::from_utf8(bytes.get(range)?).ok()?.parse().ok() };
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if bytes.get(4) != Some(&b'-') || !matches!(bytes.get(10), Some(b'T' | b't' | b' ')) || !(1..=12).contains(&month) {
        return None;
    }
    let mut rest = &text[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let end = fraction.find(|c: char| !c.is_ascii_digit()).unwrap_or(fraction.len());
        let digits = &fraction[..end.min(9)];
        nanos = format!("{digits:0<9}").parse().ok()?;
        rest = &fraction[end..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            sign * (rest.get(1..3)?.parse::<i64>().ok()? * 3600 + rest.get(4..6)?.parse::<i64>().ok()? * 60)
        }
    };
    // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    let seconds = u64::try_from(seconds).ok()?;
    Some(UNIX_EPOCH + Duration::new(seconds, nanos))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn timestamps_parse_as_rfc_3339() {
        let time = timestamp("2025-03-04T05:06:07.250Z").unwrap();
        assert_eq!(time.duration_since(UNIX_EPOCH).unwrap(), Duration::new(1_741_064_767, 250_000_000));
        assert_eq!(timestamp("2025-03-04T07:06:07+02:00").unwrap(), timestamp("2025-03-04T05:06:07Z").unwrap());
        assert_eq!(timestamp("1970-01-01T00:00:00Z").unwrap(), UNIX_EPOCH);
        assert!(timestamp("yesterday").is_none());
        assert!(timestamp("2025-13-04T05:06:07Z").is_none());
    }

    #[test]
    fn usage_and_finish_reasons_in_both_forms() {
        let nested = usage(Some(&json!({"inputTokens": {"total": 10, "noCache": 4, "cacheRead": 6}, "outputTokens": {"total": 7, "text": 5, "reasoning": 2}})));
        assert_eq!((nested.input_tokens.total, nested.input_tokens.cache_read, nested.output_tokens.reasoning), (Some(10), Some(6), Some(2)));
        let flat = usage(Some(&json!({"inputTokens": 3, "outputTokens": 4})));
        assert_eq!((flat.input_tokens.total, flat.output_tokens.total), (Some(3), Some(4)));
        assert_eq!(finish(Some(&json!({"unified": "tool-calls", "raw": "tool_use"}))), (FinishReason::ToolCalls, Some("tool_use".into())));
        assert_eq!(finish(Some(&json!("stop"))), (FinishReason::Stop, Some("stop".into())));
        assert_eq!(finish(Some(&json!({"unified": "something-new"}))).0, FinishReason::Other);
    }
}
