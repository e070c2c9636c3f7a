//! AWS event-stream frames decoded incrementally, as the bytes arrive, with the AWS SDK's own
//! frame decoder (`aws-smithy-eventstream`: prelude, headers, payload, both CRCs checked).
//!
//! Each frame becomes an [`Event`]: an event of a type with its JSON payload, or an exception
//! (an `:exception-type` frame, or an `:error-code` frame), which the caller turns into an API
//! error. A CRC mismatch or a malformed frame is an [`Error::InvalidResponse`]; bytes left when
//! the connection ends are a truncated frame, also an `InvalidResponse`; a transport failure is
//! an [`Error::Connection`]. The stream ends after its first error, and every event decoded
//! before it has already been yielded, so the caller keeps the partial output.

use std::pin::Pin;
use std::task::{Context, Poll};

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use aws_smithy_types::event_stream::{HeaderValue, Message};
use aws_smithy_types::str_bytes::StrBytes;
use bytes::{Bytes, BytesMut};
use futures::Stream;

use crate::error::{Error, Result};
use crate::provider_utils::{BodyError, body_error};

/// A frame's meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Event {
    /// `:message-type` `event`: its `:event-type` and JSON payload (both share the frame's
    /// bytes).
    Event { event_type: StrBytes, payload: Bytes },
    /// `:message-type` `exception` (its `:exception-type`) or `error` (its `:error-code`), with
    /// the payload, or the `:error-message` header when the payload is empty.
    Exception {
        exception_type: String,
        payload: String,
    },
}

/// The decoding stream over the response's byte chunks.
pub(crate) struct EventStream<S> {
    bytes: S,
    buffer: BytesMut,
    decoder: MessageFrameDecoder,
    /// Bytes received since the last complete frame (the decoder keeps a read prelude itself).
    pending: usize,
    url: String,
    done: bool,
}

impl<S> EventStream<S> {
    pub(crate) fn new(bytes: S, url: String) -> Self {
        EventStream {
            bytes,
            buffer: BytesMut::new(),
            decoder: MessageFrameDecoder::new(),
            pending: 0,
            url,
            done: false,
        }
    }

    fn fail(&mut self, error: Error) -> Poll<Option<Result<Event>>> {
        self.done = true;
        Poll::Ready(Some(Err(error)))
    }
}

impl<S, E> Stream for EventStream<S>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Unpin,
    E: Into<BodyError>,
{
    type Item = Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if self.done {
                return Poll::Ready(None);
            }
            let this = &mut *self;
            match this.decoder.decode_frame(&mut this.buffer) {
                Ok(DecodedFrame::Complete(message)) => {
                    this.pending = this.buffer.len();
                    return Poll::Ready(Some(event_of(&message)));
                }
                Ok(DecodedFrame::Incomplete) => {}
                Err(error) => {
                    let message = format!("invalid event-stream frame: {error}");
                    return self.fail(Error::invalid_response(
                        message,
                        None,
                        Some(std::sync::Arc::new(error)),
                    ));
                }
            }
            match Pin::new(&mut self.bytes).poll_next(context) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    self.pending += chunk.len();
                    self.buffer.extend_from_slice(&chunk);
                }
                Poll::Ready(Some(Err(error))) => {
                    let error = body_error(&self.url, error.into());
                    return self.fail(error);
                }
                Poll::Ready(None) if self.pending > 0 => {
                    let message = format!(
                        "the event stream ended inside a frame ({} bytes of an incomplete frame)",
                        self.pending
                    );
                    return self.fail(Error::invalid_response(message, None, None));
                }
                Poll::Ready(None) => {
                    self.done = true;
                    return Poll::Ready(None);
                }
            }
        }
    }
}

/// A string header's value.
fn string_header<'a>(message: &'a Message, name: &str) -> Option<&'a StrBytes> {
    message
        .headers()
        .iter()
        .find(|header| header.name().as_str() == name)
        .and_then(|header| match header.value() {
            HeaderValue::String(value) => Some(value),
            _ => None,
        })
}

fn header<'a>(message: &'a Message, name: &str) -> Option<&'a str> {
    string_header(message, name).map(StrBytes::as_str)
}

/// What one frame means.
fn event_of(message: &Message) -> Result<Event> {
    let payload = message.payload().clone();
    let text = || String::from_utf8_lossy(&payload).into_owned();
    match header(message, ":message-type") {
        Some("event") => {
            let event_type = string_header(message, ":event-type").ok_or_else(|| {
                Error::invalid_response("an event frame without `:event-type`", Some(text()), None)
            })?;
            Ok(Event::Event {
                event_type: event_type.clone(),
                payload,
            })
        }
        Some("exception") => {
            let exception_type = header(message, ":exception-type")
                .unwrap_or("unknownException")
                .to_owned();
            Ok(Event::Exception {
                exception_type,
                payload: text(),
            })
        }
        Some("error") => {
            let exception_type = header(message, ":error-code")
                .unwrap_or("unknownError")
                .to_owned();
            let payload = match header(message, ":error-message") {
                Some(message) if payload.is_empty() => {
                    serde_json::json!({ "message": message }).to_string()
                }
                _ => text(),
            };
            Ok(Event::Exception {
                exception_type,
                payload,
            })
        }
        other => Err(Error::invalid_response(
            format!("an event-stream frame of message type {other:?}"),
            Some(text()),
            None,
        )),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use aws_smithy_eventstream::frame::write_message_to;
    use aws_smithy_types::event_stream::Header;
    use futures::StreamExt;

    use super::*;

    /// One event frame, built with the AWS framing crate (prelude, headers, payload, CRCs).
    pub(crate) fn event_frame(event_type: &str, payload: &str) -> Vec<u8> {
        frame(
            vec![
                Header::new(
                    ":event-type",
                    HeaderValue::String(event_type.to_owned().into()),
                ),
                Header::new(
                    ":content-type",
                    HeaderValue::String("application/json".into()),
                ),
                Header::new(":message-type", HeaderValue::String("event".into())),
            ],
            payload,
        )
    }

    /// One exception frame.
    pub(crate) fn exception_frame(exception_type: &str, payload: &str) -> Vec<u8> {
        frame(
            vec![
                Header::new(
                    ":exception-type",
                    HeaderValue::String(exception_type.to_owned().into()),
                ),
                Header::new(
                    ":content-type",
                    HeaderValue::String("application/json".into()),
                ),
                Header::new(":message-type", HeaderValue::String("exception".into())),
            ],
            payload,
        )
    }

    fn frame(headers: Vec<Header>, payload: &str) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_message_to(
            &Message::new_from_parts(headers, Bytes::from(payload.to_owned())),
            &mut bytes,
        )
        .unwrap();
        bytes
    }

    async fn decode(chunks: Vec<Vec<u8>>) -> Vec<Result<Event>> {
        let bytes = futures::stream::iter(
            chunks
                .into_iter()
                .map(|chunk| Ok::<_, reqwest::Error>(Bytes::from(chunk))),
        );
        EventStream::new(bytes, "https://bedrock/x".into())
            .collect()
            .await
    }

    #[tokio::test]
    async fn frames_split_anywhere_decode_the_same() {
        let mut all = event_frame("messageStart", r#"{"role":"assistant"}"#);
        all.extend(exception_frame(
            "throttlingException",
            r#"{"message":"slow down"}"#,
        ));
        // One byte at a time: frames are reassembled across every possible split.
        let events = decode(all.iter().map(|byte| vec![*byte]).collect()).await;
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[0].as_ref().unwrap(),
            &Event::Event {
                event_type: "messageStart".into(),
                payload: Bytes::from_static(br#"{"role":"assistant"}"#)
            }
        );
        assert_eq!(
            events[1].as_ref().unwrap(),
            &Event::Exception {
                exception_type: "throttlingException".into(),
                payload: r#"{"message":"slow down"}"#.into()
            }
        );
    }

    #[tokio::test]
    async fn a_crc_mismatch_is_an_error_after_the_good_frames() {
        let good = event_frame("messageStart", r#"{"role":"assistant"}"#);
        let mut bad = event_frame(
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"text":"hi"}}"#,
        );
        let last = bad.len() - 6;
        bad[last] ^= 0xff; // a payload byte: the message CRC no longer matches
        let events = decode(vec![good, bad]).await;
        assert_eq!(events.len(), 2);
        assert!(events[0].is_ok());
        match &events[1] {
            Err(Error::InvalidResponse { message, .. }) => assert!(
                message.contains("checksum")
                    || message.contains("crc")
                    || message.contains("frame"),
                "{message}"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_truncated_frame_is_an_error_even_right_after_the_prelude() {
        let frame = event_frame("messageStart", r#"{"role":"assistant"}"#);
        for cut in [5, 12, frame.len() - 1] {
            let events = decode(vec![frame[..cut].to_vec()]).await;
            assert_eq!(events.len(), 1, "cut at {cut}");
            assert!(
                matches!(&events[0], Err(Error::InvalidResponse { message, .. }) if message.contains("ended inside a frame")),
                "cut at {cut}: {events:?}"
            );
        }
    }
}
