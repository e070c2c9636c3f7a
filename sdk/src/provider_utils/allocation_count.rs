//! Allocations of a stream's repeated event, counted: what the streams' unit tests hold.
//!
//! The benchmarks measure a stream's cost per event, but CI does not run them. An allocation
//! count is exact on any machine, so the tests hold it instead: a per-event allocation added to
//! a provider's stream fails its test. Counted per thread (`allocation-counter` is the unit
//! tests' allocator), so tests running beside it do not disturb the count.

use futures::StreamExt;

use crate::provider::StreamPart;
use crate::provider_utils::{EventMapper, PartsStream, SseStream};

/// The allocations of reading `count` copies of `repeated` (one SSE event, each giving one
/// part) through the SSE reader and a parts stream mapped by `mapper`, after `opening` (the
/// stream's first events, whose `opening_parts` parts are read first and not counted: what a
/// stream allocates once). Each part read is checked with `is_expected`.
pub(crate) fn allocations_of_repeated_events<M: EventMapper>(
    mapper: M,
    opening: (&str, usize),
    repeated: &str,
    count: usize,
    is_expected: impl Fn(&StreamPart) -> bool,
) -> u64 {
    let (opening, opening_parts) = opening;
    let body = format!("{opening}{}", repeated.repeat(count));
    let chunks = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(body))]);
    let mut parts = PartsStream::new(SseStream::new(chunks), mapper);
    let mut next = || futures::executor::block_on(parts.next()).expect("a part").expect("no error");
    for _ in 0..opening_parts {
        next();
    }
    let measured = allocation_counter::measure(|| {
        for _ in 0..count {
            let part = next();
            assert!(is_expected(&part), "{part:?}");
        }
    });
    measured.count_total
}
