//! Achievements in the pages: a board member writes one through the form,
//! adding a second voice without a script; a voice with an identifier
//! comes back with the error and everything typed, and nothing is stored;
//! drafts stay with their organisation, the chair and administrators; the
//! chair approves or returns one on its page; and a change read before
//! someone else's keeps what was typed.

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::browser::{Browser, Page};
use crate::helpers::TestApp;

const MEMBER: &str = "police@example.org";
const OTHER_MEMBER: &str = "probation@example.org";
const CHAIR: &str = "chair@example.org";
const VIEWER: &str = "viewer@example.org";

const TITLE: &str = "Safer journeys home from college";
const FIRST_VOICE: &str = "I feel safe getting the bus home now.";
const SECOND_VOICE: &str = "She said the officers talk to her like a person.";

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

/// The achievement form's fields: what was achieved, one figure, the
/// action and the voices given as (kind, text, role, age band).
fn filled<'a>(
    page: &'a Page,
    strategy: &'a str,
    action: &'a str,
    voices: &[(&'a str, &'a str, &'a str, &'a str)],
    consent: (&'a str, &'a str),
) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("csrf_token", page.csrf()),
        ("strategy_id", strategy.to_owned()),
        ("title", TITLE.to_owned()),
        (
            "achieved",
            "Police and colleges run a safe travel scheme for students in care.".to_owned(),
        ),
        (
            "meant",
            "Young people travel home from college without fear.".to_owned(),
        ),
        ("achieved_on-day", "12".to_owned()),
        ("achieved_on-month", "9".to_owned()),
        ("achieved_on-year", "2024".to_owned()),
        ("action_ids", action.to_owned()),
        ("local_offer", "yes".to_owned()),
        ("tags", "travel, safety".to_owned()),
        ("figure_rows", "1".to_owned()),
        (
            "figures-0-label",
            "students in care using the scheme".to_owned(),
        ),
        ("figures-0-value", "42".to_owned()),
        ("figures-0-unit", "young people".to_owned()),
        ("figures-0-as_of-day", "31".to_owned()),
        ("figures-0-as_of-month", "7".to_owned()),
        ("figures-0-as_of-year", "2024".to_owned()),
        ("voice_rows", voices.len().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for (i, (kind, text, role, band)) in voices.iter().enumerate() {
        let key = |part: &str| format!("voices-{i}-{part}");
        fields.extend([
            (key("kind"), (*kind).to_owned()),
            (key("text"), (*text).to_owned()),
            (key("role"), (*role).to_owned()),
            (key("age_band"), (*band).to_owned()),
            (key("consent_organisation_id"), consent.0.to_owned()),
            (key("consent_on-day"), "2".to_owned()),
            (key("consent_on-month"), "10".to_owned()),
            (key("consent_on-year"), consent.1.to_owned()),
        ]);
    }
    fields
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// The id in an achievement's address.
fn id_in(location: &str) -> String {
    location
        .trim_start_matches("/achievements/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

/// Writes an achievement through the police member's form, with one voice.
async fn written(app: &TestApp, member: &mut Browser<'_>) -> String {
    let form = member.get("/achievements/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let strategy = form.input("strategy_id").unwrap();
    let action = form.input("action_ids").unwrap();
    let admin = app.admin().await;
    let police = app.organisation_id(&admin, "Police").await;
    let voices = [("quote", FIRST_VOICE, "care leaver", "18-20")];
    let fields = filled(&form, &strategy, &action, &voices, (&police, "2024"));
    let sent = member.post("/achievements/new", &pairs(&fields)).await;
    id_in(&redirected(&sent))
}

#[actix_web::test]
async fn a_member_writes_an_achievement_with_two_voices_and_the_chair_approves_it() {
    let app = TestApp::spawn().await;
    let demo_rows = app.count("SELECT count(*) FROM achievements").await;
    let demo_voices = app.count("SELECT count(*) FROM achievement_voices").await;
    let admin = app.admin().await;
    let police = app.organisation_id(&admin, "Police").await;
    let mut member = signed_in(&app, MEMBER).await;

    // The list offers to write one; the form offers the actions Police
    // leads or supports, and no others.
    let list = member.get("/achievements").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.has("Write an achievement"));
    // The demo's approved achievements are listed to every organisation.
    assert!(!list.has("No achievements have been written for this strategy yet."));
    assert!(list.has("Care leavers recruited into council apprenticeships"));
    let form = member.get("/achievements/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let strategy = form.input("strategy_id").expect("the strategy");
    let theirs = app
        .read(
            &admin,
            &format!("/api/v1/actions?organisation_id={police}&limit=500"),
        )
        .await;
    let theirs: Vec<&str> = theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(!theirs.is_empty());
    let offered = form.body.matches("name=\"action_ids\"").count();
    assert_eq!(offered, theirs.len(), "only Police's actions are offered");
    let action = form.input("action_ids").unwrap();
    assert!(theirs.contains(&action.as_str()));
    // The action's page offers to write one for it, ticked already.
    let action_page = member.get(&format!("/actions/{action}")).await;
    let link = format!("/achievements/new?strategy_id={strategy}&amp;action_id={action}");
    assert!(action_page.has(&link), "{}", action_page.body);
    let ticked = member.get(&link.replace("&amp;", "&")).await;
    assert!(ticked.has(&format!("value=\"{action}\" checked")));
    assert!(form.has("Do not name a child or young person"));
    assert!(form.has("No age band (an adult in their role)"));

    // Without an action the member's organisation leads or supports, the
    // form asks for one and keeps what was typed.
    let one = [("quote", FIRST_VOICE, "care leaver", "18-20")];
    let fields: Vec<(String, String)> = filled(&form, &strategy, &action, &one, (&police, "2024"))
        .into_iter()
        .filter(|(name, _)| name != "action_ids")
        .collect();
    let no_action = member.post("/achievements/new", &pairs(&fields)).await;
    assert_eq!(
        no_action.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_action.body
    );
    assert!(no_action.has(
        "<a href=\"#action_ids\">Select at least one action your organisation leads or supports</a>"
    ));
    assert_eq!(textarea(&no_action, "voices-0-text"), FIRST_VOICE);
    assert_eq!(no_action.input("title").as_deref(), Some(TITLE));

    // One voice typed, then "Add another voice": the form comes back with
    // what was typed and a second, empty voice; nothing is written.
    let mut fields = filled(&form, &strategy, &action, &one, (&police, "2024"));
    fields.push(("add".to_owned(), "voice".to_owned()));
    let more = member.post("/achievements/new", &pairs(&fields)).await;
    assert_eq!(more.status, StatusCode::OK, "{}", more.body);
    assert_eq!(more.input("voice_rows").as_deref(), Some("2"));
    assert_eq!(textarea(&more, "voices-0-text"), FIRST_VOICE);
    assert_eq!(textarea(&more, "voices-1-text"), "");
    assert_eq!(more.input("title").as_deref(), Some(TITLE));
    assert_eq!(more.input("figures-0-value").as_deref(), Some("42"));
    assert!(more.has("id=\"voice-1\""));
    assert!(!more.has("govuk-error-summary"));
    assert_eq!(
        app.count("SELECT count(*) FROM achievements").await,
        demo_rows
    );

    // The second voice gives a telephone number: refused under its box,
    // with everything typed kept, and nothing stored.
    let leaky = format!("{SECOND_VOICE} Ring her on 07700 900123.");
    let two = [
        ("quote", FIRST_VOICE, "care leaver", "18-20"),
        ("story", leaky.as_str(), "young person in care", "16-17"),
    ];
    let fields = filled(&more, &strategy, &action, &two, (&police, "2024"));
    let refused = member.post("/achievements/new", &pairs(&fields)).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.has("<title>Error: Write an achievement"));
    assert!(
        refused.has("<a href=\"#voices-1-text\">What voice 2 says holds a telephone number"),
        "{}",
        refused.body
    );
    assert!(refused.has("id=\"voices-1-text-error\""));
    assert_eq!(textarea(&refused, "voices-1-text"), leaky);
    assert_eq!(textarea(&refused, "voices-0-text"), FIRST_VOICE);
    assert_eq!(
        refused.input("voices-1-role").as_deref(),
        Some("young person in care")
    );
    assert!(refused.has("<option value=\"16-17\" selected>16 to 17</option>"));
    assert!(refused.has("value=\"story\" checked"));
    assert_eq!(refused.input("title").as_deref(), Some(TITLE));
    assert_eq!(refused.input("tags").as_deref(), Some("travel, safety"));
    assert!(refused.has("name=\"local_offer\" type=\"checkbox\" value=\"yes\" checked"));
    assert!(refused.has(&format!("value=\"{action}\" checked")));
    assert_eq!(
        app.count("SELECT count(*) FROM achievements").await,
        demo_rows
    );
    assert_eq!(
        app.count("SELECT count(*) FROM achievement_voices").await,
        demo_voices
    );

    // Without the telephone number it is written, as a draft.
    let two = [
        ("quote", FIRST_VOICE, "care leaver", "18-20"),
        ("story", SECOND_VOICE, "young person in care", "16-17"),
    ];
    let fields = filled(&refused, &strategy, &action, &two, (&police, "2024"));
    let sent = member.post("/achievements/new", &pairs(&fields)).await;
    let location = redirected(&sent);
    assert!(
        location.ends_with("?done=achievement-written"),
        "{location}"
    );
    let id = id_in(&location);
    let shown = app
        .read(&admin, &format!("/api/v1/achievements/{id}"))
        .await;
    assert_eq!(shown["title"], TITLE);
    assert_eq!(shown["status"], "draft");
    assert_eq!(shown["achieved_on"], "2024-09-12");
    assert_eq!(shown["tags"], json!(["Local Offer", "travel", "safety"]));
    assert_eq!(shown["actions"][0]["id"], action.as_str());
    assert_eq!(
        shown["figures"][0]["label"],
        "students in care using the scheme"
    );
    assert_eq!(shown["figures"][0]["value"], 42);
    assert_eq!(shown["figures"][0]["as_of"], "2024-07-31");
    let voices = shown["voices"].as_array().unwrap();
    assert_eq!(voices.len(), 2);
    assert_eq!(voices[1]["kind"], "story");
    assert_eq!(voices[1]["text"], SECOND_VOICE);
    assert_eq!(voices[1]["age_band"], "16-17");
    assert_eq!(voices[1]["consent_organisation"]["id"], police.as_str());
    assert_eq!(voices[1]["consent_on"], "2024-10-02");

    // Its page shows everything it holds, and offers its writers a change,
    // not a decision.
    let page = member.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("Your achievement has been saved as a draft"));
    assert!(page.has("Waiting for approval"));
    assert!(page.has("young person in care, aged 16 to 17"));
    assert!(page.has("Consent to publish recorded by"));
    assert!(page.has("students in care using the scheme"));
    assert!(page.has(&format!("href=\"/achievements/{id}/edit\"")));
    assert!(page.has(&format!("href=\"/achievements/{id}/delete\"")));
    assert!(!page.has("Approve for reports"));
    let list = member.get("/achievements").await;
    assert!(list.has(TITLE));

    // A member of another organisation and a viewer see no draft.
    for email in [OTHER_MEMBER, VIEWER] {
        let mut other = signed_in(&app, email).await;
        let list = other.get("/achievements").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(!list.has(TITLE), "{email} sees the draft in the list");
        let page = other.get(&format!("/achievements/{id}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{email}");
        assert!(!page.has(TITLE));
        let edit = other.get(&format!("/achievements/{id}/edit")).await;
        assert_eq!(edit.status, StatusCode::NOT_FOUND, "{email}");
    }
    let mut viewer = signed_in(&app, VIEWER).await;
    let list = viewer.get("/achievements").await;
    assert!(!list.has("Write an achievement"));
    assert_eq!(
        viewer.get("/achievements/new").await.status,
        StatusCode::FORBIDDEN
    );

    // The chair approves it on its page.
    let mut chair = signed_in(&app, CHAIR).await;
    let list = chair.get("/achievements?status=draft").await;
    assert!(list.has(TITLE));
    let page = chair.get(&format!("/achievements/{id}")).await;
    assert!(page.has("Approve for reports"));
    assert!(page.has("Return it"));
    let version = page
        .form_input(&format!("/achievements/{id}/approve"), "version")
        .expect("the version read");
    let approved = chair
        .post(
            &format!("/achievements/{id}/approve"),
            &[
                ("csrf_token", &page.csrf()),
                ("version", &version),
                ("comment", "Thank you: a clear story."),
            ],
        )
        .await;
    assert_eq!(
        redirected(&approved),
        format!("/achievements/{id}?done=achievement-approved")
    );
    let shown = app
        .read(&admin, &format!("/api/v1/achievements/{id}"))
        .await;
    assert_eq!(shown["status"], "approved");
    assert_eq!(shown["review_comment"], "Thank you: a clear story.");
    let page = chair.get(&format!("/achievements/{id}")).await;
    assert!(page.has("Approved for reports"));
    assert!(page.has("Thank you: a clear story."));
    assert!(!page.has("Approve for reports</button>"));

    // Approved, everyone who reads the plan sees it.
    let list = viewer.get("/achievements").await;
    assert!(list.has(TITLE));
    let page = viewer.get(&format!("/achievements/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.has("/edit\""));
    assert!(!page.has("Return it"));
}

#[actix_web::test]
async fn returning_needs_a_comment_and_the_writers_see_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut member = signed_in(&app, MEMBER).await;
    let id = written(&app, &mut member).await;

    let mut chair = signed_in(&app, CHAIR).await;
    let page = chair.get(&format!("/achievements/{id}")).await;
    let version = page
        .form_input(&format!("/achievements/{id}/return"), "version")
        .unwrap();
    let bare = chair
        .post(
            &format!("/achievements/{id}/return"),
            &[
                ("csrf_token", &page.csrf()),
                ("version", &version),
                ("comment", "  "),
            ],
        )
        .await;
    assert_eq!(
        bare.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bare.body
    );
    assert!(bare.has("<a href=\"#return-comment\">Enter what the writers should change</a>"));
    let comment = "Please say how many colleges take part.";
    let returned = chair
        .post(
            &format!("/achievements/{id}/return"),
            &[
                ("csrf_token", &page.csrf()),
                ("version", &version),
                ("comment", comment),
            ],
        )
        .await;
    redirected(&returned);
    let shown = app
        .read(&admin, &format!("/api/v1/achievements/{id}"))
        .await;
    assert_eq!(shown["status"], "returned");

    let page = member.get(&format!("/achievements/{id}")).await;
    assert!(page.has("Returned for changes"));
    assert!(page.has("The chair returned it: what to change"));
    assert!(page.has(comment));
    let list = member.get("/achievements?status=returned").await;
    assert!(list.has(TITLE));

    // Its writers delete it after a page that asks to be sure.
    let confirm = member.get(&format!("/achievements/{id}/delete")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    let version = confirm
        .form_input(&format!("/achievements/{id}/delete"), "version")
        .unwrap();
    let deleted = member
        .post(
            &format!("/achievements/{id}/delete"),
            &[("csrf_token", &confirm.csrf()), ("version", &version)],
        )
        .await;
    assert!(redirected(&deleted).contains("done=achievement-deleted"));
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM achievements WHERE id = '{id}'"
        ))
        .await,
        0
    );
}

#[actix_web::test]
async fn a_change_read_before_someone_elses_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut member = signed_in(&app, MEMBER).await;
    let id = written(&app, &mut member).await;

    // The member opens the form; meanwhile an administrator changes the
    // title through the API.
    let edit = member.get(&format!("/achievements/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
    let action = format!("/achievements/{id}/edit");
    let read_at = edit.form_input(&action, "version").unwrap();
    assert_eq!(read_at, "1");
    assert_eq!(textarea(&edit, "voices-0-text"), FIRST_VOICE);
    let path = format!("/api/v1/achievements/{id}");
    let saved: Value = app.read(&admin, &path).await;
    let mut body = json!({
        "title": "Safe travel scheme for students in care",
        "achieved": saved["achieved"],
        "meant": saved["meant"],
        "achieved_on": saved["achieved_on"],
        "action_ids": [saved["actions"][0]["id"]],
        "tags": saved["tags"],
        "figures": [],
        "voices": [],
    });
    body["voices"] = json!([{
        "kind": "quote",
        "text": FIRST_VOICE,
        "role": "care leaver",
        "age_band": "18-20",
        "consent_organisation_id": saved["voices"][0]["consent_organisation"]["id"],
        "consent_on": saved["voices"][0]["consent_on"],
    }]);
    let etag = app.etag(&admin, &path).await;
    let response = app
        .send_json("PUT", &path, &admin, Some(&etag), &body)
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    // The member's change, read at version 1, comes back with what was
    // typed, what is saved now beside it, and the version saved.
    let typed_meant = "Students in care get home safely, and say so.";
    let police = app.organisation_id(&admin, "Police").await;
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in [
        "csrf_token",
        "strategy_id",
        "version",
        "title",
        "achieved_on-day",
        "achieved_on-month",
        "achieved_on-year",
        "action_ids",
        "figure_rows",
        "figures-0-label",
        "figures-0-value",
        "figures-0-unit",
        "figures-0-as_of-day",
        "figures-0-as_of-month",
        "figures-0-as_of-year",
        "voice_rows",
        "voices-0-role",
        "voices-0-consent_on-day",
        "voices-0-consent_on-month",
        "voices-0-consent_on-year",
    ] {
        let value = edit
            .form_input(&action, name)
            .unwrap_or_else(|| panic!("the form has {name}"));
        fields.push((name.to_owned(), value));
    }
    fields.extend([
        ("achieved".to_owned(), textarea(&edit, "achieved")),
        ("meant".to_owned(), typed_meant.to_owned()),
        ("voices-0-kind".to_owned(), "quote".to_owned()),
        ("voices-0-text".to_owned(), textarea(&edit, "voices-0-text")),
        ("voices-0-age_band".to_owned(), "18-20".to_owned()),
        ("voices-0-consent_organisation_id".to_owned(), police),
    ]);
    let stale = member.post(&action, &pairs(&fields)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.has("Someone else changed this achievement while you were editing it"));
    let changed = &stale.body[stale.body.find("id=\"changed\"").unwrap()..];
    assert!(changed.contains("Safe travel scheme for students in care"));
    assert!(changed.contains(TITLE));
    assert!(changed.contains(typed_meant));
    assert_eq!(textarea(&stale, "meant"), typed_meant);
    assert_eq!(stale.input("title").as_deref(), Some(TITLE));
    assert_eq!(textarea(&stale, "voices-0-text"), FIRST_VOICE);
    let now = app.read(&admin, &path).await;
    assert_eq!(now["title"], "Safe travel scheme for students in care");
    assert_eq!(now["figures"], json!([]));
    let current = now["version"].to_string();
    assert_ne!(current, read_at);
    assert_eq!(
        stale.form_input(&action, "version").as_deref(),
        Some(current.as_str())
    );

    // Sent again, it is saved, whole.
    for (name, value) in fields.iter_mut() {
        if name == "version" {
            value.clone_from(&current);
        }
    }
    let saved = member.post(&action, &pairs(&fields)).await;
    assert_eq!(
        redirected(&saved),
        format!("/achievements/{id}?done=achievement-saved")
    );
    let now = app.read(&admin, &path).await;
    assert_eq!(now["title"], TITLE);
    assert_eq!(now["meant"], typed_meant);
    assert_eq!(now["figures"][0]["value"], 42);
    assert_eq!(now["status"], "draft");
}
