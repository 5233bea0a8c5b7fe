//! Every successful read carries an ETag, and a client that sends it back
//! gets 304 until the data changes.

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

#[actix_web::test]
async fn lists_dashboards_and_reports_answer_304_until_something_changes() {
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let strategy = app.demo_strategy(&police).await;
    let id = strategy["id"].as_str().unwrap();
    let paths = [
        "/api/v1/strategies".to_owned(),
        "/api/v1/actions?limit=100".to_owned(),
        format!("/api/v1/strategies/{id}/dashboard"),
        format!("/api/v1/strategies/{id}/report?format=md"),
        "/api/v1/rag-definitions".to_owned(),
    ];
    let mut tags = Vec::new();
    for path in &paths {
        let response = app.get(path).bearer_auth(&police).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let tag = response
            .headers()
            .get("etag")
            .unwrap_or_else(|| panic!("{path} has an ETag"))
            .to_str()
            .unwrap()
            .to_owned();
        let again = app
            .get(path)
            .bearer_auth(&police)
            .insert_header(("If-None-Match", tag.clone()))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        tags.push(tag);
    }

    // A new rating changes the action list and the dashboard.
    let action = app.action(&police, "A1.1").await;
    let posted = app
        .post(&format!(
            "/api/v1/actions/{}/updates",
            action["id"].as_str().unwrap()
        ))
        .bearer_auth(&police)
        .send_json(&json!({ "rag": "red", "commentary": "Funding withdrawn." }))
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::CREATED);
    for (path, tag) in paths[1..3].iter().zip(&tags[1..3]) {
        let response = app
            .get(path)
            .bearer_auth(&police)
            .insert_header(("If-None-Match", tag.clone()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path} changed");
        assert_ne!(
            response.headers().get("etag").unwrap().to_str().unwrap(),
            tag
        );
    }
}

/// The review's raw SQL is prepared once per connection, not once per
/// request: PostgreSQL keeps one prepared statement for each, however often
/// it runs.
#[actix_web::test]
async fn the_reviews_raw_queries_stay_prepared() {
    use diesel::QueryableByName;
    use diesel_async::RunQueryDsl;

    #[derive(QueryableByName)]
    struct Prepared {
        #[diesel(sql_type = diesel::sql_types::Text)]
        statement: String,
    }

    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let strategy: uuid::Uuid = app.demo_strategy(&admin).await["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let mut conn = app.pool_connection().await;
    for _ in 0..3 {
        delivery_tracker::db::review::action_states(&mut conn, strategy, None)
            .await
            .unwrap();
        delivery_tracker::db::clock(&mut conn).await.unwrap();
        delivery_tracker::db::changes::position(&mut conn)
            .await
            .unwrap();
    }
    let statements: Vec<Prepared> =
        diesel::sql_query("SELECT statement FROM pg_prepared_statements")
            .load(&mut *conn)
            .await
            .unwrap();
    for needle in ["last_reported_at", "clock_timestamp()", "FROM change_clock"] {
        let kept = statements
            .iter()
            .filter(|s| s.statement.contains(needle))
            .count();
        assert_eq!(kept, 1, "statements containing {needle}");
    }
}
