use awc::http::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;

const COMMITTED: &str = "openapi/openapi.json";

/// The committed document is what the service serves. When this fails after
/// an intended API change, regenerate it:
/// `cargo run -q -- openapi > openapi/openapi.json`.
#[actix_web::test]
async fn the_committed_spec_matches_the_served_one() {
    let app = TestApp::spawn_empty().await;
    let mut response = app.get("/api-docs/openapi.json").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let served: Value = response.json().limit(8 << 20).await.unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).expect("openapi/openapi.json is committed"),
    )
    .expect("openapi/openapi.json is JSON");
    assert!(
        served == committed,
        "openapi/openapi.json is out of date: run `cargo run -q -- openapi > openapi/openapi.json`"
    );
    assert!(served["openapi"].as_str().unwrap().starts_with("3.1"));
}

#[actix_web::test]
async fn every_operation_is_documented_with_an_id_and_a_summary() {
    let app = TestApp::spawn_empty().await;
    let mut response = app.get("/api-docs/openapi.json").send().await.unwrap();
    let spec: Value = response.json().limit(8 << 20).await.unwrap();
    let mut ids = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_default();
            assert!(!id.is_empty(), "{method} {path} has no operationId");
            assert!(
                operation["summary"].is_string(),
                "{method} {path} has no summary"
            );
            ids.push(id.to_owned());
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids are unique");
}

#[actix_web::test]
async fn swagger_ui_is_served_from_the_binary() {
    let app = TestApp::spawn_empty().await;
    let redirect = app.get("/docs").send().await.unwrap();
    assert_eq!(redirect.status(), StatusCode::PERMANENT_REDIRECT);
    let mut page = app.get("/docs/").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = String::from_utf8(page.body().await.unwrap().to_vec()).unwrap();
    assert!(html.contains("swagger-ui"));
}
