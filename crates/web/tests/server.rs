//! The server loop against hostile clients, on a real loopback socket.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use polmon_index::SearchIndex;
use polmon_store::Store;

fn start(limits: polmon_web::Limits) -> (std::net::SocketAddr, tempfile::TempDir, tokio::sync::oneshot::Sender<()>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let state = polmon_web::AppState::new(store, index, |_| Ok(Vec::new()), "");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            polmon_web::serve_on(listener, state, limits, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
    });
    (addr_rx.recv().unwrap(), dir, tx)
}

fn get_status(addr: std::net::SocketAddr, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf);
    text.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn regression_idle_and_slowloris_sockets_do_not_take_the_site_down() {
    let limits = polmon_web::Limits {
        header_timeout: Duration::from_millis(800),
        max_connection_age: Duration::from_secs(30),
        max_connections: 20,
        max_in_flight: 64,
    };
    let (addr, _dir, stop) = start(limits);
    assert_eq!(get_status(addr, "/sources"), Some(200));
    // More idle sockets than the server takes at once, and slowloris ones that send a
    // header a byte at a time without ever finishing it.
    let mut idle: Vec<TcpStream> = (0..30).map(|_| TcpStream::connect(addr).unwrap()).collect();
    for s in idle.iter_mut().take(10) {
        let _ = s.write_all(b"GET / HTTP/1.1\r\nX-a: ");
    }
    let started = Instant::now();
    // A normal client is served once the hostile sockets hit the header timeout.
    assert_eq!(get_status(addr, "/sources"), Some(200));
    assert!(started.elapsed() < Duration::from_secs(15), "served after {:?}", started.elapsed());
    // The server closed every hostile socket (end of stream, perhaps after a 408); a
    // read that times out means the socket is still held open.
    for (i, s) in idle.iter_mut().enumerate() {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut rest = Vec::new();
        assert!(s.read_to_end(&mut rest).is_ok(), "socket {i} still open");
    }
    let _ = stop.send(());
}

#[test]
fn regression_load_beyond_the_in_flight_limit_is_shed_with_503() {
    let limits = polmon_web::Limits { max_in_flight: 1, ..polmon_web::Limits::default() };
    let (addr, _dir, stop) = start(limits);
    let handles: Vec<_> = (0..16).map(|_| std::thread::spawn(move || get_status(addr, "/search?q=budget"))).collect();
    let codes: Vec<Option<u16>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(codes.iter().all(|c| matches!(c, Some(200) | Some(503))), "{codes:?}");
    assert!(codes.contains(&Some(200)));
    // Afterwards a request goes through.
    assert_eq!(get_status(addr, "/"), Some(200));
    let _ = stop.send(());
}
