//! The loop's bookkeeping: the conversation, the steps so far and their usage, and the decision
//! whether another step follows.

use crate::call_settings::CallSettings;
use crate::error::{Error, Result};
use crate::prepare_step::{ConversationLoan, PreparedStep, StepInputs, prepare_step};
use crate::prompt::StandardizedPrompt;
use crate::provider::{CallOptions, Message, ResponseFormat, Usage};
use crate::step::StepResult;
use crate::stop_condition::is_stop_condition_met;

use super::result::GenerateTextResult;
use super::text_request::TextRequest;

/// The state of a generation between its steps.
#[derive(Default)]
pub(crate) struct StepLoop {
    system: Option<String>,
    /// The conversation without the system text: the prompt, then every step's messages.
    conversation: Vec<Message>,
    /// The steps so far.
    pub(crate) steps: Vec<StepResult>,
    /// Token usage summed over the steps so far.
    pub(crate) total_usage: Usage,
}

impl StepLoop {
    /// Checks the settings and standardizes the prompt: how every generation starts.
    pub(crate) fn start(request: &mut TextRequest, settings: &CallSettings) -> Result<Self> {
        settings.validate()?;
        let StandardizedPrompt { system, messages } = std::mem::take(&mut request.prompt).standardize()?;
        Ok(StepLoop { system, conversation: messages, steps: Vec::new(), total_usage: Usage::default() })
    }

    /// Prepares the next step. The conversation is lent to the step's options; give it back
    /// with [`take_back`](Self::take_back) once the call is made.
    pub(crate) fn prepare(
        &mut self,
        request: &TextRequest,
        settings: &CallSettings,
        response_format: &Option<ResponseFormat>,
    ) -> PreparedStep {
        let inputs = StepInputs { system: &self.system, conversation: &mut self.conversation, steps: &self.steps };
        prepare_step(&request.defaults, settings, inputs, response_format)
    }

    /// Takes the conversation back from a call's options.
    pub(crate) fn take_back(&mut self, loan: ConversationLoan, options: &mut CallOptions) {
        if let Some(conversation) = loan.take_back(options) {
            self.conversation = conversation;
        }
    }

    /// The conversation so far, without the system text.
    pub(crate) fn conversation(&self) -> &[Message] {
        &self.conversation
    }

    /// The number of the next step.
    pub(crate) fn step_number(&self) -> usize {
        self.steps.len()
    }

    /// Records a finished step: sums its usage, reports it, and extends the conversation with its
    /// messages when its tool calls were all answered. Returns whether another step follows.
    pub(crate) fn record(&mut self, request: &TextRequest, step: StepResult) -> bool {
        self.total_usage += &step.usage;
        if let Some(callback) = &request.on_step_finish {
            callback(&step);
        }
        let go_on = step.all_client_tool_calls_answered();
        if go_on {
            self.conversation.extend(step.response_messages.iter().cloned());
        }
        self.steps.push(step);
        go_on && !is_stop_condition_met(&request.stop_conditions, &self.steps)
    }

    /// Reports the end of the generation to the `on_finish` callback.
    pub(crate) fn report_finish(&self, request: &TextRequest) {
        if let Some(callback) = &request.on_finish {
            callback(&self.steps, &self.total_usage);
        }
    }

    /// The final step, or an error when the generation ended without one.
    pub(crate) fn last_step(&self) -> Result<&StepResult> {
        self.steps.last().ok_or_else(|| Error::invalid_argument("stream", "the stream ended without a step"))
    }

    /// The steps and their total usage, with the output.
    pub(crate) fn into_result<T>(self, output: T) -> GenerateTextResult<T> {
        GenerateTextResult::new(self.steps, self.total_usage, output)
    }
}
