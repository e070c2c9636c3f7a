//! The emitted provider mappings: complete, consistent, and usable as plain data.

use specai_generated::mappings::{self, ALL, Api, Auth};

#[test]
fn every_provider_is_listed_once_sorted_by_id() {
    let ids: Vec<&str> = ALL.iter().map(|m| m.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted);
    for id in ["openai", "anthropic", "google", "openai-compatible"] {
        assert!(mappings::by_id(id).is_some(), "{id} missing");
    }
}

#[test]
fn every_mapping_names_a_generated_module_and_resolved_operations() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for mapping in ALL {
        assert!(src.join(mapping.module).join("mod.rs").is_file(), "{}: no module {}", mapping.id, mapping.module);
        let ops = mapping.operations;
        for op in [ops.chat, ops.chat_stream, ops.responses, ops.completion, ops.embedding, ops.embedding_batch, ops.image, ops.image_edit, ops.speech, ops.transcription, ops.models]
            .into_iter()
            .flatten()
        {
            assert!(op.path.starts_with('/'), "{}: {}", mapping.id, op.path);
            assert!(["GET", "POST"].contains(&op.method), "{}: {}", mapping.id, op.method);
        }
        if let Some(url) = mapping.base_url {
            assert!(url.starts_with("http") && !url.ends_with('/'), "{}: {url}", mapping.id);
        }
        assert!(!mapping.errors.message.is_empty());
        assert_eq!(mapping.stream.usage_path.segments.join("."), mapping.stream.usage_path.text);
    }
}

#[test]
fn the_four_core_mappings() {
    let openai = mappings::by_id("openai").unwrap();
    assert_eq!(openai.api, Api::OpenAi);
    assert_eq!(openai.auth, Auth::Bearer);
    assert_eq!(openai.api_key.env, ["OPENAI_API_KEY"]);
    assert_eq!(openai.operations.chat.unwrap().path, "/chat/completions");
    assert_eq!(openai.operations.responses.unwrap().path, "/responses");
    assert_eq!(openai.operations.transcription.unwrap().path, "/audio/transcriptions");
    let reasoning = openai.model_overrides.iter().find(|o| o.matches("o3-mini")).unwrap();
    assert_eq!(reasoning.renames, [("max_tokens", "max_completion_tokens")]);
    assert!(!openai.model_overrides[0].matches("gpt-4o"));

    let anthropic = mappings::by_id("anthropic").unwrap();
    assert_eq!(anthropic.auth, Auth::Header { name: "x-api-key", scheme: None });
    assert_eq!(anthropic.request.headers, [("anthropic-version", "2023-06-01")]);
    assert!(anthropic.errors.retryable_statuses.contains(&529));

    let google = mappings::by_id("google").unwrap();
    let stream = google.operations.chat_stream.unwrap();
    assert_eq!((stream.path, stream.query), ("/models/{model}:streamGenerateContent", &[("alt", "sse")][..]));
    assert_eq!(google.api_key.deprecated_env, ["GOOGLE_API_KEY", "GEMINI_API_KEY"]);
    assert_eq!(google.usage.reasoning_tokens.unwrap().text, "thoughtsTokenCount");

    let compatible = mappings::by_id("openai-compatible").unwrap();
    assert_eq!(compatible.base_url, None);
    assert!(compatible.api_key.optional);
    assert_eq!(compatible.reasoning.fields, ["reasoning_content", "reasoning"]);
    assert_eq!(compatible.errors.message.iter().map(|p| p.text).collect::<Vec<_>>(), ["error.message", "error", "message", "detail"]);
}
