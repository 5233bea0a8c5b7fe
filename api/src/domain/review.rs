//! The chair's review, computed from the state of each action and pledge at
//! one moment: counts, exceptions, overdue and stale work, reporting gaps,
//! the pledge matrix, direction of travel. Pure functions over loaded data,
//! so the same rules serve the live dashboard, any past date and a closed
//! period's snapshot.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::delivery::{action_overdue, milestone_overdue};
use super::enums::{Rag, UpdateKind};

/// Something named, as the review shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

/// A numbered ambition or commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Numbered {
    pub id: Uuid,
    pub number: i32,
    pub title: String,
}

/// The newest report on an action from its owners.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LatestReport {
    pub kind: UpdateKind,
    pub rag: Option<Rag>,
    pub commentary: String,
    pub progress: String,
    pub next_steps: String,
    pub author: String,
    pub organisation: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A milestone at the moment of the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MilestoneState {
    pub id: Uuid,
    pub title: String,
    pub baseline_due: NaiveDate,
    pub due_date: NaiveDate,
    pub completed_on: Option<NaiveDate>,
}

/// An action at the moment of the review. This is also what a closed
/// period keeps of each action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionState {
    pub id: Uuid,
    pub reference: String,
    pub title: String,
    pub description: String,
    pub lead: Named,
    pub statement_ids: Vec<Uuid>,
    pub target_date: Option<NaiveDate>,
    pub rag: Rag,
    pub rag_since: Option<DateTime<Utc>>,
    pub last_reported_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Loaded for reports and snapshots; for the dashboard only for
    /// exceptions.
    pub latest: Option<LatestReport>,
    /// Loaded for reports and snapshots; for the dashboard only the overdue.
    pub milestones: Vec<MilestoneState>,
}

/// A pledge at the moment of the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PledgeState {
    pub organisation_id: Uuid,
    pub commitment_id: Uuid,
    pub rag: Rag,
    pub text: String,
}

/// How many actions hold each rating.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct RagCounts {
    pub red: u32,
    pub amber: u32,
    pub green: u32,
    pub blue: u32,
    pub not_rated: u32,
    pub total: u32,
}

impl RagCounts {
    pub fn add(&mut self, rag: Rag) {
        match rag {
            Rag::Red => self.red += 1,
            Rag::Amber => self.amber += 1,
            Rag::Green => self.green += 1,
            Rag::Blue => self.blue += 1,
            Rag::NotRated => self.not_rated += 1,
        }
        self.total += 1;
    }

    pub fn of<'a>(rags: impl IntoIterator<Item = &'a Rag>) -> Self {
        let mut counts = Self::default();
        for rag in rags {
            counts.add(*rag);
        }
        counts
    }
}

/// Better, the same or worse than the last closed period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Better,
    Same,
    Worse,
    /// No rating to compare (now or in the earlier period).
    Unknown,
}

/// Compares a rating with an earlier one.
pub fn direction(earlier: Option<Rag>, now: Rag) -> Direction {
    match (earlier.and_then(Rag::rank), now.rank()) {
        (Some(before), Some(after)) if after > before => Direction::Better,
        (Some(before), Some(after)) if after < before => Direction::Worse,
        (Some(_), Some(_)) => Direction::Same,
        _ => Direction::Unknown,
    }
}

/// How many of the most recent periods in a row an action was red, given
/// its ratings oldest first.
pub fn red_streak(ratings: &[Rag]) -> u32 {
    ratings.iter().rev().take_while(|r| **r == Rag::Red).count() as u32
}

/// An action as a line of the review names it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ActionBrief {
    pub id: Uuid,
    #[schema(example = "A2.3")]
    pub reference: String,
    pub title: String,
    pub lead: Named,
}

impl From<&ActionState> for ActionBrief {
    fn from(a: &ActionState) -> Self {
        ActionBrief {
            id: a.id,
            reference: a.reference.clone(),
            title: a.title.clone(),
            lead: a.lead.clone(),
        }
    }
}

/// RAG counts for one ambition or commitment.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StatementCounts {
    #[serde(flatten)]
    pub statement: Numbered,
    pub counts: RagCounts,
}

/// RAG counts for one lead organisation.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OrganisationCounts {
    pub organisation: Named,
    pub counts: RagCounts,
}

/// A red or amber action.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Exception {
    pub action: ActionBrief,
    pub rag: Rag,
    pub rag_since: Option<DateTime<Utc>>,
    /// Days the action has held this rating.
    pub days_at_rating: Option<i64>,
    /// What is wrong and what is being done, from the newest report.
    pub commentary: String,
    pub commentary_at: Option<DateTime<Utc>>,
    /// Against the last closed period.
    pub direction: Direction,
    /// Closed periods in a row, up to the latest, in which it was red.
    pub red_periods_in_a_row: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OverdueMilestone {
    pub action: ActionBrief,
    pub milestone_id: Uuid,
    pub title: String,
    pub baseline_due: NaiveDate,
    pub due_date: NaiveDate,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OverdueAction {
    pub action: ActionBrief,
    pub rag: Rag,
    pub target_date: NaiveDate,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StaleAction {
    pub action: ActionBrief,
    pub rag: Rag,
    /// Absent when the owners have never reported.
    pub last_reported_at: Option<DateTime<Utc>>,
    pub days_since_report: i64,
}

/// A lead organisation that has not reported in the current period.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MissingReport {
    pub organisation: Named,
    /// Actions it leads.
    pub actions_led: u32,
}

/// One organisation's row of the pledge matrix.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PledgeRow {
    pub organisation: Named,
    /// One cell per commitment, in the matrix's order: the pledge's rating,
    /// or absent where there is no pledge.
    pub cells: Vec<Option<Rag>>,
}

/// Organisations x commitments.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PledgeMatrix {
    pub commitments: Vec<Numbered>,
    pub rows: Vec<PledgeRow>,
    /// Cells without a pledge.
    pub gaps: u32,
}

/// The first items of a long list, with how many there are in all.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Listed<T> {
    /// How many there are in all.
    pub total: u32,
    /// The first of them, most urgent first.
    pub items: Vec<T>,
}

/// Everything the dashboard is computed from.
pub struct ReviewInput<'a> {
    pub actions: &'a [ActionState],
    pub ambitions: &'a [Numbered],
    pub commitments: &'a [Numbered],
    pub partners: &'a [Named],
    pub pledges: &'a [PledgeState],
    /// Each action's ratings in the closed periods before the review, oldest
    /// first (only needed for exceptions).
    pub period_ratings: &'a HashMap<Uuid, Vec<Rag>>,
    /// Organisations that reported in the current period; `None` when there
    /// is no current period.
    pub reported: Option<&'a HashSet<Uuid>>,
    pub now: DateTime<Utc>,
    /// The day reviewed, where the board is: what is overdue is judged
    /// against it.
    pub today: NaiveDate,
    pub stale_days: i64,
    /// Most items listed in each of the dashboard's lists.
    pub list_limit: usize,
}

/// RAG counts per statement, in the statements' order.
pub fn counts_by_statement(
    actions: &[ActionState],
    statements: &[Numbered],
) -> Vec<StatementCounts> {
    let mut by_id: HashMap<Uuid, RagCounts> = HashMap::new();
    for action in actions {
        for id in &action.statement_ids {
            by_id.entry(*id).or_default().add(action.rag);
        }
    }
    statements
        .iter()
        .map(|s| StatementCounts {
            statement: s.clone(),
            counts: by_id.remove(&s.id).unwrap_or_default(),
        })
        .collect()
}

/// RAG counts per lead organisation, by name.
pub fn counts_by_lead(actions: &[ActionState]) -> Vec<OrganisationCounts> {
    let mut by_name: BTreeMap<(String, Uuid), RagCounts> = BTreeMap::new();
    for action in actions {
        by_name
            .entry((action.lead.name.clone(), action.lead.id))
            .or_default()
            .add(action.rag);
    }
    by_name
        .into_iter()
        .map(|((name, id), counts)| OrganisationCounts {
            organisation: Named { id, name },
            counts,
        })
        .collect()
}

/// The order exceptions are listed in: red before amber; within each, the
/// longest-held first.
fn exception_key(a: &ActionState) -> (bool, Option<DateTime<Utc>>, &str) {
    (a.rag != Rag::Red, a.rag_since, &a.reference)
}

/// The red and amber actions, in the order they are listed.
pub fn exception_order(actions: &[ActionState]) -> Vec<&ActionState> {
    let mut found: Vec<&ActionState> = actions
        .iter()
        .filter(|a| matches!(a.rag, Rag::Red | Rag::Amber))
        .collect();
    found.sort_by(|x, y| exception_key(x).cmp(&exception_key(y)));
    found
}

/// Red actions first, then amber; within each, the longest-held first.
pub fn exceptions(input: &ReviewInput<'_>) -> Listed<Exception> {
    let order = exception_order(input.actions);
    let total = order.len() as u32;
    let items = order
        .into_iter()
        .take(input.list_limit)
        .map(|a| {
            let ratings = input
                .period_ratings
                .get(&a.id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let (commentary, commentary_at) = match &a.latest {
                Some(r) if !r.commentary.trim().is_empty() => {
                    (r.commentary.clone(), Some(r.created_at))
                }
                Some(r) => (r.progress.clone(), Some(r.created_at)),
                None => (String::new(), None),
            };
            Exception {
                action: a.into(),
                rag: a.rag,
                rag_since: a.rag_since,
                days_at_rating: a.rag_since.map(|since| (input.now - since).num_days()),
                commentary,
                commentary_at,
                direction: direction(ratings.last().copied(), a.rag),
                red_periods_in_a_row: red_streak(ratings),
            }
        })
        .collect();
    Listed { total, items }
}

/// Sorts candidates by `key` and builds only the first `limit` of them, so
/// a long list costs little more than its length.
fn top<C, K: Ord, T>(
    mut candidates: Vec<C>,
    key: impl Fn(&C) -> K,
    limit: usize,
    build: impl Fn(C) -> T,
) -> Listed<T> {
    let total = candidates.len() as u32;
    candidates.sort_by_key(|c| key(c));
    candidates.truncate(limit);
    Listed {
        total,
        items: candidates.into_iter().map(build).collect(),
    }
}

/// Milestones past due and not completed, most overdue first.
pub fn overdue_milestones(
    actions: &[ActionState],
    today: NaiveDate,
    limit: usize,
) -> Listed<OverdueMilestone> {
    let found: Vec<(&ActionState, &MilestoneState)> = actions
        .iter()
        .flat_map(|a| {
            a.milestones
                .iter()
                .filter(move |m| milestone_overdue(m.due_date, m.completed_on, today))
                .map(move |m| (a, m))
        })
        .collect();
    top(
        found,
        |(a, m)| (m.due_date, a.reference.as_str()),
        limit,
        |(a, m)| OverdueMilestone {
            action: a.into(),
            milestone_id: m.id,
            title: m.title.clone(),
            baseline_due: m.baseline_due,
            due_date: m.due_date,
            days_overdue: (today - m.due_date).num_days(),
        },
    )
}

/// Actions past their target date and not complete, most overdue first.
pub fn overdue_actions(
    actions: &[ActionState],
    today: NaiveDate,
    limit: usize,
) -> Listed<OverdueAction> {
    let found: Vec<(&ActionState, NaiveDate)> = actions
        .iter()
        .filter(|a| action_overdue(a.target_date, a.rag, today))
        .filter_map(|a| Some((a, a.target_date?)))
        .collect();
    top(
        found,
        |(a, target)| (*target, a.reference.as_str()),
        limit,
        |(a, target)| OverdueAction {
            action: a.into(),
            rag: a.rag,
            target_date: target,
            days_overdue: (today - target).num_days(),
        },
    )
}

/// Actions not complete whose owners have not reported for `stale_days`
/// (counting from the action's creation when they never have), stalest first.
pub fn stale_actions(
    actions: &[ActionState],
    now: DateTime<Utc>,
    stale_days: i64,
    limit: usize,
) -> Listed<StaleAction> {
    let found: Vec<(&ActionState, DateTime<Utc>)> = actions
        .iter()
        .filter(|a| a.rag != Rag::Blue)
        .map(|a| (a, a.last_reported_at.unwrap_or(a.created_at)))
        .filter(|(_, since)| (now - *since).num_days() >= stale_days)
        .collect();
    top(
        found,
        |(a, since)| (*since, a.reference.as_str()),
        limit,
        |(a, since)| StaleAction {
            action: a.into(),
            rag: a.rag,
            last_reported_at: a.last_reported_at,
            days_since_report: (now - since).num_days(),
        },
    )
}

/// Lead organisations that have not reported in the current period.
pub fn missing_reports(actions: &[ActionState], reported: &HashSet<Uuid>) -> Vec<MissingReport> {
    let mut leads: BTreeMap<(String, Uuid), u32> = BTreeMap::new();
    for action in actions.iter().filter(|a| a.rag != Rag::Blue) {
        *leads
            .entry((action.lead.name.clone(), action.lead.id))
            .or_default() += 1;
    }
    leads
        .into_iter()
        .filter(|((_, id), _)| !reported.contains(id))
        .map(|((name, id), actions_led)| MissingReport {
            organisation: Named { id, name },
            actions_led,
        })
        .collect()
}

/// The organisations x commitments matrix, with the gaps counted.
pub fn pledge_matrix(
    partners: &[Named],
    commitments: &[Numbered],
    pledges: &[PledgeState],
) -> PledgeMatrix {
    let by_cell: HashMap<(Uuid, Uuid), Rag> = pledges
        .iter()
        .map(|p| ((p.organisation_id, p.commitment_id), p.rag))
        .collect();
    let rows: Vec<PledgeRow> = partners
        .iter()
        .map(|org| PledgeRow {
            organisation: org.clone(),
            cells: commitments
                .iter()
                .map(|c| by_cell.get(&(org.id, c.id)).copied())
                .collect(),
        })
        .collect();
    let gaps = rows
        .iter()
        .map(|r| r.cells.iter().filter(|c| c.is_none()).count() as u32)
        .sum();
    PledgeMatrix {
        commitments: commitments.to_vec(),
        rows,
        gaps,
    }
}

/// The dashboard's sections.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Review {
    pub totals: RagCounts,
    pub by_ambition: Vec<StatementCounts>,
    pub by_commitment: Vec<StatementCounts>,
    pub by_lead_organisation: Vec<OrganisationCounts>,
    pub exceptions: Listed<Exception>,
    pub overdue_milestones: Listed<OverdueMilestone>,
    pub overdue_actions: Listed<OverdueAction>,
    pub stale_actions: Listed<StaleAction>,
    /// Lead organisations without a report in the current period; absent
    /// when no period is current.
    pub not_reported: Option<Vec<MissingReport>>,
    pub pledges: PledgeMatrix,
}

pub fn review(input: &ReviewInput<'_>) -> Review {
    let today = input.today;
    let limit = input.list_limit;
    Review {
        totals: RagCounts::of(input.actions.iter().map(|a| &a.rag)),
        by_ambition: counts_by_statement(input.actions, input.ambitions),
        by_commitment: counts_by_statement(input.actions, input.commitments),
        by_lead_organisation: counts_by_lead(input.actions),
        exceptions: exceptions(input),
        overdue_milestones: overdue_milestones(input.actions, today, limit),
        overdue_actions: overdue_actions(input.actions, today, limit),
        stale_actions: stale_actions(input.actions, input.now, input.stale_days, limit),
        not_reported: input
            .reported
            .map(|reported| missing_reports(input.actions, reported)),
        pledges: pledge_matrix(input.partners, input.commitments, input.pledges),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn time(s: &str) -> DateTime<Utc> {
        date(s).and_hms_opt(12, 0, 0).unwrap().and_utc()
    }

    fn org(n: u128, name: &str) -> Named {
        Named {
            id: Uuid::from_u128(n),
            name: name.into(),
        }
    }

    fn statement(n: u128, number: i32) -> Numbered {
        Numbered {
            id: Uuid::from_u128(n),
            number,
            title: format!("Statement {number}"),
        }
    }

    fn action(n: u128, rag: Rag, lead: Named, statements: &[u128]) -> ActionState {
        ActionState {
            id: Uuid::from_u128(n),
            reference: format!("A{n}"),
            title: format!("Action {n}"),
            description: String::new(),
            lead,
            statement_ids: statements.iter().map(|s| Uuid::from_u128(*s)).collect(),
            target_date: None,
            rag,
            rag_since: None,
            last_reported_at: None,
            created_at: time("2024-01-01"),
            latest: None,
            milestones: vec![],
        }
    }

    #[test]
    fn counts_group_by_statement_and_lead() {
        let police = org(1, "Police");
        let council = org(2, "Council");
        let actions = vec![
            action(10, Rag::Red, police.clone(), &[100]),
            action(11, Rag::Green, police.clone(), &[100, 101]),
            action(12, Rag::Green, council.clone(), &[101]),
        ];
        let by_statement = counts_by_statement(
            &actions,
            &[statement(100, 1), statement(101, 2), statement(102, 3)],
        );
        assert_eq!(by_statement[0].counts.red, 1);
        assert_eq!(by_statement[0].counts.total, 2);
        assert_eq!(by_statement[1].counts.green, 2);
        assert_eq!(by_statement[2].counts, RagCounts::default());
        let by_lead = counts_by_lead(&actions);
        assert_eq!(by_lead[0].organisation, council);
        assert_eq!(by_lead[1].counts.total, 2);
    }

    #[test]
    fn direction_of_travel_follows_the_scale() {
        assert_eq!(direction(Some(Rag::Red), Rag::Amber), Direction::Better);
        assert_eq!(direction(Some(Rag::Green), Rag::Amber), Direction::Worse);
        assert_eq!(direction(Some(Rag::Green), Rag::Green), Direction::Same);
        assert_eq!(direction(Some(Rag::Green), Rag::Blue), Direction::Better);
        assert_eq!(direction(None, Rag::Red), Direction::Unknown);
        assert_eq!(direction(Some(Rag::NotRated), Rag::Red), Direction::Unknown);
    }

    #[test]
    fn red_streaks_count_back_from_the_latest_period() {
        assert_eq!(red_streak(&[Rag::Red, Rag::Amber, Rag::Red, Rag::Red]), 2);
        assert_eq!(red_streak(&[Rag::Red, Rag::Red, Rag::Green]), 0);
        assert_eq!(red_streak(&[]), 0);
    }

    #[test]
    fn exceptions_put_red_first_with_their_commentary_and_history() {
        let lead = org(1, "Police");
        let mut red = action(1, Rag::Red, lead.clone(), &[]);
        red.rag_since = Some(time("2024-03-01"));
        red.latest = Some(LatestReport {
            kind: UpdateKind::Update,
            rag: Some(Rag::Red),
            commentary: "Custody figures rising".into(),
            progress: String::new(),
            next_steps: String::new(),
            author: "A".into(),
            organisation: None,
            created_at: time("2024-03-01"),
        });
        let amber = action(2, Rag::Amber, lead.clone(), &[]);
        let green = action(3, Rag::Green, lead, &[]);
        let ratings = HashMap::from([(red.id, vec![Rag::Amber, Rag::Red, Rag::Red])]);
        let actions = [amber, green, red];
        let input = ReviewInput {
            actions: &actions,
            ambitions: &[],
            commitments: &[],
            partners: &[],
            pledges: &[],
            period_ratings: &ratings,
            reported: None,
            now: time("2024-04-01"),
            today: date("2024-04-01"),
            stale_days: 60,
            list_limit: 50,
        };
        let found = exceptions(&input).items;
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].rag, Rag::Red);
        assert_eq!(found[0].commentary, "Custody figures rising");
        assert_eq!(found[0].days_at_rating, Some(31));
        assert_eq!(found[0].red_periods_in_a_row, 2);
        assert_eq!(found[0].direction, Direction::Same);
        assert_eq!(found[1].rag, Rag::Amber);
        assert_eq!(found[1].direction, Direction::Unknown);
    }

    #[test]
    fn long_lists_keep_their_total() {
        let listed = top(vec![4, 1, 3, 2], |n| *n, 2, |n| n * 10);
        assert_eq!(listed.total, 4);
        assert_eq!(listed.items, vec![10, 20]);
    }

    #[test]
    fn overdue_and_stale_work_is_found() {
        let lead = org(1, "Police");
        let mut late = action(1, Rag::Green, lead.clone(), &[]);
        late.target_date = Some(date("2024-03-01"));
        late.last_reported_at = Some(time("2024-03-20"));
        late.milestones = vec![
            MilestoneState {
                id: Uuid::from_u128(50),
                title: "Open and late".into(),
                baseline_due: date("2024-01-31"),
                due_date: date("2024-02-29"),
                completed_on: None,
            },
            MilestoneState {
                id: Uuid::from_u128(51),
                title: "Done".into(),
                baseline_due: date("2024-01-31"),
                due_date: date("2024-01-31"),
                completed_on: Some(date("2024-02-05")),
            },
        ];
        let mut done = action(2, Rag::Blue, lead.clone(), &[]);
        done.target_date = Some(date("2024-01-01"));
        let silent = action(3, Rag::Amber, lead, &[]);
        let actions = [late, done, silent];
        let today = date("2024-04-01");
        let milestones = overdue_milestones(&actions, today, 50).items;
        assert_eq!(milestones.len(), 1);
        assert_eq!(milestones[0].days_overdue, 32);
        let overdue = overdue_actions(&actions, today, 50).items;
        assert_eq!(overdue.len(), 1);
        assert_eq!(overdue[0].days_overdue, 31);
        let stale = stale_actions(&actions, time("2024-04-01"), 30, 50).items;
        assert_eq!(
            stale.len(),
            1,
            "reported 12 days ago and complete actions are not stale"
        );
        assert_eq!(stale[0].action.reference, "A3");
        assert_eq!(stale[0].days_since_report, 91);
    }

    #[test]
    fn missing_reports_and_pledge_gaps() {
        let police = org(1, "Police");
        let council = org(2, "Council");
        let actions = [
            action(10, Rag::Green, police.clone(), &[]),
            action(11, Rag::Green, council.clone(), &[]),
            action(12, Rag::Amber, council.clone(), &[]),
        ];
        let reported = HashSet::from([police.id]);
        let missing = missing_reports(&actions, &reported);
        assert_eq!(
            missing,
            vec![MissingReport {
                organisation: council.clone(),
                actions_led: 2
            }]
        );

        let commitments = [statement(100, 1), statement(101, 2)];
        let pledges = [PledgeState {
            organisation_id: police.id,
            commitment_id: commitments[1].id,
            rag: Rag::Green,
            text: "x".into(),
        }];
        let matrix = pledge_matrix(&[police, council], &commitments, &pledges);
        assert_eq!(matrix.rows[0].cells, vec![None, Some(Rag::Green)]);
        assert_eq!(matrix.gaps, 3);
    }
}
