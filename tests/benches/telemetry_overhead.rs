//! The cost of specai's telemetry spans (issue 17): the same in-process work (mock models, no
//! network) with no `tracing` subscriber, and with the OpenTelemetry layers of feature
//! `opentelemetry` recording every span and metric into an SDK tracer and meter provider
//! without an exporter.
//!
//! `cargo bench -p specai-tests --bench telemetry_overhead` runs each mode in a child process
//! and prints nanoseconds per operation. For instruction counts, run one mode under callgrind:
//! `valgrind --tool=callgrind target/release/deps/telemetry_overhead-* --child none 200`
//! (the last argument is the number of iterations; compare against a run with 0 iterations to
//! take out the set-up). `--cfg baseline` (`cargo rustc --release -p specai-tests --bench
//! telemetry_overhead -- --cfg baseline`) leaves out the OpenTelemetry mode, so that the `none`
//! mode builds against an SDK from before telemetry, for comparison.
//!
//! The work: a two-step tool loop (`generate_text`, a tool call then a text answer), a
//! 1,000-delta `stream_text` read to its end, and one `embed`.

use std::process::Command;
use std::time::Instant;

use futures::StreamExt;
use serde_json::json;
use specai::test_util::{MockEmbeddingModel, MockLanguageModel, MockStream, text_response, tool_calls_response};
use specai::{Tool, ToolError, embed, generate_text, step_count_is, stream_text};

const STREAM_DELTAS: usize = 1_000;

fn weather_tool() -> Tool {
    Tool::dynamic("The weather in a city", json!({"type": "object", "properties": {"city": {"type": "string"}}}))
        .execute(|input, _context| async move { Ok::<_, ToolError>(json!({"city": input["city"], "sky": "sunny"})) })
}

async fn tool_loop() {
    let model = MockLanguageModel::new()
        .with_response(tool_calls_response([("call_1", "weather", json!({"city": "Paris"}))]))
        .with_response(text_response("It is sunny in Paris."));
    let result = generate_text(model)
        .prompt("What is the weather in Paris?")
        .tool("weather", weather_tool())
        .stop_when(step_count_is(5))
        .temperature(0.5)
        .await
        .expect("tool loop");
    assert_eq!(result.steps.len(), 2);
}

async fn stream(deltas: &[String]) {
    let model = MockLanguageModel::new().with_stream(MockStream::text(deltas.iter().cloned()));
    let mut result = stream_text(model).prompt("Count").start();
    let mut text = result.text_stream();
    let mut count = 0;
    while let Some(delta) = text.next().await {
        delta.expect("delta");
        count += 1;
    }
    assert_eq!(count, deltas.len());
}

async fn embedding() {
    let model = MockEmbeddingModel::new().with_embed_fn(|value| vec![value.len() as f32, 1.0]);
    embed(model).value("sunny day").await.expect("embed");
}

/// Runs `iterations` of each piece of work; prints `RESULT <work> <nanoseconds per iteration>`.
fn child(mode: &str, iterations: u32) {
    let _subscriber = match mode {
        "none" => None,
        #[cfg(not(baseline))]
        "otel" => Some(opentelemetry_subscriber()),
        other => panic!("unknown mode {other}"),
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let deltas: Vec<String> = (0..STREAM_DELTAS).map(|index| format!("d{index} ")).collect();
    runtime.block_on(async {
        let started = Instant::now();
        for _ in 0..iterations {
            tool_loop().await;
        }
        report("tool-loop", started, iterations);
        let started = Instant::now();
        for _ in 0..iterations {
            stream(&deltas).await;
        }
        report("stream", started, iterations);
        let started = Instant::now();
        for _ in 0..iterations {
            embedding().await;
        }
        report("embed", started, iterations);
    });
}

fn report(work: &str, started: Instant, iterations: u32) {
    let nanoseconds = started.elapsed().as_nanos() as f64 / f64::from(iterations.max(1));
    println!("RESULT {work} {nanoseconds}");
}

/// The OpenTelemetry layers, over an SDK tracer and meter provider that record everything and
/// export nothing, as the thread's default subscriber.
#[cfg(not(baseline))]
fn opentelemetry_subscriber() -> tracing::subscriber::DefaultGuard {
    use opentelemetry::trace::TracerProvider as _;
    use specai::telemetry::tracing_subscriber::layer::SubscriberExt;

    let tracer = opentelemetry_sdk::trace::SdkTracerProvider::builder().build().tracer("bench");
    let meter_provider = opentelemetry_sdk::metrics::SdkMeterProvider::builder().build();
    let subscriber = specai::telemetry::tracing_subscriber::registry()
        .with(specai::telemetry::opentelemetry_layer(tracer))
        .with(specai::telemetry::metrics_layer(meter_provider));
    tracing::subscriber::set_default(subscriber)
}

fn run_child(mode: &str, iterations: u32) -> Vec<(String, f64)> {
    let output = Command::new(std::env::current_exe().expect("current exe"))
        .args(["--child", mode, &iterations.to_string()])
        .output()
        .expect("run child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{mode} failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("RESULT "))
        .map(|line| {
            let (work, nanoseconds) = line.split_once(' ').expect("result line");
            (work.to_owned(), nanoseconds.parse().expect("nanoseconds"))
        })
        .collect()
}

fn main() {
    let arguments: Vec<String> = std::env::args().collect();
    if arguments.get(1).map(String::as_str) == Some("--child") {
        child(&arguments[2], arguments[3].parse().expect("iterations"));
        return;
    }
    let runs: usize = std::env::var("SPECAI_BENCH_RUNS").ok().and_then(|runs| runs.parse().ok()).unwrap_or(5);
    let iterations = 2_000;
    let mut results: Vec<(String, Vec<f64>, Vec<f64>)> = Vec::new();
    for _ in 0..runs {
        let none = run_child("none", iterations);
        let otel = run_child("otel", iterations);
        for ((work, without), (_, with)) in none.into_iter().zip(otel) {
            match results.iter_mut().find(|(name, ..)| *name == work) {
                Some((_, withouts, withs)) => {
                    withouts.push(without);
                    withs.push(with);
                }
                None => results.push((work, vec![without], vec![with])),
            }
        }
    }
    println!("telemetry overhead, median of {runs} runs of {iterations} iterations (ns per operation)");
    println!("{:<10} {:>16} {:>22}", "work", "no subscriber", "OpenTelemetry layers");
    for (work, mut without, mut with) in results {
        without.sort_by(f64::total_cmp);
        with.sort_by(f64::total_cmp);
        println!("{work:<10} {:>16.0} {:>22.0}", without[without.len() / 2], with[with.len() / 2]);
    }
}
