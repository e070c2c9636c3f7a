//! [`IntoModel`]: what every builder function (`generate_text`, `embed`, `generate_image`...)
//! takes as its model.
//!
//! One trait, generic over the model kind (`dyn LanguageModel`, `dyn EmbeddingModel`...), rather
//! than one trait per kind: a model value, an `Arc` of one, or an `Arc<dyn ...>` (what the
//! registry hands out) all become the `Arc<dyn ...>` the builder keeps.
//!
//! The impls for concrete models rely on knowing that `Arc<dyn Kind>` is not itself a model, which
//! the compiler accepts only while the model traits are defined in this crate: if they move to a
//! crate of their own, this module moves with them.

use std::sync::Arc;

use crate::provider::{EmbeddingModel, ImageModel, LanguageModel, RerankingModel, SpeechModel, TranscriptionModel};

/// Anything that can serve as a model of kind `M` (e.g. `dyn LanguageModel`): a model value, an
/// `Arc` of one, or an `Arc<M>`.
///
/// ```
/// use std::sync::Arc;
/// use specai::IntoModel;
/// use specai::provider::LanguageModel;
/// use specai::test_util::MockLanguageModel;
///
/// let shared: Arc<dyn LanguageModel> = MockLanguageModel::new().into_model();
/// let again: Arc<dyn LanguageModel> = shared.clone().into_model();
/// assert!(Arc::ptr_eq(&shared, &again));
/// ```
pub trait IntoModel<M: ?Sized> {
    /// The model behind an `Arc`.
    fn into_model(self) -> Arc<M>;
}

impl<M: ?Sized> IntoModel<M> for Arc<M> {
    fn into_model(self) -> Arc<M> {
        self
    }
}

/// Implements [`IntoModel`] of each model kind for the kind's models and `Arc`s of them.
macro_rules! into_model_for_kinds {
    ($($kind:ident),* $(,)?) => {$(
        impl<T: $kind + 'static> IntoModel<dyn $kind> for T {
            fn into_model(self) -> Arc<dyn $kind> {
                Arc::new(self)
            }
        }

        impl<T: $kind + 'static> IntoModel<dyn $kind> for Arc<T> {
            fn into_model(self) -> Arc<dyn $kind> {
                self
            }
        }
    )*};
}

into_model_for_kinds!(LanguageModel, EmbeddingModel, ImageModel, SpeechModel, TranscriptionModel, RerankingModel);
