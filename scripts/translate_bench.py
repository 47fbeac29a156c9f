#!/usr/bin/env python3
"""Translation benchmark: `polmon translate` against the raw Apertium chain, same run.

For each test set (newstest2013 fr/es→en, FLORES-200 devtest fr/es/it/pt→en)
it translates the source file with

* ``raw``: the plain Apertium shell chain, ``apertium -u fr-es | apertium -u spa-eng``
  (the reference point of shared/data/translation/SOURCE.txt);
* ``polmon``: ``polmon translate --from xx --to en`` (names found by the polmon
  enricher protected, glossary, quotes), i.e. the whole system;
* optional ablations (``--ablations``): ``polmon --raw`` (the same engine
  through polmon's long-lived chains, nothing added) and ``--names none``
  (glossary and typography without name protection) and ``--names all``;

and reports sacrebleu BLEU and chrF, the share of the English reference's
person / organisation / place names (found by ``polmon analyze``) that appear
intact in the output line, and words per CPU-second (CPU of the whole process
tree: polmon, the enricher and every Apertium process).

Needs sacrebleu (``python3 -m venv v && v/bin/pip install sacrebleu``) and
Debian's apertium, apertium-fr-es, apertium-eng-spa, apertium-spa-ita,
apertium-es-pt and cg3. The test sets are read from shared/data and never
copied; outputs go to --out (default /tmp/polmon-translate-bench).

    v/bin/python scripts/translate_bench.py --polmon target/release/polmon
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import sacrebleu

DATA = Path("/work/shared/data/translation")
SETS = {
    "newstest2013 fr": ("newstest2013/newstest2013.fra", "newstest2013/newstest2013.eng", "fr"),
    "newstest2013 es": ("newstest2013/newstest2013.spa", "newstest2013/newstest2013.eng", "es"),
    "flores fr": ("flores200-devtest/fra_Latn.devtest", "flores200-devtest/eng_Latn.devtest", "fr"),
    "flores es": ("flores200-devtest/spa_Latn.devtest", "flores200-devtest/eng_Latn.devtest", "es"),
    "flores it": ("flores200-devtest/ita_Latn.devtest", "flores200-devtest/eng_Latn.devtest", "it"),
    "flores pt": ("flores200-devtest/por_Latn.devtest", "flores200-devtest/eng_Latn.devtest", "pt"),
}
RAW_CHAINS = {
    "fr": "apertium -u fr-es | apertium -u spa-eng",
    "es": "apertium -u spa-eng",
    "it": "apertium -u ita-spa | apertium -u spa-eng",
    "pt": "apertium -u pt-es | apertium -u spa-eng",
}
KINDS = ("person", "organization", "location")


def cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(argv: list[str], stdin: str) -> tuple[str, float, float]:
    """Output, CPU seconds of the whole process tree, wall seconds."""
    c0, t0 = cpu_children(), time.perf_counter()
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"error: {' '.join(argv)} failed: {p.stderr[-2000:]}")
    return p.stdout, cpu_children() - c0, time.perf_counter() - t0


def lines_of(text: str, n: int) -> list[str]:
    out = text.split("\n")
    if len(out) > n and all(not x for x in out[n:]):
        out = out[:n]
    if len(out) != n:
        sys.exit(f"error: {n} lines in, {len(out)} out")
    return out


def reference_names(polmon: str, refs: list[str], cache: Path) -> list[list[tuple[str, str]]]:
    """Person / organisation / place mentions of each English reference line."""
    if cache.exists():
        return [[tuple(x) for x in row] for row in json.loads(cache.read_text())]
    jsonl = "".join(json.dumps({"id": i, "text": t, "language": "en"}) + "\n" for i, t in enumerate(refs))
    tmp = cache.with_suffix(".in.jsonl")
    tmp.write_text(jsonl)
    p = subprocess.run([polmon, "analyze", "--lang", "en", "--jsonl", str(tmp)], capture_output=True, text=True)
    names: list[list[tuple[str, str]]] = [[] for _ in refs]
    for line in p.stdout.splitlines():
        row = json.loads(line)
        names[row["id"]] = [(e["text"], e["type"]) for e in row["entities"] if e["type"] in KINDS]
    cache.write_text(json.dumps(names))
    return names


def intact(hyps: list[str], names: list[list[tuple[str, str]]]) -> dict:
    out = {}
    for kind in KINDS + ("all",):
        total = kept = 0
        for h, row in zip(hyps, names):
            for text, k in row:
                if kind in ("all", k):
                    total += 1
                    kept += text in h
        out[kind] = {"n": total, "share": kept / total if total else None}
    return out


def score(hyps: list[str], refs: list[str]) -> dict:
    return {
        "bleu": round(sacrebleu.corpus_bleu(hyps, [refs]).score, 2),
        "chrf": round(sacrebleu.corpus_chrf(hyps, [refs]).score, 2),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--polmon", required=True)
    ap.add_argument("--sets", nargs="*", default=list(SETS))
    ap.add_argument("--limit", type=int, help="first N lines only")
    ap.add_argument("--ablations", action="store_true")
    ap.add_argument("--out", type=Path, default=Path("/tmp/polmon-translate-bench"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = {}
    for name in args.sets:
        src_path, ref_path, lang = SETS[name]
        src = (DATA / src_path).read_text(encoding="utf-8").split("\n")
        refs = (DATA / ref_path).read_text(encoding="utf-8").split("\n")
        n = min(len([x for x in src if x]), args.limit or 10**9)
        src, refs = src[:n], refs[:n]
        stdin = "\n".join(src) + "\n"
        words = sum(len(x.split()) for x in src)
        tag = name.replace(" ", "-") + (f"-{n}" if args.limit else "")
        names = reference_names(args.polmon, refs, args.out / f"{tag}.ref-names.json")
        systems = {"raw": ["bash", "-c", RAW_CHAINS[lang]],
                   "polmon": [args.polmon, "translate", "--from", lang, "--to", "en"]}
        if args.ablations:
            systems["polmon --raw"] = systems["polmon"] + ["--raw"]
            systems["polmon --names none"] = systems["polmon"] + ["--names", "none"]
            systems["polmon --names all"] = systems["polmon"] + ["--names", "all"]
        results[name] = {"lines": n, "words": words}
        for sys_name, argv in systems.items():
            out, cpu, wall = run(argv, stdin)
            hyps = lines_of(out.rstrip("\n"), n)
            (args.out / f"{tag}.{sys_name.replace(' ', '_')}.txt").write_text("\n".join(hyps) + "\n")
            r = score(hyps, refs)
            r.update({"names_intact": intact(hyps, names), "cpu_s": round(cpu, 2), "wall_s": round(wall, 2),
                      "words_per_cpu_s": round(words / cpu) if cpu else None})
            results[name][sys_name] = r
            ni = r["names_intact"]
            print(f"{name:17} {sys_name:20} BLEU {r['bleu']:5.2f} chrF {r['chrf']:5.2f} "
                  f"names {ni['all']['share']:.3f} (PER {ni['person']['share'] or 0:.3f} ORG {ni['organization']['share'] or 0:.3f} "
                  f"LOC {ni['location']['share'] or 0:.3f}) {r['words_per_cpu_s']} w/cpu-s, {wall:.1f} s", flush=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1))
    print(f"written: {args.out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
