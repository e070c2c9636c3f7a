//! The Deepgram (Aura) speech model: the mapping's `speech` operation (`POST /v1/speak`), the
//! model and audio encoding in the query, `{"text"}` in the body, audio bytes out.
//!
//! Aura models carry their voice in the model id (`aura-2-helena-en`), so the call's `voice`,
//! `speed`, `instructions` and `language` are reported as unsupported. The call's short format
//! names map to Deepgram's encoding and container (`wav` is `linear16` in a `wav` container,
//! `pcm` the same without one); [`DeepgramSpeechOptions`] set them exactly.

use async_trait::async_trait;
use serde_json::{Map, json};

use super::deepgram_options::DeepgramSpeechOptions;
use super::wire::SpeakRequest;
use super::{PROVIDER_ID, connection_for_call};
use crate::error::Result;
use crate::provider::{ExtraRequest, ProviderMetadata, SpeechModel, SpeechOptions, SpeechResponse, Warning};
use crate::provider_utils::{connection_model, speech_response};

connection_model! {
    /// A speech model, e.g. `aura-2-helena-en`. Built by
    /// [`DeepgramProvider::speech`](super::DeepgramProvider::speech).
    pub struct DeepgramSpeechModel { kind: "speech", default_name: PROVIDER_ID }
}

/// Deepgram's encoding and container for a short format name.
fn encoding(format: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match format {
        "mp3" => ("mp3", None),
        "wav" | "linear16" => ("linear16", Some("wav")),
        "pcm" => ("linear16", Some("none")),
        "mulaw" => ("mulaw", Some("wav")),
        "alaw" => ("alaw", Some("wav")),
        "opus" | "ogg" => ("opus", Some("ogg")),
        "flac" => ("flac", None),
        "aac" => ("aac", None),
        _ => return None,
    })
}

/// The media type of an encoding in a container.
fn media_type(encoding: &str, container: Option<&str>) -> &'static str {
    match (encoding, container) {
        (_, Some("wav")) => "audio/wav",
        (_, Some("ogg")) | ("opus", None) => "audio/ogg",
        ("mp3", _) => "audio/mpeg",
        ("flac", _) => "audio/flac",
        ("aac", _) => "audio/aac",
        ("mulaw", _) => "audio/basic",
        ("alaw", _) => "audio/alaw",
        _ => "audio/pcm",
    }
}

#[async_trait]
impl SpeechModel for DeepgramSpeechModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &SpeechOptions) -> Result<SpeechResponse> {
        let connection = connection_for_call(&self.connection)?;
        let deepgram: DeepgramSpeechOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let mut warnings = Vec::new();
        let requested = options.output_format.as_deref().unwrap_or("mp3");
        let (default_encoding, default_container) = encoding(requested).unwrap_or_else(|| {
            warnings.push(Warning::unsupported("output_format", Some(format!("unsupported format `{requested}`; using mp3"))));
            ("mp3", None)
        });
        let encoding = deepgram.encoding.as_deref().unwrap_or(default_encoding);
        // An explicit encoding takes no container from the call's format.
        let container = match (&deepgram.container, &deepgram.encoding) {
            (Some(container), _) => Some(container.as_str()),
            (None, Some(_)) => None,
            (None, None) => default_container,
        };
        if options.voice.as_deref().is_some_and(|voice| voice != self.model_id) {
            warnings.push(Warning::unsupported("voice", Some("Aura models name their voice in the model id (e.g. aura-2-helena-en)".to_owned())));
        }
        for (feature, given) in [("speed", options.speed.is_some()), ("instructions", options.instructions.is_some()), ("language", options.language.is_some())] {
            if given {
                warnings.push(Warning::unsupported(feature, Some(format!("Deepgram speech takes no {feature}; the model id decides"))));
            }
        }
        let mut query = ExtraRequest::default().with_query_param("model", self.model_id.clone()).with_query_param("encoding", encoding);
        if let Some(container) = container {
            query = query.with_query_param("container", container);
        }
        let numbers = [("sample_rate", deepgram.sample_rate), ("bit_rate", deepgram.bit_rate)];
        for (name, value) in numbers.into_iter().filter_map(|(name, value)| value.map(|value| (name, value))) {
            query = query.with_query_param(name, value.to_string());
        }
        if let Some(opt_out) = deepgram.mip_opt_out {
            query = query.with_query_param("mip_opt_out", opt_out.to_string());
        }
        for tag in deepgram.tag.iter().flatten() {
            query = query.with_query_param("tag", tag.clone());
        }
        let url = connection.operation_url(connection.mapping.operations.speech.as_ref(), "speech", &self.model_id)?;
        let body = SpeakRequest { text: options.text.clone(), extra: Map::new() };
        // The call's extras: its body members over the provider's, its query parameters after.
        query.body.clone_from(&options.extra.body);
        query.query.extend(options.extra.query.iter().cloned());
        let response = connection.post_json(&url, body, &options.headers, &query).await?;
        let mut result = speech_response(response, &self.provider, &self.model_id, media_type(encoding, container), warnings).await?;
        let headers = &result.response.headers;
        let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_owned);
        let metadata = json!({
            "requestId": header("dg-request-id"),
            "characterCount": header("dg-char-count").and_then(|count| count.parse::<u64>().ok()),
        });
        result.response.id = header("dg-request-id");
        result.provider_metadata = Some(ProviderMetadata::new().with(PROVIDER_ID, metadata));
        Ok(result)
    }
}
