//! URLs safe to put in errors and traces: API keys sent as query parameters are removed.

/// Query parameters that carry credentials (Google's `key`, Azure's `api-key`, ...).
const SECRET_PARAMETERS: &[&str] =
    &["key", "api_key", "api-key", "apikey", "x-api-key", "access_token", "token", "sig", "signature"];

/// `url` without credential query parameters and without a password in its user info.
pub fn redact_url(url: &str) -> String {
    // Credentials live in the query or the user info: without `?` or `@` there is nothing to
    // remove, and no parse to pay for (this runs on every response).
    if !url.contains(['?', '@']) {
        return url.to_owned();
    }
    let Ok(mut parsed) = reqwest::Url::parse(url) else {
        // Not a URL: cut any query rather than risk printing a key.
        return url.split('?').next().unwrap_or_default().to_owned();
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(None);
    }
    if parsed.query().is_some() {
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .filter(|(name, _)| !SECRET_PARAMETERS.iter().any(|secret| name.eq_ignore_ascii_case(secret)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_key_parameters_and_passwords() {
        assert_eq!(
            redact_url("https://g.example/v1beta/models/m:streamGenerateContent?alt=sse&key=SECRET"),
            "https://g.example/v1beta/models/m:streamGenerateContent?alt=sse"
        );
        assert_eq!(redact_url("https://a.example/x?api-key=SECRET"), "https://a.example/x");
        assert_eq!(redact_url("https://user:SECRET@a.example/x"), "https://user@a.example/x");
        assert_eq!(redact_url("http://127.0.0.1:8080/v1/chat"), "http://127.0.0.1:8080/v1/chat");
        assert_eq!(redact_url("not a url?key=SECRET"), "not a url");
    }
}
