//! A call's extra body members and query parameters reach the wire through every language-model
//! engine: the chat-completions engine, OpenAI's Responses API, Anthropic and Gemini, for
//! generate and stream alike.

use serde_json::{Value, json};

use crate::provider::{CallOptions, ExtraRequest, LanguageModel, Message};
use crate::provider_utils::test_server::{TestResponse, TestServer};

/// Options with a new body member, one that replaces the engine's own `temperature`, and a
/// query parameter.
fn options() -> CallOptions {
    let mut options = CallOptions::new(vec![Message::user("hi")]);
    options.temperature = Some(0.5);
    options.extra = ExtraRequest::default()
        .with_body_member("added_last_week", json!({"on": true}))
        .with_body_member("temperature", 0.25)
        .with_query_param("trace id", "a&b");
    options
}

/// Makes one generate call and one stream call, and checks both requests carry the extras.
async fn assert_extras_reach_the_wire(model: &dyn LanguageModel, server: &TestServer, temperature_path: &str) {
    model.do_generate(&options()).await.unwrap();
    let _ = model.do_stream(&options()).await.map(|response| response.stream);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in requests {
        assert!(request.path.ends_with("trace+id=a%26b"), "{}", request.path);
        let body = request.json();
        assert_eq!(body["added_last_week"], json!({"on": true}));
        assert_eq!(body.pointer(temperature_path), Some(&json!(0.25)), "{body}");
    }
}

fn answers(answer: Value) -> Vec<TestResponse> {
    // The stream's answer is not read: only its request is checked.
    vec![TestResponse::json(200, answer.clone()), TestResponse::json(200, answer)]
}

#[cfg(feature = "openai")]
#[tokio::test]
async fn chat_completions_and_responses_send_the_extras() {
    use crate::openai::{OpenAiSettings, create_openai};

    let chat = json!({"id": "c", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]});
    let server = TestServer::start(answers(chat)).await;
    let provider = create_openai(OpenAiSettings::default().with_api_key("k").with_base_url(server.url("/v1")));
    assert_extras_reach_the_wire(&provider.chat("gpt-4o-mini"), &server, "/temperature").await;

    #[cfg(feature = "openai-responses")]
    {
        let responses = json!({"id": "r", "object": "response", "created_at": 1, "status": "completed", "model": "m",
            "output": [{"type": "message", "id": "m1", "status": "completed", "role": "assistant",
                        "content": [{"type": "output_text", "text": "ok", "annotations": []}]}]});
        let server = TestServer::start(answers(responses)).await;
        let provider = create_openai(OpenAiSettings::default().with_api_key("k").with_base_url(server.url("/v1")));
        assert_extras_reach_the_wire(&provider.responses("gpt-4o-mini"), &server, "/temperature").await;
    }
}

#[cfg(feature = "anthropic")]
#[tokio::test]
async fn anthropic_sends_the_extras() {
    use crate::anthropic::{AnthropicSettings, create_anthropic};

    let answer = json!({"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
        "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 1, "output_tokens": 1}});
    let server = TestServer::start(answers(answer)).await;
    let provider = create_anthropic(AnthropicSettings::default().with_api_key("k").with_base_url(server.url("/v1")));
    assert_extras_reach_the_wire(&provider.language_model("claude-sonnet-4-5"), &server, "/temperature").await;
}

#[cfg(feature = "google")]
#[tokio::test]
async fn gemini_sends_the_extras() {
    use crate::google::{GoogleSettings, create_google};

    let answer = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "ok"}]}, "finishReason": "STOP"}]});
    let server = TestServer::start(answers(answer)).await;
    let provider = create_google(GoogleSettings::default().with_api_key("k").with_base_url(server.url("/v1beta")));
    // Gemini's sampling settings live under `generationConfig`: a top-level extra member is a
    // new top-level field, as the caller wrote it.
    assert_extras_reach_the_wire(&provider.language_model("gemini-2.5-flash"), &server, "/temperature").await;
}
