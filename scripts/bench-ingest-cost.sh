#!/usr/bin/env bash
# What write-time aggregation and the trend counters cost a real ingest (issue 15), in
# instructions (callgrind: repeatable on a loaded machine, unlike wall clock).
#
# A copy of DATA_DIR ingests SMALL, then (another copy) LARGE new JSONL articles through
# the whole pipeline (`polmon ingest --no-translate`: extraction, enrichment, stories,
# store, index). The difference of the two runs is the cost of LARGE - SMALL articles,
# start-up excluded. Of it, the store's kept aggregates (polmon_store::aggregates:
# contribution, article_changed, mention_added, mentions_removed) and the trend counters
# (polmon_store::trends::apply_article) are read as inclusive costs: those functions are
# never inlined, so every instruction they and their SQLite statements run is theirs
# (none of them calls another).
# Not counted in them: keeping the secondary indexes the aggregates' queries read.
#
#   scripts/bench-ingest-cost.sh DATA_DIR [SMALL] [LARGE]     (default 20 and 80)
# DATA_DIR: e.g. a `polmon bench generate` folder of 10,000 or 100,000 articles (only
# copies are written). Uses $POLMON (default target/release/polmon). Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
src="$1"
small="${2:-20}"
large="${3:-80}"
bin="${POLMON:-target/release/polmon}"
work=$(mktemp -d "${TMPDIR:-/tmp}/polmon-ingest-cost.XXXXXX")
trap 'rm -rf "$work"' EXIT
articles=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from articles').fetchone()[0])" "$src/polmon.sqlite3")
for n in "$small" "$large"; do
    rm -rf "$work/data"
    cp -r "$src" "$work/data"
    python3 -c "import sys; sys.path.insert(0, 'scripts'); import bench_scale; bench_scale.ingest_slice(sys.argv[1], int(sys.argv[2]), 4242)" "$work/batch.jsonl" "$n"
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.$n" "$bin" --data "$work/data" ingest --no-translate "$work/batch.jsonl" >/dev/null 2>"$work/valgrind.$n.log"
    callgrind_annotate --inclusive=yes --threshold=100 "$work/cg.$n" > "$work/annotate.$n.txt"
done
python3 - "$work" "$small" "$large" "$articles" <<'PY'
import re, sys
work, small, large, articles = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
GROUPS = {
    "aggregates": re.compile(r"polmon_store::aggregates::(contribution|article_changed|mention_added|mentions_removed)\b"),
    "trends": re.compile(r"polmon_store::trends::apply_article\b"),
}
def costs(n):
    out = {"total": 0, "aggregates": 0, "trends": 0}
    for line in open(f"{work}/annotate.{n}.txt"):
        m = re.match(r"\s*([0-9,]+)\s+(\([^)]*\)\s+)?(.*)", line)
        if not m:
            continue
        ir = int(m.group(1).replace(",", ""))
        name = m.group(3)
        if "PROGRAM TOTALS" in name:
            out["total"] = ir
        for g, rx in GROUPS.items():
            if rx.search(name):
                # A function's inclusive cost is split over the source files of its
                # (inlined) call sites, one line each: their sum is its cost.
                out[g] += ir
    return out
a, b = costs(small), costs(large)
per = {k: (b[k] - a[k]) / (large - small) for k in a}
base = per["total"] - per["aggregates"] - per["trends"]
print(f"store of {articles} articles, {large - small} articles ingested (runs of {small} and {large}):")
print(f"  instructions per article: total {per['total']:,.0f}; aggregates {per['aggregates']:,.0f}; trend counters {per['trends']:,.0f}")
print(f"  overhead over the ingest without them: aggregates {per['aggregates'] / base:+.1%}, trends {per['trends'] / base:+.1%}, "
      f"both {(per['aggregates'] + per['trends']) / base:+.1%}")
PY
