//! `generate_text`: a complete answer, with tools run in a multi-step loop.
//!
//! The builder collects the model, the prompt, tools and settings; awaiting it runs the loop:
//! call the model (with retries), run the tool calls it made concurrently, append the results to
//! the conversation and call the model again, until a stop condition holds or a tool call is left
//! for the caller. Everything runs inside the awaited future: no task is spawned, so dropping the
//! future cancels the call, and a call costs one boxed future beyond the provider's own work.

use std::future::{Future, IntoFuture};
use std::sync::Arc;
use std::time::Duration;

use futures::future::{BoxFuture, join_all};
use tokio_util::sync::CancellationToken;

use crate::call_settings::{CallSettings, call_settings_methods};
use crate::error::{Error, Result, TimeoutKind};
use crate::into_model::IntoModel;
use crate::prepare_step::{PrepareStep, PrepareStepContext, PrepareStepResult};
use crate::prompt::{PromptInput, StandardizedPrompt, download_unsupported_urls};
use crate::provider::{
    CallOptions, Content, FinishReason, GenerateResponse, GeneratedFile, LanguageModel, Message, ProviderMetadata,
    RequestMetadata, ResponseFormat, ResponseMetadata, Source, ToolChoice, ToolResult, Usage, Warning,
};
use crate::retry::retry_with_backoff;
use crate::step::{ParsedToolCall, StepContent, StepResult, ToolCallError, ToolCallResult, response_messages};
use crate::stop_condition::{StopCondition, is_stop_condition_met};
use crate::tool::{Tool, ToolCallRepair, ToolSet, execute_tool_call, parse_or_repair_tool_call};

pub use crate::output::{OutputParseError, OutputSpec, TextOutput};

/// Called with each finished step.
pub type OnStepFinish = Arc<dyn Fn(&StepResult) + Send + Sync>;

/// Called once with all steps and the total usage when a generation finishes successfully.
pub type OnFinish = Arc<dyn Fn(&[StepResult], &Usage) + Send + Sync>;

/// What `generate_text` and `stream_text` share: the model, prompt, tools and loop control.
#[derive(Clone)]
pub(crate) struct TextRequest {
    pub(crate) model: Arc<dyn LanguageModel>,
    pub(crate) prompt: PromptInput,
    pub(crate) tools: ToolSet,
    pub(crate) tool_choice: Option<ToolChoice>,
    pub(crate) active_tools: Option<Vec<String>>,
    pub(crate) stop_conditions: Vec<StopCondition>,
    pub(crate) prepare_step: Option<PrepareStep>,
    pub(crate) repair_tool_call: Option<ToolCallRepair>,
    pub(crate) on_step_finish: Option<OnStepFinish>,
    pub(crate) on_finish: Option<OnFinish>,
}

impl TextRequest {
    pub(crate) fn new(model: Arc<dyn LanguageModel>) -> Self {
        TextRequest {
            model,
            prompt: PromptInput::default(),
            tools: ToolSet::new(),
            tool_choice: None,
            active_tools: None,
            stop_conditions: Vec::new(),
            prepare_step: None,
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
            self.request.tools = tools.into();
            self
        }

        /// Adds one tool.
        pub fn tool(mut self, name: impl Into<String>, tool: impl Into<$crate::tool::Tool>) -> Self {
            self.request.tools.insert(name, tool);
            self
        }

        /// How the model should choose tools.
        pub fn tool_choice(mut self, tool_choice: $crate::provider::ToolChoice) -> Self {
            self.request.tool_choice = Some(tool_choice);
            self
        }

        /// Offers only these of the tools to the model.
        pub fn active_tools<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
            self.request.active_tools = Some(names.into_iter().map(Into::into).collect());
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
            self.request.prepare_step = Some(std::sync::Arc::new(prepare));
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

/// Generates text, running tools in a multi-step loop. Configure the returned builder, then
/// `.await` it.
///
/// ```
/// # async fn example() -> specai::Result<()> {
/// # let model = specai::test_util::MockLanguageModel::new().with_response(specai::test_util::text_response("4"));
/// let result = specai::generate_text(model).system("Answer with a number.").prompt("2 + 2?").await?;
/// println!("{} ({:?} tokens)", result.text(), result.total_usage.total_tokens());
/// # Ok(()) }
/// ```
pub fn generate_text(model: impl IntoModel<dyn LanguageModel>) -> GenerateText {
    GenerateText {
        request: TextRequest::new(model.into_model()),
        settings: CallSettings::default(),
        output: TextOutput,
        error: None,
    }
}

/// The builder of a `generate_text` call; `.await` runs it.
#[must_use = "a generation does nothing until awaited"]
pub struct GenerateText<O: OutputSpec = TextOutput> {
    request: TextRequest,
    settings: CallSettings,
    output: O,
    error: Option<Error>,
}

impl<O: OutputSpec> GenerateText<O> {
    text_request_methods!();
    call_settings_methods!();

    /// Asks for structured output (`Output::object::<T>()`...): the result's `output` holds the
    /// parsed value, and a text that does not parse fails with [`Error::NoObjectGenerated`].
    pub fn output<Next: OutputSpec>(self, output: Next) -> GenerateText<Next> {
        GenerateText { request: self.request, settings: self.settings, output, error: self.error }
    }
}

impl<O: OutputSpec> IntoFuture for GenerateText<O> {
    type Output = Result<GenerateTextResult<O::Complete>>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        let total = self.settings.timeouts.total;
        let token = self.settings.cancellation_token.clone();
        let run = run(self.request, self.settings, self.output, self.error);
        // Without a deadline or token the guard adds nothing but size (it holds the run future
        // in both of its branches: twice the bytes to move into the box).
        match (total, token) {
            (None, None) => Box::pin(run),
            (total, token) => Box::pin(guard(run, total, token)),
        }
    }
}

/// Runs `future` under the total deadline and the cancellation token, when there are any.
pub(crate) async fn guard<T>(
    future: impl Future<Output = Result<T>>,
    total: Option<Duration>,
    token: Option<CancellationToken>,
) -> Result<T> {
    match (total, token) {
        (None, None) => future.await,
        (total, token) => {
            let deadline = async {
                match total {
                    Some(duration) => {
                        tokio::time::sleep(duration).await;
                        Error::Timeout { kind: TimeoutKind::Total, duration }
                    }
                    None => std::future::pending().await,
                }
            };
            let cancelled = async {
                match &token {
                    Some(token) => token.cancelled().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                biased;
                () = cancelled => Err(Error::Cancelled),
                error = deadline => Err(error),
                result = future => result,
            }
        }
    }
}

/// The response format to send for an output spec: none for plain text.
pub(crate) fn response_format_of<O: OutputSpec>(output: &O) -> Option<ResponseFormat> {
    match output.response_format() {
        ResponseFormat::Text => None,
        format => Some(format),
    }
}

/// The settings of one step after `prepare_step`.
pub(crate) struct PreparedStep {
    pub(crate) model: Arc<dyn LanguageModel>,
    pub(crate) options: CallOptions,
    pub(crate) active_tools: Option<Vec<String>>,
    /// Whether the conversation was moved into `options.prompt` (and must be taken back).
    pub(crate) conversation_moved: bool,
    pub(crate) has_system: bool,
}

/// Builds a step's call options, asking `prepare_step` first. The conversation (without the
/// system text) is moved into the options unless the hook replaced the messages.
pub(crate) fn prepare_step(
    request: &TextRequest,
    settings: &CallSettings,
    system: &Option<String>,
    conversation: &mut Vec<Message>,
    steps: &[StepResult],
    response_format: &Option<ResponseFormat>,
) -> PreparedStep {
    let prepared = match &request.prepare_step {
        Some(hook) => hook(PrepareStepContext {
            step_number: steps.len(),
            steps,
            model: &request.model,
            messages: conversation,
        }),
        None => PrepareStepResult::default(),
    };
    let model = prepared.model.unwrap_or_else(|| request.model.clone());
    let active_tools = prepared.active_tools.or_else(|| request.active_tools.clone());
    let tool_definitions =
        if request.tools.is_empty() { Vec::new() } else { request.tools.definitions(active_tools.as_deref()) };
    let tool_choice = prepared.tool_choice.or_else(|| request.tool_choice.clone());
    let system = prepared.system.as_ref().or(system.as_ref());
    let (messages, conversation_moved) = match prepared.messages {
        Some(messages) => (messages, false),
        None => (std::mem::take(conversation), true),
    };
    let prompt = match system {
        None => messages,
        Some(system) => {
            let mut prompt = Vec::with_capacity(messages.len() + 1);
            prompt.push(Message::system(system.clone()));
            prompt.extend(messages);
            prompt
        }
    };
    let tool_choice = if tool_definitions.is_empty() { None } else { tool_choice };
    let mut options = settings.call_options(prompt, tool_definitions, tool_choice, response_format.clone());
    if let Some(provider_options) = prepared.provider_options {
        options.provider_options = provider_options;
    }
    PreparedStep { model, options, active_tools, conversation_moved, has_system: system.is_some() }
}

impl PreparedStep {
    /// Gives the conversation back after the call.
    pub(crate) fn restore_conversation(&mut self, conversation: &mut Vec<Message>) {
        if self.conversation_moved {
            let mut prompt = std::mem::take(&mut self.options.prompt);
            if self.has_system {
                prompt.remove(0);
            }
            *conversation = prompt;
        }
    }
}

async fn call_model(model: &dyn LanguageModel, options: &CallOptions, settings: &CallSettings) -> Result<GenerateResponse> {
    let attempts = retry_with_backoff(&settings.retry, || model.do_generate(options));
    match settings.timeouts.step {
        None => attempts.await,
        Some(duration) => tokio::time::timeout(duration, attempts)
            .await
            .map_err(|_| Error::Timeout { kind: TimeoutKind::Step, duration })?,
    }
}

async fn run<O: OutputSpec>(
    mut request: TextRequest,
    settings: CallSettings,
    output: O,
    error: Option<Error>,
) -> Result<GenerateTextResult<O::Complete>> {
    if let Some(error) = error {
        return Err(error);
    }
    settings.validate()?;
    let StandardizedPrompt { system, messages: mut conversation } = std::mem::take(&mut request.prompt).standardize()?;
    let response_format = response_format_of(&output);
    let mut steps: Vec<StepResult> = Vec::new();
    let mut total_usage = Usage::default();
    loop {
        let mut prepared = prepare_step(&request, &settings, &system, &mut conversation, &steps, &response_format);
        let supported_urls = prepared.model.supported_urls();
        let response = match download_unsupported_urls(&mut prepared.options.prompt, &supported_urls).await {
            Ok(()) => call_model(prepared.model.as_ref(), &prepared.options, &settings).await,
            Err(error) => Err(error),
        };
        prepared.restore_conversation(&mut conversation);
        let response = response?;
        let step = run_step(&request, &settings, &prepared, &conversation, steps.len(), response).await;
        total_usage += &step.usage;
        if let Some(callback) = &request.on_step_finish {
            callback(&step);
        }
        let go_on = step.all_client_tool_calls_answered();
        if go_on {
            conversation.extend(step.response_messages.iter().cloned());
        }
        steps.push(step);
        if !go_on || is_stop_condition_met(&request.stop_conditions, &steps) {
            break;
        }
    }
    let last = steps.last().expect("at least one step");
    let parsed = parse_output(&output, last, &total_usage)?;
    if let Some(callback) = &request.on_finish {
        callback(&steps, &total_usage);
    }
    Ok(GenerateTextResult { steps, total_usage, output: parsed })
}

/// Parses the final step's text with the output spec.
pub(crate) fn parse_output<O: OutputSpec>(output: &O, last: &StepResult, total_usage: &Usage) -> Result<O::Complete> {
    let text = last.text();
    output
        .parse_complete(&text)
        .map_err(|error| error.into_error(Some(text), total_usage.clone(), Some(last.finish_reason)))
}

/// Turns a model response into a step: parses tool calls (repairing them if asked), runs the
/// executable ones concurrently, and appends their results.
async fn run_step(
    request: &TextRequest,
    settings: &CallSettings,
    prepared: &PreparedStep,
    conversation: &[Message],
    step_number: usize,
    response: GenerateResponse,
) -> StepResult {
    let mut content = Vec::with_capacity(response.content.len());
    let mut running: Vec<BoxFuture<'static, StepContent>> = Vec::new();
    // The conversation as tools see it, built once and only if a tool runs.
    let mut shared_messages: Option<Arc<[Message]>> = None;
    let mut failures = Vec::new();
    for part in response.content {
        match part {
            Content::Text { text, provider_metadata } => content.push(StepContent::Text { text, provider_metadata }),
            Content::Reasoning { text, provider_metadata } => {
                content.push(StepContent::Reasoning { text, provider_metadata })
            }
            Content::File(file) => content.push(StepContent::File(file)),
            Content::Source(source) => content.push(StepContent::Source(source)),
            Content::ToolCall(call) => {
                let (parsed, failure) = parse_or_repair_tool_call(
                    call,
                    &request.tools,
                    prepared.active_tools.as_deref(),
                    request.repair_tool_call.as_ref(),
                    || conversation.to_vec(),
                )
                .await;
                match failure {
                    Some(failure) => failures.push(StepContent::ToolError(failure)),
                    None => running.extend(execute_tool_call(
                        &request.tools,
                        &parsed,
                        settings.timeouts.tool,
                        settings.cancellation_token.as_ref(),
                        || shared_messages.get_or_insert_with(|| Arc::from(conversation)).clone(),
                    )),
                }
                content.push(StepContent::ToolCall(parsed));
            }
            Content::ToolResult(result) => {
                let input = tool_call_input(&content, &result.tool_call_id);
                content.push(provider_tool_result(result, input));
            }
        }
    }
    content.extend(failures);
    if !running.is_empty() {
        content.extend(join_all(running).await);
    }
    let response_messages = response_messages(&content);
    StepResult {
        step_number,
        content,
        finish_reason: response.finish_reason,
        raw_finish_reason: response.raw_finish_reason,
        usage: response.usage,
        warnings: response.warnings,
        request: response.request,
        response: response.response,
        response_messages,
        provider_metadata: response.provider_metadata,
    }
}

/// The input of the tool call with this id among the content so far.
pub(crate) fn tool_call_input(content: &[StepContent], tool_call_id: &str) -> serde_json::Value {
    content
        .iter()
        .find_map(|part| match part {
            StepContent::ToolCall(call) if call.tool_call_id == tool_call_id => Some(call.input.clone()),
            _ => None,
        })
        .unwrap_or(serde_json::Value::Null)
}

/// A provider-executed tool's result as step content.
pub(crate) fn provider_tool_result(result: ToolResult, input: serde_json::Value) -> StepContent {
    if result.is_error {
        StepContent::ToolError(ToolCallError {
            tool_call_id: result.tool_call_id.clone(),
            tool_name: result.tool_name.clone(),
            input,
            error: Error::ToolExecution {
                tool_name: result.tool_name,
                tool_call_id: result.tool_call_id,
                message: result.result.to_string(),
                source: None,
            },
            provider_executed: true,
        })
    } else {
        StepContent::ToolResult(ToolCallResult {
            tool_call_id: result.tool_call_id,
            tool_name: result.tool_name,
            input,
            output: result.result,
            model_output: None,
            provider_executed: true,
        })
    }
}

/// The result of `generate_text`: every step, the total usage, and the output. Accessors without
/// a step in their name read the final step.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GenerateTextResult<T = String> {
    /// Every step, in order.
    pub steps: Vec<StepResult>,
    /// Token usage summed over all steps.
    pub total_usage: Usage,
    /// The output: the final text, or the parsed structured output.
    pub output: T,
}

impl<T> GenerateTextResult<T> {
    pub(crate) fn new(steps: Vec<StepResult>, total_usage: Usage, output: T) -> Self {
        GenerateTextResult { steps, total_usage, output }
    }

    /// The final step.
    pub fn final_step(&self) -> &StepResult {
        self.steps.last().expect("a result has at least one step")
    }

    /// The final step's text.
    pub fn text(&self) -> String {
        self.final_step().text()
    }

    /// The final step's content.
    pub fn content(&self) -> &[StepContent] {
        &self.final_step().content
    }

    /// The final step's reasoning text, when it reasoned.
    pub fn reasoning_text(&self) -> Option<String> {
        self.final_step().reasoning_text()
    }

    /// The final step's tool calls.
    pub fn tool_calls(&self) -> Vec<&ParsedToolCall> {
        self.final_step().tool_calls().collect()
    }

    /// The final step's tool results.
    pub fn tool_results(&self) -> Vec<&ToolCallResult> {
        self.final_step().tool_results().collect()
    }

    /// The final step's tool errors.
    pub fn tool_errors(&self) -> Vec<&ToolCallError> {
        self.final_step().tool_errors().collect()
    }

    /// The final step's generated files.
    pub fn files(&self) -> Vec<&GeneratedFile> {
        self.final_step().files().collect()
    }

    /// The sources cited in all steps.
    pub fn sources(&self) -> Vec<&Source> {
        self.steps.iter().flat_map(StepResult::sources).collect()
    }

    /// Why the final step stopped.
    pub fn finish_reason(&self) -> FinishReason {
        self.final_step().finish_reason
    }

    /// The final step's usage (see `total_usage` for all steps).
    pub fn usage(&self) -> &Usage {
        &self.final_step().usage
    }

    /// The warnings of all steps.
    pub fn warnings(&self) -> Vec<&Warning> {
        self.steps.iter().flat_map(|step| &step.warnings).collect()
    }

    /// What was sent in the final step.
    pub fn request(&self) -> &RequestMetadata {
        &self.final_step().request
    }

    /// The final step's response metadata.
    pub fn response(&self) -> &ResponseMetadata {
        &self.final_step().response
    }

    /// The final step's provider metadata.
    pub fn provider_metadata(&self) -> Option<&ProviderMetadata> {
        self.final_step().provider_metadata.as_ref()
    }

    /// The messages all steps added, to append to the conversation for the next turn.
    pub fn response_messages(&self) -> Vec<Message> {
        self.steps.iter().flat_map(|step| step.response_messages.iter().cloned()).collect()
    }

    /// The output.
    pub fn output(&self) -> &T {
        &self.output
    }

    /// The output, consuming the result.
    pub fn into_output(self) -> T {
        self.output
    }
}

#[allow(dead_code)]
fn assert_tool_is_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<Tool>();
    check::<GenerateText>();
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use http::{HeaderMap, HeaderValue};
    use serde::Deserialize;
    use serde_json::{Value, json};

    use super::*;
    use crate::error::ApiCallError;
    use crate::provider::{AssistantPart, ToolCall, ToolResultOutput};
    use crate::stop_condition::{has_tool_call, step_count_is};
    use crate::test_util::{MockLanguageModel, text_response, tool_calls_response};
    use crate::tool::ToolError;

    #[derive(Debug, Deserialize, schemars::JsonSchema)]
    struct CityInput {
        city: String,
    }

    /// Two tools that both wait on one barrier: they finish only if they run at the same time.
    fn barrier_tools() -> ToolSet {
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let weather_barrier = barrier.clone();
        ToolSet::new()
            .with(
                "weather",
                Tool::typed::<CityInput>("Weather in a city").execute(move |input: CityInput, _| {
                    let barrier = weather_barrier.clone();
                    async move {
                        barrier.wait().await;
                        Ok::<_, ToolError>(json!({"city": input.city, "celsius": 21}))
                    }
                }),
            )
            .with(
                "time",
                Tool::typed::<CityInput>("Time in a city").execute(move |input: CityInput, _| {
                    let barrier = barrier.clone();
                    async move {
                        barrier.wait().await;
                        Ok::<_, ToolError>(format!("noon in {}", input.city))
                    }
                }),
            )
    }

    #[tokio::test]
    async fn single_step_text() {
        let model = MockLanguageModel::new().with_response(text_response("Hello!"));
        let result = generate_text(model.clone()).system("be nice").prompt("Hi").temperature(0.2).await.unwrap();
        assert_eq!(result.text(), "Hello!");
        assert_eq!(result.output, "Hello!");
        assert_eq!(result.steps.len(), 1);
        assert_eq!(result.total_usage.total_tokens(), Some(15));
        let calls = model.calls();
        assert_eq!(calls[0].prompt, vec![Message::system("be nice"), Message::user("Hi")]);
        assert_eq!(calls[0].temperature, Some(0.2));
        assert!(calls[0].tools.is_empty());
        assert_eq!(calls[0].response_format, None);
    }

    #[tokio::test]
    async fn three_step_loop_runs_two_tools_concurrently() {
        let model = MockLanguageModel::new()
            .with_response(tool_calls_response([
                ("c1", "weather", json!({"city": "Paris"})),
                ("c2", "time", json!({"city": "Paris"})),
            ]))
            .with_response(tool_calls_response([("c3", "weather", json!({"city": "Rome"})), ("c4", "time", json!({"city": "Rome"}))]))
            .with_response(text_response("Paris: 21°C at noon; Rome too."));
        let finished_steps = Arc::new(AtomicUsize::new(0));
        let counter = finished_steps.clone();
        let result = tokio::time::timeout(
            Duration::from_secs(5),
            generate_text(model.clone())
                .prompt("Weather and time in Paris and Rome?")
                .tools(barrier_tools())
                .stop_when(step_count_is(5))
                .on_step_finish(move |_| {
                    counter.fetch_add(1, Ordering::SeqCst);
                })
                .into_future(),
        )
        .await
        .expect("the tools deadlock unless they run concurrently")
        .unwrap();
        assert_eq!(result.steps.len(), 3);
        assert_eq!(finished_steps.load(Ordering::SeqCst), 3);
        assert_eq!(result.text(), "Paris: 21°C at noon; Rome too.");
        let first = &result.steps[0];
        let results: Vec<_> = first.tool_results().collect();
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].output, json!({"city": "Paris", "celsius": 21}));
        assert_eq!(results[1].output, json!("noon in Paris"));
        assert_eq!(result.total_usage.input_tokens.total, Some(30));
        // The third call saw the whole conversation: user, then assistant + tool per step.
        let calls = model.calls();
        assert_eq!(calls.len(), 3);
        assert_eq!(calls[2].prompt.len(), 5);
        assert_eq!(calls[2].tools.len(), 2);
        assert!(matches!(&calls[1].prompt[2], Message::Tool { content, .. } if content.len() == 2));
        // The response messages are what a caller appends for the next turn.
        let messages = result.response_messages();
        assert_eq!(messages.len(), 5);
        assert_eq!(messages[..4], calls[2].prompt[1..]);
        assert_eq!(messages[4], Message::assistant("Paris: 21°C at noon; Rome too."));
    }

    #[tokio::test]
    async fn tools_see_the_conversation_and_their_call_id() {
        let model = MockLanguageModel::new().with_response(tool_calls_response([("c7", "inspect", json!({}))]));
        let inspect = Tool::dynamic("Inspect", json!({"type": "object"})).execute(|_, context: crate::tool::ToolContext| async move {
            Ok::<_, ToolError>(json!({"id": context.tool_call_id, "messages": context.messages.len()}))
        });
        let result = generate_text(model).system("s").prompt("hi").tool("inspect", inspect).await.unwrap();
        assert_eq!(result.tool_results()[0].output, json!({"id": "c7", "messages": 1}));
    }

    #[tokio::test]
    async fn default_stop_runs_tools_once_and_returns() {
        let model = MockLanguageModel::new().with_response(tool_calls_response([("c1", "echo", json!({"x": 1}))]));
        let echo = Tool::dynamic("Echo", json!({"type": "object"})).execute(|input: Value, _| async move { Ok::<_, ToolError>(input) });
        let result = generate_text(model.clone()).prompt("echo").tool("echo", echo).await.unwrap();
        assert_eq!(model.call_count(), 1);
        assert_eq!(result.finish_reason(), FinishReason::ToolCalls);
        assert_eq!(result.tool_results()[0].output, json!({"x": 1}));
    }

    #[tokio::test]
    async fn failing_tool_goes_back_to_the_model_as_an_error_result() {
        let model = MockLanguageModel::new()
            .with_response(tool_calls_response([("c1", "flaky", json!({}))]))
            .with_response(text_response("Sorry, the tool failed."));
        let flaky = Tool::dynamic("Fails", json!({"type": "object"}))
            .execute(|_, _| async { Err::<Value, _>("database is down") });
        let result = generate_text(model.clone()).prompt("go").tool("flaky", flaky).stop_when(step_count_is(3)).await.unwrap();
        assert_eq!(result.steps.len(), 2);
        assert_eq!(result.text(), "Sorry, the tool failed.");
        let errors: Vec<_> = result.steps[0].tool_errors().collect();
        assert!(matches!(&errors[0].error, Error::ToolExecution { message, .. } if message == "database is down"));
        let second_prompt = &model.calls()[1].prompt;
        match &second_prompt[2] {
            Message::Tool { content, .. } => {
                assert_eq!(content[0].output, ToolResultOutput::ErrorText { value: "tool `flaky` failed: database is down".into() })
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn unknown_tool_is_repaired_by_the_hook() {
        let model = MockLanguageModel::new()
            .with_response(tool_calls_response([("c1", "get_weather", json!({"city": "Oslo"}))]))
            .with_response(text_response("Cold."));
        let seen_errors = Arc::new(Mutex::new(Vec::new()));
        let seen = seen_errors.clone();
        let result = generate_text(model.clone())
            .prompt("Weather in Oslo?")
            .tools(barrier_tools())
            .active_tools(["weather"])
            .stop_when(step_count_is(2))
            .repair_tool_call(move |request| {
                seen.lock().unwrap().push(request.error.to_string());
                async move {
                    assert_eq!(request.tools.len(), 1);
                    Ok(Some(ToolCall { tool_name: "weather".into(), ..request.tool_call }))
                }
            })
            .tool("weather", Tool::typed::<CityInput>("Weather").execute(|input: CityInput, _| async move {
                Ok::<_, ToolError>(format!("cold in {}", input.city))
            }))
            .await
            .unwrap();
        assert!(seen_errors.lock().unwrap()[0].contains("get_weather"));
        let call = result.steps[0].tool_calls().next().unwrap();
        assert_eq!(call.tool_name, "weather");
        assert!(!call.invalid);
        assert_eq!(result.steps[0].tool_results().next().unwrap().output, json!("cold in Oslo"));
        assert_eq!(result.text(), "Cold.");
    }

    #[tokio::test]
    async fn unrepaired_invalid_input_becomes_an_error_result() {
        let model = MockLanguageModel::new()
            .with_response(tool_calls_response([("c1", "weather", json!({"town": "Oslo"}))]))
            .with_response(text_response("Let me retry."));
        let result = generate_text(model)
            .prompt("Weather?")
            .tool("weather", Tool::typed::<CityInput>("Weather").execute(|_: CityInput, _| async { Ok::<_, ToolError>(1) }))
            .stop_when(step_count_is(2))
            .await
            .unwrap();
        let step = &result.steps[0];
        assert!(step.tool_calls().next().unwrap().invalid);
        assert!(matches!(step.tool_errors().next().unwrap().error, Error::InvalidToolInput { .. }));
        assert_eq!(result.steps.len(), 2);
    }

    #[tokio::test]
    async fn has_tool_call_stops_the_loop() {
        let model = MockLanguageModel::new()
            .with_response(tool_calls_response([("c1", "search", json!({}))]))
            .with_response(tool_calls_response([("c2", "answer", json!({}))]))
            .with_response(text_response("never asked"));
        let tool = || Tool::dynamic("t", json!({"type": "object"})).execute(|_, _| async { Ok::<_, ToolError>("ok") });
        let result = generate_text(model.clone())
            .prompt("go")
            .tool("search", tool())
            .tool("answer", tool())
            .stop_when(step_count_is(10))
            .stop_when(has_tool_call("answer"))
            .await
            .unwrap();
        assert_eq!(result.steps.len(), 2);
        assert_eq!(model.call_count(), 2);
    }

    #[tokio::test]
    async fn tool_without_execute_ends_the_loop_with_the_call() {
        let model = MockLanguageModel::new().with_response(tool_calls_response([("c1", "ask_user", json!({"city": "Oslo"}))]));
        let result = generate_text(model.clone())
            .prompt("go")
            .tool("ask_user", Tool::typed::<CityInput>("Ask the user").without_execute())
            .stop_when(step_count_is(10))
            .await
            .unwrap();
        assert_eq!(model.call_count(), 1);
        assert_eq!(result.tool_calls()[0].input, json!({"city": "Oslo"}));
        assert!(result.tool_results().is_empty());
    }

    #[tokio::test]
    async fn prepare_step_switches_tool_choice_and_system() {
        let model = MockLanguageModel::new()
            .with_response(tool_calls_response([("c1", "search", json!({}))]))
            .with_response(text_response("done"));
        let search = Tool::dynamic("Search", json!({"type": "object"})).execute(|_, _| async { Ok::<_, ToolError>("found") });
        let result = generate_text(model.clone())
            .system("base")
            .prompt("go")
            .tool("search", search)
            .tool("other", Tool::dynamic("Other", json!({"type": "object"})))
            .stop_when(step_count_is(3))
            .prepare_step(|context| match context.step_number {
                0 => PrepareStepResult::new()
                    .tool_choice(ToolChoice::Tool { tool_name: "search".into() })
                    .active_tools(["search"]),
                _ => PrepareStepResult::new().tool_choice(ToolChoice::None).system("answer now"),
            })
            .await
            .unwrap();
        assert_eq!(result.text(), "done");
        let calls = model.calls();
        assert_eq!(calls[0].tool_choice, Some(ToolChoice::Tool { tool_name: "search".into() }));
        assert_eq!(calls[0].tools.len(), 1);
        assert_eq!(calls[1].tool_choice, Some(ToolChoice::None));
        assert_eq!(calls[1].tools.len(), 2);
        assert_eq!(calls[1].prompt[0], Message::system("answer now"));
        assert_eq!(calls[0].prompt[0], Message::system("base"));
        // The conversation given to step 1 has no duplicated system message.
        assert_eq!(calls[1].prompt.iter().filter(|message| matches!(message, Message::System { .. })).count(), 1);
    }

    #[tokio::test]
    async fn prepare_step_switches_the_model() {
        let first = MockLanguageModel::new().with_response(tool_calls_response([("c1", "search", json!({}))]));
        let second = MockLanguageModel::with_ids("mock", "bigger-model").with_response(text_response("done"));
        let search = Tool::dynamic("Search", json!({"type": "object"})).execute(|_, _| async { Ok::<_, ToolError>("found") });
        let switch_to = second.clone();
        let result = generate_text(first.clone())
            .prompt("go")
            .tool("search", search)
            .stop_when(step_count_is(2))
            .prepare_step(move |context| match context.step_number {
                0 => PrepareStepResult::new(),
                _ => PrepareStepResult::new().model(switch_to.clone()),
            })
            .await
            .unwrap();
        assert_eq!(result.text(), "done");
        assert_eq!((first.call_count(), second.call_count()), (1, 1));
        assert_eq!(second.calls()[0].prompt.len(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_honour_retry_after() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("5"));
        let model = MockLanguageModel::new()
            .with_error(ApiCallError::new(429, "http://127.0.0.1/v1/x", "slow down").with_headers(headers))
            .with_response(text_response("ok"));
        let started = tokio::time::Instant::now();
        let result = generate_text(model.clone()).prompt("hi").await.unwrap();
        assert_eq!(result.text(), "ok");
        assert_eq!(model.call_count(), 2);
        assert_eq!(started.elapsed(), Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn max_retries_zero_fails_at_once() {
        let model = MockLanguageModel::new().with_error(ApiCallError::new(503, "http://x", "down")).with_response(text_response("ok"));
        let error = generate_text(model.clone()).prompt("hi").max_retries(0).await.unwrap_err();
        assert!(matches!(error, Error::ApiCall(_)));
        assert_eq!(model.call_count(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn step_and_total_timeouts_fire() {
        let model = MockLanguageModel::new().with_delayed_response(Duration::from_secs(30), text_response("late"));
        let error = generate_text(model).prompt("hi").step_timeout(Duration::from_secs(1)).await.unwrap_err();
        assert!(matches!(error, Error::Timeout { kind: TimeoutKind::Step, .. }), "{error:?}");
        let model = MockLanguageModel::new().with_delayed_response(Duration::from_secs(30), text_response("late"));
        let error = generate_text(model).prompt("hi").timeout(Duration::from_secs(2)).await.unwrap_err();
        assert!(matches!(error, Error::Timeout { kind: TimeoutKind::Total, .. }), "{error:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn cancellation_token_cancels() {
        let model = MockLanguageModel::new().with_delayed_response(Duration::from_secs(30), text_response("late"));
        let token = CancellationToken::new();
        let cancel = token.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            cancel.cancel();
        });
        let error = generate_text(model).prompt("hi").cancellation_token(token).await.unwrap_err();
        assert!(matches!(error, Error::Cancelled));
    }

    #[tokio::test]
    async fn invalid_arguments_fail_before_calling() {
        let model = MockLanguageModel::new().with_response(text_response("x"));
        let error = generate_text(model.clone()).await.unwrap_err();
        assert!(matches!(error, Error::InvalidArgument { .. }));
        let error = generate_text(model.clone()).prompt("hi").header("bad header", "v").await.unwrap_err();
        assert!(matches!(error, Error::InvalidArgument { .. }));
        assert_eq!(model.call_count(), 0);
    }

    #[tokio::test]
    async fn provider_executed_tool_results_stay_in_the_assistant_message() {
        let mut response = text_response("Found it.");
        response.content.insert(
            0,
            Content::ToolCall(ToolCall {
                tool_call_id: "ws1".into(),
                tool_name: "web_search".into(),
                input: r#"{"query":"rust"}"#.into(),
                provider_executed: true,
                provider_metadata: None,
            }),
        );
        response.content.insert(
            1,
            Content::ToolResult(ToolResult {
                tool_call_id: "ws1".into(),
                tool_name: "web_search".into(),
                result: json!([{"url": "https://rust-lang.org"}]),
                is_error: false,
                provider_metadata: None,
            }),
        );
        let model = MockLanguageModel::new().with_response(response);
        let result = generate_text(model)
            .prompt("search")
            .tool("web_search", Tool::provider_defined("openai.web_search", json!({})))
            .await
            .unwrap();
        let messages = result.response_messages();
        assert_eq!(messages.len(), 1);
        match &messages[0] {
            Message::Assistant { content, .. } => {
                assert!(matches!(&content[1], AssistantPart::ToolResult(part) if part.tool_call_id == "ws1"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(result.tool_results()[0].input, json!({"query": "rust"}));
    }

    #[tokio::test]
    async fn callbacks_see_every_step_and_the_total() {
        let model = MockLanguageModel::new().with_response(text_response("a"));
        let finished = Arc::new(Mutex::new(None));
        let seen = finished.clone();
        generate_text(model)
            .prompt("hi")
            .on_finish(move |steps, usage| *seen.lock().unwrap() = Some((steps.len(), usage.total_tokens())))
            .await
            .unwrap();
        assert_eq!(*finished.lock().unwrap(), Some((1, Some(15))));
    }

    #[derive(Debug, PartialEq, Deserialize, schemars::JsonSchema)]
    struct Forecast {
        city: String,
        celsius: f64,
    }

    #[tokio::test]
    async fn typed_structured_output() {
        let model = MockLanguageModel::new().with_response(text_response(r#"{"city":"Oslo","celsius":-3.5}"#));
        let result = generate_text(model.clone()).prompt("forecast").output(crate::output::Output::object::<Forecast>()).await.unwrap();
        assert_eq!(result.output, Forecast { city: "Oslo".into(), celsius: -3.5 });
        match &model.calls()[0].response_format {
            Some(ResponseFormat::Json { schema: Some(schema), .. }) => assert_eq!(schema["properties"]["city"]["type"], "string"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn unparseable_output_is_no_object_generated() {
        let model = MockLanguageModel::new().with_response(text_response("It is cold."));
        let error = generate_text(model).prompt("forecast").output(crate::output::Output::object::<Forecast>()).await.unwrap_err();
        match error {
            Error::NoObjectGenerated(details) => {
                assert_eq!(details.text.as_deref(), Some("It is cold."));
                assert_eq!(details.finish_reason, Some(FinishReason::Stop));
                assert_eq!(details.usage.total_tokens(), Some(15));
            }
            other => panic!("{other:?}"),
        }
    }
}
