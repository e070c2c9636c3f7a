//! The Messages API wire types: the ones generated from `specs/anthropic/openapi.json`
//! (`specai_generated::anthropic::types`), small constructors for them, and the stream event.
//!
//! The stream event mirrors [`types::MessageStreamEvent`] with `u32` block indices and a one-pass
//! decoder for `content_block_delta` (see [`StreamEvent::decode`]).

use serde::Deserialize;
use serde::de::Error as _;
use serde_json::{Map, Value};

pub use specai_generated::anthropic::{lean, types};

use super::anthropic_options::CacheControl;

/// `cache_control` on the wire.
pub fn cache_control(cache_control: &CacheControl) -> types::CacheControlEphemeral {
    let CacheControl::Ephemeral { ttl } = cache_control;
    types::CacheControlEphemeral {
        ttl: ttl.as_deref().map(|ttl| match ttl {
            "5m" => types::CacheControlEphemeralTtl::X5m,
            "1h" => types::CacheControlEphemeralTtl::X1h,
            other => types::CacheControlEphemeralTtl::Unlisted(other.to_owned()),
        }),
        type_: types::CacheControlEphemeralType::Ephemeral,
        extra: Map::new(),
    }
}

/// An image block's media type.
pub fn image_media_type(media_type: &str) -> types::ImageSourceMediaType {
    match media_type {
        "image/jpeg" => types::ImageSourceMediaType::ImageJpeg,
        "image/png" => types::ImageSourceMediaType::ImagePng,
        "image/gif" => types::ImageSourceMediaType::ImageGif,
        "image/webp" => types::ImageSourceMediaType::ImageWebp,
        other => types::ImageSourceMediaType::Unlisted(other.to_owned()),
    }
}

/// The block's `cache_control` slot, for the kinds that have one.
pub fn cache_control_slot(block: &mut types::ContentBlockParam) -> Option<&mut Option<types::CacheControlEphemeral>> {
    use types::ContentBlockParam as Block;
    match block {
        Block::Text { cache_control, .. }
        | Block::Image { cache_control, .. }
        | Block::Document { cache_control, .. }
        | Block::ToolUse { cache_control, .. }
        | Block::ToolResult { cache_control, .. }
        | Block::ServerToolUse { cache_control, .. }
        | Block::WebSearchToolResult { cache_control, .. } => Some(cache_control),
        Block::Thinking { .. } | Block::RedactedThinking { .. } | Block::Unlisted => None,
    }
}

/// The most `cache_control` breakpoints one request may carry.
pub const MAX_CACHE_BREAKPOINTS: usize = 4;

/// Keeps the first [`MAX_CACHE_BREAKPOINTS`] `cache_control` breakpoints of a request, in the
/// order the API reads its prefix (tools, system, messages), and removes the rest: the API
/// rejects a request with more. Returns how many were removed, for a warning.
pub fn limit_cache_breakpoints(body: &mut types::CreateMessageParams) -> usize {
    let tools = body.tools.iter_mut().map(|tool| match tool {
        types::Tool::CustomTool(tool) => &mut tool.cache_control,
        types::Tool::WebSearchTool(tool) => &mut tool.cache_control,
    });
    let system = match &mut body.system {
        Some(types::CreateMessageParamsSystem::Array(blocks)) => Some(blocks.iter_mut().map(|block| &mut block.cache_control)),
        _ => None,
    };
    let messages = body.messages.iter_mut().flat_map(|message| match &mut message.content {
        types::InputMessageContent::Array(blocks) => Some(blocks.iter_mut().filter_map(cache_control_slot)),
        types::InputMessageContent::String(_) => None,
    });
    let slots = tools.chain(system.into_iter().flatten()).chain(messages.flatten());
    let mut removed = 0;
    for slot in slots.filter(|slot| slot.is_some()).skip(MAX_CACHE_BREAKPOINTS) {
        *slot = None;
        removed += 1;
    }
    removed
}

/// A tool call's input as the object the API takes. `null` is no input; any other non-object
/// (the input of an invalid call, kept as the model wrote it) is wrapped as
/// `{"rawInvalidInput": ...}`, as the AI SDK sends it, so the history the model reads back still
/// holds what it wrote rather than an empty object.
pub fn tool_input(value: &Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map.clone(),
        Value::Null => Map::new(),
        other => Map::from_iter([("rawInvalidInput".to_owned(), other.clone())]),
    }
}

/// A count the API sends as a signed integer, as the unsigned count it is.
pub fn count(value: i64) -> Option<u64> {
    u64::try_from(value).ok()
}

/// One event of a streamed answer: [`types::MessageStreamEvent`] with `u32` block indices.
///
/// The once-a-stream payloads are boxed (the message made the event 384 bytes, the final usage
/// is 120): every delta is decoded into this enum and moved, and a small value moves in
/// registers where a large one costs a `memcpy` call per move.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamEvent {
    MessageStart { message: Box<types::Message> },
    ContentBlockStart { index: u32, content_block: types::ContentBlock },
    ContentBlockDelta { index: u32, delta: types::ContentBlockDelta },
    ContentBlockStop { index: u32 },
    MessageDelta { delta: types::MessageStreamEventDelta, usage: Box<types::MessageDeltaUsage> },
    MessageStop,
    Ping,
    Error { error: types::ErrorDetail },
    /// An event the spec does not list yet.
    #[serde(other)]
    Unknown,
}

/// `content_block_delta`, the hot path, decoded as a plain struct (its `type` field is known
/// from the SSE event name and ignored) around the lean delta: one pass, where the tagged
/// [`StreamEvent`] buffers the event first and the tagged owned delta buffers the delta
/// (`cargo bench -p specai-tests --bench stream_event_decode` measures the delta).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ContentBlockDeltaEvent<'a> {
    pub index: u32,
    #[serde(borrow)]
    pub delta: lean::ContentBlockDelta<'a>,
}

impl StreamEvent {
    /// Decodes an event's data; the SSE event name (`content_block_delta`...) picks the fast path.
    pub fn decode(event_name: Option<&str>, data: &[u8]) -> serde_json::Result<StreamEvent> {
        match event_name {
            Some("content_block_delta") => {
                let event = crate::provider_utils::decode_json::<ContentBlockDeltaEvent>(data)?;
                Ok(StreamEvent::ContentBlockDelta { index: event.index, delta: owned_delta(event.delta)? })
            }
            _ => serde_json::from_slice(data),
        }
    }
}

/// The owned delta of a lean one, as the tagged enum would decode it: a kind this spec does not
/// list is `Unlisted`, and a listed kind without its member (or a delta without `type`) is an
/// error.
fn owned_delta(delta: lean::ContentBlockDelta<'_>) -> serde_json::Result<types::ContentBlockDelta> {
    use types::ContentBlockDelta as Delta;
    fn member<T>(value: Option<T>, name: &'static str) -> serde_json::Result<T> {
        value.ok_or_else(|| serde_json::Error::missing_field(name))
    }
    let text = |value: Option<lean::CowStr<'_>>, name| member(value, name).map(|text| text.0.into_owned());
    Ok(match member(delta.type_, "type")?.as_ref() {
        "text_delta" => Delta::TextDelta { text: text(delta.text, "text")? },
        "input_json_delta" => Delta::InputJsonDelta { partial_json: text(delta.partial_json, "partial_json")? },
        "thinking_delta" => Delta::ThinkingDelta { thinking: text(delta.thinking, "thinking")? },
        "signature_delta" => Delta::SignatureDelta { signature: text(delta.signature, "signature")? },
        "citations_delta" => Delta::CitationsDelta { citation: *member(delta.citation, "citation")? },
        _ => Delta::Unlisted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream's thinking block starts without `signature` (it arrives as a `signature_delta`).
    #[test]
    fn thinking_start_with_or_without_signature() {
        for (data, signature) in [
            (r#"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}"#, None),
            (r#"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#, Some(String::new())),
        ] {
            match serde_json::from_str::<StreamEvent>(data).unwrap() {
                StreamEvent::ContentBlockStart { index: 0, content_block } => {
                    assert_eq!(content_block, types::ContentBlock::Thinking { signature, thinking: String::new() })
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn unknown_events_and_blocks_decode() {
        assert_eq!(serde_json::from_str::<StreamEvent>(r#"{"type":"brand_new","x":1}"#).unwrap(), StreamEvent::Unknown);
        let event: StreamEvent =
            serde_json::from_str(r#"{"type":"content_block_start","index":3,"content_block":{"type":"container_upload"}}"#).unwrap();
        assert!(matches!(event, StreamEvent::ContentBlockStart { content_block: types::ContentBlock::Unlisted, .. }));
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn an_event_stays_small() {
        assert!(std::mem::size_of::<StreamEvent>() <= 112, "{}", std::mem::size_of::<StreamEvent>());
    }

    #[test]
    fn named_delta_events_take_the_fast_path_to_the_same_value() {
        let data = br#"{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Hi"}}"#;
        let fast = StreamEvent::decode(Some("content_block_delta"), data).unwrap();
        assert_eq!(fast, StreamEvent::decode(None, data).unwrap());
        assert_eq!(
            fast,
            StreamEvent::ContentBlockDelta { index: 2, delta: types::ContentBlockDelta::TextDelta { text: "Hi".into() } }
        );
    }

    /// Every delta kind, an escaped string, an unknown kind and an unknown field decode on the
    /// fast path as the tagged enum decodes them; what the tagged enum rejects, it rejects.
    #[test]
    fn the_fast_path_agrees_with_the_tagged_enum() {
        let citation = r#"{"type":"char_location","cited_text":"sky","document_index":0,"document_title":null,"start_char_index":0,"end_char_index":3}"#;
        let deltas = [
            r#"{"type":"text_delta","text":"a \"quoted\" line\n"}"#.to_owned(),
            r#"{"type":"input_json_delta","partial_json":"{\"city\": "}"#.to_owned(),
            r#"{"type":"thinking_delta","thinking":"Let me see","extra":[1,2]}"#.to_owned(),
            r#"{"type":"signature_delta","signature":"EqQBCgIYAhIM"}"#.to_owned(),
            format!(r#"{{"type":"citations_delta","citation":{citation}}}"#),
            r#"{"type":"brand_new_delta","x":{"y":1}}"#.to_owned(),
        ];
        for delta in deltas {
            let data = format!(r#"{{"type":"content_block_delta","index":1,"delta":{delta}}}"#);
            let fast = StreamEvent::decode(Some("content_block_delta"), data.as_bytes()).unwrap();
            assert_eq!(fast, StreamEvent::decode(None, data.as_bytes()).unwrap(), "{delta}");
        }
        for delta in [r#"{"type":"text_delta"}"#, r#"{"text":"no type"}"#, r#"{"type":"citations_delta"}"#, r#"{"type":"text_delta","text":7}"#] {
            let data = format!(r#"{{"type":"content_block_delta","index":1,"delta":{delta}}}"#);
            assert!(StreamEvent::decode(None, data.as_bytes()).is_err(), "{delta}");
            assert!(StreamEvent::decode(Some("content_block_delta"), data.as_bytes()).is_err(), "{delta}");
        }
    }

    #[test]
    fn cache_control_on_the_wire() {
        let wire = cache_control(&CacheControl::Ephemeral { ttl: Some("1h".into()) });
        assert_eq!(serde_json::to_value(wire).unwrap(), serde_json::json!({"type": "ephemeral", "ttl": "1h"}));
    }
}
