//! A mock embedding model (being written).
