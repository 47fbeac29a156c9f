#!/usr/bin/env python3
"""Given names and surnames for the tagger's name-list features.

    pip download --no-deps names==0.3.0 && tar xzf names-0.3.0.tar.gz
    python3 crates/enrich/training/make_names.py names-0.3.0/names crates/enrich/data/gazetteer

Source: the `names` package 0.3.0 (PyPI, MIT) ships the US Census Bureau's 1990 name
frequency lists (public domain): dist.male.first, dist.female.first, dist.all.last.
Writes lowercased, sorted, one a line:
  given-names.txt  every listed given name (male and female)
  surnames.txt     surnames with a frequency of at least 0.001 % (the common ones: 18,839
                   of 88,799; the rest are too rare to help and would grow the binary)
"""
import sys
from pathlib import Path

MIN_SURNAME_PERCENT = 0.001


def read(path, min_percent=0.0):
    out = set()
    for line in open(path, encoding="ascii"):
        parts = line.split()
        if len(parts) >= 2 and float(parts[1]) >= min_percent:
            out.add(parts[0].lower())
    return out


def main():
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    given = read(src / "dist.male.first") | read(src / "dist.female.first")
    surnames = read(src / "dist.all.last", MIN_SURNAME_PERCENT)
    for name, words in (("given-names.txt", given), ("surnames.txt", surnames)):
        (out / name).write_text("\n".join(sorted(words)) + "\n", encoding="utf-8")
        print(f"{out / name}: {len(words)} names", file=sys.stderr)


if __name__ == "__main__":
    main()
