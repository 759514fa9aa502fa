//! The storage contract story and races, on a fresh SQLite file per test.

use proofline_store::Store;
use proofline_store::contract;
use proofline_store_sqlite::SqliteStore;
use std::sync::Arc;

/// A store on a new file in its own temporary directory, removed when the guard drops.
async fn fresh() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}/test.db", dir.path().display());
    let store = SqliteStore::connect(&url).await.expect("the store opens");
    (store, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story() {
    let (store, _dir) = fresh().await;
    contract::story(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_completion_and_escalation() {
    let (store, _dir) = fresh().await;
    let store: Arc<dyn Store> = Arc::new(store);
    contract::concurrent_completion_and_escalation(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_completions_close_the_run() {
    let (store, _dir) = fresh().await;
    let store: Arc<dyn Store> = Arc::new(store);
    contract::concurrent_completions_close_the_run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_never_share_a_delivery() {
    let (store, _dir) = fresh().await;
    let store: Arc<dyn Store> = Arc::new(store);
    contract::concurrent_claims_never_share_a_delivery(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_redeems_use_a_link_once() {
    let (store, _dir) = fresh().await;
    let store: Arc<dyn Store> = Arc::new(store);
    contract::concurrent_redeems_use_a_link_once(store).await;
}

#[tokio::test]
async fn a_backlog_for_one_destination_leaves_room_for_the_others() {
    let (store, _dir) = fresh().await;
    contract::a_backlog_for_one_destination_leaves_room_for_the_others(&store).await;
}

#[tokio::test]
async fn an_in_memory_database_is_refused_with_a_reason() {
    let refused = SqliteStore::connect("sqlite::memory:").await.err().expect("an in-memory URL is refused");
    assert!(refused.to_string().contains("in-memory"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_move_each_task_once() {
    let (store, _dir) = fresh().await;
    contract::concurrent_claims_move_each_task_once(Arc::new(store)).await;
}
