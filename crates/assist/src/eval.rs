//! Metrics as published for LawBench / CAIL, so that development scores are comparable.
//!
//! * charges, articles: per-case F1 between the gold and predicted label sets, averaged over cases
//!   (LawBench `compute_f1_two_sets` averaged per example); micro F1 over all labels is also given.
//! * prison term: log-distance score `(ln 216 - mean |ln(g+1) - ln(p+1)|) / ln 216` (LawBench).
//! * crime amount: accuracy of exact numeric match.
//! * entities: soft F1 (LawBench `compute_ie_f1`): per entity type, character-overlap F1 between
//!   the gold and predicted strings; precision over predicted types, recall over gold types.
//! * proofreading: corpus F0.5 over character edits (insert/delete/replace spans, ChERRANT-style).

use std::collections::{BTreeMap, HashMap};

/// F1 of two label sets; both empty counts as 1.
pub fn set_f1<T: Eq + std::hash::Hash>(gold: &[T], pred: &[T]) -> f64 {
    let g: std::collections::HashSet<&T> = gold.iter().collect();
    let p: std::collections::HashSet<&T> = pred.iter().collect();
    if g.is_empty() && p.is_empty() {
        return 1.0;
    }
    let tp = g.intersection(&p).count() as f64;
    if tp == 0.0 {
        return 0.0;
    }
    let prec = tp / p.len() as f64;
    let rec = tp / g.len() as f64;
    2.0 * prec * rec / (prec + rec)
}

/// Micro F1 over all (case, label) pairs.
pub fn micro_f1<T: Eq + std::hash::Hash>(pairs: &[(Vec<T>, Vec<T>)]) -> f64 {
    let (mut tp, mut np, mut ng) = (0usize, 0usize, 0usize);
    for (g, p) in pairs {
        let gs: std::collections::HashSet<&T> = g.iter().collect();
        let ps: std::collections::HashSet<&T> = p.iter().collect();
        tp += gs.intersection(&ps).count();
        np += ps.len();
        ng += gs.len();
    }
    if tp == 0 {
        return 0.0;
    }
    let p = tp as f64 / np as f64;
    let r = tp as f64 / ng as f64;
    2.0 * p * r / (p + r)
}

/// A prison term: months, life imprisonment or death.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Term {
    Months(u32),
    Life,
    Death,
}

impl Term {
    /// Months used for the log distance; life and death are placed beyond the 25-year maximum
    /// fixed-term sentence (CAIL convention maps them to 300 and 400 months here).
    pub fn months_for_score(self) -> f64 {
        match self {
            Term::Months(m) => m as f64,
            Term::Life => 300.0,
            Term::Death => 400.0,
        }
    }
}

/// LawBench log-distance score in [0, 1] (higher is better).
pub fn log_distance_score(pairs: &[(Term, Term)]) -> f64 {
    if pairs.is_empty() {
        return 0.0;
    }
    let d: f64 = pairs
        .iter()
        .map(|(g, p)| ((g.months_for_score() + 1.0).ln() - (p.months_for_score() + 1.0).ln()).abs())
        .sum::<f64>()
        / pairs.len() as f64;
    (216f64.ln() - d) / 216f64.ln()
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || c.is_whitespace() || "，。、；：？！“”‘’（）《》【】—…·".contains(c)
}

/// Character-overlap F1 (CJRC style: punctuation removed, multiset overlap).
pub fn char_f1(gold: &str, pred: &str) -> f64 {
    let g: Vec<char> = gold.chars().filter(|c| !is_punct(*c)).collect();
    let p: Vec<char> = pred.chars().filter(|c| !is_punct(*c)).collect();
    if g.is_empty() || p.is_empty() {
        return if g == p { 1.0 } else { 0.0 };
    }
    let mut counts: HashMap<char, i32> = HashMap::new();
    for c in &g {
        *counts.entry(*c).or_default() += 1;
    }
    let mut common = 0;
    for c in &p {
        if let Some(n) = counts.get_mut(c)
            && *n > 0
        {
            *n -= 1;
            common += 1;
        }
    }
    if common == 0 {
        return 0.0;
    }
    let prec = common as f64 / p.len() as f64;
    let rec = common as f64 / g.len() as f64;
    2.0 * prec * rec / (prec + rec)
}

/// Soft F1 of one sentence's entities: type → mentions.
pub fn entity_soft_f1(gold: &BTreeMap<String, Vec<String>>, pred: &BTreeMap<String, Vec<String>>) -> f64 {
    let gold: BTreeMap<&String, String> = gold.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k, v.join("、"))).collect();
    let pred: BTreeMap<&String, String> = pred.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k, v.join("、"))).collect();
    if gold.is_empty() {
        return if pred.is_empty() { 1.0 } else { 0.0 };
    }
    let inter: f64 = pred.iter().filter_map(|(k, v)| gold.get(k).map(|g| char_f1(g, v))).sum();
    let prec = if pred.is_empty() { 0.0 } else { inter / pred.len() as f64 };
    let rec = inter / gold.len() as f64;
    2.0 * prec * rec / (prec + rec + 1e-10)
}

/// A character edit: replace source chars `start..end` with `text`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Minimal character edits turning `src` into `tgt` (Levenshtein alignment, adjacent operations
/// merged into one edit).
pub fn char_edits(src: &str, tgt: &str) -> Vec<Edit> {
    let a: Vec<char> = src.chars().collect();
    let b: Vec<char> = tgt.chars().collect();
    // trim common prefix/suffix to keep the DP small
    let mut pre = 0;
    while pre < a.len() && pre < b.len() && a[pre] == b[pre] {
        pre += 1;
    }
    let mut suf = 0;
    while suf < a.len() - pre && suf < b.len() - pre && a[a.len() - 1 - suf] == b[b.len() - 1 - suf] {
        suf += 1;
    }
    let a2 = &a[pre..a.len() - suf];
    let b2 = &b[pre..b.len() - suf];
    let (n, m) = (a2.len(), b2.len());
    let mut dp = vec![vec![0u32; m + 1]; n + 1];
    for (i, row) in dp.iter_mut().enumerate() {
        row[0] = i as u32;
    }
    for (j, cell) in dp[0].iter_mut().enumerate() {
        *cell = j as u32;
    }
    for i in 1..=n {
        for j in 1..=m {
            let sub = dp[i - 1][j - 1] + u32::from(a2[i - 1] != b2[j - 1]);
            dp[i][j] = sub.min(dp[i - 1][j] + 1).min(dp[i][j - 1] + 1);
        }
    }
    // backtrack into per-position ops, then merge adjacent non-matching ops
    let mut ops: Vec<(usize, usize, Option<char>)> = Vec::new(); // (src start, src end, inserted char)
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && a2[i - 1] == b2[j - 1] && dp[i][j] == dp[i - 1][j - 1] {
            i -= 1;
            j -= 1;
            ops.push((i, i, None)); // match marker: start==end and None
            ops.last_mut().unwrap().1 = usize::MAX;
        } else if i > 0 && j > 0 && dp[i][j] == dp[i - 1][j - 1] + 1 {
            ops.push((i - 1, i, Some(b2[j - 1])));
            i -= 1;
            j -= 1;
        } else if i > 0 && dp[i][j] == dp[i - 1][j] + 1 {
            ops.push((i - 1, i, None));
            i -= 1;
        } else {
            ops.push((i, i, Some(b2[j - 1])));
            j -= 1;
        }
    }
    ops.reverse();
    let mut edits: Vec<Edit> = Vec::new();
    let mut cur: Option<Edit> = None;
    for (s, e, c) in ops {
        if e == usize::MAX {
            if let Some(ed) = cur.take() {
                edits.push(ed);
            }
            continue;
        }
        let ed = cur.get_or_insert(Edit { start: s + pre, end: s + pre, text: String::new() });
        ed.end = ed.end.max(e + pre);
        if let Some(c) = c {
            ed.text.push(c);
        }
    }
    if let Some(ed) = cur.take() {
        edits.push(ed);
    }
    edits
}

/// Corpus-level precision, recall and F0.5 over character edits.
/// Each item is (source, hypothesis, reference).
pub fn proofreading_f05(items: &[(String, String, String)]) -> (f64, f64, f64) {
    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    for (src, hyp, refr) in items {
        let h: std::collections::HashSet<Edit> = char_edits(src, hyp).into_iter().collect();
        let r: std::collections::HashSet<Edit> = char_edits(src, refr).into_iter().collect();
        let t = h.intersection(&r).count();
        tp += t;
        fp += h.len() - t;
        fneg += r.len() - t;
    }
    let p = if tp + fp == 0 { 1.0 } else { tp as f64 / (tp + fp) as f64 };
    let r = if tp + fneg == 0 { 1.0 } else { tp as f64 / (tp + fneg) as f64 };
    let f = if p + r == 0.0 { 0.0 } else { 1.25 * p * r / (0.25 * p + r) };
    (p, r, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_minimal() {
        let e = char_edits("上诉证据足以认定指控实施。", "上述证据足以认定指控事实。");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0], Edit { start: 1, end: 2, text: "述".into() });
        assert_eq!(char_edits("abc", "abc"), vec![]);
        assert_eq!(char_edits("abbc", "abc").len(), 1);
        assert_eq!(char_edits("ac", "abc"), vec![Edit { start: 1, end: 1, text: "b".into() }]);
    }

    #[test]
    fn f05_prefers_precision() {
        let items = vec![("甲乙".to_string(), "甲乙".to_string(), "甲丙".to_string())];
        let (p, r, _) = proofreading_f05(&items);
        assert_eq!((p, r), (1.0, 0.0));
    }

    #[test]
    fn log_distance() {
        let s = log_distance_score(&[(Term::Months(6), Term::Months(6))]);
        assert!((s - 1.0).abs() < 1e-9);
        let s = log_distance_score(&[(Term::Months(0), Term::Months(215))]);
        assert!(s.abs() < 1e-9);
    }

    #[test]
    fn soft_f1() {
        let mut g = BTreeMap::new();
        g.insert("受害人".to_string(), vec!["戚某某".to_string()]);
        let mut p = BTreeMap::new();
        p.insert("受害人".to_string(), vec!["戚某".to_string()]);
        let f = entity_soft_f1(&g, &p);
        assert!(f > 0.7 && f < 0.9, "{f}");
    }
}
