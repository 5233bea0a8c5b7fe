//! Prometheus metrics, from the real `serve` process (the recorder is one
//! per process): with METRICS_ADDR set, `GET /metrics` on that address
//! shows requests by route template and status, the connection pool and
//! the job queue, and carries no id; the public address does not serve it.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp};
use crate::tools::free_port;

/// A `delivery-tracker serve` process on the test's database, with its
/// metrics listener.
struct Instance {
    child: Child,
    public: String,
    metrics: String,
}

impl Instance {
    fn start(app: &TestApp) -> Instance {
        let public = format!("127.0.0.1:{}", free_port());
        let metrics = format!("127.0.0.1:{}", free_port());
        let child = Command::new(env!("CARGO_BIN_EXE_delivery-tracker"))
            .arg("serve")
            .env("DATABASE_URL", app.database_url())
            .env("BIND_ADDR", &public)
            .env("METRICS_ADDR", &metrics)
            .env("JWT_SECRET", "a-test-only-signing-key-4f9c2e7b81d3a6054e1f")
            // The queue stays as the test leaves it.
            .env("RUN_JOBS", "false")
            .env("DATABASE_POOL_SIZE", "4")
            .env_remove("SMTP_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the service");
        Instance {
            child,
            public: format!("http://{public}"),
            metrics: format!("http://{metrics}"),
        }
    }

    async fn ready(&mut self, app: &TestApp) {
        let started = Instant::now();
        loop {
            let answer = app
                .client
                .get(format!("{}/readyz", self.public))
                .send()
                .await;
            if answer.is_ok_and(|r| r.status() == StatusCode::OK) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the service exited: {status}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "not ready in 30 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GETs `url` with an optional bearer token: the status and the body.
async fn get(app: &TestApp, url: &str, token: Option<&str>) -> (StatusCode, String) {
    let mut request = app.client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let mut response = request.send().await.expect("request");
    let body = response.body().limit(4 << 20).await.expect("body");
    (
        response.status(),
        String::from_utf8_lossy(&body).into_owned(),
    )
}

/// The value of the sample of `name` whose labels include `labels`.
fn sample(scrape: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape.lines().find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (series_name, label_text) = match series.split_once('{') {
            Some((n, rest)) => (n, rest),
            None => (series, ""),
        };
        let matches = series_name == name
            && labels
                .iter()
                .all(|(k, v)| label_text.contains(&format!("{k}=\"{v}\"")));
        matches.then(|| value.parse().expect("a number"))
    })
}

/// Whether the text holds anything shaped like a UUID.
fn has_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(36).any(|w| {
        w.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
    })
}

#[actix_web::test]
async fn metrics_show_routes_by_template_the_pool_and_the_queue_on_their_own_address() {
    let app = TestApp::spawn().await;
    app.execute(
        "INSERT INTO jobs (id, kind, payload, idempotency_key, state, finished_at, last_error)
         VALUES (gen_random_uuid(), 'mail', '{}', 'metrics-dead', 'dead', now(), 'refused')",
    )
    .await;
    app.execute(
        "INSERT INTO jobs (id, kind, payload, idempotency_key, run_at)
         VALUES (gen_random_uuid(), 'export', '{}', 'metrics-queued', now() - interval '90 seconds')",
    )
    .await;
    let mut instance = Instance::start(&app);
    instance.ready(&app).await;
    let public = instance.public.clone();

    let mut login = app
        .client
        .post(format!("{public}/api/v1/auth/login"))
        .send_json(&json!({ "email": delivery_tracker::demo::ADMIN_EMAIL, "password": PASSWORD }))
        .await
        .expect("login");
    assert_eq!(login.status(), StatusCode::OK);
    let token = login.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, list) = get(
        &app,
        &format!("{public}/api/v1/actions?limit=2"),
        Some(&token),
    )
    .await;
    let list: Value = serde_json::from_str(&list).unwrap();
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    for id in &ids {
        let (status, _) = get(&app, &format!("{public}/api/v1/actions/{id}"), Some(&token)).await;
        assert_eq!(status, StatusCode::OK);
    }
    let missing = uuid::Uuid::new_v4();
    let (status, _) = get(
        &app,
        &format!("{public}/api/v1/actions/{missing}"),
        Some(&token),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&app, &format!("{public}/wp-login.php"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&app, &format!("{public}/metrics"), None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "metrics only on METRICS_ADDR"
    );

    let (status, scrape) = get(&app, &format!("{}/metrics", instance.metrics), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_routes(&scrape);
    assert!(!has_uuid(&scrape), "an id in the metrics:\n{scrape}");
    assert_pool_and_queue(&app, &scrape).await;

    let (status, _) = get(&app, &format!("{}/api/v1/actions", instance.metrics), None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the metrics address serves nothing else"
    );
}

fn assert_routes(scrape: &str) {
    let route = "/api/v1/actions/{id}";
    let requests = |status| {
        sample(
            scrape,
            "http_requests_total",
            &[("method", "GET"), ("route", route), ("status", status)],
        )
    };
    assert_eq!(requests("200"), Some(2.0), "{scrape}");
    assert_eq!(requests("404"), Some(1.0), "{scrape}");
    let unmatched = [("route", "unmatched"), ("status", "404")];
    assert_eq!(
        sample(scrape, "http_requests_total", &unmatched),
        Some(2.0),
        "the scanner's path and /metrics on the public address"
    );
    assert!(!scrape.contains("wp-login"));
    let timed = [("method", "GET"), ("route", route)];
    assert_eq!(
        sample(scrape, "http_request_duration_seconds_count", &timed),
        Some(3.0)
    );
    let bucket = [("method", "GET"), ("route", route), ("le", "+Inf")];
    assert_eq!(
        sample(scrape, "http_request_duration_seconds_bucket", &bucket),
        Some(3.0)
    );
}

async fn assert_pool_and_queue(app: &TestApp, scrape: &str) {
    assert_eq!(sample(scrape, "db_pool_connections_max", &[]), Some(4.0));
    for gauge in ["db_pool_connections_in_use", "db_pool_connections_idle"] {
        let value = sample(scrape, gauge, &[]).unwrap_or_else(|| panic!("{gauge}"));
        assert!((0.0..=4.0).contains(&value), "{gauge} {value}");
    }
    assert_eq!(sample(scrape, "db_pool_waiters", &[]), Some(0.0));
    assert!(sample(scrape, "db_pool_wait_seconds_count", &[]).is_some_and(|n| n >= 5.0));

    let export = [("kind", "export")];
    assert_eq!(sample(scrape, "jobs_queued", &export), Some(1.0));
    let age = sample(scrape, "jobs_oldest_due_age_seconds", &export).unwrap();
    assert!((90.0..3600.0).contains(&age), "age {age}");
    let dead_mail = app
        .count("SELECT count(*) FROM jobs WHERE kind = 'mail' AND state = 'dead'")
        .await;
    assert!(dead_mail >= 1);
    assert_eq!(
        sample(scrape, "jobs_dead", &[("kind", "mail")]),
        Some(dead_mail as f64)
    );
    // A kind the instance works is shown before any job of it exists.
    let webhooks = app
        .count("SELECT count(*) FROM jobs WHERE kind = 'webhook' AND state = 'queued'")
        .await;
    assert_eq!(
        sample(scrape, "jobs_queued", &[("kind", "webhook")]),
        Some(webhooks as f64)
    );
}

#[test]
fn uuids_are_recognised_wherever_they_are() {
    assert!(has_uuid(
        "route=\"/a/0b5e1c4e-8f7a-4d3b-9c2e-1f0a2b3c4d5e\""
    ));
    assert!(!has_uuid("route=\"/api/v1/actions/{id}\" 2"));
}
