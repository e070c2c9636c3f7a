//! Tools that stream their outputs: each output is a preliminary result, visible in
//! `stream_text`'s part stream as it comes, and the last one is the tool's result (AI SDK 7's
//! async-iterable `execute`).

use futures::stream::{Stream, StreamExt};
#[cfg(feature = "schemars")]
use schemars::JsonSchema;
use serde::Serialize;
#[cfg(feature = "schemars")]
use serde::de::DeserializeOwned;
use serde_json::Value;

#[cfg(feature = "schemars")]
use super::TypedTool;
use super::{Tool, ToolContext, ToolError, ToolOutputs, to_json_output};

/// Serializes each output of a streaming tool; the first error ends the stream.
fn json_outputs<S, O>(outputs: S) -> ToolOutputs
where
    S: Stream<Item = Result<O, ToolError>> + Send + 'static,
    O: Serialize + 'static,
{
    outputs.map(to_json_output).boxed()
}

impl Tool {
    /// Sets an execute function that streams outputs (a dynamic tool's JSON input): each is a
    /// preliminary result, and the last is the result the model receives. A stream that ends
    /// without an output is a tool error.
    ///
    /// ```
    /// use futures::stream;
    /// use specai::{Tool, ToolError};
    ///
    /// let progress = Tool::dynamic("Builds a report", serde_json::json!({"type": "object"}))
    ///     .execute_streaming(|_input, _context| {
    ///         stream::iter([Ok::<_, ToolError>("started"), Ok("half done"), Ok("the report")])
    ///     });
    /// # let _ = progress;
    /// ```
    pub fn execute_streaming<F, S, O>(self, execute: F) -> Tool
    where
        F: Fn(Value, ToolContext) -> S + Send + Sync + 'static,
        S: Stream<Item = Result<O, ToolError>> + Send + 'static,
        O: Serialize + 'static,
    {
        self.with_execute(true, move |input, context| json_outputs(execute(input, context)))
    }
}

#[cfg(feature = "schemars")]
impl<I> TypedTool<I>
where
    I: JsonSchema + DeserializeOwned + Send + 'static,
{
    /// Sets an execute function that streams outputs from the typed input: each is a preliminary
    /// result, and the last is the result the model receives.
    ///
    /// ```
    /// use futures::stream;
    /// use specai::{Tool, ToolError};
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Query { text: String }
    ///
    /// let search = Tool::typed::<Query>("Searches").execute_streaming(|query: Query, _context| {
    ///     stream::iter([Ok::<_, ToolError>(format!("searching {}", query.text)), Ok("3 hits".to_owned())])
    /// });
    /// # let _ = search;
    /// ```
    pub fn execute_streaming<F, S, O>(self, execute: F) -> Tool
    where
        F: Fn(I, ToolContext) -> S + Send + Sync + 'static,
        S: Stream<Item = Result<O, ToolError>> + Send + 'static,
        O: Serialize + 'static,
    {
        self.with_typed_execute(true, move |input, context| json_outputs(execute(input, context)))
    }
}
