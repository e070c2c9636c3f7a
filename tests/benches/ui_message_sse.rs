//! Writing a UI message stream's SSE body (what a chat endpoint sends the browser), per text
//! delta event: each event encoded into a buffer of its own (`encode_sse_event`, as the body did
//! before), against the body itself, which writes events into one shared buffer and splits
//! them off.
//!
//! `cargo bench -p specai-tests --bench ui_message_sse` prints nanoseconds per event, the fastest
//! of 7 rounds of 200,000 events each (one thread, no I/O, so wall time is CPU time), and the
//! allocations per event (a counting allocator), for events dropped at once and for events held
//! in batches of 64, as a server holds those it has not yet written. The body's figure includes
//! polling the chunk stream, which the loop over `encode_sse_event` does not pay.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use futures::StreamExt;
use specai::ui_message_stream::{UiMessageChunk, UiMessageStream, encode_sse_event};

/// The system allocator, counting allocations.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) }
    }
    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(pointer, layout, size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn chunks(count: usize) -> Vec<UiMessageChunk> {
    (0..count).map(|_| UiMessageChunk::TextDelta { id: "text-0".into(), delta: " quick brown fox jumps".into(), provider_metadata: None }).collect()
}

/// Writes the events of `count` chunks, holding `hold` at a time; returns nanoseconds and
/// allocations per event (the chunks themselves are made before the clock starts).
fn run(count: usize, hold: usize, shared_buffer: bool) -> (f64, f64) {
    let chunks = chunks(count);
    let mut held = Vec::with_capacity(hold);
    let started = Instant::now();
    let allocations = ALLOCATIONS.load(Ordering::Relaxed);
    let mut bytes = 0;
    let mut keep = |event: bytes::Bytes| {
        bytes += event.len();
        held.push(event);
        if held.len() == hold {
            held.clear();
        }
    };
    if shared_buffer {
        let (_, _, mut body) = UiMessageStream::from_chunks(chunks).into_response().into_parts();
        futures::executor::block_on(async {
            while let Some(event) = body.next().await {
                keep(event.expect("infallible"));
            }
        });
    } else {
        for chunk in &chunks {
            keep(encode_sse_event(chunk));
        }
        drop(chunks);
    }
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - allocations;
    let nanoseconds = started.elapsed().as_nanos() as f64;
    std::hint::black_box(bytes);
    (nanoseconds / count as f64, allocations as f64 / count as f64)
}

fn main() {
    // `cargo test --benches` passes no `--bench`: a tiny run then, as a smoke test.
    let quick = !std::env::args().any(|argument| argument == "--bench");
    let (rounds, count) = if quick { (1, 1_000) } else { (7, 200_000) };
    println!("| events held | buffer per event, ns | allocations | shared buffer (the body), ns | allocations | ratio |");
    println!("|---|---|---|---|---|---|");
    for hold in [1, 64] {
        let fastest = |shared| (0..rounds).map(|_| run(count, hold, shared)).fold((f64::MAX, 0.0), |best, (ns, allocations)| if ns < best.0 { (ns, allocations) } else { best });
        let (alone, alone_allocations) = fastest(false);
        let (shared, shared_allocations) = fastest(true);
        println!("| {hold} | {alone:.0} | {alone_allocations:.2} | {shared:.0} | {shared_allocations:.2} | {:.2} |", shared / alone);
    }
}
