//! OPML import and export, pure. Import flattens nested folders: a feed's
//! `category` is its enclosing folder's title (or its own `category`
//! attribute). Export groups feeds by category into folders.

use quick_xml::events::Event;
use serde::{Deserialize, Serialize};

use crate::error::ParseError;
use crate::text::escape_html as escape;
use crate::xml::to_utf8;

/// One feed subscription.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OpmlFeed {
    /// Display title (`title`, else `text`).
    pub title: Option<String>,
    /// The feed URL (`xmlUrl`).
    pub xml_url: String,
    /// The site URL (`htmlUrl`).
    pub html_url: Option<String>,
    /// Folder or category.
    pub category: Option<String>,
}

/// An OPML document: a title and its feeds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OpmlDocument {
    /// `<head><title>`.
    pub title: Option<String>,
    /// The feeds, in document order.
    pub feeds: Vec<OpmlFeed>,
}

/// Reads an OPML document. Outlines without `xmlUrl` are folders.
pub fn parse_opml(bytes: &[u8]) -> Result<OpmlDocument, ParseError> {
    let text = to_utf8(bytes);
    let mut reader = quick_xml::Reader::from_str(text.trim_start_matches('\u{feff}'));
    let mut doc = OpmlDocument::default();
    // Folder titles of the open outlines (None for feed outlines).
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut seen_root = false;
    let mut in_title = false;
    let mut title = String::new();
    loop {
        let ev = reader.read_event().map_err(|e| ParseError::Xml {
            what: "OPML",
            position: reader.error_position(),
            reason: e.to_string(),
        })?;
        let (e, empty) = match ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::Text(t) if in_title => {
                title.push_str(&t.xml10_content());
                continue;
            }
            Event::GeneralRef(r) if in_title => {
                title.push_str(&crate::xml::resolve_ref(&r));
                continue;
            }
            Event::End(e) => {
                match e.local_name().as_ref().to_ascii_lowercase().as_str() {
                    "outline" => {
                        folders.pop();
                    }
                    "title" => in_title = false,
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = e.local_name().as_ref().to_ascii_lowercase();
        if !seen_root {
            if name != "opml" {
                return Err(ParseError::WrongRoot { what: "OPML document", root: name });
            }
            seen_root = true;
            continue;
        }
        match name.as_str() {
            "title" if folders.is_empty() && !empty => in_title = true,
            "outline" => {
                let mut attrs = std::collections::HashMap::new();
                for a in e.attributes().flatten() {
                    let key = a.key.local_name().as_ref().to_ascii_lowercase();
                    if let Ok(v) = a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                        attrs.insert(key, v.trim().to_owned());
                    }
                }
                let label = attrs.get("title").or(attrs.get("text")).filter(|s| !s.is_empty()).cloned();
                match attrs.get("xmlurl").filter(|u| !u.is_empty()) {
                    Some(xml_url) => {
                        let category = attrs
                            .get("category")
                            .filter(|c| !c.is_empty())
                            .map(|c| c.trim_start_matches('/').to_owned())
                            .or_else(|| folders.iter().rev().flatten().next().cloned());
                        doc.feeds.push(OpmlFeed {
                            title: label,
                            xml_url: xml_url.clone(),
                            html_url: attrs.get("htmlurl").filter(|u| !u.is_empty()).cloned(),
                            category,
                        });
                        if !empty {
                            folders.push(None);
                        }
                    }
                    None if !empty => folders.push(label),
                    None => {}
                }
            }
            _ => {}
        }
    }
    if !seen_root {
        return Err(ParseError::WrongRoot { what: "OPML document", root: String::new() });
    }
    let title = title.trim();
    doc.title = (!title.is_empty()).then(|| title.to_owned());
    Ok(doc)
}

/// Writes an OPML 2.0 document; feeds with a category go into a folder of that name.
pub fn write_opml(doc: &OpmlDocument) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n");
    if let Some(t) = &doc.title {
        out.push_str(&format!("    <title>{}</title>\n", escape(t.as_str())));
    }
    out.push_str("  </head>\n  <body>\n");
    let mut categories: Vec<Option<&str>> = Vec::new();
    for f in &doc.feeds {
        let c = f.category.as_deref();
        if !categories.contains(&c) {
            categories.push(c);
        }
    }
    for cat in categories {
        let indent = if cat.is_some() { "      " } else { "    " };
        if let Some(c) = cat {
            out.push_str(&format!("    <outline text=\"{0}\" title=\"{0}\">\n", escape(c)));
        }
        for f in doc.feeds.iter().filter(|f| f.category.as_deref() == cat) {
            let label = escape(f.title.as_deref().unwrap_or(&f.xml_url));
            out.push_str(&format!(
                "{indent}<outline type=\"rss\" text=\"{label}\" title=\"{label}\" xmlUrl=\"{}\"",
                escape(f.xml_url.as_str())
            ));
            if let Some(h) = &f.html_url {
                out.push_str(&format!(" htmlUrl=\"{}\"", escape(h.as_str())));
            }
            out.push_str("/>\n");
        }
        if cat.is_some() {
            out.push_str("    </outline>\n");
        }
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>My &amp; feeds</title></head>
  <body>
    <outline text="Politics">
      <outline text="Le Monde" type="rss" xmlUrl="https://www.lemonde.fr/politique/rss_full.xml" htmlUrl="https://www.lemonde.fr/"/>
      <outline text="Nested">
        <outline title="Deep" xmlUrl="https://deep.example/feed?a=1&amp;b=2"/>
      </outline>
    </outline>
    <outline text="Loose" xmlUrl="https://loose.example/rss"></outline>
    <outline text="Tagged" category="/World" xmlUrl="https://tagged.example/rss"/>
    <outline text="Empty folder"/>
  </body>
</opml>"#;

    #[test]
    fn imports_nested_folders_as_categories() {
        let doc = parse_opml(OPML.as_bytes()).unwrap();
        assert_eq!(doc.title.as_deref(), Some("My & feeds"));
        let urls: Vec<&str> = doc.feeds.iter().map(|f| f.xml_url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://www.lemonde.fr/politique/rss_full.xml",
                "https://deep.example/feed?a=1&b=2",
                "https://loose.example/rss",
                "https://tagged.example/rss"
            ]
        );
        assert_eq!(doc.feeds[0].category.as_deref(), Some("Politics"));
        assert_eq!(doc.feeds[0].html_url.as_deref(), Some("https://www.lemonde.fr/"));
        assert_eq!(doc.feeds[1].category.as_deref(), Some("Nested"));
        assert_eq!(doc.feeds[1].title.as_deref(), Some("Deep"));
        assert_eq!(doc.feeds[2].category, None);
        assert_eq!(doc.feeds[3].category.as_deref(), Some("World"));
    }

    #[test]
    fn export_then_import_round_trips() {
        let doc = parse_opml(OPML.as_bytes()).unwrap();
        let written = write_opml(&doc);
        let back = parse_opml(written.as_bytes()).unwrap();
        assert_eq!(back, doc);
        assert!(written.contains("xmlUrl=\"https://deep.example/feed?a=1&amp;b=2\""));
    }

    #[test]
    fn rejects_other_documents() {
        assert!(matches!(parse_opml(b"<rss/>"), Err(ParseError::WrongRoot { .. })));
        assert!(parse_opml(b"<opml><body><outline xmlUrl='x'></body></opml>").is_err());
        assert!(parse_opml(b"").is_err());
    }
}
