//! What the output spec adds to a generation: the response format it asks for, and the parse of
//! the final step's text.

use crate::error::Result;
use crate::output::OutputSpec;
use crate::provider::{ResponseFormat, Usage};
use crate::step::StepResult;

/// The response format to send for an output spec: none for plain text.
pub(crate) fn response_format_of<O: OutputSpec>(output: &O) -> Option<ResponseFormat> {
    match output.response_format() {
        ResponseFormat::Text => None,
        format => Some(format),
    }
}

/// Parses the final step's text with the output spec.
pub(crate) fn parse_output<O: OutputSpec>(output: &O, last: &StepResult, total_usage: &Usage) -> Result<O::Complete> {
    let text = last.text();
    output
        .parse_complete(&text)
        .map_err(|error| error.into_error(Some(text.into_owned()), total_usage.clone(), Some(last.finish_reason)))
}
