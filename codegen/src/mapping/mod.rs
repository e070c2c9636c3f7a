//! `specs/<id>/provider.toml`: parsing, validation, defaults, and emission as Rust statics.
//!
//! The format is documented in specs/README.md. The pipeline is one file per step, each using
//! only the ones above it: [`format`](mod@format) (the serde types; unknown keys and wrong types are
//! rejected), [`parse`](mod@parse) (TOML errors named by key), [`validate`](mod@validate) (what serde cannot check: ids,
//! URLs, header names, JSON paths, operation ids that must exist in the spec, as indexed by
//! [`spec_index`]) and [`emit`] (the Rust tables of generated/src/mappings.rs). Every error is
//! a [`MappingError`] naming the file and the key.

use std::collections::BTreeMap;
use std::path::Path;

pub mod emit;
pub mod error;
pub mod format;
pub mod parse;
pub mod spec_index;
pub mod validate;

pub use emit::{emit_module, module_name, static_name};
pub use error::MappingError;
pub use format::*;
pub use parse::parse;
pub use spec_index::SpecIndex;
pub use validate::{Mapping, ResolvedOperation, validate};

/// Reads and validates every `specs/*/provider.toml`.
pub fn load_all(specs_dir: &Path, specs: &BTreeMap<String, SpecIndex>) -> Result<Vec<Mapping>, MappingError> {
    let mut mappings = Vec::new();
    for dir in crate::directories::list_dirs(specs_dir) {
        let path = specs_dir.join(&dir).join("provider.toml");
        if !path.exists() {
            continue;
        }
        let file = format!("specs/{dir}/provider.toml");
        let text = std::fs::read_to_string(&path).map_err(|error| MappingError::new(&file, "", error.to_string()))?;
        let raw = parse(&file, &text)?;
        mappings.push(validate(&file, &dir, raw, specs)?);
    }
    Ok(mappings)
}

#[cfg(test)]
mod tests;
