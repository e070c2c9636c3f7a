//! Extract JSON: strips what models put around JSON text (Markdown code fences, and optionally
//! any prose before and after the value), so that structured output parses, in generate and in
//! stream.
//!
//! The default (fences only) streams: a block's start is held until its first bytes show whether
//! a fence opens it, and its last 12 bytes are held back until its end shows whether a fence
//! closes it. Any other transform sees the whole text of a block, so that block is buffered
//! until its end.

use std::collections::VecDeque;
use std::sync::Arc;

use super::part_transform::{ContentRewrite, PartTransform};
use crate::provider::{BlockId, Content, StreamPart};

/// How much of a streamed block is held back for a closing fence (`\n```` and trailing space).
const SUFFIX_HELD_BACK: usize = 12;

type Transform = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// Strips Markdown code fences (```` ```json ````…```` ``` ````) around JSON text.
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::{extract_json, wrap_language_model};
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let mock = MockLanguageModel::new().with_response(text_response("```json\n{\"city\": \"Paris\"}\n```"));
/// let model = wrap_language_model(mock, vec![Arc::new(extract_json())]);
/// let result = specai::generate_text(model).prompt("City as JSON").await?;
/// assert_eq!(result.text(), r#"{"city": "Paris"}"#);
/// # Ok(()) }
/// ```
pub fn extract_json() -> ExtractJson {
    ExtractJson { transform: None }
}

/// The extract-JSON middleware; built with [`extract_json`].
#[derive(Clone)]
pub struct ExtractJson {
    /// `None`: the streaming fence stripper.
    transform: Option<Transform>,
}

impl std::fmt::Debug for ExtractJson {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mode = if self.transform.is_some() {
            "custom"
        } else {
            "fences"
        };
        formatter
            .debug_struct("ExtractJson")
            .field("transform", &mode)
            .finish()
    }
}

impl ExtractJson {
    /// Also removes prose before and after the JSON value: keeps the text from the first `{` or
    /// `[` to the bracket that closes it (the text unchanged when there is no such value).
    ///
    /// ```
    /// # use specai::middleware::extract_json;
    /// let middleware = extract_json().strip_surrounding_text();
    /// ```
    pub fn strip_surrounding_text(self) -> Self {
        self.with_transform(|text| json_value_text(&strip_code_fences(text)).to_owned())
    }

    /// Uses `transform` on the whole text of each text part instead.
    ///
    /// ```
    /// # use specai::middleware::extract_json;
    /// let middleware = extract_json().with_transform(|text| text.trim_start_matches("JSON:").trim().to_owned());
    /// ```
    pub fn with_transform(
        mut self,
        transform: impl Fn(&str) -> String + Send + Sync + 'static,
    ) -> Self {
        self.transform = Some(Arc::new(transform));
        self
    }

    fn apply(&self, text: &str) -> String {
        match &self.transform {
            Some(transform) => transform(text),
            None => strip_code_fences(text),
        }
    }
}

impl ContentRewrite for ExtractJson {
    type Transform = JsonExtraction;

    fn rewrite_content(&self, mut content: Vec<Content>) -> Vec<Content> {
        for part in &mut content {
            if let Content::Text { text, .. } = part {
                *text = self.apply(text);
            }
        }
        content
    }

    fn stream_transform(&self) -> JsonExtraction {
        JsonExtraction { middleware: self.clone(), blocks: Vec::new() }
    }
}

/// The text without an opening fence (```` ``` ```` and a language tag such as `json`) or a
/// closing one, trimmed.
fn strip_code_fences(text: &str) -> String {
    let text = text.trim();
    let text = opening_fence_end(text).map_or(text, |end| &text[end..]);
    strip_closing_fence(text).trim().to_owned()
}

/// Where the text after an opening fence starts: past ```` ``` ````, a language tag (letters and
/// digits, kept when glued to the value unless it is `json`) and the whitespace after it.
fn opening_fence_end(text: &str) -> Option<usize> {
    let rest = text.strip_prefix("```")?;
    let tag = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let after_tag = &rest[tag..];
    let skip_tag = tag > 0
        && (&rest[..tag] == "json"
            || after_tag.is_empty()
            || after_tag.starts_with(char::is_whitespace));
    let rest = if skip_tag { after_tag } else { rest };
    Some(text.len() - rest.trim_start().len())
}

/// The text without a closing fence and the space after the text.
fn strip_closing_fence(text: &str) -> &str {
    let text = text.trim_end();
    text.strip_suffix("```").map_or(text, str::trim_end)
}

/// The first JSON object or array in `text` up to its closing bracket (brackets inside strings
/// do not count); `text` itself when there is none.
fn json_value_text(text: &str) -> &str {
    let Some(start) = text.find(['{', '[']) else {
        return text;
    };
    let (mut depth, mut in_string, mut escaped) = (0_usize, false, false);
    for (offset, byte) in text.as_bytes()[start..].iter().enumerate() {
        match (in_string, byte) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') => in_string = false,
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, b'{' | b'[') => depth += 1,
            (false, b'}' | b']') => {
                depth -= 1;
                if depth == 0 {
                    return &text[start..=start + offset];
                }
            }
            (false, _) => {}
        }
    }
    text
}

/// The stream side: one entry per open text block.
pub(crate) struct JsonExtraction {
    middleware: ExtractJson,
    blocks: Vec<JsonBlock>,
}

struct JsonBlock {
    id: BlockId,
    /// The provider's text start, until the block's first text is known.
    held_start: Option<StreamPart>,
    phase: Phase,
    buffer: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting to see whether a fence opens the block.
    Opening,
    /// Streaming, holding back the last bytes.
    Streaming,
    /// Buffering the whole block for a custom transform.
    Whole,
}

impl JsonBlock {
    /// Decides, once enough text arrived, whether a fence opens the block (stripping it).
    fn settle_opening(&mut self) {
        let text = self.buffer.trim_start();
        // Nothing yet, "`" or "``" (a fence may follow), or a fence line still without its end.
        let undecided =
            "```".starts_with(text) || (text.starts_with("```") && !text.contains('\n'));
        if undecided {
            return;
        }
        let start = self.buffer.len() - text.len();
        let end = opening_fence_end(text).map_or(start, |end| start + end);
        self.buffer.drain(..end);
        self.phase = Phase::Streaming;
    }

    /// Pushes the held-back start, then `delta` when it is not empty.
    fn emit(&mut self, delta: String, out: &mut VecDeque<StreamPart>) {
        out.extend(self.held_start.take());
        if !delta.is_empty() {
            out.push_back(StreamPart::TextDelta {
                id: self.id.clone(),
                delta,
            });
        }
    }

    /// Ends the block: the rest of its text, transformed as its phase allows.
    fn finish(&mut self, middleware: &ExtractJson, out: &mut VecDeque<StreamPart>) {
        let rest = std::mem::take(&mut self.buffer);
        let rest = match self.phase {
            Phase::Opening | Phase::Whole => middleware.apply(&rest),
            // Text already streamed: only the end can still change.
            Phase::Streaming => strip_closing_fence(&rest).to_owned(),
        };
        self.emit(rest, out);
    }
}

impl PartTransform for JsonExtraction {
    fn on_part(&mut self, part: StreamPart, out: &mut VecDeque<StreamPart>) {
        match part {
            StreamPart::TextStart { ref id, .. } => {
                let phase = if self.middleware.transform.is_some() {
                    Phase::Whole
                } else {
                    Phase::Opening
                };
                let id = id.clone();
                self.blocks.retain(|block| block.id != id);
                self.blocks.push(JsonBlock {
                    id,
                    held_start: Some(part),
                    phase,
                    buffer: String::new(),
                });
            }
            StreamPart::TextDelta { ref id, ref delta } => {
                let Some(block) = self.blocks.iter_mut().find(|block| block.id == *id) else {
                    out.push_back(part);
                    return;
                };
                block.buffer.push_str(delta);
                if block.phase == Phase::Opening {
                    block.settle_opening();
                }
                if block.phase == Phase::Streaming && block.buffer.len() > SUFFIX_HELD_BACK {
                    // The last character boundary at or before the bytes held back (MSRV 1.88
                    // has no `floor_char_boundary`).
                    let mut cut = block.buffer.len() - SUFFIX_HELD_BACK;
                    while !block.buffer.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    let delta: String = block.buffer.drain(..cut).collect();
                    block.emit(delta, out);
                }
            }
            StreamPart::TextEnd { ref id, .. } => {
                if let Some(index) = self.blocks.iter().position(|block| block.id == *id) {
                    self.blocks.swap_remove(index).finish(&self.middleware, out);
                }
                out.push_back(part);
            }
            StreamPart::Finish { .. } => {
                for mut block in self.blocks.drain(..) {
                    block.finish(&self.middleware, out);
                }
                out.push_back(part);
            }
            other => out.push_back(other),
        }
    }
}

#[cfg(test)]
#[path = "extract_json_tests.rs"]
mod tests;
