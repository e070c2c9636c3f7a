//! Default settings: call options that apply unless the caller sets them, for language models
//! ([`default_settings`]) and embedding models ([`default_embedding_settings`]).
//!
//! The caller's value wins, as the AI SDK's `mergeObjects(settings, params)` decides: a setting
//! the caller left unset (`None`, an empty list) takes the default; headers merge by name; provider
//! options merge deeply, object by object, with the caller's values replacing defaults (arrays
//! and scalars are replaced whole).

use std::borrow::Cow;

use async_trait::async_trait;
use http::HeaderMap;
use serde_json::Value;

use super::language_model_middleware::{CallKind, LanguageModelMiddleware};
use super::wrap_embedding_model::EmbeddingModelMiddleware;
use crate::error::Result;
use crate::provider::{
    CallOptions, EmbedOptions, EmbeddingModel, LanguageModel, ProviderOptions, ReasoningEffort,
    ResponseFormat, ToolChoice, ToolDefinition,
};
use crate::provider_utils::{HeaderNameInput, HeaderValueInput, parse_header};

/// Starts a [`DefaultSettings`] middleware with no defaults.
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::{default_settings, wrap_language_model};
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let mock = MockLanguageModel::new().with_response(text_response("ok"));
/// let defaults = default_settings()
///     .temperature(0.3)
///     .max_output_tokens(200)
///     .provider_options("openai", serde_json::json!({"user": "app", "store": false}));
/// let model = wrap_language_model(mock.clone(), vec![Arc::new(defaults)]);
/// let options = specai::provider::ProviderOptions::new().with("openai", serde_json::json!({"store": true}));
/// specai::generate_text(model).prompt("Hi").temperature(0.9).provider_options(options).await?;
/// let call = &mock.calls()[0];
/// assert_eq!((call.temperature, call.max_output_tokens), (Some(0.9), Some(200)));
/// assert_eq!(call.provider_options.get("openai"), Some(&serde_json::json!({"user": "app", "store": true})));
/// # Ok(()) }
/// ```
pub fn default_settings() -> DefaultSettings {
    DefaultSettings::default()
}

/// Call options used where a call leaves them unset. Built with [`default_settings`].
///
/// A language-model middleware: wrap one model with
/// [`wrap_language_model`](crate::middleware::wrap_language_model), or every model of a registry
/// with [`ProviderRegistryBuilder::language_model_middleware`](crate::registry::ProviderRegistryBuilder::language_model_middleware).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use std::sync::Arc;
/// use specai::middleware::default_settings;
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// let mock = MockLanguageModel::new().with_response(text_response("ok")).with_response(text_response("ok"));
/// let defaults = default_settings().stop_sequences(["END"]).header("x-team", "search")?;
/// let local = specai::custom_provider().with_language_model("tiny", Arc::new(mock.clone()));
/// let registry = specai::create_provider_registry()
///     .provider("local", local)
///     .language_model_middleware(vec![Arc::new(defaults)])
///     .build();
/// let model = registry.language_model("local:tiny")?;
/// specai::generate_text(model.clone()).prompt("Hi").await?;
/// specai::generate_text(model).prompt("Hi").stop_sequences(["STOP"]).header("x-team", "billing").await?;
/// let calls = mock.calls();
/// assert_eq!((calls[0].stop_sequences.as_slice(), calls[0].headers["x-team"].to_str().unwrap()), (&["END".to_owned()][..], "search"));
/// assert_eq!((calls[1].stop_sequences.as_slice(), calls[1].headers["x-team"].to_str().unwrap()), (&["STOP".to_owned()][..], "billing"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct DefaultSettings {
    /// The defaults; the prompt and `include_raw_chunks` are not used.
    defaults: CallOptions,
}

/// Setters, one per defaultable option: `name(Type) => field` stores `Some(value)`.
macro_rules! default_setters {
    ($($(#[$doc:meta])* $name:ident($type:ty);)*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: $type) -> Self {
            self.defaults.$name = Some(value);
            self
        }
    )*};
}

impl DefaultSettings {
    default_setters! {
        /// The default most tokens to generate.
        max_output_tokens(u32);
        /// The default temperature.
        temperature(f32);
        /// The default nucleus sampling.
        top_p(f32);
        /// The default top-K sampling.
        top_k(u32);
        /// The default presence penalty.
        presence_penalty(f32);
        /// The default frequency penalty.
        frequency_penalty(f32);
        /// The default output format.
        response_format(ResponseFormat);
        /// The default seed.
        seed(u64);
        /// The default tool choice.
        tool_choice(ToolChoice);
        /// The default reasoning effort.
        reasoning_effort(ReasoningEffort);
    }

    /// The default stop sequences (used when the call has none).
    pub fn stop_sequences<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        sequences: I,
    ) -> Self {
        self.defaults.stop_sequences = sequences.into_iter().map(Into::into).collect();
        self
    }

    /// The default tools (used when the call has none).
    pub fn tools(mut self, tools: Vec<ToolDefinition>) -> Self {
        self.defaults.tools = tools;
        self
    }

    /// A default HTTP header (the call's header of the same name wins). Takes `&str`, `String`
    /// or the `http` types, as every builder's `header` does; an invalid one is an error here.
    pub fn header(mut self, name: impl HeaderNameInput, value: impl HeaderValueInput) -> Result<Self> {
        let (name, value) = parse_header(name, value)?;
        self.defaults.headers.insert(name, value);
        Ok(self)
    }

    /// Default options of one provider, merged under the call's (objects merge key by key).
    pub fn provider_options(mut self, provider_id: &str, options: Value) -> Self {
        merge_value(
            self.defaults
                .provider_options
                .0
                .entry(provider_id.to_owned())
                .or_insert(Value::Null),
            options,
        );
        self
    }

    /// The call's options with these defaults filled in.
    pub fn apply(&self, options: &mut CallOptions) {
        let defaults = &self.defaults;
        fill(&mut options.max_output_tokens, defaults.max_output_tokens);
        fill(&mut options.temperature, defaults.temperature);
        fill(&mut options.top_p, defaults.top_p);
        fill(&mut options.top_k, defaults.top_k);
        fill(&mut options.presence_penalty, defaults.presence_penalty);
        fill(&mut options.frequency_penalty, defaults.frequency_penalty);
        fill(&mut options.seed, defaults.seed);
        fill(&mut options.reasoning_effort, defaults.reasoning_effort);
        if options.response_format.is_none() {
            options
                .response_format
                .clone_from(&defaults.response_format);
        }
        if options.tool_choice.is_none() {
            options.tool_choice.clone_from(&defaults.tool_choice);
        }
        if options.stop_sequences.is_empty() {
            options.stop_sequences.clone_from(&defaults.stop_sequences);
        }
        if options.tools.is_empty() {
            options.tools.clone_from(&defaults.tools);
        }
        merge_headers(&mut options.headers, &defaults.headers);
        options.provider_options =
            merge_provider_options(&defaults.provider_options, &options.provider_options);
    }
}

#[async_trait]
impl LanguageModelMiddleware for DefaultSettings {
    async fn transform_options<'a>(
        &self,
        _kind: CallKind,
        options: Cow<'a, CallOptions>,
        _model: &dyn LanguageModel,
    ) -> Result<Cow<'a, CallOptions>> {
        let mut options = options.into_owned();
        self.apply(&mut options);
        Ok(Cow::Owned(options))
    }
}

/// Starts a [`DefaultEmbeddingSettings`] middleware with no defaults.
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::{default_embedding_settings, wrap_embedding_model};
/// use specai::test_util::MockEmbeddingModel;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let mock = MockEmbeddingModel::new().with_embed_fn(|_| vec![1.0]);
/// let defaults = default_embedding_settings().header("x-team", "search")?;
/// specai::embed(wrap_embedding_model(mock.clone(), vec![Arc::new(defaults)])).value("hi").await?;
/// assert_eq!(mock.calls()[0].headers["x-team"], "search");
/// # Ok(()) }
/// ```
pub fn default_embedding_settings() -> DefaultEmbeddingSettings {
    DefaultEmbeddingSettings::default()
}

/// Headers and provider options used where an embedding call leaves them unset. Built with
/// [`default_embedding_settings`]; wrap a model with
/// [`wrap_embedding_model`](crate::middleware::wrap_embedding_model) or a registry's with
/// [`ProviderRegistryBuilder::embedding_model_middleware`](crate::registry::ProviderRegistryBuilder::embedding_model_middleware).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use std::sync::Arc;
/// use serde_json::json;
/// use specai::middleware::{default_embedding_settings, wrap_embedding_model};
/// use specai::provider::ProviderOptions;
/// use specai::test_util::MockEmbeddingModel;
///
/// let mock = MockEmbeddingModel::new().with_embed_fn(|_| vec![1.0, 0.0]);
/// let defaults = default_embedding_settings().provider_options("openai", json!({"dimensions": 256, "user": "app"}));
/// let model = wrap_embedding_model(mock.clone(), vec![Arc::new(defaults)]);
/// let options = ProviderOptions::new().with("openai", json!({"dimensions": 512}));
/// specai::embed(model).value("sunny day").provider_options(options).await?;
/// assert_eq!(mock.calls()[0].provider_options.get("openai"), Some(&json!({"dimensions": 512, "user": "app"})));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct DefaultEmbeddingSettings {
    headers: HeaderMap,
    provider_options: ProviderOptions,
}

impl DefaultEmbeddingSettings {
    /// A default HTTP header (the call's header of the same name wins). Takes `&str`, `String`
    /// or the `http` types, as every builder's `header` does; an invalid one is an error here.
    pub fn header(mut self, name: impl HeaderNameInput, value: impl HeaderValueInput) -> Result<Self> {
        let (name, value) = parse_header(name, value)?;
        self.headers.insert(name, value);
        Ok(self)
    }

    /// Default options of one provider, merged under the call's.
    pub fn provider_options(mut self, provider_id: &str, options: Value) -> Self {
        merge_value(
            self.provider_options
                .0
                .entry(provider_id.to_owned())
                .or_insert(Value::Null),
            options,
        );
        self
    }
}

#[async_trait]
impl EmbeddingModelMiddleware for DefaultEmbeddingSettings {
    async fn transform_options<'a>(
        &self,
        options: Cow<'a, EmbedOptions>,
        _model: &dyn EmbeddingModel,
    ) -> Result<Cow<'a, EmbedOptions>> {
        let mut options = options.into_owned();
        merge_headers(&mut options.headers, &self.headers);
        options.provider_options =
            merge_provider_options(&self.provider_options, &options.provider_options);
        Ok(Cow::Owned(options))
    }
}

fn fill<T: Copy>(value: &mut Option<T>, default: Option<T>) {
    if value.is_none() {
        *value = default;
    }
}

/// Adds each default header whose name the call does not set.
fn merge_headers(headers: &mut HeaderMap, defaults: &HeaderMap) {
    for name in defaults.keys() {
        if !headers.contains_key(name) {
            for value in defaults.get_all(name) {
                headers.append(name.clone(), value.clone());
            }
        }
    }
}

/// `overrides` merged into `base`: per provider, deeply.
fn merge_provider_options(base: &ProviderOptions, overrides: &ProviderOptions) -> ProviderOptions {
    let mut merged = base.clone();
    for (provider_id, value) in &overrides.0 {
        merge_value(
            merged.0.entry(provider_id.clone()).or_insert(Value::Null),
            value.clone(),
        );
    }
    merged
}

/// Merges `overrides` into `base`: objects key by key, recursively; anything else replaces.
fn merge_value(base: &mut Value, overrides: Value) {
    match (base, overrides) {
        (Value::Object(base), Value::Object(overrides)) => {
            for (key, value) in overrides {
                merge_value(base.entry(key).or_insert(Value::Null), value);
            }
        }
        (base, overrides) => *base = overrides,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::FunctionTool;

    fn defaults() -> DefaultSettings {
        default_settings()
            .max_output_tokens(100)
            .temperature(0.1)
            .top_p(0.9)
            .top_k(5)
            .presence_penalty(0.2)
            .frequency_penalty(0.3)
            .seed(42)
            .reasoning_effort(ReasoningEffort::Low)
            .response_format(ResponseFormat::Text)
            .tool_choice(ToolChoice::Required)
            .stop_sequences(["END"])
            .tools(vec![ToolDefinition::Function(FunctionTool::new(
                "t",
                json!({"type": "object"}),
            ))])
            .header("x-default", "d")
            .unwrap()
            .header("x-both", "default")
            .unwrap()
            .provider_options("acme", json!({"a": {"x": 1, "y": [1, 2]}, "b": 1}))
            .provider_options("acme", json!({"c": true}))
    }

    #[test]
    fn unset_options_take_the_defaults() {
        let mut options = CallOptions::default();
        defaults().apply(&mut options);
        assert_eq!(options.max_output_tokens, Some(100));
        assert_eq!(
            (options.temperature, options.top_p, options.top_k),
            (Some(0.1), Some(0.9), Some(5))
        );
        assert_eq!(
            (options.presence_penalty, options.frequency_penalty),
            (Some(0.2), Some(0.3))
        );
        assert_eq!(
            (options.seed, options.reasoning_effort),
            (Some(42), Some(ReasoningEffort::Low))
        );
        assert_eq!(options.response_format, Some(ResponseFormat::Text));
        assert_eq!(options.tool_choice, Some(ToolChoice::Required));
        assert_eq!(options.stop_sequences, ["END"]);
        assert_eq!(options.tools.len(), 1);
        assert_eq!(options.headers["x-default"], "d");
        assert_eq!(
            options.provider_options.get("acme"),
            Some(&json!({"a": {"x": 1, "y": [1, 2]}, "b": 1, "c": true}))
        );
    }

    #[test]
    fn the_callers_values_win_and_provider_options_merge_deeply() {
        let mut options = CallOptions::default();
        options.temperature = Some(0.7);
        options.seed = Some(1);
        options.stop_sequences = vec!["STOP".into()];
        options.tool_choice = Some(ToolChoice::Auto);
        options.headers.insert("x-both", "caller".parse().unwrap());
        options.provider_options = ProviderOptions::new()
            .with("acme", json!({"a": {"y": [3], "z": 0}, "b": null}))
            .with("other", json!({"k": 1}));
        defaults().apply(&mut options);
        assert_eq!(
            (options.temperature, options.seed, options.max_output_tokens),
            (Some(0.7), Some(1), Some(100))
        );
        assert_eq!(options.stop_sequences, ["STOP"]);
        assert_eq!(options.tool_choice, Some(ToolChoice::Auto));
        assert_eq!(
            options.headers.get_all("x-both").iter().collect::<Vec<_>>(),
            ["caller"]
        );
        assert_eq!(options.headers["x-default"], "d");
        assert_eq!(
            options.provider_options.get("acme"),
            Some(&json!({"a": {"x": 1, "y": [3], "z": 0}, "b": null, "c": true})),
            "objects merge, arrays and scalars (null too) replace"
        );
        assert_eq!(
            options.provider_options.get("other"),
            Some(&json!({"k": 1}))
        );
    }

    #[test]
    fn a_bad_header_is_a_typed_error() {
        assert!(matches!(
            default_settings().header("bad header", "v"),
            Err(crate::Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            default_embedding_settings().header("x", "bad\nvalue"),
            Err(crate::Error::InvalidArgument { .. })
        ));
    }

    /// Issue 12 (one way to pass headers): the defaults take the `http` types and `String`, as
    /// the call builders and provider settings do, not only `&str`.
    #[test]
    fn headers_take_the_same_inputs_as_every_builder() {
        let name = http::HeaderName::from_static("x-typed");
        let value = http::HeaderValue::from_static("v1");
        let mut options = CallOptions::new(Vec::new());
        default_settings().header(name.clone(), value.clone()).unwrap().header(String::from("x-owned"), String::from("v2")).unwrap().apply(&mut options);
        assert_eq!((&options.headers["x-typed"], &options.headers["x-owned"]), (&value, &http::HeaderValue::from_static("v2")));
        let embedding = default_embedding_settings().header(name, value).unwrap();
        assert_eq!(embedding.headers["x-typed"], "v1");
    }

    #[tokio::test]
    async fn embedding_defaults_merge_under_the_call() {
        let defaults = default_embedding_settings()
            .header("x-a", "default")
            .unwrap()
            .provider_options("acme", json!({"dimensions": 64, "task": "search"}));
        let mut options = EmbedOptions::new(vec!["v".into()]);
        options.headers.insert("x-a", "caller".parse().unwrap());
        options.provider_options = ProviderOptions::new().with("acme", json!({"dimensions": 128}));
        let mock = crate::test_util::MockEmbeddingModel::new();
        let merged = defaults
            .transform_options(Cow::Borrowed(&options), &mock)
            .await
            .unwrap();
        assert_eq!(merged.headers["x-a"], "caller");
        assert_eq!(
            merged.provider_options.get("acme"),
            Some(&json!({"dimensions": 128, "task": "search"}))
        );
    }
}
