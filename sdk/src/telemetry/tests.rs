//! The spans and metrics as an OpenTelemetry exporter receives them: `opentelemetry_sdk`'s
//! in-memory exporters behind the `tracing-opentelemetry` layers of feature `opentelemetry`.

use futures::StreamExt;
use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use serde_json::json;
use tracing_subscriber::layer::SubscriberExt;

use super::{TelemetrySettings, metrics_layer, opentelemetry_layer, set_record_content};
use crate::error::Error;
use crate::test_util::{MockEmbeddingModel, MockLanguageModel, MockStream, text_response, tool_calls_response};
use crate::{Tool, ToolError, embed, generate_text, step_count_is, stream_text};

/// Serializes the tests that depend on the process-wide content default.
static CONTENT_DEFAULT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A thread-local subscriber that exports spans (and metrics) to memory.
struct Traced {
    spans: InMemorySpanExporter,
    metrics: InMemoryMetricExporter,
    meter_provider: SdkMeterProvider,
    _guard: tracing::subscriber::DefaultGuard,
}

impl Traced {
    fn new() -> Self {
        let spans = InMemorySpanExporter::default();
        let tracer = SdkTracerProvider::builder().with_simple_exporter(spans.clone()).build().tracer("specai-tests");
        let metrics = InMemoryMetricExporter::default();
        let meter_provider = SdkMeterProvider::builder().with_reader(PeriodicReader::builder(metrics.clone()).build()).build();
        let subscriber = tracing_subscriber::registry()
            .with(opentelemetry_layer(tracer))
            .with(metrics_layer(meter_provider.clone()));
        Traced { spans, metrics, meter_provider, _guard: tracing::subscriber::set_default(subscriber) }
    }

    fn spans(&self) -> Vec<SpanData> {
        self.spans.get_finished_spans().unwrap()
    }

    fn metric_names(&self) -> Vec<String> {
        self.meter_provider.force_flush().unwrap();
        let exported = self.metrics.get_finished_metrics().unwrap();
        let mut names: Vec<String> = exported
            .iter()
            .flat_map(|resource| resource.scope_metrics())
            .flat_map(|scope| scope.metrics())
            .map(|metric| metric.name().to_owned())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

fn span<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    spans.iter().find(|span| span.name == name).unwrap_or_else(|| {
        let names: Vec<&str> = spans.iter().map(|span| span.name.as_ref()).collect();
        panic!("no span {name:?} among {names:?}")
    })
}

fn spans_named<'a>(spans: &'a [SpanData], name: &str) -> Vec<&'a SpanData> {
    spans.iter().filter(|span| span.name == name).collect()
}

fn attribute(span: &SpanData, key: &str) -> Option<String> {
    span.attributes.iter().find(|pair| pair.key.as_str() == key).map(|pair| pair.value.as_str().into_owned())
}

/// Asserts a span's attributes, each a `(key, value)` pair.
#[track_caller]
fn assert_attributes(span: &SpanData, expected: &[(&str, &str)]) {
    for (key, value) in expected {
        assert_eq!(attribute(span, key).as_deref(), Some(*value), "{key} on {}", span.name);
    }
}

fn is_child(child: &SpanData, parent: &SpanData) -> bool {
    child.parent_span_id == parent.span_context.span_id() && child.span_context.trace_id() == parent.span_context.trace_id()
}

fn weather_tool() -> Tool {
    Tool::dynamic("The weather in a city", json!({"type": "object", "properties": {"city": {"type": "string"}}}))
        .execute(|input, _context| async move { Ok::<_, ToolError>(json!({"city": input["city"], "sky": "sunny"})) })
}

fn tool_loop_model() -> MockLanguageModel {
    MockLanguageModel::new()
        .with_response(tool_calls_response([("call_1", "weather", json!({"city": "Paris"}))]))
        .with_response(text_response("It is sunny in Paris."))
}

/// The weather bot's tool loop: a system prompt, a question, the weather tool, up to five steps.
fn weather_loop() -> crate::GenerateText {
    generate_text(tool_loop_model())
        .system("You are a weather bot.")
        .prompt("What is the weather in Paris?")
        .tool("weather", weather_tool())
        .stop_when(step_count_is(5))
}

const CONTENT_KEYS: [&str; 5] = [
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.call.arguments",
    "gen_ai.tool.call.result",
];

#[tokio::test]
async fn a_tool_loop_is_a_tree_of_operation_steps_model_calls_and_tools() {
    let _default = CONTENT_DEFAULT.lock().await;
    let traced = Traced::new();
    weather_loop()
        .temperature(0.5)
        .max_output_tokens(100)
        .header("authorization", "Bearer sk-secret")
        .await
        .unwrap();
    let spans = traced.spans();

    let operation = span(&spans, "generate_text mock-model");
    assert_eq!(operation.parent_span_id, opentelemetry::trace::SpanId::INVALID);
    assert_attributes(
        operation,
        &[
            ("gen_ai.operation.name", "chat"),
            ("specai.operation.name", "generate_text"),
            ("gen_ai.provider.name", "mock"),
            ("gen_ai.usage.input_tokens", "20"),
            ("gen_ai.usage.output_tokens", "10"),
            ("gen_ai.response.finish_reasons", "[\"stop\"]"),
        ],
    );

    let (first, second) = (span(&spans, "step 0"), span(&spans, "step 1"));
    assert!(is_child(first, operation) && is_child(second, operation));
    let calls = spans_named(&spans, "chat mock-model");
    assert_eq!(calls.len(), 2);
    let first_call = calls.iter().find(|call| is_child(call, first)).expect("a model call in step 0");
    assert!(calls.iter().any(|call| is_child(call, second)));
    assert_eq!(first_call.span_kind, SpanKind::Client);
    assert_attributes(
        first_call,
        &[
            ("gen_ai.request.model", "mock-model"),
            ("gen_ai.request.temperature", "0.5"),
            ("gen_ai.request.max_tokens", "100"),
            ("gen_ai.response.finish_reasons", "[\"tool_call\"]"),
            ("gen_ai.usage.input_tokens", "10"),
            ("gen_ai.usage.output_tokens", "5"),
            ("gen_ai.output.type", "text"),
        ],
    );

    let tool = span(&spans, "execute_tool weather");
    assert!(is_child(tool, first));
    assert_eq!(tool.span_kind, SpanKind::Internal);
    assert_attributes(tool, &[("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", "weather"), ("gen_ai.tool.call.id", "call_1")]);

    // Without an opt-in no span carries content, and no span ever carries a header or key.
    for span in &spans {
        for key in CONTENT_KEYS {
            assert_eq!(attribute(span, key), None, "{key} on {}", span.name);
        }
        assert!(span.attributes.iter().all(|pair| !pair.value.as_str().contains("sk-secret")), "{}", span.name);
    }
}

#[tokio::test]
async fn content_is_recorded_when_the_call_opts_in() {
    let traced = Traced::new();
    weather_loop()
        .record_content(true)
        .await
        .unwrap();
    let spans = traced.spans();
    let calls = spans_named(&spans, "chat mock-model");
    let first_call = calls.iter().find(|call| attribute(call, "gen_ai.response.finish_reasons").unwrap().contains("tool_call")).unwrap();
    let input: serde_json::Value = serde_json::from_str(&attribute(first_call, "gen_ai.input.messages").unwrap()).unwrap();
    assert_eq!(input, json!([{"role": "user", "parts": [{"type": "text", "content": "What is the weather in Paris?"}]}]));
    let system = attribute(first_call, "gen_ai.system_instructions").unwrap();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&system).unwrap(), json!([{"type": "text", "content": "You are a weather bot."}]));
    let output: serde_json::Value = serde_json::from_str(&attribute(first_call, "gen_ai.output.messages").unwrap()).unwrap();
    assert_eq!(
        output,
        json!([{"role": "assistant", "finish_reason": "tool_call",
            "parts": [{"type": "tool_call", "id": "call_1", "name": "weather", "arguments": {"city": "Paris"}}]}])
    );
    let tool = span(&spans, "execute_tool weather");
    assert_eq!(attribute(tool, "gen_ai.tool.call.arguments").as_deref(), Some(r#"{"city":"Paris"}"#));
    assert_eq!(attribute(tool, "gen_ai.tool.call.result").as_deref(), Some(r#"{"city":"Paris","sky":"sunny"}"#));
    let last_call = calls.iter().find(|call| !std::ptr::eq(**call, *first_call)).unwrap();
    assert!(attribute(last_call, "gen_ai.output.messages").unwrap().contains("It is sunny in Paris."));
}

#[tokio::test]
async fn the_process_wide_default_records_content_unless_a_call_says_otherwise() {
    let _default = CONTENT_DEFAULT.lock().await;
    let traced = Traced::new();
    set_record_content(true);
    let model = MockLanguageModel::new().with_response(text_response("one")).with_response(text_response("two"));
    let recorded = generate_text(model.clone()).prompt("first").await;
    let declined = generate_text(model).prompt("second").telemetry(TelemetrySettings::new().with_record_content(false)).await;
    set_record_content(false);
    recorded.unwrap();
    declined.unwrap();
    let spans = traced.spans();
    let calls = spans_named(&spans, "chat mock-model");
    assert_eq!(calls.len(), 2);
    let with_content: Vec<String> = calls.iter().filter_map(|call| attribute(call, "gen_ai.input.messages")).collect();
    assert_eq!(with_content.len(), 1);
    assert!(with_content[0].contains("first"));
}

#[tokio::test]
async fn a_stream_is_a_tree_of_operation_steps_model_calls_and_tools() {
    let traced = Traced::new();
    let model = MockLanguageModel::new()
        .with_stream(MockStream::tool_calls([("call_1", "weather", json!({"city": "Paris"}))]))
        .with_stream(MockStream::text(["It is ", "sunny."]));
    let mut stream = stream_text(model)
        .prompt("Weather in Paris?")
        .tool("weather", weather_tool())
        .stop_when(step_count_is(5))
        .telemetry(TelemetrySettings::new().with_function_id("weather-chat"))
        .start();
    let mut text = String::new();
    let mut deltas = stream.text_stream();
    while let Some(delta) = deltas.next().await {
        text.push_str(&delta.unwrap());
    }
    drop(deltas);
    assert_eq!(text, "It is sunny.");
    drop(stream);
    let spans = traced.spans();

    let operation = span(&spans, "stream_text mock-model");
    assert_eq!(attribute(operation, "specai.function_id").as_deref(), Some("weather-chat"));
    assert_eq!(attribute(operation, "gen_ai.usage.input_tokens").as_deref(), Some("20"));
    assert_eq!(attribute(operation, "gen_ai.response.finish_reasons").as_deref(), Some("[\"stop\"]"));
    let (first, second) = (span(&spans, "step 0"), span(&spans, "step 1"));
    assert!(is_child(first, operation) && is_child(second, operation));
    assert_eq!(attribute(first, "gen_ai.response.finish_reasons").as_deref(), Some("[\"tool_call\"]"));
    let calls = spans_named(&spans, "chat mock-model");
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().any(|call| is_child(call, first)) && calls.iter().any(|call| is_child(call, second)));
    assert!(calls.iter().all(|call| attribute(call, "gen_ai.usage.output_tokens").as_deref() == Some("5")));
    let tool = span(&spans, "execute_tool weather");
    assert!(is_child(tool, first));
    assert_eq!(attribute(tool, "gen_ai.tool.call.id").as_deref(), Some("call_1"));

    let metrics = traced.metric_names();
    for name in [
        "gen_ai.client.operation.duration",
        "gen_ai.client.token.usage",
        "gen_ai.client.operation.time_to_first_chunk",
        "gen_ai.client.operation.time_per_output_chunk",
    ] {
        assert!(metrics.iter().any(|metric| metric == name), "{name} missing from {metrics:?}");
    }
}

#[tokio::test]
async fn a_failed_model_call_is_an_error_on_its_span_and_the_operation() {
    let traced = Traced::new();
    let model = MockLanguageModel::new().with_error(Error::invalid_response("the body was cut", None, None));
    let error = generate_text(model).prompt("Hi").max_retries(0).await.unwrap_err();
    assert!(matches!(error, Error::InvalidResponse { .. }));
    let spans = traced.spans();
    for name in ["chat mock-model", "step 0", "generate_text mock-model"] {
        let failed = span(&spans, name);
        assert_eq!(attribute(failed, "error.type").as_deref(), Some("invalid_response"), "{name}");
        assert!(matches!(&failed.status, Status::Error { description } if description.contains("the body was cut")), "{name}");
    }
}

#[tokio::test]
async fn a_failed_tool_is_an_error_on_its_span() {
    let traced = Traced::new();
    let failing = Tool::dynamic("Always fails", json!({"type": "object"}))
        .execute(|_input, _context| async move { Err::<serde_json::Value, ToolError>("database is down".into()) });
    generate_text(tool_loop_model()).prompt("Weather?").tool("weather", failing).stop_when(step_count_is(5)).await.unwrap();
    let spans = traced.spans();
    let tool = span(&spans, "execute_tool weather");
    assert_eq!(attribute(tool, "error.type").as_deref(), Some("tool_execution"));
    assert!(matches!(&tool.status, Status::Error { description } if description.contains("database is down")));
    // The loop went on: the failure is the tool's, not the operation's.
    assert_eq!(span(&spans, "generate_text mock-model").status, Status::Unset);
}

#[tokio::test]
async fn embeddings_have_an_operation_span_and_a_model_call_span() {
    let traced = Traced::new();
    let model = MockEmbeddingModel::new().with_embed_fn(|value| vec![value.len() as f32, 1.0]);
    embed(model).value("sunny day").await.unwrap();
    let spans = traced.spans();
    let operation = span(&spans, "embed mock-embedding");
    let call = span(&spans, "embeddings mock-embedding");
    assert!(is_child(call, operation));
    assert_eq!(attribute(call, "gen_ai.operation.name").as_deref(), Some("embeddings"));
    assert_eq!(call.span_kind, SpanKind::Client);
    assert_eq!(attribute(call, "gen_ai.usage.input_tokens").as_deref(), Some("1"));
}

