//! What the media vendors' tests share: reading fixtures (tests/fixtures/<vendor>/), a mock
//! server answering with them, fast poll settings, and the scenarios every polled job goes
//! through whatever its vendor (FAL, Replicate, Luma, Fireworks, AssemblyAI, Gladia, Rev.ai).
//!
//! Why one module: the polling behaviour (the per-call `pollIntervalMillis` and
//! `pollTimeoutMillis` overrides, the provider's timeout, the cancel of an abandoned job, a
//! failed job, a malformed poll answer, a misspelt option) is the same promise for every job
//! vendor, so it is written once as a scenario over a [`PolledJobVendor`] and each vendor's tests
//! say only what is their own: its fixtures, paths and key header. [`polled_job_tests!`] turns
//! scenarios into one `#[tokio::test]` each, named after the scenario. The language models'
//! request tests share one call with every core option set ([`every_core_option`]).

// Each vendor uses some of these; a test build without all of them leaves the others unused.
#![cfg_attr(
    not(all(
        feature = "fal",
        feature = "replicate",
        feature = "luma",
        feature = "openai-compatible",
        feature = "assemblyai",
        feature = "gladia",
        feature = "revai",
        feature = "hume",
        feature = "lmnt",
        feature = "cohere",
        feature = "google"
    )),
    allow(dead_code, unused_imports, unused_macros)
)]

use std::time::{Duration, Instant};

use serde_json::Value;
use specai_generated::mappings::Operation;

use crate::error::{ApiCallError, Error, Result, TimeoutKind};
use crate::provider::{
    CallOptions, ImageModel, ImageOptions, Message, Provider, ProviderOptions, SpeechModel,
    TranscriptionModel, TranscriptionOptions, TranscriptionResponse, Warning,
};
use crate::provider_utils::fault_server::{FaultRequest, FaultServer, FaultStep, json_head};
use crate::provider_utils::{MappedConnection, PollSettings};
use crate::provider_utils::test_server::{RecordedRequest, TestResponse, TestServer};

/// The API error a transcription of `options` ends with, by the model `model` makes for a server
/// answering `answer` (a test failure when the call ends otherwise).
pub(crate) async fn transcription_api_error<M: TranscriptionModel>(
    answer: TestResponse,
    options: TranscriptionOptions,
    model: impl FnOnce(&TestServer) -> M,
) -> Box<ApiCallError> {
    let server = TestServer::start([answer]).await;
    match model(&server).do_generate(&options).await {
        Err(Error::ApiCall(call)) => call,
        other => panic!("not an API error: {other:?}"),
    }
}

/// A call saying "hi" with every core sampling option set, to the values the language models'
/// request tests look for (100 tokens, temperature 0.5, top-p 0.25, top-k 40, stop `END`, seed 7,
/// presence penalty 0.5, frequency penalty 0.25).
pub(crate) fn every_core_option() -> CallOptions {
    let mut options = CallOptions::new(vec![Message::user("hi")]);
    options.max_output_tokens = Some(100);
    options.temperature = Some(0.5);
    options.top_p = Some(0.25);
    options.top_k = Some(40);
    options.stop_sequences = vec!["END".into()];
    options.seed = Some(7);
    options.presence_penalty = Some(0.5);
    options.frequency_penalty = Some(0.25);
    options
}

/// The text of `tests/fixtures/<vendor>/<file>`.
pub(crate) fn fixture_text(vendor: &str, file: &str) -> String {
    let path = format!("{}/../tests/fixtures/{vendor}/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// `tests/fixtures/<vendor>/<name>.json` as JSON.
pub(crate) fn fixture_json(vendor: &str, name: &str) -> Value {
    serde_json::from_str(&fixture_text(vendor, &format!("{name}.json"))).unwrap_or_else(|error| panic!("{vendor}/{name}.json: {error}"))
}

/// A JSON answer of this status with this text as it is.
pub(crate) fn json_answer(status: u16, text: impl Into<String>) -> TestResponse {
    TestResponse::new(status, text.into()).header("content-type", "application/json")
}

/// A server answering with these answers in order (made knowing its URL, for fixtures that name
/// the vendor's file host, rewritten to the server).
pub(crate) async fn server_with(answers: impl FnOnce(&TestServer) -> Vec<TestResponse>) -> TestServer {
    let server = TestServer::start([]).await;
    for answer in answers(&server) {
        server.push(answer);
    }
    server
}

/// Poll settings for tests: 1 ms, then 2 ms between polls; 10 s in all.
pub(crate) fn fast_poll() -> PollSettings {
    PollSettings::default().with_intervals(Duration::from_millis(1), Duration::from_millis(2)).with_total_timeout(Duration::from_secs(10))
}

/// Asserts that a provider's idle timeout reaches the poll, a request of its own after the
/// submission: against a server that accepts the submission (a JSON answer, `status` and `body`)
/// and then never answers, `call` (a model call by a provider of the base URL with the idle
/// timeout given) ends with an idle timeout long before the server would. The requests read.
pub(crate) async fn assert_idle_timeout_after_submission<Call, Running>(status: u16, body: &str, call: Call) -> Vec<FaultRequest>
where
    Call: FnOnce(String, Duration) -> Running,
    Running: Future<Output = Result<()>>,
{
    let reason = http::StatusCode::from_u16(status).ok().and_then(|code| code.canonical_reason()).unwrap_or("");
    let head = json_head(body.len()).replacen("200 OK", &format!("{status} {reason}"), 1);
    let server = FaultServer::start([
        vec![FaultStep::write(head), FaultStep::write(body.to_owned())],
        // The poll never answers.
        vec![FaultStep::Pause(Duration::from_secs(5))],
    ])
    .await;
    let started = Instant::now();
    let error = call(server.base_url(), Duration::from_millis(60)).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { kind: TimeoutKind::Idle, .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "ended by the idle timeout, not the server");
    server.requests()
}

/// The first request `matches` accepts, waiting for it to arrive (a cancel sent in the background).
pub(crate) async fn wait_for_request(server: &TestServer, matches: impl Fn(&RecordedRequest) -> bool) -> RecordedRequest {
    for _ in 0..400 {
        if let Some(request) = server.requests().into_iter().find(|request| matches(request)) {
            return request;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the request waited for did not arrive: {:#?}", server.requests());
}

/// The features of the warnings, every one of which must be `Unsupported`.
pub(crate) fn unsupported_features(warnings: &[Warning]) -> Vec<String> {
    warnings
        .iter()
        .map(|warning| match warning {
            Warning::Unsupported { feature, .. } => feature.clone(),
            other => panic!("{other:?}"),
        })
        .collect()
}

/// The method and path of each request.
pub(crate) fn calls(requests: &[RecordedRequest]) -> Vec<(&str, &str)> {
    requests.iter().map(|request| (request.method.as_str(), request.path.as_str())).collect()
}

/// `provider_options[vendor] = options`, or no provider options for `null`.
pub(crate) fn provider_options(vendor: &str, options: Value) -> ProviderOptions {
    if options.is_null() { ProviderOptions::new() } else { ProviderOptions::new().with(vendor, options) }
}

/// Asserts the default registry gives `registry_id` (`vendor:model`) as a transcription model
/// of `provider` and not as a language model.
pub(crate) fn assert_registry_gives_transcription_models_only(registry_id: &str, provider: &str) {
    let registry = crate::default_registry();
    assert_eq!(registry.transcription_model(registry_id).unwrap().provider(), provider);
    assert!(matches!(registry.language_model(registry_id), Err(Error::NoSuchModel { .. })));
}

/// Asserts a transcript's text, segments (text, start and end second), language and duration.
pub(crate) fn assert_transcript(
    response: &TranscriptionResponse,
    text: &str,
    segments: &[(&str, f64, f64)],
    language: Option<&str>,
    duration_in_seconds: f64,
) {
    assert_eq!(response.text, text);
    let found: Vec<(&str, f64, f64)> = response
        .segments
        .iter()
        .map(|segment| (segment.text.as_str(), segment.start_second, segment.end_second))
        .collect();
    assert_eq!(found, segments);
    assert_eq!(response.language.as_deref(), language);
    assert_eq!(response.duration_in_seconds, Some(duration_in_seconds));
}

/// Asserts that transcribing audio given by URL with `model` is `NoTranscriptGenerated`,
/// reported by `provider`.
pub(crate) async fn assert_no_transcript_generated(model: impl TranscriptionModel, provider: &str) {
    let options = TranscriptionOptions::from_url("https://example.com/a.mp3");
    let error = model.do_generate(&options).await.unwrap_err();
    let reported = match &error {
        Error::NoTranscriptGenerated { provider, .. } => provider,
        other => panic!("not NoTranscriptGenerated: {other:?}"),
    };
    assert_eq!(reported, provider);
}

/// The key the vendors' tests build a provider with to see that its `Debug` hides it.
pub(crate) const SECRET_KEY: &str = "secret-key";

/// Asserts that the `Debug` of a provider built with [`SECRET_KEY`] does not show it.
pub(crate) fn assert_debug_hides_the_key(provider: &impl std::fmt::Debug) {
    assert!(!format!("{provider:?}").contains(SECRET_KEY), "{provider:?}");
}

/// The URL of a job's operation (`status`, `result`) on `connection`, built from the mapping.
#[cfg(feature = "__job-provider")]
pub(crate) fn job_url(
    connection: &MappedConnection,
    operation: Option<&Operation>,
    capability: &str,
    job_id: &str,
) -> String {
    crate::provider_utils::job_operation_url(connection, operation, capability, "", job_id, None)
        .unwrap()
}

/// A JSON answer of the fixture `tests/fixtures/<vendor>/<name>.json`, with the vendor's file
/// host (`file_host`) rewritten to the server, so that downloads are served there too.
pub(crate) fn fixture_on_server(
    server: &TestServer,
    vendor: &str,
    name: &str,
    status: u16,
    file_host: &str,
) -> TestResponse {
    let text = fixture_text(vendor, &format!("{name}.json"));
    json_answer(status, text.replace(file_host, &server.base_url()))
}

/// Asserts what an audio vendor's provider built with [`SECRET_KEY`] shows and hands out: no key
/// in its `Debug`, no language models, and the `kind` (`"speech"` or `"transcription"`) model
/// of `model_id`, reporting `model_provider`.
pub(crate) fn assert_audio_provider(provider: &(impl Provider + std::fmt::Debug), kind: &str, model_id: &str, model_provider: &str) {
    assert_debug_hides_the_key(provider);
    assert!(matches!(provider.language_model("m"), Err(Error::NoSuchModel { .. })));
    let handed_out = match kind {
        "speech" => provider.speech_model(model_id).map(|model| model.provider().to_owned()),
        "transcription" => provider.transcription_model(model_id).map(|model| model.provider().to_owned()),
        other => panic!("not an audio model kind: {other}"),
    };
    assert_eq!(handed_out.unwrap(), model_provider);
}

/// A vendor's polled job as data: its ids, the header that carries the key, the requests
/// (`{id}` in a path is the job id) and the fixtures (`tests/fixtures/<id>/<name>.json`) of the
/// answers.
pub(crate) struct PolledJob {
    /// The provider id: the key of its provider options, the provider of its `JobFailed`, the
    /// folder of its fixtures.
    pub id: &'static str,
    /// The job id the fixtures give.
    pub job_id: &'static str,
    /// The header carrying the key, and its value for the test key the vendor's `call` uses.
    pub authorization: (&'static str, &'static str),
    /// The path the job is submitted to (a POST), the status and fixture of the answer.
    pub submit: (&'static str, u16, &'static str),
    /// A poll's method and path.
    pub poll: (&'static str, &'static str),
    /// The fixture of a poll answer of a job still queued or running.
    pub running: &'static str,
    /// The fixture of a poll answer of a job the vendor gave up on, and its message as reported.
    pub failed: (&'static str, &'static str),
    /// The request that cancels an abandoned job (method, path), when the vendor has one.
    pub cancel: Option<(&'static str, &'static str)>,
    /// Provider options (JSON) with a misspelt name: `{"speakerLabel": true}`.
    pub misspelt_option: &'static str,
    /// A poll answer that is not JSON; its text is kept in the error.
    pub malformed_poll: &'static str,
}

/// A vendor's polled job as its tests see it: the [`PolledJob`] facts, and what is code.
pub(crate) trait PolledJobVendor {
    /// The job's facts.
    const JOB: PolledJob;

    /// The vendor's provider.
    type Provider;

    /// The vendor's provider against the server, with the test key and these poll settings.
    fn provider_with(server: &TestServer, poll: PollSettings) -> Self::Provider;

    /// The vendor's provider against the server, polling fast.
    fn provider(server: &TestServer) -> Self::Provider {
        Self::provider_with(server, fast_poll())
    }

    /// The poll answer of a finished job and the answers after it (result, download).
    fn finished(server: &TestServer) -> Vec<TestResponse>;

    /// One call of the vendor's model (with the test key) against the server, with these poll
    /// settings for the provider and these provider options (`null` for none).
    async fn call(server: &TestServer, poll: PollSettings, options: Value) -> Result<()>;

    /// A JSON answer of one of the vendor's fixtures; vendors whose fixtures name a file host
    /// point it at the server.
    fn answer(server: &TestServer, status: u16, name: &str) -> TestResponse {
        let _ = server;
        json_answer(status, fixture_text(Self::JOB.id, &format!("{name}.json")))
    }

    /// Asserts the request is a poll of the job, with the key.
    fn assert_poll(request: &RecordedRequest) {
        let (method, path) = Self::JOB.poll;
        Self::assert_request(request, method, &job_path::<Self>(path));
    }

    /// Asserts the request is this one (method, path), with the key.
    fn assert_request(request: &RecordedRequest, method: &str, path: &str) {
        assert_eq!((request.method.as_str(), request.path.as_str()), (method, path));
        Self::assert_authorized(request);
    }

    /// Asserts the request carries the key.
    fn assert_authorized(request: &RecordedRequest) {
        let (name, value) = Self::JOB.authorization;
        assert_eq!(request.header(name), Some(value), "{} {}", request.method, request.path);
    }

    /// Asserts the request is the submission, with the key.
    fn assert_submission(request: &RecordedRequest) {
        Self::assert_request(request, "POST", Self::JOB.submit.0);
    }
}

/// A path of the job: `{id}` replaced by its id.
fn job_path<V: PolledJobVendor + ?Sized>(template: &str) -> String {
    template.replace("{id}", V::JOB.job_id)
}

/// The path of the job's polls.
pub(crate) fn poll_path<V: PolledJobVendor>() -> String {
    job_path::<V>(V::JOB.poll.1)
}

/// The cancel request (method, path), when the vendor has one.
fn cancel_request<V: PolledJobVendor>() -> Option<(&'static str, String)> {
    V::JOB.cancel.map(|(method, path)| (method, job_path::<V>(path)))
}

/// The answer to the submission: the job is accepted and not finished.
fn submitted<V: PolledJobVendor>(server: &TestServer) -> TestResponse {
    let (_, status, name) = V::JOB.submit;
    V::answer(server, status, name)
}

/// Transcribes audio given by URL with `model` and these provider options of `vendor`.
pub(crate) async fn transcribe_url(model: impl TranscriptionModel, vendor: &str, options: Value) -> Result<()> {
    let mut call = TranscriptionOptions::from_url("https://example.com/missing.mp3");
    call.provider_options = provider_options(vendor, options);
    model.do_generate(&call).await.map(drop)
}

/// Generates an image with `model`, these options and these provider options of `vendor`.
pub(crate) async fn generate_image_with(model: impl ImageModel, mut call: ImageOptions, vendor: &str, options: Value) -> Result<()> {
    call.provider_options = provider_options(vendor, options);
    model.do_generate(&call).await.map(drop)
}

/// The submission, then `count` answers of a job still running.
fn running_for<V: PolledJobVendor>(server: &TestServer, count: usize) -> Vec<TestResponse> {
    let mut answers = vec![submitted::<V>(server)];
    answers.extend((0..count).map(|_| V::answer(server, 200, V::JOB.running)));
    answers
}

/// The requests after the submission, once a cancel (when the vendor has one) has arrived.
async fn polls_after<V: PolledJobVendor>(server: &TestServer) -> Vec<RecordedRequest> {
    if let Some((method, path)) = cancel_request::<V>() {
        wait_for_request(server, |request| request.method == method && request.path == path).await;
    }
    let requests = server.requests();
    V::assert_submission(&requests[0]);
    requests[1..].iter().filter(|request| Some((request.method.as_str(), request.path.clone())) != cancel_request::<V>()).cloned().collect()
}

/// The call's `pollTimeoutMillis` (40 ms) ends a job the provider would poll for 10 s, with
/// about one poll per the call's `pollIntervalMillis` (5 ms), not per the provider's 1 ms.
pub(crate) async fn a_per_call_poll_timeout_overrides_the_providers<V: PolledJobVendor>() {
    let server = server_with(|server| running_for::<V>(server, 500)).await;
    let error = V::call(&server, fast_poll(), serde_json::json!({"pollIntervalMillis": 5, "pollTimeoutMillis": 40})).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { kind: TimeoutKind::Job, duration } if duration == Duration::from_millis(40)), "{error:?}");
    let polls = polls_after::<V>(&server).await;
    polls.iter().for_each(V::assert_poll);
    // The provider's 1 ms would make about 30 polls in 40 ms; a busy machine may make fewer.
    assert!((1..=9).contains(&polls.len()), "about one poll per 5 ms: {}", polls.len());
}

/// The call's `pollIntervalMillis` (20 ms) is the wait before each poll, where the provider
/// would wait 5 s: three polls take at least 60 ms and far less than the provider's first wait.
pub(crate) async fn a_per_call_poll_interval_is_used<V: PolledJobVendor>() {
    let server = server_with(|server| {
        let mut answers = running_for::<V>(server, 2);
        answers.extend(V::finished(server));
        answers
    })
    .await;
    let answers = server.pending();
    let slow = PollSettings::default().with_intervals(Duration::from_secs(5), Duration::from_secs(5)).with_total_timeout(Duration::from_secs(60));
    let started = Instant::now();
    let call = V::call(&server, slow, serde_json::json!({"pollIntervalMillis": 20}));
    tokio::time::timeout(Duration::from_secs(4), call).await.expect("polled at the call's interval, not the provider's 5 s").unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(60), "three polls 20 ms apart took {elapsed:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), answers, "every answer read, nothing more: {requests:#?}");
    V::assert_submission(&requests[0]);
    requests[1..4].iter().for_each(V::assert_poll);
}

/// A negative, a text or a fractional poll override is an invalid argument of the vendor's
/// provider options, before any request.
pub(crate) async fn bad_poll_overrides_are_rejected_before_any_request<V: PolledJobVendor>() {
    let server = TestServer::start([]).await;
    let bad = [
        serde_json::json!({"pollIntervalMillis": -5}),
        serde_json::json!({"pollTimeoutMillis": "40"}),
        serde_json::json!({"pollIntervalMillis": 2.5}),
        serde_json::json!({"pollTimeoutMillis": -1}),
    ];
    for options in bad {
        let error = V::call(&server, fast_poll(), options.clone()).await.unwrap_err();
        let expected = format!("provider_options.{}", V::JOB.id);
        assert!(matches!(&error, Error::InvalidArgument { argument, .. } if *argument == expected), "{options}: {error:?}");
    }
    assert!(server.requests().is_empty(), "{:#?}", server.requests());
}

/// The provider's total timeout (30 ms) ends a job still running as a job timeout.
pub(crate) async fn the_providers_poll_timeout_is_a_job_timeout<V: PolledJobVendor>() {
    let server = server_with(|server| running_for::<V>(server, 500)).await;
    let error = V::call(&server, fast_poll().with_total_timeout(Duration::from_millis(30)), Value::Null).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { kind: TimeoutKind::Job, duration } if duration == Duration::from_millis(30)), "{error:?}");
    polls_after::<V>(&server).await.iter().for_each(V::assert_poll);
}

/// A call dropped while its job is polled (a caller's timeout, a lost `select!`) sends the
/// vendor's cancel request, with the key, when the vendor has one; after it, nothing more is
/// sent, and a vendor without one gets nothing but the polls.
pub(crate) async fn abandoning_the_poll_cancels_the_job_where_the_vendor_can<V: PolledJobVendor>() {
    let server = server_with(|server| running_for::<V>(server, 500)).await;
    let call = V::call(&server, fast_poll(), Value::Null);
    let (poll_method, poll_path) = (V::JOB.poll.0, job_path::<V>(V::JOB.poll.1));
    tokio::select! {
        outcome = call => panic!("the job ended while still running: {outcome:?}"),
        // Abandoned once polling has begun (the job exists).
        _ = wait_for_request(&server, |request| request.method == poll_method && request.path == poll_path) => {}
    }
    // A poll already on its way when the call was dropped may still land.
    tokio::time::sleep(Duration::from_millis(30)).await;
    let polls = polls_after::<V>(&server).await;
    polls.iter().for_each(V::assert_poll);
    if let Some((method, path)) = cancel_request::<V>() {
        let cancel = server.requests().into_iter().find(|request| request.method == method && request.path == path).expect("the cancel");
        V::assert_authorized(&cancel);
    }
    let seen = server.requests().len();
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert_eq!(server.requests().len(), seen, "nothing after the drop: {:#?}", server.requests());
}

/// A job the vendor reports failed is `JobFailed` with the vendor's id and message; it is
/// neither cancelled nor read further.
pub(crate) async fn a_failed_job_is_job_failed_with_the_vendors_message<V: PolledJobVendor>() {
    let (failed, failure_message) = V::JOB.failed;
    let server = server_with(|server| vec![submitted::<V>(server), V::answer(server, 200, V::JOB.running), V::answer(server, 200, failed)]).await;
    let error = V::call(&server, fast_poll(), Value::Null).await.unwrap_err();
    match &error {
        Error::JobFailed { provider, job_id, message } => {
            assert_eq!((provider.as_str(), job_id.as_str(), message.as_str()), (V::JOB.id, V::JOB.job_id, failure_message));
        }
        other => panic!("{other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "a job that ended is not cancelled: {requests:#?}");
    V::assert_submission(&requests[0]);
    requests[1..].iter().for_each(V::assert_poll);
}

/// A poll answer that is not JSON is an invalid response keeping the raw text, not a panic.
pub(crate) async fn a_malformed_poll_answer_is_an_invalid_response_with_the_raw_text<V: PolledJobVendor>() {
    let server = server_with(|server| vec![submitted::<V>(server), json_answer(200, V::JOB.malformed_poll)]).await;
    let error = V::call(&server, fast_poll(), Value::Null).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidResponse { raw: Some(raw), .. } if raw.contains(V::JOB.malformed_poll)), "{error:?}");
    V::assert_poll(&server.last_request());
}

/// A misspelt provider option is an invalid argument naming it, before any request.
pub(crate) async fn unknown_options_are_rejected_before_any_request<V: PolledJobVendor>() {
    let server = TestServer::start([]).await;
    let misspelt: Value = serde_json::from_str(V::JOB.misspelt_option).unwrap();
    let name = misspelt.as_object().and_then(|object| object.keys().next()).expect("one option").clone();
    let error = V::call(&server, fast_poll(), misspelt).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidArgument { .. }) && error.to_string().contains(&name), "{error}");
    assert!(server.requests().is_empty());
}

/// One `#[tokio::test]` per scenario of this module for a [`PolledJobVendor`], named after it.
macro_rules! polled_job_tests {
    ($vendor:ty) => {
        $crate::providers::vendor_test_support::polled_job_tests!($vendor =>
            a_per_call_poll_timeout_overrides_the_providers,
            a_per_call_poll_interval_is_used,
            bad_poll_overrides_are_rejected_before_any_request,
            the_providers_poll_timeout_is_a_job_timeout,
            abandoning_the_poll_cancels_the_job_where_the_vendor_can,
            a_failed_job_is_job_failed_with_the_vendors_message,
            a_malformed_poll_answer_is_an_invalid_response_with_the_raw_text,
            unknown_options_are_rejected_before_any_request,
        );
    };
    ($vendor:ty => $($scenario:ident),+ $(,)?) => {
        $(
            #[tokio::test]
            async fn $scenario() {
                $crate::providers::vendor_test_support::$scenario::<$vendor>().await;
            }
        )+
    };
}
pub(crate) use polled_job_tests;
