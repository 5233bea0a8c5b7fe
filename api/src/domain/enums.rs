//! Closed sets of values stored as text and exchanged as snake_case strings.

/// Declares an enum whose values travel as snake_case strings in JSON and as
/// text in PostgreSQL (where a CHECK constraint lists the same values).
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[serde(rename_all = "snake_case")]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::domain::enums::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(crate::domain::enums::UnknownValue {
                        value: s.to_owned(),
                        expected: &[$($text),+],
                    }),
                }
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(bytes)?;
                Ok(text.parse()?)
            }
        }
    };
}

/// A stored or supplied string that is not one of an enum's values.
#[derive(Debug, thiserror::Error)]
#[error("unknown value {value:?}; expected one of {expected:?}")]
pub struct UnknownValue {
    pub value: String,
    pub expected: &'static [&'static str],
}

text_enum! {
    /// What a user may do; see the permission table in `permissions`.
    pub enum Role {
        /// Sets up strategies, organisations, users and tokens.
        Admin => "admin",
        /// Chairs the board: manages actions, challenges updates, closes periods.
        Chair => "chair",
        /// A partner organisation's lead: reports on what that organisation owns.
        Member => "member",
        /// Reads everything, changes nothing.
        Viewer => "viewer",
    }
}

text_enum! {
    /// The type of partner an organisation is.
    pub enum OrganisationKind {
        Council => "council",
        DistrictCouncil => "district_council",
        NhsTrust => "nhs_trust",
        IntegratedCareBoard => "integrated_care_board",
        Police => "police",
        Probation => "probation",
        College => "college",
        University => "university",
        EmployerBody => "employer_body",
        CareersService => "careers_service",
        VoluntaryGroup => "voluntary_group",
        YoungPeoplesVoice => "young_peoples_voice",
        Other => "other",
    }
}

text_enum! {
    /// Lifecycle of a strategy. Only a draft can be deleted.
    pub enum StrategyStatus {
        Draft => "draft",
        Active => "active",
        Archived => "archived",
    }
}

text_enum! {
    /// The two kinds of numbered statement a strategy makes.
    pub enum StatementKind {
        /// An outcome the partnership aims for ("Is safe and feels safe").
        Ambition => "ambition",
        /// A promise made to every child and care leaver.
        Commitment => "commitment",
    }
}

text_enum! {
    /// The board's BRAG scale.
    pub enum Rag {
        /// Off track: needs the board's help.
        Red => "red",
        /// At risk: recoverable by the owner.
        Amber => "amber",
        /// On track.
        Green => "green",
        /// Complete.
        Blue => "blue",
        /// No rating given yet.
        NotRated => "not_rated",
    }
}

text_enum! {
    /// What a progress update is.
    pub enum UpdateKind {
        /// A report that rates the action (from its lead organisation).
        Update => "update",
        /// A report without a rating (from the lead or a supporting organisation).
        Note => "note",
        /// The chair's challenge to the action's owners.
        Challenge => "challenge",
    }
}

text_enum! {
    /// A kind of record, as the audit trail and the change feed name it.
    pub enum Entity {
        Organisation => "organisation",
        /// An account (never in the change feed: it holds personal data).
        User => "user",
        /// A system token (never in the change feed: it is a credential).
        ApiToken => "api_token",
        Strategy => "strategy",
        Ambition => "ambition",
        Commitment => "commitment",
        Action => "action",
        Milestone => "milestone",
        ProgressUpdate => "progress_update",
        Pledge => "pledge",
        ReportingPeriod => "reporting_period",
        Indicator => "indicator",
        IndicatorValue => "indicator_value",
        /// A priority the young people's council raised, with the board's
        /// answers.
        Priority => "priority",
        /// What the partnership achieved, with its figures and voices.
        Achievement => "achievement",
        /// Work queued for delivery (never in the change feed: it is how
        /// the service runs, not the board's data).
        Job => "job",
        /// A person's choice of email notices (never in the change feed:
        /// it is a person's preference).
        MailPreference => "mail_preference",
        /// An outside system's webhook endpoint (never in the change feed:
        /// it holds a secret and another system's settings).
        WebhookEndpoint => "webhook_endpoint",
    }
}

text_enum! {
    /// Where a priority of the young people's council stands.
    pub enum PriorityStatus {
        /// Raised; the board has not answered yet.
        Raised => "raised",
        /// The board will act on it: what, by whom, by when.
        Accepted => "accepted",
        /// The board will not act on it, and said why.
        Declined => "declined",
        /// The work has started.
        InProgress => "in_progress",
        /// Done, and what changed was said.
        Done => "done",
    }
}

text_enum! {
    /// Where an achievement stands on its way into reports.
    pub enum AchievementStatus {
        /// Written, waiting for the chair; only its organisation, the
        /// chair and administrators see it.
        Draft => "draft",
        /// Sent back by the chair with a comment; a draft again once
        /// edited.
        Returned => "returned",
        /// Approved by the chair: in reports, and read by everyone.
        Approved => "approved",
    }
}

text_enum! {
    /// What a voice is.
    pub enum VoiceKind {
        /// A quote, in the speaker's words.
        Quote => "quote",
        /// A short story, told about someone without naming them.
        Story => "story",
    }
}

text_enum! {
    /// Where a queued piece of work stands.
    pub enum JobState {
        /// Waiting for its time, or for a worker.
        Queued => "queued",
        /// Claimed by a worker, whose lease runs until `locked_until`.
        Running => "running",
        /// Done.
        Done => "done",
        /// Failed every attempt; kept with its last error until an
        /// administrator retries it.
        Dead => "dead",
    }
}

impl Entity {
    /// The record's name in a sentence: "no such reporting period".
    pub fn noun(self) -> &'static str {
        match self {
            Entity::ApiToken => "token",
            Entity::ProgressUpdate => "progress update",
            Entity::ReportingPeriod => "reporting period",
            Entity::IndicatorValue => "value of this indicator",
            Entity::WebhookEndpoint => "webhook endpoint",
            other => other.as_str(),
        }
    }

    /// Records that stay out of the change feed: accounts hold personal
    /// data, tokens hold credentials, jobs are the service's own work,
    /// webhook endpoints hold secrets and other systems' settings, and
    /// people's mail preferences are their own business.
    pub const PRIVATE: [Entity; 5] = [
        Entity::User,
        Entity::ApiToken,
        Entity::Job,
        Entity::MailPreference,
        Entity::WebhookEndpoint,
    ];

    /// The kinds of record the change feed carries.
    pub fn in_feed() -> impl Iterator<Item = Entity> {
        Entity::ALL
            .iter()
            .copied()
            .filter(|e| !Entity::PRIVATE.contains(e))
    }
}

impl From<StatementKind> for Entity {
    fn from(kind: StatementKind) -> Self {
        match kind {
            StatementKind::Ambition => Entity::Ambition,
            StatementKind::Commitment => Entity::Commitment,
        }
    }
}
