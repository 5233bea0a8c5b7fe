//! Load and fault scenarios against a running service with the demo data,
//! driven by `bench/reliability.sh` (see docs/reliability.md):
//!
//! - `writers`: many clients post rated updates and edit the same actions,
//!   each naming the version it read; afterwards the history, the audit
//!   trail and the versions must account for every accepted write exactly.
//! - `outage`: clients read while PostgreSQL is stopped and started again;
//!   reports how the service answered while it was down and how soon it
//!   served again.
//! - `shutdown`: writers run while the service gets SIGTERM; every write it
//!   accepted must be in the database.
//! - `instances`: the writers spread over several instances of the service
//!   on one database (each `--url` one instance), then five wrong passwords
//!   spread over them must lock the account on every one.
//!
//! Each prints its figures, and exits non-zero when a check fails.

use std::cell::RefCell;
use std::process::Command;
use std::rc::Rc;
use std::time::{Duration, Instant};

use awc::Client;
use awc::http::StatusCode;
use delivery_tracker::db;
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use futures_util::future::join_all;
use serde_json::{Value, json};

#[path = "reliability/instances.rs"]
mod instances;

struct Options {
    scenario: String,
    /// One or more instances of the service; writers are spread over them.
    urls: Vec<String>,
    database_url: String,
    password: String,
    clients: usize,
    seconds: u64,
    stop_command: String,
    start_command: String,
    pid: Option<u32>,
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let scenario = args.next().unwrap_or_default();
    let mut o = Options {
        scenario,
        urls: Vec::new(),
        database_url: String::new(),
        password: String::new(),
        clients: 64,
        seconds: 30,
        stop_command: String::new(),
        start_command: String::new(),
        pid: None,
    };
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => o.urls.push(value),
            "--database-url" => o.database_url = value,
            "--password" => o.password = value,
            "--clients" => o.clients = value.parse().expect("--clients"),
            "--seconds" => o.seconds = value.parse().expect("--seconds"),
            "--stop-command" => o.stop_command = value,
            "--start-command" => o.start_command = value,
            "--pid" => o.pid = Some(value.parse().expect("--pid")),
            other => panic!("unknown option {other}"),
        }
    }
    if o.urls.is_empty() {
        o.urls.push("http://127.0.0.1:18282".into());
    }
    o
}

impl Options {
    /// The first instance, for the scenarios that drive one.
    fn url(&self) -> &str {
        &self.urls[0]
    }
}

fn client() -> Client {
    Client::builder().timeout(Duration::from_secs(15)).finish()
}

async fn login(client: &Client, url: &str, email: &str, password: &str) -> String {
    let mut response = client
        .post(format!("{url}/api/v1/auth/login"))
        .send_json(&json!({ "email": email, "password": password }))
        .await
        .expect("login request");
    assert_eq!(response.status(), StatusCode::OK, "login as {email}");
    let body: Value = response.json().await.expect("login body");
    body["access_token"].as_str().expect("token").to_owned()
}

/// A member's token and the ids of the actions their organisation leads.
async fn member(client: &Client, url: &str, email: &str, password: &str) -> (String, Vec<String>) {
    let token = login(client, url, email, password).await;
    let mut response = client
        .get(format!("{url}/api/v1/me/portfolio"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("portfolio");
    let body: Value = response
        .json()
        .limit(16 << 20)
        .await
        .expect("portfolio body");
    let org = body["organisation"]["id"].clone();
    let actions = body["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["lead_organisation"]["id"] == org)
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    (token, actions)
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(pool: &db::Pool, sql: &str) -> i64 {
    let mut conn = pool.get().await.expect("database connection");
    diesel::sql_query(format!("SELECT ({sql})::bigint AS n"))
        .get_result::<Count>(&mut conn)
        .await
        .expect(sql)
        .n
}

/// What the writers saw.
#[derive(Default)]
struct Tally {
    posted: Vec<String>,
    edited: Vec<String>,
    stale: u64,
    server_errors: u64,
    other: Vec<String>,
    refused_connections: u64,
    latencies: Vec<Duration>,
    /// Accepted writes by the instance that took them.
    by_instance: std::collections::BTreeMap<String, u64>,
}

/// One writer: read the action's ETag, then post a rated update or edit the
/// description with If-Match; on 412 read again. Stops at `until`, or after
/// the service has gone away.
async fn writer(
    n: usize,
    url: String,
    token: String,
    actions: Vec<String>,
    until: Instant,
    tally: Rc<RefCell<Tally>>,
) {
    let client = client();
    let mut attempt = 0usize;
    let mut failures_in_a_row = 0;
    while Instant::now() < until && failures_in_a_row < 20 {
        let action = &actions[(n + attempt) % actions.len()];
        let path = format!("{url}/api/v1/actions/{action}");
        let etag = match client.get(&path).bearer_auth(&token).send().await {
            Ok(response) if response.status() == StatusCode::OK => {
                failures_in_a_row = 0;
                response
                    .headers()
                    .get("etag")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("\"0\"")
                    .to_owned()
            }
            Ok(response) => {
                tally
                    .borrow_mut()
                    .other
                    .push(format!("GET {}", response.status()));
                failures_in_a_row += 1;
                continue;
            }
            Err(_) => {
                tally.borrow_mut().refused_connections += 1;
                failures_in_a_row += 1;
                actix_web::rt::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let text = format!("client {n} write {attempt}");
        let started = Instant::now();
        let rated = attempt.is_multiple_of(2);
        let sent = if rated {
            client
                .post(format!("{path}/updates"))
                .bearer_auth(&token)
                .insert_header(("If-Match", etag))
                .send_json(&json!({ "rag": if attempt.is_multiple_of(3) { "amber" } else { "green" }, "commentary": text }))
                .await
        } else {
            client
                .patch(&path)
                .bearer_auth(&token)
                .insert_header(("If-Match", etag))
                .send_json(&json!({ "description": text }))
                .await
        };
        let outcome = match sent {
            Ok(mut response) => {
                let status = response.status();
                let id = if status == StatusCode::CREATED {
                    let body: Value = response.json().await.unwrap_or(Value::Null);
                    body["id"].as_str().unwrap_or_default().to_owned()
                } else {
                    String::new()
                };
                Some((status, id, started.elapsed()))
            }
            Err(_) => None,
        };
        let mut tally = tally.borrow_mut();
        match outcome {
            Some((status, id, took)) => {
                tally.latencies.push(took);
                match status {
                    StatusCode::CREATED => {
                        tally.posted.push(id);
                        *tally.by_instance.entry(url.clone()).or_default() += 1;
                        attempt += 1;
                    }
                    StatusCode::OK => {
                        tally.edited.push(text);
                        *tally.by_instance.entry(url.clone()).or_default() += 1;
                        attempt += 1;
                    }
                    StatusCode::PRECONDITION_FAILED => tally.stale += 1,
                    s if s.is_server_error() => tally.server_errors += 1,
                    s => tally
                        .other
                        .push(format!("{} {s}", if rated { "POST" } else { "PATCH" })),
                }
            }
            None => tally.refused_connections += 1,
        }
    }
}

async fn run_writers(o: &Options, until: Instant) -> Tally {
    let c = client();
    // The instances share the signing key, so a token from one is good on all.
    let police = member(&c, o.url(), "police@example.org", &o.password).await;
    let council = member(&c, o.url(), "ncc@example.org", &o.password).await;
    let tally = Rc::new(RefCell::new(Tally::default()));
    let writers = (0..o.clients).map(|n| {
        let (token, actions) = if n % 4 == 0 { &police } else { &council };
        actix_web::rt::spawn(writer(
            n,
            o.urls[n % o.urls.len()].clone(),
            token.clone(),
            actions.clone(),
            until,
            tally.clone(),
        ))
    });
    join_all(writers).await;
    Rc::try_unwrap(tally)
        .ok()
        .expect("writers done")
        .into_inner()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Every accepted write, and nothing else, is in the database.
async fn check_accounted(
    pool: &db::Pool,
    tally: &Tally,
    audit_before: i64,
    versions_before: i64,
) -> bool {
    let posted_ids: Vec<String> = tally.posted.iter().map(|id| format!("'{id}'")).collect();
    let found = if posted_ids.is_empty() {
        0
    } else {
        count(
            pool,
            &format!(
                "SELECT count(*) FROM progress_updates WHERE id IN ({})",
                posted_ids.join(",")
            ),
        )
        .await
    };
    let mut edits_found = 0;
    for text in &tally.edited {
        edits_found += count(
            pool,
            &format!(
                "SELECT count(*) FROM audit_events WHERE entity = 'action' AND after->>'description' = '{text}' AND before->>'description' IS DISTINCT FROM '{text}'"
            ),
        )
        .await;
    }
    let audit = count(pool, "SELECT count(*) FROM audit_events").await - audit_before;
    let versions = count(pool, "SELECT sum(version) FROM actions").await - versions_before;
    let posted = tally.posted.len() as i64;
    let edited = tally.edited.len() as i64;
    println!("  accepted updates found in the history: {found} of {posted}");
    println!("  accepted edits found in the audit trail: {edits_found} of {edited}");
    println!(
        "  audit events written: {audit} (expected {}: two per rated update, one per edit)",
        posted * 2 + edited
    );
    println!(
        "  action versions advanced: {versions} (expected {})",
        posted + edited
    );
    found == posted
        && edits_found == edited
        && audit == posted * 2 + edited
        && versions == posted + edited
}

fn report_writes(tally: &Tally, seconds: f64) {
    let mut latencies = tally.latencies.clone();
    latencies.sort();
    let accepted = tally.posted.len() + tally.edited.len();
    println!(
        "  accepted writes: {accepted} ({} rated updates, {} edits), {:.0}/s",
        tally.posted.len(),
        tally.edited.len(),
        accepted as f64 / seconds
    );
    println!("  refused as stale (412, then read again): {}", tally.stale);
    println!(
        "  write latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );
    println!("  server errors (5xx): {}", tally.server_errors);
    if tally.by_instance.len() > 1 {
        for (url, accepted) in &tally.by_instance {
            println!("  accepted by {url}: {accepted}");
        }
    }
    if !tally.other.is_empty() {
        println!(
            "  other answers: {:?}",
            &tally.other[..tally.other.len().min(10)]
        );
    }
}

async fn writers(o: &Options) -> bool {
    let pool = db::pool(&o.database_url, 2, Duration::from_secs(5)).expect("pool");
    let audit_before = count(&pool, "SELECT count(*) FROM audit_events").await;
    let versions_before = count(&pool, "SELECT sum(version) FROM actions").await;
    println!(
        "writers: {} clients for {} s over {} instance(s)",
        o.clients,
        o.seconds,
        o.urls.len()
    );
    let started = Instant::now();
    let tally = run_writers(o, started + Duration::from_secs(o.seconds)).await;
    report_writes(&tally, started.elapsed().as_secs_f64());
    let accounted = check_accounted(&pool, &tally, audit_before, versions_before).await;
    let ok = accounted
        && tally.server_errors == 0
        && tally.other.is_empty()
        && tally.refused_connections == 0;
    println!("writers: {}", if ok { "PASS" } else { "FAIL" });
    ok
}

fn shell(command: &str) {
    let status = Command::new("sh")
        .arg("-c")
        .arg(command)
        .status()
        .expect("run command");
    assert!(status.success(), "{command} failed");
}

/// One read and how it went.
struct Sample {
    at: Instant,
    took: Duration,
    status: Option<u16>,
}

async fn reader(
    url: String,
    path: String,
    token: String,
    until: Instant,
    log: Rc<RefCell<Vec<Sample>>>,
) {
    let client = Client::builder().timeout(Duration::from_secs(10)).finish();
    while Instant::now() < until {
        let at = Instant::now();
        let status = client
            .get(format!("{url}{path}"))
            .bearer_auth(&token)
            .send()
            .await
            .ok()
            .map(|r| r.status().as_u16());
        log.borrow_mut().push(Sample {
            at,
            took: at.elapsed(),
            status,
        });
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn outage(o: Options) -> bool {
    let c = client();
    let (token, actions) = member(&c, o.url(), "police@example.org", &o.password).await;
    let action = format!("/api/v1/actions/{}", actions[0]);
    let reads = Rc::new(RefCell::new(Vec::new()));
    let ready = Rc::new(RefCell::new(Vec::new()));
    let until = Instant::now() + Duration::from_secs(o.seconds);
    let mut tasks = Vec::new();
    for _ in 0..o.clients {
        tasks.push(actix_web::rt::spawn(reader(
            o.url().to_owned(),
            action.clone(),
            token.clone(),
            until,
            reads.clone(),
        )));
    }
    tasks.push(actix_web::rt::spawn(reader(
        o.url().to_owned(),
        "/readyz".into(),
        token.clone(),
        until,
        ready.clone(),
    )));
    actix_web::rt::time::sleep(Duration::from_secs(3)).await;
    println!("outage: stopping PostgreSQL ({})", o.stop_command);
    let stop = o.stop_command.clone();
    actix_web::rt::task::spawn_blocking(move || shell(&stop))
        .await
        .unwrap();
    let down = Instant::now();
    actix_web::rt::time::sleep(Duration::from_secs(8)).await;
    println!("outage: starting PostgreSQL ({})", o.start_command);
    let start = o.start_command.clone();
    let restarting = Instant::now();
    actix_web::rt::task::spawn_blocking(move || shell(&start))
        .await
        .unwrap();
    let up = Instant::now();
    join_all(tasks).await;

    let reads = reads.borrow();
    let ready = ready.borrow();
    let while_down: Vec<&Sample> = reads
        .iter()
        .filter(|s| s.at >= down && s.at + s.took <= restarting)
        .collect();
    let statuses = |samples: &[&Sample]| {
        let mut counts = std::collections::BTreeMap::new();
        for s in samples {
            *counts
                .entry(s.status.map_or("no answer".to_owned(), |c| c.to_string()))
                .or_insert(0) += 1;
        }
        counts
    };
    let slowest = while_down.iter().map(|s| s.took).max().unwrap_or_default();
    let ready_down: Vec<&Sample> = ready
        .iter()
        .filter(|s| s.at >= down && s.at + s.took <= restarting)
        .collect();
    // From the moment PostgreSQL accepted connections again (its start
    // command waits for that) to the first good answer.
    let recovered = reads
        .iter()
        .filter(|s| s.at >= restarting && s.status == Some(200))
        .map(|s| (s.at + s.took).saturating_duration_since(up))
        .min();
    let after_recovery_errors = reads
        .iter()
        .filter(|s| recovered.is_some_and(|r| s.at >= up + r) && s.status != Some(200))
        .count();
    println!(
        "  reads while PostgreSQL was down: {} answered {:?}",
        while_down.len(),
        statuses(&while_down)
    );
    println!(
        "  slowest answer while down: {:.0} ms",
        slowest.as_secs_f64() * 1000.0
    );
    println!("  /readyz while down: {:?}", statuses(&ready_down));
    match recovered {
        Some(r) => println!(
            "  first 200 after PostgreSQL was back: {:.2} s (PostgreSQL took {:.2} s to start)",
            r.as_secs_f64(),
            up.duration_since(restarting).as_secs_f64()
        ),
        None => println!("  no 200 after PostgreSQL was back"),
    }
    println!("  failed reads after recovery: {after_recovery_errors}");
    let only_503 = while_down.iter().all(|s| matches!(s.status, Some(503)));
    let ready_503 = !ready_down.is_empty() && ready_down.iter().all(|s| s.status == Some(503));
    let ok = only_503
        && slowest < Duration::from_secs(5)
        && ready_503
        && recovered.is_some_and(|r| r < Duration::from_secs(5))
        && after_recovery_errors == 0;
    println!("outage: {}", if ok { "PASS" } else { "FAIL" });
    ok
}

async fn shutdown(o: Options) -> bool {
    let pid = o.pid.expect("--pid of the service");
    let pool = db::pool(&o.database_url, 2, Duration::from_secs(5)).expect("pool");
    let audit_before = count(&pool, "SELECT count(*) FROM audit_events").await;
    let versions_before = count(&pool, "SELECT sum(version) FROM actions").await;
    println!(
        "shutdown: {} writers; SIGTERM to {pid} after 3 s",
        o.clients
    );
    let started = Instant::now();
    let killer = actix_web::rt::spawn(async move {
        actix_web::rt::time::sleep(Duration::from_secs(3)).await;
        shell(&format!("kill -TERM {pid}"));
        let signalled = Instant::now();
        while signalled.elapsed() < Duration::from_secs(30) {
            if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                return Some(signalled.elapsed());
            }
            actix_web::rt::time::sleep(Duration::from_millis(10)).await;
        }
        None
    });
    let tally = run_writers(&o, started + Duration::from_secs(o.seconds)).await;
    let gone = killer.await.unwrap();
    report_writes(&tally, started.elapsed().as_secs_f64());
    println!(
        "  service exited {} after SIGTERM",
        match gone {
            Some(after) => format!("{:.2} s", after.as_secs_f64()),
            None => "not within 30 s".into(),
        }
    );
    println!(
        "  requests refused once it had stopped listening: {}",
        tally.refused_connections
    );
    let accounted = check_accounted(&pool, &tally, audit_before, versions_before).await;
    let ok = accounted && tally.server_errors == 0 && gone.is_some();
    println!("shutdown: {}", if ok { "PASS" } else { "FAIL" });
    ok
}

/// Sign-in with a wrong password for an existing account, and with an
/// unknown email, must not be told apart by answer or by time.
async fn enumeration(o: Options) -> bool {
    let c = client();
    let accounts = [
        "admin@example.org",
        "chair@example.org",
        "viewer@example.org",
        "police@example.org",
        "ncc@example.org",
        "ntu@example.org",
        "probation@example.org",
        "nhft@example.org",
        "ccg@example.org",
        "sfh@example.org",
        "wnc@example.org",
        "districts@example.org",
    ];
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    let mut answers = std::collections::BTreeSet::new();
    // Four tries per account stay under the account lock; the two kinds are
    // interleaved so that the machine's noise falls on both alike.
    for round in 0..4 {
        for (i, email) in accounts.iter().enumerate() {
            for (kind, email) in [
                (0, (*email).to_owned()),
                (1, format!("nobody{round}x{i}@example.org")),
            ] {
                let started = Instant::now();
                let mut response = c
                    .post(format!("{}/api/v1/auth/login", o.url()))
                    .send_json(&json!({ "email": email, "password": "wrong-password-guess" }))
                    .await
                    .expect("login");
                let took = started.elapsed();
                let body = response.body().await.unwrap_or_default();
                answers.insert((response.status().as_u16(), body.to_vec()));
                if kind == 0 {
                    known.push(took)
                } else {
                    unknown.push(took)
                }
            }
        }
    }
    known.sort();
    unknown.sort();
    let (k, u) = (percentile(&known, 0.5), percentile(&unknown, 0.5));
    let gap = (k - u).abs() / k.max(u);
    println!("enumeration: {} failed sign-ins of each kind", known.len());
    println!("  existing account, wrong password: median {k:.1} ms");
    println!("  unknown email: median {u:.1} ms");
    println!("  difference: {:.1}%", gap * 100.0);
    println!("  distinct answers (status and body): {}", answers.len());
    let ok = answers.len() == 1 && gap < 0.10;
    println!("enumeration: {}", if ok { "PASS" } else { "FAIL" });
    ok
}

fn main() {
    let o = options();
    let ok = actix_web::rt::System::new().block_on(async move {
        match o.scenario.as_str() {
            "writers" => writers(&o).await,
            "instances" => instances::instances(&o).await,
            "outage" => outage(o).await,
            "shutdown" => shutdown(o).await,
            "enumeration" => enumeration(o).await,
            other => {
                eprintln!(
                    "usage: reliability writers|outage|shutdown|enumeration|instances [options] (not {other:?})"
                );
                false
            }
        }
    });
    std::process::exit(if ok { 0 } else { 1 });
}
