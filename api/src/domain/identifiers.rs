//! Obvious identifiers in free text that may be published: an email
//! address, a telephone number, a date that could be a date of birth, a UK
//! postcode. Achievements and their voices are about young people and must
//! not name or locate one; this catches what a careful writer might still
//! paste in. It cannot catch a name: the forms and the API say so.

use std::sync::LazyLock;

use regex::Regex;

/// A kind of identifier found in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identifier {
    Email,
    Phone,
    DateOfBirth,
    Postcode,
}

impl Identifier {
    /// What was found, in the words of the refusal.
    pub fn described(self) -> &'static str {
        match self {
            Identifier::Email => "an email address",
            Identifier::Phone => "a telephone number",
            Identifier::DateOfBirth => {
                "a date that could be a date of birth (give an age band instead)"
            }
            Identifier::Postcode => "a postcode",
        }
    }
}

struct Pattern {
    kind: Identifier,
    regex: Regex,
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let pattern = |kind, source: &str| Pattern {
        kind,
        regex: Regex::new(source).expect("identifier pattern compiles"),
    };
    vec![
        pattern(
            Identifier::Email,
            r"(?i)[a-z0-9._%+\-]+\s*(?:@|\(at\)|\[at\])\s*[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}",
        ),
        // UK numbers: 0 or +44 and nine or ten more digits, spaced or not
        // ("0115 977 3000", "07700 900123", "+44 (0)7700 900123").
        pattern(
            Identifier::Phone,
            r"(?:\+\s?44\s?(?:\(0\)\s?)?|\b0)\d(?:[\s\-]?\d){8,9}\b",
        ),
        // Day, month and year in figures ("03/04/2008", "3.4.08"), or
        // after "born" or "DOB" in words ("born on 3 April 2008").
        pattern(
            Identifier::DateOfBirth,
            r"(?i)\b\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?(?:\d{4}|\d{2})\b|(?:\bborn\b|\bd\.?o\.?b\b\.?|\bdate of birth\b)[^\n]{0,20}?\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{2,4}\b",
        ),
        // Outward and inward code ("NG2 7QP", "sw1a 1aa").
        pattern(
            Identifier::Postcode,
            r"(?i)\b(?:gir\s?0aa|[a-pr-uwyz][a-hk-y]?\d[a-hjkps-uw\d]?\s?\d[abd-hjlnp-uw-z]{2})\b",
        ),
    ]
});

/// The first identifier `text` holds, if any.
pub fn find(text: &str) -> Option<Identifier> {
    PATTERNS
        .iter()
        .find(|p| p.regex.is_match(text))
        .map(|p| p.kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Option<Identifier> {
        find(text)
    }

    #[test]
    fn finds_email_addresses() {
        assert_eq!(
            found("write to jo.bloggs@example.org"),
            Some(Identifier::Email)
        );
        assert_eq!(found("jo (at) example.org"), Some(Identifier::Email));
    }

    #[test]
    fn finds_uk_phone_numbers() {
        for text in [
            "ring 0115 977 3000",
            "mobile 07700 900123",
            "call 07700900123 today",
            "+44 7700 900123",
            "+44 (0)115 977 3000",
        ] {
            assert_eq!(found(text), Some(Identifier::Phone), "{text}");
        }
    }

    #[test]
    fn finds_dates_of_birth() {
        for text in [
            "born 03/04/2008",
            "DOB 3.4.08",
            "she was born on 3 April 2008",
            "d.o.b. 12th Dec 2007",
        ] {
            assert_eq!(found(text), Some(Identifier::DateOfBirth), "{text}");
        }
    }

    #[test]
    fn finds_postcodes() {
        for text in ["lives at NG2 7QP", "sw1a 1aa", "B1 1AA", "NG17 5LD"] {
            assert_eq!(found(text), Some(Identifier::Postcode), "{text}");
        }
    }

    #[test]
    fn lets_ordinary_words_and_figures_through() {
        for text in [
            "It's nice to know people care about me, and I'm not just a dusty file on a shelf",
            "80% of care leavers aged 19-21 are in education, employment or training",
            "In 2023/24, 150 young people took part; 12 apprenticeships in 2024",
            "a 22-year-old care leaver",
            "Our Local Offer went live in April 2023",
            "Council tax exemption up to age 25",
            "the M1 and the A52",
            "Version 2.1.3 of the plan",
            "We met 14 times in 2024 and answered 120 questions",
        ] {
            assert_eq!(found(text), None, "{text}");
        }
    }
}
