//! Changing the settings of each step before it runs.
//!
//! A `prepare_step` hook sees the step number, the steps so far and the conversation about to be
//! sent, and may replace the model, tool choice, active tools, system text or messages for that
//! step only. It is a plain function (not async) so that it costs nothing when unused and keeps
//! the loop's borrows simple.
//!
//! The crate-internal `prepare_step()` applies the hook: it builds a step's call options from the
//! builder's defaults and whatever the hook changed.

use std::sync::Arc;

use crate::call_settings::CallSettings;
use crate::into_model::IntoModel;
use crate::provider::{CallOptions, LanguageModel, Message, ProviderOptions, ResponseFormat, ToolChoice};
use crate::step::StepResult;
use crate::tool::ToolSet;

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

/// What each step uses unless a `prepare_step` hook changes it, as the builder set it.
#[derive(Clone)]
pub(crate) struct StepDefaults {
    pub(crate) model: Arc<dyn LanguageModel>,
    pub(crate) tools: ToolSet,
    pub(crate) tool_choice: Option<ToolChoice>,
    pub(crate) active_tools: Option<Vec<String>>,
    pub(crate) hook: Option<PrepareStep>,
}

impl StepDefaults {
    pub(crate) fn new(model: Arc<dyn LanguageModel>) -> Self {
        StepDefaults { model, tools: ToolSet::new(), tool_choice: None, active_tools: None, hook: None }
    }
}

/// The state of the loop that a step is prepared from.
pub(crate) struct StepInputs<'a> {
    /// The system text of the prompt.
    pub(crate) system: &'a Option<String>,
    /// The conversation so far, without the system text; lent to the call options.
    pub(crate) conversation: &'a mut Vec<Message>,
    /// The steps so far.
    pub(crate) steps: &'a [StepResult],
}

/// The settings of one step after `prepare_step`.
pub(crate) struct PreparedStep {
    pub(crate) model: Arc<dyn LanguageModel>,
    pub(crate) options: CallOptions,
    pub(crate) active_tools: Option<Vec<String>>,
    /// How to take the conversation back from `options` after the call.
    pub(crate) loan: ConversationLoan,
}

/// Whether the conversation was moved into a call's prompt (and behind a system message), so
/// that it can be taken back after the call instead of being cloned for it.
#[derive(Clone, Copy, Default)]
pub(crate) struct ConversationLoan {
    moved: bool,
    has_system: bool,
}

impl ConversationLoan {
    /// The conversation, taken back out of the options' prompt, when it was lent to them.
    pub(crate) fn take_back(self, options: &mut CallOptions) -> Option<Vec<Message>> {
        if !self.moved {
            return None;
        }
        let mut prompt = std::mem::take(&mut options.prompt);
        if self.has_system {
            prompt.remove(0);
        }
        Some(prompt)
    }
}

/// Builds a step's call options, asking the `prepare_step` hook first. The conversation (without
/// the system text) is moved into the options unless the hook replaced the messages.
pub(crate) fn prepare_step(
    defaults: &StepDefaults,
    settings: &CallSettings,
    inputs: StepInputs<'_>,
    response_format: &Option<ResponseFormat>,
) -> PreparedStep {
    let StepInputs { system, conversation, steps } = inputs;
    let prepared = match &defaults.hook {
        Some(hook) => hook(PrepareStepContext {
            step_number: steps.len(),
            steps,
            model: &defaults.model,
            messages: conversation,
        }),
        None => PrepareStepResult::default(),
    };
    let model = prepared.model.unwrap_or_else(|| defaults.model.clone());
    let active_tools = prepared.active_tools.or_else(|| defaults.active_tools.clone());
    let tool_definitions =
        if defaults.tools.is_empty() { Vec::new() } else { defaults.tools.definitions(active_tools.as_deref()) };
    let tool_choice = prepared.tool_choice.or_else(|| defaults.tool_choice.clone());
    let tool_choice = if tool_definitions.is_empty() { None } else { tool_choice };
    let system = prepared.system.as_ref().or(system.as_ref());
    let (messages, moved) = match prepared.messages {
        Some(messages) => (messages, false),
        None => (std::mem::take(conversation), true),
    };
    let prompt = match system {
        None => messages,
        Some(system) => {
            let mut prompt = Vec::with_capacity(messages.len() + 1);
            prompt.push(Message::system(system.clone()));
            prompt.extend(messages);
            prompt
        }
    };
    let mut options = settings.call_options(prompt, tool_definitions, tool_choice, response_format.clone());
    if let Some(provider_options) = prepared.provider_options {
        options.provider_options = provider_options;
    }
    let loan = ConversationLoan { moved, has_system: system.is_some() };
    PreparedStep { model, options, active_tools, loan }
}
