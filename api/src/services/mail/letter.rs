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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_carry_the_words_and_links_and_only_the_html_is_escaped() {
        let links = MailLinks::new(
            "https://tracker.example.org/",
            b"a-secret-of-enough-length-0123456789",
        );
        let notice = Notice {
            subject: "Update due".into(),
            intro: vec!["Your organisation has not reported on 1 action:".into()],
            quote: Some("Why is <this> late & what next?".into()),
            sections: vec![(
                "Actions to report on".into(),
                vec![Item {
                    label: "A1.1 Keep \"children\" safe".into(),
                    detail: "red".into(),
                    path: "/actions/42".into(),
                }],
            )],
            action: Some(("Open your organisation's work".into(), "/".into())),
            why: "You receive this because your organisation leads these actions.".into(),
        };
        let (text, html) = notice
            .render(
                &links,
                "Pat O'Neil",
                "https://tracker.example.org/unsubscribe/t",
            )
            .unwrap();
        assert!(text.starts_with("Dear Pat O'Neil,"), "{text}");
        assert!(
            text.contains("\"Why is <this> late & what next?\""),
            "{text}"
        );
        assert!(
            text.contains(
                "- A1.1 Keep \"children\" safe (red)\n  https://tracker.example.org/actions/42"
            ),
            "{text}"
        );
        assert!(
            text.contains("Stop these emails: https://tracker.example.org/unsubscribe/t"),
            "{text}"
        );
        assert!(
            text.contains("https://tracker.example.org/account/mail"),
            "{text}"
        );
        assert!(html.contains("Pat O&#39;Neil"), "{html}");
        assert!(
            html.contains("Why is &lt;this&gt; late &amp; what next?"),
            "{html}"
        );
        assert!(html.contains("<a href=\"https://tracker.example.org/actions/42\">A1.1 Keep &quot;children&quot; safe</a> (red)"), "{html}");
        assert_eq!(links.domain(), "tracker.example.org");
    }
}
