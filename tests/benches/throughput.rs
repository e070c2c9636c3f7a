//! Stream and request throughput of specai against the raw transport limit, a careful hand-written
//! client (the floor specai is measured against, issue 18) and async-openai. specai runs as its
//! generation functions and as its chat model called directly (`throughput/specai.rs`).
//!
//! A one-thread hyper server on 127.0.0.1 serves `POST /v1/chat/completions` from pre-rendered
//! bytes, so the client is the bottleneck. Each measurement runs in a child process (this binary
//! re-executed with `--child`), so that its peak RSS is its own, and inside that process in a
//! spawned task on a one-worker runtime (consuming inside `block_on` on the main thread distorts
//! results). Runs are interleaved, client by client, and every ratio is taken against the raw
//! client and to the hand-written client of the same run. Each child also reports its CPU time
//! (user + system, `getrusage`) per item: on a 2-core machine the server and the client compete
//! for the cores, so CPU time moves far less from run to run than wall time. Both clocks start
//! once the client is built ([`Stopwatch`]), so a figure is the work's alone. Instruction counts
//! come from `benches/instructions.sh` (callgrind). Run with `cargo bench -p specai-tests --bench throughput`; set
//! `SPECAI_BENCH_RUNS` (default 5) and `SPECAI_BENCH_DELTAS` (default 20000) to change the size,
//! and `SPECAI_BENCH_WORK` (comma-separated: stream-event, stream-64k, sequential, concurrent)
//! to run part of the suite.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use futures::StreamExt;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response};

#[path = "throughput/hand_written.rs"]
mod hand_written;
#[path = "throughput/specai.rs"]
mod specai_clients;

use specai_clients::Calling;

/// Characters per text delta.
const DELTA: &str = "abcd";
const SMALL_REQUESTS: usize = 2_000;
const CONCURRENCY: usize = 64;
const FRAME_SIZE: usize = 64 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    /// One HTTP chunk per SSE event, as real servers send.
    PerEvent,
    /// 64 KiB chunks of ~230 events, as a client sees already-buffered data.
    Large,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Work {
    Stream(Framing),
    Sequential,
    Concurrent,
}

impl Work {
    const ALL: [Work; 4] = [Work::Stream(Framing::PerEvent), Work::Stream(Framing::Large), Work::Sequential, Work::Concurrent];

    fn name(self) -> &'static str {
        match self {
            Work::Stream(Framing::PerEvent) => "stream, one event per chunk",
            Work::Stream(Framing::Large) => "stream, 64 KiB chunks",
            Work::Sequential => "2,000 sequential requests",
            Work::Concurrent => "2,000 requests, 64 in flight",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Work::Stream(Framing::PerEvent) => "stream-event",
            Work::Stream(Framing::Large) => "stream-64k",
            Work::Sequential => "sequential",
            Work::Concurrent => "concurrent",
        }
    }

    fn from_key(key: &str) -> Work {
        *Work::ALL.iter().find(|work| work.key() == key).expect("unknown work")
    }

    fn unit(self) -> &'static str {
        match self {
            Work::Stream(_) => "chunks/s",
            _ => "req/s",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Client {
    /// reqwest reading body bytes, no parsing: the limit on this machine.
    Raw,
    /// reqwest, a memchr SSE splitter and serde_json into borrowed structs holding only the
    /// fields used, no `Value`: what a careful hand-written client costs (the floor).
    HandWritten,
    /// `stream_text(..).text_stream()` / `generate_text`.
    SpecaiText,
    /// `stream_text(..).full_stream()`.
    SpecaiFull,
    /// [`Client::SpecaiText`] with a total timeout and a cancellation token, as production code
    /// sets them: the guards the stream checks as it goes.
    SpecaiGuarded,
    /// The provider's model alone (`LanguageModel::do_stream` / `do_generate`), without the
    /// generation layer: how specai's cost splits between the provider engine and the step loop.
    SpecaiModel,
    AsyncOpenAi,
}

impl Client {
    const ALL: [Client; 7] = [
        Client::Raw,
        Client::HandWritten,
        Client::SpecaiText,
        Client::SpecaiFull,
        Client::SpecaiGuarded,
        Client::SpecaiModel,
        Client::AsyncOpenAi,
    ];

    fn key(self) -> &'static str {
        match self {
            Client::Raw => "raw",
            Client::HandWritten => "hand-written",
            Client::SpecaiText => "specai",
            Client::SpecaiFull => "specai-full-stream",
            Client::SpecaiGuarded => "specai-guarded",
            Client::SpecaiModel => "specai-model",
            Client::AsyncOpenAi => "async-openai",
        }
    }

    fn from_key(key: &str) -> Client {
        *Client::ALL.iter().find(|client| client.key() == key).expect("unknown client")
    }

    fn supports(self, work: Work) -> bool {
        // The full part stream differs from the text stream only when streaming.
        self != Client::SpecaiFull || matches!(work, Work::Stream(_))
    }
}

// ---------------------------------------------------------------------------------------------
// The server

struct Bodies {
    per_event: Vec<Bytes>,
    large: Vec<Bytes>,
    completion: Bytes,
}

fn chunk_json(delta: &str, finish: Option<&str>, role: bool) -> String {
    let delta_json = if role {
        r#"{"role":"assistant","content":""}"#.to_owned()
    } else if finish.is_some() {
        "{}".to_owned()
    } else {
        format!(r#"{{"content":"{delta}"}}"#)
    };
    let finish_json = finish.map(|reason| format!(r#""{reason}""#)).unwrap_or_else(|| "null".to_owned());
    format!(
        r#"{{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_06737a9306","choices":[{{"index":0,"delta":{delta_json},"logprobs":null,"finish_reason":{finish_json}}}],"usage":null}}"#
    )
}

fn render_bodies(deltas: usize) -> Bodies {
    let mut events = Vec::with_capacity(deltas + 4);
    let event = |json: String| Bytes::from(format!("data: {json}\n\n"));
    events.push(event(chunk_json("", None, true)));
    for _ in 0..deltas {
        events.push(event(chunk_json(DELTA, None, false)));
    }
    events.push(event(chunk_json("", Some("stop"), false)));
    events.push(event(
        r#"{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_06737a9306","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":20000,"total_tokens":20012,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}"#
            .to_owned(),
    ));
    events.push(Bytes::from_static(b"data: [DONE]\n\n"));
    let all: Vec<u8> = events.iter().flat_map(|event| event.iter().copied()).collect();
    let large = all.chunks(FRAME_SIZE).map(Bytes::copy_from_slice).collect();
    let content = "The quick brown fox jumps over the lazy dog. ".repeat(5);
    let completion = format!(
        r#"{{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,"model":"gpt-4o-mini-2024-07-18","choices":[{{"index":0,"message":{{"role":"assistant","content":"{}","refusal":null,"annotations":[]}},"logprobs":null,"finish_reason":"stop"}}],"usage":{{"prompt_tokens":19,"completion_tokens":40,"total_tokens":59,"prompt_tokens_details":{{"cached_tokens":0,"audio_tokens":0}},"completion_tokens_details":{{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}}"#,
        content.trim_end()
    );
    Bodies { per_event: events, large, completion: Bytes::from(completion) }
}

type ServerBody = http_body_util::Either<
    Full<Bytes>,
    StreamBody<futures::stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, Infallible>>>>,
>;

async fn serve(request: Request<Incoming>, bodies: Arc<Bodies>, framing: Framing) -> Result<Response<ServerBody>, Infallible> {
    let body = request.into_body().collect().await.map(|collected| collected.to_bytes()).unwrap_or_default();
    let streaming = memchr_find(&body, br#""stream":true"#);
    let response = if streaming {
        let frames = match framing {
            Framing::PerEvent => &bodies.per_event,
            Framing::Large => &bodies.large,
        };
        let frames: Vec<_> = frames.iter().map(|bytes| Ok(Frame::data(bytes.clone()))).collect();
        Response::builder()
            .header("content-type", "text/event-stream")
            .body(http_body_util::Either::Right(StreamBody::new(futures::stream::iter(frames))))
    } else {
        Response::builder()
            .header("content-type", "application/json")
            .body(http_body_util::Either::Left(Full::new(bodies.completion.clone())))
    };
    Ok(response.expect("valid response"))
}

fn memchr_find(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Starts the server on its own thread; returns the addresses for per-event and 64 KiB framing.
fn start_server(deltas: usize) -> (SocketAddr, SocketAddr) {
    let bodies = Arc::new(render_bodies(deltas));
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async move {
            let mut addresses = Vec::new();
            for framing in [Framing::PerEvent, Framing::Large] {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
                addresses.push(listener.local_addr().expect("address"));
                let bodies = bodies.clone();
                tokio::spawn(async move {
                    loop {
                        let Ok((socket, _)) = listener.accept().await else { continue };
                        socket.set_nodelay(true).ok();
                        let bodies = bodies.clone();
                        tokio::spawn(async move {
                            let service = hyper::service::service_fn(move |request| serve(request, bodies.clone(), framing));
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(hyper_util::rt::TokioIo::new(socket), service)
                                .await;
                        });
                    }
                });
            }
            sender.send((addresses[0], addresses[1])).expect("send addresses");
            std::future::pending::<()>().await;
        });
    });
    receiver.recv().expect("server addresses")
}

// ---------------------------------------------------------------------------------------------
// The clients (each run in a child process)

struct Measured {
    units: usize,
    seconds: f64,
    /// CPU time of the whole process (every thread) while the work ran.
    cpu_seconds: f64,
}

/// Wall and CPU clocks, started once a client is built, so that neither counts the setup (the
/// runtime, TLS roots, the client) that every client pays once. Over 20,000 events that setup
/// (about 2 ms) would be a fifth of a hand-written client's CPU time on the 64 KiB stream, and
/// would flatten every ratio.
struct Stopwatch {
    wall: Instant,
    cpu_seconds: f64,
}

impl Stopwatch {
    /// Starts both clocks. Not inlined: `benches/instructions.sh` zeroes callgrind's counts on
    /// entering it (`--zero-before`), so instruction counts leave out the setup as well.
    #[inline(never)]
    fn start() -> Stopwatch {
        Stopwatch { wall: Instant::now(), cpu_seconds: cpu_seconds() }
    }

    /// Both clocks' readings for `units` items of work.
    fn stop(self, units: usize) -> Measured {
        Measured { units, seconds: self.wall.elapsed().as_secs_f64(), cpu_seconds: cpu_seconds() - self.cpu_seconds }
    }
}

/// Times `SMALL_REQUESTS` requests made by `request`, one at a time (`Work::Sequential`) or
/// `CONCURRENCY` in flight: the one request loop every client shares.
async fn run_requests<F: std::future::Future<Output = ()>>(work: Work, mut request: impl FnMut() -> F) -> Measured {
    let in_flight = if work == Work::Sequential { 1 } else { CONCURRENCY };
    let started = Stopwatch::start();
    futures::stream::iter(0..SMALL_REQUESTS).map(|_| request()).buffer_unordered(in_flight).collect::<()>().await;
    started.stop(SMALL_REQUESTS)
}

const REQUEST_STREAM: &str = r#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say something."}],"stream":true,"stream_options":{"include_usage":true}}"#;
const REQUEST_SMALL: &str = r#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say something."}]}"#;

async fn run_raw(work: Work, base_url: String, deltas: usize) -> Measured {
    let client = reqwest::Client::new();
    let url = format!("{base_url}/chat/completions");
    match work {
        Work::Stream(_) => {
            let started = Stopwatch::start();
            let response = client
                .post(&url)
                .header("content-type", "application/json")
                .body(REQUEST_STREAM)
                .send()
                .await
                .expect("raw stream request");
            let mut chunks = 0;
            let mut bytes = 0;
            let mut body = response.bytes_stream();
            while let Some(chunk) = body.next().await {
                bytes += chunk.expect("raw chunk").len();
                chunks += 1;
            }
            assert!(bytes > deltas * DELTA.len(), "stream too short: {bytes} bytes");
            let _ = chunks;
            started.stop(deltas)
        }
        Work::Sequential | Work::Concurrent => {
            run_requests(work, || {
                let request = client.post(&url).header("content-type", "application/json").body(REQUEST_SMALL);
                async move {
                    let body = request.send().await.expect("raw request").bytes().await.expect("raw body");
                    assert!(body.len() > 200);
                }
            })
            .await
        }
    }
}

async fn run_async_openai(work: Work, base_url: String, deltas: usize) -> Measured {
    use async_openai::Client as OpenAiClient;
    use async_openai::config::OpenAIConfig;
    use async_openai::types::chat::{ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequestArgs};

    let client = OpenAiClient::with_config(OpenAIConfig::new().with_api_base(base_url).with_api_key("sk-bench"));
    let request = |stream: bool| {
        let mut builder = CreateChatCompletionRequestArgs::default();
        builder
            .model("gpt-4o-mini")
            .messages([ChatCompletionRequestUserMessageArgs::default()
                .content("Say something.")
                .build()
                .expect("message")
                .into()]);
        if stream {
            builder.stream(true);
        }
        builder.build().expect("request")
    };
    match work {
        Work::Stream(_) => {
            let started = Stopwatch::start();
            let mut stream = client.chat().create_stream(request(true)).await.expect("async-openai stream");
            let mut text = String::new();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.expect("async-openai chunk");
                if let Some(content) = chunk.choices.first().and_then(|choice| choice.delta.content.as_deref()) {
                    text.push_str(content);
                }
            }
            assert_eq!(text.len(), deltas * DELTA.len());
            started.stop(deltas)
        }
        Work::Sequential | Work::Concurrent => {
            let request = request(false);
            run_requests(work, || {
                let client = &client;
                let request = request.clone();
                async move {
                    let response = client.chat().create(request).await.expect("async-openai request");
                    assert!(response.choices[0].message.content.as_ref().is_some_and(|text| text.len() > 200));
                }
            })
            .await
        }
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:").and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

/// User plus system CPU time of this process (every thread), in seconds.
fn cpu_seconds() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a `rusage` into the pointer it is given and reads nothing else.
    let status = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
    assert_eq!(status, 0, "getrusage failed");
    // SAFETY: getrusage succeeded, so it initialised the struct.
    let usage = unsafe { usage.assume_init() };
    let seconds = |time: libc::timeval| time.tv_sec as f64 + time.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

fn child(client: Client, work: Work, base_url: String, deltas: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let measured = runtime.block_on(async move {
        let task = match client {
            Client::Raw => tokio::spawn(run_raw(work, base_url, deltas)),
            Client::HandWritten => tokio::spawn(hand_written::run(work, base_url, deltas)),
            Client::SpecaiText => tokio::spawn(specai_clients::run(work, base_url, deltas, Calling::TextStream)),
            Client::SpecaiFull => tokio::spawn(specai_clients::run(work, base_url, deltas, Calling::FullStream)),
            Client::SpecaiGuarded => tokio::spawn(specai_clients::run(work, base_url, deltas, Calling::Guarded)),
            Client::SpecaiModel => tokio::spawn(specai_clients::run_model(work, base_url, deltas)),
            Client::AsyncOpenAi => tokio::spawn(run_async_openai(work, base_url, deltas)),
        };
        task.await.expect("benchmark task")
    });
    println!("RESULT {} {} {} {}", measured.units, measured.seconds, peak_rss_kib(), measured.cpu_seconds);
}

// ---------------------------------------------------------------------------------------------
// The parent: run, collect, report

struct Sample {
    rate: f64,
    /// CPU microseconds per item.
    cpu: f64,
    rss_kib: u64,
}

/// One child's figures: items per second, CPU microseconds per item, peak RSS.
struct ChildResult {
    rate: f64,
    cpu: f64,
    rss_kib: u64,
}

fn run_child(client: Client, work: Work, base_url: &str, deltas: usize) -> ChildResult {
    let output = Command::new(std::env::current_exe().expect("current exe"))
        .args(["--child", client.key(), work.key(), base_url, &deltas.to_string()])
        .output()
        .expect("run child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find(|line| line.starts_with("RESULT ")).unwrap_or_else(|| {
        panic!("{} / {} failed:\n{}\n{}", client.key(), work.key(), stdout, String::from_utf8_lossy(&output.stderr))
    });
    let fields: Vec<&str> = line.split_whitespace().collect();
    let units: f64 = fields[1].parse().expect("units");
    let seconds: f64 = fields[2].parse().expect("seconds");
    let cpu: f64 = fields[4].parse().expect("cpu");
    ChildResult { rate: units / seconds, cpu: cpu * 1e6 / units, rss_kib: fields[3].parse().expect("rss") }
}

fn summary(values: &mut [f64]) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    (values[values.len() / 2], values[0], values[values.len() - 1])
}

fn main() {
    let arguments: Vec<String> = std::env::args().collect();
    if arguments.get(1).map(String::as_str) == Some("--child") {
        let deltas = arguments[5].parse().expect("deltas");
        child(Client::from_key(&arguments[2]), Work::from_key(&arguments[3]), arguments[4].clone(), deltas);
        return;
    }
    if arguments.get(1).map(String::as_str) == Some("--serve") {
        // For profiling one client by hand: `throughput --serve` then `throughput --child ...`
        // (both with the same number of deltas, `SPECAI_BENCH_DELTAS` here).
        let deltas = std::env::var("SPECAI_BENCH_DELTAS").ok().and_then(|value| value.parse().ok()).unwrap_or(20_000);
        let (per_event, large) = start_server(deltas);
        println!("per-event framing: http://{per_event}/v1\n64 KiB framing:    http://{large}/v1");
        loop {
            std::thread::park();
        }
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing we need: run a tiny size then.
    let quick = !arguments.iter().any(|argument| argument == "--bench");
    let runs: usize = std::env::var("SPECAI_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(if quick { 1 } else { 5 });
    let deltas: usize =
        std::env::var("SPECAI_BENCH_DELTAS").ok().and_then(|v| v.parse().ok()).unwrap_or(if quick { 500 } else { 20_000 });
    let (per_event, large) = start_server(deltas);
    let base_url = |work: Work| match work {
        Work::Stream(Framing::Large) => format!("http://{large}/v1"),
        _ => format!("http://{per_event}/v1"),
    };
    println!("specai throughput benchmark: {runs} runs, {deltas} deltas per stream, {SMALL_REQUESTS} small requests");
    println!();
    println!("Medians of {runs} runs; every ratio is taken within one run, then the median of the ratios. CPU is user + system");
    println!("time of the client's process per item, from the start of the work: the client is built before (the server");
    println!("runs in this process). Instructions: benches/instructions.sh.");
    println!();
    println!("| work | client | rate (median, min, max) | to raw | to hand-written | CPU µs/item | CPU to hand-written | peak RSS |");
    println!("|---|---|---|---|---|---|---|---|");
    let selected = std::env::var("SPECAI_BENCH_WORK").ok();
    let selected: Vec<Work> = match &selected {
        Some(keys) => keys.split(',').map(|key| Work::from_key(key.trim())).collect(),
        None => Work::ALL.to_vec(),
    };
    for work in selected {
        let clients: Vec<Client> = Client::ALL.into_iter().filter(|client| client.supports(work)).collect();
        let mut samples: Vec<Vec<Sample>> = clients.iter().map(|_| Vec::new()).collect();
        for _ in 0..runs {
            for (index, client) in clients.iter().enumerate() {
                let result = run_child(*client, work, &base_url(work), deltas);
                samples[index].push(Sample { rate: result.rate, cpu: result.cpu, rss_kib: result.rss_kib });
            }
        }
        let position = |wanted: Client| clients.iter().position(|client| *client == wanted).expect("client in the run");
        let (raw, hand_written) = (position(Client::Raw), position(Client::HandWritten));
        for (index, client) in clients.iter().enumerate() {
            let own = &samples[index];
            let median_of = |values: Vec<f64>| summary(&mut values.clone()).0;
            let (rate, rate_min, rate_max) = summary(&mut own.iter().map(|s| s.rate).collect::<Vec<_>>());
            let to_raw = median_of(own.iter().zip(&samples[raw]).map(|(s, r)| s.rate / r.rate).collect());
            let to_hand = median_of(own.iter().zip(&samples[hand_written]).map(|(s, h)| s.rate / h.rate).collect());
            let cpu = median_of(own.iter().map(|s| s.cpu).collect());
            let cpu_to_hand = median_of(own.iter().zip(&samples[hand_written]).map(|(s, h)| s.cpu / h.cpu).collect());
            let rss = own.iter().map(|s| s.rss_kib).max().unwrap_or(0);
            println!(
                "| {} | {} | {:.0} {} ({:.0}, {:.0}) | {:.3} | {:.3} | {:.2} | {:.3} | {:.1} MB |",
                work.name(),
                client.key(),
                rate,
                work.unit(),
                rate_min,
                rate_max,
                to_raw,
                to_hand,
                cpu,
                cpu_to_hand,
                rss as f64 / 1024.0
            );
        }
    }
}
