//! Set-based reads for the chair's review: the state of every action and
//! pledge of a strategy, now or at a past moment, in a fixed number of
//! queries whatever the number of actions.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::result::QueryResult;
use diesel::sql_types::{Array, Bool, Date, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use super::prepared::Prepared;
use super::{Conn, group};
use crate::domain::review::{ActionState, LatestReport, MilestoneState, Named, PledgeState};
use crate::domain::{Rag, UpdateKind};

#[derive(QueryableByName)]
struct StateRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    reference: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    description: String,
    #[diesel(sql_type = SqlUuid)]
    lead_id: Uuid,
    #[diesel(sql_type = Text)]
    lead_name: String,
    #[diesel(sql_type = Array<SqlUuid>)]
    statement_ids: Vec<Uuid>,
    #[diesel(sql_type = Nullable<Date>)]
    target_date: Option<NaiveDate>,
    #[diesel(sql_type = Text)]
    rag: Rag,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    rag_since: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_reported_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
}

const LIVE_STATES: &str = "
WITH links AS (
    SELECT x.action_id, array_agg(x.statement_id) AS statement_ids
      FROM action_statements x
      JOIN actions a ON a.id = x.action_id
     WHERE a.strategy_id = $1
     GROUP BY x.action_id)
SELECT a.id, a.reference, a.title, a.description,
       a.lead_organisation_id AS lead_id, o.name AS lead_name,
       coalesce(l.statement_ids, '{}') AS statement_ids,
       a.target_date, a.rag, a.rag_since, a.created_at, a.last_reported_at
  FROM actions a
  JOIN organisations o ON o.id = a.lead_organisation_id
  LEFT JOIN links l ON l.action_id = a.id
 WHERE a.strategy_id = $1 AND a.archived_at IS NULL";

/// Ratings as they stood at $2, from the history of rated updates.
const PAST_STATES: &str = "
WITH links AS (
    SELECT x.action_id, array_agg(x.statement_id) AS statement_ids
      FROM action_statements x
      JOIN actions a ON a.id = x.action_id
     WHERE a.strategy_id = $1
     GROUP BY x.action_id)
SELECT a.id, a.reference, a.title, a.description,
       a.lead_organisation_id AS lead_id, o.name AS lead_name,
       coalesce(l.statement_ids, '{}') AS statement_ids,
       a.target_date, coalesce(r.rag, 'not_rated') AS rag, a.created_at,
       (SELECT min(p.created_at) FROM progress_updates p
         WHERE p.action_id = a.id AND p.kind = 'update' AND p.created_at <= $2
           AND p.created_at > coalesce(
               (SELECT max(q.created_at) FROM progress_updates q
                 WHERE q.action_id = a.id AND q.kind = 'update' AND q.created_at <= $2 AND q.rag <> r.rag),
               '-infinity')) AS rag_since,
       (SELECT p.created_at FROM progress_updates p
         WHERE p.action_id = a.id AND p.kind <> 'challenge' AND p.created_at <= $2
         ORDER BY p.created_at DESC, p.id DESC LIMIT 1) AS last_reported_at
  FROM actions a
  JOIN organisations o ON o.id = a.lead_organisation_id
  LEFT JOIN links l ON l.action_id = a.id
  LEFT JOIN LATERAL (
        SELECT p.rag FROM progress_updates p
         WHERE p.action_id = a.id AND p.kind = 'update' AND p.created_at <= $2
         ORDER BY p.created_at DESC, p.id DESC LIMIT 1) r ON true
 WHERE a.strategy_id = $1 AND a.created_at <= $2
   AND (a.archived_at IS NULL OR a.archived_at > $2)";

/// Every action of a strategy's live plan as it is now (`at` = `None`) or
/// was at `at` (those archived by then left out), in no particular order,
/// without reports or milestones.
pub async fn action_states(
    conn: &mut Conn,
    strategy_id: Uuid,
    at: Option<DateTime<Utc>>,
) -> QueryResult<Vec<ActionState>> {
    let rows: Vec<StateRow> = match at {
        None => {
            Prepared(diesel::sql_query(LIVE_STATES).bind::<SqlUuid, _>(strategy_id))
                .load(conn)
                .await?
        }
        Some(at) => {
            Prepared(
                diesel::sql_query(PAST_STATES)
                    .bind::<SqlUuid, _>(strategy_id)
                    .bind::<Timestamptz, _>(at),
            )
            .load(conn)
            .await?
        }
    };
    Ok(rows
        .into_iter()
        .map(|r| ActionState {
            id: r.id,
            reference: r.reference,
            title: r.title,
            description: r.description,
            lead: Named {
                id: r.lead_id,
                name: r.lead_name,
            },
            statement_ids: r.statement_ids,
            target_date: r.target_date,
            rag: r.rag,
            rag_since: r.rag_since,
            last_reported_at: r.last_reported_at,
            created_at: r.created_at,
            latest: None,
            milestones: Vec::new(),
        })
        .collect())
}

#[derive(QueryableByName)]
struct ReportRow {
    #[diesel(sql_type = SqlUuid)]
    action_id: Uuid,
    #[diesel(sql_type = Text)]
    kind: UpdateKind,
    #[diesel(sql_type = Nullable<Text>)]
    rag: Option<Rag>,
    #[diesel(sql_type = Text)]
    commentary: String,
    #[diesel(sql_type = Text)]
    progress: String,
    #[diesel(sql_type = Text)]
    next_steps: String,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    author: String,
    #[diesel(sql_type = Nullable<Text>)]
    organisation: Option<String>,
}

/// The newest report from the owners (an update or a note) on each of the
/// given actions, at or before `at`.
pub async fn latest_reports(
    conn: &mut Conn,
    action_ids: &[Uuid],
    at: DateTime<Utc>,
) -> QueryResult<HashMap<Uuid, LatestReport>> {
    let rows: Vec<ReportRow> = Prepared(diesel::sql_query(
        "SELECT x.id AS action_id, p.kind, p.rag, p.commentary, p.progress, p.next_steps, p.created_at,
                u.name AS author, o.name AS organisation
           FROM unnest($1::uuid[]) AS x(id)
          CROSS JOIN LATERAL (
                SELECT * FROM progress_updates p
                 WHERE p.action_id = x.id AND p.kind <> 'challenge' AND p.created_at <= $2
                 ORDER BY p.created_at DESC, p.id DESC LIMIT 1) p
           JOIN users u ON u.id = p.author_id
           LEFT JOIN organisations o ON o.id = p.organisation_id",
    )
    .bind::<Array<SqlUuid>, _>(action_ids)
    .bind::<Timestamptz, _>(at))
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.action_id,
                LatestReport {
                    kind: r.kind,
                    rag: r.rag,
                    commentary: r.commentary,
                    progress: r.progress,
                    next_steps: r.next_steps,
                    author: r.author,
                    organisation: r.organisation,
                    created_at: r.created_at,
                },
            )
        })
        .collect())
}

#[derive(QueryableByName)]
struct MilestoneRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    action_id: Uuid,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Date)]
    baseline_due: NaiveDate,
    #[diesel(sql_type = Date)]
    due_date: NaiveDate,
    #[diesel(sql_type = Nullable<Date>)]
    completed_on: Option<NaiveDate>,
}

/// The milestones of a strategy's live actions now (`at` = `None`) or as they
/// stood at `at` (their due date after the moves made by then, completed
/// only if done by `today`), keyed by action; with `only_overdue`, just
/// those past due and open.
pub async fn milestones(
    conn: &mut Conn,
    strategy_id: Uuid,
    at: Option<DateTime<Utc>>,
    today: NaiveDate,
    only_overdue: bool,
) -> QueryResult<HashMap<Uuid, Vec<MilestoneState>>> {
    let rows: Vec<MilestoneRow> = match at {
        None => live_milestones(conn, strategy_id, today, only_overdue).await?,
        Some(at) => past_milestones(conn, strategy_id, at, today, only_overdue).await?,
    };
    Ok(group(
        rows.into_iter()
            .map(|m| {
                (
                    m.action_id,
                    MilestoneState {
                        id: m.id,
                        title: m.title,
                        baseline_due: m.baseline_due,
                        due_date: m.due_date,
                        completed_on: m.completed_on,
                    },
                )
            })
            .collect(),
    ))
}

async fn live_milestones(
    conn: &mut Conn,
    strategy_id: Uuid,
    today: NaiveDate,
    only_overdue: bool,
) -> QueryResult<Vec<MilestoneRow>> {
    Prepared(
        diesel::sql_query(
            // Per action of the strategy (`OFFSET 0` keeps the subquery per
            // action), so the cost does not grow with other strategies' overdue
            // milestones, which the index on open due dates would read.
            "SELECT m.id, m.action_id, m.title, m.baseline_due, m.due_date, m.completed_on
           FROM actions a
          CROSS JOIN LATERAL (
                SELECT * FROM milestones m
                 WHERE m.action_id = a.id
                   AND (NOT $3 OR (m.completed_on IS NULL AND m.due_date < $2))
                OFFSET 0) m
          WHERE a.strategy_id = $1 AND a.archived_at IS NULL
          ORDER BY m.action_id, m.due_date, m.id",
        )
        .bind::<SqlUuid, _>(strategy_id)
        .bind::<Date, _>(today)
        .bind::<Bool, _>(only_overdue),
    )
    .load(conn)
    .await
}

async fn past_milestones(
    conn: &mut Conn,
    strategy_id: Uuid,
    at: DateTime<Utc>,
    today: NaiveDate,
    only_overdue: bool,
) -> QueryResult<Vec<MilestoneRow>> {
    Prepared(
        diesel::sql_query(
            "SELECT * FROM (
            SELECT m.id, m.action_id, m.title, m.baseline_due,
                   coalesce((SELECT r.to_date FROM milestone_reschedules r
                              WHERE r.milestone_id = m.id AND r.changed_at <= $2
                              ORDER BY r.id DESC LIMIT 1), m.baseline_due) AS due_date,
                   CASE WHEN m.completed_on <= $3 THEN m.completed_on END AS completed_on
              FROM milestones m
              JOIN actions a ON a.id = m.action_id
             WHERE a.strategy_id = $1 AND m.created_at <= $2
               AND (a.archived_at IS NULL OR a.archived_at > $2)) s
          WHERE NOT $4 OR (s.completed_on IS NULL AND s.due_date < $3)
          ORDER BY s.action_id, s.due_date, s.id",
        )
        .bind::<SqlUuid, _>(strategy_id)
        .bind::<Timestamptz, _>(at)
        .bind::<Date, _>(today)
        .bind::<Bool, _>(only_overdue),
    )
    .load(conn)
    .await
}

#[derive(QueryableByName)]
struct PledgeRow {
    #[diesel(sql_type = SqlUuid)]
    organisation_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    commitment_id: Uuid,
    #[diesel(sql_type = Text)]
    rag: Rag,
    #[diesel(sql_type = Text)]
    text: String,
}

/// Every pledge of a strategy in the version that stood at `at`.
pub async fn pledge_states(
    conn: &mut Conn,
    strategy_id: Uuid,
    at: DateTime<Utc>,
) -> QueryResult<Vec<PledgeState>> {
    let rows: Vec<PledgeRow> = Prepared(
        diesel::sql_query(
            "SELECT DISTINCT ON (p.id) p.organisation_id, p.commitment_id, v.rag, v.text
           FROM pledges p
           JOIN pledge_versions v ON v.pledge_id = p.id AND v.changed_at <= $2
          WHERE p.strategy_id = $1
          ORDER BY p.id, v.version DESC",
        )
        .bind::<SqlUuid, _>(strategy_id)
        .bind::<Timestamptz, _>(at),
    )
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PledgeState {
            organisation_id: r.organisation_id,
            commitment_id: r.commitment_id,
            rag: r.rag,
            text: r.text,
        })
        .collect())
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

/// Organisations that reported (an update or a note) on the strategy's
/// actions in a period, by `at`.
pub async fn reported_in(
    conn: &mut Conn,
    strategy_id: Uuid,
    period_id: Uuid,
    at: DateTime<Utc>,
) -> QueryResult<HashSet<Uuid>> {
    let rows: Vec<IdRow> = Prepared(
        diesel::sql_query(
            "SELECT DISTINCT p.organisation_id AS id
           FROM progress_updates p
           JOIN actions a ON a.id = p.action_id
          WHERE a.strategy_id = $1 AND p.period_id = $2 AND p.created_at <= $3
            AND p.kind <> 'challenge' AND p.organisation_id IS NOT NULL",
        )
        .bind::<SqlUuid, _>(strategy_id)
        .bind::<SqlUuid, _>(period_id)
        .bind::<Timestamptz, _>(at),
    )
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Of the given actions, those `organisation_id` reported on (an update or
/// a note) in any of the given periods.
pub async fn reported_actions(
    conn: &mut Conn,
    organisation_id: Uuid,
    period_ids: &[Uuid],
    action_ids: &[Uuid],
) -> QueryResult<HashSet<Uuid>> {
    let rows: Vec<IdRow> = Prepared(
        diesel::sql_query(
            "SELECT DISTINCT p.action_id AS id
           FROM progress_updates p
          WHERE p.organisation_id = $1 AND p.period_id = ANY($2) AND p.action_id = ANY($3)
            AND p.kind <> 'challenge'",
        )
        .bind::<SqlUuid, _>(organisation_id)
        .bind::<Array<SqlUuid>, _>(period_ids)
        .bind::<Array<SqlUuid>, _>(action_ids),
    )
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

#[derive(QueryableByName)]
struct RatingRow {
    #[diesel(sql_type = SqlUuid)]
    action_id: Uuid,
    #[diesel(sql_type = Text)]
    rag: Rag,
}

/// The given actions' ratings in the strategy's periods closed before `at`,
/// oldest first.
pub async fn period_ratings(
    conn: &mut Conn,
    strategy_id: Uuid,
    action_ids: &[Uuid],
    at: DateTime<Utc>,
) -> QueryResult<HashMap<Uuid, Vec<Rag>>> {
    let rows: Vec<RatingRow> = Prepared(
        diesel::sql_query(
            "SELECT s.action_id, s.rag
           FROM period_action_snapshots s
           JOIN reporting_periods r ON r.id = s.period_id
          WHERE r.strategy_id = $1 AND r.closed_at < $3 AND s.action_id = ANY($2)
          ORDER BY r.starts_on, r.id",
        )
        .bind::<SqlUuid, _>(strategy_id)
        .bind::<Array<SqlUuid>, _>(action_ids)
        .bind::<Timestamptz, _>(at),
    )
    .load(conn)
    .await?;
    Ok(group(
        rows.into_iter().map(|r| (r.action_id, r.rag)).collect(),
    ))
}

/// A challenge from the chair that the lead organisation has not yet
/// answered.
#[derive(Debug, QueryableByName)]
pub struct OpenChallengeRow {
    #[diesel(sql_type = SqlUuid)]
    pub(crate) id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub(crate) action_id: Uuid,
    /// What the chair asked.
    #[diesel(sql_type = Text)]
    pub(crate) text: String,
    #[diesel(sql_type = SqlUuid)]
    pub(crate) author_id: Uuid,
    #[diesel(sql_type = Timestamptz)]
    pub(crate) created_at: DateTime<Utc>,
}

/// The challenges on the given actions led by `organisation_id` that no
/// update or note from the organisation has followed, oldest first.
pub async fn open_challenges(
    conn: &mut Conn,
    organisation_id: Uuid,
    action_ids: &[Uuid],
) -> QueryResult<Vec<OpenChallengeRow>> {
    Prepared(
        diesel::sql_query(
            "SELECT c.id, c.action_id,
                    CASE WHEN c.progress <> '' THEN c.progress ELSE c.commentary END AS text,
                    c.author_id, c.created_at
               FROM progress_updates c
               JOIN actions a ON a.id = c.action_id
              WHERE c.kind = 'challenge' AND c.action_id = ANY($2)
                AND a.lead_organisation_id = $1
                AND NOT EXISTS (
                    SELECT 1 FROM progress_updates r
                     WHERE r.action_id = c.action_id AND r.kind <> 'challenge'
                       AND r.organisation_id = $1 AND r.created_at > c.created_at)
              ORDER BY c.created_at, c.id",
        )
        .bind::<SqlUuid, _>(organisation_id)
        .bind::<Array<SqlUuid>, _>(action_ids),
    )
    .load(conn)
    .await
}
