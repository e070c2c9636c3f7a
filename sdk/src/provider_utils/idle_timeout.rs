//! The default limit on a silent server: no call waits forever.
//!
//! `reqwest::Client::default()` waits forever for a server that accepts the connection and then
//! says nothing. Every mapping-driven provider therefore ends a call with an
//! [`Error::Timeout`] of kind [`TimeoutKind::Idle`] once the server has sent nothing for
//! [`DEFAULT_IDLE_TIMEOUT`] (10 minutes, the official OpenAI and Anthropic SDKs' request
//! timeout): while waiting for the response headers, while reading a whole body, and between
//! the chunks of a stream. `with_idle_timeout(...)` in a provider's settings changes it,
//! `with_idle_timeout(None)` removes it; per call, `CallSettings`' timeouts (total, per step,
//! between chunks) can be tighter.
//!
//! Why not reqwest's `read_timeout`: it re-arms a timer on every read, about 650 instructions
//! per stream event (+5% in the streaming benchmark). The stream here re-arms nothing per
//! chunk: a chunk only sets a flag; the timer fires once per period, and re-arms itself from the
//! flag (so a stall is noticed between one and two periods after the last chunk).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use futures::future::Either;
use futures::{FutureExt, Stream};
use pin_project_lite::pin_project;
use tokio::time::Sleep;

use crate::error::{Error, Result, TimeoutKind};

/// How long a server may stay silent before a call ends: 10 minutes.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(600);

/// Runs `future` (a request waiting for its response, a body being read) for at most `idle`.
///
/// A combinator rather than an `async fn`: an `async fn` would hold `future` twice (as its
/// argument and inside the timeout it awaits), and every caller's future, up to the boxed one a
/// provider returns, grows by that copy and moves it on each call.
pub(crate) fn within_idle_timeout<T, F: Future<Output = Result<T>>>(idle: Option<Duration>, future: F) -> impl Future<Output = Result<T>> {
    match idle {
        None => Either::Left(future),
        Some(idle) => Either::Right(tokio::time::timeout(idle, future).map(move |result| result.unwrap_or(Err(idle_error(idle))))),
    }
}

fn idle_error(idle: Duration) -> Error {
    Error::Timeout { kind: TimeoutKind::Idle, duration: idle }
}

/// Why a response body stopped: the transport failed, or the server went silent.
///
/// The error item of an [`IdleTimeoutStream`], for a provider of your own that reads a body
/// chunk by chunk.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use futures::StreamExt;
/// use specai::provider_utils::{BodyError, IdleTimeoutStream};
///
/// // A body that sends one chunk, then nothing.
/// let (sender, receiver) = futures::channel::mpsc::unbounded::<reqwest::Result<bytes::Bytes>>();
/// sender.unbounded_send(Ok(bytes::Bytes::from_static(b"data: {}\n\n"))).unwrap();
/// let mut body = IdleTimeoutStream::new(receiver, Some(Duration::from_millis(20)));
/// assert!(body.next().await.unwrap().is_ok());
/// match body.next().await.unwrap() {
///     Err(error @ BodyError::Idle(_)) => assert_eq!(error.to_string(), "the server sent nothing for 20ms"),
///     other => panic!("{other:?}"),
/// }
/// # }
/// ```
#[derive(Debug)]
pub enum BodyError {
    /// The connection failed or was cut.
    Transport(reqwest::Error),
    /// Nothing arrived for this long.
    Idle(Duration),
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::Transport(error) => error.fmt(formatter),
            BodyError::Idle(idle) => write!(formatter, "the server sent nothing for {idle:?}"),
        }
    }
}

impl std::error::Error for BodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BodyError::Transport(error) => Some(error),
            BodyError::Idle(_) => None,
        }
    }
}

impl From<reqwest::Error> for BodyError {
    fn from(error: reqwest::Error) -> Self {
        BodyError::Transport(error)
    }
}

/// The error of a body that stopped: a connection error naming `url`, or the idle timeout.
#[cfg_attr(not(feature = "bedrock"), allow(dead_code))]
pub(crate) fn body_error(url: &str, error: BodyError) -> Error {
    match error {
        BodyError::Transport(error) => super::response_handler::transport_error(url, error),
        BodyError::Idle(idle) => idle_error(idle),
    }
}

impl BodyError {
    /// The [`Error::Timeout`] of an idle body, when the error is one (read by stream decoders).
    pub(crate) fn idle_timeout(error: &(dyn std::error::Error + 'static)) -> Option<Error> {
        match error.downcast_ref::<BodyError>() {
            Some(BodyError::Idle(idle)) => Some(idle_error(*idle)),
            _ => None,
        }
    }
}

pin_project! {
    /// A body stream that ends with [`BodyError::Idle`] when no chunk arrives for a period.
    pub struct IdleTimeoutStream<S> {
        #[pin]
        inner: S,
        idle: Option<Duration>,
        // Created at the first wait, so a body that is ready at once costs no timer.
        sleep: Option<Pin<Box<Sleep>>>,
        // The waker the timer holds, from its last poll: while it is this poll's and the timer
        // has not fired, the timer need not be polled again (about 100 instructions a wait).
        registered: Option<Waker>,
        progressed: bool,
    }
}

impl<S> IdleTimeoutStream<S> {
    /// Wraps a body stream; `None` never times out.
    pub fn new(inner: S, idle: Option<Duration>) -> Self {
        IdleTimeoutStream { inner, idle, sleep: None, registered: None, progressed: false }
    }
}

impl<S: Stream<Item = reqwest::Result<Bytes>>> Stream for IdleTimeoutStream<S> {
    type Item = std::result::Result<Bytes, BodyError>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.project();
        if let Poll::Ready(item) = this.inner.poll_next(context) {
            *this.progressed = true;
            return Poll::Ready(item.map(|chunk| chunk.map_err(BodyError::Transport)));
        }
        let Some(idle) = *this.idle else { return Poll::Pending };
        loop {
            let sleep = this.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
            if this.registered.as_ref().is_some_and(|waker| waker.will_wake(context.waker())) && !sleep.is_elapsed() {
                return Poll::Pending;
            }
            if sleep.as_mut().poll(context).is_pending() {
                *this.registered = Some(context.waker().clone());
                return Poll::Pending;
            }
            // The timer fired, and took its waker.
            *this.registered = None;
            if !std::mem::take(this.progressed) {
                *this.idle = None;
                return Poll::Ready(Some(Err(BodyError::Idle(idle))));
            }
            // Chunks came during the period: wait another one from now.
            sleep.as_mut().reset(tokio::time::Instant::now() + idle);
        }
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::*;

    fn chunk(text: &'static str) -> reqwest::Result<Bytes> {
        Ok(Bytes::from_static(text.as_bytes()))
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_that_goes_silent_ends_with_an_idle_error() {
        let (sender, receiver) = futures::channel::mpsc::unbounded();
        let mut stream = IdleTimeoutStream::new(receiver, Some(Duration::from_secs(10)));
        sender.unbounded_send(chunk("a")).unwrap();
        assert_eq!(&stream.next().await.unwrap().unwrap()[..], b"a");
        let started = tokio::time::Instant::now();
        let error = stream.next().await.unwrap().unwrap_err();
        assert!(matches!(error, BodyError::Idle(idle) if idle.as_secs() == 10));
        // Noticed between one and two periods after the last chunk.
        let waited = started.elapsed();
        assert!(waited >= Duration::from_secs(10) && waited <= Duration::from_secs(20), "{waited:?}");
        assert!(matches!(BodyError::idle_timeout(&error), Some(Error::Timeout { kind: TimeoutKind::Idle, .. })));
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_but_steady_stream_is_not_cut() {
        let (sender, receiver) = futures::channel::mpsc::unbounded();
        let mut stream = IdleTimeoutStream::new(receiver, Some(Duration::from_secs(10)));
        tokio::spawn(async move {
            // 30 chunks 7 s apart: 210 s in all, never 10 s of silence.
            for _ in 0..30 {
                tokio::time::sleep(Duration::from_secs(7)).await;
                sender.unbounded_send(chunk("x")).unwrap();
            }
        });
        let mut chunks = 0;
        while let Some(item) = stream.next().await {
            item.unwrap();
            chunks += 1;
        }
        assert_eq!(chunks, 30);
    }

    /// The timer is polled again only when another task polls the stream: the task that waits
    /// at the end must be the one woken.
    #[tokio::test(start_paused = true)]
    async fn a_stream_moved_to_another_task_still_times_out_there() {
        let (_sender, receiver) = futures::channel::mpsc::unbounded::<reqwest::Result<Bytes>>();
        let mut stream = IdleTimeoutStream::new(receiver, Some(Duration::from_secs(10)));
        // Polled once here, so the timer holds this task's waker.
        assert!(futures::poll!(stream.next()).is_pending());
        let waiting = tokio::spawn(async move { stream.next().await.map(|item| item.map(|_| ())) });
        let outcome = tokio::time::timeout(Duration::from_secs(60), waiting).await.expect("the other task is woken").unwrap();
        assert!(matches!(outcome, Some(Err(BodyError::Idle(_)))));
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_limit_a_silent_stream_waits() {
        let (_sender, receiver) = futures::channel::mpsc::unbounded::<reqwest::Result<Bytes>>();
        let mut stream = IdleTimeoutStream::new(receiver, None);
        assert!(tokio::time::timeout(Duration::from_secs(3600), stream.next()).await.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_wait_for_a_response_is_an_idle_timeout() {
        let error = within_idle_timeout(Some(Duration::from_secs(5)), std::future::pending::<Result<()>>()).await.unwrap_err();
        assert!(matches!(error, Error::Timeout { kind: TimeoutKind::Idle, duration } if duration.as_secs() == 5));
    }
}
