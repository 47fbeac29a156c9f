#!/usr/bin/env python3
"""Typed name list for the English tagger from the French, German and Dutch WikiANN train splits.

    python3 crates/enrich/training/wiki_names.py target/ner-train crates/enrich/data/gazetteer/wikiann-names.txt

Reads `wikiann-{fr,de,nl}.bio` written by prepare.py. Every entity span of one to four
tokens becomes `TYPE<TAB>name` with its majority type (PER, ORG or LOC; ties go to the type
seen first). The English model learns how far to trust the list from the English data it
is trained on, which the list does not come from; the French and multilingual models are
trained on these sentences and do not use it (their weights for it are zero). WikiANN:
Wikipedia text, CC BY-SA 3.0 (see data/NOTICE).
"""
import sys
from collections import Counter, defaultdict
from pathlib import Path

MAX_TOKENS = 4


def spans(path):
    toks, tags = [], []
    for line in list(open(path, encoding="utf-8")) + [""]:
        line = line.rstrip("\n")
        if not line:
            i = 0
            while i < len(tags):
                if tags[i].startswith("B-"):
                    kind, j = tags[i][2:], i + 1
                    while j < len(tags) and tags[j] == "I-" + kind:
                        j += 1
                    if j - i <= MAX_TOKENS:
                        yield " ".join(toks[i:j]), kind
                    i = j
                else:
                    i += 1
            toks, tags = [], []
            continue
        tok, tag = line.split("\t")
        toks.append(tok)
        tags.append(tag)


def main():
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    votes = defaultdict(Counter)
    for lang in ("fr", "de", "nl"):
        for name, kind in spans(src / f"wikiann-{lang}.bio"):
            if name[:1].isalnum() and (name[-1:].isalnum() or name.endswith(".")):
                votes[name][kind] += 1
    rows = sorted((max(v, key=lambda k: (v[k], -list(v).index(k))), name) for name, v in votes.items())
    out.write_text("".join(f"{kind}\t{name}\n" for kind, name in rows), encoding="utf-8")
    print(f"{out}: {len(rows)} names", file=sys.stderr)


if __name__ == "__main__":
    main()
