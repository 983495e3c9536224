//! Entities of theft (and drug) case text: suspects, victims, stolen money, appraised value,
//! gains, stolen items, tools, times, places, organisations.
//!
//! Rules over the character sequence, anchored on the cue words judgments use (被告人, 被害人,
//! 价值, 窃得, 经…鉴定); gazetteers (drug names, tool words) come from the training material.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Reason;

pub const TYPES: [&str; 10] = ["犯罪嫌疑人", "受害人", "被盗货币", "物品价值", "盗窃获利", "被盗物品", "作案工具", "时间", "地点", "组织机构"];

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EntityModel {
    /// Drug names seen in the drug-case training paragraphs.
    pub drugs: Vec<String>,
    /// Tool words.
    pub tools: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Entities {
    pub by_type: BTreeMap<String, Vec<String>>,
    pub reasons: Vec<Reason>,
}

const BREAK: &str = "，。；;,：:！？、（）()\n";
const PLACE_CUE: &[&str] = &["窜至", "窜到", "来到", "走至", "走到", "行至", "进入", "潜入", "在", "至", "到", "于"];
const PLACE_WORDS: &[&str] = &["市", "县", "区", "镇", "乡", "村", "路", "街", "店", "小区", "公司", "门口", "楼", "处", "旁", "内", "附近", "超市", "宿舍", "家", "厂", "场", "院", "室", "房", "号", "巷", "道", "上", "田", "站", "园"];
const STEAL_VERBS: &[&str] = &["窃得", "盗得", "盗走", "偷走", "窃走", "盗取", "窃取", "偷得", "扒窃", "盗窃了", "拿走", "偷了", "盗窃"];
const ORG_SUFFIX: &[&str] = &["公安局", "派出所", "公安机关", "价格认证中心", "认证中心", "检测中心", "鉴定中心", "事务所", "人民检察院", "人民法院", "检察院", "分局", "公司", "物价局", "中心"];
/// Acts that may stand before an organisation's name (the name starts after them).
const ORG_ACTS: &[&str] = &["担任", "任职于", "受雇于", "就职于", "供职于", "利用", "盗窃", "窃取", "偷窃", "盗走", "偷走", "进入", "潜入", "窜至", "来到", "前往", "冒充", "联系", "委托", "报警", "报案", "雇佣", "雇用", "入职", "应聘"];
const PERSON_MARKS: &str = "某XＸ×";

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Characters that are not the surname of a masked name although 某/X follows them: place and
/// building words (`某区某路`), units of time, function words, numerals and currency
/// (`人民币XX元`).
const NOT_SURNAME: &str = "区市县镇乡村街巷号楼栋室组省州年月日时分秒以在的为与和其了到至往赴将从向被给由把对上下处用或及等即系约共币元亿千百十一二三四五六七八九零两个次位名称叫若某各每该此辆台部件只条根块粒斤吨犯机";
/// Characters after a masked name that make it a masked place (`某路某号`, `某村×号`).
const NOT_AFTER_NAME: &str = "号路村镇区街巷楼栋室市县乡省小店厂";

/// Whether `ch[k]` can be the surname before 某/X: not a place, time, function or number word,
/// and not after a digit (`50万某` is the anonymised texts' 50万元).
fn could_be_surname(ch: &[char], k: usize) -> bool {
    if NOT_SURNAME.contains(ch[k]) {
        return false;
    }
    // `担任某公司`, `时任某局局长`: 任 ends a word of holding a post
    if ch[k] == '任' && k > 0 && "担主责兼曾现时历出信委聘升调继改".contains(ch[k - 1]) {
        return false;
    }
    // `某路某号`, `街道某社区`, `7、8月间某日`: 路/道/间 end a word here, the surname of a
    // person follows a role or function word
    if "路道间".contains(ch[k]) && k > 0 && (is_cjk(ch[k - 1]) || ch[k - 1].is_ascii_digit() || "*×X".contains(ch[k - 1])) && !"人与和及给向被将把对从同伙、".contains(ch[k - 1]) {
        return false;
    }
    !(k > 0 && (ch[k - 1].is_ascii_digit() || ch[k - 1] == '.' || ('０'..='９').contains(&ch[k - 1])))
}

/// Whether the sentence before `a` speaks of stolen goods (the goods sold are the loot, not
/// the offence itself as in a drug sale).
fn loot_before(ch: &[char], a: usize) -> bool {
    let start = (0..a).rev().find(|&k| "。；\n".contains(ch[k])).map_or(0, |k| k + 1);
    let sent: String = ch[start..a].iter().collect();
    ["盗", "窃", "赃", "偷", "骗", "骑走", "拿走", "推走", "搬走", "开走", "抱走", "扛走"].iter().any(|w| sent.contains(w))
}

/// Whether the person at `a` is who bought goods: `卖给了X`, `卖给废品收购站老板X` (a short
/// description between), `销售给该市场内…公司的X` (a sale verb earlier in the clause, the name
/// after a 的), `收购钢材的X`.
fn buyer_at(ch: &[char], a: usize) -> bool {
    const SALE: &[&str] = &["卖给", "卖与", "卖于", "售给", "售与", "出售给", "销售给", "销赃给", "转卖给", "卖给了"];
    let pre: String = ch[a.saturating_sub(5)..a].iter().collect();
    if SALE.iter().any(|v| pre.ends_with(v)) {
        return loot_before(ch, a);
    }
    let clause_start = (0..a).rev().find(|&k| "，。；,;\n".contains(ch[k])).map_or(0, |k| k + 1);
    let clause: String = ch[clause_start.max(a.saturating_sub(30))..a].iter().collect();
    // a description between the sale and the name (`卖给废品收购站老板吴某某`), after a theft (the
    // buyer a fraud sells to is whom it deceives: `以27万元出售给了安某某`)
    if let Some((i, v)) = SALE.iter().filter_map(|v| clause.rfind(v).map(|i| (i, v))).max() {
        let between = &clause[i + v.len()..];
        let start = (0..a).rev().find(|&k| "。；\n".contains(ch[k])).map_or(0, |k| k + 1);
        let sent: String = ch[start..a].iter().collect();
        let theft = ["盗", "窃", "偷"].iter().any(|w| sent.contains(w)) && !sent.contains('骗');
        // (a description only: no further act, `卖给他人后又窜至王某某家`)
        let act = ["后", "又", "再", "至", "到", "在", "将", "把", "从", "盗", "窃", "偷", "并", "遂", "被"].iter().any(|w| between.contains(w));
        if between.chars().count() <= 10 && !between.contains(['的', '和', '及', '、']) && !act && theft {
            return true;
        }
    }
    if !pre.ends_with('的') {
        return false;
    }
    clause.contains("收购") || (SALE.iter().any(|v| clause.contains(v)) && loot_before(ch, a))
}

/// Common Chinese surnames (the usual 百家姓 frequency lists), for names written in full.
const SURNAMES: &str = "阎寻字郦过缑芈仉笪訾隗王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由";
/// Characters that follow a name and do not belong to it (function words, adverbs, the verbs
/// that open the act).
const NAME_STOP: &str = "处时了家车屋字在于将从向与和及等到因被把已对系为是供称持伙携驾骑窜来乘趁经用以无的之均又再先后共也还则即所并便遂就都才亦曾正仍已不系因、，。；：:（(）)“”\n";
/// Role words a full name may follow.
const ROLE_WORDS: &[&str] = &["犯罪嫌疑人", "被告人", "被害人", "受害人", "嫌疑人", "失主", "同案人", "伙同", "结伙"];

/// Whether `w` is a dictionary word other than a person's name (jieba's dictionary and tags).
fn common_word(w: &[char]) -> bool {
    let w: String = w.iter().collect();
    // words of the record after a role word (`被害人陈述`, which jieba tags as a name)
    if ["陈述", "供述", "辩解", "证言", "家属", "亲属", "身份", "住处", "住所", "户籍", "本人", "一方"].contains(&w.as_str()) {
        return true;
    }
    let j = crate::jieba();
    j.has_word(&w) && j.tag(&w, false).first().is_some_and(|t| t.word == w && t.tag != "nr")
}

/// Whether `ch[j]`, after `X某`, is the kept last character of a given name: a character that
/// is not a function word, and that ends the name where the next one cannot go on with it
/// (`李某玲驾驶`, `胡某康、`; not `曾某采用`, `张某归还`, `李某说`).
fn given_name_char(ch: &[char], j: usize) -> bool {
    let Some(&c) = ch.get(j) else { return false };
    if !is_cjk(c) || NAME_STOP.contains(c) || PERSON_MARKS.contains(c) || NOT_AFTER_NAME.contains(c) {
        return false;
    }
    if ch.get(j + 1).is_some_and(|n| is_cjk(*n) && !NAME_STOP.contains(*n)) {
        return false;
    }
    let j2 = crate::jieba();
    if let Some(n) = ch.get(j + 1)
        && j2.has_word(&format!("{c}{n}"))
    {
        return false;
    }
    let w = c.to_string();
    let tag = j2.tag(&w, false).first().map(|t| t.tag.to_string()).unwrap_or_default();
    !["v", "d", "p", "c", "u", "r", "m", "q", "f", "vd", "ad", "a"].contains(&tag.as_str())
}

/// Names written in full after a role word (`被告人武传伟`, `被害人李明`, `被告人张1`), and
/// their other mentions in the text.
fn find_full_names(ch: &[char]) -> Vec<(usize, usize)> {
    let mut names: Vec<Vec<char>> = Vec::new();
    for i in 0..ch.len() {
        for role in ROLE_WORDS {
            if !starts_with(ch, i, role) {
                continue;
            }
            let k = i + role.chars().count();
            if k + 1 >= ch.len() || !SURNAMES.contains(ch[k]) || PERSON_MARKS.contains(ch[k + 1]) {
                break;
            }
            let stop = |c: Option<&char>| c.is_none_or(|c| !is_cjk(*c) || NAME_STOP.contains(*c));
            let digits = ch[k + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            let len = if digits > 0 {
                // `被告人张1`, not `被告人于2012年`
                // (`被告人刘1某`: the CAIL texts' digit, then the mask)
                let marks = ch[k + 1 + digits..].iter().take_while(|c| PERSON_MARKS.contains(**c)).count().min(2);
                if digits <= 2 && ch.get(k + 1 + digits).is_none_or(|c| !"年月日时分号岁".contains(*c)) { 1 + digits + marks } else { 0 }
            } else if NAME_STOP.contains(ch[k + 1]) || !is_cjk(ch[k + 1]) {
                0
            } else if !stop(ch.get(k + 2)) && stop(ch.get(k + 3)) {
                3
            } else if stop(ch.get(k + 2)) {
                2
            } else {
                0
            };
            // a dictionary word that is not a person's name (`被害人位置`, `被告人何时`)
            let len = if len >= 2 && common_word(&ch[k..k + len]) { 0 } else { len };
            if len > 0 && !names.iter().any(|n| n[..] == ch[k..k + len]) {
                names.push(ch[k..k + len].to_vec());
            }
            break;
        }
    }
    let mut out = Vec::new();
    for n in &names {
        let mut i = 0;
        while i + n.len() <= ch.len() {
            if ch[i..i + n.len()] == n[..] && !(n.last().unwrap().is_ascii_digit() && ch.get(i + n.len()).is_some_and(|c| c.is_ascii_digit())) {
                out.push((i, i + n.len()));
                i += n.len();
            } else {
                i += 1;
            }
        }
    }
    out
}

/// Anonymised names: a surname followed by 某/X/× marks and an optional digit (黄某某, 王某1, 刘XX).
fn find_names(ch: &[char]) -> Vec<(usize, usize)> {
    // `X某Y` names seen with their kept character somewhere: every `X某Y` is that name
    let mut full: Vec<Vec<char>> = Vec::new();
    for j in 2..ch.len() {
        if ch[j - 1] == '某' && is_cjk(ch[j - 2]) && !PERSON_MARKS.contains(ch[j - 2]) && (j < 3 || !PERSON_MARKS.contains(ch[j - 3])) && could_be_surname(ch, j - 2) && given_name_char(ch, j) {
            full.push(ch[j - 2..=j].to_vec());
        }
    }
    let mut out = Vec::new();
    let mut i = 1;
    while i < ch.len() {
        if PERSON_MARKS.contains(ch[i]) && is_cjk(ch[i - 1]) && !PERSON_MARKS.contains(ch[i - 1]) && !"被人告该某".contains(ch[i - 1]) && could_be_surname(ch, i - 1) {
            let start = i - 1;
            let mut j = i;
            while j < ch.len() && PERSON_MARKS.contains(ch[j]) && j - start < 3 {
                j += 1;
            }
            // `构成××罪`, `实施××时`: the anonymised texts mask a charge with ××, after a word
            // names masked with X/× (no 某) need a common surname (`湘××` is a number plate,
            // `局××` a masked word)
            let masked_word = ch[i..j].iter().all(|c| *c == '×') && ((start > 0 && is_cjk(ch[start - 1]) && crate::jieba().has_word(&s(ch, start - 1, start + 1))) || ch.get(j) == Some(&'罪'));
            if masked_word || (ch[i..j].iter().all(|c| *c != '某') && !SURNAMES.contains(ch[start])) {
                i = j;
                continue;
            }
            if j < ch.len() && ch[j - 1] == '某' && "甲乙丙丁戊".contains(ch[j]) {
                j += 1;
            } else if j == start + 2 && ch[j - 1] == '某' && (given_name_char(ch, j) || full.iter().any(|f| ch[start..].starts_with(&f[..]))) {
                // the given name's last character kept by the masking (`李某玲`, `胡某康`)
                j += 1;
            }
            while j < ch.len() && ch[j].is_ascii_digit() {
                j += 1;
            }
            // `某路某号`, `某村×号`, `区某小区`: a masked place name, not a person
            if j < ch.len() && NOT_AFTER_NAME.contains(ch[j]) {
                i = j;
                continue;
            }
            out.push((start, j));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

fn s(ch: &[char], a: usize, b: usize) -> String {
    ch[a..b].iter().collect()
}

fn ends_with(ch: &[char], end: usize, w: &str) -> bool {
    let w: Vec<char> = w.chars().collect();
    end >= w.len() && ch[end - w.len()..end] == w[..]
}

fn starts_with(ch: &[char], start: usize, w: &str) -> bool {
    let w: Vec<char> = w.chars().collect();
    start + w.len() <= ch.len() && ch[start..start + w.len()] == w[..]
}

/// Date and time expressions starting with a year or month number.
fn find_times(ch: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < ch.len() {
        if ch[i].is_ascii_digit() && (i == 0 || !ch[i - 1].is_ascii_digit()) {
            let mut j = i;
            while j < ch.len() && ch[j].is_ascii_digit() {
                j += 1;
            }
            if j < ch.len() && (ch[j] == '年' || ch[j] == '月') && (ch[j] != '年' || j - i == 4) {
                // the date's further numbers and words, lists of months (`2014年7、8月间`) too
                let k = extend_time(ch, j + 1, "月日时分号点", DATE_WORDS, true);
                if is_time_of_offence(ch, k) {
                    out.push((i, k));
                }
                i = k;
                continue;
            }
            i = j;
        } else if let Some(w) = RELATIVE_DAYS.iter().find(|w| starts_with(ch, i, w)) {
            // `次日凌晨`, `当日17时许`: a day told from the one before, with its hour
            let start = i + w.chars().count();
            let k = extend_time(ch, start, "时分点", DAY_PARTS, false);
            if k > start && is_time_of_offence(ch, k) {
                out.push((i, k));
            }
            i = k.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// The end of a time expression continuing at `k`: numbers followed by one of `units`, or one
/// of `words` (the longest listed first where one contains another), as long as either follows;
/// with `month_lists`, `7、8月` too.
fn extend_time(ch: &[char], mut k: usize, units: &str, words: &[&str], month_lists: bool) -> usize {
    loop {
        let before = k;
        while k < ch.len() && ch[k].is_ascii_digit() {
            k += 1;
        }
        if k > before && k < ch.len() && units.contains(ch[k]) {
            k += 1;
            continue;
        }
        if month_lists && k > before && k + 1 < ch.len() && ch[k] == '、' && ch[k + 1].is_ascii_digit() {
            k += 1;
            continue;
        }
        // a range's end in another year (`2016年1月至2017年6月`)
        if k - before == 4 && k < ch.len() && ch[k] == '年' && before > 0 && ch[before - 1] == '至' {
            k += 1;
            continue;
        }
        k = before;
        match words.iter().find(|w| starts_with(ch, k, w)) {
            Some(w) => k += w.chars().count(),
            None => return k,
        }
    }
}

/// Whether a time expression ending at `k` is the offence's: the dates of the arrest or of the
/// return of goods are not.
fn is_time_of_offence(ch: &[char], k: usize) -> bool {
    let next: String = ch[k..(k + 16).min(ch.len())].iter().collect();
    !["民警", "公安", "抓获", "归案", "发还"].iter().any(|w| next.contains(w))
}

/// What may follow a date's numbers (`某日`, `春节前后`, `底的一天`, `许`…), longer words first.
const DATE_WORDS: &[&str] = &["某日", "某天", "某晚", "某夜", "春节前后", "春节期间", "春节前", "春节后", "春节", "春季", "夏季", "秋季", "冬季", "春天", "夏天", "秋天", "冬天", "春", "夏", "秋", "冬", "份期间", "份的一天", "份", "之间", "夜", "多", "底的一天", "初的一天", "中旬的一天", "的一天", "左右", "许", "间", "期间", "凌晨", "上午", "中午", "下午", "晚上", "傍晚", "深夜", "夜间", "晚", "早上", "底", "初", "中旬", "下旬", "上旬", "至"];

/// Days told from the day before (`次日`, `当日`).
const RELATIVE_DAYS: &[&str] = &["次日", "当日", "同日", "当天", "翌日", "第二天", "次日的"];
/// Parts of a day.
const DAY_PARTS: &[&str] = &["凌晨", "上午", "中午", "下午", "晚上", "傍晚", "深夜", "夜间", "早上", "清晨", "晚", "夜", "许", "左右"];

/// Items listed after a theft verb at `from`: up to the end of the clause (，。；), parenthetical
/// remarks skipped, split on 、/及/和, each without a leading 被害人 or location, money left out.
fn item_list(ch: &[char], from: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut j = from;
    let mut depth = 0;
    let mut seg_start = from;
    let push = |a: usize, b: usize, out: &mut Vec<(usize, usize)>| {
        let mut a = a;
        for p in ["被害人", "了", "其"] {
            if starts_with(ch, a, p) {
                a += p.chars().count();
            }
        }
        let mut b = b;
        while b > a && (ch[b - 1] == '后' || ch[b - 1] == '等') {
            b -= 1;
        }
        let a = strip_location(ch, a, b);
        let text: String = ch[a..b].iter().collect();
        if b > a + 1 && !text.contains('元') && !text.contains("财物") {
            out.push((a, b));
        }
    };
    while j < ch.len() && j - from < 80 {
        let c = ch[j];
        if c == '（' || c == '(' {
            // a remark (`（经鉴定价值人民币2550元）`) ends the item; a model name continues it
            let close = (j..ch.len().min(j + 40)).find(|&k| ch[k] == '）' || ch[k] == ')').unwrap_or(j);
            let inner: String = ch[j..close].iter().collect();
            let remark = close == j || ["元", "价值", "鉴定", "经", "已", "估价", "价格"].iter().any(|w| inner.contains(w));
            if !remark && depth == 0 {
                j = close + 1;
                continue;
            }
            if depth == 0 && seg_start != usize::MAX && j > seg_start {
                push(seg_start, j, &mut out);
                seg_start = usize::MAX;
            }
            depth += 1;
        } else if c == '）' || c == ')' {
            depth -= 1;
            if depth <= 0 {
                depth = 0;
            }
        } else if depth == 0 {
            if "，。；;,\n：:".contains(c) {
                break;
            }
            // the item ends where the clause goes on (`…电缆线时被人发现`, `…电动机至赣州市`)
            if j > from && ["时", "后卖", "卖给", "卖至", "至", "后", "的三轮", "以", "并"].iter().any(|w| starts_with(ch, j, w)) && seg_start != usize::MAX && j > seg_start + 1 {
                push(seg_start, j, &mut out);
                seg_start = usize::MAX;
                break;
            }
            if c == '、' || c == '及' || c == '和' {
                if seg_start != usize::MAX && j > seg_start {
                    push(seg_start, j, &mut out);
                }
                seg_start = j + 1;
            } else if seg_start == usize::MAX {
                // text after a parenthesis that is not a new item: ignore until the next 、
            }
        }
        j += 1;
    }
    if seg_start != usize::MAX && j > seg_start {
        push(seg_start, j.min(ch.len()), &mut out);
    }
    out
}

/// Drop a leading location modifier of an object: `放在…的`, `…上的`, `眉山市…楼顶`, and the
/// 的 it leaves (`机井屋内的铜线` → `铜线`).
fn strip_location(ch: &[char], a: usize, b: usize) -> usize {
    let k = strip_location_words(ch, a, b);
    if k > a && k + 1 < b && ch[k] == '的' { k + 1 } else { k }
}

fn strip_location_words(ch: &[char], a: usize, b: usize) -> usize {
    let ph = &ch[a..b];
    // `该套房配电箱内电线三根`
    if let Some(d) = ph.iter().rposition(|c| *c == '内')
        && d >= 2 && d + 3 < ph.len() && !ph[..d].contains(&'的') && ph[d + 1] != '有'
    {
        return a + d + 1;
    }
    if let Some(d) = ph.iter().rposition(|c| *c == '的') {
        let head: String = ph[..d].iter().collect();
        if d + 2 < ph.len() && (head.contains('在') || ["上", "内", "里", "中", "处", "村", "区", "组", "店", "楼", "房", "室"].iter().any(|w| head.ends_with(w))) {
            return a + d + 1;
        }
    }
    let text: String = ph.iter().collect();
    let head: String = ph.iter().take(6).collect();
    if head.contains('市') || head.contains('县') || head.contains('区') {
        for w in ["楼顶", "楼下", "门口", "门前", "院内", "室内", "店内", "”", "厂", "处"] {
            if let Some(p) = text.rfind(w) {
                let e = text[..p].chars().count() + w.chars().count();
                if e + 2 <= ph.len() {
                    return a + e;
                }
            }
        }
    }
    a
}

/// Words that begin the act after a place (`在…门口看到…`, `到…房间要求…`, `在…路边以…元卖给`).
const PLACE_STOP: &[&str] = &[
    "盗窃", "窃得", "窃取", "盗取", "盗得", "盗走", "趁", "见", "看到", "看见", "发现", "将", "把", "从", "采用", "采取", "用", "扒", "撬", "拿", "偷", "时", "的机会", "之机", "以", "向", "被", "要求", "并",
    "布置", "查看", "实施", "作案", "物色", "寻找", "伺机", "准备", "进行", "上班", "工作", "打工", "玩", "吃饭", "休息", "睡觉", "购物", "贩卖", "出售", "购买", "吸食", "交易", "容留", "卖", "对", "因", "与", "持", "携带", "驾驶", "骑", "翻", "攀爬", "剪", "割", "拆", "等候", "等待", "先后", "多次", "然后",
];

/// Nouns a place phrase ends with (`…门口`, `…小区内`, `…村`, `…8213号房间`).
const PLACE_TAIL: &[&str] = &[
    "门口", "门前", "楼顶", "楼下", "路口", "附近", "对面", "旁边", "房间", "车库", "车棚", "宾馆", "酒店", "基站", "社区", "广场", "市场", "小区", "宿舍", "超市", "公司",
    "工地", "场地", "商铺", "仓库", "网吧", "网咖", "弄堂", "出租屋",
    "市", "县", "区", "镇", "乡", "村", "组", "路", "街", "巷", "道", "号", "店", "楼", "房", "屋", "室", "厅", "馆", "院", "厂", "场", "站", "园", "田", "家", "处", "内", "外", "里", "旁", "边", "侧", "下", "上", "中", "前", "后",
    "铺", "库", "棚", "所", "城", "厦", "庄", "苑", "口", "桥", "河", "山", "湾",
];

/// The end of a place phrase `from..end`: just after its last place noun, or `end` when none.
fn place_tail(ch: &[char], from: usize, end: usize) -> usize {
    let mut e = end;
    while e > from + 1 {
        if PLACE_TAIL.iter().any(|w| ends_with(&ch[..e], e, w) && e >= from + w.chars().count()) {
            return e;
        }
        e -= 1;
    }
    end
}

/// Verbs after `将…` that say the object was taken or recovered.
const TAKE_VERBS: &[&str] = &["盗走", "窃走", "偷走", "拿走", "骑走", "开走", "推走", "搬走", "抱走", "扛走", "带走", "盗窃", "窃取", "盗取", "缴获", "追回", "发还", "返还", "退还"];
/// Verbs of where the victim had left the object (`被害人…停放在…的一辆电动车`).
const PLACED: &[&str] = &["停放", "停在", "放在", "放置", "摆放", "存放", "放于", "挂在", "锁在", "遗忘", "遗落", "晾在", "晾晒"];

/// The objects of `将 … 盗走`: the text from `from` up to a taking verb in the same clause,
/// remarks in brackets (`（经鉴定价值人民币350元）`) skipped, a list split on 、/和/及, each
/// without the victim's placing (`被害人…停放在此处的`) or a leading location; money left out.
fn taken_objects(ch: &[char], from: usize) -> Vec<(usize, usize)> {
    let mut segs: Vec<(usize, usize)> = Vec::new();
    let mut seg_start = from;
    let mut depth = 0;
    let mut j = from;
    let mut verb_at = None;
    let mut manner_at: Option<usize> = None;
    while j < ch.len() && j - from < 80 {
        let c = ch[j];
        if c == '（' || c == '(' {
            if depth == 0 && j > seg_start {
                segs.push((seg_start, j));
            }
            depth += 1;
        } else if c == '）' || c == ')' {
            depth = (depth - 1).max(0);
            if depth == 0 {
                seg_start = j + 1;
            }
        } else if depth == 0 {
            if "，。；;,\n：:".contains(c) {
                break;
            }
            if TAKE_VERBS.iter().any(|v| starts_with(ch, j, v)) {
                verb_at = Some(j);
                break;
            }
            // the manner between the object and the verb (`…电动车以强行扳开车头锁的方式盗走`)
            if j > seg_start + 1 && ["以", "采用", "采取", "通过", "用"].iter().any(|w| starts_with(ch, j, w)) && manner_at.is_none() {
                manner_at = Some(j);
            }
            // `约八、九个`: a range of numbers, not a list
            let range = c == '、' && j > from && crate::numerals::is_cn_numeral_char(ch[j - 1]) && ch.get(j + 1).is_some_and(|n| crate::numerals::is_cn_numeral_char(*n));
            if (c == '、' || c == '和' || c == '及') && !range {
                if j > seg_start {
                    segs.push((seg_start, j));
                }
                segs.push((j, j)); // an item boundary
                seg_start = j + 1;
            }
        }
        j += 1;
    }
    let Some(p) = verb_at else { return Vec::new() };
    let p = manner_at.unwrap_or(p);
    segs.retain(|x| x.1 <= p);
    if p > seg_start && depth == 0 {
        segs.push((seg_start, p));
    }
    // join the pieces of one item around a bracketed remark, split at the boundaries
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut cur: Option<(usize, usize)> = None;
    for (a, b) in segs {
        if a == b {
            if let Some(x) = cur.take() {
                items.push(x);
            }
        } else {
            // text after a remark that belongs to the item (`电视机（型号…）一台`) stays, a
            // remark's tail alone does not start a new item
            cur = Some(match cur {
                Some((ca, _)) if ca < a => (ca, b),
                _ => (a, b),
            });
        }
    }
    if let Some(x) = cur {
        items.push(x);
    }
    let mut out = Vec::new();
    for (k, (a, b)) in items.into_iter().enumerate() {
        let mut a = a;
        if k == 0 && ch[a] == '其' {
            a += 1;
        }
        let a = strip_placed(ch, a, b);
        let a = strip_location(ch, a, b);
        // adverbs before the verb (`…硬币全部盗走`, `查获手机依法返还`)
        let mut b = b;
        for w in ["全部", "依法", "一并", "分别", "均", "都", "已"] {
            if b > a + w.chars().count() && ends_with(ch, b, w) {
                b -= w.chars().count();
                break;
            }
        }
        let text = s(ch, a, b);
        // money is no item, counted coins are (`340余枚一元面额硬币`)
        let money = text.contains('元') && !text.contains("面额") && !text.contains("面值") && !text.contains('枚');
        if b > a && !money && !text.contains("财物") {
            out.push((a, b));
        }
    }
    out
}

/// The object of `将该电动车骑走` as the sentence first named it (`看见被害人…停放的一辆白色雅迪
/// 二轮电动车…将该电动车骑走`): the earlier, longer mention that ends with the same noun, from
/// its count or after its 的.
fn earlier_mention(ch: &[char], a: usize, b: usize) -> Option<(usize, usize)> {
    let a0 = if ch[a] == '该' { a + 1 } else { a };
    let noun: String = ch[a0..b].iter().collect();
    if noun.chars().count() < 2 || noun.chars().any(|c| c.is_ascii_digit() || crate::numerals::is_cn_numeral_char(c)) {
        return None;
    }
    let start = (0..a).rev().find(|&k| "。；;\n".contains(ch[k])).map_or(0, |k| k + 1);
    let before: String = ch[start..a].iter().collect();
    let q = before.rfind(noun.as_str())?;
    let end = start + before[..q].chars().count() + noun.chars().count();
    let mut from = end - noun.chars().count();
    while from > start && end - from < 16 && !"的，,、（）()：:".contains(ch[from - 1]) {
        from -= 1;
    }
    (end - from > noun.chars().count() && ch[from] != '该').then_some((from, end))
}

/// Drop the victim's placing of an object: `被害人邱某某停放的一辆电瓶车` → `一辆电瓶车`.
fn strip_placed(ch: &[char], a: usize, b: usize) -> usize {
    let ph = s(ch, a, b);
    let Some(v) = PLACED.iter().filter_map(|w| ph.rfind(w).map(|p| p + w.len())).max() else { return a };
    let after = &ph[v..];
    if let Some(d) = after.rfind('的') {
        let start = a + ph[..v + d].chars().count() + 1;
        if start + 1 < b {
            return start;
        }
    }
    // `停放在此处一辆…`: from the count
    let chars: Vec<char> = after.chars().collect();
    for (n, w) in chars.windows(2).enumerate() {
        if (crate::numerals::is_cn_numeral_char(w[0]) || w[0].is_ascii_digit()) && "辆台部个件只条块把".contains(w[1]) {
            return a + ph[..v].chars().count() + n;
        }
    }
    a
}

fn clause_end(ch: &[char], from: usize, max: usize) -> usize {
    let mut j = from;
    while j < ch.len() && j - from < max && !BREAK.contains(ch[j]) {
        j += 1;
    }
    j
}

impl EntityModel {
    pub fn extract(&self, text: &str) -> Entities {
        let text = &*crate::unescape_html(text);
        let ch: Vec<char> = text.chars().collect();
        let mut found: Vec<(&'static str, usize, usize)> = Vec::new();
        let mut reasons = Vec::new();

        // persons: names joined by 、 share one role, decided by the words before the first
        // and after the last
        let mut names = find_names(&ch);
        for (a, b) in find_full_names(&ch) {
            if !names.iter().any(|n| n.0 < b && a < n.1) {
                names.push((a, b));
            }
        }
        names.sort();
        let mut suspects: Vec<String> = Vec::new();
        let mut g = 0;
        while g < names.len() {
            let mut h = g;
            while h + 1 < names.len() && names[h].1 < ch.len() && ch[names[h].1] == '、' && names[h + 1].0 == names[h].1 + 1 {
                h += 1;
            }
            let (a, _) = names[g];
            let (_, b) = names[h];
            let name = s(&ch, names[g].0, names[g].1);
            let pre: String = ch[a.saturating_sub(5)..a].iter().collect();
            let post: String = ch[b..(b + 4).min(ch.len())].iter().collect();
            let kind = if pre.ends_with("被告人") || pre.ends_with("犯罪嫌疑人") || pre.ends_with("被告") {
                "犯罪嫌疑人"
            } else if pre.ends_with("被害人") || pre.ends_with("受害人") || pre.ends_with("害人") {
                "受害人"
            } else if ["伙同", "结伙", "同案犯", "违法行为人", "指使"].iter().any(|v| pre.ends_with(v))
                || ["（已判决", "（另案", "（均已", "（已", "(已", "(另案", "等人", "共同", "结伙", "经预谋", "预谋", "先后", "独自", "驾车", "遂"].iter().any(|v| post.starts_with(v))
                || suspects.contains(&name)
            {
                "犯罪嫌疑人"
            } else if ["民警", "证人"].iter().any(|v| pre.ends_with(v)) || buyer_at(&ch, a) {
                // the buyer of the loot, a police officer, a witness: neither offender nor victim
                g = h + 1;
                continue;
            } else if ["盗窃", "窃得", "盗走", "盗割", "盗伐", "盗挖", "盗取", "窃取", "扒窃", "偷", "来到", "趁", "伙同", "携带", "窜", "持", "骑", "家属", "将", "又", "再次", "采用", "采取", "使用", "用", "以", "于", "在", "身上", "到", "走", "还"].iter().any(|v| post.starts_with(v))
                && !["失主", "从", "窃得", "盗得", "盗走", "偷走", "窃取", "盗窃", "民警", "抓获"].iter().any(|v| pre.ends_with(v))
            {
                "犯罪嫌疑人"
            } else {
                "受害人"
            };
            for &(a, b) in &names[g..=h] {
                // `黄某某12个`: the digits are a count
                let mut b = b;
                if b < ch.len() && "个只台部辆件条根块把粒包克次元支瓶袋张套双斤吨米万千百亿余多".contains(ch[b]) {
                    while b > a && ch[b - 1].is_ascii_digit() {
                        b -= 1;
                    }
                }
                let n = s(&ch, a, b);
                if kind == "犯罪嫌疑人" {
                    suspects.push(n.clone());
                }
                found.push((kind, a, b));
            }
            g = h + 1;
        }

        // times
        for (a, b) in find_times(&ch) {
            found.push(("时间", a, b));
        }

        // money: value, gains, stolen cash
        for m in crate::numerals::find_money(text) {
            let a = text[..m.start].chars().count();
            let mut b = a + text[m.start..m.end].chars().count();
            if starts_with(&ch, b, "人民币") {
                b += 3;
            }
            let mut start = a;
            if ends_with(&ch, start, "人民币") {
                start -= 3;
            }
            if ends_with(&ch, start, "现金") {
                start -= 2;
            }
            // `300元现金`
            if starts_with(&ch, b, "现金") {
                b += 2;
            }
            let pre: String = ch[start.saturating_sub(8)..start].iter().collect();
            let wide: String = ch[start.saturating_sub(14)..start].iter().collect();
            let post: String = ch[b..(b + 4).min(ch.len())].iter().collect();
            // a denomination (`一元面额硬币`, `340余枚一元硬币`), not a sum of money (`约10元硬币`
            // is one)
            let counted = ch[..start].last().is_some_and(|c| "枚张".contains(*c));
            if ["面额", "面值"].iter().any(|w| post.starts_with(w)) || (counted && ["硬币", "纸币", "钞票"].iter().any(|w| post.starts_with(w))) {
                continue;
            }
            // a sum in coins or notes (`约10元硬币`) is stolen money
            let coins = ["硬币", "纸币"].iter().any(|w| post.starts_with(w));
            if coins {
                b += 2;
                if ends_with(&ch, start, "约") {
                    start -= 1;
                }
            }
            let sold = ["销赃", "卖给", "出售", "的价格", "价格", "卖掉", "变卖"].iter().any(|w| post.starts_with(w));
            // `获得赃款共计32400元`, `退出赃款人民币3.7万元`: the proceeds
            let proceeds = pre.contains("赃款") && !pre.contains("价值");
            // (a value closed by a bracket just before, `价值人民币4800元）`, is no value of cash that
            // follows it: `…（经鉴定价值人民币4800元）及现金人民币1200元`)
            let cash = s(&ch, start, b).contains("现金");
            if sold || proceeds {
                found.push(("盗窃获利", start, b));
            } else if pre.contains("价值") || pre.ends_with("计") || pre.contains("价格") || (wide.contains("价值") && pre.contains('）') && !cash) {
                // value: keep text after 价值 (e.g. 人民币（以下同币种）50元)
                let mut vs = start;
                let mut k = a;
                while k > 0 && a - k < 14 {
                    if ends_with(&ch, k, "价值") || ends_with(&ch, k, "价值共计") || ends_with(&ch, k, "价值为") {
                        vs = k;
                        break;
                    }
                    k -= 1;
                }
                found.push(("物品价值", vs.min(start), b));
            } else if pre.contains("获利") || pre.contains("销赃") || pre.contains("卖得") || pre.contains("得款") || pre.contains("变卖") {
                found.push(("盗窃获利", start, b));
            } else if coins || pre.contains("现金") || s(&ch, start, a).contains("现金") || STEAL_VERBS.iter().any(|v| pre.contains(v)) || pre.contains("内") {
                found.push(("被盗货币", start, b));
            }
        }

        // stolen items: after a theft verb (a list `A、B及C` gives each item), or "将X盗走",
        // or "X价值" subject
        for (i, _) in ch.iter().enumerate() {
            for v in STEAL_VERBS {
                if starts_with(&ch, i, v) {
                    let mut from = i + v.chars().count();
                    // `盗窃价值人民币1000元的黄鹤楼牌香烟1条`: the goods after their value
                    if starts_with(&ch, from, "价值") {
                        let end = clause_end(&ch, from, 24);
                        if let Some(p) = s(&ch, from, end).find("元的") {
                            from += s(&ch, from, end)[..p].chars().count() + 2;
                        }
                    }
                    let end = clause_end(&ch, from, 30);
                    let phrase = s(&ch, from, end);
                    let not_item = ["之", "罪", "行为", "作案", "的", "念", "意", "财物", "他人", "来的", "所得", "完成", "事实", "数额", "既遂", "共计", "后", "次", "得手", "成功"].iter().any(|w| phrase.starts_with(w));
                    if end > from && !phrase.contains('元') && !not_item {
                        let items = item_list(&ch, from);
                        // `盗窃眉山市东坡区**镇**村的联通基站蓄电池12个`: the place the goods were
                        // taken from, when it names an administrative area
                        if let Some(&(first, _)) = items.first() {
                            let mut e = first;
                            if e > from && ch[e - 1] == '的' {
                                e -= 1;
                            }
                            let place = s(&ch, from, e);
                            if e >= from + 4 && ["市", "县", "区", "镇", "乡", "村"].iter().any(|w| place.contains(w)) && !place.contains("被害人") && !place.contains('该') {
                                found.push(("地点", from, e));
                            }
                        }
                        for (a, b) in items {
                            found.push(("被盗物品", a, b));
                        }
                    }
                    break;
                }
            }
            for cue in ["放有", "装有", "内有", "内装"] {
                // not `服装有限公司`; each item of the list (`内有黄金项链1条（价值…）、银项链1条`)
                if starts_with(&ch, i, cue) && ch.get(i + 2) != Some(&'限') {
                    for (a, b) in item_list(&ch, i + 2) {
                        found.push(("被盗物品", a, b));
                    }
                }
            }
            if ch[i] == '将' {
                for (a, b) in taken_objects(&ch, i + 1) {
                    let (a, b) = earlier_mention(&ch, a, b).unwrap_or((a, b));
                    found.push(("被盗物品", a, b));
                }
            }
        }
        // "被盗摩托车已发还", "四台被盗手机"
        let mut k = 0;
        while k + 2 < ch.len() {
            if ch[k] == '被' && ch[k + 1] == '盗' && (is_cjk(ch[k + 2]) || ch[k + 2].is_ascii_alphanumeric()) && !"窃走取得的物".contains(ch[k + 2]) {
                let mut a = k;
                while a > 0 && (crate::numerals::is_cn_numeral_char(ch[a - 1]) || "台部辆个件只条块根".contains(ch[a - 1])) && k - a < 3 {
                    a -= 1;
                }
                if a < k && !crate::numerals::is_cn_numeral_char(ch[a]) {
                    a = k;
                }
                let item_end = |from: usize| {
                    let mut e = from;
                    while e < ch.len() && (is_cjk(ch[e]) || ch[e].is_ascii_alphanumeric()) && e - from < 22 && !BREAK.contains(ch[e]) {
                        if ["已", "经", "价值", "被", "以", "的", "在", "共", "于", "均", "系", "全部", "等", "后", "卖", "发还", "情况", "现", "及", "和"].iter().any(|w| starts_with(&ch, e, w)) {
                            break;
                        }
                        e += 1;
                    }
                    e
                };
                let mut e = item_end(k + 2);
                if e > k + 3 || (e == k + 3 && !"物品财赃".contains(ch[k + 2])) {
                    found.push(("被盗物品", a, e));
                    // further items of the list: `被盗五部手机及棕色皮包均已追回`
                    while e + 1 < ch.len() && "、及和".contains(ch[e]) {
                        let e2 = item_end(e + 1);
                        if e2 < e + 3 {
                            break;
                        }
                        found.push(("被盗物品", e + 1, e2));
                        e = e2;
                    }
                }
                k = e.max(k + 1);
                continue;
            }
            k += 1;
        }

        // the loot named again: `将盗窃来的货车电瓶卖给…` (with its 的-phrase, as written),
        // `将所盗电缆线运走`, `盗窃所得电缆线卖给…` (the goods alone)
        for i in 0..ch.len() {
            for (cue, keep) in [("盗窃所得的", true), ("盗窃来的", true), ("盗窃的", true), ("窃得的", true), ("盗得的", true), ("偷来的", true), ("盗来的", true), ("偷盗的", true), ("所盗的", true), ("盗窃所得", false), ("所盗", false)] {
                if !starts_with(&ch, i, cue) || (i > 0 && ch[i - 1] == '被') {
                    continue;
                }
                let from = i + cue.chars().count();
                let mut e = from;
                while e < ch.len() && (is_cjk(ch[e]) || ch[e].is_ascii_alphanumeric()) && e - from < 16 && !BREAK.contains(ch[e]) {
                    if ["卖", "至", "发还", "返还", "运", "销赃", "已", "被", "以", "均", "藏", "带", "放", "交", "送", "等", "后", "并", "在", "于", "及", "和", "价值", "经", "全部", "共", "折"].iter().any(|w| starts_with(&ch, e, w)) {
                        break;
                    }
                    e += 1;
                }
                let item = s(&ch, from, e);
                let not_goods = ["犯罪", "目标", "行为", "事实", "数额", "财物", "物品", "款", "钱", "赃款", "次数", "金额", "价值"].iter().any(|w| item.starts_with(w)) || item.contains('元');
                if e >= from + 2 && !not_goods {
                    found.push(("被盗物品", if keep { i } else { from }, e));
                }
                break;
            }
        }

        // where the victim had parked the vehicle (`停放在家中车库内的`), not an anaphor (`停放在此`)
        // nor a bare spot (`停车处`)
        for cue in ["停放在", "停放于"] {
            for (p, _) in text.match_indices(cue) {
                let from = text[..p].chars().count() + 3;
                let mut e = from;
                while e < ch.len() && is_cjk(ch[e]) && ch[e] != '的' && e - from < 16 {
                    e += 1;
                }
                let place = s(&ch, from, e);
                let anaphor = ["此", "该", "上述", "那", "这"].iter().any(|w| place.starts_with(w));
                if e >= from + 4 && !anaphor && ["内", "下", "里", "院"].iter().any(|w| place.ends_with(w)) {
                    found.push(("地点", from, e));
                }
            }
        }

        // the loot as the subject of its return: `钢筋已追回并发还被害单位。` (a noun phrase that
        // opens the sentence; not money)
        for cue in ["已追回", "已发还", "已返还", "均已追回", "均已发还"] {
            for (p, _) in text.match_indices(cue) {
                let k = text[..p].chars().count();
                let mut a = k;
                while a > 0 && !"。；;\n，,".contains(ch[a - 1]) && k - a < 12 {
                    a -= 1;
                }
                let subject = s(&ch, a, k);
                let opens = a == 0 || "。；;\n".contains(ch[a - 1]);
                let plain = subject.chars().all(|c| is_cjk(c) || c.is_ascii_alphanumeric()) && subject.chars().count() >= 2;
                let not_goods = ["赃款", "款", "钱", "现金", "财物", "物品", "赃物", "损失", "上述", "部分", "被告人", "被害人"].iter().any(|w| subject.contains(w))
                    || STEAL_VERBS.iter().any(|v| subject.contains(v));
                // (`被盗摩托车`, `所盗赃物` are read by the rules of the loot named again)
                if opens && plain && !not_goods && !subject.contains("盗") && !subject.starts_with('现') {
                    found.push(("被盗物品", a, k));
                }
            }
        }

        // "经鉴定，被盗手机价值…" / "该手机价值…"
        let mut k = 0;
        while k + 1 < ch.len() {
            // a value stated (`价值人民币…元`, `价值2000元`), not `科学研究价值`
            let stated = {
                let after: String = ch[k + 2..(k + 12).min(ch.len())].iter().collect();
                after.chars().take(4).any(|c| c.is_ascii_digit() || crate::numerals::is_cn_numeral_char(c)) || ["人民币", "为", "共", "约", "计", "合计"].iter().any(|w| after.starts_with(w)) || crate::numerals::find_money(&after).first().is_some_and(|m| m.start == 0)
            };
            if ch[k] == '价' && ch[k + 1] == '值' && k > 0 && stated {
                let mut a = k;
                while a > 0 && !BREAK.contains(ch[a - 1]) && k - a < 20 {
                    a -= 1;
                }
                let mut phrase_start = a;
                for p in ["经鉴定", "经", "计", "共计", "上述", "此"] {
                    if starts_with(&ch, phrase_start, p) {
                        phrase_start += p.chars().count();
                    }
                }
                let phrase = s(&ch, phrase_start, k);
                // (`经价格认证中心认定价值…`: the appraiser, not the goods)
                let appraiser = ["认定", "认证", "评估", "估价", "物价", "价格"].iter().any(|w| phrase.contains(w));
                // `…盗窃价值1000元的香烟`: the value of goods named after it, not the clause before
                let act = STEAL_VERBS.iter().any(|v| phrase.ends_with(v));
                if phrase.chars().count() >= 2 && !appraiser && !act && !phrase.contains("鉴定") && !phrase.contains("计") && !phrase.contains("共") {
                    // `涉案手机` → `手机`; `涉案的物品` stays as written
                    let ps = phrase.find("涉案").filter(|p| !phrase[p + "涉案".len()..].starts_with('的')).map(|p| phrase_start + phrase[..p].chars().count() + 2).unwrap_or(phrase_start);
                    found.push(("被盗物品", ps, k));
                } else if phrase.is_empty() && a > 0 && ch[a - 1] == '，' {
                    // a line of a list of the loot: `智日金电动三轮车电瓶2只，价值人民币1080元；`,
                    // the goods a clause of their own that opens the sentence, ending in a count
                    let mut c = a - 1;
                    while c > 0 && !"。；;\n".contains(ch[c - 1]) && a - 1 - c < 30 {
                        c -= 1;
                    }
                    let mut start = c;
                    // a list number (`1、`, `（2）`)
                    while start < a - 1 && (ch[start].is_ascii_digit() || "、.．（）()".contains(ch[start])) {
                        start += 1;
                    }
                    let clause = s(&ch, start, a - 1);
                    let counted = ch[a - 2].is_ascii_digit() || "只个台部辆件条根块把双套张箱瓶袋包".contains(ch[a - 2]) && (a - 3 >= start && (ch[a - 3].is_ascii_digit() || crate::numerals::is_cn_numeral_char(ch[a - 3])));
                    let verb = STEAL_VERBS.iter().chain(["将", "在", "于", "被", "把", "的", "，"].iter()).any(|w| clause.contains(w));
                    if (c == 0 || "。；;\n".contains(ch[c - 1])) && counted && !verb && clause.chars().count() >= 3 {
                        found.push(("被盗物品", start, a - 1));
                    }
                }
            }
            k += 1;
        }

        // tools: after 用/持/使用/携带 (a list `扳手、启子、螺丝刀等工具` as a whole, without a
        // modifier such as `随身携带的`), and the vehicle driven to the scene
        for (i, _) in ch.iter().enumerate() {
            for cue in ["作案工具", "使用", "携带", "用", "持"] {
                if starts_with(&ch, i, cue) {
                    let from = i + cue.chars().count();
                    let end = clause_end(&ch, from, 15);
                    let phrase = s(&ch, from, end);
                    // the tool named first, in its longest form (`刀具`, not `刀`)
                    let first = self.tools.iter().filter_map(|t| phrase.find(t.as_str()).map(|p| (p, std::cmp::Reverse(t.len()), t))).min().map(|x| x.2);
                    if let Some(t) = first
                        && let Some(p) = phrase.find(t.as_str())
                    {
                        let mut e = from + phrase[..p].chars().count() + t.chars().count();
                        let mut st = from;
                        if let Some(d) = ch[from..e].iter().rposition(|c| *c == '的') {
                            st = from + d + 1;
                        }
                        // further tools of a list; the boundaries of `A和B` (two tools,
                        // unless a summary `等工具` makes the list one)
                        let mut joints = Vec::new();
                        loop {
                            if e < ch.len() && (ch[e] == '、' || ch[e] == '和') {
                                let seg_end = clause_end(&ch, e + 1, 8);
                                let seg = s(&ch, e + 1, seg_end);
                                if let Some(t2) = self.tools.iter().find(|t2| seg.contains(t2.as_str())) {
                                    if ch[e] == '和' {
                                        joints.push(e);
                                    }
                                    e = e + 1 + seg[..seg.find(t2.as_str()).unwrap()].chars().count() + t2.chars().count();
                                    continue;
                                }
                            }
                            break;
                        }
                        let summary = if starts_with(&ch, e, "等工具") {
                            3
                        } else if starts_with(&ch, e, "等作案工具") {
                            5
                        } else {
                            0
                        };
                        if summary > 0 {
                            e += summary;
                            joints.clear();
                        }
                        let mut a = st;
                        for j in joints.into_iter().chain(std::iter::once(e)) {
                            if j > a {
                                found.push(("作案工具", a, j));
                            }
                            a = j + 1;
                        }
                        break;
                    }
                    break;
                }
            }
            for cue in ["驾驶", "驾"] {
                // `驾驶的摩托车`: someone's vehicle named by who drove it, no tool
                if starts_with(&ch, i, cue) && !(cue == "驾" && starts_with(&ch, i, "驾驶")) && ch.get(i + cue.chars().count()) != Some(&'的') {
                    let from = i + cue.chars().count();
                    let end = clause_end(&ch, from, 14);
                    if let Some(p) = (from..end).find(|&k| ch[k] == '车') {
                        let tail: String = ch[p + 1..(p + 3).min(ch.len())].iter().collect();
                        if p + 1 - from <= 12 && p > from && !tail.starts_with('辆') {
                            found.push(("作案工具", from, p + 1));
                        }
                    }
                    break;
                }
            }
        }

        // places
        let possession = ["毒品", "海洛因", "甲基苯丙胺", "冰毒", "枪支"].iter().any(|w| text.contains(w));
        for (i, _) in ch.iter().enumerate() {
            for cue in PLACE_CUE {
                // 放在/停放在/拿到 introduce where an object lies or went, not the scene
                // (a person taken somewhere, `将被害人曹某某带到…房间`, is taken to the scene)
                let person_taken = i > 0 && ch[i - 1] == '带' && s(&ch, i.saturating_sub(16), i).rsplit('将').next().is_some_and(|t| t.starts_with("被害人"));
                // (`卖至位于…的废品收购站`: where the loot was sold, however the place is introduced)
                let j = if i > 0 && ch[i - 1] == '位' { i - 1 } else { i };
                let object_verb = (i > 0 && "放装藏存挂锁留丢停拿送卖带交运".contains(ch[i - 1])
                    || j > 1 && "至到往".contains(ch[j - 1]) && "放装藏存送卖带交运".contains(ch[j - 2]))
                    && !person_taken;
                // `于` of a place (`于惠州市…铁皮房内盗窃`), not of a date, a cause or a purpose
                // (`于2018年`, `由于`, `用于`, `属于`)
                let not_place_yu = *cue == "于"
                    && ((i > 0 && "由对关属等终用鉴基处归出善敢乐勇急过免".contains(ch[i - 1])) || ch.get(i + 1).is_none_or(|c| !is_cjk(*c) || "是此其今同当次".contains(*c)));
                // a further place: only a named one (an administrative word in it), not where
                // the first one's phrase already reaches
                let further = found.iter().any(|f| f.0 == "地点");
                let covered = found.iter().any(|f| f.0 == "地点" && f.1 <= i && i < f.2);
                if starts_with(&ch, i, cue) && !object_verb && !not_place_yu && !covered {
                    let from = i + cue.chars().count();
                    let mut end = clause_end(&ch, from, 35);
                    let phrase = s(&ch, from, end);
                    for stop in PLACE_STOP {
                        // `被害人…经营的…店`, `…对面` go on with the place
                        let place_word = |p: usize| {
                            let rest = &phrase[p..];
                            rest.starts_with("被害人") || rest.starts_with("对面")
                        };
                        if let Some((p, _)) = phrase.match_indices(stop).find(|(p, _)| !place_word(*p)) {
                            let e = from + phrase[..p].chars().count();
                            if e > from {
                                end = end.min(e);
                            }
                        }
                    }
                    // the place ends with its last place noun; what follows is the act
                    // (`…超市门口贩卖毒品给他人`, `…厂房内以剪电缆线的方式`)
                    let end = place_tail(&ch, from, end);
                    let phrase = s(&ch, from, end);
                    let admin = ["市", "县", "区", "镇", "乡", "村", "路", "街", "巷"].iter().any(|w| phrase.contains(w));
                    // the address after `其租住的`, `其位于`: the place is the address
                    let mut from = from;
                    if admin && ch[from] == '其' {
                        for w in ["租住的", "居住的", "暂住的", "承租的", "经营的", "所在的", "位于", "租住处", "住处", "家位于"] {
                            if starts_with(&ch, from + 1, w) && ["市", "县", "区", "镇", "乡", "村", "路", "街", "巷"].iter().any(|a| s(&ch, from + 1 + w.chars().count(), end).contains(a)) {
                                from += 1 + w.chars().count();
                                break;
                            }
                        }
                    }
                    let phrase = s(&ch, from, end);
                    let admin = ["市", "县", "区", "镇", "乡", "村", "路", "街", "巷"].iter().any(|w| phrase.contains(w));
                    // circumstances and offices, not places (`在…的情况下`, `在任…期间`, `到关于…`)
                    let circumstance = ["情况下", "情形下", "前提下"].iter().any(|w| s(&ch, from, clause_end(&ch, from, 35)).contains(w))
                        || ["关于", "对于", "任", "担任", "明知"].iter().any(|w| starts_with(&ch, from, w));
                    // only generic position words (`受到刑罚处罚` → `刑罚处`): too short to be a place
                    let generic = PLACE_WORDS.iter().filter(|w| phrase.contains(*w)).all(|w| ["处", "内", "上", "旁", "家", "号", "道", "场", "田"].contains(w));
                    // where the defendant was caught (`在…广场被民警抓获`) or sold the loot
                    // (`在中山市路边以900元卖给…`) is not the scene of a theft (it is of a
                    // possession: drugs found on him where he was caught)
                    let rest = s(&ch, end, clause_end(&ch, end, 30));
                    let caught = rest.starts_with('被') && !rest.starts_with("被害人") && !possession;
                    let not_scene = caught || (rest.starts_with('以') && ["卖给", "卖掉", "卖与", "销赃", "出售"].iter().any(|w| rest.contains(w)));
                    // a place named again (`该房间`, `上述公司内`) unless it adds its own detail
                    // (`该小区7号楼…`)
                    let anaphor = ["该", "上述", "此"].iter().any(|w| phrase.starts_with(w)) && !phrase.chars().any(|c| c.is_ascii_digit() || c == '*' || c == '号');
                    let no_place = circumstance || anaphor || not_scene;
                    if phrase.chars().count() >= 3 && !no_place && PLACE_WORDS.iter().any(|w| phrase.contains(w)) && !(generic && phrase.chars().count() < 4) && (*cue != "于" || admin) && (!further || admin) && !phrase.contains("被告人") && !phrase.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                        // further places of a list: `兴化市长途车站、国际商城等地`
                        let mut end = end;
                        while end < ch.len() && ch[end] == '、' {
                            let seg_end = clause_end(&ch, end + 1, 20);
                            let seg = s(&ch, end + 1, seg_end);
                            if seg.chars().count() >= 2 && PLACE_WORDS.iter().any(|w| seg.contains(w)) && !seg.contains("被告人") && !STEAL_VERBS.iter().any(|v| seg.contains(v)) {
                                end = place_tail(&ch, end + 1, seg_end);
                            } else {
                                break;
                            }
                        }
                        for suffix in ["等地", "一带"] {
                            if starts_with(&ch, end, suffix) {
                                end += suffix.chars().count();
                            }
                        }
                        found.push(("地点", from, end));
                    }
                    break;
                }
            }
        }

        // organisations
        for suf in ORG_SUFFIX {
            let sc: Vec<char> = suf.chars().collect();
            let mut i = 0;
            while i + sc.len() <= ch.len() {
                if ch[i..i + sc.len()] == sc[..] {
                    let mut a = i;
                    // back to the start of the name: not past a verb or preposition before it
                    // (`扭送…`, `销售给…`, `盗得该公司`); masked characters (`朝阳**房地产…`) belong to it
                    while a > 0 && (is_cjk(ch[a - 1]) || "*×XＸ".contains(ch[a - 1])) && !"经被由将向在到及与至给送往得系的于《“，".contains(ch[a - 1]) && i - a < 16 {
                        a -= 1;
                    }
                    // not a person before it (`被害人甘某某公司`: the company of 甘某某)
                    for role in ["害人", "告人", "疑人"] {
                        if let Some(p) = s(&ch, a, i).rfind(role) {
                            a += s(&ch, a, i)[..p].chars().count() + role.chars().count();
                        }
                    }
                    // nor an act before it (`利用担任某贸易有限公司…`, `盗窃公司…`)
                    for act in ORG_ACTS {
                        if let Some(p) = s(&ch, a, i).rfind(act) {
                            a += s(&ch, a, i)[..p].chars().count() + act.chars().count();
                        }
                    }
                    while a < i && (ch[a] == '*' || ch[a] == '×') {
                        a += 1;
                    }
                    let end = i + sc.len();
                    // a bare `公司` or `中心` names no organisation (a masked name, `**公司`, does)
                    if a == i && (*suf == "公司" || *suf == "中心") && !(i > 0 && "*×XＸ".contains(ch[i - 1])) {
                        i = end;
                        continue;
                    }
                    if !found.iter().any(|f| f.0 == "组织机构" && f.1 <= a && f.2 >= end) && !found.iter().any(|f| f.0 == "地点" && f.1 <= a && f.2 >= end) {
                        // a unit of a larger one (`…公安局曲江派出所`) replaces it
                        found.retain(|f| !(f.0 == "组织机构" && f.1 >= a && f.2 <= end));
                        found.push(("组织机构", a, end));
                    }
                    i = end;
                } else {
                    i += 1;
                }
            }
        }

        found.sort_by_key(|f| (f.1, f.2));
        let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in TYPES {
            by_type.insert(t.to_string(), Vec::new());
        }
        let mut seen_spans: Vec<(&str, usize, usize)> = Vec::new();
        for (t, a, b) in found {
            // overlapping spans of the same type: keep the first
            if b <= a || seen_spans.iter().any(|x| x.0 == t && x.1 < b && a < x.2) {
                continue;
            }
            seen_spans.push((t, a, b));
            let text = s(&ch, a, b);
            reasons.push(Reason::fact(format!("{t}：{text}（第{}至{b}字）", a + 1)));
            by_type.get_mut(t).unwrap().push(text);
        }
        Entities { by_type, reasons }
    }
}

/// Build the gazetteers from the drug-case training paragraphs (NDR spans) plus tool words.
pub fn train_entities(drug_names: Vec<String>) -> EntityModel {
    let mut drugs = drug_names;
    drugs.sort();
    drugs.dedup();
    let tools = ["螺丝刀", "起子", "扳手", "钥匙", "老虎钳", "钳子", "剪刀", "刀片", "铁棍", "撬棍", "锤子", "钢锯", "钓鱼竿", "钓鱼杆", "液压剪", "断线钳", "万能钥匙", "手套", "刀", "钳", "撬杠", "镊子", "铁丝", "锯", "刀具", "螺丝批", "启子", "开锁工具", "塑料管", "工具"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    EntityModel { drugs, tools }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theft_sentence() {
        let m = train_entities(vec![]);
        let e = m.extract("1、2017年6月底的一天13时许，被告人黄某某在嵊州市剡溪小学斜对面的花木田，扳开坐垫后，窃得戚某某电动自行车上的电瓶4只，计价值人民币352元。");
        assert_eq!(e.by_type["犯罪嫌疑人"], ["黄某某"]);
        assert_eq!(e.by_type["时间"], ["2017年6月底的一天13时许"]);
        assert_eq!(e.by_type["物品价值"], ["人民币352元"]);
        assert_eq!(e.by_type["地点"], ["嵊州市剡溪小学斜对面的花木田"]);
    }

    #[test]
    fn general_readings() {
        let m = train_entities(vec![]);
        // a full name after a role word, a kept given-name character, a masked place
        let e = m.extract("被告人武传伟伙同李某玲在沂水县某路某号窃得被害人张某手机一部。");
        assert_eq!(e.by_type["犯罪嫌疑人"], ["武传伟", "李某玲"]);
        assert_eq!(e.by_type["受害人"], ["张某"]);
        assert_eq!(e.by_type["地点"], ["沂水县某路某号"]);
        // the place ends before the act; a time told from the day before
        let e = m.extract("次日凌晨，被告人黄某某在黑河市爱辉区冻货店门前看到许多冻货，便将一袋虾仁盗走。");
        assert_eq!(e.by_type["时间"], ["次日凌晨"]);
        assert_eq!(e.by_type["地点"], ["黑河市爱辉区冻货店门前"]);
        assert_eq!(e.by_type["被盗物品"], ["一袋虾仁"]);
        // the objects of 将…盗走 past a remark, without the victim's placing
        let e = m.extract("被告人柴某某将被害人邵某乙停放在家中车库内的1辆利捷牌二轮电动车（经鉴定价值人民币350元）和1辆爱玛牌二轮电动车盗走。");
        assert_eq!(e.by_type["被盗物品"], ["1辆利捷牌二轮电动车", "1辆爱玛牌二轮电动车"]);
        // the goods after their value, not the clause before it; coins are goods, not money
        let e = m.extract("被告人刘某某在被害人家中卧室内盗窃价值人民币800元的中华牌香烟2条。");
        assert_eq!(e.by_type["被盗物品"], ["中华牌香烟2条"]);
        let e = m.extract("被告人陈某某将售货机内的120枚一元面额硬币全部盗走。");
        assert_eq!(e.by_type["被盗物品"], ["120枚一元面额硬币"]);
        assert!(e.by_type["被盗货币"].is_empty(), "a denomination is no sum: {:?}", e.by_type);
        // the buyer of the loot is no victim, with a description before the name too
        let e = m.extract("被告人周某某用液压钳盗剪电缆线约200米，后将电缆线以2000元的价格卖给废品收购站老板吴某某。");
        assert!(e.by_type["受害人"].is_empty(), "{:?}", e.by_type);
        assert_eq!(e.by_type["犯罪嫌疑人"], ["周某某"]);
        // a victim after a further act is no buyer
        let e = m.extract("被告人周某某将盗得的手机卖给他人后又窜至王某某家中盗走现金500元。");
        assert_eq!(e.by_type["受害人"], ["王某某"], "{:?}", e.by_type);
        // cash after a value in brackets is stolen money, not a value
        let e = m.extract("被告人刘某盗走陈某放在客厅的苹果手机一部（经鉴定价值人民币4800元）及现金人民币1200元。");
        assert_eq!(e.by_type["被盗货币"], ["现金人民币1200元"]);
        assert_eq!(e.by_type["物品价值"], ["人民币4800元"]);
        // a sum in coins is stolen money
        let e = m.extract("被告人石某某将被害人王某某放在抽屉内的一包香烟、约10元硬币盗走。");
        assert_eq!(e.by_type["被盗货币"], ["约10元硬币"]);
        assert_eq!(e.by_type["被盗物品"], ["一包香烟"]);
        // a line of a list of the loot, its value in the next clause; the loot as the subject
        // of its return; `涉案的物品` as written
        let e = m.extract("2、智日金电动三轮车电瓶2只，价值人民币1080元；");
        assert_eq!(e.by_type["被盗物品"], ["智日金电动三轮车电瓶2只"]);
        let e = m.extract("钢筋已追回并发还被害单位。");
        assert_eq!(e.by_type["被盗物品"], ["钢筋"]);
        let e = m.extract("赃款已追回并发还被害人。");
        assert!(e.by_type["被盗物品"].is_empty(), "{:?}", e.by_type);
        let e = m.extract("经鉴定，涉案的物品价值人民币14300元。");
        assert_eq!(e.by_type["被盗物品"], ["涉案的物品"]);
        // the place after the theft verb, before the goods; where the victim had parked; not
        // where the loot was sold (`卖至位于…`)
        let e = m.extract("盗窃眉山市东坡区某镇某村的联通基站蓄电池12个；");
        assert_eq!(e.by_type["地点"], ["眉山市东坡区某镇某村"]);
        assert_eq!(e.by_type["被盗物品"], ["联通基站蓄电池12个"]);
        let e = m.extract("被告人柴某某来到万年县某镇某村，将被害人邵某停放在家中车库内的1辆电动车盗走。");
        assert_eq!(e.by_type["地点"], ["万年县某镇某村", "家中车库内"]);
        let e = m.extract("被告人黄某某将被害人王某某停放在此的电动车盗走。");
        assert!(e.by_type["地点"].is_empty(), "{:?}", e.by_type);
        let e = m.extract("程某某至长丰县某电缆厂盗窃电缆约20米，后将盗窃来的电缆卖至位于阜阳路与金川路交口附近废品收购站的解某处。");
        assert_eq!(e.by_type["地点"], ["长丰县某电缆厂"]);
        // two tools joined by 和 are two; a list summed up by 等工具 is one
        let e = m.extract("被告人王某某用扳手和铁棍撬开仓库大门。");
        assert_eq!(e.by_type["作案工具"], ["扳手", "铁棍"]);
        // what a stolen bag held, item by item past the remarks
        let e = m.extract("被告人汪某某窃得被害人任某某的黑色挎包1只（无法估价），内有黄金项链1条（价值人民币3000元）、银手镯1个。");
        assert_eq!(e.by_type["被盗物品"], ["任某某的黑色挎包1只", "黄金项链1条", "银手镯1个"]);
        // the goods as the sentence first named them, not as `该电动车`
        let e = m.extract("被告人杨某某看见被害人曾某某停放的一辆白色雅迪二轮电动车没有拔钥匙，遂将该电动车骑走。");
        assert_eq!(e.by_type["被盗物品"], ["一辆白色雅迪二轮电动车"]);
        // proceeds told as 赃款 are the gain, not a value
        let e = m.extract("被告人王某某通过网络销赃，将获得赃款共计3200元予以挥霍。");
        assert_eq!(e.by_type["盗窃获利"], ["3200元"]);
        assert!(e.by_type["物品价值"].is_empty());
        // who bought the goods is no victim
        let e = m.extract("被告人杨某某看见被害人曾某某停放的一辆电动车没有拔钥匙，遂将该电动车骑走，后以500元的价格卖给了徐某某。");
        assert_eq!(e.by_type["受害人"], ["曾某某"]);
        let e = m.extract("案发后，被告人李某某家属及收购钢材的兰某某退出赃款人民币3.7万元。");
        assert!(e.by_type["受害人"].is_empty(), "{:?}", e.by_type["受害人"]);
        // a place named again is no new place; one that adds its detail is
        let e = m.extract("被告人张某某再次窜至上述公司内，盗得电脑主板2块。");
        assert!(e.by_type["地点"].is_empty(), "{:?}", e.by_type["地点"]);
        let e = m.extract("被告人张某某来到该小区3号楼车棚下，盗得电动车一辆。");
        assert_eq!(e.by_type["地点"], ["该小区3号楼车棚下"]);
        // the scene: where a victim was taken, not where the thief was caught, sold or carried the loot
        let e = m.extract("被告人肖某某将被害人曹某某带到某市某区格林豪泰酒店8213号房间，趁曹某某洗澡之机，将其现金700元盗走。");
        assert_eq!(e.by_type["地点"], ["某市某区格林豪泰酒店8213号房间"]);
        let e = m.extract("2018年1月26日，被告人徐某某在南昌县昌南新城演武广场被民警抓获。");
        assert!(e.by_type["地点"].is_empty(), "{:?}", e.by_type["地点"]);
        let e = m.extract("被告人李某某在武汉市某工地盗窃钢筋，由胡某某运至武汉市江夏区某钢材市场内。");
        assert_eq!(e.by_type["地点"], ["武汉市某工地"]);
        let e = m.extract("被告人王某在某县某村被害人张某家中盗窃现金500元。");
        assert_eq!(e.by_type["地点"], ["某县某村被害人张某家中"]);
        let e = m.extract("被告人王某某携带扳手、铁棍等工具来到仓库。");
        assert_eq!(e.by_type["作案工具"], ["扳手、铁棍等工具"]);
        // a charge masked as ×× is no name, `50万某` no surname
        let e = m.extract("被告人王某构成××罪，骗取被害人赵某50万某。");
        assert_eq!(e.by_type["犯罪嫌疑人"], ["王某"]);
        assert_eq!(e.by_type["受害人"], ["赵某"]);
        // a range of months across years is one time; `担任某…公司` holds a post, names no
        // person, and the company's name starts after the act
        let e = m.extract("2016年1月至2017年6月，被告人周某利用担任某贸易有限公司出纳的职务便利，盗窃公司货物。");
        assert_eq!(e.by_type["时间"], ["2016年1月至2017年6月"]);
        assert!(e.by_type["受害人"].is_empty(), "{:?}", e.by_type);
        assert_eq!(e.by_type["组织机构"], ["某贸易有限公司"]);
        let e = m.extract("被告人王某某冒充青岛润成律师事务所工作人员，骗取被害人财物。");
        assert_eq!(e.by_type["组织机构"], ["青岛润成律师事务所"]);
        // `某晚` goes with its month; a place after `至` is no person (`驾驶面包车至某工业园区`)
        let e = m.extract("2018年3月某晚，被告人李某某驾驶面包车至某工业园区仓库，盗走铜线300公斤。");
        assert_eq!(e.by_type["时间"], ["2018年3月某晚"]);
        assert!(e.by_type["受害人"].is_empty(), "{:?}", e.by_type);
        // who is named after 后 is a person (`事故发生后任某驾车驶离`)
        let e = m.extract("发生事故后任某驾车驶离现场。");
        assert_eq!(e.by_type["犯罪嫌疑人"].len() + e.by_type["受害人"].len(), 1, "{:?}", e.by_type);
    }
}
