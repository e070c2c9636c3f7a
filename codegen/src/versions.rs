//! The generator's versions, recorded in the header of every generated file, so that a
//! generator change (ours, progenitor's or typify's) shows in generated/ as a reviewable diff,
//! as a spec change does.
//!
//! They are the versions cargo resolved, never typed by hand: the workspace's Cargo.lock is
//! compiled in (`include_str!`, so a change to it rebuilds this crate) and the progenitor and
//! typify that specai-codegen depends on are looked up in it.

use std::fmt;

/// The versions of the generator and of the code generators it drives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versions {
    /// specai-codegen.
    pub codegen: String,
    /// progenitor, which generates the clients.
    pub progenitor: String,
    /// typify, which generates the types.
    pub typify: String,
}

/// The lock file this crate was built with.
const CARGO_LOCK: &str = include_str!("../../Cargo.lock");

impl Versions {
    /// The versions this build of the generator was compiled with.
    pub fn resolved() -> Result<Versions, String> {
        Versions::from_lock(CARGO_LOCK)
    }

    /// The versions recorded in a Cargo.lock, for the specai-codegen it lists.
    pub fn from_lock(lock: &str) -> Result<Versions, String> {
        let packages: Vec<LockedPackage> = lock.split("[[package]]").skip(1).map(LockedPackage::parse).collect();
        let codegen = packages
            .iter()
            .find(|p| p.name == env!("CARGO_PKG_NAME"))
            .ok_or_else(|| format!("Cargo.lock lists no {}", env!("CARGO_PKG_NAME")))?;
        Ok(Versions {
            codegen: codegen.version.clone(),
            progenitor: dependency_version(&packages, codegen, "progenitor")?,
            typify: dependency_version(&packages, codegen, "typify")?,
        })
    }
}

/// `specai-codegen 0.1.0, progenitor 0.15.1, typify 0.8.0`.
impl fmt::Display for Versions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}, progenitor {}, typify {}", env!("CARGO_PKG_NAME"), self.codegen, self.progenitor, self.typify)
    }
}

/// One `[[package]]` of a Cargo.lock: its name, version and dependency entries.
struct LockedPackage {
    name: String,
    version: String,
    /// As written: `name`, or `name version` where the lock holds several versions of it.
    dependencies: Vec<String>,
}

impl LockedPackage {
    fn parse(block: &str) -> LockedPackage {
        let value = |key: &str| {
            block.lines().find_map(|line| line.strip_prefix(key)?.trim_start().strip_prefix('=')).map(unquote).unwrap_or_default()
        };
        let dependencies = block
            .split_once("dependencies = [")
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(list, _)| list.split(',').map(unquote).filter(|d| !d.is_empty()).collect())
            .unwrap_or_default();
        LockedPackage { name: value("name"), version: value("version"), dependencies }
    }
}

fn unquote(text: &str) -> String {
    text.trim().trim_matches('"').to_string()
}

/// The version of `name` that `package` depends on.
fn dependency_version(packages: &[LockedPackage], package: &LockedPackage, name: &str) -> Result<String, String> {
    let entry = package
        .dependencies
        .iter()
        .find(|entry| entry.split(' ').next() == Some(name))
        .ok_or_else(|| format!("Cargo.lock: {} does not depend on {name}", package.name))?;
    // A version is written only when the lock holds several; otherwise the one package of the name.
    match entry.split(' ').nth(1) {
        Some(version) => Ok(version.to_string()),
        None => packages
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.version.clone())
            .ok_or_else(|| format!("Cargo.lock lists no {name}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_versions_are_found() {
        let versions = Versions::resolved().unwrap();
        assert_eq!(versions.codegen, env!("CARGO_PKG_VERSION"));
        assert!(!versions.progenitor.is_empty() && !versions.typify.is_empty(), "{versions:?}");
    }

    #[test]
    fn a_dependency_held_in_two_versions_is_read_from_the_entry() {
        let lock = r#"
[[package]]
name = "progenitor"
version = "0.9.0"

[[package]]
name = "progenitor"
version = "0.15.1"

[[package]]
name = "specai-codegen"
version = "0.2.0"
dependencies = [
 "progenitor 0.15.1",
 "typify",
]

[[package]]
name = "typify"
version = "0.8.0"
"#;
        let versions = Versions::from_lock(lock).unwrap();
        assert_eq!(versions.to_string(), "specai-codegen 0.2.0, progenitor 0.15.1, typify 0.8.0");
        assert!(Versions::from_lock(&lock.replace(" \"typify\",\n", "")).unwrap_err().contains("typify"));
    }
}
