//! The speech model: text (and voice, speed) queued as the model's input, the audio file of its
//! output downloaded. Models that read the text under another name (Kokoro's `prompt`) say so in
//! the mapping's per-model renames.

use async_trait::async_trait;
use serde_json::{Map, Value, json};

use super::fal_queue::{CallAdditions, fetch_file, run_queued};
use super::{FalSpeechOptions, PROVIDER_ID, SharedConnection, connection_for_call, wire};
use crate::error::{Error, Result};
use crate::provider::{ProviderMetadata, RequestMetadata, ResponseMetadata, SpeechModel, SpeechOptions, SpeechResponse, Warning};
use crate::provider_utils::{PollSettings, shortest_decimal};

/// A FAL speech model. Built by [`FalProvider::speech`](super::FalProvider::speech).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// let model = specai::fal::create_fal(Default::default()).speech("fal-ai/kokoro/american-english");
/// let speech = specai::generate_speech(model).text("Hello there").voice("af_heart").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FalSpeechModel {
    model_id: String,
    provider: String,
    connection: SharedConnection,
    poll: PollSettings,
}

impl FalSpeechModel {
    pub(super) fn new(model_id: &str, connection: SharedConnection, poll: PollSettings) -> Self {
        FalSpeechModel { model_id: model_id.to_owned(), provider: format!("{PROVIDER_ID}.speech"), connection, poll }
    }
}

#[async_trait]
impl SpeechModel for FalSpeechModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &SpeechOptions) -> Result<SpeechResponse> {
        let connection = connection_for_call(&self.connection)?;
        let fal_options: FalSpeechOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let mut warnings = Vec::new();
        if options.language.is_some() {
            warnings.push(Warning::unsupported("language", Some("FAL speech models take no language; see the languageBoost option".to_owned())));
        }
        if options.instructions.is_some() {
            warnings.push(Warning::unsupported("instructions", None));
        }
        if let Some(format) = &options.output_format {
            warnings.push(Warning::unsupported("output_format", Some(format!("FAL speech models choose their format (not `{format}`); the media type says which"))));
        }
        let mut body = Map::new();
        body.insert("text".to_owned(), json!(options.text));
        if let Some(voice) = &options.voice {
            body.insert("voice".to_owned(), json!(voice));
        }
        if let Some(speed) = options.speed {
            body.insert("speed".to_owned(), json!(shortest_decimal(speed)));
        }
        let typed = [
            ("voice_setting", fal_options.voice_setting.clone()),
            ("audio_setting", fal_options.audio_setting.clone()),
            ("language_boost", fal_options.language_boost.clone().map(Value::from)),
            ("pronunciation_dict", fal_options.pronunciation_dict.clone()),
        ];
        for (name, value) in typed {
            if let Some(value) = value {
                body.insert(name.to_owned(), value);
            }
        }
        body.extend(fal_options.input.clone());
        let overrides = connection.mapping.model_overrides.iter().filter(|model_override| model_override.matches(&self.model_id));
        for &(from, to) in overrides.flat_map(|model_override| model_override.renames) {
            if let Some(value) = body.remove(from) {
                body.insert(to.to_owned(), value);
            }
        }
        let poll = self.poll.with_call_overrides(fal_options.poll_interval_millis, fal_options.poll_timeout_millis);
        let operation = connection.mapping.operations.speech;
        let outcome = run_queued::<_, wire::SpeechOutput>(connection, &poll, operation.as_ref(), "speech", &self.model_id, &body, CallAdditions { headers: &options.headers, extra: &options.extra }).await?;
        let file = outcome.output.audio.ok_or_else(|| Error::NoSpeechGenerated {
            provider: self.provider.clone(),
            message: format!("request {} completed without audio", outcome.request_id),
        })?;
        let (audio, media_type) = fetch_file(connection, &file).await?;
        let media_type = media_type
            .filter(|media_type| media_type.starts_with("audio/"))
            .or_else(|| crate::provider_utils::detect_audio_media_type(&audio).map(str::to_owned))
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        let mut metadata = json!({"requestId": outcome.request_id});
        if let Some(duration) = outcome.output.duration_ms {
            metadata["durationMs"] = json!(duration);
        }
        let mut result = SpeechResponse::new(audio, media_type);
        result.request = RequestMetadata::sent(serde_json::to_vec(&body).ok().map(bytes::Bytes::from).as_ref());
        result.warnings = warnings;
        result.provider_metadata = Some(ProviderMetadata::new().with(PROVIDER_ID, metadata));
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), Some(std::time::SystemTime::now())).with_headers(outcome.headers);
        Ok(result)
    }
}
