//! The ElevenLabs (Scribe) transcription model: the mapping's `transcription` operation
//! (`POST /v1/speech-to-text`), a multipart form with the audio as `file`, or with
//! `cloud_storage_url` when the audio was given by URL (ElevenLabs fetches it).
//!
//! Words become segments (spacing left out; audio events such as `(laughter)` kept), the
//! duration is the last word's end, and the language code (ISO 639-3, `eng`) is reported as
//! ISO 639-1 (`en`). The language probability and, with diarization, each word's speaker are in
//! provider metadata under `elevenlabs`.

use async_trait::async_trait;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use super::elevenlabs_options::ElevenLabsTranscriptionOptions;
use super::wire::{SpeechToTextChunkResponseModel, SpeechToTextV1SpeechToTextPostResponse, Type};
use super::{PROVIDER_ID, connection_for_call, iso_639_1};
use crate::error::{Error, Result};
use crate::provider::{ProviderMetadata, ResponseMetadata, TranscriptionModel, TranscriptionOptions, TranscriptionResponse, TranscriptionSegment};
use crate::provider_utils::connection_model;

connection_model! {
    /// A transcription model, e.g. `scribe_v1`. Built by
    /// [`ElevenLabsProvider::transcription`](super::ElevenLabsProvider::transcription).
    pub struct ElevenLabsTranscriptionModel { kind: "transcription", default_name: PROVIDER_ID }
}

impl ElevenLabsTranscriptionModel {
    /// The multipart form of a call: the audio (or its URL), the model and the options.
    fn form(&self, options: &TranscriptionOptions, elevenlabs: &ElevenLabsTranscriptionOptions) -> Result<Form> {
        let mut form = Form::new().text("model_id", self.model_id.clone());
        form = match &options.audio_url {
            Some(url) => form.text("cloud_storage_url", url.clone()),
            None => {
                let media_type = if options.media_type.is_empty() { "application/octet-stream" } else { options.media_type.as_str() };
                let file = Part::stream_with_length(reqwest::Body::from(options.audio.clone()), options.audio.len() as u64)
                    .file_name("audio")
                    .mime_str(media_type)
                    .map_err(|_| Error::invalid_argument("media_type", format!("`{media_type}` is not a media type")))?;
                form.part("file", file)
            }
        };
        let fields = [
            ("language_code", elevenlabs.language_code.clone()),
            ("tag_audio_events", elevenlabs.tag_audio_events.map(|value| value.to_string())),
            ("num_speakers", elevenlabs.num_speakers.map(|value| value.to_string())),
            ("timestamps_granularity", elevenlabs.timestamps_granularity.clone()),
            ("diarize", elevenlabs.diarize.map(|value| value.to_string())),
            ("file_format", elevenlabs.file_format.clone()),
            ("temperature", elevenlabs.temperature.map(|value| value.to_string())),
            ("seed", elevenlabs.seed.map(|value| value.to_string())),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                form = form.text(name, value);
            }
        }
        Ok(form)
    }
}

/// The segments (one per word or audio event) and speakers of one channel's transcript.
fn segments(chunk: &SpeechToTextChunkResponseModel) -> (Vec<TranscriptionSegment>, Vec<Value>) {
    let mut segments = Vec::new();
    let mut speakers = Vec::new();
    for word in chunk.words.iter().filter(|word| word.type_ != Type::Spacing) {
        segments.push(TranscriptionSegment {
            text: word.text.clone(),
            start_second: word.start.unwrap_or(0.0),
            end_second: word.end.or(word.start).unwrap_or(0.0),
        });
        if let Some(speaker) = &word.speaker_id {
            speakers.push(json!({"text": word.text, "speakerId": speaker}));
        }
    }
    (segments, speakers)
}

#[async_trait]
impl TranscriptionModel for ElevenLabsTranscriptionModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &TranscriptionOptions) -> Result<TranscriptionResponse> {
        let connection = connection_for_call(&self.connection)?;
        let elevenlabs: ElevenLabsTranscriptionOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        if options.audio_url.is_none() && options.audio.is_empty() {
            return Err(Error::invalid_argument("audio", "no audio and no audio URL"));
        }
        let form = self.form(options, &elevenlabs)?;
        let mut url = connection.operation_url(connection.mapping.operations.transcription.as_ref(), "transcription", &self.model_id)?;
        if let Some(enable_logging) = elevenlabs.enable_logging {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("enable_logging={enable_logging}"));
        }
        let response = connection.post_multipart(&url, form, &options.headers, &options.extra).await?.json::<SpeechToTextV1SpeechToTextPostResponse>().await?;
        let raw = response.raw_json();
        let chunks = match response.value {
            SpeechToTextV1SpeechToTextPostResponse::SpeechToTextChunkResponseModel(chunk) => vec![chunk],
            SpeechToTextV1SpeechToTextPostResponse::MultichannelSpeechToTextResponseModel(channels) => channels.transcripts,
        };
        let Some(first) = chunks.first() else {
            return Err(Error::NoTranscriptGenerated { provider: self.provider.clone(), message: "the answer had no transcripts".to_owned() });
        };
        let language = (!first.language_code.is_empty()).then(|| iso_639_1(&first.language_code));
        let language_probability = first.language_probability;
        let mut result = TranscriptionResponse::new(chunks.iter().map(|chunk| chunk.text.as_str()).collect::<Vec<_>>().join("\n"));
        let mut speakers = Vec::new();
        for chunk in &chunks {
            let (chunk_segments, chunk_speakers) = segments(chunk);
            result.segments.extend(chunk_segments);
            speakers.extend(chunk_speakers);
        }
        result.duration_in_seconds = result.segments.iter().map(|segment| segment.end_second).reduce(f64::max);
        result.language = language;
        let mut metadata = json!({"languageProbability": language_probability});
        if !speakers.is_empty() {
            metadata["speakers"] = Value::Array(speakers);
        }
        result.provider_metadata = Some(ProviderMetadata::new().with(PROVIDER_ID, metadata));
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), Some(std::time::SystemTime::now()))
            .with_headers(response.headers)
            .with_body(raw);
        Ok(result)
    }
}
