//! Middleware: code around a model's calls that changes their options, their results or the
//! model's identity, and fallback chains of models.
//!
//! A middleware implements [`LanguageModelMiddleware`] (or [`EmbeddingModelMiddleware`],
//! [`ImageModelMiddleware`]) and is applied with [`wrap_language_model`] (or
//! [`wrap_embedding_model`], [`wrap_image_model`]); the result is a model again, so it goes
//! wherever a model goes. Several middlewares compose as in the AI SDK: the first of the list
//! transforms the options first, the last wraps the model directly. [`wrap_provider`] applies
//! middleware to every model a provider hands out, and a registry's builder to every model it
//! hands out (`create_provider_registry().language_model_middleware(...)`).
//!
//! Built-in middlewares: [`default_settings`] (and [`default_embedding_settings`]),
//! [`default_instructions`], [`extract_reasoning`], [`extract_json`] and [`simulate_streaming`].
//!
//! [`fallback`] builds a model from an ordered list of models that moves on to the next when one
//! fails with a retryable error (or one a predicate matches), for generate and for stream (until
//! the first content part); [`fallback_embedding`] does the same for embedding models. The
//! answer records which model answered and what failed before it: [`FallbackMetadata`], under
//! the key `"fallback"` of the provider metadata.
//!
//! ```
//! use std::sync::Arc;
//! use specai::error::ApiCallError;
//! use specai::middleware::{FallbackMetadata, extract_reasoning, fallback, wrap_language_model};
//! use specai::test_util::{MockLanguageModel, text_response};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
//! let primary = MockLanguageModel::with_ids("openai.chat", "gpt-4o").with_error(ApiCallError::new(503, "https://api.openai.com/v1", "overloaded"));
//! let local = MockLanguageModel::with_ids("ollama.chat", "qwen3").with_response(text_response("<think>easy</think>4"));
//! let local = wrap_language_model(local, vec![Arc::new(extract_reasoning("think"))]);
//! let model = fallback(vec![Arc::new(primary), Arc::new(local)])?;
//!
//! let result = specai::generate_text(model).prompt("2+2?").max_retries(0).await?;
//! assert_eq!(result.text(), "4");
//! assert_eq!(result.reasoning_text().as_deref(), Some("easy"));
//! let record = FallbackMetadata::from_provider_metadata(result.final_step().provider_metadata.as_ref()).unwrap();
//! assert_eq!(record.model_id, "qwen3");
//! # Ok(()) }
//! ```
//!
//! # Differences from the AI SDK
//! - `with_provider` / `with_model_id` rename the outermost layer only; the AI SDK gives its
//!   `providerId` / `modelId` to every layer, so inner middlewares see them too.
//! - Default settings: a setting is unset when it is `None` or an empty list, so a call's empty
//!   stop sequences take the defaults (the AI SDK's `[]` overrides them); `reasoning_effort` can
//!   have a default too. Embedding middleware goes on providers and registries as well.
//! - Extract reasoning splits generate and stream text the same way: an unclosed tag makes the
//!   rest reasoning in generate too (the AI SDK leaves that text as it is, tag included); a
//!   partial tag at the end of a block is kept as text and an open reasoning block is ended
//!   (the AI SDK drops the one and leaves the other open); an empty answer after the reasoning
//!   is no text part; reasoning block ids are `<text id>-reasoning-<n>`, unique in the stream.
//! - Extract JSON also strips a fence after leading whitespace and fence tags other than `json`
//!   (`JSON`, `jsonc`), drops a stream's leading whitespace, and can cut a value out of prose
//!   ([`ExtractJson::strip_surrounding_text`]).
//! - Simulate streaming keeps text parts' provider metadata and puts reasoning metadata on the
//!   block's end as well as its start, and replays a tool call's input as a tool-input block
//!   before the call, as a streaming provider sends it (the AI SDK replays the call alone). It
//!   is the same replay the compatible engine gives a vendor whose mapping says it cannot stream.
//! - Fallback chains are specai's own; the AI SDK has none.

/// `with_provider` and `with_model_id`, for a model type with `provider` and `model_id` fields:
/// every model this module builds can report other ids than the ones it would take.
macro_rules! renaming_methods {
    () => {
        /// Reports this provider id instead (the AI SDK's `providerId` option).
        pub fn with_provider(mut self, provider: impl Into<String>) -> Self {
            self.provider = provider.into();
            self
        }

        /// Reports this model id instead (the AI SDK's `modelId` option).
        pub fn with_model_id(mut self, model_id: impl Into<String>) -> Self {
            self.model_id = model_id.into();
            self
        }
    };
}

/// `override_provider` and `override_model_id`, the id overrides of every middleware trait (for
/// models of type `$model`): both keep the model's ids unless a middleware says otherwise.
macro_rules! id_overrides {
    ($model:ident) => {
        /// The provider id the wrapped model reports; `None` keeps the model's.
        fn override_provider(&self, model: &dyn $model) -> Option<String> {
            let _ = model;
            None
        }

        /// The model id the wrapped model reports; `None` keeps the model's.
        fn override_model_id(&self, model: &dyn $model) -> Option<String> {
            let _ = model;
            None
        }
    };
}

/// For a layer type `$wrapped` (one `$middleware` around a `$model`, built by `$wrapped::new`):
/// the renaming methods, `layered` (the AI SDK's order: the first middleware outermost) and a
/// `Debug` that shows the ids.
macro_rules! middleware_layer {
    ($wrapped:ident, $model:ident, $middleware:ident) => {
        impl $wrapped {
            crate::middleware::renaming_methods!();

            /// The provider and model ids a layer of `middleware` around `model` reports: the
            /// middleware's overrides, else the model's.
            fn layer_ids(model: &dyn $model, middleware: Option<&dyn $middleware>) -> (String, String) {
                let provider = middleware.and_then(|layer| layer.override_provider(model));
                let model_id = middleware.and_then(|layer| layer.override_model_id(model));
                (
                    provider.unwrap_or_else(|| model.provider().to_owned()),
                    model_id.unwrap_or_else(|| model.model_id().to_owned()),
                )
            }

            /// `model` in one layer per middleware, the first of the list outermost.
            fn layered(model: Arc<dyn $model>, middlewares: Vec<Arc<dyn $middleware>>) -> Self {
                let mut layers = middlewares.into_iter().rev();
                let innermost = Self::new(model, layers.next());
                layers.fold(innermost, |inner, middleware| {
                    Self::new(Arc::new(inner), Some(middleware))
                })
            }
        }

        impl std::fmt::Debug for $wrapped {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter
                    .debug_struct(stringify!($wrapped))
                    .field("provider", &self.provider)
                    .field("model_id", &self.model_id)
                    .finish_non_exhaustive()
            }
        }
    };
}

/// The middleware trait of a model kind whose calls are one method (`$call`, e.g. `do_embed`):
/// the id overrides, the kind's own overrides (given as the trait body), `transform_options` and
/// `$wrap`, every method passing the call through unless a middleware says otherwise.
macro_rules! one_call_middleware {
    (
        $(#[$attribute:meta])*
        pub trait $name:ident for $model:ident: $wrap:ident($options:ident) -> $response:ident = $call:ident {
            $($overrides:tt)*
        }
    ) => {
        $(#[$attribute])*
        #[async_trait]
        pub trait $name: Send + Sync {
            crate::middleware::id_overrides!($model);

            $($overrides)*

            #[doc = concat!("Transforms the options of a call before `", stringify!($wrap), "` receives them.")]
            async fn transform_options<'a>(&self, options: Cow<'a, $options>, model: &dyn $model) -> Result<Cow<'a, $options>> {
                let _ = model;
                Ok(options)
            }

            #[doc = concat!("Runs a call: by default `model.", stringify!($call), "(options)`.")]
            async fn $wrap(&self, options: &$options, model: &Arc<dyn $model>) -> Result<$response> {
                model.$call(options).await
            }
        }
    };
}

/// The body of a layer's one call (`$call`) through its middleware (`$wrap`), for a layer built by
/// [`middleware_layer!`] around a model of a [`one_call_middleware!`] kind: the middleware's
/// `transform_options`, then its `$wrap`; without a middleware, the model's own call.
macro_rules! call_through_layer {
    ($layer:ident, $options:ident, $call:ident, $wrap:ident) => {{
        let Some(middleware) = &$layer.middleware else {
            return $layer.model.$call($options).await;
        };
        let options = middleware.transform_options(Cow::Borrowed($options), $layer.model.as_ref()).await?;
        middleware.$wrap(&options, &$layer.model).await
    }};
}

use call_through_layer;
use id_overrides;
use middleware_layer;
use one_call_middleware;
use renaming_methods;

mod default_instructions;
mod default_settings;
mod extract_json;
mod extract_reasoning;
mod fallback_chain;
mod fallback_embedding_model;
mod fallback_model;
mod language_model_middleware;
mod part_transform;
mod simulate_streaming;
mod tag_splitter;
#[cfg(test)]
mod test_support;
mod wrap_embedding_model;
mod wrap_image_model;
mod wrap_language_model;
mod wrap_provider;

pub use default_instructions::{DefaultInstructions, default_instructions};
pub use default_settings::{
    DefaultEmbeddingSettings, DefaultSettings, default_embedding_settings, default_settings,
};
pub use extract_json::{ExtractJson, extract_json};
pub use extract_reasoning::{ExtractReasoning, extract_reasoning};
pub use fallback_chain::{Fallback, FallbackAttempt, FallbackMetadata};
pub use fallback_embedding_model::{FallbackEmbeddingModel, fallback_embedding};
pub use fallback_model::{FallbackModel, fallback};
pub use language_model_middleware::{CallKind, LanguageModelMiddleware};
pub use simulate_streaming::{SimulateStreaming, simulate_streaming};
pub use wrap_embedding_model::{
    EmbeddingModelMiddleware, WrappedEmbeddingModel, wrap_embedding_model,
};
pub use wrap_image_model::{ImageModelMiddleware, WrappedImageModel, wrap_image_model};
pub use wrap_language_model::{WrappedLanguageModel, wrap_language_model};
pub use wrap_provider::{ModelMiddlewares, WrappedProvider, wrap_provider};
