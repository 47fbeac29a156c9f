#!/usr/bin/env bash
# Screenshots of every page kind of a live demo in headless Chromium (Debian's `chromium`),
# at 1280 px (desktop) and 390 px (phone) wide, into OUT (default target/screenshots).
# Usage: scripts/screenshots.sh [polmon binary] [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-}"
out="${2:-target/screenshots}"
if [ -z "$bin" ]; then
    cargo build --release -p polmon >/dev/null
    bin=target/release/polmon
fi
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$chrome" ] || { echo "chromium is required (apt-get install chromium)" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" --data "$work/data" demo --no-serve >/dev/null
"$bin" --data "$work/data" serve --addr 127.0.0.1:0 > "$work/serve.out" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q http "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/serve.out" | head -1 | sed 's#/$##')
json() { curl -sf "$url$1" | python3 -c "import json,sys; print(eval('json.load(sys.stdin)' + sys.argv[1]))" "$2"; }
# The article with the most quotes: the heavy page.
article=$("$bin" --data "$work/data" export | python3 -c '
import json, sys
best = max((json.loads(l) for l in sys.stdin), key=lambda a: len(a["quotes"]))
print(best["id"])')
story=$(json "/api/articles/$article" '["story_id"]')
category=$(json "/api/articles/$article" '["category"]')
entity=$(curl -sf "$url/entities" | grep -o 'href="/entity/[0-9]*"' | head -1 | grep -o '[0-9]*')
declare -A pages=(
    [home]="/" [category]="/category/$category" [article]="/article/$article" [search]="/search?q=gouvernement"
    [stories]="/stories" [story]="/story/$story" [entities]="/entities" [entity]="/entity/$entity"
    [sources]="/sources" [notfound]="/no/such/page"
)
for name in "${!pages[@]}"; do
    for width in 1280 390; do
        "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --user-data-dir="$work/profile" --hide-scrollbars --window-size="$width,2400" \
            --screenshot="$out/$name-$width.png" "$url${pages[$name]}" >/dev/null 2>&1
    done
    echo "$name: $out/$name-1280.png $out/$name-390.png"
done
