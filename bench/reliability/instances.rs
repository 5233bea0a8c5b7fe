//! Several instances of the service on one database (each `--url` one
//! instance, directly on PostgreSQL or through a pooler): the writers spread
//! over them must be accounted for as with one instance, and sign-in
//! failures spread over them must be counted once, so that five lock the
//! account on every instance.

use std::time::Duration;

use awc::Client;
use awc::http::StatusCode;
use delivery_tracker::db;
use serde_json::json;

use super::{Options, client, count, writers};

/// An account the writers do not use.
const LOCKED_OUT: &str = "viewer@example.org";
/// `LOGIN_MAX_FAILURES`' default.
const FAILURES: usize = 5;

pub async fn instances(o: &Options) -> bool {
    let wrote = writers(o).await;
    let locked = lockout(o).await;
    wrote && locked
}

async fn sign_in(c: &Client, url: &str, password: &str) -> (StatusCode, Option<String>) {
    let response = c
        .post(format!("{url}/api/v1/auth/login"))
        .send_json(&json!({ "email": LOCKED_OUT, "password": password }))
        .await
        .expect("sign-in request");
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (response.status(), retry)
}

async fn lockout(o: &Options) -> bool {
    let c = client();
    println!(
        "lockout: {FAILURES} wrong passwords for {LOCKED_OUT} spread over {} instance(s)",
        o.urls.len()
    );
    let mut failed = Vec::new();
    for n in 0..FAILURES {
        let url = &o.urls[n % o.urls.len()];
        let (status, _) = sign_in(&c, url, "not-the-password").await;
        println!("  wrong password {} at {url}: {status}", n + 1);
        failed.push(status);
    }
    let mut refused = Vec::new();
    for url in &o.urls {
        let (status, retry) = sign_in(&c, url, &o.password).await;
        println!(
            "  then the right password at {url}: {status} (Retry-After: {})",
            retry.as_deref().unwrap_or("none")
        );
        refused.push(status);
    }
    let pool = db::pool(&o.database_url, 1, Duration::from_secs(5)).expect("pool");
    let locks = count(
        &pool,
        &format!(
            "SELECT count(*) FROM audit_events e JOIN users u ON u.id = e.entity_id
             WHERE u.email = '{LOCKED_OUT}' AND e.action = 'lock'"
        ),
    )
    .await;
    println!("  locks audited: {locks} (expected 1)");
    let ok = failed.iter().all(|s| *s == StatusCode::UNAUTHORIZED)
        && refused.iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS)
        && locks == 1;
    println!("lockout: {}", if ok { "PASS" } else { "FAIL" });
    ok
}
