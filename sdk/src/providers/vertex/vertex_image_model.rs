//! Imagen on Vertex (`imagen-4.0-generate-001`, `imagen-3.0-generate-002`...) over `predict`:
//! the shared Imagen engine (`google/google_imagen.rs`) with Vertex's parameters.

use async_trait::async_trait;

use super::vertex_options::{VERTEX_PROVIDER_KEY, VertexImageOptions};
use super::wire::{ImageOutputOptions, PredictParameters};
use super::{SharedConnection, connection_for_call};
use crate::error::Result;
use crate::google::{ImagenCaller, imagen_predict};
use crate::provider::{ImageModel, ImageOptions, ImageResponse};
use crate::provider_utils::ModelOperation;


/// An Imagen model on Vertex.
#[derive(Debug, Clone)]
pub struct VertexImageModel {
    model_id: String,
    connection: SharedConnection,
    provider: String,
    /// The most images one call makes: the mapping's `[limits]`.
    images_per_call: Option<usize>,
    predict: ModelOperation,
}

impl VertexImageModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection) -> Self {
        let shared = connection.as_deref().ok();
        let predict = ModelOperation::new(shared, |operations| operations.image.as_ref(), "image", model_id);
        let provider = format!("{}.image", shared.map_or("google.vertex", |connection| connection.name.trim_end_matches(".chat")));
        let images_per_call = crate::provider_utils::model_limits(&connection, model_id).images_per_call;
        VertexImageModel { model_id: model_id.to_owned(), connection, provider, images_per_call, predict }
    }
}

#[async_trait]
impl ImageModel for VertexImageModel {
    crate::provider::model_identity!(provider, model_id);

    fn max_images_per_call(&self) -> Option<usize> {
        self.images_per_call
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        let connection = connection_for_call(&self.connection)?;
        let vertex: VertexImageOptions = options.provider_options.parse(VERTEX_PROVIDER_KEY)?.unwrap_or_default();
        let output_options = (vertex.output_mime_type.is_some() || vertex.compression_quality.is_some()).then(|| ImageOutputOptions {
            mime_type: vertex.output_mime_type.clone(),
            compression_quality: vertex.compression_quality.map(i64::from),
            ..Default::default()
        });
        let parameters = PredictParameters {
            negative_prompt: vertex.negative_prompt,
            person_generation: vertex.person_generation,
            safety_setting: vertex.safety_setting,
            add_watermark: vertex.add_watermark,
            enhance_prompt: vertex.enhance_prompt,
            sample_image_size: vertex.sample_image_size,
            storage_uri: vertex.storage_uri,
            output_options,
            ..Default::default()
        };
        let caller = ImagenCaller { provider: &self.provider, metadata_key: VERTEX_PROVIDER_KEY, takes_seed: true, images_per_call: self.images_per_call };
        imagen_predict(connection, &self.predict, &self.model_id, caller, options, parameters).await
    }
}
