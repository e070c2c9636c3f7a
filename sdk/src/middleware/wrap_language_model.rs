//! [`wrap_language_model`]: a language model with middleware around it.
//!
//! Each middleware becomes one layer, a [`WrappedLanguageModel`] around the layer beneath it, as
//! the AI SDK composes them: the first middleware of the list is the outermost layer (it
//! transforms the options first and sees the result last), the last one wraps the model directly.
//! A layer computes its ids once, when it is built, and its supported URLs per call.

use std::borrow::Cow;
use std::sync::Arc;

use async_trait::async_trait;

use super::language_model_middleware::{CallKind, LanguageModelMiddleware};
use crate::IntoModel;
use crate::error::Result;
use crate::provider::{CallOptions, GenerateResponse, LanguageModel, StreamResponse, SupportedUrl};

/// Wraps a language model in middlewares; the first of the list transforms the options first,
/// the last wraps the model directly. The result is itself a [`LanguageModel`].
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::{default_settings, extract_reasoning, wrap_language_model};
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let mock = MockLanguageModel::new().with_response(text_response("<think>2+2</think>4"));
/// let model = wrap_language_model(
///     mock.clone(),
///     vec![Arc::new(default_settings().temperature(0.0)), Arc::new(extract_reasoning("think"))],
/// );
/// let result = specai::generate_text(model).prompt("2+2?").await?;
/// assert_eq!((result.text(), result.reasoning_text().as_deref()), ("4".into(), Some("2+2")));
/// assert_eq!(mock.calls()[0].temperature, Some(0.0));
/// # Ok(()) }
/// ```
pub fn wrap_language_model(
    model: impl IntoModel<dyn LanguageModel>,
    middlewares: Vec<Arc<dyn LanguageModelMiddleware>>,
) -> WrappedLanguageModel {
    WrappedLanguageModel::layered(model.into_model(), middlewares)
}

/// One middleware around a language model (or none: then it only renames the model).
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::WrappedLanguageModel;
/// use specai::provider::LanguageModel;
/// use specai::test_util::MockLanguageModel;
///
/// let model = WrappedLanguageModel::new(Arc::new(MockLanguageModel::new()), None)
///     .with_provider("my-gateway")
///     .with_model_id("fast");
/// assert_eq!((model.provider(), model.model_id()), ("my-gateway", "fast"));
/// ```
#[derive(Clone)]
pub struct WrappedLanguageModel {
    model: Arc<dyn LanguageModel>,
    middleware: Option<Arc<dyn LanguageModelMiddleware>>,
    provider: String,
    model_id: String,
}

impl WrappedLanguageModel {
    /// A layer of `middleware` around `model`, with the ids the middleware gives (or the model's).
    pub fn new(
        model: Arc<dyn LanguageModel>,
        middleware: Option<Arc<dyn LanguageModelMiddleware>>,
    ) -> Self {
        let (provider, model_id) = Self::layer_ids(model.as_ref(), middleware.as_deref());
        WrappedLanguageModel {
            provider,
            model_id,
            model,
            middleware,
        }
    }

    async fn transformed<'a>(
        &self,
        kind: CallKind,
        options: &'a CallOptions,
    ) -> Result<Cow<'a, CallOptions>> {
        match &self.middleware {
            Some(middleware) => {
                middleware
                    .transform_options(kind, Cow::Borrowed(options), self.model.as_ref())
                    .await
            }
            None => Ok(Cow::Borrowed(options)),
        }
    }
}

crate::middleware::middleware_layer!(WrappedLanguageModel, LanguageModel, LanguageModelMiddleware);

#[async_trait]
impl LanguageModel for WrappedLanguageModel {
    crate::provider::model_identity!(provider, model_id);

    fn supported_urls(&self) -> Vec<SupportedUrl> {
        let overridden = self
            .middleware
            .as_ref()
            .and_then(|middleware| middleware.override_supported_urls(self.model.as_ref()));
        overridden.unwrap_or_else(|| self.model.supported_urls())
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let options = self.transformed(CallKind::Generate, options).await?;
        match &self.middleware {
            Some(middleware) => middleware.wrap_generate(&options, &self.model).await,
            None => self.model.do_generate(&options).await,
        }
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let options = self.transformed(CallKind::Stream, options).await?;
        match &self.middleware {
            Some(middleware) => middleware.wrap_stream(&options, &self.model).await,
            None => self.model.do_stream(&options).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::middleware::test_support::stream_parts;
    use crate::provider::Message;
    use crate::test_util::{MockLanguageModel, MockStream, text_response};

    /// Records, in a shared log, when it transforms options and when it wraps a call, and marks
    /// the options (a stop sequence) and the answer (appended text) with its name.
    struct Tracer {
        name: &'static str,
        log: Arc<Mutex<Vec<String>>>,
    }

    impl Tracer {
        fn record(&self, event: &str) {
            self.log
                .lock()
                .unwrap()
                .push(format!("{} {event}", self.name));
        }
    }

    #[async_trait]
    impl LanguageModelMiddleware for Tracer {
        fn override_model_id(&self, model: &dyn LanguageModel) -> Option<String> {
            Some(format!("{}+{}", self.name, model.model_id()))
        }

        async fn transform_options<'a>(
            &self,
            kind: CallKind,
            options: Cow<'a, CallOptions>,
            _model: &dyn LanguageModel,
        ) -> Result<Cow<'a, CallOptions>> {
            self.record(&format!("transform {kind:?}"));
            let mut options = options.into_owned();
            options.stop_sequences.push(self.name.to_owned());
            Ok(Cow::Owned(options))
        }

        async fn wrap_generate(
            &self,
            options: &CallOptions,
            model: &Arc<dyn LanguageModel>,
        ) -> Result<GenerateResponse> {
            self.record(&format!("wrap sees {:?}", options.stop_sequences));
            let mut response = model.do_generate(options).await?;
            self.record("after");
            if let Some(crate::provider::Content::Text { text, .. }) = response.content.first_mut()
            {
                text.push_str(self.name);
            }
            Ok(response)
        }
    }

    fn tracers(log: &Arc<Mutex<Vec<String>>>) -> Vec<Arc<dyn LanguageModelMiddleware>> {
        vec![
            Arc::new(Tracer {
                name: "first",
                log: log.clone(),
            }),
            Arc::new(Tracer {
                name: "last",
                log: log.clone(),
            }),
        ]
    }

    #[tokio::test]
    async fn the_first_middleware_transforms_first_and_the_last_wraps_the_model() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mock = MockLanguageModel::new().with_response(text_response("answer:"));
        let model = wrap_language_model(mock.clone(), tracers(&log));
        assert_eq!(model.model_id(), "first+last+mock-model");
        let response = model
            .do_generate(&CallOptions::new(vec![Message::user("hi")]))
            .await
            .unwrap();
        assert_eq!(response.content[0].as_text(), Some("answer:lastfirst"));
        assert_eq!(mock.calls()[0].stop_sequences, ["first", "last"]);
        assert_eq!(
            *log.lock().unwrap(),
            [
                "first transform Generate",
                r#"first wrap sees ["first"]"#,
                "last transform Generate",
                r#"last wrap sees ["first", "last"]"#,
                "last after",
                "first after",
            ]
        );
    }

    #[tokio::test]
    async fn streams_go_through_transforms_with_their_kind_and_the_default_wrap() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mock = MockLanguageModel::new().with_stream(MockStream::text(["a"]));
        let model = wrap_language_model(mock.clone(), tracers(&log));
        assert_eq!(stream_parts(&model).await.len(), 5);
        assert_eq!(
            *log.lock().unwrap(),
            ["first transform Stream", "last transform Stream"]
        );
        assert_eq!(mock.calls()[0].stop_sequences, ["first", "last"]);
    }

    #[tokio::test]
    async fn no_middleware_forwards_and_renames() {
        let mock = MockLanguageModel::new()
            .with_supported_urls(vec![SupportedUrl::new("image/*", "https://")])
            .with_response(text_response("plain"));
        let model = wrap_language_model(mock.clone(), Vec::new())
            .with_provider("gateway")
            .with_model_id("alias");
        assert_eq!((model.provider(), model.model_id()), ("gateway", "alias"));
        assert_eq!(
            model.supported_urls(),
            [SupportedUrl::new("image/*", "https://")]
        );
        let response = model.do_generate(&CallOptions::default()).await.unwrap();
        assert_eq!(response.content[0].as_text(), Some("plain"));
        assert_eq!(mock.call_count(), 1);
    }
}
