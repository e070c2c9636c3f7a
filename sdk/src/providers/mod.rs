//! The providers that ship with specai, each behind a cargo feature of its name.
//!
//! Every provider is a folder with the same file names (see `openai/` for the template):
//! `mod.rs` (settings and factory functions), `convert_to_<name>_messages.rs`,
//! `map_<name>_finish_reason.rs`, `<name>_prepare_tools.rs`, `<name>_options.rs`,
//! `<name>_stream.rs`, and one file per model kind.

#[cfg(feature = "openai")]
pub mod openai;
#[cfg(feature = "google")]
pub mod google;
#[cfg(feature = "anthropic")]
pub mod anthropic;
#[cfg(feature = "openai-compatible")]
pub mod openai_compatible;
#[cfg(all(feature = "openai-compatible", feature = "image"))]
pub mod fireworks;
#[cfg(feature = "azure")]
pub mod azure;
#[cfg(feature = "vertex")]
pub mod vertex;
#[cfg(feature = "bedrock")]
pub mod bedrock;
#[cfg(feature = "cohere")]
pub mod cohere;
#[cfg(feature = "gateway")]
pub mod gateway;
#[cfg(feature = "elevenlabs")]
pub mod elevenlabs;
#[cfg(feature = "deepgram")]
pub mod deepgram;
#[cfg(feature = "lmnt")]
pub mod lmnt;
#[cfg(feature = "hume")]
pub mod hume;
#[cfg(feature = "fal")]
pub mod fal;
#[cfg(feature = "replicate")]
pub mod replicate;
#[cfg(feature = "luma")]
pub mod luma;
#[cfg(feature = "assemblyai")]
pub mod assemblyai;
#[cfg(feature = "gladia")]
pub mod gladia;
#[cfg(feature = "revai")]
pub mod revai;

/// Declares the test helpers that the providers' tests share, compiled when any provider is (they
/// build on the mapping-driven connection). A build with some providers alone
/// (`cargo test --no-default-features --features luma`) leaves some helpers unused, so dead code
/// is allowed there; with every provider and model kind (CI's clippy run) each must be used.
macro_rules! shared_test_helpers {
    ($($module:ident),*) => {$(
        #[cfg(all(test, feature = "__provider"))]
        #[cfg_attr(
            not(all(
                feature = "openai", feature = "openai-responses", feature = "anthropic", feature = "google",
                feature = "openai-compatible", feature = "azure", feature = "vertex", feature = "bedrock",
                feature = "cohere", feature = "gateway", feature = "elevenlabs", feature = "deepgram",
                feature = "lmnt", feature = "hume", feature = "fal", feature = "replicate", feature = "luma",
                feature = "assemblyai", feature = "gladia", feature = "revai", feature = "embedding",
                feature = "image", feature = "speech", feature = "transcription", feature = "reranking"
            )),
            allow(dead_code, unused_imports, unused_macros)
        )]
        mod $module;
    )*};
}
shared_test_helpers!(extra_request_tests, extra_request_kinds_tests, mapping_edit_tests, secrets_in_debug_tests, vendor_test_support);
