//! The demo world: the fictional city of 临江市 (jurisdiction code 3399) with three districts,
//! their agencies and about fifty users.

use domain::{AgencyKind, Level, Organization, Role, User};
use serde::{Deserialize, Serialize};

/// The password of every demo user.
pub const PASSWORD: &str = "lianban2026";

/// A district of the demo city.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct District {
    /// Readable ASCII key used in organization ids, e.g. `binjiang`.
    pub key: &'static str,
    /// Short suffix used in usernames, e.g. `bj`.
    pub short: &'static str,
    pub name: &'static str,
    /// Fictional administrative area code.
    pub code: &'static str,
}

pub const CITY_NAME: &str = "临江市";
pub const CITY_CODE: &str = "3399";

pub const DISTRICTS: [District; 3] = [
    District { key: "binjiang", short: "bj", name: "滨江区", code: "339901" },
    District { key: "linhu", short: "lh", name: "临湖区", code: "339902" },
    District { key: "qingshan", short: "qs", name: "青山区", code: "339903" },
];

/// A demo user and the password to log in with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoUser {
    pub user: User,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct World {
    /// Parents before children.
    pub orgs: Vec<Organization>,
    pub users: Vec<DemoUser>,
}

fn kind_key(kind: AgencyKind) -> &'static str {
    match kind {
        AgencyKind::Committee => "committee",
        AgencyKind::Police => "police",
        AgencyKind::Procuratorate => "procuratorate",
        AgencyKind::Court => "court",
        AgencyKind::JusticeBureau => "justice",
    }
}

fn user_kind_key(kind: AgencyKind) -> &'static str {
    match kind {
        AgencyKind::Procuratorate => "proc",
        k => kind_key(k),
    }
}

/// The id of the city organization of a kind, e.g. `city-court`.
pub fn city_org(kind: AgencyKind) -> String {
    format!("city-{}", kind_key(kind))
}

/// The id of a district organization of a kind, e.g. `binjiang-police`.
pub fn district_org(d: &District, kind: AgencyKind) -> String {
    format!("{}-{}", d.key, kind_key(kind))
}

/// Staff: (name, pinyin, role) per organization.
type Staff = &'static [(&'static str, &'static str, Role)];

const CITY_STAFF: [(AgencyKind, Staff); 5] = [
    (AgencyKind::Committee, &[("周建国", "zhoujianguo", Role::Supervisor), ("沈慧敏", "shenhuimin", Role::Supervisor)]),
    (AgencyKind::Police, &[("韩志刚", "hanzhigang", Role::Leader), ("魏东", "weidong", Role::Officer)]),
    (AgencyKind::Procuratorate, &[("郑雅琴", "zhengyaqin", Role::Prosecutor), ("冯立新", "fenglixin", Role::Prosecutor)]),
    (
        AgencyKind::Court,
        &[
            ("孙敏", "sunmin", Role::Judge),
            ("钱卫东", "qianweidong", Role::Judge),
            ("蒋丽华", "jianglihua", Role::Judge),
            ("秦朗", "qinlang", Role::Clerk),
        ],
    ),
    (AgencyKind::JusticeBureau, &[("褚红梅", "chuhongmei", Role::CorrectionOfficer)]),
];

const DISTRICT_STAFF: [[(AgencyKind, Staff); 4]; 3] = [
    [
        (
            AgencyKind::Police,
            &[
                ("张伟", "zhangwei", Role::Officer),
                ("王磊", "wanglei", Role::Officer),
                ("李强", "liqiang", Role::Officer),
                ("陈建华", "chenjianhua", Role::Leader),
            ],
        ),
        (
            AgencyKind::Procuratorate,
            &[("刘芳", "liufang", Role::Prosecutor), ("杨静", "yangjing", Role::Prosecutor), ("赵文博", "zhaowenbo", Role::Prosecutor)],
        ),
        (
            AgencyKind::Court,
            &[
                ("黄志明", "huangzhiming", Role::Judge),
                ("吴晓燕", "wuxiaoyan", Role::Judge),
                ("徐海涛", "xuhaitao", Role::Judge),
                ("朱婷", "zhuting", Role::Clerk),
                ("胡悦", "huyue", Role::Clerk),
            ],
        ),
        (AgencyKind::JusticeBureau, &[("林秀英", "linxiuying", Role::CorrectionOfficer), ("何俊", "hejun", Role::CorrectionOfficer)]),
    ],
    [
        (
            AgencyKind::Police,
            &[
                ("高鹏", "gaopeng", Role::Officer),
                ("罗勇", "luoyong", Role::Officer),
                ("梁晨", "liangchen", Role::Officer),
                ("宋国平", "songguoping", Role::Leader),
            ],
        ),
        (
            AgencyKind::Procuratorate,
            &[("谢丽娟", "xielijuan", Role::Prosecutor), ("唐明", "tangming", Role::Prosecutor), ("许诺", "xunuo", Role::Prosecutor)],
        ),
        (
            AgencyKind::Court,
            &[
                ("韩雪", "hanxue", Role::Judge),
                ("冯涛", "fengtao", Role::Judge),
                ("曹振宇", "caozhenyu", Role::Judge),
                ("彭佳", "pengjia", Role::Clerk),
                ("曾琳", "zenglin", Role::Clerk),
            ],
        ),
        (AgencyKind::JusticeBureau, &[("邓淑华", "dengshuhua", Role::CorrectionOfficer), ("萧然", "xiaoran", Role::CorrectionOfficer)]),
    ],
    [
        (
            AgencyKind::Police,
            &[
                ("田野", "tianye", Role::Officer),
                ("董浩", "donghao", Role::Officer),
                ("潘振华", "panzhenhua", Role::Officer),
                ("袁立军", "yuanlijun", Role::Leader),
            ],
        ),
        (
            AgencyKind::Procuratorate,
            &[("蔡文静", "caiwenjing", Role::Prosecutor), ("余波", "yubo", Role::Prosecutor), ("杜娟", "dujuan", Role::Prosecutor)],
        ),
        (
            AgencyKind::Court,
            &[
                ("叶青", "yeqing", Role::Judge),
                ("程光辉", "chengguanghui", Role::Judge),
                ("苏婉清", "suwanqing", Role::Judge),
                ("吕欣", "lvxin", Role::Clerk),
                ("丁一凡", "dingyifan", Role::Clerk),
            ],
        ),
        (AgencyKind::JusticeBureau, &[("任国庆", "renguoqing", Role::CorrectionOfficer), ("姚红", "yaohong", Role::CorrectionOfficer)]),
    ],
];

fn city_org_name(kind: AgencyKind) -> String {
    match kind {
        AgencyKind::Committee => "中共临江市委政法委员会".into(),
        AgencyKind::Police => "临江市公安局".into(),
        AgencyKind::Procuratorate => "临江市人民检察院".into(),
        AgencyKind::Court => "临江市中级人民法院".into(),
        AgencyKind::JusticeBureau => "临江市司法局".into(),
    }
}

fn district_org_name(d: &District, kind: AgencyKind) -> String {
    let short = d.name.trim_end_matches('区');
    match kind {
        AgencyKind::Committee => format!("中共临江市{}区委政法委员会", short),
        AgencyKind::Police => format!("临江市公安局{short}分局"),
        AgencyKind::Procuratorate => format!("临江市{}人民检察院", d.name),
        AgencyKind::Court => format!("临江市{}人民法院", d.name),
        AgencyKind::JusticeBureau => format!("临江市{}司法局", d.name),
    }
}

/// The demo organizations and users.
pub fn world() -> World {
    let mut orgs = Vec::new();
    for kind in AgencyKind::ALL {
        orgs.push(Organization {
            id: city_org(kind),
            name: city_org_name(kind),
            kind,
            level: Level::City,
            jurisdiction: CITY_CODE.into(),
            parent: None,
        });
    }
    for d in &DISTRICTS {
        for kind in [AgencyKind::Police, AgencyKind::Procuratorate, AgencyKind::Court, AgencyKind::JusticeBureau] {
            orgs.push(Organization {
                id: district_org(d, kind),
                name: district_org_name(d, kind),
                kind,
                level: Level::County,
                jurisdiction: d.code.into(),
                parent: Some(city_org(kind)),
            });
        }
    }
    let mut users = Vec::new();
    let mut push = |name: &str, username: String, org: String, role: Role| {
        users.push(DemoUser {
            user: User { id: username.clone(), username, name: name.into(), org, role, active: true },
            password: PASSWORD.into(),
        });
    };
    push("陆晓峰", "admin".into(), city_org(AgencyKind::Committee), Role::Admin);
    for (kind, staff) in CITY_STAFF {
        for (name, pinyin, role) in staff {
            push(name, format!("{pinyin}.{}.city", user_kind_key(kind)), city_org(kind), *role);
        }
    }
    for (d, all) in DISTRICTS.iter().zip(DISTRICT_STAFF) {
        for (kind, staff) in all {
            for (name, pinyin, role) in staff {
                push(name, format!("{pinyin}.{}.{}", user_kind_key(kind), d.short), district_org(d, kind), *role);
            }
        }
    }
    World { orgs, users }
}

/// User ids by role, per organization: what the case scripts draw actors from.
#[derive(Debug, Clone)]
pub(crate) struct Roster {
    pub districts: Vec<DistrictRoster>,
    pub city_prosecutors: Vec<String>,
    pub city_judges: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct DistrictRoster {
    pub district: District,
    pub officers: Vec<String>,
    pub police_leader: String,
    pub prosecutors: Vec<String>,
    pub judges: Vec<String>,
    pub clerks: Vec<String>,
    pub correctors: Vec<String>,
}

impl Roster {
    pub fn of(world: &World) -> Roster {
        let ids = |org: &str, role: Role| -> Vec<String> {
            world.users.iter().filter(|u| u.user.org == org && u.user.role == role).map(|u| u.user.id.clone()).collect()
        };
        let districts = DISTRICTS
            .iter()
            .map(|d| DistrictRoster {
                district: *d,
                officers: ids(&district_org(d, AgencyKind::Police), Role::Officer),
                police_leader: ids(&district_org(d, AgencyKind::Police), Role::Leader).remove(0),
                prosecutors: ids(&district_org(d, AgencyKind::Procuratorate), Role::Prosecutor),
                judges: ids(&district_org(d, AgencyKind::Court), Role::Judge),
                clerks: ids(&district_org(d, AgencyKind::Court), Role::Clerk),
                correctors: ids(&district_org(d, AgencyKind::JusticeBureau), Role::CorrectionOfficer),
            })
            .collect();
        Roster {
            districts,
            city_prosecutors: ids(&city_org(AgencyKind::Procuratorate), Role::Prosecutor),
            city_judges: ids(&city_org(AgencyKind::Court), Role::Judge),
        }
    }
}
