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

#[cfg(test)]
mod extra_request_tests;
#[cfg(test)]
mod extra_request_kinds_tests;
#[cfg(test)]
mod mapping_edit_tests;
#[cfg(test)]
mod secrets_in_debug_tests;
#[cfg(test)]
mod vendor_test_support;
