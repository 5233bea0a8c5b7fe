use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem};

#[actix_web::test]
async fn admins_add_rename_and_remove_organisations() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut created = app
        .post("/api/v1/organisations")
        .bearer_auth(&admin)
        .send_json(&json!({ "name": "  Bassetlaw District Council ", "kind": "district_council" }))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let org: Value = created.json().await.unwrap();
    assert_eq!(org["name"], "Bassetlaw District Council");
    assert_eq!(org["allowed_actions"], json!(["update", "delete"]));
    let path = format!("/api/v1/organisations/{}", org["id"].as_str().unwrap());

    let mut renamed = app
        .patch(&path)
        .bearer_auth(&admin)
        .insert_header(("If-Match", "\"1\""))
        .send_json(&json!({ "short_name": "Bassetlaw" }))
        .await
        .unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(
        renamed.json::<Value>().await.unwrap()["short_name"],
        "Bassetlaw"
    );

    let mut cleared = app
        .patch(&path)
        .bearer_auth(&admin)
        .insert_header(("If-Match", "\"2\""))
        .send_json(&json!({ "short_name": null }))
        .await
        .unwrap();
    assert_eq!(cleared.status(), StatusCode::OK);
    assert_eq!(
        cleared.json::<Value>().await.unwrap()["short_name"],
        Value::Null
    );

    let deleted = app
        .delete(&path)
        .bearer_auth(&admin)
        .insert_header(("If-Match", "\"3\""))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let actions: Vec<String> = {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            action: String,
        }
        use diesel_async::RunQueryDsl;
        let mut conn = app.pool.get().await.unwrap();
        diesel::sql_query(format!(
            "SELECT action FROM audit_events WHERE entity_id = '{}' ORDER BY id",
            org["id"].as_str().unwrap()
        ))
        .load::<Row>(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect()
    };
    assert_eq!(actions, ["create", "update", "update", "delete"]);
}

#[actix_web::test]
async fn names_are_unique_and_organisations_in_use_stay() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let duplicate = app
        .post("/api/v1/organisations")
        .bearer_auth(&admin)
        .send_json(&json!({ "name": "NOTTINGHAMSHIRE POLICE", "kind": "police" }))
        .await
        .unwrap();
    assert_eq!(duplicate.status(), StatusCode::CONFLICT);
    problem(duplicate).await;

    let police = app
        .read(&admin, "/api/v1/organisations?q=Police&kind=police")
        .await;
    let police = &police["items"][0];
    let in_use = app
        .delete(&format!(
            "/api/v1/organisations/{}",
            police["id"].as_str().unwrap()
        ))
        .bearer_auth(&admin)
        .insert_header(("If-Match", format!("\"{}\"", police["version"])))
        .send()
        .await
        .unwrap();
    assert_eq!(in_use.status(), StatusCode::CONFLICT);
    problem(in_use).await;
    // The twelve partners and the young people's council.
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 13);
}

#[actix_web::test]
async fn members_read_but_do_not_change_organisations() {
    let app = TestApp::spawn().await;
    let token = app.token("police@example.org").await;
    let list = app.read(&token, "/api/v1/organisations").await;
    assert_eq!(list["items"][0]["allowed_actions"], json!([]));
    let response = app
        .post("/api/v1/organisations")
        .bearer_auth(&token)
        .send_json(&json!({ "name": "Rival Force", "kind": "police" }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    problem(response).await;
}
