//! The gate's policies as data: Cedar policies (`policies/gate.cedar`) validated against a schema
//! (`policies/gate.cedarschema`), evaluated over facts derived from a case's state.
//!
//! The key decision: **the policy decides, the code only gathers facts.** Rust computes what a
//! case *is* (its stage, which organizations handle it, whether it was transferred, indicted,
//! sealed, whether a person is a minor); the policy file says who may do what with it, with
//! `forbid` for legal prohibitions overriding every `permit`. Nothing here does I/O.

use cedar_policy::{Authorizer, Context, Entities, EntityUid, PolicySet, Request, Schema, ValidationMode, Validator};
use chrono::{Datelike, NaiveDate};
use domain::action::DocumentKind;
use domain::case::{Execution, Person};
use domain::{AgencyKind, CaseState, Level, Role};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::LazyLock;

pub const POLICY_SOURCE: &str = include_str!("../policies/gate.cedar");
pub const SCHEMA_SOURCE: &str = include_str!("../policies/gate.cedarschema");

/// What a user asks to do with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GateAction {
    /// The case's summary, stage, deadlines, tasks (masked personal data).
    ReadCase,
    /// The procedural record (event feed), masked.
    ReadTimeline,
    /// Unmasked personal data of a person (ID number, birth date, minors' names).
    ReadPersonalData,
    /// The police's own investigation file and internal notes.
    ReadPoliceFile,
    /// The indictment and the evidence transferred with it.
    ReadIndictment,
    ReadJudgment,
    /// The electronic case file as transferred to the reader's agency.
    ReadCaseFiles,
    ExportCase,
    ActOnCase,
    SealCase,
    /// Who read the case.
    ReadAccessLog,
}

impl GateAction {
    pub const ALL: [GateAction; 11] = [
        GateAction::ReadCase,
        GateAction::ReadTimeline,
        GateAction::ReadPersonalData,
        GateAction::ReadPoliceFile,
        GateAction::ReadIndictment,
        GateAction::ReadJudgment,
        GateAction::ReadCaseFiles,
        GateAction::ExportCase,
        GateAction::ActOnCase,
        GateAction::SealCase,
        GateAction::ReadAccessLog,
    ];
    pub fn code(self) -> &'static str {
        match self {
            GateAction::ReadCase => "read_case",
            GateAction::ReadTimeline => "read_timeline",
            GateAction::ReadPersonalData => "read_personal_data",
            GateAction::ReadPoliceFile => "read_police_file",
            GateAction::ReadIndictment => "read_indictment",
            GateAction::ReadJudgment => "read_judgment",
            GateAction::ReadCaseFiles => "read_case_files",
            GateAction::ExportCase => "export_case",
            GateAction::ActOnCase => "act_on_case",
            GateAction::SealCase => "seal_case",
            GateAction::ReadAccessLog => "read_access_log",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            GateAction::ReadCase => "查阅案件",
            GateAction::ReadTimeline => "查阅办案记录",
            GateAction::ReadPersonalData => "查阅个人信息",
            GateAction::ReadPoliceFile => "查阅侦查卷宗",
            GateAction::ReadIndictment => "查阅起诉书及随案移送证据",
            GateAction::ReadJudgment => "查阅裁判文书",
            GateAction::ReadCaseFiles => "查阅电子卷宗",
            GateAction::ExportCase => "导出案件",
            GateAction::ActOnCase => "办理案件",
            GateAction::SealCase => "封存案件",
            GateAction::ReadAccessLog => "查阅访问记录",
        }
    }
}

/// Who asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user: String,
    pub agency: AgencyKind,
    pub role: Role,
    pub org: String,
    pub level: Level,
    /// An agency system acting through an API token.
    pub service: bool,
}

pub fn level_code(l: Level) -> &'static str {
    match l {
        Level::City => "city",
        Level::County => "county",
        Level::Station => "station",
    }
}

/// What the gate knows about a case.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct CaseFacts {
    pub id: String,
    pub stage: String,
    pub police_org: String,
    pub participants: BTreeSet<String>,
    pub handling_orgs: BTreeSet<String>,
    pub procuratorate_orgs: BTreeSet<String>,
    pub court_orgs: BTreeSet<String>,
    pub correction_orgs: BTreeSet<String>,
    pub sealed: bool,
    pub arrest_requested: bool,
    pub transferred: bool,
    pub indicted: bool,
    pub judged: bool,
    pub effective: bool,
    pub has_minor: bool,
}

/// What the gate knows about one person of a case.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PersonFacts {
    pub minor: bool,
    pub person_handlers: BTreeSet<String>,
}

/// A person's birth date: as recorded, or from the ID number (digits 7–14, GB 11643).
pub fn birth_date(p: &Person) -> Option<NaiveDate> {
    p.birth_date.or_else(|| {
        let id = p.id_card.as_deref()?;
        (id.len() == 18).then(|| NaiveDate::parse_from_str(id.get(6..14)?, "%Y%m%d").ok()).flatten()
    })
}

/// Whether a person was under 18 on `on` (Criminal Law art. 17: minors are those under 18).
pub fn minor_on(p: &Person, on: NaiveDate) -> bool {
    birth_date(p).is_some_and(|b| {
        let mut age = on.year() - b.year();
        if (on.month(), on.day()) < (b.month(), b.day()) {
            age -= 1;
        }
        age < 18
    })
}

impl CaseFacts {
    pub fn of(s: &CaseState, sealed: bool) -> Self {
        let set = |xs: &[&Option<String>]| xs.iter().filter_map(|o| o.as_ref().cloned()).collect::<BTreeSet<String>>();
        let mut handling = set(&[&s.procuratorate_org, &s.review_org, &s.court_org, &s.appeal_court_org]);
        handling.insert(s.police_org.clone());
        let registered = domain::period::local_date(s.registered_at);
        let has = |k: DocumentKind| s.documents.iter().any(|d| d.kind == k);
        CaseFacts {
            id: s.id.clone(),
            stage: s.stage.code().to_string(),
            police_org: s.police_org.clone(),
            participants: s.participants().into_iter().map(str::to_string).collect(),
            handling_orgs: handling,
            procuratorate_orgs: set(&[&s.procuratorate_org, &s.review_org]),
            court_orgs: set(&[&s.court_org, &s.appeal_court_org]),
            correction_orgs: s.persons.iter().flat_map(|p| PersonFacts::of(s, p).person_handlers).collect(),
            sealed,
            arrest_requested: has(DocumentKind::ArrestRequest),
            transferred: has(DocumentKind::ProsecutionRecommendation),
            indicted: has(DocumentKind::Indictment),
            judged: has(DocumentKind::Judgment) || s.judgment_pronounced_at.is_some(),
            effective: s.effective_at.is_some(),
            has_minor: s.persons.iter().any(|p| minor_on(p, registered)),
        }
    }
}

impl PersonFacts {
    pub fn of(s: &CaseState, p: &Person) -> Self {
        let registered = domain::period::local_date(s.registered_at);
        let person_handlers = match &p.execution {
            Some(Execution::Prison { org, .. } | Execution::CommunityCorrection { org, .. }) => BTreeSet::from([org.clone()]),
            None => BTreeSet::new(),
        };
        PersonFacts { minor: minor_on(p, registered), person_handlers }
    }
}

/// The outcome of one question to the gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub allowed: bool,
    /// The policies that decided (the permits that allowed, or the forbids that denied).
    pub policies: Vec<String>,
    /// Why it was denied, in Chinese.
    pub message: Option<String>,
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        self.allowed
    }
}

/// Validated policies and their schema.
pub struct Engine {
    policies: PolicySet,
    schema: Schema,
    authorizer: Authorizer,
    /// Decisions already taken, by everything they depend on except the case's id (no policy
    /// names a particular case): a list of a thousand cases of one district asks Cedar a handful
    /// of times. Bounded; cleared when full.
    memo: std::sync::Mutex<std::collections::HashMap<[u8; 32], Decision>>,
}

/// How many decisions the memo keeps before it starts again.
const MEMO_LIMIT: usize = 20_000;

/// Everything a decision depends on, the case's id left out.
fn memo_key(p: &Principal, action: GateAction, c: &CaseFacts, person: &PersonFacts) -> [u8; 32] {
    // Everything the decision depends on except the case id (no policy names a case), hashed
    // without copying: each string length-prefixed, each set counted, so distinct inputs cannot
    // run together.
    use sha2::{Digest, Sha256};
    fn text(h: &mut Sha256, s: &str) {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    }
    fn set(h: &mut Sha256, s: &BTreeSet<String>) {
        h.update((s.len() as u64).to_le_bytes());
        for x in s {
            text(h, x);
        }
    }
    // Destructured in full, so that a new fact cannot be forgotten here.
    let Principal { user, agency, role, org, level, service } = p;
    let CaseFacts { id: _, stage, police_org, participants, handling_orgs, procuratorate_orgs, court_orgs, correction_orgs, sealed, arrest_requested, transferred, indicted, judged, effective, has_minor } = c;
    let PersonFacts { minor, person_handlers } = person;
    let mut h = Sha256::new();
    text(&mut h, user);
    text(&mut h, agency.code());
    text(&mut h, role.code());
    text(&mut h, org);
    text(&mut h, level_code(*level));
    text(&mut h, action.code());
    text(&mut h, stage);
    text(&mut h, police_org);
    for s in [participants, handling_orgs, procuratorate_orgs, court_orgs, correction_orgs, person_handlers] {
        set(&mut h, s);
    }
    let flags = [*service, *sealed, *arrest_requested, *transferred, *indicted, *judged, *effective, *has_minor, *minor];
    h.update(flags.map(u8::from));
    h.finalize().into()
}

/// Parses and validates (strictly) a policy set against a schema.
pub fn load(policy_src: &str, schema_src: &str) -> Result<Engine, String> {
    let (schema, _warnings) = Schema::from_cedarschema_str(schema_src).map_err(|e| format!("schema: {e}"))?;
    let policies = PolicySet::from_str(policy_src).map_err(|e| format!("policies: {e}"))?;
    let result = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
    if !result.validation_passed() {
        let errs: Vec<String> = result.validation_errors().map(|e| e.to_string()).collect();
        return Err(format!("policies do not match the schema: {}", errs.join("; ")));
    }
    Ok(Engine { policies, schema, authorizer: Authorizer::new(), memo: Default::default() })
}

/// The shipped policies, validated on first use.
pub fn engine() -> &'static Engine {
    static ENGINE: LazyLock<Engine> = LazyLock::new(|| load(POLICY_SOURCE, SCHEMA_SOURCE).expect("shipped gate policies validate"));
    &ENGINE
}

fn uid(kind: &str, id: &str) -> EntityUid {
    EntityUid::from_str(&format!("Lianban::{kind}::{}", json!(id))).expect("entity uid")
}

impl Engine {
    /// Decides one action on one case (and, for person-level actions, one person).
    pub fn decide(&self, p: &Principal, action: GateAction, c: &CaseFacts, person: &PersonFacts) -> Decision {
        let key = memo_key(p, action, c, person);
        if let Some(d) = self.memo.lock().expect("gate memo lock").get(&key) {
            return d.clone();
        }
        match self.try_decide(p, action, c, person) {
            Ok(d) => {
                let mut memo = self.memo.lock().expect("gate memo lock");
                if memo.len() >= MEMO_LIMIT {
                    memo.clear();
                }
                memo.insert(key, d.clone());
                d
            }
            Err(e) => {
                tracing::error!(error = %e, action = action.code(), "gate evaluation failed; denying");
                Decision { allowed: false, policies: vec![], message: Some("访问控制策略无法判定，已拒绝".into()) }
            }
        }
    }

    fn try_decide(&self, p: &Principal, action: GateAction, c: &CaseFacts, person: &PersonFacts) -> Result<Decision, String> {
        let principal = uid("User", &p.user);
        let resource = uid("Case", &c.id);
        let action_uid = uid("Action", action.code());
        let entities = json!([
            {
                "uid": { "type": "Lianban::User", "id": p.user },
                "attrs": {
                    "agency": p.agency.code(),
                    "role": p.role.code(),
                    "org": p.org,
                    "level": level_code(p.level),
                    "service": p.service,
                },
                "parents": []
            },
            {
                "uid": { "type": "Lianban::Case", "id": c.id },
                "attrs": {
                    "stage": c.stage,
                    "police_org": c.police_org,
                    "participants": c.participants,
                    "handling_orgs": c.handling_orgs,
                    "procuratorate_orgs": c.procuratorate_orgs,
                    "court_orgs": c.court_orgs,
                    "correction_orgs": c.correction_orgs,
                    "sealed": c.sealed,
                    "arrest_requested": c.arrest_requested,
                    "transferred": c.transferred,
                    "indicted": c.indicted,
                    "judged": c.judged,
                    "effective": c.effective,
                    "has_minor": c.has_minor,
                },
                "parents": []
            }
        ]);
        let entities = Entities::from_json_value(entities, Some(&self.schema)).map_err(|e| e.to_string())?;
        let context = Context::from_json_value(json!({ "minor": person.minor, "person_handlers": person.person_handlers }), Some((&self.schema, &action_uid)))
            .map_err(|e| e.to_string())?;
        let request = Request::new(principal, action_uid, resource, context, Some(&self.schema)).map_err(|e| e.to_string())?;
        let response = self.authorizer.is_authorized(&request, &self.policies, &entities);
        if let Some(e) = response.diagnostics().errors().next() {
            return Err(e.to_string());
        }
        // Policies are named by their `@id` annotation (Cedar numbers them `policy0`, … otherwise).
        let reasons: Vec<&cedar_policy::PolicyId> = response.diagnostics().reason().collect();
        let policies: Vec<String> =
            reasons.iter().map(|id| self.policies.annotation(id, "id").map(str::to_string).unwrap_or_else(|| id.to_string())).collect();
        let allowed = response.decision() == cedar_policy::Decision::Allow;
        let message = (!allowed).then(|| {
            reasons
                .iter()
                .find_map(|id| self.policies.annotation(id, "message").map(str::to_string))
                .unwrap_or_else(|| format!("无权{}", action.label()))
        });
        Ok(Decision { allowed, policies, message })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_policies_validate_against_the_schema() {
        load(POLICY_SOURCE, SCHEMA_SOURCE).unwrap();
    }

    #[test]
    fn a_policy_naming_an_unknown_attribute_is_refused() {
        let bad = r#"permit(principal, action, resource) when { resource.secret_flag };"#;
        let err = load(bad, SCHEMA_SOURCE).err().unwrap();
        assert!(err.contains("do not match"), "{err}");
    }

    #[test]
    fn minors_by_birth_date_or_id_number() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut p = Person {
            no: 1,
            name: "甲".into(),
            id_card: Some("110105200801010012".into()),
            gender: None,
            birth_date: None,
            phone: None,
            address: None,
            custody: domain::case::Custody::Free,
            arrest: domain::case::ArrestReview::None,
            arrest_request_extension: None,
            custody_extensions: vec![],
            interrogated: false,
            verdict: None,
            appealed: false,
            execution: None,
        };
        assert!(minor_on(&p, d("2025-12-31")));
        assert!(!minor_on(&p, d("2026-01-01")), "18 on the birthday");
        p.birth_date = Some(d("1990-05-05"));
        assert!(!minor_on(&p, d("2025-12-31")), "the recorded birth date wins");
    }
}
