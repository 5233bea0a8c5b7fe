//! The words of a notice, rendered as plain text and as HTML from the
//! templates under api/templates/mail/ (the HTML escaped).

use askama::Template;

use crate::domain::mail::MailLinks;
use crate::error::AppError;

/// One line of a notice's list: an action, a milestone.
#[derive(Debug, Clone)]
pub struct Item {
    /// What it is ("A1.3 Reduce placement moves").
    pub(crate) label: String,
    /// More about it ("red", "due 3 March"); may be empty.
    pub(crate) detail: String,
    /// The path of its page.
    pub(crate) path: String,
}

/// A notice before it is addressed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Notice {
    pub(crate) subject: String,
    /// Opening paragraphs.
    pub(crate) intro: Vec<String>,
    /// Someone's own words, quoted.
    pub(crate) quote: Option<String>,
    /// Headed lists of items.
    pub(crate) sections: Vec<(String, Vec<Item>)>,
    /// The page to open: its label and path.
    pub(crate) action: Option<(String, String)>,
    /// Why the recipient receives it.
    pub(crate) why: String,
}

struct Link {
    label: String,
    detail: String,
    url: String,
}

struct Section {
    heading: String,
    items: Vec<Link>,
}

#[derive(Template)]
#[template(path = "mail/notice.txt")]
struct Text<'a> {
    m: &'a Addressed<'a>,
}

#[derive(Template)]
#[template(path = "mail/notice.html")]
struct Html<'a> {
    m: &'a Addressed<'a>,
}

struct Addressed<'a> {
    name: &'a str,
    subject: &'a str,
    intro: &'a [String],
    quote: Option<&'a str>,
    sections: Vec<Section>,
    action: Option<Link>,
    why: &'a str,
    unsubscribe: &'a str,
    preferences: String,
}

impl Notice {
    /// The plain-text and HTML bodies of the notice to `name`.
    pub(crate) fn render(
        &self,
        links: &MailLinks,
        name: &str,
        unsubscribe: &str,
    ) -> Result<(String, String), AppError> {
        let link = |label: &str, detail: &str, path: &str| Link {
            label: label.to_owned(),
            detail: detail.to_owned(),
            url: links.page(path),
        };
        let addressed = Addressed {
            name,
            subject: &self.subject,
            intro: &self.intro,
            quote: self.quote.as_deref(),
            sections: self
                .sections
                .iter()
                .map(|(heading, items)| Section {
                    heading: heading.clone(),
                    items: items
                        .iter()
                        .map(|i| link(&i.label, &i.detail, &i.path))
                        .collect(),
                })
                .collect(),
            action: self
                .action
                .as_ref()
                .map(|(label, path)| link(label, "", path)),
            why: &self.why,
            unsubscribe,
            preferences: links.page("/account/mail"),
        };
        let text = Text { m: &addressed }
            .render()
            .map_err(AppError::internal)?;
        let html = Html { m: &addressed }
            .render()
            .map_err(AppError::internal)?;
        Ok((text, html))
    }
}
