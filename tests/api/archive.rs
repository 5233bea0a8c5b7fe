//! Archiving an action: it leaves the live plan and keeps its history.

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem};

async fn dashboard(app: &TestApp, token: &str, strategy: &str, query: &str) -> Value {
    app.read(
        token,
        &format!("/api/v1/strategies/{strategy}/dashboard?{query}"),
    )
    .await
}

fn references(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["reference"].as_str().unwrap().to_owned())
        .collect()
}

/// The number of actions the dashboard counts for the lead organisation
/// named `name`.
fn led_by(dashboard: &Value, name: &str) -> i64 {
    dashboard["by_lead_organisation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["organisation"]["name"] == name)
        .map_or(0, |l| l["counts"]["total"].as_i64().unwrap())
}

async fn set_archived(
    app: &TestApp,
    token: &str,
    id: &str,
    version: &Value,
    archived: bool,
) -> (StatusCode, Value) {
    let mut response = app
        .send_json(
            "PATCH",
            &format!("/api/v1/actions/{id}"),
            token,
            Some(&format!("\"{version}\"")),
            &json!({ "archived": archived }),
        )
        .await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[actix_web::test]
async fn an_archived_action_leaves_the_live_plan_and_keeps_its_history() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let police = app.token("police@example.org").await;
    let strategy = app.demo_strategy(&admin).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A period running now, so the police have updates due.
    let today = app.clock.today();
    let mut created = app
        .post(&format!("/api/v1/strategies/{strategy}/periods"))
        .bearer_auth(&admin)
        .send_json(&json!({
            "name": "Current quarter",
            "starts_on": today - chrono::Duration::days(30),
            "ends_on": today + chrono::Duration::days(30),
        }))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let period: Value = created.json().await.unwrap();
    let period_id = period["id"].as_str().unwrap().to_owned();

    let action = app.action(&admin, "A1.1").await;
    let id = action["id"].as_str().unwrap().to_owned();
    assert_eq!(action["archived"], false);
    let updates = app
        .read(&admin, &format!("/api/v1/actions/{id}/updates?limit=500"))
        .await["items"]
        .as_array()
        .unwrap()
        .len();
    let milestones = app
        .read(&admin, &format!("/api/v1/actions/{id}/milestones"))
        .await
        .as_array()
        .unwrap()
        .len();
    assert!(updates > 0 && milestones > 0, "A1.1 has a history");
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    let now_before = dashboard(&app, &admin, &strategy, "").await;
    let past_before = dashboard(&app, &admin, &strategy, &format!("as_at={yesterday}")).await;
    let police_led = led_by(&now_before, "Nottinghamshire Police");
    let portfolio = app.read(&police, "/api/v1/me/portfolio").await;
    assert!(
        portfolio["update_due"]
            .as_array()
            .unwrap()
            .contains(&json!(id))
    );
    let snapshots_before = app
        .count(&format!(
            "SELECT count(*) FROM period_action_snapshots WHERE action_id = '{id}'"
        ))
        .await;
    assert!(snapshots_before > 0, "A1.1 is in the closed periods");

    let (status, archived) = set_archived(&app, &admin, &id, &action["version"], true).await;
    assert_eq!(status, StatusCode::OK, "{archived}");
    assert_eq!(archived["archived"], true);
    assert!(archived["archived_at"].is_string());
    assert_eq!(archived["allowed_actions"], json!(["unarchive", "delete"]));

    // Gone from the live plan: lists, the dashboard now, the portfolio.
    let list = app
        .read(
            &admin,
            &format!("/api/v1/actions?strategy_id={strategy}&limit=500"),
        )
        .await;
    assert!(!references(&list).contains(&"A1.1".to_owned()));
    assert_eq!(list["items"].as_array().unwrap().len(), 24);
    let only_archived = app
        .read(
            &admin,
            &format!("/api/v1/actions?strategy_id={strategy}&archived=true"),
        )
        .await;
    assert_eq!(references(&only_archived), ["A1.1"]);
    let now_after = dashboard(&app, &admin, &strategy, "").await;
    assert_eq!(
        now_after["totals"]["total"].as_i64().unwrap(),
        now_before["totals"]["total"].as_i64().unwrap() - 1
    );
    assert_eq!(led_by(&now_after, "Nottinghamshire Police"), police_led - 1);
    let portfolio = app.read(&police, "/api/v1/me/portfolio").await;
    let mine: Vec<&Value> = portfolio["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["id"])
        .collect();
    assert!(!mine.contains(&&json!(id)));
    assert!(
        !portfolio["update_due"]
            .as_array()
            .unwrap()
            .contains(&json!(id))
    );
    let export = app
        .get(&format!("/api/v1/strategies/{strategy}/actions/export"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .body()
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&export).contains("\nA1.1,"));

    // A moment before it was archived still counts it.
    let past_after = dashboard(&app, &admin, &strategy, &format!("as_at={yesterday}")).await;
    assert_eq!(past_after["totals"], past_before["totals"]);
    assert_eq!(
        past_after["by_lead_organisation"],
        past_before["by_lead_organisation"]
    );

    // Still read by id, with its whole history and its closed periods.
    let read = app.read(&admin, &format!("/api/v1/actions/{id}")).await;
    assert_eq!(read["archived"], true);
    assert_eq!(
        app.read(&admin, &format!("/api/v1/actions/{id}/updates?limit=500"))
            .await["items"]
            .as_array()
            .unwrap()
            .len(),
        updates
    );
    assert_eq!(
        app.read(&admin, &format!("/api/v1/actions/{id}/milestones"))
            .await
            .as_array()
            .unwrap()
            .len(),
        milestones
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM period_action_snapshots WHERE action_id = '{id}'"
        ))
        .await,
        snapshots_before
    );

    // A period closed from now on leaves it out.
    let closed = app
        .post(&format!("/api/v1/periods/{period_id}/close"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), StatusCode::OK);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM period_action_snapshots WHERE period_id = '{period_id}'"
        ))
        .await,
        24
    );

    // Audited and in the change feed.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_events WHERE entity = 'action' AND entity_id = '{id}' \
             AND after->>'archived_at' IS NOT NULL"
        ))
        .await,
        1
    );
    let mut feed = Vec::new();
    let mut since = String::new();
    loop {
        let page = app
            .read(&admin, &format!("/api/v1/changes?limit=500{since}"))
            .await;
        feed.extend(page["items"].as_array().unwrap().iter().cloned());
        if !page["more"].as_bool().unwrap() {
            break;
        }
        since = format!("&since={}", page["next_cursor"].as_str().unwrap());
    }
    let change = feed
        .iter()
        .rev()
        .find(|c| c["entity"] == "action" && c["id"] == json!(id))
        .expect("the archiving is in the feed");
    assert_eq!(change["kind"], "update");
    assert!(change["changes"]["archived_at"]["before"].is_null());
    assert!(change["changes"]["archived_at"]["after"].is_string());

    // Restored, it is back in the live plan.
    let (status, restored) = set_archived(&app, &admin, &id, &read["version"], false).await;
    assert_eq!(status, StatusCode::OK, "{restored}");
    assert_eq!(restored["archived"], false);
    assert!(restored["archived_at"].is_null());
    let now_restored = dashboard(&app, &admin, &strategy, "").await;
    assert_eq!(
        now_restored["totals"]["total"],
        now_before["totals"]["total"]
    );
}

#[actix_web::test]
async fn only_administrators_and_the_chair_archive_an_action() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let action = app.action(&admin, "A1.1").await;
    let id = action["id"].as_str().unwrap();
    let audits = format!("SELECT count(*) FROM audit_events WHERE entity_id = '{id}'");
    let audited = app.count(&audits).await;
    for email in [
        "police@example.org",
        "viewer@example.org",
        "ncc@example.org",
    ] {
        let token = app.token(email).await;
        let response = app
            .send_json(
                "PATCH",
                &format!("/api/v1/actions/{id}"),
                &token,
                Some(&format!("\"{}\"", action["version"])),
                &json!({ "archived": true }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{email}");
        problem(response).await;
    }
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM actions WHERE id = '{id}' AND archived_at IS NULL AND version = {}",
            action["version"]
        ))
        .await,
        1,
        "nothing changed"
    );
    assert_eq!(app.count(&audits).await, audited);

    let chair = app.token("chair@example.org").await;
    let (status, archived) = set_archived(&app, &chair, id, &action["version"], true).await;
    assert_eq!(status, StatusCode::OK, "{archived}");
    assert_eq!(archived["archived"], true);
}

#[actix_web::test]
async fn an_archived_action_takes_no_report_or_change_until_restored() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let police = app.token("police@example.org").await;
    let action = app.action(&admin, "A1.1").await;
    let id = action["id"].as_str().unwrap();
    let (status, archived) = set_archived(&app, &admin, id, &action["version"], true).await;
    assert_eq!(status, StatusCode::OK);
    let version = format!("\"{}\"", archived["version"]);
    let updates = format!("SELECT count(*) FROM progress_updates WHERE action_id = '{id}'");
    let before = app.count(&updates).await;

    let refused = app
        .send_json(
            "POST",
            &format!("/api/v1/actions/{id}/updates"),
            &police,
            None,
            &json!({ "rag": "green", "commentary": "Back on track" }),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        problem(refused).await["detail"]
            .as_str()
            .unwrap()
            .contains("archived")
    );
    assert_eq!(app.count(&updates).await, before);
    let refused = app
        .send_json(
            "POST",
            &format!("/api/v1/actions/{id}/milestones"),
            &police,
            None,
            &json!({ "title": "One more step", "due_date": "2026-12-31" }),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let refused = app
        .send_json(
            "PATCH",
            &format!("/api/v1/actions/{id}"),
            &admin,
            Some(&version),
            &json!({ "title": "Renamed while archived" }),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);

    // Restored together with a change, it takes both.
    let mut restored = app
        .send_json(
            "PATCH",
            &format!("/api/v1/actions/{id}"),
            &admin,
            Some(&version),
            &json!({ "archived": false, "title": "Renamed as it comes back" }),
        )
        .await;
    assert_eq!(restored.status(), StatusCode::OK);
    let restored: Value = restored.json().await.unwrap();
    assert_eq!(restored["title"], "Renamed as it comes back");
    assert_eq!(restored["archived"], false);
    let posted = app
        .send_json(
            "POST",
            &format!("/api/v1/actions/{id}/updates"),
            &police,
            None,
            &json!({ "rag": "green", "commentary": "Back on track" }),
        )
        .await;
    assert_eq!(posted.status(), StatusCode::CREATED);
}
