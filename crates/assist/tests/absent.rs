//! Charges that neither CAIL file has, or has in a handful of cases: the charge read from facts
//! written for them, and the term inside the tier the law gives those facts
//! (`charges_absent_from_training.tsv`, `charges_rare_in_training.tsv`); and facts that tell
//! several offences, each to be read (`charges_of_several_offences.tsv`).

/// The rows of `table` the assistant gets wrong, and how many rows there are.
fn check(table: &str) -> (usize, Vec<String>) {
    let a = assist::Assistant::load(None).expect("embedded models");
    let mut wrong = Vec::new();
    let mut n = 0;
    for line in table.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "four columns: {line}");
        let (charge, facts) = (cols[0], cols[3]);
        n += 1;
        let got: Vec<String> = a.charges.predict(facts).into_iter().map(|s| s.charge).collect();
        // the charges and nothing else (the merged CAIL label that goes with one aside): one
        // offence, or the several a row names joined by `+`
        let want: Vec<&str> = charge.split('+').collect();
        let merged = |g: &str| assist::statute::COMPANIONS.iter().any(|(spec, m)| want.contains(spec) && *m == g);
        if want.iter().any(|w| !got.iter().any(|g| g == w)) || got.iter().any(|g| !want.contains(&g.as_str()) && !merged(g)) {
            wrong.push(format!("{charge}: suggested {got:?}"));
        }
        if let (Ok(lo), Ok(hi)) = (cols[1].parse::<f64>(), cols[2].parse::<f64>()) {
            let t = a.term(&assist::CaseInput { facts: facts.to_string(), charges: vec![charge.to_string()], articles: Vec::new() });
            let m = t.term.months_for_score();
            if m < lo || m > hi {
                wrong.push(format!("{charge}: {m} months, outside {lo}–{hi}"));
            }
        }
    }
    (n, wrong)
}

#[test]
fn charges_absent_from_training_are_read_from_their_facts() {
    let (n, wrong) = check(include_str!("charges_absent_from_training.tsv"));
    assert!(n >= 151, "the table has {n} cases");
    assert!(wrong.is_empty(), "{} of {n} cases wrong:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn charges_rare_in_training_are_read_from_their_facts() {
    let (n, wrong) = check(include_str!("charges_rare_in_training.tsv"));
    assert!(n >= 453, "the table has {n} cases");
    assert!(wrong.is_empty(), "{} of {n} cases wrong:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn several_offences_are_each_read() {
    let (n, wrong) = check(include_str!("charges_of_several_offences.tsv"));
    assert!(n >= 34, "the table has {n} cases");
    assert!(wrong.is_empty(), "{} of {n} cases wrong:\n{}", wrong.len(), wrong.join("\n"));
}
