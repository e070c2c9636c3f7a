//! The real-model cases through the `llamacpp` preset of the OpenAI-compatible adapter
//! (`specs/llamacpp/provider.toml`), pointed at the local server.
//!
//! The preset is written for llama.cpp's own `llama-server`; the local server is
//! llama-cpp-python's, which differs in one way these cases meet: it rejects
//! `response_format: json_schema` (HTTP 500), which `llama-server` accepts and the preset
//! declares. JSON output is therefore tested in JSON mode (`Output::json()`, `json_object`).

use std::sync::Arc;

use specai::openai_compatible::{
    OpenAiCompatibleProvider, OpenAiCompatibleSettings, create_openai_compatible,
};
use specai::provider::ProviderOptions;

use super::cases;
use crate::support::local_server::{self, LocalServer};

const LABEL: &str = "llamacpp preset";

fn provider(server: &LocalServer) -> OpenAiCompatibleProvider {
    create_openai_compatible(
        "llamacpp",
        OpenAiCompatibleSettings::default().with_base_url(server.base_url.clone()),
    )
    .expect("the llamacpp preset is compiled in")
}

#[tokio::test]
async fn llamacpp_preset_generate_text() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::generate(LABEL, Arc::new(provider(server).chat(server.chat_model))).await;
}

#[tokio::test]
async fn llamacpp_preset_stream_text() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::stream(LABEL, Arc::new(provider(server).chat(server.chat_model))).await;
}

#[tokio::test]
async fn llamacpp_preset_forced_tool_call_with_a_typed_input() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::forced_tool_call(LABEL, Arc::new(provider(server).chat(server.chat_model))).await;
}

/// The server's first chunk of a streamed tool call is
/// `"delta": {"role": "assistant", "content": null, "function_call": null, "tool_calls": null}`:
/// the generated chunk types read a `null` list as empty (this once failed with "invalid type:
/// null, expected a sequence").
#[tokio::test]
async fn llamacpp_preset_streamed_forced_tool_call() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::streamed_forced_tool_call(LABEL, Arc::new(provider(server).chat(server.chat_model)))
        .await;
}

#[tokio::test]
async fn llamacpp_preset_tool_round_trip() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::tool_round_trip(LABEL, Arc::new(provider(server).chat(server.chat_model))).await;
}

#[tokio::test]
async fn llamacpp_preset_json_mode_into_a_typed_struct() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::json_mode_into_struct(LABEL, Arc::new(provider(server).chat(server.chat_model))).await;
}

/// `generate_object` with a schema: the preset declares `structured_outputs = "json_object"`, so
/// the schema goes into the system message (llama-cpp-python answers `json_schema` with HTTP 500).
#[tokio::test]
async fn llamacpp_preset_generate_object_with_a_schema() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::object_with_schema_as_json_object(
        LABEL,
        Arc::new(provider(server).chat(server.chat_model)),
        ProviderOptions::new(),
    )
    .await;
}

#[tokio::test]
async fn llamacpp_preset_embed_many() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::embeddings(
        LABEL,
        Arc::new(provider(server).embedding(server.embedding_model)),
    )
    .await;
}
