//! A mock image model (being written).
