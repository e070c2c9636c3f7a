//! The Hume (Octave) speech model: the mapping's `speech` operation (`POST /v0/tts/file`), one
//! utterance in, an audio file out.
//!
//! The call's text, voice, speed and instructions become one utterance (the instructions as its
//! acting `description`); a voice that looks like a UUID is sent as a voice id, anything else as
//! a voice name. The model id names the Octave version (`octave-1`, `octave-2`; `octave` lets Hume
//! choose). Hume detects the language from the text, so `language` is reported as unsupported.

use async_trait::async_trait;
use serde_json::Map;

use super::hume_options::{HumeContext, HumeSpeechOptions};
use super::wire::{Context, Format, TtsRequest, Utterance, Voice};
use super::{PROVIDER_ID, connection_for_call};
use crate::error::{Error, Result};
use crate::provider::{SpeechModel, SpeechOptions, SpeechResponse, Warning};
use crate::provider_utils::{connection_model, listed_format, shortest_decimal, speech_response};

/// The voice used when the call names none (a voice of Hume's library).
pub const DEFAULT_VOICE: &str = "d8ab67c6-953d-4bd8-9370-8fa53a0f1453";

connection_model! {
    /// A speech model, e.g. `octave-2`. Built by [`HumeProvider::speech`](super::HumeProvider::speech).
    pub struct HumeSpeechModel { kind: "speech", default_name: PROVIDER_ID }
}

impl HumeSpeechModel {
    /// The Octave version the model id names, if it names one.
    fn version(&self) -> Option<String> {
        self.model_id.strip_prefix("octave-").filter(|version| !version.is_empty()).map(str::to_owned)
    }
}

/// The formats Hume produces, with their media types.
const FORMATS: [(&str, &str); 3] = [("mp3", "audio/mpeg"), ("wav", "audio/wav"), ("pcm", "audio/pcm")];

/// Whether a voice is an id (a UUID: 36 characters of hex digits and four dashes).
fn is_voice_id(voice: &str) -> bool {
    voice.len() == 36 && voice.chars().all(|character| character.is_ascii_hexdigit() || character == '-') && voice.matches('-').count() == 4
}

/// The context of a request, from the option.
fn context(context: HumeContext) -> Result<Context> {
    Ok(match context {
        HumeContext::Generation { generation_id } => Context { generation_id: Some(generation_id), utterances: Vec::new(), extra: Map::new() },
        HumeContext::Utterances { utterances } => Context {
            generation_id: None,
            utterances: utterances
                .into_iter()
                .map(serde_json::from_value)
                .collect::<std::result::Result<_, _>>()
                .map_err(|error| Error::invalid_argument("provider_options.hume.context.utterances", error.to_string()))?,
            extra: Map::new(),
        },
    })
}

#[async_trait]
impl SpeechModel for HumeSpeechModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &SpeechOptions) -> Result<SpeechResponse> {
        let connection = connection_for_call(&self.connection)?;
        let hume: HumeSpeechOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let mut warnings = Vec::new();
        let requested = options.output_format.as_deref().unwrap_or("mp3");
        let (format, media_type) = listed_format(&FORMATS, requested, &mut warnings);
        if options.language.is_some() {
            warnings.push(Warning::unsupported("language", Some("Hume detects the language from the text".to_owned())));
        }
        let voice = options.voice.as_deref().unwrap_or(DEFAULT_VOICE);
        let (id, name) = if is_voice_id(voice) { (Some(voice.to_owned()), None) } else { (None, Some(voice.to_owned())) };
        let utterance = Utterance {
            text: options.text.clone(),
            description: options.instructions.clone(),
            voice: Some(Voice { id, name, provider: Some(hume.voice_provider.unwrap_or_else(|| "HUME_AI".to_owned())), extra: Map::new() }),
            speed: options.speed.map(shortest_decimal),
            trailing_silence: hume.trailing_silence,
            extra: Map::new(),
        };
        let body = TtsRequest {
            utterances: vec![utterance],
            context: hume.context.map(context).transpose()?,
            format: Some(Format { type_: format.to_owned(), extra: Map::new() }),
            version: hume.version.or_else(|| self.version()),
            instant_mode: hume.instant_mode,
            num_generations: None,
            split_utterances: None,
            strip_headers: None,
            extra: Map::new(),
        };
        let url = connection.operation_url(connection.mapping.operations.speech.as_ref(), "speech", &self.model_id)?;
        let response = connection.post_json(&url, body, &options.headers, &options.extra).await?;
        speech_response(response, &self.provider, &self.model_id, media_type, warnings).await
    }
}
