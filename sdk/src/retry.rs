//! Retries with exponential backoff and jitter, honouring the server's `retry-after`.
//!
//! Retries happen per model call, only for retryable errors (408, 409, 429, 5xx, connection
//! failures). A `retry-after-ms` or `retry-after` header (seconds or an HTTP date) replaces the
//! computed delay when it asks for no more than [`RetryPolicy::max_server_delay`]; a longer wait
//! is not honoured and the backoff delay is used instead, as the AI SDK does. When every attempt
//! fails, [`Error::RetriesExhausted`] carries each attempt's error.

use std::future::Future;
use std::time::{Duration, SystemTime};

use http::HeaderMap;

use crate::error::{Error, Result};

/// How often and how patiently to retry.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use std::time::Duration;
/// use specai::RetryPolicy;
/// use specai::error::{ApiCallError, Error};
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// // A model that is overloaded once, then answers; quick retries for the example.
/// let overloaded = ApiCallError::new(503, "https://api.example.com/v1/chat", "overloaded");
/// let model = MockLanguageModel::new().with_error(Error::from(overloaded)).with_response(text_response("ok"));
/// let mut policy = RetryPolicy::with_max_retries(3);
/// policy.initial_delay = Duration::from_millis(1);
/// let result = specai::generate_text(model.clone()).prompt("Hi").retry_policy(policy).await?;
/// assert_eq!((result.text(), model.call_count()), ("ok".into(), 2));
/// assert_eq!(RetryPolicy::default().max_retries, 2);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// The delay before the first retry.
    pub initial_delay: Duration,
    /// The factor by which the delay grows per retry.
    pub backoff_factor: f64,
    /// The longest server-requested delay that is honoured.
    pub max_server_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_secs(2),
            backoff_factor: 2.0,
            max_server_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The default policy with another number of retries.
    pub fn with_max_retries(max_retries: u32) -> Self {
        RetryPolicy { max_retries, ..Default::default() }
    }

    /// The delay before retry number `retry` (0-based) after `error`.
    pub fn delay_for(&self, retry: u32, error: &Error) -> Duration {
        let exponential = self.initial_delay.as_secs_f64() * self.backoff_factor.powi(retry as i32);
        // Jitter spreads retries of many clients: a random factor in [0.5, 1.0].
        let backoff = Duration::from_secs_f64(exponential * (0.5 + 0.5 * jitter_fraction()));
        match error.as_api_call().and_then(|api| server_requested_delay(&api.response_headers)) {
            Some(requested) if requested <= self.max_server_delay => requested,
            _ => backoff,
        }
    }
}

/// Runs `operation` until it succeeds, fails with an error that is not retryable, or the retries
/// run out. Delays use `tokio::time::sleep`, so tests can run them on a paused clock.
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use specai::RetryPolicy;
/// use specai::error::{ApiCallError, Error};
/// use specai::retry::retry_with_backoff;
///
/// // Two 429s, then success: three attempts (the paused clock skips the backoff delays).
/// let attempts = AtomicU32::new(0);
/// let result = retry_with_backoff(&RetryPolicy::default(), || async {
///     match attempts.fetch_add(1, Ordering::SeqCst) {
///         0 | 1 => Err(Error::from(ApiCallError::new(429, "https://api.example.com", "rate limited"))),
///         _ => Ok("done"),
///     }
/// })
/// .await;
/// assert_eq!((result.unwrap(), attempts.load(Ordering::SeqCst)), ("done", 3));
/// # }
/// ```
pub async fn retry_with_backoff<T, Operation, Attempt>(policy: &RetryPolicy, mut operation: Operation) -> Result<T>
where
    Operation: FnMut() -> Attempt,
    Attempt: Future<Output = Result<T>>,
{
    let mut errors = Vec::new();
    loop {
        // What is alive across an await is kept in this future, which every call carries
        // whether it retries or not. So the error is taken out of the attempt's result (a
        // `match` on the result would keep a whole response, hundreds of bytes), it lives in a
        // block that ends before the sleep, and the sleep (96 bytes) is boxed: it is allocated
        // only when a retry waits.
        let delay = {
            let error = match operation().await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let retries_done = errors.len() as u32;
            if !error.is_retryable() {
                return Err(if errors.is_empty() { error } else { exhausted(errors, error) });
            }
            if retries_done >= policy.max_retries {
                return Err(if policy.max_retries == 0 { error } else { exhausted(errors, error) });
            }
            let delay = policy.delay_for(retries_done, &error);
            tracing::debug!(attempt = retries_done + 1, ?delay, %error, "retrying model call");
            errors.push(error);
            delay
        };
        Box::pin(tokio::time::sleep(delay)).await;
    }
}

fn exhausted(mut errors: Vec<Error>, last: Error) -> Error {
    errors.push(last);
    Error::RetriesExhausted { errors }
}

/// The delay a server asked for with `retry-after-ms` or `retry-after` (seconds or HTTP date).
///
/// ```
/// use std::time::Duration;
/// use specai::http::{HeaderMap, HeaderValue};
/// use specai::retry::server_requested_delay;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("retry-after", HeaderValue::from_static("3"));
/// assert_eq!(server_requested_delay(&headers), Some(Duration::from_secs(3)));
/// // `retry-after-ms` is more precise and wins.
/// headers.insert("retry-after-ms", HeaderValue::from_static("1500"));
/// assert_eq!(server_requested_delay(&headers), Some(Duration::from_millis(1500)));
/// assert_eq!(server_requested_delay(&HeaderMap::new()), None);
/// ```
pub fn server_requested_delay(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::trim);
    if let Some(milliseconds) = text("retry-after-ms").and_then(|value| value.parse::<f64>().ok())
        && milliseconds.is_finite()
        && milliseconds >= 0.0
    {
        return Some(Duration::from_secs_f64(milliseconds / 1000.0));
    }
    let value = text("retry-after")?;
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// A pseudo-random fraction in [0, 1) for jitter; not cryptographic, no extra dependency.
fn jitter_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_nanos());
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use http::HeaderValue;

    use super::*;
    use crate::error::ApiCallError;

    /// Every model call's future holds this one, retrying or not: neither a result nor an
    /// error stays in it across the backoff, and the backoff's timer is boxed (it held a
    /// 408-byte `Result<GenerateResponse>`, then an 88-byte error and a 96-byte timer).
    #[test]
    fn the_future_keeps_nothing_large_across_the_backoff() {
        let policy = RetryPolicy::default();
        let future = retry_with_backoff(&policy, || async { Ok::<_, Error>([0u8; 4096]) });
        assert!(std::mem::size_of_val(&future) < 128, "{} bytes", std::mem::size_of_val(&future));
    }

    fn api_error(status: u16, retry_after: Option<&str>) -> Error {
        let mut headers = HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert("retry-after", HeaderValue::from_str(value).unwrap());
        }
        ApiCallError::new(status, "http://127.0.0.1/v1/x", "failed").with_headers(headers).into()
    }

    #[tokio::test(start_paused = true)]
    async fn honours_retry_after_seconds_then_succeeds() {
        let attempts = Arc::new(AtomicU32::new(0));
        let started = tokio::time::Instant::now();
        let result = retry_with_backoff(&RetryPolicy::default(), || {
            let attempts = attempts.clone();
            async move {
                match attempts.fetch_add(1, Ordering::SeqCst) {
                    0 => Err(api_error(429, Some("7"))),
                    _ => Ok("done"),
                }
            }
        })
        .await;
        assert_eq!(result.unwrap(), "done");
        assert_eq!(attempts.load(Ordering::SeqCst), 2);
        assert_eq!(started.elapsed(), Duration::from_secs(7));
    }

    #[tokio::test(start_paused = true)]
    async fn gives_every_error_when_retries_run_out() {
        let result: Result<()> =
            retry_with_backoff(&RetryPolicy::default(), || async { Err(api_error(503, None)) }).await;
        match result.unwrap_err() {
            Error::RetriesExhausted { errors } => assert_eq!(errors.len(), 3),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn does_not_retry_client_errors() {
        let attempts = AtomicU32::new(0);
        let result: Result<()> = retry_with_backoff(&RetryPolicy::default(), || {
            attempts.fetch_add(1, Ordering::SeqCst);
            async { Err(api_error(400, None)) }
        })
        .await;
        assert!(matches!(result.unwrap_err(), Error::ApiCall(_)));
        assert_eq!(attempts.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn parses_retry_after_forms() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after-ms", HeaderValue::from_static("1500"));
        assert_eq!(server_requested_delay(&headers), Some(Duration::from_millis(1500)));
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(server_requested_delay(&headers), Some(Duration::from_secs(3)));
        let in_ten_seconds = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_str(&in_ten_seconds).unwrap());
        let delay = server_requested_delay(&headers).unwrap();
        assert!(delay <= Duration::from_secs(10) && delay >= Duration::from_secs(8), "{delay:?}");
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(server_requested_delay(&headers), None);
    }

    #[test]
    fn ignores_server_delays_over_the_limit() {
        let policy = RetryPolicy::default();
        let delay = policy.delay_for(0, &api_error(429, Some("3600")));
        assert!(delay <= Duration::from_secs(2), "{delay:?}");
    }
}
