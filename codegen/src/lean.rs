//! Lean, borrowing decode types for hot stream payloads (`[generate] lean_schemas`).
//!
//! The regular generated types own every string and keep unknown fields in a flattened map,
//! which makes serde buffer each object (measured: ~1.5 us per OpenAI chunk against ~0.8 us for
//! a borrowing struct). A stream decoder that only reads known fields can decode into these
//! instead: emitted from the same (normalized) schema, every string is a [`CowStr`] that borrows
//! from the input unless it has escapes, every field is optional (arrays default to empty),
//! unknown fields are skipped, and shapes this generator does not model (unions, free-form
//! objects) are kept as `serde_json::Value`. A mapping can leave out properties its decoder never
//! reads (`lean_omit`: skipping a value costs less than decoding it) and ask for a second type
//! of the same schema under another name (`lean_variants`), e.g. for the chunks after the first
//! of a stream, where the fields that are constant for the stream need not be decoded again.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::normalize::pascal;
use crate::prune::Roots;

/// Emits `pub mod lean { ... }` for the lean schemas and variants of `roots`, from a normalized
/// document.
pub fn emit(doc: &Value, roots: &Roots) -> Result<TokenStream, String> {
    let components = doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    // A variant's inline nested objects are named after (and shared with) its schema's.
    let naming = roots.lean_variants.iter().map(|(variant, of)| (variant.clone(), pascal(of))).collect();
    let mut emitter = Emitter { components, structs: BTreeMap::new(), pending: Vec::new(), done: BTreeSet::new(), naming };
    let named = roots.lean.iter().map(|root| (pascal(root), root)).chain(roots.lean_variants.iter().map(|(variant, of)| (variant.clone(), of)));
    for (name, root) in named {
        let schema = emitter.components.get(root).cloned().ok_or_else(|| format!("lean schema `{root}` is not a component"))?;
        if !is_object(&schema) {
            return Err(format!("lean schema `{root}` is not an object schema"));
        }
        emitter.pending.push((name, schema));
    }
    let mut unused_omits: BTreeSet<&String> = roots.lean_omit.keys().collect();
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
        let item = emitter.object(&name, &schema, omitted);
        emitter.structs.insert(name, item);
    }
    if let Some(name) = unused_omits.first() {
        return Err(format!("lean_omit: `{name}` is not a lean type (known: {})", emitter.structs.keys().cloned().collect::<Vec<_>>().join(", ")));
    }
    let structs = emitter.structs.values();
    Ok(quote! {
        /// Lean, borrowing decode types for stream payloads (see `CowStr`); generated from the
        /// same schemas as `types`, for decoders that read known fields only.
        pub mod lean {
            use ::std::borrow::Cow;

            /// A string borrowed from the input when it has no escapes, owned otherwise.
            #[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
            pub struct CowStr<'a>(pub Cow<'a, str>);

            impl<'a> ::std::ops::Deref for CowStr<'a> {
                type Target = str;
                fn deref(&self) -> &str {
                    &self.0
                }
            }

            impl<'de: 'a, 'a> ::serde::Deserialize<'de> for CowStr<'a> {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct Visitor;
                    impl<'de> ::serde::de::Visitor<'de> for Visitor {
                        type Value = CowStr<'de>;
                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str("a string")
                        }
                        fn visit_borrowed_str<E>(self, value: &'de str) -> Result<CowStr<'de>, E> {
                            Ok(CowStr(Cow::Borrowed(value)))
                        }
                        fn visit_str<E>(self, value: &str) -> Result<CowStr<'de>, E> {
                            Ok(CowStr(Cow::Owned(value.to_owned())))
                        }
                        fn visit_string<E>(self, value: String) -> Result<CowStr<'de>, E> {
                            Ok(CowStr(Cow::Owned(value)))
                        }
                    }
                    deserializer.deserialize_str(Visitor)
                }
            }

            /// `null` or absent lists decode as empty.
            fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                T: ::serde::Deserialize<'de> + Default,
            {
                Ok(<Option<T> as ::serde::Deserialize>::deserialize(deserializer)?.unwrap_or_default())
            }

            #(#structs)*
        }
    })
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

    fn field_type(&mut self, parent: &str, property: &str, schema: &Value) -> FieldType {
        let (component, schema) = self.resolve(schema);
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
            _ if is_object(&schema) => {
                let name = component.map(|c| pascal(&c)).unwrap_or_else(|| format!("{parent}{}", pascal(property)));
                self.pending.push((name.clone(), schema));
                let ident = format_ident!("{}", name);
                FieldType { tokens: quote! { #ident<'a> }, borrows: true, vec: false }
            }
            _ => value(),
        }
    }

    fn object(&mut self, name: &str, schema: &Value, omitted: Option<&BTreeSet<String>>) -> TokenStream {
        let ident = format_ident!("{}", name);
        let properties = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        let mut fields = Vec::new();
        let parent = self.naming.get(name).cloned().unwrap_or_else(|| name.to_string());
        for (property, property_schema) in &properties {
            let field_type = self.field_type(&parent, property, property_schema);
            let field = field_ident(property);
            let rename = (field.to_string().trim_start_matches("r#") != property.as_str()).then(|| quote! { rename = #property, });
            let borrow = field_type.borrows.then(|| quote! { borrow, });
            let tokens = field_type.tokens;
            let doc = format!("`{property}`");
            if field_type.vec {
                fields.push(quote! {
                    #[doc = #doc]
                    #[serde(#rename #borrow default, deserialize_with = "null_as_default")]
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
        let doc = match omitted {
            Some(omitted) => format!(
                "Lean `{name}`: known fields but {}, strings borrowed where possible.",
                omitted.iter().map(|property| format!("`{property}`")).collect::<Vec<_>>().join(", ")
            ),
            None => format!("Lean `{name}`: known fields only, strings borrowed where possible."),
        };
        quote! {
            #[doc = #doc]
            #[derive(::serde::Deserialize, Clone, Debug, Default, PartialEq)]
            pub struct #ident<'a> {
                #(#fields)*
                #[serde(skip)]
                _borrowed: ::std::marker::PhantomData<&'a str>,
            }
        }
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
    fn omitting_an_unknown_property_or_type_is_an_error() {
        let error = emit(&doc(), &roots(&[], &[("Chunk", &["nope"])])).unwrap_err();
        assert!(error.contains("`Chunk` has no property `nope`"), "{error}");
        let error = emit(&doc(), &roots(&[], &[("Missing", &["id"])])).unwrap_err();
        assert!(error.contains("`Missing` is not a lean type"), "{error}");
    }
}
