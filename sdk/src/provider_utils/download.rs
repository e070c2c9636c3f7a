//! Downloading media a caller gave by URL (audio to transcribe, an image to edit) for vendors
//! that only take bytes.
//!
//! The provider's own HTTP client does it, so its proxy, TLS and timeout settings apply; the
//! body is read chunk by chunk and abandoned past a size cap, so a wrong URL cannot fill memory.

use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use http::HeaderMap;

use super::post_to_api::get;
use super::response_handler::JsonErrorParser;
use crate::error::{Error, Result};
use crate::provider::{FileData, TranscriptionOptions};

/// The largest download accepted by default: 100 MiB, above every transcription vendor's upload
/// limit that takes bytes (OpenAI 25 MB, Groq 100 MB with a paid plan).
pub const DEFAULT_MAX_DOWNLOAD_BYTES: usize = 100 * 1024 * 1024;

/// Bytes fetched from a URL, with the media type the server declared.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Download {
    /// The body.
    pub bytes: Bytes,
    /// The `content-type` the server sent, without parameters; `None` when it sent none.
    pub media_type: Option<String>,
}

/// Fetches `url` with `client`; a body over `max_bytes` is an [`Error::ResponseTooLarge`], a
/// failure status an [`Error::ApiCall`].
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// let client = specai::provider_utils::default_http_client();
/// let download = specai::provider_utils::download(&client, "https://example.com/a.wav", 1 << 20).await?;
/// println!("{} bytes of {:?}", download.bytes.len(), download.media_type);
/// # Ok(()) }
/// ```
pub async fn download(client: &reqwest::Client, url: &str, max_bytes: usize) -> Result<Download> {
    let response = get(client, url, HeaderMap::new(), &JsonErrorParser::new()).await?;
    let media_type = response
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or(value).trim().to_ascii_lowercase())
        .filter(|value| !value.is_empty());
    let too_large = || Error::ResponseTooLarge { what: format!("the download of {}", super::redact_url(url)), limit: max_bytes };
    let declared = response.headers.get(http::header::CONTENT_LENGTH).and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > max_bytes as u64) {
        return Err(too_large());
    }
    let mut body = response.into_inner().bytes_stream();
    let mut bytes = BytesMut::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|error| Error::Connection {
            url: super::redact_url(url),
            message: format!("the download was cut: {error}"),
            source: Some(std::sync::Arc::new(error)),
        })?;
        if bytes.len() + chunk.len() > max_bytes {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Download { bytes: bytes.freeze(), media_type })
}

/// The audio of a transcription call as bytes and media type: the bytes given, or the URL
/// downloaded (its media type from the call, else the server's `content-type`, else sniffed).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::provider::TranscriptionOptions;
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
/// use specai::provider_utils::{DEFAULT_MAX_DOWNLOAD_BYTES, transcription_audio};
///
/// // A vendor that takes bytes only: audio given by URL is downloaded first.
/// let server = TestServer::start([TestResponse::bytes(200, b"ID3 mp3 bytes".to_vec(), "audio/mpeg")]).await;
/// let options = TranscriptionOptions::from_url(server.url("/talk.mp3"));
/// let (audio, media_type) = transcription_audio(&reqwest::Client::new(), &options, DEFAULT_MAX_DOWNLOAD_BYTES).await?;
/// assert_eq!((&audio[..], media_type.as_str()), (&b"ID3 mp3 bytes"[..], "audio/mpeg"));
/// // Audio given as bytes is returned as it is, without a request.
/// let options = TranscriptionOptions::new(&b"RIFF"[..], "audio/wav");
/// let (_, media_type) = transcription_audio(&reqwest::Client::new(), &options, DEFAULT_MAX_DOWNLOAD_BYTES).await?;
/// assert_eq!((media_type.as_str(), server.requests().len()), ("audio/wav", 1));
/// # Ok(()) }
/// ```
pub async fn transcription_audio(client: &reqwest::Client, options: &TranscriptionOptions, max_bytes: usize) -> Result<(Bytes, String)> {
    let Some(url) = options.audio_url.as_deref().filter(|_| options.audio.is_empty()) else {
        return Ok((options.audio.clone(), options.media_type.clone()));
    };
    let download = download(client, url, max_bytes).await?;
    let media_type = Some(options.media_type.clone())
        .filter(|media_type| !media_type.is_empty())
        .or(download.media_type.filter(|media_type| media_type.starts_with("audio/") || media_type.starts_with("video/")))
        .or_else(|| detect_audio_media_type(&download.bytes).map(str::to_owned))
        .ok_or_else(|| Error::invalid_argument("audio_url", format!("the audio at {} is of no recognised format; set the media type", super::redact_url(url))))?;
    Ok((download.bytes, media_type))
}

/// The file extension vendors recognise an audio format by, for the file name of an upload
/// (`wav` when the media type is not one of the common ones).
#[cfg_attr(not(any(feature = "gladia", all(feature = "openai-compatible", feature = "transcription"))), allow(dead_code))]
pub(crate) fn audio_file_extension(media_type: &str) -> &'static str {
    match media_type.split(';').next().unwrap_or(media_type).trim() {
        "audio/mpeg" | "audio/mp3" => "mp3",
        "audio/mp4" | "audio/m4a" | "audio/x-m4a" => "m4a",
        "audio/ogg" => "ogg",
        "audio/webm" | "video/webm" => "webm",
        "audio/flac" | "audio/x-flac" => "flac",
        "video/mp4" => "mp4",
        _ => "wav",
    }
}

/// The media type of audio, from its signature bytes.
///
/// ```
/// use specai::provider_utils::detect_audio_media_type;
///
/// assert_eq!(detect_audio_media_type(b"RIFF\x24\x00\x00\x00WAVEfmt "), Some("audio/wav"));
/// assert_eq!(detect_audio_media_type(b"ID3\x04\x00"), Some("audio/mpeg"));
/// assert_eq!(detect_audio_media_type(b"fLaC\x00\x00"), Some("audio/flac"));
/// assert_eq!(detect_audio_media_type(b"plain text"), None); // then give `.media_type(...)`
/// ```
pub fn detect_audio_media_type(audio: &[u8]) -> Option<&'static str> {
    let starts = |signature: &[u8]| audio.starts_with(signature);
    if starts(b"RIFF") && audio.get(8..12) == Some(b"WAVE") {
        Some("audio/wav")
    } else if starts(b"ID3") || (audio.len() >= 2 && audio[0] == 0xFF && audio[1] & 0xE0 == 0xE0) {
        Some("audio/mpeg")
    } else if starts(b"OggS") {
        Some("audio/ogg")
    } else if starts(b"fLaC") {
        Some("audio/flac")
    } else if audio.get(4..8) == Some(b"ftyp") {
        Some("audio/mp4")
    } else if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Some("audio/webm")
    } else {
        None
    }
}

/// The media type to send for an image declared as `media_type`: the declared one, but for
/// `image/*` (type unknown) the type its bytes tell, else JPEG (a URL, unknown bytes), as the AI
/// SDK sends it. The APIs want a concrete type and reject one its bytes contradict.
#[cfg(any(feature = "anthropic", feature = "google", feature = "openai-compatible"))]
pub(crate) fn concrete_image_media_type<'a>(media_type: &'a str, data: &FileData) -> &'a str {
    match media_type {
        "image/*" => detect_image_media_type(data).unwrap_or("image/jpeg"),
        declared => declared,
    }
}

/// The media type of an image, from its signature bytes: PNG, JPEG, GIF or WebP; `None` for a
/// URL or other bytes.
///
/// ```
/// use specai::provider::FileData;
/// use specai::provider_utils::detect_image_media_type;
///
/// let png = FileData::Bytes(bytes::Bytes::from_static(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
/// assert_eq!(detect_image_media_type(&png), Some("image/png"));
/// assert_eq!(detect_image_media_type(&FileData::Base64("/9j/4AAQSkZJRg==".into())), Some("image/jpeg"));
/// assert_eq!(detect_image_media_type(&FileData::Url("https://example.com/cat".into())), None);
/// ```
pub fn detect_image_media_type(data: &FileData) -> Option<&'static str> {
    use base64::Engine as _;
    let head: Bytes = match data {
        FileData::Bytes(bytes) => bytes.slice(..bytes.len().min(16)),
        // 16 characters decode to 12 bytes, enough for every signature.
        FileData::Base64(text) => base64::engine::general_purpose::STANDARD.decode(text.get(..16).unwrap_or(text)).ok()?.into(),
        _ => return None,
    };
    let starts = |signature: &[u8]| head.starts_with(signature);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some("image/gif")
    } else if starts(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        Some("image/webp")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider_utils::test_server::{TestResponse, TestServer};

    #[test]
    fn audio_file_extensions_ignore_parameters_and_default_to_wav() {
        assert_eq!(audio_file_extension("audio/mpeg"), "mp3");
        assert_eq!(audio_file_extension("audio/wav"), "wav");
        assert_eq!(audio_file_extension("audio/webm;codecs=opus"), "webm");
        assert_eq!(audio_file_extension("application/octet-stream"), "wav");
    }

    #[tokio::test]
    async fn downloads_and_reads_the_media_type() {
        let server = TestServer::start(vec![TestResponse::bytes(200, b"ID3abc".to_vec(), "audio/mpeg; charset=binary")]).await;
        let download = download(&reqwest::Client::new(), &server.url("/a.mp3"), 100).await.unwrap();
        assert_eq!(&download.bytes[..], b"ID3abc");
        assert_eq!(download.media_type.as_deref(), Some("audio/mpeg"));
        assert_eq!(server.requests()[0].path, "/a.mp3");
    }

    #[tokio::test]
    async fn a_body_over_the_cap_is_refused() {
        let server = TestServer::start(vec![TestResponse::bytes(200, vec![0; 1000], "audio/wav")]).await;
        let error = download(&reqwest::Client::new(), &server.url("/big.wav"), 999).await.unwrap_err();
        assert!(matches!(error, Error::ResponseTooLarge { limit: 999, .. }), "{error:?}");
    }

    #[tokio::test]
    async fn a_chunked_body_over_the_cap_is_cut_off_while_reading() {
        // No content-length: the cap is applied to the bytes as they arrive.
        let chunks = TestResponse::sse_chunks(vec![vec![1u8; 600], vec![2u8; 600]]).header("content-type", "audio/wav");
        let server = TestServer::start(vec![chunks]).await;
        let error = download(&reqwest::Client::new(), &server.url("/stream.wav"), 1000).await.unwrap_err();
        assert!(matches!(error, Error::ResponseTooLarge { limit: 1000, .. }), "{error:?}");
    }

    #[tokio::test]
    async fn a_failure_status_is_an_api_error() {
        let server = TestServer::start(vec![TestResponse::json(404, serde_json::json!({"error": {"message": "gone"}}))]).await;
        let error = download(&reqwest::Client::new(), &server.url("/missing.wav"), 100).await.unwrap_err();
        assert!(matches!(&error, Error::ApiCall(call) if call.status == 404), "{error:?}");
    }

    #[tokio::test]
    async fn transcription_audio_sniffs_a_url_without_a_useful_content_type() {
        let server = TestServer::start(vec![TestResponse::bytes(200, b"OggS\0\0".to_vec(), "application/octet-stream")]).await;
        let options = TranscriptionOptions::from_url(server.url("/a"));
        let (bytes, media_type) = transcription_audio(&reqwest::Client::new(), &options, 100).await.unwrap();
        assert_eq!((&bytes[..], media_type.as_str()), (&b"OggS\0\0"[..], "audio/ogg"));
        // Bytes given are passed through untouched.
        let options = TranscriptionOptions::new(b"RIFF".to_vec(), "audio/wav");
        let (bytes, media_type) = transcription_audio(&reqwest::Client::new(), &options, 100).await.unwrap();
        assert_eq!((&bytes[..], media_type.as_str()), (&b"RIFF"[..], "audio/wav"));
    }
}
