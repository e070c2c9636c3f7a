//! `stream_text` fuzzed over what a decoder makes of wire bytes: the step loop's stream driver,
//! its recorder, tool calls and their execution, structured output, the smoothing transform and
//! the UI message stream all take parts in an order and with content the wire chose, where the
//! other targets stop at the decoder.
//!
//! A scripted model streams the decoded parts (a fatal decoder error as the stream's error), the
//! same parts again for a second step when the options ask for one.

use std::sync::LazyLock;

use bytes::Bytes;
use futures::StreamExt;
use serde_json::json;

use super::{Decoder, decode_stream};
use crate::output::Output;
use crate::stop_condition::step_count_is;
use crate::stream_text::{Chunking, smooth_stream};
use crate::test_util::{MockLanguageModel, MockStream};
use crate::tool::Tool;
use crate::ui_message_stream::UiMessageStreamOptions;

/// How a run consumes the generation, from one byte of the fuzz input.
#[derive(Debug, Clone)]
pub struct Consumer {
    /// Executable tools under the names the fixtures call (`get_weather`, `weather`, `get_time`).
    pub tools: bool,
    /// Structured output: any JSON (so every partial object is parsed).
    pub json_output: bool,
    /// Read as the UI message stream (each chunk serialized as the SSE body would) instead of
    /// the full stream and then the result.
    pub ui_stream: bool,
    /// The smoothing transform, cutting by this (no delay between pieces).
    pub smoothing: Option<Chunking>,
    /// Up to two steps: the model streams the same parts again after tool results.
    pub two_steps: bool,
}

impl Consumer {
    /// Bit 0 tools, bit 1 JSON output, bit 2 the UI message stream, bits 3 to 5 smoothing (0 or
    /// 5 to 7: none; 1 words; 2 lines; 3 Unicode words; 4 graphemes), bit 6 two steps.
    pub fn from_byte(byte: u8) -> Self {
        let smoothing = match (byte >> 3) & 0b111 {
            1 => Some(Chunking::Word),
            2 => Some(Chunking::Line),
            3 => Some(Chunking::UnicodeWord),
            4 => Some(Chunking::Grapheme),
            _ => None,
        };
        Consumer {
            tools: byte & 1 != 0,
            json_output: byte & 2 != 0,
            ui_stream: byte & 4 != 0,
            smoothing,
            two_steps: byte & 64 != 0,
        }
    }
}

/// The runtime the runs share: one thread, no timers needed (smoothing runs without a delay).
static RUNTIME: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a current-thread runtime builds"));

/// Runs `stream_text` over the parts `decoder` makes of `chunks`, consumed as `consumer` says,
/// and returns what the caller would see, as text. Panics only where specai breaks a promise:
/// a UI message chunk that does not serialize.
pub fn stream_text(decoder: Decoder, chunks: Vec<Bytes>, consumer: &Consumer) -> String {
    let mut model = MockLanguageModel::new().with_stream(scripted(decoder, chunks.clone()));
    if consumer.two_steps {
        model = model.with_stream(scripted(decoder, chunks));
    }
    let mut request = crate::stream_text(model).prompt("What is the weather in Paris?").stop_when(step_count_is(if consumer.two_steps { 2 } else { 1 }));
    if consumer.tools {
        let tool = || Tool::dynamic("A scripted tool", json!({"type": "object"})).execute(|input, _context| async move { Ok(input) });
        request = request.tool("get_weather", tool()).tool("weather", tool()).tool("get_time", tool());
    }
    if let Some(chunking) = &consumer.smoothing {
        request = request.transform(smooth_stream().chunking(chunking.clone()).delay(None));
    }
    RUNTIME.block_on(async move {
        if consumer.json_output {
            let mut result = request.output(Output::json()).start();
            let partials = result.partial_output_stream().count().await;
            format!("{partials} partial outputs, {:?}", result.into_result().await.map(|result| result.output))
        } else if consumer.ui_stream {
            let chunks: Vec<_> = request.start().into_ui_message_stream(UiMessageStreamOptions::new()).collect().await;
            for chunk in &chunks {
                serde_json::to_string(chunk).expect("every UI message chunk serializes");
            }
            format!("{chunks:?}")
        } else {
            let mut result = request.start();
            let parts: Vec<_> = result.full_stream().collect().await;
            format!("{parts:?}, {:?}", result.into_result().await)
        }
    })
}

/// The model's script: the decoded parts, then the decoder's fatal error, if any, as the stream's
/// error.
fn scripted(decoder: Decoder, chunks: Vec<Bytes>) -> MockStream {
    decode_stream(decoder, chunks).into_iter().fold(MockStream::new(), |stream, part| match part {
        Ok(part) => stream.part(part),
        Err(error) => stream.error(error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tool_call_runs_the_tool_and_every_consumer_finishes() {
        let body = concat!(
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":",
            "{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":",
            "{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},",
            "\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n",
        );
        let chunks = vec![Bytes::from_static(body.as_bytes())];
        let with_tools = stream_text(Decoder::OpenAiChat, chunks.clone(), &Consumer::from_byte(1));
        assert!(with_tools.contains("ToolResult") && with_tools.contains("Paris"), "{with_tools}");
        let without = stream_text(Decoder::OpenAiChat, chunks.clone(), &Consumer::from_byte(0));
        assert!(!without.contains("ToolResult"), "{without}");
        for byte in 0..=u8::MAX {
            stream_text(Decoder::OpenAiChat, chunks.clone(), &Consumer::from_byte(byte));
        }
    }

    #[test]
    fn the_option_byte_names_each_consumer() {
        let every = Consumer::from_byte(0b0110_0111);
        assert!(every.tools && every.json_output && every.ui_stream && every.two_steps);
        assert!(matches!(every.smoothing, Some(Chunking::Grapheme)));
        assert!(Consumer::from_byte(0).smoothing.is_none());
    }
}
