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

/// Declares a provider-options struct (or any optional wire struct) whose `Option` fields are all
/// optional on the wire: an absent key reads as `None` and a `None` is left out when the struct
/// is written, so every such field carries `#[serde(default, skip_serializing_if =
/// "Option::is_none")]` from this one place instead of each field stating it. Fields of other
/// types keep exactly the attributes written on them.
#[allow(unused_macros)]
macro_rules! optional_fields {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($fields:tt)* }) => {
        $crate::provider_utils::optional_fields!(@fields [$(#[$meta])* $vis struct $name] [] $($fields)*);
    };
    (@fields [$($head:tt)*] [$($done:tt)*]) => {
        $($head)* { $($done)* }
    };
    (@fields $head:tt [$($done:tt)*]
        $(#[$field_meta:meta])* $field_vis:vis $field:ident : Option<$type:ty> $(, $($rest:tt)*)?) => {
        $crate::provider_utils::optional_fields!(@fields $head [
            $($done)*
            $(#[$field_meta])*
            #[serde(default, skip_serializing_if = "Option::is_none")]
            $field_vis $field: Option<$type>,
        ] $($($rest)*)?);
    };
    (@fields $head:tt [$($done:tt)*] $(#[$field_meta:meta])* $field_vis:vis $field:ident : $type:ty $(, $($rest:tt)*)?) => {
        $crate::provider_utils::optional_fields!(@fields $head [$($done)* $(#[$field_meta])* $field_vis $field: $type,] $($($rest)*)?);
    };
}

pub(crate) use optional_fields;

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

    optional_fields! {
        #[derive(Debug, Default, PartialEq, serde::Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Declared {
            /// An optional field.
            first_field: Option<Vec<Option<u8>>>,
            #[serde(rename = "other")]
            second: Option<String>,
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            list: Vec<u8>,
        }
    }

    #[test]
    fn optional_fields_are_absent_when_unset() {
        let parsed: Declared = serde_json::from_value(json!({"firstField": [1, null]})).unwrap();
        assert_eq!(parsed, Declared { first_field: Some(vec![Some(1), None]), ..Declared::default() });
        assert_eq!(serde_json::to_value(&parsed).unwrap(), json!({"firstField": [1, null]}));
        let full = Declared { first_field: None, second: Some("s".into()), list: vec![2] };
        assert_eq!(serde_json::to_value(&full).unwrap(), json!({"other": "s", "list": [2]}));
        assert_eq!(serde_json::from_value::<Declared>(json!({})).unwrap(), Declared::default());
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
