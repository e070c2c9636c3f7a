//! specai: one set of model traits and generation functions over many LLM providers, with every
//! provider's HTTP client generated from a spec.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod error;
pub mod provider;
pub mod provider_utils;
pub mod registry;
pub mod retry;

pub use error::{Error, Result};
pub use registry::{ProviderRegistry, create_provider_registry, custom_provider};
