//! The escaper of every HTML template and chart: pages, reports and SVG.

use std::fmt::{self, Write};

use askama::filters::Escaper;

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
