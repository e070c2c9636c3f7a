//! The speech vendors whose operation answers with the audio itself (ElevenLabs, Deepgram, LMNT,
//! Hume): the choice of a format from the vendor's list and the reading of the answer, in one
//! place, so that each reports an unknown format, an empty body, the request sent and the
//! response headers the same way.

// Every item is used by some speech vendor; a build with only some of them leaves others unused.
#![cfg_attr(not(all(feature = "openai", feature = "hume", feature = "lmnt", feature = "elevenlabs", feature = "deepgram")), allow(dead_code))]

use super::response_handler::ApiResponse;
use crate::error::{Error, Result};
use crate::provider::{RequestMetadata, ResponseMetadata, SpeechResponse, Warning};

/// The entry of `formats` (name, media type) named `requested`; when there is none, the first
/// entry, with an `output_format` warning saying so.
pub(crate) fn listed_format(
    formats: &[(&'static str, &'static str)],
    requested: &str,
    warnings: &mut Vec<Warning>,
) -> (&'static str, &'static str) {
    formats.iter().copied().find(|(name, _)| *name == requested).unwrap_or_else(|| {
        let fallback = formats[0];
        warnings.push(Warning::unsupported("output_format", Some(format!("unsupported format `{requested}`; using {}", fallback.0))));
        fallback
    })
}

/// The audio of a speech answer as a [`SpeechResponse`] of `media_type`, with the request sent,
/// the response headers, `model_id` and the warnings; an empty body is
/// [`Error::NoSpeechGenerated`] of `provider`.
pub(crate) async fn speech_response(
    mut response: ApiResponse,
    provider: &str,
    model_id: &str,
    media_type: &str,
    warnings: Vec<Warning>,
) -> Result<SpeechResponse> {
    let request = RequestMetadata::sent(response.request_body.as_ref());
    let headers = std::mem::take(&mut response.headers);
    let audio = response.bytes().await?;
    if audio.is_empty() {
        return Err(Error::NoSpeechGenerated { provider: provider.to_owned(), message: "the answer had no audio".to_owned() });
    }
    let mut result = SpeechResponse::new(audio, media_type);
    result.request = request;
    result.response = ResponseMetadata::new(None, Some(model_id.to_owned()), Some(std::time::SystemTime::now())).with_headers(headers);
    result.warnings = warnings;
    Ok(result)
}
