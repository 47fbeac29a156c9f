//! Fetch benchmark against loopback servers in a child process.
//!
//! 1. Throughput: pages fetched per second, politeness delays zero, from one
//!    host (one request at a time) and from many hosts (global limit).
//! 2. Polling: N generated feeds (default 1,000 over 50 hosts) polled on
//!    their adaptive schedule for S seconds (default 60) with conditional GET
//!    and feed parsing; reports polls, 304s, new items, RSS and CPU% of the
//!    fetching process (the servers run in a child process, reported apart).
//!
//! `nice -n 10 cargo run -p polmon-fetch --example fetch-bench -- [--pages N] [--feeds N] [--hosts N] [--seconds S]`

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use polmon_feeds::parse_feed;
use polmon_fetch::{due_sources, FetchConfig, FetchOutcome, FetchRequest, Fetcher, SchedulePolicy, SourceState, Validators};
use support::{Reply, TestServer};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn unix_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

/// Publishing period of generated feed `n`, seconds: 3 to 122.
fn period(n: u64) -> u64 {
    3 + (n * 7919) % 120
}

fn feed_xml(n: u64, latest: u64) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Feed {n}</title><link>http://example.test/{n}/</link><description>Generated</description>\n"
    );
    for i in latest.saturating_sub(19)..=latest {
        s.push_str(&format!(
            "<item><title>Story {i} of feed {n}: parliament debates the budget &amp; more</title><link>/{n}/story/{i}</link><guid>{n}-{i}</guid><pubDate>Tue, 05 Mar 2024 14:30:00 GMT</pubDate><description>&lt;p&gt;Summary of story {i}. Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.&lt;/p&gt;</description></item>\n"
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// Child process: serve pages and feeds on `hosts` ports, print them, run until stdin closes.
fn serve(hosts: u64) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    rt.block_on(async move {
        let start = unix_now();
        let page = "<html><head><title>Bench</title></head><body>".to_owned() + &"<p>Some paragraph text for the benchmark page.</p>".repeat(400) + "</body></html>";
        let page = Arc::new(page.into_bytes());
        let mut ports = Vec::new();
        for _ in 0..hosts {
            let page = page.clone();
            let server = TestServer::start(move |r| {
                let path = r.path();
                if path.starts_with("/page/") {
                    return Reply::ok(page.as_slice().to_vec()).with_header("Content-Type", "text/html");
                }
                if let Some(n) = path.strip_prefix("/feed/").and_then(|n| n.parse::<u64>().ok()) {
                    let latest = 20 + ((unix_now() - start) as u64) / period(n);
                    let etag = format!("\"{n}-{latest}\"");
                    if r.header("if-none-match") == Some(etag.as_str()) {
                        return Reply::status(304).with_header("ETag", &etag);
                    }
                    return Reply::ok(feed_xml(n, latest)).with_header("ETag", &etag).with_header("Content-Type", "application/rss+xml");
                }
                Reply::status(404)
            })
            .await;
            ports.push(server.addr.port());
            std::mem::forget(server);
        }
        println!("{}", ports.iter().map(u16::to_string).collect::<Vec<_>>().join(","));
        // Exit when the parent closes our stdin.
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
        })
        .await
        .unwrap();
    });
}

/// (utime + stime) in seconds of a process, from /proc/<pid>/stat (100 Hz ticks).
fn cpu_secs(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0) + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

/// VmRSS and VmHWM in MiB.
fn rss_mib(pid: &str) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let get = |k: &str| {
        status.lines().find(|l| l.starts_with(k)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / 1024.0
    };
    (get("VmRSS:"), get("VmHWM:"))
}

fn config() -> FetchConfig {
    FetchConfig { allow_private: true, per_host_delay: Duration::ZERO, max_concurrency: 16, ..FetchConfig::default() }
}

async fn throughput(fetcher: &Fetcher, urls: Vec<url::Url>) -> (f64, u64) {
    let start = Instant::now();
    let mut tasks = Vec::new();
    let per_task = urls.len().div_ceil(32);
    for chunk in urls.chunks(per_task.max(1)) {
        let f = fetcher.clone();
        let chunk = chunk.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut bytes = 0u64;
            for u in chunk {
                match f.fetch(&u).await.expect("fetch") {
                    FetchOutcome::Fetched(p) => bytes += p.body.len() as u64,
                    FetchOutcome::NotModified { .. } => panic!("unexpected 304"),
                }
            }
            bytes
        }));
    }
    let mut bytes = 0;
    for t in tasks {
        bytes += t.await.unwrap();
    }
    (start.elapsed().as_secs_f64(), bytes)
}

struct PollResult {
    idx: usize,
    outcome: Result<(Option<Validators>, Vec<String>), String>,
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("serve") {
        serve(arg("--hosts", 50));
        return;
    }
    let pages = arg("--pages", 20_000);
    let feeds = arg("--feeds", 1000);
    let hosts = arg("--hosts", 50).max(1);
    let seconds = arg("--seconds", 60);

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["serve", "--hosts", &hosts.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn server process");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let ports: Vec<u16> = line.trim().split(',').map(|p| p.parse().unwrap()).collect();
    let child_pid = child.id().to_string();

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async move {
        let fetcher = Fetcher::new(config()).unwrap();
        // 1. Throughput.
        let one_host: Vec<url::Url> =
            (0..pages / 4).map(|i| url::Url::parse(&format!("http://127.0.0.1:{}/page/{i}", ports[0])).unwrap()).collect();
        let (secs, bytes) = throughput(&fetcher, one_host.clone()).await;
        println!(
            "throughput, 1 host (one request at a time): {} pages in {secs:.2} s = {:.0} pages/s ({:.1} MB/s)",
            one_host.len(),
            one_host.len() as f64 / secs,
            bytes as f64 / secs / 1e6
        );
        let many: Vec<url::Url> = (0..pages)
            .map(|i| url::Url::parse(&format!("http://127.0.0.1:{}/page/{i}", ports[i as usize % ports.len()])).unwrap())
            .collect();
        let (secs, bytes) = throughput(&fetcher, many.clone()).await;
        println!(
            "throughput, {} hosts (max_concurrency 16): {} pages in {secs:.2} s = {:.0} pages/s ({:.1} MB/s)",
            ports.len(),
            many.len(),
            many.len() as f64 / secs,
            bytes as f64 / secs / 1e6
        );

        // Peer: a bare reqwest client (no guard, robots, per-host lock), 16 in flight.
        let raw = reqwest::Client::builder().no_proxy().build().unwrap();
        let limit = Arc::new(tokio::sync::Semaphore::new(16));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for chunk in many.chunks(many.len().div_ceil(32).max(1)) {
            let (raw, limit, chunk) = (raw.clone(), limit.clone(), chunk.to_vec());
            tasks.push(tokio::spawn(async move {
                let mut bytes = 0u64;
                for u in chunk {
                    let _permit = limit.acquire().await.unwrap();
                    let body = raw.get(u).send().await.unwrap().bytes().await.unwrap();
                    bytes += body.len() as u64;
                }
                bytes
            }));
        }
        let mut bytes = 0u64;
        for t in tasks {
            bytes += t.await.unwrap();
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "peer, bare reqwest on the same {} URLs (16 in flight): {secs:.2} s = {:.0} pages/s ({:.1} MB/s)",
            many.len(),
            many.len() as f64 / secs,
            bytes as f64 / secs / 1e6
        );

        // 2. Polling 1,000 feeds on their schedule.
        let policy = SchedulePolicy { min_interval: 5, max_interval: 120, initial_interval: 15, history_len: 8, ..SchedulePolicy::default() };
        let fetcher = Fetcher::new(config()).unwrap();
        let urls: Vec<url::Url> = (0..feeds)
            .map(|n| url::Url::parse(&format!("http://127.0.0.1:{}/feed/{n}", ports[n as usize % ports.len()])).unwrap())
            .collect();
        let t0 = unix_now() as i64;
        // Spread the first polls over the first 10 s, as a restarted crawler would.
        let mut states: Vec<SourceState> = (0..feeds).map(|n| SourceState::new(t0 + (n % 10) as i64, &policy)).collect();
        let mut validators: Vec<Validators> = vec![Validators::default(); feeds as usize];
        let mut seen: Vec<std::collections::HashSet<String>> = vec![Default::default(); feeds as usize];
        let mut in_flight = vec![false; feeds as usize];
        let (tx, mut rx) = tokio::sync::mpsc::channel::<PollResult>(1024);
        let (mut polls, mut not_modified, mut errors, mut new_items, mut parsed_items) = (0u64, 0u64, 0u64, 0u64, 0u64);
        let cpu0 = cpu_secs("self");
        let child_cpu0 = cpu_secs(&child_pid);
        let start = Instant::now();
        let mut peak_rss: f64 = 0.0;
        let mut rss_samples = Vec::new();
        let mut last_sample = Instant::now();
        while start.elapsed() < Duration::from_secs(seconds) {
            let now = unix_now() as i64;
            let due = due_sources(states.iter().enumerate().filter(|(i, _)| !in_flight[*i]), now, usize::MAX);
            for i in due {
                in_flight[i] = true;
                let f = fetcher.clone();
                let req = FetchRequest::new(urls[i].clone()).with_validators(validators[i].clone());
                let tx = tx.clone();
                tokio::spawn(async move {
                    let outcome = match f.fetch_with(&req).await {
                        Ok(FetchOutcome::Fetched(p)) => match parse_feed(&p.body, Some(&p.final_url)) {
                            Ok(feed) => Ok((Some(p.validators), feed.items.into_iter().map(|it| it.guid).collect())),
                            Err(e) => Err(e.to_string()),
                        },
                        Ok(FetchOutcome::NotModified { .. }) => Ok((None, Vec::new())),
                        Err(e) => Err(e.to_string()),
                    };
                    let _ = tx.send(PollResult { idx: i, outcome }).await;
                });
            }
            let wait = tokio::time::sleep(Duration::from_millis(250));
            tokio::pin!(wait);
            loop {
                tokio::select! {
                    _ = &mut wait => break,
                    Some(r) = rx.recv() => {
                        let now = unix_now() as i64;
                        in_flight[r.idx] = false;
                        polls += 1;
                        match r.outcome {
                            Ok((None, _)) => { not_modified += 1; states[r.idx].record_not_modified(now, &policy); }
                            Ok((Some(v), guids)) => {
                                validators[r.idx] = v;
                                parsed_items += guids.len() as u64;
                                let mut fresh = 0;
                                for g in guids { if seen[r.idx].insert(g) { fresh += 1; } }
                                new_items += fresh as u64;
                                states[r.idx].record_success(now, fresh, &policy);
                            }
                            Err(e) => { errors += 1; if errors <= 3 { eprintln!("error: {e}"); } states[r.idx].record_failure(now, e, &policy); }
                        }
                    }
                }
            }
            if last_sample.elapsed() >= Duration::from_secs(5) {
                let (rss, _) = rss_mib("self");
                rss_samples.push(rss);
                peak_rss = peak_rss.max(rss);
                last_sample = Instant::now();
            }
        }
        let wall = start.elapsed().as_secs_f64();
        let cpu = cpu_secs("self") - cpu0;
        let child_cpu = cpu_secs(&child_pid) - child_cpu0;
        let (rss, hwm) = rss_mib("self");
        let mut intervals: Vec<u64> = states.iter().map(|s| s.interval).collect();
        intervals.sort_unstable();
        let by_period: HashMap<bool, Vec<u64>> = states.iter().enumerate().fold(HashMap::new(), |mut m, (n, s)| {
            let p = period(n as u64);
            if p <= 10 || p >= 90 {
                m.entry(p <= 10).or_default().push(s.interval);
            }
            m
        });
        let avg = |v: &Vec<u64>| v.iter().sum::<u64>() as f64 / v.len().max(1) as f64;
        println!(
            "polling {feeds} feeds on {} hosts for {wall:.0} s: {polls} polls ({:.1}/s), {not_modified} x 304, {errors} errors, {parsed_items} items parsed, {new_items} new",
            ports.len(),
            polls as f64 / wall
        );
        println!(
            "  fetcher process: CPU {:.1}% of one core ({cpu:.1} s), RSS {rss:.1} MiB now, {:.1} MiB peak sampled, {hwm:.1} MiB high-water (incl. the throughput phase)",
            100.0 * cpu / wall,
            peak_rss.max(rss)
        );
        println!("  server process: CPU {:.1}% of one core", 100.0 * child_cpu / wall);
        println!(
            "  adapted intervals: median {} s; feeds publishing every <= 10 s avg {:.0} s, every >= 90 s avg {:.0} s",
            intervals[intervals.len() / 2],
            avg(by_period.get(&true).unwrap_or(&vec![])),
            avg(by_period.get(&false).unwrap_or(&vec![]))
        );
        if seconds >= 15 {
            assert!(polls > feeds, "every feed polled at least once");
        }
        assert_eq!(errors, 0, "no errors against the loopback servers");
    });
    drop(child.stdin.take());
    let _ = child.wait();
}
