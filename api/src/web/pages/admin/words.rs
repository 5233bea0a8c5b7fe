//! The words people read for the service's value sets: roles, kinds of
//! organisation, kinds of record.

use crate::domain::{Entity, OrganisationKind, Role};

/// "Board member".
pub fn role(role: &Role) -> &'static str {
    match role {
        Role::Admin => "Administrator",
        Role::Chair => "Board chair",
        Role::Member => "Board member",
        Role::Viewer => "Viewer",
    }
}

/// What a role is for, under its radio button.
pub fn role_hint(role: &Role) -> &'static str {
    match role {
        Role::Admin => {
            "Sets up strategies, organisations, accounts and system tokens, and can change anything."
        }
        Role::Chair => {
            "Reviews progress, challenges updates, manages actions, closes reporting periods and reads the audit trail."
        }
        Role::Member => {
            "Reports on what their organisation leads and keeps its pledges current. Needs an organisation."
        }
        Role::Viewer => "Reads the plan and the reports, and changes nothing.",
    }
}

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

/// "Reporting period".
pub fn entity(entity: &Entity) -> &'static str {
    match entity {
        Entity::Organisation => "Organisation",
        Entity::User => "Account",
        Entity::ApiToken => "System token",
        Entity::Strategy => "Strategy",
        Entity::Ambition => "Ambition",
        Entity::Commitment => "Commitment",
        Entity::Action => "Action",
        Entity::Milestone => "Milestone",
        Entity::ProgressUpdate => "Progress update",
        Entity::Pledge => "Pledge",
        Entity::ReportingPeriod => "Reporting period",
        Entity::Indicator => "Indicator",
        Entity::IndicatorValue => "Indicator value",
        Entity::Priority => "Young people's priority",
        Entity::Achievement => "Achievement",
        Entity::Job => "Queued work",
        Entity::MailPreference => "Email preference",
        Entity::WebhookEndpoint => "Webhook endpoint",
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
        assert!(distinct(Role::ALL.iter().map(role).collect()));
        assert!(distinct(OrganisationKind::ALL.iter().map(kind).collect()));
        assert!(distinct(Entity::ALL.iter().map(entity).collect()));
    }
}
