//! The conventions' client metrics, as `tracing` events that `tracing-opentelemetry`'s
//! `MetricsLayer` turns into histograms: a field `histogram.<name>` carries the value, the
//! event's other fields its attributes.
//!
//! Events rather than the `opentelemetry` metrics API: the SDK then needs no OpenTelemetry
//! dependency without the feature, any `tracing` subscriber can read them, and when nothing
//! subscribes an event costs one check of its callsite's interest. The events have no parent
//! span (`parent: None`), so they never show up as span events. Their target is
//! `specai::metrics`, for filtering. Durations are in seconds, tokens in tokens.
//!
//! Timings are taken only when the span they belong to is enabled (any subscriber that records
//! specai's spans, `tracing_subscriber::registry()` included), so that nothing is measured when
//! nothing listens. Not with `tracing::enabled!`: with per-layer filters (the `MetricsLayer` has
//! one), a hint that no event follows leaves the filters' state behind, and the next event on
//! the thread was skipped.

use std::time::Duration;

/// The target of the metric events.
pub const METRICS_TARGET: &str = "specai::metrics";


/// A metric event (target `specai::metrics`, no parent span, so never a span event): the
/// `histogram.<name>` field first, then a model call's [`MetricAttributes`] when given, then the
/// other fields.
macro_rules! metric_event {
    ($($metric:ident).+ = $value:expr; attributes: $attributes:expr $(, $($fields:tt)*)?) => {
        metric_event!(
            $($metric).+ = $value;
            gen_ai.operation.name = $attributes.operation,
            gen_ai.provider.name = $attributes.provider.as_str(),
            gen_ai.request.model = $attributes.model.as_str(),
            $($($fields)*)?
        )
    };
    ($($metric:ident).+ = $value:expr; $($fields:tt)*) => {
        tracing::event!(target: "specai::metrics", parent: None, tracing::Level::INFO, $($metric).+ = $value, $($fields)*)
    };
}

/// What every metric of a model call carries.
#[derive(Debug, Clone)]
pub(crate) struct MetricAttributes {
    pub(crate) operation: &'static str,
    pub(crate) provider: String,
    pub(crate) model: String,
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// `gen_ai.client.operation.duration` of a model call.
pub(crate) fn operation_duration(attributes: &MetricAttributes, duration: Duration, error_type: Option<&str>) {
    metric_event!(histogram.gen_ai.client.operation.duration = duration.as_secs_f64(); attributes: attributes, error.type = error_type);
}

/// `gen_ai.client.token.usage` of a model call, for one token type (`input` or `output`).
pub(crate) fn token_usage(attributes: &MetricAttributes, token_type: &'static str, tokens: u64) {
    metric_event!(histogram.gen_ai.client.token.usage = tokens; attributes: attributes, gen_ai.token.type = token_type);
}

/// `gen_ai.client.operation.time_to_first_chunk` of a streamed model call.
pub(crate) fn time_to_first_chunk(attributes: &MetricAttributes, duration: Duration) {
    metric_event!(histogram.gen_ai.client.operation.time_to_first_chunk = duration.as_secs_f64(); attributes: attributes);
}

/// `gen_ai.client.operation.time_per_output_chunk`: the time since the previous chunk.
pub(crate) fn time_per_output_chunk(attributes: &MetricAttributes, duration: Duration) {
    metric_event!(histogram.gen_ai.client.operation.time_per_output_chunk = duration.as_secs_f64(); attributes: attributes);
}

/// `gen_ai.client.operation.duration` of a tool execution (operation `execute_tool`).
pub(crate) fn tool_duration(tool_name: &str, duration: Duration, error_type: Option<&str>) {
    metric_event!(histogram.gen_ai.client.operation.duration = duration.as_secs_f64(); gen_ai.operation.name = "execute_tool", gen_ai.tool.name = tool_name, error.type = error_type);
}

/// Spans record integers as `i64` (`tracing-opentelemetry` turns `u64` into text).
pub(crate) fn span_integer(value: u64) -> i64 {
    to_i64(value)
}
