//! Development driver: `cargo run --release -p assist --example assist-dev -- train|eval [data] [models]`.
//!
//! Other subcommands (all take the data directory as their first argument):
//! * `halves`: crime amount accuracy and entity soft F1 on the even and odd lines of
//!   `crime_amount.jsonl` and `theft_entities.jsonl` and on the whole files (tune on the even
//!   half, report the odd one); per-type entity F1 per half. `SHOW=amount` or `SHOW=<entity type>`
//!   prints the errors of the even half only.
//! * `ner-drug`: the person, place and time readers against the gold Nh / Ns / NT spans of
//!   `ner-drug/train.json` (NT is time there), sentence by sentence, LawBench soft F1 per type
//!   (persons = suspects and victims together); `SHOW=Nh|Ns|NT` prints the misses.
//! * `amount-formats`: the crime amount of every dev text rewritten with its sums of two or more
//!   digits written another way (`17,000元`, `17000.00元`, `1.7万元`, `一万七千元`): how many
//!   answers change (no labels needed).
//! * `charges-unseen`: leave-charges-out on `train.jsonl`: the training charges split into `K`
//!   groups (default 5, by frequency rank, round robin); for each group the charge model is rebuilt
//!   without any case carrying one of its charges and those cases are scored, so their charges
//!   are predicted from the statute profile and the cues only, as unseen charges are. Prints the
//!   case-averaged charge and article F1, the mean over charges, and per charge. `SHOW=<charge>`
//!   prints that charge's misses.
//! * `charges-dev`: the charge model trained afresh on `train.jsonl` (with the weight overrides
//!   of `env_weights`) and scored on `test.jsonl`: charge and article F1 as `eval` gives them
//!   for the committed model.
//! * `cv-confusion`: the confusion table of the CAIL cross-validation (gold charge → predicted);
//!   `SHOW=gold>pred` prints those cases, `DUMP=1` every case's gold and predicted charges on stderr.
//! * `cv-all`: `K`-fold cross-validation (default 5) of the charge and term models over
//!   `train.jsonl` and `test.jsonl` together, as `eval` prints it with `CV=K`, with the weight
//!   overrides of `env_weights` and of `env_term` (neighbours as `TERM_K`; `K` is the folds).
//! * `entity-formats`: the entities of every dev sentence rewritten as other judgments write it
//!   (names masked `XX` instead of `某某`, `犯罪嫌疑人` instead of `被告人`, `××` instead of `**`):
//!   how many sentences' entities change beyond the rewrite itself.
//! * `term-facts-dump`: every case of the CAIL cross-validation, one per line: gold and
//!   predicted charges (`SCORES=1` with their scores), gold months, months with the charges
//!   given and from the facts alone.
//! * `bribes`: the single-charge bribery cases of both CAIL files: charge, gold months, the
//!   crime amount, the bribe amount (−1 when no sum is told as a bribe), the facts.
//! * `drug-sales`: the single-charge drug-sale cases of both CAIL files, one per line: gold
//!   months, heroin-equivalent grams, the sales `term::drug_sales` reads (0 below three), the
//!   words it read them in, the facts.
#![allow(clippy::type_complexity)] // tuning tables of tuples, local to this driver
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
            let folds = std::env::var("CV").ok().and_then(|v| v.parse().ok());
            assist::evaluate(&data, models.as_deref(), folds, &mut std::io::stdout()).expect("evaluate");
        }
        Some("tune") => tune(&data),
        Some("tune-proof") => tune_proof(&data),
        Some("proof-halves") => proof_halves(&data),
        Some("confusion") => confusion(&data, args.get(3).map(String::as_str).unwrap_or("cail2018-subset/test.jsonl")),
        Some("amount") => amount_errors(&data),
        Some("entities") => entity_errors(&data),
        Some("term") => term_dump(&data, args.get(3).map(String::as_str).unwrap_or("cail2018-subset/test.jsonl")),
        Some("run") => assist::run_task(&args[3], std::path::Path::new(&args[4]), None, &mut std::io::stdout()).unwrap(),
        Some("term-feat") => term_feat(&data, args.get(3).map(String::as_str).unwrap_or("cail2018-subset/test.jsonl")),
        Some("term-cv") => term_cv(&data),
        Some("term-held") => term_held(&data),
        Some("tier-zeros") => tier_zeros(&data),
        Some("drug-sales") => drug_sales(&data),
        Some("bribes") => bribes(&data),
        Some("deaths") => deaths(&data),
        Some("alcohol") => {
            // 危险驾驶 cases of both CAIL files: gold months and the blood alcohol read
            for file in ["train", "test"] {
                for c in assist::data::read_cail(&data.join(format!("cail2018-subset/{file}.jsonl"))).unwrap() {
                    if c.charges.iter().any(|x| assist::charges::plain_name(x) == "危险驾驶") {
                        println!("{}\t{}\t{}", c.term.months_for_score(), assist::term::blood_alcohol(&c.fact).unwrap_or(-1.0), c.fact.chars().take(150).collect::<String>().replace(['\n', '\t'], " "));
                    }
                }
            }
        }
        Some("term-facts-dump") => term_facts_dump(&data),
        Some("charges-cv") => charges_cv(&data),
        Some("cv-all") => cv_all(&data),
        Some("cv-confusion") => cv_confusion(&data),
        Some("judged-cv") => judged_cv(&data),
        Some("charges-held") => charges_held(&data),
        Some("charges-unseen") => charges_unseen(&data),
        Some("charges-dev") => charges_dev(&data),
        Some("term-multi") => term_multi(&data),
        Some("term-facts-cv") => term_facts_cv(&data),
        Some("old-law") => {
            for (n, t) in assist::data::criminal_law_before_2021(&data).unwrap() {
                println!("第{n}条\n{t}\n");
            }
        }
        Some("halves") => halves(&data),
        Some("ner-drug") => ner_drug(&data),
        Some("amount-formats") => amount_formats(&data),
        Some("entity-formats") => entity_formats(&data),
        Some("siblings") => {
            let a = assist::Assistant::load(None).unwrap();
            for c in &a.charges.charges {
                if let Some(s) = a.term.sibling(&c.name, &a.charges) {
                    println!("{}\t{}\t{}", c.name, s, a.term.by_charge.get(&c.name).map_or(0, |v| v.len()));
                }
            }
        }
        Some("rank") => rank_dump(std::path::Path::new(&args[2])),
        Some("cues") => cue_report(&data, args.get(3).map(String::as_str).unwrap_or("cail2018-subset/test.jsonl")),
        _ => eprintln!("usage: assist-dev train|eval [data dir] [models dir]"),
    }
}

/// Grid search of the charge score weights on the CAIL test split (the dev set for charges).
#[allow(dead_code)]
pub fn tune(data: &std::path::Path) {
    let a = assist::Assistant::load(Some(std::path::Path::new("crates/assist/models"))).unwrap();
    let file = std::env::var("TUNE_FILE").unwrap_or_else(|_| "cail2018-subset/test.jsonl".into());
    let test = assist::data::read_cail(&data.join(file)).unwrap();
    let ranked: Vec<Vec<(usize, f32, f32, f32, f32)>> = test.iter().map(|c| a.charges.rank(&c.fact)).collect();
    let golds: Vec<Vec<String>> = test.iter().map(|c| c.charges.iter().map(|x| assist::charges::plain_name(x)).collect()).collect();
    // component-alone accuracy
    for comp in 0..3 {
        let mut hit = 0;
        for (r, g) in ranked.iter().zip(&golds) {
            let best = r.iter().max_by(|x, y| { let k = |t: &(usize, f32, f32, f32, f32)| [t.2, t.3, t.4][comp]; k(x).partial_cmp(&k(y)).unwrap() }).unwrap();
            if g.contains(&a.charges.charges[best.0].name) { hit += 1; }
        }
        println!("component {comp} top1 acc {:.3}", hit as f64 / test.len() as f64);
    }
    let mut best = (0.0, [0.0f32; 5]);
    for wc in [0.0f32, 0.1, 0.2, 0.3] {
        for wp in [0.5f32, 1.0] {
            for wn in [0.0f32, 0.1, 0.2, 0.3, 0.5, 0.8] {
                for ratio in [0.8f32, 0.85, 0.9, 0.95, 1.01] {
                  for extra in [0.0f32, 1.0, 2.0] {
                    let mut f = 0.0;
                    for (r, g) in ranked.iter().zip(&golds) {
                        let mut s: Vec<(f32, usize, f32)> = r.iter().map(|t| (wc * t.2 + wp * t.3 + wn * t.4, t.0, t.4)).collect();
                        s.sort_by(|x, y| y.0.partial_cmp(&x.0).unwrap());
                        let p: Vec<String> = s.iter().take(3).enumerate().filter(|(k, x)| *k == 0 || x.0 >= s[0].0 * ratio || (extra > 0.0 && x.2 >= 1.0 && x.0 >= s[0].0 * (ratio - 0.1 * extra))).map(|(_, x)| a.charges.charges[x.1].name.clone()).collect();
                        f += assist::eval::set_f1(g, &p);
                    }
                    f /= test.len() as f64;
                    if f > best.0 { best = (f, [wc, wp, wn, ratio, extra]); }
                    if ratio == 0.9 && extra == 0.0 { println!("wc {wc} wp {wp} wn {wn}: {f:.4}"); }
                  }
                }
            }
        }
    }
    println!("best F1 {:.4} weights {:?}", best.0, best.1);
}

/// Proofreading threshold sweep on the development set.
#[allow(dead_code)]
pub fn tune_proof(data: &std::path::Path) {
    let mut a = assist::Assistant::load(None).unwrap();
    let pr = assist::data::read_jsonl(&data.join("judgments-dev/proofreading.jsonl")).unwrap();
    for th in [4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 12.0] {
        a.proofreader.threshold = th;
        let items: Vec<(String, String, String)> = pr.iter().map(|v| {
            let s = v["input"].as_str().unwrap().to_string();
            (s.clone(), a.proofread(&s).corrected, v["answer"].as_str().unwrap().to_string())
        }).collect();
        println!("threshold {th}: {:?}", assist::eval::proofreading_f05(&items));
    }
}

/// Proofreading on the two halves of the development file (even and odd lines): tune on one,
/// report the other. `PROOF_SHOW=1` prints the changed sentences.
#[allow(dead_code)]
pub fn proof_halves(data: &std::path::Path) {
    let mut a = assist::Assistant::load(Some(std::path::Path::new("crates/assist/models"))).unwrap();
    if let Some(t) = std::env::var("PROOF_TH").ok().and_then(|v| v.parse().ok()) {
        a.proofreader.threshold = t;
    }
    let pr = assist::data::read_jsonl(&data.join("judgments-dev/proofreading.jsonl")).unwrap();
    let show = std::env::var("PROOF_SHOW").is_ok();
    let items: Vec<(String, String, String)> = pr
        .iter()
        .map(|v| {
            let s = v["input"].as_str().unwrap().to_string();
            let h = a.proofread(&s).corrected;
            let g = v["answer"].as_str().unwrap().to_string();
            if show && h != s {
                println!("{} {s}\n   gold {g}\n   hyp  {h}", if h == g { "OK " } else { "BAD" });
            }
            (s, h, g)
        })
        .collect();
    for (name, part) in [("even", 0), ("odd", 1)] {
        let half: Vec<_> = items.iter().enumerate().filter(|(i, _)| i % 2 == part).map(|(_, x)| x.clone()).collect();
        let (p, r, f) = assist::eval::proofreading_f05(&half);
        println!("{name}: P {:.1} R {:.1} F0.5 {:.2}", p * 100.0, r * 100.0, f * 100.0);
    }
    let (p, r, f) = assist::eval::proofreading_f05(&items);
    println!("all: P {:.1} R {:.1} F0.5 {:.2}", p * 100.0, r * 100.0, f * 100.0);
}

/// Cue precision/recall per charge on a CAIL file.
#[allow(dead_code)]
pub fn cue_report(data: &std::path::Path, file: &str) {
    use std::collections::BTreeMap;
    let test = assist::data::read_cail(&data.join(file)).unwrap();
    let mut st: BTreeMap<&str, (u32, u32, u32)> = BTreeMap::new(); // tp, fp, fn
    for c in &test {
        let gold: Vec<String> = c.charges.iter().map(|x| assist::charges::plain_name(x)).collect();
        let cues = assist::cues::cue_scores(&c.fact);
        for (ch, w, _) in &cues {
            if *w < 0.7 { continue; }
            let e = st.entry(ch).or_default();
            if gold.iter().any(|g| g == ch) { e.0 += 1 } else {
                e.1 += 1;
                if std::env::var("CUE").ok().as_deref() == Some(*ch) { println!("FP {ch} <- {:?} via {}", gold, cues.iter().find(|q| q.0 == *ch).unwrap().2); }
            }
        }
        for g in &gold {
            if !cues.iter().any(|q| q.0 == g && q.1 >= 0.7)
                && let Some((n, _)) = assist::cues::CUES.iter().find(|q| q.0 == g) { st.entry(n).or_default().2 += 1; }
        }
    }
    let mut v: Vec<_> = st.into_iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.1.1 + x.1.2));
    for (ch, (tp, fp, fnn)) in v.iter().take(60) { println!("{ch}\ttp {tp}\tfp {fp}\tfn {fnn}"); }
}

/// Most frequent (gold, predicted) confusions on a CAIL file.
#[allow(dead_code)]
pub fn confusion(data: &std::path::Path, file: &str) {
    use std::collections::BTreeMap;
    let a = assist::Assistant::load(Some(std::path::Path::new("crates/assist/models"))).unwrap();
    let test = assist::data::read_cail(&data.join(file)).unwrap();
    let mut m: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut f1 = 0.0;
    for c in &test {
        let gold: Vec<String> = c.charges.iter().map(|x| assist::charges::plain_name(x)).collect();
        let pred: Vec<String> = a.charges.predict(&c.fact).into_iter().map(|s| s.charge).collect();
        f1 += assist::eval::set_f1(&gold, &pred) / test.len() as f64;
        for g in &gold { if !pred.contains(g) { *m.entry((g.clone(), pred.join("+"))).or_default() += 1; } }
        for p in &pred { if !gold.contains(p) { *m.entry((format!("[fp] {}", gold.join("+")), p.clone())).or_default() += 1; } }
    }
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.1));
    println!("F1 {f1:.4}");
    for ((g, p), n) in v.iter().take(40) { println!("{n}\t{g}\t-> {p}"); }
}

/// Wrong crime amounts on the development file.
#[allow(dead_code)]
pub fn amount_errors(data: &std::path::Path) {
    let ca = assist::data::read_jsonl(&data.join("judgments-dev/crime_amount.jsonl")).unwrap();
    for (i, v) in ca.iter().enumerate() {
        let input = assist::CaseInput::parse(v["input"].as_str().unwrap_or(""));
        let p = assist::amount::crime_amount(&input.facts).map(|x| x.amount).unwrap_or(0.0);
        let g: f64 = v["answer"].as_str().unwrap_or("").split_once(':').map(|x| x.1).unwrap_or("").trim_end_matches("元。").parse().unwrap_or(f64::NAN);
        if (g - p).abs() >= 0.005 { println!("#{i} gold {g} pred {p}\n{}\n", input.facts.chars().take(700).collect::<String>()); }
    }
}

/// Entity soft F1 per type and sample errors.
#[allow(dead_code)]
pub fn entity_errors(data: &std::path::Path) {
    use std::collections::BTreeMap;
    let a = assist::Assistant::load(None).unwrap();
    let te = assist::data::read_jsonl(&data.join("judgments-dev/theft_entities.jsonl")).unwrap();
    let mut per: BTreeMap<String, (f64, u32, u32)> = BTreeMap::new(); // sum f1 over gold-or-pred, n gold, n pred
    let show = std::env::var("ETYPE").ok();
    for v in &te {
        let input = assist::CaseInput::parse(v["input"].as_str().unwrap_or(""));
        let gold = assist::data::parse_entities(v["answer"].as_str().unwrap_or(""));
        let pred = a.entities.extract(&input.facts).by_type;
        let mut types: Vec<&String> = gold.keys().chain(pred.keys()).collect();
        types.sort(); types.dedup();
        for t in types {
            let g = gold.get(t).map(|x| x.join("、")).unwrap_or_default();
            let p = pred.get(t).map(|x| x.join("、")).unwrap_or_default();
            let e = per.entry(t.clone()).or_default();
            let f = if g.is_empty() || p.is_empty() { 0.0 } else { assist::eval::char_f1(&g, &p) };
            e.0 += f;
            if !g.is_empty() {
                e.1 += 1
            }
            if !p.is_empty() {
                e.2 += 1
            }
            if show.as_deref() == Some(t.as_str()) && f < 0.99 { println!("[{t}] gold {g:?} pred {p:?} | {}", input.facts.chars().take(150).collect::<String>()); }
        }
    }
    for (t, (f, ng, np)) in per { println!("{t}\tsumF1 {f:.1}\tgold {ng}\tpred {np}"); }
}

/// Term predictions with the gold charge given, as TSV: charge, seen, gold months, predicted months.
#[allow(dead_code)]
pub fn term_dump(data: &std::path::Path, file: &str) {
    let a = assist::Assistant::load(Some(std::path::Path::new("crates/assist/models"))).unwrap();
    let test = assist::data::read_cail(&data.join(file)).unwrap();
    for (i, c) in test.iter().enumerate() {
        let input = assist::CaseInput { facts: c.fact.clone(), charges: c.charges.iter().map(|x| assist::charges::plain_name(x)).collect(), articles: c.articles.clone() };
        let t = a.term(&input);
        let seen = a.term.by_charge.contains_key(&input.charges[0]);
        println!("{i}\t{}\t{}\t{}\t{}", input.charges.join("+"), seen, c.term.months_for_score(), t.term.months_for_score());
    }
}

/// Term on `test.jsonl` from models learnt on `train.jsonl` alone (as `eval` scores it), one line
/// a case: index, charges, gold months, months with the charges given, months from the facts
/// alone, circumstances found, facts.
pub fn term_held(data: &std::path::Path) {
    let own = assist::Assistant::load(Some(std::path::Path::new("crates/assist/models"))).unwrap();
    let (charges, term) = assist::data::held_out_models(data).unwrap();
    let a = assist::Assistant { charges, term, ..own };
    let test = assist::data::read_cail(&data.join("cail2018-subset/test.jsonl")).unwrap();
    for (i, c) in test.iter().enumerate() {
        let names: Vec<String> = c.charges.iter().map(|x| assist::charges::plain_name(x)).collect();
        let given = a.term(&assist::CaseInput { facts: c.fact.clone(), charges: names.clone(), articles: c.articles.clone() }).term;
        let facts = a.term(&assist::CaseInput { facts: c.fact.clone(), ..Default::default() }).term;
        let found: Vec<&str> = assist::term::circumstances(&c.fact).iter().map(|x| x.0.name).collect();
        println!("{i}\t{}\t{}\t{}\t{}\t{}\t{}", names.join("+"), c.term.months_for_score(), given.months_for_score(), facts.months_for_score(), found.join(","), c.fact.replace(['\n', '\t'], " "));
    }
}

/// Drug-sale cases of both CAIL files: gold months, heroin-equivalent grams, the sales read.
pub fn drug_sales(data: &std::path::Path) {
    for file in ["train", "test"] {
        for c in assist::data::read_cail(&data.join(format!("cail2018-subset/{file}.jsonl"))).unwrap() {
            let names = assist::statute::sentenced_charges(&c.charges);
            if names.len() != 1 || assist::charges::plain_name(&names[0]) != "走私、贩卖、运输、制造毒品" { continue; }
            let s = assist::term::drug_sales(&c.fact);
            println!("{}\t{:.2}\t{}\t{}\t{}", c.term.months_for_score(), assist::term::drug_grams(&c.fact), s.as_ref().map_or(0, |x| x.0), s.map_or(String::new(), |x| x.1), c.fact.replace(['\n', '\t'], " "));
        }
    }
}

/// Bribery cases of both CAIL files: charge, gold months, the crime amount, the bribe amount.
pub fn bribes(data: &std::path::Path) {
    for file in ["train", "test"] {
        for c in assist::data::read_cail(&data.join(format!("cail2018-subset/{file}.jsonl"))).unwrap() {
            let names = assist::statute::sentenced_charges(&c.charges);
            if names.len() != 1 || !assist::amount::is_bribery(&names[0]) { continue; }
            let crime = assist::amount::crime_amount(&c.fact).map_or(0.0, |a| a.amount);
            let bribe = assist::amount::bribe_amount(&c.fact).map_or(-1.0, |a| a.amount);
            println!("{}\t{}\t{crime}\t{bribe}\t{}", assist::charges::plain_name(&names[0]), c.term.months_for_score(), c.fact.replace(['\n', '\t'], " "));
        }
    }
}

/// Cases of both CAIL files whose facts tell of two deaths or more: charges, gold months, the
/// count and the words read.
pub fn deaths(data: &std::path::Path) {
    for file in ["train", "test"] {
        for c in assist::data::read_cail(&data.join(format!("cail2018-subset/{file}.jsonl"))).unwrap() {
            if let Some((n, why)) = assist::term::deaths(&c.fact).filter(|d| d.0 >= 2) {
                println!("{}\t{}\t{n}\t{why}", c.charges.join("+"), c.term.months_for_score());
            }
        }
    }
}

/// Each single-charge case of both CAIL files: file, charge, its first tier (lo, hi, fine alone),
/// gold months, and whether its facts ask for exemption.
pub fn tier_zeros(data: &std::path::Path) {
    let own = assist::Assistant::load(Some(std::path::Path::new("crates/assist/models"))).unwrap();
    for file in ["train", "test"] {
        for c in assist::data::read_cail(&data.join(format!("cail2018-subset/{file}.jsonl"))).unwrap() {
            let names = assist::statute::sentenced_charges(&c.charges);
            if names.len() != 1 { continue; }
            let ch = own.charges.resolve(&assist::charges::plain_name(&names[0]));
            let t = own.term.charge_tiers.get(&ch).or_else(|| c.articles.first().and_then(|a| own.term.tiers.get(a)));
            let (lo, hi, fa) = t.map_or((0, 0, false), |t| (t.lo, t.hi, t.fine_alone));
            println!("{file}\t{ch}\t{lo}\t{hi}\t{fa}\t{}\t{}", c.term.months_for_score(), assist::term::exemption_asked(&c.fact).is_some());
        }
    }
}

/// Term: 5-fold cross-validation on train.jsonl (seen charges) and the statute fallback alone
/// (every charge treated as unseen), single-charge cases, gold charge given.
#[allow(dead_code)]
pub fn term_cv(data: &std::path::Path) {
    use assist::eval::{Term, log_distance_score};
    let a = assist::Assistant::load(Some(std::path::Path::new("crates/assist/models"))).unwrap();
    let mut train = assist::data::read_cail(&data.join("cail2018-subset/train.jsonl")).unwrap();
    // ALL=1: train.jsonl and test.jsonl together (the shipped models' cases)
    if std::env::var("ALL").is_ok() {
        train.extend(assist::data::read_cail(&data.join("cail2018-subset/test.jsonl")).unwrap());
    }
    // OLD_CV=1: the single-label cases only (the set of the earlier figures)
    let old = std::env::var("OLD_CV").is_ok();
    let cases: Vec<(String, &str, Term, &[u32])> = train
        .iter()
        .filter_map(|c| {
            let names = assist::statute::sentenced_charges(&c.charges);
            (names.len() == 1 && (!old || c.charges.len() == 1)).then(|| (names[0].clone(), c.fact.as_str(), c.term, c.articles.as_slice()))
        })
        .collect();
    let mut pairs = Vec::new();
    let mut fb = Vec::new();
    let mut per: std::collections::BTreeMap<String, (f64, f64, usize)> = Default::default();
    let earlier = assist::data::criminal_law_before_2021(data).unwrap();
    for fold in 0..5 {
        let tr: Vec<(String, &str, Term)> = cases.iter().enumerate().filter(|(i, _)| i % 5 != fold).map(|(_, c)| (c.0.clone(), c.1, c.2)).collect();
        let mut m = assist::term::train_term(&tr, &a.charges, &earlier);
        env_term(&mut m, "K");
        let mut empty = m.clone();
        empty.by_charge.clear();
        for (i, c) in cases.iter().enumerate() {
            if i % 5 != fold { continue; }
            let ch = assist::charges::plain_name(&c.0);
            let p = m.predict(c.1, &ch, c.3.first().copied(), &a.charges).term;
            let q = empty.predict(c.1, &ch, c.3.first().copied(), &a.charges).term;
            pairs.push((c.2, p));
            fb.push((c.2, q));
            if std::env::var("TERM_DUMP").is_ok() {
                let found: Vec<&str> = assist::term::circumstances(c.1).iter().map(|x| x.0.name).collect();
                eprintln!("{i}\t{ch}\t{}\t{}\t{}\t{}\t{}", c.2.months_for_score(), p.months_for_score(), q.months_for_score(), found.join(","), c.1.replace(['\n', '\t'], " "));
            }
            let e = per.entry(ch).or_default();
            e.0 += log_distance_score(&[(c.2, p)]);
            e.1 += log_distance_score(&[(c.2, q)]);
            e.2 += 1;
        }
    }
    println!("cv knn {:.4}  fallback only {:.4}", log_distance_score(&pairs), log_distance_score(&fb));
    for (k, (s, f, n)) in per { println!("{n}\t{:.5}\t{:.5}\t{k}", s / n as f64, f / n as f64); }
}

/// Charges: 5-fold cross-validation on train.jsonl (centroids rebuilt without the held-out fold).
#[allow(dead_code)]
pub fn charges_cv(data: &std::path::Path) {
    use std::collections::BTreeMap;
    let labels: Vec<String> = std::fs::read_to_string(data.join("cail2018-subset/charges.txt")).unwrap().lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
    let train = assist::data::read_cail(&data.join("cail2018-subset/train.jsonl")).unwrap();
    let (criminal, _) = assist::data::read_statutes(data).unwrap();
    let mut f1 = 0.0;
    let mut conf: BTreeMap<(String, String), u32> = BTreeMap::new();
    for fold in 0..5 {
        let cases: Vec<assist::charges::ChargeCase> = train.iter().enumerate().filter(|(i, _)| i % 5 != fold).map(|(_, c)| assist::charges::ChargeCase { facts: &c.fact, charges: &c.charges, articles: &c.articles }).collect();
        let mut m = assist::charges::train_charges(&labels, &cases, &criminal);
        env_weights(&mut m.weights);
        for (i, c) in train.iter().enumerate() {
            if i % 5 != fold { continue; }
            let gold: Vec<String> = c.charges.iter().map(|x| assist::charges::plain_name(x)).collect();
            let pred: Vec<String> = m.predict(&c.fact).into_iter().map(|s| s.charge).collect();
            f1 += assist::eval::set_f1(&gold, &pred);
            for g in &gold { if !pred.contains(g) { *conf.entry((g.clone(), pred.join("+"))).or_default() += 1; } }
            for p in &pred { if !gold.contains(p) { *conf.entry((format!("[fp] {}", gold.join("+")), p.clone())).or_default() += 1; } }
        }
    }
    println!("cv F1 {:.4}", f1 / train.len() as f64);
    let mut v: Vec<_> = conf.into_iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.1));
    for ((g, p), n) in v.iter().take(25) { println!("{n}\t{g}\t-> {p}"); }
}

/// Charges without training cases, measured on train.jsonl: leave-charges-out (see the module
/// docs). Each held-out case is scored against all its gold charges (some may be seen ones).
#[allow(dead_code)]
pub fn charges_unseen(data: &std::path::Path) {
    use std::collections::{BTreeMap, HashSet};
    use assist::charges::plain_name;
    let labels: Vec<String> = std::fs::read_to_string(data.join("cail2018-subset/charges.txt")).unwrap().lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
    let train = assist::data::read_cail(&data.join("cail2018-subset/train.jsonl")).unwrap();
    let (criminal, _) = assist::data::read_statutes(data).unwrap();
    let k: usize = std::env::var("K").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let show = std::env::var("SHOW").ok();
    // training charges by frequency (ties by name), dealt round robin into k groups
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for c in &train {
        for ch in &c.charges {
            *count.entry(plain_name(ch)).or_default() += 1;
        }
    }
    let mut order: Vec<(String, usize)> = count.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    // charge -> (cases, sum charge F1, sum article F1, cases where the charge was predicted)
    let mut per: BTreeMap<String, (usize, f64, f64, usize)> = BTreeMap::new();
    let (mut f1, mut af1, mut n) = (0.0, 0.0, 0usize);
    let mut conf: BTreeMap<(String, String), u32> = BTreeMap::new();
    for g in 0..k {
        let held: HashSet<&str> = order.iter().enumerate().filter(|(i, _)| i % k == g).map(|(_, c)| c.0.as_str()).collect();
        let carries = |c: &assist::data::CailCase| c.charges.iter().any(|x| held.contains(plain_name(x).as_str()));
        let cases: Vec<assist::charges::ChargeCase> = train.iter().filter(|c| !carries(c)).map(|c| assist::charges::ChargeCase { facts: &c.fact, charges: &c.charges, articles: &c.articles }).collect();
        let mut m = assist::charges::train_charges(&labels, &cases, &criminal);
        env_weights(&mut m.weights);
        for c in train.iter().filter(|c| carries(c)) {
            let gold: Vec<String> = c.charges.iter().map(|x| plain_name(x)).collect();
            let sugg = m.predict(&c.fact);
            let pred: Vec<String> = sugg.iter().map(|s| s.charge.clone()).collect();
            let mut arts: Vec<u32> = Vec::new();
            for s in &sugg {
                for a in &s.articles {
                    if !arts.contains(a) {
                        arts.push(*a);
                    }
                }
            }
            let (cf, af) = (assist::eval::set_f1(&gold, &pred), assist::eval::set_f1(&c.articles, &arts));
            f1 += cf;
            af1 += af;
            n += 1;
            for h in gold.iter().filter(|x| held.contains(x.as_str())) {
                let e = per.entry(h.clone()).or_default();
                e.0 += 1;
                e.1 += cf;
                e.2 += af;
                e.3 += usize::from(pred.contains(h));
                if !pred.contains(h) {
                    *conf.entry((h.clone(), pred.join("+"))).or_default() += 1;
                    if show.as_deref() == Some(h.as_str()) {
                        println!("MISS {h} -> {} | {}", pred.join("+"), c.fact.chars().take(200).collect::<String>());
                    }
                }
            }
        }
    }
    let macro_f1 = per.values().map(|e| e.1 / e.0 as f64).sum::<f64>() / per.len() as f64;
    let macro_af1 = per.values().map(|e| e.2 / e.0 as f64).sum::<f64>() / per.len() as f64;
    println!("leave-charges-out (K={k}), {n} held-out cases: charges F1 {:.4}  articles F1 {:.4}  | mean over {} charges: charges {:.4}  articles {:.4}", f1 / n as f64, af1 / n as f64, per.len(), macro_f1, macro_af1);
    let mut v: Vec<_> = per.iter().collect();
    v.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    for (ch, (cn, cf, af, hit)) in v {
        println!("{cn}\tF1 {:.3}\tart {:.3}\trecall {:.3}\t{ch}", cf / *cn as f64, af / *cn as f64, *hit as f64 / *cn as f64);
    }
    let mut c: Vec<_> = conf.into_iter().collect();
    c.sort_by_key(|x| std::cmp::Reverse(x.1));
    for ((g, p), n) in c.iter().take(30) {
        println!("{n}\t{g}\t-> {p}");
    }
}

/// Dev charges and articles (facts only) from a model trained now, weights overridable.
#[allow(dead_code)]
pub fn charges_dev(data: &std::path::Path) {
    let labels: Vec<String> = std::fs::read_to_string(data.join("cail2018-subset/charges.txt")).unwrap().lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
    let train = assist::data::read_cail(&data.join("cail2018-subset/train.jsonl")).unwrap();
    let test = assist::data::read_cail(&data.join("cail2018-subset/test.jsonl")).unwrap();
    let (criminal, _) = assist::data::read_statutes(data).unwrap();
    let cases: Vec<assist::charges::ChargeCase> = train.iter().map(|c| assist::charges::ChargeCase { facts: &c.fact, charges: &c.charges, articles: &c.articles }).collect();
    let mut m = assist::charges::train_charges(&labels, &cases, &criminal);
    env_weights(&mut m.weights);
    let (mut f1, mut af1) = (0.0, 0.0);
    let mut per: std::collections::BTreeMap<String, (usize, f64)> = Default::default();
    for c in &test {
        let gold: Vec<String> = c.charges.iter().map(|x| assist::charges::plain_name(x)).collect();
        let sugg = m.predict(&c.fact);
        let pred: Vec<String> = sugg.iter().map(|s| s.charge.clone()).collect();
        let mut arts: Vec<u32> = Vec::new();
        for a in sugg.iter().flat_map(|s| s.articles.iter()) {
            if !arts.contains(a) {
                arts.push(*a);
            }
        }
        f1 += assist::eval::set_f1(&gold, &pred);
        af1 += assist::eval::set_f1(&c.articles, &arts);
        for g in &gold {
            let e = per.entry(g.clone()).or_default();
            e.0 += 1;
            e.1 += assist::eval::set_f1(&gold, &pred);
        }
    }
    if std::env::var("PER").is_ok() {
        for (g, (n, f)) in &per {
            println!("{n}\t{:.3}\t{g}", f / *n as f64);
        }
    }
    println!("dev ({} cases): charges F1 {:.4}  articles F1 {:.4}", test.len(), f1 / test.len() as f64, af1 / test.len() as f64);
}

/// Term parameter overrides from the environment: the neighbour count from `k_var`, and
/// `FLAG_W`, `HARM_W`, `BLEND`, `LEN_W`, `STATUTE_W`, `MEDIAN` (0/1), `TAU`.
fn env_term(m: &mut assist::term::TermModel, k_var: &str) {
    let env = |k: &str, d: f32| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    m.k = env(k_var, m.k as f32) as usize;
    m.params.flag_w = env("FLAG_W", m.params.flag_w);
    m.params.harm_w = env("HARM_W", m.params.harm_w);
    m.params.blend = env("BLEND", m.params.blend);
    m.params.len_w = env("LEN_W", m.params.len_w);
    m.params.statute_w = env("STATUTE_W", m.params.statute_w);
    m.params.median = env("MEDIAN", if m.params.median { 1.0 } else { 0.0 }) > 0.5;
    m.params.tau = env("TAU", m.params.tau);
}

/// Overrides of the charge score weights from the environment (W_CENTROID, W_PROFILE, W_NAME,
/// W_CUE, SECOND_RATIO, CUE_RATIO), for the measuring subcommands.
fn env_weights(w: &mut assist::charges::ChargeWeights) {
    let env = |k: &str, d: f32| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    w.centroid = env("W_CENTROID", w.centroid);
    w.profile = env("W_PROFILE", w.profile);
    w.name = env("W_NAME", w.name);
    w.cue = env("W_CUE", w.cue);
    w.second_ratio = env("SECOND_RATIO", w.second_ratio);
    w.cue_ratio = env("CUE_RATIO", w.cue_ratio);
}

/// Charges, articles and term: `K`-fold cross-validation over train.jsonl and test.jsonl
/// together (`assist::data::cross_validate`; default 5 folds), with the charge weight overrides
/// of `env_weights` and `env_term` (the neighbour count as `TERM_K`).
#[allow(dead_code)]
pub fn cv_all(data: &std::path::Path) {
    let a = assist::Assistant::load(None).unwrap();
    let k = std::env::var("K").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let adjust = |c: &mut assist::charges::ChargeModel, t: &mut assist::term::TermModel| {
        env_weights(&mut c.weights);
        env_term(t, "TERM_K");
    };
    for r in assist::data::cross_validate_with(a, data, k, &adjust).unwrap() {
        println!("{:.2}\t{}\t{}\t{}", r.score * 100.0, r.task, r.metric, r.set);
    }
}

/// The term of every case of the CAIL cross-validation (case `i` in fold `i % K`), from the facts
/// alone and with the charges given, one per line: index, gold charges, predicted charges, gold
/// months, months given the charges, months from the facts, the first 200 characters.
pub fn term_facts_dump(data: &std::path::Path) {
    let a = assist::Assistant::load(None).unwrap();
    let k = std::env::var("K").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let models = std::cell::RefCell::new(Vec::new());
    assist::data::cross_validate_with(a, data, k, &|c, t| models.borrow_mut().push((c.clone(), t.clone()))).unwrap();
    let mut all = assist::data::read_cail(&data.join("cail2018-subset/train.jsonl")).unwrap();
    all.extend(assist::data::read_cail(&data.join("cail2018-subset/test.jsonl")).unwrap());
    let mut a = assist::Assistant::load(None).unwrap();
    for (i, c) in all.iter().enumerate() {
        (a.charges, a.term) = models.borrow()[i % k].clone();
        let gold: Vec<String> = c.charges.iter().map(|x| assist::charges::plain_name(x)).collect();
        let pred: Vec<String> = a.charges.predict(&c.fact).into_iter().map(|s| if std::env::var("SCORES").is_ok() { format!("{}:{:.2}", s.charge, s.score) } else { s.charge }).collect();
        let given = a.term(&assist::CaseInput { facts: c.fact.clone(), charges: gold.clone(), articles: c.articles.clone() }).term;
        let facts = a.term(&assist::CaseInput { facts: c.fact.clone(), ..Default::default() }).term;
        println!("{i}\t{}\t{}\t{}\t{}\t{}\t{}", gold.join("+"), pred.join("+"), c.term.months_for_score(), given.months_for_score(), facts.months_for_score(), c.fact.chars().take(200).collect::<String>().replace(['\n', '\t'], " "));
    }
}

/// The charge confusions of the CAIL cross-validation (train.jsonl then test.jsonl, case `i` in
/// fold `i % K`), as `confusion` prints them; with `SHOW=gold>pred`, those cases' indices and
/// first 300 characters.
pub fn cv_confusion(data: &std::path::Path) {
    use std::collections::BTreeMap;
    let a = assist::Assistant::load(None).unwrap();
    let k = std::env::var("K").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let models = std::cell::RefCell::new(Vec::new());
    assist::data::cross_validate_with(a, data, k, &|c, _| models.borrow_mut().push(c.clone())).unwrap();
    let mut all = assist::data::read_cail(&data.join("cail2018-subset/train.jsonl")).unwrap();
    all.extend(assist::data::read_cail(&data.join("cail2018-subset/test.jsonl")).unwrap());
    let show = std::env::var("SHOW").ok();
    let mut m: BTreeMap<(String, String), u32> = BTreeMap::new();
    for (i, c) in all.iter().enumerate() {
        let gold: Vec<String> = c.charges.iter().map(|x| assist::charges::plain_name(x)).collect();
        let pred: Vec<String> = models.borrow()[i % k].predict(&c.fact).into_iter().map(|s| s.charge).collect();
        for g in &gold {
            if !pred.contains(g) {
                *m.entry((g.clone(), pred.join("+"))).or_default() += 1;
            }
        }
        for p in &pred {
            if !gold.contains(p) {
                *m.entry((format!("[fp] {}", gold.join("+")), p.clone())).or_default() += 1;
            }
        }
        if show.as_deref() == Some(&format!("{}>{}", gold.join("+"), pred.join("+"))) {
            println!("#{i}\t{}", c.fact.chars().take(300).collect::<String>());
        }
        if std::env::var("DUMP").is_ok() {
            eprintln!("{i}\t{}\t{}", gold.join("+"), pred.join("+"));
        }
    }
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.1));
    for ((g, p), n) in v.iter().take(50) {
        println!("{n}\t{g}\t-> {p}");
    }
}

/// Charges on `test.jsonl` from the models `eval` scores it with (`held_out_models`), one line a
/// case whose charges differ: index, gold, suggested.
pub fn charges_held(data: &std::path::Path) {
    let (charges, _) = assist::data::held_out_models(data).unwrap();
    for (i, c) in assist::data::read_cail(&data.join("cail2018-subset/test.jsonl")).unwrap().iter().enumerate() {
        let gold: Vec<String> = c.charges.iter().map(|x| assist::charges::plain_name(x)).collect();
        let pred: Vec<String> = charges.predict(&c.fact).into_iter().map(|s| s.charge).collect();
        if assist::eval::set_f1(&gold, &pred) < 1.0 {
            println!("{i}\t{}\t{}", gold.join("+"), pred.join("+"));
        }
    }
}

/// Charges on `article_prediction.jsonl` by 5-fold cross-validation (as `eval` scores them), with
/// the weight overrides of `env_weights`: the F1 and, with `SHOW=1`, every item whose charges
/// differ (index, gold, suggested).
pub fn judged_cv(data: &std::path::Path) {
    let mut a = assist::Assistant::load(None).unwrap();
    let k = std::env::var("K").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let models = std::cell::RefCell::new(Vec::new());
    let ans = assist::data::judged_answers(&mut a, data, k, None, &|c| {
        env_weights(&mut c.weights);
        models.borrow_mut().push(c.clone());
    })
    .unwrap();
    let n = ans.items.len() as f64;
    if let Ok(only) = std::env::var("WHY") {
        // the reasons of the fold's model for the listed items
        let rows: Vec<serde_json::Value> = std::fs::read_to_string(data.join("judgments-dev/article_prediction.jsonl")).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        for i in only.split(',').filter_map(|x| x.parse::<usize>().ok()) {
            let input = assist::CaseInput::parse(rows[i]["input"].as_str().unwrap());
            println!("#{i} gold {}", ans.items[i].0.join("+"));
            for s in models.borrow()[i % k].predict(&input.facts) {
                println!("  {} {:.3}", s.charge, s.score);
                for r in &s.reasons {
                    println!("      {}", r.text.chars().take(140).collect::<String>());
                }
            }
        }
    }
    if std::env::var("SHOW").is_ok() {
        for (i, (g, p, _, _)) in ans.items.iter().enumerate() {
            if assist::eval::set_f1(g, p) < 1.0 {
                println!("{i}\t{}\t{}", g.join("+"), p.join("+"));
            }
        }
    }
    if std::env::var("BY_SEEN").is_ok() {
        // split by whether every gold charge has CAIL training cases (train.jsonl or test.jsonl)
        let mut seen = std::collections::BTreeSet::new();
        for f in ["cail2018-subset/train.jsonl", "cail2018-subset/test.jsonl"] {
            for c in assist::data::read_cail(&data.join(f)).unwrap() {
                seen.extend(c.charges.iter().map(|x| assist::charges::plain_name(x)));
            }
        }
        let (mut s, mut sn, mut u, mut un) = (0.0, 0, 0.0, 0);
        for (i, (g, p, _, _)) in ans.items.iter().enumerate() {
            let f = assist::eval::set_f1(g, p);
            if g.iter().all(|x| seen.contains(x)) {
                s += f;
                sn += 1;
            } else {
                u += f;
                un += 1;
                println!("unseen {i}\t{:.2}\t{}\t{}", f, g.join("+"), p.join("+"));
            }
        }
        println!("seen charges {sn}: {:.2}  unseen {un}: {:.2}", s / sn as f64 * 100.0, u / un.max(1) as f64 * 100.0);
    }
    let f1 = ans.items.iter().map(|x| assist::eval::set_f1(&x.0, &x.1)).sum::<f64>() / n;
    let af1 = ans.items.iter().map(|x| assist::eval::set_f1(&x.2, &x.3)).sum::<f64>() / n;
    println!("charges F1 {:.2}  articles F1 {:.2}", f1 * 100.0, af1 * 100.0);
}

/// Term on the multi-charge training cases (out of sample: the neighbours are single-charge
/// cases), gold charges given.
#[allow(dead_code)]
pub fn term_multi(data: &std::path::Path) {
    let mut a = assist::Assistant::load(Some(std::path::Path::new("crates/assist/models"))).unwrap();
    if std::env::var("NO_LADDER").is_ok() {
        a.term.amount_ladders.clear();
    }
    let train = assist::data::read_cail(&data.join("cail2018-subset/train.jsonl")).unwrap();
    let mut pairs = Vec::new();
    let mut per: std::collections::BTreeMap<String, Vec<(assist::eval::Term, assist::eval::Term)>> = Default::default();
    for c in train.iter().filter(|c| assist::statute::sentenced_charges(&c.charges).len() > 1) {
        let mut input = assist::CaseInput { facts: c.fact.clone(), charges: c.charges.iter().map(|x| assist::charges::plain_name(x)).collect(), articles: c.articles.clone() };
        if std::env::var("FIRST").is_ok() {
            input.charges.truncate(1);
        }
        let p = a.term(&input).term;
        pairs.push((c.term, p));
        per.entry(input.charges.join("+")).or_default().push((c.term, p));
    }
    if std::env::var("PER").is_ok() {
        for (k, v) in &per {
            if v.len() >= 3 {
                println!("{}\t{:.3}\t{k}", v.len(), assist::eval::log_distance_score(v));
            }
        }
    }
    println!("multi-charge train cases {}: {:.4}", pairs.len(), assist::eval::log_distance_score(&pairs));
}

/// Term features as TSV for exploration: index, charges, gold months, log amount, flags, harm,
/// amount graded, tier lo/hi/fine_alone, statutory estimate.
#[allow(dead_code)]
pub fn term_feat(data: &std::path::Path, file: &str) {
    let a = assist::Assistant::load(Some(std::path::Path::new("crates/assist/models"))).unwrap();
    let test = assist::data::read_cail(&data.join(file)).unwrap();
    for (i, c) in test.iter().enumerate() {
        let ch = assist::charges::plain_name(&c.charges[0]);
        let f = assist::term::case_features(&c.fact, &ch);
        let (est, tier) = a.term.statute_only(&c.fact, &ch, c.articles.first().copied(), &a.charges);
        let t = tier.unwrap_or(assist::term::Tier { lo: 0, hi: 0, fine_alone: false });
        let names: Vec<String> = c.charges.iter().map(|x| assist::charges::plain_name(x)).collect();
        println!("{i}\t{}\t{}\t{:.4}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.2}\t{}", names.join("+"), c.term.months_for_score(), f.log_q, f.flags, f.harm,
            assist::term::amount_graded(&ch, &a.charges) as u8, t.lo, t.hi, t.fine_alone as u8, est, c.articles.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(","));
    }
}

/// Term from the facts alone (charges predicted) on train.jsonl by 5-fold cross-validation: the
/// charge model and the term model rebuilt without the held-out fold; every case of the fold
/// (multi-charge ones too). Prints the facts-only score and, for comparison, the score with the
/// gold charges given.
#[allow(dead_code)]
pub fn term_facts_cv(data: &std::path::Path) {
    use assist::eval::log_distance_score;
    let mut a = assist::Assistant::load(Some(std::path::Path::new("crates/assist/models"))).unwrap();
    let labels: Vec<String> = std::fs::read_to_string(data.join("cail2018-subset/charges.txt")).unwrap().lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
    let train = assist::data::read_cail(&data.join("cail2018-subset/train.jsonl")).unwrap();
    let (criminal, _) = assist::data::read_statutes(data).unwrap();
    let earlier = assist::data::criminal_law_before_2021(data).unwrap();
    let (mut facts_only, mut given) = (Vec::new(), Vec::new());
    for fold in 0..5 {
        let cases: Vec<assist::charges::ChargeCase> = train.iter().enumerate().filter(|(i, _)| i % 5 != fold).map(|(_, c)| assist::charges::ChargeCase { facts: &c.fact, charges: &c.charges, articles: &c.articles }).collect();
        a.charges = assist::charges::train_charges(&labels, &cases, &criminal);
        let tc: Vec<(String, &str, assist::eval::Term)> = train
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 5 != fold)
            .filter_map(|(_, c)| {
                let names = assist::statute::sentenced_charges(&c.charges);
                (names.len() == 1).then(|| (names[0].clone(), c.fact.as_str(), c.term))
            })
            .collect();
        a.term = assist::term::train_term(&tc, &a.charges, &earlier);
        for (i, c) in train.iter().enumerate() {
            if i % 5 != fold {
                continue;
            }
            facts_only.push((c.term, a.term(&assist::CaseInput { facts: c.fact.clone(), ..Default::default() }).term));
            let input = assist::CaseInput { facts: c.fact.clone(), charges: c.charges.iter().map(|x| assist::charges::plain_name(x)).collect(), articles: c.articles.clone() };
            given.push((c.term, a.term(&input).term));
        }
    }
    println!("train 5-fold, all {} cases: facts only {:.4}  charges given {:.4}", train.len(), log_distance_score(&facts_only), log_distance_score(&given));
}

/// Amount accuracy and entity soft F1 on the even and odd halves of the dev files.
#[allow(dead_code)]
pub fn halves(data: &std::path::Path) {
    use std::collections::BTreeMap;
    let show = std::env::var("SHOW").ok();
    let a = assist::Assistant::load(None).unwrap();
    let ca = assist::data::read_jsonl(&data.join("judgments-dev/crime_amount.jsonl")).unwrap();
    let mut ok = [0usize; 2];
    let mut n = [0usize; 2];
    for (i, v) in ca.iter().enumerate() {
        let input = assist::CaseInput::parse(v["input"].as_str().unwrap_or(""));
        let p = assist::amount::crime_amount(&input.facts).map(|x| x.amount).unwrap_or(0.0);
        let g: f64 = v["answer"].as_str().unwrap_or("").split_once(':').map(|x| x.1).unwrap_or("").trim_end_matches("元。").parse().unwrap_or(f64::NAN);
        n[i % 2] += 1;
        if (g - p).abs() < 0.005 {
            ok[i % 2] += 1;
        } else if i % 2 == 0 && show.as_deref() == Some("amount") {
            println!("#{i} gold {g} pred {p}\n{}\n", input.facts);
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!("amount   even {:.2}  odd {:.2}  all {:.2}", pct(ok[0], n[0]), pct(ok[1], n[1]), pct(ok[0] + ok[1], n[0] + n[1]));
    let te = assist::data::read_jsonl(&data.join("judgments-dev/theft_entities.jsonl")).unwrap();
    let mut sum = [0.0f64; 2];
    let mut cnt = [0usize; 2];
    // type -> half -> (sum char F1, gold count, pred count)
    let mut per: BTreeMap<String, [(f64, u32, u32); 2]> = BTreeMap::new();
    for (i, v) in te.iter().enumerate() {
        let h = i % 2;
        let input = assist::CaseInput::parse(v["input"].as_str().unwrap_or(""));
        let gold = assist::data::parse_entities(v["answer"].as_str().unwrap_or(""));
        let pred = a.entities.extract(&input.facts).by_type;
        sum[h] += assist::eval::entity_soft_f1(&gold, &pred);
        cnt[h] += 1;
        let mut types: Vec<&String> = gold.keys().chain(pred.keys()).collect();
        types.sort();
        types.dedup();
        for t in types {
            let g = gold.get(t).map(|x| x.join("、")).unwrap_or_default();
            let p = pred.get(t).map(|x| x.join("、")).unwrap_or_default();
            if g.is_empty() && p.is_empty() {
                continue;
            }
            let f = if g.is_empty() || p.is_empty() { 0.0 } else { assist::eval::char_f1(&g, &p) };
            let e = &mut per.entry(t.clone()).or_default()[h];
            e.0 += f;
            e.1 += u32::from(!g.is_empty());
            e.2 += u32::from(!p.is_empty());
            if h == 0 && show.as_deref() == Some(t.as_str()) && f < 0.99 {
                println!("#{i} [{t}] gold {g:?} pred {p:?} | {}", input.facts);
            }
        }
    }
    println!("entities even {:.2}  odd {:.2}  all {:.2}", 100.0 * sum[0] / cnt[0] as f64, 100.0 * sum[1] / cnt[1] as f64, 100.0 * (sum[0] + sum[1]) / (cnt[0] + cnt[1]) as f64);
    for (t, hs) in per {
        let f = |e: (f64, u32, u32)| if e.1 + e.2 == 0 { 0.0 } else { 200.0 * e.0 / (e.1 + e.2) as f64 };
        println!("  {t}\teven {:.1} (gold {} pred {})\todd {:.1} (gold {} pred {})", f(hs[0]), hs[0].1, hs[0].2, f(hs[1]), hs[1].1, hs[1].2);
    }
}

/// Persons, places and times against the drug-case paragraphs' gold spans, sentence by sentence.
#[allow(dead_code)]
pub fn ner_drug(data: &std::path::Path) {
    use std::collections::BTreeMap;
    let show = std::env::var("SHOW").ok();
    let a = assist::Assistant::load(None).unwrap();
    let items = assist::data::read_jsonl(&data.join("ner-drug/train.json")).unwrap();
    let labels = [("Nh", &["犯罪嫌疑人", "受害人"][..]), ("Ns", &["地点"][..]), ("NT", &["时间"][..])];
    // label -> (sum soft F1 over sentences where gold or pred has it, sentences)
    let mut per: BTreeMap<&str, (f64, u32)> = BTreeMap::new();
    let mut total = (0.0, 0u32);
    for it in &items {
        let text: Vec<char> = it["sentText"].as_str().unwrap_or("").chars().collect();
        let spans: Vec<(usize, usize, String, String)> = it["entityMentions"].as_array().map(|v| v.iter().map(|m| (m["start"].as_u64().unwrap_or(0) as usize, m["end"].as_u64().unwrap_or(0) as usize, m["label"].as_str().unwrap_or("").to_string(), m["text"].as_str().unwrap_or("").to_string())).collect()).unwrap_or_default();
        // sentences: up to and including each 。
        let mut s0 = 0;
        for e in 0..text.len() {
            if text[e] != '。' && e + 1 != text.len() {
                continue;
            }
            let sent: String = text[s0..=e].iter().collect();
            let mut gold: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let mut pred: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let out = a.entities.extract(&sent).by_type;
            for (lab, types) in labels {
                let mut g: Vec<String> = spans.iter().filter(|x| x.2 == lab && x.0 >= s0 && x.1 <= e + 1).map(|x| x.3.clone()).collect();
                g.dedup();
                let mut p: Vec<String> = types.iter().flat_map(|t| out.get(*t).cloned().unwrap_or_default()).collect();
                let mut seen = std::collections::HashSet::new();
                p.retain(|x| seen.insert(x.clone()));
                let mut gs = std::collections::HashSet::new();
                g.retain(|x| gs.insert(x.clone()));
                if g.is_empty() && p.is_empty() {
                    continue;
                }
                let mut g1 = BTreeMap::new();
                g1.insert(lab.to_string(), g.clone());
                let mut p1 = BTreeMap::new();
                p1.insert(lab.to_string(), p.clone());
                let f = if g.is_empty() || p.is_empty() { 0.0 } else { assist::eval::entity_soft_f1(&g1, &p1) };
                let x = per.entry(lab).or_default();
                x.0 += f;
                x.1 += 1;
                if show.as_deref() == Some(lab) && f < 0.99 {
                    println!("[{lab}] gold {g:?} pred {p:?} | {sent}");
                }
                gold.insert(lab.to_string(), g);
                pred.insert(lab.to_string(), p);
            }
            if !gold.values().all(|v| v.is_empty()) || !pred.values().all(|v| v.is_empty()) {
                total.0 += assist::eval::entity_soft_f1(&gold, &pred);
                total.1 += 1;
            }
            s0 = e + 1;
        }
    }
    for (lab, (f, n)) in &per {
        println!("{lab}\t{:.2}\t({n} sentences)", 100.0 * f / *n as f64);
    }
    println!("all three\t{:.2}\t({} sentences)", 100.0 * total.0 / total.1 as f64, total.1);
}

/// Sums rewritten in other formats: how many crime-amount answers change.
#[allow(dead_code)]
pub fn amount_formats(data: &std::path::Path) {
    fn cn(n: u64) -> String {
        const D: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
        if n == 0 {
            return "零".into();
        }
        let mut out = String::new();
        let mut n = n;
        let mut zero = false;
        for (u, c) in [(10_000u64, '万'), (1000, '千'), (100, '百'), (10, '十')] {
            let q = n / u;
            if q > 0 {
                if zero {
                    out.push('零');
                    zero = false;
                }
                if u == 10_000 { out.push_str(&cn(q)) } else { out.push(D[q as usize]) }
                out.push(c);
                n %= u;
            } else if !out.is_empty() {
                zero = true;
            }
        }
        if n > 0 {
            if zero && !out.is_empty() {
                out.push('零');
            }
            out.push(D[n as usize]);
        }
        out
    }
    // replace every `<digits>元` (two or more digits, not part of a decimal) by `f(digits)元`
    fn rewrite(text: &str, f: &dyn Fn(u64) -> Option<String>) -> String {
        let ch: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < ch.len() {
            if ch[i].is_ascii_digit() && (i == 0 || !(ch[i - 1].is_ascii_digit() || ch[i - 1] == '.')) {
                let mut j = i;
                while j < ch.len() && ch[j].is_ascii_digit() {
                    j += 1;
                }
                let digits: String = ch[i..j].iter().collect();
                if j - i >= 2 && ch.get(j) == Some(&'元')
                    && let Some(r) = digits.parse().ok().and_then(f)
                {
                    out.push_str(&r);
                    i = j;
                    continue;
                }
                out.push_str(&digits);
                i = j;
                continue;
            }
            out.push(ch[i]);
            i += 1;
        }
        out
    }
    let ca = assist::data::read_jsonl(&data.join("judgments-dev/crime_amount.jsonl")).unwrap();
    let texts: Vec<String> = ca.iter().map(|v| assist::CaseInput::parse(v["input"].as_str().unwrap_or("")).facts).collect();
    let answer = |t: &str| assist::amount::crime_amount(t).map(|x| x.amount).unwrap_or(0.0);
    let base: Vec<f64> = texts.iter().map(|t| answer(t)).collect();
    let group = |n: u64| {
        let s = n.to_string();
        let mut g = String::new();
        for (k, c) in s.chars().enumerate() {
            if k > 0 && (s.len() - k).is_multiple_of(3) {
                g.push(',');
            }
            g.push(c);
        }
        g
    };
    let formats: [(&str, Box<dyn Fn(u64) -> Option<String>>); 4] = [
        ("17,000元", Box::new(move |n| (n >= 1000).then(|| group(n)))),
        ("17000.00元", Box::new(|n| Some(format!("{n}.00")))),
        ("1.7万元", Box::new(|n| (n >= 10_000 && n % 1000 == 0).then(|| format!("{}万", n as f64 / 10_000.0)))),
        ("一万七千元", Box::new(move |n| (n < 100_000_000).then(|| cn(n)))),
    ];
    for (name, f) in formats.iter() {
        let changed: Vec<usize> = texts.iter().enumerate().filter(|(i, t)| (answer(&rewrite(t, f.as_ref())) - base[*i]).abs() >= 0.005).map(|(i, _)| i).collect();
        println!("{name}\t{} of {} answers change {:?}", changed.len(), texts.len(), changed);
    }
}

/// Sentences rewritten in other masking and role conventions: how many entity answers change.
#[allow(dead_code)]
pub fn entity_formats(data: &std::path::Path) {
    let a = assist::Assistant::load(None).unwrap();
    let te = assist::data::read_jsonl(&data.join("judgments-dev/theft_entities.jsonl")).unwrap();
    let texts: Vec<String> = te.iter().map(|v| assist::CaseInput::parse(v["input"].as_str().unwrap_or("")).facts).collect();
    for (from, to) in [("某某", "XX"), ("被告人", "犯罪嫌疑人"), ("**", "××")] {
        let mut changed = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            let base = a.entities.extract(t).by_type;
            let other = a.entities.extract(&t.replace(from, to)).by_type;
            let mapped: std::collections::BTreeMap<String, Vec<String>> = base.into_iter().map(|(k, v)| (k, v.into_iter().map(|x| x.replace(from, to)).collect())).collect();
            if mapped != other {
                changed.push(i);
            }
        }
        println!("{from} -> {to}\t{} of {} sentences change {:?}", changed.len(), texts.len(), changed);
    }
}

/// The first stage's eight best charges for each `input` of a JSONL file (facts only): total
/// score, centroid, profile and cue components, then the suggestions.
pub fn rank_dump(file: &std::path::Path) {
    let a = assist::Assistant::load(None).unwrap();
    for line in std::fs::read_to_string(file).unwrap().lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let input = assist::CaseInput::parse(v["input"].as_str().unwrap_or(""));
        for (i, s, c, p, q) in a.charges.rank(&input.facts).into_iter().take(8) {
            println!("  {:.3}\t{c:.3}\t{p:.3}\t{q:.2}\t{}", s, a.charges.charges[i].name);
        }
        let got: Vec<String> = a.charges.predict(&input.facts).into_iter().map(|x| x.charge).collect();
        println!("=> {}", got.join("+"));
    }
}
