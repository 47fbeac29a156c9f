//! Live ingestion over the real `polmon` binary against a small HTTP server on
//! 127.0.0.1 run inside the test: feeds, a home page announcing its feed, a Google News
//! sitemap, and misbehaving routes (slow, 500 then 200, a redirect loop, an endless body,
//! a path robots.txt disallows, a redirect to a private address). The server counts the
//! requests per path, so the tests can tell what was fetched, what was refused, and that
//! nothing is fetched twice.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Fetch settings for the tests: no politeness delay, short timeouts, a small body cap.
/// The fetch settings of every run, as environment variables (the configuration's
/// `[fetch]` section).
const FETCH: &[(&str, &str)] = &[
    ("POLMON_FETCH_CONTACT_URL", "mailto:tests@polmon.invalid"),
    ("POLMON_FETCH_PER_HOST_DELAY", "0"),
    ("POLMON_FETCH_READ_TIMEOUT", "1"),
    ("POLMON_FETCH_REQUEST_TIMEOUT", "2"),
    ("POLMON_FETCH_MAX_RETRIES", "1"),
    ("POLMON_FETCH_RETRY_BASE_DELAY", "0.05"),
    ("POLMON_FETCH_RETRY_MAX_DELAY", "0.1"),
    ("POLMON_FETCH_MAX_BODY_BYTES", "262144"),
];

#[derive(Default)]
struct Shared {
    hits: Mutex<HashMap<String, usize>>,
    /// Bumped to change the feed (and the title of `/a1`).
    version: AtomicUsize,
    /// Items of `/big-feed.xml`.
    big: AtomicUsize,
}

struct TestServer {
    port: u16,
    shared: Arc<Shared>,
}

impl TestServer {
    fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared { version: AtomicUsize::new(1), ..Default::default() });
        let s = Arc::clone(&shared);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = Arc::clone(&s);
                std::thread::spawn(move || handle(stream, port, &s));
            }
        });
        TestServer { port, shared }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self, path: &str) -> usize {
        self.shared.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    fn all_hits(&self) -> HashMap<String, usize> {
        self.shared.hits.lock().unwrap().clone()
    }
}

fn page(title: &str, n: usize) -> String {
    let para = format!(
        "<p>The national assembly debated the proposal on {title} for several hours on Tuesday, and the \
         minister said the government would present amendments next week after consulting the regions.</p>"
    );
    format!(
        "<!doctype html><html><head><title>{title}</title><meta charset=utf-8></head><body><article><h1>{title}</h1>{}</article></body></html>",
        para.repeat(n)
    )
}

fn rss(items: &[(String, String)]) -> String {
    let items: String = items
        .iter()
        .map(|(title, link)| {
            let link = link.replace('&', "&amp;");
            format!("<item><title>{title}</title><link>{link}</link><guid>{link}</guid></item>")
        })
        .collect();
    format!(r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Feed</title><link>/</link>{items}</channel></rss>"#)
}

fn handle(mut stream: TcpStream, port: u16, s: &Shared) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut if_none_match = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(v.trim().to_string());
            }
        }
    }
    let hit = {
        let mut hits = s.hits.lock().unwrap();
        let n = hits.entry(path.clone()).or_insert(0);
        *n += 1;
        *n
    };
    let version = s.version.load(Ordering::SeqCst);
    let base = format!("http://127.0.0.1:{port}");
    let send = |stream: &mut TcpStream, status: &str, headers: &str, body: &str| {
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n{body}",
            body.len()
        );
    };
    let html = "Content-Type: text/html; charset=utf-8\r\n";
    match path.as_str() {
        "/robots.txt" => send(&mut stream, "200 OK", "Content-Type: text/plain\r\n", "User-agent: *\nDisallow: /private/\n"),
        "/home.html" => send(
            &mut stream,
            "200 OK",
            html,
            r#"<!doctype html><html><head><title>Home</title><link rel="alternate" type="application/rss+xml" title="Main" href="/feed.xml"></head><body>Home</body></html>"#,
        ),
        "/notasource.html" => send(&mut stream, "200 OK", html, "<!doctype html><html><head><title>Nothing</title></head><body>No feed here.</body></html>"),
        "/feed.xml" => {
            let etag = format!("\"v{version}\"");
            if if_none_match.as_deref() == Some(etag.as_str()) {
                let _ = write!(stream, "HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n");
                return;
            }
            let a1 = if version == 1 { "Budget vote scheduled" } else { "Budget vote postponed" };
            let items: Vec<(String, String)> = [
                (a1, "/a1"),
                ("Second article", "/a2?utm_source=rss&utm_medium=feed"),
                ("Third article", "/a3#comments"),
                ("Disallowed", "/private/secret"),
                ("Flaky", "/flaky"),
                ("Loop", "/loop1"),
                ("Endless", "/endless"),
                ("Slow", "/slow"),
            ]
            .iter()
            .map(|(t, l)| (t.to_string(), format!("{base}{l}")))
            .collect();
            send(&mut stream, "200 OK", &format!("Content-Type: application/rss+xml\r\nETag: {etag}\r\n"), &rss(&items));
        }
        "/private-feed.xml" => {
            let items = vec![("Moved".to_string(), format!("{base}/toprivate")), ("Fine".to_string(), format!("{base}/a3"))];
            send(&mut stream, "200 OK", "Content-Type: application/rss+xml\r\n", &rss(&items));
        }
        "/big-feed.xml" => {
            let n = s.big.load(Ordering::SeqCst);
            let items: Vec<(String, String)> = (0..n).map(|i| (format!("Item {i}"), format!("{base}/p/{i}"))).collect();
            send(&mut stream, "200 OK", "Content-Type: application/rss+xml\r\n", &rss(&items));
        }
        "/sitemap.xml" => {
            let body = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{base}/s1</loc><news:news><news:publication><news:name>Loopback</news:name><news:language>en</news:language></news:publication><news:publication_date>2024-04-02T10:00:00Z</news:publication_date><news:title>Sitemap one</news:title></news:news></url>
<url><loc>{base}/s2?fbclid=abc</loc><news:news><news:publication><news:name>Loopback</news:name><news:language>en</news:language></news:publication><news:publication_date>2024-04-03T10:00:00Z</news:publication_date><news:title>Sitemap two</news:title></news:news></url>
</urlset>"#
            );
            send(&mut stream, "200 OK", "Content-Type: application/xml\r\n", &body);
        }
        "/a1" => {
            let t = if version == 1 { "Budget vote scheduled" } else { "Budget vote postponed" };
            send(&mut stream, "200 OK", html, &page(t, 4));
        }
        "/a2" | "/a3" | "/s1" | "/s2" => send(&mut stream, "200 OK", html, &page(&format!("Article {}", &path[1..]), 4)),
        "/flaky" if hit == 1 => send(&mut stream, "500 Internal Server Error", "", "oops"),
        "/flaky" => send(&mut stream, "200 OK", html, &page("Flaky but fine", 4)),
        "/loop1" => send(&mut stream, "302 Found", "Location: /loop2\r\n", ""),
        "/loop2" => send(&mut stream, "302 Found", "Location: /loop1\r\n", ""),
        "/toprivate" => send(&mut stream, "302 Found", "Location: http://10.1.2.3/inside\r\n", ""),
        "/endless" => {
            let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><body>");
            let chunk = "<p>and on and on</p>".repeat(500);
            while stream.write_all(chunk.as_bytes()).is_ok() {}
        }
        "/slow" => {
            std::thread::sleep(Duration::from_secs(4));
            send(&mut stream, "200 OK", html, &page("Slow", 4));
        }
        p if p.starts_with("/p/") => {
            std::thread::sleep(Duration::from_millis(40));
            send(&mut stream, "200 OK", html, &page(&format!("Generated page {}", &p[3..]), 3));
        }
        _ => send(&mut stream, "404 Not Found", "", "not found"),
    }
}

fn polmon(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_polmon"));
    c.arg("--data")
        .arg(data)
        .env_remove("POLMON_DATA")
        .env_remove("POLMON_ADDR")
        .env_remove("POLMON_LOG")
        .env_remove("POLMON_ALLOW_PRIVATE")
        .env_remove("POLMON_CONFIG")
        .envs(FETCH.iter().copied());
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("polmon runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(cmd: &mut Command) -> String {
    let o = run(cmd);
    assert!(o.status.success(), "failed: {}\n{}", text(&o.stdout), text(&o.stderr));
    text(&o.stdout)
}

fn sources_json(data: &Path) -> Vec<serde_json::Value> {
    ok(polmon(data).args(["sources", "list", "--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn exported(data: &Path) -> Vec<serde_json::Value> {
    ok(polmon(data).args(["export"])).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn http_get(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    text(&raw)
}

#[test]
fn sources_are_added_crawled_politely_and_nothing_is_fetched_twice() {
    let server = TestServer::start();
    let data = tempfile::tempdir().unwrap();
    let data = data.path();

    // A page with no feed is refused with a clear error.
    let o = run(polmon(data).args(["sources", "add", &server.url("/notasource.html"), "--allow-private"]));
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("neither a feed nor a sitemap"), "{}", text(&o.stderr));

    // A home page: its feed is discovered. A Google News sitemap.
    let out = ok(polmon(data).args(["sources", "add", &server.url("/home.html"), "--name", "Loopback News", "--allow-private"]));
    assert!(out.contains(&format!("added: 1 feed {}", server.url("/feed.xml"))), "{out}");
    let out = ok(polmon(data).args(["sources", "add", &server.url("/sitemap.xml"), "--allow-private"]));
    assert!(out.contains("added: 2 sitemap"), "{out}");
    let out = ok(polmon(data).args(["sources", "add", &server.url("/feed.xml"), "--allow-private"]));
    assert!(out.contains("already there: 1"), "{out}");

    // First crawl.
    let robots_before = server.hits("/robots.txt");
    let o = run(polmon(data).args(["crawl", "--once", "--allow-private"]));
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert!(o.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("crawl: 2 sources, 6 new, 0 updated, 4 failed pages, 0 failed sources"), "{stdout}\n{stderr}");
    for (path, why) in [
        ("/private/secret", "robots"),
        ("/loop1", "redirect"),
        ("/endless", "limit"),
        ("/slow", "timed out"),
    ] {
        let line = stderr.lines().find(|l| l.contains(path)).unwrap_or_else(|| panic!("no failure for {path}: {stderr}"));
        assert!(line.to_lowercase().contains(why), "{path}: {line}");
    }
    assert_eq!(server.hits("/private/secret"), 0, "robots.txt disallows it: never requested");
    assert_eq!(server.hits("/robots.txt"), robots_before + 1, "robots.txt is fetched once per host and run");
    assert_eq!(server.hits("/flaky"), 2, "500, then retried");
    assert_eq!(server.hits("/slow"), 2, "timed out, retried once");
    for p in ["/a1", "/a2", "/a3", "/s1", "/s2", "/loop1", "/endless"] {
        assert_eq!(server.hits(p), 1, "{p}");
    }
    let articles = exported(data);
    assert_eq!(articles.len(), 6);
    let urls: Vec<&str> = articles.iter().map(|a| a["url"].as_str().unwrap()).collect();
    assert!(urls.contains(&server.url("/a2").as_str()), "tracking parameters stripped: {urls:?}");
    assert!(urls.contains(&server.url("/s2").as_str()), "{urls:?}");
    assert!(articles.iter().all(|a| a["source"] == "Loopback News" || a["url"].as_str().unwrap().contains("/s")));

    // Second crawl: the feed answers 304, the sitemap lists the same pages: nothing is
    // fetched again except the transient failure.
    let before = server.all_hits();
    let o = run(polmon(data).args(["crawl", "--once", "--allow-private"]));
    let stdout = text(&o.stdout);
    assert!(stdout.contains(&format!("polled {}: not modified", server.url("/feed.xml"))), "{stdout}");
    assert!(stdout.contains("0 new, 0 updated"), "{stdout}");
    let after = server.all_hits();
    for (path, n) in &after {
        let expected = before.get(path).copied().unwrap_or(0) + usize::from(["/feed.xml", "/sitemap.xml", "/robots.txt"].contains(&path.as_str()));
        if path != "/slow" {
            assert_eq!(*n, expected, "{path} fetched again");
        }
    }
    assert_eq!(exported(data).len(), 6);

    // The feed changes the title of /a1: its page is fetched again and the article updated.
    server.shared.version.store(2, Ordering::SeqCst);
    let stdout = ok(polmon(data).args(["crawl", "--once", "--allow-private"]));
    assert!(stdout.contains("0 new, 1 updated"), "{stdout}");
    assert_eq!(server.hits("/a1"), 2);
    let articles = exported(data);
    assert_eq!(articles.len(), 6);
    assert!(articles.iter().any(|a| a["title"] == "Budget vote postponed"));
    assert!(!articles.iter().any(|a| a["title"] == "Budget vote scheduled"));

    // The state is shown.
    let list = sources_json(data);
    assert_eq!(list.len(), 2);
    let feed = &list[0];
    assert_eq!(feed["name"], "Loopback News");
    assert_eq!(feed["kind"], "feed");
    assert!(feed["last_success"].is_string());
    assert_eq!(feed["consecutive_failures"], 0);
    assert!(feed["items_seen"].as_u64().unwrap() >= 4, "{feed}");
    assert_eq!(feed["articles"], 4);
    assert!(feed["last_error"].as_str().unwrap().contains("/slow"), "{feed}");
    assert_eq!(list[1]["kind"], "sitemap");
    let human = ok(polmon(data).args(["sources", "list"]));
    assert!(human.contains("last success:") && human.contains("next due:"), "{human}");

    // The /sources page shows the crawled sources and their state.
    let mut child = polmon(data)
        .args(["serve", "--addr", "127.0.0.1:0", "--no-crawl"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port: u16 = line.rsplit(':').next().unwrap().trim().trim_end_matches('/').parse().unwrap();
    let page = http_get(port, "/sources");
    let _ = child.kill();
    let _ = child.wait();
    assert!(page.contains("Crawled sources") && page.contains("Loopback News"), "{page}");
    assert!(page.contains(&server.url("/sitemap.xml")) && page.contains("Items seen"), "{page}");

    // OPML out, remove, OPML in.
    let opml = ok(polmon(data).args(["sources", "export"]));
    assert!(opml.contains(&server.url("/feed.xml")) && opml.contains("<opml"), "{opml}");
    let file = data.join("sources.opml");
    std::fs::write(&file, &opml).unwrap();
    ok(polmon(data).args(["sources", "remove", "2"]));
    let out = ok(polmon(data).args(["sources", "remove", &server.url("/feed.xml")]));
    assert!(out.contains("removed: 1"), "{out}");
    assert!(sources_json(data).is_empty());
    assert!(!run(polmon(data).args(["sources", "remove", "1"])).status.success());
    let out = ok(polmon(data).args(["sources", "import", file.to_str().unwrap()]));
    assert!(out.contains("import: 2 added"), "{out}");
    assert_eq!(sources_json(data).len(), 2);
}

#[test]
fn private_addresses_are_refused_without_allow_private() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(polmon(data).args(["sources", "add", &server.url("/feed.xml"), "--allow-private"]));
    let o = run(polmon(data).args(["crawl", "--once"]));
    assert!(!o.status.success());
    assert!(text(&o.stdout).contains("1 failed sources"), "{}", text(&o.stdout));
    let list = sources_json(data);
    let err = list[0]["last_error"].as_str().unwrap();
    assert!(err.contains("non-public address") && err.contains("127.0.0.1"), "{err}");
    assert_eq!(list[0]["consecutive_failures"], 1);
    assert_eq!(server.hits("/feed.xml"), 1, "only the probe of `sources add`");

    // Allowing only the test server's address: a redirect to a private address is refused.
    let dir2 = tempfile::tempdir().unwrap();
    let data2 = dir2.path();
    ok(polmon(data2).args(["sources", "add", &server.url("/private-feed.xml"), "--allow-private"]));
    let o = run(polmon(data2).args(["crawl", "--once"]).env("POLMON_FETCH_ALLOWED_ADDRESSES", "[\"127.0.0.1\"]"));
    let stderr = text(&o.stderr);
    assert!(o.status.success(), "{}\n{stderr}", text(&o.stdout));
    let line = stderr.lines().find(|l| l.contains("/toprivate")).unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.contains("10.1.2.3") && line.contains("non-public"), "{line}");
    assert_eq!(exported(data2).len(), 1, "the other item is stored");
}

/// Pages one source has in flight at once (the default of `crawl.max_items_at_once`).
fn polmon_crawl_items_at_once() -> usize {
    let out = ok(Command::new(env!("CARGO_BIN_EXE_polmon")).arg("config").env_remove("POLMON_CRAWL_MAX_ITEMS_AT_ONCE"));
    let line = out.lines().find(|l| l.starts_with("max_items_at_once")).expect("the key is printed");
    line.split('=').nth(1).unwrap().trim().parse().unwrap()
}

#[test]
fn kill_9_during_a_crawl_loses_nothing_and_refetches_nothing() {
    const N: usize = 40;
    let server = TestServer::start();
    server.shared.big.store(N, Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(polmon(data).args(["sources", "add", &server.url("/big-feed.xml"), "--allow-private"]));
    let pages = |s: &TestServer| s.all_hits().iter().filter(|(p, _)| p.starts_with("/p/")).map(|(_, n)| *n).sum::<usize>();

    let mut child = polmon(data).args(["crawl", "--once", "--allow-private"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let start = Instant::now();
    while pages(&server) < N / 3 {
        assert!(start.elapsed() < Duration::from_secs(120), "the crawl did not get going");
        assert!(child.try_wait().unwrap().is_none(), "the crawl ended before the kill");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let fetched_before = pages(&server);
    assert!(fetched_before < N, "killed too late");

    let stdout = ok(polmon(data).args(["crawl", "--once", "--allow-private"]));
    assert!(stdout.contains("crawl: 1 sources"), "{stdout}");
    assert_eq!(exported(data).len(), N, "every page stored");
    let hits = server.all_hits();
    let twice: Vec<_> = hits.iter().filter(|(p, n)| p.starts_with("/p/") && **n > 1).collect();
    // Only the pages in flight at the kill (fetched, not yet stored: at most
    // `crawl.max_items_at_once` of them) may be fetched again.
    let in_flight = polmon_crawl_items_at_once();
    assert!(twice.len() <= in_flight && twice.iter().all(|(_, n)| **n == 2), "fetched again: {twice:?}");
    assert_eq!((0..N).filter(|i| hits.contains_key(&format!("/p/{i}"))).count(), N);

    // And a third run fetches no page at all.
    let before = pages(&server);
    ok(polmon(data).args(["crawl", "--once", "--allow-private"]));
    assert_eq!(pages(&server), before);
}
