//! The URLs of a vendor job's later requests (status, result, cancel), which the vendor names
//! in its answers (FAL's `status_url`, Replicate's `urls.get`), and of the files its output names.
//!
//! Those requests carry the API key, so a URL read from an answer is followed only when it is on
//! the host the provider was configured with (scheme, host and port); otherwise the URL the
//! mapping's path gives is used. A proxied or mocked base URL thus keeps every request, and the
//! key, on that host.

/// `given` when it is on the same origin as `built` (the mapping's URL of the same request),
/// else `built`.
#[cfg_attr(not(any(feature = "fal", feature = "replicate")), allow(dead_code))]
pub(crate) fn job_url(given: Option<&str>, built: String) -> String {
    let origin = |url: &str| reqwest::Url::parse(url).ok().map(|url| url.origin());
    match given {
        Some(given) if origin(given).is_some_and(|given_origin| Some(given_origin) == origin(&built)) => given.to_owned(),
        _ => built,
    }
}

/// The vendor's job id as a path segment: ids are letters, digits, `-`, `_` and `.`; anything
/// else is an invalid answer rather than a path to build.
pub(crate) fn job_id_segment(provider: &str, id: &str) -> crate::error::Result<String> {
    let valid = !id.is_empty() && id != "." && id != ".." && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(id.to_owned())
    } else {
        Err(crate::error::Error::invalid_response(format!("{provider} answered with an unusable job id `{id}`"), None, None))
    }
}

/// The bytes of an output file a job named and the media type the server declared: a `data:`
/// URL decoded (answers with inline outputs), any other URL downloaded with the provider's client
/// (without its key) and a size cap.
pub(crate) async fn fetch_output(client: &reqwest::Client, provider: &str, url: &str) -> crate::error::Result<(bytes::Bytes, Option<String>)> {
    use base64::Engine as _;
    let Some(inline) = url.strip_prefix("data:") else {
        let download = super::download(client, url, super::DEFAULT_MAX_DOWNLOAD_BYTES).await?;
        return Ok((download.bytes, download.media_type));
    };
    let malformed = || crate::error::Error::invalid_response(format!("{provider} answered with a malformed data: URL"), None, None);
    let (header, data) = inline.split_once(',').ok_or_else(malformed)?;
    let header = header.strip_suffix(";base64").ok_or_else(malformed)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).map_err(|_| malformed())?;
    let media_type = header.split(';').next().filter(|media_type| !media_type.is_empty()).map(str::to_owned);
    Ok((bytes::Bytes::from(bytes), media_type))
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
    fn a_vendor_url_is_followed_only_on_the_configured_host() {
        let built = "https://queue.fal.run/fal-ai/flux/requests/1/status".to_owned();
        assert_eq!(job_url(Some("https://queue.fal.run/fal-ai/flux/requests/1/status?x=1"), built.clone()), "https://queue.fal.run/fal-ai/flux/requests/1/status?x=1");
        assert_eq!(job_url(Some("https://evil.example/steal"), built.clone()), built);
        assert_eq!(job_url(Some("http://queue.fal.run/fal-ai/flux/requests/1/status"), built.clone()), built);
        assert_eq!(job_url(None, built.clone()), built);
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
