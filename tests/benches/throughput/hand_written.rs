//! The floor specai is measured against (issue 18): what a careful hand-written client costs.
//!
//! reqwest for the transport, a memchr line splitter for server-sent events, and serde_json into
//! borrowed structs that hold only the fields the caller reads (text, finish reason, usage), with
//! no `Value` and no copy of a chunk that arrives whole. It reads one `data:` line per event, as
//! OpenAI sends them; it is a yardstick, not a general SSE reader.

use std::borrow::Cow;

use futures::StreamExt;
use serde::{Deserialize, Serialize};

use super::{DELTA, Measured, Stopwatch, Work, run_requests};

#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: [UserMessage<'a>; 1],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<StreamOptions>,
}

#[derive(Serialize)]
struct UserMessage<'a> {
    role: &'a str,
    content: &'a str,
}

#[derive(Serialize)]
struct StreamOptions {
    include_usage: bool,
}

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow)]
    choices: Vec<ChunkChoice<'a>>,
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct ChunkChoice<'a> {
    #[serde(borrow)]
    delta: Delta<'a>,
    #[serde(borrow)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow)]
    content: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Usage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

#[derive(Deserialize)]
struct Completion<'a> {
    #[serde(borrow)]
    choices: Vec<Choice<'a>>,
    usage: Usage,
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(borrow)]
    message: Message<'a>,
    #[serde(borrow)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow)]
    content: Option<Cow<'a, str>>,
}

fn request_body(stream: bool) -> Vec<u8> {
    let request = ChatRequest {
        model: "gpt-4o-mini",
        messages: [UserMessage { role: "user", content: "Say something." }],
        stream,
        stream_options: stream.then_some(StreamOptions { include_usage: true }),
    };
    serde_json::to_vec(&request).expect("request body")
}

/// Calls `on_data` with the payload of every complete `data:` line in `bytes`; returns how many
/// bytes were consumed (the rest is an unfinished line).
fn split_lines(bytes: &[u8], on_data: &mut impl FnMut(&[u8])) -> usize {
    let mut start = 0;
    while let Some(length) = memchr::memchr(b'\n', &bytes[start..]) {
        let line = &bytes[start..start + length];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(payload) = line.strip_prefix(b"data:") {
            on_data(payload.strip_prefix(b" ").unwrap_or(payload));
        }
        start += length + 1;
    }
    start
}

/// Server-sent event lines across chunk boundaries: a chunk that ends on a line end is read in
/// place; only an unfinished line is copied, to be completed by the next chunk.
#[derive(Default)]
struct LineSplitter {
    pending: Vec<u8>,
}

impl LineSplitter {
    fn feed(&mut self, chunk: &[u8], mut on_data: impl FnMut(&[u8])) {
        if self.pending.is_empty() {
            let consumed = split_lines(chunk, &mut on_data);
            self.pending.extend_from_slice(&chunk[consumed..]);
        } else {
            self.pending.extend_from_slice(chunk);
            let consumed = split_lines(&self.pending, &mut on_data);
            self.pending.drain(..consumed);
        }
    }
}

pub(super) async fn run(work: Work, base_url: String, deltas: usize) -> Measured {
    check_splitter();
    let client = reqwest::Client::new();
    let url = format!("{base_url}/chat/completions");
    let post = |stream: bool| {
        client
            .post(&url)
            .bearer_auth("sk-bench")
            .header("content-type", "application/json")
            .body(request_body(stream))
    };
    match work {
        Work::Stream(_) => {
            let started = Stopwatch::start();
            let response = post(true).send().await.expect("hand-written stream request");
            assert!(response.status().is_success());
            let mut body = response.bytes_stream();
            let mut splitter = LineSplitter::default();
            let mut text = String::new();
            let mut finish_reason = None;
            let mut output_tokens = None;
            let mut done = false;
            while let Some(chunk) = body.next().await {
                let chunk = chunk.expect("hand-written chunk");
                splitter.feed(&chunk, |payload| {
                    if payload == b"[DONE]" {
                        done = true;
                        return;
                    }
                    let chunk: Chunk<'_> = serde_json::from_slice(payload).expect("hand-written event");
                    if let Some(choice) = chunk.choices.first() {
                        if let Some(content) = &choice.delta.content {
                            text.push_str(content);
                        }
                        if let Some(reason) = &choice.finish_reason {
                            finish_reason = Some(reason.to_string());
                        }
                    }
                    if let Some(usage) = chunk.usage {
                        output_tokens = Some(usage.completion_tokens);
                        assert!(usage.prompt_tokens > 0);
                    }
                });
            }
            assert!(done, "stream without [DONE]");
            assert_eq!(text.len(), deltas * DELTA.len());
            assert_eq!(finish_reason.as_deref(), Some("stop"));
            assert_eq!(output_tokens, Some(20_000));
            started.stop(deltas)
        }
        Work::Sequential | Work::Concurrent => {
            run_requests(work, || {
                let request = post(false);
                async move {
                    let response = request.send().await.expect("hand-written request");
                    assert!(response.status().is_success());
                    let body = response.bytes().await.expect("hand-written body");
                    let completion: Completion<'_> = serde_json::from_slice(&body).expect("hand-written answer");
                    let choice = completion.choices.first().expect("a choice");
                    assert!(choice.message.content.as_ref().is_some_and(|text| text.len() > 200));
                    assert_eq!(choice.finish_reason.as_deref(), Some("stop"));
                    assert!(completion.usage.prompt_tokens + completion.usage.completion_tokens > 0);
                }
            })
            .await
        }
    }
}

/// The splitter reads every line once wherever a chunk boundary falls (checked before each
/// measurement: a bench target has no test harness).
fn check_splitter() {
    let stream = b"data: {\"a\":1}\r\n\r\ndata: [DONE]\n\n";
    for split in 0..stream.len() {
        let mut splitter = LineSplitter::default();
        let mut seen = Vec::new();
        splitter.feed(&stream[..split], |payload| seen.push(payload.to_vec()));
        splitter.feed(&stream[split..], |payload| seen.push(payload.to_vec()));
        assert_eq!(seen, vec![b"{\"a\":1}".to_vec(), b"[DONE]".to_vec()], "split at {split}");
    }
}
