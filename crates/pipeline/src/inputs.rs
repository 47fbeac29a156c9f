//! Reading inputs: HTML files (also gzipped), folders, WARC archives, RSS/Atom/JSON feeds
//! and JSONL of extracted articles, each turned into [`InputItem`]s.
//!
//! Every reader streams: items are handed to a sink one at a time, so memory is bounded
//! by the caps below and never by the size of a file (also after decompression).
//!
//! | cap | value | what happens beyond it |
//! | --- | --- | --- |
//! | [`MAX_FILE_BYTES`] | 64 MiB | an HTML page or feed file is refused |
//! | [`MAX_LINE_BYTES`] | 16 MiB | a JSONL line is refused; after [`MAX_SKIP_BYTES`] without a newline the rest of the file is given up |
//! | [`crate::warc::MAX_RECORD_BYTES`] | 64 MiB | a WARC record is skipped |

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The most bytes read from one HTML page or feed file (larger files are refused, not
/// truncated). Applies after decompression.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// The longest JSONL line read.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;
/// How far past an over-long JSONL line the reader looks for the next line before it
/// gives up the file (an endless line, such as `/dev/zero`, costs no more than this).
pub const MAX_SKIP_BYTES: u64 = 64 * 1024 * 1024;

/// One article-to-be, as read from an input.
#[derive(Debug, Clone)]
pub enum InputItem {
    /// A page to extract.
    Html {
        /// The page bytes.
        bytes: Vec<u8>,
        /// Where it came from (WARC target URI), if known.
        url: Option<String>,
        /// The HTTP `Content-Type`, if known.
        content_type: Option<String>,
        /// A source name given by the input (a feed's title).
        source: Option<String>,
        /// A date given by the input (a feed item's), used when the page has none.
        published: Option<String>,
    },
    /// An article already extracted (JSONL line, feed item without a page).
    Text(TextArticle),
}

/// An extracted article as JSONL carries it: `{"id"?, "url", "title", "text", ...}`.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct TextArticle {
    /// The input's own id, kept as `external_id`.
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
    /// The article's URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Headline.
    #[serde(default)]
    pub title: Option<String>,
    /// Body; paragraphs separated by blank lines.
    pub text: String,
    /// ISO 8601 publication date-time.
    #[serde(default)]
    pub published: Option<String>,
    /// ISO 639-1 language.
    #[serde(default)]
    pub language: Option<String>,
    /// Publishing source.
    #[serde(default)]
    pub source: Option<String>,
    /// Author(s).
    #[serde(default)]
    pub author: Option<String>,
    /// Topic category slug chosen by the input (else the categorizer decides).
    #[serde(default)]
    pub category: Option<String>,
}

impl TextArticle {
    /// Checks the fields a reader could be hurt by: the category becomes a URL path.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(c) = &self.category {
            let ok = !c.is_empty()
                && c.len() <= 40
                && c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                return Err(format!(
                    "\"category\" must be a slug of 1 to 40 characters a-z, 0-9 and '-', got {:?}",
                    c.chars().take(60).collect::<String>()
                ));
            }
        }
        Ok(())
    }
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

/// An input (or a part of one: a line, a record) that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFailure {
    /// Which input: a path, `path:line` or `path#record`.
    pub input: String,
    /// What was wrong.
    pub reason: String,
}

/// The kinds of input file, by name and, for ambiguous names, by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// `.html`, `.htm`, `.html.gz`.
    Html,
    /// `.warc`, `.warc.gz`.
    Warc,
    /// `.jsonl`, `.ndjson`.
    Jsonl,
    /// `.rss`, `.atom`, `.xml`, `.rdf`, `.json` (JSON Feed).
    Feed,
}

/// Which kind of input a path names, or `None` for files to pass over in folders.
pub fn kind_of(path: &Path) -> Option<InputKind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let ext = name.rsplit_once('.').map(|(_, e)| e)?;
    match ext {
        "html" | "htm" | "xhtml" => Some(InputKind::Html),
        "warc" => Some(InputKind::Warc),
        "jsonl" | "ndjson" => Some(InputKind::Jsonl),
        "rss" | "atom" | "xml" | "rdf" | "json" => Some(InputKind::Feed),
        _ => None,
    }
}

/// Expands folders (recursively, sorted) into the input files they hold.
///
/// Inside folders, symbolic links to folders are not followed (so a link loop cannot
/// make ingest run forever or read a file twice) and links to files are read only when
/// they point at a regular file. FIFOs, devices and sockets are refused with a message,
/// never opened: reading one could block forever or never end.
pub fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<InputFailure>) {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    let fail = |p: &Path, reason: String| InputFailure { input: p.display().to_string(), reason };
    // (path, named on the command line)
    let mut stack: Vec<(PathBuf, bool)> = paths.iter().rev().map(|p| (p.clone(), true)).collect();
    while let Some((p, top)) = stack.pop() {
        let link = std::fs::symlink_metadata(&p).map(|m| m.file_type().is_symlink()).unwrap_or(false);
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            Err(e) => {
                failures.push(fail(&p, e.to_string()));
                continue;
            }
        };
        if meta.is_dir() {
            if link && !top {
                tracing::debug!(target: "polmon::ingest", path = %p.display(), "symbolic link to a folder not followed");
                continue;
            }
            match std::fs::read_dir(&p) {
                Ok(rd) => {
                    let mut children: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
                    children.sort();
                    for c in children.into_iter().rev() {
                        let is_dir = std::fs::symlink_metadata(&c).map(|m| m.is_dir()).unwrap_or(false);
                        let is_dir_link = !is_dir && std::fs::metadata(&c).map(|m| m.is_dir()).unwrap_or(false);
                        if is_dir || (!is_dir_link && kind_of(&c).is_some()) {
                            stack.push((c, false));
                        }
                    }
                }
                Err(e) => failures.push(fail(&p, e.to_string())),
            }
        } else if !meta.is_file() {
            failures.push(fail(&p, "not a regular file (a FIFO, device or socket): not read".into()));
        } else if kind_of(&p).is_some() {
            files.push(p);
        } else {
            failures.push(fail(
                &p,
                "unknown kind of file: expected .html, .html.gz, .warc[.gz], .jsonl, \
                 or a feed (.rss, .atom, .xml, .json)"
                    .into(),
            ));
        }
    }
    (files, failures)
}

fn open(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    let file = File::open(path)?;
    let gz = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    Ok(if gz {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(BufReader::new(file))))
    } else {
        Box::new(BufReader::new(file))
    })
}

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    open(path)
        .and_then(|r| r.take(MAX_FILE_BYTES + 1).read_to_end(&mut buf))
        .map_err(|e| e.to_string())?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("larger than {} MB (after decompression): refused", MAX_FILE_BYTES / 1024 / 1024));
    }
    if buf.iter().all(u8::is_ascii_whitespace) {
        return Err("empty file".into());
    }
    Ok(buf)
}

/// Reads one input file, calling `sink` for each item or failure in it, as it goes.
/// A file that yields nothing at all is reported as a failure saying so.
pub fn read_file(path: &Path, sink: &mut dyn FnMut(Result<InputItem, InputFailure>)) {
    let name = path.display().to_string();
    let fail = |reason: String| InputFailure { input: name.clone(), reason };
    let mut produced = 0usize;
    let mut counted = |r: Result<InputItem, InputFailure>| {
        produced += 1;
        sink(r)
    };
    let empty_reason = match kind_of(path) {
        Some(InputKind::Html) => {
            match read_capped(path) {
                Ok(bytes) => counted(Ok(InputItem::Html { bytes, url: None, content_type: None, source: None, published: None })),
                Err(e) => counted(Err(fail(e))),
            }
            ""
        }
        Some(InputKind::Jsonl) => {
            read_jsonl(path, &mut counted);
            "no articles: the file holds no JSON lines"
        }
        Some(InputKind::Warc) => {
            read_warc(path, &mut counted);
            "no articles: the WARC file holds no HTML response records"
        }
        Some(InputKind::Feed) => {
            match read_capped(path) {
                Ok(bytes) => match crate::feed::items(&bytes) {
                    Ok(items) => items.into_iter().for_each(|i| counted(Ok(i))),
                    Err(e) => counted(Err(fail(e))),
                },
                Err(e) => counted(Err(fail(e))),
            }
            "no articles: the feed has no items"
        }
        None => {
            counted(Err(fail("unknown kind of file".into())));
            ""
        }
    };
    if produced == 0 {
        sink(Err(fail(empty_reason.into())));
    }
}

/// What [`next_line`] found.
enum Line {
    /// A whole line (without its newline) is in the buffer.
    Line,
    /// The line was longer than [`MAX_LINE_BYTES`] and was skipped up to its end.
    TooLong,
    /// The line was longer than [`MAX_LINE_BYTES`] and no newline came within
    /// [`MAX_SKIP_BYTES`]: the rest of the input is given up.
    Endless,
    /// No more input.
    End,
}

/// Reads one line into `buf` (cleared first), never holding more than [`MAX_LINE_BYTES`].
fn next_line(r: &mut dyn BufRead, buf: &mut Vec<u8>) -> std::io::Result<Line> {
    buf.clear();
    let mut skipping = false;
    let mut skipped = 0u64;
    let mut any = false;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            return Ok(match (any, skipping) {
                (false, _) => Line::End,
                (true, true) => Line::TooLong,
                (true, false) => Line::Line,
            });
        }
        any = true;
        let (take, end) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if skipping {
            skipped += take as u64;
        } else {
            let body = if end { &chunk[..take - 1] } else { &chunk[..take] };
            if buf.len() + body.len() > MAX_LINE_BYTES {
                skipping = true;
                skipped = (buf.len() + body.len()) as u64;
                buf.clear();
            } else {
                buf.extend_from_slice(body);
            }
        }
        r.consume(take);
        if end {
            return Ok(if skipping { Line::TooLong } else { Line::Line });
        }
        if skipping && skipped > MAX_SKIP_BYTES {
            return Ok(Line::Endless);
        }
    }
}

fn read_jsonl(path: &Path, sink: &mut dyn FnMut(Result<InputItem, InputFailure>)) {
    let mut reader = match open(path) {
        Ok(r) => r,
        Err(e) => return sink(Err(InputFailure { input: path.display().to_string(), reason: e.to_string() })),
    };
    let mut line = Vec::new();
    for n in 1.. {
        let input = format!("{}:{}", path.display(), n);
        match next_line(&mut *reader, &mut line) {
            Err(e) => return sink(Err(InputFailure { input, reason: format!("cannot read: {e}") })),
            Ok(Line::End) => return,
            Ok(Line::Endless) => {
                return sink(Err(InputFailure {
                    input,
                    reason: format!(
                        "a line longer than {} MB with no end in sight: the rest of the file is not read",
                        MAX_LINE_BYTES / 1024 / 1024
                    ),
                }))
            }
            Ok(Line::TooLong) => {
                sink(Err(InputFailure {
                    input,
                    reason: format!("line longer than {} MB: skipped", MAX_LINE_BYTES / 1024 / 1024),
                }));
                continue;
            }
            Ok(Line::Line) => {}
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<TextArticle>(&line) {
            Ok(a) if a.text.trim().is_empty() && a.title.as_deref().unwrap_or("").trim().is_empty() => {
                sink(Err(InputFailure { input, reason: "both \"title\" and \"text\" are empty".into() }))
            }
            Ok(a) => match a.validate() {
                Ok(()) => sink(Ok(InputItem::Text(a))),
                Err(reason) => sink(Err(InputFailure { input, reason })),
            },
            Err(e) => sink(Err(InputFailure { input, reason: format!("not an article object: {e}") })),
        }
    }
}

fn read_warc(path: &Path, sink: &mut dyn FnMut(Result<InputItem, InputFailure>)) {
    use crate::warc::{parse_http_response, Next, WarcReader};
    let reader = match open(path) {
        Ok(r) => r,
        Err(e) => return sink(Err(InputFailure { input: path.display().to_string(), reason: e.to_string() })),
    };
    let mut warc = WarcReader::new(reader);
    loop {
        let input = format!("{}#{}", path.display(), warc.records + 1);
        let record = match warc.next_record() {
            Ok(Some(Next::Record(r))) => r,
            Ok(Some(Next::Damaged(reason))) => {
                sink(Err(InputFailure { input: path.display().to_string(), reason }));
                continue;
            }
            Ok(None) => return,
            Err(e) => return sink(Err(InputFailure { input, reason: format!("cannot read: {e}") })),
        };
        if record.kind != "response" {
            continue;
        }
        match parse_http_response(&record.body) {
            Ok(resp) => {
                if !(200..300).contains(&resp.status) {
                    continue;
                }
                let is_html = resp.content_type.as_deref().is_none_or(|c| {
                    let c = c.to_ascii_lowercase();
                    c.contains("html") || c.contains("xml")
                });
                if is_html {
                    sink(Ok(InputItem::Html {
                        bytes: resp.body,
                        url: record.target_uri,
                        content_type: resp.content_type,
                        source: None,
                        published: None,
                    }));
                }
            }
            Err(reason) => sink(Err(InputFailure { input, reason: format!("response record: {reason}") })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        assert_eq!(kind_of(Path::new("a/page.HTML.gz")), Some(InputKind::Html));
        assert_eq!(kind_of(Path::new("crawl.warc.gz")), Some(InputKind::Warc));
        assert_eq!(kind_of(Path::new("x.jsonl")), Some(InputKind::Jsonl));
        assert_eq!(kind_of(Path::new("feed.rss")), Some(InputKind::Feed));
        assert_eq!(kind_of(Path::new("notes.txt")), None);
    }

    #[test]
    fn jsonl_lines_become_items_and_bad_lines_failures() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        std::fs::write(
            &p,
            "{\"id\": 7, \"url\": \"https://x.org/a\", \"title\": \"T\", \"text\": \"Body\"}\n\nnot json\n{\"title\": \"\", \"text\": \" \"}\n",
        )
        .unwrap();
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        read_file(&p, &mut |r| match r {
            Ok(InputItem::Text(a)) => ok.push(a),
            Ok(_) => panic!("unexpected item"),
            Err(f) => bad.push(f),
        });
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].id.as_deref(), Some("7"));
        assert_eq!(bad.len(), 2);
        assert!(bad[0].input.ends_with("a.jsonl:3"), "{:?}", bad[0]);
        assert!(bad[1].reason.contains("empty"));
    }

    #[test]
    fn warc_response_records_become_pages() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.warc");
        let http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<p>Hi\r\n4\r\n</p>\r\n0\r\n\r\n";
        let mut f = Vec::new();
        for (kind, body) in [("response", &http[..]), ("request", &b"GET / HTTP/1.1\r\n\r\n"[..])] {
            f.extend(format!("WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: <https://news.example/a>\r\nContent-Length: {}\r\n\r\n", body.len()).bytes());
            f.extend_from_slice(body);
            f.extend_from_slice(b"\r\n\r\n");
        }
        std::fs::write(&p, f).unwrap();
        let mut items = Vec::new();
        read_file(&p, &mut |r| items.push(r.unwrap()));
        assert_eq!(items.len(), 1);
        match &items[0] {
            InputItem::Html { bytes, url, content_type, .. } => {
                assert_eq!(bytes, b"<p>Hi</p>");
                assert_eq!(url.as_deref(), Some("https://news.example/a"));
                assert!(content_type.as_deref().unwrap().contains("utf-8"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn folders_expand_to_known_files_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/b.html"), "x").unwrap();
        std::fs::write(dir.path().join("a.jsonl"), "x").unwrap();
        std::fs::write(dir.path().join("README.txt"), "x").unwrap();
        let (files, failures) = expand(&[dir.path().to_owned(), dir.path().join("missing.html")]);
        assert_eq!(files.len(), 2);
        assert_eq!(failures.len(), 1);
    }

    fn collect(p: &Path) -> (Vec<InputItem>, Vec<InputFailure>) {
        let (mut ok, mut bad) = (Vec::new(), Vec::new());
        read_file(p, &mut |r| match r {
            Ok(i) => ok.push(i),
            Err(f) => bad.push(f),
        });
        (ok, bad)
    }

    #[test]
    fn regression_empty_and_garbage_files_say_so() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [("e.jsonl", &b""[..]), ("e.warc", &b"\n\n"[..]), ("e.html", &b"  "[..])] {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            let (ok, bad) = collect(&p);
            assert!(ok.is_empty(), "{name}");
            assert_eq!(bad.len(), 1, "{name}: {bad:?}");
            assert!(bad[0].reason.contains("no articles") || bad[0].reason.contains("empty"), "{name}: {bad:?}");
        }
        let p = dir.path().join("noise.warc");
        std::fs::write(&p, (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect::<Vec<_>>()).unwrap();
        let (ok, bad) = collect(&p);
        assert!(ok.is_empty());
        assert!(bad.iter().any(|f| f.reason.contains("not a WARC file")), "{bad:?}");
    }

    #[test]
    fn regression_jsonl_category_must_be_a_slug() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.jsonl");
        std::fs::write(&p, "{\"title\": \"T\", \"text\": \"B\", \"category\": \"<script>x\"}\n{\"title\": \"T\", \"text\": \"B\", \"category\": \"world-news\"}\n").unwrap();
        let (ok, bad) = collect(&p);
        assert_eq!(ok.len(), 1);
        assert_eq!(bad.len(), 1);
        assert!(bad[0].reason.contains("slug"), "{bad:?}");
    }

    #[test]
    fn regression_endless_and_overlong_lines_are_capped() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("z.jsonl");
        std::os::unix::fs::symlink("/dev/zero", &z).unwrap();
        // A symbolic link to a device is not a regular file: refused without reading.
        let (files, failures) = expand(&[z.clone()]);
        assert!(files.is_empty());
        assert!(failures[0].reason.contains("not a regular file"), "{failures:?}");
        // Read directly, the endless line is given up after the caps.
        let (ok, bad) = collect(&z);
        assert!(ok.is_empty());
        assert!(bad[0].reason.contains("no end in sight"), "{bad:?}");
        // One over-long line is skipped; the next line still lands.
        let p = dir.path().join("long.jsonl");
        let mut body = vec![b'x'; MAX_LINE_BYTES + 10];
        body.extend_from_slice(b"\n{\"title\": \"T\", \"text\": \"B\"}\n");
        std::fs::write(&p, body).unwrap();
        let (ok, bad) = collect(&p);
        assert_eq!(ok.len(), 1);
        assert!(bad[0].reason.contains("longer than"), "{bad:?}");
        assert!(bad[0].input.ends_with("long.jsonl:1"));
    }

    #[test]
    fn regression_symlink_loops_and_fifos_do_not_hang_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.html"), "<p>x</p>").unwrap();
        std::os::unix::fs::symlink(".", d.join("x")).unwrap();
        std::os::unix::fs::symlink(".", d.join("y")).unwrap();
        std::os::unix::fs::symlink(d.join("a.html"), d.join("b.html")).unwrap();
        let fifo = d.join("pipe.html");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        let (files, failures) = expand(&[d.to_owned()]);
        // a.html and the link b.html to it, once each; the loops are not followed.
        assert_eq!(files.len(), 2, "{files:?}");
        if made {
            assert_eq!(failures.len(), 1, "{failures:?}");
            assert!(failures[0].reason.contains("not a regular file"));
        }
    }
}
