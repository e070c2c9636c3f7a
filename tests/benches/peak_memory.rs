//! Peak and retained heap of one plain JSON call with a 100 MB answer (issue 19).
//!
//! A counting allocator ([`peak_alloc`]) measures the heap of this process: the body is built
//! before the baseline is taken, and the server (on the same runtime) serves it from that one
//! buffer, so what is counted is the client's reading, decoding and result. Three figures, each
//! relative to the body's size: the peak during `do_generate`, what the result holds while it
//! lives, and what is left when only its `Usage` is kept (a small value must not pin the body).
//! Run with `cargo bench -p specai-tests --bench peak_memory`; `SPECAI_BENCH_BODY_MB` sets the
//! size (default 100).

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use peak_alloc::PeakAlloc;
use specai::openai::{OpenAiSettings, create_openai};
use specai::provider::{CallOptions, LanguageModel, Message};

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// A chat completion whose text is `size` bytes (words, a newline escape every 80 characters).
fn completion(size: usize) -> Bytes {
    let mut text = String::with_capacity(size + size / 40);
    while text.len() < size {
        text.push_str("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\\n");
    }
    let body = format!(
        "{{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{{\"index\":0,\"message\":{{\"role\":\"assistant\",\"content\":\"{text}\"}},\"finish_reason\":\"stop\"}}],\"usage\":{{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}}}"
    );
    Bytes::from(body)
}

async fn serve(body: Bytes) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |_request: Request<Incoming>| {
                    let body = body.clone();
                    async move {
                        let response = Response::builder().header("content-type", "application/json").body(Full::new(body)).unwrap();
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(hyper_util::rt::TokioIo::new(socket), service).await;
            });
        }
    });
    format!("http://{address}/v1")
}

fn megabytes(bytes: usize) -> f64 {
    bytes as f64 / 1_048_576.0
}

fn main() {
    let size_mb: usize = std::env::var("SPECAI_BENCH_BODY_MB").ok().and_then(|text| text.parse().ok()).unwrap_or(100);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let body = completion(size_mb * 1_048_576);
        let body_size = body.len();
        let base_url = serve(body).await;
        let settings = OpenAiSettings::default().with_api_key("k").with_base_url(base_url);
        let model = create_openai(settings).chat("gpt-4o");
        let options = CallOptions::new(vec![Message::user("Hi")]);
        let baseline = ALLOCATOR.current_usage();
        ALLOCATOR.reset_peak_usage();
        let response = model.do_generate(&options).await.expect("the call succeeds");
        let peak = ALLOCATOR.peak_usage().saturating_sub(baseline);
        let held = ALLOCATOR.current_usage().saturating_sub(baseline);
        let usage = response.usage.clone();
        drop(response);
        let pinned = ALLOCATOR.current_usage().saturating_sub(baseline);
        println!("body {:.1} MB", megabytes(body_size));
        println!("peak during do_generate   {:8.1} MB  ({:.2}x the body)", megabytes(peak), peak as f64 / body_size as f64);
        println!("held by the result        {:8.1} MB  ({:.2}x)", megabytes(held), held as f64 / body_size as f64);
        println!("held by its Usage alone   {:8.1} MB  ({:.2}x)", megabytes(pinned), pinned as f64 / body_size as f64);
        drop(usage);
    });
}
