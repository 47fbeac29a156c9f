#!/usr/bin/env bash
# Benchmarks the foundation on the release build (issue 2's figures):
#   * ingest throughput of the demo corpus, pinned to one core (articles/s);
#   * p50/p99 latency of the article page and /api/search with 50 concurrent clients
#     for 20 s each (wrk, loopback);
#   * peak RSS of `polmon serve` (VmHWM) after the load.
# Needs wrk (Debian: apt-get install wrk). Usage: scripts/bench-serve.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-20}"
cargo build --release -p polmon >/dev/null
bin=target/release/polmon
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

echo "== ingest (demo corpus, 1 core)"
for i in 1 2 3; do
    rm -rf "$work/data"
    start=$(date +%s.%N)
    taskset -c 0 "$bin" --data "$work/data" ingest data/demo/*.jsonl | tail -1
    end=$(date +%s.%N)
    n=$("$bin" --data "$work/data" export | wc -l)
    python3 -c "print(f'pass $i: {$n} articles in {$end-$start:.2f} s = {$n/($end-$start):.0f} articles/s')"
done

echo "== serve"
"$bin" --data "$work/data" serve --addr 127.0.0.1:0 > "$work/serve.out" &
server=$!
for _ in $(seq 50); do grep -q http "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/serve.out" | sed 's#/$##')
id=$(curl -s "$url/api/articles?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"][0]["id"])')
for path in "/article/$id" "/api/search?q=gouvernement" "/search?q=election&lang=en"; do
    echo "-- $path"
    wrk -t2 -c50 -d"${secs}s" --latency "$url$path" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
done
echo "-- peak RSS of serve: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MB"}')"
