//! The default registry: every provider compiled into this build, under its usual id.
//!
//! `openai`, `anthropic`, `google`, `cohere`, `gateway`, `azure`, `vertex`, `bedrock`, `fal`,
//! `replicate` and `luma` come
//! from their own modules (each behind its feature; Azure reads `AZURE_RESOURCE_NAME`, Vertex its
//! project, location and express key when the registry is built, and a missing one fails that
//! provider's calls only);
//! every OpenAI-compatible mapping in `specs/` (`groq`, `mistral`, `ollama`, ...) is registered
//! from [`specai_generated::mappings::ALL`], so a provider added with only a mapping file is
//! here without any Rust. API keys are read at each provider's first call, so a missing key
//! fails that call only.
//!
//! ```no_run
//! # fn run() -> specai::Result<()> {
//! let registry = specai::default_registry();
//! let model = registry.language_model("groq:llama-3.3-70b-versatile")?;
//! # Ok(()) }
//! ```

use crate::registry::{ProviderRegistry, ProviderRegistryBuilder, create_provider_registry};

/// A registry of every provider compiled in, with default settings, separator `:`.
///
/// Building it reads no key and sends nothing: a model id resolves offline, and a missing key
/// fails that model's first call only.
///
#[cfg_attr(feature = "openai-responses", doc = " ```")]
#[cfg_attr(not(feature = "openai-responses"), doc = " ```ignore")]
/// let registry = specai::default_registry();
/// assert!(registry.provider_ids().contains(&"openai".to_owned()));
/// let model = registry.language_model("openai:gpt-4o-mini")?;
/// assert_eq!((model.provider(), model.model_id()), ("openai.responses", "gpt-4o-mini"));
/// assert!(registry.language_model("no-such-provider:model").is_err());
/// # Ok::<(), specai::Error>(())
/// ```
pub fn default_registry() -> ProviderRegistry {
    default_registry_builder().build()
}

/// The default registry's builder, to add providers or change the separator before building.
///
/// ```
/// use specai::test_util::MockLanguageModel;
///
/// let local = specai::custom_provider().with_language_model("tiny", std::sync::Arc::new(MockLanguageModel::new()));
/// let registry = specai::default_registry_builder().provider("local", local).separator("/").build();
/// assert_eq!(registry.language_model("local/tiny").unwrap().provider(), "mock");
/// ```
pub fn default_registry_builder() -> ProviderRegistryBuilder {
    #[allow(unused_mut)]
    let mut builder = create_provider_registry();
    #[cfg(feature = "openai-compatible")]
    {
        use specai_generated::mappings::{ALL, Api};
        // The core mapping has no base URL of its own (it backs servers of your own, `create_openai_compatible(name, settings)`).
        for mapping in ALL.iter().filter(|mapping| mapping.api == Api::OpenAiCompatible) {
            if mapping.base_url.is_some() || mapping.base_url_env.is_some() {
                builder = builder.provider(mapping.id, crate::openai_compatible::from_mapping(mapping, Default::default()));
            }
        }
        // The same language models, and Fireworks' own image models.
        #[cfg(feature = "image")]
        {
            builder = builder.provider("fireworks", crate::providers::fireworks::create_fireworks(Default::default()));
        }
    }
    #[cfg(feature = "openai")]
    {
        builder = builder.provider("openai", crate::providers::openai::create_openai(Default::default()));
    }
    #[cfg(feature = "anthropic")]
    {
        builder = builder.provider("anthropic", crate::providers::anthropic::create_anthropic(Default::default()));
    }
    #[cfg(feature = "google")]
    {
        builder = builder.provider("google", crate::providers::google::create_google(Default::default()));
    }
    #[cfg(feature = "azure")]
    {
        builder = builder.provider("azure", crate::providers::azure::create_azure(Default::default()));
    }
    #[cfg(feature = "vertex")]
    {
        builder = builder.provider("vertex", crate::providers::vertex::create_vertex(Default::default()));
    }
    #[cfg(feature = "bedrock")]
    {
        builder = builder.provider("bedrock", crate::providers::bedrock::create_bedrock(Default::default()));
    }
    #[cfg(feature = "cohere")]
    {
        builder = builder.provider("cohere", crate::providers::cohere::create_cohere(Default::default()));
    }
    #[cfg(feature = "gateway")]
    {
        builder = builder.provider("gateway", crate::providers::gateway::create_gateway(Default::default()));
    }
    #[cfg(feature = "elevenlabs")]
    {
        builder = builder.provider("elevenlabs", crate::providers::elevenlabs::create_elevenlabs(Default::default()));
    }
    #[cfg(feature = "deepgram")]
    {
        builder = builder.provider("deepgram", crate::providers::deepgram::create_deepgram(Default::default()));
    }
    #[cfg(feature = "lmnt")]
    {
        builder = builder.provider("lmnt", crate::providers::lmnt::create_lmnt(Default::default()));
    }
    #[cfg(feature = "hume")]
    {
        builder = builder.provider("hume", crate::providers::hume::create_hume(Default::default()));
    }
    #[cfg(feature = "fal")]
    {
        builder = builder.provider("fal", crate::providers::fal::create_fal(Default::default()));
    }
    #[cfg(feature = "replicate")]
    {
        builder = builder.provider("replicate", crate::providers::replicate::create_replicate(Default::default()));
    }
    #[cfg(feature = "luma")]
    {
        builder = builder.provider("luma", crate::providers::luma::create_luma(Default::default()));
    }
    #[cfg(feature = "assemblyai")]
    {
        builder = builder.provider("assemblyai", crate::providers::assemblyai::create_assemblyai(Default::default()));
    }
    #[cfg(feature = "gladia")]
    {
        builder = builder.provider("gladia", crate::providers::gladia::create_gladia(Default::default()));
    }
    #[cfg(feature = "revai")]
    {
        builder = builder.provider("revai", crate::providers::revai::create_revai(Default::default()));
    }
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_without_keys_and_resolves_every_compiled_provider() {
        let registry = default_registry();
        // The speech, transcription and image vendors have no language models.
        const MEDIA_ONLY: [&str; 10] = ["elevenlabs", "deepgram", "lmnt", "hume", "fal", "replicate", "luma", "assemblyai", "gladia", "revai"];
        for id in registry.provider_ids().into_iter().filter(|id| !MEDIA_ONLY.contains(&id.as_str())) {
            match registry.language_model(&format!("{id}:some-model")) {
                Ok(_) => {}
                // OpenAI's and Azure's default language model is the Responses API: without its
                // feature the registry says so.
                Err(crate::Error::Unsupported { functionality, .. })
                    if functionality == "the Responses API" && !cfg!(feature = "openai-responses") && ["openai", "azure"].contains(&id.as_str()) => {}
                Err(error) => panic!("{id}: {error}"),
            }
        }
        #[cfg(feature = "openai-compatible")]
        for mapping in specai_generated::mappings::ALL {
            if mapping.api == specai_generated::mappings::Api::OpenAiCompatible && mapping.base_url.is_some() {
                assert!(registry.provider_ids().contains(&mapping.id.to_owned()), "{} missing", mapping.id);
            }
        }
        assert!(matches!(registry.language_model("nope:m"), Err(crate::Error::NoSuchProvider { .. })));
        #[cfg(all(feature = "cohere", feature = "reranking"))]
        assert_eq!(registry.reranking_model("cohere:rerank-v3.5").unwrap().provider(), "cohere");
        #[cfg(all(feature = "openai-compatible", feature = "reranking"))]
        assert_eq!(registry.reranking_model("togetherai:Salesforce/Llama-Rank-V1").unwrap().provider(), "togetherai.reranking");
        #[cfg(feature = "gateway")]
        assert_eq!(registry.language_model("gateway:openai/gpt-5").unwrap().provider(), "gateway");
        #[cfg(feature = "elevenlabs")]
        {
            assert_eq!(registry.speech_model("elevenlabs:eleven_multilingual_v2").unwrap().provider(), "elevenlabs.speech");
            assert_eq!(registry.transcription_model("elevenlabs:scribe_v1").unwrap().provider(), "elevenlabs.transcription");
            assert!(matches!(registry.language_model("elevenlabs:m"), Err(crate::Error::NoSuchModel { .. })));
        }
        #[cfg(feature = "deepgram")]
        {
            assert_eq!(registry.speech_model("deepgram:aura-2-helena-en").unwrap().provider(), "deepgram.speech");
            assert_eq!(registry.transcription_model("deepgram:nova-3").unwrap().provider(), "deepgram.transcription");
        }
        #[cfg(feature = "lmnt")]
        assert_eq!(registry.speech_model("lmnt:blizzard").unwrap().provider(), "lmnt.speech");
        #[cfg(feature = "hume")]
        assert_eq!(registry.speech_model("hume:octave").unwrap().provider(), "hume.speech");
        #[cfg(feature = "fal")]
        assert_eq!(registry.image_model("fal:fal-ai/flux/dev").unwrap().provider(), "fal.image");
        #[cfg(feature = "fal")]
        assert!(matches!(registry.language_model("fal:any"), Err(crate::Error::NoSuchModel { .. })));
        #[cfg(feature = "replicate")]
        assert_eq!(registry.image_model("replicate:black-forest-labs/flux-schnell").unwrap().provider(), "replicate.image");
        #[cfg(feature = "luma")]
        assert_eq!(registry.image_model("luma:photon-1").unwrap().provider(), "luma.image");
        #[cfg(feature = "assemblyai")]
        assert_eq!(registry.transcription_model("assemblyai:best").unwrap().provider(), "assemblyai");
        #[cfg(feature = "gladia")]
        assert_eq!(registry.transcription_model("gladia:default").unwrap().provider(), "gladia");
        #[cfg(feature = "revai")]
        assert_eq!(registry.transcription_model("revai:machine").unwrap().provider(), "revai");
    }
}
