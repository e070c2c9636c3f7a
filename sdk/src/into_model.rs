//! [`IntoModel`]: what every builder function (`generate_text`, `embed`, `generate_image`...)
//! takes as its model.
//!
//! One trait, generic over the model kind (`dyn LanguageModel`, `dyn EmbeddingModel`...), rather
//! than one trait per kind: a model value, an `Arc` of one, or an `Arc<dyn ...>` (what the
//! registry hands out) all become the `Arc<dyn ...>` the builder keeps.
//!
//! `specai-provider` implements every model trait for `Arc<M>`, so one blanket impl per kind
//! covers a model value, an `Arc` of one and an `Arc<dyn ...>`; the last is handed back as it is
//! ([`share`]), not wrapped in a second `Arc`.

use std::sync::Arc;

use crate::shared_model::share;
use crate::provider::{EmbeddingModel, ImageModel, LanguageModel, RerankingModel, SpeechModel, TranscriptionModel};

/// Anything that can serve as a model of kind `M` (e.g. `dyn LanguageModel`): a model value, an
/// `Arc` of one, or an `Arc<M>` (handed back as it is).
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

/// Implements [`IntoModel`] of each model kind for every model of that kind.
macro_rules! into_model_for_kinds {
    ($($kind:ident),* $(,)?) => {$(
        impl<T: $kind + 'static> IntoModel<dyn $kind> for T {
            fn into_model(self) -> Arc<dyn $kind> {
                share::<T, dyn $kind>(self, |model| Arc::new(model))
            }
        }
    )*};
}

into_model_for_kinds!(LanguageModel, EmbeddingModel, ImageModel, SpeechModel, TranscriptionModel, RerankingModel);
