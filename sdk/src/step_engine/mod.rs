//! The step engine: the multi-step tool loop that `generate_text` and `stream_text` both run.
//!
//! A generation is a loop of steps: prepare the step (the `prepare_step` hook), call the model,
//! run the tool calls it made, record the step, and go on until a stop condition holds or a call
//! is left for the caller. `generate_text` awaits each step whole; `stream_text` drives the same
//! steps from a poll loop, part by part. What both need lives here, so that neither capability
//! reaches into the other: the request they share ([`TextRequest`]), the loop's bookkeeping
//! ([`StepLoop`]), the handling of a step's tool calls, the output spec's share of a call, and the
//! result of a whole generation.

mod callbacks;
mod cancellation;
mod output;
mod result;
mod step_loop;
mod step_tools;
mod text_request;
mod tool_approvals;

pub(crate) use cancellation::Cancellation;
pub(crate) use output::{parse_output, response_format_of};
pub use result::GenerateTextResult;
pub(crate) use step_loop::StepLoop;
pub(crate) use step_tools::{provider_tool_result, start_tool_call, tool_call_input};
pub(crate) use text_request::{TextRequest, loop_methods, text_request_methods};
pub use callbacks::{OnFinish, OnStart, OnStepFinish, OnStepStart, StartEvent, StepStartEvent};
pub(crate) use tool_approvals::ApprovalAnswers;
#[cfg(feature = "fuzzing")]
pub(crate) use step_loop::checked_conversation;
