//! The one poller every long-running vendor job goes through (a queued transcription, an image
//! prediction): submit elsewhere, then poll here with backoff until the job is done, has failed,
//! or the total timeout passes.
//!
//! Why one poller: each vendor's loop would otherwise get its own idea of backoff, of which poll
//! errors are worth another try, and of what happens to the remote job when the caller gives up.
//! Here that is decided once: a retryable poll error (a 5xx, a cut connection) is tried again up
//! to [`PollSettings::max_poll_errors`] times in a row; a failed job is an
//! [`Error::JobFailed`] with the vendor's message; the deadline is an [`Error::Timeout`] of kind
//! [`TimeoutKind::Job`](crate::error::TimeoutKind::Job); and when the poll is dropped before the
//! end (the caller's cancellation token fired, a `select!` lost, a timeout around it), the
//! vendor's cancel request, when the provider gave one, is sent in the background so the job
//! stops costing money.

use std::future::Future;
use std::time::Duration;

use futures::future::BoxFuture;

use crate::error::{Error, Result, TimeoutKind};

/// How a job is polled; `Default` suits vendors whose jobs take seconds to minutes.
///
/// ```
/// use std::time::Duration;
/// use specai::provider_utils::PollSettings;
///
/// // Quick polls for a vendor whose jobs take seconds, at most two minutes in all.
/// let settings = PollSettings::default()
///     .with_intervals(Duration::from_millis(200), Duration::from_secs(2))
///     .with_total_timeout(Duration::from_secs(120));
/// assert_eq!((settings.first_interval, settings.max_interval), (Duration::from_millis(200), Duration::from_secs(2)));
/// assert_eq!(settings.max_poll_errors, 3); // the default tolerance for poll errors in a row
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct PollSettings {
    /// The wait before the first poll.
    pub first_interval: Duration,
    /// The longest wait between two polls.
    pub max_interval: Duration,
    /// The factor each wait grows by.
    pub backoff: f64,
    /// How long the job may take in all, from the first poll.
    pub total_timeout: Duration,
    /// How many retryable poll errors in a row are tolerated before the error is returned.
    pub max_poll_errors: u32,
}

impl Default for PollSettings {
    /// 500 ms, growing by 1.5 up to 5 s between polls; 10 minutes in all; 3 poll errors in a row.
    fn default() -> Self {
        PollSettings {
            first_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(5),
            backoff: 1.5,
            total_timeout: Duration::from_secs(600),
            max_poll_errors: 3,
        }
    }
}

impl PollSettings {
    /// The same settings with another total timeout.
    ///
    /// ```
    /// let settings = specai::provider_utils::PollSettings::default().with_total_timeout(std::time::Duration::from_secs(30));
    /// assert_eq!(settings.total_timeout.as_secs(), 30);
    /// ```
    pub fn with_total_timeout(mut self, total_timeout: Duration) -> Self {
        self.total_timeout = total_timeout;
        self
    }

    /// The same settings with other intervals (first wait, longest wait).
    pub fn with_intervals(mut self, first_interval: Duration, max_interval: Duration) -> Self {
        self.first_interval = first_interval;
        self.max_interval = max_interval.max(first_interval);
        self
    }

    /// The same settings with one call's overrides, in milliseconds, as the AI SDK's
    /// `pollIntervalMillis` (a fixed wait between polls) and `pollTimeoutMillis` (the total
    /// timeout) provider options give them; `None` keeps the provider's.
    ///
    /// ```
    /// use std::time::Duration;
    /// let settings = specai::provider_utils::PollSettings::default().with_call_overrides(Some(250), None);
    /// assert_eq!((settings.first_interval, settings.max_interval), (Duration::from_millis(250), Duration::from_millis(250)));
    /// assert_eq!(settings.total_timeout, Duration::from_secs(600));
    /// ```
    pub fn with_call_overrides(mut self, interval_millis: Option<u64>, timeout_millis: Option<u64>) -> Self {
        if let Some(interval) = interval_millis {
            self.first_interval = Duration::from_millis(interval);
            self.max_interval = self.first_interval;
        }
        if let Some(timeout) = timeout_millis {
            self.total_timeout = Duration::from_millis(timeout);
        }
        self
    }
}

/// A job provider's options struct with the two call-level poll overrides appended
/// (`pollIntervalMillis`, `pollTimeoutMillis`, as the AI SDK names them), which
/// [`PollSettings::with_call_overrides`] applies; every job provider's options take them. Its
/// `Option` fields are optional on the wire (see `optional_fields!`).
#[allow(unused_macros)]
macro_rules! with_poll_overrides {
    ($(#[$meta:meta])* pub struct $name:ident { $($fields:tt)* }) => {
        $crate::provider_utils::optional_fields! {
            $(#[$meta])*
            pub struct $name {
                $($fields)*
                /// The fixed wait between two polls, in milliseconds (instead of the provider's
                /// [`PollSettings`](crate::provider_utils::PollSettings)), as the AI SDK's `pollIntervalMillis`.
                pub poll_interval_millis: Option<u64>,
                /// How long the job may take in all, in milliseconds (instead of the provider's), as the AI
                /// SDK's `pollTimeoutMillis`.
                pub poll_timeout_millis: Option<u64>,
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use with_poll_overrides;

/// What one poll found.
#[derive(Debug, Clone, PartialEq)]
pub enum JobStatus<T> {
    /// Still queued or running; the vendor's status word, when it gave one (for the logs).
    Pending(Option<String>),
    /// Finished, with its result.
    Done(T),
    /// The vendor gave up on it; its message.
    Failed(String),
}

/// A vendor job being polled: who runs it, its id, and how to cancel it.
#[must_use = "a job does nothing until polled with `poll`"]
pub struct Job {
    provider: String,
    job_id: String,
    cancel: Option<Box<dyn FnOnce() -> BoxFuture<'static, ()> + Send>>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Job")
            .field("provider", &self.provider)
            .field("job_id", &self.job_id)
            .field("cancellable", &self.cancel.is_some())
            .finish()
    }
}

impl Job {
    /// A job of this provider, by the vendor's id.
    pub fn new(provider: impl Into<String>, job_id: impl Into<String>) -> Self {
        Job { provider: provider.into(), job_id: job_id.into(), cancel: None }
    }

    /// The request that cancels the job at the vendor, sent when polling stops before the job
    /// ends (dropped, or out of time). Its outcome is only logged: the caller has moved on.
    pub fn cancel_with<F>(mut self, cancel: impl FnOnce() -> F + Send + 'static) -> Self
    where
        F: Future<Output = Result<()>> + Send + 'static,
    {
        let provider = self.provider.clone();
        let job_id = self.job_id.clone();
        self.cancel = Some(Box::new(move || {
            Box::pin(async move {
                if let Err(error) = cancel().await {
                    tracing::warn!(provider, job_id, %error, "cancelling an abandoned vendor job failed");
                }
            })
        }));
        self
    }

    /// The vendor's id of the job.
    pub fn id(&self) -> &str {
        &self.job_id
    }

    /// Polls until the job is done (its result), has failed ([`Error::JobFailed`]) or the total
    /// timeout passes ([`Error::Timeout`], and the job is cancelled).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
    /// use std::time::Duration;
    /// use specai::provider_utils::{Job, JobStatus, PollSettings};
    ///
    /// let mut polls = 0;
    /// let settings = PollSettings::default().with_intervals(Duration::from_millis(1), Duration::from_millis(2));
    /// let transcript = Job::new("acme", "job-1")
    ///     .poll(&settings, || {
    ///         polls += 1;
    ///         let status = if polls < 3 { JobStatus::Pending(Some("processing".into())) } else { JobStatus::Done("hello") };
    ///         async move { Ok(status) }
    ///     })
    ///     .await?;
    /// assert_eq!((transcript, polls), ("hello", 3));
    /// # Ok(()) }
    /// ```
    pub async fn poll<T, F, Fut>(self, settings: &PollSettings, mut poll_once: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<JobStatus<T>>>,
    {
        let mut guard = CancelOnDrop(self.cancel);
        let deadline = tokio::time::Instant::now() + settings.total_timeout;
        let mut interval = settings.first_interval;
        let mut errors_in_a_row = 0;
        loop {
            let wake = tokio::time::Instant::now() + interval;
            if wake > deadline {
                tokio::time::sleep_until(deadline).await;
                guard.cancel_now();
                return Err(Error::Timeout { kind: TimeoutKind::Job, duration: settings.total_timeout });
            }
            tokio::time::sleep_until(wake).await;
            interval = interval.mul_f64(settings.backoff.max(1.0)).min(settings.max_interval);
            match poll_once().await {
                Ok(JobStatus::Done(value)) => {
                    guard.0 = None;
                    return Ok(value);
                }
                Ok(JobStatus::Failed(message)) => {
                    guard.0 = None;
                    return Err(Error::JobFailed { provider: self.provider, job_id: self.job_id, message });
                }
                Ok(JobStatus::Pending(status)) => {
                    errors_in_a_row = 0;
                    tracing::debug!(provider = self.provider, job_id = self.job_id, status, "vendor job pending");
                }
                Err(error) if error.is_retryable() && errors_in_a_row < settings.max_poll_errors => {
                    errors_in_a_row += 1;
                    tracing::debug!(provider = self.provider, job_id = self.job_id, %error, "polling a vendor job failed; polling again");
                }
                Err(error) => return Err(error),
            }
        }
    }
}

/// Sends the vendor's cancel request unless disarmed: the poll was dropped, timed out, or its
/// poll failed for good.
struct CancelOnDrop(Option<Box<dyn FnOnce() -> BoxFuture<'static, ()> + Send>>);

impl CancelOnDrop {
    fn cancel_now(&mut self) {
        let Some(cancel) = self.0.take() else { return };
        // Dropped outside a runtime (a runtime shutting down): nothing can be sent.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(cancel());
        }
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.cancel_now();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn fast() -> PollSettings {
        PollSettings::default().with_intervals(Duration::from_millis(1), Duration::from_millis(4))
    }

    fn counting_cancel(job: Job, cancels: &Arc<AtomicU32>) -> Job {
        let cancels = cancels.clone();
        job.cancel_with(move || async move {
            cancels.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
    }

    #[tokio::test]
    async fn a_failed_job_is_a_typed_error_with_the_vendors_message() {
        let cancels = Arc::new(AtomicU32::new(0));
        let job = counting_cancel(Job::new("acme", "j-9"), &cancels);
        let error = job.poll(&fast(), || async { Ok(JobStatus::<()>::Failed("audio too short".into())) }).await.unwrap_err();
        assert!(
            matches!(&error, Error::JobFailed { provider, job_id, message } if provider == "acme" && job_id == "j-9" && message == "audio too short"),
            "{error:?}"
        );
        tokio::task::yield_now().await;
        assert_eq!(cancels.load(Ordering::SeqCst), 0, "a job that ended is not cancelled");
    }

    #[tokio::test(start_paused = true)]
    async fn the_total_timeout_ends_polling_and_cancels_the_job() {
        let cancels = Arc::new(AtomicU32::new(0));
        let polls = AtomicU32::new(0);
        let job = counting_cancel(Job::new("acme", "j-1"), &cancels);
        let settings = PollSettings::default().with_total_timeout(Duration::from_secs(20));
        let error = job
            .poll(&settings, || {
                polls.fetch_add(1, Ordering::SeqCst);
                async { Ok(JobStatus::<()>::Pending(None)) }
            })
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Timeout { kind: TimeoutKind::Job, duration } if duration.as_secs() == 20), "{error:?}");
        // 0.5, 0.75, 1.125, ... capped at 5 s: about 7 polls in 20 s, not hundreds.
        let polls = polls.load(Ordering::SeqCst);
        assert!((5..=9).contains(&polls), "{polls} polls");
        tokio::task::yield_now().await;
        assert_eq!(cancels.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn dropping_the_poll_cancels_the_job() {
        let cancels = Arc::new(AtomicU32::new(0));
        let job = counting_cancel(Job::new("acme", "j-2"), &cancels);
        let settings = fast();
        let polling = job.poll(&settings, || async { Ok(JobStatus::<()>::Pending(Some("queued".into()))) });
        let outcome = tokio::time::timeout(Duration::from_millis(30), polling).await;
        assert!(outcome.is_err(), "still pending when dropped");
        tokio::task::yield_now().await;
        assert_eq!(cancels.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn retryable_poll_errors_are_tolerated_up_to_the_limit() {
        let calls = AtomicU32::new(0);
        let unavailable = || Error::Connection { url: "http://127.0.0.1/job".into(), message: "reset".into(), source: None };
        // Two failures, then done.
        let value = Job::new("acme", "j-3")
            .poll(&fast(), || {
                let call = calls.fetch_add(1, Ordering::SeqCst);
                async move { if call < 2 { Err(unavailable()) } else { Ok(JobStatus::Done(7)) } }
            })
            .await
            .unwrap();
        assert_eq!(value, 7);
        // Always failing: the fourth error in a row is returned.
        calls.store(0, Ordering::SeqCst);
        let error = Job::new("acme", "j-4")
            .poll(&fast(), || {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err::<JobStatus<()>, _>(unavailable()) }
            })
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Connection { .. }));
        assert_eq!(calls.load(Ordering::SeqCst), 4);
        // A non-retryable error ends polling at once.
        calls.store(0, Ordering::SeqCst);
        let error = Job::new("acme", "j-5")
            .poll(&fast(), || {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err::<JobStatus<()>, _>(Error::invalid_response("bad status body", None, None)) }
            })
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidResponse { .. }));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
