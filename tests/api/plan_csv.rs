//! The delivery plan as CSV: the export imports into a new strategy and
//! reproduces the plan; a sheet with one bad row stores nothing and names
//! the row.

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn export(app: &TestApp, token: &str, strategy: &str) -> String {
    let mut response = app
        .get(&format!("/api/v1/strategies/{strategy}/actions/export"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = response.body().limit(4 << 20).await.unwrap();
    String::from_utf8(body.to_vec()).unwrap()
}

async fn import(app: &TestApp, token: &str, strategy: &str, sheet: &str) -> (StatusCode, Value) {
    let mut response = app
        .post(&format!("/api/v1/strategies/{strategy}/actions/import"))
        .bearer_auth(token)
        .insert_header(("content-type", "text/csv"))
        .send_body(sheet.to_owned())
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A new strategy with the demo strategy's partners, ambitions and
/// commitments, and no actions.
async fn empty_copy_of_demo(app: &TestApp, admin: &str) -> String {
    let demo = app.demo_strategy(admin).await;
    let demo_id = demo["id"].as_str().unwrap();
    let partners: Vec<Value> = demo["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    let mut created = app
        .post("/api/v1/strategies")
        .bearer_auth(admin)
        .send_json(&json!({
            "title": "Partnership Strategy 2025-2028",
            "period_start": "2025-04-01",
            "period_end": "2028-03-31",
            "partner_ids": partners,
        }))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for kind in ["ambitions", "commitments"] {
        let list = app
            .read(admin, &format!("/api/v1/strategies/{demo_id}/{kind}"))
            .await;
        for statement in list["items"].as_array().unwrap() {
            let response = app
                .post(&format!("/api/v1/strategies/{id}/{kind}"))
                .bearer_auth(admin)
                .send_json(&json!({ "number": statement["number"], "title": statement["title"] }))
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
        }
    }
    id
}

#[actix_web::test]
async fn the_demo_plan_exported_and_imported_into_a_new_strategy_is_the_same_plan() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let demo = app.demo_strategy(&admin).await;
    let original = export(&app, &admin, demo["id"].as_str().unwrap()).await;
    assert_eq!(original.lines().count(), 26, "a header and the 25 actions");
    assert!(original.lines().nth(1).unwrap().starts_with("A1.1,"));

    let copy = empty_copy_of_demo(&app, &admin).await;
    let (status, body) = import(&app, &admin, &copy, &original).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["created"], 25);
    assert_eq!(export(&app, &admin, &copy).await, original);

    // Importing it again clashes with every reference and stores nothing.
    let before = app.count("SELECT count(*) FROM actions").await;
    let (status, body) = import(&app, &admin, &copy, &original).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"].as_array().unwrap().len(), 25);
    assert_eq!(app.count("SELECT count(*) FROM actions").await, before);
}

#[actix_web::test]
async fn a_sheet_with_one_bad_row_stores_nothing_and_names_the_row() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let copy = empty_copy_of_demo(&app, &admin).await;
    let sheet = "reference,title,description,ambitions,commitments,lead,supporting,start_date,target_date\n\
        B1,Map the care leavers' offer,,1,1,Nottinghamshire County Council,,2025-04-01,2026-03-31\n\
        B2,Train foster carers,,2,,Nottinghamshire County Council,Nottinghamshire Police,2025-04-01,2026-03-31\n\
        B3,Open a drop-in,,9,,Nowhere Borough Council,,2025-04-01,2024-03-31\n\
        B4,Review the pledge,,3,,Nottinghamshire County Council,,,\n";
    let audit_before = app.count("SELECT count(*) FROM audit_events").await;
    let (status, body) = import(&app, &admin, &copy, sheet).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["type"], "/problems/validation");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["row 4: lead", "row 4: ambitions"], "{body}");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM actions WHERE strategy_id = '{copy}'"
        ))
        .await,
        0
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events").await,
        audit_before
    );

    // With the lead mended, the dates are checked too, still by row.
    let mended = sheet
        .replace("Nowhere Borough Council", "Nottinghamshire County Council")
        .replace(",,9,", ",,1,");
    let (status, body) = import(&app, &admin, &copy, &mended).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "row 4: target_date", "{body}");

    let fixed = mended.replace("2025-04-01,2024-03-31", "2025-04-01,2026-03-31");
    let (status, body) = import(&app, &admin, &copy, &fixed).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["references"], json!(["B1", "B2", "B3", "B4"]));
}

#[actix_web::test]
async fn only_administrators_and_the_chair_import_and_only_csv() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let demo = app.demo_strategy(&admin).await;
    let id = demo["id"].as_str().unwrap();
    let police = app.token("police@example.org").await;
    let (status, _) = import(&app, &police, id, "reference\n").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let response = app
        .post(&format!("/api/v1/strategies/{id}/actions/import"))
        .bearer_auth(&admin)
        .send_json(&json!({ "reference": "A9" }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = "x".repeat(1024 * 1024 + 1);
    let (status, body) = import(&app, &admin, id, &huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
}
