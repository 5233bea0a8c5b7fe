//! Email notices through a real SMTP server (tests/tools/smtp_server.py):
//! the update-due reminder goes once per period to exactly the members of
//! organisations that have not reported; a challenge, a closed period and
//! a raised priority reach the right people; a refusing server gets each
//! message once; mail waits in the queue while mail is off; the one-click
//! unsubscribe link works and a forged one does not.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use awc::http::StatusCode;
use chrono::{TimeZone, Utc};
use delivery_tracker::domain::jobs::Backoff;
use delivery_tracker::services::jobs::{self, Handlers, Periodic, Work, WorkerSettings};
use delivery_tracker::services::mail::reminders::UpdateDueReminders;
use delivery_tracker::services::mail::smtp::SmtpMailer;
use delivery_tracker::services::mail::{JOB_KIND, MailLinks};
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::helpers::TestApp;
use crate::tools::Process;

const MEMBERS: [&str; 13] = [
    "ccg",
    "champion",
    "d2n2",
    "districts",
    "futures",
    "ncc",
    "nhft",
    "nolabels",
    "ntu",
    "police",
    "probation",
    "sfh",
    "wnc",
];

fn smtp(args: &[&str]) -> Process {
    Process::python_script("smtp_server.py", args)
}

fn links(app: &TestApp) -> Arc<MailLinks> {
    MailLinks::new(&app.address, &app.jwt_secret)
}

fn reminders(app: &TestApp) -> Arc<UpdateDueReminders> {
    Arc::new(UpdateDueReminders::new(
        links(app),
        app.clock.clone(),
        14,
        Duration::from_millis(100),
    ))
}

/// The handler of mail jobs, sending through `server`.
fn mail_handlers(app: &TestApp, server: &Process) -> Handlers {
    let mailer = SmtpMailer::new(
        app.pool.clone(),
        &format!("smtp://127.0.0.1:{}", server.port),
        "Partnership Board <board@example.org>",
        "127.0.0.1",
    )
    .expect("a mailer");
    let mut handlers = Handlers::new();
    handlers.insert(JOB_KIND, Arc::new(mailer) as Arc<dyn jobs::Handler>);
    handlers
}

/// A running worker, stopped when the test says so.
struct Worker {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Worker {
    fn start(app: &TestApp, name: &str, work: Work) -> Worker {
        let (stop, stopped) = watch::channel(false);
        let settings = WorkerSettings {
            idle: Duration::from_millis(20),
            backoff: Backoff {
                base: Duration::from_millis(10),
                cap: Duration::from_millis(50),
            },
            ..WorkerSettings::named(name)
        };
        let task = tokio::spawn(jobs::run(app.pool.clone(), work, settings, stopped));
        Worker { stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(true);
        self.task.await.unwrap();
    }
}

/// Waits until the server recorded `want` messages, or fails.
async fn received(server: &Process, want: usize) -> Vec<Value> {
    for _ in 0..500 {
        let got = messages(server);
        if got.len() >= want {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "the SMTP server received {} of {want} messages:\n{}",
        messages(server).len(),
        server.output()
    );
}

fn messages(server: &Process) -> Vec<Value> {
    server
        .records()
        .into_iter()
        .filter(|r| r.get("refused").is_none())
        .collect()
}

fn recipients(messages: &[Value]) -> BTreeMap<String, usize> {
    let mut count = BTreeMap::new();
    for message in messages {
        for to in message["rcpt_tos"].as_array().unwrap() {
            *count.entry(to.as_str().unwrap().to_owned()).or_default() += 1;
        }
    }
    count
}

async fn queued_mail(app: &TestApp) -> i64 {
    app.count("SELECT count(*) FROM jobs WHERE kind = 'mail' AND state <> 'done'")
        .await
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let mut response = app
        .post(path)
        .bearer_auth(token)
        .send_json(&body)
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn put_preferences(app: &TestApp, token: &str, body: &Value) -> (StatusCode, Value) {
    let mut response = app
        .send_json("PUT", "/api/v1/me/mail_preferences", token, None, body)
        .await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Adds the open period 2025-26 Q1 (April to June 2025) to the demo
/// strategy; its id.
async fn open_period(app: &TestApp, chair: &str) -> String {
    let strategy = app.demo_strategy(chair).await;
    let (status, period) = post(
        app,
        chair,
        &format!(
            "/api/v1/strategies/{}/periods",
            strategy["id"].as_str().unwrap()
        ),
        json!({ "name": "2025-26 Q1", "starts_on": "2025-04-01", "ends_on": "2025-06-30" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{period}");
    period["id"].as_str().unwrap().to_owned()
}

async fn challenge(app: &TestApp, chair: &str, reference: &str, words: &str) -> Value {
    let action = app.action(chair, reference).await;
    let id = action["id"].as_str().unwrap();
    let (status, update) = post(
        app,
        chair,
        &format!("/api/v1/actions/{id}/updates"),
        json!({ "commentary": words }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{update}");
    assert_eq!(update["kind"], "challenge");
    action
}

#[actix_web::test]
async fn the_update_due_reminder_goes_once_to_each_member_of_an_organisation_that_has_not_reported()
{
    let app = TestApp::spawn_at(Utc.with_ymd_and_hms(2025, 6, 20, 9, 0, 0).unwrap()).await;
    let chair = app.token("chair@example.org").await;
    open_period(&app, &chair).await;
    // The police and the college report on everything they lead; the
    // county council's member opts out of reminders.
    for (member, reference, body) in [
        (
            "police",
            "A1.1",
            json!({ "rag": "green", "progress": "On track" }),
        ),
        ("wnc", "A3.3", json!({ "progress": "Tutors trained" })),
    ] {
        let token = app.token(&format!("{member}@example.org")).await;
        let action = app.action(&token, reference).await;
        let path = format!("/api/v1/actions/{}/updates", action["id"].as_str().unwrap());
        let (status, update) = post(&app, &token, &path, body).await;
        assert_eq!(status, StatusCode::CREATED, "{update}");
    }
    let ncc = app.token("ncc@example.org").await;
    let (status, _) = put_preferences(&app, &ncc, &json!({ "update_due": false })).await;
    assert_eq!(status, StatusCode::OK);

    // Whom the reminder should reach, as each member's own list of
    // updates due says.
    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for member in MEMBERS {
        let email = format!("{member}@example.org");
        let token = app.token(&email).await;
        let portfolio = app.read(&token, "/api/v1/me/portfolio").await;
        let due: BTreeSet<String> = portfolio["update_due"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| {
                let action = portfolio["actions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|a| a["id"] == *id)
                    .unwrap();
                action["reference"].as_str().unwrap().to_owned()
            })
            .collect();
        if member == "ncc" {
            assert!(!due.is_empty(), "the county council has updates due");
        } else if !due.is_empty() {
            expected.insert(email, due);
        }
    }
    assert!(!expected.contains_key("police@example.org"));
    assert!(expected.contains_key("futures@example.org"));

    let server = smtp(&[]);
    let work = Work {
        handlers: mail_handlers(&app, &server),
        periodic: vec![reminders(&app) as Arc<dyn Periodic>],
    };
    let worker = Worker::start(&app, "first", work);
    let got = received(&server, expected.len()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got_now = messages(&server);
    assert_eq!(got_now.len(), got.len(), "no more than one each");
    let counts = recipients(&got_now);
    assert_eq!(
        counts.keys().cloned().collect::<BTreeSet<_>>(),
        expected.keys().cloned().collect::<BTreeSet<_>>()
    );
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    for message in &got_now {
        let to = message["rcpt_tos"][0].as_str().unwrap();
        let text = message["text"].as_str().unwrap();
        let html = message["html"].as_str().unwrap();
        for reference in &expected[to] {
            assert!(
                text.contains(reference.as_str()),
                "{to}: {reference} in {text}"
            );
            assert!(html.contains(reference.as_str()), "{to}: {reference}");
        }
        assert!(
            text.contains(&format!("{}/actions/", app.address)),
            "{text}"
        );
        assert!(message["subject"].as_str().unwrap().contains("2025-26 Q1"));
    }

    // Deciding again, here and in a second instance, sends nothing more.
    assert_eq!(reminders(&app).check(&app.pool).await.unwrap(), 0);
    let second = Worker::start(
        &app,
        "second",
        Work {
            handlers: mail_handlers(&app, &server),
            periodic: vec![reminders(&app) as Arc<dyn Periodic>],
        },
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    second.stop().await;
    worker.stop().await;
    assert_eq!(messages(&server).len(), got_now.len());
    assert_eq!(
        app.count("SELECT count(*) FROM reminder_runs").await,
        1,
        "decided once"
    );
}

#[actix_web::test]
async fn a_challenge_reaches_the_lead_organisation_with_the_chairs_words_and_one_click_unsubscribe()
{
    let app = TestApp::spawn().await;
    let chair = app.token("chair@example.org").await;
    let action = challenge(&app, &chair, "A1.1", "Why has <custody> data not improved?").await;
    let server = smtp(&[]);
    let worker = Worker::start(
        &app,
        "mail",
        Work {
            handlers: mail_handlers(&app, &server),
            periodic: Vec::new(),
        },
    );
    let got = received(&server, 1).await;
    let message = &got[0];
    assert_eq!(message["rcpt_tos"], json!(["police@example.org"]));
    assert_eq!(message["mail_from"], "board@example.org");
    assert_eq!(message["content_type"], "multipart/alternative");
    let text = message["text"].as_str().unwrap();
    let html = message["html"].as_str().unwrap();
    assert!(
        text.contains("Why has <custody> data not improved?"),
        "{text}"
    );
    assert!(
        html.contains("Why has &lt;custody&gt; data not improved?"),
        "{html}"
    );
    let page = format!("{}/actions/{}", app.address, action["id"].as_str().unwrap());
    assert!(text.contains(&page) && html.contains(&page), "{text}");
    assert!(
        message["message_id"]
            .as_str()
            .unwrap()
            .ends_with("@127.0.0.1>")
    );
    assert_eq!(
        message["list_unsubscribe_post"],
        "List-Unsubscribe=One-Click"
    );
    let header = message["list_unsubscribe"].as_str().unwrap();
    let prefix = format!("<{}/unsubscribe/", app.address);
    assert!(
        header.starts_with(&prefix) && header.ends_with('>'),
        "{header}"
    );
    let url = header
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned();
    let police = app.token("police@example.org").await;

    // Opening the link changes nothing.
    let response = app.client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mine = app.read(&police, "/api/v1/me/mail_preferences").await;
    assert_eq!(mine["challenged"], true);

    // A forged or changed token is refused and changes nothing.
    let token = url.rsplit('/').next().unwrap();
    let mut forged = token.to_owned();
    let last = if forged.ends_with('A') { "B" } else { "A" };
    forged.replace_range(forged.len() - 1.., last);
    for bad in [forged.as_str(), "not-a-token"] {
        let response = app
            .post(&format!("/unsubscribe/{bad}"))
            .content_type("application/x-www-form-urlencoded")
            .send_body("List-Unsubscribe=One-Click")
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{bad}");
    }
    let mine = app.read(&police, "/api/v1/me/mail_preferences").await;
    assert_eq!(mine["challenged"], true);

    // The mail program's one-click POST turns challenges off.
    let response = app
        .client
        .post(&url)
        .content_type("application/x-www-form-urlencoded")
        .send_body("List-Unsubscribe=One-Click")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mine = app.read(&police, "/api/v1/me/mail_preferences").await;
    assert_eq!(
        mine,
        json!({ "update_due": true, "period_closed": true, "challenged": false, "priority_raised": true })
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE entity = 'mail_preference'")
            .await,
        1
    );
    // The next challenge is not sent to the police.
    challenge(&app, &chair, "A1.1", "And the housing figures?").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    worker.stop().await;
    assert_eq!(messages(&server).len(), 1);
}

#[actix_web::test]
async fn a_closed_period_sends_the_exceptions_to_the_board_once_each_though_the_server_refuses_at_first()
 {
    let app = TestApp::spawn_at(Utc.with_ymd_and_hms(2025, 7, 10, 9, 0, 0).unwrap()).await;
    let chair = app.token("chair@example.org").await;
    let period = open_period(&app, &chair).await;
    let (status, closed) = post(
        &app,
        &chair,
        &format!("/api/v1/periods/{period}/close"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    let board: BTreeSet<String> = app
        .rows(
            "SELECT u.email FROM users u
              WHERE u.active AND (u.role = 'chair' OR (u.role = 'member' AND u.organisation_id IN
                    (SELECT organisation_id FROM strategy_partners)))",
        )
        .await
        .into_iter()
        .map(|r| r["email"].as_str().unwrap().to_owned())
        .collect();
    assert!(board.contains("chair@example.org") && board.contains("police@example.org"));
    let server = smtp(&["--refuse-first", "3"]);
    let worker = Worker::start(
        &app,
        "mail",
        Work {
            handlers: mail_handlers(&app, &server),
            periodic: Vec::new(),
        },
    );
    let got = received(&server, board.len()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    worker.stop().await;
    let got_now = messages(&server);
    assert_eq!(got_now.len(), got.len());
    let refused = server.records().len() - got_now.len();
    assert_eq!(refused, 3, "the server refused three times");
    let ids: BTreeSet<&str> = got_now
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), got_now.len(), "each message once");
    let counts = recipients(&got_now);
    assert_eq!(counts.keys().cloned().collect::<BTreeSet<_>>(), board);
    assert!(counts.values().all(|n| *n == 1));
    let text = got_now[0]["text"].as_str().unwrap();
    assert!(text.contains("2025-26 Q1 has closed"), "{text}");
    assert!(text.contains("Red and amber actions"), "{text}");
    assert_eq!(queued_mail(&app).await, 0);
}

#[actix_web::test]
async fn a_raised_priority_reaches_the_chair_and_mail_waits_while_mail_is_off() {
    let app = TestApp::spawn().await;
    let chair = app.token("chair@example.org").await;
    let strategy = app.demo_strategy(&chair).await;
    let nolabels = app.token("nolabels@example.org").await;
    let (status, priority) = post(
        &app,
        &nolabels,
        "/api/v1/priorities",
        json!({
            "strategy_id": strategy["id"],
            "title": "The same doctor each time",
            "said": "We want to see the same doctor each time.",
            "why_it_matters": "Telling your story again and again is hard.",
            "raised_on": "2025-01-14",
            "raised_at": "No Labels meeting",
            "ambition_ids": [],
            "commitment_ids": [],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{priority}");
    assert_eq!(queued_mail(&app).await, 1);

    // Mail off: a worker without the mail handler leaves it queued.
    let off = Worker::start(&app, "no-mail", Work::default());
    tokio::time::sleep(Duration::from_millis(300)).await;
    off.stop().await;
    assert_eq!(
        app.count(
            "SELECT count(*) FROM jobs WHERE kind = 'mail' AND state = 'queued' AND attempts = 0"
        )
        .await,
        1
    );

    let server = smtp(&[]);
    let worker = Worker::start(
        &app,
        "mail",
        Work {
            handlers: mail_handlers(&app, &server),
            periodic: Vec::new(),
        },
    );
    let got = received(&server, 1).await;
    worker.stop().await;
    assert_eq!(got[0]["rcpt_tos"], json!(["chair@example.org"]));
    let text = got[0]["text"].as_str().unwrap();
    assert!(text.contains("We want to see the same doctor each time."));
    let page = format!(
        "{}/priorities/{}",
        app.address,
        priority["id"].as_str().unwrap()
    );
    assert!(text.contains(&page), "{text}");
    assert_eq!(queued_mail(&app).await, 0);
}

#[actix_web::test]
async fn preferences_refuse_unknown_kinds_and_system_tokens() {
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let all_on = json!({ "update_due": true, "period_closed": true, "challenged": true, "priority_raised": true });
    assert_eq!(
        app.read(&police, "/api/v1/me/mail_preferences").await,
        all_on
    );
    for body in [
        json!({ "update_due": false, "newsletter": false }),
        json!({ "challenged": "no" }),
        json!(["update_due"]),
    ] {
        let (status, problem) = put_preferences(&app, &police, &body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
    }
    assert_eq!(
        app.read(&police, "/api/v1/me/mail_preferences").await,
        all_on
    );
    assert_eq!(app.count("SELECT count(*) FROM mail_preferences").await, 0);

    let (status, after) = put_preferences(&app, &police, &json!({ "period_closed": false })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(after["period_closed"], false);
    assert_eq!(after["update_due"], true);

    let admin = app.admin().await;
    let (status, created) = post(&app, &admin, "/api/v1/tokens", json!({ "name": "BI" })).await;
    assert_eq!(status, StatusCode::CREATED);
    let system = created["secret"].as_str().unwrap();
    let response = app
        .get("/api/v1/me/mail_preferences")
        .bearer_auth(system)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (status, _) = put_preferences(&app, system, &json!({ "update_due": false })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Preferences stay out of the change feed.
    let changes = app.read(&admin, "/api/v1/changes").await;
    assert!(!changes.to_string().contains("mail_preference"));
}

#[actix_web::test]
async fn a_message_queued_before_its_recipient_opted_out_is_not_sent() {
    let app = TestApp::spawn().await;
    let chair = app.token("chair@example.org").await;
    challenge(&app, &chair, "A1.1", "Where is the custody data?").await;
    assert_eq!(queued_mail(&app).await, 1);
    let police = app.token("police@example.org").await;
    let (status, _) = put_preferences(&app, &police, &json!({ "challenged": false })).await;
    assert_eq!(status, StatusCode::OK);
    let server = smtp(&[]);
    let worker = Worker::start(
        &app,
        "mail",
        Work {
            handlers: mail_handlers(&app, &server),
            periodic: Vec::new(),
        },
    );
    for _ in 0..250 {
        if queued_mail(&app).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    worker.stop().await;
    assert_eq!(queued_mail(&app).await, 0, "the job is done");
    assert_eq!(
        app.count("SELECT count(*) FROM jobs WHERE kind = 'mail' AND state = 'done' AND last_error IS NULL")
            .await,
        1
    );
    assert!(messages(&server).is_empty(), "nothing was sent");
}
