//! Shared helpers for the integration tests.

pub mod local_server;
pub mod fixtures;

use specai::provider::StreamPart;

/// The concatenated text deltas of a part stream.
pub fn text_of(parts: &[StreamPart]) -> String {
    parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::TextDelta { delta, .. } => Some(delta.as_str()),
            _ => None,
        })
        .collect()
}
