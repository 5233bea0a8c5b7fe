//! The chair's review: dashboard, periods, trend and reports.

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem};

async fn dashboard(app: &TestApp, token: &str, strategy: &str, query: &str) -> Value {
    app.read(
        token,
        &format!("/api/v1/strategies/{strategy}/dashboard?{query}"),
    )
    .await
}

#[actix_web::test]
async fn the_dashboard_counts_equal_counts_computed_with_sql() {
    let app = TestApp::spawn().await;
    let chair = app.token("chair@example.org").await;
    let strategy = app.demo_strategy(&chair).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = dashboard(&app, &chair, &strategy, "stale_days=60").await;
    assert_eq!(d["source"], "live");
    let s = format!("a.strategy_id = '{strategy}'");

    for rag in ["red", "amber", "green", "blue", "not_rated"] {
        let sql = app
            .count(&format!(
                "SELECT count(*) FROM actions a WHERE {s} AND a.rag = '{rag}'"
            ))
            .await;
        assert_eq!(d["totals"][rag].as_i64().unwrap(), sql, "total {rag}");
    }
    assert_eq!(d["totals"]["total"].as_i64().unwrap(), 25);

    for (section, kind) in [("by_ambition", "ambition"), ("by_commitment", "commitment")] {
        for row in d[section].as_array().unwrap() {
            for rag in ["red", "amber", "green", "blue", "not_rated"] {
                let sql = app
                    .count(&format!(
                        "SELECT count(*) FROM actions a JOIN action_statements x ON x.action_id = a.id \
                         JOIN statements st ON st.id = x.statement_id \
                         WHERE {s} AND st.kind = '{kind}' AND st.number = {} AND a.rag = '{rag}'",
                        row["number"]
                    ))
                    .await;
                assert_eq!(
                    row["counts"][rag].as_i64().unwrap(),
                    sql,
                    "{section} {} {rag}",
                    row["number"]
                );
            }
        }
    }
    for row in d["by_lead_organisation"].as_array().unwrap() {
        let sql = app
            .count(&format!(
                "SELECT count(*) FROM actions a WHERE {s} AND a.lead_organisation_id = '{}'",
                row["organisation"]["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(row["counts"]["total"].as_i64().unwrap(), sql);
    }
    let exceptions = app
        .count(&format!(
            "SELECT count(*) FROM actions a WHERE {s} AND a.rag IN ('red', 'amber')"
        ))
        .await;
    assert_eq!(d["exceptions"]["total"].as_i64().unwrap(), exceptions);
    assert_eq!(d["exceptions"]["items"][0]["rag"], "red");
    assert!(
        d["exceptions"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| !e["commentary"].as_str().unwrap().is_empty())
    );

    let overdue_milestones = app
        .count(&format!(
            "SELECT count(*) FROM milestones m JOIN actions a ON a.id = m.action_id \
             WHERE {s} AND m.completed_on IS NULL AND m.due_date < current_date"
        ))
        .await;
    assert_eq!(
        d["overdue_milestones"]["total"].as_i64().unwrap(),
        overdue_milestones
    );
    assert!(overdue_milestones > 0);
    let overdue_actions = app
        .count(&format!(
            "SELECT count(*) FROM actions a WHERE {s} AND a.target_date < current_date AND a.rag <> 'blue'"
        ))
        .await;
    assert_eq!(
        d["overdue_actions"]["total"].as_i64().unwrap(),
        overdue_actions
    );
    let stale = app
        .count(&format!(
            "SELECT count(*) FROM actions a WHERE {s} AND a.rag <> 'blue' AND coalesce(
               (SELECT max(p.created_at) FROM progress_updates p WHERE p.action_id = a.id AND p.kind <> 'challenge'),
               a.created_at) <= now() - interval '60 days'"
        ))
        .await;
    assert_eq!(d["stale_actions"]["total"].as_i64().unwrap(), stale);
    let few = dashboard(&app, &chair, &strategy, "stale_days=60&limit=2").await;
    assert_eq!(few["stale_actions"]["items"].as_array().unwrap().len(), 2);
    assert_eq!(few["stale_actions"]["total"], d["stale_actions"]["total"]);

    let partners = app
        .count(&format!(
            "SELECT count(*) FROM strategy_partners WHERE strategy_id = '{strategy}'"
        ))
        .await;
    let commitments = app
        .count(&format!("SELECT count(*) FROM statements WHERE strategy_id = '{strategy}' AND kind = 'commitment'"))
        .await;
    let pledges = app
        .count(&format!(
            "SELECT count(*) FROM pledges WHERE strategy_id = '{strategy}'"
        ))
        .await;
    assert_eq!(
        d["pledges"]["gaps"].as_i64().unwrap(),
        partners * commitments - pledges
    );
    assert_eq!(
        d["pledges"]["rows"].as_array().unwrap().len() as i64,
        partners
    );
}

#[actix_web::test]
async fn a_closed_period_keeps_the_ratings_it_closed_with() {
    let app = TestApp::spawn().await;
    let chair = app.token("chair@example.org").await;
    let police = app.token("police@example.org").await;
    let strategy = app.demo_strategy(&chair).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let today = chrono::Utc::now().date_naive();
    let mut created = app
        .post(&format!("/api/v1/strategies/{strategy}/periods"))
        .bearer_auth(&chair)
        .send_json(&json!({
            "name": "Current quarter",
            "starts_on": today - chrono::Duration::days(30),
            "ends_on": today + chrono::Duration::days(30),
        }))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let period: Value = created.json().await.unwrap();
    let period_id = period["id"].as_str().unwrap();
    assert_eq!(period["status"], "open");

    let action = app.action(&police, "A1.1").await;
    let id = action["id"].as_str().unwrap();
    let post = |rag: &'static str, words: &'static str| {
        app.post(&format!("/api/v1/actions/{id}/updates"))
            .bearer_auth(&police)
            .send_json(&json!({ "rag": rag, "commentary": words }))
    };
    assert_eq!(
        post("green", "On track this quarter")
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
    let open = dashboard(&app, &chair, &strategy, "").await;
    assert_eq!(
        open["period"]["id"], period_id,
        "the open period is current"
    );
    let not_reported: Vec<&str> = open["not_reported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["organisation"]["name"].as_str().unwrap())
        .collect();
    assert!(
        !not_reported.contains(&"Nottinghamshire Police"),
        "the police reported this period"
    );
    assert!(not_reported.contains(&"Nottingham Trent University"));

    let member_close = app
        .post(&format!("/api/v1/periods/{period_id}/close"))
        .bearer_auth(&police)
        .send()
        .await
        .unwrap();
    assert_eq!(member_close.status(), StatusCode::FORBIDDEN);
    let closed = app
        .post(&format!("/api/v1/periods/{period_id}/close"))
        .bearer_auth(&chair)
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), StatusCode::OK);
    let again = app
        .post(&format!("/api/v1/periods/{period_id}/close"))
        .bearer_auth(&chair)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    problem(again).await;
    let rename = app
        .patch(&format!("/api/v1/periods/{period_id}"))
        .bearer_auth(&chair)
        .insert_header(("If-Match", "\"2\""))
        .send_json(&json!({ "name": "Renamed" }))
        .await
        .unwrap();
    assert_eq!(rename.status(), StatusCode::CONFLICT);

    // Later changes: a red rating and a new title.
    assert_eq!(
        post("red", "Custody numbers doubled since the board met")
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
    let current = app.read(&police, &format!("/api/v1/actions/{id}")).await;
    let renamed = app
        .patch(&format!("/api/v1/actions/{id}"))
        .bearer_auth(&police)
        .insert_header(("If-Match", format!("\"{}\"", current["version"])))
        .send_json(&json!({ "title": "A new title after the period" }))
        .await
        .unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);

    let find = |report: &Value| -> Value {
        report["ambitions"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["actions"].as_array().unwrap().iter())
            .find(|a| a["reference"] == "A1.1")
            .unwrap()
            .clone()
    };
    let live = app
        .read(&chair, &format!("/api/v1/strategies/{strategy}/report"))
        .await;
    assert_eq!(find(&live)["rag"], "red");
    let then = app
        .read(
            &chair,
            &format!("/api/v1/strategies/{strategy}/report?period_id={period_id}"),
        )
        .await;
    assert_eq!(then["source"], "snapshot");
    assert_eq!(find(&then)["rag"], "green");
    assert_eq!(find(&then)["commentary"], "On track this quarter");
    assert_eq!(find(&then)["title"], action["title"]);
    let then_dashboard =
        dashboard(&app, &chair, &strategy, &format!("period_id={period_id}")).await;
    assert_eq!(
        then_dashboard["totals"]["red"].as_i64().unwrap() + 1,
        open_red(&app, &strategy).await
    );

    // The trend now ends with the new period, and A1.1 is worse than it.
    let trend = app
        .read(&chair, &format!("/api/v1/strategies/{strategy}/trend"))
        .await;
    assert_eq!(
        trend["periods"].as_array().unwrap().last().unwrap()["period"]["id"],
        period_id
    );
    let a11 = trend["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"]["reference"] == "A1.1")
        .unwrap();
    assert_eq!(a11["ratings"].as_array().unwrap().last().unwrap(), "green");
    assert_eq!(a11["current_rag"], "red");
    assert_eq!(a11["direction"], "worse");
}

async fn open_red(app: &TestApp, strategy: &str) -> i64 {
    app.count(&format!(
        "SELECT count(*) FROM actions WHERE strategy_id = '{strategy}' AND rag = 'red'"
    ))
    .await
}

#[actix_web::test]
async fn a_past_date_reads_from_history() {
    let app = TestApp::spawn().await;
    let viewer = app.token("viewer@example.org").await;
    let strategy = app.demo_strategy(&viewer).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Before any rating was given, everything was not rated.
    let start = dashboard(&app, &viewer, &strategy, "as_at=2022-04-30").await;
    assert_eq!(start["source"], "history");
    assert_eq!(start["totals"]["not_rated"], start["totals"]["total"]);
    // At a date, each action's rating is that of its newest rated update by then.
    let d = dashboard(&app, &viewer, &strategy, "as_at=2023-06-30").await;
    for rag in ["red", "amber", "green", "blue"] {
        let sql = app
            .count(&format!(
                "SELECT count(*) FROM actions a WHERE a.strategy_id = '{strategy}' AND (
                   SELECT p.rag FROM progress_updates p WHERE p.action_id = a.id AND p.kind = 'update'
                      AND p.created_at < '2023-07-01' ORDER BY p.created_at DESC LIMIT 1) = '{rag}'"
            ))
            .await;
        assert_eq!(
            d["totals"][rag].as_i64().unwrap(),
            sql,
            "{rag} as at 2023-06-30"
        );
    }
    assert_eq!(d["period"]["name"], "2023-24 Q1");
}

#[actix_web::test]
async fn the_trend_agrees_with_the_snapshots() {
    let app = TestApp::spawn().await;
    let viewer = app.token("viewer@example.org").await;
    let strategy = app.demo_strategy(&viewer).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let trend = app
        .read(&viewer, &format!("/api/v1/strategies/{strategy}/trend"))
        .await;
    let periods = trend["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 12);
    for p in periods {
        let red = app
            .count(&format!(
                "SELECT count(*) FROM period_action_snapshots WHERE period_id = '{}' AND rag = 'red'",
                p["period"]["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(p["counts"]["red"].as_i64().unwrap(), red);
        assert_eq!(p["counts"]["total"], 25);
    }
    let streaks: Vec<(String, i64)> = trend["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["red_periods_in_a_row"].as_i64().unwrap() >= 2)
        .map(|a| {
            (
                a["action"]["reference"].as_str().unwrap().to_owned(),
                a["red_periods_in_a_row"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(
        !streaks.is_empty(),
        "the demo has actions red for two periods or more"
    );
    for (reference, streak) in streaks {
        let ratings: Vec<String> = trend["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["action"]["reference"] == reference.as_str())
            .unwrap()["ratings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap_or("").to_owned())
            .collect();
        let counted = ratings.iter().rev().take_while(|r| *r == "red").count() as i64;
        assert_eq!(streak, counted, "{reference}");
    }
}

#[actix_web::test]
async fn reports_render_in_every_format_with_text_escaped() {
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let action = app.action(&police, "A1.1").await;
    let posted = app
        .post(&format!(
            "/api/v1/actions/{}/updates",
            action["id"].as_str().unwrap()
        ))
        .bearer_auth(&police)
        .send_json(&json!({
            "rag": "red",
            "commentary": "<script>alert('board')</script> & \"quotes\"",
            "next_steps": "=HYPERLINK(\"http://evil.example\")",
        }))
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::CREATED);
    let strategy = app.demo_strategy(&police).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fetch = |query: &'static str| {
        let path = format!("/api/v1/strategies/{strategy}/report?{query}");
        let (app, police) = (&app, &police);
        async move {
            let mut response = app.get(&path).bearer_auth(police).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let content_type = response
                .headers()
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            let body = response.body().limit(8 << 20).await.unwrap();
            (content_type, String::from_utf8(body.to_vec()).unwrap())
        }
    };

    let (content_type, json_body) = fetch("format=json").await;
    assert!(content_type.starts_with("application/json"));
    let report: Value = serde_json::from_str(&json_body).unwrap();
    let exceptions = report["exceptions"].as_array().unwrap();
    assert!(
        exceptions
            .iter()
            .any(|e| e["action"]["reference"] == "A1.1" && e["rag"] == "red")
    );
    let reds: Vec<&Value> = exceptions
        .iter()
        .take_while(|e| e["rag"] == "red")
        .collect();
    assert_eq!(reds.len(), 4, "red exceptions come first");
    assert_eq!(report["ambitions"].as_array().unwrap().len(), 6);

    let (content_type, csv) = fetch("format=csv").await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert!(
        csv.starts_with('\u{feff}'),
        "UTF-8 byte order mark for Excel"
    );
    let mut reader = ::csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 25, "one row per action");
    let a11 = rows.iter().find(|r| &r[0] == "A1.1").unwrap();
    assert_eq!(&a11[4], "Red");
    assert!(a11[8].starts_with("'="), "formulas are neutralised");

    let (content_type, md) = fetch("format=md").await;
    assert_eq!(content_type, "text/markdown; charset=utf-8");
    assert!(md.contains(r"\<script\>") && !md.contains("<script>") && !md.contains("&lt;"));

    let (content_type, html) = fetch("format=html").await;
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.contains("<script"),
        "no script tag, from the data or otherwise"
    );
    assert!(
        html.contains(
            "&lt;script&gt;alert(&#39;board&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"
        )
    );
    assert!(
        html.contains("<span class=\"rag red\">Red</span>"),
        "colour with a text label"
    );
    assert!(
        !html.contains("src=") && !html.contains("href=") && !html.contains("<link"),
        "self-contained"
    );

    for format in ["json", "csv", "md", "html"] {
        let path =
            format!("/api/v1/strategies/{strategy}/report?audience=young_people&format={format}");
        let mut response = app.get(&path).bearer_auth(&police).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{format}");
        let body =
            String::from_utf8(response.body().limit(8 << 20).await.unwrap().to_vec()).unwrap();
        assert!(
            body.contains("What happens next") || body.contains("what_happens_next"),
            "{format}"
        );
        assert!(
            !body.contains("A1.1") && !body.contains("RAG") && !body.contains("not_rated"),
            "{format}: no codes or jargon"
        );
    }
}

#[actix_web::test]
async fn moments_are_checked() {
    let app = TestApp::spawn().await;
    let chair = app.token("chair@example.org").await;
    let strategy = app.demo_strategy(&chair).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let periods = app
        .read(&chair, &format!("/api/v1/strategies/{strategy}/periods"))
        .await;
    let period = periods[0]["id"].as_str().unwrap();
    for (query, status) in [
        (
            format!("as_at=2023-01-01&period_id={period}"),
            StatusCode::BAD_REQUEST,
        ),
        ("as_at=2999-01-01".to_owned(), StatusCode::BAD_REQUEST),
        ("as_at=yesterday".to_owned(), StatusCode::BAD_REQUEST),
        (
            format!("period_id={}", uuid::Uuid::now_v7()),
            StatusCode::NOT_FOUND,
        ),
        ("stale_days=0".to_owned(), StatusCode::BAD_REQUEST),
    ] {
        let response = app
            .get(&format!("/api/v1/strategies/{strategy}/dashboard?{query}"))
            .bearer_auth(&chair)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{query}");
        problem(response).await;
    }
    let bad_format = app
        .get(&format!("/api/v1/strategies/{strategy}/report?format=pdf"))
        .bearer_auth(&chair)
        .send()
        .await
        .unwrap();
    assert_eq!(bad_format.status(), StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn periods_do_not_overlap_and_are_managed_by_the_chair() {
    let app = TestApp::spawn().await;
    let chair = app.token("chair@example.org").await;
    let strategy = app.demo_strategy(&chair).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/strategies/{strategy}/periods");
    let overlapping = app
        .post(&path)
        .bearer_auth(&chair)
        .send_json(
            &json!({ "name": "Overlap", "starts_on": "2024-12-01", "ends_on": "2025-05-31" }),
        )
        .await
        .unwrap();
    assert_eq!(overlapping.status(), StatusCode::CONFLICT);
    let backwards = app
        .post(&path)
        .bearer_auth(&chair)
        .send_json(
            &json!({ "name": "Backwards", "starts_on": "2025-06-30", "ends_on": "2025-04-01" }),
        )
        .await
        .unwrap();
    assert_eq!(backwards.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let member = app.token("police@example.org").await;
    let forbidden = app
        .post(&path)
        .bearer_auth(&member)
        .send_json(
            &json!({ "name": "2025-26 Q1", "starts_on": "2025-04-01", "ends_on": "2025-06-30" }),
        )
        .await
        .unwrap();
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT count(*) FROM reporting_periods").await,
        12
    );
}

#[actix_web::test]
async fn one_organisations_report_holds_only_what_it_leads_pledges_and_records() {
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let strategy = app.demo_strategy(&police).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let portfolio = app.read(&police, "/api/v1/me/portfolio").await;
    let org = portfolio["organisation"]["id"].as_str().unwrap().to_owned();
    let name = portfolio["organisation"]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/strategies/{strategy}/report?organisation_id={org}");
    let report = app.read(&police, &path).await;
    assert_eq!(report["organisation"]["id"], org.as_str());

    let led = app
        .count(&format!(
            "SELECT count(*) FROM actions WHERE strategy_id = '{strategy}' AND lead_organisation_id = '{org}'"
        ))
        .await;
    assert!(led > 0);
    assert_eq!(report["summary"]["total"].as_i64().unwrap(), led);
    let mut actions = 0;
    for section in report["ambitions"].as_array().unwrap() {
        for action in section["actions"].as_array().unwrap() {
            assert_eq!(action["lead"]["id"], org.as_str());
            actions += 1;
        }
        for indicator in section["indicators"].as_array().unwrap() {
            assert_eq!(indicator["owner"]["id"], org.as_str());
        }
    }
    assert_eq!(actions, led);
    for e in report["exceptions"].as_array().unwrap() {
        assert_eq!(e["action"]["lead"]["id"], org.as_str());
    }
    let rows = report["pledges"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["organisation"]["id"], org.as_str());
    for p in report["pledge_texts"].as_array().unwrap() {
        assert_eq!(p["organisation"]["id"], org.as_str());
    }

    // The same limits in the people's formats.
    let html = app
        .get(&format!("{path}&format=html"))
        .bearer_auth(&police)
        .send()
        .await
        .unwrap()
        .body()
        .limit(4 << 20)
        .await
        .unwrap();
    let html = String::from_utf8(html.to_vec()).unwrap();
    assert!(html.contains(&format!("Only the part of {name}")));
    let plain = app
        .read(&police, &format!("{path}&audience=young_people"))
        .await;
    assert!(plain["title"].as_str().unwrap().contains(&name));

    // Anyone who reads the strategy reads any partner's part; an
    // organisation with no part in the strategy is refused.
    let viewer = app.token("viewer@example.org").await;
    assert_eq!(
        app.read(&viewer, &path).await["organisation"]["id"],
        org.as_str()
    );
    let stranger = uuid::Uuid::now_v7();
    let refused = app
        .get(&format!(
            "/api/v1/strategies/{strategy}/report?organisation_id={stranger}"
        ))
        .bearer_auth(&police)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
