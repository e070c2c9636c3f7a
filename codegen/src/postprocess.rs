//! Declared rewrites of progenitor's output (syntax-tree edits, never text patches of
//! generated/). Each rewrite says why it exists.

use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Arm, Expr, ImplItem, Item, ItemEnum, Stmt, parse_quote};

/// What the rewrites did, for the normalize log.
#[derive(Debug, Default)]
pub struct Report {
    /// `api-version` header statements removed.
    pub stray_headers_removed: usize,
    /// String enums that got an `Unlisted(String)` variant.
    pub open_enums: Vec<String>,
    /// Tagged unions that got an `Unlisted` variant.
    pub tagged_unions_with_unknown: Vec<String>,
    /// Structs that got `#[derive(Default)]`.
    pub defaults: usize,
    /// Optional list/map fields that decode `null` as empty.
    pub null_as_empty: usize,
    /// Structs whose `deny_unknown_fields` was removed (empty objects).
    pub tolerant_structs: Vec<String>,
}

/// Applies every rewrite to a generated file.
pub fn run(file: &mut syn::File) -> Report {
    let mut report = Report::default();
    let mut headers = StrayHeaders { removed: 0 };
    headers.visit_file_mut(file);
    report.stray_headers_removed = headers.removed;
    remove_timeout_constructor(&mut file.items);
    open_enums(&mut file.items, &mut report);
    derive_default(&mut file.items, &mut report);
    null_as_empty(&mut file.items, &mut report);
    tolerant_structs(&mut file.items, &mut report);
    client_behind_feature(&mut file.items);
    report
}

/// Puts the HTTP client (`Client`, its operations, `prelude`, `apply_headers` and the
/// progenitor-client imports) behind the generated crate's `client` feature, leaving `types`
/// always compiled: the SDK calls with its own connection and needs only the types, and without
/// the client the crate depends on neither reqwest nor progenitor-client, so it builds beside
/// them instead of after them.
fn client_behind_feature(items: &mut [Item]) {
    for item in items.iter_mut() {
        if matches!(item, Item::Mod(module) if module.ident == "types") {
            continue;
        }
        if let Some(attrs) = item_attrs(item) {
            attrs.insert(0, parse_quote!(#[cfg(feature = "client")]));
        }
    }
}

/// The attributes of the kinds of items progenitor emits at a module's top level.
fn item_attrs(item: &mut Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        Item::Use(item) => Some(&mut item.attrs),
        Item::Struct(item) => Some(&mut item.attrs),
        Item::Impl(item) => Some(&mut item.attrs),
        Item::Mod(item) => Some(&mut item.attrs),
        Item::Fn(item) => Some(&mut item.attrs),
        Item::Enum(item) => Some(&mut item.attrs),
        Item::Trait(item) => Some(&mut item.attrs),
        Item::Const(item) => Some(&mut item.attrs),
        Item::Type(item) => Some(&mut item.attrs),
        _ => None,
    }
}

fn contains(tokens: &impl ToTokens, needle: &str) -> bool {
    tokens.to_token_stream().to_string().contains(needle)
}

/// progenitor adds `api-version: <info.version>` to every request; providers never asked for
/// it and some reject unknown headers. Removed, and `header_map` made immutable where nothing
/// else is appended (so the output compiles without warnings).
struct StrayHeaders {
    removed: usize,
}

impl VisitMut for StrayHeaders {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !(contains(stmt, "header_map . append") && contains(stmt, "\"api-version\"")));
        if block.stmts.len() != before {
            self.removed += before - block.stmts.len();
            let appends = block.stmts.iter().any(|stmt| contains(stmt, "header_map . append"));
            if !appends {
                for stmt in &mut block.stmts {
                    if let Stmt::Local(local) = stmt
                        && let syn::Pat::Ident(ident) = &mut local.pat
                        && ident.ident == "header_map"
                    {
                        ident.mutability = None;
                    }
                }
            }
        }
        syn::visit_mut::visit_block_mut(self, block);
    }
}

/// `Client::new` builds its own `reqwest::Client` with a 15 s total timeout, which cuts off
/// long generations and streams. Clients are built with `Client::new_with_client(base_url,
/// caller_client)` only, so the timeout constructor is removed.
///
/// progenitor's `new_with_client(base_url, client, inner)` takes the inner header map as a third
/// argument; it becomes `new_with_client(base_url, client)` plus `with_headers(headers)`.
fn remove_timeout_constructor(items: &mut Vec<Item>) {
    items.push(parse_quote! {
        /// Adds the client's headers to a request (progenitor's pre-request hook).
        fn apply_headers(headers: &::reqwest::header::HeaderMap, request: &mut ::reqwest::Request) {
            for (name, value) in headers {
                request.headers_mut().insert(name.clone(), value.clone());
            }
        }
    });
    for item in items.iter_mut() {
        if let Item::Impl(imp) = item {
            let constructs = imp.items.iter().any(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "new_with_client"));
            if imp.trait_.is_none() && imp.self_ty.to_token_stream().to_string() == "Client" && constructs {
                imp.items.retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "new"));
                for impl_item in imp.items.iter_mut() {
                    if let ImplItem::Fn(function) = impl_item
                        && function.sig.ident == "new_with_client"
                    {
                        *impl_item = parse_quote! {
                            /// A client for `baseurl` (scheme, host, and path stem such as `/v1`)
                            /// that sends its requests through the caller's `client`
                            /// (proxies, timeouts, TLS are the caller's).
                            pub fn new_with_client(baseurl: &str, client: reqwest::Client) -> Self {
                                Self {
                                    baseurl: baseurl.trim_end_matches('/').to_string(),
                                    client,
                                    inner: ::reqwest::header::HeaderMap::new(),
                                }
                            }
                        };
                    }
                }
                imp.items.push(parse_quote! {
                    /// Headers added to every request (auth, API version, ...), replacing any
                    /// of the same name.
                    pub fn with_headers(mut self, headers: ::reqwest::header::HeaderMap) -> Self {
                        self.inner = headers;
                        self
                    }
                });
            }
        }
    }
}

fn is_string_enum(item: &ItemEnum) -> bool {
    !item.variants.is_empty()
        && item.variants.iter().all(|v| {
            matches!(v.fields, syn::Fields::Unit) && v.attrs.iter().any(|a| contains(a, "rename ="))
        })
        && item.attrs.iter().any(|a| contains(a, "Deserialize"))
}

fn is_tagged_union(item: &ItemEnum) -> bool {
    item.attrs.iter().any(|a| a.path().is_ident("serde") && contains(a, "tag ="))
}

/// An externally tagged union (`{"text": "..."}`, Smithy's restJson1 unions): no container
/// `serde` attribute, every variant one field under a renamed tag.
fn is_externally_tagged_union(item: &ItemEnum) -> bool {
    !item.variants.is_empty()
        && !item.attrs.iter().any(|a| a.path().is_ident("serde"))
        && item.attrs.iter().any(|a| contains(a, "Deserialize"))
        && item.variants.iter().all(|v| {
            matches!(&v.fields, syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1)
                && v.attrs.iter().any(|a| contains(a, "rename ="))
        })
}

/// Almost-compatible servers send enum values the spec does not list (a new `finish_reason`,
/// a new stream event). Every string enum gets a last `#[serde(untagged)] Unlisted(String)`
/// variant that keeps such values, and every internally tagged union gets
/// `#[serde(other)] Unlisted`, and every externally tagged union a last
/// `#[serde(untagged)] Unlisted(serde_json::Value)` that keeps the unknown member as sent, so
/// decoding never fails on them.
fn open_enums(items: &mut Vec<Item>, report: &mut Report) {
    let mut string_enums = std::collections::BTreeMap::new();
    for item in items.iter_mut() {
        match item {
            Item::Enum(item) if is_string_enum(item) => {
                for attr in &mut item.attrs {
                    if attr.path().is_ident("derive") {
                        let text = attr.to_token_stream().to_string();
                        if text.contains("Copy") {
                            let paths: syn::punctuated::Punctuated<syn::Path, syn::Token![,]> = attr
                                .parse_args_with(syn::punctuated::Punctuated::parse_terminated)
                                .expect("derive list parses");
                            let kept: Vec<&syn::Path> =
                                paths.iter().filter(|p| p.to_token_stream().to_string() != "Copy").collect();
                            *attr = parse_quote!(#[derive(#(#kept),*)]);
                        }
                    }
                }
                let name = catch_all_name(item);
                item.variants.push(parse_quote! {
                    /// A value this spec does not list, kept as sent.
                    #[serde(untagged)]
                    #name(::std::string::String)
                });
                string_enums.insert(item.ident.to_string(), name);
                report.open_enums.push(item.ident.to_string());
            }
            Item::Enum(item) if is_tagged_union(item) => {
                let name = catch_all_name(item);
                item.variants.push(parse_quote! {
                    /// An event or block type this spec does not list (its fields are skipped).
                    #[serde(other)]
                    #name
                });
                report.tagged_unions_with_unknown.push(item.ident.to_string());
            }
            Item::Enum(item) if is_externally_tagged_union(item) => {
                let name = catch_all_name(item);
                item.variants.push(parse_quote! {
                    /// A member this spec does not list, kept as sent (`{"newMember": ...}`).
                    #[serde(untagged)]
                    #name(::serde_json::Value)
                });
                report.tagged_unions_with_unknown.push(item.ident.to_string());
            }
            _ => {}
        }
    }
    // With a catch-all every string parses: typify's three fallible `TryFrom` impls say
    // nothing that `FromStr` (kept, now infallible) does not; dropping them keeps modules small.
    items.retain(|item| {
        let Item::Impl(imp) = item else { return true };
        let Some((trait_path, _)) = &imp.trait_ else { return true };
        let is_try_from = trait_path.segments.last().is_some_and(|s| s.ident == "TryFrom");
        !(is_try_from && string_enums.contains_key(&imp.self_ty.to_token_stream().to_string()))
    });
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let self_name = imp.self_ty.to_token_stream().to_string();
        let Some(variant) = string_enums.get(&self_name).cloned() else { continue };
        let Some((trait_path, _)) = &imp.trait_ else { continue };
        let trait_name = trait_path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        for impl_item in &mut imp.items {
            let ImplItem::Fn(function) = impl_item else { continue };
            let mut fixer = MatchFixer { trait_name: trait_name.clone(), variant: variant.clone() };
            fixer.visit_block_mut(&mut function.block);
        }
    }
    for item in items.iter_mut() {
        if let Item::Mod(module) = item
            && let Some((_, content)) = &mut module.content
        {
            open_enums(content, report);
        }
    }
}

/// `Unlisted`, or `UnlistedValue` if the enum already has an `Unlisted` variant.
fn catch_all_name(item: &ItemEnum) -> syn::Ident {
    if item.variants.iter().any(|v| v.ident == "Unlisted") {
        syn::Ident::new("UnlistedValue", proc_macro2::Span::call_site())
    } else {
        syn::Ident::new("Unlisted", proc_macro2::Span::call_site())
    }
}

/// Adds the `Unlisted` arm to typify's `Display` and `FromStr` impls of an opened enum.
struct MatchFixer {
    trait_name: String,
    variant: syn::Ident,
}

impl VisitMut for MatchFixer {
    fn visit_expr_match_mut(&mut self, node: &mut syn::ExprMatch) {
        match self.trait_name.as_str() {
            "Display" => {
                let name = &self.variant;
                let arm: Arm = parse_quote! { Self::#name(ref value) => f.write_str(value), };
                node.arms.push(arm);
            }
            "FromStr" => {
                for arm in &mut node.arms {
                    if matches!(arm.pat, syn::Pat::Wild(_)) {
                        let name = &self.variant;
                        let body: Expr = parse_quote! { Ok(Self::#name(value.to_string())) };
                        *arm.body = body;
                    }
                }
            }
            _ => {}
        }
    }
}

/// typify derives `Default` only for structs without a flattened `extra` map, i.e. never here.
/// Request structs have dozens of optional fields, so every struct whose fields all have a
/// default (options, lists, strings, numbers, maps, other such structs) derives it, letting
/// callers write `Request { model, messages, ..Default::default() }`.
fn derive_default(items: &mut [Item], report: &mut Report) {
    for item in items.iter_mut() {
        if let Item::Mod(module) = item
            && let Some((_, content)) = &mut module.content
        {
            derive_default(content, report);
        }
    }
    let mut candidates: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    let mut has_default_impl = std::collections::BTreeSet::new();
    for item in items.iter() {
        match item {
            Item::Struct(item) if item.generics.params.is_empty() => {
                let types = item.fields.iter().map(|f| f.ty.to_token_stream().to_string().replace(' ', "")).collect();
                candidates.insert(item.ident.to_string(), types);
            }
            Item::Impl(imp) => {
                if let Some((path, _)) = &imp.trait_
                    && path.segments.last().is_some_and(|s| s.ident == "Default")
                {
                    has_default_impl.insert(imp.self_ty.to_token_stream().to_string());
                }
            }
            _ => {}
        }
    }
    const DEFAULT_TYPES: &[&str] = &[
        "::std::option::Option<", "::std::vec::Vec<", "::std::string::String", "::serde_json::Map<",
        "::serde_json::Value", "::std::collections::HashMap<", "::std::collections::BTreeMap<", "i64", "i32",
        "u64", "u32", "f64", "f32", "bool",
    ];
    let mut defaultable: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    loop {
        let before = defaultable.len();
        for (name, types) in &candidates {
            let ok = types.iter().all(|t| {
                let t = t.strip_prefix("::std::boxed::Box<").and_then(|t| t.strip_suffix('>')).unwrap_or(t);
                DEFAULT_TYPES.iter().any(|d| t == *d || (d.ends_with('<') && t.starts_with(d))) || defaultable.contains(t)
            });
            if ok {
                defaultable.insert(name.clone());
            }
        }
        if defaultable.len() == before {
            break;
        }
    }
    for item in items.iter_mut() {
        let Item::Struct(item) = item else { continue };
        let name = item.ident.to_string();
        if !defaultable.contains(&name) || has_default_impl.contains(&name) {
            continue;
        }
        for attr in &mut item.attrs {
            if attr.path().is_ident("derive") && !contains(attr, "Default") {
                let paths: syn::punctuated::Punctuated<syn::Path, syn::Token![,]> =
                    attr.parse_args_with(syn::punctuated::Punctuated::parse_terminated).expect("derive list parses");
                let paths = paths.iter();
                *attr = parse_quote!(#[derive(#(#paths),*, Default)]);
                report.defaults += 1;
            }
        }
    }
}

/// Optional lists and maps are `Vec`/`Map` with `#[serde(default)]`: absent decodes as empty, but
/// almost-compatible servers also send `null` (llama-cpp-python: `"tool_calls": null`), which
/// serde rejects. Such fields get `deserialize_with = "null_as_empty"`, a helper added to the
/// `types` module.
fn null_as_empty(items: &mut [Item], report: &mut Report) {
    struct Fields {
        count: usize,
    }
    impl VisitMut for Fields {
        fn visit_field_mut(&mut self, field: &mut syn::Field) {
            for attr in &mut field.attrs {
                if !attr.path().is_ident("serde") {
                    continue;
                }
                let text = attr.to_token_stream().to_string();
                if text.contains("default") && text.contains("is_empty") && !text.contains("deserialize_with") {
                    let syn::Meta::List(list) = &attr.meta else { continue };
                    let tokens = &list.tokens;
                    *attr = parse_quote!(#[serde(#tokens, deserialize_with = "null_as_empty")]);
                    self.count += 1;
                }
            }
            syn::visit_mut::visit_field_mut(self, field);
        }
    }
    for item in items.iter_mut() {
        let Item::Mod(module) = item else { continue };
        if module.ident != "types" {
            continue;
        }
        let Some((_, content)) = &mut module.content else { continue };
        let mut fields = Fields { count: 0 };
        for item in content.iter_mut() {
            fields.visit_item_mut(item);
        }
        if fields.count > 0 {
            content.push(parse_quote! {
                /// Decodes `null` like an absent field: an empty list or map.
                fn null_as_empty<'de, D, T>(deserializer: D) -> ::std::result::Result<T, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                    T: ::serde::Deserialize<'de> + ::std::default::Default,
                {
                    let value: ::std::option::Option<T> = ::serde::Deserialize::deserialize(deserializer)?;
                    Ok(value.unwrap_or_default())
                }
            });
        }
        report.null_as_empty += fields.count;
    }
}

/// typify makes an object with no properties and `additionalProperties: false` (an empty message
/// such as Gemini's `CodeExecution {}`, whose presence as `{}` enables a feature) an empty struct
/// with `#[serde(deny_unknown_fields)]`. Every other object keeps unknown fields (the open-objects
/// pass), so these skip them instead of failing to decode when the vendor adds a field.
fn tolerant_structs(items: &mut [Item], report: &mut Report) {
    for item in items.iter_mut() {
        match item {
            Item::Mod(module) => {
                if let Some((_, content)) = &mut module.content {
                    tolerant_structs(content, report);
                }
            }
            Item::Struct(item) => {
                let before = item.attrs.len();
                item.attrs.retain(|attr| !(attr.path().is_ident("serde") && contains(attr, "deny_unknown_fields")));
                if item.attrs.len() != before {
                    report.tolerant_structs.push(item.ident.to_string());
                }
            }
            _ => {}
        }
    }
}
