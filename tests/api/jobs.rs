//! The queue of work in PostgreSQL: competing workers do each job once,
//! failures back off and end parked as dead for an administrator to retry,
//! a job whose worker stopped mid-way is claimed again, and a worker told
//! to stop finishes the job in hand and hands back the rest.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use awc::http::StatusCode;
use delivery_tracker::db::jobs::{self as store, Job};
use delivery_tracker::domain::jobs::Backoff;
use delivery_tracker::services::jobs::{self, Enqueue, Handler, Handlers, Work, WorkerSettings};
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::helpers::TestApp;

/// Records each job it runs; fails while `failing`, and takes `takes`.
struct Recorder {
    seen: Mutex<Vec<String>>,
    failing: bool,
    takes: Duration,
}

impl Recorder {
    fn new(failing: bool, takes: Duration) -> Arc<Recorder> {
        Arc::new(Recorder {
            seen: Mutex::new(Vec::new()),
            failing,
            takes,
        })
    }
    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Handler for Recorder {
    fn handle<'a>(
        &'a self,
        job: &'a Job,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            tokio::time::sleep(self.takes).await;
            self.seen
                .lock()
                .unwrap()
                .push(job.idempotency_key().to_owned());
            if self.failing {
                Err("the receiver answered 503".to_owned())
            } else {
                Ok(())
            }
        })
    }
}

fn handlers(recorder: &Arc<Recorder>) -> Handlers {
    let mut handlers = Handlers::new();
    handlers.insert("test", recorder.clone() as Arc<dyn Handler>);
    handlers
}

fn work(recorder: &Arc<Recorder>) -> Work {
    Work {
        handlers: handlers(recorder),
        periodic: Vec::new(),
    }
}

fn settings(name: &str) -> WorkerSettings {
    WorkerSettings {
        idle: Duration::from_millis(20),
        batch: 3,
        backoff: Backoff {
            base: Duration::from_millis(5),
            cap: Duration::from_millis(20),
        },
        ..WorkerSettings::named(name)
    }
}

async fn enqueue(app: &TestApp, key: &str) -> bool {
    let mut conn = app.pool_connection().await;
    jobs::enqueue(
        &mut conn,
        Enqueue {
            kind: "test",
            key: key.to_owned(),
            payload: json!({ "key": key }),
            run_at: chrono::Utc::now(),
            max_attempts: None,
        },
    )
    .await
    .unwrap()
}

/// Waits until `sql` counts `want`, or fails after ten seconds.
async fn until(app: &TestApp, sql: &str, want: i64) {
    for _ in 0..500 {
        if app.count(sql).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{sql} never reached {want}");
}

#[actix_web::test]
async fn competing_workers_do_each_job_once() {
    let app = TestApp::spawn_empty().await;
    for n in 0..60 {
        assert!(enqueue(&app, &format!("job-{n}")).await);
    }
    assert!(
        !enqueue(&app, "job-7").await,
        "the same work enqueued twice is one job"
    );
    let recorder = Recorder::new(false, Duration::from_millis(2));
    let (stop, stopped) = watch::channel(false);
    let workers: Vec<_> = (0..3)
        .map(|n| {
            tokio::spawn(jobs::run(
                app.pool.clone(),
                work(&recorder),
                settings(&format!("worker-{n}")),
                stopped.clone(),
            ))
        })
        .collect();
    until(&app, "SELECT count(*) FROM jobs WHERE state = 'done'", 60).await;
    stop.send(true).unwrap();
    for worker in workers {
        worker.await.unwrap();
    }
    let seen = recorder.seen();
    let distinct: HashSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 60, "no job was run twice");
    assert_eq!(distinct.len(), 60);
    let by_worker = app
        .rows("SELECT count(DISTINCT locked_by) AS n FROM jobs")
        .await;
    assert_eq!(by_worker[0]["n"], 0, "no job is left leased");
}

#[actix_web::test]
async fn failures_back_off_then_park_as_dead_and_an_administrator_retries() {
    let app = TestApp::spawn().await;
    assert!(enqueue(&app, "always-fails").await);
    let recorder = Recorder::new(true, Duration::ZERO);
    let (stop, stopped) = watch::channel(false);
    let worker = tokio::spawn(jobs::run(
        app.pool.clone(),
        work(&recorder),
        settings("failing"),
        stopped,
    ));
    until(&app, "SELECT count(*) FROM jobs WHERE state = 'dead'", 1).await;
    stop.send(true).unwrap();
    worker.await.unwrap();
    assert_eq!(recorder.seen().len(), jobs::MAX_ATTEMPTS as usize);

    let admin = app.admin().await;
    let dead = app.read(&admin, "/api/v1/jobs?state=dead").await;
    let job = &dead["items"][0];
    assert_eq!(job["attempts"], jobs::MAX_ATTEMPTS);
    assert_eq!(job["last_error"], "the receiver answered 503");
    let id = job["id"].as_str().unwrap().to_owned();

    // Only administrators see or retry queued work.
    let chair = app.token("chair@example.org").await;
    for token in [&chair, &app.token("police@example.org").await] {
        let list = app
            .get("/api/v1/jobs?state=dead")
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(list.status(), StatusCode::FORBIDDEN);
        let retry = app
            .post(&format!("/api/v1/jobs/{id}/retry"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(retry.status(), StatusCode::FORBIDDEN);
    }

    let mut retried = app
        .post(&format!("/api/v1/jobs/{id}/retry"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), StatusCode::OK);
    let retried: Value = retried.json().await.unwrap();
    assert_eq!(retried["state"], "queued");
    assert_eq!(retried["attempts"], 0);
    let again = app
        .post(&format!("/api/v1/jobs/{id}/retry"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT, "only a dead job");

    // The retry is audited, and stays out of the change feed.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_events WHERE entity = 'job' AND entity_id = '{id}'"
        ))
        .await,
        1
    );
    let feed = app.read(&chair, "/api/v1/changes?limit=500").await;
    let mut cursor = feed["next_cursor"].as_str().map(str::to_owned);
    let mut entities: Vec<String> = Vec::new();
    let mut page = feed;
    loop {
        entities.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["entity"].as_str().unwrap().to_owned()),
        );
        if !page["more"].as_bool().unwrap_or(false) {
            break;
        }
        let next = cursor.take().unwrap();
        page = app
            .read(&chair, &format!("/api/v1/changes?limit=500&since={next}"))
            .await;
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    assert!(!entities.iter().any(|e| e == "job"));
}

#[actix_web::test]
async fn a_job_whose_worker_stopped_mid_way_is_claimed_again() {
    let app = TestApp::spawn_empty().await;
    assert!(enqueue(&app, "cut-off").await);
    {
        // A worker claims it with a short lease and is never heard of again.
        let mut conn = app.pool_connection().await;
        let claimed = store::claim(
            &mut conn,
            "vanished",
            &["test"],
            Duration::from_millis(50),
            10,
        )
        .await
        .unwrap();
        assert_eq!(claimed.len(), 1);
    }
    let recorder = Recorder::new(false, Duration::ZERO);
    let (_stop, stopped) = watch::channel(false);
    let settings = settings("survivor");
    // Within the lease, nobody else takes it.
    let held = jobs::step(&app.pool, &handlers(&recorder), &settings, &stopped)
        .await
        .unwrap();
    assert_eq!(held, 0);
    tokio::time::sleep(Duration::from_millis(80)).await;
    let held = jobs::step(&app.pool, &handlers(&recorder), &settings, &stopped)
        .await
        .unwrap();
    assert_eq!(held, 1);
    assert_eq!(recorder.seen(), vec!["cut-off"]);
    let job = app
        .rows("SELECT state, attempts, locked_by FROM jobs")
        .await
        .remove(0);
    assert_eq!(job["state"], "done");
    assert_eq!(job["attempts"], 2, "the cut-off attempt counts");
}

#[actix_web::test]
async fn a_worker_told_to_stop_finishes_the_job_in_hand_and_hands_back_the_rest() {
    let app = TestApp::spawn_empty().await;
    for key in ["first", "second", "third"] {
        assert!(enqueue(&app, key).await);
    }
    let recorder = Recorder::new(false, Duration::from_millis(300));
    let (stop, stopped) = watch::channel(false);
    let worker = tokio::spawn(jobs::run(
        app.pool.clone(),
        work(&recorder),
        settings("stopping"),
        stopped,
    ));
    until(&app, "SELECT count(*) FROM jobs WHERE state = 'running'", 3).await;
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), worker)
        .await
        .expect("the worker stops")
        .unwrap();
    assert_eq!(recorder.seen(), vec!["first"], "the job in hand finished");
    let states = app
        .rows(
            "SELECT idempotency_key, state, attempts, locked_by FROM jobs ORDER BY idempotency_key",
        )
        .await;
    assert_eq!(
        states,
        vec![
            json!({ "idempotency_key": "first", "state": "done", "attempts": 1, "locked_by": null }),
            json!({ "idempotency_key": "second", "state": "queued", "attempts": 0, "locked_by": null }),
            json!({ "idempotency_key": "third", "state": "queued", "attempts": 0, "locked_by": null }),
        ]
    );
}

/// Counts its runs.
struct Ticker(std::sync::atomic::AtomicUsize);

impl jobs::Periodic for Ticker {
    fn name(&self) -> &'static str {
        "ticker"
    }
    fn every(&self) -> Duration {
        Duration::from_millis(30)
    }
    fn run<'a>(
        &'a self,
        _pool: &'a delivery_tracker::db::Pool,
    ) -> Pin<Box<dyn Future<Output = Result<(), delivery_tracker::error::AppError>> + Send + 'a>>
    {
        Box::pin(async move {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        })
    }
}

#[actix_web::test]
async fn a_worker_leaves_kinds_it_cannot_do_queued_and_runs_its_periodic_work() {
    let app = TestApp::spawn_empty().await;
    let mut conn = app.pool_connection().await;
    let unhandled = Enqueue {
        kind: "mail",
        key: "mail-while-mail-is-off".into(),
        payload: json!({}),
        run_at: chrono::Utc::now(),
        max_attempts: None,
    };
    jobs::enqueue(&mut conn, unhandled).await.unwrap();
    drop(conn);
    assert!(enqueue(&app, "handled").await);
    let recorder = Recorder::new(false, Duration::ZERO);
    let ticker = Arc::new(Ticker(Default::default()));
    let work = Work {
        handlers: handlers(&recorder),
        periodic: vec![ticker.clone() as Arc<dyn jobs::Periodic>],
    };
    let (stop, stopped) = watch::channel(false);
    let worker = tokio::spawn(jobs::run(
        app.pool.clone(),
        work,
        settings("picky"),
        stopped,
    ));
    until(&app, "SELECT count(*) FROM jobs WHERE state = 'done'", 1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(true).unwrap();
    worker.await.unwrap();
    assert_eq!(recorder.seen(), vec!["handled".to_owned()]);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM jobs WHERE kind = 'mail' AND state = 'queued' AND attempts = 0"
        )
        .await,
        1,
        "work no handler here can do stays queued, untried, for a worker that can"
    );
    let ticks = ticker.0.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        ticks >= 3,
        "the periodic work ran on its interval ({ticks} runs)"
    );
}

#[actix_web::test]
async fn a_job_longer_than_its_lease_stays_with_its_living_worker() {
    let app = TestApp::spawn_empty().await;
    assert!(enqueue(&app, "slow").await);
    let recorder = Recorder::new(false, Duration::from_millis(900));
    let lease = |name: &str| WorkerSettings {
        lease: Duration::from_millis(150),
        ..settings(name)
    };
    let (stop, stopped) = watch::channel(false);
    let workers: Vec<_> = ["first", "second"]
        .into_iter()
        .map(|name| {
            tokio::spawn(jobs::run(
                app.pool.clone(),
                work(&recorder),
                lease(name),
                stopped.clone(),
            ))
        })
        .collect();
    until(&app, "SELECT count(*) FROM jobs WHERE state = 'done'", 1).await;
    stop.send(true).unwrap();
    for worker in workers {
        worker.await.unwrap();
    }
    assert_eq!(
        recorder.seen(),
        vec!["slow".to_owned()],
        "the lease was renewed while the job ran, so no other worker took it"
    );
    assert_eq!(
        app.count("SELECT attempts::bigint FROM jobs").await,
        1,
        "claimed once"
    );
}
