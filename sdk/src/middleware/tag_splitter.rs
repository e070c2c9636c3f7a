//! Splits text into reasoning and answer at `<tag>`…`</tag>` markers, fed in pieces of any size.
//!
//! One state machine serves both the generate path (the whole text in one piece) and the stream
//! path (one piece per delta), so both split text the same way. A tag may be cut anywhere between
//! pieces: text that could be the start of a tag is held back until the next piece (or the end)
//! decides. The separator rules are the AI SDK's: when text resumes after a reasoning section (or
//! reasoning after text), the separator goes between it and the earlier text of the same kind.

/// The markers and the separator.
#[derive(Debug, Clone)]
pub(crate) struct ReasoningTags {
    pub(crate) opening: String,
    pub(crate) closing: String,
    pub(crate) separator: String,
    pub(crate) start_with_reasoning: bool,
}

/// What the splitter found, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Answer text.
    Text(String),
    /// A reasoning section begins.
    ReasoningStart,
    /// Reasoning text (inside the current section).
    Reasoning(String),
    /// The reasoning section ends.
    ReasoningEnd,
}

/// The state of one text block.
#[derive(Debug)]
pub(crate) struct TagSplitter {
    in_reasoning: bool,
    reasoning_open: bool,
    first_reasoning: bool,
    first_text: bool,
    after_switch: bool,
    buffer: String,
}

impl TagSplitter {
    /// A splitter at the start of a text block.
    pub(crate) fn new(tags: &ReasoningTags) -> Self {
        TagSplitter {
            in_reasoning: tags.start_with_reasoning,
            reasoning_open: false,
            first_reasoning: true,
            first_text: true,
            after_switch: false,
            buffer: String::new(),
        }
    }

    /// Feeds a piece of text, pushing what it completes.
    pub(crate) fn push(&mut self, tags: &ReasoningTags, text: &str, out: &mut Vec<Piece>) {
        self.buffer.push_str(text);
        loop {
            let tag = if self.in_reasoning {
                &tags.closing
            } else {
                &tags.opening
            };
            let Some(start) = potential_start(&self.buffer, tag) else {
                let rest = std::mem::take(&mut self.buffer);
                self.publish(tags, rest, out);
                return;
            };
            let before: String = self.buffer.drain(..start).collect();
            self.publish(tags, before, out);
            if !self.buffer.starts_with(tag.as_str()) {
                return; // a tag may start here: wait for more text
            }
            self.buffer.drain(..tag.len());
            if self.in_reasoning {
                self.open_reasoning(out);
                out.push(Piece::ReasoningEnd);
                self.reasoning_open = false;
            }
            self.in_reasoning = !self.in_reasoning;
            self.after_switch = true;
        }
    }

    /// The end of the text: what was held back is text of the current kind, and an open
    /// reasoning section ends.
    pub(crate) fn finish(&mut self, tags: &ReasoningTags, out: &mut Vec<Piece>) {
        let rest = std::mem::take(&mut self.buffer);
        self.publish(tags, rest, out);
        if self.reasoning_open {
            out.push(Piece::ReasoningEnd);
            self.reasoning_open = false;
        }
    }

    fn open_reasoning(&mut self, out: &mut Vec<Piece>) {
        if !self.reasoning_open {
            out.push(Piece::ReasoningStart);
            self.reasoning_open = true;
        }
    }

    fn publish(&mut self, tags: &ReasoningTags, text: String, out: &mut Vec<Piece>) {
        if text.is_empty() {
            return;
        }
        let first_of_kind = if self.in_reasoning {
            self.first_reasoning
        } else {
            self.first_text
        };
        let text = if self.after_switch && !first_of_kind {
            format!("{}{text}", tags.separator)
        } else {
            text
        };
        if self.in_reasoning {
            self.open_reasoning(out);
            out.push(Piece::Reasoning(text));
            self.first_reasoning = false;
        } else {
            out.push(Piece::Text(text));
            self.first_text = false;
        }
        self.after_switch = false;
    }
}

/// Where `tag` starts in `text`, or where a prefix of it starts as the end of `text` (the
/// longest such prefix); `None` when neither. Always a character boundary: a UTF-8 tag cannot
/// start with a continuation byte.
pub(crate) fn potential_start(text: &str, tag: &str) -> Option<usize> {
    if tag.is_empty() {
        return None;
    }
    if let Some(index) = text.find(tag) {
        return Some(index);
    }
    let (text, tag) = (text.as_bytes(), tag.as_bytes());
    (text.len().saturating_sub(tag.len() - 1)..text.len())
        .find(|&start| tag.starts_with(&text[start..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(start_with_reasoning: bool) -> ReasoningTags {
        ReasoningTags {
            opening: "<think>".into(),
            closing: "</think>".into(),
            separator: "\n".into(),
            start_with_reasoning,
        }
    }

    /// The text and reasoning a splitter makes of `pieces`, and its sequence of pieces merged.
    fn split(tags: &ReasoningTags, pieces: &[&str]) -> (String, String, Vec<Piece>) {
        let mut splitter = TagSplitter::new(tags);
        let mut out = Vec::new();
        for piece in pieces {
            splitter.push(tags, piece, &mut out);
        }
        splitter.finish(tags, &mut out);
        let mut merged: Vec<Piece> = Vec::new();
        let (mut text, mut reasoning) = (String::new(), String::new());
        for piece in out {
            match (&piece, merged.last_mut()) {
                (Piece::Text(more), Some(Piece::Text(last))) => last.push_str(more),
                (Piece::Reasoning(more), Some(Piece::Reasoning(last))) => last.push_str(more),
                _ => merged.push(piece.clone()),
            }
            match piece {
                Piece::Text(piece) => text.push_str(&piece),
                Piece::Reasoning(piece) => reasoning.push_str(&piece),
                _ => {}
            }
        }
        (text, reasoning, merged)
    }

    #[test]
    fn potential_start_finds_whole_and_partial_tags() {
        assert_eq!(potential_start("ab<think>c", "<think>"), Some(2));
        assert_eq!(potential_start("ab<thi", "<think>"), Some(2));
        assert_eq!(potential_start("ab<", "<think>"), Some(2));
        assert_eq!(potential_start("ab", "<think>"), None);
        assert_eq!(potential_start("", "<think>"), None);
        assert_eq!(potential_start("abc", ""), None);
        // The longest prefix: after "xaa" the tag "aab" may start at 1, not only at 2.
        assert_eq!(potential_start("xaa", "aab"), Some(1));
        assert_eq!(potential_start("日本<th", "<think>"), Some(6));
        assert_eq!(
            potential_start("日本", "本x"),
            Some(3),
            "multi-byte tags too"
        );
    }

    #[test]
    fn separators_follow_the_ai_sdk() {
        let tags = tags(false);
        let (text, reasoning, pieces) = split(&tags, &["A<think>R1</think>B<think>R2</think>C"]);
        assert_eq!((text.as_str(), reasoning.as_str()), ("A\nB\nC", "R1\nR2"));
        use Piece::*;
        assert_eq!(
            pieces,
            [
                Text("A".into()),
                ReasoningStart,
                Reasoning("R1".into()),
                ReasoningEnd,
                Text("\nB".into()),
                ReasoningStart,
                Reasoning("\nR2".into()),
                ReasoningEnd,
                Text("\nC".into())
            ]
        );
        assert_eq!(
            split(&tags, &["<think>R</think>B"]).0,
            "B",
            "no separator before the first text"
        );
        assert_eq!(split(&tags, &["A<think>R</think>"]).0, "A");
        assert_eq!(
            split(&tags, &["<think></think>B"]).2,
            [ReasoningStart, ReasoningEnd, Text("B".into())]
        );
    }

    #[test]
    fn start_with_reasoning_and_unclosed_sections() {
        let (text, reasoning, pieces) = split(&tags(true), &["R</think>T"]);
        assert_eq!((text.as_str(), reasoning.as_str()), ("T", "R"));
        assert_eq!(pieces[0], Piece::ReasoningStart);
        let (text, reasoning, pieces) = split(&tags(true), &["still thinking"]);
        assert_eq!((text.as_str(), reasoning.as_str()), ("", "still thinking"));
        assert_eq!(
            pieces.last(),
            Some(&Piece::ReasoningEnd),
            "an open section is closed at the end"
        );
        assert_eq!(
            split(&tags(true), &["</think>T"]).2,
            [
                Piece::ReasoningStart,
                Piece::ReasoningEnd,
                Piece::Text("T".into())
            ]
        );
        // A partial tag at the very end is text of the current kind, not lost.
        assert_eq!(split(&tags(false), &["A<thi"]).0, "A<thi");
        assert_eq!(split(&tags(false), &["<think>R</th"]).1, "R</th");
    }

    #[test]
    fn tags_split_at_every_position_give_the_same_result() {
        let tags = tags(false);
        let text = "Ünï <think>réflexion 日本</think>answer <b>x</b><think>two</think>end<";
        let whole = split(&tags, &[text]);
        assert_eq!(
            (whole.0.as_str(), whole.1.as_str()),
            ("Ünï \nanswer <b>x</b>\nend<", "réflexion 日本\ntwo")
        );
        let boundaries: Vec<usize> = (1..text.len())
            .filter(|&index| text.is_char_boundary(index))
            .collect();
        for &cut in &boundaries {
            assert_eq!(
                split(&tags, &[&text[..cut], &text[cut..]]),
                whole,
                "cut at byte {cut}"
            );
        }
        let characters: Vec<String> = text.chars().map(String::from).collect();
        let one_by_one: Vec<&str> = characters.iter().map(String::as_str).collect();
        let (text_one, reasoning_one, _) = split(&tags, &one_by_one);
        assert_eq!(
            (text_one, reasoning_one),
            (whole.0.clone(), whole.1.clone())
        );
        for &first in &boundaries {
            for &second in boundaries.iter().filter(|&&second| second > first) {
                let pieces = [&text[..first], &text[first..second], &text[second..]];
                let (split_text, split_reasoning, _) = split(&tags, &pieces);
                assert_eq!(
                    (split_text, split_reasoning),
                    (whole.0.clone(), whole.1.clone()),
                    "cuts at {first} and {second}"
                );
            }
        }
    }
}
