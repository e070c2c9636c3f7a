//! Tools: what the model may call, and how calls are checked, repaired and executed.
//!
//! A [`Tool`] is a description, a JSON Schema for its input and, optionally, an async execute
//! function. Typed tools ([`Tool::typed`]) derive the schema from a Rust type with `schemars` and
//! receive the deserialized value; dynamic tools ([`Tool::dynamic`]) take a schema and receive a
//! `serde_json::Value`. A tool without an execute function is not run: its calls are returned to
//! the caller, and the loop stops there. Tool failures never abort a generation: they go back to
//! the model as error results, so it can try again or explain.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::error::{BoxedSource, Error, Result, TimeoutKind};
use crate::provider::{
    FunctionTool, Message, ProviderDefinedTool, ProviderOptions, ToolCall, ToolDefinition, ToolResultOutput,
};
use crate::step::{ParsedToolCall, StepContent, ToolCallError, ToolCallResult};

/// The error a tool's execute function returns; any error type converts into it, and so do
/// `String` and `&str`.
pub type ToolError = Box<dyn std::error::Error + Send + Sync + 'static>;

type ExecuteFunction = Arc<dyn Fn(Value, ToolContext) -> BoxFuture<'static, Result<Value, ToolError>> + Send + Sync>;
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
#[derive(Clone)]
pub struct Tool {
    description: Option<String>,
    input_schema: Value,
    kind: ToolKind,
    execute: Option<ExecuteFunction>,
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
            .finish_non_exhaustive()
    }
}

/// A typed tool under construction: add an execute function with [`TypedTool::execute`], or turn
/// it into a [`Tool`] without one (its calls are returned to the caller).
pub struct TypedTool<I> {
    tool: Tool,
    input: PhantomData<fn() -> I>,
}

/// The JSON Schema of a type, as tools and structured output send it.
pub fn json_schema_for<T: JsonSchema + ?Sized>() -> Value {
    let mut schema = schemars::schema_for!(T).to_value();
    if let Value::Object(object) = &mut schema {
        object.remove("$schema");
    }
    schema
}

impl Tool {
    /// A tool whose input is the Rust type `I`: the schema is derived from it, and calls whose
    /// input does not deserialize into it are invalid (and may be repaired).
    pub fn typed<I>(description: impl Into<String>) -> TypedTool<I>
    where
        I: JsonSchema + DeserializeOwned + Send + 'static,
    {
        let check: InputCheck =
            Arc::new(|value: &Value| I::deserialize(value).map(drop).map_err(|error| error.to_string()));
        TypedTool {
            tool: Tool {
                description: Some(description.into()),
                input_schema: json_schema_for::<I>(),
                kind: ToolKind::Function,
                execute: None,
                check_input: Some(check),
                to_model_output: None,
                strict: None,
                provider_options: ProviderOptions::default(),
            },
            input: PhantomData,
        }
    }

    /// A tool whose input is described by a JSON Schema and arrives as a `serde_json::Value`.
    /// Inputs are checked against the schema's `type`, `required`, `properties`, `items`, `enum`
    /// and `additionalProperties: false` (other keywords are not checked).
    pub fn dynamic(description: impl Into<String>, input_schema: Value) -> Tool {
        let schema = Arc::new(input_schema.clone());
        let check: InputCheck = Arc::new(move |value: &Value| check_against_schema(value, &schema, "input"));
        Tool {
            description: Some(description.into()),
            input_schema,
            kind: ToolKind::Function,
            execute: None,
            check_input: Some(check),
            to_model_output: None,
            strict: None,
            provider_options: ProviderOptions::default(),
        }
    }

    /// A tool the provider defines and usually executes (web search, code execution...), by id
    /// (`<provider>.<tool>`) and configuration.
    pub fn provider_defined(id: impl Into<String>, args: Value) -> Tool {
        Tool {
            description: None,
            input_schema: Value::Null,
            kind: ToolKind::ProviderDefined { id: id.into(), args },
            execute: None,
            check_input: None,
            to_model_output: None,
            strict: None,
            provider_options: ProviderOptions::default(),
        }
    }

    /// Sets the execute function of a dynamic tool: it receives the input as JSON.
    pub fn execute<F, Fut, O, E>(mut self, execute: F) -> Tool
    where
        F: Fn(Value, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::result::Result<O, E>> + Send + 'static,
        O: Serialize,
        E: Into<ToolError>,
    {
        self.execute = Some(Arc::new(move |input, context| {
            let running = execute(input, context);
            Box::pin(async move { to_json_output(running.await) })
        }));
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
            ToolKind::Function => ToolDefinition::Function(FunctionTool {
                name: name.to_owned(),
                description: self.description.clone(),
                input_schema: self.input_schema.clone(),
                strict: self.strict,
                provider_options: self.provider_options.clone(),
            }),
            ToolKind::ProviderDefined { id, args } => ToolDefinition::ProviderDefined(ProviderDefinedTool {
                id: id.clone(),
                name: name.to_owned(),
                args: args.clone(),
            }),
        }
    }
}

/// Checks a value against the common structural keywords of a JSON Schema.
fn check_against_schema(value: &Value, schema: &Value, path: &str) -> std::result::Result<(), String> {
    let Value::Object(schema) = schema else { return Ok(()) };
    if let Some(expected) = schema.get("type") {
        let matches = |name: &Value| match name.as_str() {
            Some("object") => value.is_object(),
            Some("array") => value.is_array(),
            Some("string") => value.is_string(),
            Some("number") => value.is_number(),
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("boolean") => value.is_boolean(),
            Some("null") => value.is_null(),
            _ => true,
        };
        let fits = match expected {
            Value::Array(names) => names.iter().any(matches),
            name => matches(name),
        };
        if !fits {
            return Err(format!("{path} should be of type {expected}, got {value}"));
        }
    }
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.contains(value)
    {
        return Err(format!("{path} should be one of {}", Value::Array(allowed.clone())));
    }
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(required)) = schema.get("required") {
                for name in required.iter().filter_map(Value::as_str) {
                    if !object.contains_key(name) {
                        return Err(format!("{path} is missing the required property `{name}`"));
                    }
                }
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            for (name, item) in object {
                match properties.and_then(|properties| properties.get(name)) {
                    Some(property) => check_against_schema(item, property, &format!("{path}.{name}"))?,
                    None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        return Err(format!("{path} has the unexpected property `{name}`"));
                    }
                    None => {}
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (index, item) in items.iter().enumerate() {
                    check_against_schema(item, item_schema, &format!("{path}[{index}]"))?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn to_json_output<O: Serialize, E: Into<ToolError>>(result: std::result::Result<O, E>) -> Result<Value, ToolError> {
    let output = result.map_err(Into::into)?;
    serde_json::to_value(output).map_err(|error| Box::new(error) as ToolError)
}

impl<I> TypedTool<I>
where
    I: JsonSchema + DeserializeOwned + Send + 'static,
{
    /// Sets the execute function: it receives the deserialized input and returns anything
    /// serializable, or an error that goes back to the model.
    pub fn execute<F, Fut, O, E>(mut self, execute: F) -> Tool
    where
        F: Fn(I, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::result::Result<O, E>> + Send + 'static,
        O: Serialize,
        E: Into<ToolError>,
    {
        self.tool.execute = Some(Arc::new(move |input, context| match serde_json::from_value::<I>(input) {
            Ok(input) => {
                let running = execute(input, context);
                Box::pin(async move { to_json_output(running.await) })
            }
            Err(error) => Box::pin(std::future::ready(Err(Box::new(error) as ToolError))),
        }));
        self.tool
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

impl<I> From<TypedTool<I>> for Tool {
    fn from(typed: TypedTool<I>) -> Tool {
        typed.tool
    }
}

/// The tools of a generation, by the name the model calls them.
#[derive(Debug, Clone, Default)]
pub struct ToolSet {
    tools: Vec<(String, Tool)>,
}

impl ToolSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a tool.
    pub fn with(mut self, name: impl Into<String>, tool: impl Into<Tool>) -> Self {
        self.insert(name, tool);
        self
    }

    /// Adds (or replaces) a tool.
    pub fn insert(&mut self, name: impl Into<String>, tool: impl Into<Tool>) {
        let name = name.into();
        let tool = tool.into();
        match self.tools.iter_mut().find(|(existing, _)| *existing == name) {
            Some(entry) => entry.1 = tool,
            None => self.tools.push((name, tool)),
        }
    }

    /// The tool of that name.
    pub fn get(&self, name: &str) -> Option<&Tool> {
        self.tools.iter().find(|(existing, _)| existing == name).map(|(_, tool)| tool)
    }

    /// Whether there are no tools.
    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }

    /// The number of tools.
    pub fn len(&self) -> usize {
        self.tools.len()
    }

    /// The tools' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.tools.iter().map(|(name, _)| name.as_str())
    }

    /// The names and tools, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Tool)> {
        self.tools.iter().map(|(name, tool)| (name.as_str(), tool))
    }

    /// The definitions sent to the model: all tools, or only the active ones.
    pub(crate) fn definitions(&self, active_tools: Option<&[String]>) -> Vec<ToolDefinition> {
        self.tools
            .iter()
            .filter(|(name, _)| is_active(active_tools, name))
            .map(|(name, tool)| tool.definition(name))
            .collect()
    }
}

fn is_active(active_tools: Option<&[String]>, name: &str) -> bool {
    active_tools.is_none_or(|active| active.iter().any(|active| active == name))
}

impl<N: Into<String>, T: Into<Tool>> FromIterator<(N, T)> for ToolSet {
    fn from_iter<Items: IntoIterator<Item = (N, T)>>(items: Items) -> Self {
        let mut set = ToolSet::new();
        items.into_iter().for_each(|(name, tool)| set.insert(name, tool));
        set
    }
}

impl<N: Into<String>, T: Into<Tool>, const COUNT: usize> From<[(N, T); COUNT]> for ToolSet {
    fn from(items: [(N, T); COUNT]) -> Self {
        items.into_iter().collect()
    }
}

/// What the tool-call repair hook receives: the failed call, why it failed, and the tools.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ToolCallRepairRequest {
    /// The call as the model made it.
    pub tool_call: ToolCall,
    /// Why it failed: [`Error::NoSuchTool`] or [`Error::InvalidToolInput`].
    pub error: Error,
    /// The tools the model was given.
    pub tools: Vec<ToolDefinition>,
    /// The conversation the model answered.
    pub messages: Vec<Message>,
}

/// A hook that repairs a tool call with an unknown tool name or invalid input: it returns the
/// corrected call, or `None` to give up (the call then becomes an error result for the model).
pub type ToolCallRepair =
    Arc<dyn Fn(ToolCallRepairRequest) -> BoxFuture<'static, Result<Option<ToolCall>>> + Send + Sync>;

/// Parses a model's tool call against the tools: the tool must exist (and be active) and the
/// input must be JSON that fits a typed tool's type. Provider-executed calls are taken as they are.
pub(crate) fn parse_tool_call(call: &ToolCall, tools: &ToolSet, active_tools: Option<&[String]>) -> Result<ParsedToolCall> {
    let input = parse_input(&call.input);
    if call.provider_executed {
        return Ok(parsed(call, input.unwrap_or_else(|_| Value::String(call.input.clone())), false));
    }
    let tool = match tools.get(&call.tool_name) {
        Some(tool) if is_active(active_tools, &call.tool_name) => tool,
        _ => {
            return Err(Error::NoSuchTool {
                tool_name: call.tool_name.clone(),
                available_tools: tools.names().filter(|name| is_active(active_tools, name)).map(str::to_owned).collect(),
            });
        }
    };
    let invalid = |message: String| Error::InvalidToolInput {
        tool_name: call.tool_name.clone(),
        input: call.input.clone(),
        message,
    };
    let input = input.map_err(|error| invalid(error.to_string()))?;
    if let Some(check) = &tool.check_input {
        check(&input).map_err(invalid)?;
    }
    Ok(parsed(call, input, false))
}

fn parse_input(text: &str) -> serde_json::Result<Value> {
    if text.trim().is_empty() { Ok(Value::Object(Default::default())) } else { serde_json::from_str(text) }
}

fn parsed(call: &ToolCall, input: Value, invalid: bool) -> ParsedToolCall {
    ParsedToolCall {
        tool_call_id: call.tool_call_id.clone(),
        tool_name: call.tool_name.clone(),
        input,
        provider_executed: call.provider_executed,
        provider_metadata: call.provider_metadata.clone(),
        invalid,
    }
}

/// A call that failed to parse, and the error result that answers it.
pub(crate) fn invalid_tool_call(call: &ToolCall, error: Error) -> (ParsedToolCall, ToolCallError) {
    let input = parse_input(&call.input).unwrap_or_else(|_| Value::String(call.input.clone()));
    let parsed_call = parsed(call, input.clone(), true);
    let failure = ToolCallError {
        tool_call_id: call.tool_call_id.clone(),
        tool_name: call.tool_name.clone(),
        input,
        error,
        provider_executed: false,
    };
    (parsed_call, failure)
}

/// Parses a call, asking the repair hook once when parsing fails. Returns the parsed call and,
/// when it stayed invalid, the error that answers it.
pub(crate) async fn parse_or_repair_tool_call(
    call: ToolCall,
    tools: &ToolSet,
    active_tools: Option<&[String]>,
    repair: Option<&ToolCallRepair>,
    messages: impl FnOnce() -> Vec<Message>,
) -> (ParsedToolCall, Option<ToolCallError>) {
    let error = match parse_tool_call(&call, tools, active_tools) {
        Ok(parsed_call) => return (parsed_call, None),
        Err(error) => error,
    };
    let Some(repair) = repair else {
        let (parsed_call, failure) = invalid_tool_call(&call, error);
        return (parsed_call, Some(failure));
    };
    let request = ToolCallRepairRequest {
        tool_call: call.clone(),
        error: error.clone(),
        tools: tools.definitions(active_tools),
        messages: messages(),
    };
    let outcome = match repair(request).await {
        Ok(Some(repaired)) => parse_tool_call(&repaired, tools, active_tools),
        Ok(None) => Err(error),
        Err(repair_error) => Err(repair_error),
    };
    match outcome {
        Ok(parsed_call) => (parsed_call, None),
        Err(error) => {
            let (parsed_call, failure) = invalid_tool_call(&call, error);
            (parsed_call, Some(failure))
        }
    }
}

/// Starts executing a parsed call, when its tool has an execute function. The future is
/// `'static` and never fails: errors and timeouts become [`StepContent::ToolError`]. `messages`
/// is asked for the conversation only when the tool runs.
pub(crate) fn execute_tool_call(
    tools: &ToolSet,
    call: &ParsedToolCall,
    timeout: Option<Duration>,
    cancellation_token: Option<&CancellationToken>,
    messages: impl FnOnce() -> Arc<[Message]>,
) -> Option<BoxFuture<'static, StepContent>> {
    if call.invalid || call.provider_executed {
        return None;
    }
    let tool = tools.get(&call.tool_name)?;
    let execute = tool.execute.clone()?;
    let to_model_output = tool.to_model_output.clone();
    let token = cancellation_token.map_or_else(CancellationToken::new, CancellationToken::child_token);
    let context = ToolContext { tool_call_id: call.tool_call_id.clone(), messages: messages(), cancellation_token: token };
    let running = execute(call.input.clone(), context);
    let tool_call_id = call.tool_call_id.clone();
    let tool_name = call.tool_name.clone();
    let input = call.input.clone();
    Some(Box::pin(async move {
        let outcome = match timeout {
            None => running.await.map_err(|error| execution_error(&tool_name, &tool_call_id, error)),
            Some(duration) => match tokio::time::timeout(duration, running).await {
                Ok(outcome) => outcome.map_err(|error| execution_error(&tool_name, &tool_call_id, error)),
                Err(_) => Err(Error::Timeout { kind: TimeoutKind::Tool, duration }),
            },
        };
        match outcome {
            Ok(output) => {
                let model_output = to_model_output.map(|convert| convert(&output));
                StepContent::ToolResult(ToolCallResult {
                    tool_call_id,
                    tool_name,
                    input,
                    output,
                    model_output,
                    provider_executed: false,
                })
            }
            Err(error) => {
                StepContent::ToolError(ToolCallError { tool_call_id, tool_name, input, error, provider_executed: false })
            }
        }
    }))
}

fn execution_error(tool_name: &str, tool_call_id: &str, error: ToolError) -> Error {
    Error::ToolExecution {
        tool_name: tool_name.to_owned(),
        tool_call_id: tool_call_id.to_owned(),
        message: error.to_string(),
        source: Some(BoxedSource::from(error)),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize, JsonSchema)]
    struct WeatherInput {
        /// The city.
        city: String,
    }

    fn call(name: &str, input: &str) -> ToolCall {
        ToolCall {
            tool_call_id: "call_1".into(),
            tool_name: name.into(),
            input: input.into(),
            provider_executed: false,
            provider_metadata: None,
        }
    }

    fn no_messages() -> Arc<[Message]> {
        Arc::from(Vec::new())
    }

    fn weather_tools() -> ToolSet {
        ToolSet::new().with(
            "weather",
            Tool::typed::<WeatherInput>("Weather in a city")
                .execute(|input: WeatherInput, _context| async move { Ok::<_, ToolError>(format!("sunny in {}", input.city)) }),
        )
    }

    #[test]
    fn typed_tools_derive_their_schema() {
        let tools = weather_tools();
        let definition = tools.definitions(None).remove(0);
        let ToolDefinition::Function(function) = definition else { panic!() };
        assert_eq!(function.name, "weather");
        assert_eq!(function.input_schema["properties"]["city"]["type"], "string");
        assert!(function.input_schema.get("$schema").is_none());
    }

    #[test]
    fn parsing_checks_name_activity_and_input() {
        let tools = weather_tools();
        assert_eq!(parse_tool_call(&call("weather", r#"{"city":"Oslo"}"#), &tools, None).unwrap().input["city"], "Oslo");
        assert!(matches!(parse_tool_call(&call("nope", "{}"), &tools, None), Err(Error::NoSuchTool { .. })));
        assert!(matches!(
            parse_tool_call(&call("weather", "{}"), &tools, None),
            Err(Error::InvalidToolInput { .. })
        ));
        assert!(matches!(
            parse_tool_call(&call("weather", "{not json"), &tools, None),
            Err(Error::InvalidToolInput { .. })
        ));
        let active = vec!["other".to_owned()];
        assert!(matches!(
            parse_tool_call(&call("weather", r#"{"city":"Oslo"}"#), &tools, Some(&active)),
            Err(Error::NoSuchTool { .. })
        ));
    }

    #[tokio::test]
    async fn execution_errors_and_timeouts_become_tool_errors() {
        let tools = ToolSet::new()
            .with("fails", Tool::dynamic("fails", json!({})).execute(|_, _| async { Err::<Value, _>("boom") }))
            .with(
                "slow",
                Tool::dynamic("slow", json!({})).execute(|_, _| async {
                    tokio::time::sleep(Duration::from_secs(10)).await;
                    Ok::<_, ToolError>(1)
                }),
            );
        let failing = parse_tool_call(&call("fails", "{}"), &tools, None).unwrap();
        match execute_tool_call(&tools, &failing, None, None, no_messages).unwrap().await {
            StepContent::ToolError(failure) => assert!(failure.error.to_string().contains("boom")),
            other => panic!("{other:?}"),
        }
        let slow = parse_tool_call(&call("slow", "{}"), &tools, None).unwrap();
        tokio::time::pause();
        match execute_tool_call(&tools, &slow, Some(Duration::from_millis(5)), None, no_messages).unwrap().await {
            StepContent::ToolError(failure) => {
                assert!(matches!(failure.error, Error::Timeout { kind: TimeoutKind::Tool, .. }))
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn typed_tools_receive_the_deserialized_input() {
        let tools = weather_tools();
        let parsed_call = parse_tool_call(&call("weather", r#"{"city":"Oslo"}"#), &tools, None).unwrap();
        match execute_tool_call(&tools, &parsed_call, None, None, no_messages).unwrap().await {
            StepContent::ToolResult(result) => assert_eq!(result.output, json!("sunny in Oslo")),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn to_model_output_shapes_what_the_model_receives() {
        use crate::provider::ToolResultContent;
        let tools = ToolSet::new().with(
            "screenshot",
            Tool::dynamic("Screenshot", json!({"type": "object"}))
                .execute(|_, _| async { Ok::<_, ToolError>(json!({"png": "AQID"})) })
                .to_model_output(|output| ToolResultOutput::Content {
                    value: vec![ToolResultContent::Media {
                        data: output["png"].as_str().unwrap_or_default().to_owned(),
                        media_type: "image/png".into(),
                    }],
                }),
        );
        let parsed_call = parse_tool_call(&call("screenshot", "{}"), &tools, None).unwrap();
        let content = execute_tool_call(&tools, &parsed_call, None, None, no_messages).unwrap().await;
        let messages = crate::step::response_messages(&[StepContent::ToolCall(parsed_call), content]);
        match &messages[1] {
            Message::Tool { content, .. } => assert!(matches!(&content[0].output, ToolResultOutput::Content { .. })),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dynamic_tools_check_input_against_their_schema() {
        let schema = json!({
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "days": {"type": "integer"},
                "units": {"enum": ["metric", "imperial"]},
                "tags": {"type": "array", "items": {"type": "string"}}
            },
            "required": ["city"],
            "additionalProperties": false
        });
        let tools = ToolSet::new().with("forecast", Tool::dynamic("Forecast", schema));
        let parse = |input: &str| parse_tool_call(&call("forecast", input), &tools, None);
        assert!(parse(r#"{"city":"Oslo","days":3,"units":"metric","tags":["a"]}"#).is_ok());
        for (input, expected) in [
            (r#"{"days":3}"#, "required property `city`"),
            (r#"{"city":1}"#, "input.city should be of type"),
            (r#"{"city":"Oslo","days":1.5}"#, "input.days"),
            (r#"{"city":"Oslo","units":"kelvin"}"#, "input.units should be one of"),
            (r#"{"city":"Oslo","tags":[1]}"#, "input.tags[0]"),
            (r#"{"city":"Oslo","extra":true}"#, "unexpected property `extra`"),
            (r#"[1]"#, "input should be of type"),
        ] {
            match parse(input) {
                Err(Error::InvalidToolInput { message, .. }) => assert!(message.contains(expected), "{input}: {message}"),
                other => panic!("{input}: {other:?}"),
            }
        }
    }
}
