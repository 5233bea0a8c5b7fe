//! The rules of achievements: what a voice may say and how its speaker is
//! described, what a figure gives, when one may be approved for reports,
//! what an edit does to an approved one, and who sees one before it is
//! approved.

use chrono::NaiveDate;
use uuid::Uuid;

use super::enums::{AchievementStatus, VoiceKind};
use super::identifiers;
use super::permissions::{self, Actor};
use super::validation::FieldError;

/// The age bands a voice's speaker may be described by; none for an
/// adult speaking in their role (a social worker, a foster carer).
pub const AGE_BANDS: [&str; 6] = [
    "under-11",
    "11-15",
    "16-17",
    "18-20",
    "21-24",
    "25-and-over",
];

/// The tag that puts an achievement in the Local Offer update.
pub const LOCAL_OFFER: &str = "Local Offer";

/// The most tags an achievement carries, and the longest tag.
pub const TAGS_MAX: usize = 10;
pub const TAG_MAX: usize = 40;

/// The most voices and figures an achievement carries.
pub const VOICES_MAX: usize = 20;
pub const FIGURES_MAX: usize = 20;

/// What the forms and the API say about voices.
pub const NO_IDENTIFIERS: &str = "Do not name a child or young person, or give anything that could identify one: describe who said it only by role and age band.";

/// A voice, as these rules see it.
#[derive(Debug, Clone, Copy)]
pub struct VoiceFacts<'a> {
    pub kind: VoiceKind,
    pub text: &'a str,
    pub role: &'a str,
    pub age_band: Option<&'a str>,
    /// The organisation that recorded consent to publish, and when.
    pub consent: Option<(Uuid, NaiveDate)>,
}

/// A figure, as these rules see it: its own value, unit and date, or an
/// indicator's value it cites.
#[derive(Debug, Clone, Copy)]
pub struct FigureFacts<'a> {
    pub label: &'a str,
    pub has_value: bool,
    pub unit: Option<&'a str>,
    pub as_of: Option<NaiveDate>,
    pub cites: Option<Uuid>,
}

/// Refuses each text holding an obvious identifier, naming the field and
/// what was found; `texts` pairs a field's path with its text.
pub fn identifier_problems<'a>(
    texts: impl IntoIterator<Item = (String, &'a str)>,
) -> Vec<FieldError> {
    texts
        .into_iter()
        .filter_map(|(field, text)| {
            identifiers::find(text).map(|found| {
                FieldError::new(
                    field,
                    format!(
                        "holds {}: remove it. Achievements and voices are published and must not identify anyone",
                        found.described()
                    ),
                )
            })
        })
        .collect()
}

/// Checks one voice (at `index` in the list): its speaker described by an
/// age band from the list, consent not recorded in the future, and no
/// identifier in what it says or in the speaker's role.
pub fn voice_problems(index: usize, voice: &VoiceFacts, today: NaiveDate) -> Vec<FieldError> {
    let field = |name: &str| format!("voices[{index}].{name}");
    let mut errors =
        identifier_problems([(field("text"), voice.text), (field("role"), voice.role)]);
    if let Some(band) = voice.age_band
        && !AGE_BANDS.contains(&band)
    {
        errors.push(FieldError::new(
            field("age_band"),
            format!("must be one of {}", AGE_BANDS.join(", ")),
        ));
    }
    if let Some((_, on)) = voice.consent
        && on > today
    {
        errors.push(FieldError::new(
            field("consent_on"),
            "must not be in the future",
        ));
    }
    errors
}

/// Checks one figure (at `index`): a value with its unit and date, or an
/// indicator value it cites, not both.
pub fn figure_problems(index: usize, figure: &FigureFacts) -> Vec<FieldError> {
    let field = |name: &str| format!("figures[{index}].{name}");
    let mut errors = identifier_problems([(field("label"), figure.label)]);
    let own = figure.has_value || figure.unit.is_some() || figure.as_of.is_some();
    match (figure.cites, own) {
        (Some(_), true) => errors.push(FieldError::new(
            field("indicator_value_id"),
            "cites an indicator's value: give no value, unit or as_of with it",
        )),
        (None, _) => {
            for (name, missing) in [
                ("value", !figure.has_value),
                ("unit", figure.unit.is_none()),
                ("as_of", figure.as_of.is_none()),
            ] {
                if missing {
                    errors.push(FieldError::new(
                        field(name),
                        "is needed, unless the figure cites an indicator's value (indicator_value_id)",
                    ));
                }
            }
        }
        (Some(_), false) => {}
    }
    errors
}

/// Tags trimmed, empty ones dropped, the same tag once (whatever its
/// case: the first spelling kept), and the list checked for length.
pub fn tidy_tags(tags: &[String]) -> Result<Vec<String>, Vec<FieldError>> {
    let mut kept: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    for (index, tag) in tags.iter().enumerate() {
        let tag = tag.trim();
        if tag.is_empty() || kept.iter().any(|k| k.eq_ignore_ascii_case(tag)) {
            continue;
        }
        if tag.chars().count() > TAG_MAX {
            errors.push(FieldError::new(
                format!("tags[{index}]"),
                format!("must be at most {TAG_MAX} characters"),
            ));
        }
        kept.push(tag.to_owned());
    }
    if kept.len() > TAGS_MAX {
        errors.push(FieldError::new(
            "tags",
            format!("at most {TAGS_MAX} different tags"),
        ));
    }
    if errors.is_empty() {
        Ok(kept)
    } else {
        Err(errors)
    }
}

/// Whether `tags` hold `tag`, whatever its case.
pub fn tagged(tags: &[String], tag: &str) -> bool {
    tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
}

/// Why the chair cannot approve an achievement now: it is approved
/// already, or a voice has no consent to publish recorded.
pub fn approval_problems(
    status: AchievementStatus,
    voices: &[VoiceFacts],
) -> Result<(), ApprovalRefusal> {
    if status == AchievementStatus::Approved {
        return Err(ApprovalRefusal::Already);
    }
    let errors: Vec<FieldError> = voices
        .iter()
        .enumerate()
        .filter(|(_, v)| v.consent.is_none())
        .map(|(index, _)| {
            FieldError::new(
                format!("voices[{index}].consent_organisation_id"),
                "no consent to publish is recorded for this voice: record who gave it and when, or remove the voice",
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApprovalRefusal::NoConsent(errors))
    }
}

/// Why an achievement cannot be approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalRefusal {
    /// It is approved already.
    Already,
    /// Voices without consent recorded.
    NoConsent(Vec<FieldError>),
}

/// Whether the chair may return an achievement: a draft, or an approved
/// one withdrawn from reports; one returned already waits for its writer.
pub fn can_return(status: AchievementStatus) -> bool {
    status != AchievementStatus::Returned
}

/// The status after an edit: whoever may approve keeps the status an
/// approved achievement had (their edit is approved by its author);
/// anyone else's edit makes it a draft the chair approves again.
pub fn status_after_edit(status: AchievementStatus, editor_approves: bool) -> AchievementStatus {
    if editor_approves && status == AchievementStatus::Approved {
        AchievementStatus::Approved
    } else {
        AchievementStatus::Draft
    }
}

/// Whether `actor` may read an achievement: approved ones are for
/// everyone who reads the plan; others for the organisation that wrote
/// them, the chair and administrators.
pub fn visible_to(actor: &Actor, status: AchievementStatus, author: Uuid) -> bool {
    status == AchievementStatus::Approved || permissions::can_read_draft_achievement(actor, author)
}

/// How a change to an achievement reaches the change feed and webhooks,
/// which carry only what is published: nothing while it is unapproved on
/// both sides of the change; its approval as its creation; a change while
/// approved as a change; and its leaving the approved state (returned, or
/// changed by its writers) as its deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    Withheld,
    Created,
    Changed,
    Withdrawn,
}

/// How a change from `before` to `after` (each approved or not; absent
/// before a creation or after a deletion) is published.
pub fn published(before_approved: bool, after_approved: bool) -> Published {
    match (before_approved, after_approved) {
        (false, false) => Published::Withheld,
        (false, true) => Published::Created,
        (true, true) => Published::Changed,
        (true, false) => Published::Withdrawn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn voice<'a>(text: &'a str, consent: Option<(Uuid, NaiveDate)>) -> VoiceFacts<'a> {
        VoiceFacts {
            kind: VoiceKind::Quote,
            text,
            role: "care leaver",
            age_band: Some("21-24"),
            consent,
        }
    }

    #[test]
    fn a_voice_with_an_identifier_is_refused_naming_the_field() {
        let today = day("2024-12-31");
        let errors = voice_problems(1, &voice("call me on 07700 900123", None), today);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "voices[1].text");
        assert!(errors[0].message.contains("telephone number"), "{errors:?}");
        let clean = voice("It's nice to know people care about me", None);
        assert!(voice_problems(0, &clean, today).is_empty());
    }

    #[test]
    fn an_age_band_comes_from_the_list_and_consent_is_not_in_the_future() {
        let mut v = voice("Thank you", Some((Uuid::from_u128(1), day("2025-01-01"))));
        v.age_band = Some("22");
        let fields: Vec<String> = voice_problems(0, &v, day("2024-12-31"))
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["voices[0].age_band", "voices[0].consent_on"]);
    }

    #[test]
    fn a_figure_gives_its_own_value_or_cites_an_indicator() {
        let own = FigureFacts {
            label: "care leavers in work or learning",
            has_value: true,
            unit: Some("%"),
            as_of: Some(day("2024-03-31")),
            cites: None,
        };
        assert!(figure_problems(0, &own).is_empty());
        let both = FigureFacts {
            cites: Some(Uuid::from_u128(1)),
            ..own
        };
        assert_eq!(figure_problems(0, &both).len(), 1);
        let neither = FigureFacts {
            has_value: false,
            unit: None,
            as_of: None,
            cites: None,
            ..own
        };
        assert_eq!(figure_problems(0, &neither).len(), 3);
        let cites = FigureFacts {
            cites: Some(Uuid::from_u128(1)),
            ..neither
        };
        assert!(figure_problems(0, &cites).is_empty());
    }

    #[test]
    fn tags_are_tidied_and_limited() {
        let tags = vec![
            " Local Offer ".into(),
            "local offer".into(),
            "".into(),
            "EET".into(),
        ];
        assert_eq!(tidy_tags(&tags).unwrap(), ["Local Offer", "EET"]);
        assert!(tagged(&tidy_tags(&tags).unwrap(), LOCAL_OFFER));
        let many: Vec<String> = (0..11).map(|i| format!("tag {i}")).collect();
        assert!(tidy_tags(&many).is_err());
    }

    #[test]
    fn approval_needs_consent_for_every_voice() {
        let given = Some((Uuid::from_u128(1), day("2024-05-01")));
        let voices = [voice("a", given), voice("b", None)];
        match approval_problems(AchievementStatus::Draft, &voices) {
            Err(ApprovalRefusal::NoConsent(errors)) => {
                assert_eq!(errors[0].field, "voices[1].consent_organisation_id")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            approval_problems(AchievementStatus::Approved, &voices[..1]),
            Err(ApprovalRefusal::Already)
        );
        assert!(approval_problems(AchievementStatus::Returned, &voices[..1]).is_ok());
    }

    #[test]
    fn an_edit_sends_an_approved_achievement_back_unless_the_approver_makes_it() {
        use AchievementStatus::*;
        assert_eq!(status_after_edit(Approved, true), Approved);
        assert_eq!(status_after_edit(Approved, false), Draft);
        assert_eq!(status_after_edit(Returned, false), Draft);
        assert_eq!(status_after_edit(Returned, true), Draft);
        assert!(can_return(Draft) && can_return(Approved) && !can_return(Returned));
    }

    #[test]
    fn only_approved_achievements_are_published() {
        assert_eq!(published(false, false), Published::Withheld);
        assert_eq!(published(false, true), Published::Created);
        assert_eq!(published(true, true), Published::Changed);
        assert_eq!(published(true, false), Published::Withdrawn);
    }

    #[test]
    fn drafts_are_seen_by_their_organisation_the_chair_and_administrators() {
        let author = Uuid::from_u128(1);
        let user = |role, org| Actor::User {
            id: Uuid::from_u128(9),
            role,
            organisation_id: org,
        };
        let system = Actor::System {
            token_id: Uuid::from_u128(7),
            strategy_id: None,
        };
        let readers = [
            (user(Role::Admin, None), true),
            (user(Role::Chair, None), true),
            (user(Role::Member, Some(author)), true),
            (user(Role::Member, Some(Uuid::from_u128(2))), false),
            (user(Role::Viewer, None), false),
            (system, false),
        ];
        for (actor, sees_draft) in readers {
            assert_eq!(
                visible_to(&actor, AchievementStatus::Draft, author),
                sees_draft
            );
            assert!(visible_to(&actor, AchievementStatus::Approved, author));
        }
    }
}
