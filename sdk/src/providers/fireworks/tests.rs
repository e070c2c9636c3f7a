//! Fireworks image models against the mock server, from fixtures written from Fireworks'
//! documented image answers and error bodies (tests/fixtures/fireworks/). The Kontext result's
//! CDN host is rewritten to the test server, so the download is served there too. Each test
//! asserts the requests the server received (method, path, bearer key, body) and what was parsed.

use bytes::Bytes;
use serde_json::{Value, json};

use super::*;
use crate::error::{Error, Result};
use crate::provider::{FileData, FilePart, ImageOptions, ProviderOptions, Warning};
use crate::provider_utils::test_server::{RecordedRequest, TestResponse, TestServer};
use crate::providers::vendor_test_support::{
    PolledJob, PolledJobVendor, assert_idle_timeout_after_submission, fast_poll, fixture_on_server, generate_image_with,
    polled_job_tests, server_with,
};

const ID: &str = "3f0c2a1e-7b5d-4e29-9a61-0c8d2b4f5e77";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

fn fixture(server: &TestServer, name: &str, status: u16) -> TestResponse {
    fixture_on_server(server, PROVIDER_ID, name, status, "https://delivery-us1.bfl.ai")
}

fn assert_request(request: &RecordedRequest, path: &str) {
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", path));
    assert_eq!(request.header("authorization"), Some("Bearer fw-test"));
}

fn unsupported(warnings: &[Warning], name: &str) -> bool {
    warnings.iter().any(|warning| matches!(warning, Warning::Unsupported { feature, .. } if feature == name))
}

#[tokio::test]
async fn a_flux_workflow_answers_the_image_bytes() {
    let server = server_with(|_| vec![TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg").header("seed", "42").header("finish-reason", "SUCCESS")]).await;
    let mut options = ImageOptions::new("A lighthouse at dawn", 1);
    options.aspect_ratio = Some("16:9".into());
    options.size = Some("1024x768".into());
    options.seed = Some(42);
    options.provider_options = ProviderOptions::new().with("fireworks", json!({"guidance_scale": 3.5, "num_inference_steps": 28, "cfg_scale": 7}));
    // A bare model name is Fireworks' own model.
    let result = FireworksKontext::provider(&server).image("flux-1-dev-fp8").do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_request(&request, "/workflows/accounts/fireworks/models/flux-1-dev-fp8/text_to_image");
    assert_eq!(request.header("accept"), Some("image/jpeg"));
    assert_eq!(request.json(), json!({"prompt": "A lighthouse at dawn", "aspect_ratio": "16:9", "guidance_scale": 3.5, "num_inference_steps": 28, "seed": 42}));
    let image = &result.images[0];
    assert_eq!((image.data.clone(), image.media_type.as_str()), (FileData::Bytes(Bytes::from_static(JPEG)), "image/jpeg"));
    assert!(unsupported(&result.warnings, "size"), "{:?}", result.warnings);
    assert!(unsupported(&result.warnings, "providerOptions.fireworks.cfg_scale"), "{:?}", result.warnings);
    assert_eq!(result.provider_metadata.unwrap().get("fireworks").unwrap(), &json!({"seed": 42, "finishReason": "SUCCESS"}));
}

/// The namespace before a bare model name is the mapping's `model_namespace`: an edited mapping
/// sends another path, and an id with a `/` is sent as given.
#[tokio::test]
async fn the_model_namespace_comes_from_the_mapping() {
    let server = server_with(|_| vec![TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg"), TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg")]).await;
    let mut mapping = specai_generated::mappings::FIREWORKS;
    mapping.model_namespace = "accounts/acme/models/";
    let settings = FireworksSettings::default().with_api_key("fw-test").with_base_url(server.base_url());
    let provider = create_fireworks_from_mapping(mapping, settings);
    let options = ImageOptions::new("A lighthouse at dawn", 1);
    provider.image("flux-1-dev-fp8").do_generate(&options).await.unwrap();
    provider.image("accounts/fireworks/models/flux-1-dev-fp8").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert_request(&requests[0], "/workflows/accounts/acme/models/flux-1-dev-fp8/text_to_image");
    assert_request(&requests[1], "/workflows/accounts/fireworks/models/flux-1-dev-fp8/text_to_image");
}

#[tokio::test]
async fn an_sdxl_model_takes_a_size_through_image_generation() {
    let server = server_with(|_| vec![TestResponse::bytes(200, PNG.to_vec(), "image/png")]).await;
    let mut options = ImageOptions::new("A red kite", 1);
    options.size = Some("1024x768".into());
    options.aspect_ratio = Some("4:3".into());
    options.provider_options = ProviderOptions::new().with("fireworks", json!({"cfg_scale": 7.5, "steps": 30, "negative_prompt": "blur", "output_format": "png"}));
    let result = FireworksKontext::provider(&server).image("accounts/fireworks/models/stable-diffusion-xl-1024-v1-0").do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_request(&request, "/image_generation/accounts/fireworks/models/stable-diffusion-xl-1024-v1-0");
    assert_eq!(request.header("accept"), Some("image/png"));
    assert_eq!(request.json(), json!({"prompt": "A red kite", "width": 1024, "height": 768, "cfg_scale": 7.5, "steps": 30, "negative_prompt": "blur", "samples": 1}));
    assert_eq!(result.images[0].media_type, "image/png");
    assert!(unsupported(&result.warnings, "aspect_ratio"), "{:?}", result.warnings);
}

#[tokio::test]
async fn an_answer_without_an_image_is_no_image_generated() {
    let server = server_with(|_| vec![TestResponse::bytes(200, Vec::new(), "image/jpeg"), TestResponse::json(200, json!({"status": "ok"}))]).await;
    let model = FireworksKontext::provider(&server).image("accounts/fireworks/models/flux-1-schnell-fp8");
    for _ in 0..2 {
        let error = model.do_generate(&ImageOptions::new("A kite", 1)).await.unwrap_err();
        assert!(matches!(&error, Error::NoImageGenerated { provider, .. } if provider == "fireworks.image"), "{error:?}");
    }
}

#[tokio::test]
async fn kontext_is_submitted_polled_until_ready_and_downloaded_without_the_key() {
    let server = server_with(|server| {
        vec![
            fixture(server, "kontext_submitted", 200),
            fixture(server, "kontext_pending", 200),
            fixture(server, "kontext_pending", 200),
            fixture(server, "kontext_ready", 200),
            TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg"),
        ]
    })
    .await;
    let mut options = ImageOptions::new("Make it night", 1);
    options.aspect_ratio = Some("1:1".into());
    options.seed = Some(7);
    options.files = vec![FilePart::new(FileData::Bytes(Bytes::from_static(PNG)), "image/png"), FilePart::new(FileData::Url("https://example.com/b.png".into()), "image/png")];
    options.provider_options = ProviderOptions::new().with("fireworks", json!({"output_format": "jpeg", "safety_tolerance": 2, "prompt_upsampling": true}));
    let result = FireworksKontext::provider(&server).image("accounts/fireworks/models/flux-kontext-pro").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 5, "{requests:#?}");
    assert_request(&requests[0], "/workflows/accounts/fireworks/models/flux-kontext-pro");
    assert_eq!(
        requests[0].json(),
        json!({"prompt": "Make it night", "input_image": "data:image/png;base64,iVBORw0KGgo=", "seed": 7, "aspect_ratio": "1:1",
               "output_format": "jpeg", "prompt_upsampling": true, "safety_tolerance": 2})
    );
    for request in &requests[1..4] {
        assert_request(request, "/workflows/accounts/fireworks/models/flux-kontext-pro/get_result");
        assert_eq!(request.json(), json!({"id": ID}));
        assert_eq!(request.header("content-type"), Some("application/json"));
    }
    assert_eq!((requests[4].method.as_str(), requests[4].path.as_str(), requests[4].header("authorization")), ("GET", "/results/3f/0c2a1e/sample.jpeg?se=2025-01-01T00%3A10%3A00Z&sig=abc", None));
    assert_eq!(result.images[0].data, FileData::Bytes(Bytes::from_static(JPEG)));
    assert!(unsupported(&result.warnings, "files"), "only the first input image: {:?}", result.warnings);
    assert_eq!(result.provider_metadata.unwrap().get("fireworks").unwrap()["requestId"], ID);
}

#[tokio::test]
async fn a_ready_kontext_request_without_a_sample_is_no_image_generated() {
    let server = server_with(|server| vec![fixture(server, "kontext_submitted", 200), fixture(server, "kontext_ready_without_sample", 200)]).await;
    let error = FireworksKontext::provider(&server).image("flux-kontext-pro").do_generate(&ImageOptions::new("x", 1)).await.unwrap_err();
    assert!(matches!(&error, Error::NoImageGenerated { message, .. } if message.contains(ID)), "{error:?}");
}

#[tokio::test]
async fn the_providers_idle_timeout_reaches_the_poll_request() {
    let requests = assert_idle_timeout_after_submission(200, r#"{"request_id": "r-1"}"#, |base_url, idle_timeout| async move {
        let settings = FireworksSettings::default().with_api_key("fw-test").with_base_url(base_url).with_poll_settings(fast_poll()).with_idle_timeout(Some(idle_timeout));
        create_fireworks(settings).image("flux-kontext-pro").do_generate(&ImageOptions::new("x", 1)).await.map(drop)
    })
    .await;
    assert!(requests[1].path.ends_with("/get_result"));
}

#[tokio::test]
async fn error_bodies_unknown_options_and_malformed_polls() {
    let server = server_with(|server| {
        vec![
            fixture(server, "image_error_400", 400),
            fixture(server, "kontext_submitted", 200),
            TestResponse::new(200, "{\"id\": \"r\", \"status\"").header("content-type", "application/json"),
        ]
    })
    .await;
    let model = FireworksKontext::provider(&server).image("flux-1-dev-fp8");
    let error = model.do_generate(&ImageOptions::new("x", 1)).await.unwrap_err();
    assert!(matches!(&error, Error::ApiCall(call) if call.status == 400 && call.message == "Invalid aspect_ratio: 5:4" && !call.is_retryable), "{error:?}");
    let error = FireworksKontext::provider(&server).image("flux-kontext-pro").do_generate(&ImageOptions::new("x", 1)).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidResponse { raw: Some(raw), .. } if raw.contains("\"status\"")), "{error:?}");
    let mut options = ImageOptions::new("x", 1);
    options.provider_options = ProviderOptions::new().with("fireworks", json!({"guidanceScale": 3}));
    assert!(matches!(model.do_generate(&options).await.unwrap_err(), Error::InvalidArgument { .. }));
    assert_eq!(server.requests().len(), 3, "the misspelt option sent nothing");
}

#[test]
fn the_registry_gives_fireworks_image_and_language_models() {
    let registry = crate::default_registry();
    assert_eq!(registry.image_model("fireworks:accounts/fireworks/models/flux-1-dev-fp8").unwrap().provider(), "fireworks.image");
    assert_eq!(registry.language_model("fireworks:accounts/fireworks/models/llama-v3p3-70b-instruct").unwrap().provider(), "fireworks.chat");
    assert_eq!(registry.embedding_model("fireworks:nomic-ai/nomic-embed-text-v1.5").unwrap().provider(), "fireworks.embedding");
}

/// A Kontext request (submitted, then polled with a POST of its id), as the shared polling
/// scenarios see it. Fireworks has no cancel request.
struct FireworksKontext;

impl PolledJobVendor for FireworksKontext {
    const JOB: PolledJob = PolledJob {
        id: PROVIDER_ID, job_id: ID, authorization: ("authorization", "Bearer fw-test"), submit: ("/workflows/accounts/fireworks/models/flux-kontext-pro", 200, "kontext_submitted"),
        poll: ("POST", "/workflows/accounts/fireworks/models/flux-kontext-pro/get_result"), running: "kontext_pending", cancel: None,
        failed: ("kontext_moderated", "the request ended as `Content Moderated`"), misspelt_option: r#"{"guidanceScale": 3}"#, malformed_poll: r#"{"id": "x", "status": "#,
    };

    type Provider = FireworksProvider;

    fn provider_with(server: &TestServer, poll: PollSettings) -> FireworksProvider {
        create_fireworks(FireworksSettings::default().with_api_key("fw-test").with_base_url(server.base_url()).with_poll_settings(poll))
    }

    fn answer(server: &TestServer, status: u16, name: &str) -> TestResponse {
        fixture(server, name, status)
    }
    fn finished(server: &TestServer) -> Vec<TestResponse> {
        vec![fixture(server, "kontext_ready", 200), TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg")]
    }
    async fn call(server: &TestServer, poll: PollSettings, options: Value) -> Result<()> {
        generate_image_with(Self::provider_with(server, poll).image("flux-kontext-pro"), ImageOptions::new("x", 1), PROVIDER_ID, options).await
    }
}

polled_job_tests!(FireworksKontext);
