//! Claude's extended-thinking budget for the unified reasoning effort: one table for the two
//! providers that serve Claude (the Messages API and Bedrock's Converse), so that the same effort
//! thinks as long on either.

use crate::provider::ReasoningEffort;

/// The thinking budget (tokens) for `effort`; `None` turns thinking off. A level newer than this
/// SDK gets the medium budget: a guess that errs on the side of cost.
pub(crate) fn thinking_budget(effort: ReasoningEffort) -> Option<u32> {
    match effort {
        ReasoningEffort::None => None,
        ReasoningEffort::Minimal => Some(1_024),
        ReasoningEffort::Low => Some(2_048),
        ReasoningEffort::Medium => Some(8_192),
        ReasoningEffort::High => Some(16_384),
        ReasoningEffort::ExtraHigh => Some(32_000),
        _ => Some(8_192),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_level_thinks_longer_than_the_one_below() {
        let levels = [ReasoningEffort::Minimal, ReasoningEffort::Low, ReasoningEffort::Medium, ReasoningEffort::High, ReasoningEffort::ExtraHigh];
        let budgets: Vec<u32> = levels.into_iter().map(|level| thinking_budget(level).unwrap()).collect();
        assert_eq!(budgets, [1_024, 2_048, 8_192, 16_384, 32_000]);
        assert_eq!(thinking_budget(ReasoningEffort::None), None);
    }
}
