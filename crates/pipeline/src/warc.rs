//! A streaming WARC reader that survives damaged files.
//!
//! Records are read one at a time (memory is bounded by [`MAX_RECORD_BYTES`], not by the
//! file), HTTP response headers are parsed with `httparse`, and a record whose
//! `Content-Length` lies does not lose the records after it: the reader looks for the
//! next line starting with `WARC/1.` and carries on from there, reporting what it
//! skipped. Scanning for that line is bounded by [`MAX_RESYNC_BYTES`] per gap.

use std::io::BufRead;

/// The largest record whose body is read; larger ones are skipped (and reported).
pub(crate) const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;
/// The longest header block of a record.
const MAX_HEADER_BYTES: usize = 64 * 1024;
/// How far the reader looks for the next record after damage before giving up the file.
pub(crate) const MAX_RESYNC_BYTES: u64 = 64 * 1024 * 1024;

/// One WARC record, as far as ingest needs it.
#[derive(Debug)]
pub(crate) struct Record {
    /// `WARC-Type`, lowercased.
    pub(crate) kind: String,
    /// `WARC-Target-URI`, without angle brackets.
    pub(crate) target_uri: Option<String>,
    /// The record block.
    pub(crate) body: Vec<u8>,
}

/// What the reader found next.
#[derive(Debug)]
pub(crate) enum Next {
    /// A whole record.
    Record(Record),
    /// Something was wrong; the reader skipped to the next record (or gave up the file
    /// when it said so).
    Damaged(String),
}

/// Reads records from a (decompressed) WARC stream.
pub(crate) struct WarcReader<R> {
    inner: R,
    /// Bytes read too far (a body that ran into the next record), served first.
    pending: Vec<u8>,
    pending_pos: usize,
    offset: u64,
    /// The reader gave up; no more records.
    done: bool,
    /// Records found so far.
    pub(crate) records: usize,
}

impl<R: BufRead> WarcReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        WarcReader { inner, pending: Vec::new(), pending_pos: 0, offset: 0, done: false, records: 0 }
    }

    /// Next buffered bytes: pending first, then the inner reader.
    fn fill(&mut self) -> std::io::Result<&[u8]> {
        if self.pending_pos < self.pending.len() {
            return Ok(&self.pending[self.pending_pos..]);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.offset += n as u64;
        if self.pending_pos < self.pending.len() {
            self.pending_pos += n;
            if self.pending_pos >= self.pending.len() {
                self.pending.clear();
                self.pending_pos = 0;
            }
        } else {
            self.inner.consume(n);
        }
    }

    fn push_back(&mut self, bytes: &[u8]) {
        let mut rest = bytes.to_vec();
        rest.extend_from_slice(&self.pending[self.pending_pos..]);
        self.pending = rest;
        self.pending_pos = 0;
        self.offset -= bytes.len() as u64;
    }

    /// One line (with its `\n`), at most `cap` bytes; `Ok(None)` at the end of input,
    /// `Err` text when the line is longer than `cap` (the bytes read are consumed).
    fn line(&mut self, cap: usize) -> std::io::Result<Result<Option<Vec<u8>>, ()>> {
        let mut out = Vec::new();
        loop {
            let buf = self.fill()?;
            if buf.is_empty() {
                return Ok(Ok((!out.is_empty()).then_some(out)));
            }
            let (take, end) = match memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            let room = cap.saturating_sub(out.len());
            out.extend_from_slice(&buf[..take.min(room)]);
            self.consume(take);
            if out.len() >= cap && !end {
                return Ok(Err(()));
            }
            if end {
                return Ok(Ok(Some(out)));
            }
        }
    }

    /// Reads exactly `n` bytes (fewer at the end of input).
    fn take(&mut self, n: u64) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(n.min(1 << 20) as usize);
        while (out.len() as u64) < n {
            let buf = self.fill()?;
            if buf.is_empty() {
                break;
            }
            let k = buf.len().min((n - out.len() as u64) as usize);
            out.extend_from_slice(&buf[..k]);
            self.consume(k);
        }
        Ok(out)
    }

    /// Skips `n` bytes; returns how many were skipped.
    fn skip(&mut self, n: u64) -> std::io::Result<u64> {
        let mut left = n;
        while left > 0 {
            let buf = self.fill()?;
            if buf.is_empty() {
                break;
            }
            let k = buf.len().min(left as usize);
            self.consume(k);
            left -= k as u64;
        }
        Ok(n - left)
    }

    /// Skips to the next line starting with `WARC/1.`, leaving it unread. `false` when
    /// none was found within [`MAX_RESYNC_BYTES`] or before the end.
    fn resync(&mut self) -> std::io::Result<bool> {
        let mut scanned = 0u64;
        let mut at_line_start = true;
        while scanned < MAX_RESYNC_BYTES {
            let buf = self.fill()?;
            if buf.is_empty() {
                return Ok(false);
            }
            if at_line_start && buf.len() >= 7 && buf.starts_with(b"WARC/1.") {
                return Ok(true);
            }
            if at_line_start && buf.len() < 7 && b"WARC/1.".starts_with(buf) {
                // Too few bytes buffered to tell: pull them into `pending` with more.
                let head = buf.to_vec();
                self.consume(head.len());
                let more = self.take(7 - head.len() as u64)?;
                let mut joined = head;
                joined.extend_from_slice(&more);
                let found = joined.starts_with(b"WARC/1.");
                self.push_back(&joined);
                if found {
                    return Ok(true);
                }
                if joined.len() < 7 {
                    return Ok(false);
                }
                self.consume(1);
                scanned += 1;
                at_line_start = false;
                continue;
            }
            let step = match memchr(b'\n', buf) {
                Some(i) => {
                    at_line_start = true;
                    i + 1
                }
                None => {
                    at_line_start = false;
                    buf.len()
                }
            };
            self.consume(step);
            scanned += step as u64;
        }
        Ok(false)
    }

    /// The next record, damage report, or `None` at the end.
    pub(crate) fn next_record(&mut self) -> std::io::Result<Option<Next>> {
        if self.done {
            return Ok(None);
        }
        // Version line, after blank lines.
        let start = self.offset;
        let version = loop {
            match self.line(MAX_HEADER_BYTES)? {
                Ok(None) => return Ok(None),
                Ok(Some(l)) if l.iter().all(u8::is_ascii_whitespace) => continue,
                Ok(Some(l)) => break Some(l),
                Err(()) => break None,
            }
        };
        let version_ok = version.as_deref().is_some_and(|l| l.starts_with(b"WARC/1."));
        if !version_ok {
            return self.damaged(start, "no WARC/1.x version line");
        }
        // Header fields.
        let mut kind = String::new();
        let mut target_uri = None;
        let mut length: Option<u64> = None;
        let mut header_bytes = 0usize;
        loop {
            let line = match self.line(MAX_HEADER_BYTES)? {
                Ok(Some(l)) => l,
                Ok(None) => return self.damaged(start, "the file ends inside a record header"),
                Err(()) => return self.damaged(start, "a record header line is longer than 64 KB"),
            };
            header_bytes += line.len();
            if header_bytes > MAX_HEADER_BYTES {
                return self.damaged(start, "a record header is longer than 64 KB");
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                break;
            }
            let text = String::from_utf8_lossy(&line);
            if let Some((k, v)) = text.split_once(':') {
                let v = v.trim();
                match k.trim().to_ascii_lowercase().as_str() {
                    "warc-type" => kind = v.to_ascii_lowercase(),
                    "warc-target-uri" => target_uri = Some(v.trim_matches(['<', '>']).to_string()),
                    "content-length" => length = v.parse().ok(),
                    _ => {}
                }
            }
        }
        let Some(length) = length else {
            return self.damaged(start, "a record without a valid Content-Length");
        };
        if length > MAX_RECORD_BYTES {
            self.skip(length)?;
            self.skip_trailer()?;
            return Ok(Some(Next::Damaged(format!(
                "record at byte {start} is larger than {} MB: skipped",
                MAX_RECORD_BYTES / 1024 / 1024
            ))));
        }
        let mut body = self.take(length)?;
        // A record ends with two CRLFs. Anything else means Content-Length lied.
        let short = (body.len() as u64) < length;
        let trailer = if short { Vec::new() } else { self.take(4)? };
        let trailer_ok = !short && trailer.iter().all(|b| *b == b'\r' || *b == b'\n');
        self.records += 1;
        if trailer_ok {
            return Ok(Some(Next::Record(Record { kind, target_uri, body })));
        }
        // Too long: the body ran into the next record; cut it there and read the rest
        // again. Too short: skip to the next record.
        tracing::debug!(target: "polmon::ingest", offset = start, "WARC record with a wrong Content-Length");
        let mut tail = std::mem::take(&mut body);
        tail.extend_from_slice(&trailer);
        if let Some(cut) = find_record_start(&tail[1..]).map(|c| c + 1) {
            self.push_back(&tail[cut..]);
            tail.truncate(cut);
            trim_crlf(&mut tail);
        } else {
            let keep = tail.len() - trailer.len();
            self.push_back(&trailer);
            tail.truncate(keep);
            if short || !self.resync()? {
                self.done = true;
            }
        }
        Ok(Some(Next::Record(Record { kind, target_uri, body: tail })))
    }

    fn skip_trailer(&mut self) -> std::io::Result<()> {
        loop {
            let buf = self.fill()?;
            match buf.first() {
                Some(b'\r' | b'\n') => self.consume(1),
                _ => return Ok(()),
            }
        }
    }

    fn damaged(&mut self, start: u64, what: &str) -> std::io::Result<Option<Next>> {
        if self.records == 0 && start == 0 {
            self.done = true;
            return Ok(Some(Next::Damaged(format!("not a WARC file: {what} at its start"))));
        }
        let found = self.resync()?;
        if !found {
            self.done = true;
            return Ok(Some(Next::Damaged(format!("damaged record at byte {start} ({what}); no record after it"))));
        }
        Ok(Some(Next::Damaged(format!(
            "damaged record at byte {start} ({what}): skipped to the next record at byte {}",
            self.offset
        ))))
    }
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// Where a `WARC/1.` line starts inside `buf` (at its start or after a newline).
fn find_record_start(buf: &[u8]) -> Option<usize> {
    if buf.starts_with(b"WARC/1.") {
        return Some(0);
    }
    let mut from = 0;
    while let Some(i) = memchr(b'\n', &buf[from..]) {
        let at = from + i + 1;
        if buf[at..].starts_with(b"WARC/1.") {
            return Some(at);
        }
        from = at;
    }
    None
}

fn trim_crlf(body: &mut Vec<u8>) {
    while matches!(body.last(), Some(b'\r' | b'\n')) {
        body.pop();
    }
}

/// An HTTP/1.x response split into status, content type and body (de-chunked).
#[derive(Debug)]
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Vec<u8>,
}

/// Parses the HTTP response a WARC `response` record holds.
pub(crate) fn parse_http_response(raw: &[u8]) -> Result<HttpResponse, String> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut resp = httparse::Response::new(&mut headers);
    let head_len = match resp.parse(raw) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err("the HTTP response header is cut short".into()),
        Err(e) => return Err(format!("not an HTTP response: {e}")),
    };
    let status = resp.code.unwrap_or(0);
    let mut content_type = None;
    let mut chunked = false;
    for h in resp.headers.iter() {
        if h.name.eq_ignore_ascii_case("content-type") {
            content_type = Some(String::from_utf8_lossy(h.value).trim().to_string());
        } else if h.name.eq_ignore_ascii_case("transfer-encoding")
            && String::from_utf8_lossy(h.value).to_ascii_lowercase().contains("chunked")
        {
            chunked = true;
        }
    }
    let body = &raw[head_len..];
    let body = if chunked { dechunk(body).unwrap_or_else(|| body.to_vec()) } else { body.to_vec() };
    Ok(HttpResponse { status, content_type, body })
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let (size, rest) = match httparse::parse_chunk_size(b) {
            Ok(httparse::Status::Complete((n, size))) => (size, &b[n..]),
            _ => return None,
        };
        if size == 0 {
            return Some(out);
        }
        let size = usize::try_from(size).ok()?;
        out.extend_from_slice(rest.get(..size)?);
        b = rest.get(size..)?;
        b = b.strip_prefix(b"\r\n").unwrap_or(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, uri: &str, body: &[u8], claimed: Option<usize>) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nContent-Length: {}\r\n\r\n",
            claimed.unwrap_or(body.len())
        )
        .into_bytes();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    fn read_all(bytes: &[u8]) -> (Vec<Record>, Vec<String>) {
        let mut r = WarcReader::new(std::io::BufReader::with_capacity(16, bytes));
        let (mut recs, mut bad) = (Vec::new(), Vec::new());
        while let Some(n) = r.next_record().unwrap() {
            match n {
                Next::Record(rec) => recs.push(rec),
                Next::Damaged(why) => bad.push(why),
            }
        }
        (recs, bad)
    }

    #[test]
    fn reads_records_in_order() {
        let mut f = record("response", "<https://a.example/1>", b"HTTP/1.1 200 OK\r\n\r\none", None);
        f.extend(record("request", "https://a.example/1", b"GET / HTTP/1.1\r\n\r\n", None));
        f.extend(record("response", "https://a.example/2", b"HTTP/1.1 200 OK\r\n\r\ntwo", None));
        let (recs, bad) = read_all(&f);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[0].target_uri.as_deref(), Some("https://a.example/1"));
        assert_eq!(recs[2].kind, "response");
        assert!(recs[2].body.ends_with(b"two"));
    }

    #[test]
    fn regression_a_lying_content_length_loses_no_later_record() {
        for claimed in [5usize, 400] {
            let mut f = record("response", "https://a.example/1", b"HTTP/1.1 200 OK\r\n\r\nfirst body", Some(claimed));
            f.extend(record("response", "https://a.example/2", b"HTTP/1.1 200 OK\r\n\r\nsecond", None));
            f.extend(record("response", "https://a.example/3", b"HTTP/1.1 200 OK\r\n\r\nthird", None));
            let (recs, _) = read_all(&f);
            let uris: Vec<_> = recs.iter().filter_map(|r| r.target_uri.as_deref()).collect();
            assert!(uris.contains(&"https://a.example/2"), "claimed {claimed}: {uris:?}");
            assert!(uris.contains(&"https://a.example/3"), "claimed {claimed}: {uris:?}");
        }
    }

    #[test]
    fn regression_random_bytes_are_not_a_warc_file() {
        let noise: Vec<u8> = (0..10_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let (recs, bad) = read_all(&noise);
        assert!(recs.is_empty());
        assert_eq!(bad.len(), 1);
        assert!(bad[0].contains("not a WARC file"), "{bad:?}");
    }

    #[test]
    fn regression_endless_zeros_stop_at_the_header_cap() {
        struct Zeros;
        impl std::io::Read for Zeros {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                buf.fill(0);
                Ok(buf.len())
            }
        }
        let mut r = WarcReader::new(std::io::BufReader::new(Zeros));
        match r.next_record().unwrap() {
            Some(Next::Damaged(why)) => assert!(why.contains("not a WARC file"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(r.next_record().unwrap().is_none());
    }

    #[test]
    fn http_responses_are_parsed_and_dechunked() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<p>Hi\r\n4\r\n</p>\r\n0\r\n\r\n";
        let r = parse_http_response(raw).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.body, b"<p>Hi</p>");
        assert!(r.content_type.unwrap().contains("utf-8"));
        assert!(parse_http_response(b"GET / HTTP/1.1\r\n\r\n").is_err());
    }
}
