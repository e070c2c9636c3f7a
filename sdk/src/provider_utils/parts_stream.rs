//! SSE events mapped to stream parts by a provider's decoder, one `Stream` deep.
//!
//! Every SSE-based provider does the same around its decoder: poll the event stream, hand each
//! event to the decoder, which pushes zero or more [`StreamPart`]s, hand it the end (`[DONE]` or
//! the end of the body), and apply the same fault rules. [`PartsStream`] is that loop, with no
//! task or channel between the socket and the caller; the decoder ([`EventMapper`]) is the
//! provider's one place that knows its wire events.
//!
//! The fault rules, the same for every provider:
//! - An event that cannot be read ([`Error::InvalidResponse`]: malformed JSON, an unexpected
//!   shape) is skipped: it becomes a [`StreamPart::Error`] keeping the raw event, and reading goes
//!   on, so one bad event does not lose the rest of the answer.
//! - Any other error (a cut connection, an error event sent by the provider, a limit exceeded)
//!   is yielded as `Err` and ends the stream.
//! - A body that ends cleanly before the provider's terminator (`[DONE]`, or the decoder's own
//!   end event: a finish reason, `message_stop`, `response.completed`) ends with a
//!   [`StreamPart::Error`] saying so, then the decoder's `Finish` with what was read (finish
//!   reason `other` unless one arrived), so the partial answer stays readable.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures::Stream;

use super::sse::{DONE, NextEvent, SseEvent, SseStream};
use crate::error::{Error, Result};
use crate::provider::StreamPart;

/// A provider's stream decoder: maps each SSE event, then the end of the stream, to parts.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use std::collections::VecDeque;
/// use futures::StreamExt;
/// use specai::provider::{FinishReason, StreamPart};
/// use specai::provider_utils::{EventMapper, PartsStream, SseEvent, SseStream};
///
/// /// A wire format whose events are plain text deltas.
/// struct PlainText;
///
/// impl EventMapper for PlainText {
///     fn on_event(&mut self, event: &SseEvent, out: &mut VecDeque<StreamPart>) -> specai::Result<()> {
///         out.push_back(StreamPart::TextDelta { id: "text-0".into(), delta: event.text()?.to_owned() });
///         Ok(())
///     }
///
///     fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> specai::Result<()> {
///         let finish_reason = FinishReason::Stop;
///         out.push_back(StreamPart::Finish { usage: Box::default(), finish_reason, raw_finish_reason: None, provider_metadata: None });
///         Ok(())
///     }
/// }
///
/// let body = futures::stream::iter(["data: Hel\n\n", "data: lo\n\ndata: [DONE]\n\n"].map(Ok::<_, std::io::Error>));
/// let parts: Vec<StreamPart> = PartsStream::new(SseStream::new(body), PlainText).map(Result::unwrap).collect().await;
/// assert!(matches!(&parts[1], StreamPart::TextDelta { delta, .. } if delta == "lo"));
/// assert!(matches!(parts.last(), Some(StreamPart::Finish { finish_reason: FinishReason::Stop, .. })));
/// # Ok(()) }
/// ```
pub trait EventMapper: Send + Unpin + 'static {
    /// Maps one event (never `[DONE]`), pushing parts to `out`. An [`Error::InvalidResponse`]
    /// skips the event (the stream goes on); any other error ends the stream.
    fn on_event(&mut self, event: &SseEvent, out: &mut VecDeque<StreamPart>) -> Result<()>;

    /// Maps the end of the stream (`[DONE]`, or the end of the body), pushing the last parts.
    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()>;

    /// Whether the provider's own end event arrived (a finish reason, `message_stop`...), so a
    /// body ending without `[DONE]` is complete. Default: only `[DONE]` completes a stream.
    fn is_complete(&self) -> bool {
        false
    }

    /// Whether nothing more is expected, so the stream ends without waiting for the body to
    /// close (Anthropic after `message_stop`). Default: read to `[DONE]` or the body's end.
    fn is_done(&self) -> bool {
        false
    }

    /// Maps a plain event (a `data:` line and nothing more) given by its data alone, borrowed
    /// from the read buffer. [`PartsStream`] calls it instead of [`on_event`](Self::on_event)
    /// when [`maps_plain_data`](Self::maps_plain_data) says so, and saves the reference count
    /// that an owned event takes on the buffer. Default: the owned event, mapped by `on_event`.
    fn on_plain_data(&mut self, data: &[u8], out: &mut VecDeque<StreamPart>) -> Result<()> {
        self.on_event(&SseEvent { data: Bytes::copy_from_slice(data), ..Default::default() }, out)
    }

    /// Whether [`on_plain_data`](Self::on_plain_data) maps a plain event as `on_event` does, so
    /// [`PartsStream`] may call it. Default: `false` (every event goes to `on_event`).
    fn maps_plain_data(&self) -> bool {
        false
    }
}

/// The event methods of an [`EventMapper`] that reads every event by its data alone (the
/// event's name, id and retry unread): every event, a plain one borrowed, goes to the type's own
/// `fn map_data(&mut self, data: &[u8], out: &mut VecDeque<StreamPart>) -> Result<()>`; data of
/// white space only is skipped.
#[cfg(any(feature = "openai-compatible", feature = "google", feature = "gateway"))]
macro_rules! map_events_by_data {
    () => {
        /// The event's name is not read: every event is mapped by its data.
        fn on_event(
            &mut self,
            event: &$crate::provider_utils::SseEvent,
            out: &mut ::std::collections::VecDeque<$crate::provider::StreamPart>,
        ) -> $crate::error::Result<()> {
            self.on_plain_data(&event.data, out)
        }

        fn maps_plain_data(&self) -> bool {
            true
        }

        fn on_plain_data(
            &mut self,
            data: &[u8],
            out: &mut ::std::collections::VecDeque<$crate::provider::StreamPart>,
        ) -> $crate::error::Result<()> {
            if data.iter().all(u8::is_ascii_whitespace) {
                return Ok(());
            }
            self.map_data(data, out)
        }
    };
}
#[cfg(any(feature = "openai-compatible", feature = "google", feature = "gateway"))]
pub(crate) use map_events_by_data;

pin_project_lite::pin_project! {
    /// SSE events mapped to parts by an [`EventMapper`]; see the module docs for the fault rules.
    pub struct PartsStream<S, M> {
        #[pin]
        events: SseStream<S>,
        mapper: M,
        pending: VecDeque<StreamPart>,
        done: bool,
    }
}

impl<S, M> PartsStream<S, M> {
    /// Maps `events` with `mapper`.
    pub fn new(events: SseStream<S>, mapper: M) -> Self {
        PartsStream { events, mapper, pending: VecDeque::with_capacity(4), done: false }
    }

    /// Maps `events` with `mapper`, yielding `first` (usually the stream start) before them.
    pub fn starting_with(events: SseStream<S>, mapper: M, first: StreamPart) -> Self {
        let mut stream = Self::new(events, mapper);
        stream.pending.push_back(first);
        stream
    }
}

/// The [`StreamPart::Error`] of a body that ended before the stream's terminator.
pub(crate) fn ended_early() -> StreamPart {
    StreamPart::Error {
        error: Error::invalid_response(
            "the stream ended before its final event (the connection may have been closed early); the output may be incomplete",
            None,
            None,
        ),
    }
}

/// Maps one event of `data` with `map`; `[DONE]` ends the stream instead.
fn map_one<M: EventMapper>(
    mapper: &mut M,
    out: &mut VecDeque<StreamPart>,
    done: &mut bool,
    data: &[u8],
    map: impl FnOnce(&mut M, &mut VecDeque<StreamPart>) -> Result<()>,
) -> Result<()> {
    if data == DONE {
        *done = true;
        return mapper.on_end(out);
    }
    let result = map(mapper, out);
    if result.is_ok() && mapper.is_done() {
        *done = true;
    }
    result
}

impl<S, B, E, M> Stream for PartsStream<S, M>
where
    S: Stream<Item = std::result::Result<B, E>>,
    B: Into<Bytes>,
    E: std::error::Error + Send + Sync + 'static,
    M: EventMapper,
{
    type Item = Result<StreamPart>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if let Some(part) = this.pending.pop_front() {
                return Poll::Ready(Some(Ok(part)));
            }
            if *this.done {
                return Poll::Ready(None);
            }
            let plain = this.mapper.maps_plain_data();
            let result = match ready!(this.events.as_mut().poll_next_event(context)) {
                // A plain event stays borrowed only for a mapper that takes it so.
                Some(Ok(NextEvent::Data { chunk, range })) if plain => {
                    let data = &chunk[range];
                    map_one(this.mapper, this.pending, this.done, data, |mapper, out| mapper.on_plain_data(data, out))
                }
                Some(Ok(next)) => {
                    let event = next.into_event();
                    map_one(this.mapper, this.pending, this.done, &event.data, |mapper, out| mapper.on_event(&event, out))
                }
                Some(Err(error)) => Err(error),
                None => {
                    *this.done = true;
                    if !this.mapper.is_complete() {
                        this.pending.push_back(ended_early());
                    }
                    this.mapper.on_end(this.pending)
                }
            };
            match result {
                Ok(()) => {}
                Err(error @ Error::InvalidResponse { .. }) if !*this.done => {
                    this.pending.push_back(StreamPart::Error { error });
                }
                Err(error) => {
                    *this.done = true;
                    this.pending.clear();
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::*;

    /// Echoes each event's data as a text delta; `bad` data is unreadable; `end` completes.
    struct Echo {
        complete: bool,
    }

    impl EventMapper for Echo {
        fn on_event(&mut self, event: &SseEvent, out: &mut VecDeque<StreamPart>) -> Result<()> {
            match &*event.data {
                b"bad" => Err(Error::invalid_response("unreadable", Some("bad".to_owned()), None)),
                b"fatal" => Err(Error::Cancelled),
                b"end" => {
                    self.complete = true;
                    Ok(())
                }
                data => {
                    out.push_back(StreamPart::TextDelta { id: "t".into(), delta: String::from_utf8_lossy(data).into_owned() });
                    Ok(())
                }
            }
        }

        fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
            out.push_back(StreamPart::TextEnd { id: "t".into(), provider_metadata: None });
            Ok(())
        }

        fn is_complete(&self) -> bool {
            self.complete
        }
    }

    /// Records which method saw each event: `plain:` for borrowed plain data, `event:` for the
    /// owned event (with its name).
    struct Recorder {
        seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    }

    impl EventMapper for Recorder {
        fn on_event(&mut self, event: &SseEvent, _out: &mut VecDeque<StreamPart>) -> Result<()> {
            let name = event.event_name().unwrap_or("-");
            self.seen.lock().unwrap().push(format!("event:{name}:{}", String::from_utf8_lossy(&event.data)));
            Ok(())
        }

        fn on_plain_data(&mut self, data: &[u8], _out: &mut VecDeque<StreamPart>) -> Result<()> {
            self.seen.lock().unwrap().push(format!("plain:{}", String::from_utf8_lossy(data)));
            Ok(())
        }

        fn maps_plain_data(&self) -> bool {
            true
        }

        fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
            out.push_back(StreamPart::TextEnd { id: "t".into(), provider_metadata: None });
            Ok(())
        }
    }

    /// A mapper that maps plain data gets each plain event borrowed; an event with a name, an id
    /// or several data lines, and one split across chunks, still come whole to `on_event`; a
    /// plain `[DONE]` still ends the stream.
    #[test]
    fn plain_events_reach_a_mapper_that_asks_as_borrowed_data() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let chunks = ["data: a\n\nevent: named\ndata: b\n\ndata: c\ndata: d\n\nid: 7\ndata: e\n\ndata: f", "g\n\ndata: h\n\n", "data: [DONE]\n\ndata: after\n\n"];
        let body = futures::stream::iter(chunks.map(|chunk| Ok::<_, std::io::Error>(Bytes::from_static(chunk.as_bytes()))));
        let parts: Vec<_> = futures::executor::block_on(PartsStream::new(SseStream::new(body), Recorder { seen: seen.clone() }).collect());
        assert!(matches!(parts.as_slice(), [Ok(StreamPart::TextEnd { .. })]), "{parts:?}");
        assert_eq!(*seen.lock().unwrap(), ["event:-:a", "event:named:b", "event:-:c\nd", "event:-:e", "event:-:fg", "plain:h"]);
    }

    fn run(body: &'static str) -> Vec<Result<StreamPart>> {
        let chunks = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(body.as_bytes()))]);
        futures::executor::block_on(PartsStream::new(SseStream::new(chunks), Echo { complete: false }).collect())
    }

    fn delta(text: &str) -> StreamPart {
        StreamPart::TextDelta { id: "t".into(), delta: text.to_owned() }
    }

    #[test]
    fn an_unreadable_event_is_an_error_part_and_the_stream_goes_on() {
        let parts = run("data: a\n\ndata: bad\n\ndata: b\n\ndata: [DONE]\n\n");
        assert_eq!(parts.len(), 4, "{parts:?}");
        assert_eq!(parts[0].as_ref().unwrap(), &delta("a"));
        match parts[1].as_ref().unwrap() {
            StreamPart::Error { error: Error::InvalidResponse { raw: Some(raw), .. } } => assert_eq!(raw, "bad"),
            other => panic!("{other:?}"),
        }
        assert_eq!(parts[2].as_ref().unwrap(), &delta("b"));
        assert!(matches!(parts[3], Ok(StreamPart::TextEnd { .. })));
    }

    #[test]
    fn any_other_error_ends_the_stream() {
        let parts = run("data: a\n\ndata: fatal\n\ndata: b\n\n");
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert!(matches!(parts[1], Err(Error::Cancelled)));
    }

    #[test]
    fn a_body_ending_before_its_terminator_says_so_and_keeps_the_output() {
        let parts = run("data: a\n\n");
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert_eq!(parts[0].as_ref().unwrap(), &delta("a"));
        assert_eq!(parts[1].as_ref().unwrap(), &ended_early());
        assert!(matches!(parts[2], Ok(StreamPart::TextEnd { .. })));
        // The decoder's own end event completes a stream without `[DONE]`.
        let parts = run("data: a\n\ndata: end\n\n");
        assert_eq!(parts.len(), 2, "{parts:?}");
    }
}
