//! The AI SDK's `readUIMessageStream`, fed by its default chat transport (which validates every
//! chunk against the SDK's own schema) and by its text stream transport.

use std::sync::Arc;

use serde_json::json;
use specai::error::Error;
use specai::provider::{Message, UserPart};
use specai::test_util::{MockLanguageModel, MockStream};

use super::{node, run_node, serve, weather_model};

/// A conversation of two turns, as `useChat` holds it, ending with the new question.
fn conversation() -> serde_json::Value {
    json!([
        {"id": "u1", "role": "user", "parts": [{"type": "text", "text": "Hi"}]},
        {"id": "a1", "role": "assistant", "parts": [{"type": "step-start"}, {"type": "text", "text": "Hello! How can I help?", "state": "done"}]},
        {"id": "u2", "role": "user", "parts": [{"type": "text", "text": "Weather in Paris?"}]}
    ])
}

#[tokio::test(flavor = "multi_thread")]
async fn read_ui_message_stream_assembles_reasoning_text_sources_tool_calls_and_files() {
    let Some(node) = node() else { return };
    let model = Arc::new(weather_model());
    let base_url = serve(model.clone()).await;

    let output = run_node(node, "read_ui_message_stream.mjs", vec![format!("{base_url}/api/chat"), "ui".into(), conversation().to_string()]).await;

    assert_eq!(output["errors"], json!([]));
    assert_eq!(
        output["chunkTypes"],
        json!([
            "start", "start-step", "reasoning-start", "reasoning-delta", "reasoning-delta", "reasoning-end",
            "text-start", "text-delta", "text-delta", "text-end", "source-url", "tool-input-start",
            "tool-input-delta", "tool-input-delta", "tool-input-available", "tool-output-available", "finish-step",
            "start-step", "text-start", "text-delta", "text-delta", "text-end", "file", "finish-step", "finish"
        ])
    );
    let message = &output["message"];
    assert_eq!(message["role"], "assistant");
    assert_eq!(message["metadata"], json!({"totalTokens": 30}));
    assert_eq!(
        message["parts"],
        json!([
            {"type": "step-start"},
            {"type": "reasoning", "id": "reasoning-0", "text": "The user wants the weather.", "state": "done"},
            {"type": "text", "text": "Let me check.", "state": "done"},
            {"type": "source-url", "sourceId": "src-1", "url": "https://weather.example/paris", "title": "Paris weather"},
            {"type": "tool-weather", "toolCallId": "call_1", "state": "output-available",
             "input": {"city": "Paris"}, "output": {"city": "Paris", "celsius": 18, "sky": "sunny"}},
            {"type": "step-start"},
            {"type": "text", "text": "It is 18°C and sunny in Paris.", "state": "done"},
            {"type": "file", "mediaType": "image/png", "url": "data:image/png;base64,iVBORw0KGgo="}
        ])
    );

    // What the model received: the UI conversation as a prompt, then the tool's result.
    let calls = model.calls();
    assert_eq!(calls.len(), 2);
    let roles: Vec<&str> = calls[0].prompt.iter().map(Message::role).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    match &calls[0].prompt[3] {
        Message::User { content, .. } => assert!(matches!(&content[..], [UserPart::Text(text)] if text.text == "Weather in Paris?")),
        other => panic!("{other:?}"),
    }
    match calls[1].prompt.last() {
        Some(Message::Tool { content, .. }) => {
            assert_eq!(content[0].tool_call_id, "call_1");
            assert_eq!(content[0].output.to_text(), r#"{"celsius":18,"city":"Paris","sky":"sunny"}"#);
        }
        other => panic!("{other:?}"),
    }
}

/// The default error text hides the server's error: the client sees "An error occurred." and
/// the text that came before it, never the provider's message.
#[tokio::test(flavor = "multi_thread")]
async fn read_ui_message_stream_sees_a_masked_error_after_partial_text() {
    let Some(node) = node() else { return };
    let failing = MockStream::new()
        .part(specai::provider::StreamPart::StreamStart { warnings: Vec::new() })
        .parts([
            specai::provider::StreamPart::TextStart { id: Arc::from("t"), provider_metadata: None },
            specai::provider::StreamPart::TextDelta { id: Arc::from("t"), delta: "Half an ans".into() },
        ])
        .error(Error::invalid_response("upstream said: secret-token-123 is over quota", None, None));
    let base_url = serve(Arc::new(MockLanguageModel::new().with_stream(failing))).await;

    let output = run_node(node, "read_ui_message_stream.mjs", vec![format!("{base_url}/api/chat"), "ui".into(), conversation().to_string()]).await;

    assert_eq!(output["errors"], json!(["An error occurred."]));
    assert_eq!(output["message"]["parts"][1], json!({"type": "text", "text": "Half an ans", "state": "streaming"}));
    assert!(!output.to_string().contains("secret-token-123"), "{output}");
    assert_eq!(output["chunkTypes"].as_array().unwrap().last().unwrap(), "error");
}

#[tokio::test(flavor = "multi_thread")]
async fn text_stream_transport_assembles_the_plain_text_protocol() {
    let Some(node) = node() else { return };
    let model = Arc::new(MockLanguageModel::new().with_stream(MockStream::text(["Plain ", "text ", "only."])));
    let base_url = serve(model.clone()).await;

    let output =
        run_node(node, "read_ui_message_stream.mjs", vec![format!("{base_url}/api/chat/text"), "text".into(), conversation().to_string()]).await;

    assert_eq!(output["errors"], json!([]));
    let texts: Vec<&str> = output["message"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|part| part["type"] == "text")
        .map(|part| part["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Plain text only."]);
    assert_eq!(model.calls()[0].prompt.len(), 4);
}
