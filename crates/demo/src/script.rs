//! Case scripts: for each case, the dated steps (who does what, when) from registration to the
//! end of its road, drawn so that durations mostly keep to the statutory deadlines.

use crate::facts::{self, Suspect};
use crate::rng::Rng;
use crate::world::{DistrictRoster, Roster};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use domain::action::{NonProsecutionBasis, PersonInput, PersonVerdict, SecondInstanceOutcome};
use domain::case::{ArrestRequestExtension, CustodyExtension, Procedure, Sentence, Verdict};
use domain::period::{china, Period};
use domain::{Action, HolidayCalendar};

/// One dated step of one case.
#[derive(Debug, Clone)]
pub struct Step {
    pub at: DateTime<Utc>,
    /// Index of the case in the plan.
    pub case: usize,
    /// Position of the step in its case's script (0 = registration).
    pub seq: usize,
    /// User id of the actor.
    pub actor: String,
    pub action: Action,
}

pub(crate) fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    china().from_local_datetime(&t).single().expect("fixed offset").with_timezone(&Utc)
}

pub(crate) fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&china()).naive_local()
}

/// How a charge is usually punished, in months of fixed-term imprisonment for the usual range.
struct Profile {
    lo: f64,
    hi: f64,
    probation: f64,
    detention: f64,
    fine_only: f64,
    severe: bool,
    gang: bool,
    male: f64,
    property: bool,
}

fn profile(charge: &str) -> Profile {
    let p = |lo: f64, hi: f64, probation: f64, detention: f64| Profile {
        lo,
        hi,
        probation,
        detention,
        fine_only: 0.0,
        severe: false,
        gang: false,
        male: 0.88,
        property: false,
    };
    match charge {
        "危险驾驶" => Profile { male: 0.95, ..p(1.0, 6.0, 0.35, 1.0) },
        "盗窃" => Profile { fine_only: 0.03, property: true, ..p(6.0, 42.0, 0.3, 0.25) },
        "诈骗" => Profile { property: true, gang: true, male: 0.75, ..p(6.0, 120.0, 0.25, 0.05) },
        "故意伤害" => p(6.0, 96.0, 0.35, 0.1),
        "帮助信息网络犯罪活动" => Profile { property: true, gang: true, male: 0.7, ..p(6.0, 24.0, 0.4, 0.2) },
        "走私、贩卖、运输、制造毒品" => Profile { property: true, gang: true, severe: true, ..p(6.0, 180.0, 0.02, 0.15) },
        "寻衅滋事" => Profile { gang: true, ..p(6.0, 36.0, 0.3, 0.15) },
        "交通肇事" => Profile { male: 0.92, ..p(8.0, 60.0, 0.55, 0.0) },
        "开设赌场" => Profile { property: true, gang: true, ..p(8.0, 60.0, 0.3, 0.05) },
        "掩饰、隐瞒犯罪所得、犯罪所得收益" => Profile { property: true, ..p(6.0, 30.0, 0.4, 0.2) },
        "抢劫" => Profile { property: true, gang: true, severe: true, ..p(36.0, 144.0, 0.05, 0.0) },
        "合同诈骗" | "非法吸收公众存款" | "职务侵占" | "挪用资金" => Profile { property: true, gang: true, male: 0.7, ..p(10.0, 96.0, 0.3, 0.0) },
        "聚众斗殴" => Profile { gang: true, ..p(12.0, 60.0, 0.2, 0.0) },
        "强奸" | "放火" => Profile { severe: true, male: 1.0, ..p(36.0, 120.0, 0.0, 0.0) },
        "故意杀人" | "绑架" => Profile { severe: true, ..p(120.0, 180.0, 0.0, 0.0) },
        "组织卖淫" => Profile { gang: true, severe: true, male: 0.6, property: true, ..p(60.0, 120.0, 0.0, 0.0) },
        "协助组织卖淫" => Profile { gang: true, male: 0.5, property: true, ..p(6.0, 36.0, 0.2, 0.0) },
        "赌博" | "妨害公务" | "非法持有毒品" | "容留他人吸毒" | "非法侵入住宅" => p(6.0, 24.0, 0.3, 0.35),
        "受贿" | "贪污" | "行贿" | "非国家工作人员受贿" => Profile { property: true, ..p(12.0, 120.0, 0.3, 0.0) },
        _ => p(6.0, 36.0, 0.3, 0.15),
    }
}

fn round_months(m: f64) -> u32 {
    let m = m.max(1.0);
    let r = if m >= 36.0 {
        (m / 6.0).round() * 6.0
    } else if m >= 12.0 {
        (m / 2.0).round() * 2.0
    } else {
        m.round()
    };
    r as u32
}

fn sentence(rng: &Rng, charge: &str, pr: &Profile, gravity: f64, caa: bool, share: f64) -> Sentence {
    let mut m = pr.lo + (pr.hi - pr.lo) * (gravity * 0.8 + rng.unit() * 0.2);
    m *= share;
    if caa {
        m *= 0.72 + rng.unit() * 0.18;
    }
    if charge == "危险驾驶" {
        let d = (1.0 + gravity * 5.0 * share).round().clamp(1.0, 6.0) as u32;
        if rng.chance(if caa { 0.4 } else { 0.25 }) {
            return Sentence::Probation { months: d, probation_months: (d * 2).clamp(2, 12) };
        }
        return Sentence::CriminalDetention { months: d };
    }
    if rng.chance(pr.fine_only) && gravity < 0.3 {
        return Sentence::FineOnly { yuan: rng.range(2, 20) as u64 * 1000 };
    }
    if !pr.severe && gravity < 0.35 && rng.chance(0.02) {
        return Sentence::Control { months: rng.range(6, 18) as u32 };
    }
    if m < 6.0 || (m <= 8.0 && rng.chance(pr.detention)) {
        return Sentence::CriminalDetention { months: round_months(m.clamp(2.0, 6.0)) };
    }
    let months = round_months(m).clamp(6, 300);
    let p = pr.probation * if caa { 1.4 } else { 0.8 } * (1.0 - gravity * 0.6);
    if months <= 36 && rng.chance(p) {
        let probation = (months.max(12) + rng.range(0, 2) as u32 * 6).min(60);
        return Sentence::Probation { months, probation_months: probation };
    }
    Sentence::Prison { months }
}

fn prison_months(s: &Sentence) -> u32 {
    match s {
        Sentence::Prison { months } | Sentence::Probation { months, .. } => *months,
        Sentence::Life | Sentence::Death { .. } => 300,
        _ => 0,
    }
}

/// A lighter (or, on protest, heavier) sentence after second instance.
fn amend(rng: &Rng, s: &Sentence, heavier: bool) -> Sentence {
    let f = if heavier { 1.15 + rng.unit() * 0.2 } else { 0.7 + rng.unit() * 0.2 };
    match s {
        Sentence::Prison { months } => {
            let m = round_months(*months as f64 * f).clamp(6, 300);
            if !heavier && m <= 36 && rng.chance(0.3) {
                Sentence::Probation { months: m, probation_months: m.clamp(12, 60) }
            } else {
                Sentence::Prison { months: m }
            }
        }
        Sentence::CriminalDetention { months } => Sentence::CriminalDetention { months: ((*months as f64 * f).round() as u32).clamp(1, 6) },
        Sentence::Probation { months, probation_months } if heavier => {
            let _ = probation_months;
            Sentence::Prison { months: (*months).clamp(6, 300) }
        }
        other => other.clone(),
    }
}

fn proposal(ps: &[Suspect], sentences: &[Sentence], property: bool, rng: &Rng) -> String {
    let parts: Vec<String> = ps
        .iter()
        .zip(sentences)
        .map(|(p, s)| {
            let fine = if property && !matches!(s, Sentence::FineOnly { .. }) {
                format!("，并处罚金人民币{}元", rng.range(1, 30) * 1000)
            } else if matches!(s, Sentence::CriminalDetention { .. }) && rng.chance(0.8) {
                format!("，并处罚金人民币{}元", rng.range(2, 10) * 1000)
            } else {
                String::new()
            };
            format!("建议对被告人{}判处{}{fine}", p.name, s.label())
        })
        .collect();
    format!("{}。", parts.join("；"))
}

/// Builds dated steps; keeps them strictly increasing in time.
struct Script<'a> {
    case: usize,
    /// Days by which one stretch of the case stalls (the holder sits on it past the deadline).
    stall: Option<i64>,
    steps: Vec<(NaiveDateTime, String, Action)>,
    cal: &'a HolidayCalendar,
}

impl Script<'_> {
    fn push(&mut self, at: NaiveDateTime, actor: &str, action: Action) -> NaiveDateTime {
        self.steps.push((at, actor.to_string(), action));
        at
    }

    fn last_day(&self, start: NaiveDateTime, periods: &[Period], custody: bool) -> NaiveDate {
        domain::period::due(utc(start), periods, custody, self.cal).last_day
    }

    fn working(&self, d: NaiveDate) -> bool {
        self.cal.is_working_day(d)
    }

    /// A day in `lo..=hi`, preferring working days, skewed late when `late` is set.
    fn day(&self, rng: &Rng, lo: NaiveDate, hi: NaiveDate, late: bool) -> NaiveDate {
        if hi <= lo {
            return lo;
        }
        let n = (hi - lo).num_days();
        for _ in 0..6 {
            let k = if late { rng.late_range(0, n) } else { rng.range(0, n) };
            let d = lo + Duration::days(k);
            if self.working(d) {
                return d;
            }
        }
        let k = if late { rng.late_range(0, n) } else { rng.range(0, n) };
        lo + Duration::days(k)
    }

    fn finish(mut self) -> Vec<Step> {
        self.steps.sort_by_key(|s| s.0);
        if let Some(delay) = self.stall {
            // The stretch after one hand-over point stalls: every later step moves by `delay`.
            let points: Vec<usize> = (1..self.steps.len())
                .filter(|&i| {
                    matches!(
                        self.steps[i].2.kind(),
                        "request_arrest" | "approve_arrest" | "transfer_for_prosecution" | "return_for_investigation" | "accept_trial" | "accept_second_instance" | "take_effect"
                    )
                })
                .collect();
            if !points.is_empty() {
                let from = points[(delay as usize * 7919) % points.len()] + 1;
                for st in &mut self.steps[from..] {
                    st.0 += Duration::days(delay);
                    if let Action::ScheduleHearing { at } = &mut st.2 {
                        *at += Duration::days(delay);
                    }
                }
                // The appeal window may now end later (holidays): keep effect after it.
                let mut served: Option<NaiveDateTime> = None;
                for i in 0..self.steps.len() {
                    match self.steps[i].2 {
                        Action::ServeJudgment => served = Some(self.steps[i].0),
                        Action::TakeEffect => {
                            if let Some(sv) = served {
                                let a = self.last_day(sv, &[Period::Days(10)], true);
                                let b = self.last_day(sv, &[Period::Days(10)], false);
                                let earliest = days(a.max(b), 1).and_hms_opt(9, 0, 0).expect("valid time");
                                if self.steps[i].0 < earliest {
                                    let d = earliest - self.steps[i].0;
                                    for st in &mut self.steps[i..] {
                                        st.0 += d;
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        let mut out = Vec::with_capacity(self.steps.len());
        let mut prev: Option<NaiveDateTime> = None;
        for (i, (mut at, actor, action)) in self.steps.into_iter().enumerate() {
            if let Some(p) = prev
                && at <= p
            {
                at = p + Duration::minutes(7);
            }
            prev = Some(at);
            out.push(Step { at: utc(at), case: self.case, seq: i, actor, action });
        }
        out
    }
}

/// A time during office hours on a day.
fn office(rng: &Rng, d: NaiveDate) -> NaiveDateTime {
    let minutes = rng.range(8 * 60 + 30, 17 * 60 + 30);
    d.and_time(NaiveTime::from_hms_opt((minutes / 60) as u32, (minutes % 60) as u32, 0).expect("valid time"))
}

fn hours(t: NaiveDateTime, h: i64) -> NaiveDateTime {
    t + Duration::hours(h)
}

fn days(d: NaiveDate, n: i64) -> NaiveDate {
    d + Duration::days(n)
}

fn charge_index(rng: &Rng) -> usize {
    let w: Vec<u32> = domain::charges::CHARGES.iter().map(|c| c.2).collect();
    rng.weighted(&w)
}

/// The script of one case registered at `registered` (local time) in district `dr`.
pub(crate) fn case_script(rng: &Rng, case: usize, roster: &Roster, registered: NaiveDateTime, cal: &HolidayCalendar) -> Vec<Step> {
    let dr: &DistrictRoster = &roster.districts[rng.weighted(&[40, 33, 27])];
    let district = dr.district;
    let charge = domain::charges::CHARGES[charge_index(rng)].0;
    let mut charges = vec![charge.to_string()];
    if rng.chance(0.05) {
        let other = domain::charges::CHARGES[charge_index(rng)].0;
        if other != charge && other != "危险驾驶" && charge != "危险驾驶" {
            charges.push(other.to_string());
        }
    }
    let pr = profile(charge);
    let n = if matches!(charge, "危险驾驶" | "交通肇事") {
        1
    } else if pr.gang {
        [1, 2, 3][rng.weighted(&[52, 30, 18])]
    } else {
        [1, 2, 3][rng.weighted(&[86, 10, 4])]
    };
    let incident = if charge == "危险驾驶" {
        registered - Duration::minutes(rng.range(40, 240))
    } else {
        registered - Duration::hours(rng.range(3, 24 * 25))
    };
    let suspects: Vec<Suspect> = (0..n).map(|_| facts::suspect(rng, &district, incident.date(), pr.male)).collect();
    let f = facts::facts(rng, charge, &district, &suspects, incident);
    let stall = rng.chance(0.07).then(|| rng.range(5, 45));
    let mut s = Script { case, stall, steps: Vec::new(), cal };

    let officer = rng.pick_ref(&dr.officers).clone();
    let officer2 = rng.pick_ref(&dr.officers).clone();
    let leader = dr.police_leader.clone();
    let prosecutor = rng.pick_ref(&dr.prosecutors).clone();
    let city_prosecutor = rng.pick_ref(&roster.city_prosecutors).clone();
    let judge = rng.pick_ref(&dr.judges).clone();
    let filing_judge = rng.pick_ref(&dr.judges).clone();
    let clerk = rng.pick_ref(&dr.clerks).clone();
    let appeal_judge = rng.pick_ref(&roster.city_judges).clone();
    let corrector = rng.pick_ref(&dr.correctors).clone();
    let police = |rng: &Rng| if rng.chance(0.75) { officer.clone() } else { officer2.clone() };

    s.push(
        registered,
        if rng.chance(0.1) { &leader } else { &officer },
        Action::Register {
            title: facts::title(&suspects, charge),
            facts: f.text.clone(),
            charges: charges.clone(),
            persons: suspects
                .iter()
                .map(|p| PersonInput { name: p.name.clone(), id_card: Some(p.id_card.clone()), gender: Some(p.gender), birth_date: Some(p.birth), phone: Some(p.phone.clone()), address: Some(p.address.clone()) })
                .collect(),
        },
    );

    // Investigation: detention, interrogation, arrest review, per person.
    let mut last = registered;
    let mut arrested: Vec<(u32, NaiveDateTime)> = Vec::new();
    let mut detained_any = false;
    for i in 0..n {
        let no = i as u32 + 1;
        let detain_p = if charge == "危险驾驶" { 0.75 } else if pr.severe { 0.98 } else { 0.88 };
        if !rng.chance(detain_p) {
            continue;
        }
        detained_any = true;
        let caught = if i == 0 || rng.chance(0.6) { hours(registered, rng.range(0, 30)) } else { hours(registered, rng.range(24, 24 * 12)) };
        let det = s.push(caught + Duration::minutes(rng.range(5, 50)), &police(rng), Action::Detain { person: no });
        let inter_h = if rng.chance(0.02) { rng.range(25, 34) } else { rng.range(1, 20) };
        let inter = s.push(hours(det, inter_h), &police(rng), Action::Interrogate { person: no });
        last = last.max(inter);
        let bail_p = if charge == "危险驾驶" { 0.97 } else if pr.severe { 0.02 } else if pr.lo < 8.0 { 0.3 } else { 0.15 };
        if rng.chance(bail_p) {
            let t = if charge == "危险驾驶" { hours(inter, rng.range(2, 20)) } else { hours(det, rng.range(30, 70)) };
            let reason = if rng.chance(0.85) { "取保候审" } else { "监视居住" };
            last = last.max(s.push(t, &police(rng), Action::Release { person: no, reason: reason.into() }));
            continue;
        }
        // CPL 91: three days, one to four more in special cases, thirty for serious suspects.
        let mut limit = 3;
        let mut not_before = hours(det, 30);
        let x = rng.unit();
        if (pr.gang || charge == "盗窃") && x < 0.10 {
            let at = s.push(hours(det, rng.range(20, 40)), &leader, Action::ExtendArrestRequest { person: no, extension: ArrestRequestExtension::SeriousSuspect });
            not_before = not_before.max(hours(at, 2));
            limit = 30;
        } else if x > 0.86 {
            let extra = rng.range(1, 4);
            let at = s.push(hours(det, rng.range(20, 40)), &leader, Action::ExtendArrestRequest { person: no, extension: ArrestRequestExtension::SpecialDays { days: extra as u32 } });
            not_before = not_before.max(hours(at, 2));
            limit = 3 + extra;
        }
        let det_day = det.date();
        let req_day = if rng.chance(0.02) {
            days(det_day, limit + rng.range(1, 3))
        } else {
            s.day(rng, days(det_day, (limit / 2).max(2).min(limit)), days(det_day, limit), true)
        };
        let req = s.push(office(rng, req_day).max(not_before), &police(rng), Action::RequestArrest { person: no });
        let dec_day = if rng.chance(0.015) { days(req.date(), rng.range(8, 9)) } else { days(req.date(), rng.late_range(3, 7)) };
        let dec = office(rng, dec_day).max(hours(req, 20));
        if rng.chance(0.86) {
            last = last.max(s.push(dec, &prosecutor, Action::ApproveArrest { person: no }));
            arrested.push((no, dec));
            continue;
        }
        let reason = rng.pick(&["不构成犯罪", "证据不足，不符合逮捕条件", "犯罪情节轻微，无社会危险性，无逮捕必要", "可能判处徒刑以下刑罚，无逮捕必要"]);
        let mut t = s.push(dec, &prosecutor, Action::RefuseArrest { person: no, reason: (*reason).into() });
        if rng.chance(0.35) {
            t = s.push(office(rng, days(t.date(), rng.range(1, 5))), &leader, Action::RequestReconsideration { person: no });
            let change = rng.chance(0.2);
            t = s.push(office(rng, days(t.date(), rng.range(3, 7))), &prosecutor, Action::DecideReconsideration { person: no, change });
            if change {
                arrested.push((no, t));
            } else if rng.chance(0.45) {
                t = s.push(office(rng, days(t.date(), rng.range(1, 5))), &leader, Action::RequestReview { person: no });
                let change = rng.chance(0.2);
                t = s.push(office(rng, days(t.date(), rng.range(5, 15))), &city_prosecutor, Action::DecideReview { person: no, change });
                if change {
                    arrested.push((no, t));
                }
            }
        }
        last = last.max(t);
    }

    // A few cases are withdrawn by the police (CPL 163).
    let refused_all = detained_any && arrested.is_empty();
    if rng.chance(if refused_all { 0.06 } else { 0.012 }) {
        let t = office(rng, days(last.date(), rng.range(5, 60)));
        let reason = rng.pick(&["经侦查，犯罪嫌疑人的行为情节显著轻微、危害不大，不认为是犯罪", "经侦查，没有犯罪事实", "犯罪嫌疑人死亡", "经侦查，涉案纠纷系民事经济纠纷，不构成犯罪"]);
        s.push(t, &leader, Action::WithdrawCase { reason: (*reason).into() });
        return s.finish();
    }

    // Custody after arrest: two months, extended by the higher procuratorate (CPL 156–159).
    let transfer_day = if arrested.is_empty() {
        let span = if pr.lo < 8.0 { (10, 75) } else { (20, 150) };
        office(rng, s.day(rng, days(last.date(), span.0), days(last.date(), span.1), false))
    } else {
        let weights: [u32; 4] = if pr.severe { [60, 25, 10, 5] } else if pr.hi > 40.0 { [80, 16, 3, 1] } else { [90, 10, 0, 0] };
        let k = rng.weighted(&weights);
        let all = [Period::Months(2), Period::Months(1), Period::Months(2), Period::Months(2)];
        let bases = [CustodyExtension::Art156, CustodyExtension::Art158, CustodyExtension::Art159];
        let deadline = |s: &Script, at: NaiveDateTime, j: usize| s.last_day(at, &all[..=j], true);
        let dmin = arrested.iter().map(|(_, a)| deadline(&s, *a, k)).min().expect("someone arrested");
        let first_arrest = arrested.iter().map(|a| a.1).min().expect("someone arrested");
        let lo = if k > 0 {
            let prev = arrested.iter().map(|(_, a)| deadline(&s, *a, k - 1)).min().expect("someone arrested");
            days(prev, -4)
        } else {
            days(first_arrest.date(), 12)
        }
        .max(days(last.date(), 1));
        let day = if rng.chance(0.03) { days(dmin, rng.range(1, 6)) } else { s.day(rng, lo, dmin, true) };
        let transfer_at = office(rng, day.max(days(last.date(), 1)));
        for (no, a) in &arrested {
            for j in 1..=k {
                let due = deadline(&s, *a, j - 1);
                if due >= transfer_at.date() {
                    break;
                }
                let t = office(rng, days(due, -rng.range(2, 7))).max(hours(*a, 24)).min(hours(transfer_at, -3));
                s.push(t, &city_prosecutor, Action::ExtendCustody { person: *no, basis: bases[j - 1] });
            }
        }
        transfer_at
    };
    let transfer_at = transfer_day;

    // Confession and acceptance of punishment (认罪认罚).
    let caa_final = rng.chance(if pr.severe { 0.4 } else { 0.8 });
    let caa_at_transfer = caa_final && rng.chance(0.8);
    let shares: Vec<f64> = (0..n).map(|i| if i == 0 { 1.0 } else { 0.55 + rng.unit() * 0.35 }).collect();
    let planned: Vec<Sentence> = shares.iter().map(|sh| sentence(rng, charge, &pr, f.gravity, caa_final, *sh)).collect();
    let max_months = planned.iter().map(prison_months).max().unwrap_or(0);

    let mut t = s.push(transfer_at, &police(rng), Action::TransferForProsecution { confession_and_acceptance: caa_at_transfer });
    let returns = [0, 1, 2][rng.weighted(&[76, 17, 7])];
    let non_prosecution = rng.chance(if returns == 2 { 0.3 } else if pr.severe { 0.01 } else { 0.06 });
    let mut round = 0;
    let final_decision = loop {
        let caa_now = caa_at_transfer;
        let mut periods = if caa_now { vec![Period::Days(10)] } else { vec![Period::Months(1)] };
        let mut min = days(t.date(), if caa_now { 2 } else { 7 });
        if rng.chance(if caa_now { 0.04 } else { 0.12 }) {
            let soon = s.last_day(t, &periods, true);
            let at = office(rng, s.day(rng, days(soon, -5), days(soon, -1), false)).max(hours(t, 20));
            s.push(at, &prosecutor, Action::ExtendReview);
            periods = if caa_now { vec![Period::Days(15)] } else { vec![Period::Months(1), Period::Days(15)] };
            min = min.max(days(at.date(), 1));
        }
        let due = s.last_day(t, &periods, true);
        let day = if rng.chance(0.04) { days(due, rng.range(1, 12)) } else { s.day(rng, min.min(due), due, true) };
        let at = office(rng, day).max(hours(t, 24));
        if round < returns {
            round += 1;
            let reason = rng.pick(&[
                "部分犯罪事实不清，需补充查证涉案财物去向",
                "需补充调取被害人陈述及相关监控录像",
                "需补充对涉案物品进行价格认定",
                "同案犯罪嫌疑人的身份及作用需进一步查明",
                "需补充电子数据提取笔录及鉴定意见",
            ]);
            let ret = s.push(at, &prosecutor, Action::ReturnForInvestigation { reason: (*reason).into() });
            let sdue = s.last_day(ret, &[Period::Months(1)], true);
            let back = if rng.chance(0.04) { days(sdue, rng.range(1, 10)) } else { s.day(rng, days(ret.date(), 8), sdue, true) };
            t = s.push(office(rng, back).max(hours(ret, 24)), &police(rng), Action::TransferForProsecution { confession_and_acceptance: false });
            continue;
        }
        break at;
    };

    let mut indict_at = final_decision;
    if non_prosecution {
        let (basis, reason) = if returns == 2 && rng.chance(0.7) {
            (NonProsecutionBasis::InsufficientEvidence, "经二次补充侦查，仍然证据不足，不符合起诉条件")
        } else if rng.chance(0.9) {
            (NonProsecutionBasis::Discretionary, "犯罪情节轻微，认罪悔罪，已赔偿被害人损失并取得谅解，依照刑法规定不需要判处刑罚")
        } else {
            (NonProsecutionBasis::Statutory, "情节显著轻微、危害不大，不认为是犯罪")
        };
        let np = s.push(final_decision, &prosecutor, Action::DecideNonProsecution { basis, reason: reason.into() });
        if !rng.chance(0.18) {
            return s.finish();
        }
        let req = s.push(office(rng, days(np.date(), rng.range(2, 7))), &leader, Action::RequestNonProsecutionReconsideration);
        let revoke = rng.chance(0.25);
        let dec = s.push(office(rng, days(req.date(), rng.range(5, 25))), &prosecutor, Action::DecideNonProsecutionReconsideration { revoke });
        if !revoke {
            return s.finish();
        }
        let due = s.last_day(dec, &[Period::Months(1)], false);
        indict_at = office(rng, s.day(rng, days(dec.date(), 7), due, true)).max(hours(dec, 24));
    }

    // Indictment, with the sentencing proposal when the defendants accept punishment (CPL 176).
    let sp = caa_final.then(|| proposal(&suspects, &planned, pr.property, rng));
    let ind = s.push(indict_at, &prosecutor, Action::Indict { confession_and_acceptance: caa_final && !caa_at_transfer, sentencing_proposal: sp });

    // First instance.
    let severe_case = pr.severe || max_months > 120;
    let procedure = if caa_final && max_months <= 36 && !severe_case {
        [Procedure::FastTrack, Procedure::Summary, Procedure::Ordinary][rng.weighted(&[45, 37, 18])]
    } else if !severe_case {
        [Procedure::Summary, Procedure::Ordinary][rng.weighted(&[40, 60])]
    } else {
        Procedure::Ordinary
    };
    let accept_day = s.day(rng, days(ind.date(), 1), days(ind.date(), if rng.chance(0.05) { 15 } else { 6 }), false);
    let (mut verdicts, first) = first_instance(
        &mut s,
        rng,
        FirstInstance {
            accept: office(rng, accept_day).max(hours(ind, 2)),
            procedure,
            judge: &judge,
            filing_judge: &filing_judge,
            clerk: &clerk,
            suspects: &suspects,
            planned: &planned,
            charges: &charges,
        },
    );
    let mut served = first;

    // Appeal and protest (CPL 227–230), second instance (CPL 243), or effect (CPL 259).
    let appeal_p = if caa_final { 0.03 } else { 0.11 };
    let protest_p = if caa_final { 0.012 } else { 0.02 };
    let acquitted = verdicts.iter().all(|v| v.verdict == Verdict::Acquitted);
    let appeal = !acquitted && rng.chance(appeal_p);
    let protest = !appeal && rng.chance(protest_p) || (acquitted && rng.chance(0.5));
    let effect = if appeal || protest {
        let mut at = office(rng, s.day(rng, days(served.date(), 1), days(served.date(), 9), false)).max(hours(served, 2));
        if appeal {
            let who = rng.range(1, n as i64) as u32;
            at = s.push(at, &clerk, Action::Appeal { person: who });
        } else {
            let reason = rng.pick(&["原判量刑畸轻", "原判认定事实错误，适用法律不当", "被告人认罪认罚后无正当理由上诉，原判量刑不当"]);
            at = s.push(at, &prosecutor, Action::Protest { reason: (*reason).into() });
        }
        if appeal && n > 1 && rng.chance(0.4) {
            let first = match s.steps.last().map(|st| &st.2) {
                Some(Action::Appeal { person }) => *person,
                _ => 1,
            };
            let who = first % n as u32 + 1;
            at = s.push(hours(at, rng.range(2, 40)).min(office(rng, days(served.date(), 9))).max(hours(at, 1)), &clerk, Action::Appeal { person: who });
        }
        let acc = s.push(office(rng, s.day(rng, days(at.date(), 5), days(at.date(), 20), false)).max(hours(at, 24)), &appeal_judge, Action::AcceptSecondInstance);
        let mut periods = vec![Period::Months(2)];
        let mut min = days(acc.date(), 15);
        if rng.chance(0.06) {
            let d = s.last_day(acc, &periods, true);
            let at = s.push(office(rng, days(d, -rng.range(3, 10))).max(hours(acc, 48)), &appeal_judge, Action::ExtendSecondInstance);
            periods.push(Period::Months(2));
            min = min.max(days(at.date(), 1));
        }
        let due = s.last_day(acc, &periods, true);
        let day = if rng.chance(0.02) { days(due, rng.range(1, 8)) } else { s.day(rng, min, due, true) };
        let dec_at = office(rng, day).max(hours(acc, 48));
        let x = rng.unit();
        if x < 0.05 && !acquitted {
            s.push(dec_at, &appeal_judge, Action::DecideSecondInstance { outcome: SecondInstanceOutcome::Remand });
            let accept = office(rng, s.day(rng, days(dec_at.date(), 7), days(dec_at.date(), 20), false));
            let (v, srv) = first_instance(
                &mut s,
                rng,
                FirstInstance {
                    accept,
                    procedure: Procedure::Ordinary,
                    judge: &filing_judge,
                    filing_judge: &judge,
                    clerk: &clerk,
                    suspects: &suspects,
                    planned: &planned,
                    charges: &charges,
                },
            );
            verdicts = v;
            served = srv;
            take_effect(&mut s, rng, served, &clerk)
        } else if x < 0.22 && !acquitted {
            let amended: Vec<PersonVerdict> = verdicts
                .iter()
                .map(|v| match &v.verdict {
                    Verdict::Convicted { charges, sentence } => PersonVerdict {
                        person: v.person,
                        verdict: Verdict::Convicted { charges: charges.clone(), sentence: amend(rng, sentence, protest) },
                    },
                    Verdict::Acquitted => v.clone(),
                })
                .collect();
            verdicts = amended.clone();
            s.push(dec_at, &appeal_judge, Action::DecideSecondInstance { outcome: SecondInstanceOutcome::Amend { verdicts: amended } })
        } else {
            s.push(dec_at, &appeal_judge, Action::DecideSecondInstance { outcome: SecondInstanceOutcome::Uphold })
        }
    } else {
        take_effect(&mut s, rng, served, &clerk)
    };

    // Execution (CPL 264) and community correction (CCL 20, 21).
    for v in &verdicts {
        let Verdict::Convicted { sentence, .. } = &v.verdict else { continue };
        if sentence.custodial() {
            let d = if rng.chance(0.04) { days(effect.date(), rng.range(11, 16)) } else { s.day(rng, days(effect.date(), 1), days(effect.date(), 9), false) };
            s.push(office(rng, d).max(hours(effect, 1)), &clerk, Action::HandOverForExecution { person: v.person });
        } else if sentence.community_correction() {
            let d = if rng.chance(0.05) { days(effect.date(), rng.range(6, 9)) } else { s.day(rng, days(effect.date(), 1), days(effect.date(), 4), false) };
            let h = s.push(office(rng, d).max(hours(effect, 1)), &clerk, Action::HandOverForCommunityCorrection { person: v.person });
            let rd = if rng.chance(0.04) {
                days(effect.date(), rng.range(11, 16))
            } else {
                s.day(rng, days(h.date(), 1), days(effect.date(), 10).max(days(h.date(), 1)), false)
            };
            s.push(office(rng, rd).max(hours(h, 1)), &corrector, Action::RecordCorrectionReport { person: v.person });
        }
    }
    s.finish()
}

struct FirstInstance<'a> {
    accept: NaiveDateTime,
    procedure: Procedure,
    judge: &'a str,
    filing_judge: &'a str,
    clerk: &'a str,
    suspects: &'a [Suspect],
    planned: &'a [Sentence],
    charges: &'a [String],
}

/// Acceptance, hearing, judgment and service; returns the verdicts and the time of service.
fn first_instance(s: &mut Script, rng: &Rng, fi: FirstInstance) -> (Vec<PersonVerdict>, NaiveDateTime) {
    let (actor, assigned) = if rng.chance(0.6) { (fi.filing_judge, Some(fi.judge.to_string())) } else { (fi.judge, None) };
    let acc = s.push(fi.accept, actor, Action::AcceptTrial { procedure: fi.procedure, judge: assigned });
    let mut periods = match fi.procedure {
        Procedure::Ordinary => vec![Period::Months(2)],
        Procedure::Summary => vec![Period::Days(20)],
        Procedure::FastTrack => vec![Period::Days(10)],
    };
    let extend = rng.chance(match fi.procedure {
        Procedure::Ordinary => 0.1,
        Procedure::Summary => 0.05,
        Procedure::FastTrack => 0.04,
    });
    let base_due = s.last_day(acc, &periods, true);
    let mut not_before = acc.date();
    if extend {
        let at = office(rng, days(base_due, -rng.range(1, 4))).max(hours(acc, 26));
        s.push(at, fi.judge, Action::ExtendTrial);
        not_before = days(at.date(), 1);
        periods = match fi.procedure {
            Procedure::Ordinary => vec![Period::Months(3)],
            Procedure::Summary => vec![Period::Months(1), Period::Days(15)],
            Procedure::FastTrack => vec![Period::Days(15)],
        };
        if fi.procedure == Procedure::Ordinary && rng.chance(0.15) {
            let d3 = s.last_day(acc, &periods, true);
            let at2 = s.push(office(rng, days(d3, -rng.range(2, 8))).max(hours(at, 26)), fi.judge, Action::ExtendTrial);
            not_before = days(at2.date(), 1);
            periods.push(Period::Months(3));
        }
    }
    let due = s.last_day(acc, &periods, true);
    let sched = office(rng, s.day(rng, acc.date(), days(acc.date(), if fi.procedure == Procedure::FastTrack { 1 } else { 4 }), false)).max(hours(acc, 1));
    // CPL 187: the summons three days before the hearing; the indictment copy ten days before
    // in ordinary procedure.
    let mut hmin = days(sched.date(), 3).max(not_before);
    if fi.procedure == Procedure::Ordinary {
        hmin = hmin.max(days(acc.date(), 10));
    }
    let hmax = match fi.procedure {
        Procedure::Ordinary => days(due, -7),
        Procedure::Summary => days(due, -2),
        Procedure::FastTrack => due,
    }
    .max(hmin);
    let hearing_day = s.day(rng, hmin, hmax, false);
    let hearing_day = if s.working(hearing_day) { hearing_day } else { s.cal.first_working_day_from(hearing_day) };
    let slot = rng.pick(&[(9, 0), (9, 30), (10, 0), (14, 0), (14, 30), (15, 0)]);
    let hearing = hearing_day.and_time(NaiveTime::from_hms_opt(slot.0, slot.1, 0).expect("valid time"));
    s.push(sched, fi.clerk, Action::ScheduleHearing { at: utc(hearing) });
    let in_court = fi.procedure != Procedure::Ordinary || rng.chance(0.4);
    let pron = if in_court {
        hours(hearing, rng.range(1, 3))
    } else if rng.chance(0.03) {
        office(rng, days(due, rng.range(1, 10)))
    } else {
        office(rng, s.day(rng, days(hearing_day, 1), due.max(days(hearing_day, 1)), false))
    };
    let pron = pron.max(hours(hearing, 1));
    let acquit = rng.chance(0.004);
    let verdicts: Vec<PersonVerdict> = fi
        .planned
        .iter()
        .enumerate()
        .map(|(i, planned)| PersonVerdict {
            person: i as u32 + 1,
            verdict: if acquit {
                Verdict::Acquitted
            } else {
                let sentence = if rng.chance(0.85) { planned.clone() } else { amend(rng, planned, rng.chance(0.3)) };
                Verdict::Convicted { charges: fi.charges.to_vec(), sentence }
            },
        })
        .collect();
    let _ = fi.suspects;
    let pron = s.push(pron, fi.judge, Action::PronounceJudgment { verdicts: verdicts.clone() });
    let serve = if in_court && rng.chance(0.5) {
        hours(pron, 1)
    } else if rng.chance(0.02) {
        office(rng, days(pron.date(), rng.range(6, 8)))
    } else {
        office(rng, days(pron.date(), rng.range(1, 4)))
    };
    let served = s.push(serve.max(pron + Duration::minutes(30)), fi.clerk, Action::ServeJudgment);
    (verdicts, served)
}

/// The judgment takes effect once the appeal window has run out (CPL 259), counted either way
/// (with and without custody) so the step is never early.
fn take_effect(s: &mut Script, rng: &Rng, served: NaiveDateTime, clerk: &str) -> NaiveDateTime {
    let a = s.last_day(served, &[Period::Days(10)], true);
    let b = s.last_day(served, &[Period::Days(10)], false);
    let earliest = days(a.max(b), 1);
    let day = s.day(rng, earliest, days(earliest, 4), false);
    s.push(office(rng, day), clerk, Action::TakeEffect)
}
