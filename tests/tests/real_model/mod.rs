//! specai against a real model: the shared local llama.cpp server with SmolLM2-135M-Instruct
//! (see `support::local_server`), through the OpenAI chat-completions model (llama.cpp has no
//! Responses API) and the core functions. The model is tiny: the tests assert on structure (text,
//! finish reasons, a tool call whose input parses into its type, JSON that parses into a struct,
//! vectors of the right length), never on facts.

mod openai;
