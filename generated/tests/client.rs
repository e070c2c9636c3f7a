//! A generated client against a one-shot HTTP server on 127.0.0.1: it uses the caller's
//! reqwest::Client and base URL, sends the headers given with `with_headers`, and no others
//! (progenitor's `api-version` header is removed).

#![cfg(feature = "openai")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

/// Serves one request with `body`, returning the request head (lowercased header names).
fn serve_once(body: &'static str) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = Vec::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end().to_string();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            head.push(line);
        }
        let mut request_body = vec![0; length];
        reader.read_exact(&mut request_body).unwrap();
        write!(stream, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())
            .unwrap();
        head
    });
    (url, handle)
}

#[tokio::test(flavor = "current_thread")]
async fn caller_client_base_url_and_headers_only() {
    let (url, server) = serve_once(r#"{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1,"owned_by":"openai"}]}"#);
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("authorization", "Bearer test-key".parse().unwrap());
    let client = specai_generated::openai::Client::new_with_client(&url, reqwest::Client::new()).with_headers(headers);
    let models = client.list_models().await.unwrap().into_inner();
    assert_eq!(models.data[0].id, "gpt-4o-mini");
    let head = server.join().unwrap();
    assert_eq!(head[0], "GET /v1/models HTTP/1.1");
    let names: Vec<String> = head[1..].iter().map(|h| h.split(':').next().unwrap().to_ascii_lowercase()).collect();
    assert!(head.iter().any(|h| h.eq_ignore_ascii_case("authorization: Bearer test-key")), "{head:?}");
    for name in &names {
        assert!(["host", "authorization", "accept"].contains(&name.as_str()), "unexpected header {name}: {head:?}");
    }
}
