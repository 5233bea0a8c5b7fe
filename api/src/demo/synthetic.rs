//! Large synthetic data sets for benchmarks: any number of strategies, each
//! with a given number of actions and updates per action, written with
//! set-based SQL so that millions of rows take seconds, not hours. The rows
//! obey the same invariants as the service's own writes (an action's RAG is
//! that of its newest rated update; red and amber carry commentary), but
//! bypass the audit trail: they are a fixture, not a history.

use chrono::{Duration, NaiveDate};
use diesel::sql_types::{Integer, Text, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, RunQueryDsl};
use secrecy::SecretString;
use uuid::Uuid;

use crate::auth::password;
use crate::clock::Clock;
use crate::concurrency::Precondition;
use crate::db::{self, Pool};
use crate::domain::{Actor, Role};
use crate::error::AppError;
use crate::services::Ctx;
use crate::services::periods::{self, CreatePeriod};

/// How much to create.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub strategies: u32,
    pub actions_per_strategy: u32,
    pub updates_per_action: u32,
    pub organisations: u32,
    /// Quarterly periods to create and close per strategy.
    pub closed_periods: u32,
}

const ORGANISATIONS: &str = "
INSERT INTO organisations (id, name, short_name, kind)
SELECT gen_random_uuid(), 'Synthetic Organisation ' || lpad(i::text, 3, '0'), 'Org ' || i, 'other'
  FROM generate_series(1, $1) i
ON CONFLICT DO NOTHING";

const USERS: &str = "
INSERT INTO users (id, email, name, role, organisation_id, password_hash)
SELECT gen_random_uuid(), 'member' || substr(o.name, 24) || '@synthetic.example',
       'Synthetic Member ' || substr(o.name, 24), 'member', o.id, $1
  FROM organisations o
 WHERE o.name LIKE 'Synthetic Organisation %'
ON CONFLICT DO NOTHING";

const CHAIR: &str = "
INSERT INTO users (id, email, name, role, password_hash)
VALUES (gen_random_uuid(), 'chair@synthetic.example', 'Synthetic Chair', 'chair', $1)
ON CONFLICT DO NOTHING";

/// Run once per strategy, in order; $1 is the strategy, $2 the number of
/// actions, $3 the updates per action.
const STRATEGY_STEPS: &[&str] = &[
    "INSERT INTO strategy_partners (strategy_id, organisation_id)
     SELECT $1, id FROM organisations WHERE name LIKE 'Synthetic Organisation %'",
    "INSERT INTO statements (id, strategy_id, kind, number, title)
     SELECT gen_random_uuid(), $1, 'ambition', n, 'Synthetic ambition ' || n FROM generate_series(1, 6) n
     UNION ALL
     SELECT gen_random_uuid(), $1, 'commitment', n, 'Synthetic commitment ' || n FROM generate_series(1, 4) n",
    "WITH orgs AS (SELECT array_agg(id ORDER BY name) AS ids FROM organisations WHERE name LIKE 'Synthetic Organisation %')
     INSERT INTO actions (id, strategy_id, reference, title, description, lead_organisation_id,
                          start_date, target_date, created_at, updated_at)
     SELECT gen_random_uuid(), $1, 'S' || lpad(i::text, 6, '0'), 'Synthetic action ' || i,
            'We will deliver synthetic action ' || i, orgs.ids[1 + i % cardinality(orgs.ids)],
            DATE '2023-04-01', DATE '2023-04-01' + (180 + i % 900),
            TIMESTAMPTZ '2023-04-01 09:00Z', TIMESTAMPTZ '2023-04-01 09:00Z'
       FROM generate_series(1, $2) i, orgs",
    "WITH orgs AS (SELECT array_agg(id ORDER BY name) AS ids FROM organisations WHERE name LIKE 'Synthetic Organisation %')
     INSERT INTO action_supporters (action_id, organisation_id)
     SELECT a.id, orgs.ids[1 + (substr(a.reference, 2)::int + 1) % cardinality(orgs.ids)]
       FROM actions a, orgs WHERE a.strategy_id = $1
     ON CONFLICT DO NOTHING",
    "INSERT INTO action_statements (action_id, statement_id)
     SELECT a.id, s.id FROM actions a
       JOIN statements s ON s.strategy_id = a.strategy_id
        AND ((s.kind = 'ambition' AND s.number = 1 + substr(a.reference, 2)::int % 6)
          OR (s.kind = 'commitment' AND s.number = 1 + substr(a.reference, 2)::int % 4))
      WHERE a.strategy_id = $1",
    "INSERT INTO milestones (id, action_id, title, baseline_due, due_date, completed_on, created_at, updated_at)
     SELECT gen_random_uuid(), a.id, 'Synthetic milestone ' || m,
            DATE '2023-06-30' + m * 200 + substr(a.reference, 2)::int % 60,
            DATE '2023-06-30' + m * 200 + substr(a.reference, 2)::int % 60,
            CASE WHEN random() < 0.7 THEN DATE '2023-06-25' + m * 200 END,
            a.created_at, a.created_at
       FROM actions a CROSS JOIN generate_series(1, 3) m
      WHERE a.strategy_id = $1",
    "INSERT INTO progress_updates (id, action_id, author_id, organisation_id, kind, rag,
                                   commentary, progress, next_steps, created_at)
     SELECT gen_random_uuid(), a.id, u.id, a.lead_organisation_id,
            CASE WHEN j % 5 = 0 THEN 'note' ELSE 'update' END,
            CASE WHEN j % 5 = 0 THEN NULL
                 ELSE (ARRAY['red', 'amber', 'amber', 'green', 'green', 'green', 'green', 'green', 'green', 'blue'])
                      [1 + floor(random() * 10)::int] END,
            'Synthetic commentary ' || j || ': what is wrong and what is being done.',
            'Synthetic progress ' || j, 'Synthetic next steps ' || j,
            TIMESTAMPTZ '2023-04-10 09:00Z' + (j - 1) * interval '36 days' + random() * interval '30 days'
       FROM actions a
       JOIN users u ON u.organisation_id = a.lead_organisation_id AND u.email LIKE '%@synthetic.example'
      CROSS JOIN generate_series(1, $3) j
      WHERE a.strategy_id = $1",
    "UPDATE actions a SET rag = r.rag, rag_since = r.created_at
       FROM (SELECT DISTINCT ON (p.action_id) p.action_id, p.rag, p.created_at
               FROM progress_updates p JOIN actions x ON x.id = p.action_id
              WHERE x.strategy_id = $1 AND p.kind = 'update'
              ORDER BY p.action_id, p.created_at DESC, p.id DESC) r
      WHERE a.id = r.action_id",
    "UPDATE actions a SET last_reported_at = l.at
       FROM (SELECT p.action_id, max(p.created_at) AS at
               FROM progress_updates p JOIN actions x ON x.id = p.action_id
              WHERE x.strategy_id = $1 AND p.kind <> 'challenge'
              GROUP BY p.action_id) l
      WHERE a.id = l.action_id",
    "WITH p AS (
        INSERT INTO pledges (id, strategy_id, organisation_id, commitment_id, text, rag, created_at, updated_at)
        SELECT gen_random_uuid(), $1, sp.organisation_id, s.id, 'Synthetic pledge',
               (ARRAY['red', 'amber', 'green', 'green', 'blue'])[1 + floor(random() * 5)::int],
               TIMESTAMPTZ '2023-05-01 09:00Z', TIMESTAMPTZ '2023-05-01 09:00Z'
          FROM strategy_partners sp
          JOIN statements s ON s.strategy_id = sp.strategy_id AND s.kind = 'commitment'
         WHERE sp.strategy_id = $1 AND random() < 0.75
        RETURNING id, text, rag, created_at)
     INSERT INTO pledge_versions (pledge_id, version, text, rag, changed_at)
     SELECT id, 1, text, rag, created_at FROM p",
    // One indicator per ambition, alternately higher and lower is better;
    // the second and fifth are broken down by district.
    "WITH orgs AS (SELECT array_agg(id ORDER BY name) AS ids FROM organisations WHERE name LIKE 'Synthetic Organisation %'),
     i AS (
        INSERT INTO indicators (id, strategy_id, title, unit, direction, baseline_value, baseline_date,
                                target_value, target_date, owner_organisation_id,
                                breakdown_dimension, breakdown_categories)
        SELECT gen_random_uuid(), $1, 'Synthetic indicator ' || n,
               (ARRAY['percent', 'count', 'days', 'count', 'percent', 'money'])[n],
               CASE WHEN n % 2 = 0 THEN 'higher_is_better' ELSE 'lower_is_better' END,
               50, DATE '2023-04-01', CASE WHEN n % 2 = 0 THEN 80 ELSE 20 END, DATE '2026-03-31',
               orgs.ids[1 + n % cardinality(orgs.ids)],
               CASE WHEN n IN (2, 5) THEN 'district' END,
               CASE WHEN n IN (2, 5) THEN ARRAY['Ashfield', 'Bassetlaw', 'Broxtowe', 'Gedling',
                    'Mansfield', 'Newark and Sherwood', 'Rushcliffe'] ELSE '{}' END
          FROM generate_series(1, 6) n, orgs
        RETURNING id, title)
     INSERT INTO indicator_ambitions (indicator_id, ambition_id)
     SELECT i.id, s.id FROM i
       JOIN statements s ON s.strategy_id = $1 AND s.kind = 'ambition'
        AND s.number = substr(i.title, 21)::int",
    // Twelve quarters of values; the percentages with a district breakdown.
    "WITH v AS (
        INSERT INTO indicator_values (id, indicator_id, as_of, value, breakdown, source, created_at, updated_at)
        SELECT gen_random_uuid(), i.id, x.as_of, x.value,
               CASE WHEN i.unit = 'percent' AND i.breakdown_dimension IS NOT NULL THEN
                    (SELECT jsonb_agg(jsonb_build_object('category', c,
                            'value', round(least(100, greatest(0, x.value + random() * 4 - 2))::numeric, 1)))
                       FROM unnest(i.breakdown_categories) c)
                    ELSE '[]' END,
               'Synthetic source', x.as_of + interval '10 days', x.as_of + interval '10 days'
          FROM indicators i
         CROSS JOIN generate_series(1, 12) q
         CROSS JOIN LATERAL (
            SELECT DATE '2023-06-30' + (q - 1) * 91 AS as_of,
                   round((i.baseline_value + (i.target_value - i.baseline_value) * q / 13.0
                          + random() * 6 - 3)::numeric,
                         CASE WHEN i.unit = 'count' THEN 0 ELSE 1 END) AS value) x
         WHERE i.strategy_id = $1
        RETURNING id, version, as_of, period_id, value, breakdown, source, note, created_at)
     INSERT INTO indicator_value_versions (value_id, version, as_of, period_id, value, breakdown,
                                           source, note, changed_at)
     SELECT id, version, as_of, period_id, value, breakdown, source, note, created_at FROM v",
];

/// Creates the data set; returns the password of the synthetic accounts.
pub async fn load(
    pool: &Pool,
    size: Size,
    password_text: &str,
    clock: &Clock,
) -> Result<(), AppError> {
    let hash = password::hash(SecretString::from(password_text.to_owned())).await?;
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        diesel::sql_query("SELECT setseed(0.42)")
            .execute(conn)
            .await?;
        diesel::sql_query(ORGANISATIONS)
            .bind::<Integer, _>(size.organisations as i32)
            .execute(conn)
            .await?;
        diesel::sql_query(USERS)
            .bind::<Text, _>(&hash)
            .execute(conn)
            .await?;
        diesel::sql_query(CHAIR)
            .bind::<Text, _>(&hash)
            .execute(conn)
            .await?;
        Ok::<_, AppError>(())
    })
    .await?;
    let existing = db::strategies::count(&mut conn).await?;
    let chair = db::users::find_by_email(&mut conn, "chair@synthetic.example")
        .await?
        .ok_or_else(|| AppError::internal("synthetic chair missing"))?;
    let chair = Ctx {
        actor: Actor::User {
            id: chair.id,
            role: Role::Chair,
            organisation_id: None,
        },
        request_id: Some("synthetic-data".into()),
        clock: clock.clone(),
        mail: None,
    };
    for n in 0..size.strategies {
        if n.is_power_of_two() {
            // Fresh statistics as the tables grow, so closing each period
            // keeps using the indexes.
            diesel::sql_query("ANALYZE").execute(&mut conn).await?;
        }
        let title = format!("Synthetic strategy {}", existing + i64::from(n) + 1);
        let strategy_id = strategy(&mut conn, &title, &size).await?;
        close_quarters(pool, &chair, strategy_id, size.closed_periods).await?;
    }
    diesel::sql_query("ANALYZE").execute(&mut conn).await?;
    Ok(())
}

/// Adds one strategy with its actions, updates and pledges, in SQL.
async fn strategy(conn: &mut db::Conn, title: &str, size: &Size) -> Result<Uuid, AppError> {
    let strategy_id = Uuid::now_v7();
    conn.transaction(async |conn| {
        diesel::sql_query(
            "INSERT INTO strategies (id, title, vision, period_start, period_end, status)
             VALUES ($1, $2, 'A synthetic strategy for benchmarks', DATE '2023-04-01', DATE '2026-03-31', 'active')",
        )
        .bind::<SqlUuid, _>(strategy_id)
        .bind::<Text, _>(title)
        .execute(conn)
        .await?;
        for step in STRATEGY_STEPS {
            diesel::sql_query(*step)
                .bind::<SqlUuid, _>(strategy_id)
                .bind::<Integer, _>(size.actions_per_strategy as i32)
                .bind::<Integer, _>(size.updates_per_action as i32)
                .execute(conn)
                .await?;
        }
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(strategy_id)
}

/// Creates `count` quarters from April 2023 and closes each, as the chair,
/// a fortnight after it ends.
async fn close_quarters(
    pool: &Pool,
    chair: &Ctx,
    strategy_id: Uuid,
    count: u32,
) -> Result<(), AppError> {
    let first = NaiveDate::from_ymd_opt(2023, 4, 1).expect("date");
    for q in 0..count {
        let starts_on = first + Duration::days(91 * i64::from(q));
        let input = CreatePeriod {
            name: format!("Quarter {}", q + 1),
            starts_on,
            ends_on: starts_on + Duration::days(90),
        };
        let period = periods::create(pool, chair, strategy_id, input).await?;
        let closed_at = (starts_on + Duration::days(104))
            .and_hms_opt(17, 0, 0)
            .expect("time")
            .and_utc();
        periods::close(pool, &chair.at(closed_at), period.id, Precondition::none()).await?;
    }
    Ok(())
}
