//! A provider's HTTP connection as its mapping file describes it: base URL, API key, auth form,
//! static headers and query parameters, operation URLs, error bodies and retryable statuses.
//!
//! Every mapping-driven provider (OpenAI, the OpenAI-compatible vendors, Anthropic, Google) is
//! built on this one type, so that a provider's constants live in `specs/<id>/provider.toml`
//! only: the Rust reads them here and never restates them. What a caller sets
//! ([`ConnectionSettings`]: key, base URL, headers, query parameters, client) overrides the
//! mapping. Two costs are paid once, not per call: the static headers (with the auth header) are
//! built at the first call and kept, and a model builds its operation's URL when it is made
//! ([`ModelOperation`]), unless the key travels in the query.

// Built with Bedrock alone, the methods only chat-style providers call are unused.
#![cfg_attr(not(any(feature = "openai-compatible", feature = "anthropic", feature = "google")), allow(dead_code))]

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use futures::TryFutureExt;
use futures::future::Either;
use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderName, HeaderValue};
use specai_generated::mappings::{Auth, Operation, Operations, ProviderMapping};

use super::api_key::{ApiKey, load_api_key, load_setting, sensitive_header_value};
use super::headers::{LazyHeaders, combine_headers};
use super::extra_request::{WithExtraBody, with_extra_fields, with_extra_query};
use super::mapping_error_parser::MappingErrorParser;
use super::provider_settings::ConnectionSettings;
use super::idle_timeout::within_idle_timeout;
use super::post_to_api::{Endpoint, ModelUrl, json_body, post_json_body, post_multipart};
use super::response_handler::{ApiResponse, ErrorBody, ErrorBodyParser};
use super::token_provider::{CachedToken, TokenProvider};
use crate::error::{Error, Result};
use crate::provider::ExtraRequest;

/// The path of an operation for one model: `{model}` replaced by the model id.
pub(crate) type ModelPath = fn(path: &str, model_id: &str) -> String;

/// A provider's connection, built once from its mapping and the caller's settings and shared by
/// its models.
pub(crate) struct MappedConnection {
    /// The mapping, with any run-time overrides applied.
    pub mapping: ProviderMapping,
    /// The provider name, e.g. `groq`.
    pub name: String,
    base_url: String,
    /// Query parameters for every request (the mapping's and the caller's), pre-encoded.
    query: String,
    headers: LazyHeaders,
    key: Arc<KeySource>,
    client: reqwest::Client,
    /// Reads error bodies at the mapping's paths; retryable statuses and types from the mapping.
    pub errors: MappingErrorParser,
    model_path: ModelPath,
    /// Bearer tokens fetched per request (Entra ID, Google credentials), when configured.
    token: Option<Arc<CachedToken>>,
    max_event_bytes: usize,
    idle_timeout: Option<std::time::Duration>,
}

impl std::fmt::Debug for MappedConnection {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is in `headers` only as a sensitive value, which `HeaderMap` prints redacted.
        formatter
            .debug_struct("MappedConnection")
            .field("name", &self.name)
            .field("base_url", &super::redact_url_with(&self.base_url, self.errors.secret_query_parameters()))
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// Where the API key comes from; loaded at the first call and then kept.
struct KeySource {
    explicit: Option<ApiKey>,
    env: &'static [&'static str],
    deprecated_env: &'static [&'static str],
    optional: bool,
    display_name: &'static str,
    loaded: OnceLock<Option<ApiKey>>,
}

impl KeySource {
    fn load(&self) -> Result<Option<ApiKey>> {
        if let Some(key) = self.loaded.get() {
            return Ok(key.clone());
        }
        let found = match self.explicit.clone().filter(|key| !key.is_empty()) {
            Some(key) => Some(key),
            None => match self.env.iter().find_map(|var| load_setting(None, var)) {
                Some(key) => Some(ApiKey::new(key)),
                None => {
                    let primary = self.env.first().copied().unwrap_or("API_KEY");
                    match load_api_key(None, primary, self.deprecated_env, self.display_name) {
                        Ok(key) => Some(key),
                        Err(_) if self.optional => None,
                        Err(error) => return Err(error),
                    }
                }
            },
        };
        Ok(self.loaded.get_or_init(|| found).clone())
    }

    /// The auth headers of the mapping's auth form (none when the key is in the query or absent).
    fn auth_headers(&self, auth: Auth) -> Result<HeaderMap> {
        let mut headers = HeaderMap::new();
        let Some(key) = self.load()? else { return Ok(headers) };
        match auth {
            Auth::Bearer => {
                headers.insert(AUTHORIZATION, key.bearer_header()?);
            }
            Auth::Header { name, scheme } => {
                let value = match scheme {
                    Some(scheme) => sensitive_header_value(&format!("{scheme} {}", key.expose()))?,
                    None => key.header_value()?,
                };
                headers.insert(HeaderName::from_static(name), value);
            }
            // AWS-signed providers sign each request themselves (the body is part of the signature).
            Auth::Query { .. } | Auth::None | Auth::AwsSigV4 { .. } => {}
        }
        Ok(headers)
    }
}

impl MappedConnection {
    /// The connection of `mapping` with `settings` on top; `error_hook`, when given, reads error
    /// bodies before the mapping's paths. Nothing is read from the environment for the key yet.
    ///
    /// # Errors
    /// No base URL (neither the settings, the variable nor the mapping give one); a static
    /// header value that is not valid in HTTP.
    pub fn new(mapping: ProviderMapping, settings: ConnectionSettings, error_hook: Option<fn(&str) -> Option<ErrorBody>>) -> Result<Self> {
        let settings = settings.checked()?;
        let base_url = base_url(&mapping, settings.base_url.as_deref())?;
        let mut query = reqwest::Url::parse("http://q/").expect("static URL");
        {
            let mut pairs = query.query_pairs_mut();
            for (name, value) in mapping.request.query {
                pairs.append_pair(name, value);
            }
            for (name, value) in &settings.query_params {
                pairs.append_pair(name, value);
            }
        }
        let query = query.query().unwrap_or_default().to_owned();
        let mut mapping_headers = HeaderMap::new();
        // In the headers built once, so that requests need not add it; the caller's may replace it.
        mapping_headers.insert(http::header::USER_AGENT, HeaderValue::from_static(super::post_to_api::USER_AGENT_VALUE));
        for (name, value) in mapping.request.headers {
            let name = HeaderName::from_static(name);
            let value = HeaderValue::from_str(value)
                .map_err(|_| Error::invalid_argument("headers", format!("invalid value of header `{name}`")))?;
            mapping_headers.insert(name, value);
        }
        // The caller's headers replace the mapping's and the auth header (a proxy with its own).
        let fixed = combine_headers(&mapping_headers, &settings.headers);
        let key = Arc::new(KeySource {
            explicit: settings.api_key,
            env: mapping.api_key.env,
            deprecated_env: mapping.api_key.deprecated_env,
            optional: mapping.api_key.optional,
            display_name: mapping.display_name,
            loaded: OnceLock::new(),
        });
        let auth = mapping.auth;
        let header_key = key.clone();
        let headers = LazyHeaders::new(move || Ok(combine_headers(&header_key.auth_headers(auth)?, &fixed)));
        Ok(MappedConnection {
            name: settings.name.unwrap_or_else(|| mapping.id.to_owned()),
            mapping,
            base_url,
            query,
            headers,
            key,
            client: settings.client.unwrap_or_else(super::default_http_client),
            errors: MappingErrorParser::new(mapping.errors, error_hook).with_secret_parameter(match mapping.auth {
                Auth::Query { param } => Some(param),
                _ => None,
            }),
            model_path: |path, model_id| path.replace("{model}", model_id),
            token: None,
            max_event_bytes: settings.max_event_bytes.unwrap_or(super::DEFAULT_MAX_EVENT_BYTES),
            idle_timeout: settings.idle_timeout.unwrap_or(Some(super::DEFAULT_IDLE_TIMEOUT)),
        })
    }

    /// Sends `Authorization: Bearer <token>` from `provider` with every request (unless the
    /// request's headers already carry an authorization), refreshed before the token expires.
    #[cfg_attr(not(any(feature = "azure", feature = "vertex")), allow(dead_code))]
    pub fn with_token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.token = Some(Arc::new(CachedToken::new(provider)));
        self
    }

    /// Adds query parameters sent with every request (after the mapping's and the settings').
    #[cfg_attr(not(feature = "azure"), allow(dead_code))]
    pub fn with_query_params(mut self, params: &[(String, String)]) -> Self {
        let mut url = reqwest::Url::parse("http://q/").expect("static URL");
        if !self.query.is_empty() {
            url.set_query(Some(&self.query));
        }
        url.query_pairs_mut().extend_pairs(params);
        self.query = url.query().unwrap_or_default().to_owned();
        self
    }

    /// `headers` with the bearer token of the token provider added, if there is one.
    #[allow(clippy::manual_async_fn, reason = "an `async fn` keeps its arguments twice in its future")]
    fn authorize(&self, mut headers: HeaderMap) -> impl Future<Output = Result<HeaderMap>> + '_ {
        async move {
            if let Some(token) = &self.token
                && !headers.contains_key(AUTHORIZATION)
            {
                headers.insert(AUTHORIZATION, token.bearer_header().await?);
            }
            Ok(headers)
        }
    }

    /// Builds operation paths with `model_path` instead of replacing `{model}` by the model id.
    #[cfg_attr(not(any(feature = "google", feature = "azure")), allow(dead_code))]
    pub fn with_model_path(mut self, model_path: ModelPath) -> Self {
        self.model_path = model_path;
        self
    }

    /// The URL of an operation when it is the same for every call (the key is not in the query).
    pub fn fixed_url(&self, operation: Option<&Operation>, model_id: &str) -> Option<String> {
        match self.mapping.auth {
            Auth::Query { .. } => None,
            _ => self.url(operation?, model_id).ok(),
        }
    }

    /// The URL of the operation of a capability; `Unsupported` when the mapping has none.
    pub fn operation_url(&self, operation: Option<&Operation>, capability: &str, model_id: &str) -> Result<String> {
        let operation = operation.ok_or_else(|| {
            Error::unsupported(capability, Some(format!("{} has no {capability} operation in its mapping", self.mapping.display_name)))
        })?;
        self.url(operation, model_id)
    }

    /// The full URL of an operation: base URL, prefix and path with `{model}` replaced, the
    /// operation's and the provider's query parameters, and the key when it goes in the query.
    pub fn url(&self, operation: &Operation, model_id: &str) -> Result<String> {
        let path = (self.model_path)(operation.path, model_id);
        let mut url = format!("{}{path}", self.base_url);
        let mut separator = if url.contains('?') { '&' } else { '?' };
        let mut push = |url: &mut String, text: &str| {
            if !text.is_empty() {
                url.push(separator);
                url.push_str(text);
                separator = '&';
            }
        };
        for (name, value) in operation.query {
            push(&mut url, &format!("{name}={value}"));
        }
        push(&mut url, &self.query);
        if let Auth::Query { param } = self.mapping.auth
            && let Some(key) = self.key.load()?
        {
            let encoded: String = reqwest::Url::parse_with_params("http://q/", [(param, key.expose())])
                .ok()
                .and_then(|url| url.query().map(str::to_owned))
                .unwrap_or_default();
            push(&mut url, &encoded);
        }
        Ok(url)
    }

    /// The provider's headers with one call's headers on top.
    pub fn headers(&self, call_headers: &HeaderMap) -> Result<HeaderMap> {
        self.headers.with_call_headers(call_headers)
    }

    /// POSTs a JSON body, with a call's extra members and query parameters; a non-2xx answer is
    /// read with the mapping's error paths.
    ///
    /// The body is serialized here, before the future exists: that is the one part that depends
    /// on its type, and a caller that hands over its body (not a reference) does not keep it in
    /// its own future while the request is out.
    #[cfg_attr(not(feature = "openai-compatible"), allow(dead_code))]
    pub fn post_json<'a, B: serde::Serialize>(
        &'a self,
        url: impl Into<Endpoint<'a>>,
        body: B,
        call_headers: &'a HeaderMap,
        extra: &'a ExtraRequest,
    ) -> impl Future<Output = Result<ApiResponse>> + 'a {
        let url = url.into();
        send_prepared(operation_body(&body, extra), move |body| self.post_json_text(url, body, call_headers, extra))
    }

    /// An `async` block, not an `async fn`, from here down to the request: an `async fn` keeps
    /// its arguments twice in its future.
    #[allow(clippy::manual_async_fn, reason = "an `async fn` keeps its arguments twice in its future")]
    fn post_json_text<'a>(
        &'a self,
        url: Endpoint<'a>,
        body: Bytes,
        call_headers: &'a HeaderMap,
        extra: &'a ExtraRequest,
    ) -> impl Future<Output = Result<ApiResponse>> + 'a {
        async move {
            let headers = self.authorize(self.headers(call_headers)?).await?;
            self.send_json(url, headers, body, extra).await
        }
    }

    /// POSTs a JSON body to a model's operation with these (complete) headers and a call's
    /// extra members and query parameters. The body is serialized before the future exists, as
    /// in [`MappedConnection::post_json`].
    #[cfg_attr(not(any(feature = "google", feature = "vertex", feature = "gateway", feature = "cohere")), allow(dead_code))]
    pub fn post_operation<'a, B: serde::Serialize>(
        &'a self,
        operation: &'a ModelOperation,
        model_id: &'a str,
        body: B,
        headers: HeaderMap,
        extra: &'a ExtraRequest,
    ) -> impl Future<Output = Result<ApiResponse>> + 'a {
        send_prepared(operation_body(&body, extra), move |body| self.post_operation_text(operation, model_id, body, headers, extra))
    }

    /// [`MappedConnection::post_operation`] with the body already serialized
    /// ([`operation_body`]).
    pub(crate) fn post_operation_text<'a>(
        &'a self,
        operation: &'a ModelOperation,
        model_id: &'a str,
        body: Bytes,
        headers: HeaderMap,
        extra: &'a ExtraRequest,
    ) -> impl Future<Output = Result<ApiResponse>> + 'a {
        // Combinators, so that the headers and body are not kept beside the request that took
        // them; a URL built per call (the key travels in its query) is the rare path, boxed.
        self.authorize(headers).and_then(move |headers| match &operation.url {
            Some(url) => Either::Left(self.send_json(Endpoint::from(url), headers, body, extra)),
            None => Either::Right(Box::pin(async move {
                let built = self.operation_url(operation.operation.as_ref(), operation.capability, model_id)?;
                self.send_json(Endpoint::Text(&built), headers, body, extra).await
            })),
        })
    }

    /// POSTs a JSON body to `url` with the call's extra query parameters appended, its stream
    /// events capped at the connection's limit.
    fn send_json<'a>(
        &'a self,
        url: Endpoint<'a>,
        headers: HeaderMap,
        body: Bytes,
        extra: &'a ExtraRequest,
    ) -> impl Future<Output = Result<ApiResponse>> + 'a {
        self.within_limits(extra.idle_timeout, async move {
            match with_extra_query(url, extra) {
                Some(url) => post_json_body(&self.client, Endpoint::Text(&url), headers, body, &self.errors).await,
                None => post_json_body(&self.client, url, headers, body, &self.errors).await,
            }
        })
    }

    /// Awaits a request within the call's idle timeout, when it sets one (`Some(None)`: no
    /// limit), else the connection's; the response carries that timeout and the event cap.
    ///
    /// Combinators, not `async fn`s, from here down: each `async fn` layer would keep its own
    /// copy of the request future beside the one it awaits (see `within_idle_timeout`).
    fn within_limits(
        &self,
        call_idle_timeout: Option<Option<std::time::Duration>>,
        request: impl Future<Output = Result<ApiResponse>>,
    ) -> impl Future<Output = Result<ApiResponse>> {
        let idle_timeout = call_idle_timeout.unwrap_or(self.idle_timeout);
        let max_event_bytes = self.max_event_bytes;
        within_idle_timeout(idle_timeout, request)
            .map_ok(move |response| response.with_max_event_bytes(max_event_bytes).with_idle_timeout(idle_timeout))
    }

    /// Sends a request this connection built (a job's request), within its idle timeout; the
    /// response carries the connection's limits.
    #[cfg_attr(not(feature = "__job-provider"), allow(dead_code))]
    pub fn send<'a>(&'a self, request: reqwest::RequestBuilder, url: &'a str, body: Option<bytes::Bytes>) -> impl Future<Output = Result<ApiResponse>> + 'a {
        self.send_for_call(request, url, body, None)
    }

    /// [`MappedConnection::send`] with a call's own idle timeout over the connection's (`None`:
    /// the connection's; `Some(None)`: no limit).
    #[cfg_attr(not(any(feature = "__job-provider", feature = "bedrock")), allow(dead_code))]
    pub fn send_for_call<'a>(
        &'a self,
        request: reqwest::RequestBuilder,
        url: &'a str,
        body: Option<bytes::Bytes>,
        idle_timeout: Option<Option<std::time::Duration>>,
    ) -> impl Future<Output = Result<ApiResponse>> + 'a {
        self.within_limits(idle_timeout, super::send(request, url, body, &self.errors))
    }

    /// POSTs a multipart form, with a call's extra body members as form fields after the
    /// provider's own and its extra query parameters, within the call's idle timeout; a non-2xx
    /// answer is read with the mapping's error paths.
    #[cfg_attr(
        not(any(
            all(feature = "openai", feature = "image"),
            all(feature = "openai-compatible", feature = "transcription"),
            feature = "elevenlabs",
            feature = "gladia",
            feature = "revai"
        )),
        allow(dead_code)
    )]
    pub async fn post_multipart(
        &self,
        url: &str,
        form: reqwest::multipart::Form,
        call_headers: &HeaderMap,
        extra: &ExtraRequest,
    ) -> Result<ApiResponse> {
        let headers = self.authorize(self.headers(call_headers)?).await?;
        let form = with_extra_fields(form, extra);
        let with_query = with_extra_query(Endpoint::Text(url), extra);
        let url = with_query.as_deref().unwrap_or(url);
        self.within_limits(extra.idle_timeout, post_multipart(&self.client, url, headers, form, &self.errors)).await
    }

    /// The HTTP client, for a provider that sends its own requests (AWS-signed ones).
    #[cfg_attr(not(feature = "bedrock"), allow(dead_code))]
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The base URL, the HTTP client and the static headers, for a generated client.
    #[cfg_attr(not(any(all(feature = "api-client", any(feature = "openai-responses", feature = "anthropic")), feature = "gateway")), allow(dead_code))]
    pub fn client_parts(&self) -> Result<(&str, reqwest::Client, HeaderMap)> {
        Ok((&self.base_url, self.client.clone(), self.headers.get()?.clone()))
    }
}

/// The base URL: the settings', else the mapping's variable, else the mapping's default; the
/// mapping's `path_prefix` appended.
fn base_url(mapping: &ProviderMapping, explicit: Option<&str>) -> Result<String> {
    let base_url = match mapping.base_url_env {
        Some(var) => load_setting(explicit, var),
        None => explicit.filter(|url| !url.trim().is_empty()).map(str::to_owned),
    }
    .or_else(|| mapping.base_url.map(str::to_owned))
    .ok_or_else(|| {
        Error::invalid_argument(
            "base_url",
            format!(
                "{} has no default base URL: pass one in the settings{}",
                mapping.display_name,
                mapping.base_url_env.map(|var| format!(" or set `{var}`")).unwrap_or_default()
            ),
        )
    })?;
    Ok(format!("{}{}", base_url.trim_end_matches('/'), mapping.path_prefix))
}

/// One operation of one model (a capability such as `chat`), with its URL built when the model
/// is made unless the key travels in the query (then each call builds it).
#[derive(Debug, Clone)]
pub(crate) struct ModelOperation {
    operation: Option<Operation>,
    capability: &'static str,
    url: Option<ModelUrl>,
}

impl ModelOperation {
    /// The operation `select` picks from the mapping, for `model_id`; without a connection (its
    /// construction failed, which every call reports) there is none.
    pub fn new(connection: Option<&MappedConnection>, select: fn(&Operations) -> Option<&Operation>, capability: &'static str, model_id: &str) -> Self {
        let operation = connection.and_then(|connection| select(&connection.mapping.operations).copied());
        let url = connection.and_then(|connection| connection.fixed_url(operation.as_ref(), model_id)).map(ModelUrl::new);
        ModelOperation { operation, capability, url }
    }

    /// The URL built when the model was made, if any.
    #[cfg(all(test, feature = "anthropic"))]
    pub fn url(&self) -> Option<&ModelUrl> {
        self.url.as_ref()
    }
}

/// A model operation's JSON body as sent: `body` with a call's extra members merged in.
pub(crate) fn operation_body<B: serde::Serialize + ?Sized>(body: &B, extra: &ExtraRequest) -> Result<Bytes> {
    json_body(&WithExtraBody { body, extra })
}

/// The request future `send` starts from what was built up front (a serialized body, headers),
/// or the error building it gave, as a future that is ready at once: a future never holds the
/// inputs it was built from.
pub(crate) fn send_prepared<T, R, F: Future<Output = Result<R>>>(
    prepared: Result<T>,
    send: impl FnOnce(T) -> F,
) -> Either<F, std::future::Ready<Result<R>>> {
    match prepared {
        Ok(prepared) => Either::Left(send(prepared)),
        Err(error) => Either::Right(std::future::ready(Err(error))),
    }
}
