//! The image model: a generation started with the prompt, model, aspect ratio and references,
//! polled until completed, its image downloaded.

use async_trait::async_trait;
use serde_json::{Map, json};

use super::{LumaImageOptions, LumaReference, PROVIDER_ID, SharedConnection, wire};
use crate::error::{Error, Result};
use crate::provider::{FileData, GeneratedImage, ImageModel, ImageOptions, ImageResponse, ProviderMetadata, ResponseMetadata, Warning};
use crate::provider_utils::{Job, JobStatus, PollSettings, fetch_output, job_id_segment, job_operation_url, send_to_job, sniff_image_media_type};

/// A Luma image model. Built by [`LumaProvider::image`](super::LumaProvider::image).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// let model = specai::luma::create_luma(Default::default()).image("photon-1");
/// let result = specai::generate_image(model).prompt("A lighthouse at dawn").aspect_ratio("16:9").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct LumaImageModel {
    model_id: String,
    provider: String,
    connection: SharedConnection,
    poll: PollSettings,
}

impl LumaImageModel {
    pub(super) fn new(model_id: &str, connection: SharedConnection, poll: PollSettings) -> Self {
        LumaImageModel { model_id: model_id.to_owned(), provider: format!("{PROVIDER_ID}.image"), connection, poll }
    }
}

/// Where a generation stands: its image URL when completed (`None`: completed without one),
/// Luma's failure reason, or its state.
fn standing(generation: wire::Generation) -> JobStatus<Option<String>> {
    match generation.state {
        wire::GenerationState::Completed => JobStatus::Done(generation.assets.and_then(|assets| assets.image)),
        wire::GenerationState::Failed => JobStatus::Failed(generation.failure_reason.unwrap_or_else(|| "the generation failed".to_owned())),
        state => JobStatus::Pending(Some(state.to_string())),
    }
}

/// The call's input images (URLs only: Luma fetches references itself) as the references
/// `reference_type` names, added to the request.
fn add_file_references(request: &mut wire::ImageGenerationRequest, options: &ImageOptions, luma_options: &LumaImageOptions) -> Result<()> {
    let mut urls = Vec::with_capacity(options.files.len());
    for file in &options.files {
        match &file.data {
            FileData::Url(url) if !url.starts_with("data:") => urls.push(url.clone()),
            other => return Err(Error::unsupported("image file data", Some(format!("Luma takes reference images by URL, not as {}", other.kind())))),
        }
    }
    if urls.is_empty() {
        return Ok(());
    }
    let weight = luma_options.reference_weight;
    match luma_options.reference_type.as_deref().unwrap_or("image") {
        "image" => request.image_ref.extend(urls.into_iter().map(|url| LumaReference::new(url, weight.or(Some(0.85))).to_wire())),
        "style" => request.style_ref.extend(urls.into_iter().map(|url| LumaReference::new(url, weight.or(Some(0.8))).to_wire())),
        "modify_image" if urls.len() == 1 => request.modify_image_ref = LumaReference::new(urls.remove(0), weight.or(Some(1.0))).to_wire(),
        "modify_image" => return Err(Error::invalid_argument("files", "Luma modifies one image at a time")),
        other => return Err(Error::invalid_argument("provider_options.luma.referenceType", format!("`{other}` is not image, style or modify_image"))),
    }
    Ok(())
}

#[async_trait]
impl ImageModel for LumaImageModel {
    crate::provider::model_identity!(provider, model_id);

    /// The mapping's `[limits]`: one image per generation.
    fn max_images_per_call(&self) -> Option<usize> {
        crate::provider_utils::model_limits(&self.connection, &self.model_id).images_per_call
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        let connection = self.connection.as_ref().map_err(Clone::clone)?;
        let luma_options: LumaImageOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let prompt = options.prompt.clone().ok_or_else(|| Error::invalid_argument("prompt", "Luma needs a prompt"))?;
        if options.mask.is_some() {
            return Err(Error::unsupported("mask", Some("Luma edits images by prompt (modify_image), without masks".to_owned())));
        }
        let poll = self.poll.with_call_overrides(luma_options.poll_interval_millis, luma_options.poll_timeout_millis);
        let mut warnings = Vec::new();
        if options.size.is_some() {
            warnings.push(Warning::unsupported("size", Some("Luma takes an aspect ratio instead".to_owned())));
        }
        if options.seed.is_some() {
            warnings.push(Warning::unsupported("seed", None));
        }
        let mut request = wire::ImageGenerationRequest {
            prompt,
            model: Some(self.model_id.clone()),
            aspect_ratio: options.aspect_ratio.clone(),
            format: luma_options.format.clone(),
            image_ref: luma_options.image_ref.iter().map(LumaReference::to_wire).collect(),
            style_ref: luma_options.style_ref.iter().map(LumaReference::to_wire).collect(),
            character_ref: luma_options.character_ref.clone(),
            modify_image_ref: luma_options.modify_image_ref.as_ref().map(LumaReference::to_wire).unwrap_or_default(),
            callback_url: None,
            extra: Map::new(),
        };
        add_file_references(&mut request, options, &luma_options)?;
        let operations = connection.mapping.operations;
        let url = connection.operation_url(operations.image.as_ref(), "image", &self.model_id)?;
        let mut response = connection.post_json(url.as_str(), request, &options.headers, &options.extra).await?;
        let response_headers = std::mem::take(&mut response.headers);
        let generation = response.json::<wire::Generation>().await?.value;
        let id = job_id_segment(PROVIDER_ID, &generation.id)?;
        let image_url = match standing(generation) {
            JobStatus::Done(image_url) => image_url,
            JobStatus::Failed(message) => return Err(Error::JobFailed { provider: PROVIDER_ID.to_owned(), job_id: id, message }),
            JobStatus::Pending(_) => {
                let status_url = job_operation_url(connection, operations.status.as_ref(), "status", &self.model_id, &id, None)?;
                let (status_url, call_headers) = (status_url.as_str(), &options.headers);
                Job::new(PROVIDER_ID, &id)
                    .poll(&poll, || async move {
                        let response = send_to_job(connection, http::Method::GET, status_url, call_headers, None).await?;
                        Ok(standing(response.json::<wire::Generation>().await?.value))
                    })
                    .await?
            }
        };
        let image_url = image_url
            .ok_or_else(|| Error::NoImageGenerated { provider: self.provider.clone(), message: format!("generation {id} completed without an image") })?;
        let (bytes, media_type) = fetch_output(connection.client(), PROVIDER_ID, &image_url).await?;
        let media_type = media_type.filter(|media_type| media_type.starts_with("image/")).unwrap_or_else(|| sniff_image_media_type(&bytes).to_owned());
        let mut result = ImageResponse::new(vec![GeneratedImage::new(FileData::Bytes(bytes), media_type)]);
        result.warnings = warnings;
        result.provider_metadata = Some(ProviderMetadata::new().with(PROVIDER_ID, json!({"generationId": id})));
        result.response = ResponseMetadata::new(Some(id), Some(self.model_id.clone()), Some(std::time::SystemTime::now())).with_headers(response_headers);
        Ok(result)
    }
}
