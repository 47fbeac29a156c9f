#!/usr/bin/env python3
"""Stories across languages: do translated articles join coverage in the reader's language?

Builds an ingest file from SemEval-2022 task 8's pairs (shared/data/stories/semeval2022-task8,
news article pairs rated 1 = very similar .. 4 = very dissimilar, many in two languages),
keeping the documents whose language polmon can translate into English, all with one
publication instant (the set does not date them). Ingests it twice into fresh data folders,
once with `--no-translate` (stories from each article's own words) and once translating
(the default: Apertium, then `Connector::add_translation`), exports, and reports for the
cross-language pairs and, as a check, the same-language pairs:
the share of similar pairs (Overall <= 2) put in one story, and of dissimilar pairs
(Overall >= 3) put in one story (false joins).

Usage: scripts/xlang_stories.py [path/to/polmon] [--keep DIR]
"""
import csv, json, os, subprocess, sys, tempfile, time, collections

POLMON = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else "target/release/polmon")
DATA = "/work/shared/data/stories/semeval2022-task8/training_set.csv"
LANGS = {"en", "es", "it", "fr", "pt"}
csv.field_size_limit(1 << 30)


def main():
    rows = [r for r in csv.DictReader(open(DATA, encoding="utf-8")) if r["lang1"] in LANGS and r["lang2"] in LANGS]
    docs = {}
    for r in rows:
        a, b = r["pair_id"].split("_")
        for d, lang, text in ((a, r["lang1"], r["text1"]), (b, r["lang2"], r["text2"])):
            text = text.strip()
            if not text:
                continue
            title, nl, body = text.partition("\n")
            if not nl:  # no headline line: the first sentence stands for it
                title, body = text.split(". ", 1)[0], text
            docs[d] = {"id": f"s{d}", "url": f"https://semeval.example/{d}", "title": title.strip()[:300],
                       "text": (body or title).strip(), "language": lang, "published": "2024-01-01T12:00:00Z",
                       "source": f"source{sum(map(ord, d)) % 50}.example"}
    work = tempfile.mkdtemp(prefix="xlang-")
    inp = os.path.join(work, "in.jsonl")
    with open(inp, "w") as f:
        for d in sorted(docs):
            f.write(json.dumps(docs[d], ensure_ascii=False) + "\n")
    print(f"{len(docs)} documents ({collections.Counter(d['language'] for d in docs.values())}), {len(rows)} pairs")
    for label, extra in (("own words", ["--no-translate"]), ("translated", [])):
        data = os.path.join(work, label.replace(" ", "-"))
        t = time.time()
        subprocess.run([POLMON, "--data", data, "ingest", inp, *extra], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        took = time.time() - t
        out = subprocess.run([POLMON, "--data", data, "export", "--format", "jsonl"], check=True, capture_output=True, text=True).stdout
        story = {json.loads(l)["external_id"]: json.loads(l)["story_id"] for l in out.splitlines() if l.strip()}
        stats = collections.defaultdict(lambda: [0, 0])
        for r in rows:
            a, b = r["pair_id"].split("_")
            if f"s{a}" not in story or f"s{b}" not in story:
                continue
            kind = "cross" if r["lang1"] != r["lang2"] else "same"
            o = float(r["Overall"])
            cls = "similar" if o <= 2 else "dissimilar" if o >= 3 else None
            if cls:
                s = stats[(kind, cls)]
                s[0] += story[f"s{a}"] == story[f"s{b}"]
                s[1] += 1
        print(f"{label} (ingest {took:.0f} s):")
        for (kind, cls), (j, n) in sorted(stats.items()):
            print(f"  {kind}-language {cls:10} pairs in one story: {j}/{n} = {j / n:.3f}")


if __name__ == "__main__":
    main()
