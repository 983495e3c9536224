//! Charges (罪名) accepted at registration, with the Criminal Law article that defines each, and
//! the share of cases each has in a typical city's caseload (used by the demo world).

/// (charge name as in the Criminal Law's charge list, article of the Criminal Law, typical share ‰)
pub const CHARGES: &[(&str, u32, u32)] = &[
    ("盗窃", 264, 190),
    ("危险驾驶", 133, 170),
    ("诈骗", 266, 90),
    ("故意伤害", 234, 60),
    ("帮助信息网络犯罪活动", 287, 60),
    ("走私、贩卖、运输、制造毒品", 347, 40),
    ("寻衅滋事", 293, 35),
    ("交通肇事", 133, 30),
    ("开设赌场", 303, 25),
    ("掩饰、隐瞒犯罪所得、犯罪所得收益", 312, 25),
    ("容留他人吸毒", 354, 15),
    ("抢劫", 263, 15),
    ("合同诈骗", 224, 15),
    ("非法吸收公众存款", 176, 15),
    ("信用卡诈骗", 196, 12),
    ("聚众斗殴", 292, 10),
    ("妨害公务", 277, 10),
    ("强奸", 236, 10),
    ("职务侵占", 271, 10),
    ("敲诈勒索", 274, 10),
    ("故意毁坏财物", 275, 8),
    ("非法拘禁", 238, 8),
    ("抢夺", 267, 8),
    ("赌博", 303, 8),
    ("非法经营", 225, 8),
    ("侵犯公民个人信息", 253, 8),
    ("组织卖淫", 358, 6),
    ("协助组织卖淫", 358, 5),
    ("非法持有毒品", 348, 6),
    ("故意杀人", 232, 5),
    ("过失致人死亡", 233, 3),
    ("挪用资金", 272, 5),
    ("假冒注册商标", 213, 4),
    ("销售假冒注册商标的商品", 214, 4),
    ("生产、销售有毒、有害食品", 144, 4),
    ("生产、销售假药", 141, 3),
    ("伪造、变造、买卖国家机关公文、证件、印章", 280, 4),
    ("拒不支付劳动报酬", 276, 4),
    ("窝藏、包庇", 310, 3),
    ("非法狩猎", 341, 3),
    ("滥伐林木", 345, 3),
    ("非法采矿", 343, 3),
    ("污染环境", 338, 3),
    ("重大责任事故", 134, 3),
    ("失火", 115, 2),
    ("放火", 114, 2),
    ("绑架", 239, 1),
    ("猥亵儿童", 237, 2),
    ("强制猥亵、侮辱", 237, 2),
    ("受贿", 385, 3),
    ("行贿", 389, 2),
    ("贪污", 382, 2),
    ("滥用职权", 397, 2),
    ("玩忽职守", 397, 1),
    ("非国家工作人员受贿", 163, 2),
    ("虚开增值税专用发票、用于骗取出口退税、抵扣税款发票", 205, 3),
    ("重婚", 258, 1),
    ("非法侵入住宅", 245, 1),
    ("脱逃", 316, 1),
    ("拒不执行判决、裁定", 313, 3),
];

/// The Criminal Law article of a charge, if the charge is known.
pub fn article_of(charge: &str) -> Option<u32> {
    CHARGES.iter().find(|(n, _, _)| *n == charge).map(|(_, a, _)| *a)
}

#[cfg(test)]
mod tests {
    #[test]
    fn charges_are_unique_and_shares_sum_to_about_one_thousand() {
        let mut names: Vec<&str> = super::CHARGES.iter().map(|c| c.0).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), super::CHARGES.len());
        let total: u32 = super::CHARGES.iter().map(|c| c.2).sum();
        assert!((950..=1050).contains(&total), "{total}");
        assert_eq!(super::article_of("盗窃"), Some(264));
        assert_eq!(super::article_of("不存在的罪名"), None);
    }
}
