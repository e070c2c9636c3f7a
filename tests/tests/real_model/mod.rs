//! specai against a real model: the shared local llama.cpp server with SmolLM2-135M-Instruct
//! (see `support::local_server`), through the public API (`generate_text`, `stream_text`,
//! typed tools, JSON output, `embed_many`). The same cases (`cases.rs`) run through the OpenAI
//! provider's chat-completions model (llama.cpp has no Responses API) and through the `llamacpp`
//! preset of the OpenAI-compatible adapter. The model is tiny: the tests assert on structure
//! (text, finish reasons, a tool call whose input parses into its type, JSON that parses into a
//! struct, vectors of the right length), never on facts.
//!
//! Timings: `cargo test -p specai-tests --test integration real_model -- --nocapture` prints a
//! `real-model timing:` line per case.

mod cases;
mod llamacpp_preset;
mod openai_chat;
