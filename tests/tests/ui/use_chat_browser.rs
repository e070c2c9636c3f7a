//! A page built on `@ai-sdk/react`'s `useChat` (bundled with esbuild), in headless Chromium,
//! sends a message to the example's `/api/chat` and shows the streamed answer.

use std::sync::Arc;

use serde_json::json;
use specai::provider::{Message, UserPart};

use super::{chromium, node, run_node, serve, weather_model};

#[tokio::test(flavor = "multi_thread")]
async fn use_chat_in_chromium_shows_the_streamed_answer() {
    let (Some(node), Some(chromium)) = (node(), chromium()) else { return };
    let model = Arc::new(weather_model());
    let base_url = serve(model.clone()).await;

    let shown = run_node(
        node,
        "browser_chat.mjs",
        vec![base_url, chromium.display().to_string(), "What is the weather in Paris?".into()],
    )
    .await;

    assert_eq!(shown["consoleErrors"], json!([]));
    assert_eq!(shown["error"], json!(null));
    assert_eq!(shown["status"], "ready");
    assert_eq!(
        shown["messages"],
        json!([
            {"role": "user", "texts": ["What is the weather in Paris?"], "reasoning": [], "tools": [], "metadata": null},
            {"role": "assistant", "texts": ["Let me check.", "It is 18°C and sunny in Paris."],
             "reasoning": ["The user wants the weather."],
             "tools": [r#"tool-weather: {"celsius":18,"city":"Paris","sky":"sunny"} [output-available]"#],
             "metadata": r#"{"totalTokens":30}"#}
        ])
    );
    // The page's message reached the model through convert_to_model_messages.
    match model.calls()[0].prompt.last() {
        Some(Message::User { content, .. }) => {
            assert!(matches!(&content[..], [UserPart::Text(text)] if text.text == "What is the weather in Paris?"))
        }
        other => panic!("{other:?}"),
    }
}

/// The example's own minimal page (no framework: it reads the protocol by hand) works too.
#[tokio::test(flavor = "multi_thread")]
async fn the_example_page_in_chromium_shows_the_streamed_answer() {
    let (Some(node), Some(chromium)) = (node(), chromium()) else { return };
    let stream = specai::test_util::MockStream::text(["Hello ", "from the ", "mock."]);
    let model = Arc::new(specai::test_util::MockLanguageModel::new().with_stream(stream));
    let base_url = serve(model.clone()).await;

    let shown =
        run_node(node, "browser_chat.mjs", vec![base_url, chromium.display().to_string(), "Hi page".into(), "example-page".into()]).await;

    assert_eq!(shown["consoleErrors"], json!([]));
    assert_eq!(
        shown["messages"],
        json!([{"role": "user", "text": "Hi page"}, {"role": "assistant", "text": "Hello from the mock."}])
    );
    assert_eq!(model.calls().len(), 1);
}
