#!/usr/bin/env python3
"""Scores French quote attribution on the French development set (crates/quotes/tests/data/fr-dev).

Runs `polmon analyze --jsonl` (the real pipeline: NER, then quotes) over the set's documents and
reports, per split (tune / heldout / fresh / fresh2) and overall:

* quoted-quote P/R/F1: predicted quotes that open right after a quotation mark (direct quotes
  and quoted fragments; reported clauses without marks are not counted) against the gold
  quotations; a prediction matches a gold quote when its text contains the gold snippet, or
  is most of it; each side matches at most once;
* speaker accuracy over matched quotes: `speaker_canonical` (else `speaker`) against the gold
  speaker's alternatives (`A|B`): right when it holds every word of one alternative, or is
  part of one and holds its last word (a surname); a gold speaker of null wants none;
* terms returned as quotes: gold terms in quotation marks (scare quotes, titles) that came back
  as quotes.

The Wikinews documents carry their text; the trafilatura-eval pages are referenced by file
name only (research-only licence) and read from the folder `traf_eval.py --prepare` prints
(`--traf-pages`), with the crude paragraph extraction below; without it they are skipped.

    python3 scripts/fr_dev_score.py --cmd 'target/release/polmon analyze --lang fr --jsonl {input}' \\
        [--traf-pages ~/.cache/polmon-bench/trafilatura-eval-*/pages] [--show-errors]
"""
import argparse, csv, html, json, os, re, shlex, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'crates', 'quotes', 'tests', 'data', 'fr-dev')
MARKS = '«»“”„"‹›'
STOP = {'le', 'la', 'les', "l'", 'de', 'du', 'des', "d'", 'un', 'une', 'son', 'sa', 'ses', 'the', 'a', 'm.', 'mme', 'et'}


def norm(s):
    return re.sub(r'\s+', ' ', s.replace('’', "'").replace('\u00ad', '')).strip().lower()


def words(s):
    ws = [w for w in re.split(r"[^\w'.-]+", norm(s)) if w]
    ws = [re.sub(r"^(l|d|qu)'", '', w) for w in ws]
    return [w for w in ws if w and w not in STOP]


def speaker_ok(pred, gold):
    if gold is None:
        return pred is None
    if pred is None:
        return False
    p = set(words(pred))
    for alt in gold.split('|'):
        a = words(alt)
        if a and (set(a) <= p or (p <= set(a) and a[-1] in p)):
            return True
    return False


def traf_text(path, doc):
    raw = open(path, 'rb').read()
    m = re.search(rb'charset=["\']?([\w-]+)', raw[:3000])
    try:
        s = raw.decode(m.group(1).decode() if m else 'utf-8', errors='replace')
    except LookupError:
        s = raw.decode('utf-8', errors='replace')
    s = re.sub(r'<(script|style)[^>]*>.*?</\1>', '', s, flags=re.S | re.I)
    out = []
    for inner in re.findall(r'<(?:p|h1|h2)\b[^>]*>(.*?)</(?:p|h1|h2)>', s, re.S | re.I):
        t = re.sub(r'\s+', ' ', html.unescape(re.sub(r'<[^>]+>', '', inner))).strip()
        if len(t) >= 60 or '«' in t:
            out.append(t)
    text = '\n\n'.join(out)
    # gala.fr: the article ends before its list of related headlines.
    end = text.find('met-il en perspective.') if doc.startswith('gala.fr') else -1
    return (text[:end + len('met-il en perspective.')] if end >= 0 else text) + '\n'


def semeval_texts(path):
    """Article id -> text of the SemEval-2022 Task 8 training CSV (each article's first row)."""
    csv.field_size_limit(1 << 30)
    texts = {}
    with open(path, newline='') as f:
        for row in csv.DictReader(f):
            for side, article in zip(('1', '2'), row['pair_id'].split('_')):
                texts.setdefault(article, row['text' + side])
    return texts


def load(traf_pages, semeval_csv):
    """The set's documents with their text; pages whose source is missing are skipped (with a note)."""
    docs = [json.loads(l) for l in open(os.path.join(DATA, 'wikinews.jsonl'))]
    referenced = [json.loads(l) for name in ('trafilatura.jsonl', 'fresh.jsonl', 'fresh2.jsonl')
                  for l in open(os.path.join(DATA, name))]
    semeval = semeval_texts(semeval_csv) if semeval_csv and os.path.exists(semeval_csv) else None
    skipped = 0
    for d in referenced:
        if d['doc'].startswith('semeval-'):
            if semeval is None:
                skipped += 1
                continue
            d['text'] = semeval[d['doc'][len('semeval-'):]] + '\n'
        elif traf_pages:
            d['text'] = traf_text(os.path.join(traf_pages, d['doc']), d['doc'])
        else:
            skipped += 1
            continue
        docs.append(d)
    if skipped:
        print(f'note: {skipped} documents skipped (give --traf-pages and --semeval-csv)', file=sys.stderr)
    return docs


def quoted(text, q):
    i = q['start'] - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i >= 0 and text[i] in MARKS


def score(docs, preds, show):
    res = {}
    for d in docs:
        text = d['text']
        qs = [q for q in preds.get(d['doc'], []) if quoted(text, q)]
        used = set()
        r = res.setdefault(d['split'], dict(gold=0, pred=0, match=0, spk=0, terms=0, term_total=0))
        r['gold'] += len(d['quotes'])
        r['pred'] += len(qs)
        r['term_total'] += len(d['terms'])
        for g in d['quotes']:
            gs = norm(g['text'])
            hit = None
            for k, q in enumerate(qs):
                t = norm(q['text'])
                if k not in used and (gs in t or (t in gs and len(t) * 5 >= len(gs) * 3)):
                    hit = k
                    break
            if hit is None:
                if show:
                    print(f"MISS  {d['doc']}: {g['text']!r} ({g['speaker']})")
                continue
            used.add(hit)
            r['match'] += 1
            q = qs[hit]
            pred = q.get('speaker_canonical') or q.get('speaker')
            if speaker_ok(pred, g['speaker']):
                r['spk'] += 1
            elif show:
                print(f"SPKR  {d['doc']}: {g['text'][:40]!r} gold {g['speaker']!r} got {q.get('speaker')!r} -> {q.get('speaker_canonical')!r}")
        for k, q in enumerate(qs):
            if k in used:
                continue
            t = norm(q['text'])
            term = any(norm(s) == t or norm(s) in t and len(t) < len(s) + 4 for s in d['terms'])
            r['terms'] += term
            if show:
                print(f"{'TERM' if term else 'EXTRA'} {d['doc']}: {q['text'][:60]!r} ({q.get('speaker')})")
    tot = {k: sum(r[k] for r in res.values()) for k in ('gold', 'pred', 'match', 'spk', 'terms', 'term_total')}
    res['all'] = tot
    return res


def report(res):
    print(f"{'split':8} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6} {'speaker acc':>16} {'terms as quotes':>16}")
    for name in ('tune', 'heldout', 'fresh', 'fresh2', 'all'):
        r = res.get(name)
        if not r:
            continue
        p = r['match'] / r['pred'] if r['pred'] else 1.0
        rc = r['match'] / r['gold'] if r['gold'] else 1.0
        f = 2 * p * rc / (p + rc) if p + rc else 0.0
        acc = r['spk'] / r['match'] if r['match'] else 0.0
        print(f"{name:8} {r['gold']:5} {r['pred']:5} {100*p:6.1f} {100*rc:6.1f} {100*f:6.1f} {100*acc:7.1f}% ({r['spk']}/{r['match']}) {r['terms']:>8}/{r['term_total']}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--cmd', default='target/release/polmon analyze --lang fr --jsonl {input}')
    ap.add_argument('--traf-pages', help='folder of trafilatura-eval <id>.html pages')
    ap.add_argument('--semeval-csv', default=os.path.join(HERE, '..', '..', 'shared', 'data', 'stories',
                                                          'semeval2022-task8', 'training_set.csv'),
                    help='SemEval-2022 Task 8 training_set.csv (texts of the fresh split\'s news articles)')
    ap.add_argument('--pred', help='score saved predictions (JSONL with id) instead of running --cmd')
    ap.add_argument('--save-pred')
    ap.add_argument('--show-errors', action='store_true')
    a = ap.parse_args()
    docs = load(a.traf_pages, a.semeval_csv)
    if a.pred:
        lines = open(a.pred).read().splitlines()
    else:
        with tempfile.NamedTemporaryFile('w', suffix='.jsonl', delete=False) as f:
            for d in docs:
                f.write(json.dumps({'id': d['doc'], 'text': d['text']}, ensure_ascii=False) + '\n')
        out = subprocess.run([x.replace('{input}', f.name) for x in shlex.split(a.cmd)], capture_output=True, text=True)
        os.unlink(f.name)
        if out.returncode != 0:
            sys.exit(f'command failed: {out.stderr[-2000:]}')
        lines = out.stdout.splitlines()
        if a.save_pred:
            open(a.save_pred, 'w').write(out.stdout)
    preds = {}
    for l in lines:
        if l.strip():
            o = json.loads(l)
            preds[o['id']] = o.get('quotes', [])
    report(score(docs, preds, a.show_errors))


if __name__ == '__main__':
    main()
