#!/usr/bin/env python3
"""Record genuine wire captures from the local llama-cpp-python server into
tests/fixtures/llama_cpp/.

Usage: capture_fixtures.py BASE_URL        (e.g. http://127.0.0.1:18181/v1)

For each case NAME it writes:
    NAME.request.json            the exact request body sent
    NAME.response.json|.sse|.txt the exact response body received (bytes as-is)
and index.json with method, path, status, content type, elapsed time and a note.
Standard library only. The server must be the one started by start.sh
(aliases smollm2-chat / smollm2-embed).
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "fixtures", "llama_cpp")

CHAT = "smollm2-chat"
EMBED = "smollm2-embed"

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "The city name"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
    },
}
FORCE_WEATHER = {"type": "function", "function": {"name": "get_weather"}}
ASK_WEATHER = [{"role": "user", "content": "What is the weather in Paris? Answer in celsius."}]

PERSON_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
    "additionalProperties": False,
}


def chat(messages, **kw):
    body = {"model": CHAT, "messages": messages, "temperature": 0, "max_tokens": 48}
    body.update(kw)
    return body


CASES = [
    # name, method, path, body, note
    ("models", "GET", "/models", None, "model list: both aliases"),
    ("chat_text", "POST", "/chat/completions",
     chat([{"role": "system", "content": "You are a concise assistant."},
           {"role": "user", "content": "Say hello in five words."}]),
     "plain text, finish_reason stop, usage present"),
    ("chat_text_stream", "POST", "/chat/completions",
     chat([{"role": "user", "content": "Say hello in five words."}], stream=True,
          stream_options={"include_usage": True}),
     "SSE: first chunk delta.role, content deltas, final chunk delta {} + finish_reason; NO usage chunk even with include_usage"),
    ("chat_length", "POST", "/chat/completions",
     chat([{"role": "user", "content": "Tell me a long story about a dragon."}], max_tokens=5),
     "finish_reason length"),
    ("chat_length_stream", "POST", "/chat/completions",
     chat([{"role": "user", "content": "Tell me a long story about a dragon."}], max_tokens=5, stream=True),
     "streamed finish_reason length"),
    ("chat_stop_sequence", "POST", "/chat/completions",
     chat([{"role": "user", "content": "Count from 1 to 10, separated by commas."}], stop=["5"]),
     "stop sequence: finish_reason stop, text cut before the stop string"),
    ("chat_developer_role", "POST", "/chat/completions",
     chat([{"role": "developer", "content": "Answer in one word."},
           {"role": "user", "content": "What colour is the sky?"}]),
     "developer role message"),
    ("chat_content_array", "POST", "/chat/completions",
     chat([{"role": "user", "content": [{"type": "text", "text": "Say hello."}]}]),
     "content as an array of parts: HTTP 500 (send a plain string instead)"),
    ("chat_tool_forced", "POST", "/chat/completions",
     chat(ASK_WEATHER, tools=[WEATHER_TOOL], tool_choice=FORCE_WEATHER, max_tokens=64),
     "forced tool choice: grammar-constrained tool call"),
    ("chat_tool_forced_stream", "POST", "/chat/completions",
     chat(ASK_WEATHER, tools=[WEATHER_TOOL], tool_choice=FORCE_WEATHER, max_tokens=64, stream=True),
     "forced tool choice, streamed"),
    ("chat_tool_auto", "POST", "/chat/completions",
     chat(ASK_WEATHER, tools=[WEATHER_TOOL], tool_choice="auto"),
     "tool_choice auto: plain text, no tool call"),
    ("chat_tool_required", "POST", "/chat/completions",
     chat(ASK_WEATHER, tools=[WEATHER_TOOL], tool_choice="required"),
     "tool_choice required"),
    ("chat_tool_none", "POST", "/chat/completions",
     chat(ASK_WEATHER, tools=[WEATHER_TOOL], tool_choice="none"),
     "tool_choice none"),
    ("chat_tool_result_null_content", "POST", "/chat/completions",
     chat(ASK_WEATHER + [
         {"role": "assistant", "content": None, "tool_calls": [
             {"id": "call_1", "type": "function",
              "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\", \"unit\": \"celsius\"}"}}]},
         {"role": "tool", "tool_call_id": "call_1", "content": "{\"temperature\": 21}"},
     ], tools=[WEATHER_TOOL]),
     "assistant message with content null + tool_calls, then a tool result"),
    ("chat_tool_result_empty_content", "POST", "/chat/completions",
     chat(ASK_WEATHER + [
         {"role": "assistant", "content": "", "tool_calls": [
             {"id": "call_1", "type": "function",
              "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\", \"unit\": \"celsius\"}"}}]},
         {"role": "tool", "tool_call_id": "call_1", "content": "{\"temperature\": 21}"},
     ], tools=[WEATHER_TOOL]),
     "assistant message with content \"\" + tool_calls, then a tool result"),
    ("chat_json_object", "POST", "/chat/completions",
     chat([{"role": "system", "content": "Reply with a JSON object with keys name (string) and age (integer)."},
           {"role": "user", "content": "Invent a person."}], response_format={"type": "json_object"}),
     "response_format json_object: content is JSON"),
    ("chat_json_schema", "POST", "/chat/completions",
     chat([{"role": "user", "content": "Invent a person."}],
          response_format={"type": "json_schema", "json_schema": {"name": "person", "strict": True, "schema": PERSON_SCHEMA}}),
     "response_format json_schema (OpenAI shape)"),
    ("chat_json_object_schema", "POST", "/chat/completions",
     chat([{"role": "user", "content": "Invent a person."}],
          response_format={"type": "json_object", "schema": PERSON_SCHEMA}),
     "llama-cpp-python extension: json_object with a schema"),
    ("chat_logprobs", "POST", "/chat/completions",
     chat([{"role": "user", "content": "Say hi."}], logprobs=True, top_logprobs=2, max_tokens=4),
     "logprobs"),
    ("chat_unknown_model", "POST", "/chat/completions",
     dict(chat([{"role": "user", "content": "Say hi."}], max_tokens=4), model="no-such-model"),
     "unknown model alias"),
    ("chat_bad_request", "POST", "/chat/completions",
     {"model": CHAT, "messages": "not a list"},
     "validation error body"),
    ("chat_max_completion_tokens", "POST", "/chat/completions",
     {"model": CHAT, "messages": [{"role": "user", "content": "Tell me a long story about a dragon."}],
      "temperature": 0, "max_completion_tokens": 5},
     "max_completion_tokens is ignored (only max_tokens limits the output)"),
    ("chat_n2", "POST", "/chat/completions",
     chat([{"role": "user", "content": "Say hi."}], n=2, max_tokens=4),
     "n=2 is ignored: one choice"),
    ("chat_openai_extras", "POST", "/chat/completions",
     chat([{"role": "user", "content": "Say hi."}], max_tokens=4, parallel_tool_calls=False, user="u1",
          store=False, metadata={"a": "b"}, service_tier="auto", seed=7),
     "OpenAI-only fields are accepted and ignored"),
    ("responses_api", "POST", "/responses",
     {"model": CHAT, "input": "Say hi."},
     "no Responses API: 404 {\"detail\":\"Not Found\"}"),
    ("completion_text", "POST", "/completions",
     {"model": CHAT, "prompt": "The capital of France is", "temperature": 0, "max_tokens": 8},
     "legacy completions"),
    ("completion_text_stream", "POST", "/completions",
     {"model": CHAT, "prompt": "The capital of France is", "temperature": 0, "max_tokens": 8, "stream": True},
     "legacy completions, streamed"),
    ("embeddings_single", "POST", "/embeddings",
     {"model": EMBED, "input": "Hello world"},
     "one input"),
    ("embeddings_many", "POST", "/embeddings",
     {"model": EMBED, "input": ["sunny day", "rainy night", "a cat"]},
     "several inputs: one vector (576 floats) each, pooled"),
    ("embeddings_dimensions", "POST", "/embeddings",
     {"model": EMBED, "input": "Hello world", "dimensions": 64},
     "dimensions is ignored: 576 floats"),
    ("embeddings_base64", "POST", "/embeddings",
     {"model": EMBED, "input": "Hello world", "encoding_format": "base64"},
     "encoding_format base64 is ignored: floats"),
    ("embeddings_on_chat_alias", "POST", "/embeddings",
     {"model": CHAT, "input": "Hello world"},
     "embeddings requested from the chat alias (embedding: false)"),
]


def request(base, method, path, body):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=300) as r:
            raw, status, ctype = r.read(), r.status, r.headers.get("content-type", "")
    except urllib.error.HTTPError as e:
        raw, status, ctype = e.read(), e.code, e.headers.get("content-type", "")
    return raw, status, ctype, time.monotonic() - started


def main():
    base = sys.argv[1].rstrip("/")
    os.makedirs(OUT, exist_ok=True)
    index = []
    for name, method, path, body, note in CASES:
        raw, status, ctype, elapsed = request(base, method, path, body)
        if body is not None:
            with open(os.path.join(OUT, name + ".request.json"), "w") as f:
                json.dump(body, f, indent=2)
                f.write("\n")
        ext = ".sse" if "event-stream" in ctype else ".json" if "json" in ctype else ".txt"
        with open(os.path.join(OUT, name + ".response" + ext), "wb") as f:
            f.write(raw)
        index.append({
            "name": name, "method": method, "path": "/v1" + path, "status": status,
            "content_type": ctype, "elapsed_ms": round(elapsed * 1000), "note": note,
        })
        print("%-32s %s %4.0f ms  %s" % (name, status, elapsed * 1000, ctype))
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump({"server": "llama-cpp-python[server]==0.3.36",
                   "model": "SmolLM2-135M-Instruct.Q4_1.gguf (sha256 b179c952...)",
                   "cases": index}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
