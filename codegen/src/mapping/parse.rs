//! Parsing a mapping file: TOML into [`RawMapping`], with serde's errors turned into errors
//! that name the dotted key, found from the message or from the span of the offending line.

use super::error::MappingError;
use super::format::RawMapping;

/// Parses a mapping file's text. `file` is used in error messages only.
pub fn parse(file: &str, text: &str) -> Result<RawMapping, MappingError> {
    toml::from_str::<RawMapping>(text).map_err(|error| MappingError::new(file, &error_key(text, &error), error.message()))
}

/// Best effort: the dotted key an error from `toml` is about.
fn error_key(text: &str, error: &toml::de::Error) -> String {
    // Unknown or missing fields are named in the message; otherwise take the key at the span.
    let message = error.message();
    for prefix in ["unknown field `", "missing field `"] {
        if let Some((field, _)) = message.strip_prefix(prefix).and_then(|rest| rest.split_once('`')) {
            return table_prefix(text, error.span()) + field;
        }
    }
    let Some(span) = error.span() else { return String::new() };
    let line_start = text[..span.start.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    match line.split_once('=') {
        Some((key, _)) if !line.trim_start().starts_with('[') => {
            table_prefix(text, Some(line_start..line_start)) + key.trim()
        }
        _ => line.trim().trim_matches(|c| c == '[' || c == ']').to_string(),
    }
}

/// `table.` for the `[table]` header above a span, or empty at top level.
fn table_prefix(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else { return String::new() };
    // A span that starts on a table header belongs to that table.
    let line_end = text[span.start.min(text.len())..].find('\n').map_or(text.len(), |i| span.start + i);
    for line in text[..line_end].lines().rev() {
        let trimmed = line.trim();
        let header = trimmed.strip_prefix("[[").and_then(|l| l.strip_suffix("]]"));
        if let Some(name) = header.or_else(|| trimmed.strip_prefix('[').and_then(|l| l.strip_suffix(']'))) {
            return format!("{}.", name.trim());
        }
    }
    String::new()
}
