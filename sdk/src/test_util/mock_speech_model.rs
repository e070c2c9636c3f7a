//! A scripted speech model that records its calls.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use crate::error::{Error, Result};
use crate::provider::{SpeechModel, SpeechOptions, SpeechResponse};

/// A speech model that answers with scripted responses in order, and otherwise with the text's
/// bytes as `audio/mpeg`; it records every call.
#[derive(Clone, Default)]
pub struct MockSpeechModel {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    responses: Mutex<VecDeque<Result<SpeechResponse>>>,
    calls: Mutex<Vec<SpeechOptions>>,
}

impl std::fmt::Debug for MockSpeechModel {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("MockSpeechModel").finish_non_exhaustive()
    }
}

impl MockSpeechModel {
    /// A mock with nothing scripted.
    pub fn new() -> Self {
        Self::default()
    }

    /// Scripts the next answer.
    pub fn with_response(self, response: SpeechResponse) -> Self {
        self.inner.responses.lock().expect("mock state").push_back(Ok(response));
        self
    }

    /// Scripts the next call to fail.
    pub fn with_error(self, error: Error) -> Self {
        self.inner.responses.lock().expect("mock state").push_back(Err(error));
        self
    }

    /// The options of every call, in order.
    pub fn calls(&self) -> Vec<SpeechOptions> {
        self.inner.calls.lock().expect("mock state").clone()
    }
}

#[async_trait]
impl SpeechModel for MockSpeechModel {
    fn provider(&self) -> &str {
        "mock"
    }

    fn model_id(&self) -> &str {
        "mock-speech"
    }

    async fn do_generate(&self, options: &SpeechOptions) -> Result<SpeechResponse> {
        self.inner.calls.lock().expect("mock state").push(options.clone());
        if let Some(scripted) = self.inner.responses.lock().expect("mock state").pop_front() {
            return scripted;
        }
        Ok(SpeechResponse::new(options.text.clone().into_bytes(), "audio/mpeg"))
    }
}
