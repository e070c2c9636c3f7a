//! codegen's mapping-file parser and validator (specs/<id>/provider.toml): never panics; any
//! text is either a mapping or a `MappingError` naming a key.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use specai_codegen::mapping::{SpecIndex, parse, validate};

/// The index of the compatible spec, which most mappings speak.
fn spec_index() -> &'static SpecIndex {
    static INDEX: OnceLock<SpecIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let doc = serde_json::from_str(include_str!("../../specs/openai-compatible/openapi.json")).expect("spec is JSON");
        SpecIndex::of(&doc)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(raw) = parse("specs/fuzz/provider.toml", text) else { return };
    let id = raw.id.clone();
    let spec = raw.spec.clone().unwrap_or_else(|| id.clone());
    let specs = BTreeMap::from([(spec, spec_index().clone())]);
    let _ = validate("specs/fuzz/provider.toml", &id, raw, &specs);
});
