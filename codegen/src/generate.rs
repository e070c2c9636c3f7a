//! One spec -> one Rust module: prune, normalize, progenitor, rewrites, prettyplease.

use serde_json::Value;

use crate::log::Log;
use crate::normalize;
use crate::postprocess;
use crate::prune::{self, Roots};

/// The generated module source (without header) and the log of what was changed on the way.
pub struct Generated {
    /// Formatted Rust, without the header.
    pub code: String,
    /// What pruning, the passes and the rewrites changed.
    pub log: Log,
}

/// Generator settings, declared once for every provider.
fn settings() -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::default();
    settings
        // Positional methods: builder structs per operation and per type would double the code.
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        // Tests and the SDK compare decoded values.
        .with_derive("PartialEq")
        // Headers the caller sets once (auth, `anthropic-version`, ...) ride in the client and
        // are added to every request: the caller's reqwest::Client cannot be given defaults, and
        // `ClientHooks` cannot be implemented outside this crate.
        .with_inner_type(quote::quote!(::reqwest::header::HeaderMap))
        // `apply_headers` is added to every module by postprocess::remove_timeout_constructor.
        .with_pre_hook(quote::quote!(apply_headers));
    settings
}

/// Generates Rust for `doc` (already parsed; any OpenAPI version), keeping `roots`.
pub fn generate(mut doc: Value, roots: &Roots) -> Result<Generated, String> {
    let mut log = Log::default();
    prune::prune(&mut doc, roots, &mut log)?;
    // Roots the tagged-unions pass must not drop; removed again before parsing.
    doc["x-specai-roots"] = serde_json::json!(roots.schemas.union(&roots.lean).collect::<Vec<_>>());
    normalize::run(&mut doc, false, &mut log);
    if let Some(object) = doc.as_object_mut() {
        object.remove("x-specai-roots");
    }
    let lean = if roots.lean.is_empty() {
        None
    } else {
        let lean = crate::lean::emit(&doc, roots)?;
        prune::drop_lean_only(&mut doc, roots, &mut log)?;
        Some(lean)
    };
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(doc).map_err(|e| format!("normalized spec does not parse as OpenAPI 3.0: {e}"))?;
    let mut generator = progenitor::Generator::new(&settings());
    // progenitor and typify panic on some inputs; report them as errors naming the spec.
    let tokens = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| generator.generate_tokens(&spec)))
        .map_err(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            format!("progenitor panicked: {message}")
        })?
        .map_err(|e| format!("progenitor: {e}"))?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| format!("progenitor output does not parse: {e}"))?;
    let report = postprocess::run(&mut file);
    if let Some(lean) = lean {
        let module: syn::Item = syn::parse2(lean).map_err(|e| format!("lean types do not parse: {e}"))?;
        file.items.push(module);
        log.change("rewrite-output", format!("added module `lean` for {}", roots.lean.iter().cloned().collect::<Vec<_>>().join(", ")));
    }
    let pass = "rewrite-output";
    log.change(pass, format!("removed {} `api-version` request headers", report.stray_headers_removed));
    log.change(pass, "removed `Client::new` (15 s timeout): build with `Client::new_with_client`".to_string());
    log.change(pass, "`new_with_client(base_url, client)` + `with_headers(headers)` instead of an inner-value argument".to_string());
    log.change(pass, "the client (`Client`, `prelude`, `apply_headers`) behind the `client` feature; `types` and `lean` always".to_string());
    log.change(pass, format!("derived Default for {} structs whose fields all have one", report.defaults));
    log.change(pass, format!("{} optional list/map fields decode null as empty", report.null_as_empty));
    for name in &report.open_enums {
        log.change(pass, format!("enum {name}: + Unlisted(String) for values the spec does not list"));
    }
    for name in &report.tagged_unions_with_unknown {
        log.change(pass, format!("tagged union {name}: + Unlisted for tags the spec does not list"));
    }
    for name in &report.tolerant_structs {
        log.change(pass, format!("struct {name}: skips unknown fields (no deny_unknown_fields)"));
    }
    let code = prettyplease::unparse(&file);
    Ok(Generated { code, log })
}
