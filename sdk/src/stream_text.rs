//! `stream_text`: text as it is generated, with tools run in the same multi-step loop as
//! `generate_text`.
//!
//! [`StreamTextResult`] is a state machine driven by whoever polls it: the caller's text stream,
//! full stream, partial-output stream, or one of the awaitable final values (which drive the
//! rest of the stream themselves). Nothing is spawned and no channel sits between the provider and
//! the caller: polling the text stream polls the provider's [`PartStream`] directly, moves each
//! delta out to the caller and appends it to the step's text, which is what the final values are
//! built from. Tool calls run concurrently inside the same poll loop (a `FuturesUnordered`), as
//! soon as the model has made them. Dropping the result drops the provider's stream, which cancels
//! the request.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use futures::stream::{FuturesUnordered, Stream, StreamExt};
use tokio::time::{Instant, Sleep};
use tokio_util::sync::WaitForCancellationFutureOwned;

use crate::call_settings::{CallSettings, call_settings_methods};
use crate::error::{Error, Result, TimeoutKind};
use crate::generate_text::{
    GenerateTextResult, OutputSpec, TextOutput, PreparedStep, TextRequest, parse_output,
    prepare_step, provider_tool_result, response_format_of, text_request_methods, tool_call_input,
};
use crate::into_model::IntoModel;
use crate::output::{ArrayOutput, ElementCursor};
use crate::prompt::{StandardizedPrompt, download_unsupported_urls};
use crate::provider::{
    BlockId, CallOptions, FinishReason, GeneratedFile, LanguageModel, Message, PartStream, ProviderMetadata, RequestMetadata,
    ResponseFormat, ResponseMetadata, Source, StreamPart, StreamResponse, Usage, Warning,
};
use crate::retry::retry_with_backoff;
use crate::step::{ParsedToolCall, StepContent, StepResult, ToolCallError, ToolCallResult, response_messages};
use crate::stop_condition::is_stop_condition_met;
use crate::tool::{ToolSet, execute_tool_call, invalid_tool_call, parse_or_repair_tool_call, parse_tool_call};

/// One event of a `stream_text` generation: the provider's stream vocabulary, plus step
/// boundaries, the application's tool results and errors, and the overall finish.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TextStreamPart {
    /// A step (model call) starts.
    StartStep {
        /// The step's number, from 0.
        step_number: usize,
        /// What was sent.
        request: RequestMetadata,
        /// Options the model could not honour.
        warnings: Vec<Warning>,
    },
    /// A text block starts.
    TextStart {
        /// Block id.
        id: BlockId,
        /// Provider metadata.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// More text.
    TextDelta {
        /// Block id.
        id: BlockId,
        /// The new text.
        delta: String,
    },
    /// A text block ends.
    TextEnd {
        /// Block id.
        id: BlockId,
        /// Provider metadata.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A reasoning block starts.
    ReasoningStart {
        /// Block id.
        id: BlockId,
        /// Provider metadata.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// More reasoning text.
    ReasoningDelta {
        /// Block id.
        id: BlockId,
        /// The new text.
        delta: String,
    },
    /// A reasoning block ends.
    ReasoningEnd {
        /// Block id.
        id: BlockId,
        /// Provider metadata.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A tool call's input starts streaming.
    ToolInputStart {
        /// Block id, equal to the tool call id.
        id: BlockId,
        /// The tool's name.
        tool_name: String,
        /// Whether the provider executes the tool.
        provider_executed: bool,
    },
    /// A fragment of a tool call's JSON input.
    ToolInputDelta {
        /// Block id, equal to the tool call id.
        id: BlockId,
        /// The fragment.
        delta: String,
    },
    /// A tool call's input is complete.
    ToolInputEnd {
        /// Block id, equal to the tool call id.
        id: BlockId,
    },
    /// A complete tool call.
    ToolCall(Box<ParsedToolCall>),
    /// A tool's result.
    ToolResult(Box<ToolCallResult>),
    /// A tool's failure (also for unknown tools and invalid input).
    ToolError(Box<ToolCallError>),
    /// A generated file.
    File(Box<GeneratedFile>),
    /// A cited source.
    Source(Box<Source>),
    /// A step ends (after its tools ran).
    FinishStep(Box<StepFinish>),
    /// The generation ends.
    Finish(Box<GenerationFinish>),
    /// A provider chunk as received, when raw chunks were asked for.
    Raw {
        /// The chunk.
        raw_value: serde_json::Value,
    },
}

/// The end of a step, as [`TextStreamPart::FinishStep`] reports it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StepFinish {
    /// The step's number.
    pub step_number: usize,
    /// Why the model stopped.
    pub finish_reason: FinishReason,
    /// The provider's own finish reason.
    pub raw_finish_reason: Option<String>,
    /// The step's token usage.
    pub usage: Usage,
    /// The step's response metadata.
    pub response: ResponseMetadata,
    /// Provider metadata of the step.
    pub provider_metadata: Option<ProviderMetadata>,
}

/// The end of a generation, as [`TextStreamPart::Finish`] reports it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GenerationFinish {
    /// Why the final step stopped.
    pub finish_reason: FinishReason,
    /// The provider's own finish reason of the final step.
    pub raw_finish_reason: Option<String>,
    /// Token usage summed over all steps.
    pub total_usage: Usage,
}

/// Streams text, running tools in a multi-step loop. Configure the returned builder, then call
/// [`start`](StreamText::start), which returns at once; the request is made when the result is
/// first polled.
///
/// ```
/// # async fn example() -> specai::Result<()> {
/// # let model = specai::test_util::MockLanguageModel::new().with_stream(specai::test_util::MockStream::text(["Hel", "lo"]));
/// use futures::StreamExt;
///
/// let mut result = specai::stream_text(model).prompt("Say hello").start();
/// let mut deltas = result.text_stream();
/// while let Some(delta) = deltas.next().await {
///     print!("{}", delta?);
/// }
/// println!("\n{:?} tokens", result.total_usage().await?.total_tokens());
/// # Ok(()) }
/// ```
pub fn stream_text(model: impl IntoModel<dyn LanguageModel>) -> StreamText {
    StreamText {
        request: TextRequest::new(model.into_model()),
        settings: CallSettings::default(),
        output: TextOutput,
        error: None,
    }
}

/// The builder of a `stream_text` call; [`start`](StreamText::start) returns the result.
#[must_use = "a stream does nothing until started and polled"]
pub struct StreamText<O: OutputSpec = TextOutput> {
    request: TextRequest,
    settings: CallSettings,
    output: O,
    error: Option<Error>,
}

impl<O: OutputSpec> StreamText<O> {
    text_request_methods!();
    call_settings_methods!();

    /// Asks for structured output: partial values stream from
    /// [`partial_output_stream`](StreamTextResult::partial_output_stream), and
    /// [`output`](StreamTextResult::output) parses the final text.
    pub fn output<Next: OutputSpec>(self, output: Next) -> StreamText<Next> {
        StreamText { request: self.request, settings: self.settings, output, error: self.error }
    }

    /// Returns the result at once; nothing is sent until it is polled.
    pub fn start(self) -> StreamTextResult<O> {
        let response_format = response_format_of(&self.output);
        StreamTextResult {
            cancelled: self.settings.cancellation_token.clone().map(|token| Box::pin(token.cancelled_owned())),
            request: self.request,
            settings: self.settings,
            output: Box::new(self.output),
            response_format,
            builder_error: self.error,
            system: None,
            conversation: Vec::new(),
            phase: Phase::NotStarted,
            recorder: StepRecorder::default(),
            steps: Vec::new(),
            total_usage: Usage::default(),
            pending: VecDeque::new(),
            running_tools: FuturesUnordered::new(),
            error: None,
            total_deadline: None,
            step_deadline: None,
            chunk_deadline: None,
            started: false,
            conversation_moved: (false, false),
        }
    }
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
    /// An execution ended (result or error).
    Executed(StepContent),
    /// A call went through the repair hook.
    Repaired(ParsedToolCall, Option<ToolCallError>),
}

/// The current step, recorded as its parts pass by.
#[derive(Default)]
struct StepRecorder {
    content: Vec<StepContent>,
    /// The open text block: its id and index in `content`.
    open_text: Option<(BlockId, usize)>,
    /// The open reasoning block.
    open_reasoning: Option<(BlockId, usize)>,
    announced: bool,
    warnings: Vec<Warning>,
    request: RequestMetadata,
    response: ResponseMetadata,
    finish_reason: FinishReason,
    raw_finish_reason: Option<String>,
    usage: Usage,
    provider_metadata: Option<ProviderMetadata>,
    active_tools: Option<Vec<String>>,
    /// The conversation as tools see it, built once and only if a tool runs.
    messages: Option<Arc<[Message]>>,
}

impl StepRecorder {
    /// The content index of the text block `id`, opening one when the provider sent no start.
    fn text_index(&mut self, id: &BlockId) -> usize {
        match &self.open_text {
            Some((open, index)) if Arc::ptr_eq(open, id) || open == id => *index,
            _ => self.open(id.clone(), true),
        }
    }

    fn reasoning_index(&mut self, id: &BlockId) -> usize {
        match &self.open_reasoning {
            Some((open, index)) if Arc::ptr_eq(open, id) || open == id => *index,
            _ => self.open(id.clone(), false),
        }
    }

    fn open(&mut self, id: BlockId, text: bool) -> usize {
        let index = self.content.len();
        if text {
            self.content.push(StepContent::Text { text: String::new(), provider_metadata: None });
            self.open_text = Some((id, index));
        } else {
            self.content.push(StepContent::Reasoning { text: String::new(), provider_metadata: None });
            self.open_reasoning = Some((id, index));
        }
        index
    }

    fn push_text(&mut self, index: usize, delta: &str) {
        if let Some(StepContent::Text { text, .. } | StepContent::Reasoning { text, .. }) = self.content.get_mut(index) {
            text.push_str(delta);
        }
    }

    /// Merges metadata into a block's, provider by provider (later keys win).
    fn set_metadata(&mut self, index: usize, metadata: Option<ProviderMetadata>) {
        let Some(metadata) = metadata else { return };
        if let Some(StepContent::Text { provider_metadata, .. } | StepContent::Reasoning { provider_metadata, .. }) =
            self.content.get_mut(index)
        {
            match provider_metadata {
                None => *provider_metadata = Some(metadata),
                Some(existing) => metadata.0.into_iter().for_each(|(provider, value)| existing.merge(&provider, value)),
            }
        }
    }
}

/// A `stream_text` generation in progress. Read it through [`text_stream`](Self::text_stream),
/// [`full_stream`](Self::full_stream) (or the result itself, which is the full stream) or
/// [`partial_output_stream`](Self::partial_output_stream); await the final values at any time:
/// they drive whatever is left of the stream. Dropping it cancels the request.
#[must_use = "a stream does nothing until polled"]
pub struct StreamTextResult<O: OutputSpec = TextOutput> {
    request: TextRequest,
    settings: CallSettings,
    output: Box<O>,
    response_format: Option<ResponseFormat>,
    builder_error: Option<Error>,
    system: Option<String>,
    conversation: Vec<Message>,
    phase: Phase,
    recorder: StepRecorder,
    steps: Vec<StepResult>,
    total_usage: Usage,
    pending: VecDeque<TextStreamPart>,
    running_tools: FuturesUnordered<BoxFuture<'static, ToolTask>>,
    error: Option<Error>,
    cancelled: Option<Pin<Box<WaitForCancellationFutureOwned>>>,
    total_deadline: Option<Pin<Box<Sleep>>>,
    step_deadline: Option<Pin<Box<Sleep>>>,
    chunk_deadline: Option<(Pin<Box<Sleep>>, TimeoutKind, Duration)>,
    started: bool,
    /// Whether the conversation travels in the current call's options, and behind a system message.
    conversation_moved: (bool, bool),
}

/// What polling the current phase produced, handled once the phase is no longer borrowed.
enum Event {
    Part(Result<StreamPart>),
    StreamEnded,
    /// Once per step; boxed so that the per-part events stay small.
    Connected(Box<(Result<StreamResponse>, CallOptions)>),
    Tool(ToolTask),
    ToolsDone,
}

impl<O: OutputSpec> StreamTextResult<O> {
    /// Polls for the next part of the full stream; the heart of the state machine.
    fn poll_part(&mut self, context: &mut Context<'_>) -> Poll<Option<Result<TextStreamPart>>> {
        loop {
            if let Some(part) = self.pending.pop_front() {
                return Poll::Ready(Some(Ok(part)));
            }
            if let Phase::Done = self.phase {
                return Poll::Ready(None);
            }
            if let Some(error) = self.poll_guards(context) {
                return Poll::Ready(Some(Err(self.fail(error))));
            }
            let event = match &mut self.phase {
                Phase::Done => return Poll::Ready(None),
                Phase::NotStarted => {
                    if let Err(error) = self.start_step() {
                        return Poll::Ready(Some(Err(self.fail(error))));
                    }
                    continue;
                }
                Phase::Connecting(connecting) => match connecting.as_mut().poll(context) {
                    Poll::Pending => return self.poll_chunk_deadline(context),
                    Poll::Ready(connected) => Event::Connected(Box::new(connected)),
                },
                Phase::Streaming(stream) => {
                    let tool = if self.running_tools.is_empty() {
                        Poll::Pending
                    } else {
                        self.running_tools.poll_next_unpin(context)
                    };
                    match tool {
                        Poll::Ready(Some(task)) => Event::Tool(task),
                        _ => match stream.poll_next_unpin(context) {
                            Poll::Pending => return self.poll_chunk_deadline(context),
                            // The hot path: a text delta goes straight to the caller, appended
                            // once to the step's text on the way.
                            Poll::Ready(Some(Ok(StreamPart::TextDelta { id, delta })))
                                if self.recorder.announced && self.chunk_deadline.is_none() =>
                            {
                                let index = self.recorder.text_index(&id);
                                self.recorder.push_text(index, &delta);
                                return Poll::Ready(Some(Ok(TextStreamPart::TextDelta { id, delta })));
                            }
                            Poll::Ready(Some(part)) => Event::Part(part),
                            Poll::Ready(None) => Event::StreamEnded,
                        },
                    }
                }
                Phase::AwaitingTools => match self.running_tools.poll_next_unpin(context) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Some(task)) => Event::Tool(task),
                    Poll::Ready(None) => Event::ToolsDone,
                },
            };
            match event {
                Event::Part(Ok(part)) => {
                    self.rearm_chunk_deadline();
                    if let Some(part) = self.handle_part(part) {
                        return Poll::Ready(Some(Ok(part)));
                    }
                }
                Event::Part(Err(error)) => return Poll::Ready(Some(Err(self.fail(error)))),
                Event::StreamEnded => {
                    self.chunk_deadline = None;
                    self.step_deadline = None;
                    self.close_open_blocks();
                    self.phase = Phase::AwaitingTools;
                }
                Event::Connected(connected) => match *connected {
                    (Ok(response), options) => self.connected(response, options),
                    (Err(error), options) => {
                        self.restore_conversation(options);
                        return Poll::Ready(Some(Err(self.fail(error))));
                    }
                },
                Event::Tool(task) => {
                    if let Some(part) = self.handle_tool_task(task) {
                        return Poll::Ready(Some(Ok(part)));
                    }
                }
                Event::ToolsDone => self.finish_step(),
            }
        }
    }

    /// Checks cancellation and the total and step deadlines (only those configured).
    fn poll_guards(&mut self, context: &mut Context<'_>) -> Option<Error> {
        if let Some(cancelled) = &mut self.cancelled
            && cancelled.as_mut().poll(context).is_ready()
        {
            return Some(Error::Cancelled);
        }
        if let Some(deadline) = &mut self.total_deadline
            && deadline.as_mut().poll(context).is_ready()
        {
            let duration = self.settings.timeouts.total.unwrap_or_default();
            return Some(Error::Timeout { kind: TimeoutKind::Total, duration });
        }
        if let Some(deadline) = &mut self.step_deadline
            && deadline.as_mut().poll(context).is_ready()
        {
            let duration = self.settings.timeouts.step.unwrap_or_default();
            return Some(Error::Timeout { kind: TimeoutKind::Step, duration });
        }
        None
    }

    /// Returns `Pending`, or the chunk timeout's error when it has passed.
    fn poll_chunk_deadline(&mut self, context: &mut Context<'_>) -> Poll<Option<Result<TextStreamPart>>> {
        if let Some((deadline, kind, duration)) = &mut self.chunk_deadline
            && deadline.as_mut().poll(context).is_ready()
        {
            let error = Error::Timeout { kind: *kind, duration: *duration };
            return Poll::Ready(Some(Err(self.fail(error))));
        }
        Poll::Pending
    }

    fn rearm_chunk_deadline(&mut self) {
        match (self.settings.timeouts.between_chunks, &mut self.chunk_deadline) {
            (None, None) => {}
            (None, Some(_)) => self.chunk_deadline = None,
            (Some(duration), Some((deadline, kind, configured))) => {
                deadline.as_mut().reset(Instant::now() + duration);
                *kind = TimeoutKind::BetweenChunks;
                *configured = duration;
            }
            (Some(duration), None) => {
                self.chunk_deadline =
                    Some((Box::pin(tokio::time::sleep(duration)), TimeoutKind::BetweenChunks, duration))
            }
        }
    }

    /// Ends the generation with an error: the provider stream and tools are dropped.
    fn fail(&mut self, error: Error) -> Error {
        self.phase = Phase::Done;
        self.running_tools = FuturesUnordered::new();
        self.pending.clear();
        self.chunk_deadline = None;
        self.step_deadline = None;
        self.total_deadline = None;
        self.cancelled = None;
        self.error = Some(error.clone());
        error
    }

    /// Prepares the next step and starts its model call.
    fn start_step(&mut self) -> Result<()> {
        if !self.started {
            self.started = true;
            if let Some(error) = self.builder_error.take() {
                return Err(error);
            }
            self.settings.validate()?;
            let StandardizedPrompt { system, messages } = std::mem::take(&mut self.request.prompt).standardize()?;
            self.system = system;
            self.conversation = messages;
            if let Some(total) = self.settings.timeouts.total {
                self.total_deadline = Some(Box::pin(tokio::time::sleep(total)));
            }
        }
        let mut prepared: PreparedStep = prepare_step(
            &self.request,
            &self.settings,
            &self.system,
            &mut self.conversation,
            &self.steps,
            &self.response_format,
        );
        self.recorder = StepRecorder { active_tools: prepared.active_tools.take(), ..Default::default() };
        if let Some(step) = self.settings.timeouts.step {
            self.step_deadline = Some(Box::pin(tokio::time::sleep(step)));
        }
        self.chunk_deadline = self
            .settings
            .timeouts
            .first_chunk
            .map(|duration| (Box::pin(tokio::time::sleep(duration)), TimeoutKind::FirstChunk, duration));
        let model = prepared.model.clone();
        let retry = self.settings.retry;
        let mut options = std::mem::take(&mut prepared.options);
        // The conversation was moved into the options; it comes back with them.
        self.recorder.announced = false;
        self.conversation_moved = (prepared.conversation_moved, prepared.has_system);
        self.phase = Phase::Connecting(Box::pin(async move {
            let supported_urls = model.supported_urls();
            if let Err(error) = download_unsupported_urls(&mut options.prompt, &supported_urls).await {
                return (Err(error), options);
            }
            let response = retry_with_backoff(&retry, || model.do_stream(&options)).await;
            (response, options)
        }));
        Ok(())
    }

    /// Takes the conversation back from a finished call's options.
    fn restore_conversation(&mut self, mut options: CallOptions) {
        let (moved, has_system) = self.conversation_moved;
        if moved {
            let mut prompt = std::mem::take(&mut options.prompt);
            if has_system {
                prompt.remove(0);
            }
            self.conversation = prompt;
        }
        self.conversation_moved = (false, false);
    }

    fn connected(&mut self, response: StreamResponse, options: CallOptions) {
        self.restore_conversation(options);
        self.recorder.request = response.request;
        self.recorder.response = response.response;
        self.phase = Phase::Streaming(response.stream);
    }

    /// The step's start part, sent before its first part.
    fn start_step_part(&mut self) -> TextStreamPart {
        self.recorder.announced = true;
        TextStreamPart::StartStep {
            step_number: self.steps.len(),
            request: self.recorder.request.clone(),
            warnings: self.recorder.warnings.clone(),
        }
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
        let recorder = &mut self.recorder;
        match part {
            StreamPart::TextDelta { id, delta } => {
                let index = recorder.text_index(&id);
                recorder.push_text(index, &delta);
                Some(TextStreamPart::TextDelta { id, delta })
            }
            StreamPart::StreamStart { warnings } => {
                recorder.warnings = warnings;
                Some(self.start_step_part())
            }
            StreamPart::ResponseMetadata(metadata) => {
                let response = &mut recorder.response;
                response.id = metadata.id.or(response.id.take());
                response.model_id = metadata.model_id.or(response.model_id.take());
                response.timestamp = metadata.timestamp.or(response.timestamp);
                None
            }
            StreamPart::TextStart { id, provider_metadata } => {
                let index = recorder.open(id.clone(), true);
                recorder.set_metadata(index, provider_metadata.clone());
                Some(TextStreamPart::TextStart { id, provider_metadata })
            }
            StreamPart::TextEnd { id, provider_metadata } => {
                let index = recorder.text_index(&id);
                recorder.set_metadata(index, provider_metadata.clone());
                recorder.open_text = None;
                Some(TextStreamPart::TextEnd { id, provider_metadata })
            }
            StreamPart::ReasoningStart { id, provider_metadata } => {
                let index = recorder.open(id.clone(), false);
                recorder.set_metadata(index, provider_metadata.clone());
                Some(TextStreamPart::ReasoningStart { id, provider_metadata })
            }
            StreamPart::ReasoningDelta { id, delta, provider_metadata } => {
                let index = recorder.reasoning_index(&id);
                recorder.push_text(index, &delta);
                recorder.set_metadata(index, provider_metadata);
                Some(TextStreamPart::ReasoningDelta { id, delta })
            }
            StreamPart::ReasoningEnd { id, provider_metadata } => {
                let index = recorder.reasoning_index(&id);
                recorder.set_metadata(index, provider_metadata.clone());
                recorder.open_reasoning = None;
                Some(TextStreamPart::ReasoningEnd { id, provider_metadata })
            }
            StreamPart::ToolInputStart { id, tool_name, provider_executed, .. } => {
                Some(TextStreamPart::ToolInputStart { id, tool_name, provider_executed })
            }
            StreamPart::ToolInputDelta { id, delta } => Some(TextStreamPart::ToolInputDelta { id, delta }),
            StreamPart::ToolInputEnd { id, .. } => Some(TextStreamPart::ToolInputEnd { id }),
            StreamPart::ToolCall(call) => {
                let active_tools = recorder.active_tools.as_deref();
                match parse_tool_call(&call, &self.request.tools, active_tools) {
                    Ok(parsed) => {
                        self.start_tool(&parsed);
                        self.recorder.content.push(StepContent::ToolCall(parsed.clone()));
                        Some(TextStreamPart::ToolCall(Box::new(parsed)))
                    }
                    Err(error) => match &self.request.repair_tool_call {
                        // The repair hook is async: it runs beside the tools, and the call is
                        // announced once repaired.
                        Some(repair) => {
                            let repair = repair.clone();
                            let tools: ToolSet = self.request.tools.clone();
                            let active_tools = self.recorder.active_tools.clone();
                            let messages = self.conversation.clone();
                            self.running_tools.push(Box::pin(async move {
                                let (parsed, failure) = parse_or_repair_tool_call(
                                    call,
                                    &tools,
                                    active_tools.as_deref(),
                                    Some(&repair),
                                    || messages,
                                )
                                .await;
                                ToolTask::Repaired(parsed, failure)
                            }));
                            None
                        }
                        None => {
                            let (parsed, failure) = invalid_tool_call(&call, error);
                            Some(self.record_invalid_call(parsed, failure))
                        }
                    },
                }
            }
            StreamPart::ToolResult(result) => {
                let input = tool_call_input(&recorder.content, &result.tool_call_id);
                let content = provider_tool_result(result, input);
                let part = content_part(&content);
                recorder.content.push(content);
                part
            }
            StreamPart::File(file) => {
                recorder.content.push(StepContent::File(file.clone()));
                Some(TextStreamPart::File(Box::new(file)))
            }
            StreamPart::Source(source) => {
                recorder.content.push(StepContent::Source(source.clone()));
                Some(TextStreamPart::Source(Box::new(source)))
            }
            StreamPart::Finish { usage, finish_reason, raw_finish_reason, provider_metadata } => {
                recorder.usage = usage;
                recorder.finish_reason = finish_reason;
                recorder.raw_finish_reason = raw_finish_reason;
                recorder.provider_metadata = provider_metadata;
                None
            }
            StreamPart::Raw { raw_value } => Some(TextStreamPart::Raw { raw_value }),
        }
    }

    /// Records an invalid call and its error; returns the call part and queues the error part.
    fn record_invalid_call(&mut self, parsed: ParsedToolCall, failure: ToolCallError) -> TextStreamPart {
        self.recorder.content.push(StepContent::ToolCall(parsed.clone()));
        self.recorder.content.push(StepContent::ToolError(failure.clone()));
        self.pending.push_back(TextStreamPart::ToolError(Box::new(failure)));
        TextStreamPart::ToolCall(Box::new(parsed))
    }

    /// Starts executing a call whose tool has an execute function.
    fn start_tool(&mut self, parsed: &ParsedToolCall) {
        let shared_messages = &mut self.recorder.messages;
        let conversation = &self.conversation;
        let running = execute_tool_call(
            &self.request.tools,
            parsed,
            self.settings.timeouts.tool,
            self.settings.cancellation_token.as_ref(),
            || shared_messages.get_or_insert_with(|| Arc::from(conversation.as_slice())).clone(),
        );
        if let Some(running) = running {
            self.running_tools.push(Box::pin(async move { ToolTask::Executed(running.await) }));
        }
    }

    fn handle_tool_task(&mut self, task: ToolTask) -> Option<TextStreamPart> {
        match task {
            ToolTask::Executed(content) => {
                let part = content_part(&content);
                self.recorder.content.push(content);
                part
            }
            ToolTask::Repaired(parsed, Some(failure)) => Some(self.record_invalid_call(parsed, failure)),
            ToolTask::Repaired(parsed, None) => {
                self.start_tool(&parsed);
                self.recorder.content.push(StepContent::ToolCall(parsed.clone()));
                Some(TextStreamPart::ToolCall(Box::new(parsed)))
            }
        }
    }

    fn close_open_blocks(&mut self) {
        self.recorder.open_text = None;
        self.recorder.open_reasoning = None;
    }

    /// Ends the step: records it, emits its finish, and starts the next step or finishes.
    fn finish_step(&mut self) {
        self.step_deadline = None;
        let recorder = std::mem::take(&mut self.recorder);
        let response_messages = response_messages(&recorder.content);
        let step = StepResult {
            step_number: self.steps.len(),
            content: recorder.content,
            finish_reason: recorder.finish_reason,
            raw_finish_reason: recorder.raw_finish_reason,
            usage: recorder.usage,
            warnings: recorder.warnings,
            request: recorder.request,
            response: recorder.response,
            response_messages,
            provider_metadata: recorder.provider_metadata,
        };
        self.total_usage += &step.usage;
        if let Some(callback) = &self.request.on_step_finish {
            callback(&step);
        }
        if !recorder.announced {
            let start = TextStreamPart::StartStep {
                step_number: step.step_number,
                request: step.request.clone(),
                warnings: step.warnings.clone(),
            };
            self.pending.push_back(start);
        }
        self.pending.push_back(TextStreamPart::FinishStep(Box::new(StepFinish {
            step_number: step.step_number,
            finish_reason: step.finish_reason,
            raw_finish_reason: step.raw_finish_reason.clone(),
            usage: step.usage.clone(),
            response: step.response.clone(),
            provider_metadata: step.provider_metadata.clone(),
        })));
        let go_on = step.all_client_tool_calls_answered();
        if go_on {
            self.conversation.extend(step.response_messages.iter().cloned());
        }
        self.steps.push(step);
        if go_on && !is_stop_condition_met(&self.request.stop_conditions, &self.steps) {
            self.phase = Phase::NotStarted;
            return;
        }
        let last = self.steps.last().expect("a step just finished");
        self.pending.push_back(TextStreamPart::Finish(Box::new(GenerationFinish {
            finish_reason: last.finish_reason,
            raw_finish_reason: last.raw_finish_reason.clone(),
            total_usage: self.total_usage.clone(),
        })));
        self.phase = Phase::Done;
        self.total_deadline = None;
        self.cancelled = None;
        if let Some(callback) = &self.request.on_finish {
            callback(&self.steps, &self.total_usage);
        }
    }

    /// Drives the stream to its end (if no one did), then reports how it ended.
    async fn drive(&mut self) -> Result<()> {
        while let Some(part) = poll_fn(|context| self.poll_part(context)).await {
            part?;
        }
        match &self.error {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }

    fn last_step(&self) -> Result<&StepResult> {
        self.steps.last().ok_or_else(|| Error::invalid_argument("stream", "the stream ended without a step"))
    }

    /// The text deltas of all steps. Yields an error and ends if the generation fails.
    pub fn text_stream(&mut self) -> TextStream<'_, O> {
        TextStream { result: self }
    }

    /// Every part: step boundaries, text, reasoning, tool calls, results and errors, finish.
    pub fn full_stream(&mut self) -> FullStream<'_, O> {
        FullStream { result: self }
    }

    /// Partial structured outputs as the text grows (each new parseable prefix of a step's text).
    pub fn partial_output_stream(&mut self) -> PartialOutputStream<'_, O> {
        PartialOutputStream { result: self, text: String::new(), previous: None }
    }

    /// Drives the generation to its end without reading it (the final values stay available).
    pub async fn consume(&mut self) -> Result<()> {
        self.drive().await
    }

    /// Waits for the end and returns the steps.
    pub async fn steps(&mut self) -> Result<&[StepResult]> {
        self.drive().await?;
        Ok(&self.steps)
    }

    /// The final step's text.
    pub async fn text(&mut self) -> Result<String> {
        self.drive().await?;
        Ok(self.last_step()?.text())
    }

    /// The final step's content.
    pub async fn content(&mut self) -> Result<&[StepContent]> {
        self.drive().await?;
        Ok(&self.last_step()?.content)
    }

    /// The final step's reasoning text, when it reasoned.
    pub async fn reasoning_text(&mut self) -> Result<Option<String>> {
        self.drive().await?;
        Ok(self.last_step()?.reasoning_text())
    }

    /// The final step's tool calls.
    pub async fn tool_calls(&mut self) -> Result<Vec<&ParsedToolCall>> {
        self.drive().await?;
        Ok(self.last_step()?.tool_calls().collect())
    }

    /// The final step's tool results.
    pub async fn tool_results(&mut self) -> Result<Vec<&ToolCallResult>> {
        self.drive().await?;
        Ok(self.last_step()?.tool_results().collect())
    }

    /// The sources cited in all steps.
    pub async fn sources(&mut self) -> Result<Vec<&Source>> {
        self.drive().await?;
        Ok(self.steps.iter().flat_map(StepResult::sources).collect())
    }

    /// Why the final step stopped.
    pub async fn finish_reason(&mut self) -> Result<FinishReason> {
        self.drive().await?;
        Ok(self.last_step()?.finish_reason)
    }

    /// The final step's usage.
    pub async fn usage(&mut self) -> Result<Usage> {
        self.drive().await?;
        Ok(self.last_step()?.usage.clone())
    }

    /// Token usage summed over all steps.
    pub async fn total_usage(&mut self) -> Result<Usage> {
        self.drive().await?;
        Ok(self.total_usage.clone())
    }

    /// The warnings of all steps.
    pub async fn warnings(&mut self) -> Result<Vec<Warning>> {
        self.drive().await?;
        Ok(self.steps.iter().flat_map(|step| step.warnings.iter().cloned()).collect())
    }

    /// The final step's response metadata.
    pub async fn response(&mut self) -> Result<&ResponseMetadata> {
        self.drive().await?;
        Ok(&self.last_step()?.response)
    }

    /// The messages all steps added, to append to the conversation for the next turn.
    pub async fn response_messages(&mut self) -> Result<Vec<Message>> {
        self.drive().await?;
        Ok(self.steps.iter().flat_map(|step| step.response_messages.iter().cloned()).collect())
    }

    /// The final text parsed by the output spec; [`Error::NoObjectGenerated`] when it does not parse.
    pub async fn output(&mut self) -> Result<O::Complete> {
        self.drive().await?;
        parse_output(self.output.as_ref(), self.last_step()?, &self.total_usage)
    }

    /// Waits for the end and returns everything as a [`GenerateTextResult`].
    pub async fn into_result(mut self) -> Result<GenerateTextResult<O::Complete>> {
        self.drive().await?;
        let output = parse_output(self.output.as_ref(), self.last_step()?, &self.total_usage)?;
        Ok(GenerateTextResult::new(std::mem::take(&mut self.steps), self.total_usage.clone(), output))
    }
}

/// The part announcing a tool result or error recorded as step content.
fn content_part(content: &StepContent) -> Option<TextStreamPart> {
    match content {
        StepContent::ToolResult(result) => Some(TextStreamPart::ToolResult(Box::new(result.clone()))),
        StepContent::ToolError(error) => Some(TextStreamPart::ToolError(Box::new(error.clone()))),
        _ => None,
    }
}

/// The full stream is the result itself.
impl<O: OutputSpec> Stream for StreamTextResult<O> {
    type Item = Result<TextStreamPart>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_part(context)
    }
}

/// The text deltas of a [`StreamTextResult`].
#[must_use = "streams do nothing unless polled"]
pub struct TextStream<'a, O: OutputSpec> {
    result: &'a mut StreamTextResult<O>,
}

impl<O: OutputSpec> Stream for TextStream<'_, O> {
    type Item = Result<String>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let result = &mut *self.get_mut().result;
        loop {
            match result.poll_part(context) {
                Poll::Ready(Some(Ok(TextStreamPart::TextDelta { delta, .. }))) => return Poll::Ready(Some(Ok(delta))),
                Poll::Ready(Some(Ok(_))) => continue,
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<T> StreamTextResult<ArrayOutput<T>>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    /// Each element of the array, once, as soon as it is complete.
    pub fn element_stream(&mut self) -> ElementStream<'_, T> {
        ElementStream { partials: self.partial_output_stream(), cursor: ElementCursor::new(), ready: VecDeque::new(), ended: false }
    }
}

/// The completed elements of an array output, from [`StreamTextResult::element_stream`].
#[must_use = "streams do nothing unless polled"]
pub struct ElementStream<'a, T>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    partials: PartialOutputStream<'a, ArrayOutput<T>>,
    cursor: ElementCursor,
    ready: VecDeque<T>,
    ended: bool,
}

// Nothing in it is ever pinned in place.
impl<T> Unpin for ElementStream<'_, T> where T: DeserializeOwned + Clone + Send + Sync + 'static {}

impl<T> Stream for ElementStream<'_, T>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(element) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(element)));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match this.partials.poll_next_unpin(context) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(error))) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(Some(Ok(elements))) => this.ready.extend(this.cursor.next_elements(&elements).iter().cloned()),
                Poll::Ready(None) => {
                    // The last element is complete only once the whole array is.
                    this.ended = true;
                    let result = &mut *this.partials.result;
                    if result.error.is_none() {
                        let last = result.last_step().and_then(|step| {
                            parse_output(result.output.as_ref(), step, &result.total_usage)
                        });
                        match last {
                            Ok(elements) => this.ready.extend(this.cursor.next_elements(&elements).iter().cloned()),
                            Err(error) => return Poll::Ready(Some(Err(error))),
                        }
                    }
                }
            }
        }
    }
}

/// All parts of a [`StreamTextResult`].
#[must_use = "streams do nothing unless polled"]
pub struct FullStream<'a, O: OutputSpec> {
    result: &'a mut StreamTextResult<O>,
}

impl<O: OutputSpec> Stream for FullStream<'_, O> {
    type Item = Result<TextStreamPart>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().result.poll_part(context)
    }
}

/// Partial structured outputs of a [`StreamTextResult`].
#[must_use = "streams do nothing unless polled"]
pub struct PartialOutputStream<'a, O: OutputSpec> {
    result: &'a mut StreamTextResult<O>,
    text: String,
    previous: Option<O::Partial>,
}

// Nothing in it is ever pinned in place.
impl<O: OutputSpec> Unpin for PartialOutputStream<'_, O> {}

impl<O: OutputSpec> Stream for PartialOutputStream<'_, O> {
    type Item = Result<O::Partial>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match this.result.poll_part(context) {
                Poll::Ready(Some(Ok(TextStreamPart::TextDelta { delta, .. }))) => {
                    this.text.push_str(&delta);
                    let output = &this.result.output;
                    if let Some(partial) = output.parse_partial(&this.text)
                        && output.is_new_partial(this.previous.as_ref(), &partial)
                    {
                        this.previous = Some(partial.clone());
                        return Poll::Ready(Some(Ok(partial)));
                    }
                }
                Poll::Ready(Some(Ok(TextStreamPart::StartStep { .. }))) => {
                    this.text.clear();
                    this.previous = None;
                }
                Poll::Ready(Some(Ok(_))) => continue,
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use futures::StreamExt;
    use http::{HeaderMap, HeaderValue};
    use serde::Deserialize;
    use serde_json::{Value, json};
    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::error::ApiCallError;
    use crate::output::Output;
    use crate::provider::{ToolCall, ToolResultOutput};
    use crate::stop_condition::step_count_is;
    use crate::test_util::{MockLanguageModel, MockStream};
    use crate::tool::{Tool, ToolError};

    #[derive(Debug, Deserialize, schemars::JsonSchema)]
    struct CityInput {
        city: String,
    }

    #[test]
    fn results_and_their_futures_can_move_to_other_tasks() {
        fn assert_send<T: Send>(_: &T) {}
        let model = MockLanguageModel::new();
        let mut result = stream_text(model).prompt("hi").start();
        assert_send(&result.text());
        assert_send(&result.text_stream());
        assert_send(&result);
    }

    #[test]
    fn parts_stay_small() {
        // Every event is moved through the poll chain: rare, large parts are boxed.
        assert!(std::mem::size_of::<TextStreamPart>() <= 64, "{}", std::mem::size_of::<TextStreamPart>());
    }

    #[tokio::test]
    async fn text_stream_and_final_values_agree() {
        let model = MockLanguageModel::new().with_stream(MockStream::text(["Hel", "lo", ", world"]));
        let mut result = stream_text(model.clone()).system("s").prompt("hi").start();
        assert_eq!(model.call_count(), 0, "nothing is sent before the first poll");
        let deltas: Vec<String> = result.text_stream().map(Result::unwrap).collect().await;
        assert_eq!(deltas, ["Hel", "lo", ", world"]);
        assert_eq!(result.text().await.unwrap(), deltas.concat());
        assert_eq!(result.finish_reason().await.unwrap(), FinishReason::Stop);
        assert_eq!(result.usage().await.unwrap().output_tokens.total, Some(5));
        assert_eq!(result.total_usage().await.unwrap().total_tokens(), Some(15));
        assert_eq!(result.steps().await.unwrap().len(), 1);
        assert_eq!(result.response_messages().await.unwrap(), vec![Message::assistant("Hello, world")]);
        assert_eq!(model.calls()[0].prompt, vec![Message::system("s"), Message::user("hi")]);
        assert_eq!(model.streams_finished(), 1);
    }

    #[tokio::test]
    async fn full_stream_frames_steps() {
        let model = MockLanguageModel::new().with_stream(MockStream::text(["a", "b"]));
        let parts: Vec<TextStreamPart> = stream_text(model).prompt("hi").start().map(Result::unwrap).collect().await;
        let names: Vec<&str> = parts
            .iter()
            .map(|part| match part {
                TextStreamPart::StartStep { .. } => "start-step",
                TextStreamPart::TextStart { .. } => "text-start",
                TextStreamPart::TextDelta { .. } => "text-delta",
                TextStreamPart::TextEnd { .. } => "text-end",
                TextStreamPart::FinishStep(_) => "finish-step",
                TextStreamPart::Finish(_) => "finish",
                _ => "other",
            })
            .collect();
        assert_eq!(names, ["start-step", "text-start", "text-delta", "text-delta", "text-end", "finish-step", "finish"]);
        assert!(matches!(&parts[6], TextStreamPart::Finish(finish) if finish.total_usage.total_tokens() == Some(15)));
    }

    #[tokio::test]
    async fn reasoning_is_recorded_with_merged_metadata() {
        use crate::provider::{AssistantPart, ProviderOptions};
        let id: BlockId = Arc::from("r");
        let stream = MockStream::new()
            .part(StreamPart::ReasoningStart {
                id: id.clone(),
                provider_metadata: Some(ProviderOptions::new().with("vendor", json!({"item": "r1"}))),
            })
            .part(StreamPart::ReasoningDelta { id: id.clone(), delta: "Think".into(), provider_metadata: None })
            .part(StreamPart::ReasoningDelta { id: id.clone(), delta: "ing".into(), provider_metadata: None })
            .part(StreamPart::ReasoningEnd {
                id,
                provider_metadata: Some(ProviderOptions::new().with("vendor", json!({"signature": "s1"}))),
            })
            .text_block(["Answer"])
            .finish(FinishReason::Stop);
        let model = MockLanguageModel::new().with_stream(stream);
        let mut result = stream_text(model).prompt("hi").start();
        assert_eq!(result.reasoning_text().await.unwrap().as_deref(), Some("Thinking"));
        assert_eq!(result.text().await.unwrap(), "Answer");
        let messages = result.response_messages().await.unwrap();
        match &messages[0] {
            Message::Assistant { content, .. } => match &content[0] {
                AssistantPart::Reasoning(part) => {
                    assert_eq!(part.provider_options.get("vendor"), Some(&json!({"item": "r1", "signature": "s1"})))
                }
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn awaiting_a_final_value_drives_the_stream() {
        let model = MockLanguageModel::new().with_stream(MockStream::text(["x", "y"]));
        let mut result = stream_text(model).prompt("hi").start();
        assert_eq!(result.text().await.unwrap(), "xy");
        // The stream was consumed by the await: nothing is left.
        assert!(result.text_stream().next().await.is_none());
    }

    #[tokio::test]
    async fn tool_loop_streams_results_and_runs_tools_concurrently() {
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let tool = |barrier: Arc<tokio::sync::Barrier>| {
            Tool::typed::<CityInput>("Weather").execute(move |input: CityInput, _| {
                let barrier = barrier.clone();
                async move {
                    barrier.wait().await;
                    Ok::<_, ToolError>(format!("sunny in {}", input.city))
                }
            })
        };
        let model = MockLanguageModel::new()
            .with_stream(MockStream::tool_calls([
                ("c1", "weather", json!({"city": "Paris"})),
                ("c2", "forecast", json!({"city": "Rome"})),
            ]))
            .with_stream(MockStream::text(["Both ", "sunny."]));
        let mut result = stream_text(model.clone())
            .prompt("weather?")
            .tool("weather", tool(barrier.clone()))
            .tool("forecast", tool(barrier))
            .stop_when(step_count_is(3))
            .start();
        let parts: Vec<TextStreamPart> =
            tokio::time::timeout(Duration::from_secs(5), result.full_stream().map(Result::unwrap).collect())
                .await
                .expect("the tools deadlock unless they run concurrently");
        let results: Vec<&ToolCallResult> = parts
            .iter()
            .filter_map(|part| match part {
                TextStreamPart::ToolResult(result) => Some(&**result),
                _ => None,
            })
            .collect();
        assert_eq!(results.len(), 2);
        let step_starts = parts.iter().filter(|part| matches!(part, TextStreamPart::StartStep { .. })).count();
        assert_eq!(step_starts, 2);
        let first_finish = parts.iter().position(|part| matches!(part, TextStreamPart::FinishStep(_))).unwrap();
        let last_result = parts.iter().rposition(|part| matches!(part, TextStreamPart::ToolResult(_))).unwrap();
        assert!(last_result < first_finish, "tool results come before the step's finish");
        assert_eq!(result.text().await.unwrap(), "Both sunny.");
        assert_eq!(result.total_usage().await.unwrap().input_tokens.total, Some(20));
        // What the stream showed is what the steps recorded.
        let streamed_calls: Vec<&ParsedToolCall> = parts
            .iter()
            .filter_map(|part| match part {
                TextStreamPart::ToolCall(call) => Some(&**call),
                _ => None,
            })
            .collect();
        let steps = result.steps().await.unwrap();
        assert_eq!(streamed_calls, steps[0].tool_calls().collect::<Vec<_>>());
        let mut recorded_results: Vec<&ToolCallResult> = steps[0].tool_results().collect();
        let mut streamed_results = results.clone();
        recorded_results.sort_by(|a, b| a.tool_call_id.cmp(&b.tool_call_id));
        streamed_results.sort_by(|a, b| a.tool_call_id.cmp(&b.tool_call_id));
        assert_eq!(streamed_results, recorded_results);
        let streamed_text: String = parts
            .iter()
            .filter_map(|part| match part {
                TextStreamPart::TextDelta { delta, .. } => Some(delta.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(streamed_text, steps[1].text());
        let second_prompt = &model.calls()[1].prompt;
        assert_eq!(second_prompt.len(), 3);
        match &second_prompt[2] {
            Message::Tool { content, .. } => {
                assert_eq!(content.len(), 2);
                assert!(content.iter().any(|part| part.output == ToolResultOutput::Text { value: "sunny in Rome".into() }));
            }
            other => panic!("{other:?}"),
        }
        let messages = result.response_messages().await.unwrap();
        assert_eq!(messages.len(), 3);
        assert_eq!(messages[..2], second_prompt[1..]);
    }

    #[tokio::test]
    async fn failing_and_unknown_tools_become_error_parts() {
        let model = MockLanguageModel::new()
            .with_stream(MockStream::tool_calls([("c1", "flaky", json!({})), ("c2", "missing", json!({}))]))
            .with_stream(MockStream::text(["ok"]));
        let flaky = Tool::dynamic("flaky", json!({"type": "object"})).execute(|_, _| async { Err::<Value, _>("broken") });
        let mut result = stream_text(model.clone()).prompt("go").tool("flaky", flaky).stop_when(step_count_is(2)).start();
        let parts: Vec<TextStreamPart> = result.full_stream().map(Result::unwrap).collect().await;
        let errors: Vec<&ToolCallError> = parts
            .iter()
            .filter_map(|part| match part {
                TextStreamPart::ToolError(error) => Some(&**error),
                _ => None,
            })
            .collect();
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().any(|error| matches!(error.error, Error::NoSuchTool { .. })));
        assert!(errors.iter().any(|error| matches!(error.error, Error::ToolExecution { .. })));
        assert_eq!(result.text().await.unwrap(), "ok");
        match &model.calls()[1].prompt[2] {
            Message::Tool { content, .. } => assert!(content.iter().all(|part| part.output.is_error())),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn stream_loop_honours_prepare_step_stop_conditions_and_callbacks() {
        use crate::prepare_step::PrepareStepResult;
        use crate::provider::ToolChoice;
        use crate::stop_condition::has_tool_call;
        let model = MockLanguageModel::new()
            .with_stream(MockStream::tool_calls([("c1", "search", json!({}))]))
            .with_stream(MockStream::tool_calls([("c2", "answer", json!({}))]))
            .with_stream(MockStream::text(["never"]));
        let tool = || Tool::dynamic("t", json!({"type": "object"})).execute(|_, _| async { Ok::<_, ToolError>("ok") });
        let finished_steps = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = finished_steps.clone();
        let totals = Arc::new(std::sync::Mutex::new(None));
        let total_seen = totals.clone();
        let mut result = stream_text(model.clone())
            .prompt("go")
            .tool("search", tool())
            .tool("answer", tool())
            .stop_when(step_count_is(10))
            .stop_when(has_tool_call("answer"))
            .prepare_step(|context| match context.step_number {
                0 => PrepareStepResult::new().tool_choice(ToolChoice::Required).active_tools(["search"]),
                _ => PrepareStepResult::new(),
            })
            .on_step_finish(move |step| seen.lock().unwrap().push(step.finish_reason))
            .on_finish(move |steps, usage| *total_seen.lock().unwrap() = Some((steps.len(), usage.total_tokens())))
            .start();
        result.consume().await.unwrap();
        assert_eq!(model.call_count(), 2);
        let calls = model.calls();
        assert_eq!(calls[0].tool_choice, Some(ToolChoice::Required));
        assert_eq!(calls[0].tools.len(), 1);
        assert_eq!(calls[1].tools.len(), 2);
        assert_eq!(*finished_steps.lock().unwrap(), [FinishReason::ToolCalls, FinishReason::ToolCalls]);
        assert_eq!(*totals.lock().unwrap(), Some((2, Some(30))));
        assert_eq!(result.finish_reason().await.unwrap(), FinishReason::ToolCalls);
    }

    #[tokio::test]
    async fn repair_hook_fixes_a_streamed_call() {
        let model = MockLanguageModel::new()
            .with_stream(MockStream::tool_calls([("c1", "Weather", json!({"city": "Oslo"}))]))
            .with_stream(MockStream::text(["cold"]));
        let weather = Tool::typed::<CityInput>("Weather")
            .execute(|input: CityInput, _| async move { Ok::<_, ToolError>(format!("cold in {}", input.city)) });
        let mut result = stream_text(model)
            .prompt("go")
            .tool("weather", weather)
            .stop_when(step_count_is(2))
            .repair_tool_call(|request| async move {
                Ok(Some(ToolCall { tool_name: request.tool_call.tool_name.to_lowercase(), ..request.tool_call }))
            })
            .start();
        assert_eq!(result.text().await.unwrap(), "cold");
        let steps = result.steps().await.unwrap();
        assert_eq!(steps[0].tool_results().next().unwrap().output, json!("cold in Oslo"));
    }

    #[tokio::test]
    async fn dropping_the_stream_mid_way_cancels_the_request() {
        let model = MockLanguageModel::new().with_stream(MockStream::text(["a", "b", "c", "d"]));
        let mut result = stream_text(model.clone()).prompt("hi").start();
        let mut deltas = result.text_stream();
        assert_eq!(deltas.next().await.unwrap().unwrap(), "a");
        drop(deltas);
        assert_eq!(model.streams_dropped_early(), 0, "the result still holds the request");
        drop(result);
        assert_eq!(model.streams_dropped_early(), 1);
        assert_eq!(model.streams_finished(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn chunk_timeout_fires() {
        let stream = MockStream::new()
            .part(StreamPart::StreamStart { warnings: Vec::new() })
            .text_block(["a"])
            .delay(Duration::from_secs(10))
            .part(StreamPart::TextDelta { id: Arc::from("late"), delta: "late".into() });
        let model = MockLanguageModel::new().with_stream(stream);
        let mut result = stream_text(model.clone()).prompt("hi").chunk_timeout(Duration::from_secs(1)).start();
        let mut deltas = result.text_stream();
        assert_eq!(deltas.next().await.unwrap().unwrap(), "a");
        let error = deltas.next().await.unwrap().unwrap_err();
        assert!(matches!(error, Error::Timeout { kind: TimeoutKind::BetweenChunks, .. }), "{error:?}");
        assert!(deltas.next().await.is_none());
        assert!(matches!(result.text().await, Err(Error::Timeout { .. })));
        assert_eq!(model.streams_dropped_early(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn first_chunk_timeout_fires() {
        let model = MockLanguageModel::new().with_stream(MockStream::new().delay(Duration::from_secs(5)).text_block(["a"]).finish(FinishReason::Stop));
        let mut result = stream_text(model).prompt("hi").first_chunk_timeout(Duration::from_secs(1)).start();
        let error = result.text().await.unwrap_err();
        assert!(matches!(error, Error::Timeout { kind: TimeoutKind::FirstChunk, .. }), "{error:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn stream_retries_honour_retry_after() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after-ms", HeaderValue::from_static("3000"));
        let model = MockLanguageModel::new()
            .with_stream_error(ApiCallError::new(429, "http://127.0.0.1/v1/x", "busy").with_headers(headers))
            .with_stream(MockStream::text(["ok"]));
        let started = tokio::time::Instant::now();
        let mut result = stream_text(model.clone()).prompt("hi").start();
        assert_eq!(result.text().await.unwrap(), "ok");
        assert_eq!(started.elapsed(), Duration::from_secs(3));
        assert_eq!(model.call_count(), 2);
    }

    #[tokio::test]
    async fn stream_errors_reach_every_reader() {
        let stream = MockStream::new()
            .text_block(["a"])
            .error(Error::invalid_response("bad chunk", Some("{".to_owned()), None));
        let model = MockLanguageModel::new().with_stream(stream);
        let mut result = stream_text(model).prompt("hi").start();
        let items: Vec<Result<String>> = result.text_stream().collect().await;
        assert!(matches!(items.last(), Some(Err(Error::InvalidResponse { .. }))));
        assert!(matches!(result.text().await, Err(Error::InvalidResponse { .. })));
    }

    #[tokio::test(start_paused = true)]
    async fn cancellation_token_ends_the_stream() {
        let stream = MockStream::text(["a"]).delay(Duration::from_secs(10));
        let model = MockLanguageModel::new().with_stream(stream);
        let token = CancellationToken::new();
        let mut result = stream_text(model.clone()).prompt("hi").cancellation_token(token.clone()).start();
        let mut deltas = result.text_stream();
        assert_eq!(deltas.next().await.unwrap().unwrap(), "a");
        token.cancel();
        assert!(matches!(deltas.next().await, Some(Err(Error::Cancelled))));
        assert_eq!(model.streams_dropped_early(), 1);
    }

    #[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
    struct Recipe {
        name: String,
        steps: Vec<String>,
    }

    #[tokio::test]
    async fn partial_output_streams_and_final_output_parses() {
        let model = MockLanguageModel::new().with_stream(MockStream::text([
            r#"{"name":"#,
            r#""Soup","steps":["#,
            r#""boil"]}"#,
        ]));
        let mut result = stream_text(model.clone()).prompt("a recipe").output(Output::object::<Recipe>()).start();
        let partials: Vec<_> = result.partial_output_stream().map(Result::unwrap).collect().await;
        assert!(partials.len() >= 2, "{partials:?}");
        let recipe = result.output().await.unwrap();
        assert_eq!(recipe, Recipe { name: "Soup".into(), steps: vec!["boil".into()] });
        assert!(matches!(model.calls()[0].response_format, Some(ResponseFormat::Json { .. })));
    }

    #[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
    struct Hero {
        name: String,
    }

    #[tokio::test]
    async fn element_stream_yields_each_element_once() {
        let model = MockLanguageModel::new().with_stream(MockStream::text([
            r#"{"elements":[{"name":"#,
            r#""Ada"},{"name":"Grace"#,
            r#""},{"name":"Linus"}"#,
            r#"]}"#,
        ]));
        let mut result = stream_text(model).prompt("heroes").output(Output::array::<Hero>()).start();
        let heroes: Vec<Hero> = result.element_stream().map(Result::unwrap).collect().await;
        let names: Vec<&str> = heroes.iter().map(|hero| hero.name.as_str()).collect();
        assert_eq!(names, ["Ada", "Grace", "Linus"]);
    }

    /// Not a benchmark (that is `cargo bench`): a guard that the text stream stays a thin layer
    /// over the provider's stream. Run with `--ignored --nocapture`, preferably in release.
    #[tokio::test]
    #[ignore]
    async fn text_stream_overhead_over_the_provider_stream() {
        const DELTAS: usize = 200_000;
        let parts = || {
            let id: BlockId = Arc::from("t");
            let mut parts = vec![Ok(StreamPart::TextStart { id: id.clone(), provider_metadata: None })];
            parts.extend((0..DELTAS).map(|_| Ok(StreamPart::TextDelta { id: id.clone(), delta: "abcd".to_owned() })));
            parts.push(Ok(StreamPart::TextEnd { id, provider_metadata: None }));
            parts.push(Ok(StreamPart::Finish {
                usage: Usage::default(),
                finish_reason: FinishReason::Stop,
                raw_finish_reason: None,
                provider_metadata: None,
            }));
            parts
        };
        struct Prebuilt(std::sync::Mutex<Vec<Result<StreamPart>>>);
        #[async_trait::async_trait]
        impl crate::provider::LanguageModel for Prebuilt {
            fn provider(&self) -> &str {
                "prebuilt"
            }
            fn model_id(&self) -> &str {
                "prebuilt"
            }
            async fn do_generate(&self, _: &CallOptions) -> Result<crate::provider::GenerateResponse> {
                unreachable!()
            }
            async fn do_stream(&self, _: &CallOptions) -> Result<StreamResponse> {
                let parts = std::mem::take(&mut *self.0.lock().unwrap());
                Ok(StreamResponse::new(
                    Box::pin(futures::stream::iter(parts)),
                    RequestMetadata::default(),
                    ResponseMetadata::default(),
                ))
            }
        }
        let raw_parts = parts();
        let started = std::time::Instant::now();
        let mut raw: PartStream = Box::pin(futures::stream::iter(raw_parts));
        let mut length = 0;
        while let Some(part) = raw.next().await {
            if let Ok(StreamPart::TextDelta { delta, .. }) = part {
                length += delta.len();
            }
        }
        let raw_time = started.elapsed();
        let model = Prebuilt(std::sync::Mutex::new(parts()));
        let started = std::time::Instant::now();
        let mut result = stream_text(model).prompt("x").start();
        let mut deltas = result.text_stream();
        let mut streamed = 0;
        while let Some(delta) = deltas.next().await {
            streamed += delta.unwrap().len();
        }
        let stream_time = started.elapsed();
        assert_eq!(length, streamed);
        assert_eq!(result.text().await.unwrap().len(), streamed);
        println!("raw {raw_time:?}, stream_text {stream_time:?} for {DELTAS} deltas");
    }
}
