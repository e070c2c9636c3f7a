//! Gemini API image models: Imagen (`imagen-4.0-generate-001`...) over the mapping's `image`
//! operation (`predict`, the engine Vertex shares), and Gemini's image output
//! (`gemini-2.5-flash-image`...) over `generateContent` with the TEXT and IMAGE modalities,
//! whose `inlineData` parts are the images. The model id chooses: ids starting with `imagen`
//! go to `predict`, every other id to `generateContent`.

use async_trait::async_trait;
use serde_json::{Map, Value};
use specai_generated::mappings::families;
use specai_generated::vertex::types::PredictParameters;

use super::google_imagen::{ImagenCaller, imagen_predict};
use super::google_inline_output::generate_inline;
use super::google_options::GoogleImageOptions;
use super::wire::{GenerationConfig, GenerationConfigResponseModalitiesItem, ImageConfig};
use super::{SharedConnection, connection_for_call};
use crate::error::{Error, Result};
use crate::provider::{FileData, GeneratedImage, ImageModel, ImageOptions, ImageResponse, ProviderMetadata, ResponseMetadata, Warning};
use crate::provider_utils::ModelOperation;

/// An image model of the Gemini API: Imagen or a Gemini image model.
#[derive(Debug, Clone)]
pub struct GoogleImageModel {
    model_id: String,
    provider: String,
    connection: SharedConnection,
    /// `predict` (Imagen) or `generateContent` (Gemini), chosen by the model's family.
    operation: ModelOperation,
    /// The most images one call makes: the mapping's `[limits]` (Imagen's override).
    images_per_call: Option<usize>,
    /// An Imagen model (the mapping's `imagen` family), served by `predict`.
    imagen: bool,
}

impl GoogleImageModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection) -> Self {
        let shared = connection.as_deref().ok();
        let imagen = shared.is_some_and(|connection| connection.mapping.family_of(model_id) == Some(families::IMAGEN));
        let operation = if imagen {
            ModelOperation::new(shared, |operations| operations.image.as_ref(), "image", model_id)
        } else {
            ModelOperation::new(shared, |operations| operations.chat.as_ref(), "image output", model_id)
        };
        let provider = format!("{}.image", shared.map_or("google", |connection| connection.name.as_str()));
        let images_per_call = crate::provider_utils::model_limits(&connection, model_id).images_per_call;
        GoogleImageModel { model_id: model_id.to_owned(), provider, connection, operation, images_per_call, imagen }
    }

    /// Gemini image output: one call per image asked for is not made; the model answers what it
    /// answers (usually one image), and `n` above one is a warning.
    async fn generate_with_gemini(&self, options: &ImageOptions, google: GoogleImageOptions) -> Result<ImageResponse> {
        let connection = connection_for_call(&self.connection)?;
        let prompt = options.prompt.as_deref().ok_or_else(|| Error::invalid_argument("prompt", "an image prompt is required"))?;
        if !options.files.is_empty() || options.mask.is_some() {
            return Err(Error::unsupported("image editing", Some("Gemini image generation here takes a prompt only".to_owned())));
        }
        let mut warnings = Vec::new();
        if options.size.is_some() {
            warnings.push(Warning::unsupported("size", Some("Gemini image models take an aspect ratio".to_owned())));
        }
        if options.n > 1 {
            warnings.push(Warning::unsupported("n", Some("a Gemini image model answers one image per call".to_owned())));
        }
        if google.person_generation.is_some() {
            warnings.push(Warning::unsupported("personGeneration", Some("an Imagen option".to_owned())));
        }
        let image_config = (options.aspect_ratio.is_some() || google.image_size.is_some()).then(|| ImageConfig {
            aspect_ratio: options.aspect_ratio.clone(),
            image_size: google.image_size.clone(),
            extra: Map::new(),
        });
        let generation_config = GenerationConfig {
            response_modalities: vec![GenerationConfigResponseModalitiesItem::Text, GenerationConfigResponseModalitiesItem::Image],
            image_config,
            seed: options.seed.map(|seed| i32::try_from(seed).unwrap_or(i32::MAX)),
            ..Default::default()
        };
        let output = generate_inline(connection, &self.operation, &self.model_id, prompt, generation_config, &options.headers, &options.extra).await?;
        let images: Vec<GeneratedImage> = output
            .blobs
            .into_iter()
            .filter(|blob| blob.mime_type.starts_with("image/"))
            .map(|blob| GeneratedImage::new(FileData::Base64(blob.data), blob.mime_type))
            .collect();
        if images.is_empty() {
            let reason = output.finish.or_else(|| output.texts.first().cloned()).unwrap_or_else(|| "no image part".to_owned());
            return Err(Error::NoImageGenerated { provider: self.provider.clone(), message: format!("the response has no image ({reason})") });
        }
        let mut metadata = output.metadata;
        if !output.texts.is_empty() {
            metadata.insert("text".to_owned(), Value::String(output.texts.concat()));
        }
        let mut result = ImageResponse::new(images);
        result.provider_metadata = (!metadata.is_empty()).then(|| ProviderMetadata::new().with("google", Value::Object(metadata)));
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), Some(std::time::SystemTime::now()))
            .with_headers(output.headers)
            .with_body(output.body);
        result.warnings = warnings;
        Ok(result)
    }
}

#[async_trait]
impl ImageModel for GoogleImageModel {
    crate::provider::model_identity!(provider, model_id);

    fn max_images_per_call(&self) -> Option<usize> {
        self.images_per_call
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        let google: GoogleImageOptions = options.provider_options.parse("google")?.unwrap_or_default();
        if !self.imagen {
            return self.generate_with_gemini(options, google).await;
        }
        let connection = connection_for_call(&self.connection)?;
        let parameters = PredictParameters {
            person_generation: google.person_generation,
            sample_image_size: google.image_size,
            ..Default::default()
        };
        let caller = ImagenCaller { provider: &self.provider, metadata_key: "google", takes_seed: false, images_per_call: self.images_per_call };
        imagen_predict(connection, &self.operation, &self.model_id, caller, options, parameters).await
    }
}
