//! Quickstart: generate text, stream it, let the model call a tool, and embed.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With `SPECAI_MODEL=<provider>:<model>` (e.g. `openai:gpt-4o-mini`, with `OPENAI_API_KEY` set)
//! it uses that provider from the default registry, and `SPECAI_EMBEDDING_MODEL` (default: the
//! provider's usual embedding model, where it has one) for embeddings. With neither, it sets up
//! and starts a small local model (SmolLM2-135M on llama.cpp, see `tests/local_server/`; a few
//! minutes the first time, with progress shown) and runs against it, fully offline.

use std::io::Write;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;

use futures::StreamExt;
use schemars::JsonSchema;
use serde::Deserialize;
use specai::provider::{EmbeddingModel, LanguageModel, ToolChoice};
use specai::{
    PrepareStepResult, Tool, ToolError, cosine_similarity, default_registry, embed_many, generate_text,
    step_count_is, stream_text,
};

/// The models to run against, and the local server when it is the one.
struct Models {
    language: Arc<dyn LanguageModel>,
    embedding: Option<Arc<dyn EmbeddingModel>>,
    /// Tiny local models only call tools when told to; large ones may choose.
    force_tool: bool,
    _local_server: Option<LocalServer>,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct WeatherInput {
    /// The city to report on.
    city: String,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let models = choose_models()?;
    let model = models.language.clone();
    println!("Using {} / {}\n", model.provider(), model.model_id());

    println!("== generate_text");
    let result = generate_text(model.clone())
        .system("You are a helpful assistant. Answer in one or two sentences.")
        .prompt("What is the Rust programming language?")
        .max_output_tokens(120)
        .temperature(0.0)
        .await?;
    println!("{}", result.text().trim());
    println!("(finish: {}, tokens: {:?})\n", result.finish_reason(), result.usage().total_tokens());

    println!("== stream_text");
    let mut streamed = stream_text(model.clone())
        .prompt("Write a haiku about the sea.")
        .max_output_tokens(80)
        .temperature(0.0)
        .start();
    let mut deltas = streamed.text_stream();
    while let Some(delta) = deltas.next().await {
        print!("{}", delta?);
        std::io::stdout().flush()?;
    }
    drop(deltas);
    println!("\n(finish: {})\n", streamed.finish_reason().await?);

    println!("== a tool call");
    let weather = Tool::typed::<WeatherInput>("Get the current weather in a city").execute(
        |input: WeatherInput, _context| async move {
            Ok::<_, ToolError>(format!("It is 18°C and sunny in {}.", input.city))
        },
    );
    let force_tool = models.force_tool;
    let result = generate_text(model.clone())
        .prompt("What is the weather in Paris?")
        .tool("get_weather", weather)
        .max_output_tokens(120)
        .temperature(0.0)
        .stop_when(step_count_is(2))
        .prepare_step(move |context| match (force_tool, context.step_number) {
            (true, 0) => PrepareStepResult::new().tool_choice(ToolChoice::Tool { tool_name: "get_weather".into() }),
            (_, 0) => PrepareStepResult::new(),
            // After the tool ran, ask for a plain answer.
            _ => PrepareStepResult::new().tool_choice(ToolChoice::None),
        })
        .await?;
    for step in &result.steps {
        for call in step.tool_calls() {
            println!("model called {}({})", call.tool_name, call.input);
        }
        for tool_result in step.tool_results() {
            println!("tool returned {}", tool_result.output);
        }
    }
    println!("answer: {}\n", result.text().trim());

    println!("== embed_many");
    match &models.embedding {
        Some(embedding_model) => {
            let sentences = ["The cat sat on the mat.", "A cat was sitting on a rug.", "Stock markets fell today."];
            let embedded = embed_many(embedding_model.clone()).values(sentences).await?;
            println!("{} vectors of {} dimensions", embedded.embeddings.len(), embedded.embeddings[0].len());
            for (index, sentence) in sentences.iter().enumerate().skip(1) {
                let similarity = cosine_similarity(&embedded.embeddings[0], &embedded.embeddings[index])?;
                println!("similarity({:?}, {:?}) = {similarity:.3}", sentences[0], sentence);
            }
        }
        None => println!("skipped: set SPECAI_EMBEDDING_MODEL=<provider>:<model> to embed with this provider"),
    }
    Ok(())
}

/// The configured provider, or the local server.
fn choose_models() -> Result<Models, Box<dyn std::error::Error>> {
    if let Ok(id) = std::env::var("SPECAI_MODEL") {
        let registry = default_registry();
        let embedding_id = std::env::var("SPECAI_EMBEDDING_MODEL")
            .ok()
            .or_else(|| default_embedding_model(id.split(':').next().unwrap_or_default()).map(str::to_owned));
        return Ok(Models {
            language: registry.language_model(&id)?,
            embedding: embedding_id.map(|id| registry.embedding_model(&id)).transpose()?,
            force_tool: false,
            _local_server: None,
        });
    }
    println!("SPECAI_MODEL is not set: using the local SmolLM2 model (set-up output follows).");
    let server = LocalServer::start()?;
    use specai::openai_compatible::{OpenAiCompatibleSettings, create_openai_compatible};
    let provider = create_openai_compatible("local", OpenAiCompatibleSettings::default().with_base_url(server.base_url.clone()))?;
    Ok(Models {
        language: Arc::new(provider.chat(server.chat_model.clone())),
        embedding: Some(Arc::new(provider.embedding(server.embedding_model.clone()))),
        force_tool: true,
        _local_server: Some(server),
    })
}

fn default_embedding_model(provider: &str) -> Option<&'static str> {
    match provider {
        "openai" => Some("openai:text-embedding-3-small"),
        "google" => Some("google:gemini-embedding-001"),
        "mistral" => Some("mistral:mistral-embed"),
        _ => None,
    }
}

/// The local llama.cpp server, started by `tests/local_server/start.sh`; it stops when this
/// process closes the launcher's stdin (on drop, or when the process exits).
struct LocalServer {
    base_url: String,
    chat_model: String,
    embedding_model: String,
    _launcher: Child,
    _stdin: ChildStdin,
}

impl LocalServer {
    fn start() -> Result<LocalServer, Box<dyn std::error::Error>> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/local_server/start.sh");
        let mut launcher = Command::new("sh")
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit()) // set-up progress goes straight to the terminal
            .spawn()
            .map_err(|error| format!("could not run {}: {error}", script.display()))?;
        let stdin = launcher.stdin.take().ok_or("launcher has no stdin")?;
        let stdout = launcher.stdout.take().ok_or("launcher has no stdout")?;
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)?;
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            ["READY", base_url, chat_model, embedding_model] => Ok(LocalServer {
                base_url: (*base_url).to_owned(),
                chat_model: (*chat_model).to_owned(),
                embedding_model: (*embedding_model).to_owned(),
                _launcher: launcher,
                _stdin: stdin,
            }),
            _ => Err(format!("the local model server did not start: {}", line.trim()).into()),
        }
    }
}
