//! The OpenAI provider's chat and embedding models against the local SmolLM2 server.

use std::time::Instant;

use futures::StreamExt;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use specai::openai::{OpenAiProvider, OpenAiSettings, create_openai};
use specai::output::Output;
use specai::provider::{FinishReason, ToolChoice};
use specai::tool::Tool;
use specai::{embed_many, generate_text, stream_text};

use crate::support::local_server::{self, EMBEDDING_DIMENSIONS, LocalServer};

fn provider(server: &LocalServer) -> OpenAiProvider {
    create_openai(OpenAiSettings {
        base_url: Some(server.base_url.clone()),
        // The server checks no key; a key is still required by the provider.
        api_key: Some("local".into()),
        ..Default::default()
    })
}

fn report(test: &str, started: Instant) {
    eprintln!("real-model timing: {test}: {:.2?}", started.elapsed());
}

#[tokio::test]
async fn real_model_generate_text() {
    let Some(server) = local_server::shared() else { return };
    let started = Instant::now();
    let result = generate_text(provider(server).chat(server.chat_model))
        .system("You are a helpful assistant.")
        .prompt("Say hello in one short sentence.")
        .temperature(0.0)
        .max_output_tokens(32)
        .await
        .unwrap();
    report("generate_text", started);
    assert!(!result.text().trim().is_empty(), "empty text");
    assert!(matches!(result.finish_reason(), FinishReason::Stop | FinishReason::Length), "{:?}", result.finish_reason());
    assert!(result.usage().input_tokens.total.unwrap_or(0) > 0);
    assert!(result.usage().output_tokens.total.unwrap_or(0) > 0);
}

#[tokio::test]
async fn real_model_stream_text_deltas_concatenate_to_the_final_text() {
    let Some(server) = local_server::shared() else { return };
    let started = Instant::now();
    let mut result = stream_text(provider(server).chat(server.chat_model))
        .prompt("Name three colors.")
        .temperature(0.0)
        .max_output_tokens(32)
        .start();
    let mut streamed = String::new();
    let mut deltas = 0;
    {
        let mut text_stream = result.text_stream();
        while let Some(delta) = text_stream.next().await {
            streamed.push_str(&delta.unwrap());
            deltas += 1;
        }
    }
    report("stream_text", started);
    assert!(deltas > 1, "a real stream has several deltas");
    assert!(!streamed.trim().is_empty());
    assert_eq!(result.text().await.unwrap(), streamed);
}

#[derive(Debug, Deserialize, JsonSchema)]
struct WeatherInput {
    /// The city name.
    city: String,
}

#[tokio::test]
async fn real_model_forced_tool_call_with_a_typed_input() {
    let Some(server) = local_server::shared() else { return };
    let started = Instant::now();
    let result = generate_text(provider(server).chat(server.chat_model))
        .prompt("What is the weather in Paris?")
        .tool("get_weather", Tool::typed::<WeatherInput>("Get the current weather for a city.").without_execute())
        .tool_choice(ToolChoice::Tool { tool_name: "get_weather".into() })
        .temperature(0.0)
        .max_output_tokens(64)
        .await
        .unwrap();
    report("forced tool call", started);
    let calls = result.tool_calls();
    assert_eq!(calls.len(), 1, "{:?}", result.content());
    assert_eq!(calls[0].tool_name, "get_weather");
    assert!(!calls[0].invalid, "{:?}", calls[0]);
    let input: WeatherInput = serde_json::from_value(calls[0].input.clone()).unwrap();
    assert!(!input.city.is_empty());
    assert_eq!(result.finish_reason(), FinishReason::ToolCalls);
}

#[derive(Debug, Deserialize)]
struct Person {
    name: String,
    age: u32,
}

#[tokio::test]
async fn real_model_json_mode_structured_output_into_a_typed_struct() {
    let Some(server) = local_server::shared() else { return };
    let started = Instant::now();
    // JSON mode (`response_format: json_object`, which llama.cpp constrains by grammar; it has no
    // `json_schema`), the shape shown in the prompt, parsed into a typed struct.
    let result = generate_text(provider(server).chat(server.chat_model))
        .output(Output::json())
        .prompt("Invent a person. Answer with a JSON object like {\"name\": \"Anna\", \"age\": 30}.")
        .temperature(0.0)
        .max_output_tokens(64)
        .await
        .unwrap();
    report("structured output", started);
    assert_eq!(result.request().body.as_ref().unwrap()["response_format"], json!({"type": "json_object"}));
    let person: Person = serde_json::from_value(result.output().clone()).unwrap();
    eprintln!("structured output: {} is {}", person.name, person.age);
    assert!(!person.name.is_empty(), "{person:?}");
}

#[tokio::test]
async fn real_model_embed_many() {
    let Some(server) = local_server::shared() else { return };
    let started = Instant::now();
    let values = ["sunny day at the beach", "rainy night in the city", "a cup of hot tea"];
    let result = embed_many(provider(server).embedding(server.embedding_model)).values(values).await.unwrap();
    report("embed_many", started);
    assert_eq!(result.embeddings.len(), values.len());
    for embedding in &result.embeddings {
        assert_eq!(embedding.len(), EMBEDDING_DIMENSIONS);
        assert!(embedding.iter().any(|value| *value != 0.0));
    }
}
