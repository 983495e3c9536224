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
    ]),    ("抢劫", &[
        Requirement { item: "被害人陈述", keywords: &["被害人陈述", "被害人", "报案"], reason: "证明暴力、胁迫手段与被劫财物（刑法第263条）" },
        Requirement { item: "辨认笔录", keywords: &["辨认"], reason: "被害人、证人辨认犯罪嫌疑人" },
        Requirement { item: "现场勘验检查笔录", keywords: &["现场勘验", "勘验笔录", "勘查笔录", "现场勘查", "现场照片"], reason: "证明作案现场与手段" },
        Requirement { item: "扣押清单（赃物、作案工具）", keywords: &["扣押", "赃物", "作案工具"], reason: "证明劫取的财物与作案工具（持枪抢劫，刑法第263条第7项）" },
    ]),
    ("抢夺", &[
        Requirement { item: "被害人陈述", keywords: &["被害人陈述", "被害人", "报案"], reason: "证明乘人不备公然夺取的经过（刑法第267条）" },
        Requirement { item: "价格认定（鉴定）结论", keywords: &["价格认定", "价格鉴定", "价格评估", "估价"], reason: "数额较大的认定依据（刑法第267条；法释〔2013〕25号第1条）" },
        Requirement { item: "辨认笔录", keywords: &["辨认"], reason: "被害人、证人辨认犯罪嫌疑人" },
        Requirement { item: "视听资料", keywords: &["监控", "视频", "录像"], reason: "印证夺取行为" },
    ]),
    ("故意杀人", &[
        Requirement { item: "尸体检验报告", keywords: &["尸体检验", "尸检", "死亡原因", "法医"], reason: "证明死亡结果与死因（刑法第232条）" },
        Requirement { item: "现场勘验检查笔录", keywords: &["现场勘验", "勘验笔录", "勘查笔录", "现场勘查", "现场照片"], reason: "证明作案现场与手段" },
        Requirement { item: "物证及生物物证鉴定", keywords: &["DNA", "物证", "痕迹", "血迹", "作案工具"], reason: "证明作案工具与犯罪嫌疑人的关联" },
        Requirement { item: "证人证言", keywords: &["证人", "证言"], reason: "印证作案经过" },
    ]),
    ("强奸", &[
        Requirement { item: "被害人陈述", keywords: &["被害人陈述", "被害人", "报案"], reason: "证明违背妇女意志及暴力、胁迫等手段（刑法第236条）" },
        Requirement { item: "人身检查笔录、法医鉴定", keywords: &["人身检查", "法医", "伤情", "妇科检查"], reason: "证明性侵害的身体痕迹" },
        Requirement { item: "生物物证鉴定", keywords: &["DNA", "生物物证", "精斑"], reason: "证明犯罪嫌疑人与被害人的性接触" },
        Requirement { item: "被害人年龄证明", keywords: &["被害人户籍", "出生证明", "被害人身份", "年龄"], reason: "奸淫不满十四周岁幼女以强奸论，从重处罚（刑法第236条第2款）" },
    ]),
    ("强制猥亵、侮辱", &[
        Requirement { item: "被害人陈述", keywords: &["被害人陈述", "被害人", "报案"], reason: "证明以暴力、胁迫或者其他方法强制猥亵（刑法第237条）" },
        Requirement { item: "证人证言", keywords: &["证人", "证言"], reason: "印证猥亵经过" },
        Requirement { item: "视听资料", keywords: &["监控", "视频", "录像"], reason: "印证猥亵行为与场所（公共场所当众实施，刑法第237条第2款）" },
    ]),
    ("猥亵儿童", &[
        Requirement { item: "被害人陈述", keywords: &["被害人陈述", "被害人", "报案"], reason: "证明猥亵经过（刑法第237条第3款）" },
        Requirement { item: "被害人年龄证明", keywords: &["被害人户籍", "出生证明", "被害人身份", "年龄"], reason: "被害人不满十四周岁是本罪要件（刑法第237条第3款）" },
        Requirement { item: "证人证言", keywords: &["证人", "证言", "监护人"], reason: "印证猥亵经过" },
    ]),
    ("合同诈骗", &[
        Requirement { item: "合同文本", keywords: &["合同", "协议"], reason: "证明在签订、履行合同过程中骗取财物（刑法第224条）" },
        Requirement { item: "被害单位（人）陈述", keywords: &["被害单位", "被害人陈述", "被害人", "报案"], reason: "证明被骗经过与损失" },
        Requirement { item: "资金往来及去向", keywords: &["银行", "转账", "流水", "交易记录", "资金"], reason: "证明诈骗数额与以非法占有为目的（刑法第224条）" },
        Requirement { item: "履约能力证明", keywords: &["工商登记", "营业执照", "履约", "资产", "审计"], reason: "证明没有实际履行能力（刑法第224条第3项）" },
    ]),
    ("信用卡诈骗", &[
        Requirement { item: "信用卡申领资料", keywords: &["申领", "开户", "申请表", "信用卡资料"], reason: "证明持卡人身份与信用卡来源（刑法第196条）" },
        Requirement { item: "交易明细、对账单", keywords: &["交易明细", "对账单", "流水", "交易记录"], reason: "证明透支、使用数额" },
        Requirement { item: "发卡银行催收记录", keywords: &["催收"], reason: "恶意透支须经发卡银行两次有效催收超过三个月仍不归还（刑法第196条第2款；法释〔2018〕19号第6条）" },
        Requirement { item: "发卡银行报案材料", keywords: &["报案", "银行陈述", "被害单位"], reason: "证明损失数额" },
    ]),
    ("敲诈勒索", &[
        Requirement { item: "被害人陈述", keywords: &["被害人陈述", "被害人", "报案"], reason: "证明威胁、要挟与交付财物的经过（刑法第274条）" },
        Requirement { item: "威胁、要挟内容", keywords: &["短信", "聊天", "微信", "录音", "通话"], reason: "证明以威胁、要挟方法索取财物" },
        Requirement { item: "财物交付凭证", keywords: &["转账", "银行", "交易记录", "收条"], reason: "证明数额（法释〔2013〕10号第1条）" },
    ]),
    ("非法拘禁", &[
        Requirement { item: "被害人陈述", keywords: &["被害人陈述", "被害人", "报案"], reason: "证明拘禁的时间、场所与手段（刑法第238条）" },
        Requirement { item: "证人证言", keywords: &["证人", "证言"], reason: "印证剥夺人身自由的经过" },
        Requirement { item: "现场勘验检查笔录", keywords: &["现场勘验", "勘验笔录", "勘查笔录", "现场勘查", "现场照片"], reason: "证明拘禁场所" },
        Requirement { item: "债务凭证", keywords: &["借条", "欠条", "债务", "借款合同"], reason: "为索取债务非法扣押、拘禁他人的，依照第238条定罪（刑法第238条第3款）" },
    ]),
    ("掩饰、隐瞒犯罪所得、犯罪所得收益", &[
        Requirement { item: "上游犯罪查证材料", keywords: &["上游犯罪", "判决书", "原案", "被盗", "被害人陈述"], reason: "证明财物系犯罪所得（刑法第312条；法释〔2015〕11号第8条）" },
        Requirement { item: "明知的证据", keywords: &["收购价格", "交易记录", "聊天", "供述"], reason: "证明明知是犯罪所得（刑法第312条）" },
        Requirement { item: "价格认定（鉴定）结论", keywords: &["价格认定", "价格鉴定", "价格评估", "估价"], reason: "情节严重的认定依据（法释〔2015〕11号第3条）" },
        Requirement { item: "扣押清单", keywords: &["扣押", "赃物", "发还"], reason: "证明赃物去向" },
    ]),
    ("帮助信息网络犯罪活动", &[
        Requirement { item: "银行卡、账户交易流水", keywords: &["流水", "交易明细", "交易记录", "银行", "支付"], reason: "支付结算金额二十万元以上为情节严重（刑法第287条之二；法释〔2019〕15号第12条）" },
        Requirement { item: "明知的证据", keywords: &["聊天", "微信", "通话", "短信"], reason: "证明明知他人利用信息网络实施犯罪（法释〔2019〕15号第11条）" },
        Requirement { item: "上游犯罪查证材料", keywords: &["上游犯罪", "被害人陈述", "报案", "诈骗"], reason: "证明被帮助的信息网络犯罪" },
        Requirement { item: "开户资料", keywords: &["开户", "办卡", "银行卡", "电话卡"], reason: "证明提供的银行卡、电话卡来源" },
    ]),
    ("妨害公务", &[
        Requirement { item: "执法记录", keywords: &["执法记录", "视频", "录像", "监控"], reason: "证明以暴力、威胁方法阻碍执行职务（刑法第277条）" },
        Requirement { item: "执行职务的证明", keywords: &["执法依据", "工作证", "出警", "职务", "公务"], reason: "证明国家机关工作人员正在依法执行职务" },
        Requirement { item: "执法人员陈述、证人证言", keywords: &["证言", "证人", "陈述", "民警"], reason: "印证阻碍经过" },
    ]),
    ("聚众斗殴", &[
        Requirement { item: "参与人员供述与辨认", keywords: &["供述", "辨认", "同案"], reason: "证明聚众（三人以上）及首要分子、积极参加者（刑法第292条）" },
        Requirement { item: "证人证言", keywords: &["证人", "证言"], reason: "证明斗殴经过与公共场所" },
        Requirement { item: "伤情鉴定意见", keywords: &["伤情", "损伤程度", "法医", "鉴定"], reason: "致人重伤、死亡的依照第234条、第232条（刑法第292条第2款）" },
        Requirement { item: "视听资料", keywords: &["监控", "视频", "录像"], reason: "印证斗殴经过" },
    ]),
    ("容留他人吸毒", &[
        Requirement { item: "吸毒人员证言", keywords: &["吸毒人员", "证人", "证言"], reason: "证明提供场所供他人吸食毒品（刑法第354条）" },
        Requirement { item: "吸毒检测报告", keywords: &["尿检", "吸毒检测", "检测报告", "现场检测"], reason: "证明被容留人员吸毒" },
        Requirement { item: "场所证明", keywords: &["租赁", "房屋", "产权", "场所", "现场勘验"], reason: "证明犯罪嫌疑人对场所的控制" },
        Requirement { item: "扣押清单", keywords: &["扣押", "毒品", "吸毒工具"], reason: "证明查获毒品及吸毒工具" },
    ]),
    ("开设赌场", &[
        Requirement { item: "赌博场所勘验及照片", keywords: &["现场勘验", "勘查笔录", "现场照片", "场所"], reason: "证明开设赌场的事实（刑法第303条第2款）" },
        Requirement { item: "赌资、抽头渔利证据", keywords: &["账本", "流水", "赌资", "抽头", "转账"], reason: "证明赌资数额与获利（刑法第303条第2款；法释〔2005〕3号第8条）" },
        Requirement { item: "参赌人员证言", keywords: &["参赌人员", "证人", "证言"], reason: "证明参赌人数与经营方式" },
        Requirement { item: "扣押清单（赌具、赌资）", keywords: &["扣押", "赌具", "赌资"], reason: "证明查获赌具与赌资" },
    ]),
    ("非法持有毒品", &[
        Requirement { item: "毒品称量笔录", keywords: &["称量", "称重"], reason: "数量是入罪与量刑依据（刑法第348条）" },
        Requirement { item: "毒品成分鉴定", keywords: &["鉴定", "检验报告", "理化检验", "成分"], reason: "确认是毒品及其种类" },
        Requirement { item: "扣押清单", keywords: &["扣押"], reason: "证明查获毒品" },
    ]),
    ("职务侵占", &[
        Requirement { item: "单位性质与任职证明", keywords: &["营业执照", "任职", "劳动合同", "聘用", "任命", "工作职责"], reason: "证明公司、企业或者其他单位的工作人员利用职务便利（刑法第271条）" },
        Requirement { item: "财务账目、审计报告", keywords: &["账目", "审计", "财务", "凭证"], reason: "证明侵占数额（法释〔2016〕9号第11条）" },
        Requirement { item: "银行交易流水", keywords: &["流水", "银行", "转账", "交易记录"], reason: "证明款项去向" },
        Requirement { item: "单位报案材料", keywords: &["报案", "被害单位"], reason: "证明单位损失" },
    ]),
    ("贪污", &[
        Requirement { item: "国家工作人员身份证明", keywords: &["任职", "任命", "身份证明", "职务", "工作职责"], reason: "证明国家工作人员身份与职务便利（刑法第382条、第93条）" },
        Requirement { item: "财务凭证、审计报告", keywords: &["账目", "审计", "财务", "凭证"], reason: "证明侵吞、骗取公共财物的数额（刑法第383条；法释〔2016〕9号第1条）" },
        Requirement { item: "银行交易流水", keywords: &["流水", "银行", "转账", "交易记录"], reason: "证明赃款去向" },
    ]),
    ("受贿", &[
        Requirement { item: "国家工作人员身份证明", keywords: &["任职", "任命", "身份证明", "职务", "工作职责"], reason: "证明国家工作人员身份与职务便利（刑法第385条、第93条）" },
        Requirement { item: "行贿人证言", keywords: &["行贿人", "证人", "证言"], reason: "证明收受财物的时间、地点、数额" },
        Requirement { item: "为他人谋取利益的证据", keywords: &["审批", "项目", "合同", "会议纪要", "请托"], reason: "证明利用职务便利为他人谋取利益（刑法第385条；法释〔2016〕9号第13条）" },
        Requirement { item: "赃款赃物去向", keywords: &["流水", "银行", "转账", "扣押", "退赃"], reason: "证明受贿数额（刑法第386条、第383条）" },
    ]),
    ("非国家工作人员受贿", &[
        Requirement { item: "单位性质与任职证明", keywords: &["营业执照", "任职", "劳动合同", "聘用", "任命", "工作职责"], reason: "证明公司、企业或者其他单位的工作人员利用职务便利（刑法第163条）" },
        Requirement { item: "行贿人证言", keywords: &["行贿人", "证人", "证言"], reason: "证明收受财物的时间、地点、数额" },
        Requirement { item: "为他人谋取利益的证据", keywords: &["审批", "项目", "合同", "采购", "请托"], reason: "证明为他人谋取利益（刑法第163条）" },
        Requirement { item: "银行交易流水", keywords: &["流水", "银行", "转账", "交易记录"], reason: "证明受贿数额（法释〔2016〕9号第11条）" },
    ]),
    ("滥用职权", &[
        Requirement { item: "国家机关工作人员身份与职责证明", keywords: &["任职", "任命", "岗位职责", "工作职责", "职务"], reason: "证明国家机关工作人员身份与职权（刑法第397条）" },
        Requirement { item: "违反规定的证据", keywords: &["规定", "制度", "审批", "文件"], reason: "证明超越职权或者违法行使职权" },
        Requirement { item: "损失鉴定、审计报告", keywords: &["损失", "审计", "鉴定", "评估"], reason: "重大损失的认定依据（刑法第397条；法释〔2012〕18号第1条）" },
    ]),
    ("非法狩猎", &[
        Requirement { item: "禁猎区、禁猎期或者禁用工具、方法的证明", keywords: &["禁猎", "禁用", "主管部门", "林业", "农业农村"], reason: "在禁猎区、禁猎期或者使用禁用的工具、方法狩猎是本罪要件（刑法第341条第2款）" },
        Requirement { item: "猎获物鉴定", keywords: &["物种鉴定", "鉴定", "猎获物", "野生动物"], reason: "证明猎获物的种类与数量（法释〔2022〕12号第7条）" },
        Requirement { item: "扣押清单（猎具、猎获物）", keywords: &["扣押", "猎具", "工具"], reason: "证明狩猎工具与猎获物" },
        Requirement { item: "现场勘验检查笔录", keywords: &["现场勘验", "勘查笔录", "现场照片", "现场勘查"], reason: "证明狩猎地点" },
    ]),
    ("虚开增值税专用发票、用于骗取出口退税、抵扣税款发票", &[
        Requirement { item: "涉案发票及抵扣凭证", keywords: &["发票", "抵扣", "认证"], reason: "证明虚开的发票与抵扣情况（刑法第205条）" },
        Requirement { item: "税务机关证明", keywords: &["税务", "税款", "稽查"], reason: "证明虚开的税款数额（法释〔2024〕4号第12条）" },
        Requirement { item: "资金往来及回流", keywords: &["流水", "银行", "转账", "资金"], reason: "证明资金回流、无真实交易" },
        Requirement { item: "购销合同与货物流转", keywords: &["合同", "出库", "物流", "货物"], reason: "证明有无真实交易" },
    ]),
    ("生产、销售有毒、有害食品", &[
        Requirement { item: "检验报告", keywords: &["检验", "检测", "鉴定"], reason: "证明掺入有毒、有害的非食品原料（刑法第144条；法释〔2021〕24号第9条）" },
        Requirement { item: "生产、销售记录", keywords: &["销售", "账本", "进货", "出库", "流水"], reason: "证明销售金额与销售对象" },
        Requirement { item: "扣押清单", keywords: &["扣押", "查封"], reason: "证明查获的食品与原料" },
        Requirement { item: "生产场所勘验", keywords: &["现场勘验", "勘查笔录", "现场照片", "现场检查"], reason: "证明生产、加工场所" },
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
    let mut key = crate::charges::plain_name(charge.trim().trim_end_matches('罪'));
    // the name before 刑法修正案（九）, as the CAIL label set still writes it
    if key == "强制猥亵、侮辱妇女" {
        key = "强制猥亵、侮辱".into();
    }
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

    #[test]
    fn every_checklist_is_a_charge_s_and_cites_its_article() {
        for (charge, reqs) in CHECKLISTS {
            let articles = crate::statute::charge_articles(charge).unwrap_or_else(|| panic!("{charge}: not a charge name of the statute table"));
            // some item of the list grounds it in the charge's defining article
            let cited = format!("刑法第{}条", articles[0]);
            assert!(reqs.iter().any(|r| r.reason.contains(&cited) || r.reason.contains(&format!("、第{}条", articles[0]))), "{charge}: no item cites {cited}");
            assert!(reqs.len() >= 3, "{charge}: a checklist of {} items", reqs.len());
            for r in reqs.iter() {
                assert!(!r.keywords.is_empty() && !r.reason.is_empty(), "{charge}: {}", r.item);
            }
        }
        assert!(CHECKLISTS.len() >= 25, "{} checklists", CHECKLISTS.len());
    }

    #[test]
    fn the_checklists_read_the_elements_of_each_charge() {
        let items = |charge: &str, titles: &[&str]| -> Vec<String> { evidence_gaps(charge, titles).into_iter().map(|g| g.item).collect() };
        let common = ["讯问笔录", "户籍证明", "抓获经过"];
        // a girl under fourteen: the victim's age is an element (刑法第236条第2款)
        let rape = items("强奸罪", &[&common[..], &["被害人陈述", "人身检查笔录", "DNA鉴定意见书"]].concat());
        assert_eq!(rape, ["被害人年龄证明"]);
        // a malicious overdraft needs the bank's two reminders (刑法第196条第2款)
        let card = items("信用卡诈骗", &[&common[..], &["信用卡申请表", "信用卡对账单", "发卡银行报案材料"]].concat());
        assert_eq!(card, ["发卡银行催收记录"]);
        // hunting: the closed season, reserve or banned tool is the element (刑法第341条第2款)
        let hunt = items("非法狩猎", &[&common[..], &["物种鉴定意见", "扣押清单", "现场勘验笔录"]].concat());
        assert_eq!(hunt.len(), 1);
        assert!(hunt[0].starts_with("禁猎区"), "{hunt:?}");
        // bracketed labels and names with 罪 find the same list
        assert_eq!(items("[掩饰、隐瞒][犯罪所得、犯罪所得收益]", &common), items("掩饰、隐瞒犯罪所得、犯罪所得收益罪", &common));
        assert_eq!(items("开设赌场罪", &common).len(), 4);
        assert_eq!(items("强制[猥亵、侮辱]妇女", &common), items("强制猥亵、侮辱罪", &common));
        assert_eq!(items("强制猥亵、侮辱罪", &common).len(), 3);
    }
}
