#!/usr/bin/env python3
"""Measures watch alerts end to end on the real binary (issue 13, item 8).

1. Latency with ingest: `polmon serve --no-crawl` runs its deliverer; articles are ingested one
   at a time by `polmon ingest`; a poller sees each match row commit (SQLite, every 5 ms) and
   the webhook receiver stamps its arrival. Prints p50/p99 of stored -> received.
2. Latency with serve's own crawler: a loopback site (an http.server thread here) publishes a
   new article page in its RSS feed every 0.5-2.5 s (40 of them); `polmon serve` crawls it as a
   source polled every CRAWL_INTERVAL seconds ([crawl] min/max_interval_secs), and the watch
   matches each page. Prints p50/p99 of match row committed -> webhook received, and of page
   published (added to the feed) -> webhook received, which the poll interval dominates.
3. Crash safety: 20 rounds, each killing (SIGKILL) `polmon ingest` or `polmon deliver` at a
   random moment, and 20 receiver outages (500s or dropped connections for 1-3 s). Then the
   deliverer drains and the script counts: matches never delivered (lost), articles delivered
   under two different idempotency keys (repeats without the same key), and repeats with it.

Usage: scripts/measure-watch-delivery.py [--only ingest|crawl|crashes] [path/to/polmon]
(default: all three, with target/debug/polmon; use a release build for latency figures)
"""
import argparse, http.server, json, os, random, signal, sqlite3, subprocess, sys, tempfile, threading, time

ARGS = argparse.ArgumentParser(description="Measures watch alerts end to end on the real binary.")
ARGS.add_argument("--only", choices=["ingest", "crawl", "crashes"], help="run one measurement (default: all)")
ARGS.add_argument("polmon", nargs="?", default="target/debug/polmon")
OPTS = ARGS.parse_args()
POLMON = os.path.abspath(OPTS.polmon)
CRAWL_INTERVAL = 1      # seconds between two polls of the loopback source
CRAWL_ARTICLES = 40
lock = threading.Lock()
received = []          # (time, key, article id, status)
received_urls = []      # (time, key, article URL, status)
mode = {"m": "ok"}     # ok | fail | drop


class Hook(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        article = json.loads(body)["article"]
        key = self.headers["Idempotency-Key"]
        m = mode["m"]
        now = time.time()
        with lock:
            received.append((now, key, article["id"], 204 if m == "ok" else 0))
            received_urls.append((now, key, article.get("url"), 204 if m == "ok" else 0))
        if m == "drop":
            self.close_connection = True
            return
        self.send_response(204 if m == "ok" else 500)
        self.send_header("Content-Length", "0")
        self.end_headers()


def env():
    e = {k: v for k, v in os.environ.items() if not k.startswith("POLMON_")}
    e.update(POLMON_ALLOW_PRIVATE="1", POLMON_DELIVER_TIMEOUT_SECS="1", POLMON_DELIVER_RETRY_BASE_SECS="1",
             POLMON_DELIVER_RETRY_MAX_SECS="2", POLMON_DELIVER_POLL_INTERVAL_MS="200")
    return e


def polmon(data, *args, **kw):
    return subprocess.Popen([POLMON, "--data", data, *args], env=env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, **kw)


def articles(path, start, n):
    with open(path, "w") as f:
        for i in range(start, start + n):
            text = (f"Parliament voted on the budget today after a long debate, number {i}.\n\n"
                    "The finance minister said the budget would cut the deficit. Opposition members "
                    "criticised the plan and promised to fight it in the committee next week.")
            f.write(json.dumps({"id": f"b{i}", "url": f"https://news.example/budget-{i}", "title": f"Budget vote {i}",
                                "text": text, "language": "en", "source": "news.example"}) + "\n")


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def stored_times(db, seen, stop):
    """Stamps each match row when the poller first sees it committed: article id -> time."""
    conn = sqlite3.connect(db)
    while not stop.is_set():
        for (aid,) in conn.execute("SELECT article_id FROM watch_matches"):
            seen.setdefault(aid, time.time())
        time.sleep(0.005)


def first_received():
    """Article id -> when its webhook first arrived and was accepted."""
    with lock:
        first = {}
        for t, _, art, st in received:
            if st == 204:
                first.setdefault(art, t)
        return first


def latency_ingest(tmp, data, db):
    seen = {}
    stop = threading.Event()
    serve = subprocess.Popen([POLMON, "--data", data, "serve", "--no-crawl", "--addr", "127.0.0.1:0"], env=env(),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    serve.stdout.readline()
    threading.Thread(target=stored_times, args=(db, seen, stop), daemon=True).start()
    for i in range(30):
        p = os.path.join(tmp, f"l{i}.jsonl")
        articles(p, 10_000 + i, 1)
        polmon(data, "ingest", p).wait()
    time.sleep(3)
    stop.set()
    serve.kill()
    serve.wait()
    first = first_received()
    lat = [(first[a] - seen[a]) * 1000 for a in first if a in seen]
    print(f"ingest: latency stored->received over {len(lat)} alerts: p50 {pct(lat, 50):.0f} ms, p99 {pct(lat, 99):.0f} ms")


class Site(http.server.BaseHTTPRequestHandler):
    """A news site on loopback: an RSS feed of the pages published so far, newest first."""
    published = []      # (number, time published)
    site_lock = threading.Lock()

    def log_message(self, *a):
        pass

    def reply(self, ctype, body):
        body = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        host = f"http://127.0.0.1:{self.server.server_port}"
        if self.path == "/robots.txt":
            return self.reply("text/plain", "User-agent: *\nAllow: /\n")
        if self.path == "/feed.xml":
            with Site.site_lock:
                items = "".join(
                    f"<item><title>Budget vote {n}</title><link>{host}/news/{n}</link><guid>{host}/news/{n}</guid>"
                    f"<pubDate>{time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime(t))}</pubDate></item>"
                    for n, t in reversed(Site.published))
            return self.reply("application/rss+xml",
                              f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback News</title>'
                              f"<link>{host}/</link>{items}</channel></rss>")
        if self.path.startswith("/news/"):
            n = int(self.path.rsplit("/", 1)[1])
            rng = random.Random(n)
            words = ["regions", "deficit", "pensions", "schools", "hospitals", "defence", "farmers", "railways"]
            paras = "".join(
                f"<p>Parliament voted on the budget for {rng.choice(words)} on day {n} after a debate of {rng.randint(2, 9)} "
                f"hours; the finance minister said the plan for {rng.choice(words)} would be amended in committee.</p>"
                for _ in range(4))
            return self.reply("text/html; charset=utf-8",
                              f"<!doctype html><html><head><title>Budget vote {n}</title></head><body><article>"
                              f"<h1>Budget vote {n}</h1>{paras}</article></body></html>")
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()


def latency_crawl(tmp, data, db):
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{site.server_port}"
    e = env()
    e.update(POLMON_FETCH_CONTACT_URL="mailto:measure@polmon.invalid", POLMON_FETCH_PER_HOST_DELAY="0",
             POLMON_CRAWL_MIN_INTERVAL_SECS=str(CRAWL_INTERVAL), POLMON_CRAWL_MAX_INTERVAL_SECS=str(CRAWL_INTERVAL),
             POLMON_CRAWL_INITIAL_INTERVAL_SECS=str(CRAWL_INTERVAL), POLMON_TRANSLATE_ENGINE="none")
    subprocess.run([POLMON, "--data", data, "sources", "add", f"{base}/feed.xml", "--name", "Loopback News",
                    "--allow-private"], env=e, capture_output=True, text=True, check=True)
    seen = {}
    stop = threading.Event()
    serve = subprocess.Popen([POLMON, "--data", data, "serve", "--addr", "127.0.0.1:0", "--allow-private"], env=e,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    serve.stdout.readline()
    threading.Thread(target=stored_times, args=(db, seen, stop), daemon=True).start()
    rng = random.Random(4)
    for n in range(CRAWL_ARTICLES):
        time.sleep(rng.uniform(0.5, 2.5))
        with Site.site_lock:
            Site.published.append((n, time.time()))
    deadline = time.time() + 30
    urls = {f"{base}/news/{n}": t for n, t in Site.published}
    while time.time() < deadline:
        with lock:
            got = {u for _, _, u, st in received_urls if st == 204}
        if urls.keys() <= got:
            break
        time.sleep(0.2)
    stop.set()
    serve.kill()
    serve.wait()
    site.shutdown()
    conn = sqlite3.connect(db)
    url_of = dict(conn.execute("SELECT id, url FROM articles"))
    first = first_received()
    stored = [(first[a] - seen[a]) * 1000 for a in first if a in seen and url_of.get(a) in urls]
    published = [(first[a] - urls[url_of[a]]) * 1000 for a in first if url_of.get(a) in urls]
    print(f"crawl (a poll every {CRAWL_INTERVAL} s): {len(published)} of {len(urls)} published pages alerted")
    print(f"crawl: latency stored->received over {len(stored)} alerts: p50 {pct(stored, 50):.0f} ms, "
          f"p99 {pct(stored, 99):.0f} ms")
    print(f"crawl: latency published->received over {len(published)} alerts: p50 {pct(published, 50):.0f} ms, "
          f"p99 {pct(published, 99):.0f} ms")


def crashes(tmp, data, db):
    rng = random.Random(13)
    deliver = polmon(data, "deliver")
    kills = {"ingest": 0, "deliver": 0}
    for r in range(20):
        p = os.path.join(tmp, f"k{r}.jsonl")
        articles(p, r * 1000, 150)
        ingest = polmon(data, "ingest", p)
        victim = rng.choice(["ingest", "deliver"])
        time.sleep(rng.uniform(0.3, 1.5))                  # the kill, at a random moment
        proc = ingest if victim == "ingest" else deliver
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills[victim] += 1
        proc.wait()
        if victim == "deliver":
            deliver = polmon(data, "deliver")
        mode["m"] = rng.choice(["fail", "drop"])          # an outage of 1-3 s
        time.sleep(rng.uniform(1, 3))
        mode["m"] = "ok"
        ingest.wait()
        if victim == "ingest":
            polmon(data, "ingest", p).wait()    # finish what the killed ingest left
    deadline = time.time() + 120
    conn = sqlite3.connect(db)
    while time.time() < deadline:
        pending = conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
        if pending == 0:
            break
        time.sleep(0.5)
    deliver.kill()
    deliver.wait()
    matched = {a for (a,) in conn.execute("SELECT article_id FROM watch_matches")}
    dead = conn.execute("SELECT count(*) FROM outbox WHERE state = 'dead'").fetchone()[0]
    with lock:
        ok_arts = {art for _, _, art, st in received if st == 204}
        keys = {}
        per_key = {}
        for _, key, art, st in received:
            keys.setdefault(art, set()).add(key)
            if st == 204:
                per_key[key] = per_key.get(key, 0) + 1
    lost = len(matched - ok_arts)
    two_keys = sum(1 for k in keys.values() if len(k) > 1)
    repeats = sum(n - 1 for n in per_key.values() if n > 1)
    print(f"kills: {kills}, outages: 20, matches: {len(matched)}, pending left: {pending}, dead: {dead}")
    print(f"lost: {lost}, repeats without the same key: {two_keys}, repeats with the same key: {repeats}")


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{server.server_port}/hook"
    for only in ["ingest", "crawl", "crashes"]:
        if OPTS.only not in (None, only):
            continue
        tmp = tempfile.mkdtemp()
        data = os.path.join(tmp, "data")
        out = subprocess.run([POLMON, "--data", data, "watch", "add", "Budget", "--query", "budget", "--webhook", hook],
                             env=env(), capture_output=True, text=True, check=True).stdout
        print(f"{only}: {out.splitlines()[0]}")
        with lock:
            received.clear()
            received_urls.clear()
        {"ingest": latency_ingest, "crawl": latency_crawl, "crashes": crashes}[only](tmp, data, os.path.join(data, "polmon.sqlite3"))
    server.shutdown()

if __name__ == "__main__":
    main()
