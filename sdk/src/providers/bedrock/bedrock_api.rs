//! The connection every Bedrock model shares: URLs from `specs/bedrock/provider.toml` with the
//! region filled in, the mapping-driven static headers and error paths, and per-request auth
//! (a SigV4 signature over the exact body bytes, or a Bedrock API key as a bearer token).

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue};
use specai_generated::mappings::{Auth, Operation, ProviderMapping};

use super::bedrock_credentials::{
    BedrockCredentialsProvider, CachedCredentials, EnvironmentCredentials,
};
use super::bedrock_error::{StreamErrorContext, with_amazon_error_type};
use super::bedrock_signing::{SigningScope, sign_request};
use crate::error::{Error, Result};
use crate::provider::ExtraRequest;
use crate::provider_utils::extra_request::with_extra_query;
use crate::provider_utils::{
    ApiKey, ApiResponse, ConnectionSettings, Endpoint, MappedConnection, load_setting, operation_body, send_prepared,
};

/// The shared connection of one provider, or the error building it gave (reported by every call).
pub(crate) type SharedConnection = Result<Arc<BedrockConnection>>;

/// The provider id a model reports, also when its connection could not be built.
pub(crate) fn provider_id(connection: &SharedConnection) -> &str {
    match connection {
        Ok(connection) => &connection.provider_id,
        Err(_) => super::bedrock_options::PROVIDER_KEY,
    }
}

/// Declares a Bedrock model type: the provider name it reports, its id and the provider's shared
/// connection, built by `new(model_id, connection)`; every Bedrock model kind is one.
macro_rules! bedrock_model {
    ($(#[$meta:meta])* pub struct $model:ident;) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $model {
            provider: String,
            model_id: String,
            connection: $crate::providers::bedrock::bedrock_api::SharedConnection,
        }

        impl $model {
            pub(crate) fn new(model_id: &str, connection: $crate::providers::bedrock::bedrock_api::SharedConnection) -> Self {
                let provider = $crate::providers::bedrock::bedrock_api::provider_id(&connection).to_owned();
                $model { provider, model_id: model_id.to_owned(), connection }
            }
        }
    };
}

pub(crate) use bedrock_model;

/// How requests prove who sends them.
#[derive(Debug)]
pub(crate) enum AuthSource {
    /// A Bedrock API key given in the settings.
    ApiKey(ApiKey),
    /// A credentials provider given in the settings.
    Credentials(CachedCredentials),
    /// The environment, read at the first call: a Bedrock API key from the mapping's key
    /// variables if one is set, else AWS credentials from the standard variables.
    Environment {
        api_key: OnceLock<Option<ApiKey>>,
        credentials: CachedCredentials,
    },
}

impl AuthSource {
    pub(crate) fn new(
        api_key: Option<ApiKey>,
        provider: Option<Arc<dyn BedrockCredentialsProvider>>,
    ) -> Self {
        match (api_key.filter(|key| !key.is_empty()), provider) {
            (Some(key), _) => AuthSource::ApiKey(key),
            (None, Some(provider)) => AuthSource::Credentials(CachedCredentials::new(provider)),
            (None, None) => AuthSource::Environment {
                api_key: OnceLock::new(),
                credentials: CachedCredentials::new(Arc::new(EnvironmentCredentials)),
            },
        }
    }
}

/// A Bedrock connection: the mapping's connection, the region and the auth.
#[derive(Debug)]
pub(crate) struct BedrockConnection {
    connection: MappedConnection,
    region: Option<String>,
    /// Whether the caller gave the base URL (then every operation goes there: a proxy).
    custom_base_url: bool,
    auth: AuthSource,
    /// The provider id models report.
    pub provider_id: String,
}

impl BedrockConnection {
    /// The connection for `mapping` with these settings; the region fills `{region}` in URLs.
    pub(crate) fn new(
        mapping: ProviderMapping,
        settings: ConnectionSettings,
        region: Option<String>,
        auth: AuthSource,
    ) -> Result<Self> {
        let region = region
            .filter(|region| !region.trim().is_empty())
            .or_else(|| region_from_env(&mapping));
        let custom_base_url = settings.base_url.is_some();
        let base_url = match (&settings.base_url, mapping.base_url, &region) {
            (Some(url), _, _) => url.clone(),
            (None, Some(template), Some(region)) => template.replace("{region}", region),
            (None, _, None) => return Err(missing_region(&mapping)),
            (None, None, Some(_)) => {
                return Err(Error::invalid_argument(
                    "base_url",
                    "Amazon Bedrock's mapping has no base URL",
                ));
            }
        };
        let settings = ConnectionSettings {
            base_url: Some(base_url),
            api_key: None,
            ..settings
        };
        let connection =
            MappedConnection::new(mapping, settings, None)?.with_model_path(model_path);
        Ok(BedrockConnection {
            provider_id: connection.name.clone(),
            connection,
            region,
            custom_base_url,
            auth,
        })
    }

    /// The mapping this connection follows.
    pub(crate) fn mapping(&self) -> &ProviderMapping {
        &self.connection.mapping
    }

    /// The region, needed for signing and for model ARNs.
    pub(crate) fn region(&self) -> Result<&str> {
        self.region
            .as_deref()
            .ok_or_else(|| missing_region(&self.connection.mapping))
    }

    /// The URL of an operation for a model; an operation served from another host (the agent
    /// runtime) uses its own base URL unless the caller set one.
    pub(crate) fn url(
        &self,
        operation: Option<&Operation>,
        capability: &str,
        model_id: &str,
    ) -> Result<String> {
        let operation = operation.ok_or_else(|| {
            Error::unsupported(
                capability,
                Some("Amazon Bedrock's mapping has no such operation".to_owned()),
            )
        })?;
        match operation.base_url {
            Some(template) if !self.custom_base_url => Ok(format!(
                "{}{}",
                template.replace("{region}", self.region()?),
                model_path(operation.path, model_id)
            )),
            _ => self.connection.url(operation, model_id),
        }
    }

    /// POSTs `body` (JSON) to `url` with a call's extra members and query parameters (signed
    /// with them) and within its idle timeout, signed or with the API key; a non-2xx answer is an [`Error::ApiCall`] with
    /// the AWS error type.
    ///
    /// The body is serialized before the future exists, so a caller that hands it over does
    /// not keep it while the request is out.
    pub(crate) fn post_json<'a, B: serde::Serialize>(
        &'a self,
        url: &'a str,
        body: B,
        call_headers: &'a HeaderMap,
        extra: &'a ExtraRequest,
        accept: &'static str,
    ) -> impl Future<Output = Result<ApiResponse>> + 'a {
        send_prepared(operation_body(&body, extra), move |body| self.post_json_bytes(url, body, call_headers, extra, accept))
    }

    /// [`BedrockConnection::post_json`] once the body is bytes.
    async fn post_json_bytes(
        &self,
        url: &str,
        body: Bytes,
        call_headers: &HeaderMap,
        extra: &ExtraRequest,
        accept: &'static str,
    ) -> Result<ApiResponse> {
        let with_query = with_extra_query(Endpoint::Text(url), extra);
        let url = with_query.as_deref().unwrap_or(url);
        let mut headers = self.connection.headers(call_headers)?;
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static(accept));
        self.authorize(url, &mut headers, &body).await?;
        let request = self
            .connection
            .client()
            .post(url)
            .headers(headers)
            .body(body.clone());
        self.connection
            .send_for_call(request, url, Some(body), extra.idle_timeout)
            .await
            .map_err(|error| with_amazon_error_type(error, &self.connection.errors))
    }

    /// What exception frames of a stream from `url` are read with.
    pub(crate) fn stream_errors(&self, url: String) -> StreamErrorContext {
        StreamErrorContext {
            url,
            errors: self.connection.errors,
        }
    }

    /// Adds the auth headers for this request.
    async fn authorize(&self, url: &str, headers: &mut HeaderMap, body: &[u8]) -> Result<()> {
        let credentials = match &self.auth {
            AuthSource::ApiKey(key) => return bearer(headers, key),
            AuthSource::Credentials(credentials) => credentials,
            AuthSource::Environment {
                api_key,
                credentials,
            } => {
                let env = self.connection.mapping.api_key.env;
                if let Some(key) = api_key.get_or_init(|| {
                    env.iter()
                        .find_map(|var| load_setting(None, var))
                        .map(ApiKey::new)
                }) {
                    return bearer(headers, key);
                }
                credentials
            }
        };
        let credentials = credentials.get().await?;
        let Auth::AwsSigV4 { service, .. } = self.connection.mapping.auth else {
            return Err(Error::invalid_argument(
                "auth",
                "Amazon Bedrock's mapping must name aws-sigv4 auth",
            ));
        };
        sign_request(
            "POST",
            url,
            headers,
            body,
            &credentials,
            SigningScope {
                region: self.region()?,
                service,
            },
            SystemTime::now(),
        )
    }
}

fn bearer(headers: &mut HeaderMap, key: &ApiKey) -> Result<()> {
    headers.insert(AUTHORIZATION, key.bearer_header()?);
    Ok(())
}

/// The region from the mapping's region variables (`AWS_REGION`, `AWS_DEFAULT_REGION`).
fn region_from_env(mapping: &ProviderMapping) -> Option<String> {
    match mapping.auth {
        Auth::AwsSigV4 { region_env, .. } => {
            region_env.iter().find_map(|var| load_setting(None, var))
        }
        _ => None,
    }
}

fn missing_region(mapping: &ProviderMapping) -> Error {
    let variables = match mapping.auth {
        Auth::AwsSigV4 { region_env, .. } => region_env.join("` or `"),
        _ => String::new(),
    };
    Error::invalid_argument(
        "region",
        format!(
            "{} needs an AWS region: pass one in the settings or set `{variables}`",
            mapping.display_name
        ),
    )
}

/// An operation path with `{modelId}` filled: model ids may be ARNs (`arn:aws:bedrock:...:
/// inference-profile/...`), so everything but unreserved characters is percent-encoded.
fn model_path(path: &str, model_id: &str) -> String {
    let mut encoded = String::with_capacity(model_id.len());
    for byte in model_id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    path.replace("{modelId}", &encoded)
}

#[cfg(test)]
mod tests {
    use specai_generated::mappings::BEDROCK;

    use super::*;

    fn connection(base_url: Option<&str>) -> BedrockConnection {
        let settings = ConnectionSettings {
            base_url: base_url.map(str::to_owned),
            ..Default::default()
        };
        BedrockConnection::new(
            BEDROCK,
            settings,
            Some("eu-west-3".into()),
            AuthSource::new(None, None),
        )
        .unwrap()
    }

    #[test]
    fn urls_follow_the_mapping_with_the_region_and_encoded_model_ids() {
        let connection = connection(None);
        let operations = BEDROCK.operations;
        assert_eq!(
            connection
                .url(
                    operations.chat.as_ref(),
                    "chat",
                    "anthropic.claude-3-5-sonnet-20240620-v1:0"
                )
                .unwrap(),
            "https://bedrock-runtime.eu-west-3.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"
        );
        assert_eq!(
            connection
                .url(
                    operations.chat_stream.as_ref(),
                    "chat",
                    "arn:aws:bedrock:eu-west-3:1:inference-profile/eu.x"
                )
                .unwrap(),
            "https://bedrock-runtime.eu-west-3.amazonaws.com/model/arn%3Aaws%3Abedrock%3Aeu-west-3%3A1%3Ainference-profile%2Feu.x/converse-stream"
        );
        assert_eq!(
            connection
                .url(operations.rerank.as_ref(), "rerank", "cohere.rerank-v3-5:0")
                .unwrap(),
            "https://bedrock-agent-runtime.eu-west-3.amazonaws.com/rerank"
        );
        // A caller's base URL (a proxy) serves every operation.
        let proxied = self::connection(Some("http://127.0.0.1:9/bedrock"));
        assert_eq!(
            proxied
                .url(operations.rerank.as_ref(), "rerank", "m")
                .unwrap(),
            "http://127.0.0.1:9/bedrock/rerank"
        );
    }

    #[test]
    fn a_missing_region_is_a_clear_error() {
        if std::env::var_os("AWS_REGION").is_some()
            || std::env::var_os("AWS_DEFAULT_REGION").is_some()
        {
            return;
        }
        let error = BedrockConnection::new(
            BEDROCK,
            ConnectionSettings::default(),
            None,
            AuthSource::new(None, None),
        )
        .unwrap_err();
        assert!(error.to_string().contains("AWS_REGION"), "{error}");
    }
}
