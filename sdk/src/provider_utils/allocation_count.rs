//! Allocations of a stream's text events, counted: what the streams' unit tests hold.
//!
//! The benchmarks measure a stream's cost per event, but CI does not run them. An allocation
//! count is exact on any machine, so the tests hold it instead: a per-event allocation added to
//! a provider's stream fails its test. Counted per thread (`allocation-counter` is the unit
//! tests' allocator), so tests running beside it do not disturb the count.

use bytes::Bytes;
use futures::{Stream, StreamExt};

use crate::error::Result;
use crate::provider::StreamPart;
use crate::provider_utils::{EventMapper, PartsStream, SseStream};

/// What 100 text delta events cost in allocations: reading 200 copies of `delta` (one SSE
/// event giving one text delta) through the SSE reader and a parts stream mapped by a new
/// `mapper()`, less reading 100. Each run first reads `opening` (the stream's first events) and
/// its `opening_parts` parts uncounted; the difference leaves out, too, what a stream
/// allocates once.
#[cfg_attr(
    not(any(feature = "openai-compatible", feature = "anthropic", feature = "google", feature = "cohere", feature = "gateway")),
    allow(dead_code, reason = "Bedrock's tests, alone, read their binary framing with the function below")
)]
pub(crate) fn allocations_of_hundred_text_deltas<M: EventMapper>(
    mapper: impl Fn() -> M,
    opening: &str,
    opening_parts: usize,
    delta: &str,
) -> u64 {
    let parts_of = |body: Bytes| PartsStream::new(SseStream::new(futures::stream::iter([Ok::<_, std::io::Error>(body)])), mapper());
    allocations_of_hundred_deltas_read_by(parts_of, opening.as_bytes(), opening_parts, delta.as_bytes())
}

/// [`allocations_of_hundred_text_deltas`] for a stream of any framing: `parts_of(body)` reads
/// the parts of a body that arrives in one chunk; `delta` is one event's bytes.
pub(crate) fn allocations_of_hundred_deltas_read_by<S: Stream<Item = Result<StreamPart>> + Unpin>(
    parts_of: impl Fn(Bytes) -> S,
    opening: &[u8],
    opening_parts: usize,
    delta: &[u8],
) -> u64 {
    let allocations = |count: usize| {
        let body = [opening, &delta.repeat(count)].concat();
        let mut parts = parts_of(Bytes::from(body));
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
