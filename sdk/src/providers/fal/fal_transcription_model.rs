//! The transcription model (Whisper, Wizper): the audio sent as a URL (FAL fetches it) or, given
//! as bytes, as a `data:` URL; the text, its timed chunks and the detected language read back.

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::json;

use super::fal_queue::{CallAdditions, run_queued};
use super::{FalTranscriptionOptions, PROVIDER_ID, SharedConnection, connection_for_call, wire};
use crate::error::{Error, Result};
use crate::provider::{ProviderMetadata, ResponseMetadata, TranscriptionModel, TranscriptionOptions, TranscriptionResponse, TranscriptionSegment};
use crate::provider_utils::PollSettings;

/// A FAL transcription model. Built by [`FalProvider::transcription`](super::FalProvider::transcription).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// let model = specai::fal::create_fal(Default::default()).transcription("fal-ai/wizper");
/// let transcript = specai::transcribe(model).audio_url("https://example.com/talk.mp3").await?;
/// println!("{}", transcript.text);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FalTranscriptionModel {
    model_id: String,
    provider: String,
    connection: SharedConnection,
    poll: PollSettings,
}

impl FalTranscriptionModel {
    pub(super) fn new(model_id: &str, connection: SharedConnection, poll: PollSettings) -> Self {
        FalTranscriptionModel { model_id: model_id.to_owned(), provider: format!("{PROVIDER_ID}.transcription"), connection, poll }
    }
}

/// The audio as FAL's `audio_url`: the caller's URL, or the bytes inline.
fn audio_url(options: &TranscriptionOptions) -> Result<String> {
    match options.audio_url.as_deref().filter(|_| options.audio.is_empty()) {
        Some(url) => Ok(url.to_owned()),
        None if options.audio.is_empty() => Err(Error::invalid_argument("audio", "no audio and no audio URL")),
        None => {
            let media_type = Some(options.media_type.as_str())
                .filter(|media_type| !media_type.is_empty())
                .or_else(|| crate::provider_utils::detect_audio_media_type(&options.audio))
                .ok_or_else(|| Error::invalid_argument("media_type", "the audio is of no recognised format; set the media type"))?;
            Ok(format!("data:{media_type};base64,{}", BASE64.encode(&options.audio)))
        }
    }
}

#[async_trait]
impl TranscriptionModel for FalTranscriptionModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &TranscriptionOptions) -> Result<TranscriptionResponse> {
        let connection = connection_for_call(&self.connection)?;
        let fal_options: FalTranscriptionOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let request = wire::TranscriptionInput {
            audio_url: audio_url(options)?,
            task: Some(fal_options.task.clone().unwrap_or_else(|| "transcribe".to_owned())),
            language: fal_options.language.clone(),
            chunk_level: Some(fal_options.chunk_level.clone().unwrap_or_else(|| "segment".to_owned())),
            diarize: fal_options.diarize,
            version: fal_options.version.clone(),
            batch_size: fal_options.batch_size.map(i64::from),
            num_speakers: fal_options.num_speakers.map(i64::from),
            prompt: fal_options.prompt.clone(),
            extra: fal_options.input.clone(),
        };
        let poll = self.poll.with_call_overrides(fal_options.poll_interval_millis, fal_options.poll_timeout_millis);
        let operation = connection.mapping.operations.transcription;
        let outcome =
            run_queued::<_, wire::TranscriptionOutput>(connection, &poll, operation.as_ref(), "transcription", &self.model_id, &request, CallAdditions { headers: &options.headers, extra: &options.extra }).await?;
        let output = outcome.output;
        let text = output.text.ok_or_else(|| Error::NoTranscriptGenerated {
            provider: self.provider.clone(),
            message: format!("request {} completed without text", outcome.request_id),
        })?;
        let segments: Vec<TranscriptionSegment> = output
            .chunks
            .iter()
            .filter_map(|chunk| {
                let start = *chunk.timestamp.first()?;
                let end = chunk.timestamp.get(1).copied().unwrap_or(start);
                Some(TranscriptionSegment { text: chunk.text.clone().unwrap_or_default(), start_second: start, end_second: end })
            })
            .collect();
        let speakers: Vec<Option<String>> = output.chunks.iter().map(|chunk| chunk.speaker.clone()).collect();
        let mut metadata = json!({"requestId": outcome.request_id});
        if speakers.iter().any(Option::is_some) {
            metadata["speakers"] = json!(speakers);
        }
        let mut result = TranscriptionResponse::new(text);
        result.duration_in_seconds = segments.last().map(|segment| segment.end_second);
        result.segments = segments;
        result.language = output.inferred_languages.into_iter().chain(output.languages).next();
        result.provider_metadata = Some(ProviderMetadata::new().with(PROVIDER_ID, metadata));
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), Some(std::time::SystemTime::now())).with_headers(outcome.headers);
        Ok(result)
    }
}
