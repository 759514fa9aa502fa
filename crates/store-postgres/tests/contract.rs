//! The storage contract story and races on PostgreSQL, each test in a database of its
//! own (so tests run in parallel and repeatedly), when `PROOFLINE_TEST_DATABASE_URL` names
//! a server to create them on, e.g. `postgres://postgres@127.0.0.1:5432/postgres`.

use proofline_store::Store;
use proofline_store::contract;
use proofline_store_postgres::PostgresStore;
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use std::future::Future;
use std::sync::Arc;

/// Runs `test` on a store over a new database, then drops the database, even when the
/// test panics (the panic is passed on afterwards).
async fn on_fresh_database<F, Fut>(test: F)
where
    F: FnOnce(PostgresStore) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Ok(server) = std::env::var("PROOFLINE_TEST_DATABASE_URL") else {
        println!("skipped: PROOFLINE_TEST_DATABASE_URL is not set");
        return;
    };
    let name = format!("proofline_test_{:016x}", fastrand::u64(..));
    admin(&server, &format!("CREATE DATABASE {name}")).await;
    let outcome = match PostgresStore::connect(&with_database(&server, &name)).await {
        // The test owns the store, so its pool closes when the test ends or panics.
        Ok(store) => tokio::spawn(test(store)).await.map_err(|e| e.into_panic()),
        Err(e) => Err(Box::new(format!("the store connects and migrates: {e}")) as _),
    };
    admin(&server, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs one statement on the server's own database (`CREATE DATABASE` cannot run in the
/// database it creates).
async fn admin(server: &str, statement: &str) {
    let mut conn = PgConnection::connect(server).await.expect("the test server accepts connections");
    sqlx::query(sqlx::AssertSqlSafe(statement.to_string()))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
    conn.close().await.ok();
}

/// The server URL with its database (the path) replaced by `name`, query string kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let authority = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority..].find('/') {
        Some(slash) => &base[..authority + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

#[test]
fn the_database_of_a_server_url_is_replaced() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
        "postgres://postgres@127.0.0.1:5432/t1"
    );
    assert_eq!(with_database("postgres://u:p@db/main?sslmode=disable", "t2"), "postgres://u:p@db/t2?sslmode=disable");
    assert_eq!(with_database("postgres://db", "t3"), "postgres://db/t3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story() {
    on_fresh_database(|store| async move { contract::story(&store).await }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_completion_and_escalation() {
    on_fresh_database(|store| async move {
        let store: Arc<dyn Store> = Arc::new(store);
        contract::concurrent_completion_and_escalation(store).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_completions_close_the_run() {
    on_fresh_database(|store| async move {
        let store: Arc<dyn Store> = Arc::new(store);
        contract::concurrent_completions_close_the_run(store).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_never_share_a_delivery() {
    on_fresh_database(|store| async move {
        let store: Arc<dyn Store> = Arc::new(store);
        contract::concurrent_claims_never_share_a_delivery(store).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_redeems_use_a_link_once() {
    on_fresh_database(|store| async move {
        let store: Arc<dyn Store> = Arc::new(store);
        contract::concurrent_redeems_use_a_link_once(store).await;
    })
    .await;
}

#[tokio::test]
async fn a_backlog_for_one_destination_leaves_room_for_the_others() {
    on_fresh_database(|store| async move {
        contract::a_backlog_for_one_destination_leaves_room_for_the_others(&store).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_move_each_task_once() {
    on_fresh_database(|store| async move { contract::concurrent_claims_move_each_task_once(Arc::new(store)).await })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_claims_are_disjoint() {
    on_fresh_database(|store| async move { contract::held_claims_are_disjoint(Arc::new(store)).await }).await;
}
