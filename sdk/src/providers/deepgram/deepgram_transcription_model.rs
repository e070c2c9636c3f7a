//! The Deepgram pre-recorded transcription model: the mapping's `transcription` operation
//! (`POST /v1/listen`), the model and options in the query, the audio as the raw body with its
//! content type, or `{"url"}` when the audio was given by URL (Deepgram fetches it).
//!
//! The transcript is the first channel's first alternative; its words become the segments, or
//! the utterances when `utterances` was asked for. The duration is `metadata.duration`, the
//! language the detected one (`en-US` reported as `en`); the request id and the confidence are in
//! provider metadata under `deepgram`.

use async_trait::async_trait;
use http::header::CONTENT_TYPE;
use http::HeaderValue;
use serde_json::{Map, json};

use super::deepgram_options::DeepgramTranscriptionOptions;
use super::wire::{ListenRequestUrl, Response as ListenResponse};
use super::{PROVIDER_ID, connection_for_call};
use crate::error::{Error, Result};
use crate::provider::{ExtraRequest, ProviderMetadata, ResponseMetadata, TranscriptionModel, TranscriptionOptions, TranscriptionResponse, TranscriptionSegment};
use crate::provider_utils::connection_model;
use crate::provider_utils::extra_request::extra_body_unsupported;

connection_model! {
    /// A transcription model, e.g. `nova-3`. Built by
    /// [`DeepgramProvider::transcription`](super::DeepgramProvider::transcription).
    pub struct DeepgramTranscriptionModel { kind: "transcription", default_name: PROVIDER_ID }
}

impl DeepgramTranscriptionModel {
    /// The transcript of an answer.
    fn transcript(&self, answer: ListenResponse) -> Result<TranscriptionResponse> {
        let channel = answer.results.channels.0.into_iter().next();
        let detected_language = channel.as_ref().and_then(|channel| channel.detected_language.clone());
        let Some(alternative) = channel.and_then(|channel| channel.alternatives.into_iter().next()) else {
            return Err(Error::NoTranscriptGenerated { provider: self.provider.clone(), message: "the answer had no channel alternatives".to_owned() });
        };
        let mut result = TranscriptionResponse::new(alternative.transcript.unwrap_or_default());
        let utterances = answer.results.utterances.map(|utterances| utterances.0).unwrap_or_default();
        result.segments = if utterances.is_empty() {
            alternative
                .words
                .into_iter()
                .map(|word| {
                    let punctuated = word.extra.get("punctuated_word").and_then(|value| value.as_str()).map(str::to_owned);
                    TranscriptionSegment {
                        text: punctuated.or(word.word).unwrap_or_default(),
                        start_second: f64::from(word.start.unwrap_or(0.0)),
                        end_second: f64::from(word.end.unwrap_or(0.0)),
                    }
                })
                .collect()
        } else {
            utterances
                .into_iter()
                .map(|utterance| TranscriptionSegment {
                    text: utterance.transcript.unwrap_or_default(),
                    start_second: f64::from(utterance.start.unwrap_or(0.0)),
                    end_second: f64::from(utterance.end.unwrap_or(0.0)),
                })
                .collect()
        };
        result.language = detected_language.map(|language| language.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase());
        result.duration_in_seconds = Some(answer.metadata.duration);
        result.provider_metadata = Some(ProviderMetadata::new().with(
            PROVIDER_ID,
            json!({"requestId": answer.metadata.request_id, "confidence": alternative.confidence, "models": answer.metadata.models}),
        ));
        Ok(result)
    }
}

#[async_trait]
impl TranscriptionModel for DeepgramTranscriptionModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &TranscriptionOptions) -> Result<TranscriptionResponse> {
        let connection = connection_for_call(&self.connection)?;
        let deepgram: DeepgramTranscriptionOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let base = connection.operation_url(connection.mapping.operations.transcription.as_ref(), "transcription", &self.model_id)?;
        let mut url = reqwest::Url::parse(&base).map_err(|error| Error::invalid_argument("base_url", format!("`{base}` is not a URL: {error}")))?;
        url.query_pairs_mut().append_pair("model", &self.model_id).extend_pairs(deepgram.query());
        // The call's extra query parameters follow the provider's; its extra body members go
        // into the JSON body of audio given by URL, and cannot go with raw audio bytes.
        url.query_pairs_mut().extend_pairs(options.extra.query.iter().map(|(name, value)| (name.as_str(), value.as_str())));
        let mut warnings = Vec::new();
        let response = match &options.audio_url {
            Some(audio_url) => {
                let body = ListenRequestUrl { url: audio_url.clone(), extra: Map::new() };
                let mut body_only = ExtraRequest::default();
                body_only.body.clone_from(&options.extra.body);
                connection.post_json(&url, body, &options.headers, &body_only).await?
            }
            None => {
                if options.audio.is_empty() {
                    return Err(Error::invalid_argument("audio", "no audio and no audio URL"));
                }
                warnings.extend(extra_body_unsupported(&options.extra, "the audio itself"));
                let mut headers = connection.headers(&options.headers)?;
                let media_type = if options.media_type.is_empty() { "application/octet-stream" } else { options.media_type.as_str() };
                let content_type = HeaderValue::from_str(media_type)
                    .map_err(|_| Error::invalid_argument("media_type", format!("`{media_type}` is not a media type")))?;
                headers.insert(CONTENT_TYPE, content_type);
                let request = connection.client().post(url.clone()).headers(headers).body(options.audio.clone());
                crate::provider_utils::send(request, url.as_str(), None, &connection.errors).await?
            }
        };
        let response = response.json::<ListenResponse>().await?;
        let raw = response.raw_json();
        let headers = response.headers;
        let request_id = Some(response.value.metadata.request_id.clone()).filter(|id| !id.is_empty());
        let mut result = self.transcript(response.value)?;
        result.warnings.extend(warnings);
        result.response = ResponseMetadata::new(request_id, Some(self.model_id.clone()), Some(std::time::SystemTime::now()))
            .with_headers(headers)
            .with_body(raw);
        Ok(result)
    }
}
