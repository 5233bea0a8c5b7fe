//! Webhooks: endpoints registered by administrators receive the change
//! feed's events in feed order, one per request, signed per Standard
//! Webhooks, as checked by an independent implementation (the receiver in
//! tests/tools/webhook_receiver.py); through a receiver that is down, that
//! fails, two workers at once; only the kinds and the strategy asked for;
//! never to private targets unless allowed, never following a redirect;
//! disabled after failing too long and resumed when enabled again.

use std::collections::HashSet;
use std::time::Duration;

use awc::http::StatusCode;
use delivery_tracker::domain::jobs::Backoff;
use delivery_tracker::domain::webhooks::AddressPolicy;
use delivery_tracker::services::jobs::{self, Work, WorkerSettings};
use delivery_tracker::services::webhooks::{Deliveries, DeliverySettings, Enqueuer, KIND};
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::helpers::{TestApp, problem};
use crate::tools::Process;

const OPEN: AddressPolicy = AddressPolicy {
    allow_http: true,
    allow_private: true,
};

/// A worker as an instance runs it, with quick polling and retries.
struct Worker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Worker {
    fn start(app: &TestApp, name: &str, policy: AddressPolicy) -> Worker {
        let mut settings = DeliverySettings::new(policy, 72);
        settings.every = Duration::from_millis(50);
        settings.timeout = Duration::from_secs(3);
        let mut work = Work::default();
        work.handlers
            .insert(KIND, Deliveries::new(app.pool.clone(), settings));
        work.periodic.push(Enqueuer::new(&settings));
        let worker = WorkerSettings {
            idle: Duration::from_millis(20),
            backoff: Backoff {
                base: Duration::from_millis(50),
                cap: Duration::from_millis(400),
            },
            ..WorkerSettings::named(name)
        };
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(jobs::run(app.pool.clone(), work, worker, stopped));
        Worker { stop, task }
    }

    async fn stop(self) {
        self.stop.send(true).unwrap();
        self.task.await.unwrap();
    }
}

pub(crate) async fn register(app: &TestApp, admin: &str, body: Value) -> Value {
    let mut response = app
        .post("/api/v1/webhooks")
        .bearer_auth(admin)
        .send_json(&body)
        .await
        .unwrap();
    let created: Value = response.json().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "{created}");
    created
}

/// Registers an endpoint and starts a receiver that knows its secret.
pub(crate) async fn endpoint_with_receiver(
    app: &TestApp,
    admin: &str,
    body: Value,
    args: &[&str],
) -> (Value, Process) {
    let mut body = body;
    body["url"] = json!("http://127.0.0.1:9/placeholder");
    let created = register(app, admin, body).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let mut all = vec!["--secret", secret.as_str()];
    all.extend_from_slice(args);
    let receiver = Process::python_script("webhook_receiver.py", &all);
    let path = format!("/api/v1/webhooks/{}", created["id"].as_str().unwrap());
    let etag = app.etag(admin, &path).await;
    let url = format!("http://127.0.0.1:{}/hook", receiver.port);
    let mut response = app
        .send_json("PATCH", &path, admin, Some(&etag), &json!({ "url": url }))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let endpoint: Value = response.json().await.unwrap();
    (endpoint, receiver)
}

/// Posts a progress note on A1.1 as its lead organisation.
pub(crate) async fn change(app: &TestApp, police: &str, action_id: &str, n: usize) {
    let response = app
        .send_json(
            "POST",
            &format!("/api/v1/actions/{action_id}/updates"),
            police,
            None,
            &json!({ "progress": format!("note {n} for the board") }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

/// The feed's events after an endpoint's starting position, of the kinds
/// it asked for.
pub(crate) async fn feed_for(app: &TestApp, admin: &str, endpoint: &Value) -> Vec<Value> {
    let start = endpoint["position"].as_i64().unwrap();
    let kinds: Vec<Value> = endpoint["entities"].as_array().unwrap().clone();
    let mut events = Vec::new();
    let mut since: Option<String> = None;
    loop {
        let path = match &since {
            Some(cursor) => format!("/api/v1/changes?limit=500&since={cursor}"),
            None => "/api/v1/changes?limit=500".to_owned(),
        };
        let page = app.read(admin, &path).await;
        for item in page["items"].as_array().unwrap() {
            if item["position"].as_i64().unwrap() > start
                && (kinds.is_empty() || kinds.contains(&item["entity"]))
            {
                events.push(item.clone());
            }
        }
        since = Some(page["next_cursor"].as_str().unwrap().to_owned());
        if page["more"] != true {
            return events;
        }
    }
}

/// The receiver's records once `want` verified requests were answered 204.
pub(crate) async fn delivered(receiver: &Process, want: usize) -> Vec<Value> {
    for _ in 0..600 {
        let records = receiver.records();
        let ok = records.iter().filter(|r| r["status"] == 204).count();
        if ok >= want {
            tokio::time::sleep(Duration::from_millis(200)).await;
            return receiver.records();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the receiver never had {want} deliveries:\n{}",
        receiver.output()
    );
}

/// Checks what the receiver accepted against the feed: every event, in
/// order, verified, once each (repeats only as retries of one event).
pub(crate) fn assert_feed_order(records: &[Value], feed: &[Value]) {
    let accepted: Vec<&Value> = records.iter().filter(|r| r["status"] == 204).collect();
    assert!(records.iter().all(|r| r["verified"] == true), "{records:?}");
    let bodies: Vec<&Value> = accepted.iter().map(|r| &r["body"]).collect();
    let expected: Vec<&Value> = feed.iter().collect();
    assert_eq!(bodies, expected, "every event once, in feed order");
    let ids: HashSet<&str> = accepted
        .iter()
        .map(|r| r["webhook_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), accepted.len(), "one webhook-id per event");
    // A webhook-id seen more than once names one event, retried.
    for record in records {
        let same: HashSet<String> = records
            .iter()
            .filter(|r| r["webhook_id"] == record["webhook_id"])
            .map(|r| r["body"].to_string())
            .collect();
        assert_eq!(same.len(), 1, "a repeated webhook-id is the same event");
    }
}

/// Waits until `sql` counts one, or fails after twenty seconds.
async fn until(app: &TestApp, sql: &str) {
    for _ in 0..400 {
        if app.count(sql).await == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{sql} never counted one");
}

pub(crate) async fn police_action(app: &TestApp) -> (String, String) {
    let police = app.token("police@example.org").await;
    let action = app.action(&police, "A1.1").await;
    (police, action["id"].as_str().unwrap().to_owned())
}

#[actix_web::test]
async fn events_arrive_signed_one_per_request_in_feed_order() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (police, action) = police_action(&app).await;
    let body = json!({ "description": "County BI", "entities": ["progress_update"] });
    let (endpoint, receiver) = endpoint_with_receiver(&app, &admin, body, &[]).await;
    assert!(endpoint.get("secret").is_none(), "the secret is shown once");
    let worker = Worker::start(&app, "one", OPEN);
    for n in 0..5 {
        change(&app, &police, &action, n).await;
    }
    let feed = feed_for(&app, &admin, &endpoint).await;
    assert_eq!(feed.len(), 5);
    let records = delivered(&receiver, feed.len()).await;
    worker.stop().await;
    assert_feed_order(&records, &feed);
    assert!(
        records
            .iter()
            .all(|r| r["content_type"] == "application/json")
    );

    let id = endpoint["id"].as_str().unwrap();
    let log = app
        .read(&admin, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert!(
        items
            .iter()
            .all(|d| d["state"] == "delivered" && d["attempts"] == 1)
    );
    assert_eq!(items[0]["last_status"], 204);
    let read = app.read(&admin, &format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(read["state"], "active");
    assert_eq!(read["allowed_actions"], json!(["update", "delete"]));
    assert!(read.get("secret").is_none());
}

#[actix_web::test]
async fn a_receiver_down_then_back_and_one_failing_at_first_get_everything_in_order() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (police, action) = police_action(&app).await;
    let body = json!({ "entities": ["progress_update"] });
    let (endpoint, mut receiver) =
        endpoint_with_receiver(&app, &admin, body, &["--fail-first", "2"]).await;
    let worker = Worker::start(&app, "one", OPEN);
    for n in 0..3 {
        change(&app, &police, &action, n).await;
    }
    delivered(&receiver, 3).await;
    receiver.kill();
    for n in 3..6 {
        change(&app, &police, &action, n).await;
    }
    let id = endpoint["id"].as_str().unwrap();
    let failing = format!(
        "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = '{id}' AND state = 'pending' AND attempts >= 2"
    );
    until(&app, &failing).await;
    assert_eq!(app.count(&failing).await, 1, "retried while down");
    let read = app.read(&admin, &format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(read["state"], "failing");
    receiver.restart();
    let feed = feed_for(&app, &admin, &endpoint).await;
    let records = delivered(&receiver, feed.len()).await;
    worker.stop().await;
    assert_eq!(
        records.iter().filter(|r| r["status"] == 503).count(),
        4,
        "the first two answers of each run of the receiver were failures"
    );
    assert_feed_order(&records, &feed);
    let read = app.read(&admin, &format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(read["state"], "active");
}

#[actix_web::test]
async fn two_workers_deliver_each_event_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (police, action) = police_action(&app).await;
    let (endpoint, receiver) = endpoint_with_receiver(&app, &admin, json!({}), &[]).await;
    let first = Worker::start(&app, "instance-a", OPEN);
    let second = Worker::start(&app, "instance-b", OPEN);
    for n in 0..8 {
        change(&app, &police, &action, n).await;
    }
    let feed = feed_for(&app, &admin, &endpoint).await;
    assert!(feed.len() >= 8);
    let records = delivered(&receiver, feed.len()).await;
    first.stop().await;
    second.stop().await;
    assert_eq!(records.len(), feed.len(), "no event sent twice");
    assert_feed_order(&records, &feed);
}

#[actix_web::test]
async fn private_and_plain_http_targets_are_refused_unless_allowed() {
    let app = TestApp::spawn_with_webhooks(AddressPolicy::default()).await;
    let admin = app.admin().await;
    for (url, says) in [
        ("https://127.0.0.1/hook", "loopback"),
        ("https://10.0.0.1/hook", "private"),
        ("https://[::ffff:192.168.0.1]/", "private"),
        ("https://169.254.169.254/latest", "link-local"),
        ("http://93.184.215.14/hook", "https"),
        ("https://localhost/hook", "localhost"),
        ("ftp://93.184.215.14/", "https"),
    ] {
        let response = app
            .send_json(
                "POST",
                "/api/v1/webhooks",
                &admin,
                None,
                &json!({ "url": url }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        let body = problem(response).await;
        assert_eq!(body["errors"][0]["field"], "url");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(says), "{url}: {message}");
    }
    assert_eq!(app.count("SELECT count(*) FROM webhook_endpoints").await, 0);

    // A public address registers; if what it names later turns out to be
    // this machine, nothing is sent there.
    let created = register(&app, &admin, json!({ "url": "https://93.184.215.14/hook" })).await;
    let id = created["id"].as_str().unwrap();
    let receiver = Process::python_script(
        "webhook_receiver.py",
        &["--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    );
    app.execute(&format!(
        "UPDATE webhook_endpoints SET url = 'https://localhost:{}/hook' WHERE id = '{id}'",
        receiver.port
    ))
    .await;
    let (police, action) = police_action(&app).await;
    let worker = Worker::start(&app, "strict", AddressPolicy::default());
    change(&app, &police, &action, 1).await;
    let refused = format!(
        "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = '{id}' AND last_error LIKE '%localhost%' AND last_status IS NULL"
    );
    until(&app, &refused).await;
    worker.stop().await;
    assert_eq!(app.count(&refused).await, 1, "refused at delivery");
    assert!(
        receiver.records().is_empty(),
        "nothing reached this machine"
    );
}

#[actix_web::test]
async fn a_redirect_is_a_failure_and_is_not_followed() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (police, action) = police_action(&app).await;
    let args = ["--redirect-to", "http://10.0.0.1/internal"];
    let (endpoint, receiver) = endpoint_with_receiver(&app, &admin, json!({}), &args).await;
    let worker = Worker::start(&app, "one", OPEN);
    change(&app, &police, &action, 1).await;
    let id = endpoint["id"].as_str().unwrap();
    let redirected = format!(
        "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = '{id}' AND last_status = 302 AND state = 'pending' AND attempts >= 2"
    );
    until(&app, &redirected).await;
    worker.stop().await;
    assert_eq!(app.count(&redirected).await, 1);
    let log = app
        .read(&admin, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    let error = log["items"][0]["last_error"].as_str().unwrap();
    assert!(error.contains("redirects are not followed"), "{error}");
    assert!(receiver.records().iter().all(|r| r["status"] == 302));
}

#[actix_web::test]
async fn an_endpoint_failing_too_long_is_disabled_and_resumes_when_enabled() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (police, action) = police_action(&app).await;
    let body = json!({ "entities": ["progress_update"] });
    let (endpoint, mut receiver) = endpoint_with_receiver(&app, &admin, body, &[]).await;
    let id = endpoint["id"].as_str().unwrap();
    receiver.kill();
    let worker = Worker::start(&app, "one", OPEN);
    change(&app, &police, &action, 1).await;
    let failing = format!(
        "SELECT count(*) FROM webhook_endpoints WHERE id = '{id}' AND failing_since IS NOT NULL"
    );
    until(&app, &failing).await;
    // As if it had been failing for three days.
    app.execute(&format!(
        "UPDATE webhook_endpoints SET failing_since = now() - interval '73 hours' WHERE id = '{id}'"
    ))
    .await;
    let disabled =
        format!("SELECT count(*) FROM webhook_endpoints WHERE id = '{id}' AND NOT enabled");
    until(&app, &disabled).await;
    let path = format!("/api/v1/webhooks/{id}");
    let read = app.read(&admin, &path).await;
    assert_eq!(read["state"], "disabled");
    assert!(
        read["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("72 hours")
    );
    change(&app, &police, &action, 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    receiver.restart();
    let etag = app.etag(&admin, &path).await;
    let response = app
        .send_json(
            "PATCH",
            &path,
            &admin,
            Some(&etag),
            &json!({ "enabled": true }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let feed = feed_for(&app, &admin, &endpoint).await;
    assert_eq!(feed.len(), 2);
    let records = delivered(&receiver, 2).await;
    worker.stop().await;
    assert_feed_order(&records, &feed);
}

#[actix_web::test]
async fn an_endpoint_limited_to_a_strategy_gets_only_that_strategys_events() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (police, action) = police_action(&app).await;
    let strategy = app.demo_strategy(&admin).await;
    let body = json!({ "strategy_id": strategy["id"] });
    let (endpoint, receiver) = endpoint_with_receiver(&app, &admin, body, &[]).await;
    let worker = Worker::start(&app, "one", OPEN);
    // An organisation belongs to no strategy: not sent. A progress note
    // belongs to its action's strategy: sent.
    let organisation = app.organisation_id(&admin, "Police").await;
    let path = format!("/api/v1/organisations/{organisation}");
    let etag = app.etag(&admin, &path).await;
    let renamed = app
        .send_json(
            "PATCH",
            &path,
            &admin,
            Some(&etag),
            &json!({ "short_name": "Notts Police" }),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    change(&app, &police, &action, 1).await;
    let all = feed_for(&app, &admin, &endpoint).await;
    assert!(all.iter().any(|e| e["entity"] == "organisation"));
    let wanted: Vec<Value> = all
        .into_iter()
        .filter(|e| e["entity"] != "organisation")
        .collect();
    assert!(wanted.iter().any(|e| e["entity"] == "progress_update"));
    let records = delivered(&receiver, wanted.len()).await;
    worker.stop().await;
    assert_feed_order(&records, &wanted);
}
