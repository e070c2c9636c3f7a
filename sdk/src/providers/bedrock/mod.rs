//! Amazon Bedrock: language models over Converse and ConverseStream, embedding models (Titan
//! text embeddings v2, Cohere embed) and image models (Nova Canvas, Titan image generator) over
//! InvokeModel, reranking models over the agent runtime's Rerank.
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::bedrock::{BedrockSettings, create_bedrock};
//!
//! // Region from AWS_REGION; SigV4 credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
//! // AWS_SESSION_TOKEN, or a Bedrock API key from AWS_BEARER_TOKEN_BEDROCK.
//! let bedrock = create_bedrock(BedrockSettings::default().with_region("us-east-1"));
//! let model = bedrock.language_model("anthropic.claude-3-5-haiku-20241022-v1:0");
//! let response = specai::generate_text(model).prompt("Hello").await?;
//! # Ok(()) }
//! ```
//!
//! The base URL template (`https://bedrock-runtime.{region}.amazonaws.com`, the agent runtime's
//! for Rerank), the region and key variables, the SigV4 signing name and the retryable
//! statuses and error types come from `specs/bedrock/provider.toml`; the wire types are
//! generated from `specs/bedrock/openapi.json`, which `cargo codegen import` made from AWS's
//! Smithy model. Requests are signed per call over the exact body bytes (`bedrock_signing`);
//! ConverseStream's binary event stream is decoded as it arrives (`bedrock_event_stream`).
//!
//! Auth, first match: the settings' API key (bearer); the settings' credentials provider
//! (SigV4); `AWS_BEARER_TOKEN_BEDROCK` (bearer); the AWS credential variables (SigV4).

mod bedrock_api;
mod bedrock_credentials;
#[cfg(feature = "embedding")]
mod bedrock_embedding_model;
mod bedrock_error;
mod bedrock_event_stream;
#[cfg(feature = "image")]
mod bedrock_image_model;
mod bedrock_language_model;
mod bedrock_options;
mod bedrock_prepare_tools;
#[cfg(feature = "reranking")]
mod bedrock_reranking_model;
mod bedrock_signing;
mod bedrock_stream;
mod convert_to_bedrock_messages;
mod map_bedrock_finish_reason;

/// The wire types, generated from specs/bedrock/openapi.json.
use specai_generated::bedrock::types as wire;
/// The borrowing decode types of the hot stream event (specs/bedrock `lean_schemas`).
use specai_generated::bedrock::lean;

use std::sync::Arc;

use specai_generated::mappings::BEDROCK;

#[cfg(feature = "bedrock-aws-config")]
pub use bedrock_credentials::AwsDefaultChain;
pub use bedrock_credentials::{
    AwsSdkCredentials, BedrockCredentialsProvider, Credentials, EnvironmentCredentials,
    StaticCredentials,
};
#[cfg(feature = "embedding")]
pub use bedrock_embedding_model::BedrockEmbeddingModel;
#[cfg(feature = "image")]
pub use bedrock_image_model::BedrockImageModel;
pub use bedrock_language_model::BedrockLanguageModel;
pub use bedrock_options::{
    BedrockEmbeddingOptions, BedrockGuardrailConfig, BedrockImageOptions, BedrockOptions,
    BedrockReasoningConfig, BedrockReasoningType, BedrockRerankingOptions,
};
#[cfg(feature = "reranking")]
pub use bedrock_reranking_model::BedrockRerankingModel;
pub use map_bedrock_finish_reason::map_bedrock_finish_reason;

#[cfg(feature = "embedding")]
use crate::provider::EmbeddingModel;
#[cfg(feature = "image")]
use crate::provider::ImageModel;
#[cfg(feature = "reranking")]
use crate::provider::RerankingModel;
use crate::provider::{LanguageModel, Provider};
use crate::provider_utils::{ConnectionSettings, connection_setters, provider_models};
use bedrock_api::{AuthSource, BedrockConnection, SharedConnection};

/// How to reach Amazon Bedrock, built with `with_*` methods; every setting is optional. The
/// key, when given, is a Bedrock API key sent as a bearer token instead of a signature; the base
/// URL replaces every operation's (a proxy, a VPC endpoint); headers are sent and signed.
///
/// ```
/// use specai::bedrock::{BedrockSettings, create_bedrock};
///
/// let provider = create_bedrock(BedrockSettings::default().with_region("us-east-1"));
/// let model = provider.language_model("anthropic.claude-3-5-haiku-20241022-v1:0");
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct BedrockSettings {
    connection: ConnectionSettings,
    region: Option<String>,
    credentials_provider: Option<Arc<dyn BedrockCredentialsProvider>>,
}

impl BedrockSettings {
    connection_setters!();

    crate::option_setters::option_setters! {
        /// Sets the AWS region (default: the mapping's region variables, `AWS_REGION` then
        /// `AWS_DEFAULT_REGION`, read when the provider is created).
        with_region(impl Into<String>) => Some(region);
    }

    /// Signs with these credentials.
    pub fn with_credentials(self, credentials: Credentials) -> Self {
        self.with_credentials_provider(StaticCredentials(credentials))
    }

    /// Signs with credentials from this provider, asked again before they expire.
    pub fn with_credentials_provider(mut self, provider: impl BedrockCredentialsProvider + 'static) -> Self {
        self.credentials_provider = Some(Arc::new(provider));
        self
    }

    /// Signs with credentials from the AWS SDK's default chain (profiles, SSO, web identity,
    /// ECS, IMDS), loaded at the first request.
    #[cfg(feature = "bedrock-aws-config")]
    pub fn with_aws_default_chain(self) -> Self {
        self.with_credentials_provider(AwsDefaultChain::default())
    }
}

impl std::fmt::Debug for BedrockSettings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("BedrockSettings")
            .field("connection", &self.connection)
            .field("region", &self.region)
            .field("credentials_provider", &self.credentials_provider)
            .finish_non_exhaustive()
    }
}

/// The Amazon Bedrock provider: hands out language, embedding, image and reranking models.
///
/// Made by [`create_bedrock`]; [`bedrock`] is a default one's language model. With an API key
/// (Bedrock's bearer key) nothing is signed; without one, requests are signed with SigV4.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use serde_json::json;
/// use specai::bedrock::{BedrockSettings, create_bedrock};
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
///
/// let server = TestServer::start([TestResponse::json(200, json!({
///     "output": {"message": {"role": "assistant", "content": [{"text": "Hello!"}]}},
///     "stopReason": "end_turn",
///     "usage": {"inputTokens": 3, "outputTokens": 2, "totalTokens": 5},
///     "metrics": {"latencyMs": 120}
/// }))]).await;
/// let settings = BedrockSettings::default().with_region("us-east-1").with_api_key("bedrock-key").with_base_url(server.base_url());
/// let bedrock = create_bedrock(settings);
/// let result = specai::generate_text(bedrock.language_model("amazon.nova-lite-v1:0")).prompt("Hi").await?;
/// assert_eq!(result.text(), "Hello!");
/// let request = server.single_request();
/// assert_eq!(request.path, "/model/amazon.nova-lite-v1%3A0/converse");
/// assert_eq!(request.header("authorization"), Some("Bearer bedrock-key"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct BedrockProvider {
    connection: SharedConnection,
}

/// A Bedrock provider with these settings. Invalid settings (no region) are reported by every
/// call of its models.
///
/// ```
/// use specai::bedrock::{BedrockSettings, create_bedrock};
/// use specai::provider::LanguageModel;
///
/// let provider = create_bedrock(BedrockSettings::default().with_region("us-east-1").with_api_key("my-key").with_base_url("http://127.0.0.1:8080"));
/// let model = provider.language_model("amazon.nova-lite-v1:0");
/// assert_eq!(model.model_id(), "amazon.nova-lite-v1:0");
/// ```
pub fn create_bedrock(settings: BedrockSettings) -> BedrockProvider {
    let BedrockSettings { mut connection, region, credentials_provider } = settings;
    // The key is Bedrock's bearer key, which the auth source sends, not the mapping's auth.
    let auth = AuthSource::new(connection.api_key.take(), credentials_provider);
    let settings = connection;
    let connection = BedrockConnection::new(BEDROCK, settings, region, auth).map(Arc::new);
    BedrockProvider { connection }
}

/// The language model of this id from a default provider (settings from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::bedrock::bedrock;
///
/// // Region and credentials from AWS_REGION and the AWS variables (or AWS_BEARER_TOKEN_BEDROCK).
/// let answer = specai::generate_text(bedrock("amazon.nova-lite-v1:0")).prompt("Hi!").await?;
/// # Ok(()) }
/// ```
pub fn bedrock(model_id: &str) -> BedrockLanguageModel {
    create_bedrock(BedrockSettings::default()).language_model(model_id)
}

provider_models! {
    impl Provider for BedrockProvider {
        /// The Converse model of this id or ARN, e.g. `anthropic.claude-3-5-haiku-20241022-v1:0`
        /// or an inference profile such as `us.amazon.nova-pro-v1:0`.
        pub fn language_model -> BedrockLanguageModel as language_model: LanguageModel;
        /// The embedding model of this id: `amazon.titan-embed-text-v2:0` or `cohere.embed-*`.
        pub fn embedding_model -> BedrockEmbeddingModel as embedding_model: EmbeddingModel if feature = "embedding";
        /// The image model of this id: `amazon.nova-canvas-v1:0` or `amazon.titan-image-generator-*`.
        pub fn image_model -> BedrockImageModel as image_model: ImageModel if feature = "image";
        /// The reranking model of this id: `amazon.rerank-v1:0` or `cohere.rerank-v3-5:0`.
        pub fn reranking_model -> BedrockRerankingModel as reranking_model: RerankingModel if feature = "reranking";
    }
}

/// ConverseStream's decoder (event-stream frames, then the parts state machine) with raw chunks
/// on, over `bytes`, for the fuzz targets (`fuzz/`).
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_stream<S, E>(bytes: S, uses_json_response_tool: bool) -> impl futures::Stream<Item = crate::error::Result<crate::provider::StreamPart>>
where
    S: futures::Stream<Item = std::result::Result<bytes::Bytes, E>> + Unpin,
    E: Into<crate::provider_utils::BodyError>,
{
    let errors = bedrock_error::StreamErrorContext {
        url: "http://fuzz.invalid".to_owned(),
        errors: crate::provider_utils::MappingErrorParser::new(BEDROCK.errors, None),
    };
    bedrock_stream::BedrockStream::new(bytes, Vec::new(), uses_json_response_tool, true, errors)
}

/// The event-stream frames of `lines`, one per line: `<eventType> <payload>` an event,
/// `!<exceptionType> <payload>` an exception (the fuzz targets' seed format).
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_frames(lines: &[u8]) -> Vec<u8> {
    use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
    let mut bytes = Vec::new();
    for line in lines.split(|byte| *byte == b'\n') {
        let split = line.iter().position(|byte| *byte == b' ').unwrap_or(line.len());
        let (name, payload) = (String::from_utf8_lossy(&line[..split]).into_owned(), line.get(split + 1..).unwrap_or_default());
        let (kind, name_header, name) = match name.strip_prefix('!') {
            Some(exception) => ("exception", ":exception-type", exception.to_owned()),
            None => ("event", ":event-type", name),
        };
        let headers = vec![
            Header::new(name_header, HeaderValue::String(name.into())),
            Header::new(":content-type", HeaderValue::String("application/json".into())),
            Header::new(":message-type", HeaderValue::String(kind.into())),
        ];
        let message = Message::new_from_parts(headers, bytes::Bytes::copy_from_slice(payload));
        // Writing to a vector fails only for a frame over the format's 16 MB limit.
        let _ = aws_smithy_eventstream::frame::write_message_to(&message, &mut bytes);
    }
    bytes
}

#[cfg(test)]
mod tests;
