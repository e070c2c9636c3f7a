//! A scripted transcription model that records its calls.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use crate::error::{Error, Result};
use crate::provider::{TranscriptionModel, TranscriptionOptions, TranscriptionResponse};

/// A transcription model that answers with scripted responses in order, and otherwise with the
/// audio bytes read as UTF-8 text; it records every call.
#[derive(Clone, Default)]
pub struct MockTranscriptionModel {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    responses: Mutex<VecDeque<Result<TranscriptionResponse>>>,
    calls: Mutex<Vec<TranscriptionOptions>>,
}

impl std::fmt::Debug for MockTranscriptionModel {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("MockTranscriptionModel").finish_non_exhaustive()
    }
}

impl MockTranscriptionModel {
    /// A mock with nothing scripted.
    pub fn new() -> Self {
        Self::default()
    }

    /// Scripts the next answer.
    pub fn with_response(self, response: TranscriptionResponse) -> Self {
        self.inner.responses.lock().expect("mock state").push_back(Ok(response));
        self
    }

    /// Scripts the next call to fail.
    pub fn with_error(self, error: Error) -> Self {
        self.inner.responses.lock().expect("mock state").push_back(Err(error));
        self
    }

    /// The options of every call, in order.
    pub fn calls(&self) -> Vec<TranscriptionOptions> {
        self.inner.calls.lock().expect("mock state").clone()
    }
}

#[async_trait]
impl TranscriptionModel for MockTranscriptionModel {
    fn provider(&self) -> &str {
        "mock"
    }

    fn model_id(&self) -> &str {
        "mock-transcription"
    }

    async fn do_generate(&self, options: &TranscriptionOptions) -> Result<TranscriptionResponse> {
        self.inner.calls.lock().expect("mock state").push(options.clone());
        if let Some(scripted) = self.inner.responses.lock().expect("mock state").pop_front() {
            return scripted;
        }
        Ok(TranscriptionResponse::new(String::from_utf8_lossy(&options.audio)))
    }
}
