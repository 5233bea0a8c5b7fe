use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, problem};

async fn police_id(app: &TestApp, token: &str) -> String {
    let orgs = app
        .read(token, "/api/v1/organisations?q=Nottinghamshire%20Police")
        .await;
    orgs["items"][0]["id"].as_str().unwrap().to_owned()
}

async fn find_user(app: &TestApp, token: &str, email: &str) -> Value {
    let users = app.read(token, &format!("/api/v1/users?q={email}")).await;
    users["items"][0].clone()
}

#[actix_web::test]
async fn an_admin_creates_a_member_who_can_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let org = police_id(&app, &admin).await;
    let mut response = app
        .post("/api/v1/users")
        .bearer_auth(&admin)
        .send_json(&json!({
            "email": "New.Officer@Example.org",
            "name": "New Officer",
            "role": "member",
            "organisation_id": org,
            "password": "a-long-enough-password",
        }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(response.headers().get("location").is_some());
    let user: Value = response.json().await.unwrap();
    assert_eq!(user["email"], "new.officer@example.org");
    assert_eq!(user["organisation"]["name"], "Nottinghamshire Police");
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());

    let (status, _) = app
        .login_response("new.officer@example.org", "a-long-enough-password")
        .await;
    assert_eq!(status, StatusCode::OK);

    let audit = app
        .count("SELECT count(*) FROM audit_events WHERE entity = 'user' AND action = 'create' AND after->>'email' = 'new.officer@example.org' AND NOT (after ? 'password_hash')")
        .await;
    assert_eq!(audit, 1);
}

#[actix_web::test]
async fn a_member_needs_an_organisation_and_emails_are_unique() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let before = app.count("SELECT count(*) FROM users").await;
    let response = app
        .post("/api/v1/users")
        .bearer_auth(&admin)
        .send_json(&json!({
            "email": "orphan@example.org", "name": "Orphan", "role": "member",
            "password": "a-long-enough-password",
        }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        problem(response).await["errors"][0]["field"],
        "organisation_id"
    );

    let response = app
        .post("/api/v1/users")
        .bearer_auth(&admin)
        .send_json(&json!({
            "email": "CHAIR@example.org", "name": "Impostor", "role": "viewer",
            "password": "a-long-enough-password",
        }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(
        problem(response).await["detail"]
            .as_str()
            .unwrap()
            .contains("email")
    );
    assert_eq!(app.count("SELECT count(*) FROM users").await, before);
}

#[actix_web::test]
async fn only_admins_manage_users() {
    let app = TestApp::spawn().await;
    for email in [
        "chair@example.org",
        "police@example.org",
        "viewer@example.org",
    ] {
        let token = app.token(email).await;
        let list = app
            .get("/api/v1/users")
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            list.status(),
            StatusCode::FORBIDDEN,
            "{email} listing users"
        );
        problem(list).await;
        let create = app
            .post("/api/v1/users")
            .bearer_auth(&token)
            .send_json(&json!({
                "email": "x@example.org", "name": "X", "role": "admin",
                "password": "a-long-enough-password",
            }))
            .await
            .unwrap();
        assert_eq!(
            create.status(),
            StatusCode::FORBIDDEN,
            "{email} creating a user"
        );
    }
}

#[actix_web::test]
async fn deactivating_a_user_ends_their_sessions_and_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, tokens) = app.login_response("probation@example.org", PASSWORD).await;
    let user = find_user(&app, &admin, "probation@example.org").await;

    let response = app
        .patch(&format!("/api/v1/users/{}", user["id"].as_str().unwrap()))
        .bearer_auth(&admin)
        .insert_header(("If-Match", format!("\"{}\"", user["version"])))
        .send_json(&json!({ "active": false }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let refreshed = app
        .post("/api/v1/auth/refresh")
        .send_json(&json!({ "refresh_token": tokens["refresh_token"] }))
        .await
        .unwrap();
    assert_eq!(refreshed.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = app.login_response("probation@example.org", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn the_last_active_admin_cannot_be_demoted() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let me = app.read(&admin, "/api/v1/me").await;
    let response = app
        .patch(&format!("/api/v1/users/{}", me["id"].as_str().unwrap()))
        .bearer_auth(&admin)
        .insert_header(("If-Match", format!("\"{}\"", me["version"])))
        .send_json(&json!({ "role": "viewer" }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    problem(response).await;
    assert_eq!(
        app.count("SELECT count(*) FROM users WHERE role = 'admin'")
            .await,
        1
    );
}
