#!/usr/bin/env bash
# Benchmarks serving on the release build:
#   * ingest throughput of the demo corpus, pinned to one core (articles/s), unless DATA is given;
#   * p50/p99 latency and req/s of the home page, the heavy article page (the stored article
#     with the most quotes) and the same article as JSON, and /api/search, with 50 concurrent
#     clients for SECONDS each (wrk, loopback, on the same 2 cores);
#   * peak RSS of `polmon serve` (VmHWM) after the load.
# Needs wrk (Debian: apt-get install wrk).
# Usage: scripts/bench-serve.sh [SECONDS] [DATA]   (DATA: an existing data folder, e.g. one
#        filled by `polmon bench generate`; default: a fresh folder with the demo corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-20}"
data="${2:-}"
cargo build --release -p polmon >/dev/null
bin=target/release/polmon
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

if [ -z "$data" ]; then
    echo "== ingest (demo corpus, 1 core)"
    data="$work/data"
    for i in 1 2 3; do
        rm -rf "$data"
        start=$(date +%s.%N)
        taskset -c 0 "$bin" --data "$data" ingest --no-translate data/demo/*.jsonl | tail -1
        end=$(date +%s.%N)
        n=$("$bin" --data "$data" export | wc -l)
        python3 -c "print(f'pass $i: {$n} articles in {$end-$start:.2f} s = {$n/($end-$start):.0f} articles/s')"
    done
fi

echo "== serve ($("$bin" --data "$data" export | wc -l) articles)"
id=$("$bin" --data "$data" export | python3 -c '
import json, sys
best = max((json.loads(l) for l in sys.stdin), key=lambda a: (len(a["quotes"]), len(a["text"])))
print(best["id"])')
"$bin" --data "$data" serve --no-crawl --addr 127.0.0.1:0 > "$work/serve.out" &
server=$!
for _ in $(seq 100); do grep -q http "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/serve.out" | sed 's#/$##')
for path in "/" "/article/$id" "/api/articles/$id" "/api/search?q=gouvernement"; do
    curl -s -o /dev/null "$url$path"
    echo "-- $path"
    wrk -t2 -c50 -d"${secs}s" --latency "$url$path" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
done
echo "-- peak RSS of serve: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MB"}')"
