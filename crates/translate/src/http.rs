//! HTTP engines: a LibreTranslate server and the DeepL API, through their
//! documented JSON interfaces. Lines are sent as an array of texts so that
//! paragraph boundaries come back exactly.

use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Value};

use crate::{lang, trivial, Request, Route, TranslateError, Translation, Translator, Untranslated};

/// A blocking JSON client with a global timeout per request.
struct Client {
    agent: ureq::Agent,
    engine: &'static str,
}

impl Client {
    fn new(engine: &'static str, timeout: Duration) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(concat!("polmon-translate/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client { agent, engine }
    }

    /// Sends a request; `Ok((status, body))` for any HTTP answer.
    fn call(&self, method: &str, url: &str, auth: Option<&str>, body: Option<&Value>) -> Result<(u16, Value), TranslateError> {
        let http = |e: ureq::Error| match e {
            ureq::Error::Timeout(_) => TranslateError::Http { engine: self.engine, message: format!("timed out: {url}") },
            e => TranslateError::Http { engine: self.engine, message: format!("{url}: {e}") },
        };
        let mut resp = match (method, body) {
            ("POST", Some(b)) => {
                let mut r = self.agent.post(url).header("Content-Type", "application/json");
                if let Some(a) = auth {
                    r = r.header("Authorization", a);
                }
                r.send(serde_json::to_vec(b).expect("JSON values serialise")).map_err(http)?
            }
            _ => {
                let mut r = self.agent.get(url);
                if let Some(a) = auth {
                    r = r.header("Authorization", a);
                }
                r.call().map_err(http)?
            }
        };
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().map_err(http)?;
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Ok((status, value))
    }

    fn protocol(&self, message: impl Into<String>) -> TranslateError {
        TranslateError::Protocol { engine: self.engine, message: message.into() }
    }
}

/// The non-blank lines of a text, and how to put translations of them back.
fn lines(text: &str) -> Vec<&str> {
    text.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect()
}

fn reassemble(text: &str, translated: Vec<String>) -> String {
    let mut it = translated.into_iter();
    text.split('\n')
        .map(|l| if l.trim().is_empty() { l.to_owned() } else { it.next().unwrap_or_default() })
        .collect::<Vec<_>>()
        .join("\n")
}

fn short(v: &Value) -> String {
    let s = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    s.chars().take(300).collect()
}

/// A LibreTranslate server: `POST /translate` `{q, source, target, format, api_key}`.
pub struct LibreTranslate {
    client: Client,
    base: String,
    api_key: Option<String>,
    routes: Mutex<Option<Vec<Route>>>,
}

impl std::fmt::Debug for LibreTranslate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LibreTranslate").field("base", &self.base).finish_non_exhaustive()
    }
}

impl LibreTranslate {
    /// A client of the server at `url` (`http://localhost:5000`).
    pub fn new(url: &str, api_key: Option<String>, timeout: Duration) -> Result<LibreTranslate, TranslateError> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(TranslateError::Config("the LibreTranslate `url` must start with http:// or https://"));
        }
        Ok(LibreTranslate {
            client: Client::new("libretranslate", timeout),
            base: url.trim_end_matches('/').to_owned(),
            api_key,
            routes: Mutex::new(None),
        })
    }
}

impl Translator for LibreTranslate {
    fn name(&self) -> &str {
        "libretranslate"
    }

    /// From `GET /languages`, fetched once it succeeds.
    fn routes(&self) -> Vec<Route> {
        let mut cached = self.routes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(r) = cached.as_ref() {
            return r.clone();
        }
        let Ok((200, Value::Array(langs))) = self.client.call("GET", &format!("{}/languages", self.base), None, None) else {
            return Vec::new();
        };
        let mut routes = Vec::new();
        for l in &langs {
            let Some(from) = l.get("code").and_then(Value::as_str) else { continue };
            for to in l.get("targets").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                if to != from {
                    routes.push(Route(vec![lang::normalize(from), lang::normalize(to)]));
                }
            }
        }
        *cached = Some(routes.clone());
        routes
    }

    fn route(&self, from: &str, to: &str) -> Option<Route> {
        Some(Route(vec![lang::normalize(from), lang::normalize(to)]))
    }

    fn translate(&self, req: &Request) -> Result<Translation, TranslateError> {
        if let Some(t) = trivial(req, "libretranslate") {
            return Ok(t);
        }
        let (from, to) = (lang::normalize(&req.from), lang::normalize(&req.to));
        let q = lines(&req.text);
        let mut body = json!({"q": q, "source": from, "target": to, "format": "text"});
        if let Some(k) = &self.api_key {
            body["api_key"] = json!(k);
        }
        let (status, answer) = self.client.call("POST", &format!("{}/translate", self.base), None, Some(&body))?;
        if status == 400 && short(&answer).to_lowercase().contains("not supported") {
            return Ok(Translation::original(req, "libretranslate", Untranslated::NoRoute));
        }
        if status != 200 {
            let why = answer.get("error").map_or_else(|| short(&answer), short);
            return Err(TranslateError::Http { engine: "libretranslate", message: format!("status {status}: {why}") });
        }
        let translated: Vec<String> = match answer.get("translatedText") {
            Some(Value::Array(a)) => a.iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect(),
            Some(Value::String(s)) if q.len() == 1 => vec![s.clone()],
            _ => return Err(self.client.protocol(format!("no \"translatedText\" list in {}", short(&answer)))),
        };
        if translated.len() != q.len() {
            return Err(self.client.protocol(format!("{} texts sent, {} came back", q.len(), translated.len())));
        }
        Ok(Translation { text: reassemble(&req.text, translated), engine: "libretranslate".into(), route: vec![from, to], untranslated: None })
    }
}

/// The DeepL API: `POST /v2/translate` with `Authorization: DeepL-Auth-Key KEY`.
pub struct DeepL {
    client: Client,
    base: String,
    auth: String,
    routes: Mutex<Option<Vec<Route>>>,
}

impl std::fmt::Debug for DeepL {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeepL").field("base", &self.base).finish_non_exhaustive()
    }
}

/// DeepL takes at most 50 texts per request.
const DEEPL_BATCH: usize = 50;

impl DeepL {
    /// A client for `key`; the endpoint is the free API for keys ending in
    /// `:fx`, else the pro API, unless `url` names another.
    pub fn new(url: Option<&str>, key: String, timeout: Duration) -> Result<DeepL, TranslateError> {
        let base = match url {
            Some(u) if u.starts_with("http://") || u.starts_with("https://") => u.trim_end_matches('/').to_owned(),
            Some(_) => return Err(TranslateError::Config("the DeepL `url` must start with http:// or https://")),
            None if key.ends_with(":fx") => "https://api-free.deepl.com".to_owned(),
            None => "https://api.deepl.com".to_owned(),
        };
        Ok(DeepL { client: Client::new("deepl", timeout), base, auth: format!("DeepL-Auth-Key {key}"), routes: Mutex::new(None) })
    }

    fn languages(&self, kind: &str) -> Option<Vec<String>> {
        let url = format!("{}/v2/languages?type={kind}", self.base);
        let Ok((200, Value::Array(langs))) = self.client.call("GET", &url, Some(&self.auth), None) else { return None };
        Some(langs.iter().filter_map(|l| l.get("language").and_then(Value::as_str)).map(lang::normalize).collect())
    }
}

/// DeepL's target codes: English and Portuguese need a variant.
fn deepl_target(to: &str) -> String {
    match to {
        "en" => "EN-GB".into(),
        "pt" => "PT-PT".into(),
        other => other.to_ascii_uppercase(),
    }
}

impl Translator for DeepL {
    fn name(&self) -> &str {
        "deepl"
    }

    /// From `GET /v2/languages`, fetched once it succeeds.
    fn routes(&self) -> Vec<Route> {
        let mut cached = self.routes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(r) = cached.as_ref() {
            return r.clone();
        }
        let (Some(sources), Some(mut targets)) = (self.languages("source"), self.languages("target")) else {
            return Vec::new();
        };
        targets.dedup();
        let routes: Vec<Route> = sources
            .iter()
            .flat_map(|s| targets.iter().filter(move |t| *t != s).map(move |t| Route(vec![s.clone(), t.clone()])))
            .collect();
        *cached = Some(routes.clone());
        routes
    }

    fn route(&self, from: &str, to: &str) -> Option<Route> {
        Some(Route(vec![lang::normalize(from), lang::normalize(to)]))
    }

    fn translate(&self, req: &Request) -> Result<Translation, TranslateError> {
        if let Some(t) = trivial(req, "deepl") {
            return Ok(t);
        }
        let (from, to) = (lang::normalize(&req.from), lang::normalize(&req.to));
        let all = lines(&req.text);
        let mut translated = Vec::with_capacity(all.len());
        for batch in all.chunks(DEEPL_BATCH) {
            let body = json!({"text": batch, "source_lang": from.to_ascii_uppercase(), "target_lang": deepl_target(&to)});
            let (status, answer) = self.client.call("POST", &format!("{}/v2/translate", self.base), Some(&self.auth), Some(&body))?;
            if status == 400 && short(&answer).to_lowercase().contains("not supported") {
                return Ok(Translation::original(req, "deepl", Untranslated::NoRoute));
            }
            if status != 200 {
                let why = answer.get("message").map_or_else(|| short(&answer), short);
                let hint = match status {
                    403 => " (check `api_key`)",
                    456 => " (the account's quota is used up)",
                    _ => "",
                };
                return Err(TranslateError::Http { engine: "deepl", message: format!("status {status}: {why}{hint}") });
            }
            let items = answer
                .get("translations")
                .and_then(Value::as_array)
                .ok_or_else(|| self.client.protocol(format!("no \"translations\" list in {}", short(&answer))))?;
            if items.len() != batch.len() {
                return Err(self.client.protocol(format!("{} texts sent, {} came back", batch.len(), items.len())));
            }
            for it in items {
                let text = it.get("text").and_then(Value::as_str).ok_or_else(|| self.client.protocol("a translation without \"text\""))?;
                translated.push(text.to_owned());
            }
        }
        Ok(Translation { text: reassemble(&req.text, translated), engine: "deepl".into(), route: vec![from, to], untranslated: None })
    }
}
