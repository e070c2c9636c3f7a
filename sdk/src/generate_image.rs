//! Image generation: `generate_image(model).prompt("...").n(4).await`.
//!
//! `n` is split into calls of at most the model's per-call limit (or the builder's override),
//! which run concurrently; the images come back in call order. Each call is retried on its own.

use std::sync::Arc;

use futures::future::try_join_all;

use crate::error::{Error, Result};
use crate::into_model::IntoModel;
use crate::provider::{FilePart, GeneratedImage, ImageModel, ImageOptions, ProviderMetadata, ResponseMetadata, Warning};
use crate::telemetry::attributes::operation;
use crate::telemetry::spans::ModelCall;
use crate::option_setters::option_setters;
use crate::request_settings::{RequestSettings, into_future_runs, request_settings_methods};

/// Generates (or edits) images.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::MockImageModel;
///
/// let model = MockImageModel::new();
/// let result = specai::generate_image(model.clone()).prompt("a lighthouse at dusk").n(2).size("1024x1024").await?;
/// assert_eq!(result.images.len(), 2);
/// assert_eq!(model.calls()[0].size.as_deref(), Some("1024x1024"));
/// # Ok(()) }
/// ```
pub fn generate_image(model: impl IntoModel<dyn ImageModel>) -> GenerateImage {
    GenerateImage {
        model: model.into_model(),
        options: {
            let mut options = ImageOptions::default();
            options.n = 1;
            options
        },
        max_images_per_call: None,
        settings: RequestSettings::default(),
        error: None,
    }
}

/// The builder of [`generate_image`]; await it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::MockImageModel;
///
/// // Five images in calls of at most two (the model's own limit is overridden), run concurrently.
/// let model = MockImageModel::new();
/// let result = specai::generate_image(model.clone())
///     .prompt("a lighthouse at dusk")
///     .n(5)
///     .aspect_ratio("16:9")
///     .max_images_per_call(2)
///     .await?;
/// assert_eq!(result.images.len(), 5);
/// assert_eq!(model.calls().iter().map(|call| call.n).collect::<Vec<_>>(), [2, 2, 1]);
/// # Ok(()) }
/// ```
#[must_use = "an image request does nothing until awaited"]
pub struct GenerateImage {
    model: Arc<dyn ImageModel>,
    options: ImageOptions,
    max_images_per_call: Option<usize>,
    settings: RequestSettings,
    error: Option<Error>,
}

impl GenerateImage {
    option_setters! {
        /// What to draw.
        prompt(impl Into<String>) => Some(options.prompt);
        /// How many images (default 1).
        n(u32) => options.n;
        /// `"{width}x{height}"`, e.g. `"1024x1024"`.
        size(impl Into<String>) => Some(options.size);
        /// `"{width}:{height}"`, e.g. `"16:9"`.
        aspect_ratio(impl Into<String>) => Some(options.aspect_ratio);
        /// Seed, where supported.
        seed(u64) => Some(options.seed);
        /// Input images, for edits and variations.
        files(Vec<FilePart>) => options.files;
        /// A mask for edits.
        mask(FilePart) => Some(options.mask);
    }

    /// Overrides the model's per-call image limit.
    pub fn max_images_per_call(mut self, limit: usize) -> Self {
        if limit == 0 {
            self.error.get_or_insert(Error::invalid_argument("max_images_per_call", "must be at least 1"));
        }
        self.max_images_per_call = Some(limit);
        self
    }

    request_settings_methods!();
}

/// The result of [`generate_image`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct GenerateImageResult {
    /// The images, in call order.
    pub images: Vec<GeneratedImage>,
    /// Options the model could not honour, from every call.
    pub warnings: Vec<Warning>,
    /// The response metadata of each call.
    pub responses: Vec<ResponseMetadata>,
    /// Provider-specific metadata, merged over the calls.
    pub provider_metadata: Option<ProviderMetadata>,
}

impl GenerateImageResult {
    /// The first image.
    pub fn image(&self) -> Option<&GeneratedImage> {
        self.images.first()
    }
}

into_future_runs!(GenerateImage => GenerateImageResult, "generate_image", operation::GENERATE_CONTENT);

impl GenerateImage {
    /// What awaiting the builder does.
    async fn run(self) -> Result<GenerateImageResult> {
        let base = self.settings.start(self.error, self.options)?;
        if base.n == 0 {
            return Err(Error::invalid_argument("n", "must be at least 1"));
        }
        let total = base.n as usize;
        let per_call = self.max_images_per_call.or(self.model.max_images_per_call()).unwrap_or(total).max(1);
        let calls: Vec<ImageOptions> = (0..total)
            .step_by(per_call)
            .map(|start| {
                let mut options = base.clone();
                options.n = (total - start).min(per_call) as u32;
                options
            })
            .collect();
        let model = &*self.model;
        let settings = &self.settings;
        let record_content = settings.telemetry.records_content();
        let responses = try_join_all(calls.iter().map(|options| {
            let call = ModelCall::start(operation::GENERATE_CONTENT, model.provider(), model.model_id(), record_content);
            call.record_output_type("image");
            call.record_choice_count(options.n);
            if let Some(prompt) = &options.prompt {
                call.record_input_text(prompt);
            }
            call.run(settings.call(|| model.do_generate(options)), |call, response| call.record_response(&response.response))
        }))
        .await?;
        let mut result = GenerateImageResult::default();
        for response in responses {
            result.images.extend(response.images);
            result.warnings.extend(response.warnings);
            result.responses.push(response.response);
            if let Some(metadata) = response.provider_metadata {
                let merged = result.provider_metadata.get_or_insert_with(ProviderMetadata::default);
                for (provider, value) in metadata.0 {
                    merged.merge(&provider, value);
                }
            }
        }
        if result.images.is_empty() {
            return Err(Error::NoImageGenerated {
                provider: self.model.provider().to_owned(),
                message: "the image model returned no images".into(),
            });
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ImageResponse;
    use crate::test_util::MockImageModel;

    #[tokio::test]
    async fn splits_n_by_the_per_call_limit_and_keeps_order() {
        let model = MockImageModel::new().with_max_images_per_call(Some(2));
        let result = generate_image(model.clone()).prompt("a cat").n(5).size("512x512").seed(7).await.unwrap();
        let counts: Vec<u32> = model.calls().iter().map(|call| call.n).collect();
        assert_eq!(counts, [2, 2, 1]);
        assert!(model.calls().iter().all(|call| call.prompt.as_deref() == Some("a cat") && call.seed == Some(7)));
        assert_eq!(result.images.len(), 5);
        assert_eq!(result.responses.len(), 3);
        let first = result.image().unwrap().data.to_bytes().unwrap();
        assert_eq!(&first[..], b"call0-image0");
    }

    #[tokio::test]
    async fn override_limit_and_errors() {
        let model = MockImageModel::new();
        generate_image(model.clone()).prompt("x").n(3).max_images_per_call(1).await.unwrap();
        assert_eq!(model.calls().len(), 3);
        assert!(matches!(generate_image(MockImageModel::new()).n(0).await, Err(Error::InvalidArgument { .. })));
        let empty = MockImageModel::new().with_response(ImageResponse::default());
        // An answer without images is the typed error, naming the provider.
        assert!(matches!(generate_image(empty).prompt("x").await, Err(Error::NoImageGenerated { provider, .. }) if provider == "mock"));
    }
}
