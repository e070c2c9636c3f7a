//! The guards of a stream: cancellation and the total, step and chunk deadlines, each armed only
//! when configured, and polled by the driver before each phase.
//!
//! A guard that was polled keeps the task's waker and wakes it when it fires, so between text
//! deltas the driver only asks whether one fired ([`Deadlines::quiet`]), which is a few loads,
//! instead of polling each again (a timer poll is about a hundred instructions).

use std::pin::Pin;
use std::task::{Context, Waker};
use std::time::Duration;

use tokio::time::{Instant, Sleep};
use tokio_util::sync::CancellationToken;

use crate::call_settings::Timeouts;
use crate::error::{Error, TimeoutKind};
use crate::step_engine::Cancellation;

/// The armed guards of a stream.
pub(super) struct Deadlines {
    cancellation: Option<Cancellation>,
    total: Option<Pin<Box<Sleep>>>,
    step: Option<Pin<Box<Sleep>>>,
    /// The first-chunk or between-chunks deadline, with its kind and duration.
    chunk: Option<(Pin<Box<Sleep>>, TimeoutKind, Duration)>,
    /// The waker every armed guard was last polled with; `None` until they are polled, and
    /// again after one is armed.
    registered: Option<Waker>,
}

impl Deadlines {
    /// Guards that watch the token, if any; the deadlines are armed as the stream goes.
    pub(super) fn new(token: Option<CancellationToken>) -> Self {
        Deadlines { cancellation: Cancellation::watch(token), total: None, step: None, chunk: None, registered: None }
    }

    /// Arms the total deadline, when there is one.
    pub(super) fn start_total(&mut self, timeouts: &Timeouts) {
        if let Some(total) = timeouts.total {
            self.total = Some(Box::pin(tokio::time::sleep(total)));
            self.registered = None;
        }
    }

    /// Arms the step and first-chunk deadlines of a new step, when there are any.
    pub(super) fn start_step(&mut self, timeouts: &Timeouts) {
        if let Some(step) = timeouts.step {
            self.step = Some(Box::pin(tokio::time::sleep(step)));
            self.registered = None;
        }
        self.chunk = timeouts.first_chunk.map(|duration| (sleep(duration), TimeoutKind::FirstChunk, duration));
    }

    /// Checks cancellation and the total and step deadlines (only those armed), which then wake
    /// this task when they fire.
    #[inline]
    pub(super) fn poll(&mut self, context: &mut Context<'_>, timeouts: &Timeouts) -> Option<Error> {
        if !self.unguarded() && !self.registered.as_ref().is_some_and(|waker| waker.will_wake(context.waker()))
        {
            self.registered = Some(context.waker().clone());
        }
        if let Some(cancellation) = &mut self.cancellation
            && cancellation.poll(context)
        {
            return Some(Error::Cancelled);
        }
        if let Some(deadline) = &mut self.total
            && deadline.as_mut().poll(context).is_ready()
        {
            let duration = timeouts.total.unwrap_or_default();
            return Some(Error::Timeout { kind: TimeoutKind::Total, duration });
        }
        if let Some(deadline) = &mut self.step
            && deadline.as_mut().poll(context).is_ready()
        {
            let duration = timeouts.step.unwrap_or_default();
            return Some(Error::Timeout { kind: TimeoutKind::Step, duration });
        }
        None
    }

    /// The chunk deadline's error, when it has passed.
    #[inline]
    pub(super) fn poll_chunk(&mut self, context: &mut Context<'_>) -> Option<Error> {
        if let Some((deadline, kind, duration)) = &mut self.chunk
            && deadline.as_mut().poll(context).is_ready()
        {
            return Some(Error::Timeout { kind: *kind, duration: *duration });
        }
        None
    }

    /// Whether the stream may be polled without polling the guards: no chunk deadline is armed
    /// (each part re-arms it), and the other armed guards were polled since they were armed,
    /// with this task's waker, and none has fired.
    #[inline]
    pub(super) fn quiet(&self, waker: &Waker) -> bool {
        self.chunk.is_none() && (self.unguarded() || self.guards_quiet(waker))
    }

    /// Whether no cancellation, total or step guard is armed.
    #[inline]
    fn unguarded(&self) -> bool {
        self.cancellation.is_none() && self.total.is_none() && self.step.is_none()
    }

    /// [`Self::quiet`] for a stream with guards; out of line, as only such a stream asks.
    #[inline(never)]
    fn guards_quiet(&self, waker: &Waker) -> bool {
        self.registered.as_ref().is_some_and(|registered| registered.will_wake(waker))
            && !self.cancellation.as_ref().is_some_and(Cancellation::is_cancelled)
            && !self.total.as_ref().is_some_and(|deadline| deadline.is_elapsed())
            && !self.step.as_ref().is_some_and(|deadline| deadline.is_elapsed())
    }

    /// Whether a chunk deadline is armed.
    #[inline]
    pub(super) fn chunk_is_armed(&self) -> bool {
        self.chunk.is_some()
    }

    /// Arms the between-chunks deadline anew after a part arrived.
    #[inline]
    pub(super) fn rearm_chunk(&mut self, timeouts: &Timeouts) {
        match (timeouts.between_chunks, &mut self.chunk) {
            (None, None) => {}
            (None, Some(_)) => self.chunk = None,
            (Some(duration), Some((deadline, kind, configured))) => {
                deadline.as_mut().reset(Instant::now() + duration);
                *kind = TimeoutKind::BetweenChunks;
                *configured = duration;
            }
            (Some(duration), None) => self.chunk = Some((sleep(duration), TimeoutKind::BetweenChunks, duration)),
        }
    }

    /// Disarms the step's deadlines once its model stream ended.
    pub(super) fn end_stream(&mut self) {
        self.chunk = None;
        self.step = None;
    }

    /// Disarms the step deadline once the step ended.
    pub(super) fn end_step(&mut self) {
        self.step = None;
    }

    /// Disarms every guard: the generation is over.
    pub(super) fn clear(&mut self) {
        *self = Deadlines { cancellation: None, total: None, step: None, chunk: None, registered: None };
    }
}

fn sleep(duration: Duration) -> Pin<Box<Sleep>> {
    Box::pin(tokio::time::sleep(duration))
}
