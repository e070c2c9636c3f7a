//! `generate_object::<T>(model)` and `stream_object::<T>(model)`: text generation with
//! [`Output::object`], so the result's `output` is a `T`.
//!
//! They are the generation builders with the output spec set, so every builder method of
//! `generate_text` / `stream_text` applies. For arrays, choices or schema-less JSON, use
//! `.output(Output::array::<T>())` and friends on either; `StreamTextResult::element_stream`
//! streams array elements. A text that does not parse into `T` is [`Error::NoObjectGenerated`](crate::Error)
//! carrying the text, usage and finish reason.
//!
//! ```
//! # async fn example(model: specai::test_util::MockLanguageModel) -> specai::Result<()> {
//! #[derive(serde::Deserialize, schemars::JsonSchema)]
//! struct Recipe { name: String, steps: Vec<String> }
//!
//! let recipe: Recipe = specai::generate_object::<Recipe>(model).prompt("A soup recipe").await?.output;
//! # let _ = recipe; Ok(()) }
//! ```

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use crate::generate_text::{GenerateText, generate_text};
use crate::into_model::IntoModel;
use crate::output::{ObjectOutput, Output};
use crate::provider::LanguageModel;
use crate::stream_text::{StreamText, stream_text};

/// Generates a `T`: `generate_object::<T>(model).prompt("...").await?.output`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct City { name: String, population: u64 }
///
/// let model = MockLanguageModel::new().with_response(text_response(r#"{"name": "Lyon", "population": 522250}"#));
/// let city = specai::generate_object::<City>(model.clone()).prompt("The third city of France").await?.output;
/// assert_eq!((city.name.as_str(), city.population), ("Lyon", 522250));
/// assert!(model.calls()[0].response_format.is_some(), "the schema is sent");
/// # Ok(()) }
/// ```
pub fn generate_object<T>(model: impl IntoModel<dyn LanguageModel>) -> GenerateText<ObjectOutput<T>>
where
    T: JsonSchema + DeserializeOwned + Send + 'static,
{
    generate_text(model).output(Output::object::<T>())
}

/// Streams a `T`: partial objects from `partial_output_stream()`, the final value from `output()`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use futures::StreamExt;
/// use specai::test_util::{MockLanguageModel, MockStream};
///
/// #[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
/// struct City {
///     name: String,
///     country: String,
/// }
///
/// let model = MockLanguageModel::new().with_stream(MockStream::text([r#"{"name": "Ly"#, r#"on", "country": "#, r#""France"}"#]));
/// let mut result = specai::stream_object::<City>(model).prompt("A French city").start();
/// let mut partials = Vec::new();
/// let mut stream = result.partial_output_stream();
/// while let Some(partial) = stream.next().await {
///     partials.push(partial?); // JSON objects that grow: {"name": "Ly"}, ...
/// }
/// assert_eq!(partials[0], serde_json::json!({"name": "Ly"}));
/// let city = result.output().await?;
/// assert_eq!((city.name.as_str(), city.country.as_str()), ("Lyon", "France"));
/// # Ok(()) }
/// ```
pub fn stream_object<T>(model: impl IntoModel<dyn LanguageModel>) -> StreamText<ObjectOutput<T>>
where
    T: JsonSchema + DeserializeOwned + Send + 'static,
{
    stream_text(model).output(Output::object::<T>())
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;
    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::error::Error;
    use crate::provider::{FinishReason, ResponseFormat};
    use crate::test_util::{MockLanguageModel, MockStream, text_response};

    #[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
    struct City {
        name: String,
        population: u64,
    }

    #[tokio::test]
    async fn generates_a_typed_object_and_sends_its_schema() {
        let model = MockLanguageModel::new().with_response(text_response(r#"{"name": "Oslo", "population": 709000}"#));
        let result = generate_object::<City>(model.clone()).prompt("a city").await.unwrap();
        assert_eq!(result.output, City { name: "Oslo".into(), population: 709_000 });
        match &model.calls()[0].response_format {
            Some(ResponseFormat::Json { schema: Some(schema), .. }) => {
                assert_eq!(schema["properties"]["population"]["type"], "integer");
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn unparseable_text_is_no_object_generated_with_text_usage_and_finish_reason() {
        let model = MockLanguageModel::new().with_response(text_response(r#"{"name": "Oslo"}"#));
        let error = generate_object::<City>(model).prompt("a city").max_retries(0).await.unwrap_err();
        match error {
            Error::NoObjectGenerated(details) => {
                assert_eq!(details.text.as_deref(), Some(r#"{"name": "Oslo"}"#));
                assert_eq!(details.usage.output_tokens.total, Some(5));
                assert_eq!(details.finish_reason, Some(FinishReason::Stop));
                assert!(details.source.is_some());
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn streams_partial_objects_then_the_final_one() {
        let model = MockLanguageModel::new().with_stream(MockStream::text([r#"{"na"#, r#"me": "Ro"#, r#"me", "popul"#, r#"ation": 2873000}"#]));
        let mut result = stream_object::<City>(model).prompt("a city").start();
        let partials: Vec<_> = result.partial_output_stream().map(Result::unwrap).collect().await;
        assert_eq!(partials.first(), Some(&json!({})));
        assert!(partials.contains(&json!({"name": "Ro"})), "{partials:?}");
        assert_eq!(partials.last(), Some(&json!({"name": "Rome", "population": 2873000})));
        assert_eq!(result.output().await.unwrap(), City { name: "Rome".into(), population: 2_873_000 });
    }
}
