//! The event log is tamper-evident: rows edited, deleted, reordered or slipped in
//! directly in the SQLite file are each caught by verification, at the right place.

use crate::common::*;
use proofline_core::audit::Break;
use proofline_engine::verify_chains;
use serde_json::json;
use sqlx::Connection;

/// A café morning with proof, an out-of-range reading and a missed step that moved up
/// the chain; returns the café and a second connection to its database file.
async fn a_morning() -> (Cafe, sqlx::SqliteConnection) {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    cafe.t.advance(mins(1)).await;
    let task = cafe.first_step().await;
    let dan = cafe.as_person(cafe.dan);
    cafe.t.engine.submit_proof(dan, task.id, values(json!({"number": 7.5})), photo()).await.unwrap();
    // Nobody signs the opening off: it moves to the next level.
    cafe.t.advance(mins(150)).await;
    cafe.t.advance(mins(40)).await;
    let url = format!("sqlite://{}", cafe.t.store.dir.path().join("proofline.db").display());
    let conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    (cafe, conn)
}

async fn broken(cafe: &Cafe) -> Break {
    let reports = verify_chains(cafe.t.engine.store.as_ref(), Some(cafe.owner.org)).await.unwrap();
    reports[0].broken.clone().expect("the change is caught")
}

async fn event_id(conn: &mut sqlx::SqliteConnection, kind: &str) -> (i64, i64) {
    sqlx::query_as("SELECT id, seq FROM events WHERE kind = ?1 ORDER BY seq LIMIT 1")
        .bind(kind)
        .fetch_one(conn)
        .await
        .unwrap()
}

async fn run(conn: &mut sqlx::SqliteConnection, sql: &'static str, id: i64) {
    sqlx::query(sql).bind(id).execute(conn).await.unwrap();
}

#[tokio::test]
async fn an_untouched_log_verifies_with_every_submission_checked() {
    let (cafe, _conn) = a_morning().await;
    let reports = verify_chains(cafe.t.engine.store.as_ref(), None).await.unwrap();
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert_eq!(report.broken, None, "{report:?}");
    assert!(report.verified >= 5, "created, opened, completed, escalated …: {report:?}");
    assert_eq!(report.evidence_checked, 1);
    assert_eq!(report.head.as_ref().map(|h| h.seq), Some(report.verified));
}

#[tokio::test]
async fn an_edited_event_is_named() {
    let (cafe, mut conn) = a_morning().await;
    let (id, seq) = event_id(&mut conn, "escalated").await;
    run(&mut conn, "UPDATE events SET to_holder = from_holder WHERE id = ?1", id).await;
    assert_eq!(broken(&cafe).await, Break::Altered { id, seq });
}

#[tokio::test]
async fn an_edited_reading_in_the_evidence_is_caught() {
    let (cafe, mut conn) = a_morning().await;
    let (id, seq) = event_id(&mut conn, "completed").await;
    let submission: i64 = sqlx::query_scalar("SELECT id FROM submissions LIMIT 1").fetch_one(&mut conn).await.unwrap();
    run(&mut conn, "UPDATE submissions SET evidence = json_set(evidence, '$.number', 4.0) WHERE id = ?1", submission)
        .await;
    assert_eq!(broken(&cafe).await, Break::Evidence { id, seq, submission, missing: false });
}

#[tokio::test]
async fn a_deleted_event_is_caught_in_the_middle_and_at_the_end() {
    let (cafe, mut conn) = a_morning().await;
    let (id, seq) = event_id(&mut conn, "completed").await;
    run(&mut conn, "DELETE FROM events WHERE id = ?1", id).await;
    assert_eq!(broken(&cafe).await, Break::Missing { from: seq, to: seq });

    let (cafe, mut conn) = a_morning().await;
    let last: i64 = sqlx::query_scalar("SELECT max(seq) FROM events").fetch_one(&mut conn).await.unwrap();
    run(&mut conn, "DELETE FROM events WHERE seq = ?1", last).await;
    assert_eq!(broken(&cafe).await, Break::Truncated { last_seq: last - 1, head_seq: last });
}

#[tokio::test]
async fn reordered_events_are_caught() {
    let (cafe, mut conn) = a_morning().await;
    let (first, a) = event_id(&mut conn, "completed").await;
    let (second, b) = event_id(&mut conn, "escalated").await;
    // Swap the two rows' positions, through a free one (positions are unique).
    run(&mut conn, "UPDATE events SET seq = -1 WHERE id = ?1", first).await;
    sqlx::query("UPDATE events SET seq = ?1 WHERE id = ?2").bind(a).bind(second).execute(&mut conn).await.unwrap();
    sqlx::query("UPDATE events SET seq = ?1 WHERE id = ?2").bind(b).bind(first).execute(&mut conn).await.unwrap();
    assert_eq!(broken(&cafe).await, Break::Altered { id: second, seq: a });
}

#[tokio::test]
async fn a_forger_who_rehashes_an_edit_breaks_the_next_link() {
    let (cafe, mut conn) = a_morning().await;
    let (id, seq) = event_id(&mut conn, "completed").await;
    let page = cafe.t.engine.store.chain_page(cafe.owner.org, seq - 1, 2).await.unwrap();
    let mut forged = page[0].event.clone();
    forged.actor = Some(cafe.ben.0);
    let hash = forged.hash(&page[0].prev_hash);
    sqlx::query("UPDATE events SET actor_id = ?1, hash = ?2 WHERE id = ?3")
        .bind(cafe.ben.0)
        .bind(hash)
        .bind(id)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(broken(&cafe).await, Break::Unlinked { id: page[1].id, seq: seq + 1 });
}

#[tokio::test]
async fn a_row_written_around_proofline_is_outside_the_chain() {
    let (cafe, mut conn) = a_morning().await;
    let org = cafe.owner.org.0;
    let id: i64 = sqlx::query_scalar("INSERT INTO events (org_id, at, kind) VALUES (?1, 0, 'completed') RETURNING id")
        .bind(org)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(broken(&cafe).await, Break::Unchained { id });
}
