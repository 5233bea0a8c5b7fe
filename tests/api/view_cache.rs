//! Dashboards, trends and reports kept in memory: a write shows in the
//! next one at once, whichever instance took it; a kept view is byte for
//! byte what a fresh computation gives; and whether the caller may see the
//! strategy is checked before anything kept is served.

use awc::http::StatusCode;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// Status, content type, download name, page policy and body of a GET.
type Answer = (StatusCode, String, String, String, Vec<u8>);

async fn answer(app: &TestApp, base: &str, token: &str, path: &str) -> Answer {
    let mut response = app
        .client
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (kind, download, policy) = (
        header("content-type"),
        header("content-disposition"),
        header("content-security-policy"),
    );
    let body = response.body().limit(8 << 20).await.expect("body").to_vec();
    (response.status(), kind, download, policy, body)
}

fn json_of(answer: &Answer) -> Value {
    assert_eq!(answer.0, StatusCode::OK);
    serde_json::from_slice(&answer.4).expect("json")
}

fn moment() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 20, 9, 0, 0).unwrap()
}

#[actix_web::test]
async fn a_kept_view_is_what_a_fresh_computation_gives() {
    let app = TestApp::spawn_at(moment()).await;
    let chair = app.token("chair@example.org").await;
    let id = app.demo_strategy(&chair).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let police = app.organisation_id(&chair, "Police").await;
    let uncached = app.another_instance_with_view_cache(0);
    let paths = [
        format!("/api/v1/strategies/{id}/dashboard"),
        format!("/api/v1/strategies/{id}/dashboard?limit=3&stale_days=30"),
        format!("/api/v1/strategies/{id}/dashboard?as_at=2025-03-31"),
        format!("/api/v1/strategies/{id}/trend"),
        format!("/api/v1/strategies/{id}/report"),
        format!("/api/v1/strategies/{id}/report?format=csv"),
        format!("/api/v1/strategies/{id}/report?format=html&as_at=2025-03-31"),
        format!("/api/v1/strategies/{id}/report?format=md&audience=young_people"),
        format!("/api/v1/strategies/{id}/report?organisation_id={police}"),
    ];
    for path in &paths {
        let first = answer(&app, &app.address, &chair, path).await;
        assert_eq!(first.0, StatusCode::OK, "{path}");
        let kept = answer(&app, &app.address, &chair, path).await;
        let fresh = answer(&app, &uncached.address, &chair, path).await;
        assert_eq!(kept, first, "{path}: kept");
        assert_eq!(kept, fresh, "{path}: kept against fresh");
    }
    let csv = answer(&app, &app.address, &chair, &paths[5]).await;
    assert!(csv.1.starts_with("text/csv") && csv.2.contains("attachment"));
    let page = answer(&app, &app.address, &chair, &paths[6]).await;
    assert!(page.1.starts_with("text/html") && !page.3.is_empty());

    // Two queries that differ are two views, not one.
    let short = json_of(&answer(&app, &app.address, &chair, &paths[1]).await);
    let long = json_of(&answer(&app, &app.address, &chair, &paths[0]).await);
    assert_eq!(short["stale_days"], 30);
    assert_eq!(long["stale_days"], 60);

    // Bad queries are refused every time, not kept.
    let bad = format!("/api/v1/strategies/{id}/dashboard?limit=0");
    for _ in 0..2 {
        let refused = answer(&app, &app.address, &chair, &bad).await;
        assert_eq!(refused.0, StatusCode::BAD_REQUEST);
    }
}

#[actix_web::test]
async fn a_write_shows_in_the_next_views_at_once_whichever_instance_took_it() {
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let id = app.demo_strategy(&police).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let action = app.action(&police, "A1.1").await;
    let action_id = action["id"].as_str().unwrap().to_owned();
    let other = app.another_instance();
    let dashboard = format!("/api/v1/strategies/{id}/dashboard");
    let trend = format!("/api/v1/strategies/{id}/trend");
    let report = format!("/api/v1/strategies/{id}/report");
    let base = app.address.clone();
    for path in [&dashboard, &trend, &report] {
        for _ in 0..2 {
            json_of(&answer(&app, &base, &police, path).await);
        }
    }
    let rating = |report: &Value| {
        report["ambitions"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["actions"].as_array().unwrap())
            .find(|a| a["reference"] == "A1.1")
            .expect("A1.1 in the report")
            .clone()
    };
    let was = rating(&json_of(&answer(&app, &base, &police, &report).await));
    let new_rag = if was["rag"] == "red" { "green" } else { "red" };

    // A rating posted to the other instance.
    let posted = app
        .client
        .post(format!(
            "{}/api/v1/actions/{action_id}/updates",
            other.address
        ))
        .bearer_auth(&police)
        .send_json(&json!({ "rag": new_rag, "commentary": "Funding withdrawn." }))
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::CREATED);
    let now = rating(&json_of(&answer(&app, &base, &police, &report).await));
    assert_eq!(now["rag"], new_rag);
    assert_eq!(now["commentary"], "Funding withdrawn.");
    let trend_now = json_of(&answer(&app, &base, &police, &trend).await);
    let in_trend = trend_now["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"]["reference"] == "A1.1")
        .expect("A1.1 in the trend")
        .clone();
    assert_eq!(in_trend["current_rag"], new_rag);
    let exceptions = |d: &Value| d["exceptions"]["total"].as_i64().unwrap();
    let uncached = app.another_instance_with_view_cache(0);
    let kept = json_of(&answer(&app, &base, &police, &dashboard).await);
    let fresh = json_of(&answer(&app, &uncached.address, &police, &dashboard).await);
    assert_eq!(exceptions(&kept), exceptions(&fresh));
    assert_eq!(kept["totals"], fresh["totals"]);

    // A milestone added here shows in the report at once.
    let added = app
        .post(&format!("/api/v1/actions/{action_id}/milestones"))
        .bearer_auth(&police)
        .send_json(&json!({ "title": "Quarterly custody audit", "due_date": "2030-01-31" }))
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::CREATED);
    for base in [&base, &other.address] {
        let after = rating(&json_of(&answer(&app, base, &police, &report).await));
        let titles: Vec<&str> = after["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["title"].as_str())
            .collect();
        assert!(titles.contains(&"Quarterly custody audit"), "{titles:?}");
    }
}

#[actix_web::test]
async fn who_may_not_see_the_strategy_gets_404_after_its_views_are_kept() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let id = app.demo_strategy(&admin).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut other = app
        .post("/api/v1/strategies")
        .bearer_auth(&admin)
        .send_json(&json!({
            "title": "Strategy for Young Carers 2024-2027",
            "period_start": "2024-04-01",
            "period_end": "2027-03-31",
        }))
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::CREATED);
    let other: Value = other.json().await.unwrap();
    let mut token = app
        .post("/api/v1/tokens")
        .bearer_auth(&admin)
        .send_json(&json!({ "name": "Young carers dashboard", "strategy_id": other["id"] }))
        .await
        .unwrap();
    assert_eq!(token.status(), StatusCode::CREATED);
    let token: Value = token.json().await.unwrap();
    let limited = token["secret"].as_str().unwrap();
    for view in ["dashboard", "trend", "report", "report?format=csv"] {
        let path = format!("/api/v1/strategies/{id}/{view}");
        for _ in 0..2 {
            let seen = answer(&app, &app.address, &admin, &path).await;
            assert_eq!(seen.0, StatusCode::OK, "{path}");
        }
        let tag = app.etag(&admin, &path).await;
        let refused = answer(&app, &app.address, limited, &path).await;
        assert_eq!(refused.0, StatusCode::NOT_FOUND, "{path}");
        let with_tag = app
            .get(&path)
            .bearer_auth(limited)
            .insert_header(("If-None-Match", tag))
            .send()
            .await
            .unwrap();
        assert_eq!(
            with_tag.status(),
            StatusCode::NOT_FOUND,
            "{path} with a tag"
        );
    }
}

#[actix_web::test]
async fn a_member_and_the_chair_see_one_view_and_it_moves_with_the_clock() {
    let app = TestApp::spawn_at(moment()).await;
    let chair = app.token("chair@example.org").await;
    let member = app.token("police@example.org").await;
    let id = app.demo_strategy(&chair).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/strategies/{id}/dashboard");
    let chairs = answer(&app, &app.address, &chair, &path).await;
    let members = answer(&app, &app.address, &member, &path).await;
    assert_eq!(chairs, members);
    assert_eq!(json_of(&chairs)["as_at"], "2025-06-20T09:00:00Z");
    let report = format!("/api/v1/strategies/{id}/report?format=md");
    assert_eq!(
        answer(&app, &app.address, &chair, &report).await,
        answer(&app, &app.address, &member, &report).await
    );

    // Within the minute the kept view stands; a minute on, the present has
    // moved and so has the view; forty days on, so have its day counts.
    // Each is what an instance without the cache computes.
    let uncached = app.another_instance_with_view_cache(0);
    for (after, as_at) in [
        (Duration::seconds(30), "2025-06-20T09:00:00Z"),
        (Duration::minutes(2), "2025-06-20T09:02:00Z"),
        (Duration::days(40), "2025-07-30T09:00:00Z"),
    ] {
        app.set_clock(moment() + after);
        let kept = answer(&app, &app.address, &member, &path).await;
        assert_eq!(json_of(&kept)["as_at"], as_at);
        if after > Duration::minutes(1) {
            let fresh = answer(&app, &uncached.address, &member, &path).await;
            assert_eq!(kept, fresh, "{as_at}");
        }
    }
}
