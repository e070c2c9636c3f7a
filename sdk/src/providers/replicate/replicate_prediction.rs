//! One prediction from creation to its end: created with `Prefer: wait` (often finished in that
//! one answer), else polled through the shared poller and cancelled when the caller gives up.
//!
//! The status and cancel URLs are the prediction's `urls.get` and `urls.cancel` when they are on
//! the configured host (the key travels with them), else the mapping's paths.

use std::sync::Arc;

use http::{HeaderMap, Method};
use serde_json::{Map, Value};

use super::{PROVIDER_ID, wire};
use crate::error::{Error, Result};
use crate::provider::ExtraRequest;
use crate::provider_utils::{Job, JobStatus, MappedConnection, PollSettings, job_id_segment, job_operation_url, send_to_job};

/// Where a prediction stands: done, failed with Replicate's message, or still running.
fn standing(prediction: wire::Prediction) -> JobStatus<wire::Prediction> {
    use wire::PredictionStatus as Status;
    let message = |status: &Status| match &prediction.error {
        Some(Value::String(message)) if !message.is_empty() => message.clone(),
        Some(error) if !error.is_null() => error.to_string(),
        _ => format!("the prediction ended as `{status}`"),
    };
    match &prediction.status {
        Status::Succeeded => JobStatus::Done(prediction),
        status @ (Status::Failed | Status::Canceled | Status::Aborted) => JobStatus::Failed(message(status)),
        status => JobStatus::Pending(Some(status.to_string())),
    }
}

/// Creates a prediction of `model_id` (`owner/name` or `owner/name:version`) with this input and
/// returns it finished, with the headers of the answer that created it.
pub(super) async fn run_prediction(
    connection: &Arc<MappedConnection>,
    poll: &PollSettings,
    model_id: &str,
    input: Map<String, Value>,
    call_headers: &HeaderMap,
    extra: &ExtraRequest,
) -> Result<(wire::Prediction, HeaderMap)> {
    let operations = connection.mapping.operations;
    let (url, version) = match model_id.split_once(':') {
        Some((_, version)) => (connection.operation_url(operations.submit.as_ref(), "image", model_id)?, Some(version.to_owned())),
        None => (connection.operation_url(operations.image.as_ref(), "image", model_id)?, None),
    };
    let request = wire::PredictionRequest { input, version, extra: Map::new() };
    let mut response = connection.post_json(url.as_str(), request, call_headers, extra).await?;
    let headers = std::mem::take(&mut response.headers);
    let prediction = response.json::<wire::Prediction>().await?.value;
    let id = job_id_segment(PROVIDER_ID, &prediction.id)?;
    let urls = prediction.urls.clone().unwrap_or_default();
    match standing(prediction) {
        JobStatus::Done(prediction) => return Ok((prediction, headers)),
        JobStatus::Failed(message) => return Err(Error::JobFailed { provider: PROVIDER_ID.to_owned(), job_id: id, message }),
        JobStatus::Pending(_) => {}
    }
    let status_url = job_operation_url(connection, operations.status.as_ref(), "status", model_id, &id, urls.get.as_deref())?;
    let mut job = Job::new(PROVIDER_ID, &id);
    if let Some(cancel) = operations.cancel.as_ref() {
        let cancel_url = job_operation_url(connection, Some(cancel), "cancel", model_id, &id, urls.cancel.as_deref())?;
        let (cancel_connection, cancel_headers) = (connection.clone(), call_headers.clone());
        job = job.cancel_with(move || async move {
            send_to_job(&cancel_connection, Method::POST, &cancel_url, &cancel_headers, None).await.map(drop)
        });
    }
    let (connection, status_url) = (&**connection, status_url.as_str());
    let prediction = job
        .poll(poll, || async move {
            let response = send_to_job(connection, Method::GET, status_url, call_headers, None).await?;
            Ok(standing(response.json::<wire::Prediction>().await?.value))
        })
        .await?;
    Ok((prediction, headers))
}
