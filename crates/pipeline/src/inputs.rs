//! Reading inputs: HTML files (also gzipped), folders, WARC archives, RSS/Atom/JSON feeds
//! and JSONL of extracted articles, each turned into [`InputItem`]s.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The most bytes read from one input file (larger files are refused, not truncated).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

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
#[derive(Debug, Clone, Default, Deserialize)]
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
pub fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<InputFailure>) {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    let mut stack: Vec<PathBuf> = paths.iter().rev().cloned().collect();
    while let Some(p) = stack.pop() {
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => match std::fs::read_dir(&p) {
                Ok(rd) => {
                    let mut children: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
                    children.sort();
                    for c in children.into_iter().rev() {
                        if c.is_dir() || kind_of(&c).is_some() {
                            stack.push(c);
                        }
                    }
                }
                Err(e) => failures.push(InputFailure { input: p.display().to_string(), reason: e.to_string() }),
            },
            Ok(_) => {
                if kind_of(&p).is_some() {
                    files.push(p);
                } else {
                    failures.push(InputFailure {
                        input: p.display().to_string(),
                        reason: "unknown kind of file: expected .html, .html.gz, .warc[.gz], .jsonl, \
                                 or a feed (.rss, .atom, .xml, .json)"
                            .into(),
                    });
                }
            }
            Err(e) => failures.push(InputFailure { input: p.display().to_string(), reason: e.to_string() }),
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
        return Err(format!("larger than {} MB", MAX_FILE_BYTES / 1024 / 1024));
    }
    Ok(buf)
}

/// Reads one input file, calling `sink` for each item or failure in it.
pub fn read_file(path: &Path, sink: &mut dyn FnMut(Result<InputItem, InputFailure>)) {
    let name = path.display().to_string();
    let fail = |reason: String| InputFailure { input: name.clone(), reason };
    match kind_of(path) {
        Some(InputKind::Html) => match read_capped(path) {
            Ok(bytes) => sink(Ok(InputItem::Html { bytes, url: None, content_type: None, source: None, published: None })),
            Err(e) => sink(Err(fail(e))),
        },
        Some(InputKind::Jsonl) => read_jsonl(path, sink),
        Some(InputKind::Warc) => read_warc(path, sink),
        Some(InputKind::Feed) => match read_capped(path) {
            Ok(bytes) => match crate::feed::items(&bytes) {
                Ok(items) => items.into_iter().for_each(|i| sink(Ok(i))),
                Err(e) => sink(Err(fail(e))),
            },
            Err(e) => sink(Err(fail(e))),
        },
        None => sink(Err(fail("unknown kind of file".into()))),
    }
}

fn read_jsonl(path: &Path, sink: &mut dyn FnMut(Result<InputItem, InputFailure>)) {
    let reader = match open(path) {
        Ok(r) => r,
        Err(e) => return sink(Err(InputFailure { input: path.display().to_string(), reason: e.to_string() })),
    };
    for (i, line) in reader.split(b'\n').enumerate() {
        let input = format!("{}:{}", path.display(), i + 1);
        let line = match line {
            Ok(l) => l,
            Err(e) => return sink(Err(InputFailure { input, reason: e.to_string() })),
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<TextArticle>(&line) {
            Ok(a) if a.text.trim().is_empty() && a.title.as_deref().unwrap_or("").trim().is_empty() => {
                sink(Err(InputFailure { input, reason: "both \"title\" and \"text\" are empty".into() }))
            }
            Ok(a) => sink(Ok(InputItem::Text(a))),
            Err(e) => sink(Err(InputFailure { input, reason: format!("not an article object: {e}") })),
        }
    }
}

fn read_warc(path: &Path, sink: &mut dyn FnMut(Result<InputItem, InputFailure>)) {
    let reader = match open(path) {
        Ok(r) => r,
        Err(e) => return sink(Err(InputFailure { input: path.display().to_string(), reason: e.to_string() })),
    };
    for (i, record) in warc::WarcReader::new(reader).iter_records().enumerate() {
        let input = format!("{}#{}", path.display(), i + 1);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                sink(Err(InputFailure { input, reason: format!("malformed WARC record: {e}") }));
                // The reader cannot resynchronise after a malformed record.
                return;
            }
        };
        if *record.warc_type() != warc::RecordType::Response {
            continue;
        }
        let url = record.header(warc::WarcHeader::TargetURI).map(|u| u.trim_matches(['<', '>']).to_string());
        match split_http_response(record.body()) {
            Some((status, content_type, body)) => {
                if !(200..300).contains(&status) {
                    continue;
                }
                let is_html = content_type.as_deref().is_none_or(|c| {
                    let c = c.to_ascii_lowercase();
                    c.contains("html") || c.contains("xml")
                });
                if is_html {
                    sink(Ok(InputItem::Html {
                        bytes: body.to_vec(),
                        url,
                        content_type,
                        source: None,
                        published: None,
                    }));
                }
            }
            None => sink(Err(InputFailure { input, reason: "response record holds no HTTP response".into() })),
        }
    }
}

/// Splits an HTTP/1.x response into status, content type and body (de-chunked if needed).
fn split_http_response(raw: &[u8]) -> Option<(u16, Option<String>, Vec<u8>)> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").map(|p| (p, p + 4))
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|p| (p, p + 2)))?;
    let head = std::str::from_utf8(&raw[..end.0]).ok()?;
    let mut lines = head.lines();
    let status_line = lines.next()?;
    if !status_line.starts_with("HTTP/") {
        return None;
    }
    let status = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let mut content_type = None;
    let mut chunked = false;
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            let k = k.trim().to_ascii_lowercase();
            if k == "content-type" {
                content_type = Some(v.trim().to_string());
            } else if k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked") {
                chunked = true;
            }
        }
    }
    let body = &raw[end.1..];
    let body = if chunked { dechunk(body).unwrap_or_else(|| body.to_vec()) } else { body.to_vec() };
    Some((status, content_type, body))
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = b.windows(2).position(|w| w == b"\r\n")?;
        let size_str = std::str::from_utf8(&b[..nl]).ok()?;
        let size = usize::from_str_radix(size_str.split(';').next()?.trim(), 16).ok()?;
        b = &b[nl + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..)?;
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
        let mut w = warc::WarcWriter::new(std::io::BufWriter::new(Vec::new()));
        let rec = warc::RecordBuilder::default()
            .warc_type(warc::RecordType::Response)
            .header(warc::WarcHeader::TargetURI, "https://news.example/a")
            .body(http.to_vec())
            .build()
            .unwrap();
        w.write(&rec).unwrap();
        let req = warc::RecordBuilder::default().warc_type(warc::RecordType::Request).body(b"GET /".to_vec()).build().unwrap();
        w.write(&req).unwrap();
        std::fs::write(&p, w.into_inner().unwrap()).unwrap();
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
}
