//! The change feed: a copy built from it alone equals the data, even while
//! writers commit in another order than they started.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use awc::http::StatusCode;
use diesel_async::SimpleAsyncConnection;
use futures_util::future::join;
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// Each kind of record in the feed, and the table that holds it.
const TABLES: [(&str, &str); 13] = [
    ("organisation", "organisations"),
    ("strategy", "strategies"),
    ("ambition", "statements WHERE kind = 'ambition'"),
    ("commitment", "statements WHERE kind = 'commitment'"),
    ("action", "actions"),
    ("milestone", "milestones"),
    ("progress_update", "progress_updates"),
    ("pledge", "pledges"),
    ("reporting_period", "reporting_periods"),
    ("indicator", "indicators"),
    ("indicator_value", "indicator_values"),
    ("priority", "priorities"),
    // The feed carries an achievement only while it is approved.
    ("achievement", "achievements WHERE status = 'approved'"),
];

/// A copy of the data kept only from the feed.
#[derive(Default)]
struct Mirror {
    records: HashMap<(String, String), Value>,
    cursor: Option<String>,
    last_position: i64,
    applied: usize,
}

impl Mirror {
    /// Reads one page and applies it; true when more changes follow at once.
    async fn pull(&mut self, app: &TestApp, token: &str) -> bool {
        let path = match &self.cursor {
            Some(cursor) => format!("/api/v1/changes?limit=37&since={cursor}"),
            None => "/api/v1/changes?limit=37".to_owned(),
        };
        let page = app.read(token, &path).await;
        for change in page["items"].as_array().unwrap() {
            let position = change["position"].as_i64().unwrap();
            assert!(
                position >= self.last_position,
                "positions never go back: {position} after {}",
                self.last_position
            );
            self.last_position = position;
            let key = (
                change["entity"].as_str().unwrap().to_owned(),
                change["id"].as_str().unwrap().to_owned(),
            );
            match change["kind"].as_str().unwrap() {
                "delete" => {
                    assert!(
                        self.records.remove(&key).is_some(),
                        "delete of {key:?} seen before its creation"
                    );
                }
                "create" => {
                    assert!(
                        self.records
                            .insert(key.clone(), change["record"].clone())
                            .is_none(),
                        "{key:?} created twice"
                    );
                }
                _ => {
                    let old = self.records.insert(key.clone(), change["record"].clone());
                    let old =
                        old.unwrap_or_else(|| panic!("update of {key:?} seen before its creation"));
                    // Each change's `before` values are what the copy held.
                    for (field, values) in change["changes"].as_object().unwrap() {
                        assert_eq!(
                            old.get(field).unwrap_or(&Value::Null),
                            &values["before"],
                            "{key:?}.{field}"
                        );
                    }
                }
            }
            self.applied += 1;
        }
        self.cursor = Some(page["next_cursor"].as_str().unwrap().to_owned());
        page["more"].as_bool().unwrap()
    }

    async fn drain(&mut self, app: &TestApp, token: &str) {
        while self.pull(app, token).await {}
    }

    /// Checks the copy against every table, column by column. Timestamps
    /// are left out: PostgreSQL and the service spell them differently.
    async fn assert_equals_database(&self, app: &TestApp) {
        for (entity, table) in TABLES {
            let rows = app.rows(&format!("SELECT * FROM {table}")).await;
            let copied: BTreeSet<&str> = self
                .records
                .keys()
                .filter(|(e, _)| e == entity)
                .map(|(_, id)| id.as_str())
                .collect();
            let stored: BTreeSet<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
            assert_eq!(copied, stored, "the {entity} records differ");
            for row in &rows {
                let id = row["id"].as_str().unwrap().to_owned();
                let record = &self.records[&(entity.to_owned(), id.clone())];
                for (column, value) in row.as_object().unwrap() {
                    if column.ends_with("_at") || column == "rag_since" || column == "password_hash"
                    {
                        continue;
                    }
                    if let Some(copy) = record.get(column) {
                        assert_eq!(copy, value, "{entity} {id}: {column}");
                    }
                }
            }
        }
        // An action's supporters travel with it.
        let supporters = app
            .rows("SELECT a.id, coalesce(array_agg(s.organisation_id ORDER BY s.organisation_id) FILTER (WHERE s.organisation_id IS NOT NULL), '{}') AS ids FROM actions a LEFT JOIN action_supporters s ON s.action_id = a.id GROUP BY a.id")
            .await;
        for row in supporters {
            let record =
                &self.records[&("action".to_owned(), row["id"].as_str().unwrap().to_owned())];
            let mut copied: Vec<&str> = record["supporting_organisation_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            copied.sort();
            let stored: Vec<&str> = row["ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(copied, stored, "supporters of {}", row["id"]);
        }
    }
}

/// Retries a write that names the version it read until it is accepted.
async fn until_accepted(
    app: &TestApp,
    token: &str,
    path: &str,
    write: impl Fn(String) -> awc::SendClientRequest,
) {
    loop {
        let etag = app.etag(token, path).await;
        let status = write(etag).await.unwrap().status();
        match status {
            StatusCode::OK | StatusCode::CREATED => return,
            StatusCode::PRECONDITION_FAILED => continue,
            other => panic!("write to {path} failed with {other}"),
        }
    }
}

#[actix_web::test]
async fn a_copy_replayed_from_the_feed_equals_the_data_while_writers_run() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let police = app.token("police@example.org").await;
    let a11 = app.action(&police, "A1.1").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a12 = app.action(&admin, "A1.2").await;
    let a12_id = a12["id"].as_str().unwrap().to_owned();
    let a12_supporters: Vec<Value> = a12["supporting_organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].clone())
        .collect();
    let done = AtomicBool::new(false);

    let writers = async {
        let action_path = format!("/api/v1/actions/{a11}");
        let rated = async {
            for n in 0..12 {
                until_accepted(&app, &police, &action_path, |etag| {
                    app.post(&format!("{action_path}/updates"))
                        .bearer_auth(&police)
                        .insert_header(("If-Match", etag))
                        .send_json(&json!({ "rag": if n % 3 == 0 { "amber" } else { "green" }, "commentary": format!("report {n}") }))
                })
                .await;
            }
        };
        let edits = async {
            for n in 0..12 {
                until_accepted(&app, &police, &action_path, |etag| {
                    app.patch(&action_path)
                        .bearer_auth(&police)
                        .insert_header(("If-Match", etag))
                        .send_json(&json!({ "description": format!("edit {n}") }))
                })
                .await;
            }
        };
        let milestones = async {
            for n in 0..6 {
                let mut created = app
                    .post(&format!("{action_path}/milestones"))
                    .bearer_auth(&admin)
                    .send_json(&json!({ "title": format!("Step {n}"), "due_date": "2031-01-31" }))
                    .await
                    .unwrap();
                assert_eq!(created.status(), StatusCode::CREATED);
                let milestone: Value = created.json().await.unwrap();
                let path = format!("/api/v1/milestones/{}", milestone["id"].as_str().unwrap());
                until_accepted(&app, &admin, &path, |etag| {
                    app.patch(&path)
                        .bearer_auth(&admin)
                        .insert_header(("If-Match", etag))
                        .send_json(&json!({ "completed_on": "2026-11-01" }))
                })
                .await;
                if n % 2 == 0 {
                    let etag = app.etag(&admin, &path).await;
                    let deleted = app
                        .delete(&path)
                        .bearer_auth(&admin)
                        .insert_header(("If-Match", etag))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
                }
            }
        };
        let reassign = async {
            let path = format!("/api/v1/actions/{a12_id}");
            for n in 0..6 {
                let supporters: Vec<Value> = if n % 2 == 0 {
                    vec![]
                } else {
                    a12_supporters.clone()
                };
                until_accepted(&app, &admin, &path, |etag| {
                    app.patch(&path)
                        .bearer_auth(&admin)
                        .insert_header(("If-Match", etag))
                        .send_json(&json!({ "supporting_organisation_ids": supporters, "title": format!("Title {n}") }))
                })
                .await;
            }
        };
        join_all([
            Box::pin(rated) as std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>,
            Box::pin(edits),
            Box::pin(milestones),
            Box::pin(reassign),
        ])
        .await;
        done.store(true, Ordering::SeqCst);
    };
    let reader = async {
        let mut mirror = Mirror::default();
        while !done.load(Ordering::SeqCst) {
            mirror.pull(&app, &admin).await;
        }
        mirror.drain(&app, &admin).await;
        mirror
    };
    let ((), mirror) = join(writers, reader).await;

    mirror.assert_equals_database(&app).await;
    // Changes to achievements while unapproved on both sides are withheld.
    let audited = app
        .count(
            "SELECT count(*) FROM audit_events WHERE entity NOT IN ('user', 'api_token')
               AND NOT (entity = 'achievement'
                        AND coalesce(before->>'status', '') <> 'approved'
                        AND coalesce(after->>'status', '') <> 'approved')",
        )
        .await;
    assert_eq!(
        mirror.applied as i64, audited,
        "every published change once"
    );
}

#[actix_web::test]
async fn a_transaction_that_commits_late_is_delivered_after_the_reader_has_moved_on() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut mirror = Mirror::default();
    mirror.drain(&app, &admin).await;
    let organisation = app.organisation_id(&admin, "Nottinghamshire Police").await;

    // A writer starts first and holds its transaction open...
    let mut slow = app.pool_connection().await;
    slow.batch_execute(&format!(
        "BEGIN;
         WITH before AS (
             SELECT to_jsonb(o) - 'created_at' - 'updated_at' AS state
               FROM organisations o WHERE id = '{organisation}'),
         after AS (
             UPDATE organisations o
                SET version = version + 1, name = 'Nottinghamshire Police Force'
              WHERE id = '{organisation}'
          RETURNING to_jsonb(o) - 'created_at' - 'updated_at' AS state)
         INSERT INTO audit_events (entity, entity_id, action, before, after)
         SELECT 'organisation', '{organisation}', 'update', before.state, after.state
           FROM before, after;"
    ))
    .await
    .unwrap();

    // ...while a later one commits through the API, and the reader reads it.
    let created = app
        .post("/api/v1/organisations")
        .bearer_auth(&admin)
        .send_json(
            &json!({ "name": "Bassetlaw District Council Youth Forum", "kind": "voluntary_group" }),
        )
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    mirror.drain(&app, &admin).await;
    let seen = mirror.applied;

    // The first one commits last: the reader, already past the later
    // change, still receives it.
    slow.batch_execute("COMMIT").await.unwrap();
    mirror.drain(&app, &admin).await;
    assert_eq!(mirror.applied, seen + 1);
    let record = &mirror.records[&("organisation".to_owned(), organisation.clone())];
    assert_eq!(record["name"], "Nottinghamshire Police Force");
}

#[actix_web::test]
async fn members_viewers_and_limited_tokens_cannot_read_the_feed() {
    let app = TestApp::spawn().await;
    for email in ["police@example.org", "viewer@example.org"] {
        let token = app.token(email).await;
        let response = app
            .get("/api/v1/changes")
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{email}");
    }
    let chair = app.token("chair@example.org").await;
    let page = app.read(&chair, "/api/v1/changes?limit=500").await;
    let entities: BTreeMap<String, usize> =
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .fold(BTreeMap::new(), |mut seen, c| {
                *seen
                    .entry(c["entity"].as_str().unwrap().to_owned())
                    .or_default() += 1;
                seen
            });
    assert!(
        !entities.contains_key("user"),
        "accounts stay out of the feed: {entities:?}"
    );
    let bad = app
        .get("/api/v1/changes?since=not-a-cursor")
        .bearer_auth(&chair)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}
