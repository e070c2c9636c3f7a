//! FAL's queue through the shared polling scenarios, for each model kind: each reads its own
//! `pollIntervalMillis` and `pollTimeoutMillis`, so each is held to them.

use serde_json::{Value, json};

use super::{JPEG, REQUEST_ID, fixture, provider_with, status_path};
use crate::error::Result;
use crate::provider::{ImageModel, ImageOptions, SpeechModel, SpeechOptions, TranscriptionModel, TranscriptionOptions};
use crate::provider_utils::PollSettings;
use crate::provider_utils::test_server::{TestResponse, TestServer};
use crate::providers::vendor_test_support::{PolledJobVendor, polled_job_tests, provider_options};

/// The queue's answers and paths for the model `owner/app/...`; only the result differs by kind.
macro_rules! fal_queue_vendor {
    ($vendor:ident, app: $app:literal, model: $model:literal, result: $result:expr, call: $call:expr) => {
        struct $vendor;

        impl PolledJobVendor for $vendor {
            const ID: &'static str = "fal";
            const JOB_ID: &'static str = REQUEST_ID;
            const AUTHORIZATION: (&'static str, &'static str) = ("authorization", "Key test-key");
            const SUBMIT_PATH: &'static str = concat!("/", $model);
            const MALFORMED_POLL: &'static str = "{\"status\": IN_QUEUE";

            fn submitted(server: &TestServer) -> TestResponse {
                fixture(server, "queue_submit")
            }
            fn poll_request() -> (&'static str, String) {
                ("GET", status_path($app))
            }
            fn running(server: &TestServer) -> TestResponse {
                fixture(server, "status_in_progress")
            }
            fn finished(server: &TestServer) -> Vec<TestResponse> {
                let mut answers = vec![fixture(server, "status_completed")];
                answers.extend($result(server));
                answers
            }
            fn failed(server: &TestServer) -> TestResponse {
                fixture(server, "status_completed_error")
            }
            fn is_failure_message(message: &str) -> bool {
                message == "Internal error: the runner ran out of GPU memory"
            }
            fn cancel_request() -> Option<(&'static str, String)> {
                Some(("PUT", format!("/{}/requests/{REQUEST_ID}/cancel", $app)))
            }
            fn misspelt_option() -> Value {
                json!({"guidanceScal": 3})
            }
            async fn call(server: &TestServer, poll: PollSettings, options: Value) -> Result<()> {
                $call(server, poll, provider_options("fal", options)).await
            }
        }
    };
}

fal_queue_vendor!(FalImage, app: "fal-ai/flux", model: "fal-ai/flux/dev",
    result: |server| vec![fixture(server, "image_result"), TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg")],
    call: |server: &TestServer, poll, provider_options| {
        let mut options = ImageOptions::new("A lighthouse at dawn", 1);
        options.provider_options = provider_options;
        let model = provider_with(server, poll).image("fal-ai/flux/dev");
        async move { model.do_generate(&options).await.map(drop) }
    });

fal_queue_vendor!(FalSpeech, app: "fal-ai/kokoro", model: "fal-ai/kokoro/american-english",
    result: |server| vec![fixture(server, "speech_result"), TestResponse::bytes(200, &b"RIFF\x24\x00\x00\x00WAVEfmt "[..], "audio/wav")],
    call: |server: &TestServer, poll, provider_options| {
        let mut options = SpeechOptions::new("Hello from the lighthouse");
        options.provider_options = provider_options;
        let model = provider_with(server, poll).speech("fal-ai/kokoro/american-english");
        async move { model.do_generate(&options).await.map(drop) }
    });

fal_queue_vendor!(FalTranscription, app: "fal-ai/whisper", model: "fal-ai/whisper",
    result: |server| vec![fixture(server, "transcription_result")],
    call: |server: &TestServer, poll, provider_options| {
        let mut options = TranscriptionOptions::from_url("https://example.com/talk.mp3");
        options.provider_options = provider_options;
        let model = provider_with(server, poll).transcription("fal-ai/whisper");
        async move { model.do_generate(&options).await.map(drop) }
    });

mod image {
    use super::*;
    polled_job_tests!(FalImage =>
        a_per_call_poll_timeout_overrides_the_providers,
        a_per_call_poll_interval_is_used,
        bad_poll_overrides_are_rejected_before_any_request,
        the_providers_poll_timeout_is_a_job_timeout,
        abandoning_the_poll_cancels_the_job_where_the_vendor_can,
        a_failed_job_is_job_failed_with_the_vendors_message,
        unknown_options_are_rejected_before_any_request,
    );
}

mod speech {
    use super::*;
    polled_job_tests!(FalSpeech =>
        a_per_call_poll_timeout_overrides_the_providers,
        a_per_call_poll_interval_is_used,
        bad_poll_overrides_are_rejected_before_any_request,
    );
}

mod transcription {
    use super::*;
    polled_job_tests!(FalTranscription =>
        a_per_call_poll_timeout_overrides_the_providers,
        a_per_call_poll_interval_is_used,
        bad_poll_overrides_are_rejected_before_any_request,
    );
}
