//! What only streams have: the `on_chunk`, `on_error` and `on_abort` callbacks, and the
//! transforms. Each callback is an `Option` checked where its event happens, so an unset one
//! costs a branch per part at most.

use std::sync::Arc;

use crate::error::Error;
use crate::step::StepResult;

use super::part::TextStreamPart;
use super::transform::StreamTransform;

/// Called with each part the generation makes (before transforms).
///
/// ```
/// # async fn example() -> specai::Result<()> {
/// # let model = specai::test_util::MockLanguageModel::new().with_stream(specai::test_util::MockStream::text(["a"]));
/// let mut result = specai::stream_text(model)
///     .prompt("Hi")
///     .on_chunk(|part| tracing::trace!(?part, "part"))
///     .on_error(|error| tracing::warn!(%error, "generation failed"))
///     .on_abort(|steps| tracing::info!(steps = steps.len(), "cancelled"))
///     .start();
/// result.consume().await?;
/// # Ok(()) }
/// ```
pub type OnChunk = Arc<dyn Fn(&TextStreamPart) + Send + Sync>;

/// Called when the generation fails (not when it is cancelled: that is `on_abort`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::sync::{Arc, Mutex};
/// use specai::error::ApiCallError;
/// use specai::test_util::MockLanguageModel;
///
/// let model = MockLanguageModel::new().with_stream_error(ApiCallError::new(401, "https://api.example.com", "invalid key"));
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = seen.clone();
/// let mut result = specai::stream_text(model)
///     .prompt("Hi")
///     .on_error(move |error| log.lock().unwrap().push(error.to_string()))
///     .start();
/// assert!(result.consume().await.is_err(), "the reader gets the error too");
/// assert!(seen.lock().unwrap()[0].contains("invalid key"));
/// # }
/// ```
pub type OnError = Arc<dyn Fn(&Error) + Send + Sync>;

/// Called with the steps so far when the generation is cancelled.
pub type OnAbort = Arc<dyn Fn(&[StepResult]) + Send + Sync>;

/// The stream callbacks.
#[derive(Clone, Default)]
pub(super) struct StreamCallbacks {
    pub(super) on_chunk: Option<OnChunk>,
    pub(super) on_error: Option<OnError>,
    pub(super) on_abort: Option<OnAbort>,
}

/// The stream callbacks and transforms of a `stream_text` call.
#[derive(Default)]
pub(crate) struct StreamExtras {
    pub(super) callbacks: StreamCallbacks,
    pub(super) transforms: Vec<Box<dyn StreamTransform>>,
}
