//! Impact indicators: definitions, values with district breakdowns, who may
//! record them, and the figures the dashboard and report derive from them.

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem};

const DISTRICTS: [&str; 7] = [
    "Ashfield",
    "Bassetlaw",
    "Broxtowe",
    "Gedling",
    "Mansfield",
    "Newark and Sherwood",
    "Rushcliffe",
];

/// A breakdown over the seven districts.
fn by_district(values: [i64; 7]) -> Value {
    DISTRICTS
        .iter()
        .zip(values)
        .map(|(d, v)| json!({ "category": d, "value": v }))
        .collect()
}

struct Setup {
    app: TestApp,
    admin: String,
    strategy: String,
    districts_org: String,
    ambition_4: String,
}

async fn setup() -> Setup {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let strategy = app.demo_strategy(&admin).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let districts_org = app.organisation_id(&admin, "District").await;
    let ambitions = app
        .read(&admin, &format!("/api/v1/strategies/{strategy}/ambitions"))
        .await;
    let ambition_4 = ambitions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["number"] == 4)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Setup {
        app,
        admin,
        strategy,
        districts_org,
        ambition_4,
    }
}

/// A count, higher is better, from 100 on 1 January 2024 to 200 on 10 April
/// 2024: exactly 100 days, so the straight line rises by one a day.
async fn define_leisure_count(s: &Setup) -> Value {
    let mut response = s
        .app
        .send_json(
            "POST",
            &format!("/api/v1/strategies/{}/indicators", s.strategy),
            &s.admin,
            None,
            &json!({
                "title": "Young people using district youth clubs",
                "unit": "count",
                "direction": "higher_is_better",
                "baseline_value": 100, "baseline_date": "2024-01-01",
                "target_value": 200, "target_date": "2024-04-10",
                "owner_organisation_id": s.districts_org,
                "ambition_ids": [s.ambition_4],
                "breakdown_dimension": "district",
                "breakdown_categories": DISTRICTS,
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(response.headers().contains_key("location"));
    response.json().await.unwrap()
}

async fn period_id(app: &TestApp, token: &str, strategy: &str, name: &str) -> String {
    let periods = app
        .read(token, &format!("/api/v1/strategies/{strategy}/periods"))
        .await;
    let list = periods.get("items").unwrap_or(&periods);
    list.as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no period {name}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The dashboard entry for an indicator.
async fn on_dashboard(app: &TestApp, token: &str, strategy: &str, id: &str, query: &str) -> Value {
    let d = app
        .read(
            token,
            &format!("/api/v1/strategies/{strategy}/dashboard?{query}"),
        )
        .await;
    d["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["indicators"].as_array().unwrap().iter())
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("indicator {id} is not on the dashboard"))
        .clone()
}

#[actix_web::test]
async fn the_owning_organisation_records_a_quarter_with_a_district_breakdown() {
    let s = setup().await;
    let app = &s.app;
    let indicator = define_leisure_count(&s).await;
    let id = indicator["id"].as_str().unwrap();
    let values = format!("/api/v1/indicators/{id}/values");
    let districts = app.token("districts@example.org").await;
    let police = app.token("police@example.org").await;
    let q4 = period_id(app, &districts, &s.strategy, "2023-24 Q4").await;
    assert_eq!(
        indicator["allowed_actions"],
        json!(["update", "delete", "record_value"])
    );
    let theirs = app
        .read(&districts, &format!("/api/v1/indicators/{id}"))
        .await;
    assert_eq!(theirs["allowed_actions"], json!(["record_value"]));
    let others = app.read(&police, &format!("/api/v1/indicators/{id}")).await;
    assert_eq!(others["allowed_actions"], json!([]));

    let indicator_path = format!("/api/v1/indicators/{id}");
    let unchanged = app.etag(&police, &indicator_path).await;

    // 20 February 2024: 50 days in, so the line stands at 150.
    let mut first = app
        .send_json(
            "POST",
            &values,
            &districts,
            None,
            &json!({
                "as_of": "2024-02-20", "value": 140,
                "breakdown": by_district([26, 20, 15, 18, 25, 20, 16]),
                "source": "District returns",
            }),
        )
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["breakdown_sum"], 140);
    assert_eq!(first["breakdown_mismatch"], false);

    // The indicator shows its values' figures, so its tag moved with them.
    let fresh = app
        .get(&indicator_path)
        .bearer_auth(&police)
        .insert_header(("If-None-Match", unchanged.as_str()))
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), StatusCode::OK);
    let now = fresh
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(now, unchanged);
    let cached = app
        .get(&indicator_path)
        .bearer_auth(&police)
        .insert_header(("If-None-Match", now.as_str()))
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);

    // Another organisation's member, the chair and a viewer may not.
    let quarter = json!({
        "period_id": q4, "value": 195,
        "breakdown": by_district([36, 27, 21, 25, 34, 21, 16]),
    });
    for email in [
        "police@example.org",
        "chair@example.org",
        "viewer@example.org",
    ] {
        let token = app.token(email).await;
        let refused = app.send_json("POST", &values, &token, None, &quarter).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{email}");
        assert_eq!(problem(refused).await["code"], "forbidden");
    }
    let count_sql = format!("SELECT count(*) FROM indicator_values WHERE indicator_id = '{id}'");
    let stored = || app.count(&count_sql);
    assert_eq!(stored().await, 1);

    // The districts add up to 180, not 195: refused unless accepted.
    let mut refused = app
        .send_json("POST", &values, &districts, None, &quarter)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "breakdown");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("add up to 180, not the total 195"),
        "{body}"
    );
    assert_eq!(stored().await, 1);

    let mut accepted = quarter.clone();
    accepted["accept_breakdown_mismatch"] = json!(true);
    accepted["note"] = json!("15 attendees gave no district.");
    let mut recorded = app
        .send_json("POST", &values, &districts, None, &accepted)
        .await;
    assert_eq!(recorded.status(), StatusCode::CREATED);
    let etag = recorded
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let recorded: Value = recorded.json().await.unwrap();
    // A period's value is dated its last day.
    assert_eq!(recorded["as_of"], "2024-03-31");
    assert_eq!(recorded["period_id"], q4.as_str());
    assert_eq!(recorded["breakdown_sum"], 180);
    assert_eq!(recorded["breakdown_mismatch"], true);
    assert!(
        recorded["recorded_by"]["name"]
            .as_str()
            .unwrap()
            .starts_with("Board Member")
    );

    // On the dashboard, by hand: 31 March is 90 days in, so the line stands
    // at 190; 195 is above it and below the target of 200.
    let d = on_dashboard(app, &police, &s.strategy, id, "").await;
    assert_eq!(d["ambitions"], json!([4]));
    assert_eq!(d["latest"]["value"], 195);
    assert_eq!(d["latest"]["as_of"], "2024-03-31");
    assert_eq!(d["latest"]["breakdown_mismatch"], true);
    assert_eq!(d["latest"]["breakdown_sum"], 180);
    assert_eq!(d["previous"], json!({ "date": "2024-02-20", "value": 140 }));
    assert_eq!(d["change_since_baseline"], 95);
    assert_eq!(d["change_since_previous"], 55);
    assert_eq!(d["direction_of_travel"], "better");
    assert_eq!(d["expected"], 190);
    assert_eq!(d["trajectory"], "on_track");

    // A correction needs the version read.
    let path = format!("{values}/{}", recorded["id"].as_str().unwrap());
    let correction =
        json!({ "value": 185, "breakdown": by_district([36, 27, 21, 25, 34, 26, 16]) });
    let missing = app
        .send_json("PATCH", &path, &districts, None, &correction)
        .await;
    assert_eq!(missing.status(), StatusCode::PRECONDITION_REQUIRED);
    let stale = app
        .send_json("PATCH", &path, &districts, Some("\"7\""), &correction)
        .await;
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let other = app
        .patch(&path)
        .bearer_auth(&police)
        .insert_header(("If-Match", etag.as_str()))
        .send_json(&correction)
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    let mut corrected = app
        .patch(&path)
        .bearer_auth(&districts)
        .insert_header(("If-Match", etag.as_str()))
        .send_json(&correction)
        .await
        .unwrap();
    assert_eq!(corrected.status(), StatusCode::OK);
    let corrected: Value = corrected.json().await.unwrap();
    assert_eq!(corrected["version"], 2);
    assert_eq!(corrected["breakdown_mismatch"], false);

    // 185 is now below the line's 190: off track, still better than before.
    let d = on_dashboard(app, &police, &s.strategy, id, "").await;
    assert_eq!(d["latest"]["value"], 185);
    assert_eq!(d["latest"]["breakdown_mismatch"], false);
    assert_eq!(d["change_since_previous"], 45);
    assert_eq!(d["direction_of_travel"], "better");
    assert_eq!(d["trajectory"], "off_track");

    // Both versions are kept, and each change is audited.
    let read = app.read(&police, &path).await;
    let history: Vec<i64> = read["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_i64().unwrap())
        .collect();
    assert_eq!(history, [185, 195]);
    let audited = app
        .count(&format!(
            "SELECT count(*) FROM audit_events WHERE entity = 'indicator_value' AND entity_id = '{}'",
            recorded["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(audited, 2);
    let list = app.read(&police, &values).await;
    let dates: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["as_of"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2024-02-20", "2024-03-31"]);
}

#[actix_web::test]
async fn the_demo_indicators_show_hand_computed_figures() {
    let app = TestApp::spawn().await;
    let viewer = app.token("viewer@example.org").await;
    let strategy = app.demo_strategy(&viewer).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = app
        .read(&viewer, &format!("/api/v1/strategies/{strategy}/dashboard"))
        .await;
    let groups = d["indicators"].as_array().unwrap();
    let all: Vec<&Value> = groups
        .iter()
        .flat_map(|g| g["indicators"].as_array().unwrap().iter())
        .collect();
    assert_eq!(all.len(), 6, "the strategy's six success measures");
    // Each sits under the first ambition it measures.
    for g in groups {
        for i in g["indicators"].as_array().unwrap() {
            assert_eq!(i["ambitions"][0], g["ambition"]["number"]);
        }
    }
    let find = |words: &str| -> &Value {
        all.iter()
            .find(|i| i["title"].as_str().unwrap().contains(words))
            .unwrap_or_else(|| panic!("no indicator about {words}"))
    };
    // The strategy's own figure: 80% in education, employment or training.
    let eet = find("education, employment or training");
    assert_eq!(eet["baseline"]["value"], 80);
    assert_eq!(eet["unit"], "percent");
    // Lower is better: 11% at the baseline, 9.6% then 9.5% in the last two
    // quarters, against a target of 9% by 31 March 2025, the latest date.
    let stability = find("three or more placements");
    assert_eq!(stability["direction"], "lower_is_better");
    assert_eq!(stability["latest"]["value"], 9.5);
    assert_eq!(stability["latest"]["as_of"], "2025-03-31");
    assert_eq!(stability["previous"]["value"], 9.6);
    assert_eq!(stability["change_since_baseline"], -1.5);
    assert_eq!(stability["change_since_previous"], -0.1);
    assert_eq!(stability["direction_of_travel"], "better");
    assert_eq!(stability["expected"], 9);
    assert_eq!(stability["trajectory"], "off_track");
    // The leisure returns' last quarter does not add up, and says so.
    let leisure = find("free leisure access");
    assert_eq!(leisure["latest"]["value"], 277);
    assert_eq!(leisure["latest"]["breakdown_sum"], 271);
    assert_eq!(leisure["latest"]["breakdown_mismatch"], true);
    assert_eq!(leisure["latest"]["breakdown"].as_array().unwrap().len(), 7);

    // The board report lists them under their ambitions, in every format.
    let report = app
        .read(&viewer, &format!("/api/v1/strategies/{strategy}/report"))
        .await;
    let in_report: usize = report["ambitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["indicators"].as_array().unwrap().len())
        .sum();
    assert_eq!(in_report, 6);
    let mut markdown = app
        .get(&format!("/api/v1/strategies/{strategy}/report?format=md"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    let text = String::from_utf8(markdown.body().await.unwrap().to_vec()).unwrap();
    assert!(text.contains("### How we measure it"), "{text}");
    assert!(
        text.contains("| 9.5% (Mar 2025) | -1.5 points | Better | 9% by Mar 2025 | Off track |"),
        "{text}"
    );
    assert!(text.contains("277 (Mar 2025); breakdown adds up to 271"));

    let mut html = app
        .get(&format!("/api/v1/strategies/{strategy}/report?format=html"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    let page = String::from_utf8(html.body().limit(4 << 20).await.unwrap().to_vec()).unwrap();
    assert!(page.contains("<h3>How we measure it</h3>"));
    assert!(page.contains("<td>85.1% (Mar 2025)</td><td>+5.1 points</td><td>Better</td><td>85% by Mar 2025</td><td>Target met</td>"));

    // The young people's version says the same in words.
    let plain = app
        .read(
            &viewer,
            &format!("/api/v1/strategies/{strategy}/report?audience=young_people"),
        )
        .await;
    let lines: Vec<&str> = plain["ambitions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["how_we_know"].as_array().unwrap().iter())
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    assert!(lines.contains(
        &"Looked after young people and care leavers in education, employment or training: \
          85.1% in March 2025; the aim is 85% by March 2025. We have reached it."
    ));
    assert!(lines.contains(
        &"Children in care with three or more placements in the year: 9.5% in March 2025; \
          the aim is 9% by March 2025. We are behind where we want to be."
    ));
}

#[actix_web::test]
async fn a_closed_period_keeps_the_figures_it_closed_with() {
    let app = TestApp::spawn().await;
    let ncc = app.token("ncc@example.org").await;
    let strategy = app.demo_strategy(&ncc).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let q2 = period_id(&app, &ncc, &strategy, "2023-24 Q2").await;
    let list = app
        .read(&ncc, &format!("/api/v1/strategies/{strategy}/indicators"))
        .await;
    let training = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"].as_str().unwrap().contains("trauma-informed"))
        .unwrap()
        .clone();
    let id = training["id"].as_str().unwrap();
    let closed = on_dashboard(&app, &ncc, &strategy, id, &format!("period_id={q2}")).await;
    assert_eq!(closed["latest"]["value"], 940);
    // 30 September 2023 is 548 of 1,096 days from baseline to target: half
    // way from 350 to 1,500 is 925, and 940 is above it.
    assert_eq!(closed["expected"], 925);
    assert_eq!(closed["trajectory"], "on_track");

    // A correction made now changes neither the closed period nor a report
    // as at a past date, only the live figures.
    let values = app
        .read(&ncc, &format!("/api/v1/indicators/{id}/values"))
        .await;
    let september = values["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["as_of"] == "2023-09-30")
        .unwrap()
        .clone();
    let path = format!(
        "/api/v1/indicators/{id}/values/{}",
        september["id"].as_str().unwrap()
    );
    let etag = app.etag(&ncc, &path).await;
    let response = app
        .send_json(
            "PATCH",
            &path,
            &ncc,
            Some(&etag),
            &json!({ "value": 900, "note": "Recounted." }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let closed = on_dashboard(&app, &ncc, &strategy, id, &format!("period_id={q2}")).await;
    assert_eq!(closed["latest"]["value"], 940);
    let past = on_dashboard(&app, &ncc, &strategy, id, "as_at=2023-11-01").await;
    assert_eq!(past["latest"]["value"], 940);
    assert_eq!(past["trajectory"], "on_track");
    // Before the board agreed its measures, there were none.
    let before = app
        .read(
            &ncc,
            &format!("/api/v1/strategies/{strategy}/dashboard?as_at=2022-04-10"),
        )
        .await;
    assert_eq!(before["indicators"], json!([]));
    let values = app
        .read(&ncc, &format!("/api/v1/indicators/{id}/values"))
        .await;
    assert!(
        values["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["as_of"] == "2023-09-30" && v["value"] == 900)
    );
}

#[actix_web::test]
async fn bad_definitions_and_values_are_refused_and_store_nothing() {
    let s = setup().await;
    let app = &s.app;
    let create = format!("/api/v1/strategies/{}/indicators", s.strategy);
    let chair = app.token("chair@example.org").await;
    let good = json!({
        "title": "Care leavers in suitable accommodation",
        "unit": "percent",
        "direction": "higher_is_better",
        "baseline_value": 88, "baseline_date": "2024-04-01",
        "target_value": 95, "target_date": "2025-03-31",
        "owner_organisation_id": s.districts_org,
        "ambition_ids": [s.ambition_4],
    });
    let before = app.count("SELECT count(*) FROM indicators").await;
    let refused = app.send_json("POST", &create, &chair, None, &good).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let commitment = app
        .read(
            &s.admin,
            &format!("/api/v1/strategies/{}/commitments", s.strategy),
        )
        .await["items"][0]["id"]
        .clone();
    let mut bad = good.clone();
    bad["target_value"] = json!(120);
    bad["baseline_value"] = json!(88.12345);
    bad["target_date"] = json!("2024-01-01");
    bad["ambition_ids"] = json!([commitment]);
    bad["breakdown_categories"] = json!(["Ashfield"]);
    let response = app.send_json("POST", &create, &s.admin, None, &bad).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = problem(response).await;
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "baseline_value",
            "breakdown_categories",
            "target_date",
            "target_value"
        ],
        "{body}"
    );
    let mut backwards = good.clone();
    backwards["target_value"] = json!(80);
    let response = app
        .send_json("POST", &create, &s.admin, None, &backwards)
        .await;
    let body = problem(response).await;
    assert_eq!(body["errors"][0]["field"], "target_value");
    let mut linked = good.clone();
    linked["ambition_ids"] = json!([commitment]);
    let response = app
        .send_json("POST", &create, &s.admin, None, &linked)
        .await;
    let body = problem(response).await;
    assert_eq!(body["errors"][0]["field"], "ambition_ids[0]");
    assert_eq!(app.count("SELECT count(*) FROM indicators").await, before);

    // One title per strategy.
    let created = app.send_json("POST", &create, &s.admin, None, &good).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let twice = app.send_json("POST", &create, &s.admin, None, &good).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);

    // Values that make no sense for the indicator.
    let list = app.read(&s.admin, &format!("{create}?limit=500")).await;
    let id = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == good["title"])
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let values = format!("/api/v1/indicators/{id}/values");
    let districts = app.token("districts@example.org").await;
    for (body, field) in [
        (json!({ "as_of": "2024-06-30", "value": 101 }), "value"),
        (json!({ "as_of": "2999-06-30", "value": 90 }), "as_of"),
        (json!({ "value": 90 }), "as_of"),
        (
            json!({ "as_of": "2024-06-30", "value": 90, "breakdown": [{"category": "Ashfield", "value": 90}] }),
            "breakdown",
        ),
    ] {
        let response = app
            .send_json("POST", &values, &districts, None, &body)
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        let problem = problem(response).await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    for body in [
        json!({ "as_of": "2024-06-30", "value": "ninety" }),
        json!({ "as_of": "2024-06-30", "value": 90, "colour": "red" }),
        json!({ "as_of": "2024-06-31", "value": 90 }),
    ] {
        let response = app
            .send_json("POST", &values, &districts, None, &body)
            .await;
        assert!(response.status().is_client_error(), "{body}");
        problem(response).await;
    }
    let ok = app
        .send_json(
            "POST",
            &values,
            &districts,
            None,
            &json!({ "as_of": "2024-06-30", "value": 90.5 }),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let again = app
        .send_json(
            "POST",
            &values,
            &districts,
            None,
            &json!({ "as_of": "2024-06-30", "value": 91 }),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM indicator_values WHERE indicator_id = '{id}'"
        ))
        .await,
        1
    );

    // Recorded figures keep their unit, and keep the indicator.
    let etag = app
        .etag(&s.admin, &format!("/api/v1/indicators/{id}"))
        .await;
    let response = app
        .patch(&format!("/api/v1/indicators/{id}"))
        .bearer_auth(&s.admin)
        .insert_header(("If-Match", etag.as_str()))
        .send_json(&json!({ "unit": "count" }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = app
        .delete(&format!("/api/v1/indicators/{id}"))
        .bearer_auth(&s.admin)
        .insert_header(("If-Match", etag.as_str()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let response = app
        .patch(&format!("/api/v1/indicators/{id}"))
        .bearer_auth(&s.admin)
        .insert_header(("If-Match", etag.as_str()))
        .send_json(&json!({ "target_value": 97, "breakdown_dimension": "district" }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // An indicator without values can go.
    let spare = define_leisure_count(&s).await;
    let path = format!("/api/v1/indicators/{}", spare["id"].as_str().unwrap());
    let etag = app.etag(&s.admin, &path).await;
    let response = app
        .delete(&path)
        .bearer_auth(&s.admin)
        .insert_header(("If-Match", etag))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let gone = app.get(&path).bearer_auth(&s.admin).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}
