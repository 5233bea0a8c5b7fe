//! Bulk progress updates: all stored or none, each checked as if alone.

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn post_bulk(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    let mut response = app
        .post("/api/v1/actions/updates")
        .bearer_auth(token)
        .send_json(&body)
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[actix_web::test]
async fn a_member_reports_on_several_actions_in_one_request() {
    let app = TestApp::spawn().await;
    let council = app.token("ncc@example.org").await;
    let a12 = app.action(&council, "A1.2").await;
    let a13 = app.action(&council, "A1.3").await;
    let before = app.count("SELECT count(*) FROM progress_updates").await;
    let (status, body) = post_bulk(
        &app,
        &council,
        json!({ "updates": [
            { "action_id": a12["id"], "version": a12["version"], "update": { "rag": "amber",
              "commentary": "Recruitment of the second worker has slipped a quarter." } },
            { "action_id": a13["id"], "update": { "rag": "green", "progress": "Protocol signed by all partners." } },
            { "action_id": a12["id"], "update": { "progress": "A note after the rating." } },
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["rag"], "amber");
    assert_eq!(items[2]["kind"], "note");
    assert_eq!(
        app.count("SELECT count(*) FROM progress_updates").await,
        before + 3
    );
    let after = app.action(&council, "A1.2").await;
    assert_eq!(after["rag"], "amber");
    assert_eq!(after["version"], a12["version"].as_i64().unwrap() + 2);
}

#[actix_web::test]
async fn one_refused_update_stores_none_and_is_named() {
    let app = TestApp::spawn().await;
    let council = app.token("ncc@example.org").await;
    let a12 = app.action(&council, "A1.2").await;
    let police_led = app.action(&council, "A1.1").await;
    let rows = "SELECT (SELECT count(*) FROM progress_updates) * 1000000 + (SELECT count(*) FROM audit_events) + (SELECT sum(version) FROM actions)";
    let before = app.count(rows).await;
    let good =
        json!({ "action_id": a12["id"], "update": { "rag": "green", "progress": "On track." } });
    let cases = [
        (
            json!({ "updates": [good, { "action_id": police_led["id"], "update": { "rag": "green" } }] }),
            StatusCode::FORBIDDEN,
            "updates[1]",
        ),
        (
            json!({ "updates": [good, good, { "action_id": a12["id"], "update": { "rag": "red" } }] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "updates[2].update.commentary",
        ),
        (
            json!({ "updates": [good, { "action_id": a12["id"], "version": a12["version"], "update": { "progress": "x" } }] }),
            StatusCode::PRECONDITION_FAILED,
            "updates[1]",
        ),
        (
            json!({ "updates": [good, { "action_id": "01936b2e-0000-7000-8000-000000000000", "update": { "progress": "x" } }] }),
            StatusCode::NOT_FOUND,
            "updates[1]",
        ),
    ];
    for (body, want, named) in cases {
        let (status, problem) = post_bulk(&app, &council, body).await;
        assert_eq!(status, want, "{problem}");
        assert!(
            problem.to_string().contains(named),
            "{problem} names {named}"
        );
        assert_eq!(app.count(rows).await, before, "nothing stored");
    }
    for body in [
        json!({ "updates": [] }),
        json!({ "updates": [{ "action_id": a12["id"], "update": { "colour": "green" } }] }),
        json!({ "updates": [{ "action_id": a12["id"], "update": { "rag": "purple" } }] }),
    ] {
        let (status, problem) = post_bulk(&app, &council, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
    }
    assert_eq!(app.count(rows).await, before);
}
