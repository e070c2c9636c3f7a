//! Extract reasoning: a model that writes its reasoning inside a tag (`<think>…</think>`, as
//! DeepSeek R1, Qwen and many open models served over chat completions do) gets reasoning parts
//! instead, in generate and in stream.
//!
//! Both paths run the same [`TagSplitter`], so a text split into deltas at any point gives the
//! same reasoning and text as the whole text. In a stream, a text block's start is held back
//! until its first answer text (so that reasoning comes first, as the AI SDK does), and each
//! reasoning section becomes a reasoning block of its own.

use std::collections::VecDeque;
use std::sync::Arc;

use super::part_transform::{ContentRewrite, PartTransform};
use super::tag_splitter::{Piece, ReasoningTags, TagSplitter};
use crate::provider::{BlockId, Content, StreamPart};

/// Turns text inside `<tag_name>…</tag_name>` into reasoning, with `\n` between sections.
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::{extract_reasoning, wrap_language_model};
/// use specai::test_util::{MockLanguageModel, MockStream};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let mock = MockLanguageModel::new().with_stream(MockStream::text(["<thi", "nk>Rain is", " likely.</th", "ink>Take an umbrella."]));
/// let model = wrap_language_model(mock, vec![Arc::new(extract_reasoning("think"))]);
/// let mut stream = specai::stream_text(model).prompt("Umbrella?").start();
/// assert_eq!(stream.text().await?, "Take an umbrella.");
/// assert_eq!(stream.reasoning_text().await?.as_deref(), Some("Rain is likely."));
/// # Ok(()) }
/// ```
pub fn extract_reasoning(tag_name: &str) -> ExtractReasoning {
    ExtractReasoning {
        tags: Arc::new(ReasoningTags {
            opening: format!("<{tag_name}>"),
            closing: format!("</{tag_name}>"),
            separator: "\n".to_owned(),
            start_with_reasoning: false,
        }),
    }
}

/// The extract-reasoning middleware; built with [`extract_reasoning`].
#[derive(Debug, Clone)]
pub struct ExtractReasoning {
    tags: Arc<ReasoningTags>,
}

impl ExtractReasoning {
    /// Puts `separator` (default `\n`) between reasoning sections, and between the text before a
    /// section and the text after it.
    ///
    /// ```
    /// # use specai::middleware::extract_reasoning;
    /// let middleware = extract_reasoning("think").with_separator(" ");
    /// ```
    pub fn with_separator(mut self, separator: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.tags).separator = separator.into();
        self
    }

    /// Treats the text as starting inside the tag, for models whose chat template already opened
    /// it (the answer then has only the closing tag).
    ///
    /// ```
    /// # use specai::middleware::extract_reasoning;
    /// let middleware = extract_reasoning("think").start_with_reasoning(true);
    /// ```
    pub fn start_with_reasoning(mut self, start_with_reasoning: bool) -> Self {
        Arc::make_mut(&mut self.tags).start_with_reasoning = start_with_reasoning;
        self
    }

    /// The content with each text part split into reasoning (first, when there is any) and text.
    fn split_content(&self, content: Vec<Content>) -> Vec<Content> {
        let mut split = Vec::with_capacity(content.len() + 1);
        let mut pieces = Vec::new();
        for part in content {
            let Content::Text {
                text,
                provider_metadata,
            } = part
            else {
                split.push(part);
                continue;
            };
            pieces.clear();
            let mut splitter = TagSplitter::new(&self.tags);
            splitter.push(&self.tags, &text, &mut pieces);
            splitter.finish(&self.tags, &mut pieces);
            let reasoned = pieces.contains(&Piece::ReasoningStart);
            let (mut answer, mut reasoning) = (String::new(), String::new());
            for piece in pieces.drain(..) {
                match piece {
                    Piece::Text(text) => answer.push_str(&text),
                    Piece::Reasoning(text) => reasoning.push_str(&text),
                    Piece::ReasoningStart | Piece::ReasoningEnd => {}
                }
            }
            if !reasoned {
                // No reasoning, but a tag without content is gone, as in a stream.
                split.push(Content::Text {
                    text: answer,
                    provider_metadata,
                });
                continue;
            }
            split.push(Content::Reasoning {
                text: reasoning,
                provider_metadata: None,
            });
            if !answer.is_empty() {
                split.push(Content::Text {
                    text: answer,
                    provider_metadata,
                });
            }
        }
        split
    }
}

impl ContentRewrite for ExtractReasoning {
    type Transform = ReasoningExtraction;

    fn rewrite_content(&self, content: Vec<Content>) -> Vec<Content> {
        self.split_content(content)
    }

    fn stream_transform(&self) -> ReasoningExtraction {
        ReasoningExtraction { tags: self.tags.clone(), blocks: Vec::new(), pieces: Vec::new() }
    }
}

/// The stream side: one splitter per open text block.
pub(crate) struct ReasoningExtraction {
    tags: Arc<ReasoningTags>,
    /// Open text blocks, usually one.
    blocks: Vec<TextBlock>,
    pieces: Vec<Piece>,
}

struct TextBlock {
    id: BlockId,
    splitter: TagSplitter,
    /// The provider's text start, held back until the block's first answer text.
    held_start: Option<StreamPart>,
    reasoning_id: BlockId,
    sections: usize,
}

impl ReasoningExtraction {
    fn block(&mut self, id: &BlockId, held_start: Option<StreamPart>) -> usize {
        if let Some(index) = self.blocks.iter().position(|block| block.id == *id) {
            return index;
        }
        self.blocks.push(TextBlock {
            id: id.clone(),
            splitter: TagSplitter::new(&self.tags),
            held_start,
            reasoning_id: BlockId::from(""),
            sections: 0,
        });
        self.blocks.len() - 1
    }

    /// Pushes the parts for the pieces the splitter of block `index` produced.
    fn emit(&mut self, index: usize, out: &mut VecDeque<StreamPart>) {
        let block = &mut self.blocks[index];
        for piece in self.pieces.drain(..) {
            match piece {
                Piece::Text(delta) => {
                    out.extend(block.held_start.take());
                    out.push_back(StreamPart::TextDelta {
                        id: block.id.clone(),
                        delta,
                    });
                }
                Piece::ReasoningStart => {
                    block.reasoning_id =
                        BlockId::from(format!("{}-reasoning-{}", block.id, block.sections));
                    block.sections += 1;
                    out.push_back(StreamPart::ReasoningStart {
                        id: block.reasoning_id.clone(),
                        provider_metadata: None,
                    });
                }
                Piece::Reasoning(delta) => {
                    let id = block.reasoning_id.clone();
                    out.push_back(StreamPart::ReasoningDelta {
                        id,
                        delta,
                        provider_metadata: None,
                    });
                }
                Piece::ReasoningEnd => {
                    out.push_back(StreamPart::ReasoningEnd {
                        id: block.reasoning_id.clone(),
                        provider_metadata: None,
                    });
                }
            }
        }
    }

    /// Ends block `index`: what it held back, and its open reasoning section.
    fn finish(&mut self, index: usize, out: &mut VecDeque<StreamPart>) -> TextBlock {
        self.blocks[index]
            .splitter
            .finish(&self.tags, &mut self.pieces);
        self.emit(index, out);
        self.blocks.swap_remove(index)
    }
}

impl PartTransform for ReasoningExtraction {
    fn on_part(&mut self, part: StreamPart, out: &mut VecDeque<StreamPart>) {
        match part {
            StreamPart::TextStart { ref id, .. } => {
                let id = id.clone();
                self.block(&id, Some(part));
            }
            StreamPart::TextDelta { id, delta } => {
                let index = self.block(&id, None);
                self.blocks[index]
                    .splitter
                    .push(&self.tags, &delta, &mut self.pieces);
                self.emit(index, out);
            }
            StreamPart::TextEnd { ref id, .. } => {
                if let Some(index) = self.blocks.iter().position(|block| block.id == *id) {
                    let block = self.finish(index, out);
                    out.extend(block.held_start);
                }
                out.push_back(part);
            }
            StreamPart::Finish { .. } => {
                // Blocks the provider never ended: nothing they hold back is lost.
                while !self.blocks.is_empty() {
                    self.finish(0, out);
                }
                out.push_back(part);
            }
            other => out.push_back(other),
        }
    }
}

#[cfg(test)]
#[path = "extract_reasoning_tests.rs"]
mod tests;
