//! People, places and facts: Chinese names, valid identity card numbers, and fact texts written
//! the way registration decisions and judgments state them, one template family per frequent
//! charge.

use crate::rng::Rng;
use crate::world::District;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use domain::case::Gender;

const SURNAMES: &[(&str, u32)] = &[
    ("王", 72), ("李", 72), ("张", 68), ("刘", 54), ("陈", 50), ("杨", 33), ("黄", 24), ("赵", 22), ("吴", 20),
    ("周", 20), ("徐", 16), ("孙", 15), ("马", 14), ("朱", 13), ("胡", 12), ("郭", 12), ("何", 11), ("高", 10),
    ("林", 10), ("罗", 9), ("郑", 9), ("梁", 8), ("谢", 7), ("宋", 7), ("唐", 7), ("许", 6), ("韩", 6),
    ("冯", 6), ("邓", 6), ("曹", 6), ("彭", 5), ("曾", 5), ("肖", 5), ("田", 5), ("董", 5), ("袁", 4),
    ("潘", 4), ("于", 4), ("蒋", 4), ("蔡", 4), ("余", 4), ("杜", 4), ("叶", 4), ("程", 3), ("苏", 3),
    ("魏", 3), ("吕", 3), ("丁", 3), ("任", 3), ("沈", 3), ("姚", 3), ("卢", 3), ("姜", 3), ("崔", 2),
    ("钟", 2), ("谭", 2), ("陆", 2), ("汪", 2), ("范", 2), ("金", 2), ("石", 2), ("廖", 2), ("贾", 2),
    ("夏", 2), ("韦", 2), ("方", 2), ("白", 2), ("邹", 2), ("孟", 2), ("熊", 2), ("秦", 2), ("邱", 2),
    ("江", 2), ("尹", 2), ("薛", 1), ("闫", 1), ("段", 1), ("雷", 1), ("侯", 1), ("龙", 1), ("史", 1),
    ("欧阳", 1), ("上官", 1),
];

const MALE_CHARS: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波",
    "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "阳", "建", "国", "志", "海", "文", "东",
    "亮", "峰", "成", "兵", "毅", "彬", "晨", "博", "庆", "振", "春", "永", "德", "荣", "贵", "福", "祥", "宏",
];

const FEMALE_CHARS: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "燕", "玲", "桂", "丹", "萍", "红", "梅", "琳", "婷",
    "雪", "慧", "莉", "倩", "颖", "佳", "欣", "悦", "琴", "云", "洁", "蓉", "薇", "月", "英", "凤", "兰", "晶",
];

/// A suspect drawn for a case.
#[derive(Debug, Clone)]
pub struct Suspect {
    pub name: String,
    pub gender: Gender,
    pub birth: NaiveDate,
    pub id_card: String,
    /// Fictional: a mobile number in 139 0000 xxxx (one in ten a landline of an unassigned area
    /// code, 0590).
    pub phone: String,
    /// Fictional: a road of the case's district of 临江市.
    pub address: String,
}

pub fn surname(rng: &Rng) -> &'static str {
    let w: Vec<u32> = SURNAMES.iter().map(|s| s.1).collect();
    SURNAMES[rng.weighted(&w)].0
}

pub fn person_name(rng: &Rng, gender: Gender) -> String {
    let chars = if gender == Gender::Male { MALE_CHARS } else { FEMALE_CHARS };
    let mut n = surname(rng).to_string();
    n.push_str(rng.pick(chars));
    if rng.chance(0.7) {
        n.push_str(rng.pick(chars));
    }
    n
}

/// A victim or witness as judgments name them: `李某`, `王某某`.
pub fn anonymous(rng: &Rng) -> String {
    format!("{}某{}", surname(rng), if rng.chance(0.5) { "某" } else { "" })
}

/// Area codes for identity cards: the three districts, and fictional counties elsewhere.
const ID_AREAS: &[&str] = &["339901", "339902", "339903", "339921", "339922", "339923", "339981", "339982", "339825", "339826"];

pub fn suspect(rng: &Rng, district: &District, incident: NaiveDate, male_share: f64) -> Suspect {
    let gender = if rng.chance(male_share) { Gender::Male } else { Gender::Female };
    let name = person_name(rng, gender);
    let age = match rng.weighted(&[20, 35, 28, 12, 5]) {
        0 => rng.range(18, 24),
        1 => rng.range(25, 34),
        2 => rng.range(35, 44),
        3 => rng.range(45, 54),
        _ => rng.range(55, 68),
    } as i32;
    let year = incident.year() - age - 1 + rng.range(0, 1) as i32;
    let birth = loop {
        let m = rng.range(1, 12) as u32;
        let d = rng.range(1, 28) as u32;
        let b = NaiveDate::from_ymd_opt(year, m, d).expect("valid date");
        // At least eighteen on the day of the incident.
        if b.with_year(b.year() + 18).is_some_and(|adult| adult <= incident) {
            break b;
        }
    };
    let area = if rng.chance(0.55) { district.code } else { rng.pick(ID_AREAS) };
    let seq = rng.range(0, 99) * 10 + if gender == Gender::Male { [1, 3, 5, 7, 9][rng.range(0, 4) as usize] } else { [0, 2, 4, 6, 8][rng.range(0, 4) as usize] };
    let first17 = format!("{area}{}{seq:03}", birth.format("%Y%m%d"));
    let id_card = format!("{first17}{}", domain::ids::id_card_check_char(&first17));
    let (phone, address) = contact(district, &first17);
    Suspect { name, gender, birth, id_card, phone, address }
}

/// A suspect's phone and address, drawn from a generator of their own (seeded by the ID number),
/// so that adding them did not shift the rest of the world's draws.
fn contact(district: &District, first17: &str) -> (String, String) {
    let rng = Rng::new(first17.parse::<u64>().unwrap_or(0) ^ 0x7068_6f6e_6561_6464);
    let phone = if rng.chance(0.1) { format!("0590-8{:07}", rng.range(0, 9_999_999)) } else { format!("1390000{:04}", rng.range(0, 9999)) };
    let roads: Vec<&str> = places(district).iter().copied().filter(|p| p.ends_with('路') || p.ends_with("大道")).collect();
    let address = format!(
        "{}{}{}{}号{}幢{}室",
        crate::world::CITY_NAME,
        district.name,
        rng.pick(&roads),
        rng.range(1, 300),
        rng.range(1, 20),
        rng.range(1, 6) * 100 + rng.range(1, 4)
    );
    (phone, address)
}

/// Places in each district, as `(street or area, spot)`.
fn places(d: &District) -> &'static [&'static str] {
    match d.key {
        "binjiang" => &[
            "江滨路", "望江街道", "沿江东路", "新港路", "滨江大道", "锦江花园小区", "滨江时代广场", "江滨夜市", "临江火车站广场",
            "海棠路", "观澜街道", "星河湾小区", "滨江区人民医院附近", "渡口路", "金沙湾商业街",
        ],
        "linhu" => &[
            "湖畔路", "临湖街道", "环湖北路", "翠湖苑小区", "湖心公园", "临湖大学城", "湖滨步行街", "临湖汽车客运站",
            "柳岸路", "荷塘街道", "碧水苑小区", "文渊路", "临湖科技园", "月湖广场", "南湖菜市场",
        ],
        _ => &[
            "青山路", "青山镇", "石门村", "青山工业园区", "松林路", "青山农贸市场", "青峰小区", "山前村", "龙泉街道",
            "竹溪村", "矿山路", "青山客运站", "枫林大道", "云岭村", "凤鸣街道",
        ],
    }
}

fn spot(rng: &Rng) -> &'static str {
    rng.pick(&[
        "一小区地下车库", "一网吧内", "一超市内", "一出租屋内", "一烧烤店门口", "一KTV包厢内", "路边", "一宾馆房间内",
        "一公交站台", "一菜市场内", "一工地内", "一茶楼内", "一便利店内", "一饭店包厢内", "一居民楼楼道内",
    ])
}

/// `2025年3月14日22时许`
pub fn when(t: NaiveDateTime) -> String {
    format!("{}年{}月{}日{}时许", t.year(), t.month(), t.day(), t.hour())
}

fn date_cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn yuan(n: i64) -> String {
    format!("{n}元")
}

fn names(ps: &[Suspect]) -> String {
    let v: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
    v.join("、")
}

/// The facts of a case and how grave they are (0 = the lightest, 1 = the gravest usual case).
pub struct Facts {
    pub text: String,
    pub gravity: f64,
}

/// Writes the facts for the main charge.
pub fn facts(rng: &Rng, charge: &str, d: &District, ps: &[Suspect], incident: NaiveDateTime) -> Facts {
    let who = if ps.len() == 1 { format!("犯罪嫌疑人{}", ps[0].name) } else { format!("犯罪嫌疑人{}", names(ps)) };
    let place = format!("临江市{}{}", d.name, rng.pick(places(d)));
    let t = when(incident);
    let victim = anonymous(rng);
    let g = rng.unit();
    let (text, gravity) = match charge {
        "盗窃" => {
            let (item, lo, hi) = rng.pick(&[
                ("电动自行车一辆", 800, 4500),
                ("苹果牌手机一部", 2000, 9000),
                ("华为牌手机一部", 1500, 7000),
                ("现金", 1000, 30000),
                ("黄金项链一条", 3000, 20000),
                ("笔记本电脑一台", 2500, 12000),
                ("香烟若干条", 1500, 15000),
                ("电缆线约两百米", 3000, 25000),
                ("摩托车一辆", 2000, 8000),
            ]);
            let amount = lo + ((hi - lo) as f64 * g * g) as i64;
            let method = rng.pick(&["趁无人注意", "采用撬锁方式", "采用翻窗入户的方式", "采用技术开锁的方式", "趁被害人熟睡之机", "尾随被害人后扒窃"]);
            let times = if rng.chance(0.25) { rng.range(2, 6) } else { 1 };
            let extra = if times > 1 {
                format!("此后至{}，{}又先后在{}等地以相同手段盗窃{}次，累计盗窃财物价值人民币{}。", date_cn((incident + chrono::Duration::days(rng.range(5, 40))).date()), who, d.name, times - 1, yuan(amount * times))
            } else {
                String::new()
            };
            (
                format!(
                    "{t}，{who}在{place}{}，{method}窃得被害人{victim}的{item}，经临江市价格认证中心认定，被盗物品价值人民币{}。{extra}案发后，{who}被公安机关抓获，{}。",
                    spot(rng),
                    yuan(amount),
                    rng.pick(&["到案后如实供述了自己的罪行", "赃物已追回并发还被害人", "现赃款已部分退赔", "赃物已被其变卖挥霍"])
                ),
                ((amount * times) as f64 / 60000.0).min(1.0),
            )
        }
        "危险驾驶" => {
            let alcohol = 80 + (g * g * 220.0) as i64;
            let car = rng.pick(&["小型轿车", "小型普通客车", "二轮摩托车", "小型越野客车", "轻型厢式货车"]);
            let plate = format!("临{}·{}{}{}{}{}", rng.pick(&["A", "B", "C"]), rng.range(0, 9), rng.pick(&["K", "D", "F", "Q", "M"]), rng.range(0, 9), rng.range(0, 9), rng.range(0, 9));
            let how = rng.pick(&[
                "被执勤民警当场查获",
                "与路边停放的车辆发生碰撞，造成车辆损坏",
                "在醉驾专项整治行动中被民警拦停检查",
                "与被害人驾驶的电动自行车发生碰撞，致其轻微伤",
            ]);
            (
                format!(
                    "{t}，{who}饮酒后驾驶牌号为{plate}的{car}，沿临江市{}{}由东向西行驶，{how}。经呼气酒精检测，{who}的酒精含量为{}mg/100ml；经抽取血样鉴定，{who}血液中乙醇含量为{}mg/100ml，属醉酒驾驶机动车。",
                    d.name,
                    rng.pick(places(d)),
                    alcohol - rng.range(0, 15),
                    alcohol
                ),
                ((alcohol - 80) as f64 / 220.0).min(1.0),
            )
        }
        "诈骗" => {
            let amount = 3000 + (g * g * g * 800000.0) as i64;
            let how = rng.pick(&[
                "冒充电商平台客服，以办理退款为由",
                "以刷单返利为名",
                "通过婚恋网站结识被害人后，以投资博彩网站为由",
                "冒充公检法工作人员，以被害人涉嫌洗钱需核查资金为由",
                "谎称能帮助办理子女入学",
                "以低价出售二手车为名",
                "虚构其母亲重病急需手术费的事实",
            ]);
            (
                format!(
                    "{t}起，{who}以非法占有为目的，{how}，骗取被害人{victim}通过银行转账、微信转账等方式向其指定账户转款共计人民币{}。至案发时，{who}{}。",
                    yuan(amount),
                    rng.pick(&["已将赃款挥霍", "退还被害人人民币一万元", "未退赔被害人损失", "已全额退赔并取得被害人谅解"])
                ),
                (amount as f64 / 500000.0).min(1.0),
            )
        }
        "故意伤害" => {
            let (injury, gr) = rng.pick(&[("轻伤二级", 0.15), ("轻伤二级", 0.2), ("轻伤一级", 0.35), ("轻伤一级", 0.4), ("重伤二级", 0.7), ("重伤一级", 0.9)]);
            let hurt = rng.pick(&["鼻骨骨折", "左侧肋骨多发骨折", "右眼眶内壁骨折", "脾破裂", "颅骨骨折", "左手环指离断", "面部损伤"]);
            let weapon = rng.pick(&["拳打脚踢", "持木棍击打", "持啤酒瓶击打", "持随身携带的折叠刀捅刺", "用砖块砸向"]);
            let cause = rng.pick(&["因琐事发生口角", "因停车纠纷发生争执", "因邻里纠纷", "因工程款结算问题发生争执", "酒后因言语不和"]);
            (
                format!(
                    "{t}，{who}在{place}{}{cause}，{who}{weapon}被害人{victim}，致其{hurt}。经临江市公安局物证鉴定所鉴定，被害人{victim}的损伤程度为{injury}。",
                    spot(rng)
                ),
                gr,
            )
        }
        "帮助信息网络犯罪活动" => {
            let cards = rng.range(1, 6);
            let flow = 20 + (g * g * 900.0) as i64;
            let (what, unit) = rng.pick(&[("银行卡", "张"), ("电话卡", "张"), ("微信账号", "个"), ("对公账户", "个")]);
            (
                format!(
                    "{t}起，{who}明知他人利用信息网络实施犯罪，仍将本人名下的{cards}{unit}{what}以每{unit}人民币{}元的价格出售给他人使用。经查，上述账户被用于接收电信网络诈骗资金，支付结算金额累计人民币{}万元，其中查实被害人{victim}等人被骗资金人民币{}万元。{who}从中获利人民币{}。",
                    rng.range(5, 30) * 100,
                    flow,
                    (flow as f64 * rng.unit() * 0.3).max(3.0) as i64,
                    yuan(cards * rng.range(3, 20) * 100)
                ),
                (flow as f64 / 900.0).min(1.0),
            )
        }
        "走私、贩卖、运输、制造毒品" => {
            let grams = (0.2 + g * g * g * 60.0 * 10.0).round() / 10.0;
            let drug = rng.pick(&["甲基苯丙胺（冰毒）", "海洛因", "甲基苯丙胺片剂（麻古）", "氯胺酮"]);
            (
                format!(
                    "{t}，{who}在{place}{}，以人民币{}的价格向吸毒人员{victim}贩卖{drug}{grams}克，交易完成后被公安民警当场抓获，当场从其身上查获{drug}{}克。经临江市公安局物证鉴定所鉴定，上述毒品检出{}成分。",
                    spot(rng),
                    yuan(((grams * 300.0) as i64 / 50 * 50).max(100)),
                    ((rng.unit() * 5.0 * 10.0).round() / 10.0).max(0.1),
                    if drug.contains("海洛因") { "海洛因" } else if drug.contains("氯胺酮") { "氯胺酮" } else { "甲基苯丙胺" }
                ),
                (grams / 50.0).min(1.0),
            )
        }
        "寻衅滋事" => {
            let act = rng.pick(&[
                "酒后无故辱骂并殴打店主",
                "以对方“看不顺眼”为由，持椅子随意殴打他人",
                "强行索要店内财物未果后，砸毁店内玻璃门及收银台",
                "在公共场所起哄闹事，造成公共场所秩序严重混乱",
                "多次向他人强拿硬要香烟、酒水",
            ]);
            (
                format!("{t}，{who}在{place}{}{act}，致被害人{victim}轻微伤，造成财物损失价值人民币{}。", spot(rng), yuan(rng.range(5, 80) * 100)),
                g * 0.6,
            )
        }
        "交通肇事" => {
            let (result, gr) = rng.pick(&[("被害人经抢救无效死亡", 0.5), ("被害人当场死亡", 0.6), ("被害人重伤", 0.3), ("致二人死亡", 0.9)]);
            let duty = rng.pick(&["全部责任", "主要责任", "全部责任"]);
            let escape = rng.chance(0.15);
            (
                format!(
                    "{t}，{who}驾驶{}沿临江市{}{}行驶至路口时，{}，与被害人{victim}驾驶的电动自行车发生碰撞，{result}。{}经临江市公安局交通警察支队认定，{who}负事故{duty}。",
                    rng.pick(&["小型轿车", "重型半挂牵引车", "轻型货车", "小型普通客车"]),
                    d.name,
                    rng.pick(places(d)),
                    rng.pick(&["未按规定减速让行", "超速行驶", "驾驶时使用手机", "闯红灯", "未保持安全车距"]),
                    if escape { format!("事故发生后，{who}驾车逃离现场，次日到公安机关投案。") } else { format!("事故发生后，{who}拨打报警电话并在现场等候处理。") }
                ),
                if escape { (gr + 0.3f64).min(1.0) } else { gr },
            )
        }
        "开设赌场" => {
            let take = 5000 + (g * g * 300000.0) as i64;
            let how = match rng.range(0, 3) {
                0 => format!("在{place}一出租屋内设置赌台，组织他人以“推牌九”方式赌博"),
                1 => "建立微信群，组织群成员以抢红包方式进行赌博".to_string(),
                2 => format!("在其位于{place}经营的棋牌室内组织他人以“斗地主”方式赌博"),
                _ => "利用境外赌博网站的代理账号，招揽他人参赌".to_string(),
            };
            (format!("{t}起，{who}{how}，从中抽头渔利，累计抽头获利人民币{}，参赌人员达{}人次。", yuan(take), rng.range(20, 600)), (take as f64 / 200000.0).min(1.0))
        }
        "掩饰、隐瞒犯罪所得、犯罪所得收益" => {
            let amount = 2000 + (g * g * 200000.0) as i64;
            let what = rng.pick(&["他人盗窃所得的电动自行车", "他人盗窃所得的手机", "他人诈骗所得的资金", "他人盗窃所得的电缆线"]);
            (
                format!("{t}起，{who}在{place}，明知是{what}，仍以明显低于市场价格的价格予以收购、转卖，或提供银行账户协助转移，涉案金额共计人民币{}。", yuan(amount)),
                (amount as f64 / 150000.0).min(1.0),
            )
        }
        "抢劫" => {
            let amount = 200 + (g * g * 50000.0) as i64;
            let how = rng.pick(&["持水果刀威胁", "采用捂嘴、推搡等暴力手段", "以殴打相威胁", "驾驶摩托车尾随后强行拉扯"]);
            (
                format!("{t}，{who}在{place}{}，{how}被害人{victim}，劫得其现金及手机等财物，共计价值人民币{}。", spot(rng), yuan(amount)),
                0.3 + (amount as f64 / 50000.0).min(0.7),
            )
        }
        "容留他人吸毒" => (
            format!("{t}，{who}在其位于{place}的住处，{}次容留{victim}等人吸食甲基苯丙胺（冰毒）。", rng.range(2, 5)),
            g * 0.6,
        ),
        "信用卡诈骗" => {
            let amount = 10000 + (g * g * 300000.0) as i64;
            (
                format!("{t}起，{who}使用其名下招商银行、建设银行信用卡透支消费，经发卡银行两次以上催收后超过三个月仍不归还，透支本金共计人民币{}。", yuan(amount)),
                (amount as f64 / 300000.0).min(1.0),
            )
        }
        "合同诈骗" | "非法吸收公众存款" | "职务侵占" | "挪用资金" => {
            let amount = 50000 + (g * g * 5000000.0) as i64;
            let body = match charge {
                "合同诈骗" => format!("在签订、履行建材购销合同过程中，以虚假的工程项目为担保，骗取被害单位临江市某建材有限公司货物价值人民币{}", yuan(amount)),
                "非法吸收公众存款" => format!("以临江市某投资咨询有限公司名义，通过发放传单、召开推介会等方式，承诺年化收益12%至18%，向社会不特定公众吸收资金共计人民币{}，涉及集资参与人{}人", yuan(amount), rng.range(30, 400)),
                "职务侵占" => format!("利用担任临江市某物流有限公司仓库管理员的职务便利，将公司货物私自变卖，侵占公司财物共计人民币{}", yuan(amount / 5)),
                _ => format!("利用担任临江市某贸易有限公司出纳的职务便利，挪用公司资金人民币{}用于个人投资，超过三个月未还", yuan(amount / 3)),
            };
            (format!("{t}起，{who}{body}。"), (amount as f64 / 5000000.0).min(1.0))
        }
        "故意杀人" => (
            format!(
                "{t}，{who}在{place}{}{}，持{}朝被害人{victim}胸腹部连续捅刺，致其{}。",
                spot(rng),
                rng.pick(&["因感情纠纷", "因债务纠纷", "因长期家庭矛盾"]),
                rng.pick(&["菜刀", "水果刀", "匕首"]),
                rng.pick(&["失血性休克死亡", "经抢救无效死亡", "重伤（未遂）"])
            ),
            0.5 + g * 0.5,
        ),
        _ => {
            let amount = 1000 + (g * g * 200000.0) as i64;
            (
                format!(
                    "{t}，{who}在{place}{}实施{charge}犯罪行为，{}，涉案金额人民币{}。{}",
                    spot(rng),
                    rng.pick(&["经群众举报案发", "被公安机关在工作中发现", "经被害人报案后案发", "经有关部门移送线索后案发"]),
                    yuan(amount),
                    rng.pick(&["到案后如实供述了主要犯罪事实。", "到案后拒不供认。", "案发后主动投案。", ""])
                ),
                g,
            )
        }
    };
    Facts { text, gravity: gravity.clamp(0.0, 1.0) }
}

/// Title of a case: `张伟盗窃案`, `王强等3人开设赌场案`.
pub fn title(ps: &[Suspect], charge: &str) -> String {
    if ps.len() == 1 { format!("{}{charge}案", ps[0].name) } else { format!("{}等{}人{charge}案", ps[0].name, ps.len()) }
}
