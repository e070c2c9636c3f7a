//! What validating a mapping needs to know about a spec, indexed once per spec: a mapping names
//! operations and schemas, and each must exist in the spec it speaks.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::prune::HTTP_METHODS;

/// What validation needs to know about a spec: its operations (id -> method, path) and schemas.
#[derive(Debug, Clone, Default)]
pub struct SpecIndex {
    /// operationId -> (METHOD, path).
    pub operations: BTreeMap<String, (String, String)>,
    /// Component schema names.
    pub schemas: BTreeSet<String>,
}

impl SpecIndex {
    /// Indexes an OpenAPI document (any version).
    pub fn of(doc: &Value) -> SpecIndex {
        let mut index = SpecIndex::default();
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let Some(item) = item.as_object() else { continue };
                for (method, operation) in item {
                    if !HTTP_METHODS.contains(&method.as_str()) {
                        continue;
                    }
                    if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                        index.operations.insert(id.to_string(), (method.to_uppercase(), path.clone()));
                    }
                }
            }
        }
        if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
            index.schemas.extend(schemas.keys().cloned());
        }
        index
    }
}
