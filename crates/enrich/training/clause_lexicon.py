#!/usr/bin/env python3
"""Writes data/lexicon/clause-fr.txt: French words that end a name.

French names keep lowercase words ("Assemblée nationale", "Union pour un mouvement
populaire"), so the clean-up cannot cut a span at every lowercase word as it does in
English. It cuts at the words listed here: words seen in lowercase at least 3 times in the
French training text (WikiANN fr train + Europeana French, as written by prepare.py), less
than 5% of the time inside an entity, and tagged mostly (>= 60%) as a verb, auxiliary,
adverb, pronoun or subordinating conjunction by spaCy's fr_core_news_sm in their sentences
("annonce", "auront", "lors", "qui"; not "un", "valeurs", "pour").

Needs spaCy and fr_core_news_sm (the bench venv: shared/bench/requirements-spacy.txt):
    .venv-spacy/bin/python crates/enrich/training/clause_lexicon.py target/ner-train \
        crates/enrich/data/lexicon/clause-fr.txt
"""
import collections
import sys
from pathlib import Path

import spacy

CLAUSE_POS = {"VERB", "AUX", "ADV", "PRON", "SCONJ"}
ELISIONS = ("d'", "l'", "qu'", "d’", "l’", "qu’")


def sentences(path):
    toks, tags = [], []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            if toks:
                yield toks, tags
            toks, tags = [], []
            continue
        t, g = line.split("\t")
        toks.append(t)
        tags.append(g)
    if toks:
        yield toks, tags


def bare(t):
    for pre in ELISIONS:
        if t.lower().startswith(pre) and len(t) > len(pre):
            return t[len(pre):]
    return t


def main():
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    sents = list(sentences(src / "wikiann-fr.bio")) + list(sentences(src / "europeana-fr.bio"))
    inside, total = collections.Counter(), collections.Counter()
    for toks, tags in sents:
        for t, g in zip(toks, tags):
            t = bare(t)
            if t[:1].islower() and t.replace("-", "").isalpha():
                total[t.lower()] += 1
                inside[t.lower()] += g.startswith("I-")
    cands = {w for w, n in total.items() if n >= 3 and inside[w] / n < 0.05}
    nlp = spacy.load("fr_core_news_sm", exclude=["parser", "ner", "lemmatizer"])
    pos = collections.defaultdict(collections.Counter)
    texts = [" ".join(t) for t, _ in sents if any(bare(x).lower() in cands for x in t)]
    for doc in nlp.pipe(texts, batch_size=256):
        for tok in doc:
            w = bare(tok.text).lower()
            if w in cands:
                pos[w][tok.pos_] += 1
    words = sorted(w for w in cands if pos[w] and sum(pos[w][p] for p in CLAUSE_POS) / sum(pos[w].values()) >= 0.6)
    out.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{out}: {len(words)} words (of {len(cands)} candidates)", file=sys.stderr)


if __name__ == "__main__":
    main()
