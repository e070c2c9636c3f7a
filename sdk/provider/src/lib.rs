//! specai-provider: the provider specification of specai, the small and stable contract between
//! the SDK and every model.
//!
//! It mirrors the AI SDK's `@ai-sdk/provider` package and is a crate of its own for the same
//! reason: a third-party provider depends on it alone, without the HTTP client, the async runtime
//! or the generation functions of `specai`, and `specai` re-exports all of it as
//! `specai::provider` (with the error type also at `specai::error`), so both name the same types.
//! Treat any change to these traits as a breaking change.
//!
//! # A tour
//! - [`LanguageModel`]: two methods, [`do_generate`](LanguageModel::do_generate) and
//!   [`do_stream`](LanguageModel::do_stream), each taking one [`CallOptions`] (the [`Message`]
//!   prompt, sampling settings, [`ToolDefinition`]s, [`ResponseFormat`], [`ProviderOptions`]).
//!   They answer with [`Content`] in a [`GenerateResponse`], or with [`StreamPart`]s in a
//!   [`StreamResponse`]; both report [`Usage`], a [`FinishReason`] and [`Warning`]s for options the
//!   model could not honour.
//! - [`EmbeddingModel`], [`ImageModel`], [`SpeechModel`], [`TranscriptionModel`] and
//!   [`RerankingModel`]: the other model kinds, each one method and one options struct.
//! - [`Provider`]: hands out models by id, as registries use it.
//! - [`error`]: the one [`Error`] type that models return and the SDK above reports.
//!
//! Nothing here is shaped after any one vendor: options that fewer than three providers share
//! travel as [`ProviderOptions`] keyed by provider id. The traits use [`#[async_trait]`](macro@async_trait), re-exported
//! here so that an implementation needs no other dependency.
//!
//! # Example: a provider outside specai
//! A model that depends on `specai-provider` only; `specai`'s `generate_text` and `stream_text`
//! take it like any built-in model (as `Arc<dyn LanguageModel>` or by value).
//! ```
//! use specai_provider::{
//!     CallOptions, Content, Error, FinishReason, GenerateResponse, LanguageModel, Message, Result,
//!     StreamResponse, Usage, UserPart, async_trait,
//! };
//!
//! /// Answers every prompt by repeating its last user text.
//! struct EchoModel;
//!
//! #[async_trait]
//! impl LanguageModel for EchoModel {
//!     fn provider(&self) -> &str {
//!         "echo"
//!     }
//!
//!     fn model_id(&self) -> &str {
//!         "echo-1"
//!     }
//!
//!     async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
//!         let text = options
//!             .prompt
//!             .iter()
//!             .rev()
//!             .find_map(|message| match message {
//!                 Message::User { content, .. } => content.iter().find_map(|part| match part {
//!                     UserPart::Text(part) => Some(part.text.clone()),
//!                     _ => None,
//!                 }),
//!                 _ => None,
//!             })
//!             .ok_or_else(|| Error::invalid_argument("prompt", "no user text to echo"))?;
//!         let usage = Usage::from_totals(Some(1), Some(1));
//!         Ok(GenerateResponse::new(vec![Content::text(text)], FinishReason::Stop, usage))
//!     }
//!
//!     async fn do_stream(&self, _options: &CallOptions) -> Result<StreamResponse> {
//!         // A model that cannot stream says so with a typed error, never a fake `Ok`.
//!         Err(Error::unsupported("streaming", Some("echo-1 answers in one piece".into())))
//!     }
//! }
//!
//! # fn block_on<F: std::future::Future>(future: F) -> F::Output {
//! #     // The futures here never wait, so one poll finishes them: no runtime needed.
//! #     let mut context = std::task::Context::from_waker(std::task::Waker::noop());
//! #     match std::pin::pin!(future).poll(&mut context) {
//! #         std::task::Poll::Ready(output) => output,
//! #         std::task::Poll::Pending => unreachable!("the echo model never waits"),
//! #     }
//! # }
//! # block_on(async {
//! let options = CallOptions::new(vec![Message::user("Hello")]);
//! let response = EchoModel.do_generate(&options).await?;
//! assert_eq!(response.content, vec![Content::text("Hello")]);
//! assert_eq!(response.finish_reason, FinishReason::Stop);
//! assert!(matches!(EchoModel.do_stream(&options).await, Err(Error::Unsupported { .. })));
//! # Ok::<(), Error>(())
//! # }).unwrap();
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// Implements a builder-style setter, `fn $method(self, $field: $value) -> Self`, on each type:
/// the non-exhaustive structs share a few optional fields that callers set after `new`.
macro_rules! setter {
    (#[doc = $doc:literal] $method:ident($field:ident: $value:ty) for $($type:ty),+) => {$(
        impl $type {
            #[doc = $doc]
            pub fn $method(mut self, $field: $value) -> Self {
                self.$field = $field;
                self
            }
        }
    )+};
}

/// Implements a model trait's two accessors, `provider()` and `model_id()`, from the model's
/// fields (a path such as `provider` or `inner.provider`): what every model holds and reports.
///
/// ```
/// use specai_provider::{EmbedOptions, EmbedResponse, EmbeddingModel, Result, async_trait, model_identity};
///
/// struct Hashing {
///     provider: String,
///     model_id: String,
/// }
///
/// #[async_trait]
/// impl EmbeddingModel for Hashing {
///     model_identity!(provider, model_id);
///
///     fn max_embeddings_per_call(&self) -> Option<usize> {
///         None
///     }
///
///     fn supports_parallel_calls(&self) -> bool {
///         true
///     }
///
///     async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
///         Ok(EmbedResponse::new(options.values.iter().map(|value| vec![value.len() as f32]).collect(), None))
///     }
/// }
///
/// let model = Hashing { provider: "hashing".into(), model_id: "length-1".into() };
/// assert_eq!((model.provider(), model.model_id()), ("hashing", "length-1"));
/// ```
///
/// Fixed names are given as literals (`model_identity!("mock", "mock-embedding")`), a provider
/// name that is a constant as `const NAME` (`model_identity!(const PROVIDER_ID, model_id)`).
#[macro_export]
macro_rules! model_identity {
    ($provider:literal, $model_id:literal) => {
        fn provider(&self) -> &str {
            $provider
        }

        fn model_id(&self) -> &str {
            $model_id
        }
    };
    (const $provider:expr, $($model_id:ident).+) => {
        fn provider(&self) -> &str {
            $provider
        }

        fn model_id(&self) -> &str {
            &self.$($model_id).+
        }
    };
    ($($provider:ident).+, $($model_id:ident).+) => {
        fn provider(&self) -> &str {
            &self.$($provider).+
        }

        fn model_id(&self) -> &str {
            &self.$($model_id).+
        }
    };
}

mod call_options;
mod content;
mod embedding_model;
pub mod error;
mod finish_reason;
mod image_model;
mod json_body;
mod language_model;
mod metadata;
mod model_provider;
mod prompt;
mod reranking_model;
mod shared_models;
mod speech_model;
mod stream_part;
mod transcription_model;
mod usage;
mod warning;

pub use call_options::{
    CallOptions, ExtraRequest, FunctionTool, ProviderDefinedTool, ReasoningEffort, ResponseFormat, ToolChoice,
    ToolDefinition,
};
pub use content::{Content, FileData, GeneratedFile, Source, ToolCall, ToolResult};
pub use embedding_model::{EmbedOptions, EmbedResponse, Embedding, EmbeddingModel, EmbeddingUsage};
pub use finish_reason::FinishReason;
pub use image_model::{GeneratedImage, ImageModel, ImageOptions, ImageResponse};
pub use language_model::{GenerateResponse, LanguageModel, PartStream, StreamResponse, SupportedUrl};
pub use json_body::JsonBody;
pub use metadata::{ProviderMetadata, ProviderOptions, RequestMetadata, ResponseMetadata};
pub use model_provider::Provider;
pub use prompt::{
    AssistantPart, FilePart, Message, ReasoningPart, TextPart, ToolApprovalRequestPart, ToolApprovalResponsePart,
    ToolCallPart, ToolResultContent, ToolResultOutput, ToolResultPart, UserPart,
};
pub use reranking_model::{RankedDocument, RerankOptions, RerankResponse, RerankingModel};
pub use speech_model::{SpeechModel, SpeechOptions, SpeechResponse};
pub use stream_part::{BlockId, StreamPart};
pub use transcription_model::{
    TranscriptionModel, TranscriptionOptions, TranscriptionResponse, TranscriptionSegment,
};
pub use usage::{InputTokens, OutputTokens, Usage};
pub use warning::Warning;

pub use async_trait::async_trait;
pub use error::{Error, Result};
