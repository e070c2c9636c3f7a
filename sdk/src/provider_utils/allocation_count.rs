//! Allocations of a stream's text events, counted: what the streams' unit tests hold.
//!
//! The benchmarks measure a stream's cost per event, but CI does not run them. An allocation
//! count is exact on any machine, so the tests hold it instead: a per-event allocation added to
//! a provider's stream fails its test. Counted per thread (`allocation-counter` is the unit
//! tests' allocator), so tests running beside it do not disturb the count.

use futures::StreamExt;

use crate::provider::StreamPart;
use crate::provider_utils::{EventMapper, PartsStream, SseStream};

/// What 100 text delta events cost in allocations: reading 200 copies of `delta` (one SSE
/// event giving one text delta) through the SSE reader and a parts stream mapped by a new
/// `mapper()`, less reading 100. Each run first reads `opening` (the stream's first events) and
/// its `opening_parts` parts uncounted; the difference leaves out, too, what a stream
/// allocates once.
pub(crate) fn allocations_of_hundred_text_deltas<M: EventMapper>(
    mapper: impl Fn() -> M,
    opening: &str,
    opening_parts: usize,
    delta: &str,
) -> u64 {
    let allocations = |count: usize| {
        let body = format!("{opening}{}", delta.repeat(count));
        let chunks = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(body))]);
        let mut parts = PartsStream::new(SseStream::new(chunks), mapper());
        let mut next = || futures::executor::block_on(parts.next()).expect("a part").expect("no error");
        for _ in 0..opening_parts {
            next();
        }
        let measured = allocation_counter::measure(|| {
            for _ in 0..count {
                let part = next();
                assert!(matches!(part, StreamPart::TextDelta { .. }), "{part:?}");
            }
        });
        measured.count_total
    };
    allocations(200) - allocations(100)
}
