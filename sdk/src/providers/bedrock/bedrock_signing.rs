//! AWS Signature Version 4 over one request, with the AWS SDK's own signer (`aws-sigv4`).
//!
//! The signer gets the method, the URL as sent, the headers that will be sent (`user-agent`
//! and `authorization` are left out of the signature, as the AWS SDKs do) and the exact body
//! bytes; it returns `authorization`, `x-amz-date` and, for temporary credentials,
//! `x-amz-security-token`, which are added marked sensitive so that no `Debug` shows them.
//! Path segments are double-encoded in the canonical request, as every AWS service but S3
//! expects: a model ARN in the path (`arn%3Aaws%3A...`) signs correctly.

use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use http::{HeaderMap, HeaderName, HeaderValue};

use super::bedrock_credentials::Credentials;
use crate::error::{Error, Result};

/// What a request is signed for: the region and the service's signing name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SigningScope<'a> {
    pub region: &'a str,
    pub service: &'a str,
}

/// Adds the SigV4 headers for this request to `headers`.
///
/// # Errors
/// [`Error::InvalidArgument`] when the URL, a header or the credentials cannot be signed.
pub(crate) fn sign_request(
    method: &str,
    url: &str,
    headers: &mut HeaderMap,
    body: &[u8],
    credentials: &Credentials,
    scope: SigningScope<'_>,
    time: SystemTime,
) -> Result<()> {
    let signing_error =
        |error: &dyn std::fmt::Display| Error::invalid_argument("aws signature", error.to_string());
    let identity: Identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(scope.region)
        .name(scope.service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|error| signing_error(&error))?
        .into();
    let signed_headers = headers
        .iter()
        .map(|(name, value)| value.to_str().map(|value| (name.as_str(), value)))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| {
            Error::invalid_argument(
                "headers",
                "a header value is not visible ASCII and cannot be signed",
            )
        })?;
    let request = SignableRequest::new(
        method,
        url,
        signed_headers.into_iter(),
        SignableBody::Bytes(body),
    )
    .map_err(|error| signing_error(&error))?;
    let (instructions, _signature) = sign(request, &params)
        .map_err(|error| signing_error(&error))?
        .into_parts();
    let (new_headers, _query) = instructions.into_parts();
    for header in new_headers {
        let mut value = HeaderValue::from_str(header.value()).map_err(|_| {
            Error::invalid_argument("aws signature", "the signer produced an invalid header")
        })?;
        // The signature and the session token are credentials: never printed.
        value.set_sensitive(header.sensitive() || header.name() == "authorization");
        headers.insert(HeaderName::from_static(header.name()), value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Vectors of the AWS SigV4 test suite (published by AWS, shipped in the aws-sigv4 crate as
    //! `aws-signing-test-suite/v4/<case>/header-signed-request.txt`): credentials AKIDEXAMPLE,
    //! region us-east-1, service `service`, 2015-08-30T12:36:00Z.

    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    const ACCESS_KEY: &str = "AKIDEXAMPLE";
    const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const SCOPE: SigningScope<'static> = SigningScope {
        region: "us-east-1",
        service: "service",
    };

    /// 2015-08-30T12:36:00Z.
    fn vector_time() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    fn signed(method: &str, token: Option<&str>, headers: &mut HeaderMap, body: &[u8]) {
        let credentials = Credentials::new(
            ACCESS_KEY,
            SECRET_KEY,
            token.map(str::to_owned),
            None,
            "test",
        );
        sign_request(
            method,
            "https://example.amazonaws.com/",
            headers,
            body,
            &credentials,
            SCOPE,
            vector_time(),
        )
        .unwrap();
    }

    #[test]
    fn get_vanilla() {
        let mut headers = HeaderMap::new();
        signed("GET", None, &mut headers, b"");
        assert_eq!(headers["x-amz-date"], "20150830T123600Z");
        assert_eq!(
            headers["authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    #[test]
    fn post_vanilla() {
        let mut headers = HeaderMap::new();
        signed("POST", None, &mut headers, b"");
        assert_eq!(
            headers["authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        );
    }

    #[test]
    fn get_vanilla_with_session_token() {
        let token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
        let mut headers = HeaderMap::new();
        signed("GET", Some(token), &mut headers, b"");
        assert_eq!(headers["x-amz-security-token"], token);
        assert_eq!(
            headers["authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"
        );
        // The signature and the token are sensitive: a header map's Debug hides them.
        let shown = format!("{headers:?}");
        assert!(
            !shown.contains(token) && !shown.contains("Signature="),
            "{shown}"
        );
    }

    #[test]
    fn user_agent_is_not_signed_but_content_type_is() {
        let mut headers = HeaderMap::new();
        headers.insert("user-agent", HeaderValue::from_static("specai/test"));
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        signed("POST", None, &mut headers, b"{}");
        let authorization = headers["authorization"].to_str().unwrap();
        assert!(
            authorization.contains("SignedHeaders=content-type;host;x-amz-date,"),
            "{authorization}"
        );
    }
}
