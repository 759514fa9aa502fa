//! Bearer-token authentication and authorization as types: a handler asks for a
//! [`Caller`] (anyone signed in), a [`Worker`] (may do work: not an auditor), an
//! [`Overseer`] (sees patterns and figures: not a plain member) or a [`Manager`], so an endpoint cannot forget the check. Each is scoped to one organization.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use proofline_engine::Actor;

/// Anyone with a valid token, whatever their access.
#[derive(Debug, Clone, Copy)]
pub struct Caller(pub Actor);

/// Someone who may do work (submit proof, start runs): not an auditor.
#[derive(Debug, Clone, Copy)]
pub struct Worker(pub Actor);

/// A manager, owner or auditor: patterns and figures name people, so members do not
/// see them.
#[derive(Debug, Clone, Copy)]
pub struct Overseer(pub Actor);

/// A manager or owner of the organization.
#[derive(Debug, Clone, Copy)]
pub struct Manager(pub Actor);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(*caller);
        }
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| ApiError::unauthorized("send an API token: Authorization: Bearer <token>"))?;
        let secret = header
            .to_str()
            .ok()
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, secret)| secret.trim())
            .filter(|secret| !secret.is_empty())
            .ok_or_else(|| ApiError::unauthorized("the Authorization header must read \"Bearer <token>\""))?;
        let actor = state
            .engine
            .authenticate(secret)
            .await?
            .ok_or_else(|| ApiError::unauthorized("the token is unknown or its person is inactive"))?;
        let caller = Caller(actor);
        parts.extensions.insert(caller);
        Ok(caller)
    }
}

impl FromRequestParts<AppState> for Worker {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Caller(actor) = Caller::from_request_parts(parts, state).await?;
        if actor.access.can_work() {
            Ok(Worker(actor))
        } else {
            Err(ApiError::forbidden("auditors have read-only access"))
        }
    }
}

impl FromRequestParts<AppState> for Overseer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Caller(actor) = Caller::from_request_parts(parts, state).await?;
        if actor.access.can_oversee() {
            Ok(Overseer(actor))
        } else {
            Err(ApiError::forbidden("patterns and figures are for managers, owners and auditors"))
        }
    }
}

impl FromRequestParts<AppState> for Manager {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Caller(actor) = Caller::from_request_parts(parts, state).await?;
        if actor.access.can_manage() {
            Ok(Manager(actor))
        } else {
            Err(ApiError::forbidden("only managers and owners can do this"))
        }
    }
}
