//! The awaited run of the step loop: each step's model call is awaited whole, then its tool
//! calls run concurrently.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures::future::join_all;
use futures::stream::{BoxStream, StreamExt};
use pin_project_lite::pin_project;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::call_settings::CallSettings;
use crate::error::{Error, Result, TimeoutKind};
use crate::output::OutputSpec;
use crate::prepare_step::PreparedStep;
use crate::prompt::download_unsupported_urls;
use crate::provider::{CallOptions, Content, GenerateResponse, LanguageModel, Message, ResponseFormat, ToolCall};
use crate::retry::retry_with_backoff;
use crate::step::{StepContent, StepResult};
use crate::step_engine::{
    ApprovalAnswers, Cancellation, GenerateTextResult, StepLoop, TextRequest, parse_output, provider_tool_result, response_format_of,
    start_tool_call, tool_call_input,
};
use crate::telemetry::attributes::{self, operation};
use crate::telemetry::spans::{self, ModelCall};
use crate::tool::{ToolEvent, parse_or_repair_tool_call};

/// Runs `future` under the total deadline and the cancellation token, when there are any.
pub(super) fn guard<T, F: Future<Output = Result<T>>>(future: F, total: Option<Duration>, token: Option<CancellationToken>) -> Guarded<F> {
    Guarded { future, total, deadline: None, cancellation: Cancellation::watch(token), registered: None }
}

pin_project! {
    /// A future under a total deadline and a cancellation token. Cancellation is checked first,
    /// then the deadline, then the future; the deadline starts at the first poll.
    ///
    /// A future of its own, not an `async fn` around `select!`, which would keep the guarded
    /// future (the whole run) twice: as its argument and inside the select. The timer and the
    /// token's future are boxed, allocated only for a call that has them: inline (184 bytes)
    /// they would take the run's future past the allocator's small-block cache.
    ///
    /// A polled guard keeps the task's waker and wakes it when it fires, so while the same task
    /// polls, the guards are only asked whether they fired (`is_cancelled`, `is_elapsed`), not
    /// polled again.
    pub(super) struct Guarded<F> {
        #[pin]
        future: F,
        total: Option<Duration>,
        deadline: Option<Pin<Box<tokio::time::Sleep>>>,
        cancellation: Option<Cancellation>,
        // The waker the guards were last polled with.
        registered: Option<Waker>,
    }
}

impl<T, F: Future<Output = Result<T>>> Future for Guarded<F> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Result<T>> {
        let this = self.project();
        if this.registered.as_ref().is_some_and(|waker| waker.will_wake(context.waker())) {
            if this.cancellation.as_ref().is_some_and(Cancellation::is_cancelled) {
                return Poll::Ready(Err(Error::Cancelled));
            }
            if let (Some(duration), Some(deadline)) = (*this.total, this.deadline.as_ref())
                && deadline.is_elapsed()
            {
                return Poll::Ready(Err(Error::Timeout { kind: TimeoutKind::Total, duration }));
            }
            return this.future.poll(context);
        }
        if let Some(cancellation) = this.cancellation
            && cancellation.poll(context)
        {
            return Poll::Ready(Err(Error::Cancelled));
        }
        if let Some(duration) = *this.total {
            let deadline = this.deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep(duration)));
            if deadline.as_mut().poll(context).is_ready() {
                return Poll::Ready(Err(Error::Timeout { kind: TimeoutKind::Total, duration }));
            }
        }
        *this.registered = Some(context.waker().clone());
        this.future.poll(context)
    }
}

/// Runs the loop: one model call per step, until the loop stops; then parses the output.
///
/// An `async` block, not an `async fn`: an `async fn` keeps its arguments twice in its future
/// (as moved in and as the body's own bindings), which here is the request and the settings,
/// close to 900 bytes boxed and copied on every call.
#[allow(clippy::manual_async_fn, reason = "an `async fn` keeps its arguments twice in its future")]
pub(super) fn run<O: OutputSpec>(
    mut request: Box<TextRequest>,
    settings: Box<CallSettings>,
    output: O,
) -> impl Future<Output = Result<GenerateTextResult<O::Complete>>> {
    async move {
        // What stays alive across the steps' awaits is kept in this future: the approval
        // answers end with their block, and the response format (80 bytes, set only for
        // structured output) is boxed.
        let mut state = {
            let (mut state, answers) = StepLoop::start(&mut request, &settings)?;
            if !answers.is_empty() {
                let outcomes = run_approved_calls(&request, &settings, &answers, state.conversation()).await;
                state.finish_approvals(answers, &outcomes);
            }
            state
        };
        let response_format = response_format_of(&output).map(Box::new);
        loop {
            let step_span = spans::step_span(state.step_number());
            let step =
                next_step(&request, &settings, &mut state, response_format.as_deref()).instrument(step_span.clone()).await;
            let step = match step {
                Ok(step) => step,
                Err(error) => {
                    spans::record_error(&step_span, &error);
                    return Err(error);
                }
            };
            spans::record_step(&step_span, &step);
            drop(step_span);
            if !state.record(&request, step) {
                break;
            }
        }
        let last = state.steps.last().expect("at least one step");
        let parsed = parse_output(&output, last, &state.total_usage)?;
        state.report_finish(&request);
        Ok(state.into_result(parsed))
    }
}

/// Prepares a step, calls the model and runs the tools it called.
///
/// A step without tool calls, the usual answer, is built without awaiting anything more: the
/// tool machinery's future is boxed on the other path, so this future (which every request
/// moves) stays the size of the model call.
async fn next_step(
    request: &TextRequest,
    settings: &CallSettings,
    state: &mut StepLoop,
    response_format: Option<&ResponseFormat>,
) -> Result<StepResult> {
    // Boxed: it is alive across the call, and inline its 480 bytes would take the run's future
    // (allocated for every request) past the allocator's small-block cache.
    let mut prepared = Box::new(state.prepare(request, settings, response_format));
    let response = call_model(&mut prepared, settings).await;
    state.take_back(prepared.loan, &mut prepared.options);
    let mut response = response?;
    let parts = std::mem::take(&mut response.content);
    let content = if parts.iter().any(|part| matches!(part, Content::ToolCall(_))) {
        Box::pin(content_with_tool_calls(request, settings, &prepared, state.conversation(), parts)).await
    } else {
        let mut content = Vec::with_capacity(parts.len());
        for part in parts {
            push_part(&mut content, part);
        }
        content
    };
    Ok(step_result(state.step_number(), content, response))
}

/// Runs the calls the caller approved, concurrently; their outcomes in call order.
async fn run_approved_calls(
    request: &TextRequest,
    settings: &CallSettings,
    answers: &ApprovalAnswers,
    conversation: &[Message],
) -> Vec<StepContent> {
    let mut shared_messages = None;
    let running = answers
        .approved
        .iter()
        .filter_map(|call| start_tool_call(request, settings, call, false, &mut shared_messages, conversation))
        .map(final_outcome);
    join_all(running).await.into_iter().flatten().collect()
}

/// The outcome of an execution, skipping its preliminary outputs.
async fn final_outcome(events: BoxStream<'static, ToolEvent>) -> Option<StepContent> {
    events
        .filter_map(|event| {
            std::future::ready(match event {
                ToolEvent::Outcome(content) => Some(content),
                ToolEvent::Preliminary(_) => None,
            })
        })
        .next()
        .await
}

/// Makes a step's model call: downloads the files the model cannot fetch, then calls it with
/// retries, under the step timeout.
async fn call_model(prepared: &mut PreparedStep, settings: &CallSettings) -> Result<GenerateResponse> {
    let supported_urls = prepared.model.supported_urls();
    download_unsupported_urls(&mut prepared.options.prompt, &supported_urls).await?;
    let model: &dyn LanguageModel = prepared.model.as_ref();
    let options: &CallOptions = &prepared.options;
    let mut call = ModelCall::start(operation::CHAT, model.provider(), model.model_id(), settings.telemetry.records_content());
    call.record_options(options);
    let attempts = retry_with_backoff(&settings.retry, || model.do_generate(options)).instrument(call.span.clone());
    let response = match settings.timeouts.step {
        None => attempts.await,
        Some(duration) => {
            tokio::time::timeout(duration, attempts).await.unwrap_or(Err(Error::Timeout { kind: TimeoutKind::Step, duration }))
        }
    };
    match &response {
        Ok(response) => {
            call.record_response(&response.response);
            call.record_finish(response.finish_reason, &response.usage);
            call.record_output(|| attributes::output_messages(&response.content, response.finish_reason));
            call.finish(None);
        }
        Err(error) => call.finish(Some(error)),
    }
    response
}

/// A step of `content` (the model's output with the tools' results appended) and the rest of
/// the model's response.
fn step_result(step_number: usize, content: Vec<StepContent>, response: GenerateResponse) -> StepResult {
    StepResult {
        step_number,
        content,
        finish_reason: response.finish_reason,
        raw_finish_reason: response.raw_finish_reason,
        usage: response.usage,
        warnings: response.warnings,
        request: response.request,
        response: response.response,
        provider_metadata: response.provider_metadata,
    }
}

/// Moves a part of the model's output into the step's content; a tool call is handed back, for
/// the caller to parse and run.
fn push_part(content: &mut Vec<StepContent>, part: Content) -> Option<ToolCall> {
    match part {
        Content::Text { text, provider_metadata } => content.push(StepContent::Text { text, provider_metadata }),
        Content::Reasoning { text, provider_metadata } => content.push(StepContent::Reasoning { text, provider_metadata }),
        Content::File(file) => content.push(StepContent::File(file)),
        Content::Source(source) => content.push(StepContent::Source(source)),
        Content::ToolCall(call) => return Some(call),
        Content::ToolResult(result) => {
            let input = tool_call_input(content, &result.tool_call_id);
            content.push(provider_tool_result(result, input));
        }
        unknown => tracing::debug!(?unknown, "content newer than this SDK, skipped"),
    }
    None
}

/// A step's content when the model called tools: the model's output in order, then the errors
/// of the tool calls that stayed invalid, then the results of the calls that ran
/// (concurrently), in call order. Tool calls are parsed (and repaired, if asked) as they come.
async fn content_with_tool_calls(
    request: &TextRequest,
    settings: &CallSettings,
    prepared: &PreparedStep,
    conversation: &[Message],
    parts: Vec<Content>,
) -> Vec<StepContent> {
    let tools = &request.defaults.tools;
    let mut content = Vec::with_capacity(parts.len());
    let mut running = Vec::new();
    let mut shared_messages: Option<Arc<[Message]>> = None;
    let mut failures = Vec::new();
    for part in parts {
        let Some(call) = push_part(&mut content, part) else { continue };
        let active_tools = prepared.active_tools.as_deref();
        let repair = request.repair_tool_call.as_ref();
        let (parsed, failure) = parse_or_repair_tool_call(call, tools, active_tools, repair, || conversation.to_vec()).await;
        match failure {
            Some(failure) => failures.push(StepContent::ToolError(failure)),
            None => running.extend(start_tool_call(request, settings, &parsed, true, &mut shared_messages, conversation).map(final_outcome)),
        }
        content.push(StepContent::ToolCall(parsed));
    }
    content.extend(failures);
    if !running.is_empty() {
        content.extend(join_all(running).await.into_iter().flatten());
    }
    content
}
