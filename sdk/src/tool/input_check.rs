//! Checking a dynamic tool's input against its JSON Schema.

use serde_json::Value;

/// Checks a value against the common structural keywords of a JSON Schema.
pub(super) fn check_against_schema(value: &Value, schema: &Value, path: &str) -> std::result::Result<(), String> {
    let Value::Object(schema) = schema else { return Ok(()) };
    if let Some(expected) = schema.get("type") {
        let matches = |name: &Value| match name.as_str() {
            Some("object") => value.is_object(),
            Some("array") => value.is_array(),
            Some("string") => value.is_string(),
            Some("number") => value.is_number(),
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("boolean") => value.is_boolean(),
            Some("null") => value.is_null(),
            _ => true,
        };
        let fits = match expected {
            Value::Array(names) => names.iter().any(matches),
            name => matches(name),
        };
        if !fits {
            return Err(format!("{path} should be of type {expected}, got {value}"));
        }
    }
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.contains(value)
    {
        return Err(format!("{path} should be one of {}", Value::Array(allowed.clone())));
    }
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(required)) = schema.get("required") {
                for name in required.iter().filter_map(Value::as_str) {
                    if !object.contains_key(name) {
                        return Err(format!("{path} is missing the required property `{name}`"));
                    }
                }
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            for (name, item) in object {
                match properties.and_then(|properties| properties.get(name)) {
                    Some(property) => check_against_schema(item, property, &format!("{path}.{name}"))?,
                    None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        return Err(format!("{path} has the unexpected property `{name}`"));
                    }
                    None => {}
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (index, item) in items.iter().enumerate() {
                    check_against_schema(item, item_schema, &format!("{path}[{index}]"))?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}
