//! The language-model middleware trait: what a middleware may change about a model.
//!
//! Every method has a default that passes the call through, so a middleware implements only
//! what it changes. Options arrive as a [`Cow`]: a middleware that leaves them alone costs no
//! copy, one that changes them calls [`Cow::into_owned`] once.

use std::borrow::Cow;
use std::sync::Arc;

use async_trait::async_trait;

use crate::error::Result;
use crate::provider::{CallOptions, GenerateResponse, LanguageModel, StreamResponse, SupportedUrl};

/// Which model call options are being transformed for.
///
/// ```
/// use specai::middleware::CallKind;
///
/// assert_ne!(CallKind::Generate, CallKind::Stream);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallKind {
    /// [`LanguageModel::do_generate`].
    Generate,
    /// [`LanguageModel::do_stream`].
    Stream,
}

/// Changes how a language model is called: its options, its results, its identity.
///
/// Applied with [`wrap_language_model`](super::wrap_language_model). `model` is always the model
/// directly beneath the middleware (the next middleware, or the wrapped model itself), so
/// `model.do_generate(options)` continues the chain; a middleware may also call
/// [`do_stream`](LanguageModel::do_stream) from `wrap_generate` (or the reverse), or call twice.
///
/// ```
/// use std::borrow::Cow;
/// use std::sync::Arc;
/// use specai::middleware::{CallKind, LanguageModelMiddleware, wrap_language_model};
/// use specai::provider::{CallOptions, GenerateResponse, LanguageModel, async_trait};
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// /// Caps every call at 100 output tokens and logs each answer's finish reason.
/// struct Capped;
///
/// #[async_trait]
/// impl LanguageModelMiddleware for Capped {
///     async fn transform_options<'a>(
///         &self,
///         _kind: CallKind,
///         options: Cow<'a, CallOptions>,
///         _model: &dyn LanguageModel,
///     ) -> specai::Result<Cow<'a, CallOptions>> {
///         let mut options = options.into_owned();
///         options.max_output_tokens = Some(options.max_output_tokens.map_or(100, |tokens| tokens.min(100)));
///         Ok(Cow::Owned(options))
///     }
///
///     async fn wrap_generate(&self, options: &CallOptions, model: &Arc<dyn LanguageModel>) -> specai::Result<GenerateResponse> {
///         let response = model.do_generate(options).await?;
///         println!("finished: {:?}", response.finish_reason);
///         Ok(response)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let mock = MockLanguageModel::new().with_response(text_response("ok"));
/// let model = wrap_language_model(mock.clone(), vec![Arc::new(Capped)]);
/// specai::generate_text(model).prompt("Hi").max_output_tokens(500).await?;
/// assert_eq!(mock.calls()[0].max_output_tokens, Some(100));
/// # Ok(()) }
/// ```
#[async_trait]
pub trait LanguageModelMiddleware: Send + Sync {
    crate::middleware::id_overrides!(LanguageModel);

    /// The URLs the wrapped model reads itself; `None` keeps the model's.
    fn override_supported_urls(&self, model: &dyn LanguageModel) -> Option<Vec<SupportedUrl>> {
        let _ = model;
        None
    }

    /// Transforms the options of a call before it goes on (before `wrap_generate` or
    /// `wrap_stream`, which receive the result).
    async fn transform_options<'a>(
        &self,
        kind: CallKind,
        options: Cow<'a, CallOptions>,
        model: &dyn LanguageModel,
    ) -> Result<Cow<'a, CallOptions>> {
        let _ = (kind, model);
        Ok(options)
    }

    /// Runs a generate call: by default `model.do_generate(options)`.
    async fn wrap_generate(
        &self,
        options: &CallOptions,
        model: &Arc<dyn LanguageModel>,
    ) -> Result<GenerateResponse> {
        model.do_generate(options).await
    }

    /// Runs a stream call: by default `model.do_stream(options)`.
    async fn wrap_stream(
        &self,
        options: &CallOptions,
        model: &Arc<dyn LanguageModel>,
    ) -> Result<StreamResponse> {
        model.do_stream(options).await
    }
}
