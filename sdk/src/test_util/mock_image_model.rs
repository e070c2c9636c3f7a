//! A scripted image model that records its calls.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;

use crate::error::{Error, Result};
use crate::provider::{FileData, GeneratedImage, ImageModel, ImageOptions, ImageResponse};

/// An image model that answers with scripted responses in order, and otherwise with `n` tiny
/// PNG-labelled images whose bytes name the call and index (`call0-image1`); it records every
/// call.
#[derive(Clone)]
pub struct MockImageModel {
    inner: Arc<Inner>,
}

struct Inner {
    model_id: String,
    max_images_per_call: Option<usize>,
    responses: Mutex<VecDeque<Result<ImageResponse>>>,
    calls: Mutex<Vec<ImageOptions>>,
}

impl Default for MockImageModel {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for MockImageModel {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("MockImageModel").field("model_id", &self.inner.model_id).finish_non_exhaustive()
    }
}

impl MockImageModel {
    /// A mock with model id `mock-image`, no per-call limit and nothing scripted.
    pub fn new() -> Self {
        MockImageModel {
            inner: Arc::new(Inner {
                model_id: "mock-image".into(),
                max_images_per_call: None,
                responses: Mutex::default(),
                calls: Mutex::default(),
            }),
        }
    }

    /// The most images per call (set before cloning the mock).
    pub fn with_max_images_per_call(mut self, limit: Option<usize>) -> Self {
        Arc::get_mut(&mut self.inner).expect("configure the mock before cloning it").max_images_per_call = limit;
        self
    }

    /// Scripts the next answer.
    pub fn with_response(self, response: ImageResponse) -> Self {
        self.inner.responses.lock().expect("mock state").push_back(Ok(response));
        self
    }

    /// Scripts the next call to fail.
    pub fn with_error(self, error: Error) -> Self {
        self.inner.responses.lock().expect("mock state").push_back(Err(error));
        self
    }

    /// The options of every call, in order.
    pub fn calls(&self) -> Vec<ImageOptions> {
        self.inner.calls.lock().expect("mock state").clone()
    }
}

#[async_trait]
impl ImageModel for MockImageModel {
    fn provider(&self) -> &str {
        "mock"
    }

    fn model_id(&self) -> &str {
        &self.inner.model_id
    }

    fn max_images_per_call(&self) -> Option<usize> {
        self.inner.max_images_per_call
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        let call = {
            let mut calls = self.inner.calls.lock().expect("mock state");
            calls.push(options.clone());
            calls.len() - 1
        };
        if let Some(scripted) = self.inner.responses.lock().expect("mock state").pop_front() {
            return scripted;
        }
        let images = (0..options.n)
            .map(|index| GeneratedImage {
                data: FileData::Bytes(Bytes::from(format!("call{call}-image{index}"))),
                media_type: "image/png".into(),
            })
            .collect();
        Ok(ImageResponse::new(images))
    }
}
