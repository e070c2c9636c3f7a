//! codegen's mapping-file parser and validator (specs/<id>/provider.toml): never panics; any
//! text is either a mapping or a `MappingError` naming a key.
#![no_main]

use std::cell::RefCell;
use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use specai_codegen::mapping::{SpecIndex, parse, validate};

thread_local! {
    /// The index of the compatible spec, which most mappings speak, under the one spec name the
    /// last input asked for: it moves to each input's name rather than being cloned per input.
    static SPECS: RefCell<BTreeMap<String, SpecIndex>> = RefCell::new(BTreeMap::from([(String::new(), {
        let doc = serde_json::from_str(include_str!("../../specs/openai-compatible/openapi.json")).expect("spec is JSON");
        SpecIndex::of(&doc)
    })]));
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(raw) = parse("specs/fuzz/provider.toml", text) else { return };
    let id = raw.id.clone();
    let spec = raw.spec.clone().unwrap_or_else(|| id.clone());
    SPECS.with_borrow_mut(|specs| {
        if !specs.contains_key(&spec) {
            let (_, index) = specs.pop_first().expect("the map always holds the index");
            specs.insert(spec, index);
        }
        let _ = validate("specs/fuzz/provider.toml", &id, raw, specs);
    });
});
