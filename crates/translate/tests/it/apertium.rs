//! The real Apertium (Debian: apertium, apertium-fr-es, apertium-eng-spa; `.ci/run`
//! installs them). Missing, it fails the run with what to install; a developer without
//! it may set `POLMON_SKIP_APERTIUM=1` to skip these tests knowingly.

use std::time::{Duration, Instant};

use polmon_translate::{polish, Apertium, Glossary, NameKind, Protect, Request, Route, Translator, Untranslated};

fn engine() -> Option<Apertium> {
    let installed = std::path::Path::new("/usr/share/apertium/modes/fr-es.mode").exists()
        && std::path::Path::new("/usr/share/apertium/modes/spa-eng.mode").exists();
    if !installed {
        assert!(
            std::env::var_os("POLMON_SKIP_APERTIUM").is_some(),
            "Apertium fr-es and spa-eng are required: apt-get install apertium apertium-fr-es apertium-eng-spa \
             (or run .ci/run), or set POLMON_SKIP_APERTIUM=1 to skip these tests"
        );
        eprintln!("skipped (POLMON_SKIP_APERTIUM): Apertium is not installed");
        return None;
    }
    let a = Apertium::discover(None, Duration::from_secs(20)).unwrap();
    Some(a.with_polish(polish::Options::default(), Glossary::bundled()))
}

fn person(text: &str, name: &str) -> Protect {
    let at = text.find(name).unwrap();
    let start = text[..at].chars().count();
    Protect { start, end: start + name.chars().count(), kind: NameKind::Person, canonical: None }
}

#[test]
fn french_reaches_english_through_spanish() {
    let Some(a) = engine() else { return };
    assert_eq!(a.route("fr", "en"), Some(Route(vec!["fr".into(), "es".into(), "en".into()])));
    assert_eq!(a.route("spa", "eng"), Some(Route(vec!["es".into(), "en".into()])));
    let text = "Le gouvernement a présenté un projet de loi.\n\n  La réforme des retraites est contestée. ";
    let out = a.translate(&Request::new(text, "fr", "en")).unwrap();
    assert_eq!(out.route, ["fr", "es", "en"]);
    assert_eq!(out.engine, "apertium");
    let lines: Vec<&str> = out.text.split('\n').collect();
    assert_eq!(lines.len(), 3, "{:?}", out.text);
    assert!(lines[0].starts_with("The ") && lines[0].ends_with(" bill."), "{:?}", lines[0]);
    assert_eq!(lines[1], "");
    assert!(lines[2].starts_with("  The ") && lines[2].ends_with(". "), "{:?}", lines[2]);
}

#[test]
fn names_survive_and_no_marks_are_left() {
    let Some(a) = engine() else { return };
    let text = "Le Premier ministre De Croo a rencontré Zbigniew Ziobro à Bruxelles.";
    let req = Request::new(text, "fr", "en").protect([person(text, "De Croo"), person(text, "Zbigniew Ziobro")]);
    let out = a.translate(&req).unwrap();
    assert!(out.text.contains("Prime Minister De Croo"), "{}", out.text);
    assert!(out.text.contains("Zbigniew Ziobro") && out.text.contains("Brussels"), "{}", out.text);
    assert!(!out.text.contains(['*', '#', '@']), "{}", out.text);
    // Without protection the engine translates the particle.
    let raw = Apertium::discover(None, Duration::from_secs(20)).unwrap();
    assert!(raw.translate(&Request::new(text, "fr", "en")).unwrap().text.contains("Of Croo"));
}

#[test]
fn quotation_marks_are_restored() {
    let Some(a) = engine() else { return };
    let out = a.translate(&Request::new("Il a dit « nous allons gagner » hier.", "fr", "en")).unwrap();
    assert!(out.text.contains("\"") && !out.text.contains('«'), "{}", out.text);
    assert_eq!(out.text.matches('"').count(), 2, "{}", out.text);
}

#[test]
fn a_pair_without_a_route_keeps_its_text() {
    let Some(a) = engine() else { return };
    let out = a.translate(&Request::new("Die Regierung tritt zurück.", "de", "en")).unwrap();
    assert_eq!(out.text, "Die Regierung tritt zurück.");
    assert_eq!(out.untranslated, Some(Untranslated::NoRoute));
    assert_eq!(out.route, ["de"]);
}

#[test]
fn a_killed_process_is_restarted() {
    let Some(a) = engine() else { return };
    let req = Request::new("El Gobierno aprobó la ley.", "es", "en");
    let first = a.translate(&req).unwrap();
    let route = a.route("es", "en").unwrap();
    let pids = a.pids(&route);
    assert!(pids.len() > 3, "{pids:?}");
    kill(pids[pids.len() / 2]);
    let started = Instant::now();
    let again = a.translate(&req).unwrap();
    assert_eq!(again.text, first.text);
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_ne!(a.pids(&route), pids);
}

#[test]
fn killing_mid_run_never_hangs() {
    let Some(a) = engine() else { return };
    let a = std::sync::Arc::new(a);
    let line = "Le président de la République a annoncé une réforme de la Constitution et des institutions.";
    let text = vec![line; 400].join("\n");
    a.translate(&Request::new("Bonjour.", "fr", "en")).unwrap();
    let route = a.route("fr", "en").unwrap();
    let pids = a.pids(&route);
    let worker = {
        let a = a.clone();
        std::thread::spawn(move || a.translate(&Request::new(text, "fr", "en")))
    };
    std::thread::sleep(Duration::from_millis(300));
    kill(pids[1]);
    let started = Instant::now();
    // Either the retry finished the text, or the text failed with an error: never a hang.
    match worker.join().unwrap() {
        Ok(t) => assert_eq!(t.text.split('\n').count(), 400),
        Err(e) => eprintln!("reported: {e}"),
    }
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(a.translate(&Request::new("Bonjour.", "fr", "en")).unwrap().is_translated());
}

#[test]
fn threads_share_one_engine() {
    let Some(a) = engine() else { return };
    let a = std::sync::Arc::new(a);
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let a = a.clone();
            std::thread::spawn(move || {
                let (text, from) = if i % 2 == 0 { ("La casa es grande.", "es") } else { ("La maison est grande.", "fr") };
                a.translate(&Request::new(text, from, "en")).unwrap().text
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().unwrap().contains("house"));
    }
}

fn kill(pid: u32) {
    std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status().unwrap();
}
