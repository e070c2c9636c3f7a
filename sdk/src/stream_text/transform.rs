//! Transforms over the part stream a caller reads (AI SDK 7's `experimental_transform`):
//! re-chunking text ([`smooth_stream`](super::smooth_stream())), filtering or rewriting parts.
//!
//! A transform pulls parts from the one before it (the first pulls from the generation) and
//! yields what the caller reads; several compose in the order they were added. Transforms change
//! what is read, not what is recorded: the steps, text and other final values come from the parts
//! as the model sent them. Without transforms the stream pays one `is_empty` check per part.

use std::task::{Context, Poll};

use crate::error::Result;
use crate::output::OutputSpec;

use super::driver::StreamTextResult;
use super::part::TextStreamPart;

/// Where a transform pulls its parts from: the transform before it, or the generation (see
/// [`StreamTransform`] for an example).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use std::task::{Context, Poll};
/// use futures::StreamExt;
/// use specai::stream_text::{PartSource, StreamTransform};
/// use specai::test_util::{MockLanguageModel, MockStream};
/// use specai::TextStreamPart;
///
/// /// Drops empty text deltas: pulls from upstream until a part worth passing on.
/// struct SkipEmpty;
///
/// impl StreamTransform for SkipEmpty {
///     fn poll_transform(&mut self, context: &mut Context<'_>, upstream: &mut dyn PartSource) -> Poll<Option<specai::Result<TextStreamPart>>> {
///         loop {
///             match upstream.poll_next_part(context) {
///                 Poll::Ready(Some(Ok(TextStreamPart::TextDelta { delta, .. }))) if delta.is_empty() => continue,
///                 other => return other,
///             }
///         }
///     }
/// }
///
/// let model = MockLanguageModel::new().with_stream(MockStream::text(["a", "", "b"]));
/// let mut result = specai::stream_text(model).prompt("Hi").transform(SkipEmpty).start();
/// let deltas: Vec<String> = result.text_stream().map(Result::unwrap).collect().await;
/// assert_eq!(deltas, ["a", "b"]);
/// # Ok(()) }
/// ```
pub trait PartSource {
    /// Polls for the next part.
    fn poll_next_part(&mut self, context: &mut Context<'_>) -> Poll<Option<Result<TextStreamPart>>>;
}

/// A transform of the part stream, added with [`StreamText::transform`](super::StreamText::transform).
///
/// It is polled like a stream and pulls from `upstream` when it needs input; it may hold parts
/// back, split or merge them, wait (register a timer with `context`), or end the stream early by
/// returning `Ready(None)`.
///
/// ```
/// use std::task::{Context, Poll};
/// use specai::stream_text::{PartSource, StreamTransform};
/// use specai::TextStreamPart;
///
/// /// Upper-cases text deltas.
/// struct Shout;
///
/// impl StreamTransform for Shout {
///     fn poll_transform(
///         &mut self,
///         context: &mut Context<'_>,
///         upstream: &mut dyn PartSource,
///     ) -> Poll<Option<specai::Result<TextStreamPart>>> {
///         upstream.poll_next_part(context).map(|part| {
///             part.map(|part| {
///                 part.map(|part| match part {
///                     TextStreamPart::TextDelta { id, delta } => TextStreamPart::TextDelta { id, delta: delta.to_uppercase() },
///                     other => other,
///                 })
///             })
///         })
///     }
/// }
/// ```
pub trait StreamTransform: Send {
    /// Polls for the next part the caller reads.
    fn poll_transform(
        &mut self,
        context: &mut Context<'_>,
        upstream: &mut dyn PartSource,
    ) -> Poll<Option<Result<TextStreamPart>>>;
}

/// A transform that maps each part to zero or one part; see [`map_parts`] (which has an
/// example).
pub struct MapParts<F> {
    map: F,
}

/// A transform from a function of each part: `Some` replaces the part, `None` drops it.
///
/// ```
/// # async fn example() -> specai::Result<()> {
/// # let model = specai::test_util::MockLanguageModel::new().with_stream(specai::test_util::MockStream::text(["a"]));
/// use specai::TextStreamPart;
/// use specai::stream_text::map_parts;
///
/// // Hide reasoning from the reader.
/// let mut result = specai::stream_text(model)
///     .prompt("Hi")
///     .transform(map_parts(|part| match part {
///         TextStreamPart::ReasoningDelta { .. } => None,
///         other => Some(other),
///     }))
///     .start();
/// # result.consume().await?;
/// # Ok(()) }
/// ```
pub fn map_parts<F>(map: F) -> MapParts<F>
where
    F: FnMut(TextStreamPart) -> Option<TextStreamPart> + Send,
{
    MapParts { map }
}

impl<F> StreamTransform for MapParts<F>
where
    F: FnMut(TextStreamPart) -> Option<TextStreamPart> + Send,
{
    fn poll_transform(
        &mut self,
        context: &mut Context<'_>,
        upstream: &mut dyn PartSource,
    ) -> Poll<Option<Result<TextStreamPart>>> {
        loop {
            match std::task::ready!(upstream.poll_next_part(context)) {
                Some(Ok(part)) => {
                    if let Some(part) = (self.map)(part) {
                        return Poll::Ready(Some(Ok(part)));
                    }
                }
                other => return Poll::Ready(other),
            }
        }
    }
}

/// The transforms before the one being polled, over the generation.
struct Upstream<'a, O: OutputSpec> {
    transforms: &'a mut [Box<dyn StreamTransform>],
    result: &'a mut StreamTextResult<O>,
}

impl<O: OutputSpec> PartSource for Upstream<'_, O> {
    fn poll_next_part(&mut self, context: &mut Context<'_>) -> Poll<Option<Result<TextStreamPart>>> {
        poll_through(self.transforms, self.result, context)
    }
}

/// Polls the last transform, which pulls through the ones before it from the generation.
pub(super) fn poll_through<O: OutputSpec>(
    transforms: &mut [Box<dyn StreamTransform>],
    result: &mut StreamTextResult<O>,
    context: &mut Context<'_>,
) -> Poll<Option<Result<TextStreamPart>>> {
    match transforms.split_last_mut() {
        None => result.poll_observed(context),
        Some((last, before)) => last.poll_transform(context, &mut Upstream { transforms: before, result }),
    }
}
