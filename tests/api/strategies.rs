use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem};

const AMBITIONS: [&str; 6] = [
    "Is safe and feels safe",
    "Experiences good physical, emotional and mental health & wellbeing",
    "Fulfils their potential",
    "Makes a positive contribution to their communities",
    "Has a successful transition to adulthood",
    "Achieves sustained and fulfilling employment & economic independence",
];

const COMMITMENTS: [&str; 4] = [
    "We will ensure that your voice is heard and has influence",
    "We will help you to experience stability as much as possible \u{2013} at home, at school and in relationships which matter to you",
    "We will seek to understand and recognise your individual needs",
    "We will encourage you to dream and be aspirational and ambitious about now and about the future",
];

fn titles(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["title"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn the_demo_strategy_reads_as_the_seed_document() {
    let app = TestApp::spawn().await;
    let token = app.token("viewer@example.org").await;
    let strategies = app.read(&token, "/api/v1/strategies").await;
    assert_eq!(strategies["items"].as_array().unwrap().len(), 1);
    let strategy = &strategies["items"][0];
    assert_eq!(
        strategy["title"],
        "A Partnership Strategy for Looked After Children and Care leavers 2022-2025"
    );
    assert_eq!(strategy["status"], "active");
    assert!(strategy["vision"].as_str().unwrap().starts_with(
        "We want our children and young people who are care experienced to have every opportunity"
    ));
    assert_eq!(strategy["partners"].as_array().unwrap().len(), 12);
    assert_eq!(strategy["allowed_actions"], json!([]));

    let id = strategy["id"].as_str().unwrap();
    let ambitions = app
        .read(&token, &format!("/api/v1/strategies/{id}/ambitions"))
        .await;
    assert_eq!(titles(&ambitions), AMBITIONS);
    let numbers: Vec<i64> = ambitions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
    let commitments = app
        .read(&token, &format!("/api/v1/strategies/{id}/commitments"))
        .await;
    assert_eq!(titles(&commitments), COMMITMENTS);
}

#[actix_web::test]
async fn only_admins_change_the_strategy_structure() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let strategy = app.demo_strategy(&admin).await;
    let path = format!(
        "/api/v1/strategies/{}/ambitions",
        strategy["id"].as_str().unwrap()
    );
    let before = app.count("SELECT count(*) FROM statements").await;

    for email in [
        "police@example.org",
        "chair@example.org",
        "viewer@example.org",
    ] {
        let token = app.token(email).await;
        let response = app
            .post(&path)
            .bearer_auth(&token)
            .send_json(&json!({ "title": "An ambition of my own" }))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{email}");
        problem(response).await;
    }
    assert_eq!(app.count("SELECT count(*) FROM statements").await, before);

    let mut created = app
        .post(&path)
        .bearer_auth(&admin)
        .send_json(&json!({ "title": "Is heard", "description": "A seventh ambition" }))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let ambition: Value = created.json().await.unwrap();
    assert_eq!(ambition["number"], 7);
    assert_eq!(ambition["kind"], "ambition");
}

#[actix_web::test]
async fn a_strategy_may_have_seven_ambitions_and_no_commitments() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut created = app
        .post("/api/v1/strategies")
        .bearer_auth(&admin)
        .send_json(&json!({
            "title": "Health and Wellbeing Strategy 2026-2030",
            "period_start": "2026-04-01",
            "period_end": "2030-03-31",
        }))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let strategy: Value = created.json().await.unwrap();
    assert_eq!(strategy["status"], "draft");
    let id = strategy["id"].as_str().unwrap();

    for n in 1..=7 {
        let response = app
            .post(&format!("/api/v1/strategies/{id}/ambitions"))
            .bearer_auth(&admin)
            .send_json(&json!({ "title": format!("Ambition {n}") }))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let ambitions = app
        .read(&admin, &format!("/api/v1/strategies/{id}/ambitions"))
        .await;
    assert_eq!(ambitions["items"].as_array().unwrap().len(), 7);
    let commitments = app
        .read(&admin, &format!("/api/v1/strategies/{id}/commitments"))
        .await;
    assert_eq!(commitments["items"], json!([]));

    // A number already taken is a conflict, not a silent renumbering.
    let duplicate = app
        .post(&format!("/api/v1/strategies/{id}/ambitions"))
        .bearer_auth(&admin)
        .send_json(&json!({ "number": 3, "title": "Another third" }))
        .await
        .unwrap();
    assert_eq!(duplicate.status(), StatusCode::CONFLICT);
    problem(duplicate).await;
}

#[actix_web::test]
async fn updates_need_the_current_version() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let strategy = app.demo_strategy(&admin).await;
    let ambitions = app
        .read(
            &admin,
            &format!(
                "/api/v1/strategies/{}/ambitions",
                strategy["id"].as_str().unwrap()
            ),
        )
        .await;
    let path = format!(
        "/api/v1/ambitions/{}",
        ambitions["items"][0]["id"].as_str().unwrap()
    );

    let read = app.get(&path).bearer_auth(&admin).send().await.unwrap();
    let etag = read
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(etag, "\"1\"");
    let not_modified = app
        .get(&path)
        .bearer_auth(&admin)
        .insert_header(("If-None-Match", etag.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);

    let missing = app
        .patch(&path)
        .bearer_auth(&admin)
        .send_json(&json!({ "description": "changed" }))
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::PRECONDITION_REQUIRED);
    problem(missing).await;

    let mut first = app
        .patch(&path)
        .bearer_auth(&admin)
        .insert_header(("If-Match", etag.clone()))
        .send_json(&json!({ "description": "first writer" }))
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers().get("etag").unwrap(), "\"2\"");
    assert_eq!(first.json::<Value>().await.unwrap()["version"], 2);

    let stale = app
        .patch(&path)
        .bearer_auth(&admin)
        .insert_header(("If-Match", etag))
        .send_json(&json!({ "description": "second writer" }))
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    problem(stale).await;

    let current = app.read(&admin, &path).await;
    assert_eq!(current["description"], "first writer");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_events WHERE entity = 'ambition' AND action = 'update' AND entity_id = '{}'",
            current["id"].as_str().unwrap()
        ))
        .await,
        1
    );
}

#[actix_web::test]
async fn changing_partners_is_versioned_and_audited() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let demo = app.demo_strategy(&admin).await;
    let partners: Vec<Value> = demo["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    let mut created = app
        .post("/api/v1/strategies")
        .bearer_auth(&admin)
        .send_json(&json!({
            "title": "Safeguarding Partnership Plan",
            "period_start": "2026-04-01",
            "period_end": "2027-03-31",
            "partner_ids": partners[..3],
        }))
        .await
        .unwrap();
    let strategy: Value = created.json().await.unwrap();
    let id = strategy["id"].as_str().unwrap();
    assert_eq!(strategy["partners"].as_array().unwrap().len(), 3);

    let mut response = app
        .patch(&format!("/api/v1/strategies/{id}"))
        .bearer_auth(&admin)
        .insert_header(("If-Match", "\"1\""))
        .send_json(&json!({ "partner_ids": partners[..2] }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["partners"].as_array().unwrap().len(), 2);
    assert_eq!(updated["version"], 2);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_events WHERE entity = 'strategy' AND entity_id = '{id}' AND action = 'update' \
             AND jsonb_array_length(before->'partners') = 3 AND jsonb_array_length(after->'partners') = 2"
        ))
        .await,
        1
    );

    let unknown = app
        .patch(&format!("/api/v1/strategies/{id}"))
        .bearer_auth(&admin)
        .insert_header(("If-Match", "\"2\""))
        .send_json(&json!({ "partner_ids": [partners[0], uuid::Uuid::now_v7()] }))
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        problem(unknown).await["errors"][0]["field"],
        "partner_ids[1]"
    );
}

#[actix_web::test]
async fn organisations_with_work_in_a_strategy_stay_its_partners() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let demo = app.demo_strategy(&admin).await;
    let response = app
        .patch(&format!(
            "/api/v1/strategies/{}",
            demo["id"].as_str().unwrap()
        ))
        .bearer_auth(&admin)
        .insert_header(("If-Match", format!("\"{}\"", demo["version"])))
        .send_json(&json!({ "partner_ids": [demo["partners"][0]["id"]] }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let detail = problem(response).await["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(detail.contains("Nottinghamshire Police"), "{detail}");
    assert_eq!(
        app.count("SELECT count(*) FROM strategy_partners").await,
        12
    );
}

#[actix_web::test]
async fn only_draft_strategies_can_be_deleted() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let strategy = app.demo_strategy(&admin).await;
    let active = app
        .delete(&format!(
            "/api/v1/strategies/{}",
            strategy["id"].as_str().unwrap()
        ))
        .bearer_auth(&admin)
        .insert_header(("If-Match", format!("\"{}\"", strategy["version"])))
        .send()
        .await
        .unwrap();
    assert_eq!(active.status(), StatusCode::CONFLICT);
    problem(active).await;

    let mut created = app
        .post("/api/v1/strategies")
        .bearer_auth(&admin)
        .send_json(
            &json!({ "title": "Draft", "period_start": "2026-01-01", "period_end": "2026-12-31" }),
        )
        .await
        .unwrap();
    let draft: Value = created.json().await.unwrap();
    let path = format!("/api/v1/strategies/{}", draft["id"].as_str().unwrap());
    let deleted = app
        .delete(&path)
        .bearer_auth(&admin)
        .insert_header(("If-Match", "\"1\""))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = app.get(&path).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn an_ambition_is_not_a_commitment() {
    let app = TestApp::spawn().await;
    let token = app.token("viewer@example.org").await;
    let strategy = app.demo_strategy(&token).await;
    let ambitions = app
        .read(
            &token,
            &format!(
                "/api/v1/strategies/{}/ambitions",
                strategy["id"].as_str().unwrap()
            ),
        )
        .await;
    let id = ambitions["items"][0]["id"].as_str().unwrap();
    let response = app
        .get(&format!("/api/v1/commitments/{id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn lists_page_with_cursors_and_link_headers() {
    let app = TestApp::spawn().await;
    let token = app.token("viewer@example.org").await;
    let mut names = Vec::new();
    let mut path = "/api/v1/organisations?limit=5".to_owned();
    loop {
        let mut response = app.get(&path).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let link = response
            .headers()
            .get("link")
            .map(|l| l.to_str().unwrap().to_owned());
        let page: Value = response.json().await.unwrap();
        names.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["name"].as_str().unwrap().to_owned()),
        );
        match (page["next_cursor"].as_str(), link) {
            (Some(_), Some(link)) => {
                path = link
                    .trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap()
                    .to_owned();
            }
            (None, None) => break,
            other => panic!("cursor and Link header disagree: {other:?}"),
        }
    }
    // The twelve partners and the young people's council.
    assert_eq!(names.len(), 13);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    for bad in [
        "limit=0",
        "limit=501",
        "cursor=forged",
        "updated_since=yesterday",
    ] {
        let response = app
            .get(&format!("/api/v1/organisations?{bad}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        problem(response).await;
    }

    let recent = app
        .read(
            &token,
            "/api/v1/organisations?updated_since=2999-01-01T00:00:00Z",
        )
        .await;
    assert_eq!(recent["items"], json!([]));
}
