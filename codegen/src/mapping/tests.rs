//! Tests of the whole path of a mapping file, parse -> validate -> emit, on one sample file
//! (`GOOD`) edited a key at a time: each error must name the file and the key.

use std::collections::BTreeMap;

use super::*;

fn specs() -> BTreeMap<String, SpecIndex> {
    let doc = serde_json::json!({
        "openapi": "3.0.3",
        "paths": {
            "/chat/completions": {"post": {"operationId": "createChatCompletion"}},
            "/embeddings": {"post": {"operationId": "createEmbedding"}}
        },
        "components": {"schemas": {"Chunk": {"type": "object"}}}
    });
    let mut specs = BTreeMap::new();
    specs.insert("openai-compatible".to_string(), SpecIndex::of(&doc));
    specs
}

const GOOD: &str = r#"
id = "groq"
display_name = "Groq"
api = "openai-compatible"
spec = "openai-compatible"
base_url = "https://api.groq.com/openai/v1"
auth = { type = "bearer" }

[api_key]
env = ["GROQ_API_KEY"]

[operations]
chat = "createChatCompletion"
embedding = { operation = "createEmbedding", path = "/v2/embeddings" }

[stream]
usage_path = "x_groq.usage"

[errors]
message = ["error.message", "error"]
"#;

fn check(text: &str) -> Result<Mapping, MappingError> {
    let file = "specs/groq/provider.toml";
    validate(file, "groq", parse(file, text)?, &specs())
}

#[test]
fn good_mapping_resolves_paths_and_defaults() {
    let mapping = check(GOOD).unwrap();
    assert_eq!(mapping.operations[0].path, "/chat/completions");
    assert_eq!(mapping.operations[0].method, "POST");
    assert_eq!(mapping.operations[1].path, "/v2/embeddings");
    let tokens = mapping.to_tokens().to_string();
    assert!(tokens.contains("\"x_groq\" , \"usage\""), "{tokens}");
}

#[test]
fn unknown_key_is_named() {
    let error = check(&GOOD.replace("[stream]", "[stream]\nusage_pth = \"x\"")).unwrap_err();
    assert_eq!(error.file, "specs/groq/provider.toml");
    assert_eq!(error.key, "stream.usage_pth", "{error}");
    assert!(error.message.contains("unknown field"), "{error}");
}

#[test]
fn unknown_top_level_key_is_named() {
    let error = check(&format!("colour = \"red\"\n{GOOD}")).unwrap_err();
    assert_eq!(error.key, "colour", "{error}");
}

#[test]
fn missing_required_key_is_named() {
    let error = check(&GOOD.replace("display_name = \"Groq\"\n", "")).unwrap_err();
    assert_eq!(error.key, "display_name", "{error}");
    assert!(error.message.contains("missing field"), "{error}");
}

#[test]
fn wrong_type_is_named() {
    let error = check(&GOOD.replace("usage_path = \"x_groq.usage\"", "usage_path = 3")).unwrap_err();
    assert_eq!(error.key, "stream.usage_path", "{error}");
    assert!(error.message.contains("invalid type"), "{error}");
}

#[test]
fn invalid_enum_value_is_rejected() {
    let error = check(&GOOD.replace("api = \"openai-compatible\"", "api = \"soap\"")).unwrap_err();
    assert_eq!(error.key, "api", "{error}");
}

#[test]
fn model_namespace_is_emitted_and_checked() {
    let with = |namespace: &str| GOOD.replace("auth = ", &format!("model_namespace = \"{namespace}\"\nauth = "));
    let tokens = check(&with("accounts/acme/models/")).unwrap().to_tokens().to_string();
    assert!(tokens.contains("model_namespace : \"accounts/acme/models/\""), "{tokens}");
    assert!(check(GOOD).unwrap().to_tokens().to_string().contains("model_namespace : \"\""));
    for bad in ["accounts/acme/models", "/accounts/acme/", "my models/"] {
        let error = check(&with(bad)).unwrap_err();
        assert_eq!(error.key, "model_namespace", "{bad}: {error}");
    }
}

#[test]
fn unknown_auth_type_is_rejected() {
    let error = check(&GOOD.replace("type = \"bearer\"", "type = \"basic\"")).unwrap_err();
    assert!(error.to_string().contains("specs/groq/provider.toml"), "{error}");
    assert!(error.message.contains("basic"), "{error}");
}

#[test]
fn header_auth_needs_a_valid_name() {
    let error =
        check(&GOOD.replace("auth = { type = \"bearer\" }", "auth = { type = \"header\", name = \"X Key\" }"))
            .unwrap_err();
    assert_eq!(error.key, "auth.name");
}

#[test]
fn unknown_operation_is_rejected() {
    let error = check(&GOOD.replace("chat = \"createChatCompletion\"", "chat = \"createChat\"")).unwrap_err();
    assert_eq!(error.key, "operations.chat");
    assert!(error.message.contains("createChat"));
}

#[test]
fn unknown_capability_is_rejected() {
    let error = check(&GOOD.replace("chat = ", "moderation = ")).unwrap_err();
    assert!(error.message.contains("moderation"), "{error}");
}

#[test]
fn aws_sigv4_auth_and_an_operation_base_url_with_a_region() {
    let aws = GOOD
        .replace("auth = { type = \"bearer\" }", "auth = { type = \"aws-sigv4\", service = \"bedrock\", region_env = [\"AWS_REGION\"] }")
        .replace("base_url = \"https://api.groq.com/openai/v1\"", "base_url = \"https://bedrock-runtime.{region}.amazonaws.com\"")
        .replace("embedding = { operation = \"createEmbedding\", path = \"/v2/embeddings\" }", "rerank = { operation = \"createEmbedding\", base_url = \"https://agent.{region}.amazonaws.com\" }");
    let tokens = check(&aws).unwrap().to_tokens().to_string();
    assert!(tokens.contains("Auth :: AwsSigV4 { service : \"bedrock\" , region_env : & [\"AWS_REGION\"] }"), "{tokens}");
    assert!(tokens.contains("rerank : Some (Operation { operation_id : \"createEmbedding\""), "{tokens}");
    assert!(tokens.contains("base_url : Some (\"https://agent.{region}.amazonaws.com\")"), "{tokens}");
    let error = check(&aws.replace("region_env = [\"AWS_REGION\"]", "region_env = []")).unwrap_err();
    assert_eq!(error.key, "auth.region_env", "{error}");
    let error = check(&aws.replace("https://agent.{region}.amazonaws.com", "https://agent.{zone}.amazonaws.com")).unwrap_err();
    assert_eq!(error.key, "operations.rerank.base_url", "{error}");
}

#[test]
fn id_must_match_directory() {
    let error = check(&GOOD.replace("id = \"groq\"", "id = \"grok\"")).unwrap_err();
    assert_eq!(error.key, "id");
}

#[test]
fn bad_json_path_is_rejected() {
    let error = check(&GOOD.replace("x_groq.usage", "x_groq..usage")).unwrap_err();
    assert_eq!(error.key, "stream.usage_path");
}

#[test]
fn missing_api_key_env_is_rejected_unless_auth_none() {
    let text = GOOD.replace("[api_key]\nenv = [\"GROQ_API_KEY\"]\n", "");
    assert_eq!(check(&text).unwrap_err().key, "api_key.env");
    assert!(check(&text.replace("type = \"bearer\"", "type = \"none\"")).is_ok());
}

#[test]
fn bad_status_and_hook_and_header_are_rejected() {
    let text = format!("{GOOD}retryable_statuses = [429, 1000]\n");
    assert_eq!(check(&text).unwrap_err().key, "errors.retryable_statuses");
    let text = format!("{GOOD}retryable_types = [\"overloaded\", \" \"]\n");
    assert_eq!(check(&text).unwrap_err().key, "errors.retryable_types");
    let text = format!("{GOOD}[hooks]\nrequest = \"Fix-It\"\n");
    assert_eq!(check(&text).unwrap_err().key, "hooks.request");
    let text = format!("{GOOD}[hooks]\nmetadata = \"read verdicts\"\n");
    assert_eq!(check(&text).unwrap_err().key, "hooks.metadata");
    let text = format!("{GOOD}[request]\nheaders = {{ authorization = \"x\" }}\n");
    assert_eq!(check(&text).unwrap_err().key, "request.headers.authorization");
}

#[test]
fn generate_section_only_for_spec_owner() {
    let text = format!("{GOOD}[generate]\nstream_schemas = [\"Chunk\"]\n");
    assert_eq!(check(&text).unwrap_err().key, "generate");
}

#[test]
fn lean_variants_must_be_of_a_lean_schema_and_not_shadow_a_schema() {
    let owner = |generate: &str| {
        let text = format!("{}[generate]\n{generate}", GOOD.replace("spec = \"openai-compatible\"", "spec = \"groq\""));
        let mut specs = specs();
        let index = specs.remove("openai-compatible").unwrap();
        specs.insert("groq".to_string(), index);
        validate("specs/groq/provider.toml", "groq", parse("specs/groq/provider.toml", &text)?, &specs)
    };
    owner("lean_schemas = [\"Chunk\"]\nlean_variants = { ChunkRest = \"Chunk\" }\n").unwrap();
    let error = owner("lean_variants = { ChunkRest = \"Chunk\" }\n").unwrap_err();
    assert_eq!(error.key, "generate.lean_variants", "{error}");
    assert!(error.message.contains("not in generate.lean_schemas"), "{error}");
    let error = owner("lean_schemas = [\"Chunk\"]\nlean_variants = { Chunk = \"Chunk\" }\n").unwrap_err();
    assert!(error.message.contains("already a schema name"), "{error}");
}

#[test]
fn empty_model_override_is_rejected() {
    let text = format!("{GOOD}[[model_overrides]]\nmodels = [\"a*\"]\n");
    assert_eq!(check(&text).unwrap_err().key, "model_overrides[0]");
    let text = format!("{GOOD}[[model_overrides]]\nmodels = [\"a*\"]\ntools = \"no\"\n");
    let error = check(&text).unwrap_err();
    assert_eq!(error.key, "model_overrides.tools", "{error}");
}

#[test]
fn model_option_rules_are_checked_and_emitted() {
    let rule = "[[model_option_rules]]\noption = \"service_tier\"\nvalue = \"flex\"\nmodels = [\"o3*\"]\nexcept = [\"o3-pro\"]\n";
    let mapping = check(&format!("{GOOD}{rule}")).unwrap();
    let emitted = mapping.to_tokens().to_string();
    assert!(emitted.contains("ModelOptionRule { option : \"service_tier\" , value : \"flex\""), "{emitted}");
    let error = check(&format!("{GOOD}{rule}{rule}")).unwrap_err();
    assert_eq!(error.key, "model_option_rules[1]", "{error}");
    assert!(error.message.contains("has a rule already"), "{error}");
    let error = check(&format!("{GOOD}{}", rule.replace("[\"o3*\"]", "[]"))).unwrap_err();
    assert_eq!(error.key, "model_option_rules[0].models", "{error}");
    let error = check(&format!("{GOOD}{}", rule.replace("[\"o3-pro\"]", "[\"o*3\"]"))).unwrap_err();
    assert_eq!(error.key, "model_option_rules[0].except", "{error}");
    // A pattern whose last character is not ASCII is checked, not sliced mid-character.
    let error = check(&format!("{GOOD}{}", rule.replace("[\"o3*\"]", "[\"*é\"]"))).unwrap_err();
    assert_eq!(error.key, "model_option_rules[0].models", "{error}");
    let error = check(&format!("{GOOD}{}", rule.replace("\"service_tier\"", "\"service tier\""))).unwrap_err();
    assert_eq!(error.key, "model_option_rules[0]", "{error}");
}

#[test]
fn limits_are_checked_and_emitted() {
    let limits = "[limits]\nembeddings_per_call = 96\n[[model_overrides]]\nmodels = [\"small*\"]\nembeddings_per_call = 1\n";
    let emitted = check(&format!("{GOOD}{limits}")).unwrap().to_tokens().to_string();
    assert!(emitted.contains("limits : Limits { embeddings_per_call : Some (96) , images_per_call : None }"), "{emitted}");
    assert!(emitted.contains("limits : Limits { embeddings_per_call : Some (1) , images_per_call : None }"), "{emitted}");
    let error = check(&format!("{GOOD}{}", limits.replace("= 96", "= 0"))).unwrap_err();
    assert_eq!(error.key, "limits.embeddings_per_call", "{error}");
    let error = check(&format!("{GOOD}{}", limits.replace("= 1\n", "= 0\n"))).unwrap_err();
    assert_eq!(error.key, "model_overrides[0].embeddings_per_call", "{error}");
    // GOOD has no image operation: an image limit would be read by nothing.
    let error = check(&format!("{GOOD}[limits]\nimages_per_call = 4\n")).unwrap_err();
    assert_eq!(error.key, "limits.images_per_call", "{error}");
    assert!(error.message.contains("no operation"), "{error}");
    let error = check(&format!("{GOOD}[limits]\nimages = 4\n")).unwrap_err();
    assert!(error.to_string().contains("images"), "{error}");
}

#[test]
fn model_families_are_checked_and_emitted() {
    let family = "[[model_families]]\nfamily = \"kontext\"\nmodels = [\"flux-kontext-*\"]\n";
    let emitted = check(&format!("{GOOD}{family}")).unwrap().to_tokens().to_string();
    assert!(emitted.contains("ModelFamily { family : \"kontext\" , models : & [\"flux-kontext-*\"] }"), "{emitted}");
    let error = check(&format!("{GOOD}{family}{family}")).unwrap_err();
    assert_eq!(error.key, "model_families[1]", "{error}");
    let error = check(&format!("{GOOD}{}", family.replace("\"kontext\"", "\"Kontext models\""))).unwrap_err();
    assert_eq!(error.key, "model_families[0].family", "{error}");
    let error = check(&format!("{GOOD}{}", family.replace("[\"flux-kontext-*\"]", "[]"))).unwrap_err();
    assert_eq!(error.key, "model_families[0].models", "{error}");
    // A name no adapter of this `api` reads (misspelt, or another dialect's) is rejected.
    for name in ["kontxt", "gemma"] {
        let error = check(&format!("{GOOD}{}", family.replace("\"kontext\"", &format!("\"{name}\"")))).unwrap_err();
        assert_eq!(error.key, "model_families[0].family", "{error}");
        assert!(error.message.contains("(it reads: kontext, image_generation)"), "{error}");
    }
    let anthropic = GOOD.replace("api = \"openai-compatible\"", "api = \"anthropic\"");
    let error = check(&format!("{anthropic}{family}")).unwrap_err();
    assert!(error.message.contains("(it reads: none)"), "{error}");
}

#[test]
fn base_url_placeholders_need_a_variable_each_and_are_emitted() {
    let templated = GOOD.replace(
        "base_url = \"https://api.groq.com/openai/v1\"",
        "base_url = \"https://{resource}.example.com/v1\"\nbase_url_vars = { resource = \"GROQ_RESOURCE\" }\noauth_scopes = [\"https://example.com/auth\"]",
    );
    let tokens = check(&templated).unwrap().to_tokens().to_string();
    assert!(
        tokens.contains("base_url_vars : & [(\"resource\" , \"GROQ_RESOURCE\")]"),
        "{tokens}"
    );
    assert!(
        tokens.contains("oauth_scopes : & [\"https://example.com/auth\"]"),
        "{tokens}"
    );

    let unnamed = GOOD.replace(
        "base_url = \"https://api.groq.com/openai/v1\"",
        "base_url = \"https://{resource}.example.com/v1\"",
    );
    let error = check(&unnamed).unwrap_err();
    assert_eq!(error.key, "base_url", "{error}");
    assert!(error.message.contains("{resource}"), "{error}");

    let unused = GOOD.replace(
        "auth = {",
        "base_url_vars = { region = \"GROQ_REGION\" }\nauth = {",
    );
    assert_eq!(check(&unused).unwrap_err().key, "base_url_vars.region");

    let bad_scope = GOOD.replace("auth = {", "oauth_scopes = [\"cloud-platform\"]\nauth = {");
    assert_eq!(check(&bad_scope).unwrap_err().key, "oauth_scopes");
}

#[test]
fn static_body_fields_are_emitted() {
    let with_body =
        format!("{GOOD}\n[request]\nbody = {{ anthropic_version = \"vertex-2023-10-16\" }}\n");
    let tokens = check(&with_body).unwrap().to_tokens().to_string();
    assert!(
        tokens.contains("body : & [(\"anthropic_version\" , \"vertex-2023-10-16\")]"),
        "{tokens}"
    );
}
