//! Bearer tokens that expire: a caller's token source (Microsoft Entra ID for Azure, Google's
//! Application Default Credentials for Vertex) behind one trait, and a cache that asks it again
//! shortly before the token it gave expires.
//!
//! Static API keys are built into a provider's headers once; a token is fetched per request from
//! the cache instead, so that a long-lived provider never sends an expired token. One refresh runs
//! at a time: calls that find the token stale wait for that refresh rather than each asking the
//! token source.

// A build with no provider (only `mcp` or `axum`, say) uses only the public trait.
#![cfg_attr(not(feature = "__chat-provider"), allow(dead_code))]

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use http::HeaderValue;

use super::api_key::ApiKey;
use crate::error::Result;

/// A bearer token and the time it stops being valid (`None`: until the server says otherwise).
#[derive(Clone, Debug)]
pub struct AccessToken {
    /// The token, redacted in `Debug`.
    pub token: ApiKey,
    /// When the token expires.
    pub expires_at: Option<SystemTime>,
}

impl AccessToken {
    /// A token valid until `expires_at`.
    pub fn new(token: impl Into<ApiKey>, expires_at: Option<SystemTime>) -> Self {
        AccessToken { token: token.into(), expires_at }
    }

    /// A token valid for `lifetime` from now (what OAuth's `expires_in` says).
    pub fn expires_in(token: impl Into<ApiKey>, lifetime: Duration) -> Self {
        AccessToken::new(token, SystemTime::now().checked_add(lifetime))
    }
}

/// Where bearer tokens come from, e.g. Microsoft Entra ID through `azure_identity`, or Google's
/// Application Default Credentials. Called again when the last token is about to expire.
///
/// ```
/// use specai::provider_utils::{AccessToken, TokenProvider, token_provider_fn};
///
/// // Any async function returning a token (here a fixed one, valid for an hour).
/// let provider = token_provider_fn(|| async { Ok(AccessToken::expires_in("token", std::time::Duration::from_secs(3600))) });
/// # let _: std::sync::Arc<dyn TokenProvider> = provider;
/// ```
#[async_trait]
pub trait TokenProvider: Send + Sync {
    /// A new token.
    async fn token(&self) -> Result<AccessToken>;
}

/// A [`TokenProvider`] from an async function.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use std::time::Duration;
/// use specai::provider_utils::{AccessToken, token_provider_fn};
///
/// // E.g. a token from your identity service; here numbered, to show each call asks again.
/// static ISSUED: AtomicU32 = AtomicU32::new(0);
/// let provider = token_provider_fn(|| async {
///     let number = ISSUED.fetch_add(1, Ordering::SeqCst) + 1;
///     Ok(AccessToken::expires_in(format!("token-{number}"), Duration::from_secs(3600)))
/// });
/// assert_eq!(provider.token().await?.token.expose(), "token-1");
/// assert_eq!(provider.token().await?.token.expose(), "token-2");
/// # Ok(()) }
/// ```
pub fn token_provider_fn<F, Fut>(function: F) -> Arc<dyn TokenProvider>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AccessToken>> + Send + 'static,
{
    struct FunctionProvider<F>(F);

    #[async_trait]
    impl<F, Fut> TokenProvider for FunctionProvider<F>
    where
        F: Fn() -> Fut + Send + Sync,
        Fut: Future<Output = Result<AccessToken>> + Send,
    {
        async fn token(&self) -> Result<AccessToken> {
            (self.0)().await
        }
    }

    Arc::new(FunctionProvider(function))
}

/// How long before its expiry a token is replaced, so that it does not expire in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A token provider's last token, reused until [`REFRESH_MARGIN`] before it expires.
pub(crate) struct CachedToken {
    provider: Arc<dyn TokenProvider>,
    cached: tokio::sync::Mutex<Option<(HeaderValue, Option<SystemTime>)>>,
}

impl std::fmt::Debug for CachedToken {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("CachedToken(<redacted>)")
    }
}

impl CachedToken {
    pub fn new(provider: Arc<dyn TokenProvider>) -> Self {
        CachedToken { provider, cached: tokio::sync::Mutex::new(None) }
    }

    /// `Bearer <token>` (marked sensitive), from the cache or, when stale, from the provider.
    pub async fn bearer_header(&self) -> Result<HeaderValue> {
        let mut cached = self.cached.lock().await;
        if let Some((header, expires_at)) = cached.as_ref()
            && expires_at.is_none_or(|expires_at| SystemTime::now() + REFRESH_MARGIN < expires_at)
        {
            return Ok(header.clone());
        }
        let token = self.provider.token().await?;
        let header = token.token.bearer_header()?;
        *cached = Some((header.clone(), token.expires_at));
        Ok(header)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn counting(lifetime: Duration) -> (Arc<AtomicU32>, CachedToken) {
        let calls = Arc::new(AtomicU32::new(0));
        let counter = calls.clone();
        let provider = token_provider_fn(move || {
            let call = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok(AccessToken::expires_in(format!("t{call}"), lifetime)) }
        });
        (calls, CachedToken::new(provider))
    }

    #[tokio::test]
    async fn reuses_a_token_until_shortly_before_it_expires() {
        let (calls, cache) = counting(Duration::from_secs(3600));
        assert_eq!(cache.bearer_header().await.unwrap(), "Bearer t1");
        assert_eq!(cache.bearer_header().await.unwrap(), "Bearer t1");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(cache.bearer_header().await.unwrap().is_sensitive());

        // A token within the refresh margin of its expiry is replaced at every call.
        let (calls, cache) = counting(Duration::from_secs(30));
        assert_eq!(cache.bearer_header().await.unwrap(), "Bearer t1");
        assert_eq!(cache.bearer_header().await.unwrap(), "Bearer t2");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failed_refresh_is_reported_and_retried_next_call() {
        let calls = Arc::new(AtomicU32::new(0));
        let counter = calls.clone();
        let cache = CachedToken::new(token_provider_fn(move || {
            let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
            async move {
                if first {
                    Err(crate::error::Error::invalid_argument("credentials", "token endpoint said no"))
                } else {
                    Ok(AccessToken::new("t", None))
                }
            }
        }));
        assert!(cache.bearer_header().await.unwrap_err().to_string().contains("token endpoint said no"));
        assert_eq!(cache.bearer_header().await.unwrap(), "Bearer t");
        assert_eq!(format!("{cache:?}"), "CachedToken(<redacted>)");
    }
}
