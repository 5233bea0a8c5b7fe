//! A paper as a list of blocks (headings, paragraphs, quotes, tables,
//! charts), written once and rendered as a page or a Word document, so
//! both say the same in the same order.

use serde::Serialize;
use utoipa::ToSchema;

use crate::services::indicators::IndicatorSummary;

/// One block of a paper.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A heading: 1 for a section, 2 and 3 below it.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        text: String,
    },
    /// A quote or a short story, and who said it ("care leaver, 21-24").
    Quote {
        text: String,
        by: String,
    },
    /// A table with a header row; `numeric` marks the columns of numbers.
    Table {
        caption: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        numeric: Vec<bool>,
    },
    /// An indicator's chart, described in words for those who cannot see
    /// it; a table of the same numbers follows it.
    Chart {
        id: String,
        alt: String,
        indicator: Box<IndicatorSummary>,
    },
}

/// A paper: its title, a line under it, and its blocks.
#[derive(Debug, Serialize, ToSchema)]
pub struct Document {
    pub title: String,
    pub subtitle: String,
    /// What the paper is about, for the document's properties.
    pub subject: String,
    pub blocks: Vec<Block>,
}

impl Document {
    pub fn new(title: String, subtitle: String, subject: String) -> Self {
        Document {
            title,
            subtitle,
            subject,
            blocks: Vec::new(),
        }
    }

    pub fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading {
            level,
            text: text.into(),
        });
    }

    pub fn paragraph(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph { text: text.into() });
    }

    pub fn quote(&mut self, text: impl Into<String>, by: impl Into<String>) {
        self.blocks.push(Block::Quote {
            text: text.into(),
            by: by.into(),
        });
    }

    /// A table whose columns hold text; `numbers` lists the columns that
    /// hold numbers, set right.
    pub fn table(
        &mut self,
        caption: impl Into<String>,
        header: &[&str],
        rows: Vec<Vec<String>>,
        numbers: &[usize],
    ) {
        self.blocks.push(Block::Table {
            caption: caption.into(),
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows,
            numeric: (0..header.len()).map(|i| numbers.contains(&i)).collect(),
        });
    }

    pub fn chart(&mut self, id: String, alt: String, indicator: &IndicatorSummary) {
        self.blocks.push(Block::Chart {
            id,
            alt,
            indicator: Box::new(indicator.clone()),
        });
    }
}
