// Imports that only the tests of typed tools and outputs use are unused without `schemars`.
#![cfg_attr(not(feature = "schemars"), allow(unused_imports))]

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use http::{HeaderMap, HeaderValue};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::*;
use crate::error::{ApiCallError, Error, Result, TimeoutKind};
use crate::output::Output;
use crate::provider::{BlockId, FinishReason, Message, ResponseFormat, StreamPart, ToolResultOutput};
use crate::step::{ParsedToolCall, ToolCallError, ToolCallResult};
use crate::stop_condition::step_count_is;
use crate::test_util::{MockLanguageModel, MockStream};
use crate::tool::{Tool, ToolError};

#[cfg(feature = "schemars")]
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct CityInput {
    city: String,
}

#[test]
fn results_and_their_futures_can_move_to_other_tasks() {
    fn assert_send<T: Send>(_: &T) {}
    let model = MockLanguageModel::new();
    let mut result = stream_text(model).prompt("hi").start();
    assert_send(&result.text());
    assert_send(&result.text_stream());
    assert_send(&result);
}

#[test]
fn parts_stay_small() {
    // Every event is moved through the poll chain: rare, large parts are boxed.
    assert!(std::mem::size_of::<TextStreamPart>() <= 64, "{}", std::mem::size_of::<TextStreamPart>());
}

#[tokio::test]
async fn text_stream_and_final_values_agree() {
    let model = MockLanguageModel::new().with_stream(MockStream::text(["Hel", "lo", ", world"]));
    let mut result = stream_text(model.clone()).system("s").prompt("hi").start();
    assert_eq!(model.call_count(), 0, "nothing is sent before the first poll");
    let deltas: Vec<String> = result.text_stream().map(Result::unwrap).collect().await;
    assert_eq!(deltas, ["Hel", "lo", ", world"]);
    assert_eq!(result.text().await.unwrap(), deltas.concat());
    assert_eq!(result.finish_reason().await.unwrap(), FinishReason::Stop);
    assert_eq!(result.usage().await.unwrap().output_tokens.total, Some(5));
    assert_eq!(result.total_usage().await.unwrap().total_tokens(), Some(15));
    assert_eq!(result.steps().await.unwrap().len(), 1);
    assert_eq!(result.response_messages().await.unwrap(), vec![Message::assistant("Hello, world")]);
    assert_eq!(model.calls()[0].prompt, vec![Message::system("s"), Message::user("hi")]);
    assert_eq!(model.streams_finished(), 1);
}

#[tokio::test]
async fn full_stream_frames_steps() {
    let model = MockLanguageModel::new().with_stream(MockStream::text(["a", "b"]));
    let parts: Vec<TextStreamPart> = stream_text(model).prompt("hi").start().map(Result::unwrap).collect().await;
    let names: Vec<&str> = parts
        .iter()
        .map(|part| match part {
            TextStreamPart::StartStep { .. } => "start-step",
            TextStreamPart::TextStart { .. } => "text-start",
            TextStreamPart::TextDelta { .. } => "text-delta",
            TextStreamPart::TextEnd { .. } => "text-end",
            TextStreamPart::FinishStep(_) => "finish-step",
            TextStreamPart::Finish(_) => "finish",
            _ => "other",
        })
        .collect();
    assert_eq!(names, ["start-step", "text-start", "text-delta", "text-delta", "text-end", "finish-step", "finish"]);
    assert!(matches!(&parts[6], TextStreamPart::Finish(finish) if finish.total_usage.total_tokens() == Some(15)));
}

#[tokio::test]
async fn reasoning_is_recorded_with_merged_metadata() {
    use crate::provider::{AssistantPart, ProviderOptions};
    let id: BlockId = Arc::from("r");
    let stream = MockStream::new()
        .part(StreamPart::ReasoningStart {
            id: id.clone(),
            provider_metadata: Some(ProviderOptions::new().with("vendor", json!({"item": "r1"}))),
        })
        .part(StreamPart::ReasoningDelta { id: id.clone(), delta: "Think".into(), provider_metadata: None })
        .part(StreamPart::ReasoningDelta { id: id.clone(), delta: "ing".into(), provider_metadata: None })
        .part(StreamPart::ReasoningEnd {
            id,
            provider_metadata: Some(ProviderOptions::new().with("vendor", json!({"signature": "s1"}))),
        })
        .text_block(["Answer"])
        .finish(FinishReason::Stop);
    let model = MockLanguageModel::new().with_stream(stream);
    let mut result = stream_text(model).prompt("hi").start();
    assert_eq!(result.reasoning_text().await.unwrap().as_deref(), Some("Thinking"));
    assert_eq!(result.text().await.unwrap(), "Answer");
    let messages = result.response_messages().await.unwrap();
    match &messages[0] {
        Message::Assistant { content, .. } => match &content[0] {
            AssistantPart::Reasoning(part) => {
                assert_eq!(part.provider_options.get("vendor"), Some(&json!({"item": "r1", "signature": "s1"})))
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn awaiting_a_final_value_drives_the_stream() {
    let model = MockLanguageModel::new().with_stream(MockStream::text(["x", "y"]));
    let mut result = stream_text(model).prompt("hi").start();
    assert_eq!(result.text().await.unwrap(), "xy");
    // The stream was consumed by the await: nothing is left.
    assert!(result.text_stream().next().await.is_none());
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn tool_loop_streams_results_and_runs_tools_concurrently() {
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let tool = |barrier: Arc<tokio::sync::Barrier>| {
        Tool::typed::<CityInput>("Weather").execute(move |input: CityInput, _| {
            let barrier = barrier.clone();
            async move {
                barrier.wait().await;
                Ok::<_, ToolError>(format!("sunny in {}", input.city))
            }
        })
    };
    let model = MockLanguageModel::new()
        .with_stream(MockStream::tool_calls([
            ("c1", "weather", json!({"city": "Paris"})),
            ("c2", "forecast", json!({"city": "Rome"})),
        ]))
        .with_stream(MockStream::text(["Both ", "sunny."]));
    let mut result = stream_text(model.clone())
        .prompt("weather?")
        .tool("weather", tool(barrier.clone()))
        .tool("forecast", tool(barrier))
        .stop_when(step_count_is(3))
        .start();
    let parts: Vec<TextStreamPart> =
        tokio::time::timeout(Duration::from_secs(5), result.full_stream().map(Result::unwrap).collect())
            .await
            .expect("the tools deadlock unless they run concurrently");
    let results: Vec<&ToolCallResult> = parts
        .iter()
        .filter_map(|part| match part {
            TextStreamPart::ToolResult(result) => Some(&**result),
            _ => None,
        })
        .collect();
    assert_eq!(results.len(), 2);
    let step_starts = parts.iter().filter(|part| matches!(part, TextStreamPart::StartStep { .. })).count();
    assert_eq!(step_starts, 2);
    let first_finish = parts.iter().position(|part| matches!(part, TextStreamPart::FinishStep(_))).unwrap();
    let last_result = parts.iter().rposition(|part| matches!(part, TextStreamPart::ToolResult(_))).unwrap();
    assert!(last_result < first_finish, "tool results come before the step's finish");
    assert_eq!(result.text().await.unwrap(), "Both sunny.");
    assert_eq!(result.total_usage().await.unwrap().input_tokens.total, Some(20));
    // What the stream showed is what the steps recorded.
    let streamed_calls: Vec<&ParsedToolCall> = parts
        .iter()
        .filter_map(|part| match part {
            TextStreamPart::ToolCall(call) => Some(&**call),
            _ => None,
        })
        .collect();
    let steps = result.steps().await.unwrap();
    assert_eq!(streamed_calls, steps[0].tool_calls().collect::<Vec<_>>());
    let mut recorded_results: Vec<&ToolCallResult> = steps[0].tool_results().collect();
    let mut streamed_results = results.clone();
    recorded_results.sort_by(|a, b| a.tool_call_id.cmp(&b.tool_call_id));
    streamed_results.sort_by(|a, b| a.tool_call_id.cmp(&b.tool_call_id));
    assert_eq!(streamed_results, recorded_results);
    let streamed_text: String = parts
        .iter()
        .filter_map(|part| match part {
            TextStreamPart::TextDelta { delta, .. } => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(streamed_text, steps[1].text());
    let second_prompt = &model.calls()[1].prompt;
    assert_eq!(second_prompt.len(), 3);
    match &second_prompt[2] {
        Message::Tool { content, .. } => {
            assert_eq!(content.len(), 2);
            assert!(content.iter().any(|part| part.output == ToolResultOutput::text("sunny in Rome")));
        }
        other => panic!("{other:?}"),
    }
    let messages = result.response_messages().await.unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[..2], second_prompt[1..]);
}

#[tokio::test]
async fn failing_and_unknown_tools_become_error_parts() {
    let model = MockLanguageModel::new()
        .with_stream(MockStream::tool_calls([("c1", "flaky", json!({})), ("c2", "missing", json!({}))]))
        .with_stream(MockStream::text(["ok"]));
    let flaky = Tool::dynamic("flaky", json!({"type": "object"})).execute(|_, _| async { Err::<Value, _>("broken".into()) });
    let mut result = stream_text(model.clone()).prompt("go").tool("flaky", flaky).stop_when(step_count_is(2)).start();
    let parts: Vec<TextStreamPart> = result.full_stream().map(Result::unwrap).collect().await;
    let errors: Vec<&ToolCallError> = parts
        .iter()
        .filter_map(|part| match part {
            TextStreamPart::ToolError(error) => Some(&**error),
            _ => None,
        })
        .collect();
    assert_eq!(errors.len(), 2);
    assert!(errors.iter().any(|error| matches!(error.error, Error::NoSuchTool { .. })));
    assert!(errors.iter().any(|error| matches!(error.error, Error::ToolExecution { .. })));
    assert_eq!(result.text().await.unwrap(), "ok");
    match &model.calls()[1].prompt[2] {
        Message::Tool { content, .. } => assert!(content.iter().all(|part| part.output.is_error())),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn stream_loop_honours_prepare_step_stop_conditions_and_callbacks() {
    use crate::prepare_step::PrepareStepResult;
    use crate::provider::ToolChoice;
    use crate::stop_condition::has_tool_call;
    let model = MockLanguageModel::new()
        .with_stream(MockStream::tool_calls([("c1", "search", json!({}))]))
        .with_stream(MockStream::tool_calls([("c2", "answer", json!({}))]))
        .with_stream(MockStream::text(["never"]));
    let tool = || Tool::dynamic("t", json!({"type": "object"})).execute(|_, _| async { Ok::<_, ToolError>("ok") });
    let finished_steps = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = finished_steps.clone();
    let totals = Arc::new(std::sync::Mutex::new(None));
    let total_seen = totals.clone();
    let mut result = stream_text(model.clone())
        .prompt("go")
        .tool("search", tool())
        .tool("answer", tool())
        .stop_when(step_count_is(10))
        .stop_when(has_tool_call("answer"))
        .prepare_step(|context| match context.step_number {
            0 => PrepareStepResult::new().tool_choice(ToolChoice::Required).active_tools(["search"]),
            _ => PrepareStepResult::new(),
        })
        .on_step_finish(move |step| seen.lock().unwrap().push(step.finish_reason))
        .on_finish(move |steps, usage| *total_seen.lock().unwrap() = Some((steps.len(), usage.total_tokens())))
        .start();
    result.consume().await.unwrap();
    assert_eq!(model.call_count(), 2);
    let calls = model.calls();
    assert_eq!(calls[0].tool_choice, Some(ToolChoice::Required));
    assert_eq!(calls[0].tools.len(), 1);
    assert_eq!(calls[1].tools.len(), 2);
    assert_eq!(*finished_steps.lock().unwrap(), [FinishReason::ToolCalls, FinishReason::ToolCalls]);
    assert_eq!(*totals.lock().unwrap(), Some((2, Some(30))));
    assert_eq!(result.finish_reason().await.unwrap(), FinishReason::ToolCalls);
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn repair_hook_fixes_a_streamed_call() {
    let model = MockLanguageModel::new()
        .with_stream(MockStream::tool_calls([("c1", "Weather", json!({"city": "Oslo"}))]))
        .with_stream(MockStream::text(["cold"]));
    let weather = Tool::typed::<CityInput>("Weather")
        .execute(|input: CityInput, _| async move { Ok::<_, ToolError>(format!("cold in {}", input.city)) });
    let mut result = stream_text(model)
        .prompt("go")
        .tool("weather", weather)
        .stop_when(step_count_is(2))
        .repair_tool_call(|request| async move {
            let mut call = request.tool_call;
            call.tool_name = call.tool_name.to_lowercase();
            Ok(Some(call))
        })
        .start();
    assert_eq!(result.text().await.unwrap(), "cold");
    let steps = result.steps().await.unwrap();
    assert_eq!(steps[0].tool_results().next().unwrap().output, json!("cold in Oslo"));
}

#[tokio::test]
async fn dropping_the_stream_mid_way_cancels_the_request() {
    let model = MockLanguageModel::new().with_stream(MockStream::text(["a", "b", "c", "d"]));
    let mut result = stream_text(model.clone()).prompt("hi").start();
    let mut deltas = result.text_stream();
    assert_eq!(deltas.next().await.unwrap().unwrap(), "a");
    drop(deltas);
    assert_eq!(model.streams_dropped_early(), 0, "the result still holds the request");
    drop(result);
    assert_eq!(model.streams_dropped_early(), 1);
    assert_eq!(model.streams_finished(), 0);
}

#[tokio::test(start_paused = true)]
async fn chunk_timeout_fires() {
    let stream = MockStream::new()
        .part(StreamPart::StreamStart { warnings: Vec::new() })
        .text_block(["a"])
        .delay(Duration::from_secs(10))
        .part(StreamPart::TextDelta { id: Arc::from("late"), delta: "late".into() });
    let model = MockLanguageModel::new().with_stream(stream);
    let mut result = stream_text(model.clone()).prompt("hi").chunk_timeout(Duration::from_secs(1)).start();
    let mut deltas = result.text_stream();
    assert_eq!(deltas.next().await.unwrap().unwrap(), "a");
    let error = deltas.next().await.unwrap().unwrap_err();
    assert!(matches!(error, Error::Timeout { kind: TimeoutKind::BetweenChunks, .. }), "{error:?}");
    assert!(deltas.next().await.is_none());
    assert!(matches!(result.text().await, Err(Error::Timeout { .. })));
    assert_eq!(model.streams_dropped_early(), 1);
}

#[tokio::test(start_paused = true)]
async fn first_chunk_timeout_fires() {
    let model = MockLanguageModel::new().with_stream(MockStream::new().delay(Duration::from_secs(5)).text_block(["a"]).finish(FinishReason::Stop));
    let mut result = stream_text(model).prompt("hi").first_chunk_timeout(Duration::from_secs(1)).start();
    let error = result.text().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { kind: TimeoutKind::FirstChunk, .. }), "{error:?}");
}

#[tokio::test(start_paused = true)]
async fn stream_retries_honour_retry_after() {
    let mut headers = HeaderMap::new();
    headers.insert("retry-after-ms", HeaderValue::from_static("3000"));
    let model = MockLanguageModel::new()
        .with_stream_error(ApiCallError::new(429, "http://127.0.0.1/v1/x", "busy").with_headers(headers))
        .with_stream(MockStream::text(["ok"]));
    let started = tokio::time::Instant::now();
    let mut result = stream_text(model.clone()).prompt("hi").start();
    assert_eq!(result.text().await.unwrap(), "ok");
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    assert_eq!(model.call_count(), 2);
}

#[tokio::test]
async fn stream_errors_reach_every_reader() {
    let stream = MockStream::new()
        .text_block(["a"])
        .error(Error::invalid_response("bad chunk", Some("{".to_owned()), None));
    let model = MockLanguageModel::new().with_stream(stream);
    let mut result = stream_text(model).prompt("hi").start();
    let items: Vec<Result<String>> = result.text_stream().collect().await;
    assert!(matches!(items.last(), Some(Err(Error::InvalidResponse { .. }))));
    assert!(matches!(result.text().await, Err(Error::InvalidResponse { .. })));
}

#[tokio::test(start_paused = true)]
async fn cancellation_token_ends_the_stream() {
    let stream = MockStream::text(["a"]).delay(Duration::from_secs(10));
    let model = MockLanguageModel::new().with_stream(stream);
    let token = CancellationToken::new();
    let mut result = stream_text(model.clone()).prompt("hi").cancellation_token(token.clone()).start();
    let mut deltas = result.text_stream();
    assert_eq!(deltas.next().await.unwrap().unwrap(), "a");
    token.cancel();
    assert!(matches!(deltas.next().await, Some(Err(Error::Cancelled))));
    assert_eq!(model.streams_dropped_early(), 1);
}

#[tokio::test]
async fn cancellation_stops_deltas_that_are_already_there() {
    // Every delta is ready at once: the guards are asked between them, not only when waiting.
    let model = MockLanguageModel::new().with_stream(MockStream::text(["a", "b", "c", "d"]));
    let token = CancellationToken::new();
    let mut result = stream_text(model.clone()).prompt("hi").cancellation_token(token.clone()).start();
    let mut deltas = result.text_stream();
    assert_eq!(deltas.next().await.unwrap().unwrap(), "a");
    assert_eq!(deltas.next().await.unwrap().unwrap(), "b");
    token.cancel();
    assert!(matches!(deltas.next().await, Some(Err(Error::Cancelled))));
    assert!(deltas.next().await.is_none());
    assert_eq!(model.streams_dropped_early(), 1);
}

/// A text block whose second delta comes an hour after the first.
fn stalled_stream() -> MockStream {
    let id: crate::provider::BlockId = Arc::from("t");
    MockStream::new()
        .part(StreamPart::StreamStart { warnings: Vec::new() })
        .part(StreamPart::TextStart { id: id.clone(), provider_metadata: None })
        .part(StreamPart::TextDelta { id: id.clone(), delta: "a".into() })
        .delay(Duration::from_secs(3_600))
        .part(StreamPart::TextDelta { id, delta: "b".into() })
}

#[tokio::test(start_paused = true)]
async fn the_total_timeout_fires_while_a_delta_is_awaited() {
    let model = MockLanguageModel::new().with_stream(stalled_stream());
    let started = tokio::time::Instant::now();
    let mut result = stream_text(model.clone()).prompt("hi").timeout(Duration::from_secs(2)).start();
    let mut deltas = result.text_stream();
    assert_eq!(deltas.next().await.unwrap().unwrap(), "a");
    let error = deltas.next().await.unwrap().unwrap_err();
    assert!(matches!(error, Error::Timeout { kind: TimeoutKind::Total, .. }), "{error:?}");
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    assert_eq!(model.streams_dropped_early(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_stream_moved_to_another_task_is_woken_there_by_its_timeout() {
    let model = MockLanguageModel::new().with_stream(stalled_stream());
    let started = tokio::time::Instant::now();
    let mut result = stream_text(model).prompt("hi").timeout(Duration::from_secs(2)).start();
    // Up to the first delta and one wait in this task: the guards know this task's waker.
    while !matches!(futures::poll!(result.next()), std::task::Poll::Ready(Some(Ok(TextStreamPart::TextDelta { .. })))) {}
    assert!(futures::poll!(result.next()).is_pending());
    let error = tokio::spawn(async move {
        loop {
            match result.next().await {
                Some(Ok(_)) => continue,
                Some(Err(error)) => return error,
                None => panic!("the stream ended without the timeout"),
            }
        }
    })
    .await
    .unwrap();
    assert!(matches!(error, Error::Timeout { kind: TimeoutKind::Total, .. }), "{error:?}");
    // Not an hour: the other task was woken by the deadline, not by the model's next delta.
    assert_eq!(started.elapsed(), Duration::from_secs(2));
}

#[cfg(feature = "schemars")]
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
struct Recipe {
    name: String,
    steps: Vec<String>,
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn partial_output_streams_and_final_output_parses() {
    let model = MockLanguageModel::new().with_stream(MockStream::text([
        r#"{"name":"#,
        r#""Soup","steps":["#,
        r#""boil"]}"#,
    ]));
    let mut result = stream_text(model.clone()).prompt("a recipe").output(Output::object::<Recipe>()).start();
    let partials: Vec<_> = result.partial_output_stream().map(Result::unwrap).collect().await;
    assert!(partials.len() >= 2, "{partials:?}");
    let recipe = result.output().await.unwrap();
    assert_eq!(recipe, Recipe { name: "Soup".into(), steps: vec!["boil".into()] });
    assert!(matches!(model.calls()[0].response_format, Some(ResponseFormat::Json { .. })));
}

#[cfg(feature = "schemars")]
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
struct Hero {
    name: String,
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn element_stream_yields_each_element_once() {
    let model = MockLanguageModel::new().with_stream(MockStream::text([
        r#"{"elements":[{"name":"#,
        r#""Ada"},{"name":"Grace"#,
        r#""},{"name":"Linus"}"#,
        r#"]}"#,
    ]));
    let mut result = stream_text(model).prompt("heroes").output(Output::array::<Hero>()).start();
    let heroes: Vec<Hero> = result.element_stream().map(Result::unwrap).collect().await;
    let names: Vec<&str> = heroes.iter().map(|hero| hero.name.as_str()).collect();
    assert_eq!(names, ["Ada", "Grace", "Linus"]);
}

/// The allocations of a `stream_text` call whose mock model streams `deltas` text deltas, read
/// through the text stream, counted on this thread.
fn allocations_of_a_text_stream(deltas: usize) -> u64 {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let model = MockLanguageModel::new().with_stream(MockStream::text((0..deltas).map(|_| "abcd")));
    let measured = allocation_counter::measure(|| {
        runtime.block_on(async {
            let mut result = stream_text(model).prompt("x").start();
            let mut text = result.text_stream();
            let mut read = 0;
            while let Some(delta) = text.next().await {
                delta.unwrap();
                read += 1;
            }
            assert_eq!(read, deltas);
        });
    });
    measured.count_total
}

/// A text delta passes through `stream_text` without an allocation of its own: the provider's
/// string is handed on, and the step's text grows by doubling (one allocation per doubling).
/// Counted per thread; an allocation added per delta fails here, where no benchmark runs (CI).
#[test]
fn text_deltas_pass_through_stream_text_without_allocating() {
    let counts = [100, 200, 400].map(allocations_of_a_text_stream);
    assert!(counts[1] - counts[0] <= 1 && counts[2] - counts[1] <= 1, "allocations for 100, 200 and 400 deltas: {counts:?}");
}
