//! A `useChat` request body on its way to a language model: the first byte picks the model's
//! dialect (`Decoder::ALL`), the rest is the body a browser posted. Read, converted to model
//! messages, standardized and sent by the model to a server on 127.0.0.1. Never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use specai::fuzzing::{Decoder, chat_request};

fuzz_target!(|data: &[u8]| {
    let Some((&dialect, body)) = data.split_first() else { return };
    chat_request(Decoder::ALL[usize::from(dialect) % Decoder::ALL.len()], body);
});
