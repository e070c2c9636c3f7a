//! A scripted speech model that records its calls.

use super::script::scripted_mock;
use crate::provider::{SpeechModel, SpeechOptions, SpeechResponse};

scripted_mock! {
    /// A speech model that answers with scripted responses in order, and otherwise with the
    /// text's bytes as `audio/mpeg`; it records every call.
    ///
    #[cfg_attr(feature = "speech", doc = " ```")]
    #[cfg_attr(not(feature = "speech"), doc = " ```ignore")]
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
    /// use specai::test_util::MockSpeechModel;
    /// let model = MockSpeechModel::new();
    /// let speech = specai::generate_speech(model.clone()).text("Hello").voice("alloy").await?;
    /// assert_eq!((&speech.audio[..], speech.media_type.as_str()), (&b"Hello"[..], "audio/mpeg"));
    /// assert_eq!(model.calls()[0].voice.as_deref(), Some("alloy"));
    /// # Ok(()) }
    /// ```
    MockSpeechModel: SpeechModel::do_generate(SpeechOptions) -> SpeechResponse,
    model_id: "mock-speech",
    unscripted: |options: &SpeechOptions, _| Ok(SpeechResponse::new(options.text.clone().into_bytes(), "audio/mpeg")),
}
