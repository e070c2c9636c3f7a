//! `cargo codegen` (write generated/), `cargo codegen --check` (fail if it differs), and
//! `cargo codegen import <provider> <official-spec-file>`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use specai_codegen::versions::Versions;
use specai_codegen::{Mode, ensure, import_files, outputs};

const USAGE: &str = "usage:
  cargo codegen                                  regenerate generated/ from specs/
  cargo codegen --check                          fail if generated/ differs from what specs/ produces
  cargo codegen import <provider> <spec-file>    prune + normalize an official OpenAPI document
                                                 into specs/<provider>/openapi.json, then regenerate
  cargo codegen import <provider> <model.json>...  the same from Smithy 2.0 JSON models (merged)";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen/ has a parent").to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => generate(&root, Mode::Write),
        ["--check"] => generate(&root, Mode::Check),
        ["import", provider, files @ ..] if !files.is_empty() => run_import(&root, provider, files),
        ["-h" | "--help"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate(root: &Path, mode: Mode) -> Result<(), String> {
    let files = outputs(&root.join("specs"))?;
    let changed = ensure(&root.join("generated"), &files, mode, "cargo codegen")?;
    match (mode, changed.is_empty()) {
        (Mode::Check, _) => println!("generated/ is up to date with specs/ ({} files)", files.len()),
        (Mode::Write, true) => println!("generated/ was already up to date ({} files)", files.len()),
        (Mode::Write, false) => println!("generated/: {}", changed.join(", ")),
    }
    Ok(())
}

fn run_import(root: &Path, provider: &str, files: &[&str]) -> Result<(), String> {
    let given = files.join(" ");
    let current = std::env::current_dir().map_err(|e| e.to_string())?;
    let files: Vec<PathBuf> = files.iter().map(|file| current.join(file)).collect();
    let (spec, log) = import_files(&root.join("specs"), provider, &files)?;
    let target = root.join("specs").join(provider).join("openapi.json");
    std::fs::write(&target, spec).map_err(|e| format!("{}: {e}", target.display()))?;
    let log_path = root.join("specs").join(provider).join("import.log");
    let title = format!("What `cargo codegen import {provider} {given}` changed.");
    std::fs::write(&log_path, log.render(&title, &Versions::resolved()?))
        .map_err(|e| format!("{}: {e}", log_path.display()))?;
    println!("wrote specs/{provider}/openapi.json (log: specs/{provider}/import.log)");
    generate(root, Mode::Write)
}
