//! Tool approval and streaming tool outputs through `stream_text`: the parts a reader sees.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::{StreamExt, stream};
use serde_json::{Value, json};

use super::*;
use crate::provider::{Message, ToolApprovalResponsePart, ToolResultOutput};
use crate::stop_condition::step_count_is;
use crate::test_util::{MockLanguageModel, MockStream};
use crate::tool::{Tool, ToolError};

fn delete_tool(deletions: Arc<AtomicUsize>) -> Tool {
    Tool::dynamic("Deletes a file", json!({"type": "object"}))
        .execute(move |_, _| {
            let deletions = deletions.clone();
            async move {
                deletions.fetch_add(1, Ordering::SeqCst);
                Ok::<_, ToolError>("deleted")
            }
        })
        .needs_approval_when(|input: Value, _| async move { input["path"] != "scratch.txt" })
}

#[tokio::test]
async fn approval_requests_stream_as_parts_and_approved_calls_run_on_the_next_turn() {
    let deletions = Arc::new(AtomicUsize::new(0));
    let model = MockLanguageModel::new()
        .with_stream(MockStream::tool_calls([("c1", "delete", json!({"path": "a.txt"})), ("c2", "delete", json!({"path": "scratch.txt"}))]));
    let mut result =
        stream_text(model.clone()).prompt("clean").tool("delete", delete_tool(deletions.clone())).stop_when(step_count_is(5)).start();
    let parts: Vec<TextStreamPart> = result.full_stream().map(Result::unwrap).collect().await;
    let requests: Vec<_> = parts
        .iter()
        .filter_map(|part| match part {
            TextStreamPart::ToolApprovalRequest(request) => Some(request.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].tool_call.tool_call_id, "c1");
    assert_eq!(deletions.load(Ordering::SeqCst), 1, "only the call that needs no approval ran");
    assert_eq!(model.call_count(), 1);
    assert_eq!(result.tool_approval_requests().await.unwrap().len(), 1);
    let mut conversation = vec![Message::user("clean")];
    conversation.extend(result.response_messages().await.unwrap());
    conversation.push(Message::tool_approval(vec![ToolApprovalResponsePart::approve(requests[0].approval_id.clone())]));

    let model = MockLanguageModel::new().with_stream(MockStream::text(["Done."]));
    let mut result =
        stream_text(model.clone()).messages(conversation).tool("delete", delete_tool(deletions.clone())).start();
    let parts: Vec<TextStreamPart> = result.full_stream().map(Result::unwrap).collect().await;
    assert!(matches!(&parts[0], TextStreamPart::ToolResult(result) if result.tool_call_id == "c1" && !result.preliminary));
    assert!(matches!(&parts[1], TextStreamPart::StartStep { step_number: 0, .. }));
    assert_eq!(deletions.load(Ordering::SeqCst), 2);
    match model.calls()[0].prompt.last().unwrap() {
        Message::Tool { content, .. } => assert_eq!(content[0].output, ToolResultOutput::text("deleted")),
        other => panic!("{other:?}"),
    }
    assert_eq!(result.text().await.unwrap(), "Done.");
}

#[tokio::test]
async fn denied_calls_stream_a_denied_part_and_reach_the_model() {
    let deletions = Arc::new(AtomicUsize::new(0));
    let model = MockLanguageModel::new().with_stream(MockStream::tool_calls([("c1", "delete", json!({"path": "a.txt"}))]));
    let mut first = stream_text(model).prompt("clean").tool("delete", delete_tool(deletions.clone())).start();
    let approval_id = first.tool_approval_requests().await.unwrap()[0].approval_id.clone();
    let mut conversation = vec![Message::user("clean")];
    conversation.extend(first.response_messages().await.unwrap());
    conversation.push(Message::tool_approval(vec![ToolApprovalResponsePart::deny(approval_id, None)]));
    let model = MockLanguageModel::new().with_stream(MockStream::text(["Kept."]));
    let mut result = stream_text(model.clone()).messages(conversation).tool("delete", delete_tool(deletions.clone())).start();
    let parts: Vec<TextStreamPart> = result.full_stream().map(Result::unwrap).collect().await;
    assert!(matches!(&parts[0], TextStreamPart::ToolOutputDenied { tool_call_id, tool_name } if tool_call_id == "c1" && tool_name == "delete"));
    assert_eq!(deletions.load(Ordering::SeqCst), 0);
    match model.calls()[0].prompt.last().unwrap() {
        Message::Tool { content, .. } => assert_eq!(content[0].output, ToolResultOutput::execution_denied(None)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn streaming_tools_show_preliminary_results_before_the_final_one() {
    let model = MockLanguageModel::new()
        .with_stream(MockStream::tool_calls([("c1", "report", json!({}))]))
        .with_stream(MockStream::text(["Here it is."]));
    let report = Tool::dynamic("Builds a report", json!({"type": "object"})).execute_streaming(|_, _| {
        stream::iter([Ok::<_, ToolError>(json!({"status": "drafting"})), Ok(json!({"status": "done", "pages": 3}))])
    });
    let mut result = stream_text(model.clone()).prompt("report").tool("report", report).stop_when(step_count_is(2)).start();
    let parts: Vec<TextStreamPart> = result.full_stream().map(Result::unwrap).collect().await;
    let results: Vec<(Value, bool)> = parts
        .iter()
        .filter_map(|part| match part {
            TextStreamPart::ToolResult(result) => Some((result.output.clone(), result.preliminary)),
            _ => None,
        })
        .collect();
    let done = json!({"status": "done", "pages": 3});
    assert_eq!(results, [(json!({"status": "drafting"}), true), (done.clone(), true), (done.clone(), false)]);
    // Only the final output is recorded and sent to the model.
    let steps = result.steps().await.unwrap();
    assert_eq!(steps[0].tool_results().map(|result| result.output.clone()).collect::<Vec<_>>(), vec![done.clone()]);
    match &model.calls()[1].prompt[2] {
        Message::Tool { content, .. } => assert_eq!(content[0].output, ToolResultOutput::json(done)),
        other => panic!("{other:?}"),
    }
}
