//! Lean, borrowing decode types for hot stream payloads (`[generate] lean_schemas`).
//!
//! The regular generated types own every string and keep unknown fields in a flattened map,
//! which makes serde buffer each object (measured: ~1.5 us per OpenAI chunk against ~0.8 us for
//! a borrowing struct). A stream decoder that only reads known fields can decode into these
//! instead: emitted from the same (normalized) schema, every string is a `CowStr` that borrows
//! from the input unless it has escapes, every field is optional (arrays default to empty),
//! unknown fields are skipped, and shapes this generator does not model (unions with members
//! that are not objects, free-form objects) are kept as `serde_json::Value`. A mapping can leave out properties its decoder never
//! reads (`lean_omit`: skipping a value costs less than decoding it) and ask for a second type
//! of the same schema under another name (`lean_variants`), e.g. for the chunks after the first
//! of a stream, where the fields that are constant for the stream need not be decoded again.
//! A `oneOf` of objects (an event union, a delta told apart by `type`, a Smithy union) becomes
//! one flattened struct, as a lean schema or as a member of one.
//! `lean_boxed` properties are held in a `Box` (large members few payloads carry, such as a
//! stream's usage): serde moves a decoded struct several times, and a small struct moves in
//! registers where a large one costs a `memcpy` call per move.
//! `lean_owned` components stay their owned generated types (big payloads the SDK maps anyway);
//! `lean_raw` components are kept as their JSON text (`Raw`), for objects passed on unchanged.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use crate::normalize::pascal;
use crate::prune::Roots;

/// Emits `pub mod lean { ... }` for the lean schemas and variants of `roots`, from a normalized
/// document.
pub fn emit(doc: &Value, roots: &Roots) -> Result<TokenStream, String> {
    let components = doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    check_kept_components(&components, roots)?;
    let structs = lean_structs(components, roots)?;
    let support = support_items(!roots.lean_raw.is_empty());
    Ok(quote! {
        /// Lean, borrowing decode types for stream payloads (see `CowStr`); generated from the
        /// same schemas as `types`, for decoders that read known fields only.
        pub mod lean {
            #support
            #(#structs)*
        }
    })
}

/// `lean_owned` and `lean_raw` name component schemas (objects, for `lean_raw`).
fn check_kept_components(components: &Map<String, Value>, roots: &Roots) -> Result<(), String> {
    for owned in &roots.lean_owned {
        if !components.contains_key(owned) {
            return Err(format!("lean_owned: `{owned}` is not a component schema"));
        }
    }
    for raw in &roots.lean_raw {
        if !components.get(raw).is_some_and(is_object) {
            return Err(format!("lean_raw: `{raw}` is not an object component schema"));
        }
    }
    Ok(())
}

/// One struct per lean type, sorted by name: the roots, their variants, and the inline objects
/// they reach.
fn lean_structs(components: Map<String, Value>, roots: &Roots) -> Result<Vec<TokenStream>, String> {
    // A variant's inline nested objects are named after (and shared with) its schema's.
    let naming = roots.lean_variants.iter().map(|(variant, of)| (variant.clone(), pascal(of))).collect();
    let owned = roots.lean_owned.clone();
    let raw = roots.lean_raw.clone();
    let mut emitter =
        Emitter { components, structs: BTreeMap::new(), pending: Vec::new(), done: BTreeSet::new(), naming, owned, raw };
    let named = roots.lean.iter().map(|root| (pascal(root), root)).chain(roots.lean_variants.iter().map(|(variant, of)| (variant.clone(), of)));
    for (name, root) in named {
        let schema = emitter.components.get(root).cloned().ok_or_else(|| format!("lean schema `{root}` is not a component"))?;
        let schema = if is_object(&schema) {
            schema
        } else {
            emitter.flattened_union(&schema).ok_or_else(|| {
                format!("lean schema `{root}` is neither an object schema nor a union of object schemas")
            })?
        };
        emitter.pending.push((name, schema));
    }
    let mut unused_omits: BTreeSet<&String> = roots.lean_omit.keys().collect();
    let mut unused_boxes: BTreeSet<&String> = roots.lean_boxed.keys().collect();
    while let Some((name, mut schema)) = emitter.pending.pop() {
        if !emitter.done.insert(name.clone()) {
            continue;
        }
        let omitted = roots.lean_omit.get(&name);
        if let Some(omit) = omitted {
            unused_omits.remove(&name);
            let properties = schema.get_mut("properties").and_then(Value::as_object_mut).expect("lean types are objects");
            for property in omit {
                properties.remove(property).ok_or_else(|| format!("lean_omit: `{name}` has no property `{property}`"))?;
            }
        }
        unused_boxes.remove(&name);
        let item = emitter.object(&name, &schema, omitted, roots.lean_boxed.get(&name))?;
        emitter.structs.insert(name, item);
    }
    let known = || emitter.structs.keys().cloned().collect::<Vec<_>>().join(", ");
    if let Some(name) = unused_omits.first() {
        return Err(format!("lean_omit: `{name}` is not a lean type (known: {})", known()));
    }
    if let Some(name) = unused_boxes.first() {
        return Err(format!("lean_boxed: `{name}` is not a lean type (known: {})", known()));
    }
    Ok(emitter.structs.into_values().collect())
}

/// What every lean module has: `CowStr` and, where a spec keeps raw JSON, `Raw`, both defined
/// once in the crate's `lean_strings` (one type across specs, compiled once).
fn support_items(keeps_raw_json: bool) -> TokenStream {
    let raw = keeps_raw_json.then(|| quote! { pub use crate::lean_strings::Raw; });
    quote! {
        pub use crate::lean_strings::CowStr;
        #raw
    }
}

/// The `type` of a scalar schema.
fn scalar_type(schema: &Value) -> Option<&str> {
    schema.get("type").and_then(Value::as_str).filter(|kind| ["string", "integer", "number", "boolean"].contains(kind))
}

fn is_object(schema: &Value) -> bool {
    schema.get("properties").is_some_and(Value::is_object)
        && !["oneOf", "anyOf"].iter().any(|k| schema.get(*k).is_some())
}

struct Emitter {
    components: serde_json::Map<String, Value>,
    structs: BTreeMap<String, TokenStream>,
    pending: Vec<(String, Value)>,
    done: BTreeSet<String>,
    /// Lean type name -> the name its inline nested types are named after, where they differ.
    naming: BTreeMap<String, String>,
    /// Components referenced as their owned generated type (`super::types::X`).
    owned: BTreeSet<String>,
    /// Components referenced as `Raw` JSON text; their lean struct is emitted for decoding it.
    raw: BTreeSet<String>,
}

/// A field's Rust type and whether it borrows (needs `'a` and `#[serde(borrow)]`).
struct FieldType {
    tokens: TokenStream,
    borrows: bool,
    vec: bool,
}

impl Emitter {
    /// Resolves `$ref` and single-member `allOf` to the target schema and its component name.
    fn resolve(&self, schema: &Value) -> (Option<String>, Value) {
        let reference = schema
            .get("$ref")
            .or_else(|| schema.get("allOf").and_then(Value::as_array).filter(|a| a.len() == 1).and_then(|a| a[0].get("$ref")));
        match reference.and_then(Value::as_str).and_then(crate::prune::parse_ref) {
            Some((_, name)) => (Some(name.clone()), self.components.get(&name).cloned().unwrap_or(Value::Null)),
            None => (None, schema.clone()),
        }
    }

    /// A `oneOf`/`anyOf` of object schemas as one object with every member's properties (all
    /// optional, as every lean field is), so an event union decodes in one pass without serde's
    /// tagged-enum buffering. A property whose members disagree keeps their common scalar type
    /// (the `type` tags: strings with different enum values), else becomes a `serde_json::Value`.
    /// `None` when a member is not an object schema.
    fn flattened_union(&self, schema: &Value) -> Option<Value> {
        let members = ["oneOf", "anyOf"].iter().find_map(|key| schema.get(*key)).and_then(Value::as_array)?;
        let mut properties = serde_json::Map::new();
        for member in members {
            let (_, member) = self.resolve(member);
            if !is_object(&member) {
                return None;
            }
            for (property, property_schema) in member["properties"].as_object()? {
                match properties.get(property) {
                    Some(existing) if existing != property_schema => {
                        // Members' `type` tags differ only in their enum value: both are strings.
                        let merged = match (scalar_type(existing), scalar_type(property_schema)) {
                            (Some(left), Some(right)) if left == right => serde_json::json!({"type": left}),
                            _ => Value::Object(Default::default()),
                        };
                        properties.insert(property.clone(), merged);
                    }
                    Some(_) => {}
                    None => {
                        properties.insert(property.clone(), property_schema.clone());
                    }
                }
            }
        }
        Some(serde_json::json!({"type": "object", "properties": properties}))
    }

    fn field_type(&mut self, parent: &str, property: &str, schema: &Value) -> FieldType {
        let (component, schema) = self.resolve(schema);
        if let Some(component) = component.as_ref().filter(|component| self.owned.contains(*component)) {
            let ident = format_ident!("{}", pascal(component));
            return FieldType { tokens: quote! { super::types::#ident }, borrows: false, vec: false };
        }
        if let Some(component) = component.as_ref().filter(|component| self.raw.contains(*component)) {
            self.pending.push((pascal(component), schema.clone()));
            return FieldType { tokens: quote! { Raw<'a> }, borrows: true, vec: false };
        }
        let value = || FieldType { tokens: quote! { ::serde_json::Value }, borrows: false, vec: false };
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => FieldType { tokens: quote! { CowStr<'a> }, borrows: true, vec: false },
            Some("integer") => FieldType { tokens: quote! { i64 }, borrows: false, vec: false },
            Some("number") => FieldType { tokens: quote! { f64 }, borrows: false, vec: false },
            Some("boolean") => FieldType { tokens: quote! { bool }, borrows: false, vec: false },
            Some("array") => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                let inner = self.field_type(parent, property, &items);
                let tokens = inner.tokens;
                FieldType { tokens: quote! { ::std::vec::Vec<#tokens> }, borrows: inner.borrows, vec: true }
            }
            _ => {
                // A nested union of objects (a delta told apart by `type`, a Smithy union) is
                // flattened as a root union is, rather than kept as a `Value`.
                let Some(schema) = (if is_object(&schema) { Some(schema) } else { self.flattened_union(&schema) }) else {
                    return value();
                };
                let name = component.map(|c| pascal(&c)).unwrap_or_else(|| format!("{parent}{}", pascal(property)));
                self.pending.push((name.clone(), schema));
                let ident = format_ident!("{}", name);
                FieldType { tokens: quote! { #ident<'a> }, borrows: true, vec: false }
            }
        }
    }

    fn object(
        &mut self,
        name: &str,
        schema: &Value,
        omitted: Option<&BTreeSet<String>>,
        boxed: Option<&BTreeSet<String>>,
    ) -> Result<TokenStream, String> {
        let ident = format_ident!("{}", name);
        let properties = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        let mut boxed_not_found = boxed.cloned().unwrap_or_default();
        let mut fields = Vec::new();
        let parent = self.naming.get(name).cloned().unwrap_or_else(|| name.to_string());
        for (property, property_schema) in &properties {
            let field_type = self.field_type(&parent, property, property_schema);
            let field = field_ident(property);
            let rename = (field.to_string().trim_start_matches("r#") != property.as_str()).then(|| quote! { rename = #property, });
            let borrow = field_type.borrows.then(|| quote! { borrow, });
            let tokens = field_type.tokens;
            let doc = format!("`{property}`");
            let is_boxed = boxed_not_found.remove(property);
            if is_boxed && field_type.vec {
                return Err(format!("lean_boxed: `{name}.{property}` is an array, which is small already"));
            }
            let tokens = if is_boxed { quote! { ::std::boxed::Box<#tokens> } } else { tokens };
            if field_type.vec {
                fields.push(quote! {
                    #[doc = #doc]
                    #[serde(#rename #borrow default, deserialize_with = "crate::lean_strings::null_as_default")]
                    pub #field: #tokens,
                });
            } else {
                fields.push(quote! {
                    #[doc = #doc]
                    #[serde(#rename #borrow default)]
                    pub #field: ::std::option::Option<#tokens>,
                });
            }
        }
        if let Some(property) = boxed_not_found.first() {
            return Err(format!("lean_boxed: `{name}` has no property `{property}`"));
        }
        let listed = |properties: &BTreeSet<String>| properties.iter().map(|property| format!("`{property}`")).collect::<Vec<_>>().join(", ");
        let mut doc = match omitted {
            Some(omitted) => format!("Lean `{name}`: known fields but {}, strings borrowed where possible", listed(omitted)),
            None => format!("Lean `{name}`: known fields only, strings borrowed where possible"),
        };
        match boxed {
            Some(boxed) => doc.push_str(&format!("; {} boxed.", listed(boxed))),
            None => doc.push('.'),
        }
        Ok(quote! {
            #[doc = #doc]
            #[derive(::serde::Deserialize, Clone, Debug, Default, PartialEq)]
            pub struct #ident<'a> {
                #(#fields)*
                #[serde(skip)]
                _borrowed: ::std::marker::PhantomData<&'a str>,
            }
        })
    }
}

fn field_ident(property: &str) -> syn::Ident {
    let mut snake = String::new();
    for (i, c) in property.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() || c == '_' {
            snake.push(c);
        } else {
            snake.push('_');
        }
    }
    if snake == "type" {
        return format_ident!("type_");
    }
    syn::parse_str::<syn::Ident>(&snake).unwrap_or_else(|_| format_ident!("r#{}", snake))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "Chunk": {"type": "object", "properties": {
                "id": {"type": "string"},
                "choices": {"type": "array", "items": {"type": "object", "properties": {"text": {"type": "string"}}}}
            }}
        }}})
    }

    fn roots(variants: &[(&str, &str)], omit: &[(&str, &[&str])]) -> Roots {
        Roots {
            lean: ["Chunk".to_string()].into(),
            lean_variants: variants.iter().map(|(name, of)| (name.to_string(), of.to_string())).collect(),
            lean_omit: omit
                .iter()
                .map(|(name, properties)| (name.to_string(), properties.iter().map(|p| p.to_string()).collect()))
                .collect(),
            ..Roots::default()
        }
    }

    #[test]
    fn variants_leave_out_their_omitted_properties_and_share_nested_types() {
        let tokens = emit(&doc(), &roots(&[("ChunkRest", "Chunk")], &[("ChunkRest", &["id"])])).unwrap().to_string();
        let rest = tokens.split("pub struct ChunkRest").nth(1).unwrap().split("pub struct").next().unwrap().to_string();
        assert!(!rest.contains("pub id"), "{rest}");
        assert!(rest.contains("Vec < ChunkChoices < 'a > >"), "{rest}");
        let full = tokens.split("pub struct Chunk <").nth(1).unwrap().split("pub struct").next().unwrap().to_string();
        assert!(full.contains("pub id"), "{full}");
        assert!(!tokens.contains("ChunkRestChoices"), "{tokens}");
    }

    #[test]
    fn a_union_of_objects_is_flattened_and_owned_components_keep_their_generated_type() {
        let doc = json!({"components": {"schemas": {
            "Delta": {"type": "object", "properties": {
                "type": {"type": "string", "enum": ["delta"]}, "delta": {"type": "string"}, "part": {"$ref": "#/components/schemas/Item"}
            }},
            "Done": {"type": "object", "properties": {
                "type": {"type": "string", "enum": ["done"]}, "item": {"$ref": "#/components/schemas/Item"}, "part": {"type": "integer"}
            }},
            "Event": {"oneOf": [{"$ref": "#/components/schemas/Delta"}, {"$ref": "#/components/schemas/Done"}]},
            "Item": {"type": "object", "properties": {"id": {"type": "string"}}}
        }}});
        let roots = Roots { lean: ["Event".to_string()].into(), lean_owned: ["Item".to_string()].into(), ..Roots::default() };
        let tokens = emit(&doc, &roots).unwrap().to_string();
        let event = tokens.split("pub struct Event").nth(1).unwrap().to_string();
        assert!(event.contains("pub type_ : :: std :: option :: Option < CowStr < 'a > >"), "{event}");
        assert!(event.contains("pub delta : :: std :: option :: Option < CowStr < 'a > >"), "{event}");
        assert!(event.contains("pub item : :: std :: option :: Option < super :: types :: Item >"), "{event}");
        assert!(event.contains("pub part : :: std :: option :: Option < :: serde_json :: Value >"), "{event}");
        assert!(!tokens.contains("pub struct Item"), "{tokens}");
        let roots = Roots { lean: ["Event".to_string()].into(), lean_owned: ["Nope".to_string()].into(), ..Roots::default() };
        assert!(emit(&doc, &roots).unwrap_err().contains("`Nope` is not a component schema"));
    }

    #[test]
    fn a_nested_union_of_objects_is_flattened_too_and_other_unions_stay_values() {
        let doc = json!({"components": {"schemas": {
            "Event": {"type": "object", "properties": {
                "index": {"type": "integer"},
                "delta": {"$ref": "#/components/schemas/Delta"},
                "inline": {"oneOf": [
                    {"type": "object", "properties": {"a": {"type": "string"}}},
                    {"type": "object", "properties": {"b": {"type": "boolean"}}}
                ]},
                "either": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {"c": {"type": "string"}}}]}
            }},
            "Delta": {"oneOf": [
                {"type": "object", "properties": {"text": {"type": "string"}}},
                {"type": "object", "properties": {"toolUse": {"type": "object", "properties": {"input": {"type": "string"}}}}}
            ]}
        }}});
        let tokens = emit(&doc, &Roots { lean: ["Event".to_string()].into(), ..Roots::default() }).unwrap().to_string();
        let event = tokens.split("pub struct Event <").nth(1).unwrap().split("pub struct").next().unwrap().to_string();
        assert!(event.contains("pub delta : :: std :: option :: Option < Delta < 'a > >"), "{event}");
        assert!(event.contains("pub inline : :: std :: option :: Option < EventInline < 'a > >"), "{event}");
        assert!(event.contains("pub either : :: std :: option :: Option < :: serde_json :: Value >"), "{event}");
        let delta = tokens.split("pub struct Delta <").nth(1).unwrap().split("pub struct").next().unwrap().to_string();
        assert!(delta.contains("pub text : :: std :: option :: Option < CowStr < 'a > >"), "{delta}");
        assert!(delta.contains("pub tool_use : :: std :: option :: Option < DeltaToolUse < 'a > >"), "{delta}");
        let inline = tokens.split("pub struct EventInline <").nth(1).unwrap().split("pub struct").next().unwrap().to_string();
        assert!(inline.contains("pub a :") && inline.contains("pub b : :: std :: option :: Option < bool >"), "{inline}");
    }

    #[test]
    fn raw_components_are_kept_as_json_text_and_still_get_their_lean_type() {
        let doc = json!({"components": {"schemas": {
            "Chunk": {"type": "object", "properties": {"usage": {"$ref": "#/components/schemas/Usage"}}},
            "Usage": {"type": "object", "properties": {"total": {"type": "integer"}}}
        }}});
        let plain = emit(&doc, &Roots { lean: ["Chunk".to_string()].into(), ..Roots::default() }).unwrap().to_string();
        assert!(!plain.contains("lean_strings :: Raw"), "Raw only where asked: {plain}");
        let roots = Roots { lean: ["Chunk".to_string()].into(), lean_raw: ["Usage".to_string()].into(), ..Roots::default() };
        let tokens = emit(&doc, &roots).unwrap().to_string();
        assert!(tokens.contains("pub use crate :: lean_strings :: Raw"), "{tokens}");
        let chunk = tokens.split("pub struct Chunk").nth(1).unwrap().split("pub struct").next().unwrap().to_string();
        assert!(chunk.contains("pub usage : :: std :: option :: Option < Raw < 'a > >"), "{chunk}");
        assert!(tokens.contains("pub struct Usage"), "{tokens}");
        let roots = Roots { lean: ["Chunk".to_string()].into(), lean_raw: ["Chunk2".to_string()].into(), ..Roots::default() };
        assert!(emit(&doc, &roots).unwrap_err().contains("`Chunk2` is not an object component schema"));
    }

    #[test]
    fn boxed_properties_are_held_in_a_box_and_named_in_the_doc() {
        let doc = json!({"components": {"schemas": {
            "Chunk": {"type": "object", "properties": {
                "id": {"type": "string"},
                "usage": {"type": "object", "properties": {"total": {"type": "integer"}}},
                "choices": {"type": "array", "items": {"type": "string"}}
            }}
        }}});
        let boxed = |properties: &[&str]| Roots {
            lean: ["Chunk".to_string()].into(),
            lean_boxed: [("Chunk".to_string(), properties.iter().map(|p| p.to_string()).collect())].into(),
            ..Roots::default()
        };
        let tokens = emit(&doc, &boxed(&["usage"])).unwrap().to_string();
        let chunk = tokens.split("pub struct Chunk <").nth(1).unwrap().split("pub struct").next().unwrap().to_string();
        assert!(chunk.contains("pub usage : :: std :: option :: Option < :: std :: boxed :: Box < ChunkUsage < 'a > > >"), "{chunk}");
        assert!(chunk.contains("pub id : :: std :: option :: Option < CowStr < 'a > >"), "{chunk}");
        assert!(tokens.contains("known fields only, strings borrowed where possible; `usage` boxed."), "{tokens}");
        let error = emit(&doc, &boxed(&["choices"])).unwrap_err();
        assert!(error.contains("`Chunk.choices` is an array"), "{error}");
        let error = emit(&doc, &boxed(&["nope"])).unwrap_err();
        assert!(error.contains("`Chunk` has no property `nope`"), "{error}");
        let mut roots = boxed(&["usage"]);
        roots.lean_boxed = [("Missing".to_string(), ["usage".to_string()].into())].into();
        let error = emit(&doc, &roots).unwrap_err();
        assert!(error.contains("lean_boxed: `Missing` is not a lean type"), "{error}");
    }

    #[test]
    fn omitting_an_unknown_property_or_type_is_an_error() {
        let error = emit(&doc(), &roots(&[], &[("Chunk", &["nope"])])).unwrap_err();
        assert!(error.contains("`Chunk` has no property `nope`"), "{error}");
        let error = emit(&doc(), &roots(&[], &[("Missing", &["id"])])).unwrap_err();
        assert!(error.contains("`Missing` is not a lean type"), "{error}");
    }
}
