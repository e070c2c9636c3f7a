//! A part stream mapped through a [`PartTransform`]: each part in gives zero or more parts out,
//! and the end of the stream may give a last few. The stream middlewares (extract reasoning,
//! extract JSON, fallback metadata) are each one such transform, polled inline with no task or
//! channel. An error passes through and ends the stream, as errors end every part stream.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::Stream;

use crate::error::Result;
use crate::provider::{PartStream, StreamPart};

/// Maps the parts of a stream.
pub(crate) trait PartTransform: Send + Unpin + 'static {
    /// Maps one part, pushing what replaces it to `out`.
    fn on_part(&mut self, part: StreamPart, out: &mut VecDeque<StreamPart>);

    /// Pushes the last parts when the stream ends without an error.
    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) {
        let _ = out;
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
