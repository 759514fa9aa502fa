//! The web app under load: the My-work page (session cookie) and the task-list API
//! (bearer token), requested by many clients at once from this same process over
//! loopback, with 100,000 tasks in the database.
//!
//! The load generator runs on a thread of its own and shares the two cores with the
//! server, so requests per second are a floor, not a ceiling. Its CPU time is measured
//! apart, which gives the server's own cost per request and what two cores of it serve.

use super::figure;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use jiff::{SignedDuration, Timestamp};
use proofline_core::PersonId;
use proofline_core::outage::Disposition;
use proofline_core::process::{ProcessDefinition, ProcessStatus};
use proofline_core::roster::Roster;
use proofline_engine::{Engine, EngineConfig, LocalBlobs, SystemClock, plan_run};
use proofline_store::Store;
use proofline_store_sqlite::SqliteStore;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// People whose pages are requested (each signed in once).
const VISITORS: usize = 64;
/// Requests in flight at once.
const CONNECTIONS: usize = 32;
const WARMUP: Duration = Duration::from_secs(1);
const MEASURE: Duration = Duration::from_secs(5);

/// `tasks` open tasks spread over `holders` people, so each page lists tasks / holders.
pub async fn run(dir: &std::path::Path, tasks: u32, holders: u32) -> anyhow::Result<()> {
    let url = format!("sqlite://{}", dir.join("web.db").display());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await?);
    let org = store.create_org("Bench café", "Europe/Berlin").await?;
    let people = super::people(&*store, org, holders).await?;
    let config = EngineConfig { public_url: "http://127.0.0.1".into(), ..EngineConfig::default() };
    let engine =
        Engine::new(store.clone(), Arc::new(SystemClock), Arc::new(LocalBlobs::new(dir.join("blobs"))), config);
    let now = Timestamp::now();
    seed_tasks(&engine, org, &people, tasks, now).await?;

    let hash = engine.hash_password("bench password").await?;
    let mut cookies = Vec::with_capacity(VISITORS);
    let mut tokens = Vec::with_capacity(VISITORS);
    for (i, person) in people.iter().skip(1).take(VISITORS).enumerate() {
        store.set_password(org, *person, &hash).await?;
        let signed_in = engine
            .sign_in(&format!("p{}@bench.test", i + 1), "bench password")
            .await?
            .ok_or_else(|| anyhow::anyhow!("a bench sign-in failed"))?;
        cookies.push(format!("proofline={}", signed_in.secret));
        tokens.push(format!("Bearer {}", engine.issue_token(org, *person, "bench").await?));
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(proofline_server::serve(listener, engine, std::future::pending()));
    let per_page = tasks / holders;
    for (name, path, header, credentials) in
        [("my_work_page", "/work", "cookie", &cookies), ("task_list_api", "/api/v1/me/tasks", "authorization", &tokens)]
    {
        let load = hammer(&format!("{base}{path}"), header, credentials).await?;
        figure(
            &format!("{name}_requests_per_sec"),
            load.requests as f64 / load.seconds,
            "req/s",
            json!({"tasks_in_database": tasks, "tasks_on_page": per_page, "connections": CONNECTIONS,
                   "errors": load.errors, "budget": ">= 10000"}),
        );
        figure(
            &format!("{name}_p99"),
            load.p99_ms,
            "ms",
            json!({"p50_ms": load.p50_ms, "max_ms": load.max_ms, "budget": "< 10"}),
        );
        figure(
            &format!("{name}_server_cpu_per_request"),
            load.server_cpu_us,
            "µs",
            json!({"load_generator_cpu_us": load.client_cpu_us,
                   "two_cores_serve_per_sec": (2e6 / load.server_cpu_us).round(),
                   "note": "the server's CPU alone; steadier than req/s on a shared machine"}),
        );
    }
    // The same load on an answer that does no work: what HTTP and the load generator
    // themselves cost, to read the figures above against.
    let floor = hammer(&format!("{base}/healthz"), "authorization", &tokens).await?;
    figure(
        "http_floor_requests_per_sec",
        floor.requests as f64 / floor.seconds,
        "req/s",
        json!({"path": "/healthz", "server_cpu_us": floor.server_cpu_us, "p99_ms": floor.p99_ms}),
    );
    server.abort();
    Ok(())
}

/// `count` open tasks spread evenly over `people`, each in its own run.
async fn seed_tasks(
    engine: &Engine,
    org: proofline_core::OrgId,
    people: &[PersonId],
    count: u32,
    now: Timestamp,
) -> anyhow::Result<()> {
    let owner = people[0];
    let definition: ProcessDefinition = serde_json::from_value(json!({
        "name": "Closing checklist", "owner": owner.0, "cadence": {"kind": "manual"},
        "steps": [{"title": "Lock the back door", "assignee": {"person": owner.0}, "due_after": "8h",
                   "proof": [{"kind": "photo"}, {"kind": "number", "label": "Fridge", "unit": "°C", "min": 0, "max": 5}]}],
        "escalation": [{"to": "owner", "window": "1h"}]
    }))?;
    let process = engine.store.create_process(org, "closing", ProcessStatus::Active, &definition, None, now).await?;
    let mut roster = Roster::default();
    let mut batch = Vec::with_capacity(10_000);
    for i in 0..count {
        let scheduled = now + SignedDuration::from_millis(i64::from(i));
        let mut run = plan_run(
            org,
            process,
            1,
            &definition,
            scheduled,
            scheduled,
            Disposition::OnTime,
            "bench",
            None,
            &mut roster,
        );
        for task in &mut run.tasks {
            task.holder = people[(i % people.len() as u32) as usize];
            task.opens_at = now;
            task.due_at = now + SignedDuration::from_hours(8) + SignedDuration::from_secs(i64::from(i));
        }
        batch.push(run);
        if batch.len() == 10_000 || i + 1 == count {
            engine.store.materialize(&batch, &[], &[], now).await?;
            batch.clear();
        }
    }
    engine.open_once(now + SignedDuration::from_secs(1)).await?;
    Ok(())
}

struct Load {
    requests: u64,
    errors: u64,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    /// CPU time of the process, less the load generator's, per answered request.
    server_cpu_us: f64,
    /// CPU time of the load generator's thread per answered request.
    client_cpu_us: f64,
}

/// Runs [`load`] on a thread of its own with a single-threaded runtime, so its CPU time
/// can be told apart from the server's.
async fn hammer(url: &str, header: &'static str, credentials: &[String]) -> anyhow::Result<Load> {
    let (url, credentials) = (url.to_owned(), credentials.to_vec());
    let (done, answer) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let result = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(anyhow::Error::from)
            .and_then(|runtime| runtime.block_on(load(&url, header, &credentials)));
        let _ = done.send(result);
    });
    answer.await?
}

/// Requests `url` from CONNECTIONS workers, each cycling through the credentials, for
/// WARMUP then MEASURE; only answers in the measured span count.
async fn load(url: &str, header: &'static str, credentials: &[String]) -> anyhow::Result<Load> {
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let uri: hyper::Uri = url.parse()?;
    let started = Instant::now();
    let measure_from = started + WARMUP;
    let until = measure_from + MEASURE;
    let mut workers = Vec::new();
    for w in 0..CONNECTIONS {
        let (client, uri, credentials) = (client.clone(), uri.clone(), credentials.to_vec());
        workers.push(tokio::spawn(async move {
            let (mut latencies, mut errors) = (Vec::new(), 0u64);
            let mut i = w;
            while Instant::now() < until {
                let request = hyper::Request::get(uri.clone())
                    .header(header, &credentials[i % credentials.len()])
                    .body(Empty::new())
                    .expect("a request");
                i += 1;
                let sent = Instant::now();
                let ok = match client.request(request).await {
                    Ok(response) => {
                        let status = response.status();
                        response.into_body().collect().await.is_ok() && status.is_success()
                    }
                    Err(_) => false,
                };
                if sent >= measure_from && Instant::now() <= until {
                    if ok { latencies.push(sent.elapsed().as_micros() as u64) } else { errors += 1 }
                }
            }
            (latencies, errors)
        }));
    }
    tokio::time::sleep_until(measure_from.into()).await;
    let (cpu_from, client_from) = (super::cpu_seconds(), super::thread_cpu_seconds());
    tokio::time::sleep_until(until.into()).await;
    let client_used = super::thread_cpu_seconds() - client_from;
    let server_used = super::cpu_seconds() - cpu_from - client_used;
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for worker in workers {
        let (l, e) = worker.await?;
        latencies.extend(l);
        errors += e;
    }
    latencies.sort_unstable();
    let at = |q: f64| {
        let index = ((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1);
        latencies.get(index).map_or(f64::NAN, |us| *us as f64 / 1000.0)
    };
    Ok(Load {
        requests: latencies.len() as u64,
        errors,
        seconds: MEASURE.as_secs_f64(),
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        max_ms: at(1.0),
        server_cpu_us: server_used * 1e6 / latencies.len().max(1) as f64,
        client_cpu_us: client_used * 1e6 / latencies.len().max(1) as f64,
    })
}
