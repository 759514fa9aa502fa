//! Submitting proof for a task, as JSON values or as a multipart form carrying files
//! (photos, documents) by requirement key. The check itself is the engine's.

use super::enums::TaskStateDoc;
use super::tasks::ExceptionView;
use crate::auth::Worker;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::{AppState, SUBMISSION_LIMIT};
use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use proofline_core::task::TaskState;
use proofline_core::{SubmissionId, TaskId};
use proofline_engine::Upload;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Proof as JSON: values by requirement key (files need the multipart form).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitJson {
    #[serde(default)]
    #[schema(value_type = Object, example = json!({"number": 3.5, "signature": {"name": "Ben", "attest": true}}))]
    pub values: Map<String, Value>,
}

/// Proof as a form: one part per requirement key. File parts (with a filename) are
/// evidence files; text parts are values (a text that is a JSON object or array is read
/// as JSON); a part named `values` may carry a JSON object of values.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SubmitForm {
    /// A JSON object of values by requirement key.
    values: Option<String>,
    /// A photo for a requirement keyed `photo`, for example.
    #[schema(value_type = Option<String>, format = Binary)]
    photo: Option<Vec<u8>>,
}

/// What became of the submission.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitResult {
    #[schema(value_type = i64)]
    pub submission: SubmissionId,
    /// The task's state now (done, unless the step needs approval).
    #[schema(value_type = TaskStateDoc)]
    pub state: TaskState,
    /// Evidence accepted but flagged, e.g. a reading out of range.
    pub exceptions: Vec<ExceptionView>,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(submit)).layer(DefaultBodyLimit::max(SUBMISSION_LIMIT))
}

/// Submits proof; the task is done only if every requirement is met (anyone but
/// auditors, for tasks they hold; managers for any task).
#[utoipa::path(post, operation_id = "submit_proof", path = "/tasks/{id}/submissions", tag = "tasks",
    params(("id" = i64, Path, description = "Task id")),
    request_body(content(
        (SubmitJson = "application/json"),
        (SubmitForm = "multipart/form-data"),
    )),
    responses(
        (status = 201, body = SubmitResult),
        (status = 403, description = "Someone else holds the task"),
        (status = 413, description = "Larger than 25 MB in all, or a file above the engine's limit"),
        (status = 422, description = "The proof misses requirements; `errors` names each by `key`"),
    ))]
async fn submit(
    State(state): State<AppState>,
    Worker(actor): Worker,
    ApiPath(id): ApiPath<TaskId>,
    request: Request,
) -> Result<(StatusCode, Json<SubmitResult>), ApiError> {
    let content_type =
        request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
    let (values, uploads) = if content_type.starts_with("multipart/form-data") {
        let form = Multipart::from_request(request, &state)
            .await
            .map_err(|r| ApiError::rejected(r.status(), r.body_text()))?;
        read_form(form).await?
    } else if content_type.starts_with("application/json") {
        let ApiJson(body) = ApiJson::<SubmitJson>::from_request(request, &state).await?;
        (body.values, Vec::new())
    } else {
        return Err(ApiError::rejected(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send proof as application/json or multipart/form-data".into(),
        ));
    };
    let outcome = state.engine.submit_proof(actor, id, values, uploads).await?;
    Ok((
        StatusCode::CREATED,
        Json(SubmitResult {
            submission: outcome.submission,
            state: outcome.state,
            exceptions: outcome.exceptions.into_iter().map(Into::into).collect(),
        }),
    ))
}

fn broken(e: axum::extract::multipart::MultipartError) -> ApiError {
    ApiError::rejected(e.status(), e.body_text())
}

/// Splits a form into values and uploaded files.
async fn read_form(mut form: Multipart) -> Result<(Map<String, Value>, Vec<Upload>), ApiError> {
    let mut values = Map::new();
    let mut uploads = Vec::new();
    while let Some(field) = form.next_field().await.map_err(broken)? {
        let Some(key) = field.name().filter(|n| !n.is_empty()).map(str::to_string) else {
            return Err(ApiError::bad_request("every part needs a name: the key of the requirement it answers"));
        };
        if let Some(filename) = field.file_name().map(str::to_string) {
            let bytes = field.bytes().await.map_err(broken)?;
            // Browsers send an empty part for a file input left empty.
            if filename.is_empty() && bytes.is_empty() {
                continue;
            }
            uploads.push(Upload { key, filename: Some(filename).filter(|f| !f.is_empty()), bytes: bytes.to_vec() });
        } else {
            let text = field.text().await.map_err(broken)?;
            if key == "values" {
                match serde_json::from_str(&text) {
                    Ok(Value::Object(map)) => map.into_iter().for_each(|(k, v)| add(&mut values, k, v)),
                    _ => {
                        return Err(ApiError::invalid_field("values", "the \"values\" part must be a JSON object"));
                    }
                }
            } else {
                add(&mut values, key, text_value(text));
            }
        }
    }
    Ok((values, uploads))
}

/// Repeated parts (ticked checklist items) collect into a list.
fn add(values: &mut Map<String, Value>, key: String, value: Value) {
    match values.get_mut(&key) {
        Some(Value::Array(list)) if !value.is_array() => list.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
        None => {
            values.insert(key, value);
        }
    }
}

fn text_value(text: String) -> Value {
    let trimmed = text.trim();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(json) = serde_json::from_str(trimmed)
    {
        return json;
    }
    Value::String(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn repeated_form_parts_become_a_list_and_json_text_is_read_as_json() {
        let mut values = Map::new();
        add(&mut values, "checklist".into(), text_value("Lights".into()));
        add(&mut values, "checklist".into(), text_value("Alarm".into()));
        add(&mut values, "checklist".into(), text_value("Till".into()));
        add(&mut values, "signature".into(), text_value(r#"{"name": "Ben", "attest": true}"#.into()));
        add(&mut values, "number".into(), text_value("3.5".into()));
        assert_eq!(
            Value::Object(values),
            json!({
                "checklist": ["Lights", "Alarm", "Till"],
                "signature": {"name": "Ben", "attest": true},
                "number": "3.5"
            })
        );
    }
}
