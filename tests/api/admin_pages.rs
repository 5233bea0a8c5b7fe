//! The administrators' pages: organisations, accounts, system tokens, the
//! audit trail and the plan import, driven as a browser drives them, with
//! what they stored read back through the API and the database; and every
//! one of them refused to those the permission table does not name.

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::browser::{Browser, Page};
use crate::helpers::TestApp;

const ADMIN: &str = "admin@example.org";
const CHAIR: &str = "chair@example.org";
const MEMBER: &str = "police@example.org";
const SHEET_HEADER: &str =
    "reference,title,description,ambitions,commitments,lead,supporting,start_date,target_date\n";

async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    browser.sign_in(email).await;
    browser
}

/// GETs an API path as the holder of `token`, whatever the status.
async fn api(app: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    let mut response = app.get(path).bearer_auth(token).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn user_id(app: &TestApp, admin: &str, email: &str) -> String {
    let found = app.read(admin, &format!("/api/v1/users?q={email}")).await;
    found["items"][0]["id"]
        .as_str()
        .expect("the user")
        .to_owned()
}

/// The cells of each body row of the table with `id`, tags removed.
fn rows(page: &Page, id: &str) -> Vec<Vec<String>> {
    let start = page
        .body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("the page has #{id}"));
    let table = &page.body[start..start + page.body[start..].find("</table>").unwrap()];
    let body = &table[table.find("<tbody").unwrap()..];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<t")
                .skip(1)
                .filter(|cell| cell.starts_with('h') || cell.starts_with('d'))
                .map(|cell| {
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in cell[cell.find('>').unwrap() + 1..].chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text.split_whitespace().collect::<Vec<_>>().join(" ")
                })
                .collect()
        })
        .collect()
}

/// Where a redirect goes, checking it is one.
fn redirected(page: &Page) -> String {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location.clone().expect("a Location")
}

/// Counts of what administrators manage, to show a refusal changed nothing.
async fn managed(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "SELECT count(*) FROM organisations",
        "SELECT count(*) FROM users",
        "SELECT count(*) FROM users WHERE active",
        "SELECT count(*) FROM api_tokens",
        "SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL",
        "SELECT count(*) FROM actions",
        "SELECT count(*) FROM audit_events",
    ] {
        counts.push(app.count(sql).await);
    }
    counts
}

#[actix_web::test]
async fn an_administrator_adds_changes_and_deletes_an_organisation() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut browser = signed_in(&app, ADMIN).await;

    let index = browser.get("/admin").await;
    assert_eq!(index.status, StatusCode::OK);
    for area in [
        "/admin/strategies",
        "/admin/organisations",
        "/admin/users",
        "/admin/tokens",
        "/admin/audit",
        "/admin/import",
    ] {
        assert!(index.has(&format!("href=\"{area}\"")), "{area}");
    }
    let list = browser.get("/admin/organisations").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.has("Nottinghamshire Police"));
    let form = browser.get("/admin/organisations/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let token = form.csrf();

    // Refused forms come back with what was typed.
    let blank = browser
        .post(
            "/admin/organisations",
            &[
                ("csrf_token", &token),
                ("name", "  "),
                ("short_name", "Youth Voice"),
                ("kind", "voluntary_group"),
            ],
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.has("href=\"#name\""), "{}", blank.body);
    assert_eq!(blank.input("short_name").as_deref(), Some("Youth Voice"));
    assert!(blank.has("value=\"voluntary_group\" selected"));
    let taken = browser
        .post(
            "/admin/organisations",
            &[
                ("csrf_token", &token),
                ("name", "Nottinghamshire Police"),
                ("short_name", ""),
                ("kind", "police"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.has("An organisation with this name already exists"));
    assert_eq!(
        taken.input("name").as_deref(),
        Some("Nottinghamshire Police")
    );

    let added = browser
        .post(
            "/admin/organisations",
            &[
                ("csrf_token", &token),
                ("name", "Nottinghamshire Youth Voice"),
                ("short_name", "Youth Voice"),
                ("kind", "voluntary_group"),
            ],
        )
        .await;
    let location = redirected(&added);
    let shown = browser.get(&location).await;
    assert!(shown.has("The organisation has been added"));
    assert!(shown.has("Nottinghamshire Youth Voice"));
    let id = app.organisation_id(&admin, "Youth Voice").await;
    let stored = app
        .read(&admin, &format!("/api/v1/organisations/{id}"))
        .await;
    assert_eq!(stored["name"], "Nottinghamshire Youth Voice");
    assert_eq!(stored["short_name"], "Youth Voice");
    assert_eq!(stored["kind"], "voluntary_group");

    // Changed: a new name and kind, the short name removed.
    let edit = browser.get(&format!("/admin/organisations/{id}")).await;
    assert_eq!(edit.status, StatusCode::OK);
    let read_version = edit.input("version").unwrap();
    let saved = browser
        .post(
            &format!("/admin/organisations/{id}"),
            &[
                ("csrf_token", &token),
                ("name", "Notts Young People Voice"),
                ("short_name", ""),
                ("kind", "young_peoples_voice"),
                ("version", &read_version),
            ],
        )
        .await;
    assert_eq!(
        redirected(&saved),
        "/admin/organisations?done=organisation-saved"
    );
    let stored = app
        .read(&admin, &format!("/api/v1/organisations/{id}"))
        .await;
    assert_eq!(stored["name"], "Notts Young People Voice");
    assert_eq!(stored["short_name"], Value::Null);
    assert_eq!(stored["kind"], "young_peoples_voice");

    // A form read before that change comes back with the typing and the
    // version stored now, and changes nothing.
    let stale = browser
        .post(
            &format!("/admin/organisations/{id}"),
            &[
                ("csrf_token", &token),
                ("name", "A stale name"),
                ("short_name", "Stale"),
                ("kind", "other"),
                ("version", &read_version),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.has("changed while you were editing it"));
    assert!(stale.has("Notts Young People Voice"), "what is stored now");
    assert_eq!(stale.input("name").as_deref(), Some("A stale name"));
    assert_eq!(stale.input("short_name").as_deref(), Some("Stale"));
    assert_eq!(stale.input("version"), Some(stored["version"].to_string()));
    let unchanged = app
        .read(&admin, &format!("/api/v1/organisations/{id}"))
        .await;
    assert_eq!(unchanged["name"], "Notts Young People Voice");

    // An organisation in use is not deleted, and the page says why.
    let police = app.organisation_id(&admin, "Nottinghamshire Police").await;
    let confirm = browser
        .get(&format!("/admin/organisations/{police}/delete"))
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    let refused = browser
        .post(
            &format!("/admin/organisations/{police}/delete"),
            &[
                ("csrf_token", &token),
                ("version", &confirm.input("version").unwrap()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.has("This organisation still has users or is a partner of a strategy"),
        "{}",
        refused.body
    );
    assert!(!refused.has("id=\"delete\""), "no button to try again");
    let (status, _) = api(&app, &admin, &format!("/api/v1/organisations/{police}")).await;
    assert_eq!(status, StatusCode::OK);

    // One nobody uses is, after the page that asks.
    let confirm = browser
        .get(&format!("/admin/organisations/{id}/delete"))
        .await;
    assert!(confirm.has("cannot be undone"));
    let deleted = browser
        .post(
            &format!("/admin/organisations/{id}/delete"),
            &[
                ("csrf_token", &token),
                ("version", &confirm.input("version").unwrap()),
            ],
        )
        .await;
    assert_eq!(
        redirected(&deleted),
        "/admin/organisations?done=organisation-deleted"
    );
    let (status, _) = api(&app, &admin, &format!("/api/v1/organisations/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn an_administrator_creates_and_changes_an_account() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut browser = signed_in(&app, ADMIN).await;
    let police = app.organisation_id(&admin, "Nottinghamshire Police").await;

    let list = browser.get("/admin/users").await;
    assert_eq!(list.status, StatusCode::OK);
    let everyone = rows(&list, "users");
    assert!(
        everyone
            .iter()
            .any(|r| r[1] == CHAIR && r[2] == "Board chair")
    );
    assert!(everyone.iter().any(|r| r[1] == MEMBER
        && r[2] == "Board member"
        && r[3] == "Nottinghamshire Police"
        && r[4] == "Active"));
    let filtered = browser
        .get(&format!(
            "/admin/users?role=member&organisation_id={police}"
        ))
        .await;
    let members: Vec<String> = rows(&filtered, "users")
        .into_iter()
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(members, [MEMBER]);

    let form = browser.get("/admin/users/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let token = form.csrf();
    let fields = |password: &'static str, organisation: &'static str| {
        vec![
            ("name", "Sam Patel"),
            ("email", "sam.patel@example.org"),
            ("role", "member"),
            ("organisation_id", organisation),
            ("password", password),
        ]
    };

    // Too short a password: the form comes back with all but the password.
    let mut short = fields("short", "");
    short.push(("csrf_token", &token));
    let refused = browser.post("/admin/users", &short).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("href=\"#password\""), "{}", refused.body);
    assert_eq!(refused.input("name").as_deref(), Some("Sam Patel"));
    assert_eq!(
        refused.input("email").as_deref(),
        Some("sam.patel@example.org")
    );
    assert!(refused.has("value=\"member\" checked"));
    assert_eq!(
        refused.input("password"),
        None,
        "passwords are not sent back"
    );
    // A member without an organisation.
    let refused = browser
        .post(
            "/admin/users",
            &[
                ("csrf_token", &token),
                ("name", "Sam Patel"),
                ("email", "sam.patel@example.org"),
                ("role", "member"),
                ("organisation_id", ""),
                ("password", "a-long-enough-password"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("A member must belong to an organisation"));
    assert!(refused.has("href=\"#organisation_id\""));
    // No role chosen.
    let refused = browser
        .post(
            "/admin/users",
            &[
                ("csrf_token", &token),
                ("name", "Sam Patel"),
                ("email", "sam.patel@example.org"),
                ("organisation_id", &police),
                ("password", "a-long-enough-password"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("href=\"#role\""));
    assert!(refused.has(&format!("value=\"{police}\" selected")));
    let users_before = app.count("SELECT count(*) FROM users").await;

    let created = browser
        .post(
            "/admin/users",
            &[
                ("csrf_token", &token),
                ("name", "Sam Patel"),
                ("email", "sam.patel@example.org"),
                ("role", "member"),
                ("organisation_id", &police),
                ("password", "a-long-enough-password"),
            ],
        )
        .await;
    let location = redirected(&created);
    assert_eq!(
        app.count("SELECT count(*) FROM users").await,
        users_before + 1
    );
    let id = user_id(&app, &admin, "sam.patel@example.org").await;
    assert_eq!(location, format!("/admin/users/{id}?done=user-added"));
    let account = browser.get(&location).await;
    assert!(account.has("The account has been created"));
    assert!(account.has("sam.patel@example.org"));
    let stored = app.read(&admin, &format!("/api/v1/users/{id}")).await;
    assert_eq!(stored["role"], "member");
    assert_eq!(stored["organisation"]["id"], police.as_str());
    assert_eq!(stored["active"], true);
    assert_eq!(stored["must_change_password"], true);
    assert!(account.has("they must choose their own when they next sign in"));
    let (status, _) = app
        .login_response("sam.patel@example.org", "a-long-enough-password")
        .await;
    assert_eq!(status, StatusCode::OK, "the initial password signs in");

    // Changed to a viewer with no organisation.
    let read_version = account.input("version").unwrap();
    let saved = browser
        .post(
            &format!("/admin/users/{id}"),
            &[
                ("csrf_token", &token),
                ("name", "Sam Patel"),
                ("role", "viewer"),
                ("organisation_id", ""),
                ("version", &read_version),
            ],
        )
        .await;
    assert_eq!(
        redirected(&saved),
        format!("/admin/users/{id}?done=user-saved")
    );
    let stored = app.read(&admin, &format!("/api/v1/users/{id}")).await;
    assert_eq!(stored["role"], "viewer");
    assert_eq!(stored["organisation"], Value::Null);

    // A form read before that change keeps its typing and saves nothing.
    let stale = browser
        .post(
            &format!("/admin/users/{id}"),
            &[
                ("csrf_token", &token),
                ("name", "Samuel Patel"),
                ("role", "chair"),
                ("organisation_id", ""),
                ("version", &read_version),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.has("The account changed while you were editing it"));
    assert_eq!(stale.input("name").as_deref(), Some("Samuel Patel"));
    assert!(stale.has("value=\"chair\" checked"));
    assert_eq!(stale.input("version"), Some(stored["version"].to_string()));
    let stored = app.read(&admin, &format!("/api/v1/users/{id}")).await;
    assert_eq!(stored["name"], "Sam Patel");
    assert_eq!(stored["role"], "viewer");
}

#[actix_web::test]
async fn deactivating_signs_the_holder_out_everywhere_and_the_last_administrator_stays() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut browser = signed_in(&app, ADMIN).await;
    let mut holder = signed_in(&app, "probation@example.org").await;
    assert_eq!(holder.get("/").await.status, StatusCode::OK);
    let id = user_id(&app, &admin, "probation@example.org").await;

    let account = browser.get(&format!("/admin/users/{id}")).await;
    assert!(account.has(&format!("href=\"/admin/users/{id}/deactivate\"")));
    let confirm = browser.get(&format!("/admin/users/{id}/deactivate")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.has("signs them out everywhere"));
    let token = confirm.csrf();
    let done = browser
        .post(
            &format!("/admin/users/{id}/deactivate"),
            &[
                ("csrf_token", &token),
                ("version", &confirm.input("version").unwrap()),
            ],
        )
        .await;
    let location = redirected(&done);
    assert!(browser.get(&location).await.has("signed out everywhere"));
    assert_eq!(
        app.read(&admin, &format!("/api/v1/users/{id}")).await["active"],
        false
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM browser_sessions WHERE user_id = '{id}'"
        ))
        .await,
        0
    );
    let ended = holder.get("/").await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert!(ended.location.unwrap().starts_with("/sign-in"));
    let (status, _) = app
        .login_response("probation@example.org", crate::helpers::PASSWORD)
        .await;
    assert_ne!(status, StatusCode::OK);

    // Reactivated from the account's page.
    let account = browser.get(&format!("/admin/users/{id}")).await;
    let version = account
        .form_input(&format!("/admin/users/{id}/reactivate"), "version")
        .expect("a reactivate button");
    let done = browser
        .post(
            &format!("/admin/users/{id}/reactivate"),
            &[("csrf_token", &token), ("version", &version)],
        )
        .await;
    assert_eq!(
        redirected(&done),
        format!("/admin/users/{id}?done=user-reactivated")
    );
    let (status, _) = app
        .login_response("probation@example.org", crate::helpers::PASSWORD)
        .await;
    assert_eq!(status, StatusCode::OK);

    // The only administrator can be neither demoted nor deactivated; the
    // refusals say why and keep the choice made.
    let me = user_id(&app, &admin, ADMIN).await;
    let account = browser.get(&format!("/admin/users/{me}")).await;
    let demoted = browser
        .post(
            &format!("/admin/users/{me}"),
            &[
                ("csrf_token", &token),
                ("name", &account.input("name").unwrap()),
                ("role", "viewer"),
                ("organisation_id", ""),
                ("version", &account.input("version").unwrap()),
            ],
        )
        .await;
    assert_eq!(demoted.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(demoted.has("This is the last active administrator"));
    assert!(demoted.has("value=\"viewer\" checked"));
    let confirm = browser.get(&format!("/admin/users/{me}/deactivate")).await;
    let refused = browser
        .post(
            &format!("/admin/users/{me}/deactivate"),
            &[
                ("csrf_token", &token),
                ("version", &confirm.input("version").unwrap()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.has("This is the last active administrator"));
    let stored = app.read(&admin, &format!("/api/v1/users/{me}")).await;
    assert_eq!(stored["role"], "admin");
    assert_eq!(stored["active"], true);
}

/// The secret in a page that shows a new token's.
fn secret(page: &Page) -> String {
    let at = page.body.find("id=\"secret\"").expect("the secret's box");
    let tag = &page.body[at..at + page.body[at..].find('>').unwrap()];
    let value = tag.split("value=\"").nth(1).expect("a value");
    value[..value.find('"').unwrap()].to_owned()
}

#[actix_web::test]
async fn a_system_token_secret_is_shown_once_and_reads_the_api() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut browser = signed_in(&app, ADMIN).await;
    let strategy = app.demo_strategy(&admin).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let form = browser.get("/admin/tokens/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let token = form.csrf();
    let refused = browser
        .post(
            "/admin/tokens",
            &[
                ("csrf_token", &token),
                ("name", "County BI dashboard"),
                ("strategy_id", &strategy),
                ("expires_on-day", "31"),
                ("expires_on-month", "2"),
                ("expires_on-year", "2027"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("href=\"#expires_on-day\""), "{}", refused.body);
    assert_eq!(
        refused.input("name").as_deref(),
        Some("County BI dashboard")
    );
    assert_eq!(refused.input("expires_on-day").as_deref(), Some("31"));
    assert!(refused.has(&format!("value=\"{strategy}\" selected")));
    let unnamed = browser
        .post(
            "/admin/tokens",
            &[("csrf_token", &token), ("name", " "), ("strategy_id", "")],
        )
        .await;
    assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unnamed.has("href=\"#name\""));
    assert_eq!(app.count("SELECT count(*) FROM api_tokens").await, 0);

    // The answer to the form shows the secret: no redirect carries it.
    let made = browser
        .post(
            "/admin/tokens",
            &[
                ("csrf_token", &token),
                ("name", "County BI dashboard"),
                ("strategy_id", ""),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.location, None);
    assert!(made.has("will not be shown again"));
    assert_eq!(
        made.headers.get("cache-control").unwrap(),
        "no-store",
        "no cache keeps it"
    );
    let secret = secret(&made);
    assert!(secret.starts_with("dts_"), "{secret}");
    let (status, strategies) = api(&app, &secret, "/api/v1/strategies").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(strategies["items"][0]["id"], strategy.as_str());

    // Never shown again.
    let list = browser.get("/admin/tokens").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.has("County BI dashboard"));
    assert!(!list.has(&secret[4..]));
    let listed = rows(&list, "tokens");
    assert_eq!(listed[0][1], "Every strategy");
    assert_eq!(listed[0][5], "Active");
    let id = app.read(&admin, "/api/v1/tokens").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let confirm = browser.get(&format!("/admin/tokens/{id}/revoke")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.has("cannot be undone"));
    assert!(!confirm.has(&secret[4..]));

    let revoked = browser
        .post(
            &format!("/admin/tokens/{id}/revoke"),
            &[("csrf_token", &token)],
        )
        .await;
    let location = redirected(&revoked);
    assert!(!location.contains(&secret[4..]));
    let list = browser.get(&location).await;
    assert!(list.has("The token has been revoked"));
    assert!(rows(&list, "tokens")[0][5].starts_with("Revoked"));
    assert!(!list.has(&format!("/admin/tokens/{id}/revoke")));
    let (status, _) = api(&app, &secret, "/api/v1/strategies").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn the_audit_trail_filters_by_kind_person_and_days() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut browser = signed_in(&app, ADMIN).await;
    let created = app
        .send_json(
            "POST",
            "/api/v1/organisations",
            &admin,
            None,
            &json!({ "name": "Audit Test Partnership", "kind": "other" }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let admin_id = user_id(&app, &admin, ADMIN).await;
    let admin_name = app.read(&admin, &format!("/api/v1/users/{admin_id}")).await["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let chair_id = user_id(&app, &admin, CHAIR).await;

    // Everything, a page at a time.
    let all = browser.get("/admin/audit").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(rows(&all, "audit").len(), 50);
    let next = all
        .body
        .split("rel=\"next\"")
        .next()
        .and_then(|before| before.rsplit("href=\"").next())
        .map(|href| href[..href.find('"').unwrap()].replace("&amp;", "&"))
        .expect("a next page");
    assert!(next.starts_with("/admin/audit?cursor="), "{next}");
    let second = browser.get(&next).await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(second.has("Newest changes"));
    assert_ne!(rows(&second, "audit"), rows(&all, "audit"));

    // One kind of record, by one person.
    let kind = browser.get("/admin/audit?entity=organisation").await;
    let found = rows(&kind, "audit");
    assert!(!found.is_empty());
    assert!(found.iter().all(|r| r[2].starts_with("Organisation: ")));
    let mine = browser
        .get(&format!(
            "/admin/audit?entity=organisation&actor_id={admin_id}"
        ))
        .await;
    let found = rows(&mine, "audit");
    assert!(found[0][1].starts_with(&admin_name));
    assert_eq!(found[0][2], "Organisation: Created");
    assert!(found[0][3].contains("Audit Test Partnership"));
    assert!(mine.has(&format!("value=\"{admin_id}\" selected")));
    let theirs = browser
        .get(&format!(
            "/admin/audit?entity=organisation&actor_id={chair_id}"
        ))
        .await;
    assert!(theirs.has("No change matches"));

    // A range of days.
    let today = app.clock.today();
    let (day, month, year) = (
        today.format("%-d").to_string(),
        today.format("%-m").to_string(),
        today.format("%Y").to_string(),
    );
    let since_today = browser
        .get(&format!(
            "/admin/audit?entity=organisation&since-day={day}&since-month={month}&since-year={year}"
        ))
        .await;
    assert!(rows(&since_today, "audit")[0][3].contains("Audit Test Partnership"));
    let long_ago = browser
        .get("/admin/audit?until-day=1&until-month=1&until-year=2001")
        .await;
    assert!(long_ago.has("No change matches"));
    let bad = browser
        .get("/admin/audit?since-day=31&since-month=2&since-year=2025")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.has("The first day must be a real date"));
    assert!(bad.has("href=\"#since-day\""));
    assert_eq!(bad.input("since-day").as_deref(), Some("31"));

    // The chair reads the trail too, filtering by a name in it rather
    // than from the list of accounts, which is not the chair's to read.
    let mut chair = signed_in(&app, CHAIR).await;
    let read = chair.get("/admin/audit").await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.has("<select class=\"govuk-select\" id=\"actor_id\""));
    assert!(read.has("actor_id="));
    let one = chair
        .get(&format!("/admin/audit?actor_id={admin_id}"))
        .await;
    assert!(one.has("Show everyone"));
    assert!(
        rows(&one, "audit")
            .iter()
            .all(|r| r[1].starts_with(&admin_name))
    );
}

#[actix_web::test]
async fn a_sheet_with_one_bad_row_shows_its_errors_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut browser = signed_in(&app, ADMIN).await;
    let strategy = app.demo_strategy(&admin).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let form = browser.get("/admin/import").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.has("enctype=\"multipart/form-data\""));
    let token = form.csrf();
    let actions = "SELECT count(*) FROM actions";
    let before = app.count(actions).await;

    // The second row is wrong three ways; the first is right; nothing is
    // stored, and each problem is named by its row and column.
    let sheet = format!(
        "{SHEET_HEADER}Z1.1,A right row,,1,,Police,NCC,2025-04-01,2026-03-31\nZ1.2,,,x,,Police,,2025-13-01,\n"
    );
    let refused = browser
        .post_file(
            "/admin/import",
            &[("csrf_token", &token), ("strategy_id", &strategy)],
            ("file", "plan.csv", sheet.as_bytes()),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let problems = rows(&refused, "sheet-errors-table");
    let places: Vec<(&str, &str)> = problems
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        places,
        [("3", "ambitions"), ("3", "start_date"), ("3", "title")],
        "{problems:?}"
    );
    assert!(refused.has("nothing was imported"));
    assert!(refused.has(&format!("value=\"{strategy}\" selected")));
    assert!(refused.has("You sent plan.csv"));
    assert_eq!(app.count(actions).await, before);

    // Names that are not the strategy's partners.
    let sheet = format!("{SHEET_HEADER}Z1.1,A row,,1,,Nobody we know,,,\n");
    let refused = browser
        .post_file(
            "/admin/import",
            &[("csrf_token", &token), ("strategy_id", &strategy)],
            ("file", "plan.csv", sheet.as_bytes()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = rows(&refused, "sheet-errors-table");
    assert_eq!(
        (problems[0][0].as_str(), problems[0][1].as_str()),
        ("2", "lead")
    );
    assert_eq!(app.count(actions).await, before);

    // Neither a strategy nor a file.
    let empty = browser
        .post_file(
            "/admin/import",
            &[("csrf_token", &token), ("strategy_id", "")],
            ("file", "", b""),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.has("href=\"#strategy_id\""));
    assert!(empty.has("href=\"#file\""));
    // A file that is not text.
    let binary = browser
        .post_file(
            "/admin/import",
            &[("csrf_token", &token), ("strategy_id", &strategy)],
            ("file", "plan.xlsx", b"\xff\xfe\x00PK"),
        )
        .await;
    assert_eq!(binary.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(binary.has("The file is not UTF-8 text"));
    // A sheet sent without the form's token.
    let forged = browser
        .post_file(
            "/admin/import",
            &[("strategy_id", &strategy)],
            ("file", "plan.csv", sheet.as_bytes()),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let sheet = format!(
        "{SHEET_HEADER}Z1.1,First imported action,,1,,Police,NCC,2025-04-01,2026-03-31\nZ1.2,Second imported action,,2;3,1,NCC,,,\n"
    );
    let imported = browser
        .post_file(
            "/admin/import",
            &[("csrf_token", &token), ("strategy_id", &strategy)],
            ("file", "plan.csv", sheet.as_bytes()),
        )
        .await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.body);
    assert!(imported.has("2 actions added"));
    assert!(imported.has("<li>Z1.1</li>") && imported.has("<li>Z1.2</li>"));
    assert_eq!(app.count(actions).await, before + 2);
    let action = app.action(&admin, "Z1.1").await;
    assert_eq!(action["title"], "First imported action");
    assert_eq!(
        action["lead_organisation"]["name"],
        "Nottinghamshire Police"
    );
}

#[actix_web::test]
async fn members_and_the_chair_are_refused_what_only_administrators_may_do() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let police = app.organisation_id(&admin, "Nottinghamshire Police").await;
    let viewer = user_id(&app, &admin, "viewer@example.org").await;
    let made = app
        .send_json(
            "POST",
            "/api/v1/tokens",
            &admin,
            None,
            &json!({ "name": "Dashboard" }),
        )
        .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let token_id = app.read(&admin, "/api/v1/tokens").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let strategy = app.demo_strategy(&admin).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut member = signed_in(&app, MEMBER).await;
    let mut chair = signed_in(&app, CHAIR).await;
    let before = managed(&app).await;

    let administrators_only = [
        "/admin/organisations".to_owned(),
        "/admin/organisations/new".to_owned(),
        format!("/admin/organisations/{police}"),
        format!("/admin/organisations/{police}/delete"),
        "/admin/users".to_owned(),
        "/admin/users/new".to_owned(),
        format!("/admin/users/{viewer}"),
        format!("/admin/users/{viewer}/deactivate"),
        format!("/admin/users/{viewer}/erase"),
        "/admin/tokens".to_owned(),
        "/admin/tokens/new".to_owned(),
        format!("/admin/tokens/{token_id}/revoke"),
    ];
    // The chair may read the audit trail and import actions (the
    // permission table's "audit log only" and "create actions").
    let chair_too = ["/admin", "/admin/audit", "/admin/import"];
    for path in administrators_only
        .iter()
        .map(String::as_str)
        .chain(chair_too)
    {
        let page = member.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "member GET {path}");
        assert!(page.has("You cannot do that"), "member GET {path}");
    }
    for path in &administrators_only {
        assert_eq!(
            chair.get(path).await.status,
            StatusCode::FORBIDDEN,
            "chair GET {path}"
        );
    }
    for path in chair_too {
        assert_eq!(
            chair.get(path).await.status,
            StatusCode::OK,
            "chair GET {path}"
        );
    }
    let index = chair.get("/admin").await;
    assert!(index.has("href=\"/admin/audit\"") && index.has("href=\"/admin/import\""));
    assert!(!index.has("href=\"/admin/users\"") && !index.has("href=\"/admin/tokens\""));

    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/admin/organisations".into(),
            vec![("name", "A new partner"), ("kind", "other")],
        ),
        (
            format!("/admin/organisations/{police}"),
            vec![("name", "Renamed"), ("kind", "police"), ("version", "1")],
        ),
        (
            format!("/admin/organisations/{police}/delete"),
            vec![("version", "1")],
        ),
        (
            "/admin/users".into(),
            vec![
                ("name", "Someone"),
                ("email", "someone@example.org"),
                ("role", "admin"),
                ("organisation_id", ""),
                ("password", "a-long-enough-password"),
            ],
        ),
        (
            format!("/admin/users/{viewer}"),
            vec![
                ("name", "Viewer"),
                ("role", "admin"),
                ("organisation_id", ""),
                ("version", "1"),
            ],
        ),
        (
            format!("/admin/users/{viewer}/deactivate"),
            vec![("version", "1")],
        ),
        (
            format!("/admin/users/{viewer}/reactivate"),
            vec![("version", "1")],
        ),
        (
            format!("/admin/users/{viewer}/erase"),
            vec![("version", "1")],
        ),
        ("/admin/tokens".into(), vec![("name", "Mine now")]),
        (format!("/admin/tokens/{token_id}/revoke"), vec![]),
    ];
    for browser in [&mut member, &mut chair] {
        let token = browser.get("/account/password").await.csrf();
        for (path, fields) in &posts {
            let mut fields = fields.clone();
            fields.push(("csrf_token", &token));
            let refused = browser.post(path, &fields).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "POST {path}");
        }
    }
    let token = member.get("/account/password").await.csrf();
    let sheet = format!("{SHEET_HEADER}Z1.1,A row,,1,,Police,,,\n");
    let refused = member
        .post_file(
            "/admin/import",
            &[("csrf_token", &token), ("strategy_id", &strategy)],
            ("file", "plan.csv", sheet.as_bytes()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(managed(&app).await, before, "nothing changed");
}

#[actix_web::test]
async fn an_administrator_erases_a_former_members_personal_data() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut browser = signed_in(&app, ADMIN).await;
    let email = "probation@example.org";
    let id = user_id(&app, &admin, email).await;
    let name = app.read(&admin, &format!("/api/v1/users/{id}")).await["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let updates = format!("SELECT count(*) FROM progress_updates WHERE author_id = '{id}'");
    let written = app.count(&updates).await;
    assert!(written > 0, "the demo's probation member has reported");

    let account = browser.get(&format!("/admin/users/{id}")).await;
    assert!(account.has(&format!("href=\"/admin/users/{id}/erase\"")));
    let confirm = browser.get(&format!("/admin/users/{id}/erase")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    for words in [
        "UK General Data Protection Regulation",
        "Former member, National Probation Service",
        "in the audit trail",
        "stay in the plan and its history",
        "cannot be undone",
    ] {
        assert!(confirm.has(words), "the page says {words:?}");
    }
    let token = confirm.csrf();
    let erased = browser
        .post(
            &format!("/admin/users/{id}/erase"),
            &[
                ("csrf_token", &token),
                ("version", &confirm.input("version").unwrap()),
            ],
        )
        .await;
    let location = redirected(&erased);
    assert_eq!(location, format!("/admin/users/{id}?done=user-erased"));
    let account = browser.get(&location).await;
    assert!(account.has("name and email have been erased"));
    assert!(account.has("Former member, National Probation Service"));
    assert!(account.has(">Erased</strong>"));
    assert!(!account.has("Save the changes") && !account.has("/erase\""));
    assert!(!account.has(email) && !account.has(&name));

    let stored = app.read(&admin, &format!("/api/v1/users/{id}")).await;
    assert_eq!(stored["name"], "Former member, National Probation Service");
    assert_eq!(stored["active"], false);
    assert_eq!(app.count(&updates).await, written, "their updates stay");
    let trail = browser
        .get(&format!("/admin/audit?entity=user&actor_id={id}"))
        .await;
    assert!(!trail.has(email) && !trail.has(&name));
    let trail = browser.get("/admin/audit?entity=user").await;
    assert!(trail.has("Personal data erased"));
    assert!(!trail.has(email) && !trail.has(&name));
    let again = browser.get(&format!("/admin/users/{id}/erase")).await;
    assert!(again.has("already been erased") && !again.has("id=\"erase\""));

    // An administrator's own account is another administrator's to erase.
    let me = user_id(&app, &admin, ADMIN).await;
    let own = browser.get(&format!("/admin/users/{me}")).await;
    assert!(!own.has("/erase\""));
    assert_eq!(
        browser
            .get(&format!("/admin/users/{me}/erase"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let refused = browser
        .post(
            &format!("/admin/users/{me}/erase"),
            &[
                ("csrf_token", &token),
                ("version", &own.input("version").unwrap()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.read(&admin, &format!("/api/v1/users/{me}")).await["email"],
        ADMIN
    );
}
