//! The partial-JSON parser: never panics on any text, agrees with serde_json on whole documents,
//! and every prefix of a document it accepts parses too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use specai::fuzzing::{parse_partial_array, parse_partial_json};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let partial = parse_partial_json(text);
    let _ = parse_partial_array(text, None);
    let _ = parse_partial_array(text, Some("elements"));
    if let Ok(whole) = serde_json::from_str::<serde_json::Value>(text) {
        let partial = partial.expect("a whole document is a prefix of itself");
        assert_eq!(partial.value, whole, "the value of a whole document");
        // A top-level number may go on (`1` can become `12`), so only it is left open.
        assert!(partial.complete || whole.is_number(), "a whole document is complete");
        // Every prefix of a small document (a large one makes this loop the slow part).
        if text.len() <= 512 {
            for (end, _) in text.char_indices() {
                let _ = parse_partial_json(&text[..end]);
            }
        }
    }
});
