use awc::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use delivery_tracker::auth::JwtKeys;
use delivery_tracker::domain::Role;
use serde_json::json;

use crate::helpers::{AUDIENCE, ISSUER, PASSWORD, TestApp, problem};

#[actix_web::test]
async fn an_admin_signs_in_and_reads_their_account() {
    let app = TestApp::spawn().await;
    let (status, body) = app.login_response("admin@example.org", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_token"].as_str().unwrap().starts_with("dtr_"));

    let me = app
        .read(body["access_token"].as_str().unwrap(), "/api/v1/me")
        .await;
    assert_eq!(me["email"], "admin@example.org");
    assert_eq!(me["role"], "admin");
    assert!(me.get("password_hash").is_none());
}

#[actix_web::test]
async fn emails_are_matched_whatever_their_case() {
    let app = TestApp::spawn().await;
    let (status, _) = app.login_response("  Police@Example.ORG ", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
}

#[actix_web::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let (unknown_status, unknown) = app.login_response("nobody@example.org", PASSWORD).await;
    let (wrong_status, wrong) = app
        .login_response("chair@example.org", "not-the-password")
        .await;
    assert_eq!(unknown_status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown, wrong);
}

#[actix_web::test]
async fn a_member_token_names_the_role_and_organisation() {
    let app = TestApp::spawn().await;
    let token = app.token("police@example.org").await;
    let payload = token.split('.').nth(1).unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(claims["role"], "member");
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["aud"], AUDIENCE);
    let me = app.read(&token, "/api/v1/me").await;
    assert_eq!(me["organisation"]["name"], "Nottinghamshire Police");
    assert_eq!(claims["org"], me["organisation"]["id"]);
}

#[actix_web::test]
async fn requests_without_a_valid_token_get_401() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/strategies").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        response
            .headers()
            .get("www-authenticate")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    problem(response).await;

    let valid = app.admin().await;
    let keys = JwtKeys::new(&app.jwt_secret, ISSUER, AUDIENCE, 900);
    let user = uuid::Uuid::now_v7();

    let mut expired = keys.claims_for(user, Role::Admin, None);
    expired.iat -= 7200;
    expired.exp -= 7200;
    let wrong_audience = {
        let mut c = keys.claims_for(user, Role::Admin, None);
        c.aud = "another-api".into();
        c
    };
    let other_key = JwtKeys::new(&[9u8; 40], ISSUER, AUDIENCE, 900);
    let (header, _, signature) = {
        let mut parts = valid.split('.');
        (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        )
    };
    let escalated = URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&keys.claims_for(user, Role::Admin, None)).unwrap());
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);

    let bad_tokens = [
        ("expired", keys.sign(&expired).unwrap()),
        ("wrong audience", keys.sign(&wrong_audience).unwrap()),
        (
            "wrong key",
            other_key
                .sign(&keys.claims_for(user, Role::Admin, None))
                .unwrap(),
        ),
        ("tampered", format!("{header}.{escalated}.{signature}")),
        ("alg none", format!("{none_header}.{escalated}.")),
        ("garbage", "not-a-token".to_owned()),
    ];
    for (what, token) in bad_tokens {
        let response = app
            .get("/api/v1/strategies")
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
        problem(response).await;
    }
}

async fn refresh(app: &TestApp, token: &str) -> (StatusCode, serde_json::Value) {
    let mut response = app
        .post("/api/v1/auth/refresh")
        .send_json(&json!({ "refresh_token": token }))
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[actix_web::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
    let app = TestApp::spawn().await;
    let (_, first) = app.login_response("chair@example.org", PASSWORD).await;
    let first = first["refresh_token"].as_str().unwrap().to_owned();

    let (status, second) = refresh(&app, &first).await;
    assert_eq!(status, StatusCode::OK);
    let second = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);

    // Replaying the used token is refused and ends the family...
    let (status, _) = refresh(&app, &first).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // ...so the token issued after it no longer works either.
    let (status, _) = refresh(&app, &second).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Another sign-in is a separate family and is unaffected.
    let (_, other) = app.login_response("chair@example.org", PASSWORD).await;
    let (status, _) = refresh(&app, other["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
}

#[actix_web::test]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let (_, tokens) = app.login_response("viewer@example.org", PASSWORD).await;
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let response = app
        .post("/api/v1/auth/logout")
        .send_json(&json!({ "refresh_token": refresh_token }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, _) = refresh(&app, refresh_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn changing_a_password_ends_sessions_and_the_old_password() {
    let app = TestApp::spawn().await;
    let (_, tokens) = app.login_response("ntu@example.org", PASSWORD).await;
    let access = tokens["access_token"].as_str().unwrap();

    let wrong = app
        .post("/api/v1/me/password")
        .bearer_auth(access)
        .send_json(&json!({ "current_password": "guess", "new_password": "a-new-long-password" }))
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let short = app
        .post("/api/v1/me/password")
        .bearer_auth(access)
        .send_json(&json!({ "current_password": PASSWORD, "new_password": "short" }))
        .await
        .unwrap();
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(short).await["errors"][0]["field"], "new_password");

    let changed = app
        .post("/api/v1/me/password")
        .bearer_auth(access)
        .send_json(&json!({ "current_password": PASSWORD, "new_password": "a-new-long-password" }))
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);

    let (status, _) = refresh(&app, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.login_response("ntu@example.org", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .login_response("ntu@example.org", "a-new-long-password")
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// Tries to sign in; returns the status and the Retry-After header.
async fn attempt(app: &TestApp, email: &str, password: &str) -> (StatusCode, Option<u64>) {
    attempt_at(app, &app.address, email, password).await
}

/// A sign-in at the instance listening on `address`.
async fn attempt_at(
    app: &TestApp,
    address: &str,
    email: &str,
    password: &str,
) -> (StatusCode, Option<u64>) {
    let response = app
        .client
        .post(format!("{address}/api/v1/auth/login"))
        .send_json(&serde_json::json!({ "email": email, "password": password }))
        .await
        .unwrap();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (response.status(), retry)
}

#[actix_web::test]
async fn five_failed_sign_ins_lock_the_account_for_a_while_and_are_audited() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        let (status, _) = attempt(&app, "police@example.org", "not-the-password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Locked: even the right password is refused until the lock ends.
    let (status, retry) = attempt(&app, "police@example.org", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let retry = retry.expect("Retry-After");
    assert!((800..=900).contains(&retry), "{retry}");
    let locks = app
        .count("SELECT count(*) FROM audit_events e JOIN users u ON u.id = e.entity_id WHERE u.email = 'police@example.org' AND e.action = 'lock'")
        .await;
    assert_eq!(locks, 1);
    // Other accounts are unaffected.
    let (status, _) = attempt(&app, "chair@example.org", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
}

#[actix_web::test]
async fn failures_spread_over_two_instances_lock_the_account_on_both() {
    let app = TestApp::spawn().await;
    let other = app.another_instance();
    let addresses = [app.address.clone(), other.address.clone()];
    for n in 0..5 {
        let at = &addresses[n % 2];
        let (status, _) = attempt_at(&app, at, "police@example.org", "not-the-password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "failure {n} at {at}");
    }
    for at in &addresses {
        let (status, retry) = attempt_at(&app, at, "police@example.org", PASSWORD).await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "five failures over two instances lock the account at {at}"
        );
        assert!(retry.is_some_and(|r| (800..=900).contains(&r)), "{retry:?}");
    }
    let locks = app
        .count("SELECT count(*) FROM audit_events e JOIN users u ON u.id = e.entity_id WHERE u.email = 'police@example.org' AND e.action = 'lock'")
        .await;
    assert_eq!(locks, 1, "one lock, audited once");
}

#[actix_web::test]
async fn failures_at_the_same_moment_on_two_instances_are_all_counted() {
    let app = TestApp::spawn().await;
    let other = app.another_instance();
    let addresses = [app.address.clone(), other.address.clone()];
    let tries = (0..4).map(|n| {
        attempt_at(
            &app,
            &addresses[n % 2],
            "ncc@example.org",
            "not-the-password",
        )
    });
    let statuses: Vec<_> = futures_util::future::join_all(tries).await;
    assert!(statuses.iter().all(|(s, _)| *s == StatusCode::UNAUTHORIZED));
    let (status, _) = attempt_at(&app, &addresses[1], "ncc@example.org", "still-not-it").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the fifth failure");
    let (status, _) = attempt_at(&app, &addresses[0], "ncc@example.org", PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "four concurrent failures and a fifth lock the account: none was lost"
    );
}

#[actix_web::test]
async fn an_unknown_email_locks_the_same_way_so_lockouts_reveal_no_accounts() {
    let app = TestApp::spawn().await;
    for email in ["police@example.org", "nobody@example.org"] {
        let mut statuses = Vec::new();
        for _ in 0..6 {
            statuses.push(attempt(&app, email, "not-the-password").await.0);
        }
        assert_eq!(statuses[..5], [StatusCode::UNAUTHORIZED; 5], "{email}");
        assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS, "{email}");
    }
}

#[actix_web::test]
async fn twenty_failures_from_one_address_lock_the_address() {
    let app = TestApp::spawn().await;
    for n in 0..20 {
        let (status, _) = attempt(&app, &format!("guess{n}@example.org"), "password-guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, retry) = attempt(&app, "chair@example.org", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry.is_some());
}
