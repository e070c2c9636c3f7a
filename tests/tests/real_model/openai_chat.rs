//! The real-model cases through the OpenAI provider's chat-completions model (the server has no
//! Responses API) and its embedding model, pointed at the local llama.cpp server.

use std::sync::Arc;

use serde_json::json;
use specai::openai::{OpenAiProvider, OpenAiSettings, create_openai};
use specai::provider::ProviderOptions;

use super::cases;
use crate::support::local_server::{self, LocalServer};

const LABEL: &str = "openai chat";

fn provider(server: &LocalServer) -> OpenAiProvider {
    // The server checks no key; the provider requires one.
    create_openai(OpenAiSettings::default().with_api_key("local").with_base_url(server.base_url.clone()))
}

#[tokio::test]
async fn openai_chat_generate_text() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::generate(LABEL, Arc::new(provider(server).chat(server.chat_model))).await;
}

#[tokio::test]
async fn openai_chat_stream_text() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::stream(LABEL, Arc::new(provider(server).chat(server.chat_model))).await;
}

#[tokio::test]
async fn openai_chat_forced_tool_call_with_a_typed_input() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::forced_tool_call(LABEL, Arc::new(provider(server).chat(server.chat_model))).await;
}

#[tokio::test]
async fn openai_chat_streamed_forced_tool_call() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::streamed_forced_tool_call(LABEL, Arc::new(provider(server).chat(server.chat_model)))
        .await;
}

#[tokio::test]
async fn openai_chat_tool_round_trip() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::tool_round_trip(LABEL, Arc::new(provider(server).chat(server.chat_model))).await;
}

#[tokio::test]
async fn openai_chat_json_mode_into_a_typed_struct() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::json_mode_into_struct(LABEL, Arc::new(provider(server).chat(server.chat_model))).await;
}

/// A typed object with its schema: the chat model sends `json_schema` by default (which this
/// server rejects with HTTP 500); the provider option `structured_outputs: false` makes it send
/// `json_object` with the schema in the system message.
#[tokio::test]
async fn openai_chat_generate_object_without_structured_outputs() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::object_with_schema_as_json_object(
        LABEL,
        Arc::new(provider(server).chat(server.chat_model)),
        ProviderOptions::new().with("openai", json!({"structured_outputs": false})),
    )
    .await;
}

#[tokio::test]
async fn openai_embed_many() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::embeddings(
        LABEL,
        Arc::new(provider(server).embedding(server.embedding_model)),
    )
    .await;
}

#[tokio::test]
async fn openai_chat_agent_with_tool_approval() {
    let Some(server) = local_server::shared() else {
        return;
    };
    cases::agent_with_approval(LABEL, Arc::new(provider(server).chat(server.chat_model))).await;
}
