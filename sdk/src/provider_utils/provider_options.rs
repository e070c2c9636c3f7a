//! Reading a provider's own options from [`ProviderOptions`].

use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::provider::ProviderOptions;

/// The key a model reads its options under: the first dot-separated segment of its provider id
/// (`"openai.responses"` reads `"openai"`).
///
/// ```
/// use specai::provider_utils::provider_options_key;
///
/// assert_eq!(provider_options_key("openai.responses"), "openai");
/// assert_eq!(provider_options_key("anthropic"), "anthropic");
/// ```
pub fn provider_options_key(provider: &str) -> &str {
    provider.split('.').next().unwrap_or(provider)
}

/// A provider's typed options, or their default when absent. Unknown fields are an
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) when `T` denies them.
///
/// ```
/// use serde_json::json;
/// use specai::provider::ProviderOptions;
/// use specai::provider_utils::parse_provider_options;
///
/// #[derive(Debug, Default, PartialEq, serde::Deserialize)]
/// #[serde(deny_unknown_fields, rename_all = "camelCase")]
/// struct AcmeOptions {
///     safety_level: Option<String>,
/// }
///
/// let options = ProviderOptions::new().with("acme", json!({"safetyLevel": "strict"}));
/// let parsed: AcmeOptions = parse_provider_options(&options, "acme.chat")?;
/// assert_eq!(parsed.safety_level.as_deref(), Some("strict"));
/// // Absent: the defaults. Misspelt: a typed error, never a silent no-op.
/// assert_eq!(parse_provider_options::<AcmeOptions>(&ProviderOptions::new(), "acme.chat")?, AcmeOptions::default());
/// let misspelt = ProviderOptions::new().with("acme", json!({"safetyLevle": "strict"}));
/// assert!(matches!(parse_provider_options::<AcmeOptions>(&misspelt, "acme.chat"), Err(specai::Error::InvalidArgument { .. })));
/// # Ok::<(), specai::Error>(())
/// ```
pub fn parse_provider_options<T: DeserializeOwned + Default>(options: &ProviderOptions, provider: &str) -> Result<T> {
    Ok(options.parse::<T>(provider_options_key(provider))?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Options {
        user: Option<String>,
    }

    #[test]
    fn reads_the_provider_key_or_defaults() {
        let options = ProviderOptions::new().with("openai", json!({"user": "u"}));
        let parsed: Options = parse_provider_options(&options, "openai.responses").unwrap();
        assert_eq!(parsed.user.as_deref(), Some("u"));
        let parsed: Options = parse_provider_options(&options, "anthropic.messages").unwrap();
        assert_eq!(parsed, Options::default());
        let bad = ProviderOptions::new().with("openai", json!({"usr": "u"}));
        assert!(parse_provider_options::<Options>(&bad, "openai").is_err());
    }
}
