use std::time::{Duration, Instant};

use polmon_translate::{DeepL, LibreTranslate, Request, TranslateError, Translator, Untranslated};
use serde_json::{json, Value};

use crate::server::serve;

fn upper_all(texts: &Value) -> Vec<String> {
    texts.as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_uppercase()).collect()
}

#[test]
fn libretranslate_speaks_the_documented_protocol() {
    let server = serve(|req| {
        if req.method == "POST" && req.path == "/translate" {
            let body: Value = serde_json::from_str(&req.body).unwrap();
            (200, json!({"translatedText": upper_all(&body["q"])}).to_string())
        } else {
            (404, json!({"error": "not found"}).to_string())
        }
    });
    let t = LibreTranslate::new(&server.url, Some("k".into()), Duration::from_secs(5)).unwrap();
    let out = t.translate(&Request::new("Bonjour.\n\nAu revoir.", "fra", "en")).unwrap();
    assert_eq!(out.text, "BONJOUR.\n\nAU REVOIR.");
    assert_eq!((out.engine.as_str(), out.route.clone()), ("libretranslate", vec!["fr".to_owned(), "en".to_owned()]));
    let seen = server.seen.lock().unwrap();
    let body: Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(body, json!({"q": ["Bonjour.", "Au revoir."], "source": "fr", "target": "en", "format": "text", "api_key": "k"}));
    assert_eq!(seen[0].headers["content-type"], "application/json");
}

#[test]
fn libretranslate_errors_say_what_the_server_said() {
    let server = serve(|req| match req.body.contains("\"de\"") {
        true => (400, json!({"error": "de is not supported"}).to_string()),
        false => (403, json!({"error": "Invalid API key"}).to_string()),
    });
    let t = LibreTranslate::new(&server.url, None, Duration::from_secs(5)).unwrap();
    let no_route = t.translate(&Request::new("Guten Tag.", "de", "en")).unwrap();
    assert_eq!((no_route.text.as_str(), no_route.untranslated), ("Guten Tag.", Some(Untranslated::NoRoute)));
    let e = t.translate(&Request::new("Bonjour.", "fr", "en")).unwrap_err();
    assert!(e.to_string().contains("403") && e.to_string().contains("Invalid API key"), "{e}");
}

#[test]
fn a_slow_server_times_out() {
    let server = serve(|_| {
        std::thread::sleep(Duration::from_secs(4));
        (200, json!({"translatedText": ["late"]}).to_string())
    });
    let t = LibreTranslate::new(&server.url, None, Duration::from_millis(500)).unwrap();
    let started = Instant::now();
    let e = t.translate(&Request::new("Bonjour.", "fr", "en")).unwrap_err();
    assert!(matches!(e, TranslateError::Http { .. }), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn libretranslate_routes_come_from_languages() {
    let server = serve(|req| match req.path.as_str() {
        "/languages" => (200, json!([{"code": "fr", "name": "French", "targets": ["en", "fr"]}]).to_string()),
        _ => (404, "{}".into()),
    });
    let t = LibreTranslate::new(&server.url, None, Duration::from_secs(5)).unwrap();
    let routes: Vec<String> = t.routes().iter().map(ToString::to_string).collect();
    assert_eq!(routes, ["fr→en"]);
}

#[test]
fn deepl_speaks_the_documented_protocol() {
    let server = serve(|req| {
        if req.headers.get("authorization").map(String::as_str) != Some("DeepL-Auth-Key secret:fx") {
            return (403, json!({"message": "Wrong key"}).to_string());
        }
        match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/v2/translate") => {
                let body: Value = serde_json::from_str(&req.body).unwrap();
                let translations: Vec<Value> = upper_all(&body["text"])
                    .into_iter()
                    .map(|t| json!({"detected_source_language": body["source_lang"], "text": t}))
                    .collect();
                (200, json!({ "translations": translations }).to_string())
            }
            ("GET", p) if p.starts_with("/v2/languages") => (200, json!([{"language": "FR", "name": "French"}, {"language": "EN-GB", "name": "English"}]).to_string()),
            _ => (404, "{}".into()),
        }
    });
    let t = DeepL::new(Some(&server.url), "secret:fx".into(), Duration::from_secs(5)).unwrap();
    let out = t.translate(&Request::new("Le ministre.\nLa loi.", "fr", "en")).unwrap();
    assert_eq!(out.text, "LE MINISTRE.\nLA LOI.");
    assert_eq!(out.engine, "deepl");
    let body: Value = serde_json::from_str(&server.seen.lock().unwrap()[0].body).unwrap();
    assert_eq!(body, json!({"text": ["Le ministre.", "La loi."], "source_lang": "FR", "target_lang": "EN-GB"}));
    assert!(t.routes().iter().any(|r| r.to_string() == "fr→en"));

    let wrong = DeepL::new(Some(&server.url), "other".into(), Duration::from_secs(5)).unwrap();
    let e = wrong.translate(&Request::new("Le ministre.", "fr", "en")).unwrap_err();
    assert!(e.to_string().contains("403") && e.to_string().contains("api_key"), "{e}");
}

#[test]
fn deepl_quota_is_named() {
    let server = serve(|_| (456, json!({"message": "Quota exceeded"}).to_string()));
    let t = DeepL::new(Some(&server.url), "k".into(), Duration::from_secs(5)).unwrap();
    let e = t.translate(&Request::new("Le ministre.", "fr", "en")).unwrap_err();
    assert!(e.to_string().contains("quota"), "{e}");
}
