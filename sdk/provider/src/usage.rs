//! Token usage, with the cache and reasoning detail providers report.

use std::ops::{Add, AddAssign};

use serde::{Deserialize, Serialize};

use super::JsonBody;

/// Tokens used by one call, or summed over several. `None` means the provider did not say.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputTokens {
    /// All output tokens.
    pub total: Option<u64>,
    /// Output tokens of visible text.
    pub text: Option<u64>,
    /// Output tokens spent on reasoning.
    pub reasoning: Option<u64>,
}

impl InputTokens {
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
    /// Output tokens from the total and the part spent on reasoning; the text rest is derived.
    pub fn with_reasoning(total: Option<u64>, reasoning: Option<u64>) -> Self {
        OutputTokens { total, text: total.map(|total| total.saturating_sub(reasoning.unwrap_or(0))), reasoning }
    }
}

impl Usage {
    /// Usage from input and output totals only.
    pub fn from_totals(input: Option<u64>, output: Option<u64>) -> Self {
        Usage {
            input_tokens: InputTokens { total: input, ..Default::default() },
            output_tokens: OutputTokens { total: output, ..Default::default() },
            raw: None,
        }
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
        Usage {
            input_tokens: self.input_tokens + other.input_tokens,
            output_tokens: self.output_tokens + other.output_tokens,
            raw: None,
        }
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
