//! Generator tests: each `tests/samples/<name>/specs/` generates exactly the committed
//! `tests/samples/<name>/expected/`. Set `UPDATE_EXPECT=1` to rewrite the expectations after a
//! deliberate generator change, then review the diff.

use std::path::Path;

use specai_codegen::{Mode, ensure, outputs};

fn samples() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/samples");
    specai_codegen::list_dirs(&dir).into_iter().map(|name| dir.join(name)).collect()
}

#[test]
fn samples_generate_their_expected_output() {
    let mode = if std::env::var_os("UPDATE_EXPECT").is_some() { Mode::Write } else { Mode::Check };
    let samples = samples();
    assert!(!samples.is_empty());
    for sample in samples {
        let files = outputs(&sample.join("specs")).unwrap_or_else(|e| panic!("{}: {e}", sample.display()));
        ensure(&sample.join("expected"), &files, mode, "UPDATE_EXPECT=1 cargo test -p specai-codegen --test samples")
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn generation_is_deterministic() {
    for sample in samples() {
        let first = outputs(&sample.join("specs")).unwrap();
        let second = outputs(&sample.join("specs")).unwrap();
        assert_eq!(first, second, "{}", sample.display());
    }
}

#[test]
fn check_reports_differences_and_write_fixes_them() {
    let sample = samples().into_iter().next().unwrap();
    let files = outputs(&sample.join("specs")).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/codegen-ensure-test");
    let _ = std::fs::remove_dir_all(&dir);
    ensure(&dir, &files, Mode::Write, "cargo codegen").unwrap();
    assert!(ensure(&dir, &files, Mode::Check, "cargo codegen").unwrap().is_empty());
    // A hand edit, a deleted file and a leftover file are all reported, with the fix command.
    let edited = files.keys().find(|f| f.ends_with("mod.rs")).unwrap().clone();
    std::fs::write(dir.join(&edited), "// edited by hand\n").unwrap();
    std::fs::remove_file(dir.join("src/lib.rs")).unwrap();
    std::fs::write(dir.join("src/stale.rs"), "").unwrap();
    let error = ensure(&dir, &files, Mode::Check, "cargo codegen").unwrap_err();
    assert!(error.contains(&format!("differs: {edited}")), "{error}");
    assert!(error.contains("missing: src/lib.rs"), "{error}");
    assert!(error.contains("stale: src/stale.rs"), "{error}");
    assert!(error.contains("run `cargo codegen`"), "{error}");
    // Check changed nothing; Write repairs everything through the same function.
    assert_eq!(std::fs::read_to_string(dir.join(&edited)).unwrap(), "// edited by hand\n");
    assert_eq!(ensure(&dir, &files, Mode::Write, "cargo codegen").unwrap().len(), 3);
    assert!(ensure(&dir, &files, Mode::Check, "cargo codegen").unwrap().is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The one version of `name` in the workspace's Cargo.lock, read with a TOML parser (not the
/// generator's own reader).
fn locked_version(name: &str) -> String {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock")).unwrap();
    let lock: toml::Table = lock.parse().unwrap();
    let versions: Vec<&str> = lock["package"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|package| package["name"].as_str() == Some(name))
        .filter_map(|package| package["version"].as_str())
        .collect();
    assert_eq!(versions.len(), 1, "{name}: {versions:?}");
    versions[0].to_string()
}

#[test]
fn every_generated_file_names_its_generator_versions() {
    let expected = [
        format!("specai-codegen {}", env!("CARGO_PKG_VERSION")),
        format!("progenitor {}", locked_version("progenitor")),
        format!("typify {}", locked_version("typify")),
    ];
    for sample in samples() {
        for (file, content) in outputs(&sample.join("specs")).unwrap() {
            let header: String = content.lines().take(3).collect::<Vec<_>>().join("\n");
            for version in &expected {
                assert!(header.contains(version.as_str()), "{}: {file} header lacks `{version}`:\n{header}", sample.display());
            }
        }
    }
}
