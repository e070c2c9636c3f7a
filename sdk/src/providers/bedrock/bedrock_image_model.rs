//! Image generation over InvokeModel: Nova Canvas and Titan image generator, which share the
//! `TEXT_IMAGE` task body (`textToImageParams`, `imageGenerationConfig`) and answer with
//! base64 PNG images. The Smithy model types InvokeModel's body as a blob: the shapes here are
//! written from the models' documented format.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::bedrock_api::bedrock_model;
use super::bedrock_options::{BedrockImageOptions, PROVIDER_KEY};
use crate::error::{Error, Result};
use crate::provider::{
    FileData, GeneratedImage, ImageModel, ImageOptions, ImageResponse, ResponseMetadata, Warning,
};

bedrock_model! {
    /// A Bedrock image model.
    pub struct BedrockImageModel;
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ImageRequest<'a> {
    task_type: &'static str,
    text_to_image_params: TextToImageParams<'a>,
    image_generation_config: GenerationConfig<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TextToImageParams<'a> {
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    negative_text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    style: Option<&'a str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GenerationConfig<'a> {
    number_of_images: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quality: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cfg_scale: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct ImageAnswer {
    #[serde(default)]
    images: Vec<String>,
    /// Set when the images were blocked (content moderation).
    error: Option<String>,
}

/// `1024x768` -> (1024, 768).
fn parse_size(size: &str) -> Result<(u32, u32)> {
    let invalid = || Error::invalid_argument("size", format!("`{size}` is not WIDTHxHEIGHT"));
    let (width, height) = size.split_once('x').ok_or_else(invalid)?;
    Ok((
        width.trim().parse().map_err(|_| invalid())?,
        height.trim().parse().map_err(|_| invalid())?,
    ))
}

#[async_trait]
impl ImageModel for BedrockImageModel {
    crate::provider::model_identity!(provider, model_id);

    fn max_images_per_call(&self) -> Option<usize> {
        let connection = self.connection.as_deref().ok()?;
        connection.mapping().limits_for(&self.model_id).images_per_call
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        let connection = self.connection.clone()?;
        let bedrock: BedrockImageOptions = options
            .provider_options
            .parse(PROVIDER_KEY)?
            .unwrap_or_default();
        let mut warnings = Vec::new();
        if options.aspect_ratio.is_some() {
            warnings.push(Warning::unsupported(
                "aspect_ratio",
                Some("Bedrock image models take a size (width and height)".to_owned()),
            ));
        }
        if !options.files.is_empty() || options.mask.is_some() {
            return Err(Error::unsupported(
                "image editing",
                Some("this Bedrock image model generates from text only".to_owned()),
            ));
        }
        let prompt = options.prompt.as_deref().ok_or_else(|| {
            Error::invalid_argument("prompt", "Bedrock image models need a text prompt")
        })?;
        let (width, height) = options.size.as_deref().map(parse_size).transpose()?.unzip();
        let body = ImageRequest {
            task_type: "TEXT_IMAGE",
            text_to_image_params: TextToImageParams {
                text: prompt,
                negative_text: bedrock.negative_text.as_deref(),
                style: bedrock.style.as_deref(),
            },
            image_generation_config: GenerationConfig {
                number_of_images: options.n.max(1),
                width,
                height,
                quality: bedrock.quality.as_deref(),
                cfg_scale: bedrock.cfg_scale,
                seed: options.seed,
            },
        };
        let url = connection.url(
            connection.mapping().operations.image.as_ref(),
            "image",
            &self.model_id,
        )?;
        let answer = connection
            .post_json(&url, body, &options.headers, &options.extra, "application/json")
            .await?
            .json::<ImageAnswer>()
            .await?;
        if let Some(error) = &answer.value.error {
            return Err(Error::invalid_response(
                format!("Bedrock returned no images: {error}"),
                Some(String::from_utf8_lossy(&answer.raw_body).into_owned()),
                None,
            ));
        }
        let raw = answer.raw_json();
        let images = answer
            .value
            .images
            .iter()
            .map(|image| GeneratedImage::new(FileData::Base64(image.clone()), "image/png"))
            .collect();
        let mut response = ImageResponse::new(images);
        response.warnings = warnings;
        response.response = ResponseMetadata::new(None, Some(self.model_id.clone()), None)
            .with_headers(answer.headers)
            .with_body(raw);
        Ok(response)
    }
}
