//! The non-streaming path of each language model, fuzzed through its public API: a model built
//! with a base URL on 127.0.0.1 calls `do_generate`, and a small server answers with the status
//! and body under test. So the whole path a real answer takes is covered (status, error body
//! parsing, the body's decoding and its mapping to content, usage and metadata), not a decoder
//! taken out of it.
//!
//! The server is a plain socket that answers every request with the current answer, keeping the
//! connection alive, so that a run costs one round trip over loopback, not a new connection.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use crate::error::Result;
use crate::provider::{CallOptions, GenerateResponse, LanguageModel, Message};

/// A model whose non-streaming answers to fuzz.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Generator {
    /// OpenAI's chat completions.
    OpenAiChat,
    /// A compatible vendor's chat completions (Groq: usage and metadata at vendor paths).
    CompatibleChat,
    /// Text completions.
    Completion,
    /// OpenAI's Responses.
    Responses,
    /// Anthropic's Messages.
    Anthropic,
    /// Gemini.
    Google,
    /// Cohere's chat.
    Cohere,
    /// The AI Gateway.
    Gateway,
    /// Bedrock's Converse (with an API key, so unsigned).
    Bedrock,
}

impl Generator {
    /// Every generator, in the order a fuzz input's first byte picks them.
    pub const ALL: [Generator; 9] = [
        Generator::OpenAiChat,
        Generator::CompatibleChat,
        Generator::Completion,
        Generator::Responses,
        Generator::Anthropic,
        Generator::Google,
        Generator::Cohere,
        Generator::Gateway,
        Generator::Bedrock,
    ];
}

/// The statuses a fuzz input's second byte picks from: success, and the errors each provider
/// parses a body for (429 and 5xx retryable, 529 Anthropic's overload).
pub const STATUSES: [u16; 8] = [200, 400, 401, 404, 429, 500, 503, 529];

/// What `generator`'s model makes of an answer with this status and body.
pub fn generate(generator: Generator, status: u16, body: &[u8]) -> Result<GenerateResponse> {
    let harness = &*HARNESS;
    *harness.answer.lock().unwrap_or_else(PoisonError::into_inner) = (status, body.to_vec());
    let model = &harness.models[Generator::ALL.iter().position(|each| *each == generator).unwrap_or_default()];
    harness.runtime.block_on(model.do_generate(&harness.options))
}

/// What every run shares: the server, one model per generator (their connections kept alive
/// from run to run) and the runtime they run on.
struct Harness {
    answer: Arc<Mutex<(u16, Vec<u8>)>>,
    models: Vec<Arc<dyn LanguageModel>>,
    options: CallOptions,
    runtime: tokio::runtime::Runtime,
}

static HARNESS: LazyLock<Harness> = LazyLock::new(|| {
    let answer = Arc::new(Mutex::new((200, Vec::new())));
    let address = serve(answer.clone());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a current-thread runtime starts");
    // A run waits on loopback only; a hang past this is a bug the fuzzer should see as an error.
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("a plain HTTP client builds");
    let models = Generator::ALL.iter().map(|generator| model(*generator, &format!("http://{address}"), &client)).collect();
    Harness { answer, models, options: CallOptions::new(vec![Message::user("Hello")]), runtime }
});

/// The model of `generator`, reaching the server at `base`.
fn model(generator: Generator, base: &str, client: &reqwest::Client) -> Arc<dyn LanguageModel> {
    use crate::providers::{anthropic, bedrock, cohere, gateway, google, openai, openai_compatible};
    let openai = || openai::create_openai(openai::OpenAiSettings::default().with_api_key("k").with_base_url(base).with_client(client.clone()));
    match generator {
        Generator::OpenAiChat => Arc::new(openai().chat("gpt-4o-mini")),
        Generator::Completion => Arc::new(openai().completion("gpt-3.5-turbo-instruct")),
        Generator::Responses => Arc::new(openai().responses("gpt-4o-mini")),
        Generator::CompatibleChat => {
            let settings = openai_compatible::OpenAiCompatibleSettings::default().with_api_key("k").with_base_url(base).with_client(client.clone());
            Arc::new(openai_compatible::create_openai_compatible("groq", settings).expect("groq has a mapping").chat("llama-3.3-70b-versatile"))
        }
        Generator::Anthropic => {
            let settings = anthropic::AnthropicSettings::default().with_api_key("k").with_base_url(base).with_client(client.clone());
            Arc::new(anthropic::create_anthropic(settings).language_model("claude-sonnet-4-5"))
        }
        Generator::Google => {
            let settings = google::GoogleSettings::default().with_api_key("k").with_base_url(base).with_client(client.clone());
            Arc::new(google::create_google(settings).language_model("gemini-2.5-flash"))
        }
        Generator::Cohere => {
            let settings = cohere::CohereSettings::default().with_api_key("k").with_base_url(base).with_client(client.clone());
            Arc::new(cohere::create_cohere(settings).language_model("command-a-03-2025"))
        }
        Generator::Gateway => {
            let settings = gateway::GatewaySettings::default().with_api_key("k").with_base_url(base).with_client(client.clone());
            Arc::new(gateway::create_gateway(settings).language_model("openai/gpt-4o-mini"))
        }
        Generator::Bedrock => {
            let settings =
                bedrock::BedrockSettings::default().with_region("us-east-1").with_api_key("k").with_base_url(base).with_client(client.clone());
            Arc::new(bedrock::create_bedrock(settings).language_model("amazon.nova-lite-v1:0"))
        }
    }
}

/// Starts the server on 127.0.0.1; each connection gets a thread that answers its requests,
/// one after another, with the current answer.
fn serve(answer: Arc<Mutex<(u16, Vec<u8>)>>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port is free");
    let address = listener.local_addr().expect("a bound listener has an address");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let answer = answer.clone();
            let _ = stream.set_nodelay(true);
            std::thread::spawn(move || while answer_one(&stream, &answer).is_ok() {});
        }
    });
    address
}

/// Reads one request (its head, then as many body bytes as its `content-length` says) and
/// writes the answer; an error once the client closes the connection.
fn answer_one(stream: &TcpStream, answer: &Mutex<(u16, Vec<u8>)>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    reader.read_exact(&mut vec![0; length])?;
    let (status, body) = answer.lock().unwrap_or_else(PoisonError::into_inner).clone();
    // One write: a head and a body written apart wait out the client's delayed acknowledgement
    // (40 ms a run).
    let mut response = format!("HTTP/1.1 {status} Fuzz\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len()).into_bytes();
    response.extend_from_slice(&body);
    let mut stream = stream;
    stream.write_all(&response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::provider::Content;

    #[test]
    fn each_generator_reads_its_own_answer_and_fails_on_an_error_status() {
        let chat = br#"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#;
        let response = generate(Generator::OpenAiChat, 200, chat).unwrap();
        assert!(matches!(response.content.as_slice(), [Content::Text { text, .. }] if text == "hi"), "{:?}", response.content);
        let anthropic = br#"{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"hello"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}"#;
        let response = generate(Generator::Anthropic, 200, anthropic).unwrap();
        assert!(matches!(response.content.as_slice(), [Content::Text { text, .. }] if text == "hello"), "{:?}", response.content);
        for generator in Generator::ALL {
            let error = generate(generator, 429, br#"{"error":{"message":"slow down"}}"#).unwrap_err();
            assert!(matches!(&error, Error::ApiCall(call) if call.status == 429), "{generator:?}: {error:?}");
            assert!(generate(generator, 200, b"not json").is_err(), "{generator:?}");
        }
    }
}
