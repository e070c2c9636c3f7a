//! Service-account credentials, offline: `gcp_auth` signs a JWT with the test key
//! (tests/fixtures/vertex/test_service_account_key.pem) and exchanges it at the key file's
//! `token_uri`, this server; the test checks the assertion (header, claims, RS256 signature with
//! the public key) and that the token it handed out reaches the model endpoint, once per token.

use std::sync::Arc;

use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Value, json};
use specai::generate_text;
use specai::provider_utils::test_server::{RecordedRequest, TestResponse, TestServer};
use specai::vertex::{GoogleCredentials, VertexSettings, create_vertex};

use super::{FIXTURES, PREFIX};
use crate::support::fixtures::{fixture_path, json_response};

const CLIENT_EMAIL: &str = "vertex-test@specai-test.iam.gserviceaccount.com";

/// A service-account key file's JSON with the test key, exchanging tokens at `token_uri`.
fn service_account_json(token_uri: &str) -> String {
    let private_key = std::fs::read_to_string(fixture_path(FIXTURES, "test_service_account_key.pem")).unwrap();
    json!({
        "type": "service_account",
        "project_id": "specai-test",
        "private_key_id": "test-key-1",
        "private_key": private_key,
        "client_email": CLIENT_EMAIL,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
    })
    .to_string()
}

/// base64url, with or without padding (gcp_auth pads; RFC 7515 does not).
fn base64url() -> GeneralPurpose {
    GeneralPurpose::new(&base64::alphabet::URL_SAFE, GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent))
}

/// Checks the token request: a JWT-bearer grant whose assertion is a well-formed RS256 JWT for
/// this key, audience and scope, signed by the test key.
fn assert_jwt_grant(request: &RecordedRequest, token_uri: &str) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/token");
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    let form: Vec<(String, String)> = url_form(&request.body_text());
    assert_eq!(form[0], ("grant_type".to_owned(), "urn:ietf:params:oauth:grant-type:jwt-bearer".to_owned()));
    assert_eq!(form[1].0, "assertion");
    let jwt = &form[1].1;
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "header.claims.signature: {jwt}");
    let decode = |part: &str| base64url().decode(part).unwrap_or_else(|error| panic!("base64url {part}: {error}"));
    let header: Value = serde_json::from_slice(&decode(parts[0])).unwrap();
    assert_eq!(header, json!({"alg": "RS256", "typ": "JWT"}));
    let claims: Value = serde_json::from_slice(&decode(parts[1])).unwrap();
    assert_eq!(claims["iss"], CLIENT_EMAIL);
    assert_eq!(claims["aud"], token_uri);
    assert_eq!(claims["scope"], "https://www.googleapis.com/auth/cloud-platform");
    let (issued, expires) = (claims["iat"].as_i64().unwrap(), claims["exp"].as_i64().unwrap());
    assert!(expires > issued && expires - issued <= 3600, "{claims}");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((issued - now).abs() < 300, "iat {issued} is now");
    let public_key = std::fs::read(fixture_path(FIXTURES, "test_service_account_key.public.der")).unwrap();
    let signed = format!("{}.{}", parts[0], parts[1]);
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public_key)
        .verify(signed.as_bytes(), &decode(parts[2]))
        .expect("the JWT is signed by the service account's key");
}

/// An `application/x-www-form-urlencoded` body's pairs.
fn url_form(body: &str) -> Vec<(String, String)> {
    let url = reqwest::Url::parse(&format!("http://f/?{body}")).unwrap();
    url.query_pairs().map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
}

#[tokio::test]
async fn a_service_account_key_is_signed_exchanged_and_its_token_reused() {
    let server = TestServer::start([
        json_response(FIXTURES, "token").for_path("/token"),
        json_response(FIXTURES, "gemini_text"),
        json_response(FIXTURES, "claude_message"),
    ])
    .await;
    let token_uri = server.url("/token");
    let credentials = GoogleCredentials::from_service_account_json(service_account_json(&token_uri));
    let vertex = create_vertex(VertexSettings::default().with_base_url(server.url(PREFIX)).with_credentials(Arc::new(credentials)));
    generate_text(vertex.language_model("gemini-2.5-flash")).prompt("Hi").await.unwrap();
    generate_text(vertex.anthropic("claude-sonnet-4-5@20250929")).prompt("Hi").await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 3, "one token exchange for both calls");
    assert_jwt_grant(&requests[0], &token_uri);
    for request in &requests[1..] {
        assert!(request.path.starts_with(PREFIX), "{}", request.path);
        assert_eq!(request.header("authorization"), Some("Bearer ya29.c.test-access-token"));
    }
}

#[tokio::test]
async fn a_key_file_on_disk_works_the_same() {
    let server = TestServer::start([json_response(FIXTURES, "token").for_path("/token"), json_response(FIXTURES, "gemini_text")]).await;
    let token_uri = server.url("/token");
    let path = std::env::temp_dir().join(format!("specai-vertex-test-{}.json", std::process::id()));
    std::fs::write(&path, service_account_json(&token_uri)).unwrap();
    let credentials = GoogleCredentials::from_service_account_file(&path);
    let vertex = create_vertex(VertexSettings::default().with_base_url(server.url(PREFIX)).with_credentials(Arc::new(credentials)));
    let result = generate_text(vertex.language_model("gemini-2.5-flash")).prompt("Hi").await;
    std::fs::remove_file(&path).ok();
    result.unwrap();
    let requests = server.requests();
    assert_jwt_grant(&requests[0], &token_uri);
    assert_eq!(requests[1].header("authorization"), Some("Bearer ya29.c.test-access-token"));
}

#[tokio::test]
async fn a_refused_exchange_fails_the_call_before_the_model_is_asked() {
    let refusal = json!({"error": "invalid_grant", "error_description": "Invalid JWT Signature."});
    // gcp_auth tries a token request five times before giving up.
    let server = TestServer::start((0..5).map(|_| TestResponse::json(400, refusal.clone()).for_path("/token"))).await;
    let credentials = GoogleCredentials::from_service_account_json(service_account_json(&server.url("/token")));
    let vertex = create_vertex(VertexSettings::default().with_base_url(server.url(PREFIX)).with_credentials(Arc::new(credentials)));
    let error = generate_text(vertex.language_model("gemini-2.5-flash")).prompt("Hi").await.unwrap_err();
    assert!(error.to_string().contains("credentials"), "{error}");
    assert!(server.requests().iter().all(|request| request.path == "/token"), "no model request");
}

#[test]
fn a_malformed_key_is_reported_without_its_text() {
    let credentials = GoogleCredentials::from_service_account_json("{\"private_key\": \"-----BEGIN PRIVATE KEY-----secret\"}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let error = runtime.block_on(specai::provider_utils::TokenProvider::token(&credentials)).unwrap_err();
    assert!(!error.to_string().contains("secret"), "{error}");
}
