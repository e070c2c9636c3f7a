//! Tool approval through `generate_text`: the loop stops with requests, and the next run executes
//! approved calls and tells the model about denied ones.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;

use super::*;
use crate::provider::{AssistantPart, Message, ToolApprovalResponsePart, ToolResultOutput};
use crate::step::StepContent;
use crate::stop_condition::step_count_is;
use crate::test_util::{MockLanguageModel, text_response, tool_calls_response};
use crate::tool::{Tool, ToolError, ToolSet};

/// A `delete` tool that needs approval and counts its runs, and a `read` tool that does not.
fn tools(deletions: Arc<AtomicUsize>) -> ToolSet {
    ToolSet::new()
        .with(
            "delete",
            Tool::dynamic("Deletes a file", json!({"type": "object"}))
                .execute(move |input, _| {
                    let deletions = deletions.clone();
                    async move {
                        deletions.fetch_add(1, Ordering::SeqCst);
                        Ok::<_, ToolError>(format!("deleted {}", input["path"].as_str().unwrap_or_default()))
                    }
                })
                .needs_approval(true),
        )
        .with("read", Tool::dynamic("Reads a file", json!({"type": "object"})).execute(|_, _| async { Ok::<_, ToolError>("text") }))
}

/// Runs the first turn: the model calls `delete` (needs approval) and `read` (runs at once).
async fn first_turn(deletions: Arc<AtomicUsize>) -> (Vec<Message>, String) {
    let model = MockLanguageModel::new().with_response(tool_calls_response([
        ("c1", "delete", json!({"path": "a.txt"})),
        ("c2", "read", json!({"path": "b.txt"})),
    ]));
    let result = generate_text(model.clone())
        .prompt("Clean up")
        .tools(tools(deletions.clone()))
        .stop_when(step_count_is(5))
        .await
        .unwrap();
    assert_eq!(model.call_count(), 1, "the loop stops at the approval request");
    assert_eq!(deletions.load(Ordering::SeqCst), 0);
    let requests: Vec<_> = result.tool_approval_requests().collect();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].tool_call.tool_call_id, "c1");
    assert_eq!(result.tool_results().count(), 1, "the call without approval ran");
    let approval_id = requests[0].approval_id.clone();
    let mut conversation = vec![Message::user("Clean up")];
    conversation.extend(result.response_messages());
    // The assistant message records the request, as AI SDK 7's response messages do.
    match &conversation[1] {
        Message::Assistant { content, .. } => {
            assert!(content.iter().any(|part| matches!(part, AssistantPart::ToolApprovalRequest(request) if request.approval_id == approval_id && request.tool_call_id == "c1")))
        }
        other => panic!("{other:?}"),
    }
    (conversation, approval_id)
}

#[tokio::test]
async fn an_approved_call_runs_and_the_model_sees_its_result() {
    let deletions = Arc::new(AtomicUsize::new(0));
    let (mut conversation, approval_id) = first_turn(deletions.clone()).await;
    conversation.push(Message::tool_approval(vec![ToolApprovalResponsePart::approve(approval_id)]));
    let model = MockLanguageModel::new().with_response(text_response("Deleted a.txt."));
    let result = generate_text(model.clone())
        .messages(conversation)
        .tools(tools(deletions.clone()))
        .stop_when(step_count_is(5))
        .await
        .unwrap();
    assert_eq!(deletions.load(Ordering::SeqCst), 1);
    assert_eq!(result.text(), "Deleted a.txt.");
    let sent = &model.calls()[0].prompt;
    // user, assistant (calls, without the approval part), tool (c2's result), tool (c1's result).
    assert_eq!(sent.len(), 4, "{sent:?}");
    match &sent[1] {
        Message::Assistant { content, .. } => {
            assert!(content.iter().all(|part| !matches!(part, AssistantPart::ToolApprovalRequest(_))))
        }
        other => panic!("{other:?}"),
    }
    match &sent[3] {
        Message::Tool { content, .. } => {
            assert_eq!(content[0].tool_call_id, "c1");
            assert_eq!(content[0].output, ToolResultOutput::text("deleted a.txt"));
        }
        other => panic!("{other:?}"),
    }
    // The caller appends the approval answers' tool message, then the answer.
    let messages = result.response_messages();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0], sent[3]);
}

#[tokio::test]
async fn a_denied_call_reaches_the_model_as_execution_denied_with_the_reason() {
    let deletions = Arc::new(AtomicUsize::new(0));
    let (mut conversation, approval_id) = first_turn(deletions.clone()).await;
    let denial = ToolApprovalResponsePart::deny(approval_id, Some("keep a.txt".into()));
    conversation.push(Message::tool_approval(vec![denial]));
    let model = MockLanguageModel::new().with_response(text_response("Kept it."));
    let result = generate_text(model.clone()).messages(conversation).tools(tools(deletions.clone())).await.unwrap();
    assert_eq!(deletions.load(Ordering::SeqCst), 0);
    assert_eq!(result.text(), "Kept it.");
    match model.calls()[0].prompt.last().unwrap() {
        Message::Tool { content, .. } => {
            assert_eq!(content[0].tool_call_id, "c1");
            assert_eq!(content[0].output, ToolResultOutput::execution_denied(Some("keep a.txt".into())));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_answer_to_an_unknown_request_is_an_invalid_argument() {
    let deletions = Arc::new(AtomicUsize::new(0));
    let (mut conversation, _) = first_turn(deletions.clone()).await;
    conversation.push(Message::tool_approval(vec![ToolApprovalResponsePart::approve("approval_forged")]));
    let model = MockLanguageModel::new().with_response(text_response("no"));
    let error = generate_text(model.clone()).messages(conversation).tools(tools(deletions.clone())).await.unwrap_err();
    assert!(error.to_string().contains("approval_forged"), "{error}");
    assert_eq!(model.call_count(), 0);
    assert_eq!(deletions.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_answered_request_is_not_run_twice() {
    let deletions = Arc::new(AtomicUsize::new(0));
    let (mut conversation, approval_id) = first_turn(deletions.clone()).await;
    conversation.push(Message::tool_approval(vec![ToolApprovalResponsePart::approve(approval_id.clone())]));
    let model = MockLanguageModel::new().with_response(text_response("done"));
    let result = generate_text(model).messages(conversation.clone()).tools(tools(deletions.clone())).await.unwrap();
    // The next turn repeats the approval message after the answer: nothing runs again.
    let mut next = conversation[..conversation.len() - 1].to_vec();
    next.extend(result.response_messages());
    next.push(Message::user("thanks"));
    next.push(Message::tool_approval(vec![ToolApprovalResponsePart::approve(approval_id)]));
    let model = MockLanguageModel::new().with_response(text_response("bye"));
    generate_text(model).messages(next).tools(tools(deletions.clone())).await.unwrap();
    assert_eq!(deletions.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn approval_requests_are_step_content() {
    let model = MockLanguageModel::new().with_response(tool_calls_response([("c1", "delete", json!({"path": "x"}))]));
    let result = generate_text(model).prompt("go").tools(tools(Arc::default())).await.unwrap();
    assert!(matches!(&result.content()[1], StepContent::ToolApprovalRequest(request) if request.tool_call.tool_name == "delete"));
}
