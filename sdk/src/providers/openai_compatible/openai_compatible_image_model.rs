//! The image model (`POST /images/generations` of the mapping's `image` operation).

use async_trait::async_trait;
use specai_generated::openai_compatible::types::{CreateImageRequest, CreateImageRequestResponseFormat, ImagesResponse};

use super::openai_compatible_request::shape_request;
use super::openai_compatible_options::{OpenAiCompatibleImageOptions, parse_options};
use super::{SharedConfig, config_for_call, timestamp};
use crate::error::{Error, Result};
use crate::provider::{FileData, GeneratedImage, ImageModel, ImageOptions, ImageResponse, ResponseMetadata, Warning};

/// An image model of an OpenAI-compatible provider.
#[derive(Debug, Clone)]
pub struct OpenAiCompatibleImageModel {
    model_id: String,
    provider: String,
    /// The most images one request makes: the mapping's `[limits]` for this model.
    images_per_call: Option<usize>,
    config: SharedConfig,
}

impl OpenAiCompatibleImageModel {
    pub(crate) fn new(model_id: String, config: SharedConfig, name: &str) -> Self {
        let images_per_call = super::model_limits(&config, &model_id).images_per_call;
        OpenAiCompatibleImageModel { model_id, provider: format!("{name}.image"), images_per_call, config }
    }
}

#[async_trait]
impl ImageModel for OpenAiCompatibleImageModel {
    crate::provider::model_identity!(provider, model_id);

    fn max_images_per_call(&self) -> Option<usize> {
        self.images_per_call
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        let config = config_for_call(&self.config)?;
        let operation = config.mapping.operations.image.as_ref().ok_or_else(|| {
            Error::unsupported("images", Some(format!("{} has no image operation in its mapping", config.mapping.display_name)))
        })?;
        let prompt = options.prompt.clone().ok_or_else(|| Error::invalid_argument("prompt", "an image prompt is required"))?;
        let mut warnings = Vec::new();
        if options.aspect_ratio.is_some() {
            warnings.push(Warning::unsupported("aspectRatio", Some("use size".to_owned())));
        }
        if options.seed.is_some() {
            warnings.push(Warning::unsupported("seed", None));
        }
        if !options.files.is_empty() || options.mask.is_some() {
            return Err(Error::unsupported("image edits", Some("OpenAI-compatible image models take a prompt only".to_owned())));
        }
        let provider_options: OpenAiCompatibleImageOptions = parse_options(&options.provider_options, &config.name)?;
        let request = CreateImageRequest {
            prompt,
            model: Some(self.model_id.clone()),
            n: Some(i64::from(options.n.max(1))),
            size: options.size.clone(),
            response_format: Some(CreateImageRequestResponseFormat::B64Json),
            user: provider_options.user,
            extra: provider_options.extra,
            ..Default::default()
        };
        let body = shape_request(config, request, &[], Some(&mut warnings))?;
        let url = config.url(operation, &self.model_id)?;
        let response = config.post_json(&url, body, &options.headers, &options.extra).await?;
        let decoded = super::read_json::<ImagesResponse>(response).await?;
        let raw = decoded.raw;
        let images = decoded
            .value
            .data
            .into_iter()
            .filter_map(|item| {
                let data = match (item.b64_json, item.url) {
                    (Some(base64), _) => FileData::Base64(base64),
                    (None, Some(url)) => FileData::Url(url),
                    (None, None) => return None,
                };
                Some(GeneratedImage::new(data, "image/png"))
            })
            .collect();
        let mut result = ImageResponse::new(images);
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), timestamp(Some(decoded.value.created)))
            .with_headers(decoded.headers)
            .with_body(Some(raw));
        result.warnings = warnings;
        Ok(result)
    }
}
