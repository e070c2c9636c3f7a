//! Building blocks that providers share: API keys, HTTP calls with error mapping, SSE and JSON
//! event streams, JSON-output emulation and provider-option parsing; inside the crate, the
//! connection every mapping-driven provider is built on (`MappedConnection`).
//!
//! A provider's call is three steps, each one function here:
//!
//! ```no_run
//! # use specai::provider_utils::*;
//! # use serde::{Deserialize, Serialize};
//! # #[derive(Serialize)] struct ChatRequest<'a> { model: &'a str, stream: bool }
//! # #[derive(Deserialize)] struct ChatChunk { text: String }
//! # async fn example(client: &reqwest::Client, call_headers: &http::HeaderMap) -> specai::Result<()> {
//! use futures::StreamExt;
//! // Built once per provider; the key is read on the first call.
//! let headers = LazyHeaders::new(|| {
//!     let key = load_api_key(None, "ACME_API_KEY", &[], "Acme")?;
//!     let mut headers = http::HeaderMap::new();
//!     headers.insert(http::header::AUTHORIZATION, key.bearer_header()?);
//!     Ok(headers)
//! });
//! let errors = JsonErrorParser::new(); // {"error": {"message", "type", "code"}} and friends
//! let body = ChatRequest { model: "m", stream: true };
//! let response = post_json(client, "https://api.acme.test/v1/chat", headers.with_call_headers(call_headers)?, &body, &errors).await?;
//! let mut chunks = response.json_events::<ChatChunk>(); // ends at [DONE]
//! while let Some(chunk) = chunks.next().await {
//!     print!("{}", chunk?.value.text);
//! }
//! # Ok(()) }
//! ```

#[cfg(all(test, feature = "__chat-provider"))]
pub(crate) mod allocation_count;
mod api_key;
#[cfg(any(feature = "azure", feature = "vertex"))]
mod base_url_template;
mod default_client;
mod download;
#[cfg(feature = "__provider")]
pub(crate) mod extra_request;
#[cfg(any(feature = "google", feature = "cohere", feature = "openai-compatible"))]
mod generate_id;
#[cfg(any(test, feature = "test-util"))]
pub mod fault_server;
mod headers;
mod idle_timeout;
mod json_event_stream;
mod json_instruction;
// A vendor job's requests (status, result, cancel, upload) over the mapped connection, and its output files.
#[cfg(feature = "__job-provider")]
mod job_requests;
// The mapping-driven connection, for the providers built on it.
#[cfg(feature = "__provider")]
pub(crate) mod json_path;
#[cfg(feature = "__provider")]
mod mapped_connection;
#[cfg(feature = "__provider")]
mod mapping_error_parser;
pub(crate) mod parts_stream;
mod poll_job;
mod post_to_api;
mod provider_options;
mod provider_settings;
mod redact_url;
mod replayed_stream;
mod response_handler;
mod shortest_decimal;
mod speech_audio;
mod strict_json_schema;
mod sse;
#[cfg(any(feature = "anthropic", feature = "bedrock"))]
mod thinking_budget;
mod token_provider;
#[cfg(any(test, feature = "test-util"))]
pub mod test_server;

pub use default_client::{DEFAULT_CONNECT_TIMEOUT, client_with_timeouts, default_http_client};
pub use idle_timeout::{BodyError, DEFAULT_IDLE_TIMEOUT, IdleTimeoutStream};
#[cfg_attr(not(feature = "bedrock"), allow(unused_imports))]
pub(crate) use idle_timeout::body_error;
pub use download::{DEFAULT_MAX_DOWNLOAD_BYTES, Download, detect_audio_media_type, detect_image_media_type, download, transcription_audio};
#[cfg(any(feature = "anthropic", feature = "google", feature = "openai-compatible"))]
pub(crate) use download::concrete_image_media_type;
#[cfg_attr(not(any(feature = "gladia", all(feature = "openai-compatible", feature = "transcription"))), allow(unused_imports))]
pub(crate) use download::audio_file_extension;
pub use poll_job::{Job, JobStatus, PollSettings};
pub use replayed_stream::replayed_stream;
// Used by the job vendors' options; Fireworks' image models (`__job-provider` too) have none.
#[cfg_attr(not(any(feature = "fal", feature = "replicate", feature = "luma", feature = "assemblyai", feature = "gladia", feature = "revai")), allow(unused_imports))]
pub(crate) use poll_job::with_poll_overrides;
#[cfg(any(feature = "azure", feature = "vertex"))]
pub(crate) use base_url_template::fill_base_url;
pub use api_key::{ApiKey, load_api_key, load_setting, sensitive_header_value, without_trailing_slash};
#[cfg(any(feature = "google", feature = "cohere", feature = "openai-compatible"))]
pub(crate) use generate_id::generate_id;
pub use headers::{LazyHeaders, combine_headers};
pub use json_event_stream::{JsonEvent, JsonEventStream, json_events_from_response};
#[cfg_attr(not(any(feature = "bedrock", feature = "cohere", feature = "google", feature = "openai-responses")), allow(unused_imports))]
pub(crate) use json_event_stream::invalid_event;
#[cfg_attr(not(feature = "anthropic"), allow(unused_imports))]
pub(crate) use json_event_stream::invalid_json_event;
pub(crate) use provider_settings::parse_header;
#[cfg_attr(not(feature = "__provider"), allow(unused_imports))]
pub(crate) use provider_settings::{ConnectionSettings, connection_setters};
// Each provider uses some of them; which ones depends on the features built.
#[allow(unused_imports)]
pub(crate) use provider_settings::{
    connection_model, mapped_embedding_limits, mapped_provider, provider_model_methods, provider_models, provider_settings,
};
#[cfg(feature = "__provider")]
#[cfg_attr(not(all(feature = "cohere", feature = "deepgram", feature = "fal")), allow(unused_imports))]
pub(crate) use provider_settings::{SharedConnection, connection_for_call, model_limits, shared_connection};
pub use provider_settings::{HeaderNameInput, HeaderValueInput};
#[cfg(feature = "__provider")]
#[cfg_attr(not(any(feature = "openai-compatible", feature = "anthropic", feature = "google")), allow(unused_imports))]
pub(crate) use mapped_connection::{MappedConnection, ModelOperation};
#[cfg(any(feature = "openai-compatible", feature = "anthropic", feature = "bedrock"))]
pub(crate) use mapped_connection::operation_body;
#[cfg(any(feature = "anthropic", feature = "bedrock"))]
pub(crate) use mapped_connection::send_prepared;
#[cfg(any(feature = "anthropic", feature = "bedrock"))]
pub(crate) use thinking_budget::thinking_budget;
#[cfg(feature = "__job-provider")]
#[cfg_attr(not(all(feature = "fal", feature = "replicate", feature = "luma", feature = "assemblyai", feature = "gladia", feature = "revai")), allow(unused_imports))]
pub(crate) use job_requests::{fetch_output, job_id_segment, job_operation_url, poll_job_status, send_to_job, sniff_image_media_type};
#[cfg(feature = "__provider")]
#[cfg_attr(not(any(feature = "openai-compatible", feature = "anthropic", feature = "google", feature = "gateway")), allow(unused_imports))]
pub(crate) use mapping_error_parser::MappingErrorParser;
pub use json_instruction::{emulate_json_response_format, inject_json_instruction, json_instruction};
pub use parts_stream::{EventMapper, PartsStream};
#[cfg(any(feature = "openai-compatible", feature = "google", feature = "gateway"))]
pub(crate) use parts_stream::map_events_by_data;
pub use post_to_api::{Endpoint, ModelUrl, get, get_json, post_json, post_json_for, post_multipart, send};
pub(crate) use post_to_api::USER_AGENT_VALUE;
pub use provider_options::{parse_provider_options, provider_options_key};
#[allow(unused_imports)]
pub(crate) use provider_options::optional_fields;
pub use redact_url::{redact_url, redact_url_with};
pub(crate) use redact_url::{ParameterNames, RedactedUrl};
pub use response_handler::{
    ApiResponse, ErrorBody, ErrorBodyParser, JsonErrorParser, JsonResponse, ReadResponse, api_call_error, decode_json,
    failed_response, handle_response, transport_error,
};
pub use shortest_decimal::shortest_decimal;
#[cfg_attr(not(any(all(feature = "openai", feature = "speech"), feature = "lmnt", feature = "hume")), allow(unused_imports))]
pub(crate) use speech_audio::listed_format;
#[cfg_attr(not(any(feature = "elevenlabs", feature = "deepgram", feature = "lmnt", feature = "hume")), allow(unused_imports))]
pub(crate) use speech_audio::speech_response;
pub use strict_json_schema::{strict_schema_or_warning, to_strict_schema};
pub use sse::{DEFAULT_MAX_EVENT_BYTES, SseEvent, SseStream, SseText, sse_from_response};
pub use token_provider::{AccessToken, TokenProvider, token_provider_fn};
