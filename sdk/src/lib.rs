//! specai: one set of model traits and generation functions over many LLM providers, with every
//! provider's HTTP client generated from a spec.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod call_settings;
pub mod embed;
pub mod error;
pub mod generate_image;
pub mod generate_object;
pub mod generate_speech;
pub mod generate_text;
pub mod output;
pub mod partial_json;
pub mod prepare_step;
pub mod prompt;
pub mod provider;
pub mod provider_utils;
pub mod registry;
pub mod request_settings;
pub mod rerank;
pub mod retry;
pub mod step;
pub mod stop_condition;
pub mod stream_text;
#[cfg(any(test, feature = "test-util"))]
pub mod test_util;
pub mod tool;
pub mod transcribe;

pub use call_settings::{CallSettings, Timeouts};
pub use embed::{EmbedManyResult, EmbedResult, cosine_similarity, embed, embed_many};
pub use error::{Error, Result};
pub use generate_image::{GenerateImageResult, generate_image};
pub use generate_object::{generate_object, stream_object};
pub use generate_speech::{SpeechResult, generate_speech};
pub use generate_text::{GenerateText, GenerateTextResult, IntoLanguageModel, OutputSpec, generate_text};
pub use output::{ElementCursor, Output, OutputParseError};
pub use rerank::{RerankResult, RerankedDocument, rerank};
pub use transcribe::{TranscriptionResult, transcribe};
pub use prepare_step::{PrepareStepContext, PrepareStepResult};
pub use prompt::Prompt;
pub use step::{ParsedToolCall, StepContent, StepResult, ToolCallError, ToolCallResult};
pub use stop_condition::{StopCondition, has_tool_call, step_count_is};
pub use stream_text::{StreamText, StreamTextResult, TextStreamPart, stream_text};
pub use tool::{Tool, ToolCallRepairRequest, ToolContext, ToolError, ToolSet, TypedTool};
pub use tokio_util::sync::CancellationToken;
pub use registry::{ProviderRegistry, create_provider_registry, custom_provider};
