//! Luma generations against the mock server, from fixtures written from Luma's documented
//! generation objects and error bodies (tests/fixtures/luma/). Luma's CDN in the fixtures
//! (`https://storage.cdn-luma.com`) is rewritten to the test server, so downloads are served
//! there too. Each test asserts every request the server received (method, path, bearer key,
//! body) and what was parsed.

use bytes::Bytes;
use serde_json::{Value, json};

use super::*;
use crate::provider::{FileData, FilePart, ImageOptions, ProviderOptions, Warning};
use crate::provider_utils::test_server::{TestResponse, TestServer};
use crate::providers::vendor_test_support::{
    PolledJob, PolledJobVendor, assert_idle_timeout_after_submission, fast_poll, fixture_on_server, fixture_text,
    generate_image_with, polled_job_tests, server_with,
};

const ID: &str = "8e4f0a5c-2b7e-4a41-9c3f-1d5e6f7a8b90";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];

fn fixture(server: &TestServer, name: &str, status: u16) -> TestResponse {
    fixture_on_server(server, PROVIDER_ID, name, status, "https://storage.cdn-luma.com")
}

fn options() -> ImageOptions {
    let mut options = ImageOptions::new("A lighthouse at dawn", 1);
    options.aspect_ratio = Some("16:9".into());
    options
}

#[tokio::test]
async fn a_generation_is_polled_through_queued_and_dreaming_then_downloaded() {
    let server = server_with(|server| {
        vec![
            fixture(server, "generation_queued", 201),
            fixture(server, "generation_queued", 200),
            fixture(server, "generation_dreaming", 200),
            fixture(server, "generation_completed", 200),
            TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg"),
        ]
    })
    .await;
    let result = crate::generate_image(Luma::provider(&server).image("photon-1")).prompt("A lighthouse at dawn").aspect_ratio("16:9").seed(7).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 5, "{requests:#?}");
    Luma::assert_request(&requests[0], "POST", "/dream-machine/v1/generations/image");
    assert_eq!(requests[0].json(), json!({"prompt": "A lighthouse at dawn", "model": "photon-1", "aspect_ratio": "16:9"}));
    for request in &requests[1..4] {
        Luma::assert_request(request, "GET", &format!("/dream-machine/v1/generations/{ID}"));
    }
    assert_eq!((requests[4].path.as_str(), requests[4].header("authorization")), ("/dream_machine/2f1c9d3e-6a7b/8e4f0a5c_result.jpg", None));
    let image = result.image().unwrap();
    assert_eq!((image.data.clone(), image.media_type.as_str()), (FileData::Bytes(Bytes::from_static(JPEG)), "image/jpeg"));
    assert!(result.warnings.iter().any(|warning| matches!(warning, Warning::Unsupported { feature, .. } if feature == "seed")));
    assert_eq!(result.provider_metadata.as_ref().unwrap().get("luma").unwrap()["generationId"], ID);
}

#[tokio::test]
async fn a_completed_generation_without_an_image_is_no_image_generated() {
    let server = server_with(|server| vec![fixture(server, "generation_queued", 201), fixture(server, "generation_completed_no_image", 200)]).await;
    let error = Luma::provider(&server).image("photon-1").do_generate(&options()).await.unwrap_err();
    assert!(matches!(&error, Error::NoImageGenerated { provider, message } if provider == "luma.image" && message.contains(ID)), "{error:?}");
}

#[tokio::test]
async fn input_image_urls_become_references_and_inline_images_are_refused() {
    let server = server_with(|server| vec![fixture(server, "generation_completed", 201), TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg")]).await;
    let mut options = options();
    options.files = vec![FilePart::new(FileData::Url("https://example.com/style.jpg".into()), "image/jpeg")];
    options.provider_options = ProviderOptions::new().with("luma", json!({"referenceType": "style", "format": "jpg", "characterRef": {"identity0": {"images": ["https://example.com/me.jpg"]}}}));
    Luma::provider(&server).image("photon-1").do_generate(&options).await.unwrap();
    assert_eq!(
        server.requests()[0].json(),
        json!({"prompt": "A lighthouse at dawn", "model": "photon-1", "aspect_ratio": "16:9", "format": "jpg",
               "style_ref": [{"url": "https://example.com/style.jpg", "weight": 0.8}],
               "character_ref": {"identity0": {"images": ["https://example.com/me.jpg"]}}})
    );
    assert_eq!(server.requests().len(), 2, "completed in the first answer: no poll");
    options.files = vec![FilePart::new(FileData::Bytes(Bytes::from_static(JPEG)), "image/jpeg")];
    let error = Luma::provider(&server).image("photon-1").do_generate(&options).await.unwrap_err();
    assert!(matches!(&error, Error::Unsupported { .. }), "{error:?}");
    assert_eq!(server.requests().len(), 2, "nothing sent");
}

#[tokio::test]
async fn a_calls_extras_reach_the_submission_only() {
    let server = server_with(|server| vec![fixture(server, "generation_completed", 201), TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg")]).await;
    let mut options = options();
    options.extra = crate::provider::ExtraRequest::default().with_body_member("callback_url", "https://example.com/done").with_query_param("trace", "7");
    Luma::provider(&server).image("photon-1").do_generate(&options).await.unwrap();
    let requests = server.requests();
    Luma::assert_request(&requests[0], "POST", "/dream-machine/v1/generations/image?trace=7");
    assert_eq!(requests[0].json()["callback_url"], "https://example.com/done");
    assert_eq!(requests[0].json()["prompt"], "A lighthouse at dawn");
    assert!(!requests[1].path.contains("trace"), "the download is Luma's URL as given: {}", requests[1].path);
}

#[tokio::test]
async fn error_bodies_give_lumas_detail() {
    let server = server_with(|server| vec![fixture(server, "error_400", 400), fixture(server, "error_422", 422)]).await;
    let model = Luma::provider(&server).image("photon-1");
    let error = model.do_generate(&options()).await.unwrap_err();
    assert!(matches!(&error, Error::ApiCall(call) if call.status == 400 && call.message == "Invalid aspect ratio: 5:4" && !call.is_retryable), "{error:?}");
    let error = model.do_generate(&options()).await.unwrap_err();
    assert!(matches!(&error, Error::ApiCall(call) if call.status == 422 && call.message == "Field required" && call.error_type.as_deref() == Some("missing")), "{error:?}");
}

#[test]
fn the_key_is_not_in_debug_output_and_only_image_models_are_offered() {
    let provider = create_luma(LumaSettings::default().with_api_key("luma-secret-key"));
    assert!(!format!("{provider:?}").contains("luma-secret-key"));
    assert!(matches!(Provider::language_model(&provider, "ray-2"), Err(Error::NoSuchModel { .. })));
    assert_eq!(Provider::image_model(&provider, "photon-1").unwrap().provider(), "luma.image");
}

#[tokio::test]
async fn the_providers_idle_timeout_reaches_the_status_request() {
    let queued = fixture_text(PROVIDER_ID, "generation_queued.json");
    let requests = assert_idle_timeout_after_submission(201, &queued, |base_url, idle_timeout| async move {
        let settings = LumaSettings::default().with_api_key("luma-test").with_base_url(base_url).with_poll_settings(fast_poll()).with_idle_timeout(Some(idle_timeout));
        create_luma(settings).image("photon-1").do_generate(&options()).await.map(drop)
    })
    .await;
    assert_eq!(requests[1].path, format!("/dream-machine/v1/generations/{ID}"));
    assert!(requests[1].head.to_ascii_lowercase().contains("authorization: bearer luma-test"), "the connection's headers: {}", requests[1].head);
    assert!(requests[1].head.to_ascii_lowercase().contains("user-agent: specai"), "the connection's user agent: {}", requests[1].head);
}

/// A photon generation, as the shared polling scenarios see it. Luma has no cancel request:
/// every request after the create is a status GET.
struct Luma;

impl PolledJobVendor for Luma {
    const JOB: PolledJob = PolledJob {
        id: PROVIDER_ID, job_id: ID, authorization: ("authorization", "Bearer luma-test"), submit: ("/dream-machine/v1/generations/image", 201, "generation_queued"),
        poll: ("GET", "/dream-machine/v1/generations/{id}"), running: "generation_dreaming", cancel: None, misspelt_option: r#"{"referenceTyp": "style"}"#,
        failed: ("generation_failed", "The prompt was rejected by the content filter"), malformed_poll: r#"{"id": "8e4f", "state""#,
    };

    type Provider = LumaProvider;

    fn provider_with(server: &TestServer, poll: PollSettings) -> LumaProvider {
        create_luma(LumaSettings::default().with_api_key("luma-test").with_base_url(server.base_url()).with_poll_settings(poll))
    }

    fn answer(server: &TestServer, status: u16, name: &str) -> TestResponse {
        fixture(server, name, status)
    }
    fn finished(server: &TestServer) -> Vec<TestResponse> {
        vec![fixture(server, "generation_completed", 200), TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg")]
    }
    async fn call(server: &TestServer, poll: PollSettings, options: Value) -> crate::error::Result<()> {
        generate_image_with(Self::provider_with(server, poll).image("photon-1"), self::options(), PROVIDER_ID, options).await
    }
}

polled_job_tests!(Luma);
