//! The test harness: each test gets the real application, served over HTTP
//! on a free port, backed by its own PostgreSQL database cloned from a
//! template that is migrated (and, for most tests, loaded with the demo
//! data) once per build.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::dev::ServerHandle;
use actix_web::{HttpServer, web};
use awc::ClientRequest;
use awc::http::StatusCode;
use delivery_tracker::auth::{Identity, JwtKeys};
use delivery_tracker::clock::{Clock, DEFAULT_TIME_ZONE};
use delivery_tracker::db::{self, Pool, quote_identifier, split_database_url};
use delivery_tracker::demo;
use delivery_tracker::domain::webhooks::AddressPolicy;
use delivery_tracker::server;
use delivery_tracker::services::mail::MailLinks;
use delivery_tracker::state::view_cache::ViewCache;
use delivery_tracker::state::{AppState, PageSettings, Reads, WebhookTargets};
use diesel::QueryableByName;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use secrecy::SecretString;
use serde_json::Value;
use tokio::sync::OnceCell;

/// The password of every demo account in tests.
pub const PASSWORD: &str = "correct-horse-battery-staple";
pub const ISSUER: &str = "delivery-tracker";
pub const AUDIENCE: &str = "delivery-tracker-api";

/// The server the tests use; its `postgres` database administers the rest.
fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn database_url(name: &str) -> String {
    let (admin, _) = split_database_url(&server_url()).expect("TEST_DATABASE_URL names a database");
    let at = admin.rfind("/postgres").expect("maintenance database path");
    format!(
        "{}/{name}{}",
        &admin[..at],
        &admin[at + "/postgres".len()..]
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// Migrated, empty.
    Migrated,
    /// Migrated, with the demo data.
    Demo,
}

/// Identifies this build of the test binary, so templates are rebuilt
/// whenever the code that fills them changes.
fn build_id() -> String {
    let exe = std::env::current_exe().expect("test binary path");
    let meta = std::fs::metadata(exe).expect("test binary metadata");
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
        .unwrap_or_default();
    format!("{:x}_{:x}", modified, meta.len())
}

fn template_name(template: Template) -> String {
    let kind = match template {
        Template::Migrated => "migrated",
        Template::Demo => "demo",
    };
    format!("dpt_tpl_{}_{kind}", build_id())
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

async fn admin_connection() -> AsyncPgConnection {
    AsyncPgConnection::establish(&server_url())
        .await
        .expect("PostgreSQL is running (see README: Running the tests)")
}

async fn exec(conn: &mut AsyncPgConnection, sql: &str) {
    diesel::sql_query(sql)
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn database_exists(conn: &mut AsyncPgConnection, name: &str) -> bool {
    !diesel::sql_query("SELECT datname AS name FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(name)
        .load::<Name>(conn)
        .await
        .expect("query pg_database")
        .is_empty()
}

/// Builds both templates once per build, under an advisory lock so that
/// parallel test processes do not race. Templates of builds more than an
/// hour old, and test databases left behind by crashed runs, are dropped on
/// the way (not newer ones: another checkout may be testing with them).
async fn ensure_templates() {
    static READY: OnceCell<()> = OnceCell::const_new();
    READY
        .get_or_init(|| async {
            let mut conn = admin_connection().await;
            exec(&mut conn, "SELECT pg_advisory_lock(727274)").await;
            if !database_exists(&mut conn, &template_name(Template::Demo)).await {
                drop_stale(&mut conn).await;
                for template in [Template::Migrated, Template::Demo] {
                    build_template(&mut conn, template).await;
                }
            }
            exec(&mut conn, "SELECT pg_advisory_unlock(727274)").await;
        })
        .await;
}

async fn drop_stale(conn: &mut AsyncPgConnection) {
    let cutoff = now_secs() - 3600;
    let names = diesel::sql_query(
        "SELECT datname AS name FROM pg_database WHERE datname LIKE 'dpt\\_tpl\\_%' OR datname LIKE 'dpt\\_test\\_%'",
    )
    .load::<Name>(conn)
    .await
    .expect("list test databases");
    for Name { name } in names {
        let stale_test = name
            .strip_prefix("dpt_test_")
            .and_then(|rest| rest.split('_').next())
            .and_then(|ts| ts.parse::<u64>().ok())
            .is_some_and(|ts| ts < cutoff);
        // A template is named after its test binary's build time, in hex.
        let stale_template = name
            .strip_prefix("dpt_tpl_")
            .map(|rest| rest.split('_').next().unwrap_or_default())
            .is_some_and(|built| {
                u64::from_str_radix(built, 16).is_ok_and(|t| t < cutoff) || built.len() > 12
            });
        if stale_template || stale_test {
            exec(
                conn,
                &format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    quote_identifier(&name)
                ),
            )
            .await;
        }
    }
}

async fn build_template(conn: &mut AsyncPgConnection, template: Template) {
    let name = template_name(template);
    // Built under a temporary name and renamed when complete, so a template
    // that exists is always whole.
    let building = format!("{name}_building");
    exec(
        conn,
        &format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_identifier(&building)
        ),
    )
    .await;
    exec(
        conn,
        &format!("CREATE DATABASE {}", quote_identifier(&building)),
    )
    .await;
    let url = database_url(&building);
    db::migrate(&url).await.expect("migrations apply");
    if template == Template::Demo {
        let pool = db::pool(&url, 2, Duration::from_secs(10)).expect("pool");
        demo::load(
            &pool,
            &SecretString::from(PASSWORD),
            &Clock::system(DEFAULT_TIME_ZONE),
        )
        .await
        .expect("demo data loads");
        pool.close();
    }
    exec(
        conn,
        &format!(
            "ALTER DATABASE {} RENAME TO {}",
            quote_identifier(&building),
            quote_identifier(&name)
        ),
    )
    .await;
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

/// A running application with its own database.
pub struct TestApp {
    pub address: String,
    pub client: awc::Client,
    pub pool: Pool,
    pub jwt_secret: Vec<u8>,
    /// The clock the application runs by: the real time, unless the test
    /// set it with `spawn_at`.
    pub clock: Clock,
    database: String,
    server: ServerHandle,
}

impl TestApp {
    /// An application over the demo data.
    pub async fn spawn() -> Self {
        Self::spawn_from(Template::Demo).await
    }

    /// An application over an empty, migrated database.
    pub async fn spawn_empty() -> Self {
        Self::spawn_from(Template::Migrated).await
    }

    /// An application over the demo data whose clock stands at `at` in
    /// the board's time zone until the test moves it with `set_clock`.
    pub async fn spawn_at(at: chrono::DateTime<chrono::Utc>) -> Self {
        Self::spawn_with(Template::Demo, Clock::manual(at, DEFAULT_TIME_ZONE)).await
    }

    /// Moves the clock of an application made by `spawn_at`.
    pub fn set_clock(&self, at: chrono::DateTime<chrono::Utc>) {
        self.clock.set(at);
    }

    async fn spawn_from(template: Template) -> Self {
        Self::spawn_with(template, Clock::system(DEFAULT_TIME_ZONE)).await
    }

    async fn spawn_with(template: Template, clock: Clock) -> Self {
        // Tests deliver webhooks to receivers on this machine over http.
        let open = AddressPolicy {
            allow_http: true,
            allow_private: true,
        };
        Self::spawn_configured(template, clock, open).await
    }

    /// An application over the demo data whose webhook targets follow
    /// `policy` (the production defaults refuse http and private addresses).
    pub async fn spawn_with_webhooks(policy: AddressPolicy) -> Self {
        Self::spawn_configured(Template::Demo, Clock::system(DEFAULT_TIME_ZONE), policy).await
    }

    async fn spawn_configured(template: Template, clock: Clock, webhooks: AddressPolicy) -> Self {
        ensure_templates().await;
        let database = format!("dpt_test_{}_{}", now_secs(), uuid::Uuid::new_v4().simple());
        let mut conn = admin_connection().await;
        exec(
            &mut conn,
            &format!(
                "CREATE DATABASE {} TEMPLATE {}",
                quote_identifier(&database),
                quote_identifier(&template_name(template))
            ),
        )
        .await;
        let pool = db::pool(&database_url(&database), 8, Duration::from_secs(5)).expect("pool");
        let jwt_secret = b"test-signing-key-0123456789abcdefghijklmnop".to_vec();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = listener.local_addr().unwrap().port();
        let state = app_state(
            &pool,
            &clock,
            &jwt_secret,
            port,
            webhooks,
            DEFAULT_VIEW_CACHE_MB,
        );
        let handle = serve(listener, state);
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            client: awc::Client::builder()
                .timeout(Duration::from_secs(60))
                .disable_redirects()
                .finish(),
            pool,
            jwt_secret,
            clock,
            database,
            server: handle,
        }
    }

    /// The connection URL of this test's database.
    pub fn database_url(&self) -> String {
        database_url(&self.database)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn get(&self, path: &str) -> ClientRequest {
        self.client.get(self.url(path))
    }

    pub fn post(&self, path: &str) -> ClientRequest {
        self.client.post(self.url(path))
    }

    pub fn patch(&self, path: &str) -> ClientRequest {
        self.client.patch(self.url(path))
    }

    pub fn delete(&self, path: &str) -> ClientRequest {
        self.client.delete(self.url(path))
    }

    /// Sends a JSON body as the holder of `token` (`POST`, `PATCH`, ...),
    /// with `If-Match` when a tag is given.
    pub async fn send_json(
        &self,
        method: &str,
        path: &str,
        token: &str,
        if_match: Option<&str>,
        body: &Value,
    ) -> awc::ClientResponse<
        impl futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>>
        + Unpin
        + use<>,
    > {
        let method = awc::http::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(tag) = if_match {
            request = request.insert_header(("If-Match", tag));
        }
        request.send_json(body).await.expect("request")
    }

    /// Signs in and returns the whole token response.
    pub async fn login_response(&self, email: &str, password: &str) -> (StatusCode, Value) {
        let mut response = self
            .post("/api/v1/auth/login")
            .send_json(&serde_json::json!({ "email": email, "password": password }))
            .await
            .expect("login request");
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        (response.status(), body)
    }

    /// Signs in as a demo account and returns its access token.
    pub async fn token(&self, email: &str) -> String {
        let (status, body) = self.login_response(email, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "login as {email}: {body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn admin(&self) -> String {
        self.token(demo::ADMIN_EMAIL).await
    }

    /// Runs a scalar count query against this test's database.
    pub async fn count(&self, sql: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.pool.get().await.expect("connection");
        diesel::sql_query(format!("SELECT ({sql})::bigint AS n"))
            .get_result::<Count>(&mut conn)
            .await
            .expect("count query")
            .n
    }

    /// Runs a statement against this test's database (to age a session,
    /// say), as an operator with psql would.
    pub async fn execute(&self, sql: &str) {
        let mut conn = self.pool.get().await.expect("connection");
        exec(&mut conn, sql).await;
    }

    /// A connection of its own to this test's database.
    pub async fn pool_connection(
        &self,
    ) -> diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection> {
        self.pool.get().await.expect("connection")
    }

    /// Runs a query against this test's database and returns its rows as
    /// JSON objects, as PostgreSQL renders them.
    pub async fn rows(&self, sql: &str) -> Vec<Value> {
        let mut conn = self.pool.get().await.expect("connection");
        let text = diesel::sql_query(format!(
            "SELECT coalesce(json_agg(t), '[]'::json)::text AS name FROM ({sql}) t"
        ))
        .get_result::<Name>(&mut conn)
        .await
        .expect("rows query")
        .name;
        serde_json::from_str::<Vec<Value>>(&text).expect("json rows")
    }

    /// The id of the demo strategy.
    pub async fn demo_strategy(&self, token: &str) -> Value {
        let body = self.read(token, "/api/v1/strategies").await;
        body["items"][0].clone()
    }

    /// GETs a path, expecting 200, and returns the JSON body.
    pub async fn read(&self, token: &str, path: &str) -> Value {
        let mut response = self
            .get(path)
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response
            .json::<Value>()
            .limit(4 << 20)
            .await
            .expect("json body")
    }
}

impl TestApp {
    /// The demo action with this reference.
    pub async fn action(&self, token: &str, reference: &str) -> Value {
        let found = self
            .read(token, &format!("/api/v1/actions?q={reference}&limit=500"))
            .await;
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["reference"] == reference)
            .unwrap_or_else(|| panic!("no action {reference}"))
            .clone()
    }

    /// The current ETag of a resource.
    pub async fn etag(&self, token: &str, path: &str) -> String {
        let response = self
            .get(path)
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response
            .headers()
            .get("etag")
            .expect("an ETag")
            .to_str()
            .unwrap()
            .to_owned()
    }

    /// The id of the demo organisation whose name contains `name`.
    pub async fn organisation_id(&self, token: &str, name: &str) -> String {
        let found = self
            .read(
                token,
                &format!("/api/v1/organisations?q={}", name.replace(' ', "%20")),
            )
            .await;
        found["items"][0]["id"]
            .as_str()
            .expect("organisation")
            .to_owned()
    }
}

/// The view cache's size when the service is started without VIEW_CACHE_MB.
const DEFAULT_VIEW_CACHE_MB: u64 = 64;

/// What the application's handlers share, as `serve` builds it, for a
/// test instance listening on `port`. Each call makes new in-process state
/// (as a separate instance has), over the same database, with a view
/// cache of `view_cache_mb` megabytes (the default, 64, unless a test
/// wants it off).
fn app_state(
    pool: &Pool,
    clock: &Clock,
    jwt_secret: &[u8],
    port: u16,
    webhooks: AddressPolicy,
    view_cache_mb: u64,
) -> web::Data<AppState> {
    web::Data::new(AppState {
        pool: pool.clone(),
        reads: Reads::primary_only(pool.clone()),
        clock: clock.clone(),
        identity: Identity {
            jwt: JwtKeys::new(jwt_secret, ISSUER, AUDIENCE, 900),
            refresh_ttl_secs: 3600,
            login_throttle: Default::default(),
            sessions: Default::default(),
        },
        pages: PageSettings {
            cookie_secure: false,
            demo_accounts: Vec::new(),
        },
        stale_days: 60,
        priority_response_days: 42,
        trust_forwarded: false,
        mail: MailLinks::new(&format!("http://127.0.0.1:{port}"), jwt_secret),
        webhooks: WebhookTargets {
            allow_http: webhooks.allow_http,
            allow_private: webhooks.allow_private,
        },
        view_cache: ViewCache::new(view_cache_mb),
    })
}

/// Serves the application on `listener` until stopped.
fn serve(listener: std::net::TcpListener, state: web::Data<AppState>) -> ServerHandle {
    let server = HttpServer::new(move || {
        server::app(state.clone(), vec!["https://board.example.org".into()])
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .expect("listen")
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    handle
}

/// A second instance of the application over a test's database, stopped
/// when dropped.
pub struct Instance {
    pub address: String,
    server: ServerHandle,
}

impl Drop for Instance {
    fn drop(&mut self) {
        drop(self.server.stop(false));
    }
}

impl TestApp {
    /// Another instance of the service on the same database, with state of
    /// its own (as a second process behind a load balancer has).
    pub fn another_instance(&self) -> Instance {
        self.another_instance_with_view_cache(DEFAULT_VIEW_CACHE_MB)
    }

    /// Another instance whose view cache holds `megabytes` (0: off).
    pub fn another_instance_with_view_cache(&self, megabytes: u64) -> Instance {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = listener.local_addr().unwrap().port();
        let open = AddressPolicy {
            allow_http: true,
            allow_private: true,
        };
        let state = app_state(
            &self.pool,
            &self.clock,
            &self.jwt_secret,
            port,
            open,
            megabytes,
        );
        Instance {
            address: format!("http://127.0.0.1:{port}"),
            server: serve(listener, state),
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.server.stop(false));
        self.pool.close();
        let database = self.database.clone();
        // Drop cannot await; a short-lived runtime on another thread removes
        // the database (FORCE ends any connection still open).
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut conn = admin_connection().await;
                let _ = diesel::sql_query(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    quote_identifier(&database)
                ))
                .execute(&mut conn)
                .await;
            });
        })
        .join();
    }
}

/// Reads a response as a problem document, checking its media type.
pub async fn problem(
    mut response: awc::ClientResponse<
        impl futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>>
        + Unpin,
    >,
) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        content_type,
        "application/problem+json",
        "status {}",
        response.status()
    );
    let body: Value = response.json().await.expect("problem body");
    assert_eq!(
        body["status"].as_u64(),
        Some(response.status().as_u16() as u64)
    );
    assert!(body["title"].is_string() && body["detail"].is_string() && body["type"].is_string());
    body
}
