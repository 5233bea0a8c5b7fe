//! The chair's pages: the dashboard's tables and charts say what the
//! dashboard API says, at every moment it can show.

use awc::http::StatusCode;
use serde_json::Value;

use crate::browser::{Browser, Page};
use crate::helpers::TestApp;

const CHAIR: &str = "chair@example.org";

/// The text of an element's content, tags removed and space collapsed.
fn text(html: &str) -> String {
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
    let out = out
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The element with `id`, from its opening tag to its closing `close`.
fn element<'a>(body: &'a str, id: &str, close: &str) -> &'a str {
    let at = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("the page has #{id}"));
    let start = body[..at].rfind('<').unwrap();
    let end = at + body[at..].find(close).expect("the element is closed");
    &body[start..end]
}

/// The body rows of the table with `id`, as the text of each cell.
fn table(body: &str, id: &str) -> Vec<Vec<String>> {
    let table = element(body, id, "</table>");
    let tbody = &table[table.find("<tbody").expect("a table body")..];
    tbody
        .split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<t")
                .skip(1)
                .filter(|cell| cell.starts_with('h') || cell.starts_with('d'))
                .map(|cell| text(&cell[cell.find('>').unwrap() + 1..]))
                .collect()
        })
        .collect()
}

/// The value of each `name` attribute in `html`, in order.
fn attributes(html: &str, name: &str) -> Vec<String> {
    let marker = format!(" {name}=\"");
    html.split(&marker)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

fn counts(json: &Value) -> Vec<String> {
    ["red", "amber", "green", "blue", "not_rated", "total"]
        .iter()
        .map(|k| json[k].as_u64().expect("a count").to_string())
        .collect()
}

/// Every breakdown's table and chart against the JSON, and the lists'
/// totals.
fn assert_page_matches(page: &Page, json: &Value, what: &str) {
    assert_eq!(page.status, StatusCode::OK, "{what}: {}", page.body);
    let body = &page.body;
    let lines = |list: &str, name: &dyn Fn(&Value) -> String| -> Vec<(String, Vec<String>)> {
        json[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (name(l), counts(&l["counts"])))
            .collect()
    };
    let statement = |kind: &'static str| {
        move |l: &Value| format!("{kind} {}: {}", l["number"], l["title"].as_str().unwrap())
    };
    let breakdowns = [
        (
            "totals",
            vec![("All actions".to_owned(), counts(&json["totals"]))],
        ),
        ("by-ambition", lines("by_ambition", &statement("Ambition"))),
        (
            "by-commitment",
            lines("by_commitment", &statement("Commitment")),
        ),
        (
            "by-lead",
            lines("by_lead_organisation", &|l: &Value| {
                l["organisation"]["name"].as_str().unwrap().to_owned()
            }),
        ),
    ];
    for (id, expected) in breakdowns {
        // The table: a row per line, named in full, with its counts.
        let rows: Vec<(String, Vec<String>)> = table(body, &format!("{id}-table"))
            .into_iter()
            .map(|mut cells| {
                let name = cells.remove(0);
                (name, cells)
            })
            .collect();
        assert_eq!(rows, expected, "{what}: the {id} table");
        // The chart: a bar per line with the same counts in its data.
        let chart = element(body, id, "</svg>");
        assert!(chart.starts_with("<svg"), "{what}: #{id} is the chart");
        let bars: Vec<Vec<String>> = chart
            .split("<g class=\"app-chart__bar\"")
            .skip(1)
            .map(|bar| {
                let head = &bar[..bar.find('>').unwrap()];
                ["red", "amber", "green", "blue", "not-rated", "total"]
                    .iter()
                    .map(|k| attributes(head, &format!("data-{k}"))[0].clone())
                    .collect()
            })
            .collect();
        let numbers: Vec<Vec<String>> = expected.into_iter().map(|(_, c)| c).collect();
        assert_eq!(bars, numbers, "{what}: the {id} chart");
        assert!(
            chart.contains("<title"),
            "{what}: the {id} chart has a title"
        );
        assert!(
            chart.contains("<desc"),
            "{what}: the {id} chart is described"
        );
    }
    // The exceptions, in the API's order, with their ratings in words.
    let exceptions = &json["exceptions"];
    let shown = exceptions["items"].as_array().unwrap();
    if shown.is_empty() {
        assert!(!body.contains("id=\"exceptions-table\""));
    } else {
        let rows = table(body, "exceptions-table");
        assert_eq!(rows.len(), shown.len(), "{what}: exceptions");
        for (row, e) in rows.iter().zip(shown) {
            assert!(
                row[0].starts_with(e["action"]["reference"].as_str().unwrap()),
                "{what}: {row:?}"
            );
            assert_eq!(row[4], e["red_periods_in_a_row"].to_string());
        }
    }
    assert!(
        body.contains(&format!(
            "Actions rated red or amber: {}",
            exceptions["total"]
        )),
        "{what}: the exceptions' total"
    );
    for (list, id) in [
        ("overdue_milestones", "overdue-milestones-table"),
        ("overdue_actions", "overdue-actions-table"),
        ("stale_actions", "stale-table"),
    ] {
        let items = json[list]["items"].as_array().unwrap();
        if !items.is_empty() {
            assert_eq!(table(body, id).len(), items.len(), "{what}: {list}");
        }
    }
    // The pledge matrix: a row per partner, a word in every gap.
    let matrix = table(body, "pledges-table");
    let rows = json["pledges"]["rows"].as_array().unwrap();
    assert_eq!(matrix.len(), rows.len(), "{what}: pledge rows");
    let gaps: usize = matrix
        .iter()
        .map(|r| r.iter().filter(|c| *c == "No pledge").count())
        .sum();
    assert_eq!(gaps as u64, json["pledges"]["gaps"].as_u64().unwrap());
    // Each indicator's chart has a point per value of its series.
    for group in json["indicators"].as_array().unwrap() {
        for indicator in group["indicators"].as_array().unwrap() {
            let title = indicator["title"].as_str().unwrap();
            let card_at = body
                .find(&format!(">{}</a></h4>", html_escape(title)))
                .unwrap_or_else(|| panic!("{what}: a card for {title}"));
            let card = &body[card_at..];
            let chart = &card[..card.find("</svg>").unwrap()];
            let dates = attributes(chart, "data-date");
            let expected: Vec<String> = indicator["series"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["date"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(dates, expected, "{what}: the chart of {title}");
        }
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[actix_web::test]
async fn the_dashboard_page_says_what_the_dashboard_api_says() {
    let app = TestApp::spawn().await;
    let token = app.token(CHAIR).await;
    let strategy = app.demo_strategy(&token).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut browser = Browser::new(&app);
    browser.sign_in(CHAIR).await;

    // The navigation's link finds the strategy.
    let chosen = browser.get("/dashboard").await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER);
    let base = format!("/strategies/{strategy}/dashboard");
    assert_eq!(chosen.location.as_deref(), Some(base.as_str()));

    let periods = app
        .read(&token, &format!("/api/v1/strategies/{strategy}/periods"))
        .await;
    let closed = periods
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["status"] == "closed")
        .expect("the demo has closed periods")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (query, source) in [
        (String::new(), "live"),
        ("as_at=2023-06-30".to_owned(), "history"),
        (format!("period_id={closed}"), "snapshot"),
    ] {
        let json = app
            .read(
                &token,
                &format!("/api/v1/strategies/{strategy}/dashboard?{query}"),
            )
            .await;
        assert_eq!(json["source"], source);
        let page = browser.get(&format!("{base}?{query}")).await;
        assert_page_matches(&page, &json, &format!("{source} ({query})"));
    }
    // The period chosen stays chosen in the selector.
    let page = browser.get(&format!("{base}?period_id={closed}")).await;
    assert!(page.has(&format!("value=\"{closed}\" selected")));
}

#[actix_web::test]
async fn the_dashboards_date_boxes_make_an_address_to_share_and_say_what_is_wrong() {
    let app = TestApp::spawn().await;
    let token = app.token(CHAIR).await;
    let strategy = app.demo_strategy(&token).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut browser = Browser::new(&app);
    browser.sign_in(CHAIR).await;
    let base = format!("/strategies/{strategy}/dashboard");

    let typed = browser
        .get(&format!(
            "{base}?as_at-day=30&as_at-month=6&as_at-year=2023"
        ))
        .await;
    assert_eq!(typed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        typed.location.as_deref(),
        Some(format!("{base}?as_at=2023-06-30").as_str())
    );
    let shown = browser.get(&format!("{base}?as_at=2023-06-30")).await;
    assert!(shown.has("As at the end of 30 June 2023"));
    assert_eq!(shown.input("as_at-day").as_deref(), Some("30"));

    // A date that does not exist comes back with the error and what was typed.
    let wrong = browser
        .get(&format!(
            "{base}?as_at-day=31&as_at-month=2&as_at-year=2023"
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.has("govuk-error-summary"));
    assert_eq!(wrong.input("as_at-day").as_deref(), Some("31"));
    // A day still to come cannot be shown: the page says so and shows now.
    let future = browser.get(&format!("{base}?as_at=2999-01-01")).await;
    assert_eq!(future.status, StatusCode::BAD_REQUEST);
    assert!(future.has("govuk-error-summary"));
    assert!(future.has("Now ("));
    let nonsense = browser.get(&format!("{base}?period_id=not-a-period")).await;
    assert_eq!(nonsense.status, StatusCode::BAD_REQUEST);
    assert!(nonsense.has("Choose a reporting period from the list"));
}

#[actix_web::test]
async fn the_trend_page_says_what_the_trend_api_says() {
    let app = TestApp::spawn().await;
    let token = app.token(CHAIR).await;
    let strategy = app.demo_strategy(&token).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let json = app
        .read(&token, &format!("/api/v1/strategies/{strategy}/trend"))
        .await;
    let mut browser = Browser::new(&app);
    browser.sign_in(CHAIR).await;
    let page = browser.get(&format!("/strategies/{strategy}/trend")).await;
    assert_eq!(page.status, StatusCode::OK);

    let periods = json["periods"].as_array().unwrap();
    let expected: Vec<Vec<String>> = periods
        .iter()
        .map(|p| {
            let mut row = vec![p["period"]["name"].as_str().unwrap().to_owned()];
            row.extend(counts(&p["counts"]));
            row
        })
        .collect();
    assert_eq!(table(&page.body, "by-period-table"), expected);
    let chart = element(&page.body, "by-period", "</svg>");
    assert_eq!(attributes(chart, "data-total").len(), periods.len());

    // Each action's row: a cell per closed period, then now.
    let rows = element(&page.body, "actions-table", "</table>");
    let rows: Vec<&str> = rows.split("<tr").skip(2).collect();
    let actions = json["actions"].as_array().unwrap();
    assert_eq!(rows.len(), actions.len());
    for (row, action) in rows.iter().zip(actions) {
        let mut expected: Vec<String> = action["ratings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap_or("").to_owned())
            .collect();
        expected.push(action["current_rag"].as_str().unwrap().to_owned());
        assert_eq!(attributes(row, "data-rag"), expected, "{row}");
    }
}

#[actix_web::test]
async fn the_chair_adds_a_period_and_closes_it_from_a_page_that_says_what_closing_does() {
    let app = TestApp::spawn().await;
    let token = app.token(CHAIR).await;
    let strategy = app.demo_strategy(&token).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut chair = Browser::new(&app);
    chair.sign_in(CHAIR).await;
    let list = format!("/strategies/{strategy}/periods");
    let page = chair.get(&list).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.csrf();
    let periods_before = app.count("SELECT count(*) FROM reporting_periods").await;

    // A date that does not exist: the form comes back with what was typed.
    let wrong = chair
        .post(
            &list,
            &[
                ("csrf_token", &csrf),
                ("name", "2026-27 Q3"),
                ("starts_on-day", "1"),
                ("starts_on-month", "10"),
                ("starts_on-year", "2026"),
                ("ends_on-day", "31"),
                ("ends_on-month", "11"),
                ("ends_on-year", "2026"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.has("href=\"#ends_on-day\""));
    assert_eq!(wrong.input("name").as_deref(), Some("2026-27 Q3"));
    assert_eq!(wrong.input("ends_on-day").as_deref(), Some("31"));
    // Overlapping a period of the demo: said about the dates.
    let overlapping = chair
        .post(
            &list,
            &[
                ("csrf_token", &csrf),
                ("name", "Overlap"),
                ("starts_on-day", "1"),
                ("starts_on-month", "3"),
                ("starts_on-year", "2025"),
                ("ends_on-day", "30"),
                ("ends_on-month", "6"),
                ("ends_on-year", "2025"),
            ],
        )
        .await;
    assert_eq!(overlapping.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(overlapping.has("The period overlaps"));
    assert_eq!(
        app.count("SELECT count(*) FROM reporting_periods").await,
        periods_before
    );
    let added = chair
        .post(
            &list,
            &[
                ("csrf_token", &csrf),
                ("name", "2026-27 Q3"),
                ("starts_on-day", "1"),
                ("starts_on-month", "10"),
                ("starts_on-year", "2026"),
                ("ends_on-day", "31"),
                ("ends_on-month", "12"),
                ("ends_on-year", "2026"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let periods = app
        .read(&token, &format!("/api/v1/strategies/{strategy}/periods"))
        .await;
    let period = periods
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "2026-27 Q3")
        .expect("the period was added")
        .clone();
    assert_eq!(period["status"], "open");
    let id = period["id"].as_str().unwrap();
    let close = format!("/periods/{id}/close");

    // A member can neither see the closing page nor close the period.
    let mut member = Browser::new(&app);
    member.sign_in("police@example.org").await;
    assert_eq!(member.get(&close).await.status, StatusCode::FORBIDDEN);
    let member_csrf = member.get("/").await.csrf();
    let refused = member
        .post(&close, &[("csrf_token", &member_csrf), ("version", "1")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let listed = member.get(&list).await;
    assert!(!listed.has(&close), "a member is offered no way to close");
    assert!(!listed.has("Add a reporting period"));

    // The chair reads what closing does, then closes.
    let confirm = chair.get(&close).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.has("What closing does"));
    let version = confirm.form_input(&close, "version").unwrap();
    // Renamed meanwhile: the page shows it and asks again.
    let tag = app.etag(&token, &format!("/api/v1/periods/{id}")).await;
    let rename = app
        .send_json(
            "PATCH",
            &format!("/api/v1/periods/{id}"),
            &token,
            Some(&tag),
            &serde_json::json!({ "name": "2026-27 Q3 (board of 15 January)" }),
        )
        .await;
    assert_eq!(rename.status(), StatusCode::OK);
    let stale = chair
        .post(&close, &[("csrf_token", &csrf), ("version", &version)])
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.has("2026-27 Q3 (board of 15 January)"));
    let fresh = stale.form_input(&close, "version").unwrap();
    let closed = chair
        .post(&close, &[("csrf_token", &csrf), ("version", &fresh)])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let after = app.read(&token, &format!("/api/v1/periods/{id}")).await;
    assert_eq!(after["status"], "closed");
    let banner = chair.get(closed.location.as_deref().unwrap()).await;
    assert!(banner.has("The reporting period has been closed"));
}

/// The note form of an action's page, filled in and sent.
async fn send_note(browser: &mut Browser<'_>, action: &str, text: &str) -> Page {
    let page = browser.get(action).await;
    let form = format!("{action}/note");
    let version = page.form_input(&form, "version").unwrap_or_default();
    let seen = page.form_input(&form, "seen").unwrap_or_default();
    browser
        .post(
            &form,
            &[
                ("csrf_token", &page.csrf()),
                ("version", &version),
                ("seen", &seen),
                ("text", text),
            ],
        )
        .await
}

#[actix_web::test]
async fn a_challenge_waits_on_the_leads_home_page_until_they_answer() {
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let portfolio = app.read(&police, "/api/v1/me/portfolio").await;
    let org = portfolio["organisation"]["id"].clone();
    let led = portfolio["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["lead_organisation"]["id"] == org)
        .expect("an action the police lead")
        .clone();
    let path = format!("/actions/{}", led["id"].as_str().unwrap());
    assert!(
        portfolio["challenges"].as_array().unwrap().is_empty(),
        "the demo leaves the police no challenge"
    );

    let mut chair = Browser::new(&app);
    chair.sign_in(CHAIR).await;
    let page = chair.get(&path).await;
    assert!(page.has("Challenge the lead organisation"));
    let question = "Why has the training slipped again, and what would bring it back on course?";
    let sent = send_note(&mut chair, &path, question).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let after = chair.get(sent.location.as_deref().unwrap()).await;
    assert!(after.has("Your challenge has been sent to the lead organisation"));

    // The lead sees it at home, in the API and on the page.
    let portfolio = app.read(&police, "/api/v1/me/portfolio").await;
    let open = portfolio["challenges"].as_array().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["text"], question);
    assert_eq!(open[0]["action_id"], led["id"]);
    let mut lead = Browser::new(&app);
    lead.sign_in("police@example.org").await;
    let home = lead.get("/").await;
    assert!(home.has("Challenges from the chair"));
    assert!(home.has(question));
    // A supporter of another action is not asked; nor is another partner.
    let mut other = Browser::new(&app);
    other.sign_in("probation@example.org").await;
    assert!(!other.get("/").await.has(question));

    // The lead answers with a note: the challenge is answered.
    let answer = send_note(
        &mut lead,
        &path,
        "Two trainers left; replacements start in March.",
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let home = lead.get("/").await;
    assert!(!home.has("Challenges from the chair"));
    assert!(!home.has(question));
    let portfolio = app.read(&police, "/api/v1/me/portfolio").await;
    assert!(portfolio["challenges"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn reports_download_as_the_api_renders_them_and_bad_choices_come_back() {
    let app = TestApp::spawn().await;
    let police = app.token("police@example.org").await;
    let strategy = app.demo_strategy(&police).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let portfolio = app.read(&police, "/api/v1/me/portfolio").await;
    let org = portfolio["organisation"]["id"].as_str().unwrap().to_owned();
    let periods = app
        .read(&police, &format!("/api/v1/strategies/{strategy}/periods"))
        .await;
    let closed = periods[0]["id"].as_str().unwrap().to_owned();
    let mut member = Browser::new(&app);
    member.sign_in("police@example.org").await;
    let form = member.get("/reports").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.has("(your organisation)"));

    for (choice, api) in [
        (
            "format=json&when=now".to_owned(),
            String::new(),
        ),
        (
            format!("format=json&when=period&period_id={closed}&organisation_id={org}"),
            format!("period_id={closed}&organisation_id={org}"),
        ),
        (
            "format=json&audience=young_people&when=date&as_at-day=30&as_at-month=6&as_at-year=2023"
                .to_owned(),
            "audience=young_people&as_at=2023-06-30".to_owned(),
        ),
    ] {
        let page = member
            .get(&format!("/reports/download?strategy_id={strategy}&{choice}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{choice}: {}", page.body);
        let disposition = page.headers.get("content-disposition").unwrap();
        assert!(disposition.to_str().unwrap().starts_with("attachment; filename="));
        let mut downloaded: Value = serde_json::from_str(&page.body).unwrap();
        let mut expected = app
            .read(&police, &format!("/api/v1/strategies/{strategy}/report?{api}"))
            .await;
        // "Now" is a moment later in the second request.
        if choice.contains("when=now") {
            downloaded["as_at"].take();
            expected["as_at"].take();
        }
        assert_eq!(downloaded, expected, "{choice}");
    }

    // The HTML report carries its charts and prints on A4.
    let html = member
        .get(&format!(
            "/reports/download?strategy_id={strategy}&format=html&when=now"
        ))
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.has("class=\"app-chart\" id=\"by-ambition\""));
    assert!(html.has("size: A4"));
    assert!(
        html.headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );

    // A day that does not exist, and one still to come: the form comes
    // back with the error and the choices kept.
    for (day, month, year) in [("31", "2", "2024"), ("1", "1", "2999")] {
        let wrong = member
            .get(&format!(
                "/reports/download?strategy_id={strategy}&format=md&audience=young_people&when=date&as_at-day={day}&as_at-month={month}&as_at-year={year}"
            ))
            .await;
        assert_eq!(
            wrong.status,
            StatusCode::BAD_REQUEST,
            "{day}/{month}/{year}"
        );
        assert!(wrong.has("govuk-error-summary"));
        assert_eq!(wrong.input("as_at-day").as_deref(), Some(day));
        assert!(wrong.has("id=\"format-md\" name=\"format\" type=\"radio\" value=\"md\" checked"));
        assert!(wrong.has("value=\"young_people\" checked"));
    }
}
