//! The state machine behind [`StreamTextResult`]: whoever polls it drives the step loop, one
//! phase at a time (start a step, connect, stream its parts, await its tools, finish it).

use std::collections::VecDeque;
use std::future::poll_fn;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{BoxStream, SelectAll, StreamExt};

use crate::call_settings::CallSettings;
use crate::error::{Error, Result};
use crate::output::{OutputSpec, TextOutput};
use crate::prepare_step::ConversationLoan;
use crate::prompt::download_unsupported_urls;
use crate::provider::{BlockId, CallOptions, LanguageModel, PartStream, ResponseFormat, StreamPart, StreamResponse, ToolCall};
use crate::retry::{RetryPolicy, retry_with_backoff};
use crate::step::{ParsedToolCall, StepContent, ToolCallError};
use crate::step_engine::{ApprovalAnswers, StepLoop, TextRequest, response_format_of, start_tool_call};
use crate::tool::{ToolCallRepair, ToolEvent, invalid_tool_call, parse_or_repair_tool_call, parse_tool_call};

use super::deadlines::Deadlines;
use super::part::{GenerationFinish, StepFinish, TextStreamPart};
use super::recorder::{Recorded, StepRecorder};
use super::stream_extras::StreamExtras;
use super::transform::poll_through;
use crate::telemetry::stream::{StreamTelemetry, is_output_chunk};

/// A `stream_text` generation in progress. Read it through [`text_stream`](Self::text_stream),
/// [`full_stream`](Self::full_stream) (or the result itself, which is the full stream) or
/// [`partial_output_stream`](Self::partial_output_stream); await the final values at any time:
/// they drive whatever is left of the stream. Dropping it cancels the request.
///
/// As on [`GenerateTextResult`](crate::GenerateTextResult), and unlike AI SDK 7 (whose `usage`,
/// `toolCalls` and `toolResults` span all steps), [`usage`](Self::usage),
/// [`tool_calls`](Self::tool_calls) and [`tool_results`](Self::tool_results) are the final
/// step's; the whole run is [`total_usage`](Self::total_usage) and [`steps`](Self::steps).
#[must_use = "a stream does nothing until polled"]
pub struct StreamTextResult<O: OutputSpec = TextOutput> {
    request: TextRequest,
    settings: CallSettings,
    pub(super) output: Box<O>,
    response_format: Option<ResponseFormat>,
    builder_error: Option<Error>,
    /// The conversation, the steps so far and their usage.
    pub(super) state: StepLoop,
    started: bool,
    /// How the conversation comes back from the current call's options.
    loan: ConversationLoan,
    phase: Phase,
    recorder: StepRecorder,
    pending: VecDeque<TextStreamPart>,
    running_tools: SelectAll<BoxStream<'static, ToolTask>>,
    /// The caller's approval answers, while the approved calls run (before the first step).
    approvals: Option<ApprovalAnswers>,
    /// How the generation failed, once it did.
    pub(super) error: Option<Error>,
    /// Whether the error is still to be yielded, after the abort part.
    error_due: bool,
    deadlines: Deadlines,
    /// The callbacks and transforms that only streams have.
    pub(super) extras: StreamExtras,
    /// The operation's, step's and model call's spans.
    telemetry: StreamTelemetry,
}

enum Phase {
    /// The next step has not started.
    NotStarted,
    /// The model call is being made (with retries).
    Connecting(BoxFuture<'static, (Result<StreamResponse>, CallOptions)>),
    /// The model's parts are arriving.
    Streaming(PartStream),
    /// The model is done; tools are still running.
    AwaitingTools,
    /// Finished or failed.
    Done,
}

/// What a running tool task produces.
enum ToolTask {
    /// An execution's preliminary output or outcome (result, error or approval request).
    Executed(ToolEvent),
    /// A call went through the repair hook.
    Repaired(ParsedToolCall, Option<ToolCallError>),
}

/// What polling the current phase produced, handled once the phase is no longer borrowed.
enum Event {
    /// The next step is due.
    StartStep,
    /// A text delta on the hot path, already recorded.
    Delta(TextStreamPart),
    Part(Result<StreamPart>),
    StreamEnded,
    /// Once per step; boxed so that the per-part events stay small.
    Connected(Box<(Result<StreamResponse>, CallOptions)>),
    /// Boxed for the same reason: a task is 296 bytes, and every delta moves an event.
    Tool(Box<ToolTask>),
    ToolsDone,
}

impl<O: OutputSpec> StreamTextResult<O> {
    /// A generation that starts when first polled.
    pub(super) fn new(
        request: TextRequest,
        settings: CallSettings,
        output: O,
        builder_error: Option<Error>,
        extras: StreamExtras,
    ) -> Self {
        let response_format = response_format_of(&output);
        let is_object = || response_format.is_some();
        let telemetry = StreamTelemetry::new(request.defaults.model.as_ref(), is_object, &settings.telemetry);
        StreamTextResult {
            telemetry,
            response_format,
            deadlines: Deadlines::new(settings.cancellation_token.clone()),
            request,
            settings,
            output: Box::new(output),
            builder_error,
            state: StepLoop::default(),
            started: false,
            loan: ConversationLoan::default(),
            phase: Phase::NotStarted,
            recorder: StepRecorder::default(),
            pending: VecDeque::new(),
            running_tools: SelectAll::new(),
            approvals: None,
            error: None,
            error_due: false,
            extras,
        }
    }

    /// Polls for the next part as the caller reads it: through the transforms, if any.
    pub(super) fn poll_part(&mut self, context: &mut Context<'_>) -> Poll<Option<Result<TextStreamPart>>> {
        if self.extras.transforms.is_empty() {
            return self.poll_observed(context);
        }
        let mut transforms = std::mem::take(&mut self.extras.transforms);
        let polled = poll_through(&mut transforms, self, context);
        self.extras.transforms = transforms;
        polled
    }

    /// Polls for the next part as the generation makes it, reporting it to `on_chunk`.
    #[inline]
    pub(super) fn poll_observed(&mut self, context: &mut Context<'_>) -> Poll<Option<Result<TextStreamPart>>> {
        let polled = self.poll_driver(context);
        if let Some(on_chunk) = &self.extras.callbacks.on_chunk
            && let Poll::Ready(Some(Ok(part))) = &polled
        {
            on_chunk(part);
        }
        polled
    }

    /// Polls the state machine for its next part; the heart of the generation.
    ///
    /// A text delta while the model streams, with nothing queued and no guard due, takes the
    /// few lines at the top; everything else is out of line in [`Self::poll_driver_slow`], so
    /// that the code each delta runs stays small (every line of it that a delta touches is
    /// fetched into the instruction cache again, as the whole pipeline's code does not fit).
    #[inline]
    fn poll_driver(&mut self, context: &mut Context<'_>) -> Poll<Option<Result<TextStreamPart>>> {
        if self.pending.is_empty()
            && self.recorder.announced
            && self.running_tools.is_empty()
            && self.deadlines.quiet(context.waker())
            && let Phase::Streaming(stream) = &mut self.phase
        {
            match stream.poll_next_unpin(context) {
                Poll::Ready(Some(Ok(StreamPart::TextDelta { id, delta }))) => return Poll::Ready(Some(Ok(self.pass_delta(id, delta)))),
                // The guards (if any) will wake this task: nothing else to poll.
                Poll::Pending => return Poll::Pending,
                Poll::Ready(polled) => return self.poll_driver_slow(context, Some(polled)),
            }
        }
        self.poll_driver_slow(context, None)
    }

    /// [`Self::poll_driver`] for all but the common delta; `polled` is what the model stream
    /// gave the fast path, to be handled first.
    #[inline(never)]
    fn poll_driver_slow(&mut self, context: &mut Context<'_>, polled: Option<Option<Result<StreamPart>>>) -> Poll<Option<Result<TextStreamPart>>> {
        if let Some(polled) = polled {
            let event = match polled {
                Some(part) => Event::Part(part),
                None => Event::StreamEnded,
            };
            if let Some(item) = self.handle_event(event) {
                return Poll::Ready(Some(item));
            }
        }
        loop {
            if let Some(part) = self.pending.pop_front() {
                return Poll::Ready(Some(Ok(part)));
            }
            if let Phase::Done = self.phase {
                if self.error_due {
                    self.error_due = false;
                    return Poll::Ready(self.error.clone().map(Err));
                }
                return Poll::Ready(None);
            }
            if let Some(error) = self.deadlines.poll(context, &self.settings.timeouts) {
                return self.fail_now(error);
            }
            let event = match self.poll_phase(context) {
                Poll::Ready(Some(event)) => event,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => match self.deadlines.poll_chunk(context) {
                    Some(error) => return Poll::Ready(Some(Err(self.fail(error)))),
                    None => return Poll::Pending,
                },
            };
            // The hot path returns the delta as it came, without a trip through `handle_event`.
            if let Event::Delta(part) = event {
                return Poll::Ready(Some(Ok(part)));
            }
            if let Some(item) = self.handle_event(event) {
                return Poll::Ready(Some(item));
            }
        }
    }

    /// Polls the current phase for its next event; `None` once done.
    #[inline]
    fn poll_phase(&mut self, context: &mut Context<'_>) -> Poll<Option<Event>> {
        let event = match &mut self.phase {
            Phase::Done => return Poll::Ready(None),
            Phase::NotStarted => Event::StartStep,
            Phase::Connecting(connecting) => Event::Connected(Box::new(std::task::ready!(connecting.as_mut().poll(context)))),
            Phase::Streaming(stream) => {
                if !self.running_tools.is_empty()
                    && let Poll::Ready(Some(task)) = self.running_tools.poll_next_unpin(context)
                {
                    return Poll::Ready(Some(Event::Tool(Box::new(task))));
                }
                match std::task::ready!(stream.poll_next_unpin(context)) {
                    // The hot path: a text delta goes straight to the caller, appended once to
                    // the step's text on the way.
                    Some(Ok(StreamPart::TextDelta { id, delta }))
                        if self.recorder.announced && !self.deadlines.chunk_is_armed() =>
                    {
                        Event::Delta(self.pass_delta(id, delta))
                    }
                    Some(part) => Event::Part(part),
                    None => Event::StreamEnded,
                }
            }
            Phase::AwaitingTools => match std::task::ready!(self.running_tools.poll_next_unpin(context)) {
                Some(task) => Event::Tool(Box::new(task)),
                None => Event::ToolsDone,
            },
        };
        Poll::Ready(Some(event))
    }

    /// A text delta on either hot path: counted, appended once to the step's text, passed on.
    #[inline]
    fn pass_delta(&mut self, id: BlockId, delta: String) -> TextStreamPart {
        self.telemetry.chunk();
        self.recorder.text_delta(&id, &delta);
        TextStreamPart::TextDelta { id, delta }
    }

    /// Acts on an event; returns what the caller sees next, if anything.
    fn handle_event(&mut self, event: Event) -> Option<Result<TextStreamPart>> {
        match event {
            Event::StartStep => {
                let error = self.start_step().err()?;
                Some(Err(self.fail(error)))
            }
            Event::Delta(part) => Some(Ok(part)),
            Event::Part(Ok(part)) => {
                if is_output_chunk(&part) {
                    self.telemetry.chunk();
                }
                self.deadlines.rearm_chunk(&self.settings.timeouts);
                self.handle_part(part).map(Ok)
            }
            Event::Part(Err(error)) => Some(Err(self.fail(error))),
            Event::StreamEnded => {
                self.deadlines.end_stream();
                self.recorder.close_open_blocks();
                self.telemetry.end_call(&self.recorder.step);
                self.phase = Phase::AwaitingTools;
                None
            }
            Event::Connected(connected) => match *connected {
                (Ok(response), options) => {
                    self.connected(response, options);
                    None
                }
                (Err(error), options) => {
                    self.take_back_conversation(options);
                    Some(Err(self.fail(error)))
                }
            },
            Event::Tool(task) => self.handle_tool_task(*task).map(Ok),
            Event::ToolsDone => {
                match self.approvals.take() {
                    Some(answers) => self.finish_approvals(answers),
                    None => self.finish_step(),
                }
                None
            }
        }
    }

    /// Ends the generation with an error: the provider stream and tools are dropped. A
    /// cancellation is an abort: `on_abort` runs, and an abort part comes before the error.
    fn fail(&mut self, error: Error) -> Error {
        self.phase = Phase::Done;
        self.running_tools = SelectAll::new();
        self.pending.clear();
        self.deadlines.clear();
        self.error = Some(error.clone());
        self.telemetry.fail(&error);
        let callbacks = &self.extras.callbacks;
        if let Error::Cancelled = error {
            if let Some(on_abort) = &callbacks.on_abort {
                on_abort(&self.state.steps);
            }
        } else if let Some(on_error) = &callbacks.on_error {
            on_error(&error);
        }
        error
    }

    /// Ends the generation with an error, yielded now, or after an abort part when cancelled.
    fn fail_now(&mut self, error: Error) -> Poll<Option<Result<TextStreamPart>>> {
        let error = self.fail(error);
        if let Error::Cancelled = error {
            self.error_due = true;
            return Poll::Ready(Some(Ok(TextStreamPart::Abort { reason: None })));
        }
        Poll::Ready(Some(Err(error)))
    }

    /// Prepares the next step and starts its model call (or, first, runs the approved calls).
    fn start_step(&mut self) -> Result<()> {
        if !self.started {
            self.begin()?;
            if self.approvals.is_some() {
                return Ok(());
            }
        }
        let mut prepared = self.state.prepare(&self.request, &self.settings, self.response_format.as_ref());
        self.recorder = StepRecorder::new(prepared.active_tools.take());
        self.deadlines.start_step(&self.settings.timeouts);
        let span = self.telemetry.start_step(self.state.step_number(), prepared.model.as_ref(), &prepared.options);
        // The conversation was moved into the options; it comes back with them.
        self.loan = prepared.loan;
        self.phase = Phase::Connecting(connect(prepared.model, prepared.options, self.settings.retry, span));
        Ok(())
    }

    /// Starts the generation, on the first poll: checks the builder and the prompt.
    fn begin(&mut self) -> Result<()> {
        self.started = true;
        if let Some(error) = self.builder_error.take() {
            return Err(error);
        }
        let (state, answers) = StepLoop::start(&mut self.request, &self.settings)?;
        self.state = state;
        self.deadlines.start_total(&self.settings.timeouts);
        if !answers.is_empty() {
            self.start_approved_calls(answers);
        }
        Ok(())
    }

    /// Runs the calls the caller approved and announces the denied ones; the first step starts
    /// once the approved calls are done.
    fn start_approved_calls(&mut self, answers: ApprovalAnswers) {
        for (tool_call_id, tool_name, _) in &answers.denied {
            let part = TextStreamPart::ToolOutputDenied { tool_call_id: tool_call_id.clone(), tool_name: tool_name.clone() };
            self.pending.push_back(part);
        }
        let conversation = self.state.conversation();
        let mut shared_messages = None;
        for call in &answers.approved {
            let started = self.telemetry.in_operation(|| {
                start_tool_call(&self.request, &self.settings, call, false, &mut shared_messages, conversation)
            });
            if let Some(events) = started {
                self.running_tools.push(events.map(ToolTask::Executed).boxed());
            }
        }
        self.approvals = Some(answers);
        self.phase = Phase::AwaitingTools;
    }

    /// Answers the approved and denied calls in the conversation, then starts the first step.
    fn finish_approvals(&mut self, answers: ApprovalAnswers) {
        let recorder = std::mem::take(&mut self.recorder);
        self.state.finish_approvals(answers, &recorder.step.content);
        self.phase = Phase::NotStarted;
    }

    /// Takes the conversation back from a finished call's options.
    fn take_back_conversation(&mut self, mut options: CallOptions) {
        self.state.take_back(std::mem::take(&mut self.loan), &mut options);
    }

    fn connected(&mut self, response: StreamResponse, options: CallOptions) {
        self.take_back_conversation(options);
        self.telemetry.connected(&response.response);
        self.recorder.step.request = response.request;
        self.recorder.step.response = response.response;
        self.phase = Phase::Streaming(response.stream);
    }

    /// The step's start part, sent before its first part.
    fn start_step_part(&mut self) -> TextStreamPart {
        self.recorder.announced = true;
        let step = &self.recorder.step;
        TextStreamPart::start_step(self.state.step_number(), &step.request, &step.warnings)
    }

    /// Records a provider part and turns it into the part the caller sees, if any.
    fn handle_part(&mut self, part: StreamPart) -> Option<TextStreamPart> {
        if !self.recorder.announced && !matches!(part, StreamPart::StreamStart { .. }) {
            let start = self.start_step_part();
            self.pending.push_back(start);
            if let Some(converted) = self.convert_part(part) {
                self.pending.push_back(converted);
            }
            return None;
        }
        self.convert_part(part)
    }

    fn convert_part(&mut self, part: StreamPart) -> Option<TextStreamPart> {
        match self.recorder.record(part) {
            Recorded::Part(part) => part,
            Recorded::StreamStart => Some(self.start_step_part()),
            Recorded::ToolCall(call) => self.handle_tool_call(call),
        }
    }

    /// Parses a tool call and starts its tool; an invalid call goes to the repair hook, if any.
    fn handle_tool_call(&mut self, call: ToolCall) -> Option<TextStreamPart> {
        let active_tools = self.recorder.active_tools.as_deref();
        let error = match parse_tool_call(&call, &self.request.defaults.tools, active_tools) {
            Ok(parsed) => return Some(self.accept_tool_call(parsed)),
            Err(error) => error,
        };
        match self.request.repair_tool_call.clone() {
            Some(repair) => {
                self.start_repair(call, repair);
                None
            }
            None => {
                let (parsed, failure) = invalid_tool_call(&call, error);
                Some(self.record_invalid_call(parsed, failure))
            }
        }
    }

    /// Runs the repair hook beside the tools (it is async); the call is announced once repaired.
    fn start_repair(&mut self, call: ToolCall, repair: ToolCallRepair) {
        let tools = self.request.defaults.tools.clone();
        let active_tools = self.recorder.active_tools.clone();
        let messages = self.state.conversation().to_vec();
        let repairing = async move {
            let (parsed, failure) =
                parse_or_repair_tool_call(call, &tools, active_tools.as_deref(), Some(&repair), || messages).await;
            ToolTask::Repaired(parsed, failure)
        };
        self.running_tools.push(futures::stream::once(repairing).boxed());
    }

    /// Records a valid call and starts its tool; returns the call part.
    fn accept_tool_call(&mut self, parsed: ParsedToolCall) -> TextStreamPart {
        self.start_tool(&parsed);
        self.recorder.step.content.push(StepContent::ToolCall(parsed.clone()));
        TextStreamPart::ToolCall(Box::new(parsed))
    }

    /// Records an invalid call and its error; returns the call part and queues the error part.
    fn record_invalid_call(&mut self, parsed: ParsedToolCall, failure: ToolCallError) -> TextStreamPart {
        self.recorder.step.content.push(StepContent::ToolCall(parsed.clone()));
        self.recorder.step.content.push(StepContent::ToolError(failure.clone()));
        self.pending.push_back(TextStreamPart::ToolError(Box::new(failure)));
        TextStreamPart::ToolCall(Box::new(parsed))
    }

    /// Starts executing a call whose tool has an execute function.
    fn start_tool(&mut self, parsed: &ParsedToolCall) {
        let conversation = self.state.conversation();
        let messages = &mut self.recorder.messages;
        let started = self.telemetry.in_step(|| start_tool_call(&self.request, &self.settings, parsed, true, messages, conversation));
        if let Some(events) = started {
            self.running_tools.push(events.map(ToolTask::Executed).boxed());
        }
    }

    fn handle_tool_task(&mut self, task: ToolTask) -> Option<TextStreamPart> {
        match task {
            ToolTask::Executed(ToolEvent::Preliminary(result)) => Some(TextStreamPart::ToolResult(Box::new(result))),
            ToolTask::Executed(ToolEvent::Outcome(content)) => self.recorder.push_tool_outcome(content),
            ToolTask::Repaired(parsed, Some(failure)) => Some(self.record_invalid_call(parsed, failure)),
            ToolTask::Repaired(parsed, None) => Some(self.accept_tool_call(parsed)),
        }
    }

    /// Ends the step: records it, emits its finish, and starts the next step or finishes.
    fn finish_step(&mut self) {
        self.deadlines.end_step();
        let recorder = std::mem::take(&mut self.recorder);
        let announced = recorder.announced;
        let step = recorder.into_step(self.state.step_number());
        if !announced {
            self.pending.push_back(TextStreamPart::start_step(step.step_number, &step.request, &step.warnings));
        }
        self.pending.push_back(TextStreamPart::FinishStep(Box::new(StepFinish::of(&step))));
        self.telemetry.end_step(&step);
        if self.state.record(&self.request, step) {
            self.phase = Phase::NotStarted;
        } else {
            self.finish_generation();
        }
    }

    /// Emits the generation's finish and reports it.
    fn finish_generation(&mut self) {
        let last = self.state.steps.last().expect("a step just finished");
        self.pending.push_back(TextStreamPart::Finish(Box::new(GenerationFinish::of(last, &self.state.total_usage))));
        self.phase = Phase::Done;
        self.deadlines.clear();
        self.telemetry.end(&self.state.steps, &self.state.total_usage);
        self.state.report_finish(&self.request);
    }

    /// Drives the stream to its end (if no one did), then reports how it ended.
    pub(super) async fn drive(&mut self) -> Result<()> {
        while let Some(part) = poll_fn(|context| self.poll_observed(context)).await {
            part?;
        }
        match &self.error {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }
}

/// A step's model call: downloads the files the model cannot fetch, then calls it with retries.
/// The options come back with the response, so that the conversation they hold can be taken back.
fn connect(
    model: std::sync::Arc<dyn LanguageModel>,
    mut options: CallOptions,
    retry: RetryPolicy,
    span: tracing::Span,
) -> BoxFuture<'static, (Result<StreamResponse>, CallOptions)> {
    Box::pin(tracing::Instrument::instrument(async move {
        let supported_urls = model.supported_urls();
        if let Err(error) = download_unsupported_urls(&mut options.prompt, &supported_urls).await {
            return (Err(error), options);
        }
        let response = retry_with_backoff(&retry, || model.do_stream(&options)).await;
        (response, options)
    }, span))
}
