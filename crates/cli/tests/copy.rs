//! `proofline migrate` and `proofline copy` as an operator runs them: a demo installation
//! with three months of history moves from its SQLite file to a new PostgreSQL database
//! with every record, and the engine carries on there as if nothing had happened.
//!
//! The PostgreSQL tests need a server to create databases on, named by
//! `PROOFLINE_TEST_DATABASE_URL` (e.g. `postgres://postgres@127.0.0.1:5432/postgres`).

use proofline_core::access::Access;
use proofline_core::notice::{Channel, NoticeKind};
use proofline_core::process::ProcessStatus;
use proofline_engine::{EndpointInput, Engine, EngineConfig, LocalBlobs, SystemClock, verify_chains};
use proofline_notify::{EmailSetup, HttpConfig, Outbound, Templates};
use proofline_store::{DirectoryStore, PersonFields, Store};
use proofline_store_postgres::PostgresStore;
use proofline_store_sqlite::SqliteStore;
use sqlx::{Connection, PgConnection, SqliteConnection};
use std::collections::BTreeMap;
use std::future::Future;
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

const DEMO_PASSWORD: &str = "proofline-demo";

fn proofline(args: &[&str], data: &Path, database_url: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_proofline"));
    command.args(args).env("PROOFLINE_DATA_DIR", data).env_remove("PROOFLINE_DATABASE_URL");
    match database_url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    command.output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `test` with the URL of a new database on the test server, then drops the
/// database even when the test panics. Says "skipped" without a server.
async fn on_fresh_database<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Ok(server) = std::env::var("PROOFLINE_TEST_DATABASE_URL") else {
        println!("skipped: PROOFLINE_TEST_DATABASE_URL is not set");
        return;
    };
    let name = format!("proofline_copy_{:016x}", fastrand::u64(..));
    let mut admin = PgConnection::connect(&server).await.expect("the test server accepts connections");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.unwrap();
    let (base, query) = server.split_once('?').map_or((server.as_str(), None), |(b, q)| (b, Some(q)));
    let authority = base.find("://").map_or(0, |i| i + 3);
    let base = base[authority..].find('/').map_or(base, |slash| &base[..authority + slash]);
    let url = format!("{base}/{name}{}", query.map(|q| format!("?{q}")).unwrap_or_default());
    let outcome = tokio::spawn(test(url)).await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut admin)
        .await
        .unwrap();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Seeds the demo organization (people, roles, systems, processes, three months of runs
/// with proof, photos, misses, escalations, notices and deliveries) and stops the demo
/// once it serves.
async fn seeded_demo(data: &Path) {
    let data = data.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut demo = Command::new(env!("CARGO_BIN_EXE_proofline"))
            .args(["demo", "--listen", "127.0.0.1:0"])
            .env("PROOFLINE_DATA_DIR", &data)
            .env_remove("DATABASE_URL")
            .env_remove("PROOFLINE_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the demo starts");
        let lines = std::io::BufReader::new(demo.stdout.take().unwrap()).lines();
        // The last line comes after the demo has issued everyone's API tokens.
        let served = lines.map_while(Result::ok).any(|line| line.contains("try: curl"));
        demo.kill().ok();
        demo.wait().ok();
        assert!(served, "the demo seeded and served");
    })
    .await
    .unwrap();
}

fn engine(store: Arc<dyn Store>, data: &Path) -> Engine {
    Engine::new(store, Arc::new(SystemClock), Arc::new(LocalBlobs::new(data.join("blobs"))), EngineConfig::default())
}

/// Every table's rows, read with plain SQL rather than through the code under test.
async fn sqlite_counts(url: &str) -> BTreeMap<String, i64> {
    let mut conn = SqliteConnection::connect(url).await.unwrap();
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut counts = BTreeMap::new();
    for (table,) in tables {
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        counts.insert(table, n);
    }
    counts
}

async fn postgres_counts(url: &str) -> BTreeMap<String, i64> {
    let mut conn = PgConnection::connect(url).await.unwrap();
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut counts = BTreeMap::new();
    for (table,) in tables {
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        counts.insert(table, n);
    }
    counts
}

type Tasks = Vec<(i64, i64, String, i64)>;
type Chain = Vec<(i64, i64, i64, String, String)>;
type Texts = Vec<(i64, String, Option<String>)>;

const TASKS: &str = "SELECT id, holder_id, state, rev FROM tasks ORDER BY id";
const CHAIN: &str = "SELECT id, org_id, seq, prev_hash, hash FROM events ORDER BY id";
const TEXTS: &str = "SELECT id, body, html FROM deliveries ORDER BY id";

/// Each task's id, holder, state and revision, each event's link of the chain, and each
/// delivery's text.
async fn fingerprint_sqlite(url: &str) -> (Tasks, Chain, Texts) {
    let mut conn = SqliteConnection::connect(url).await.unwrap();
    let tasks = sqlx::query_as(TASKS).fetch_all(&mut conn).await.unwrap();
    let chain = sqlx::query_as(CHAIN).fetch_all(&mut conn).await.unwrap();
    (tasks, chain, sqlx::query_as(TEXTS).fetch_all(&mut conn).await.unwrap())
}

async fn fingerprint_postgres(url: &str) -> (Tasks, Chain, Texts) {
    let mut conn = PgConnection::connect(url).await.unwrap();
    let tasks = sqlx::query_as(TASKS).fetch_all(&mut conn).await.unwrap();
    let chain = sqlx::query_as(CHAIN).fetch_all(&mut conn).await.unwrap();
    (tasks, chain, sqlx::query_as(TEXTS).fetch_all(&mut conn).await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_installation_moves_to_postgresql_whole_and_carries_on_there() {
    if std::env::var("PROOFLINE_TEST_DATABASE_URL").is_err() {
        println!("skipped: PROOFLINE_TEST_DATABASE_URL is not set");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    seeded_demo(dir.path()).await;
    let sqlite_url = format!("sqlite://{}", dir.path().join("proofline.db").display());

    // What the demo leaves out: a browser session, an open invitation, a webhook and a
    // retention period.
    let sqlite: Arc<dyn Store> = Arc::new(SqliteStore::connect(&sqlite_url).await.unwrap());
    let on_sqlite = engine(sqlite.clone(), dir.path());
    let org = sqlite.list_orgs().await.unwrap().remove(0).id;
    let people = sqlite.list_people(org).await.unwrap();
    let email = people.iter().find(|p| p.access == Access::Owner).expect("the demo has an owner").email.clone();
    let owner = on_sqlite.sign_in(&email, DEMO_PASSWORD).await.unwrap().expect("the demo password signs in").actor;
    let other = people.iter().find(|p| p.id != owner.person).unwrap().id;
    on_sqlite.invite(owner, other).await.unwrap();
    on_sqlite.set_retention(owner, Some(400)).await.unwrap();
    let hook = EndpointInput {
        channel: Channel::Webhook,
        name: "Till system".into(),
        url: "https://till.cafe.test/proofline".into(),
        events: vec![NoticeKind::TaskOpened, NoticeKind::TaskMoved],
        active: true,
    };
    on_sqlite.create_endpoint(owner, hook).await.unwrap();
    let live = sqlite.list_processes(org).await.unwrap();
    let active = live.iter().find(|p| p.status == ProcessStatus::Active).expect("an active process").id;
    on_sqlite.start_run(owner, active, None, None).await.unwrap();
    let outbound = Outbound::new(Templates::embedded().unwrap(), EmailSetup::Log, &HttpConfig::default()).unwrap();
    let mut routing = engine(sqlite.clone(), dir.path()).with_notifier(Arc::new(outbound));
    routing.config.email = true;
    routing.route_once(jiff::Timestamp::now()).await.unwrap();
    on_sqlite.detect_all(jiff::Timestamp::now()).await.unwrap();
    let processes = sqlite.all_processes().await.unwrap();
    let (from, to) = (jiff::Timestamp::UNIX_EPOCH, jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 400));
    let mut outcomes = Vec::new();
    for (org, process) in &processes {
        outcomes.push(sqlite.outcomes(*org, *process, from, to).await.unwrap());
    }
    let mut histories = Vec::new();
    for task in 1..=30 {
        histories.push(sqlite.task_history(org, proofline_core::TaskId(task)).await.unwrap());
    }
    let source_heads = sqlite.chain_heads().await.unwrap();
    drop(on_sqlite);
    drop(sqlite);
    // Text that could end a row or the data of a bulk load early, and an empty text that
    // must not turn into a null.
    let mut conn = SqliteConnection::connect(&sqlite_url).await.unwrap();
    sqlx::query("UPDATE deliveries SET body = ?1, html = '' WHERE id = (SELECT min(id) FROM deliveries)")
        .bind("Till short by 5,00 €\n\\.\nC:\\till\\log\t\"tab\"\r\n\\N")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let counts = sqlite_counts(&sqlite_url).await;
    let fingerprint = fingerprint_sqlite(&sqlite_url).await;
    let mut largest = BTreeMap::new();
    let mut conn = SqliteConnection::connect(&sqlite_url).await.unwrap();
    for table in ["runs", "people"] {
        let sql = format!("SELECT max(id) FROM {table}");
        let (id,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(&mut conn).await.unwrap();
        largest.insert(table, id);
    }
    conn.close().await.unwrap();
    for table in ["submissions", "submission_files", "readings", "notices", "deliveries", "sessions", "account_links"] {
        assert!(counts[table] > 0, "the installation has {table}: {counts:?}");
    }
    assert!(std::fs::read_dir(dir.path().join("blobs")).is_ok(), "the demo's photos are files");

    let data = dir.path().to_path_buf();
    on_fresh_database(move |pg_url| async move {
        let copied = proofline(&["copy", "--from", &sqlite_url, "--to", &pg_url], &data, None);
        let said = text(&copied.stdout);
        assert!(copied.status.success(), "{said}{}", text(&copied.stderr));
        assert!(said.contains("verified") && said.contains("blobs/"), "{said}");
        assert!(said.contains("outcome_days") && said.contains("not copied"), "{said}");

        let mut expected = counts.clone();
        expected.remove("outcome_days");
        assert_eq!(postgres_counts(&pg_url).await, expected, "every table, every row");
        assert_eq!(fingerprint_postgres(&pg_url).await, fingerprint, "tasks and the event chain, row for row");

        let verified = proofline(&["audit", "verify"], &data, Some(&pg_url));
        assert!(verified.status.success(), "{}{}", text(&verified.stdout), text(&verified.stderr));
        assert!(text(&verified.stdout).contains("organization 1: intact"), "{}", text(&verified.stdout));

        let pg: Arc<dyn Store> = Arc::new(PostgresStore::connect(&pg_url).await.unwrap());
        assert_eq!(pg.chain_heads().await.unwrap(), source_heads);
        for (i, (org, process)) in processes.iter().enumerate() {
            assert_eq!(pg.outcomes(*org, *process, from, to).await.unwrap(), outcomes[i], "process {process:?}");
        }
        for (i, history) in histories.iter().enumerate() {
            let task = proofline_core::TaskId(i as i64 + 1);
            assert_eq!(&pg.task_history(org, task).await.unwrap(), history, "task {task:?}");
        }

        let on_pg = engine(pg.clone(), &data);
        let signed_in = on_pg.sign_in(&email, DEMO_PASSWORD).await.unwrap().expect("the same password signs in");
        assert_eq!(signed_in.actor, owner);
        let run = on_pg.start_run(owner, active, None, None).await.unwrap().run.id;
        assert!(run.0 > largest["runs"], "the new run's id follows the copied ones: {run:?}");
        let fields = PersonFields {
            name: "Nadia".into(),
            email: "nadia@cafe.test".into(),
            access: Access::Member,
            manager: None,
            away_until: None,
            active: true,
        };
        let person = pg.create_person(org, &fields).await.unwrap();
        assert!(person.0 > largest["people"], "{person:?}");
        let reports = verify_chains(pg.as_ref(), None).await.unwrap();
        assert!(reports.iter().all(|r| r.broken.is_none()), "{reports:?}");
        let head = reports[0].head.as_ref().unwrap();
        let old = source_heads[0].1.as_ref().unwrap();
        assert!(head.seq > old.seq, "the new run's events extend the copied chain: {head:?} after {old:?}");

        let before = postgres_counts(&pg_url).await;
        let again = proofline(&["copy", "--from", &sqlite_url, "--to", &pg_url], &data, None);
        assert_eq!(again.status.code(), Some(2), "{}", text(&again.stdout));
        assert!(text(&again.stderr).contains("already holds data"), "{}", text(&again.stderr));
        assert_eq!(postgres_counts(&pg_url).await, before, "a refused copy changes nothing");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_into_a_database_in_use_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}", dir.path().join("proofline.db").display());
    let sqlite = SqliteStore::connect(&sqlite_url).await.unwrap();
    sqlite.create_org("Corner Café", "Europe/Berlin").await.unwrap();
    drop(sqlite);
    let data = dir.path().to_path_buf();
    on_fresh_database(move |pg_url| async move {
        let pg = PostgresStore::connect(&pg_url).await.unwrap();
        pg.create_org("Bakery", "Europe/Paris").await.unwrap();
        let before = postgres_counts(&pg_url).await;
        let refused = proofline(&["copy", "--from", &sqlite_url, "--to", &pg_url], &data, None);
        assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stdout));
        let said = text(&refused.stderr);
        assert!(said.starts_with("error: ") && said.contains("already holds data: orgs (1 rows)"), "{said}");
        assert_eq!(postgres_counts(&pg_url).await, before);
        let orgs = pg.list_orgs().await.unwrap();
        assert_eq!(orgs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["Bakery"]);
    })
    .await;
}

#[test]
fn copy_names_what_it_cannot_do_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("sqlite://{}", dir.path().join("nothing.db").display());
    for (from, to, says) in [
        (missing.as_str(), "postgres://127.0.0.1:1/x", "there is no SQLite file"),
        ("postgres://127.0.0.1:1/x", "postgres://127.0.0.1:1/y", "copy reads a SQLite file"),
        ("mysql://db/x", "postgres://127.0.0.1:1/y", "copy reads a SQLite file"),
    ] {
        let out = proofline(&["copy", "--from", from, "--to", to], dir.path(), None);
        assert_eq!(out.status.code(), Some(2), "{from} → {to}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(says), "{}", text(&out.stderr));
    }
    assert!(!dir.path().join("nothing.db").exists(), "a missing source is not created");
}

#[test]
fn migrate_applies_each_migration_once_then_says_the_database_is_current() {
    let dir = tempfile::tempdir().unwrap();
    let first = proofline(&["migrate"], dir.path(), None);
    let said = text(&first.stdout);
    assert!(first.status.success(), "{said}{}", text(&first.stderr));
    assert!(said.contains("applied 0001 core loop") && said.contains("applied 0010 retention"), "{said}");
    assert!(said.contains("now at version 0010"), "{said}");
    assert!(dir.path().join("proofline.db").is_file(), "the default is serve's file in the data directory");

    let again = proofline(&["migrate"], dir.path(), None);
    assert!(again.status.success());
    assert!(text(&again.stdout).contains("already up to date (version 0010)"), "{}", text(&again.stdout));
    assert!(!text(&again.stdout).contains("applied 0"), "{}", text(&again.stdout));

    for url in ["mysql://db/proofline", "postgres://proofline:secret@127.0.0.1:1/none"] {
        let out = proofline(&["migrate", "--database-url", url], dir.path(), None);
        assert_eq!(out.status.code(), Some(2), "{url}: {}", text(&out.stderr));
        assert!(text(&out.stderr).starts_with("error: "), "{}", text(&out.stderr));
        assert!(!text(&out.stderr).contains("secret"), "the password is not printed: {}", text(&out.stderr));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_brings_a_new_postgresql_database_up_to_date_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_path_buf();
    on_fresh_database(move |pg_url| async move {
        let first = proofline(&["migrate"], &data, Some(&pg_url));
        let said = text(&first.stdout);
        assert!(first.status.success(), "{said}{}", text(&first.stderr));
        assert!(said.contains("applied 0004 accounts") && !said.contains("applied 0005"), "{said}");
        let again = proofline(&["migrate", "--database-url", &pg_url], &data, None);
        assert!(text(&again.stdout).contains("already up to date (version 0010)"), "{}", text(&again.stdout));
    })
    .await;
}
