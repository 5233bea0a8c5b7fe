use delivery_tracker::db::MIGRATIONS;
use diesel::Connection;
use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::MigrationHarness;

use crate::helpers::TestApp;

/// Every migration can be reverted and applied again.
#[actix_web::test]
async fn migrations_go_down_and_up_again() {
    let app = TestApp::spawn_empty().await;
    let url = app.database_url();
    tokio::task::spawn_blocking(move || {
        let mut conn =
            <AsyncConnectionWrapper<AsyncPgConnection> as Connection>::establish(&url).unwrap();
        conn.revert_all_migrations(MIGRATIONS).unwrap();
        assert!(conn.has_pending_migration(MIGRATIONS).unwrap());
        conn.run_pending_migrations(MIGRATIONS).unwrap();
        assert!(!conn.has_pending_migration(MIGRATIONS).unwrap());
    })
    .await
    .unwrap();
}
