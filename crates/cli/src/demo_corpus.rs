//! The demo corpus, compiled into the binary (see `data/demo/NOTICE.md` for sources and licences).

/// `(file name, JSONL content)` of each demo file.
pub(crate) const FILES: &[(&str, &str)] = &[
    ("wikinews-fr.jsonl", include_str!("../../../data/demo/wikinews-fr.jsonl")),
    ("wikinews-en.jsonl", include_str!("../../../data/demo/wikinews-en.jsonl")),
    ("wikinews-en-2019-2020.jsonl", include_str!("../../../data/demo/wikinews-en-2019-2020.jsonl")),
];

/// Writes the demo files into `dir` and returns their paths.
pub(crate) fn write_to(dir: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut paths = Vec::new();
    for (name, content) in FILES {
        let p = dir.join(name);
        std::fs::write(&p, content)?;
        paths.push(p);
    }
    Ok(paths)
}
