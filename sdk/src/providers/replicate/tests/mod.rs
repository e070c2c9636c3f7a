//! Replicate predictions against the mock server, from fixtures written from Replicate's
//! documented prediction objects and error bodies (tests/fixtures/replicate/). Replicate's file
//! host in the fixtures (`https://replicate.delivery`) is rewritten to the test server, so
//! downloads are served there too. Each test asserts every request the server received (method,
//! path, bearer key, `Prefer` header, body) and what was parsed.

use bytes::Bytes;
use serde_json::{Value, json};

use super::*;
use crate::provider::{FileData, ImageOptions, ProviderOptions};
use crate::provider_utils::test_server::{TestResponse, TestServer};
use crate::providers::vendor_test_support::{PolledJob, PolledJobVendor, fixture_text, generate_image_with, json_answer, polled_job_tests, server_with};

const ID: &str = "gm3qorzdhgbfurvjtvhg6dckhu";
const WEBP: &[u8] = b"RIFF\x10\x00\x00\x00WEBPVP8 ";
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// A JSON answer of a fixture with a status, Replicate's file host pointed at the server (and,
/// with `api_host`, its API host too).
fn fixture(server: &TestServer, name: &str, status: u16, api_host: bool) -> TestResponse {
    let mut text = fixture_text(PROVIDER_ID, &format!("{name}.json")).replace("https://replicate.delivery", &server.base_url());
    if api_host {
        text = text.replace("https://api.replicate.com", &server.base_url());
    }
    json_answer(status, text)
}

fn options() -> ImageOptions {
    let mut options = ImageOptions::new("A red kite over the dunes", 1);
    options.aspect_ratio = Some("3:2".into());
    options.seed = Some(42);
    options
}

#[tokio::test]
async fn prefer_wait_answering_finished_needs_no_poll() {
    let server = server_with(|server| vec![fixture(server, "prediction_succeeded", 201, false), TestResponse::bytes(200, WEBP.to_vec(), "image/webp")]).await;
    let result = crate::generate_image(Replicate::provider(&server).image("black-forest-labs/flux-schnell")).prompt("A red kite over the dunes").aspect_ratio("3:2").seed(42).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one create, one download: {requests:#?}");
    Replicate::assert_request(&requests[0], "POST", "/v1/models/black-forest-labs/flux-schnell/predictions");
    assert_eq!(requests[0].header("prefer"), Some("wait"));
    assert_eq!(requests[0].json(), json!({"input": {"prompt": "A red kite over the dunes", "aspect_ratio": "3:2", "seed": 42, "num_outputs": 1}}));
    assert_eq!((requests[1].path.as_str(), requests[1].header("authorization")), ("/xezq/7VfhRe1WbvBHQkAE3kvSOgq/out-0.webp", None));
    let image = result.image().unwrap();
    assert_eq!((image.data.clone(), image.media_type.as_str()), (FileData::Bytes(Bytes::from_static(WEBP)), "image/webp"));
    let metadata = result.provider_metadata.as_ref().unwrap().get("replicate").unwrap();
    assert_eq!((metadata["predictionId"].as_str(), metadata["predictTime"].as_f64()), (Some(ID), Some(1.188)));
}

#[tokio::test]
async fn a_prediction_still_starting_is_polled_through_processing_to_succeeded() {
    let server = server_with(|server| {
        vec![
            fixture(server, "prediction_starting", 201, true),
            fixture(server, "prediction_processing", 200, true),
            fixture(server, "prediction_succeeded", 200, true),
            TestResponse::bytes(200, WEBP.to_vec(), "application/octet-stream"),
        ]
    })
    .await;
    let mut options = options();
    options.provider_options = ProviderOptions::new().with("replicate", json!({"maxWaitTimeInSeconds": 5, "outputFormat": "webp", "input": {"go_fast": true}}));
    let response = Replicate::provider(&server).image("black-forest-labs/flux-schnell").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    Replicate::assert_request(&requests[0], "POST", "/v1/models/black-forest-labs/flux-schnell/predictions");
    assert_eq!(requests[0].header("prefer"), Some("wait=5"));
    assert_eq!(
        requests[0].json(),
        json!({"input": {"prompt": "A red kite over the dunes", "aspect_ratio": "3:2", "seed": 42, "num_outputs": 1, "output_format": "webp", "go_fast": true}})
    );
    // `urls.get` is on the configured host here, so it is what is polled.
    Replicate::assert_request(&requests[1], "GET", &format!("/v1/predictions/{ID}"));
    Replicate::assert_request(&requests[2], "GET", &format!("/v1/predictions/{ID}"));
    assert_eq!(response.images[0].media_type, "image/webp", "sniffed when the host declares none");
}

#[tokio::test]
async fn a_versioned_model_is_created_through_predictions_with_its_version_and_one_url_read() {
    let server = server_with(|server| vec![fixture(server, "prediction_succeeded_single", 201, false), TestResponse::bytes(200, PNG.to_vec(), "image/png")]).await;
    let model_id = "stability-ai/sdxl:39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b";
    let response = Replicate::provider(&server).image(model_id).do_generate(&ImageOptions::new("A lighthouse", 1)).await.unwrap();
    let request = &server.requests()[0];
    Replicate::assert_request(request, "POST", "/v1/predictions");
    assert_eq!(request.json(), json!({"input": {"prompt": "A lighthouse", "num_outputs": 1}, "version": "39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b"}));
    assert_eq!(server.requests()[1].path, "/pbxt/2hKzPzBg7Dq3FeJTuDUAQW/output.png");
    assert_eq!(response.images[0].media_type, "image/png");
}

#[tokio::test]
async fn a_failed_prediction_is_a_failed_job_with_replicates_error() {
    let server = server_with(|server| vec![fixture(server, "prediction_starting", 201, false), fixture(server, "prediction_failed", 200, false)]).await;
    let error = Replicate::provider(&server).image("black-forest-labs/flux-schnell").do_generate(&options()).await.unwrap_err();
    assert!(
        matches!(&error, Error::JobFailed { provider, job_id, message } if provider == "replicate" && job_id == ID && message.starts_with("NSFW content detected")),
        "{error:?}"
    );
    // urls.get names api.replicate.com, not the configured host: the mapping's path is polled.
    Replicate::assert_request(&server.requests()[1], "GET", &format!("/v1/predictions/{ID}"));
    // Failed in the create answer itself: no poll.
    let server = server_with(|server| vec![fixture(server, "prediction_failed", 201, false)]).await;
    let error = Replicate::provider(&server).image("black-forest-labs/flux-schnell").do_generate(&options()).await.unwrap_err();
    assert!(matches!(&error, Error::JobFailed { .. }), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_prediction_without_output_files_is_no_image_generated() {
    let server = server_with(|server| vec![fixture(server, "prediction_succeeded_empty", 201, false)]).await;
    let error = Replicate::provider(&server).image("black-forest-labs/flux-schnell").do_generate(&options()).await.unwrap_err();
    assert!(matches!(&error, Error::NoImageGenerated { provider, message } if provider == "replicate.image" && message.contains(ID)), "{error:?}");
}

#[tokio::test]
async fn error_bodies_give_replicates_detail() {
    let server = server_with(|server| vec![fixture(server, "error_422", 422, false), fixture(server, "error_401", 401, false)]).await;
    let model = Replicate::provider(&server).image("black-forest-labs/flux-schnell");
    let error = model.do_generate(&options()).await.unwrap_err();
    assert!(
        matches!(&error, Error::ApiCall(call) if call.status == 422 && call.message == "- input.num_outputs: Must be less than or equal to 4" && call.error_type.as_deref() == Some("Input validation failed")),
        "{error:?}"
    );
    let error = model.do_generate(&options()).await.unwrap_err();
    assert!(matches!(&error, Error::ApiCall(call) if call.status == 401 && call.message == "You did not pass a valid authentication token"), "{error:?}");
}

#[tokio::test]
async fn malformed_json_is_an_invalid_response_with_the_raw_text() {
    let server = server_with(|_| vec![TestResponse::new(201, "{\"id\": \"x\", \"status\": ").header("content-type", "application/json")]).await;
    let error = Replicate::provider(&server).image("black-forest-labs/flux-schnell").do_generate(&options()).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidResponse { raw: Some(raw), .. } if raw.contains("\"status\"")), "{error:?}");
}

#[test]
fn the_key_is_not_in_debug_output_and_only_image_models_are_offered() {
    let provider = create_replicate(ReplicateSettings::default().with_api_key("r8_secret_token"));
    assert!(!format!("{provider:?}").contains("r8_secret_token"));
    assert!(matches!(Provider::language_model(&provider, "meta/llama"), Err(Error::NoSuchModel { .. })));
    assert!(matches!(Provider::speech_model(&provider, "x/y"), Err(Error::NoSuchModel { .. })));
    assert_eq!(Provider::image_model(&provider, "black-forest-labs/flux-schnell").unwrap().provider(), "replicate.image");
}

/// A prediction of a model by name, as the shared polling scenarios see it.
struct Replicate;

impl PolledJobVendor for Replicate {
    const JOB: PolledJob = PolledJob {
        id: PROVIDER_ID, job_id: ID, authorization: ("authorization", "Bearer r8_test"), submit: ("/v1/models/black-forest-labs/flux-schnell/predictions", 201, "prediction_starting"),
        poll: ("GET", "/v1/predictions/{id}"), running: "prediction_processing", cancel: Some(("POST", "/v1/predictions/{id}/cancel")),
        failed: ("prediction_failed", "NSFW content detected. Try running it again, or try a different prompt."), misspelt_option: r#"{"maxWaitTimeInSecond": 5}"#,
        malformed_poll: r#"{"id": "x", "status": "#,
    };

    type Provider = ReplicateProvider;

    fn provider_with(server: &TestServer, poll: PollSettings) -> ReplicateProvider {
        create_replicate(ReplicateSettings::default().with_api_key("r8_test").with_base_url(server.base_url()).with_poll_settings(poll))
    }

    fn answer(server: &TestServer, status: u16, name: &str) -> TestResponse {
        fixture(server, name, status, false)
    }
    fn finished(server: &TestServer) -> Vec<TestResponse> {
        vec![fixture(server, "prediction_succeeded", 200, false), TestResponse::bytes(200, WEBP.to_vec(), "image/webp")]
    }
    async fn call(server: &TestServer, poll: PollSettings, options: Value) -> crate::error::Result<()> {
        generate_image_with(Self::provider_with(server, poll).image("black-forest-labs/flux-schnell"), self::options(), PROVIDER_ID, options).await
    }
}

polled_job_tests!(Replicate);
