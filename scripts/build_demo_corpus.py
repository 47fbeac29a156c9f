#!/usr/bin/env python3
"""Builds Politics Monitor's bundled demo corpus (data/demo/*.jsonl) from freely licensed news.

Sources (all CC BY 2.5, Wikinews):
  * 100 French Wikinews articles (WikinewsKeyphraseCorpus) as simple HTML:
    <h1> title, <h2> lead, <p> paragraphs, first paragraph starting with the date.
  * the English Wikinews news articles of the GUM corpus (dep_conllu/GUM_news_*.conllu):
    sentences with `# newpar` paragraph marks and metadata (title, sourceURL, dateCreated).
  * the political articles of English Wikinews 2019-2020 (news/wikinews-en-2019-2020, CSV with
    url, date, title, text): "political" is what polmon itself rates so — the script ingests
    all 295 with the polmon binary given as third argument and keeps those whose exported
    `political` relevance is at least POLITICAL_MIN. The dateline opening each text is dropped
    (the CSV's date becomes `published`).

Output: one JSON object per line in the format `polmon ingest` reads:
  {"id","url","title","text","published","language","source","author"}
with paragraphs separated by blank lines and subheadings on a line of their own.

Usage: python3 scripts/build_demo_corpus.py ../shared/data data/demo target/release/polmon
"""
import csv
import subprocess
import tempfile
import html
import json
import re
import sys
from pathlib import Path

FR_MONTHS = {m: i + 1 for i, m in enumerate(
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split())}
DATE_RE = re.compile(r"^\s*(\d{1,2})(?:er)?\s+(\w+)\s+(\d{4})\s*\.?\s*[-–—]\s*")


def strip_tags(s: str) -> str:
    s = re.sub(r"<[^>]+>", "", s)
    s = html.unescape(s).replace("\u00ad", "")
    return re.sub(r"\s+", " ", s).strip()


def french(src: Path):
    for path in sorted((src / "news/wikinews-fr-100/documents").glob("*.html")):
        raw = path.read_text(encoding="utf-8")
        title = strip_tags(re.search(r"<h1>(.*?)</h1>", raw, re.S).group(1))
        blocks = []
        for tag, inner in re.findall(r"<(h2|h3|p)>(.*?)</\1>", raw, re.S):
            text = strip_tags(inner)
            if text:
                blocks.append((tag, text))
        published = None
        # The lead (first <h2>) is a standfirst paragraph, not a subheading.
        paras = []
        for i, (tag, text) in enumerate(blocks):
            if published is None and tag == "p":
                m = DATE_RE.match(text)
                if m and m.group(2).lower() in FR_MONTHS:
                    day, month, year = int(m.group(1)), FR_MONTHS[m.group(2).lower()], int(m.group(3))
                    published = f"{year:04d}-{month:02d}-{day:02d}T12:00:00Z"
                    text = text[m.end():]
            paras.append(text)
        yield {
            "id": f"wikinews-fr-{path.stem}",
            "url": f"https://fr.wikinews.org/wiki/?curid={path.stem}",
            "title": title,
            "text": "\n\n".join(paras),
            "published": published,
            "language": "fr",
            "source": "fr.wikinews.org",
            "author": "Wikinews",
        }


def english(src: Path):
    for path in sorted((src / "ner/gum-wikinews-en/dep_conllu").glob("GUM_news_*.conllu")):
        meta, paras, current, heading = {}, [], [], False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# meta::"):
                k, _, v = line[len("# meta::"):].partition(" = ")
                meta[k] = v
            elif line.startswith("# newpar"):
                if line.startswith("# newpar_block") or line == "# newpar":
                    if current:
                        paras.append((heading, " ".join(current)))
                    current = []
                    heading = "head" in line
            elif line.startswith("# text = "):
                current.append(line[len("# text = "):])
        if current:
            paras.append((heading, " ".join(current)))
        title = meta.get("title", "").strip()
        body = []
        for is_head, text in paras:
            if text.strip() == title:
                continue
            if re.fullmatch(r"\w+day, \w+ \d{1,2}, \d{4}", text.strip()):
                continue  # the dateline
            body.append(text.strip())
        date = meta.get("dateCreated")
        yield {
            "id": path.stem.replace("GUM_news_", "wikinews-en-"),
            "url": meta.get("sourceURL"),
            "title": title,
            "text": "\n\n".join(body),
            "published": f"{date}T12:00:00Z" if date else None,
            "language": "en",
            "source": "en.wikinews.org",
            "author": meta.get("author") or "Wikinews",
        }


POLITICAL_MIN = 0.5
DATELINE_RE = re.compile(r"^\s*\w+day, \w+ \d{1,2}, \d{4}[\s\u00a0]*")


def english_2019_2020(src: Path, polmon: str):
    csv.field_size_limit(1 << 30)
    rows = []
    for name in ("wikinews_2019.csv", "wikinews_2020.csv"):
        with open(src / "news/wikinews-en-2019-2020" / name, encoding="utf-8", newline="") as f:
            rows += list(csv.DictReader(f))
    articles = []
    for r in rows:
        text = DATELINE_RE.sub("", r["text"])
        paras = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
        url = r["url"].replace(".org//wiki/", ".org/wiki/")
        if not any(paras):
            continue  # a dateline without an article (a test page in the source)
        articles.append({
            "id": "wikinews-en-" + url.rsplit("/", 1)[-1][:120],
            "url": url,
            "title": r["title"].strip(),
            "text": "\n\n".join(p for p in paras if p),
            "published": f"{r['date']}T12:00:00Z",
            "language": "en",
            "source": "en.wikinews.org",
            "author": "Wikinews",
        })
    # Keep what polmon rates political.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "all.jsonl"
        path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
        data = Path(tmp) / "data"
        run = subprocess.run([polmon, "--data", str(data), "ingest", str(path)], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"{polmon} ingest failed:\n{run.stderr}")
        out = subprocess.run([polmon, "--data", str(data), "export"], check=True, capture_output=True, text=True)
        political = {json.loads(line)["external_id"]: json.loads(line)["political"] for line in out.stdout.splitlines()}
    for a in articles:
        if political.get(a["id"], 0.0) >= POLITICAL_MIN:
            yield a


def main():
    src, out, polmon = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    out.mkdir(parents=True, exist_ok=True)
    for name, gen in (
        ("wikinews-fr.jsonl", french),
        ("wikinews-en.jsonl", english),
        ("wikinews-en-2019-2020.jsonl", lambda s: english_2019_2020(s, polmon)),
    ):
        rows = list(gen(src))
        with open(out / name, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} articles")


if __name__ == "__main__":
    main()
