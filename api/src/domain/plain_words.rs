//! The wording rules of what young people read: short sentences, no
//! letters or colours standing for a rating, and no acronym without its
//! words. The reports for young people are checked against them, and the
//! board's messages to young people are refused when a sentence runs on.

use std::collections::HashSet;

/// The longest sentence, in words, that young people are asked to read.
pub const SENTENCE_MAX_WORDS: usize = 25;

/// Acronyms partners use, with their words. A young people's report spells
/// each out the first time it appears.
pub const ACRONYMS: &[(&str, &str)] = &[
    ("ADHD", "attention deficit hyperactivity disorder"),
    ("BRAG", "blue, red, amber, green rating"),
    ("CAMHS", "child and adolescent mental health services"),
    ("CCE", "child criminal exploitation"),
    ("CIC", "children in care"),
    ("CSE", "child sexual exploitation"),
    ("EET", "education, employment or training"),
    ("EHCP", "education, health and care plan"),
    ("GP", "family doctor"),
    ("ICB", "integrated care board"),
    ("KPI", "key performance indicator"),
    ("LAC", "looked after children"),
    ("NEET", "not in education, employment or training"),
    ("NHS", "National Health Service"),
    ("PA", "personal adviser"),
    ("PEP", "personal education plan"),
    ("RAG", "red, amber, green rating"),
    ("SEND", "special educational needs and disabilities"),
    ("SEN", "special educational needs"),
    ("UASC", "unaccompanied asylum-seeking children"),
    ("YJS", "youth justice service"),
];

/// Words that, alone, would stand for a rating rather than say how things
/// are going.
const RATING_WORDS: &[&str] = &["red", "amber", "green", "blue", "rag", "brag"];

/// The sentences of a text: split after `.`, `!` or `?` and at line breaks.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut start = 0;
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        for (i, &(at, c)) in chars.iter().enumerate() {
            let next_is_space = chars.get(i + 1).is_none_or(|&(_, n)| n.is_whitespace());
            if matches!(c, '.' | '!' | '?') && next_is_space {
                let end = at + c.len_utf8();
                push_sentence(&mut out, &line[start..end]);
                start = end;
            }
        }
        push_sentence(&mut out, &line[start..]);
    }
    out
}

fn push_sentence<'a>(out: &mut Vec<&'a str>, sentence: &'a str) {
    let sentence = sentence.trim();
    if sentence.chars().any(char::is_alphanumeric) {
        out.push(sentence);
    }
}

/// How many words a sentence has.
pub fn word_count(sentence: &str) -> usize {
    sentence
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// The sentences of `text` longer than [`SENTENCE_MAX_WORDS`].
pub fn long_sentences(text: &str) -> Vec<&str> {
    sentences(text)
        .into_iter()
        .filter(|s| word_count(s) > SENTENCE_MAX_WORDS)
        .collect()
}

/// The words of a text, without the punctuation around them.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .map(|w| w.trim_matches(|c: char| c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
}

/// The acronyms of [`ACRONYMS`] in `text` whose words never appear in it.
pub fn unexplained_acronyms(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    let used: HashSet<&str> = words(text).collect();
    ACRONYMS
        .iter()
        .filter(|(acronym, meaning)| {
            used.contains(acronym) && !lower.contains(&meaning.to_lowercase())
        })
        .map(|(acronym, _)| *acronym)
        .collect()
}

/// Rating words in `text`: "Red." or "RAG: amber" rather than words saying
/// how things are going. Only for text the service writes itself,
/// since partners' own words may say "green spaces".
pub fn rating_words(text: &str) -> Vec<String> {
    words(text)
        .filter(|w| RATING_WORDS.contains(&w.to_lowercase().as_str()))
        .map(str::to_owned)
        .collect()
}

/// Spells out each acronym of [`ACRONYMS`] the first time it appears in a
/// document, "ICB (integrated care board)". `seen` carries what has
/// already been spelt out from one text of the document to the next.
pub fn explain_acronyms(text: &str, seen: &mut HashSet<&'static str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_uppercase()) {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let end = from
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(from.len());
        let (word, after) = from.split_at(end);
        out.push_str(word);
        let preceded_by_letter = before.chars().last().is_some_and(char::is_alphanumeric);
        if !preceded_by_letter
            && let Some((acronym, meaning)) = ACRONYMS.iter().find(|(a, _)| *a == word)
            && !text.to_lowercase().contains(&meaning.to_lowercase())
            && seen.insert(acronym)
        {
            out.push_str(" (");
            out.push_str(meaning);
            out.push(')');
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// What is wrong with a message meant for young people, in words the
/// writer can act on; `None` when it reads well enough.
pub fn message_problem(text: &str) -> Option<String> {
    let long = long_sentences(text);
    let first = long.first()?;
    let words = word_count(first);
    let opening: String = first
        .split_whitespace()
        .take(6)
        .collect::<Vec<_>>()
        .join(" ");
    Some(format!(
        "young people read this: keep each sentence to {SENTENCE_MAX_WORDS} words or fewer \
         (the one starting \"{opening}\" has {words})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_at_stops_and_line_breaks() {
        assert_eq!(
            sentences("We met. It went well!\nNext: a plan? Yes"),
            vec!["We met.", "It went well!", "Next: a plan?", "Yes"]
        );
        assert_eq!(sentences("£1.50 each. Done."), vec!["£1.50 each.", "Done."]);
        assert!(sentences("  \n - \n").is_empty());
    }

    #[test]
    fn counts_words_and_finds_long_sentences() {
        assert_eq!(word_count("We will - soon - meet again."), 5);
        let long = "one ".repeat(26);
        assert_eq!(long_sentences(&format!("Short. {long}.")).len(), 1);
        let limit = "one ".repeat(25);
        assert!(long_sentences(&limit).is_empty());
    }

    #[test]
    fn an_acronym_is_explained_when_its_words_appear() {
        assert_eq!(unexplained_acronyms("The ICB will pay."), vec!["ICB"]);
        assert!(unexplained_acronyms("The ICB (integrated care board) will pay.").is_empty());
        assert!(unexplained_acronyms("Icb and Nhsx are not acronyms here.").is_empty());
        assert!(unexplained_acronyms("PAST tense").is_empty());
    }

    #[test]
    fn explains_each_acronym_once_per_document() {
        let mut seen = HashSet::new();
        assert_eq!(
            explain_acronyms("Ask your GP. The GP knows.", &mut seen),
            "Ask your GP (family doctor). The GP knows."
        );
        assert_eq!(
            explain_acronyms("Your GP again.", &mut seen),
            "Your GP again."
        );
        assert_eq!(
            explain_acronyms("NHS-funded and CAMHS.", &mut seen),
            "NHS (National Health Service)-funded and CAMHS (child and adolescent mental health services)."
        );
        assert_eq!(
            explain_acronyms("GPS and aGP", &mut HashSet::new()),
            "GPS and aGP"
        );
        let explained = explain_acronyms("The ICB and NHS.", &mut HashSet::new());
        assert!(unexplained_acronyms(&explained).is_empty(), "{explained}");
    }

    #[test]
    fn finds_ratings_standing_alone() {
        assert_eq!(
            rating_words("Status: Red. RAG: amber"),
            vec!["Red", "RAG", "amber"]
        );
        assert!(rating_words("Going well. There are some problems.").is_empty());
        assert!(rating_words("A plan was agreed.").is_empty());
    }

    #[test]
    fn a_message_with_a_long_sentence_is_refused_with_its_opening() {
        assert!(message_problem("Thank you. We will do it by June.").is_none());
        let long = format!("We {}.", "really ".repeat(30));
        let problem = message_problem(&long).unwrap();
        assert!(problem.contains("25 words or fewer"), "{problem}");
        assert!(problem.contains("\"We really really"), "{problem}");
    }
}
