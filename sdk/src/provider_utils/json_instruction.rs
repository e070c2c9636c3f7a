//! JSON output for models without native JSON-schema support: the schema goes into the system
//! prompt as an instruction, and the caller gets a compatibility warning. The schema is never
//! dropped silently.

use serde_json::Value;

use crate::provider::{Message, ResponseFormat, Warning};

const SCHEMA_PREFIX: &str = "JSON schema:";
const SCHEMA_SUFFIX: &str = "You MUST answer with a JSON object that matches the JSON schema above.";
const GENERIC_SUFFIX: &str = "You MUST answer with JSON.";

/// The system text with a JSON instruction appended (the AI SDK's wording).
///
/// ```
/// use specai::provider_utils::json_instruction;
///
/// let schema = serde_json::json!({"type": "object", "properties": {"city": {"type": "string"}}});
/// let system = json_instruction(Some("You are a travel agent."), Some(&schema));
/// assert!(system.starts_with("You are a travel agent.\n\nJSON schema:\n{"));
/// assert!(system.ends_with("You MUST answer with a JSON object that matches the JSON schema above."));
/// assert_eq!(json_instruction(None, None), "You MUST answer with JSON.");
/// ```
pub fn json_instruction(system: Option<&str>, schema: Option<&Value>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(system) = system.filter(|system| !system.is_empty()) {
        parts.push(system.to_owned());
        parts.push(String::new());
    }
    match schema {
        Some(schema) => {
            parts.push(SCHEMA_PREFIX.to_owned());
            parts.push(schema.to_string());
            parts.push(SCHEMA_SUFFIX.to_owned());
        }
        None => parts.push(GENERIC_SUFFIX.to_owned()),
    }
    parts.join("\n")
}

/// Puts the JSON instruction for `schema` into the prompt: appended to a leading system message,
/// or as a new system message at the start.
///
/// ```
/// use specai::provider::Message;
/// use specai::provider_utils::inject_json_instruction;
///
/// // No system message yet: one is added at the start.
/// let mut prompt = vec![Message::user("Name a city")];
/// inject_json_instruction(&mut prompt, None);
/// assert_eq!(prompt.len(), 2);
/// assert!(matches!(&prompt[0], Message::System { content, .. } if content == "You MUST answer with JSON."));
/// ```
pub fn inject_json_instruction(prompt: &mut Vec<Message>, schema: Option<&Value>) {
    match prompt.first_mut() {
        Some(Message::System { content, .. }) => *content = json_instruction(Some(content), schema),
        _ => prompt.insert(0, Message::system(json_instruction(None, schema))),
    }
}

/// For a model that cannot take `response_format` natively: when it asks for JSON, injects the
/// instruction (with the schema, name and description) and returns the warning to report.
/// Returns `None` (and leaves the prompt alone) for text output, and an `Unsupported` warning
/// (leaving the prompt alone) for a format it does not know.
///
/// ```
/// use specai::provider::{Message, ResponseFormat, Warning};
/// use specai::provider_utils::emulate_json_response_format;
///
/// let format = ResponseFormat::Json { schema: Some(serde_json::json!({"type": "object"})), name: Some("city".into()), description: None };
/// let mut prompt = vec![Message::system("Be brief."), Message::user("Name a city")];
/// let warning = emulate_json_response_format(&mut prompt, Some(&format));
/// assert!(matches!(warning, Some(Warning::Compatibility { .. })), "the caller learns it was emulated");
/// assert!(matches!(&prompt[0], Message::System { content, .. } if content.contains(r#""title":"city""#)));
/// // Text output needs nothing.
/// assert!(emulate_json_response_format(&mut prompt, Some(&ResponseFormat::Text)).is_none());
/// ```
pub fn emulate_json_response_format(prompt: &mut Vec<Message>, response_format: Option<&ResponseFormat>) -> Option<Warning> {
    let (schema, name, description) = match response_format {
        None | Some(ResponseFormat::Text) => return None,
        Some(ResponseFormat::Json { schema, name, description }) => (schema, name, description),
        Some(other) => {
            let details = format!("`{}` output cannot be emulated; the model was asked for text", other.kind());
            return Some(Warning::unsupported("responseFormat", details));
        }
    };
    let schema = schema.as_ref().map(|schema| {
        let mut schema = schema.clone();
        if let Value::Object(object) = &mut schema {
            if let Some(name) = name {
                object.entry("title").or_insert_with(|| Value::String(name.clone()));
            }
            if let Some(description) = description {
                object.entry("description").or_insert_with(|| Value::String(description.clone()));
            }
        }
        schema
    });
    inject_json_instruction(prompt, schema.as_ref());
    Some(Warning::compatibility(
        "responseFormat",
        Some(match schema {
            Some(_) => "JSON schema output is emulated: the schema was added to the system prompt as an instruction".to_owned(),
            None => "JSON output is emulated with an instruction in the system prompt".to_owned(),
        }),
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn appends_schema_to_existing_system_message() {
        let mut prompt = vec![Message::system("Be brief."), Message::user("Hi")];
        let format = ResponseFormat::Json { schema: Some(json!({"type": "object"})), name: Some("reply".into()), description: None };
        let warning = emulate_json_response_format(&mut prompt, Some(&format)).unwrap();
        assert!(matches!(warning, Warning::Compatibility { .. }));
        match &prompt[0] {
            Message::System { content, .. } => assert_eq!(
                content,
                "Be brief.\n\nJSON schema:\n{\"title\":\"reply\",\"type\":\"object\"}\nYou MUST answer with a JSON object that matches the JSON schema above."
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(prompt.len(), 2);
    }

    #[test]
    fn inserts_system_message_and_handles_schemaless_json_and_text() {
        let mut prompt = vec![Message::user("Hi")];
        let format = ResponseFormat::Json { schema: None, name: None, description: None };
        assert!(emulate_json_response_format(&mut prompt, Some(&format)).is_some());
        assert_eq!(prompt[0], Message::system("You MUST answer with JSON."));
        let mut prompt = vec![Message::user("Hi")];
        assert!(emulate_json_response_format(&mut prompt, Some(&ResponseFormat::Text)).is_none());
        assert!(emulate_json_response_format(&mut prompt, None).is_none());
        assert_eq!(prompt.len(), 1);
    }
}
