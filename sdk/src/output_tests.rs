// Imports that only the tests of typed tools and outputs use are unused without `schemars`.
#![cfg_attr(not(feature = "schemars"), allow(unused_imports))]

use serde::Deserialize;

use super::*;

#[cfg(feature = "schemars")]
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
struct Recipe {
    name: String,
    steps: Vec<String>,
}

#[cfg(feature = "schemars")]
#[test]
fn object_output_sends_the_schema_and_parses_the_type() {
    let output = Output::object::<Recipe>().name("recipe");
    match output.response_format() {
        ResponseFormat::Json { schema: Some(schema), name, .. } => {
            assert_eq!(name.as_deref(), Some("recipe"));
            assert_eq!(schema["properties"]["steps"]["type"], "array");
            assert!(schema.get("$schema").is_none());
        }
        other => panic!("{other:?}"),
    }
    let recipe = output.parse_complete(r#"{"name": "tea", "steps": ["boil", "steep"]}"#).unwrap();
    assert_eq!(recipe, Recipe { name: "tea".into(), steps: vec!["boil".into(), "steep".into()] });
    let fenced = output.parse_complete("```json\n{\"name\": \"tea\", \"steps\": []}\n```").unwrap();
    assert_eq!(fenced.name, "tea");
    let error = output.parse_complete(r#"{"name": 3}"#).unwrap_err();
    assert!(error.source.is_some());
    let error = error.into_error(Some("{\"name\": 3}".into()), Usage::from_totals(Some(1), Some(2)), Some(FinishReason::Stop));
    match error {
        Error::NoObjectGenerated(details) => {
            assert_eq!(details.text.as_deref(), Some("{\"name\": 3}"));
            assert_eq!(details.usage.output_tokens.total, Some(2));
            assert_eq!(details.finish_reason, Some(FinishReason::Stop));
        }
        other => panic!("{other:?}"),
    }
}

#[cfg(feature = "schemars")]
#[test]
fn object_partials_grow_on_every_prefix() {
    let output = Output::object::<Recipe>();
    let text = r#"{"name": "tea", "steps": ["boil", "steep"]}"#;
    let mut previous: Option<Value> = None;
    let mut emitted = 0;
    for end in 1..=text.len() {
        if let Some(partial) = output.parse_partial(&text[..end])
            && output.is_new_partial(previous.as_ref(), &partial)
        {
            emitted += 1;
            previous = Some(partial);
        }
    }
    assert_eq!(previous, Some(serde_json::from_str(text).unwrap()));
    assert!(emitted > 5);
    assert_eq!(output.parse_partial("```json\n{\"name\": \"te").unwrap()["name"], "te");
}

#[cfg(feature = "schemars")]
#[test]
fn array_output_wraps_elements_and_streams_each_element_once() {
    let output = Output::array::<Recipe>();
    assert_eq!(output.schema()["properties"]["elements"]["items"]["properties"]["name"]["type"], "string");
    let text = r#"{"elements": [{"name": "a", "steps": []}, {"name": "b", "steps": ["x"]}, {"name": "c", "steps": []}]}"#;
    let mut cursor = ElementCursor::new();
    let mut streamed = Vec::new();
    for end in 1..=text.len() {
        if let Some(partial) = output.parse_partial(&text[..end]) {
            streamed.extend(cursor.next_elements(&partial).iter().cloned());
        }
    }
    let complete = output.parse_complete(text).unwrap();
    streamed.extend(cursor.next_elements(&complete).iter().cloned());
    assert_eq!(streamed, complete);
    assert_eq!(streamed.iter().map(|recipe| recipe.name.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    // A bare array is accepted as well.
    assert_eq!(output.parse_complete(r#"[{"name": "a", "steps": []}]"#).unwrap().len(), 1);
    assert_eq!(output.parse_partial(r#"[{"name": "a", "steps": []}, {"na"#).unwrap().len(), 1);
}

#[test]
fn choice_output_checks_the_options_and_narrows_partials() {
    let output = Output::choice(["sunny", "rainy", "snowy", "sunset"]);
    assert_eq!(output.parse_complete(r#"{"result": "rainy"}"#).unwrap(), "rainy");
    assert_eq!(output.parse_complete(r#""snowy""#).unwrap(), "snowy");
    assert!(output.parse_complete(r#"{"result": "foggy"}"#).is_err());
    assert_eq!(output.parse_partial(r#"{"result": "su"#).as_deref(), Some("su"));
    assert_eq!(output.parse_partial(r#"{"result": "sunn"#).as_deref(), Some("sunny"));
    assert_eq!(output.parse_partial(r#"{"result": "r"#).as_deref(), Some("rainy"));
    assert_eq!(output.parse_partial(r#"{"result": "x"#), None);
    assert_eq!(output.parse_partial(r#"{"res"#), None);
    match output.response_format() {
        ResponseFormat::Json { schema: Some(schema), .. } => assert_eq!(schema["properties"]["result"]["enum"][1], "rainy"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn text_and_json_outputs() {
    assert_eq!(Output::text().response_format(), ResponseFormat::Text);
    assert_eq!(Output::text().parse_complete("hi").unwrap(), "hi");
    let json = Output::json();
    assert_eq!(json.response_format(), ResponseFormat::Json { schema: None, name: None, description: None });
    assert_eq!(json.parse_complete("[1, {\"a\": null}]").unwrap(), json!([1, {"a": null}]));
    assert_eq!(json.parse_partial("[1, {\"a\": nu"), Some(json!([1, {"a": null}])));
    assert!(json.parse_complete("not json").is_err());
}
