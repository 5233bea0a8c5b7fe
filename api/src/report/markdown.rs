//! The report as Markdown, for pasting into committee papers.

use std::fmt::Write;

use super::plain::PlainReport;
use super::{INDICATOR_HEADINGS, direction_label, indicator_cells, rag_label};
use crate::services::review::Report;

/// Escapes text so Markdown shows it as written (and renders no HTML).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

pub fn render(report: &Report) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", escape(&report.strategy.name));
    let _ = writeln!(md, "Progress report, {}.\n", super::moment(report, escape));
    let s = &report.summary;
    let _ = writeln!(md, "## Summary\n");
    let _ = writeln!(md, "| Red | Amber | Green | Blue | Not rated | Total |");
    let _ = writeln!(md, "|---|---|---|---|---|---|");
    let _ = writeln!(
        md,
        "| {} | {} | {} | {} | {} | {} |\n",
        s.red, s.amber, s.green, s.blue, s.not_rated, s.total
    );
    let _ = writeln!(md, "## Exceptions\n");
    if report.exceptions.is_empty() {
        let _ = writeln!(md, "No action is rated red or amber.\n");
    }
    for e in &report.exceptions {
        let _ = writeln!(
            md,
            "- **{} {}** ({}; {}, {}): {}",
            escape(&e.action.reference),
            escape(&e.action.title),
            rag_label(e.rag),
            escape(&e.action.lead.name),
            direction_label(e.direction).to_lowercase(),
            escape(&e.commentary)
        );
    }
    let _ = writeln!(md);
    for section in &report.ambitions {
        let _ = writeln!(
            md,
            "## Ambition {}: {}\n",
            section.ambition.number,
            escape(&section.ambition.title)
        );
        let _ = writeln!(
            md,
            "| Ref | Action | Lead | RAG | Direction | Latest commentary | Milestones done / due |"
        );
        let _ = writeln!(md, "|---|---|---|---|---|---|---|");
        for a in &section.actions {
            let commentary = if a.commentary.trim().is_empty() {
                &a.progress
            } else {
                &a.commentary
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} / {} |",
                escape(&a.reference),
                escape(&a.title),
                escape(&a.lead.name),
                rag_label(a.rag),
                direction_label(a.direction),
                escape(commentary),
                a.milestones_done,
                a.milestones_due
            );
        }
        let _ = writeln!(md);
        if !section.indicators.is_empty() {
            let _ = writeln!(md, "### How we measure it\n");
            let _ = writeln!(md, "| {} |", INDICATOR_HEADINGS.join(" | "));
            let _ = writeln!(md, "|{}", "---|".repeat(INDICATOR_HEADINGS.len()));
            for i in &section.indicators {
                let cells: Vec<String> = indicator_cells(i).iter().map(|c| escape(c)).collect();
                let _ = writeln!(md, "| {} |", cells.join(" | "));
            }
            let _ = writeln!(md);
        }
    }
    let _ = writeln!(md, "## Pledges\n");
    let _ = writeln!(
        md,
        "{} gaps in the organisation and commitment matrix.\n",
        report.pledges.gaps
    );
    for p in &report.pledge_texts {
        let _ = writeln!(
            md,
            "- **{}**, commitment {} ({}): {}",
            escape(&p.organisation.name),
            p.commitment,
            rag_label(p.rag),
            escape(&p.text)
        );
    }
    md
}

pub fn render_plain(report: &PlainReport) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", escape(&report.title));
    let _ = writeln!(
        md,
        "How we are doing, {}.\n",
        report.day.format("%-d %B %Y")
    );
    for ambition in &report.ambitions {
        let _ = writeln!(md, "## {}\n", escape(&ambition.ambition));
        if !ambition.how_we_know.is_empty() {
            let _ = writeln!(md, "**How we know:**\n");
            for line in &ambition.how_we_know {
                let _ = writeln!(md, "- {}", escape(line));
            }
            let _ = writeln!(md);
        }
        for p in &ambition.promises {
            let _ = writeln!(
                md,
                "**What we said we would do:** {}\n",
                escape(&p.what_we_said_we_would_do)
            );
            let _ = writeln!(md, "**How it is going:** {}\n", escape(&p.how_it_is_going));
            let _ = writeln!(
                md,
                "**What happens next:** {}\n",
                escape(&p.what_happens_next)
            );
            let _ = writeln!(md, "**Who is leading this:** {}\n", escape(&p.who));
            let _ = writeln!(md, "---\n");
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_shown_as_written() {
        assert_eq!(
            escape("<script>a|b</script>"),
            "&lt;script&gt;a\\|b&lt;/script&gt;"
        );
        assert_eq!(escape("line\nbreak"), "line break");
    }
}
