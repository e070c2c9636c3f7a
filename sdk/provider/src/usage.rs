//! Token usage, with the cache and reasoning detail providers report.

use std::ops::{Add, AddAssign};

use serde::{Deserialize, Serialize};

use super::JsonBody;

/// Tokens used by one call, or summed over several. `None` means the provider did not say.
///
/// Non-exhaustive, as are [`InputTokens`] and [`OutputTokens`]: the AI SDK's usage has grown
/// from two counts to cache and reasoning detail, and may grow again. Build it from its parts:
/// ```
/// use specai_provider::{InputTokens, JsonBody, OutputTokens, Usage};
/// use serde_json::json;
///
/// let raw = json!({"prompt_tokens": 10, "completion_tokens": 7});
/// let input = InputTokens::with_cache_read(Some(10), Some(4));
/// let output = OutputTokens::with_reasoning(Some(7), Some(5));
/// let usage = Usage::new(input, output).with_raw(Some(JsonBody::from_value(&raw)));
/// assert_eq!(usage.input_tokens.no_cache, Some(6));
/// assert_eq!(usage.output_tokens.text, Some(2));
/// assert_eq!(usage.total_tokens(), Some(17));
/// assert_eq!(Usage::from_totals(Some(3), None).total_tokens(), Some(3));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// Prompt-side tokens.
    pub input_tokens: InputTokens,
    /// Completion-side tokens.
    pub output_tokens: OutputTokens,
    /// The provider's usage object, unchanged (parsed by [`JsonBody::json`] when read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<JsonBody>,
}

/// Prompt-side tokens.
///
/// ```
/// use specai_provider::InputTokens;
///
/// // Anthropic reports the uncached part and the cache reads and writes; the total is derived.
/// let input = InputTokens::from_uncached(Some(21), Some(2048), Some(188));
/// assert_eq!(input.total, Some(2257));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InputTokens {
    /// All input tokens.
    pub total: Option<u64>,
    /// Input tokens not read from a cache.
    pub no_cache: Option<u64>,
    /// Input tokens read from the provider's prompt cache.
    pub cache_read: Option<u64>,
    /// Input tokens written to the provider's prompt cache.
    pub cache_write: Option<u64>,
}

/// Completion-side tokens.
///
/// ```
/// use specai_provider::OutputTokens;
///
/// // Gemini counts visible text and thoughts apart; the total is derived.
/// let output = OutputTokens::from_text_and_reasoning(Some(20), Some(30));
/// assert_eq!((output.total, output.text, output.reasoning), (Some(50), Some(20), Some(30)));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OutputTokens {
    /// All output tokens.
    pub total: Option<u64>,
    /// Output tokens of visible text.
    pub text: Option<u64>,
    /// Output tokens spent on reasoning.
    pub reasoning: Option<u64>,
}

impl InputTokens {
    /// Input tokens from the total only; the detail is unknown.
    pub fn from_total(total: Option<u64>) -> Self {
        InputTokens { total, ..Default::default() }
    }

    /// Input tokens from the uncached part and the cache reads and writes; the total is derived
    /// (unknown when the uncached part is).
    pub fn from_uncached(no_cache: Option<u64>, cache_read: Option<u64>, cache_write: Option<u64>) -> Self {
        InputTokens {
            total: no_cache.map(|no_cache| no_cache + cache_read.unwrap_or(0) + cache_write.unwrap_or(0)),
            no_cache,
            cache_read,
            cache_write,
        }
    }

    /// Input tokens from the total and the part read from the cache; the uncached rest is derived.
    pub fn with_cache_read(total: Option<u64>, cache_read: Option<u64>) -> Self {
        InputTokens {
            total,
            no_cache: total.map(|total| total.saturating_sub(cache_read.unwrap_or(0))),
            cache_read,
            cache_write: None,
        }
    }
}

impl OutputTokens {
    /// Output tokens from the total only; the detail is unknown.
    pub fn from_total(total: Option<u64>) -> Self {
        OutputTokens { total, ..Default::default() }
    }

    /// Output tokens from the text and reasoning parts; the total is their sum, when either is known.
    pub fn from_text_and_reasoning(text: Option<u64>, reasoning: Option<u64>) -> Self {
        OutputTokens { total: add_options(text, reasoning), text, reasoning }
    }

    /// Output tokens from the total and the part spent on reasoning; the text rest is derived.
    pub fn with_reasoning(total: Option<u64>, reasoning: Option<u64>) -> Self {
        OutputTokens { total, text: total.map(|total| total.saturating_sub(reasoning.unwrap_or(0))), reasoning }
    }
}

impl Usage {
    /// Usage from input and output tokens, without the provider's raw object.
    pub fn new(input_tokens: InputTokens, output_tokens: OutputTokens) -> Self {
        Usage { input_tokens, output_tokens, raw: None }
    }

    /// Usage from input and output totals only.
    pub fn from_totals(input: Option<u64>, output: Option<u64>) -> Self {
        Usage::new(InputTokens::from_total(input), OutputTokens::from_total(output))
    }

    /// Sets the provider's usage object, kept unchanged.
    pub fn with_raw(mut self, raw: Option<JsonBody>) -> Self {
        self.raw = raw;
        self
    }

    /// Input plus output tokens, when either is known.
    pub fn total_tokens(&self) -> Option<u64> {
        add_options(self.input_tokens.total, self.output_tokens.total)
    }
}

fn add_options(left: Option<u64>, right: Option<u64>) -> Option<u64> {
    match (left, right) {
        (None, None) => None,
        (left, right) => Some(left.unwrap_or(0) + right.unwrap_or(0)),
    }
}

impl Add for InputTokens {
    type Output = InputTokens;
    fn add(self, other: InputTokens) -> InputTokens {
        InputTokens {
            total: add_options(self.total, other.total),
            no_cache: add_options(self.no_cache, other.no_cache),
            cache_read: add_options(self.cache_read, other.cache_read),
            cache_write: add_options(self.cache_write, other.cache_write),
        }
    }
}

impl Add for OutputTokens {
    type Output = OutputTokens;
    fn add(self, other: OutputTokens) -> OutputTokens {
        OutputTokens {
            total: add_options(self.total, other.total),
            text: add_options(self.text, other.text),
            reasoning: add_options(self.reasoning, other.reasoning),
        }
    }
}

/// Sums token counts; the raw provider objects are not summed and are dropped.
impl Add for &Usage {
    type Output = Usage;
    fn add(self, other: &Usage) -> Usage {
        Usage::new(self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens)
    }
}

impl AddAssign<&Usage> for Usage {
    fn add_assign(&mut self, other: &Usage) {
        *self = &*self + other;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_known_counts_and_keeps_unknown_as_none() {
        let mut total = Usage::from_totals(Some(10), Some(5));
        total += &Usage::from_totals(Some(1), None);
        assert_eq!(total.input_tokens.total, Some(11));
        assert_eq!(total.output_tokens.total, Some(5));
        assert_eq!(total.input_tokens.cache_read, None);
        assert_eq!(total.total_tokens(), Some(16));
    }
}
