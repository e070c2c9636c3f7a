//! A shared model is a model: every model trait is implemented for `Arc<M>`, so an
//! `Arc<dyn LanguageModel>` (what registries hand out) goes wherever a `LanguageModel` is
//! expected, e.g. into a wrapper generic over its inner model. One macro writes the six
//! forwarding impls, so that they cannot drift apart.

use std::sync::Arc;

use async_trait::async_trait;

use crate::error::Result;
use crate::{
    CallOptions, EmbedOptions, EmbedResponse, EmbeddingModel, GenerateResponse, ImageModel, ImageOptions, ImageResponse,
    LanguageModel, RerankOptions, RerankResponse, RerankingModel, SpeechModel, SpeechOptions, SpeechResponse,
    StreamResponse, SupportedUrl, TranscriptionModel, TranscriptionOptions, TranscriptionResponse,
};

/// The future of a model call, as `async_trait` declares it.
type BoxedCall<'call, T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + Send + 'call>>;

/// `impl Trait for Arc<M>`, forwarding `provider`, `model_id`, the other plain methods listed and
/// the async calls listed (each taking `&Options` and returning `Result<Response>`).
macro_rules! forward_through_arc {
    ($model:ident { $($method:ident -> $returns:ty),* ; $($call:ident($options:ty) -> $response:ty),+ }) => {
        #[async_trait]
        impl<M: $model + ?Sized> $model for Arc<M> {
            fn provider(&self) -> &str {
                (**self).provider()
            }

            fn model_id(&self) -> &str {
                (**self).model_id()
            }

            $(fn $method(&self) -> $returns {
                (**self).$method()
            })*

            // The inner model's boxed future, handed on as it is: an `async fn` here would box
            // a second future around it (an allocation and a copy on every call).
            $(fn $call<'model, 'options, 'call>(&'model self, options: &'options $options) -> BoxedCall<'call, $response>
            where
                'model: 'call,
                'options: 'call,
                Self: 'call,
            {
                (**self).$call(options)
            })+
        }
    };
}

forward_through_arc!(LanguageModel {
    supported_urls -> Vec<SupportedUrl>;
    do_generate(CallOptions) -> GenerateResponse, do_stream(CallOptions) -> StreamResponse
});
forward_through_arc!(EmbeddingModel {
    max_embeddings_per_call -> Option<usize>, supports_parallel_calls -> bool;
    do_embed(EmbedOptions) -> EmbedResponse
});
forward_through_arc!(ImageModel { max_images_per_call -> Option<usize>; do_generate(ImageOptions) -> ImageResponse });
forward_through_arc!(SpeechModel { ; do_generate(SpeechOptions) -> SpeechResponse });
forward_through_arc!(TranscriptionModel { ; do_generate(TranscriptionOptions) -> TranscriptionResponse });
forward_through_arc!(RerankingModel { ; do_rerank(RerankOptions) -> RerankResponse });

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Content, FinishReason, Message, Usage};

    struct Fixed;

    #[async_trait]
    impl LanguageModel for Fixed {
        crate::model_identity!("fixed", "fixed-1");

        fn supported_urls(&self) -> Vec<SupportedUrl> {
            vec![SupportedUrl::new("image/*", "https://")]
        }

        async fn do_generate(&self, _options: &CallOptions) -> Result<GenerateResponse> {
            Ok(GenerateResponse::new(vec![Content::text("fixed")], FinishReason::Stop, Usage::default()))
        }

        async fn do_stream(&self, _options: &CallOptions) -> Result<StreamResponse> {
            Err(crate::Error::unsupported("streaming", None))
        }
    }

    /// Takes any language model by value, as a wrapper generic over its inner model would.
    fn describe(model: impl LanguageModel) -> String {
        format!("{}/{} {:?}", model.provider(), model.model_id(), model.supported_urls())
    }

    #[test]
    fn a_shared_language_model_forwards_every_method() {
        let shared: Arc<dyn LanguageModel> = Arc::new(Fixed);
        assert_eq!(describe(shared.clone()), describe(Fixed));
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        let options = CallOptions::new(vec![Message::user("hi")]);
        let std::task::Poll::Ready(response) = std::pin::pin!(shared.do_generate(&options)).poll(&mut context) else {
            panic!("the fixed model never waits")
        };
        assert_eq!(response.unwrap().content, vec![Content::text("fixed")]);
    }
}
