//! Agencies, organizations in levels, users and roles; the pairing of agencies by jurisdiction.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The five agency kinds of the political-legal system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// 政法委: supervises; sees across agencies.
    Committee,
    /// 公安机关
    Police,
    /// 人民检察院
    Procuratorate,
    /// 人民法院
    Court,
    /// 司法局 / 社区矫正机构
    JusticeBureau,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 5] = [
        AgencyKind::Committee,
        AgencyKind::Police,
        AgencyKind::Procuratorate,
        AgencyKind::Court,
        AgencyKind::JusticeBureau,
    ];
    pub fn label(self) -> &'static str {
        match self {
            AgencyKind::Committee => "政法委",
            AgencyKind::Police => "公安机关",
            AgencyKind::Procuratorate => "人民检察院",
            AgencyKind::Court => "人民法院",
            AgencyKind::JusticeBureau => "司法局",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            AgencyKind::Committee => "committee",
            AgencyKind::Police => "police",
            AgencyKind::Procuratorate => "procuratorate",
            AgencyKind::Court => "court",
            AgencyKind::JusticeBureau => "justice_bureau",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// Organization levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    City,
    County,
    Station,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::City => "市级",
            Level::County => "区县级",
            Level::Station => "基层站所",
        }
    }
}

/// Roles a person holds in an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 办案民警
    Officer,
    /// 检察官
    Prosecutor,
    /// 法官
    Judge,
    /// 书记员
    Clerk,
    /// 社区矫正工作人员
    CorrectionOfficer,
    /// 政法委督查人员
    Supervisor,
    /// 单位领导
    Leader,
    /// 系统管理员
    Admin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Officer,
        Role::Prosecutor,
        Role::Judge,
        Role::Clerk,
        Role::CorrectionOfficer,
        Role::Supervisor,
        Role::Leader,
        Role::Admin,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Role::Officer => "办案民警",
            Role::Prosecutor => "检察官",
            Role::Judge => "法官",
            Role::Clerk => "书记员",
            Role::CorrectionOfficer => "社区矫正工作人员",
            Role::Supervisor => "督查人员",
            Role::Leader => "单位领导",
            Role::Admin => "系统管理员",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Prosecutor => "prosecutor",
            Role::Judge => "judge",
            Role::Clerk => "clerk",
            Role::CorrectionOfficer => "correction_officer",
            Role::Supervisor => "supervisor",
            Role::Leader => "leader",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }
    /// Roles that may exist in an agency of this kind.
    pub fn fits(self, kind: AgencyKind) -> bool {
        use AgencyKind::*;
        match self {
            Role::Officer => kind == Police,
            Role::Prosecutor => kind == Procuratorate,
            Role::Judge | Role::Clerk => kind == Court,
            Role::CorrectionOfficer => kind == JusticeBureau,
            Role::Supervisor => kind == Committee,
            Role::Leader | Role::Admin => true,
        }
    }
}

/// A concrete unit at a level, e.g. 临江市滨江区人民检察院.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub kind: AgencyKind,
    pub level: Level,
    /// Administrative area code of the jurisdiction (e.g. `330102`); agencies of one level and one
    /// jurisdiction are paired (CPL 162: 移送同级人民检察院).
    pub jurisdiction: String,
    /// The organization one level up of the same kind (the higher procuratorate or court).
    pub parent: Option<String>,
}

/// A person who logs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub username: String,
    pub name: String,
    pub org: String,
    pub role: Role,
    pub active: bool,
}

/// All organizations and users: who is paired with whom.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Directory {
    pub orgs: BTreeMap<String, Organization>,
    pub users: BTreeMap<String, User>,
}

impl Directory {
    pub fn org(&self, id: &str) -> Option<&Organization> {
        self.orgs.get(id)
    }
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.get(id)
    }
    /// The agency of `kind` at the same level and jurisdiction as `org`.
    pub fn paired(&self, org: &str, kind: AgencyKind) -> Option<&Organization> {
        let o = self.org(org)?;
        if o.kind == kind {
            return Some(o);
        }
        self.orgs
            .values()
            .find(|c| c.kind == kind && c.level == o.level && c.jurisdiction == o.jurisdiction)
    }
    /// The organization one level up.
    pub fn parent(&self, org: &str) -> Option<&Organization> {
        self.org(org)?.parent.as_deref().and_then(|p| self.org(p))
    }
}
