//! A chat back end for the AI SDK's `useChat`: `POST /api/chat` answers with the UI message
//! stream, `POST /api/chat/text` with the plain text stream (for `TextStreamChatTransport`),
//! `POST /api/completion` with the text stream for `useCompletion`, and `/` serves a minimal page.
//!
//! ```sh
//! cargo run --example chat_server --features axum              # http://127.0.0.1:3000
//! PORT=8080 cargo run --example chat_server --features axum    # or pass the port: -- 8080
//! SPECAI_MODEL=openai:gpt-4o-mini cargo run --example chat_server --features axum
//! ```
//!
//! With `SPECAI_MODEL=<provider>:<model>` it answers with that model from the default registry
//! (e.g. `openai:gpt-4o-mini` with `OPENAI_API_KEY` set); without it, with a small built-in echo
//! model, so that the page works offline. The model can call a `weather` tool.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Json, State};
use axum::Router;
use futures::StreamExt;
use axum::response::Html;
use axum::routing::{get, post};
use schemars::JsonSchema;
use serde::Deserialize;
use specai::provider::{
    BlockId, CallOptions, FinishReason, GenerateResponse, LanguageModel, Message, PartStream, RequestMetadata,
    ResponseMetadata, StreamPart, StreamResponse, Usage, UserPart,
};
use specai::ui_message_stream::{
    ChatRequest, ConvertOptions, TextStreamResponse, UiMessageError, UiMessageStreamOptions, UiMessageStreamResponse,
    convert_to_model_messages,
};
use specai::{StreamTextResult, Tool, ToolError, step_count_is, stream_text};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port = std::env::args().nth(1).or_else(|| std::env::var("PORT").ok()).unwrap_or_else(|| "3000".to_owned());
    let model: Arc<dyn LanguageModel> = match std::env::var("SPECAI_MODEL") {
        Ok(id) => specai::default_registry().language_model(&id)?,
        Err(_) => {
            println!("SPECAI_MODEL is not set: answering with the built-in echo model.");
            Arc::new(EchoModel)
        }
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port.parse::<u16>()?)).await?;
    println!("Chat server on http://{} ({} / {})", listener.local_addr()?, model.provider(), model.model_id());
    axum::serve(listener, app(model)).await?;
    Ok(())
}

/// The routes, for any model.
pub fn app(model: Arc<dyn LanguageModel>) -> Router {
    Router::new()
        .route("/", get(|| async { Html(include_str!("chat_server.html")) }))
        .route("/api/chat", post(chat))
        .route("/api/chat/text", post(chat_text))
        .route("/api/completion", post(completion))
        .with_state(model)
}

#[derive(Deserialize, JsonSchema)]
struct WeatherInput {
    /// The city to report on.
    city: String,
}

/// The UI message stream for a `useChat` request, with the usage as message metadata.
async fn chat(
    State(model): State<Arc<dyn LanguageModel>>,
    request: ChatRequest,
) -> Result<UiMessageStreamResponse, UiMessageError> {
    let options = UiMessageStreamOptions::new().send_sources(true).message_metadata(|event| {
        event.finish().map(|finish| serde_json::json!({"totalTokens": finish.total_usage.total_tokens()}))
    });
    Ok(answer(model, &request)?.into_ui_message_stream_response(options))
}

/// The text stream protocol for the same requests (`TextStreamChatTransport`).
async fn chat_text(
    State(model): State<Arc<dyn LanguageModel>>,
    request: ChatRequest,
) -> Result<TextStreamResponse, UiMessageError> {
    Ok(answer(model, &request)?.into_text_stream_response())
}

/// The conversation goes to the model, which may call the weather tool.
fn answer(model: Arc<dyn LanguageModel>, request: &ChatRequest) -> Result<StreamTextResult, UiMessageError> {
    let messages = convert_to_model_messages(&request.messages, &ConvertOptions::new())?;
    let weather = Tool::typed::<WeatherInput>("Get the current weather in a city").execute(
        |input: WeatherInput, _context| async move {
            Ok::<_, ToolError>(serde_json::json!({"city": input.city, "celsius": 18, "sky": "sunny"}))
        },
    );
    Ok(stream_text(model)
        .system("You are a helpful assistant. Answer briefly.")
        .messages(messages)
        .tool("weather", weather)
        .stop_when(step_count_is(3))
        .start())
}

#[derive(Deserialize)]
struct CompletionRequest {
    prompt: String,
}

/// The text stream protocol for `useCompletion`, which posts `{"prompt": ...}`.
async fn completion(State(model): State<Arc<dyn LanguageModel>>, Json(request): Json<CompletionRequest>) -> TextStreamResponse {
    stream_text(model).prompt(request.prompt).start().into_text_stream_response()
}

/// Answers with the user's last text, word by word: a stand-in that needs no network.
struct EchoModel;

#[async_trait::async_trait]
impl LanguageModel for EchoModel {
    fn provider(&self) -> &str {
        "echo"
    }

    fn model_id(&self) -> &str {
        "echo"
    }

    async fn do_generate(&self, _options: &CallOptions) -> specai::Result<GenerateResponse> {
        Err(specai::Error::unsupported("do_generate", Some("the echo model only streams".to_owned())))
    }

    async fn do_stream(&self, options: &CallOptions) -> specai::Result<StreamResponse> {
        let said = options
            .prompt
            .iter()
            .rev()
            .find_map(|message| match message {
                Message::User { content, .. } => Some(
                    content
                        .iter()
                        .filter_map(|part| match part {
                            UserPart::Text(text) => Some(text.text.as_str()),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                _ => None,
            })
            .unwrap_or_default();
        let id: BlockId = Arc::from("text-0");
        let mut parts = vec![StreamPart::StreamStart { warnings: Vec::new() }, StreamPart::TextStart { id: id.clone(), provider_metadata: None }];
        let answer = format!("You said: {said}");
        parts.extend(answer.split_inclusive(' ').map(|word| StreamPart::TextDelta { id: id.clone(), delta: word.to_owned() }));
        parts.push(StreamPart::TextEnd { id, provider_metadata: None });
        parts.push(StreamPart::Finish {
            usage: Box::new(Usage::from_totals(Some(said.len() as u64), Some(answer.len() as u64))),
            finish_reason: FinishReason::Stop,
            raw_finish_reason: None,
            provider_metadata: None,
        });
        // A short pause per part, so that the page visibly streams.
        let stream: PartStream = Box::pin(futures::stream::iter(parts).then(|part| async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            Ok(part)
        }));
        Ok(StreamResponse::new(stream, RequestMetadata::default(), ResponseMetadata::default()))
    }
}
