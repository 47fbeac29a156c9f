#!/usr/bin/env bash
# Benchmarks the trends pages (issue 13): /trends, /api/trends, an entity page and its
# trends API, and a source page, on a data folder, each single-client (wrk -c1: average
# and p99) and with 50 connections (wrk -c50: requests/s, p50, p99). The first request of
# each path is timed alone: it computes what the next ones get from the minute's cache.
#   scripts/bench-trends.sh DATA_DIR [seconds]
# DATA_DIR: e.g. from `cargo run -p polmon --example trends_corpus -- DIR 100000`, or the
# demo (`polmon demo --no-serve --data DIR`). Uses $POLMON (default target/debug/polmon;
# build it first). Needs wrk (Debian: apt-get install wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
data="$1"
secs="${2:-10}"
bin="${POLMON:-target/debug/polmon}"
out=$(mktemp)
"$bin" --data "$data" serve --addr 127.0.0.1:0 --no-crawl > "$out" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q http "$out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$out" | sed 's#/$##')
head -1 "$out"
# The entity most in the news now, and the source with most articles.
entity=$(curl -s "$url/api/trends?days=30" | python3 -c 'import json,sys; n=json.load(sys.stdin)["in_the_news"]; print(n[0]["entity_id"] if n else 1)')
top=$(curl -s "$url/api/trends?days=365" | python3 -c 'import json,sys; s=json.load(sys.stdin)["top_speakers"]; print(s[0]["entity_id"] if s else 1)')
source=$(curl -s "$url/api/articles?per_page=1" | python3 -c 'import json,sys,urllib.parse; print(urllib.parse.quote(json.load(sys.stdin)["articles"][0]["source"] or ""))')
for path in "/trends" "/trends?days=365" "/api/trends" "/api/trends?days=365&format=csv" \
            "/entity/$entity" "/entity/$top?days=365" "/api/trends/entities/$top?days=365" \
            "/source/$source" "/api/trends/sources/$source?days=365"; do
    echo "-- $path"
    curl -s -o /dev/null -w "   status %{http_code}, %{size_download} bytes, first request (computed, not cached) %{time_total} s\n" "$url$path"
    echo -n "   1 client:  "
    wrk -t1 -c1 -d"${secs}s" --latency "$url$path" | awk '/Latency  /{printf "avg %s, ", $2} / 99%/{printf "p99 %s, ", $2} /Requests\/sec/{printf "%s req/s\n", $2}'
    echo -n "   50 conns:  "
    wrk -t2 -c50 -d"${secs}s" --latency "$url$path" | awk '/ 50%/{printf "p50 %s, ", $2} / 99%/{printf "p99 %s, ", $2} /Requests\/sec/{printf "%s req/s", $2} /Non-2xx/{printf ", NON-2XX %s", $4} END{print ""}'
done
