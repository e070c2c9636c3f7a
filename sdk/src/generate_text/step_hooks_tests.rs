//! `prepare_step`'s per-step settings (sampling, provider options, carried-forward messages and
//! system text) and the generation callbacks, through `generate_text`.

use std::sync::{Arc, Mutex};

use serde_json::json;

use super::*;
use crate::error::Error;
use crate::prepare_step::PrepareStepResult;
use crate::provider::{Message, ProviderOptions, ReasoningEffort};
use crate::stop_condition::step_count_is;
use crate::test_util::{MockLanguageModel, text_response, tool_calls_response};
use crate::tool::{Tool, ToolError};

fn search() -> Tool {
    Tool::dynamic("Search", json!({"type": "object"})).execute(|_, _| async { Ok::<_, ToolError>("found") })
}

fn three_step_model() -> MockLanguageModel {
    MockLanguageModel::new()
        .with_response(tool_calls_response([("c1", "search", json!({}))]))
        .with_response(tool_calls_response([("c2", "search", json!({}))]))
        .with_response(text_response("done"))
}

#[tokio::test]
async fn prepare_step_sampling_settings_apply_to_their_step_only() {
    let model = three_step_model();
    generate_text(model.clone())
        .prompt("go")
        .tool("search", search())
        .temperature(0.7)
        .max_output_tokens(500)
        .stop_sequences(["END"])
        .stop_when(step_count_is(3))
        .prepare_step(|context| match context.step_number {
            0 => PrepareStepResult::new()
                .temperature(0.0)
                .top_p(0.5)
                .seed(7)
                .stop_sequences(["STOP"])
                .reasoning_effort(ReasoningEffort::High),
            1 => PrepareStepResult::new().max_output_tokens(10),
            _ => PrepareStepResult::new(),
        })
        .await
        .unwrap();
    let calls = model.calls();
    assert_eq!((calls[0].temperature, calls[0].top_p, calls[0].seed), (Some(0.0), Some(0.5), Some(7)));
    assert_eq!(calls[0].stop_sequences, ["STOP"]);
    assert_eq!(calls[0].reasoning_effort, Some(ReasoningEffort::High));
    assert_eq!(calls[0].max_output_tokens, Some(500));
    assert_eq!((calls[1].temperature, calls[1].max_output_tokens, calls[1].seed), (Some(0.7), Some(10), None));
    assert_eq!(calls[1].stop_sequences, ["END"]);
    assert_eq!((calls[2].temperature, calls[2].max_output_tokens, calls[2].top_p), (Some(0.7), Some(500), None));
}

#[tokio::test]
async fn prepare_step_provider_options_merge_into_the_calls_for_their_step() {
    let model = three_step_model();
    let call_options = ProviderOptions::new().with("openai", json!({"user": "u1", "store": false}));
    generate_text(model.clone())
        .prompt("go")
        .tool("search", search())
        .provider_options(call_options.clone())
        .stop_when(step_count_is(3))
        .prepare_step(|context| match context.step_number {
            0 => PrepareStepResult::new().provider_options(
                ProviderOptions::new().with("openai", json!({"store": true})).with("anthropic", json!({"x": 1})),
            ),
            _ => PrepareStepResult::new(),
        })
        .await
        .unwrap();
    let calls = model.calls();
    assert_eq!(calls[0].provider_options.get("openai"), Some(&json!({"user": "u1", "store": true})));
    assert_eq!(calls[0].provider_options.get("anthropic"), Some(&json!({"x": 1})));
    assert_eq!(calls[1].provider_options, call_options);
}

#[tokio::test]
async fn prepare_step_messages_and_system_carry_forward() {
    let model = three_step_model();
    generate_text(model.clone())
        .system("base")
        .prompt("a long question")
        .tool("search", search())
        .stop_when(step_count_is(3))
        .prepare_step(|context| match context.step_number {
            // Compacts the conversation once; later steps build on the compacted one.
            1 => PrepareStepResult::new().messages(vec![Message::user("summary")]).system("compact"),
            _ => PrepareStepResult::new(),
        })
        .await
        .unwrap();
    let calls = model.calls();
    assert_eq!(calls[1].prompt, vec![Message::system("compact"), Message::user("summary")]);
    // Step 2: the compacted conversation, then step 1's call and result; the new system text.
    assert_eq!(calls[2].prompt.len(), 4);
    assert_eq!(calls[2].prompt[..2], [Message::system("compact"), Message::user("summary")]);
}

#[tokio::test]
async fn callbacks_report_start_steps_and_tool_calls_in_order() {
    let events = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = |events: &Arc<Mutex<Vec<String>>>| {
        let events = events.clone();
        move |event: String| events.lock().unwrap().push(event)
    };
    let (start, step_start, step_finish, tool_start, tool_finish, finish) =
        (log(&events), log(&events), log(&events), log(&events), log(&events), log(&events));
    let model = MockLanguageModel::new()
        .with_response(tool_calls_response([("c1", "search", json!({}))]))
        .with_response(text_response("done"));
    generate_text(model)
        .system("s")
        .prompt("go")
        .tool("search", search())
        .temperature(0.3)
        .stop_when(step_count_is(3))
        .on_start(move |event| start(format!("start {} {:?}", event.messages.len(), event.system)))
        .on_step_start(move |event| {
            step_start(format!("step {} {:?} {}", event.step_number, event.options.temperature, event.model.model_id()))
        })
        .on_tool_call_start(move |event| tool_start(format!("tool {}", event.tool_call.tool_call_id)))
        .on_tool_call_finish(move |event| tool_finish(format!("tool done {}", event.outcome.is_ok())))
        .on_step_finish(move |step| step_finish(format!("step done {}", step.step_number)))
        .on_finish(move |steps, _| finish(format!("finish {}", steps.len())))
        .await
        .unwrap();
    assert_eq!(
        *events.lock().unwrap(),
        [
            "start 1 Some(\"s\")",
            "step 0 Some(0.3) mock-model",
            "tool c1",
            "tool done true",
            "step done 0",
            "step 1 Some(0.3) mock-model",
            "step done 1",
            "finish 2",
        ]
    );
}

/// As in the AI SDK, `on_finish` is for generations that complete: a failed one never calls it.
#[tokio::test]
async fn on_finish_does_not_run_for_a_failed_generation() {
    let finished = Arc::new(Mutex::new(false));
    let seen = finished.clone();
    let model = MockLanguageModel::new().with_error(Error::invalid_response("bad", None, None));
    let error = generate_text(model)
        .prompt("go")
        .max_retries(0)
        .on_finish(move |_, _| *seen.lock().unwrap() = true)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidResponse { .. }));
    assert!(!*finished.lock().unwrap());
}
