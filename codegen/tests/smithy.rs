//! The Smithy importer on a sample model written for this test (tests/smithy/weather.smithy.json,
//! every shape kind and binding Bedrock uses): its OpenAPI is the committed
//! `tests/samples/smithy_weather/specs/weather/openapi.json`, which the samples test then
//! generates into its committed Rust. Set `UPDATE_EXPECT=1` to rewrite it after a deliberate
//! change, then review the diff. With ../shared present, the committed Bedrock spec is checked
//! to be exactly what importing AWS's model gives.

use std::path::{Path, PathBuf};

use specai_codegen::log::Log;
use specai_codegen::smithy::to_openapi;
use specai_codegen::{import_files, spec};

fn codegen_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

#[test]
fn sample_model_converts_to_the_committed_openapi() {
    let model = spec::load(&codegen_dir().join("tests/smithy/weather.smithy.json")).unwrap();
    let mut log = Log::default();
    let doc = to_openapi(&[model], &mut log).unwrap();
    let text = spec::to_pretty_json(&doc);
    let expected_path =
        codegen_dir().join("tests/samples/smithy_weather/specs/weather/openapi.json");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expected_path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    assert_eq!(
        text, expected,
        "run `UPDATE_EXPECT=1 cargo test -p specai-codegen --test smithy` after a deliberate change"
    );
    // What the conversion approximated is logged, naming the shape.
    let changes = log.changes(specai_codegen::smithy::PASS);
    assert!(
        changes
            .iter()
            .any(|change| change.contains("literal query `kind=raw`")),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|change| change.contains("ForecastEvents: event stream union")),
        "{changes:?}"
    );

    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schemas = &doc["components"]["schemas"];
    // Unions are one-property objects (restJson1's `{"member": value}`), a unit member `{}`.
    assert_eq!(
        schemas["Filter"]["oneOf"][0],
        serde_json::json!({"type": "object", "properties": {"everything": {"type": "object"}}, "required": ["everything"], "additionalProperties": false})
    );
    // A required member with a default is not required on the wire; jsonName renames.
    assert_eq!(
        schemas["GetForecastInput"]["required"],
        serde_json::json!(["includeAlerts"])
    );
    assert!(
        schemas["GetForecastInput"]["properties"]
            .get("extraFields")
            .is_some()
    );
    // A greedy label is a plain path parameter; a streaming blob payload is raw bytes.
    let upload = &doc["paths"]["/radar/{key}"]["put"];
    assert_eq!(
        upload["requestBody"]["content"]["application/octet-stream"]["schema"]["format"],
        "binary"
    );
    assert_eq!(
        doc["paths"]["/cities/{cityId}/stream"]["post"]["responses"]["200"]["content"]["application/vnd.amazon.eventstream"]
            ["schema"]["$ref"],
        "#/components/schemas/ForecastEvents"
    );
    // Errors get their httpError status, or 400/500 by kind; service errors on every operation.
    let responses = &doc["paths"]["/cities/{cityId}/forecast"]["post"]["responses"];
    assert_eq!(
        responses["404"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/NoSuchCity"
    );
    assert_eq!(
        responses["500"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ServiceFault"
    );
}

#[test]
fn committed_bedrock_spec_is_what_importing_aws_model_gives() {
    let root = codegen_dir().parent().unwrap().to_path_buf();
    let official =
        root.join("../shared/reference-specs/aws-bedrock/bedrock-runtime-2023-09-30.json");
    if !official.is_file() {
        eprintln!("skipped: {} is absent", official.display());
        return;
    }
    let files = [
        official,
        root.join("specs/bedrock/bedrock-runtime-additions.smithy.json"),
        root.join("specs/bedrock/agent-runtime-rerank.smithy.json"),
    ];
    let (spec, _) = import_files(&root.join("specs"), "bedrock", &files).unwrap();
    let committed = std::fs::read_to_string(root.join("specs/bedrock/openapi.json")).unwrap();
    assert!(
        spec == committed,
        "specs/bedrock/openapi.json is not what `cargo codegen import bedrock ...` gives (see specs/bedrock/provider.toml)"
    );
}
