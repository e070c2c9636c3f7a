//! The AssemblyAI transcription model: upload (`POST /v2/upload`, raw bytes) unless the audio is
//! given by URL, submit (`POST /v2/transcript`), then poll (`GET /v2/transcript/{id}`) through the
//! shared [`Job`](crate::provider_utils::Job) poller until `completed` or `error`.
//!
//! Word timings arrive in milliseconds and become segments in seconds (one per word, as the AI
//! SDK reports them); AssemblyAI's language codes (`en_us`) become ISO 639-1 (`en`); the
//! transcript id is `provider_metadata["assemblyai"]["jobId"]`, with the speaker utterances
//! beside it when diarization was asked for.

use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use http::Method;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::assemblyai_options::AssemblyAiOptions;
use super::wire;
use super::{PROVIDER_ID, SharedConnection};
use crate::error::{Error, Result};
use crate::provider::{
    ProviderMetadata, ResponseMetadata, TranscriptionModel, TranscriptionOptions, TranscriptionResponse,
    TranscriptionSegment,
};
use crate::provider_utils::{JobStatus, MappedConnection, PollSettings, poll_job_status, send_to_job};

/// An AssemblyAI transcription model; its id is the speech model (`universal`, `slam-1`...).
#[derive(Debug, Clone)]
pub struct AssemblyAiTranscriptionModel {
    model_id: String,
    connection: SharedConnection,
    poll_settings: PollSettings,
}

/// The body of `POST /v2/transcript`: the audio's URL and the optional parameters.
#[derive(Serialize)]
struct SubmitRequest<'a> {
    audio_url: &'a str,
    #[serde(flatten)]
    params: &'a wire::TranscriptOptionalParams,
}

impl AssemblyAiTranscriptionModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection, poll_settings: PollSettings) -> Self {
        AssemblyAiTranscriptionModel { model_id: model_id.to_owned(), connection, poll_settings }
    }

    /// The optional parameters of the submit body: the speech model and the caller's options.
    fn params(&self, options: AssemblyAiOptions) -> Result<wire::TranscriptOptionalParams> {
        let redact_pii_policies = options.redact_pii_policies.unwrap_or_default();
        Ok(wire::TranscriptOptionalParams {
            // The list replaces the deprecated singular `speech_model` (AssemblyAI's spec requires it).
            speech_models: vec![self.model_id.clone().into()],
            speaker_labels: options.speaker_labels,
            speakers_expected: options.speakers_expected,
            speaker_options: options.speaker_options.map(|speakers| wire::TranscriptOptionalParamsSpeakerOptions {
                min_speakers_expected: speakers.min_speakers_expected,
                max_speakers_expected: speakers.max_speakers_expected,
                ..Default::default()
            }),
            language_code: options.language_code.as_deref().map(|code| parse_wire("languageCode", code)).transpose()?,
            language_detection: options.language_detection,
            language_confidence_threshold: options.language_confidence_threshold,
            punctuate: options.punctuate,
            format_text: options.format_text,
            disfluencies: options.disfluencies,
            filter_profanity: options.filter_profanity,
            multichannel: options.multichannel,
            keyterms_prompt: options.keyterms_prompt.unwrap_or_default(),
            prompt: options.prompt,
            temperature: options.temperature,
            audio_start_from: options.audio_start_from,
            audio_end_at: options.audio_end_at,
            speech_threshold: options.speech_threshold,
            redact_pii: options.redact_pii,
            redact_pii_policies: redact_pii_policies.iter().map(|policy| parse_wire("redactPiiPolicies", policy)).collect::<Result<_>>()?,
            redact_pii_sub: options.redact_pii_sub.as_deref().map(|sub| parse_wire("redactPiiSub", sub)).transpose()?,
            entity_detection: options.entity_detection,
            sentiment_analysis: options.sentiment_analysis,
            auto_highlights: options.auto_highlights,
            summarization: options.summarization,
            summary_model: options.summary_model.as_deref().map(|model| parse_wire("summaryModel", model)).transpose()?,
            summary_type: options.summary_type.as_deref().map(|kind| parse_wire("summaryType", kind)).transpose()?,
            webhook_url: options.webhook_url,
            ..Default::default()
        })
    }
}

/// A value of a generated string enum (every one keeps unknown values, so this fails only if
/// the generator changes).
fn parse_wire<T: FromStr>(option: &str, value: &str) -> Result<T> {
    value.parse().map_err(|_| Error::invalid_argument(format!("provider_options.{PROVIDER_ID}.{option}"), format!("`{value}` is not accepted")))
}

/// ISO 639-1 of an AssemblyAI language code: `en_us` -> `en`.
fn iso_language(code: &str) -> String {
    code.split(['_', '-']).next().unwrap_or(code).to_ascii_lowercase()
}

/// The completed transcript as the call's result.
fn transcription_response(model_id: &str, transcript: wire::Transcript, headers: http::HeaderMap) -> Result<TranscriptionResponse> {
    let Some(text) = transcript.text else {
        return Err(Error::NoTranscriptGenerated {
            provider: PROVIDER_ID.to_owned(),
            message: format!("transcript {} is completed but has no text", transcript.id),
        });
    };
    let mut result = TranscriptionResponse::new(text);
    let words = transcript.words.unwrap_or_default();
    result.segments = words
        .iter()
        .map(|word| TranscriptionSegment {
            text: word.text.clone(),
            start_second: word.start as f64 / 1000.0,
            end_second: word.end as f64 / 1000.0,
        })
        .collect();
    result.language = transcript.language_code.map(|code| iso_language(&code.to_string()));
    result.duration_in_seconds =
        transcript.audio_duration.map(|seconds| seconds as f64).or_else(|| words.last().map(|word| word.end as f64 / 1000.0));
    let mut metadata = Map::new();
    metadata.insert("jobId".into(), json!(transcript.id));
    if let Some(utterances) = transcript.utterances {
        // Times in milliseconds, as AssemblyAI sends them.
        metadata.insert("utterances".into(), serde_json::to_value(utterances).unwrap_or(Value::Null));
    }
    if let Some(confidence) = transcript.confidence {
        metadata.insert("confidence".into(), json!(confidence));
    }
    result.provider_metadata = Some(ProviderMetadata::new().with(PROVIDER_ID, Value::Object(metadata)));
    result.response = ResponseMetadata::new(Some(transcript.id), Some(model_id.to_owned()), Some(std::time::SystemTime::now())).with_headers(headers);
    Ok(result)
}

/// One poll's finding: the status words AssemblyAI documents.
fn job_status(transcript: wire::Transcript, headers: http::HeaderMap) -> JobStatus<(wire::Transcript, http::HeaderMap)> {
    match &transcript.status {
        wire::TranscriptStatus::Completed => JobStatus::Done((transcript, headers)),
        wire::TranscriptStatus::Error => {
            JobStatus::Failed(transcript.error.unwrap_or_else(|| "the transcript ended with status `error`".to_owned()))
        }
        status => JobStatus::Pending(Some(status.to_string())),
    }
}

/// The audio's URL for AssemblyAI: the caller's, or that of the bytes uploaded.
async fn audio_url(connection: &MappedConnection, options: &TranscriptionOptions) -> Result<String> {
    if let Some(url) = options.audio_url.as_deref().filter(|_| options.audio.is_empty()) {
        return Ok(url.to_owned());
    }
    if options.audio.is_empty() {
        return Err(Error::invalid_argument("audio", "no audio given: pass bytes or a URL"));
    }
    let url = connection.operation_url(connection.mapping.operations.upload.as_ref(), "upload", "")?;
    let body = Some((options.audio.clone(), "application/octet-stream"));
    let uploaded = send_to_job(connection, Method::POST, &url, &options.headers, body).await?.json::<wire::UploadedFile>().await?;
    Ok(uploaded.value.upload_url)
}

#[async_trait]
impl TranscriptionModel for AssemblyAiTranscriptionModel {
    crate::provider::model_identity!(const PROVIDER_ID, model_id);

    async fn do_generate(&self, options: &TranscriptionOptions) -> Result<TranscriptionResponse> {
        let connection: &Arc<MappedConnection> = self.connection.as_ref().map_err(Clone::clone)?;
        let provider_options: AssemblyAiOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let poll_settings = self.poll_settings.with_call_overrides(provider_options.poll_interval_millis, provider_options.poll_timeout_millis);
        let params = self.params(provider_options)?;
        let audio_url = audio_url(connection, options).await?;
        let operations = connection.mapping.operations;
        let submit_url = connection.operation_url(operations.transcription.as_ref(), "transcription", &self.model_id)?;
        let body = SubmitRequest { audio_url: &audio_url, params: &params };
        let submitted = connection.post_json(&submit_url, body, &options.headers, &options.extra).await?;
        let id = submitted.json::<wire::Transcript>().await?.value.id;

        let (transcript, headers) = poll_job_status(connection, PROVIDER_ID, &id, &options.headers, &poll_settings, job_status).await?;
        transcription_response(&self.model_id, transcript, headers)
    }
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn assemblyai_language_codes_become_iso_639_1() {
        assert_eq!(iso_language("en_us"), "en");
        assert_eq!(iso_language("de"), "de");
        assert_eq!(iso_language("pt-BR"), "pt");
    }
}
