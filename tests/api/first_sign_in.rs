//! A password an administrator chose must be changed by its holder before
//! the account can do anything else, through the API and in the pages.

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::helpers::{TestApp, problem};

const GIVEN: &str = "given-by-the-administrator";
const CHOSEN: &str = "chosen-by-the-member-herself";

/// An administrator makes a Nottinghamshire Police member with the password
/// `GIVEN`; answers the account.
async fn new_member(app: &TestApp, email: &str) -> Value {
    let admin = app.admin().await;
    let police = app.organisation_id(&admin, "Nottinghamshire Police").await;
    let mut response = app
        .post("/api/v1/users")
        .bearer_auth(&admin)
        .send_json(&json!({
            "email": email, "name": "Nia Newcomer", "role": "member",
            "organisation_id": police, "password": GIVEN,
        }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn status_of(app: &TestApp, token: &str, path: &str) -> StatusCode {
    app.get(path)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

#[actix_web::test]
async fn a_given_password_lets_its_holder_only_read_their_account_and_change_it() {
    let app = TestApp::spawn().await;
    let email = "nia.newcomer@example.org";
    let account = new_member(&app, email).await;
    assert_eq!(account["must_change_password"], true);

    let (status, tokens) = app.login_response(email, GIVEN).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tokens["must_change_password"], true);
    let token = tokens["access_token"].as_str().unwrap().to_owned();
    let me = app.read(&token, "/api/v1/me").await;
    assert_eq!(me["must_change_password"], true);

    let action = app.action(&app.admin().await, "A1.1").await;
    for path in [
        "/api/v1/actions".to_owned(),
        "/api/v1/me/portfolio".to_owned(),
        format!("/api/v1/actions/{}", action["id"].as_str().unwrap()),
    ] {
        let response = app.get(&path).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "GET {path}");
        let body = problem(response).await;
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("password must be changed first"),
            "{body}"
        );
    }
    let write = app
        .post(&format!(
            "/api/v1/actions/{}/updates",
            action["id"].as_str().unwrap()
        ))
        .bearer_auth(&token)
        .send_json(&json!({ "rag": "green", "progress": "On track" }))
        .await
        .unwrap();
    assert_eq!(write.status(), StatusCode::FORBIDDEN);
    problem(write).await;

    // Refreshing does not lift the restriction.
    let mut refreshed = app
        .post("/api/v1/auth/refresh")
        .send_json(&json!({ "refresh_token": tokens["refresh_token"] }))
        .await
        .unwrap();
    let refreshed: Value = refreshed.json().await.unwrap();
    assert_eq!(refreshed["must_change_password"], true);
    let again = refreshed["access_token"].as_str().unwrap();
    assert_eq!(
        status_of(&app, again, "/api/v1/actions").await,
        StatusCode::FORBIDDEN
    );

    let change = |current: &'static str, new: &'static str| {
        app.post("/api/v1/me/password")
            .bearer_auth(&token)
            .send_json(&json!({ "current_password": current, "new_password": new }))
    };
    let same = change(GIVEN, GIVEN).await.unwrap();
    assert_eq!(same.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(same).await["errors"][0]["field"], "new_password");
    assert_eq!(
        change(GIVEN, CHOSEN).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    // The old access token stays as restricted as it was until it expires.
    assert_eq!(
        status_of(&app, &token, "/api/v1/actions").await,
        StatusCode::FORBIDDEN
    );

    let (status, tokens) = app.login_response(email, CHOSEN).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tokens["must_change_password"], false);
    let token = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        status_of(&app, token, "/api/v1/actions").await,
        StatusCode::OK
    );
    assert_eq!(
        app.read(token, "/api/v1/me").await["must_change_password"],
        false
    );
    let (given, _) = app.login_response(email, GIVEN).await;
    assert_eq!(given, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_password_set_for_someone_else_must_be_changed_and_no_other_must() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    assert_eq!(
        app.count("SELECT count(*) FROM users WHERE must_change_password")
            .await,
        0,
        "the demo's accounts, the first one made at the command line, keep their password"
    );
    let users = app.read(&admin, "/api/v1/users?q=police@").await;
    let police = &users["items"][0];
    assert_eq!(police["must_change_password"], false);
    let path = format!("/api/v1/users/{}", police["id"].as_str().unwrap());
    let tag = app.etag(&admin, &path).await;
    let mut reset = app
        .send_json(
            "PATCH",
            &path,
            &admin,
            Some(&tag),
            &json!({ "password": GIVEN }),
        )
        .await;
    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(
        reset.json::<Value>().await.unwrap()["must_change_password"],
        true
    );
    let (_, tokens) = app.login_response("police@example.org", GIVEN).await;
    assert_eq!(tokens["must_change_password"], true);

    let me = app.read(&admin, "/api/v1/me").await;
    let own = format!("/api/v1/users/{}", me["id"].as_str().unwrap());
    let tag = app.etag(&admin, &own).await;
    let mut own_reset = app
        .send_json(
            "PATCH",
            &own,
            &admin,
            Some(&tag),
            &json!({ "password": CHOSEN }),
        )
        .await;
    assert_eq!(own_reset.status(), StatusCode::OK);
    assert_eq!(
        own_reset.json::<Value>().await.unwrap()["must_change_password"],
        false,
        "an administrator's own password is their choice"
    );
    let (_, tokens) = app.login_response("admin@example.org", CHOSEN).await;
    assert_eq!(tokens["must_change_password"], false);
}

#[actix_web::test]
async fn every_page_sends_a_member_with_a_given_password_to_change_it() {
    let app = TestApp::spawn().await;
    let email = "nia.pages@example.org";
    new_member(&app, email).await;
    let mut browser = Browser::new(&app);
    let signed_in = browser.sign_in_with(email, GIVEN, "/plan").await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(signed_in.location.as_deref(), Some("/account/password"));
    for path in ["/", "/plan", "/pledges", "/dashboard"] {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(
            page.location.as_deref(),
            Some("/account/password"),
            "{path}"
        );
    }
    let form = browser.get("/account/password").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.has("Choose a new password: the one you were given was for your first sign-in only")
    );
    assert!(!form.has("govuk-back-link"), "no way round it");
    let changed = browser
        .post(
            "/account/password",
            &[
                ("csrf_token", &form.csrf()),
                ("current_password", GIVEN),
                ("new_password", CHOSEN),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert_eq!(changed.location.as_deref(), Some("/sign-in?done=password"));
    let again = browser.sign_in_with(email, CHOSEN, "/plan").await;
    assert_eq!(again.location.as_deref(), Some("/plan"));
    assert_eq!(browser.get("/plan").await.status, StatusCode::OK);
    let form = browser.get("/account/password").await;
    assert!(!form.has("was for your first sign-in only"));
}
