//! The fetcher against real HTTP servers on 127.0.0.1 ephemeral ports.

mod support;

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use polmon_fetch::{AddressClass, FetchConfig, FetchError, FetchOutcome, FetchRequest, Fetcher, Validators};
use support::{Reply, TestServer};

/// Loopback-friendly config: private addresses allowed, no politeness delay, fast retries.
fn config() -> FetchConfig {
    FetchConfig {
        product: "PoliticsMonitor/0.1".into(),
        contact_url: "https://pm.example/bot".into(),
        allow_private: true,
        per_host_delay: Duration::ZERO,
        retry_base_delay: Duration::from_millis(10),
        retry_max_delay: Duration::from_millis(50),
        ..FetchConfig::default()
    }
}

fn page(outcome: FetchOutcome) -> polmon_fetch::FetchedPage {
    match outcome {
        FetchOutcome::Fetched(p) => p,
        FetchOutcome::NotModified { .. } => panic!("unexpected 304"),
    }
}

#[tokio::test]
async fn slow_response_times_out_and_is_retried() {
    let server = TestServer::start(|r| match r.path() {
        "/slow" => Reply::Slow(Duration::from_secs(5), Box::new(Reply::ok("late"))),
        _ => Reply::status(404),
    })
    .await;
    let fetcher = Fetcher::new(FetchConfig {
        read_timeout: Duration::from_millis(300),
        request_timeout: Duration::from_millis(600),
        max_retries: 1,
        ..config()
    })
    .unwrap();
    let err = fetcher.fetch(&server.url("/slow")).await.unwrap_err();
    assert!(matches!(err, FetchError::Timeout { attempts: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("/slow"), "{err}");
    assert!(err.is_transient());
    assert_eq!(server.hits("/slow"), 2);
}

#[tokio::test]
async fn server_error_then_success_is_retried() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let server = TestServer::start(move |r| match r.path() {
        "/flaky" if c.fetch_add(1, Ordering::SeqCst) == 0 => Reply::status(500),
        "/flaky" => Reply::ok("fine now"),
        _ => Reply::status(404),
    })
    .await;
    let fetcher = Fetcher::new(config()).unwrap();
    let p = page(fetcher.fetch(&server.url("/flaky")).await.unwrap());
    assert_eq!(&p.body[..], b"fine now");
    assert_eq!(p.attempts, 2);
    assert_eq!(server.hits("/flaky"), 2);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = TestServer::start(|r| match r.path() {
        "/gone" => Reply::status(410),
        "/busy" => Reply::status(503).with_header("Retry-After", "120"),
        _ => Reply::status(404),
    })
    .await;
    let fetcher = Fetcher::new(FetchConfig { max_retries: 2, ..config() }).unwrap();
    let err = fetcher.fetch(&server.url("/gone")).await.unwrap_err();
    assert!(matches!(err, FetchError::Status { status: 410, attempts: 1, .. }), "{err:?}");
    assert!(!err.is_transient());
    assert_eq!(server.hits("/gone"), 1);
    let err = fetcher.fetch(&server.url("/busy")).await.unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 503, attempts: 3, retry_after: Some(d), .. } if d == Duration::from_secs(120)),
        "{err:?}"
    );
    assert_eq!(server.hits("/busy"), 3);
}

#[tokio::test]
async fn redirects_are_followed_up_to_the_cap_and_loops_stop() {
    let server = TestServer::start(|r| {
        let p = r.path();
        if let Some(n) = p.strip_prefix("/chain/") {
            let n: u32 = n.parse().unwrap();
            return if n == 0 { Reply::ok("end of chain") } else { Reply::redirect(302, &format!("/chain/{}", n - 1)) };
        }
        match p {
            "/loop/a" => Reply::redirect(301, "/loop/b"),
            "/loop/b" => Reply::redirect(308, "http://127.0.0.1:1/never-reached").with_header("X", "y"),
            _ => Reply::status(404),
        }
    })
    .await;
    let fetcher = Fetcher::new(FetchConfig { max_redirects: 3, ..config() }).unwrap();
    let p = page(fetcher.fetch(&server.url("/chain/3")).await.unwrap());
    assert_eq!(&p.body[..], b"end of chain");
    assert_eq!(p.redirects.len(), 3);
    assert_eq!(p.final_url.path(), "/chain/0");
    assert_eq!(p.requested_url.path(), "/chain/3");

    let err = fetcher.fetch(&server.url("/chain/4")).await.unwrap_err();
    assert!(matches!(err, FetchError::TooManyRedirects { limit: 3, .. }), "{err:?}");
    assert_eq!(server.hits("/chain/0"), 1, "the fifth hop is never requested");

    // A true loop: a -> b -> a.
    let looping = TestServer::start(|r| match r.path() {
        "/a" => Reply::redirect(302, "/b"),
        "/b" => Reply::redirect(302, "/a"),
        _ => Reply::status(404),
    })
    .await;
    let err = fetcher.fetch(&looping.url("/a")).await.unwrap_err();
    assert!(matches!(err, FetchError::TooManyRedirects { .. }), "{err:?}");
    assert!(looping.hits("/a") <= 2 && looping.hits("/b") <= 2);
}

#[tokio::test]
async fn endless_body_is_cut_at_the_cap() {
    let server = TestServer::start(|r| match r.path() {
        "/endless" => Reply::Endless,
        "/big" => Reply::ok(vec![b'x'; 300 * 1024]),
        "/fits" => Reply::ok(vec![b'x'; 200 * 1024]),
        _ => Reply::status(404),
    })
    .await;
    let fetcher = Fetcher::new(FetchConfig { max_body_bytes: 256 * 1024, ..config() }).unwrap();
    let err = fetcher.fetch(&server.url("/endless")).await.unwrap_err();
    assert!(matches!(err, FetchError::BodyTooLarge { limit: 262_144, .. }), "{err:?}");
    assert!(err.to_string().contains("/endless"));
    assert_eq!(server.hits("/endless"), 1, "not retried");
    let err = fetcher.fetch(&server.url("/big")).await.unwrap_err();
    assert!(matches!(err, FetchError::BodyTooLarge { .. }), "{err:?}");
    assert_eq!(page(fetcher.fetch(&server.url("/fits")).await.unwrap()).body.len(), 200 * 1024);
}

#[tokio::test]
async fn robots_txt_disallows_a_path_and_is_fetched_once() {
    let server = TestServer::start(|r| match r.path() {
        "/robots.txt" => Reply::ok("User-agent: *\nDisallow: /\n\nUser-agent: PoliticsMonitor\nDisallow: /private/\nAllow: /private/ok$\n"),
        _ => Reply::ok(format!("page {}", r.target)),
    })
    .await;
    let fetcher = Fetcher::new(config()).unwrap();
    let err = fetcher.fetch(&server.url("/private/secret")).await.unwrap_err();
    assert!(matches!(err, FetchError::DisallowedByRobots { .. }), "{err:?}");
    assert!(err.to_string().contains("/private/secret"), "{err}");
    assert_eq!(server.hits("/private/secret"), 0);
    assert!(fetcher.fetch(&server.url("/private/ok")).await.is_ok());
    let err = fetcher.fetch(&server.url("/private/ok?x=1")).await.unwrap_err();
    assert!(matches!(err, FetchError::DisallowedByRobots { .. }), "the query is matched too, so `$` does not match: {err:?}");
    assert!(fetcher.fetch(&server.url("/public/news")).await.is_ok());
    assert_eq!(server.hits("/robots.txt"), 1, "cached per host");
    let robots = fetcher.robots_for(&server.url("/x")).await.unwrap();
    assert!(!robots.is_allowed("OtherBot", "/public/news"));

    // With robots off, everything is fetched.
    let rude = Fetcher::new(FetchConfig { respect_robots: false, ..config() }).unwrap();
    assert!(rude.fetch(&server.url("/private/secret")).await.is_ok());
}

#[tokio::test]
async fn robots_5xx_pauses_the_host_and_4xx_allows_all() {
    let broken = TestServer::start(|r| match r.path() {
        "/robots.txt" => Reply::status(503),
        _ => Reply::ok("page"),
    })
    .await;
    let fetcher = Fetcher::new(config()).unwrap();
    let err = fetcher.fetch(&broken.url("/news")).await.unwrap_err();
    assert!(matches!(err, FetchError::DisallowedByRobots { .. }), "{err:?}");
    assert!(err.to_string().contains("503"), "{err}");
    assert_eq!(broken.hits("/news"), 0);

    let missing = TestServer::start(|r| match r.path() {
        "/robots.txt" => Reply::status(404),
        _ => Reply::ok("page"),
    })
    .await;
    assert!(fetcher.fetch(&missing.url("/news")).await.is_ok());
}

#[tokio::test]
async fn crawl_delay_spaces_requests_to_one_host() {
    let server = TestServer::start(|r| match r.path() {
        "/robots.txt" => Reply::ok("User-agent: *\nCrawl-delay: 0.4\n"),
        _ => Reply::ok("x"),
    })
    .await;
    let fetcher = Fetcher::new(config()).unwrap();
    fetcher.fetch(&server.url("/1")).await.unwrap();
    let start = std::time::Instant::now();
    fetcher.fetch(&server.url("/2")).await.unwrap();
    assert!(start.elapsed() >= Duration::from_millis(350), "crawl-delay honoured: {:?}", start.elapsed());
}

#[tokio::test]
async fn one_request_at_a_time_per_host_and_bounded_globally() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let mut servers = Vec::new();
    for _ in 0..4 {
        let (f, p) = (in_flight.clone(), peak.clone());
        servers.push(
            TestServer::start(move |r| {
                if r.path() == "/robots.txt" {
                    return Reply::status(404);
                }
                let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                p.fetch_max(now, Ordering::SeqCst);
                // Counted as in flight for its first 100 ms; the reply comes at 200 ms, so a
                // request that overlaps another is always seen and a finished one never is.
                let f2 = f.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(100));
                    f2.fetch_sub(1, Ordering::SeqCst);
                });
                Reply::Slow(Duration::from_millis(200), Box::new(Reply::ok("x")))
            })
            .await,
        );
    }
    // Same host, four concurrent fetches: never two at once.
    let fetcher = Fetcher::new(config()).unwrap();
    let tasks: Vec<_> = (0..4)
        .map(|i| {
            let f = fetcher.clone();
            let u = servers[0].url(&format!("/p{i}"));
            tokio::spawn(async move { f.fetch(&u).await.map(|_| ()) })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(peak.load(Ordering::SeqCst), 1, "one request at a time per host");

    // Four hosts, global limit 2.
    peak.store(0, Ordering::SeqCst);
    let limited = Fetcher::new(FetchConfig { max_concurrency: 2, ..config() }).unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let f = limited.clone();
            let u = servers[i % 4].url(&format!("/q{i}"));
            tokio::spawn(async move { f.fetch(&u).await.map(|_| ()) })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(peak.load(Ordering::SeqCst), 2, "bounded global concurrency");
}

#[tokio::test]
async fn conditional_get_returns_not_modified() {
    let server = TestServer::start(|r| match r.path() {
        "/feed.xml" => {
            if r.header("if-none-match") == Some("\"v1\"") {
                Reply::status(304).with_header("ETag", "\"v1\"")
            } else {
                Reply::ok("<rss/>")
                    .with_header("ETag", "\"v1\"")
                    .with_header("Last-Modified", "Tue, 05 Mar 2024 14:30:00 GMT")
            }
        }
        _ => Reply::status(404),
    })
    .await;
    let fetcher = Fetcher::new(config()).unwrap();
    let first = page(fetcher.fetch(&server.url("/feed.xml")).await.unwrap());
    assert_eq!(first.validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(first.validators.last_modified.as_deref(), Some("Tue, 05 Mar 2024 14:30:00 GMT"));
    let req = FetchRequest::new(server.url("/feed.xml")).with_validators(first.validators.clone());
    match fetcher.fetch_with(&req).await.unwrap() {
        FetchOutcome::NotModified { validators, .. } => assert_eq!(validators, first.validators),
        other => panic!("expected 304, got {other:?}"),
    }
    let last = server.requests().into_iter().rfind(|r| r.path() == "/feed.xml").unwrap();
    assert_eq!(last.header("if-modified-since"), Some("Tue, 05 Mar 2024 14:30:00 GMT"));
    // Stale validators get the full body.
    let stale = FetchRequest::new(server.url("/feed.xml"))
        .with_validators(Validators { etag: Some("\"v0\"".into()), last_modified: None });
    assert!(matches!(fetcher.fetch_with(&stale).await.unwrap(), FetchOutcome::Fetched(_)));
}

#[tokio::test]
async fn gzip_bodies_are_decoded_and_user_agent_is_sent() {
    let original = "<rss version=\"2.0\"><channel><title>compressed</title></channel></rss>".repeat(50);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(original.as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    let gz_len = gz.len();
    let server = TestServer::start(move |r| match r.path() {
        "/gz" if r.header("accept-encoding").is_some_and(|v| v.contains("gzip")) => Reply::Full {
            status: 200,
            headers: vec![("Content-Encoding".into(), "gzip".into())],
            body: gz.clone(),
        },
        "/gz" => Reply::status(406),
        _ => Reply::status(404),
    })
    .await;
    let fetcher = Fetcher::new(config()).unwrap();
    let p = page(fetcher.fetch(&server.url("/gz")).await.unwrap());
    assert!(gz_len < original.len());
    assert_eq!(std::str::from_utf8(&p.body).unwrap(), original);
    let req = server.requests().into_iter().find(|r| r.path() == "/gz").unwrap();
    assert_eq!(req.header("user-agent"), Some("PoliticsMonitor/0.1 (+https://pm.example/bot)"));
}

#[tokio::test]
async fn guard_refuses_a_redirect_to_a_private_address() {
    // The server itself is reachable only because its address is allow-listed.
    let server = TestServer::start(|r| match r.path() {
        "/to-literal" => Reply::redirect(302, "http://10.1.2.3/admin"),
        "/to-mapped" => Reply::redirect(302, "http://[::ffff:169.254.169.254]/latest/meta-data"),
        "/ok" => Reply::ok("public enough"),
        _ => Reply::status(404),
    })
    .await;
    let fetcher = Fetcher::new(FetchConfig {
        allow_private: false,
        allowed_addresses: vec![server.addr.ip()],
        ..config()
    })
    .unwrap();
    assert!(fetcher.fetch(&server.url("/ok")).await.is_ok());
    let err = fetcher.fetch(&server.url("/to-literal")).await.unwrap_err();
    match &err {
        FetchError::PrivateAddress { url, addr, class } => {
            assert_eq!(url, "http://10.1.2.3/admin");
            assert_eq!(addr.to_string(), "10.1.2.3");
            assert_eq!(*class, AddressClass::Private);
        }
        other => panic!("expected PrivateAddress, got {other:?}"),
    }
    assert!(err.to_string().contains("10.1.2.3") && err.to_string().contains("allow_private"), "{err}");
    let err = fetcher.fetch(&server.url("/to-mapped")).await.unwrap_err();
    assert!(matches!(err, FetchError::PrivateAddress { class: AddressClass::LinkLocal, .. }), "{err:?}");
}

#[tokio::test]
async fn guard_checks_resolved_names_on_every_hop() {
    // Serve on 127.0.0.2 (allow-listed) and redirect to `localhost`, which resolves
    // only to addresses that are not allow-listed: the resolver must refuse it.
    let server = TestServer::start_on("127.0.0.2:0", |r| match r.path() {
        "/to-name" => Reply::redirect(302, "http://localhost:9/x"),
        _ => Reply::ok("ok"),
    })
    .await;
    let strict = FetchConfig { allow_private: false, allowed_addresses: vec![server.addr.ip()], ..config() };
    let fetcher = Fetcher::new(strict.clone()).unwrap();
    let err = fetcher.fetch(&server.url("/to-name")).await.unwrap_err();
    match &err {
        FetchError::PrivateAddress { url, addr, .. } => {
            assert!(url.starts_with("http://localhost:9/"), "{url}");
            assert!(addr.is_loopback(), "{addr}");
        }
        other => panic!("expected PrivateAddress, got {other:?}"),
    }
    // A name resolving to loopback is refused on the first hop too, before anything is sent.
    let plain = TestServer::start(|_| Reply::ok("should not be reached")).await;
    let by_name = url::Url::parse(&format!("http://localhost:{}/page", plain.addr.port())).unwrap();
    let err = Fetcher::new(FetchConfig { allowed_addresses: vec![], ..strict }).unwrap().fetch(&by_name).await.unwrap_err();
    assert!(matches!(err, FetchError::PrivateAddress { .. }), "{err:?}");
    assert!(err.to_string().contains("localhost"), "{err}");
    assert!(plain.requests().is_empty());
}

#[tokio::test]
async fn non_http_schemes_are_refused() {
    let fetcher = Fetcher::new(config()).unwrap();
    let err = fetcher.fetch(&url::Url::parse("file:///etc/passwd").unwrap()).await.unwrap_err();
    assert!(matches!(err, FetchError::UnsupportedScheme { .. }), "{err:?}");
}

/// A server that answers every request with headers announcing 1,000 bytes,
/// then trickles the body one byte per `every`: never silent long enough for
/// `read_timeout`, never done. Returns its port and a request counter.
async fn trickle_server(every: Duration) -> (u16, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let headers = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 1000\r\n\r\n";
                if stream.write_all(headers).await.is_err() {
                    return;
                }
                for _ in 0..1000 {
                    tokio::time::sleep(every).await;
                    if stream.write_all(b"x").await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, hits)
}

/// Regression: a server trickling one byte every 2 s used to cost
/// request_timeout (60 s) × 3 attempts ≈ 186 s per link. The total deadline
/// now bounds the whole fetch, retries included.
#[tokio::test]
async fn trickling_server_hits_the_total_deadline() {
    let (port, hits) = trickle_server(Duration::from_millis(200)).await;
    let deadline = Duration::from_millis(1500);
    let fetcher = Fetcher::new(FetchConfig { total_timeout: deadline, max_retries: 2, respect_robots: false, ..config() }).unwrap();
    assert_eq!(fetcher.config().read_timeout, Duration::from_secs(20), "read_timeout alone never fires here");
    let url = url::Url::parse(&format!("http://127.0.0.1:{port}/slow-feed.xml")).unwrap();
    let started = std::time::Instant::now();
    let err = fetcher.fetch(&url).await.unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, FetchError::Deadline { deadline: d, attempts: 1, .. } if d == deadline), "{err:?}");
    assert!(err.is_timeout() && err.is_transient(), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("total deadline") && msg.contains("slow-feed.xml") && msg.contains("total_timeout"), "{msg}");
    assert!(took < deadline * 4, "took {took:?}, the deadline is {deadline:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 1, "no retry once the deadline is spent");
}

#[tokio::test]
async fn retries_stop_when_the_deadline_has_no_room_for_them() {
    // Each attempt times out on its own (request_timeout 400 ms); only two fit in 1 s.
    let (port, hits) = trickle_server(Duration::from_millis(100)).await;
    let fetcher = Fetcher::new(FetchConfig {
        request_timeout: Duration::from_millis(400),
        total_timeout: Duration::from_secs(1),
        max_retries: 5,
        respect_robots: false,
        ..config()
    })
    .unwrap();
    let url = url::Url::parse(&format!("http://127.0.0.1:{port}/x")).unwrap();
    let started = std::time::Instant::now();
    let err = fetcher.fetch(&url).await.unwrap_err();
    assert!(err.is_timeout() && err.is_transient(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(4));
    let n = hits.load(Ordering::SeqCst);
    assert!((2..=3).contains(&n), "{n} attempts; 6 without the deadline");
}

#[tokio::test]
async fn retry_after_as_an_http_date() {
    let server = TestServer::start(|r| match r.path() {
        "/later" => {
            let when = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
            Reply::status(429).with_header("Retry-After", &when)
        }
        _ => Reply::status(404),
    })
    .await;
    let fetcher = Fetcher::new(config()).unwrap();
    let err = fetcher.fetch(&server.url("/later")).await.unwrap_err();
    let FetchError::Status { status: 429, retry_after: Some(d), .. } = err else { panic!("{err:?}") };
    assert!((100..=120).contains(&d.as_secs()), "{d:?}");
}

#[tokio::test]
async fn query_only_redirects_keep_the_path() {
    let server = TestServer::start(|r| match r.target.as_str() {
        "/list" => Reply::redirect(302, "?page=2"),
        "/list?page=2" => Reply::redirect(301, "../other/./x?y=1"),
        "/other/x?y=1" => Reply::ok("here"),
        _ => Reply::status(404),
    })
    .await;
    let fetcher = Fetcher::new(config()).unwrap();
    let p = page(fetcher.fetch(&server.url("/list")).await.unwrap());
    assert_eq!(&p.body[..], b"here");
    let hops: Vec<String> = p.redirects.iter().map(|u| u[url::Position::BeforePath..].to_owned()).collect();
    assert_eq!(hops, ["/list?page=2", "/other/x?y=1"]);
}
