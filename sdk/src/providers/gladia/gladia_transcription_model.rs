//! The Gladia transcription model: upload (`POST /v2/upload`, multipart field `audio`) unless
//! the audio is given by URL, submit (`POST /v2/pre-recorded`), then poll
//! (`GET /v2/pre-recorded/{id}`) through the shared [`Job`](crate::provider_utils::Job) poller until `done` or `error`.
//!
//! The transcript is `result.transcription.full_transcript`; its utterances (in seconds already)
//! become the segments; the first of `languages` is the language and `result.metadata` gives
//! the duration. The job id is `provider_metadata["gladia"]["jobId"]`, with Gladia's billed
//! seconds beside it.

use std::sync::Arc;

use async_trait::async_trait;
use reqwest::multipart::{Form, Part};
use serde_json::{Map, Value, json};

use super::gladia_options::GladiaOptions;
use super::wire;
use super::{PROVIDER_ID, SharedConnection};
use crate::error::{Error, Result};
use crate::provider::{
    ExtraRequest, ProviderMetadata, ResponseMetadata, TranscriptionModel, TranscriptionOptions, TranscriptionResponse,
    TranscriptionSegment,
};
use crate::provider_utils::{JobStatus, MappedConnection, PollSettings, audio_file_extension, poll_job_status};

/// A Gladia transcription model (`solaria-1`: the id is reported; Gladia picks its model).
#[derive(Debug, Clone)]
pub struct GladiaTranscriptionModel {
    model_id: String,
    connection: SharedConnection,
    poll_settings: PollSettings,
}

impl GladiaTranscriptionModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection, poll_settings: PollSettings) -> Self {
        GladiaTranscriptionModel { model_id: model_id.to_owned(), connection, poll_settings }
    }
}

/// The body of `POST /v2/pre-recorded`.
fn request(audio_url: String, options: GladiaOptions) -> wire::PreRecordedRequest {
    let language_config = (options.languages.is_some() || options.code_switching.is_some()).then(|| wire::LanguageConfig {
        languages: options.languages.unwrap_or_default(),
        code_switching: options.code_switching,
        ..Default::default()
    });
    wire::PreRecordedRequest {
        audio_url,
        language_config,
        diarization: options.diarization,
        diarization_config: options.diarization_config.map(|speakers| wire::DiarizationConfig {
            number_of_speakers: speakers.number_of_speakers,
            min_speakers: speakers.min_speakers,
            max_speakers: speakers.max_speakers,
            ..Default::default()
        }),
        custom_vocabulary: options.custom_vocabulary.as_ref().map(|_| true),
        custom_vocabulary_config: options
            .custom_vocabulary
            .map(|vocabulary| wire::CustomVocabularyConfig { vocabulary, ..Default::default() }),
        context_prompt: options.context_prompt,
        punctuation_enhanced: options.punctuation_enhanced,
        sentences: options.sentences,
        summarization: options.summarization,
        named_entity_recognition: options.named_entity_recognition,
        sentiment_analysis: options.sentiment_analysis,
        custom_metadata: options.custom_metadata.unwrap_or_default(),
        ..Default::default()
    }
}

/// The audio's URL for Gladia: the caller's, or that of the bytes uploaded.
async fn audio_url(connection: &MappedConnection, options: &TranscriptionOptions) -> Result<String> {
    if let Some(url) = options.audio_url.as_deref().filter(|_| options.audio.is_empty()) {
        return Ok(url.to_owned());
    }
    if options.audio.is_empty() {
        return Err(Error::invalid_argument("audio", "no audio given: pass bytes or a URL"));
    }
    let media_type = &options.media_type;
    let file = Part::stream_with_length(reqwest::Body::from(options.audio.clone()), options.audio.len() as u64)
        .file_name(format!("audio.{}", audio_file_extension(media_type)))
        .mime_str(media_type)
        .map_err(|_| Error::invalid_argument("media_type", format!("`{media_type}` is not a media type")))?;
    let url = connection.operation_url(connection.mapping.operations.upload.as_ref(), "upload", "")?;
    // The call's extra body members and query parameters go to the submit request, not here.
    let uploaded = connection.post_multipart(&url, Form::new().part("audio", file), &options.headers, &ExtraRequest::default()).await?;
    Ok(uploaded.json::<wire::UploadResponse>().await?.value.audio_url)
}

/// One poll's finding: the status words Gladia documents.
fn job_status(job: wire::PreRecordedJob, headers: http::HeaderMap) -> JobStatus<(wire::PreRecordedJob, http::HeaderMap)> {
    match &job.status {
        wire::JobStatus::Done => JobStatus::Done((job, headers)),
        wire::JobStatus::Error => JobStatus::Failed(match job.error_code {
            Some(code) => format!("the job ended with status `error` (error_code {code})"),
            None => "the job ended with status `error`".to_owned(),
        }),
        status => JobStatus::Pending(Some(status.to_string())),
    }
}

/// The finished job as the call's result.
fn transcription_response(model_id: &str, job: wire::PreRecordedJob, headers: http::HeaderMap) -> Result<TranscriptionResponse> {
    let no_transcript = |what: &str| Error::NoTranscriptGenerated { provider: PROVIDER_ID.to_owned(), message: format!("job {} is done but {what}", job.id) };
    let result = job.result.clone().ok_or_else(|| no_transcript("has no result"))?;
    let transcription = result.transcription.ok_or_else(|| no_transcript("its result has no transcription"))?;
    let text = transcription.full_transcript.ok_or_else(|| no_transcript("its transcription has no full_transcript"))?;
    let mut response = TranscriptionResponse::new(text);
    response.segments = transcription
        .utterances
        .into_iter()
        .map(|utterance| TranscriptionSegment { text: utterance.text, start_second: utterance.start, end_second: utterance.end })
        .collect();
    response.language = transcription.languages.into_iter().next();
    response.duration_in_seconds = result.metadata.as_ref().and_then(|metadata| metadata.audio_duration);
    let mut metadata = Map::new();
    metadata.insert("jobId".into(), json!(job.id));
    if let Some(billing_time) = result.metadata.and_then(|metadata| metadata.billing_time) {
        metadata.insert("billingTime".into(), json!(billing_time));
    }
    response.provider_metadata = Some(ProviderMetadata::new().with(PROVIDER_ID, Value::Object(metadata)));
    response.response = ResponseMetadata::new(Some(job.id), Some(model_id.to_owned()), Some(std::time::SystemTime::now())).with_headers(headers);
    Ok(response)
}

#[async_trait]
impl TranscriptionModel for GladiaTranscriptionModel {
    crate::provider::model_identity!(const PROVIDER_ID, model_id);

    async fn do_generate(&self, options: &TranscriptionOptions) -> Result<TranscriptionResponse> {
        let connection: &Arc<MappedConnection> = self.connection.as_ref().map_err(Clone::clone)?;
        let provider_options: GladiaOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let poll_settings = self.poll_settings.with_call_overrides(provider_options.poll_interval_millis, provider_options.poll_timeout_millis);
        let audio_url = audio_url(connection, options).await?;
        let operations = connection.mapping.operations;
        let submit_url = connection.operation_url(operations.transcription.as_ref(), "transcription", &self.model_id)?;
        let body = request(audio_url, provider_options);
        let submitted = connection.post_json(&submit_url, body, &options.headers, &options.extra).await?;
        let id = submitted.json::<wire::PreRecordedCreated>().await?.value.id;

        let (finished, headers) = poll_job_status(connection, PROVIDER_ID, &id, &options.headers, &poll_settings, job_status).await?;
        transcription_response(&self.model_id, finished, headers)
    }
}
