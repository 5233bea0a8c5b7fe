//! The young people's council's priorities: No Labels raises one, the chair
//! sees it waiting and answers it, every answer is kept with its message to
//! young people; and the permission table's rows for them, cell by cell.

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem};

const COUNCIL: &str = "nolabels@example.org";

struct Fixture {
    strategy: String,
    council: String,
    ncc: String,
    ambition: String,
    commitment: String,
}

async fn fixture(app: &TestApp, admin: &str) -> Fixture {
    let strategy = app.demo_strategy(admin).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ambitions = app
        .read(admin, &format!("/api/v1/strategies/{strategy}/ambitions"))
        .await;
    let commitments = app
        .read(admin, &format!("/api/v1/strategies/{strategy}/commitments"))
        .await;
    Fixture {
        council: app.organisation_id(admin, "No Labels").await,
        ncc: app
            .organisation_id(admin, "Nottinghamshire County Council")
            .await,
        ambition: ambitions["items"][1]["id"].as_str().unwrap().to_owned(),
        commitment: commitments["items"][0]["id"].as_str().unwrap().to_owned(),
        strategy,
    }
}

fn raise_body(f: &Fixture, title: &str) -> Value {
    json!({
        "strategy_id": f.strategy,
        "title": title,
        "said": "We want to see the same doctor each time.",
        "why_it_matters": "Telling your story again and again is hard.",
        "raised_on": "2025-01-14",
        "raised_at": "No Labels meeting",
        "ambition_ids": [f.ambition],
        "commitment_ids": [f.commitment],
    })
}

async fn raise(app: &TestApp, token: &str, body: &Value) -> (StatusCode, Value) {
    let mut response = app
        .post("/api/v1/priorities")
        .bearer_auth(token)
        .send_json(body)
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn answer(app: &TestApp, token: &str, id: &str, body: &Value) -> (StatusCode, Value) {
    let path = format!("/api/v1/priorities/{id}");
    let etag = app.etag(token, &path).await;
    let mut response = app
        .send_json("POST", &format!("{path}/answers"), token, Some(&etag), body)
        .await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn no_labels_raises_a_priority_and_the_chair_answers_it_with_an_action() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let council = app.token(COUNCIL).await;
    let chair = app.token("chair@example.org").await;
    let f = fixture(&app, &admin).await;

    let (status, raised) =
        raise(&app, &council, &raise_body(&f, "The same doctor each time")).await;
    assert_eq!(status, StatusCode::CREATED, "{raised}");
    let id = raised["id"].as_str().unwrap().to_owned();
    assert_eq!(raised["status"], "raised");
    assert_eq!(raised["organisation"]["id"], f.council.as_str());
    assert_eq!(
        raised["response_due_on"], "2025-02-25",
        "42 days after raising"
    );
    assert_eq!(raised["ambitions"][0]["id"], f.ambition.as_str());
    assert_eq!(raised["commitments"][0]["id"], f.commitment.as_str());
    assert_eq!(raised["next_statuses"], json!(["accepted", "declined"]));
    assert_eq!(
        raised["allowed_actions"],
        json!([]),
        "No Labels does not answer"
    );

    // The chair's dashboard lists it as waiting for an answer, overdue
    // (its due day has passed), before the demo's later priority.
    let dashboard = app
        .read(
            &chair,
            &format!("/api/v1/strategies/{}/dashboard", f.strategy),
        )
        .await;
    let awaiting = &dashboard["priorities"]["awaiting_answer"];
    assert_eq!(
        titles(awaiting),
        vec![
            "The same doctor each time",
            "Help to pay for driving lessons"
        ]
    );
    assert_eq!(awaiting[0]["overdue"], true);

    // Declining without a reason is refused, and changes nothing.
    let (status, refused) = answer(
        &app,
        &chair,
        &id,
        &json!({ "status": "declined", "message": "Sorry, not this time." }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["errors"][0]["field"], "decline_reason");
    let unchanged = app.read(&chair, &format!("/api/v1/priorities/{id}")).await;
    assert_eq!(unchanged["status"], "raised");
    assert_eq!(unchanged["version"], 1);

    // Accepted with what, by whom, by when, linked to an action.
    let action = app.action(&admin, "A2.4").await;
    let (status, accepted) = answer(
        &app,
        &chair,
        &id,
        &json!({
            "status": "accepted",
            "message": "Thank you. We agree, and we will act on this.",
            "response": "Your health team will try to keep the same doctor for you.",
            "owner_organisation_id": f.ncc,
            "deliver_by": "2025-09-30",
            "action_ids": [action["id"]],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(
        accepted["response"],
        "Your health team will try to keep the same doctor for you."
    );
    assert_eq!(accepted["owner_organisation"]["id"], f.ncc.as_str());
    assert_eq!(accepted["deliver_by"], "2025-09-30");
    assert_eq!(accepted["actions"][0]["reference"], "A2.4");
    assert_eq!(accepted["answers"].as_array().unwrap().len(), 1);
    assert_eq!(
        accepted["answers"][0]["message"],
        "Thank you. We agree, and we will act on this."
    );
    assert_eq!(accepted["answers"][0]["answered_by"]["name"], "Board Chair");
    assert_eq!(accepted["next_statuses"], json!(["in_progress", "done"]));

    // No longer waiting; the dashboard now counts it with its actions.
    let dashboard = app
        .read(
            &chair,
            &format!("/api/v1/strategies/{}/dashboard", f.strategy),
        )
        .await;
    assert_eq!(
        titles(&dashboard["priorities"]["awaiting_answer"]),
        vec!["Help to pay for driving lessons"]
    );

    // Started, then done with what changed; the history keeps each step.
    let (status, _) = answer(
        &app,
        &chair,
        &id,
        &json!({ "status": "in_progress", "message": "The work has started." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, done) = answer(
        &app,
        &chair,
        &id,
        &json!({
            "status": "done",
            "message": "This is done. Tell us if it is not working for you.",
            "outcome": "You now see the same doctor at each check.",
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let steps: Vec<&str> = done["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(steps, vec!["accepted", "in_progress", "done"]);
    assert_eq!(
        done["outcome"],
        "You now see the same doctor at each check."
    );
    assert_eq!(
        done["response"], "Your health team will try to keep the same doctor for you.",
        "what was promised stays beside what changed"
    );
    assert_eq!(done["allowed_actions"], json!([]));

    // A done priority takes no further answer.
    let (status, refused) = answer(
        &app,
        &chair,
        &id,
        &json!({ "status": "in_progress", "message": "Again." }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");

    // Each change is audited and in the change feed.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_events WHERE entity = 'priority' AND entity_id = '{id}'"
        ))
        .await,
        4
    );
    let feed = app.read(&chair, "/api/v1/changes?limit=500").await;
    let mut cursor = feed["next_cursor"].clone();
    let mut seen = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["entity"] == "priority" && c["id"] == id.as_str());
    while !seen && cursor.is_string() {
        let page = app
            .read(
                &chair,
                &format!(
                    "/api/v1/changes?limit=500&since={}",
                    cursor.as_str().unwrap()
                ),
            )
            .await;
        seen = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["entity"] == "priority" && c["id"] == id.as_str());
        cursor = page["next_cursor"].clone();
    }
    assert!(seen, "the priority is in the change feed");
}

#[actix_web::test]
async fn others_cannot_raise_priorities_and_no_labels_cannot_rate_or_pledge() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let council = app.token(COUNCIL).await;
    let police = app.token("police@example.org").await;
    let f = fixture(&app, &admin).await;
    let before = app.count("SELECT count(*) FROM priorities").await;

    let (status, _) = raise(&app, &police, &raise_body(&f, "From the police")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM priorities").await, before);

    // No Labels rates no action: it leads none.
    let action = app.action(&admin, "A2.4").await;
    let response = app
        .post(&format!(
            "/api/v1/actions/{}/updates",
            action["id"].as_str().unwrap()
        ))
        .bearer_auth(&council)
        .send_json(&json!({ "rag": "green", "progress": "Going well" }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body = problem(response).await;
    assert_eq!(body["status"], 403);

    // Nor pledges: it is not a partner of the strategy.
    let response = app
        .client
        .put(app.url(&format!("/api/v1/pledges/{}/{}", f.council, f.commitment)))
        .bearer_auth(&council)
        .send_json(&json!({ "text": "We pledge.", "rag": "green" }))
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM pledges WHERE organisation_id = '{}'",
            f.council
        ))
        .await,
        0
    );

    // And it cannot be made one.
    let strategy = format!("/api/v1/strategies/{}", f.strategy);
    let etag = app.etag(&admin, &strategy).await;
    let current = app.read(&admin, &strategy).await;
    let mut partners: Vec<Value> = current["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    partners.push(json!(f.council));
    let mut response = app
        .send_json(
            "PATCH",
            &strategy,
            &admin,
            Some(&etag),
            &json!({ "partner_ids": partners }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("young people's council"),
        "{body}"
    );

    // Nor can a partner become a young people's council.
    let police_org = app.organisation_id(&admin, "Nottinghamshire Police").await;
    let path = format!("/api/v1/organisations/{police_org}");
    let etag = app.etag(&admin, &path).await;
    let mut response = app
        .send_json(
            "PATCH",
            &path,
            &admin,
            Some(&etag),
            &json!({ "kind": "young_peoples_voice" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "kind");
    assert_eq!(app.read(&admin, &path).await["kind"], "police");
}

#[actix_web::test]
async fn answers_are_checked_before_anything_is_stored() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let council = app.token(COUNCIL).await;
    let chair = app.token("chair@example.org").await;
    let f = fixture(&app, &admin).await;
    let (_, raised) = raise(&app, &council, &raise_body(&f, "Checked answers")).await;
    let id = raised["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/priorities/{id}/answers");

    // Without If-Match: 428.
    let response = app
        .post(&path)
        .bearer_auth(&chair)
        .send_json(&json!({ "status": "declined", "message": "No.", "decline_reason": "Because." }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PRECONDITION_REQUIRED);

    let long = format!("We {} agree.", "really ".repeat(30));
    let cases = [
        // Straight to done: not a step a raised priority can take.
        (
            json!({ "status": "done", "message": "Done.", "outcome": "It changed." }),
            StatusCode::CONFLICT,
            None,
        ),
        // Accepting without by whom and by when.
        (
            json!({ "status": "accepted", "message": "Yes.", "response": "We will." }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("owner_organisation_id"),
        ),
        // A message young people would struggle to read.
        (
            json!({ "status": "declined", "message": long, "decline_reason": "Money." }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("message"),
        ),
        // An organisation that is not a partner does the work.
        (
            json!({
                "status": "accepted", "message": "Yes.", "response": "We will.",
                "owner_organisation_id": f.council, "deliver_by": "2026-01-01",
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("owner_organisation_id"),
        ),
        // An action of no strategy.
        (
            json!({
                "status": "accepted", "message": "Yes.", "response": "We will.",
                "owner_organisation_id": f.ncc, "deliver_by": "2026-01-01",
                "action_ids": ["00000000-0000-7000-8000-000000000000"],
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("action_ids[0]"),
        ),
    ];
    for (body, want, field) in cases {
        let (status, answer) = answer(&app, &chair, &id, &body).await;
        assert_eq!(status, want, "{body}: {answer}");
        if let Some(field) = field {
            assert_eq!(answer["errors"][0]["field"], field, "{answer}");
        }
    }
    let stored = app.read(&chair, &format!("/api/v1/priorities/{id}")).await;
    assert_eq!(stored["status"], "raised");
    assert_eq!(stored["version"], 1);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM priority_steps WHERE priority_id = '{id}'"
        ))
        .await,
        0
    );

    // Raising checks its own input: a day to come, another strategy's
    // ambition.
    let mut future = raise_body(&f, "Later");
    future["raised_on"] = json!("2100-01-01");
    future["commitment_ids"] = json!([f.ambition]);
    let (status, refused) = raise(&app, &council, &future).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["raised_on", "commitment_ids[0]"]);
}

/// The callers of the permission table's columns, with the young people's
/// council as the member whose own organisation it is.
const CALLERS: [(&str, &str); 5] = [
    ("admin", "admin@example.org"),
    ("chair", "chair@example.org"),
    ("member of the young people's council", COUNCIL),
    ("member of another partner", "police@example.org"),
    ("viewer", "viewer@example.org"),
];

#[actix_web::test]
async fn the_permission_table_rows_for_priorities_hold_cell_by_cell() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let f = fixture(&app, &admin).await;
    let mut response = app
        .post("/api/v1/tokens")
        .bearer_auth(&admin)
        .send_json(&json!({ "name": "Reader" }))
        .await
        .unwrap();
    let system = response.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();

    // raise a priority: admin (naming the council), the council's member.
    let raise_expected = [true, false, true, false, false];
    for ((who, email), allowed) in CALLERS.into_iter().zip(raise_expected) {
        let token = app.token(email).await;
        let mut body = raise_body(&f, &format!("Raised by {who}"));
        if email == "admin@example.org" {
            body["organisation_id"] = json!(f.council);
        }
        let (status, answer) = raise(&app, &token, &body).await;
        let want = if allowed {
            StatusCode::CREATED
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, want, "raise as {who}: {answer}");
    }
    let (status, _) = raise(&app, &system, &raise_body(&f, "By a system")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "raise as a system token");
    // An administrator names the council it comes from.
    let (status, refused) = raise(&app, &admin, &raise_body(&f, "Unnamed")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["errors"][0]["field"], "organisation_id");

    // answer a priority: admin and chair.
    let council = app.token(COUNCIL).await;
    let answer_expected = [true, true, false, false, false];
    for ((who, email), allowed) in CALLERS.into_iter().zip(answer_expected) {
        let (_, target) = raise(&app, &council, &raise_body(&f, &format!("For {who}"))).await;
        let id = target["id"].as_str().unwrap();
        let token = app.token(email).await;
        let (status, answer) = answer(
            &app,
            &token,
            id,
            &json!({ "status": "declined", "message": "Not now.", "decline_reason": "No money this year." }),
        )
        .await;
        let want = if allowed {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, want, "answer as {who}: {answer}");
    }
    let (_, target) = raise(&app, &council, &raise_body(&f, "For a system")).await;
    let (status, _) = answer(
        &app,
        &system,
        target["id"].as_str().unwrap(),
        &json!({ "status": "declined", "message": "No.", "decline_reason": "No." }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "answer as a system token");

    // Everyone reads them, system tokens included.
    for (who, email) in CALLERS {
        let token = app.token(email).await;
        let list = app
            .read(
                &token,
                &format!("/api/v1/priorities?strategy_id={}&limit=500", f.strategy),
            )
            .await;
        assert!(
            list["items"].as_array().unwrap().len() >= 6,
            "{who} reads the priorities"
        );
    }
    let list = app
        .read(&system, "/api/v1/priorities?status=declined")
        .await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["status"] == "declined")
    );
}

#[actix_web::test]
async fn the_priorities_export_as_a_spreadsheet_with_the_answers_as_they_stand() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let council = app.token(COUNCIL).await;
    let viewer = app.token("viewer@example.org").await;
    let f = fixture(&app, &admin).await;
    let (status, _) = raise(&app, &council, &raise_body(&f, "=HYPERLINK(\"x\")")).await;
    assert_eq!(status, StatusCode::CREATED);

    let mut response = app
        .get(&format!(
            "/api/v1/strategies/{}/priorities/export",
            f.strategy
        ))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    let body = response.body().await.unwrap();
    let text = std::str::from_utf8(&body).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte order mark");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let api = app
        .read(
            &viewer,
            &format!("/api/v1/priorities?strategy_id={}&limit=500", f.strategy),
        )
        .await;
    assert_eq!(rows.len(), api["items"].as_array().unwrap().len());
    assert_eq!(rows.len(), 7, "the demo's six and the new one");

    let homes = rows
        .iter()
        .find(|r| &r[column("Title")] == "Enough of the right homes in the county")
        .unwrap();
    assert_eq!(&homes[column("Status")], "In progress");
    assert_eq!(&homes[column("Actions")], "A5.4");
    assert_eq!(&homes[column("By when")], "2025-12-31");
    assert_eq!(&homes[column("First answered")], "2024-07-16");
    assert!(homes[column("By whom")].contains("District"));
    let gym = rows
        .iter()
        .find(|r| r[column("Title")].starts_with("Free gym"))
        .unwrap();
    assert_eq!(&gym[column("Status")], "Not taken forward");
    assert!(gym[column("Why not")].starts_with("Leisure centres"));
    let formula = rows
        .iter()
        .find(|r| r[column("Title")].contains("HYPERLINK"))
        .unwrap();
    assert_eq!(
        &formula[column("Title")],
        "'=HYPERLINK(\"x\")",
        "a cell a spreadsheet would run is written as text"
    );
    assert_eq!(&formula[column("Status")], "Waiting for the board's answer");
    assert_eq!(&formula[column("Overdue")], "Yes");
}

#[actix_web::test]
async fn careless_or_hostile_requests_get_a_problem_and_change_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let council = app.token(COUNCIL).await;
    let chair = app.token("chair@example.org").await;
    let f = fixture(&app, &admin).await;
    let (_, raised) = raise(&app, &council, &raise_body(&f, "Target")).await;
    let id = raised["id"].as_str().unwrap().to_owned();
    let priorities = app.count("SELECT count(*) FROM priorities").await;
    let raise_cases = [
        ("a number for a title", r#"{"title": 5}"#.to_owned(), 422),
        (
            "an unknown field",
            {
                let mut body = raise_body(&f, "Extra");
                body["status"] = json!("done");
                body.to_string()
            },
            422,
        ),
        (
            "another strategy's id",
            {
                let mut body = raise_body(&f, "Elsewhere");
                body["strategy_id"] = json!("00000000-0000-7000-8000-000000000001");
                body.to_string()
            },
            404,
        ),
        (
            "another council named by a member",
            {
                let mut body = raise_body(&f, "For the police");
                body["organisation_id"] = json!(f.ncc);
                body.to_string()
            },
            403,
        ),
        (
            "an oversized body",
            {
                let mut body = raise_body(&f, "Huge");
                body["said"] = json!("x".repeat(300 * 1024));
                body.to_string()
            },
            413,
        ),
    ];
    for (what, body, want) in raise_cases {
        let response = app
            .post("/api/v1/priorities")
            .bearer_auth(&council)
            .insert_header(("content-type", "application/json"))
            .send_body(body)
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), want, "{what}");
        problem(response).await;
    }
    assert_eq!(
        app.count("SELECT count(*) FROM priorities").await,
        priorities
    );

    let path = format!("/api/v1/priorities/{id}/answers");
    let answer_cases = [
        (
            "an unknown status",
            r#"{"status": "maybe", "message": "Hi."}"#,
            422,
        ),
        (
            "a date that is not one",
            r#"{"status": "accepted", "message": "Yes.", "response": "We will.", "deliver_by": "2025-02-30"}"#,
            422,
        ),
    ];
    for (what, body, want) in answer_cases {
        let response = app
            .post(&path)
            .bearer_auth(&chair)
            .insert_header(("If-Match", "\"1\""))
            .insert_header(("content-type", "application/json"))
            .send_body(body)
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), want, "{what}");
        problem(response).await;
    }
    // An answer based on a version read before someone else's is 412.
    let (status, _) = answer(
        &app,
        &chair,
        &id,
        &json!({ "status": "declined", "message": "No.", "decline_reason": "No money." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let response = app
        .post(&path)
        .bearer_auth(&chair)
        .insert_header(("If-Match", "\"1\""))
        .send_json(&json!({ "status": "declined", "message": "No.", "decline_reason": "Again." }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
    problem(response).await;
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM priority_steps WHERE priority_id = '{id}'"
        ))
        .await,
        1
    );
    // An unknown priority is 404; a malformed id 404 or 400, never 500.
    for bad in ["00000000-0000-7000-8000-000000000002", "not-an-id"] {
        let response = app
            .get(&format!("/api/v1/priorities/{bad}"))
            .bearer_auth(&chair)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error(), "{bad}");
    }
}
