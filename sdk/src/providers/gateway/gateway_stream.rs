//! The gateway's stream: server-sent events whose data are the AI SDK's stream parts in JSON,
//! which map one to one onto [`StreamPart`]s (see `gateway_parts`).
//!
//! The stream opens with a stream-start part (one with no warnings is made up when the gateway
//! sends none first); raw parts pass only when the caller asked for raw chunks; an error part
//! ends the stream with a typed, possibly retryable, error; a stream that ends before its
//! finish part ends with an error (the connection was cut).
//!
//! Deltas, most of a stream's events, skip the tagged enum: serde decodes an internally tagged
//! enum by first buffering the part's members, then copying each string. A delta is decoded
//! straight into borrowed strings instead, and its block id reuses the previous delta's when it
//! names the same block: one allocation per delta, its text.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Arc;

use http::HeaderMap;
use serde::Deserialize;

use super::gateway_error::gateway_stream_error;
use super::gateway_parts::{GatewayPart, Mapped};
use crate::error::{Error, Result};
use crate::provider::{BlockId, Content, StreamPart};
use crate::provider_utils::{EventMapper, MappingErrorParser, map_events_by_data};

/// Maps the SSE events of one response to parts (with
/// [`PartsStream`](crate::provider_utils::PartsStream)).
pub(crate) struct GatewayEventMapper {
    include_raw: bool,
    started: bool,
    finished: bool,
    url: String,
    headers: HeaderMap,
    errors: MappingErrorParser,
    /// The block the last delta went to.
    delta_block: Option<BlockId>,
}

/// A text, reasoning or tool-input delta with nothing more (a reasoning delta with provider
/// metadata takes the enum's way).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Delta<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    delta: Cow<'a, str>,
}

impl GatewayEventMapper {
    pub(crate) fn new(include_raw: bool, url: String, headers: HeaderMap, errors: MappingErrorParser) -> Self {
        GatewayEventMapper { include_raw, started: false, finished: false, url, headers, errors, delta_block: None }
    }

    /// Marks the stream started, making up its start part first unless `part_is_start` (the
    /// gateway's own start part follows) or it has started already.
    fn start(&mut self, part_is_start: bool, out: &mut VecDeque<StreamPart>) {
        if !self.started && !part_is_start {
            out.push_back(StreamPart::StreamStart { warnings: Vec::new() });
        }
        self.started = true;
    }

    /// The part of a delta event, or `None` for any other event.
    fn delta_part(&mut self, data: &[u8]) -> Option<StreamPart> {
        let Delta { kind, id, delta } = crate::provider_utils::decode_json::<Delta<'_>>(data).ok()?;
        let make: fn(BlockId, String) -> StreamPart = match kind.as_ref() {
            "text-delta" => |id, delta| StreamPart::TextDelta { id, delta },
            "reasoning-delta" => |id, delta| StreamPart::ReasoningDelta { id, delta, provider_metadata: None },
            "tool-input-delta" => |id, delta| StreamPart::ToolInputDelta { id, delta },
            _ => return None,
        };
        let block = match &self.delta_block {
            Some(block) if **block == *id => block.clone(),
            _ => self.delta_block.insert(BlockId::from(id.as_ref())).clone(),
        };
        Some(make(block, delta.into_owned()))
    }

    /// Maps one event's data: a stream part of the gateway's own vocabulary.
    fn map_data(&mut self, data: &[u8], out: &mut VecDeque<StreamPart>) -> Result<()> {
        if let Some(part) = self.delta_part(data) {
            self.start(false, out);
            out.push_back(part);
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
        self.start(matches!(part, GatewayPart::StreamStart { .. }), out);
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
}

impl EventMapper for GatewayEventMapper {
    map_events_by_data!();

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

#[cfg(test)]
mod tests {
    use super::*;
    use specai_generated::mappings::GATEWAY;

    fn mapper() -> GatewayEventMapper {
        GatewayEventMapper::new(false, "http://127.0.0.1/v1".to_owned(), HeaderMap::new(), MappingErrorParser::new(GATEWAY.errors, None))
    }

    fn parts_of(events: &[&str]) -> Vec<StreamPart> {
        let mut mapper = mapper();
        let mut out = VecDeque::new();
        for data in events {
            mapper.on_event(&crate::provider_utils::SseEvent { data: bytes::Bytes::copy_from_slice(data.as_bytes()), ..Default::default() }, &mut out).unwrap();
        }
        out.into()
    }

    #[test]
    fn deltas_keep_their_blocks_escapes_and_metadata() {
        let parts = parts_of(&[
            r#"{"type":"text-delta","id":"a","delta":"one \"quoted\" \u00e9"}"#,
            r#"{"delta":"two","id":"a","type":"text-delta"}"#,
            r#"{"type":"tool-input-delta","id":"call-1","delta":"{\"x\":"}"#,
            r#"{"type":"reasoning-delta","id":"r","delta":"hm","providerMetadata":{"p":{"k":1}}}"#,
            r#"{"type":"text-delta","id":"a","delta":"three"}"#,
        ]);
        let shown: Vec<String> = parts
            .iter()
            .map(|part| match part {
                StreamPart::StreamStart { .. } => "start".to_owned(),
                StreamPart::TextDelta { id, delta } => format!("text {id} {delta}"),
                StreamPart::ToolInputDelta { id, delta } => format!("tool {id} {delta}"),
                StreamPart::ReasoningDelta { id, delta, provider_metadata } => format!("reasoning {id} {delta} {:?}", provider_metadata.as_ref().map(|m| m.get("p").unwrap().to_string())),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(shown, ["start", "text a one \"quoted\" é", "text a two", "tool call-1 {\"x\":", "reasoning r hm Some(\"{\\\"k\\\":1}\")", "text a three"]);
    }

    #[test]
    fn a_text_delta_part_allocates_its_text_only() {
        let opening = "data: {\"type\":\"stream-start\",\"warnings\":[]}\n\ndata: {\"type\":\"text-start\",\"id\":\"txt-0\"}\n\n";
        let delta = "data: {\"type\":\"text-delta\",\"id\":\"txt-0\",\"delta\":\"abcd\"}\n\n";
        assert_eq!(crate::provider_utils::allocation_count::allocations_of_hundred_text_deltas(mapper, opening, 2, delta), 100);
    }
}
