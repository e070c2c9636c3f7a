//! The callbacks of a generation, shared by `generate_text`, `stream_text` and agents: each is
//! an `Option` checked where its event happens, so an unset callback costs one branch.
//!
//! `on_finish` runs only for a generation that completes, as in the AI SDK: a run that fails
//! reports nothing to it (`stream_text` has `on_error` for that, and `on_abort` for
//! cancellation).

use std::sync::Arc;

use crate::provider::{CallOptions, LanguageModel, Message, Usage};
use crate::step::StepResult;
use crate::tool::ToolCallHooks;

/// What `on_start` sees: the generation about to make its first call.
///
/// ```
/// # async fn example() -> specai::Result<()> {
/// # let model = specai::test_util::MockLanguageModel::new().with_response(specai::test_util::text_response("a"));
/// specai::generate_text(model)
///     .prompt("Hi")
///     .on_start(|event| println!("{} messages for {}", event.messages.len(), event.model.model_id()))
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct StartEvent<'a> {
    /// The model of the first step (a `prepare_step` hook may change it per step).
    pub model: &'a Arc<dyn LanguageModel>,
    /// The system text.
    pub system: Option<&'a str>,
    /// The conversation, without the system text.
    pub messages: &'a [Message],
}

/// What `on_step_start` sees: the step's number, model and the options about to be sent.
///
/// ```
/// # async fn example() -> specai::Result<()> {
/// # let model = specai::test_util::MockLanguageModel::new().with_response(specai::test_util::text_response("a"));
/// specai::generate_text(model)
///     .prompt("Hi")
///     .on_step_start(|event| println!("step {}: {} messages", event.step_number, event.options.prompt.len()))
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct StepStartEvent<'a> {
    /// The step's number, from 0.
    pub step_number: usize,
    /// The step's model.
    pub model: &'a Arc<dyn LanguageModel>,
    /// The call options (prompt, tools, settings) after `prepare_step`.
    pub options: &'a CallOptions,
}

/// Called once before the first model call.
pub type OnStart = Arc<dyn Fn(&StartEvent<'_>) + Send + Sync>;

/// Called before each step's model call.
pub type OnStepStart = Arc<dyn Fn(&StepStartEvent<'_>) + Send + Sync>;

/// Called with each finished step.
pub type OnStepFinish = Arc<dyn Fn(&StepResult) + Send + Sync>;

/// Called once with all steps and the total usage when a generation finishes successfully.
pub type OnFinish = Arc<dyn Fn(&[StepResult], &Usage) + Send + Sync>;

/// The callbacks of a generation.
#[derive(Clone, Default)]
pub(crate) struct Callbacks {
    pub(crate) on_start: Option<OnStart>,
    pub(crate) on_step_start: Option<OnStepStart>,
    pub(crate) on_step_finish: Option<OnStepFinish>,
    pub(crate) on_finish: Option<OnFinish>,
    pub(crate) tool_calls: ToolCallHooks,
}
