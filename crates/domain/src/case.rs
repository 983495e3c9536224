//! The state of one case: its stage, its persons and their custody, its running clocks.
//! A `CaseState` is only ever produced by folding events (`machine::apply`).

use crate::cite::Citation;
use crate::org::AgencyKind;
use crate::period::Period;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Stages of the public-prosecution chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 侦查: registered, the police investigate (arrest reviews run per person).
    Investigation,
    /// 审查起诉
    ProsecutionReview,
    /// 退回补充侦查
    SupplementaryInvestigation,
    /// 一审: indicted, before the court's judgment.
    FirstInstance,
    /// 上诉期: first-instance judgment pronounced; service and the appeal window run.
    AppealWindow,
    /// 二审
    SecondInstance,
    /// 判决生效, waiting to be handed over for execution.
    AwaitingExecution,
    /// 交付执行 / 社区矫正: every convict handed over.
    Execution,
    /// 结案: non-prosecution, withdrawal, or acquittal that took effect.
    Closed,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Investigation,
        Stage::ProsecutionReview,
        Stage::SupplementaryInvestigation,
        Stage::FirstInstance,
        Stage::AppealWindow,
        Stage::SecondInstance,
        Stage::AwaitingExecution,
        Stage::Execution,
        Stage::Closed,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Stage::Investigation => "侦查",
            Stage::ProsecutionReview => "审查起诉",
            Stage::SupplementaryInvestigation => "退回补充侦查",
            Stage::FirstInstance => "一审",
            Stage::AppealWindow => "上诉期",
            Stage::SecondInstance => "二审",
            Stage::AwaitingExecution => "判决生效待交付执行",
            Stage::Execution => "交付执行",
            Stage::Closed => "已结案",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Stage::Investigation => "investigation",
            Stage::ProsecutionReview => "prosecution_review",
            Stage::SupplementaryInvestigation => "supplementary_investigation",
            Stage::FirstInstance => "first_instance",
            Stage::AppealWindow => "appeal_window",
            Stage::SecondInstance => "second_instance",
            Stage::AwaitingExecution => "awaiting_execution",
            Stage::Execution => "execution",
            Stage::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    /// The agency that holds the case in this stage.
    pub fn holder_kind(self) -> Option<AgencyKind> {
        match self {
            Stage::Investigation | Stage::SupplementaryInvestigation => Some(AgencyKind::Police),
            Stage::ProsecutionReview => Some(AgencyKind::Procuratorate),
            Stage::FirstInstance | Stage::AppealWindow | Stage::SecondInstance | Stage::AwaitingExecution => {
                Some(AgencyKind::Court)
            }
            Stage::Execution | Stage::Closed => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

/// Custody of one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Custody {
    /// Never held.
    Free,
    /// 刑事拘留
    Detained { since: DateTime<Utc> },
    /// 逮捕
    Arrested { since: DateTime<Utc> },
    /// Released (bail or residential surveillance, or at the end of the case).
    Released { at: DateTime<Utc> },
}

impl Custody {
    pub fn in_custody(&self) -> bool {
        matches!(self, Custody::Detained { .. } | Custody::Arrested { .. })
    }
    pub fn label(&self) -> &'static str {
        match self {
            Custody::Free => "未羁押",
            Custody::Detained { .. } => "刑事拘留",
            Custody::Arrested { .. } => "逮捕羁押",
            Custody::Released { .. } => "已释放（取保候审/监视居住）",
        }
    }
}

/// Where one person's arrest review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArrestReview {
    None,
    /// 提请批准逮捕, waiting for the procuratorate.
    Requested,
    Approved,
    Refused,
    /// 复议 requested by the police (CPL 92).
    ReconsiderationRequested,
    /// The refusal was upheld on reconsideration.
    RefusalUpheld,
    /// 复核 requested from the higher procuratorate (CPL 92).
    ReviewRequested,
    /// The higher procuratorate upheld the refusal: final.
    RefusalFinal,
}

/// The extension of the time to request arrest approval (CPL 91).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ArrestRequestExtension {
    /// 特殊情况: one to four more days (CPL 91 ¶1).
    SpecialDays { days: u32 },
    /// 流窜作案、多次作案、结伙作案的重大嫌疑分子: up to thirty days (CPL 91 ¶2).
    SeriousSuspect,
}

/// Extensions of the custody period after arrest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustodyExtension {
    /// +1 month, approved by the higher procuratorate (CPL 156).
    Art156,
    /// +2 months for the listed complex cases (CPL 158).
    Art158,
    /// +2 more months where ten years or more may be imposed (CPL 159).
    Art159,
}

impl CustodyExtension {
    pub fn months(self) -> u32 {
        match self {
            CustodyExtension::Art156 => 1,
            CustodyExtension::Art158 | CustodyExtension::Art159 => 2,
        }
    }
    pub fn citation(self) -> Citation {
        crate::cite::cpl(match self {
            CustodyExtension::Art156 => 156,
            CustodyExtension::Art158 => 158,
            CustodyExtension::Art159 => 159,
        })
    }
}

/// First-instance trial procedures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// 普通程序 (CPL 208)
    Ordinary,
    /// 简易程序 (CPL 220)
    Summary,
    /// 速裁程序 (CPL 225)
    FastTrack,
}

impl Procedure {
    pub fn label(self) -> &'static str {
        match self {
            Procedure::Ordinary => "普通程序",
            Procedure::Summary => "简易程序",
            Procedure::FastTrack => "速裁程序",
        }
    }
}

/// A sentence imposed on one convict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Sentence {
    /// 有期徒刑
    Prison { months: u32 },
    /// 拘役
    CriminalDetention { months: u32 },
    /// 无期徒刑
    Life,
    /// 死刑 (with or without a two-year reprieve)
    Death { reprieve: bool },
    /// 管制 (community correction)
    Control { months: u32 },
    /// 有期徒刑/拘役宣告缓刑 (community correction)
    Probation { months: u32, probation_months: u32 },
    /// 单处罚金
    FineOnly { yuan: u64 },
}

impl Sentence {
    /// Whether the sentence is executed by community correction (CCL 2).
    pub fn community_correction(&self) -> bool {
        matches!(self, Sentence::Control { .. } | Sentence::Probation { .. })
    }
    /// Whether the convict is handed over to a prison or detention house (CPL 264).
    pub fn custodial(&self) -> bool {
        matches!(
            self,
            Sentence::Prison { .. } | Sentence::CriminalDetention { .. } | Sentence::Life | Sentence::Death { .. }
        )
    }
    pub fn label(&self) -> String {
        match self {
            Sentence::Prison { months } => format!("有期徒刑{}", months_label(*months)),
            Sentence::CriminalDetention { months } => format!("拘役{}", months_label(*months)),
            Sentence::Life => "无期徒刑".into(),
            Sentence::Death { reprieve: true } => "死刑，缓期二年执行".into(),
            Sentence::Death { reprieve: false } => "死刑".into(),
            Sentence::Control { months } => format!("管制{}", months_label(*months)),
            Sentence::Probation { months, probation_months } => {
                format!("有期徒刑{}，缓刑{}", months_label(*months), months_label(*probation_months))
            }
            Sentence::FineOnly { yuan } => format!("单处罚金{yuan}元"),
        }
    }
}

fn months_label(m: u32) -> String {
    match (m / 12, m % 12) {
        (0, m) => format!("{m}个月"),
        (y, 0) => format!("{y}年"),
        (y, m) => format!("{y}年{m}个月"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    Convicted { charges: Vec<String>, sentence: Sentence },
    Acquitted,
}

/// How a convict's sentence is executed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Execution {
    /// Handed to the police for prison or detention house (CPL 264).
    Prison { org: String, at: DateTime<Utc> },
    /// Handed to the justice bureau (CCL 20); `reported_at` once the person reports (CCL 21).
    CommunityCorrection { org: String, at: DateTime<Utc>, reported_at: Option<DateTime<Utc>> },
}

/// A suspect / defendant / convict: one person whose role changes with the stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub no: u32,
    pub name: String,
    pub id_card: Option<String>,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    /// 联系电话 (see `PersonInput::phone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// 住址 (see `PersonInput::address`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    pub custody: Custody,
    pub arrest: ArrestReview,
    pub arrest_request_extension: Option<ArrestRequestExtension>,
    pub custody_extensions: Vec<CustodyExtension>,
    pub interrogated: bool,
    pub verdict: Option<Verdict>,
    pub appealed: bool,
    pub execution: Option<Execution>,
}

/// The role a person has at the case's stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonRole {
    Suspect,
    Defendant,
    Convict,
    Acquitted,
}

impl PersonRole {
    pub fn label(self) -> &'static str {
        match self {
            PersonRole::Suspect => "犯罪嫌疑人",
            PersonRole::Defendant => "被告人",
            PersonRole::Convict => "罪犯",
            PersonRole::Acquitted => "宣告无罪",
        }
    }
}

/// Kinds of statutory deadline, each with the article it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// Interrogation within 24 hours of detention (CPL 86).
    Interrogation,
    /// Request arrest approval within 3 days of detention (CPL 91).
    ArrestRequest,
    /// The procuratorate decides within 7 days of the request (CPL 91).
    ArrestReview,
    /// Custody after arrest: 2 months, extensible (CPL 156, 158, 159).
    InvestigationCustody,
    /// Prosecution review: 1 month (+15 days), fast-track 10 (15) days (CPL 172).
    ProsecutionReview,
    /// Supplementary investigation within 1 month (CPL 175).
    SupplementaryInvestigation,
    /// First-instance trial (CPL 208, 220, 225).
    FirstInstanceTrial,
    /// Judgment served within 5 days of pronouncement (CPL 202).
    JudgmentService,
    /// Appeal and protest window: 10 days from the day after receipt (CPL 230).
    AppealWindow,
    /// Second instance: 2 months (+2) (CPL 243).
    SecondInstanceTrial,
    /// Documents delivered for execution within 10 days of effect (CPL 264).
    HandOverForExecution,
    /// Notify the correction agency within 5 days of effect (CCL 20).
    CorrectionNotice,
    /// The person reports to the correction agency within 10 days of effect (CCL 21).
    CorrectionReport,
}

impl DeadlineKind {
    pub fn label(self) -> &'static str {
        match self {
            DeadlineKind::Interrogation => "拘留后讯问",
            DeadlineKind::ArrestRequest => "提请批准逮捕",
            DeadlineKind::ArrestReview => "审查批准逮捕",
            DeadlineKind::InvestigationCustody => "侦查羁押期限",
            DeadlineKind::ProsecutionReview => "审查起诉期限",
            DeadlineKind::SupplementaryInvestigation => "补充侦查期限",
            DeadlineKind::FirstInstanceTrial => "一审审理期限",
            DeadlineKind::JudgmentService => "判决书送达",
            DeadlineKind::AppealWindow => "上诉、抗诉期限",
            DeadlineKind::SecondInstanceTrial => "二审审理期限",
            DeadlineKind::HandOverForExecution => "交付执行",
            DeadlineKind::CorrectionNotice => "通知社区矫正机构",
            DeadlineKind::CorrectionReport => "社区矫正报到",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            DeadlineKind::Interrogation => "interrogation",
            DeadlineKind::ArrestRequest => "arrest_request",
            DeadlineKind::ArrestReview => "arrest_review",
            DeadlineKind::InvestigationCustody => "investigation_custody",
            DeadlineKind::ProsecutionReview => "prosecution_review",
            DeadlineKind::SupplementaryInvestigation => "supplementary_investigation",
            DeadlineKind::FirstInstanceTrial => "first_instance_trial",
            DeadlineKind::JudgmentService => "judgment_service",
            DeadlineKind::AppealWindow => "appeal_window",
            DeadlineKind::SecondInstanceTrial => "second_instance_trial",
            DeadlineKind::HandOverForExecution => "hand_over_for_execution",
            DeadlineKind::CorrectionNotice => "correction_notice",
            DeadlineKind::CorrectionReport => "correction_report",
        }
    }
    /// A window for a party (the appeal window) rather than a duty of an agency: passing it is
    /// not an overrun.
    pub fn is_window(self) -> bool {
        self == DeadlineKind::AppealWindow
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ClockState {
    Running,
    /// The act the deadline asks for was done.
    Met { at: DateTime<Utc> },
    /// The deadline no longer applies (e.g. the person was released, the case returned).
    Stopped { at: DateTime<Utc> },
}

/// A running or finished statutory deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub id: u32,
    pub kind: DeadlineKind,
    pub person: Option<u32>,
    /// The organization that must act.
    pub org: String,
    pub started_at: DateTime<Utc>,
    /// The statutory period followed by any extensions (each counted from the previous end).
    pub periods: Vec<Period>,
    /// Articles the period and its extensions come from.
    pub citations: Vec<Citation>,
    pub state: ClockState,
}

/// A legal document issued by a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedDocument {
    pub kind: crate::action::DocumentKind,
    pub number: String,
    pub org: String,
    pub at: DateTime<Utc>,
    pub event_seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// The folded state of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseState {
    pub id: String,
    /// Number of events applied; the optimistic-concurrency version.
    pub version: u64,
    pub title: String,
    pub facts: String,
    pub charges: Vec<String>,
    pub registered_at: DateTime<Utc>,
    pub stage: Stage,
    pub police_org: String,
    pub procuratorate_org: Option<String>,
    pub court_org: Option<String>,
    pub appeal_court_org: Option<String>,
    pub review_org: Option<String>,
    /// Each agency's own case number.
    pub case_numbers: BTreeMap<AgencyKind, String>,
    pub persons: Vec<Person>,
    /// Returns for supplementary investigation so far (at most two, CPL 175).
    pub returns: u32,
    pub review_extended: bool,
    pub confession_and_acceptance: bool,
    pub sentencing_proposal: Option<String>,
    pub procedure: Option<Procedure>,
    pub trial_accepted: bool,
    pub judge: Option<String>,
    pub indictment_served_at: Option<DateTime<Utc>>,
    pub hearing_at: Option<DateTime<Utc>>,
    pub trial_extensions: u32,
    pub judgment_pronounced_at: Option<DateTime<Utc>>,
    pub judgment_served_at: Option<DateTime<Utc>>,
    pub protested: bool,
    pub second_instance_accepted: bool,
    pub effective_at: Option<DateTime<Utc>>,
    pub non_prosecution_reconsideration: bool,
    pub closure: Option<Closure>,
    pub clocks: Vec<Clock>,
    pub documents: Vec<IssuedDocument>,
}

impl CaseState {
    pub fn person(&self, no: u32) -> Option<&Person> {
        self.persons.iter().find(|p| p.no == no)
    }
    pub fn role_of(&self, p: &Person) -> PersonRole {
        match (&p.verdict, self.effective_at) {
            (Some(Verdict::Acquitted), _) => PersonRole::Acquitted,
            (Some(Verdict::Convicted { .. }), Some(_)) => PersonRole::Convict,
            _ => match self.stage {
                Stage::Investigation | Stage::ProsecutionReview | Stage::SupplementaryInvestigation => {
                    PersonRole::Suspect
                }
                Stage::Closed if self.court_org.is_none() => PersonRole::Suspect,
                _ => PersonRole::Defendant,
            },
        }
    }
    /// The organization holding the case now (who owes the next step).
    pub fn holder(&self) -> Option<&str> {
        match self.stage {
            Stage::Investigation | Stage::SupplementaryInvestigation => Some(&self.police_org),
            Stage::ProsecutionReview => self.procuratorate_org.as_deref(),
            Stage::FirstInstance | Stage::AppealWindow | Stage::AwaitingExecution => self.court_org.as_deref(),
            Stage::SecondInstance => self.appeal_court_org.as_deref(),
            Stage::Execution | Stage::Closed => None,
        }
    }
    /// Whether anyone in the case is in custody (CPL 105: holidays then never extend a period).
    pub fn anyone_in_custody(&self) -> bool {
        self.persons.iter().any(|p| p.custody.in_custody())
    }
    /// Every organization that has taken part in the case.
    pub fn participants(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![self.police_org.as_str()];
        for o in [&self.procuratorate_org, &self.court_org, &self.appeal_court_org, &self.review_org]
            .into_iter()
            .flatten()
        {
            out.push(o);
        }
        for p in &self.persons {
            if let Some(Execution::Prison { org, .. } | Execution::CommunityCorrection { org, .. }) = &p.execution {
                out.push(org);
            }
        }
        out.sort();
        out.dedup();
        out
    }
}
