//! The report as one self-contained printable HTML page: no scripts, no
//! external files, RAG shown by colour and by word, every value escaped.
//! The pages are the templates `report/board.html` and
//! `report/young_people.html`, on the layout `report/page.html`.

use askama::Template;

use super::charts::{self, Breakdown, Line, Svg};
use super::plain::PlainReport;
use crate::services::indicators::IndicatorSummary;
use crate::services::review::Report;

/// The board's page.
#[derive(Template)]
#[template(path = "report/board.html")]
struct BoardPage<'a> {
    report: &'a Report,
    moment: String,
    breakdowns: Vec<Breakdown>,
}

impl BoardPage<'_> {
    fn indicator_chart(&self, ambition: &i32, index: &usize, indicator: &IndicatorSummary) -> Svg {
        charts::of_indicator(&format!("indicator-{ambition}-{index}"), indicator)
    }

    /// What every printed page's header says, as a CSS string.
    fn running_header(&self) -> String {
        let mut title = self.report.strategy.name.clone();
        if let Some(o) = &self.report.organisation {
            title = format!("{title}: {}", o.name);
        }
        css_string(&title)
    }

    fn running_moment(&self) -> String {
        css_string(&format!("Progress report, {}", self.moment))
    }
}

/// The charts of the report: all actions, then each ambition's actions
/// (each action under its first ambition, as the sections list them).
fn breakdowns(report: &Report) -> Vec<Breakdown> {
    let totals = vec![Line {
        short: "All actions".into(),
        name: "All actions".into(),
        href: None,
        counts: report.summary.clone(),
    }];
    let ambitions = report
        .ambitions
        .iter()
        .map(|s| Line {
            short: format!("Ambition {}", s.ambition.number),
            name: format!("Ambition {}: {}", s.ambition.number, s.ambition.title),
            href: None,
            counts: s.summary.clone(),
        })
        .collect();
    vec![
        Breakdown::new("totals", "All actions by rating", "Actions", totals),
        Breakdown::new(
            "by-ambition",
            "Ratings by ambition (each action under its first ambition)",
            "Ambition",
            ambitions,
        ),
    ]
}

/// Text as a quoted CSS string that cannot end the string, the rule or the
/// style element early.
pub(crate) fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' | '<' | '>' | '&' => out.push_str(&format!("\\{:x} ", c as u32)),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The page for children and young people.
#[derive(Template)]
#[template(path = "report/young_people.html")]
struct YoungPeoplePage<'a> {
    report: &'a PlainReport,
    day: String,
}

/// The board report as an HTML page.
pub fn render(report: &Report) -> askama::Result<String> {
    BoardPage {
        report,
        moment: super::labels::moment(report),
        breakdowns: breakdowns(report),
    }
    .render()
}

/// The report for children and young people as an HTML page.
pub fn render_plain(report: &PlainReport) -> askama::Result<String> {
    YoungPeoplePage {
        report,
        day: super::labels::long_date(report.day),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{fixture, plain};

    const SCRIPT: &str = "<script>alert('x') & \"y\"</script>";
    const ESCAPED: &str = "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;";

    #[test]
    fn everything_is_escaped() {
        let report = fixture::report(SCRIPT, SCRIPT);
        for page in [
            render(&report).unwrap(),
            render_plain(&plain::plain(&report)).unwrap(),
        ] {
            assert!(!page.contains("<script"), "{page}");
            assert!(page.contains(&format!("<title>{ESCAPED}</title>")));
            assert!(page.contains(&format!("<h1>{ESCAPED}</h1>")));
        }
        let board = render(&report).unwrap();
        assert!(
            board.contains(&format!("<td>{ESCAPED}</td>")),
            "table cells"
        );
        assert!(board.contains(&format!("<h2>Ambition 1: {ESCAPED}</h2>")));
    }

    #[test]
    fn ratings_carry_a_word_as_well_as_a_colour() {
        let page = render(&fixture::report("Board", "text")).unwrap();
        assert!(page.contains("<th class=\"number\"><span class=\"rag red\">Red</span></th>"));
        assert!(page.contains("<td><span class=\"rag red\">Red</span></td>"));
        assert!(page.contains("<td><span class=\"rag not_rated\">Not rated</span></td>"));
        assert!(page.contains("<td>No pledge</td>"));
        assert!(!page.contains("&#60;span"), "the badge is markup, not text");
    }

    #[test]
    fn pages_are_self_contained() {
        let report = fixture::report("Board", "text");
        for page in [
            render(&report).unwrap(),
            render_plain(&plain::plain(&report)).unwrap(),
        ] {
            assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
            assert!(page.contains("<style>") && page.trim_end().ends_with("</body>\n</html>"));
            for outside in ["<script", "src=", "href=", "<link", "@import"] {
                assert!(!page.contains(outside), "{outside}");
            }
            // The charts fill with patterns defined in the page itself.
            for (at, _) in page.match_indices("url(") {
                assert!(page[at..].starts_with("url(#"), "{}", &page[at..at + 40]);
            }
        }
    }

    #[test]
    fn the_board_page_draws_its_counts_and_the_table_of_them() {
        let report = fixture::report("Board", "text");
        let page = render(&report).unwrap();
        for id in ["totals", "by-ambition"] {
            assert!(page.contains(&format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"app-chart\" id=\"{id}\""
            )));
            assert!(page.contains(&format!("<table id=\"{id}-table\">")));
        }
        let s = &report.summary;
        assert!(page.contains(&format!(
            "data-red=\"{}\" data-amber=\"{}\" data-green=\"{}\" data-blue=\"{}\" data-not-rated=\"{}\" data-total=\"{}\"",
            s.red, s.amber, s.green, s.blue, s.not_rated, s.total
        )));
    }

    #[test]
    fn running_headers_cannot_break_out_of_their_string() {
        assert_eq!(css_string("Board"), "\"Board\"");
        assert_eq!(
            css_string("a\"b\\c</style>"),
            "\"a\\22 b\\5c c\\3c /style\\3e \""
        );
        assert_eq!(css_string("line\nbreak"), "\"line break\"");
    }
}
