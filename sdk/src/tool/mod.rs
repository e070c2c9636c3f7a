//! Tools: what the model may call, and how calls are checked, repaired and executed.
//!
//! A [`Tool`] is a description, a JSON Schema for its input and, optionally, an async execute
//! function. Typed tools ([`Tool::typed`], feature `schemars`) derive the schema from a Rust type
//! with `schemars` and receive the deserialized value; dynamic tools ([`Tool::dynamic`]) take a
//! schema and receive a `serde_json::Value`. A tool without an execute function is not run: its
//! calls are returned to the caller, and the loop stops there. Tool failures never abort a
//! generation: they go back to the model as error results, so it can try again or explain.

//!
//! Here: [`Tool`] and its builders. The set of tools is `tool_set`, the handling of one call
//! (parse, repair, execute) is `tool_call`, and the schema check of dynamic tools `input_check`.

use std::fmt;
use std::future::Future;
#[cfg(feature = "schemars")]
use std::marker::PhantomData;
use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt};
#[cfg(feature = "schemars")]
use schemars::JsonSchema;
use serde::Serialize;
#[cfg(feature = "schemars")]
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::error::Result;
use crate::provider::{FunctionTool, Message, ProviderDefinedTool, ProviderOptions, ToolDefinition, ToolResultOutput};

mod input_check;
mod needs_approval;
mod streaming_execute;
#[cfg(test)]
mod tests;
mod tool_call;
mod tool_execution;
mod tool_set;

use input_check::check_against_schema;
pub(crate) use needs_approval::NeedsApproval;
pub(crate) use tool_call::{invalid_tool_call, parse_or_repair_tool_call, parse_tool_call};
pub use tool_call::{ToolCallRepair, ToolCallRepairRequest};
pub(crate) use tool_execution::{ToolCallHooks, ToolEvent, ToolExecution, execute_tool_call};
pub use tool_execution::{OnToolCallFinish, OnToolCallStart, ToolCallFinishEvent, ToolCallStartEvent};
pub use tool_set::ToolSet;

/// The error a tool's execute function returns; any error type converts into it, and so do
/// `String` and `&str`.
///
#[cfg_attr(feature = "schemars", doc = " ```")]
#[cfg_attr(not(feature = "schemars"), doc = " ```ignore")]
/// use specai::{Tool, ToolError};
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Order {
///     id: String,
/// }
///
/// // Any error converts with `?`, and so do `String` and `&str` with `.into()`.
/// async fn look_up(order: Order) -> Result<String, ToolError> {
///     let number: u64 = order.id.parse()?; // a ParseIntError becomes a ToolError
///     if number == 0 {
///         return Err("order 0 does not exist".into());
///     }
///     Ok(format!("order {number} ships tomorrow"))
/// }
///
/// let tool = Tool::typed::<Order>("Looks up an order").execute(|order: Order, _context| look_up(order));
/// assert!(tool.is_executable());
/// ```
pub type ToolError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A tool's outputs as a stream. A plain tool yields one output; a streaming tool
/// ([`Tool::execute_streaming`]) yields preliminary outputs, the last being the result.
type ToolOutputs = BoxStream<'static, Result<Value, ToolError>>;
/// An execute function: the input and the call's context in, the outputs out.
type ExecuteFunction = Arc<dyn Fn(Value, ToolContext) -> ToolOutputs + Send + Sync>;
type InputCheck = Arc<dyn Fn(&Value) -> std::result::Result<(), String> + Send + Sync>;
type ModelOutput = Arc<dyn Fn(&Value) -> ToolResultOutput + Send + Sync>;

/// What a tool's execute function learns about the call besides its input.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ToolContext {
    /// The call's id.
    pub tool_call_id: String,
    /// The conversation the model answered with this call (without the system text).
    pub messages: Arc<[Message]>,
    /// Cancelled when the generation is cancelled or times out; long tools should watch it.
    pub cancellation_token: CancellationToken,
}

/// A tool the model may call.
///
/// ```
/// use serde_json::json;
/// use specai::Tool;
///
/// // A tool with a hand-written schema, whose input arrives as JSON.
/// let search = Tool::dynamic(
///     "Searches the docs",
///     json!({"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}),
/// )
/// .execute(|input, _context| async move { Ok::<_, specai::ToolError>(format!("3 results for {}", input["query"])) })
/// .strict(true);
/// let definition = search.definition("search_docs"); // what the model is sent
/// # let _ = definition;
/// assert_eq!(search.description(), Some("Searches the docs"));
/// // A tool without an execute function: its calls are returned to the caller.
/// assert!(!Tool::dynamic("Asks the user", json!({"type": "object"})).is_executable());
/// ```
#[derive(Clone)]
pub struct Tool {
    description: Option<String>,
    input_schema: Value,
    kind: ToolKind,
    execute: Option<ExecuteFunction>,
    /// Whether `execute` streams preliminary outputs.
    streams_outputs: bool,
    needs_approval: NeedsApproval,
    check_input: Option<InputCheck>,
    to_model_output: Option<ModelOutput>,
    strict: Option<bool>,
    provider_options: ProviderOptions,
}

#[derive(Clone, Debug)]
enum ToolKind {
    Function,
    ProviderDefined { id: String, args: Value },
}

impl fmt::Debug for Tool {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Tool")
            .field("description", &self.description)
            .field("input_schema", &self.input_schema)
            .field("kind", &self.kind)
            .field("executable", &self.execute.is_some())
            .field("streams_outputs", &self.streams_outputs)
            .field("needs_approval", &self.needs_approval)
            .finish_non_exhaustive()
    }
}

/// A typed tool under construction: add an execute function with [`TypedTool::execute`], or turn
/// it into a [`Tool`] without one (its calls are returned to the caller).
#[cfg(feature = "schemars")]
pub struct TypedTool<I> {
    tool: Tool,
    input: PhantomData<fn() -> I>,
}

/// The JSON Schema of a type, as tools and structured output send it.
///
/// ```
/// use specai::tool::json_schema_for;
///
/// #[derive(schemars::JsonSchema)]
/// struct Weather {
///     /// The city name.
///     city: String,
///     days: Option<u8>,
/// }
///
/// let schema = json_schema_for::<Weather>();
/// assert_eq!(schema["properties"]["city"]["description"], "The city name.");
/// assert_eq!(schema["required"], serde_json::json!(["city"]));
/// assert!(schema.get("$schema").is_none(), "no meta-schema line is sent");
/// ```
#[cfg(feature = "schemars")]
pub fn json_schema_for<T: JsonSchema + ?Sized>() -> Value {
    let mut schema = schemars::schema_for!(T).to_value();
    if let Value::Object(object) = &mut schema {
        object.remove("$schema");
    }
    schema
}

impl Tool {
    /// A tool without an execute function or options.
    fn new(description: Option<String>, input_schema: Value, kind: ToolKind, check_input: Option<InputCheck>) -> Tool {
        Tool {
            description,
            input_schema,
            kind,
            execute: None,
            streams_outputs: false,
            needs_approval: NeedsApproval::Never,
            check_input,
            to_model_output: None,
            strict: None,
            provider_options: ProviderOptions::default(),
        }
    }

    /// A tool whose input is the Rust type `I`: the schema is derived from it, and calls whose
    /// input does not deserialize into it are invalid (and may be repaired). Feature `schemars`;
    /// without it, [`Tool::dynamic`] takes a schema and gives the input as JSON.
    #[cfg(feature = "schemars")]
    pub fn typed<I>(description: impl Into<String>) -> TypedTool<I>
    where
        I: JsonSchema + DeserializeOwned + Send + 'static,
    {
        let check: InputCheck =
            Arc::new(|value: &Value| I::deserialize(value).map(drop).map_err(|error| error.to_string()));
        TypedTool { tool: Tool::new(Some(description.into()), json_schema_for::<I>(), ToolKind::Function, Some(check)), input: PhantomData }
    }

    /// A tool whose input is described by a JSON Schema and arrives as a `serde_json::Value`.
    /// Inputs are checked against the schema's `type`, `required`, `properties`, `items`, `enum`
    /// and `additionalProperties: false` (other keywords are not checked).
    pub fn dynamic(description: impl Into<String>, input_schema: Value) -> Tool {
        let schema = Arc::new(input_schema.clone());
        let check: InputCheck = Arc::new(move |value: &Value| check_against_schema(value, &schema, "input"));
        Tool::new(Some(description.into()), input_schema, ToolKind::Function, Some(check))
    }

    /// A tool the provider defines and usually executes (web search, code execution...), by id
    /// (`<provider>.<tool>`) and configuration.
    pub fn provider_defined(id: impl Into<String>, args: Value) -> Tool {
        Tool::new(None, Value::Null, ToolKind::ProviderDefined { id: id.into(), args }, None)
    }

    /// Sets the execute function of a dynamic tool: it receives the input as JSON.
    ///
    /// The error type is [`ToolError`] so that a closure returning `Ok(value)` needs no type
    /// annotation, and `?` works on any error type (`std::io::Error`, `serde_json::Error`,
    /// `reqwest::Error`, `anyhow::Error`, your own).
    pub fn execute<F, Fut, O>(self, execute: F) -> Tool
    where
        F: Fn(Value, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::result::Result<O, ToolError>> + Send + 'static,
        O: Serialize,
    {
        self.with_execute(false, move |input, context| single_json_output(execute(input, context)))
    }

    /// Installs an execute function, saying whether it streams preliminary outputs; every
    /// `execute` and `execute_streaming` builder ends here.
    fn with_execute(
        mut self,
        streams_outputs: bool,
        execute: impl Fn(Value, ToolContext) -> ToolOutputs + Send + Sync + 'static,
    ) -> Tool {
        self.execute = Some(Arc::new(execute));
        self.streams_outputs = streams_outputs;
        self
    }

    /// Converts the tool's output into what the model receives (e.g. text and images as
    /// [`ToolResultOutput::Content`]); by default a string is sent as text and anything else as JSON.
    pub fn to_model_output(mut self, convert: impl Fn(&Value) -> ToolResultOutput + Send + Sync + 'static) -> Tool {
        self.to_model_output = Some(Arc::new(convert));
        self
    }

    /// Asks the provider to enforce the input schema strictly, where it can.
    pub fn strict(mut self, strict: bool) -> Tool {
        self.strict = Some(strict);
        self
    }

    /// Per-tool provider options (e.g. `cache_control`).
    pub fn provider_options(mut self, options: ProviderOptions) -> Tool {
        self.provider_options = options;
        self
    }

    /// The description given to the model.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The JSON Schema of the input (`null` for provider-defined tools).
    pub fn input_schema(&self) -> &Value {
        &self.input_schema
    }

    /// Whether the tool has an execute function.
    pub fn is_executable(&self) -> bool {
        self.execute.is_some()
    }

    /// The definition sent to the model under `name`.
    pub fn definition(&self, name: &str) -> ToolDefinition {
        match &self.kind {
            ToolKind::Function => {
                let mut function = FunctionTool::new(name, self.input_schema.clone())
                    .with_provider_options(self.provider_options.clone());
                function.description = self.description.clone();
                function.strict = self.strict;
                ToolDefinition::Function(function)
            }
            ToolKind::ProviderDefined { id, args } => {
                ToolDefinition::ProviderDefined(ProviderDefinedTool::new(id.clone(), name, args.clone()))
            }
        }
    }
}


fn to_json_output<O: Serialize, E: Into<ToolError>>(result: std::result::Result<O, E>) -> Result<Value, ToolError> {
    let output = result.map_err(Into::into)?;
    serde_json::to_value(output).map_err(|error| Box::new(error) as ToolError)
}

/// The one output of a plain (not streaming) execute function, serialized.
fn single_json_output<Fut, O>(running: Fut) -> ToolOutputs
where
    Fut: Future<Output = std::result::Result<O, ToolError>> + Send + 'static,
    O: Serialize,
{
    stream::once(async move { to_json_output(running.await) }).boxed()
}

#[cfg(feature = "schemars")]
impl<I> TypedTool<I>
where
    I: JsonSchema + DeserializeOwned + Send + 'static,
{
    /// Sets the execute function: it receives the deserialized input and returns anything
    /// serializable, or an error that goes back to the model.
    ///
    /// The error type is [`ToolError`] so that a closure returning `Ok(value)` needs no type
    /// annotation, and `?` works on any error type.
    pub fn execute<F, Fut, O>(self, execute: F) -> Tool
    where
        F: Fn(I, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::result::Result<O, ToolError>> + Send + 'static,
        O: Serialize,
    {
        self.with_typed_execute(false, move |input, context| {
            single_json_output(execute(input, context))
        })
    }

    /// Installs `execute` behind the input's deserialization into `I`, which every typed execute
    /// function needs: an input that does not fit `I` is a tool error for the model.
    fn with_typed_execute(
        self,
        streams_outputs: bool,
        execute: impl Fn(I, ToolContext) -> ToolOutputs + Send + Sync + 'static,
    ) -> Tool {
        self.tool.with_execute(streams_outputs, move |input, context| {
            match serde_json::from_value::<I>(input) {
                Ok(input) => execute(input, context),
                Err(error) => stream::once(std::future::ready(Err(error.into()))).boxed(),
            }
        })
    }

    /// Asks the provider to enforce the input schema strictly, where it can.
    pub fn strict(mut self, strict: bool) -> Self {
        self.tool.strict = Some(strict);
        self
    }

    /// Finishes the tool without an execute function: its calls are returned to the caller.
    pub fn without_execute(self) -> Tool {
        self.tool
    }
}

#[cfg(feature = "schemars")]
impl<I> From<TypedTool<I>> for Tool {
    fn from(typed: TypedTool<I>) -> Tool {
        typed.tool
    }
}

