//! `google:<model>` resolves through a provider registry.

use specai::create_provider_registry;
use specai::google::{GoogleSettings, create_google};

#[test]
fn registry_resolves_google_models() {
    let registry = create_provider_registry().provider("google", create_google(GoogleSettings::default())).build();
    let model = registry.language_model("google:gemini-2.5-flash").unwrap();
    assert_eq!(model.provider(), "google.generative-ai");
    assert_eq!(model.model_id(), "gemini-2.5-flash");
    let embedding = registry.embedding_model("google:gemini-embedding-001").unwrap();
    assert_eq!(embedding.model_id(), "gemini-embedding-001");
    assert_eq!(embedding.max_embeddings_per_call(), Some(100));
}

#[tokio::test]
async fn missing_key_names_the_variable_at_the_first_call() {
    // Built without a key and with the variable unset: construction succeeds, the call fails.
    if ["GOOGLE_GENERATIVE_AI_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY"].iter().any(|name| std::env::var_os(name).is_some()) {
        return;
    }
    let model = create_google(GoogleSettings::default().with_base_url("http://127.0.0.1:9/v1beta")).language_model("m");
    let error = specai::generate_text(model).prompt("hi").max_retries(0).await.unwrap_err();
    assert!(error.to_string().contains("GOOGLE_GENERATIVE_AI_API_KEY"), "{error}");
}
