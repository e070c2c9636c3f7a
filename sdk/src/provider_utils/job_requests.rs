//! The requests around a vendor job after it is submitted (status polls, result fetches,
//! cancellations, media uploads) and the files its output names: one API for every job vendor
//! (FAL, Replicate, Luma, AssemblyAI, Gladia, Rev.ai, Fireworks).
//!
//! Why one module: each job vendor needs the same three things. The URL of a job's operation is
//! the mapping's path with `{model}` and then the job id (the first other `{name}`, encoded)
//! filled in; a URL the vendor names in its answers (FAL's `status_url`, Replicate's `urls.get`)
//! is followed instead only when it is on the configured host (scheme, host and port), because
//! the request carries the key, so a proxied or mocked base URL keeps every request and the key
//! on that host. Every request goes over the provider's [`MappedConnection`] (its headers,
//! user agent, idle timeout, event cap and error paths), as the submit request did. Output files
//! are fetched without the key, with the provider's client and a size cap.

// Every item is used by some job vendor; a build with only some of them leaves others unused.
#![cfg_attr(
    not(all(feature = "fal", feature = "replicate", feature = "luma", feature = "assemblyai", feature = "gladia", feature = "revai")),
    allow(dead_code)
)]

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};
use serde::de::DeserializeOwned;
use specai_generated::mappings::Operation;

use super::mapped_connection::MappedConnection;
use super::poll_job::{Job, JobStatus, PollSettings};
use super::response_handler::ApiResponse;
use crate::error::{Error, Result};

/// The URL of a job's operation (status, result, cancel): `named` (the URL the vendor's answer
/// gave for it) when it is on the same origin as the mapping's, else the mapping's path with
/// `{model}` replaced by `model_id` and the first other `{name}` by the percent-encoded job id.
///
/// # Errors
/// `Unsupported` when the mapping has no such operation.
pub(crate) fn job_operation_url(
    connection: &MappedConnection,
    operation: Option<&Operation>,
    capability: &str,
    model_id: &str,
    job_id: &str,
    named: Option<&str>,
) -> Result<String> {
    let url = connection.operation_url(operation, capability, model_id)?;
    let built = match url.find('{').and_then(|start| Some((start, url[start..].find('}')?))) {
        Some((start, length)) => format!("{}{}{}", &url[..start], encode_path_segment(job_id), &url[start + length + 1..]),
        None => url,
    };
    Ok(same_origin_or(named, built))
}

/// `named` when it is on the same origin as `built`, else `built`.
fn same_origin_or(named: Option<&str>, built: String) -> String {
    let origin = |url: &str| reqwest::Url::parse(url).ok().map(|url| url.origin());
    match named {
        Some(named) if origin(named).is_some_and(|named_origin| Some(named_origin) == origin(&built)) => named.to_owned(),
        _ => built,
    }
}

/// `text` with every byte outside RFC 3986's unreserved set percent-encoded.
fn encode_path_segment(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Sends `method` to `url` with the connection's headers and the call's on top, and a body of
/// this media type when given; a non-2xx answer is read with the mapping's error paths.
pub(crate) async fn send_to_job(
    connection: &MappedConnection,
    method: Method,
    url: &str,
    call_headers: &HeaderMap,
    body: Option<(Bytes, &'static str)>,
) -> Result<ApiResponse> {
    let mut headers = connection.headers(call_headers)?;
    let mut request = connection.client().request(method, url);
    if let Some((body, media_type)) = body {
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static(media_type));
        request = request.body(body);
    }
    // Through the connection: its idle timeout and event cap apply to job requests too.
    connection.send(request.headers(headers), url, None).await
}

/// Polls a submitted job whose status is one GET of the mapping's `status` operation (AssemblyAI,
/// Gladia, Rev.ai): each answer, decoded as `W`, is read with `status` (the answer and its
/// headers) through the shared [`Job`] poller. When polling stops before the job ends, the
/// mapping's `cancel` operation, when it has one, is sent with its method and the call's headers.
pub(crate) async fn poll_job_status<W: DeserializeOwned, T>(
    connection: &Arc<MappedConnection>,
    provider: &str,
    job_id: &str,
    call_headers: &HeaderMap,
    settings: &PollSettings,
    status: impl Fn(W, HeaderMap) -> JobStatus<T>,
) -> Result<T> {
    let operations = connection.mapping.operations;
    let status_url = job_operation_url(connection, operations.status.as_ref(), "status", "", job_id, None)?;
    let mut job = Job::new(provider, job_id);
    if let Some(cancel) = operations.cancel.as_ref()
        && let (Ok(method), Ok(cancel_url)) = (Method::from_bytes(cancel.method.as_bytes()), job_operation_url(connection, Some(cancel), "cancel", "", job_id, None))
    {
        let (connection, headers) = (connection.clone(), call_headers.clone());
        job = job.cancel_with(move || async move { send_to_job(&connection, method, &cancel_url, &headers, None).await.map(drop) });
    }
    job.poll(settings, || async {
        let answer = send_to_job(connection, Method::GET, &status_url, call_headers, None).await?.json::<W>().await?;
        Ok(status(answer.value, answer.headers))
    })
    .await
}

/// The vendor's job id as a path segment: ids are letters, digits, `-`, `_` and `.`; anything
/// else is an invalid answer rather than a path to build.
pub(crate) fn job_id_segment(provider: &str, id: &str) -> Result<String> {
    let valid = !id.is_empty() && id != "." && id != ".." && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(id.to_owned())
    } else {
        Err(Error::invalid_response(format!("{provider} answered with an unusable job id `{id}`"), None, None))
    }
}

/// The bytes of an output file a job named and the media type the server declared: a `data:`
/// URL decoded (answers with inline outputs), any other URL downloaded with the provider's client
/// (without its key) and a size cap.
pub(crate) async fn fetch_output(client: &reqwest::Client, provider: &str, url: &str) -> Result<(Bytes, Option<String>)> {
    use base64::Engine as _;
    let Some(inline) = url.strip_prefix("data:") else {
        let download = super::download(client, url, super::DEFAULT_MAX_DOWNLOAD_BYTES).await?;
        return Ok((download.bytes, download.media_type));
    };
    let malformed = || Error::invalid_response(format!("{provider} answered with a malformed data: URL"), None, None);
    let (header, data) = inline.split_once(',').ok_or_else(malformed)?;
    let header = header.strip_suffix(";base64").ok_or_else(malformed)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).map_err(|_| malformed())?;
    let media_type = header.split(';').next().filter(|media_type| !media_type.is_empty()).map(str::to_owned);
    Ok((Bytes::from(bytes), media_type))
}

/// The media type of image bytes by their signature, for outputs that came without one.
pub(crate) fn sniff_image_media_type(bytes: &[u8]) -> &'static str {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => "image/webp",
        [b'G', b'I', b'F', b'8', ..] => "image/gif",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_job_id_fills_the_path_parameter_encoded() {
        assert_eq!(encode_path_segment("a1-b_2.c~"), "a1-b_2.c~");
        assert_eq!(encode_path_segment("a/b c?"), "a%2Fb%20c%3F");
    }

    #[test]
    fn a_vendor_url_is_followed_only_on_the_configured_host() {
        let built = "https://queue.fal.run/fal-ai/flux/requests/1/status".to_owned();
        assert_eq!(same_origin_or(Some("https://queue.fal.run/fal-ai/flux/requests/1/status?x=1"), built.clone()), "https://queue.fal.run/fal-ai/flux/requests/1/status?x=1");
        assert_eq!(same_origin_or(Some("https://evil.example/steal"), built.clone()), built);
        assert_eq!(same_origin_or(Some("http://queue.fal.run/fal-ai/flux/requests/1/status"), built.clone()), built);
        assert_eq!(same_origin_or(None, built.clone()), built);
    }

    #[tokio::test]
    async fn data_urls_are_decoded_without_a_request() {
        let client = reqwest::Client::new();
        let (bytes, media_type) = fetch_output(&client, "acme", "data:image/png;base64,iVBORw==").await.unwrap();
        assert_eq!((&bytes[..], media_type.as_deref()), (&[0x89, b'P', b'N', b'G'][..], Some("image/png")));
        assert_eq!(sniff_image_media_type(&bytes), "image/png");
        assert!(fetch_output(&client, "acme", "data:image/png,raw").await.is_err());
    }

    #[test]
    fn job_ids_are_path_safe() {
        assert_eq!(job_id_segment("fal", "764cabcf-b745-4b3e-ae38-1200304cf45b").unwrap(), "764cabcf-b745-4b3e-ae38-1200304cf45b");
        for bad in ["", "..", "a/b", "a?b", "a b"] {
            assert!(job_id_segment("fal", bad).is_err(), "{bad}");
        }
    }
}
