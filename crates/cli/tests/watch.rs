//! Watches end to end on the real binary: watches added with the CLI, articles ingested,
//! deliveries received by a real webhook receiver (a small HTTP server in this test that
//! checks signatures and can fail on demand) and a real SMTP server (Python `aiosmtpd`,
//! from `.ci/venv`; `POLMON_TEST_PYTHON` names another interpreter). A missing SMTP server
//! fails the test.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn polmon(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_polmon"));
    c.arg("--data").arg(data);
    for (k, _) in std::env::vars() {
        if k.starts_with("POLMON_") {
            c.env_remove(k);
        }
    }
    // Quick retries and leases for the tests.
    c.env("POLMON_DELIVER_TIMEOUT_SECS", "1")
        .env("POLMON_DELIVER_RETRY_BASE_SECS", "1")
        .env("POLMON_DELIVER_RETRY_MAX_SECS", "2")
        .env("POLMON_DELIVER_POLL_INTERVAL_MS", "100")
        .env("POLMON_ALLOW_PRIVATE", "1");
    c
}

fn ok(cmd: &mut Command) -> String {
    let out: Output = cmd.output().expect("polmon runs");
    assert!(out.status.success(), "{:?} failed: {}\n{}", cmd, String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Adds a watch; returns (id, token).
fn add_watch(data: &Path, args: &[&str]) -> (i64, String) {
    let out = ok(polmon(data).args(["watch", "add"]).args(args));
    let id = out.lines().find_map(|l| l.strip_prefix("added: ")).expect("added: ID").trim().parse().unwrap();
    let token = out.lines().find_map(|l| l.strip_prefix("token: ")).expect("token: T").trim().to_owned();
    (id, token)
}

/// JSONL articles: `matching` about a budget vote in parliament, `other` about football.
fn articles(dir: &Path, name: &str, from: usize, matching: usize, other: usize) -> PathBuf {
    let mut lines = String::new();
    for i in from..from + matching {
        let text = format!(
            "Parliament voted on the budget today after a long debate, number {i}.\n\n\
             The finance minister said the budget would cut the deficit. Opposition members \
             criticised the plan and promised to fight it in the committee next week."
        );
        lines.push_str(&serde_json::json!({"id": format!("b{i}"), "url": format!("https://news.example/budget-{i}"),
            "title": format!("Budget vote {i}"), "text": text, "language": "en", "source": "news.example"}).to_string());
        lines.push('\n');
    }
    for i in from..from + other {
        let text = format!("The home team won the match {i} in the last minute. Supporters celebrated in the streets of the city until late at night.");
        lines.push_str(&serde_json::json!({"id": format!("f{i}"), "url": format!("https://news.example/football-{i}"),
            "title": format!("Football {i}"), "text": text, "language": "en", "source": "news.example"}).to_string());
        lines.push('\n');
    }
    let path = dir.join(name);
    std::fs::write(&path, lines).unwrap();
    path
}

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
    status: u16,
}

/// How the receiver answers.
const OK: u8 = 0;
const FAIL_500: u8 = 1;
const TOO_MANY: u8 = 2;
const HANG: u8 = 3;
const DROP: u8 = 4;
const NOT_FOUND: u8 = 5;

/// A webhook receiver on loopback that records every request.
struct Receiver {
    addr: String,
    mode: Arc<AtomicU8>,
    log: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let mode = Arc::new(AtomicU8::new(OK));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (m, l) = (Arc::clone(&mode), Arc::clone(&log));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (m, l) = (Arc::clone(&m), Arc::clone(&l));
                std::thread::spawn(move || handle(stream, &m, &l));
            }
        });
        Receiver { addr, mode, log }
    }

    fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }

    fn requests(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }

    /// The idempotency keys of the requests answered 2xx.
    fn delivered_keys(&self) -> Vec<String> {
        self.requests().iter().filter(|r| r.status < 300).map(|r| r.headers["idempotency-key"].clone()).collect()
    }
}

fn handle(mut stream: TcpStream, mode: &AtomicU8, log: &Mutex<Vec<Received>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut headers = HashMap::new();
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    let body = String::from_utf8(body).unwrap();
    let (status, extra) = match mode.load(Ordering::SeqCst) {
        OK => (204, ""),
        FAIL_500 => (500, ""),
        TOO_MANY => (429, "Retry-After: 1\r\n"),
        NOT_FOUND => (404, ""),
        HANG => {
            log.lock().unwrap().push(Received { headers, body, status: 0 });
            std::thread::sleep(Duration::from_secs(30));
            return;
        }
        _ => {
            log.lock().unwrap().push(Received { headers, body, status: 0 });
            return; // connection dropped without an answer
        }
    };
    log.lock().unwrap().push(Received { headers, body, status });
    let _ = write!(stream, "HTTP/1.1 {status} X\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n");
}

/// A real SMTP server: aiosmtpd, writing each message as a JSON line.
struct Smtp {
    child: Child,
    port: u16,
    out: PathBuf,
}

impl Smtp {
    fn start(dir: &Path) -> Smtp {
        let python = std::env::var("POLMON_TEST_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/venv/bin/python"));
        assert!(python.exists(), "{} not found: run .ci/run (it installs aiosmtpd into .ci/venv) or set POLMON_TEST_PYTHON", python.display());
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let out = dir.join("smtp.jsonl");
        let script = r#"
import asyncio, json, sys
from aiosmtpd.controller import Controller
out, port = sys.argv[1], int(sys.argv[2])
class Handler:
    async def handle_DATA(self, server, session, envelope):
        with open(out, "a") as f:
            f.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                                "data": envelope.content.decode("utf8", "replace")}) + "\n")
        return "250 OK"
c = Controller(Handler(), hostname="127.0.0.1", port=port)
c.start()
print("ready", flush=True)
sys.stdin.read()
"#;
        let mut child = Command::new(python)
            .args(["-c", script, out.to_str().unwrap(), &port.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "aiosmtpd did not start");
        Smtp { child, port, out }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn messages(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn each_match_is_delivered_once_by_webhook_and_email() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let hook = Receiver::start();
    let smtp = Smtp::start(dir.path());
    let (id, token) = add_watch(
        &data,
        &["Budget", "--query", "budget parliament -football", "--webhook", &hook.url(), "--email", "press@example.org"],
    );
    let (quiet, _) = add_watch(&data, &["Sport", "--query", "\"home team\""]);
    let listed = ok(polmon(&data).args(["watch", "list", "--json"]));
    assert_eq!(listed.lines().count(), 2);
    ok(polmon(&data).arg("ingest").arg(articles(dir.path(), "a.jsonl", 0, 3, 2)));
    let out = ok(polmon(&data).env("POLMON_SMTP_URL", smtp.url()).args(["deliver", "--once"]));
    assert!(out.contains("deliver: 6 sent"), "{out}");

    let requests = hook.requests();
    assert_eq!(requests.len(), 3);
    let mut articles = HashSet::new();
    for r in &requests {
        assert_eq!(r.headers["content-type"], "application/json");
        assert_eq!(r.headers["x-polmon-signature"], polmon_deliver::webhook::signature(&token, r.body.as_bytes()));
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["watch"]["id"], id);
        assert_eq!(body["idempotency_key"], r.headers["idempotency-key"].as_str());
        assert!(body["article"]["url"].as_str().unwrap().starts_with("https://news.example/budget-"));
        assert!(body["article"]["site_url"].as_str().unwrap().contains("/article/"));
        assert_eq!(body["matched"]["terms"], serde_json::json!(["budget", "parliament"]));
        articles.insert(body["article"]["id"].as_i64().unwrap());
    }
    assert_eq!(articles.len(), 3, "one request per article");

    let mails = smtp.messages();
    assert_eq!(mails.len(), 3);
    for m in &mails {
        assert_eq!(m["to"], serde_json::json!(["press@example.org"]));
        let data = m["data"].as_str().unwrap();
        assert!(data.contains("Subject: [polmon] Budget: Budget vote"), "{data}");
        assert!(data.contains("Content-Type: text/plain") && data.contains("Content-Type: text/html"), "{data}");
        assert!(data.contains("Message-ID: <polmon-"), "{data}");
    }

    // Nothing more to send; ingesting the same articles again sends nothing either.
    ok(polmon(&data).arg("ingest").arg(dir.path().join("a.jsonl")));
    let out = ok(polmon(&data).env("POLMON_SMTP_URL", smtp.url()).args(["deliver", "--once"]));
    assert!(out.contains("deliver: 0 sent"), "{out}");
    assert_eq!(hook.requests().len(), 3);
    assert_eq!(smtp.messages().len(), 3);

    // `watch test` finds what was matched; the quiet watch matched the football articles.
    let test = ok(polmon(&data).args(["watch", "test", &id.to_string()]));
    assert!(test.contains("watch test: 3 of 5 articles match"), "{test}");
    let list = ok(polmon(&data).args(["watch", "list", "--json"]));
    let quiet_line = list.lines().find(|l| l.contains(&format!("\"id\":{quiet}"))).unwrap();
    assert!(quiet_line.contains("\"matches\":2"), "{quiet_line}");

    // The watch's Atom feed and JSON list, opened by its token only.
    let mut serve = polmon(&data).args(["serve", "--addr", "127.0.0.1:0", "--no-crawl"]).stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(serve.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.split("http://").nth(1).and_then(|s| s.trim().strip_suffix('/')).unwrap().to_owned();
    let (status, feed) = get(&addr, &format!("/feeds/watch/{id}?token={token}"));
    assert_eq!(status, 200);
    assert_eq!(feed.matches("<entry").count(), 3, "{feed}");
    assert!(feed.contains("Budget vote"));
    let (status, api) = get(&addr, &format!("/api/watches/{id}/matches?token={token}"));
    assert_eq!(status, 200);
    assert_eq!(api.matches("\"matched\"").count(), 3, "{api}");
    assert_eq!(get(&addr, &format!("/feeds/watch/{id}?token=wrong")).0, 404);
    assert_eq!(get(&addr, &format!("/api/watches/{id}/matches")).0, 404);
    let _ = serve.kill();
    let _ = serve.wait();
}

/// GET over HTTP/1.1 without compression; returns (status, body as text).
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

#[test]
fn a_receiver_that_fails_gets_the_delivery_later_with_the_same_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let hook = Receiver::start();
    add_watch(&data, &["Budget", "--query", "budget", "--webhook", &hook.url()]);
    ok(polmon(&data).arg("ingest").arg(articles(dir.path(), "a.jsonl", 0, 1, 0)));
    for mode in [FAIL_500, TOO_MANY, DROP] {
        hook.set(mode);
        let out = ok(polmon(&data).args(["deliver", "--once"]));
        assert!(out.contains("1 to retry"), "{out}");
        std::thread::sleep(Duration::from_millis(2_100));
    }
    hook.set(OK);
    let out = ok(polmon(&data).args(["deliver", "--once"]));
    assert!(out.contains("deliver: 1 sent"), "{out}");
    let keys: HashSet<String> = hook.requests().iter().map(|r| r.headers["idempotency-key"].clone()).collect();
    assert_eq!(hook.requests().len(), 4);
    assert_eq!(keys.len(), 1, "every attempt carries the same key");

    // A 4xx is permanent: dead-lettered at once and shown by `watch list`.
    hook.set(NOT_FOUND);
    ok(polmon(&data).arg("ingest").arg(articles(dir.path(), "b.jsonl", 10, 1, 0)));
    let out = ok(polmon(&data).args(["deliver", "--once"]));
    assert!(out.contains("1 given up"), "{out}");
    let list = ok(polmon(&data).args(["watch", "list", "--json"]));
    assert!(list.contains("\"dead\":1"), "{list}");
}

#[test]
fn kill_9_of_deliver_or_ingest_loses_no_alert_and_repeats_keep_their_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let hook = Receiver::start();
    add_watch(&data, &["Budget", "--query", "budget", "--webhook", &hook.url()]);

    // An ingest killed part-way: what it stored has its outbox rows.
    let big = articles(dir.path(), "big.jsonl", 0, 120, 40);
    let mut child = polmon(&data).arg("ingest").arg(&big).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1_500));
    child.kill().unwrap();
    child.wait().unwrap();

    // A deliverer killed while the receiver hangs on a request: sent, never recorded.
    hook.set(HANG);
    let mut deliver = polmon(&data).arg("deliver").stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    wait_for("a request in flight", Duration::from_secs(30), || !hook.requests().is_empty());
    deliver.kill().unwrap();
    deliver.wait().unwrap();
    hook.set(OK);

    // Finish the ingest, then deliver until everything stored is delivered.
    ok(polmon(&data).arg("ingest").arg(&big));
    let mut deliver = polmon(&data).arg("deliver").stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    wait_for("120 deliveries", Duration::from_secs(60), || hook.delivered_keys().len() >= 120);
    std::thread::sleep(Duration::from_millis(500));
    deliver.kill().unwrap();
    deliver.wait().unwrap();

    let requests = hook.requests();
    let mut key_of_article: HashMap<i64, HashSet<String>> = HashMap::new();
    for r in &requests {
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        key_of_article.entry(body["article"]["id"].as_i64().unwrap()).or_default().insert(r.headers["idempotency-key"].clone());
    }
    assert_eq!(key_of_article.len(), 120, "every matching article delivered");
    assert!(key_of_article.values().all(|k| k.len() == 1), "a repeat always carries the same key");
    let delivered: HashSet<String> = hook.delivered_keys().into_iter().collect();
    assert_eq!(delivered.len(), 120);
    // The request that hung was repeated after the restart, with its key.
    assert!(requests.len() > 120, "the hung request was sent again");
}
