//! Every feed in the shared fixture folder parses or fails with a clear
//! message; where feed-rs ships its expected parse (`*.serde.json`), item
//! counts, titles and links match it.
//!
//! The folder is `$POLMON_SHARED/data/feeds`, else `../shared/data/feeds`
//! from the repository root (`../../../shared` from this crate). CI has it;
//! without it the tests FAIL with a message saying where they looked, so a
//! missing checkout is never mistaken for a pass.

use std::path::{Path, PathBuf};

use polmon_feeds::parse_feed;
use serde_json::Value;

fn feeds_dir() -> PathBuf {
    let root = std::env::var_os("POLMON_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = root.join("data/feeds");
    assert!(
        dir.is_dir(),
        "shared feed fixtures not found at {} (expected ../shared/data/feeds next to the repository, \
         or set POLMON_SHARED to the folder holding data/feeds)",
        dir.display()
    );
    dir
}

fn feed_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if p.is_dir() {
            feed_files(&p, out);
        } else if !(name.starts_with("LICENSE") || name.ends_with(".txt") || name.ends_with(".serde.json")) {
            out.push(p);
        }
    }
}

/// The same link choice as the crate: first `alternate` or rel-less link, else the first.
fn expected_link(links: &Value) -> Option<String> {
    let links = links.as_array()?;
    let chosen = links
        .iter()
        .find(|l| l["rel"].is_null() || l["rel"] == "alternate")
        .or(links.first())?;
    chosen["href"].as_str().map(|h| h.trim().to_owned()).filter(|h| !h.is_empty())
}

fn expected_title(entry: &Value) -> Option<String> {
    entry["title"]["content"].as_str().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

#[test]
fn every_fixture_parses_or_fails_clearly_and_matches_feed_rs() {
    let dir = feeds_dir();
    let mut files = Vec::new();
    feed_files(&dir, &mut files);
    assert!(files.len() > 100, "expected the ~210 fixture feeds, found {}", files.len());
    let (mut parsed, mut failed, mut compared, mut repaired) = (0, Vec::new(), 0, 0);
    let mut mismatches = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&dir).unwrap().display().to_string();
        let bytes = std::fs::read(path).unwrap();
        let result = parse_feed(&bytes, None);
        let expected_path = path.with_extension("serde.json");
        match &result {
            Ok(feed) => {
                parsed += 1;
                if !feed.repairs.is_empty() {
                    repaired += 1;
                    println!("repaired {rel}: {:?}", feed.repairs);
                }
            }
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.starts_with("not a readable feed") && msg.len() > 25, "{rel}: unclear error {msg:?}");
                println!("fails {rel}: {msg}");
                failed.push(rel.clone());
            }
        }
        if !expected_path.exists() {
            continue;
        }
        let expected: Value = serde_json::from_slice(&std::fs::read(&expected_path).unwrap()).unwrap();
        let feed = match result {
            Ok(f) => f,
            Err(e) => panic!("{rel}: feed-rs parses it but we fail: {e}"),
        };
        compared += 1;
        let entries = expected["entries"].as_array().cloned().unwrap_or_default();
        if entries.len() != feed.items.len() {
            mismatches.push(format!("{rel}: {} items, expected {}", feed.items.len(), entries.len()));
            continue;
        }
        for (i, (item, exp)) in feed.items.iter().zip(&entries).enumerate() {
            if item.title != expected_title(exp) {
                mismatches.push(format!("{rel} #{i}: title {:?}, expected {:?}", item.title, expected_title(exp)));
            }
            if item.link != expected_link(&exp["links"]) {
                mismatches.push(format!("{rel} #{i}: link {:?}, expected {:?}", item.link, expected_link(&exp["links"])));
            }
            if let Some(id) = exp["id"].as_str() {
                // Generated ids are UUIDs in some expectations; real ones must match.
                if !id.is_empty() && id.len() != 36 && item.guid != id {
                    mismatches.push(format!("{rel} #{i}: guid {:?}, expected {id:?}", item.guid));
                }
            }
        }
    }
    println!(
        "{} files: {parsed} parsed ({repaired} after repairs), {} failed with a message, {compared} compared with feed-rs",
        files.len(),
        failed.len()
    );
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    assert!(compared >= 60, "compared only {compared} feeds");
    assert!(failed.len() * 20 < files.len(), "too many failures: {failed:?}");
}

#[test]
fn relative_links_resolve_against_the_feed_url() {
    let dir = feeds_dir();
    let base = url::Url::parse("https://feeds.example.com/section/feed.xml").unwrap();
    let mut checked = 0;
    for name in ["feed-rs/atom/atom_relative.xml", "feed-rs/rss2/rss_2.0_relurl_1.xml", "feed-rs/rss2/rss_2.0_relurl_2.xml", "prof18-rssparser/atom-relative-url.xml"] {
        let path = dir.join(name);
        if !path.exists() {
            continue;
        }
        let feed = parse_feed(&std::fs::read(&path).unwrap(), Some(&base)).unwrap();
        for item in &feed.items {
            if let Some(link) = &item.link {
                let u = url::Url::parse(link).unwrap_or_else(|e| panic!("{name}: {link:?} not absolute: {e}"));
                assert!(matches!(u.scheme(), "http" | "https"), "{name}: {link}");
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}
