//! The SSE reader: never panics, and how the bytes are cut into chunks never changes the events.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use specai::fuzzing::{chunks, sse_events};

fuzz_target!(|data: &[u8]| {
    let cut = sse_events(chunks(data));
    let whole = sse_events(data.get(1..).map(|rest| vec![Bytes::copy_from_slice(rest)]).unwrap_or_default());
    let simple = |events: &[specai::Result<specai::provider_utils::SseEvent>]| -> Vec<Result<(Option<String>, Bytes), String>> {
        events.iter().map(|event| match event {
            Ok(event) => Ok((event.event.as_ref().map(ToString::to_string), event.data.clone())),
            Err(error) => Err(format!("{error:?}")),
        }).collect()
    };
    assert_eq!(simple(&cut), simple(&whole), "chunking changed the events");
});
