//! A generation's cancellation token, with the future that wakes the task when it is cancelled.
//!
//! `generate_text`'s guard and `stream_text`'s deadlines both watch the token the same way: poll
//! its future once with the task's waker (which the token then wakes), and afterwards, while the
//! same task polls, only ask whether it was cancelled, which is a load instead of a poll.

use std::pin::Pin;
use std::task::Context;

use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

/// The caller's token and its future, boxed: a call without a token pays for neither.
pub(crate) struct Cancellation {
    token: CancellationToken,
    cancelled: Pin<Box<WaitForCancellationFutureOwned>>,
}

impl Cancellation {
    /// Watches `token`, when there is one.
    pub(crate) fn watch(token: Option<CancellationToken>) -> Option<Self> {
        token.map(|token| Cancellation { cancelled: Box::pin(token.clone().cancelled_owned()), token })
    }

    /// Polls the token's future, which then wakes this task when the token is cancelled;
    /// whether it was.
    #[inline]
    pub(crate) fn poll(&mut self, context: &mut Context<'_>) -> bool {
        self.cancelled.as_mut().poll(context).is_ready()
    }

    /// Whether the token was cancelled, without polling (for a task already registered by
    /// [`poll`](Self::poll)).
    #[inline]
    pub(crate) fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}
