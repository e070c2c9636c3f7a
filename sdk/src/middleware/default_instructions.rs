//! Default instructions: system messages put before a prompt that has none of its own.

use std::borrow::Cow;

use async_trait::async_trait;

use super::language_model_middleware::{CallKind, LanguageModelMiddleware};
use crate::error::{Error, Result};
use crate::provider::{CallOptions, LanguageModel, Message};

/// Instructions (a system message) for every call whose prompt has no system message.
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::{default_instructions, wrap_language_model};
/// use specai::provider::Message;
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let mock = MockLanguageModel::new().with_response(text_response("ok")).with_response(text_response("ok"));
/// let model = wrap_language_model(mock.clone(), vec![Arc::new(default_instructions("Answer in French."))]);
/// specai::generate_text(model.clone()).prompt("Hi").await?;
/// specai::generate_text(model).system("Answer in German.").prompt("Hi").await?;
/// assert_eq!(mock.calls()[0].prompt[0], Message::system("Answer in French."));
/// assert_eq!(mock.calls()[1].prompt[0], Message::system("Answer in German."));
/// # Ok(()) }
/// ```
pub fn default_instructions(instructions: impl Into<String>) -> DefaultInstructions {
    DefaultInstructions {
        messages: vec![Message::system(instructions)],
    }
}

/// System messages put before every prompt that has no system message. Built with
/// [`default_instructions`] or, for several messages or messages with provider options,
/// [`DefaultInstructions::new`].
#[derive(Debug, Clone)]
pub struct DefaultInstructions {
    messages: Vec<Message>,
}

impl DefaultInstructions {
    /// Default instructions of several system messages; any other kind of message is an
    /// [`Error::InvalidArgument`].
    ///
    /// ```
    /// use specai::middleware::DefaultInstructions;
    /// use specai::provider::{Message, ProviderOptions};
    ///
    /// let cached = ProviderOptions::new().with("anthropic", serde_json::json!({"cache_control": {"type": "ephemeral"}}));
    /// let instructions = DefaultInstructions::new(vec![Message::system("Long rules...").with_provider_options(cached)])?;
    /// assert!(DefaultInstructions::new(vec![Message::user("hi")]).is_err());
    /// # Ok::<(), specai::Error>(())
    /// ```
    pub fn new(messages: Vec<Message>) -> Result<Self> {
        if let Some(message) = messages
            .iter()
            .find(|message| !matches!(message, Message::System { .. }))
        {
            return Err(Error::invalid_argument(
                "instructions",
                format!(
                    "default instructions must be system messages, not a {} message",
                    message.role()
                ),
            ));
        }
        Ok(DefaultInstructions { messages })
    }
}

#[async_trait]
impl LanguageModelMiddleware for DefaultInstructions {
    async fn transform_options<'a>(
        &self,
        _kind: CallKind,
        options: Cow<'a, CallOptions>,
        _model: &dyn LanguageModel,
    ) -> Result<Cow<'a, CallOptions>> {
        if self.messages.is_empty()
            || options
                .prompt
                .iter()
                .any(|message| matches!(message, Message::System { .. }))
        {
            return Ok(options);
        }
        let mut options = options.into_owned();
        options.prompt.splice(0..0, self.messages.iter().cloned());
        Ok(Cow::Owned(options))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::MockLanguageModel;

    #[tokio::test]
    async fn prepends_only_without_a_system_message_and_copies_nothing_otherwise() {
        let instructions =
            DefaultInstructions::new(vec![Message::system("one"), Message::system("two")]).unwrap();
        let model = MockLanguageModel::new();
        let plain = CallOptions::new(vec![Message::user("hi")]);
        let transformed = instructions
            .transform_options(CallKind::Stream, Cow::Borrowed(&plain), &model)
            .await
            .unwrap();
        assert_eq!(
            transformed.prompt,
            [
                Message::system("one"),
                Message::system("two"),
                Message::user("hi")
            ]
        );

        let with_system = CallOptions::new(vec![Message::user("hi"), Message::system("mine")]);
        let kept = instructions
            .transform_options(CallKind::Generate, Cow::Borrowed(&with_system), &model)
            .await
            .unwrap();
        assert!(matches!(kept, Cow::Borrowed(_)), "left alone, not copied");

        let none = DefaultInstructions::new(Vec::new()).unwrap();
        let kept = none
            .transform_options(CallKind::Generate, Cow::Borrowed(&plain), &model)
            .await
            .unwrap();
        assert_eq!(kept.prompt, [Message::user("hi")]);
    }
}
