//! FAL's queue through the shared polling scenarios, for each model kind: each reads its own
//! `pollIntervalMillis` and `pollTimeoutMillis`, so each is held to them.

use serde_json::Value;

use super::{JPEG, REQUEST_ID, fixture, provider_with};
use crate::error::Result;
use crate::provider::{ImageOptions, SpeechModel, SpeechOptions};
use crate::provider_utils::PollSettings;
use crate::provider_utils::test_server::{TestResponse, TestServer};
use crate::providers::vendor_test_support::{PolledJob, PolledJobVendor, generate_image_with, polled_job_tests, provider_options, transcribe_url};

/// The queue of the model `$model` of the app `$app`: only what follows the completed status
/// (the result, a download) and the call differ by kind. Every queue answer is a 200.
macro_rules! fal_queue_job {
    ($vendor:ident, app: $app:literal, model: $model:literal) => {
        struct $vendor;

        impl PolledJobVendor for $vendor {
            const JOB: PolledJob = PolledJob {
                id: "fal", job_id: REQUEST_ID, authorization: ("authorization", "Key test-key"), submit: (concat!("/", $model), 200, "queue_submit"),
                poll: ("GET", concat!("/", $app, "/requests/{id}/status")), running: "status_in_progress",
                cancel: Some(("PUT", concat!("/", $app, "/requests/{id}/cancel"))), failed: ("status_completed_error", "Internal error: the runner ran out of GPU memory"),
                misspelt_option: r#"{"guidanceScal": 3}"#, malformed_poll: r#"{"status": IN_QUEUE"#,
            };

            type Provider = crate::providers::fal::FalProvider;

            fn provider_with(server: &TestServer, poll: PollSettings) -> Self::Provider {
                provider_with(server, poll)
            }
            fn answer(server: &TestServer, _: u16, name: &str) -> TestResponse {
                fixture(server, name)
            }
            fn finished(server: &TestServer) -> Vec<TestResponse> {
                let mut answers = vec![fixture(server, "status_completed")];
                answers.extend(results(server, $model));
                answers
            }
            async fn call(server: &TestServer, poll: PollSettings, options: Value) -> Result<()> {
                call(Self::provider_with(server, poll), $model, options).await
            }
        }
    };
}

fal_queue_job!(FalImage, app: "fal-ai/flux", model: "fal-ai/flux/dev");
fal_queue_job!(FalSpeech, app: "fal-ai/kokoro", model: "fal-ai/kokoro/american-english");
fal_queue_job!(FalTranscription, app: "fal-ai/whisper", model: "fal-ai/whisper");

/// The answers after the completed status for the model: its result, and the file it names.
fn results(server: &TestServer, model: &str) -> Vec<TestResponse> {
    match model {
        "fal-ai/flux/dev" => vec![fixture(server, "image_result"), TestResponse::bytes(200, JPEG.to_vec(), "image/jpeg")],
        "fal-ai/kokoro/american-english" => vec![fixture(server, "speech_result"), TestResponse::bytes(200, &b"RIFF\x24\x00\x00\x00WAVEfmt "[..], "audio/wav")],
        _ => vec![fixture(server, "transcription_result")],
    }
}

/// One call of the model's kind with these provider options.
async fn call(provider: crate::providers::fal::FalProvider, model: &str, options: Value) -> Result<()> {
    match model {
        "fal-ai/flux/dev" => generate_image_with(provider.image(model), ImageOptions::new("A lighthouse at dawn", 1), "fal", options).await,
        "fal-ai/kokoro/american-english" => {
            let mut speech = SpeechOptions::new("Hello from the lighthouse");
            speech.provider_options = provider_options("fal", options);
            provider.speech(model).do_generate(&speech).await.map(drop)
        }
        _ => transcribe_url(provider.transcription(model), "fal", options).await,
    }
}

mod image {
    use super::*;
    polled_job_tests!(FalImage);
}

mod speech {
    use super::*;
    polled_job_tests!(FalSpeech);
}

mod transcription {
    use super::*;
    polled_job_tests!(FalTranscription);
}
