//! Concurrent writers lose nothing: every accepted write is in the history
//! and the audit trail exactly once, and stale writes are refused.

use awc::http::StatusCode;
use futures_util::future::join_all;
use serde_json::json;

use crate::helpers::TestApp;

#[actix_web::test]
async fn two_clients_with_the_same_etag_one_wins_one_gets_412() {
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let action = app.action(&police, "A1.1").await;
    let path = format!("/api/v1/actions/{}", action["id"].as_str().unwrap());
    let etag = app.etag(&police, &path).await;
    let attempt = |title: &'static str| {
        app.patch(&path)
            .bearer_auth(&police)
            .insert_header(("If-Match", etag.clone()))
            .send_json(&json!({ "title": title }))
    };
    let responses = join_all([attempt("First title"), attempt("Second title")]).await;
    let mut statuses: Vec<StatusCode> =
        responses.into_iter().map(|r| r.unwrap().status()).collect();
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::PRECONDITION_FAILED]);
    let after = app.read(&police, &path).await;
    assert_eq!(after["version"], action["version"].as_i64().unwrap() + 1);
}

#[actix_web::test]
async fn twenty_concurrent_writers_lose_nothing() {
    const WRITERS: usize = 20;
    const ATTEMPTS: usize = 5;
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let action = app.action(&police, "A1.1").await;
    let id = action["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/actions/{id}");
    let updates_before = app
        .count(&format!(
            "SELECT count(*) FROM progress_updates WHERE action_id = '{id}'"
        ))
        .await;
    let action_audit_before = app
        .count(&format!(
            "SELECT count(*) FROM audit_events WHERE entity = 'action' AND entity_id = '{id}'"
        ))
        .await;

    // Each writer makes ATTEMPTS writes: it reads the action, then either
    // posts a rated update or edits its description naming the version it
    // read, and on 412 reads again and retries.
    let writer = |n: usize| {
        let (app, police, path) = (&app, &police, &path);
        async move {
            let (mut posted, mut patched, mut refused) = (0_i64, 0_i64, 0_i64);
            for attempt in 0..ATTEMPTS {
                loop {
                    let etag = app.etag(police, path).await;
                    let status = if (n + attempt).is_multiple_of(2) {
                        app.post(&format!("{path}/updates"))
                            .bearer_auth(police)
                            .insert_header(("If-Match", etag))
                            .send_json(&json!({
                                "rag": if n.is_multiple_of(3) { "amber" } else { "green" },
                                "commentary": format!("writer {n} attempt {attempt}"),
                            }))
                            .await
                            .unwrap()
                            .status()
                    } else {
                        app.patch(path)
                            .bearer_auth(police)
                            .insert_header(("If-Match", etag))
                            .send_json(
                                &json!({ "description": format!("writer {n} attempt {attempt}") }),
                            )
                            .await
                            .unwrap()
                            .status()
                    };
                    match status {
                        StatusCode::CREATED => posted += 1,
                        StatusCode::OK => patched += 1,
                        StatusCode::PRECONDITION_FAILED => {
                            refused += 1;
                            assert!(refused < 2_000, "writer {n} starved");
                            continue;
                        }
                        other => panic!("writer {n}: unexpected {other}"),
                    }
                    break;
                }
            }
            (posted, patched, refused)
        }
    };
    let results = join_all((0..WRITERS).map(writer)).await;
    let posted: i64 = results.iter().map(|r| r.0).sum();
    let patched: i64 = results.iter().map(|r| r.1).sum();
    let refused: i64 = results.iter().map(|r| r.2).sum();
    assert_eq!(
        (posted + patched) as usize,
        WRITERS * ATTEMPTS,
        "every writer got every write in"
    );
    assert_eq!(posted, patched, "half were updates, half edits");
    println!(
        "{WRITERS} writers: {posted} updates and {patched} edits accepted, {refused} refused as stale and retried"
    );

    let history = app
        .count(&format!(
            "SELECT count(*) FROM progress_updates WHERE action_id = '{id}'"
        ))
        .await
        - updates_before;
    let update_audit = app
        .count(&format!(
            "SELECT count(*) FROM audit_events WHERE entity = 'progress_update' AND after->>'action_id' = '{id}' \
             AND after->>'commentary' LIKE 'writer %'"
        ))
        .await;
    let action_audit = app
        .count(&format!(
            "SELECT count(*) FROM audit_events WHERE entity = 'action' AND entity_id = '{id}'"
        ))
        .await
        - action_audit_before;
    assert_eq!(history, posted, "accepted updates = history rows");
    assert_eq!(update_audit, posted, "accepted updates = audit events");
    assert_eq!(
        action_audit,
        posted + patched,
        "every change to the action is audited once"
    );

    let after = app
        .read(&police, &format!("{path}?include=latest_update"))
        .await;
    assert_eq!(
        after["version"].as_i64().unwrap(),
        action["version"].as_i64().unwrap() + posted + patched,
        "no write was lost"
    );
    assert_eq!(
        after["rag"], after["latest_update"]["rag"],
        "the action carries its newest rating"
    );
}
