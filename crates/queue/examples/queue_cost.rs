//! What the queue costs per message: publishes N `connect` messages (batches of 1,000),
//! then takes and acks them with 1 and with 2 consumers of one group, on a throw-away
//! nats-server. Prints wall time, messages per second and CPU time per message of this
//! process (the client) and of nats-server (from /proc), and the stream's bytes.
//!
//! `cargo run -p polmon-queue --example queue_cost -- [N]` (default 20,000).

use std::time::{Duration, Instant};

use polmon_queue::test_server::TestNats;
use polmon_queue::{ConnectArticle, ConsumerOptions, Queue, QueueConfig, Stage};

/// User + system CPU time of a process, from /proc/PID/stat (clock ticks of 10 ms).
fn cpu_time(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("reading /proc");
    let after_name = &stat[stat.rfind(')').expect("a stat line") + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

struct Meter {
    server_pid: String,
    started: Instant,
    client: Duration,
    server: Duration,
}

impl Meter {
    fn start(nats: &TestNats) -> Meter {
        let server_pid = nats.pid().expect("the server runs").to_string();
        let (client, server) = (cpu_time("self"), cpu_time(&server_pid));
        Meter { server_pid, started: Instant::now(), client, server }
    }

    fn report(self, what: &str, messages: usize) {
        let wall = self.started.elapsed();
        let client = cpu_time("self") - self.client;
        let server = cpu_time(&self.server_pid) - self.server;
        let per = |d: Duration| d.as_secs_f64() * 1e6 / messages as f64;
        println!(
            "{what:<28} {messages} msgs in {:>6.2} s = {:>7.0} msg/s; CPU µs/msg: client {:>5.1}, nats-server {:>5.1}",
            wall.as_secs_f64(),
            messages as f64 / wall.as_secs_f64(),
            per(client),
            per(server),
        );
    }
}

fn consume(queue: &Queue, consumers: usize, expected: usize) {
    let workers: Vec<_> = (0..consumers)
        .map(|_| {
            let queue = Queue::connect(QueueConfig::new(queue.url())).unwrap();
            std::thread::spawn(move || {
                let mut consumer = queue.consumer::<ConnectArticle>(ConsumerOptions::new("connector")).unwrap();
                let mut acked = 0;
                loop {
                    let report =
                        consumer.handle_batch(500, Duration::from_millis(200), |_| Ok::<_, String>(())).unwrap();
                    acked += report.acked;
                    if report.taken() == 0 {
                        return acked;
                    }
                }
            })
        })
        .collect();
    let acked: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(acked, expected);
}

fn main() {
    let n: usize = std::env::args().nth(1).map(|a| a.parse().expect("N, a number of messages")).unwrap_or(20_000);
    let nats = TestNats::start().unwrap_or_else(|e| panic!("{e}"));
    let queue = Queue::connect(QueueConfig::new(nats.url())).unwrap();
    for consumers in [1, 2] {
        let first = (consumers as i64 - 1) * n as i64;
        let jobs: Vec<ConnectArticle> = (1..=n as i64).map(|i| ConnectArticle::new(first + i)).collect();
        let meter = Meter::start(&nats);
        for chunk in jobs.chunks(1_000) {
            queue.publish_all(chunk).unwrap();
        }
        meter.report("publish (batches of 1000)", n);
        let stats = queue.stats(Stage::Connect).unwrap();
        assert_eq!(stats.messages, n as u64);
        println!("stream: {} bytes, {:.0} bytes/msg", stats.bytes, stats.bytes as f64 / n as f64);
        let meter = Meter::start(&nats);
        consume(&queue, consumers, n);
        meter.report(&format!("take + ack, {consumers} consumer(s)"), n);
        assert_eq!(queue.pending(Stage::Connect).unwrap(), 0);
    }
}
