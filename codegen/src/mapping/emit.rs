//! Emission: every validated mapping becomes a `pub static` in generated/src/mappings.rs, after
//! the types of templates/mappings_types.rs, so the SDK reads its providers as data. Defaults
//! that depend on the dialect (error and usage paths, retryable statuses) are applied here, one
//! function per table of the file.

use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, format_ident, quote};

use super::format::{ApiKind, Capability, OneOrMany, RawAuth, RawErrors, RawMapping, RawModelOverride, StructuredOutputs, SystemMessageMode};
use super::validate::Mapping;

/// Spec directory name -> Rust module name (`openai-compatible` -> `openai_compatible`).
pub fn module_name(spec_dir: &str) -> String {
    spec_dir.replace('-', "_")
}

/// The name of the static for a provider id (`openai-compatible` -> `OPENAI_COMPATIBLE`).
pub fn static_name(id: &str) -> Ident {
    format_ident!("{}", id.replace('-', "_").to_uppercase())
}

/// The body of generated/src/mappings.rs after the header: template types, statics, `ALL`.
pub fn emit_module(mappings: &[Mapping]) -> Result<String, String> {
    let statics = mappings.iter().map(Mapping::to_tokens);
    let names = mappings.iter().map(|m| static_name(&m.raw.id));
    let families = super::format::MODEL_FAMILIES.iter().map(|(_, name, doc)| {
        let constant = format_ident!("{}", name.to_uppercase());
        quote! {
            #[doc = #doc]
            pub const #constant: &str = #name;
        }
    });
    let tokens = quote! {
        #(#statics)*

        /// Every provider mapping in specs/, sorted by id.
        pub static ALL: &[&ProviderMapping] = &[#(&#names),*];

        /// The `[[model_families]]` names the SDK's adapters read (codegen rejects any other).
        pub mod families {
            #(#families)*
        }
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("mappings: {e}"))?;
    let statics = prettyplease::unparse(&file);
    let template = include_str!("../../templates/mappings_types.rs");
    // Drop the template's own comment header: it speaks about the template, not the output.
    let body: String = template.lines().skip_while(|l| l.starts_with("//")).collect::<Vec<_>>().join("\n");
    Ok(format!(
        "//! Provider mapping data emitted from specs/*/provider.toml (format: specs/README.md).\n//!\n//! Always compiled, whatever features are on: the SDK registry lists every provider from\n//! [`ALL`]; `ProviderMapping::module` names the feature that holds its wire types.\n{}\n\n{}",
        body.trim_end(),
        statics
    ))
}

impl Mapping {
    /// The `pub static <ID>: ProviderMapping = ...;` item.
    pub fn to_tokens(&self) -> TokenStream {
        let raw = &self.raw;
        let name = static_name(&raw.id);
        let (id, display_name, path_prefix, model_namespace) = (&raw.id, &raw.display_name, &raw.path_prefix, &raw.model_namespace);
        let api = api(raw.api);
        let module = module_name(&self.spec);
        let base_url = optional(raw.base_url.as_ref());
        let base_url_env = optional(raw.base_url_env.as_ref());
        let base_url_vars = pairs(&raw.base_url_vars);
        let oauth_scopes = strs(&raw.oauth_scopes);
        let auth = auth(&raw.auth);
        let api_key = api_key(raw);
        let operations = self.operations_tokens();
        let capabilities = capabilities(raw);
        let overrides = raw.model_overrides.iter().map(model_override);
        let option_rules = raw.model_option_rules.iter().map(|rule| {
            let (option, value) = (&rule.option, &rule.value);
            let (models, except) = (strs(&rule.models), strs(&rule.except));
            quote! { ModelOptionRule { option: #option, value: #value, models: #models, except: #except } }
        });
        let families = raw.model_families.iter().map(|family| {
            let (name, models) = (&family.family, strs(&family.models));
            quote! { ModelFamily { family: #name, models: #models } }
        });
        let limits = limits(raw.limits.embeddings_per_call, raw.limits.images_per_call);
        let request = request(raw);
        let usage_path = json_path(raw.stream.usage_path.as_deref().unwrap_or("usage"));
        let reasoning_fields = strs(&raw.reasoning.fields);
        let strip = raw.reasoning.strip_from_history;
        let errors = errors(&raw.errors);
        let metadata = raw.response_metadata.iter().map(|m| {
            let key = &m.key;
            let path = json_path(&m.path);
            quote! { MetadataPath { key: #key, path: #path } }
        });
        let sources = raw.sources.iter().map(|source| {
            let path = json_path(&source.path);
            let url = optional(source.url.as_deref().map(json_path));
            let title = optional(source.title.as_deref().map(json_path));
            quote! { SourcePath { path: #path, url: #url, title: #title } }
        });
        let usage = usage(raw);
        let hooks = hooks(raw);
        let doc = format!("`{id}`: {display_name}, from specs/{id}/provider.toml.");
        quote! {
            #[doc = #doc]
            pub static #name: ProviderMapping = ProviderMapping {
                id: #id,
                display_name: #display_name,
                api: #api,
                module: #module,
                base_url: #base_url,
                base_url_env: #base_url_env,
                base_url_vars: #base_url_vars,
                oauth_scopes: #oauth_scopes,
                path_prefix: #path_prefix,
                model_namespace: #model_namespace,
                auth: #auth,
                api_key: #api_key,
                operations: #operations,
                capabilities: #capabilities,
                model_overrides: &[#(#overrides),*],
                model_option_rules: &[#(#option_rules),*],
                model_families: &[#(#families),*],
                limits: #limits,
                request: #request,
                stream: StreamMapping { usage_path: #usage_path },
                reasoning: ReasoningMapping { fields: #reasoning_fields, strip_from_history: #strip },
                errors: #errors,
                response_metadata: &[#(#metadata),*],
                sources: &[#(#sources),*],
                usage: #usage,
                hooks: #hooks,
            };
        }
    }

    /// `Operations { chat: Some(..), ... }`, one field per capability.
    fn operations_tokens(&self) -> TokenStream {
        let fields = Capability::ALL.iter().map(|capability| {
            let field = format_ident!("{}", capability.name());
            let value = match self.operations.iter().find(|o| o.capability == *capability) {
                Some(op) => {
                    let operation_id = &op.operation_id;
                    let method = &op.method;
                    let path = &op.path;
                    let query = pairs(op.query.iter().map(|(k, v)| (k, v)));
                    let base_url = optional(op.base_url.as_ref());
                    quote! { Some(Operation { operation_id: #operation_id, method: #method, path: #path, query: #query, base_url: #base_url }) }
                }
                None => quote! { None },
            };
            quote! { #field: #value }
        });
        quote! { Operations { #(#fields),* } }
    }
}

fn api(kind: ApiKind) -> TokenStream {
    match kind {
        ApiKind::Openai => quote! { Api::OpenAi },
        ApiKind::OpenaiCompatible => quote! { Api::OpenAiCompatible },
        ApiKind::Anthropic => quote! { Api::Anthropic },
        ApiKind::Google => quote! { Api::Google },
        ApiKind::Bedrock => quote! { Api::Bedrock },
        ApiKind::Cohere => quote! { Api::Cohere },
        ApiKind::Gateway => quote! { Api::Gateway },
        ApiKind::Elevenlabs => quote! { Api::ElevenLabs },
        ApiKind::Deepgram => quote! { Api::Deepgram },
        ApiKind::Lmnt => quote! { Api::Lmnt },
        ApiKind::Hume => quote! { Api::Hume },
        ApiKind::Fal => quote! { Api::Fal },
        ApiKind::Replicate => quote! { Api::Replicate },
        ApiKind::Luma => quote! { Api::Luma },
        ApiKind::Assemblyai => quote! { Api::AssemblyAi },
        ApiKind::Gladia => quote! { Api::Gladia },
        ApiKind::Revai => quote! { Api::RevAi },
    }
}

fn auth(auth: &RawAuth) -> TokenStream {
    match auth {
        RawAuth::None => quote! { Auth::None },
        RawAuth::Bearer => quote! { Auth::Bearer },
        RawAuth::Header { name, scheme } => {
            let scheme = optional(scheme.as_ref());
            quote! { Auth::Header { name: #name, scheme: #scheme } }
        }
        RawAuth::Query { param } => quote! { Auth::Query { param: #param } },
        RawAuth::AwsSigv4 { service, region_env } => {
            let region_env = strs(region_env);
            quote! { Auth::AwsSigV4 { service: #service, region_env: #region_env } }
        }
    }
}

/// `ApiKey`: optional when the file says so or when auth is `none`.
fn api_key(raw: &RawMapping) -> TokenStream {
    let env = strs(&raw.api_key.env);
    let deprecated_env = strs(&raw.api_key.deprecated_env);
    let key_optional = raw.api_key.optional || matches!(raw.auth, RawAuth::None);
    quote! { ApiKey { env: #env, deprecated_env: #deprecated_env, optional: #key_optional } }
}

fn capabilities(raw: &RawMapping) -> TokenStream {
    let c = &raw.capabilities;
    let (tools, streaming, image_input, pdf_input, reasoning, parallel) =
        (c.tools, c.streaming, c.image_input, c.pdf_input, c.reasoning, c.parallel_tool_calls);
    let structured_outputs = structured(c.structured_outputs);
    quote! {
        Capabilities {
            tools: #tools, streaming: #streaming, structured_outputs: #structured_outputs,
            image_input: #image_input, pdf_input: #pdf_input, reasoning: #reasoning,
            parallel_tool_calls: #parallel,
        }
    }
}

fn model_override(o: &RawModelOverride) -> TokenStream {
    let models = strs(&o.models);
    let tools = optional(o.tools);
    let streaming = optional(o.streaming);
    let structured_outputs = optional(o.structured_outputs.map(structured));
    let image_input = optional(o.image_input);
    let pdf_input = optional(o.pdf_input);
    let reasoning = optional(o.reasoning);
    let parallel = optional(o.parallel_tool_calls);
    let renames = pairs(&o.renames);
    let unsupported_fields = strs(&o.unsupported_fields);
    let system_message_mode = optional(o.system_message_mode.map(|mode| match mode {
        SystemMessageMode::System => quote! { SystemMessageMode::System },
        SystemMessageMode::Developer => quote! { SystemMessageMode::Developer },
        SystemMessageMode::Remove => quote! { SystemMessageMode::Remove },
    }));
    let max_output_tokens = optional(o.max_output_tokens.map(proc_macro2::Literal::u32_unsuffixed));
    let limits = limits(o.embeddings_per_call, o.images_per_call);
    quote! {
        ModelOverride {
            models: #models, tools: #tools, streaming: #streaming,
            structured_outputs: #structured_outputs, image_input: #image_input,
            pdf_input: #pdf_input, reasoning: #reasoning, parallel_tool_calls: #parallel,
            renames: #renames, unsupported_fields: #unsupported_fields,
            system_message_mode: #system_message_mode, max_output_tokens: #max_output_tokens,
            limits: #limits,
        }
    }
}

fn limits(embeddings_per_call: Option<usize>, images_per_call: Option<usize>) -> TokenStream {
    let unsuffixed = |value: Option<usize>| optional(value.map(proc_macro2::Literal::usize_unsuffixed));
    let (embeddings, images) = (unsuffixed(embeddings_per_call), unsuffixed(images_per_call));
    quote! { Limits { embeddings_per_call: #embeddings, images_per_call: #images } }
}

fn request(raw: &RawMapping) -> TokenStream {
    let request = &raw.request;
    let headers = pairs(&request.headers);
    let query = pairs(&request.query);
    let stream_include_usage = request.stream_include_usage;
    let renames = pairs(&request.renames);
    let value_maps = request.value_maps.iter().map(|(field, map)| {
        let values = pairs(map);
        quote! { ValueMap { field: #field, values: #values } }
    });
    let unsupported_fields = strs(&request.unsupported_fields);
    let strict_json_schema = optional(request.strict_json_schema);
    let body = pairs(&request.body);
    quote! {
        RequestMapping {
            headers: #headers, query: #query, stream_include_usage: #stream_include_usage,
            renames: #renames, value_maps: &[#(#value_maps),*],
            unsupported_fields: #unsupported_fields, strict_json_schema: #strict_json_schema,
            body: #body,
        }
    }
}

/// `ErrorMapping`, with the OpenAI-style paths and statuses as defaults.
fn errors(errors: &RawErrors) -> TokenStream {
    let paths = |value: &Option<OneOrMany>, default: &str| {
        let list = value.clone().map(OneOrMany::into_vec).unwrap_or_else(|| vec![default.to_string()]);
        let items = list.iter().map(|p| json_path(p));
        quote! { &[#(#items),*] }
    };
    let message = paths(&errors.message, "error.message");
    let error_type = paths(&errors.error_type, "error.type");
    let code = paths(&errors.code, "error.code");
    let statuses: Vec<u16> = errors
        .retryable_statuses
        .clone()
        .unwrap_or_else(|| vec![408, 409, 429, 500, 502, 503, 504])
        .into_iter()
        .map(|s| s as u16)
        .collect();
    let retryable_types = strs(&errors.retryable_types);
    quote! {
        ErrorMapping {
            message: #message, error_type: #error_type, code: #code,
            retryable_statuses: &[#(#statuses),*], retryable_types: #retryable_types,
        }
    }
}

/// `UsageMapping`; the optional counts default to OpenAI's paths for OpenAI-style dialects.
fn usage(raw: &RawMapping) -> TokenStream {
    let u = &raw.usage;
    let input_tokens = json_path(u.input_tokens.as_deref().unwrap_or("prompt_tokens"));
    let output_tokens = json_path(u.output_tokens.as_deref().unwrap_or("completion_tokens"));
    let openai_like = matches!(raw.api, ApiKind::Openai | ApiKind::OpenaiCompatible);
    // The optional counts: as written, else OpenAI's path for OpenAI-style dialects.
    let path_or_default = |value: &Option<String>, default: &'static str| {
        optional(value.as_deref().or(openai_like.then_some(default)).map(json_path))
    };
    let total_tokens = path_or_default(&u.total_tokens, "total_tokens");
    let cached = path_or_default(&u.cached_input_tokens, "prompt_tokens_details.cached_tokens");
    let reasoning_tokens = path_or_default(&u.reasoning_tokens, "completion_tokens_details.reasoning_tokens");
    let excludes = u.output_excludes_reasoning;
    quote! {
        UsageMapping {
            input_tokens: #input_tokens, output_tokens: #output_tokens, total_tokens: #total_tokens,
            cached_input_tokens: #cached, reasoning_tokens: #reasoning_tokens,
            output_excludes_reasoning: #excludes,
        }
    }
}

fn hooks(raw: &RawMapping) -> TokenStream {
    let request = optional(raw.hooks.request.as_ref());
    let response = optional(raw.hooks.response.as_ref());
    let stream_chunk = optional(raw.hooks.stream_chunk.as_ref());
    let error = optional(raw.hooks.error.as_ref());
    let metadata = optional(raw.hooks.metadata.as_ref());
    quote! {
        Hooks {
            request: #request, response: #response,
            stream_chunk: #stream_chunk, error: #error, metadata: #metadata,
        }
    }
}

/// `Some(value)` or `None`.
fn optional<T: ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(value) => quote! { Some(#value) },
        None => quote! { None },
    }
}

fn strs(values: &[String]) -> TokenStream {
    quote! { &[#(#values),*] }
}

fn pairs<'a>(values: impl IntoIterator<Item = (&'a String, &'a String)>) -> TokenStream {
    let items = values.into_iter().map(|(k, v)| quote! { (#k, #v) });
    quote! { &[#(#items),*] }
}

fn json_path(path: &str) -> TokenStream {
    let segments = path.split('.');
    quote! { JsonPath { text: #path, segments: &[#(#segments),*] } }
}

fn structured(value: StructuredOutputs) -> TokenStream {
    match value {
        StructuredOutputs::JsonSchema => quote! { StructuredOutputs::JsonSchema },
        StructuredOutputs::JsonObject => quote! { StructuredOutputs::JsonObject },
        StructuredOutputs::None => quote! { StructuredOutputs::None },
    }
}
