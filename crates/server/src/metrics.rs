//! Request counting for `/metrics` (Prometheus text format), kept small and hand-written,
//! and the middleware that also logs what a failed request did not tell its user.

use crate::AppState;
use crate::error::InternalDetail;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use proofline_core::notice::Channel;
use proofline_core::pattern::Severity;
use proofline_store::PatternState;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

#[derive(Debug, Default)]
struct Series {
    count: u64,
    seconds: f64,
}

/// One route's counters by (method, status).
type RouteSeries = BTreeMap<(&'static str, u16), Series>;

/// Counters by route template, then (method, status). Keyed by route first so that
/// counting a request allocates nothing once its route has been seen.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<String, RouteSeries>>,
}

impl Metrics {
    fn record(&self, method: &'static str, route: &str, status: u16, seconds: f64) {
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let by_route = match requests.get_mut(route) {
            Some(by_route) => by_route,
            None => requests.entry(route.to_string()).or_default(),
        };
        let series = by_route.entry((method, status)).or_default();
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
        let series = || {
            requests
                .iter()
                .flat_map(|(route, by)| by.iter().map(move |((method, status), s)| (*method, route, *status, s)))
        };
        for (method, route, status, series) in series() {
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
        for (method, route, status, series) in series() {
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
    let method = match *request.method() {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let route = request.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    let response = next.run(request).await;
    let status = response.status();
    if let Some(InternalDetail(detail)) = response.extensions().get::<InternalDetail>() {
        tracing::error!(%method, %route, status = status.as_u16(), %detail, "request failed");
    }
    state.metrics.record(method, route, status.as_u16(), started.elapsed().as_secs_f64());
    response
}

pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let deliveries = state.engine.delivery_counters.snapshot();
    let mut body = state.metrics.render(&deliveries);
    // A store that cannot answer leaves the gauge out rather than reporting zero patterns.
    if let Ok(counts) = state.engine.store.pattern_counts().await {
        body.push_str(&patterns_text(&counts));
    }
    ([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body)
}

/// Every state and severity is written, zeros included, so a pattern resolving shows as a
/// fall to 0 rather than a series that vanishes.
fn patterns_text(counts: &[(PatternState, Severity, u64)]) -> String {
    let mut out = String::new();
    out.push_str("# HELP proofline_patterns Repeated failures found in history, by state and severity.\n");
    out.push_str("# TYPE proofline_patterns gauge\n");
    for state in PatternState::ALL {
        for severity in [Severity::Low, Severity::Medium, Severity::High] {
            let n = counts.iter().find(|(st, sv, _)| *st == state && *sv == severity).map_or(0, |(_, _, n)| *n);
            let _ = writeln!(
                out,
                "proofline_patterns{{state=\"{}\",severity=\"{}\"}} {n}",
                state.as_str(),
                severity.as_str()
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_gauges_name_every_state_and_severity() {
        let text = patterns_text(&[(PatternState::Open, Severity::High, 2)]);
        assert!(text.contains("proofline_patterns{state=\"open\",severity=\"high\"} 2\n"), "{text}");
        assert!(text.contains("proofline_patterns{state=\"resolved\",severity=\"low\"} 0\n"), "{text}");
        assert_eq!(text.lines().filter(|l| l.starts_with("proofline_patterns{")).count(), 9);
    }
}
