//! `proofline audit verify` as an operator runs it: a whole log passes with exit 0, and
//! a row changed in the database file is named with exit 1.

use proofline_core::access::Access;
use proofline_core::process::{ProcessDefinition, ProcessStatus};
use proofline_engine::{Actor, Engine, EngineConfig, LocalBlobs, SystemClock};
use proofline_store::{PersonFields, Store, TaskQuery};
use proofline_store_sqlite::SqliteStore;
use sqlx::Connection;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

fn verify(data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proofline"))
        .args(["audit", "verify"])
        .env("PROOFLINE_DATA_DIR", data)
        .env_remove("DATABASE_URL")
        .env_remove("PROOFLINE_DATABASE_URL")
        .output()
        .expect("the binary runs")
}

/// A run started and finished with proof, so the log has a few chained events.
async fn some_work(data: &Path) -> String {
    let url = format!("sqlite://{}", data.join("proofline.db").display());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await.unwrap());
    let org = store.create_org("Corner Café", "Europe/Berlin").await.unwrap();
    let fields = PersonFields {
        name: "Olga".into(),
        email: "olga@cafe.test".into(),
        access: Access::Owner,
        manager: None,
        away_until: None,
        active: true,
    };
    let olga = store.create_person(org, &fields).await.unwrap();
    let owner = Actor { org, person: olga, access: Access::Owner };
    let engine = Engine::new(store.clone(), Arc::new(SystemClock), Arc::new(LocalBlobs::new(data.join("blobs"))), {
        EngineConfig::default()
    });
    let definition: ProcessDefinition = serde_json::from_value(serde_json::json!({
        "name": "Till count", "owner": olga.0, "cadence": {"kind": "manual"},
        "steps": [{"title": "Count the till", "assignee": {"person": olga.0}, "due_after": "1h",
                   "proof": [{"kind": "number", "unit": "EUR"}]}],
        "escalation": [{"to": "owner", "window": "1h"}]
    }))
    .unwrap();
    let process = engine.create_process(owner, "till", ProcessStatus::Active, definition).await.unwrap().id;
    engine.start_run(owner, process, None, None).await.unwrap();
    let task = store.list_tasks(org, &TaskQuery::default()).await.unwrap().remove(0);
    let values = serde_json::json!({"number": 412.5}).as_object().unwrap().clone();
    engine.submit_proof(owner, task.id, values, vec![]).await.unwrap();
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_passes_a_whole_log_and_names_a_changed_row() {
    let dir = tempfile::tempdir().unwrap();
    let url = some_work(dir.path()).await;
    let whole = verify(dir.path());
    let said = String::from_utf8_lossy(&whole.stdout).into_owned();
    assert!(whole.status.success(), "{said}{}", String::from_utf8_lossy(&whole.stderr));
    assert!(said.contains("organization 1: intact") && said.contains("1 submissions' evidence matches"), "{said}");

    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("UPDATE submissions SET evidence = json_set(evidence, '$.number', 12.5)")
        .execute(&mut conn)
        .await
        .unwrap();
    let changed = verify(dir.path());
    let said = String::from_utf8_lossy(&changed.stdout).into_owned();
    assert_eq!(changed.status.code(), Some(1), "{said}");
    assert!(said.contains("BROKEN") && said.contains("evidence of submission 1 was changed"), "{said}");
    assert!(String::from_utf8_lossy(&changed.stderr).contains("1 of 1 chains are broken"));
}
