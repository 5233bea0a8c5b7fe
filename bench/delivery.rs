//! The delivery fault scenario (docs/reliability.md), driven by
//! `bench/reliability.sh delivery`: two instances of the service on one
//! database, each running a worker, send webhooks to a real receiver that
//! checks every signature with the `standardwebhooks` package and mail to a
//! real SMTP server that refuses the first messages, while writers change
//! the plan through both instances and the scenario kills each instance with
//! SIGKILL mid-delivery (and restarts it) and takes the receiver down for a
//! while. Afterwards every event of the change feed must have reached the
//! receiver, verified and in feed order, every queued mail the SMTP server,
//! and nothing twice beyond a retry of the same message.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use awc::Client;
use awc::http::StatusCode;
use delivery_tracker::db;
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};

struct Options {
    bin: PathBuf,
    python: PathBuf,
    database_url: String,
    password: String,
    clients: usize,
    seconds: u64,
    base_port: u16,
}

fn options() -> Options {
    let mut o = Options {
        bin: "target/release/delivery-tracker".into(),
        python: "python3".into(),
        database_url: String::new(),
        password: String::new(),
        clients: 8,
        seconds: 30,
        base_port: 18300,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--bin" => o.bin = value.into(),
            "--python" => o.python = value.into(),
            "--database-url" => o.database_url = value,
            "--password" => o.password = value,
            "--clients" => o.clients = value.parse().expect("--clients"),
            "--seconds" => o.seconds = value.parse().expect("--seconds"),
            "--base-port" => o.base_port = value.parse().expect("--base-port"),
            other => panic!("unknown option {other}"),
        }
    }
    o
}

/// A process the scenario started, with its output in a log file.
struct Peer {
    name: String,
    command: Vec<String>,
    env: Vec<(String, String)>,
    log: PathBuf,
    child: Option<Child>,
    port: u16,
}

impl Peer {
    fn new(name: &str, port: u16, command: Vec<String>, env: Vec<(String, String)>) -> Peer {
        let log = PathBuf::from(format!("target/delivery-{name}.log"));
        let _ = std::fs::remove_file(&log);
        Peer {
            name: name.to_owned(),
            command,
            env,
            log,
            child: None,
            port,
        }
    }

    fn start(&mut self) {
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        let child = Command::new(&self.command[0])
            .args(&self.command[1..])
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log"))
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", self.name));
        self.child = Some(child);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{} did not listen on {}",
                self.name,
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: no chance to finish or hand anything back.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn records(&self) -> Vec<Value> {
        let Ok(file) = std::fs::File::open(&self.log) else {
            return Vec::new();
        };
        std::io::BufReader::new(file)
            .lines()
            .map_while(Result::ok)
            .filter(|l| l.starts_with('{'))
            .filter_map(|l| serde_json::from_str(&l).ok())
            .collect()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn script(o: &Options, name: &str, port: u16, args: &[&str]) -> Vec<String> {
    let mut command = vec![
        o.python.display().to_string(),
        Path::new("tests/tools").join(name).display().to_string(),
        "--port".into(),
        port.to_string(),
    ];
    command.extend(args.iter().map(|a| (*a).to_owned()));
    command
}

fn instance(o: &Options, name: &str, port: u16, smtp_port: u16, secret: &str) -> Peer {
    let env = [
        ("DATABASE_URL", o.database_url.clone()),
        ("JWT_SECRET", secret.to_owned()),
        ("BIND_ADDR", format!("127.0.0.1:{port}")),
        ("SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")),
        (
            "MAIL_FROM",
            "Delivery Plan Tracker <tracker@example.org>".to_owned(),
        ),
        ("PUBLIC_URL", format!("http://127.0.0.1:{port}")),
        ("UPDATE_DUE_DAYS", "14".to_owned()),
        ("WEBHOOK_ALLOW_HTTP", "true".to_owned()),
        ("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "true".to_owned()),
        ("LOGIN_ADDRESS_MAX_FAILURES", "1000".to_owned()),
        ("RUST_LOG", "info,tracing_actix_web=off".to_owned()),
    ];
    Peer::new(
        name,
        port,
        vec![o.bin.display().to_string(), "serve".into()],
        env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    )
}

fn client() -> Client {
    Client::builder().timeout(Duration::from_secs(15)).finish()
}

async fn call(
    client: &Client,
    method: &str,
    url: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let request = match method {
        "POST" => client.post(url),
        _ => client.get(url),
    }
    .bearer_auth(token);
    let sent = match body {
        Some(body) => request.send_json(&body).await,
        None => request.send().await,
    };
    match sent {
        Ok(mut response) => {
            let status = response.status();
            let body = response.json().limit(64 << 20).await.unwrap_or(Value::Null);
            (status, body)
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Value::Null),
    }
}

async fn login(client: &Client, url: &str, email: &str, password: &str) -> String {
    let mut response = client
        .post(format!("{url}/api/v1/auth/login"))
        .send_json(&json!({ "email": email, "password": password }))
        .await
        .expect("login request");
    assert_eq!(response.status(), StatusCode::OK, "login as {email}");
    let body: Value = response.json().await.expect("login body");
    body["access_token"].as_str().expect("token").to_owned()
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(pool: &db::Pool, sql: &str) -> i64 {
    let mut conn = pool.get().await.expect("database connection");
    diesel::sql_query(format!("SELECT ({sql})::bigint AS n"))
        .get_result::<Count>(&mut conn)
        .await
        .expect(sql)
        .n
}

/// The chair challenges actions through both instances until `until`
/// (each challenge mails the lead organisation's members), moving to the
/// other instance when one does not answer. How many were accepted.
async fn challenge(clients: usize, urls: [String; 2], token: String, until: Instant) -> usize {
    let c = client();
    let (_, plan) = call(
        &c,
        "GET",
        &format!("{}/api/v1/actions?limit=100", urls[0]),
        &token,
        None,
    )
    .await;
    let actions: Vec<String> = plan["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    assert!(!actions.is_empty(), "the demo's actions: {plan}");
    let mut accepted = 0;
    let mut writers = Vec::new();
    for w in 0..clients {
        let urls = urls.clone();
        let token = token.clone();
        let actions = actions.clone();
        writers.push(actix_web::rt::spawn(async move {
            let c = client();
            let mut done = 0;
            let mut i = w;
            while Instant::now() < until {
                let url = &urls[i % 2];
                let action = &actions[i % actions.len()];
                let body = json!({ "commentary": format!("Challenge {i} from writer {w}: what is the plan to recover?") });
                let (status, _) = call(&c, "POST", &format!("{url}/api/v1/actions/{action}/updates"), &token, Some(body)).await;
                if status == StatusCode::CREATED {
                    done += 1;
                }
                // A busy board's pace, not a flood: each challenge mails
                // the lead's members and is an event for the receiver.
                actix_web::rt::time::sleep(Duration::from_millis(250)).await;
                i += 1;
            }
            done
        }));
    }
    for writer in writers {
        accepted += writer.await.unwrap_or(0);
    }
    accepted
}

/// The feed as an administrator reads it, every page.
async fn feed(url: &str, token: &str) -> Vec<Value> {
    let c = client();
    let mut events = Vec::new();
    let mut since = String::new();
    loop {
        let path = if since.is_empty() {
            format!("{url}/api/v1/changes?limit=500")
        } else {
            format!("{url}/api/v1/changes?limit=500&since={since}")
        };
        let (status, page) = call(&c, "GET", &path, token, None).await;
        assert_eq!(status, StatusCode::OK, "the change feed: {page}");
        let items = page["items"].as_array().cloned().unwrap_or_default();
        events.extend(items);
        since = page["next_cursor"].as_str().unwrap_or_default().to_owned();
        if page["more"] != Value::Bool(true) {
            return events;
        }
    }
}

async fn settle(pool: &db::Pool, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        let pending = count(
            pool,
            "SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')",
        )
        .await;
        let behind = count(
            pool,
            "SELECT count(*) FROM webhook_endpoints WHERE enabled AND position < (SELECT position FROM change_clock)",
        )
        .await;
        if pending == 0 && behind == 0 {
            return true;
        }
        actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    }
    false
}

fn check_webhooks(events: &[Value], received: &[Value]) -> bool {
    let delivered: Vec<&Value> = received
        .iter()
        .filter(|r| r["status"].as_u64().is_some_and(|s| s < 300))
        .collect();
    let unverified = received
        .iter()
        .filter(|r| r["verified"] != Value::Bool(true))
        .count();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut order = Vec::new();
    for r in &delivered {
        let id = r["webhook_id"].as_str().unwrap_or_default().to_owned();
        let n = seen.entry(id).or_default();
        *n += 1;
        if *n == 1 {
            order.push(r["body"].clone());
        }
    }
    let duplicated: usize = seen.values().map(|n| n - 1).sum();
    let in_order = order.as_slice() == events;
    let wanted: HashSet<String> = events.iter().map(Value::to_string).collect();
    let got: HashSet<String> = order.iter().map(Value::to_string).collect();
    let lost = wanted.difference(&got).count();
    println!(
        "  webhooks: events in the feed since the endpoint was registered {}",
        events.len()
    );
    println!(
        "  webhooks: requests received {} (answered 2xx: {})",
        received.len(),
        delivered.len()
    );
    println!(
        "  webhooks: events delivered {}, lost {lost}, delivered again after a cut-off {duplicated}",
        order.len()
    );
    println!("  webhooks: signatures the receiver could not verify {unverified}");
    println!("  webhooks: in feed order: {in_order}");
    lost == 0 && unverified == 0 && in_order
}

fn check_mail(jobs: i64, received: &[Value]) -> bool {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let refused = received
        .iter()
        .filter(|m| m["refused"] == Value::Bool(true))
        .count();
    for m in received.iter().filter(|m| m["message_id"].is_string()) {
        *seen
            .entry(m["message_id"].as_str().unwrap_or_default().to_owned())
            .or_default() += 1;
    }
    let duplicated: usize = seen.values().map(|n| n - 1).sum();
    let lost = (jobs - seen.len() as i64).max(0);
    println!(
        "  mail: messages queued {jobs}; refused by the server (451) {refused}; received {}, lost {lost}, received twice {duplicated}",
        seen.len()
    );
    lost == 0 && jobs > 0
}

async fn scenario(o: Options) -> bool {
    let pool = db::pool(&o.database_url, 2, Duration::from_secs(5)).expect("pool");
    let (smtp_port, receiver_port) = (o.base_port, o.base_port + 1);
    let ports = [o.base_port + 2, o.base_port + 3];
    let urls = ports.map(|p| format!("http://127.0.0.1:{p}"));
    let mut random = [0u8; 48];
    getrandom::fill(&mut random).expect("operating system randomness");
    let secret: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let mut smtp = Peer::new(
        "smtp",
        smtp_port,
        script(&o, "smtp_server.py", smtp_port, &["--refuse-first", "5"]),
        vec![],
    );
    smtp.start();
    let mut instances = [
        instance(&o, "instance-a", ports[0], smtp_port, &secret),
        instance(&o, "instance-b", ports[1], smtp_port, &secret),
    ];
    for i in &mut instances {
        i.start();
    }
    let c = client();
    let admin = login(&c, &urls[0], "admin@example.org", &o.password).await;
    let (status, endpoint) = call(
        &c,
        "POST",
        &format!("{}/api/v1/webhooks", urls[0]),
        &admin,
        Some(json!({ "url": format!("http://127.0.0.1:{receiver_port}/hook"), "description": "delivery scenario" })),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "register the endpoint: {endpoint}"
    );
    // The endpoint receives what changes after it was registered.
    let start = count(&pool, "SELECT position FROM webhook_endpoints").await;
    let signing = endpoint["secret"]
        .as_str()
        .expect("the secret, shown once")
        .to_owned();
    let mut receiver = Peer::new(
        "receiver",
        receiver_port,
        script(
            &o,
            "webhook_receiver.py",
            receiver_port,
            &["--secret", &signing],
        ),
        vec![],
    );
    receiver.start();
    let chair = login(&c, &urls[1], "chair@example.org", &o.password).await;
    let started = Instant::now();
    let until = started + Duration::from_secs(o.seconds);
    let load = actix_web::rt::spawn(challenge(o.clients, urls.clone(), chair, until));
    let at = |fraction: f64| started + Duration::from_secs_f64(o.seconds as f64 * fraction);
    let faults: [(f64, &str); 6] = [
        (0.2, "kill instance-a"),
        (0.3, "start instance-a"),
        (0.4, "stop receiver"),
        (0.6, "start receiver"),
        (0.7, "kill instance-b"),
        (0.8, "start instance-b"),
    ];
    for (fraction, fault) in faults {
        actix_web::rt::time::sleep_until(at(fraction).into()).await;
        println!("  {:>5.1} s: {fault}", started.elapsed().as_secs_f64());
        match fault {
            "kill instance-a" => instances[0].kill(),
            "start instance-a" => instances[0].start(),
            "stop receiver" => receiver.kill(),
            "start receiver" => receiver.start(),
            "kill instance-b" => instances[1].kill(),
            _ => instances[1].start(),
        }
    }
    let accepted = load.await.unwrap_or(0);
    println!("  challenges accepted while the faults ran: {accepted}");
    let settled = settle(&pool, Duration::from_secs(600)).await;
    println!(
        "  all queued work delivered within the wait: {settled} ({:.0} s after the load)",
        started.elapsed().as_secs_f64() - o.seconds as f64
    );
    let events: Vec<Value> = feed(&urls[0], &admin)
        .await
        .into_iter()
        .filter(|e| e["position"].as_i64().is_some_and(|p| p > start))
        .collect();
    let webhooks_ok = check_webhooks(&events, &receiver.records());
    let mail_jobs = count(&pool, "SELECT count(*) FROM jobs WHERE kind = 'mail'").await;
    let webhook_attempts = count(
        &pool,
        "SELECT coalesce(sum(attempts), 0) FROM webhook_deliveries",
    )
    .await;
    let mail_attempts = count(
        &pool,
        "SELECT coalesce(sum(attempts), 0) FROM jobs WHERE kind = 'mail'",
    )
    .await;
    println!("  attempts: webhook requests {webhook_attempts}, mail sends {mail_attempts}");
    let dead = count(&pool, "SELECT count(*) FROM jobs WHERE state = 'dead'").await;
    println!("  dead jobs: {dead}");
    let mail_ok = check_mail(mail_jobs, &smtp.records());
    settled && webhooks_ok && mail_ok && dead == 0
}

fn main() {
    let o = options();
    let ok = actix_web::rt::System::new().block_on(scenario(o));
    println!("delivery: {}", if ok { "PASS" } else { "FAIL" });
    std::process::exit(if ok { 0 } else { 1 });
}
