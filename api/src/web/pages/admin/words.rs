//! The words people read for the service's value sets.

use crate::domain::OrganisationKind;

/// "District council".
pub fn kind(kind: &OrganisationKind) -> &'static str {
    match kind {
        OrganisationKind::Council => "Council",
        OrganisationKind::DistrictCouncil => "District council",
        OrganisationKind::NhsTrust => "NHS trust",
        OrganisationKind::IntegratedCareBoard => "Integrated care board",
        OrganisationKind::Police => "Police",
        OrganisationKind::Probation => "Probation",
        OrganisationKind::College => "College",
        OrganisationKind::University => "University",
        OrganisationKind::EmployerBody => "Employer body",
        OrganisationKind::CareersService => "Careers service",
        OrganisationKind::VoluntaryGroup => "Voluntary group",
        OrganisationKind::YoungPeoplesVoice => "Young people's voice",
        OrganisationKind::Other => "Other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_has_its_own_words() {
        fn distinct(words: Vec<&str>) -> bool {
            let mut sorted = words.clone();
            sorted.sort();
            sorted.dedup();
            sorted.len() == words.len()
        }
        assert!(distinct(OrganisationKind::ALL.iter().map(kind).collect()));
    }
}
