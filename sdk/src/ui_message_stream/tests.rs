use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::*;
use crate::error::Error;
use crate::provider::{
    AssistantPart, BlockId, FileData, FinishReason, GeneratedFile, Message, ProviderMetadata, Source, StreamPart,
    ToolResultOutput, UserPart,
};
use crate::stop_condition::step_count_is;
use crate::stream_text::{TextStreamPart, stream_text};
use crate::test_util::{MockLanguageModel, MockStream};
use crate::tool::{Tool, ToolError};

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
struct CityInput {
    city: String,
}

fn chunks_json(chunks: &[UiMessageChunk]) -> Vec<Value> {
    chunks.iter().map(|chunk| serde_json::to_value(chunk).unwrap()).collect()
}

async fn ui_chunks(model: MockLanguageModel, options: UiMessageStreamOptions) -> Vec<UiMessageChunk> {
    stream_text(model).prompt("hi").start().into_ui_message_stream(options).collect().await
}

fn reasoning_and_source_stream() -> MockStream {
    let id: BlockId = Arc::from("r");
    MockStream::new()
        .part(StreamPart::StreamStart { warnings: Vec::new() })
        .parts([
            StreamPart::ReasoningStart { id: id.clone(), provider_metadata: None },
            StreamPart::ReasoningDelta { id: id.clone(), delta: "hmm".into(), provider_metadata: None },
            StreamPart::ReasoningEnd { id, provider_metadata: Some(ProviderMetadata::new().with("anthropic", json!({"signature": "s"}))) },
            StreamPart::Source(Box::new(Source::Document {
                id: "doc-1".into(),
                media_type: "application/pdf".into(),
                title: "Manual".into(),
                filename: Some("manual.pdf".into()),
                provider_metadata: None,
            })),
            StreamPart::File(Box::new(GeneratedFile::new(FileData::Bytes(vec![1u8, 2, 3].into()), "image/png"))),
        ])
        .text_block(["ok"])
        .finish(FinishReason::Stop)
}

/// Every chunk's wire form, field names as the AI SDK's `uiMessageChunkSchema` has them.
#[test]
fn chunks_serialize_with_the_ai_sdk_field_names() {
    let metadata = ProviderMetadata::new().with("p", json!({"k": 1}));
    let cases = [
        (UiMessageChunk::Start { message_id: Some("m".into()), message_metadata: Some(json!({"a": 1})) }, json!({"type": "start", "messageId": "m", "messageMetadata": {"a": 1}})),
        (UiMessageChunk::Start { message_id: None, message_metadata: None }, json!({"type": "start"})),
        (UiMessageChunk::FinishStep, json!({"type": "finish-step"})),
        (UiMessageChunk::TextStart { id: "t".into(), provider_metadata: Some(metadata.clone()) }, json!({"type": "text-start", "id": "t", "providerMetadata": {"p": {"k": 1}}})),
        (UiMessageChunk::TextEnd { id: "t".into(), provider_metadata: None }, json!({"type": "text-end", "id": "t"})),
        (UiMessageChunk::ReasoningDelta { id: "r".into(), delta: "d".into(), provider_metadata: None }, json!({"type": "reasoning-delta", "id": "r", "delta": "d"})),
        (UiMessageChunk::ToolInputStart { tool_call_id: "c".into(), tool_name: "w".into(), provider_executed: Some(true), provider_metadata: None, dynamic: Some(true), title: Some("T".into()) }, json!({"type": "tool-input-start", "toolCallId": "c", "toolName": "w", "providerExecuted": true, "dynamic": true, "title": "T"})),
        (UiMessageChunk::ToolInputDelta { tool_call_id: "c".into(), input_text_delta: "{".into() }, json!({"type": "tool-input-delta", "toolCallId": "c", "inputTextDelta": "{"})),
        (UiMessageChunk::ToolInputError { tool_call_id: "c".into(), tool_name: "w".into(), input: json!("x"), provider_executed: None, provider_metadata: None, dynamic: None, error_text: "bad".into(), title: None }, json!({"type": "tool-input-error", "toolCallId": "c", "toolName": "w", "input": "x", "errorText": "bad"})),
        (UiMessageChunk::ToolApprovalRequest { approval_id: "a".into(), tool_call_id: "c".into(), is_automatic: None, signature: None }, json!({"type": "tool-approval-request", "approvalId": "a", "toolCallId": "c"})),
        (UiMessageChunk::ToolApprovalResponse { approval_id: "a".into(), approved: false, reason: Some("no".into()), provider_executed: None }, json!({"type": "tool-approval-response", "approvalId": "a", "approved": false, "reason": "no"})),
        (UiMessageChunk::ToolOutputAvailable { tool_call_id: "c".into(), output: Value::Null, provider_executed: None, provider_metadata: None, dynamic: None, preliminary: Some(true) }, json!({"type": "tool-output-available", "toolCallId": "c", "output": null, "preliminary": true})),
        (UiMessageChunk::ToolOutputError { tool_call_id: "c".into(), error_text: "e".into(), provider_executed: None, provider_metadata: None, dynamic: None }, json!({"type": "tool-output-error", "toolCallId": "c", "errorText": "e"})),
        (UiMessageChunk::ToolOutputDenied { tool_call_id: "c".into() }, json!({"type": "tool-output-denied", "toolCallId": "c"})),
        (UiMessageChunk::SourceUrl { source_id: "s".into(), url: "u".into(), title: None, provider_metadata: None }, json!({"type": "source-url", "sourceId": "s", "url": "u"})),
        (UiMessageChunk::SourceDocument { source_id: "s".into(), media_type: "m".into(), title: "t".into(), filename: Some("f".into()), provider_metadata: None }, json!({"type": "source-document", "sourceId": "s", "mediaType": "m", "title": "t", "filename": "f"})),
        (UiMessageChunk::File { url: "u".into(), media_type: "m".into(), provider_metadata: None }, json!({"type": "file", "url": "u", "mediaType": "m"})),
        (UiMessageChunk::MessageMetadata { message_metadata: json!(1) }, json!({"type": "message-metadata", "messageMetadata": 1})),
        (UiMessageChunk::Finish { finish_reason: Some(FinishReason::ContentFilter), message_metadata: None }, json!({"type": "finish", "finishReason": "content-filter"})),
        (UiMessageChunk::Abort { reason: None }, json!({"type": "abort"})),
        (UiMessageChunk::Data(DataChunk::new("x", json!([1])).with_id("i").transient()), json!({"type": "data-x", "id": "i", "data": [1], "transient": true})),
    ];
    for (chunk, expected) in cases {
        let value = serde_json::to_value(&chunk).unwrap();
        assert_eq!(value, expected);
        assert_eq!(value["type"], chunk.kind());
        // And back: the same chunk.
        assert_eq!(serde_json::from_value::<UiMessageChunk>(value).unwrap(), chunk);
    }
}

/// A type that is neither a known chunk nor `data-*` is an error, not a data part.
#[test]
fn unknown_chunk_types_do_not_parse() {
    let error = serde_json::from_value::<UiMessageChunk>(json!({"type": "text-deltaa", "id": "t"})).unwrap_err();
    assert!(error.to_string().contains("did not match any variant"), "{error}");
    assert!(serde_json::from_value::<UiMessageChunk>(json!({"type": "data-ok", "data": 1})).is_ok());
}

#[tokio::test]
async fn a_text_generation_maps_to_start_steps_blocks_and_finish() {
    let chunks = ui_chunks(MockLanguageModel::new().with_stream(MockStream::text(["a", "b"])), UiMessageStreamOptions::new()).await;
    assert_eq!(
        chunks_json(&chunks),
        [
            json!({"type": "start"}),
            json!({"type": "start-step"}),
            json!({"type": "text-start", "id": "text-0"}),
            json!({"type": "text-delta", "id": "text-0", "delta": "a"}),
            json!({"type": "text-delta", "id": "text-0", "delta": "b"}),
            json!({"type": "text-end", "id": "text-0"}),
            json!({"type": "finish-step"}),
            json!({"type": "finish", "finishReason": "stop"}),
        ]
    );
}

#[tokio::test]
async fn reasoning_is_sent_by_default_and_sources_only_when_asked() {
    let model = || MockLanguageModel::new().with_stream(reasoning_and_source_stream());
    let default: Vec<String> = ui_chunks(model(), UiMessageStreamOptions::new()).await.iter().map(|chunk| chunk.kind().to_owned()).collect();
    assert!(default.contains(&"reasoning-delta".to_owned()) && !default.iter().any(|kind| kind.starts_with("source")), "{default:?}");

    let chunks = ui_chunks(model(), UiMessageStreamOptions::new().send_reasoning(false).send_sources(true)).await;
    let json = chunks_json(&chunks);
    assert!(!json.iter().any(|chunk| chunk["type"].as_str().unwrap().starts_with("reasoning")), "{json:?}");
    assert!(json.contains(&json!({"type": "source-document", "sourceId": "doc-1", "mediaType": "application/pdf", "title": "Manual", "filename": "manual.pdf"})));
    // Bytes go out as a data URL.
    assert!(json.contains(&json!({"type": "file", "mediaType": "image/png", "url": "data:image/png;base64,AQID"})));

    // The reasoning end keeps its provider metadata (a signature the client sends back).
    let with_reasoning = chunks_json(&ui_chunks(model(), UiMessageStreamOptions::new()).await);
    assert!(with_reasoning.contains(&json!({"type": "reasoning-end", "id": "r", "providerMetadata": {"anthropic": {"signature": "s"}}})));
}

#[tokio::test]
async fn message_metadata_goes_into_start_finish_and_metadata_chunks() {
    let options = UiMessageStreamOptions::new().message_id("msg-1").message_metadata(|event| match event {
        MetadataEvent::Start => Some(json!({"model": "mock"})),
        MetadataEvent::Part(TextStreamPart::FinishStep(step)) => Some(json!({"step": step.step_number})),
        event => event.finish().map(|finish| json!({"tokens": finish.total_usage.total_tokens()})),
    });
    let json = chunks_json(&ui_chunks(MockLanguageModel::new().with_stream(MockStream::text(["a"])), options).await);
    assert_eq!(json[0], json!({"type": "start", "messageId": "msg-1", "messageMetadata": {"model": "mock"}}));
    let finish_step = json.iter().position(|chunk| chunk["type"] == "finish-step").unwrap();
    assert_eq!(json[finish_step + 1], json!({"type": "message-metadata", "messageMetadata": {"step": 0}}));
    assert_eq!(json.last().unwrap(), &json!({"type": "finish", "finishReason": "stop", "messageMetadata": {"tokens": 15}}));
}

#[tokio::test]
async fn start_and_finish_can_be_left_out_for_merged_continuations() {
    let options = UiMessageStreamOptions::new().send_start(false).send_finish(false);
    let kinds: Vec<String> = ui_chunks(MockLanguageModel::new().with_stream(MockStream::text(["a"])), options)
        .await
        .iter()
        .map(|chunk| chunk.kind().to_owned())
        .collect();
    assert_eq!(kinds.first().map(String::as_str), Some("start-step"));
    assert_eq!(kinds.last().map(String::as_str), Some("finish-step"));
}

/// Regression guard for the default: a provider error's text (which may hold request details)
/// never reaches the client unless the application maps it.
#[tokio::test]
async fn errors_are_masked_by_default_and_mapped_when_asked() {
    let failing = || {
        MockLanguageModel::new().with_stream(MockStream::text(["a"]).error(Error::invalid_response("key sk-secret rejected", None, None)))
    };
    let chunks = ui_chunks(failing(), UiMessageStreamOptions::new()).await;
    assert_eq!(chunks.last().unwrap(), &UiMessageChunk::error("An error occurred."));
    assert!(!serde_json::to_string(&chunks).unwrap().contains("sk-secret"));

    let mapped = ui_chunks(
        failing(),
        UiMessageStreamOptions::new().on_error(|error| match error.downcast_ref::<Error>() {
            Some(Error::InvalidResponse { .. }) => "The model sent something odd.".to_owned(),
            _ => "other".to_owned(),
        }),
    )
    .await;
    assert_eq!(mapped.last().unwrap(), &UiMessageChunk::error("The model sent something odd."));
}

#[tokio::test(start_paused = true)]
async fn cancellation_ends_with_an_abort_chunk() {
    let model = MockLanguageModel::new().with_stream(MockStream::text(["a"]).delay(Duration::from_secs(10)));
    let token = CancellationToken::new();
    let mut stream =
        stream_text(model).prompt("hi").cancellation_token(token.clone()).start().into_ui_message_stream(UiMessageStreamOptions::new());
    while let Some(chunk) = stream.next().await {
        if chunk.kind() == "text-delta" {
            token.cancel();
        }
        if chunk.kind() == "abort" {
            assert!(stream.next().await.is_none());
            return;
        }
    }
    panic!("no abort chunk");
}

#[tokio::test]
async fn tool_calls_results_and_failures_map_to_tool_chunks() {
    let model = MockLanguageModel::new()
        .with_stream(MockStream::tool_calls([
            ("call_ok", "weather", json!({"city": "Paris"})),
            ("call_fails", "weather", json!({"city": "Atlantis"})),
            ("call_unknown", "teleport", json!({})),
        ]))
        .with_stream(MockStream::text(["done"]));
    let weather = Tool::typed::<CityInput>("weather").execute(|input: CityInput, _context| async move {
        if input.city == "Atlantis" { Err::<Value, ToolError>("no such city".into()) } else { Ok(json!({"celsius": 20})) }
    });
    let chunks: Vec<UiMessageChunk> = stream_text(model)
        .prompt("hi")
        .tool("weather", weather)
        .stop_when(step_count_is(2))
        .start()
        .into_ui_message_stream(UiMessageStreamOptions::new())
        .collect()
        .await;
    let json = chunks_json(&chunks);
    assert!(json.contains(&json!({"type": "tool-input-start", "toolCallId": "call_ok", "toolName": "weather"})));
    assert!(json.contains(&json!({"type": "tool-input-delta", "toolCallId": "call_ok", "inputTextDelta": "{\"city\":\"Paris\"}"})));
    assert!(json.contains(&json!({"type": "tool-input-available", "toolCallId": "call_ok", "toolName": "weather", "input": {"city": "Paris"}})));
    assert!(json.contains(&json!({"type": "tool-output-available", "toolCallId": "call_ok", "output": {"celsius": 20}})));
    // A failing tool: the client sees what the model was told (no on_error set).
    let failed = json.iter().find(|chunk| chunk["type"] == "tool-output-error" && chunk["toolCallId"] == "call_fails").unwrap();
    assert!(failed["errorText"].as_str().unwrap().contains("no such city"), "{failed}");
    // An unknown tool: tool-input-error (with the input) then tool-output-error.
    let unknown: Vec<&Value> = json.iter().filter(|chunk| chunk["toolCallId"] == "call_unknown").collect();
    let kinds: Vec<&str> = unknown.iter().map(|chunk| chunk["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["tool-input-start", "tool-input-delta", "tool-input-error", "tool-output-error"]);
    assert_eq!(unknown[2]["input"], json!({}));
    assert!(unknown[2]["errorText"].as_str().unwrap().contains("teleport"), "{}", unknown[2]);
}

#[tokio::test]
async fn on_error_redacts_tool_errors_unless_told_otherwise() {
    let run = |options: UiMessageStreamOptions| async move {
        let model = MockLanguageModel::new()
            .with_stream(MockStream::tool_calls([("c", "weather", json!({"city": "Atlantis"}))]))
            .with_stream(MockStream::text(["ok"]));
        let weather = Tool::typed::<CityInput>("weather")
            .execute(|_input: CityInput, _context| async move { Err::<Value, ToolError>("db password wrong".into()) });
        let chunks: Vec<UiMessageChunk> =
            stream_text(model).prompt("hi").tool("weather", weather).stop_when(step_count_is(2)).start().into_ui_message_stream(options).collect().await;
        chunks.into_iter().find_map(|chunk| match chunk {
            UiMessageChunk::ToolOutputError { error_text, .. } => Some(error_text),
            _ => None,
        })
    };
    assert_eq!(run(UiMessageStreamOptions::new().on_error(|_| "hidden".into())).await.unwrap(), "hidden");
    let shown = run(UiMessageStreamOptions::new().on_error(|_| "hidden".into()).redact_tool_errors(false)).await.unwrap();
    assert!(shown.contains("db password wrong"), "{shown}");
}

#[tokio::test]
async fn sse_body_frames_each_chunk_and_ends_with_done() {
    let response = UiMessageStream::from_chunks([UiMessageChunk::StartStep, UiMessageChunk::data("d", json!("é\n"))]).into_response();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/event-stream");
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["x-vercel-ai-ui-message-stream"], "v1");
    assert_eq!(headers["x-accel-buffering"], "no");
    let (_, _, body) = response.into_parts();
    let events: Vec<_> = body.map(Result::unwrap).collect().await;
    // A newline inside the data stays escaped, so each event is one `data:` line.
    assert_eq!(
        String::from_utf8(events.concat()).unwrap(),
        "data: {\"type\":\"start-step\"}\n\ndata: {\"type\":\"data-d\",\"data\":\"é\\n\"}\n\ndata: [DONE]\n\n"
    );
}

#[tokio::test]
async fn text_stream_response_fails_its_body_on_error() {
    let model = MockLanguageModel::new().with_stream(MockStream::text(["a", "b"]).error(Error::invalid_response("cut", None, None)));
    let (_, _, body) = stream_text(model).prompt("hi").start().into_text_stream_response().into_parts();
    let items: Vec<_> = body.collect().await;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap(), "a");
    assert!(matches!(items[2], Err(Error::InvalidResponse { .. })));
}

#[tokio::test]
async fn the_writer_interleaves_data_and_merged_streams_then_ends() {
    let model = MockLanguageModel::new().with_stream(MockStream::text(["x"]));
    let stream = create_ui_message_stream(|writer| async move {
        writer.write_data("status", json!("start"));
        writer.merge(stream_text(model).prompt("hi").start().into_ui_message_stream(UiMessageStreamOptions::new()));
        let late = writer.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            late.write_data_chunk(DataChunk::new("status", json!("late")).with_id("s"));
        });
        Ok::<(), Error>(())
    });
    let json = chunks_json(&stream.collect::<Vec<_>>().await);
    assert_eq!(json[0], json!({"type": "data-status", "data": "start"}));
    assert!(json.iter().any(|chunk| chunk["type"] == "finish"));
    // The stream waited for the spawned writer.
    assert_eq!(json.last().unwrap(), &json!({"type": "data-status", "id": "s", "data": "late"}));
}

#[tokio::test]
async fn a_failing_execute_sends_what_it_wrote_then_a_masked_error() {
    let stream = create_ui_message_stream(|writer| async move {
        writer.write_data("step", json!(1));
        Err::<(), _>(Error::invalid_argument("x", "internal detail"))
    });
    let chunks: Vec<_> = stream.collect().await;
    assert_eq!(chunks, [UiMessageChunk::data("step", json!(1)), UiMessageChunk::error("An error occurred.")]);
}

fn messages(value: Value) -> Vec<UiMessage> {
    UiMessage::list_from_value(&value).unwrap()
}

#[test]
fn validation_errors_name_the_message_and_part() {
    let cases = [
        (json!([{"id": "a", "role": "user"}]), "messages[0]", "missing field `parts`"),
        (json!([{"id": "a", "role": "user", "parts": [{"text": "x"}]}]), "messages[0].parts[0]", "a part needs a string `type`"),
        (json!([{"id": "a", "role": "user", "parts": [{"type": "text", "text": "ok"}, {"type": "sparkle"}]}]), "messages[0].parts[1]", "unknown part type"),
        (json!([{"id": "a", "role": "user", "parts": []}, {"id": "b", "role": "assistant", "parts": [{"type": "tool-w", "toolCallId": "c", "state": "output-error"}]}]), "messages[1].parts[0]", "state `output-error` needs `errorText`"),
        (json!([{"id": "a", "role": "assistant", "parts": [{"type": "dynamic-tool", "toolCallId": "c", "state": "input-available"}]}]), "messages[0].parts[0]", "missing field `toolName`"),
        (json!([{"id": "a", "role": "assistant", "parts": [{"type": "file", "url": "u"}]}]), "messages[0].parts[0]", "missing field `mediaType`"),
    ];
    for (value, path, reason) in cases {
        let error = UiMessage::list_from_value(&value).unwrap_err();
        assert_eq!(error.path, path, "{error}");
        assert!(error.reason.contains(reason), "{error}");
    }
    let error = UiMessage::list_from_value(&json!([{"id": "a", "role": "user", "parts": [{"type": "tool-w", "toolCallId": "c", "state": "soon"}]}])).unwrap_err();
    assert!(error.reason.contains("unknown variant `soon`"), "{error}");
    assert_eq!(error.part_type.as_deref(), Some("tool-w"));
    // And as the SDK's error type, for handlers returning specai::Result.
    assert!(matches!(Error::from(error), Error::InvalidArgument { .. }));
}

#[test]
fn chat_requests_reject_bodies_that_are_not_chats() {
    assert_eq!(ChatRequest::from_slice(b"{").unwrap_err().path, "body");
    assert_eq!(ChatRequest::from_slice(br#"{"messages": {}}"#).unwrap_err().path, "messages");
    assert_eq!(ChatRequest::from_slice(br#"{"messages": [], "trigger": 1}"#).unwrap_err().path, "body.trigger");
    let request = ChatRequest::from_slice(br#"{"messages": [], "trigger": "regenerate-message", "messageId": "m9"}"#).unwrap();
    assert_eq!((request.trigger.as_deref(), request.message_id.as_deref()), (Some("regenerate-message"), Some("m9")));
}

#[test]
fn assistant_steps_become_assistant_and_tool_messages() {
    let conversation = messages(json!([
        {"id": "s", "role": "system", "parts": [{"type": "text", "text": "Be "}, {"type": "text", "text": "brief."}]},
        {"id": "u", "role": "user", "parts": [
            {"type": "text", "text": "Look", "providerMetadata": {"anthropic": {"cacheControl": {"type": "ephemeral"}}}},
            {"type": "file", "mediaType": "image/png", "filename": "a.png", "url": "data:image/png;base64,AA=="},
            {"type": "data-note", "data": "ignored without a converter"}]},
        {"id": "a", "role": "assistant", "parts": [
            {"type": "step-start"},
            {"type": "reasoning", "text": "think", "providerMetadata": {"anthropic": {"signature": "sig"}}},
            {"type": "tool-weather", "toolCallId": "c1", "state": "output-available", "input": {"city": "Paris"}, "output": "sunny"},
            {"type": "dynamic-tool", "toolName": "lookup", "toolCallId": "c2", "state": "output-error", "input": {}, "errorText": "down"},
            {"type": "tool-search", "toolCallId": "c3", "state": "output-available", "input": {"q": "x"}, "output": {"hits": 1}, "providerExecuted": true},
            {"type": "source-url", "sourceId": "s1", "url": "https://example.com"},
            {"type": "step-start"},
            {"type": "text", "text": "Sunny."}]}
    ]));
    let converted = convert_to_model_messages(&conversation, &ConvertOptions::new()).unwrap();
    let roles: Vec<&str> = converted.iter().map(Message::role).collect();
    assert_eq!(roles, ["system", "user", "assistant", "tool", "assistant"]);
    assert!(matches!(&converted[0], Message::System { content, .. } if content == "Be brief."));
    let Message::User { content, .. } = &converted[1] else { panic!() };
    assert_eq!(content.len(), 2, "the data part is dropped: {content:?}");
    assert!(matches!(&content[0], UserPart::Text(text) if text.provider_options.get("anthropic").is_some()));
    assert!(matches!(&content[1], UserPart::File(file) if file.filename.as_deref() == Some("a.png") && matches!(&file.data, FileData::Url(url) if url.starts_with("data:"))));
    let Message::Assistant { content, .. } = &converted[2] else { panic!() };
    let kinds: Vec<&str> = content.iter().map(AssistantPart::kind).collect();
    assert_eq!(kinds, ["reasoning", "tool-call", "tool-call", "tool-call", "tool-result"], "{content:?}");
    let Message::Tool { content, .. } = &converted[3] else { panic!() };
    assert_eq!(content[0].output, ToolResultOutput::text("sunny"));
    assert_eq!((content[1].tool_name.as_str(), &content[1].output), ("lookup", &ToolResultOutput::error_text("down")));
    assert_eq!(content.len(), 2, "the provider-executed result stays in the assistant message");
}

#[test]
fn incomplete_tool_calls_are_dropped_when_asked_and_data_parts_converted() {
    let conversation = messages(json!([
        {"id": "a", "role": "assistant", "parts": [
            {"type": "tool-w", "toolCallId": "c1", "state": "input-available", "input": {}},
            {"type": "tool-w", "toolCallId": "c2", "state": "input-streaming"},
            {"type": "data-note", "data": "remember this"},
            {"type": "text", "text": "ok"}]}
    ]));
    let kept = convert_to_model_messages(&conversation, &ConvertOptions::new()).unwrap();
    let Message::Assistant { content, .. } = &kept[0] else { panic!() };
    assert_eq!(content.iter().map(AssistantPart::kind).collect::<Vec<_>>(), ["tool-call", "text"]);

    let options = ConvertOptions::new()
        .ignore_incomplete_tool_calls(true)
        .convert_data_part(|name, data| (name == "note").then(|| UserPart::text(data.as_str().unwrap_or_default())));
    let converted = convert_to_model_messages(&conversation, &options).unwrap();
    let Message::Assistant { content, .. } = &converted[0] else { panic!() };
    assert_eq!(content.iter().map(AssistantPart::kind).collect::<Vec<_>>(), ["text", "text"]);
    assert!(matches!(&content[0], AssistantPart::Text(text) if text.text == "remember this"));
}

#[test]
fn denied_tool_calls_become_denials_and_pending_approvals_an_error() {
    let denied = messages(json!([{"id": "a", "role": "assistant", "parts": [
        {"type": "tool-delete", "toolCallId": "c", "state": "approval-responded", "input": {},
         "approval": {"id": "ap", "approved": false, "reason": "not now"}},
        {"type": "tool-delete", "toolCallId": "d", "state": "output-denied", "input": {}, "approval": {"id": "ap2", "approved": false}}]}]));
    let converted = convert_to_model_messages(&denied, &ConvertOptions::new()).unwrap();
    let Message::Tool { content, .. } = &converted[1] else { panic!("{converted:?}") };
    assert_eq!(content[0].output, ToolResultOutput::execution_denied(Some("not now".into())));
    assert_eq!(content[1].output, ToolResultOutput::error_text("Tool call execution denied."));

    let pending = messages(json!([{"id": "a", "role": "assistant", "parts": [
        {"type": "text", "text": "May I?"},
        {"type": "tool-delete", "toolCallId": "c", "state": "approval-requested", "input": {}, "approval": {"id": "ap"}}]}]));
    let error = convert_to_model_messages(&pending, &ConvertOptions::new()).unwrap_err();
    assert_eq!((error.path.as_str(), error.part_type.as_deref()), ("messages[0].parts[1]", Some("tool-delete")));
}

/// The allocations of a UI message stream response whose mock model streams `deltas` text
/// deltas, its SSE body read to the end, counted on this thread.
fn allocations_of_a_ui_message_stream(deltas: usize) -> u64 {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let model = MockLanguageModel::new().with_stream(MockStream::text((0..deltas).map(|_| "a delta of some words, ")));
    let measured = allocation_counter::measure(|| {
        runtime.block_on(async {
            let response = crate::stream_text(model).prompt("x").start().into_ui_message_stream_response(UiMessageStreamOptions::new());
            let (_, _, mut body) = response.into_parts();
            let mut events = 0;
            while let Some(event) = body.next().await {
                event.unwrap();
                events += 1;
            }
            assert_eq!(events, deltas + 7);
        });
    });
    measured.count_total
}

/// A text delta costs one allocation on its way from the model to the SSE body: the chunk's own
/// copy of the block id (`UiMessageChunk` ids are `String`s). The delta's text is handed on, and
/// its event is written into the body's shared buffer (a buffer of its own cost three more: the
/// event, its growth past 64 bytes, and `Bytes`' box for a vector with room to spare). Counted
/// per thread; an allocation added per delta fails here, where no benchmark runs (CI).
#[test]
fn a_text_delta_allocates_once_on_its_way_to_the_sse_body() {
    let counts = [100, 200, 400].map(allocations_of_a_ui_message_stream);
    let per_hundred = [counts[1] - counts[0], (counts[2] - counts[1]) / 2];
    assert!(per_hundred.iter().all(|&count| (100..=102).contains(&count)), "allocations for 100, 200 and 400 deltas: {counts:?}");
}

/// Events split from the body's buffer stay intact while held, as the buffer fills and is
/// replaced: each is the chunk encoded alone.
#[tokio::test]
async fn held_sse_events_are_the_chunks_encoded_alone() {
    // Mostly small deltas, and a few larger than the body's buffer.
    let deltas: Vec<String> = (0..300).map(|index| format!("delta {index} {}", "é".repeat(if index % 50 == 7 { 3000 } else { index % 40 }))).collect();
    let model = || MockLanguageModel::new().with_stream(MockStream::text(deltas.clone()));
    let chunks = ui_chunks(model(), UiMessageStreamOptions::new()).await;
    assert_eq!(chunks.iter().filter(|chunk| matches!(chunk, UiMessageChunk::TextDelta { .. })).count(), 300);
    let (_, _, body) = stream_text(model()).prompt("hi").start().into_ui_message_stream_response(UiMessageStreamOptions::new()).into_parts();
    let events: Vec<bytes::Bytes> = body.map(Result::unwrap).collect().await;
    let expected: Vec<bytes::Bytes> = chunks.iter().map(encode_sse_event).chain([bytes::Bytes::from_static(b"data: [DONE]\n\n")]).collect();
    assert_eq!(events.len(), expected.len());
    assert!(events == expected, "the held events differ from the chunks encoded alone");
}
