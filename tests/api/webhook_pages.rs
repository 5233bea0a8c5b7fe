//! The administrators' pages for webhooks and for work that failed every
//! attempt, driven as a browser drives them, and refused to everyone else.

use awc::http::StatusCode;
use delivery_tracker::services::jobs::{self, Enqueue, Work, WorkerSettings};
use delivery_tracker::services::webhooks::{Deliveries, DeliverySettings, KIND};
use serde_json::json;
use tokio::sync::watch;

use crate::browser::Browser;
use crate::helpers::TestApp;

async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    browser.sign_in(email).await;
    browser
}

#[actix_web::test]
async fn an_administrator_registers_disables_rotates_and_deletes_a_webhook() {
    let app = TestApp::spawn().await;
    let mut admin = signed_in(&app, "admin@example.org").await;
    let list = admin.get("/admin/webhooks").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.has("id=\"no-webhooks\""));
    let index = admin.get("/admin").await;
    assert!(index.has("href=\"/admin/webhooks\"") && index.has("href=\"/admin/jobs\""));

    // A refused address comes back with what was typed.
    let csrf = list.csrf();
    let refused = admin
        .post(
            "/admin/webhooks",
            &[
                ("csrf_token", csrf.as_str()),
                ("url", "ftp://bi.example.org/hook"),
                ("description", "County BI"),
                ("entities", "action"),
                ("entities", "pledge"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("There is a problem") && refused.has("must use https"));
    assert_eq!(refused.input("description").as_deref(), Some("County BI"));
    assert_eq!(
        refused.input("url").as_deref(),
        Some("ftp://bi.example.org/hook")
    );
    assert!(refused.has("value=\"pledge\" checked"));
    assert_eq!(app.count("SELECT count(*) FROM webhook_endpoints").await, 0);

    let created = admin
        .post(
            "/admin/webhooks",
            &[
                ("csrf_token", csrf.as_str()),
                ("url", "https://93.184.215.14/hook"),
                ("description", "County BI"),
                ("entities", "action"),
                ("strategy_id", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let secret = created.input("secret").expect("the secret, shown once");
    assert!(secret.starts_with("whsec_"));
    assert!(created.has("It will not be shown again"));
    let id = app.rows("SELECT id FROM webhook_endpoints").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/admin/webhooks/{id}");

    let shown = admin.get(&path).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(!shown.has(&secret) && shown.has("id=\"no-deliveries\""));
    let version = shown
        .form_input(&format!("{path}/enabled"), "version")
        .unwrap();
    let disabled = admin
        .post(
            &format!("{path}/enabled"),
            &[
                ("csrf_token", csrf.as_str()),
                ("version", &version),
                ("enabled", "false"),
            ],
        )
        .await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    let shown = admin.get(&path).await;
    assert!(shown.has("Enable it again") && shown.has("Disabled by an administrator"));

    // A form read before that change does nothing and says so.
    let stale = admin
        .post(
            &format!("{path}/secret"),
            &[("csrf_token", csrf.as_str()), ("version", &version)],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let version = shown
        .form_input(&format!("{path}/secret"), "version")
        .unwrap();
    let rotated = admin
        .post(
            &format!("{path}/secret"),
            &[("csrf_token", csrf.as_str()), ("version", &version)],
        )
        .await;
    assert_eq!(rotated.status, StatusCode::OK);
    let new_secret = rotated.input("secret").unwrap();
    assert_ne!(new_secret, secret);

    let confirm = admin.get(&format!("{path}/delete")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    let version = confirm
        .form_input(&format!("{path}/delete"), "version")
        .unwrap();
    let deleted = admin
        .post(
            &format!("{path}/delete"),
            &[("csrf_token", csrf.as_str()), ("version", &version)],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM webhook_endpoints").await, 0);

    for email in ["chair@example.org", "police@example.org"] {
        let mut other = signed_in(&app, email).await;
        for page in ["/admin/webhooks", "/admin/jobs"] {
            assert_eq!(
                other.get(page).await.status,
                StatusCode::FORBIDDEN,
                "{email} {page}"
            );
        }
    }
}

#[actix_web::test]
async fn an_administrator_sees_a_dead_job_with_its_error_and_retries_it() {
    let app = TestApp::spawn().await;
    // A delivery job that names no endpoint fails; allowed one attempt,
    // it is parked as dead.
    jobs::enqueue(
        &mut *app.pool_connection().await,
        Enqueue {
            kind: KIND,
            key: "webhook:broken".into(),
            payload: json!({}),
            run_at: chrono::Utc::now(),
            max_attempts: Some(1),
        },
    )
    .await
    .unwrap();
    let settings = DeliverySettings::new(Default::default(), 72);
    let mut work = Work::default();
    work.handlers
        .insert(KIND, Deliveries::new(app.pool.clone(), settings));
    let (stop, stopped) = watch::channel(false);
    let worker = WorkerSettings {
        idle: std::time::Duration::from_millis(20),
        ..WorkerSettings::named("pages")
    };
    let task = tokio::spawn(jobs::run(app.pool.clone(), work, worker, stopped));
    for _ in 0..400 {
        if app
            .count("SELECT count(*) FROM jobs WHERE state = 'dead'")
            .await
            == 1
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    stop.send(true).unwrap();
    task.await.unwrap();

    let mut admin = signed_in(&app, "admin@example.org").await;
    let list = admin.get("/admin/jobs").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.has("Webhook delivery") && list.has("the job names no endpoint"));
    let id = app.rows("SELECT id FROM jobs WHERE state = 'dead'").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let action = format!("/admin/jobs/{id}/retry");
    assert!(list.has(&format!("action=\"{action}\"")));
    let retried = admin
        .post(&action, &[("csrf_token", list.csrf().as_str())])
        .await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER);
    assert_eq!(
        retried.location.as_deref(),
        Some("/admin/jobs?done=job-retried")
    );
    let after = admin.get("/admin/jobs?done=job-retried").await;
    assert!(after.has("The job is queued again") && after.has("id=\"no-jobs\""));
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM jobs WHERE id = '{id}' AND state = 'queued'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE entity = 'job'")
            .await,
        1,
        "the retry is audited"
    );
}
