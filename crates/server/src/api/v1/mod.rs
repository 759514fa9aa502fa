//! Version 1 of the JSON API: one module per resource, each with its DTOs and handlers,
//! and the checks the directory resources share.

mod cadence;
mod calendar;
mod deliveries;
mod endpoints;
mod enums;
mod evidence;
mod me;
mod metrics;
mod notices;
mod patterns;
mod people;
mod preferences;
mod processes;
mod roles;
mod runs;
mod scan;
mod submissions;
mod systems;
mod tasks;

use crate::AppState;
use proofline_core::process::FieldError;
use proofline_core::{OrgId, PersonId};
use proofline_store::{Store, StoreError};
use std::collections::HashSet;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(people::routes())
        .merge(roles::routes())
        .merge(systems::routes())
        .merge(processes::routes())
        .merge(evidence::routes())
        .merge(runs::routes())
        .merge(tasks::routes())
        .merge(submissions::routes())
        .merge(me::routes())
        .merge(cadence::routes())
        .merge(notices::routes())
        .merge(preferences::routes())
        .merge(endpoints::routes())
        .merge(deliveries::routes())
        .merge(calendar::routes())
        .merge(patterns::routes())
        .merge(metrics::routes())
        .merge(scan::routes())
}

/// Collects every problem with a request body, so all are reported at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError { field: field.into(), message: message.into() });
    }

    /// `value` trimmed, or a problem when it is blank or longer than `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.add(field, "must not be blank");
        } else if value.chars().count() > max {
            self.add(field, format!("at most {max} characters"));
        }
        value.to_string()
    }

    pub fn finish(self) -> Result<(), crate::error::ApiError> {
        if self.0.is_empty() { Ok(()) } else { Err(crate::error::ApiError::invalid(self.0)) }
    }
}

/// The ids of the organization's people, to check references against in one query.
pub async fn people_of(store: &dyn Store, org: OrgId) -> Result<HashSet<PersonId>, StoreError> {
    Ok(store.list_people(org).await?.into_iter().map(|p| p.id).collect())
}
