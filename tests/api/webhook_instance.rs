//! The service itself delivers webhooks: its worker, started by `serve`
//! with the settings from the environment, sends the feed's events; killed
//! (SIGKILL) while changes keep coming and started again, it loses none
//! and repeats none.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::helpers::TestApp;
use crate::tools::free_port;
use crate::webhooks::{
    assert_feed_order, change, delivered, endpoint_with_receiver, feed_for, police_action,
};

/// A `delivery-tracker serve` process on the test's database.
struct Instance(Child);

impl Instance {
    fn start(app: &TestApp) -> Instance {
        let child = Command::new(env!("CARGO_BIN_EXE_delivery-tracker"))
            .arg("serve")
            .env("DATABASE_URL", app.database_url())
            .env("BIND_ADDR", format!("127.0.0.1:{}", free_port()))
            .env("JWT_SECRET", "a-test-only-signing-key-4f9c2e7b81d3a6054e1f")
            .env("RUN_JOBS", "true")
            .env("WEBHOOK_ALLOW_HTTP", "true")
            .env("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "true")
            .env("DATABASE_POOL_SIZE", "4")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the service");
        Instance(child)
    }

    /// Stops it at once, as a crash would.
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

#[actix_web::test]
async fn the_service_delivers_and_after_being_killed_loses_and_repeats_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (police, action) = police_action(&app).await;
    let body = json!({ "entities": ["progress_update"] });
    let (endpoint, receiver) = endpoint_with_receiver(&app, &admin, body, &[]).await;
    let mut instance = Instance::start(&app);
    for n in 0..3 {
        change(&app, &police, &action, n).await;
    }
    delivered(&receiver, 3).await;
    // Killed with no job in hand (one in hand would wait out its lease).
    for _ in 0..200 {
        if app
            .count("SELECT count(*) FROM jobs WHERE state = 'running'")
            .await
            == 0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    instance.kill();
    for n in 3..7 {
        change(&app, &police, &action, n).await;
    }
    let _instance = Instance::start(&app);
    let feed = feed_for(&app, &admin, &endpoint).await;
    assert_eq!(feed.len(), 7);
    let records = delivered(&receiver, feed.len()).await;
    assert_eq!(records.len(), 7, "each event sent once");
    assert_feed_order(&records, &feed);
}
