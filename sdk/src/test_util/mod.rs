//! Mock models for testing code built on specai without a network.
//!
//! Each mock returns scripted results (or streams) in order and records every call it receives,
//! so a test can assert on what was sent. Enabled by the `test-util` feature.

mod mock_embedding_model;
mod mock_image_model;
mod mock_language_model;
mod mock_speech_model;
mod mock_transcription_model;

#[allow(unused_imports)]
pub use mock_embedding_model::*;
#[allow(unused_imports)]
pub use mock_image_model::*;
pub use mock_language_model::{MockLanguageModel, MockStream, text_response, tool_calls_response};
#[allow(unused_imports)]
pub use mock_speech_model::*;
#[allow(unused_imports)]
pub use mock_transcription_model::*;
