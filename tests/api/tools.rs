//! Outside programs the tests run as real peers: a Python with pinned
//! packages (tests/tools/requirements.txt) and processes started from it
//! on a free port, stopped when the test ends.

use std::io::BufRead;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A short digest of the requirements, so a changed file gets a new venv.
fn requirements_digest(text: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

/// The Python of a venv holding the pinned test tools, made on first use.
/// Built under a temporary name and renamed when whole, so parallel test
/// processes never use a half-installed one.
pub fn python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let requirements = root().join("tests/tools/requirements.txt");
            let text =
                std::fs::read_to_string(&requirements).expect("tests/tools/requirements.txt");
            let venv = root().join(format!(".tools/test-python-{}", requirements_digest(&text)));
            let python = venv.join("bin/python");
            if !python.exists() {
                let building = venv.with_extension(format!("building-{}", std::process::id()));
                let _ = std::fs::remove_dir_all(&building);
                run(Command::new("python3").arg("-m").arg("venv").arg(&building));
                run(Command::new(building.join("bin/python"))
                    .args([
                        "-m",
                        "pip",
                        "install",
                        "--quiet",
                        "--disable-pip-version-check",
                        "-r",
                    ])
                    .arg(&requirements));
                // Another process may have finished first; either venv will do.
                if std::fs::rename(&building, &venv).is_err() {
                    let _ = std::fs::remove_dir_all(&building);
                }
                // venv writes its own path into its scripts; `python -m`
                // (the only way these are run) does not use them.
            }
            python
        })
        .clone()
}

fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed (python3 and access to PyPI are needed for the test tools):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A process a test started; killed when dropped.
pub struct Process {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    log: PathBuf,
    script: String,
    args: Vec<String>,
}

impl Process {
    /// Runs `tests/tools/<script>` with the test tools' Python, passing
    /// `--port <free port>` and `args`, and waits until the port accepts
    /// connections. Its output goes to a log file named in any failure.
    pub fn python_script(script: &str, args: &[&str]) -> Process {
        let port = free_port();
        let log = std::env::temp_dir().join(format!("dpt-{script}-{port}.log"));
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let child = spawn(script, port, &args, &log, false);
        let mut process = Process {
            child,
            port,
            log,
            script: script.to_owned(),
            args,
        };
        process.wait_listening();
        process
    }

    /// Starts it again on the same port after `kill`, keeping its log (and
    /// so what it recorded before).
    pub fn restart(&mut self) {
        self.kill();
        self.child = spawn(&self.script, self.port, &self.args, &self.log, true);
        self.wait_listening();
    }

    fn wait_listening(&mut self) {
        let script = &self.script;
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{script} exited ({status}):\n{}", self.output());
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{script} did not listen on {} within 20 s:\n{}",
                self.port,
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What it printed so far.
    pub fn output(&self) -> String {
        std::fs::read(&self.log)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// Its log's lines that are JSON objects (what the tools record).
    pub fn records(&self) -> Vec<serde_json::Value> {
        read_records(&self.log)
    }

    /// Stops it at once (as a crash would).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(script: &str, port: u16, args: &[String], log: &Path, append: bool) -> Child {
    let out = std::fs::OpenOptions::new()
        .create(true)
        .append(append)
        .write(true)
        .truncate(!append)
        .open(log)
        .expect("log file");
    Command::new(python())
        .arg(root().join("tests/tools").join(script))
        .arg("--port")
        .arg(port.to_string())
        .args(args)
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("log file"))
        .stderr(out)
        .spawn()
        .unwrap_or_else(|e| panic!("start {script}: {e}"))
}

fn read_records(path: &Path) -> Vec<serde_json::Value> {
    let Ok(file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter(|line| line.starts_with('{'))
        .filter_map(|line| serde_json::from_str(&line).ok())
        .collect()
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_file(&self.log);
    }
}
