//! The image model: generations (`POST /images/generations`, JSON) and, when the call has input
//! images, edits (`POST /images/edits`, multipart, with an optional mask); base64 images back.

use std::time::SystemTime;

use async_trait::async_trait;
use reqwest::multipart::{Form, Part};
use serde_json::{Map, Value, json};
use specai_generated::mappings::takes_option;
use specai_generated::openai_compatible::types as api;

use crate::error::{Error, Result};
use crate::provider::{
    FileData, FilePart, GeneratedImage, ImageModel, ImageOptions, ImageResponse, ProviderMetadata, ResponseMetadata, Warning,
};

use super::openai_options::{OPENAI_PROVIDER_ID, OpenAiImageOptions};
use super::{SharedConfig, config_for_call, timestamp, wire_enum};

/// An image model. Built by [`OpenAiProvider::image`](super::OpenAiProvider::image).
#[derive(Clone)]
pub struct OpenAiImageModel {
    model_id: String,
    provider: String,
    url: String,
    edits_url: String,
    /// The most images one request makes: the mapping's `[limits]` for this model.
    images_per_call: Option<usize>,
    config: SharedConfig,
}

/// The URL redacted: a base URL may carry user info.
impl std::fmt::Debug for OpenAiImageModel {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        super::debug_model(formatter, "OpenAiImageModel", &self.model_id, &self.url, &self.config)
    }
}

impl OpenAiImageModel {
    pub(crate) fn new(model_id: String, config: SharedConfig) -> Self {
        let (provider, url) = super::model_endpoint(&config, "image", |operations| operations.image.as_ref(), &model_id);
        let (_, edits_url) = super::model_endpoint(&config, "image", |operations| operations.image_edit.as_ref(), &model_id);
        let images_per_call = crate::providers::openai_compatible::model_limits(&config, &model_id).images_per_call;
        OpenAiImageModel { model_id, provider, url, edits_url, images_per_call, config }
    }
}

/// The multipart form of an image edit: the request's fields as text parts, the input images
/// (`image`, or `image[]` for several) and the mask.
fn edit_form(request: api::CreateImageRequest, files: &[FilePart], mask: Option<&FilePart>) -> Result<Form> {
    let mut form = Form::new().text("prompt", request.prompt);
    // The other fields, as the JSON body would have them (model, n, size, quality...).
    let fields = serde_json::to_value(api::CreateImageRequest { prompt: String::new(), ..request })
        .map_err(|error| Error::invalid_argument("image request", error.to_string()))?;
    for (name, value) in fields.as_object().into_iter().flatten().filter(|(name, _)| name.as_str() != "prompt") {
        let text = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        form = form.text(name.clone(), text);
    }
    let field = if files.len() > 1 { "image[]" } else { "image" };
    for (index, file) in files.iter().enumerate() {
        form = form.part(field, file_part(file, &format!("image-{index}"))?);
    }
    if let Some(mask) = mask {
        form = form.part("mask", file_part(mask, "mask")?);
    }
    Ok(form)
}

/// One uploaded image.
fn file_part(file: &FilePart, stem: &str) -> Result<Part> {
    let bytes = file.data.to_bytes()?;
    let extension = match file.media_type.as_str() {
        "image/jpeg" | "image/jpg" => "jpg",
        "image/webp" => "webp",
        _ => "png",
    };
    let media_type = if file.media_type.contains('*') { "image/png" } else { file.media_type.as_str() };
    Part::stream_with_length(reqwest::Body::from(bytes.clone()), bytes.len() as u64)
        .file_name(file.filename.clone().unwrap_or_else(|| format!("{stem}.{extension}")))
        .mime_str(media_type)
        .map_err(|_| Error::invalid_argument("media_type", format!("`{}` is not a media type", file.media_type)))
}

/// An optional option as a generated enum.
fn option<T: serde::de::DeserializeOwned>(name: &str, value: &Option<String>) -> Result<Option<T>> {
    value.as_deref().map(|value| wire_enum(name, value)).transpose()
}

#[async_trait]
impl ImageModel for OpenAiImageModel {
    crate::provider::model_identity!(provider, model_id);

    fn max_images_per_call(&self) -> Option<usize> {
        self.images_per_call
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        let config = config_for_call(&self.config)?;
        let prompt = options.prompt.as_deref().ok_or_else(|| Error::invalid_argument("prompt", "an image prompt is required"))?;
        if options.mask.is_some() && options.files.is_empty() {
            return Err(Error::invalid_argument("mask", "a mask needs an input image"));
        }
        options.check_image_count(self.images_per_call)?;
        let mut warnings = Vec::new();
        if options.aspect_ratio.is_some() {
            warnings.push(Warning::unsupported("aspect_ratio", Some("use size instead".to_owned())));
        }
        if options.seed.is_some() {
            warnings.push(Warning::unsupported("seed", None));
        }
        let provider_options: OpenAiImageOptions = options.provider_options.parse(OPENAI_PROVIDER_ID)?.unwrap_or_default();
        let request = api::CreateImageRequest {
            model: Some(self.model_id.clone()),
            prompt: prompt.to_owned(),
            n: Some(i64::from(options.n.max(1))),
            size: options.size.clone(),
            quality: option("quality", &provider_options.quality)?,
            style: option("style", &provider_options.style)?,
            // Base64 where the model takes the choice: the mapping's rules name the models that
            // reject `response_format` (gpt-image, which answers base64 anyway).
            response_format: takes_option(config.mapping.model_option_rules, "response_format", "b64_json", &self.model_id)
                .then_some(api::CreateImageRequestResponseFormat::B64Json),
            background: option("background", &provider_options.background)?,
            output_format: option("output_format", &provider_options.output_format)?,
            output_compression: provider_options.output_compression.map(i64::from),
            moderation: option("moderation", &provider_options.moderation)?,
            user: provider_options.user.clone(),
            extra: Map::new(),
        };
        let response = if options.files.is_empty() {
            config.post_json(&self.url, request, &options.headers, &options.extra).await?
        } else {
            // Edits are a multipart upload of the same fields and the images (and mask).
            config.post_multipart(&self.edits_url, edit_form(request, &options.files, options.mask.as_ref())?, &options.headers, &options.extra).await?
        };
        let response = response.json::<api::ImagesResponse>().await?;
        let raw = response.raw_json();
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
            images.push(GeneratedImage::new(data, media_type));
            revised_prompts.push(image.revised_prompt.map(Value::String).unwrap_or(Value::Null));
        }
        let mut result = ImageResponse::new(images);
        result.warnings = warnings;
        if revised_prompts.iter().any(|prompt| !prompt.is_null()) {
            let images: Vec<Value> = revised_prompts.into_iter().map(|prompt| json!({"revised_prompt": prompt})).collect();
            result.provider_metadata = Some(ProviderMetadata::new().with(OPENAI_PROVIDER_ID, json!({"images": images})));
        }
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), timestamp(Some(response.value.created)).or(Some(SystemTime::now())))
            .with_headers(response.headers)
            .with_body(raw);
        Ok(result)
    }
}
