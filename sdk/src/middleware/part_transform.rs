//! A part stream mapped through a [`PartTransform`]: each part in gives zero or more parts out,
//! and the end of the stream may give a last few. The stream middlewares (extract reasoning,
//! extract JSON, fallback metadata) are each one such transform, polled inline with no task or
//! channel. An error passes through and ends the stream, as errors end every part stream.
//!
//! A middleware that rewrites what the model writes in both kinds of call (extract reasoning,
//! extract JSON) is a [`ContentRewrite`]: its content rewrite and its part transform are all it
//! says, and the one [`LanguageModelMiddleware`] implementation here runs them.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use async_trait::async_trait;
use futures::Stream;

use super::language_model_middleware::LanguageModelMiddleware;
use crate::error::Result;
use crate::provider::{CallOptions, Content, GenerateResponse, LanguageModel, PartStream, StreamPart, StreamResponse};

/// Maps the parts of a stream.
pub(crate) trait PartTransform: Send + Unpin + 'static {
    /// Maps one part, pushing what replaces it to `out`.
    fn on_part(&mut self, part: StreamPart, out: &mut VecDeque<StreamPart>);

    /// Pushes the last parts when the stream ends without an error.
    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) {
        let _ = out;
    }
}

/// A middleware that rewrites the model's output the same way in generate and in stream: the
/// generated content at once, the streamed parts through a fresh [`PartTransform`] per call.
pub(crate) trait ContentRewrite: Send + Sync {
    /// The stream side of the rewrite.
    type Transform: PartTransform;

    /// Rewrites the content of a generate call.
    fn rewrite_content(&self, content: Vec<Content>) -> Vec<Content>;

    /// The transform of one stream call's parts.
    fn stream_transform(&self) -> Self::Transform;
}

#[async_trait]
impl<T: ContentRewrite> LanguageModelMiddleware for T {
    async fn wrap_generate(&self, options: &CallOptions, model: &Arc<dyn LanguageModel>) -> Result<GenerateResponse> {
        let mut response = model.do_generate(options).await?;
        response.content = self.rewrite_content(std::mem::take(&mut response.content));
        Ok(response)
    }

    async fn wrap_stream(&self, options: &CallOptions, model: &Arc<dyn LanguageModel>) -> Result<StreamResponse> {
        let mut response = model.do_stream(options).await?;
        response.stream = transform_parts(response.stream, self.stream_transform());
        Ok(response)
    }
}

/// `stream` mapped through `transform`.
pub(crate) fn transform_parts(stream: PartStream, transform: impl PartTransform) -> PartStream {
    Box::pin(TransformedParts {
        stream,
        transform,
        pending: VecDeque::new(),
        done: false,
    })
}

struct TransformedParts<T> {
    stream: PartStream,
    transform: T,
    pending: VecDeque<StreamPart>,
    done: bool,
}

impl<T: PartTransform> Stream for TransformedParts<T> {
    type Item = Result<StreamPart>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(part) = this.pending.pop_front() {
                return Poll::Ready(Some(Ok(part)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            match ready!(this.stream.as_mut().poll_next(context)) {
                Some(Ok(part)) => this.transform.on_part(part, &mut this.pending),
                Some(Err(error)) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                None => {
                    this.done = true;
                    this.transform.on_end(&mut this.pending);
                }
            }
        }
    }
}
