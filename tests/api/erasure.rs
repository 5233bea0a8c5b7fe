//! Erasing a user's personal data (UK GDPR, right to erasure): afterwards
//! their name and email are nowhere, not in any response, report, export,
//! audit event or row, while what they wrote stays under a pseudonym.

use awc::http::StatusCode;
use delivery_tracker::db::backup;
use diesel::QueryableByName;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::helpers::{TestApp, problem};

/// In both of the member's names and in their email, so one search finds
/// any of them.
const MARK: &str = "eraseme";
const EMAIL: &str = "erin.eraseme@example.org";
const FIRST_NAME: &str = "Erin Eraseme";
const SECOND_NAME: &str = "Erin Q. Eraseme";
const GIVEN: &str = "given-by-the-administrator";
const CHOSEN: &str = "chosen-by-erin-herself";
const PSEUDONYM: &str = "Former member, Nottinghamshire Police";

/// The body of a GET, as text, expecting 200.
async fn text(app: &TestApp, token: &str, path: &str) -> String {
    let mut response = app.get(path).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    let body = response.body().limit(16 << 20).await.unwrap();
    String::from_utf8(body.to_vec()).unwrap()
}

/// Every page of a list that pages by `next_cursor`, as text.
async fn every_page(app: &TestApp, token: &str, path: &str, cursor: &str) -> String {
    let mut all = String::new();
    let mut next: Option<String> = None;
    loop {
        let page_path = match &next {
            Some(at) => format!("{path}&{cursor}={at}"),
            None => path.to_owned(),
        };
        let page: Value = serde_json::from_str(&text(app, token, &page_path).await).unwrap();
        all.push_str(&page.to_string());
        let more = page.get("more").is_none_or(|m| m.as_bool() == Some(true));
        match page["next_cursor"].as_str() {
            Some(at) if more && Some(at) != next.as_deref() => next = Some(at.to_owned()),
            _ => return all,
        }
    }
}

/// Everything the service answers about the plan, its people and its
/// history, to the administrator, the chair and a member: reports in every
/// format and for both audiences, now and for `period`, the exports, the
/// audit trail and the change feed, and some pages.
async fn everything_readable(app: &TestApp, strategy: &str, action: &str, period: &str) -> String {
    let admin = app.admin().await;
    let chair = app.token("chair@example.org").await;
    let member = app.token("ntu@example.org").await;
    let mut all = String::new();
    let mut paths = vec![
        "/api/v1/users?limit=500".to_owned(),
        "/api/v1/actions?include=latest_update,milestones&limit=500".to_owned(),
        format!("/api/v1/actions/{action}?include=latest_update,milestones"),
        format!("/api/v1/actions/{action}/updates?limit=500"),
        format!("/api/v1/actions/{action}/milestones"),
        "/api/v1/pledges?limit=500".to_owned(),
        format!("/api/v1/strategies/{strategy}/periods"),
        format!("/api/v1/strategies/{strategy}/dashboard"),
        format!("/api/v1/strategies/{strategy}/dashboard?period_id={period}"),
        format!("/api/v1/strategies/{strategy}/trend"),
        format!("/api/v1/strategies/{strategy}/actions/export"),
        format!("/api/v1/strategies/{strategy}/indicators"),
        "/api/v1/tokens".to_owned(),
    ];
    for format in ["json", "csv", "md", "html"] {
        for audience in ["board", "young_people"] {
            for moment in [String::new(), format!("&period_id={period}")] {
                paths.push(format!(
                    "/api/v1/strategies/{strategy}/report?format={format}&audience={audience}{moment}"
                ));
            }
        }
    }
    let indicators: Value = serde_json::from_str(
        &text(
            app,
            &admin,
            &format!("/api/v1/strategies/{strategy}/indicators"),
        )
        .await,
    )
    .unwrap();
    for indicator in indicators["items"].as_array().unwrap() {
        let id = indicator["id"].as_str().unwrap();
        paths.push(format!("/api/v1/indicators/{id}/values?limit=500"));
    }
    for path in &paths {
        all.push_str(&text(app, &admin, path).await);
    }
    all.push_str(
        &text(
            app,
            &chair,
            &format!("/api/v1/strategies/{strategy}/dashboard"),
        )
        .await,
    );
    all.push_str(&text(app, &member, "/api/v1/me/portfolio").await);
    all.push_str(&every_page(app, &admin, "/api/v1/audit?limit=500", "cursor").await);
    all.push_str(&every_page(app, &chair, "/api/v1/changes?limit=500", "since").await);
    let mut browser = Browser::new(app);
    browser.sign_in("chair@example.org").await;
    for page in [
        format!("/actions/{action}"),
        format!("/strategies/{strategy}/dashboard"),
        format!("/strategies/{strategy}/trend"),
        "/plan".to_owned(),
    ] {
        let answer = browser.get(&page).await;
        assert_eq!(answer.status, StatusCode::OK, "{page}");
        all.push_str(&answer.body);
    }
    all
}

#[derive(QueryableByName)]
struct Table {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// The tables with a row that mentions `text` anywhere (any column, any
/// case, inside JSON too).
async fn tables_mentioning(app: &TestApp, text: &str) -> Vec<String> {
    let mut conn = app.pool_connection().await;
    let tables: Vec<Table> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let mut found = Vec::new();
    for Table { name } in tables {
        let n = app
            .count(&format!(
                "SELECT count(*) FROM \"{name}\" t WHERE t::text ILIKE '%{text}%'"
            ))
            .await;
        if n > 0 {
            found.push(name);
        }
    }
    found
}

/// A rated update and a note on `action` as the holder of `token`.
async fn report_on(app: &TestApp, token: &str, action: &str) {
    for body in [
        json!({ "rag": "amber", "commentary": "The protocol review slipped a month." }),
        json!({ "progress": "Met the custody sergeants." }),
    ] {
        let response = app
            .post(&format!("/api/v1/actions/{action}/updates"))
            .bearer_auth(token)
            .send_json(&body)
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
}

/// The member Erin: made by the administrator, renamed once, her own
/// password chosen, then at work: updates, a milestone, an indicator
/// value, a browser session. Answers her id and her access token.
async fn erin_at_work(app: &TestApp, action: &str) -> (String, String) {
    let admin = app.admin().await;
    let police = app.organisation_id(&admin, "Nottinghamshire Police").await;
    let mut created = app
        .post("/api/v1/users")
        .bearer_auth(&admin)
        .send_json(&json!({
            "email": EMAIL, "name": FIRST_NAME, "role": "member",
            "organisation_id": police, "password": GIVEN,
        }))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/users/{id}");
    let tag = app.etag(&admin, &path).await;
    let renamed = app
        .send_json(
            "PATCH",
            &path,
            &admin,
            Some(&tag),
            &json!({ "name": SECOND_NAME }),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let (_, first) = app.login_response(EMAIL, GIVEN).await;
    let changed = app
        .post("/api/v1/me/password")
        .bearer_auth(first["access_token"].as_str().unwrap())
        .send_json(&json!({ "current_password": GIVEN, "new_password": CHOSEN }))
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    let (_, tokens) = app.login_response(EMAIL, CHOSEN).await;
    let token = tokens["access_token"].as_str().unwrap().to_owned();

    report_on(app, &token, action).await;
    let milestones = app
        .read(&token, &format!("/api/v1/actions/{action}/milestones"))
        .await;
    let milestone = format!(
        "/api/v1/milestones/{}",
        milestones[0]["id"].as_str().unwrap()
    );
    let tag = app.etag(&token, &milestone).await;
    let moved = app
        .send_json(
            "PATCH",
            &milestone,
            &token,
            Some(&tag),
            &json!({ "due_date": "2030-03-31", "due_date_reason": "Waiting for the new protocol." }),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let strategy = app.demo_strategy(&token).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let indicators = app
        .read(&token, &format!("/api/v1/strategies/{strategy}/indicators"))
        .await;
    let owned = indicators["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["owner"]["id"] == police.as_str())
        .expect("the police own an indicator");
    let recorded = app
        .post(&format!(
            "/api/v1/indicators/{}/values",
            owned["id"].as_str().unwrap()
        ))
        .bearer_auth(&token)
        .send_json(&json!({ "as_of": "2025-06-30", "value": 2 }))
        .await
        .unwrap();
    assert_eq!(recorded.status(), StatusCode::CREATED);
    (id, token)
}

#[actix_web::test]
async fn an_erased_member_is_nowhere_but_their_updates_stay_under_a_pseudonym() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let chair = app.token("chair@example.org").await;
    let strategy = app.demo_strategy(&admin).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let action = app.action(&admin, "A1.1").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let today = chrono::Utc::now().date_naive();
    let mut period = app
        .post(&format!("/api/v1/strategies/{strategy}/periods"))
        .bearer_auth(&chair)
        .send_json(&json!({
            "name": "Current quarter",
            "starts_on": today - chrono::Duration::days(30),
            "ends_on": today + chrono::Duration::days(30),
        }))
        .await
        .unwrap();
    assert_eq!(period.status(), StatusCode::CREATED);
    let period = period.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let (erin, _) = erin_at_work(&app, &action).await;
    let (_, erin_tokens) = app.login_response(EMAIL, CHOSEN).await;
    let mut erin_browser = Browser::new(&app);
    assert_eq!(
        erin_browser.sign_in_with(EMAIL, CHOSEN, "/").await.status,
        StatusCode::SEE_OTHER
    );
    let closed = app
        .post(&format!("/api/v1/periods/{period}/close"))
        .bearer_auth(&chair)
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), StatusCode::OK);

    // Where she was before: so the searches below can find her.
    let readable = everything_readable(&app, &strategy, &action, &period).await;
    assert!(readable.to_lowercase().contains(MARK));
    let tables = tables_mentioning(&app, MARK).await;
    for table in ["users", "audit_events", "period_action_snapshots"] {
        assert!(tables.contains(&table.to_owned()), "{table} in {tables:?}");
    }

    // Only an administrator, and never on their own account.
    let user = format!("/api/v1/users/{erin}");
    let account = app.read(&admin, &user).await;
    assert_eq!(account["allowed_actions"], json!(["update", "erase"]));
    assert!(account["erased_at"].is_null());
    let tag = app.etag(&admin, &user).await;
    let erase = format!("{user}/erase");
    let events = app.count("SELECT count(*) FROM audit_events").await;
    for caller in [
        "chair@example.org",
        "police@example.org",
        "viewer@example.org",
    ] {
        let token = app.token(caller).await;
        let refused = app
            .post(&erase)
            .bearer_auth(&token)
            .insert_header(("If-Match", tag.as_str()))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{caller}");
        problem(refused).await;
    }
    assert_eq!(app.read(&admin, &user).await["name"], SECOND_NAME);
    assert_eq!(app.count("SELECT count(*) FROM audit_events").await, events);
    let me = app.read(&admin, "/api/v1/me").await;
    assert_eq!(me["allowed_actions"], json!(["update"]));
    let own = format!("/api/v1/users/{}/erase", me["id"].as_str().unwrap());
    let own_tag = app
        .etag(
            &admin,
            &format!("/api/v1/users/{}", me["id"].as_str().unwrap()),
        )
        .await;
    let refused = app
        .post(&own)
        .bearer_auth(&admin)
        .insert_header(("If-Match", own_tag))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let unconditional = app.post(&erase).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(unconditional.status(), StatusCode::PRECONDITION_REQUIRED);

    let mut erased = app
        .post(&erase)
        .bearer_auth(&admin)
        .insert_header(("If-Match", tag.as_str()))
        .send()
        .await
        .unwrap();
    assert_eq!(erased.status(), StatusCode::OK);
    let erased: Value = erased.json().await.unwrap();
    assert_eq!(erased["name"], PSEUDONYM);
    let placeholder = erased["email"].as_str().unwrap();
    assert!(placeholder.starts_with("erased-") && placeholder.ends_with("@invalid"));
    assert_eq!(erased["active"], false);
    assert!(erased["erased_at"].is_string());
    assert_eq!(erased["allowed_actions"], json!([]));

    // Nowhere: not in any answer, any table, or the export.
    let readable = everything_readable(&app, &strategy, &action, &period).await;
    assert!(
        !readable.to_lowercase().contains(MARK),
        "found at {:?}",
        readable
            .to_lowercase()
            .find(MARK)
            .map(|at| &readable[at.saturating_sub(300)..at + 100])
    );
    assert_eq!(tables_mentioning(&app, MARK).await, Vec::<String>::new());
    let export = backup::export(&mut *app.pool_connection().await)
        .await
        .unwrap()
        .to_string()
        .to_lowercase();
    assert!(!export.contains(MARK));

    // Her updates stay, under the pseudonym, in the history and in the
    // closed period.
    let updates = app
        .read(
            &admin,
            &format!("/api/v1/actions/{action}/updates?limit=500"),
        )
        .await;
    let hers: Vec<&Value> = updates["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["author"]["id"] == erin.as_str())
        .collect();
    assert_eq!(hers.len(), 2);
    assert!(hers.iter().all(|u| u["author"]["name"] == PSEUDONYM));
    let kept = app
        .rows(&format!(
            "SELECT state->'latest'->>'author' AS author FROM period_action_snapshots
              WHERE period_id = '{period}' AND action_id = '{action}'"
        ))
        .await;
    assert_eq!(kept[0]["author"], PSEUDONYM);

    // The erasure is audited, by whom, without what it erased.
    let audit = app
        .read(
            &admin,
            &format!("/api/v1/audit?entity=user&entity_id={erin}"),
        )
        .await;
    let event = &audit["items"][0];
    assert_eq!(event["action"], "erase");
    assert_eq!(event["actor"]["id"], me["id"]);
    assert_eq!(event["after"]["name"], PSEUDONYM);
    assert_eq!(event["before"]["name"], PSEUDONYM);
    assert_eq!(event["before"]["active"], true);
    assert_eq!(event["after"]["active"], false);

    // She can no longer sign in, and every sign-in she had has ended.
    let (status, _) = app.login_response(EMAIL, CHOSEN).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.login_response(placeholder, CHOSEN).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let refreshed = app
        .post("/api/v1/auth/refresh")
        .send_json(&json!({ "refresh_token": erin_tokens["refresh_token"] }))
        .await
        .unwrap();
    assert_eq!(refreshed.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(erin_browser.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM browser_sessions WHERE user_id = '{erin}'"
        ))
        .await,
        0
    );

    // An erased account is final.
    let tag = app.etag(&admin, &user).await;
    let again = app
        .post(&erase)
        .bearer_auth(&admin)
        .insert_header(("If-Match", tag.as_str()))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    problem(again).await;
    let revived = app
        .send_json(
            "PATCH",
            &user,
            &admin,
            Some(&tag),
            &json!({ "active": true, "password": "a-password-to-revive" }),
        )
        .await;
    assert_eq!(revived.status(), StatusCode::CONFLICT);
}

#[actix_web::test]
async fn former_members_of_one_organisation_are_told_apart() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut names = Vec::new();
    for query in ["police@", "viewer@"] {
        let found = app.read(&admin, &format!("/api/v1/users?q={query}")).await;
        let path = format!(
            "/api/v1/users/{}",
            found["items"][0]["id"].as_str().unwrap()
        );
        let tag = app.etag(&admin, &path).await;
        let mut erased = app
            .post(&format!("{path}/erase"))
            .bearer_auth(&admin)
            .insert_header(("If-Match", tag))
            .send()
            .await
            .unwrap();
        assert_eq!(erased.status(), StatusCode::OK);
        names.push(erased.json::<Value>().await.unwrap()["name"].clone());
    }
    assert_eq!(names, [json!(PSEUDONYM), json!("Former member")]);
    let police = app.organisation_id(&admin, "Nottinghamshire Police").await;
    let mut created = app
        .post("/api/v1/users")
        .bearer_auth(&admin)
        .send_json(&json!({
            "email": "second@example.org", "name": "Second Officer", "role": "member",
            "organisation_id": police, "password": GIVEN,
        }))
        .await
        .unwrap();
    let second: Value = created.json().await.unwrap();
    let path = format!("/api/v1/users/{}", second["id"].as_str().unwrap());
    let mut erased = app
        .post(&format!("{path}/erase"))
        .bearer_auth(&admin)
        .insert_header(("If-Match", app.etag(&admin, &path).await))
        .send()
        .await
        .unwrap();
    assert_eq!(
        erased.json::<Value>().await.unwrap()["name"],
        "Former member 2, Nottinghamshire Police"
    );
}

/// Runs `sql` in a transaction that names `setting` as the account being
/// erased, then rolls back: only whether the trigger let it through counts.
async fn attempt(
    conn: &mut diesel_async::AsyncPgConnection,
    setting: &str,
    sql: &str,
) -> Result<(), diesel::result::Error> {
    conn.transaction::<(), diesel::result::Error, _>(async |conn| {
        diesel::sql_query("SELECT set_config('delivery_tracker.erasure', $1, true)")
            .bind::<diesel::sql_types::Text, _>(setting)
            .execute(conn)
            .await?;
        diesel::sql_query(sql).execute(conn).await?;
        Err(diesel::result::Error::RollbackTransaction)
    })
    .await
}

#[actix_web::test]
async fn the_audit_trail_stays_append_only_but_for_the_erasure_of_one_account() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let police = app.read(&admin, "/api/v1/users?q=police@").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut conn = app.pool_connection().await;
    let about_police = format!("WHERE entity = 'user' AND entity_id = '{police}'");
    let rewrite =
        format!("UPDATE audit_events SET after = after || '{{\"name\": \"x\"}}' {about_police}");
    let allowed = attempt(&mut conn, &police, &rewrite).await;
    assert!(
        matches!(allowed, Err(diesel::result::Error::RollbackTransaction)),
        "the erasure of this account may rewrite its states: {allowed:?}"
    );
    for (setting, sql) in [
        (String::new(), rewrite.clone()),
        (uuid::Uuid::new_v4().to_string(), rewrite.clone()),
        (
            police.clone(),
            format!("UPDATE audit_events SET action = 'update' {about_police}"),
        ),
        (
            police.clone(),
            "UPDATE audit_events SET after = after WHERE entity <> 'user'".to_owned(),
        ),
        (
            police.clone(),
            format!("DELETE FROM audit_events {about_police}"),
        ),
    ] {
        let refused = attempt(&mut conn, &setting, &sql).await;
        assert!(
            matches!(refused, Err(diesel::result::Error::DatabaseError(..))),
            "{sql} with {setting:?}: {refused:?}"
        );
    }
}
