//! Structured output: how a generation's text becomes a typed value.
//!
//! An [`OutputSpec`] says what response format to ask for, how to parse the final text and how
//! to parse a prefix while streaming. [`Output`] builds the usual ones: plain text, an object of
//! a Rust type, an array of them (with element streaming), a choice among strings, and
//! schema-less JSON. Schemas are derived once, when the spec is built, with `schemars` (feature
//! `schemars`: without it, `Output::object` and `Output::array` are not there, and `Output::json`
//! gives the value to deserialize).
//! As in the AI SDK, arrays travel as `{"elements": [...]}` and choices as `{"result": "..."}`,
//! because some providers (OpenAI) only accept an object at the top level.

use std::marker::PhantomData;
use std::sync::Arc;

#[cfg(feature = "schemars")]
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::error::{BoxedSource, Error, NoObjectGeneratedError};
use crate::partial_json::{parse_partial_array, parse_partial_json};
use crate::provider::{FinishReason, ResponseFormat, Usage};
#[cfg(feature = "schemars")]
use crate::tool::json_schema_for;

/// How a generation's text becomes a typed output. Stateless: the generation functions call
/// [`parse_partial`](OutputSpec::parse_partial) with the whole text so far after each delta.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::provider::ResponseFormat;
/// use specai::test_util::{MockLanguageModel, text_response};
/// use specai::{OutputParseError, OutputSpec};
///
/// /// One item per line, as plain text (for models without JSON output).
/// struct Lines;
///
/// impl OutputSpec for Lines {
///     type Complete = Vec<String>;
///     type Partial = Vec<String>;
///
///     fn response_format(&self) -> ResponseFormat {
///         ResponseFormat::Text
///     }
///
///     fn parse_complete(&self, text: &str) -> Result<Vec<String>, OutputParseError> {
///         let lines: Vec<String> = text.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_owned).collect();
///         if lines.is_empty() { Err(OutputParseError::new("no lines", None)) } else { Ok(lines) }
///     }
///
///     fn parse_partial(&self, text: &str) -> Option<Vec<String>> {
///         // Only finished lines: the last one may still grow.
///         let finished = &text[..text.rfind('\n')? + 1];
///         self.parse_complete(finished).ok()
///     }
/// }
///
/// let model = MockLanguageModel::new().with_response(text_response("Paris\nLyon\nMarseille"));
/// let cities = specai::generate_text(model).prompt("Three French cities").output(Lines).await?.output;
/// assert_eq!(cities, ["Paris", "Lyon", "Marseille"]);
/// assert_eq!(Lines.parse_partial("Paris\nLy"), Some(vec!["Paris".to_owned()]));
/// # Ok(()) }
/// ```
pub trait OutputSpec: Send + Sync + 'static {
    /// The final typed value (`T`, `Vec<T>`, `String`, `serde_json::Value`).
    type Complete: Send + 'static;
    /// The partial value while streaming.
    type Partial: Send + Clone + 'static;

    /// What goes into [`CallOptions::response_format`](crate::provider::CallOptions).
    fn response_format(&self) -> ResponseFormat;

    /// Parses the complete text.
    fn parse_complete(&self, text: &str) -> Result<Self::Complete, OutputParseError>;

    /// Parses the text so far; `None` when nothing is parseable yet.
    fn parse_partial(&self, text: &str) -> Option<Self::Partial>;

    /// Whether `current` is worth emitting after `previous` (the last partial emitted).
    /// Defaults to always; the built-in specs compare values.
    fn is_new_partial(&self, _previous: Option<&Self::Partial>, _current: &Self::Partial) -> bool {
        true
    }
}

/// The final text did not parse (or validate) as the requested output.
///
#[cfg_attr(feature = "schemars", doc = " ```")]
#[cfg_attr(not(feature = "schemars"), doc = " ```ignore")]
/// use specai::{Output, OutputSpec};
///
/// #[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
/// struct City {
///     name: String,
/// }
///
/// // A spec's parse of the final text fails with this; the generation functions then report
/// // `Error::NoObjectGenerated` with the model's text.
/// let error = Output::object::<City>().parse_complete(r#"{"nom": "Lyon"}"#).unwrap_err();
/// assert!(error.message.contains("missing field `name`"), "{}", error.message);
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct OutputParseError {
    /// What was wrong.
    pub message: String,
    /// The parser's error.
    #[source]
    pub source: Option<BoxedSource>,
}

impl OutputParseError {
    /// A parse error.
    pub fn new(message: impl Into<String>, source: Option<BoxedSource>) -> Self {
        OutputParseError { message: message.into(), source }
    }

    /// The [`Error::NoObjectGenerated`] for this failure, with what the model produced.
    pub fn into_error(self, text: Option<String>, usage: Usage, finish_reason: Option<FinishReason>) -> Error {
        let message = format!("the model's answer is not a valid output: {}", self.message);
        NoObjectGeneratedError::new(message, text, usage, finish_reason, Some(Arc::new(self))).into()
    }

    fn from_json(what: &str, error: serde_json::Error) -> Self {
        OutputParseError::new(format!("{what}: {error}"), Some(Arc::new(error)))
    }
}

/// Builders of the usual output specs.
///
#[cfg_attr(feature = "schemars", doc = " ```")]
#[cfg_attr(not(feature = "schemars"), doc = " ```ignore")]
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::Output;
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// // A choice among strings: sent as {"result": ...}, read back as the string.
/// let model = MockLanguageModel::new().with_response(text_response(r#"{"result": "negative"}"#));
/// let sentiment = specai::generate_text(model)
///     .prompt("Sentiment of: 'the soup was cold'")
///     .output(Output::choice(["positive", "neutral", "negative"]))
///     .await?
///     .output;
/// assert_eq!(sentiment, "negative");
///
/// // An array of a Rust type, sent as {"elements": [...]}.
/// #[derive(Debug, Clone, PartialEq, serde::Deserialize, schemars::JsonSchema)]
/// struct Step {
///     action: String,
/// }
/// let model = MockLanguageModel::new().with_response(text_response(r#"{"elements": [{"action": "boil"}, {"action": "serve"}]}"#));
/// let steps = specai::generate_text(model).prompt("Steps of a soup").output(Output::array::<Step>()).await?.output;
/// assert_eq!(steps.len(), 2);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Output;

impl Output {
    /// The text itself; no response format is sent.
    pub fn text() -> TextOutput {
        TextOutput
    }

    /// An object of type `T`, whose JSON Schema is sent as the response format (feature
    /// `schemars`).
    #[cfg(feature = "schemars")]
    pub fn object<T: JsonSchema + DeserializeOwned + Send + 'static>() -> ObjectOutput<T> {
        ObjectOutput { format: SchemaFormat::new(json_schema_for::<T>()), _type: PhantomData }
    }

    /// An array of `T`, sent as `{"elements": [...]}`; while streaming, the partial value holds
    /// the finished elements (see [`ElementCursor`] for an element stream). Feature `schemars`.
    #[cfg(feature = "schemars")]
    pub fn array<T: JsonSchema + DeserializeOwned + Clone + Send + Sync + 'static>() -> ArrayOutput<T> {
        let schema = json!({
            "type": "object",
            "properties": { "elements": { "type": "array", "items": json_schema_for::<T>() } },
            "required": ["elements"],
            "additionalProperties": false,
        });
        ArrayOutput { format: SchemaFormat::new(schema), _type: PhantomData }
    }

    /// One of these strings, sent as `{"result": "..."}`.
    pub fn choice<I, S>(choices: I) -> ChoiceOutput
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let choices: Vec<String> = choices.into_iter().map(Into::into).collect();
        let schema = json!({
            "type": "object",
            "properties": { "result": { "type": "string", "enum": choices } },
            "required": ["result"],
            "additionalProperties": false,
        });
        ChoiceOutput { choices: Arc::new(choices), format: SchemaFormat::new(schema) }
    }

    /// Any JSON value, without a schema.
    pub fn json() -> JsonOutput {
        JsonOutput { name: None, description: None }
    }
}

macro_rules! name_and_description {
    ($($field:ident),*) => {
        /// A name for the output, for providers that take one.
        pub fn name(mut self, name: impl Into<String>) -> Self {
            self.$($field.)*name = Some(name.into());
            self
        }

        /// A description of the output, for providers that take one.
        pub fn description(mut self, description: impl Into<String>) -> Self {
            self.$($field.)*description = Some(description.into());
            self
        }
    };
}

/// The response format of an output with a JSON Schema (object, array, choice): the schema, and
/// the name and description the caller gives.
#[derive(Debug, Clone)]
struct SchemaFormat {
    schema: Arc<Value>,
    name: Option<String>,
    description: Option<String>,
}

impl SchemaFormat {
    fn new(schema: Value) -> Self {
        SchemaFormat { schema: Arc::new(schema), name: None, description: None }
    }

    fn response_format(&self) -> ResponseFormat {
        ResponseFormat::Json {
            schema: Some((*self.schema).clone()),
            name: self.name.clone(),
            description: self.description.clone(),
        }
    }
}

/// Plain text output.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOutput;

impl OutputSpec for TextOutput {
    type Complete = String;
    type Partial = String;

    fn response_format(&self) -> ResponseFormat {
        ResponseFormat::Text
    }

    fn parse_complete(&self, text: &str) -> Result<String, OutputParseError> {
        Ok(text.to_owned())
    }

    fn parse_partial(&self, text: &str) -> Option<String> {
        (!text.is_empty()).then(|| text.to_owned())
    }

    fn is_new_partial(&self, previous: Option<&String>, current: &String) -> bool {
        previous != Some(current)
    }
}

/// An object of type `T`. The partial value is the JSON object seen so far.
pub struct ObjectOutput<T> {
    format: SchemaFormat,
    _type: PhantomData<fn() -> T>,
}

impl<T> ObjectOutput<T> {
    name_and_description!(format);

    /// The JSON Schema sent.
    pub fn schema(&self) -> &Value {
        &self.format.schema
    }
}

impl<T> Clone for ObjectOutput<T> {
    fn clone(&self) -> Self {
        ObjectOutput { format: self.format.clone(), _type: PhantomData }
    }
}

impl<T> std::fmt::Debug for ObjectOutput<T> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("ObjectOutput").field("type", &std::any::type_name::<T>()).field("name", &self.format.name).finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> OutputSpec for ObjectOutput<T> {
    type Complete = T;
    type Partial = Value;

    fn response_format(&self) -> ResponseFormat {
        self.format.response_format()
    }

    fn parse_complete(&self, text: &str) -> Result<T, OutputParseError> {
        parse_json_text(text, "the text is not a JSON value of the requested type")
    }

    fn parse_partial(&self, text: &str) -> Option<Value> {
        parse_partial_json(strip_code_fence_start(text)).map(|partial| partial.value)
    }

    fn is_new_partial(&self, previous: Option<&Value>, current: &Value) -> bool {
        previous != Some(current)
    }
}

/// An array of `T`. The partial value holds the elements finished so far, each once valid.
pub struct ArrayOutput<T> {
    format: SchemaFormat,
    _type: PhantomData<fn() -> T>,
}

impl<T> ArrayOutput<T> {
    name_and_description!(format);

    /// The JSON Schema sent (the `{"elements": [...]}` wrapper).
    pub fn schema(&self) -> &Value {
        &self.format.schema
    }
}

impl<T> Clone for ArrayOutput<T> {
    fn clone(&self) -> Self {
        ArrayOutput { format: self.format.clone(), _type: PhantomData }
    }
}

impl<T> std::fmt::Debug for ArrayOutput<T> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("ArrayOutput").field("element", &std::any::type_name::<T>()).field("name", &self.format.name).finish()
    }
}

#[derive(Deserialize)]
struct Elements<T> {
    elements: Vec<T>,
}

impl<T: DeserializeOwned + Clone + Send + Sync + 'static> OutputSpec for ArrayOutput<T> {
    type Complete = Vec<T>;
    type Partial = Vec<T>;

    fn response_format(&self) -> ResponseFormat {
        self.format.response_format()
    }

    fn parse_complete(&self, text: &str) -> Result<Vec<T>, OutputParseError> {
        let json = extract_json(text);
        if json.starts_with('[') {
            // A bare array (a model following a prompt instruction loosely) is accepted too.
            return serde_json::from_str(json).map_err(|error| OutputParseError::from_json("the text is not an array of the requested type", error));
        }
        parse_json_text::<Elements<T>>(text, "the text is not {\"elements\": [...]} of the requested type").map(|wrapper| wrapper.elements)
    }

    fn parse_partial(&self, text: &str) -> Option<Vec<T>> {
        let text = strip_code_fence_start(text);
        let wrapper = if text.trim_start().starts_with('[') { None } else { Some("elements") };
        let array = parse_partial_array(text, wrapper)?;
        let mut elements = Vec::with_capacity(array.complete_elements);
        for value in array.elements.into_iter().take(array.complete_elements) {
            // A finished element that does not fit `T` ends the partial list here; the final
            // parse reports it.
            match T::deserialize(value) {
                Ok(element) => elements.push(element),
                Err(_) => break,
            }
        }
        Some(elements)
    }

    fn is_new_partial(&self, previous: Option<&Vec<T>>, current: &Vec<T>) -> bool {
        previous.is_none_or(|previous| previous.len() != current.len())
    }
}

/// Yields each finished element of a streamed array exactly once: feed it every partial value
/// (finished elements only, in order) and at the end the complete array.
#[derive(Debug, Clone, Copy, Default)]
pub struct ElementCursor {
    yielded: usize,
}

impl ElementCursor {
    /// A cursor that has yielded nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The elements of `elements` not yielded before.
    pub fn next_elements<'a, T>(&mut self, elements: &'a [T]) -> &'a [T] {
        let new = elements.get(self.yielded..).unwrap_or_default();
        self.yielded = self.yielded.max(elements.len());
        new
    }

    /// How many elements were yielded.
    pub fn yielded(&self) -> usize {
        self.yielded
    }
}

/// One of a set of strings.
#[derive(Debug, Clone)]
pub struct ChoiceOutput {
    choices: Arc<Vec<String>>,
    format: SchemaFormat,
}

impl ChoiceOutput {
    name_and_description!(format);

    /// The choices.
    pub fn choices(&self) -> &[String] {
        &self.choices
    }
}

#[derive(Deserialize)]
struct ChoiceResult {
    result: String,
}

impl OutputSpec for ChoiceOutput {
    type Complete = String;
    type Partial = String;

    fn response_format(&self) -> ResponseFormat {
        self.format.response_format()
    }

    fn parse_complete(&self, text: &str) -> Result<String, OutputParseError> {
        let json = extract_json(text);
        let result = match serde_json::from_str::<ChoiceResult>(json) {
            Ok(choice) => choice.result,
            // A bare string is accepted too.
            Err(error) => serde_json::from_str::<String>(json).map_err(|_| OutputParseError::from_json("the text is not {\"result\": \"...\"}", error))?,
        };
        if self.choices.contains(&result) {
            Ok(result)
        } else {
            Err(OutputParseError::new(format!("`{result}` is not one of: {}", self.choices.join(", ")), None))
        }
    }

    fn parse_partial(&self, text: &str) -> Option<String> {
        let partial = parse_partial_json(strip_code_fence_start(text))?;
        let result = partial.value.get("result")?.as_str()?;
        if result.is_empty() {
            return None;
        }
        let mut candidates = self.choices.iter().filter(|choice| choice.starts_with(result));
        let first = candidates.next()?;
        // One candidate left: it is the answer; several: the prefix so far.
        Some(if candidates.next().is_none() { first.clone() } else { result.to_owned() })
    }

    fn is_new_partial(&self, previous: Option<&String>, current: &String) -> bool {
        previous != Some(current)
    }
}

/// Any JSON value.
#[derive(Debug, Clone, Default)]
pub struct JsonOutput {
    name: Option<String>,
    description: Option<String>,
}

impl JsonOutput {
    name_and_description!();
}

impl OutputSpec for JsonOutput {
    type Complete = Value;
    type Partial = Value;

    fn response_format(&self) -> ResponseFormat {
        ResponseFormat::Json { schema: None, name: self.name.clone(), description: self.description.clone() }
    }

    fn parse_complete(&self, text: &str) -> Result<Value, OutputParseError> {
        parse_json_text(text, "the text is not JSON")
    }

    fn parse_partial(&self, text: &str) -> Option<Value> {
        parse_partial_json(strip_code_fence_start(text)).map(|partial| partial.value)
    }

    fn is_new_partial(&self, previous: Option<&Value>, current: &Value) -> bool {
        previous != Some(current)
    }
}

/// Parses `text` as JSON into `T`, accepting a Markdown code fence around it.
fn parse_json_text<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, OutputParseError> {
    serde_json::from_str(text).or_else(|error| {
        let inner = extract_json(text);
        if inner.len() == text.len() {
            return Err(OutputParseError::from_json(what, error));
        }
        serde_json::from_str(inner).map_err(|error| OutputParseError::from_json(what, error))
    })
}

/// The JSON inside a Markdown code fence (```` ```json ... ``` ````), or the trimmed text.
fn extract_json(text: &str) -> &str {
    let trimmed = text.trim();
    let Some(rest) = trimmed.strip_prefix("```") else { return trimmed };
    let body = rest.split_once('\n').map_or("", |(_, body)| body);
    body.trim_end().strip_suffix("```").unwrap_or(body).trim()
}

/// The text after an opening code fence line, when the text starts with one (while streaming).
fn strip_code_fence_start(text: &str) -> &str {
    let trimmed = text.trim_start();
    match trimmed.strip_prefix("```") {
        Some(rest) => {
            let body = rest.split_once('\n').map_or("", |(_, body)| body);
            body.split("```").next().unwrap_or(body)
        }
        None => text,
    }
}

#[cfg(test)]
#[path = "output_tests.rs"]
mod tests;
