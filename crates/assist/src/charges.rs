//! Charges (罪名) and Criminal Law articles from the facts.
//!
//! Key decision: the training cases cover few charges (train and test share only a handful), so
//! the score of a charge combines three sources and every charge in the label set gets a profile:
//! 1. similarity to the centroid of training cases with that charge (supervised, seen charges);
//! 2. similarity to the statute text of the article that defines the charge (all charges);
//! 3. fact cues: element phrases of the offence ([`crate::cues`], all charges).
//!
//! A charge whose definition absorbs another (寻衅滋事 the beating) demotes it when its decisive
//! cue is present. The charge → article map is the statute table of [`crate::statute`], else
//! co-occurrence in training, else name matching against the Criminal Law article texts.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::{Reason, segment};

pub type Sparse = Vec<(u32, f32)>;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ChargeEntry {
    /// Label as in the CAIL label set, e.g. `[走私、贩卖、运输、制造]毒品`.
    pub label: String,
    /// Readable name without brackets, e.g. `走私、贩卖、运输、制造毒品`.
    pub name: String,
    /// Criminal Law article numbers (most likely first).
    pub articles: Vec<u32>,
    /// Concrete names: bracket alternatives expanded (`走私毒品`, `贩卖毒品`, ...).
    pub variants: Vec<String>,
    /// Centroid of training cases (empty when unseen in training).
    pub centroid: Sparse,
    /// Statute text profile.
    pub profile: Sparse,
    /// Number of training cases.
    pub train_count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChargeModel {
    pub vocab: Vec<String>,
    pub idf: Vec<f32>,
    pub charges: Vec<ChargeEntry>,
    /// Criminal Law article texts by number (all 之一/之二 variants joined).
    pub articles: BTreeMap<u32, String>,
    pub weights: ChargeWeights,
    /// Second stage: classifiers that decide between two charges often confused with each other.
    #[serde(default)]
    pub pairs: Vec<PairModel>,
    /// Second stage: classifiers that decide whether two charges that judgments often convict
    /// together (数罪并罚) both apply: P(both | one of them).
    #[serde(default)]
    pub joint: Vec<PairModel>,
}

/// How far below the first charge a second one told decisively is kept when the facts say the
/// defendant answers for several offences.
pub const SEVERAL_RATIO: f32 = 0.5;

/// Charges convicted together most often in the training split (抢劫 with 盗窃, drug selling with
/// 容留他人吸毒).
pub const JOINT_PAIRS: &[(&str, &str)] = &[
    ("走私、贩卖、运输、制造毒品", "容留他人吸毒"),
    ("抢劫", "盗窃"),
    ("盗窃", "抢夺"),
    ("盗窃", "掩饰、隐瞒犯罪所得、犯罪所得收益"),
];

/// Pairs of seen charges that the first stage confuses most in 5-fold cross-validation on the
/// training split (assist-dev charges-cv): the first is the charge that absorbs the other's
/// facts (寻衅滋事 the beating, 合同诈骗 the fraud, 故意杀人 the injury).
pub const CONFUSED_PAIRS: &[(&str, &str)] = &[
    ("寻衅滋事", "故意伤害"),
    ("合同诈骗", "诈骗"),
    ("故意杀人", "故意伤害"),
    ("寻衅滋事", "故意毁坏财物"),
    ("信用卡诈骗", "诈骗"),
];

/// A logistic regression over the TF-IDF words of the facts: P(first charge | one of the two).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PairModel {
    pub first: String,
    pub second: String,
    pub bias: f32,
    pub weights: Sparse,
    pub train_cases: u32,
}

impl PairModel {
    pub fn probability(&self, x: &Sparse) -> f32 {
        1.0 / (1.0 + (-(self.bias + dot(x, &self.weights))).exp())
    }
}

/// Train one pair model by full-batch gradient descent with L2 regularisation (deterministic).
fn train_pair(first: &str, second: &str, xs: &[(Sparse, bool)], dim: usize) -> PairModel {
    let mut w = vec![0.0f32; dim];
    let mut b = 0.0f32;
    let n = xs.len().max(1) as f32;
    let (lr, l2) = (50.0f32, 1e-5f32);
    for _ in 0..200 {
        let mut gw = vec![0.0f32; dim];
        let mut gb = 0.0f32;
        for (x, y) in xs {
            let z = b + x.iter().map(|(i, v)| w[*i as usize] * v).sum::<f32>();
            let p = 1.0 / (1.0 + (-z).exp());
            let e = p - if *y { 1.0 } else { 0.0 };
            for (i, v) in x {
                gw[*i as usize] += e * v;
            }
            gb += e;
        }
        for i in 0..dim {
            w[i] -= lr * (gw[i] / n + l2 * w[i]);
        }
        b -= lr * gb / n;
    }
    let mut weights: Sparse = w.iter().enumerate().filter(|(_, v)| v.abs() > 1e-3).map(|(i, v)| (i as u32, *v)).collect();
    // keep the model small: the 600 largest weights
    if weights.len() > 600 {
        weights.sort_by(|a, c| c.1.abs().partial_cmp(&a.1.abs()).unwrap().then(a.0.cmp(&c.0)));
        weights.truncate(600);
        weights.sort_by_key(|x| x.0);
    }
    PairModel { first: first.to_string(), second: second.to_string(), bias: b, weights, train_cases: xs.len() as u32 }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ChargeWeights {
    pub centroid: f32,
    pub profile: f32,
    pub name: f32,
    /// A second charge is suggested when its score reaches this share of the best.
    pub second_ratio: f32,
    /// Weight of the fact cues ([`crate::cues`]).
    #[serde(default)]
    pub cue: f32,
    /// A further charge with a decisive cue is suggested when its score reaches this share.
    #[serde(default)]
    pub cue_ratio: f32,
}

impl Default for ChargeWeights {
    fn default() -> Self {
        ChargeWeights { centroid: 0.3, profile: 1.0, name: 0.0, second_ratio: 0.9, cue: 0.2, cue_ratio: 0.85 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChargeSuggestion {
    pub charge: String,
    pub score: f32,
    pub articles: Vec<u32>,
    pub reasons: Vec<Reason>,
}

/// Strip the CAIL bracket notation: `非法[持有、私藏][枪支、弹药]` → `非法持有、私藏枪支、弹药`.
pub fn plain_name(label: &str) -> String {
    label.chars().filter(|c| *c != '[' && *c != ']').collect()
}

/// Expand bracket alternatives into concrete names; names without brackets are split on 、 only
/// when that yields complete names (e.g. `窝藏、包庇` → `窝藏`, `包庇`).
pub fn variants(label: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut rest = label;
    while !rest.is_empty() {
        if let Some(stripped) = rest.strip_prefix('[') {
            let close = stripped.find(']').unwrap_or(stripped.len());
            let alts: Vec<&str> = stripped[..close].split('、').collect();
            out = out.iter().flat_map(|p| alts.iter().map(move |a| format!("{p}{a}"))).collect();
            rest = stripped.get(close + 1..).unwrap_or("");
        } else {
            let end = rest.find('[').unwrap_or(rest.len());
            for p in out.iter_mut() {
                p.push_str(&rest[..end]);
            }
            rest = &rest[end..];
        }
    }
    let mut v: Vec<String> = Vec::new();
    for o in out {
        for part in o.split('、') {
            if part.chars().count() >= 2 && !v.contains(&part.to_string()) {
                v.push(part.to_string());
            }
        }
    }
    v
}

fn bigrams(s: &str) -> Vec<String> {
    let c: Vec<char> = s.chars().collect();
    c.windows(2).map(|w| w.iter().collect()).collect()
}

/// Word counts of a text (jieba words of two or more characters containing a CJK character).
pub fn words(text: &str) -> HashMap<String, f32> {
    let mut m = HashMap::new();
    for w in segment(text) {
        if w.chars().count() >= 2 && w.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            *m.entry(w.to_string()).or_insert(0.0) += 1.0;
        }
    }
    m
}

pub struct Vectorizer<'a> {
    index: HashMap<&'a str, u32>,
    idf: &'a [f32],
}

impl<'a> Vectorizer<'a> {
    pub fn new(vocab: &'a [String], idf: &'a [f32]) -> Self {
        Vectorizer { index: vocab.iter().enumerate().map(|(i, w)| (w.as_str(), i as u32)).collect(), idf }
    }
    /// L2-normalised sublinear TF-IDF vector, sorted by index.
    pub fn vector(&self, counts: &HashMap<String, f32>) -> Sparse {
        let mut v: Sparse = counts
            .iter()
            .filter_map(|(w, &c)| self.index.get(w.as_str()).map(|&i| (i, (1.0 + c.ln()) * self.idf[i as usize])))
            .collect();
        v.sort_by_key(|x| x.0);
        normalise(&mut v);
        v
    }
}

pub fn normalise(v: &mut Sparse) {
    let n: f32 = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if n > 0.0 {
        for x in v.iter_mut() {
            x.1 /= n;
        }
    }
}

pub fn dot(a: &Sparse, b: &Sparse) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// Keep the `k` largest weights (model size), renormalised.
pub fn truncate(mut v: Sparse, k: usize) -> Sparse {
    if v.len() > k {
        v.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap().then(a.0.cmp(&b.0)));
        v.truncate(k);
        v.sort_by_key(|x| x.0);
    }
    normalise(&mut v);
    v
}

/// Matched words of two vectors, largest contribution first (for reasons).
fn shared_words(model: &ChargeModel, a: &Sparse, b: &Sparse, k: usize) -> Vec<String> {
    let bm: HashMap<u32, f32> = b.iter().copied().collect();
    let mut s: Vec<(f32, u32)> = a.iter().filter_map(|(i, w)| bm.get(i).map(|x| (x * w, *i))).collect();
    s.sort_by(|x, y| y.0.partial_cmp(&x.0).unwrap().then(x.1.cmp(&y.1)));
    s.into_iter().map(|(_, i)| &model.vocab[i as usize]).filter(|w| !no_reason_word(w)).take(k).cloned().collect()
}

/// A word no reason should show: a place or a masked person (`贵阳市`, `东风镇`, `王某`), shared by
/// a case and its neighbours by chance, or the statute's own connectives (`或者`, `以下`, `规定`).
fn no_reason_word(w: &str) -> bool {
    const CONNECTIVES: &[&str] = &["或者", "以下", "以上", "规定", "处罚", "依照", "本法", "其他", "行为", "造成", "进行", "有关", "处以"];
    w.contains('某') || CONNECTIVES.contains(&w) || (w.chars().count() >= 3 && w.ends_with(['省', '市', '县', '区', '镇', '乡', '村', '路', '街', '州']))
}

/// Share of the charge name found in the facts: best variant, by character pairs, with a bonus
/// for the whole name occurring verbatim. Returns (score, matched text).
fn name_match(entry: &ChargeEntry, facts: &str, spans: &std::cell::OnceCell<Vec<(usize, usize)>>) -> (f32, String) {
    let mut best = (0.0f32, String::new());
    // (a short part of a name that joins several acts, `组织` of 组织、领导传销活动 or `盗窃` of
    // 盗窃、抢夺枪支、弹药、爆炸物, names no charge; a charge whose name is short is its own)
    for v in entry.variants.iter().filter(|v| v.chars().count() >= 4 || **v == entry.name) {
        let s = if facts.contains(v.as_str()) && names_as_words(facts, v, spans.get_or_init(|| word_spans(facts))) {
            1.0
        } else {
            let bg = bigrams(v);
            if bg.is_empty() {
                0.0
            } else {
                0.7 * bg.iter().filter(|b| facts.contains(b.as_str())).count() as f32 / bg.len() as f32
            }
        };
        if s > best.0 {
            best = (s, v.clone());
        }
    }
    best
}

/// The text before each `罪` that names a charge the defendant answers for now (`以非法持有枪支罪
/// 追究其刑事责任`, `已构成伪造国家机关印章罪`, `因涉嫌盗窃罪被刑事拘留`): the twenty characters
/// before it, unless the clause goes on to an earlier sentence or penalty (`因犯盗窃罪被判处有期
/// 徒刑`, `刑满释放`), which is a record, not this case.
fn charged_names(facts: &str) -> Vec<String> {
    facts
        .match_indices('罪')
        .filter(|(i, _)| {
            let after = &facts[i + '罪'.len_utf8()..];
            let clause: String = after.chars().take_while(|c| !matches!(c, '，' | '。' | '；' | ',' | ';')).collect();
            let record = ["判处", "刑满", "释放", "服刑", "假释", "被判", "判决", "劳动教养", "劳教", "缓刑", "处罚"].iter().any(|k| clause.contains(k));
            // (`因犯破坏生产经营罪，于1998年…被判处`: an earlier conviction told first)
            let before: String = facts[..*i].chars().rev().take(16).collect::<Vec<_>>().into_iter().rev().collect();
            !record && !["因犯", "曾犯", "曾因", "犯有"].iter().any(|k| before.contains(k))
        })
        .map(|(i, _)| facts[..i].chars().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect())
        .collect()
}

/// The byte spans (start, end) of every dictionary word jieba finds in `text` (all cuts, words of
/// two or more characters), to tell whether a charge's name is written as words of its own.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    crate::jieba().cut_all(text).into_iter().filter(|w| w.word.chars().count() >= 2).map(|w| (w.byte_start, w.byte_end)).collect()
}

/// Whether `text` writes `name` as words of its own: an occurrence that dictionary words do not
/// straddle on both sides, one beginning before it and ending inside, one beginning inside and
/// ending after it (`引爆炸鱼`: 引爆 and 炸鱼 do; it does not name 爆炸). A word running on into
/// `罪` or `案` does not count (`犯贷款诈骗罪` names 贷款诈骗).
fn names_as_words(text: &str, name: &str, spans: &[(usize, usize)]) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let end = i + name.len();
        let left = spans.iter().any(|&(s, e)| s < i && e > i && e < end);
        let right = !text[end..].starts_with(['罪', '案']) && spans.iter().any(|&(s, e)| s > i && s < end && e > end);
        !(left && right)
    })
}

impl ChargeModel {
    pub fn vectorizer(&self) -> Vectorizer<'_> {
        Vectorizer::new(&self.vocab, &self.idf)
    }

    /// Scores of every charge, best first.
    pub fn rank(&self, facts: &str) -> Vec<(usize, f32, f32, f32, f32)> {
        let vz = self.vectorizer();
        // (the words and names of other people's matters are not this case's: `已另案以非法拘禁罪处理`)
        let own = crate::cues::strip_others(facts);
        let x = vz.vector(&words(&own));
        let w = self.weights;
        let cues = crate::cues::cue_scores(facts);
        // the charges named outright as the ones the defendant answers for: the longest name
        // that ends the words before `罪`, when one charge alone has it (`公用电信设施` ends two)
        let mut named: Vec<usize> = Vec::new();
        for before in charged_names(&own) {
            let mut best: (usize, Vec<usize>) = (0, Vec::new());
            for (i, c) in self.charges.iter().enumerate() {
                for v in c.variants.iter().chain(std::iter::once(&c.name)) {
                    let len = v.chars().count();
                    if len >= 4 && before.ends_with(v.as_str()) {
                        if len > best.0 {
                            best = (len, vec![i]);
                        } else if len == best.0 && !best.1.contains(&i) {
                            best.1.push(i);
                        }
                    }
                }
            }
            if let [i] = best.1[..] {
                named.push(i);
            }
        }
        let mut scored: Vec<(usize, f32, f32, f32, f32)> = self
            .charges
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let a = if c.centroid.is_empty() { 0.0 } else { dot(&x, &c.centroid) };
                let b = dot(&x, &c.profile);
                let mut n = cues.iter().find(|q| q.0 == c.name).map(|q| q.1).unwrap_or(0.0);
                // the charge named outright as the one the defendant is prosecuted for
                if named.contains(&i) {
                    n = n.max(1.0);
                }
                (i, w.centroid * a + w.profile * b + w.cue * n, a, b, n)
            })
            .collect();
        scored.sort_by(|p, q| q.1.partial_cmp(&p.1).unwrap().then(p.0.cmp(&q.0)));
        scored
    }

    pub fn predict(&self, facts: &str) -> Vec<ChargeSuggestion> {
        let mut ranked = self.rank(facts);
        // facts that match no cue and are too short to read (a name alone, `被告人张某`) or share
        // no word with any charge's cases or statute (empty) suggest nothing
        let hanzi = facts.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
        if ranked.first().is_none_or(|r| r.4 <= 0.0 && (hanzi < MIN_FACTS || r.1 <= 0.0)) {
            return Vec::new();
        }
        // a charge that absorbs another (寻衅滋事 the beating, 合同诈骗 the fraud) pushes it down
        // when its decisive cue is present
        let text = crate::cues::strip_record(facts);
        let strong = |name: &str| ranked.iter().any(|r| r.4 >= 1.0 && self.charges[r.0].name == name);
        let mut demote: Vec<&str> = Vec::new();
        let mut absorbed: Vec<(&str, &str)> = Vec::new();
        for (winner, loser, cond) in crate::cues::DOMINATES {
            if strong(winner) && crate::cues::matches(&text, cond) {
                demote.push(loser);
                absorbed.push((winner, loser));
            }
        }
        // an offence after the fact: the principal's offence, told in the facts, is someone else's
        let accessory_rule = crate::cues::ACCESSORY.iter().find(|(name, _, cond, _)| strong(name) && crate::cues::matches(&text, cond));
        let accessory: Option<&str> = accessory_rule.map(|(name, _, _, _)| *name);
        // a state functionary is not the subject of the charges reserved for company staff
        let office = crate::cues::state_functionary(&text);
        let official = office.is_some_and(|cl| !crate::cues::is_village_office(cl));
        // a village office assisting the government handles public property as a state
        // functionary (刑法第93条第2款): not 职务侵占 or 挪用资金 (its bribes are left alone: the
        // one CAIL case, its duties mixed, is 非国家工作人员受贿)
        let assisting = !official && office.is_some() && crate::cues::assists_government(&text);
        // a duty crime: the offences told in the facts (land occupied, minerals mined) are the
        // acts the office let happen; only the corruption and duty chapters (刑法第382–419条)
        // keep their score
        let duty = crate::cues::duty_crime(&text).is_some();
        // a victim under fourteen: 猥亵儿童 (刑法第237条第3款), not the adult offence of 第1款
        let child = crate::cues::child_victim(&text);
        // company staff taking money: 非国家工作人员受贿 (刑法第163条), not the state bribery charges
        let company_bribe = crate::cues::company_staff(&text).is_some()
            && crate::cues::matches(&text, "收受|索要|索取|好处费|回扣|贿赂|感谢费")
            && !crate::cues::matches(&text, crate::cues::PUBLIC_INSTITUTION_BUYER);
        // a protected status the facts deny (`不属于国家重点保护植物`) is an element missing
        let unprotected = crate::cues::protection_denied(facts);
        // a bribe under 5,000 yuan (the 1997 刑法第383条 left it to administrative sanction unless
        // the circumstances were serious; 法释〔2016〕9号 puts it under its lowest threshold): no
        // bribery offence suggested, the office's other acts stand
        let petty_bribe = crate::cues::bribe_total(&text).is_some_and(|t| t < 5000.0);
        // no injury beyond 轻微伤: not 故意伤害 (刑法第234条 begins at 轻伤)
        let minor_injury = crate::cues::minor_injury_only(&text);
        // no death, serious injury or loss beyond repair: not 交通肇事 (法释〔2000〕33号第2条)
        let no_grave_harm = crate::cues::no_grave_harm(&text);
        // gambling only where the money went: no gambling offence (刑法第303条)
        let spent_on_gambling = crate::cues::gambling_only_spent(&text);
        // no sexual act told: no sexual offence
        let no_sexual_act = crate::cues::no_sexual_act(&text);
        // no violence, threat or snatching told: no robbery
        let no_violence = crate::cues::no_violence(&text);
        // goods known to be another's proceeds, and no taking of the defendant's own: the
        // offence that produced them is not his (刑法第312条)
        let receiving_only = strong("掩饰、隐瞒犯罪所得、犯罪所得收益") && crate::cues::receiving_only(&text);
        // 刑法第175条之一 is a loan obtained from a bank or other financial institution by
        // deceit: with none named (`以办理贷款需交纳保证金为由骗取被害人`) the loan is the fraud's
        // pretext (every CAIL case of the charge names the lender)
        let no_lender = !crate::cues::matches(&text, crate::cues::LENDERS);
        // a loan promised to the person deceived is the fraud's pretext: no loan offence
        let loan_pretext = crate::cues::matches(&text, crate::cues::LOAN_PRETEXT);
        // blood alcohol written below 80 mg/100 ml (GB 19522: 醉酒驾驶 begins there) and no other
        // way of 刑法第133条之一 told: drinking and driving is no offence of that article
        let sober = crate::term::blood_alcohol(facts).is_some_and(|b| b < 80.0)
            && !crate::cues::matches(&text, "追逐竞驶|超过额定乘员|超过规定时速|危险化学品|校车|旅客运输");
        // food offences (刑法第143条、第144条) need food: none named, none of them
        let no_food = !crate::cues::matches(&text, crate::cues::FOOD_WORDS);
        // the only theft told is one the defendant suspected someone of: not his 盗窃
        let suspected_theft = crate::cues::theft_only_suspected(&text);
        // protected plants traded by the defendant, felled (if at all) by others
        let plants_traded = strong("非法收购、运输、加工、出售国家重点保护植物、国家重点保护植物制品") && crate::cues::plants_traded_not_felled(&text);
        // an injury in an accident or at work with no blow struck is the accident's harm (刑法第
        // 133–139条), not 故意伤害 (第234条 needs the injuring act)
        // (nor is a kept dog's bite, a fall after a step missed or a child hurt by what its carer
        // left: `cues::negligent_harm`)
        let accident_harm = (crate::cues::matches(&text, "事故|施工|作业|不慎|疏忽|过于自信|没有预见|未预见|嬉戏|打闹|玩耍|倒车") && !crate::cues::matches(&text, crate::cues::BLOWS))
            || crate::cues::negligent_harm(&text).is_some();
        let suspected_embezzling = crate::cues::embezzling_only_suspected(&text);
        // every age written is fourteen or more, the victim's among them: no 猥亵儿童
        let adult_victim = crate::cues::adult_victim_only(&text) && !child;
        let mut demoted: Vec<usize> = Vec::new();
        for r in ranked.iter_mut() {
            let c = &self.charges[r.0];
            let name = c.name.as_str();
            // (刑法第273条: special funds misused by those who manage them, mostly officials, is
            // the special provision beside 第397条)
            let duty_chapter = c.articles.first().is_some_and(|a| (382..=419).contains(a) || *a == 273);
            if demote.contains(&name)
                || accessory.is_some_and(|a| a != name)
                || duty && !duty_chapter
                || child && name == "强制猥亵、侮辱妇女"
                || company_bribe && crate::cues::STATE_BRIBERY.contains(&name)
                || official && crate::cues::NON_STATE_SUBJECT.contains(&name)
                || assisting && (name == "职务侵占" || name == "挪用资金")
                || unprotected && crate::cues::PROTECTED_STATUS.contains(&name)
                || minor_injury && name == "故意伤害"
                || no_grave_harm && name == "交通肇事"
                || spent_on_gambling && (name == "赌博" || name == "开设赌场")
                || no_sexual_act && crate::cues::SEXUAL_OFFENCES.contains(&name)
                || no_violence && name == "抢劫"
                || petty_bribe && crate::cues::BRIBE_TAKING.contains(&name)
                || receiving_only && ["盗窃", "抢劫", "诈骗", "抢夺"].contains(&name)
                || (no_lender || loan_pretext) && (name == "骗取贷款、票据承兑、金融票证" || name == "贷款诈骗")
                || sober && name == "危险驾驶"
                || no_food && name.ends_with("食品")
                || suspected_theft && name == "盗窃"
                || accident_harm && name == "故意伤害"
                || plants_traded && name == "非法采伐、毁坏国家重点保护植物"
                || suspected_embezzling && ["职务侵占", "贪污", "挪用资金", "挪用公款"].contains(&name)
                || adult_victim && name == "猥亵儿童"
                // 刑法第417条 is an offence of officials charged with stopping crime: no office
                // told, no such offence (a father helping his son is 第307条's or 第310条's)
                || office.is_none() && name == "帮助犯罪分子逃避处罚"
            {
                r.1 *= 0.6;
                demoted.push(r.0);
            }
            // the accident offences (刑法第134–139条) are those of the people who run the work;
            // the official who watched over it answers for his duty (刑法第397条): demoted once
            // more beside the duty demotion above, which left them over the duty crime
            if duty && c.articles.first().is_some_and(|a| (134..=139).contains(a)) {
                r.1 *= 0.6;
            }
        }
        // an offence another absorbs does not outrank it (伪造货币 over holding the notes it made,
        // 刑法第171条第3款): at most 0.8 of the absorbing one's score, below the share that keeps a
        // second charge (no CAIL answer moves; one invented case does)
        for (winner, loser) in &absorbed {
            let ws = ranked.iter().find(|r| self.charges[r.0].name == *winner).map(|r| r.1);
            if let (Some(ws), Some(l)) = (ws, ranked.iter_mut().find(|r| self.charges[r.0].name == *loser)) {
                l.1 = l.1.min(ws * 0.8);
            }
        }
        ranked.sort_by(|p, q| q.1.partial_cmp(&p.1).unwrap().then(p.0.cmp(&q.0)));
        let vz = self.vectorizer();
        let x = vz.vector(&words(&crate::cues::strip_others(facts)));
        let mut out: Vec<ChargeSuggestion> = Vec::new();
        let top = ranked[0].1;
        // the words of the facts, cut only when a name is written in them
        let spans = std::cell::OnceCell::new();
        // the facts say the defendant answers for several offences (数罪并罚, 刑法第69条): a
        // second charge told decisively is kept further below the first
        let several = crate::cues::several_offences_told(&text);
        for (k, &(i, s, a, b, n)) in ranked.iter().enumerate() {
            if k > 0 && (out.len() > 2 || s < top * self.weights.cue_ratio) {
                if several && out.len() == 1 && s >= top * SEVERAL_RATIO {
                    if n < 1.0 || demoted.contains(&i) {
                        continue;
                    }
                } else {
                    break;
                }
            }
            // a decisive cue a rule above ruled out (the loser of a special provision, an element
            // the facts deny) does not keep a charge far below the first
            if k > 0 && (demoted.contains(&i) || s < top * self.weights.second_ratio && n < 1.0) {
                continue;
            }
            let c = &self.charges[i];
            let mut reasons = Vec::new();
            let (nm, matched) = name_match(c, facts, &spans);
            if nm >= 1.0 {
                reasons.push(Reason::fact(format!("案情中出现罪名“{}”：{}", c.name, matched)));
            }
            if n > 0.0
                && let Some(q) = crate::cues::cue_scores(facts).into_iter().find(|q| q.0 == c.name)
            {
                // a rule's own summary (not words of the facts) is said as what the facts show
                let how = if crate::cues::matches(&text, q.2) { "案情含有" } else { "案情显示：" };
                reasons.push(Reason::fact(format!("{how}{}（{}罪的证据权重{:.1}）", crate::cues::describe(&text, q.2), c.name, q.1)));
            }
            if duty && c.name.as_str() == crate::cues::duty_crime(&text).map_or("", |d| d.0)
                && let Some(office) = crate::cues::state_functionary(&text)
            {
                reasons.push(Reason::fact(format!(
                    "被告人系国家机关工作人员（刑法第93条）：{office}；案情所述其他犯罪行为系其职务上放任发生的后果"
                )));
            }
            if let Some((_, art, _, shows)) = accessory_rule.filter(|r| r.0 == c.name.as_str()) {
                reasons.push(Reason::statute(*art, format!("{shows}（刑法第{art}条），故不对被告人建议该案的罪名")));
            }
            if a > 0.0 {
                let kw = shared_words(self, &x, &c.centroid, 6).join("、");
                let shared = if kw.is_empty() { String::new() } else { format!("；共有词：{kw}") };
                reasons.push(Reason::similar(format!("与{}罪的{}件训练案例相似（余弦相似度{:.2}{shared}）", c.name, c.train_count, a)));
            }
            if let Some(art) = c.articles.first() {
                let kw = shared_words(self, &x, &c.profile, 6).join("、");
                // the article is cited either way; its words only when the facts share some
                if kw.is_empty() || b < 0.005 {
                    reasons.push(Reason::statute(*art, format!("{}罪规定于刑法第{art}条", c.name)));
                } else {
                    reasons.push(Reason::statute(*art, format!("刑法第{art}条条文与案情相符（余弦相似度{b:.2}；共有词：{kw}）")));
                }
            }
            if out.is_empty() && unprotected && demoted.iter().any(|d| crate::cues::PROTECTED_STATUS.contains(&self.charges[*d].name.as_str())) {
                reasons.push(Reason::statute(344, "案情载明对象不属于国家重点保护植物或珍贵、濒危野生动物，刑法第341条第1款、第344条之罪缺少犯罪对象要件，不予建议".to_string()));
            }
            out.push(ChargeSuggestion { charge: c.name.clone(), score: s, articles: adjust_articles(&c.name, &c.articles, facts), reasons });
        }
        let decisive = |name: &str| ranked.iter().any(|r| r.4 >= 1.0 && !demoted.contains(&r.0) && self.charges[r.0].name == name);
        // second stage: a trained decision between two charges the first stage confuses
        if let Some(first) = out.first().map(|o| o.charge.clone()) {
            for pm in &self.pairs {
                let other = if first == pm.first { &pm.second } else if first == pm.second { &pm.first } else { continue };
                // the other charge must be a close candidate
                let Some(oi) = self.charges.iter().position(|c| &c.name == other) else { continue };
                let Some(rank) = ranked.iter().position(|r| r.0 == oi) else { continue };
                if rank > 5 {
                    continue;
                }
                let p = pm.probability(&x);
                let winner = if p >= 0.5 { &pm.first } else { &pm.second };
                let loser = if p >= 0.5 { &pm.second } else { &pm.first };
                // a charge whose element the facts state outright (a decisive cue no rule above
                // ruled out) is not overruled by the words of the cases, unless the other's element
                // is stated too (CAIL 5-fold CV 83.26 → 83.50)
                if decisive(loser) && !decisive(winner) {
                    break;
                }
                let why = Reason::similar(format!(
                    "第二阶段判别模型（以{}罪或{}罪的{}件训练案例训练）：判为{}罪的概率为{:.2}",
                    pm.first, pm.second, pm.train_cases, pm.first, p
                ));
                out.retain(|o| &o.charge != loser);
                if let Some(o) = out.iter_mut().find(|o| &o.charge == winner) {
                    o.reasons.push(why);
                } else {
                    let c = &self.charges[self.charges.iter().position(|c| &c.name == winner).unwrap()];
                    let score = top;
                    out.insert(0, ChargeSuggestion { charge: c.name.clone(), score, articles: adjust_articles(&c.name, &c.articles, facts), reasons: vec![why] });
                }
                break;
            }
        }
        // second stage: both charges of a pair often convicted together, or only the first
        if let Some(first) = out.first().map(|o| o.charge.clone()) {
            for pm in &self.joint {
                let other = if first == pm.first { &pm.second } else if first == pm.second { &pm.first } else { continue };
                let p = pm.probability(&x);
                let why = Reason::similar(format!(
                    "第二阶段判别模型（以{}罪或{}罪的{}件训练案例训练）：两罪同时认定的概率为{:.2}",
                    pm.first, pm.second, pm.train_cases, p
                ));
                // the model adds the other charge only when the facts tell its own elements (a
                // cue of it) and no rule above ruled it out
                let own = ranked.iter().find(|r| &self.charges[r.0].name == other).is_some_and(|r| r.4 > 0.0 && !demoted.contains(&r.0));
                if p >= 0.5 {
                    if !out.iter().any(|o| &o.charge == other) && own
                        && let Some(c) = self.charges.iter().find(|c| &c.name == other)
                    {
                        out.push(ChargeSuggestion { charge: c.name.clone(), score: top * p, articles: adjust_articles(&c.name, &c.articles, facts), reasons: vec![why] });
                    }
                // only the first, unless the facts state the other's element outright (then it
                // stays: CAIL CV 83.50 → 83.57)
                } else if !(decisive(other) && out.iter().any(|o| &o.charge == other)) {
                    out.retain(|o| &o.charge != other);
                    if let Some(o) = out.first_mut() {
                        o.reasons.push(why);
                    }
                }
                break;
            }
        }
        // the merged CAIL label that judgments carry together with the specific charge
        for (spec, merged) in crate::statute::COMPANIONS {
            if out.iter().any(|o| o.charge == *spec) && !out.iter().any(|o| o.charge == *merged)
                && let Some(c) = self.charges.iter().find(|c| c.name == *merged)
            {
                let score = out.iter().find(|o| o.charge == *spec).map(|o| o.score).unwrap_or(0.0);
                let reasons = vec![Reason::rule(format!("{merged}为涵盖{spec}的选择性罪名，裁判文书通常一并列出"))];
                out.push(ChargeSuggestion { charge: c.name.clone(), score, articles: Vec::new(), reasons });
            }
        }
        self.add_count_charges(facts, &mut out);
        out
    }

    /// An indictment of several counts (`（一）故意伤害犯罪事实…（二）非法持有枪支犯罪事实…`,
    /// `一、…二、…`): each count is an offence of its own (数罪, 刑法第69条), so the charge a
    /// count tells decisively (its cue, a score near the whole text's best) is added when the
    /// whole text's ranking left it out.
    fn add_count_charges(&self, facts: &str, out: &mut Vec<ChargeSuggestion>) {
        let counts = count_segments(facts);
        if counts.len() < 2 {
            return;
        }
        for (k, seg) in counts.iter().enumerate() {
            if out.len() >= 3 {
                break;
            }
            // (gambling only where the count's money went is no gambling offence, 刑法第303条)
            let spent = crate::cues::gambling_only_spent(&crate::cues::strip_record(seg));
            let ranked: Vec<_> = self.rank(seg).into_iter().filter(|r| !(spent && ["赌博", "开设赌场"].contains(&self.charges[r.0].name.as_str()))).collect();
            let Some(&(i, s, _, _, n)) = ranked.first() else { continue };
            let c = &self.charges[i];
            if n < 0.9 || out.iter().any(|o| o.charge == c.name) || ranked.get(1).is_some_and(|r| r.1 > s * 0.9) {
                continue;
            }
            let mut reasons = vec![Reason::rule(format!("起诉书分项指控数罪（刑法第69条），第{}项事实所述为{}罪", k + 1, c.name))];
            // the words of that count that carry the charge, as the whole text's suggestions cite theirs
            if let Some(q) = crate::cues::cue_scores(seg).into_iter().find(|q| q.0 == c.name) {
                let text = crate::cues::strip_record(seg);
                reasons.push(Reason::fact(format!("第{}项含有{}（{}罪的证据权重{:.1}）", k + 1, crate::cues::describe(&text, q.2), c.name, q.1)));
            }
            out.push(ChargeSuggestion { charge: c.name.clone(), score: s, articles: adjust_articles(&c.name, &c.articles, facts), reasons });
        }
    }

    /// The model's name for a charge named in an input: a CAIL label with or without brackets
    /// (`[走私、贩卖、运输、制造]毒品`), or one of the concrete offences a label covers, as a
    /// judgment names it (`贩卖毒品`, `包庇`); any other name is returned as given (plain, without
    /// a trailing 罪).
    pub fn resolve(&self, charge: &str) -> String {
        let key = plain_name(charge.trim().trim_end_matches(['。', '罪']));
        if self.charges.iter().any(|c| c.name == key) {
            return key;
        }
        // the label set writes its labels without brackets (`走私、贩卖、运输、制造毒品`): a
        // concrete offence is one of its alternatives in order with the ending they share, so
        // its characters appear in the label in order and it ends as the label ends; the
        // shortest such label is the most specific (`介绍卖淫`: 引诱、容留、介绍卖淫)
        let chars: Vec<char> = key.chars().collect();
        let covers = |name: &str| {
            let mut rest = name.chars();
            name.contains('、') && chars.len() >= 2 && chars.iter().all(|k| rest.any(|c| c == *k)) && name.chars().rev().take(2).eq(chars.iter().rev().take(2).copied())
        };
        match self.charges.iter().filter(|c| covers(&c.name)).min_by_key(|c| c.name.chars().count()) {
            Some(c) => c.name.clone(),
            None => key,
        }
    }

    /// Articles of a named charge (CAIL label or plain name, or a concrete name it covers).
    pub fn articles_of(&self, charge: &str) -> Option<&[u32]> {
        let key = self.resolve(charge);
        if let Some(a) = crate::statute::charge_articles(&key) {
            return Some(a);
        }
        self.charges.iter().find(|c| c.name == key).or_else(|| self.charges.iter().find(|c| c.name.contains(&key) || key.contains(&c.name))).map(|c| c.articles.as_slice())
    }
}

/// The articles cited for a charge in a given case: the defining article(s), with 第一百一十五条
/// instead of 第一百一十四条 when the endangering act caused death, injury or serious loss,
/// 第三百五十六条 (drug recidivism) when a drug offender had been sentenced for drugs before, the
/// section's article on unit offences when a unit is a defendant ([`crate::statute::unit_article`]),
/// and 第一百九十六条 beside 第二百六十四条 when a stolen credit card was used (第196条第3款).
pub fn adjust_articles(name: &str, base: &[u32], facts: &str) -> Vec<u32> {
    let mut v = base.to_vec();
    if v == [114] && ["死亡", "重伤", "轻伤", "烧毁", "损失"].iter().any(|w| facts.contains(w)) {
        v = vec![115];
    }
    // a unit among the defendants: the section's article on unit offences
    if let Some(u) = v.first().and_then(|a| crate::statute::unit_article(*a))
        && facts.contains("被告单位") && !v.contains(&u)
    {
        v.push(u);
    }
    // a stolen credit card used: theft (刑法第196条第3款), both articles cited
    if name == "盗窃" && crate::cues::matches(facts, STOLEN_CARD_USED) {
        v.push(196);
    }
    if v.first() == Some(&347) || v.first() == Some(&348) || name == "容留他人吸毒" {
        let prior = facts.match_indices("曾因").any(|(i, _)| facts[i..].chars().take(40).collect::<String>().contains("毒品"))
            || facts.contains("毒品再犯")
            || facts.contains("再犯");
        if prior {
            v.push(356);
        }
    }
    v
}

const STOLEN_CARD_USED: &str = "(盗|窃|偷|拿走)+(信用卡|银行卡|储蓄卡|借记卡)+(取款|取现|消费|转账|支取|刷卡|提现)";

/// One training case for the charge model.
pub struct ChargeCase<'a> {
    pub facts: &'a str,
    pub charges: &'a [String],
    pub articles: &'a [u32],
}

/// Build the charge model: vocabulary and IDF over training facts and statute articles,
/// centroids of training cases, statute profiles for every label.
pub fn train_charges(labels: &[String], cases: &[ChargeCase], articles: &BTreeMap<u32, String>) -> ChargeModel {
    // documents: training facts + articles
    let case_words: Vec<HashMap<String, f32>> = cases.iter().map(|c| words(c.facts)).collect();
    let art_words: BTreeMap<u32, HashMap<String, f32>> = articles.iter().map(|(n, t)| (*n, words(t))).collect();
    let mut df: BTreeMap<String, u32> = BTreeMap::new();
    for d in case_words.iter().chain(art_words.values()) {
        for w in d.keys() {
            *df.entry(w.clone()).or_default() += 1;
        }
    }
    let ndocs = (case_words.len() + art_words.len()) as f32;
    // keep words seen in 2+ documents, or in any article (rare statute words matter)
    let art_vocab: std::collections::HashSet<&String> = art_words.values().flat_map(|m| m.keys()).collect();
    let vocab: Vec<String> = df.iter().filter(|(w, n)| **n >= 2 || art_vocab.contains(w)).map(|(w, _)| w.clone()).collect();
    let idf: Vec<f32> = vocab.iter().map(|w| (ndocs / (1.0 + df[w] as f32)).ln() + 1.0).collect();
    let vz = Vectorizer::new(&vocab, &idf);

    // charge → article co-occurrence; both by plain name, as the cases write a label with its
    // brackets (`[走私、贩卖、运输、制造]毒品`) and the label set without
    let mut co: HashMap<String, BTreeMap<u32, u32>> = HashMap::new();
    let mut centroids: HashMap<String, (Vec<f32>, u32)> = HashMap::new();
    for (c, w) in cases.iter().zip(&case_words) {
        let v = vz.vector(w);
        for ch in c.charges {
            let e = centroids.entry(plain_name(ch)).or_insert_with(|| (vec![0.0; vocab.len()], 0));
            for (i, x) in &v {
                e.0[*i as usize] += x;
            }
            e.1 += 1;
            if c.charges.len() == 1 {
                for a in c.articles {
                    *co.entry(plain_name(ch)).or_default().entry(*a).or_default() += 1;
                }
            }
        }
    }
    let mut global = vec![0.0f32; vocab.len()];
    for w in &case_words {
        for (i, x) in vz.vector(w) {
            global[i as usize] += x / case_words.len() as f32;
        }
    }
    // article statistics for name → article matching
    let mut bigram_df: HashMap<String, u32> = HashMap::new();
    for t in articles.values() {
        let mut seen: Vec<String> = bigrams(t);
        seen.sort();
        seen.dedup();
        for b in seen {
            *bigram_df.entry(b).or_default() += 1;
        }
    }
    let nart = articles.len() as f32;
    // the cases write a label with its brackets, which tell its concrete offences apart
    // (`[走私、贩卖、运输、制造]毒品` → 贩卖毒品 …); the label set has lost them
    let bracketed: HashMap<String, &str> = cases.iter().flat_map(|c| c.charges.iter()).filter(|l| l.contains('[')).map(|l| (plain_name(l), l.as_str())).collect();
    // name, concrete names and articles of every label
    let heads: Vec<(String, Vec<String>, Vec<u32>)> = labels
        .iter()
        .map(|label| {
            let name = plain_name(label);
            let vars = variants(bracketed.get(&name).copied().unwrap_or(label));
            let articles_for = match (crate::statute::charge_articles(&name), co.get(&name)) {
                (Some(a), _) => a.to_vec(),
                (None, Some(m)) if !m.is_empty() => {
                    let mut v: Vec<(u32, u32)> = m.iter().map(|(a, n)| (*a, *n)).collect();
                    v.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
                    vec![v[0].0]
                }
                _ => vec![match_article(&vars, articles, &bigram_df, nart)],
            };
            (name, vars, articles_for)
        })
        .collect();
    let charges = labels
        .iter()
        .zip(&heads)
        .enumerate()
        .map(|(i, (label, (name, vars, articles_for)))| {
            let (name, vars, articles_for) = (name.clone(), vars.clone(), articles_for.clone());
            let (centroid, count) = match centroids.get(&name) {
                Some((v, n)) => {
                    // discriminative centroid: the charge's mean minus the mean of all cases
                    let s: Sparse = v
                        .iter()
                        .enumerate()
                        .map(|(i, x)| (i as u32, x / *n as f32 - global[i]))
                        .filter(|(_, x)| *x > 0.0)
                        .collect();
                    (truncate(s, 400), *n)
                }
                None => (Vec::new(), 0),
            };
            let mut w = profile_words(i, &heads, articles, REST_OF_ARTICLE);
            for v in &vars {
                for (k, c) in words(v) {
                    *w.entry(k).or_insert(0.0) += 3.0 * c;
                }
            }
            let profile = truncate(vz.vector(&w), 200);
            ChargeEntry { label: label.clone(), name, articles: articles_for, variants: vars, centroid, profile, train_count: count }
        })
        .collect();
    // second stage: one classifier per confused pair, on the cases with exactly one of the two
    let mut pairs = Vec::new();
    for (a, b) in CONFUSED_PAIRS {
        let mut xs: Vec<(Sparse, bool)> = Vec::new();
        for (c, w) in cases.iter().zip(&case_words) {
            let names: Vec<String> = c.charges.iter().map(|x| plain_name(x)).collect();
            let has_a = names.iter().any(|n| n == a);
            let has_b = names.iter().any(|n| n == b);
            if has_a != has_b {
                xs.push((vz.vector(w), has_a));
            }
        }
        let (na, nb) = (xs.iter().filter(|x| x.1).count(), xs.iter().filter(|x| !x.1).count());
        if na >= 10 && nb >= 10 {
            pairs.push(train_pair(a, b, &xs, vocab.len()));
        }
    }
    let mut joint = Vec::new();
    for (a, b) in JOINT_PAIRS {
        let mut xs: Vec<(Sparse, bool)> = Vec::new();
        for (c, w) in cases.iter().zip(&case_words) {
            let names: Vec<String> = c.charges.iter().map(|x| plain_name(x)).collect();
            let has_a = names.iter().any(|n| n == a);
            let has_b = names.iter().any(|n| n == b);
            if has_a || has_b {
                xs.push((vz.vector(w), has_a && has_b));
            }
        }
        let both = xs.iter().filter(|x| x.1).count();
        if both >= 10 && xs.len() - both >= 10 {
            joint.push(train_pair(a, b, &xs, vocab.len()));
        }
    }
    ChargeModel { vocab, idf, charges, articles: articles.clone(), weights: ChargeWeights::default(), pairs, joint }
}

/// Weight of the paragraphs of a charge's article that do not define it nor another charge
/// (chosen by `assist-dev charges-unseen`: 0 → 0.6 raised the leave-charges-out F1 74.5 → 76.0
/// and 5-fold CV 82.0 → 82.9; 1.0, the whole article, no better and dev lower).
const REST_OF_ARTICLE: f32 = 0.6;

/// Facts of fewer Chinese characters than this that match no cue suggest nothing: a name alone
/// (`被告人张某`) shares only the words every judgment has.
const MIN_FACTS: usize = 8;

/// Statute words of charge `i`: the paragraph of each of its articles that defines it, and at
/// weight `rest` the article's other paragraphs (aggravated forms, definitions, the unit as
/// offender) except those that define another charge of the label set (第280条 defines three
/// offences, one a paragraph: each keeps only its own).
fn profile_words(i: usize, heads: &[(String, Vec<String>, Vec<u32>)], articles: &BTreeMap<u32, String>, rest: f32) -> HashMap<String, f32> {
    let (_, vars, arts) = &heads[i];
    let mut w: HashMap<String, f32> = HashMap::new();
    for a in arts {
        let Some(t) = articles.get(a) else { continue };
        let own = first_offence(t, vars);
        for (k, c) in words(own) {
            *w.entry(k).or_insert(0.0) += c;
        }
        if rest <= 0.0 {
            continue;
        }
        let others: Vec<&str> = heads.iter().enumerate().filter(|(j, h)| *j != i && h.2.contains(a)).map(|(_, h)| first_offence(t, &h.1)).collect();
        for p in t.split('\n').filter(|p| *p != own && !others.contains(p)) {
            for (k, c) in words(p) {
                *w.entry(k).or_insert(0.0) += rest * c;
            }
        }
    }
    w
}

/// The paragraph of an article that best matches the charge (articles often define several
/// offences, one per paragraph).
pub fn first_offence<'t>(text: &'t str, vars: &[String]) -> &'t str {
    best_paragraph(text, vars, &[])
}

const GENERIC_PAIRS: &[&str] = &["非法", "国家", "他人", "公司", "企业", "单位", "人员"];

/// As [`first_offence`], ignoring generic character pairs (非法, 国家) that say little about
/// which offence a paragraph defines (`非法狩猎` is the second paragraph of 第三百四十一条, not
/// the first, which is about 非法猎捕).
pub fn defining_paragraph<'t>(text: &'t str, vars: &[String]) -> &'t str {
    best_paragraph(text, vars, GENERIC_PAIRS)
}

fn best_paragraph<'t>(text: &'t str, vars: &[String], skip: &[&str]) -> &'t str {
    let mut best = (0usize, text);
    for para in text.split('\n') {
        let n: usize = vars
            .iter()
            .map(|v| bigrams(v).iter().filter(|b| !skip.contains(&b.as_str()) && para.contains(b.as_str())).count())
            .max()
            .unwrap_or(0);
        if n > best.0 {
            best = (n, para);
        }
    }
    best.1
}

/// Article whose text best contains the charge name (IDF-weighted character pairs).
fn match_article(vars: &[String], articles: &BTreeMap<u32, String>, bigram_df: &HashMap<String, u32>, nart: f32) -> u32 {
    let mut best = (f32::MIN, 0u32);
    for (n, t) in articles {
        let mut s = 0.0;
        for v in vars {
            let bg = bigrams(v);
            let total: f32 = bg.iter().map(|b| (nart / (1.0 + *bigram_df.get(b).unwrap_or(&0) as f32)).ln().max(0.1)).sum();
            let hit: f32 = bg.iter().filter(|b| t.contains(b.as_str())).map(|b| (nart / (1.0 + *bigram_df.get(b).unwrap_or(&0) as f32)).ln().max(0.1)).sum();
            let mut sc = if total > 0.0 { hit / total } else { 0.0 };
            if t.contains(v.as_str()) {
                sc += 0.5;
            }
            s += sc;
        }
        s /= vars.len().max(1) as f32;
        // the defining article usually states the offence early; prefer shorter texts on ties
        let s = s - t.chars().count() as f32 * 1e-6;
        if s > best.0 {
            best = (s, *n);
        }
    }
    best.1
}

/// The counts of an indictment: the text after each count marker (`（一）`, `（二）` …, or `一、`,
/// `二、` … where a sentence or clause begins; [`crate::lists::items`]), when there are two or
/// more and none of them lists the evidence (`（一）书证…（二）证人证言…`).
pub fn count_segments(facts: &str) -> Vec<&str> {
    let counts = crate::lists::items(facts, crate::lists::Numbering::Chinese, 6);
    if counts.iter().any(|c| crate::lists::is_evidence(c)) {
        return Vec::new();
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_part_of_a_joined_name_names_no_charge() {
        let entry = |name: &str| ChargeEntry { name: name.to_string(), variants: variants(name), ..Default::default() };
        let spans = std::cell::OnceCell::new();
        assert!(name_match(&entry("组织、领导传销活动"), "被告人组织村民上访。", &spans).0 < 1.0);
        let spans = std::cell::OnceCell::new();
        assert_eq!(name_match(&entry("组织、领导传销活动"), "被告人积极参与领导传销活动。", &spans).0, 1.0);
        let spans = std::cell::OnceCell::new();
        assert_eq!(name_match(&entry("盗窃"), "被告人盗窃被害人手机一部。", &spans).0, 1.0);
    }

    #[test]
    fn charges_named_for_this_case_not_for_a_record() {
        let names = |t: &str, name: &str| charged_names(t).iter().any(|b| b.ends_with(name));
        assert!(names("公诉机关认为，应当以非法持有枪支罪追究其刑事责任。", "非法持有枪支"));
        assert!(names("被告人因涉嫌盗窃罪于2016年5月被刑事拘留。", "盗窃"));
        assert!(!names("被告人曾因犯盗窃罪于2010年被判处有期徒刑一年。", "盗窃"));
        assert!(!names("被告人刘某因犯破坏生产经营罪，于1998年6月30日被某县人民法院判处有期徒刑。", "破坏生产经营"));
    }

    #[test]
    fn articles_follow_the_facts() {
        assert_eq!(adjust_articles("合同诈骗", &[224], "被告单位某公司与被告人王某签订合同后骗取货款"), vec![224, 231]);
        assert_eq!(adjust_articles("合同诈骗", &[224], "被告人王某签订合同后骗取货款"), vec![224]);
        assert_eq!(adjust_articles("盗窃", &[264], "被告人盗走被害人的银行卡，后在ATM机上取款5000元"), vec![264, 196]);
        assert_eq!(adjust_articles("盗窃", &[264], "被告人盗走被害人的手机"), vec![264]);
    }

    #[test]
    fn profiles_keep_other_offences_paragraphs_out() {
        let mut arts = BTreeMap::new();
        arts.insert(280, "伪造、变造、买卖国家机关的公文、证件、印章的，处三年以下有期徒刑。\n伪造公司、企业、事业单位、人民团体的印章的，处三年以下有期徒刑。\n伪造、变造居民身份证的，处三年以下有期徒刑。\n单位犯前款罪的，处罚金。".to_string());
        let heads = vec![
            ("伪造公司、企业、事业单位、人民团体印章".to_string(), variants("伪造[公司、企业、事业单位、人民团体]印章"), vec![280]),
            ("伪造、变造居民身份证".to_string(), variants("[伪造、变造]居民身份证"), vec![280]),
        ];
        let w = profile_words(0, &heads, &arts, REST_OF_ARTICLE);
        assert_eq!(w.get("事业单位"), Some(&1.0));
        assert!(!w.contains_key("身份证"), "{w:?}");
        // the unit paragraph defines no offence of its own: kept at the lower weight
        assert!(w.values().any(|v| *v == REST_OF_ARTICLE), "{w:?}");
    }

    #[test]
    fn an_indictment_s_counts() {
        let two = "公诉机关指控：（一）故意伤害犯罪事实。被告人持刀将被害人捅伤。（二）非法持有枪支犯罪事实。民警查获手枪一支。";
        let c = count_segments(two);
        assert_eq!(c.len(), 2);
        assert!(c[0].contains("捅伤") && !c[0].contains("手枪") && c[1].contains("手枪"), "{c:?}");
        // `一、` counts only where a sentence or line starts
        let plain = "公诉机关指控：\n一、被告人盗窃电动车一辆。\n二、被告人盗窃手机一部。";
        assert_eq!(count_segments(plain).len(), 2);
        assert!(count_segments("被告人犯罪事实之一、之二均已查明。").is_empty());
        assert!(count_segments("其行为触犯了《中华人民共和国刑法》第二百九十三条第（一）项、第（二）项之规定。").is_empty());
        // one count is no list of counts; a list of the evidence neither
        assert!(count_segments("公诉机关指控：（一）被告人盗窃电动车一辆。").is_empty());
        assert!(count_segments("被告人盗窃电动车一辆。上述事实有下列证据证实：（一）书证；（二）证人证言。").is_empty());
    }

    #[test]
    fn a_charge_is_named_only_by_words_of_its_own() {
        let named = |text: &str, name: &str| names_as_words(text, name, &word_spans(text));
        // blast fishing sets nothing off: 引爆 / 炸鱼
        assert!(!named("被告人李某在某河段用雷管引爆炸鱼，捕获鱼类20公斤。", "爆炸"));
        assert!(named("被告人李某在张某家门口实施爆炸，致房屋损毁。", "爆炸"));
        // the name followed by 罪 or 案 still names it
        assert!(named("被告人曾因犯盗窃罪被判处有期徒刑一年。", "盗窃"));
        assert!(named("公安机关对被盗窃案立案侦查。", "盗窃"));
        assert!(named("被告人屈某犯贷款诈骗罪，诈骗本息共计10万元。", "贷款诈骗"));
        // a word overlapping one side only (进行 / 行包 / 包庇) leaves the name whole
        assert!(named("对他人滥伐林木的行为进行包庇。", "包庇"));
    }

    #[test]
    fn places_names_and_connectives_are_no_shared_words() {
        for w in ["贵阳市", "东风镇", "王某", "乌当区", "或者", "规定"] {
            assert!(no_reason_word(w), "{w}");
        }
        for w in ["超市", "罂粟", "盗窃", "城市", "情节严重"] {
            assert!(!no_reason_word(w), "{w}");
        }
    }

    #[test]
    fn bracket_variants() {
        assert_eq!(variants("非法[持有、私藏][枪支、弹药]"), vec!["非法持有枪支", "非法持有弹药", "非法私藏枪支", "非法私藏弹药"]);
        assert_eq!(variants("[窝藏、包庇]"), vec!["窝藏", "包庇"]);
        assert_eq!(variants("盗窃"), vec!["盗窃"]);
        assert_eq!(plain_name("[走私、贩卖、运输、制造]毒品"), "走私、贩卖、运输、制造毒品");
    }
}
