//! The report as Markdown, for pasting into committee papers. The documents
//! are the templates `report/board.md` and `report/young_people.md`; every
//! value in them is escaped by `Markdown`, which `askama.toml` names as the
//! escaper of `md` templates.

use std::fmt::{self, Write};

use askama::Template;
use askama::filters::Escaper;

use super::plain::PlainReport;
use crate::services::review::Report;

/// Escapes text so Markdown shows it as written and renders no HTML: a
/// backslash before each character Markdown could read as markup
/// (CommonMark allows one before any ASCII punctuation), `&` escaped only
/// where it could start an entity reference, line breaks folded to spaces.
#[derive(Debug, Clone, Copy, Default)]
pub struct Markdown;

impl Escaper for Markdown {
    fn write_escaped_str<W: Write>(&self, mut dest: W, text: &str) -> fmt::Result {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '!' | '<' | '>' => {
                    dest.write_char('\\')?;
                    dest.write_char(c)?;
                }
                // "&amp;" or "&#39;" would be read as a character; "Health &
                // Care" reads as written without a backslash.
                '&' if chars
                    .peek()
                    .is_some_and(|next| next.is_ascii_alphanumeric() || *next == '#') =>
                {
                    dest.write_str("\\&")?;
                }
                '\n' | '\r' => dest.write_char(' ')?,
                _ => dest.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// The board report.
#[derive(Template)]
#[template(path = "report/board.md")]
struct BoardDocument<'a> {
    report: &'a Report,
    moment: String,
}

/// The report for children and young people.
#[derive(Template)]
#[template(path = "report/young_people.md")]
struct YoungPeopleDocument<'a> {
    report: &'a PlainReport,
    day: String,
}

/// The board report in Markdown.
pub fn render(report: &Report) -> askama::Result<String> {
    BoardDocument {
        report,
        moment: super::labels::moment(report),
    }
    .render()
}

/// The report for children and young people in Markdown.
pub fn render_plain(report: &PlainReport) -> askama::Result<String> {
    YoungPeopleDocument {
        report,
        day: super::labels::long_date(report.day),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{fixture, plain};

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        Markdown.write_escaped_str(&mut out, text).unwrap();
        out
    }

    #[test]
    fn markup_is_shown_as_written() {
        assert_eq!(
            escaped("<script>a|b</script>"),
            r"\<script\>a\|b\</script\>"
        );
        assert_eq!(
            escaped(r"*a* _b_ `c` [d] #e !f \g"),
            r"\*a\* \_b\_ \`c\` \[d\] \#e \!f \\g"
        );
        assert_eq!(escaped("line\nbreak\r\nend"), "line break  end");
    }

    #[test]
    fn ampersands_are_escaped_only_where_they_could_start_an_entity() {
        assert_eq!(escaped("Health & Care"), "Health & Care");
        assert_eq!(escaped("A&B &amp; &#39; &1"), r"A\&B \&amp; \&\#39; \&1");
        assert_eq!(escaped("trailing &"), "trailing &");
    }

    #[test]
    fn headings_read_as_written() {
        let report = fixture::report("Children & Families <Board>", "Health & Care <Team>");
        let board = render(&report).unwrap();
        assert!(
            board.starts_with("# Children & Families \\<Board\\>\n\n"),
            "{board}"
        );
        assert!(board.contains("## Ambition 1: Health & Care \\<Team\\>\n"));
        let young = render_plain(&plain::plain(&report)).unwrap();
        assert!(young.starts_with("# Children & Families \\<Board\\>\n\n"));
        assert!(young.contains("## Health & Care \\<Team\\>\n"));
        for document in [board, young] {
            assert!(!document.contains("&amp;") && !document.contains("&lt;"));
            assert!(!document.contains("<Board>") && !document.contains("<Team>"));
        }
    }

    #[test]
    fn tables_keep_their_shape() {
        let board = render(&fixture::report("Board", "a | b\nc")).unwrap();
        assert!(
            board.contains("| A1.1 | a \\| b c | a \\| b c | Red | Worse | a \\| b c | 1 / 2 |\n"),
            "{board}"
        );
        assert!(board.contains("| Indicator | Owner | Baseline |"));
        assert!(board.contains("|---|---|---|---|---|---|---|---|\n"));
    }
}
