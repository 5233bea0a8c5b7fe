//! What every page's frame shows (who is signed in, the navigation, a
//! success banner) and how values are written for people.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::assets;
use crate::domain::{Rag, Role};

/// Where a page sits in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Dashboard,
    Plan,
    Pledges,
    Priorities,
    Achievements,
    Reports,
    Admin,
    Account,
    None,
}

/// One entry of the service navigation.
#[derive(Debug, Clone, Copy)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub section: Section,
}

/// The frame of a page: the header's navigation for a signed-in user, the
/// form token that the sign-out button carries, and a banner after a
/// change succeeded.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub user: Option<String>,
    /// The signed-in user's role, which decides the navigation's entries
    /// (only as a signpost: every page checks its own permission).
    pub role: Option<Role>,
    /// Whether the user belongs to an organisation, which has a home page.
    pub has_organisation: bool,
    pub csrf_token: String,
    pub section: Section,
    pub banner: Option<&'static str>,
}

impl Chrome {
    /// For pages shown to anyone (sign-in, errors).
    pub fn anonymous() -> Chrome {
        Chrome {
            user: None,
            role: None,
            has_organisation: false,
            csrf_token: String::new(),
            section: Section::None,
            banner: None,
        }
    }

    pub fn asset(&self, path: &str) -> String {
        assets::url(path)
    }

    pub fn is(&self, section: &Section) -> bool {
        self.section == *section
    }

    /// The navigation's entries for this user.
    pub fn navigation(&self) -> Vec<NavItem> {
        let item = |href, label, section| NavItem {
            href,
            label,
            section,
        };
        let mut items = Vec::with_capacity(9);
        if self.has_organisation {
            items.push(item("/", "Your organisation", Section::Home));
        }
        items.push(item("/dashboard", "Dashboard", Section::Dashboard));
        items.push(item("/plan", "The plan", Section::Plan));
        items.push(item("/pledges", "Pledges", Section::Pledges));
        items.push(item(
            "/priorities",
            "Young people's priorities",
            Section::Priorities,
        ));
        items.push(item("/achievements", "Achievements", Section::Achievements));
        items.push(item("/reports", "Reports", Section::Reports));
        if self.role == Some(Role::Admin) {
            items.push(item("/admin", "Administration", Section::Admin));
        }
        items.push(item(
            "/account/password",
            "Change password",
            Section::Account,
        ));
        items
    }
}

/// The GOV.UK tag colour for a rating; the tag's word says it too.
pub fn rag_class(rag: &Rag) -> &'static str {
    match rag {
        Rag::Red => "govuk-tag--red",
        Rag::Amber => "govuk-tag--orange",
        Rag::Green => "govuk-tag--green",
        Rag::Blue => "govuk-tag--blue",
        Rag::NotRated => "govuk-tag--grey",
    }
}

/// "31 March 2025".
pub fn date(day: &NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// "31 March 2025 at 2:05pm", in the board's time zone.
pub fn moment(at: &DateTime<Utc>, zone: &Tz) -> String {
    let local = at.with_timezone(zone);
    let time = local.format("%-I:%M%P").to_string();
    format!("{} at {time}", local.format("%-d %B %Y"))
}

/// "Not yet" for a missing date.
pub fn maybe_date(day: &Option<NaiveDate>) -> String {
    day.as_ref().map_or_else(|| "Not set".to_owned(), date)
}

/// "3 days" / "1 day".
pub fn days(n: &i64) -> String {
    if n.abs() == 1 {
        format!("{n} day")
    } else {
        format!("{n} days")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn moments_are_in_the_board_time_zone() {
        let at = Utc.with_ymd_and_hms(2025, 6, 30, 23, 30, 0).unwrap();
        assert_eq!(
            moment(&at, &chrono_tz::Europe::London),
            "1 July 2025 at 12:30am"
        );
        assert_eq!(date(&at.date_naive()), "30 June 2025");
        assert_eq!(days(&1), "1 day");
        assert_eq!(days(&-14), "-14 days");
    }

    #[test]
    fn every_rating_has_its_own_colour() {
        let mut classes: Vec<_> = Rag::ALL.iter().map(rag_class).collect();
        classes.sort();
        classes.dedup();
        assert_eq!(classes.len(), Rag::ALL.len());
    }
}
