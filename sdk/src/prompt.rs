//! Turning what the caller gave (a system text, a prompt, or messages) into the one conversation
//! the model receives.
//!
//! The caller gives either a `prompt` (a user turn) or `messages` (a whole conversation), never
//! both, and optionally a `system` text, which is kept apart so that `prepare_step` can change it
//! per step. Downloading file URLs a model cannot fetch itself is not done here yet: such parts are
//! passed on, and the provider reports what it cannot read.

use crate::error::{Error, Result};
use crate::provider::{Message, UserPart};

/// The user's turn: a text or several parts (text and files).
#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    /// A text.
    Text(String),
    /// Several parts.
    Parts(Vec<UserPart>),
}

impl From<String> for Prompt {
    fn from(text: String) -> Self {
        Prompt::Text(text)
    }
}

impl From<&str> for Prompt {
    fn from(text: &str) -> Self {
        Prompt::Text(text.to_owned())
    }
}

impl From<Vec<UserPart>> for Prompt {
    fn from(parts: Vec<UserPart>) -> Self {
        Prompt::Parts(parts)
    }
}

impl From<Prompt> for Message {
    fn from(prompt: Prompt) -> Self {
        match prompt {
            Prompt::Text(text) => Message::user(text),
            Prompt::Parts(parts) => Message::user_parts(parts),
        }
    }
}

/// What the caller gave, before standardizing.
#[derive(Debug, Clone, Default)]
pub(crate) struct PromptInput {
    pub(crate) system: Option<String>,
    pub(crate) prompt: Option<Prompt>,
    pub(crate) messages: Option<Vec<Message>>,
}

/// A standardized prompt: the system text, kept apart, and the conversation without it.
#[derive(Debug, Clone, Default)]
pub(crate) struct StandardizedPrompt {
    pub(crate) system: Option<String>,
    pub(crate) messages: Vec<Message>,
}

impl PromptInput {
    /// Checks the input and turns it into a system text and messages.
    pub(crate) fn standardize(self) -> Result<StandardizedPrompt> {
        let messages = match (self.prompt, self.messages) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid_argument("prompt", "give either `prompt` or `messages`, not both"));
            }
            (None, None) => return Err(Error::invalid_argument("prompt", "give `prompt` or `messages`")),
            (Some(prompt), None) => vec![Message::from(prompt)],
            (None, Some(messages)) => {
                if messages.is_empty() {
                    return Err(Error::invalid_argument("messages", "must not be empty"));
                }
                messages
            }
        };
        Ok(StandardizedPrompt { system: self.system, messages })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_becomes_a_user_message_after_the_system() {
        let input = PromptInput { system: Some("be brief".into()), prompt: Some("hi".into()), messages: None };
        let prompt = input.standardize().unwrap();
        assert_eq!(prompt.system.as_deref(), Some("be brief"));
        assert_eq!(prompt.messages, vec![Message::user("hi")]);
    }

    #[test]
    fn rejects_both_or_neither() {
        let both = PromptInput { system: None, prompt: Some("a".into()), messages: Some(vec![Message::user("b")]) };
        assert!(matches!(both.standardize(), Err(Error::InvalidArgument { .. })));
        assert!(matches!(PromptInput::default().standardize(), Err(Error::InvalidArgument { .. })));
        let empty = PromptInput { messages: Some(Vec::new()), ..Default::default() };
        assert!(matches!(empty.standardize(), Err(Error::InvalidArgument { .. })));
    }
}
