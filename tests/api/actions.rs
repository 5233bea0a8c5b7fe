use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem};

async fn post_update(
    app: &TestApp,
    token: &str,
    action_id: &str,
    body: Value,
) -> (StatusCode, Value) {
    let mut response = app
        .post(&format!("/api/v1/actions/{action_id}/updates"))
        .bearer_auth(token)
        .send_json(&body)
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[actix_web::test]
async fn the_police_member_rates_the_police_led_action_red() {
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let action = app.action(&police, "A1.1").await;
    assert_eq!(
        action["lead_organisation"]["name"],
        "Nottinghamshire Police"
    );
    assert!(
        action["allowed_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("post_update"))
    );
    let id = action["id"].as_str().unwrap();

    let (status, update) = post_update(
        &app,
        &police,
        id,
        json!({
            "rag": "red",
            "commentary": "Custody data shows no fall this quarter; we are escalating to the youth justice board.",
            "next_steps": "Joint case review of every first-time entrant in care."
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{update}");
    assert_eq!(update["kind"], "update");
    assert_eq!(update["rag"], "red");
    assert_eq!(update["organisation"]["name"], "Nottinghamshire Police");
    assert_eq!(update["author"]["name"], "Board Member, Police");

    let after = app
        .read(
            &police,
            &format!("/api/v1/actions/{id}?include=latest_update"),
        )
        .await;
    assert_eq!(after["rag"], "red");
    assert_eq!(after["version"], action["version"].as_i64().unwrap() + 1);
    assert_eq!(after["latest_update"]["id"], update["id"]);

    // An action another organisation leads.
    let other = app.action(&police, "A3.1").await;
    assert_ne!(other["lead_organisation"]["name"], "Nottinghamshire Police");
    let (status, body) = post_update(
        &app,
        &police,
        other["id"].as_str().unwrap(),
        json!({ "rag": "green", "progress": "All good" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        app.read(
            &police,
            &format!("/api/v1/actions/{}", other["id"].as_str().unwrap())
        )
        .await["rag"],
        other["rag"]
    );
}

#[actix_web::test]
async fn a_member_cannot_write_another_organisations_pledge() {
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let strategy = app.demo_strategy(&police).await;
    let commitments = app
        .read(
            &police,
            &format!(
                "/api/v1/strategies/{}/commitments",
                strategy["id"].as_str().unwrap()
            ),
        )
        .await;
    let commitment = commitments["items"][0]["id"].as_str().unwrap();
    let council = app
        .organisation_id(&police, "Nottinghamshire County Council")
        .await;
    let before = app.count("SELECT count(*) FROM pledge_versions").await;
    let response = app
        .client
        .put(app.url(&format!("/api/v1/pledges/{council}/{commitment}")))
        .bearer_auth(&police)
        .insert_header(("If-Match", "\"1\""))
        .send_json(&json!({ "text": "We pledge on the council's behalf", "rag": "green" }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    problem(response).await;
    assert_eq!(
        app.count("SELECT count(*) FROM pledge_versions").await,
        before
    );
}

#[actix_web::test]
async fn pledges_are_created_then_replaced_with_if_match_and_keep_their_history() {
    let app = TestApp::spawn().await;
    let token = app.token("probation@example.org").await;
    let strategy = app.demo_strategy(&token).await;
    let commitments = app
        .read(
            &token,
            &format!(
                "/api/v1/strategies/{}/commitments",
                strategy["id"].as_str().unwrap()
            ),
        )
        .await;
    let commitment = commitments["items"][1]["id"].as_str().unwrap();
    let probation = app
        .organisation_id(&token, "National Probation Service")
        .await;
    let path = format!("/api/v1/pledges/{probation}/{commitment}");
    assert_eq!(
        app.get(&path)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    let put = |body: Value, if_match: Option<&'static str>| {
        let mut request = app.client.put(app.url(&path)).bearer_auth(&token);
        if let Some(tag) = if_match {
            request = request.insert_header(("If-Match", tag));
        }
        request.send_json(&body)
    };
    let mut created = put(
        json!({ "text": "We keep placements stable on release." }),
        None,
    )
    .await
    .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let pledge: Value = created.json().await.unwrap();
    assert_eq!(pledge["rag"], "not_rated");
    assert_eq!(pledge["organisation"]["name"], "National Probation Service");

    let missing = put(json!({ "text": "Second version", "rag": "green" }), None)
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::PRECONDITION_REQUIRED);
    let stale = put(
        json!({ "text": "Second version", "rag": "green" }),
        Some("\"7\""),
    )
    .await
    .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let mut replaced = put(
        json!({ "text": "Second version", "rag": "green" }),
        Some("\"1\""),
    )
    .await
    .unwrap();
    assert_eq!(replaced.status(), StatusCode::OK);
    let pledge: Value = replaced.json().await.unwrap();
    assert_eq!(pledge["version"], 2);
    let history = pledge["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["text"], "Second version");
    assert_eq!(history[1]["text"], "We keep placements stable on release.");
    assert_eq!(history[1]["changed_by"]["name"], "Board Member, Probation");
}

#[actix_web::test]
async fn red_without_commentary_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let action = app.action(&police, "A1.1").await;
    let before = app.count("SELECT count(*) FROM progress_updates").await;
    for body in [
        json!({ "rag": "red", "progress": "Nothing to say" }),
        json!({ "rag": "amber", "commentary": "   " }),
        json!({ "rag": "not_rated", "commentary": "reset" }),
        json!({ "rag": "purple", "commentary": "?" }),
        json!({}),
    ] {
        let (status, problem) =
            post_update(&app, &police, action["id"].as_str().unwrap(), body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
    }
    assert_eq!(
        app.count("SELECT count(*) FROM progress_updates").await,
        before
    );
    let after = app.action(&police, "A1.1").await;
    assert_eq!(after["rag"], action["rag"]);
    assert_eq!(after["version"], action["version"]);
}

#[actix_web::test]
async fn supporters_post_notes_and_the_chair_challenges_without_changing_the_rating() {
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let action = app.action(&police, "A1.1").await;
    let id = action["id"].as_str().unwrap();
    let supporter = action["supporting_organisations"][0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(supporter, "National Probation Service");
    let probation = app.token("probation@example.org").await;

    let (status, _) = post_update(
        &app,
        &probation,
        id,
        json!({ "rag": "green", "progress": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, note) = post_update(
        &app,
        &probation,
        id,
        json!({ "progress": "Probation staff briefed" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(note["kind"], "note");

    let chair = app.token("chair@example.org").await;
    let (status, challenge) = post_update(
        &app,
        &chair,
        id,
        json!({ "commentary": "Why has custody data not improved?" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(challenge["kind"], "challenge");
    let (status, _) = post_update(
        &app,
        &chair,
        id,
        json!({ "rag": "red", "commentary": "Chair's view" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let after = app.read(&police, &format!("/api/v1/actions/{id}")).await;
    assert_eq!(after["rag"], action["rag"]);
    assert_eq!(
        after["version"],
        action["version"].as_i64().unwrap() + 1,
        "the supporter's note marks the action reported; the challenge does not"
    );
    assert_eq!(after["last_reported_at"], note["created_at"]);

    let history = app
        .read(&police, &format!("/api/v1/actions/{id}/updates?limit=2"))
        .await;
    let kinds: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["challenge", "note"]);
    assert_eq!(history["items"][0]["author"]["name"], "Board Chair");
    assert!(history["next_cursor"].is_string());
}

#[actix_web::test]
async fn moving_a_milestone_needs_a_reason_and_keeps_the_baseline() {
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let action = app.action(&police, "A1.1").await;
    let mut created = app
        .post(&format!(
            "/api/v1/actions/{}/milestones",
            action["id"].as_str().unwrap()
        ))
        .bearer_auth(&police)
        .send_json(&json!({ "title": "Publish the protocol review", "due_date": "2030-01-31" }))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let milestone: Value = created.json().await.unwrap();
    let path = format!("/api/v1/milestones/{}", milestone["id"].as_str().unwrap());

    let without_reason = app
        .patch(&path)
        .bearer_auth(&police)
        .insert_header(("If-Match", "\"1\""))
        .send_json(&json!({ "due_date": "2030-03-31" }))
        .await
        .unwrap();
    assert_eq!(without_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        problem(without_reason).await["errors"][0]["field"],
        "due_date_reason"
    );
    assert_eq!(app.read(&police, &path).await["due_date"], "2030-01-31");

    let mut moved = app
        .patch(&path)
        .bearer_auth(&police)
        .insert_header(("If-Match", "\"1\""))
        .send_json(
            &json!({ "due_date": "2030-03-31", "due_date_reason": "Awaiting national guidance" }),
        )
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    let moved: Value = moved.json().await.unwrap();
    assert_eq!(moved["baseline_due"], "2030-01-31");
    assert_eq!(moved["due_date"], "2030-03-31");
    assert_eq!(moved["slipped_days"], 59);
    assert_eq!(
        moved["reschedules"][0]["reason"],
        "Awaiting national guidance"
    );
    assert_eq!(
        moved["reschedules"][0]["changed_by"]["name"],
        "Board Member, Police"
    );

    let mut done = app
        .patch(&path)
        .bearer_auth(&police)
        .insert_header(("If-Match", "\"2\""))
        .send_json(&json!({ "completed_on": "2030-03-01" }))
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    let done: Value = done.json().await.unwrap();
    assert_eq!(done["completed_on"], "2030-03-01");
    assert_eq!(done["overdue"], false);
}

#[actix_web::test]
async fn an_action_cannot_link_another_strategys_ambition() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let demo = app.demo_strategy(&admin).await;
    let mut other = app
        .post("/api/v1/strategies")
        .bearer_auth(&admin)
        .send_json(&json!({ "title": "Another board", "period_start": "2026-01-01", "period_end": "2028-12-31" }))
        .await
        .unwrap();
    let other: Value = other.json().await.unwrap();
    let mut foreign = app
        .post(&format!(
            "/api/v1/strategies/{}/ambitions",
            other["id"].as_str().unwrap()
        ))
        .bearer_auth(&admin)
        .send_json(&json!({ "title": "Someone else's ambition" }))
        .await
        .unwrap();
    let foreign: Value = foreign.json().await.unwrap();
    let commitments = app
        .read(
            &admin,
            &format!(
                "/api/v1/strategies/{}/commitments",
                demo["id"].as_str().unwrap()
            ),
        )
        .await;
    let police = app.organisation_id(&admin, "Nottinghamshire Police").await;
    let before = app.count("SELECT count(*) FROM actions").await;

    let response = app
        .post("/api/v1/actions")
        .bearer_auth(&admin)
        .send_json(&json!({
            "strategy_id": demo["id"],
            "reference": "A9.9",
            "title": "Linked to the wrong strategy",
            "lead_organisation_id": police,
            "ambition_ids": [foreign["id"]],
        }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        problem(response).await["errors"][0]["field"],
        "ambition_ids[0]"
    );

    // A commitment offered as an ambition is refused too.
    let response = app
        .post("/api/v1/actions")
        .bearer_auth(&admin)
        .send_json(&json!({
            "strategy_id": demo["id"],
            "reference": "A9.9",
            "title": "A commitment is not an ambition",
            "lead_organisation_id": police,
            "ambition_ids": [commitments["items"][0]["id"]],
        }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // And on an existing action.
    let action = app.action(&admin, "A1.1").await;
    let response = app
        .patch(&format!(
            "/api/v1/actions/{}",
            action["id"].as_str().unwrap()
        ))
        .bearer_auth(&admin)
        .insert_header(("If-Match", format!("\"{}\"", action["version"])))
        .send_json(&json!({ "ambition_ids": [foreign["id"]] }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.action(&admin, "A1.1").await["ambitions"],
        action["ambitions"]
    );
    assert_eq!(app.count("SELECT count(*) FROM actions").await, before);
}

#[actix_web::test]
async fn actions_are_created_reassigned_and_deleted_by_the_chair() {
    let app = TestApp::spawn().await;
    let chair = app.token("chair@example.org").await;
    let demo = app.demo_strategy(&chair).await;
    let ambitions = app
        .read(
            &chair,
            &format!(
                "/api/v1/strategies/{}/ambitions",
                demo["id"].as_str().unwrap()
            ),
        )
        .await;
    let police = app.organisation_id(&chair, "Nottinghamshire Police").await;
    let college = app
        .organisation_id(&chair, "West Nottinghamshire College")
        .await;
    let mut created = app
        .post("/api/v1/actions")
        .bearer_auth(&chair)
        .send_json(&json!({
            "strategy_id": demo["id"],
            "reference": "A1.6",
            "title": "Joint exploitation training for college staff",
            "lead_organisation_id": police,
            "supporting_organisation_ids": [college, police],
            "ambition_ids": [ambitions["items"][0]["id"], ambitions["items"][2]["id"]],
            "start_date": "2024-04-01",
            "target_date": "2025-03-31",
        }))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let action: Value = created.json().await.unwrap();
    assert_eq!(action["rag"], "not_rated");
    assert_eq!(
        action["supporting_organisations"].as_array().unwrap().len(),
        1,
        "the lead is not also a supporter"
    );
    assert_eq!(action["ambitions"].as_array().unwrap().len(), 2);
    assert_eq!(
        action["allowed_actions"],
        json!(["post_note", "reassign", "archive", "delete"])
    );
    let path = format!("/api/v1/actions/{}", action["id"].as_str().unwrap());

    let duplicate = app
        .post("/api/v1/actions")
        .bearer_auth(&chair)
        .send_json(&json!({
            "strategy_id": demo["id"], "reference": "A1.6", "title": "Again",
            "lead_organisation_id": police, "ambition_ids": [ambitions["items"][0]["id"]],
        }))
        .await
        .unwrap();
    assert_eq!(duplicate.status(), StatusCode::CONFLICT);

    // The chair re-assigns but does not edit details.
    let details = app
        .patch(&path)
        .bearer_auth(&chair)
        .insert_header(("If-Match", "\"1\""))
        .send_json(&json!({ "title": "Renamed by the chair" }))
        .await
        .unwrap();
    assert_eq!(details.status(), StatusCode::FORBIDDEN);
    let mut reassigned = app
        .patch(&path)
        .bearer_auth(&chair)
        .insert_header(("If-Match", "\"1\""))
        .send_json(&json!({ "lead_organisation_id": college }))
        .await
        .unwrap();
    assert_eq!(reassigned.status(), StatusCode::OK);
    let reassigned: Value = reassigned.json().await.unwrap();
    assert_eq!(
        reassigned["lead_organisation"]["name"],
        "West Nottinghamshire College on behalf of further education colleges"
    );
    assert_eq!(reassigned["supporting_organisations"], json!([]));

    // The new lead now edits details; the old one no longer can.
    let police_token = app.token("police@example.org").await;
    let old_lead = app
        .patch(&path)
        .bearer_auth(&police_token)
        .insert_header(("If-Match", "\"2\""))
        .send_json(&json!({ "title": "Police rename" }))
        .await
        .unwrap();
    assert_eq!(old_lead.status(), StatusCode::FORBIDDEN);
    let college_token = app.token("wnc@example.org").await;
    let new_lead = app
        .patch(&path)
        .bearer_auth(&college_token)
        .insert_header(("If-Match", "\"2\""))
        .send_json(
            &json!({ "title": "Exploitation awareness for college staff", "target_date": null }),
        )
        .await
        .unwrap();
    assert_eq!(new_lead.status(), StatusCode::OK);

    let deleted = app
        .delete(&path)
        .bearer_auth(&chair)
        .insert_header(("If-Match", "\"3\""))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&path)
            .bearer_auth(&chair)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let trail = app
        .read(
            &chair,
            &format!(
                "/api/v1/audit?entity=action&entity_id={}",
                action["id"].as_str().unwrap()
            ),
        )
        .await;
    let steps: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["delete", "update", "update", "create"]);
    assert_eq!(trail["items"][0]["actor"]["name"], "Board Chair");
    assert_eq!(trail["items"][0]["before"]["reference"], "A1.6");
}

#[actix_web::test]
async fn lists_filter_by_strategy_ambition_commitment_organisation_rag_and_text() {
    let app = TestApp::spawn().await;
    let token = app.token("viewer@example.org").await;
    let demo = app.demo_strategy(&token).await;
    let strategy = demo["id"].as_str().unwrap();
    let count = |v: &Value| v["items"].as_array().unwrap().len();

    let all = app
        .read(
            &token,
            &format!("/api/v1/actions?strategy_id={strategy}&limit=500"),
        )
        .await;
    assert_eq!(count(&all), 25);
    let refs: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["reference"].as_str().unwrap())
        .collect();
    assert_eq!(refs[0], "A1.1");
    assert_eq!(refs[24], "A6.3");

    let red_or_amber = app
        .read(&token, "/api/v1/actions?rag=red,amber&limit=500")
        .await;
    assert_eq!(count(&red_or_amber), 9);
    assert!(
        red_or_amber["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["rag"] == "red" || a["rag"] == "amber")
    );

    let ambitions = app
        .read(&token, &format!("/api/v1/strategies/{strategy}/ambitions"))
        .await;
    let ambition = ambitions["items"][3]["id"].as_str().unwrap();
    let by_ambition = app
        .read(
            &token,
            &format!("/api/v1/actions?ambition_id={ambition}&limit=500"),
        )
        .await;
    assert!(count(&by_ambition) >= 3);
    assert!(by_ambition["items"].as_array().unwrap().iter().all(|a| {
        a["ambitions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == ambition)
    }));

    let commitments = app
        .read(
            &token,
            &format!("/api/v1/strategies/{strategy}/commitments"),
        )
        .await;
    let commitment = commitments["items"][0]["id"].as_str().unwrap();
    let by_commitment = app
        .read(
            &token,
            &format!("/api/v1/actions?commitment_id={commitment}&limit=500"),
        )
        .await;
    assert!(count(&by_commitment) >= 1);
    assert!(by_commitment["items"].as_array().unwrap().iter().all(|a| {
        a["commitments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == commitment)
    }));

    let police = app.organisation_id(&token, "Nottinghamshire Police").await;
    let involved = app
        .read(
            &token,
            &format!("/api/v1/actions?organisation_id={police}&limit=500"),
        )
        .await;
    assert!(involved["items"].as_array().unwrap().iter().all(|a| {
        a["lead_organisation"]["id"] == police.as_str()
            || a["supporting_organisations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["id"] == police.as_str())
    }));
    let led = app
        .read(
            &token,
            &format!("/api/v1/actions?lead_organisation_id={police}"),
        )
        .await;
    assert_eq!(count(&led), 1);
    assert!(count(&involved) > count(&led));

    let overdue = app
        .read(&token, "/api/v1/actions?overdue=true&limit=500")
        .await;
    assert!(count(&overdue) > 0);
    let text = app.read(&token, "/api/v1/actions?q=Local%20Offer").await;
    assert!(count(&text) >= 1);

    let since = app
        .read(&token, "/api/v1/actions?updated_since=2999-01-01T00:00:00Z")
        .await;
    assert_eq!(count(&since), 0);

    let bad = app
        .get("/api/v1/actions?rag=purple")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad = app
        .get("/api/v1/actions?include=everything")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn one_call_returns_every_action_with_its_latest_update_and_milestones() {
    let app = TestApp::spawn().await;
    let token = app.token("viewer@example.org").await;
    let all = app
        .read(
            &token,
            "/api/v1/actions?include=latest_update,milestones&limit=500",
        )
        .await;
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 25);
    for action in items {
        assert!(
            action["latest_update"]["author"]["name"].is_string(),
            "{}",
            action["reference"]
        );
        let milestones = action["milestones"].as_array().unwrap();
        assert!(
            (2..=5).contains(&milestones.len()),
            "{}",
            action["reference"]
        );
    }
    let rescheduled = items
        .iter()
        .flat_map(|a| a["milestones"].as_array().unwrap())
        .filter(|m| m["baseline_due"] != m["due_date"])
        .count();
    assert_eq!(rescheduled, 5);
}

#[actix_web::test]
async fn a_member_gets_their_organisations_actions_and_pledges_in_one_call() {
    let app = TestApp::spawn().await;
    let token = app.token("police@example.org").await;
    let portfolio = app.read(&token, "/api/v1/me/portfolio").await;
    assert_eq!(portfolio["organisation"]["name"], "Nottinghamshire Police");
    let actions = portfolio["actions"].as_array().unwrap();
    assert!(actions.iter().any(|a| a["reference"] == "A1.1"));
    assert!(
        actions
            .iter()
            .all(|a| a["latest_update"].is_object() && a["milestones"].is_array())
    );
    let led: Vec<&Value> = actions
        .iter()
        .filter(|a| a["lead_organisation"]["name"] == "Nottinghamshire Police")
        .collect();
    assert!(led.iter().all(|a| {
        a["allowed_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("post_update"))
    }));
    // The police record the criminalisation measure's values.
    let indicators = portfolio["indicators"].as_array().unwrap();
    assert_eq!(indicators.len(), 1);
    assert!(
        indicators[0]["title"]
            .as_str()
            .unwrap()
            .contains("cautioned or convicted")
    );
    assert_eq!(indicators[0]["allowed_actions"], json!(["record_value"]));
    assert_eq!(indicators[0]["latest"]["value"], 2.4);
    let pledges = portfolio["pledges"].as_array().unwrap();
    assert!(!pledges.is_empty());
    assert!(
        pledges
            .iter()
            .all(|p| p["organisation"]["name"] == "Nottinghamshire Police")
    );
    assert!(
        pledges
            .iter()
            .all(|p| p["allowed_actions"] == json!(["update"]))
    );
    let expected = app
        .count(&format!(
            "SELECT count(DISTINCT a.id) FROM actions a LEFT JOIN action_supporters s ON s.action_id = a.id \
             WHERE a.lead_organisation_id = '{0}' OR s.organisation_id = '{0}'",
            portfolio["organisation"]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(actions.len() as i64, expected);
}

#[actix_web::test]
async fn the_rag_scale_is_served_with_its_wording() {
    let app = TestApp::spawn_empty().await;
    let mut response = app.get("/api/v1/rag-definitions").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let scale: Value = response.json().await.unwrap();
    let values: Vec<&str> = scale
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["red", "amber", "green", "blue", "not_rated"]);
    assert_eq!(scale[0]["meaning"], "Off track: needs the board's help");
    assert_eq!(scale[0]["needs_commentary"], true);
}

#[actix_web::test]
async fn progress_history_cannot_be_rewritten() {
    let app = TestApp::spawn().await;
    use diesel_async::RunQueryDsl;
    let mut conn = app.pool.get().await.unwrap();
    let result = diesel::sql_query("UPDATE progress_updates SET commentary = 'rewritten'")
        .execute(&mut conn)
        .await;
    assert!(result.is_err());
    let result = diesel::sql_query("DELETE FROM audit_events")
        .execute(&mut conn)
        .await;
    assert!(result.is_err());
}
