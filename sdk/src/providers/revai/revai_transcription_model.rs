//! The Rev.ai transcription model: submit (`POST /speechtotext/v1/jobs`, multipart `media` and
//! `options` JSON text, or JSON with `source_config.url` for audio by URL), poll
//! (`GET /speechtotext/v1/jobs/{id}`) through the shared [`Job`](crate::provider_utils::Job) poller until `transcribed` or
//! `failed`, then fetch the transcript (`GET /speechtotext/v1/jobs/{id}/transcript`).
//!
//! Each monologue (one speaker's turn) becomes a segment, from its first element's `ts` to its
//! last `end_ts`; the text is the monologues' joined. The job id is
//! `provider_metadata["revai"]["jobId"]`.

use std::sync::Arc;

use async_trait::async_trait;
use http::{HeaderMap, HeaderValue, Method};
use reqwest::multipart::{Form, Part};
use serde::Serialize;
use serde_json::json;

use super::revai_options::RevaiOptions;
use super::wire;
use super::{PROVIDER_ID, SharedConnection};
use crate::error::{Error, Result};
use crate::provider::{
    ExtraRequest, ProviderMetadata, ResponseMetadata, TranscriptionModel, TranscriptionOptions, TranscriptionResponse,
    TranscriptionSegment,
};
use crate::provider_utils::extra_request::WithExtraBody;
use crate::provider_utils::{JobStatus, MappedConnection, PollSettings, job_operation_url, poll_job_status, send_to_job};

/// The media type Rev.ai answers transcripts in as JSON.
const TRANSCRIPT_MEDIA_TYPE: &str = "application/vnd.rev.transcript.v1.0+json";

/// A Rev.ai transcription model; its id is the transcriber (`machine`, `low_cost`, `fusion`).
#[derive(Debug, Clone)]
pub struct RevaiTranscriptionModel {
    model_id: String,
    connection: SharedConnection,
    poll_settings: PollSettings,
}

/// The JSON submit body for audio by URL: the source and the options.
#[derive(Serialize)]
struct SubmitByUrl<'a> {
    source_config: wire::SourceConfig,
    #[serde(flatten)]
    options: &'a wire::SubmitJobOptions,
}

impl RevaiTranscriptionModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection, poll_settings: PollSettings) -> Self {
        RevaiTranscriptionModel { model_id: model_id.to_owned(), connection, poll_settings }
    }

    fn job_options(&self, options: RevaiOptions) -> wire::SubmitJobOptions {
        wire::SubmitJobOptions {
            transcriber: Some(self.model_id.clone()),
            language: options.language,
            skip_diarization: options.skip_diarization,
            skip_punctuation: options.skip_punctuation,
            remove_disfluencies: options.remove_disfluencies,
            filter_profanity: options.filter_profanity,
            speaker_channels_count: options.speaker_channels_count,
            custom_vocabulary_id: options.custom_vocabulary_id,
            metadata: options.metadata,
            delete_after_seconds: options.delete_after_seconds,
            ..Default::default()
        }
    }
}

/// Submits the job: the audio's URL as JSON, or its bytes as a multipart upload.
async fn submit(connection: &MappedConnection, url: &str, job_options: &wire::SubmitJobOptions, options: &TranscriptionOptions) -> Result<String> {
    let response = match options.audio_url.as_deref().filter(|_| options.audio.is_empty()) {
        Some(audio_url) => {
            let body = SubmitByUrl { source_config: wire::SourceConfig { url: audio_url.to_owned(), ..Default::default() }, options: job_options };
            connection.post_json(url, body, &options.headers, &options.extra).await?
        }
        None if options.audio.is_empty() => return Err(Error::invalid_argument("audio", "no audio given: pass bytes or a URL")),
        None => {
            let media_type = &options.media_type;
            let media = Part::stream_with_length(reqwest::Body::from(options.audio.clone()), options.audio.len() as u64)
                .file_name("audio")
                .mime_str(media_type)
                .map_err(|_| Error::invalid_argument("media_type", format!("`{media_type}` is not a media type")))?;
            // The job's options are one JSON form field: the extra body members go into it, as
            // they go into the JSON body of a submit by URL; the query parameters onto the URL.
            let job_options = WithExtraBody { body: job_options, extra: &options.extra };
            let job_options = serde_json::to_string(&job_options).map_err(|error| Error::invalid_argument("provider_options.revai", error.to_string()))?;
            let mut query_only = ExtraRequest::default();
            query_only.query.clone_from(&options.extra.query);
            connection.post_multipart(url, Form::new().part("media", media).text("options", job_options), &options.headers, &query_only).await?
        }
    };
    Ok(response.json::<wire::Job>().await?.value.id)
}

/// One poll's finding: the status words Rev.ai documents.
fn job_status(job: wire::Job) -> JobStatus<wire::Job> {
    match &job.status {
        wire::JobStatus::Transcribed => JobStatus::Done(job),
        wire::JobStatus::Failed => JobStatus::Failed(
            job.failure_detail.clone().or_else(|| job.failure.clone()).unwrap_or_else(|| "the job ended with status `failed`".to_owned()),
        ),
        status => JobStatus::Pending(Some(status.to_string())),
    }
}

/// The transcript and the finished job as the call's result.
fn transcription_response(model_id: &str, job: wire::Job, transcript: wire::Transcript, headers: HeaderMap) -> Result<TranscriptionResponse> {
    let mut texts = Vec::new();
    let mut segments = Vec::new();
    for monologue in transcript.monologues {
        let text: String = monologue.elements.iter().map(|element| element.value.as_str()).collect::<String>().trim().to_owned();
        let start = monologue.elements.iter().find_map(|element| element.ts);
        let end = monologue.elements.iter().rev().find_map(|element| element.end_ts);
        if let (Some(start_second), Some(end_second)) = (start, end) {
            segments.push(TranscriptionSegment { text: text.clone(), start_second, end_second });
        }
        if !text.is_empty() {
            texts.push(text);
        }
    }
    if texts.is_empty() && job.duration_seconds.is_none() {
        return Err(Error::NoTranscriptGenerated { provider: PROVIDER_ID.to_owned(), message: format!("job {} is transcribed but its transcript is empty", job.id) });
    }
    let mut response = TranscriptionResponse::new(texts.join(" "));
    response.duration_in_seconds = job.duration_seconds.or_else(|| segments.last().map(|segment| segment.end_second));
    response.segments = segments;
    response.language = job.language.clone();
    response.provider_metadata = Some(ProviderMetadata::new().with(PROVIDER_ID, json!({"jobId": job.id})));
    response.response = ResponseMetadata::new(Some(job.id), Some(model_id.to_owned()), Some(std::time::SystemTime::now())).with_headers(headers);
    Ok(response)
}

#[async_trait]
impl TranscriptionModel for RevaiTranscriptionModel {
    crate::provider::model_identity!(const PROVIDER_ID, model_id);

    async fn do_generate(&self, options: &TranscriptionOptions) -> Result<TranscriptionResponse> {
        let connection: &Arc<MappedConnection> = self.connection.as_ref().map_err(Clone::clone)?;
        let provider_options: RevaiOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let poll_settings = self.poll_settings.with_call_overrides(provider_options.poll_interval_millis, provider_options.poll_timeout_millis);
        let job_options = self.job_options(provider_options);
        let operations = connection.mapping.operations;
        let submit_url = connection.operation_url(operations.transcription.as_ref(), "transcription", &self.model_id)?;
        let id = submit(connection, &submit_url, &job_options, options).await?;

        let finished = poll_job_status(connection, PROVIDER_ID, &id, &options.headers, &poll_settings, |job, _headers| job_status(job)).await?;
        let transcript_url = job_operation_url(connection, operations.result.as_ref(), "result", "", &id, None)?;
        let mut headers = options.headers.clone();
        headers.insert(http::header::ACCEPT, HeaderValue::from_static(TRANSCRIPT_MEDIA_TYPE));
        let transcript = send_to_job(connection, Method::GET, &transcript_url, &headers, None).await?.json::<wire::Transcript>().await?;
        transcription_response(&self.model_id, finished, transcript.value, transcript.headers)
    }
}
