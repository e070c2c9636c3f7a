//! A call's extra body members, headers and query parameters reach the wire for every kind of
//! model besides language models (embeddings, images, speech, transcription, reranking), set with
//! the single-call builders' `extra_body`, `header` and `extra_query`; multipart requests get the
//! members as form fields, a raw-audio request reports them as unsupported. The raw response
//! body stays reachable in the result's response metadata.

use serde_json::{Value, json};

use crate::provider::ResponseMetadata;
use crate::provider_utils::test_server::{RecordedRequest, TestResponse, TestServer};

/// The query parameter every test sends, as it must arrive (encoded).
const QUERY: &str = "trace+id=a%26b";

/// A fixture from tests/fixtures/.
fn fixture(path: &str) -> String {
    let path = format!("{}/../tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// A server answering these fixtures, one a request, in order.
async fn fixture_server(paths: &[&str]) -> TestServer {
    TestServer::start(paths.iter().map(|path| TestResponse::text(200, fixture(path)))).await
}

/// The response's raw body is kept, as JSON.
fn assert_raw_body_kept(response: &ResponseMetadata) {
    assert!(response.body.as_ref().and_then(|body| body.json()).is_some(), "the raw body is kept");
}

/// The extra header and query parameter arrived.
fn assert_header_and_query(request: &RecordedRequest) {
    assert_eq!(request.header("x-extra"), Some("yes"), "{:?}", request.headers);
    assert!(request.path.ends_with(QUERY), "{}", request.path);
}

/// The one request the server received, checked for the extra header and query parameter.
fn single_request_with_extras(server: &TestServer) -> RecordedRequest {
    let request = server.single_request();
    assert_header_and_query(&request);
    request
}

/// Every request the server received, each checked for the extra header and query parameter.
fn requests_with_extras(server: &TestServer) -> Vec<RecordedRequest> {
    let requests = server.requests();
    requests.iter().for_each(assert_header_and_query);
    requests
}

/// The JSON body has the new member, and the replaced member has the caller's value.
fn assert_json_members(request: &RecordedRequest, replaced: &str) {
    let body = request.json();
    assert_eq!(body["added_last_week"], json!({"on": true}), "{body}");
    assert_eq!(body[replaced], "from the caller", "{body}");
}

/// The multipart body has the new member and the replaced one, as form fields.
fn assert_form_members(request: &RecordedRequest, replaced: &str) {
    let form = request.body_text();
    assert!(form.contains("name=\"added_last_week\"\r\n\r\n{\"on\":true}\r\n"), "{form}");
    assert!(form.contains(&format!("name=\"{replaced}\"\r\n\r\nfrom the caller\r\n")), "{form}");
}

/// Sets the same extras on any single-call builder.
macro_rules! with_extras {
    ($builder:expr, $replaced:expr) => {
        $builder
            .header("x-extra", "yes")
            .extra_body(json!({"added_last_week": {"on": true}, $replaced: "from the caller"}))
            .extra_query("trace id", "a&b")
    };
}

#[cfg(feature = "openai")]
mod openai {
    use super::*;
    use crate::openai::{OpenAiProvider, OpenAiSettings, create_openai};

    fn provider(server: &TestServer) -> OpenAiProvider {
        create_openai(OpenAiSettings::default().with_api_key("k").with_base_url(server.url("/v1")))
    }

    #[cfg(feature = "embedding")]
    #[tokio::test]
    async fn embed_many_sends_the_extras_and_keeps_the_raw_body() {
        let server = fixture_server(&["openai/embedding.json"]).await;
        let result = with_extras!(crate::embed_many(provider(&server).embedding("text-embedding-3-small")).values(["a", "b"]), "model")
            .await
            .unwrap();
        let request = single_request_with_extras(&server);
        assert_json_members(&request, "model");
        let raw = result.responses[0].as_ref().and_then(|response| response.body.as_ref()).and_then(|body| body.json()).unwrap();
        assert_eq!(raw["model"], "text-embedding-3-small");
    }

    #[cfg(feature = "image")]
    #[tokio::test]
    async fn image_generation_sends_the_extras_and_keeps_the_raw_body() {
        let server = fixture_server(&["openai/image_b64.json"]).await;
        let result = with_extras!(crate::generate_image(provider(&server).image("dall-e-3")).prompt("a cat"), "quality").await.unwrap();
        let request = single_request_with_extras(&server);
        assert_json_members(&request, "quality");
        assert_raw_body_kept(&result.responses[0]);
    }

    #[cfg(feature = "image")]
    #[tokio::test]
    async fn image_edits_send_the_extras_as_form_fields() {
        let server = fixture_server(&["openai/image_b64.json"]).await;
        let image = crate::provider::FilePart::new(crate::provider::FileData::Bytes(vec![0x89, b'P', b'N', b'G'].into()), "image/png");
        with_extras!(crate::generate_image(provider(&server).image("gpt-image-1")).prompt("a hat").files(vec![image]), "quality")
            .await
            .unwrap();
        let request = single_request_with_extras(&server);
        assert_form_members(&request, "quality");
    }

    #[cfg(feature = "speech")]
    #[tokio::test]
    async fn speech_sends_the_extras() {
        let server = TestServer::start([TestResponse::bytes(200, vec![0xFF, 0xFB], "audio/mpeg")]).await;
        with_extras!(crate::generate_speech(provider(&server).speech("tts-1")).text("Hi"), "voice").await.unwrap();
        let request = single_request_with_extras(&server);
        assert_json_members(&request, "voice");
    }

    #[cfg(feature = "transcription")]
    #[tokio::test]
    async fn transcription_sends_the_extras_as_form_fields_and_keeps_the_raw_body() {
        let server = fixture_server(&["openai/transcription_text.json"]).await;
        let result = with_extras!(crate::transcribe(provider(&server).transcription("whisper-1")).audio(vec![1, 2, 3]).media_type("audio/wav"), "prompt")
            .await
            .unwrap();
        let request = single_request_with_extras(&server);
        assert_form_members(&request, "prompt");
        assert_raw_body_kept(&result.response);
    }
}

#[cfg(feature = "cohere")]
mod cohere {
    use super::*;
    use crate::cohere::{CohereSettings, create_cohere};

    #[cfg(all(feature = "embedding", feature = "reranking"))]
    #[tokio::test]
    async fn embed_and_rerank_send_the_extras() {
        let server = fixture_server(&["cohere/embed.json", "cohere/rerank.json"]).await;
        let provider = create_cohere(CohereSettings::default().with_api_key("k").with_base_url(server.url("/v2")));
        with_extras!(crate::embed_many(provider.embedding_model("embed-v4.0")).values(["a", "b"]), "input_type").await.unwrap();
        let result = with_extras!(
            crate::rerank(provider.reranking_model("rerank-v3.5")).query("q").documents(["a", "b", "c"]),
            "max_tokens_per_doc"
        )
        .await
        .unwrap();
        let requests = requests_with_extras(&server);
        assert_json_members(&requests[0], "input_type");
        assert_json_members(&requests[1], "max_tokens_per_doc");
        assert_raw_body_kept(&result.response);
    }
}

#[cfg(feature = "google")]
mod google {
    use super::*;
    use crate::google::{GoogleSettings, create_google};

    #[cfg(all(feature = "embedding", feature = "image"))]
    #[tokio::test]
    async fn embeddings_and_imagen_send_the_extras() {
        let server = fixture_server(&["google/batch_embed_contents.json", "google/imagen_predict.json"]).await;
        let provider = create_google(GoogleSettings::default().with_api_key("k").with_base_url(server.url("/v1beta")));
        let values: Vec<String> = (0..serde_json::from_str::<Value>(&fixture("google/batch_embed_contents.json")).unwrap()["embeddings"]
            .as_array()
            .unwrap()
            .len())
            .map(|index| format!("value {index}"))
            .collect();
        with_extras!(crate::embed_many(provider.embedding_model("gemini-embedding-001")).values(values), "requests").await.unwrap();
        let result = with_extras!(crate::generate_image(provider.image_model("imagen-4.0-generate-001")).prompt("a cat"), "parameters")
            .await
            .unwrap();
        for request in &requests_with_extras(&server) {
            let embedding = request.path.contains("batchEmbed");
            assert_json_members(request, if embedding { "requests" } else { "parameters" });
        }
        assert_raw_body_kept(&result.responses[0]);
    }
}

#[cfg(feature = "deepgram")]
mod deepgram {
    use super::*;
    use crate::deepgram::{DeepgramSettings, create_deepgram};
    use crate::provider::Warning;

    #[tokio::test]
    async fn speech_adds_the_extras_after_its_own_query() {
        let server = TestServer::start([TestResponse::bytes(200, vec![0xFF, 0xFB], "audio/mpeg")]).await;
        let provider = create_deepgram(DeepgramSettings::default().with_api_key("k").with_base_url(server.base_url()));
        with_extras!(crate::generate_speech(provider.speech("aura-2-helena-en")).text("Hi"), "text").await.unwrap();
        let request = single_request_with_extras(&server);
        assert!(request.path.contains("model=aura-2-helena-en"), "{}", request.path);
        assert_json_members(&request, "text");
    }

    #[tokio::test]
    async fn raw_audio_transcription_sends_header_and_query_and_reports_the_body_members() {
        let server = fixture_server(&["deepgram/listen.json"]).await;
        let provider = create_deepgram(DeepgramSettings::default().with_api_key("k").with_base_url(server.base_url()));
        let result = with_extras!(crate::transcribe(provider.transcription("nova-3")).audio(vec![1, 2, 3]).media_type("audio/wav"), "language")
            .await
            .unwrap();
        let request = single_request_with_extras(&server);
        assert_eq!(request.body, vec![1, 2, 3], "the body is the audio, unchanged");
        let unsupported = result.warnings.iter().find_map(|warning| match warning {
            Warning::Unsupported { feature, details } if feature == "extra_body" => details.clone(),
            _ => None,
        });
        let details = unsupported.expect("the extra body members are reported");
        assert!(details.contains("added_last_week") && details.contains("language"), "{details}");
    }

    #[tokio::test]
    async fn transcription_by_url_merges_the_body_members() {
        let server = fixture_server(&["deepgram/listen.json"]).await;
        let provider = create_deepgram(DeepgramSettings::default().with_api_key("k").with_base_url(server.base_url()));
        let result = with_extras!(crate::transcribe(provider.transcription("nova-3")).audio_url("https://example.com/a.wav"), "url")
            .await
            .unwrap();
        let request = single_request_with_extras(&server);
        assert_json_members(&request, "url");
        assert!(result.warnings.is_empty(), "{:?}", result.warnings);
    }
}

#[cfg(feature = "elevenlabs")]
mod elevenlabs {
    use super::*;
    use crate::elevenlabs::{ElevenLabsSettings, create_elevenlabs};

    #[tokio::test]
    async fn speech_and_transcription_send_the_extras() {
        let server = TestServer::start([
            TestResponse::bytes(200, vec![0xFF, 0xFB], "audio/mpeg"),
            TestResponse::text(200, fixture("elevenlabs/transcription.json")),
        ])
        .await;
        let provider = create_elevenlabs(ElevenLabsSettings::default().with_api_key("k").with_base_url(server.base_url()));
        with_extras!(crate::generate_speech(provider.speech("eleven_multilingual_v2")).text("Hi"), "model_id").await.unwrap();
        with_extras!(crate::transcribe(provider.transcription("scribe_v1")).audio(vec![1, 2, 3]).media_type("audio/wav"), "tag_audio_events")
            .await
            .unwrap();
        let requests = requests_with_extras(&server);
        assert!(requests[0].path.contains("output_format="), "the provider's own query stays: {}", requests[0].path);
        assert_json_members(&requests[0], "model_id");
        assert_form_members(&requests[1], "tag_audio_events");
    }
}

#[cfg(feature = "bedrock")]
mod bedrock {
    use super::*;
    use crate::bedrock::{BedrockSettings, create_bedrock};

    #[cfg(all(feature = "embedding", feature = "reranking"))]
    #[tokio::test]
    async fn embeddings_and_rerank_send_the_extras_signed() {
        let server = TestServer::start([
            TestResponse::json(200, json!({"embedding": [0.1, -0.2], "inputTextTokenCount": 4})),
            TestResponse::json(200, json!({"results": [{"index": 0, "relevanceScore": 0.9}]})),
        ])
        .await;
        let provider = create_bedrock(
            BedrockSettings::default().with_region("us-east-1").with_base_url(server.base_url()).with_api_key("k"),
        );
        let embedded = with_extras!(crate::embed(provider.embedding_model("amazon.titan-embed-text-v2:0")).value("a"), "dimensions")
            .await
            .unwrap();
        with_extras!(
            crate::rerank(provider.reranking_model("amazon.rerank-v1:0")).query("q").documents(["a"]),
            "rerankingConfiguration"
        )
        .await
        .unwrap();
        let requests = requests_with_extras(&server);
        assert_json_members(&requests[0], "dimensions");
        assert_json_members(&requests[1], "rerankingConfiguration");
        let raw = embedded.response.and_then(|response| response.body).and_then(|body| body.json()).unwrap();
        assert_eq!(raw["inputTextTokenCount"], 4);
    }
}
