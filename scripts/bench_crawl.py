#!/usr/bin/env python3
"""Crawl benchmark (issue 4): `polmon crawl --once` against a loopback server.

Serves FEEDS generated RSS feeds (ITEMS items each, every item a generated article page)
spread over HOSTS loopback addresses (127.0.0.1..127.0.0.HOSTS, so per-host politeness is
per feed group as on the real web), imports them from an OPML file, runs one crawl round
with politeness delays zero, and reports pages fetched and stored per second, wall time,
CPU time and peak memory (from /usr/bin/time). A second round then
measures polling 1,000 feeds that have nothing new (conditional GET -> 304).

usage: scripts/bench_crawl.py [--polmon target/release/polmon] [--feeds 1000] [--items 2] [--hosts 50] [--pages DIR]
Pages are generated here, or with --pages DIR taken in turn from the .html/.html.gz files of
DIR (read at run time, e.g. a research-only extraction set: measured with, never copied).
Real pages often declare a canonical URL, so many of them dedup to one article: the figure
to read is then "pages fetched and processed".

Figures (2026-11-28, release build, shared 2-core machine, load ~4; the Python server is the
bottleneck, polmon itself used about half a core):
  1000 feeds x 5 generated pages: 5000 fetched and stored in 11.9 s = 420 pages/s, 5.8 s CPU
    (~860 pages per CPU-second), peak RSS 111 MiB; re-poll of the 1000 feeds (all 304):
    6.3 s, 0.4 s CPU, peak RSS 30 MiB.
  1000 feeds x 1 real news page (aeb-dev, 188 KB average): 1000 fetched and processed in
    5.5 s = 181 pages/s, 1.8 s CPU, peak RSS 48 MiB.
"""
import argparse, json, os, subprocess, sys, tempfile, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = ("parliament minister budget election coalition reform senate vote party leader "
         "government opposition committee law tax region court policy debate union").split()

def article(feed, item):
    import random
    r = random.Random(feed * 1000 + item)
    title = f"{r.choice(WORDS).title()} {r.choice(WORDS)} {feed}-{item}"
    paras = "".join(
        "<p>" + " ".join(r.choice(WORDS) for _ in range(60)).capitalize() + ".</p>" for _ in range(6))
    return (f"<!doctype html><html><head><title>{title}</title></head><body><article>"
            f"<h1>{title}</h1>{paras}</article></body></html>").encode()

class Handler(BaseHTTPRequestHandler):
    items = 2
    pages = []
    hits = 0
    lock = threading.Lock()

    def log_message(self, *a):
        pass

    def send(self, code, body, ctype, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with Handler.lock:
            Handler.hits += 1
        p = self.path
        if p == "/robots.txt":
            return self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if p.startswith("/feed/"):
            f = int(p.split("/")[2])
            etag = f'"f{f}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304); self.send_header("ETag", etag); self.end_headers(); return
            host = self.headers.get("Host")
            items = "".join(
                f"<item><title>Item {f}-{i}</title><link>http://{host}/a/{f}/{i}</link><guid>a-{f}-{i}</guid></item>"
                for i in range(Handler.items))
            body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {f}</title>'
                    f"<link>http://{host}/</link>{items}</channel></rss>").encode()
            return self.send(200, body, "application/rss+xml", [("ETag", etag)])
        if p.startswith("/a/"):
            _, _, f, i = p.split("/")
            if Handler.pages:
                body = Handler.pages[(int(f) * Handler.items + int(i)) % len(Handler.pages)]
                return self.send(200, body, "text/html")
            return self.send(200, article(int(f), int(i)), "text/html; charset=utf-8")
        self.send(404, b"no", "text/plain")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--polmon", default="target/release/polmon")
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--items", type=int, default=2)
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--pages", help="serve these .html/.html.gz pages instead of generated ones")
    a = ap.parse_args()
    Handler.items = a.items
    if a.pages:
        import gzip, pathlib
        for f in sorted(pathlib.Path(a.pages).rglob("*.htm*")):
            raw = f.read_bytes()
            Handler.pages.append(gzip.decompress(raw) if f.name.endswith(".gz") else raw)
        print(f"serving {len(Handler.pages)} pages from {a.pages}, {sum(map(len, Handler.pages)) // len(Handler.pages)} bytes on average")
    srv = ThreadingHTTPServer(("0.0.0.0", 0), Handler)
    srv.daemon_threads = True
    port = srv.server_address[1]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    data = tempfile.mkdtemp(prefix="polmon-bench-")
    opml = os.path.join(data, "feeds.opml")
    with open(opml, "w") as fh:
        fh.write('<?xml version="1.0"?><opml version="2.0"><head><title>bench</title></head><body>')
        for f in range(a.feeds):
            h = 1 + f % a.hosts
            fh.write(f'<outline text="Feed {f}" xmlUrl="http://127.0.0.{h}:{port}/feed/{f}"/>')
        fh.write("</body></opml>")
    env = dict(os.environ, POLMON_ALLOW_PRIVATE="1", POLMON_DATA=data,
               POLMON_FETCH_PER_HOST_DELAY="0", POLMON_FETCH_MAX_CONCURRENCY="32",
               POLMON_FETCH_CONTACT_URL="mailto:bench@polmon.invalid")
    subprocess.run([a.polmon, "sources", "import", opml], env=env, check=True, stdout=subprocess.DEVNULL)

    def timed(label):
        Handler.hits = 0
        t0 = time.monotonic()
        out = subprocess.run(["/usr/bin/time", "-f", "TIME %e %U %S %M", a.polmon, "crawl", "--once"],
                             env=env, capture_output=True, text=True)
        wall = time.monotonic() - t0
        t = [l for l in out.stderr.splitlines() if l.startswith("TIME ")][-1].split()
        cpu, rss = float(t[2]) + float(t[3]), int(t[4]) / 1024
        summary = [l for l in out.stdout.splitlines() if l.startswith("crawl:")]
        print(f"{label}: {summary[0] if summary else out.stdout[-300:] + out.stderr[-300:]}")
        print(f"  wall {wall:.1f} s, CPU {cpu:.1f} s ({100 * cpu / wall:.0f}% of one core), "
              f"peak RSS {rss:.0f} MiB, server requests {Handler.hits}")
        return out, wall

    out, wall = timed(f"round 1 ({a.feeds} feeds x {a.items} new items)")
    new = sum(int(l.split(",")[1].split()[0]) for l in out.stdout.splitlines() if l.startswith("crawl:"))
    fetched = sum(int(l.split(" fetched")[0].rsplit(",", 1)[1]) for l in out.stdout.splitlines()
                  if l.startswith("polled") and " fetched" in l)
    print(f"  pages fetched and processed: {fetched} in {wall:.1f} s = {fetched / wall:.1f} pages/s (incl. start-up); "
          f"new articles stored: {new} ({new / wall:.1f}/s)")
    timed(f"round 2 ({a.feeds} feeds, nothing new: 304s)")
    print(f"data folder: {data}")

if __name__ == "__main__":
    sys.exit(main())
