//! The OpenAPI 3.1 document: its frame (info, bearer security, shared schemas); the paths
//! come from each handler's `#[utoipa::path]` as the router registers it.

use crate::error::{Problem, ProblemItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Proofline API",
        description = "Run SOPs on a cadence: steps count as done only with proof, and missed work escalates. \
                       Authenticate with `Authorization: Bearer <token>`. Errors are `application/problem+json`."
    ),
    components(schemas(Problem, ProblemItem)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token created for a person"))
                    .build(),
            ),
        );
    }
}

/// Gives every operation a `default` response (any error, as problem+json) and every
/// response a description, so handlers document only their successes and the errors
/// worth a word of their own.
pub fn with_problem_responses(mut openapi: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
    let problem = ResponseBuilder::new()
        .description("Any error, as application/problem+json")
        .content("application/problem+json", Content::new(Some(Ref::from_schema_name("Problem"))))
        .build();
    for item in openapi.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            // OpenAPI 3.1 requires a description on every response.
            for (status, response) in operation.responses.responses.iter_mut() {
                if let RefOr::T(response) = response
                    && response.description.is_empty()
                {
                    response.description = status
                        .parse::<u16>()
                        .ok()
                        .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("Success")
                        .to_string();
                }
            }
            operation.responses.responses.entry("default".to_string()).or_insert_with(|| RefOr::T(problem.clone()));
        }
    }
    openapi
}
