//! The six-monthly report to No Labels, "You said, we did": which
//! priorities it tells of (checked against the priorities the API
//! serves), its wording rules, a new answer of the chair showing in it,
//! the reports page's download, and refused half-years.

use std::collections::BTreeSet;

use awc::http::StatusCode;
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use delivery_tracker::domain::plain_words::{
    ACRONYMS, long_sentences, rating_words, unexplained_acronyms,
};
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::helpers::{TestApp, problem};

const VIEWER: &str = "viewer@example.org";

/// The demo's priorities raised or answered in its last two closed
/// quarters (October 2024 to March 2025).
const IN_THE_LAST_HALF_YEAR: [&str; 4] = [
    "Stop calling us \"LAC\"",
    "Enough of the right homes in the county",
    "Health assessments on time",
    "Help to pay for driving lessons",
];

struct Answer {
    status: StatusCode,
    content_type: String,
    headers: awc::http::header::HeaderMap,
    body: String,
}

async fn get(app: &TestApp, token: &str, path: &str) -> Answer {
    let mut response = app.get(path).bearer_auth(token).send().await.unwrap();
    let body = response.body().limit(8 << 20).await.unwrap();
    Answer {
        status: response.status(),
        content_type: response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default(),
        headers: response.headers().clone(),
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

async fn strategy(app: &TestApp, token: &str) -> String {
    app.demo_strategy(token).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The strategy's closed periods, earliest first.
async fn closed_periods(app: &TestApp, token: &str, strategy: &str) -> Vec<Value> {
    let periods = app
        .read(token, &format!("/api/v1/strategies/{strategy}/periods"))
        .await;
    periods
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["closed_at"].is_null())
        .cloned()
        .collect()
}

/// A text of the report as it was written: without the words the report
/// added after each acronym.
fn as_written(text: &str) -> String {
    let mut out = text.to_owned();
    for (acronym, meaning) in ACRONYMS {
        out = out.replace(&format!("{acronym} ({meaning})"), acronym);
    }
    out
}

fn day(value: &Value) -> NaiveDate {
    value.as_str().unwrap().parse().unwrap()
}

/// The titles of the priorities the API serves that were raised, or
/// answered (by the board's calendar), between `from` and `to`.
async fn expected_titles(
    app: &TestApp,
    token: &str,
    strategy: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeSet<String> {
    let list = app
        .read(
            token,
            &format!("/api/v1/priorities?strategy_id={strategy}&limit=500"),
        )
        .await;
    let within = |d: NaiveDate| from <= d && d <= to;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            within(day(&p["raised_on"]))
                || p["answers"].as_array().unwrap().iter().any(|a| {
                    let at: DateTime<Utc> = a["answered_at"].as_str().unwrap().parse().unwrap();
                    within(app.clock.local_date(at))
                })
        })
        .map(|p| p["title"].as_str().unwrap().to_owned())
        .collect()
}

fn titles(report: &Value) -> BTreeSet<String> {
    report["you_said_we_did"]["priorities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| as_written(p["title"].as_str().unwrap()))
        .collect()
}

fn texts(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(texts).collect(),
        Value::Null => Vec::new(),
        other => panic!("not a text: {other}"),
    }
}

/// Every text of the JSON report that the service writes itself, leaving
/// out what people wrote: the plan's lines, names, pledges, partners'
/// news and next steps, young people's words and the board's messages.
fn generated(report: &Value) -> Vec<String> {
    let mut out = texts(&report["title"]);
    out.extend(texts(&report["introduction"]));
    for a in report["ambitions"].as_array().unwrap() {
        out.extend(texts(&a["summary"]));
        for m in a["how_we_know"].as_array().unwrap() {
            out.extend(texts(&m["figures"]));
        }
        for p in a["promises"].as_array().unwrap() {
            out.extend(texts(&p["how_it_is_going"]));
        }
    }
    for c in report["commitments"].as_array().unwrap() {
        out.extend(texts(&c["summary"]));
        for p in c["partners"].as_array().unwrap() {
            out.extend(texts(&p["how_it_is_going"]));
        }
    }
    let said = &report["you_said_we_did"];
    out.extend(texts(&said["introduction"]));
    for p in said["priorities"].as_array().unwrap() {
        out.extend(texts(&p["raised"]));
        out.extend(texts(&p["where_it_stands"]));
        for a in p["answers"].as_array().unwrap() {
            out.extend(texts(&a["what_we_did"]));
            out.extend(texts(&a["by_when"]));
        }
        for w in p["actions"].as_array().unwrap() {
            out.extend(texts(&w["how_it_is_going"]));
        }
    }
    out.extend(texts(&report["closing"]));
    out
}

/// The visible text of an HTML page, without its markup.
fn page_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[actix_web::test]
async fn the_last_two_closed_quarters_tell_every_priority_raised_or_answered_in_plain_words() {
    let app = TestApp::spawn().await;
    let viewer = app.token(VIEWER).await;
    let strategy = strategy(&app, &viewer).await;
    let path = format!("/api/v1/strategies/{strategy}/half_year_report");

    // By default, the last two closed periods, as the latest closed.
    let closed = closed_periods(&app, &viewer, &strategy).await;
    let [q3, q4] = &closed[closed.len() - 2..] else {
        panic!("two closed periods")
    };
    let answer = get(&app, &viewer, &path).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(answer.content_type.starts_with("application/json"));
    let report: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(report["from"], q3["starts_on"]);
    assert_eq!(report["to"], q4["ends_on"]);
    assert_eq!(
        (report["from"].as_str(), report["to"].as_str()),
        (Some("2024-10-01"), Some("2025-03-31"))
    );
    assert_eq!(
        report["as_at"], q4["closed_at"],
        "the later period's snapshot"
    );
    assert_eq!(report["periods"][0]["id"], q3["id"]);
    assert_eq!(report["periods"][1]["id"], q4["id"]);
    assert_eq!(report["council"], "No Labels");
    let named = get(
        &app,
        &viewer,
        &format!(
            "{path}?period_ids={},{}",
            q4["id"].as_str().unwrap(),
            q3["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(named.body, answer.body, "the same half-year named");

    // "You said, we did" tells exactly the priorities raised or answered
    // in the half-year, as the API's priorities and their answers say.
    let expected = expected_titles(
        &app,
        &viewer,
        &strategy,
        day(&report["from"]),
        day(&report["to"]),
    )
    .await;
    assert_eq!(titles(&report), expected);
    assert_eq!(
        expected,
        IN_THE_LAST_HALF_YEAR
            .iter()
            .map(|t| t.to_string())
            .collect()
    );

    // Each with the board's answers of the half-year only, in words.
    let stories = report["you_said_we_did"]["priorities"].as_array().unwrap();
    let story = |title: &str| {
        stories
            .iter()
            .find(|p| as_written(p["title"].as_str().unwrap()) == title)
            .unwrap()
            .clone()
    };
    let homes = story("Enough of the right homes in the county");
    assert_eq!(
        homes["answers"].as_array().unwrap().len(),
        1,
        "accepted in July, started in December"
    );
    assert_eq!(homes["answers"][0]["answered_on"], "2024-12-10");
    assert!(
        homes["where_it_stands"]
            .as_str()
            .unwrap()
            .starts_with("We said yes, and the work has started.")
    );
    let health = story("Health assessments on time");
    let accepted = &health["answers"][0];
    assert_eq!(accepted["what_we_did"], "On 12 November 2024, we said yes.");
    assert_eq!(
        accepted["what_we_will_do"],
        "The hospital trust will recruit more doctors and tell you if your assessment will be late."
    );
    assert_eq!(accepted["by_when"], "30 September 2025");
    assert!(
        accepted["who_will_do_it"]
            .as_str()
            .unwrap()
            .starts_with("Sherwood Forest Hospitals")
    );
    assert_eq!(health["raised"], "You raised this on 8 October 2024.");
    assert_eq!(health["raised_at"], "No Labels meeting");
    assert!(!health["actions"].as_array().unwrap().is_empty());
    let lac = story("Stop calling us \"LAC\"");
    assert_eq!(
        lac["answers"][0]["what_we_did"],
        "On 21 January 2025, we finished the work."
    );
    assert!(lac["answers"][0]["what_changed"].is_string());
    let driving = story("Help to pay for driving lessons");
    assert!(driving["answers"].as_array().unwrap().is_empty());
    assert!(
        driving["where_it_stands"]
            .as_str()
            .unwrap()
            .starts_with("We have not answered yet.")
    );

    // Progress towards every ambition, and every partner against every
    // commitment.
    assert_eq!(report["ambitions"].as_array().unwrap().len(), 6);
    let commitments = report["commitments"].as_array().unwrap();
    assert_eq!(commitments.len(), 4);
    let partners = app.demo_strategy(&viewer).await["partners"]
        .as_array()
        .unwrap()
        .len();
    for c in commitments {
        assert_eq!(c["partners"].as_array().unwrap().len(), partners);
    }

    // The wording rules: the service's own sentences are short and name
    // no rating; no acronym is left unexplained anywhere in the document.
    for text in generated(&report) {
        assert!(long_sentences(&text).is_empty(), "too long: {text}");
        assert!(rating_words(&text).is_empty(), "a rating word: {text}");
    }
    let md = get(&app, &viewer, &format!("{path}?format=md")).await;
    assert_eq!(md.status, StatusCode::OK);
    assert_eq!(md.content_type, "text/markdown; charset=utf-8");
    assert!(md.body.contains("## You said, we did"));
    assert_eq!(unexplained_acronyms(&md.body), Vec::<&str>::new());
    assert!(md.body.contains("LAC (looked after children)"));
    for title in [
        "Enough of the right homes in the county",
        "Health assessments on time",
    ] {
        assert!(md.body.contains(&format!("### {title}\n")), "{title}");
    }
    for absent in [
        "Free gym and leisure passes for everyone in care",
        "Mental health support when you live outside Nottinghamshire",
    ] {
        assert!(
            !md.body.contains(absent) && !answer.body.contains(absent),
            "{absent}"
        );
    }
    let html = get(&app, &viewer, &format!("{path}?format=html")).await;
    assert_eq!(html.status, StatusCode::OK);
    assert_eq!(html.content_type, "text/html; charset=utf-8");
    assert!(
        html.headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );
    assert!(html.body.contains("size: A4"));
    assert_eq!(
        unexplained_acronyms(&page_text(&html.body)),
        Vec::<&str>::new()
    );
    assert!(
        !html.body.contains("class=\"rag"),
        "no colours standing for ratings"
    );
}

#[actix_web::test]
async fn a_priority_the_chair_accepts_appears_with_the_boards_response() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let council = app.token("nolabels@example.org").await;
    let chair = app.token("chair@example.org").await;
    let strategy = strategy(&app, &chair).await;
    let today = app.clock.today();
    let from = (today - Months::new(2)).with_day(1).unwrap();
    let path = format!("/api/v1/strategies/{strategy}/half_year_report?from={from}&to={today}");

    let mut raised = app
        .post("/api/v1/priorities")
        .bearer_auth(&council)
        .send_json(&json!({
            "strategy_id": strategy,
            "title": "A say in where we live",
            "said": "Nobody asked me before I moved. I found out the day before.",
            "why_it_matters": "Moving is easier when you know why and have a say.",
            "raised_on": today,
            "raised_at": "No Labels winter meeting",
        }))
        .await
        .unwrap();
    assert_eq!(raised.status(), StatusCode::CREATED);
    let raised: Value = raised.json().await.unwrap();
    let id = raised["id"].as_str().unwrap().to_owned();

    let before: Value = serde_json::from_str(&get(&app, &chair, &path).await.body).unwrap();
    assert_eq!(
        titles(&before),
        BTreeSet::from(["A say in where we live".to_owned()])
    );
    let waiting = &before["you_said_we_did"]["priorities"][0];
    assert!(
        waiting["where_it_stands"]
            .as_str()
            .unwrap()
            .starts_with("We have not answered yet. We will answer by")
    );
    assert!(waiting["answers"].as_array().unwrap().is_empty());

    let ncc = app
        .organisation_id(&admin, "Nottinghamshire County Council")
        .await;
    let action = app.action(&admin, "A5.4").await;
    let response_text =
        "Your social worker will talk to you before any move, unless it is an emergency.";
    let etag = app.etag(&chair, &format!("/api/v1/priorities/{id}")).await;
    let mut accepted = app
        .send_json(
            "POST",
            &format!("/api/v1/priorities/{id}/answers"),
            &chair,
            Some(&etag),
            &json!({
                "status": "accepted",
                "message": "Thank you. You should always have a say.",
                "response": response_text,
                "owner_organisation_id": ncc,
                "deliver_by": "2027-03-31",
                "action_ids": [action["id"]],
            }),
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let _: Value = accepted.json().await.unwrap();

    let after: Value = serde_json::from_str(&get(&app, &chair, &path).await.body).unwrap();
    let story = &after["you_said_we_did"]["priorities"][0];
    assert_eq!(
        story["where_it_stands"],
        "We said yes. It will be done by 31 March 2027."
    );
    assert_eq!(story["who_will_do_it"], "Nottinghamshire County Council");
    let answer = &story["answers"][0];
    assert_eq!(
        answer["message"],
        "Thank you. You should always have a say."
    );
    assert_eq!(answer["what_we_will_do"], response_text);
    assert_eq!(answer["by_when"], "31 March 2027");
    assert_eq!(
        as_written(story["actions"][0]["what_we_will_do"].as_str().unwrap()),
        action["description"].as_str().unwrap()
    );
    let md = get(&app, &chair, &format!("{path}&format=md")).await;
    assert!(md.body.contains(response_text), "{}", md.body);

    // The demo's last half-year is as it was.
    let earlier: Value = serde_json::from_str(
        &get(
            &app,
            &chair,
            &format!("/api/v1/strategies/{strategy}/half_year_report"),
        )
        .await
        .body,
    )
    .unwrap();
    assert!(!titles(&earlier).contains("A say in where we live"));
}

#[actix_web::test]
async fn the_reports_page_downloads_what_the_api_answers() {
    let app = TestApp::spawn().await;
    let viewer = app.token(VIEWER).await;
    let strategy = strategy(&app, &viewer).await;
    let closed = closed_periods(&app, &viewer, &strategy).await;
    let first = closed[closed.len() - 2]["id"].as_str().unwrap().to_owned();
    let last = closed[closed.len() - 1]["id"].as_str().unwrap().to_owned();
    let mut browser = Browser::new(&app);
    browser.sign_in(VIEWER).await;

    let form = browser.get("/reports").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.has("Six-monthly report to No Labels"));
    assert!(form.has(&format!("<option value=\"{first}\" selected>")));
    assert!(form.has(&format!("<option value=\"{last}\" selected>")));

    let api = |query: String| {
        let (app, viewer, strategy) = (&app, &viewer, &strategy);
        async move {
            get(
                app,
                viewer,
                &format!("/api/v1/strategies/{strategy}/half_year_report?{query}"),
            )
            .await
        }
    };
    for (choice, query) in [
        (
            format!("half_year=periods&first_period_id={first}&last_period_id={last}&report_format=json"),
            format!("period_ids={first},{last}&format=json"),
        ),
        (
            format!("half_year=periods&first_period_id={first}&last_period_id={last}&report_format=md"),
            format!("period_ids={first},{last}&format=md"),
        ),
        (
            format!("half_year=periods&first_period_id={first}&last_period_id={last}"),
            format!("period_ids={first},{last}&format=html"),
        ),
        (
            "half_year=dates&from-day=1&from-month=7&from-year=2024&to-day=31&to-month=12&to-year=2024&report_format=md".to_owned(),
            "from=2024-07-01&to=2024-12-31&format=md".to_owned(),
        ),
    ] {
        let page = browser
            .get(&format!("/reports/half-year?strategy_id={strategy}&{choice}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{choice}: {}", page.body);
        let disposition = page.headers.get("content-disposition").unwrap().to_str().unwrap();
        assert!(disposition.starts_with("attachment; filename=\"you-said-we-did-"), "{disposition}");
        let expected = api(query).await;
        assert_eq!(expected.status, StatusCode::OK);
        assert_eq!(
            page.headers.get("content-type").unwrap().to_str().unwrap(),
            expected.content_type
        );
        assert_eq!(page.body, expected.body, "{choice}");
    }

    // A half-year the service refuses comes back on the form, with the
    // choices kept and the error against the field.
    let backwards = browser
        .get(&format!(
            "/reports/half-year?strategy_id={strategy}&half_year=dates&from-day=31&from-month=12&from-year=2024&to-day=1&to-month=7&to-year=2024&report_format=md"
        ))
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.has("govuk-error-summary"));
    assert!(backwards.has("The first day must be on or before the last day"));
    assert!(backwards.has("href=\"#from-day\""));
    assert_eq!(backwards.input("from-day").as_deref(), Some("31"));
    assert_eq!(backwards.input("to-month").as_deref(), Some("7"));
    assert!(backwards.has("value=\"dates\" checked"));
    assert!(
        backwards.has(
            "id=\"report_format-md\" name=\"report_format\" type=\"radio\" value=\"md\" checked"
        )
    );

    let too_long = browser
        .get(&format!(
            "/reports/half-year?strategy_id={strategy}&half_year=periods&first_period_id={}&last_period_id={last}",
            closed[0]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.has("more than 12 months"));
    assert!(too_long.has("id=\"first_period_id-error\""));

    let unreal = browser
        .get(&format!(
            "/reports/half-year?strategy_id={strategy}&half_year=dates&from-day=31&from-month=2&from-year=2024&to-day=1&to-month=7&to-year=2024"
        ))
        .await;
    assert_eq!(unreal.status, StatusCode::BAD_REQUEST);
    assert!(unreal.has("The first day of the report must be a real date"));
    assert_eq!(unreal.input("from-day").as_deref(), Some("31"));
}

#[actix_web::test]
async fn a_half_year_that_cannot_be_reported_is_refused_naming_the_parameter() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let chair = app.token("chair@example.org").await;
    let strategy = strategy(&app, &chair).await;
    let closed = closed_periods(&app, &chair, &strategy).await;
    let q4 = closed.last().unwrap()["id"].as_str().unwrap().to_owned();
    let first = closed[0]["id"].as_str().unwrap().to_owned();

    // An open period of this strategy, and a period of another.
    let mut open = app
        .post(&format!("/api/v1/strategies/{strategy}/periods"))
        .bearer_auth(&chair)
        .send_json(
            &json!({ "name": "2025-26 Q1", "starts_on": "2025-04-01", "ends_on": "2025-06-30" }),
        )
        .await
        .unwrap();
    assert_eq!(open.status(), StatusCode::CREATED);
    let open: Value = open.json().await.unwrap();
    let mut other = app
        .post("/api/v1/strategies")
        .bearer_auth(&admin)
        .send_json(&json!({ "title": "Another board", "period_start": "2024-01-01", "period_end": "2026-12-31" }))
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::CREATED);
    let other: Value = other.json().await.unwrap();
    let mut foreign = app
        .post(&format!(
            "/api/v1/strategies/{}/periods",
            other["id"].as_str().unwrap()
        ))
        .bearer_auth(&admin)
        .send_json(
            &json!({ "name": "Their quarter", "starts_on": "2024-10-01", "ends_on": "2024-12-31" }),
        )
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::CREATED);
    let foreign: Value = foreign.json().await.unwrap();

    let future = app.clock.today() + chrono::Days::new(1);
    let cases = [
        (
            format!("period_ids={},{q4}", open["id"].as_str().unwrap()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "period_ids",
        ),
        (
            format!("period_ids={}", foreign["id"].as_str().unwrap()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "period_ids",
        ),
        (
            format!("period_ids={first},{q4}"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "period_ids",
        ),
        (
            "from=2025-03-31&to=2024-10-01".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "from",
        ),
        (
            format!("from=2024-10-01&to={future}"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "to",
        ),
        (
            "from=2023-10-01&to=2025-03-31".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "to",
        ),
        (
            "from=2024-10-01".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "to",
        ),
        (
            "period_ids=soon".to_owned(),
            StatusCode::BAD_REQUEST,
            "period_ids",
        ),
        (
            "from=yesterday&to=2025-03-31".to_owned(),
            StatusCode::BAD_REQUEST,
            "from",
        ),
        (
            format!("period_ids={q4}&from=2024-10-01&to=2025-03-31"),
            StatusCode::BAD_REQUEST,
            "period_ids",
        ),
    ];
    for (query, status, parameter) in cases {
        let response = app
            .get(&format!(
                "/api/v1/strategies/{strategy}/half_year_report?{query}"
            ))
            .bearer_auth(&chair)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{query}");
        let body = problem(response).await;
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            assert_eq!(body["errors"][0]["field"], parameter, "{query}: {body}");
        } else {
            assert!(
                body["detail"].as_str().unwrap().contains(parameter),
                "{query}: {body}"
            );
        }
    }
    let bad_format = app
        .get(&format!(
            "/api/v1/strategies/{strategy}/half_year_report?format=csv"
        ))
        .bearer_auth(&chair)
        .send()
        .await
        .unwrap();
    assert_eq!(bad_format.status(), StatusCode::BAD_REQUEST);
    problem(bad_format).await;

    // A strategy without a closed period has no default half-year.
    let empty = app
        .get(&format!(
            "/api/v1/strategies/{}/half_year_report",
            other["id"].as_str().unwrap()
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(empty).await["errors"][0]["field"], "period_ids");
}
