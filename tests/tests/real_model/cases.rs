//! The real-model test cases, written once and run through each way of reaching the local
//! llama.cpp server (`openai_chat.rs`: the OpenAI provider's chat-completions model;
//! `llamacpp_preset.rs`: the `llamacpp` mapping of the OpenAI-compatible adapter).
//!
//! Every call sets `temperature(0.0)` (the server's output is then deterministic) and
//! `max_output_tokens` (the server ignores `max_completion_tokens`, and without a limit the tiny
//! model rambles for ~50 s), and `max_retries(0)`: the server is local, so an error is never
//! transient and a retry would only hide it behind backoff. The model is SmolLM2-135M: the
//! assertions are on structure (text, finish reasons, a tool call whose input parses into its
//! type, JSON that parses into a struct, vectors), never on facts.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use futures::StreamExt;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use specai::provider::{EmbeddingModel, FinishReason, LanguageModel, ProviderOptions, ToolChoice};
use specai::{
    Output, PrepareStepResult, TextStreamPart, Tool, ToolError, cosine_similarity, embed,
    embed_many, generate_object, generate_text, step_count_is, stream_text,
};

use crate::support::local_server::EMBEDDING_DIMENSIONS;

/// Prints how long one case took (run with `--nocapture` to see it).
fn report(label: &str, started: Instant) {
    eprintln!(
        "real-model timing: {label}: {:.2} s",
        started.elapsed().as_secs_f64()
    );
}

fn natural_finish(reason: FinishReason) -> bool {
    matches!(reason, FinishReason::Stop | FinishReason::Length)
}

/// `generate_text`: non-empty text, a natural finish reason, the usage the server reports in
/// non-streamed responses.
pub async fn generate(label: &str, model: Arc<dyn LanguageModel>) {
    let started = Instant::now();
    let result = generate_text(model)
        .system("You are a helpful assistant. Answer in one short sentence.")
        .prompt("Say hello.")
        .temperature(0.0)
        .max_output_tokens(32)
        .max_retries(0)
        .await
        .unwrap_or_else(|error| panic!("{label}: generate_text failed: {error:?}"));
    report(&format!("{label}: generate_text"), started);
    assert!(
        !result.text().trim().is_empty(),
        "{label}: empty text: {:?}",
        result.content()
    );
    assert!(
        natural_finish(result.finish_reason()),
        "{label}: finish reason {:?}",
        result.finish_reason()
    );
    assert!(
        result.usage().input_tokens.total.unwrap_or(0) > 0,
        "{label}: usage {:?}",
        result.usage()
    );
    assert!(
        result.usage().output_tokens.total.unwrap_or(0) > 0,
        "{label}: usage {:?}",
        result.usage()
    );
    // The server rejects `developer` messages and content-part arrays: a system string and a
    // user string must have been sent.
    let body = result.request().body.as_ref().and_then(|body| body.json()).expect("request body");
    assert_eq!(body["messages"][0]["role"], "system", "{label}: {body}");
    assert!(
        body["messages"][1]["content"].is_string(),
        "{label}: {body}"
    );
    assert_eq!(body["max_tokens"], 32, "{label}: {body}");
}

/// `stream_text`: several deltas that concatenate to the final text; a natural finish reason.
/// The server sends no usage in streams: the stream must still end cleanly.
pub async fn stream(label: &str, model: Arc<dyn LanguageModel>) {
    let started = Instant::now();
    let mut result = stream_text(model)
        .prompt("Name three colors.")
        .temperature(0.0)
        .max_output_tokens(32)
        .max_retries(0)
        .start();
    let mut streamed = String::new();
    let mut deltas = 0;
    {
        let mut text_stream = result.text_stream();
        while let Some(delta) = text_stream.next().await {
            streamed.push_str(
                &delta.unwrap_or_else(|error| panic!("{label}: stream error: {error:?}")),
            );
            deltas += 1;
        }
    }
    let finish_reason = result
        .finish_reason()
        .await
        .unwrap_or_else(|error| panic!("{label}: {error:?}"));
    let text = result
        .text()
        .await
        .unwrap_or_else(|error| panic!("{label}: {error:?}"));
    let usage = result
        .usage()
        .await
        .unwrap_or_else(|error| panic!("{label}: {error:?}"));
    report(&format!("{label}: stream_text ({deltas} deltas)"), started);
    assert!(
        deltas > 1,
        "{label}: a real stream has several deltas, got {deltas}: {streamed:?}"
    );
    assert!(!streamed.trim().is_empty(), "{label}: empty stream");
    assert_eq!(
        text, streamed,
        "{label}: the deltas do not concatenate to the final text"
    );
    assert!(
        natural_finish(finish_reason),
        "{label}: finish reason {finish_reason:?}"
    );
    eprintln!("{label}: stream usage (the server sends none in streams): {usage:?}");
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct WeatherInput {
    /// The city to report on.
    pub city: String,
}

fn forced_weather_tool_choice() -> ToolChoice {
    ToolChoice::Tool {
        tool_name: "get_weather".into(),
    }
}

/// A typed tool that counts its executions.
fn weather_tool(executions: Arc<AtomicUsize>) -> Tool {
    Tool::typed::<WeatherInput>("Get the current weather in a city.").execute(
        move |input: WeatherInput, _context| {
            let executions = executions.clone();
            async move {
                executions.fetch_add(1, Ordering::SeqCst);
                Ok::<_, ToolError>(format!("It is 18 degrees and sunny in {}.", input.city))
            }
        },
    )
}

/// A forced tool call (the server constrains it by grammar): one call of the tool, its input
/// parses into the typed struct, the tool ran once, finish reason `tool-calls`.
pub async fn forced_tool_call(label: &str, model: Arc<dyn LanguageModel>) {
    let executions = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let result = generate_text(model)
        .prompt("What is the weather in Paris?")
        .tool("get_weather", weather_tool(executions.clone()))
        .tool_choice(forced_weather_tool_choice())
        .temperature(0.0)
        .max_output_tokens(64)
        .max_retries(0)
        .await
        .unwrap_or_else(|error| {
            panic!("{label}: generate_text with a forced tool failed: {error:?}")
        });
    report(&format!("{label}: forced tool call"), started);
    let calls: Vec<_> = result.tool_calls().collect();
    assert_eq!(calls.len(), 1, "{label}: {:?}", result.content());
    assert_eq!(calls[0].tool_name, "get_weather");
    assert!(!calls[0].invalid, "{label}: invalid call {:?}", calls[0]);
    let input: WeatherInput =
        serde_json::from_value(calls[0].input.clone()).unwrap_or_else(|error| {
            panic!(
                "{label}: input {} is not a WeatherInput: {error}",
                calls[0].input
            )
        });
    assert_eq!(result.finish_reason(), FinishReason::ToolCalls, "{label}");
    assert_eq!(
        executions.load(Ordering::SeqCst),
        1,
        "{label}: the tool did not run once"
    );
    let results: Vec<_> = result.tool_results().collect();
    assert_eq!(results.len(), 1, "{label}: {:?}", result.content());
    assert_eq!(results[0].tool_call_id, calls[0].tool_call_id);
    assert_eq!(
        results[0].output,
        json!(format!("It is 18 degrees and sunny in {}.", input.city))
    );
    let body = result.request().body.as_ref().and_then(|body| body.json()).expect("request body");
    assert_eq!(
        body["tool_choice"],
        json!({"type": "function", "function": {"name": "get_weather"}}),
        "{label}"
    );
}

/// The same forced call, streamed: the server repeats the id and the function name in every
/// chunk, and only `arguments` must be appended. The input must parse, the name must not be
/// doubled, and the tool must run once.
pub async fn streamed_forced_tool_call(label: &str, model: Arc<dyn LanguageModel>) {
    let executions = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut result = stream_text(model)
        .prompt("What is the weather in Paris?")
        .tool("get_weather", weather_tool(executions.clone()))
        .tool_choice(forced_weather_tool_choice())
        .temperature(0.0)
        .max_output_tokens(64)
        .max_retries(0)
        .start();
    let mut input_deltas = String::new();
    let mut input_starts = 0;
    {
        let mut parts = result.full_stream();
        while let Some(part) = parts.next().await {
            match part.unwrap_or_else(|error| panic!("{label}: stream error: {error:?}")) {
                TextStreamPart::ToolInputStart { tool_name, .. } => {
                    assert_eq!(tool_name, "get_weather", "{label}");
                    input_starts += 1;
                }
                TextStreamPart::ToolInputDelta { delta, .. } => input_deltas.push_str(&delta),
                TextStreamPart::ToolError(error) => panic!("{label}: tool error part: {error:?}"),
                _ => {}
            }
        }
    }
    let calls: Vec<_> = result
        .tool_calls()
        .await
        .unwrap_or_else(|error| panic!("{label}: {error:?}"))
        .cloned()
        .collect();
    let finish_reason = result
        .finish_reason()
        .await
        .unwrap_or_else(|error| panic!("{label}: {error:?}"));
    report(&format!("{label}: streamed forced tool call"), started);
    assert_eq!(calls.len(), 1, "{label}: {calls:?}");
    assert_eq!(calls[0].tool_name, "get_weather");
    assert!(!calls[0].invalid, "{label}: invalid call {:?}", calls[0]);
    let _: WeatherInput = serde_json::from_value(calls[0].input.clone()).unwrap_or_else(|error| {
        panic!(
            "{label}: input {} is not a WeatherInput: {error}",
            calls[0].input
        )
    });
    assert_eq!(input_starts, 1, "{label}: one tool-input-start expected");
    let streamed_input: Value = serde_json::from_str(&input_deltas).unwrap_or_else(|error| {
        panic!("{label}: the input deltas {input_deltas:?} are not JSON: {error}")
    });
    assert_eq!(
        streamed_input, calls[0].input,
        "{label}: the input deltas do not concatenate to the input"
    );
    assert_eq!(finish_reason, FinishReason::ToolCalls, "{label}");
    assert_eq!(
        executions.load(Ordering::SeqCst),
        1,
        "{label}: the tool did not run once"
    );
}

/// Two steps: a forced call, the tool's result sent back, then a plain answer. The second
/// request carries the assistant's tool call (the server rejects `content: null` there) and a
/// `tool` message.
pub async fn tool_round_trip(label: &str, model: Arc<dyn LanguageModel>) {
    let executions = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let result = generate_text(model)
        .prompt("What is the weather in Paris?")
        .tool("get_weather", weather_tool(executions.clone()))
        .temperature(0.0)
        .max_output_tokens(48)
        .max_retries(0)
        .stop_when(step_count_is(2))
        .prepare_step(|context| match context.step_number {
            0 => PrepareStepResult::new().tool_choice(forced_weather_tool_choice()),
            _ => PrepareStepResult::new().tool_choice(ToolChoice::None),
        })
        .await
        .unwrap_or_else(|error| panic!("{label}: the tool round trip failed: {error:?}"));
    report(&format!("{label}: tool round trip (2 steps)"), started);
    assert_eq!(result.steps.len(), 2, "{label}: {:?}", result.steps);
    assert_eq!(result.steps[0].tool_calls().count(), 1, "{label}");
    assert_eq!(result.steps[0].tool_results().count(), 1, "{label}");
    assert_eq!(executions.load(Ordering::SeqCst), 1, "{label}");
    assert!(
        !result.text().trim().is_empty(),
        "{label}: empty answer after the tool result"
    );
    assert!(
        natural_finish(result.finish_reason()),
        "{label}: finish reason {:?}",
        result.finish_reason()
    );
    let body = result
        .request()
        .body
        .as_ref()
        .and_then(|body| body.json())
        .expect("request body of the second step");
    let roles: Vec<&str> = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "assistant", "tool"], "{label}: {body}");
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Person {
    pub name: String,
    pub age: u32,
}

/// The prompt for the JSON cases. The tiny model needs an example of the shape: given only the
/// schema (in the system message) it tends to echo the schema back.
const PERSON_PROMPT: &str =
    "Give a person's name and age as JSON, for example {\"name\": \"Tom\", \"age\": 41}.";

/// JSON mode without a schema (`Output::json()`: `response_format: json_object`, constrained
/// by grammar on this server), the JSON parsed into a typed struct.
pub async fn json_mode_into_struct(label: &str, model: Arc<dyn LanguageModel>) {
    let started = Instant::now();
    let result = generate_text(model)
        .output(Output::json())
        .prompt(PERSON_PROMPT)
        .temperature(0.0)
        .max_output_tokens(64)
        .max_retries(0)
        .await
        .unwrap_or_else(|error| panic!("{label}: JSON-mode generate_text failed: {error:?}"));
    report(&format!("{label}: JSON mode into a struct"), started);
    let body = result.request().body.as_ref().and_then(|body| body.json()).expect("request body");
    assert_eq!(
        body["response_format"],
        json!({"type": "json_object"}),
        "{label}"
    );
    let person: Person = serde_json::from_value(result.output.clone())
        .unwrap_or_else(|error| panic!("{label}: {} is not a Person: {error}", result.output));
    eprintln!(
        "{label}: JSON mode: name {:?}, age {}",
        person.name, person.age
    );
}

/// `generate_object::<Person>()` (a schema) with the given provider options; the server only
/// takes `json_object`, so the provider must send that with the schema in the system message.
pub async fn object_with_schema_as_json_object(
    label: &str,
    model: Arc<dyn LanguageModel>,
    provider_options: ProviderOptions,
) {
    let started = Instant::now();
    let result = generate_object::<Person>(model)
        .prompt(PERSON_PROMPT)
        .provider_options(provider_options)
        .temperature(0.0)
        .max_output_tokens(64)
        .max_retries(0)
        .await
        .unwrap_or_else(|error| panic!("{label}: generate_object failed: {error:?}"));
    report(
        &format!("{label}: generate_object (json_object + schema)"),
        started,
    );
    let body = result.request().body.as_ref().and_then(|body| body.json()).expect("request body");
    assert_eq!(
        body["response_format"],
        json!({"type": "json_object"}),
        "{label}"
    );
    let system = body["messages"][0]["content"].as_str().unwrap_or_default();
    assert!(
        system.contains("\"age\""),
        "{label}: the schema is not in the system message: {body}"
    );
    let person = &result.output;
    eprintln!(
        "{label}: generate_object: name {:?}, age {}",
        person.name, person.age
    );
}

/// `embed_many` with several values: one vector per value, in input order, 576 floats each.
pub async fn embeddings(label: &str, model: Arc<dyn EmbeddingModel>) {
    let values = [
        "The cat sat on the mat.",
        "A cat was sitting on a rug.",
        "Stock markets fell today.",
        "Rust is a programming language.",
    ];
    let started = Instant::now();
    let result = embed_many(model.clone())
        .values(values)
        .max_retries(0)
        .await
        .unwrap_or_else(|error| panic!("{label}: embed_many failed: {error:?}"));
    report(
        &format!("{label}: embed_many ({} values)", values.len()),
        started,
    );
    assert_eq!(result.values, values, "{label}: values not in input order");
    assert_eq!(result.embeddings.len(), values.len(), "{label}");
    for embedding in &result.embeddings {
        assert_eq!(embedding.len(), EMBEDDING_DIMENSIONS, "{label}");
        assert!(embedding.iter().all(|value| value.is_finite()), "{label}");
        assert!(
            embedding.iter().any(|value| *value != 0.0),
            "{label}: a zero vector"
        );
    }
    // Input order: a value embedded alone gets the vector found at its index (mean pooling of
    // the same tokens; allow float noise from batching).
    let alone = embed(model)
        .value(values[2])
        .max_retries(0)
        .await
        .unwrap_or_else(|error| panic!("{label}: embed failed: {error:?}"));
    let similarity = |a: &[f32], b: &[f32]| cosine_similarity(a, b).unwrap();
    for (index, embedding) in result.embeddings.iter().enumerate() {
        let same = similarity(embedding, &alone.embedding);
        if index == 2 {
            assert!(
                same > 0.999,
                "{label}: value 2 alone differs from its batch vector ({same})"
            );
        } else {
            assert!(
                same < 0.999,
                "{label}: vector {index} equals the vector of value 2 ({same})"
            );
        }
    }
}

/// An agent with a tool that needs approval: the forced call stops the first run with an
/// approval request (no tool run); the second run, with the approval, runs the tool and the
/// model answers from its result. Two model calls in all.
pub async fn agent_with_approval(label: &str, model: Arc<dyn LanguageModel>) {
    let executions = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tool = weather_tool(executions.clone()).needs_approval(true);
    let agent = specai::Agent::builder(model)
        .instructions("You are a weather assistant.")
        .tool("get_weather", tool)
        .temperature(0.0)
        .max_output_tokens(48)
        .max_retries(0)
        // Force the call on a first step, and a plain answer after a tool result.
        .prepare_step(|context| match context.messages.last() {
            Some(specai::provider::Message::Tool { .. }) => {
                PrepareStepResult::new().tool_choice(ToolChoice::None)
            }
            _ => PrepareStepResult::new().tool_choice(forced_weather_tool_choice()),
        })
        .build();
    let prompt = "What is the weather in Paris?";
    let first = agent
        .generate(prompt)
        .await
        .unwrap_or_else(|error| panic!("{label}: the agent's first run failed: {error:?}"));
    assert_eq!(first.steps.len(), 1, "{label}: {:?}", first.steps);
    assert_eq!(
        executions.load(Ordering::SeqCst),
        0,
        "{label}: the tool ran without approval"
    );
    let requests: Vec<_> = first.tool_approval_requests().collect();
    assert_eq!(requests.len(), 1, "{label}: {:?}", first.content());
    let _: WeatherInput = serde_json::from_value(requests[0].tool_call.input.clone())
        .unwrap_or_else(|error| {
            panic!(
                "{label}: {} is not a WeatherInput: {error}",
                requests[0].tool_call.input
            )
        });
    let mut conversation = vec![specai::provider::Message::user(prompt)];
    conversation.extend(first.response_messages());
    conversation.push(specai::provider::Message::tool_approval(vec![
        specai::provider::ToolApprovalResponsePart::approve(requests[0].approval_id.clone()),
    ]));
    let second = agent
        .generate(conversation)
        .await
        .unwrap_or_else(|error| panic!("{label}: the agent's second run failed: {error:?}"));
    report(&format!("{label}: agent with approval (2 runs)"), started);
    assert_eq!(
        executions.load(Ordering::SeqCst),
        1,
        "{label}: the approved tool did not run once"
    );
    assert_eq!(second.steps.len(), 1, "{label}: {:?}", second.steps);
    assert!(
        !second.text().trim().is_empty(),
        "{label}: empty answer after the tool result"
    );
    assert!(
        natural_finish(second.finish_reason()),
        "{label}: {:?}",
        second.finish_reason()
    );
    let body = second.request().body.as_ref().and_then(|body| body.json()).expect("request body");
    let roles: Vec<&str> = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["system", "user", "assistant", "tool"], "{label}: {body}");
    assert_eq!(body["tool_choice"], "none", "{label}: {body}");
}
