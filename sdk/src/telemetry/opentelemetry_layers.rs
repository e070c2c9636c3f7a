//! The `tracing` layers that send specai's spans and metrics to OpenTelemetry (feature
//! `opentelemetry`), built on `tracing-opentelemetry`.

use opentelemetry::metrics::MeterProvider;
use opentelemetry::trace::Tracer;
use tracing::Subscriber;
use tracing_opentelemetry::{MetricsLayer, OpenTelemetryLayer};
use tracing_subscriber::registry::LookupSpan;

/// A layer that turns `tracing` spans (specai's among them) into OpenTelemetry spans of
/// `tracer`; add it to a `tracing_subscriber::registry()`.
///
/// ```
/// use specai::telemetry::opentelemetry::trace::TracerProvider as _;
/// use specai::telemetry::tracing_subscriber::layer::SubscriberExt;
///
/// // Any OpenTelemetry tracer: from `opentelemetry_sdk::trace::SdkTracerProvider` with an OTLP
/// // exporter in production; the no-op provider here.
/// let tracer = specai::telemetry::opentelemetry::trace::noop::NoopTracerProvider::new().tracer("my-app");
/// let subscriber = specai::telemetry::tracing_subscriber::registry().with(specai::telemetry::opentelemetry_layer(tracer));
/// tracing::subscriber::with_default(subscriber, || {
///     // specai calls made here are traced.
/// });
/// ```
pub fn opentelemetry_layer<S, T>(tracer: T) -> OpenTelemetryLayer<S, T>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
    T: Tracer + 'static,
    T::Span: Send + Sync,
{
    tracing_opentelemetry::layer().with_tracer(tracer)
}

/// A layer that turns specai's metric events (`gen_ai.client.operation.duration`,
/// `gen_ai.client.token.usage`, ...) into OpenTelemetry histograms of `meter_provider`.
///
/// ```
/// use specai::telemetry::tracing_subscriber::layer::SubscriberExt;
///
/// let meter_provider = opentelemetry_sdk::metrics::SdkMeterProvider::builder().build();
/// let subscriber = specai::telemetry::tracing_subscriber::registry().with(specai::telemetry::metrics_layer(meter_provider));
/// # drop(subscriber);
/// ```
pub fn metrics_layer<S, M>(meter_provider: M) -> MetricsLayer<S, M>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
    M: MeterProvider,
{
    MetricsLayer::new(meter_provider)
}
