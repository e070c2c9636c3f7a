// Imports that only the tests of typed tools and outputs use are unused without `schemars`.
#![cfg_attr(not(feature = "schemars"), allow(unused_imports))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{HeaderMap, HeaderValue};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::*;
use crate::error::{ApiCallError, Error, TimeoutKind};
use crate::prepare_step::PrepareStepResult;
use crate::provider::{
    AssistantPart, Content, FinishReason, Message, ResponseFormat, ToolCall, ToolChoice, ToolResult, ToolResultOutput,
};
use crate::stop_condition::{has_tool_call, step_count_is};
use crate::test_util::{MockLanguageModel, text_response, tool_calls_response};
use crate::tool::{Tool, ToolError, ToolSet};

#[cfg(feature = "schemars")]
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct CityInput {
    city: String,
}

/// Two tools that both wait on one barrier: they finish only if they run at the same time.
#[cfg(feature = "schemars")]
fn barrier_tools() -> ToolSet {
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let weather_barrier = barrier.clone();
    ToolSet::new()
        .with(
            "weather",
            Tool::typed::<CityInput>("Weather in a city").execute(move |input: CityInput, _| {
                let barrier = weather_barrier.clone();
                async move {
                    barrier.wait().await;
                    Ok::<_, ToolError>(json!({"city": input.city, "celsius": 21}))
                }
            }),
        )
        .with(
            "time",
            Tool::typed::<CityInput>("Time in a city").execute(move |input: CityInput, _| {
                let barrier = barrier.clone();
                async move {
                    barrier.wait().await;
                    Ok::<_, ToolError>(format!("noon in {}", input.city))
                }
            }),
        )
}

#[tokio::test]
async fn single_step_text() {
    let model = MockLanguageModel::new().with_response(text_response("Hello!"));
    let result = generate_text(model.clone()).system("be nice").prompt("Hi").temperature(0.2).await.unwrap();
    assert_eq!(result.text(), "Hello!");
    assert_eq!(result.output, "Hello!");
    assert_eq!(result.steps.len(), 1);
    assert_eq!(result.total_usage.total_tokens(), Some(15));
    let calls = model.calls();
    assert_eq!(calls[0].prompt, vec![Message::system("be nice"), Message::user("Hi")]);
    assert_eq!(calls[0].temperature, Some(0.2));
    assert!(calls[0].tools.is_empty());
    assert_eq!(calls[0].response_format, None);
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn three_step_loop_runs_two_tools_concurrently() {
    let model = MockLanguageModel::new()
        .with_response(tool_calls_response([
            ("c1", "weather", json!({"city": "Paris"})),
            ("c2", "time", json!({"city": "Paris"})),
        ]))
        .with_response(tool_calls_response([("c3", "weather", json!({"city": "Rome"})), ("c4", "time", json!({"city": "Rome"}))]))
        .with_response(text_response("Paris: 21°C at noon; Rome too."));
    let finished_steps = Arc::new(AtomicUsize::new(0));
    let counter = finished_steps.clone();
    let result = tokio::time::timeout(
        Duration::from_secs(5),
        generate_text(model.clone())
            .prompt("Weather and time in Paris and Rome?")
            .tools(barrier_tools())
            .stop_when(step_count_is(5))
            .on_step_finish(move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
            })
            .into_future(),
    )
    .await
    .expect("the tools deadlock unless they run concurrently")
    .unwrap();
    assert_eq!(result.steps.len(), 3);
    assert_eq!(finished_steps.load(Ordering::SeqCst), 3);
    assert_eq!(result.text(), "Paris: 21°C at noon; Rome too.");
    let first = &result.steps[0];
    let results: Vec<_> = first.tool_results().collect();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].output, json!({"city": "Paris", "celsius": 21}));
    assert_eq!(results[1].output, json!("noon in Paris"));
    assert_eq!(result.total_usage.input_tokens.total, Some(30));
    // The third call saw the whole conversation: user, then assistant + tool per step.
    let calls = model.calls();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[2].prompt.len(), 5);
    assert_eq!(calls[2].tools.len(), 2);
    assert!(matches!(&calls[1].prompt[2], Message::Tool { content, .. } if content.len() == 2));
    // The response messages are what a caller appends for the next turn.
    let messages = result.response_messages();
    assert_eq!(messages.len(), 5);
    assert_eq!(messages[..4], calls[2].prompt[1..]);
    assert_eq!(messages[4], Message::assistant("Paris: 21°C at noon; Rome too."));
}

#[tokio::test]
async fn tools_see_the_conversation_and_their_call_id() {
    let model = MockLanguageModel::new().with_response(tool_calls_response([("c7", "inspect", json!({}))]));
    let inspect = Tool::dynamic("Inspect", json!({"type": "object"})).execute(|_, context: crate::tool::ToolContext| async move {
        Ok::<_, ToolError>(json!({"id": context.tool_call_id, "messages": context.messages.len()}))
    });
    let result = generate_text(model).system("s").prompt("hi").tool("inspect", inspect).await.unwrap();
    assert_eq!(result.tool_results().next().unwrap().output, json!({"id": "c7", "messages": 1}));
}

#[tokio::test]
async fn default_stop_runs_tools_once_and_returns() {
    let model = MockLanguageModel::new().with_response(tool_calls_response([("c1", "echo", json!({"x": 1}))]));
    let echo = Tool::dynamic("Echo", json!({"type": "object"})).execute(|input: Value, _| async move { Ok::<_, ToolError>(input) });
    let result = generate_text(model.clone()).prompt("echo").tool("echo", echo).await.unwrap();
    assert_eq!(model.call_count(), 1);
    assert_eq!(result.finish_reason(), FinishReason::ToolCalls);
    assert_eq!(result.tool_results().next().unwrap().output, json!({"x": 1}));
}

#[tokio::test]
async fn failing_tool_goes_back_to_the_model_as_an_error_result() {
    let model = MockLanguageModel::new()
        .with_response(tool_calls_response([("c1", "flaky", json!({}))]))
        .with_response(text_response("Sorry, the tool failed."));
    let flaky = Tool::dynamic("Fails", json!({"type": "object"}))
        .execute(|_, _| async { Err::<Value, _>("database is down".into()) });
    let result = generate_text(model.clone()).prompt("go").tool("flaky", flaky).stop_when(step_count_is(3)).await.unwrap();
    assert_eq!(result.steps.len(), 2);
    assert_eq!(result.text(), "Sorry, the tool failed.");
    let errors: Vec<_> = result.steps[0].tool_errors().collect();
    assert!(matches!(&errors[0].error, Error::ToolExecution { message, .. } if message == "database is down"));
    let second_prompt = &model.calls()[1].prompt;
    match &second_prompt[2] {
        Message::Tool { content, .. } => {
            assert_eq!(content[0].output, ToolResultOutput::error_text("tool `flaky` failed: database is down"))
        }
        other => panic!("{other:?}"),
    }
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn unknown_tool_is_repaired_by_the_hook() {
    let model = MockLanguageModel::new()
        .with_response(tool_calls_response([("c1", "get_weather", json!({"city": "Oslo"}))]))
        .with_response(text_response("Cold."));
    let seen_errors = Arc::new(Mutex::new(Vec::new()));
    let seen = seen_errors.clone();
    let result = generate_text(model.clone())
        .prompt("Weather in Oslo?")
        .tools(barrier_tools())
        .active_tools(["weather"])
        .stop_when(step_count_is(2))
        .repair_tool_call(move |request| {
            seen.lock().unwrap().push(request.error.to_string());
            async move {
                assert_eq!(request.tools.len(), 1);
                let mut call = request.tool_call;
                call.tool_name = "weather".into();
                Ok(Some(call))
            }
        })
        .tool("weather", Tool::typed::<CityInput>("Weather").execute(|input: CityInput, _| async move {
            Ok::<_, ToolError>(format!("cold in {}", input.city))
        }))
        .await
        .unwrap();
    assert!(seen_errors.lock().unwrap()[0].contains("get_weather"));
    let call = result.steps[0].tool_calls().next().unwrap();
    assert_eq!(call.tool_name, "weather");
    assert!(!call.invalid);
    assert_eq!(result.steps[0].tool_results().next().unwrap().output, json!("cold in Oslo"));
    assert_eq!(result.text(), "Cold.");
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn unrepaired_invalid_input_becomes_an_error_result() {
    let model = MockLanguageModel::new()
        .with_response(tool_calls_response([("c1", "weather", json!({"town": "Oslo"}))]))
        .with_response(text_response("Let me retry."));
    let result = generate_text(model)
        .prompt("Weather?")
        .tool("weather", Tool::typed::<CityInput>("Weather").execute(|_: CityInput, _| async { Ok::<_, ToolError>(1) }))
        .stop_when(step_count_is(2))
        .await
        .unwrap();
    let step = &result.steps[0];
    assert!(step.tool_calls().next().unwrap().invalid);
    assert!(matches!(step.tool_errors().next().unwrap().error, Error::InvalidToolInput { .. }));
    assert_eq!(result.steps.len(), 2);
}

#[tokio::test]
async fn has_tool_call_stops_the_loop() {
    let model = MockLanguageModel::new()
        .with_response(tool_calls_response([("c1", "search", json!({}))]))
        .with_response(tool_calls_response([("c2", "answer", json!({}))]))
        .with_response(text_response("never asked"));
    let tool = || Tool::dynamic("t", json!({"type": "object"})).execute(|_, _| async { Ok::<_, ToolError>("ok") });
    let result = generate_text(model.clone())
        .prompt("go")
        .tool("search", tool())
        .tool("answer", tool())
        .stop_when(step_count_is(10))
        .stop_when(has_tool_call("answer"))
        .await
        .unwrap();
    assert_eq!(result.steps.len(), 2);
    assert_eq!(model.call_count(), 2);
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn tool_without_execute_ends_the_loop_with_the_call() {
    let model = MockLanguageModel::new().with_response(tool_calls_response([("c1", "ask_user", json!({"city": "Oslo"}))]));
    let result = generate_text(model.clone())
        .prompt("go")
        .tool("ask_user", Tool::typed::<CityInput>("Ask the user").without_execute())
        .stop_when(step_count_is(10))
        .await
        .unwrap();
    assert_eq!(model.call_count(), 1);
    assert_eq!(result.tool_calls().next().unwrap().input, json!({"city": "Oslo"}));
    assert!(result.tool_results().next().is_none());
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn the_results_content_accessors_are_iterators_as_a_steps_are() {
    fn call_ids<'a>(calls: impl Iterator<Item = &'a crate::step::ParsedToolCall>) -> Vec<&'a str> {
        calls.map(|call| call.tool_call_id.as_str()).collect()
    }
    let model = MockLanguageModel::new().with_response(tool_calls_response([("c1", "ask_user", json!({"city": "Oslo"})), ("c2", "ask_user", json!({"city": "Rome"}))]));
    let result = generate_text(model).prompt("go").tool("ask_user", Tool::typed::<CityInput>("Ask").without_execute()).await.unwrap();
    // The same code reads the final step's calls from the result or from the step.
    assert_eq!(call_ids(result.tool_calls()), ["c1", "c2"]);
    assert_eq!(call_ids(result.tool_calls()), call_ids(result.steps[0].tool_calls()));
    assert_eq!(result.tool_results().count() + result.tool_errors().count() + result.files().count() + result.sources().count(), 0);
}

#[tokio::test]
async fn prepare_step_switches_tool_choice_and_system() {
    let model = MockLanguageModel::new()
        .with_response(tool_calls_response([("c1", "search", json!({}))]))
        .with_response(text_response("done"));
    let search = Tool::dynamic("Search", json!({"type": "object"})).execute(|_, _| async { Ok::<_, ToolError>("found") });
    let result = generate_text(model.clone())
        .system("base")
        .prompt("go")
        .tool("search", search)
        .tool("other", Tool::dynamic("Other", json!({"type": "object"})))
        .stop_when(step_count_is(3))
        .prepare_step(|context| match context.step_number {
            0 => PrepareStepResult::new()
                .tool_choice(ToolChoice::Tool { tool_name: "search".into() })
                .active_tools(["search"]),
            _ => PrepareStepResult::new().tool_choice(ToolChoice::None).system("answer now"),
        })
        .await
        .unwrap();
    assert_eq!(result.text(), "done");
    let calls = model.calls();
    assert_eq!(calls[0].tool_choice, Some(ToolChoice::Tool { tool_name: "search".into() }));
    assert_eq!(calls[0].tools.len(), 1);
    assert_eq!(calls[1].tool_choice, Some(ToolChoice::None));
    assert_eq!(calls[1].tools.len(), 2);
    assert_eq!(calls[1].prompt[0], Message::system("answer now"));
    assert_eq!(calls[0].prompt[0], Message::system("base"));
    // The conversation given to step 1 has no duplicated system message.
    assert_eq!(calls[1].prompt.iter().filter(|message| matches!(message, Message::System { .. })).count(), 1);
}

#[tokio::test]
async fn prepare_step_switches_the_model() {
    let first = MockLanguageModel::new().with_response(tool_calls_response([("c1", "search", json!({}))]));
    let second = MockLanguageModel::with_ids("mock", "bigger-model").with_response(text_response("done"));
    let search = Tool::dynamic("Search", json!({"type": "object"})).execute(|_, _| async { Ok::<_, ToolError>("found") });
    let switch_to = second.clone();
    let result = generate_text(first.clone())
        .prompt("go")
        .tool("search", search)
        .stop_when(step_count_is(2))
        .prepare_step(move |context| match context.step_number {
            0 => PrepareStepResult::new(),
            _ => PrepareStepResult::new().model(switch_to.clone()),
        })
        .await
        .unwrap();
    assert_eq!(result.text(), "done");
    assert_eq!((first.call_count(), second.call_count()), (1, 1));
    assert_eq!(second.calls()[0].prompt.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn retries_honour_retry_after() {
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", HeaderValue::from_static("5"));
    let model = MockLanguageModel::new()
        .with_error(ApiCallError::new(429, "http://127.0.0.1/v1/x", "slow down").with_headers(headers))
        .with_response(text_response("ok"));
    let started = tokio::time::Instant::now();
    let result = generate_text(model.clone()).prompt("hi").await.unwrap();
    assert_eq!(result.text(), "ok");
    assert_eq!(model.call_count(), 2);
    assert_eq!(started.elapsed(), Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn max_retries_zero_fails_at_once() {
    let model = MockLanguageModel::new().with_error(ApiCallError::new(503, "http://x", "down")).with_response(text_response("ok"));
    let error = generate_text(model.clone()).prompt("hi").max_retries(0).await.unwrap_err();
    assert!(matches!(error, Error::ApiCall(_)));
    assert_eq!(model.call_count(), 1);
}

#[tokio::test(start_paused = true)]
async fn step_and_total_timeouts_fire() {
    let model = MockLanguageModel::new().with_delayed_response(Duration::from_secs(30), text_response("late"));
    let error = generate_text(model).prompt("hi").step_timeout(Duration::from_secs(1)).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { kind: TimeoutKind::Step, .. }), "{error:?}");
    let model = MockLanguageModel::new().with_delayed_response(Duration::from_secs(30), text_response("late"));
    let error = generate_text(model).prompt("hi").timeout(Duration::from_secs(2)).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { kind: TimeoutKind::Total, .. }), "{error:?}");
}

#[tokio::test(start_paused = true)]
async fn cancellation_token_cancels() {
    let model = MockLanguageModel::new().with_delayed_response(Duration::from_secs(30), text_response("late"));
    let token = CancellationToken::new();
    let cancel = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        cancel.cancel();
    });
    let error = generate_text(model).prompt("hi").cancellation_token(token).await.unwrap_err();
    assert!(matches!(error, Error::Cancelled));
}

#[tokio::test(start_paused = true)]
async fn a_call_moved_to_another_task_is_woken_there_by_its_timeout() {
    let model = MockLanguageModel::new().with_delayed_response(Duration::from_secs(3_600), text_response("late"));
    let started = tokio::time::Instant::now();
    let mut call = generate_text(model).prompt("hi").timeout(Duration::from_secs(2)).into_future();
    // One wait in this task: the guards know its waker.
    assert!(futures::poll!(&mut call).is_pending());
    let error = tokio::spawn(call).await.unwrap().unwrap_err();
    assert!(matches!(error, Error::Timeout { kind: TimeoutKind::Total, .. }), "{error:?}");
    // Not an hour: the other task was woken by the deadline, not by the model's answer.
    assert_eq!(started.elapsed(), Duration::from_secs(2));
}

#[tokio::test]
async fn invalid_arguments_fail_before_calling() {
    let model = MockLanguageModel::new().with_response(text_response("x"));
    let error = generate_text(model.clone()).await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }));
    let error = generate_text(model.clone()).prompt("hi").header("bad header", "v").await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }));
    assert_eq!(model.call_count(), 0);
}

#[tokio::test]
async fn provider_executed_tool_results_stay_in_the_assistant_message() {
    let mut response = text_response("Found it.");
    response.content.insert(
        0,
        Content::ToolCall(ToolCall::new("ws1", "web_search", r#"{"query":"rust"}"#).with_provider_executed(true)),
    );
    response.content.insert(
        1,
        Content::ToolResult(ToolResult::new("ws1", "web_search", json!([{"url": "https://rust-lang.org"}]))),
    );
    let model = MockLanguageModel::new().with_response(response);
    let result = generate_text(model)
        .prompt("search")
        .tool("web_search", Tool::provider_defined("openai.web_search", json!({})))
        .await
        .unwrap();
    let messages = result.response_messages();
    assert_eq!(messages.len(), 1);
    match &messages[0] {
        Message::Assistant { content, .. } => {
            assert!(matches!(&content[1], AssistantPart::ToolResult(part) if part.tool_call_id == "ws1"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(result.tool_results().next().unwrap().input, json!({"query": "rust"}));
}

#[tokio::test]
async fn callbacks_see_every_step_and_the_total() {
    let model = MockLanguageModel::new().with_response(text_response("a"));
    let finished = Arc::new(Mutex::new(None));
    let seen = finished.clone();
    generate_text(model)
        .prompt("hi")
        .on_finish(move |steps, usage| *seen.lock().unwrap() = Some((steps.len(), usage.total_tokens())))
        .await
        .unwrap();
    assert_eq!(*finished.lock().unwrap(), Some((1, Some(15))));
}

#[cfg(feature = "schemars")]
#[derive(Debug, PartialEq, Deserialize, schemars::JsonSchema)]
struct Forecast {
    city: String,
    celsius: f64,
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn typed_structured_output() {
    let model = MockLanguageModel::new().with_response(text_response(r#"{"city":"Oslo","celsius":-3.5}"#));
    let result = generate_text(model.clone()).prompt("forecast").output(crate::output::Output::object::<Forecast>()).await.unwrap();
    assert_eq!(result.output, Forecast { city: "Oslo".into(), celsius: -3.5 });
    match &model.calls()[0].response_format {
        Some(ResponseFormat::Json { schema: Some(schema), .. }) => assert_eq!(schema["properties"]["city"]["type"], "string"),
        other => panic!("{other:?}"),
    }
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn unparseable_output_is_no_object_generated() {
    let model = MockLanguageModel::new().with_response(text_response("It is cold."));
    let error = generate_text(model).prompt("forecast").output(crate::output::Output::object::<Forecast>()).await.unwrap_err();
    match error {
        Error::NoObjectGenerated(details) => {
            assert_eq!(details.text.as_deref(), Some("It is cold."));
            assert_eq!(details.finish_reason, Some(FinishReason::Stop));
            assert_eq!(details.usage.total_tokens(), Some(15));
        }
        other => panic!("{other:?}"),
    }
}

/// The allocations of one `generate_text` call answered with text by a mock model, counted on
/// this thread: the prompt, the call options, the step and its result, the mock's own answer
/// (the step's response messages are built only when asked for: three fewer).
/// Held at most at today's count, so that an allocation added on the way fails here; the
/// benchmark that shows the generation layer's cost (`specai` against `specai-model`) does not
/// run in CI. Three of them (the builder's request and settings, the step's prepared options)
/// are boxes that keep the run's future small (see the next test): on sequential requests four
/// small blocks cost fewer instructions than one block past the allocator's cache (with 64 in
/// flight the two came out even).
#[test]
fn a_text_answer_takes_at_most_sixteen_allocations() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let model = MockLanguageModel::new().with_response(text_response("It is sunny."));
    let measured = allocation_counter::measure(|| {
        runtime.block_on(async {
            let result = generate_text(model).prompt("Say something.").max_retries(0).await.unwrap();
            assert_eq!(result.text(), "It is sunny.");
        });
    });
    assert!(measured.count_total <= 16, "{} allocations", measured.count_total);
}

/// Every request allocates its run's future. glibc serves blocks up to 1,032 bytes (with the
/// allocator's 8-byte header and rounding: 1,016 requested) from its per-thread cache; a larger
/// one takes the slow path, about 700 instructions more per request (issue 18). So the run
/// stays under that size, traced or not, with a deadline and a token or not.
#[test]
fn the_run_future_fits_the_allocators_small_block_cache() {
    const SMALL_BLOCK: usize = 1016;
    let call = || generate_text(MockLanguageModel::new()).prompt("Hello");
    let record = |_: &tracing::Span, _: &GenerateTextResult| {};
    let plain = call();
    let run = run::run(plain.request, plain.settings, plain.output);
    let traced = crate::telemetry::in_operation(tracing::Span::none(), run, record);
    assert!(std::mem::size_of_val(&traced) <= SMALL_BLOCK, "traced run: {} bytes", std::mem::size_of_val(&traced));
    let guarded = call();
    let run = run::run(guarded.request, guarded.settings, guarded.output);
    let guarded = run::guard(run, Some(Duration::from_secs(1)), Some(CancellationToken::new()));
    let traced = crate::telemetry::in_operation(tracing::Span::none(), guarded, record);
    assert!(std::mem::size_of_val(&traced) <= SMALL_BLOCK, "guarded, traced run: {} bytes", std::mem::size_of_val(&traced));
}

/// A conversation whose tool call has no result is refused before any call, as the AI SDK
/// refuses it (`MissingToolResultsError`), rather than sent for the provider to reject.
#[tokio::test]
async fn a_tool_call_without_its_result_is_refused_before_the_model_is_called() {
    let call = AssistantPart::ToolCall(crate::provider::ToolCallPart::new("call_1", "weather", json!({"city": "Paris"})));
    let messages = vec![Message::user("Weather?"), Message::assistant_parts(vec![call]), Message::user("And tomorrow?")];
    let model = MockLanguageModel::new().with_response(text_response("no"));
    let error = generate_text(model.clone()).messages(messages).await.unwrap_err();
    assert!(matches!(&error, Error::MissingToolResults { tool_call_ids } if tool_call_ids == &["call_1"]), "{error:?}");
    assert_eq!(model.call_count(), 0);
}
