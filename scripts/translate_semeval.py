#!/usr/bin/env python3
"""Do translations help cross-language pair similarity? (SemEval-2022 Task 8)

Reads the SemEval pairs (shared/data/stories/semeval2022-task8/training_set.csv,
through shared/bench/similarity_score.py), translates into English every text
of a cross-language row whose language has an Apertium route (with
``polmon translate --from xx --to en``; German and Polish have none and stay
as they are), then scores two pair files with ``polmon similarity --pairs``:

* ``today``: the original texts (what the cross-language scorer sees today);
* ``translated``: the same file where those texts are replaced by their English
  translation and their language set to ``en``.

Both files hold every row (word rarity is fitted on the file's texts), so the
two runs differ only in the translated texts. Pearson r against -Overall is
reported by similarity_score.py on the standard subsets and per language pair.

    python3 scripts/translate_semeval.py --polmon target/release/polmon
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path("/work/shared/bench")
sys.path.insert(0, str(BENCH))
import similarity_score  # noqa: E402

CSV = Path("/work/shared/data/stories/semeval2022-task8/training_set.csv")
ROUTED = {"fr", "es", "it", "pt"}


def translate(polmon: str, lang: str, texts: list[str]) -> list[str]:
    """One text a line (newlines inside become a paragraph mark and back)."""
    mark = " \u2029 "
    stdin = "\n".join(t.replace("\r", " ").replace("\n", mark) for t in texts) + "\n"
    p = subprocess.run([polmon, "translate", "--from", lang, "--to", "en"], input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"error: polmon translate {lang}: {p.stderr[-2000:]}")
    out = p.stdout.rstrip("\n").split("\n")
    if len(out) != len(texts):
        sys.exit(f"error: {len(texts)} texts in, {len(out)} out ({lang})")
    return [o.replace("\u2029", "\n") for o in out]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--polmon", required=True)
    ap.add_argument("--out", type=Path, default=Path("/tmp/polmon-translate-semeval"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pairs = similarity_score.load_pairs(CSV)
    cross = [p for p in pairs if p.lang1 != p.lang2]
    todo: dict[str, dict[str, None]] = {}
    for p in cross:
        for lang, text in ((p.lang1, p.text1), (p.lang2, p.text2)):
            if lang in ROUTED:
                todo.setdefault(lang, {})[text] = None
    translated: dict[tuple[str, str], str] = {}
    for lang, texts in todo.items():
        t0 = time.perf_counter()
        texts_l = list(texts)
        for src, dst in zip(texts_l, translate(args.polmon, lang, texts_l)):
            translated[(lang, src)] = dst
        print(f"translated {len(texts_l)} {lang} texts in {time.perf_counter() - t0:.1f} s", flush=True)

    def record(p, use_translation: bool) -> dict:
        r = p.record()
        if use_translation and p.lang1 != p.lang2:
            for i in ("1", "2"):
                key = (r["lang" + i], r["text" + i])
                if key in translated:
                    r["text" + i], r["lang" + i] = translated[key], "en"
        return r

    reports = {}
    for name, use in (("today", False), ("translated", True)):
        path = args.out / f"pairs-{name}.jsonl"
        path.write_text("".join(json.dumps(record(p, use), ensure_ascii=False) + "\n" for p in pairs), encoding="utf-8")
        p = subprocess.run([args.polmon, "similarity", "--pairs", str(path)], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"error: polmon similarity: {p.stderr[-2000:]}")
        scores = similarity_score.parse_scores(p.stdout)
        scores, _ = similarity_score.check_scores(scores, pairs, False)
        res = similarity_score.subset_scores(pairs, scores, 1000, 0)
        reports[name] = res
        print(similarity_score.format_report(name, "semeval-dev", res, {}, None))
    (args.out / "results.json").write_text(json.dumps(reports, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
