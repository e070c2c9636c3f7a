//! The image-model trait.

use async_trait::async_trait;
use http::HeaderMap;

use super::content::FileData;
use super::metadata::{ProviderMetadata, ProviderOptions, ResponseMetadata};
use super::prompt::FilePart;
use super::warning::Warning;
use crate::error::{Error, Result};

/// A model that generates or edits images.
///
/// ```
/// use specai_provider::{FileData, GeneratedImage, ImageModel, ImageOptions, ImageResponse, Result, async_trait, model_identity};
///
/// /// Answers every prompt with `n` one-pixel PNGs (the bytes stand in for a vendor's answer).
/// struct PixelModel;
///
/// #[async_trait]
/// impl ImageModel for PixelModel {
///     model_identity!("pixel", "pixel-1");
///
///     fn max_images_per_call(&self) -> Option<usize> {
///         Some(4)
///     }
///
///     async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
///         let image = GeneratedImage::new(FileData::Bytes(vec![0x89, b'P', b'N', b'G'].into()), "image/png");
///         Ok(ImageResponse::new(vec![image; options.n as usize]))
///     }
/// }
/// # fn block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     let mut context = std::task::Context::from_waker(std::task::Waker::noop());
/// #     match std::pin::pin!(future).poll(&mut context) {
/// #         std::task::Poll::Ready(output) => output,
/// #         std::task::Poll::Pending => unreachable!("the model never waits"),
/// #     }
/// # }
/// # block_on(async {
/// let response = PixelModel.do_generate(&ImageOptions::new("a red dot", 2)).await?;
/// assert_eq!(response.images.len(), 2);
/// assert_eq!(response.images[0].media_type, "image/png");
/// # Ok::<(), specai_provider::Error>(()) }).unwrap();
/// ```
#[async_trait]
pub trait ImageModel: Send + Sync {
    /// The provider id.
    fn provider(&self) -> &str;

    /// The model id.
    fn model_id(&self) -> &str;

    /// The most images one call may return; `generate_image` splits `n` by it.
    fn max_images_per_call(&self) -> Option<usize>;

    /// Generates images.
    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse>;
}

/// The options of one image call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ImageOptions {
    /// What to draw.
    pub prompt: Option<String>,
    /// How many images.
    pub n: u32,
    /// `"{width}x{height}"`, e.g. `"1024x1024"`.
    pub size: Option<String>,
    /// `"{width}:{height}"`, e.g. `"16:9"`.
    pub aspect_ratio: Option<String>,
    /// Seed, where supported.
    pub seed: Option<u64>,
    /// Input images, for edits and variations.
    pub files: Vec<FilePart>,
    /// A mask for edits: transparent where the image should change.
    pub mask: Option<FilePart>,
    /// Extra HTTP headers.
    pub headers: HeaderMap,
    /// Provider-specific options (quality, style...).
    pub provider_options: ProviderOptions,
    /// Body members and query parameters added to this call's request as they are (see
    /// [`ExtraRequest`](crate::ExtraRequest)).
    pub extra: crate::ExtraRequest,
}

impl ImageOptions {
    /// Options for `n` images of a prompt.
    pub fn new(prompt: impl Into<String>, n: u32) -> Self {
        ImageOptions { prompt: Some(prompt.into()), n, ..Default::default() }
    }

    /// Checks that `n` fits in one call of a model that makes at most `limit` images per call
    /// (its `max_images_per_call`; `None`, no limit): more is an [`Error::InvalidArgument`]
    /// naming both counts.
    ///
    /// ```
    /// use specai_provider::ImageOptions;
    ///
    /// assert!(ImageOptions::new("a cat", 4).check_image_count(4).is_ok());
    /// assert!(ImageOptions::new("a cat", 5).check_image_count(4).is_err());
    /// assert!(ImageOptions::new("a cat", 5).check_image_count(None).is_ok());
    /// ```
    pub fn check_image_count(&self, limit: impl Into<Option<usize>>) -> Result<()> {
        let Some(limit) = limit.into() else { return Ok(()) };
        if self.n as usize > limit {
            return Err(Error::invalid_argument("n", format!("{} images exceed the limit of {limit} per call", self.n)));
        }
        Ok(())
    }
}

/// The result of one image call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ImageResponse {
    /// The images.
    pub images: Vec<GeneratedImage>,
    /// Provider-specific metadata (e.g. revised prompts).
    pub provider_metadata: Option<ProviderMetadata>,
    /// Response metadata.
    pub response: ResponseMetadata,
    /// Options the model could not honour.
    pub warnings: Vec<Warning>,
}

impl ImageResponse {
    /// A response holding images; the rest empty.
    pub fn new(images: Vec<GeneratedImage>) -> Self {
        ImageResponse { images, ..Default::default() }
    }
}

/// One generated image.
///
/// ```
/// use specai_provider::{FileData, GeneratedImage};
///
/// let image = GeneratedImage::new(FileData::Url("https://example.com/cat.png".into()), "image/png");
/// assert_eq!(image.media_type, "image/png");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GeneratedImage {
    /// The image content.
    pub data: FileData,
    /// Its media type.
    pub media_type: String,
}

impl GeneratedImage {
    /// An image from its content and media type.
    pub fn new(data: FileData, media_type: impl Into<String>) -> Self {
        GeneratedImage { data, media_type: media_type.into() }
    }
}
