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
