//! Azure's content filter on chat completions: the verdicts on the prompt
//! (`prompt_filter_results`, in a response or the first chunk of a stream) and on the choice
//! (`choices[0].content_filter_results`, in a response or every chunk), decoded with the types
//! generated from `specs/azure/openapi.json` and handed on as provider metadata under `azure`.
//!
//! The chat engine runs this as the mapping's metadata hook on each response body and stream
//! chunk; a filtered completion's finish reason (`content_filter`) is mapped by the engine itself.
//! The metadata keeps Azure's field names, so it reads like the wire; [`content_filter_results`]
//! and [`prompt_filter_results`] turn it back into the typed verdicts.

use serde::Deserialize;
use serde_json::{Map, Value};
use specai_generated::azure::types;

use crate::provider::ProviderMetadata;

/// The metadata key of the prompt's verdicts.
const PROMPT_KEY: &str = "prompt_filter_results";
/// The metadata key of the first choice's verdicts.
const CHOICE_KEY: &str = "content_filter_results";

/// Reads the filter's verdicts in a chat completion or stream chunk into `metadata`.
///
/// A chunk's empty `content_filter_results: {}` (Azure sends one on chunks it has not judged
/// yet) does not replace what an earlier chunk said. Verdicts that do not decode (a shape no API
/// version documents) are kept as sent rather than dropped: metadata never fails a call.
pub(crate) fn azure_content_filter(body: &Value, metadata: &mut Map<String, Value>) {
    if let Some(prompt) = body.get(PROMPT_KEY) {
        let decoded = Vec::<types::PromptFilterResult>::deserialize(prompt).map(|results| serde_json::to_value(results).ok());
        metadata.insert(PROMPT_KEY.to_owned(), decoded.ok().flatten().unwrap_or_else(|| prompt.clone()));
    }
    let Some(choice) = body.pointer("/choices/0/content_filter_results") else { return };
    let value = match types::ContentFilterChoiceResults::deserialize(choice) {
        Ok(results) if results == types::ContentFilterChoiceResults::default() => {
            if metadata.contains_key(CHOICE_KEY) {
                return;
            }
            Value::Object(Map::new())
        }
        Ok(results) => serde_json::to_value(results).unwrap_or_else(|_| choice.clone()),
        Err(_) => choice.clone(),
    };
    metadata.insert(CHOICE_KEY.to_owned(), value);
}

/// The verdicts on the first choice of an Azure chat completion, from its provider metadata;
/// `None` when there are none (another provider, or a kind of model Azure does not annotate).
///
/// ```
/// use serde_json::json;
/// use specai::azure::{content_filter_results, types::ContentFilterSeverity};
/// use specai::provider::ProviderMetadata;
///
/// let verdict = json!({"content_filter_results": {"violence": {"filtered": true, "severity": "medium"}}});
/// let metadata = ProviderMetadata::new().with("azure", verdict);
/// let results = content_filter_results(&metadata).unwrap();
/// assert_eq!(results.violence.unwrap().severity, ContentFilterSeverity::Medium);
/// ```
pub fn content_filter_results(metadata: &ProviderMetadata) -> Option<types::ContentFilterChoiceResults> {
    let value = metadata.get("azure")?.get(CHOICE_KEY)?;
    types::ContentFilterChoiceResults::deserialize(value).ok()
}

/// The verdicts on the prompts of an Azure chat completion, from its provider metadata (empty
/// when there are none).
///
/// ```
/// use serde_json::json;
/// use specai::azure::prompt_filter_results;
/// use specai::provider::ProviderMetadata;
///
/// let verdict = json!({"prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {"jailbreak": {"filtered": false, "detected": false}}}]});
/// let results = prompt_filter_results(&ProviderMetadata::new().with("azure", verdict));
/// assert_eq!(results[0].content_filter_results.as_ref().unwrap().jailbreak.as_ref().unwrap().detected, false);
/// ```
pub fn prompt_filter_results(metadata: &ProviderMetadata) -> Vec<types::PromptFilterResult> {
    metadata
        .get("azure")
        .and_then(|azure| azure.get(PROMPT_KEY))
        .and_then(|value| Vec::<types::PromptFilterResult>::deserialize(value).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn verdicts_are_decoded_and_kept_with_their_wire_names() {
        let body = json!({
            "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {
                "hate": {"filtered": false, "severity": "safe"}, "indirect_attack": {"filtered": false, "detected": false}}}],
            "choices": [{"index": 0, "content_filter_results": {
                "custom_blocklists": {"filtered": true, "details": [{"filtered": true, "id": "contoso-terms"}]},
                "protected_material_code": {"filtered": false, "detected": true, "citation": {"URL": "https://example.com/repo", "license": "MIT"}},
                "violence": {"filtered": true, "severity": "high"}}}]
        });
        let mut metadata = Map::new();
        azure_content_filter(&body, &mut metadata);
        assert_eq!(metadata[PROMPT_KEY], body["prompt_filter_results"]);
        assert_eq!(metadata[CHOICE_KEY], body["choices"][0]["content_filter_results"]);
        let typed = content_filter_results(&ProviderMetadata::new().with("azure", Value::Object(metadata))).unwrap();
        let Some(types::ContentFilterBlocklists::ContentFilterBlocklistResults(blocklists)) = typed.custom_blocklists else {
            panic!("the blocklist verdicts with details")
        };
        assert_eq!(blocklists.details[0].id, "contoso-terms");
        assert_eq!(typed.protected_material_code.unwrap().citation.unwrap().license.as_deref(), Some("MIT"));
        assert_eq!(typed.violence.unwrap().severity, types::ContentFilterSeverity::High);
    }

    #[test]
    fn an_empty_verdict_does_not_replace_an_earlier_one() {
        let mut metadata = Map::new();
        azure_content_filter(&json!({"choices": [{"content_filter_results": {}}]}), &mut metadata);
        assert_eq!(metadata[CHOICE_KEY], json!({}), "a first empty verdict is kept");
        let judged = json!({"choices": [{"content_filter_results": {"sexual": {"filtered": false, "severity": "low"}}}]});
        azure_content_filter(&judged, &mut metadata);
        azure_content_filter(&json!({"choices": [{"content_filter_results": {}}]}), &mut metadata);
        assert_eq!(metadata[CHOICE_KEY], json!({"sexual": {"filtered": false, "severity": "low"}}));
    }

    #[test]
    fn an_undocumented_shape_is_kept_as_sent() {
        // `severity` missing: not the documented shape, but the service's word is not dropped.
        let body = json!({"choices": [{"content_filter_results": {"hate": {"filtered": true}}}], "prompt_filter_results": "?"});
        let mut metadata = Map::new();
        azure_content_filter(&body, &mut metadata);
        assert_eq!(metadata[CHOICE_KEY], json!({"hate": {"filtered": true}}));
        assert_eq!(metadata[PROMPT_KEY], json!("?"));
        assert!(content_filter_results(&ProviderMetadata::new().with("azure", Value::Object(metadata))).is_none());
    }

    #[test]
    fn a_body_without_annotations_adds_nothing() {
        let mut metadata = Map::new();
        azure_content_filter(&json!({"choices": [{"message": {"content": "hi"}}]}), &mut metadata);
        assert!(metadata.is_empty());
    }
}
