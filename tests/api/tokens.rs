//! System tokens: made by administrators, shown once, read-only, limited
//! to one strategy when asked, revocable, and their use is noted.

use awc::http::StatusCode;
use diesel_async::SimpleAsyncConnection;
use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn make_token(app: &TestApp, admin: &str, body: Value) -> Value {
    let mut response = app
        .post("/api/v1/tokens")
        .bearer_auth(admin)
        .send_json(&body)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

#[actix_web::test]
async fn a_system_token_reads_but_never_writes_and_its_use_is_noted() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let created = make_token(&app, &admin, json!({ "name": "County BI dashboard" })).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("dts_"));
    assert_eq!(created["state"], "active");
    assert!(created["last_used_at"].is_null());
    let stored = app
        .count(&format!(
            "SELECT count(*) FROM api_tokens WHERE token_hash = sha256('{secret}'::bytea)"
        ))
        .await;
    assert_eq!(stored, 1, "only the digest is kept");

    // It reads the plan, the dashboard and the feed...
    let strategy = app.demo_strategy(&secret).await;
    let id = strategy["id"].as_str().unwrap();
    app.read(&secret, &format!("/api/v1/strategies/{id}/dashboard"))
        .await;
    app.read(&secret, "/api/v1/changes").await;
    let action = app.action(&secret, "A1.1").await;
    assert_eq!(action["allowed_actions"], json!([]));

    // ...but writes nothing, and reads no accounts, tokens or audit trail.
    let path = format!("/api/v1/actions/{}", action["id"].as_str().unwrap());
    let etag = app.etag(&secret, &path).await;
    let write = app
        .patch(&path)
        .bearer_auth(&secret)
        .insert_header(("If-Match", etag))
        .send_json(&json!({ "title": "Renamed by a robot" }))
        .await
        .unwrap();
    assert_eq!(write.status(), StatusCode::FORBIDDEN);
    let post = app
        .post(&format!("{path}/updates"))
        .bearer_auth(&secret)
        .send_json(&json!({ "progress": "hello" }))
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::FORBIDDEN);
    for forbidden in ["/api/v1/users", "/api/v1/tokens", "/api/v1/audit"] {
        let response = app
            .get(forbidden)
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{forbidden}");
    }

    // The list shows when it was last used, never the secret.
    let list = app.read(&admin, "/api/v1/tokens").await;
    let listed = &list["items"][0];
    assert_eq!(listed["id"], created["id"]);
    assert!(listed["last_used_at"].is_string());
    assert!(listed.get("secret").is_none());
    assert!(!list.to_string().contains(&secret[4..]));
}

#[actix_web::test]
async fn a_revoked_or_expired_token_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let created = make_token(&app, &admin, json!({ "name": "Care leavers' app" })).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    app.read(&secret, "/api/v1/strategies").await;
    let path = format!("/api/v1/tokens/{}", created["id"].as_str().unwrap());
    let revoked = app.delete(&path).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let refused = app
        .get("/api/v1/strategies")
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.read(&admin, &path).await["state"], "revoked");
    let audited = app
        .count(&format!(
            "SELECT count(*) FROM audit_events WHERE entity = 'api_token' AND entity_id = '{}'",
            created["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(audited, 2, "made and revoked");

    let short = make_token(&app, &admin, json!({ "name": "Short-lived" })).await;
    let short_secret = short["secret"].as_str().unwrap().to_owned();
    app.pool_connection()
        .await
        .batch_execute(&format!(
            "UPDATE api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = '{}'",
            short["id"].as_str().unwrap()
        ))
        .await
        .unwrap();
    let expired = app
        .get("/api/v1/strategies")
        .bearer_auth(&short_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_token_limited_to_one_strategy_sees_nothing_of_another() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let demo = app.demo_strategy(&admin).await;
    let mut other = app
        .post("/api/v1/strategies")
        .bearer_auth(&admin)
        .send_json(&json!({
            "title": "Strategy for Young Carers 2024-2027",
            "period_start": "2024-04-01",
            "period_end": "2027-03-31",
        }))
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::CREATED);
    let other: Value = other.json().await.unwrap();
    let other_id = other["id"].as_str().unwrap();
    let created = make_token(
        &app,
        &admin,
        json!({ "name": "Young carers dashboard", "strategy_id": other_id }),
    )
    .await;
    let secret = created["secret"].as_str().unwrap().to_owned();

    let list = app.read(&secret, "/api/v1/strategies").await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [other_id]);
    let demo_id = demo["id"].as_str().unwrap();
    let action = app.action(&admin, "A1.1").await;
    let action_id = action["id"].as_str().unwrap();
    for path in [
        format!("/api/v1/strategies/{demo_id}"),
        format!("/api/v1/strategies/{demo_id}/ambitions"),
        format!("/api/v1/strategies/{demo_id}/actions"),
        format!("/api/v1/strategies/{demo_id}/pledges"),
        format!("/api/v1/strategies/{demo_id}/dashboard"),
        format!("/api/v1/strategies/{demo_id}/report"),
        format!("/api/v1/actions/{action_id}"),
        format!("/api/v1/actions/{action_id}/updates"),
        format!("/api/v1/actions/{action_id}/milestones"),
    ] {
        let response = app.get(&path).bearer_auth(&secret).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let feed = app
        .get("/api/v1/changes")
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn only_administrators_make_tokens_and_bad_requests_are_refused() {
    let app = TestApp::spawn().await;
    let chair = app.token("chair@example.org").await;
    let refused = app
        .post("/api/v1/tokens")
        .bearer_auth(&chair)
        .send_json(&json!({ "name": "Mine" }))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let admin = app.admin().await;
    for body in [
        json!({ "name": "" }),
        json!({ "name": "Past", "expires_at": "2020-01-01T00:00:00Z" }),
        json!({ "name": "Far", "expires_at": "2099-01-01T00:00:00Z" }),
        json!({ "name": "Nowhere", "strategy_id": "00000000-0000-0000-0000-000000000000" }),
    ] {
        let response = app
            .post("/api/v1/tokens")
            .bearer_auth(&admin)
            .send_json(&body)
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
    }
    assert_eq!(app.count("SELECT count(*) FROM api_tokens").await, 0);
}
