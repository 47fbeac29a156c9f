#!/usr/bin/env python3
"""Measures watch alerts end to end on the real binary (issue 13, item 8).

1. Latency: `polmon serve --no-crawl` runs its deliverer; articles are ingested one at a time
   by `polmon ingest`; a poller sees each match row commit (SQLite, every 5 ms) and the
   webhook receiver stamps its arrival. Prints p50/p99 of stored -> received.
2. Crash safety: 20 rounds, each killing (SIGKILL) `polmon ingest` or `polmon deliver` at a
   random moment, and 20 receiver outages (500s or dropped connections for 1-3 s). Then the
   deliverer drains and the script counts: matches never delivered (lost), articles delivered
   under two different idempotency keys (repeats without the same key), and repeats with it.

Usage: scripts/measure-watch-delivery.py [path/to/polmon]   (default target/debug/polmon)
"""
import http.server, json, os, random, signal, sqlite3, subprocess, sys, tempfile, threading, time

POLMON = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/debug/polmon")
lock = threading.Lock()
received = []          # (time, key, article id, status)
mode = {"m": "ok"}     # ok | fail | drop


class Hook(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        art = json.loads(body)["article"]["id"]
        key = self.headers["Idempotency-Key"]
        m = mode["m"]
        with lock:
            received.append((time.time(), key, art, 204 if m == "ok" else 0))
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


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{server.server_port}/hook"
    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "data")
    out = subprocess.run([POLMON, "--data", data, "watch", "add", "Budget", "--query", "budget", "--webhook", hook],
                         env=env(), capture_output=True, text=True, check=True).stdout
    print(out.splitlines()[0])
    db = os.path.join(data, "polmon.sqlite3")

    # 1. Latency with serve's deliverer.
    seen = {}
    stop = threading.Event()

    def poll():
        conn = sqlite3.connect(db)
        while not stop.is_set():
            for (aid,) in conn.execute("SELECT article_id FROM watch_matches"):
                seen.setdefault(aid, time.time())
            time.sleep(0.005)

    serve = subprocess.Popen([POLMON, "--data", data, "serve", "--no-crawl", "--addr", "127.0.0.1:0"], env=env(),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    serve.stdout.readline()
    threading.Thread(target=poll, daemon=True).start()
    for i in range(30):
        p = os.path.join(tmp, f"l{i}.jsonl")
        articles(p, 10_000 + i, 1)
        polmon(data, "ingest", p).wait()
    time.sleep(3)
    stop.set()
    serve.kill()
    serve.wait()
    with lock:
        first = {}
        for t, _, art, st in received:
            if st == 204:
                first.setdefault(art, t)
    lat = [(first[a] - seen[a]) * 1000 for a in first if a in seen]
    print(f"latency stored->received over {len(lat)} alerts: p50 {pct(lat, 50):.0f} ms, p99 {pct(lat, 99):.0f} ms")

    # 2. Kills and outages.
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
    server.shutdown()


if __name__ == "__main__":
    main()
