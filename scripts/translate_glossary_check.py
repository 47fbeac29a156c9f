#!/usr/bin/env python3
"""Which glossary entries does the raw Apertium chain already get right?

Runs every source term of every [xx-en] section through the raw engine
(`apertium -u`, pivoting as polmon does) and prints, per entry, the raw
output and whether the entry is REDUNDANT (the engine's output equals the
target, up to the case of the first letter). Redundant entries only cost a
placeholder, so they are worth removing.

    scripts/translate_glossary_check.py crates/translate/glossary/glossary.tsv
"""
import subprocess
import sys

CHAINS = {
    "fr": "apertium -u fr-es | apertium -u spa-eng",
    "es": "apertium -u spa-eng",
    "it": "apertium -u ita-spa | apertium -u spa-eng",
    "pt": "apertium -u pt-es | apertium -u spa-eng",
}


def sections(path):
    cur, out = None, {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("["):
            cur = line.strip("[]")
            out.setdefault(cur, [])
        elif "\t" in line and cur:
            src, tgt = line.split("\t", 1)
            out[cur].append((src.strip().lstrip("="), tgt.strip()))
    return out


def same(a, b):
    return a[:1].lower() == b[:1].lower() and a[1:] == b[1:]


def main():
    redundant = 0
    for sec, entries in sections(sys.argv[1]).items():
        lang = sec.split("-")[0]
        if "-" not in sec or lang not in CHAINS:
            continue
        text = "".join(f"{s}.\n" for s, _ in entries)
        out = subprocess.run(["bash", "-c", CHAINS[lang]], input=text, capture_output=True, text=True).stdout
        lines = out.splitlines()
        for (s, t), r in zip(entries, lines):
            r = r.strip().rstrip(".").strip()
            flag = "REDUNDANT" if same(r, t) else "needed"
            redundant += flag == "REDUNDANT"
            print(f"{sec}\t{flag}\t{s}\t{r}\t{t}")
    print(f"{redundant} redundant entries", file=sys.stderr)


if __name__ == "__main__":
    main()
