//! The image model (`POST /images/generations`), returning base64 images.

use std::time::SystemTime;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::provider::{FileData, GeneratedImage, ImageModel, ImageOptions, ImageResponse, ProviderMetadata, ResponseMetadata, Warning};

use super::openai_options::{OPENAI_PROVIDER_ID, OpenAiImageOptions};
use super::{SharedConfig, config_for_call, timestamp};

/// An image model. Built by [`OpenAiProvider::image`](super::OpenAiProvider::image).
#[derive(Debug, Clone)]
pub struct OpenAiImageModel {
    model_id: String,
    provider: String,
    url: String,
    config: SharedConfig,
}

impl OpenAiImageModel {
    pub(crate) fn new(model_id: String, config: SharedConfig) -> Self {
        let (provider, url) = match &config {
            Ok(config) => (config.provider_id("image"), config.url("/images/generations")),
            Err(_) => ("openai.image".to_owned(), String::new()),
        };
        OpenAiImageModel { model_id, provider, url, config }
    }

    /// gpt-image models always answer in base64 and reject `response_format`.
    fn is_gpt_image(&self) -> bool {
        self.model_id.starts_with("gpt-image")
    }
}

/// The most images one request may ask for, per model: dall-e-3 makes one at a time.
pub fn max_images_per_call(model_id: &str) -> usize {
    match model_id {
        "dall-e-3" => 1,
        _ => 10,
    }
}

/// The spec's `CreateImageRequest`.
#[derive(Debug, Serialize)]
struct ImageRequest<'a> {
    model: &'a str,
    prompt: &'a str,
    n: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quality: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    style: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    background: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_format: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_compression: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    moderation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<&'a str>,
}

/// The spec's `ImagesResponse`.
#[derive(Debug, Deserialize)]
struct ImagesResponse {
    #[serde(default)]
    created: Option<i64>,
    #[serde(default)]
    data: Vec<ImageData>,
}

#[derive(Debug, Deserialize)]
struct ImageData {
    #[serde(default)]
    b64_json: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    revised_prompt: Option<String>,
}

#[async_trait]
impl ImageModel for OpenAiImageModel {
    fn provider(&self) -> &str {
        &self.provider
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn max_images_per_call(&self) -> Option<usize> {
        Some(max_images_per_call(&self.model_id))
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        let config = config_for_call(&self.config)?;
        let prompt = options.prompt.as_deref().ok_or_else(|| Error::invalid_argument("prompt", "an image prompt is required"))?;
        if !options.files.is_empty() || options.mask.is_some() {
            return Err(Error::unsupported("image edits", Some("the OpenAI image model generates from a prompt only".to_owned())));
        }
        let limit = max_images_per_call(&self.model_id);
        if options.n as usize > limit {
            return Err(Error::invalid_argument("n", format!("{} allows at most {limit} images per call", self.model_id)));
        }
        let mut warnings = Vec::new();
        if options.aspect_ratio.is_some() {
            warnings.push(Warning::unsupported("aspect_ratio", Some("use size instead".to_owned())));
        }
        if options.seed.is_some() {
            warnings.push(Warning::unsupported("seed", None));
        }
        let provider_options: OpenAiImageOptions = options.provider_options.parse(OPENAI_PROVIDER_ID)?.unwrap_or_default();
        let request = ImageRequest {
            model: &self.model_id,
            prompt,
            n: options.n.max(1),
            size: options.size.as_deref(),
            quality: provider_options.quality.as_deref(),
            style: provider_options.style.as_deref(),
            response_format: (!self.is_gpt_image()).then_some("b64_json"),
            background: provider_options.background.as_deref(),
            output_format: provider_options.output_format.as_deref(),
            output_compression: provider_options.output_compression,
            moderation: provider_options.moderation.as_deref(),
            user: provider_options.user.as_deref(),
        };
        let response = config.post_json(&self.url, &request, &options.headers).await?.json::<ImagesResponse>().await?;
        let media_type = match provider_options.output_format.as_deref() {
            Some("jpeg" | "jpg") => "image/jpeg",
            Some("webp") => "image/webp",
            _ => "image/png",
        };
        let mut images = Vec::with_capacity(response.value.data.len());
        let mut revised_prompts = Vec::new();
        for image in response.value.data {
            let data = match (image.b64_json, image.url) {
                (Some(base64), _) => FileData::Base64(base64),
                (None, Some(url)) => FileData::Url(url),
                (None, None) => return Err(Error::invalid_response("an image without data or URL", None, None)),
            };
            images.push(GeneratedImage { data, media_type: media_type.to_owned() });
            revised_prompts.push(image.revised_prompt.map(Value::String).unwrap_or(Value::Null));
        }
        let mut result = ImageResponse { images, warnings, ..Default::default() };
        if revised_prompts.iter().any(|prompt| !prompt.is_null()) {
            let images: Vec<Value> = revised_prompts.into_iter().map(|prompt| json!({"revised_prompt": prompt})).collect();
            result.provider_metadata = Some(ProviderMetadata::new().with(OPENAI_PROVIDER_ID, json!({"images": images})));
        }
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), timestamp(response.value.created).or(Some(SystemTime::now())))
            .with_headers(response.headers);
        Ok(result)
    }
}
