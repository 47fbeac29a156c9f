//! Try rules on texts: `categorize [--rules FILE] TEXT_FILE...` prints, per file, the matched
//! categories with their scores and the countries (first line of a file = title).

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let cat = if args.first().map(String::as_str) == Some("--rules") {
        let path = args.get(1).cloned().expect("--rules FILE");
        args.drain(..2);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        polmon_topics::Categorizer::from_rules(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    } else {
        polmon_topics::Categorizer::bundled()
    };
    for path in args {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
        let cats: Vec<String> = cat.categorize(title, body).iter().map(|m| format!("{} {:.2}", m.name, m.score)).collect();
        println!("{path}\n  categories: {}\n  countries: {}", cats.join(", "), polmon_topics::countries(&text).join(" "));
    }
}
