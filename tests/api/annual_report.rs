//! The annual report to committee and the Local Offer update, read as a
//! client reads them: the summary against the dashboard, an approved
//! achievement under its ambition in every format (and drafts in none),
//! the Word document read by python-docx, and refused requests.

use std::process::Command;
use std::time::Duration;

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::helpers::{TestApp, problem};
use crate::tools;

const CHAIR: &str = "chair@example.org";
const POLICE: &str = "police@example.org";
const VIEWER: &str = "viewer@example.org";

const SECTIONS: [&str; 7] = [
    "Summary",
    "Progress and achievements by ambition",
    "Where progress was not as expected",
    "Indicators",
    "How partners met their commitments",
    "What young people asked for",
    "Next steps",
];

struct Answer {
    status: StatusCode,
    content_type: String,
    disposition: String,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

async fn get(app: &TestApp, token: &str, path: &str) -> Answer {
    // A Word document takes longer than the client's usual five seconds
    // in an unoptimised build on a busy machine.
    let mut response = app
        .get(path)
        .bearer_auth(token)
        .timeout(Duration::from_secs(60))
        .send()
        .await
        .unwrap();
    let body = response.body().limit(32 << 20).await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    Answer {
        status: response.status(),
        content_type: header("content-type"),
        disposition: header("content-disposition"),
        body: body.to_vec(),
    }
}

async fn strategy(app: &TestApp, token: &str) -> String {
    app.demo_strategy(token).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The demo strategy's ambition with this number.
async fn ambition(app: &TestApp, token: &str, strategy: &str, number: i64) -> Value {
    let list = app
        .read(
            token,
            &format!("/api/v1/strategies/{strategy}/ambitions?limit=500"),
        )
        .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["number"] == number)
        .unwrap()
        .clone()
}

/// Writes an achievement as the police's board member, for A1.1 (which
/// the police lead) and ambition 1, achieved in 2024.
async fn write(app: &TestApp, strategy: &str, title: &str, tags: &[&str]) -> Value {
    let police = app.token(POLICE).await;
    let action = app.action(&police, "A1.1").await;
    let first = ambition(app, &police, strategy, 1).await;
    let organisation = action["lead_organisation"]["id"].clone();
    let mut response = app
        .send_json(
            "POST",
            "/api/v1/achievements",
            &police,
            None,
            &json!({
                "strategy_id": strategy,
                "title": title,
                "achieved": format!("{title}: the police and the council agreed a protocol."),
                "meant": "Fewer children in care were criminalised for behaviour at home.",
                "achieved_on": "2024-06-14",
                "ambition_ids": [first["id"]],
                "action_ids": [action["id"]],
                "tags": tags,
                "figures": [{"label": "children diverted", "value": 42, "unit": "children", "as_of": "2024-06-30"}],
                "voices": [{
                    "kind": "quote",
                    "text": format!("{title}: they listened to me this time."),
                    "role": "young person in care",
                    "age_band": "16-17",
                    "consent_organisation_id": organisation,
                    "consent_on": "2024-06-20"
                }]
            }),
        )
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    body
}

/// The chair approves (or returns) an achievement.
async fn review(app: &TestApp, achievement: &Value, decision: &str) {
    let chair = app.token(CHAIR).await;
    let id = achievement["id"].as_str().unwrap();
    let etag = app
        .etag(&chair, &format!("/api/v1/achievements/{id}"))
        .await;
    let mut response = app
        .send_json(
            "POST",
            &format!("/api/v1/achievements/{id}/{decision}"),
            &chair,
            Some(&etag),
            &json!({"comment": "Thank you: checked with the police."}),
        )
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{decision}: {body}");
}

/// Makes the test tools' Python (a venv, built on first use in a fresh
/// checkout) before the test's service starts: building it blocks the
/// thread the test's service and client run on, long enough for their
/// connections to be dropped.
fn reader_ready() {
    tools::python();
}

/// What python-docx reads in a Word document.
fn read_docx(bytes: &[u8]) -> Value {
    let dir = std::env::temp_dir().join(format!("annual-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.docx");
    std::fs::write(&file, bytes).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/read_docx.py");
    let output = Command::new(tools::python())
        .arg(script)
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn headings(doc: &Value, level: i64) -> Vec<String> {
    doc["headings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["level"] == level)
        .map(|h| h["text"].as_str().unwrap().to_owned())
        .collect()
}

/// The texts of the headings from the one named `from` up to the next of
/// its level or above.
fn under(doc: &Value, from: &str) -> Vec<String> {
    let all = doc["headings"].as_array().unwrap();
    let start = all.iter().position(|h| h["text"] == from).unwrap();
    let level = all[start]["level"].as_i64().unwrap();
    all[start + 1..]
        .iter()
        .take_while(|h| h["level"].as_i64().unwrap() > level)
        .map(|h| h["text"].as_str().unwrap().to_owned())
        .collect()
}

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn the_summary_for_2024_is_the_dashboards_as_at_the_end_of_the_year() {
    let app = TestApp::spawn().await;
    let viewer = app.token(VIEWER).await;
    let strategy = strategy(&app, &viewer).await;
    let report = get(
        &app,
        &viewer,
        &format!("/api/v1/strategies/{strategy}/annual_report?year=2024"),
    )
    .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text());
    assert!(report.content_type.starts_with("application/json"));
    let report = report.json();
    let dashboard = app
        .read(
            &viewer,
            &format!("/api/v1/strategies/{strategy}/dashboard?as_at=2024-12-31"),
        )
        .await;
    for key in ["red", "amber", "green", "blue", "not_rated", "total"] {
        assert_eq!(report["summary"][key], dashboard["totals"][key], "{key}");
    }
    assert!(report["summary"]["total"].as_u64().unwrap() > 0);
    assert_eq!(report["from"], "2024-01-01");
    assert_eq!(report["to"], "2024-12-31");
    assert_eq!(report["as_at"], dashboard["as_at"]);
    // Each ambition's counts add up to the whole.
    let sum: u64 = report["ambitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["summary"]["total"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, report["summary"]["total"].as_u64().unwrap());
    // The trend holds the closed periods that ended in 2024, in order.
    let periods: Vec<&str> = report["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"]["ends_on"].as_str().unwrap())
        .collect();
    assert!(!periods.is_empty());
    assert!(
        periods.iter().all(|d| d.starts_with("2024-")),
        "{periods:?}"
    );
    assert!(periods.windows(2).all(|w| w[0] < w[1]), "{periods:?}");
}

#[actix_web::test]
async fn an_approved_achievement_appears_under_its_ambition_in_every_format_and_drafts_never() {
    reader_ready();
    let app = TestApp::spawn().await;
    let chair = app.token(CHAIR).await;
    let strategy = strategy(&app, &chair).await;
    let path = format!("/api/v1/strategies/{strategy}/annual_report?year=2024");
    // The demo's own approved achievements, by ambition.
    let demo = get(&app, &chair, &path).await.json();
    let demo: Vec<Vec<String>> = demo["ambitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| titles(&a["achievements"]))
        .collect();
    let approved = write(
        &app,
        &strategy,
        "Custody protocol for children in care",
        &[],
    )
    .await;
    review(&app, &approved, "approve").await;
    let draft = write(&app, &strategy, "A draft still being written", &[]).await;
    let returned = write(&app, &strategy, "A story returned for consent", &[]).await;
    review(&app, &returned, "return").await;
    let first = ambition(&app, &chair, &strategy, 1).await;
    let heading = format!("Ambition 1: {}", first["title"].as_str().unwrap());
    let hidden = [
        draft["title"].as_str().unwrap(),
        returned["title"].as_str().unwrap(),
    ];

    for email in [VIEWER, POLICE, CHAIR] {
        let token = app.token(email).await;
        let json = get(&app, &token, &path).await.json();
        let ambitions = json["ambitions"].as_array().unwrap();
        let first = titles(&ambitions[0]["achievements"]);
        let mut without = first.clone();
        without.retain(|t| t != "Custody protocol for children in care");
        assert_eq!(first.len(), without.len() + 1, "{email}: {first:?}");
        assert_eq!(without, demo[0], "{email}");
        for (other, demo) in ambitions[1..].iter().zip(&demo[1..]) {
            assert_eq!(&titles(&other["achievements"]), demo, "{email}");
        }
        assert!(titles(&json["across_the_strategy"]).is_empty());
        let written = ambitions[0]["achievements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"] == "Custody protocol for children in care")
            .unwrap();
        assert_eq!(written["voices"][0]["role"], "young person in care");

        let page = get(&app, &token, &format!("{path}&format=html")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.content_type.starts_with("text/html"));
        let page = page.text();
        let at = page.find(&format!("<h3>{heading}</h3>")).unwrap();
        let next = page[at..].find("<h3>Ambition 2").unwrap() + at;
        assert!(page[at..next].contains("<h4>Custody protocol for children in care</h4>"));
        assert!(page[at..next].contains("young person in care, 16-17"));

        let word = get(&app, &token, &format!("{path}&format=docx")).await;
        assert_eq!(word.status, StatusCode::OK);
        let doc = read_docx(&word.body);
        assert_eq!(under(&doc, &heading), first, "{email}");
        for title in hidden {
            for text in [&json.to_string(), &page] {
                assert!(!text.contains(title), "{email} sees {title}");
            }
            assert!(!doc.to_string().contains(title), "{email} sees {title}");
        }
    }
}

#[actix_web::test]
async fn the_word_document_has_its_sections_in_order_its_tables_and_described_charts() {
    reader_ready();
    let app = TestApp::spawn().await;
    let viewer = app.token(VIEWER).await;
    let strategy = strategy(&app, &viewer).await;
    let base = format!("/api/v1/strategies/{strategy}/annual_report?year=2024");
    let json = get(&app, &viewer, &base).await.json();
    let word = get(&app, &viewer, &format!("{base}&format=docx")).await;
    assert_eq!(word.status, StatusCode::OK);
    assert_eq!(
        word.content_type,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert_eq!(
        word.disposition,
        "attachment; filename=\"annual-report-2024.docx\""
    );
    let doc = read_docx(&word.body);
    assert_eq!(doc["title"], json["title"]);
    assert_eq!(headings(&doc, 0), vec![json["title"].as_str().unwrap()]);
    let mut expected: Vec<&str> = SECTIONS.to_vec();
    if json["young_people_asked"].as_array().unwrap().is_empty() {
        expected.retain(|s| *s != "What young people asked for");
    }
    assert_eq!(headings(&doc, 1), expected);
    let ambitions: Vec<String> = json["ambitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| format!("Ambition {}: {}", a["number"], a["title"].as_str().unwrap()))
        .collect();
    assert_eq!(
        under(&doc, "Progress and achievements by ambition")
            .into_iter()
            .filter(|h| h.starts_with("Ambition "))
            .collect::<Vec<_>>(),
        ambitions
    );

    // The first table is the RAG summary, with the JSON's counts.
    let s = &json["summary"];
    let n = |key: &str| s[key].as_u64().unwrap().to_string();
    assert_eq!(
        doc["tables"][0],
        json!([
            ["Rating", "Actions"],
            ["Red", n("red")],
            ["Amber", n("amber")],
            ["Green", n("green")],
            ["Blue", n("blue")],
            ["Not rated", n("not_rated")],
            ["Total", n("total")],
        ])
    );
    let header_rows = doc["header_rows"].as_array().unwrap();
    assert_eq!(header_rows.len(), doc["tables"].as_array().unwrap().len());
    assert!(header_rows.iter().all(|h| h == true));

    // One chart per indicator, each described.
    let images = doc["images"].as_array().unwrap();
    assert_eq!(images.len(), json["indicators"].as_array().unwrap().len());
    assert!(!images.is_empty());
    for image in images {
        let alt = image["alt"].as_str().unwrap_or_default();
        assert!(alt.starts_with("From a baseline of "), "{alt}");
    }

    // The page holds the same summary first.
    let page = get(&app, &viewer, &format!("{base}&format=html"))
        .await
        .text();
    let table = &page[page.find("<table>").unwrap()..];
    assert!(table.starts_with(
        "<table>\n<caption>Actions by rating</caption>\n<thead><tr><th>Rating</th><th class=\"number\">Actions</th></tr></thead>"
    ), "{}", &table[..300]);
}

#[actix_web::test]
async fn the_young_peoples_version_speaks_plainly() {
    reader_ready();
    let app = TestApp::spawn().await;
    let viewer = app.token(VIEWER).await;
    let strategy = strategy(&app, &viewer).await;
    let base =
        format!("/api/v1/strategies/{strategy}/annual_report?year=2024&audience=young_people");
    let word = get(&app, &viewer, &format!("{base}&format=docx")).await;
    assert_eq!(word.status, StatusCode::OK);
    assert_eq!(
        word.disposition,
        "attachment; filename=\"annual-report-2024-young-people.docx\""
    );
    let doc = read_docx(&word.body);
    assert_eq!(headings(&doc, 1)[0], "How it is going");
    let page = get(&app, &viewer, &format!("{base}&format=html")).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    for rating in [">Red<", ">Amber<", ">Green<", "RAG"] {
        assert!(!text.contains(rating), "{rating}");
    }
}

#[actix_web::test]
async fn refused_requests_say_why() {
    let app = TestApp::spawn().await;
    let viewer = app.token(VIEWER).await;
    let strategy = strategy(&app, &viewer).await;
    let path = format!("/api/v1/strategies/{strategy}/annual_report");
    for (query, status) in [
        ("year=2024&from=2024-01-01&to=2024-12-31", 400),
        ("year=twenty", 400),
        ("from=2024-13-01&to=2024-12-31", 400),
        ("from=2024-12-31&to=2024-01-01", 422),
        ("from=2021-01-01&to=2024-12-31", 422),
        ("from=2024-01-01", 422),
        ("year=2999", 422),
        ("year=2024&format=pdf", 400),
        ("year=2024&audience=board", 400),
    ] {
        let answer = get(&app, &viewer, &format!("{path}?{query}")).await;
        assert_eq!(answer.status.as_u16(), status, "{query}: {}", answer.text());
        assert!(answer.content_type.starts_with("application/problem+json"));
    }
    let reversed = problem(
        app.get(&format!("{path}?from=2024-12-31&to=2024-01-01"))
            .bearer_auth(&viewer)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reversed["errors"][0]["field"], "from");
    let unknown = uuid::Uuid::new_v4();
    let missing = get(
        &app,
        &viewer,
        &format!("/api/v1/strategies/{unknown}/annual_report?year=2024"),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let offer = get(
        &app,
        &viewer,
        &format!("/api/v1/strategies/{strategy}/local_offer_update?indicator_ids={unknown}"),
    )
    .await;
    assert_eq!(offer.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_web::test]
async fn the_local_offer_update_holds_only_what_is_tagged_for_it() {
    reader_ready();
    let app = TestApp::spawn().await;
    let chair = app.token(CHAIR).await;
    let strategy = strategy(&app, &chair).await;
    let annual_path = format!("/api/v1/strategies/{strategy}/annual_report?year=2024");
    // The demo's own approved achievements under the first ambition.
    let demo = get(&app, &chair, &annual_path).await.json();
    let mut both = titles(&demo["ambitions"][0]["achievements"]);
    let tagged = write(&app, &strategy, "Council tax exemption", &["Local Offer"]).await;
    review(&app, &tagged, "approve").await;
    let untagged = write(&app, &strategy, "Custody protocol", &[]).await;
    review(&app, &untagged, "approve").await;
    let indicators = app
        .read(
            &chair,
            &format!("/api/v1/strategies/{strategy}/indicators?limit=500"),
        )
        .await;
    let chosen = indicators["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!(
        "/api/v1/strategies/{strategy}/local_offer_update?from=2024-01-01&to=2024-12-31&indicator_ids={chosen}"
    );
    let json = get(&app, &chair, &path).await.json();
    assert!(
        json["title"]
            .as_str()
            .unwrap()
            .contains("Local Offer for Care Leavers")
    );
    assert_eq!(json["paper"], "local_offer");
    assert_eq!(
        titles(&json["ambitions"][0]["achievements"]),
        vec!["Council tax exemption"]
    );
    let shown: Vec<&str> = json["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(shown, vec![chosen.as_str()]);
    let word = get(&app, &chair, &format!("{path}&format=docx")).await;
    assert_eq!(
        word.disposition,
        "attachment; filename=\"local-offer-update-2024.docx\""
    );
    let doc = read_docx(&word.body);
    let text = doc.to_string();
    assert!(text.contains("Council tax exemption"));
    assert!(!text.contains("Custody protocol"));
    assert_eq!(doc["images"].as_array().unwrap().len(), 1);
    // The annual report holds both.
    let annual = get(&app, &chair, &annual_path).await.json();
    let mut held = titles(&annual["ambitions"][0]["achievements"]);
    both.extend([
        "Council tax exemption".to_owned(),
        "Custody protocol".to_owned(),
    ]);
    both.sort();
    held.sort();
    assert_eq!(held, both);
}

#[actix_web::test]
async fn the_reports_page_downloads_the_paper_the_api_answers() {
    let app = TestApp::spawn().await;
    let viewer = app.token(VIEWER).await;
    let strategy = strategy(&app, &viewer).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(VIEWER).await;
    let form = browser.get("/reports").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.has("Papers for committee"));
    assert!(form.has("action=\"/reports/committee\""));

    for (choice, query, file) in [
        (
            "paper=annual&paper_year=2024&paper_format=html",
            "annual_report?year=2024&format=html",
            "annual-report-2024.html",
        ),
        (
            "paper=annual&paper_year=2024&paper_audience=young_people&paper_format=html",
            "annual_report?year=2024&audience=young_people&format=html",
            "annual-report-2024-young-people.html",
        ),
        (
            "paper=local_offer&paper_format=html",
            "local_offer_update?format=html",
            "local-offer-update-",
        ),
    ] {
        let page = browser
            .get(&format!(
                "/reports/committee?strategy_id={strategy}&{choice}"
            ))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{choice}: {}", page.body);
        let disposition = page.headers.get("content-disposition").unwrap();
        let disposition = disposition.to_str().unwrap();
        assert!(
            disposition.starts_with(&format!("attachment; filename=\"{file}")),
            "{disposition}"
        );
        let api = get(
            &app,
            &viewer,
            &format!("/api/v1/strategies/{strategy}/{query}"),
        )
        .await;
        assert_eq!(api.status, StatusCode::OK);
        assert_eq!(page.body, api.text(), "{choice}");
    }

    // A year still going comes back on the form, against the year.
    let future = browser
        .get(&format!(
            "/reports/committee?strategy_id={strategy}&paper=annual&paper_year=2999&paper_format=docx"
        ))
        .await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future.has("govuk-error-summary"));
    assert!(future.has("The year must not end in the future"));
    assert!(future.has("href=\"#paper_year\""));
    assert_eq!(future.input("paper_year").as_deref(), Some("2999"));
    let garbled = browser
        .get(&format!(
            "/reports/committee?strategy_id={strategy}&paper=annual&paper_year=last"
        ))
        .await;
    assert_eq!(garbled.status, StatusCode::BAD_REQUEST);
    assert!(garbled.has("Enter the year as four digits"));
}

#[actix_web::test]
async fn a_milestone_moved_in_the_span_shows_with_its_reason_and_falls_due_next() {
    let app = TestApp::spawn().await;
    let police = app.token(POLICE).await;
    let strategy = strategy(&app, &police).await;
    let action = app.action(&police, "A1.1").await;
    let today = app.clock.today();
    let due = today + chrono::Days::new(10);
    let moved = today + chrono::Days::new(40);
    let mut response = app
        .send_json(
            "POST",
            &format!(
                "/api/v1/actions/{}/milestones",
                action["id"].as_str().unwrap()
            ),
            &police,
            None,
            &json!({"title": "Sign the custody protocol", "due_date": due}),
        )
        .await;
    let milestone: Value = response.json().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "{milestone}");
    let path = format!("/api/v1/milestones/{}", milestone["id"].as_str().unwrap());
    let etag = app.etag(&police, &path).await;
    let mut response = app
        .send_json(
            "PATCH",
            &path,
            &police,
            Some(&etag),
            &json!({"due_date": moved, "due_date_reason": "Waiting for the new national guidance"}),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.body().await
    );

    let from = today - chrono::Days::new(60);
    let report = get(
        &app,
        &police,
        &format!("/api/v1/strategies/{strategy}/annual_report?from={from}&to={today}"),
    )
    .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text());
    let report = report.json();
    let slipped: Vec<&Value> = report["not_as_expected"]["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["title"] == "Sign the custody protocol")
        .collect();
    let [slipped] = slipped[..] else {
        panic!("{}", report["not_as_expected"]);
    };
    assert_eq!(slipped["action"], "A1.1");
    assert_eq!(slipped["baseline_due"], json!(due));
    assert_eq!(slipped["due_date"], json!(moved));
    assert_eq!(slipped["overdue"], false);
    assert_eq!(
        slipped["moves"][0]["reason"],
        "Waiting for the new national guidance"
    );
    assert!(
        report["next_steps"]["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["title"] == "Sign the custody protocol" && m["due_date"] == json!(moved))
    );

    // As at the day before it was written, the report does not know it.
    let before = today - chrono::Days::new(1);
    let earlier = get(
        &app,
        &police,
        &format!("/api/v1/strategies/{strategy}/annual_report?from={from}&to={before}"),
    )
    .await
    .json();
    assert!(
        !earlier["not_as_expected"]["milestones"]
            .to_string()
            .contains("Sign the custody protocol")
    );
}
