//! FAL's queue, which every FAL model kind goes through: submit the model's input, poll the
//! request's status until `COMPLETED`, read its result; cancel it when the caller gives up.
//!
//! The status, result and cancel URLs are the ones FAL's submit answer names when they are on
//! the configured host (the key travels with them), else the mapping's paths under the model's
//! app id (`owner/app`, without the endpoint path: FAL's documented rule). A completed request
//! whose result is an error (a validation failure of the model's input, a runner that gave up)
//! is a failed job with FAL's message.

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde::Serialize;
use serde::de::DeserializeOwned;
use specai_generated::mappings::Operation;

use super::{PROVIDER_ID, wire};
use crate::error::{Error, Result};
use crate::provider::ExtraRequest;
use crate::provider_utils::{Job, JobStatus, MappedConnection, PollSettings, fetch_output, job_id_segment, job_operation_url, send_to_job};

/// A finished queued request: the model's output, with what the response metadata reports.
pub(super) struct QueueOutcome<T> {
    /// The model's output.
    pub output: T,
    /// FAL's id of the request.
    pub request_id: String,
    /// The headers of the result response.
    pub headers: HeaderMap,
}

/// The app id of a model id: its first two segments (`fal-ai/flux/dev` -> `fal-ai/flux`).
pub(super) fn app_id(model_id: &str) -> &str {
    match model_id.match_indices('/').nth(1) {
        Some((index, _)) => &model_id[..index],
        None => model_id,
    }
}

/// What a call adds to its requests: its headers (on every request) and its extra body members
/// and query parameters (on the submission only).
pub(super) struct CallAdditions<'a> {
    pub headers: &'a HeaderMap,
    pub extra: &'a ExtraRequest,
}

/// Submits `body` (with the call's extras) to the model through `submit` (the kind's operation), polls the request to its
/// end and returns the model's output decoded as `T`.
pub(super) async fn run_queued<B: Serialize + ?Sized, T: DeserializeOwned>(
    connection: &Arc<MappedConnection>,
    poll: &PollSettings,
    submit: Option<&Operation>,
    capability: &'static str,
    model_id: &str,
    body: &B,
    call: CallAdditions<'_>,
) -> Result<QueueOutcome<T>> {
    let call_headers = call.headers;
    let operations = connection.mapping.operations;
    let submit_url = connection.operation_url(submit, capability, model_id)?;
    let submission = connection
        .post_json(submit_url.as_str(), body, call_headers, call.extra)
        .await?
        .json::<wire::QueueSubmission>()
        .await?
        .value;
    let request_id = job_id_segment(PROVIDER_ID, &submission.request_id)?;
    let app = app_id(model_id);
    let status_url = job_operation_url(connection, operations.status.as_ref(), "status", app, &request_id, submission.status_url.as_deref())?;
    let result_url = job_operation_url(connection, operations.result.as_ref(), "result", app, &request_id, submission.response_url.as_deref())?;
    let mut job = Job::new(PROVIDER_ID, &request_id);
    if let Some(cancel) = operations.cancel.as_ref() {
        let cancel_url = job_operation_url(connection, Some(cancel), "cancel", app, &request_id, submission.cancel_url.as_deref())?;
        let (cancel_connection, cancel_headers) = (connection.clone(), call_headers.clone());
        job = job.cancel_with(move || async move {
            send_to_job(&cancel_connection, Method::PUT, &cancel_url, &cancel_headers, None).await.map(drop)
        });
    }
    let (connection, status_url, result_url) = (&**connection, status_url.as_str(), result_url.as_str());
    let (output, headers) = job.poll(poll, || poll_once::<T>(connection, status_url, result_url, call_headers)).await?;
    Ok(QueueOutcome { output, request_id, headers })
}

/// One look at the request: pending, failed, or completed with its result read.
async fn poll_once<T: DeserializeOwned>(
    connection: &MappedConnection,
    status_url: &str,
    result_url: &str,
    call_headers: &HeaderMap,
) -> Result<JobStatus<(T, HeaderMap)>> {
    let status = send_to_job(connection, Method::GET, status_url, call_headers, None).await?.json::<wire::QueueStatus>().await?.value;
    match status.status {
        wire::QueueStatusStatus::Completed => {}
        wire::QueueStatusStatus::Unlisted(word) if ["FAILED", "CANCELED", "CANCELLED", "ERROR"].contains(&word.as_str()) => {
            return Ok(JobStatus::Failed(status.error.unwrap_or(word)));
        }
        other => return Ok(JobStatus::Pending(Some(other.to_string()))),
    }
    if let Some(error) = status.error {
        return Ok(JobStatus::Failed(error));
    }
    match send_to_job(connection, Method::GET, result_url, call_headers, None).await {
        Ok(mut response) => {
            let headers = std::mem::take(&mut response.headers);
            Ok(JobStatus::Done((response.json::<T>().await?.value, headers)))
        }
        // The request ran and its result is an error: the model's failure, not the poll's.
        Err(Error::ApiCall(call)) if !call.is_retryable => Ok(JobStatus::Failed(call.message)),
        Err(error) => Err(error),
    }
}

/// The bytes of a file FAL answered with and its media type (FAL's `content_type`, else the
/// download's): a CDN URL downloaded with the provider's client and a size cap, or a `data:` URL
/// (`sync_mode`) decoded.
pub(super) async fn fetch_file(connection: &MappedConnection, file: &wire::File) -> Result<(Bytes, Option<String>)> {
    let (bytes, media_type) = fetch_output(connection.client(), PROVIDER_ID, &file.url).await?;
    Ok((bytes, file.content_type.clone().filter(|media_type| !media_type.is_empty()).or(media_type)))
}

#[cfg(test)]
mod tests {
    use super::app_id;

    #[test]
    fn the_app_id_drops_the_endpoint_path() {
        assert_eq!(app_id("fal-ai/flux/dev"), "fal-ai/flux");
        assert_eq!(app_id("fal-ai/kokoro/american-english"), "fal-ai/kokoro");
        assert_eq!(app_id("fal-ai/wizper"), "fal-ai/wizper");
        assert_eq!(app_id("solo"), "solo");
    }
}
