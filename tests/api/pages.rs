//! The web pages, driven as a browser drives them: cookies, the form
//! token, redirects. The rules behind the forms are the API's (the same
//! service operations), so these tests check what the pages add: sessions,
//! forms kept on refusal, conflicts, and the pages' own protections.

use awc::http::StatusCode;
use serde_json::Value;

use crate::browser::Browser;
use crate::helpers::{PASSWORD, TestApp};

const POLICE: &str = "police@example.org";

/// An action the police lead, given a milestone still open, and one they
/// neither lead nor support.
async fn actions(app: &TestApp) -> (Value, Value) {
    let token = app.token(POLICE).await;
    let portfolio = app.read(&token, "/api/v1/me/portfolio").await;
    let police = portfolio["organisation"]["id"].clone();
    let led = portfolio["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["lead_organisation"]["id"] == police)
        .expect("an action the police lead")
        .clone();
    let id = led["id"].as_str().unwrap();
    let created = app
        .send_json(
            "POST",
            &format!("/api/v1/actions/{id}/milestones"),
            &token,
            None,
            &serde_json::json!({ "title": "Brief the new custody sergeants", "due_date": "2027-06-30" }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let own = app
        .read(&token, &format!("/api/v1/actions/{id}?include=milestones"))
        .await;
    let all = app
        .read(&token, "/api/v1/actions?limit=500&include=milestones")
        .await;
    let other = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["lead_organisation"]["id"] != police
                && !a["supporting_organisations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| o["id"] == police)
        })
        .expect("an action the police have no part in")
        .clone();
    (own, other)
}

fn path(action: &Value) -> String {
    format!("/actions/{}", action["id"].as_str().unwrap())
}

async fn updates(app: &TestApp) -> i64 {
    app.count("SELECT count(*) FROM progress_updates").await
}

#[actix_web::test]
async fn signing_in_and_out() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new(&app);

    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location.as_deref(), Some("/sign-in"));

    let refused = browser.sign_in_with(POLICE, "not-the-password", "/").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("Enter a correct email address and password"));
    assert!(
        refused.has(&format!("value=\"{POLICE}\"")),
        "the email is kept"
    );
    assert!(
        !refused.has("not-the-password"),
        "a password is never sent back"
    );
    assert!(!browser.has_session());

    browser.sign_in(POLICE).await;
    let cookie = app.rows("SELECT count(*) AS n FROM browser_sessions").await;
    assert_eq!(cookie[0]["n"], 1, "the session is stored");
    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.has("Nottinghamshire Police"));
    assert!(home.has("Actions you lead"));

    let token = home.csrf();
    let out = browser.post("/sign-out", &[("csrf_token", &token)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(!browser.has_session());
    assert_eq!(app.count("SELECT count(*) FROM browser_sessions").await, 0);
    let again = browser.get("/").await;
    assert_eq!(again.location.as_deref(), Some("/sign-in"));
    let signed_out = browser.get("/sign-in?done=signed-out").await;
    assert!(signed_out.has("You have signed out"));
}

#[actix_web::test]
async fn the_session_cookie_and_the_pages_are_locked_down() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new(&app);
    let form = browser.get("/sign-in").await;
    let token = form.csrf();
    let answer = browser
        .post(
            "/sign-in",
            &[
                ("email", POLICE),
                ("password", PASSWORD),
                ("next", "/"),
                ("csrf_token", &token),
            ],
        )
        .await;
    let session = answer
        .headers
        .get_all("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("dpt_session="))
        .expect("a session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    let secret = session
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("dpt_session=");
    let stored = app
        .rows("SELECT encode(token_hash, 'hex') AS h FROM browser_sessions")
        .await;
    assert_ne!(
        stored[0]["h"], secret,
        "only a digest of the secret is stored"
    );

    let home = browser.get("/").await;
    let csp = home
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"));
    assert!(!home.has("<script>"), "no inline script");
    assert!(!home.has("style="), "no inline style");
    assert_eq!(home.headers.get("cache-control").unwrap(), "no-store");

    let asset = browser
        .get(&asset_path(&home.body, "govuk-frontend.min.css"))
        .await;
    assert_eq!(asset.status, StatusCode::OK);
    assert!(
        asset
            .headers
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(
        !asset.body.contains("@font-face"),
        "no font is shipped or asked for"
    );
}

fn asset_path(body: &str, file: &str) -> String {
    let end = body.find(file).expect("the page links the asset") + file.len();
    let start = body[..end].rfind("\"").unwrap() + 1;
    body[start..end].to_owned()
}

#[actix_web::test]
async fn a_member_posts_a_rated_update_and_sees_it() {
    let app = TestApp::spawn().await;
    let (own, _) = actions(&app).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(POLICE).await;
    let page = browser.get(&path(&own)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("Report progress"));
    let update = format!("{}/update", path(&own));
    let version = page.form_input(&update, "version").unwrap();
    let answer = browser
        .post(
            &format!("{}/update", path(&own)),
            &[
                ("csrf_token", &page.csrf()),
                ("version", &version),
                ("rag", "amber"),
                ("commentary", "Training delayed by staff shortages."),
                ("progress", "Two of four sessions delivered."),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let after = browser.get(answer.location.as_deref().unwrap()).await;
    assert!(after.has("Your update has been saved"));
    assert!(after.has("Training delayed by staff shortages."));

    let token = app.token(POLICE).await;
    let stored = app.read(&token, &format!("/api/v1{}", path(&own))).await;
    assert_eq!(stored["rag"], "amber");
}

#[actix_web::test]
async fn a_red_update_without_commentary_comes_back_with_the_error_and_the_text() {
    let app = TestApp::spawn().await;
    let (own, _) = actions(&app).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(POLICE).await;
    let page = browser.get(&path(&own)).await;
    let before = updates(&app).await;
    let answer = browser
        .post(
            &format!("{}/update", path(&own)),
            &[
                ("csrf_token", &page.csrf()),
                (
                    "version",
                    &page
                        .form_input(&format!("{}/update", path(&own)), "version")
                        .unwrap(),
                ),
                ("rag", "red"),
                ("progress", "What we typed & kept <here>"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.has("There is a problem"));
    assert!(answer.has("A red rating needs a commentary"));
    assert!(answer.has("href=\"#commentary\""));
    assert!(answer.has("What we typed &amp; kept &lt;here&gt;"));
    assert!(answer.has("value=\"red\" aria-describedby=\"rag-red-hint\" checked"));
    assert_eq!(updates(&app).await, before);

    let unrated = browser
        .post(
            &format!("{}/update", path(&own)),
            &[
                ("csrf_token", &page.csrf()),
                ("commentary", "No rating chosen"),
            ],
        )
        .await;
    assert_eq!(unrated.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unrated.has("Select a rating"));
    assert!(unrated.has("No rating chosen"));
    assert_eq!(updates(&app).await, before);
}

#[actix_web::test]
async fn forms_without_the_token_or_from_elsewhere_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (own, _) = actions(&app).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(POLICE).await;
    let page = browser.get(&path(&own)).await;
    let target = format!("{}/note", path(&own));
    let before = updates(&app).await;

    let missing = browser.post(&target, &[("text", "no token")]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.has("You cannot do that"));
    let wrong = browser
        .post(
            &target,
            &[("text", "wrong token"), ("csrf_token", "not-the-token")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let token = page.csrf();
    let elsewhere = browser
        .post_from(
            &target,
            &[("text", "from another site"), ("csrf_token", &token)],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    let no_origin = browser
        .post_from(
            &target,
            &[("text", "no origin"), ("csrf_token", &token)],
            None,
        )
        .await;
    assert_eq!(no_origin.status, StatusCode::FORBIDDEN);
    assert_eq!(updates(&app).await, before);

    // Another session's token is not this session's.
    let mut other = Browser::new(&app);
    other.sign_in(POLICE).await;
    let theirs = other.get("/").await.csrf();
    let crossed = browser
        .post(&target, &[("text", "crossed"), ("csrf_token", &theirs)])
        .await;
    assert_eq!(crossed.status, StatusCode::FORBIDDEN);
    assert_eq!(updates(&app).await, before);

    let sign_in = browser
        .post(
            "/sign-in",
            &[
                ("email", POLICE),
                ("password", PASSWORD),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(sign_in.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn another_organisations_action_offers_no_forms_and_refuses_forged_ones() {
    let app = TestApp::spawn().await;
    let (_, other) = actions(&app).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(POLICE).await;
    let page = browser.get(&path(&other)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has(other["title"].as_str().unwrap()));
    for form in [
        "Report progress",
        "Add a note",
        "Add a milestone",
        "/move\"",
    ] {
        assert!(
            !page.has(form),
            "no {form} on another organisation's action"
        );
    }
    let token = page.csrf();
    let before = updates(&app).await;
    for (suffix, fields) in [
        ("update", vec![("rag", "green"), ("commentary", "forged")]),
        ("note", vec![("text", "forged")]),
    ] {
        let mut fields = fields;
        fields.push(("csrf_token", &token));
        let answer = browser
            .post(&format!("{}/{suffix}", path(&other)), &fields)
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{suffix}");
        assert!(answer.has("You cannot do that"));
    }
    assert_eq!(updates(&app).await, before);

    let milestone = other["milestones"][0]["id"].as_str().unwrap();
    let moved = browser
        .post(
            &format!("/milestones/{milestone}/move"),
            &[
                ("csrf_token", &token),
                ("version", "1"),
                ("due_date-day", "1"),
                ("due_date-month", "1"),
                ("due_date-year", "2030"),
                ("reason", "forged"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT count(*) FROM milestone_reschedules WHERE reason = 'forged'")
            .await,
        0
    );
}

#[actix_web::test]
async fn a_stale_form_shows_what_changed_and_keeps_the_text() {
    let app = TestApp::spawn().await;
    let (own, _) = actions(&app).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(POLICE).await;
    let page = browser.get(&path(&own)).await;
    let update = format!("{}/update", path(&own));

    // Someone else reports while this page is open.
    let token = app.token(POLICE).await;
    let meanwhile = app
        .send_json(
            "POST",
            &format!("/api/v1{}/updates", path(&own)),
            &token,
            None,
            &serde_json::json!({ "rag": "green", "progress": "Posted meanwhile elsewhere." }),
        )
        .await;
    assert_eq!(meanwhile.status(), StatusCode::CREATED);
    let before = updates(&app).await;

    let answer = browser
        .post(
            &format!("{}/update", path(&own)),
            &[
                ("csrf_token", &page.csrf()),
                ("version", &page.form_input(&update, "version").unwrap()),
                ("seen", &page.form_input(&update, "seen").unwrap()),
                ("rag", "amber"),
                ("commentary", "My own words, not lost."),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(answer.has("Someone else reported on this action while you were writing"));
    assert!(answer.has("Posted meanwhile elsewhere."));
    assert!(answer.has("My own words, not lost."));
    assert_eq!(updates(&app).await, before);

    // The form now names the current version: sending it again works.
    let again = browser
        .post(
            &format!("{}/update", path(&own)),
            &[
                ("csrf_token", &answer.csrf()),
                ("version", &answer.form_input(&update, "version").unwrap()),
                ("rag", "amber"),
                ("commentary", "My own words, not lost."),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(updates(&app).await, before + 1);
}

#[actix_web::test]
async fn moving_a_milestone_needs_a_reason_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let (own, _) = actions(&app).await;
    let milestone = own["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["completed_on"].is_null())
        .unwrap();
    let id = milestone["id"].as_str().unwrap();
    let mut browser = Browser::new(&app);
    browser.sign_in(POLICE).await;
    let form = browser.get(&format!("/milestones/{id}/move")).await;
    assert_eq!(form.status, StatusCode::OK);
    let fields = |reason: &'static str, token: String, version: String| {
        vec![
            ("csrf_token".to_owned(), token),
            ("version".to_owned(), version),
            ("due_date-day".to_owned(), "30".to_owned()),
            ("due_date-month".to_owned(), "6".to_owned()),
            ("due_date-year".to_owned(), "2031".to_owned()),
            ("reason".to_owned(), reason.to_owned()),
        ]
    };
    let send = |f: &Vec<(String, String)>| {
        f.iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    };
    let no_reason = send(&fields("", form.csrf(), form.input("version").unwrap()));
    let borrowed: Vec<(&str, &str)> = no_reason
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = browser
        .post(&format!("/milestones/{id}/move"), &borrowed)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("Moving a milestone&#39;s due date needs a reason")
            || refused.has("Moving a milestone's due date needs a reason")
    );
    assert!(refused.has("href=\"#reason\""));
    assert_eq!(refused.input("due_date-year").as_deref(), Some("2031"));

    let with_reason = send(&fields(
        "Awaiting national guidance.",
        form.csrf(),
        form.input("version").unwrap(),
    ));
    let borrowed: Vec<(&str, &str)> = with_reason
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let moved = browser
        .post(&format!("/milestones/{id}/move"), &borrowed)
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let token = app.token(POLICE).await;
    let stored = app.read(&token, &format!("/api/v1/milestones/{id}")).await;
    assert_eq!(stored["due_date"], "2031-06-30");
    assert_eq!(
        stored["reschedules"].as_array().unwrap().last().unwrap()["reason"],
        "Awaiting national guidance."
    );

    let bad_date = browser
        .post(
            &format!("/milestones/{id}/move"),
            &[
                ("csrf_token", &form.csrf()),
                ("version", &stored["version"].to_string()),
                ("due_date-day", "31"),
                ("due_date-month", "2"),
                ("due_date-year", "2031"),
                ("reason", "kept"),
            ],
        )
        .await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_date.has("The new due date must be a real date"));
    assert!(bad_date.has(">kept</textarea>"));
}

#[actix_web::test]
async fn a_member_writes_and_revises_a_pledge() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new(&app);
    browser.sign_in(POLICE).await;
    let list = browser.get("/pledges").await;
    assert_eq!(list.status, StatusCode::OK);
    let start = list.body.find("href=\"/pledges/").unwrap() + "href=\"".len();
    let link = &list.body[start..start + list.body[start..].find('"').unwrap()];
    let form = browser.get(link).await;
    assert_eq!(form.status, StatusCode::OK);
    let mut fields = vec![
        ("csrf_token", form.csrf()),
        ("text", "We will train every custody officer.".to_owned()),
        ("rag", "green".to_owned()),
    ];
    if let Some(version) = form.input("version").filter(|v| !v.is_empty()) {
        fields.push(("version", version));
    }
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = browser.post(link, &borrowed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = browser.get("/pledges?done=pledge").await;
    assert!(after.has("Your pledge has been saved"));
    assert!(after.has("We will train every custody officer."));

    let blank = browser
        .post(
            link,
            &[
                ("csrf_token", &form.csrf()),
                ("text", "  "),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.has("govuk-error-summary"));
}

#[actix_web::test]
async fn sessions_end_when_the_account_changes_on_every_device() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut laptop = Browser::new(&app);
    let mut phone = Browser::new(&app);
    laptop.sign_in(POLICE).await;
    phone.sign_in(POLICE).await;
    let token = app.token(POLICE).await;
    let me = app.read(&token, "/api/v1/me").await;
    let id = me["id"].as_str().unwrap();
    let tag = app.etag(&admin, &format!("/api/v1/users/{id}")).await;
    let changed = app
        .send_json(
            "PATCH",
            &format!("/api/v1/users/{id}"),
            &admin,
            Some(&tag),
            &serde_json::json!({ "role": "viewer", "organisation_id": null }),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    for browser in [&mut laptop, &mut phone] {
        let page = browser.get("/").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(page.location.as_deref(), Some("/sign-in"));
    }
}

#[actix_web::test]
async fn changing_the_password_signs_out_and_the_new_one_signs_in() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new(&app);
    browser.sign_in(POLICE).await;
    let form = browser.get("/account/password").await;
    let wrong = browser
        .post(
            "/account/password",
            &[
                ("csrf_token", &form.csrf()),
                ("current_password", "wrong"),
                ("new_password", "a-longer-and-newer-passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.has("Current_password") || wrong.has("Is incorrect"));
    let changed = browser
        .post(
            "/account/password",
            &[
                ("csrf_token", &form.csrf()),
                ("current_password", PASSWORD),
                ("new_password", "a-longer-and-newer-passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.get("/").await.status, StatusCode::SEE_OTHER);
    let again = browser
        .sign_in_with(POLICE, "a-longer-and-newer-passphrase", "/")
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn an_ended_session_returns_to_the_page_after_sign_in() {
    let app = TestApp::spawn().await;
    let (own, _) = actions(&app).await;
    let mut browser = Browser::new(&app);
    let page = browser.get(&path(&own)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let location = page.location.unwrap();
    assert!(
        location.starts_with("/sign-in?next=%2Factions%2F"),
        "{location}"
    );
    let form = browser.get(&location).await;
    assert_eq!(form.input("next").as_deref(), Some(path(&own).as_str()));
    let answer = browser.sign_in_with(POLICE, PASSWORD, &path(&own)).await;
    assert_eq!(answer.location.as_deref(), Some(path(&own).as_str()));

    let elsewhere = browser
        .sign_in_with(POLICE, PASSWORD, "//evil.example/")
        .await;
    assert_eq!(elsewhere.location.as_deref(), Some("/"));
}

#[actix_web::test]
async fn missing_pages_and_refusals_are_pages_in_the_same_design() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new(&app);
    browser.sign_in(POLICE).await;
    let missing = browser.get("/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.has("Page not found"));
    assert!(missing.has("govuk-template"));
    let action = browser
        .get("/actions/00000000-0000-0000-0000-000000000000")
        .await;
    assert_eq!(action.status, StatusCode::NOT_FOUND);
    assert!(action.has("govuk-template"));

    // The API's answers stay problem documents.
    let api = browser.get("/api/v1/nothing").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(
        api.headers.get("content-type").unwrap(),
        "application/problem+json"
    );
}

#[actix_web::test]
async fn a_breakdown_that_does_not_add_up_is_refused_unless_it_is_deliberate() {
    let app = TestApp::spawn().await;
    let token = app.token("districts@example.org").await;
    let portfolio = app.read(&token, "/api/v1/me/portfolio").await;
    let indicator = portfolio["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| !i["breakdown_categories"].as_array().unwrap().is_empty())
        .expect("an indicator broken down by district")
        .clone();
    let target = format!("/indicators/{}", indicator["id"].as_str().unwrap());
    let mut browser = Browser::new(&app);
    browser.sign_in("districts@example.org").await;
    let page = browser.get(&target).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("Record a value"));
    let before = app.count("SELECT count(*) FROM indicator_values").await;
    let token = page.csrf();
    let mut fields = vec![
        ("csrf_token", token.as_str()),
        ("as_of-day", "30"),
        ("as_of-month", "9"),
        ("as_of-year", "2026"),
        ("value", "50"),
        ("part-0", "7"),
        ("part-1", "5"),
        ("note", "Two districts have not sent returns."),
    ];
    let refused = browser.post(&target, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("The parts add up to 12, not the total 50"));
    assert_eq!(refused.input("part-1").as_deref(), Some("5"));
    assert!(refused.has("Two districts have not sent returns."));
    assert_eq!(
        app.count("SELECT count(*) FROM indicator_values").await,
        before
    );

    fields.push(("deliberate", "yes"));
    let recorded = browser.post(&target, &fields).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    assert_eq!(
        app.count("SELECT count(*) FROM indicator_values").await,
        before + 1
    );
    let after = browser.get(recorded.location.as_deref().unwrap()).await;
    assert!(after.has("The value has been recorded"));
    assert!(after.has("Parts do not add up"));

    // The police record no such indicator: no form, and a forged one is refused.
    let mut police = Browser::new(&app);
    police.sign_in(POLICE).await;
    let theirs = police.get(&target).await;
    assert!(!theirs.has("Record a value"));
    let forged = police
        .post(
            &target,
            &[
                ("csrf_token", &theirs.csrf()),
                ("as_of-day", "30"),
                ("as_of-month", "9"),
                ("as_of-year", "2026"),
                ("value", "1"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT count(*) FROM indicator_values").await,
        before + 1
    );
}

#[actix_web::test]
async fn the_plan_is_browsed_by_ambition_and_searched_by_text() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new(&app);
    browser.sign_in(POLICE).await;
    let plan = browser.get("/plan").await;
    assert_eq!(plan.status, StatusCode::OK);
    assert!(plan.has("Ambition 1:"));
    let all = plan.body.matches("href=\"/actions/").count();
    assert!(all >= 25, "every action is listed under its ambitions");
    let found = browser.get("/plan?q=criminalisation").await;
    assert!(found.has("1 action matches"));
    assert!(found.has("Reduce criminalisation of looked after children"));
    assert!(found.body.matches("href=\"/actions/").count() < all);
}

#[actix_web::test]
async fn an_idle_or_old_session_ends_and_a_deactivated_account_is_signed_out() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new(&app);
    browser.sign_in(POLICE).await;
    assert_eq!(browser.get("/").await.status, StatusCode::OK);
    // Thirty-one minutes without a request: the default idle timeout is 30.
    app.execute("UPDATE browser_sessions SET last_seen_at = now() - interval '31 minutes'")
        .await;
    assert_eq!(browser.get("/").await.location.as_deref(), Some("/sign-in"));

    browser.sign_in(POLICE).await;
    // In use all along, but signed in thirteen hours ago: the lifetime is 12.
    app.execute(
        "UPDATE browser_sessions SET created_at = now() - interval '13 hours', \
         expires_at = now() - interval '1 hour'",
    )
    .await;
    assert_eq!(browser.get("/").await.location.as_deref(), Some("/sign-in"));

    browser.sign_in(POLICE).await;
    let admin = app.admin().await;
    let token = app.token(POLICE).await;
    let id = app.read(&token, "/api/v1/me").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tag = app.etag(&admin, &format!("/api/v1/users/{id}")).await;
    let deactivated = app
        .send_json(
            "PATCH",
            &format!("/api/v1/users/{id}"),
            &admin,
            Some(&tag),
            &serde_json::json!({ "active": false }),
        )
        .await;
    assert_eq!(deactivated.status(), StatusCode::OK);
    assert_eq!(browser.get("/").await.location.as_deref(), Some("/sign-in"));
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM browser_sessions WHERE user_id = '{id}'"
        ))
        .await,
        0
    );
    let refused = browser.sign_in_with(POLICE, PASSWORD, "/").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_web::test]
async fn a_pledge_revised_meanwhile_comes_back_with_the_text_and_the_new_version() {
    let app = TestApp::spawn().await;
    let token = app.token(POLICE).await;
    let portfolio = app.read(&token, "/api/v1/me/portfolio").await;
    let pledge = &portfolio["pledges"][0];
    let org = pledge["organisation"]["id"].as_str().unwrap().to_owned();
    let commitment = pledge["commitment"]["id"].as_str().unwrap().to_owned();
    let mut browser = Browser::new(&app);
    browser.sign_in(POLICE).await;
    let link = format!("/pledges/{commitment}");
    let form = browser.get(&link).await;
    let version = form.input("version").unwrap();

    let api = format!("/api/v1/pledges/{org}/{commitment}");
    let tag = app.etag(&token, &api).await;
    let meanwhile = app
        .send_json(
            "PUT",
            &api,
            &token,
            Some(&tag),
            &serde_json::json!({ "text": "Revised meanwhile by a colleague.", "rag": "amber" }),
        )
        .await;
    assert_eq!(meanwhile.status(), StatusCode::OK);

    let fields = |version: String| {
        vec![
            ("csrf_token", form.csrf()),
            ("version", version),
            ("text", "My own pledge, not lost.".to_owned()),
            ("rag", "green".to_owned()),
        ]
    };
    let sent = fields(version);
    let borrowed: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let stale = browser.post(&link, &borrowed).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.has("Someone else changed this pledge while you were writing"));
    assert!(stale.has("My own pledge, not lost."));
    assert!(stale.has("Revised meanwhile by a colleague."));
    let stored = app.read(&token, &api).await;
    assert_eq!(stored["text"], "Revised meanwhile by a colleague.");

    let again = fields(stale.input("version").unwrap());
    let borrowed: Vec<(&str, &str)> = again.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = browser.post(&link, &borrowed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        app.read(&token, &api).await["text"],
        "My own pledge, not lost."
    );
}
