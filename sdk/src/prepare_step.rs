//! Changing the settings of each step before it runs.
//!
//! A `prepare_step` hook sees the step number, the steps so far and the conversation about to be
//! sent, and may replace the model, tool choice, active tools, system text or messages for that
//! step only. It is a plain function (not async) so that it costs nothing when unused and keeps
//! the loop's borrows simple.

use std::sync::Arc;

use crate::into_model::IntoModel;
use crate::provider::{LanguageModel, Message, ProviderOptions, ToolChoice};
use crate::step::StepResult;

/// What a `prepare_step` hook sees.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct PrepareStepContext<'a> {
    /// The number of the step about to run, from 0.
    pub step_number: usize,
    /// The steps so far.
    pub steps: &'a [StepResult],
    /// The model the step would use.
    pub model: &'a Arc<dyn LanguageModel>,
    /// The conversation the step would send, without the system text.
    pub messages: &'a [Message],
}

/// What a `prepare_step` hook changes; `None` keeps the setting.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct PrepareStepResult {
    /// Another model for this step.
    pub model: Option<Arc<dyn LanguageModel>>,
    /// Another tool choice.
    pub tool_choice: Option<ToolChoice>,
    /// Only these tools.
    pub active_tools: Option<Vec<String>>,
    /// Another system text.
    pub system: Option<String>,
    /// Other messages (without the system text).
    pub messages: Option<Vec<Message>>,
    /// Other provider options.
    pub provider_options: Option<ProviderOptions>,
}

impl PrepareStepResult {
    /// No change.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses another model.
    pub fn model(mut self, model: impl IntoModel<dyn LanguageModel>) -> Self {
        self.model = Some(model.into_model());
        self
    }

    /// Uses another tool choice.
    pub fn tool_choice(mut self, tool_choice: ToolChoice) -> Self {
        self.tool_choice = Some(tool_choice);
        self
    }

    /// Offers only these tools.
    pub fn active_tools<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.active_tools = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Uses another system text.
    pub fn system(mut self, system: impl Into<String>) -> Self {
        self.system = Some(system.into());
        self
    }

    /// Sends other messages.
    pub fn messages(mut self, messages: Vec<Message>) -> Self {
        self.messages = Some(messages);
        self
    }

    /// Uses other provider options.
    pub fn provider_options(mut self, options: ProviderOptions) -> Self {
        self.provider_options = Some(options);
        self
    }
}

/// A `prepare_step` hook.
pub type PrepareStep = Arc<dyn Fn(PrepareStepContext<'_>) -> PrepareStepResult + Send + Sync>;
