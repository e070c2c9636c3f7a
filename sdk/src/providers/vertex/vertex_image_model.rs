//! Imagen on Vertex (`imagen-4.0-generate-001`, `imagen-3.0-generate-002`...) over `predict`.

use std::time::SystemTime;

use async_trait::async_trait;
use serde_json::{Value, json};

use super::vertex_options::{VERTEX_PROVIDER_KEY, VertexImageOptions};
use super::wire::{ImageOutputOptions, PredictInstance, PredictParameters, PredictRequest, PredictResponse};
use super::{SharedConnection, connection_for_call};
use crate::error::{Error, Result};
use crate::provider::{FileData, GeneratedImage, ImageModel, ImageOptions, ImageResponse, ProviderMetadata, ResponseMetadata, Warning};
use crate::provider_utils::ModelOperation;

/// The most images one Imagen call returns.
pub const MAX_IMAGES_PER_CALL: usize = 4;

/// An Imagen model on Vertex.
#[derive(Debug, Clone)]
pub struct VertexImageModel {
    model_id: String,
    connection: SharedConnection,
    provider: String,
    predict: ModelOperation,
}

impl VertexImageModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection) -> Self {
        let shared = connection.as_deref().ok();
        let predict = ModelOperation::new(shared, |operations| operations.image.as_ref(), "image", model_id);
        let provider = format!("{}.image", shared.map_or("google.vertex", |connection| connection.name.trim_end_matches(".chat")));
        VertexImageModel { model_id: model_id.to_owned(), connection, provider, predict }
    }
}

#[async_trait]
impl ImageModel for VertexImageModel {
    crate::provider::model_identity!(provider, model_id);

    fn max_images_per_call(&self) -> Option<usize> {
        Some(MAX_IMAGES_PER_CALL)
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        let connection = connection_for_call(&self.connection)?;
        let prompt = options.prompt.as_deref().ok_or_else(|| Error::invalid_argument("prompt", "an image prompt is required"))?;
        if !options.files.is_empty() || options.mask.is_some() {
            return Err(Error::unsupported("image editing", Some("Imagen generation on Vertex takes a prompt only".to_owned())));
        }
        if options.n as usize > MAX_IMAGES_PER_CALL {
            return Err(Error::invalid_argument("n", format!("Imagen returns at most {MAX_IMAGES_PER_CALL} images per call")));
        }
        let vertex: VertexImageOptions = options.provider_options.parse(VERTEX_PROVIDER_KEY)?.unwrap_or_default();
        let mut warnings = Vec::new();
        if options.size.is_some() {
            warnings.push(Warning::unsupported("size", Some("Imagen takes an aspect ratio (and sampleImageSize)".to_owned())));
        }
        let output_options = (vertex.output_mime_type.is_some() || vertex.compression_quality.is_some()).then(|| ImageOutputOptions {
            mime_type: vertex.output_mime_type.clone(),
            compression_quality: vertex.compression_quality.map(i64::from),
            ..Default::default()
        });
        let body = PredictRequest {
            instances: vec![PredictInstance { prompt: Some(prompt.to_owned()), ..Default::default() }],
            parameters: Some(PredictParameters {
                sample_count: Some(i64::from(options.n.max(1))),
                aspect_ratio: options.aspect_ratio.clone(),
                seed: options.seed.map(|seed| i64::try_from(seed).unwrap_or(i64::MAX)),
                negative_prompt: vertex.negative_prompt,
                person_generation: vertex.person_generation,
                safety_setting: vertex.safety_setting,
                add_watermark: vertex.add_watermark,
                enhance_prompt: vertex.enhance_prompt,
                sample_image_size: vertex.sample_image_size,
                storage_uri: vertex.storage_uri,
                output_options,
                ..Default::default()
            }),
            ..Default::default()
        };
        let headers = connection.headers(&options.headers)?;
        let response = connection.post_operation(&self.predict, &self.model_id, &body, headers, &crate::provider::ExtraRequest::default()).await?.json::<PredictResponse>().await?;
        let mut images = Vec::new();
        let mut details = Vec::new();
        let mut filtered = Vec::new();
        for prediction in response.value.predictions {
            let media_type = prediction.mime_type.unwrap_or_else(|| "image/png".to_owned());
            let data = match (prediction.bytes_base64_encoded, prediction.gcs_uri) {
                (Some(base64), _) => FileData::Base64(base64),
                (None, Some(uri)) => FileData::Url(uri),
                // A prediction filtered by Responsible AI carries only the reason.
                (None, None) => {
                    filtered.push(prediction.rai_filtered_reason.unwrap_or_else(|| "no reason given".to_owned()));
                    continue;
                }
            };
            images.push(GeneratedImage::new(data, media_type));
            details.push(json!({"revisedPrompt": prediction.prompt}));
        }
        if images.is_empty() {
            return Err(Error::NoImageGenerated { provider: self.provider.clone(), message: format!("Imagen returned no images; filtered: {}", filtered.join("; ")) });
        }
        warnings.extend(filtered.into_iter().map(|reason| Warning::other(format!("an image was filtered: {reason}"))));
        let mut result = ImageResponse::new(images);
        result.warnings = warnings;
        if details.iter().any(|detail| !detail["revisedPrompt"].is_null()) {
            result.provider_metadata = Some(ProviderMetadata::new().with(VERTEX_PROVIDER_KEY, json!({"images": Value::Array(details)})));
        }
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), Some(SystemTime::now())).with_headers(response.headers);
        Ok(result)
    }
}
