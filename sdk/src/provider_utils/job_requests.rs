//! The requests around a vendor job that are not a JSON post: raw media uploads, status polls,
//! result fetches and cancellations, each sent over the provider's mapped connection (its base
//! URL, auth header and error paths) to an operation of its mapping.
//!
//! Why here: AssemblyAI, Gladia and Rev.ai each upload, poll and cancel; their operation paths
//! carry the job id as a path parameter (`/v2/transcript/{transcript_id}`), which the mapping's
//! `{model}` substitution does not fill. One function builds such a URL, one sends the request.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};
use specai_generated::mappings::Operation;

use super::mapped_connection::MappedConnection;
use super::response_handler::ApiResponse;
use crate::error::Result;

/// The URL of a job's operation (status, cancel, result): the mapping's path with its path
/// parameter (the first `{name}`) replaced by the percent-encoded job id.
pub(crate) fn job_operation_url(connection: &MappedConnection, operation: Option<&Operation>, capability: &str, job_id: &str) -> Result<String> {
    let url = connection.operation_url(operation, capability, "")?;
    let Some(start) = url.find('{') else { return Ok(url) };
    let Some(length) = url[start..].find('}') else { return Ok(url) };
    Ok(format!("{}{}{}", &url[..start], encode_path_segment(job_id), &url[start + length + 1..]))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_job_id_fills_the_path_parameter_encoded() {
        assert_eq!(encode_path_segment("a1-b_2.c~"), "a1-b_2.c~");
        assert_eq!(encode_path_segment("a/b c?"), "a%2Fb%20c%3F");
    }
}
