//! The request `generate_text` and `stream_text` share: the model, prompt, tools and loop
//! control, with the builder methods that set them.

use std::sync::Arc;

use crate::prepare_step::StepDefaults;
use crate::prompt::PromptInput;
use crate::provider::LanguageModel;
use crate::stop_condition::StopCondition;
use crate::tool::ToolCallRepair;

use super::callbacks::Callbacks;

/// What `generate_text` and `stream_text` share: the model, prompt, tools and loop control.
#[derive(Clone)]
pub(crate) struct TextRequest {
    /// The model, tools and tool choice of every step, and the hook that may change them.
    pub(crate) defaults: StepDefaults,
    pub(crate) prompt: PromptInput,
    pub(crate) stop_conditions: Vec<StopCondition>,
    pub(crate) repair_tool_call: Option<ToolCallRepair>,
    pub(crate) callbacks: Callbacks,
}

impl TextRequest {
    pub(crate) fn new(model: Arc<dyn LanguageModel>) -> Self {
        TextRequest {
            defaults: StepDefaults::new(model),
            prompt: PromptInput::default(),
            stop_conditions: Vec::new(),
            repair_tool_call: None,
            callbacks: Callbacks::default(),
        }
    }
}

/// The builder methods of [`TextRequest`] fields, shared by `generate_text` and `stream_text`,
/// whose builders keep it in a `request` field.
macro_rules! text_request_methods {
    () => {
        /// The system instructions.
        pub fn system(mut self, system: impl Into<String>) -> Self {
            self.request.prompt.system = Some(system.into());
            self
        }

        /// The user's prompt: a text, or parts (`Vec<UserPart>`). Give this or `messages`.
        pub fn prompt(mut self, prompt: impl Into<$crate::prompt::Prompt>) -> Self {
            self.request.prompt.prompt = Some(prompt.into());
            self
        }

        /// The conversation so far. Give this or `prompt`.
        pub fn messages(mut self, messages: Vec<$crate::provider::Message>) -> Self {
            self.request.prompt.messages = Some(messages);
            self
        }

        $crate::step_engine::loop_methods!();
    };
}

/// The builder methods of the loop's settings (tools, stop conditions, hooks, callbacks), shared
/// by `generate_text`, `stream_text` and the agent builder, which keep a [`TextRequest`] in a
/// `request` field.
macro_rules! loop_methods {
    () => {
        /// The tools the model may call.
        pub fn tools(mut self, tools: impl Into<$crate::tool::ToolSet>) -> Self {
            self.request.defaults.tools = tools.into();
            self
        }

        /// Adds one tool.
        pub fn tool(mut self, name: impl Into<String>, tool: impl Into<$crate::tool::Tool>) -> Self {
            self.request.defaults.tools.insert(name, tool);
            self
        }

        /// How the model should choose tools.
        pub fn tool_choice(mut self, tool_choice: $crate::provider::ToolChoice) -> Self {
            self.request.defaults.tool_choice = Some(tool_choice);
            self
        }

        /// Offers only these of the tools to the model.
        pub fn active_tools<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
            self.request.defaults.active_tools = Some(names.into_iter().map(Into::into).collect());
            self
        }

        /// Adds a stop condition; the loop stops when any holds (default: after one step).
        pub fn stop_when(mut self, condition: impl Into<$crate::stop_condition::StopCondition>) -> Self {
            self.request.stop_conditions.push(condition.into());
            self
        }

        /// Changes the model, tools, system text, messages, sampling settings or provider
        /// options before each step (see [`PrepareStepResult`]($crate::prepare_step::PrepareStepResult)
        /// for which changes carry forward).
        pub fn prepare_step(
            mut self,
            prepare: impl Fn($crate::prepare_step::PrepareStepContext<'_>) -> $crate::prepare_step::PrepareStepResult
            + Send
            + Sync
            + 'static,
        ) -> Self {
            self.request.defaults.hook = Some(std::sync::Arc::new(prepare));
            self
        }

        /// Repairs tool calls with an unknown tool name or invalid input, once per call.
        pub fn repair_tool_call<F, Fut>(mut self, repair: F) -> Self
        where
            F: Fn($crate::tool::ToolCallRepairRequest) -> Fut + Send + Sync + 'static,
            Fut: std::future::Future<Output = $crate::Result<Option<$crate::provider::ToolCall>>> + Send + 'static,
        {
            self.request.repair_tool_call = Some(std::sync::Arc::new(move |request| Box::pin(repair(request))));
            self
        }

        /// Called once before the first model call.
        pub fn on_start(mut self, callback: impl Fn(&$crate::generate_text::StartEvent<'_>) + Send + Sync + 'static) -> Self {
            self.request.callbacks.on_start = Some(std::sync::Arc::new(callback));
            self
        }

        /// Called before each step's model call, with the options about to be sent.
        pub fn on_step_start(
            mut self,
            callback: impl Fn(&$crate::generate_text::StepStartEvent<'_>) + Send + Sync + 'static,
        ) -> Self {
            self.request.callbacks.on_step_start = Some(std::sync::Arc::new(callback));
            self
        }

        /// Called with each finished step.
        pub fn on_step_finish(mut self, callback: impl Fn(&$crate::step::StepResult) + Send + Sync + 'static) -> Self {
            self.request.callbacks.on_step_finish = Some(std::sync::Arc::new(callback));
            self
        }

        /// Called with all steps and the total usage when the generation succeeds (never for a
        /// generation that fails or is cancelled, as in the AI SDK).
        pub fn on_finish(
            mut self,
            callback: impl Fn(&[$crate::step::StepResult], &$crate::provider::Usage) + Send + Sync + 'static,
        ) -> Self {
            self.request.callbacks.on_finish = Some(std::sync::Arc::new(callback));
            self
        }

        /// Called before each tool execution.
        pub fn on_tool_call_start(
            mut self,
            callback: impl Fn(&$crate::tool::ToolCallStartEvent<'_>) + Send + Sync + 'static,
        ) -> Self {
            self.request.callbacks.tool_calls.on_start = Some(std::sync::Arc::new(callback));
            self
        }

        /// Called after each tool execution, with its result or error and its duration.
        pub fn on_tool_call_finish(
            mut self,
            callback: impl Fn(&$crate::tool::ToolCallFinishEvent<'_>) + Send + Sync + 'static,
        ) -> Self {
            self.request.callbacks.tool_calls.on_finish = Some(std::sync::Arc::new(callback));
            self
        }
    };
}

pub(crate) use {loop_methods, text_request_methods};
