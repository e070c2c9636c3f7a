//! Shared helpers for the integration tests.

pub mod local_server;
pub mod fixtures;
pub mod mock_server;
