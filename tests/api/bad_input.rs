//! Malformed or invalid requests get a 4xx problem document and change
//! nothing.

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, problem};

/// Rows in every table a write could touch.
async fn fingerprint(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "organisations",
        "users",
        "strategies",
        "strategy_partners",
        "statements",
        "audit_events",
    ] {
        counts.push(app.count(&format!("SELECT count(*) FROM {table}")).await);
    }
    counts.push(app.count("SELECT sum(version) FROM statements").await);
    counts
}

#[actix_web::test]
async fn malformed_wrong_typed_overlong_and_unknown_values_change_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let strategy = app.demo_strategy(&admin).await;
    let ambitions_path = format!(
        "/api/v1/strategies/{}/ambitions",
        strategy["id"].as_str().unwrap()
    );
    let before = fingerprint(&app).await;

    let cases: Vec<(&str, String, String, StatusCode)> = vec![
        (
            "malformed JSON",
            ambitions_path.clone(),
            r#"{"title": "#.into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "wrong type",
            ambitions_path.clone(),
            r#"{"title": 42}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "over-long title",
            ambitions_path.clone(),
            json!({ "title": "x".repeat(501) }).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "blank title",
            ambitions_path.clone(),
            r#"{"title": "   "}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "NUL in title",
            ambitions_path.clone(),
            r#"{"title": "a\u0000b"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "number out of range",
            ambitions_path.clone(),
            r#"{"title": "t", "number": 0}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "unknown field",
            ambitions_path.clone(),
            r#"{"title": "t", "colour": "red"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "unknown enum value",
            "/api/v1/organisations".into(),
            r#"{"name": "Somewhere", "kind": "alien"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "period ending before it starts",
            "/api/v1/strategies".into(),
            r#"{"title": "Backwards", "period_start": "2026-01-01", "period_end": "2025-01-01"}"#
                .into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "impossible date",
            "/api/v1/strategies".into(),
            r#"{"title": "Leap", "period_start": "2026-02-30", "period_end": "2027-01-01"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "huge number",
            ambitions_path.clone(),
            r#"{"title": "t", "number": 99999999999999999999}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "oversized body",
            ambitions_path.clone(),
            json!({ "title": "t", "description": "x".repeat(300 * 1024) }).to_string(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (what, path, body, expected) in cases {
        let response = app
            .post(&path)
            .bearer_auth(&admin)
            .insert_header(("content-type", "application/json"))
            .send_body(body)
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "{what}");
        let problem = problem(response).await;
        if expected == StatusCode::UNPROCESSABLE_ENTITY {
            assert!(
                problem["errors"].as_array().is_some_and(|e| !e.is_empty()),
                "{what}: {problem}"
            );
        }
    }

    let not_json = app
        .post(&ambitions_path)
        .bearer_auth(&admin)
        .insert_header(("content-type", "text/plain"))
        .send_body("title=t")
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    problem(not_json).await;

    assert_eq!(fingerprint(&app).await, before);
}

#[actix_web::test]
async fn invalid_updates_leave_the_resource_as_it_was() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let strategy = app.demo_strategy(&admin).await;
    let path = format!("/api/v1/strategies/{}", strategy["id"].as_str().unwrap());
    let before = fingerprint(&app).await;
    for body in [
        json!({ "title": "" }),
        json!({ "status": "cancelled" }),
        json!({ "period_end": "2021-01-01" }),
        json!({ "partner_ids": ["not-a-uuid"] }),
    ] {
        let response = app
            .patch(&path)
            .bearer_auth(&admin)
            .insert_header(("If-Match", format!("\"{}\"", strategy["version"])))
            .send_json(&body)
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        problem(response).await;
    }
    assert_eq!(fingerprint(&app).await, before);
    assert_eq!(app.read(&admin, &path).await, strategy);
}

#[actix_web::test]
async fn ids_that_are_not_uuids_are_not_found() {
    let app = TestApp::spawn().await;
    let token = app.admin().await;
    for path in [
        "/api/v1/strategies/1",
        "/api/v1/ambitions/'%20OR%201=1",
        "/api/v1/users/xyz",
    ] {
        let response = app.get(path).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        problem(response).await;
    }
}
