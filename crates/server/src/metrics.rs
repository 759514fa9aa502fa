//! Request counting for `/metrics` (Prometheus text format), kept small and hand-written,
//! and the middleware that also logs what a failed request did not tell its user.

use crate::AppState;
use crate::error::InternalDetail;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use proofline_core::notice::Channel;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

#[derive(Debug, Default)]
struct Series {
    count: u64,
    seconds: f64,
}

/// Counters by (method, route template, status).
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let series = requests.entry((method.to_string(), route.to_string(), status)).or_default();
        series.count += 1;
        series.seconds += seconds;
    }

    /// The Prometheus exposition text, with the engine's delivery counters.
    pub fn render(&self, deliveries: &[(Channel, &'static str, u64)]) -> String {
        let mut out = String::new();
        out.push_str("# HELP proofline_build_info Build information.\n");
        out.push_str("# TYPE proofline_build_info gauge\n");
        let _ = writeln!(out, "proofline_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"));
        let requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str("# HELP proofline_http_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE proofline_http_requests_total counter\n");
        for ((method, route, status), series) in requests.iter() {
            let _ = writeln!(
                out,
                "proofline_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {}",
                escape(method),
                escape(route),
                series.count
            );
        }
        out.push_str("# HELP proofline_http_request_duration_seconds_total Time spent answering HTTP requests.\n");
        out.push_str("# TYPE proofline_http_request_duration_seconds_total counter\n");
        for ((method, route, status), series) in requests.iter() {
            let _ = writeln!(
                out,
                "proofline_http_request_duration_seconds_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {:.6}",
                escape(method),
                escape(route),
                series.seconds
            );
        }
        out.push_str(
            "# HELP proofline_delivery_attempts_total Notification delivery attempts, by channel and outcome.\n",
        );
        out.push_str("# TYPE proofline_delivery_attempts_total counter\n");
        for (channel, result, count) in deliveries {
            let _ = writeln!(
                out,
                "proofline_delivery_attempts_total{{channel=\"{}\",result=\"{result}\"}} {count}",
                channel.as_str()
            );
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Counts every request by its route template (not its raw path, which would make one
/// series per id) and logs the internal detail of failures.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    // Only known methods become label values, so junk methods cannot grow the series.
    let method = match request.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m.to_string(),
        _ => "other".to_string(),
    };
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let response = next.run(request).await;
    let status = response.status();
    if let Some(InternalDetail(detail)) = response.extensions().get::<InternalDetail>() {
        tracing::error!(%method, %route, status = status.as_u16(), %detail, "request failed");
    }
    state.metrics.record(&method, &route, status.as_u16(), started.elapsed().as_secs_f64());
    response
}

pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let deliveries = state.engine.delivery_counters.snapshot();
    ([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render(&deliveries))
}
