//! SSE events mapped to stream parts by a provider's decoder, one `Stream` deep.
//!
//! Every SSE-based provider does the same around its decoder: poll the event stream, hand each
//! event to the decoder, which pushes zero or more [`StreamPart`]s, hand it the end (`[DONE]` or
//! the end of the body), and end the stream at the first error. [`PartsStream`] is that loop,
//! with no task or channel between the socket and the caller; the decoder ([`EventMapper`]) is
//! the provider's one place that knows its wire events.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures::Stream;

use super::sse::{SseEvent, SseStream};
use crate::error::Result;
use crate::provider::StreamPart;

/// A provider's stream decoder: maps each SSE event, then the end of the stream, to parts.
pub trait EventMapper: Send + Unpin + 'static {
    /// Maps one event (never `[DONE]`), pushing parts to `out`.
    fn on_event(&mut self, event: &SseEvent, out: &mut VecDeque<StreamPart>) -> Result<()>;

    /// Maps the end of the stream (`[DONE]`, or the end of the body), pushing the last parts.
    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()>;
}

pin_project_lite::pin_project! {
    /// SSE events mapped to parts by an [`EventMapper`]; an error ends the stream.
    pub struct PartsStream<S, M> {
        #[pin]
        events: SseStream<S>,
        mapper: M,
        pending: VecDeque<StreamPart>,
        done: bool,
    }
}

impl<S, M> PartsStream<S, M> {
    /// Maps `events` with `mapper`.
    pub fn new(events: SseStream<S>, mapper: M) -> Self {
        PartsStream { events, mapper, pending: VecDeque::with_capacity(4), done: false }
    }

    /// Maps `events` with `mapper`, yielding `first` (usually the stream start) before them.
    pub fn starting_with(events: SseStream<S>, mapper: M, first: StreamPart) -> Self {
        let mut stream = Self::new(events, mapper);
        stream.pending.push_back(first);
        stream
    }
}

impl<S, B, E, M> Stream for PartsStream<S, M>
where
    S: Stream<Item = std::result::Result<B, E>>,
    B: Into<Bytes>,
    E: std::error::Error + Send + Sync + 'static,
    M: EventMapper,
{
    type Item = Result<StreamPart>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if let Some(part) = this.pending.pop_front() {
                return Poll::Ready(Some(Ok(part)));
            }
            if *this.done {
                return Poll::Ready(None);
            }
            let result = match ready!(this.events.as_mut().poll_next(context)) {
                Some(Ok(event)) if event.is_done() => {
                    *this.done = true;
                    this.mapper.on_end(this.pending)
                }
                Some(Ok(event)) => this.mapper.on_event(&event, this.pending),
                Some(Err(error)) => Err(error),
                None => {
                    *this.done = true;
                    this.mapper.on_end(this.pending)
                }
            };
            if let Err(error) = result {
                *this.done = true;
                this.pending.clear();
                return Poll::Ready(Some(Err(error)));
            }
        }
    }
}
