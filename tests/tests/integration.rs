//! The workspace's integration tests, compiled into this one binary
//! (`autotests = false` in Cargo.toml): add new test files as modules here.

mod support;

mod real_model_smoke;
mod azure;
mod faults;
mod google;
mod openai;
mod anthropic;
mod middleware;
mod mcp;
mod cohere;
mod gateway;
mod openai_compatible;
mod real_model;
mod third_party_provider;
mod ui;
mod vertex;
