//! The gateway's stream: server-sent events whose data are the AI SDK's stream parts in JSON,
//! which map one to one onto [`StreamPart`]s (see `gateway_parts`).
//!
//! The stream opens with a stream-start part (one with no warnings is made up when the gateway
//! sends none first); raw parts pass only when the caller asked for raw chunks; an error part
//! ends the stream with a typed, possibly retryable, error; a stream that ends before its
//! finish part ends with an error (the connection was cut).

use std::collections::VecDeque;
use std::sync::Arc;

use http::HeaderMap;

use super::gateway_error::gateway_stream_error;
use super::gateway_parts::{GatewayPart, Mapped};
use crate::error::{Error, Result};
use crate::provider::{Content, StreamPart};
use crate::provider_utils::{EventMapper, MappingErrorParser, SseEvent};

/// Maps the SSE events of one response to parts (with
/// [`PartsStream`](crate::provider_utils::PartsStream)).
pub(crate) struct GatewayEventMapper {
    include_raw: bool,
    started: bool,
    finished: bool,
    url: String,
    headers: HeaderMap,
    errors: MappingErrorParser,
}

impl GatewayEventMapper {
    pub(crate) fn new(include_raw: bool, url: String, headers: HeaderMap, errors: MappingErrorParser) -> Self {
        GatewayEventMapper { include_raw, started: false, finished: false, url, headers, errors }
    }
}

impl EventMapper for GatewayEventMapper {
    fn on_event(&mut self, event: &SseEvent, out: &mut VecDeque<StreamPart>) -> Result<()> {
        let data = &event.data;
        if data.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let part = crate::provider_utils::decode_json::<GatewayPart>(data).map_err(|error| {
            Error::invalid_response(
                format!("invalid gateway stream part: {error}"),
                Some(String::from_utf8_lossy(data).into_owned()),
                Some(Arc::new(error)),
            )
        })?;
        if let GatewayPart::Error { error } = &part {
            return Err(gateway_stream_error(error, &self.url, self.headers.clone(), &self.errors));
        }
        if matches!(part, GatewayPart::Raw { .. }) && !self.include_raw {
            return Ok(());
        }
        let is_start = matches!(part, GatewayPart::StreamStart { .. });
        if !self.started && !is_start {
            out.push_back(StreamPart::StreamStart { warnings: Vec::new() });
        }
        self.started = true;
        self.finished |= matches!(part, GatewayPart::Finish { .. });
        match part.map() {
            Mapped::Part(part) => out.push_back(part),
            Mapped::Content(Content::ToolCall(call)) => out.push_back(StreamPart::ToolCall(Box::new(call))),
            Mapped::Content(Content::ToolResult(result)) => out.push_back(StreamPart::ToolResult(Box::new(result))),
            Mapped::Content(Content::File(file)) => out.push_back(StreamPart::File(Box::new(file))),
            Mapped::Content(Content::Source(source)) => out.push_back(StreamPart::Source(Box::new(source))),
            // Whole text or reasoning, and parts specai has no name for (tool approval
            // requests, custom content): not part of a stream's vocabulary.
            _ => tracing::warn!(part = %String::from_utf8_lossy(data), "gateway stream part not supported by specai; skipped"),
        }
        Ok(())
    }

    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        // Without its finish part the stream ended early: the parts stream has said so with an
        // error part, and the answer so far finishes with reason `other` (the one rule for every
        // provider).
        if !self.finished {
            out.push_back(StreamPart::Finish {
                usage: Default::default(),
                finish_reason: crate::provider::FinishReason::Other,
                raw_finish_reason: None,
                provider_metadata: None,
            });
        }
        Ok(())
    }

    fn is_complete(&self) -> bool {
        self.finished
    }
}
