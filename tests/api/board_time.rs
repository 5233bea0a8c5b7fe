//! Days are the board's days: which period an update falls in, what is
//! overdue and what a review "as at" a date includes follow the clock where
//! the board is (Europe/London), not UTC, on both sides of summer time.

use awc::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::helpers::TestApp;

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().expect("an RFC 3339 time")
}

/// The demo board with four quarters of 2027 added, its clock at `start`.
struct Board {
    app: TestApp,
    chair: String,
    police: String,
    strategy: String,
    action: String,
}

impl Board {
    async fn new(start: &str) -> Board {
        let app = TestApp::spawn_at(utc(start)).await;
        let chair = app.token("chair@example.org").await;
        let police = app.token("police@example.org").await;
        let strategy = app.demo_strategy(&chair).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        for (name, starts_on, ends_on) in [
            ("2026-27 Q4", "2027-01-01", "2027-03-31"),
            ("2027-28 Q1", "2027-04-01", "2027-06-30"),
            ("2027-28 Q2", "2027-07-01", "2027-09-30"),
            ("2027-28 Q3", "2027-10-01", "2027-12-31"),
        ] {
            let response = app
                .post(&format!("/api/v1/strategies/{strategy}/periods"))
                .bearer_auth(&chair)
                .send_json(&json!({"name": name, "starts_on": starts_on, "ends_on": ends_on}))
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::CREATED, "{name}");
        }
        // A1.1 is led by the police.
        let action = app.action(&police, "A1.1").await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        Board {
            app,
            chair,
            police,
            strategy,
            action,
        }
    }

    /// Posts a rated update on A1.1 as the police at `at`.
    async fn rate_at(&self, at: &str, rag: &str, commentary: &str) {
        self.app.set_clock(utc(at));
        let response = self
            .app
            .post(&format!("/api/v1/actions/{}/updates", self.action))
            .bearer_auth(&self.police)
            .send_json(&json!({"rag": rag, "commentary": commentary}))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "{commentary}");
    }

    /// The name of the period the update with this commentary fell in.
    async fn period_of(&self, commentary: &str) -> Value {
        let rows = self
            .app
            .rows(&format!(
                "SELECT r.name FROM progress_updates u \
                 LEFT JOIN reporting_periods r ON r.id = u.period_id \
                 WHERE u.commentary = '{commentary}'"
            ))
            .await;
        rows[0]["name"].clone()
    }

    /// A1.1's rating in the board report as at the end of `day`.
    async fn rating_as_at(&self, day: &str) -> Value {
        let report = self
            .app
            .read(
                &self.chair,
                &format!("/api/v1/strategies/{}/report?as_at={day}", self.strategy),
            )
            .await;
        assert_eq!(report["source"], "history", "as at {day}");
        report["ambitions"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["actions"].as_array().unwrap())
            .find(|a| a["reference"] == "A1.1")
            .expect("A1.1 in the report")["rag"]
            .clone()
    }

    /// Whether the police count as reported in the dashboard of `period`.
    async fn police_reported_in(&self, period: &str) -> bool {
        let periods = self
            .app
            .read(
                &self.chair,
                &format!("/api/v1/strategies/{}/periods", self.strategy),
            )
            .await;
        let id = periods
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == period)
            .expect("the period")["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let dashboard = self
            .app
            .read(
                &self.chair,
                &format!(
                    "/api/v1/strategies/{}/dashboard?period_id={id}",
                    self.strategy
                ),
            )
            .await;
        !dashboard["not_reported"]
            .as_array()
            .expect("a period is reviewed")
            .iter()
            .any(|m| m["organisation"]["name"] == "Nottinghamshire Police")
    }

    /// Adds a milestone to A1.1 due on `due`, returning its path.
    async fn milestone(&self, due: &str) -> String {
        let mut response = self
            .app
            .post(&format!("/api/v1/actions/{}/milestones", self.action))
            .bearer_auth(&self.police)
            .send_json(&json!({"title": "Quarterly custody audit", "due_date": due}))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        format!("/api/v1/milestones/{}", body["id"].as_str().unwrap())
    }

    async fn overdue_at(&self, milestone: &str, at: &str) -> bool {
        self.app.set_clock(utc(at));
        self.app.read(&self.police, milestone).await["overdue"]
            .as_bool()
            .unwrap()
    }
}

#[actix_web::test]
async fn the_first_hour_of_a_summer_time_quarter_belongs_to_it() {
    let board = Board::new("2027-03-15T12:00:00Z").await;
    // 23:30 British Summer Time on 31 March, then 00:30 on 1 April: in UTC
    // both are still 31 March.
    board
        .rate_at("2027-03-31T22:30:00Z", "amber", "Late on the last day")
        .await;
    board
        .rate_at("2027-03-31T23:30:00Z", "green", "Just after midnight")
        .await;
    assert_eq!(board.period_of("Late on the last day").await, "2026-27 Q4");
    assert_eq!(board.period_of("Just after midnight").await, "2027-28 Q1");
    assert!(
        board.police_reported_in("2027-28 Q1").await,
        "the report at 00:30 on 1 April counts in the new quarter"
    );

    board.app.set_clock(utc("2027-04-02T09:00:00Z"));
    assert_eq!(
        board.rating_as_at("2027-03-31").await,
        "amber",
        "as at 31 March: the update at 23:30 that day, not the one at 00:30 on 1 April"
    );
}

#[actix_web::test]
async fn the_first_hour_of_the_last_summer_time_quarter_belongs_to_it() {
    let board = Board::new("2027-09-15T12:00:00Z").await;
    // 23:30 and 00:30 either side of midnight on 30 September, still in
    // summer time (it ends on 31 October 2027).
    board
        .rate_at("2027-09-30T22:30:00Z", "red", "Late in September")
        .await;
    board
        .rate_at("2027-09-30T23:30:00Z", "amber", "First thing in October")
        .await;
    assert_eq!(board.period_of("Late in September").await, "2027-28 Q2");
    assert_eq!(
        board.period_of("First thing in October").await,
        "2027-28 Q3"
    );
    assert!(board.police_reported_in("2027-28 Q3").await);

    board.app.set_clock(utc("2027-10-05T09:00:00Z"));
    assert_eq!(board.rating_as_at("2027-09-30").await, "red");
    assert_eq!(board.rating_as_at("2027-10-01").await, "amber");
}

#[actix_web::test]
async fn in_winter_the_boards_day_is_utcs() {
    let board = Board::new("2027-12-15T12:00:00Z").await;
    board
        .rate_at(
            "2027-12-31T23:30:00Z",
            "amber",
            "On the last evening of the year",
        )
        .await;
    assert_eq!(
        board.period_of("On the last evening of the year").await,
        "2027-28 Q3"
    );
    board.app.set_clock(utc("2028-01-03T09:00:00Z"));
    assert_eq!(board.rating_as_at("2027-12-31").await, "amber");
}

#[actix_web::test]
async fn a_milestone_turns_overdue_at_local_midnight() {
    let board = Board::new("2027-06-01T12:00:00Z").await;
    let milestone = board.milestone("2027-06-30").await;
    assert!(
        !board.overdue_at(&milestone, "2027-06-30T22:30:00Z").await,
        "23:30 on its due day"
    );
    assert!(
        board.overdue_at(&milestone, "2027-06-30T23:30:00Z").await,
        "00:30 on the day after, though still 30 June in UTC"
    );
    let dashboard = board
        .app
        .read(
            &board.chair,
            &format!("/api/v1/strategies/{}/dashboard", board.strategy),
        )
        .await;
    assert!(
        dashboard["overdue_milestones"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["title"] == "Quarterly custody audit"),
        "the dashboard agrees: {}",
        dashboard["overdue_milestones"]
    );
}
