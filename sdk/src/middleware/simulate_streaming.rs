//! Simulate streaming: a model's `do_stream` served from its `do_generate`, for models (or
//! gateways) that cannot stream, so that `stream_text` works with them all the same.

use std::sync::Arc;

use async_trait::async_trait;

use super::language_model_middleware::LanguageModelMiddleware;
use crate::error::Result;
use crate::provider::{CallOptions, LanguageModel, StreamResponse};
use crate::provider_utils::replayed_stream;

/// Answers stream calls with one generate call, replayed as a stream by
/// [`replayed_stream`](crate::provider_utils::replayed_stream): the parts a streaming provider
/// would have sent, in the response's order.
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::{simulate_streaming, wrap_language_model};
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let mock = MockLanguageModel::new().with_response(text_response("Hello from generate"));
/// let model = wrap_language_model(mock, vec![Arc::new(simulate_streaming())]);
/// let mut stream = specai::stream_text(model).prompt("Hi").start();
/// assert_eq!(stream.text().await?, "Hello from generate");
/// # Ok(()) }
/// ```
pub fn simulate_streaming() -> SimulateStreaming {
    SimulateStreaming
}

/// The simulate-streaming middleware; built with [`simulate_streaming`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SimulateStreaming;

#[async_trait]
impl LanguageModelMiddleware for SimulateStreaming {
    async fn wrap_stream(
        &self,
        options: &CallOptions,
        model: &Arc<dyn LanguageModel>,
    ) -> Result<StreamResponse> {
        let response = model.do_generate(options).await?;
        Ok(replayed_stream(response, Vec::new()))
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::*;
    use crate::middleware::wrap_language_model;
    use crate::provider::{StreamPart, ToolCall};
    use crate::test_util::{MockLanguageModel, text_response};

    #[tokio::test]
    async fn a_stream_call_is_one_generate_call_replayed() {
        let mut response = text_response("Hello");
        response.content.push(crate::provider::Content::ToolCall(ToolCall::new("c1", "weather", "{}")));
        let mock = MockLanguageModel::new().with_response(response);
        let model = wrap_language_model(mock.clone(), vec![Arc::new(simulate_streaming())]);
        let streamed = model.do_stream(&CallOptions::default()).await.unwrap();
        let parts: Vec<StreamPart> = streamed.stream.map(Result::unwrap).collect().await;
        assert!(matches!(&parts[3], StreamPart::TextDelta { delta, .. } if delta == "Hello"), "{parts:?}");
        assert!(parts.iter().any(|part| matches!(part, StreamPart::ToolInputDelta { delta, .. } if delta == "{}")), "{parts:?}");
        assert!(matches!(parts.last(), Some(StreamPart::Finish { .. })));
        assert_eq!(mock.call_count(), 1, "one generate call; the mock scripts no stream, so a stream call would fail");
    }

    #[tokio::test]
    async fn a_failed_generate_fails_the_stream_call() {
        let mock = MockLanguageModel::new()
            .with_error(crate::error::ApiCallError::new(503, "http://x", "down"));
        let model = wrap_language_model(mock, vec![Arc::new(simulate_streaming())]);
        assert_eq!(
            model
                .do_stream(&CallOptions::default())
                .await
                .unwrap_err()
                .status(),
            Some(503)
        );
    }
}
