//! Ids for what a provider leaves unnamed: a tool call without an id, a source, a code block.

use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// A process-unique id, `{prefix}_` then hex digits. Unique, not numbered by position: the step
/// loop keys tool calls and their results by id across the whole conversation, so a second
/// step's unnamed call must not take the first step's id.
pub(crate) fn generate_id(prefix: &str) -> String {
    let count = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|since| since.subsec_nanos()).unwrap_or(0);
    format!("{prefix}_{nanos:08x}{count:04x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_prefixed() {
        let first = generate_id("call");
        let second = generate_id("call");
        assert!(first.starts_with("call_") && second.starts_with("call_"), "{first} {second}");
        assert_ne!(first, second);
    }
}
