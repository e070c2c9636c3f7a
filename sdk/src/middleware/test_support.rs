//! What the middleware tests share: a mock wrapped in one middleware, and the results of its calls
//! with default options.

use std::sync::Arc;

use futures::StreamExt;

use super::{LanguageModelMiddleware, wrap_language_model};
use crate::error::Result;
use crate::provider::{CallOptions, Content, LanguageModel, StreamPart};
use crate::test_util::MockLanguageModel;

/// `mock` behind `middleware` alone.
pub(super) fn wrapped(mock: &MockLanguageModel, middleware: impl LanguageModelMiddleware + 'static) -> Arc<dyn LanguageModel> {
    Arc::new(wrap_language_model(mock.clone(), vec![Arc::new(middleware)]))
}

/// The content of a generate call.
pub(super) async fn generated_content(model: &dyn LanguageModel) -> Vec<Content> {
    model.do_generate(&CallOptions::default()).await.unwrap().content
}

/// Every item of a stream call, errors included.
pub(super) async fn stream_items(model: &dyn LanguageModel) -> Vec<Result<StreamPart>> {
    model.do_stream(&CallOptions::default()).await.unwrap().stream.collect().await
}

/// The parts of a stream call that has no error.
pub(super) async fn stream_parts(model: &dyn LanguageModel) -> Vec<StreamPart> {
    stream_items(model).await.into_iter().map(Result::unwrap).collect()
}
