//! The URLs of a vendor job's later requests (status, result, cancel), which the vendor names
//! in its answers (FAL's `status_url`, Replicate's `urls.get`).
//!
//! Those requests carry the API key, so a URL read from an answer is followed only when it is on
//! the host the provider was configured with (scheme, host and port); otherwise the URL the
//! mapping's path gives is used. A proxied or mocked base URL thus keeps every request, and the
//! key, on that host.

/// `given` when it is on the same origin as `built` (the mapping's URL of the same request),
/// else `built`.
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

    #[test]
    fn job_ids_are_path_safe() {
        assert_eq!(job_id_segment("fal", "764cabcf-b745-4b3e-ae38-1200304cf45b").unwrap(), "764cabcf-b745-4b3e-ae38-1200304cf45b");
        for bad in ["", "..", "a/b", "a?b", "a b"] {
            assert!(job_id_segment("fal", bad).is_err(), "{bad}");
        }
    }
}
