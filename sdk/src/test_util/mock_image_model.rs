//! A scripted image model that records its calls.

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;

use super::script::{Script, script_methods};
use crate::error::Result;
use crate::provider::{FileData, GeneratedImage, ImageModel, ImageOptions, ImageResponse};

/// An image model that answers with scripted responses in order, and otherwise with `n` tiny
/// PNG-labelled images whose bytes name the call and index (`call0-image1`); it records every
/// call.
///
#[cfg_attr(feature = "image", doc = " ```")]
#[cfg_attr(not(feature = "image"), doc = " ```ignore")]
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::MockImageModel;
/// let model = MockImageModel::new().with_max_images_per_call(Some(1));
/// let result = specai::generate_image(model.clone()).prompt("a cat").n(2).await?;
/// assert_eq!(result.images[1].data.to_bytes()?.as_ref(), b"call1-image0");
/// assert_eq!(model.calls().len(), 2);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct MockImageModel {
    max_images_per_call: Option<usize>,
    script: Arc<Script<ImageResponse, ImageOptions>>,
}

impl MockImageModel {
    /// A mock with model id `mock-image`, no per-call limit and nothing scripted.
    pub fn new() -> Self {
        Self::default()
    }

    /// The most images per call.
    pub fn with_max_images_per_call(mut self, limit: Option<usize>) -> Self {
        self.max_images_per_call = limit;
        self
    }

    script_methods!(ImageResponse, ImageOptions);
}

#[async_trait]
impl ImageModel for MockImageModel {
    crate::provider::model_identity!("mock", "mock-image");

    fn max_images_per_call(&self) -> Option<usize> {
        self.max_images_per_call
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        let labelled = |call| {
            let image = |index| {
                GeneratedImage::new(FileData::Bytes(Bytes::from(format!("call{call}-image{index}"))), "image/png")
            };
            Ok(ImageResponse::new((0..options.n).map(image).collect()))
        };
        self.script.answer(options, labelled).await
    }
}
