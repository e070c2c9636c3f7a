//! The image model: one request answering the image's bytes (FLUX workflows, SDXL-family
//! `image_generation` models), or a FLUX Kontext request queued, polled until `Ready`, and its
//! image downloaded.
//!
//! What each endpoint takes follows `@ai-sdk/fireworks`: the workflows and Kontext take an aspect
//! ratio and no size; the `image_generation` models a size and no aspect ratio; only Kontext
//! takes an input image. Anything else the call sets is a [`Warning::Unsupported`], not sent.

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};
use serde_json::{Map, Value, json};
use specai_generated::mappings::{ProviderMapping, families};

use super::{FireworksImageOptions, PROVIDER_ID, SharedConnection, wire};
use crate::error::{Error, Result};
use crate::provider::{ExtraRequest, FileData, GeneratedImage, ImageModel, ImageOptions, ImageResponse, ProviderMetadata, ResponseMetadata, Warning};
use crate::provider_utils::{Job, JobStatus, MappedConnection, PollSettings, fetch_output, send_to_job, sniff_image_media_type};

/// A Fireworks image model. Built by [`FireworksProvider::image`](super::FireworksProvider::image).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// let model = specai::fireworks::create_fireworks(Default::default()).image("accounts/fireworks/models/flux-kontext-pro");
/// let result = specai::generate_image(model).prompt("A lighthouse at dawn").aspect_ratio("16:9").seed(7).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FireworksImageModel {
    model_id: String,
    provider: String,
    connection: SharedConnection,
    poll: PollSettings,
}

/// Which endpoint serves a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    /// `workflows/{model}/text_to_image`: image bytes; aspect ratio, no size.
    Workflow,
    /// `image_generation/{model}`: image bytes; size, no aspect ratio.
    ImageGeneration,
    /// `workflows/{model}` then `get_result`: queued; aspect ratio and an input image.
    Kontext,
}

impl Endpoint {
    /// The endpoint of a model by its family in the mapping (`kontext`, `image_generation`),
    /// matched on the id's last path segment; other models: the workflow, as `@ai-sdk/fireworks`
    /// decides it.
    fn of(mapping: &ProviderMapping, model_id: &str) -> Endpoint {
        match mapping.family_of(model_id.rsplit('/').next().unwrap_or(model_id)) {
            Some(families::KONTEXT) => Endpoint::Kontext,
            Some(families::IMAGE_GENERATION) => Endpoint::ImageGeneration,
            _ => Endpoint::Workflow,
        }
    }
}

impl FireworksImageModel {
    pub(super) fn new(model_id: &str, connection: SharedConnection, poll: PollSettings) -> Self {
        FireworksImageModel { model_id: model_id.to_owned(), provider: format!("{PROVIDER_ID}.image"), connection, poll }
    }

    fn no_image(&self, message: String) -> Error {
        Error::NoImageGenerated { provider: self.provider.clone(), message }
    }
}

/// `(width, height)` of a `<width>x<height>` size.
fn parse_size(size: &str) -> Result<(i64, i64)> {
    size.split_once('x')
        .and_then(|(width, height)| Some((width.trim().parse().ok()?, height.trim().parse().ok()?)))
        .ok_or_else(|| Error::invalid_argument("size", format!("`{size}` is not `<width>x<height>`")))
}

/// The `Accept` header of an output format (`jpeg` or `png`) for the endpoints answering bytes.
fn accept_of(output_format: Option<&str>) -> Result<HeaderValue> {
    match output_format {
        None | Some("jpeg" | "jpg") => Ok(HeaderValue::from_static("image/jpeg")),
        Some("png") => Ok(HeaderValue::from_static("image/png")),
        Some(other) => Err(Error::invalid_argument("provider_options.fireworks.output_format", format!("`{other}` is not jpeg or png"))),
    }
}

/// Warns that each named option set in the call is not taken by this model's endpoint.
fn warn_unused(warnings: &mut Vec<Warning>, model_id: &str, options: &[(&str, bool)]) {
    for (name, set) in options {
        if *set {
            warnings.push(Warning::unsupported(format!("providerOptions.fireworks.{name}"), Some(format!("{model_id} does not take it"))));
        }
    }
}

/// Where a Kontext request stands: its image URL when `Ready` (`None`: ready without one), a
/// failure, or still pending.
fn standing(result: wire::WorkflowResult) -> JobStatus<Option<String>> {
    match result.status.as_str() {
        "Ready" => JobStatus::Done(result.result.and_then(|result| result.sample)),
        "Error" | "Failed" | "Request Moderated" | "Content Moderated" => JobStatus::Failed(format!("the request ended as `{}`", result.status)),
        _ => JobStatus::Pending(Some(result.status)),
    }
}

#[async_trait]
impl ImageModel for FireworksImageModel {
    crate::provider::model_identity!(provider, model_id);

    /// The mapping's `[limits]`: one image per request.
    fn max_images_per_call(&self) -> Option<usize> {
        crate::provider_utils::model_limits(&self.connection, &self.model_id).images_per_call
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        let connection = self.connection.as_ref().map_err(Clone::clone)?;
        let fireworks_options: FireworksImageOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let prompt = options.prompt.clone().ok_or_else(|| Error::invalid_argument("prompt", "Fireworks image models need a prompt"))?;
        let endpoint = Endpoint::of(&connection.mapping, &self.model_id);
        // The full id, as Fireworks' paths carry it (the mapping's `model_namespace`).
        let model_id = connection.mapping.full_model_id(&self.model_id);
        let mut warnings = Vec::new();
        if options.size.is_some() && endpoint != Endpoint::ImageGeneration {
            warnings.push(Warning::unsupported("size", Some(format!("{model_id} takes an aspect ratio instead"))));
        }
        if options.aspect_ratio.is_some() && endpoint == Endpoint::ImageGeneration {
            warnings.push(Warning::unsupported("aspect_ratio", Some(format!("{model_id} takes a size instead"))));
        }
        if options.mask.is_some() {
            warnings.push(Warning::unsupported("mask", Some("Fireworks edits by prompt (Kontext), without masks".to_owned())));
        }
        if options.n > 1 {
            warnings.push(Warning::unsupported("n", Some("Fireworks answers one image per request".to_owned())));
        }
        match (endpoint, options.files.len()) {
            (_, 0) => {}
            (Endpoint::Kontext, 1) => {}
            (Endpoint::Kontext, _) => warnings.push(Warning::unsupported("files", Some("Kontext takes one input image; the first is sent".to_owned()))),
            _ => warnings.push(Warning::unsupported("files", Some(format!("{model_id} takes no input image; only the Kontext models edit")))),
        }
        let seed = options.seed.map(|seed| seed as i64);
        let options_used = |names: &[&str]| -> Vec<(&'static str, bool)> {
            let set = [
                ("guidance_scale", fireworks_options.guidance_scale.is_some()),
                ("num_inference_steps", fireworks_options.num_inference_steps.is_some()),
                ("webhook_url", fireworks_options.webhook_url.is_some()),
                ("webhook_secret", fireworks_options.webhook_secret.is_some()),
                ("prompt_upsampling", fireworks_options.prompt_upsampling.is_some()),
                ("safety_tolerance", fireworks_options.safety_tolerance.is_some()),
                ("cfg_scale", fireworks_options.cfg_scale.is_some()),
                ("steps", fireworks_options.steps.is_some()),
                ("negative_prompt", fireworks_options.negative_prompt.is_some()),
                ("pollIntervalMillis", fireworks_options.poll_interval_millis.is_some()),
                ("pollTimeoutMillis", fireworks_options.poll_timeout_millis.is_some()),
            ];
            set.into_iter().filter(|(name, _)| !names.contains(name)).collect()
        };
        let operations = connection.mapping.operations;
        if endpoint == Endpoint::Kontext {
            warn_unused(&mut warnings, &model_id, &options_used(&["webhook_url", "webhook_secret", "prompt_upsampling", "safety_tolerance", "pollIntervalMillis", "pollTimeoutMillis"]));
            let request = wire::KontextRequest {
                prompt,
                input_image: options.files.first().map(|file| file.data.to_data_url(&file.media_type)),
                seed,
                aspect_ratio: options.aspect_ratio.clone(),
                output_format: fireworks_options.output_format.clone(),
                webhook_url: fireworks_options.webhook_url.clone(),
                webhook_secret: fireworks_options.webhook_secret.clone(),
                prompt_upsampling: fireworks_options.prompt_upsampling,
                safety_tolerance: fireworks_options.safety_tolerance.map(i64::from),
                extra: Map::new(),
            };
            let poll = self.poll.with_call_overrides(fireworks_options.poll_interval_millis, fireworks_options.poll_timeout_millis);
            let (image_url, request_id) = self.run_kontext(connection, &poll, &model_id, &request, &options.headers, &options.extra).await?;
            let (bytes, media_type) = fetch_output(connection.client(), PROVIDER_ID, &image_url).await?;
            let media_type = media_type.filter(|media_type| media_type.starts_with("image/")).unwrap_or_else(|| sniff_image_media_type(&bytes).to_owned());
            let mut result = ImageResponse::new(vec![GeneratedImage::new(FileData::Bytes(bytes), media_type)]);
            result.warnings = warnings;
            result.provider_metadata = Some(ProviderMetadata::new().with(PROVIDER_ID, json!({"requestId": request_id})));
            result.response = ResponseMetadata::new(Some(request_id), Some(self.model_id.clone()), Some(std::time::SystemTime::now()));
            return Ok(result);
        }
        let mut headers = options.headers.clone();
        headers.insert(http::header::ACCEPT, accept_of(fireworks_options.output_format.as_deref())?);
        let (url, body) = if endpoint == Endpoint::Workflow {
            warn_unused(&mut warnings, &model_id, &options_used(&["guidance_scale", "num_inference_steps"]));
            let request = wire::TextToImageRequest {
                prompt,
                aspect_ratio: options.aspect_ratio.clone(),
                guidance_scale: fireworks_options.guidance_scale,
                num_inference_steps: fireworks_options.num_inference_steps.map(i64::from),
                seed,
                extra: Map::new(),
            };
            (connection.operation_url(operations.image_workflow.as_ref(), "image_workflow", &model_id)?, serde_json::to_value(request))
        } else {
            warn_unused(&mut warnings, &model_id, &options_used(&["cfg_scale", "steps", "negative_prompt"]));
            let (width, height) = options.size.as_deref().map(parse_size).transpose()?.unzip();
            let request = wire::ImageGenerationRequest {
                prompt,
                negative_prompt: fireworks_options.negative_prompt.clone(),
                width,
                height,
                cfg_scale: fireworks_options.cfg_scale,
                steps: fireworks_options.steps.map(i64::from),
                samples: Some(1),
                seed,
                ..Default::default()
            };
            (connection.operation_url(operations.image_generation.as_ref(), "image_generation", &model_id)?, serde_json::to_value(request))
        };
        let body = body.map_err(|error| Error::invalid_argument("options", error.to_string()))?;
        let mut response = connection.post_json(url.as_str(), body, &headers, &options.extra).await?;
        let response_headers = std::mem::take(&mut response.headers);
        let bytes = response.bytes().await?;
        let declared = response_headers.get(http::header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).map(|value| value.split(';').next().unwrap_or(value).trim().to_owned());
        let media_type = match declared.filter(|media_type| media_type.starts_with("image/")) {
            Some(media_type) if !bytes.is_empty() => media_type,
            _ => match sniff_image_media_type(&bytes) {
                "application/octet-stream" => return Err(self.no_image(format!("{model_id} answered {} bytes that are not an image", bytes.len()))),
                sniffed => sniffed.to_owned(),
            },
        };
        let mut metadata = Map::new();
        for (header, key) in [("seed", "seed"), ("finish-reason", "finishReason")] {
            if let Some(value) = response_headers.get(header).and_then(|value| value.to_str().ok()) {
                metadata.insert(key.to_owned(), value.parse::<u64>().map(Value::from).unwrap_or_else(|_| Value::from(value)));
            }
        }
        let mut result = ImageResponse::new(vec![GeneratedImage::new(FileData::Bytes(bytes), media_type)]);
        result.warnings = warnings;
        result.provider_metadata = Some(ProviderMetadata::new().with(PROVIDER_ID, Value::Object(metadata)));
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), Some(std::time::SystemTime::now())).with_headers(response_headers);
        Ok(result)
    }
}

impl FireworksImageModel {
    /// Queues a Kontext request and polls it until `Ready`: its image URL and request id.
    async fn run_kontext(
        &self,
        connection: &MappedConnection,
        poll: &PollSettings,
        model_id: &str,
        request: &wire::KontextRequest,
        call_headers: &HeaderMap,
        extra: &ExtraRequest,
    ) -> Result<(String, String)> {
        let operations = connection.mapping.operations;
        let submit_url = connection.operation_url(operations.submit.as_ref(), "submit", model_id)?;
        let submission = connection.post_json(submit_url.as_str(), request, call_headers, extra).await?.json::<wire::WorkflowSubmission>().await?.value;
        let request_id = submission.request_id;
        if request_id.is_empty() {
            return Err(Error::invalid_response("Fireworks answered without a request id", None, None));
        }
        let status_url = connection.operation_url(operations.status.as_ref(), "status", model_id)?;
        let poll_body = Bytes::from(serde_json::to_vec(&wire::WorkflowResultRequest { id: request_id.clone(), extra: Map::new() }).expect("a string serializes"));
        // Fireworks documents no cancel request: an abandoned request runs to its end.
        let (status_url, poll_body) = (status_url.as_str(), &poll_body);
        let image_url = Job::new(PROVIDER_ID, &request_id)
            .poll(poll, || async move {
                let body = Some((poll_body.clone(), "application/json"));
                let response = send_to_job(connection, Method::POST, status_url, call_headers, body).await?;
                Ok(standing(response.json::<wire::WorkflowResult>().await?.value))
            })
            .await?;
        let image_url = image_url.ok_or_else(|| self.no_image(format!("request {request_id} is Ready without result.sample")))?;
        Ok((image_url, request_id))
    }
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn models_go_to_their_familys_endpoint() {
        let mapping = &specai_generated::mappings::FIREWORKS;
        assert_eq!(Endpoint::of(mapping, "accounts/fireworks/models/flux-1-dev-fp8"), Endpoint::Workflow);
        assert_eq!(Endpoint::of(mapping, "flux-1-schnell-fp8"), Endpoint::Workflow);
        assert_eq!(Endpoint::of(mapping, "accounts/fireworks/models/flux-kontext-max"), Endpoint::Kontext);
        assert_eq!(Endpoint::of(mapping, "accounts/fireworks/models/SSD-1B"), Endpoint::ImageGeneration);
        assert_eq!(Endpoint::of(mapping, "stable-diffusion-xl-1024-v1-0"), Endpoint::ImageGeneration);
        assert_eq!(parse_size("1024x768").unwrap(), (1024, 768));
        assert!(parse_size("big").is_err());
        assert!(accept_of(Some("gif")).is_err());
    }
}
