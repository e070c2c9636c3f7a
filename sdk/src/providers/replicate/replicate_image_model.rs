//! The image model: prompt, aspect ratio, size, seed, count and input images as the model's
//! input; the output file URLs (one or a list) downloaded.

use async_trait::async_trait;
use http::{HeaderValue, header::HeaderName};
use serde_json::{Map, Value, json};

use super::replicate_prediction::run_prediction;
use super::{PROVIDER_ID, ReplicateImageOptions, SharedConnection};
use crate::error::{Error, Result};
use crate::provider::{FileData, GeneratedImage, ImageModel, ImageOptions, ImageResponse, ProviderMetadata, ResponseMetadata, Warning};
use crate::provider_utils::{PollSettings, fetch_output, sniff_image_media_type};

/// A Replicate image model. Built by [`ReplicateProvider::image`](super::ReplicateProvider::image).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// let model = specai::replicate::create_replicate(Default::default()).image("black-forest-labs/flux-schnell");
/// let result = specai::generate_image(model).prompt("A red kite").aspect_ratio("3:2").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ReplicateImageModel {
    model_id: String,
    provider: String,
    connection: SharedConnection,
    poll: PollSettings,
}

impl ReplicateImageModel {
    pub(super) fn new(model_id: &str, connection: SharedConnection, poll: PollSettings) -> Self {
        ReplicateImageModel { model_id: model_id.to_owned(), provider: format!("{PROVIDER_ID}.image"), connection, poll }
    }
}

/// The file URLs of an image model's output: one URL, or a list of them.
fn output_urls(output: Option<&Value>) -> Vec<&str> {
    match output {
        Some(Value::String(url)) => vec![url.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[async_trait]
impl ImageModel for ReplicateImageModel {
    crate::provider::model_identity!(provider, model_id);

    /// The mapping's `[limits]`: one image per prediction (`num_outputs` is not an input of
    /// every model).
    fn max_images_per_call(&self) -> Option<usize> {
        crate::provider_utils::model_limits(&self.connection, &self.model_id).images_per_call
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        let connection = self.connection.as_ref().map_err(Clone::clone)?;
        let replicate_options: ReplicateImageOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let mut warnings = Vec::new();
        let mut input = Map::new();
        let fields = [
            ("prompt", options.prompt.clone().map(Value::from)),
            ("aspect_ratio", options.aspect_ratio.clone().map(Value::from)),
            ("size", options.size.clone().map(Value::from)),
            ("seed", options.seed.map(Value::from)),
            ("num_outputs", Some(Value::from(options.n.max(1)))),
            ("image", options.files.first().map(|file| Value::from(file.data.to_data_url(&file.media_type)))),
            ("mask", options.mask.as_ref().map(|mask| Value::from(mask.data.to_data_url(&mask.media_type)))),
            ("output_format", replicate_options.output_format.clone().map(Value::from)),
            ("output_quality", replicate_options.output_quality.map(Value::from)),
            ("negative_prompt", replicate_options.negative_prompt.clone().map(Value::from)),
            ("num_inference_steps", replicate_options.num_inference_steps.map(Value::from)),
            ("guidance", replicate_options.guidance.map(Value::from)),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                input.insert(name.to_owned(), value);
            }
        }
        input.extend(replicate_options.input.clone());
        if options.files.len() > 1 {
            warnings.push(Warning::unsupported("files", Some("Replicate image models take one input image; the first is sent".to_owned())));
        }
        let poll = self.poll.with_call_overrides(replicate_options.poll_interval_millis, replicate_options.poll_timeout_millis);
        let mut headers = options.headers.clone();
        if let Some(seconds) = replicate_options.max_wait_time_in_seconds {
            headers.insert(HeaderName::from_static("prefer"), HeaderValue::from_str(&format!("wait={seconds}")).expect("digits are a header value"));
        }
        let (prediction, response_headers) = run_prediction(connection, &poll, &self.model_id, input, &headers, &options.extra).await?;
        let urls = output_urls(prediction.output.as_ref());
        if urls.is_empty() {
            return Err(Error::NoImageGenerated { provider: self.provider.clone(), message: format!("prediction {} succeeded without an output file", prediction.id) });
        }
        let mut images = Vec::with_capacity(urls.len());
        for url in urls {
            let (bytes, media_type) = fetch_output(connection.client(), PROVIDER_ID, url).await?;
            let media_type = media_type.filter(|media_type| media_type.starts_with("image/")).unwrap_or_else(|| sniff_image_media_type(&bytes).to_owned());
            images.push(GeneratedImage::new(FileData::Bytes(bytes), media_type));
        }
        let mut metadata = json!({"predictionId": prediction.id});
        if let Some(version) = &prediction.version {
            metadata["version"] = json!(version);
        }
        if let Some(predict_time) = prediction.metrics.as_ref().and_then(|metrics| metrics.predict_time) {
            metadata["predictTime"] = json!(predict_time);
        }
        let mut result = ImageResponse::new(images);
        result.warnings = warnings;
        result.provider_metadata = Some(ProviderMetadata::new().with(PROVIDER_ID, metadata));
        result.response = ResponseMetadata::new(Some(prediction.id), Some(self.model_id.clone()), Some(std::time::SystemTime::now())).with_headers(response_headers);
        Ok(result)
    }
}
