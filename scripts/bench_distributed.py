#!/usr/bin/env python3
"""The distributed mode measured on one machine (issue 14).

Starts a throw-away PostgreSQL cluster and nats-server on loopback, then:

  throughput  N distinct JSONL articles (the demo corpus repeated with new URLs and
              titles) through the whole pipeline: `polmon ingest` embedded, then
              `polmon enqueue` + 1 or 2 `polmon worker` + `polmon connector` + one web
              node (`polmon serve --node`), each on a fresh database and queue. Reports
              wall time and CPU-seconds per article of every component (worker, connector,
              web node, PostgreSQL, nats-server) from /proc, against the embedded ingest's.

  scale       `polmon bench generate --store --queue` (pre-enriched articles stored through
              the trait and handed to the connector) with a connector and two web nodes:
              the connector's CPU µs per article in windows as the store grows, PostgreSQL
              table and index sizes, NATS storage, search latency (p50/p95) on both nodes
              and wrk p99 with both nodes loaded at once.

Usage: scripts/bench_distributed.py --bin target/release/polmon [--reps 3] [--scale 100000 [--writers 2]]
Writes a JSON summary to --out (default: bench-distributed.json) and prints tables.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """utime + stime of a live process, in seconds (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0


def children_of(pid):
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if ppid == pid:
                out.append(int(p.name))
    return out


class Postgres:
    def __init__(self, base, statements=False):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        self.bin = bins[-1]
        self.dir = Path(base) / "pg"
        self.dir.mkdir()
        self.root = os.geteuid() == 0
        if self.root:
            shutil.chown(self.dir, "postgres", "postgres")
            os.chmod(base, 0o755)
        self.port = free_port()
        self.run("initdb", "-A", "trust", "--no-sync", "-U", "postgres", "-D", str(self.dir / "data"))
        opts = f"-p {self.port} -k {self.dir} -c fsync=off -c listen_addresses=127.0.0.1 -c max_connections=200"
        if statements:
            opts += " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-o", opts, "-w", "start")
        self.pid = int((self.dir / "data" / "postmaster.pid").read_text().split()[0])

    def run(self, prog, *args, capture=False):
        cmd = [str(self.bin / prog), *args]
        if self.root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout

    def sql(self, db, query):
        return subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db, "-tAc", query],
            check=True, capture_output=True, text=True).stdout.strip()

    def new_db(self, name):
        self.sql("postgres", f"CREATE DATABASE {name}")
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def cpu(self):
        return cpu_seconds(self.pid) + sum(cpu_seconds(c) for c in children_of(self.pid))

    def stop(self):
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "stop")


# Every process started, stopped at exit whatever happens (a failed run exits early).
STARTED = []


def stop_all():
    for p in STARTED:
        if p.poll() is None:
            p.kill()
            p.wait()


class Nats:
    def __init__(self, base):
        self.dir = Path(base) / f"nats-{free_port()}"
        self.port = free_port()
        self.monitor = free_port()
        self.proc = subprocess.Popen(
            ["nats-server", "-js", "-sd", str(self.dir), "-a", "127.0.0.1", "-p", str(self.port),
             "-m", str(self.monitor)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        STARTED.append(self.proc)
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.url = f"nats://127.0.0.1:{self.port}"

    def cpu(self):
        return cpu_seconds(self.proc.pid)

    def unfinished(self):
        """Messages not yet taken or not yet acked, summed over every consumer (monitoring port)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.monitor}/jsz?consumers=true", timeout=10) as r:
            jsz = json.load(r)
        return sum(c.get("num_pending", 0) + c.get("num_ack_pending", 0)
                   for acc in jsz.get("account_details", []) for st in acc.get("stream_detail", [])
                   for c in st.get("consumer_detail", []))

    def storage(self):
        return sum(f.stat().st_size for f in self.dir.rglob("*") if f.is_file())

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class Role:
    def __init__(self, name, cmd, base):
        self.name = name
        self.out = Path(base) / f"{name}.out"
        self.log = Path(base) / f"{name}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("POLMON_")}
        env.update({"POLMON_TRANSLATE_ENGINE": "none", "POLMON_LOG": "polmon=info"})
        self.proc = subprocess.Popen(cmd, stdout=open(self.out, "w"), stderr=open(self.log, "w"), env=env)
        STARTED.append(self.proc)

    def cpu(self):
        return cpu_seconds(self.proc.pid)

    def alive(self):
        if self.proc.poll() is not None:
            sys.exit(f"{self.name} exited: {self.log.read_text()[-3000:]}")

    def addr(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            self.alive()
            text = self.out.read_text()
            if "serving on http://" in text:
                return text.split("serving on http://")[1].split("/")[0]
            time.sleep(0.1)
        sys.exit(f"{self.name} does not serve")

    def stop(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def make_inputs(path, reps):
    """The demo corpus `reps` times, each copy with its own URLs and titles."""
    n = 0
    with open(path, "w") as out:
        for rep in range(reps):
            for f in sorted((ROOT / "data" / "demo").glob("*.jsonl")):
                for line in f.read_text().splitlines():
                    if not line.strip():
                        continue
                    a = json.loads(line)
                    if rep:
                        a["url"] = (a.get("url") or f"https://example.org/{n}") + f"?copy={rep}"
                        a["title"] = f"{a.get('title', '')} ({rep})"
                        a.pop("id", None)
                    out.write(json.dumps(a, ensure_ascii=False) + "\n")
                    n += 1
    return n


def get(addr, path):
    with urllib.request.urlopen(f"http://{addr}{path}", timeout=60) as r:
        return r.status, r.read()


def throughput(args, base, pg, inputs, n, workers):
    db = pg.new_db(f"w{workers}")
    nats = Nats(base)
    common = ["--store", db, "--queue", nats.url]
    pg_cpu0, t0 = pg.cpu(), time.time()
    node_dir = Path(base) / f"node-w{workers}"
    connector = Role(f"connector-w{workers}", [args.bin, *common, "connector", "--sweep-secs", "5"], base)
    web = Role(f"web-w{workers}", [args.bin, *common, "--data", str(node_dir), "serve", "--node", "a",
                                  "--addr", "127.0.0.1:0"], base)
    addr = web.addr()
    started = time.time()
    enq = subprocess.run([args.bin, *common, "enqueue", str(inputs)], capture_output=True, text=True,
                         env={**os.environ, "POLMON_TRANSLATE_ENGINE": "none"})
    assert enq.returncode == 0, enq.stderr
    enqueue_secs = time.time() - started
    ws = [Role(f"worker{i}-w{workers}", [args.bin, *common, "worker"], base) for i in range(workers)]
    last = {}
    while True:
        for r in [connector, web, *ws]:
            r.alive()
        row = pg.sql(db.rsplit("/", 1)[1], "SELECT count(*), count(story_id), count(*) FILTER (WHERE indexed) FROM articles")
        stored, linked, handed = (int(x) for x in row.split("|"))
        if stored == n and linked == n and handed == n:
            _, body = get(addr, "/api/search?q=&per_page=1")
            if json.loads(body)["total"] == n:
                break
        if time.time() - started > args.timeout:
            sys.exit(f"throughput run with {workers} workers: not done: {row}")
        last = {"stored": stored, "linked": linked}
        time.sleep(0.5)
    wall = time.time() - started
    cpu = {
        "workers": sum(w.cpu() for w in ws),
        "connector": connector.cpu(),
        "web node": web.cpu(),
        "postgresql": pg.cpu() - pg_cpu0,
        "nats-server": nats.cpu(),
    }
    for r in [connector, web, *ws]:
        r.stop()
    nats.stop()
    statements = []
    if args.pg_statements:
        # Where PostgreSQL's time goes: the statements of this run's database, most time first.
        name = db.rsplit("/", 1)[1]
        pg.sql(name, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        statements = pg.sql(name, "SELECT round(total_exec_time::numeric, 1) || ' ms | ' || calls || ' calls | ' || "
                                  "regexp_replace(left(query, 110), '\\s+', ' ', 'g') FROM pg_stat_statements "
                                  "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                                  "ORDER BY total_exec_time DESC LIMIT 15").splitlines()
        for line in statements:
            print(f"  {workers} worker(s): {line}")
    return {"workers": workers, "articles": n, "wall_s": wall, "enqueue_s": enqueue_secs,
            "cpu_s": cpu, "cpu_s_per_article": {k: v / n for k, v in cpu.items()}, "_": last,
            "pg_statements": statements}


def embedded(args, base, inputs, n):
    data = Path(base) / "embedded"
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLMON_")}
    env["POLMON_TRANSLATE_ENGINE"] = "none"
    before = os.times()
    t0 = time.time()
    subprocess.run([args.bin, "--data", str(data), "ingest", "--no-translate", str(inputs)], check=True,
                   capture_output=True, env=env)
    wall = time.time() - t0
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"articles": n, "wall_s": wall, "cpu_s": cpu, "cpu_s_per_article": cpu / n}


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def scale(args, base, pg):
    db = pg.new_db("scale")
    dbname = "scale"
    nats = Nats(base)
    common = ["--store", db, "--queue", nats.url]
    connector = Role("connector-scale", [args.bin, *common, "connector", "--sweep-secs", "30"], base)
    webs = [Role(f"web-{x}", [args.bin, *common, "--data", str(Path(base) / f"node-{x}"), "serve", "--node", x,
                             "--addr", "127.0.0.1:0"], base) for x in "ab"]
    addrs = [w.addr() for w in webs]
    gen = subprocess.Popen([args.bin, *common, "bench", "generate", "--articles", str(args.scale), "--seed", "7",
                            "--writers", str(args.writers)],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    samples = []
    started = time.time()
    while True:
        for r in [connector, *webs]:
            r.alive()
        linked = int(pg.sql(dbname, "SELECT count(story_id) FROM articles"))
        samples.append((time.time() - started, linked, connector.cpu()))
        # What a run stopped early still tells: (seconds, articles linked, connector CPU s).
        Path(args.out + ".partial").write_text(json.dumps(samples))
        if gen.poll() is not None and linked >= args.scale:
            break
        # The count reads an index of the whole table: sample less often on large runs.
        time.sleep(max(5, args.scale / 50_000))
    gen_out = gen.stdout.read()
    # µs of connector CPU per article linked, in windows of the run.
    windows = []
    for (t0, n0, c0), (t1, n1, c1) in zip(samples, samples[1:]):
        if n1 > n0:
            windows.append({"stored_at_end": n1, "us_per_article": (c1 - c0) / (n1 - n0) * 1e6,
                            "articles_per_s": (n1 - n0) / (t1 - t0)})
    # Wait for both web nodes to hold everything: no message left on any consumer.
    deadline = time.time() + args.timeout
    while nats.unfinished() > 0:
        if time.time() > deadline:
            raise SystemExit(f"the web nodes did not index everything in {args.timeout} s")
        time.sleep(2)
    indexed_s = time.time() - started
    # Each table: its heap (with TOAST) and its indexes, in bytes.
    sizes = pg.sql(dbname, "SELECT relname || ' table=' || pg_table_size(c.oid) || ' indexes=' || pg_indexes_size(c.oid) "
                           "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                           "AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 12").splitlines()
    index_bytes = {x: sum(f.stat().st_size for f in (Path(base) / f"node-{x}").rglob("*") if f.is_file()) for x in "ab"}
    db_size = int(pg.sql(dbname, "SELECT pg_database_size(current_database())"))
    # Search latency, one client, each node in turn.
    words = ["gouvernement", "president", "election", "minister", "police", "trump", "budget", "europe",
             "président de la république", "war"]
    latency = {}
    for a in addrs:
        ms = []
        for _ in range(5):
            for w in words:
                t = time.perf_counter()
                get(a, "/api/search?q=" + urllib.parse.quote(w))
                ms.append((time.perf_counter() - t) * 1000)
        latency[a] = {"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95)}
    # wrk on both nodes at once.
    wrk = {}
    procs = []
    for a in addrs:
        for path in ["/api/search?q=president", "/article/1000"]:
            procs.append((a, path, subprocess.Popen(
                ["wrk", "-t1", "-c12", "-d10s", "--latency", f"http://{a}{path}"], stdout=subprocess.PIPE, text=True)))
    for a, path, p in procs:
        out = p.communicate()[0]
        p99 = next((l.split()[1] for l in out.splitlines() if l.strip().startswith("99%")), "?")
        rps = next((l.split()[1] for l in out.splitlines() if l.startswith("Requests/sec")), "?")
        non2xx = next((l.split()[-1] for l in out.splitlines() if "Non-2xx" in l), "0")
        wrk[f"{a}{path}"] = {"p99": p99, "req_s": rps, "non_2xx": non2xx}
    result = {"articles": args.scale, "generate": gen_out.strip(), "connector_windows": windows,
              "all_indexed_after_s": indexed_s, "pg_database_bytes": db_size, "pg_tables": sizes, "node_folder_bytes": index_bytes, "nats_storage_bytes": nats.storage(),
              "search": latency, "wrk": wrk}
    for r in [connector, *webs]:
        r.stop()
    nats.stop()
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target/release/polmon"))
    ap.add_argument("--reps", type=int, default=3, help="copies of the demo corpus in the throughput runs")
    ap.add_argument("--scale", type=int, default=0, help="articles of the scale run (0: skip)")
    ap.add_argument("--writers", type=int, default=1, help="writers storing at once in the scale run")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--pg-statements", action="store_true",
                    help="load pg_stat_statements and print where PostgreSQL's time went in each throughput run")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--out", default="bench-distributed.json")
    args = ap.parse_args()
    base = tempfile.mkdtemp(prefix="polmon-dist-")
    os.chmod(base, 0o755)
    pg = Postgres(base, statements=args.pg_statements)
    summary = {}
    try:
        if not args.skip_throughput:
            inputs = Path(base) / "inputs.jsonl"
            n = make_inputs(inputs, args.reps)
            summary["embedded"] = embedded(args, base, inputs, n)
            summary["distributed"] = [throughput(args, base, pg, inputs, n, w) for w in (1, 2)]
            e = summary["embedded"]
            print(f"embedded ingest: {n} articles in {e['wall_s']:.1f} s, {e['cpu_s_per_article']*1000:.1f} ms CPU/article")
            for d in summary["distributed"]:
                per = d["cpu_s_per_article"]
                total = sum(per.values())
                parts = ", ".join(f"{k} {v*1000:.1f}" for k, v in per.items())
                print(f"{d['workers']} worker(s): {n} articles in {d['wall_s']:.1f} s ({n/d['wall_s']:.1f}/s; "
                      f"enqueue {d['enqueue_s']:.1f} s); CPU ms/article: {parts}; total {total*1000:.1f} "
                      f"({total/e['cpu_s_per_article']:.2f}x embedded)")
        if args.scale:
            summary["scale"] = scale(args, base, pg)
            s = summary["scale"]
            print(json.dumps(s, indent=1))
    finally:
        stop_all()
        pg.stop()
        Path(args.out).write_text(json.dumps(summary, indent=1))
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    import urllib.parse  # noqa: F401  (used in scale)
    main()
