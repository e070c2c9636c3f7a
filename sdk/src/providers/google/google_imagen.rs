//! Imagen over `predict` (`imagen-4.0-generate-001`, `imagen-3.0-generate-002`...): the one
//! engine for this wire, which the Gemini API (`google`) and Vertex (`vertex`) both serve; each
//! provider fills the vendor parameters from its own options and calls [`imagen_predict`].
//!
//! The wire types are Vertex's (`specs/vertex`, the spec that owns `predict`); the Google
//! mapping names the operation with `spec = "vertex"`.

use std::time::SystemTime;

use serde_json::{Value, json};
use specai_generated::vertex::types::{PredictInstance, PredictParameters, PredictRequest, PredictResponse};

use crate::error::{Error, Result};
use crate::provider::{FileData, GeneratedImage, ImageOptions, ImageResponse, ProviderMetadata, ResponseMetadata, Warning};
use crate::provider_utils::{MappedConnection, ModelOperation};

/// Who is calling Imagen: the provider id the errors name, the provider-metadata key, whether
/// the seed parameter is taken (Vertex's Imagen takes one, the Gemini API's does not), and the
/// most images one call returns (the caller's mapping's `[limits]`).
pub(crate) struct ImagenCaller<'a> {
    pub provider: &'a str,
    pub metadata_key: &'a str,
    pub takes_seed: bool,
    pub images_per_call: Option<usize>,
}

/// Generates images with `parameters` (the vendor's, from its options) completed from the call:
/// sample count, aspect ratio and, where taken, the seed.
pub(crate) async fn imagen_predict(
    connection: &MappedConnection,
    predict: &ModelOperation,
    model_id: &str,
    caller: ImagenCaller<'_>,
    options: &ImageOptions,
    mut parameters: PredictParameters,
) -> Result<ImageResponse> {
    let prompt = options.prompt.as_deref().ok_or_else(|| Error::invalid_argument("prompt", "an image prompt is required"))?;
    if !options.files.is_empty() || options.mask.is_some() {
        return Err(Error::unsupported("image editing", Some("Imagen generation takes a prompt only".to_owned())));
    }
    options.check_image_count(caller.images_per_call)?;
    let mut warnings = Vec::new();
    if options.size.is_some() {
        warnings.push(Warning::unsupported("size", Some("Imagen takes an aspect ratio (and an image size option)".to_owned())));
    }
    match options.seed {
        Some(seed) if caller.takes_seed => parameters.seed = Some(i64::try_from(seed).unwrap_or(i64::MAX)),
        Some(_) => warnings.push(Warning::unsupported("seed", Some("this Imagen endpoint takes no seed".to_owned()))),
        None => {}
    }
    parameters.sample_count = Some(i64::from(options.n.max(1)));
    parameters.aspect_ratio = options.aspect_ratio.clone();
    let body = PredictRequest {
        instances: vec![PredictInstance { prompt: Some(prompt.to_owned()), ..Default::default() }],
        parameters: Some(parameters),
        ..Default::default()
    };
    let headers = connection.headers(&options.headers)?;
    let response = connection
        .post_operation(predict, model_id, body, headers, &options.extra)
        .await?
        .json::<PredictResponse>()
        .await?;
    let mut images = Vec::new();
    let mut details = Vec::new();
    let mut filtered = Vec::new();
    let raw = response.raw_json();
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
        return Err(Error::NoImageGenerated {
            provider: caller.provider.to_owned(),
            message: format!("Imagen returned no images; filtered: {}", filtered.join("; ")),
        });
    }
    warnings.extend(filtered.into_iter().map(|reason| Warning::other(format!("an image was filtered: {reason}"))));
    let mut result = ImageResponse::new(images);
    result.warnings = warnings;
    if details.iter().any(|detail| !detail["revisedPrompt"].is_null()) {
        result.provider_metadata = Some(ProviderMetadata::new().with(caller.metadata_key, json!({"images": Value::Array(details)})));
    }
    result.response = ResponseMetadata::new(None, Some(model_id.to_owned()), Some(SystemTime::now())).with_headers(response.headers).with_body(raw);
    Ok(result)
}
