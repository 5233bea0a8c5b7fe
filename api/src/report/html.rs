//! The report as one self-contained printable HTML page: no scripts, no
//! external files, RAG shown by colour and by word, every value escaped.
//! The pages are the templates `report/board.html` and
//! `report/young_people.html`, on the layout `report/page.html`.

use askama::Template;

use super::plain::PlainReport;
use crate::services::review::Report;

/// The board's page.
#[derive(Template)]
#[template(path = "report/board.html")]
struct BoardPage<'a> {
    report: &'a Report,
    moment: String,
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
        moment: super::moment(report),
    }
    .render()
}

/// The report for children and young people as an HTML page.
pub fn render_plain(report: &PlainReport) -> askama::Result<String> {
    YoungPeoplePage {
        report,
        day: super::long_date(report.day),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{fixture, plain};

    const SCRIPT: &str = "<script>alert('x') & \"y\"</script>";
    const ESCAPED: &str = "&#60;script&#62;alert(&#39;x&#39;) &#38; &#34;y&#34;&#60;/script&#62;";

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
        assert!(page.contains("<th><span class=\"rag red\">Red</span></th>"));
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
            for outside in ["<script", "src=", "href=", "<link", "@import", "url("] {
                assert!(!page.contains(outside), "{outside}");
            }
        }
    }
}
