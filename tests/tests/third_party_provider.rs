//! A provider written outside specai, against `specai-provider` alone, works through specai's
//! generation functions: the spec crate is the whole contract between the two.

use std::sync::Arc;

use futures::StreamExt;
use specai::{generate_text, stream_text};

/// The third party's crate: it names `specai_provider` only, never `specai`.
mod vendor {
    use std::sync::Arc;

    use specai_provider::{
        BlockId, CallOptions, Content, FinishReason, GenerateResponse, LanguageModel, Message, RequestMetadata,
        ResponseMetadata, Result, StreamPart, StreamResponse, Usage, UserPart, Warning, async_trait,
    };

    /// Answers with the last user text in capitals; takes no temperature.
    pub struct ShoutModel;

    impl ShoutModel {
        fn answer(options: &CallOptions) -> (String, Vec<Warning>) {
            let text = options
                .prompt
                .iter()
                .rev()
                .find_map(|message| match message {
                    Message::User { content, .. } => content.iter().find_map(|part| match part {
                        UserPart::Text(part) => Some(part.text.to_uppercase()),
                        _ => None,
                    }),
                    _ => None,
                })
                .unwrap_or_default();
            let warnings = match options.temperature {
                Some(_) => vec![Warning::unsupported("temperature", None)],
                None => Vec::new(),
            };
            (text, warnings)
        }
    }

    #[async_trait]
    impl LanguageModel for ShoutModel {
        fn provider(&self) -> &str {
            "shout"
        }

        fn model_id(&self) -> &str {
            "shout-1"
        }

        async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
            let (text, warnings) = Self::answer(options);
            let mut response =
                GenerateResponse::new(vec![Content::text(text)], FinishReason::Stop, Usage::from_totals(Some(3), Some(2)));
            response.warnings = warnings;
            Ok(response)
        }

        async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
            let (text, warnings) = Self::answer(options);
            let id: BlockId = Arc::from("0");
            let mut parts = vec![StreamPart::StreamStart { warnings }, StreamPart::TextStart { id: id.clone(), provider_metadata: None }];
            for word in text.split_inclusive(' ') {
                parts.push(StreamPart::TextDelta { id: id.clone(), delta: word.to_owned() });
            }
            parts.push(StreamPart::TextEnd { id, provider_metadata: None });
            parts.push(StreamPart::Finish {
                usage: Box::new(Usage::from_totals(Some(3), Some(2))),
                finish_reason: FinishReason::Stop,
                raw_finish_reason: None,
                provider_metadata: None,
            });
            let stream = futures::stream::iter(parts.into_iter().map(Ok));
            Ok(StreamResponse::new(Box::pin(stream), RequestMetadata::default(), ResponseMetadata::default()))
        }
    }
}

#[tokio::test]
async fn generate_text_takes_a_model_implemented_outside_specai() {
    let result = generate_text(vendor::ShoutModel).prompt("hello there").temperature(0.5).await.unwrap();
    assert_eq!(result.text(), "HELLO THERE");
    assert_eq!(result.finish_reason(), specai::provider::FinishReason::Stop);
    assert_eq!(result.usage().total_tokens(), Some(5));
    assert_eq!(result.warnings(), [&specai::provider::Warning::unsupported("temperature", None)]);
}

#[tokio::test]
async fn stream_text_takes_a_shared_model_implemented_outside_specai() {
    // As a registry hands models out: behind `Arc<dyn LanguageModel>` of the spec crate, which is
    // the very trait `specai::provider` names.
    let model: Arc<dyn specai::provider::LanguageModel> = Arc::new(vendor::ShoutModel);
    let mut result = stream_text(model).prompt("hello there").start();
    let deltas: Vec<String> = result.text_stream().map(Result::unwrap).collect().await;
    assert_eq!(deltas, ["HELLO ", "THERE"]);
    assert_eq!(result.text().await.unwrap(), "HELLO THERE");
    assert_eq!(result.usage().await.unwrap().total_tokens(), Some(5));
}
