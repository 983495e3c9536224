//! Fact cues of charges: phrases with which judgments describe each offence, written from the
//! statute text (the constituent elements of each article) and common judicial wording.
//!
//! Key decision: charges unseen in training cannot be learned from the 3,666 training cases, and
//! the statute text is too abstract for word overlap to find them reliably; a short list of
//! element phrases per charge ("醉酒" + "驾驶" for 危险驾驶, "猎捕"/"禁猎区" for 非法狩猎) gives
//! high-precision evidence for every charge. Pattern syntax: see [`matches`]; the weight is the
//! strength of the evidence (1.0 = decisive).

/// (charge, [(pattern, weight)]).
pub const CUES: &[(&str, &[(&str, f32)])] = &[
    ("盗窃", &[("盗窃|窃取|扒窃|偷盗|盗走|偷走|窃得|行窃|盗得|偷得|盗取|偷取|秘密窃|偷开|偷拿|盗剪", 1.0), ("(溜门|撬锁|撬开)+(盗|偷)", 0.6)]),
    ("诈骗", &[("诈骗|骗得|骗走|诈取", 0.8), ("骗取", 0.6), ("虚构|谎称|隐瞒真相|假称", 0.3)]),
    ("故意伤害", &[("轻伤|重伤", 0.9), ("伤害|殴打|打伤|刺伤|砍伤|捅伤", 0.4)]),
    ("危险驾驶", &[("醉酒驾驶|醉驾|醉酒后驾驶|酒后驾驶|醉酒+驾驶|追逐竞驶", 1.0), ("血液+乙醇|酒精含量|乙醇含量|酒精浓度", 1.0)]),
    // 刑法第133条: a road accident that killed or seriously injured, the driver bearing the main
    // or whole responsibility (法释〔2000〕33号第2条)
    ("交通肇事", &[("交通肇事|事故+(全部责任|主要责任)+(死亡|重伤)", 1.0), ("交通事故+(全部责任|主要责任|同等责任)", 0.9), ("交通事故|肇事", 0.4)]),
    ("寻衅滋事", &[("寻衅滋事|随意殴打|无事生非|强拿硬要|任意损毁|起哄闹事|借故生非|逞强耍横|肆意挑衅|无故滋事|无故+殴打|随意+殴打|寻求刺激|寻求精神刺激|无故+(打砸|砸坏|砸毁|砸烂)", 1.0), ("滋事|任意砸|砸毁|发泄|酗酒|强行要求|拦停|拦截|心生不满|耍酒疯", 0.8)]),
    // 刑法第269条: theft, fraud or snatching turned robbery by violence or its threat on the spot
    // to keep the spoils, resist arrest or destroy evidence
    // the prosecutor's words with the charge's verb masked (`使用暴力方法××公私财物`, `持刀××他人财物`)
    ("抢劫", &[("抢劫|劫取|劫得|劫走|暴力方法××公私财物|暴力方法××他人财物|暴力手段××公私财物|暴力手段××他人财物|胁迫方法××公私财物|胁迫方法××他人财物|胁迫手段××公私财物|胁迫手段××他人财物|持刀××公私财物|持刀××他人财物|当场使用暴力", 1.0), ("(抗拒抓捕|窝藏赃物|毁灭罪证)+(暴力|威胁|持刀|殴打|刺伤|砍伤|击打)|抗拒+抓捕+(暴力|威胁|持刀|刀具|殴打|刺伤|砍伤|击打)|(盗|窃)+(逃离时|逃跑时|逃跑过程中|逃跑途中)+(击打|殴打|刺伤|砍伤|持刀|刀具|一拳)", 1.0), ("(抢走|抢得|强行拿走)+(威胁|暴力|持刀|胁迫|殴打|踢倒|推倒|摔倒|掐|勒住|按住|捂住|拳打脚踢)", 1.0), ("(夺走|拿走)+(威胁|暴力|持刀|胁迫|殴打)", 0.8)]),
    ("抢夺", &[("抢夺|飞车抢|趁+不备+抢|趁+不注意+抢|趁+不备+夺", 0.9), ("夺走|夺过", 0.5)]),
    ("走私、贩卖、运输、制造毒品", &[("贩卖毒品|运输毒品|制造毒品|走私毒品|贩毒|毒品交易|毒资", 1.0), ("(甲基苯丙胺|海洛因|冰毒|麻古|氯胺酮|K粉|摇头丸|毒品)+(出售|卖给|贩卖|交易|购买|运输|贩)", 0.8)]),
    // drugs found on the defendant or in his place with no act of dealing told (刑法第348条)
    ("非法持有毒品", &[("非法持有+(毒品|甲基苯丙胺|海洛因|冰毒)", 0.9), ("持有毒品", 0.7), ("(查获|查出|搜出|缴获|起获)+(毒品|甲基苯丙胺|海洛因|冰毒|麻古|氯胺酮)+!(贩卖|出售|卖给|售卖|交易|运输|走私|制造|贩毒|毒资|购买|吸食|容留|窝藏|转移|隐瞒|藏匿|保管)", 1.0)]),
    ("容留他人吸毒", &[("容留+(吸食|吸毒|注射)", 1.0), ("容留", 0.6)]),
    // (gambling online is no casino run: `将资金用于网络赌博`)
    ("开设赌场", &[("开设赌场|赌场|抽头|抽水|赌博机|赌博网站|坐庄|庄家|赌博平台|赌博游戏机|老虎机|捕鱼机|网络赌博+(代理|开设|运营|搭建|会员|下线|接受投注)", 1.0)]),
    ("赌博", &[("聚众赌博|赌博", 0.6), ("以营利为目的+赌|赌资", 0.6)]),
    ("掩饰、隐瞒犯罪所得、犯罪所得收益", &[("明知+赃|明知是+犯罪所得|掩饰|隐瞒+犯罪所得|收购+赃|销赃|收购+盗窃|低价收购|明知+盗窃+收购|明知+盗窃+购买|明知+抢劫+购买|明知+盗+收购|明知+来源不明", 0.8)]),
    ("滥用职权", &[("滥用职权|超越职权", 1.0), ("国家机关工作人员|从事公务", 0.7), ("(职权|职务)+(违反规定|擅自|违规|虚报|不符合条件)", 0.6)]),
    ("玩忽职守", &[("玩忽职守", 1.0), ("严重不负责任|不认真履行|不正确履行|疏于+监管|疏于+管理|未认真+审核", 0.7)]),
    ("非法狩猎", &[("狩猎|猎捕|禁猎|猎枪|捕猎|猎杀|鸟网|捕鸟|野兔|野鸡|斑鸠|猎套|铁夹|电猎|捕杀+野生动物|野猪", 1.0), ("三有|青蛙|黑斑蛙|金线蛙|捕捉+野生|省级重点保护动物|有重要经济、科学研究价值|黑水鸡|刺猬|野鸭", 1.0), ("野生动物|麻雀|鸟", 0.5)]),
    ("非法采伐、毁坏国家重点保护植物", &[("(国家重点保护|红豆杉|香樟|樟树|楠木|银杏|珍贵树木|国家一级保护|国家二级保护|古树)+(采伐|砍伐|挖掘|毁坏|采挖|移植|盗挖|挖走|锯)", 1.0), ("红豆杉|香樟|樟树|楠木|国家一级保护植物|国家二级保护植物|重点保护植物|珍贵树木", 0.7)]),
    ("非法收购、运输、加工、出售国家重点保护植物、国家重点保护植物制品", &[("(重点保护植物|红豆杉|樟树|楠木|珍贵树木|国家二级保护植物|国家一级保护植物)+(收购|运输|出售|加工|销售|贩卖)", 0.9)]),
    ("窝藏、包庇", &[("窝藏|包庇|提供住处|隐藏处所|隐藏住所|帮助其逃匿|顶替|顶包|顶罪|冒充驾驶人|冒充肇事|冒认|掩盖犯罪事实|提供逃匿资金|作假证明|冒名顶替|明知+是犯罪的人|明知+犯罪的人", 1.0), ("明知+(逃跑|逃匿|躲避|潜逃|逃避)+(帮助|提供|资助|藏匿)", 0.8), ("谎称+(肇事|作案|是自己)", 0.8), ("(躲藏|逃匿|藏身|躲避)+(提供|帮助|安排|联系车辆|给)+!被害人", 0.7)]),
    ("非国家工作人员受贿", &[("非国家工作人员", 1.0), ("利用职务+便利+(收受|索取|好处费|回扣|感谢费)", 0.9), ("(公司|企业|医院|学校|经理|采购)+(收受|收取|索要)+(好处费|回扣|感谢费|红包)", 0.8)]),
    ("受贿", &[("(受贿|收受贿赂)+!非国家工作人员", 0.8), ("国家工作人员+(收受|索取)+!非国家工作人员", 0.8)]),
    ("行贿", &[("行贿", 1.0), ("请托|谋取不正当利益", 0.4)]),
    ("骗取贷款、票据承兑、金融票证", &[("骗取贷款|票据承兑|信用证|保函", 1.0), ("贷款+(虚假|虚构|编造|伪造|冒用|不真实|借名)", 1.0), ("贷款+(银行|信用社|农商|信用合作|小额贷款)", 0.5)]),
    ("伪造公司、企业、事业单位、人民团体印章", &[("伪造+(公司|企业|单位|学校|医院|协会|合作社)+(印章|公章|专用章)+!(骗取|诈骗|骗得)", 1.0), ("私刻+(公章|印章|专用章)+!(骗取|诈骗|骗得)", 1.0), ("刻制+(印章|公章)", 0.7)]),
    ("污染环境", &[("污染环境|危险废物|重金属|废液|污泥|电镀|废酸|废油|有毒物质|污染物", 1.0), ("(废水|污水)+(排放|倾倒|渗坑|排入|直排)", 1.0), ("污染", 0.6)]),
    ("猥亵儿童", &[("猥亵+(儿童|幼女|不满十四周岁|未满十四周岁|未成年|女童|男童|学生|小学)", 1.0), ("不满十四周岁|未满十四周岁|幼女|女童|岁+(生殖器|阴部|胸部|乳房)", 0.7), ("(阴部|生殖器|手淫|猥亵)+(年生|出生|年幼|女儿|小便处|岁)", 0.8)]),
    ("强制猥亵、侮辱妇女", &[("强制猥亵|猥亵+妇女", 1.0), ("猥亵|摸+(胸部|乳房|隐私部位|阴部)", 0.5)]),
    ("制作、复制、出版、贩卖、传播淫秽物品牟利", &[("淫秽+(牟利|出售|贩卖|会员|收费|获利|营利|销售|出租)", 1.0)]),
    ("传播淫秽物品", &[("淫秽+(传播|上传|QQ群|微信群|群|发送|播放)", 0.9), ("淫秽", 0.5)]),
    ("假冒注册商标", &[("注册商标+(假冒|相同的商标|未经许可|生产|制造|贴)", 1.0)]),
    ("销售假冒注册商标的商品", &[("销售+假冒注册商标|假冒+商标的商品|假冒的+商品|假冒+品牌|明知+假冒+(销售|出售)", 1.0)]),
    ("强迫交易", &[("强迫交易|强买强卖", 1.0), ("(强迫|强行|逼迫|威胁)+(购买|接受|提供|收取|卖给|交易|承揽|退出)", 0.6)]),
    ("妨害作证", &[("妨害作证|作伪证", 1.0), ("(指使|唆使|利诱|贿买|教唆|要求)+(虚假证言|虚假证明|作伪证|虚假陈述|作假证|改变证言)", 1.0), ("指使+作假证|指使+证人|阻止证人|虚假证言|改变证言|不要作证|翻供", 0.6)]),
    ("帮助毁灭、伪造证据", &[("毁灭证据|伪造证据|帮助+毁灭|销毁+证据|隐匿+证据|删除+记录|清洗+现场|清理+现场|转移+尸体", 1.0)]),
    ("伪造、变造居民身份证", &[("居民身份证+(伪造|变造|制作|假)+!(骗取|诈骗|骗得)", 1.0), ("假身份证", 0.6)]),
    ("伪造、变造、买卖国家机关公文、证件、印章", &[("(伪造|变造|买卖|假的|假)+(驾驶证|行驶证|房产证|房屋所有权证|结婚证|离婚证|户口簿|营业执照|不动产权|土地证|公文|公安局印章|人民政府印章|准迁证|出生医学证明|资格证|国家机关印章|国家机关证件)+!(骗取|诈骗|骗得)", 1.0)]),
    ("脱逃", &[("脱逃|脱离监管|逃离+(看守所|监狱|羁押|劳动改造|押解|监管)", 1.0), ("(服刑期间|监狱|监区|劳动改造|劳改)+(越狱|翻越+围墙|爬出+围墙|网上追逃|上网追逃|不备之机)", 1.0)]),
    ("妨害信用卡管理", &[("妨害信用卡", 1.0), ("(冒用|假冒|虚假|他人的)+身份证+(办理|申领|骗领)+(银行卡|信用卡|借记卡|储蓄卡)+!(透支|取现|套现|消费)", 1.0), ("持有+他人+(信用卡|银行卡)", 0.8), ("伪造的信用卡|领用+他人|冒用他人身份+申领", 0.8), ("(出售|转卖|贩卖|收购|购买)+(银行卡|信用卡)+张+!(透支|取现|套现|消费)", 0.8)]),
    ("私分国有资产", &[("私分|集体私分", 1.0), ("以单位名义+(分|发放)", 0.8), ("(国有资产|国有资金)+(发放给|分配给|分给|私分)", 0.8)]),
    ("绑架", &[("绑架|人质|赎金", 1.0), ("控制+索要|勒索+家属|捆绑+索要", 0.8)]),
    ("破坏电力设备", &[("电力设备|电力线|输电线|高压线|变压器|铝绞线|电力设施", 1.0), ("(电缆|电线)+(剪|割|盗|锯)", 0.6)]),
    ("帮助犯罪分子逃避处罚", &[("通风报信|逃避处罚|帮助犯罪分子", 1.0), ("(泄露|透露|告知)+(检查|查处|清查|行动|抓捕)", 0.6)]),
    ("组织卖淫", &[("组织+卖淫|招募+卖淫|管理+卖淫|安排+卖淫", 1.0), ("卖淫女", 0.7)]),
    ("引诱、容留、介绍卖淫", &[("介绍+卖淫|容留+卖淫|引诱+卖淫", 1.0), ("嫖娼|卖淫", 0.6)]),
    ("协助组织卖淫", &[("协助组织卖淫|协助+组织+卖淫", 1.0)]),
    ("强迫卖淫", &[("强迫+卖淫|逼迫+卖淫", 1.0)]),
    ("介绍贿赂", &[("介绍贿赂|介绍+行贿", 1.0), ("牵线+(行贿|贿赂|送钱)", 0.8)]),
    ("走私普通货物、物品", &[("走私+(偷逃|关税|税款|海关|报关|入境|边境)", 1.0), ("走私", 0.4)]),
    ("非法制造、出售非法制造的发票", &[("(假发票|发票)+(印制|非法制造)|非法制造的发票", 0.8)]),
    ("非法出售发票", &[("出售+发票", 0.5)]),
    ("持有伪造的发票", &[("持有+伪造的发票|假发票", 0.5)]),
    ("重婚", &[("重婚|以夫妻名义|未解除婚姻+同居|未离婚+结婚|有配偶+结婚", 1.0)]),
    ("虚报注册资本", &[("虚报注册资本", 1.0), ("(注册资本|注册资金)+(验资|虚假|抽逃|垫资|过桥)", 1.0)]),
    ("窝藏、转移、隐瞒毒品、毒赃", &[("窝藏+毒品|转移+毒品|藏匿+毒品|毒赃|隐瞒+毒品|替+保管+毒品", 1.0)]),
    ("隐匿、故意销毁会计凭证、会计帐簿、财务会计报告", &[("会计凭证|会计账簿|会计帐簿|财务会计报告|(账本|账册)+(销毁|烧毁|隐匿)", 1.0)]),
    ("遗弃", &[("遗弃|拒绝扶养|拒绝抚养|拒不抚养|拒不赡养|弃婴|丢弃+婴|丢弃+孩|丢弃+女儿|丢弃+儿子|(不予照顾|不予照料|不管不顾|置之不理|不提供食物|不给饭吃)+(儿子|女儿|其子|其女|孩子|父亲|母亲|老人|婴)", 1.0)]),
    ("非法生产、买卖警用装备", &[("警用装备|警服|警灯|警用+标志|警衔|警号|警用+标识|警笛", 1.0)]),
    ("传授犯罪方法", &[("传授+方法|传授犯罪|教授+盗窃|教授+诈骗|传授+技术|传授+手段|教+如何+盗|教+如何+骗|传授", 1.0)]),
    ("非法买卖制毒物品", &[("制毒物品|麻黄碱|羟亚胺|易制毒|邻酮|麻黄素|邻氯苯基环戊酮|醋酸酐", 1.0)]),
    ("集资诈骗", &[("集资诈骗", 1.0), ("集资+(挥霍|非法占有|携款|潜逃|诈骗)", 0.9)]),
    ("串通投标", &[("串通投标|围标|陪标|串标", 1.0), ("投标+串通|商定+报价|借用+资质+投标", 0.9)]),
    ("非法吸收公众存款", &[("吸收公众存款|变相吸收|非法吸收", 1.0), ("吸收+存款|资金+高额+利息|高息+借款+社会|向社会+借款|向社会+集资|非法集资|集资", 0.7)]),
    ("合同诈骗", &[("合同诈骗", 1.0), ("(合同|协议)+(骗取|骗|非法占有|逃匿|携款|挥霍)+!贷款", 0.8), ("签订+(合同|协议)+(骗|非法占有)+!贷款", 1.0), ("(租赁|租用|租车)+(抵押|质押|变卖|典当|出售)", 1.0), ("(签订|货款|定金|订金|购销)+(骗|非法占有)", 0.8)]),
    // 恶意透支 as 第196条第2款 defines it (透支, then not repaid after the bank's reminders); a
    // card found or obtained by deception and used is 冒用他人信用卡 (法释〔2018〕19号第5条第2款)
    ("信用卡诈骗", &[("信用卡诈骗|恶意透支|冒用+信用卡|冒用+银行卡|信用卡+透支+(催收|催缴|催还)|(骗取|骗得)+信用卡+(取现|刷卡|消费|透支)|拾得+(信用卡|银行卡)+(取现|刷卡|消费|取款)", 1.0), ("信用卡+(透支|催收|逾期)", 0.9)]),
    ("职务侵占", &[("职务侵占|利用职务+侵占|截留|侵吞|(职务便利|职务之便|职务上的便利|工作便利|工作之便)+(侵占|私吞)", 1.0), ("(职务|工作之便|工作便利)+(占为己有|据为己有|私自收取|私吞)", 0.8)]),
    ("挪用资金", &[("挪用+资金|挪用本单位|挪用+公司|挪用+货款|挪用+款", 1.0)]),
    ("挪用公款", &[("挪用公款|挪用+公款", 1.0), ("挪用+(财政|国有|村集体)", 0.9)]),
    ("贪污", &[("贪污|侵吞+(公款|国有)", 1.0), ("(套取|骗取|冒领)+(补贴|补助|财政|公款)+!增值税", 0.6)]),
    ("故意杀人", &[("故意杀人|杀害|杀人|刺杀|掐死|勒死|捂死|砍死|捅死|非法剥夺他人生命|杀死+!(动物|狩猎|猎捕|猎杀|鸟|狗|猪|鸡|鸭|蛙|蛇|牲畜|家禽|鱼类)", 1.0), ("致+死亡+(刀|锤|砍|掐|勒)", 0.7)]),
    ("强奸", &[("强奸|奸淫|强行+性关系|欲强行|强行+发生|与幼女+性关系|性侵", 1.0), ("生殖器+插入|性关系+(反抗|不从|不同意)", 0.9)]),
    ("非法拘禁", &[("非法拘禁|限制+人身自由|拘禁", 1.0), ("看管+讨债|(索要债务|讨要债务|讨债|索债)+(控制|看管|关在|限制)", 0.8)]),
    ("故意毁坏财物", &[("故意毁坏", 1.0), ("毁坏|砸坏|损坏|砸毁|划伤|划坏|损毁|砸碎", 0.6)]),
    // 刑法第114条、第115条: setting off an explosion that endangers the public (not blast fishing)
    ("爆炸", &[("(引爆|实施爆炸|制造爆炸|炸毁|炸死)+!(炸鱼|捕鱼|捕捞|采石|开采)", 1.0)]),
    ("放火", &[("放火|纵火|泼洒汽油|(用打火机|用火机|持打火机)+(点燃|引燃)+!(不慎|过失|烧荒|取暖|烧纸|秸秆|杂草|垃圾|烟头|野外用火|上坟)", 1.0), ("点燃|引燃|打火机+烧", 0.7)]),
    ("失火", &[("失火|过失+火灾|过失引发|引发森林火灾|引起森林火灾|用火不慎|烧荒|野外用火|上坟+烧纸|焚烧+引发|引发火灾|不慎+引燃|不慎+起火|电焊+引燃|燃放+引燃", 1.0), ("(焚烧|烧火|烧纸|生火|用火|吸烟|烟头|取暖|秸秆|杂草)+(蔓延|过火|引燃|起火|着火)", 1.0)]),
    ("敲诈勒索", &[("敲诈|勒索|要挟", 1.0), ("威胁+索要|以+曝光+相威胁|索要+钱财|裸照+索要", 0.8)]),
    ("妨害公务", &[("妨害公务|执行公务|依法执行职务|暴力抗法|袭警|执法过程", 1.0), ("(民警|警察|协警|城管|交警)+(阻碍|撕扯|推搡|抓伤|咬伤|阻挠|抗拒|袭击)", 0.6), ("(执法人员|执法民警|执法队员|执勤民警|巡逻民警|执法过程|查处过程|依法扣押|依法检查|依法查处|依法传唤)+(殴打|打伤|推搡|阻拦|撕扯|抓伤|咬伤|袭击|拉扯|挣脱)", 0.8)]),
    ("聚众斗殴", &[("聚众斗殴|约架|械斗|结伙斗殴|双方+斗殴|约定+打架|(纠集|召集|邀约|邀集|叫来|带领|十余人|十多人|二十余人|数十人)+(互相殴打|相互殴打|互相打斗|相互打斗|对打|互殴|斗殴)", 1.0), ("斗殴|互殴", 0.5)]),
    ("非法持有、私藏枪支、弹药", &[("枪支+(持有|私藏|藏匿|存放|收缴|家中)", 1.0), ("火药枪|气枪|仿真枪|猎枪|枪支", 0.6)]),
    ("非法制造、买卖、运输、邮寄、储存枪支、弹药、爆炸物", &[("(枪支|弹药|爆炸物|炸药|雷管|导火索|导爆管|子弹)+(制造|买卖|出售|购买|运输|储存|邮寄|贩卖|组装)", 1.0)]),
    // 刑法第130条: carried into a public place or onto public transport
    ("非法携带枪支、弹药、管制刀具、危险物品危及公共安全", &[("携带+(管制刀具|枪支|危险物品)+(公共场所|公共交通工具|车站|广场)", 1.0), ("携带+(管制刀具|枪支)+(棋牌室|商场|超市|医院|学校|酒吧|KTV|歌厅|网吧|公交车|列车|火车|地铁|机场|候车|码头|集市)", 0.8)]),
    // 刑法第133条 is the road's offence: a death by a vehicle off the public roads (非道路, the
    // 2000 interpretation's art. 8) is 过失致人死亡 (第233条)
    ("过失致人死亡", &[("过失致人死亡|非道路+(死亡|撞倒|轧)", 1.0), ("(过失|不慎|疏忽|应当预见|没有预见|未预见)+死亡", 1.0), ("(未注意|没有注意|未观察|未确认)+死亡", 0.8)]),
    ("过失致人重伤", &[("过失致人重伤", 1.0), ("(过失|不慎|疏忽|应当预见|没有预见|未预见|未注意|没有注意)+重伤", 1.0)]),
    ("虚开增值税专用发票、用于骗取出口退税、抵扣税款发票", &[("增值税专用发票|抵扣税款|出口退税", 1.0)]),
    ("虚开发票", &[("虚开+发票+!增值税专用发票", 0.8)]),
    ("生产、销售有毒、有害食品", &[("有毒、有害|有毒有害|非食品原料|瘦肉精|盐酸克伦特罗|地沟油|罂粟壳|西地那非|西布曲明|他达拉非|工业松香|甲醛|硼砂|敌敌畏|氯霉素|孔雀石绿|禁用+药物|国家禁止+食品|罂粟+火锅|罂粟+卤|万艾可|伟哥|保健品+检出", 1.0)]),
    ("生产、销售不符合安全标准的食品", &[("安全标准|病死|死因不明|超范围|超限量|不符合+食品安全|食源性疾病|食物中毒|国家标准限量|未检出碘|无碘盐|不含碘", 1.0)]),
    ("生产、销售假药", &[("假药|按假药论处", 1.0)]),
    ("生产、销售伪劣产品", &[("伪劣产品|以假充真|以次充好|不合格产品冒充|伪劣|掺杂|掺假", 1.0)]),
    ("非法经营", &[("非法经营|烟草专卖|专卖许可|无证+经营|未经许可+经营|未取得+许可+经营|私彩|外汇|套现|非法买卖外汇|传销+经营|卷烟+销售|食盐", 1.0)]),
    ("拒不支付劳动报酬", &[("劳动报酬|拖欠+工资|拒不支付+工资|农民工工资|欠薪|工人工资+逃匿|工资+拒不支付", 1.0)]),
    ("拒不执行判决、裁定", &[("拒不执行|有能力执行|拒不履行+判决|拒不履行+裁定|拒不履行+调解", 1.0), ("(判决|裁定|调解书)+执行+(转移|隐匿|拒绝|未履行)", 0.7)]),
    ("非法占用农用地", &[("农用地|基本农田|(耕地|林地)+(占用|改变|建设|硬化|毁坏|挖|种植条件|开垦)", 1.0)]),
    ("非法采矿", &[("采矿许可证|非法采矿|采砂|盗采|采石|河砂|开采+(矿|砂|煤|稀土)", 1.0)]),
    ("盗伐林木", &[("盗伐|偷伐|偷砍", 1.0), ("砍伐+(他人|集体|国有|林场)+!重点保护", 0.5)]),
    ("滥伐林木", &[("滥伐", 1.0), ("(林木采伐许可证|采伐许可|采伐证|立木蓄积|蓄积)+!重点保护+!(过火|火灾|火势|烧毁)", 0.6)]),
    ("非法捕捞水产品", &[("捕捞|禁渔|电鱼|电捕|毒鱼|炸鱼|禁渔区|禁渔期|地笼|鱼+电瓶|渔获|捕鱼", 1.0)]),
    ("非法行医", &[("行医|医生执业资格|执业医师|医师资格|执业资格+诊所|执业资格+治疗|执业资格+输液|无证+诊所", 1.0)]),
    ("非法进行节育手术", &[("节育|取环|上环|终止妊娠|引产|结扎|取出+节育器|胎儿性别", 1.0)]),
    ("组织、领导传销活动", &[("传销|发展下线|下线|层级|拉人头", 1.0)]),
    ("非法获取公民个人信息", &[("公民个人信息", 1.0), ("个人信息+(出售|购买|获取|窃取|提供|贩卖)", 0.9)]),
    ("重大责任事故", &[("重大责任事故|安全事故|违反+安全管理|生产安全|作业+死亡|施工+死亡|工地+死亡|生产+事故|坍塌|触电+死亡|安全生产", 1.0)]),
    // 刑法第135条: the employer's safety installations or conditions (安全生产设施或者安全生产
    // 条件) fall short, as when workers are given no protective gear; 第134条 is a breach of the
    // rules in the work itself
    ("重大劳动安全事故", &[("劳动安全设施|安全生产条件|安全设施+不符合|安全生产设施|劳动防护用品|(未|没有)+(提供|配备|配发|发放)+(安全帽|安全绳|安全带|防护用品)|未采取任何安全", 1.0)]),
    ("拐卖妇女、儿童", &[("拐卖", 1.0), ("贩卖+妇女|贩卖+儿童|卖给+婴|出卖+儿童|出卖+婴|出卖+女儿|出卖+儿子|卖+孩子", 1.0)]),
    ("收买被拐卖的妇女、儿童", &[("收买+被拐卖|收买+儿童|收买+妇女|收买+婴|买来+妇女|买来+孩|买来+婴", 1.0)]),
    // 刑法第262条: a child taken from its family to be kept, not sold (拐卖, 第240条) nor held for
    // ransom (绑架)
    ("拐骗儿童", &[("拐骗|(哄骗|诱骗|骗走|抱走|偷走|拐走)+(男童|女童|儿童|婴儿|小孩|孩子|男孩|女孩)+(收养|抚养|带回|当作|作为子女)+!(出卖|卖给|卖与|贩卖|的价格|赎金|勒索|猥亵|奸)", 1.0)]),
    ("非法侵入住宅", &[("侵入+住宅|闯入+家中|强行+进入+住|非法侵入|强行闯入", 1.0)]),
    // 刑法第279条: posing as a functionary of a state organ (a bank's or a company's staff, a
    // journalist are no such thing); a 冒充 far from the office named is no cue of it
    ("招摇撞骗", &[("招摇撞骗", 1.0), ("冒充国家机关|冒充警察|冒充民警|冒充人民警察|冒充公安|冒充派出所|冒充刑警|冒充交警|冒充法官|冒充法院|冒充检察|冒充纪委|冒充政府|冒充公务员|冒充+(局长|处长|科长|县长|市长|镇长|乡长|书记|主任科员)|(冒充其系|冒充是|冒充成|冒充自己是|冒充自己系)+(警察|民警|公安|法官|检察官|纪委|公务员|国家安全|国家机关|政府)", 1.0), ("冒充+(干部|领导|工作人员)+!(银行|公司|企业|医院|学校|记者|律师|保险)", 0.6)]),
    ("冒充军人招摇撞骗", &[("冒充军人|冒充+军官|冒充+部队|假军官|军装|冒充+军|冒充+武警", 1.0)]),
    ("保险诈骗", &[("保险诈骗|骗保|保险金|保险事故", 1.0), ("保险+(骗取|理赔|赔偿金|赔付)", 0.9)]),
    ("诬告陷害", &[("诬告|陷害|捏造+(报案|告发|控告|举报)+(刑事追究|追究刑事责任|意图)", 1.0), ("捏造+事实+告发|捏造+举报", 0.8)]),
    ("伪证", &[("伪证", 1.0), ("虚假+证言|作虚假+陈述", 0.6)]),
    ("诽谤", &[("诽谤|捏造+(发布|散布|张贴|转发|发帖)+!(举报|告发|控告|骗)", 1.0), ("捏造+事实+散布|散布+虚假", 0.8)]),
    ("侮辱", &[("侮辱", 0.7)]),
    ("破坏生产经营", &[("破坏生产经营|破坏他人生产经营|破坏其生产经营|破坏+的生产经营|残害耕畜|毁坏机器|毁坏生产设备|破坏生产设备", 1.0), ("(泄愤|报复|不满)+(切断|毁坏|破坏|剪断|损坏|投放)+(生产设备|机器|电源|增氧|养殖|耕畜|鱼类死亡|停产)", 1.0), ("泄愤+(毁坏|破坏|损坏|剪断)", 0.6)]),
    ("编造、故意传播虚假恐怖信息", &[("虚假恐怖信息|放置炸弹|有炸弹|虚假+爆炸|编造+恐怖|劫机|谎称+(炸药|炸弹|爆炸物|放置了)", 1.0)]),
    ("以危险方法危害公共安全", &[("危害公共安全|冲撞+人群|私拉电网|抢夺+方向盘|撞向+人群|驾车+冲撞|冲向+人群", 1.0)]),
    ("投放危险物质", &[("投毒|毒鼠强|投放+毒|投放+农药|投放+危险|(农药|鼠药|毒药)+(药死|毒死)+(羊|牛|猪|鸭|鹅|鱼塘)", 1.0)]),
    ("高利转贷", &[("高利转贷|转贷", 1.0), ("套取+贷款+高利|借给+高利|贷款+高利+借", 0.8)]),
    ("洗钱", &[("洗钱", 1.0)]),
    ("扰乱无线电通讯管理秩序", &[("无线电|伪基站|黑广播|基站+短信|发射+信号", 1.0)]),
    ("破坏计算机信息系统", &[("破坏计算机信息系统", 1.0), ("计算机信息系统+(删除|修改|干扰|篡改|破坏)", 0.9), ("篡改+数据|修改+数据|干扰+采样|破坏+数据", 0.7)]),
    ("提供侵入、非法控制计算机信息系统程序、工具", &[("侵入+程序|非法控制+程序|木马|外挂", 1.0)]),
    ("倒卖文物", &[("文物+(倒卖|出售|买卖|贩卖|卖给)", 1.0)]),
    ("盗掘古文化遗址、古墓葬", &[("盗掘|古墓|古墓葬|古文化遗址|盗墓", 1.0)]),
    ("走私珍贵动物、珍贵动物制品", &[("走私+珍贵动物|走私+象牙|走私+犀牛角|走私+穿山甲|走私+玳瑁|走私+海龟", 1.0)]),
    ("非法收购、运输、出售珍贵、濒危野生动物、珍贵、濒危野生动物制品", &[("(珍贵、濒危野生动物|重点保护野生动物|重点保护动物|穿山甲|象牙|猫头鹰|红隼|黑熊|国家二级保护野生动物|国家一级保护野生动物|国家一级保护动物|国家二级保护动物)+(收购|运输|出售|购买|贩卖|销售|买|卖)", 1.0)]),
    ("非法猎捕、杀害珍贵、濒危野生动物", &[("(珍贵、濒危野生动物|重点保护野生动物|重点保护动物|国家二级保护野生动物|国家一级保护野生动物|国家一级保护动物|国家二级保护动物|猫头鹰|红隼|穿山甲)+(猎捕|杀害|捕杀|猎杀|捕获|诱捕|射杀)", 1.0)]),
    ("非法种植毒品原植物", &[("(罂粟|大麻)+(种植|株)", 1.0)]),
    ("非法买卖、运输、携带、持有毒品原植物种子、幼苗", &[("罂粟种子|罂粟+幼苗|大麻种子|毒品原植物种子", 1.0)]),
    ("非法转让、倒卖土地使用权", &[("土地使用权+(转让|倒卖|出让|卖给)", 1.0), ("倒卖+土地|出售+土地|转让+土地", 0.8)]),
    ("虐待", &[("虐待", 1.0), ("长期+殴打+家庭|冻饿|罚跪|家庭成员+殴打", 0.7)]),
    ("虐待被监管人", &[("被监管人|监管人员+殴打|体罚+在押|在押人员+殴打", 0.8)]),
    ("强迫劳动", &[("强迫劳动|强迫+劳动|限制人身自由+劳动|强迫+干活|强迫+做工", 1.0)]),
    ("破坏交通设施", &[("交通设施|铁轨|航标|铁路+破坏|铁路+盗|路标+破坏|破坏+公路|井盖", 1.0)]),
    ("破坏交通工具", &[("破坏+交通工具|破坏+刹车|刹车+剪断|刹车+破坏", 1.0)]),
    ("破坏易燃易爆设备", &[("输油管|燃气管道|油气管道|打孔+盗油|易燃易爆|天然气管道|原油+打孔", 1.0)]),
    ("破坏广播电视设施、公用电信设施", &[("电信设施|通信光缆|光缆|通信基站|电信线路|广播电视|通信线路|通讯线路|通信电缆|通讯电缆", 1.0)]),
    ("非法组织卖血", &[("卖血|血浆|供血", 1.0)]),
    ("危险物品肇事", &[("危险物品+事故|危险化学品+事故|爆炸物品+事故|危险物品+泄漏", 1.0)]),
    ("打击报复证人", &[("打击报复+证人|报复+证人|作证+报复|作证+殴打", 1.0)]),
    ("单位行贿", &[("单位行贿", 1.0), ("(公司为|企业为|厂为)+(给予|送给|送予|送与)", 1.0), ("以单位名义+送|公司+名义+行贿|为+公司+谋取+送给", 0.8)]),
    ("对非国家工作人员行贿", &[("对非国家工作人员行贿", 1.0), ("送给+经理|送给+采购|送给+公司|给予+公司+工作人员|回扣+送|好处费+送给|好处费+给", 0.7)]),
    ("单位受贿", &[("单位受贿", 1.0), ("以单位名义+收受|单位+账外+收取", 0.7)]),
    ("利用影响力受贿", &[("利用影响力", 1.0), ("斡旋|近亲属+国家工作人员+收受|关系密切+收受|通过+国家工作人员+职务+收受", 0.8)]),
    // 刑法第395条: a functionary's property beyond his lawful income, its source unexplained
    // (goods of unknown origin, `来源不明的食盐`, are no such property)
    ("巨额财产来源不明", &[("巨额财产|不能说明来源|(财产|支出|差额)+(来源不明|无法说明+来源|不能说明+来源)|明显超过合法收入", 1.0)]),
    ("徇私枉法", &[("徇私枉法|枉法", 1.0), ("司法工作人员+徇私|包庇+立案|不立案+徇私|故意+不追诉", 0.8)]),
    ("徇私舞弊不移交刑事案件", &[("不移交|应当移交+司法机关|以罚代刑|不移交刑事案件", 1.0)]),
    ("招收公务员、学生徇私舞弊", &[("招收+学生+徇私|招收+公务员|录取+舞弊|招生+徇私|学籍+舞弊|招生+违规", 1.0)]),
    ("徇私舞弊不征、少征税款", &[("不征|少征", 1.0)]),
    ("动植物检疫徇私舞弊", &[("检疫+徇私|伪造+检疫|检疫证明+出具|未经检疫+出具|检疫合格证明+违规", 1.0)]),
    ("挪用特定款物", &[("(救灾|抢险|防汛|优抚|扶贫|移民|救济|社会捐助)+挪用", 1.0)]),
    ("违法发放贷款", &[("违法发放贷款", 1.0), ("(发放贷款|放贷)+(违反|违规|审查|调查|核实)", 0.8)]),
    ("票据诈骗", &[("票据诈骗|空头支票|(使用伪造的|使用变造的|使用作废的|冒用他人的)+(汇票|支票|本票)+(骗取|骗得|诈骗)", 1.0), ("(汇票|支票|本票)+(伪造|骗取|空头|冒用|作废)", 0.9)]),
    ("金融凭证诈骗", &[("金融凭证|委托收款凭证|汇款凭证|银行存单+伪造|伪造+存单+骗|(伪造|变造)+存单+(支取|冒领|取走|取出)", 1.0)]),
    ("伪造、变造金融票证", &[("金融票证|(汇票|存单|支票|信用证)+(伪造|变造)", 1.0)]),
    ("窃取、收买、非法提供信用卡信息", &[("信用卡信息|银行卡信息|侧录|磁条信息|复制+银行卡+信息", 1.0)]),
    ("伪造货币", &[("伪造货币|(印制|制造|制作)+假币", 1.0)]),
    ("出售、购买、运输假币", &[("假币+(购买|出售|运输|买入|购得|贩卖)", 1.0)]),
    ("持有、使用假币", &[("假币", 0.8), ("假币+(使用|持有|花掉|找零)", 1.0)]),
    ("贷款诈骗", &[("贷款诈骗", 1.0), ("贷款+(非法占有|挥霍|潜逃|携款|逃匿|赌博)", 0.8)]),
    ("走私武器、弹药", &[("走私+枪支|走私+弹药|走私+武器", 1.0)]),
    ("走私国家禁止进出口的货物、物品", &[("禁止进出口|走私+冻品|走私+固体废物|走私+珍稀植物|走私+红木", 0.8)]),
    ("走私废物", &[("走私+废物|走私+固体废物|走私+废塑料|洋垃圾|走私+旧衣服|走私+废五金", 1.0)]),
    ("走私", &[("走私", 0.3)]),
    ("非法制造、买卖、运输、储存危险物质", &[("氰化钠|剧毒化学品|危险物质+买卖|危险物质+储存|危险物质+出售|毒鼠强+出售|毒鼠强+销售|氟乙酰胺", 1.0)]),
    ("非法获取国家秘密", &[("国家秘密|秘密文件|机密|秘密级|绝密", 1.0)]),
    ("非法生产、销售间谍专用器材", &[("间谍专用|窃听|窃照|针孔摄像", 1.0)]),
    ("非法制造、销售非法制造的注册商标标识", &[("商标标识|商标+标识|商标+标签|印制+商标|商标+包装盒|防伪标", 1.0)]),
    ("侵犯著作权", &[("著作权|盗版|复制发行|侵权复制品|私服|未经+著作权人|未经+权利人+复制", 1.0)]),
    ("生产、销售伪劣农药、兽药、化肥、种子", &[("伪劣+农药|伪劣+种子|伪劣+化肥|假种子|假农药|假化肥|兽药|劣质+种子|不合格+种子|不合格+化肥|不合格+农药", 1.0)]),
    // 刑法第290条 needs a crowd gathered (聚众): disorder alone is the wording of other offences
    ("聚众扰乱社会秩序", &[("扰乱+社会秩序", 0.5), ("聚众扰乱|聚集+扰乱+社会秩序|纠集+扰乱+社会秩序|(纠集|聚集|召集)+(村民|群众|几十人|数十人)+(阻碍施工|阻止施工|阻挠施工|封堵|围堵)|围堵+政府|围堵+大门|堵塞+大门|致使+工作+无法进行|致使+无法正常|致使+生产+无法|无法正常+经营", 1.0)]),
    ("聚众冲击国家机关", &[("冲击+国家机关|冲击+政府|冲击+法院|冲击+派出所|冲击+机关", 1.0)]),
    ("聚众扰乱公共场所秩序、交通秩序", &[("扰乱+公共场所秩序|扰乱+交通秩序|堵塞+交通|阻断+交通|堵塞+道路|阻断+道路|拦截+车辆", 1.0)]),
    ("聚众哄抢", &[("哄抢", 1.0)]),
    ("组织、领导、参加黑社会性质组织", &[("黑社会性质|黑社会", 1.0)]),
    ("侵占", &[("侵占|代为保管+拒不退还|拒不交出|拒不归还|拒不退还|遗忘物|埋藏物", 0.7)]),
    ("过失投放危险物质", &[("过失投放|不慎+农药+中毒|误+投放", 1.0)]),
    ("过失以危险方法危害公共安全", &[("过失以危险方法", 1.0)]),
    ("过失损坏广播电视设施、公用电信设施", &[("挖断+光缆|挖断+电缆|施工+损坏+光缆|施工+挖断|不慎+损坏+通信|不慎+挖断|钩断+光缆", 1.0)]),
    ("过失损坏武器装备、军事设施、军事通信", &[("军事通信|军用光缆|军事设施|国防光缆|军用+光缆|军用+电缆|部队+光缆", 1.0)]),
    ("伪造、变造、买卖武装部队公文、证件、印章", &[("武装部队|部队+印章|军官证|士兵证|军人证件|军队+证件|军车号牌|军用+号牌", 1.0)]),
    ("伪造、倒卖伪造的有价票证", &[("有价票证|伪造+车票|伪造+门票|伪造+邮票|伪造+购物卡|伪造+船票|伪造+机票", 1.0)]),
    ("倒卖车票、船票", &[("倒卖+车票|倒卖+火车票|倒卖+船票|加价+车票|加价+火车票|抢票", 1.0)]),
    ("盗窃、侮辱尸体", &[("尸体+盗窃|尸体+侮辱|盗+尸体|尸骨+出售|盗掘+尸|尸体+奸淫|偷+尸|挖+坟+尸|盗+尸骨", 1.0)]),
    ("盗窃、抢夺枪支、弹药、爆炸物", &[("盗窃+枪支|盗窃+炸药|盗窃+雷管|抢夺+枪|盗走+枪|偷+枪|盗走+炸药|盗走+雷管|偷+炸药|偷+雷管", 1.0)]),
    ("盗窃、抢夺枪支、弹药、爆炸物、危险物质", &[("盗窃+枪支|盗窃+炸药|盗窃+雷管|抢夺+枪|盗走+枪|偷+枪|盗走+炸药|盗走+雷管|偷+炸药|偷+雷管", 1.0)]),
    ("包庇毒品犯罪分子", &[("包庇+毒品|包庇+贩毒|包庇+吸毒", 1.0)]),
    ("窝藏、转移、收购、销售赃物", &[("收购+赃物|销售+赃物|窝藏+赃物|转移+赃物", 0.5)]),
    ("强迫他人吸毒", &[("强迫+吸毒|强迫+吸食|强行+注射+毒品|强迫+注射", 1.0)]),
    ("引诱、教唆、欺骗他人吸毒", &[("引诱+吸毒|教唆+吸毒|欺骗+吸食|引诱+吸食|教唆+吸食|掺入+毒品|放入+毒品+饮料|放入+毒品+酒", 1.0)]),
    ("传播性病", &[("性病|梅毒|淋病|尖锐湿疣", 1.0)]),
    ("逃税", &[("逃税|偷税|逃避缴纳税款|虚假纳税申报|不申报|少申报|隐匿收入+税", 1.0)]),
    ("破坏监管秩序", &[("破坏监管秩序|牢头狱霸|监舍|监室+殴打|在押+殴打|罪犯+殴打|服刑+殴打", 1.0)]),
    ("非法处置查封、扣押、冻结的财产", &[("查封+(擅自|私自|转移|变卖|出售|处置|隐匿)", 0.8), ("冻结+(转移|擅自)", 0.5)]),
    ("非法收购、运输盗伐、滥伐的林木", &[("收购+盗伐|收购+滥伐|运输+盗伐|明知是盗伐|明知是滥伐|收购+无证+木材|收购+来源不明+木材", 1.0)]),
    ("对单位行贿", &[("对单位行贿", 1.0), ("给予+单位+好处|向+单位+送|给+单位+好处费", 0.7)]),
    ("经济犯", &[]),
];

/// (winner, loser, condition): when the winner's decisive cue and the condition are present, the
/// loser is usually not charged separately (the winner's definition absorbs it).
pub const DOMINATES: &[(&str, &str, &str)] = &[
    // 刑法第236条第2款: the intercourse told, the girl's age makes it rape, not 猥亵儿童 (第237条)
    ("强奸", "猥亵儿童", "发生性关系|奸淫"),
    ("过失致人死亡", "交通肇事", "非道路"),
    // 刑法第233条 yields to the special provisions: a death in production or work is 第134条's
    ("重大责任事故", "过失致人死亡", "生产|作业|施工|工地|安全管理"),
    // 刑法第341条: hunting animals under state protection is 第1款, not the hunting of 第2款
    ("非法猎捕、杀害珍贵、濒危野生动物", "非法狩猎", "重点保护野生动物|国家一级保护|国家二级保护|国家重点保护|珍贵、濒危|濒危野生动物"),
    // 刑法第384条: public money (or a state functionary of 第272条第2款) makes 挪用资金 挪用公款
    ("挪用公款", "挪用资金", "公款|国有|国家工作人员|国家出资"),
    // a fire lit on purpose with a lighter to what burns (被褥, 房屋), no negligence told: 放火
    ("放火", "失火", "(用打火机|用火机|持打火机)+(点燃|引燃)+!(不慎|过失|烧荒|取暖|烧纸|秸秆|杂草|垃圾|烟头|野外用火|上坟)"),
    // 刑法第115条第2款: a fire started by negligence is 失火, not 放火 (第114条)
    ("失火", "放火", "(过失|不慎|用火不慎)+!(故意放火|纵火|报复|泄愤)"),
    // 刑法第303条第2款: a gambling venue run (machines, a room whose players pay a cut) is
    // 开设赌场, not the 聚众赌博 of 第1款
    ("开设赌场", "赌博", "开设赌场|赌场|赌博机|赌博游戏机|老虎机|捕鱼机|(麻将机|棋牌室|麻将馆|麻将室)+(抽头|抽水|渔利|台费|茶水费)"),
    ("寻衅滋事", "故意伤害", "寻衅滋事|随意殴打|无事生非|借故生非|逞强耍横|肆意挑衅|无故+殴打|随意+殴打"),
    ("寻衅滋事", "故意毁坏财物", "寻衅滋事|任意损毁|无事生非|借故生非|逞强耍横|肆意挑衅|寻求刺激|寻求精神刺激|无故+(打砸|砸坏|砸毁|砸烂)"),
    ("合同诈骗", "诈骗", "合同+(骗取|骗|非法占有)|签订+(合同|协议)|租赁|租车|货款|购销"),
    ("信用卡诈骗", "诈骗", "信用卡|银行卡"),
    ("保险诈骗", "诈骗", "保险"),
    ("集资诈骗", "诈骗", "集资"),
    ("故意杀人", "故意伤害", "杀害|故意杀人|杀人|刺杀|掐死|勒死|捂死|非法剥夺他人生命|杀死+!(动物|狩猎|猎捕|猎杀|鸟|狗|猪|鸡|鸭|蛙|蛇|牲畜|家禽|鱼类)"),
    ("走私、贩卖、运输、制造毒品", "非法持有毒品", "贩卖|出售|卖给|交易|运输"),
    ("猥亵儿童", "强制猥亵、侮辱妇女", "儿童|幼女|不满十四周岁|未满十四周岁|女童|男童"),
    ("强奸", "强制猥亵、侮辱妇女", "强奸|奸淫|发生性关系"),
    // 刑法第133条之一第3款: drunk driving that caused such an accident is judged as the heavier
    // 交通肇事 alone
    ("交通肇事", "危险驾驶", "事故+(全部责任|主要责任)+(死亡|重伤)"),
    ("危险驾驶", "交通肇事", "(血液+乙醇|醉酒)+!死亡+!重伤"),
    ("抢劫", "抢夺", "暴力|威胁|持刀|胁迫|殴打"),
    ("非国家工作人员受贿", "受贿", "公司|企业|非国家工作人员"),
    // 销售假冒注册商标的商品 (刑法第214条): goods known (明知) to bear another's mark, bought and
    // sold; putting the mark on goods (第213条) is told by making them
    ("销售假冒注册商标的商品", "假冒注册商标", "(明知|销售)+!(生产|制造|加工|印制|灌装|组装|贴上|粘贴|贴附|包装成|同一种商品上使用|翻新|套换|喷涂|钉贴|张贴|改装|换成)"),
    // 职务侵占 (刑法第271条) is the taking by one's post: 侵占 (第270条) then is no separate charge
    ("职务侵占", "侵占", "职务|工作之便|工作便利"),
    ("滥用职权", "玩忽职守", "滥用职权|超越职权|擅自|违反规定"),
    ("脱逃", "破坏监管秩序", "越狱|翻越+围墙|爬出+围墙|网上追逃|上网追逃|不备之机"),
    ("非法采伐、毁坏国家重点保护植物", "滥伐林木", "重点保护"),
    ("非法采伐、毁坏国家重点保护植物", "盗伐林木", "重点保护"),
    // food made with toxic or harmful non-food matter is 刑法第144条, which then covers its
    // falling short of the food-safety standard (第143条)
    ("生产、销售有毒、有害食品", "生产、销售不符合安全标准的食品", "有毒、有害|有毒有害|非食品原料|瘦肉精|盐酸克伦特罗|地沟油|罂粟|西地那非|西布曲明|他达拉非|工业松香|甲醛|硼砂|敌敌畏|孔雀石绿"),
    // 刑法第194条: a forged bill or deposit slip used to defraud is 票据诈骗 or 金融凭证诈骗;
    // forging it (第177条) is then the means, not a charge of its own
    ("票据诈骗", "伪造、变造金融票证", "使用伪造的|使用变造的|使用作废的|冒用他人的"),
    ("金融凭证诈骗", "伪造、变造金融票证", "使用伪造的|使用变造的"),
    // 刑法第393条: the unit giving for its own benefit is not the individual bribery of 第389条
    ("单位行贿", "行贿", "公司为|企业为|厂为|单位名义|公司名义"),
    // 刑法第164条: the giver's offence, not the taker's (第163条)
    ("对非国家工作人员行贿", "非国家工作人员受贿", "送给|给予|贿送|送予"),
    // 刑法第243条, 第246条: the crime a false accusation or a defamation invents is not the
    // defendant's
    ("诬告陷害", "贪污", "捏造|虚构|诬告|虚假"),
    ("诬告陷害", "受贿", "捏造|虚构|诬告|虚假"),
    ("诬告陷害", "强奸", "捏造|虚构|诬告"),
    ("诬告陷害", "盗窃", "捏造|虚构|诬告"),
    ("诬告陷害", "抢劫", "捏造|虚构|诬告"),
    ("诬告陷害", "诈骗", "捏造|虚构|诬告"),
    ("诬告陷害", "故意伤害", "捏造|虚构|诬告"),
    ("诬告陷害", "强制猥亵、侮辱妇女", "捏造|虚构|诬告"),
    ("诬告陷害", "猥亵儿童", "捏造|虚构|诬告"),
    ("诽谤", "贪污", "捏造|虚构|虚假"),
    ("诽谤", "受贿", "捏造|虚构|虚假"),
    ("重大劳动安全事故", "重大责任事故", "劳动安全设施|安全生产条件|安全设施+不符合|安全生产设施|劳动防护用品|(未|没有)+(提供|配备|配发|发放)+(安全帽|安全绳|安全带|防护用品)|未采取任何安全"),
];

/// Strength of the cue evidence for every charge in `facts` (0 when none matches): the largest
/// weight among the patterns that match. Text about earlier convictions (曾因…罪被判处) is skipped.
pub fn cue_scores(facts: &str) -> Vec<(&'static str, f32, &'static str)> {
    let text = strip_record(facts);
    let mut out = Vec::new();
    for (charge, pats) in CUES {
        let mut best = (0.0f32, "");
        let by_sentence = BY_SENTENCE.contains(charge);
        for (p, w) in pats.iter() {
            if *w > best.0 && matches(&text, p) && (!by_sentence || text.split(['。', '；', ';']).any(|s| matches(s, p))) {
                best = (*w, p);
            }
        }
        if best.0 > 0.0 {
            out.push((*charge, best.0, best.1));
        }
    }
    // 猥亵儿童 (刑法第237条第3款): the victim under fourteen by the birth date the facts give
    if child_victim(&text) && matches(&text, "猥亵|抚摸|摸+(胸|阴部|生殖器|臀部|隐私)|抠摸|亲吻") {
        raise(&mut out, "猥亵儿童", 1.0, CHILD_CUE);
    }
    // 强奸 (刑法第236条第2款): intercourse with a girl under fourteen is rape whatever she said
    if matches(&text, "发生性关系|奸淫") && (child_victim(&text) || matches(&text, CHILD_WORDS)) {
        raise(&mut out, "强奸", 1.0, CHILD_RAPE_CUE);
    }
    // 非国家工作人员受贿 (刑法第163条): staff of a company or other non-state unit taking money
    // for their position
    if company_staff(&text).is_some() && matches(&text, COMPANY_BRIBE) {
        raise(&mut out, "非国家工作人员受贿", 1.0, COMPANY_BRIBE_CUE);
    }
    // 受贿 (刑法第385条): a state functionary (刑法第93条; not a village office in the village's
    // own affairs) taking money for his position
    if state_functionary(&text).is_some_and(|cl| !is_village_office(cl)) && matches(&text, COMPANY_BRIBE) && matches(&text, "职务|职权|职责|便利") {
        raise(&mut out, "受贿", 1.0, STATE_BRIBE_CUE);
    }
    // 贪污 (刑法第382条): a state functionary (a village office assisting the government among
    // them) taking public property by his post, by 侵吞, 窃取, 骗取, and keeping it
    if state_functionary(&text).is_some_and(|cl| !is_village_office(cl) || assists_government(&text)) && matches(&text, EMBEZZLEMENT) {
        raise(&mut out, "贪污", 1.0, EMBEZZLEMENT_CUE);
    }
    // 行贿 (刑法第389条): money given to someone in public office, the defendant taking none
    // 对非国家工作人员行贿 (刑法第164条): money given to a non-state company's staff
    if private_bribe_giver(&text) {
        raise(&mut out, "对非国家工作人员行贿", 1.0, PRIVATE_BRIBE_GIVER_CUE);
    }
    if bribe_giver(&text) {
        raise(&mut out, "行贿", 1.0, BRIBE_GIVER_CUE);
    }
    // 侵占 (刑法第270条) is prosecuted only on the victim's complaint (第3款, 告诉的才处理): in a
    // private prosecution (自诉人) the taking is 侵占, not 职务侵占 (第271条), which the
    // procuratorate prosecutes
    if matches(&text, PRIVATE_TAKING_CUE) {
        raise(&mut out, "侵占", 1.0, PRIVATE_TAKING_CUE);
        out.retain(|q| q.0 != "职务侵占");
    }
    // 窝藏 (刑法第310条): knowing someone is on the run, giving him a place, money or help to
    // get away, told in one sentence (`明知姚某某负案在逃…提供…现金…资助其逃跑`)
    if text.split(['。', '；', ';']).any(|s| matches(s, HARBOUR_CUE)) {
        raise(&mut out, "窝藏、包庇", 1.0, HARBOUR_CUE);
    }
    // duty crimes (刑法第九章): the defendant's office in a state organ, acts against the rules
    // (滥用职权, 刑法第397条) or neglect (玩忽职守), and no gain of his own (which would make it
    // 受贿/贪污 instead)
    if let Some((charge, why)) = duty_crime(&text) {
        raise(&mut out, charge, DUTY_WEIGHT, why);
    }
    out
}

/// Set `charge`'s cue weight to at least `weight`.
fn raise(out: &mut Vec<(&'static str, f32, &'static str)>, charge: &'static str, weight: f32, why: &'static str) {
    match out.iter_mut().find(|q| q.0 == charge) {
        Some(q) if q.1 >= weight => {}
        Some(q) => *q = (charge, weight, why),
        None => out.push((charge, weight, why)),
    }
}

const BRIBE_GIVER_CUE: &str = "给予国家工作人员财物+被告人未收受";
const PRIVATE_BRIBE_GIVER_CUE: &str = "给予公司、企业工作人员财物+被告人未收受";
/// Posts in a company or other non-state unit that a gift's recipient may hold.
const PRIVATE_POSTS: &[&str] = &["经理", "采购", "负责人", "主管", "总监", "厂长", "店长", "业务员", "董事长", "总经理"];
/// Units that are no state organ.
const PRIVATE_UNITS: &[&str] = &["公司", "超市", "企业", "商场", "酒店", "集团", "厂"];
/// Charges whose cue must be told within one sentence as well: the thing forged and the forging
/// (`伪造…印章` beside an evidence list that names a `营业执照` is no forged licence).
const BY_SENTENCE: &[&str] = &["伪造、变造、买卖国家机关公文、证件、印章"];
const HARBOUR_CUE: &str = "(明知|得知|知道)+(逃跑|逃匿|躲避|潜逃|逃避|在逃|逃犯|追逃|要抓捕|立案侦查|逃逸)+(提供住处|提供住宿|提供钱财|提供现金|提供车辆|提供工作|提供食宿|住处提供|为其提供|为其安排)|(明知|得知|知道)+(逃跑|逃匿|躲避|潜逃|逃避|在逃|逃犯|追逃|要抓捕|立案侦查|逃逸)+(资助|藏匿|藏在|帮助其逃|帮助逃|帮助其离开|帮助二人离开)|(负案潜逃|负案在逃)+(藏匿|藏在|藏于)+提供|(伪称|谎称|假称)+(系自己|是自己|自己驾驶|其驾驶)+(事故|肇事)|(代替|顶替)+(承担|肇事)+责任|虚假证明+(肇事|交通事故)";
const PRIVATE_TAKING_CUE: &str = "自诉人+(侵占|侵吞|据为己有|占为己有|拒不退还|拒不归还|拒不交出)";
/// Public offices of the one who takes a bribe (刑法第389条: 国家工作人员); the police who
/// arrest the defendant are no such recipient.
const PUBLIC_TITLES: &[&str] = &[
    "县长", "市长", "镇长", "乡长", "区长", "省长", "局长", "处长", "科长", "厅长", "书记", "营长", "连长", "团长", "政委", "检察长", "院长",
    "庭长", "法官", "检察官", "国家工作人员", "部队", "政府",
];
const GIFT: &str = "(送给|给予|贿送|送予|送去|送上|贿赂)+(现金|人民币|回扣|好处费|财物|购物卡|红包|感谢费|万元)";
const TAKING: &[&str] = &["收受", "索取", "索要", "收取", "非法占有", "据为己有"];
/// A gift told from the side of the one who got it (`收受某某送给的`).
const RECEIVED: &[&str] = &["送给的", "给予的", "送来的", "所送", "送的"];

/// Whether the facts tell of the defendant giving money to someone in public office (刑法第389条,
/// 行贿): a gift of money (`送给郭某现金`, `给予陈某回扣`), a public office named (`时任县长`,
/// `部队营长`), and no clause where the defendant (被告人) takes money. `text` as returned by
/// [`strip_record`].
pub fn bribe_giver(text: &str) -> bool {
    let clauses: Vec<&str> = text.split(['，', '。', '；', '：', ',', ';']).collect();
    let received = |cl: &str| RECEIVED.iter().any(|r| cl.contains(r));
    let gives = clauses.iter().any(|cl| matches(cl, GIFT) && !TAKING.iter().any(|t| cl.contains(t)) && !received(cl));
    let office = clauses.iter().any(|cl| PUBLIC_TITLES.iter().any(|t| cl.contains(t)) && !POLICE_ACTING.iter().any(|k| cl.contains(k)));
    // the defendant, or someone the facts name as taking (`陆某两次共计收受现金`), not the
    // official's acceptance after the gift (`郭某均予以收取`); `收受多人给予的人民币`: a gift told
    // as received is the taker's
    let takes = clauses.iter().any(|cl| {
        let taking = TAKING.iter().any(|t| cl.contains(t));
        (taking && (cl.contains("被告人") || received(cl))) || (["收受", "索取", "索要"].iter().any(|t| cl.contains(t)) && !cl.contains("予以收"))
    });
    gives && office && !takes
}

/// Whether the facts tell of the defendant giving money to staff of a non-state company (刑法第164
/// 条): the clause of the gift itself names the recipient's post and unit (`送给该超市采购部经理
/// 李某现金`; a post named elsewhere may be the defendant's own), no state unit or public office
/// is named there or as the recipient's anywhere, and the defendant takes no money.
pub fn private_bribe_giver(text: &str) -> bool {
    let clauses: Vec<&str> = text.split(['，', '。', '；', '：', ',', ';']).collect();
    let received = |cl: &str| RECEIVED.iter().any(|r| cl.contains(r));
    let gives = clauses.iter().any(|cl| {
        matches(cl, GIFT)
            && !TAKING.iter().any(|t| cl.contains(t))
            && !received(cl)
            && PRIVATE_POSTS.iter().any(|p| cl.contains(p))
            && PRIVATE_UNITS.iter().any(|u| cl.contains(u))
            && !["国有", "国营", "政府", "局", "国家机关"].iter().any(|w| cl.contains(w))
    });
    let office = clauses.iter().any(|cl| PUBLIC_TITLES.iter().any(|t| cl.contains(t)) && !POLICE_ACTING.iter().any(|k| cl.contains(k)));
    let takes = clauses.iter().any(|cl| {
        let taking = TAKING.iter().any(|t| cl.contains(t));
        (taking && (cl.contains("被告人") || received(cl))) || (["收受", "索取", "索要"].iter().any(|t| cl.contains(t)) && !cl.contains("予以收"))
    });
    gives && !office && !takes
}

/// The duty crime (charge, cue text) suggested by the defendant's office in a state organ
/// ([`state_functionary`]) together with acts against the rules (滥用职权) or neglect (玩忽职守),
/// when nothing tells of a gain of his own. `text` as returned by [`strip_record`].
pub fn duty_crime(text: &str) -> Option<(&'static str, &'static str)> {
    // the acts must concern the office (an official's drunk driving is not a duty crime)
    // (a bribe under 5,000 yuan is no gain that makes it 受贿: the 1997 刑法第383条 left it to
    // administrative sanction unless the circumstances were serious, and 法释〔2016〕9号 puts it
    // under its lowest threshold; the office's acts are then judged as they are)
    let petty_bribe = bribe_total(text).is_some_and(|t| t < 5000.0) && !matches(text, EMBEZZLING);
    if state_functionary(text).is_none() || (matches(text, PERSONAL_GAIN) && !petty_bribe) || !matches(text, IN_OFFICE) {
        return None;
    }
    if matches(text, ABUSE_OF_OFFICE) {
        Some(("滥用职权", ABUSE_CUE))
    } else if matches(text, NEGLECT_OF_DUTY) {
        Some(("玩忽职守", NEGLECT_CUE))
    } else {
        None
    }
}

const CHILD_CUE: &str = "被害人出生日期+不满十四周岁+猥亵";
const CHILD_RAPE_CUE: &str = "被害人不满十四周岁+发生性关系";
const CHILD_WORDS: &str = "幼女|女童|不满十四周岁|未满十四周岁|不满14周岁|未满14周岁";

/// Whether the only harm to a person the facts report is 轻微伤: 故意伤害 (刑法第234条) begins at
/// 轻伤 (《人体损伤程度鉴定标准》), so a beating that left 轻微伤 is no such offence (it may be
/// 寻衅滋事, 第293条). Injuries reported as 轻伤, 重伤, 伤残 or a death keep it open.
pub fn minor_injury_only(text: &str) -> bool {
    let rest = text.replace("轻微伤", "");
    rest.len() < text.len() && !["轻伤", "重伤", "伤残", "死亡", "致死", "身亡"].iter().any(|w| rest.contains(w))
}

/// Whether the facts tell no sexual act at all: no sexual offence (刑法第236条, 第237条) then,
/// whatever else they share with one (a child, a woman).
pub fn no_sexual_act(text: &str) -> bool {
    !matches(text, "猥亵|奸|性关系|性行为|性侵|抚摸|摸|阴部|生殖器|胸|乳房|臀|裸|亲吻|隐私|下体|脱|淫|卖淫|嫖|××")
}

/// Whether gambling is only where the money went (`将侵占的资金用于网络赌博`, `赌博输光`): the
/// facts tell no gambling the defendant organised or ran (聚众赌博, a venue, a cut, players
/// gathered: 刑法第303条), so neither gambling charge is the offence.
pub fn gambling_only_spent(text: &str) -> bool {
    // the spending told next to the word (within six characters: `用于网络赌博`, `赌博时输光`)
    let spent = text.match_indices("赌博").any(|(i, w)| {
        let before: String = text[..i].chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
        let after: String = text[i + w.len()..].chars().take(6).collect();
        ["用于", "用来", "拿去", "花在", "用作"].iter().any(|k| before.contains(k)) || ["输掉", "输光", "输完", "挥霍", "欠下"].iter().any(|k| after.contains(k))
    });
    spent
        && !matches(text, "聚众赌博|开设赌场|赌场|抽头|抽水|渔利|参赌|招揽|组织+赌博|召集+赌博|赌博机|坐庄|庄家|赌博网站|赌博平台")
}

/// Whether the facts report none of the harms 交通肇事 needs (刑法第133条; 法释〔2000〕33号第2条:
/// a death, a serious injury, or a loss of property the offender cannot make good): an accident
/// that only injured or damaged is no such offence (drunk driving that caused it stays 危险驾驶).
pub fn no_grave_harm(text: &str) -> bool {
    !["死亡", "重伤", "身亡", "致死", "经抢救无效", "无能力赔偿", "无力赔偿"].iter().any(|w| text.contains(w))
}

/// Whether the facts give a victim's (被害人) birth year (`2010年1月9日生`, `2005年出生`) less than
/// fourteen years before the first year of the events (the age limit of 刑法第236条第2款 and
/// 第237条第3款; by years, so a child a few months from fourteen may be missed or counted).
pub fn child_victim(text: &str) -> bool {
    let mut births: Vec<u32> = Vec::new();
    let mut events: Vec<u32> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i + 4 < chars.len() {
        if chars[i..i + 4].iter().all(|c| c.is_ascii_digit()) && chars[i + 4] == '年' && (i == 0 || !chars[i - 1].is_ascii_digit()) {
            let year: u32 = chars[i..i + 4].iter().collect::<String>().parse().unwrap_or(0);
            let after: String = chars[i + 5..(i + 14).min(chars.len())].iter().collect();
            let before: String = chars[i.saturating_sub(3)..i].iter().collect();
            let victim = chars[i.saturating_sub(20)..i].iter().collect::<String>().contains("被害");
            let born = after.split(['，', ',', '。', '）', ')', '、']).next().is_some_and(|d| d.ends_with('生') || d.contains("出生")) || before.ends_with("出生于");
            if (1900..2100).contains(&year) {
                if born {
                    if victim {
                        births.push(year)
                    }
                } else {
                    events.push(year)
                }
            }
            i += 4;
        } else {
            i += 1;
        }
    }
    let Some(first_event) = events.first() else { return false };
    births.iter().any(|b| *first_event >= *b && first_event - b < 14)
}

/// Weight of the duty-crime cue derived from the defendant's office (not decisive alone).
const DUTY_WEIGHT: f32 = 0.9;
const ABUSE_OF_OFFICE: &str = "违反|违规|擅自|未经|不符合|虚报|超越职权|滥用职权|授意|指使|违背|违法|越权|无法律依据|没有按照|未按|虚假|伪造|截留|私自";
const NEGLECT_OF_DUTY: &str = "严重不负责任|不认真|未认真|疏于|未履行|不正确履行|失职|玩忽职守|未尽到|没有认真|未按规定";
const IN_OFFICE: &str = "职务|职权|职责|审批|审核|监管|履行|公务|负责|工作期间|任职|担任+期间";
const EMBEZZLING: &str = "据为己有|占为己有|侵吞|非法占有|归个人|个人使用|挥霍";
const PERSONAL_GAIN: &str = "收受|贿赂|好处费|索取|据为己有|占为己有|侵吞|非法占有|归个人|个人使用|挥霍";
const ABUSE_CUE: &str = "国家机关工作人员的职务+违反规定|擅自|越权";
const NEGLECT_CUE: &str = "国家机关工作人员的职务+严重不负责任|疏于履职";

/// State organs and the bodies that exercise public functions for them (村委会 in 协助政府
/// work, 立法解释 of 2000 on 刑法第93条).
const STATE_ORGANS: &[&str] = &[
    "局", "政府", "派出所", "办事处", "街道", "管理所", "财政所", "国土所", "司法所", "林业站", "管委会", "委员会", "人民法院",
    "人民检察院", "监狱", "看守所", "戒毒所", "海关", "乡", "镇", "公安", "国土", "林业", "水利", "财政", "民政", "税务", "工商",
    "城管", "交警", "卫生监督", "发改", "指挥部", "党支部", "村委会", "居委会", "社区",
];
const OFFICES: &[&str] = &[
    "局长", "所长", "科长", "股长", "站长", "乡长", "镇长", "主任", "书记", "民警", "干部", "工作人员", "科员", "协警", "队长", "干事",
    "处长", "助理", "监区长", "管教", "土管员", "技术员", "指挥长", "辅警", "警察", "狱警", "审核员", "办事员", "管理员", "专管员",
    "会计", "出纳", "工作期间", "值班", "执勤", "负责",
];
const HOLDING: &[&str] = &["时任", "担任", "身为", "期间", "任", "作为", "系", "值班", "执勤", "负责"];
/// The police acting on the defendant (被…执勤民警查获), not an office he holds.
const POLICE_ACTING: &[&str] = &["查获", "抓获", "抓捕", "投案", "报警", "鉴定", "认定", "出警", "盘查", "传唤", "归案", "查处", "拦停", "检查"];
/// Employers whose staff are not state functionaries (刑法第163条, 第271条, 第272条 name them).
const NON_STATE: &[&str] = &["公司", "企业", "银行", "医院", "学校", "有限", "集团", "信用社", "酒店", "厂"];

/// The clause that states the defendant's office in a state organ (刑法第93条: 国家工作人员), if
/// any, among the first 700 characters: a holding word (时任, 担任, 期间), a state organ and an
/// office, and no company, bank, hospital or school in the same clause.
pub fn state_functionary(text: &str) -> Option<&str> {
    let head: &str = match text.char_indices().nth(700) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    head.split(['，', '。', '；', '：']).find(|cl| {
        HOLDING.iter().any(|k| cl.contains(k))
            && STATE_ORGANS.iter().any(|k| cl.contains(k))
            && OFFICES.iter().any(|k| cl.contains(k))
            && !NON_STATE.iter().any(|k| cl.contains(k))
            && !POLICE_ACTING.iter().any(|k| cl.contains(k))
    })
}

/// Offices of village and residents' committees (村委会, 村党支部, 社区): state functionaries
/// only while assisting the government in the tasks listed by the 2000 interpretation of
/// 刑法第93条 (relief funds, land compensation...); in the village's own affairs their bribes are
/// 非国家工作人员受贿.
pub fn is_village_office(clause: &str) -> bool {
    ["村", "社区", "居委会", "居民委员会"].iter().any(|k| clause.contains(k))
}

/// Whether the facts tell a village or residents' committee office assisting the government in
/// a task of the 2000 interpretation of 刑法第93条第2款 (relief, poverty and resettlement funds,
/// land compensation, state land, taxes collected for the state, family planning, household
/// registration, conscription): then it acts as a state functionary.
pub fn assists_government(text: &str) -> bool {
    matches(text, "协助+(人民政府|镇政府|乡政府|街道办|政府)+(从事|管理|发放|工作)|(征地|拆迁|土地征收|土地征用|征收土地)+补偿|救灾款|抢险|防汛|优抚|扶贫|移民|救济|低保|社会捐助|代征|代缴|计划生育|征兵|国有土地|危房改造")
}

const COMPANY_BRIBE: &str = "收受|索要|索取|好处费|回扣|贿赂|感谢费";
const COMPANY_BRIBE_CUE: &str = "公司、企业人员的职务+收受|索取财物";
const STATE_BRIBE_CUE: &str = "国家工作人员的职务+收受|索取财物";
const EMBEZZLEMENT: &str = "(职务便利|职务上的便利|职务之便)+(侵吞|窃取|骗取|套取|冒领)+(据为己有|占为己有|归个人|个人使用|挥霍)";
const EMBEZZLEMENT_CUE: &str = "国家工作人员的职务+侵吞、窃取、骗取公共财物";
const COMPANY_OFFICES: &[&str] = &[
    "经理", "总经理", "主任", "工程师", "总监", "负责人", "教练", "员工", "工作人员", "主管", "采购员", "销售员", "组长", "部长", "董事",
];
const COMPANY_HOLDING: &[&str] = &["担任", "时任", "身为", "期间", "聘任", "聘用", "聘为", "任"];

/// The clause that states the defendant's post in a company or other unit that is not a state
/// organ (刑法第163条, 第271条), if any, among the first 700 characters: a holding word, a
/// company and a post, no state ownership (国有, 国营: 刑法第93条第2款 makes those state
/// functionaries), and not the giver of the money (送给, 行贿).
pub fn company_staff(text: &str) -> Option<&str> {
    let head: &str = match text.char_indices().nth(700) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    if head.contains("国有") || head.contains("国营") {
        return None;
    }
    let clauses: Vec<&str> = head.split(['，', '。', '；', '：']).collect();
    // the company may be named in the clause before the post (`在某公司工作期间，利用其担任经理的职务便利`)
    (0..clauses.len())
        .find(|&i| {
            let cl = clauses[i];
            let prev = if i > 0 { clauses[i - 1] } else { "" };
            COMPANY_HOLDING.iter().any(|k| cl.contains(k))
                && ["公司", "企业", "酒店", "集团", "驾校", "厂", "有限"].iter().any(|k| cl.contains(k) || prev.contains(k))
                && COMPANY_OFFICES.iter().any(|k| cl.contains(k))
                && !["送给", "给予", "行贿", "感谢"].iter().any(|k| cl.contains(k))
                && !STATE_ORGANS[..14].iter().any(|k| cl.contains(k))
        })
        .map(|i| clauses[i])
}

/// The charges of taking a bribe, graded by its amount (刑法第163条, 第383条, 第385条, 第388条之一).
pub const BRIBE_TAKING: &[&str] = &["受贿", "非国家工作人员受贿", "利用影响力受贿"];

/// The sum of the money told as taken for a post ([`crate::amount::bribe_amount`]: the sums
/// the facts tell as bribes), if the facts state any.
pub fn bribe_total(text: &str) -> Option<f64> {
    crate::amount::bribe_amount(text).map(|a| a.amount)
}

/// Bribery charges that need a state functionary or an intermediary (刑法第385条, 第388条之一,
/// 第392条): unlikely when a company's staff took the money.
pub const STATE_BRIBERY: &[&str] = &["受贿", "利用影响力受贿", "介绍贿赂"];

/// Charges whose subject the statute limits to staff of companies, enterprises and other units
/// that are not state organs (刑法第163条, 第164条, 第271条, 第272条): unlikely when the defendant
/// held office in a state organ.
/// The charges whose act is sexual (刑法第236条, 第237条).
pub const SEXUAL_OFFENCES: &[&str] = &["强奸", "强制猥亵、侮辱妇女", "猥亵儿童", "强制猥亵、侮辱"];
pub const NON_STATE_SUBJECT: &[&str] = &["非国家工作人员受贿", "职务侵占", "挪用资金"];

/// Offences after the fact (窝藏、包庇, 刑法第310条): the facts tell the principal's offence, but
/// when the defendant knew (明知) of someone else's offence, or took the blame for him (谎称,
/// 顶替投案), or hid him, that offence is not the defendant's. (charge, condition on the text).
pub const ACCESSORY: &[(&str, u32, &str)] = &[
    ("窝藏、包庇", 310, "明知|谎称|伪称|顶替|代替+承担+责任|虚假证明|顶罪|冒充驾驶人|冒充肇事|冒认|掩盖犯罪事实|提供逃匿资金|冒名顶替|隐藏住所|隐藏处所|帮助其逃匿|提供住处|负案潜逃|负案在逃"),
    // 妨害作证 (刑法第307条): the testimony concerns another's case
    ("妨害作证", 307, "另案处理|已判刑|已判决|已起诉|涉嫌+(侦查|立案|调查)|逃避法律制裁"),
];

/// `A|B+C|B+(D|E)+!F`: alternatives separated by `|`; an alternative is a conjunction of `+`
/// parts; a part is a literal, a group `(X|Y)` of literals (any one), or `!` before either (none).
pub fn matches(text: &str, pattern: &str) -> bool {
    split_top(pattern, '|').into_iter().any(|alt| {
        split_top(alt, '+').into_iter().all(|part| {
            let (neg, body) = match part.strip_prefix('!') {
                Some(b) => (true, b),
                None => (false, part),
            };
            let body = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')).unwrap_or(body);
            let hit = body.split('|').any(|lit| !lit.is_empty() && text.contains(lit));
            hit != neg
        })
    })
}

/// A cue pattern for a reason text: the words of the first alternative the text matches, each
/// quoted (`醉酒+驾驶` → `“醉酒”“驾驶”`; in a group the word found; negated parts as
/// `，且无“X”等字样`);
/// a pattern the text does not match as written (a rule's own summary) is spelled out whole
/// (`|` → 或, `+` → 、, `!` → 无).
pub fn describe(text: &str, pattern: &str) -> String {
    for alt in split_top(pattern, '|') {
        if !matches(text, alt) {
            continue;
        }
        let (mut found, mut absent) = (String::new(), Vec::new());
        for part in split_top(alt, '+') {
            let (neg, body) = match part.strip_prefix('!') {
                Some(b) => (true, b),
                None => (false, part),
            };
            let body = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')).unwrap_or(body);
            if neg {
                absent.extend(body.split('|').filter(|w| !w.is_empty()).map(|w| format!("“{w}”")));
            } else {
                let word = body.split('|').find(|w| !w.is_empty() && text.contains(w)).unwrap_or(body);
                found.push_str(&format!("“{word}”"));
            }
        }
        if !absent.is_empty() {
            found.push_str(&format!("，且无{}等字样", absent.concat()));
        }
        return found;
    }
    pattern.replace('|', "或").replace('+', "、").replace('!', "无").replace('(', "（").replace(')', "）")
}

/// Split on `sep` outside parentheses.
fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if c == sep && depth == 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Appraisals that deny a protected status (`树种…不属于国家重点保护树种`): the words of the status
/// are dropped, so that they do not read as the element of 刑法第344条 (国家重点保护植物) or
/// 第341条 (珍贵、濒危野生动物).
const DENIED_PROTECTION: &[&str] = &["不属于国家重点保护", "不属于国家级重点保护", "不属于重点保护", "不是国家重点保护", "不属于珍贵", "非国家重点保护", "非重点保护"];

/// The charges whose element is a protected status (刑法第341条第1款, 第344条): not suggested
/// when the facts deny that status ([`protection_denied`]).
pub const PROTECTED_STATUS: &[&str] = &[
    "非法采伐、毁坏国家重点保护植物",
    "非法收购、运输、加工、出售国家重点保护植物、国家重点保护植物制品",
    "非法猎捕、杀害珍贵、濒危野生动物",
    "非法收购、运输、出售珍贵、濒危野生动物、珍贵、濒危野生动物制品",
];

/// Whether the facts deny a protected status (an appraisal: `不属于国家重点保护树种`) and never
/// assert one elsewhere.
pub fn protection_denied(facts: &str) -> bool {
    DENIED_PROTECTION.iter().chain(LOCAL_PROTECTION).any(|d| facts.contains(d)) && !matches(&strip_denied_protection(facts), "重点保护|珍贵|濒危|国家一级保护|国家二级保护")
}

/// Protection by a province or city (`吉林省重点保护野生动物`): not the state's protection that
/// 刑法第341条第1款 and 第344条 require; hunting such animals unlawfully is 非法狩猎 (第341条第2款).
const LOCAL_PROTECTION: &[&str] = &["省重点保护", "省级重点保护", "自治区重点保护", "市重点保护", "市级重点保护", "地方重点保护"];

fn strip_denied_protection(facts: &str) -> std::borrow::Cow<'_, str> {
    if !DENIED_PROTECTION.iter().chain(LOCAL_PROTECTION).any(|d| facts.contains(d)) {
        return std::borrow::Cow::Borrowed(facts);
    }
    let mut out = facts.to_string();
    for d in DENIED_PROTECTION {
        out = out.replace(d, "不属于");
    }
    for d in LOCAL_PROTECTION {
        out = out.replace(d, "地方保护");
    }
    std::borrow::Cow::Owned(out)
}

/// The facts without sentences about earlier convictions, and without the words of a protected
/// status the facts deny ([`DENIED_PROTECTION`]).
pub fn strip_record(facts: &str) -> String {
    let facts = &strip_denied_protection(facts);
    let mut out = String::with_capacity(facts.len());
    for sent in facts.split_inclusive(['。', '；', ';']) {
        // an earlier conviction (`因犯盗伐林木罪被…判处`), not the judgment under appeal (原判)
        let earlier = ["曾因", "刑满释放"].iter().any(|w| sent.contains(w))
            || matches(sent, "因犯+罪+判处+!原判+!一审+!本院");
        if earlier && sent.contains("判") && sent.chars().count() < 120 {
            continue;
        }
        out.push_str(sent);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cue weight the text gives a charge (0 without one).
    fn weight(text: &str, charge: &str) -> f32 {
        cue_scores(text).into_iter().find(|q| q.0 == charge).map_or(0.0, |q| q.1)
    }

    #[test]
    fn village_offices_assisting_the_government() {
        assert!(assists_government("被告人在担任村委会主任期间，协助镇政府从事扶贫款发放工作"));
        assert!(assists_government("负责本村征地补偿费用的管理"));
        assert!(!assists_government("被告人在担任村委会主任期间，收受承包本村鱼塘的王某所送现金"));
    }

    #[test]
    fn money_given_to_a_company_s_staff() {
        assert!(private_bribe_giver("被告人魏某先后多次送给该超市采购部经理李某现金共计人民币8万元。"));
        // the post named elsewhere (the defendant's own), a public office, or the defendant taking
        assert!(!private_bribe_giver("被告人系某公司经理。被告人送给李某现金5万元。"));
        assert!(!private_bribe_giver("被告人送给时任某局局长的李某及某公司经理王某现金5万元。"));
        assert!(!private_bribe_giver("被告人利用担任某公司采购经理的职务便利，收受供货商送给的现金5万元。"));
    }

    #[test]
    fn sexual_acts() {
        assert!(no_sexual_act("被告人倒车时将在车后玩耍的儿童撞倒，致其死亡。"));
        assert!(!no_sexual_act("被告人将被害人（10岁）带至家中，抚摸其胸部。"));
        // the masked charge name may hide the act: not ruled out
        assert!(!no_sexual_act("被告人对被害人实施××，被害人系不满十四周岁的儿童。"));
    }

    #[test]
    fn gambling_that_is_only_the_spending() {
        assert!(gambling_only_spent("被告人将侵占的资金用于网络赌博，案发时已全部输光。"));
        assert!(gambling_only_spent("被告人骗得钱款后赌博输光。"));
        // gambling organised, or gambling and spending far apart: not only the spending
        assert!(!gambling_only_spent("被告人组织他人赌博，从中抽头渔利，所得用于赌博。"));
        assert!(!gambling_only_spent("再审查明的赌博事实和原判认定的事实一致。经比对认定为同一人所留，证据已进行质证。"));
    }

    #[test]
    fn patterns_described_for_reasons() {
        assert_eq!(describe("甲醉酒后驾驶", "醉驾|醉酒+驾驶"), "“醉酒”“驾驶”");
        assert_eq!(describe("盗走手机", "(溜门|盗走)+(手机|钱包)"), "“盗走”“手机”");
        assert_eq!(describe("私刻公章", "私刻+公章+!(骗取|诈骗)"), "“私刻”“公章”，且无“骗取”“诈骗”等字样");
        assert_eq!(describe("无关", "被害人出生日期+不满十四周岁+猥亵"), "被害人出生日期、不满十四周岁、猥亵");
    }

    #[test]
    fn a_denied_protected_status_is_no_element() {
        let denied = "经鉴定，所砍伐的树种为栎类，不属于国家重点保护树种。";
        assert!(protection_denied(denied));
        assert!(!matches(&strip_record(denied), "重点保护"));
        // denied for one tree, asserted for another: the status stands
        assert!(!protection_denied("砍伐的杉木不属于国家重点保护植物，另砍伐的红豆杉系国家一级重点保护植物。"));
        assert!(!protection_denied("被告人采伐国家重点保护植物香樟树一株。"));
    }

    #[test]
    fn absorbing_charges_read_their_conditions() {
        let cond = |w: &str, l: &str| DOMINATES.iter().find(|d| d.0 == w && d.1 == l).map(|d| d.2).unwrap();
        // (winner, loser, facts that meet the condition, facts that do not); texts go through
        // `strip_record` as the predictor's do
        let cases: &[(&str, &str, &[&str], &[&str])] = &[
            // 销售假冒注册商标的商品 (第214条): fakes bought and sold, not made (putting the mark
            // on the goods, 第213条)
            (
                "销售假冒注册商标的商品",
                "假冒注册商标",
                &["被告人明知是假冒注册商标的运动鞋，仍从他人处购进后在网店销售。", "被告人租赁档口，用于销售假冒“UGG”注册商标的鞋子。"],
                &[
                    "被告人明知未经许可，仍组织工人生产运动鞋并贴上耐克注册商标后销售。",
                    "被告人将收购的二手手机翻新成假冒苹果手机后出售。",
                    "被告人未经注册商标所有人许可，在同一种商品上使用与其注册商标相同的商标并销售。",
                    "被告人从他人处购进运动鞋。",
                ],
            ),
            // 刑法第341条第1款: animals under the state's protection, not a province's
            ("非法猎捕、杀害珍贵、濒危野生动物", "非法狩猎", &["猎捕的猫头鹰系国家二级保护野生动物。"], &["猎捕的斑鸠均为吉林省重点保护野生动物。"]),
            // 失火 (第115条第2款): a fire by negligence
            ("失火", "放火", &["被告人烧荒时用火不慎，引发森林火灾。"], &["被告人为泄愤，点燃柴草，不慎烧伤自己。"]),
            // 挪用公款 (第384条): public money
            ("挪用公款", "挪用资金", &["被告人利用担任国有公司出纳的职务便利，挪用公司资金。"], &["被告人利用担任某有限公司出纳的职务便利，挪用公司资金。"]),
            // 职务侵占 (第271条): taken by one's post
            ("职务侵占", "侵占", &["被告人利用担任出纳的职务便利，将货款侵占。"], &["被告人将他人委托其保管的手机侵占，拒不退还。"]),
            // 生产、销售有毒、有害食品 (第144条): toxic non-food matter in the food
            ("生产、销售有毒、有害食品", "生产、销售不符合安全标准的食品", &["被告人在卤肉中添加罂粟壳后对外销售。"], &["被告人将病死猪肉加工后对外销售。"]),
            // 重大劳动安全事故 (第135条): the employer's safety conditions
            ("重大劳动安全事故", "重大责任事故", &["被告人未为工人配备安全带等劳动防护用品。"], &["被告人违反操作规程，擅自启动吊车，致工人死亡。"]),
        ];
        for (winner, loser, yes, no) in cases {
            let c = cond(winner, loser);
            for t in *yes {
                assert!(matches(&strip_record(t), c), "{winner} over {loser}: {t}");
            }
            for t in *no {
                assert!(!matches(&strip_record(t), c), "{winner} over {loser} wrongly: {t}");
            }
        }
    }

    #[test]
    fn an_explosion_is_not_blast_fishing() {
        let cue = |t: &str| cue_scores(t).into_iter().find(|q| q.0 == "爆炸").map(|q| q.1);
        assert_eq!(cue("被告人李某在张某家门口引爆自制炸药包，致张某家房屋损毁。"), Some(1.0));
        assert_eq!(cue("被告人李某在某河段用雷管引爆炸鱼，捕获鱼类20公斤。"), None);
    }

    #[test]
    fn a_forged_state_document_is_told_in_one_sentence() {
        let cue = |t: &str| weight(t, "伪造、变造、买卖国家机关公文、证件、印章");
        assert_eq!(cue("被告人私自刻制了某劳务公司的公章，并伪造了一份营业执照复印件。"), 1.0);
        // a company seal forged, a licence in the list of evidence: no forged state document
        assert_eq!(cue("被告人伪造了一枚某建筑公司的印章。上述事实，有购销合同书、营业执照、印章印文鉴定书等证据证实。"), 0.0);
    }

    #[test]
    fn harbouring_a_fugitive_is_told_in_one_sentence() {
        // 刑法第310条: knowing he is on the run, a place to stay, money, help to get away
        let cue = |t: &str| weight(t, "窝藏、包庇");
        assert_eq!(cue("案发后姚某某外逃，被告人宋某某在明知姚某某负案在逃的情况下提供给姚某某现金人民币1000元，资助其逃跑。"), 1.0);
        assert_eq!(cue("期间，被告人桂某得知王某系公安机关要抓捕的逃犯，仍然将自己的住处提供给王某住宿。"), 1.0);
        assert_eq!(cue("被告人梁某在明知蒲某将李某砍伤且公安机关已立案侦查的情况下，依然为蒲某提供工作、住处。"), 1.0);
        // 包庇: taking the driver's place in the accident (false statements to the police)
        assert_eq!(cue("被告人张某甲主动到交警大队，伪称此次交通事故系自己驾驶车辆所为，意欲使张某乙逃避处罚。"), 1.0);
        assert_eq!(cue("被告人徐某代替祁某承担肇事责任，作出由其驾驶摩托车的虚假证明。"), 1.0);
        // the words in different sentences tell no harbouring; nor do words that only look alike
        assert!(cue("被告人明知该车系他人所有。同案人王某在逃。被告人提供了作案工具。") < 1.0);
        assert!(cue("被告人得知货车被查扣后逃跑，其提供的车辆登记证书系伪造。") < 1.0);
    }

    #[test]
    fn a_traffic_accident_needs_a_grave_harm() {
        // 法释〔2000〕33号第2条: a death, a serious injury, or a loss the driver cannot make good
        assert!(no_grave_harm("被告人酒后驾驶小型轿车与对向车辆发生碰撞，造成两车受损、骆某受伤的交通事故。"));
        assert!(!no_grave_harm("被告人驾驶货车与行人相撞，致行人经抢救无效死亡。"));
        assert!(!no_grave_harm("造成张某重伤，被告人负事故全部责任。"));
        assert!(!no_grave_harm("造成公私财产直接损失40万元，被告人无能力赔偿。"));
    }

    #[test]
    fn smashing_for_no_reason_is_picking_quarrels() {
        // 刑法第293条第1款第3项 (任意损毁公私财物) and 法释〔2013〕18号第1条 (为寻求刺激…无事生非)
        let cue = |t: &str| weight(t, "寻衅滋事");
        assert_eq!(cue("被告人酒后在某饭店无故打砸该饭店的酒柜、玻璃，致酒柜内的红酒损毁。"), 1.0);
        assert_eq!(cue("被告人为寻求精神刺激，多次用弹弓和钢珠将公交候车亭玻璃损毁。"), 1.0);
        let strip = |t: &str| DOMINATES.iter().any(|(w, l, cond)| *w == "寻衅滋事" && *l == "故意毁坏财物" && matches(t, cond));
        assert!(strip("被告人酒后无故打砸包厢内物品，价值人民币3582元。"));
        assert!(!strip("被告人因债务纠纷砸坏被害人的汽车玻璃，价值人民币3582元。"));
    }

    #[test]
    fn an_intent_to_kill_is_read_from_the_statute_s_words() {
        let cue = |t: &str| weight(t, "故意杀人");
        // 刑法第232条: 故意非法剥夺他人生命, and the intent told as the facts tell it
        assert_eq!(cue("公诉机关认为，被告人故意非法剥夺他人生命，致一人轻伤，系犯罪未遂。"), 1.0);
        assert_eq!(cue("被告人产生杀死被害人的想法，持菜刀朝其头部砍了三刀，经鉴定构成轻伤一级。"), 1.0);
        // an animal killed is no homicide
        assert_eq!(cue("被告人在禁猎区内使用猎夹猎捕野生动物，杀死野兔3只。"), 0.0);
    }

    #[test]
    fn violence_to_escape_after_a_theft_is_robbery() {
        // 刑法第269条: violence used on the spot to resist capture after a theft
        let cue = |t: &str| weight(t, "抢劫");
        assert_eq!(cue("被告人入室窃得现金700元，被房主发现后跳窗逃跑，在逃跑过程中采用随身携带的刀具威胁的手段抗拒前来抓捕的群众。"), 1.0);
        assert_eq!(cue("被告人盗取工地电线后逃离时被工作人员发现，被告人在其嘴部击打一拳。"), 1.0);
        assert_eq!(cue("被告人盗取工地电线后逃离时被工作人员发现并抓获。"), 0.0);
    }

    #[test]
    fn credit_card_fraud_reads_its_statutory_forms() {
        let cue = |t: &str| weight(t, "信用卡诈骗");
        // 恶意透支 (刑法第196条第2款): overdrawn, not repaid after the bank's reminders
        assert_eq!(cue("被告人申领信用卡后透支消费5万元，经发卡银行两次催收后超过三个月仍不归还。"), 1.0);
        // a card found or obtained by deception and used (法释〔2018〕19号第5条第2款)
        assert_eq!(cue("被告人拾得被害人的银行卡一张，后在自动取款机上取款3000元。"), 1.0);
        assert_eq!(cue("被告人骗取被害人的信用卡及密码后刷卡套现9000元。"), 1.0);
        // a card stolen and used is theft (刑法第196条第3款): no decisive cue here
        assert!(cue("被告人窃得被害人的信用卡一张，后取现3000元。") < 1.0);
    }

    #[test]
    fn a_minor_injury_alone_is_read_apart_from_graver_harm() {
        assert!(minor_injury_only("致被害人面部挫伤，经鉴定构成轻微伤。"));
        assert!(!minor_injury_only("经鉴定，张某的损伤构成轻伤二级，李某的损伤构成轻微伤。"));
        assert!(!minor_injury_only("致被害人轻微伤，后经抢救无效死亡。"));
        assert!(!minor_injury_only("被告人殴打被害人。"));
    }

    /// A group holds literals only: `(A|B+(C|D))` would read `B+(C` and `D)` as literals.
    fn flat(pattern: &str) -> bool {
        let mut depth = 0;
        pattern.chars().all(|c| {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            (0..=1).contains(&depth)
        })
    }

    #[test]
    fn no_pattern_nests_a_group() {
        let mut all: Vec<&str> = CUES.iter().flat_map(|(_, pats)| pats.iter().map(|(p, _)| *p)).collect();
        all.extend(DOMINATES.iter().map(|(_, _, c)| *c));
        all.extend(ACCESSORY.iter().map(|(_, _, c)| *c));
        all.extend([HARBOUR_CUE, PRIVATE_TAKING_CUE, CHILD_WORDS, GIFT, ABUSE_OF_OFFICE, NEGLECT_OF_DUTY, IN_OFFICE, EMBEZZLING, PERSONAL_GAIN, COMPANY_BRIBE]);
        for p in all {
            assert!(flat(p), "{p}");
        }
        assert!(!flat("(执法过程|依法+(扣押|检查))+殴打"));
    }

    #[test]
    fn pattern_syntax() {
        assert!(matches("甲醉酒后驾驶", "醉驾|醉酒+驾驶"));
        assert!(matches("盗走手机", "(溜门|盗走)+(手机|钱包)"));
        assert!(!matches("非国家工作人员收受", "国家工作人员+收受+!非国家工作人员"));
        assert!(!matches("撬开门", "(溜门|撬开)+(盗|偷)"));
    }

    #[test]
    fn earlier_convictions_are_not_the_offence() {
        let t = strip_record("被告人王某于1995年因犯盗伐林木罪被磐石市人民法院判处有期徒刑五年。1996年6月22日在外出劳动过程中，趁看守人员不备之机逃走，后被上网追逃。");
        assert!(!t.contains("盗伐林木"), "{t}");
        let c = cue_scores("1995年因犯盗伐林木罪被判处有期徒刑五年。在监狱服刑期间，趁看守人员不备之机逃走，后被上网追逃。");
        assert!(c.iter().any(|q| q.0 == "脱逃" && q.1 >= 1.0), "{c:?}");
        assert!(!c.iter().any(|q| q.0 == "盗伐林木"), "{c:?}");
        // the judgment under appeal is the offence
        let a = strip_record("原判认定被告人因犯盗窃罪，判处有期徒刑一年。");
        assert!(a.contains("盗窃"), "{a}");
    }

    #[test]
    fn company_staff_is_the_defendants_post() {
        assert!(company_staff("被告人杨某在宁夏某酒店有限公司担任总经理，利用职务便利向他人索要贿赂共计37万元。").is_some());
        // state-owned: a state functionary (刑法第93条第2款)
        assert!(company_staff("某公司属于国有控股公司，被告人梁某被聘任为该公司下属三公司经理，收受他人财物。").is_none());
        // the company's manager who gave the money is not the defendant's post
        assert!(company_staff("某公司经理王某为感谢被告人关照，送给被告人现金2万元。").is_none());
        let c = cue_scores("被告人黄某在某公司北京分公司工作期间，利用其担任客服经理的职务便利，非法收受王某的黄金项链。");
        assert!(c.iter().any(|q| q.0 == "非国家工作人员受贿" && q.1 >= 1.0), "{c:?}");
    }

    #[test]
    fn child_victims_by_birth_date() {
        assert!(child_victim("2016年5月7日7时许，被告人徐某见被害人巩某(女，2010年1月9日生)独自上楼"));
        assert!(child_victim("2014年8月中旬某日，被告人王某抱住被害人朱某（女，2008年6月1日出生）"));
        assert!(!child_victim("2016年5月7日，被告人徐某见被害人巩某(女，1990年1月9日生)独自上楼"));
        assert!(!child_victim("2016年5月7日，被告人徐某（1950年1月9日生）见被害人巩某独自上楼"));
        assert!(!child_victim("被害人巩某(女，2010年1月9日生)"), "no date of the events");
        assert!(!child_victim("2016年5月7日，被告人徐某（2003年1月9日生）殴打他人"), "the defendant's birth date");
    }

    #[test]
    fn state_functionary_is_the_defendants_office() {
        let s = "公诉机关指控，2011年，时任某县国土资源局局长的被告人张某违反规定审批土地，造成国家损失。";
        assert!(state_functionary(s).is_some_and(|c| c.contains("局长")));
        assert_eq!(duty_crime(s).map(|d| d.0), Some("滥用职权"));
        // the same office with money for himself: bribery or embezzlement, not this cue
        assert_eq!(duty_crime("时任某县国土资源局局长的被告人张某违反规定审批土地，收受好处费5万元。"), None);
        // neglect
        let n = "被告人李某在担任某镇财政所所长期间，严重不负责任，致使公款被骗。";
        assert_eq!(duty_crime(n).map(|d| d.0), Some("玩忽职守"));
        // an official's own traffic offence is not a duty crime
        assert_eq!(duty_crime("被告人王某系某县林业局干部，违反交通运输管理法规，驾车将行人撞伤。"), None);
        // the police who caught a drunk driver are not the defendant's office
        assert!(state_functionary("被告人醉酒后驾驶小型轿车，被交警大队执勤民警当场查获，违反道路交通安全法。").is_none());
        // a company manager is not a state functionary
        assert!(state_functionary("被告人王某在担任某有限公司采购部经理期间收受回扣。").is_none());
        // a village committee office counts for duty crimes but marks village affairs
        let v = state_functionary("被告人张某在担任某镇某村村委会主任期间，违规虚报危房改造户。").unwrap();
        assert!(is_village_office(v));
    }
}
