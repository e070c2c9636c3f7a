//! Finding specs on disk: the spec directories and the spec file in each. Its own module so that
//! the mapping loader and the crate root both use it without importing each other.

use std::path::{Path, PathBuf};

/// Sorted names of the subdirectories of `dir`.
pub fn list_dirs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .filter_map(|entry| entry.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

/// The spec file of a spec directory, if it has one.
pub fn spec_file(dir: &Path) -> Option<PathBuf> {
    ["openapi.json", "openapi.yaml", "openapi.yml"].iter().map(|name| dir.join(name)).find(|path| path.exists())
}
