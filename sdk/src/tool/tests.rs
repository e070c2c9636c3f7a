use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use super::*;
use crate::error::{Error, TimeoutKind};
use crate::provider::ToolCall;
use crate::step::StepContent;

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

fn weather_tools() -> ToolSet {
    ToolSet::new().with(
        "weather",
        Tool::typed::<WeatherInput>("Weather in a city")
            .execute(|input: WeatherInput, _context| async move { Ok::<_, ToolError>(format!("sunny in {}", input.city)) }),
    )
}

#[test]
fn typed_tools_derive_their_schema() {
    let tools = weather_tools();
    let definition = tools.definitions(None).remove(0);
    let ToolDefinition::Function(function) = definition else { panic!() };
    assert_eq!(function.name, "weather");
    assert_eq!(function.input_schema["properties"]["city"]["type"], "string");
    assert!(function.input_schema.get("$schema").is_none());
}

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
    match execute_tool_call(&tools, &failing, None, None, no_messages).unwrap().await {
        StepContent::ToolError(failure) => assert!(failure.error.to_string().contains("boom")),
        other => panic!("{other:?}"),
    }
    let slow = parse_tool_call(&call("slow", "{}"), &tools, None).unwrap();
    tokio::time::pause();
    match execute_tool_call(&tools, &slow, Some(Duration::from_millis(5)), None, no_messages).unwrap().await {
        StepContent::ToolError(failure) => {
            assert!(matches!(failure.error, Error::Timeout { kind: TimeoutKind::Tool, .. }))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn typed_tools_receive_the_deserialized_input() {
    let tools = weather_tools();
    let parsed_call = parse_tool_call(&call("weather", r#"{"city":"Oslo"}"#), &tools, None).unwrap();
    match execute_tool_call(&tools, &parsed_call, None, None, no_messages).unwrap().await {
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
    let content = execute_tool_call(&tools, &parsed_call, None, None, no_messages).unwrap().await;
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
        (tool.execute.clone().unwrap())(input, context).await
    };
    assert_eq!(run(plain, json!({"path": "a"})).await.unwrap(), json!("read a"));
    let missing = run(with_io, json!({"path": "/no/such/file/specai"})).await.unwrap_err();
    assert!(missing.to_string().contains("No such file"), "{missing}");
    assert!(run(with_json, json!({"text": "{oops"})).await.is_err());
    assert!(run(with_reqwest, json!({})).await.unwrap_err().to_string().contains("builder error"));
}
