//! The legacy completions model.

use serde_json::json;
use specai::provider::{CallOptions, Content, FinishReason, LanguageModel, Message, StreamPart};

use super::{FIXTURES, assert_standard_headers, collect_parts, provider, text_of};
use crate::support::fixtures::{json_response, sse_response};
use specai::provider_utils::test_server::TestServer;

#[tokio::test]
async fn completion_generate_flattens_the_prompt() {
    let server = TestServer::start([json_response(FIXTURES, "completion_text")]).await;
    let model = provider(&server).completion("gpt-3.5-turbo-instruct");
    let mut options = CallOptions::new(vec![Message::system("Be brief."), Message::user("Say this is a test")]);
    options.max_output_tokens = Some(7);
    options.stop_sequences = vec!["END".into()];
    let result = model.do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.path, "/v1/completions");
    assert_standard_headers(&request, "application/json");
    assert_eq!(
        request.json(),
        json!({
            "model": "gpt-3.5-turbo-instruct",
            "prompt": "Be brief.\n\nuser:\nSay this is a test\n\nassistant:\n",
            "max_tokens": 7,
            "stop": ["\nuser:", "END"]
        })
    );
    assert_eq!(result.content, vec![Content::text("\n\nThis is indeed a test")]);
    assert_eq!(result.finish_reason, FinishReason::Length);
    assert_eq!(result.usage.input_tokens.total, Some(5));
}

#[tokio::test]
async fn completion_stream_text_and_usage() {
    let server = TestServer::start([sse_response(FIXTURES, "completion_text")]).await;
    let model = provider(&server).completion("gpt-3.5-turbo-instruct");
    let parts = collect_parts(model.do_stream(&CallOptions::new(vec![Message::user("Test")])).await.unwrap().stream).await;
    assert_eq!(server.single_request().json()["stream_options"], json!({"include_usage": true}));
    assert_eq!(text_of(&parts), "This is a test");
    match parts.last().unwrap() {
        StreamPart::Finish { finish_reason, usage, .. } => {
            assert_eq!(*finish_reason, FinishReason::Stop);
            assert_eq!(usage.output_tokens.total, Some(4));
        }
        other => panic!("{other:?}"),
    }
}
