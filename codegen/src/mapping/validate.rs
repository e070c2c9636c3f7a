//! Validation: what serde cannot check in a parsed mapping (ids, URLs, header names, JSON paths,
//! operation ids and schemas that must exist in the spec), and resolution of each operation to
//! its method and path. One function per table of the file, run in file order, so that the
//! first error reported is the first one a reader meets; every error names the file and key.

use std::collections::{BTreeMap, BTreeSet};

use super::error::MappingError;
use super::format::{
    ApiKind, Capability, MODEL_FAMILIES, RawAuth, RawErrors, RawGenerate, RawMapping, RawModelFamily, RawModelOptionRule, RawModelOverride,
    RawRequest,
};
use super::spec_index::SpecIndex;

/// A resolved operation: the spec supplies method and path unless the mapping overrides the path.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedOperation {
    pub capability: Capability,
    /// The spec directory the operation is in.
    pub spec: String,
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The operation's own base URL, when it is served from another host.
    pub base_url: Option<String>,
}

/// A validated mapping file with defaults applied.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The file it came from, e.g. `specs/groq/provider.toml`.
    pub file: String,
    /// The file as written.
    pub raw: RawMapping,
    /// Spec directory providing the wire format.
    pub spec: String,
    /// The operations per capability, with method and path from the spec.
    pub operations: Vec<ResolvedOperation>,
}

/// Validates a parsed mapping against its directory name and the specs available.
/// `specs` maps spec directory names to their index.
pub fn validate(
    file: &str,
    dir_name: &str,
    raw: RawMapping,
    specs: &BTreeMap<String, SpecIndex>,
) -> Result<Mapping, MappingError> {
    check_identity(file, dir_name, &raw)?;
    let spec = raw.spec.clone().unwrap_or_else(|| raw.id.clone());
    let Some(index) = specs.get(&spec) else {
        return Err(MappingError::new(
            file,
            "spec",
            format!("no specs/{spec}/openapi.json (set `spec` to the directory whose spec this provider speaks)"),
        ));
    };
    check_endpoint(file, &raw)?;
    check_auth(file, &raw)?;
    let operations = resolve_operations(file, &raw, &spec, specs)?;
    check_generate(file, &raw.generate, spec == raw.id, &spec, index)?;
    for (i, model_override) in raw.model_overrides.iter().enumerate() {
        check_model_override(file, &format!("model_overrides[{i}]"), model_override)?;
    }
    check_model_option_rules(file, &raw.model_option_rules)?;
    check_limits(file, &raw)?;
    check_model_families(file, raw.api, &raw.model_families)?;
    check_request(file, &raw.request)?;
    if let Some(path) = &raw.stream.usage_path {
        check_path(file, "stream.usage_path", path)?;
    }
    for field in &raw.reasoning.fields {
        if !is_identifier(field, false) {
            return Err(MappingError::new(file, "reasoning.fields", format!("`{field}` is not a field name")));
        }
    }
    check_errors(file, &raw.errors)?;
    check_response_paths(file, &raw)?;
    check_hooks(file, &raw)?;
    Ok(Mapping { file: file.to_string(), raw, spec, operations })
}

/// `id` (the directory name) and `display_name`.
fn check_identity(file: &str, dir_name: &str, raw: &RawMapping) -> Result<(), MappingError> {
    if !raw.id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        || !raw.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(MappingError::new(file, "id", format!("`{}` must be lowercase letters, digits and `-`", raw.id)));
    }
    if raw.id != dir_name {
        return Err(MappingError::new(file, "id", format!("`{}` must equal the directory name `{dir_name}`", raw.id)));
    }
    if raw.display_name.trim().is_empty() {
        return Err(MappingError::new(file, "display_name", "must not be empty"));
    }
    Ok(())
}

/// `base_url`, `base_url_env`, `path_prefix` and `model_namespace`.
fn check_endpoint(file: &str, raw: &RawMapping) -> Result<(), MappingError> {
    if let Some(url) = &raw.base_url {
        check_url(file, "base_url", url)?;
    }
    if let Some(var) = &raw.base_url_env {
        check_env_var(file, "base_url_env", var)?;
    }
    if let Some(scope) = raw.oauth_scopes.iter().find(|scope| !scope.starts_with("https://")) {
        return Err(MappingError::new(file, "oauth_scopes", format!("`{scope}` is not an https:// scope URL")));
    }
    let url = raw.base_url.as_deref().unwrap_or_default();
    for (name, var) in &raw.base_url_vars {
        let key = format!("base_url_vars.{name}");
        check_env_var(file, &key, var)?;
        if !url.contains(&format!("{{{name}}}")) {
            return Err(MappingError::new(file, &key, format!("`base_url` has no `{{{name}}}` placeholder")));
        }
    }
    let mut rest = url;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map_or(rest.len(), |end| start + end);
        let name = &rest[(start + 1).min(end)..end];
        // AWS-signed providers fill `{region}` from their region variables.
        let aws_region = name == "region" && matches!(raw.auth, RawAuth::AwsSigv4 { .. });
        if !raw.base_url_vars.contains_key(name) && !aws_region {
            return Err(MappingError::new(file, "base_url", format!("placeholder `{{{name}}}` is not in `base_url_vars`")));
        }
        rest = &rest[(end + 1).min(rest.len())..];
    }
    if !raw.path_prefix.is_empty() && (!raw.path_prefix.starts_with('/') || raw.path_prefix.ends_with('/')) {
        return Err(MappingError::new(file, "path_prefix", "must start with `/` and not end with `/`"));
    }
    let namespace = &raw.model_namespace;
    if !namespace.is_empty() && (namespace.starts_with('/') || !namespace.ends_with('/') || namespace.contains(char::is_whitespace)) {
        return Err(MappingError::new(file, "model_namespace", "must end with `/`, not start with one, and have no spaces"));
    }
    Ok(())
}

/// `[auth]` and `[api_key]`: a key is required unless auth is `none`.
fn check_auth(file: &str, raw: &RawMapping) -> Result<(), MappingError> {
    match &raw.auth {
        RawAuth::Header { name, scheme } => {
            if !is_header_name(name) {
                return Err(MappingError::new(file, "auth.name", format!("`{name}` is not a lowercase header name")));
            }
            if scheme.as_deref().is_some_and(|s| s.is_empty() || s.contains(' ')) {
                return Err(MappingError::new(file, "auth.scheme", "must be one word, e.g. `Token`"));
            }
        }
        RawAuth::Query { param } if param.is_empty() => {
            return Err(MappingError::new(file, "auth.param", "must not be empty"));
        }
        RawAuth::AwsSigv4 { service, region_env } => {
            if service.is_empty() || !service.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                return Err(MappingError::new(file, "auth.service", format!("`{service}` is not an AWS signing name")));
            }
            if region_env.is_empty() {
                return Err(MappingError::new(file, "auth.region_env", "name at least one variable holding the region"));
            }
            for var in region_env {
                check_env_var(file, "auth.region_env", var)?;
            }
        }
        RawAuth::Query { .. } | RawAuth::None | RawAuth::Bearer => {}
    }
    if !matches!(raw.auth, RawAuth::None) && raw.api_key.env.is_empty() {
        return Err(MappingError::new(file, "api_key.env", "name at least one environment variable (auth is not `none`)"));
    }
    for (key, vars) in [("api_key.env", &raw.api_key.env), ("api_key.deprecated_env", &raw.api_key.deprecated_env)] {
        for var in vars {
            check_env_var(file, key, var)?;
        }
    }
    Ok(())
}

/// `[operations]`: each names an operation of the spec; method and path come from there.
fn resolve_operations(
    file: &str,
    raw: &RawMapping,
    spec: &str,
    specs: &BTreeMap<String, SpecIndex>,
) -> Result<Vec<ResolvedOperation>, MappingError> {
    if raw.operations.is_empty() {
        return Err(MappingError::new(file, "operations", "name at least one capability's operation"));
    }
    let mut operations = Vec::new();
    for (capability, operation) in &raw.operations {
        let key = format!("operations.{}", capability.name());
        let (id, operation_spec, path, query, base_url) = operation.parts();
        let operation_spec = operation_spec.unwrap_or(spec);
        let Some(operation_index) = specs.get(operation_spec) else {
            return Err(MappingError::new(file, &format!("{key}.spec"), format!("no specs/{operation_spec}/openapi.json")));
        };
        let Some((method, spec_path)) = operation_index.operations.get(id) else {
            return Err(MappingError::new(file, &key, format!("operation `{id}` is not in specs/{operation_spec}/openapi.json")));
        };
        if path.is_some_and(|path| !path.starts_with('/')) {
            return Err(MappingError::new(file, &format!("{key}.path"), "must start with `/`"));
        }
        if let Some(url) = base_url {
            check_url(file, &format!("{key}.base_url"), url)?;
            // An operation's own host takes only the region placeholder (AWS-signed providers).
            if url.replace("{region}", "").contains('{') {
                return Err(MappingError::new(file, &format!("{key}.base_url"), format!("`{url}`: `{{region}}` is the one placeholder of an operation's base URL")));
            }
        }
        operations.push(ResolvedOperation {
            capability: *capability,
            spec: operation_spec.to_string(),
            operation_id: id.to_string(),
            method: method.clone(),
            path: path.unwrap_or(spec_path).to_string(),
            query,
            base_url: base_url.map(str::to_owned),
        });
    }
    Ok(operations)
}

/// `[generate]`: only the spec's owner has one, and everything it names is in the spec.
fn check_generate(
    file: &str,
    generate: &RawGenerate,
    owns_spec: bool,
    spec: &str,
    index: &SpecIndex,
) -> Result<(), MappingError> {
    if !owns_spec && !generates_nothing(generate) {
        return Err(MappingError::new(file, "generate", format!("only the mapping in specs/{spec}/ decides what its spec generates")));
    }
    for (key, names) in [
        ("generate.stream_schemas", &generate.stream_schemas),
        ("generate.extra_schemas", &generate.extra_schemas),
        ("generate.lean_schemas", &generate.lean_schemas),
        ("generate.lean_owned", &generate.lean_owned),
        ("generate.lean_raw", &generate.lean_raw),
    ] {
        if let Some(name) = names.iter().find(|name| !index.schemas.contains(*name)) {
            return Err(MappingError::new(file, key, format!("schema `{name}` is not in specs/{spec}/openapi.json components")));
        }
    }
    let key = "generate.lean_variants";
    for (variant, of) in &generate.lean_variants {
        if !generate.lean_schemas.contains(of) {
            return Err(MappingError::new(file, key, format!("`{variant}` is of `{of}`, which is not in generate.lean_schemas")));
        }
        if index.schemas.contains(variant) {
            return Err(MappingError::new(file, key, format!("`{variant}` is already a schema name")));
        }
    }
    if let Some(id) = generate.extra_operations.iter().find(|id| !index.operations.contains_key(*id)) {
        let message = format!("operation `{id}` is not in specs/{spec}/openapi.json");
        return Err(MappingError::new(file, "generate.extra_operations", message));
    }
    Ok(())
}

fn generates_nothing(generate: &RawGenerate) -> bool {
    generate.stream_schemas.is_empty()
        && generate.extra_schemas.is_empty()
        && generate.extra_operations.is_empty()
        && generate.lean_schemas.is_empty()
        && generate.lean_variants.is_empty()
        && generate.lean_omit.is_empty()
        && generate.lean_boxed.is_empty()
        && generate.lean_owned.is_empty()
        && generate.lean_raw.is_empty()
}

/// One `[[model_overrides]]` entry: model ids or `prefix*` patterns, and at least one setting.
fn check_model_override(file: &str, key: &str, model_override: &RawModelOverride) -> Result<(), MappingError> {
    let models = &model_override.models;
    if models.is_empty() || !models.iter().all(|pattern| is_model_pattern(pattern)) {
        return Err(MappingError::new(file, &format!("{key}.models"), "list model ids, or prefixes ending in `*`"));
    }
    let o = model_override;
    if o.tools.is_none()
        && o.streaming.is_none()
        && o.structured_outputs.is_none()
        && o.image_input.is_none()
        && o.pdf_input.is_none()
        && o.reasoning.is_none()
        && o.parallel_tool_calls.is_none()
        && o.renames.is_empty()
        && o.unsupported_fields.is_empty()
        && o.system_message_mode.is_none()
        && o.max_output_tokens.is_none()
        && o.embeddings_per_call.is_none()
        && o.images_per_call.is_none()
    {
        return Err(MappingError::new(file, key, "overrides nothing"));
    }
    Ok(())
}

/// `[[model_option_rules]]`: an option name and value, model patterns that take it, and no
/// value ruled twice (which rule would win would be unclear).
fn check_model_option_rules(file: &str, rules: &[RawModelOptionRule]) -> Result<(), MappingError> {
    let mut seen = BTreeSet::new();
    for (i, rule) in rules.iter().enumerate() {
        let key = format!("model_option_rules[{i}]");
        if !is_identifier(&rule.option, false) || rule.value.is_empty() {
            return Err(MappingError::new(file, &key, "name an option (a field name) and one of its values"));
        }
        if !seen.insert((rule.option.as_str(), rule.value.as_str())) {
            return Err(MappingError::new(file, &key, format!("`{}` = `{}` has a rule already", rule.option, rule.value)));
        }
        if rule.models.is_empty() || !rule.models.iter().all(|pattern| is_model_pattern(pattern)) {
            return Err(MappingError::new(file, &format!("{key}.models"), "list model ids, or prefixes ending in `*`"));
        }
        if !rule.except.iter().all(|pattern| is_model_pattern(pattern)) {
            return Err(MappingError::new(file, &format!("{key}.except"), "list model ids, or prefixes ending in `*`"));
        }
    }
    Ok(())
}

/// `[limits]` and the overrides' limits: at least one per call, and only for a capability the
/// mapping has (a limit nothing reads is a mistake in the mapping).
fn check_limits(file: &str, raw: &RawMapping) -> Result<(), MappingError> {
    let has = |capabilities: &[Capability]| capabilities.iter().any(|capability| raw.operations.contains_key(capability));
    let embeddings = has(&[Capability::Embedding, Capability::EmbeddingBatch]);
    let images = has(&[Capability::Image, Capability::ImageWorkflow, Capability::ImageGeneration]);
    let stated = std::iter::once(("limits".to_owned(), raw.limits.embeddings_per_call, raw.limits.images_per_call)).chain(
        raw.model_overrides.iter().enumerate().map(|(i, o)| (format!("model_overrides[{i}]"), o.embeddings_per_call, o.images_per_call)),
    );
    for (key, embeddings_per_call, images_per_call) in stated {
        for (name, value, capable) in [("embeddings_per_call", embeddings_per_call, embeddings), ("images_per_call", images_per_call, images)] {
            match value {
                Some(0) => return Err(MappingError::new(file, &format!("{key}.{name}"), "must be at least 1")),
                Some(_) if !capable => {
                    return Err(MappingError::new(file, &format!("{key}.{name}"), "the mapping has no operation this limit applies to"));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// `[[model_families]]`: a family name its adapter reads (`MODEL_FAMILIES`) and model patterns,
/// each family once.
fn check_model_families(file: &str, api: ApiKind, families: &[RawModelFamily]) -> Result<(), MappingError> {
    let mut seen = BTreeSet::new();
    let known: Vec<&str> = MODEL_FAMILIES.iter().filter(|(kind, _, _)| *kind == api).map(|(_, name, _)| *name).collect();
    for (i, family) in families.iter().enumerate() {
        let key = format!("model_families[{i}]");
        if !known.contains(&family.family.as_str()) {
            let known = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
            let message = format!("the adapter of this `api` reads no family `{}` (it reads: {known})", family.family);
            return Err(MappingError::new(file, &format!("{key}.family"), message));
        }
        if !seen.insert(family.family.as_str()) {
            return Err(MappingError::new(file, &key, format!("`{}` is listed already: one entry per family", family.family)));
        }
        if family.models.is_empty() || !family.models.iter().all(|pattern| is_model_pattern(pattern)) {
            return Err(MappingError::new(file, &format!("{key}.models"), "list model ids, or prefixes ending in `*`"));
        }
    }
    Ok(())
}

/// A model id, or a prefix ending in `*` (no `*` elsewhere).
fn is_model_pattern(pattern: &str) -> bool {
    !pattern.is_empty() && !pattern.strip_suffix('*').unwrap_or(pattern).contains('*')
}

/// `[request]`: header names (never the API key's), value maps and renames.
fn check_request(file: &str, request: &RawRequest) -> Result<(), MappingError> {
    for name in request.headers.keys() {
        let key = format!("request.headers.{name}");
        if !is_header_name(name) {
            return Err(MappingError::new(file, &key, "header names are lowercase token characters"));
        }
        if name == "authorization" {
            return Err(MappingError::new(file, &key, "the API key belongs in [auth]"));
        }
    }
    if let Some((field, _)) = request.value_maps.iter().find(|(_, map)| map.is_empty()) {
        return Err(MappingError::new(file, &format!("request.value_maps.{field}"), "must map at least one value"));
    }
    for (from, to) in &request.renames {
        if from.is_empty() || to.is_empty() || from == to {
            let message = "renames a field to a different, non-empty name";
            return Err(MappingError::new(file, &format!("request.renames.{from}"), message));
        }
    }
    Ok(())
}

/// `[errors]`: the paths to the message, type and code, and the retryable statuses and types.
fn check_errors(file: &str, errors: &RawErrors) -> Result<(), MappingError> {
    for (key, paths) in [("errors.message", &errors.message), ("errors.type", &errors.error_type), ("errors.code", &errors.code)] {
        let Some(paths) = paths else { continue };
        let list = paths.clone().into_vec();
        if list.is_empty() {
            return Err(MappingError::new(file, key, "give at least one path"));
        }
        for path in &list {
            check_path(file, key, path)?;
        }
    }
    let mut statuses = errors.retryable_statuses.iter().flatten();
    if let Some(bad) = statuses.find(|s| !(100..=599).contains(*s)) {
        return Err(MappingError::new(file, "errors.retryable_statuses", format!("{bad} is not an HTTP status")));
    }
    if errors.retryable_types.iter().any(|error_type| error_type.trim().is_empty()) {
        return Err(MappingError::new(file, "errors.retryable_types", "an error type is a non-empty string"));
    }
    Ok(())
}

/// `[[response_metadata]]` (unique keys) and `[usage]`: JSON paths into a response.
fn check_response_paths(file: &str, raw: &RawMapping) -> Result<(), MappingError> {
    let mut keys = BTreeSet::new();
    for (i, item) in raw.response_metadata.iter().enumerate() {
        let key = format!("response_metadata[{i}]");
        if item.key.is_empty() || !keys.insert(item.key.clone()) {
            return Err(MappingError::new(file, &format!("{key}.key"), format!("`{}` is empty or repeated", item.key)));
        }
        check_path(file, &format!("{key}.path"), &item.path)?;
    }
    for (i, source) in raw.sources.iter().enumerate() {
        let key = format!("sources[{i}]");
        check_path(file, &format!("{key}.path"), &source.path)?;
        for (field, path) in [("url", &source.url), ("title", &source.title)] {
            if let Some(path) = path {
                check_path(file, &format!("{key}.{field}"), path)?;
            }
        }
        if source.url.is_none() && source.title.is_some() {
            return Err(MappingError::new(file, &format!("{key}.title"), "items without a `url` field are URL strings: they have no title"));
        }
    }
    let usage = &raw.usage;
    for (key, path) in [
        ("usage.input_tokens", &usage.input_tokens),
        ("usage.output_tokens", &usage.output_tokens),
        ("usage.total_tokens", &usage.total_tokens),
        ("usage.cached_input_tokens", &usage.cached_input_tokens),
        ("usage.reasoning_tokens", &usage.reasoning_tokens),
    ] {
        if let Some(path) = path {
            check_path(file, key, path)?;
        }
    }
    Ok(())
}

/// `[hooks]`: the names of the SDK functions a provider plugs in.
fn check_hooks(file: &str, raw: &RawMapping) -> Result<(), MappingError> {
    for (key, hook) in [
        ("hooks.request", &raw.hooks.request),
        ("hooks.response", &raw.hooks.response),
        ("hooks.stream_chunk", &raw.hooks.stream_chunk),
        ("hooks.error", &raw.hooks.error),
        ("hooks.metadata", &raw.hooks.metadata),
    ] {
        if let Some(hook) = hook.as_deref().filter(|hook| !is_identifier(hook, false)) {
            return Err(MappingError::new(file, key, format!("`{hook}` is not a snake_case function name")));
        }
    }
    Ok(())
}

/// A base URL: http(s), no trailing slash, placeholders as `{name}` (which ones a provider
/// fills is checked by the caller: `base_url_vars`, or `{region}` for AWS-signed providers).
fn check_url(file: &str, key: &str, url: &str) -> Result<(), MappingError> {
    let mut depth = 0i32;
    let placeholders_ok = url.chars().all(|c| {
        depth += i32::from(c == '{') - i32::from(c == '}');
        (0..=1).contains(&depth)
    }) && depth == 0;
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.ends_with('/') || !placeholders_ok {
        return Err(MappingError::new(file, key, format!("`{url}` must be an http(s) URL without a trailing slash, its placeholders as `{{name}}`")));
    }
    Ok(())
}

fn check_env_var(file: &str, key: &str, var: &str) -> Result<(), MappingError> {
    if is_identifier(var, true) {
        Ok(())
    } else {
        Err(MappingError::new(file, key, format!("`{var}` is not an environment variable name")))
    }
}

fn check_path(file: &str, key: &str, path: &str) -> Result<(), MappingError> {
    let ok = !path.is_empty()
        && path.split('.').all(|segment| {
            !segment.is_empty() && segment.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    if ok {
        Ok(())
    } else {
        Err(MappingError::new(file, key, format!("`{path}` is not a JSON path (dot-separated keys, e.g. `x_groq.usage`)")))
    }
}

/// An upper-case (`GROQ_API_KEY`) or lower-case (`reasoning_content`) identifier.
fn is_identifier(text: &str, upper: bool) -> bool {
    let mut chars = text.chars();
    let first_ok = match chars.next() {
        Some(c) if upper => c.is_ascii_uppercase(),
        Some(c) => c.is_ascii_lowercase() || c == '_',
        None => false,
    };
    first_ok
        && chars.all(|c| {
            c == '_' || c.is_ascii_digit() || if upper { c.is_ascii_uppercase() } else { c.is_ascii_lowercase() }
        })
}

fn is_header_name(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}
