//! The permission table of the design, walked through the API: every
//! capability, tried by every kind of caller, on their own organisation's
//! work and on another's.

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// The columns of the table.
#[derive(Debug, Clone, Copy)]
enum Caller {
    Admin,
    Chair,
    /// The Nottinghamshire Police member: A1.1 is police-led, police pledge.
    MemberOwn,
    /// The Nottingham Trent University member: no part in A1.1.
    MemberOther,
    Viewer,
}

const CALLERS: [Caller; 5] = [
    Caller::Admin,
    Caller::Chair,
    Caller::MemberOwn,
    Caller::MemberOther,
    Caller::Viewer,
];

fn email(caller: Caller) -> &'static str {
    match caller {
        Caller::Admin => "admin@example.org",
        Caller::Chair => "chair@example.org",
        Caller::MemberOwn => "police@example.org",
        Caller::MemberOther => "ntu@example.org",
        Caller::Viewer => "viewer@example.org",
    }
}

/// One capability, exercised by one request.
#[derive(Debug, Clone, Copy)]
enum Capability {
    ReadActions,
    ReadAction,
    ReadUpdates,
    ReadMilestones,
    ReadPledges,
    ReadStrategy,
    CreateOrganisation,
    EditOrganisation,
    EditStrategy,
    CreateAmbition,
    EditCommitment,
    CreateAction,
    ReassignAction,
    DeleteAction,
    EditActionDetails,
    CreateMilestone,
    EditMilestone,
    DeleteMilestone,
    PostRatedUpdate,
    PostNoteAsLead,
    PostNoteAsSupporter,
    WritePledge,
    ListUsers,
    CreateUser,
    EraseUser,
    ReadAuditLog,
    ClosePeriod,
    ReadDashboard,
    ReadReport,
    ReadIndicators,
    DefineIndicator,
    RecordIndicatorValue,
}

use Capability::*;

/// Expected answers for admin, chair, member (own), member (other), viewer.
const TABLE: &[(Capability, [bool; 5])] = &[
    // read plan, updates, pledges, reports: everyone
    (ReadActions, [true, true, true, true, true]),
    (ReadAction, [true, true, true, true, true]),
    (ReadUpdates, [true, true, true, true, true]),
    (ReadMilestones, [true, true, true, true, true]),
    (ReadPledges, [true, true, true, true, true]),
    (ReadStrategy, [true, true, true, true, true]),
    // create or edit strategy, ambitions, commitments, organisations: admin
    (CreateOrganisation, [true, false, false, false, false]),
    (EditOrganisation, [true, false, false, false, false]),
    (EditStrategy, [true, false, false, false, false]),
    (CreateAmbition, [true, false, false, false, false]),
    (EditCommitment, [true, false, false, false, false]),
    // create, re-assign or delete actions: admin, chair
    (CreateAction, [true, true, false, false, false]),
    (ReassignAction, [true, true, false, false, false]),
    (DeleteAction, [true, true, false, false, false]),
    // edit details and milestones, rated update: admin, lead organisation
    (EditActionDetails, [true, false, true, false, false]),
    (CreateMilestone, [true, false, true, false, false]),
    (EditMilestone, [true, false, true, false, false]),
    (DeleteMilestone, [true, false, true, false, false]),
    (PostRatedUpdate, [true, false, true, false, false]),
    // note without a RAG: admin, chair, lead or supporting organisation
    (PostNoteAsLead, [true, true, true, false, false]),
    (PostNoteAsSupporter, [true, true, true, false, false]),
    // pledge: admin, own organisation
    (WritePledge, [true, false, true, false, false]),
    // users: admin; audit log: admin and chair
    (ListUsers, [true, false, false, false, false]),
    (CreateUser, [true, false, false, false, false]),
    // erase a user's personal data (UK GDPR): admin
    (EraseUser, [true, false, false, false, false]),
    (ReadAuditLog, [true, true, false, false, false]),
    // close a reporting period: admin, chair
    (ClosePeriod, [true, true, false, false, false]),
    // reports: everyone
    (ReadDashboard, [true, true, true, true, true]),
    (ReadReport, [true, true, true, true, true]),
    (ReadIndicators, [true, true, true, true, true]),
    // indicators: defined by admin, values recorded by the owning organisation
    (DefineIndicator, [true, false, false, false, false]),
    (RecordIndicatorValue, [true, false, true, false, false]),
];

/// Ids the requests refer to, from the demo data.
struct Fixture {
    strategy: String,
    police_action: String,
    /// An action the police support but do not lead.
    supported_action: String,
    police: String,
    ambition: String,
    commitment: String,
    /// The indicator the police own.
    police_indicator: String,
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
    let commitments = app
        .read(admin, &format!("/api/v1/strategies/{strategy}/commitments"))
        .await;
    let indicators = app
        .read(admin, &format!("/api/v1/strategies/{strategy}/indicators"))
        .await;
    let police_indicator = indicators["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["owner"]["id"] == police.as_str())
        .expect("the police own an indicator")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Fixture {
        police_indicator,
        ambition: ambitions["items"][0]["id"].as_str().unwrap().to_owned(),
        commitment: commitments["items"][3]["id"].as_str().unwrap().to_owned(),
        strategy,
        police_action,
        supported_action,
        police,
    }
}

/// Makes the request for `capability` as the holder of `token`, setting up
/// (as the administrator) whatever it needs first. Returns the status.
async fn attempt(
    app: &TestApp,
    admin: &str,
    f: &Fixture,
    capability: Capability,
    token: &str,
    n: usize,
) -> StatusCode {
    let get = |path: String| async move {
        app.get(&path)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
    };
    let post = |path: String, body: Value| async move {
        app.post(&path)
            .bearer_auth(token)
            .send_json(&body)
            .await
            .unwrap()
            .status()
    };
    let patch = |path: String, body: Value| async move {
        let etag = app.etag(admin, &path).await;
        app.patch(&path)
            .bearer_auth(token)
            .insert_header(("If-Match", etag))
            .send_json(&body)
            .await
            .unwrap()
            .status()
    };
    let delete = |path: String| async move {
        let etag = app.etag(admin, &path).await;
        app.delete(&path)
            .bearer_auth(token)
            .insert_header(("If-Match", etag))
            .send()
            .await
            .unwrap()
            .status()
    };
    let new_action = || async {
        let mut response = app
            .post("/api/v1/actions")
            .bearer_auth(admin)
            .send_json(&json!({
                "strategy_id": f.strategy, "reference": format!("T{n}"), "title": "Target",
                "lead_organisation_id": f.police, "ambition_ids": [f.ambition],
            }))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let new_milestone = || async {
        let mut response = app
            .post(&format!("/api/v1/actions/{}/milestones", f.police_action))
            .bearer_auth(admin)
            .send_json(&json!({ "title": format!("Target {n}"), "due_date": "2030-01-01" }))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let action = &f.police_action;
    match capability {
        ReadActions => get("/api/v1/actions?include=latest_update,milestones".into()).await,
        ReadAction => get(format!("/api/v1/actions/{action}")).await,
        ReadUpdates => get(format!("/api/v1/actions/{action}/updates")).await,
        ReadMilestones => get(format!("/api/v1/actions/{action}/milestones")).await,
        ReadPledges => get(format!("/api/v1/pledges?organisation_id={}", f.police)).await,
        ReadStrategy => get(format!("/api/v1/strategies/{}/ambitions", f.strategy)).await,
        CreateOrganisation => {
            post(
                "/api/v1/organisations".into(),
                json!({ "name": format!("Org {n}"), "kind": "other" }),
            )
            .await
        }
        EditOrganisation => {
            patch(
                format!("/api/v1/organisations/{}", f.police),
                json!({ "short_name": format!("P{n}") }),
            )
            .await
        }
        EditStrategy => {
            patch(
                format!("/api/v1/strategies/{}", f.strategy),
                json!({ "vision": format!("Vision {n}") }),
            )
            .await
        }
        CreateAmbition => {
            post(
                format!("/api/v1/strategies/{}/ambitions", f.strategy),
                json!({ "title": "More" }),
            )
            .await
        }
        EditCommitment => {
            patch(
                format!("/api/v1/commitments/{}", f.commitment),
                json!({ "description": format!("d{n}") }),
            )
            .await
        }
        CreateAction => {
            post(
                "/api/v1/actions".into(),
                json!({
                    "strategy_id": f.strategy, "reference": format!("N{n}"), "title": "New",
                    "lead_organisation_id": f.police, "ambition_ids": [f.ambition],
                }),
            )
            .await
        }
        ReassignAction => {
            patch(
                format!("/api/v1/actions/{action}"),
                json!({ "supporting_organisation_ids": [] }),
            )
            .await
        }
        DeleteAction => {
            let target = new_action().await;
            delete(format!("/api/v1/actions/{target}")).await
        }
        EditActionDetails => {
            patch(
                format!("/api/v1/actions/{action}"),
                json!({ "title": format!("Title {n}") }),
            )
            .await
        }
        CreateMilestone => {
            post(
                format!("/api/v1/actions/{action}/milestones"),
                json!({ "title": "Step", "due_date": "2030-06-30" }),
            )
            .await
        }
        EditMilestone => {
            let target = new_milestone().await;
            patch(
                format!("/api/v1/milestones/{target}"),
                json!({ "completed_on": "2029-12-01" }),
            )
            .await
        }
        DeleteMilestone => {
            let target = new_milestone().await;
            delete(format!("/api/v1/milestones/{target}")).await
        }
        PostRatedUpdate => {
            post(
                format!("/api/v1/actions/{action}/updates"),
                json!({ "rag": "green", "progress": "On track" }),
            )
            .await
        }
        PostNoteAsLead => {
            post(
                format!("/api/v1/actions/{action}/updates"),
                json!({ "progress": "A note" }),
            )
            .await
        }
        PostNoteAsSupporter => {
            post(
                format!("/api/v1/actions/{}/updates", f.supported_action),
                json!({ "progress": "A note" }),
            )
            .await
        }
        WritePledge => {
            let path = format!("/api/v1/pledges/{}/{}", f.police, f.commitment);
            let exists = app
                .get(&path)
                .bearer_auth(admin)
                .send()
                .await
                .unwrap()
                .status()
                == StatusCode::OK;
            let mut request = app.client.put(app.url(&path)).bearer_auth(token);
            if exists {
                request = request.insert_header(("If-Match", app.etag(admin, &path).await));
            }
            request
                .send_json(&json!({ "text": format!("Pledge {n}"), "rag": "green" }))
                .await
                .unwrap()
                .status()
        }
        ListUsers => get("/api/v1/users".into()).await,
        CreateUser => {
            post(
                "/api/v1/users".into(),
                json!({
                    "email": format!("new{n}@example.org"), "name": "New", "role": "viewer",
                    "password": "a-long-enough-password",
                }),
            )
            .await
        }
        EraseUser => {
            let mut created = app
                .post("/api/v1/users")
                .bearer_auth(admin)
                .send_json(&json!({
                    "email": format!("leaver{n}@example.org"), "name": format!("Leaver {n}"),
                    "role": "viewer", "password": "a-long-enough-password",
                }))
                .await
                .unwrap();
            assert_eq!(created.status(), StatusCode::CREATED);
            let user: Value = created.json().await.unwrap();
            let path = format!("/api/v1/users/{}/erase", user["id"].as_str().unwrap());
            app.post(&path)
                .bearer_auth(token)
                .insert_header(("If-Match", format!("\"{}\"", user["version"])))
                .send()
                .await
                .unwrap()
                .status()
        }
        ReadAuditLog => get("/api/v1/audit".into()).await,
        ClosePeriod => {
            let starts_on = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap()
                + chrono::Duration::days(7 * n as i64);
            let mut created = app
                .post(&format!("/api/v1/strategies/{}/periods", f.strategy))
                .bearer_auth(admin)
                .send_json(&json!({
                    "name": format!("Period {n}"),
                    "starts_on": starts_on,
                    "ends_on": starts_on + chrono::Duration::days(6),
                }))
                .await
                .unwrap();
            assert_eq!(created.status(), StatusCode::CREATED);
            let period: Value = created.json().await.unwrap();
            let path = format!("/api/v1/periods/{}/close", period["id"].as_str().unwrap());
            app.post(&path)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
        ReadDashboard => get(format!("/api/v1/strategies/{}/dashboard", f.strategy)).await,
        ReadIndicators => get(format!("/api/v1/indicators/{}/values", f.police_indicator)).await,
        DefineIndicator => {
            post(
                format!("/api/v1/strategies/{}/indicators", f.strategy),
                json!({
                    "title": format!("Indicator {n}"), "unit": "count",
                    "direction": "higher_is_better",
                    "baseline_value": 1, "baseline_date": "2024-01-01",
                    "target_value": 2, "target_date": "2025-01-01",
                    "owner_organisation_id": f.police, "ambition_ids": [f.ambition],
                }),
            )
            .await
        }
        RecordIndicatorValue => {
            let as_of = chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap()
                + chrono::Duration::days(n as i64);
            post(
                format!("/api/v1/indicators/{}/values", f.police_indicator),
                json!({ "as_of": as_of, "value": 2.2 }),
            )
            .await
        }
        ReadReport => {
            get(format!(
                "/api/v1/strategies/{}/report?format=html",
                f.strategy
            ))
            .await
        }
    }
}

#[actix_web::test]
async fn every_capability_answers_as_the_permission_table_says() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let f = fixture(&app, &admin).await;
    let mut tokens = Vec::new();
    for caller in CALLERS {
        tokens.push(app.token(email(caller)).await);
    }
    let mut failures = Vec::new();
    let mut n = 0;
    for (capability, expected) in TABLE {
        for ((caller, token), allowed) in CALLERS.iter().zip(&tokens).zip(expected) {
            n += 1;
            let status = attempt(&app, &admin, &f, *capability, token, n).await;
            let ok = if *allowed {
                status.is_success()
            } else {
                status == StatusCode::FORBIDDEN
            };
            if !ok {
                failures.push(format!(
                    "{capability:?} as {caller:?}: got {status}, expected {}",
                    if *allowed { "success" } else { "403" }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[actix_web::test]
async fn allowed_actions_match_the_table() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let f = fixture(&app, &admin).await;
    let expectations: [(Caller, &[&str]); 5] = [
        (
            Caller::Admin,
            &[
                "update",
                "post_update",
                "create_milestone",
                "post_note",
                "reassign",
                "delete",
            ],
        ),
        (Caller::Chair, &["post_note", "reassign", "delete"]),
        (
            Caller::MemberOwn,
            &["update", "post_update", "create_milestone", "post_note"],
        ),
        (Caller::MemberOther, &[]),
        (Caller::Viewer, &[]),
    ];
    for (caller, expected) in expectations {
        let token = app.token(email(caller)).await;
        let action = app
            .read(
                &token,
                &format!("/api/v1/actions/{}?include=milestones", f.police_action),
            )
            .await;
        assert_eq!(
            action["allowed_actions"],
            json!(expected),
            "{caller:?} on A1.1"
        );
        let milestone_actions = &action["milestones"][0]["allowed_actions"];
        let may_edit = expected.contains(&"update");
        assert_eq!(
            milestone_actions,
            &if may_edit {
                json!(["update", "delete"])
            } else {
                json!([])
            },
            "{caller:?} on an A1.1 milestone"
        );
    }
    let police = app.token("police@example.org").await;
    let supported = app
        .read(&police, &format!("/api/v1/actions/{}", f.supported_action))
        .await;
    assert_eq!(supported["allowed_actions"], json!(["post_note"]));
}

/// Everything a write can change, to check that refused writes change nothing.
async fn everything(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "SELECT count(*) FROM audit_events",
        "SELECT count(*) FROM progress_updates",
        "SELECT count(*) FROM milestones",
        "SELECT coalesce(sum(version), 0) FROM actions",
        "SELECT coalesce(sum(version), 0) FROM milestones",
        "SELECT coalesce(sum(version), 0) FROM pledges",
        "SELECT coalesce(sum(version), 0) FROM reporting_periods",
        "SELECT coalesce(sum(version), 0) FROM users",
        "SELECT count(*) FROM api_tokens",
        "SELECT coalesce(sum(version), 0) FROM indicators",
        "SELECT coalesce(sum(version), 0) FROM indicator_values",
        "SELECT count(*) FROM indicator_value_versions",
    ] {
        counts.push(app.count(sql).await);
    }
    counts
}

#[actix_web::test]
async fn a_member_writing_with_another_organisations_ids_is_refused_every_time() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let f = fixture(&app, &admin).await;
    let intruder = app.token("ntu@example.org").await;
    let police_user = app.read(&admin, "/api/v1/users?q=police").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let action_path = format!("/api/v1/actions/{}", f.police_action);
    let milestone = app.read(&admin, &format!("{action_path}/milestones")).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let period = app
        .read(
            &admin,
            &format!("/api/v1/strategies/{}/periods", f.strategy),
        )
        .await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let indicator_path = format!("/api/v1/indicators/{}", f.police_indicator);
    let police_value =
        app.read(&admin, &format!("{indicator_path}/values")).await["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let before = everything(&app).await;

    // (method, path, body), each with the ids of the police's work.
    let attempts: Vec<(&str, String, Value)> = vec![
        (
            "PATCH",
            action_path.clone(),
            json!({ "title": "Taken over" }),
        ),
        ("DELETE", action_path.clone(), Value::Null),
        (
            "POST",
            format!("{action_path}/updates"),
            json!({ "rag": "red", "commentary": "x" }),
        ),
        (
            "POST",
            format!("{action_path}/updates"),
            json!({ "progress": "a note" }),
        ),
        (
            "POST",
            format!("{action_path}/milestones"),
            json!({ "title": "x", "due_date": "2030-01-01" }),
        ),
        (
            "PATCH",
            format!("/api/v1/milestones/{milestone}"),
            json!({ "completed_on": "2026-01-01" }),
        ),
        (
            "DELETE",
            format!("/api/v1/milestones/{milestone}"),
            Value::Null,
        ),
        (
            "PUT",
            format!("/api/v1/pledges/{}/{}", f.police, f.commitment),
            json!({ "text": "x", "rag": "green" }),
        ),
        (
            "POST",
            "/api/v1/actions/updates".into(),
            json!({ "updates": [{ "action_id": f.police_action, "update": { "rag": "green" } }] }),
        ),
        (
            "PATCH",
            format!("/api/v1/organisations/{}", f.police),
            json!({ "name": "Taken over" }),
        ),
        (
            "PATCH",
            format!("/api/v1/users/{police_user}"),
            json!({ "active": false }),
        ),
        (
            "POST",
            format!("/api/v1/users/{police_user}/erase"),
            Value::Null,
        ),
        (
            "PATCH",
            format!("/api/v1/periods/{period}"),
            json!({ "name": "Renamed" }),
        ),
        ("POST", format!("/api/v1/periods/{period}/close"), json!({})),
        (
            "POST",
            "/api/v1/tokens".into(),
            json!({ "name": "Mine now" }),
        ),
        (
            "POST",
            format!("{indicator_path}/values"),
            json!({ "as_of": "2025-06-30", "value": 2 }),
        ),
        (
            "PATCH",
            format!("{indicator_path}/values/{police_value}"),
            json!({ "value": 9 }),
        ),
        (
            "PATCH",
            indicator_path.clone(),
            json!({ "owner_organisation_id": f.police }),
        ),
        ("DELETE", indicator_path.clone(), Value::Null),
    ];
    for (method, path, body) in attempts {
        let read = app.get(&path).bearer_auth(&admin).send().await.unwrap();
        let etag = read
            .headers()
            .get("etag")
            .map_or("\"1\"".to_owned(), |v| v.to_str().unwrap().to_owned());
        let request = match method {
            "PATCH" => app.patch(&path),
            "DELETE" => app.delete(&path),
            "PUT" => app.client.put(app.url(&path)),
            _ => app.post(&path),
        }
        .bearer_auth(&intruder)
        .insert_header(("If-Match", etag));
        let response = if body.is_null() {
            request.send().await
        } else {
            request.send_json(&body).await
        }
        .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method} {path}");
    }
    assert_eq!(everything(&app).await, before, "nothing changed");
}
