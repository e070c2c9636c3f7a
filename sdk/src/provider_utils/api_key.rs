//! API keys that never show themselves, and loading them (and other settings) from the
//! environment.

use std::sync::Arc;

use http::HeaderValue;

use crate::error::{Error, Result};

/// A secret API key. `Debug` and `Display` print `ApiKey(<redacted>)`; only
/// [`ApiKey::expose`] and the header helpers read the key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(Arc<str>);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(Arc::from(key.into()))
    }

    /// The key itself: for building a request, never for logging.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the key is empty.
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// `Bearer <key>` as a header value marked sensitive (HTTP/2 will not index it, and
    /// `Debug` of the header map hides it).
    pub fn bearer_header(&self) -> Result<HeaderValue> {
        sensitive_header_value(&format!("Bearer {}", self.expose()))
    }

    /// The bare key as a header value marked sensitive, for `x-api-key`-style headers.
    pub fn header_value(&self) -> Result<HeaderValue> {
        sensitive_header_value(self.expose())
    }
}

/// A header value marked sensitive; the error never repeats the value.
///
/// ```
/// use specai::provider_utils::sensitive_header_value;
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert("x-api-key", sensitive_header_value("sk-secret")?);
/// assert!(headers["x-api-key"].is_sensitive());
/// assert!(!format!("{headers:?}").contains("sk-secret"), "Debug hides it");
/// // A key with a line break is refused, and the error does not repeat it.
/// let error = sensitive_header_value("sk-\nsecret").unwrap_err();
/// assert!(!error.to_string().contains("secret"));
/// # Ok::<(), specai::Error>(())
/// ```
pub fn sensitive_header_value(value: &str) -> Result<HeaderValue> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        Error::invalid_argument("api_key", "the key contains characters that are not allowed in an HTTP header")
    })?;
    header.set_sensitive(true);
    Ok(header)
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("ApiKey(<redacted>)")
    }
}

impl std::fmt::Display for ApiKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("ApiKey(<redacted>)")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey::new(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        ApiKey::new(key)
    }
}

/// The API key given in the settings, or else read from `env_var`, or else from the first set
/// of `deprecated_fallbacks` (with a warning in the trace). Empty values count as unset.
///
/// # Errors
/// [`Error::MissingApiKey`] naming `env_var` and the provider when no key is found.
///
/// # Example
/// ```
/// use specai::Error;
/// use specai::provider_utils::{ApiKey, load_api_key};
///
/// // A key given in the settings wins over the environment.
/// let key = load_api_key(Some(ApiKey::new("sk-given")), "ACME_API_KEY", &[], "Acme")?;
/// assert_eq!(key.expose(), "sk-given");
/// // No key anywhere: the error names the variable to set.
/// let missing = load_api_key(None, "SPECAI_EXAMPLE_UNSET_KEY", &[], "Acme").unwrap_err();
/// assert!(matches!(missing, Error::MissingApiKey { ref env_var, .. } if env_var == "SPECAI_EXAMPLE_UNSET_KEY"));
/// # Ok::<(), Error>(())
/// ```
pub fn load_api_key(
    explicit: Option<ApiKey>,
    env_var: &str,
    deprecated_fallbacks: &[&str],
    provider_display_name: &str,
) -> Result<ApiKey> {
    if let Some(key) = explicit.filter(|key| !key.is_empty()) {
        return Ok(key);
    }
    if let Some(key) = read_env(env_var) {
        return Ok(ApiKey::new(key));
    }
    for fallback in deprecated_fallbacks {
        if let Some(key) = read_env(fallback) {
            tracing::warn!(
                provider = provider_display_name,
                deprecated = fallback,
                preferred = env_var,
                "API key read from a deprecated environment variable"
            );
            return Ok(ApiKey::new(key));
        }
    }
    Err(Error::MissingApiKey { provider: provider_display_name.to_owned(), env_var: env_var.to_owned() })
}

/// A non-secret setting (a base URL, say): the explicit value, else the environment variable.
///
/// ```
/// use specai::provider_utils::load_setting;
///
/// assert_eq!(load_setting(Some("https://eu.acme.test/v1"), "ACME_BASE_URL").as_deref(), Some("https://eu.acme.test/v1"));
/// // A blank value counts as unset, and so does an unset variable.
/// assert_eq!(load_setting(Some("  "), "SPECAI_EXAMPLE_UNSET_URL"), None);
/// ```
pub fn load_setting(explicit: Option<&str>, env_var: &str) -> Option<String> {
    explicit.filter(|value| !value.trim().is_empty()).map(str::to_owned).or_else(|| read_env(env_var))
}

/// A base URL without its trailing slashes, so that paths can be appended with `/`.
///
/// ```
/// use specai::provider_utils::without_trailing_slash;
///
/// let base = without_trailing_slash("https://api.acme.test/v1//");
/// assert_eq!(format!("{base}/chat"), "https://api.acme.test/v1/chat");
/// ```
pub fn without_trailing_slash(url: &str) -> &str {
    url.trim_end_matches('/')
}

fn read_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_key() {
        let key = ApiKey::new("sk-secret-123");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.to_string(), "ApiKey(<redacted>)");
        assert!(!format!("{:?}", Some(key.clone())).contains("secret"));
        assert_eq!(key.expose(), "sk-secret-123");
    }

    #[test]
    fn header_values_are_sensitive() {
        let key = ApiKey::new("sk-secret");
        let bearer = key.bearer_header().unwrap();
        assert!(bearer.is_sensitive());
        assert_eq!(bearer.to_str().unwrap(), "Bearer sk-secret");
        assert!(!format!("{bearer:?}").contains("secret"));
        assert!(key.header_value().unwrap().is_sensitive());
        let error = ApiKey::new("bad\nkey").bearer_header().unwrap_err();
        assert!(!error.to_string().contains("bad"), "{error}");
    }

    // `set_var` is unsafe in edition 2024 and the crate forbids unsafe code, so the
    // environment paths read `PATH`, which is always set.
    #[test]
    fn loads_explicit_then_env_then_deprecated_fallback() {
        let primary = "SPECAI_TEST_API_KEY_PRIMARY";
        let old = "SPECAI_TEST_API_KEY_OLD";
        let path = std::env::var("PATH").unwrap();
        assert_eq!(load_api_key(None, "PATH", &[], "Test").unwrap().expose(), path);
        assert_eq!(load_api_key(None, primary, &[old, "PATH"], "Test").unwrap().expose(), path);
        let explicit = load_api_key(Some("given".into()), primary, &[old], "Test").unwrap();
        assert_eq!(explicit.expose(), "given");

        let error = load_api_key(None, primary, &[old], "Test").unwrap_err();
        assert!(matches!(&error, Error::MissingApiKey { env_var, .. } if env_var == primary));
        assert!(error.to_string().contains(primary));

        let error = load_api_key(Some("  ".into()), primary, &[], "Test").unwrap_err();
        assert!(matches!(error, Error::MissingApiKey { .. }));
    }

    #[test]
    fn settings_and_slashes() {
        assert_eq!(load_setting(Some("http://x/"), "SPECAI_TEST_UNSET_SETTING").as_deref(), Some("http://x/"));
        assert_eq!(load_setting(None, "SPECAI_TEST_UNSET_SETTING"), None);
        assert_eq!(without_trailing_slash("http://x/v1//"), "http://x/v1");
    }
}
