//! The idle timeout per call: a call sets its own over the provider's, or removes it, through
//! the model's call options and through `generate_text` / `stream_text`; on a real socket, for
//! every format.

use std::future::IntoFuture;
use std::time::Duration;

use futures::StreamExt;
use specai::error::{Error, TimeoutKind};
use specai::provider::ExtraRequest;
use specai::provider_utils::fault_server::{FaultServer, FaultStep, sse_head};

use super::formats::{FIRST, FORMATS};
use super::{collect, options};

const SHORT: Duration = Duration::from_millis(300);

fn is_idle(error: &Error) -> bool {
    matches!(error, Error::Timeout { kind: TimeoutKind::Idle, duration } if *duration == SHORT)
}

/// A server that answers nothing, for `calls` connections.
async fn silent_server(calls: usize) -> FaultServer {
    FaultServer::start((0..calls).map(|_| vec![FaultStep::Pause(Duration::from_secs(5))])).await
}

/// A call's own idle timeout ends a call to a provider that has none: before the response,
/// and between the chunks of a stream (keeping the text that arrived).
#[tokio::test]
async fn a_call_sets_its_own_idle_timeout() {
    let mut call = options();
    call.extra = ExtraRequest::default().with_idle_timeout(Some(SHORT));
    for format in FORMATS {
        let server = silent_server(2).await;
        let model = (format.model)(server.base_url(), None);
        let error = model.do_generate(&call).await.err();
        assert!(error.as_ref().is_some_and(is_idle), "{} generate: {error:?}", format.name);
        let error = model.do_stream(&call).await.err();
        assert!(error.as_ref().is_some_and(is_idle), "{} stream: {error:?}", format.name);

        let server = FaultServer::start([vec![FaultStep::write(sse_head()), FaultStep::write(format.through_first()), FaultStep::Pause(Duration::from_secs(5))]]).await;
        let model = (format.model)(server.base_url(), None);
        let outcome = collect(format, model.do_stream(&call).await.unwrap().stream).await;
        assert_eq!(outcome.text(), FIRST, "{}", format.name);
        let error = outcome.error.as_ref().or(outcome.error_parts().first().copied());
        assert!(error.is_some_and(is_idle), "{} mid-stream: {error:?}", format.name);
    }
}

/// A call removes the provider's idle timeout for itself: the same silence is still waited for
/// after three times the provider's limit, before the response and mid-stream.
#[tokio::test]
async fn a_call_removes_the_idle_timeout() {
    let mut call = options();
    call.extra = ExtraRequest::default().with_idle_timeout(None);
    for format in FORMATS {
        let server = silent_server(1).await;
        let model = (format.model)(server.base_url(), Some(SHORT));
        let waiting = tokio::time::timeout(SHORT * 3, model.do_generate(&call)).await;
        assert!(waiting.is_err(), "{}: the call waits without a limit: {waiting:?}", format.name);

        let server = FaultServer::start([vec![FaultStep::write(sse_head()), FaultStep::write(format.through_first()), FaultStep::Pause(Duration::from_secs(5))]]).await;
        let model = (format.model)(server.base_url(), Some(SHORT));
        let mut stream = model.do_stream(&call).await.unwrap().stream;
        let waiting = tokio::time::timeout(SHORT * 4, async {
            while let Some(part) = stream.next().await {
                part?;
            }
            Ok::<_, Error>(())
        })
        .await;
        assert!(waiting.is_err(), "{}: the stream waits without a limit: {waiting:?}", format.name);
    }
}

/// `generate_text` and `stream_text` carry the setting to each model call: set for a provider
/// without a limit, removed for one with a limit.
#[tokio::test]
async fn generate_text_and_stream_text_carry_the_idle_timeout() {
    let format = &FORMATS[0];
    let server = silent_server(1).await;
    let model = (format.model)(server.base_url(), None);
    let error = specai::generate_text(model).prompt("Hi").max_retries(0).idle_timeout(Some(SHORT)).await.err();
    assert!(error.as_ref().is_some_and(is_idle), "generate_text: {error:?}");

    let server = silent_server(1).await;
    let model = (format.model)(server.base_url(), None);
    let mut result = specai::stream_text(model).prompt("Hi").max_retries(0).idle_timeout(Some(SHORT)).start();
    let error = result.text().await.err();
    assert!(error.as_ref().is_some_and(is_idle), "stream_text: {error:?}");

    let server = silent_server(1).await;
    let model = (format.model)(server.base_url(), Some(SHORT));
    let waiting = tokio::time::timeout(SHORT * 3, specai::generate_text(model).prompt("Hi").max_retries(0).idle_timeout(None).into_future()).await;
    assert!(waiting.is_err(), "generate_text waits without a limit (it ended: {:?})", waiting.map(|result| result.err()));
}
