//! The HTTP client a provider uses when the caller gives none.
//!
//! `reqwest::Client::default()` has no timeout at all. The default here has a connect timeout.
//! It has no read timeout: reqwest resets a timer on every read, which cost about 650
//! instructions per stream event (+5%) in the benchmark. Silence is limited one level up
//! instead, at no per-event cost: every mapping-driven provider ends a call after
//! [`DEFAULT_IDLE_TIMEOUT`](super::DEFAULT_IDLE_TIMEOUT) without a byte from the server
//! (`with_idle_timeout` in its settings). A reqwest read timeout is still one call away with
//! [`client_with_timeouts`]; per call, `CallSettings`' timeouts (total, per step, between
//! chunks) apply. A caller's own `reqwest::Client` in the provider settings replaces the default.

use std::time::Duration;

/// How long the default client waits for a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The client every provider uses unless its settings name one: a connect timeout, no read
/// timeout (see the module docs).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// # use specai::provider_utils::test_server::{TestResponse, TestServer};
/// # let server = TestServer::start([TestResponse::json(200, serde_json::json!({"ok": true}))]).await;
/// use specai::provider_utils::{JsonErrorParser, default_http_client, get_json};
///
/// // The same client (10 s connect timeout) for a provider's own extra requests.
/// let client = default_http_client();
/// let status = get_json::<serde_json::Value>(&client, &server.url("/v1/status"), http::HeaderMap::new(), &JsonErrorParser::new()).await?;
/// assert_eq!(status.value["ok"], true);
/// # Ok(()) }
/// ```
pub fn default_http_client() -> reqwest::Client {
    client_with_timeouts(Some(DEFAULT_CONNECT_TIMEOUT), None)
}

/// A client with these timeouts (`None`: no limit).
///
#[cfg_attr(feature = "openai", doc = " ```")]
#[cfg_attr(not(feature = "openai"), doc = " ```ignore")]
/// use std::time::Duration;
///
/// let client = specai::provider_utils::client_with_timeouts(Some(Duration::from_secs(5)), None);
/// let openai = specai::openai::create_openai(specai::openai::OpenAiSettings::default().with_client(client));
/// # let _ = openai;
/// ```
pub fn client_with_timeouts(connect: Option<Duration>, read: Option<Duration>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder();
    if let Some(connect) = connect {
        builder = builder.connect_timeout(connect);
    }
    if let Some(read) = read {
        builder = builder.read_timeout(read);
    }
    // Building fails only where `reqwest::Client::new` would too (no TLS backend could start).
    builder.build().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::error::Error;
    use crate::provider_utils::{JsonErrorParser, post_json};

    /// A server that accepts and never answers: a read timeout ends the call with a connection
    /// error saying so.
    #[tokio::test]
    async fn a_silent_server_times_out() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v1/x", listener.local_addr().unwrap());
        let accepted = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(10)).await;
            drop(socket);
        });
        let client = client_with_timeouts(Some(Duration::from_secs(2)), Some(Duration::from_millis(300)));
        let started = Instant::now();
        let error = post_json(&client, &url, http::HeaderMap::new(), &serde_json::json!({}), &JsonErrorParser::new()).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
        assert!(matches!(&error, Error::Connection { message, .. } if message.contains("timed out")), "{error:?}");
        accepted.abort();
    }
}
