use awc::http::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;

#[actix_web::test]
async fn liveness_and_readiness_answer_without_a_token() {
    let app = TestApp::spawn_empty().await;
    let mut live = app.get("/healthz").send().await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    assert_eq!(live.json::<Value>().await.unwrap()["status"], "ok");
    let mut ready = app.get("/readyz").send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ready");
}

#[actix_web::test]
async fn unknown_paths_get_a_problem_document() {
    let app = TestApp::spawn_empty().await;
    let response = app.get("/api/v1/no-such-thing").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    crate::helpers::problem(response).await;
}

#[actix_web::test]
async fn responses_carry_security_headers_and_cors_only_for_configured_origins() {
    let app = TestApp::spawn_empty().await;
    let response = app.get("/healthz").send().await.unwrap();
    assert_eq!(
        response.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
    assert_eq!(response.headers().get("x-frame-options").unwrap(), "DENY");

    let allowed = app
        .get("/healthz")
        .insert_header(("Origin", "https://board.example.org"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "https://board.example.org"
    );
    let refused = app
        .get("/healthz")
        .insert_header(("Origin", "https://evil.example.com"))
        .send()
        .await
        .unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}
