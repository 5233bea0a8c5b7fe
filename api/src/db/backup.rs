//! The whole database as one JSON document, and back: `export` and
//! `import` on the command line. Rows are copied column for column, so a
//! round trip into an empty database reproduces every row, including the
//! audit trail, the change feed's positions and the token digests.

use diesel::QueryableByName;
use diesel::sql_types::{Jsonb, Text};
use diesel_async::{AsyncConnection, RunQueryDsl, SimpleAsyncConnection};
use serde_json::{Map, Value};

use super::Conn;

/// Every table, parents before children, so rows can be inserted in this
/// order with every foreign key checked.
/// (The migrations' own table is not data: the document names its schema
/// version instead, and the target must be migrated to the same.)
pub const TABLES: [&str; 42] = [
    "organisations",
    "users",
    "refresh_tokens",
    "browser_sessions",
    "sign_in_failures",
    "strategies",
    "strategy_partners",
    "statements",
    "api_tokens",
    "actions",
    "action_supporters",
    "action_statements",
    "milestones",
    "milestone_reschedules",
    "reporting_periods",
    "progress_updates",
    "pledges",
    "pledge_versions",
    "period_action_snapshots",
    "period_pledge_snapshots",
    "indicators",
    "indicator_ambitions",
    "indicator_values",
    "indicator_value_versions",
    "period_indicator_snapshots",
    "priorities",
    "priority_statements",
    "priority_actions",
    "priority_steps",
    "achievements",
    "achievement_statements",
    "achievement_actions",
    "achievement_figures",
    "achievement_voices",
    "jobs",
    "mail_preferences",
    "reminder_runs",
    "webhook_endpoints",
    "webhook_deliveries",
    "audit_events",
    "change_transactions",
    "change_clock",
];

/// Names the document's format, so an import knows what it reads.
pub const FORMAT: &str = "delivery-tracker-export";
/// The version of the document's format.
pub const FORMAT_VERSION: u32 = 1;

/// Why an export or an import failed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The database failed.
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    /// The document is not one `export` wrote.
    #[error("not an export of this service: {0}")]
    NotAnExport(String),
    /// The document was exported at another schema version.
    #[error(
        "the export was taken at schema version {exported}, this database is at {here}; migrate the older one first"
    )]
    SchemaMismatch {
        /// The last migration of the database exported.
        exported: String,
        /// The last migration of this database.
        here: String,
    },
    /// The database to import into already holds data.
    #[error(
        "the database already holds data (table {0}); import only into an empty, migrated database"
    )]
    NotEmpty(String),
}

#[derive(QueryableByName)]
struct Rows {
    #[diesel(sql_type = Jsonb)]
    rows: Value,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    version: String,
}

fn quoted(table: &str) -> String {
    format!("\"{}\"", table.replace('"', "\"\""))
}

async fn schema_version(conn: &mut Conn) -> Result<String, BackupError> {
    Ok(diesel::sql_query(
        "SELECT coalesce(max(version), '') AS version FROM __diesel_schema_migrations",
    )
    .get_result::<Version>(conn)
    .await?
    .version)
}

/// Every row of every table, read in one snapshot.
pub async fn export(conn: &mut Conn) -> Result<Value, BackupError> {
    conn.build_transaction()
        .repeatable_read()
        .read_only()
        .run(async |conn| {
            let mut tables = Map::new();
            for table in TABLES {
                // Ordered by the whole row, so the same data always exports
                // the same way.
                let rows = diesel::sql_query(format!(
                    "SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t), '[]'::jsonb) AS rows FROM {} t",
                    quoted(table)
                ))
                .get_result::<Rows>(conn)
                .await?
                .rows;
                tables.insert(table.to_owned(), rows);
            }
            let mut document = Map::new();
            document.insert("format".into(), FORMAT.into());
            document.insert("format_version".into(), FORMAT_VERSION.into());
            document.insert("schema_version".into(), schema_version(conn).await?.into());
            document.insert("tables".into(), Value::Object(tables));
            Ok::<_, BackupError>(Value::Object(document))
        })
        .await
}

/// Loads an export into an empty, migrated database, all or nothing.
/// Returns the number of rows per table.
pub async fn import(
    conn: &mut Conn,
    document: &Value,
) -> Result<Vec<(String, usize)>, BackupError> {
    let format = document.get("format").and_then(Value::as_str);
    if format != Some(FORMAT) {
        return Err(BackupError::NotAnExport("no `format` naming it".into()));
    }
    let exported = document
        .get("schema_version")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let tables = document
        .get("tables")
        .and_then(Value::as_object)
        .ok_or_else(|| BackupError::NotAnExport("no `tables`".into()))?;
    conn.transaction(async |conn| {
        let here = schema_version(conn).await?;
        if exported != here {
            return Err(BackupError::SchemaMismatch { exported, here });
        }
        for table in TABLES {
            if table == "change_clock" {
                continue;
            }
            #[derive(QueryableByName)]
            struct Any {
                #[diesel(sql_type = diesel::sql_types::Bool)]
                any: bool,
            }
            let any = diesel::sql_query(format!("SELECT EXISTS (SELECT 1 FROM {}) AS any", quoted(table)))
                .get_result::<Any>(conn)
                .await?
                .any;
            if any {
                return Err(BackupError::NotEmpty(table.to_owned()));
            }
        }
        // The imported audit trail already has its place in the change
        // feed; the trigger that places new changes must not place it again.
        conn.batch_execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_stamp_commit")
            .await?;
        let mut counts = Vec::new();
        for table in TABLES {
            let rows = tables.get(table).cloned().unwrap_or(Value::Array(Vec::new()));
            let count = rows.as_array().map_or(0, Vec::len);
            if table == "change_clock" {
                diesel::sql_query(
                    "UPDATE change_clock c SET position = r.position
                       FROM jsonb_populate_recordset(NULL::change_clock, $1) r",
                )
                .bind::<Jsonb, _>(rows)
                .execute(conn)
                .await?;
            } else if count > 0 {
                diesel::sql_query(format!(
                    "INSERT INTO {t} OVERRIDING SYSTEM VALUE SELECT * FROM jsonb_populate_recordset(NULL::{t}, $1)",
                    t = quoted(table)
                ))
                .bind::<Jsonb, _>(rows)
                .execute(conn)
                .await?;
            }
            counts.push((table.to_owned(), count));
        }
        // Identity columns carry on after the imported ids.
        conn.batch_execute(
            "ALTER TABLE audit_events ENABLE TRIGGER audit_events_stamp_commit;
             SELECT setval(pg_get_serial_sequence('audit_events', 'id'), coalesce(max(id), 0) + 1, false) FROM audit_events;
             SELECT setval(pg_get_serial_sequence('milestone_reschedules', 'id'), coalesce(max(id), 0) + 1, false) FROM milestone_reschedules;
             SELECT setval(pg_get_serial_sequence('pledge_versions', 'id'), coalesce(max(id), 0) + 1, false) FROM pledge_versions;",
        )
        .await?;
        Ok(counts)
    })
    .await
}
