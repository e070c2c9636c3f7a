//! The request `generate_text` and `stream_text` share: the model, prompt, tools and loop
//! control, with the builder methods that set them.

use std::sync::Arc;

use crate::prepare_step::StepDefaults;
use crate::prompt::PromptInput;
use crate::provider::{LanguageModel, Usage};
use crate::step::StepResult;
use crate::stop_condition::StopCondition;
use crate::tool::ToolCallRepair;

/// Called with each finished step.
pub type OnStepFinish = Arc<dyn Fn(&StepResult) + Send + Sync>;

/// Called once with all steps and the total usage when a generation finishes successfully.
pub type OnFinish = Arc<dyn Fn(&[StepResult], &Usage) + Send + Sync>;

/// What `generate_text` and `stream_text` share: the model, prompt, tools and loop control.
#[derive(Clone)]
pub(crate) struct TextRequest {
    /// The model, tools and tool choice of every step, and the hook that may change them.
    pub(crate) defaults: StepDefaults,
    pub(crate) prompt: PromptInput,
    pub(crate) stop_conditions: Vec<StopCondition>,
    pub(crate) repair_tool_call: Option<ToolCallRepair>,
    pub(crate) on_step_finish: Option<OnStepFinish>,
    pub(crate) on_finish: Option<OnFinish>,
}

impl TextRequest {
    pub(crate) fn new(model: Arc<dyn LanguageModel>) -> Self {
        TextRequest {
            defaults: StepDefaults::new(model),
            prompt: PromptInput::default(),
            stop_conditions: Vec::new(),
            repair_tool_call: None,
            on_step_finish: None,
            on_finish: None,
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

        /// Changes model, tool choice, active tools, system text or messages before each step.
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

        /// Called with each finished step.
        pub fn on_step_finish(mut self, callback: impl Fn(&$crate::step::StepResult) + Send + Sync + 'static) -> Self {
            self.request.on_step_finish = Some(std::sync::Arc::new(callback));
            self
        }

        /// Called with all steps and the total usage when the generation succeeds.
        pub fn on_finish(
            mut self,
            callback: impl Fn(&[$crate::step::StepResult], &$crate::provider::Usage) + Send + Sync + 'static,
        ) -> Self {
            self.request.on_finish = Some(std::sync::Arc::new(callback));
            self
        }
    };
}

pub(crate) use text_request_methods;
