//! Proofline's HTTP face: the web app, the JSON API under `/api/v1`, its OpenAPI
//! document, health checks and Prometheus metrics, as one axum router over an [`Engine`].

mod api;
mod auth;
mod error;
mod evidence;
mod extract;
mod health;
mod metrics;
mod numbers;
mod openapi;
mod web;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header::CONTENT_TYPE;
use axum::http::{Request, Response};
use axum::response::IntoResponse;
use axum::routing::get;
use error::ApiError;
use proofline_engine::Engine;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// Largest request body outside proof submissions.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Largest proof submission (several photos).
pub const SUBMISSION_LIMIT: usize = 25 * 1024 * 1024;

/// What every handler can reach. Extractors and middleware clone it several times per
/// request, so it is one pointer: cloning the engine itself copies its configuration.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Shared>);

pub(crate) struct Shared {
    pub engine: Engine,
    pub metrics: metrics::Metrics,
    /// Failed sign-ins, to slow password guessing.
    pub logins: web::LoginLimiter,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The whole HTTP application.
pub fn router(engine: Engine) -> Router {
    let state = AppState(Arc::new(Shared {
        engine,
        metrics: metrics::Metrics::default(),
        logins: web::LoginLimiter::default(),
    }));
    let (api, doc) =
        OpenApiRouter::with_openapi(openapi::ApiDoc::openapi()).nest("/api/v1", api::v1::routes()).split_for_parts();
    let doc = openapi::with_problem_responses(doc);
    let doc = Arc::new(doc.to_json().unwrap_or_else(|_| "{}".to_string()));
    api.route("/api/openapi.json", get(move || async move { ([(CONTENT_TYPE, "application/json")], doc.to_string()) }))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::metrics))
        .merge(web::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(|panic: Box<dyn std::any::Any + Send>| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            ApiError::internal(format!("a handler panicked: {message}")).into_response()
        }))
        .layer(axum::middleware::from_fn(web::guard))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let route =
                        request.extensions().get::<axum::extract::MatchedPath>().map_or("unmatched", |p| p.as_str());
                    tracing::info_span!("request", method = %request.method(), route)
                })
                .on_request(())
                .on_response(|response: &Response<_>, latency: Duration, _: &Span| {
                    tracing::info!(
                        status = response.status().as_u16(),
                        latency_ms = latency.as_secs_f64() * 1000.0,
                        "answered"
                    );
                }),
        )
        .with_state(state)
}

/// The API answers in problem+json; everything else is a page.
async fn not_found(uri: axum::http::Uri) -> Response<axum::body::Body> {
    if uri.path().starts_with("/api/") {
        ApiError::not_found("no such endpoint").into_response()
    } else {
        web::PageError::not_found().into_response()
    }
}

async fn method_not_allowed(uri: axum::http::Uri) -> Response<axum::body::Body> {
    if uri.path().starts_with("/api/") {
        ApiError::method_not_allowed().into_response()
    } else {
        web::PageError::Status(
            axum::http::StatusCode::METHOD_NOT_ALLOWED,
            "This address is not for that kind of request. Go back and try again.".into(),
        )
        .into_response()
    }
}

/// Serves the application on `listener` until `shutdown` completes, then lets requests
/// in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    engine: Engine,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(engine).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
