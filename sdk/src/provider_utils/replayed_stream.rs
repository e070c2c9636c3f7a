//! A generate call's response served as a stream, for models that cannot stream: the
//! simulate-streaming middleware and the compatible engine's non-streaming vendors both answer
//! `do_stream` with it, so a replayed stream looks the same whichever of them made it.

use std::sync::Arc;

use crate::provider::{BlockId, Content, GenerateResponse, ResponseMetadata, StreamPart, StreamResponse, Warning};

/// The stream a streaming call of `response` would have produced, with `warnings` added to the
/// response's own in the stream start.
///
/// The parts are those of a real stream, in the response's order:
/// - the stream start, then the response metadata (id, model and timestamp);
/// - one text block per non-empty text and one reasoning block per reasoning part (a redacted
///   one is empty but carries its metadata), with the part's metadata on the block's start and
///   end;
/// - a tool call as its input block (start, the whole input as one delta, end) followed by the
///   call, as streaming providers send it, so that consumers rendering the input as it arrives
///   see it too;
/// - files, sources and tool results as they are;
/// - the finish with the usage.
///
/// A content kind newer than this SDK has no stream part yet: it is logged as a warning, not
/// dropped silently. The response's headers stay on the [`StreamResponse`]; its body is not
/// kept, as for real streams.
///
/// ```
/// use futures::StreamExt;
/// use specai::provider::{Content, FinishReason, GenerateResponse, StreamPart, Usage};
/// use specai::provider_utils::replayed_stream;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let response = GenerateResponse::new(vec![Content::text("Hello")], FinishReason::Stop, Usage::default());
/// let parts: Vec<StreamPart> = replayed_stream(response, Vec::new()).stream.map(Result::unwrap).collect().await;
/// assert!(matches!(&parts[3], StreamPart::TextDelta { delta, .. } if delta == "Hello"));
/// assert!(matches!(parts.last(), Some(StreamPart::Finish { .. })));
/// # }
/// ```
pub fn replayed_stream(response: GenerateResponse, warnings: Vec<Warning>) -> StreamResponse {
    let GenerateResponse { content, finish_reason, raw_finish_reason, usage, provider_metadata, request, mut response, warnings: own_warnings, .. } = response;
    response.body = None;
    let mut stream_warnings = own_warnings;
    stream_warnings.extend(warnings);
    let mut parts = Vec::with_capacity(content.len() * 4 + 3);
    parts.push(StreamPart::StreamStart { warnings: stream_warnings });
    parts.push(StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(response.id.clone(), response.model_id.clone(), response.timestamp))));
    for (index, part) in content.into_iter().enumerate() {
        push_replayed(&mut parts, BlockId::from(index.to_string()), part);
    }
    parts.push(StreamPart::Finish { usage: Box::new(usage), finish_reason, raw_finish_reason, provider_metadata });
    StreamResponse::new(Box::pin(futures::stream::iter(parts.into_iter().map(Ok))), request, response)
}

/// Appends the stream parts of one content part; `id` names its block.
fn push_replayed(parts: &mut Vec<StreamPart>, id: BlockId, content: Content) {
    match content {
        Content::Text { text, provider_metadata } => {
            if text.is_empty() && provider_metadata.is_none() {
                return;
            }
            parts.push(StreamPart::TextStart { id: id.clone(), provider_metadata: provider_metadata.clone() });
            parts.push(StreamPart::TextDelta { id: id.clone(), delta: text });
            parts.push(StreamPart::TextEnd { id, provider_metadata });
        }
        Content::Reasoning { text, provider_metadata } => {
            parts.push(StreamPart::ReasoningStart { id: id.clone(), provider_metadata: provider_metadata.clone() });
            parts.push(StreamPart::ReasoningDelta { id: id.clone(), delta: text, provider_metadata: None });
            parts.push(StreamPart::ReasoningEnd { id, provider_metadata });
        }
        Content::ToolCall(call) => {
            let id: BlockId = Arc::from(call.tool_call_id.as_str());
            parts.push(StreamPart::ToolInputStart { id: id.clone(), tool_name: call.tool_name.clone(), provider_executed: call.provider_executed, provider_metadata: None });
            parts.push(StreamPart::ToolInputDelta { id: id.clone(), delta: call.input.clone() });
            parts.push(StreamPart::ToolInputEnd { id, provider_metadata: None });
            parts.push(StreamPart::ToolCall(Box::new(call)));
        }
        Content::ToolResult(result) => parts.push(StreamPart::ToolResult(Box::new(result))),
        Content::File(file) => parts.push(StreamPart::File(Box::new(file))),
        Content::Source(source) => parts.push(StreamPart::Source(Box::new(source))),
        other => tracing::warn!(?other, "a content kind without a stream part is left out of the replayed stream"),
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;
    use serde_json::json;

    use super::*;
    use crate::provider::{
        FileData, FinishReason, GeneratedFile, JsonBody, ProviderOptions, RequestMetadata, Source, ToolCall, Usage,
    };

    async fn parts_of(response: GenerateResponse, warnings: Vec<Warning>) -> (StreamResponse, Vec<StreamPart>) {
        let mut streamed = replayed_stream(response, warnings);
        let stream = std::mem::replace(&mut streamed.stream, Box::pin(futures::stream::empty()));
        (streamed, stream.map(Result::unwrap).collect().await)
    }

    #[tokio::test]
    async fn every_content_kind_is_replayed_in_order_with_the_metadata() {
        let signature = Some(ProviderOptions::new().with("anthropic", json!({"signature": "sig"})));
        let mut response = GenerateResponse::new(
            vec![
                Content::Reasoning { text: "hmm".into(), provider_metadata: signature.clone() },
                Content::text("Hello"),
                Content::text(""),
                Content::ToolCall(ToolCall::new("c1", "weather", r#"{"city":"Paris"}"#)),
                Content::File(GeneratedFile::new(FileData::Base64("AA==".into()), "image/png")),
                Content::Source(Source::Url { id: "s".into(), url: "https://x".into(), title: None, provider_metadata: None }),
            ],
            FinishReason::ToolCalls,
            Usage::from_totals(Some(3), Some(4)),
        );
        response.raw_finish_reason = Some("tool_use".into());
        response.warnings = vec![Warning::unsupported("seed", None)];
        response.request = RequestMetadata::with_body(Some(JsonBody::from_value(&json!({"model": "m"}))));
        let mut headers = http::HeaderMap::new();
        headers.insert("x-request-id", http::HeaderValue::from_static("r-9"));
        response.response = ResponseMetadata::new(Some("resp-1".into()), Some("m-1".into()), None).with_body(Some(JsonBody::new("{}"))).with_headers(headers);
        response.provider_metadata = Some(ProviderOptions::new().with("vendor", json!({"cost": 1})));
        let extra = Warning::compatibility("streaming", None);
        let (streamed, parts) = parts_of(response, vec![extra.clone()]).await;

        assert_eq!(streamed.request.body.unwrap().json(), Some(json!({"model": "m"})));
        assert_eq!(streamed.response.headers["x-request-id"], "r-9", "the headers stay on the stream response");
        assert!(streamed.response.body.is_none(), "a stream keeps no body");
        assert_eq!(parts[0], StreamPart::StreamStart { warnings: vec![Warning::unsupported("seed", None), extra] });
        assert_eq!(parts[1], StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(Some("resp-1".into()), Some("m-1".into()), None))));
        assert_eq!(parts[2], StreamPart::ReasoningStart { id: "0".into(), provider_metadata: signature.clone() });
        assert_eq!(parts[4], StreamPart::ReasoningEnd { id: "0".into(), provider_metadata: signature });
        assert_eq!(parts[6], StreamPart::TextDelta { id: "1".into(), delta: "Hello".into() });
        assert_eq!(
            parts[8],
            StreamPart::ToolInputStart { id: "c1".into(), tool_name: "weather".into(), provider_executed: false, provider_metadata: None },
            "the empty text is skipped; the call's input block comes first"
        );
        assert_eq!(parts[9], StreamPart::ToolInputDelta { id: "c1".into(), delta: r#"{"city":"Paris"}"#.into() });
        assert_eq!(parts[10], StreamPart::ToolInputEnd { id: "c1".into(), provider_metadata: None });
        assert!(matches!(parts[11], StreamPart::ToolCall(ref call) if call.tool_call_id == "c1"));
        assert!(matches!(parts[12], StreamPart::File(_)) && matches!(parts[13], StreamPart::Source(_)));
        assert!(matches!(
            &parts[14],
            StreamPart::Finish { finish_reason: FinishReason::ToolCalls, raw_finish_reason: Some(raw), provider_metadata: Some(_), .. } if raw == "tool_use"
        ));
        assert_eq!(parts.len(), 15);
    }

    #[tokio::test]
    async fn a_provider_executed_call_and_an_empty_text_with_metadata_keep_what_they_say() {
        let metadata = Some(ProviderOptions::new().with("openai", json!({"itemId": "msg_1"})));
        let mut call = ToolCall::new("ws_1", "web_search", "{}");
        call.provider_executed = true;
        let response = GenerateResponse::new(
            vec![Content::ToolCall(call), Content::Text { text: String::new(), provider_metadata: metadata.clone() }],
            FinishReason::Stop,
            Usage::default(),
        );
        let (_, parts) = parts_of(response, Vec::new()).await;
        assert!(matches!(&parts[2], StreamPart::ToolInputStart { provider_executed: true, .. }), "{parts:?}");
        assert_eq!(parts[6], StreamPart::TextStart { id: "1".into(), provider_metadata: metadata.clone() });
        assert_eq!(parts[8], StreamPart::TextEnd { id: "1".into(), provider_metadata: metadata });
    }
}
