//! The non-streaming path of each model, fuzzed through its public API: a model built with a
//! base URL on 127.0.0.1 makes its call (`do_generate`, `do_embed`...), and a small server
//! answers with the status and body under test. So the whole path a real answer takes is covered (status, error body
//! parsing, the body's decoding and its mapping to content, usage and metadata), not a decoder
//! taken out of it.
//!
//! The server is a plain socket that answers every request with the current answer, keeping the
//! connection alive, so that a run costs one round trip over loopback, not a new connection.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::Decoder;
use crate::error::Result;
use crate::provider::{
    CallOptions, EmbedOptions, EmbeddingModel, GenerateResponse, ImageModel, ImageOptions, LanguageModel, Message, RerankOptions,
    RerankingModel, TranscriptionModel, TranscriptionOptions,
};

/// A model call whose answers to fuzz.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Endpoint {
    /// A language model's `do_generate`, by its wire dialect.
    Language(Decoder),
    /// OpenAI's embeddings.
    OpenAiEmbedding,
    /// Gemini's embeddings (a batch of two values).
    GoogleEmbedding,
    /// Cohere's embeddings.
    CohereEmbedding,
    /// OpenAI's images (base64 in JSON).
    OpenAiImage,
    /// Imagen's predictions.
    GoogleImage,
    /// OpenAI's transcriptions.
    OpenAiTranscription,
    /// Cohere's rerank.
    CohereReranking,
    /// Bedrock's rerank.
    BedrockReranking,
}

impl Endpoint {
    /// Every endpoint, in the order a fuzz input's first byte picks them: the language models
    /// first.
    pub const ALL: [Endpoint; 17] = [
        Endpoint::Language(Decoder::OpenAiChat),
        Endpoint::Language(Decoder::CompatibleChat),
        Endpoint::Language(Decoder::Completion),
        Endpoint::Language(Decoder::Responses),
        Endpoint::Language(Decoder::Anthropic),
        Endpoint::Language(Decoder::Google),
        Endpoint::Language(Decoder::Cohere),
        Endpoint::Language(Decoder::Gateway),
        Endpoint::Language(Decoder::Bedrock),
        Endpoint::OpenAiEmbedding,
        Endpoint::GoogleEmbedding,
        Endpoint::CohereEmbedding,
        Endpoint::OpenAiImage,
        Endpoint::GoogleImage,
        Endpoint::OpenAiTranscription,
        Endpoint::CohereReranking,
        Endpoint::BedrockReranking,
    ];
}

/// The statuses a fuzz input's second byte picks from: success, and the errors each provider
/// parses a body for (429 and 5xx retryable, 529 Anthropic's overload).
pub const STATUSES: [u16; 8] = [200, 400, 401, 404, 429, 500, 503, 529];

/// What the endpoint's model makes of an answer with this status and body (the response's
/// `Debug` text, so that every field of it is read).
pub fn call(endpoint: Endpoint, status: u16, body: &[u8]) -> Result<String> {
    let (_turn, harness, model) = answer_with(endpoint, status, body);
    let options = &harness.options;
    harness.runtime.block_on(async {
        Ok(match model {
            Model::Language(model) => format!("{:?}", model.do_generate(&options.language).await?),
            Model::Embedding(model) => format!("{:?}", model.do_embed(&options.embedding).await?),
            Model::Image(model) => format!("{:?}", model.do_generate(&options.image).await?),
            Model::Transcription(model) => format!("{:?}", model.do_generate(&options.transcription).await?),
            Model::Reranking(model) => format!("{:?}", model.do_rerank(&options.reranking).await?),
        })
    })
}

/// What the language model of this dialect makes of an answer with this status and body.
pub fn generate(dialect: Decoder, status: u16, body: &[u8]) -> Result<GenerateResponse> {
    let (_turn, harness, Model::Language(model)) = answer_with(Endpoint::Language(dialect), status, body) else {
        return Err(crate::error::Error::invalid_argument("dialect", format!("no {dialect:?} language model")));
    };
    harness.runtime.block_on(model.do_generate(&harness.options.language))
}

/// What the language model of this dialect makes of these messages: its request is built and
/// sent, and the server answers with an empty object.
pub(super) fn send_messages(dialect: Decoder, messages: Vec<Message>) -> Result<String> {
    let (_turn, harness, Model::Language(model)) = answer_with(Endpoint::Language(dialect), 200, b"{}") else {
        return Err(crate::error::Error::invalid_argument("dialect", format!("no {dialect:?} language model")));
    };
    Ok(format!("{:?}", harness.runtime.block_on(model.do_generate(&CallOptions::new(messages)))?))
}

/// Sets the server's next answer; the caller's turn (the answer stays until it is dropped:
/// tests call from several threads), the harness, and the model of `endpoint`.
fn answer_with(endpoint: Endpoint, status: u16, body: &[u8]) -> (MutexGuard<'static, ()>, &'static Harness, &'static Model) {
    let harness = &*HARNESS;
    let turn = harness.turn.lock().unwrap_or_else(PoisonError::into_inner);
    *harness.answer.lock().unwrap_or_else(PoisonError::into_inner) = (status, body.to_vec());
    (turn, harness, &harness.models[Endpoint::ALL.iter().position(|each| *each == endpoint).unwrap_or_default()])
}

/// The model of an endpoint, by kind.
enum Model {
    Language(Arc<dyn LanguageModel>),
    Embedding(Arc<dyn EmbeddingModel>),
    Image(Arc<dyn ImageModel>),
    Transcription(Arc<dyn TranscriptionModel>),
    Reranking(Arc<dyn RerankingModel>),
}

/// The options of each kind of call.
struct Options {
    language: CallOptions,
    embedding: EmbedOptions,
    image: ImageOptions,
    transcription: TranscriptionOptions,
    reranking: RerankOptions,
}

/// What every run shares: the server, one model per endpoint (their connections kept alive
/// from run to run) and the runtime they run on.
struct Harness {
    turn: Mutex<()>,
    answer: Arc<Mutex<(u16, Vec<u8>)>>,
    models: Vec<Model>,
    options: Options,
    runtime: tokio::runtime::Runtime,
}

static HARNESS: LazyLock<Harness> = LazyLock::new(|| {
    let answer = Arc::new(Mutex::new((200, Vec::new())));
    let address = serve(answer.clone());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a current-thread runtime starts");
    // A run waits on loopback only; a hang past this is a bug the fuzzer should see as an error.
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("a plain HTTP client builds");
    let models = Endpoint::ALL.iter().map(|endpoint| model(*endpoint, &format!("http://{address}"), &client)).collect();
    let options = Options {
        language: CallOptions::new(vec![Message::user("Hello")]),
        embedding: EmbedOptions::new(vec!["one".to_owned(), "two".to_owned()]),
        image: ImageOptions::new("a lighthouse", 1),
        transcription: TranscriptionOptions::new(&b"RIFF\0\0\0\0WAVE"[..], "audio/wav"),
        reranking: RerankOptions::new("which?", vec![serde_json::json!("first"), serde_json::json!("second")]),
    };
    Harness { turn: Mutex::new(()), answer, models, options, runtime }
});

/// The model of `endpoint`, reaching the server at `base`.
fn model(endpoint: Endpoint, base: &str, client: &reqwest::Client) -> Model {
    use crate::providers::{anthropic, bedrock, cohere, gateway, google, openai, openai_compatible};
    let openai = || openai::create_openai(openai::OpenAiSettings::default().with_api_key("k").with_base_url(base).with_client(client.clone()));
    let google = || google::create_google(google::GoogleSettings::default().with_api_key("k").with_base_url(base).with_client(client.clone()));
    let cohere = || cohere::create_cohere(cohere::CohereSettings::default().with_api_key("k").with_base_url(base).with_client(client.clone()));
    let bedrock = || {
        let settings = bedrock::BedrockSettings::default().with_region("us-east-1").with_api_key("k").with_base_url(base);
        bedrock::create_bedrock(settings.with_client(client.clone()))
    };
    match endpoint {
        Endpoint::Language(Decoder::OpenAiChat) => Model::Language(Arc::new(openai().chat("gpt-4o-mini"))),
        Endpoint::Language(Decoder::Completion) => Model::Language(Arc::new(openai().completion("gpt-3.5-turbo-instruct"))),
        Endpoint::Language(Decoder::Responses) => Model::Language(Arc::new(openai().responses("gpt-4o-mini"))),
        Endpoint::Language(Decoder::CompatibleChat) => {
            let settings = openai_compatible::OpenAiCompatibleSettings::default().with_api_key("k").with_base_url(base).with_client(client.clone());
            let groq = openai_compatible::create_openai_compatible("groq", settings).expect("groq has a mapping");
            Model::Language(Arc::new(groq.chat("llama-3.3-70b-versatile")))
        }
        Endpoint::Language(Decoder::Anthropic) => {
            let settings = anthropic::AnthropicSettings::default().with_api_key("k").with_base_url(base).with_client(client.clone());
            Model::Language(Arc::new(anthropic::create_anthropic(settings).language_model("claude-sonnet-4-5")))
        }
        Endpoint::Language(Decoder::Google) => Model::Language(Arc::new(google().language_model("gemini-2.5-flash"))),
        Endpoint::Language(Decoder::Cohere) => Model::Language(Arc::new(cohere().language_model("command-a-03-2025"))),
        Endpoint::Language(Decoder::Gateway) => {
            let settings = gateway::GatewaySettings::default().with_api_key("k").with_base_url(base).with_client(client.clone());
            Model::Language(Arc::new(gateway::create_gateway(settings).language_model("openai/gpt-4o-mini")))
        }
        Endpoint::Language(Decoder::Bedrock) => Model::Language(Arc::new(bedrock().language_model("amazon.nova-lite-v1:0"))),
        Endpoint::OpenAiEmbedding => Model::Embedding(Arc::new(openai().embedding("text-embedding-3-small"))),
        Endpoint::GoogleEmbedding => Model::Embedding(Arc::new(google().embedding_model("gemini-embedding-001"))),
        Endpoint::CohereEmbedding => Model::Embedding(Arc::new(cohere().embedding_model("embed-v4.0"))),
        Endpoint::OpenAiImage => Model::Image(Arc::new(openai().image("gpt-image-1"))),
        Endpoint::GoogleImage => Model::Image(Arc::new(google().image_model("imagen-4.0-generate-001"))),
        Endpoint::OpenAiTranscription => Model::Transcription(Arc::new(openai().transcription("whisper-1"))),
        Endpoint::CohereReranking => Model::Reranking(Arc::new(cohere().reranking_model("rerank-v3.5"))),
        Endpoint::BedrockReranking => Model::Reranking(Arc::new(bedrock().reranking_model("amazon.rerank-v1:0"))),
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
            std::thread::spawn(move || {
                // One reader for the connection: what it reads ahead belongs to the next request.
                let mut reader = BufReader::new(&stream);
                while answer_one(&mut reader, &stream, &answer).is_ok() {}
            });
        }
    });
    address
}

/// Reads one request (its head, then as many body bytes as its `content-length` says) and
/// writes the answer; an error once the client closes the connection.
fn answer_one(reader: &mut BufReader<&TcpStream>, stream: &TcpStream, answer: &Mutex<(u16, Vec<u8>)>) -> std::io::Result<()> {
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
    fn each_endpoint_reads_its_own_answer_and_fails_on_an_error_status() {
        let chat = br#"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#;
        let response = generate(Decoder::OpenAiChat, 200, chat).unwrap();
        assert!(matches!(response.content.as_slice(), [Content::Text { text, .. }] if text == "hi"), "{:?}", response.content);
        let anthropic = br#"{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"hello"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}"#;
        let response = generate(Decoder::Anthropic, 200, anthropic).unwrap();
        assert!(matches!(response.content.as_slice(), [Content::Text { text, .. }] if text == "hello"), "{:?}", response.content);
        for endpoint in Endpoint::ALL {
            let error = call(endpoint, 429, br#"{"error":{"message":"slow down"}}"#).unwrap_err();
            assert!(matches!(&error, Error::ApiCall(call) if call.status == 429), "{endpoint:?}: {error:?}");
            assert!(call(endpoint, 200, b"not json").is_err(), "{endpoint:?}");
        }
        let embeddings = br#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5]},{"object":"embedding","index":1,"embedding":[0.25]}],"model":"m","usage":{"prompt_tokens":2,"total_tokens":2}}"#;
        let answer = call(Endpoint::OpenAiEmbedding, 200, embeddings).unwrap();
        assert!(answer.contains("0.25"), "{answer}");
    }
}
