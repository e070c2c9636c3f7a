//! Middleware for image models: the [`ImageModelMiddleware`] trait and [`wrap_image_model`],
//! composed in the same order as language-model middleware.

use std::borrow::Cow;
use std::sync::Arc;

use async_trait::async_trait;

use crate::IntoModel;
use crate::error::Result;
use crate::provider::{ImageModel, ImageOptions, ImageResponse};

crate::middleware::one_call_middleware! {
    /// Changes how an image model is called; every method defaults to passing the call through.
    ///
    /// ```
    /// use std::borrow::Cow;
    /// use std::sync::Arc;
    /// use specai::middleware::{ImageModelMiddleware, wrap_image_model};
    /// use specai::provider::{ImageModel, ImageOptions, async_trait};
    /// use specai::test_util::MockImageModel;
    ///
    /// /// Adds a house style to every prompt.
    /// struct HouseStyle;
    ///
    /// #[async_trait]
    /// impl ImageModelMiddleware for HouseStyle {
    ///     async fn transform_options<'a>(&self, options: Cow<'a, ImageOptions>, _model: &dyn ImageModel) -> specai::Result<Cow<'a, ImageOptions>> {
    ///         let mut options = options.into_owned();
    ///         options.prompt = options.prompt.map(|prompt| format!("{prompt}, watercolour"));
    ///         Ok(Cow::Owned(options))
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
    /// let mock = MockImageModel::new();
    /// let model = wrap_image_model(mock.clone(), vec![Arc::new(HouseStyle)]);
    /// specai::generate_image(model).prompt("a cat").await?;
    /// assert_eq!(mock.calls()[0].prompt.as_deref(), Some("a cat, watercolour"));
    /// # Ok(()) }
    /// ```
    pub trait ImageModelMiddleware for ImageModel: wrap_generate(ImageOptions) -> ImageResponse = do_generate {
        /// The most images per call the wrapped model reports; `None` keeps the model's.
        fn override_max_images_per_call(&self, model: &dyn ImageModel) -> Option<Option<usize>> {
            let _ = model;
            None
        }
    }
}

/// Wraps an image model in middlewares; the first transforms the options first, the last wraps
/// the model directly.
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::wrap_image_model;
/// use specai::provider::ImageModel;
/// use specai::test_util::MockImageModel;
///
/// let model = wrap_image_model(MockImageModel::new(), Vec::new()).with_model_id("renamed");
/// assert_eq!(model.model_id(), "renamed");
/// ```
pub fn wrap_image_model(
    model: impl IntoModel<dyn ImageModel>,
    middlewares: Vec<Arc<dyn ImageModelMiddleware>>,
) -> WrappedImageModel {
    WrappedImageModel::layered(model.into_model(), middlewares)
}

/// One middleware around an image model (or none: then it only renames the model).
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::WrappedImageModel;
/// use specai::provider::ImageModel;
/// use specai::test_util::MockImageModel;
///
/// let model = WrappedImageModel::new(Arc::new(MockImageModel::new()), None).with_provider("gateway");
/// assert_eq!((model.provider(), model.model_id()), ("gateway", "mock-image"));
/// ```
#[derive(Clone)]
pub struct WrappedImageModel {
    model: Arc<dyn ImageModel>,
    middleware: Option<Arc<dyn ImageModelMiddleware>>,
    provider: String,
    model_id: String,
    max_images_per_call: Option<usize>,
}

impl WrappedImageModel {
    /// A layer of `middleware` around `model`, with what the middleware overrides (or the model's).
    pub fn new(
        model: Arc<dyn ImageModel>,
        middleware: Option<Arc<dyn ImageModelMiddleware>>,
    ) -> Self {
        let inner = model.as_ref();
        let layer = middleware.as_deref();
        let (provider, model_id) = Self::layer_ids(inner, layer);
        WrappedImageModel {
            provider,
            model_id,
            max_images_per_call: layer
                .and_then(|layer| layer.override_max_images_per_call(inner))
                .unwrap_or_else(|| inner.max_images_per_call()),
            model,
            middleware,
        }
    }
}

crate::middleware::middleware_layer!(WrappedImageModel, ImageModel, ImageModelMiddleware);

#[async_trait]
impl ImageModel for WrappedImageModel {
    crate::provider::model_identity!(provider, model_id);

    fn max_images_per_call(&self) -> Option<usize> {
        self.max_images_per_call
    }

    async fn do_generate(&self, options: &ImageOptions) -> Result<ImageResponse> {
        crate::middleware::call_through_layer!(self, options, do_generate, wrap_generate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::MockImageModel;

    /// Appends its name to the prompt, caps images per call at one, and drops all but one image.
    struct Marker(&'static str);

    #[async_trait]
    impl ImageModelMiddleware for Marker {
        fn override_provider(&self, model: &dyn ImageModel) -> Option<String> {
            Some(format!("{}.{}", model.provider(), self.0))
        }

        fn override_max_images_per_call(&self, _model: &dyn ImageModel) -> Option<Option<usize>> {
            Some(Some(1))
        }

        async fn transform_options<'a>(
            &self,
            options: Cow<'a, ImageOptions>,
            _model: &dyn ImageModel,
        ) -> Result<Cow<'a, ImageOptions>> {
            let mut options = options.into_owned();
            options.prompt.get_or_insert_default().push_str(self.0);
            Ok(Cow::Owned(options))
        }

        async fn wrap_generate(
            &self,
            options: &ImageOptions,
            model: &Arc<dyn ImageModel>,
        ) -> Result<ImageResponse> {
            let mut response = model.do_generate(options).await?;
            response.images.truncate(1);
            Ok(response)
        }
    }

    #[tokio::test]
    async fn layers_compose_in_order_and_override_capabilities() {
        let mock = MockImageModel::new();
        let model = wrap_image_model(
            mock.clone(),
            vec![Arc::new(Marker("a")), Arc::new(Marker("b"))],
        );
        assert_eq!(
            (model.provider(), model.max_images_per_call()),
            ("mock.b.a", Some(1))
        );
        let response = model
            .do_generate(&ImageOptions::new("cat-", 3))
            .await
            .unwrap();
        assert_eq!(mock.calls()[0].prompt.as_deref(), Some("cat-ab"));
        assert_eq!(response.images.len(), 1);
        let plain = wrap_image_model(mock.clone(), Vec::new());
        assert_eq!(
            plain
                .do_generate(&ImageOptions::new("dog", 2))
                .await
                .unwrap()
                .images
                .len(),
            2
        );
        assert_eq!(plain.max_images_per_call(), None);
    }
}
