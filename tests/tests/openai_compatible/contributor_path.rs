//! The contributor path, run for real: steps 1 to 3 of
//! `sdk/src/providers/openai_compatible/ADDING_A_PROVIDER.md` in a copy of the workspace, and an
//! edit to a first-party mapping (OpenAI's) that must change what that provider sends.
//!
//! It copies the workspace's crates and specs into a temporary directory, adds `specs/acme/`
//! with nothing but a `provider.toml`, runs `cargo codegen` there, checks that only
//! `generated/src/mappings.rs` changed (no new wire types, no Rust), then builds a tiny program
//! against the copied SDK that takes `acme:acme-chat-1` from `specai::default_registry()` and
//! calls it against a mock server on 127.0.0.1. If a provider needed hand-written Rust (a
//! `match` on provider ids, a per-vendor module), the registry would not know `acme` and the
//! call would fail.
//!
//! It builds the generator and the SDK, which takes minutes, so it is ignored by default:
//! `cargo test -p specai-tests -- --ignored contributor_path`. Set
//! `SPECAI_CONTRIBUTOR_TARGET_DIR` to reuse a target directory between runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::fixtures::json_text;
use specai::provider_utils::test_server::TestServer;

/// Step 1 of the recipe: the whole provider.
const ACME_MAPPING: &str = r#"# Acme Inference: a made-up vendor, added by the contributor-path test.
id = "acme"
display_name = "Acme Inference"
api = "openai-compatible"
spec = "openai-compatible"
base_url = "https://api.acme.example/v1"
base_url_env = "ACME_BASE_URL"
auth = { type = "header", name = "x-acme-key" }

[api_key]
env = ["ACME_API_KEY"]

[operations]
chat = "createChatCompletion"

[request.renames]
max_tokens = "max_completion_tokens"

[stream]
usage_path = "acme.usage"

[errors]
message = ["error.message", "error"]
"#;

/// A caller of the new provider: application code, not provider code.
const CALLER: &str = r#"use specai::provider::{CallOptions, LanguageModel, Message};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let model = specai::default_registry().language_model("acme:acme-chat-1").expect("acme is registered");
    let mut options = CallOptions::new(vec![Message::user("Hi!")]);
    options.max_output_tokens = Some(50);
    let answer = model.do_generate(&options).await.expect("acme answers");
    for content in &answer.content {
        if let Some(text) = content.as_text() {
            println!("answer: {text}");
        }
    }
    println!("input tokens: {:?}", answer.usage.input_tokens.total);

    // A first-party provider, after its mapping was edited (a static header added).
    let openai = specai::openai::create_openai(Default::default()).chat("gpt-4o-mini");
    let answer = openai.do_generate(&CallOptions::new(vec![Message::user("Hi!")])).await.expect("openai answers");
    println!("openai answer: {}", answer.content[0].as_text().unwrap_or_default());
}
"#;

/// The edit to OpenAI's mapping: a static header every request must now carry.
const OPENAI_MAPPING_EDIT: (&str, &str) = ("[request]\n", "[request]\nheaders = { \"x-edited-mapping\" = \"yes\" }\n");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(root, &path, out);
        } else {
            out.push(path.strip_prefix(root).unwrap().to_path_buf());
        }
    }
}

fn run(command: &mut Command) -> String {
    let output = command.output().expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{command:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "builds the generator and the SDK in a copy of the workspace (minutes); run with --ignored"]
async fn contributor_path_a_provider_from_a_mapping_file_alone() {
    let tests_dir = Path::new(env!("CARGO_MANIFEST_DIR")).canonicalize().unwrap();
    let workspace = tests_dir.parent().unwrap().to_path_buf();
    let copy = std::env::temp_dir().join(format!("specai-contributor-path-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    for dir in ["specs", "generated", "codegen/src", "codegen/templates", "sdk/src", "sdk/examples", "sdk/provider/src", ".cargo"] {
        copy_dir(&workspace.join(dir), &copy.join(dir));
    }
    for file in ["Cargo.lock", "codegen/Cargo.toml", "sdk/Cargo.toml", "sdk/provider/Cargo.toml"] {
        std::fs::copy(workspace.join(file), copy.join(file)).unwrap();
    }
    let manifest = std::fs::read_to_string(workspace.join("Cargo.toml")).unwrap();
    assert!(manifest.contains(r#", "tests"]"#), "the workspace lists tests/ last: {manifest}");
    let manifest = manifest.replace(r#", "tests"]"#, "]");
    std::fs::write(copy.join("Cargo.toml"), manifest).unwrap();
    let target = std::env::var("SPECAI_CONTRIBUTOR_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| workspace.join("target/contributor-path"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());

    // Step 1: the mapping file, and nothing else.
    std::fs::create_dir_all(copy.join("specs/acme")).unwrap();
    std::fs::write(copy.join("specs/acme/provider.toml"), ACME_MAPPING).unwrap();
    // And an edit to a first-party mapping, which must change what that provider sends.
    let openai_mapping = std::fs::read_to_string(copy.join("specs/openai/provider.toml")).unwrap();
    assert_eq!(openai_mapping.matches(OPENAI_MAPPING_EDIT.0).count(), 1, "one [request] table in OpenAI's mapping");
    std::fs::write(copy.join("specs/openai/provider.toml"), openai_mapping.replace(OPENAI_MAPPING_EDIT.0, OPENAI_MAPPING_EDIT.1)).unwrap();

    // Step 2: `cargo codegen`.
    let (copy_dir_for_codegen, target_for_codegen, cargo_for_codegen) = (copy.clone(), target.clone(), cargo.clone());
    tokio::task::spawn_blocking(move || {
        run(Command::new(&cargo_for_codegen)
            .arg("codegen")
            .current_dir(&copy_dir_for_codegen)
            .env("CARGO_NET_OFFLINE", "true")
            .env("CARGO_TARGET_DIR", &target_for_codegen))
    })
    .await
    .unwrap();
    let mut generated = Vec::new();
    files(&copy.join("generated"), &copy.join("generated"), &mut generated);
    let mut changed = Vec::new();
    for file in &generated {
        let before = std::fs::read(workspace.join("generated").join(file)).ok();
        if before.as_deref() != Some(std::fs::read(copy.join("generated").join(file)).unwrap().as_slice()) {
            changed.push(file.display().to_string());
        }
    }
    assert_eq!(changed, ["src/mappings.rs"], "a mapping-only provider changes the mapping data and nothing else");
    let mappings = std::fs::read_to_string(copy.join("generated/src/mappings.rs")).unwrap();
    assert!(mappings.contains("pub static ACME: ProviderMapping"), "codegen emitted the mapping");

    // Step 3: use it, with no Rust added for the provider: a caller program over the copied SDK.
    std::fs::create_dir_all(copy.join("sdk/examples")).unwrap();
    std::fs::write(copy.join("sdk/examples/contributor_acme.rs"), CALLER).unwrap();
    let server = TestServer::start([
        json_text(
            200,
            r#"{"id":"acme-1","object":"chat.completion","created":1764000000,"model":"acme-chat-1","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from Acme!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":4,"total_tokens":11}}"#,
        ),
        json_text(
            200,
            r#"{"id":"chatcmpl-1","object":"chat.completion","created":1764000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from OpenAI!"},"finish_reason":"stop"}]}"#,
        ),
    ])
    .await;
    let base_url = server.url("/v1");
    let openai_base_url = server.url("/openai/v1");
    let (copy_for_run, target_for_run) = (copy.clone(), target.clone());
    let stdout = tokio::task::spawn_blocking(move || {
        run(Command::new(&cargo)
            .args(["run", "--quiet", "-p", "specai", "--no-default-features", "--features", "openai,rustls"])
            .args(["--example", "contributor_acme"])
            .current_dir(&copy_for_run)
            .env("CARGO_NET_OFFLINE", "true")
            .env("CARGO_TARGET_DIR", &target_for_run)
            .env("ACME_BASE_URL", base_url)
            .env("ACME_API_KEY", "acme-secret")
            .env("OPENAI_BASE_URL", openai_base_url)
            .env("OPENAI_API_KEY", "sk-test"))
    })
    .await
    .unwrap();
    assert!(stdout.contains("answer: Hello from Acme!"), "{stdout}");
    assert!(stdout.contains("input tokens: Some(7)"), "{stdout}");
    assert!(stdout.contains("openai answer: Hello from OpenAI!"), "{stdout}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let openai = &requests[1];
    assert_eq!(openai.path, "/openai/v1/chat/completions");
    assert_eq!(openai.header("x-edited-mapping"), Some("yes"), "the edited mapping's header is sent");
    assert_eq!(requests[0].header("x-edited-mapping"), None, "only OpenAI's mapping was edited");
    let request = &requests[0];
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(request.header("x-acme-key"), Some("acme-secret"));
    assert_eq!(request.header("authorization"), None);
    let body = request.json();
    assert_eq!(body["model"], "acme-chat-1");
    assert_eq!(body["max_completion_tokens"], 50, "the mapping's rename applied: {body}");
    assert!(body.get("max_tokens").is_none());
    let _ = std::fs::remove_dir_all(&copy);
}
