//! The loop's bookkeeping: the conversation, the steps so far and their usage, and the decision
//! whether another step follows.

use crate::call_settings::CallSettings;
use crate::error::{Error, Result};
use crate::prepare_step::{ConversationLoan, PreparedStep, StepInputs, prepare_step};
use crate::prompt::{PromptInput, StandardizedPrompt, check_tool_results};
use crate::provider::{CallOptions, Message, ResponseFormat, Usage};
use crate::step::{StepContent, StepResult};
use crate::stop_condition::is_stop_condition_met;
use crate::tool::ToolSet;

use super::callbacks::{StartEvent, StepStartEvent};
use super::result::GenerateTextResult;
use super::tool_approvals::{ApprovalAnswers, take_approval_answers};
use super::text_request::TextRequest;

/// The caller's conversation as every generation takes it: standardized, the answers to approval
/// requests taken out (see [`take_approval_answers`]), and every tool call the application runs
/// answered by a result or by those answers ([`check_tool_results`]).
pub(crate) fn checked_conversation(prompt: PromptInput, tools: &ToolSet) -> Result<(StandardizedPrompt, ApprovalAnswers)> {
    let mut conversation = prompt.standardize()?;
    let answers = take_approval_answers(&mut conversation.messages, tools)?;
    check_tool_results(&conversation.messages, &answers.call_ids())?;
    Ok((conversation, answers))
}

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
    /// The tool message answering the caller's approvals, before the first step.
    initial_response_messages: Vec<Message>,
}

impl StepLoop {
    /// Checks the settings, standardizes the prompt and takes the caller's answers to approval
    /// requests out of it (they are run or denied before the first step: see
    /// [`finish_approvals`](Self::finish_approvals)); reports the start.
    pub(crate) fn start(request: &mut TextRequest, settings: &CallSettings) -> Result<(Self, ApprovalAnswers)> {
        settings.validate()?;
        let (StandardizedPrompt { system, messages }, answers) =
            checked_conversation(std::mem::take(&mut request.prompt), &request.defaults.tools)?;
        if let Some(callback) = &request.callbacks.on_start {
            callback(&StartEvent { model: &request.defaults.model, system: system.as_deref(), messages: &messages });
        }
        let state = StepLoop {
            system,
            conversation: messages,
            // Most generations are one step: room for one is a small allocation, where the
            // first push's default of four steps is not.
            steps: Vec::with_capacity(1),
            total_usage: Usage::default(),
            initial_response_messages: Vec::new(),
        };
        Ok((state, answers))
    }

    /// Answers the approved calls with their outcomes and the denied ones with denials, in a tool
    /// message that continues the conversation.
    pub(crate) fn finish_approvals(&mut self, answers: ApprovalAnswers, outcomes: &[StepContent]) {
        if let Some(message) = answers.into_tool_message(outcomes) {
            self.conversation.push(message.clone());
            self.initial_response_messages.push(message);
        }
    }

    /// Prepares the next step. The conversation is lent to the step's options; give it back
    /// with [`take_back`](Self::take_back) once the call is made.
    pub(crate) fn prepare(
        &mut self,
        request: &TextRequest,
        settings: &CallSettings,
        response_format: Option<&ResponseFormat>,
    ) -> PreparedStep {
        let inputs = StepInputs { system: &mut self.system, conversation: &mut self.conversation, steps: &self.steps };
        let prepared = prepare_step(&request.defaults, settings, inputs, response_format);
        if let Some(callback) = &request.callbacks.on_step_start {
            let event = StepStartEvent { step_number: self.steps.len(), model: &prepared.model, options: &prepared.options };
            callback(&event);
        }
        prepared
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

    /// The messages added to the conversation: the answers to approvals, then every step's.
    pub(crate) fn response_messages(&self) -> Vec<Message> {
        super::result::response_messages(&self.initial_response_messages, &self.steps)
    }

    /// The number of the next step.
    pub(crate) fn step_number(&self) -> usize {
        self.steps.len()
    }

    /// Records a finished step: sums its usage, reports it, and extends the conversation with its
    /// messages when its tool calls were all answered. Returns whether another step follows.
    pub(crate) fn record(&mut self, request: &TextRequest, step: StepResult) -> bool {
        self.total_usage += &step.usage;
        if let Some(callback) = &request.callbacks.on_step_finish {
            callback(&step);
        }
        let answered = step.all_client_tool_calls_answered();
        self.steps.push(step);
        let go_on = answered && !is_stop_condition_met(&request.stop_conditions, &self.steps);
        // The conversation grows only for a step that follows: the last step's messages are
        // read from the steps, never from the conversation.
        if go_on && let Some(step) = self.steps.last() {
            self.conversation.extend(step.response_messages());
        }
        go_on
    }

    /// Reports the end of the generation to the `on_finish` callback.
    pub(crate) fn report_finish(&self, request: &TextRequest) {
        if let Some(callback) = &request.callbacks.on_finish {
            callback(&self.steps, &self.total_usage);
        }
    }

    /// The final step, or an error when the generation ended without one.
    pub(crate) fn last_step(&self) -> Result<&StepResult> {
        self.steps.last().ok_or_else(|| Error::invalid_argument("stream", "the stream ended without a step"))
    }

    /// The steps and their total usage, with the output.
    pub(crate) fn into_result<T>(self, output: T) -> GenerateTextResult<T> {
        GenerateTextResult::new(self.steps, self.total_usage, output, self.initial_response_messages)
    }
}
