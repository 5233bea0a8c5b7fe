//! The young people's priorities in the pages: No Labels raises one through
//! the form, the chair sees it waiting on the dashboard and answers it on
//! its page; refused and stale answers keep what was typed; and those the
//! permission table does not name are refused, as the API refuses them.

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::browser::{Browser, Page};
use crate::helpers::TestApp;

const COUNCIL: &str = "nolabels@example.org";
const CHAIR: &str = "chair@example.org";
const MEMBER: &str = "police@example.org";

async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    browser.sign_in(email).await;
    browser
}

/// Where a redirect goes, checking it is one.
fn redirected(page: &Page) -> String {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location.clone().expect("a Location")
}

/// Text with its tags removed and its spaces collapsed.
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
    out.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The cells of each body row of the table with `id`.
fn rows(page: &Page, id: &str) -> Vec<Vec<String>> {
    let start = page
        .body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("the page has #{id}"));
    let table = &page.body[start..start + page.body[start..].find("</table>").unwrap()];
    let body = &table[table.find("<tbody").unwrap()..];
    body.split("<tr")
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

/// The text of the textarea with `id`, as the page holds it.
fn textarea(page: &Page, id: &str) -> String {
    let at = page
        .body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("the page has #{id}"));
    let start = at + page.body[at..].find('>').unwrap() + 1;
    let end = start + page.body[start..].find("</textarea>").unwrap();
    page.body[start..end]
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

async fn priority_id(app: &TestApp, token: &str, title: &str) -> String {
    let list = app.read(token, "/api/v1/priorities?limit=500").await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == title)
        .unwrap_or_else(|| panic!("no priority {title}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Answers through the API, as someone else might at the same moment.
async fn answer_by_api(app: &TestApp, token: &str, id: &str, body: &Value) {
    let path = format!("/api/v1/priorities/{id}");
    let etag = app.etag(token, &path).await;
    let response = app
        .send_json("POST", &format!("{path}/answers"), token, Some(&etag), body)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

const SAID: &str = "We want to see the same doctor each time.";
const MESSAGE: &str = "Thank you. We agree, and we will act on this.";

#[actix_web::test]
async fn no_labels_raises_a_priority_and_the_chair_accepts_it_with_an_action() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut council = signed_in(&app, COUNCIL).await;

    // The council's home offers to raise one; the form names the council
    // and asks for no organisation.
    let home = council.get("/").await;
    assert!(home.has("Your priorities for the board"), "{}", home.body);
    assert!(home.has("href=\"/priorities/new\""));
    // It leads nothing and pledges nothing, so its home says so once
    // rather than listing empty sections.
    assert!(home.has("How the board is doing"));
    assert!(!home.has("Actions you lead"));
    assert!(!home.has("Write or revise your pledges"));
    let form = council.get("/priorities/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.has("You are raising it for No Labels"));
    assert!(!form.has("name=\"organisation_id\""));
    let strategy = form
        .form_input("/priorities/new", "strategy_id")
        .expect("the strategy");
    let csrf = form.csrf();
    let ambition = form.input("ambition_ids").expect("an ambition to tick");

    // Without why it matters: refused, and everything typed is kept.
    let mut fields = vec![
        ("csrf_token", csrf.as_str()),
        ("strategy_id", strategy.as_str()),
        ("title", "The same doctor each time"),
        ("said", SAID),
        ("why_it_matters", ""),
        ("raised_on-day", "14"),
        ("raised_on-month", "1"),
        ("raised_on-year", "2025"),
        ("raised_at", "No Labels meeting"),
        ("ambition_ids", ambition.as_str()),
    ];
    let refused = council.post("/priorities/new", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("<title>Error: Raise a priority"));
    assert!(refused.has("href=\"#why_it_matters\">Enter why it matters to young people</a>"));
    assert_eq!(
        refused.input("title").as_deref(),
        Some("The same doctor each time")
    );
    assert_eq!(textarea(&refused, "said"), SAID);
    assert_eq!(refused.input("raised_on-day").as_deref(), Some("14"));
    assert!(refused.has(&format!("value=\"{ambition}\" checked")));

    fields[4] = (
        "why_it_matters",
        "Telling your story again and again is hard.",
    );
    let raised = council.post("/priorities/new", &fields).await;
    let location = redirected(&raised);
    assert!(location.ends_with("?done=priority-raised"), "{location}");
    let id = location
        .trim_start_matches("/priorities/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();

    // The API shows what the form raised, for No Labels.
    let shown = app.read(&admin, &format!("/api/v1/priorities/{id}")).await;
    assert_eq!(shown["title"], "The same doctor each time");
    assert_eq!(shown["said"], SAID);
    assert_eq!(shown["raised_on"], "2025-01-14");
    assert_eq!(shown["raised_at"], "No Labels meeting");
    assert_eq!(shown["status"], "raised");
    assert_eq!(
        shown["organisation"]["name"]
            .as_str()
            .unwrap()
            .split(',')
            .next(),
        Some("No Labels")
    );
    assert_eq!(shown["ambitions"][0]["id"], ambition.as_str());

    // Its page says it waits for the board, and offers the council no
    // answer form.
    let page = council.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("Your priority has been sent to the board"));
    assert!(
        page.has("Waiting for the board&#39;s answer"),
        "{}",
        page.body
    );
    assert!(!page.has(&format!("action=\"/priorities/{id}/answer\"")));
    assert!(!page.has("Answer this priority"));
    let home = council.get("/").await;
    assert!(home.has(&format!(
        "href=\"/priorities/{id}\">The same doctor each time</a>"
    )));

    // The chair's dashboard lists it as waiting, overdue, first.
    let mut chair = signed_in(&app, CHAIR).await;
    let dashboard = chair.get("/dashboard").await;
    let dashboard = chair.get(&redirected(&dashboard)).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    let waiting = rows(&dashboard, "priorities-awaiting-table");
    assert_eq!(
        waiting,
        vec![
            vec![
                "The same doctor each time".to_owned(),
                "14 January 2025".to_owned(),
                "25 February 2025 Overdue".to_owned(),
            ],
            vec![
                "Help to pay for driving lessons".to_owned(),
                "11 February 2025".to_owned(),
                "25 March 2025 Overdue".to_owned(),
            ],
        ]
    );
    assert!(dashboard.has(&format!("href=\"/priorities/{id}\"")));
    let home = chair.get("/").await;
    assert!(
        text(&home.body).contains("2 priorities are waiting for the board's answer, 2 overdue"),
        "{}",
        home.body
    );

    // The chair accepts it on its page, linked to an action.
    let page = chair.get(&format!("/priorities/{id}")).await;
    assert!(page.has("Accept the priority"));
    assert!(page.has("Decline the priority"));
    assert!(page.has("Young people will read this. Keep each sentence to 25 words or fewer."));
    let version = page
        .form_input(&format!("/priorities/{id}/answer"), "version")
        .expect("the version read");
    assert_eq!(version, "1");
    let seen = page.input("seen").unwrap();
    let ncc = app
        .organisation_id(&admin, "Nottinghamshire County Council")
        .await;
    let action = app.action(&admin, "A2.4").await;
    let action_id = action["id"].as_str().unwrap();
    assert!(
        page.has(&format!("value=\"{action_id}\"")),
        "the live actions are offered"
    );
    let accepted = chair
        .post(
            &format!("/priorities/{id}/answer"),
            &[
                ("csrf_token", &page.csrf()),
                ("status", "accepted"),
                ("version", &version),
                ("seen", &seen),
                ("message", MESSAGE),
                (
                    "response",
                    "Your health team will keep the same doctor for you.",
                ),
                ("owner_organisation_id", &ncc),
                ("deliver_by-day", "30"),
                ("deliver_by-month", "9"),
                ("deliver_by-year", "2026"),
                ("action_ids", action_id),
            ],
        )
        .await;
    let location = redirected(&accepted);
    assert_eq!(location, format!("/priorities/{id}?done=priority-answered"));

    let shown = app.read(&admin, &format!("/api/v1/priorities/{id}")).await;
    assert_eq!(shown["status"], "accepted");
    assert_eq!(shown["version"], 2);
    assert_eq!(shown["owner_organisation"]["id"], ncc.as_str());
    assert_eq!(shown["deliver_by"], "2026-09-30");
    assert_eq!(shown["actions"][0]["reference"], "A2.4");
    assert_eq!(shown["answers"][0]["message"], MESSAGE);
    assert_eq!(shown["answers"][0]["answered_by"]["name"], "Board Chair");

    // The page shows the answer as it stands, the action with its rating
    // in words, and the answer in the history; the next forms are start
    // and done.
    let page = chair.get(&location).await;
    assert!(page.has("The board&#39;s answer has been saved"));
    let actions = rows(&page, "actions-table");
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0][0], "A2.4");
    assert!(page.has(&format!("href=\"/actions/{action_id}\"")));
    let rating = action["rag"].as_str().unwrap();
    assert!(
        ["Red", "Amber", "Green", "Blue", "Not rated"]
            .iter()
            .any(|word| actions[0][2] == *word),
        "the rating {rating} in words: {:?}",
        actions[0]
    );
    let history = text(&page.body[page.body.find("id=\"timeline\"").unwrap()..]);
    assert!(history.contains("Accepted Board Chair"), "{history}");
    assert!(history.contains(MESSAGE));
    assert!(page.has("Mark as in progress"));
    assert!(page.has("Mark as done"));
    assert!(!page.has("Decline the priority"));
    let dashboard = chair
        .get(&format!(
            "/strategies/{}/dashboard",
            shown["strategy_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        rows(&dashboard, "priorities-awaiting-table").len(),
        1,
        "no longer waiting"
    );
}

#[actix_web::test]
async fn declining_without_a_reason_shows_the_error_and_keeps_the_message() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let id = priority_id(&app, &admin, "Help to pay for driving lessons").await;
    let mut chair = signed_in(&app, CHAIR).await;
    let page = chair.get(&format!("/priorities/{id}")).await;
    let message = "We are sorry. We cannot say yes to this one.";
    let refused = chair
        .post(
            &format!("/priorities/{id}/answer"),
            &[
                ("csrf_token", &page.csrf()),
                ("status", "declined"),
                ("version", "1"),
                ("seen", &page.input("seen").unwrap()),
                ("message", message),
                ("decline_reason", "  "),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.has("<title>Error: Help to pay for driving lessons"));
    assert!(
        refused.has("<a href=\"#decline_reason\">Enter why the board will not take it forward</a>")
    );
    assert!(refused.has("id=\"decline_reason-error\""));
    assert_eq!(textarea(&refused, "decline-message"), message);
    assert_eq!(
        textarea(&refused, "accept-message"),
        "",
        "the other form is empty"
    );

    // A message young people would struggle with is refused by the same
    // rule as the API's, under the form's own message box.
    let long = format!("We {} agree with you.", "really ".repeat(30));
    let wordy = chair
        .post(
            &format!("/priorities/{id}/answer"),
            &[
                ("csrf_token", &page.csrf()),
                ("status", "declined"),
                ("version", "1"),
                ("message", &long),
                ("decline_reason", "The budget is spent."),
            ],
        )
        .await;
    assert_eq!(wordy.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wordy.has("<a href=\"#decline-message\">Young people read this: keep each sentence to 25 words or fewer"));
    assert_eq!(textarea(&wordy, "decline_reason"), "The budget is spent.");

    let unchanged = app.read(&admin, &format!("/api/v1/priorities/{id}")).await;
    assert_eq!(unchanged["status"], "raised");
    assert_eq!(unchanged["version"], 1);
}

#[actix_web::test]
async fn an_answer_read_before_someone_elses_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut chair = signed_in(&app, CHAIR).await;

    // The chair reads "Health assessments on time" (accepted) and writes
    // that it is done; meanwhile an administrator marks it started.
    let id = priority_id(&app, &admin, "Health assessments on time").await;
    let page = chair.get(&format!("/priorities/{id}")).await;
    let read_at = page
        .form_input(&format!("/priorities/{id}/answer"), "version")
        .unwrap();
    answer_by_api(
        &app,
        &admin,
        &id,
        &json!({ "status": "in_progress", "message": "The work has started this week." }),
    )
    .await;
    let outcome = "Every health assessment now happens within 20 working days.";
    let stale = chair
        .post(
            &format!("/priorities/{id}/answer"),
            &[
                ("csrf_token", &page.csrf()),
                ("status", "done"),
                ("version", &read_at),
                ("seen", &page.input("seen").unwrap()),
                ("message", "This is done. Thank you for raising it."),
                ("outcome", outcome),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.has("Someone else answered this priority while you were writing"));
    assert!(stale.has("<a href=\"#finish-message\">Back to your text</a>"));
    let changed = text(&stale.body[stale.body.find("id=\"changed\"").unwrap()..]);
    assert!(
        changed.contains("The work has started this week."),
        "{changed}"
    );
    // Done is still a step it may take: the form holds the text, now at
    // the version saved.
    assert_eq!(textarea(&stale, "outcome"), outcome);
    assert_eq!(
        textarea(&stale, "finish-message"),
        "This is done. Thank you for raising it."
    );
    let now = app.read(&admin, &format!("/api/v1/priorities/{id}")).await;
    assert_eq!(now["status"], "in_progress");
    let current = now["version"].to_string();
    assert_ne!(current, read_at);
    assert_eq!(
        stale
            .form_input(&format!("/priorities/{id}/answer"), "version")
            .as_deref(),
        Some(current.as_str())
    );
    // Sent again, it is saved.
    let sent = chair
        .post(
            &format!("/priorities/{id}/answer"),
            &[
                ("csrf_token", &page.csrf()),
                ("status", "done"),
                ("version", &current),
                ("message", "This is done. Thank you for raising it."),
                ("outcome", outcome),
            ],
        )
        .await;
    redirected(&sent);
    let done = app.read(&admin, &format!("/api/v1/priorities/{id}")).await;
    assert_eq!(done["status"], "done");
    assert_eq!(done["outcome"], outcome);

    // An answer the priority can no longer take (someone accepted it
    // first) is shown back to copy.
    let id = priority_id(&app, &admin, "Help to pay for driving lessons").await;
    let page = chair.get(&format!("/priorities/{id}")).await;
    let ncc = app
        .organisation_id(&admin, "Nottinghamshire County Council")
        .await;
    answer_by_api(
        &app,
        &admin,
        &id,
        &json!({
            "status": "accepted",
            "message": "Yes. We will help with the cost.",
            "response": "The council will pay for ten lessons.",
            "owner_organisation_id": ncc,
            "deliver_by": "2026-03-31",
        }),
    )
    .await;
    let reason = "Driving lessons are paid from the leaving care grant already.";
    let stale = chair
        .post(
            &format!("/priorities/{id}/answer"),
            &[
                ("csrf_token", &page.csrf()),
                ("status", "declined"),
                ("version", "1"),
                ("seen", &page.input("seen").unwrap()),
                ("message", "Sorry, not this time."),
                ("decline_reason", reason),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.has("<a href=\"#unsent\">Back to your text</a>"));
    let unsent = text(&stale.body[stale.body.find("id=\"unsent\"").unwrap()..]);
    assert!(unsent.contains("Sorry, not this time."), "{unsent}");
    assert!(unsent.contains(reason), "{unsent}");
    assert!(stale.has("Yes. We will help with the cost."));
    let now = app.read(&admin, &format!("/api/v1/priorities/{id}")).await;
    assert_eq!(now["status"], "accepted");
}

#[actix_web::test]
async fn only_the_council_raises_and_only_the_board_answers() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let id = priority_id(&app, &admin, "Help to pay for driving lessons").await;
    let strategy = app.demo_strategy(&admin).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A board member of another organisation may read, not raise or answer.
    let mut police = signed_in(&app, MEMBER).await;
    let list = police.get("/priorities").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.has("Help to pay for driving lessons"));
    assert!(!list.has("Raise a priority"));
    let form = police.get("/priorities/new").await;
    assert_eq!(form.status, StatusCode::FORBIDDEN);
    assert!(form.has("You cannot do that"));
    let page = police.get(&format!("/priorities/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.has("Answer this priority"));
    let csrf = page.csrf();
    let raised = police
        .post(
            "/priorities/new",
            &[
                ("csrf_token", &csrf),
                ("strategy_id", &strategy),
                ("title", "Not ours to raise"),
            ],
        )
        .await;
    assert_eq!(raised.status, StatusCode::FORBIDDEN);
    let answered = police
        .post(
            &format!("/priorities/{id}/answer"),
            &[
                ("csrf_token", &csrf),
                ("status", "declined"),
                ("version", "1"),
                ("message", "No."),
                ("decline_reason", "Because."),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::FORBIDDEN, "{}", answered.body);
    let unchanged = app.read(&admin, &format!("/api/v1/priorities/{id}")).await;
    assert_eq!(unchanged["status"], "raised");
    assert_eq!(
        app.count("SELECT count(*) FROM priorities WHERE title = 'Not ours to raise'")
            .await,
        0
    );

    // The council reads its priority with no form to answer it.
    let mut council = signed_in(&app, COUNCIL).await;
    let page = council.get(&format!("/priorities/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.has(&format!("action=\"/priorities/{id}/answer\"")));
    let list = council.get("/priorities").await;
    assert!(list.has("Raise a priority"));

    // An administrator raises on the council's behalf, choosing it.
    let mut administrator = signed_in(&app, "admin@example.org").await;
    let form = administrator.get("/priorities/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.has("name=\"organisation_id\""));
    assert!(form.has(">No Labels"), "{}", form.body);
}

#[actix_web::test]
async fn the_list_groups_priorities_by_status_in_words() {
    let app = TestApp::spawn().await;
    let mut viewer = signed_in(&app, "viewer@example.org").await;
    let list = viewer.get("/priorities").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.has("Young people&#39;s priorities"));
    assert!(list.has("aria-current=\"page\""), "the navigation's entry");
    for (id, heading, title) in [
        (
            "status-raised",
            "Waiting for the board's answer (1)",
            "Help to pay for driving lessons",
        ),
        (
            "status-declined",
            "Not taken forward (1)",
            "Free gym and leisure passes for everyone in care",
        ),
        ("status-done", "Done (1)", "Stop calling us \"LAC\""),
        (
            "status-in-progress",
            "In progress (2)",
            "Enough of the right homes in the county",
        ),
    ] {
        let at = list
            .body
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("the list has #{id}"));
        // From the heading's text to the next heading.
        let rest = &list.body[at + list.body[at..].find('>').unwrap() + 1..];
        let section = text(&rest[..rest.find("<h2").unwrap_or(rest.len())]);
        assert!(section.starts_with(heading), "{section}");
        assert!(
            section.contains(title),
            "{title} under {heading}: {section}"
        );
    }
    let only = viewer.get("/priorities?status=declined").await;
    let body = text(&only.body);
    assert!(body.contains("Free gym and leisure passes"));
    assert!(!body.contains("Help to pay for driving lessons"));
    let wrong = viewer.get("/priorities?status=maybe").await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
}
