//! Test helpers shared by the pass families: run one pass on a one-schema document.

use serde_json::{Value, json};

/// A document whose only schema is `S`.
pub(super) fn doc_with(schema: Value) -> Value {
    json!({"openapi": "3.1.0", "paths": {}, "components": {"schemas": {"S": schema}}})
}

/// Runs `pass` on `doc`, returning the document and the changes it logged.
pub(super) fn apply(pass: fn(&mut Value, &mut Vec<String>), mut doc: Value) -> (Value, Vec<String>) {
    let mut changes = Vec::new();
    pass(&mut doc, &mut changes);
    (doc, changes)
}

/// The schema `S` of a [`doc_with`] document.
pub(super) fn schema(doc: &Value) -> &Value {
    &doc["components"]["schemas"]["S"]
}

/// `U`, a union of two `$ref` objects tagged by `type`; `A` is also used by another union.
pub(super) fn tagged_union_doc() -> Value {
    json!({"components": {"schemas": {
        "U": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
        "A": {"type": "object", "required": ["type", "a"], "properties": {"type": {"type": "string", "enum": ["a"]}, "a": {"type": "string"}}},
        "B": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["b"]}}},
        "NotTagged": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/A"}]}
    }}})
}
