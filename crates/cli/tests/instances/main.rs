//! Several Proofline instances on one PostgreSQL, disturbed: instances killed with
//! SIGKILL at random points of a sweep and started again, and the database itself
//! crashed and restarted mid-sweep. Afterwards every task has moved exactly once per
//! level, every run exists once, every move's webhook arrived, and the audit chain holds.
//!
//! Needs `PROOFLINE_TEST_DATABASE_URL` (a server to create databases on) for the first
//! test and PostgreSQL's server programs (`initdb`, `pg_ctl`) for the second; without
//! them each says it is skipped.

mod cluster;
mod fleet;
mod scenario;
mod sink;

use cluster::{Database, PrivateServer};
use fleet::Fleet;
use sink::Sink;
use std::time::{Duration, Instant};

/// Tasks in the sweep and scheduled processes; big enough that a sweep spans many
/// claims, small enough for CI.
const TASKS: u32 = 3_000;
const PROCESSES: u32 = 200;
const INSTANCES: usize = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_killed_mid_sweep_lose_and_repeat_nothing() {
    let Ok(server) = std::env::var("PROOFLINE_TEST_DATABASE_URL") else {
        println!("skipped: PROOFLINE_TEST_DATABASE_URL is not set");
        return;
    };
    let database = Database::create(&server).await;
    let sink = Sink::default();
    let seeded = scenario::seed(&database.url, &sink.start().await, TASKS, PROCESSES).await;
    let pool = sqlx::PgPool::connect(&database.url).await.expect("the test connects");
    let mut fleet = Fleet::start(&database.url, INSTANCES);
    // Kills land while the sweep runs: the chain takes at least four seconds to climb.
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(8) {
        tokio::time::sleep(Duration::from_millis(fastrand::u64(150..900))).await;
        fleet.kill_and_restart(fastrand::usize(..INSTANCES));
    }
    let settled = seeded.settled(&pool, Duration::from_secs(120)).await;
    assert!(settled, "the sweep finished after {} kills; logs:\n{}", fleet.kills, fleet.logs());
    assert!(fleet.all_running(), "instances keep running; logs:\n{}", fleet.logs());
    let repeated = seeded.check(&pool, &sink.seen()).await;
    println!("{} kills; {repeated} webhook messages arrived more than once", fleet.kills);
    drop(fleet);
    pool.close().await;
    database.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_carry_on_after_the_database_restarts_mid_sweep() {
    let server = match PrivateServer::start() {
        Ok(server) => server,
        Err(why) => {
            println!("skipped: {why}");
            return;
        }
    };
    let database = Database::create(&server.url()).await;
    let sink = Sink::default();
    let seeded = scenario::seed(&database.url, &sink.start().await, TASKS, PROCESSES).await;
    let mut fleet = Fleet::start(&database.url, INSTANCES);
    for pause in [1_500, 2_500] {
        tokio::time::sleep(Duration::from_millis(pause)).await;
        server.crash().expect("the server stops");
        tokio::time::sleep(Duration::from_millis(500)).await;
        server.start_again().expect("the server starts again");
    }
    let pool = sqlx::PgPool::connect(&database.url).await.expect("the test connects");
    let settled = seeded.settled(&pool, Duration::from_secs(120)).await;
    assert!(settled, "the sweep finished after the restarts; logs:\n{}", fleet.logs());
    assert!(fleet.all_running(), "instances keep running; logs:\n{}", fleet.logs());
    let repeated = seeded.check(&pool, &sink.seen()).await;
    println!("two database crashes; {repeated} webhook messages arrived more than once");
    drop(fleet);
    pool.close().await;
}
