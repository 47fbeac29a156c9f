#!/usr/bin/env python3
"""Convert the freely licensed NER sets in shared/data/ner to one format for train-ner.

Standard library only. Writes `<out>/<name>.bio`: `token<TAB>tag` lines (IOB2 tags
PER/ORG/LOC), a blank line between sentences.

    python3 crates/enrich/training/prepare.py /work/shared/data/ner target/ner-train \
        [crates/enrich/data/lexicon [/usr/share/dict/american-english]]

With the third argument it also rewrites data/lexicon/lowercase.txt (common lowercase words),
adding the SCOWL word list of Debian's wamerican package when it is given as the fourth.

Sets (see crates/enrich/README.md for licences):
  wikiann-en, -fr, -de, -nl  WikiANN train splits; wikiann-en-dev the English dev split (the
                          French dev split is a benchmark and is never converted)
  gum-en                  GUM Wikinews news+interviews: person/place/organization
                          entities whose syntactic head is a proper noun, cut to the
                          proper-noun run around the head
  europeana-fr            Europeana Newspapers French (CC0), IOB1 -> IOB2, split into
                          sentences at . ! ?
CoNLL-2003 (research-only) is converted to conll-en only when POLMON_CONLL_TRAIN=1 is set.
"""
import os
import re
import sys
from pathlib import Path

TYPES = {"person": "PER", "place": "LOC", "organization": "ORG"}


def iob1_to_iob2(tags):
    out, prev = [], "O"
    for t in tags:
        if t == "O" or "-" not in t:
            out.append("O")
            prev = "O"
            continue
        p, lab = t.split("-", 1)
        if p == "B" or prev == "O" or prev.split("-", 1)[1] != lab:
            out.append("B-" + lab)
        else:
            out.append("I-" + lab)
        prev = out[-1]
    return out


def write(path, sentences):
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for toks, tags in sentences:
            if not toks:
                continue
            for t, g in zip(toks, tags):
                fh.write(f"{t}\t{g}\n")
            fh.write("\n")
            n += 1
    print(f"{path}: {n} sentences", file=sys.stderr)


def wikiann(path):
    sents, toks, tags = [], [], []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip():
            if toks:
                sents.append((toks, iob1_to_iob2(tags)))
            toks, tags = [], []
            continue
        tok, tag = line.split("\t")[0], line.split("\t")[-1]
        tok = re.sub(r"^[a-z]{2,3}:", "", tok)
        toks.append(tok)
        tags.append(tag)
    if toks:
        sents.append((toks, iob1_to_iob2(tags)))
    return sents


# Words that make a WikiANN "entity" an event, a prize or a work (a Wikipedia article title)
# rather than an organisation, place or person; news annotation (CoNLL-2003, OntoNotes, ACE)
# does not type those as PER/ORG/LOC (CoNLL calls them MISC, OntoNotes EVENT/WORK_OF_ART).
EVENT_WORDS = {
    "cup", "championship", "championships", "olympics", "olympiad", "games", "tournament",
    "trophy", "festival", "award", "awards", "prize", "prix", "marathon", "rally", "derby",
    "bowl", "series", "season", "war", "wars", "battle", "election", "elections", "referendum",
    "classic", "open", "masters", "final", "finals", "qualification", "qualifying", "playoffs",
    "album", "song", "film", "episode",
}
# event words that also lead a title ("Battle of Hastings"); the others only count after the
# first word ("Open University", "Final Fantasy" stay)
LEADING_EVENT_WORDS = {"battle", "war", "wars"}
EDITION = re.compile(r"^(\d{4}([–-]\d{2,4})?|\d+(st|nd|rd|th))$")


def wikiann_conventions(sents):
    """WikiANN labels whole Wikipedia article titles; news annotation does not. An entity
    span that names an event, a prize or a work (one of EVENT_WORDS, as a capitalised word
    after the first: "UEFA Cup", "Daytime Emmy Awards"; "Tour de France" is kept) or that starts with an
    edition ("2010 Asian Games", "14th Pan American Games", "1995 World Rally Championship")
    becomes O. Returns the sentences and how many spans changed."""
    changed = 0
    for toks, tags in sents:
        i = 0
        while i < len(tags):
            if not tags[i].startswith("B-"):
                i += 1
                continue
            kind = tags[i][2:]
            j = i + 1
            while j < len(tags) and tags[j] == "I-" + kind:
                j += 1
            words = toks[i:j]
            event = any(
                w[:1].isupper() and w.lower() in EVENT_WORDS and (k > 0 or w.lower() in LEADING_EVENT_WORDS)
                for k, w in enumerate(words)
            )
            if event or EDITION.match(words[0]):
                for k in range(i, j):
                    tags[k] = "O"
                changed += 1
            i = j
    return sents, changed


def conll(path):
    """CoNLL-2003 `token POS chunk NER` (IOB1 or IOB2) -> IOB2; MISC kept as MISC (the
    trainer reads unknown types as O). Converted only with POLMON_CONLL_TRAIN=1."""
    sents, toks, tags = [], [], []
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            if toks:
                sents.append((toks, iob1_to_iob2(tags)))
            toks, tags = [], []
            continue
        toks.append(parts[0])
        tags.append(parts[-1])
    if toks:
        sents.append((toks, iob1_to_iob2(tags)))
    return sents


def europeana(path):
    sents, toks, tags = [], [], []
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if len(parts) < 2:
            continue
        toks.append(parts[0])
        tags.append(parts[-1])
        if parts[0] in (".", "!", "?") or len(toks) >= 60:
            sents.append((toks, iob1_to_iob2(tags)))
            toks, tags = [], []
    if toks:
        sents.append((toks, iob1_to_iob2(tags)))
    return sents


def gum(folder):
    sents = []
    for path in sorted(Path(folder).glob("*.conllu")):
        rows = []
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if not line:
                if rows:
                    sents.append(gum_sentence(rows))
                rows = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            rows.append(cols)
        if rows:
            sents.append(gum_sentence(rows))
    return sents


def gum_sentence(rows):
    toks = [r[1] for r in rows]
    upos = [r[3] for r in rows]
    heads = [int(r[6]) - 1 for r in rows]
    open_, spans = {}, []
    for i, r in enumerate(rows):
        misc = r[9]
        m = re.search(r"Entity=([^|]*)", misc)
        if not m:
            continue
        for part in re.findall(r"\(\d+-[^()]*\)?|\d+\)", m.group(1)):
            if part.startswith("("):
                fields = part.strip("()").split("-")
                eid, etype = fields[0], fields[1]
                if part.endswith(")"):
                    spans.append((i, i + 1, etype))
                else:
                    open_.setdefault(eid, []).append((i, etype))
            else:
                eid = part[:-1]
                if open_.get(eid):
                    s, etype = open_[eid].pop()
                    spans.append((s, i + 1, etype))
    tags = ["O"] * len(toks)
    taken = [False] * len(toks)
    for s, e, etype in sorted(spans, key=lambda x: -(x[1] - x[0])):
        if etype not in TYPES:
            continue
        head = next((k for k in range(s, e) if not s <= heads[k] < e), None)
        if head is None or upos[head] != "PROPN":
            continue
        a = head
        while a > s and (upos[a - 1] == "PROPN" or (toks[a - 1].lower() in ("of", "and", "&", "for", "de") and a - 2 >= s and upos[a - 2] == "PROPN")):
            a -= 1
        b = head + 1
        while b < e and (upos[b] == "PROPN" or (toks[b].lower() in ("of", "and", "&", "for", "de") and b + 1 < e and upos[b + 1] == "PROPN")):
            b += 1
        if any(taken[a:b]):
            continue
        for k in range(a, b):
            tags[k] = ("B-" if k == a else "I-") + TYPES[etype]
            taken[k] = True
    return toks, tags


def lowercase_lexicon(sets, path, min_count=2, scowl=None):
    """Words seen in lowercase at least `min_count` times outside entities: the tagger's
    "usually a common word" feature. With `scowl` (Debian wamerican's
    /usr/share/dict/american-english, SCOWL, permissive licence), its lowercase words are
    added, except those also listed capitalised ("bush"/"Bush", "king"/"King")."""
    counts = {}
    for sents in sets:
        for toks, tags in sents:
            for t, g in zip(toks, tags):
                if g == "O" and len(t) >= 2 and t.isalpha() and t == t.lower():
                    counts[t] = counts.get(t, 0) + 1
    words = {w for w, c in counts.items() if c >= min_count}
    if scowl:
        listed = {l.strip() for l in open(scowl, encoding="utf-8")}
        words |= {w for w in listed if w.isalpha() and w.islower() and w.capitalize() not in listed}
    words = sorted(words)
    Path(path).write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{path}: {len(words)} words", file=sys.stderr)


def main():
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    sets = {
        "wikiann-en": wikiann(src / "wikiann/en/train"),
        "wikiann-en-dev": wikiann(src / "wikiann/en/dev"),
        "wikiann-fr": wikiann(src / "wikiann/fr/train"),
        "wikiann-de": wikiann(src / "wikiann/de/train"),
        "wikiann-nl": wikiann(src / "wikiann/nl/train"),
        "gum-en": gum(src / "gum-wikinews-en/dep_conllu"),
        "europeana-fr": europeana(src / "europeana-fr/enp_FR.bnf.bio"),
    }
    if os.environ.get("POLMON_CONLL_TRAIN"):
        # research-only: see README "Models: data, licences, training"
        sets["conll-en"] = conll(src / "conll2003/eng.train")
    for name in ("wikiann-en", "wikiann-en-dev"):
        # event/prize/work titles out (see wikiann_conventions); other languages unchanged
        sets[name], changed = wikiann_conventions(sets[name])
        print(f"{name}: {changed} event, prize or work titles relabelled O", file=sys.stderr)
    for name, sents in sets.items():
        write(out / f"{name}.bio", sents)
    if len(sys.argv) > 3:  # --lexicon DIR: regenerate the shipped lowercase word list
        lex_sets = [v for k, v in sets.items() if k != "wikiann-en-dev"]
        scowl = sys.argv[4] if len(sys.argv) > 4 else None
        lowercase_lexicon(lex_sets, Path(sys.argv[3]) / "lowercase.txt", scowl=scowl)


if __name__ == "__main__":
    main()
