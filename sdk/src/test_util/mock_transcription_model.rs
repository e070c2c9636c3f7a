//! A scripted transcription model that records its calls.

use super::script::scripted_mock;
use crate::provider::{TranscriptionModel, TranscriptionOptions, TranscriptionResponse};

scripted_mock! {
    /// A transcription model that answers with scripted responses in order, and otherwise with
    /// the audio bytes read as UTF-8 text; it records every call.
    ///
    #[cfg_attr(feature = "transcription", doc = " ```")]
    #[cfg_attr(not(feature = "transcription"), doc = " ```ignore")]
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
    /// use specai::test_util::MockTranscriptionModel;
    /// let model = MockTranscriptionModel::new();
    /// let transcript = specai::transcribe(model.clone()).audio(&b"spoken words"[..]).media_type("audio/wav").await?;
    /// assert_eq!(transcript.text, "spoken words");
    /// assert_eq!(model.calls()[0].media_type, "audio/wav");
    /// # Ok(()) }
    /// ```
    MockTranscriptionModel: TranscriptionModel::do_generate(TranscriptionOptions) -> TranscriptionResponse,
    model_id: "mock-transcription",
    unscripted: |options: &TranscriptionOptions, _| Ok(TranscriptionResponse::new(String::from_utf8_lossy(&options.audio))),
}
