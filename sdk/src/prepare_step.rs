//! Changing the settings of each step before it runs.
//!
//! A `prepare_step` hook sees the step number, the steps so far and the conversation about to be
//! sent, and may change what the step sends. As in AI SDK 7, a new system text or new messages
//! carry forward to later steps (the step's response is appended to the new messages); the model,
//! tool choice, active tools, sampling settings and provider options apply to this step only, and
//! provider options are merged into the call's, provider by provider. It is a plain function (not
//! async) so that it costs nothing when unused and keeps the loop's borrows simple.
//!
//! The crate-internal `prepare_step()` applies the hook: it builds a step's call options from the
//! builder's defaults and whatever the hook changed.

use std::sync::Arc;

use crate::call_settings::CallSettings;
use crate::into_model::IntoModel;
use crate::provider::{CallOptions, LanguageModel, Message, ProviderOptions, ReasoningEffort, ResponseFormat, ToolChoice};
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
///
/// ```
/// # async fn example() -> specai::Result<()> {
/// # let model = specai::test_util::MockLanguageModel::new()
/// #     .with_response(specai::test_util::text_response("a"));
/// use specai::PrepareStepResult;
///
/// let result = specai::generate_text(model)
///     .prompt("Hi")
///     .temperature(0.7)
///     .prepare_step(|context| match context.step_number {
///         // A cooler first step; later steps use the call's temperature again.
///         0 => PrepareStepResult::new().temperature(0.0).max_output_tokens(100),
///         _ => PrepareStepResult::new(),
///     })
///     .await?;
/// # let _ = result;
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct PrepareStepResult {
    /// Another model for this step.
    pub model: Option<Arc<dyn LanguageModel>>,
    /// Another tool choice.
    pub tool_choice: Option<ToolChoice>,
    /// Only these tools.
    pub active_tools: Option<Vec<String>>,
    /// Another system text, for this step and the later ones.
    pub system: Option<String>,
    /// Other messages (without the system text), for this step and the later ones.
    pub messages: Option<Vec<Message>>,
    /// Provider options merged into the call's for this step.
    pub provider_options: Option<ProviderOptions>,
    /// Sampling settings for this step; `None` fields keep the call's.
    pub sampling: SamplingSettings,
}

/// The sampling settings a step may change; `None` keeps the call's setting. Set them with
/// [`PrepareStepResult`]'s methods.
///
/// ```
/// use specai::PrepareStepResult;
///
/// let step = PrepareStepResult::new().temperature(0.0).seed(7);
/// assert_eq!(step.sampling.temperature, Some(0.0));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SamplingSettings {
    /// The most tokens to generate.
    pub max_output_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f32>,
    /// Nucleus sampling.
    pub top_p: Option<f32>,
    /// Sample only from the top K tokens.
    pub top_k: Option<u32>,
    /// Penalise tokens that already appeared.
    pub presence_penalty: Option<f32>,
    /// Penalise tokens by how often they appeared.
    pub frequency_penalty: Option<f32>,
    /// Stop generating at any of these.
    pub stop_sequences: Option<Vec<String>>,
    /// Seed for deterministic sampling.
    pub seed: Option<u64>,
    /// How hard a reasoning model should think.
    pub reasoning_effort: Option<ReasoningEffort>,
}

impl SamplingSettings {
    /// Overrides the options' settings with those set here.
    fn apply(self, options: &mut CallOptions) {
        let SamplingSettings {
            max_output_tokens,
            temperature,
            top_p,
            top_k,
            presence_penalty,
            frequency_penalty,
            stop_sequences,
            seed,
            reasoning_effort,
        } = self;
        options.max_output_tokens = max_output_tokens.or(options.max_output_tokens);
        options.temperature = temperature.or(options.temperature);
        options.top_p = top_p.or(options.top_p);
        options.top_k = top_k.or(options.top_k);
        options.presence_penalty = presence_penalty.or(options.presence_penalty);
        options.frequency_penalty = frequency_penalty.or(options.frequency_penalty);
        if let Some(stop_sequences) = stop_sequences {
            options.stop_sequences = stop_sequences;
        }
        options.seed = seed.or(options.seed);
        options.reasoning_effort = reasoning_effort.or(options.reasoning_effort);
    }
}

/// Builder methods for the sampling settings of a [`PrepareStepResult`].
macro_rules! sampling_setters {
    ($($(#[doc = $doc:literal])* $name:ident: $type:ty;)*) => {$(
        $(#[doc = $doc])*
        pub fn $name(mut self, $name: $type) -> Self {
            self.sampling.$name = Some($name);
            self
        }
    )*};
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

    /// Merges these provider options into the call's, for this step.
    pub fn provider_options(mut self, options: ProviderOptions) -> Self {
        self.provider_options = Some(options);
        self
    }

    /// Stops generating at any of these sequences, in this step.
    pub fn stop_sequences<I: IntoIterator<Item = S>, S: Into<String>>(mut self, sequences: I) -> Self {
        self.sampling.stop_sequences = Some(sequences.into_iter().map(Into::into).collect());
        self
    }

    sampling_setters! {
        /// The most tokens to generate in this step.
        max_output_tokens: u32;
        /// The sampling temperature of this step.
        temperature: f32;
        /// Nucleus sampling in this step.
        top_p: f32;
        /// Top-K sampling in this step.
        top_k: u32;
        /// The presence penalty of this step.
        presence_penalty: f32;
        /// The frequency penalty of this step.
        frequency_penalty: f32;
        /// The seed of this step.
        seed: u64;
        /// The reasoning effort of this step.
        reasoning_effort: ReasoningEffort;
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
    /// The system text of the prompt; a hook's new system text replaces it.
    pub(crate) system: &'a mut Option<String>,
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

/// How the conversation was moved into a call's prompt (behind a system message or not), so that
/// it can be taken back after the call instead of being cloned for it.
#[derive(Clone, Copy, Default)]
pub(crate) struct ConversationLoan {
    has_system: bool,
}

impl ConversationLoan {
    /// The conversation, taken back out of the options' prompt.
    pub(crate) fn take_back(self, options: &mut CallOptions) -> Option<Vec<Message>> {
        let mut prompt = std::mem::take(&mut options.prompt);
        if self.has_system {
            prompt.remove(0);
        }
        Some(prompt)
    }
}

/// Builds a step's call options, asking the `prepare_step` hook first. New messages or system
/// text from the hook replace the loop's (they carry forward); the conversation (without the
/// system text) is then moved into the options, to be taken back after the call.
pub(crate) fn prepare_step(
    defaults: &StepDefaults,
    settings: &CallSettings,
    inputs: StepInputs<'_>,
    response_format: Option<&ResponseFormat>,
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
    if let Some(new_system) = prepared.system {
        *system = Some(new_system);
    }
    if let Some(messages) = prepared.messages {
        *conversation = messages;
    }
    let messages = std::mem::take(conversation);
    let prompt = match system.as_ref() {
        None => messages,
        Some(system) => {
            let mut prompt = Vec::with_capacity(messages.len() + 1);
            prompt.push(Message::system(system.clone()));
            prompt.extend(messages);
            prompt
        }
    };
    let mut options = settings.call_options(prompt, tool_definitions, tool_choice, response_format.cloned());
    if let Some(provider_options) = prepared.provider_options {
        for (provider, value) in provider_options.0 {
            options.provider_options.merge(&provider, value);
        }
    }
    prepared.sampling.apply(&mut options);
    let loan = ConversationLoan { has_system: system.is_some() };
    PreparedStep { model, options, active_tools, loan }
}
