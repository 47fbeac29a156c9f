#!/usr/bin/env python3
"""Silver training data (self-training): English Wikinews tagged by the whole analyzer.

    python3 crates/enrich/training/silver.py /work/shared/data target/ner-train \
        target/release/examples/polmon-analyze [ANALYZE OPTIONS, e.g. --model-en FILE]

The analyzer's clean-up, document-level consistency and kinds steps (see README) make its
entities much better than the tagger's raw labels; training the tagger on the analyzer's
output for unlabelled news teaches it news text (datelines, sports, business) and carries the
document-level decisions into the sentence-level model. Text: the 295 English Wikinews articles
of news/wikinews-en-2019-2020 (CC BY 2.5). Standard library only.

Writes `<out>/silver-wikinews-en.bio` (same format as prepare.py). Spans of type `other` and
entities added as nominal mentions (they have a role but start with a lowercase word) are O.
"""
import csv
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

TYPES = {"person": "PER", "organization": "ORG", "location": "LOC"}
TOKEN = re.compile(r"\w+(?:[-'’.&]\w+)*\.?|[^\w\s]")
SENTENCE_END = {".", "!", "?"}


def articles(root):
    csv.field_size_limit(1 << 28)
    for name in ("wikinews_2019.csv", "wikinews_2020.csv"):
        with open(root / "news/wikinews-en-2019-2020" / name, encoding="utf-8", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh)):
                yield f"{name}-{n}", row["title"], row["text"]


def tokens(line):
    """(start, end, text) code-point spans; a trailing period stays on a capitalised
    abbreviation-like word ("U.S.", "Corp.") and is split off otherwise."""
    out = []
    for m in TOKEN.finditer(line):
        t, s = m.group(0), m.start()
        if len(t) > 1 and t.endswith(".") and not re.fullmatch(r"(?:[A-Za-z]\.)+|[A-Z][a-z]{0,3}\.", t):
            out.append((s, s + len(t) - 1, t[:-1]))
            out.append((s + len(t) - 1, s + len(t), "."))
        else:
            out.append((s, m.end(), t))
    return out


def main():
    root, out, analyze = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    docs = list(articles(root))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for doc_id, title, text in docs:
            fh.write(json.dumps({"id": doc_id, "title": title, "text": text}) + "\n")
        inp = fh.name
    res = subprocess.run([analyze, "analyze", *sys.argv[4:], "--lang", "en", "--jsonl", inp], capture_output=True, text=True, check=True)
    preds = {}
    for line in res.stdout.splitlines():
        d = json.loads(line)
        preds[d["id"]] = d.get("entities", [])
    n_sent = 0
    with open(out / "silver-wikinews-en.bio", "w", encoding="utf-8") as fh:
        for doc_id, _, text in docs:
            tags = {}
            for e in preds.get(doc_id, []):
                kind = TYPES.get(e.get("type"))
                if not kind or not e["text"][:1].isupper():
                    continue
                tags[(e["start"], e["end"])] = kind
            starts = sorted(tags)
            offset = 0
            for line in text.split("\n"):
                sent = []
                for s, e, t in tokens(line):
                    s, e = s + offset, e + offset
                    label = "O"
                    for (a, b) in starts:
                        if a <= s and e <= b:
                            label = ("B-" if s == a else "I-") + tags[(a, b)]
                            break
                        if a > e:
                            break
                    sent.append((t, label))
                    if t in SENTENCE_END and len(sent) >= 3:
                        n_sent += write(fh, sent)
                        sent = []
                n_sent += write(fh, sent)
                offset += len(line) + 1
    print(f"{out / 'silver-wikinews-en.bio'}: {n_sent} sentences from {len(docs)} articles", file=sys.stderr)


def write(fh, sent):
    if not any(ch.isalpha() for t, _ in sent for ch in t):
        return 0
    for t, label in sent:
        fh.write(f"{t}\t{label}\n")
    fh.write("\n")
    return 1


if __name__ == "__main__":
    main()
