//! The report as one self-contained printable HTML page: no scripts, no
//! external files, RAG shown by colour and by word, every value escaped.

use std::fmt::Write;

use super::plain::PlainReport;
use super::{INDICATOR_HEADINGS, direction_label, indicator_cells, rag_label};
use crate::domain::Rag;
use crate::services::review::Report;

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const BASE_STYLE: &str = "
body { font-family: Arial, Helvetica, sans-serif; margin: 2em; color: #111; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 2px solid #333; }
table { border-collapse: collapse; width: 100%; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #999; padding: 0.35em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
@media print { body { margin: 0; } h2 { page-break-after: avoid; } tr { page-break-inside: avoid; } }
";

const RAG_STYLE: &str = "
.rag { display: inline-block; min-width: 5.5em; padding: 0.1em 0.4em; border: 1px solid #333; font-weight: bold; text-align: center; }
.red { background: #d4351c; color: #fff; } .amber { background: #f47738; color: #000; }
.green { background: #00703c; color: #fff; } .blue { background: #1d70b8; color: #fff; }
.not_rated { background: #fff; color: #000; border-style: dashed; }
";

const PLAIN_STYLE: &str = "
.promise { border-left: 4px solid #1d70b8; padding-left: 1em; margin: 1em 0; }
";

fn badge(rag: Rag) -> String {
    format!(
        "<span class=\"rag {}\">{}</span>",
        rag.as_str(),
        rag_label(rag)
    )
}

fn page(title: &str, style: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{BASE_STYLE}{style}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

pub fn render(report: &Report) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", escape(&report.strategy.name));
    let _ = writeln!(
        body,
        "<p>Progress report, {}.</p>",
        super::moment(report, escape)
    );
    let s = &report.summary;
    let _ = writeln!(body, "<h2>Summary</h2>");
    let _ = writeln!(
        body,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>Total</th></tr>\
         <tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></table>",
        badge(Rag::Red),
        badge(Rag::Amber),
        badge(Rag::Green),
        badge(Rag::Blue),
        badge(Rag::NotRated),
        s.red,
        s.amber,
        s.green,
        s.blue,
        s.not_rated,
        s.total
    );
    let _ = writeln!(body, "<h2>Exceptions</h2>");
    if report.exceptions.is_empty() {
        let _ = writeln!(body, "<p>No action is rated red or amber.</p>");
    } else {
        let _ = writeln!(
            body,
            "<table><tr><th>Ref</th><th>Action</th><th>Lead</th><th>RAG</th><th>Direction</th><th>Red periods in a row</th><th>Commentary</th></tr>"
        );
        for e in &report.exceptions {
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&e.action.reference),
                escape(&e.action.title),
                escape(&e.action.lead.name),
                badge(e.rag),
                direction_label(e.direction),
                e.red_periods_in_a_row,
                escape(&e.commentary)
            );
        }
        let _ = writeln!(body, "</table>");
    }
    for section in &report.ambitions {
        let _ = writeln!(
            body,
            "<h2>Ambition {}: {}</h2>",
            section.ambition.number,
            escape(&section.ambition.title)
        );
        let _ = writeln!(
            body,
            "<table><tr><th>Ref</th><th>Action</th><th>Lead</th><th>RAG</th><th>Direction</th><th>Latest commentary</th><th>Next steps</th><th>Milestones done / due</th></tr>"
        );
        for a in &section.actions {
            let commentary = if a.commentary.trim().is_empty() {
                &a.progress
            } else {
                &a.commentary
            };
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} / {}</td></tr>",
                escape(&a.reference),
                escape(&a.title),
                escape(&a.lead.name),
                badge(a.rag),
                direction_label(a.direction),
                escape(commentary),
                escape(&a.next_steps),
                a.milestones_done,
                a.milestones_due
            );
        }
        let _ = writeln!(body, "</table>");
        if !section.indicators.is_empty() {
            let _ = writeln!(body, "<h3>How we measure it</h3>");
            let _ = write!(body, "<table><tr>");
            for heading in INDICATOR_HEADINGS {
                let _ = write!(body, "<th>{heading}</th>");
            }
            let _ = writeln!(body, "</tr>");
            for i in &section.indicators {
                let _ = write!(body, "<tr>");
                for cell in indicator_cells(i) {
                    let _ = write!(body, "<td>{}</td>", escape(&cell));
                }
                let _ = writeln!(body, "</tr>");
            }
            let _ = writeln!(body, "</table>");
        }
    }
    let _ = writeln!(body, "<h2>Pledges</h2>");
    let _ = write!(body, "<table><tr><th>Organisation</th>");
    for c in &report.pledges.commitments {
        let _ = write!(body, "<th>Commitment {}</th>", c.number);
    }
    let _ = writeln!(body, "</tr>");
    for row in &report.pledges.rows {
        let _ = write!(body, "<tr><td>{}</td>", escape(&row.organisation.name));
        for cell in &row.cells {
            match cell {
                Some(rag) => {
                    let _ = write!(body, "<td>{}</td>", badge(*rag));
                }
                None => {
                    let _ = write!(body, "<td>No pledge</td>");
                }
            }
        }
        let _ = writeln!(body, "</tr>");
    }
    let _ = writeln!(body, "</table>");
    let _ = writeln!(body, "<p>{} gaps in the matrix.</p>", report.pledges.gaps);
    page(&report.strategy.name, RAG_STYLE, &body)
}

pub fn render_plain(report: &PlainReport) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", escape(&report.title));
    let _ = writeln!(
        body,
        "<p>How we are doing, {}.</p>",
        report.day.format("%-d %B %Y")
    );
    for ambition in &report.ambitions {
        let _ = writeln!(body, "<h2>{}</h2>", escape(&ambition.ambition));
        if !ambition.how_we_know.is_empty() {
            let _ = write!(body, "<p><strong>How we know:</strong></p><ul>");
            for line in &ambition.how_we_know {
                let _ = write!(body, "<li>{}</li>", escape(line));
            }
            let _ = writeln!(body, "</ul>");
        }
        for p in &ambition.promises {
            let _ = writeln!(
                body,
                "<div class=\"promise\"><p><strong>What we said we would do:</strong> {}</p>\
                 <p><strong>How it is going:</strong> {}</p>\
                 <p><strong>What happens next:</strong> {}</p>\
                 <p><strong>Who is leading this:</strong> {}</p></div>",
                escape(&p.what_we_said_we_would_do),
                escape(&p.how_it_is_going),
                escape(&p.what_happens_next),
                escape(&p.who)
            );
        }
    }
    page(&report.title, PLAIN_STYLE, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_is_escaped() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }

    #[test]
    fn ratings_carry_a_word_as_well_as_a_colour() {
        assert_eq!(badge(Rag::Red), "<span class=\"rag red\">Red</span>");
        assert!(badge(Rag::NotRated).contains("Not rated"));
    }
}
