//! The administrators' pages for a strategy and its delivery plan, driven
//! as a browser drives them; what they store is checked through the API.

use awc::http::StatusCode;
use serde_json::Value;

use crate::browser::{Browser, Page};
use crate::helpers::TestApp;

const ADMIN: &str = "admin@example.org";
const CHAIR: &str = "chair@example.org";
const POLICE: &str = "police@example.org";

/// The ids of the demo strategy's ambitions or commitments, in order.
async fn statements(app: &TestApp, token: &str, strategy: &str, kind: &str) -> Vec<Value> {
    app.read(token, &format!("/api/v1/strategies/{strategy}/{kind}"))
        .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

/// The id at the end of a redirect to `/prefix/{id}?...`.
fn id_in(location: &str, prefix: &str) -> String {
    let rest = location
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{location} starts with {prefix}"));
    rest.split(['?', '#']).next().unwrap().to_owned()
}

/// Whether the box or option with `value` is ticked or selected.
fn chosen(page: &Page, value: &str) -> bool {
    page.has(&format!("value=\"{value}\" checked"))
        || page.has(&format!("value=\"{value}\" selected"))
}

/// A date input's three fields.
fn date<'a>(name: &str, day: &'a str, month: &'a str, year: &'a str) -> Vec<(String, &'a str)> {
    vec![
        (format!("{name}-day"), day),
        (format!("{name}-month"), month),
        (format!("{name}-year"), year),
    ]
}

/// Posts fields given as owned names.
async fn post(browser: &mut Browser<'_>, path: &str, fields: &[(String, &str)]) -> Page {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    browser.post(path, &fields).await
}

/// An action's set-up form as the page fills it in, from the API's view
/// of the action.
fn filled(action: &Value, csrf: &str) -> Vec<(String, String)> {
    let text = |key: &str| action[key].as_str().unwrap_or_default().to_owned();
    let mut fields = vec![
        ("csrf_token".to_owned(), csrf.to_owned()),
        ("version".to_owned(), action["version"].to_string()),
        ("reference".to_owned(), text("reference")),
        ("title".to_owned(), text("title")),
        ("description".to_owned(), text("description")),
        (
            "lead_organisation_id".to_owned(),
            action["lead_organisation"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        ),
    ];
    for (list, name) in [
        ("supporting_organisations", "supporting_organisation_ids"),
        ("ambitions", "ambition_ids"),
        ("commitments", "commitment_ids"),
    ] {
        for item in action[list].as_array().unwrap() {
            fields.push((name.to_owned(), id(item).to_owned()));
        }
    }
    for name in ["start_date", "target_date"] {
        let day = text(name);
        let parts: Vec<&str> = day.split('-').collect();
        let part = |i: usize| {
            parts
                .get(i)
                .map(|p| p.trim_start_matches('0').to_owned())
                .unwrap_or_default()
        };
        fields.push((format!("{name}-day"), part(2)));
        fields.push((format!("{name}-month"), part(1)));
        fields.push((format!("{name}-year"), part(0)));
    }
    fields
}

/// Replaces the value of `name` (the first, if several).
fn with(mut fields: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(field) => field.1 = value.to_owned(),
        None => fields.push((name.to_owned(), value.to_owned())),
    }
    fields
}

async fn post_owned(browser: &mut Browser<'_>, path: &str, fields: &[(String, String)]) -> Page {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.post(path, &fields).await
}

fn field<'a>(name: &str, value: &'a str) -> (String, &'a str) {
    (name.to_owned(), value)
}

#[actix_web::test]
async fn an_administrator_sets_up_a_strategy_with_its_ambitions_and_commitments() {
    let app = TestApp::spawn().await;
    let token = app.admin().await;
    let police = app.organisation_id(&token, "Police").await;
    let university = app.organisation_id(&token, "Trent").await;
    let mut admin = Browser::new(&app);
    admin.sign_in(ADMIN).await;

    let list = admin.get("/admin/strategies").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.has("Looked After Children"));
    let form = admin.get("/admin/strategies/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(chosen(&form, "draft"), "a new strategy starts as a draft");
    let csrf = form.csrf();

    let mut fields = vec![
        field("csrf_token", &csrf),
        field("title", "Health and Wellbeing Strategy 2026-2029"),
        field("vision", "Everyone lives a healthy life."),
        field("status", "draft"),
        field("partner_ids", &police),
        field("partner_ids", &university),
    ];
    fields.extend(date("period_start", "1", "4", "2026"));
    fields.extend(date("period_end", "31", "3", "2029"));
    let added = post(&mut admin, "/admin/strategies", &fields).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let location = added.location.unwrap();
    let strategy = id_in(&location, "/admin/strategies/");
    assert!(location.ends_with("?done=strategy-created"));
    let stored = app
        .read(&token, &format!("/api/v1/strategies/{strategy}"))
        .await;
    assert_eq!(stored["title"], "Health and Wellbeing Strategy 2026-2029");
    assert_eq!(stored["period_start"], "2026-04-01");
    assert_eq!(stored["status"], "draft");
    assert_eq!(stored["partners"].as_array().unwrap().len(), 2);

    let page = admin.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("The strategy has been added"));
    assert!(page.has("This strategy has no ambitions yet"));

    // An ambition and a commitment, numbered after the others.
    let path = format!("/admin/strategies/{strategy}");
    for (kind, title) in [
        ("ambitions", "Lives well in their community"),
        ("commitments", "We will listen to you"),
    ] {
        let form = admin.get(&format!("{path}/{kind}/new")).await;
        assert_eq!(form.status, StatusCode::OK);
        let added = admin
            .post(
                &format!("{path}/{kind}"),
                &[
                    ("csrf_token", &form.csrf()),
                    ("number", ""),
                    ("title", title),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        let listed = statements(&app, &token, &strategy, kind).await;
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0]["title"], title);
        assert_eq!(listed[0]["number"], 1);
    }

    // The ambition changed, the commitment deleted after being asked.
    let ambition = statements(&app, &token, &strategy, "ambitions").await[0].clone();
    let edit = format!("{path}/ambitions/{}", id(&ambition));
    let form = admin.get(&edit).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(
        form.input("title").as_deref(),
        Some("Lives well in their community")
    );
    let saved = admin
        .post(
            &edit,
            &[
                ("csrf_token", &form.csrf()),
                ("version", &form.input("version").unwrap()),
                ("number", "1"),
                ("title", "Lives a healthy life in their community"),
                ("description", "Measured by the annual survey."),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let ambition = app
        .read(&token, &format!("/api/v1/ambitions/{}", id(&ambition)))
        .await;
    assert_eq!(ambition["title"], "Lives a healthy life in their community");
    assert_eq!(ambition["description"], "Measured by the annual survey.");

    let commitment = statements(&app, &token, &strategy, "commitments").await[0].clone();
    let delete = format!("{path}/commitments/{}/delete", id(&commitment));
    let confirm = admin.get(&delete).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.has("Deleting it cannot be undone"));
    let deleted = admin
        .post(
            &delete,
            &[
                ("csrf_token", &confirm.csrf()),
                ("version", &confirm.input("version").unwrap()),
            ],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    assert!(
        statements(&app, &token, &strategy, "commitments")
            .await
            .is_empty()
    );

    // The strategy made active, with one partner fewer.
    let page = admin.get(&path).await;
    let mut fields = vec![
        field("csrf_token", &csrf),
        field("version", "1"),
        field("title", "Health and Wellbeing Strategy 2026-2029"),
        field("vision", "Everyone lives a healthy life."),
        field("status", "active"),
        field("partner_ids", &police),
    ];
    assert_eq!(page.input("version").as_deref(), Some("1"));
    fields.extend(date("period_start", "1", "4", "2026"));
    fields.extend(date("period_end", "31", "3", "2029"));
    let saved = post(&mut admin, &path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stored = app
        .read(&token, &format!("/api/v1/strategies/{strategy}"))
        .await;
    assert_eq!(stored["status"], "active");
    assert_eq!(stored["version"], 2);
    assert_eq!(stored["partners"][0]["id"], police.as_str());
    assert_eq!(stored["partners"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn refused_strategy_and_ambition_forms_keep_what_was_typed() {
    let app = TestApp::spawn().await;
    let token = app.admin().await;
    let police = app.organisation_id(&token, "Police").await;
    let strategies = app.count("SELECT count(*) FROM strategies").await;
    let mut admin = Browser::new(&app);
    admin.sign_in(ADMIN).await;
    let csrf = admin.get("/admin/strategies/new").await.csrf();

    let mut fields = vec![
        field("csrf_token", &csrf),
        field("title", "  "),
        field("vision", "A vision worth keeping"),
        field("status", "active"),
        field("partner_ids", &police),
    ];
    fields.extend(date("period_start", "1", "4", "2026"));
    fields.extend(date("period_end", "31", "2", "2029"));
    let refused = post(&mut admin, "/admin/strategies", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("There is a problem"));
    assert!(refused.has("href=\"#title\""));
    assert!(
        refused.has("Enter the strategy&#39;s title") || refused.has("Enter the strategy's title")
    );
    assert!(refused.has("href=\"#period_end-day\""));
    assert!(refused.has("The last day of the strategy must be a real date"));
    assert!(refused.has("A vision worth keeping</textarea>"));
    assert_eq!(refused.input("period_end-day").as_deref(), Some("31"));
    assert!(chosen(&refused, "active"));
    assert!(chosen(&refused, &police));
    assert_eq!(
        app.count("SELECT count(*) FROM strategies").await,
        strategies
    );

    // An ending before the start is the service's to refuse.
    let mut fields = vec![
        field("csrf_token", &csrf),
        field("title", "Backwards"),
        field("status", "draft"),
    ];
    fields.extend(date("period_start", "1", "4", "2026"));
    fields.extend(date("period_end", "31", "3", "2025"));
    let refused = post(&mut admin, "/admin/strategies", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("href=\"#period_end-day\""), "{}", refused.body);
    assert_eq!(refused.input("title").as_deref(), Some("Backwards"));
    assert_eq!(
        app.count("SELECT count(*) FROM strategies").await,
        strategies
    );

    // A number already taken.
    let strategy = app.demo_strategy(&token).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/admin/strategies/{strategy}/ambitions");
    let form = admin.get(&format!("{path}/new")).await;
    let ambitions = app
        .count("SELECT count(*) FROM statements WHERE kind = 'ambition'")
        .await;
    let refused = admin
        .post(
            &path,
            &[
                ("csrf_token", &form.csrf()),
                ("number", "2"),
                ("title", "Is heard"),
                ("description", "Typed with care"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("href=\"#number\""));
    assert!(refused.has("already has a statement with that number"));
    assert_eq!(refused.input("title").as_deref(), Some("Is heard"));
    assert!(refused.has("Typed with care</textarea>"));
    assert_eq!(
        app.count("SELECT count(*) FROM statements WHERE kind = 'ambition'")
            .await,
        ambitions
    );
}

#[actix_web::test]
async fn an_ambition_the_plan_serves_is_not_deleted_and_the_page_says_why() {
    let app = TestApp::spawn().await;
    let token = app.admin().await;
    let strategy = app.demo_strategy(&token).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ambition = statements(&app, &token, &strategy, "ambitions").await[0].clone();
    let mut admin = Browser::new(&app);
    admin.sign_in(ADMIN).await;
    let delete = format!(
        "/admin/strategies/{strategy}/ambitions/{}/delete",
        id(&ambition)
    );
    let confirm = admin.get(&delete).await;
    assert_eq!(confirm.status, StatusCode::OK);
    let refused = admin
        .post(
            &delete,
            &[
                ("csrf_token", &confirm.csrf()),
                ("version", &confirm.input("version").unwrap()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.has("This ambition cannot be deleted"));
    assert!(refused.has("Actions of the plan serve it"));
    assert!(
        !refused.has("action=\"/admin/strategies"),
        "no button to try again"
    );
    assert_eq!(
        statements(&app, &token, &strategy, "ambitions").await.len(),
        6
    );
}

/// The form fields of a new action.
#[allow(clippy::too_many_arguments)]
fn action_fields<'a>(
    csrf: &'a str,
    reference: &'a str,
    title: &'a str,
    description: &'a str,
    lead: &'a str,
    supporters: &[&'a str],
    ambitions: &[&'a str],
    commitments: &[&'a str],
) -> Vec<(String, &'a str)> {
    let mut fields = vec![
        field("csrf_token", csrf),
        field("reference", reference),
        field("title", title),
        field("description", description),
        field("lead_organisation_id", lead),
    ];
    fields.extend(
        supporters
            .iter()
            .map(|s| field("supporting_organisation_ids", s)),
    );
    fields.extend(ambitions.iter().map(|s| field("ambition_ids", s)));
    fields.extend(commitments.iter().map(|s| field("commitment_ids", s)));
    fields
}

#[actix_web::test]
async fn an_administrator_adds_reassigns_archives_and_restores_an_action() {
    let app = TestApp::spawn().await;
    let token = app.admin().await;
    let strategy = app.demo_strategy(&token).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let police = app.organisation_id(&token, "Police").await;
    let university = app.organisation_id(&token, "Trent").await;
    let ambitions = statements(&app, &token, &strategy, "ambitions").await;
    let commitments = statements(&app, &token, &strategy, "commitments").await;
    let mut admin = Browser::new(&app);
    admin.sign_in(ADMIN).await;

    let setup = admin.get(&format!("/admin/strategies/{strategy}")).await;
    assert_eq!(setup.status, StatusCode::OK);
    assert!(setup.has(&format!("/admin/strategies/{strategy}/actions/new")));
    let form = admin
        .get(&format!("/admin/strategies/{strategy}/actions/new"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.csrf();
    let mut fields = action_fields(
        &csrf,
        "A7.1",
        "We will run a summer programme",
        "Free activities in every district.",
        &police,
        &[&university],
        &[id(&ambitions[1]), id(&ambitions[4])],
        &[id(&commitments[0])],
    );
    fields.extend(date("target_date", "31", "8", "2026"));
    fields.extend(date("start_date", "", "", ""));
    let added = post(
        &mut admin,
        &format!("/admin/strategies/{strategy}/actions"),
        &fields,
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let location = added.location.unwrap();
    assert!(location.ends_with("?done=action-created"));
    let action_id = id_in(&location, "/actions/");
    let api = format!("/api/v1/actions/{action_id}");
    let action = app.read(&token, &api).await;
    assert_eq!(action["reference"], "A7.1");
    assert_eq!(action["lead_organisation"]["id"], police.as_str());
    assert_eq!(
        action["supporting_organisations"][0]["id"],
        university.as_str()
    );
    assert_eq!(action["ambitions"].as_array().unwrap().len(), 2);
    assert_eq!(action["commitments"][0]["id"], id(&commitments[0]));
    assert_eq!(action["target_date"], "2026-08-31");
    assert!(action["start_date"].is_null());
    let shown = admin.get(&location).await;
    assert!(shown.has("The action has been added to the plan"));
    assert!(shown.has(&format!("/admin/actions/{action_id}/archive")));

    // Re-assigned to the university, without supporters, and renamed.
    let edit = format!("/admin/actions/{action_id}");
    let form = admin.get(&edit).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(chosen(&form, &police), "the lead is selected");
    assert!(chosen(&form, id(&ambitions[4])));
    assert_eq!(form.input("target_date-day").as_deref(), Some("31"));
    let version = form.input("version").unwrap();
    let mut fields = action_fields(
        &csrf,
        "A7.1",
        "We will run a summer and winter programme",
        "Free activities in every district.",
        &university,
        &[],
        &[id(&ambitions[1]), id(&ambitions[4])],
        &[id(&commitments[0])],
    );
    fields.push(field("version", &version));
    fields.extend(date("target_date", "31", "8", "2026"));
    let saved = post(&mut admin, &edit, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.location.as_deref(),
        Some(format!("/actions/{action_id}?done=action-saved").as_str())
    );
    let action = app.read(&token, &api).await;
    assert_eq!(action["lead_organisation"]["id"], university.as_str());
    assert!(
        action["supporting_organisations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(action["title"], "We will run a summer and winter programme");
    assert_eq!(action["version"], 2, "one change, one version");

    // Archived from a page that says what archiving does.
    let dashboard = format!("/api/v1/strategies/{strategy}/dashboard");
    assert_eq!(app.read(&token, &dashboard).await["totals"]["total"], 26);
    let confirm = admin.get(&format!("{edit}/archive")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.has("What archiving does"));
    let archived = admin
        .post(
            &format!("{edit}/archive"),
            &[
                ("csrf_token", &csrf),
                ("version", &confirm.input("version").unwrap()),
            ],
        )
        .await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER, "{}", archived.body);
    assert_eq!(app.read(&token, &api).await["archived"], true);
    assert_eq!(app.read(&token, &dashboard).await["totals"]["total"], 25);
    let shown = admin.get(&format!("/actions/{action_id}")).await;
    assert!(shown.has("This action was archived on"));
    assert!(!shown.has(&format!("action=\"/actions/{action_id}/note\"")));
    let setup = admin.get(&format!("/admin/strategies/{strategy}")).await;
    assert!(setup.has("Archived actions"));
    assert!(setup.has(&format!("/admin/actions/{action_id}/restore")));
    // Its set-up form says why it cannot be changed now.
    assert_eq!(admin.get(&edit).await.status, StatusCode::CONFLICT);

    // And restored.
    let confirm = admin.get(&format!("{edit}/restore")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.has("What restoring does"));
    let restored = admin
        .post(
            &format!("{edit}/restore"),
            &[
                ("csrf_token", &csrf),
                ("version", &confirm.input("version").unwrap()),
            ],
        )
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER, "{}", restored.body);
    assert_eq!(app.read(&token, &api).await["archived"], false);
    assert_eq!(app.read(&token, &dashboard).await["totals"]["total"], 26);
}

#[actix_web::test]
async fn a_refused_action_form_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let token = app.admin().await;
    let strategy = app.demo_strategy(&token).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let police = app.organisation_id(&token, "Police").await;
    let ambitions = statements(&app, &token, &strategy, "ambitions").await;
    let actions = app.count("SELECT count(*) FROM actions").await;
    let mut admin = Browser::new(&app);
    admin.sign_in(ADMIN).await;
    let path = format!("/admin/strategies/{strategy}/actions");
    let csrf = admin.get(&format!("{path}/new")).await.csrf();

    // A reference another action has.
    let mut fields = action_fields(
        &csrf,
        "A1.1",
        "We will meet every care leaver",
        "A description typed at length.",
        &police,
        &[],
        &[id(&ambitions[2])],
        &[],
    );
    fields.extend(date("target_date", "30", "9", "2026"));
    let refused = post(&mut admin, &path, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("href=\"#reference\""));
    assert!(refused.has("This strategy already has an action with this reference"));
    assert_eq!(refused.input("reference").as_deref(), Some("A1.1"));
    assert_eq!(
        refused.input("title").as_deref(),
        Some("We will meet every care leaver")
    );
    assert!(refused.has("A description typed at length.</textarea>"));
    assert!(chosen(&refused, &police));
    assert!(chosen(&refused, id(&ambitions[2])));
    assert_eq!(refused.input("target_date-month").as_deref(), Some("9"));

    // No title, no ambition, half a date.
    let mut fields = action_fields(&csrf, "A7.2", "", "Kept", &police, &[], &[], &[]);
    fields.extend(date("target_date", "30", "", "2026"));
    let refused = post(&mut admin, &path, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("Enter a title"));
    assert!(refused.has("The target date must include a month"));
    assert_eq!(refused.input("reference").as_deref(), Some("A7.2"));
    let fields = action_fields(&csrf, "A7.2", "Titled now", "Kept", &police, &[], &[], &[]);
    let refused = post(&mut admin, &path, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("href=\"#ambition_ids\""));
    assert!(refused.has("Select at least one ambition the action serves"));
    assert_eq!(refused.input("title").as_deref(), Some("Titled now"));
    assert_eq!(app.count("SELECT count(*) FROM actions").await, actions);
}

#[actix_web::test]
async fn a_stale_action_form_shows_what_changed_and_keeps_the_text() {
    let app = TestApp::spawn().await;
    let token = app.admin().await;
    let action = app.action(&token, "A1.1").await;
    let action_id = id(&action).to_owned();
    let mut admin = Browser::new(&app);
    admin.sign_in(ADMIN).await;
    let edit = format!("/admin/actions/{action_id}");
    let form = admin.get(&edit).await;
    let version = form.input("version").unwrap();
    let csrf = form.csrf();

    // Someone renames it meanwhile.
    let renamed = app
        .send_json(
            "PATCH",
            &format!("/api/v1/actions/{action_id}"),
            &token,
            Some(&format!("\"{version}\"")),
            &serde_json::json!({ "title": "Renamed by someone else" }),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);

    let typed = form.input("title").unwrap();
    let fields = with(
        filled(&action, &csrf),
        "description",
        "My new description, typed with care.",
    );
    let stale = post_owned(&mut admin, &edit, &fields).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.has("Someone else changed this action while you were editing it"));
    assert!(stale.has("Where the saved record and your form differ"));
    assert!(stale.has("Renamed by someone else"));
    assert!(stale.has("My new description, typed with care.</textarea>"));
    let current = stale.input("version").unwrap();
    assert_ne!(current, version, "the form now names the version saved");
    assert_eq!(
        app.read(&token, &format!("/api/v1/actions/{action_id}"))
            .await["description"],
        action["description"],
        "nothing saved"
    );

    // Sent again, it is saved.
    let fields = with(fields, "version", &current);
    let saved = post_owned(&mut admin, &edit, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stored = app
        .read(&token, &format!("/api/v1/actions/{action_id}"))
        .await;
    assert_eq!(
        stored["description"],
        "My new description, typed with care."
    );
    assert_eq!(stored["title"], typed.as_str());
    assert_eq!(
        stored["target_date"], action["target_date"],
        "the rest as it was"
    );
    assert_eq!(
        stored["supporting_organisations"],
        action["supporting_organisations"]
    );
}

#[actix_web::test]
async fn members_and_the_chair_get_only_what_the_permission_table_gives_them() {
    let app = TestApp::spawn().await;
    let token = app.admin().await;
    let strategy = app.demo_strategy(&token).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ambition = statements(&app, &token, &strategy, "ambitions").await[0].clone();
    let police = app.organisation_id(&token, "Police").await;
    let university = app.organisation_id(&token, "Trent").await;
    let led = app.action(&token, "A1.1").await;
    assert_eq!(led["lead_organisation"]["id"], police.as_str());
    let led_id = id(&led).to_owned();
    let audited = "SELECT count(*) FROM audit_events";
    let before = app.count(audited).await;
    let strategy_page = format!("/admin/strategies/{strategy}");
    let ambition_page = format!("{strategy_page}/ambitions/{}", id(&ambition));

    // A board member: no strategy set-up, no new or re-assigned actions.
    let mut member = Browser::new(&app);
    member.sign_in(POLICE).await;
    let csrf = member.get("/").await.csrf();
    for path in [
        "/admin/strategies".to_owned(),
        "/admin/strategies/new".to_owned(),
        strategy_page.clone(),
        format!("{strategy_page}/ambitions/new"),
        ambition_page.clone(),
        format!("{ambition_page}/delete"),
        format!("{strategy_page}/actions/new"),
        format!("/admin/actions/{led_id}/archive"),
    ] {
        let page = member.get(&path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "GET {path}");
        assert!(page.has("You cannot do that"), "GET {path}");
    }
    let mut strategy_fields = vec![
        field("csrf_token", &csrf),
        field("version", "1"),
        field("title", "Taken over"),
        field("status", "archived"),
    ];
    strategy_fields.extend(date("period_start", "1", "4", "2022"));
    strategy_fields.extend(date("period_end", "31", "3", "2025"));
    for path in ["/admin/strategies", strategy_page.as_str()] {
        let refused = post(&mut member, path, &strategy_fields).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "POST {path}");
    }
    let refused = member
        .post(
            &format!("{strategy_page}/ambitions"),
            &[("csrf_token", &csrf), ("title", "Added by a member")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = member
        .post(
            &format!("{ambition_page}/delete"),
            &[("csrf_token", &csrf), ("version", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let fields = action_fields(
        &csrf,
        "A7.9",
        "Added by a member",
        "",
        &police,
        &[],
        &[id(&ambition)],
        &[],
    );
    let refused = post(&mut member, &format!("{strategy_page}/actions"), &fields).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = member
        .post(
            &format!("/admin/actions/{led_id}/archive"),
            &[
                ("csrf_token", &csrf),
                ("version", &led["version"].to_string()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // The lead organisation changes its action's details, not its lead.
    let form = member.get(&format!("/admin/actions/{led_id}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.input("title").is_some());
    assert!(form.input("reference").is_none());
    assert!(!form.has("name=\"lead_organisation_id\""));
    // Sent with another lead, the form changes only what it shows.
    let version = led["version"].to_string();
    let fields = with(filled(&led, &csrf), "lead_organisation_id", &university);
    let saved = post_owned(&mut member, &format!("/admin/actions/{led_id}"), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(app.count(audited).await, before, "nothing changed");
    assert_eq!(
        app.read(&token, &format!("/api/v1/actions/{led_id}")).await["lead_organisation"]["id"],
        police.as_str()
    );

    // A member of another organisation changes nothing of it.
    let mut other = Browser::new(&app);
    other.sign_in("probation@example.org").await;
    assert_eq!(
        other.get(&format!("/admin/actions/{led_id}")).await.status,
        StatusCode::FORBIDDEN
    );
    let mut viewer = Browser::new(&app);
    viewer.sign_in("viewer@example.org").await;
    assert_eq!(
        viewer.get(&format!("/admin/actions/{led_id}")).await.status,
        StatusCode::FORBIDDEN
    );

    // The chair: no strategy set-up, but actions re-assigned and archived.
    let mut chair = Browser::new(&app);
    chair.sign_in(CHAIR).await;
    let csrf = chair.get("/").await.csrf();
    for path in [
        "/admin/strategies".to_owned(),
        strategy_page.clone(),
        ambition_page.clone(),
    ] {
        assert_eq!(
            chair.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "GET {path}"
        );
    }
    strategy_fields[0] = field("csrf_token", &csrf);
    let refused = post(&mut chair, &strategy_page, &strategy_fields).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = chair
        .post(
            &format!("{ambition_page}/delete"),
            &[("csrf_token", &csrf), ("version", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count(audited).await, before, "nothing changed");
    let plan = chair.get("/plan").await;
    assert!(plan.has(&format!("{strategy_page}/actions/new")));
    assert_eq!(
        chair
            .get(&format!("{strategy_page}/actions/new"))
            .await
            .status,
        StatusCode::OK
    );
    let form = chair.get(&format!("/admin/actions/{led_id}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.input("reference").is_some());
    assert!(
        form.input("title").is_none(),
        "the chair does not edit details"
    );
    let fields = vec![
        field("csrf_token", &csrf),
        field("version", &version),
        field("reference", "A1.1"),
        field("lead_organisation_id", &university),
    ];
    let saved = post(&mut chair, &format!("/admin/actions/{led_id}"), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let action = app.read(&token, &format!("/api/v1/actions/{led_id}")).await;
    assert_eq!(action["lead_organisation"]["id"], university.as_str());
    let archived = chair
        .post(
            &format!("/admin/actions/{led_id}/archive"),
            &[
                ("csrf_token", &csrf),
                ("version", &action["version"].to_string()),
            ],
        )
        .await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER, "{}", archived.body);
    assert_eq!(
        app.read(&token, &format!("/api/v1/actions/{led_id}")).await["archived"],
        true
    );
}

#[actix_web::test]
async fn stale_strategy_and_ambition_forms_show_what_changed_and_keep_the_text() {
    let app = TestApp::spawn().await;
    let token = app.admin().await;
    let strategy = app.demo_strategy(&token).await;
    let strategy_id = id(&strategy).to_owned();
    let ambition = statements(&app, &token, &strategy_id, "ambitions").await[0].clone();
    let mut admin = Browser::new(&app);
    admin.sign_in(ADMIN).await;

    // The ambition, changed through the API while its form is open.
    let edit = format!(
        "/admin/strategies/{strategy_id}/ambitions/{}",
        id(&ambition)
    );
    let form = admin.get(&edit).await;
    let version = form.input("version").unwrap();
    let changed = app
        .send_json(
            "PATCH",
            &format!("/api/v1/ambitions/{}", id(&ambition)),
            &token,
            Some(&format!("\"{version}\"")),
            &serde_json::json!({ "title": "Is safe, feels safe and is heard" }),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let stale = admin
        .post(
            &edit,
            &[
                ("csrf_token", &form.csrf()),
                ("version", &version),
                ("number", "1"),
                ("title", "Is safe and feels safe"),
                ("description", "A description typed meanwhile."),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.has("Someone else changed this while you were editing it"));
    assert!(stale.has("Is safe, feels safe and is heard"));
    assert!(stale.has("A description typed meanwhile.</textarea>"));
    assert_ne!(stale.input("version"), Some(version));
    let stored = app
        .read(&token, &format!("/api/v1/ambitions/{}", id(&ambition)))
        .await;
    assert_eq!(stored["title"], "Is safe, feels safe and is heard");
    assert_ne!(stored["description"], "A description typed meanwhile.");

    // The strategy, likewise.
    let path = format!("/admin/strategies/{strategy_id}");
    let page = admin.get(&path).await;
    let version = page.input("version").unwrap();
    let changed = app
        .send_json(
            "PATCH",
            &format!("/api/v1/strategies/{strategy_id}"),
            &token,
            Some(&format!("\"{version}\"")),
            &serde_json::json!({ "vision": "A vision saved meanwhile" }),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let csrf = page.csrf();
    let mut fields = vec![
        field("csrf_token", &csrf),
        field("version", &version),
        field("title", "A title typed meanwhile"),
        field("vision", "The vision as it was read"),
        field("status", "active"),
    ];
    let partners: Vec<String> = strategy["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| id(o).to_owned())
        .collect();
    fields.extend(partners.iter().map(|p| field("partner_ids", p)));
    fields.extend(date("period_start", "1", "4", "2022"));
    fields.extend(date("period_end", "31", "3", "2025"));
    let stale = post(&mut admin, &path, &fields).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.has("Someone else changed this strategy while you were editing it"));
    assert!(stale.has("A vision saved meanwhile"));
    assert_eq!(
        stale.input("title").as_deref(),
        Some("A title typed meanwhile")
    );
    assert_eq!(
        app.read(&token, &format!("/api/v1/strategies/{strategy_id}"))
            .await["title"],
        strategy["title"]
    );
}
