//! Telemetry: `tracing` spans and metrics that follow the OpenTelemetry semantic conventions for
//! generative AI, for every operation, step, model call and tool execution.
//!
//! The spans are plain `tracing` spans (target `specai::telemetry`), so any `tracing`
//! subscriber sees them; with the cargo feature `opentelemetry`, [`opentelemetry_layer`] and
//! [`metrics_layer`] send them to an OpenTelemetry exporter through `tracing-opentelemetry`.
//! When nothing subscribes they cost a check per span (see the throughput benchmark's
//! `telemetry` case), which is why they are always on rather than behind a feature.
//!
//! The tree of a tool loop:
//! ```text
//! generate_text gpt-4o            specai.operation.name, gen_ai.request.model, usage, finish reasons
//! ├── step 0
//! │   ├── chat gpt-4o             (client) request settings, gen_ai.response.*, gen_ai.usage.*
//! │   └── execute_tool weather    gen_ai.tool.name, gen_ai.tool.call.id
//! └── step 1
//!     └── chat gpt-4o
//! ```
//! `embed`, `embed_many`, `generate_image`, `generate_speech`, `transcribe` and `rerank` have an
//! operation span with one model call span per call (`embeddings {model}`, `generate_content
//! {model}`, `rerank {model}`). Failures set `error.type` and an error status on the span that
//! failed and on the operation's.
//!
//! Prompts, outputs, tool arguments and tool results (`gen_ai.input.messages`,
//! `gen_ai.output.messages`, `gen_ai.system_instructions`, `gen_ai.tool.call.arguments`,
//! `gen_ai.tool.call.result`) are recorded only when the caller opts in: for every call with
//! [`set_record_content`], or for one call with the builders' `.record_content(true)` or
//! `.telemetry(TelemetrySettings)`. API keys are never recorded: no span carries headers, and
//! errors print without keys.
//!
//! Metrics are `tracing` events (see [`METRICS_TARGET`]) read by `tracing-opentelemetry`'s
//! `MetricsLayer`: `gen_ai.client.operation.duration` (model calls, and tool executions as
//! operation `execute_tool`), `gen_ai.client.token.usage`,
//! `gen_ai.client.operation.time_to_first_chunk` and
//! `gen_ai.client.operation.time_per_output_chunk` (streams).
//!
//! Multi-valued attributes (`gen_ai.response.finish_reasons`, `gen_ai.request.stop_sequences`)
//! are recorded as JSON arrays in a string, since `tracing` fields hold scalars.

pub(crate) mod attributes;
mod metrics;
mod settings;
pub(crate) mod stream;
pub(crate) mod spans;

#[cfg(feature = "opentelemetry")]
mod opentelemetry_layers;
#[cfg(all(test, feature = "opentelemetry"))]
mod tests;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::future::Either;
use pin_project_lite::pin_project;
use tracing::instrument::Instrumented;
use tracing::{Instrument, Span};

use crate::error::Result;

pub use metrics::METRICS_TARGET;
pub use settings::{TelemetrySettings, record_content, set_record_content};

#[cfg(feature = "opentelemetry")]
pub use opentelemetry_layers::{metrics_layer, opentelemetry_layer};
/// `opentelemetry` at the version the layers use (feature `opentelemetry`).
#[cfg(feature = "opentelemetry")]
pub use opentelemetry;
/// `tracing-opentelemetry` at the version the layers use (feature `opentelemetry`).
#[cfg(feature = "opentelemetry")]
pub use tracing_opentelemetry;
/// `tracing-subscriber`, to compose the layers into a subscriber (feature `opentelemetry`).
#[cfg(feature = "opentelemetry")]
pub use tracing_subscriber;

/// Runs an operation inside its span; records its error, or lets `on_success` record its
/// result. Without a subscriber the span is disabled and this is the bare future.
///
/// A future of its own, not an `async fn`, which would keep the operation's future twice (as its
/// argument and as what it awaits), nor `instrument(..).map(..)`, whose closure would keep a
/// second handle of the span: this future is boxed for every traced call.
pub(crate) fn in_operation<T, Operation, OnSuccess>(
    span: Span,
    operation: Operation,
    on_success: OnSuccess,
) -> Either<Operation, InOperation<Operation, OnSuccess>>
where
    Operation: Future<Output = Result<T>>,
    OnSuccess: FnOnce(&Span, &T),
{
    if span.is_disabled() {
        return Either::Left(operation);
    }
    Either::Right(InOperation { operation: operation.instrument(span), on_success: Some(on_success) })
}

pin_project! {
    /// An operation in its span (see [`in_operation`]); records the outcome on the span.
    pub(crate) struct InOperation<Operation, OnSuccess> {
        #[pin]
        operation: Instrumented<Operation>,
        on_success: Option<OnSuccess>,
    }
}

impl<T, Operation, OnSuccess> Future for InOperation<Operation, OnSuccess>
where
    Operation: Future<Output = Result<T>>,
    OnSuccess: FnOnce(&Span, &T),
{
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Result<T>> {
        let mut this = self.project();
        let result = ready!(this.operation.as_mut().poll(context));
        let span = this.operation.as_ref().get_ref().span();
        match &result {
            Ok(value) => {
                if let Some(on_success) = this.on_success.take() {
                    on_success(span, value);
                }
            }
            Err(error) => spans::record_error(span, error),
        }
        Poll::Ready(result)
    }
}
