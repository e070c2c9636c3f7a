//! The provider specification: the small, stable traits every model implements.
//!
//! It mirrors the AI SDK's provider specification. A [`LanguageModel`] has two methods,
//! [`do_generate`](LanguageModel::do_generate) and [`do_stream`](LanguageModel::do_stream), each
//! taking one [`CallOptions`]; the other model kinds are as small. Nothing here is shaped after any
//! one vendor: options that fewer than three providers share travel as [`ProviderOptions`] keyed by
//! provider id. Third parties implement these traits outside the crate; the generation functions in
//! the crate root work with any implementation, usually behind `Arc<dyn ...>`.

mod call_options;
mod content;
mod embedding_model;
mod finish_reason;
mod image_model;
mod language_model;
mod metadata;
mod model_provider;
mod prompt;
mod reranking_model;
mod speech_model;
mod stream_part;
mod transcription_model;
mod usage;
mod warning;

pub use call_options::{
    CallOptions, FunctionTool, ProviderDefinedTool, ReasoningEffort, ResponseFormat, ToolChoice,
    ToolDefinition,
};
pub use content::{Content, FileData, GeneratedFile, Source, ToolCall, ToolResult};
pub use embedding_model::{EmbedOptions, EmbedResponse, Embedding, EmbeddingModel, EmbeddingUsage};
pub use finish_reason::FinishReason;
pub use image_model::{GeneratedImage, ImageModel, ImageOptions, ImageResponse};
pub use language_model::{GenerateResponse, LanguageModel, PartStream, StreamResponse, SupportedUrl};
pub use metadata::{JsonBody, ProviderMetadata, ProviderOptions, RequestMetadata, ResponseMetadata};
pub use model_provider::Provider;
pub use prompt::{
    AssistantPart, FilePart, Message, ReasoningPart, TextPart, ToolCallPart, ToolResultContent,
    ToolResultOutput, ToolResultPart, UserPart,
};
pub use reranking_model::{RankedDocument, RerankOptions, RerankResponse, RerankingModel};
pub use speech_model::{SpeechModel, SpeechOptions, SpeechResponse};
pub use stream_part::{BlockId, StreamPart};
pub use transcription_model::{
    TranscriptionModel, TranscriptionOptions, TranscriptionResponse, TranscriptionSegment,
};
pub use usage::{InputTokens, OutputTokens, Usage};
pub use warning::Warning;
