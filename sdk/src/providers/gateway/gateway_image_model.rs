//! An image model behind the gateway: `POST /image-model`, the model named by `ai-model-id`;
//! images come back as base64.

use async_trait::async_trait;
use serde_json::Map;

use super::gateway_language_model::model_headers;
use super::gateway_options::{check_gateway_options, options_object};
use super::gateway_parts::warning;
use super::wire::{ImageModelRequest, ImageModelResponse};
use super::{SharedConnection, connection_for_call, provider_name};
use crate::error::{Error, Result};
use crate::provider::{FileData, GeneratedImage, ImageModel, ImageOptions, ImageResponse, ProviderOptions, ResponseMetadata};
use crate::provider_utils::ModelOperation;

/// An image model behind the gateway, e.g. `google/imagen-4.0-generate-001`.
#[derive(Debug, Clone)]
pub struct GatewayImageModel {
    model_id: String,
    provider: String,
    connection: SharedConnection,
    operation: ModelOperation,
}

impl GatewayImageModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection) -> Self {
        let operation = ModelOperation::new(connection.as_deref().ok(), |operations| operations.image.as_ref(), "image", model_id);
        GatewayImageModel { model_id: model_id.to_owned(), provider: provider_name(&connection), connection, operation }
    }
}

/// The media type of base64 image data, from its first bytes (PNG when unknown).
fn sniff_media_type(base64: &str) -> &'static str {
    match base64.as_bytes() {
        [b'/', b'9', b'j', ..] => "image/jpeg",
        [b'R', b'0', b'l', b'G', ..] => "image/gif",
        [b'U', b'k', b'l', b'G', ..] => "image/webp",
        _ => "image/png",
    }
}

#[async_trait]
impl ImageModel for GatewayImageModel {
    crate::provider::model_identity!(provider, model_id);

    fn max_images_per_call(&self) -> Option<usize> {
        // The gateway splits large requests for the provider behind it.
        None
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        if !options.files.is_empty() || options.mask.is_some() {
            return Err(Error::unsupported("image edits through the gateway", Some("specai sends image prompts only".to_owned())));
        }
        check_gateway_options(&options.provider_options)?;
        let body = ImageModelRequest {
            prompt: options.prompt.clone(),
            n: i64::from(options.n.max(1)),
            size: options.size.clone(),
            aspect_ratio: options.aspect_ratio.clone(),
            seed: options.seed.map(|seed| i64::try_from(seed).unwrap_or(i64::MAX)),
            provider_options: options_object(&options.provider_options),
            extra: Map::new(),
        };
        let connection = connection_for_call(&self.connection)?;
        let pairs = [("ai-image-model-specification-version", "4"), ("ai-model-id", self.model_id.as_str())];
        let headers = model_headers(connection, &pairs, &options.headers)?;
        let response = connection.post_operation(&self.operation, &self.model_id, body, headers, &options.extra).await?.json::<ImageModelResponse>().await?;
        let raw = response.raw_json();
        let answer = response.value;
        let images = answer.images.into_iter().map(|base64| {
            let media_type = sniff_media_type(&base64);
            GeneratedImage::new(FileData::Base64(base64), media_type)
        });
        let mut result = ImageResponse::new(images.collect());
        result.warnings = answer.warnings.into_iter().map(|item| warning(serde_json::to_value(item).unwrap_or_default())).collect();
        result.provider_metadata = (!answer.provider_metadata.is_empty()).then(|| ProviderOptions(answer.provider_metadata.into_iter().collect()));
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), None).with_headers(response.headers).with_body(raw);
        Ok(result)
    }
}
