//! URLs safe to put in errors, traces and `Debug` output: user info and API keys sent as query
//! parameters are removed.
//!
//! A key parameter is known by name: the mapping's query auth (`auth = { type = "query", param
//! = ... }`) names its own, which mapping-driven providers pass to [`redact_url_with`]; a few
//! common names are always removed, for URLs a caller wrote by hand.

/// Query parameters removed from every URL (Google's `key`, Azure's `api-key`, SAS `sig`...).
const COMMON_SECRET_PARAMETERS: &[&str] =
    &["key", "api_key", "api-key", "apikey", "x-api-key", "access_token", "token", "sig", "signature"];

/// What replaces a URL's user info.
const REDACTED_USER: &str = "redacted";

/// `url` without its user info (`user:password@` becomes `redacted@`) and without query
/// parameters that commonly carry keys.
///
/// ```
/// use specai::provider_utils::redact_url;
///
/// assert_eq!(redact_url("https://generativelanguage.googleapis.com/v1beta/models?key=AIza-secret"), "https://generativelanguage.googleapis.com/v1beta/models");
/// assert_eq!(redact_url("https://user:pass@proxy.example.com/v1?alt=sse"), "https://redacted@proxy.example.com/v1?alt=sse");
/// ```
pub fn redact_url(url: &str) -> String {
    redact_url_with(url, &[])
}

/// `url` without its user info and without the query parameters `secret_parameters` names (a
/// mapping's key parameter) or that commonly carry keys.
///
/// ```
/// use specai::provider_utils::redact_url_with;
///
/// // A vendor that takes its key as `?auth=...`: named, so it is removed too.
/// let url = "https://api.acme.test/v1/chat?auth=secret&stream=true";
/// assert_eq!(redact_url_with(url, &["auth"]), "https://api.acme.test/v1/chat?stream=true");
/// ```
pub fn redact_url_with(url: &str, secret_parameters: &[&str]) -> String {
    // Credentials live in the query or the user info: without `?` or `@` there is nothing to
    // remove, and no parse to pay for (this runs on every response).
    if memchr::memchr2(b'?', b'@', url.as_bytes()).is_none() {
        return url.to_owned();
    }
    let parsed = reqwest::Url::parse(url).ok().filter(|parsed| parsed.has_host());
    let Some(mut parsed) = parsed else {
        // Not a URL with a host: cut any query and user info rather than risk printing a key.
        let before_query = url.split('?').next().unwrap_or_default();
        return match before_query.rsplit_once('@') {
            Some((_, host)) => format!("{REDACTED_USER}@{host}"),
            None => before_query.to_owned(),
        };
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        let _ = parsed.set_password(None);
        let _ = parsed.set_username(REDACTED_USER);
    }
    if parsed.query().is_some() {
        let is_secret = |name: &str| {
            COMMON_SECRET_PARAMETERS.iter().chain(secret_parameters).any(|secret| name.eq_ignore_ascii_case(secret))
        };
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .filter(|(name, _)| !is_secret(name))
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        if kept.is_empty() {
            parsed.set_query(None);
        } else {
            parsed.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    parsed.into()
}

/// Formats an optional URL redacted, for hand-written `Debug` impls of settings.
pub(crate) struct RedactedUrl<'a>(pub Option<&'a str>);

impl std::fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(url) => std::fmt::Debug::fmt(&redact_url(url), formatter),
            None => formatter.write_str("None"),
        }
    }
}

/// Formats query parameters by name only: their values may be keys.
pub(crate) struct ParameterNames<'a>(pub &'a [(String, String)]);

impl std::fmt::Debug for ParameterNames<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_list().entries(self.0.iter().map(|(name, _)| format!("{name}=…"))).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_key_parameters_and_user_info() {
        assert_eq!(
            redact_url("https://g.example/v1beta/models/m:streamGenerateContent?alt=sse&key=SECRET"),
            "https://g.example/v1beta/models/m:streamGenerateContent?alt=sse"
        );
        assert_eq!(redact_url("https://a.example/x?api-key=SECRET"), "https://a.example/x");
        assert_eq!(redact_url("https://user:SECRET@a.example/x"), "https://redacted@a.example/x");
        assert_eq!(redact_url("https://SECRET@a.example/x"), "https://redacted@a.example/x");
        assert_eq!(redact_url("http://127.0.0.1:8080/v1/chat"), "http://127.0.0.1:8080/v1/chat");
        assert_eq!(redact_url("not a url?key=SECRET"), "not a url");
        assert_eq!(redact_url("no-scheme:SECRET@host/x"), "redacted@host/x");
    }

    #[test]
    fn removes_the_parameter_a_mapping_declares() {
        let url = "https://a.example/x?subscription-key=SECRET&v=1";
        assert_eq!(redact_url(url), url, "not a common name");
        assert_eq!(redact_url_with(url, &["subscription-key"]), "https://a.example/x?v=1");
    }
}
