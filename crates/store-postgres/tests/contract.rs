//! The storage contract story and races on PostgreSQL, each test in a database of its
//! own (so tests run in parallel and repeatedly), when `PROOFLINE_TEST_DATABASE_URL` names
//! a server to create them on, e.g. `postgres://postgres@127.0.0.1:5432/postgres`.

use proofline_store::Store;
use proofline_store::contract;
use proofline_store_postgres::{PostgresStore, create_database, drop_database};
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
    let url = create_database(&server, &name).await.expect("the test server creates a database");
    let outcome = match PostgresStore::connect(&url).await {
        // The test owns the store, so its pool closes when the test ends or panics.
        Ok(store) => tokio::spawn(test(store)).await.map_err(|e| e.into_panic()),
        Err(e) => Err(Box::new(format!("the store connects and migrates: {e}")) as _),
    };
    drop_database(&server, &name).await.expect("the test database is dropped");
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
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
