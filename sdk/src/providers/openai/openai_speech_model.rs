//! The speech model (`POST /audio/speech`): text in, audio bytes out.

use async_trait::async_trait;
use serde_json::Map;
use specai_generated::openai_compatible::types as api;

use crate::error::Result;
use crate::provider::{RequestMetadata, ResponseMetadata, SpeechModel, SpeechOptions, SpeechResponse, Warning};

use super::openai_options::{OPENAI_PROVIDER_ID, OpenAiSpeechOptions};
use crate::provider_utils::{listed_format, shortest_decimal};
use super::{SharedConfig, config_for_call, wire_enum};

/// The voice used when the call names none.
pub const DEFAULT_VOICE: &str = "alloy";

/// A speech model. Built by [`OpenAiProvider::speech`](super::OpenAiProvider::speech).
#[derive(Clone)]
pub struct OpenAiSpeechModel {
    model_id: String,
    provider: String,
    url: String,
    config: SharedConfig,
}

/// The URL redacted: a base URL may carry user info.
impl std::fmt::Debug for OpenAiSpeechModel {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        super::debug_model(formatter, "OpenAiSpeechModel", &self.model_id, &self.url, &self.config)
    }
}

impl OpenAiSpeechModel {
    pub(crate) fn new(model_id: String, config: SharedConfig) -> Self {
        let (provider, url) = super::model_endpoint(&config, "speech", |operations| operations.speech.as_ref(), &model_id);
        OpenAiSpeechModel { model_id, provider, url, config }
    }
}

/// The formats the API produces, with their media types.
const FORMATS: [(&str, &str); 6] = [
    ("mp3", "audio/mpeg"),
    ("opus", "audio/opus"),
    ("aac", "audio/aac"),
    ("flac", "audio/flac"),
    ("wav", "audio/wav"),
    ("pcm", "audio/pcm"),
];

#[async_trait]
impl SpeechModel for OpenAiSpeechModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &SpeechOptions) -> Result<SpeechResponse> {
        let config = config_for_call(&self.config)?;
        let provider_options: OpenAiSpeechOptions = options.provider_options.parse(OPENAI_PROVIDER_ID)?.unwrap_or_default();
        let mut warnings = Vec::new();
        let requested = options.output_format.as_deref().unwrap_or("mp3");
        let (format, media_type) = listed_format(&FORMATS, requested, &mut warnings);
        if options.language.is_some() {
            warnings.push(Warning::unsupported("language", Some("OpenAI speech detects the language from the text".to_owned())));
        }
        let request = api::CreateSpeechRequest {
            model: self.model_id.clone(),
            input: options.text.clone(),
            voice: options.voice.clone().unwrap_or_else(|| DEFAULT_VOICE.to_owned()),
            response_format: Some(wire_enum("output_format", format)?),
            speed: provider_options.speed.or(options.speed).map(shortest_decimal),
            instructions: provider_options.instructions.clone().or_else(|| options.instructions.clone()),
            stream_format: None,
            extra: Map::new(),
        };
        let mut response = config.post_json(&self.url, request, &options.headers, &options.extra).await?;
        let request = RequestMetadata::sent(response.request_body.as_ref());
        let headers = std::mem::take(&mut response.headers);
        let audio = response.bytes().await?;
        let mut result = SpeechResponse::new(audio, media_type);
        result.request = request;
        result.response =
            ResponseMetadata::new(None, Some(self.model_id.clone()), Some(std::time::SystemTime::now())).with_headers(headers);
        result.warnings = warnings;
        Ok(result)
    }
}
