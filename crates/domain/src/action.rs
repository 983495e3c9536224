//! Actions (what a person asks to do), events (what was done), legal documents and refusals.

use crate::case::{ArrestRequestExtension, CustodyExtension, Gender, Procedure, Verdict};
use crate::cite::Citation;
use crate::org::{AgencyKind, Role};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A person named when a case is registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    pub name: String,
    #[serde(default)]
    pub id_card: Option<String>,
    #[serde(default)]
    pub gender: Option<Gender>,
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    /// 联系电话: a mainland mobile (11 digits from 1) or landline (0 + area code + number)
    /// number. Left out of the JSON when absent, so events written before it existed keep their
    /// bytes (and their ledger leaves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// 住址: where the person lives (现住址), or the household-registration address (户籍地址)
    /// when that is all the police recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonVerdict {
    pub person: u32,
    pub verdict: Verdict,
}

/// Grounds for non-prosecution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NonProsecutionBasis {
    /// 法定不起诉: no crime, or CPL 16 circumstances (CPL 177 ¶1).
    Statutory,
    /// 酌定不起诉: minor circumstances (CPL 177 ¶2).
    Discretionary,
    /// 证据不足不起诉 after two supplementary investigations (CPL 175 ¶4).
    InsufficientEvidence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SecondInstanceOutcome {
    /// 维持原判
    Uphold,
    /// 改判
    Amend { verdicts: Vec<PersonVerdict> },
    /// 发回重审 (CPL 236): back to the first-instance court, which counts its period anew.
    Remand,
}

/// Everything a person can ask to do to a case. Tagged by `type` on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// 刑事立案
    Register {
        title: String,
        facts: String,
        charges: Vec<String>,
        persons: Vec<PersonInput>,
    },
    /// 刑事拘留
    Detain { person: u32 },
    /// 讯问 (CPL 86)
    Interrogate { person: u32 },
    /// 释放 (取保候审/监视居住)
    Release { person: u32, reason: String },
    /// 延长提请批准逮捕时间 (CPL 91)
    ExtendArrestRequest { person: u32, extension: ArrestRequestExtension },
    /// 提请批准逮捕 (CPL 91)
    RequestArrest { person: u32 },
    /// 批准逮捕 (CPL 91)
    ApproveArrest { person: u32 },
    /// 不批准逮捕 (CPL 91, 92)
    RefuseArrest { person: u32, reason: String },
    /// 要求复议 (CPL 92)
    RequestReconsideration { person: u32 },
    /// 复议决定 (CPL 92): `change` approves the arrest after all.
    DecideReconsideration { person: u32, change: bool },
    /// 提请复核 (CPL 92)
    RequestReview { person: u32 },
    /// 复核决定 by the higher procuratorate (CPL 92).
    DecideReview { person: u32, change: bool },
    /// 延长侦查羁押期限 (CPL 156, 158, 159)
    ExtendCustody { person: u32, basis: CustodyExtension },
    /// 移送审查起诉 (CPL 162), or back after supplementary investigation (CPL 175).
    TransferForProsecution {
        #[serde(default)]
        confession_and_acceptance: bool,
    },
    /// 延长审查起诉期限 (CPL 172)
    ExtendReview,
    /// 退回补充侦查 (CPL 175)
    ReturnForInvestigation { reason: String },
    /// 提起公诉 (CPL 176)
    Indict {
        #[serde(default)]
        confession_and_acceptance: bool,
        #[serde(default)]
        sentencing_proposal: Option<String>,
    },
    /// 不起诉 (CPL 175, 177)
    DecideNonProsecution { basis: NonProsecutionBasis, reason: String },
    /// 要求复议不起诉决定 (CPL 179)
    RequestNonProsecutionReconsideration,
    /// 不起诉复议决定 (CPL 179): `revoke` reopens prosecution review.
    DecideNonProsecutionReconsideration { revoke: bool },
    /// 受理、分案、确定审理程序
    AcceptTrial {
        procedure: Procedure,
        #[serde(default)]
        judge: Option<String>,
    },
    /// 延长审理期限 (CPL 208, 220, 225)
    ExtendTrial,
    /// 确定开庭日期 (CPL 187)
    ScheduleHearing { at: DateTime<Utc> },
    /// 宣告判决
    PronounceJudgment { verdicts: Vec<PersonVerdict> },
    /// 送达判决书 (CPL 202)
    ServeJudgment,
    /// 上诉 (CPL 227, 230), recorded by the first-instance court and forwarded (CPL 231).
    Appeal { person: u32 },
    /// 抗诉 (CPL 228, 230)
    Protest { reason: String },
    /// 判决生效 (CPL 259)
    TakeEffect,
    /// 二审受理
    AcceptSecondInstance,
    /// 延长二审期限 (CPL 243)
    ExtendSecondInstance,
    /// 二审裁判
    DecideSecondInstance { outcome: SecondInstanceOutcome },
    /// 交付执行 (CPL 264)
    HandOverForExecution { person: u32 },
    /// 交付社区矫正 (CCL 20)
    HandOverForCommunityCorrection { person: u32 },
    /// 社区矫正报到登记 (CCL 21)
    RecordCorrectionReport { person: u32 },
    /// 撤销案件 (CPL 163)
    WithdrawCase { reason: String },
}

impl Action {
    /// The wire name (`type`) of the action.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Register { .. } => "register",
            Action::Detain { .. } => "detain",
            Action::Interrogate { .. } => "interrogate",
            Action::Release { .. } => "release",
            Action::ExtendArrestRequest { .. } => "extend_arrest_request",
            Action::RequestArrest { .. } => "request_arrest",
            Action::ApproveArrest { .. } => "approve_arrest",
            Action::RefuseArrest { .. } => "refuse_arrest",
            Action::RequestReconsideration { .. } => "request_reconsideration",
            Action::DecideReconsideration { .. } => "decide_reconsideration",
            Action::RequestReview { .. } => "request_review",
            Action::DecideReview { .. } => "decide_review",
            Action::ExtendCustody { .. } => "extend_custody",
            Action::TransferForProsecution { .. } => "transfer_for_prosecution",
            Action::ExtendReview => "extend_review",
            Action::ReturnForInvestigation { .. } => "return_for_investigation",
            Action::Indict { .. } => "indict",
            Action::DecideNonProsecution { .. } => "decide_non_prosecution",
            Action::RequestNonProsecutionReconsideration => "request_non_prosecution_reconsideration",
            Action::DecideNonProsecutionReconsideration { .. } => "decide_non_prosecution_reconsideration",
            Action::AcceptTrial { .. } => "accept_trial",
            Action::ExtendTrial => "extend_trial",
            Action::ScheduleHearing { .. } => "schedule_hearing",
            Action::PronounceJudgment { .. } => "pronounce_judgment",
            Action::ServeJudgment => "serve_judgment",
            Action::Appeal { .. } => "appeal",
            Action::Protest { .. } => "protest",
            Action::TakeEffect => "take_effect",
            Action::AcceptSecondInstance => "accept_second_instance",
            Action::ExtendSecondInstance => "extend_second_instance",
            Action::DecideSecondInstance { .. } => "decide_second_instance",
            Action::HandOverForExecution { .. } => "hand_over_for_execution",
            Action::HandOverForCommunityCorrection { .. } => "hand_over_for_community_correction",
            Action::RecordCorrectionReport { .. } => "record_correction_report",
            Action::WithdrawCase { .. } => "withdraw_case",
        }
    }

    /// Chinese name shown on the timeline.
    pub fn label(&self) -> &'static str {
        match self {
            Action::Register { .. } => "刑事立案",
            Action::Detain { .. } => "刑事拘留",
            Action::Interrogate { .. } => "讯问",
            Action::Release { .. } => "释放",
            Action::ExtendArrestRequest { .. } => "延长提请批准逮捕时间",
            Action::RequestArrest { .. } => "提请批准逮捕",
            Action::ApproveArrest { .. } => "批准逮捕",
            Action::RefuseArrest { .. } => "不批准逮捕",
            Action::RequestReconsideration { .. } => "要求复议",
            Action::DecideReconsideration { .. } => "复议决定",
            Action::RequestReview { .. } => "提请复核",
            Action::DecideReview { .. } => "复核决定",
            Action::ExtendCustody { .. } => "延长侦查羁押期限",
            Action::TransferForProsecution { .. } => "移送审查起诉",
            Action::ExtendReview => "延长审查起诉期限",
            Action::ReturnForInvestigation { .. } => "退回补充侦查",
            Action::Indict { .. } => "提起公诉",
            Action::DecideNonProsecution { .. } => "不起诉",
            Action::RequestNonProsecutionReconsideration => "要求复议不起诉决定",
            Action::DecideNonProsecutionReconsideration { .. } => "不起诉复议决定",
            Action::AcceptTrial { .. } => "受理并分案",
            Action::ExtendTrial => "延长审理期限",
            Action::ScheduleHearing { .. } => "确定开庭日期",
            Action::PronounceJudgment { .. } => "宣告判决",
            Action::ServeJudgment => "送达判决书",
            Action::Appeal { .. } => "上诉",
            Action::Protest { .. } => "抗诉",
            Action::TakeEffect => "判决生效",
            Action::AcceptSecondInstance => "二审受理",
            Action::ExtendSecondInstance => "延长二审期限",
            Action::DecideSecondInstance { .. } => "二审裁判",
            Action::HandOverForExecution { .. } => "交付执行",
            Action::HandOverForCommunityCorrection { .. } => "交付社区矫正",
            Action::RecordCorrectionReport { .. } => "社区矫正报到",
            Action::WithdrawCase { .. } => "撤销案件",
        }
    }

    /// The person the action concerns, if any.
    pub fn person(&self) -> Option<u32> {
        match self {
            Action::Detain { person }
            | Action::Interrogate { person }
            | Action::Release { person, .. }
            | Action::ExtendArrestRequest { person, .. }
            | Action::RequestArrest { person }
            | Action::ApproveArrest { person }
            | Action::RefuseArrest { person, .. }
            | Action::RequestReconsideration { person }
            | Action::DecideReconsideration { person, .. }
            | Action::RequestReview { person }
            | Action::DecideReview { person, .. }
            | Action::ExtendCustody { person, .. }
            | Action::Appeal { person }
            | Action::HandOverForExecution { person }
            | Action::HandOverForCommunityCorrection { person }
            | Action::RecordCorrectionReport { person } => Some(*person),
            _ => None,
        }
    }
}

/// Legal documents issued by decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    RegistrationDecision,
    DetentionWarrant,
    ReleaseCertificate,
    ArrestRequestExtensionApproval,
    ArrestRequest,
    ArrestApproval,
    ArrestRefusal,
    ReconsiderationRequest,
    ReconsiderationDecision,
    ReviewRequest,
    ReviewDecision,
    CustodyExtensionApproval,
    ProsecutionRecommendation,
    ReviewExtensionDecision,
    ReturnForInvestigationDecision,
    Indictment,
    NonProsecutionDecision,
    NonProsecutionReconsiderationRequest,
    NonProsecutionReconsiderationDecision,
    TrialExtensionApproval,
    CourtSummons,
    Judgment,
    ServiceReceipt,
    AppealPetition,
    Protest,
    EffectCertificate,
    SecondInstanceJudgment,
    ExecutionNotice,
    CommunityCorrectionDocuments,
    CorrectionReportRecord,
    WithdrawalDecision,
}

impl DocumentKind {
    pub fn label(self) -> &'static str {
        use DocumentKind::*;
        match self {
            RegistrationDecision => "立案决定书",
            DetentionWarrant => "拘留证",
            ReleaseCertificate => "释放证明书",
            ArrestRequestExtensionApproval => "延长提请批准逮捕时间审批表",
            ArrestRequest => "提请批准逮捕书",
            ArrestApproval => "批准逮捕决定书",
            ArrestRefusal => "不批准逮捕决定书",
            ReconsiderationRequest => "要求复议意见书",
            ReconsiderationDecision => "复议决定书",
            ReviewRequest => "提请复核意见书",
            ReviewDecision => "复核决定书",
            CustodyExtensionApproval => "批准延长侦查羁押期限决定书",
            ProsecutionRecommendation => "起诉意见书",
            ReviewExtensionDecision => "延长审查起诉期限决定书",
            ReturnForInvestigationDecision => "退回补充侦查决定书",
            Indictment => "起诉书",
            NonProsecutionDecision => "不起诉决定书",
            NonProsecutionReconsiderationRequest => "要求复议意见书（不起诉）",
            NonProsecutionReconsiderationDecision => "复议决定书（不起诉）",
            TrialExtensionApproval => "延长审理期限批复",
            CourtSummons => "传票及起诉书副本送达回证",
            Judgment => "刑事判决书",
            ServiceReceipt => "送达回证",
            AppealPetition => "刑事上诉状",
            Protest => "刑事抗诉书",
            EffectCertificate => "判决生效证明",
            SecondInstanceJudgment => "刑事裁定书/判决书（二审）",
            ExecutionNotice => "执行通知书",
            CommunityCorrectionDocuments => "社区矫正法律文书",
            CorrectionReportRecord => "社区矫正报到登记表",
            WithdrawalDecision => "撤销案件决定书",
        }
    }

    /// Short code used in document numbers.
    pub fn abbreviation(self) -> &'static str {
        use DocumentKind::*;
        match self {
            RegistrationDecision => "立",
            DetentionWarrant => "拘",
            ReleaseCertificate => "释",
            ArrestRequestExtensionApproval => "延提",
            ArrestRequest => "提捕",
            ArrestApproval => "批捕",
            ArrestRefusal => "不捕",
            ReconsiderationRequest | NonProsecutionReconsiderationRequest => "复议",
            ReconsiderationDecision | NonProsecutionReconsiderationDecision => "复决",
            ReviewRequest => "复核",
            ReviewDecision => "核决",
            CustodyExtensionApproval => "延羁",
            ProsecutionRecommendation => "诉意",
            ReviewExtensionDecision => "延审",
            ReturnForInvestigationDecision => "退查",
            Indictment => "诉",
            NonProsecutionDecision => "不诉",
            TrialExtensionApproval => "延限",
            CourtSummons => "传",
            Judgment => "刑初",
            ServiceReceipt => "送",
            AppealPetition => "上诉",
            Protest => "抗",
            EffectCertificate => "生效",
            SecondInstanceJudgment => "刑终",
            ExecutionNotice => "执通",
            CommunityCorrectionDocuments => "矫",
            CorrectionReportRecord => "矫报",
            WithdrawalDecision => "撤",
        }
    }
}

/// Who did something: a named person of a named organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user: String,
    pub name: String,
    pub org: String,
    pub agency: AgencyKind,
    pub role: Role,
}

/// What was done: an action by an actor, stamped with the server's time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub case_id: String,
    /// 1-based position in the case's history; equals the case version after it.
    pub seq: u64,
    /// The server's clock when the action was accepted.
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub action: Action,
    /// The organization the action hands the case (or a request) to, resolved at decision time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// The time the actor claims the act happened, if it differs from `at` (kept for
    /// supervision: a claim earlier than the server's time is back-dating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed_at: Option<DateTime<Utc>>,
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalKind {
    /// The actor's agency or organization may not do this.
    WrongAgency,
    /// The actor's role may not do this.
    WrongRole,
    /// Not allowed in the case's stage or the person's status.
    WrongStage,
    /// A statutory limit is reached (e.g. a third return).
    LimitReached,
    /// A statutory period has not yet passed, or has already passed.
    Timing,
    /// The input is malformed.
    Invalid,
    /// The case or person does not exist.
    NotFound,
}

/// A refused action: a Chinese message for people, the rule's article, and the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub kind: RefusalKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<Citation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Refusal {
    pub fn new(kind: RefusalKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), citation: None, field: None }
    }
    pub fn cite(mut self, c: Citation) -> Self {
        self.citation = Some(c);
        self
    }
    pub fn field(mut self, f: impl Into<String>) -> Self {
        self.field = Some(f.into());
        self
    }
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(RefusalKind::Invalid, message).field(field)
    }
    /// The full Chinese text, with the article: `……（依据《刑事诉讼法》第一百七十五条）`.
    pub fn text(&self) -> String {
        match &self.citation {
            Some(c) => format!("{}（依据{}）", self.message, c),
            None => self.message.clone(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl std::error::Error for Refusal {}
