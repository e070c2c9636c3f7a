//! The agent on mock models: settings reach every run, `prepare_call` reads typed call options,
//! the default stop condition, structured output, approvals, and many concurrent runs of one agent.

use std::sync::Arc;

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::json;

use super::*;
use crate::error::Result;
use crate::output::Output;
use crate::provider::{
    CallOptions, Content, FinishReason, GenerateResponse, Message, StreamResponse, ToolApprovalResponsePart, ToolCall,
    ToolChoice, ToolResultOutput, Usage,
};
use crate::stop_condition::has_tool_call;
use crate::test_util::{MockLanguageModel, MockStream, text_response, tool_calls_response};
use crate::tool::{Tool, ToolError};

fn echo_tool() -> Tool {
    Tool::dynamic("Echoes its input", json!({"type": "object"}))
        .execute(|input, _| async move { Ok::<_, ToolError>(input["n"].clone()) })
}

#[tokio::test]
async fn agent_settings_reach_every_run() {
    let model = MockLanguageModel::new()
        .with_response(tool_calls_response([("c1", "echo", json!({"n": 1}))]))
        .with_response(text_response("one"))
        .with_response(text_response("two"));
    let agent = Agent::builder(model.clone())
        .instructions("Be brief.")
        .tool("echo", echo_tool())
        .tool("unused", Tool::dynamic("Unused", json!({"type": "object"})))
        .active_tools(["echo"])
        .tool_choice(ToolChoice::Auto)
        .temperature(0.1)
        .max_output_tokens(64)
        .provider_options(crate::provider::ProviderOptions::new().with("openai", json!({"user": "u"})))
        .build();
    let first = agent.generate("First?").await.unwrap();
    assert_eq!(first.text(), "one");
    assert_eq!(first.steps.len(), 2, "an agent loops over tool calls by default");
    let second = agent.generate(vec![Message::user("Second?")]).await.unwrap();
    assert_eq!(second.text(), "two");
    let calls = model.calls();
    assert_eq!(calls.len(), 3);
    for call in &calls {
        assert_eq!(call.prompt[0], Message::system("Be brief."));
        assert_eq!((call.temperature, call.max_output_tokens), (Some(0.1), Some(64)));
        assert_eq!(call.tools.len(), 1);
        assert_eq!(call.tool_choice, Some(ToolChoice::Auto));
        assert_eq!(call.provider_options.get("openai"), Some(&json!({"user": "u"})));
    }
    assert_eq!(calls[2].prompt, vec![Message::system("Be brief."), Message::user("Second?")]);
}

#[tokio::test]
async fn the_default_stop_condition_is_twenty_steps() {
    let mut model = MockLanguageModel::new();
    for step in 0..25 {
        model = model.with_response(tool_calls_response([(format!("c{step}"), "echo", json!({"n": step}))]));
    }
    let agent = Agent::builder(model.clone()).tool("echo", echo_tool()).build();
    let result = agent.generate("loop").await.unwrap();
    assert_eq!(result.steps.len(), DEFAULT_MAX_STEPS);
    // `stop_when_only` replaces the default; `stop_when` adds to it.
    let agent = Agent::builder(model.clone()).tool("echo", echo_tool()).stop_when_only(has_tool_call("echo")).build();
    assert_eq!(agent.generate("once").await.unwrap().steps.len(), 1);
}

#[derive(Debug, Clone, Default)]
struct Plan {
    premium: bool,
}

#[tokio::test]
async fn prepare_call_turns_typed_call_options_into_run_settings() {
    let basic = MockLanguageModel::with_ids("mock", "small").with_response(text_response("basic"));
    let premium = MockLanguageModel::with_ids("mock", "large").with_response(text_response("premium"));
    let premium_model: Arc<dyn LanguageModel> = Arc::new(premium.clone());
    let agent = Agent::builder(basic.clone())
        .instructions("Help.")
        .call_options::<Plan>()
        .prepare_call(move |plan: &Plan, mut call| {
            if plan.premium {
                call.model = premium_model.clone();
                call.instructions = Some(format!("{} Take your time.", call.instructions.unwrap_or_default()));
                call.settings.max_output_tokens = Some(4000);
            }
            call
        })
        .build();
    assert_eq!(agent.generate("hi").await.unwrap().text(), "basic");
    assert_eq!(agent.generate_with(Plan { premium: true }, "hi").await.unwrap().text(), "premium");
    assert_eq!(basic.calls()[0].prompt[0], Message::system("Help."));
    let premium_call = &premium.calls()[0];
    assert_eq!(premium_call.prompt[0], Message::system("Help. Take your time."));
    assert_eq!(premium_call.max_output_tokens, Some(4000));
}

#[derive(Debug, Deserialize, schemars::JsonSchema, PartialEq)]
struct Answer {
    value: u32,
}

#[tokio::test]
async fn agents_return_structured_output_and_stream() {
    let model = MockLanguageModel::new()
        .with_response(text_response(r#"{"value": 4}"#))
        .with_stream(MockStream::text([r#"{"val"#, r#"ue": 5}"#]));
    let agent = Agent::builder(model).output(Output::object::<Answer>()).build();
    assert_eq!(agent.generate("2+2").await.unwrap().output, Answer { value: 4 });
    let mut stream = agent.stream("2+3").start();
    assert_eq!(stream.output().await.unwrap(), Answer { value: 5 });
}

#[tokio::test]
async fn agents_stop_for_approval_and_continue_with_the_answer() {
    let model = MockLanguageModel::new()
        .with_response(tool_calls_response([("c1", "echo", json!({"n": 3}))]))
        .with_response(text_response("echoed"));
    let agent = Agent::builder(model.clone()).tool("echo", echo_tool().needs_approval(true)).build();
    let first = agent.generate("echo 3").await.unwrap();
    let approval_id = first.tool_approval_requests().next().unwrap().approval_id.clone();
    let mut conversation = vec![Message::user("echo 3")];
    conversation.extend(first.response_messages());
    conversation.push(Message::tool_approval(vec![ToolApprovalResponsePart::approve(approval_id)]));
    let second = agent.generate(conversation).await.unwrap();
    assert_eq!(second.text(), "echoed");
    match model.calls()[1].prompt.last().unwrap() {
        Message::Tool { content, .. } => assert_eq!(content[0].output, ToolResultOutput::json(json!(3))),
        other => panic!("{other:?}"),
    }
}

/// A model that calls `echo` with the number in the user's message, then answers with the tool's
/// result: each conversation's answer names its own number only if runs never share state.
struct EchoModel;

#[async_trait]
impl LanguageModel for EchoModel {
    fn provider(&self) -> &str {
        "echo"
    }

    fn model_id(&self) -> &str {
        "echo-1"
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        // Yield, so that concurrent runs interleave.
        tokio::task::yield_now().await;
        let usage = Usage::from_totals(Some(1), Some(1));
        let content = match options.prompt.last() {
            Some(Message::User { content, .. }) => {
                let crate::provider::UserPart::Text(text) = &content[0] else { unreachable!("text prompts") };
                let input = json!({"n": text.text.parse::<u64>().unwrap()}).to_string();
                vec![Content::ToolCall(ToolCall::new(format!("call-{}", text.text), "echo", input))]
            }
            Some(Message::Tool { content, .. }) => vec![Content::text(format!("result {}", content[0].output.to_text()))],
            other => panic!("unexpected prompt end {other:?}"),
        };
        let finish = if matches!(content[0], Content::ToolCall(_)) { FinishReason::ToolCalls } else { FinishReason::Stop };
        Ok(GenerateResponse::new(content, finish, usage))
    }

    async fn do_stream(&self, _options: &CallOptions) -> Result<StreamResponse> {
        Err(crate::error::Error::unsupported("streaming", None))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_agent_runs_many_conversations_concurrently() {
    let agent = Agent::builder(EchoModel).instructions("Echo.").tool("echo", echo_tool()).build();
    let runs = (0..64u64).map(|number| {
        let agent = agent.clone();
        tokio::spawn(async move { (number, agent.generate(number.to_string()).await) })
    });
    for run in futures::future::join_all(runs).await {
        let (number, result) = run.unwrap();
        let result = result.unwrap();
        assert_eq!(result.text(), format!("result {number}"));
        assert_eq!(result.steps.len(), 2);
        assert_eq!(result.steps[0].tool_calls().next().unwrap().tool_call_id, format!("call-{number}"));
    }
}
