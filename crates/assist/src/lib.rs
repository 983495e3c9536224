//! Assisted case handling (智能辅助办案): text in, suggestions with reasons out.
//!
//! Key design decision: every capability is a small explainable model (rules, statute text,
//! TF-IDF centroids, a character language model) that runs on a CPU in milliseconds; trained
//! artifacts are compact files under `models/`, embedded in the binary by default, so the held-out
//! evaluation and the platform need no data directory at run time. The core does no I/O besides
//! reading model files in [`Assistant::load`]; [`train`] and [`evaluate`] are the edges that read
//! the development data.

pub mod amount;
pub mod charges;
pub mod cues;
pub mod data;
pub mod entities;
pub mod eval;
pub mod evidence;
pub mod lists;
pub mod numerals;
pub mod proofread;
pub mod sqlite;
pub mod statute;
pub mod term;

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;

pub use evidence::{Gap, evidence_gaps};
pub use proofread::Correction;

/// Errors of the assist crate.
#[derive(Debug, thiserror::Error)]
pub enum AssistError {
    #[error("input line {line}: {message}")]
    Input { line: usize, message: String },
    #[error("unknown task {0:?} (expected entities, amount, charges, articles, term, proofread)")]
    UnknownTask(String),
    #[error("missing data file {0}")]
    MissingData(String),
    #[error("model: {0}")]
    Model(String),
    /// An argument outside what the operation can do, and the rule it breaks.
    #[error("{name}: {rule}")]
    Argument { name: &'static str, rule: String },
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

/// Why a suggestion was made. The text is for the prosecutor or judge reading the suggestion:
/// in Chinese, quoting the facts and citing the statute (刑法第N条, 法释〔…〕…号).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// `fact` (matched text), `statute` (article), `similar` (training cases), `rule`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<u32>,
    pub text: String,
}

impl Reason {
    pub fn fact(text: impl Into<String>) -> Self {
        Reason { kind: "fact", article: None, text: text.into() }
    }
    pub fn statute(article: u32, text: impl Into<String>) -> Self {
        Reason { kind: "statute", article: Some(article), text: text.into() }
    }
    pub fn similar(text: impl Into<String>) -> Self {
        Reason { kind: "similar", article: None, text: text.into() }
    }
    pub fn rule(text: impl Into<String>) -> Self {
        Reason { kind: "rule", article: None, text: text.into() }
    }
}

/// A number for a reason text: thousands grouped, at most two decimals, no trailing zeros
/// (`77500.0` → `77,500`, `1234.5` → `1,234.5`).
pub fn num(v: f64) -> String {
    let s = format!("{:.2}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let frac = frac.trim_end_matches('0');
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{frac}") }
}

/// Text with the HTML character references that scraped judgments carry (`&ldquo;定金&rdquo;`)
/// turned back into characters, so that their `;` is not read as a clause break.
pub fn unescape_html(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return text.into();
    }
    let mut out = text.to_string();
    for (e, c) in [("&ldquo;", "“"), ("&rdquo;", "”"), ("&lsquo;", "‘"), ("&rsquo;", "’"), ("&quot;", "\""), ("&middot;", "·"), ("&hellip;", "…"), ("&times;", "×"), ("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")] {
        if out.contains(e) {
            out = out.replace(e, c);
        }
    }
    out.into()
}

/// The one shared jieba instance (≈0.15 s and 33 MB to build).
pub fn jieba() -> &'static jieba_rs::Jieba {
    static J: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    J.get_or_init(jieba_rs::Jieba::new)
}

/// Words of a text (jieba, no HMM: deterministic dictionary words).
pub fn segment(text: &str) -> Vec<&str> {
    jieba().cut(text, false).into_iter().map(|t| t.word).collect()
}

/// Facts split from the optional `罪名:` / `法条:` lines of an input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseInput {
    pub facts: String,
    pub charges: Vec<String>,
    pub articles: Vec<u32>,
}

impl CaseInput {
    pub fn parse(text: &str) -> CaseInput {
        let mut facts = String::new();
        let mut charges = Vec::new();
        let mut articles = Vec::new();
        let text = &marker_lines(text);
        for line in text.split('\n') {
            let l = line.trim_matches(['\r', ' ']);
            if let Some(c) = l.strip_prefix("罪名:").or_else(|| l.strip_prefix("罪名：")) {
                for part in c.trim_end_matches('。').split([';', '；', '，', ',', ' ']) {
                    for p in charge_list(part.trim()) {
                        if !charges.contains(&p) {
                            charges.push(p);
                        }
                    }
                }
            } else if let Some(a) = l.strip_prefix("法条:").or_else(|| l.strip_prefix("法条：")) {
                articles.extend(data::article_numbers(a));
            } else {
                let l = ["事实:", "文书:", "句子:", "事实：", "文书：", "句子："].iter().fold(l, |acc, p| acc.strip_prefix(p).unwrap_or(acc));
                if !facts.is_empty() {
                    facts.push('\n');
                }
                facts.push_str(l);
            }
        }
        CaseInput { facts, charges, articles }
    }
}

const MARKERS: [&str; 4] = ["罪名:", "罪名：", "法条:", "法条："];

/// The input with each `罪名:` / `法条:` marker starting a line of its own: some inputs write them
/// after the facts on the same line (`…如实供述。罪名:盗窃`). A marker is only taken as one when
/// the rest of its line is short (a list of charges or articles, at most 80 characters), so that
/// the facts' own words are never cut.
fn marker_lines(text: &str) -> std::borrow::Cow<'_, str> {
    let inline = |i: usize| {
        i > 0 && !text[..i].ends_with('\n') && text[i..].split('\n').next().is_some_and(|rest| rest.chars().count() <= 80)
    };
    let mut cuts: Vec<usize> = MARKERS.iter().flat_map(|m| text.match_indices(m).map(|(i, _)| i)).filter(|&i| inline(i)).collect();
    if cuts.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    cuts.sort_unstable();
    let mut out = String::with_capacity(text.len() + cuts.len());
    let mut last = 0;
    for i in cuts {
        out.push_str(&text[last..i]);
        out.push('\n');
        last = i;
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

/// The charges of one item of a `罪名:` list, without `罪`: a name the statute table knows
/// (`走私、贩卖、运输、制造毒品`, `盗窃、侮辱尸体`) stays whole; otherwise a list joined by 、
/// (`盗窃罪、诈骗罪`) is split into the longest known names it is made of, and what no known name
/// covers is kept as written.
fn charge_list(part: &str) -> Vec<String> {
    let bare = |s: &str| charges::plain_name(s.trim().trim_end_matches('。').trim_end_matches('罪'));
    let whole = bare(part);
    if whole.is_empty() {
        return Vec::new();
    }
    if statute::charge_articles(&whole).is_some() || !part.contains('、') {
        return vec![whole];
    }
    let pieces: Vec<String> = part.split('、').map(bare).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let known = (i + 1..=pieces.len()).rev().find(|&j| statute::charge_articles(&pieces[i..j].join("、")).is_some());
        let j = known.unwrap_or(i + 1);
        let name = pieces[i..j].join("、");
        if !name.is_empty() {
            out.push(name);
        }
        i = j;
    }
    // nothing known in it: keep the name as written, the charge model resolves it
    if out.iter().all(|n| statute::charge_articles(n).is_none()) {
        return vec![whole];
    }
    out
}

/// Everything suggested for one case.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestions {
    pub entities: entities::Entities,
    pub amount: Option<amount::AmountSuggestion>,
    pub charges: Vec<charges::ChargeSuggestion>,
    pub term: term::TermSuggestion,
}

impl Serialize for amount::AmountSuggestion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("AmountSuggestion", 2)?;
        st.serialize_field("amount", &self.amount)?;
        st.serialize_field("reasons", &self.reasons)?;
        st.end()
    }
}

/// The loaded models.
pub struct Assistant {
    pub charges: charges::ChargeModel,
    pub term: term::TermModel,
    pub proofreader: proofread::Proofreader,
    pub entities: entities::EntityModel,
}

pub const CHARGES_FILE: &str = "charges.json";
pub const TERM_FILE: &str = "term.json";
pub const LM_FILE: &str = "lm.bin";
pub const ENTITIES_FILE: &str = "entities.json";

static EMBEDDED_CHARGES: &[u8] = include_bytes!("../models/charges.json");
static EMBEDDED_TERM: &[u8] = include_bytes!("../models/term.json");
static EMBEDDED_LM: &[u8] = include_bytes!("../models/lm.bin");
static EMBEDDED_ENTITIES: &[u8] = include_bytes!("../models/entities.json");

fn json<T: serde::de::DeserializeOwned>(bytes: &[u8], name: &str) -> Result<T, AssistError> {
    serde_json::from_slice(bytes).map_err(|e| AssistError::Model(format!("{name}: {e}")))
}

impl Assistant {
    /// Load models from a directory, or the embedded ones when `models` is `None`.
    pub fn load(models: Option<&Path>) -> Result<Assistant, AssistError> {
        let read = |name: &str, embedded: &'static [u8]| -> Result<std::borrow::Cow<'static, [u8]>, AssistError> {
            match models {
                Some(dir) => {
                    let p = dir.join(name);
                    std::fs::read(&p).map(Into::into).map_err(|e| AssistError::Model(format!("{}: {e}", p.display())))
                }
                None => Ok(embedded.into()),
            }
        };
        Self::from_bytes(
            &read(CHARGES_FILE, EMBEDDED_CHARGES)?,
            &read(TERM_FILE, EMBEDDED_TERM)?,
            &read(LM_FILE, EMBEDDED_LM)?,
            &read(ENTITIES_FILE, EMBEDDED_ENTITIES)?,
        )
    }

    pub fn from_bytes(charges: &[u8], term: &[u8], lm: &[u8], entities: &[u8]) -> Result<Assistant, AssistError> {
        Ok(Assistant {
            charges: json(charges, CHARGES_FILE)?,
            term: json(term, TERM_FILE)?,
            proofreader: proofread::Proofreader::from_bytes(lm)?,
            entities: json(entities, ENTITIES_FILE)?,
        })
    }

    /// All suggestions for the facts of a case.
    pub fn suggest(&self, facts: &str) -> Suggestions {
        let input = CaseInput::parse(facts);
        let charges = self.charges.predict(&input.facts);
        let term = self.term_for(&input, &charges);
        Suggestions { entities: self.entities.extract(&input.facts), amount: amount::crime_amount(&input.facts), charges, term }
    }

    /// Charges: the ones given in the input (`罪名:` line), else predicted.
    pub fn charges_for(&self, input: &CaseInput) -> Vec<charges::ChargeSuggestion> {
        if input.charges.is_empty() {
            return self.charges.predict(&input.facts);
        }
        let mut out: Vec<charges::ChargeSuggestion> = Vec::new();
        for c in &input.charges {
            let name = charges::plain_name(c.trim().trim_end_matches(['。', '罪']));
            if name.is_empty() || out.iter().any(|o| o.charge == name) {
                continue;
            }
            let articles = self.charges.articles_of(&name).map(|a| charges::adjust_articles(&name, a, &input.facts)).unwrap_or_default();
            out.push(charges::ChargeSuggestion { charge: name.clone(), score: 1.0, articles, reasons: vec![Reason::rule(format!("输入中已给出罪名：{name}"))] });
        }
        out
    }

    /// Articles: from the given charges when present, else from predicted charges.
    pub fn articles_for(&self, input: &CaseInput) -> (Vec<u32>, Vec<Reason>) {
        let mut arts = Vec::new();
        let mut reasons = Vec::new();
        if !input.articles.is_empty() {
            for a in &input.articles {
                if !arts.contains(a) {
                    arts.push(*a);
                    reasons.push(Reason::statute(*a, format!("输入中已给出法条：刑法第{a}条")));
                }
            }
            return (arts, reasons);
        }
        if !input.charges.is_empty() {
            let names: Vec<String> = input.charges.iter().map(|c| charges::plain_name(c.trim().trim_end_matches(['。', '罪']))).collect();
            for c in &names {
                // a merged CAIL label adds nothing when the specific charge it covers is given
                if statute::COMPANIONS.iter().any(|(spec, merged)| merged == c && names.iter().any(|n| n == spec)) {
                    continue;
                }
                if let Some(a) = self.charges.articles_of(c) {
                    for x in charges::adjust_articles(c, a, &input.facts) {
                        if !arts.contains(&x) {
                            arts.push(x);
                            reasons.push(Reason::statute(x, format!("{c}罪适用刑法第{x}条")));
                        }
                    }
                }
            }
        }
        if arts.is_empty() {
            for s in self.charges.predict(&input.facts) {
                for x in &s.articles {
                    if !arts.contains(x) {
                        arts.push(*x);
                    }
                }
                reasons.extend(s.reasons);
            }
        }
        (arts, reasons)
    }

    /// Without given charges, when the charge model names several: their terms weighed by its
    /// scores on the log scale (the charge is uncertain; 5-fold CV on train.jsonl with the charge
    /// model rebuilt each fold, facts only: 89.88 → 90.10).
    fn term_of_predicted(&self, input: &CaseInput, predicted: &[charges::ChargeSuggestion]) -> term::TermSuggestion {
        let positive = predicted.iter().all(|p| p.score > 0.0);
        let parts: Vec<(f64, &str, term::TermSuggestion)> = predicted
            .iter()
            .map(|p| (if positive { p.score as f64 } else { 1.0 }, p.charge.as_str(), self.term_for(input, std::slice::from_ref(p))))
            .collect();
        let wsum: f64 = parts.iter().map(|x| x.0).sum();
        let lg: f64 = parts.iter().map(|(w, _, t)| w / wsum * (t.term.months_for_score() + 1.0).ln()).sum();
        let m = lg.exp() - 1.0;
        let term = if m >= 350.0 {
            eval::Term::Death
        } else if m >= 270.0 {
            eval::Term::Life
        } else {
            eval::Term::Months(m.round().max(0.0) as u32)
        };
        let each: Vec<String> = parts.iter().map(|(w, c, t)| format!("{c}罪（权重{:.2}）{:.0}个月", w / wsum, t.term.months_for_score())).collect();
        let mut reasons = vec![Reason::rule(format!("未给出罪名，按预测罪名的得分加权（对数刻度）：{}，合为{m:.0}个月", each.join("、")))];
        for (_, _, t) in parts {
            reasons.extend(t.reasons);
        }
        term::TermSuggestion { term, reasons }
    }

    /// The term for the given charges (else the predicted ones, [`Self::term_of_predicted`]). Several given charges are
    /// sentenced together (数罪并罚, 刑法第69条): the heaviest term plus half of the others.
    pub fn term_for(&self, input: &CaseInput, predicted: &[charges::ChargeSuggestion]) -> term::TermSuggestion {
        // weights, amounts and terms written in full-width digits (`１２．５克`) read as any others
        if let std::borrow::Cow::Owned(facts) = numerals::half_width_digits(&input.facts) {
            return self.term_for(&CaseInput { facts, ..input.clone() }, predicted);
        }
        // a death sentence with reprieve under review or appeal (死刑复核, 刑事诉讼法第248条):
        // the sentence the facts state, whatever the charge (CAIL: 12 such texts, all upheld)
        if let Some(read) = term::reprieve_under_review(&input.facts) {
            let why = format!("案情所述原审判决已判处被告人死刑，缓期二年执行（刑法第48条：“{read}”）；本案为复核或二审，参考原判，按死刑计");
            return term::TermSuggestion { term: eval::Term::Death, reasons: vec![Reason::statute(48, why)] };
        }
        // a merged CAIL label adds nothing when the specific charge it covers is given
        let names = statute::sentenced_charges(&input.charges);
        if names.is_empty() && predicted.len() > 1 {
            // a merged CAIL label beside the specific charge it covers is the same offence
            let kept = statute::sentenced_charges(&predicted.iter().map(|p| p.charge.as_str()).collect::<Vec<_>>());
            let mut own: Vec<charges::ChargeSuggestion> = predicted.iter().filter(|p| kept.contains(&p.charge)).cloned().collect();
            if own.is_empty() {
                own.push(predicted[0].clone());
            }
            if own.len() > 1 {
                // two charges that judgments often convict together, both kept by the joint
                // model (两罪同时认定): sentenced together as if given (数罪并罚, 刑法第69条),
                // not weighed as alternatives (CAIL 5-fold CV, facts only: 89.68 → 89.75;
                // combining every predicted set: 89.66, `test.jsonl` held out 84.13 → 83.39)
                let joint = own.len() == 2 && charges::JOINT_PAIRS.iter().any(|(a, b)| own.iter().any(|p| p.charge == *a) && own.iter().any(|p| p.charge == *b));
                if joint {
                    let names: Vec<String> = own.iter().map(|p| p.charge.clone()).collect();
                    let mut t = self.term_for(&CaseInput { charges: names, ..input.clone() }, &[]);
                    t.reasons.insert(0, Reason::rule(format!("未给出罪名；预测的{}罪与{}罪常被同时认定，按数罪并罚计算", own[0].charge, own[1].charge)));
                    return t;
                }
                return self.term_of_predicted(input, &own);
            }
            return self.term_for(input, &own);
        }
        if names.is_empty() && predicted.is_empty() {
            return self.term.without_charge();
        }
        if names.len() <= 1 {
            let charge = names.first().cloned().or_else(|| predicted.first().map(|c| c.charge.clone())).unwrap_or_default();
            let article = input.articles.first().copied().or_else(|| self.charges.articles_of(&charge).and_then(|a| a.first().copied()));
            return self.term.predict(&input.facts, &charge, article, &self.charges);
        }
        let mut parts: Vec<term::TermSuggestion> = names
            .iter()
            .map(|c| {
                let article = self.charges.articles_of(c).and_then(|a| a.first().copied());
                self.term.predict_part(&input.facts, c, article, &self.charges, false)
            })
            .collect();
        parts.sort_by(|a, b| b.term.months_for_score().partial_cmp(&a.term.months_for_score()).unwrap());
        let mut reasons = Vec::new();
        let term = match parts[0].term {
            eval::Term::Months(m) => {
                let rest: f64 = parts[1..].iter().map(|p| p.term.months_for_score()).sum();
                let total = (m as f64 + 0.5 * rest).round().min(300.0) as u32;
                reasons.push(Reason::statute(69, format!("数罪并罚（刑法第69条）：以最重之刑{m}个月为基础，加其余各罪刑期（共{rest:.0}个月）的一半")));
                if total > 240 { eval::Term::Life } else { eval::Term::Months(total) }
            }
            t => t,
        };
        for p in parts {
            reasons.extend(p.reasons);
        }
        let term = term::follow_recommendation(term, &input.facts, &mut reasons);
        term::TermSuggestion { term, reasons }
    }

    pub fn term(&self, input: &CaseInput) -> term::TermSuggestion {
        let predicted = if input.charges.is_empty() { self.charges.predict(&input.facts) } else { Vec::new() };
        self.term_for(input, &predicted)
    }

    pub fn proofread(&self, sentence: &str) -> Correction {
        self.proofreader.correct(sentence)
    }

    pub fn evidence_gaps(&self, charge: &str, evidence_titles: &[&str]) -> Vec<Gap> {
        evidence::evidence_gaps(charge, evidence_titles)
    }

    /// One task on one input text, as the JSON object printed by [`run_task`].
    pub fn run_one(&self, task: &str, text: &str) -> Result<serde_json::Value, AssistError> {
        use serde_json::json;
        let input = CaseInput::parse(text);
        Ok(match task {
            "entities" => {
                let e = self.entities.extract(&input.facts);
                json!({"entities": e.by_type, "reasons": e.reasons})
            }
            "amount" => match amount::crime_amount_explained(&input.facts) {
                Ok(a) => json!({"amount": a.amount, "reasons": a.reasons}),
                Err(why) if why.is_empty() => json!({"amount": 0.0, "reasons": [Reason::rule("案情中未发现涉案金额")]}),
                Err(why) => {
                    let mut reasons = vec![Reason::rule("案情所述金额均不计入犯罪数额")];
                    reasons.extend(why);
                    json!({"amount": 0.0, "reasons": reasons})
                }
            },
            "charges" => {
                let s = self.charges_for(&input);
                let names: Vec<&str> = s.iter().map(|c| c.charge.as_str()).collect();
                let mut reasons: Vec<Reason> = s.iter().flat_map(|c| c.reasons.iter().cloned()).collect();
                if s.is_empty() {
                    reasons.push(Reason::rule(NOTHING_TO_READ));
                }
                json!({"charges": names, "reasons": reasons})
            }
            "articles" => {
                let (a, mut r) = self.articles_for(&input);
                if a.is_empty() {
                    r.push(Reason::rule(NOTHING_TO_READ));
                }
                json!({"articles": a, "reasons": r})
            }
            "term" => {
                let t = self.term(&input);
                match t.term {
                    eval::Term::Months(m) => json!({"months": m, "reasons": t.reasons}),
                    eval::Term::Life => json!({"life": true, "reasons": t.reasons}),
                    eval::Term::Death => json!({"death": true, "reasons": t.reasons}),
                }
            }
            "proofread" => {
                let c = self.proofread(&input.facts);
                json!({"corrected": c.corrected, "reasons": c.reasons})
            }
            other => return Err(AssistError::UnknownTask(other.to_string())),
        })
    }
}

/// The reason given when the facts hold nothing to suggest a charge from.
const NOTHING_TO_READ: &str = "案情中没有可据以判断罪名的内容（案情为空或过短），不作建议";

const TASKS: [&str; 6] = ["entities", "amount", "charges", "articles", "term", "proofread"];

/// Run one task over a JSON-lines file, printing one JSON line per input line.
pub fn run_task(task: &str, input: &Path, models: Option<&Path>, out: &mut dyn Write) -> Result<(), AssistError> {
    if !TASKS.contains(&task) {
        return Err(AssistError::UnknownTask(task.to_string()));
    }
    let assistant = Assistant::load(models)?;
    let file = std::fs::File::open(input).map_err(|e| AssistError::Input { line: 0, message: format!("{}: {e}", input.display()) })?;
    // every line is read and checked before anything is printed: a bad line names itself and
    // the rule it breaks, and no partial output is left behind
    let mut texts = Vec::new();
    let mut bad: Vec<(usize, String)> = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        // (a byte-order mark that an editor wrote before the first line)
        let line = if n == 0 { line.trim_start_matches('\u{feff}') } else { line.as_str() };
        if line.trim().is_empty() {
            continue;
        }
        match data::input_text(line) {
            Ok(text) => texts.push(text),
            Err(message) => bad.push((n + 1, message)),
        }
    }
    if let Some((line, message)) = bad.first() {
        let more = if bad.len() > 1 {
            format!(" (and {} more bad lines: {})", bad.len() - 1, bad[1..].iter().take(10).map(|b| b.0.to_string()).collect::<Vec<_>>().join(", "))
        } else {
            String::new()
        };
        return Err(AssistError::Input { line: *line, message: format!("{message}{more}; nothing was printed") });
    }
    for text in texts {
        let v = assistant.run_one(task, &text)?;
        writeln!(out, "{v}")?;
    }
    Ok(())
}

/// What [`train`] built.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    pub charges: usize,
    pub seen_charges: usize,
    pub vocabulary: usize,
    pub term_cases: usize,
    pub lm_bigrams: usize,
    pub files: Vec<(String, u64)>,
}

/// Rebuild every model from the shared data directory (deterministic).
pub fn train(data_dir: &Path, models_out: &Path) -> Result<TrainReport, AssistError> {
    let built = data::build_models(data_dir)?;
    std::fs::create_dir_all(models_out)?;
    let mut files = Vec::new();
    for (name, bytes) in [
        (CHARGES_FILE, &built.charges),
        (TERM_FILE, &built.term),
        (LM_FILE, &built.lm),
        (ENTITIES_FILE, &built.entities),
    ] {
        std::fs::write(models_out.join(name), bytes)?;
        files.push((name.to_string(), bytes.len() as u64));
    }
    Ok(TrainReport { files, ..built.report })
}

/// Score every task on the development sets and print a table; with `folds`, also the
/// cross-validation of the charge and term models over every labelled CAIL case
/// ([`data::cross_validate`]).
pub fn evaluate(data_dir: &Path, models: Option<&Path>, folds: Option<usize>, out: &mut dyn Write) -> Result<(), AssistError> {
    let mut rows = data::evaluate_all(Assistant::load(models)?, data_dir, None)?;
    if let Some(k) = folds {
        rows.extend(data::cross_validate(Assistant::load(models)?, data_dir, k)?);
    }
    writeln!(out, "| task | dev set | metric | score | ms/case |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for r in rows {
        writeln!(out, "| {} | {} | {} | {:.2} | {:.3} |", r.task, r.set, r.metric, r.score * 100.0, r.ms_per_case)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::CaseInput;

    #[test]
    fn inputs_read_their_charge_and_article_lines() {
        let a = CaseInput::parse("事实:被告人王某盗窃手机一部。\r\n罪名:盗窃。\r\n法条:刑法第264条");
        assert_eq!((a.facts.as_str(), a.charges.as_slice(), a.articles.as_slice()), ("被告人王某盗窃手机一部。", &["盗窃".to_string()][..], &[264][..]));
        // markers after the facts on the same line, a list joined by 、, names ending in 罪
        let b = CaseInput::parse("被告人王某盗窃手机一部。罪名：盗窃罪、诈骗罪 法条:刑法第264条、第266条");
        assert_eq!(b.facts, "被告人王某盗窃手机一部。");
        assert_eq!(b.charges, vec!["盗窃", "诈骗"]);
        assert_eq!(b.articles, vec![264, 266]);
        // a name with 、 of its own stays whole; lists split on ；，
        let c = CaseInput::parse("案情。\n罪名:走私、贩卖、运输、制造毒品，盗窃、侮辱尸体；窝藏、包庇");
        assert_eq!(c.charges, vec!["走私、贩卖、运输、制造毒品", "盗窃、侮辱尸体", "窝藏、包庇"]);
        // 、 between a known name and one the table does not know: the known one split off
        assert_eq!(CaseInput::parse("案情。\n罪名:盗窃、某某").charges, vec!["盗窃", "某某"]);
        // the facts' own words are never cut: a marker followed by a long line is text
        let long = format!("被告人称其罪名:{}", "甲".repeat(100));
        assert_eq!(CaseInput::parse(&long).facts, long);
    }

    #[test]
    fn numbers_for_reasons() {
        assert_eq!(super::num(77500.0), "77,500");
        assert_eq!(super::num(1234.5), "1,234.5");
        assert_eq!(super::num(14974.52), "14,974.52");
        assert_eq!(super::num(100.0), "100");
        assert_eq!(super::num(0.0), "0");
        assert_eq!(super::num(-2500.25), "-2,500.25");
    }
}
