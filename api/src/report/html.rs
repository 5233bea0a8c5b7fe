//! The report as one self-contained printable HTML page: no scripts, no
//! external files, RAG shown by colour and by word, every value escaped.
//! The pages are the templates `report/board.html` and
//! `report/young_people.html`, on the layout `report/page.html`.

use std::fmt::{self, Write};

use askama::Template;
use askama::filters::Escaper;

use super::plain::PlainReport;
use crate::services::review::Report;

/// Escapes text for HTML with the named entities people recognise in the
/// page's source (`&amp;`, `&lt;`, `&gt;`, `&quot;`) and `&#39;` for the
/// apostrophe, which has no name in HTML 4. `askama.toml` names it as the
/// escaper of `html` templates.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

impl Escaper for Html {
    fn write_escaped_str<W: Write>(&self, mut dest: W, text: &str) -> fmt::Result {
        for c in text.chars() {
            match c {
                '&' => dest.write_str("&amp;")?,
                '<' => dest.write_str("&lt;")?,
                '>' => dest.write_str("&gt;")?,
                '"' => dest.write_str("&quot;")?,
                '\'' => dest.write_str("&#39;")?,
                _ => dest.write_char(c)?,
            }
        }
        Ok(())
    }
}

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
        moment: super::labels::moment(report),
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
