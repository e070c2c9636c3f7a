// Imports that only the tests of typed tools and outputs use are unused without `schemars`.
#![cfg_attr(not(feature = "schemars"), allow(unused_imports))]

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use super::*;
use crate::error::{Error, TimeoutKind};
use crate::provider::ToolCall;
use crate::step::{ParsedToolCall, StepContent, ToolCallResult};

#[cfg(feature = "schemars")]
#[derive(Debug, Deserialize, JsonSchema)]
struct WeatherInput {
    /// The city.
    city: String,
}

fn call(name: &str, input: &str) -> ToolCall {
    ToolCall::new("call_1", name, input)
}

fn no_messages() -> Arc<[Message]> {
    Arc::from(Vec::new())
}

/// Runs a call with the approval check and these hooks: its preliminary outputs and outcome.
async fn run_with(
    tools: &ToolSet,
    call: &ParsedToolCall,
    timeout: Option<Duration>,
    hooks: &ToolCallHooks,
) -> (Vec<ToolCallResult>, StepContent) {
    let execution = ToolExecution { timeout, cancellation_token: None, hooks, check_approval: true, record_content: false };
    let events: Vec<ToolEvent> = execute_tool_call(tools, call, &execution, no_messages).unwrap().collect().await;
    let mut preliminary = Vec::new();
    let mut outcome = None;
    for event in events {
        match event {
            ToolEvent::Preliminary(result) => preliminary.push(result),
            ToolEvent::Outcome(content) => {
                assert!(outcome.is_none(), "one outcome per execution");
                outcome = Some(content);
            }
        }
    }
    (preliminary, outcome.expect("an outcome"))
}

/// The outcome of a call run without hooks.
async fn run(tools: &ToolSet, call: &ParsedToolCall, timeout: Option<Duration>) -> StepContent {
    run_with(tools, call, timeout, &ToolCallHooks::default()).await.1
}

#[cfg(feature = "schemars")]
fn weather_tools() -> ToolSet {
    ToolSet::new().with(
        "weather",
        Tool::typed::<WeatherInput>("Weather in a city")
            .execute(|input: WeatherInput, _context| async move { Ok::<_, ToolError>(format!("sunny in {}", input.city)) }),
    )
}

#[cfg(feature = "schemars")]
#[test]
fn typed_tools_derive_their_schema() {
    let tools = weather_tools();
    let definition = tools.definitions(None).remove(0);
    let ToolDefinition::Function(function) = definition else { panic!() };
    assert_eq!(function.name, "weather");
    assert_eq!(function.input_schema["properties"]["city"]["type"], "string");
    assert!(function.input_schema.get("$schema").is_none());
}

#[cfg(feature = "schemars")]
#[test]
fn parsing_checks_name_activity_and_input() {
    let tools = weather_tools();
    assert_eq!(parse_tool_call(&call("weather", r#"{"city":"Oslo"}"#), &tools, None).unwrap().input["city"], "Oslo");
    assert!(matches!(parse_tool_call(&call("nope", "{}"), &tools, None), Err(Error::NoSuchTool { .. })));
    assert!(matches!(
        parse_tool_call(&call("weather", "{}"), &tools, None),
        Err(Error::InvalidToolInput { .. })
    ));
    assert!(matches!(
        parse_tool_call(&call("weather", "{not json"), &tools, None),
        Err(Error::InvalidToolInput { .. })
    ));
    let active = vec!["other".to_owned()];
    assert!(matches!(
        parse_tool_call(&call("weather", r#"{"city":"Oslo"}"#), &tools, Some(&active)),
        Err(Error::NoSuchTool { .. })
    ));
}

#[tokio::test]
async fn execution_errors_and_timeouts_become_tool_errors() {
    let tools = ToolSet::new()
        .with("fails", Tool::dynamic("fails", json!({})).execute(|_, _| async { Err::<Value, _>("boom".into()) }))
        .with(
            "slow",
            Tool::dynamic("slow", json!({})).execute(|_, _| async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                Ok::<_, ToolError>(1)
            }),
        );
    let failing = parse_tool_call(&call("fails", "{}"), &tools, None).unwrap();
    match run(&tools, &failing, None).await {
        StepContent::ToolError(failure) => assert!(failure.error.to_string().contains("boom")),
        other => panic!("{other:?}"),
    }
    let slow = parse_tool_call(&call("slow", "{}"), &tools, None).unwrap();
    tokio::time::pause();
    match run(&tools, &slow, Some(Duration::from_millis(5))).await {
        StepContent::ToolError(failure) => {
            assert!(matches!(failure.error, Error::Timeout { kind: TimeoutKind::Tool, .. }))
        }
        other => panic!("{other:?}"),
    }
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn typed_tools_receive_the_deserialized_input() {
    let tools = weather_tools();
    let parsed_call = parse_tool_call(&call("weather", r#"{"city":"Oslo"}"#), &tools, None).unwrap();
    match run(&tools, &parsed_call, None).await {
        StepContent::ToolResult(result) => assert_eq!(result.output, json!("sunny in Oslo")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn to_model_output_shapes_what_the_model_receives() {
    use crate::provider::ToolResultContent;
    let tools = ToolSet::new().with(
        "screenshot",
        Tool::dynamic("Screenshot", json!({"type": "object"}))
            .execute(|_, _| async { Ok::<_, ToolError>(json!({"png": "AQID"})) })
            .to_model_output(|output| {
                ToolResultOutput::content(vec![ToolResultContent::media(
                    output["png"].as_str().unwrap_or_default().to_owned(),
                    "image/png",
                )])
            }),
    );
    let parsed_call = parse_tool_call(&call("screenshot", "{}"), &tools, None).unwrap();
    let content = run(&tools, &parsed_call, None).await;
    let messages = crate::step::response_messages(&[StepContent::ToolCall(parsed_call), content]);
    match &messages[1] {
        Message::Tool { content, .. } => assert!(matches!(&content[0].output, ToolResultOutput::Content { .. })),
        other => panic!("{other:?}"),
    }
}

#[test]
fn dynamic_tools_check_input_against_their_schema() {
    let schema = json!({
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "days": {"type": "integer"},
            "units": {"enum": ["metric", "imperial"]},
            "tags": {"type": "array", "items": {"type": "string"}}
        },
        "required": ["city"],
        "additionalProperties": false
    });
    let tools = ToolSet::new().with("forecast", Tool::dynamic("Forecast", schema));
    let parse = |input: &str| parse_tool_call(&call("forecast", input), &tools, None);
    assert!(parse(r#"{"city":"Oslo","days":3,"units":"metric","tags":["a"]}"#).is_ok());
    for (input, expected) in [
        (r#"{"days":3}"#, "required property `city`"),
        (r#"{"city":1}"#, "input.city should be of type"),
        (r#"{"city":"Oslo","days":1.5}"#, "input.days"),
        (r#"{"city":"Oslo","units":"kelvin"}"#, "input.units should be one of"),
        (r#"{"city":"Oslo","tags":[1]}"#, "input.tags[0]"),
        (r#"{"city":"Oslo","extra":true}"#, "unexpected property `extra`"),
        (r#"[1]"#, "input should be of type"),
    ] {
        match parse(input) {
            Err(Error::InvalidToolInput { message, .. }) => assert!(message.contains(expected), "{input}: {message}"),
            other => panic!("{input}: {other:?}"),
        }
    }
}

/// Regression: `.execute(|input, _| async move { Ok(..) })` failed with E0283 (the error type
/// was generic); it compiles as written, and `?` works on common error types.
#[cfg(feature = "schemars")]
#[tokio::test]
async fn execute_closures_need_no_turbofish_and_take_question_marks() {
    #[derive(Deserialize, schemars::JsonSchema)]
    struct Input {
        path: String,
    }
    let plain = Tool::typed::<Input>("echo").execute(|input: Input, _| async move { Ok(format!("read {}", input.path)) });
    let with_io = Tool::typed::<Input>("read").execute(|input: Input, _| async move {
        let text = std::fs::read_to_string(&input.path)?;
        Ok(text.len())
    });
    let with_json = Tool::dynamic("parse", json!({"type": "object"})).execute(|input, _| async move {
        let value: serde_json::Value = serde_json::from_str(input["text"].as_str().unwrap_or("{"))?;
        Ok(value)
    });
    let with_reqwest = Tool::dynamic("fetch", json!({"type": "object"})).execute(|_, _| async move {
        let request = reqwest::Client::new().get("not a url").build()?;
        Ok(request.url().to_string())
    });
    let run = |tool: Tool, input: serde_json::Value| async move {
        let context = ToolContext { tool_call_id: "call_1".into(), messages: Arc::from(Vec::new()), cancellation_token: CancellationToken::new() };
        (tool.execute.clone().unwrap())(input, context).next().await.unwrap()
    };
    assert_eq!(run(plain, json!({"path": "a"})).await.unwrap(), json!("read a"));
    let missing = run(with_io, json!({"path": "/no/such/file/specai"})).await.unwrap_err();
    assert!(missing.to_string().contains("No such file"), "{missing}");
    assert!(run(with_json, json!({"text": "{oops"})).await.is_err());
    assert!(run(with_reqwest, json!({})).await.unwrap_err().to_string().contains("builder error"));
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn streaming_tools_report_each_output_as_preliminary_and_the_last_as_the_result() {
    let tools = ToolSet::new().with(
        "report",
        Tool::typed::<WeatherInput>("Builds a report").execute_streaming(|input: WeatherInput, _context| {
            stream::iter([Ok::<_, ToolError>(format!("looking up {}", input.city)), Ok("sunny".to_owned())])
        }),
    );
    let parsed_call = parse_tool_call(&call("report", r#"{"city":"Oslo"}"#), &tools, None).unwrap();
    let (preliminary, outcome) = run_with(&tools, &parsed_call, None, &ToolCallHooks::default()).await;
    let outputs: Vec<_> = preliminary.iter().map(|result| (result.output.clone(), result.preliminary)).collect();
    assert_eq!(outputs, [(json!("looking up Oslo"), true), (json!("sunny"), true)]);
    match outcome {
        StepContent::ToolResult(result) => {
            assert_eq!(result.output, json!("sunny"));
            assert!(!result.preliminary);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_streaming_tool_that_fails_or_yields_nothing_is_a_tool_error() {
    let tools = ToolSet::new()
        .with(
            "fails",
            Tool::dynamic("fails", json!({})).execute_streaming(|_, _| {
                stream::iter([Ok::<_, ToolError>(json!(1)), Err("broken pipe".into()), Ok(json!(2))])
            }),
        )
        .with("empty", Tool::dynamic("empty", json!({})).execute_streaming(|_, _| stream::empty::<Result<Value, ToolError>>()));
    let failing = parse_tool_call(&call("fails", "{}"), &tools, None).unwrap();
    let (preliminary, outcome) = run_with(&tools, &failing, None, &ToolCallHooks::default()).await;
    assert_eq!(preliminary.len(), 1);
    assert!(matches!(outcome, StepContent::ToolError(failure) if failure.error.to_string().contains("broken pipe")));
    let empty = parse_tool_call(&call("empty", "{}"), &tools, None).unwrap();
    match run(&tools, &empty, None).await {
        StepContent::ToolError(failure) => assert!(failure.error.to_string().contains("without an output"), "{}", failure.error),
        other => panic!("{other:?}"),
    }
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn calls_that_need_approval_are_not_executed() {
    let executions = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = |executions: Arc<std::sync::atomic::AtomicUsize>| {
        move |_input: Value, _context: ToolContext| {
            let executions = executions.clone();
            async move {
                executions.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok::<_, ToolError>("done")
            }
        }
    };
    let tools = ToolSet::new()
        .with("always", Tool::dynamic("a", json!({})).execute(counted(executions.clone())).needs_approval(true))
        .with("never", Tool::dynamic("n", json!({})).execute(counted(executions.clone())).needs_approval(false))
        .with(
            "large",
            Tool::typed::<WeatherInput>("l")
                .needs_approval_when(|input: WeatherInput, context| async move {
                    assert_eq!(context.tool_call_id, "call_1");
                    input.city.len() > 4
                })
                .execute(|_input: WeatherInput, _context| async { Ok::<_, ToolError>("done") }),
        );
    assert!(tools.get("always").unwrap().may_need_approval() && !tools.get("never").unwrap().may_need_approval());
    let always = parse_tool_call(&call("always", "{}"), &tools, None).unwrap();
    match run(&tools, &always, None).await {
        StepContent::ToolApprovalRequest(request) => {
            assert_eq!(request.tool_call, always);
            assert!(request.approval_id.starts_with("approval_"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(executions.load(std::sync::atomic::Ordering::SeqCst), 0);
    let never = parse_tool_call(&call("never", "{}"), &tools, None).unwrap();
    assert!(matches!(run(&tools, &never, None).await, StepContent::ToolResult(_)));
    assert_eq!(executions.load(std::sync::atomic::Ordering::SeqCst), 1);
    let long_city = parse_tool_call(&call("large", r#"{"city":"Berlin"}"#), &tools, None).unwrap();
    assert!(matches!(run(&tools, &long_city, None).await, StepContent::ToolApprovalRequest(_)));
    let short_city = parse_tool_call(&call("large", r#"{"city":"Oslo"}"#), &tools, None).unwrap();
    assert!(matches!(run(&tools, &short_city, None).await, StepContent::ToolResult(_)));
    // A call the caller approved runs without asking again.
    let execution =
        ToolExecution { timeout: None, cancellation_token: None, hooks: &ToolCallHooks::default(), check_approval: false, record_content: false };
    let events: Vec<ToolEvent> = execute_tool_call(&tools, &always, &execution, no_messages).unwrap().collect().await;
    assert!(matches!(events.as_slice(), [ToolEvent::Outcome(StepContent::ToolResult(_))]));
}

#[cfg(feature = "schemars")]
#[tokio::test]
async fn tool_call_hooks_see_each_execution_start_and_finish() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (on_start, on_finish) = (seen.clone(), seen.clone());
    let hooks = ToolCallHooks {
        on_start: Some(Arc::new(move |event: &ToolCallStartEvent<'_>| {
            on_start.lock().unwrap().push(format!("start {}", event.tool_call.tool_name));
        })),
        on_finish: Some(Arc::new(move |event: &ToolCallFinishEvent<'_>| {
            let outcome = match event.outcome {
                Ok(result) => result.output.to_string(),
                Err(error) => error.error.to_string(),
            };
            on_finish.lock().unwrap().push(format!("finish {} {outcome}", event.tool_call.tool_name));
        })),
    };
    let tools = weather_tools();
    let parsed_call = parse_tool_call(&call("weather", r#"{"city":"Oslo"}"#), &tools, None).unwrap();
    run_with(&tools, &parsed_call, None, &hooks).await;
    assert_eq!(*seen.lock().unwrap(), ["start weather", "finish weather \"sunny in Oslo\""]);
}
