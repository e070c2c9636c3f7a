//! When the multi-step loop stops.
//!
//! After each step whose tool calls were all answered, the loop asks its stop conditions; it stops
//! when any holds. Without conditions it stops after one step, as the AI SDK does, so tools run
//! once and their results are returned rather than sent back to the model.

use std::fmt;
use std::sync::Arc;

use crate::step::StepResult;

/// A condition on the steps so far that ends the loop when it holds.
#[derive(Clone)]
pub struct StopCondition(Arc<StopFunction>);

type StopFunction = dyn Fn(&[StepResult]) -> bool + Send + Sync;

impl StopCondition {
    /// A condition from a closure over the steps so far.
    pub fn new(condition: impl Fn(&[StepResult]) -> bool + Send + Sync + 'static) -> Self {
        StopCondition(Arc::new(condition))
    }

    /// Whether the condition holds for these steps.
    pub fn is_met(&self, steps: &[StepResult]) -> bool {
        (self.0)(steps)
    }
}

impl fmt::Debug for StopCondition {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("StopCondition")
    }
}

impl<F: Fn(&[StepResult]) -> bool + Send + Sync + 'static> From<F> for StopCondition {
    fn from(condition: F) -> Self {
        StopCondition::new(condition)
    }
}

/// Stops once `count` steps have run.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// let model = MockLanguageModel::new().with_response(text_response("done"));
/// let result = specai::generate_text(model).prompt("Hi").stop_when(specai::step_count_is(5)).await?;
/// assert_eq!(result.steps.len(), 1);
/// # Ok(()) }
/// ```
pub fn step_count_is(count: usize) -> StopCondition {
    StopCondition::new(move |steps| steps.len() >= count)
}

/// Stops after a step in which the model called the tool `tool_name`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::{MockLanguageModel, text_response, tool_calls_response};
///
/// let model = MockLanguageModel::new()
///     .with_response(tool_calls_response([("call-1", "done", serde_json::json!({}))]))
///     .with_response(text_response("never asked for"));
/// let result = specai::generate_text(model).prompt("Finish").stop_when(specai::has_tool_call("done")).await?;
/// assert_eq!(result.steps.len(), 1);
/// # Ok(()) }
/// ```
pub fn has_tool_call(tool_name: impl Into<String>) -> StopCondition {
    let tool_name = tool_name.into();
    StopCondition::new(move |steps| {
        steps.last().is_some_and(|step| step.tool_calls().any(|call| call.tool_name == tool_name))
    })
}

/// Whether any condition holds; with no conditions, whether one step has run.
pub(crate) fn is_stop_condition_met(conditions: &[StopCondition], steps: &[StepResult]) -> bool {
    if conditions.is_empty() {
        return !steps.is_empty();
    }
    conditions.iter().any(|condition| condition.is_met(steps))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::step::{ParsedToolCall, StepContent};

    fn step_calling(tool_name: &str) -> StepResult {
        StepResult {
            content: vec![StepContent::ToolCall(ParsedToolCall {
                tool_call_id: "c".into(),
                tool_name: tool_name.into(),
                input: json!({}),
                provider_executed: false,
                provider_metadata: None,
                invalid: false,
            })],
            ..Default::default()
        }
    }

    #[test]
    fn conditions_combine_as_any() {
        let conditions = [step_count_is(3), has_tool_call("answer")];
        assert!(!is_stop_condition_met(&conditions, &[step_calling("search")]));
        assert!(is_stop_condition_met(&conditions, &[step_calling("search"), step_calling("answer")]));
        let three = [step_calling("a"), step_calling("b"), step_calling("c")];
        assert!(is_stop_condition_met(&conditions, &three));
        let custom = [StopCondition::from(|steps: &[StepResult]| steps.len() == 2)];
        assert!(is_stop_condition_met(&custom, &three[..2]));
    }

    #[test]
    fn default_stops_after_one_step() {
        assert!(is_stop_condition_met(&[], &[step_calling("a")]));
    }
}
