//! Evidence checklists (证据清单) for the most frequent charges, as data, and the gap check the
//! transfer gate runs: which required kinds of evidence are missing from a case's document list.

use serde::Serialize;

/// One required kind of evidence: what it is, title keywords that satisfy it, and why it is needed.
pub struct Requirement {
    pub item: &'static str,
    pub keywords: &'static [&'static str],
    pub reason: &'static str,
}

/// Items every criminal case file needs (刑事诉讼法第50条 lists the kinds of evidence).
const COMMON: &[Requirement] = &[
    Requirement { item: "犯罪嫌疑人供述和辩解", keywords: &["供述", "辩解", "讯问笔录"], reason: "刑事诉讼法第50条：犯罪嫌疑人、被告人供述和辩解" },
    Requirement { item: "户籍证明（身份、刑事责任年龄）", keywords: &["户籍", "身份", "人口信息"], reason: "确认刑事责任年龄与身份（刑法第17条）" },
    Requirement { item: "到案经过", keywords: &["到案经过", "抓获经过", "归案经过", "投案"], reason: "认定自首、坦白等量刑情节（刑法第67条）" },
];

/// Charge-specific checklists (charge names as in the label set, without brackets).
pub const CHECKLISTS: &[(&str, &[Requirement])] = &[
    ("盗窃", &[
        Requirement { item: "被害人陈述", keywords: &["被害人陈述", "报案", "被害人"], reason: "证明财物被盗的时间、地点、数量" },
        Requirement { item: "价格认定（鉴定）结论", keywords: &["价格认定", "价格鉴定", "价格评估", "估价", "价格认证"], reason: "数额较大的认定依据（刑法第264条；盗窃司法解释第1条）" },
        Requirement { item: "现场勘验检查笔录", keywords: &["现场勘验", "勘查笔录", "勘验笔录", "现场勘查", "现场照片", "指认现场"], reason: "证明作案现场与手段" },
        Requirement { item: "扣押、发还清单", keywords: &["扣押", "发还", "赃物"], reason: "证明赃物去向及退赃情况" },
    ]),
    ("诈骗", &[
        Requirement { item: "被害人陈述", keywords: &["被害人陈述", "报案", "被害人"], reason: "证明被骗经过与损失" },
        Requirement { item: "转账、银行交易记录", keywords: &["银行", "转账", "交易记录", "流水", "支付"], reason: "证明诈骗数额（刑法第266条）" },
        Requirement { item: "聊天记录、通话记录", keywords: &["聊天", "通话", "短信", "微信"], reason: "证明虚构事实、隐瞒真相" },
    ]),
    ("故意伤害", &[
        Requirement { item: "被害人陈述", keywords: &["被害人陈述", "被害人"], reason: "证明伤害经过" },
        Requirement { item: "伤情鉴定意见", keywords: &["伤情", "损伤程度", "法医", "鉴定意见", "鉴定书"], reason: "轻伤以上是入罪条件（刑法第234条）" },
        Requirement { item: "证人证言", keywords: &["证人", "证言"], reason: "印证伤害经过" },
        Requirement { item: "病历、诊断证明", keywords: &["病历", "诊断", "医院"], reason: "证明伤情" },
    ]),
    ("危险驾驶", &[
        Requirement { item: "血液酒精含量鉴定", keywords: &["酒精", "血液", "呼气", "乙醇"], reason: "醉驾标准：血液酒精含量≥80mg/100ml（刑法第133条之一）" },
        Requirement { item: "驾驶证、行驶证信息", keywords: &["驾驶证", "行驶证", "机动车"], reason: "证明驾驶机动车" },
        Requirement { item: "现场执法记录", keywords: &["执法记录", "查获经过", "现场", "呼气酒精检测"], reason: "证明在道路上驾驶" },
    ]),
    ("走私、贩卖、运输、制造毒品", &[
        Requirement { item: "毒品称量笔录", keywords: &["称量", "称重"], reason: "毒品数量决定量刑（刑法第347条）" },
        Requirement { item: "毒品成分鉴定", keywords: &["鉴定", "检验报告", "理化检验", "成分"], reason: "确认是毒品及其种类" },
        Requirement { item: "扣押清单", keywords: &["扣押"], reason: "证明查获毒品" },
        Requirement { item: "交易证据（转账、聊天记录）", keywords: &["转账", "聊天", "微信", "通话"], reason: "证明贩卖行为" },
    ]),
    ("交通肇事", &[
        Requirement { item: "交通事故认定书", keywords: &["事故认定", "责任认定"], reason: "负事故全部或主要责任是入罪条件（刑法第133条）" },
        Requirement { item: "尸检或伤情鉴定", keywords: &["尸检", "尸体", "伤情", "鉴定"], reason: "证明死亡或重伤后果" },
        Requirement { item: "现场勘查笔录", keywords: &["现场勘查", "现场图", "勘验"], reason: "证明事故经过" },
    ]),
    ("寻衅滋事", &[
        Requirement { item: "被害人陈述", keywords: &["被害人陈述", "被害人"], reason: "证明滋事经过" },
        Requirement { item: "证人证言", keywords: &["证人", "证言"], reason: "证明公共场所秩序被扰乱（刑法第293条）" },
        Requirement { item: "视听资料", keywords: &["监控", "视频", "录像"], reason: "印证滋事行为" },
    ]),
];

/// A missing item of evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    pub item: String,
    pub reason: String,
    /// Title keywords any of which would satisfy the requirement.
    pub expected_titles: Vec<String>,
}

fn check(reqs: &[Requirement], titles: &[&str], gaps: &mut Vec<Gap>) {
    for r in reqs {
        if !titles.iter().any(|t| r.keywords.iter().any(|k| t.contains(k))) {
            gaps.push(Gap { item: r.item.into(), reason: r.reason.into(), expected_titles: r.keywords.iter().map(|k| k.to_string()).collect() });
        }
    }
}

/// Gaps in the evidence of a case for a charge. Unknown charges are checked against the common
/// items only.
pub fn evidence_gaps(charge: &str, evidence_titles: &[&str]) -> Vec<Gap> {
    let key = crate::charges::plain_name(charge.trim().trim_end_matches('罪'));
    let mut gaps = Vec::new();
    check(COMMON, evidence_titles, &mut gaps);
    if let Some((_, reqs)) = CHECKLISTS.iter().find(|(c, _)| *c == key) {
        check(reqs, evidence_titles, &mut gaps);
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checklist_gaps() {
        let full = ["被告人供述", "户籍证明", "抓获经过", "被害人陈述", "价格认定结论书", "现场勘验笔录", "扣押清单"];
        assert!(evidence_gaps("盗窃罪", &full).is_empty());
        let gaps = evidence_gaps("盗窃", &["被告人供述", "户籍证明", "抓获经过", "被害人陈述"]);
        let items: Vec<&str> = gaps.iter().map(|g| g.item.as_str()).collect();
        assert_eq!(items, ["价格认定（鉴定）结论", "现场勘验检查笔录", "扣押、发还清单"]);
        assert!(gaps[0].reason.contains("264"));
        assert_eq!(evidence_gaps("重婚", &[]).len(), 3);
    }
}
