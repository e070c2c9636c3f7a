//! Mock models for testing code built on specai without a network.
//!
//! Each mock returns scripted results (or streams) in order and records every call it receives,
//! so a test can assert on what was sent; the machinery is one `Script` type that every mock
//! holds. Enabled by the `test-util` feature, which also brings the mock HTTP server
//! ([`crate::provider_utils::test_server`]) for testing providers.

mod mock_embedding_model;
mod mock_image_model;
mod mock_language_model;
mod mock_reranking_model;
mod mock_speech_model;
mod mock_transcription_model;
mod script;

pub use mock_embedding_model::MockEmbeddingModel;
pub use mock_image_model::MockImageModel;
pub use mock_language_model::{MockLanguageModel, MockStream, text_response, tool_calls_response};
pub use mock_reranking_model::MockRerankingModel;
pub use mock_speech_model::MockSpeechModel;
pub use mock_transcription_model::MockTranscriptionModel;
