//! Raw-HTTP smoke tests against the real local model server
//! (llama-cpp-python 0.3.36 + SmolLM2-135M-Instruct Q4_1). They check the
//! harness and pin down the server's exact wire behaviour, which the SDK's
//! real-model tests rely on. Genuine captures of these exchanges are in
//! tests/fixtures/llama_cpp/ (recorded by tests/local_server/capture_fixtures.py).
//!
//! The model is tiny: assert on structure, never on facts.

use serde_json::{Value, json};

use crate::support::local_server::{self, EMBEDDING_DIMENSIONS, LocalServer};

async fn post(server: &LocalServer, path: &str, body: &Value) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", server.base_url))
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"));
    let status = response.status().as_u16();
    (status, response.text().await.expect("response body"))
}

async fn post_json(server: &LocalServer, path: &str, body: &Value) -> Value {
    let (status, text) = post(server, path, body).await;
    assert_eq!(status, 200, "POST {path} -> {status}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// POSTs a streaming request and returns the parsed `data:` events, without the
/// final `[DONE]` (whose presence is asserted), reading the body chunk by chunk.
async fn post_sse(server: &LocalServer, path: &str, body: &Value) -> Vec<Value> {
    let mut response = reqwest::Client::new()
        .post(format!("{}{path}", server.base_url))
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"));
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("text/event-stream"),
        "{content_type}"
    );
    let mut raw = Vec::new();
    while let Some(chunk) = response.chunk().await.expect("stream chunk") {
        raw.extend_from_slice(&chunk);
    }
    let raw = String::from_utf8(raw).expect("utf-8 stream");
    // Events are `data: <json>` separated by a blank line, LF line endings.
    let mut events = Vec::new();
    let mut done = false;
    for block in raw.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let data = block
            .strip_prefix("data: ")
            .unwrap_or_else(|| panic!("unexpected SSE block: {block:?}"));
        assert!(!done, "data after [DONE]");
        if data == "[DONE]" {
            done = true;
        } else {
            events.push(serde_json::from_str(data).expect("JSON event"));
        }
    }
    assert!(done, "stream did not end with data: [DONE]");
    events
}

fn chat_request(server: &LocalServer, prompt: &str) -> Value {
    json!({
        "model": server.chat_model,
        "messages": [
            {"role": "system", "content": "You are a concise assistant."},
            {"role": "user", "content": prompt},
        ],
        "temperature": 0,
        "max_tokens": 48,
    })
}

#[tokio::test]
async fn real_model_smoke_chat() {
    let Some(server) = local_server::shared() else {
        return;
    };
    let request = chat_request(server, "Say hello in five words.");

    let body = post_json(server, "/chat/completions", &request).await;
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], server.chat_model);
    let choice = &body["choices"][0];
    assert_eq!(choice["message"]["role"], "assistant");
    let content = choice["message"]["content"]
        .as_str()
        .expect("string content");
    assert!(!content.trim().is_empty());
    let finish = choice["finish_reason"].as_str().unwrap();
    assert!(finish == "stop" || finish == "length", "{finish}");
    let usage = &body["usage"];
    assert!(usage["prompt_tokens"].as_u64().unwrap() > 0);
    assert!(usage["completion_tokens"].as_u64().unwrap() > 0);
    assert_eq!(
        usage["total_tokens"].as_u64(),
        Some(
            usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap()
        )
    );

    // Streaming the same request at temperature 0 yields the same text.
    let mut streamed = request.clone();
    streamed["stream"] = json!(true);
    streamed["stream_options"] = json!({"include_usage": true});
    let events = post_sse(server, "/chat/completions", &streamed).await;
    assert!(events.len() >= 3, "{events:?}");
    assert_eq!(events[0]["object"], "chat.completion.chunk");
    assert_eq!(events[0]["choices"][0]["delta"]["role"], "assistant");
    let text: String = events
        .iter()
        .filter_map(|e| e["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(
        text, content,
        "stream deltas concatenate to the non-streamed text"
    );
    let last = events.last().unwrap();
    assert_eq!(last["choices"][0]["delta"], json!({}));
    assert_eq!(last["choices"][0]["finish_reason"].as_str(), Some(finish));
    // Quirk: no usage in streams, even with stream_options.include_usage.
    assert!(
        events.iter().all(|e| e.get("usage").is_none()),
        "a stream now carries usage"
    );
    // All chunks share one id.
    assert!(events.iter().all(|e| e["id"] == events[0]["id"]));
}

#[tokio::test]
async fn real_model_smoke_length() {
    let Some(server) = local_server::shared() else {
        return;
    };
    let mut request = chat_request(server, "Tell me a long story about a dragon.");
    request["max_tokens"] = json!(5);
    let body = post_json(server, "/chat/completions", &request).await;
    assert_eq!(body["choices"][0]["finish_reason"], "length");
    assert_eq!(body["usage"]["completion_tokens"], 5);
}

#[tokio::test]
async fn real_model_smoke_forced_tool_call() {
    let Some(server) = local_server::shared() else {
        return;
    };
    let tool = json!({
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["city", "unit"],
                "additionalProperties": false,
            },
        },
    });
    let request = json!({
        "model": server.chat_model,
        "messages": [{"role": "user", "content": "What is the weather in Paris? Answer in celsius."}],
        "tools": [tool],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        "temperature": 0,
        "max_tokens": 64,
    });
    let body = post_json(server, "/chat/completions", &request).await;
    let choice = &body["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls");
    assert!(choice["message"]["content"].is_null());
    let call = &choice["message"]["tool_calls"][0];
    assert_eq!(call["type"], "function");
    assert_eq!(call["function"]["name"], "get_weather");
    assert!(call["id"].as_str().is_some_and(|id| !id.is_empty()));
    let args: Value =
        serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
    assert!(args["city"].is_string(), "{args}");
    assert!(
        args["unit"] == "celsius" || args["unit"] == "fahrenheit",
        "{args}"
    );

    // Streamed: argument fragments over many chunks; EVERY chunk repeats the
    // same id, type and function.name (only `arguments` is a fragment).
    let mut streamed = request.clone();
    streamed["stream"] = json!(true);
    let events = post_sse(server, "/chat/completions", &streamed).await;
    let calls: Vec<&Value> = events
        .iter()
        .filter_map(|e| e["choices"][0]["delta"]["tool_calls"].as_array())
        .map(|calls| &calls[0])
        .collect();
    assert!(calls.len() > 2, "arguments should arrive in fragments");
    assert!(
        calls
            .iter()
            .all(|c| c["index"] == 0 && c["id"] == calls[0]["id"])
    );
    assert!(calls.iter().all(|c| c["function"]["name"] == "get_weather"));
    let arguments: String = calls
        .iter()
        .map(|c| c["function"]["arguments"].as_str().unwrap())
        .collect();
    let streamed_args: Value =
        serde_json::from_str(&arguments).expect("concatenated arguments parse");
    assert_eq!(streamed_args, args);
    assert_eq!(
        events.last().unwrap()["choices"][0]["finish_reason"],
        "tool_calls"
    );

    // Quirk: tool_choice "auto" (and "required") give plain text, no tool call.
    let mut auto = request.clone();
    auto["tool_choice"] = json!("auto");
    let body = post_json(server, "/chat/completions", &auto).await;
    assert!(body["choices"][0]["message"].get("tool_calls").is_none());
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
}

#[tokio::test]
async fn real_model_smoke_json_object() {
    let Some(server) = local_server::shared() else {
        return;
    };
    let request = json!({
        "model": server.chat_model,
        "messages": [
            {"role": "system", "content": "Reply with a JSON object with keys name (string) and age (integer)."},
            {"role": "user", "content": "Invent a person."},
        ],
        "response_format": {"type": "json_object"},
        "temperature": 0,
        "max_tokens": 64,
    });
    let body = post_json(server, "/chat/completions", &request).await;
    let content = body["choices"][0]["message"]["content"].as_str().unwrap();
    let parsed: Value = serde_json::from_str(content).unwrap_or_else(|e| panic!("{e}: {content}"));
    assert!(parsed.is_object(), "{content}");

    // llama-cpp-python extension: json_object with a schema is grammar-constrained
    // to the schema. (OpenAI's `json_schema` type is rejected, see the quirks test.)
    let mut with_schema = request.clone();
    with_schema["response_format"] = json!({
        "type": "json_object",
        "schema": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            "required": ["name", "age"],
        },
    });
    let body = post_json(server, "/chat/completions", &with_schema).await;
    let content = body["choices"][0]["message"]["content"].as_str().unwrap();
    let parsed: Value = serde_json::from_str(content).unwrap_or_else(|e| panic!("{e}: {content}"));
    assert!(
        parsed["name"].is_string() && parsed["age"].is_i64(),
        "{content}"
    );
}

#[tokio::test]
async fn real_model_smoke_embeddings() {
    let Some(server) = local_server::shared() else {
        return;
    };
    let inputs = ["sunny day", "rainy night", "a cat"];
    let body = post_json(
        server,
        "/embeddings",
        &json!({"model": server.embedding_model, "input": inputs}),
    )
    .await;
    assert_eq!(body["object"], "list");
    assert_eq!(body["model"], server.embedding_model);
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), inputs.len());
    for (i, item) in data.iter().enumerate() {
        assert_eq!(item["object"], "embedding");
        assert_eq!(item["index"], i);
        let vector = item["embedding"].as_array().unwrap();
        // One pooled vector per input (not per token), not normalised.
        assert_eq!(vector.len(), EMBEDDING_DIMENSIONS);
        assert!(
            vector
                .iter()
                .all(|x| x.as_f64().is_some_and(f64::is_finite))
        );
    }
    assert_ne!(data[0]["embedding"], data[1]["embedding"]);
    assert!(body["usage"]["prompt_tokens"].as_u64().unwrap() > 0);

    // A single string input gives one vector too.
    let body = post_json(
        server,
        "/embeddings",
        &json!({"model": server.embedding_model, "input": "Hello world"}),
    )
    .await;
    assert_eq!(body["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        body["data"][0]["embedding"].as_array().unwrap().len(),
        EMBEDDING_DIMENSIONS
    );
}

/// The server's departures from OpenAI that the SDK has to live with.
#[tokio::test]
async fn real_model_smoke_quirks() {
    let Some(server) = local_server::shared() else {
        return;
    };
    let model = server.chat_model;

    // Content as an array of parts: HTTP 500 (send a plain string instead).
    let (status, text) = post(
        server,
        "/chat/completions",
        &json!({"model": model, "max_tokens": 4,
                "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}),
    )
    .await;
    assert_eq!(status, 500, "{text}");
    let error: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(error["error"]["type"], "internal_server_error");
    assert!(error["error"]["message"].is_string());

    // Assistant message with content null + tool_calls: rejected (500, validation);
    // content "" is accepted.
    let history = |content: Value| {
        json!({"model": model, "max_tokens": 4, "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": content, "tool_calls": [{"id": "call_1", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "21 C"},
        ]})
    };
    let (status, text) = post(server, "/chat/completions", &history(Value::Null)).await;
    assert_eq!(status, 500, "{text}");
    let (status, text) = post(server, "/chat/completions", &history(json!(""))).await;
    assert_eq!(status, 200, "{text}");

    // The `developer` role is rejected (500); use `system`.
    let (status, _) = post(
        server,
        "/chat/completions",
        &json!({"model": model, "max_tokens": 4,
                "messages": [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": "Hi"}]}),
    )
    .await;
    assert_eq!(status, 500);

    // response_format json_schema (OpenAI's structured outputs) is rejected (500).
    let (status, _) = post(
        server,
        "/chat/completions",
        &json!({"model": model, "max_tokens": 4, "messages": [{"role": "user", "content": "Hi"}],
                "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}}),
    )
    .await;
    assert_eq!(status, 500);

    // An unknown model name is served by the default (chat) model and echoed back.
    let body = post_json(
        server,
        "/chat/completions",
        &json!({"model": "no-such-model", "max_tokens": 4, "temperature": 0,
                "messages": [{"role": "user", "content": "Hi"}]}),
    )
    .await;
    assert_eq!(body["model"], "no-such-model");

    // Embeddings from the chat alias (loaded without embedding: true): 500.
    let (status, _) = post(
        server,
        "/embeddings",
        &json!({"model": model, "input": "Hi"}),
    )
    .await;
    assert_eq!(status, 500);
}
