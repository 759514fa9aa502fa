//! How each person wants to hear (email mode, muted kinds, quiet hours, zone) and the
//! organization's notification settings (reminder lead time, digest times).

use super::enums::{EmailModeDoc, NoticeKindDoc};
use crate::AppState;
use crate::auth::{Caller, Manager};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, NoQuery};
use axum::Json;
use axum::extract::State;
use proofline_core::PersonId;
use proofline_core::notice::{NotifySettings, Preferences};
use proofline_engine::Actor;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A person's choices; every field may be left out.
#[derive(ToSchema)]
#[schema(as = Preferences)]
#[allow(dead_code)]
pub struct PreferencesDoc {
    /// `instant`: each notice and the daily digest; `digest`: digests only; `off`.
    #[schema(default = "instant")]
    email: EmailModeDoc,
    /// Kinds never emailed (they stay in the in-app list).
    muted: Vec<NoticeKindDoc>,
    /// Email falling in this daily stretch waits for its end.
    quiet_hours: Option<QuietHoursDoc>,
    /// IANA zone for quiet hours, digests and times in messages; the organization's when unset.
    #[schema(example = "Europe/Berlin")]
    zone: Option<String>,
}

/// Local times; `from` after `to` spans midnight.
#[derive(ToSchema)]
#[schema(as = QuietHours)]
#[allow(dead_code)]
pub struct QuietHoursDoc {
    #[schema(example = "22:00")]
    from: String,
    #[schema(example = "07:00")]
    to: String,
}

/// The organization's notification settings; every field may be left out.
#[derive(ToSchema)]
#[schema(as = NotifySettings)]
#[allow(dead_code)]
pub struct NotifySettingsDoc {
    /// How long before its deadline the holder hears "due soon"; `0m` turns it off.
    #[schema(example = "30m")]
    due_soon: String,
    /// Local time of each person's daily digest.
    #[schema(example = "07:00")]
    daily_digest_at: String,
    #[schema(example = "monday")]
    weekly_digest_on: String,
    #[schema(example = "08:00")]
    weekly_digest_at: String,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(mine, set_mine))
        .routes(routes!(theirs, set_theirs))
        .routes(routes!(settings, set_settings))
        .routes(routes!(retention, set_retention))
}

/// How I want to be told.
#[utoipa::path(get, operation_id = "my_preferences", path = "/me/preferences", tag = "notifications",
    responses((status = 200, body = PreferencesDoc)))]
async fn mine(State(state): State<AppState>, Caller(actor): Caller, _: NoQuery) -> Result<Json<Preferences>, ApiError> {
    Ok(Json(state.engine.store.preferences(actor.org, actor.person).await?))
}

/// Replaces how I want to be told.
#[utoipa::path(put, operation_id = "set_my_preferences", path = "/me/preferences", tag = "notifications",
    request_body = PreferencesDoc, responses((status = 200, body = PreferencesDoc)))]
async fn set_mine(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<Preferences>,
) -> Result<Json<Preferences>, ApiError> {
    save(&state, actor, actor.person, body).await
}

/// How someone is told (managers).
#[utoipa::path(get, operation_id = "person_preferences", path = "/people/{id}/preferences", tag = "notifications",
    params(("id" = i64, Path, description = "Person id")), responses((status = 200, body = PreferencesDoc)))]
async fn theirs(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiPath(id): ApiPath<PersonId>,
    _: NoQuery,
) -> Result<Json<Preferences>, ApiError> {
    Ok(Json(state.engine.store.preferences(actor.org, id).await?))
}

/// Replaces how someone is told (managers), e.g. for a person without a login.
#[utoipa::path(put, operation_id = "set_person_preferences", path = "/people/{id}/preferences", tag = "notifications",
    params(("id" = i64, Path, description = "Person id")),
    request_body = PreferencesDoc, responses((status = 200, body = PreferencesDoc)))]
async fn set_theirs(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiPath(id): ApiPath<PersonId>,
    ApiJson(body): ApiJson<Preferences>,
) -> Result<Json<Preferences>, ApiError> {
    save(&state, actor, id, body).await
}

async fn save(
    state: &AppState,
    actor: Actor,
    person: PersonId,
    body: Preferences,
) -> Result<Json<Preferences>, ApiError> {
    state.engine.set_preferences(actor, person, &body).await?;
    Ok(Json(body))
}

/// The organization's reminder lead time and digest times.
#[utoipa::path(get, operation_id = "notification_settings", path = "/settings/notifications", tag = "notifications",
    responses((status = 200, body = NotifySettingsDoc)))]
async fn settings(
    State(state): State<AppState>,
    Caller(actor): Caller,
    _: NoQuery,
) -> Result<Json<NotifySettings>, ApiError> {
    Ok(Json(state.engine.store.notify_settings(actor.org).await?))
}

/// Replaces the organization's notification settings (managers).
#[utoipa::path(put, operation_id = "set_notification_settings", path = "/settings/notifications", tag = "notifications",
    request_body = NotifySettingsDoc, responses((status = 200, body = NotifySettingsDoc)))]
async fn set_settings(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiJson(body): ApiJson<NotifySettings>,
) -> Result<Json<NotifySettings>, ApiError> {
    state.engine.set_notify_settings(actor, &body).await?;
    Ok(Json(body))
}

/// How long the organization keeps evidence files, in days; `null` keeps them for good.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// Days after submission that files are deleted (1 to 18300), or null. The record of
    /// the evidence (hashes, values, verdicts) and the event chain are kept either way.
    pub days: Option<u32>,
}

/// The organization's evidence retention.
#[utoipa::path(get, operation_id = "evidence_retention", path = "/settings/retention", tag = "notifications",
    responses((status = 200, body = Retention)))]
async fn retention(
    State(state): State<AppState>,
    Caller(actor): Caller,
    _: NoQuery,
) -> Result<Json<Retention>, ApiError> {
    Ok(Json(Retention { days: state.engine.store.retention_days(actor.org).await? }))
}

/// Sets the organization's evidence retention (owners). Files older than this are
/// deleted within the hour, and each deletion is recorded in the event chain.
#[utoipa::path(put, operation_id = "set_evidence_retention", path = "/settings/retention", tag = "notifications",
    request_body = Retention, responses((status = 200, body = Retention), (status = 403, description = "Not an owner")))]
async fn set_retention(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<Retention>,
) -> Result<Json<Retention>, ApiError> {
    state.engine.set_retention(actor, body.days).await?;
    Ok(Json(body))
}
