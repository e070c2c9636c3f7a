//! The image model.

use serde_json::json;
use specai::provider::{FileData, ImageModel, ImageOptions, ProviderOptions};

use super::{FIXTURES, assert_standard_headers, provider};
use crate::support::fixtures::json_response;
use specai::provider_utils::test_server::TestServer;

#[tokio::test]
async fn image_generation_returns_base64_images_and_revised_prompts() {
    let server = TestServer::start([json_response(FIXTURES, "image_b64")]).await;
    let model = provider(&server).image("dall-e-2");
    assert_eq!(model.max_images_per_call(), Some(10));
    let mut options = ImageOptions::new("A square", 2);
    options.size = Some("256x256".into());
    options.aspect_ratio = Some("1:1".into());
    options.provider_options = ProviderOptions::new().with("openai", json!({"quality": "standard", "style": "vivid"}));
    let result = model.do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.path, "/v1/images/generations");
    assert_standard_headers(&request, "application/json");
    assert_eq!(
        request.json(),
        json!({"model": "dall-e-2", "prompt": "A square", "n": 2, "size": "256x256", "quality": "standard", "style": "vivid", "response_format": "b64_json"})
    );
    assert_eq!(result.images.len(), 2);
    assert_eq!(result.images[0].media_type, "image/png");
    match &result.images[0].data {
        FileData::Base64(data) => assert!(data.starts_with("iVBORw0KGgo")),
        other => panic!("{other:?}"),
    }
    assert_eq!(result.warnings.len(), 1, "aspect ratio is not supported: {:?}", result.warnings);
    let metadata = result.provider_metadata.unwrap();
    assert_eq!(metadata.get("openai").unwrap()["images"][1]["revised_prompt"], "A small blue square on a white background.");
}

#[tokio::test]
async fn gpt_image_models_send_no_response_format_and_dall_e_3_makes_one_per_call() {
    let server = TestServer::start([json_response(FIXTURES, "image_b64")]).await;
    let provider = provider(&server);
    provider.image("gpt-image-1").do_generate(&ImageOptions::new("A square", 2)).await.unwrap();
    assert_eq!(server.single_request().json().get("response_format"), None);
    let dalle3 = provider.image("dall-e-3");
    assert_eq!(dalle3.max_images_per_call(), Some(1));
    let error = dalle3.do_generate(&ImageOptions::new("A square", 2)).await.unwrap_err();
    assert!(matches!(error, specai::Error::InvalidArgument { .. }), "{error:?}");
}

#[tokio::test]
async fn image_edits_upload_the_images_and_mask_as_multipart() {
    let server = TestServer::start([json_response(FIXTURES, "image_b64")]).await;
    let model = provider(&server).image("gpt-image-1");
    let mut options = ImageOptions::new("Add a hat", 1);
    options.files = vec![specai::provider::FilePart::new(FileData::Bytes(vec![137u8, 80, 78, 71].into()), "image/png")];
    options.mask = Some(specai::provider::FilePart::new(FileData::Bytes(vec![1u8, 2].into()), "image/png"));
    options.size = Some("1024x1024".into());
    options.provider_options = ProviderOptions::new().with("openai", json!({"quality": "low"}));
    let result = model.do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.path, "/v1/images/edits");
    assert_standard_headers(&request, "multipart/form-data");
    let body = request.body_text();
    for expected in [
        "name=\"prompt\"\r\n\r\nAdd a hat",
        "name=\"model\"\r\n\r\ngpt-image-1",
        "name=\"n\"\r\n\r\n1",
        "name=\"size\"\r\n\r\n1024x1024",
        "name=\"quality\"\r\n\r\nlow",
        "name=\"image\"; filename=\"image-0.png\"",
        "name=\"mask\"; filename=\"mask.png\"",
    ] {
        assert!(body.contains(expected), "missing {expected:?} in {body}");
    }
    assert!(!body.contains("response_format"), "gpt-image models take no response_format");
    assert_eq!(result.images.len(), 2);
}
