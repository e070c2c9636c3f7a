//! Executing a parsed tool call: the approval check, the execute function's outputs (preliminary
//! ones for streaming tools), the timeout, and the tool-call callbacks.
//!
//! An execution is a `'static` stream of [`ToolEvent`]s that never fails: errors and timeouts
//! become [`StepContent::ToolError`], and a call that needs approval ends at once with a
//! [`StepContent::ToolApprovalRequest`]. `generate_text` keeps the final event; `stream_text`
//! shows preliminary outputs as they come.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures::stream::{self, BoxStream, StreamExt};
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::error::{BoxedSource, Error, TimeoutKind};
use crate::provider::Message;
use crate::telemetry::spans::ToolTelemetry;
use crate::step::{ParsedToolCall, StepContent, ToolApprovalRequest, ToolCallError, ToolCallResult};

use super::needs_approval::NeedsApproval;
use super::tool_set::ToolSet;
use super::{ToolContext, ToolError};

/// What `on_tool_call_start` sees: the call about to run.
///
/// ```
/// # async fn example() -> specai::Result<()> {
/// # let model = specai::test_util::MockLanguageModel::new().with_response(specai::test_util::text_response("a"));
/// specai::generate_text(model)
///     .prompt("Hi")
///     .on_tool_call_start(|event| println!("running {}", event.tool_call.tool_name))
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ToolCallStartEvent<'a> {
    /// The call.
    pub tool_call: &'a ParsedToolCall,
    /// The conversation the model answered with the call (without the system text).
    pub messages: &'a [Message],
}

/// What `on_tool_call_finish` sees: the call, how it ended, and how long it ran.
///
/// ```
/// # async fn example() -> specai::Result<()> {
/// # let model = specai::test_util::MockLanguageModel::new().with_response(specai::test_util::text_response("a"));
/// specai::generate_text(model)
///     .prompt("Hi")
///     .on_tool_call_finish(|event| match event.outcome {
///         Ok(result) => println!("{} -> {} in {:?}", event.tool_call.tool_name, result.output, event.duration),
///         Err(failure) => println!("{} failed: {}", event.tool_call.tool_name, failure.error),
///     })
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ToolCallFinishEvent<'a> {
    /// The call.
    pub tool_call: &'a ParsedToolCall,
    /// The result, or the error (a timeout included).
    pub outcome: Result<&'a ToolCallResult, &'a ToolCallError>,
    /// How long the execution took.
    pub duration: Duration,
}

/// Called before each tool execution.
pub type OnToolCallStart = Arc<dyn Fn(&ToolCallStartEvent<'_>) + Send + Sync>;

/// Called after each tool execution, with its outcome.
pub type OnToolCallFinish = Arc<dyn Fn(&ToolCallFinishEvent<'_>) + Send + Sync>;

/// The tool-call callbacks of a generation; empty (and free) unless set.
#[derive(Clone, Default)]
pub(crate) struct ToolCallHooks {
    pub(crate) on_start: Option<OnToolCallStart>,
    pub(crate) on_finish: Option<OnToolCallFinish>,
}

/// How calls are executed in a generation.
pub(crate) struct ToolExecution<'a> {
    pub(crate) timeout: Option<Duration>,
    pub(crate) cancellation_token: Option<&'a CancellationToken>,
    pub(crate) hooks: &'a ToolCallHooks,
    /// Whether to ask the tool's approval rule first (not for calls the caller approved).
    pub(crate) check_approval: bool,
    /// Whether the execution's span records the arguments and the result.
    pub(crate) record_content: bool,
}

/// What an execution produces.
pub(crate) enum ToolEvent {
    /// A partial output of a streaming tool.
    Preliminary(ToolCallResult),
    /// The end: a result, an error, or an approval request.
    Outcome(StepContent),
}

/// Starts executing a parsed call, when its tool has an execute function; `messages` is asked
/// for the conversation only then.
pub(crate) fn execute_tool_call(
    tools: &ToolSet,
    call: &ParsedToolCall,
    execution: &ToolExecution<'_>,
    messages: impl FnOnce() -> Arc<[Message]>,
) -> Option<BoxStream<'static, ToolEvent>> {
    if call.invalid || call.provider_executed {
        return None;
    }
    let tool = tools.get(&call.tool_name)?;
    let execute = tool.execute.clone()?;
    let token = execution.cancellation_token.map_or_else(CancellationToken::new, CancellationToken::child_token);
    let context = ToolContext { tool_call_id: call.tool_call_id.clone(), messages: messages(), cancellation_token: token };
    let run = Run {
        execute,
        streams_outputs: tool.streams_outputs,
        to_model_output: tool.to_model_output.clone(),
        call: call.clone(),
        timeout: execution.timeout,
        hooks: execution.hooks.clone(),
        record_content: execution.record_content,
    };
    let approval = if execution.check_approval { &tool.needs_approval } else { &NeedsApproval::Never };
    Some(match approval {
        NeedsApproval::Never => run.start(context),
        NeedsApproval::Always => stream::once(std::future::ready(approval_request(call))).boxed(),
        NeedsApproval::When(decide) => {
            let deciding = decide(call.input.clone(), context.clone());
            let request = approval_request(call);
            stream::once(async move {
                if deciding.await { stream::once(std::future::ready(request)).boxed() } else { run.start(context) }
            })
            .flatten()
            .boxed()
        }
    })
}

static NEXT_APPROVAL: AtomicU64 = AtomicU64::new(0);

/// The approval request that answers a call needing approval, with a process-unique id.
fn approval_request(call: &ParsedToolCall) -> ToolEvent {
    let count = NEXT_APPROVAL.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.subsec_nanos());
    let approval_id = format!("approval_{nanos:08x}{count:04x}");
    ToolEvent::Outcome(StepContent::ToolApprovalRequest(ToolApprovalRequest { approval_id, tool_call: call.clone() }))
}

/// One execution, before it starts.
struct Run {
    execute: super::ExecuteFunction,
    streams_outputs: bool,
    to_model_output: Option<super::ModelOutput>,
    call: ParsedToolCall,
    timeout: Option<Duration>,
    hooks: ToolCallHooks,
    record_content: bool,
}

/// One execution in progress.
struct Running {
    run: Run,
    outputs: BoxStream<'static, Result<Value, ToolError>>,
    deadline: Option<tokio::time::Instant>,
    started: Instant,
    last: Option<Value>,
    finished: bool,
    /// The execution's span, which the execute function's outputs are polled in.
    telemetry: ToolTelemetry,
}

impl Run {
    /// Reports the start and runs the execute function; its outputs become events.
    fn start(self, context: ToolContext) -> BoxStream<'static, ToolEvent> {
        if let Some(on_start) = &self.hooks.on_start {
            on_start(&ToolCallStartEvent { tool_call: &self.call, messages: &context.messages });
        }
        let call = &self.call;
        let telemetry = ToolTelemetry::start(&call.tool_name, &call.tool_call_id, &call.input, self.record_content);
        let outputs = telemetry.span.in_scope(|| (self.execute)(call.input.clone(), context));
        let deadline = self.timeout.map(|duration| tokio::time::Instant::now() + duration);
        let running = Running { run: self, outputs, deadline, started: Instant::now(), last: None, finished: false, telemetry };
        stream::unfold(running, |mut running| async move {
            let span = running.telemetry.span.clone();
            let event = running.next_event().instrument(span).await?;
            Some((event, running))
        })
        .boxed()
    }

    fn result(&self, output: Value, preliminary: bool) -> ToolCallResult {
        let model_output = match (&self.to_model_output, preliminary) {
            (Some(convert), false) => Some(convert(&output)),
            _ => None,
        };
        ToolCallResult {
            tool_call_id: self.call.tool_call_id.clone(),
            tool_name: self.call.tool_name.clone(),
            input: self.call.input.clone(),
            output,
            model_output,
            provider_executed: false,
            preliminary,
        }
    }

    fn error(&self, error: Error) -> ToolCallError {
        ToolCallError {
            tool_call_id: self.call.tool_call_id.clone(),
            tool_name: self.call.tool_name.clone(),
            input: self.call.input.clone(),
            error,
            provider_executed: false,
        }
    }

    fn execution_error(&self, message: String, source: Option<ToolError>) -> Error {
        Error::ToolExecution {
            tool_name: self.call.tool_name.clone(),
            tool_call_id: self.call.tool_call_id.clone(),
            message,
            source: source.map(BoxedSource::from),
        }
    }
}

impl Running {
    /// The next event, or `None` after the outcome.
    async fn next_event(&mut self) -> Option<ToolEvent> {
        if self.finished {
            return None;
        }
        let next = match self.deadline {
            None => self.outputs.next().await,
            Some(deadline) => match tokio::time::timeout_at(deadline, self.outputs.next()).await {
                Ok(next) => next,
                Err(_) => {
                    let duration = self.run.timeout.unwrap_or_default();
                    return Some(self.finish(Err(Error::Timeout { kind: TimeoutKind::Tool, duration })));
                }
            },
        };
        Some(match next {
            Some(Ok(output)) if self.run.streams_outputs => {
                self.last = Some(output.clone());
                ToolEvent::Preliminary(self.run.result(output, true))
            }
            Some(Ok(output)) => self.finish(Ok(output)),
            Some(Err(error)) => {
                let error = self.run.execution_error(error.to_string(), Some(error));
                self.finish(Err(error))
            }
            None => match self.last.take() {
                Some(output) => self.finish(Ok(output)),
                None => {
                    let error = self.run.execution_error("the tool's output stream ended without an output".into(), None);
                    self.finish(Err(error))
                }
            },
        })
    }

    /// The outcome, reported to `on_tool_call_finish`.
    fn finish(&mut self, outcome: Result<Value, Error>) -> ToolEvent {
        self.finished = true;
        let outcome = outcome.map(|output| self.run.result(output, false)).map_err(|error| self.run.error(error));
        let recorded = outcome.as_ref().map(|result| &result.output).map_err(|failure| &failure.error);
        self.telemetry.finish(&self.run.call.tool_name, recorded);
        if let Some(on_finish) = &self.run.hooks.on_finish {
            let event = ToolCallFinishEvent { tool_call: &self.run.call, outcome: outcome.as_ref(), duration: self.started.elapsed() };
            on_finish(&event);
        }
        ToolEvent::Outcome(match outcome {
            Ok(result) => StepContent::ToolResult(result),
            Err(error) => StepContent::ToolError(error),
        })
    }
}
