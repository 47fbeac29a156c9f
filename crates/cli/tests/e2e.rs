//! End-to-end tests over the real `polmon` binary: ingest into a temporary data folder,
//! serve on an ephemeral loopback port, and read pages, API and feeds as a client would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn polmon(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_polmon"));
    c.arg("--data").arg(data).env_remove("POLMON_DATA").env_remove("POLMON_ADDR").env_remove("POLMON_LOG").env_remove("POLMON_CONFIG");
    c
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("polmon runs");
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Parses "ingest: N new, N updated, N skipped, N failed".
fn summary(o: &Output) -> (usize, usize, usize, usize) {
    let text = stdout(o);
    let line = text.lines().find(|l| l.starts_with("ingest:")).unwrap_or_else(|| panic!("no summary in {text:?} / {}", stderr(o)));
    let nums: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    (nums[0], nums[1], nums[2], nums[3])
}

fn demo_corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "demo files: {files:?}");
    files
}

fn demo_count() -> usize {
    demo_corpus().iter().map(|p| std::fs::read_to_string(p).unwrap().lines().filter(|l| !l.trim().is_empty()).count()).sum()
}

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(data: &Path) -> Server {
        let mut child = polmon(data)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.trim().strip_suffix('/'))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Server { child, addr }
    }

    /// GET `path`; returns (status, content type, body).
    fn get(&self, path: &str) -> (u16, String, String) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        let ctype = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-type:").map(|v| v.trim().to_string()))
            .unwrap_or_default();
        let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.to_string() };
        (status, ctype, body)
    }

    fn json(&self, path: &str) -> serde_json::Value {
        let (status, ctype, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        assert!(ctype.contains("json"), "{path}: {ctype}");
        serde_json::from_str(&body).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(mut b: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = b.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        b = &rest[n + 2..];
    }
    out
}

fn count_links(html: &str, prefix: &str) -> usize {
    html.matches(&format!("href=\"{prefix}")).count()
}

#[test]
fn demo_corpus_is_ingested_served_and_reingest_is_idempotent() {
    let data = tempfile::tempdir().unwrap();
    let out = run(polmon(data.path()).args(["demo", "--no-serve"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let total = demo_count();
    assert!(total >= 100);
    assert_eq!(summary(&out), (total, 0, 0, 0));

    // Idempotent: the same inputs again add nothing.
    let again = run(polmon(data.path()).arg("ingest").args(demo_corpus()));
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(summary(&again), (0, 0, total, 0));

    // Export: one line per article with the documented fields.
    let export = run(polmon(data.path()).args(["export", "--format", "jsonl"]));
    assert!(export.status.success());
    let rows: Vec<serde_json::Value> = stdout(&export).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), total);
    for key in ["id", "external_id", "url", "title", "language", "published", "source", "category", "text", "related", "story_id", "duplicate_of"] {
        assert!(rows[0].get(key).is_some(), "export lacks {key}: {}", rows[0]);
    }
    let langs: std::collections::BTreeSet<&str> = rows.iter().filter_map(|r| r["language"].as_str()).collect();
    assert!(langs.contains("fr") && langs.contains("en"), "{langs:?}");
    assert!(rows.iter().all(|r| r["related"].as_array().unwrap().len() == 4));

    let server = Server::start(data.path());

    // Home: categories with articles.
    let (status, ctype, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/html"));
    assert!(count_links(&home, "/article/") >= 4, "{home}");
    assert!(home.contains("href=\"/category/"));

    // Article page in the reference layout.
    let first = &rows[0];
    let id = first["id"].as_i64().unwrap();
    // (The original text: the server translates foreign articles in the background.)
    let (status, _, page) = server.get(&format!("/article/{id}?lang=original"));
    assert_eq!(status, 200);
    assert!(page.contains("<nav class=\"breadcrumb\"><a href=\"/\">Home</a> › <a href=\"/category/"), "{page}");
    assert!(page.contains(&format!("<h1>{}</h1>", html_escape(first["title"].as_str().unwrap()))));
    assert!(page.contains("This article is originally published on <a href=\""), "credit line missing");
    let related = page.split("<h2>Related Articles</h2>").nth(1).expect("related box");
    assert_eq!(count_links(related, "/article/"), 4, "{related}");
    assert_eq!(related.matches("class=\"excerpt\"").count(), 4, "each related article has an excerpt: {related}");

    // Category page, with pagination and its feed.
    let category = first["category"].as_str().unwrap();
    let (status, _, cat) = server.get(&format!("/category/{category}"));
    assert_eq!(status, 200);
    assert!(cat.contains("href=\"/feeds/category/"));
    let (status, ctype, feed) = server.get(&format!("/feeds/category/{category}"));
    assert_eq!(status, 200);
    assert!(ctype.contains("atom+xml"));
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">") && feed.contains("<entry"));

    // Search with highlights, filters, and the JSON API.
    let (status, _, search) = server.get("/search?q=gouvernement&lang=fr");
    assert_eq!(status, 200);
    assert!(search.contains("<b>"), "no highlight in search page");
    let api = server.json("/api/search?q=gouvernement&lang=fr");
    assert!(api["total"].as_u64().unwrap() > 0);
    assert!(api["hits"].as_array().unwrap().iter().all(|h| h["language"] == "fr"));
    let en_only = server.json("/api/search?q=gouvernement&lang=en");
    assert!(en_only["total"].as_u64().unwrap() < api["total"].as_u64().unwrap());
    let list = server.json("/api/articles?per_page=5&page=2");
    assert_eq!(list["total"].as_u64().unwrap() as usize, total);
    assert_eq!(list["articles"].as_array().unwrap().len(), 5);
    let one = server.json(&format!("/api/articles/{id}"));
    assert_eq!(one["title"], first["title"]);
    assert_eq!(one["related"].as_array().unwrap().len(), 4);
    let (status, ctype, _) = server.get("/feeds/search?q=election");
    assert_eq!(status, 200);
    assert!(ctype.contains("atom+xml"));

    // Stories, entities and their pages.
    let (status, _, stories) = server.get("/stories");
    assert_eq!(status, 200);
    assert!(stories.contains("<h1>Stories</h1>"));
    let story_id = first["story_id"].as_i64().expect("every article has a story");
    let (status, _, story) = server.get(&format!("/story/{story_id}"));
    assert_eq!(status, 200);
    assert!(story.contains("Timeline") && story.contains(&format!("href=\"/article/{id}\"")));
    let (status, _, entities) = server.get("/entities");
    assert_eq!(status, 200);
    let entity_link = entities.split("href=\"/entity/").nth(1).expect("an entity link").split('"').next().unwrap().to_string();
    let (status, _, entity) = server.get(&format!("/entity/{entity_link}"));
    assert_eq!(status, 200);
    assert!(entity.contains("<h2>Articles</h2>"));
    let api_entity = server.json(&format!("/api/entities/{entity_link}"));
    assert!(api_entity["articles"].as_array().unwrap().len() >= 1);

    // Errors: unknown ids are 404 pages, bad parameters 400 with a message, never 500.
    let (status, _, body) = server.get("/article/999999");
    assert_eq!(status, 404);
    assert!(body.contains("There is no article"));
    assert_eq!(server.get("/article/not-a-number").0, 404);
    assert_eq!(server.get("/no/such/page").0, 404);
    let (status, _, body) = server.get("/search?q=x&from=yesterday");
    assert_eq!(status, 400);
    assert!(body.contains("from must be a date"));
    let (status, ctype, body) = server.get("/api/articles?page=-1");
    assert_eq!(status, 400);
    assert!(ctype.contains("json") && body.contains("page must be"));
    assert_eq!(server.get("/api/articles/123456789").0, 404);
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[test]
fn scripts_from_ingested_pages_never_reach_the_browser_and_bad_files_are_skipped() {
    let data = tempfile::tempdir().unwrap();
    let inputs = tempfile::tempdir().unwrap();
    std::fs::write(
        inputs.path().join("evil.html"),
        r#"<html><head><title>Evil</title></head><body><h1>Ministers meet in Paris</h1>
        <p>The ministers met on Tuesday <script>alert('pwned')</script> to discuss the budget of the armed forces.</p>
        <p>They <img src=x onerror="alert('img')"> agreed to meet again in May &lt;script&gt;alert('escaped')&lt;/script&gt;.</p>
        </body></html>"#,
    )
    .unwrap();
    std::fs::write(inputs.path().join("broken.jsonl"), "{\"title\": \"ok\", \"text\": \"A good line.\"}\n{not json\n").unwrap();
    std::fs::write(inputs.path().join("garbage.rss"), "<rss><channel><item><title>x").unwrap();
    let out = run(polmon(data.path()).arg("ingest").arg(inputs.path()));
    assert_eq!(out.status.code(), Some(1), "a failed input makes the exit status 1");
    let (new, _, _, failed) = summary(&out);
    assert_eq!(new, 2, "{}", stderr(&out));
    assert!(failed >= 1);
    let err = stderr(&out);
    assert!(err.contains("broken.jsonl:2"), "{err}");

    let server = Server::start(data.path());
    let list = server.json("/api/articles");
    let evil = list["articles"].as_array().unwrap().iter().find(|a| a["title"].as_str().unwrap().contains("Ministers")).expect("the page landed");
    let (status, _, page) = server.get(&format!("/article/{}", evil["id"]));
    assert_eq!(status, 200);
    assert!(!page.contains("alert('pwned')"), "script content leaked");
    assert!(!page.contains("<script>alert"), "a script tag reached the page");
    assert!(!page.contains("onerror"), "an event handler reached the page");
    let (_, _, search) = server.get("/search?q=ministers");
    assert!(!search.contains("<script>alert"));
}

#[test]
fn article_page_shows_people_with_roles_and_quotes_with_speakers() {
    let data = tempfile::tempdir().unwrap();
    let inputs = tempfile::tempdir().unwrap();
    let text = "The Minister of Foreign Affairs Jean Dupuis travelled to Brussels on Monday to meet his counterparts from the European Union.\n\n\
        “We will not accept any delay on the sanctions,” Dupuis told reporters after the meeting, adding that the talks would go on “as long as needed”.\n\n\
        Negotiations\n\n\
        The German Chancellor Anna Weber said that Berlin supported the proposal.";
    let line = serde_json::json!({"id": "x1", "url": "https://www.rtl.be/info/monde/sanctions-123", "title": "Sanctions: the ministers meet in Brussels", "text": text, "published": "2024-04-02T10:00:00Z", "language": "en", "source": "RTL Info"});
    std::fs::write(inputs.path().join("one.jsonl"), format!("{line}\n")).unwrap();
    let out = run(polmon(data.path()).arg("ingest").arg(inputs.path().join("one.jsonl")));
    assert!(out.status.success(), "{}", stderr(&out));
    let server = Server::start(data.path());
    let (status, _, page) = server.get("/article/1");
    assert_eq!(status, 200);
    assert!(page.contains("This article is originally published on <a href=\"https://www.rtl.be/info/monde/sanctions-123\""), "{page}");
    assert!(page.contains(">rtl.be</a>"), "the credit names the domain");
    assert!(page.contains("<h2>Negotiations</h2>"), "the subheading is rendered as one");
    let people = page.split("<h2>People</h2>").nth(1).expect("a people section");
    assert!(people.contains("Jean Dupuis</a> — Minister of Foreign Affairs"), "{people}");
    let quotes = page.split("<h2>Quotes</h2>").nth(1).expect("a quotes section");
    assert!(quotes.contains("We will not accept any delay on the sanctions"));
    assert!(quotes.contains(">Jean Dupuis</a>"), "the quote's speaker links to the entity: {quotes}");
    let record = server.json("/api/articles/1");
    assert!(record["entities"].as_array().unwrap().iter().any(|e| e["canonical"] == "Jean Dupuis" && e["type"] == "person"));
    assert!(record["quotes"].as_array().unwrap().iter().any(|q| q["speaker_canonical"] == "Jean Dupuis"));
}

#[test]
fn kill_9_in_mid_ingest_loses_nothing() {
    let data = tempfile::tempdir().unwrap();
    let inputs = tempfile::tempdir().unwrap();
    let n = 1500;
    let mut jsonl = String::new();
    for i in 0..n {
        jsonl.push_str(&serde_json::json!({
            "id": format!("doc-{i}"),
            "url": format!("https://news.example/{i}"),
            "title": format!("Article number {i} on the parliament vote"),
            "text": format!("Paragraph one of article {i}. The parliament voted on measure {i}.\n\nA second paragraph with more words about item {i}."),
            "language": "en",
        }).to_string());
        jsonl.push('\n');
    }
    let file = inputs.path().join("many.jsonl");
    std::fs::write(&file, jsonl).unwrap();

    let mut child = polmon(data.path())
        .arg("ingest")
        .arg(&file)
        .env("POLMON_LOG", "polmon::ingest=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stored = 0;
    let reader = BufReader::new(child.stderr.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(120);
    for line in reader.lines() {
        if line.unwrap().contains("stored") {
            stored += 1;
        }
        if stored >= 200 || Instant::now() > deadline {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(stored >= 200, "the ingest was killed before it stored 200 articles");

    // The folder opens and a second run completes what is missing.
    let out = run(polmon(data.path()).arg("ingest").arg(&file));
    assert!(out.status.success(), "{}", stderr(&out));
    let (new, updated, skipped, failed) = summary(&out);
    assert_eq!(failed, 0);
    assert_eq!(updated, 0);
    assert_eq!(new + skipped, n);
    assert!(skipped >= 200, "articles stored before the kill were lost: {skipped}");
    let export = run(polmon(data.path()).args(["export", "--format", "jsonl"]));
    let ids: std::collections::BTreeSet<String> = stdout(&export)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["external_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), n, "every article stored exactly once");

    // Every article is searchable: the index caught up with the store.
    let server = Server::start(data.path());
    let r = server.json("/api/search?q=parliament&per_page=1");
    assert_eq!(r["total"].as_u64().unwrap() as usize, n);
}

#[test]
fn a_data_folder_from_a_newer_version_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let out = run(polmon(data.path()).args(["sources", "list"]));
    assert!(out.status.success());
    // Bump the schema version past what this build knows, the way a newer build would.
    let db = data.path().join("polmon.sqlite3");
    let mut bytes = std::fs::read(&db).unwrap();
    // SQLite keeps user_version as a big-endian u32 at offset 60 of the header.
    bytes[60..64].copy_from_slice(&999u32.to_be_bytes());
    std::fs::write(&db, bytes).unwrap();
    let out = run(polmon(data.path()).args(["export"]));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("newer Politics Monitor"), "{}", stderr(&out));
}

#[test]
fn extract_and_analyze_and_similarity_commands_speak_their_contracts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.html"),
        "<html><body><nav><a href='/'>Home</a> <a href='/politics'>Politics</a></nav><article><h1>Title here</h1>\
         <p>Body paragraph of the page, long enough to read as the article: the parliament met on Tuesday to vote on the budget.</p>\
         <p>A second paragraph follows, with the reactions of the ministers and of the opposition parties to the vote.</p></article></body></html>",
    )
    .unwrap();
    std::fs::write(dir.path().join("b.html.gz"), b"not gzip").unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_polmon")).args(["extract", "--format", "json"]).arg(dir.path()));
    assert_eq!(out.status.code(), Some(1), "one input failed");
    let lines: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["text"].as_str().unwrap().contains("Body paragraph"));
    assert!(lines[1]["error"].is_string());

    let pairs = dir.path().join("pairs.jsonl");
    std::fs::write(&pairs, "{\"id\": \"p1\", \"text1\": \"the vote in parliament\", \"text2\": \"the vote in parliament\"}\n{\"id\": \"p2\", \"text1\": \"apples\", \"text2\": \"the vote in parliament\"}\n").unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_polmon")).args(["similarity", "--pairs"]).arg(&pairs));
    assert!(out.status.success());
    let scores: Vec<f64> = stdout(&out).lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["score"].as_f64().unwrap()).collect();
    assert!(scores[0] > scores[1]);
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)));

    let docs = dir.path().join("docs.jsonl");
    std::fs::write(&docs, "{\"id\": \"d1\", \"text\": \"Le gouvernement a présenté le budget.\"}\n").unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_polmon")).args(["analyze", "--jsonl"]).arg(&docs));
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    assert_eq!(v["id"], "d1");
    assert!(v["entities"].is_array() && v["quotes"].is_array() && v["categories"].is_array());
}

/// Sends `request` (a whole HTTP/1.1 request) to `addr`; returns (status, lower-cased
/// head, body bytes).
fn raw_request(addr: &str, request: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, raw[end + 4..].to_vec())
}

fn header_value(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|l| l.strip_prefix(&format!("{name}:")).map(|v| v.trim().to_string()))
}

#[test]
fn the_real_server_revalidates_compresses_and_answers_cors_preflights() {
    let data = tempfile::tempdir().unwrap();
    let out = run(polmon(data.path()).args(["demo", "--no-serve"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let server = Server::start(data.path());
    let addr = server.addr.clone();
    let req = |extra: &str, method: &str, path: &str| {
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{extra}\r\n")
    };

    let (status, head, _) = raw_request(&addr, &req("", "GET", "/api/articles"));
    assert_eq!(status, 200);
    let tag = header_value(&head, "etag").expect("an etag");
    let (status, _, body) = raw_request(&addr, &req(&format!("If-None-Match: {tag}\r\n"), "GET", "/api/articles"));
    assert_eq!(status, 304);
    assert!(body.is_empty());

    let (status, head, body) = raw_request(&addr, &req("Accept-Encoding: gzip\r\n", "GET", "/"));
    assert_eq!(status, 200);
    assert_eq!(header_value(&head, "content-encoding").as_deref(), Some("gzip"), "{head}");
    assert!(!body.is_empty());

    let preflight = "Origin: https://elsewhere.example\r\nAccess-Control-Request-Method: GET\r\n";
    let (status, head, _) = raw_request(&addr, &req(preflight, "OPTIONS", "/feeds/latest"));
    assert!(status == 200 || status == 204, "{status}");
    assert_eq!(header_value(&head, "access-control-allow-origin").as_deref(), Some("*"), "{head}");

    let (status, head, body) = raw_request(&addr, &req("", "HEAD", "/"));
    assert_eq!(status, 200);
    assert!(body.is_empty() && header_value(&head, "etag").is_some(), "{head}");
}

/// The Python interpreter of the venv `.ci/run` prepares (schemathesis is installed there).
fn test_venv_bin(tool: &str) -> PathBuf {
    let venv = std::env::var_os("POLMON_TEST_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/venv"));
    let bin = venv.join("bin").join(tool);
    assert!(bin.exists(), "{} is missing: run .ci/run (or pip install -r .ci/requirements.txt into .ci/venv)", bin.display());
    bin
}

#[test]
fn the_api_description_is_complete_and_schemathesis_finds_nothing() {
    let data = tempfile::tempdir().unwrap();
    let out = run(polmon(data.path()).args(["demo", "--no-serve"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let server = Server::start(data.path());

    let (status, ctype, body) = server.get("/api/openapi.json");
    assert_eq!(status, 200);
    assert!(ctype.starts_with("application/json"), "{ctype}");
    let doc: serde_json::Value = serde_json::from_str(&body).expect("the description is JSON");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/articles", "/api/articles/{id}", "/api/search", "/api/stories/{id}", "/api/entities/{id}",
        "/api/trends", "/api/trends/entities/{id}", "/api/trends/sources/{name}",
    ] {
        let op = &doc["paths"][path]["get"];
        assert!(op.is_object(), "{path} is not described");
        assert!(op["responses"]["200"].is_object() && op["responses"]["400"].is_object(), "{path}: {op}");
    }

    // Dates: an undated article never shows as 1970.
    for page in ["/", "/feeds/latest", "/api/articles?per_page=100"] {
        let (_, _, body) = server.get(page);
        assert!(!body.contains("1970"), "{page} shows 1970");
    }

    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/judges/schemathesis.toml");
    let scratch = tempfile::tempdir().unwrap(); // schemathesis keeps a cache in its working folder
    let st = Command::new(test_venv_bin("schemathesis"))
        .current_dir(scratch.path())
        .arg("--config-file")
        .arg(&config)
        .args(["run", &format!("http://{}/api/openapi.json", server.addr), "--max-examples", "40", "--seed", "7"])
        .output()
        .expect("schemathesis runs");
    let report = String::from_utf8_lossy(&st.stdout);
    assert!(st.status.success(), "schemathesis found failures:\n{report}\n{}", String::from_utf8_lossy(&st.stderr));
    assert!(report.contains("passed"), "{report}");
}

/// The day (days since 1970-01-01, UTC) an exported record is counted on: its
/// publication date, else its ingestion date.
fn record_day(r: &serde_json::Value) -> i64 {
    let ts = r["published"].as_str().and_then(polmon_store::parse_timestamp);
    let ts = ts.or_else(|| r["ingested_at"].as_str().and_then(polmon_store::parse_timestamp)).expect("a date");
    ts.div_euclid(86_400)
}

/// Whether a record mentions the entity (canonical name and kind).
fn mentions(r: &serde_json::Value, name: &str, kind: &str) -> bool {
    r["entities"].as_array().unwrap().iter().any(|e| e["canonical"] == name && e["type"] == kind)
}

/// The kind of entity a quote by `speaker` in this record is attributed to, as the store
/// resolves it: the person of that name, else the first kind by name.
fn speaker_kind(r: &serde_json::Value, speaker: &str) -> Option<String> {
    let mut kinds: Vec<String> = r["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["canonical"] == speaker)
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect();
    kinds.sort();
    if kinds.iter().any(|k| k == "person") {
        return Some("person".into());
    }
    kinds.into_iter().next()
}

fn export_records(data: &Path) -> Vec<serde_json::Value> {
    let out = run(polmon(data).args(["export", "--format", "jsonl"]));
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// `/api/trends` and its entity and source views agree with counts computed from `polmon export`.
fn assert_trends_agree_with_export(server: &Server, records: &[serde_json::Value]) {
    let t = server.json("/api/trends?days=365");
    let day = polmon_store::parse_timestamp(t["day"].as_str().expect("a trend day")).unwrap().div_euclid(86_400);
    assert_eq!(day, records.iter().map(record_day).max().unwrap(), "the trend day is the newest day");
    let first = polmon_store::parse_timestamp(t["period"]["from"].as_str().unwrap()).unwrap().div_euclid(86_400);
    assert_eq!(day - first + 1, 365);
    let in_period = |r: &&serde_json::Value| (first..=day).contains(&record_day(r));

    let now = t["in_the_news"].as_array().unwrap();
    assert!(!now.is_empty(), "someone is in the news on the last day: {t}");
    for e in now {
        let (name, kind) = (e["canonical"].as_str().unwrap(), e["kind"].as_str().unwrap());
        let on = |d: i64| records.iter().filter(|r| record_day(r) == d && mentions(r, name, kind)).count() as f64;
        assert_eq!(e["count"].as_f64().unwrap(), on(day), "{name}");
        let baseline: f64 = (day - 30..day).map(on).sum::<f64>() / 30.0;
        assert!((e["baseline_mean"].as_f64().unwrap() - baseline).abs() < 1e-9, "{name}");
        let score = (on(day) - baseline) / (baseline + 1.0).sqrt();
        assert!((e["score"].as_f64().unwrap() - score).abs() < 1e-9, "{name}");

        let id = e["entity_id"].as_i64().unwrap();
        let series = server.json(&format!("/api/trends/entities/{id}?days=365"));
        let counted: u64 = series["series"].as_array().unwrap().iter().map(|d| d["articles"].as_u64().unwrap()).sum();
        assert_eq!(counted as usize, records.iter().filter(in_period).filter(|r| mentions(r, name, kind)).count(), "{name}");
    }

    let quotes_by = |name: &str, kind: &str| -> u64 {
        records
            .iter()
            .filter(in_period)
            .map(|r| {
                let resolved = speaker_kind(r, name).is_some_and(|k| k == kind);
                let n = r["quotes"].as_array().unwrap().iter().filter(|q| q["speaker_canonical"] == name).count();
                if resolved { n as u64 } else { 0 }
            })
            .sum()
    };
    let speakers = t["top_speakers"].as_array().unwrap();
    assert!(!speakers.is_empty());
    for s in speakers {
        let (name, kind) = (s["canonical"].as_str().unwrap(), s["kind"].as_str().unwrap());
        assert_eq!(s["quotes"].as_u64().unwrap(), quotes_by(name, kind), "quotes of {name}");
    }

    let mut sources: Vec<&str> = records.iter().filter_map(|r| r["source"].as_str()).collect();
    sources.sort();
    sources.dedup();
    for source in sources {
        let v = server.json(&format!("/api/trends/sources/{}?days=365", source.replace(' ', "%20")));
        let expected: usize = records
            .iter()
            .filter(in_period)
            .filter(|r| r["source"] == source)
            .map(|r| r["quotes"].as_array().unwrap().len())
            .sum();
        assert_eq!(v["total_quotes"].as_u64().unwrap() as usize, expected, "quotes in {source}");
    }
}

#[test]
fn trends_counts_agree_with_the_export_after_ingests_and_updates() {
    let data = tempfile::tempdir().unwrap();
    let inputs = tempfile::tempdir().unwrap();
    let article = |n: u32, day: &str, extra: &str| {
        let text = format!(
            "The Minister of Foreign Affairs Jean Dupuis travelled to Brussels on {day} to meet his counterparts.\n\n\
             “We will not accept any delay on the sanctions,” Dupuis told reporters after meeting number {n}.\n\n\
             The German Chancellor Anna Weber said that Berlin supported the proposal. {extra}"
        );
        serde_json::json!({"id": format!("t{n}"), "url": format!("https://news.example/sanctions-{n}"), "title": format!("Sanctions talks, round {n}"),
            "text": text, "published": format!("{day}T10:00:00Z"), "language": "en", "source": if n % 2 == 0 { "RTL Info" } else { "Le Soir" }})
    };
    // Dated from today back, as the demo corpus's undated articles make today the trend day.
    let date = |days_ago: i64| polmon_store::format_unix(polmon_store::unix_now() - days_ago * 86_400)[..10].to_string();
    let today = date(0);
    let lines: Vec<String> = [(1, date(19)), (2, date(10)), (3, date(0)), (4, date(0)), (5, date(0))]
        .iter()
        .map(|(n, d)| article(*n, d, "").to_string())
        .collect();
    std::fs::write(inputs.path().join("talks.jsonl"), lines.join("\n") + "\n").unwrap();
    let out = run(polmon(data.path()).arg("ingest").args(demo_corpus()).arg(inputs.path().join("talks.jsonl")));
    assert!(out.status.success(), "{}", stderr(&out));
    {
        let server = Server::start(data.path());
        assert_trends_agree_with_export(&server, &export_records(data.path()));
    }

    // Updates: one talk moves to another day and drops the quote; one gains text. Re-ingests change nothing.
    let moved = serde_json::json!({"id": "t5", "url": "https://news.example/sanctions-5", "title": "Sanctions talks, round 5",
        "text": "The German Chancellor Anna Weber said that Berlin supported the proposal on sanctions.", "published": format!("{}T08:00:00Z", date(1)),
        "language": "en", "source": "Le Soir"});
    let grown = article(4, &today, "The Prime Minister Paul Martin agreed.");
    std::fs::write(inputs.path().join("updates.jsonl"), format!("{moved}\n{grown}\n")).unwrap();
    let out = run(polmon(data.path()).arg("ingest").arg(inputs.path().join("talks.jsonl")).arg(inputs.path().join("updates.jsonl")));
    assert!(out.status.success(), "{}", stderr(&out));
    let (new, updated, skipped, _) = summary(&out);
    assert_eq!((new, updated, skipped), (0, 2, 5));
    let server = Server::start(data.path());
    let records = export_records(data.path());
    assert_trends_agree_with_export(&server, &records);
    let t = server.json("/api/trends?days=30");
    assert_eq!(t["day"], today.as_str());
    let dupuis = t["in_the_news"].as_array().unwrap().iter().find(|e| e["canonical"] == "Jean Dupuis").expect("Dupuis is in the news");
    assert_eq!(dupuis["count"], 2, "two talks on the day after the update moved one");
}

/// The ids of the children of process `pid` (from /proc).
fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else { continue };
        // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
        let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)).and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(pid) {
            out.push(child);
        }
    }
    out
}

#[test]
fn a_french_article_joins_the_english_story_through_its_apertium_translation() {
    let inputs = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"id":"en1","url":"https://news.example/b1","title":"Budget approved","text":"The German parliament approved the federal budget on Friday after a marathon debate, with the finance minister defending spending cuts and a return to the debt brake. The opposition voted against the budget.","language":"en","published":"2024-04-02T10:00:00Z"}"#,
        r#"{"id":"en2","url":"https://wire.example/b2","title":"Budget passed","text":"Lawmakers passed the federal budget on Friday. The finance minister said spending cuts and the debt brake would restore trust; the opposition rejected the budget after the marathon debate.","language":"en","published":"2024-04-02T12:00:00Z"}"#,
        r#"{"id":"en3","url":"https://news.example/quake","title":"Earthquake in Chile","text":"A powerful earthquake struck central Chile on Tuesday, toppling buildings in the port city of Valparaiso.","language":"en","published":"2024-04-02T13:00:00Z"}"#,
        r#"{"id":"fr1","url":"https://presse.example/budget","title":"La loi de finances votée","text":"Les députés allemands ont voté vendredi la loi de finances fédérale après un long débat. Le ministre des Finances a défendu des économies et le retour du frein à l'endettement ; l'opposition a voté contre.","language":"fr","published":"2024-04-02T14:00:00Z"}"#,
    ];
    let file = inputs.path().join("a.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let stories = |translate: bool| -> std::collections::HashMap<String, i64> {
        let data = tempfile::tempdir().unwrap();
        let mut cmd = polmon(data.path());
        cmd.arg("ingest").arg(&file);
        if !translate {
            cmd.arg("--no-translate");
        }
        let out = run(&mut cmd);
        assert!(out.status.success(), "{}", stderr(&out));
        let out = run(polmon(data.path()).args(["export", "--format", "jsonl"]));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| {
                let a: serde_json::Value = serde_json::from_str(l).unwrap();
                (a["external_id"].as_str().unwrap().to_string(), a["story_id"].as_i64().unwrap())
            })
            .collect()
    };
    let own_words = stories(false);
    assert_eq!(own_words["en1"], own_words["en2"]);
    assert_ne!(own_words["fr1"], own_words["en1"], "the French words alone do not reach the English story: {own_words:?}");
    let translated = stories(true);
    assert_eq!(translated["fr1"], translated["en1"], "its translation does: {translated:?}");
    assert_ne!(translated["en3"], translated["en1"]);
}

#[test]
fn foreign_articles_are_translated_at_ingest_found_in_english_and_survive_a_killed_engine() {
    let data = tempfile::tempdir().unwrap();
    let inputs = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"id":"fr1","url":"https://presse.example/chomage","title":"Le chômage augmente en France","text":"Le chômage a fortement augmenté en France, a annoncé mardi le ministre du Travail.\n\nLe gouvernement prépare un plan pour l'emploi.","language":"fr","published":"2024-04-02T10:00:00Z"}"#,
        r#"{"id":"es1","url":"https://prensa.example/huelga","title":"Los sindicatos convocan una huelga","text":"Los sindicatos convocan una huelga general en España, según el Gobierno.","language":"es","published":"2024-04-03T10:00:00Z"}"#,
        r#"{"id":"en1","url":"https://news.example/budget","title":"Parliament adopts the budget","text":"The parliament adopted the budget on Tuesday.","language":"en","published":"2024-04-04T10:00:00Z"}"#,
    ];
    let file = inputs.path().join("a.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();

    // Stored first; the engine runs after, and says what it did.
    let out = run(polmon(data.path()).arg("ingest").arg(&file));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(summary(&out), (3, 0, 0, 0));
    assert!(stderr(&out).contains("translate: 2 translated (apertium)"), "{}", stderr(&out));

    let server = Server::start(data.path());
    let hits = server.json("/api/search?q=unemployment");
    assert_eq!(hits["total"], 1, "an English word finds the French article: {hits}");
    let id = hits["hits"][0]["id"].as_i64().unwrap();
    let (_, _, page) = server.get(&format!("/article/{id}"));
    assert!(page.contains("<article class=\"article\" lang=\"en\">"), "{page}");
    assert!(page.contains("unemployment"), "the English text is shown: {page}");
    assert!(page.contains("Machine-translated from French (Apertium, via Spanish)"), "{page}");
    assert!(page.contains("This article is originally published on"), "the credit line stays");
    assert!(page.contains("href=\"?lang=original\""), "a link to the original");
    let (_, _, original) = server.get(&format!("/article/{id}?lang=original"));
    assert!(original.contains("<h1>Le chômage augmente en France</h1>"), "{original}");
    let (_, _, home) = server.get("/");
    assert!(home.contains("FR → EN") && home.contains("ES → EN"), "listings show translated headlines with a badge: {home}");
    assert!(!home.contains(">Le chômage augmente en France<"), "the listing shows the English headline");
    let (_, _, feed) = server.get("/feeds/latest");
    assert!(!feed.contains("Le chômage augmente en France") && feed.contains("xml:lang=\"en\""), "feeds too: {feed}");
    let story = server.json(&format!("/api/articles/{id}"))["story_id"].as_i64().unwrap();
    let (_, _, story_page) = server.get(&format!("/story/{story}"));
    assert!(!story_page.contains("Le chômage augmente en France"), "and story pages: {story_page}");
    let (_, _, english) = server.get("/article/3");
    assert!(!english.contains("Machine-translated"), "an English article is not translated");
    drop(server);

    // A killed engine: the serving process translates in the background; its Apertium
    // processes are killed while it works, and every article still ends up translated.
    let more: Vec<String> = (0..12)
        .map(|i| format!(r#"{{"id":"fr-{i}","url":"https://presse.example/g{i}","title":"Le gouvernement et le budget {i}","text":"Le gouvernement a présenté le budget numéro {i} au Parlement, a déclaré le ministre des Finances.\n\nLes syndicats dénoncent des économies sur la santé et l'éducation.","language":"fr"}}"#))
        .collect();
    let file2 = inputs.path().join("b.jsonl");
    std::fs::write(&file2, more.join("\n")).unwrap();
    let out = run(polmon(data.path()).args(["ingest", "--no-translate"]).arg(&file2));
    assert!(out.status.success(), "{}", stderr(&out));
    let server = Server::start(data.path());
    let started = Instant::now();
    let mut killed = 0;
    while killed == 0 && started.elapsed() < Duration::from_secs(30) {
        for child in children_of(server.child.id()) {
            killed += 1;
            let _ = Command::new("kill").arg("-9").arg(child.to_string()).status();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(killed > 0, "the serving process started no engine");
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let n = server.json("/api/search?q=health&per_page=100")["total"].as_u64().unwrap();
        if n >= 12 {
            break;
        }
        assert!(Instant::now() < deadline, "only {n} of 12 translated after the engine was killed");
        std::thread::sleep(Duration::from_millis(500));
    }
    drop(server);

    // No engine: everything is stored and shown untranslated, and stays queued.
    let plain = tempfile::tempdir().unwrap();
    let out = run(polmon(plain.path()).env("POLMON_TRANSLATE_ENGINE", "none").arg("ingest").arg(&file));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(summary(&out), (3, 0, 0, 0));
    let server = Server::start(plain.path());
    let (_, _, page) = server.get("/article/1");
    assert!(page.contains("<h1>Le chômage augmente en France</h1>") && !page.contains("Machine-translated"), "{page}");
    assert_eq!(server.json("/api/search?q=unemployment")["total"], 0);
}
