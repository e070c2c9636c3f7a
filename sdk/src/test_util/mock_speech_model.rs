//! A mock speech model (being written).
