//! The image model: the model's input (prompt, size, count, seed, input images) queued, the
//! images of its output downloaded.

use async_trait::async_trait;
use serde_json::{Map, Value, json};

use super::fal_queue::{CallAdditions, fetch_file, run_queued};
use super::{FalImageOptions, PROVIDER_ID, SharedConnection, connection_for_call, wire};
use crate::error::{Error, Result};
use crate::provider::{FileData, GeneratedImage, ImageModel, ImageOptions, ImageResponse, ProviderMetadata, ResponseMetadata, Warning};
use crate::provider_utils::{PollSettings, sniff_image_media_type};

/// A FAL image model. Built by [`FalProvider::image`](super::FalProvider::image).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// let model = specai::fal::create_fal(Default::default()).image("fal-ai/flux/dev");
/// let result = specai::generate_image(model).prompt("A lighthouse").aspect_ratio("16:9").seed(7).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FalImageModel {
    model_id: String,
    provider: String,
    connection: SharedConnection,
    poll: PollSettings,
}

impl FalImageModel {
    pub(super) fn new(model_id: &str, connection: SharedConnection, poll: PollSettings) -> Self {
        FalImageModel { model_id: model_id.to_owned(), provider: format!("{PROVIDER_ID}.image"), connection, poll }
    }
}

/// FAL's `image_size` of an aspect ratio: its presets where there is one, else a size.
fn image_size_of_aspect_ratio(aspect_ratio: &str) -> Option<Value> {
    Some(match aspect_ratio {
        "1:1" => json!("square_hd"),
        "16:9" => json!("landscape_16_9"),
        "9:16" => json!("portrait_16_9"),
        "4:3" => json!("landscape_4_3"),
        "3:4" => json!("portrait_4_3"),
        "16:10" => json!({"width": 1280, "height": 800}),
        "10:16" => json!({"width": 800, "height": 1280}),
        "21:9" => json!({"width": 2560, "height": 1080}),
        "9:21" => json!({"width": 1080, "height": 2560}),
        _ => return None,
    })
}

/// `{width, height}` of a `<width>x<height>` size.
fn image_size_of_size(size: &str) -> Result<Value> {
    let parsed = size.split_once('x').and_then(|(width, height)| Some((width.trim().parse::<u32>().ok()?, height.trim().parse::<u32>().ok()?)));
    let (width, height) = parsed.ok_or_else(|| Error::invalid_argument("size", format!("`{size}` is not `<width>x<height>`")))?;
    Ok(json!({"width": width, "height": height}))
}

#[async_trait]
impl ImageModel for FalImageModel {
    crate::provider::model_identity!(provider, model_id);

    /// The mapping's `[limits]`: one image per request (every FAL image model takes
    /// `num_images: 1`).
    fn max_images_per_call(&self) -> Option<usize> {
        crate::provider_utils::model_limits(&self.connection, &self.model_id).images_per_call
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        let connection = connection_for_call(&self.connection)?;
        let fal_options: FalImageOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let mut warnings = Vec::new();
        let image_size = match (&options.size, &options.aspect_ratio) {
            (Some(size), aspect_ratio) => {
                if aspect_ratio.is_some() {
                    warnings.push(Warning::unsupported("aspect_ratio", Some("size is given; the aspect ratio is not sent".to_owned())));
                }
                Some(image_size_of_size(size)?)
            }
            (None, Some(aspect_ratio)) => {
                let size = image_size_of_aspect_ratio(aspect_ratio);
                if size.is_none() {
                    warnings.push(Warning::unsupported("aspect_ratio", Some(format!("FAL has no image size for `{aspect_ratio}`"))));
                }
                size
            }
            (None, None) => None,
        };
        let use_multiple_images = fal_options.use_multiple_images == Some(true);
        let mut image_urls: Vec<String> = options.files.iter().map(|file| file.data.to_data_url(&file.media_type)).collect();
        if image_urls.len() > 1 && !use_multiple_images {
            warnings.push(Warning::unsupported("files", Some("only the first input image is sent; set useMultipleImages for models taking several".to_owned())));
            image_urls.truncate(1);
        }
        let mut extra = fal_options.input.clone();
        let typed = [
            ("guidance_scale", fal_options.guidance_scale.map(Value::from)),
            ("num_inference_steps", fal_options.num_inference_steps.map(Value::from)),
            ("enable_safety_checker", fal_options.enable_safety_checker.map(Value::from)),
            ("output_format", fal_options.output_format.clone().map(Value::from)),
            ("sync_mode", fal_options.sync_mode.map(Value::from)),
            ("strength", fal_options.strength.map(Value::from)),
            ("acceleration", fal_options.acceleration.clone().map(Value::from)),
            ("safety_tolerance", fal_options.safety_tolerance.clone()),
            ("negative_prompt", fal_options.negative_prompt.clone().map(Value::from)),
        ];
        for (name, value) in typed {
            if let Some(value) = value {
                extra.insert(name.to_owned(), value);
            }
        }
        let request = wire::ImageInput {
            prompt: options.prompt.clone(),
            image_size,
            num_images: Some(i64::from(options.n.max(1))),
            seed: options.seed.map(|seed| seed as i64),
            image_url: if use_multiple_images { None } else { image_urls.pop() },
            image_urls: if use_multiple_images { image_urls } else { Vec::new() },
            mask_url: options.mask.as_ref().map(|mask| mask.data.to_data_url(&mask.media_type)),
            extra,
        };
        let poll = self.poll.with_call_overrides(fal_options.poll_interval_millis, fal_options.poll_timeout_millis);
        let operation = connection.mapping.operations.image;
        let outcome = run_queued::<_, wire::ImageOutput>(connection, &poll, operation.as_ref(), "image", &self.model_id, &request, CallAdditions { headers: &options.headers, extra: &options.extra }).await?;
        let output = outcome.output;
        let files: Vec<wire::File> = if output.images.is_empty() { output.image.into_iter().collect() } else { output.images };
        if files.is_empty() {
            return Err(Error::NoImageGenerated { provider: self.provider.clone(), message: format!("request {} completed without images", outcome.request_id) });
        }
        let mut images = Vec::with_capacity(files.len());
        let mut image_metadata = Vec::with_capacity(files.len());
        for (index, file) in files.iter().enumerate() {
            let (bytes, media_type) = fetch_file(connection, file).await?;
            let media_type = media_type.filter(|media_type| media_type.starts_with("image/")).unwrap_or_else(|| sniff_image_media_type(&bytes).to_owned());
            let mut metadata = Map::new();
            for (name, value) in [
                ("width", file.width.map(Value::from)),
                ("height", file.height.map(Value::from)),
                ("contentType", file.content_type.clone().map(Value::from)),
                ("fileName", file.file_name.clone().map(Value::from)),
                ("fileSize", file.file_size.map(Value::from)),
                ("nsfw", output.has_nsfw_concepts.get(index).or(output.nsfw_content_detected.get(index)).copied().map(Value::from)),
            ] {
                if let Some(value) = value {
                    metadata.insert(name.to_owned(), value);
                }
            }
            image_metadata.push(Value::Object(metadata));
            images.push(GeneratedImage::new(FileData::Bytes(bytes), media_type));
        }
        let mut metadata = json!({"requestId": outcome.request_id, "images": image_metadata});
        if let Some(seed) = output.seed {
            metadata["seed"] = json!(seed);
        }
        if !output.timings.is_empty() {
            metadata["timings"] = Value::Object(output.timings);
        }
        let mut result = ImageResponse::new(images);
        result.warnings = warnings;
        result.provider_metadata = Some(ProviderMetadata::new().with(PROVIDER_ID, metadata));
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), Some(std::time::SystemTime::now())).with_headers(outcome.headers);
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_aspect_ratios_become_fal_image_sizes() {
        assert_eq!(image_size_of_size("1024x768").unwrap(), json!({"width": 1024, "height": 768}));
        assert!(matches!(image_size_of_size("big"), Err(Error::InvalidArgument { .. })));
        assert_eq!(image_size_of_aspect_ratio("16:9"), Some(json!("landscape_16_9")));
        assert_eq!(image_size_of_aspect_ratio("21:9"), Some(json!({"width": 2560, "height": 1080})));
        assert_eq!(image_size_of_aspect_ratio("5:4"), None);
    }
}
