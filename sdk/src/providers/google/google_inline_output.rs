//! Media output of `generateContent`: Gemini TTS (the AUDIO modality) and Gemini image models
//! (the IMAGE modality) are asked one user text and answer with `inlineData` parts. The speech
//! and image models share this call; each shapes its own `generationConfig`.

use serde_json::{Map, Value, json};

use super::convert_to_google_messages::text_part;
use super::wire::{Blob, Content, GenerateContentRequest, GenerateContentResponse, GenerationConfig};
use crate::error::Result;
use crate::provider::{JsonBody, RequestMetadata};
use crate::provider_utils::{MappedConnection, ModelOperation};

/// What one media call returned: the inline parts in order, the text parts, and the metadata.
pub(crate) struct InlineOutput {
    pub blobs: Vec<Blob>,
    #[cfg_attr(not(feature = "image"), allow(dead_code))]
    pub texts: Vec<String>,
    /// `google` provider metadata: usage and the model version, when reported.
    pub metadata: Map<String, Value>,
    pub headers: http::HeaderMap,
    pub body: Option<JsonBody>,
    #[cfg_attr(not(feature = "speech"), allow(dead_code))]
    pub request: RequestMetadata,
    /// Why the answer has no content (a finish reason or a blocked prompt), when it has none.
    pub finish: Option<String>,
}

/// Sends `text` as one user message with `generation_config` (and a call's extras) and collects
/// the inline parts.
pub(crate) async fn generate_inline(
    connection: &MappedConnection,
    operation: &ModelOperation,
    model_id: &str,
    text: &str,
    generation_config: GenerationConfig,
    call_headers: &http::HeaderMap,
    extra: &crate::provider::ExtraRequest,
) -> Result<InlineOutput> {
    let body = GenerateContentRequest {
        contents: vec![Content { parts: vec![text_part(text)], role: Some("user".to_owned()), extra: Map::new() }],
        generation_config: Some(generation_config),
        ..Default::default()
    };
    let headers = connection.headers(call_headers)?;
    let mut response = connection.post_operation(operation, model_id, body, headers, extra).await?;
    let request = RequestMetadata::sent(response.request_body.as_ref());
    let headers = std::mem::take(&mut response.headers);
    let decoded = response.json::<GenerateContentResponse>().await?;
    let body = decoded.raw_json();
    let GenerateContentResponse { candidates, usage_metadata, model_version, prompt_feedback, .. } = decoded.value;
    let mut blobs = Vec::new();
    let mut texts = Vec::new();
    let mut finish = prompt_feedback.and_then(|feedback| feedback.block_reason).map(|reason| format!("prompt blocked: {}", wire_name(&reason)));
    for candidate in candidates {
        if let Some(reason) = &candidate.finish_reason {
            finish.get_or_insert_with(|| format!("finish reason {}", wire_name(reason)));
        }
        for part in candidate.content.map(|content| content.parts).unwrap_or_default() {
            match (part.inline_data, part.text) {
                (Some(blob), _) => blobs.push(blob),
                (None, Some(text)) if part.thought != Some(true) => texts.push(text),
                _ => {}
            }
        }
    }
    let mut metadata = Map::new();
    if let Some(usage) = usage_metadata {
        metadata.insert("usageMetadata".to_owned(), serde_json::to_value(usage).unwrap_or(Value::Null));
    }
    if let Some(version) = model_version {
        metadata.insert("modelVersion".to_owned(), json!(version));
    }
    Ok(InlineOutput { blobs, texts, metadata, headers, body, request, finish })
}

/// A wire enum's name as sent (`SAFETY`).
fn wire_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(name)) => name,
        _ => "unknown".to_owned(),
    }
}
