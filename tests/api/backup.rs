//! `export` and `import`: a round trip into an empty database reproduces
//! every row, and the restored service carries on where the old one stopped.

use awc::http::StatusCode;
use delivery_tracker::db::backup::{self, BackupError, TABLES};
use delivery_tracker::demo;
use serde_json::json;

use crate::browser::Browser;
use crate::helpers::TestApp;

#[actix_web::test]
async fn a_round_trip_into_an_empty_database_reproduces_every_row() {
    let source = TestApp::spawn().await;
    // Rows in every kind of table: a token, a session, a rating, a closed period.
    let admin = source.admin().await;
    let token = source
        .post("/api/v1/tokens")
        .bearer_auth(&admin)
        .send_json(&json!({ "name": "County BI dashboard" }))
        .await
        .unwrap();
    assert_eq!(token.status(), StatusCode::CREATED);
    let police = source.token("police@example.org").await;
    Browser::new(&source).sign_in("police@example.org").await;
    let action = source.action(&police, "A1.1").await;
    let rated = source
        .post(&format!(
            "/api/v1/actions/{}/updates",
            action["id"].as_str().unwrap()
        ))
        .bearer_auth(&police)
        .send_json(&json!({ "rag": "amber", "commentary": "Awaiting the protocol review." }))
        .await
        .unwrap();
    assert_eq!(rated.status(), StatusCode::CREATED);

    // A failed sign-in counts towards a lock, which a restore keeps.
    let (status, _) = source
        .login_response("police@example.org", "not-the-password")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // People's mail choices and the reminders already decided travel too.
    let choice = source
        .send_json(
            "PUT",
            "/api/v1/me/mail_preferences",
            &police,
            None,
            &json!({ "update_due": false }),
        )
        .await;
    assert_eq!(choice.status(), StatusCode::OK);
    source
        .execute(
            "INSERT INTO reminder_runs (period_id, kind, recipients)
             SELECT id, 'update_due', 3 FROM reporting_periods ORDER BY starts_on DESC LIMIT 1",
        )
        .await;

    // Work waiting in the queue travels too.
    delivery_tracker::services::jobs::enqueue(
        &mut *source.pool_connection().await,
        delivery_tracker::services::jobs::Enqueue {
            kind: "mail",
            key: "backup-check".into(),
            payload: json!({ "to": "someone" }),
            run_at: chrono::Utc::now(),
            max_attempts: None,
        },
    )
    .await
    .unwrap();

    // Webhook endpoints travel with their delivery log.
    let mut endpoint = source
        .post("/api/v1/webhooks")
        .bearer_auth(&admin)
        .send_json(&json!({ "url": "https://93.184.215.14/hook", "entities": ["action"] }))
        .await
        .unwrap();
    assert_eq!(endpoint.status(), StatusCode::CREATED);
    let endpoint: serde_json::Value = endpoint.json().await.unwrap();
    source
        .execute(&format!(
            "INSERT INTO webhook_deliveries (id, endpoint_id, position, event_id, webhook_id, attempts, last_status, state, delivered_at)
             VALUES (gen_random_uuid(), '{}', 1, 1, 'msg_1_1', 1, 204, 'delivered', now())",
            endpoint["id"].as_str().unwrap()
        ))
        .await;

    let document = backup::export(&mut *source.pool_connection().await)
        .await
        .unwrap();
    for table in TABLES {
        let rows = document["tables"][table].as_array().unwrap().len();
        assert!(rows > 0, "the demo data has rows in {table}");
    }

    let target = TestApp::spawn_empty().await;
    backup::import(&mut *target.pool_connection().await, &document)
        .await
        .unwrap();
    let again = backup::export(&mut *target.pool_connection().await)
        .await
        .unwrap();
    for table in TABLES {
        assert_eq!(
            again["tables"][table], document["tables"][table],
            "{table} is reproduced row for row"
        );
    }

    // The restored service carries on: sign-in works, new rows get new ids,
    // and the change feed continues after the imported positions.
    let last = source
        .count("SELECT max(position) FROM change_transactions")
        .await;
    let admin = target.admin().await;
    let police = target.token("police@example.org").await;
    let rated = target
        .post(&format!(
            "/api/v1/actions/{}/updates",
            action["id"].as_str().unwrap()
        ))
        .bearer_auth(&police)
        .send_json(&json!({ "rag": "green", "commentary": "Protocol agreed." }))
        .await
        .unwrap();
    assert_eq!(rated.status(), StatusCode::CREATED);
    assert_eq!(
        target
            .count("SELECT max(position) FROM change_transactions")
            .await,
        last + 1
    );
    let source_admin = source.admin().await;
    let old = source.read(&source_admin, "/api/v1/changes?limit=20").await;
    let new = target.read(&admin, "/api/v1/changes?limit=20").await;
    assert_eq!(
        new["items"], old["items"],
        "the feed reads the same from the start"
    );

    // The demo's achievements come back with their voices and figures, as
    // the chair reads them, row for row.
    for table in ["achievements", "achievement_voices", "achievement_figures"] {
        let rows = document["tables"][table].as_array().unwrap();
        assert!(!rows.is_empty(), "the demo data has rows in {table}");
        assert_eq!(
            again["tables"][table].as_array().unwrap(),
            rows,
            "{table} is reproduced row for row"
        );
    }
    let path = "/api/v1/achievements?limit=500";
    let source_chair = source.token(demo::CHAIR_EMAIL).await;
    let target_chair = target.token(demo::CHAIR_EMAIL).await;
    let old = source.read(&source_chair, path).await;
    let new = target.read(&target_chair, path).await;
    let items = old["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        document["tables"]["achievements"].as_array().unwrap().len()
    );
    for part in ["voices", "figures", "actions"] {
        assert!(
            items
                .iter()
                .any(|a| !a[part].as_array().unwrap().is_empty()),
            "an achievement with {part}: {old}"
        );
    }
    assert_eq!(new["items"], old["items"], "the achievements read the same");

    // A database that holds data is refused, and keeps what it holds.
    let before = target.count("SELECT count(*) FROM audit_events").await;
    let refused = backup::import(&mut *target.pool_connection().await, &document).await;
    assert!(
        matches!(refused, Err(BackupError::NotEmpty(_))),
        "{refused:?}"
    );
    assert_eq!(
        target.count("SELECT count(*) FROM audit_events").await,
        before
    );
}

#[actix_web::test]
async fn the_export_covers_every_table() {
    let app = TestApp::spawn_empty().await;
    let rows = app
        .rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '__diesel_schema_migrations' ORDER BY 1")
        .await;
    let mut tables: Vec<&str> = rows
        .iter()
        .map(|r| r["tablename"].as_str().unwrap())
        .collect();
    let mut exported = TABLES.to_vec();
    tables.sort();
    exported.sort();
    assert_eq!(
        exported, tables,
        "a new table must be added to db::backup::TABLES"
    );
}
