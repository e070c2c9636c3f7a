//! Google Cloud credentials for Vertex, through `gcp_auth`: Application Default Credentials (a
//! service-account key named by `GOOGLE_APPLICATION_CREDENTIALS`, the user credentials of
//! `gcloud auth application-default login`, the metadata server on Google Cloud, the `gcloud`
//! CLI), or a service-account key given directly.
//!
//! `gcp_auth` was chosen over `google-cloud-auth` for its weight: a handful of dependencies over
//! hyper and rustls (which reqwest already brings), against the Google Cloud client libraries'
//! runtime (`google-cloud-gax` and its tree), and it exchanges service-account JWTs at the key's
//! own `token_uri`, which keeps the signing and exchange testable offline. It caches tokens and
//! fetches new ones before they expire; [`TokenProvider`]'s cache adds a minute of margin on top.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use specai_generated::mappings::VERTEX;

use crate::error::{Error, Result};
use crate::provider_utils::{AccessToken, TokenProvider};

/// Where the credentials come from.
enum Source {
    ApplicationDefault,
    ServiceAccountFile(PathBuf),
    /// The key file's text (secret: never printed).
    ServiceAccountJson(String),
}

/// Google Cloud credentials as a [`TokenProvider`] of OAuth access tokens for Vertex (scopes from
/// `specs/vertex/provider.toml`). Nothing is read until the first token is asked for.
///
/// ```no_run
/// use specai::vertex::{GoogleCredentials, VertexSettings, create_vertex};
///
/// let credentials = GoogleCredentials::from_service_account_file("/secrets/vertex-sa.json");
/// let vertex = create_vertex(
///     VertexSettings::default().with_project("my-project").with_location("us-central1").with_credentials(std::sync::Arc::new(credentials)),
/// );
/// ```
pub struct GoogleCredentials {
    source: Source,
    scopes: &'static [&'static str],
    provider: tokio::sync::OnceCell<Arc<dyn gcp_auth::TokenProvider>>,
}

impl GoogleCredentials {
    fn new(source: Source) -> Self {
        GoogleCredentials { source, scopes: VERTEX.oauth_scopes, provider: tokio::sync::OnceCell::new() }
    }

    /// Application Default Credentials, found as `gcloud` and Google's libraries find them.
    pub fn application_default() -> Self {
        GoogleCredentials::new(Source::ApplicationDefault)
    }

    /// A service-account key file.
    pub fn from_service_account_file(path: impl Into<PathBuf>) -> Self {
        GoogleCredentials::new(Source::ServiceAccountFile(path.into()))
    }

    /// A service-account key, as the JSON text of its key file.
    pub fn from_service_account_json(json: impl Into<String>) -> Self {
        GoogleCredentials::new(Source::ServiceAccountJson(json.into()))
    }

    async fn provider(&self) -> Result<&Arc<dyn gcp_auth::TokenProvider>> {
        self.provider
            .get_or_try_init(|| async {
                let provider: Arc<dyn gcp_auth::TokenProvider> = match &self.source {
                    Source::ApplicationDefault => gcp_auth::provider().await.map_err(credentials_error)?,
                    Source::ServiceAccountFile(path) => {
                        Arc::new(gcp_auth::CustomServiceAccount::from_file(path).map_err(credentials_error)?)
                    }
                    Source::ServiceAccountJson(json) => {
                        Arc::new(gcp_auth::CustomServiceAccount::from_json(json).map_err(credentials_error)?)
                    }
                };
                Ok(provider)
            })
            .await
    }
}

/// A credentials failure: no credentials found, an unreadable key, a refused token exchange.
fn credentials_error(error: gcp_auth::Error) -> Error {
    Error::invalid_argument("credentials", format!("Google Cloud credentials: {error}"))
}

#[async_trait]
impl TokenProvider for GoogleCredentials {
    async fn token(&self) -> Result<AccessToken> {
        let token = self.provider().await?.token(self.scopes).await.map_err(credentials_error)?;
        Ok(AccessToken::new(token.as_str(), Some(SystemTime::from(token.expires_at()))))
    }
}

impl std::fmt::Debug for GoogleCredentials {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            Source::ApplicationDefault => "application default".to_owned(),
            Source::ServiceAccountFile(path) => format!("service account key {}", path.display()),
            Source::ServiceAccountJson(_) => "service account key <redacted>".to_owned(),
        };
        formatter.debug_struct("GoogleCredentials").field("source", &source).finish_non_exhaustive()
    }
}
