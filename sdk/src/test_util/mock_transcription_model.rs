//! A mock transcription model (being written).
