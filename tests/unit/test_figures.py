"""Casualty and crowd figures, and the grade an analyst would give them."""

from __future__ import annotations

import pytest

from analysis.figures import extract_figures, grade_from_figures, parse_count

LOCAL = ["云岭县", "云岭", "城关镇", "石门镇", "石门煤矿", "东坝镇", "化工厂", "南河大桥", "白沙河"]


def grade(text: str) -> str:
    return grade_from_figures(extract_figures(text, LOCAL), text)[0]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("一百二十三", 123), ("两", 2), ("十几", 15), ("数十", 20), ("几十", 20), ("上百", 100),
        ("几百", 200), ("数百", 200), ("上千", 1000), ("近千", 900), ("一百多", 100), ("30余", 30),
        ("1.2万", 12000), ("三四十", 30), ("二十几", 25), ("一千零五", 1005), ("两万三千", 23000),
        ("好几十", 20), ("好几百", 200), ("10+", 10), ("二三十", 20), ("一百来", 100),
    ],
)
def test_counts_in_chinese_and_arabic_numerals_are_read(raw: str, value: int) -> None:
    assert parse_count(raw)[0] == value


def test_deaths_and_injuries_in_one_phrase_are_told_apart() -> None:
    # given a report naming both tolls
    fig = extract_figures("白沙河边一辆客车侧翻，造成4人死亡、7人受伤。", LOCAL)
    # then each toll is read on its own, and the grade is 较大
    assert (fig.deaths, fig.injured) == (4, 7)
    assert grade_from_figures(fig, "")[0] == "III"


def test_a_rising_death_toll_takes_the_latest_figure() -> None:
    text = "事故初步造成2人死亡。截至今晚8时，死亡人数已上升至13人，仍有人员在抢救。"
    assert extract_figures(text, LOCAL).deaths == 13
    assert grade(text) == "II"


def test_thirty_deaths_is_the_gravest_grade() -> None:
    assert grade("南河大桥垮塌，目前已确认31人遇难。") == "I"


def test_miners_trapped_underground_are_a_major_risk() -> None:
    # given ten or more miners trapped in a flooded pit
    text = "石门煤矿井下发生透水，11名矿工被困，救援正在进行。"
    fig = extract_figures(text, LOCAL)
    # then the count is read, the setting is hazardous, and it is 重大 (II)
    assert fig.trapped == 11 and fig.trapped_in_hazard
    assert grade(text) == "II"


def test_trapped_people_all_rescued_no_longer_count_as_major() -> None:
    assert grade("石门煤矿11名矿工被困，经连夜救援已全部获救。") == "III"


def test_a_hundred_children_sent_to_hospital_after_a_meal_is_mass_poisoning() -> None:
    text = "城关镇一所小学学生吃完午餐后陆续腹痛，已有一百多个孩子送到医院。"
    fig = extract_figures(text, LOCAL)
    assert fig.poisoned is not None and fig.poisoned >= 100
    assert grade(text) == "II"


def test_dozens_poisoned_is_较大() -> None:
    assert grade("东坝镇一场喜宴后，二十多名村民出现上吐下泻。") == "III"


def test_households_affected_are_not_people_gathering() -> None:
    # given a post about hundreds of households waiting for their flats
    text = "城关镇某楼盘几百户业主至今拿不到房，大家都很着急。"
    fig = extract_figures(text, LOCAL)
    # then no crowd is reported and the post stays 一般
    assert fig.gathered is None
    assert grade(text) == "IV"


def test_households_taking_collective_action_is_a_collective_complaint_not_a_mass_incident() -> None:
    text = "城关镇某楼盘三百多户业主到售楼处拉横幅维权。"
    assert grade(text) == "III"


def test_thousands_evacuated_is_major() -> None:
    text = "白沙河水位暴涨，沿岸数千群众紧急转移。"
    assert extract_figures(text, LOCAL).evacuated == 2000
    assert grade(text) == "II"


def test_a_thousand_people_gathering_is_the_gravest_grade() -> None:
    assert grade("县政府门口聚集了上千名群众，要求说法。") == "I"


def test_dozens_of_workers_demanding_wages_is_较大() -> None:
    text = "东坝镇一工地三十多名农民工聚集讨薪。"
    assert extract_figures(text, LOCAL).gathered == 30
    assert grade(text) == "III"


def test_an_anniversary_of_a_past_disaster_does_not_trigger() -> None:
    # given a remembrance post that repeats an old toll
    text = "今天是南河大桥垮塌十周年，那次事故造成36人遇难，愿逝者安息。"
    fig = extract_figures(text, LOCAL)
    # then the figure is kept as discounted and the grade stays 一般
    assert fig.deaths is None
    assert fig.discounted and "回顾" in (fig.discounted[0].discounted or "")
    assert grade(text) == "IV"


def test_an_event_in_another_county_does_not_trigger() -> None:
    text = "邻县河阳县一煤矿昨天发生事故，12人遇难。"
    assert extract_figures(text, LOCAL).deaths is None
    assert grade(text) == "IV"


def test_a_refuted_rumour_does_not_trigger() -> None:
    text = "网传东坝化工厂爆炸致30人死亡，经核实系谣言。"
    assert grade(text) == "IV"


def test_a_drill_does_not_trigger() -> None:
    assert grade("县应急局在石门煤矿开展应急演练，模拟20名矿工被困井下。") == "IV"


def test_idioms_and_hotline_numbers_are_not_counts() -> None:
    fig = extract_figures("九死一生的经历，我打了12345投诉好几次，反映了3个月。", LOCAL)
    assert not fig.any()


def test_shorthand_tolls_are_read() -> None:
    fig = extract_figures("县道上两车相撞，致1死3伤。", LOCAL)
    assert (fig.deaths, fig.injured) == (1, 3)


def test_countywide_disaster_and_emergency_response_level_are_graded() -> None:
    assert grade("连日暴雨，全县10个乡镇全部受灾。") == "I"
    assert grade("县防汛抗旱指挥部启动防汛II级应急响应。") == "II"


def test_a_vicious_attack_is_at_least_较大() -> None:
    g, reasons = grade_from_figures(extract_figures("城关镇菜市场有人持刀伤人。", LOCAL), "")
    assert g == "III"
    assert any("恶性" in r for r in reasons)


def test_figures_keep_their_spans_for_the_analyst() -> None:
    d = extract_figures("造成3人死亡、5人受伤", LOCAL).to_dict()
    assert d["deaths"] == 3
    assert any(s["text"] == "3人死亡" for s in d["spans"])


def test_ordinary_complaint_is_一般() -> None:
    g, reasons = grade_from_figures(extract_figures("小区门口的路灯坏了，晚上很黑。", LOCAL), "")
    assert g == "IV" and reasons


def test_emergency_response_in_roman_numerals_and_raised_levels_are_graded() -> None:
    assert grade("县防指于今日12时启动防汛Ⅱ级应急响应。") == "II"
    assert grade("县政府启动Ⅰ级应急响应，全力抢险。") == "I"
    assert grade("县地质灾害应急响应级别由Ⅳ级提升为Ⅱ级。") == "II"
    # ending or lowering a response is no new emergency
    assert grade("雨情趋缓，县防指决定解除防汛Ⅱ级应急响应。") == "IV"


def test_a_combined_dead_and_missing_toll_is_counted_once() -> None:
    fig = extract_figures("石门镇山洪暴发，死亡失踪人数已达二十余人。", LOCAL)
    assert fig.deaths == 20 and not fig.missing
    assert grade("石门镇山洪暴发，死亡失踪人数已达二十余人。") == "II"


def test_period_totals_are_statistics_not_an_incident() -> None:
    assert grade("县医院今年以来累计接诊食物中毒患者一百五十余人，提醒注意饮食卫生。") == "IV"
    assert grade("今年汛期全县成功避险转移群众3000余人。") == "IV"
    # a running total of one ongoing flood is still that flood
    assert grade("截至目前，白沙河洪水已累计转移安置群众六千余人。") == "II"


def test_an_epidemic_named_only_to_deny_or_explain_it_does_not_trigger() -> None:
    assert grade("经核查，我县未发现鼠疫病例。") == "IV"
    assert grade("鼠疫有明确的监测体系，冬季请做好个人防护。") == "IV"
    assert grade("石门镇出现霍乱疫情，已确诊3例。") == "II"
    # a small cluster of a common disease is 较大, not 重大
    assert grade("龙泉小学发生水痘聚集性疫情，共报告病例15例，均为轻症。") == "III"


def test_a_crowd_sized_earlier_in_the_post_is_counted_when_it_gathers() -> None:
    text = "东坝镇一鞋厂停产，拖欠四百多名工人三个月工资，工人们围堵园区大门。"
    assert grade(text) == "II"


def test_spaces_around_numbers_and_colons_do_not_hide_a_toll() -> None:
    from kernel.text import normalize_text

    text = normalize_text(None, "石门镇煤矿透水事故已造成 12 人死亡，仍有 3 人被困")
    assert extract_figures(text, LOCAL).deaths == 12
    assert grade("死亡：11人 失联：4人") == "II"
    fig = extract_figures("县人民医院收治伤员60余名，其中重伤52名。受伤：27人（其中重伤5人）", LOCAL)
    assert fig.seriously_injured == 52 and fig.injured == 60


def test_a_grade_stated_in_words_counts_but_policy_language_does_not() -> None:
    assert grade("经调查认定，这是一起重大生产安全责任事故。") == "II"
    assert grade("南河大桥垮塌系特别重大事故。") == "I"
    assert grade("要坚决遏制重特大事故发生，严防较大及以上事故。") == "IV"
    assert grade("对3家存在重大事故隐患的企业实施停产整顿。") == "IV"


def test_a_mine_flood_with_miners_still_underground_is_major() -> None:
    assert grade("石门煤矿发生透水，事发时井下有26名矿工作业，目前正在全力搜救。") == "II"
    assert grade("透水事故发生后，尚有12人未升井。") == "II"
    assert grade("白沙河山洪暴发，11人被洪水冲走。") == "II"
    # miners at work on an ordinary day are no emergency
    assert grade("今天煤矿例行安全检查，井下有26名矿工正常作业。") == "IV"


def test_colloquial_crowds_and_tolls_are_read() -> None:
    assert grade("今天上午几百个村民把镇政府围了，说补偿不公平。") == "II"
    assert grade("县城广场现在起码上千人，拉着横幅喊口号，说是集资款被卷跑了。") == "I"
    assert grade("南河大桥上客车和油罐车撞了，起火了，死了好多人。") == "II"
    # a past cue in the clause keeps the count in the past (no clock for "…那是去年的事")
    assert grade("去年石门煤矿透水事故12人遇难，家属至今没拿到赔偿。") == "IV"
    # hearsay the post itself calls off
    assert grade("朋友圈说广场的商场着火了死了好多人，好像不是我们县的，大家别乱传了。") == "IV"


def test_a_crowd_without_a_grievance_is_no_mass_incident() -> None:
    assert grade("英雄凯旋，上千名群众拉着横幅在县城街头夹道欢迎。") == "IV"
    assert grade("城关镇新华路夜市每晚聚集上千人。") == "IV"
    assert grade("上百人围了过来看杂技表演。") == "IV"
    # the same crowd over a grievance is one
    assert grade("上千名群众聚集在县政府门口讨要拆迁补偿。") == "I"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # deaths told by how they died: 呛死, 电死, 砍死
        ("城关镇一栋出租屋半夜着火，五个租客被浓烟呛死在屋里。", "III"),
        ("东坝镇变压器检修出事，三名电工当场被电死。", "III"),
        # a tally said apart from the symptoms, with 过百 / 破百
        ("石门镇好几个村的人上吐下泻，卫生院床位早满了，听说病人已经破百了。", "II"),
        # …but not a hospital's daily load
        ("我拉肚子去县医院，医院每天接诊患者上千人，排队排了两小时。", "IV"),
        # the people named before their count
        ("县医院体检中心的职工里有十几个查出来感染了肺结核。", "III"),
        # a group with a banner, in its several phrasings
        ("二十几个家属在殡仪馆门口拉起了横幅，要求公开尸检结果。", "III"),
        # a whole village turning out over a grievance: dozens at least, however many
        ("化工厂排污把河水弄臭了，今天全村人都去了，把厂门口堵了一上午。", "III"),
        ("征地款拖了两年，全村老小去了四十多个，坐在挖掘机前面不让施工。", "III"),
        # a village at a wedding is no crowd
        ("老张家娶媳妇，全村人都去了，热闹了一整天。", "IV"),
        # households counted earlier acting together later
        ("合作社的会计卷款跑了，四十多户社员的钱要不回来，今天全围在乡政府门口。", "III"),
        # a count followed by an emoji and a new sentence that looks back: the count is now
        ("白沙河又出事了，三个小学生下河游泳，一个都没上来😭 每年夏天都这样，河边就没个护栏。", "III"),
        # trapped, not a crowd: 被堵在里面
        ("石门煤矿巷道冒顶，十二名矿工被堵在里面，救援队正在打通道。", "II"),
    ],
)
def test_phrasings_of_tolls_and_crowds_seen_in_our_validation_posts(text: str, expected: str) -> None:
    assert grade(text) == expected, grade_from_figures(extract_figures(text, LOCAL), text)[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三四百号工人堵在项目部门口讨工钱。", "II"),  # 号 before a noun of people
        ("三个初三学生去河里游泳，一个都没上来。", "III"),  # 初三 is a school year, not a count
        ("城关镇整个镇都被淹了，镇上的人都在往县城撤。", "II"),  # a whole township under water
        ("白沙乡爆发手足口病疫情，乡里的幼儿园全部停园。", "II"),
        ("全镇都在拉肚子，卫生院挤爆了，学校也停课了。", "II"),
        ("高二大半个年级的学生晚饭后上吐下泻，救护车拉了一晚上。", "II"),
        ("乡中心学校营养餐出问题，四十多个孩子送到卫生院。", "III"),  # sent to a clinic, not a crowd
        ("东坝化工厂氯气泄漏，周边23名村民出现咳嗽、胸闷，被送往医院。", "III"),
        ("这次洪水全县都受了灾，到处断路断电。", "I"),
        ("地震后整个云岭县都停电停水了。", "I"),
        ("十个乡镇九个受灾，白沙河决堤了。", "I"),
        ("一男子驾车冲撞赶集群众，致1死7伤。", "III"),
        ("隔壁省这轮暴雨死了五十多人，我们这边还好。", "IV"),
        ("2025年全县道路交通事故死亡42人，同比下降12%。", "IV"),
        ("今年全县交通事故死了38个，今天石门隧道又出事，车上3个人全没了。", "III"),
        ("一中根本没有上百人食物中毒，别传了，就三个学生肠胃炎。", "IV"),
        ("网传“死了20多人”不实 经核实事故造成4人死亡。", "III"),
        ("谣言称死了30多人，纯属捏造。", "IV"),
        ("一名游客在景区登山摔伤脚踝，已送医。", "IV"),
        ("敬老院昨夜失火，十一位老人没能跑出来。", "II"),
    ],
)
def test_phrasings_of_scale_seen_in_the_probe_posts(text: str, expected: str) -> None:
    assert grade(text) == expected, grade_from_figures(extract_figures(text, LOCAL), text)[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # hospitals overwhelmed by one incident, where the post gives no toll
        ("城关二小的孩子食物中毒，县医院走廊都躺满了。", "II"),
        ("县医院天天挤爆了，挂个号排两小时。", "IV"),  # no incident: a busy hospital
        ("食堂出事后一个班的孩子上吐下泻，县医院急诊走廊躺满了学生。", "III"),  # a class is stated
        # a running tally
        ("重伤的里面又走了两个，加上当场没了的九个，已经十一个了。", "II"),
        # a county-wide blackout in an ice storm
        ("全县停电第三天了，国道全被冰封。", "I"),
        # moved out, counted by their noun
        ("楼裂了，镇里连夜组织疏散，两千多居民站在马路上。", "II"),
        ("硬是把石门村和下游几个组三千多口人全部撤了出来。", "II"),
        # forged screenshots and an official check that found only a few
        ("网传“全县封控，死了三十人”的截图系伪造。", "IV"),
        ("网传“青松镇几百人吃猪肉中毒”，经核查，仅有一户两人肠胃不适。", "IV"),
    ],
)
def test_more_phrasings_of_scale_seen_in_our_validation_posts(text: str, expected: str) -> None:
    assert grade(text) == expected, grade_from_figures(extract_figures(text, LOCAL), text)[1]


def test_an_anniversary_post_is_marked_so_the_model_does_not_grade_it_by_the_old_disaster() -> None:
    fig = extract_figures("十年前的今天，石门煤矿那次事故，我爸就在井下。", LOCAL)
    assert fig.cues.get("retrospective")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("县医院急诊走廊全是穿校服的孩子，到底吃了什么？", "II"),
        ("村里好多人拉肚子，我家三口都倒下了，乡卫生院走廊都加满了床。", "II"),  # a few of many
        ("县政府门口人山人海，少说也有一两千人，都是反对建焚烧厂的。", "I"),
        ("幼儿园今天突然停课了，说是好多小朋友发烧拉肚子。", "II"),
        ("几个男的围着一个女生拳打脚踢，视频已经刷屏了。", "III"),
        ("我们六十三个人干了半年，工钱一分没拿到。", "III"),
        ("茶场好多工人吃完饭就吐，卫生院一下子送来几十个人。", "III"),
        ("几十个林场老职工在乡政府门口坐着，说承诺的养老保险没补缴。", "III"),
        ("新华路有人拿刀乱砍，一个人倒在地上。", "III"),
        ("要不是乱砍乱伐哪来的泥石流。", "IV"),
    ],
)
def test_phrasings_of_scale_seen_in_the_second_probe(text: str, expected: str) -> None:
    assert grade(text) == expected, grade_from_figures(extract_figures(text, LOCAL), text)[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # phrases separated by spaces, not punctuation (the third probe's style)
        ("青松农贸市场那场火 楼梯就堵死了 消防说找到的已经三十多个 全没了", "I"),
        ("受伤的一百多个 县医院说重伤的六十来个 有几个住进ICU了", "II"),  # each count with its own term
        ("县医院急诊今天接了三十几个一氧化碳中毒的 都是一个工棚里的", "III"),
        ("白沙河涨水了 我们白沙乡全乡搬空 两三千人住到乡中学", "II"),
        ("几十个出租车司机围在交通局门口 说是份子钱太高", "III"),
        ("这次暴雨全县没有一个乡镇跑得脱 县城水淹到二楼", "I"),
        ("三个多月没下雨了 全县的田全部开裂 水库见底 二十几万人饮水困难", "I"),
        ("强降雨造成我县5个乡镇1.2万人受灾，紧急转移安置群众3260人，暂无人员伤亡。", "II"),
        ("龙泉敬老院 一个星期之内走了十四个老人 都是发烧咳嗽几天就不行了", "II"),
        ("井口白布盖着的已经排了三十几个 家属哭成一片", "I"),
        ("林场大火，被困在山谷里的扑火队员加起来三十一个，一个都没有出来。", "II"),
        ("老师拿针扎娃娃的视频全网都传疯了 上了热搜", "III"),
        ("外省民工三四百人 说是包工头欠了一年的钱 把工地大门围了 拉横幅", "II"),
        ("白沙村群众饮用自来水后出现腹痛、腹泻，累计就医132人。", "II"),
        ("吃了个杀猪饭 结果四十几个人进了西山卫生院", "III"),
        ("县政府门口已经围得水泄不通了 好几十辆大巴拉来的人 少说两千人 都是被理财骗了钱的", "I"),
        ("教育局门口现在几千个家长 就因为学区划片改了", "I"),
    ],
)
def test_phrasings_of_scale_seen_in_the_third_probe(text: str, expected: str) -> None:
    assert grade(text) == expected, grade_from_figures(extract_figures(text, LOCAL), text)[1]


def test_posts_telling_no_incident_carry_no_incident_words_for_the_model_to_grade_up() -> None:
    # a queue, a broken machine, a rescue in which nobody was hurt, a drill
    for text in ("在县人民医院排队挂号排了两个小时 前面七八十号人 #看病难#",
                 "县政务服务中心那个叫号机又坏了 结果站起来三个人 🤣"):
        assert not extract_figures(text, LOCAL).cues.get("incident_words"), text
    assert extract_figures("小伙子跳河 被大哥救上来了 👏 人没事", LOCAL).no_casualties
    assert extract_figures("消防大队走进城关一小开展火灾逃生演练，一千多名师生参加。", LOCAL).cues.get("drill")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a whole group, or a crowd told as an image, acting over a grievance: uncounted, 数十人
        ("全班家长把园长办公室堵了，要监控！", "III"),
        ("今天村里老老少少去乡政府讨说法，院坝里站了一大片。", "III"),
        ("县政府门口跪了一排农民工，手里举着欠条。", "III"),
        ("景区门口蹲了一堆人，都是三个月没发工资的保洁保安。", "III"),
        # the same images at a festivity, or a whole class on an outing, are no gathering
        ("人民广场上站了一大片人跳广场舞，热闹得很。", "IV"),
        ("全班同学一起去马鞍山景区春游了，孩子们玩得很开心。", "IV"),
        # a rescue that failed is a death; one that succeeded is not
        ("井下冒顶，听矿上的人说有三个人没能救上来。", "III"),
        ("孩子掉进南河水库，幸好被救上来了，没事。", "IV"),
        # an old man beaten by his carer, corporal punishment gone viral
        ("护工打一个八十多岁的老人，转发已经破万。", "III"),
        ("龙泉小学一个老师罚孩子在操场跪了一节课，视频已经被转得到处都是。", "III"),
        ("我打电话给马鞍山养老院的老人问问情况。", "IV"),
    ],
)
def test_phrasings_of_scale_seen_in_session_7s_writers_posts(text: str, expected: str) -> None:
    assert grade(text) == expected, grade_from_figures(extract_figures(text, LOCAL), text)[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the dead found later, told as an increment after a first toll (5 + 6 = 11)
        ("敬老院火灾，昨晚先找到5位老人遗体，今早清理时又发现6位。", "II"),
        # a death told later in the day after the first ones (2 + 1 = 3)
        ("木材厂失火，当晚2名工人遇难，次日1名重伤工人经抢救无效死亡。", "III"),
        # 不治: the injured who died (9 + 3 = 12)
        ("客车坠崖，先确认遇难9人，转院途中又有3名伤员不治。", "II"),
        # families lost together, counted by their size; the same family named twice is one
        ("老杨家一家四口回老家吃酒，半路车子冲下河坎，一家四口全没了。", "III"),
        ("大伯一家五口、二叔一家四口，还有来帮忙的两个亲戚，全都没了。", "II"),
        # a family lost in an earthquake (地震 is no belonging)
        ("山体垮塌压住了半山腰的老屋，刘家一家四口在地震中全没了。", "III"),
        # a family's belongings lost is no toll
        ("一场大火，他们一家五口的房子和积蓄全没了。", "IV"),
        # whole units out over a grievance, estimated by the unit
        ("安置房拖了四年，今天七八个小区的业主都到镇政府门口拉横幅讨说法。", "II"),
        ("征地补偿太低，四个乡镇的群众把县政府大门围了。", "I"),
        ("厂里拖欠三个月工资，整个三车间的工人都堵在厂门口要说法。", "III"),
        ("附近几个村的村民去养猪场门口堵着，要求停止排污。", "III"),
        # onlookers round an accident are no crowd over a grievance
        ("路口有人被车撞了吗？路过看到围了一圈人，也不晓得伤得重不重。", "IV"),
        # a local kind of place qualified as elsewhere is elsewhere
        ("听说外地化工厂爆炸死了十几个人，我们这边的化工厂安全吗？", "IV"),
        # decades ago, and "当时" after a past year
        ("奶奶说七十年代白沙河发大水，冲走了好几百人。", "IV"),
        ("还记得1991年那次山洪吗？当时死了二十多个人。", "IV"),
        # a response level written into a plan is no response started
        ("《云岭县防汛应急预案》修订：发生溃坝险情时启动一级响应，欢迎提出意见。", "IV"),
        # a county-wide blackout after a disaster
        ("地震后全县大停电第二天了，好多乡镇到处是塌方。", "I"),
    ],
)
def test_phrasings_of_scale_seen_in_the_fourth_probe(text: str, expected: str) -> None:
    assert grade(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # many fall ill together, told without a count (数十人中毒 is 较大)
        ("云岭一中食堂午饭后很多学生上吐下泻，救护车来了好几趟。", "III"),
        ("县城自来水突然发黄发臭，好几个小区的居民都说喝了拉肚子。", "III"),
        ("龙泉小学多名学生食用学校午餐后出现呕吐腹泻症状，已送县人民医院治疗。", "III"),
        # one child, or a flu season, is no group poisoning
        ("我家孩子吃了学校的饭有点拉肚子，不知道是不是饭菜不卫生。", "IV"),
        # going to an office together to complain is a collective complaint
        ("东坝化工厂又在偷偷排污，沿岸村民集体到环保局反映。", "III"),
        ("城关镇新华路商户集体找到县市场监管局，投诉市场管理方乱收费。", "III"),
        # attention said in more ways, with an act of violence or a death
        ("云岭一中一名学生被多名同学围殴的视频在网上传开，引起很大关注。", "III"),
        ("东坝中学一名女生在宿舍被同学殴打致重伤，施暴视频在网上流传。", "III"),
        ("某中学学生跳楼身亡，家长质疑学校隐瞒真相，事情在网上引起很大关注。", "III"),
        # a fight that kills is a homicide, however few die
        ("县公安局通报：城关镇某KTV发生一起斗殴事件，造成2人死亡、1人受伤。", "III"),
        # a group clash over a grievance; a clash of two neighbours, or one avoided, is not
        ("西山村村民因为征地补偿和施工方起冲突，多人受伤，有人被打进医院。", "III"),
        ("两名村民因宅基地和邻居发生冲突，派出所已调解。", "IV"),
        ("为避免村民与施工方发生冲突，镇里派人现场协调补偿问题。", "IV"),
        # a desperate act where the grievance is aimed
        ("县法院执行局涉嫌违规查封，当事人在法院门口喝农药，被送医抢救。", "III"),
        # a chat group's members and a planned petition are a collective complaint, no crowd yet
        ("业主发现开发商偷换建材，维权群里三百多人，准备去县里上访。", "III"),
        ("三百多名村民今天到县政府上访，要求公开补偿款。", "II"),
        # 联名 of a petition counts; a co-branded product does not
        ("几百名学生每天要走十几里山路上学，家长们联名请求恢复村小。", "III"),
        ("众多储户存款无法取出，现在每天都有人去信用社门口讨说法。", "III"),
        # a crowd estimated without its classifier (少说也有上千)
        ("今天县政府门口来了黑压压一片人，少说也有上千，都是青松新城的业主。", "I"),
        ("县医院排队的人少说也有上百，等了一上午。", "IV"),
        # half a village buried: dozens of lives whether or not anyone is counted yet
        ("北岭村后山泥石流，半个村子被埋了，现在还有很多人没找到，太惨了。", "II"),
        ("洪水把整个村子的房子都冲毁了，好在村民提前转移，无人员伤亡。", "IV"),
        ("十年前那场泥石流，半个村子都埋了。", "IV"),
        # violence named in a campaign is no incident
        ("东坝中学开展防欺凌主题教育，相关视频在网上流传，获得家长点赞。", "IV"),
        ("云岭一中举办讲座，教孩子们如何预防自杀和轻生，讲座视频播放量很高。", "IV"),
    ],
)
def test_phrasings_of_scale_written_for_session_9(text: str, expected: str) -> None:
    assert grade(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a counted crowd acting together, its count beside the act across a comma or a space
        ("城管收菜摊推了老太太一把 周围的人一下子围上来两三百个 把城管车围住不让走", "II"),
        ("县人社局门口坐满了退休职工，几百个老人，养老金说停就停？", "II"),
        ("东坝中学要撤并到县城，从镇政府到中学那条街挤得走不动，几千个家长和学生举着牌子。", "I"),
        ("垃圾焚烧厂要建在上风口，几百个村民连夜上山，把施工便道挖断，把工地围起来不让进场。", "II"),
        # a waiting room or a queue is no crowd over a grievance
        ("县医院门诊大厅坐满了人，几十个病人排队挂号，太慢了，我要投诉", "IV"),
        # households are no head count, even when they act together
        ("城关镇某楼盘三百多户业主到售楼处拉横幅维权。", "III"),
        # an estimate told as 往少了说
        ("县政府门口、人民广场全站满了储户，往少了说也有一两千人，养老钱到底谁来管？", "I"),
        # vehicles count as their drivers in a protest, not in a traffic jam
        ("全县出租车司机罢运了，三百多辆车堵在新华路上，抗议网约车抢生意。", "II"),
        ("上千辆车堵在石门隧道口，原来是一辆货车抛锚了，堵了快一个小时。", "IV"),
        # lives and the dead told in other ways
        ("三十多条命，县领导还在台上念稿子“高度重视”。", "I"),
        ("差点出车祸，捡回一条命。", "IV"),
        ("北岭林场大火，十一名扑火队员再也没回来。", "II"),
        ("马鞍山养老院烧炭取暖，一夜之间走了十个老人。", "II"),
        ("盖着白布，一排一排摆在隧道口，我数到十一个就不敢再看了。", "II"),
        # a class or a vehicle full of people, all lost
        ("北岭小学的校车翻下山崖了，车上坐着半个班的孩子，一个都没救回来。", "II"),
        ("教学楼在地震里整个塌了，压在下面的是整整两个班的学生都没能出来。", "II"),
        ("去赶庙会的路上，两辆面包车的乘客全部遇难，都是一个村的。", "II"),
        ("隧道里两辆坐满乘客的大巴相撞起火，两车乘客几乎无一生还。", "I"),
        # cases of a named disease; a county where every township is hit; a hamlet gone
        ("南河小区家家都有人发烧，疾控说登革热已经几百例了。", "II"),
        ("这次地震我们县几乎每个乡镇都有塌房，感谢救援队！", "I"),
        ("天亮了才知道，马鞍山村下寨整个没了，全压在泥石流底下。", "II"),
        # a feast where guests fell one after another
        ("村里办喜酒，吃完席倒了一大片，半夜开始拉肚子发烧。", "III"),
        # parents working elsewhere do not move a fire at home elsewhere
        ("龙泉村昨夜一户人家着火，爸妈在外地打工，奶奶带着三个孙子睡，三个娃娃……一个都没救出来。", "III"),
        # the dead told in turns and in tallies
        ("路过看到地上躺着一排人，盖了白布的就有三个……", "III"),
        ("餐馆煤气罐爆炸，当场死了2个，送到县医院又走了2个。", "III"),
        ("煤矿事故，昨晚先抬出来3个，今早又抬出来2个，都没气了。", "III"),
        ("北岭三轮车那个事，李家老奶奶下午也走了，六个了😭", "III"),
        # many feeling unwell, and a crowd told as a scene
        ("遭遇氯气泄漏，当时在场的游客少说也有三四十人不舒服。", "III"),
        ("东坝工业园区大门口全是讨薪的工人，围得货车都进不去。", "III"),
        ("物业办公室门口围了一大圈人，吵得很凶，都是说涨物业费的事。", "III"),
        # onlookers who turn on someone are a crowd; a fair's crowd is not
        ("城管打人，摊主被打得满头血。围观的几百人把城管车围住，掀翻了两辆。", "II"),
        ("庙会上人山人海，几千人把广场围得水泄不通，热闹！", "IV"),
        # households there in person are at least that many people; by letter or petition, a complaint
        ("几百户养殖户今天一早把乡政府门口堵了，说是乡里统一采购的牛有病，贷款还得自己还。", "II"),
        ("青松花园烂尾五年了，今天一千二百多户业主聚到售楼部和镇政府门口，拉横幅喊还我房子。", "I"),
        ("东坝村上百户村民联名反映：化工厂的废水直接排进灌溉渠，要求彻查！", "III"),
        # an uncounted group gathering at an office over a grievance
        ("南河镇部分群众因征迁补偿问题在镇政府聚集，县里已派出工作组。", "III"),
        ("桥头一直到镇政府全是人，举着牌子喊口号，还看到好多警车。", "III"),
    ],
)
def test_phrasings_of_scale_in_our_validation_posts_session_9(text: str, expected: str) -> None:
    assert grade(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # relatives named one by one and lost together
        ("龙泉村昨晚那场火，爷爷奶奶爸妈和弟弟都没了，只剩住校的孩子。", "III"),
        ("一家人吃了野生菌，爷爷奶奶和小孙子送到州里也没救回来。", "III"),
        ("五楼一对老两口和孙女都没出来，官方到现在还没发通报。", "III"),
        # ... but not relatives who left for work, nor who died years ago
        ("我爸妈和弟弟也走了，去广州打工了，家里就剩我。", "IV"),
        ("爷爷奶奶和爸妈前几年都去世了，我一个人在村里种地。", "IV"),
        # the dead counted by their funerals, a running toll, the dead referred to as such
        ("龙泉村这个月一下子办了五场丧事，都是喝了同一家打的散装酒。", "III"),
        ("那个重伤的小伙子今天在州医院还是没挺过来，才二十三岁。这次一共四个了。", "III"),
        ("我老乡说死的三个里头有一对父子，都是一个村的。", "III"),
        # those who did not come out, found dead; the dead carried out under a cloth
        ("东坝化工厂这次九个人没出来。我在厂门口站了一下午，家属一个接一个来认人。", "III"),
        ("化粪池清掏，三个人下去都没上来，全都中毒没了。", "III"),
        ("刚刚看到抬出来三个，用布盖着的😭", "III"),
        # trapped and then rescued stays trapped, not dead
        ("电梯困了三个人，消防来了都救出来了，没人受伤。", "IV"),
    ],
)
def test_phrasings_of_the_dead_written_for_session_10(text: str, expected: str) -> None:
    assert grade(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a toll updated through the day, or told as a number of digits
        ("观景台塌了……早上新闻说遇难十九人，中午二十六，刚才县里发布会说三十四人了。", "I"),
        ("石门隧道口连环车祸，遇难人数已经到两位数了😭 隧道双向封闭。", "II"),
        ("事故遇难3人，下午2点县里召开了新闻发布会。", "III"),
        # those badly hurt, the poisoned at the hospital, the murdered
        ("客车侧翻了，车上四十来号人基本都挂了彩，听急救的说伤得重的有十四个。", "III"),
        ("吃了那家豇豆的五十多个人都去医院洗胃了。", "III"),
        ("东坝村一家三口遇害案件告破，犯罪嫌疑人系死者亲属。", "III"),
        # a vicious act gone viral
        ("某局长酒驾把环卫阿姨撞了还想跑，视频刷屏了，整个云岭的朋友圈都在骂。", "III"),
        # look-alikes: an earthquake in the neighbouring prefecture, a rumour called fake, people
        # who walked out themselves, two pupils of a class
        ("邻州某县发生5.2级地震后，县应急管理局派出40人救援队前往驰援。我县境内未受影响。", "IV"),
        ("群里那个“化工厂大爆炸死了几十个人”的语音是假的，应急局已经通报了。", "IV"),
        ("超市的货架倒了，有三个人被压，都是擦伤扭伤，人都自己走出来的，虚惊一场。", "IV"),
        ("就是一个班两个同学吃了外面的烧烤肚子疼，请了假。", "IV"),
    ],
)
def test_phrasings_of_scale_in_the_fifth_probe(text: str, expected: str) -> None:
    assert grade(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a list of the missing is kept when there are many
        ("我二叔一家还在失联名单上，北岭泥石流都两天了，救援队说核心区还在挖。", "II"),
        # the dead of a mine disaster whose compensation is still argued over
        ("石门煤矿那次走了二十一个人，赔偿到现在还没谈妥，家属天天去矿上坐着。", "II"),
        # ... but children who left to study, and a disaster of the nineties, are not
        ("他家走了三个孩子去县城读书，家属很高兴。", "IV"),
        ("老一辈应该都记得，九几年那次石门煤矿瓦斯爆炸一下子走了三十几个人。", "IV"),
    ],
)
def test_phrasings_of_scale_in_our_validation_posts_session_10(text: str, expected: str) -> None:
    assert grade(text) == expected


def test_the_sick_counted_as_they_went_to_hospital_are_the_sick() -> None:
    # "出现腹痛、腹泻…共有126名学生到县人民医院、县中医院就诊": not a crowd at the hospital
    text = ("昨晚云岭一中部分学生在食堂晚餐后出现腹痛、腹泻、呕吐等症状。截至今晨，共有126名学生到县人民医院、"
            "县中医院就诊，其中住院观察31人。")
    assert grade(text) == "II"
    # relatives who went there to demand an answer are a complaint, not patients
    assert grade("孩子吃了药后呕吐，今天有二十几个家属到县医院讨说法。") == "III"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an official's contempt for petitioners caught on video and spread
        ("网传视频：东坝镇一名干部在接待上访群众时拍桌子，说“你去告啊，告到哪里都没用”，视频已经被转了几万次。", "III"),
        # ... which, unseen, is one complaint
        ("东坝镇一名干部在接待上访群众时拍桌子，态度很差，希望有关部门管一管。", "IV"),
        # the dead named as a family
        ("南河大桥车祸走的是我同学一家三口，周一早上开着面包车回娘家。", "III"),
        # drivers parking their cars in protest are a crowd
        ("县城几十个出租车司机把车停在人民广场边上，不拉客了，要求管理部门给个说法。", "III"),
    ],
)
def test_phrasings_of_scale_in_the_event_feed(text: str, expected: str) -> None:
    assert grade(text) == expected


def test_a_slap_told_with_its_victim_between_is_still_a_slap() -> None:
    # "护工扇老人耳光的视频在网上疯传": a vicious act that spread
    assert grade("马鞍山养老院护工扇老人耳光的视频在网上疯传，这种事必须严查！") == "III"
    # unseen by anyone else it is one family's complaint
    assert grade("我家老人说养老院护工扇过他耳光，我们想问问怎么投诉。") == "IV"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # money taken is not people swept away; the fallen counted as such
        ("县城那家培训班突然关门了，光我们这一批家长就被卷走了几十万。", "IV"),
        ("三个孩子被洪水卷走了。", "III"),
        ("扑火队里牺牲的几个都是附近村子的年轻人。", "III"),
    ],
)
def test_phrasings_of_scale_in_the_serious_validation_sets(text: str, expected: str) -> None:
    assert grade(text) == expected


def test_an_incident_told_of_another_county_or_of_help_sent_there_is_no_incident_of_ours() -> None:
    fig = extract_figures("滇中州另一县发生泥石流，云岭县派出救援力量支援。目前云岭县境内雨情平稳。")
    assert "incident_words" not in fig.cues
    assert "incident_words" in extract_figures("石门镇发生泥石流，县里派出救援力量。").cues


# --- an incident answered with accountability -------------------------------------------

@pytest.mark.parametrize("text", [
    "县政府成立石门煤矿“3·14”透水事故调查组，由县应急管理局牵头，查明事故经过、原因和人员伤亡情况",
    "云岭县通报新华路火灾事故调查处理情况：城关镇分管副镇长等人员因履职不力被给予相应处分",
    "客车侧翻那件事问责名单出来了，全是副职和“相关人员”，正职一个没动",
    "县市场监管局通报白沙幼儿园食物中毒事件调查结果：系食堂使用变质食材所致",
])
def test_an_incident_answered_with_an_inquiry_or_punishment_is_较大(text: str) -> None:
    assert grade(text) == "III"


@pytest.mark.parametrize("text", [
    # a rule for whatever may happen, not this incident
    "对发生生产安全事故的企业，一律依法追究责任人责任",
    "各乡镇要严防较大及以上事故发生，杜绝事故后不追责",
    # punishment without an incident
    "县纪委通报3起违反中央八项规定精神问题，相关人员被给予党纪处分",
    # the inquiry's own count decides: one death is 一般
    "新华路一电动车与货车相撞致1人死亡，交警已控制货车司机，事故正在处理中",
    # the notice refutes the rumour it answers
    "网传“马鞍山景区事故瞒报”不实，经核查，事故伤亡情况已如实公布，对造谣者将依法处理",
])
def test_accountability_words_alone_do_not_make_an_incident_较大(text: str) -> None:
    assert grade(text) == "IV"


def test_a_post_that_echoes_an_incident_without_one_of_its_own_may_take_its_event_grade() -> None:
    from analysis.figures import event_context_cues

    def cues(text: str) -> tuple[tuple[str, ...], str | None]:
        return event_context_cues(extract_figures(text), text)

    kinds, reason = cues("马鞍山村滑坡以后电话一直打不通，家里老人不知道转出来没有")
    assert kinds == ("collapse",) and reason is None
    # a drill, a fire with nobody hurt, a look back and a refutation keep their own grade
    assert cues("南河镇开展防汛应急演练，模拟转移群众1200人")[1].startswith("演练")
    assert cues("北岭林场发生一起小面积山火，过火面积约3亩，无人员伤亡")[1] == "无人员伤亡"
    assert cues("十年前的今天，云岭6.1级地震，愿逝者安息")[1] is not None
    assert cues("一中根本没有上百人食物中毒，别传了")[1].startswith("辟谣")
    assert cues("县气象台发布暴雨橙色预警信号，可能引发山洪、滑坡")[1].startswith("预报")
    # a fee rise tells of no incident at all
    assert cues("青松花园物业费要涨，没开业主大会就涨")[0] == ()


def test_a_money_scheme_that_collapsed_on_many_people_is_较大() -> None:
    assert grade("青松新城那家理财公司人去楼空了，小区里好多老头老太太都投了，少的几万多的几十万") == "III"
    # a warning, or a question whether it will happen, is not
    assert grade("县金融办提醒：警惕以高息为诱饵的非法集资，谨防有人卷款跑路，老人尤其要小心") == "IV"
    assert grade("那家养生馆天天拉老人入股分红，会不会哪天跑路？") == "IV"
