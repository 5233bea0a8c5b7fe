//! Reads from a real streaming replica: a PostgreSQL primary of the test's
//! own and a second cluster made from it with `pg_basebackup -R`, both
//! started here, with `serve` processes using DATABASE_READ_URL. Lists and
//! dashboards come from the replica; a client never sees the state before
//! its own write, even with replay paused; a replica too far behind, or
//! stopped, leaves reads to the primary, and the service stays ready.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use awc::http::StatusCode;
use diesel::QueryableByName;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::helpers::PASSWORD;
use crate::tools::free_port;

/// The newest PostgreSQL installed, as Debian lays it out.
fn postgres_program(name: &str) -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let newest = std::fs::read_dir(root)
        .expect("PostgreSQL's programs in /usr/lib/postgresql")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .max()
        .expect("a PostgreSQL version");
    root.join(newest.to_string()).join("bin").join(name)
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

/// A PostgreSQL program run as the `postgres` user (the server refuses to
/// run as root).
fn as_postgres(name: &str) -> Command {
    let program = postgres_program(name);
    if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn run(command: &mut Command) {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A PostgreSQL cluster in a directory of its own, stopped when dropped.
struct Cluster {
    data: PathBuf,
    port: u16,
}

impl Cluster {
    /// A new primary that streams its WAL to replicas.
    fn primary(root: &Path) -> Cluster {
        let data = root.join("primary");
        run(as_postgres("initdb")
            .args(["-U", "postgres", "--auth=trust", "--no-sync", "-D"])
            .arg(&data));
        let port = free_port();
        let settings = format!(
            "\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
             shared_preload_libraries = 'pg_stat_statements'\nwal_level = replica\n\
             max_wal_senders = 4\nfsync = off\n",
            root.display()
        );
        let conf = data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).expect("postgresql.conf");
        text.push_str(&settings);
        std::fs::write(&conf, text).expect("write postgresql.conf");
        let cluster = Cluster { data, port };
        cluster.start(&[]);
        cluster
    }

    /// A streaming replica of `primary`, on a port of its own.
    fn replica_of(primary: &Cluster, root: &Path) -> Cluster {
        let data = root.join("replica");
        run(as_postgres("pg_basebackup")
            .args(["-h", "127.0.0.1", "-U", "postgres", "-R", "-X", "stream"])
            .args(["-c", "fast", "-p"])
            .arg(primary.port.to_string())
            .arg("-D")
            .arg(&data));
        let cluster = Cluster {
            data,
            port: free_port(),
        };
        cluster.start(&["-p", &cluster.port.to_string()]);
        cluster
    }

    fn start(&self, options: &[&str]) {
        run(as_postgres("pg_ctl")
            .args(["-w", "-t", "60", "-D"])
            .arg(&self.data)
            .arg("-l")
            .arg(self.data.join("server.log"))
            .args(["-o", &options.join(" ")])
            .arg("start"));
    }

    fn stop(&self) {
        run(as_postgres("pg_ctl")
            .args(["-w", "-m", "fast", "-D"])
            .arg(&self.data)
            .arg("stop"));
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_postgres("pg_ctl")
            .args(["-m", "immediate", "-D"])
            .arg(&self.data)
            .arg("stop")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// A directory for the clusters, owned by `postgres`, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let path = std::env::temp_dir().join(format!(
            "dpt-replica-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&path).expect("scratch directory");
        if running_as_root() {
            run(Command::new("chown").arg("postgres:postgres").arg(&path));
        }
        Scratch(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `delivery-tracker serve` process, killed when dropped.
struct Service {
    child: Child,
    address: String,
}

impl Service {
    async fn start(primary: &str, replica: &str, max_lag_ms: u64, demo: bool) -> Service {
        let port = free_port();
        let log = std::env::temp_dir().join(format!("dpt-replica-service-{port}.log"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_delivery-tracker"));
        command.arg("serve");
        if demo {
            command.arg("--demo");
        }
        let child = command
            .env("DATABASE_URL", primary)
            .env("DATABASE_READ_URL", replica)
            .env("DATABASE_READ_MAX_LAG_MS", max_lag_ms.to_string())
            .env("DATABASE_POOL_SIZE", "4")
            .env("DEMO_PASSWORD", PASSWORD)
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("JWT_SECRET", "a-test-only-signing-key-7d1e4b9a03c6f25e8b17")
            .env("COOKIE_SECURE", "false")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("service log"))
            .spawn()
            .expect("start the service");
        let service = Service {
            child,
            address: format!("http://127.0.0.1:{port}"),
        };
        let client = awc::Client::default();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let ready = client
                .get(format!("{}/readyz", service.address))
                .send()
                .await
                .is_ok_and(|r| r.status() == StatusCode::OK);
            if ready {
                return service;
            }
            assert!(
                Instant::now() < deadline,
                "the service did not become ready; see {}",
                log.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

async fn number(url: &str, sql: &str) -> i64 {
    let mut conn = AsyncPgConnection::establish(url).await.expect("connect");
    diesel::sql_query(sql)
        .get_result::<Number>(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

async fn execute(url: &str, sql: &str) {
    let mut conn = AsyncPgConnection::establish(url).await.expect("connect");
    diesel::sql_query(sql)
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Statements that read progress updates, as the server counted them.
async fn update_reads(url: &str) -> i64 {
    number(
        url,
        "SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements \
         WHERE query ILIKE '%progress_updates%' AND query NOT ILIKE '%insert%'",
    )
    .await
}

async fn pause_replay(replica: &str) {
    execute(replica, "SELECT pg_wal_replay_pause()").await;
    for _ in 0..100 {
        let paused = number(
            replica,
            "SELECT (pg_get_wal_replay_pause_state() = 'paused')::int::bigint AS n",
        )
        .await;
        if paused == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("replay did not pause");
}

struct Client {
    http: awc::Client,
}

impl Client {
    async fn token(&self, service: &Service, email: &str) -> String {
        let mut response = self
            .http
            .post(format!("{}/api/v1/auth/login", service.address))
            .send_json(&json!({ "email": email, "password": PASSWORD }))
            .await
            .expect("sign in");
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("tokens");
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// GET with a bearer token and, optionally, a write's position.
    async fn get(
        &self,
        service: &Service,
        token: &str,
        path: &str,
        after: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .get(format!("{}{path}", service.address))
            .bearer_auth(token);
        if let Some(after) = after {
            request = request.insert_header(("read-after-lsn", after));
        }
        let mut response = request.send().await.expect("request");
        let body = response.json().await.unwrap_or(Value::Null);
        (response.status(), body)
    }

    /// Whether the action's latest updates, read through `service`, include
    /// one with this progress text.
    async fn sees(
        &self,
        service: &Service,
        token: &str,
        action: &str,
        text: &str,
        after: Option<&str>,
    ) -> bool {
        let path = format!("/api/v1/actions/{action}/updates?limit=5");
        let (status, page) = self.get(service, token, &path, after).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["progress"] == text)
    }

    /// Posts a progress update; returns the position the answer names.
    async fn report(&self, service: &Service, token: &str, action: &str, text: &str) -> String {
        let response = self
            .http
            .post(format!(
                "{}/api/v1/actions/{action}/updates",
                service.address
            ))
            .bearer_auth(token)
            .send_json(&json!({ "progress": text }))
            .await
            .expect("post an update");
        assert_eq!(response.status(), StatusCode::CREATED);
        response
            .headers()
            .get("read-after-lsn")
            .expect("a write's answer names its position")
            .to_str()
            .unwrap()
            .to_owned()
    }
}

/// The summary card of action A1.1 on a member's home page.
fn card_of_a1_1(page: &str) -> &str {
    let start = page.find(">A1.1: ").expect("A1.1 on the home page");
    let rest = &page[start..];
    let end = rest.find("govuk-summary-card\"").unwrap_or(rest.len());
    &rest[..end]
}

#[actix_web::test]
async fn reads_come_from_the_replica_and_never_from_before_the_readers_own_write() {
    let scratch = Scratch::new();
    let primary = Cluster::primary(&scratch.0);
    let replica = Cluster::replica_of(&primary, &scratch.0);
    let (primary_url, replica_url) = (primary.url("dpt_replicated"), replica.url("dpt_replicated"));
    let a = Service::start(&primary_url, &replica_url, 60_000, true).await;
    execute(&primary_url, "CREATE EXTENSION pg_stat_statements").await;
    // Another instance behind the same load balancer, and one that allows
    // the replica only one second behind the primary.
    let b = Service::start(&primary_url, &replica_url, 60_000, false).await;
    let strict = Service::start(&primary_url, &replica_url, 1_000, false).await;
    let client = Client {
        http: awc::Client::builder()
            .timeout(Duration::from_secs(30))
            .finish(),
    };
    let chair = client.token(&a, "chair@example.org").await;
    let police = client.token(&a, "police@example.org").await;
    let (_, strategies) = client.get(&a, &chair, "/api/v1/strategies", None).await;
    let strategy = strategies["items"][0]["id"].as_str().unwrap().to_owned();
    let dashboard = format!("/api/v1/strategies/{strategy}/dashboard");
    let (_, actions) = client
        .get(&a, &police, "/api/v1/actions?q=A1.1&limit=500", None)
        .await;
    let action = actions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["reference"] == "A1.1")
        .expect("action A1.1")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The dashboard is computed from the replica: its statements run there.
    let (replica_before, primary_before) = (
        update_reads(&replica_url).await,
        update_reads(&primary_url).await,
    );
    // Five different dashboards, so none is answered from the view cache.
    for stale_days in 30..35 {
        let path = format!("{dashboard}?stale_days={stale_days}");
        let (status, body) = client.get(&a, &chair, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let replica_reads = update_reads(&replica_url).await - replica_before;
    let primary_reads = update_reads(&primary_url).await - primary_before;
    assert!(
        replica_reads >= 5,
        "dashboards read the replica: {replica_reads}"
    );
    assert_eq!(primary_reads, 0, "and not the primary");
    // An idle replica is never too far behind, however strict the limit.
    let replica_before = update_reads(&replica_url).await;
    for stale_days in 40..43 {
        let path = format!("{dashboard}?stale_days={stale_days}");
        let (status, body) = client.get(&strict, &chair, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert!(update_reads(&replica_url).await - replica_before >= 3);

    // With replay paused, a writer still sees its own write at once.
    pause_replay(&replica_url).await;
    let written = client.report(&a, &police, &action, "replica check 1").await;
    assert!(
        client
            .sees(&a, &police, &action, "replica check 1", None)
            .await,
        "the instance that took the write remembers it for the writer"
    );
    assert!(
        client
            .sees(&b, &police, &action, "replica check 1", Some(&written))
            .await,
        "another instance, given the write's position, reads the primary"
    );
    assert!(
        !client
            .sees(&b, &police, &action, "replica check 1", None)
            .await,
        "without it, the paused replica answers: it is really behind"
    );
    assert!(
        !client
            .sees(&a, &chair, &action, "replica check 1", None)
            .await,
        "another reader may be served the replica's older state"
    );
    let (status, problem) = client
        .get(&a, &chair, &dashboard, Some("not a position"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Read-After-Lsn")
    );

    // A browser's write is remembered by its cookie, on any instance.
    let mut browser = Browser::at(&a.address);
    browser.sign_in("police@example.org").await;
    browser.switch_to(&b.address);
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .format("%-d %B %Y")
        .to_string();
    let stale_home = browser.get("/").await;
    assert!(
        !card_of_a1_1(&stale_home.body).contains(&today),
        "A1.1 was last reported before today in the demo"
    );
    browser.switch_to(&a.address);
    let page = browser.get(&format!("/actions/{action}")).await;
    let form = format!("/actions/{action}/update");
    let answer = browser
        .post(
            &form,
            &[
                ("csrf_token", &page.csrf()),
                ("version", &page.form_input(&form, "version").unwrap()),
                ("rag", "amber"),
                ("commentary", "Reported through the page."),
                ("progress", "replica check page"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert!(browser.cookie("dpt_read_after").is_some());
    browser.switch_to(&b.address);
    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        card_of_a1_1(&home.body).contains(&today),
        "the home page on another instance shows the browser's own report"
    );

    // Replay resumed: everyone sees the writes.
    execute(&replica_url, "SELECT pg_wal_replay_resume()").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !client
        .sees(&a, &chair, &action, "replica check 1", None)
        .await
    {
        assert!(Instant::now() < deadline, "the replica caught up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Too far behind: an instance allowing one second reads the primary.
    pause_replay(&replica_url).await;
    client.report(&a, &police, &action, "replica check 2").await;
    let posted = Instant::now();
    while !client
        .sees(&strict, &chair, &action, "replica check 2", None)
        .await
    {
        assert!(
            posted.elapsed() < Duration::from_secs(10),
            "a replica more than a second behind is left alone"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let fell_back = posted.elapsed();
    assert!(
        !client
            .sees(&b, &chair, &action, "replica check 2", None)
            .await,
        "one allowed a minute is still used"
    );

    // The replica stopped: reads come from the primary and all is ready.
    replica.stop();
    let (status, _) = client.get(&a, &chair, &dashboard, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        client
            .sees(&b, &chair, &action, "replica check 2", None)
            .await
    );
    let ready = client
        .http
        .get(format!("{}/readyz", a.address))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), StatusCode::OK);
    eprintln!(
        "replica: 5 dashboards ran {replica_reads} statements reading progress updates on the replica, \
         {primary_reads} on the primary; with replay paused, reads left the replica {} ms after a write \
         (DATABASE_READ_MAX_LAG_MS=1000)",
        fell_back.as_millis()
    );
}
