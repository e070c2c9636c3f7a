//! The conversion rules on small models; the whole path (a sample model to OpenAPI to Rust) is
//! tested in codegen/tests/smithy.rs.

use serde_json::json;

use super::*;

fn model(shapes: Value) -> Value {
    json!({"smithy": "2.0", "shapes": shapes})
}

fn convert(shapes: Value) -> Value {
    to_openapi(&[model(shapes)], &mut Log::default()).unwrap()
}

fn operation(input_members: Value, output_members: Value) -> Value {
    json!({
        "a#Op": {"type": "operation", "input": {"target": "a#OpInput"}, "output": {"target": "a#OpOutput"},
                  "traits": {"smithy.api#http": {"method": "POST", "uri": "/op/{id}", "code": 200}}},
        "a#OpInput": {"type": "structure", "members": input_members},
        "a#OpOutput": {"type": "structure", "members": output_members}
    })
}

#[test]
fn timestamps_follow_their_location_unless_a_trait_says_otherwise() {
    let mut shapes = operation(
        json!({
            "id": {"target": "smithy.api#String", "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}}},
            "at": {"target": "smithy.api#Timestamp", "traits": {"smithy.api#httpHeader": "X-At"}},
            "body": {"target": "smithy.api#Timestamp"},
            "iso": {"target": "smithy.api#Timestamp", "traits": {"smithy.api#timestampFormat": "date-time"}}
        }),
        json!({}),
    );
    shapes["a#OpOutput"]["members"] = json!({"ok": {"target": "smithy.api#Boolean"}});
    let doc = convert(shapes);
    let operation = &doc["paths"]["/op/{id}"]["post"];
    assert_eq!(
        operation["parameters"][0],
        json!({"name": "X-At", "in": "header", "required": false, "schema": {"type": "string"}})
    );
    assert_eq!(
        operation["parameters"][1],
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}})
    );
    let input = &doc["components"]["schemas"]["OpInput"]["properties"];
    assert_eq!(input["body"], json!({"type": "number", "format": "double"}));
    assert_eq!(
        input["iso"],
        json!({"type": "string", "format": "date-time"})
    );
    assert!(
        input.get("id").is_none() && input.get("at").is_none(),
        "bound members are not in the body: {input}"
    );
}

#[test]
fn a_later_model_adds_members_but_cannot_redefine_them() {
    let base = model(
        json!({"a#U": {"type": "union", "members": {"text": {"target": "smithy.api#String"}}}}),
    );
    let addition = model(
        json!({"a#U": {"type": "union", "members": {"cachePoint": {"target": "smithy.api#Unit"}}}}),
    );
    let merged = Model::merge(&[base.clone(), addition]).unwrap();
    assert_eq!(
        merged.shape("a#U").unwrap()["members"]
            .as_object()
            .unwrap()
            .len(),
        2
    );
    let conflict = model(
        json!({"a#U": {"type": "union", "members": {"text": {"target": "smithy.api#Integer"}}}}),
    );
    assert!(
        Model::merge(&[base.clone(), conflict])
            .unwrap_err()
            .contains("member `text`")
    );
    let other_type = model(json!({"a#U": {"type": "structure", "members": {}}}));
    assert!(
        Model::merge(&[base, other_type])
            .unwrap_err()
            .contains("defined twice")
    );
    assert!(
        Model::merge(&[json!({"smithy": "1.0", "shapes": {}})])
            .unwrap_err()
            .contains("2.x")
    );
}

#[test]
fn two_shapes_of_one_local_name_are_an_error() {
    let mut shapes = operation(
        json!({"x": {"target": "a#Thing"}, "y": {"target": "b#Thing"}}),
        json!({}),
    );
    shapes["a#Thing"] = json!({"type": "structure", "members": {}});
    shapes["b#Thing"] =
        json!({"type": "structure", "members": {"n": {"target": "smithy.api#Integer"}}});
    let error = to_openapi(&[model(shapes)], &mut Log::default()).unwrap_err();
    assert!(error.contains("one local name `Thing`"), "{error}");
}

#[test]
fn documentation_is_never_carried_over() {
    let mut shapes = operation(
        json!({"x": {"target": "smithy.api#String", "traits": {"smithy.api#documentation": "vendor prose"}}}),
        json!({}),
    );
    shapes["a#Op"]["traits"]["smithy.api#documentation"] = json!("more vendor prose");
    let text = convert(shapes).to_string();
    assert!(!text.contains("vendor prose"), "{text}");
}
