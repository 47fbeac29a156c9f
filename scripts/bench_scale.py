#!/usr/bin/env python3
"""Serving at scale (issue 15): every page kind at 10k, 100k and 1M articles.

For each size N:
  1. `polmon bench generate --articles N` writes a synthetic, pre-enriched archive straight
     into the store and the index (see crates/cli/src/commands/bench.rs; extraction and
     enrichment are skipped so that 1M loads in minutes);
  2. optionally, a copy of it is turned back into the schema of an older build (`--before
     BINARY`: the tables and columns of the kept-aggregates migration dropped,
     user_version set back) so the binary from before can serve the same articles;
  3. for each binary: `serve` start-up time (until the first page answers) and, for every
     page kind, the mean (and median) of R single-client requests over one keep-alive connection, then
     wrk with 50 connections (requests/s, p50, p99), then serve's peak RSS (VmHWM);
  4. ingest rate: the full pipeline (`polmon ingest`, pinned to one core) on M new JSONL
     articles added to the archive.

Needs wrk (Debian: apt-get install wrk) and taskset. Prints a Markdown table per size
and writes everything to WORK/results.json.

  python3 scripts/bench_scale.py --polmon target/release/polmon --before /tmp/polmon-before \
      --sizes 10000,100000 --work /tmp/polmon-scale
"""

import argparse
import http.client
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time

# The kept-aggregates migration, undone for a binary that predates it.
AGGREGATE_TABLES = ["facet_counts", "stories", "story_values", "entity_totals", "entity_role_counts", "aggregates_backfilled", "store_marks"]
AGGREGATE_INDEXES = ["articles_by_original", "mentions_by_entity_time", "mentions_by_entity_role", "quotes_by_entity_time", "articles_by_language"]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def generate(polmon, data, n):
    started = time.time()
    out = subprocess.run([polmon, "--data", data, "bench", "generate", "--articles", str(n)],
                         check=True, capture_output=True, text=True)
    secs = time.time() - started
    log(out.stdout.strip())
    return {"articles": n, "seconds": round(secs, 1), "rate": round(n / secs)}


def downgrade(src, dst):
    """A copy of `src` as a build without the kept aggregates would have written it."""
    if os.path.exists(dst):
        return
    shutil.copytree(src, dst)
    db = sqlite3.connect(os.path.join(dst, "polmon.sqlite3"))
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for ix in AGGREGATE_INDEXES:
        db.execute(f"DROP INDEX IF EXISTS {ix}")
    for t in AGGREGATE_TABLES:
        db.execute(f"DROP TABLE IF EXISTS {t}")
    for t in ["mentions", "quotes"]:
        db.execute(f"ALTER TABLE {t} DROP COLUMN sort_ts")
    db.execute(f"PRAGMA user_version = {version - 1}")
    db.commit()
    db.close()


def targets(data):
    """The ids each page kind is measured on, read straight from the database."""
    db = sqlite3.connect(os.path.join(data, "polmon.sqlite3"))
    one = lambda sql: db.execute(sql).fetchone()
    n = one("SELECT count(*) FROM articles")[0]
    article = one(f"SELECT id FROM articles ORDER BY id LIMIT 1 OFFSET {n // 2}")[0]
    sizes = db.execute("SELECT story_id, count(*) c FROM articles WHERE story_id IS NOT NULL GROUP BY story_id").fetchall()
    big_story, big_size = max(sizes, key=lambda r: r[1])
    small = [s for s, c in sizes if c == 3] or [s for s, c in sizes if c > 1]
    small_story = small[len(small) // 2]
    entity, entity_size = one("SELECT entity_id, count(*) c FROM mentions GROUP BY entity_id ORDER BY c DESC LIMIT 1")
    category = one("SELECT category FROM articles GROUP BY category ORDER BY count(*) DESC LIMIT 1")[0]
    source = one("SELECT source FROM articles GROUP BY source ORDER BY count(*) DESC LIMIT 1")[0]
    db.close()
    return {
        "articles": n, "article": article, "big_story": big_story, "big_story_size": big_size,
        "small_story": small_story, "entity": entity, "entity_mentions": entity_size,
        "category": category, "source": source,
    }


def pages(t):
    return [
        ("/", "/"),
        ("/category/{top}", f"/category/{t['category']}"),
        ("/category/{top}?page=50", f"/category/{t['category']}?page=50"),
        ("/source/{top}", f"/source/{t['source']}"),
        ("/search?q=gouvernement", "/search?q=gouvernement"),
        ("/api/search?q=gouvernement", "/api/search?q=gouvernement"),
        ("/feeds/search?q=gouvernement", "/feeds/search?q=gouvernement"),
        ("/stories", "/stories"),
        ("/story/{3 articles}", f"/story/{t['small_story']}"),
        (f"/story/{{largest: {t['big_story_size']}}}", f"/story/{t['big_story']}"),
        ("/api/stories/{largest}", f"/api/stories/{t['big_story']}"),
        ("/article/{id}", f"/article/{t['article']}"),
        ("/entities", "/entities"),
        (f"/entity/{{top: {t['entity_mentions']} mentions}}", f"/entity/{t['entity']}"),
        ("/api/entities/{top}", f"/api/entities/{t['entity']}"),
        ("/api/articles", "/api/articles"),
        ("/feeds/latest", "/feeds/latest"),
        ("/feeds/category/{top}", f"/feeds/category/{t['category']}"),
        ("/sitemap.xml", "/sitemap.xml"),
        ("/trends", "/trends"),
        ("/trends?days=365", "/trends?days=365"),
        ("/api/trends", "/api/trends"),
        ("/api/trends?days=365&format=csv", "/api/trends?days=365&format=csv"),
        ("/entity/{top}?days=365", f"/entity/{t['entity']}?days=365"),
        ("/api/trends/entities/{top}?days=365", f"/api/trends/entities/{t['entity']}?days=365"),
        ("/api/trends/sources/{top}?days=365", f"/api/trends/sources/{t['source']}?days=365"),
    ]


def start_server(polmon, data):
    started = time.time()
    proc = subprocess.Popen([polmon, "--data", data, "serve", "--addr", "127.0.0.1:0", "--no-crawl"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    m = re.search(r"http://([0-9.]+):([0-9]+)/", line)
    if not m:
        proc.kill()
        raise RuntimeError(f"serve did not start: {line!r}")
    host, port = m.group(1), int(m.group(2))
    while True:
        try:
            c = http.client.HTTPConnection(host, port, timeout=60)
            c.request("GET", "/")
            c.getresponse().read()
            break
        except OSError:
            time.sleep(0.01)
    return proc, host, port, time.time() - started


def rss_mb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024)
    return None


def single_client(host, port, path, requests):
    c = http.client.HTTPConnection(host, port, timeout=120)
    status = None
    for _ in range(3):
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        status = r.status
    times = []
    budget = time.perf_counter() + 10  # a slow page gets fewer requests (at least 3)
    while len(times) < requests and (len(times) < 3 or time.perf_counter() < budget):
        started = time.perf_counter()
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return status, sum(times) / len(times), times[len(times) // 2]


def under_load(host, port, path, seconds):
    out = subprocess.run(["wrk", "-t2", "-c50", f"-d{seconds}s", "--latency", "--timeout", "10s", f"http://{host}:{port}{path}"],
                         capture_output=True, text=True).stdout

    def ms(label):
        m = re.search(rf"^\s*{label}\s+([0-9.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return None
        v = float(m.group(1))
        return round({"us": v / 1000, "ms": v, "s": v * 1000}[m.group(2)], 1)

    rps = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": round(float(rps.group(1))) if rps else None, "p50": ms("50%"), "p99": ms("99%"),
            "non2xx": int(errors.group(1)) if errors else 0}


def measure(polmon, data, t, requests, seconds):
    load_before = os.getloadavg()[0]
    proc, host, port, startup = start_server(polmon, data)
    rows = []
    try:
        for label, path in pages(t):
            status, mean, median = single_client(host, port, path, requests)
            load = under_load(host, port, path, seconds) if seconds else {}
            rows.append({"page": label, "path": path, "status": status, "mean_ms": round(mean, 2),
                         "median_ms": round(median, 2), **load})
            log(f"  {label:40} {status} {mean:8.2f} ms (median {median:.2f})  {load}")
        rss = rss_mb(proc.pid, "VmHWM")
    finally:
        proc.send_signal(2)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    # The machine is shared: the 1-minute load average before and after, with the figures.
    return {"startup_s": round(startup, 2), "rss_mb": rss, "pages": rows,
            "load": [round(load_before, 1), round(os.getloadavg()[0], 1)]}


def ingest_slice(path, n, seed):
    """n JSONL articles from halves of the demo texts, with new URLs."""
    demo = []
    for name in ["wikinews-en.jsonl", "wikinews-fr.jsonl"]:
        with open(os.path.join(os.path.dirname(__file__), "..", "data", "demo", name)) as f:
            demo += [json.loads(l) for l in f if l.strip()]
    with open(path, "w") as out:
        for i in range(n):
            a, b = demo[(i * 7 + seed) % len(demo)], demo[(i * 13 + 5 + seed) % len(demo)]
            text = a["text"][: len(a["text"]) // 2] + "\n\n" + b["text"][len(b["text"]) // 2:]
            out.write(json.dumps({
                "id": f"slice-{seed}-{i}", "url": f"https://slice{seed}.example/{i}", "title": f"{a['title']} [{seed}.{i}]",
                "text": text, "published": f"2025-01-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                "language": a.get("language"), "source": f"slice{i % 20}.example",
            }) + "\n")


def ingest_rate(polmon, data, jsonl, n):
    started = time.time()
    subprocess.run(["taskset", "-c", "0", polmon, "--data", data, "ingest", jsonl], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    secs = time.time() - started
    return {"articles": n, "seconds": round(secs, 1), "rate": round(n / secs, 1)}


def table(results):
    lines = []
    for size, r in results.items():
        builds = [b for b in ("before", "after") if b in r]
        lines.append(f"\n### {int(size):,} articles\n")
        head = "| page | " + " | ".join(f"{b}: mean (median) ms | {b}: p99 ms (50 conn) | {b}: req/s" for b in builds) + " |"
        lines.append(head)
        lines.append("|---" * (1 + 3 * len(builds)) + "|")
        for i, p in enumerate(r[builds[0]]["pages"]):
            cells = []
            for b in builds:
                q = r[b]["pages"][i]
                cells += [f"{q['mean_ms']} ({q.get('median_ms')})", f"{q.get('p99')}", f"{q.get('rps')}"]
            lines.append(f"| `{p['page']}` | " + " | ".join(cells) + " |")
        for b in builds:
            lines.append(f"\n{b}: start-up {r[b]['startup_s']} s, peak RSS {r[b]['rss_mb']} MB, load average {r[b].get('load')}"
                         + (f", ingest {r[b]['ingest']['rate']} articles/s (one core, {r[b]['ingest']['articles']} articles)" if 'ingest' in r[b] else ""))
        if "generate" in r:
            g = r["generate"]
            lines.append(f"\ngenerated (pre-enriched, straight into the store and index): {g['rate']} articles/s")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--polmon", default="target/release/polmon")
    ap.add_argument("--before", help="a polmon binary from before the kept aggregates, measured on a downgraded copy")
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--work", default="/tmp/polmon-scale")
    ap.add_argument("--requests", type=int, default=5,
                    help="single-client requests per page after 3 warm-ups (fewer, at least 3, past 10 s)")
    ap.add_argument("--seconds", type=int, default=5, help="wrk seconds per page (0: no load test)")
    ap.add_argument("--ingest", type=int, default=300, help="articles ingested through the full pipeline (0: skip)")
    ap.add_argument("--ingest-only", action="store_true", help="measure the ingest rate only (pages as last measured)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    results_path = os.path.join(args.work, "results.json")
    results = json.load(open(results_path)) if os.path.exists(results_path) else {}
    for size in [int(s) for s in args.sizes.split(",")]:
        r = results.setdefault(str(size), {})
        after = os.path.join(args.work, str(size), "after")
        if not os.path.exists(after):
            log(f"== generating {size} articles")
            r["generate"] = generate(args.polmon, after, size)
        t = targets(after)
        r["targets"] = t
        runs = [("after", args.polmon, after)]
        run_seed = int(time.time()) % 100_000  # the same new articles for every build of this run
        if args.before:
            before = os.path.join(args.work, str(size), "before")
            downgrade(after, before)
            runs.insert(0, ("before", args.before, before))
        for label, binary, data in runs:
            log(f"== {size} articles, {label}")
            if not args.ingest_only:
                r[label] = measure(binary, data, t, args.requests, args.seconds)
            if args.ingest:
                # New URLs on every run: stored ones would be skipped.
                jsonl = os.path.join(args.work, f"slice-{size}-{label}.jsonl")
                ingest_slice(jsonl, args.ingest, run_seed)
                r.setdefault(label, {})["ingest"] = ingest_rate(binary, data, jsonl, args.ingest)
                log(f"  ingest: {r[label]['ingest']}")
            json.dump(results, open(results_path, "w"), indent=1)
    print(table({k: v for k, v in results.items() if k in [s for s in args.sizes.split(",")]}))


if __name__ == "__main__":
    main()
