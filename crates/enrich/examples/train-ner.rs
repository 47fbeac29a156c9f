//! Trains a tagger model from `token<TAB>tag` files (see `training/prepare.py`).
//!
//! ```text
//! python3 crates/enrich/training/prepare.py /work/shared/data/ner target/ner-train
//! cargo run --release -p polmon-enrich --example train-ner -- \
//!     --out crates/enrich/data/model/en.pmner target/ner-train/wikiann-en.bio target/ner-train/gum-en.bio
//! ```
//! Inputs are `.bio` files; `FILE@N` repeats a file N times.
//! Options: `--epochs N` (10), `--upper SHARE` (0.1), `--min-weight W` (0.05), `--seed S`,
//! `--min-tokens N` (skip shorter sentences, 1), `--no-typed-names` (train without the
//! typed name list, for models trained on the WikiANN splits the list is made from),
//! `--dev FILE` (a held-out `.bio` file: prints token accuracy and span F1 at the end).

use std::process::ExitCode;

use polmon_enrich::ner::gazetteer::Gazetteers;
use polmon_enrich::ner::tagger::{spans, tag};
use polmon_enrich::ner::train::{read_bio, relabel_countries, train, Sentence, TrainConfig};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut cfg = TrainConfig::default();
    let mut out = None;
    let mut dev = None;
    let mut inputs = Vec::new();
    let mut min_tokens = 1usize;
    let mut typed_names = true;
    while let Some(a) = args.next() {
        let mut val = || args.next().expect("option needs a value");
        match a.as_str() {
            "--out" => out = Some(val()),
            "--dev" => dev = Some(val()),
            "--epochs" => cfg.epochs = val().parse().expect("--epochs N"),
            "--upper" => cfg.upper_share = val().parse().expect("--upper SHARE"),
            "--min-weight" => cfg.min_weight = val().parse().expect("--min-weight W"),
            "--seed" => cfg.seed = val().parse().expect("--seed S"),
            "--min-tokens" => min_tokens = val().parse().expect("--min-tokens N"),
            "--no-typed-names" => typed_names = false,
            _ => inputs.push(a),
        }
    }
    let Some(out) = out else {
        eprintln!("usage: train-ner --out MODEL FILE.bio... [--dev FILE.bio] [--epochs N]");
        return ExitCode::from(2);
    };
    let mut data: Vec<Sentence> = Vec::new();
    for input in &inputs {
        // FILE@N repeats a file N times (weights a small in-domain set up)
        let (path, times) = match input.rsplit_once('@') {
            Some((p, n)) if n.parse::<usize>().is_ok() => (p, n.parse().unwrap()),
            _ => (input.as_str(), 1usize),
        };
        let text = std::fs::read_to_string(path).expect("read training file");
        let s: Vec<Sentence> = read_bio(&text).into_iter().filter(|s| s.words.len() >= min_tokens).collect();
        eprintln!("{path}: {} sentences x {times}", s.len());
        for _ in 0..times {
            data.extend(s.iter().cloned());
        }
    }
    let mut gaz = Gazetteers::bundled();
    if !typed_names {
        // the typed list comes from the fr/de/nl WikiANN train splits: a model trained on
        // those sentences would learn to trust it blindly, so it learns without it
        gaz.typed_names = Default::default();
    }
    let changed = relabel_countries(&mut data, &gaz);
    eprintln!("relabelled {changed} country-name organisations as locations");
    let t0 = std::time::Instant::now();
    let model = train(&data, &gaz, &cfg, |line| eprintln!("{line}"));
    eprintln!("trained in {:.1} s", t0.elapsed().as_secs_f64());
    let bytes = model.to_bytes();
    std::fs::write(&out, &bytes).expect("write model");
    eprintln!("wrote {out}: {} bytes, {} features", bytes.len(), model.len());
    if let Some(dev) = dev {
        let text = std::fs::read_to_string(&dev).expect("read dev file");
        let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
        for s in read_bio(&text) {
            let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
            let pred: std::collections::HashSet<_> = spans(&tag(&model, &gaz, &words)).into_iter().collect();
            let gold: std::collections::HashSet<_> = spans(&s.labels).into_iter().collect();
            tp += pred.intersection(&gold).count();
            fp += pred.difference(&gold).count();
            fn_ += gold.difference(&pred).count();
        }
        let p = tp as f64 / (tp + fp).max(1) as f64;
        let r = tp as f64 / (tp + fn_).max(1) as f64;
        eprintln!("dev {dev}: P {p:.4} R {r:.4} F1 {:.4}", 2.0 * p * r / (p + r).max(1e-9));
    }
    ExitCode::SUCCESS
}
