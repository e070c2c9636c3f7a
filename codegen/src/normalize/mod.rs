//! Normalization: ordered, named passes that turn a (pruned) spec into something progenitor
//! digests and whose generated types decode what real servers send.
//!
//! Each pass logs every change it makes; the [`Log`] is committed beside the generated module
//! (`generated/src/<module>/normalize.log`) so that a spec update shows as a reviewable diff.
//! The passes live by family, each file using only [`walk`] and [`naming`]: [`import`] passes
//! make an OpenAPI 3.1 document valid 3.0 and also run on `cargo codegen import`; [`types`],
//! [`tagged_unions`] and [`operations`] adjust the generated types and methods and run only
//! when generating. [`PASSES`] is the one place that orders them.

use serde_json::Value;

use crate::log::Log;

pub mod import;
pub mod naming;
pub mod operations;
pub mod tagged_unions;
#[cfg(test)]
mod testing;
pub mod types;
pub mod walk;

use import::{
    const_to_enum, enum_cleanup, exclusive_bounds, null_unions, openapi_version, operation_ids, ref_siblings,
    single_composition, type_arrays, unsupported_keywords,
};
pub use naming::pascal;
use operations::{json_request_bodies, parameters, single_success_response};
use tagged_unions::tagged_unions;
use types::{
    drop_defaults, enum_or_string, hoist_top_level_nullable, inline_titles, open_objects, plain_scalars,
    relax_required_nullable,
};


/// A normalization pass.
pub struct Pass {
    /// Name used in the log.
    pub name: &'static str,
    /// Whether `cargo codegen import` runs it (OpenAPI 3.1 -> 3.0 structure).
    pub import: bool,
    /// One line on why the pass exists.
    pub why: &'static str,
    /// The transformation.
    pub run: fn(&mut Value, &mut Vec<String>),
}

/// All passes, in the order they run.
pub const PASSES: &[Pass] = &[
    Pass { name: "openapi-version", import: true, why: "progenitor accepts only OpenAPI 3.0.x", run: openapi_version },
    Pass { name: "operation-ids", import: true, why: "progenitor needs a unique operationId on every operation", run: operation_ids },
    Pass { name: "type-arrays", import: true, why: "3.1 `type: [X, \"null\"]` is 3.0 `type: X, nullable: true`", run: type_arrays },
    Pass { name: "null-unions", import: true, why: "3.1 `anyOf: [X, {type: null}]` is 3.0 nullable X", run: null_unions },
    Pass { name: "const-to-enum", import: true, why: "3.0 has no `const`: a one-value enum says the same", run: const_to_enum },
    Pass { name: "exclusive-bounds", import: true, why: "3.1 numeric exclusive bounds are 3.0 booleans beside minimum/maximum", run: exclusive_bounds },
    Pass { name: "unsupported-keywords", import: true, why: "JSON Schema keywords that 3.0 (and openapiv3) lacks", run: unsupported_keywords },
    Pass { name: "enum-cleanup", import: true, why: "null inside `enum` means nullable; non-string enum values break typify's string enums", run: enum_cleanup },
    Pass { name: "single-composition", import: true, why: "typify asserts a schema has not both anyOf and oneOf: keep oneOf", run: single_composition },
    Pass { name: "ref-siblings", import: true, why: "3.0 ignores keywords beside `$ref`; keep `nullable` via allOf", run: ref_siblings },
    Pass { name: "drop-defaults", import: false, why: "typify panics on some defaults; clients should not send what the caller did not set", run: drop_defaults },
    Pass { name: "plain-scalars", import: false, why: "formats, patterns, lengths and bounds make chrono/uuid/regress types, constrained newtypes and NonZero integers: the server validates, callers pass plain String/i64/f64", run: plain_scalars },
    Pass { name: "hoist-top-level-nullable", import: false, why: "typify emits duplicate types for nullable top-level components", run: hoist_top_level_nullable },
    Pass { name: "relax-required-nullable", import: false, why: "lenient servers omit nullable fields that the spec requires", run: relax_required_nullable },
    Pass { name: "enum-or-string", import: false, why: "`anyOf: [enum, string]` (an open enum) is what every generated string enum already is", run: enum_or_string },
    Pass { name: "tagged-unions", import: false, why: "typify tags a union only when its variants are inline objects: inline $ref variants that share a constant `type`-like property, so decoding picks the variant by tag", run: tagged_unions },
    Pass { name: "inline-titles", import: false, why: "typify names inline types by title: a title equal to a component name makes two types of one name", run: inline_titles },
    Pass { name: "open-objects", import: false, why: "keep vendor extras (reasoning_content, x_groq, ...) in a flattened `extra` map", run: open_objects },
    Pass { name: "parameters", import: false, why: "header parameters (keys, versions) come from provider.toml, not method arguments; nullable parameters make Option<Option<_>>", run: parameters },
    Pass { name: "single-success-response", import: false, why: "progenitor panics on several response types per operation", run: single_success_response },
    Pass { name: "json-request-bodies", import: false, why: "progenitor has no multipart methods: such operations become types only", run: json_request_bodies },
];

/// Runs the passes (all, or only the import ones), recording into `log`.
pub fn run(doc: &mut Value, import_only: bool, log: &mut Log) {
    for pass in PASSES.iter().filter(|p| p.import || !import_only) {
        let mut changes = Vec::new();
        (pass.run)(doc, &mut changes);
        let section = log.section(pass.name);
        section.extend(changes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tagged_unions::TAGGED_VARIANT;
    use crate::normalize::testing::{apply, tagged_union_doc};

    #[test]
    fn every_pass_is_tested_here() {
        // Keep this list in step with PASSES: each name has a test in its family's file.
        let tested = [
            "openapi-version", "operation-ids", "type-arrays", "null-unions", "const-to-enum", "exclusive-bounds",
            "unsupported-keywords", "enum-cleanup", "single-composition", "ref-siblings", "drop-defaults", "plain-scalars",
            "hoist-top-level-nullable", "relax-required-nullable", "enum-or-string", "tagged-unions", "inline-titles", "open-objects", "parameters",
            "single-success-response",
            "json-request-bodies",
        ];
        let names: Vec<_> = PASSES.iter().map(|p| p.name).collect();
        assert_eq!(names, tested);
    }

    #[test]
    fn tagged_variants_stay_closed() {
        // A variant inlined by tagged-unions keeps its fields only: open-objects leaves it alone.
        let doc = tagged_union_doc();
        let (doc, _) = apply(tagged_unions, doc);
        let (doc, changes) = apply(open_objects, doc);
        assert!(doc["components"]["schemas"]["U"]["oneOf"][0].get("additionalProperties").is_none());
        assert!(doc["components"]["schemas"]["U"]["oneOf"][0].get(TAGGED_VARIANT).is_none());
        assert_eq!(changes.len(), 1, "only A itself is opened: {changes:?}");
    }
}
