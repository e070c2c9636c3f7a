//! `cargo codegen import` over every official OpenAPI document in ../shared/reference-specs:
//! import (prune to the operations a mapping names + 3.1 -> 3.0), generate, and `cargo check`
//! the result as one temporary crate (one build for all documents, target dir under the
//! workspace's target/). Skipped, with a message, when ../shared is absent. Nothing here is
//! committed: the mapping files in tests/import/ only name operations to keep.

use std::path::{Path, PathBuf};
use std::process::Command;

use specai_codegen::versions::Versions;
use specai_codegen::{Mode, ensure, import_files, outputs};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// (provider, official documents, mapping file).
fn cases(root: &Path) -> Vec<(&'static str, Vec<PathBuf>, PathBuf)> {
    let shared = root.join("../shared/reference-specs");
    let tests = root.join("codegen/tests/import");
    let bedrock = (
        "bedrock",
        vec![
            shared.join("aws-bedrock/bedrock-runtime-2023-09-30.json"),
            root.join("specs/bedrock/bedrock-runtime-additions.smithy.json"),
            root.join("specs/bedrock/agent-runtime-rerank.smithy.json"),
        ],
        root.join("specs/bedrock/provider.toml"),
    );
    let openapi: Vec<(&'static str, PathBuf, PathBuf)> = vec![
        // Our real OpenAI mapping: its operation ids and stream schemas must exist upstream.
        ("openai", shared.join("openai/openapi.yaml"), root.join("specs/openai/provider.toml")),
        ("together", shared.join("together/openapi.yaml"), tests.join("together.toml")),
        ("mistral", shared.join("mistral/openapi.yaml"), tests.join("mistral.toml")),
        ("ollama", shared.join("ollama/openapi.yaml"), tests.join("ollama.toml")),
        ("elevenlabs", shared.join("elevenlabs/openapi.json"), tests.join("elevenlabs.toml")),
        ("assemblyai", shared.join("assemblyai/openapi.yml"), tests.join("assemblyai.toml")),
        ("deepgram", shared.join("deepgram/openapi.yml"), tests.join("deepgram.toml")),
    ];
    // AWS's Smithy model, with our additions and the Rerank model (cargo codegen import's Smithy path).
    openapi.into_iter().map(|(provider, document, mapping)| (provider, vec![document], mapping)).chain([bedrock]).collect()
}

const CRATE_MANIFEST: &str = r#"[package]
name = "specai-import-check"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
progenitor-client = "=0.15.1"
reqwest = { version = "0.13", default-features = false, features = ["json", "stream", "query"] }
serde = { version = "1", features = ["derive"] }
serde_json = { version = "1", features = ["raw_value"] }
"#;

#[test]
fn import_generate_and_check_every_official_openapi_document() {
    let root = workspace();
    let shared = root.join("../shared/reference-specs");
    if !shared.is_dir() {
        eprintln!("skipped: {} is absent (the import test needs the official documents)", shared.display());
        return;
    }
    let work = root.join("target/codegen-import");
    let specs = work.join("specs");
    let _ = std::fs::remove_dir_all(&specs);
    // OpenAI's mapping takes its chat-completions operations from our shared spec, which has
    // no official document of its own: it is used as written.
    let shared_spec = specs.join("openai-compatible");
    std::fs::create_dir_all(&shared_spec).unwrap();
    for file in ["provider.toml", "openapi.json"] {
        std::fs::copy(root.join("specs/openai-compatible").join(file), shared_spec.join(file)).unwrap();
    }
    let mut failures = Vec::new();
    let versions = Versions::resolved().unwrap();
    for (provider, official, mapping) in cases(&root) {
        let dir = specs.join(provider);
        std::fs::create_dir_all(&dir).unwrap();
        // `lean_omit` names lean types of our spec subset, some of them inline objects that the
        // official document names differently: the official documents are generated without it.
        let mut table: toml::Table = std::fs::read_to_string(&mapping).unwrap().parse().unwrap();
        if let Some(generate) = table.get_mut("generate").and_then(toml::Value::as_table_mut) {
            generate.remove("lean_omit");
        }
        let text = table.to_string();
        std::fs::write(dir.join("provider.toml"), text).unwrap();
        let started = std::time::Instant::now();
        match import_files(&specs, provider, &official) {
            Ok((spec, log)) => {
                std::fs::write(dir.join("openapi.json"), spec).unwrap();
                std::fs::write(dir.join("import.log"), log.render(provider, &versions)).unwrap();
                eprintln!("imported {provider} in {:?}", started.elapsed());
            }
            Err(error) => failures.push(format!("import {provider}: {error}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let files = outputs(&specs).unwrap_or_else(|e| panic!("generate: {e}"));
    let crate_dir = work.join("crate");
    let mut modules: Vec<String> = cases(&root).iter().map(|(p, _, _)| p.to_string()).collect();
    modules.push("openai-compatible".into());
    // The generated clients' feature (its dependencies are plain ones in this manifest).
    modules.push("client".into());
    ensure(&crate_dir, &files, Mode::Write, "").unwrap();
    std::fs::write(crate_dir.join("Cargo.toml"), CRATE_MANIFEST.replace(
        "[workspace]",
        &format!(
            "[features]\ndefault = [{}]\n{}\n[workspace]",
            modules.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", "),
            modules.iter().map(|p| format!("{p} = []")).collect::<Vec<_>>().join("\n")
        ),
    ))
    .unwrap();
    // Same dependency versions as the workspace.
    std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    for (provider, _, _) in cases(&root) {
        let lines = files.get(&format!("src/{provider}/mod.rs")).map_or(0, |code| code.lines().count());
        eprintln!("{provider}: {lines} lines");
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let started = std::time::Instant::now();
    let output = Command::new(cargo)
        .args(["check", "--quiet", "--all-features", "--message-format=short"])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    eprintln!("cargo check of the imported clients: {:?}", started.elapsed());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "cargo check failed:\n{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert!(warnings.is_empty(), "warnings:\n{}", warnings.join("\n"));
}
