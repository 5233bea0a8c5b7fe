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

#[actix_web::test]
async fn hostile_bodies_and_queries_get_a_problem_and_change_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let strategy = app.demo_strategy(&admin).await;
    let ambitions_path = format!(
        "/api/v1/strategies/{}/ambitions",
        strategy["id"].as_str().unwrap()
    );
    let before = fingerprint(&app).await;
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        (
            "deeply nested JSON",
            format!(r#"{{"title": "t", "description": {nested}}}"#).into_bytes(),
        ),
        ("invalid UTF-8", b"{\"title\": \"\xff\xfe\"}".to_vec()),
        ("a raw NUL byte", b"{\"title\": \"a\x00b\"}".to_vec()),
        (
            "a number too big for any field",
            br#"{"title": "t", "number": 1.5e308}"#.to_vec(),
        ),
    ];
    for (what, body) in bodies {
        let response = app
            .post(&ambitions_path)
            .bearer_auth(&admin)
            .insert_header(("content-type", "application/json"))
            .send_body(body)
            .await
            .unwrap();
        assert!(
            response.status().is_client_error(),
            "{what}: {}",
            response.status()
        );
        problem(response).await;
    }
    let far_future = app
        .post("/api/v1/strategies")
        .bearer_auth(&admin)
        .send_json(
            &json!({ "title": "Far", "period_start": "10000-01-01", "period_end": "10001-01-01" }),
        )
        .await
        .unwrap();
    assert_eq!(far_future.status(), StatusCode::UNPROCESSABLE_ENTITY);
    problem(far_future).await;

    // A very long query string is refused before it reaches the database.
    let long = app
        .get(&format!("/api/v1/actions?q={}", "a".repeat(20_000)))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert!(long.status().is_client_error(), "{}", long.status());
    problem(long).await;
    assert_eq!(fingerprint(&app).await, before);
}

#[actix_web::test]
async fn sql_and_html_in_text_are_kept_as_text_and_escaped_where_shown() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let strategy = app.demo_strategy(&admin).await;
    let id = strategy["id"].as_str().unwrap();
    let ambitions = app
        .read(&admin, &format!("/api/v1/strategies/{id}/ambitions"))
        .await;
    let lead = app.organisation_id(&admin, "Nottinghamshire Police").await;
    let sql = "x'); DROP TABLE actions; --";
    let html = "<script>alert('pwned')</script><img src=x onerror=alert(1)>";
    let mut created = app
        .post("/api/v1/actions")
        .bearer_auth(&admin)
        .send_json(&json!({
            "strategy_id": id,
            "reference": "Z9.9",
            "title": html,
            "description": sql,
            "lead_organisation_id": lead,
            "ambition_ids": [ambitions["items"][0]["id"]],
        }))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let action: serde_json::Value = created.json().await.unwrap();
    assert_eq!(action["title"], html, "kept exactly as written");
    assert_eq!(action["description"], sql);
    assert!(
        app.count("SELECT count(*) FROM actions").await > 25,
        "the table is still there"
    );

    // The HTML report shows it as text, never as markup.
    let mut report = app
        .get(&format!("/api/v1/strategies/{id}/report?format=html"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let page = String::from_utf8(report.body().limit(8 << 20).await.unwrap().to_vec()).unwrap();
    assert!(
        page.contains("&#60;script&#62;alert("),
        "escaped in the report"
    );
    assert!(!page.contains("<script>"), "no markup from the data");
    assert!(!page.contains("<img src=x"));
}
