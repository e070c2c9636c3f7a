//! Base URLs with placeholders (`https://{resource}.openai.azure.com/openai`): each value comes
//! from the caller's settings or else from the environment variable the mapping names for it
//! (`base_url_vars`), so the cloud providers' URL shapes stay in their mapping files.

use super::api_key::load_setting;
use crate::error::{Error, Result};

/// `template` with every `{name}` of `variables` (`(name, environment variable)`) replaced by the
/// value `values` gives for it, else by the variable's value.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the setting and its variable when neither gives a value,
/// or when a value would change the URL's structure (`/`, `?`, `#`, `@`, spaces).
pub(crate) fn fill_base_url(
    template: &str,
    variables: &[(&'static str, &'static str)],
    values: &[(&str, Option<&str>)],
    display_name: &str,
) -> Result<String> {
    let mut url = template.to_owned();
    for (name, variable) in variables {
        let explicit = values.iter().find(|(value_name, _)| value_name == name).and_then(|(_, value)| *value);
        let value = load_setting(explicit, variable).ok_or_else(|| {
            Error::invalid_argument(*name, format!("{display_name} needs a {name}: pass it in the settings or set `{variable}`"))
        })?;
        if value.chars().any(|c| matches!(c, '/' | '?' | '#' | '@' | '{' | '}') || c.is_whitespace()) {
            return Err(Error::invalid_argument(*name, format!("`{value}` is not a valid {name} for a URL")));
        }
        url = url.replace(&format!("{{{name}}}"), &value);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_from_settings_and_names_the_variable_when_missing() {
        let variables = [("resource", "SPECAI_TEST_UNSET_RESOURCE_VARIABLE")];
        let url = fill_base_url("https://{resource}.example.com/x", &variables, &[("resource", Some("r1"))], "Acme").unwrap();
        assert_eq!(url, "https://r1.example.com/x");
        let error = fill_base_url("https://{resource}.example.com", &variables, &[("resource", None)], "Acme").unwrap_err();
        assert!(error.to_string().contains("SPECAI_TEST_UNSET_RESOURCE_VARIABLE"), "{error}");
        let error = fill_base_url("https://{resource}.example.com", &variables, &[("resource", Some("evil.com/x?"))], "Acme").unwrap_err();
        assert!(matches!(error, Error::InvalidArgument { .. }), "{error}");
    }
}
