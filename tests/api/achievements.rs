//! Achievements through the API: a member writes one for an action their
//! organisation leads, with voices; the chair approves it; drafts stay with
//! their organisation, the chair and administrators; text with an obvious
//! identifier is refused and nothing is stored; and the permission table's
//! rows for achievements, cell by cell.

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem};

struct Fixture {
    strategy: String,
    /// Led by the police.
    police_action: String,
    /// Supported, not led, by the police.
    supported_action: String,
    police: String,
    ambition: String,
}

async fn fixture(app: &TestApp, admin: &str) -> Fixture {
    let strategy = app.demo_strategy(admin).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let police = app.organisation_id(admin, "Nottinghamshire Police").await;
    let police_action = app.action(admin, "A1.1").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let involved = app
        .read(
            admin,
            &format!("/api/v1/actions?organisation_id={police}&limit=500"),
        )
        .await;
    let supported_action = involved["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["lead_organisation"]["id"] != police.as_str())
        .expect("the police support an action they do not lead")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ambitions = app
        .read(admin, &format!("/api/v1/strategies/{strategy}/ambitions"))
        .await;
    Fixture {
        ambition: ambitions["items"][0]["id"].as_str().unwrap().to_owned(),
        strategy,
        police_action,
        supported_action,
        police,
    }
}

fn body(f: &Fixture, title: &str, action: &str) -> Value {
    json!({
        "strategy_id": f.strategy,
        "title": title,
        "achieved": "Officers trained in trauma-informed practice across the county.",
        "meant": "Young people said police contact felt calmer and fairer.",
        "achieved_on": "2024-06-30",
        "ambition_ids": [f.ambition],
        "action_ids": [action],
        "tags": ["Training", " local offer ", "Local Offer"],
        "figures": [
            {"label": "officers trained", "value": 412, "unit": "officers", "as_of": "2024-06-30"}
        ],
        "voices": [
            {"kind": "quote", "text": "It's nice to know people care about me, and I'm not just a dusty file on a shelf.",
             "role": "care leaver", "age_band": "21-24",
             "consent_organisation_id": f.police, "consent_on": "2024-07-02"},
            {"kind": "story", "text": "A young person who ran away three times now calls their officer when worried.",
             "role": "young person in care", "age_band": "16-17",
             "consent_organisation_id": f.police, "consent_on": "2024-07-02"}
        ],
    })
}

async fn write(app: &TestApp, token: &str, body: &Value) -> (StatusCode, Value) {
    let mut response = app
        .post("/api/v1/achievements")
        .bearer_auth(token)
        .send_json(body)
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn decide(app: &TestApp, token: &str, id: &str, verb: &str, body: &Value) -> StatusCode {
    let path = format!("/api/v1/achievements/{id}");
    let etag = app.etag(token, &path).await;
    app.send_json("POST", &format!("{path}/{verb}"), token, Some(&etag), body)
        .await
        .status()
}

fn titles(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_member_writes_an_achievement_and_the_chair_approves_it_for_everyone() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let police = app.token("police@example.org").await;
    let chair = app.token("chair@example.org").await;
    let other = app.token("ntu@example.org").await;
    let viewer = app.token("viewer@example.org").await;
    let f = fixture(&app, &admin).await;

    let (status, written) = write(
        &app,
        &police,
        &body(&f, "Trauma-informed policing", &f.police_action),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{written}");
    let id = written["id"].as_str().unwrap().to_owned();
    assert_eq!(written["status"], "draft");
    assert_eq!(written["organisation"]["id"], f.police.as_str());
    assert_eq!(
        written["tags"],
        json!(["Training", "local offer"]),
        "tags tidied"
    );
    assert_eq!(written["voices"][0]["age_band"], "21-24");
    assert_eq!(written["voices"][1]["kind"], "story");
    assert_eq!(written["figures"][0]["value"], 412);
    assert_eq!(written["actions"][0]["reference"], "A1.1");
    assert_eq!(written["allowed_actions"], json!(["update", "delete"]));

    // The draft: seen by its organisation, the chair and administrators.
    let path = format!("/api/v1/achievements/{id}");
    for (token, seen) in [
        (&police, true),
        (&chair, true),
        (&admin, true),
        (&other, false),
        (&viewer, false),
    ] {
        let status = app
            .get(&path)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status();
        let expected = if seen {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(status, expected);
        let list = app
            .read(
                token,
                &format!("/api/v1/achievements?strategy_id={}", f.strategy),
            )
            .await;
        assert_eq!(
            titles(&list).contains(&"Trauma-informed policing".to_owned()),
            seen
        );
    }

    // Returned with a comment, changed by the police, approved by the chair.
    assert_eq!(
        decide(&app, &chair, &id, "return", &json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "returning says what to change"
    );
    assert_eq!(
        decide(
            &app,
            &chair,
            &id,
            "return",
            &json!({"comment": "Please add the month."})
        )
        .await,
        StatusCode::OK
    );
    let returned = app.read(&police, &path).await;
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["review_comment"], "Please add the month.");
    let etag = app.etag(&police, &path).await;
    let mut changed = body(&f, "Trauma-informed policing, June 2024", &f.police_action);
    changed["strategy_id"] = Value::Null;
    let response = app
        .send_json("PUT", &path, &police, Some(&etag), &changed)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.read(&police, &path).await["status"], "draft");
    assert_eq!(
        decide(&app, &police, &id, "approve", &json!({})).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        decide(&app, &chair, &id, "approve", &json!({})).await,
        StatusCode::OK
    );
    assert_eq!(
        decide(&app, &chair, &id, "approve", &json!({})).await,
        StatusCode::CONFLICT,
        "approved already"
    );
    for token in [&other, &viewer] {
        assert_eq!(app.read(token, &path).await["status"], "approved");
    }

    // A member's change to an approved achievement sends it back to the
    // chair; it leaves what others read until approved again.
    let etag = app.etag(&police, &path).await;
    let response = app
        .send_json("PUT", &path, &police, Some(&etag), &changed)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        app.get(&path)
            .bearer_auth(&viewer)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    // Audited, and in the change feed.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_events WHERE entity = 'achievement' AND entity_id = '{id}'"
        ))
        .await,
        5,
        "written, returned, changed, approved, changed (the refused approval left none)"
    );
    let mut cursor: Option<String> = None;
    let mut kinds = Vec::new();
    loop {
        let path = match &cursor {
            Some(since) => format!("/api/v1/changes?limit=500&since={since}"),
            None => "/api/v1/changes?limit=500".to_owned(),
        };
        let page = app.read(&admin, &path).await;
        let items = page["items"].as_array().unwrap();
        kinds.extend(
            items
                .iter()
                .filter(|c| c["entity"] == "achievement" && c["id"] == id.as_str())
                .map(|c| c["kind"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) if !items.is_empty() => cursor = Some(next.to_owned()),
            _ => break,
        }
    }
    assert_eq!(
        kinds,
        ["create", "delete"],
        "the feed carries it only while approved: approved, then withdrawn by the change"
    );
}

#[actix_web::test]
async fn text_with_an_identifier_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let police = app.token("police@example.org").await;
    let f = fixture(&app, &admin).await;
    let before = app.count("SELECT count(*) FROM achievements").await;
    let cases = [
        (
            "voices[1].text",
            "an email address",
            "Write to her at jo.bloggs@example.org",
        ),
        (
            "voices[1].text",
            "a telephone number",
            "He rang 07700 900123 every night",
        ),
        ("voices[1].text", "a postcode", "She now lives near NG2 7QP"),
        (
            "voices[1].text",
            "a date of birth",
            "Born 03/04/2008, came into care at 12",
        ),
    ];
    for (field, found, text) in cases {
        let mut sent = body(&f, "Identifying", &f.police_action);
        sent["voices"][1]["text"] = json!(text);
        let response = app
            .post("/api/v1/achievements")
            .bearer_auth(&police)
            .send_json(&sent)
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{text}"
        );
        let problem = problem(response).await;
        let errors = problem["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["message"].as_str().unwrap().contains(found)),
            "{text}: {problem}"
        );
    }
    let mut sent = body(&f, "Identifying role", &f.police_action);
    sent["voices"][0]["role"] = json!("care leaver, NG17 5LD");
    let (status, _) = write(&app, &police, &sent).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut sent = body(&f, "Bad band", &f.police_action);
    sent["voices"][0]["age_band"] = json!("22");
    let (status, _) = write(&app, &police, &sent).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT count(*) FROM achievements").await, before);
    assert_eq!(
        app.count("SELECT count(*) FROM achievement_voices WHERE text LIKE '%example.org%' OR text LIKE '%07700%'").await,
        0
    );

    // Approval needs consent recorded for every voice.
    let mut sent = body(&f, "No consent yet", &f.police_action);
    sent["voices"][1]["consent_organisation_id"] = Value::Null;
    sent["voices"][1]["consent_on"] = Value::Null;
    let (status, written) = write(&app, &police, &sent).await;
    assert_eq!(status, StatusCode::CREATED);
    let chair = app.token("chair@example.org").await;
    let id = written["id"].as_str().unwrap();
    let path = format!("/api/v1/achievements/{id}");
    let etag = app.etag(&chair, &path).await;
    let response = app
        .send_json(
            "POST",
            &format!("{path}/approve"),
            &chair,
            Some(&etag),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = problem(response).await;
    assert_eq!(
        problem["errors"][0]["field"],
        "voices[1].consent_organisation_id"
    );
    assert_eq!(app.read(&chair, &path).await["status"], "draft");
}

/// The callers of the permission table.
const CALLERS: [&str; 5] = [
    "admin@example.org",
    "chair@example.org",
    "police@example.org",
    "ntu@example.org",
    "viewer@example.org",
];

#[actix_web::test]
async fn the_permission_table_for_achievements_cell_by_cell() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let police = app.token("police@example.org").await;
    let f = fixture(&app, &admin).await;
    // Expected, for admin, chair, member (own), member (other), viewer.
    let write_own = [true, true, true, false, false];
    let write_supported = [true, true, true, false, false];
    let edit = [true, true, true, false, false];
    let approve = [true, true, false, false, false];
    let read_draft = [true, true, true, false, false];
    for (column, email) in CALLERS.into_iter().enumerate() {
        let token = app.token(email).await;
        let (status, _) = write(
            &app,
            &token,
            &body(&f, &format!("Led {column}"), &f.police_action),
        )
        .await;
        assert_eq!(
            status == StatusCode::CREATED,
            write_own[column],
            "{email} writes for A1.1: {status}"
        );
        let (status, _) = write(
            &app,
            &token,
            &body(&f, &format!("Supported {column}"), &f.supported_action),
        )
        .await;
        assert_eq!(
            status == StatusCode::CREATED,
            write_supported[column],
            "{email} writes for a supported action: {status}"
        );

        let (status, draft) = write(
            &app,
            &police,
            &body(&f, &format!("Draft {column}"), &f.police_action),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let path = format!("/api/v1/achievements/{}", draft["id"].as_str().unwrap());
        let status = app
            .get(&path)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(
            status == StatusCode::OK,
            read_draft[column],
            "{email} reads a draft: {status}"
        );

        let etag = app.etag(&admin, &path).await;
        let mut changed = body(&f, &format!("Draft {column}, changed"), &f.police_action);
        changed["strategy_id"] = Value::Null;
        let status = app
            .send_json("PUT", &path, &token, Some(&etag), &changed)
            .await
            .status();
        let expected = match (edit[column], read_draft[column]) {
            (true, _) => StatusCode::OK,
            (false, true) => StatusCode::FORBIDDEN,
            (false, false) => StatusCode::NOT_FOUND,
        };
        assert_eq!(status, expected, "{email} edits the police's draft");

        let etag = app.etag(&admin, &path).await;
        let status = app
            .send_json(
                "POST",
                &format!("{path}/approve"),
                &token,
                Some(&etag),
                &json!({}),
            )
            .await
            .status();
        assert_eq!(
            status == StatusCode::OK,
            approve[column],
            "{email} approves: {status}"
        );
    }

    // A system token reads approved achievements only, and writes nothing.
    let mut created = app
        .post("/api/v1/tokens")
        .bearer_auth(&admin)
        .send_json(&json!({ "name": "County BI dashboard" }))
        .await
        .unwrap();
    let system = created.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = write(&app, &system, &body(&f, "By a system", &f.police_action)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, draft) = write(
        &app,
        &police,
        &body(&f, "Unseen by systems", &f.police_action),
    )
    .await;
    let path = format!("/api/v1/achievements/{}", draft["id"].as_str().unwrap());
    let status = app
        .get(&path)
        .bearer_auth(&system)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::NOT_FOUND);
    let listed = app.read(&system, "/api/v1/achievements?limit=500").await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["status"] == "approved")
    );
    let etag = app.etag(&admin, &path).await;
    let status = app
        .send_json(
            "POST",
            &format!("{path}/approve"),
            &system,
            Some(&etag),
            &json!({}),
        )
        .await
        .status();
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A member edits only their own organisation's achievement, even for
    // an action they support.
    let chair = app.token("chair@example.org").await;
    let (_, by_chair) = write(&app, &chair, &body(&f, "The chair's", &f.police_action)).await;
    assert_ne!(by_chair["organisation"]["id"], f.police.as_str());
    let path = format!("/api/v1/achievements/{}", by_chair["id"].as_str().unwrap());
    let etag = app.etag(&admin, &path).await;
    let mut changed = body(&f, "Taken over", &f.police_action);
    changed["strategy_id"] = Value::Null;
    assert_eq!(
        app.send_json("PUT", &path, &police, Some(&etag), &changed)
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "another organisation's draft does not exist for the police"
    );
}

#[actix_web::test]
async fn an_ambition_an_achievement_serves_is_not_deleted_from_under_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let police = app.token("police@example.org").await;
    let f = fixture(&app, &admin).await;
    let mut created = app
        .post(&format!("/api/v1/strategies/{}/ambitions", f.strategy))
        .bearer_auth(&admin)
        .send_json(&json!({ "title": "Has a say in their care" }))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let ambition = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut sent = body(&f, "Served", &f.police_action);
    sent["ambition_ids"] = json!([ambition]);
    let (status, _) = write(&app, &police, &sent).await;
    assert_eq!(status, StatusCode::CREATED);
    let path = format!("/api/v1/ambitions/{ambition}");
    let etag = app.etag(&admin, &path).await;
    let response = app
        .delete(&path)
        .bearer_auth(&admin)
        .insert_header(("If-Match", etag))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    problem(response).await;
    assert_eq!(app.read(&admin, &path).await["id"], ambition.as_str());
}
