//! The paper as a Word document, as committee papers are: A4, the title in
//! the Title style and the sections in Heading 1 to Heading 3 (so a reader
//! can navigate it and a screen reader announce it), tables whose header
//! row repeats on every page, and each chart a picture with alternative
//! text. The document's properties carry its title and subject.
//!
//! `docx-rs` writes neither a picture's alternative text nor a header row
//! nor the title property, so those are set in the XML it builds before it
//! is packed.

use std::io::Cursor;

use chrono::{DateTime, SecondsFormat, Utc};
use docx_rs::{
    AlignmentType, Docx, PageMargin, Paragraph, Pic, Run, RunFonts, Shading, Style, StyleType,
    Table, TableCell, TableRow, WidthType,
};

use super::document::{Block, Document};
use super::png;
use crate::error::AppError;

/// A4 and its margins, in twentieths of a point.
const A4: (u32, u32) = (11_906, 16_838);
const MARGIN: i32 = 1_134;
/// The width the text runs to, in twentieths of a point (A4 less margins).
const TEXT_WIDTH: usize = 9_638;
/// A chart's size on the page, in EMU (16 cm by 8 cm).
const CHART_EMU: (u32, u32) = (5_760_000, 2_880_000);

fn styles(docx: Docx) -> Docx {
    let heading = |id: &str, name: &str, size: usize, level: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .size(size)
            .bold()
            .outline_lvl(level)
            .q_format(true)
    };
    docx.add_style(
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .based_on("Normal")
            .size(44)
            .bold()
            .q_format(true),
    )
    .add_style(heading("Heading1", "Heading 1", 32, 0))
    .add_style(heading("Heading2", "Heading 2", 28, 1))
    .add_style(heading("Heading3", "Heading 3", 24, 2))
    .add_style(
        Style::new("Quote", StyleType::Paragraph)
            .name("Quote")
            .based_on("Normal")
            .italic()
            .indent(Some(567), None, None, None)
            .q_format(true),
    )
    .add_style(
        Style::new("Caption", StyleType::Paragraph)
            .name("Caption")
            .based_on("Normal")
            .bold()
            .size(20),
    )
}

fn text(style: &str, text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(text))
        .style(style)
}

fn cell(text: &str, header: bool, number: bool) -> TableCell {
    let mut run = Run::new().add_text(text);
    if header {
        run = run.bold();
    }
    let mut paragraph = Paragraph::new().add_run(run);
    if number {
        paragraph = paragraph.align(AlignmentType::Right);
    }
    let cell = TableCell::new().add_paragraph(paragraph);
    if header {
        cell.shading(Shading::new().fill("EEEEEE"))
    } else {
        cell
    }
}

fn table(header: &[String], rows: &[Vec<String>], numeric: &[bool]) -> Table {
    let number = |i: usize| numeric.get(i).copied().unwrap_or(false);
    let mut all = vec![TableRow::new(
        header
            .iter()
            .enumerate()
            .map(|(i, h)| cell(h, true, number(i)))
            .collect(),
    )];
    all.extend(rows.iter().map(|row| {
        TableRow::new(
            row.iter()
                .enumerate()
                .map(|(i, c)| cell(c, false, number(i)))
                .collect(),
        )
        .cant_split()
    }));
    Table::new(all).width(TEXT_WIDTH, WidthType::Dxa)
}

/// The document's body, block by block; the alternative texts of its
/// pictures, in order.
fn body(mut docx: Docx, doc: &Document) -> Result<(Docx, Vec<String>), AppError> {
    let mut alts = Vec::new();
    docx = docx
        .add_paragraph(text("Title", &doc.title))
        .add_paragraph(text("Normal", &doc.subtitle));
    for block in &doc.blocks {
        docx = match block {
            Block::Heading { level, text: words } => {
                docx.add_paragraph(text(&format!("Heading{}", level.clamp(&1, &3)), words))
            }
            Block::Paragraph { text: words } => docx.add_paragraph(text("Normal", words)),
            Block::Quote { text: words, by } => docx
                .add_paragraph(text("Quote", &format!("\u{201c}{words}\u{201d}")))
                .add_paragraph(text("Quote", &format!("\u{2014} {by}"))),
            Block::Table {
                caption,
                header,
                rows,
                numeric,
            } => docx
                .add_paragraph(text("Caption", caption))
                .add_table(table(header, rows, numeric)),
            Block::Chart { alt, indicator, .. } => {
                let picture = Pic::new_with_dimensions(
                    png::indicator_chart(indicator)?,
                    png::WIDTH,
                    png::HEIGHT,
                )
                .size(CHART_EMU.0, CHART_EMU.1);
                alts.push(alt.clone());
                docx.add_paragraph(Paragraph::new().add_run(Run::new().add_image(picture)))
            }
        };
    }
    Ok((docx, alts))
}

/// The paper as the bytes of a `.docx` file; `at` is the moment it
/// describes, its creation date.
pub fn render(doc: &Document, at: DateTime<Utc>) -> Result<Vec<u8>, AppError> {
    let stamp = at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let docx = styles(
        Docx::new()
            .page_size(A4.0, A4.1)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN)
                    .bottom(MARGIN)
                    .left(MARGIN)
                    .right(MARGIN),
            )
            .default_fonts(RunFonts::new().ascii("Arial").hi_ansi("Arial").cs("Arial"))
            .default_size(22)
            .created_at(&stamp),
    );
    let (mut docx, alts) = body(docx, doc)?;
    docx.doc_props = docx.doc_props.updated_at(&stamp);
    let mut xml = docx.build();
    xml.document = finish_document(&xml.document, &alts)?;
    xml.doc_props.core = finish_properties(&xml.doc_props.core, doc)?;
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(AppError::internal)?;
    Ok(out.into_inner())
}

/// Text as XML attribute or element content.
fn xml_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn utf8(bytes: &[u8]) -> Result<&str, AppError> {
    std::str::from_utf8(bytes).map_err(AppError::internal)
}

/// Gives each picture its own id and its alternative text, and marks the
/// first row of each table as its header row.
fn finish_document(xml: &[u8], alts: &[String]) -> Result<Vec<u8>, AppError> {
    let xml = utf8(xml)?;
    let mut out = String::with_capacity(xml.len() + alts.len() * 200);
    let mut rest = xml;
    let mut alts = alts.iter().enumerate();
    while let Some(at) = rest.find("<wp:docPr ") {
        let end = rest[at..]
            .find("/>")
            .ok_or_else(|| AppError::internal("a picture's properties are not closed"))?;
        let (n, alt) = alts
            .next()
            .ok_or_else(|| AppError::internal("more pictures than descriptions"))?;
        out.push_str(&rest[..at]);
        out.push_str(&format!(
            "<wp:docPr id=\"{}\" name=\"Chart {}\" descr=\"{}\" />",
            n + 1,
            n + 1,
            xml_attribute(alt)
        ));
        rest = &rest[at + end + 2..];
    }
    out.push_str(rest);
    let mut marked = String::with_capacity(out.len() + 1024);
    let mut rest = out.as_str();
    while let Some(at) = rest.find("<w:tbl>") {
        let (before, table) = rest.split_at(at);
        marked.push_str(before);
        let Some(row) = table.find("<w:trPr") else {
            rest = table;
            break;
        };
        marked.push_str(&table[..row]);
        let after = &table[row..];
        if let Some(tail) = after.strip_prefix("<w:trPr />") {
            marked.push_str("<w:trPr><w:tblHeader /></w:trPr>");
            rest = tail;
        } else {
            let open = after.find('>').map_or(after.len(), |i| i + 1);
            marked.push_str(&after[..open]);
            marked.push_str("<w:tblHeader />");
            rest = &after[open..];
        }
    }
    marked.push_str(rest);
    Ok(marked.into_bytes())
}

/// Names the document: its title, subject and author.
fn finish_properties(xml: &[u8], doc: &Document) -> Result<Vec<u8>, AppError> {
    let xml = utf8(xml)?;
    let named = format!(
        "<dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:language>en-GB</dc:language></cp:coreProperties>",
        xml_attribute(&doc.title),
        xml_attribute(&doc.subject)
    );
    Ok(xml
        .replace(
            "<dc:creator>unknown</dc:creator>",
            "<dc:creator>Delivery Plan Tracker</dc:creator>",
        )
        .replace(
            "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
            "<cp:lastModifiedBy>Delivery Plan Tracker</cp:lastModifiedBy>",
        )
        .replace("</cp:coreProperties>", &named)
        .into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(doc: &Document) -> (String, String) {
        let (docx, alts) = body(styles(Docx::new()), doc).unwrap();
        let xml = docx.build();
        let document = finish_document(&xml.document, &alts).unwrap();
        let core = finish_properties(&xml.doc_props.core, doc).unwrap();
        (
            String::from_utf8(document).unwrap(),
            String::from_utf8(core).unwrap(),
        )
    }

    fn paper() -> Document {
        let mut doc = Document::new(
            "Annual report & \"more\"".into(),
            "As at 31 December 2024.".into(),
            "The board's work".into(),
        );
        doc.heading(1, "Summary");
        doc.table(
            "First",
            &["Rating", "Actions"],
            vec![vec!["Red".into(), "1".into()]],
            &[1],
        );
        doc.table(
            "Second",
            &["A", "B"],
            vec![vec!["a".into(), "b".into()]],
            &[],
        );
        doc
    }

    #[test]
    fn every_table_marks_its_first_row_as_the_header_row() {
        let (document, _) = built(&paper());
        assert_eq!(document.matches("<w:tbl>").count(), 2);
        assert_eq!(document.matches("<w:tblHeader />").count(), 2);
        for table in document.split("<w:tbl>").skip(1) {
            let header = table.find("<w:tblHeader />").unwrap();
            let second_row = table.match_indices("<w:tr>").nth(1).unwrap().0;
            assert!(header < second_row, "in the first row");
        }
        assert!(document.contains("w:val=\"Heading1\""));
        assert!(document.contains("w:val=\"Title\""));
    }

    #[test]
    fn the_properties_name_the_paper() {
        let (_, core) = built(&paper());
        assert!(core.contains("<dc:title>Annual report &amp; &quot;more&quot;</dc:title>"));
        assert!(core.contains("<dc:subject>The board&apos;s work</dc:subject>"));
        assert!(core.ends_with("</cp:coreProperties>"));
    }

    #[test]
    fn each_picture_gets_its_own_id_and_its_description() {
        let xml =
            "<w:p><wp:docPr id=\"1\" name=\"Figure\" /></w:p><wp:docPr id=\"1\" name=\"Figure\" />";
        let alts = ["One <chart>".to_owned(), "Two".to_owned()];
        let done = String::from_utf8(finish_document(xml.as_bytes(), &alts).unwrap()).unwrap();
        assert_eq!(
            done,
            "<w:p><wp:docPr id=\"1\" name=\"Chart 1\" descr=\"One &lt;chart&gt;\" /></w:p>\
             <wp:docPr id=\"2\" name=\"Chart 2\" descr=\"Two\" />"
        );
        assert!(finish_document(xml.as_bytes(), &alts[..1]).is_err());
    }
}
