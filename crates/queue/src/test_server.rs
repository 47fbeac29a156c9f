//! A throw-away `nats-server` for tests: JetStream on, a free loopback port, a temporary
//! store folder; killed on drop, restartable on the same port and folder.
//!
//! `nats-server -js -sd DIR -a 127.0.0.1 -p PORT` listens in well under a second. The
//! binary is `$POLMON_NATS_SERVER`, else `nats-server` on `PATH`, else
//! `/usr/sbin/nats-server`; missing, it is an error with a clear message (a test that
//! needs NATS fails rather than skips). A watchdog process kills the server and removes
//! the folder when the test binary exits, however it exits.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::QueueError;

/// A running (or killed, until [`restart`](Self::restart)) test server.
#[derive(Debug)]
pub struct TestNats {
    binary: PathBuf,
    folder: PathBuf,
    port: u16,
    server: Option<Child>,
    watchdog: Option<Child>,
}

fn failed(step: &'static str, detail: impl std::fmt::Display) -> QueueError {
    QueueError::TestServer { step, detail: detail.to_string() }
}

/// The `nats-server` binary to run: `named` (the value of `$POLMON_NATS_SERVER`) if
/// given, else `nats-server` on `PATH`, else `/usr/sbin/nats-server`.
fn find_binary(named: Option<PathBuf>) -> Result<PathBuf, QueueError> {
    if let Some(path) = named {
        if path.is_file() {
            return Ok(path);
        }
        return Err(failed(
            "finding nats-server",
            format!("$POLMON_NATS_SERVER names {}, which is not a file", path.display()),
        ));
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join("nats-server"))
        .find(|path| path.is_file());
    on_path.or_else(|| Some(PathBuf::from("/usr/sbin/nats-server")).filter(|p| p.is_file())).ok_or_else(|| {
        failed(
            "finding nats-server",
            "nats-server is neither on PATH nor at /usr/sbin/nats-server (nor named by $POLMON_NATS_SERVER): \
             install it (apt-get install nats-server) to run these tests",
        )
    })
}

fn free_port() -> Result<u16, QueueError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| failed("finding a free port", e))?;
    Ok(listener.local_addr().map_err(|e| failed("finding a free port", e))?.port())
}

impl TestNats {
    /// Starts a server with an empty store folder on a free port.
    pub fn start() -> Result<TestNats, QueueError> {
        let binary = find_binary(std::env::var_os("POLMON_NATS_SERVER").map(PathBuf::from))?;
        let folder = tempfile::Builder::new()
            .prefix("polmon-nats-")
            .tempdir()
            .map_err(|e| failed("creating the store folder", e))?
            .keep();
        let mut nats = TestNats { binary, folder, port: 0, server: None, watchdog: None };
        nats.watchdog = Some(nats.spawn_watchdog()?);
        // A port found free may be taken before the server binds it: try three.
        let mut last_error = None;
        for _ in 0..3 {
            nats.port = free_port()?;
            match nats.spawn_server() {
                Ok(()) => return Ok(nats),
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.unwrap_or_else(|| failed("starting the server", "no attempt")))
    }

    /// The server's URL, `nats://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// The loopback port (the same after a restart).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.server.as_ref().map(|s| s.id())
    }

    /// The JetStream store folder (the same after a restart).
    pub fn store_folder(&self) -> PathBuf {
        self.folder.join("jetstream")
    }

    /// Kills the server with SIGKILL (`kill -9`: no shutdown, no flush) and waits for it.
    pub fn kill(&mut self) -> Result<(), QueueError> {
        if let Some(mut server) = self.server.take() {
            server.kill().map_err(|e| failed("killing the server", e))?;
            server.wait().map_err(|e| failed("killing the server", e))?;
            let _ = std::fs::remove_file(self.pid_file());
        }
        Ok(())
    }

    /// Starts the server again on the same port and store folder (killing it first if
    /// it runs), and waits until it accepts connections.
    pub fn restart(&mut self) -> Result<(), QueueError> {
        self.kill()?;
        self.spawn_server()
    }

    fn pid_file(&self) -> PathBuf {
        self.folder.join("nats.pid")
    }

    fn log_file(&self) -> PathBuf {
        self.folder.join("nats.log")
    }

    /// Starts `nats-server` and waits (up to 10 s) until its port accepts connections.
    fn spawn_server(&mut self) -> Result<(), QueueError> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_file())
            .map_err(|e| failed("opening the server log", e))?;
        let log_too = log.try_clone().map_err(|e| failed("opening the server log", e))?;
        let mut server = Command::new(&self.binary)
            .arg("-js")
            .arg("-sd")
            .arg(self.store_folder())
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string()])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_too)
            .spawn()
            .map_err(|e| failed("starting the server", format!("{}: {e}", self.binary.display())))?;
        std::fs::write(self.pid_file(), server.id().to_string()).map_err(|e| failed("writing the pid file", e))?;
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                self.server = Some(server);
                return Ok(());
            }
            let exited = server.try_wait().map_err(|e| failed("starting the server", e))?;
            if exited.is_some() || Instant::now() > deadline {
                let _ = server.kill();
                let _ = server.wait();
                let _ = std::fs::remove_file(self.pid_file());
                let log = std::fs::read_to_string(self.log_file()).unwrap_or_default();
                let tail: String =
                    log.lines().rev().take(10).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n");
                let why = match exited {
                    Some(status) => format!("exited ({status})"),
                    None => "did not listen within 10 s".to_owned(),
                };
                return Err(failed("starting the server", format!("nats-server on port {} {why}:\n{tail}", self.port)));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A shell that waits for this process to close its standard input (by exiting or
    /// dropping the server), then kills the server named in the pid file and removes the
    /// folder.
    fn spawn_watchdog(&self) -> Result<Child, QueueError> {
        let quote = |p: &Path| format!("'{}'", p.to_string_lossy().replace('\'', r"'\''"));
        let pid = quote(&self.pid_file());
        let script = format!(
            "cat >/dev/null; if [ -f {pid} ]; then kill -9 \"$(cat {pid})\" 2>/dev/null; fi; rm -rf {}",
            quote(&self.folder)
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

impl Drop for TestNats {
    fn drop(&mut self) {
        let _ = self.kill();
        if let Some(mut watchdog) = self.watchdog.take() {
            // Closing its input makes the watchdog clean up.
            if let Some(mut input) = watchdog.stdin.take() {
                let _ = input.flush();
            }
            let _ = watchdog.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_binary_is_an_error_naming_it() {
        let error = find_binary(Some(PathBuf::from("/nonexistent/nats-server"))).unwrap_err().to_string();
        assert!(error.contains("/nonexistent/nats-server") && error.contains("not a file"), "{error}");
    }

    #[test]
    fn the_server_is_killed_and_its_folder_removed_on_drop() {
        let nats = TestNats::start().unwrap_or_else(|e| panic!("{e}"));
        let (port, folder) = (nats.port(), nats.folder.clone());
        assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
        drop(nats);
        assert!(TcpStream::connect(("127.0.0.1", port)).is_err(), "nothing listens after the drop");
        assert!(!folder.exists(), "{} removed", folder.display());
    }
}
