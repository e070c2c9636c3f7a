//! The LMNT speech model: the mapping's `speech` operation (`POST /v1/ai/speech/bytes`), JSON in,
//! audio bytes out.
//!
//! LMNT takes the voice, model, language (ISO 639-1, or `auto`), format and speed in the body;
//! `instructions` are reported as unsupported, and a format LMNT lacks falls back to mp3 with a
//! warning.

use async_trait::async_trait;
use serde_json::Map;

use super::lmnt_options::LmntSpeechOptions;
use super::wire::SpeechRequest;
use super::{PROVIDER_ID, connection_for_call};
use crate::error::Result;
use crate::provider::{SpeechModel, SpeechOptions, SpeechResponse, Warning};
use crate::provider_utils::{connection_model, listed_format, shortest_decimal, speech_response};

/// The voice used when the call names none.
pub const DEFAULT_VOICE: &str = "ava";

connection_model! {
    /// A speech model, `blizzard` or `aurora`. Built by [`LmntProvider::speech`](super::LmntProvider::speech).
    pub struct LmntSpeechModel { kind: "speech", default_name: PROVIDER_ID }
}

/// The formats LMNT produces, with their media types.
const FORMATS: [(&str, &str); 5] = [("mp3", "audio/mpeg"), ("aac", "audio/aac"), ("wav", "audio/wav"), ("mulaw", "audio/basic"), ("raw", "audio/pcm")];

#[async_trait]
impl SpeechModel for LmntSpeechModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &SpeechOptions) -> Result<SpeechResponse> {
        let connection = connection_for_call(&self.connection)?;
        let lmnt: LmntSpeechOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let mut warnings = Vec::new();
        // The common name `pcm` is LMNT's `raw`.
        let requested = lmnt.format.as_deref().or(options.output_format.as_deref()).map(|format| if format == "pcm" { "raw" } else { format });
        let (format, media_type) = match requested {
            None => FORMATS[0],
            Some(requested) => listed_format(&FORMATS, requested, &mut warnings),
        };
        if options.instructions.is_some() {
            warnings.push(Warning::unsupported("instructions", Some("LMNT speech takes no instructions".to_owned())));
        }
        let body = SpeechRequest {
            voice: options.voice.clone().unwrap_or_else(|| DEFAULT_VOICE.to_owned()),
            text: options.text.clone(),
            model: Some(self.model_id.clone()),
            language: options.language.clone(),
            format: Some(format.to_owned()),
            sample_rate: lmnt.sample_rate.map(i64::from),
            speed: options.speed.map(shortest_decimal),
            seed: lmnt.seed,
            conversational: lmnt.conversational,
            length: lmnt.length,
            top_p: lmnt.top_p,
            temperature: lmnt.temperature,
            extra: Map::new(),
        };
        let url = connection.operation_url(connection.mapping.operations.speech.as_ref(), "speech", &self.model_id)?;
        let response = connection.post_json(&url, body, &options.headers, &options.extra).await?;
        speech_response(response, &self.provider, &self.model_id, media_type, warnings).await
    }
}
