//! Text that travels through a spreadsheet: a cell that Excel would run as
//! a formula is written with a leading apostrophe (and read back without
//! it), and a file starts with a byte order mark so that Excel reads it as
//! UTF-8.

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Characters that make a spreadsheet treat a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Neutralises a cell a spreadsheet would run as a formula.
pub fn cell(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Undoes `cell`: reads a cell as it was before it was protected.
pub fn uncell(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => text,
    }
}

/// A whole file, with the byte order mark in front.
pub fn with_bom(body: &[u8]) -> Vec<u8> {
    [BOM, body].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_read_back() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("Plain"), "Plain");
        for text in ["=1+1", "-1", "@x", "Plain", "'quoted"] {
            assert_eq!(uncell(&cell(text)), text);
        }
        assert_eq!(with_bom(b"a"), b"\xEF\xBB\xBFa");
    }
}
