//! The SSE reader: never panics, and how the bytes are cut into chunks never changes the events.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use specai::fuzzing::{cut, sse_events};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    // One copy of the input, shared by both readings.
    let bytes = Bytes::copy_from_slice(rest);
    let whole = sse_events(vec![bytes.clone()]);
    let in_chunks = sse_events(cut(bytes, usize::from(first % 64) + 1));
    let simple = |events: &[specai::Result<specai::provider_utils::SseEvent>]| -> Vec<Result<(Option<String>, Bytes), String>> {
        events.iter().map(|event| match event {
            Ok(event) => Ok((event.event.as_ref().map(ToString::to_string), event.data.clone())),
            Err(error) => Err(format!("{error:?}")),
        }).collect()
    };
    assert_eq!(simple(&in_chunks), simple(&whole), "chunking changed the events");
});
