//! A throw-away PostgreSQL cluster for tests: `initdb` into a temporary folder, a server
//! on a free loopback port, one fresh database per test.
//!
//! Started once per test binary ([`TestCluster::shared`]), in about 1.5 s. As root
//! (`initdb` refuses to run as root) the cluster belongs to the `postgres` user and its
//! commands run through `runuser`. A watchdog process stops the server and removes the
//! folder when the test binary exits, however it exits (a static is never dropped).
//! PostgreSQL missing is an error with a clear message, never a skipped test.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::PgStoreError;

/// A running throw-away cluster.
#[derive(Debug)]
pub struct TestCluster {
    folder: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres_user: bool,
    watchdog: Option<Child>,
    next_database: AtomicUsize,
    startup: Duration,
}

fn failed(step: &'static str, detail: impl std::fmt::Display) -> PgStoreError {
    PgStoreError::TestCluster { step, detail: detail.to_string() }
}

/// The folder holding `initdb`, `pg_ctl` and `postgres`: on `PATH`, else the newest
/// `/usr/lib/postgresql/VERSION/bin`.
fn find_binaries() -> Result<PathBuf, PgStoreError> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file());
    if let Some(dir) = on_path {
        return Ok(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| bin.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        failed(
            "finding PostgreSQL",
            "initdb and pg_ctl are neither on PATH nor in /usr/lib/postgresql/*/bin: install PostgreSQL \
             (apt-get install postgresql) to run these tests",
        )
    })
}

/// Whether this process runs as root (the owner of `/proc/self`).
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false)
}

fn free_port() -> Result<u16, PgStoreError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| failed("finding a free port", e))?;
    Ok(listener.local_addr().map_err(|e| failed("finding a free port", e))?.port())
}

impl TestCluster {
    /// The cluster of this test binary, started on first use. Panics with the reason
    /// when it cannot start (PostgreSQL missing, `initdb` failing): a test that needs
    /// PostgreSQL fails rather than skips.
    pub fn shared() -> &'static TestCluster {
        static SHARED: OnceLock<Result<TestCluster, String>> = OnceLock::new();
        match SHARED.get_or_init(|| TestCluster::start().map_err(|e| e.to_string())) {
            Ok(cluster) => cluster,
            Err(e) => panic!("{e}"),
        }
    }

    /// Initialises and starts a new cluster.
    pub fn start() -> Result<TestCluster, PgStoreError> {
        let started = Instant::now();
        let bin = find_binaries()?;
        let as_postgres_user = running_as_root();
        let folder = tempfile::Builder::new()
            .prefix("polmon-pg-")
            .tempdir()
            .map_err(|e| failed("creating the cluster folder", e))?
            .keep();
        let data = folder.join("data");
        std::fs::create_dir(&data).map_err(|e| failed("creating the cluster folder", e))?;
        if as_postgres_user {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| failed("opening the cluster folder to the postgres user", e))?;
            run(Command::new("chown").args(["postgres:postgres"]).arg(&data), "giving the cluster folder to postgres")?;
        }
        let mut cluster = TestCluster {
            folder,
            bin,
            port: 0,
            as_postgres_user,
            watchdog: None,
            next_database: AtomicUsize::new(0),
            startup: Duration::ZERO,
        };
        run(
            cluster
                .command("initdb")
                .args(["-A", "trust", "--no-sync", "-U", "postgres", "-E", "UTF8", "-D"])
                .arg(&data),
            "initdb",
        )?;
        cluster.watchdog = Some(cluster.spawn_watchdog()?);
        cluster.start_server()?;
        cluster.startup = started.elapsed();
        Ok(cluster)
    }

    /// Starts the server on a free port (a port found free may be taken before the
    /// server binds it: tries three).
    fn start_server(&mut self) -> Result<(), PgStoreError> {
        let data = self.data();
        let log = data.join("server.log");
        let mut last_error = None;
        for _ in 0..3 {
            self.port = free_port()?;
            let options = format!("-p {} -k {} -c fsync=off -c listen_addresses=127.0.0.1", self.port, data.display());
            let start = self
                .command("pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .args(["-o", &options, "-w", "start"])
                .output();
            match start {
                Ok(out) if out.status.success() => return Ok(()),
                Ok(out) => {
                    let server_log = std::fs::read_to_string(&log).unwrap_or_default();
                    last_error = Some(failed(
                        "starting the server",
                        format!(
                            "{}{}\n{server_log}",
                            String::from_utf8_lossy(&out.stdout),
                            String::from_utf8_lossy(&out.stderr)
                        ),
                    ));
                }
                Err(e) => last_error = Some(failed("starting the server", e)),
            }
        }
        Err(last_error.unwrap_or_else(|| failed("starting the server", "no attempt")))
    }

    /// Starts the server again after [`stop`](Self::stop), on the same port.
    pub fn restart(&self) -> Result<(), PgStoreError> {
        let data = self.data();
        let options = format!("-p {} -k {} -c fsync=off -c listen_addresses=127.0.0.1", self.port, data.display());
        run(
            self.command("pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(data.join("server.log"))
                .args(["-o", &options, "-w", "start"]),
            "pg_ctl restart",
        )
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// How long `initdb` and the server's start took.
    pub fn startup_time(&self) -> Duration {
        self.startup
    }

    /// Creates an empty database and returns its connection string.
    pub fn create_database(&self) -> Result<String, PgStoreError> {
        let n = self.next_database.fetch_add(1, Ordering::Relaxed);
        let name = format!("t_{}_{n}", std::process::id());
        let mut admin = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        Ok(self.url(&name))
    }

    /// The connection string of database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Stops the server at once (`pg_ctl -m immediate stop`), as a crash would.
    pub fn stop(&self) -> Result<(), PgStoreError> {
        run(self.command("pg_ctl").arg("-D").arg(self.data()).args(["-m", "immediate", "stop"]), "pg_ctl stop")
    }

    fn data(&self) -> PathBuf {
        self.folder.join("data")
    }

    /// A PostgreSQL program, run as the `postgres` user when this process is root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    /// A shell that waits for this process to close its standard input (by exiting),
    /// then stops the server and removes the folder.
    fn spawn_watchdog(&self) -> Result<Child, PgStoreError> {
        let stop = self.command("pg_ctl");
        let mut line = vec![stop.get_program().to_owned()];
        line.extend(stop.get_args().map(|a| a.to_owned()));
        let quote = |s: &std::ffi::OsStr| format!("'{}'", s.to_string_lossy().replace('\'', r"'\''"));
        let script = format!(
            "cat >/dev/null; {} -D {} -m immediate stop >/dev/null 2>&1; rm -rf {}",
            line.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" "),
            quote(self.data().as_os_str()),
            quote(self.folder.as_os_str())
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| failed("starting the watchdog", e))
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        if let Some(mut watchdog) = self.watchdog.take() {
            // Closing its input makes the watchdog stop the server and clean up.
            if let Some(mut input) = watchdog.stdin.take() {
                let _ = input.flush();
            }
            let _ = watchdog.wait();
        }
    }
}

fn run(command: &mut Command, step: &'static str) -> Result<(), PgStoreError> {
    let out =
        command.stdin(Stdio::null()).output().map_err(|e| failed(step, format!("{:?}: {e}", command.get_program())))?;
    if out.status.success() {
        return Ok(());
    }
    Err(failed(
        step,
        format!(
            "{} ({}): {}{}",
            Path::new(command.get_program()).display(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    ))
}
