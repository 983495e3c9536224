//! Development-set smoke tests. They need `../shared/data` beside the project root and fail,
//! naming the missing file, when it is absent (never skipped).

use std::path::{Path, PathBuf};

fn data_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    for f in [
        "cail2018-subset/train.jsonl",
        "cail2018-subset/test.jsonl",
        "cail2018-subset/charges.txt",
        "statutes/laws.db",
        "ner-drug/train.json",
        "judgments-dev/crime_amount.jsonl",
        "judgments-dev/theft_entities.jsonl",
        "judgments-dev/proofreading.jsonl",
        "judgments-dev/article_prediction.jsonl",
    ] {
        assert!(d.join(f).is_file(), "missing data file {}", d.join(f).display());
    }
    d
}

#[test]
fn training_reproduces_the_embedded_models() {
    let data = data_dir();
    let out = std::env::temp_dir().join(format!("assist-models-{}", std::process::id()));
    let report = assist::train(&data, &out).expect("train");
    assert_eq!(report.charges, 202);
    // every labelled case is learnt: the charges of train.jsonl (48) and test.jsonl (102) share
    // 19; the judgments of article_prediction.jsonl add 36 more
    assert_eq!(report.seen_charges, 167, "{report:?}");
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    for f in [assist::CHARGES_FILE, assist::TERM_FILE, assist::LM_FILE, assist::ENTITIES_FILE] {
        let a = std::fs::read(out.join(f)).unwrap();
        let b = std::fs::read(committed.join(f)).unwrap();
        assert!(a == b, "freshly trained {f} differs from the committed model: run the assist-dev example's train");
    }
    std::fs::remove_dir_all(&out).ok();
}

/// The CAIL test rows of the evaluation are answered by models that have not learnt test.jsonl;
/// the shipped ones have.
#[test]
fn the_held_out_models_have_not_learnt_the_test_cases() {
    let data = data_dir();
    let (held, term) = assist::data::held_out_models(&data).expect("held-out models");
    let shipped = assist::Assistant::load(None).expect("embedded models");
    let count = |m: &assist::charges::ChargeModel, name: &str| m.charges.iter().find(|c| c.name == name).map(|c| c.train_count).unwrap();
    // both learn the judgments of article_prediction.jsonl, which have charges but no terms
    let judged = assist::data::read_charge_items(&data.join(assist::data::CHARGE_ITEMS_FILE)).expect("judgments");
    let judged_count = |name: &str| judged.iter().filter(|j| j.charges.iter().any(|c| c == name)).count() as u32;
    assert_eq!(judged_count("非法狩猎"), 2);
    assert_eq!(judged_count("受贿"), 11);
    assert_eq!(count(&held, "受贿"), 11);
    assert_eq!(count(&shipped.charges, "受贿"), 11);
    // 非法狩猎 (刑法第341条) has 129 cases in test.jsonl and none in train.jsonl; 窝藏、包庇 has
    // one in train.jsonl and 127 in test.jsonl; 盗窃 is only in train.jsonl
    assert_eq!(count(&held, "非法狩猎"), judged_count("非法狩猎"));
    assert!(count(&shipped.charges, "非法狩猎") >= 100);
    assert_eq!(count(&held, "窝藏、包庇"), 1 + judged_count("窝藏、包庇"));
    assert!(count(&shipped.charges, "窝藏、包庇") >= 100);
    assert_eq!(count(&shipped.charges, "盗窃"), count(&held, "盗窃"));
    assert!(!term.by_charge.contains_key("非法狩猎"));
    assert!(shipped.term.by_charge.contains_key("非法狩猎"));
    assert!(shipped.term.case_count() > term.case_count());
}

#[test]
fn the_law_before_the_eleventh_amendment_is_read_back_from_the_amendments() {
    let data = data_dir();
    let old = assist::data::criminal_law_before_2021(&data).expect("statutes");
    // 第163条第一款 as 修正案（六） wrote it: two tiers, 五年以下 and 五年以上
    let a163 = &old[&163];
    assert!(a163.starts_with("公司、企业或者其他单位的工作人员利用职务上的便利") && a163.contains("数额较大的，处五年以下有期徒刑或者拘役；数额巨大的，处五年以上有期徒刑"), "{a163}");
    assert_eq!(a163.split('\n').count(), 3);
    // 第237条第三款 as 修正案（九） wrote it
    assert!(old[&237].ends_with("猥亵儿童的，依照前两款的规定从重处罚。"), "{}", old[&237]);
    // a paragraph the amendment added (第341条第三款) and an article it created (第二百三十六条之一) are gone
    assert!(!old[&341].contains("以食用为目的"));
    assert!(!old[&236].contains("负有监护、收养、看护"));
    // the 1997 text where no earlier amendment wrote the article
    assert!(old[&271].starts_with("公司、企业或者其他单位的人员，利用职务上的便利，将本单位财物非法占为己有，数额较大的，处五年以下"));
    // an article the amendment did not touch is not listed
    assert!(!old.contains_key(&264));
}

#[test]
fn dev_slice_scores() {
    let data = data_dir();
    let a = assist::Assistant::load(None).expect("embedded models");
    let rows = assist::data::evaluate_all(a, &data, Some(40)).expect("evaluate");
    for r in &rows {
        eprintln!("{} {} {} {:.3}", r.task, r.set, r.metric, r.score);
    }
    let score = |task: &str| rows.iter().find(|r| r.task == task).unwrap().score;
    assert_eq!(rows.iter().filter(|r| r.set.starts_with("cail2018-subset/test.jsonl")).count(), 5, "{rows:?}");
    // the judgments the charge model learns are scored by cross-validation only
    let judged: Vec<_> = rows.iter().filter(|r| r.set.starts_with(assist::data::CHARGE_ITEMS_FILE)).collect();
    assert_eq!(judged.len(), 3, "{rows:?}");
    assert!(judged.iter().all(|r| r.set.contains("cross-validation (40)")), "{judged:?}");
    assert!(judged.iter().all(|r| r.score > 0.2), "{judged:?}");
    assert!(score("amount") > 0.5);
    assert!(score("entities") > 0.5);
    assert!(score("charges") > 0.2);
    assert!(score("term") > 0.6);
}

#[test]
fn run_task_prints_one_line_per_input_and_names_bad_lines() {
    let dir = std::env::temp_dir().join(format!("assist-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.jsonl");
    std::fs::write(
        &input,
        "{\"input\": \"文书:被告人盗窃现金1500元，另盗窃手机一部，价值人民币2000元。\"}\n{\"fact\": \"被告人王某醉酒驾驶机动车。\"}\n",
    )
    .unwrap();
    let mut out = Vec::new();
    assist::run_task("amount", &input, None, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["amount"], 3500.0);
    for task in ["entities", "charges", "articles", "term", "proofread"] {
        let mut out = Vec::new();
        assist::run_task(task, &input, None, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 2, "{task}");
    }
    // a byte-order mark before the first line and Windows line ends are read as any other line
    std::fs::write(&input, "\u{feff}{\"input\": \"被告人王某醉酒驾驶机动车。\"}\r\n{\"input\": \"被告人李某盗窃手机一部。\"}\r\n").unwrap();
    let mut out = Vec::new();
    assist::run_task("charges", &input, None, &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), 2);
    // bad lines are all named, and nothing is printed for the good ones before them
    std::fs::write(&input, "{\"input\": \"x\"}\n{\"text\": 1}\nnot json\n").unwrap();
    let mut out = Vec::new();
    let err = assist::run_task("charges", &input, None, &mut out).unwrap_err().to_string();
    assert!(err.contains("line 2") && err.contains("input") && err.contains("more bad lines: 3"), "{err}");
    assert!(out.is_empty(), "{}", String::from_utf8_lossy(&out));
    assert!(assist::run_task("nope", &input, None, &mut Vec::new()).is_err());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn facts_with_nothing_to_read_suggest_no_charge() {
    let a = assist::Assistant::load(None).unwrap();
    for text in ["", "   ", "被告人张某", "The defendant stole a phone."] {
        let c = a.run_one("charges", text).unwrap();
        assert_eq!(c["charges"], serde_json::json!([]), "{text:?}: {c}");
        assert!(c["reasons"][0]["text"].as_str().unwrap().contains("没有可据以判断罪名"), "{c}");
        let r = a.run_one("articles", text).unwrap();
        assert_eq!(r["articles"], serde_json::json!([]), "{r}");
        // the term still answers, and says on what
        let t = a.run_one("term", text).unwrap();
        assert!(t["months"].as_u64().is_some(), "{t}");
        assert!(t["reasons"][0]["text"].as_str().unwrap().contains("未给出罪名"), "{t}");
    }
    // a short text with a decisive cue is read
    assert_eq!(a.run_one("charges", "被告人醉酒驾驶").unwrap()["charges"], serde_json::json!(["危险驾驶"]));
    // the charge given on the same line as the facts
    let t = a.run_one("term", "被告人王某在超市盗窃手机一部，价值3200元。罪名:盗窃").unwrap();
    assert!(t["reasons"].as_array().unwrap().iter().any(|r| r["text"].as_str().unwrap().contains("盗窃罪")), "{t}");
}

#[test]
fn an_amount_of_zero_says_why() {
    let a = assist::Assistant::load(None).unwrap();
    let none = a.run_one("amount", "被告人殴打被害人致轻伤。").unwrap();
    assert_eq!(none["amount"], serde_json::json!(0.0));
    assert!(none["reasons"][0]["text"].as_str().unwrap().contains("未发现涉案金额"), "{none}");
    // every sum named is left out: each with its reason
    let out = a.run_one("amount", "被告人殴打被害人致轻伤。案发后，被告人赔偿被害人人民币2万元，取得谅解。").unwrap();
    assert_eq!(out["amount"], serde_json::json!(0.0));
    let texts: Vec<&str> = out["reasons"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap()).collect();
    assert!(texts[0].contains("均不计入犯罪数额") && texts.iter().any(|t| t.starts_with("不计入20,000元")), "{texts:?}");
}

#[test]
fn the_defendants_own_offence_is_suggested_not_the_one_he_helped_hide() {
    let a = assist::Assistant::load(None).unwrap();
    // 窝藏 (刑法第310条): the injury is the principal's, told in the facts
    let hide = a.charges.predict(
        "经审理查明，2014年3月26日，蒲某（另案处理）用斧头将李某砍伤，经鉴定为轻伤。被告人梁某在明知蒲某将李某砍伤且公安机关已立案侦查的情况下，         仍为蒲某提供住处，帮助其逃匿。",
    );
    assert_eq!(hide[0].charge, "窝藏、包庇", "{hide:?}");
    assert!(!hide.iter().any(|c| c.charge == "故意伤害"), "{hide:?}");
    // 滥用职权 (刑法第397条): the land occupied is what the office approved
    let duty = a.charges.predict(
        "公诉机关指控，2012年，被告人郭某在担任某县某乡党委书记期间，违反土地管理法规定，擅自决定将耕地用于开发建设，         造成耕地种植条件严重毁坏，致使国家利益遭受重大损失。",
    );
    assert_eq!(duty[0].charge, "滥用职权", "{duty:?}");
    assert!(!duty[0].reasons.is_empty());
}

#[test]
fn element_rules_keep_charges_apart() {
    let a = assist::Assistant::load(None).unwrap();
    let names = |facts: &str| a.charges.predict(facts).into_iter().map(|c| c.charge).collect::<Vec<_>>();
    // 容留他人吸毒 alone (刑法第354条): nothing told of selling, so no 贩卖毒品 beside it, though
    // the two are often convicted together
    let c = names("公诉机关指控：2016年5月，被告人周某先后三次在其租住的某小区12号楼出租屋内，容留刘某、王某吸食毒品甲基苯丙胺。");
    assert_eq!(c, vec!["容留他人吸毒"]);
    // phones known to be someone else's loot, bought cheap: 掩饰、隐瞒犯罪所得 (刑法第312条), not
    // the theft that produced them; an employee keeping the unit's money: 职务侵占 (第271条)
    let c = names("经审理查明：2018年8月，被告人许某明知其购买的手机系他人盗窃所得，仍以明显低于市场的价格收购苹果手机5部，后加价转卖获利2000元。");
    assert_eq!(c, vec!["掩饰、隐瞒犯罪所得、犯罪所得收益"]);
    let c = names("经审理查明：2016年1月至2017年6月，被告人周某利用担任某贸易有限公司出纳的职务便利，先后十二次将公司资金共计人民币十二万三千元转入其个人账户，用于个人消费。");
    assert_eq!(c, vec!["职务侵占"]);
    // a woman lured away and sold as a wife: 拐卖妇女 (刑法第240条); a police seal forged is a
    // state organ's (第280条第1款), not a company's (第2款)
    let c = names("经审理查明：2019年5月，被告人邹某以介绍工作为名，将被害人刘某（女，19岁）诱骗至外省，以人民币3万元的价格卖给当地男子王某为妻。");
    assert_eq!(c, vec!["拐卖妇女、儿童"]);
    let c = names("经审理查明：2018年，被告人杜某在网上购买他人伪造的某市公安局印章一枚，并用该印章伪造出具户籍证明。");
    assert_eq!(c, vec!["伪造、变造、买卖国家机关公文、证件、印章"]);
    // drugs found, no dealing told: 非法持有毒品 (刑法第348条), not the drug trade as well
    let c = names("经审理查明，2016年7月9日凌晨1时许，被告人钱某吸毒后携带毒品行至某市人民路路口时，被巡逻民警当场查获，从其随身携带的背包内查出一台电子秤、三包毒品疑似物。经抽样鉴定，均检出甲基苯丙胺成分，经称量净重共计25.6克。");
    assert_eq!(c, vec!["非法持有毒品"]);
    // a state functionary taking kickbacks for his post: 受贿 (刑法第385条)
    let c = names("公诉机关指控：2013年至2015年，被告人孙某在担任某县水利局局长期间，利用职务上的便利，为某建筑工程有限公司承揽水利工程提供帮助，先后五次收受该公司负责人钱某给予的好处费共计人民币25万元。");
    assert!(c.iter().any(|x| x == "受贿"), "{c:?}");
    // law-enforcement officers beaten at work: 妨害公务 (刑法第277条)
    let c = names("公诉机关指控：2017年6月，某县城市管理行政执法局执法人员在依法查处被告人郑某占道经营行为时，被告人郑某拒不配合，用拳头殴打执法人员刘某，致其轻微伤。");
    assert_eq!(c[0], "妨害公务", "{c:?}");
    // a beating that left 轻微伤 only is no 故意伤害 (刑法第234条 begins at 轻伤); with 轻伤 it is
    let beating = "公诉机关指控，2015年3月3日凌晨2时许，被告人赵某与他人在某县某酒吧娱乐时，因不满该酒吧打烊，与酒吧工作人员发生争吵和拉扯，进而持烟灰缸将被害人钱某、孙某打伤。经鉴定，被害人钱某、孙某的损伤程度均为轻微伤。";
    let c = names(beating);
    assert!(!c.iter().any(|x| x == "故意伤害"), "{c:?}");
    let c = names(&beating.replace("轻微伤", "轻伤二级"));
    assert!(c.iter().any(|x| x == "故意伤害"), "{c:?}");
    // drunk driving that caused an accident with no death or serious injury: 危险驾驶 alone
    // (交通肇事 needs one, 法释〔2000〕33号第2条)
    let c = names("公诉机关指控，2016年3月7日20时许，被告人李某酒后驾驶小型轿车行驶至某路段时，与对向行驶的由黄某驾驶的小型轿车发生碰撞，造成两车受损、黄某受伤的交通事故。经鉴定，被告人李某血样中检出乙醇含量为156mg/100ml。");
    assert_eq!(c, vec!["危险驾驶"]);
    // a card obtained by deception and used is 冒用他人信用卡 (刑法第196条第1款第3项, 法释〔2018〕19号
    // 第5条第2款): the decisive element stands against the pair model's 诈骗
    let c = names("经审理查明，被告人赵某谎称能帮被害人钱某提高信用卡额度，骗取钱某的信用卡及密码后，通过POS机刷卡套现人民币9000元，用于个人挥霍。");
    assert_eq!(c, vec!["信用卡诈骗"]);
    // an appraisal that denies protected status: the felling is 滥伐林木 (刑法第345条第2款), not
    // the protected-plant offence of 第344条
    let c = names("经审理查明：2016年3月，被告人杨某在未办理林木采伐许可证的情况下，雇人在其承包的山林内砍伐杉木。经鉴定，所砍伐树种为杉木，不属于国家重点保护植物，林木蓄积为18.6立方米。");
    assert_eq!(c, vec!["滥伐林木"]);
    // workers given no protective gear, one killed: the employer's safety conditions fall short,
    // 重大劳动安全事故 (刑法第135条), not the breach at work of 第134条
    // an indictment of two counts: each count's offence (数罪, 刑法第69条), the one the whole
    // text's ranking leaves out included
    for second in [
        "（二）2015年至2017年间，被告人宋某在其经营的某县某棋牌室内以营利为目的开设赌场，组织他人以麻将方式赌博，从中抽头渔利共计人民币6万余元。",
        "（二）2017年3月，被告人宋某在某县一游戏厅内被公安机关抓获，民警在其轿车内查获自制手枪一支，经鉴定能够认定为枪支。",
    ] {
        let facts = format!("公诉机关指控：（一）2016年5月，被告人宋某在某县某网吧内因琐事与被害人窦某发生争吵并厮打，被告人宋某持刀将窦某捅伤。经鉴定，窦某之损伤构成轻伤一级。{second}");
        let c = names(&facts);
        assert!(c.len() == 2 && c.iter().any(|x| x == "故意伤害"), "{c:?}");
        // the count and its words are the reasons
        let s = a.charges.predict(&facts).into_iter().find(|s| s.charge == "故意伤害").unwrap();
        let why: Vec<&str> = s.reasons.iter().map(|r| r.text.as_str()).collect();
        assert!(why.iter().any(|t| t.contains("第1项") && t.contains("轻伤")), "{why:?}");
    }
    // a robbery told beside thefts (刑法第263条): the bag taken by force, or the prosecutor's
    // words with the charge masked
    for robbery in ["上前掐住被害人王某的脖子并将其推倒，抢走其手提包一个，内有现金800元", "以暴力方法××他人财物，抢得被害人王某手提包一个，内有现金800元"] {
        let c = names(&format!("公诉机关指控：1、2015年3月2日晚，被告人李某在某县某小区楼道内，{robbery}。2、2015年4月8日，被告人李某窜至某县某商店，趁店主不备盗走柜台内现金1200元。3、2015年4月20日，被告人李某在某县菜市场盗走被害人赵某手机一部，价值1500元。"));
        assert!(c.iter().any(|x| x == "抢劫") && c.iter().any(|x| x == "盗窃"), "{c:?}");
    }
    // intercourse with a girl under fourteen is rape (刑法第236条第2款), not 猥亵儿童
    let c = names("公诉机关指控：2016年，被告人陈某多次在其家中对邻居家女童张某（时年9岁）实施猥亵，并与其发生性关系。");
    assert_eq!(c[0], "强奸", "{c:?}");
    // an official who broke the rules of his office and took 2,000 yuan for it: the bribe is
    // under every threshold, the abuse of office stands (刑法第397条)
    let c = names("公诉机关指控：2014年7月至8月期间，被告人王某在担任某县民政局社会救助股股长期间，违反规定，擅自为不符合条件的12户村民办理低保手续，致使国家低保资金损失人民币8万余元，并利用职务上的便利，2次收受村民送给的现金人民币共计2000元。");
    assert_eq!(c[0], "滥用职权", "{c:?}");
    assert!(!c.iter().any(|x| x == "受贿"), "{c:?}");
    // posing as a bank's staff to cheat is 诈骗; 招摇撞骗 (刑法第279条) needs a state organ's
    // functionary, not the police who later arrested him
    let c = names("公诉机关指控：2015年3月，被告人沈某冒充某银行信贷部工作人员，以帮助办理低息贷款需缴纳保证金为由，骗取被害人成某人民币2万元。同年5月，被告人沈某被民警抓获。");
    assert!(!c.iter().any(|x| x == "招摇撞骗"), "{c:?}");
    let c = names("公诉机关指控：2015年3月，被告人沈某冒充民警，以查处赌博为名，在某村棋牌室内扣押村民现金，并以交罚款可免于处罚为由收取村民钱款共计3000元。");
    assert!(c.iter().any(|x| x == "招摇撞骗"), "{c:?}");
    // drunk driving that caused a fatal accident, the driver wholly responsible: 交通肇事 alone
    // (刑法第133条之一第3款)
    let c = names("公诉机关指控：2014年3月27日19时40分许，被告人袁某醉酒后驾驶小型轿车，沿某市某路由北向南行驶至某路口处，将行人汪某撞倒，致汪某当场死亡。经认定，袁某承担此次事故的全部责任。经鉴定，袁某血液中乙醇含量为182mg/100ml。");
    assert_eq!(c, vec!["交通肇事"]);
    let c = names("公诉机关指控：2016年7月，被告人吴某承接某厂房屋顶维修工程后，雇请工人郑某施工，未向郑某配备安全帽、安全带等劳动防护用品，郑某在屋顶作业时踩破采光板坠落死亡。");
    assert_eq!(c[0], "重大劳动安全事故", "{c:?}");
}

#[test]
fn statutory_elements_of_charges_rare_in_training() {
    let a = assist::Assistant::load(None).unwrap();
    let names = |facts: &str| a.charges.predict(facts).into_iter().map(|c| c.charge).collect::<Vec<_>>();
    // 行贿 (刑法第389条): the defendant gave the money to someone in public office
    let c = names("公诉机关指控：2012年至2014年，被告人赵某为承揽某镇道路工程，请时任某镇镇长的钱某关照，先后三次送给钱某现金共计人民币8万元，钱某均予以收受。");
    assert_eq!(c[0], "行贿", "{c:?}");
    assert!(!c.iter().any(|x| x == "受贿"), "{c:?}");
    // the reasons say what the facts show and cite the article without an empty word list
    let why: Vec<String> = a.charges.predict("公诉机关指控：2012年至2014年，被告人赵某为承揽某镇道路工程，请时任某镇镇长的钱某关照，先后三次送给钱某现金共计人民币8万元，钱某均予以收受。")[0].reasons.iter().map(|r| r.text.clone()).collect();
    assert!(why.iter().any(|t| t.contains("刑法第389条")), "{why:?}");
    assert!(!why.iter().any(|t| t.contains("共有词：）") || t.contains("案情含有给予")), "{why:?}");
    // 侵占 (刑法第270条) is prosecuted on the victim's complaint: a private prosecution's taking
    // is not 职务侵占
    let c = names("自诉人李某诉称并经审理查明：2016年，被告人王某在为自诉人开设的饭店采购货物期间，让供货商虚开单据，侵吞自诉人货款2万余元，经自诉人多次催要拒不退还。");
    assert_eq!(c[0], "侵占", "{c:?}");
    assert!(!c.iter().any(|x| x == "职务侵占"), "{c:?}");
    // 刑法第133条 is the road's offence: a death off the public roads is 过失致人死亡
    let c = names("公诉机关指控：2016年5月，被告人刘某驾驶装载机在某砂石厂场内倒车时，疏于观察，将被害人张某撞倒致其死亡。经认定，该事故为非道路交通事故。");
    assert_eq!(c[0], "过失致人死亡", "{c:?}");
    assert!(!c.iter().any(|x| x == "交通肇事"), "{c:?}");
    // standing in for the driver (顶罪): 包庇 (刑法第310条), the accident is another's
    let c = names("公诉机关指控：2015年3月，张某甲驾驶货车撞死一名行人后，授意被告人张某乙冒充驾驶人向公安机关作虚假陈述替其顶罪，被告人张某乙遂到公安机关称自己系肇事者。");
    assert_eq!(c[0], "窝藏、包庇", "{c:?}");
    assert!(!c.iter().any(|x| x == "交通肇事"), "{c:?}");
    // a province's protection is not the state's (刑法第341条第1款): the hunting is 第2款's
    let c = names("经审理查明：2016年11月，被告人陈某在禁猎期内使用捕鸟网在某山林捕获野生鸟类32只。经鉴定，上述鸟类均为湖南省重点保护野生动物。");
    assert_eq!(c, vec!["非法狩猎"]);
    // a bomb falsely announced (刑法第291条之一); no crowd, so not 第290条
    let c = names("公诉机关指控：2014年4月，被告人王某酒后拨打110报警电话，谎称在火车站放置了炸药，公安机关出动大批警力排查，严重扰乱了社会秩序。");
    assert_eq!(c[0], "编造、故意传播虚假恐怖信息", "{c:?}");
    assert!(!c.iter().any(|x| x == "聚众扰乱社会秩序"), "{c:?}");
    // a fire lit for another purpose that spread (刑法第115条第2款): 失火, and the burnt timber's
    // volume is no felling (第345条)
    let c = names("公诉机关指控：2015年3月12日13时许，被告人黄某在某县某乡某村自家承包地内焚烧秸秆时，因疏忽大意，火势蔓延至附近山林，造成林地过火面积120亩，烧毁林木蓄积45立方米。");
    assert_eq!(c[0], "失火", "{c:?}");
    assert!(!c.iter().any(|x| x == "滥伐林木"), "{c:?}");
    // a serious injury by want of care (刑法第235条), not the intentional 第234条
    let c = names("公诉机关指控：2015年6月8日，被告人杨某在某县某村修建房屋时，将一根木料从二楼往下扔，未注意观察，砸中路过的被害人朱某头部，致其颅骨骨折，经鉴定属重伤二级。");
    assert_eq!(c[0], "过失致人重伤", "{c:?}");
    assert!(!c.iter().any(|x| x == "故意伤害"), "{c:?}");
    // a forged bill used to defraud (刑法第194条): the forging is its means (第177条)
    let c = names("公诉机关指控：2014年，被告人施某使用伪造的银行承兑汇票一张，向某贸易公司购买钢材，骗取货物价值人民币56万元。");
    assert_eq!(c[0], "票据诈骗", "{c:?}");
    assert!(!c.iter().any(|x| x == "伪造、变造金融票证"), "{c:?}");
    // the corruption a defamation invents is not the defendant's (刑法第246条)
    let c = names("公诉机关指控：被告人方某在微信群中多次发布捏造的被害人贪污受贿的虚假信息，损害被害人名誉，情节严重。");
    assert_eq!(c, vec!["诽谤"]);
    // the company gives for its own benefit (刑法第393条), not the individual bribery of 第389条
    let c = names("经审理查明：某建设有限公司为在工程招投标中获得关照，经该公司法定代表人即被告人韩某决定，于2013年至2015年间先后多次给予某县交通局局长许某（另案处理）现金共计人民币45万元，该公司因此承揽多项工程。");
    assert_eq!(c[0], "单位行贿", "{c:?}");
    assert!(!c.iter().any(|x| x == "行贿"), "{c:?}");
    // salt without iodine in food for an iodine-deficient area (刑法第143条)
    let c = names("经审理查明：被告人卢某在其经营的饭店内使用来源不明的食盐制作菜品对外销售。经检测，所查扣的食盐中未检出碘，该地区属于碘缺乏地区。");
    assert_eq!(c, vec!["生产、销售不符合安全标准的食品"]);
    // a mahjong room run for a cut of the stakes (刑法第303条第2款), not 聚众赌博 of 第1款
    let c = names("经审理查明，2016年3月以来，被告人王某在其经营的棋牌室内，提供麻将机、场地，组织他人以打麻将的方式进行赌博，从中抽头渔利共计人民币8000余元。2016年6月12日，公安民警当场查获参赌人员6人。");
    assert_eq!(c[0], "开设赌场", "{c:?}");
    assert!(!c.iter().any(|x| x == "赌博"), "{c:?}");
    // company money taken by the cashier's post (刑法第271条); gambling is only where it went
    let c = names("经审理查明，2016年1月至2016年10月，被告人褚某利用担任某公司出纳的职务便利，多次将公司账户资金转入个人账户，用于网络赌博，共计侵占公司资金人民币35万元。");
    assert_eq!(c[0], "职务侵占", "{c:?}");
    assert!(!c.iter().any(|x| x == "赌博" || x == "开设赌场"), "{c:?}");
    // a crowd gathered on each side to fight (刑法第292条)
    let c = names("经审理查明，2015年7月，被告人卫某纠集蒋某等十余人，因与沈某一方的纠纷，持刀具、钢管在某广场与沈某等人互相殴打，致双方多人轻微伤。");
    assert_eq!(c[0], "聚众斗殴", "{c:?}");
    // a village office assisting the government with land compensation acts as a state
    // functionary (刑法第93条第2款): the compensation it took by cheating is 贪污 (第382条)
    let c = names("经审理查明，2013年至2015年，被告人刘某在担任某村党支部书记期间，协助镇政府从事征地拆迁补偿款发放工作，利用职务上的便利，虚报拆迁面积，骗取征地补偿款人民币12万元，据为己有。");
    assert_eq!(c[0], "贪污", "{c:?}");
    assert!(!c.iter().any(|x| x == "职务侵占"), "{c:?}");
    // public money a state company's officer lent out (刑法第384条), not 挪用资金 (第272条)
    let c = names("公诉机关指控，2012年至2014年，被告人郑某利用担任某国有公司财务科长的职务便利，挪用公司公款人民币80万元借给朋友用于经营，超过三个月未归还。");
    assert_eq!(c, vec!["挪用公款"]);
    // a child killed by a careless reversing off the road (刑法第233条): no sexual act is told,
    // so no sexual offence however much else the facts share with one
    let c = names("公诉机关指控，2016年3月，被告人毛某驾驶农用车倒车时，未注意观察车后情况，将在车后玩耍的邻居家儿童撞倒，致其经抢救无效死亡。事故发生在被告人家院内。");
    assert_eq!(c[0], "过失致人死亡", "{c:?}");
    assert!(!c.iter().any(|x| x.contains("猥亵")), "{c:?}");
    // a child left without food (刑法第261条)
    let c = names("公诉机关指控，2016年5月，被告人范某将其子（5岁）独自留在家中长期不予照顾，不提供食物，致其子严重营养不良，被邻居发现后报警。");
    assert_eq!(c, vec!["遗弃"]);
    // bedding set alight with a lighter, no negligence told: 放火 (第114条), not 失火
    let c = names("经审理查明，2016年7月，被告人温某因与妻子发生矛盾，在家中用打火机点燃被褥，引发火灾，烧毁房屋三间及屋内物品，并殃及邻居房屋。");
    assert_eq!(c[0], "放火", "{c:?}");
    assert!(!c.iter().any(|x| x == "失火"), "{c:?}");
    // an animal under state protection bought (刑法第341条第1款), not the plants of 第344条
    let c = names("经审理查明，2016年11月，被告人华某在某村非法收购国家二级保护动物猕猴2只，并将其运输至某市出售，被森林公安民警查获。");
    assert_eq!(c, vec!["非法收购、运输、出售珍贵、濒危野生动物、珍贵、濒危野生动物制品"]);
    // a child taken to be raised as one's own (第262条), not bought or sold
    let c = names("经审理查明，2016年4月，被告人姜某在某火车站附近，将一名在站前玩耍的4岁男童哄骗带走，带回其老家收养。10天后，公安机关将该男童解救。");
    assert_eq!(c, vec!["拐骗儿童"]);
    // a business's equipment cut off out of a grudge (第276条)
    let c = names("公诉机关指控，2016年9月，被告人陶某因对其原工作单位不满，趁夜间潜入该单位养殖场，将养殖池的增氧设备电源切断，致使池中鱼类大量死亡，造成经济损失人民币6万元。");
    assert_eq!(c[0], "破坏生产经营", "{c:?}");
    // counterfeit goods sold, not made (刑法第214条, not 第213条)
    let c = names("公诉机关指控，2016年3月至9月，被告人陈某在其经营的店铺内，明知是假冒“耐克”“阿迪达斯”注册商标的运动鞋仍予以销售，销售金额共计人民币9.8万元。");
    assert_eq!(c, vec!["销售假冒注册商标的商品"]);
    // the rape a false accusation invents is not the defendant's (第243条)
    let c = names("公诉机关指控，2016年2月，被告人罗某因与同村村民郭某有矛盾，捏造郭某强奸其女儿的事实，向公安机关报案，意图使郭某受到刑事追究，致使郭某被刑事拘留15天。");
    assert_eq!(c, vec!["诬告陷害"]);
    // a home entered by picking the lock, the taking masked (`××`), no violence told: theft
    let c = names("公诉机关指控，2016年4月12日凌晨，被告人刘某窜至某小区，采用撬锁的方式进入被害人王某家中，××现金人民币3000元及金手镯一只，经鉴定金手镯价值人民币5200元。");
    assert_eq!(c, vec!["盗窃"]);
    // a debtor held to make him pay is 非法拘禁 (刑法第238条第3款), not kidnapping or escape
    let c = names("公诉机关指控，2016年3月，被告人黎某为索要被害人林某所欠的赌债人民币5万元，伙同他人将林某强行带至某宾馆房间关押两天，期间向林某家属索要钱款，后林某家属报警，林某被解救。");
    assert_eq!(c[0], "非法拘禁", "{c:?}");
    // a wife beaten and abused habitually (第260条)
    let c = names("公诉机关指控，2016年1月至10月，被告人彭某经常以家庭琐事为由，对其妻子刘某进行殴打、辱骂，并限制其外出，情节恶劣。");
    assert_eq!(c[0], "虐待", "{c:?}");
    // drugs bought for one's own use and found: possession (刑法第348条), not 第347条
    let c = names("公诉机关指控，2016年6月，被告人白某在其暂住处被公安民警查获，民警从其卧室内搜出甲基苯丙胺（冰毒）32克，白某供称系其购买用于自己吸食。");
    assert_eq!(c, vec!["非法持有毒品"]);
}

#[test]
fn suggestions_carry_reasons() {
    let a = assist::Assistant::load(None).unwrap();
    let s = a.suggest("经审理查明，2018年3月14日，被告人李某在遂溪县城月镇市场盗窃被害人庄某现金420元。被告人到案后如实供述。");
    assert!(!s.charges.is_empty() && !s.charges[0].reasons.is_empty());
    assert_eq!(s.amount.as_ref().unwrap().amount, 420.0);
    assert!(!s.term.reasons.is_empty());
    let c = a.proofread("上述证据收集程序合法，内容客观真实，足以认定。");
    assert_eq!(c.corrected, c.original, "a correct sentence stays unchanged");
}

#[test]
fn charge_article_table_agrees_with_the_statute_and_the_training_labels() {
    let data = data_dir();
    let (criminal, _) = assist::data::read_statutes(&data).expect("statutes");
    for (name, arts) in assist::statute::CHARGE_ARTICLES {
        for a in *arts {
            assert!(criminal.contains_key(a), "{name}: 刑法第{a}条 not in laws.db");
        }
    }
    // every label of the CAIL label set has an entry
    let labels = std::fs::read_to_string(data.join("cail2018-subset/charges.txt")).unwrap();
    let missing: Vec<&str> = labels.lines().map(str::trim).filter(|l| !l.is_empty() && *l != "经济犯" && assist::statute::charge_articles(l).is_none()).collect();
    assert!(missing.is_empty(), "charges without an article: {missing:?}");
    // the defining article is among the labelled articles of single-charge training cases
    let train = assist::data::read_cail(&data.join("cail2018-subset/train.jsonl")).unwrap();
    let (mut hit, mut n) = (0, 0);
    for c in train.iter().filter(|c| c.charges.len() == 1) {
        if let Some(a) = assist::statute::charge_articles(&assist::charges::plain_name(&c.charges[0])) {
            n += 1;
            if c.articles.contains(&a[0]) {
                hit += 1;
            }
        }
    }
    assert!(hit as f64 / n as f64 > 0.95, "table agrees with {hit}/{n} training cases");
    eprintln!("charge → article table agrees with {hit}/{n} single-charge training cases");
}

#[test]
fn given_charge_and_article_lines_are_used() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let v = a.run_one("charges", "罪名:盗窃;抢夺\n事实:被告人盗窃现金1500元，另抢夺手机一部。").unwrap();
    assert_eq!(v["charges"], serde_json::json!(["盗窃", "抢夺"]));
    let v = a.run_one("articles", "法条:刑法第264条\n事实:被告人盗窃现金1500元。").unwrap();
    assert_eq!(v["articles"], serde_json::json!([264]));
    // two given charges are sentenced together: not less than either alone
    let one = a.run_one("term", "罪名:抢劫\n事实:被告人持刀抢劫现金1500元，另盗窃手机一部，价值2000元。").unwrap();
    let two = a.run_one("term", "罪名:抢劫;盗窃\n事实:被告人持刀抢劫现金1500元，另盗窃手机一部，价值2000元。").unwrap();
    assert!(two["months"].as_u64().unwrap() >= one["months"].as_u64().unwrap(), "{one} {two}");
    assert!(two["reasons"].as_array().unwrap().iter().any(|r| r["article"] == 69));
}

/// Cross-validation refuses fold counts it cannot make, naming the argument.
#[test]
fn cross_validation_names_an_impossible_fold_count() {
    for folds in [0, 1, 1_000_000] {
        let a = assist::Assistant::load(None).expect("embedded models");
        let e = assist::data::cross_validate(a, &data_dir(), folds).expect_err("refused");
        assert!(matches!(e, assist::AssistError::Argument { name: "folds", .. }), "{e}");
        assert!(e.to_string().contains(&folds.to_string()), "{e}");
    }
}

/// Weights written in full-width digits weigh what the same weights in ASCII digits do.
#[test]
fn full_width_weights_are_read_as_ascii_ones() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let term = |facts: &str| a.run_one("term", &format!("{facts}\n罪名:走私、贩卖、运输、制造毒品。")).unwrap();
    let ascii = term("经审理查明，被告人王某贩卖甲基苯丙胺12.5克给吸毒人员。");
    let full = term("经审理查明，被告人王某贩卖甲基苯丙胺１２．５克给吸毒人员。");
    let none = term("经审理查明，被告人王某贩卖甲基苯丙胺给吸毒人员。");
    assert_eq!(full["months"], ascii["months"], "{full} {ascii}");
    assert_ne!(ascii["months"], none["months"], "the weight must count: {ascii} {none}");
    // no weight written: the money paid is no weight (刑法第347条 grades by weight), and the
    // reasons say the weight is unknown
    let paid = term("经审理查明，被告人王某以300元的价格向吸毒人员贩卖一小包甲基苯丙胺。");
    let small = term("经审理查明，被告人王某向吸毒人员贩卖一小包甲基苯丙胺。");
    assert_eq!(paid["months"], small["months"], "{paid} {small}");
    assert!(paid.to_string().contains("未写明重量"), "{paid}");
}

/// A charge given as a judgment names it (the concrete offence of a label with alternatives, or
/// the label with its brackets) is read as the label: its articles, its training cases.
#[test]
fn given_charges_are_read_as_the_labels_that_cover_them() {
    let a = assist::Assistant::load(None).expect("embedded models");
    for (given, label) in [
        ("贩卖毒品", "走私、贩卖、运输、制造毒品"),
        ("[走私、贩卖、运输、制造]毒品", "走私、贩卖、运输、制造毒品"),
        ("运输毒品罪", "走私、贩卖、运输、制造毒品"),
        ("包庇", "窝藏、包庇"),
        ("介绍卖淫", "引诱、容留、介绍卖淫"),
        ("盗窃", "盗窃"),
        ("非法狩猎", "非法狩猎"),
    ] {
        assert_eq!(a.charges.resolve(given), label, "{given}");
    }
    // a name no label covers stays as given
    assert_eq!(a.charges.resolve("不存在的罪名"), "不存在的罪名");
    let facts = "事实:被告人王某某以300元的价格向吸毒人员李某贩卖甲基苯丙胺1.2克，被当场抓获。";
    let v = a.run_one("articles", &format!("{facts}\n罪名:贩卖毒品。")).unwrap();
    assert_eq!(v["articles"], serde_json::json!([347]), "{v}");
    let by_label = a.run_one("term", &format!("{facts}\n罪名:走私、贩卖、运输、制造毒品。")).unwrap();
    let concrete = a.run_one("term", &format!("{facts}\n罪名:贩卖毒品。")).unwrap();
    assert_eq!(by_label["months"], concrete["months"], "{by_label} {concrete}");
    assert_eq!(by_label["reasons"], concrete["reasons"]);
    // an unknown charge still gets a term, and says what it rests on
    let unknown = a.run_one("term", &format!("{facts}\n罪名:不存在的罪名。")).unwrap();
    assert!(unknown["reasons"].as_array().unwrap().iter().any(|r| r["text"].as_str().unwrap().contains("未能确定")), "{unknown}");
}

/// "The facts name the charge" is said only of a whole offence name: the model learns the
/// concrete offences of a label from the cases' bracketed labels, so a bare verb (贩卖) is not
/// taken for 贩卖毒品.
#[test]
fn a_bare_verb_is_not_the_name_of_a_charge() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let drug = a.charges.charges.iter().find(|c| c.name == "走私、贩卖、运输、制造毒品").unwrap();
    assert!(drug.variants.contains(&"贩卖毒品".to_string()) && !drug.variants.contains(&"贩卖".to_string()), "{:?}", drug.variants);
    let v = a.run_one("charges", "被告人王某某以300元的价格向吸毒人员李某贩卖甲基苯丙胺1.2克，被当场抓获。").unwrap();
    assert_eq!(v["charges"][0], "走私、贩卖、运输、制造毒品", "{v}");
    let named = |v: &serde_json::Value| v["reasons"].as_array().unwrap().iter().any(|r| r["text"].as_str().unwrap().contains("案情中出现罪名"));
    assert!(!named(&v), "{v}");
    let v = a.run_one("charges", "被告人王某某贩卖毒品甲基苯丙胺1.2克。").unwrap();
    assert!(named(&v), "{v}");
}

/// Every reason a reader is shown is Chinese: over the first 300 dev inputs of each task, no
/// run of four or more ASCII letters in a reason text unless the input itself has it (a quoted
/// brand or model name, `OPPO`, `iPad`). No identifier is exempt: the statute is cited as
/// 刑法第N条, 法释〔…〕…号.
#[test]
fn reasons_are_in_chinese() {
    let data = data_dir();
    let a = assist::Assistant::load(None).expect("embedded models");
    let runs = [
        ("charges", "cail2018-subset/test.jsonl"),
        ("articles", "cail2018-subset/test.jsonl"),
        ("term", "cail2018-subset/test.jsonl"),
        ("articles", "judgments-dev/article_prediction.jsonl"),
        ("term", "judgments-dev/article_prediction.jsonl"),
        ("amount", "judgments-dev/crime_amount.jsonl"),
        ("entities", "judgments-dev/theft_entities.jsonl"),
        ("proofread", "judgments-dev/proofreading.jsonl"),
    ];
    let mut bad: Vec<String> = Vec::new();
    for (task, file) in runs {
        let text = std::fs::read_to_string(data.join(file)).unwrap();
        let mut seen = 0;
        for line in text.lines().filter(|l| !l.trim().is_empty()).take(300) {
            let input = assist::data::input_text(line).unwrap();
            let v = a.run_one(task, &input).unwrap();
            for r in v["reasons"].as_array().unwrap() {
                seen += 1;
                let t = r["text"].as_str().unwrap();
                let english = t
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|w| w.len() >= 4 && !input.contains(w))
                    .collect::<Vec<_>>();
                if !english.is_empty() && bad.len() < 20 {
                    bad.push(format!("{task} ({file}): {english:?} in {t}"));
                }
            }
        }
        assert!(seen > 0, "{task} on {file} gave no reasons");
    }
    assert!(bad.is_empty(), "reasons with English words:\n{}", bad.join("\n"));
}

/// The cross-validation over the judgments the charge model learns answers each fold with a
/// model that has not learnt it: 巨额财产来源不明 (刑法第395条) is charged in one of them only,
/// item 350 (fold 0 of 5), and in no CAIL case.
#[test]
fn the_judgments_are_scored_by_models_that_have_not_learnt_them() {
    let data = data_dir();
    let judged = assist::data::read_charge_items(&data.join(assist::data::CHARGE_ITEMS_FILE)).expect("judgments");
    let with: Vec<usize> = judged.iter().enumerate().filter(|(_, j)| j.charges.iter().any(|c| c == "巨额财产来源不明")).map(|(i, _)| i).collect();
    assert_eq!(with, vec![350]);
    let seen = std::cell::RefCell::new(Vec::new());
    let mut a = assist::Assistant::load(None).expect("embedded models");
    let shipped = a.charges.charges.iter().find(|c| c.name == "巨额财产来源不明").unwrap().train_count;
    assert_eq!(shipped, 1);
    let ans = assist::data::judged_answers(&mut a, &data, 5, Some(10), &|m| {
        seen.borrow_mut().push(m.charges.iter().find(|c| c.name == "巨额财产来源不明").unwrap().train_count);
    })
    .expect("cross-validation");
    assert_eq!(*seen.borrow(), vec![0, 1, 1, 1, 1]);
    assert_eq!(ans.items.len(), 10);
    // gold charges in the model's names, suggestions for every item
    assert!(ans.items.iter().all(|(gold, suggested, _, _)| !gold.is_empty() && !suggested.is_empty()));
}

#[test]
fn cross_validation_of_the_judgments_names_an_impossible_fold_count() {
    let mut a = assist::Assistant::load(None).unwrap();
    for folds in [0, 1, 11] {
        let e = assist::data::judged_answers(&mut a, &data_dir(), folds, Some(10), &|_| {}).err().expect("refused");
        assert!(e.to_string().contains("folds"), "{e}");
    }
}

/// Selling a small quantity of drugs three times or more is 情节严重 (刑法第347条第4款; 法释〔2016〕8号
/// 第4条第1项): three years or more without a circumstance that allows a lighter sentence
/// (刑法第63条), and the reasons say so; twice is not.
#[test]
fn three_sales_of_a_small_quantity_are_a_serious_case() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let term = |facts: &str| a.run_one("term", &format!("{facts}\n罪名:走私、贩卖、运输、制造毒品。")).unwrap();
    let months = |v: &serde_json::Value| v["months"].as_f64().unwrap_or_else(|| panic!("no months in {v}"));
    let three = term("经审理查明，2017年5月至6月，被告人王某先后3次在其住处以每次200元的价格向吸毒人员张某贩卖甲基苯丙胺共计0.9克。");
    let two = term("经审理查明，2017年5月至6月，被告人王某先后2次在其住处以每次200元的价格向吸毒人员张某贩卖甲基苯丙胺共计0.6克。");
    assert!(months(&three) >= 36.0, "{three}");
    assert!(three.to_string().contains("情节严重") && three.to_string().contains("读出贩卖毒品3次"), "{three}");
    assert!(months(&two) < 36.0, "{two}");
    // 自首 allows a sentence below the tier (刑法第67条、第63条)
    let surrendered = term("经审理查明，2017年5月至6月，被告人王某先后3次在其住处以每次200元的价格向吸毒人员张某贩卖甲基苯丙胺共计0.9克。案发后，被告人王某主动到公安机关投案自首。");
    assert!(months(&surrendered) < months(&three), "{surrendered} {three}");
}

/// Without given charges, two charges that judgments often convict together, both predicted,
/// are sentenced together (数罪并罚, 刑法第69条) as if given, not weighed as alternatives.
#[test]
fn charges_convicted_together_are_sentenced_together_when_predicted() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let facts = "经审理查明，2016年3月5日凌晨，被告人王某持刀在某小区门口拦住被害人张某，以暴力相威胁，劫走其现金800元及手机一部（价值2000元）。2016年3月9日，被告人王某窜至李某家中，盗走笔记本电脑一台，价值4500元。";
    let charges = a.run_one("charges", facts).unwrap();
    let names: Vec<&str> = charges["charges"].as_array().unwrap().iter().filter_map(|c| c.as_str()).collect();
    assert!(names.contains(&"抢劫") && names.contains(&"盗窃"), "{charges}");
    let predicted = a.run_one("term", facts).unwrap();
    let given = a.run_one("term", &format!("{facts}\n罪名:抢劫;盗窃")).unwrap();
    assert_eq!(predicted["months"], given["months"], "{predicted} {given}");
    assert!(predicted.to_string().contains("数罪并罚"), "{predicted}");
}

/// Bribery is graded by the bribe (法释〔2016〕9号): 收受好处费25万元 is 数额巨大 under 刑法第383条
/// (three to ten years) for 受贿, a charge neither CAIL file has, and the reasons name the bribe.
#[test]
fn bribery_is_graded_by_the_bribe() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let t = a.run_one("term", "经审理查明，2014年至2016年，被告人王某利用担任某县国土资源局局长的职务便利，为他人在土地审批等方面谋取利益，先后三次收受张某给予的好处费共计人民币25万元。\n罪名:受贿").unwrap();
    let months = t["months"].as_f64().unwrap_or_else(|| panic!("no months in {t}"));
    assert!((36.0..=120.0).contains(&months), "{t}");
    assert!(t.to_string().contains("贿赂数额250,000元"), "{t}");
}

#[test]
fn drunk_driving_is_compared_by_the_blood_alcohol() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let term = |mg: &str| a.term(&assist::CaseInput { facts: format!("公诉机关指控：2016年9月30日18时许，被告人陈某醉酒后驾驶二轮摩托车行驶至某村时，被民警当场抓获。经鉴定，被告人陈某血液中乙醇浓度为{mg}mg/100ml。"), charges: vec!["危险驾驶".into()], articles: vec![133] });
    let (high, low) = (term("243.2"), term("95.2"));
    assert!(high.term.months_for_score() > low.term.months_for_score(), "{:?} {:?}", high.term, low.term);
    assert!(high.reasons.iter().any(|r| r.text.contains("血液酒精含量243.2mg/100ml")), "{:?}", high.reasons);
}

#[test]
fn a_death_sentence_with_reprieve_under_review_is_the_term() {
    let a = assist::Assistant::load(None).expect("embedded models");
    // a review text (刑事诉讼法第248条) with no facts of the offence, charge masked
    let review = "某市中级人民法院审理某市人民检察院指控被告人何某犯××罪一案，于2016年8月12日作出刑事判决，认定被告人何某犯××罪，判处××，缓期二年执行，剥夺政治权利终身。本案在法定期限内没有上诉、抗诉。某市中级人民法院依法报请本院核准。";
    let t = a.run_one("term", review).unwrap();
    assert_eq!(t["death"], true, "{t}");
    assert!(t.to_string().contains("刑法第48条"), "{t}");
    // an earlier conviction of the defendant is a record, not this case's sentence
    let record = "经审理查明：被告人张某曾于1991年12月12日被某州中级人民法院判处××，缓期二年执行。2016年3月，被告人张某在某县某村盗伐林木，价值人民币3000元。\n罪名:盗伐林木";
    let t = a.run_one("term", record).unwrap();
    assert!(t["months"].as_f64().is_some(), "{t}");
}

#[test]
fn escaping_after_a_road_accident_is_the_second_tier() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let term = |facts: &str| a.term(&assist::CaseInput { facts: facts.to_string(), charges: vec!["交通肇事".into()], articles: vec![133] });
    let stayed = term("经审理查明：2015年8月3日22时许，被告人赵某驾驶小型轿车行驶至某路口时，将横过道路的行人钱某撞倒，致钱某当场死亡。经交警部门认定，被告人赵某负事故的全部责任。");
    let fled = term("经审理查明：2015年8月3日22时许，被告人赵某驾驶小型轿车行驶至某路口时，将横过道路的行人钱某撞倒，致钱某当场死亡，被告人赵某驾车逃逸。经交警部门认定，被告人赵某负事故的全部责任。");
    // 刑法第133条: 交通运输肇事后逃逸, three to seven years; no circumstance allows going below it
    assert!(fled.term.months_for_score() >= 36.0, "{:?}", fled.term);
    assert!(fled.term.months_for_score() > stayed.term.months_for_score(), "{:?} {:?}", fled.term, stayed.term);
    assert!(fled.reasons.iter().any(|r| r.text.contains("逃逸") && r.text.contains("36至84个月")), "{:?}", fled.reasons);
    assert!(!stayed.reasons.iter().any(|r| r.text.contains("逃逸")), "{:?}", stayed.reasons);
}

#[test]
fn three_dead_in_a_work_accident_is_the_second_tier() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let term = |facts: &str| a.term(&assist::CaseInput { facts: facts.to_string(), charges: vec!["重大责任事故".into()], articles: vec![134] });
    let one = term("公诉机关指控：被告人韦某系某采石场负责人，在生产作业中违反安全管理规定，未采取安全防护措施，2014年4月在爆破作业时发生事故，造成工人一人死亡。");
    let three = term("公诉机关指控：被告人韦某系某采石场负责人，在生产作业中违反安全管理规定，未采取安全防护措施，2014年4月在爆破作业时发生事故，造成工人三人死亡。");
    // 刑法第134条第1款, 法释〔2015〕22号第7条: three dead or more is 情节特别恶劣, three to seven years
    assert!(three.term.months_for_score() >= 36.0, "{:?}", three.term);
    assert!(one.term.months_for_score() < 36.0, "{:?}", one.term);
    assert!(three.reasons.iter().any(|r| r.text.contains("死亡3人") && r.text.contains("法释〔2015〕22号")), "{:?}", three.reasons);
}

#[test]
fn an_unseen_charge_takes_the_cases_of_one_its_article_punishes_alike() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let facts = "经审理查明，被告人吴某在担任某镇派出所所长期间，严重不负责任，对辖区内非法采砂行为不予查处，致使国家矿产资源遭受损失人民币150万元。";
    let term = |c: &str| a.term(&assist::CaseInput { facts: facts.to_string(), charges: vec![c.into()], articles: vec![397] });
    // 玩忽职守 has no training case; 滥用职权, under the same 刑法第397条 with the same tiers, has
    assert!(!a.term.by_charge.contains_key("玩忽职守"));
    let (neglect, abuse) = (term("玩忽职守"), term("滥用职权"));
    assert_eq!(neglect.term, abuse.term);
    assert!(neglect.reasons[0].text.contains("按滥用职权罪的案例估算"), "{:?}", neglect.reasons);
    // a charge without such a sibling keeps the statute's estimate
    assert!(a.term.sibling("非法行医", &a.charges).is_none());
}

#[test]
fn a_victim_dying_for_want_of_help_after_the_driver_fled_is_the_third_tier() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let facts = "公诉机关指控，2016年3月5日晚，被告人胡某驾驶轿车在某路段将行人周某撞倒后，为逃避法律追究驾车逃离现场，致周某因得不到及时救助而死亡。经认定，胡某负事故全部责任。";
    let t = a.term(&assist::CaseInput { facts: facts.to_string(), charges: vec!["交通肇事".into()], articles: vec![133] });
    // 刑法第133条: 因逃逸致人死亡的, seven years or more (法释〔2000〕33号第5条)
    assert!(t.term.months_for_score() >= 84.0, "{:?}", t.term);
    assert!(t.reasons.iter().any(|r| r.text.contains("因逃逸致人死亡")), "{:?}", t.reasons);
}

#[test]
fn an_affray_with_weapons_is_the_second_tier() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let term = |facts: &str| a.term(&assist::CaseInput { facts: facts.to_string(), charges: vec!["聚众斗殴".into()], articles: vec![292] });
    let bare = term("经审理查明，2015年7月，被告人卫某纠集蒋某等十余人，因与沈某一方的纠纷，在某广场与沈某等人互相推搡、徒手殴打，致双方多人轻微伤。");
    let armed = term("经审理查明，2015年7月，被告人卫某伙同蒋某等十余人，因与沈某一方的纠纷，持砍刀、钢管在某广场与沈某等人互相殴打，致双方多人轻微伤。");
    // 刑法第292条第1款: three years or less; 持械聚众斗殴 (item 4) three to ten years
    assert!(bare.term.months_for_score() < 36.0, "{:?}", bare.term);
    assert!((36.0..=120.0).contains(&armed.term.months_for_score()), "{:?}", armed.term);
    assert!(armed.reasons.iter().any(|r| r.text.contains("持械聚众斗殴") && r.text.contains("36至120个月")), "{:?}", armed.reasons);
}

#[test]
fn robbery_in_a_home_or_three_times_is_the_heaviest_tier() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let term = |facts: &str| a.term(&assist::CaseInput { facts: facts.to_string(), charges: vec!["抢劫".into()], articles: vec![263] });
    let street = term("经审理查明：2016年5月3日23时许，被告人李某在某市某区某路人行道上，持水果刀威胁被害人王某，抢走王某的手机一部（经鉴定价值2000元）。");
    let home = term("经审理查明：2016年5月3日凌晨2时许，被告人李某翻墙进入被害人王某家中，持刀威胁王某，劫取现金5000元。");
    let thrice = term("经审理查明：2016年5月至7月间，被告人李某先后三次在某市某区持刀拦截路人，劫取手机、现金等财物共计价值6000元。");
    // 刑法第263条: three to ten years; 入户抢劫 and 多次抢劫 (items 1 and 4) ten years or more
    assert!((36.0..120.0).contains(&street.term.months_for_score()), "{:?}", street.term);
    for t in [&home, &thrice] {
        assert!(t.term.months_for_score() >= 120.0, "{:?}", t.term);
        assert!(t.reasons.iter().any(|r| r.text.contains("案情所述属") && r.text.contains("120至300个月")), "{:?}", t.reasons);
    }
}

#[test]
fn a_fire_by_negligence_that_killed_no_one_is_the_lenient_tier() {
    let a = assist::Assistant::load(None).expect("embedded models");
    let term = |facts: &str| a.term(&assist::CaseInput { facts: facts.to_string(), charges: vec!["失火".into()], articles: vec![115] });
    let forest = term("经审理查明：2018年11月5日上午，被告人夏某在某村山林中上坟烧纸时，不慎引燃周边杂草，引发山火，过火有林地面积15亩。");
    let dead = term("经审理查明：2018年11月5日上午，被告人夏某在某村山林中上坟烧纸时，不慎引燃周边杂草，引发山火，致在山上劳作的村民刘某被烧致死。");
    // 刑法第115条第2款: three to seven years; 情节较轻, three years or less
    assert!(forest.term.months_for_score() < 36.0, "{:?}", forest.term);
    assert!(forest.reasons.iter().any(|r| r.text.contains("情节较轻") && r.text.contains("1至36个月")), "{:?}", forest.reasons);
    assert!(dead.term.months_for_score() >= 36.0, "{:?}", dead.term);
}
