//! Webhooks are the administrators': every other caller is refused on
//! every endpoint; bad input stores nothing; the secret is shown only when
//! made and never read back, audited or put in the change feed.

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem};
use crate::webhooks::register;

#[actix_web::test]
async fn only_administrators_manage_webhooks_and_bad_input_stores_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let created = register(&app, &admin, json!({ "url": "https://93.184.215.14/hook" })).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap().to_owned();
    let system = app
        .send_json(
            "POST",
            "/api/v1/tokens",
            &admin,
            None,
            &json!({ "name": "BI" }),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut callers = vec![system];
    for email in [
        "police@example.org",
        "chair@example.org",
        "viewer@example.org",
    ] {
        callers.push(app.token(email).await);
    }
    let path = format!("/api/v1/webhooks/{id}");
    for token in &callers {
        for (method, target, body) in [
            ("GET", "/api/v1/webhooks".to_owned(), None),
            (
                "POST",
                "/api/v1/webhooks".to_owned(),
                Some(json!({ "url": "https://93.184.215.14/" })),
            ),
            ("GET", path.clone(), None),
            ("PATCH", path.clone(), Some(json!({ "enabled": false }))),
            ("DELETE", path.clone(), None),
            ("POST", format!("{path}/secret"), None),
            ("GET", format!("{path}/deliveries"), None),
        ] {
            let body = body.unwrap_or(json!({}));
            let response = app
                .send_json(method, &target, token, Some("\"1\""), &body)
                .await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{method} {target}"
            );
        }
    }

    let strategy = app.demo_strategy(&admin).await;
    for (body, field) in [
        (
            json!({ "url": "https://93.184.215.14/", "entities": ["user"] }),
            "entities[0]",
        ),
        (
            json!({ "url": "https://93.184.215.14/", "entities": ["action", "spaceship"] }),
            "entities[1]",
        ),
        (json!({ "url": "not a url" }), "url"),
        (
            json!({ "url": "https://93.184.215.14/", "strategy_id": uuid::Uuid::new_v4() }),
            "strategy_id",
        ),
    ] {
        let response = app
            .send_json("POST", "/api/v1/webhooks", &admin, None, &body)
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        assert_eq!(
            problem(response).await["errors"][0]["field"],
            field,
            "{body}"
        );
    }
    assert_eq!(app.count("SELECT count(*) FROM webhook_endpoints").await, 1);
    let ok = json!({ "url": "https://93.184.215.14/", "strategy_id": strategy["id"], "entities": ["action"] });
    register(&app, &admin, ok).await;

    // Rotating shows a new secret once; neither is ever read back or audited.
    let etag = app.etag(&admin, &path).await;
    let mut rotated = app
        .send_json(
            "POST",
            &format!("{path}/secret"),
            &admin,
            Some(&etag),
            &json!({}),
        )
        .await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let rotated: Value = rotated.json().await.unwrap();
    let new_secret = rotated["secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    let listed = app.read(&admin, "/api/v1/webhooks").await.to_string();
    let one = app.read(&admin, &path).await.to_string();
    for text in [&listed, &one] {
        assert!(!text.contains("whsec_") && !text.contains("\"secret\""));
    }
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE entity = 'webhook_endpoint'")
            .await,
        3
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE coalesce(before::text, '') || coalesce(after::text, '') LIKE '%whsec_%'").await,
        0
    );
    let feed = app
        .read(&admin, "/api/v1/changes?limit=500")
        .await
        .to_string();
    assert!(
        !feed.contains("webhook_endpoint"),
        "kept out of the change feed"
    );

    let etag = app.etag(&admin, &path).await;
    let deleted = app
        .send_json("DELETE", &path, &admin, Some(&etag), &json!({}))
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
}
