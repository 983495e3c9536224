//! Development driver: `cargo run --release -p assist --example assist-dev -- train|eval [data] [models]`.
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = PathBuf::from(args.get(2).cloned().unwrap_or_else(|| "../shared/data".into()));
    match args.get(1).map(String::as_str) {
        Some("train") => {
            let out = PathBuf::from(args.get(3).cloned().unwrap_or_else(|| "crates/assist/models".into()));
            let r = assist::train(&data, &out).expect("train");
            println!("{}", serde_json::to_string_pretty(&r).unwrap());
        }
        Some("eval") => {
            let models = args.get(3).map(PathBuf::from);
            assist::evaluate(&data, models.as_deref(), &mut std::io::stdout()).expect("evaluate");
        }
        _ => eprintln!("usage: assist-dev train|eval [data dir] [models dir]"),
    }
}
