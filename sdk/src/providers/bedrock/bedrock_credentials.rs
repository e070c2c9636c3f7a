//! Where Bedrock's AWS credentials come from: the environment, a fixed set, a caller's
//! provider, or (feature `bedrock-aws-config`) the AWS SDK's default chain.
//!
//! Credentials are the AWS SDK's own type ([`Credentials`], whose `Debug` hides the secret and
//! the session token). A provider is asked when a request is signed; what it gives is kept
//! until five minutes before it expires, so temporary credentials (STS, SSO, IMDS) are
//! refreshed before they lapse and a provider is not asked on every request.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
pub use aws_credential_types::Credentials;
use aws_credential_types::provider::ProvideCredentials;

use crate::error::{Error, Result};
use crate::provider_utils::load_setting;

/// The standard AWS variables, read as the AWS SDKs read them.
const ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
const SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
const SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";

/// How long before their expiry cached credentials are refreshed.
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// A source of AWS credentials, asked whenever the cached ones are missing or about to expire.
///
/// ```
/// use specai::bedrock::{BedrockCredentialsProvider, Credentials};
///
/// #[derive(Debug)]
/// struct FromVault;
///
/// #[async_trait::async_trait]
/// impl BedrockCredentialsProvider for FromVault {
///     async fn credentials(&self) -> specai::Result<Credentials> {
///         Ok(Credentials::new("AKID", "secret", None, None, "vault"))
///     }
/// }
/// ```
#[async_trait]
pub trait BedrockCredentialsProvider: Send + Sync + fmt::Debug {
    /// Current credentials; give an expiry on temporary ones so that they are refreshed.
    async fn credentials(&self) -> Result<Credentials>;
}

/// Any AWS SDK credentials provider (`aws_credential_types::provider::SharedCredentialsProvider`,
/// what `aws_config` builds) as a [`BedrockCredentialsProvider`].
#[derive(Debug, Clone)]
pub struct AwsSdkCredentials<P>(pub P);

#[async_trait]
impl<P: ProvideCredentials + fmt::Debug + 'static> BedrockCredentialsProvider
    for AwsSdkCredentials<P>
{
    async fn credentials(&self) -> Result<Credentials> {
        self.0
            .provide_credentials()
            .await
            .map_err(|error| Error::Connection {
                url: "aws credentials provider".to_owned(),
                message: format!("could not load AWS credentials: {error}"),
                source: Some(std::sync::Arc::new(error)),
            })
    }
}

/// The credentials in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnvironmentCredentials;

#[async_trait]
impl BedrockCredentialsProvider for EnvironmentCredentials {
    async fn credentials(&self) -> Result<Credentials> {
        let missing = |env_var: &str| Error::MissingApiKey {
            provider: "Amazon Bedrock (AWS credentials)".to_owned(),
            env_var: env_var.to_owned(),
        };
        let access_key_id =
            load_setting(None, ACCESS_KEY_ID).ok_or_else(|| missing(ACCESS_KEY_ID))?;
        let secret_access_key =
            load_setting(None, SECRET_ACCESS_KEY).ok_or_else(|| missing(SECRET_ACCESS_KEY))?;
        Ok(Credentials::new(
            access_key_id,
            secret_access_key,
            load_setting(None, SESSION_TOKEN),
            None,
            "environment",
        ))
    }
}

/// A fixed set of credentials.
#[derive(Debug, Clone)]
pub struct StaticCredentials(pub Credentials);

#[async_trait]
impl BedrockCredentialsProvider for StaticCredentials {
    async fn credentials(&self) -> Result<Credentials> {
        Ok(self.0.clone())
    }
}

/// The AWS SDK's default credentials chain (environment, profiles, SSO, web identity, ECS,
/// IMDS), loaded at the first request.
#[cfg(feature = "bedrock-aws-config")]
#[derive(Debug, Default)]
pub struct AwsDefaultChain {
    provider: tokio::sync::OnceCell<aws_credential_types::provider::SharedCredentialsProvider>,
}

#[cfg(feature = "bedrock-aws-config")]
#[async_trait]
impl BedrockCredentialsProvider for AwsDefaultChain {
    async fn credentials(&self) -> Result<Credentials> {
        let provider = self
            .provider
            .get_or_init(|| async {
                let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
                config.credentials_provider().unwrap_or_else(|| {
                    aws_credential_types::provider::SharedCredentialsProvider::new(EmptyChain)
                })
            })
            .await;
        AwsSdkCredentials(provider.clone()).credentials().await
    }
}

/// What the default chain gives when it has no provider at all.
#[cfg(feature = "bedrock-aws-config")]
#[derive(Debug)]
struct EmptyChain;

#[cfg(feature = "bedrock-aws-config")]
impl ProvideCredentials for EmptyChain {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::ready(Err(
            aws_credential_types::provider::error::CredentialsError::not_loaded(
                "the AWS default chain found no credentials provider",
            ),
        ))
    }
}

/// A provider with its last answer kept until shortly before it expires.
pub(crate) struct CachedCredentials {
    provider: Arc<dyn BedrockCredentialsProvider>,
    cached: Mutex<Option<Credentials>>,
}

impl fmt::Debug for CachedCredentials {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("CachedCredentials")
            .field("provider", &self.provider)
            .finish_non_exhaustive()
    }
}

impl CachedCredentials {
    pub(crate) fn new(provider: Arc<dyn BedrockCredentialsProvider>) -> Self {
        CachedCredentials {
            provider,
            cached: Mutex::new(None),
        }
    }

    /// Credentials valid for at least [`REFRESH_MARGIN`] more (or without expiry).
    pub(crate) async fn get(&self) -> Result<Credentials> {
        let now = SystemTime::now();
        let fresh = |credentials: &Credentials| {
            credentials
                .expiry()
                .is_none_or(|expiry| now + REFRESH_MARGIN < expiry)
        };
        if let Some(credentials) = self
            .cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_ref()
            .filter(|c| fresh(c))
        {
            return Ok(credentials.clone());
        }
        let credentials = self.provider.credentials().await?;
        *self
            .cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(credentials.clone());
        Ok(credentials)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[derive(Debug, Default)]
    struct Counting {
        calls: AtomicUsize,
        lifetime: Option<Duration>,
    }

    #[async_trait]
    impl BedrockCredentialsProvider for Counting {
        async fn credentials(&self) -> Result<Credentials> {
            let call = self.calls.fetch_add(1, Ordering::SeqCst);
            let expiry = self.lifetime.map(|lifetime| SystemTime::now() + lifetime);
            Ok(Credentials::new(
                format!("AKID{call}"),
                "secret-key",
                Some("session-token".into()),
                expiry,
                "test",
            ))
        }
    }

    #[tokio::test]
    async fn credentials_are_kept_until_shortly_before_expiry() {
        let lasting = Arc::new(Counting {
            lifetime: Some(Duration::from_secs(3600)),
            ..Default::default()
        });
        let cache = CachedCredentials::new(lasting.clone());
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID0");
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID0");
        assert_eq!(lasting.calls.load(Ordering::SeqCst), 1);

        // Expiring within the refresh margin: asked again on every use.
        let expiring = Arc::new(Counting {
            lifetime: Some(Duration::from_secs(60)),
            ..Default::default()
        });
        let cache = CachedCredentials::new(expiring.clone());
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID0");
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID1");
    }

    #[test]
    fn debug_never_shows_the_secret_or_the_token() {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI-secret",
            Some("the-session-token".into()),
            None,
            "t",
        );
        let text = format!(
            "{:?} {:?}",
            credentials,
            StaticCredentials(credentials.clone())
        );
        assert!(
            !text.contains("wJalrXUtnFEMI-secret") && !text.contains("the-session-token"),
            "{text}"
        );
    }
}
