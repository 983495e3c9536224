//! The edges: reading development data (JSON lines, the statute database) for training and
//! evaluation. Nothing here is used when suggestions are made.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use crate::charges::{ChargeCase, train_charges};
use crate::eval::{self, Term};
use crate::{AssistError, Assistant, TrainReport};

/// The text of one input line: its `input` field, or `fact` as in CAIL.
pub fn input_text(line: &str) -> Result<String, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let obj = v.as_object().ok_or("not a JSON object")?;
    match obj.get("input").or_else(|| obj.get("fact")) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err("field input (or fact) is not a string".into()),
        None => Err("missing field input (or fact)".into()),
    }
}

/// Article numbers in `刑法第264条、刑法第341条` or `刑法第303、234条` (Arabic or Chinese numerals).
pub fn article_numbers(s: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(p) = rest.find('第') {
        let after = &rest[p + '第'.len_utf8()..];
        let end = after.find('条').unwrap_or(0);
        for num in after[..end].split(['、', ',', '，']) {
            let v = num.trim().parse::<u32>().ok().or_else(|| crate::numerals::parse_cn_integer(num.trim()).map(|x| x as u32));
            if let Some(v) = v
                && !out.contains(&v)
            {
                out.push(v);
            }
        }
        rest = after;
    }
    out
}

/// A data file, or an error naming it.
pub fn require(dir: &Path, rel: &str) -> Result<PathBuf, AssistError> {
    let p = dir.join(rel);
    if p.is_file() { Ok(p) } else { Err(AssistError::MissingData(p.display().to_string())) }
}

pub fn read_jsonl(p: &Path) -> Result<Vec<Value>, AssistError> {
    let text = std::fs::read_to_string(p)?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| AssistError::Input { line: i + 1, message: format!("{}: {e}", p.display()) }))
        .collect()
}

/// A CAIL case.
pub struct CailCase {
    pub fact: String,
    pub charges: Vec<String>,
    pub articles: Vec<u32>,
    pub term: Term,
}

pub fn read_cail(p: &Path) -> Result<Vec<CailCase>, AssistError> {
    Ok(read_jsonl(p)?
        .into_iter()
        .map(|v| {
            let m = &v["meta"];
            let t = &m["term_of_imprisonment"];
            let term = if t["death_penalty"].as_bool() == Some(true) {
                Term::Death
            } else if t["life_imprisonment"].as_bool() == Some(true) {
                Term::Life
            } else {
                Term::Months(t["imprisonment"].as_u64().unwrap_or(0) as u32)
            };
            CailCase {
                fact: v["fact"].as_str().unwrap_or("").to_string(),
                charges: m["accusation"].as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default(),
                articles: m["relevant_articles"].as_array().map(|a| a.iter().filter_map(|x| x.as_u64().map(|n| n as u32)).collect()).unwrap_or_default(),
                term,
            }
        })
        .collect())
}

/// A judgment of `judgments-dev/article_prediction.jsonl` as the charge model learns it: the
/// facts, the charges its input names (`罪名:受贿。`) and the articles of its answer. The file
/// covers 149 charge sets, most of them common charges the CAIL subset lacks (受贿, 职务侵占,
/// 掩饰、隐瞒犯罪所得…); it has no prison terms.
pub struct ChargeItem {
    pub fact: String,
    pub charges: Vec<String>,
    pub articles: Vec<u32>,
}

/// The file of judgments the charge model learns beside the CAIL cases.
pub const CHARGE_ITEMS_FILE: &str = "judgments-dev/article_prediction.jsonl";

pub fn read_charge_items(p: &Path) -> Result<Vec<ChargeItem>, AssistError> {
    read_jsonl(p)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let input = crate::CaseInput::parse(v["input"].as_str().unwrap_or(""));
            if input.charges.is_empty() {
                return Err(AssistError::Input { line: i + 1, message: format!("{}: the input names no charge (罪名:)", p.display()) });
            }
            Ok(ChargeItem { fact: input.facts, charges: input.charges, articles: article_numbers(v["answer"].as_str().unwrap_or("")) })
        })
        .collect()
}

/// Criminal Law article texts by number (之一/之二 variants joined), and all statute texts.
pub fn read_statutes(dir: &Path) -> Result<(BTreeMap<u32, String>, Vec<String>), AssistError> {
    let p = require(dir, "statutes/laws.db")?;
    let db = crate::sqlite::Database::from_bytes(std::fs::read(&p)?)?;
    let rows = db.table("articles")?;
    let mut criminal: BTreeMap<u32, String> = BTreeMap::new();
    let mut all = Vec::new();
    // columns: id, law_id, law_name, law_department, level, status, chapter, section,
    // article_no, article_no_arabic, article_text, char_count
    let mut rows: Vec<_> = rows.into_iter().collect();
    rows.sort_by_key(|r| r.0);
    for (_, r) in rows {
        let law = r.get(2).and_then(|v| v.as_text()).unwrap_or("");
        let text = r.get(10).and_then(|v| v.as_text()).unwrap_or("").to_string();
        if law == "中华人民共和国刑法"
            && let Some(n) = r.get(9).and_then(|v| v.as_int())
        {
            let e = criminal.entry(n as u32).or_default();
            if !e.is_empty() {
                e.push('\n');
            }
            e.push_str(&text);
        }
        all.push(text);
    }
    if criminal.is_empty() {
        return Err(AssistError::Model("no Criminal Law articles in laws.db".into()));
    }
    Ok((criminal, all))
}

/// The amendment whose changes [`criminal_law_before_2021`] takes back (in force from 2021-03-01,
/// its 第四十八条).
pub const AMENDMENT_XI: &str = "中华人民共和国刑法修正案（十一）";

/// The Criminal Law articles as they stood before the Eleventh Amendment (in force from
/// 2021-03-01), for the articles it rewrote: an offence committed before then is judged under
/// the law of its time unless the new law is lighter (刑法第12条), and the judgments of the
/// training and development data (2013–2018) were all sentenced under it. Each paragraph the
/// amendment rewrote is taken back from the latest earlier amendment in `laws.db` that wrote
/// it (`将刑法第一百六十三条修改为…`, 修正案（六）), else from the 1997 text
/// ([`crate::statute::CRIMINAL_LAW_1997`]); a paragraph it added is dropped. Keys and joining
/// as in [`read_statutes`]; only the articles whose text differs are returned.
pub fn criminal_law_before_2021(dir: &Path) -> Result<BTreeMap<u32, String>, AssistError> {
    let p = require(dir, "statutes/laws.db")?;
    let db = crate::sqlite::Database::from_bytes(std::fs::read(&p)?)?;
    // law_id → version date
    let dates: BTreeMap<String, String> = db
        .table("laws")?
        .into_iter()
        .filter_map(|(_, r)| Some((r.first()?.as_text()?.to_string(), r.get(7)?.as_text()?.to_string())))
        .collect();
    let mut rows: Vec<_> = db.table("articles")?.into_iter().collect();
    rows.sort_by_key(|r| r.0);
    // current articles: (number, article_no text, paragraphs)
    let mut current: Vec<(u32, String, Vec<String>)> = Vec::new();
    // amendment items: (version date, text), in date order
    let mut items: Vec<(String, String)> = Vec::new();
    let mut xi_date = None;
    for (_, r) in &rows {
        let law = r.get(2).and_then(|v| v.as_text()).unwrap_or("");
        let text = r.get(10).and_then(|v| v.as_text()).unwrap_or("");
        if law == "中华人民共和国刑法" {
            if let (Some(n), Some(no)) = (r.get(9).and_then(|v| v.as_int()), r.get(8).and_then(|v| v.as_text())) {
                current.push((n as u32, no.to_string(), text.split('\n').map(String::from).collect()));
            }
        } else if law.starts_with("中华人民共和国刑法修正案") {
            let date = r.get(1).and_then(|v| v.as_text()).and_then(|id| dates.get(id)).cloned().unwrap_or_default();
            if law == AMENDMENT_XI {
                xi_date = Some(date.clone());
            }
            items.push((date, text.to_string()));
        }
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let Some(xi_date) = xi_date else { return Ok(BTreeMap::new()) };
    let mut changed: BTreeMap<u32, bool> = BTreeMap::new();
    for (n, no, paras) in current.iter_mut() {
        for (date, item) in items.iter().filter(|(d, _)| *d == xi_date) {
            let Some(target) = amended_target(item, no) else { continue };
            match target {
                Amend::Added(k) => {
                    if let Some(i) = paragraph_index(paras, k) {
                        let end = paragraph_end(paras, i);
                        paras.drain(i..end);
                        changed.insert(*n, true);
                    }
                }
                Amend::Rewritten(k) => {
                    // the latest earlier text of the same article (whole) or paragraph
                    let earlier = items.iter().rev().filter(|(d, _)| d < date).find_map(|(_, t)| match amended_target(t, no) {
                        Some(Amend::Rewritten(None) | Amend::New) => Some(amendment_body(t)),
                        Some(Amend::Rewritten(j)) if j == k && k.is_some() => Some(amendment_body(t)),
                        _ => None,
                    });
                    let earlier = earlier.or_else(|| crate::statute::CRIMINAL_LAW_1997.iter().find(|(a, _)| a == no).map(|(_, t)| t.split('\n').map(String::from).collect()));
                    let Some(old) = earlier else { continue };
                    match k {
                        None => *paras = old,
                        Some(k) => {
                            // the old text is the whole article, or the paragraph alone
                            let old_para = if old.iter().filter(|p| !p.starts_with('（')).count() > 1 {
                                let Some(i) = paragraph_index(&old, k) else { continue };
                                old[i..paragraph_end(&old, i)].to_vec()
                            } else {
                                old
                            };
                            let Some(i) = paragraph_index(paras, k) else { continue };
                            let end = paragraph_end(paras, i);
                            paras.splice(i..end, old_para);
                        }
                    }
                    changed.insert(*n, true);
                }
                Amend::New => {
                    // an article the amendment created did not exist before it
                    paras.clear();
                    changed.insert(*n, true);
                }
            }
        }
    }
    let mut out: BTreeMap<u32, String> = BTreeMap::new();
    for (n, _, paras) in &current {
        if !changed.contains_key(n) || paras.is_empty() {
            continue;
        }
        let e = out.entry(*n).or_default();
        if !e.is_empty() {
            e.push('\n');
        }
        e.push_str(&paras.join("\n"));
    }
    Ok(out)
}

/// What an amendment item does to an article (`article_no` as `laws.db` writes it, e.g.
/// `第一百七十五条之一`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Amend {
    /// `将刑法第…条修改为` (None) or `将刑法第…条第二款修改为` (Some(2)).
    Rewritten(Option<usize>),
    /// `在刑法第…条中增加一款作为第三款`.
    Added(usize),
    /// `在刑法第…条后增加一条，作为第…条之一`: the article's first text.
    New,
}

fn amended_target(item: &str, article_no: &str) -> Option<Amend> {
    let head: String = item.chars().take_while(|c| *c != '：' && *c != ':').collect();
    let whole = format!("刑法{article_no}修改为");
    if head.contains(&whole) {
        return Some(Amend::Rewritten(None));
    }
    // `作为第十七条之一` names a new article, not 第十七条
    if head.split_once(&format!("作为{article_no}")).is_some_and(|(_, after)| !after.starts_with('之')) && head.contains("增加一条") {
        return Some(Amend::New);
    }
    let prefix = format!("刑法{article_no}");
    let rest = head.split_once(&prefix)?.1;
    let para = |s: &str| -> Option<usize> {
        let num: String = s.chars().skip_while(|c| *c != '第').skip(1).take_while(|c| *c != '款').collect();
        crate::numerals::parse_cn_integer(&num).map(|v| v as usize)
    };
    if rest.starts_with("第") && rest.contains("款修改为") {
        return para(rest).map(|k| Amend::Rewritten(Some(k)));
    }
    if rest.starts_with("中增加一款") {
        return para(rest.split_once("作为").map(|x| x.1).unwrap_or("")).map(Amend::Added);
    }
    None
}

/// The quoted text of an amendment item, one paragraph a line.
fn amendment_body(item: &str) -> Vec<String> {
    let start = item.find(['：', ':']).map(|i| i + item[i..].chars().next().map_or(1, char::len_utf8)).unwrap_or(0);
    item[start..].split('\n').map(|p| p.trim().trim_start_matches(['"', '“']).trim_end_matches(['"', '”']).to_string()).filter(|p| !p.is_empty()).collect()
}

/// The line where paragraph `k` (counted from 1; numbered items are part of their paragraph)
/// begins.
fn paragraph_index(paras: &[String], k: usize) -> Option<usize> {
    paras.iter().enumerate().filter(|(_, p)| !p.starts_with('（')).nth(k.checked_sub(1)?).map(|(i, _)| i)
}

/// The line after paragraph `i` and its numbered items.
fn paragraph_end(paras: &[String], i: usize) -> usize {
    i + 1 + paras[i + 1..].iter().take_while(|p| p.starts_with('（')).count()
}

pub struct Built {
    pub charges: Vec<u8>,
    pub term: Vec<u8>,
    pub lm: Vec<u8>,
    pub entities: Vec<u8>,
    pub report: TrainReport,
}

/// What the charge and term models are learnt from.
struct Sources {
    /// The charge labels of the full CAIL2018 collection (`charges.txt`).
    labels: Vec<String>,
    train: Vec<CailCase>,
    test: Vec<CailCase>,
    /// The judgments with charges and articles but no terms ([`CHARGE_ITEMS_FILE`]).
    judged: Vec<ChargeItem>,
    /// Criminal Law articles by number, and every statute text ([`read_statutes`]).
    criminal: BTreeMap<u32, String>,
    statutes: Vec<String>,
    /// The articles as before the Eleventh Amendment ([`criminal_law_before_2021`]).
    earlier: BTreeMap<u32, String>,
}

impl Sources {
    fn read(dir: &Path) -> Result<Sources, AssistError> {
        let labels = std::fs::read_to_string(require(dir, "cail2018-subset/charges.txt")?)?
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        let train = read_cail(&require(dir, "cail2018-subset/train.jsonl")?)?;
        let test = read_cail(&require(dir, "cail2018-subset/test.jsonl")?)?;
        let judged = read_charge_items(&require(dir, CHARGE_ITEMS_FILE)?)?;
        let (criminal, statutes) = read_statutes(dir)?;
        let earlier = criminal_law_before_2021(dir)?;
        Ok(Sources { labels, train, test, judged, criminal, statutes, earlier })
    }

    /// Every labelled case: `train.jsonl`, then `test.jsonl`.
    fn all(&self) -> Vec<&CailCase> {
        self.train.iter().chain(&self.test).collect()
    }

    /// Every judgment with charges but no term.
    fn judged(&self) -> Vec<&ChargeItem> {
        self.judged.iter().collect()
    }

    fn learn(&self, cases: &[&CailCase], judged: &[&ChargeItem]) -> (crate::charges::ChargeModel, crate::term::TermModel) {
        learn(&self.labels, cases, judged, &self.criminal, &self.earlier)
    }
}

/// What the charge model learns: the CAIL cases, then the judgments with charges only.
fn charge_cases<'a>(cases: &[&'a CailCase], judged: &[&'a ChargeItem]) -> Vec<ChargeCase<'a>> {
    cases
        .iter()
        .map(|c| ChargeCase { facts: &c.fact, charges: &c.charges, articles: &c.articles })
        .chain(judged.iter().map(|c| ChargeCase { facts: &c.fact, charges: &c.charges, articles: &c.articles }))
        .collect()
}

/// The charge model and the term model learnt from labelled cases: the charge model from the CAIL
/// cases and the judgments with charges only (`judged`), the term model from the CAIL cases.
pub fn learn(
    labels: &[String],
    cases: &[&CailCase],
    judged: &[&ChargeItem],
    criminal: &BTreeMap<u32, String>,
    earlier: &BTreeMap<u32, String>,
) -> (crate::charges::ChargeModel, crate::term::TermModel) {
    let cm = train_charges(labels, &charge_cases(cases, judged), criminal);
    // cases sentenced for one charge (a merged label beside its specific charge counts as one)
    let term_cases: Vec<(String, &str, Term)> = cases
        .iter()
        .filter_map(|c| {
            let names = crate::statute::sentenced_charges(&c.charges);
            (names.len() == 1).then(|| (names[0].clone(), c.fact.as_str(), c.term))
        })
        .collect();
    let tm = crate::term::train_term(&term_cases, &cm, earlier);
    (cm, tm)
}

/// The charge and term models learnt from `train.jsonl` (the charge model also from the judgments
/// of [`CHARGE_ITEMS_FILE`]), so that `test.jsonl` is held out: what [`evaluate_all`] scores the
/// CAIL test rows with (the shipped models have learnt both CAIL files, [`build_models`]).
pub fn held_out_models(dir: &Path) -> Result<(crate::charges::ChargeModel, crate::term::TermModel), AssistError> {
    let src = Sources::read(dir)?;
    Ok(src.learn(&src.train.iter().collect::<Vec<_>>(), &src.judged()))
}

/// Build every model from the shared data directory. The charge and term models learn from every
/// labelled CAIL case, `train.jsonl` and `test.jsonl` together: the two files share few charges
/// (48 and 102 of them, 19 in common), and a charge the models have seen cases of is predicted
/// and sentenced far better than one known from the statute alone. The charge model also learns
/// the judgments of [`CHARGE_ITEMS_FILE`]. Their held-out figures come from models learnt without
/// `test.jsonl` ([`held_out_models`]), from cross-validation over both CAIL files
/// ([`cross_validate`]) and over the judgments ([`judged_answers`]).
pub fn build_models(dir: &Path) -> Result<Built, AssistError> {
    let src = Sources::read(dir)?;
    let (cm, tm) = src.learn(&src.all(), &src.judged());
    let term_cases = tm.case_count();
    // the language model reads clean legal text only: statutes, the CAIL facts (their text, not
    // their labels) and the drug-case paragraphs; never the proofreading sentences
    let drug_items = read_jsonl(&require(dir, "ner-drug/train.json")?)?;
    let corpus = src
        .statutes
        .iter()
        .map(|s| s.as_str())
        .chain(src.train.iter().map(|c| c.fact.as_str()))
        .chain(src.test.iter().map(|c| c.fact.as_str()))
        .chain(drug_items.iter().filter_map(|v| v["sentText"].as_str()));
    let (lm, lm_bigrams) = crate::proofread::train_lm(corpus, 2);
    // drug names from the drug-case paragraphs
    let mut drugs = Vec::new();
    for it in &drug_items {
        for m in it["entityMentions"].as_array().into_iter().flatten() {
            if m["label"] == "NDR"
                && let Some(t) = m["text"].as_str()
            {
                drugs.push(t.to_string());
            }
        }
    }
    let em = crate::entities::train_entities(drugs);
    let report = TrainReport {
        charges: cm.charges.len(),
        seen_charges: cm.charges.iter().filter(|c| c.train_count > 0).count(),
        vocabulary: cm.vocab.len(),
        term_cases,
        lm_bigrams,
        files: Vec::new(),
    };
    let to = |v: serde_json::Result<Vec<u8>>| v.map_err(|e| AssistError::Model(e.to_string()));
    Ok(Built { charges: to(serde_json::to_vec(&cm))?, term: to(serde_json::to_vec(&tm))?, lm, entities: to(serde_json::to_vec(&em))?, report })
}

/// One row of the evaluation table.
#[derive(Debug, Clone)]
pub struct Row {
    pub task: &'static str,
    pub set: String,
    pub metric: &'static str,
    pub score: f64,
    pub ms_per_case: f64,
}

fn answer_after<'a>(s: &'a str, prefix: &str) -> &'a str {
    s.split_once(prefix).map(|x| x.1).unwrap_or(s)
}

fn timed<T>(n: usize, f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed().as_secs_f64() * 1000.0 / n.max(1) as f64)
}

/// Score every task on its development set; `limit` takes the first N items of each. The CAIL
/// rows score the charge and term models learnt afresh without `test.jsonl`
/// ([`held_out_models`]): `a`'s own have learnt `test.jsonl` too. The rows of
/// [`CHARGE_ITEMS_FILE`], which `a`'s charge model has learnt, come from cross-validation
/// ([`judged_answers`]). The other rows score `a`.
pub fn evaluate_all(a: Assistant, dir: &Path, limit: Option<usize>) -> Result<Vec<Row>, AssistError> {
    let src = Sources::read(dir)?;
    let (charges, term) = src.learn(&src.train.iter().collect::<Vec<_>>(), &src.judged());
    let Assistant { charges: own_charges, term: own_term, proofreader, entities } = a;
    let held = Assistant { charges, term, proofreader, entities };
    let mut rows = cail_rows(&held, &src.test, "cail2018-subset/test.jsonl", limit);
    let mut a = Assistant { charges: own_charges, term: own_term, proofreader: held.proofreader, entities: held.entities };
    rows.extend(judged_rows(&mut a, &src, JUDGED_FOLDS, limit));
    rows.extend(judgment_rows(&a, dir, limit)?);
    Ok(rows)
}

/// Folds of the cross-validation over [`CHARGE_ITEMS_FILE`] in [`evaluate_all`].
pub const JUDGED_FOLDS: usize = 5;

/// One judgment's gold charges (the model's names), charges suggested from the facts, gold
/// articles, articles suggested from the facts and the gold charges.
pub type JudgedItem = (Vec<String>, Vec<String>, Vec<u32>, Vec<u32>);

/// What the charge model answers for the judgments of [`CHARGE_ITEMS_FILE`] under
/// cross-validation ([`judged_answers`]).
pub struct JudgedAnswers {
    /// Per item, in file order.
    pub items: Vec<JudgedItem>,
    pub ms_charges: f64,
    pub ms_articles: f64,
}

/// Charges from the facts, and articles from facts and charge, on the judgments of
/// [`CHARGE_ITEMS_FILE`] by `folds`-fold cross-validation (item `i` in fold `i % folds`; the first
/// `limit` items): each fold is answered by a charge model learnt from every CAIL case and the
/// other folds, as the shipped model, which learnt them all, answers a new judgment. `a`'s charge
/// model is replaced; `adjust` is applied to each fold's model before it answers.
pub fn judged_answers(a: &mut Assistant, dir: &Path, folds: usize, limit: Option<usize>, adjust: &dyn Fn(&mut crate::charges::ChargeModel)) -> Result<JudgedAnswers, AssistError> {
    let src = Sources::read(dir)?;
    let n = src.judged.len().min(limit.unwrap_or(usize::MAX));
    if folds < 2 || folds > n {
        return Err(AssistError::Argument {
            name: "folds",
            rule: format!("cross-validation needs between 2 and {n} folds (one judgment at least in each), got {folds}"),
        });
    }
    Ok(judged_answers_of(a, &src, folds, limit, adjust))
}

fn judged_answers_of(a: &mut Assistant, src: &Sources, folds: usize, limit: Option<usize>, adjust: &dyn Fn(&mut crate::charges::ChargeModel)) -> JudgedAnswers {
    let items: Vec<&ChargeItem> = src.judged.iter().take(limit.unwrap_or(usize::MAX)).collect();
    let cases = src.all();
    let mut out = JudgedAnswers { items: vec![Default::default(); items.len()], ms_charges: 0.0, ms_articles: 0.0 };
    for f in 0..folds.min(items.len()) {
        let learnt: Vec<&ChargeItem> = src.judged.iter().enumerate().filter(|(i, _)| i % folds != f).map(|(_, c)| c).collect();
        a.charges = train_charges(&src.labels, &charge_cases(&cases, &learnt), &src.criminal);
        adjust(&mut a.charges);
        for i in (f..items.len()).step_by(folds) {
            let it = items[i];
            let t = Instant::now();
            let charges = a.charges.predict(&it.fact).into_iter().map(|s| s.charge).collect();
            let t1 = t.elapsed().as_secs_f64();
            let articles = a.articles_for(&crate::CaseInput { facts: it.fact.clone(), charges: it.charges.clone(), articles: Vec::new() }).0;
            out.ms_charges += t1 * 1e3;
            out.ms_articles += (t.elapsed().as_secs_f64() - t1) * 1e3;
            out.items[i] = (it.charges.iter().map(|x| a.charges.resolve(x)).collect(), charges, it.articles.clone(), articles);
        }
    }
    out
}

/// The rows of [`judged_answers`].
fn judged_rows(a: &mut Assistant, src: &Sources, folds: usize, limit: Option<usize>) -> Vec<Row> {
    let ans = judged_answers_of(a, src, folds, limit, &|_| {});
    let items = &ans.items;
    let n = items.len().max(1) as f64;
    let set = |how: &str| format!("{CHARGE_ITEMS_FILE}, {how}, {folds}-fold cross-validation ({})", items.len());
    let pairs: Vec<(Vec<String>, Vec<String>)> = items.iter().map(|x| (x.0.clone(), x.1.clone())).collect();
    let f1 = pairs.iter().map(|(g, p)| eval::set_f1(g, p)).sum::<f64>() / n;
    let af1 = items.iter().map(|x| eval::set_f1(&x.2, &x.3)).sum::<f64>() / n;
    let (mc, ma) = (ans.ms_charges / n, ans.ms_articles / n);
    vec![
        Row { task: "charges", set: set("facts only"), metric: "F1 (LawBench: per-case, averaged)", score: f1, ms_per_case: mc },
        Row { task: "charges", set: set("facts only"), metric: "micro F1", score: eval::micro_f1(&pairs), ms_per_case: mc },
        Row { task: "articles", set: set("facts and charge"), metric: "F1 (LawBench: per-case, averaged)", score: af1, ms_per_case: ma },
    ]
}

/// What the charge and term models answer for labelled CAIL cases.
#[derive(Default)]
struct CailAnswers {
    charges: Vec<Vec<crate::charges::ChargeSuggestion>>,
    /// With the gold charges and articles given (LawBench 3-5 style).
    term_given: Vec<Term>,
    /// From the facts alone.
    term_facts: Vec<Term>,
    /// Milliseconds spent: charges, term given, term from the facts.
    ms: [f64; 3],
}

impl CailAnswers {
    fn of(a: &Assistant, cases: &[&CailCase]) -> CailAnswers {
        let t = Instant::now();
        let charges = cases.iter().map(|c| a.charges.predict(&c.fact)).collect();
        let t1 = t.elapsed().as_secs_f64();
        let term_given = cases
            .iter()
            .map(|c| {
                let names = c.charges.iter().map(|x| crate::charges::plain_name(x)).collect();
                a.term(&crate::CaseInput { facts: c.fact.clone(), charges: names, articles: c.articles.clone() }).term
            })
            .collect();
        let t2 = t.elapsed().as_secs_f64();
        let term_facts = cases.iter().map(|c| a.term(&crate::CaseInput { facts: c.fact.clone(), ..Default::default() }).term).collect();
        let t3 = t.elapsed().as_secs_f64();
        CailAnswers { charges, term_given, term_facts, ms: [t1 * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3] }
    }

    fn extend(&mut self, other: CailAnswers) {
        self.charges.extend(other.charges);
        self.term_given.extend(other.term_given);
        self.term_facts.extend(other.term_facts);
        for (m, o) in self.ms.iter_mut().zip(other.ms) {
            *m += o;
        }
    }

    /// Charge, article and term rows against the cases' labels (`set` names the cases).
    fn rows(&self, cases: &[&CailCase], set: &str) -> Vec<Row> {
        let n = cases.len();
        let per = |ms: f64| ms / n.max(1) as f64;
        let mut rows = Vec::new();
        let pairs: Vec<(Vec<String>, Vec<String>)> = cases
            .iter()
            .zip(&self.charges)
            .map(|(c, p)| (c.charges.iter().map(|x| crate::charges::plain_name(x)).collect(), p.iter().map(|x| x.charge.clone()).collect()))
            .collect();
        let f1 = pairs.iter().map(|(g, p)| eval::set_f1(g, p)).sum::<f64>() / n.max(1) as f64;
        rows.push(Row { task: "charges", set: format!("{set} ({n})"), metric: "F1 (LawBench: per-case, averaged)", score: f1, ms_per_case: per(self.ms[0]) });
        rows.push(Row { task: "charges", set: format!("{set} ({n})"), metric: "micro F1", score: eval::micro_f1(&pairs), ms_per_case: per(self.ms[0]) });
        let af1 = cases
            .iter()
            .zip(&self.charges)
            .map(|(c, p)| {
                let mut arts: Vec<u32> = Vec::new();
                for x in p.iter().flat_map(|s| &s.articles) {
                    if !arts.contains(x) {
                        arts.push(*x);
                    }
                }
                eval::set_f1(&c.articles, &arts)
            })
            .sum::<f64>()
            / n.max(1) as f64;
        rows.push(Row { task: "articles", set: format!("{set}, facts only ({n})"), metric: "F1 (LawBench: per-case, averaged)", score: af1, ms_per_case: per(self.ms[0]) });
        let pairs: Vec<(Term, Term)> = cases.iter().map(|c| c.term).zip(self.term_given.iter().copied()).collect();
        rows.push(Row { task: "term", set: format!("{set}, charge+article given ({n})"), metric: "log-distance score", score: eval::log_distance_score(&pairs), ms_per_case: per(self.ms[1]) });
        let pairs: Vec<(Term, Term)> = cases.iter().map(|c| c.term).zip(self.term_facts.iter().copied()).collect();
        rows.push(Row { task: "term", set: format!("{set}, facts only ({n})"), metric: "log-distance score", score: eval::log_distance_score(&pairs), ms_per_case: per(self.ms[2]) });
        rows
    }
}

/// Charge, article and term scores of `a` on labelled CAIL cases (`set` names them).
fn cail_rows(a: &Assistant, test: &[CailCase], set: &str, limit: Option<usize>) -> Vec<Row> {
    let cases: Vec<&CailCase> = test.iter().take(limit.unwrap_or(usize::MAX)).collect();
    CailAnswers::of(a, &cases).rows(&cases, set)
}

/// `folds`-fold cross-validation of the charge and term models over every labelled CAIL case
/// (`train.jsonl` and `test.jsonl` together; case `i` is in fold `i % folds`): each fold is
/// answered by models learnt from the other folds, as the shipped models, which learnt from all
/// of them, answer a new case drawn from the same mix of charges. `a` lends the other models.
pub fn cross_validate(a: Assistant, dir: &Path, folds: usize) -> Result<Vec<Row>, AssistError> {
    cross_validate_with(a, dir, folds, &|_, _| {})
}

/// [`cross_validate`], with `adjust` applied to each fold's models before they answer (for
/// trying other weights).
pub fn cross_validate_with(
    a: Assistant,
    dir: &Path,
    folds: usize,
    adjust: &dyn Fn(&mut crate::charges::ChargeModel, &mut crate::term::TermModel),
) -> Result<Vec<Row>, AssistError> {
    let src = Sources::read(dir)?;
    let all = src.all();
    if folds < 2 || folds > all.len() {
        return Err(AssistError::Argument {
            name: "folds",
            rule: format!("cross-validation needs between 2 and {} folds (one case at least in each), got {folds}", all.len()),
        });
    }
    let mut a = a;
    // the cases' indices in `all`, in fold order, as the answers are made
    let order: Vec<usize> = (0..folds).flat_map(|f| (f..all.len()).step_by(folds)).collect();
    let ordered: Vec<&CailCase> = order.iter().map(|&i| all[i]).collect();
    let mut total = CailAnswers::default();
    for f in 0..folds {
        let learnt: Vec<&CailCase> = all.iter().enumerate().filter(|(i, _)| i % folds != f).map(|(_, c)| *c).collect();
        let held: Vec<&CailCase> = (f..all.len()).step_by(folds).map(|i| all[i]).collect();
        (a.charges, a.term) = src.learn(&learnt, &src.judged());
        adjust(&mut a.charges, &mut a.term);
        total.extend(CailAnswers::of(&a, &held));
    }
    let name = format!("cail2018-subset train+test, {folds}-fold cross-validation");
    let mut rows = total.rows(&ordered, &name);
    // the same answers, split by the file each case came from (`all` is train, then test)
    for (file, from_test) in [("train.jsonl", false), ("test.jsonl", true)] {
        let keep: Vec<usize> = order.iter().enumerate().filter(|(_, i)| (**i >= src.train.len()) == from_test).map(|(k, _)| k).collect();
        let part = CailAnswers {
            charges: keep.iter().map(|&i| total.charges[i].clone()).collect(),
            term_given: keep.iter().map(|&i| total.term_given[i]).collect(),
            term_facts: keep.iter().map(|&i| total.term_facts[i]).collect(),
            ms: total.ms.map(|m| m * keep.len() as f64 / ordered.len().max(1) as f64),
        };
        let cases: Vec<&CailCase> = keep.iter().map(|&i| ordered[i]).collect();
        rows.extend(part.rows(&cases, &format!("{name}, cases of {file}")));
    }
    Ok(rows)
}

/// Scores of `a` on the LawBench development files of `judgments-dev/` other than the one the
/// charge model learns ([`judged_rows`] scores that one).
fn judgment_rows(a: &Assistant, dir: &Path, limit: Option<usize>) -> Result<Vec<Row>, AssistError> {
    let lim = |n: usize| limit.unwrap_or(usize::MAX).min(n);
    let mut rows = Vec::new();

    // crime amount
    let ca = read_jsonl(&require(dir, "judgments-dev/crime_amount.jsonl")?)?;
    let ca = &ca[..lim(ca.len())];
    let (preds, ms) = timed(ca.len(), || ca.iter().map(|v| crate::amount::crime_amount(&crate::CaseInput::parse(v["input"].as_str().unwrap_or("")).facts).map(|x| x.amount).unwrap_or(0.0)).collect::<Vec<_>>());
    let correct = ca.iter().zip(&preds).filter(|(v, p)| {
        let g: f64 = answer_after(v["answer"].as_str().unwrap_or(""), ":").trim_end_matches("元。").parse().unwrap_or(f64::NAN);
        (g - **p).abs() < 0.005
    }).count();
    rows.push(Row { task: "amount", set: format!("judgments-dev/crime_amount.jsonl ({})", ca.len()), metric: "accuracy", score: correct as f64 / ca.len().max(1) as f64, ms_per_case: ms });

    // entities
    let te = read_jsonl(&require(dir, "judgments-dev/theft_entities.jsonl")?)?;
    let te = &te[..lim(te.len())];
    let (preds, ms) = timed(te.len(), || te.iter().map(|v| a.entities.extract(&crate::CaseInput::parse(v["input"].as_str().unwrap_or("")).facts).by_type).collect::<Vec<_>>());
    let score = te.iter().zip(&preds).map(|(v, p)| eval::entity_soft_f1(&parse_entities(v["answer"].as_str().unwrap_or("")), p)).sum::<f64>() / te.len().max(1) as f64;
    rows.push(Row { task: "entities", set: format!("judgments-dev/theft_entities.jsonl ({})", te.len()), metric: "soft F1 (LawBench)", score, ms_per_case: ms });

    // proofreading
    let pr = read_jsonl(&require(dir, "judgments-dev/proofreading.jsonl")?)?;
    let pr = &pr[..lim(pr.len())];
    let (items, ms) = timed(pr.len(), || {
        pr.iter()
            .map(|v| {
                let src = v["input"].as_str().unwrap_or("").to_string();
                let hyp = a.proofread(&src).corrected;
                (src, hyp, v["answer"].as_str().unwrap_or("").to_string())
            })
            .collect::<Vec<_>>()
    });
    let (p, r, f) = eval::proofreading_f05(&items);
    rows.push(Row { task: "proofread", set: format!("judgments-dev/proofreading.jsonl ({}; P {:.1} R {:.1})", pr.len(), p * 100.0, r * 100.0), metric: "F0.5 (character edits)", score: f, ms_per_case: ms });
    Ok(rows)
}

/// `受害人:严某某、肖某某;被盗物品:查获手机` → type → mentions.
pub fn parse_entities(answer: &str) -> BTreeMap<String, Vec<String>> {
    let mut m = BTreeMap::new();
    for seg in answer.split(';') {
        if let Some((t, v)) = seg.split_once(':') {
            m.insert(t.trim().to_string(), v.split('、').map(|x| x.to_string()).collect());
        }
    }
    m
}
