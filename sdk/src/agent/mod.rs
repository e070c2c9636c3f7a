//! Agents: a model, instructions and tools, configured once and run for many conversations
//! (AI SDK 7's `ToolLoopAgent`).
//!
//! An [`Agent`] holds everything a `generate_text` or `stream_text` call needs except the
//! conversation: model, instructions, tools, tool choice, active tools, stop conditions (default:
//! 20 steps), structured output, `prepare_step`, tool-call repair, sampling settings, provider
//! options and callbacks. Each run ([`generate`](Agent::generate), [`stream`](Agent::stream))
//! takes the conversation, and the typed call options `C` that its
//! [`prepare_call`](AgentBuilder::prepare_call) hook turns into per-run settings (a user's plan,
//! a tenant's model...). An agent is an `Arc` inside: cloning is cheap, and one agent serves any
//! number of concurrent runs, each with its own state.
//!
//! A run returns the ordinary builders, so a caller can still add per-run settings (a
//! cancellation token, a stream transform) before awaiting or starting it.

mod agent_call;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::call_settings::{CallSettings, call_settings_methods};
use crate::error::Error;
use crate::generate_text::GenerateText;
use crate::into_model::IntoModel;
use crate::output::{OutputSpec, TextOutput};
use crate::prompt::Prompt;
use crate::provider::{LanguageModel, Message};
use crate::step_engine::{TextRequest, loop_methods};
use crate::stop_condition::step_count_is;
use crate::stream_text::StreamText;

pub use agent_call::{AgentCall, PrepareCall};

/// The steps an agent runs at most unless told otherwise, as in AI SDK 7.
///
/// ```
/// assert_eq!(specai::agent::DEFAULT_MAX_STEPS, 20);
/// ```
pub const DEFAULT_MAX_STEPS: usize = 20;

/// A reusable tool-loop agent; build one with [`Agent::builder`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> specai::Result<()> {
/// use specai::test_util::{MockLanguageModel, text_response, tool_calls_response};
/// use specai::{Agent, Tool};
///
/// # let model = MockLanguageModel::new()
/// #     .with_response(tool_calls_response([("c1", "weather", serde_json::json!({"city": "Paris"}))]))
/// #     .with_response(text_response("Sunny in Paris."));
/// let weather = Tool::dynamic("The weather in a city", serde_json::json!({"type": "object"}))
///     .execute(|input, _context| async move { Ok(format!("sunny in {}", input["city"])) });
/// let agent = Agent::builder(model).instructions("You are a weather bot.").tool("weather", weather).build();
///
/// let result = agent.generate("Weather in Paris?").await?;
/// assert_eq!(result.text(), "Sunny in Paris.");
/// assert_eq!(result.steps.len(), 2);
/// # Ok(()) }
/// ```
pub struct Agent<C = (), O: OutputSpec = TextOutput> {
    /// An agent is its finished builder: the loop's request without a conversation, and the
    /// settings, shared by every run.
    inner: Arc<AgentBuilder<C, O>>,
}

impl<C, O: OutputSpec> Clone for Agent<C, O> {
    fn clone(&self) -> Self {
        Agent { inner: self.inner.clone() }
    }
}

impl<C, O: OutputSpec> std::fmt::Debug for Agent<C, O> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let model = &self.inner.request.defaults.model;
        formatter
            .debug_struct("Agent")
            .field("provider", &model.provider())
            .field("model_id", &model.model_id())
            .field("tools", &self.inner.request.defaults.tools.names().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// What a run starts from: a prompt (one user message) or a conversation.
///
/// ```
/// use specai::AgentInput;
/// use specai::provider::Message;
///
/// let prompt = AgentInput::from("Hello");
/// let conversation = AgentInput::from(vec![Message::user("Hello"), Message::assistant("Hi!"), Message::user("Bye")]);
/// # let _ = (prompt, conversation);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AgentInput {
    /// One user message.
    Prompt(Prompt),
    /// The conversation so far (with the caller's tool approval answers, if any).
    Messages(Vec<Message>),
}

impl From<&str> for AgentInput {
    fn from(text: &str) -> Self {
        AgentInput::Prompt(text.into())
    }
}

impl From<String> for AgentInput {
    fn from(text: String) -> Self {
        AgentInput::Prompt(text.into())
    }
}

impl From<Prompt> for AgentInput {
    fn from(prompt: Prompt) -> Self {
        AgentInput::Prompt(prompt)
    }
}

impl From<Vec<Message>> for AgentInput {
    fn from(messages: Vec<Message>) -> Self {
        AgentInput::Messages(messages)
    }
}

impl Agent {
    /// Starts building an agent on `model`.
    ///
    /// ```
    /// # let model = specai::test_util::MockLanguageModel::new();
    /// let agent = specai::Agent::builder(model).instructions("Be brief.").temperature(0.2).build();
    /// # let _ = agent;
    /// ```
    pub fn builder(model: impl IntoModel<dyn LanguageModel>) -> AgentBuilder {
        let mut request = TextRequest::new(model.into_model());
        request.stop_conditions.push(step_count_is(DEFAULT_MAX_STEPS));
        AgentBuilder {
            request,
            instructions: None,
            settings: CallSettings::default(),
            output: TextOutput,
            prepare_call: None,
            error: None,
            default_stop: true,
        }
    }
}

impl<C, O> Agent<C, O>
where
    C: Default,
    O: OutputSpec + Clone,
{
    /// Runs the agent on a prompt or conversation with the default call options; `.await` the
    /// returned builder (after adding per-run settings, if any).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> specai::Result<()> {
    /// # let model = specai::test_util::MockLanguageModel::new().with_response(specai::test_util::text_response("Hi!"));
    /// let agent = specai::Agent::builder(model).build();
    /// let result = agent.generate("Hello").await?;
    /// assert_eq!(result.text(), "Hi!");
    /// # Ok(()) }
    /// ```
    pub fn generate(&self, input: impl Into<AgentInput>) -> GenerateText<O> {
        self.generate_with(C::default(), input)
    }

    /// Streams the agent's run on a prompt or conversation with the default call options;
    /// `.start()` the returned builder.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> specai::Result<()> {
    /// # let model = specai::test_util::MockLanguageModel::new().with_stream(specai::test_util::MockStream::text(["Hi", "!"]));
    /// let agent = specai::Agent::builder(model).build();
    /// let mut result = agent.stream("Hello").start();
    /// assert_eq!(result.text().await?, "Hi!");
    /// # Ok(()) }
    /// ```
    pub fn stream(&self, input: impl Into<AgentInput>) -> StreamText<O> {
        self.stream_with(C::default(), input)
    }
}

impl<C, O> Agent<C, O>
where
    O: OutputSpec + Clone,
{
    /// Runs the agent with typed call options, which `prepare_call` reads.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> specai::Result<()> {
    /// # let model = specai::test_util::MockLanguageModel::new().with_response(specai::test_util::text_response("Bonjour"));
    /// struct Language(&'static str);
    ///
    /// let agent = specai::Agent::builder(model)
    ///     .call_options::<Language>()
    ///     .prepare_call(|language: &Language, mut call| {
    ///         call.instructions = Some(format!("Answer in {}.", language.0));
    ///         call
    ///     })
    ///     .build();
    /// let result = agent.generate_with(Language("French"), "Hello").await?;
    /// assert_eq!(result.text(), "Bonjour");
    /// # Ok(()) }
    /// ```
    pub fn generate_with(&self, options: C, input: impl Into<AgentInput>) -> GenerateText<O> {
        let (request, settings) = self.prepare(&options, input.into());
        GenerateText::from_parts(request, settings, self.inner.output.clone(), self.inner.error.clone())
    }

    /// Streams the agent's run with typed call options, which `prepare_call` reads.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> specai::Result<()> {
    /// # let model = specai::test_util::MockLanguageModel::new().with_stream(specai::test_util::MockStream::text(["ok"]));
    /// let agent = specai::Agent::builder(model)
    ///     .call_options::<u32>()
    ///     .prepare_call(|max_tokens: &u32, mut call| {
    ///         call.settings.max_output_tokens = Some(*max_tokens);
    ///         call
    ///     })
    ///     .build();
    /// let mut result = agent.stream_with(64, "Hello").start();
    /// assert_eq!(result.text().await?, "ok");
    /// # Ok(()) }
    /// ```
    pub fn stream_with(&self, options: C, input: impl Into<AgentInput>) -> StreamText<O> {
        let (request, settings) = self.prepare(&options, input.into());
        StreamText::from_parts(request, settings, self.inner.output.clone(), self.inner.error.clone())
    }

    /// The request and settings of one run: the agent's, through `prepare_call`, with the input.
    fn prepare(&self, options: &C, input: AgentInput) -> (TextRequest, CallSettings) {
        let inner = &*self.inner;
        let mut request = inner.request.clone();
        let mut settings = inner.settings.clone();
        let mut instructions = inner.instructions.clone();
        if let Some(prepare_call) = &inner.prepare_call {
            let call = AgentCall::of(&request, instructions.take(), settings);
            let call = prepare_call(options, call);
            (instructions, settings) = call.apply(&mut request);
        }
        request.prompt.system = instructions;
        match input {
            AgentInput::Prompt(prompt) => request.prompt.prompt = Some(prompt),
            AgentInput::Messages(messages) => request.prompt.messages = Some(messages),
        }
        (request, settings)
    }
}

/// The builder of an [`Agent`]: the loop's settings (as on `generate_text`), sampling settings,
/// instructions, output and `prepare_call`.
///
/// ```
/// use specai::{Agent, Output, has_tool_call};
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Summary { text: String }
///
/// # let model = specai::test_util::MockLanguageModel::new();
/// let agent = Agent::builder(model)
///     .instructions("Summarise.")
///     .max_output_tokens(200)
///     .stop_when(has_tool_call("done"))
///     .output(Output::object::<Summary>())
///     .build();
/// # let _ = agent;
/// ```
#[must_use = "an agent builder does nothing until `.build()`"]
pub struct AgentBuilder<C = (), O: OutputSpec = TextOutput> {
    request: TextRequest,
    instructions: Option<String>,
    settings: CallSettings,
    output: O,
    prepare_call: Option<PrepareCall<C>>,
    error: Option<Error>,
    /// Whether the stop conditions are still the default (the first `stop_when` replaces it).
    default_stop: bool,
}

impl<C, O: OutputSpec> AgentBuilder<C, O> {
    loop_methods!();
    call_settings_methods!();

    /// The system instructions of every run.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Replaces the default stop condition (20 steps) with `condition`; later calls add more
    /// (the loop stops when any holds).
    pub fn stop_when_only(mut self, condition: impl Into<crate::stop_condition::StopCondition>) -> Self {
        if std::mem::take(&mut self.default_stop) {
            self.request.stop_conditions.clear();
        }
        self.request.stop_conditions.push(condition.into());
        self
    }

    /// Asks for structured output on every run (`Output::object::<T>()`...).
    pub fn output<Next: OutputSpec + Clone>(self, output: Next) -> AgentBuilder<C, Next> {
        AgentBuilder {
            request: self.request,
            instructions: self.instructions,
            settings: self.settings,
            output,
            prepare_call: self.prepare_call,
            error: self.error,
            default_stop: self.default_stop,
        }
    }

    /// Declares the type of the call options that runs pass to `prepare_call`
    /// ([`Agent::generate_with`]); drops a `prepare_call` set before.
    pub fn call_options<Next>(self) -> AgentBuilder<Next, O> {
        AgentBuilder {
            request: self.request,
            instructions: self.instructions,
            settings: self.settings,
            output: self.output,
            prepare_call: None,
            error: self.error,
            default_stop: self.default_stop,
        }
    }

    /// Changes a run's settings from its call options, before the run starts.
    pub fn prepare_call(mut self, prepare: impl Fn(&C, AgentCall) -> AgentCall + Send + Sync + 'static) -> Self {
        self.prepare_call = Some(Arc::new(prepare));
        self
    }

    /// The agent.
    pub fn build(self) -> Agent<C, O> {
        Agent { inner: Arc::new(self) }
    }
}

#[allow(dead_code)]
fn assert_agent_is_send_sync() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<Agent>();
    check::<Agent<String, crate::output::ArrayOutput<String>>>();
}
