//! FAL's queue against the mock server, from fixtures written from FAL's documented queue answers
//! and model outputs (tests/fixtures/fal/). FAL's CDN origin in the fixtures
//! (`https://v3.fal.media`) is rewritten to the test server, so downloads are served there too.
//! Each test asserts every request the server received (method, path, `Key` auth, body) and what
//! was parsed.

mod polling;
mod speech_transcription;

use bytes::Bytes;
use serde_json::json;

use super::*;
use crate::provider::{FileData, ImageOptions, ProviderOptions};
use crate::provider_utils::test_server::{RecordedRequest, TestResponse, TestServer};
pub(super) use crate::providers::vendor_test_support::server_with;
use crate::providers::vendor_test_support::{
    fast_poll, fixture_on_server, fixture_text, json_answer,
};

pub(super) const REQUEST_ID: &str = "764cabcf-b745-4b3e-ae38-1200304cf45b";
pub(super) const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];

/// A 200 JSON answer of `tests/fixtures/fal/<name>.json`, FAL's CDN pointed at the server.
pub(super) fn fixture(server: &TestServer, name: &str) -> TestResponse {
    fixture_on_server(server, PROVIDER_ID, name, 200, "https://v3.fal.media")
}

/// An error answer of a fixture with a status.
pub(super) fn error_fixture(name: &str, status: u16) -> TestResponse {
    json_answer(status, fixture_text(PROVIDER_ID, &format!("{name}.json")))
}

pub(super) fn provider_with(server: &TestServer, poll: PollSettings) -> FalProvider {
    create_fal(FalSettings::default().with_api_key("test-key").with_base_url(server.base_url()).with_poll_settings(poll))
}

pub(super) fn provider(server: &TestServer) -> FalProvider {
    provider_with(server, fast_poll())
}

/// A GET of the queue with the key.
pub(super) fn assert_get(request: &RecordedRequest, path: &str) {
    assert_eq!((request.method.as_str(), request.path.as_str()), ("GET", path));
    assert_eq!(request.header("authorization"), Some("Key test-key"));
}

/// The submit POST with the key and this exact body.
pub(super) fn assert_submit(request: &RecordedRequest, path: &str, body: serde_json::Value) {
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", path));
    assert_eq!(request.header("authorization"), Some("Key test-key"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.json(), body, "submit body");
}

fn status_path(app: &str) -> String {
    format!("/{app}/requests/{REQUEST_ID}/status")
}

#[tokio::test]
async fn an_image_is_queued_polled_through_queued_and_in_progress_then_downloaded() {
    let server = server_with(|server| {
        vec![
            fixture(server, "queue_submit"),
            fixture(server, "status_in_queue"),
            fixture(server, "status_in_progress"),
            fixture(server, "status_completed"),
            fixture(server, "image_result"),
            TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg"),
        ]
    })
    .await;
    let mut options = ImageOptions::new("A lighthouse at dawn", 1);
    options.aspect_ratio = Some("16:9".into());
    options.seed = Some(42);
    options.provider_options = ProviderOptions::new().with("fal", json!({"guidanceScale": 3.5, "input": {"enable_prompt_expansion": true}}));
    let result = provider(&server).image("fal-ai/flux/dev").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 6, "{requests:#?}");
    assert_submit(
        &requests[0],
        "/fal-ai/flux/dev",
        json!({"prompt": "A lighthouse at dawn", "image_size": "landscape_16_9", "num_images": 1, "seed": 42,
               "guidance_scale": 3.5, "enable_prompt_expansion": true}),
    );
    // The status and result URLs of the answer are on queue.fal.run, not the configured host:
    // the mapping's paths under the app id are used, and the key stays on the configured host.
    for request in &requests[1..4] {
        assert_get(request, &status_path("fal-ai/flux"));
    }
    assert_get(&requests[4], &format!("/fal-ai/flux/requests/{REQUEST_ID}"));
    assert_eq!((requests[5].method.as_str(), requests[5].path.as_str()), ("GET", "/files/koala/lighthouse_7f3a.jpeg"));
    assert_eq!(requests[5].header("authorization"), None, "the key is not sent to the CDN");
    let image = &result.images[0];
    assert_eq!((image.data.clone(), image.media_type.as_str()), (FileData::Bytes(Bytes::from_static(JPEG)), "image/jpeg"));
    let metadata = result.provider_metadata.as_ref().unwrap().get("fal").unwrap();
    assert_eq!(metadata["requestId"], REQUEST_ID);
    assert_eq!(metadata["seed"], 42);
    assert_eq!(metadata["images"], json!([{"width": 1024, "height": 768, "contentType": "image/jpeg", "nsfw": false}]));
}

#[tokio::test]
async fn vendor_urls_on_the_configured_host_are_followed_and_sizes_sent_as_width_and_height() {
    let server = server_with(|server| {
        let status_url = server.url(&format!("/fal-ai/flux/requests/{REQUEST_ID}/status?logs=0"));
        let response_url = server.url(&format!("/fal-ai/flux/requests/{REQUEST_ID}?from=vendor"));
        vec![
            TestResponse::json(200, json!({"request_id": REQUEST_ID, "status_url": status_url, "response_url": response_url})),
            fixture(server, "status_completed"),
            fixture(server, "image_result"),
            TestResponse::bytes(200, JPEG.to_vec(), "application/octet-stream"),
        ]
    })
    .await;
    let mut options = ImageOptions::new("A lighthouse at dawn", 1);
    options.size = Some("1024x768".into());
    options.aspect_ratio = Some("4:3".into());
    let response = provider(&server).image("fal-ai/flux/dev").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].json()["image_size"], json!({"width": 1024, "height": 768}));
    assert_get(&requests[1], &format!("/fal-ai/flux/requests/{REQUEST_ID}/status?logs=0"));
    assert_get(&requests[2], &format!("/fal-ai/flux/requests/{REQUEST_ID}?from=vendor"));
    assert!(matches!(&response.warnings[..], [crate::provider::Warning::Unsupported { feature, .. }] if feature == "aspect_ratio"));
    // FAL's declared content type wins over the CDN's generic one.
    assert_eq!(response.images[0].media_type, "image/jpeg");
}

#[tokio::test]
async fn a_calls_extras_reach_the_submission_only() {
    let server = server_with(|server| {
        vec![fixture(server, "queue_submit"), fixture(server, "status_completed"), fixture(server, "image_result"), TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg")]
    })
    .await;
    let mut options = ImageOptions::new("A lighthouse at dawn", 1);
    options.extra = crate::provider::ExtraRequest::default().with_body_member("sync_mode", false).with_query_param("fal_webhook", "https://example.com/hook");
    provider(&server).image("fal-ai/flux/dev").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].path, "/fal-ai/flux/dev?fal_webhook=https%3A%2F%2Fexample.com%2Fhook");
    assert_eq!(requests[0].json()["sync_mode"], false);
    assert_get(&requests[1], &status_path("fal-ai/flux"));
}

#[tokio::test]
async fn a_result_that_is_a_validation_error_is_a_failed_job() {
    let server = server_with(|server| vec![fixture(server, "queue_submit"), fixture(server, "status_completed"), error_fixture("error_422", 422)]).await;
    let error = provider(&server).image("fal-ai/flux/dev").do_generate(&ImageOptions::new("x", 1)).await.unwrap_err();
    assert!(matches!(&error, Error::JobFailed { message, .. } if message == "field required"), "{error:?}");
    assert_get(&server.last_request(), &format!("/fal-ai/flux/requests/{REQUEST_ID}"));
}

#[tokio::test]
async fn a_result_without_images_is_no_image_generated() {
    let server = server_with(|server| vec![fixture(server, "queue_submit"), fixture(server, "status_completed"), fixture(server, "image_result_empty")]).await;
    let error = provider(&server).image("fal-ai/flux/dev").do_generate(&ImageOptions::new("x", 1)).await.unwrap_err();
    assert!(matches!(&error, Error::NoImageGenerated { provider, message } if provider == "fal.image" && message.contains(REQUEST_ID)), "{error:?}");
}

#[tokio::test]
async fn error_bodies_are_read_with_the_mappings_paths() {
    let server = server_with(|_| vec![error_fixture("error_401", 401), error_fixture("error_422", 422)]).await;
    let model = provider(&server).image("fal-ai/flux/dev");
    let error = model.do_generate(&ImageOptions::new("x", 1)).await.unwrap_err();
    assert!(matches!(&error, Error::ApiCall(call) if call.status == 401 && call.message == "Authentication is required to access this application." && !call.is_retryable), "{error:?}");
    let error = model.do_generate(&ImageOptions::new("x", 1)).await.unwrap_err();
    assert!(matches!(&error, Error::ApiCall(call) if call.status == 422 && call.message == "field required" && call.error_type.as_deref() == Some("value_error.missing")), "{error:?}");
}

#[tokio::test]
async fn a_retryable_status_error_is_polled_again() {
    let server = server_with(|server| {
        vec![
            fixture(server, "queue_submit"),
            TestResponse::json(503, json!({"detail": "No runner available", "error_type": "runner_scheduling_failure"})),
            fixture(server, "status_completed"),
            fixture(server, "image_result"),
            TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg"),
        ]
    })
    .await;
    let response = provider(&server).image("fal-ai/flux/dev").do_generate(&ImageOptions::new("x", 1)).await.unwrap();
    assert_eq!(response.images.len(), 1);
    assert_get(&server.requests()[2], &status_path("fal-ai/flux"));
}

#[tokio::test]
async fn malformed_json_is_an_invalid_response_with_the_raw_text() {
    let server = server_with(|server| vec![fixture(server, "queue_submit"), TestResponse::new(200, "{\"status\": IN_QUEUE").header("content-type", "application/json")]).await;
    let error = provider(&server).image("fal-ai/flux/dev").do_generate(&ImageOptions::new("x", 1)).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidResponse { raw: Some(raw), .. } if raw.contains("IN_QUEUE")), "{error:?}");
    let server = server_with(|_| vec![TestResponse::json(200, json!({"status": "IN_QUEUE"}))]).await;
    let error = provider(&server).image("fal-ai/flux/dev").do_generate(&ImageOptions::new("x", 1)).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidResponse { .. }), "a submit answer without request_id: {error:?}");
}

#[test]
fn the_key_is_not_in_debug_output_and_the_registry_has_no_language_models() {
    let settings = FalSettings::default().with_api_key("secret-fal-key");
    assert!(!format!("{settings:?}").contains("secret-fal-key"));
    let provider = create_fal(settings);
    assert!(!format!("{provider:?}").contains("secret-fal-key"));
    assert!(matches!(Provider::language_model(&provider, "m"), Err(Error::NoSuchModel { .. })));
    assert_eq!(Provider::transcription_model(&provider, "fal-ai/wizper").unwrap().provider(), "fal.transcription");
}
