"""Casualty and crowd figures in Chinese text, and the event grade they justify.

``extract_figures`` finds counts such as "12名矿工被困", "造成3人死亡、5人受伤",
"已有一百多个孩子送到医院", "数千群众紧急转移" or "死亡人数上升至15人" and keeps the
largest reported value per kind (later reports of a rising toll win because they are
larger). Each count is tied to the place and time it is about: a count in a sentence
that looks back (周年、X年前、回顾), describes a drill or a hypothetical, is refuted
(谣言、不实), or is located in another county is kept in ``discounted`` and does not
drive the grade.

``grade_from_figures`` maps the figures and a few textual cues (全县性灾害、突发疫情、
应急响应级别、恶性事件) onto the grades of taxonomy.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from analysis.lexicon import trie_pattern

# ---------------------------------------------------------------------------
# numbers

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_APPROX_WORDS = {"成百上千": 100, "成千上万": 1000, "上百": 100, "上千": 1000, "上万": 10_000,
                 "过百": 100, "破百": 100, "过千": 1000, "破千": 1000, "过万": 10_000, "破万": 10_000,
                 "近百": 90, "近千": 900, "近万": 9000, "百余": 100, "千余": 1000, "万余": 10_000}
_PREFIXES = ("超过", "多达", "至少", "将近", "大约", "好几", "数", "几", "上", "近", "逾", "约", "超", "达")

_CN_CHARS = "零〇一二两三四五六七八九十百千万亿"
NUM = (rf"(?:成百上千|成千上万|[过破][百千万](?![\u4e00-\u9fff]{{0,2}}元)|(?:超过|多达|至少|将近|大约|好几|数|几|上|近|逾|约|超)?"
       rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|[{_CN_CHARS}])"
       rf"(?:[{_CN_CHARS}]|[余多几来](?=[{_CN_CHARS}\d])|(?<=[十百千万])好几)*"
       rf"[余多几来]?[+＋]?)")
_VAGUE = r"(?:好几|若干|多|数|几)"
_NUM_RE = re.compile(NUM)


def parse_count(raw: str) -> tuple[int | None, bool]:
    """Value of a Chinese or Arabic count and whether it is approximate.

    "一百二十三" → 123, "30余" → 30, "十几" → 15, "数十" → 20, "上百" → 100,
    "近千" → 900, "1.2万" → 12000, "三四十" → 30. Vague counts take a
    representative value near their lower end so thresholds are not overshot.
    """
    s = raw.strip().replace("，", "").replace(",", "")
    plus = s.endswith(("+", "＋"))
    s = s.rstrip("+＋")
    if not s:
        return None, False
    if s in _APPROX_WORDS:
        return _APPROX_WORDS[s], True
    if "好几" in s[1:]:  # "三十好几" → 35, "一千好几百" → 1 200
        head, tail = s.split("好几", 1)
        base = _parse_plain(head)
        if base is None:
            return None, True
        more = 2 * _last_unit(tail) if tail else max(1, _last_unit(head) // 2)
        return base + more, True
    approx = plus
    factor = 1.0
    for p in _PREFIXES:
        if s.startswith(p) and len(s) > len(p):
            s = s[len(p):]
            approx = True
            if p in ("数", "几", "好几"):
                factor = 2.0  # 数十 = 20, 几百 = 200
            elif p in ("近", "将近"):
                factor = 0.9
            break
    for key, val in _APPROX_WORDS.items():
        if s == key:
            return int(val * factor) if factor != 2.0 else val * 2, True
    if s and s[-1] in "余多来":
        s = s[:-1]
        approx = True
    tail_half = False
    if s.endswith("几"):
        s = s[:-1]
        approx = True
        tail_half = True
    s = s.replace("余", "").replace("多", "").replace("来", "")
    if "几" in s:  # 一百几十
        s = s.replace("几", "五")
        approx = True
    value = _parse_plain(s)
    if value is None:
        return None, approx
    if tail_half:  # 十几 → 15, 二十几 → 25, 一百几 → 105
        unit = _last_unit(s)
        value += max(1, unit // 10 * 5) if unit >= 10 else 5
    if factor == 2.0 and value in (10, 100, 1000, 10_000):
        value *= 2
    elif factor != 1.0:
        value = int(value * factor)
    return value, approx


def _last_unit(s: str) -> int:
    for ch in reversed(s):
        if ch in _CN_UNIT:
            return _CN_UNIT[ch]
        if ch.isdigit():
            return 1
    return 1


def _parse_plain(s: str) -> int | None:
    if not s:
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([十百千万亿]*)", s)
    if m:
        val = float(m.group(1))
        for u in m.group(2):
            val *= _CN_UNIT[u]
        return int(val)
    if not all(ch in _CN_DIGIT or ch in _CN_UNIT for ch in s):
        return None
    total, section, digit = 0, 0, None
    prev_digit = False
    for ch in s:
        if ch in _CN_DIGIT:
            if prev_digit and digit not in (None, 0) and _CN_DIGIT[ch] != 0:
                # "三四十", "七八": a range; keep the lower first digit
                prev_digit = True
                continue
            digit = _CN_DIGIT[ch]
            prev_digit = True
            continue
        unit = _CN_UNIT[ch]
        prev_digit = False
        if unit >= 10_000:
            section = (section + (digit or 0)) * unit if (section or digit) else unit
            total += section
            section, digit = 0, None
        else:
            section += (digit if digit is not None else 1) * unit
            digit = None
    return total + section + (digit or 0)


# ---------------------------------------------------------------------------
# keywords per kind

KINDS = ("deaths", "injured", "seriously_injured", "trapped", "missing", "poisoned",
         "hospitalized", "evacuated", "gathered", "households")

_KIND_TERMS: dict[str, str] = {
    "deaths": r"(?<!未)遇害|(?<!未)被害身亡|被杀害|再也没(?:有|能)?回来|伤重不治|不治身亡|(?<![可医])不治(?!之症)|死亡失踪人数|死亡失联人数|死亡和失踪|死亡失踪|死亡失联|遇难失联|死亡人数|遇难人数|遇难者遗体|遗体|死亡|遇难者?|身亡|罹难者?|丧生|殒命|丧命|不幸离世|去世|溺亡|死者|亡故|抢救无效|当场死了|死了|"
              r"[烧毒砸压淹炸撞闷摔冻吃呛电砍捅勒掐踩轧碾]死了?|牺牲|没能?救(?:回来|活|过来|上来)|没(?:能)?抢救过来|没能?跑出来|没能?逃出来|都?没气了|没了气|(?:已经?)?没有生命体征|无生命体征|无生还可能|没有生还可能|(?<=[个人名位子娃生工民属庭，, ])(?:就这么|就|全都|都|全|全部|当场|已经|也){0,2}没了(?![钱家工地房车饭水电])|当场(?:就)?走了",
    "seriously_injured": r"伤得(?:很|比较|最|特别)?重的|伤势(?:较)?重的|受重伤|重伤|危重|病危|伤势严重|伤势较重|生命垂危|重度烧伤|重症病人|重症患者|重症|ICU|重症监护",
    "injured": r"受伤人数|受伤|伤者|伤员|负伤|轻伤|擦伤|烧伤|烫伤|砸伤|撞伤|摔伤|跌伤|扭伤|打伤|砍伤|刺伤|伤亡|死伤|受轻伤|伤了",
    "trapped": r"没有出来|没有上来|被困人员|被困|被堵在|堵在(?:里面|里头|洞里|井下|隧道里)|受困|困在|困住|困了|困于|遇险|未升井|未能升井|没有升井|没上来|没能上来|没出来|没能出来|出不来|没撤出来|没能?救出来?|没挖出来|被埋|埋了|埋进去|埋在里面|压在下面|压在底下|困在里面|埋压|掩埋|被压|围困",
    "missing": r"失联|失踪|下落不明|生死未卜|联系不上|找不到人|找不到|没找到|没有找到|被洪水冲走|被水冲走|被冲走|冲走|(?:洪水|大水|河水|泥石流|浪|水)卷走|被卷走(?!了?[^，。！？]{0,4}(?:万|钱|元|块|积蓄|存款))",
    "poisoned": r"洗胃|一个接一个(?:地)?倒下|接连倒下|倒了一大片|病例|阳性|胸闷|咳嗽|呼吸困难|红疹|皮疹|瘙痒|熏倒|熏晕|晕倒|昏倒|食物中毒|吐了|拉肚子|中毒|发病|患病|上吐下泻|呕吐|腹泻|腹痛|肚子疼|发烧|发热|感染|确诊|身体不适|出现不适|不舒服",
    "hospitalized": r"送(?:县|镇|乡|市|州)[\u4e00-\u9fff]{0,3}(?:医院|卫生院)|(?:进了|住进了?|送进了?)[\u4e00-\u9fff]{0,4}(?:医院|卫生院)|就医|送来|送过来|(?:送到|送往|送进|送至|拉到|转到)[\u4e00-\u9fff]{0,5}(?:医院|卫生院|诊所|急诊)|就诊人数|就诊|送医|送往医院|送到医院|送至医院|送进医院|送进了医院|送到了医院|送院|入院|住院|送医院|留院观察|留观|去了医院|进了医院|进医院|住进医院|住进了医院",
    "evacuated": r"撤(?=了?(?:好几|几|数|上|近|约)?[\d一二两三四五六七八九十百千万]+[余多]?(?:人|号人|名|户))|扶老携幼|拖家带口|转移安置|紧急转移|转移(?!支付|资金|话题|视线|注意力|财产|到了?网上)|疏散(?!通道|演练)|撤离|撤到|撤往|撤出|撤了出来|撤出来|(?:往|向)[\u4e00-\u9fff]{1,6}撤|避险|安置(?!房|小区|区|费|款|补|资金|政策|方案|工作)",
    "gathered": r"(?:县|镇|乡)?(?:政府|县委|信访局|信访办|售楼[处部]|厂|公司|局|信用社|银行)(?:大?门口|大门|大院|楼下)|聚集(?!性|地)|上街|打起来|打了起来|罢工|罢运|罢市|罢课|围得|堵得|堵到|围到|涌到|涌向|"
                r"(?:大门|门口|门前)(?:被)?(?:堵|围)|把[^，。！？]{1,16}?都?(?:堵|围)(?:满|死|住)?了|[坐躺跪站守蹲]在[^，。！？]{0,8}(?:门口|门前|路中间|路上|路口|大厅)|在[^，。！？]{0,10}(?:门口|门前|大门|大院|楼下)(?:坐着|站着|守着|蹲着|躺着|跪着)|"
                r"(?:大?门口|门前|楼下|大院|广场上?)(?:来了|聚了|涌来了?|站了|坐了|挤了)|围满了?|堵满了?|堵死了?|围着|(?:堵|围)了[^，。！？]{0,8}(?:大门|门口|路|门)|围堵|堵路|堵门|堵住|拦路|拉横幅|打横幅|拉条幅|拉(?:了|起了?|出)横幅|打出横幅|挂(?:出|起)横幅|举牌|静坐|集体上访|上访|围攻|冲击|对峙|围起来|围了起来|讨薪|讨工钱|讨要工资|讨要工钱|要工钱|讨债|围了|包围了?|围住|拉着横幅|喊口号|拖欠|欠着|聚众|游行|示威|请愿|围在|(?<!被)堵在(?!里面|里头|洞里|井下|隧道)|聚在|维权|联名|集体投诉|集体反映|签名|讨说法|要说法|讨要说法|讨不到说法|要不到说法|投诉|反映|报案|举报",
}
# crowd verbs that mean people physically gathered (the others are collective complaints)
_STRONG_GATHER = re.compile(r".*(?:门口|大门|大院|楼下|门前|路中间|路上|路口|大厅|堵|围|路|门)了?|.*(?:坐着|站着|守着|蹲着|躺着|跪着)|.*(?:围|堵)(?:满|死|住)了?|.*(?:来了|聚了|涌来了?|站了|坐了|挤了)|围着|上街|堵到|围到|打起来|打了起来|罢工|罢运|罢市|罢课|围得|堵得|涌到|涌向|围了|包围了?|围住|拉着横幅|喊口号|聚集|围堵|堵路|堵门|堵住|拦路|拉横幅|打横幅|拉条幅|举牌|静坐|上访|围攻|冲击|对峙|讨薪|聚众|游行|示威|请愿|围在|(?<!被)堵在(?!里面|里头|洞里|井下|隧道)|聚在|拉(?:了|起了?|出)横幅|打出横幅|挂(?:出|起)横幅")
_POISON_TERMS = re.compile(_KIND_TERMS["poisoned"])
_KEYWORD_RE = re.compile("|".join(f"(?P<{k}>{v})" for k, v in _KIND_TERMS.items()))

_PEOPLE = (r"(?:施工人员|作业人员|工作人员|农民工|小学生|中学生|大学生|幼儿园孩子|小朋友|"
           r"矿工|工人|工友|员工|职工|村民|居民|群众|民众|市民|学生|孩子|幼儿|小孩|儿童|师生|"
           r"业主|家长|游客|乘客|旅客|患者|病人|老人|人员|网友|司机|商户|摊贩|农户|考生|驴友|船员|"
           r"投资人|储户|债权人|受害人|购房者|消费者|学员|租户|兄弟|乡亲|老乡|农民|贫困户|困难户|低保户|脱贫户|"
           r"茶农|果农|菜农|采茶工|小娃娃|娃娃|娃|摊主|快递员|外卖员|骑手|队员|扑火队员|消防员|老师|教师|"
           r"师傅|住户|人家|家庭|搬迁户|拆迁户|被拆迁户|员工|同学|病友|妇女|男子|女子|村民代表|家属|亲属|住客|房客|顾客|食客|客人|宾客|行人|路人|初中生|高中生|中小学生)")
# nouns of units and times after 个 ("六个村", "一个班", "三个月"): the count is not of people
_UNIT_NOUNS = "村乡镇组队班社区片点家厂矿店房月天年小钟部门"
_CLASSIFIER = (rf"(?:人次|号人|号(?={_PEOPLE})|口子|口人|[人名户口例具]|位(?!数)|"
               rf"个(?![月天年班组队批])(?=[\u4e00-\u9fff]{{1,6}}?(?:{_PEOPLE})(?![\u4e00-\u9fff]{{0,2}}(?:费|款|钱|证)))|"
               rf"个(?![{_UNIT_NOUNS}])(?=[\u4e00-\u9fff]{{1,2}}(?:被|都|全|已|当场))|"
               rf"个(?=[\u4e00-\u9fff]{{0,4}}(?:中毒|受伤|遇难|死亡|被困|失联|感染|发病|烧伤|冻伤))|"
               rf"个(?=人|{_PEOPLE}|遇难|死者|伤者|伤员|重伤|轻伤|病人|患者|[都全就已还也又才没被了变]|(?![\u4e00-\u9fffA-Za-z0-9])))")
# a count of people written before its verb: "12名矿工", "3人", "数千群众", "一百多个孩子"
_COUNT_BEFORE = re.compile(rf"(?<![第初高])(?P<num>{NUM}|{_VAGUE})(?P<cls>{_CLASSIFIER})?(?P<noun>{_PEOPLE})?")
# a count written after its verb: "死亡人数上升至15人", "转移群众3000余人", "受伤3人"
_COUNT_AFTER = re.compile(rf"(?:{_PEOPLE})?(?<!第)(?P<num>{NUM})(?P<cls>{_CLASSIFIER}|(?<=[+＋]))")
# the count said in the next clause: "中毒的学生，说是有一百来个", "被困的矿工，一共二十多个"
_NEXT_COUNT_HEAD = rf"(?P<num>{NUM})(?P<cls>{_CLASSIFIER}|个)"
_NEXT_COUNT = _NEXT_COUNT_HEAD + r"人?(?=[，,。！？!?；;\s]|$)"
_COUNT_NEXT_CLAUSE = re.compile(
    r"[^，,。！？!?；;\n]{0,8}[，,](?:[^，,。！？!?；;\n]{0,6}?(?:少说|起码|至少|估计|大概|不下|足有|怕有|得有|足足))?"
    r"(?:说是|据说|听说|大概|估计|初步统计|一共|总共|共|一个班|一个班组|整个班组|整班)?(?:有|达|约)?" + _NEXT_COUNT
)
# …and, for the sick, the trapped and the missing, a tally in the next clause:
# "吃了学校配餐以后吐了，家长群里统计已经有二十几个"
_COUNT_NEXT_TALLY = re.compile(
    r"[^，,。！？!?；;\n]{0,8}[，,][^，,。！？!?；;\n]{0,10}?(?:有|达|超过|共)" + _NEXT_COUNT
)
# a counted group that went to an office: "四十多个锦绣华庭的业主今天上午到了县住建局"
_WENT_TO_OFFICE = re.compile(
    r"(?<![送拉转])(?:到了?|去了?|来到|前往|赶到|跑到|聚在|围在|(?<!被)堵在(?!里面|里头|洞里|井下|隧道)|站在)(?:县|镇|乡|市)?[\u4e00-\u9fff]{0,6}?"
    r"(?:政府|县委|党委|局|信访|办公室|办事处|派出所|法院|大队|项目部|售楼[处部]|公司|工地|厂|卫生院|医院|学校|门口|大门)"
)
# people physically protesting, however many: "家属在卫生院门口拉横幅"
_PROTEST = re.compile(r"摆(?:放)?(?:着|了)?遗照|举着遗照|抬棺|摆(?:放)?(?:着|了)?花圈|拉横幅|打横幅|拉条幅|拉(?:了|起了?|出)横幅|打出横幅|挂(?:出|起)横幅|举着[^，。]{0,12}横幅|举牌|静坐|围堵|堵门|堵路|堵住大门|冲击|打砸")
# a crowd is a 群体性事件 only over a grievance: a welcome, a show or a night market is not one
_GRIEVANCE = re.compile(
    r"讨|说法|维权|抗议|不满|补偿|赔偿|欠薪|拖欠|工资|工钱|血汗钱|上访|信访|投诉|举报|堵路|堵门|冲突|"
    r"警察|民警|防暴|特警|jc|对峙|征地|征迁|拆迁|强拆|退钱|还钱|退房|集资|被骗|讨债|停产|污染|"
    r"政府|县委|诉求|闹事|打砸|冲击|围堵|静坐|示威|游行|请愿|罢工|罢课|罢市|要求|反映|愤怒|气愤|"
    r"没拿到|没发|不发|没给|不给|不退|欠|克扣|跑路|跑了|暴雷|爆雷|烂尾|延期交房|骗|租金|征地款|遣散费|"
    r"(?:政府|县委|局|信访|乡里|镇里)[^，。！？]{0,3}(?:门口|大门|大院)|黑臭|发臭|恶臭|臭得|异味|没补|补缴|承诺的|养老钱|存款|积蓄|取不出|不让|没人管|没用|交代|赔|打起来|推人|推搡|抢|罚款|管理费|乱收费|多收|"
    r"异议|不同意|反对|强占|占地|偷排|排污|煤灰|罢运|躺在|跪在|堵住|堵了|堵到|堵得|围了|围住|围到|围在|围起来|份子钱|焚烧厂|垃圾场|填埋场|渗滤液|化工项目|负责|不露面|没人出来|没有一个领导|"
    r"死在|真相|扔石头|砸警车|砸车|举着牌子|举牌|彻查|严惩|质问|隐瞒|联名(?:请求|上书|呼吁|写信|信|请愿)"
)
# a count of people who are not (yet) there: a chat group's members, a gathering planned
_NOT_THERE = re.compile(r"准备|打算|计划|商量|约好|相约|扬言|(?:群|群里|群内)(?:已经?|现在|目前)?(?:有|共|达到?)?[\d一二两三四五六七八九十百千几数上]")
# gathering verbs that put people in a place (not 上访/维权/讨薪, which a household can do by letter)
_HOUSEHOLDS_THERE = re.compile(r"聚集|聚在|聚到|堵|围|门口|门前|大门|楼下")
# people known to be inside when it happened: "事发时井下有26名矿工作业…全力搜救"
_PRESENT_IN_HAZARD = re.compile(
    rf"(?:井下|洞内|隧道内|隧洞内|坑道内|巷道内|废墟下|废墟里|楼内|水中)(?:共|还|仍|尚)?有?"
    rf"(?P<num>{NUM})(?P<cls>{_CLASSIFIER}|个)(?P<noun>{_PEOPLE})?"
)
_SEARCHING = re.compile(r"搜救|救援|搜寻|营救|被困|失联|生死未卜|下落不明|未升井|联系不上")
_ACCIDENT = re.compile(r"透水|塌方|坍塌|垮塌|爆炸|冒顶|瓦斯|事故|出事|滑坡|泥石流|倒塌|起火|火灾")
# a crowd named by its plural noun whose size the post gave earlier: "…四百多名工人…工人们围堵"
_GROUP_GATHER = re.compile(
    rf"(?P<noun>{_PEOPLE})们(?:[^，。！？；]{{0,6}})(?:聚集|围堵|堵路|堵门|堵住|拦路|拉横幅|静坐|上访|冲击|讨薪|聚在|围在|堵在)"
)
_GAP_STOP = re.compile(r"[。！？!?；;，,\n:：\s]")
# a run of emoji followed by a space ends a sentence too: "一个都没上来😭😭 每年夏天都是这样"
_EMOJI = "\u2600-\u27bf\U0001f300-\U0001faff"
_SENT_SPLIT = re.compile(rf"(?:[^。！？!?；;\n{_EMOJI}\s]|[{_EMOJI}]+(?!\s)|\s+(?![\u4e00-\u9fff])|(?<![\u4e00-\u9fff{_EMOJI}])\s+)+"
                         rf"(?:[。！？!?；;\n]+|[{_EMOJI}]*\s+)?|[{_EMOJI}]+\s+|\s+")
_CLAUSE_SPLIT = re.compile(r"[^，,]+[，,]*")

# "3死5伤", "一死两伤", "致2死": the shorthand newsrooms and posters use
_DEATH_INJURY = re.compile(rf"(?P<d>{NUM})死(?P<i>{NUM})伤|(?<=[致成共已])(?P<d2>{NUM})死(?=[、，,。；;\s]|$)")

# ---------------------------------------------------------------------------
# context cues

# looking back: strong cues hold for the whole sentence, weak ones for the clause
# (and the one before it) unless the clause says it is happening now
_RETRO = re.compile(r"去年今日|去年的今天|[一二两三四五六七八九十\d]+年前的今天|周年|[一二两三四五六七八九十\d]+年前|多年前|回顾|纪念|悼念|缅怀|祭奠|历史上|往事")
# a year before this one: "1996年那次瓦斯爆炸，死了二十几个人"
_RETRO_WEAK = re.compile(r"去年|前年|当年|那年|那一年|曾经|曾发生|以前|过去|这几年|这些年|多年来|每年|常年|"
                         r"[一二三四五六七八九十\d]+年代|还有人记得|还记得|[五六七八九]几年|(?:[二三四五六七八九十几]+|\d{2,})年前")
# "当时"/"那时" at the head of a clause points back to the sentence before: "1998年那场大水吗？当时冲走了好几十人"
_THEN = re.compile(r"\s*(?:当时|那时|那会儿?)")
# a year before the post's own: "1996年那次…" (years are compared with the post's date, not the clock)
_YEAR = re.compile(r"(?<!\d)(1949|19[5-9]\d|20\d\d)年")
_NOW = re.compile(r"今天|今日|今晨|今早|昨天|昨日|昨晚|昨夜|目前|刚刚|刚才|现在|近日|日前|本周|当天|此刻|正在|截至|至今|今年")
_DRILL = re.compile(r"演练|演习|假想|桌面推演|模拟(?:演练|事故|场景|火灾|地震|险情|疏散)")
# period totals ("今年以来累计接诊…"): statistics over months, not one incident
_PERIOD_TOTAL = re.compile(
    r"(?:今年|本年度|全年|年内|历年|上半年|下半年|前三季度|[一二三四]季度|近[一二两三四五六七八九十\d]+年)"
    r"(?:以来)?[^。；]{0,10}?(?:累计|共计|总计|合计)|(?:今年|年初|入汛|入冬|入夏|开学)以来[^。；]{0,10}?(?:累计|共计|总计|共)"
    r"|(?:今年|本年度|去年)汛期|汛期(?:以来|期间)|近[一二两三四五六七八九十\d]+年(?:来|以来|内)?|[一二两三四五六七八九十\d]+年来"
)
# "一中根本没有上百人食物中毒": the count is denied
_DENIED = re.compile(r"(?:根本|并|压根|其实|从来)(?:就)?(?:没有|没|不是|并非)$")
_SCHOOLS_CLOSED = re.compile(r"(?:学校|幼儿园|中小学|学校和幼儿园)[^。；]{0,8}(?:全部|全|都)?(?:停课|停园|停了)|(?:停课|停园)")
# "今年全县道路交通事故死亡38人": the county's tally for a period
_PERIOD_COUNTY = re.compile(r"(?:今年|本年度|去年|全年|年度|\d{4}年)(?:以来)?[^。；，,]{0,4}?全县")
_STATS = re.compile(r"同比|环比|年度数据|统计数据|数据显示")
_HYPO = re.compile(r"如果|万一|一旦|假如|要是|倘若|若是|可能造成|可能导致|随时可能|恐将|会不会|易发生|容易发生|易发|高发季节|多发季节")
_CORRECTION = re.compile(r"^(?:实际|实为|其实|真实情况|经核实|目前)")
_REFUTED = re.compile(r"(?:都|完全|根本)?是假的|是假消息|系伪造|截图(?:系|是)?伪造|谣言|不实|辟谣|造谣|传谣|假消息|谣传|系编造|虚假信息|并非事实|与事实不符|子虚乌有|属实不存在|纯属捏造")
_HEARSAY = re.compile(r"朋友圈说|群里说|网上说|网上传|网上在传|有人传|听说|网传|据说|传言|有人说|传闻|小道消息|疯传|群里传|在传")
_REFUTED_POST = re.compile(r"经核[查实][^。]{0,8}(?:仅|只有|只是)|系伪造|没这回事|没有这回事|别再转了|别转了|别传了|别再传了|别传夸张|传夸张了|不要再转|别乱传|不要乱传|不要传|别传谣|不是我们县|不是本县|不是咱们县|(?<!真的)(?<!是真是)假的|辟谣|不实|谣言|造谣|已澄清|并非如此")
_LESSON = re.compile(r"引以为戒|警示教育|举一反三|吸取教训|典型案例|以案示警|以案为鉴")
_FOREIGN_GENERIC = re.compile(r"外地(?!的?(?:打工|工作|务工|上学|读书|上班|做生意|人|游客|车))|外县|邻县|隔壁县|隔壁省|隔壁市|其他县|别的县|外省(?!的?(?:民工|人|游客|老板|务工|司机|车|打工))|邻州|隔壁州|外州|另一县|兄弟县|省外|国外|境外|外市|邻省|邻市|某省|某市|某地|外国")
_FOREIGN_BEFORE = re.compile(rf"(?:{_FOREIGN_GENERIC.pattern})的?$")
_OWN_GENERIC = re.compile(r"我县|本县|全县|县城|县里|咱县|我们县|咱们县|县委|县政府|(?<!壁)(?<!邻)(?<!外)(?<!的)(?<!他)县(?:人民|中)?医院")
_BIG_CITIES = ("北京", "上海", "天津", "重庆", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安",
               "郑州", "长沙", "昆明", "贵阳", "南宁", "哈尔滨", "沈阳", "长春", "济南", "青岛",
               "合肥", "福州", "厦门", "南昌", "太原", "石家庄", "兰州", "西宁", "银川", "乌鲁木齐",
               "拉萨", "呼和浩特", "海口", "三亚", "苏州", "无锡", "宁波", "温州", "东莞", "佛山")
_PROVINCES = ("河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东",
              "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
              "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门")
_NAMED_UNIT = re.compile(
    r"(?P<name>[\u4e00-\u9fff]{2})(?P<unit>县|市)"
    r"(?!城|委|政府|里|长|级|域|内|外|区|直|属|医|人民|人大|公安|教育|应急|财政|卫|交通|住建|自然|民政|"
    r"中医|中学|一中|二中|法院|检察|纪委|信访|电视|融媒|农业|水务|林业|市场|文|统计|审计|税务|残联|妇联|"
    r"总工会|第|实验|道|志|情|乡|城关|场|民|容|面|值|井|价|级)")
NOT_NAME_CHARS = set("我你他她们本该全各这那邻外某哪个一两多每此其周边附近隔壁省州的在了是到去来和与及从往同今昨"
                      "县市区乡镇村城郡超菜夜股楼上都闹集门黑早街花车房期互开罢休午晚级进回出赴返至送离住")

_EPIDEMIC = re.compile(r"(?:停课|停园)[^。！？]{0,12}(?:发烧|发高烧|拉肚子|上吐下泻|腹泻|传染)|(?:发烧|发高烧|拉肚子|上吐下泻|腹泻|传染)[^。！？]{0,12}(?:停课|停园)|(?:全|整个)[\u4e00-\u9fff]{0,3}[县镇乡](?:的人)?(?:都在|都|好多人)(?:拉肚子|上吐下泻|发烧|发高烧|流行)|(?:暴发|爆发)[\u4e00-\u9fff]{1,8}疫情|(?:好几|几|多|[二两三四五六七八九十\d]+)个村(?:同时|都|接连)?(?:有人)?(?:发高烧|发烧|发病|咳血|上吐下泻)|(?:出|闹|得)了?怪病|聚集性疫情|疫情暴发|暴发疫情|突发疫情|爆发疫情|疫情爆发|传染病暴发|暴发传染病|不明原因(?:发热|疾病|肺炎|死亡)|霍乱|鼠疫|炭疽|群体性不明原因")
# a count right after its term with only filler words between, ending the clause:
# "重伤的有五十几个", "遇难人数已经升到九十多了", "中毒病人已经一百三十多，", "死了11个 昨天"
_FILLER = (r"(?:的|有|：|:|已经|已|达|共|共有|累计|升至|升到|上升到|上升至|增至|增加到|增加至|达到|都|就|光|了|还有|约|"
           r"人数|人员|就有|一共|总共|超过|至少|早就过了|早过了|过了|" + _PEOPLE + r")*")
_BARE_AFTER = re.compile(rf"{_FILLER}(?P<num>{NUM})(?P<cls>个|人|名)?(?=了|(?![\u4e00-\u9fffA-Za-z0-9]))")
# a rising toll in the next clause: "遇难人数又升了，今天中午乡里说已经升至33人"
_COUNT_NEXT_RISE = re.compile(
    r"[^，,。！？!?；;\n]{0,8}[，,][^，,。！？!?；;\n]{0,12}?(?:升至|升到|上升到|上升至|增至|增加到|增加至|达到)"
    + _NEXT_COUNT_HEAD + r"(?=了|[，,。！？!?；;\s]|$)"
)
# the dead counted by what they left: "我数了二十三张遗像", "16座新坟", "一个月办了五场丧事"
_MEMORIALS = re.compile(rf"数(?:到|了)(?:第)?(?P<num3>{NUM})(?:个|具)|(?P<num>{NUM})(?:张遗像|座新坟|口棺材|具遗体|个骨灰盒|具尸体|场丧事|场白事|个灵堂)|(?:白布盖着的|盖着白布的|盖了白布的|盖白布的)(?:已经|就)?(?:排了|有|抬出来了?)?(?P<num2>{NUM})(?:个|具|人)")
_NAMES_LISTED = re.compile(rf"(?P<num>{NUM})个名字")
_MEMORIAL_WORDS = re.compile(r"白布|遗像|新坟|棺材|遗体|骨灰盒|尸体|丧事|白事|灵堂")
_SURVIVOR_WORDS = re.compile(r"活下来|救出来的|生还|幸存|获救的|活着的")
_ESTIMATE_BEFORE = "估计|估摸|往少了?说|保守估计|少说|起码|至少|不下|足有|怕有|得有|足足"  # 少说上千人
_ESTIMATE_AFTER = "只多不少|都不止|打不住"  # 上千人只多不少
_ESTIMATE_WORDS = re.compile(f"{_ESTIMATE_BEFORE}|{_ESTIMATE_AFTER}")
# those not among the survivors: "车上二十几个游客，活下来的只有六个", "中巴上十六个人，只活下来三个",
# "全车43人仅4人生还"
_SURVIVORS = re.compile(
    rf"(?P<total>{NUM})(?:(?:个|名|位|口|号)(?:人|{_PEOPLE})?|人|{_PEOPLE})?[^。！？]{{0,14}}?"
    rf"(?:(?:活下来的|救出来的|救上来的|捞上来的|生还的|幸存的|获救的|活着的)(?:只有|仅有|仅|才|就)(?P<alive>{NUM})|"
    rf"(?:只|仅|才)(?:有)?(?:活下来|生还|幸存)(?:了)?(?P<alive2>{NUM})|"
    rf"(?:只|仅|才)(?:有)?(?P<alive3>{NUM})(?:个|名|位)?(?:人)?(?:生还|幸存|活下来|活了下来))")
# "这次煤矿事故走了十九个人，今天头七": 走了 is a death only where mourning is spoken of
_GONE = re.compile(rf"走了(?P<num>{NUM})(?:个|位|名)?(?:人|老人|孩子|工人|矿工|兄弟)(?![，,]?(?:去|到|出|回|上学|读书|打工|务工|外出))")
_MOURNING = re.compile(r"赔偿|抚恤|家属|矿难|煤矿|一夜之间|烧炭|煤气|一氧化碳|大火|火灾|着火|起火|坍塌|塌了|泥石流|洪水|不行了|疫情|怪病|头七|灵堂|遗像|遗体|丧事|悼念|哀悼|追悼|火化|安葬|出殡|事故|遇难|烧纸|戴孝")
# a crowd sized by estimate in a sentence that says a crowd is there: "…门口人山人海…我估计不下两千人"
_CROWD_ESTIMATE = re.compile(rf"(?:{_ESTIMATE_BEFORE})(?:也|都|得)?(?:有)?(?P<num>{NUM})(?:号人|多人|人|(?=[，,。！？!?；;\s]|$))|"
                             rf"(?P<num2>{NUM})(?:号人|多人|人)(?:{_ESTIMATE_AFTER})")
_CROWD_SCENE = re.compile(r"围得|堵死|人山人海|水泄不通|站满|挤满|坐满|围满|堵满|堵死|乌泱泱|全是人|黑压压|围了|围住|堵了|堵住|聚集|聚在|门口|维持秩序|上街")
# a whole town or several villages moved out: thousands
_AREA_EVACUATED = re.compile(r"(?:整个|全)[\u4e00-\u9fff]{0,3}[镇乡](?:的人)?(?:都|全部)?(?:撤空了?|搬空了?|撤离|紧急转移|转移)|"
                             r"(?:[二两三四五六七八九十\d]+|好几|几|多)个村(?:的人)?(?:全部|都)(?:撤离|转移|撤空)")
# the dead as a funeral home counts them: "县殡仪馆…今天又送来了五位，加上前两天的十二位，一共十七位老人"
_TALLY_NOW = re.compile(rf"(?:没了|死了|走了|去世了|遇难了)[，,\s]*(?:已经|一共|总共|这就)?(?P<num>{NUM})个了")
# the dead carried out in turns: "昨晚先抬出来3个，今早又抬出来2个，都没气了"
_CARRIED_OUT = re.compile(rf"(?:抬出来|挖出来|捞上来|打捞出|抬上来)(?:了)?(?P<num>{NUM})(?:个|具|名|位)")
# the dead carried out under a cloth: "抬出来三个，用布盖着的"
_SHROUDED = re.compile(r"用(?:白)?布盖着|盖着白布|盖了白布|蒙着白布|盖着被单")
_NO_LIFE = re.compile(r"都没气了|都没了气|没有生命体征|都走了|都没了|遗体|" + _SHROUDED.pattern)
_TALLY_SO_FAR = re.compile(rf"加上[^。！？]{{0,16}}?(?:没了|死了|走了|遇难|身亡)[^。！？]{{0,10}}?[，,](?:现在|目前)?(?:已经|一共|总共|共)(?:是|有)?(?P<num>{NUM})(?:个|人|名|位)")
_FUNERAL = re.compile(r"殡仪馆|火化|遗体告别|追悼会")
_FUNERAL_TALLY = re.compile(rf"(?:一共|总共|共|加起来|合计)(?:是|有)?(?P<num>{NUM})(?:位|个|名|具)")
# a further toll reported after a first one: "确认七人遇难；下午…又找到六名遇难者"
_INCREMENT = re.compile(r"(?:又|另有|另外|再|次日|随后|后来|此后|其后|紧接着)[^，。；;]{0,10}$")
# more dead found after a first toll, told without a death word of their own: "先是找到8位老人遗体，今天清理现场又发现4位"
_FOUND_MORE = re.compile(rf"(?:又|另|还)(?:走了|死了|没了|发现|找到|挖出|抬出|搜寻到|搜救出|打捞出|打捞起)(?:了|来)?(?P<num>{NUM})(?:位|名|具|个)(?:遇难者|遗体|老人|人)?")
# families told by their size and lost together: "一家五口全没了", "舅舅一家四口、姨妈一家三口…一个都没出来"
_ROLE_COUNT = re.compile(rf"(?P<num>{NUM})(?:个|名|位)(?:婶子|孩子|老人|工人|村民|乘客|学生|亲戚|帮工|客人|人)")
_FAMILY = re.compile(rf"一家(?P<num>{NUM})口")
_ALL_LOST = re.compile(r"全(?:都|部)?没了|都没了|一个都没(?:能)?(?:出来|救出来|活下来|救回来|跑出来)|无一生还|全部遇难|都遇难了?|全部身亡|全死了|都死了")
_BELONGINGS = re.compile(r"房子|钱|积蓄|家当|庄稼|粮食|东西|工作|收入|存款|土地|田地|责任田")
# relatives named one by one and lost together: "爷爷奶奶爸妈和弟弟都没了", "老两口和孙女都没出来"
_RELATIVES = (r"老两口|两口子|小两口|夫妻俩|夫妻|爸妈|父母|爷爷|奶奶|外公|外婆|姥姥|姥爷|爸爸|妈妈|父亲|母亲|老爸|老妈|"
              r"小孙子|小孙女|孙子|孙女|外孙女?|儿子|女儿|儿媳|媳妇|女婿|丈夫|妻子|老公|老婆|弟弟|妹妹|哥哥|姐姐|"
              r"公公|婆婆|叔叔|婶婶|舅舅|舅妈|姑姑|姑父|大伯|侄子|侄女|小叔子")
_KIN_PAIRS = ("老两口", "两口子", "小两口", "夫妻俩", "夫妻", "爸妈", "父母")
_KIN_LIST = re.compile(rf"(?:{_RELATIVES})(?:(?:[、和跟与及]|还有|以及|加上)?(?:他|她|我|的)?(?:{_RELATIVES}))+")
_KIN_LOST = re.compile(r"[^，,。！？!?；;]{0,12}?(?:都|全|全都|全部|一起|也)(?:中毒)?(?:没了|没救回来|没能救回来|没抢救过来|没出来|没能出来|没跑出来|"
                       r"遇难了?|死了|走了|去世了|没了气|没气了)")
# gone elsewhere, or long ago: "爸妈和弟弟也走了，去广州打工了", "爷爷奶奶前几年都去世了"
_KIN_NOT_NOW = re.compile(r"(?:走了|出来|出去)[，,]?(?:去|到|上|出去|外出|打工)|前几年|几年前|好几年|多年|早年|早就|年前|以前|那年|小时候|从小")
# a toll updated through the day: "早上新闻说遇难十九人，中午二十六，刚才县里发布会说三十四人了"
_TOLL_UPDATE = re.compile(rf"[，,、\s]+(?:到了?|又|再)?(?:早上|上午|中午|下午|傍晚|晚上|夜里|刚才|刚刚|现在|后来|最新|目前|随后)"
                          rf"[^，。！？!?；;\d〇零一二两三四五六七八九十百千]{{0,10}}?(?P<num>{NUM})(?:个|人|名|位)?了?(?=[，,。！？!?；;…\s]|$)")
# "遇难人数已经到两位数了": ten or more
_DIGITS_TOLL = re.compile(r"(?:死亡|遇难|死的|没了的)(?:人数)?[^，。！？]{0,6}?(?:到|达|上|破|过)了?(?P<d>两|二|三)位数")
# a running toll without its death word: "没挺过来…这次一共四个了"
_RUNNING_TOLL = re.compile(rf"(?:这次|这回|前后|现在)?(?:一共|总共|已经)(?:是)?(?P<num>{NUM})(?:个|位|名)了")
_DIED_BEFORE = re.compile(r"没挺过来|没抢救过来|没救过来|没了|去世|走了|死了|遇难|身亡")
# the dead referred to as such: "死的三个里头有一对父子", "走的那五个人"
_THE_DEAD = re.compile(rf"(?:死|走|没|遇难|牺牲)的(?:那|这)?(?P<num>{NUM}|{_VAGUE})(?:个|位|名)|(?:死|走|没|遇难|牺牲)的是[^，。！？]{{0,8}}?一家(?P<num2>{NUM})口")
# those who did not come out, confirmed dead later in the post: "九个人没出来…家属一个接一个来认人"
_DEAD_AFTER = re.compile(r"都没了|全都?(?:中毒)?没了|都没气了|没了气|认人|认尸|认领遗体|遗体|都走了|没救过来|没有生命体征")


# whole units turning out over a grievance, told by the unit: "五六个小区的业主全到镇政府门口了",
# "三个乡镇的群众把县政府围得水泄不通", "整个二车间的工人…聚在厂门口"; people per unit, a low estimate
_UNIT_TURNOUT = re.compile(
    rf"(?P<num>{NUM}|好几|几|多|数|各)个(?P<unit>乡镇|镇|乡|村民小组|村|小区|工厂|厂|车间)(?:的)?(?:村民|业主|工人|群众|居民|职工|员工|人|老乡|住户|老百姓)"
    r"|(?:整个|全)(?:[一二三四五六七八九十\d](?=车间))?(?P<unit2>县|镇|乡|村民小组|车间|工厂|厂|栋楼)(?:的)?(?:村民|业主|工人|群众|居民|职工|员工|人|老少|老小|百姓)")
# "N个村的村民" are people from N villages, not all of them (a few dozen each); "全镇的人" is everyone
_UNIT_PEOPLE = {"乡镇": 300, "镇": 300, "乡": 300, "村": 30, "小区": 50, "工厂": 50, "厂": 50, "车间": 20,
                "村民小组": 20}
_WHOLE_UNIT_PEOPLE = {"县": 10_000, "镇": 1000, "乡": 1000, "工厂": 50, "厂": 50, "车间": 30, "村民小组": 30,
                      "栋楼": 30}
_ALL_CAME = re.compile(r"(?:都|全都|全)(?:来|到|出来)了")
_ONLOOKERS = re.compile(r"看到|看见|围观|看热闹|瞧见")
_CUMULATIVE = re.compile(r"升至|升到|增至|增加到|上升|达到|累计|共|总数|人数")
# lives counted: "十二条人命", "六条鲜活的生命"
_LIVES = re.compile(rf"(?<!第)(?<!捡回)(?<!救回)(?<!保住)(?P<num>{NUM})条(?:鲜活的?)?(?:人命|生命|命(?![令运题]))")
# "一个都没上来", "一个也没救出来": none of the group counted before
_NONE_OF = re.compile(r"一个(?:都|也)没(?:有|能)?(?=上来|出来|救|挖|找|跑|逃|活)")
# a casualty term negated right before it: "12个孩子都没有受伤", "未造成人员伤亡"
_KW_NEGATED = re.compile(r"(?:没有|没|未|无|并未|均未|都没有?|均无|并无|不会)(?:造成|人员|人)?$")
# a count that is a threshold, not a toll: "死亡3人以上的较大事故"
_THRESHOLD_AFTER = re.compile(r"(?:以上|及以上|以下|及以下)")
_THRESHOLD_IN = re.compile(rf"(?:{NUM})(?:人|名|个|位)?(?:以上|及以上|以下|及以下)")
# a crowd at a festivity, a show or a market is no grievance unless the post names one
# onlookers or a market crowd that turns on someone is a mass incident: "围观的几百人把城管车围住，掀翻了两辆"
_CROWD_TURNS = re.compile(r"掀翻|打砸|砸了|砸车|砸毁|冲击|围攻|推翻|把[^，。！？]{1,8}?(?:围住|围了|堵住)")
_FESTIVE = re.compile(r"表演|杂技|佳节|狂欢|火把节|泼水节|歌会|篝火|欢迎|夹道|庆祝|庆典|演出|晚会|庙会|夜市|马拉松|比赛|赛事|招聘会|观看|游玩|旅游|赶集|赶街|"
                      r"过节|节日|春节|元宵|中秋|国庆|烟花|广场舞|参观|展会|集市|开业|音乐节|灯会|看热闹|围观")
# collective action by a group counted earlier: "我们车间六十多个人…今天大家都不干了，全部坐在厂门口"
_REFERENT_GATHER = re.compile(
    r"(?:大家|大伙儿?|全部|全都|一起|集体|全村人?|全|都)[^，。！？；]{0,6}?"
    r"(?:(?<![拿收得找办领见等做看听遇想达放送发分拨打转])(?:去了?|到了?)|跑到|涌到|坐在|(?<!被)堵在(?!里面|里头|洞里|井下|隧道)|围在|聚在|站在|跪在|守在|坐满了|挤满了|站满了|堵了|围了)"
    r"|(?:门口|门前|大厅|院子里|路上)(?:坐满了|挤满了|站满了|围满了)"
)
# a whole village turning out, and what it does there
_VILLAGE_OUT = re.compile(r"全村(?:的)?(?:人|老小|老老小小|男女老少|老少爷们|上下)?(?:几乎)?(?:都|全|全部|一起)?"
                          r"(?:去了|出动了?|来了|到了|跑去了?|赶去了?|赶到了?|上阵了?)")
# a whole group or a crowd acting together over a grievance, told without a count:
# "全班家长把园长办公室堵了", "整栋楼的住户全都下楼了", "县政府门口跪了一排农民工", "院坝里站了一大片"
_WHOLE_GROUP = re.compile(
    r"(?:全班|全校|全年级|全楼|整栋楼|整幢楼|整个小区|全小区|家家户户|老老少少|男女老少|一大半|大半个?(?:班|年级|小区|村))"
    r"(?:的)?(?:家长|村民|业主|住户|职工|员工|工人|商户|老师|教师|学生|老人|居民|人)?")
_GROUP_ACTION = re.compile(
    r"堵|围|拦|静坐|横幅|讨说法|要说法|上访|对峙|下楼|罢工|一起不干|都不干|停工|罢课|请愿|跪|"
    r"(?:一起|都|全都|全部|结伴)(?:去|到|找)|去了?(?:[乡镇县]|[乡镇县]?政府|教育局|信访|住建|售楼)")
_CROWD_IMAGE = re.compile(
    r"(?:站|围|跪|坐|蹲|挤|堵)(?:了|着|满了)?(?:一大片|一大排|一排|一大堆人|一堆人|一大群|一群人|一大?圈人|黑压压的?一片|乌泱泱的?一片)"
    r"|(?:门口|门前|大门口|楼下|广场上?)(?:全是|都是)[^，。！？]{0,6}?(?:人|工人|村民|业主|家长|群众|老人|家属)"
    r"|(?:一直到|到处|满街|整条街|整条路)[^，。！？]{0,8}?全是人"
    r"|(?:群众|村民|业主|工人|职工|家长|商户|居民)(?:们)?[^，。！？]{0,12}?(?:在|到)[^，。！？]{0,8}?(?:政府|县委|信访|管委会|售楼[处部])[^，。！？]{0,4}?聚集"
    r"|黑压压的?(?:一片|全是人)|乌泱泱")
_VILLAGE_COUNT = re.compile(rf"(?:差不多|大概|足足|少说)?(?P<num>{NUM})(?:个人|个|号人|人|多人)")
_BLOCKING = re.compile(r"堵|围|拦|静坐|横幅|不让(?:走|动|进|过|施工|开工)|讨说法|要说法|上访|对峙|躺在|坐在[^，。]{0,6}(?:前面|门口|路上|路中间)")
# a group writing in the first person: "我们是…木工班组，共28人…至今分文未付"
_WE_GROUP = re.compile(rf"我们(?:是)?[^，。！？]{{0,20}}?[，,]?(?:共|一共|总共|有)(?P<num>{NUM})(?P<cls>人|名|个人|号人|户)|我们(?P<num2>{NUM})(?P<cls2>个人|号人|人|名|户)")
# precautionary moves before anything happened: "提前转移避险群众136人"
_PRECAUTION = re.compile(r"提前|预防性|预先|演练")
# a whole class: "一个班的孩子上吐下泻"
_CLASS_GROUP = re.compile(r"(?:一|两|三|几|整|半)个班(?:的)?(?:孩子|学生|同学|娃娃)?|全班(?:的)?(?:孩子|学生|同学)?|(?:整|大半|半)个年级|全年级|全校(?:的)?(?:孩子|学生|师生)?")


def _class_size(group: str) -> int:
    """A low estimate of the people in a class group: a class some twenty, half of one ten,
    classes so many twenties, a (most of a) year group or a school a hundred or more."""
    if "年级" in group or "全校" in group:
        return 100
    if group.startswith("半"):
        return 10
    n = {"两": 2, "三": 3, "几": 3}.get(group[:1], 1)
    return 20 * n


_QUOTE = re.compile(r"“[^”]{0,120}”|\"[^\"]{0,120}\"|「[^」]{0,120}」")
_COUNTYWIDE = re.compile(r"(?:几乎)?(?:每个|所有|各个)乡镇(?:都)?(?:有|出现|遭受|受灾|被淹|塌|停电|断电)|(?:整个|全)县城(?:都|全|几乎|基本)?(?:被淹|淹了|被水淹|泡在水里|一片汪洋|停电|断电|瘫痪)|县城(?:全|都)(?:被)?淹|县城(?:[和与跟及、][\u4e00-\u9fff]{1,6})?(?:也|都|全)(?:被)?(?:泡在水里|被淹|淹了)|全县到处都在(?:求救|告急)|整个[\u4e00-\u9fff]{0,3}县(?:都)?(?:完了|毁了|瘫痪了?|被淹了?|淹了|受灾|停电|停水|断电|断水)|全县(?:都|全部|大面积|大)?(?:受了?灾|被淹|淹了|停电|停水|断电|断水)|全县都遭(?:了|灾|殃)|全县没有一个乡镇|没有一个乡镇(?:跑得脱|幸免|逃过)|(?<![\d.])(?:[二三四五六七八九几数]?十|\d{2,})几?万(?:多|余)?人(?:受灾|饮水困难|停水|停电|断水|断电)|全县(?:大旱|遭遇大旱|特大干旱|旱灾)|全县(?:范围内|境内|大部分?地区|各乡镇|所有乡镇|多数乡镇|[0-9一二三四五六七八九十]+个乡镇)?(?:[\d一二三四五六七八九十百千万余多]+(?:人|户|名))?(?:均|全部|普遍|大面积|严重)?"
                         r"(?:受灾|遭受|被淹|停电|断电|断水|停水|灾情严重|成为重灾区|洪涝|内涝|受旱|旱情严重|饮水困难|(?:基本)?通讯中断|(?:基本)?通信中断)")
# what a crowd does together, for counts told beside it (see extract_figures)
_CROWD_ACT = re.compile(r"把车停在[^，。！？]{0,10}?(?=[，,]?\s*不拉客|[，,]?\s*罢运)|围起来|围了起来|围上来|涌上来|堵住|堵死|堵了|举着牌子|举着横幅|举牌|拉横幅|拉着横幅|打着横幅|"
                        r"静坐|坐满了?|站满了?|挤满了?|跪了一片|连夜上山|把[^，。！？\s]{1,8}?(?:围|堵)(?:住|了|起来)")
_QUEUE = re.compile(r"排队|排着队|挂号|候诊|等号|取号|候车|看病|就诊|办事|办证|考试|演出|比赛|观看|参观|游客")
_CROWD_ACT_WORDS = re.compile(r"把车停在|围|堵|牌|横幅|静坐|满|跪|上山")
_SEPARATORS = re.compile(r"[，,、\s]")


def _counts_people(c: re.Match[str]) -> bool:
    """A _COUNT_BEFORE match that counts people or households (a people noun, or a classifier
    for people or households), not a bare number."""
    return bool(c.group("noun") or (c.group("cls") or "").startswith(("个", "名", "位", "人", "号")))


def _crowd_count_ok(c: re.Match[str]) -> bool:
    """A count of people (a classifier or a people noun), at least a few dozen, not vague alone."""
    if (c.group("cls") or "").startswith("户") or not _counts_people(c):
        return False  # households are no head count ("三百多户业主…拉横幅" is a collective complaint)
    n, _ = _value(c.group("num"))
    return bool(n and n >= 20)


# vehicles count as their drivers only in a protest, not in a traffic jam ("上千辆车堵在隧道口")
_DRIVERS_PROTEST = re.compile(r"罢运|罢工|停运|抗议|示威|请愿|讨说法|要说法|维权|司机们")
_VEHICLE_PROTEST = re.compile(
    rf"(?P<num>{NUM})(?:多)?辆(?:出租车|的士|网约车|货车|三轮车|摩托车|面包车|渣土车|运输车|车)"
    r"[^。！？]{0,10}?(?:罢运|堵在|堵住|堵了|停在路中间|停在[^，。！？]{0,6}门口|围住|围了|聚集|开到[^，。！？]{0,8}门口)")
# a whole township under water: thousands moved out, whether or not the post counts them
_TOWNSHIP_FLOODED = re.compile(r"(?:整个|全)[\u4e00-\u9fff]{0,3}[镇乡](?:都|全|几乎)?(?:被淹|淹了|泡在水里|一片汪洋|被水围了?|进水了)")
# what an incident is told with; a post with none of it (a queue, a broken machine, a joke)
# is not graded up on the model's word alone
_INCIDENT_WORDS = re.compile(
    r"[死亡伤毒灾险塌淹困救烧炸砸翻堵围哭撤疫吐泻晕震]|事故|出事|起火|着火|失火|泥石流|滑坡|山洪|洪水|暴雨|决堤|溃坝|"
    r"透水|冒顶|瓦斯|泄漏|山火|踩踏|失踪|失联|遇难|没了|急诊|住院|送医|救护车|转移|疏散|聚集|聚在|站满|坐满|上访|静坐|"
    r"横幅|冲突|打人|砍人|持刀|命案|停工|罢工|讨薪|暴雪|冰冻|冰雹|干旱|台风|停电|停水|坠|撞|追尾|溺水|落水|倒了|倒下|"
    r"山崖|冲进|生命迹象|警戒线|闷响|走了|不见了|找不到|出大事"
)
# hospitals overwhelmed by one incident: "县医院走廊都躺满了中毒的学生"
_HOSPITAL_FULL = re.compile(r"(?:医院|卫生院|急诊|病房|住院部)[^。！？；]{0,10}?(?:都|全|全都)?(?:躺满|住满|挤满|塞满|摆满|加满|挤爆|爆满|住不下|挤不下|躺不下)|(?:急诊|走廊|病房)[^。！？，]{0,4}?(?:都|全)是[^。！？，]{0,8}?(?:孩子|学生|伤员|病人|患者)")
# our people sent to help somewhere else: "县消防救援大队…赶赴灾区支援", "派出救援队驰援"
_HELP_ELSEWHERE = re.compile(r"驰援|前往支援|派出[^，。！？]{0,8}支援|赶赴[^，。！？]{0,8}支援|支援[^，。！？]{0,6}(?:灾区|邻县|外地|兄弟县)")
_INCIDENT = re.compile(r"拉肚子|上吐下泻|中毒|爆炸|事故|伤员|火灾|起火|泄漏|坍塌|垮塌|倒塌|食堂|宴席|吃了|喝了|地震|泥石流|疫情")
_TOWNSHIPS_HIT = re.compile(rf"(?P<num>{NUM}|多|数|几)个乡镇(?:中|里|有)?(?:(?P<num2>{NUM})个)?(?:不同程度|严重|全部|均)?(?:受灾|被淹|遭受|告急|灾情|没有一个幸免|无一幸免)")
_DISASTER = re.compile(r"大旱|旱情|水库见底|冰封|凝冻|冻雨|暴雪|寒潮|被淹|淹了|汪洋|暴雨|洪水|洪涝|山洪|地震|泥石流|滑坡|塌方|干旱|旱灾|冰冻|雪灾|台风|冰雹|森林火灾|山火|火灾|内涝|决堤|溃坝|灾")
_LEVEL = r"(III|II|IV|I|Ⅲ|Ⅱ|Ⅳ|Ⅰ|一|二|三|四|1|2|3|4)"
_RESPONSE = re.compile(
    r"(?:启动|提升至|提升为|提高至|提高到|升级为|升级至|上调至|上调为|调整为|调整至|发布|进入)"
    r"[^，。；！？,]{0,14}?" + _LEVEL + r"级(?:应急)?响应"
    r"|应急响应(?:级别)?(?:由[^，。；]{1,4}级)?(?:提升|提高|上调|升级|调整)(?:至|为|到)" + _LEVEL + r"级"
)
_PLAN = re.compile(r"预案|实施办法|管理办法|规定》|条例|细则|征求意见|修订")
_RESPONSE_ENDED = re.compile(r"(?:解除|终止|结束|撤销|降为|降至|降低为|下调为|下调至)[^，。；]{0,14}$")
_QUAKE = re.compile(r"(?P<mag>\d(?:\.\d)?)级地震")
_VICIOUS_STRONG = re.compile(r"(?:拿|用)针扎|扎娃娃|拿刀(?:乱砍|砍|捅|行凶)|乱砍(?!乱伐|滥伐|树|林|木)|挥刀|故意冲撞|驾车冲撞|开车撞人|冲撞[\u4e00-\u9fff]{0,4}(?:人群|群众|行人|学生)|凶手|故意伤害案件?|持刀伤人|虐待老人|虐老|打老人|殴打老人|打(?:了)?(?:一[个位名])?(?:[\d一二三四五六七八九十]+多?岁的?)?老人|持刀|砍人|砍伤|砍死|捅伤|捅死|刺死|命案|杀人|杀害|投毒|纵火|性侵|强奸|猥亵|虐童|虐待儿童|拐卖|绑架|枪击|灭门|碎尸|打死|当街行凶|行凶|报复社会")
_CONFIRMED_CASES = re.compile(r"确诊|报告病例|检出|经检测|病例\d|\d+例")
_DISEASE_NAMES = frozenset({"霍乱", "鼠疫", "炭疽"})
# class-A diseases and unexplained clusters are 重大 however few the cases
_GRAVE_DISEASE = ("霍乱", "鼠疫", "炭疽", "不明原因", "怪病")
_OUTBREAK_CONTEXT = re.compile(r"发生|出现|暴发|爆发|确诊|感染|病例|患者|闹|封村|封控|隔离|死了|死亡")
_GENERIC_DISEASE_CONTEXT = re.compile(r"监测|体系|预防|科普|知识|传播途径|症状|疫苗|防治|宣传|培训")
_NEGATED = re.compile(r"(?:未|没有?|并未|尚未|不是|并非|排除|无)(?:发现|出现|发生|检出)?[^，。；]{0,3}$")
# the grade stated in words, as officials write it: "一起重大生产安全责任事故", "特别重大事故"
_STATED_GRADE = re.compile(
    r"(?P<g>特别重大|重特大|重大|较大)(?:的)?(?:生产安全|道路交通|交通|火灾|安全生产|安全|责任|"
    r"山体滑坡|地质|自然|森林火灾|突发公共卫生|公共卫生|食品安全|环境|突发环境|水上交通|溺水|"
    r"透水|瓦斯|爆炸|坍塌|垮塌|火灾|燃气|危化品|中毒|踩踏|煤矿|矿山|地震|洪涝|泥石流)?"
    r"(?:责任)?(?:事故|灾害|险情|突发事件|事件|疫情|火灾|滑坡|泥石流|洪涝)"
)
# "已达到特别重大生产安全事故等级", "按照重大生产安全事故等级…成立调查组"
_GRADE_REACHED = re.compile(r"(?:达到|按照|按|定为|定性为|认定为|属于|构成|列为|升级为|升为)(?:了)?[^，。；]{0,4}$")
_STATED_GRADE_NOT = re.compile(r"(?:遏制|防范|预防|杜绝|防止|避免|严防|减少|坚决|确保不发生|无|未发生|没有发生|应对|汲取|吸取)[^，。；]{0,14}$|"
                               r"(?:\d+|[二两三四五六七八九十][一二两三四五六七八九十]*)起$")
# casualties stated without a number
_HEAVY_TOLL = re.compile(r"死了好多人|死了很多人|死了不少人|死了一大片|好多人遇难|很多人遇难|死伤无数|死伤惨重|伤亡惨重|重大伤亡|大量人员伤亡|群死群伤")
# a list of the missing or the dead is kept when there are many: "我二叔一家还在失联名单上"
_TOLL_LIST = re.compile(r"(?:失联|失踪|遇难|死亡|伤亡|被困)(?:者|人员)?名单")
_UNKNOWN_TOLL = re.compile(r"伤亡(?:情况|人数)?(?:不明|不详|未知|正在统计|尚在核实|待核实)|多人(?:死亡|遇难|身亡)|人员伤亡(?:情况)?正在")
_VICIOUS_WEAK = re.compile(r"(?:干部|乡长|镇长|局长|书记|主任|工作人员|所长|科长)[^。！？]{0,24}?(?:拍桌子|摔杯子|有本事你们?去告|你去告啊|告到哪里都没用|爱去哪告去哪告|辱骂群众|骂群众|怼群众)|酒驾|醉驾|肇事逃逸|撞了(?:人)?(?:还)?想跑|体罚|罚(?:孩子|学生|娃)[^，。！？]{0,8}跪|拳打脚踢|推倒|强拆|按地上|逃逸|拖出来|摔晕|打晕|打破|头破血流|打骨折|打断|辱骂|按在地上|摁在地上|殴打|打人|暴打|群殴|斗殴|霸凌|欺凌|暴力执法|暴力抗法|围殴|掌掴|扇耳光|扇[^，。！？]{1,5}耳光|扇脸|敲头|推搡|下跪|虐待|踩踏|坠楼|跳楼|自焚|服毒|割腕|喝农药|喝了农药|喝药自杀|服药自杀|上吊|自杀|轻生|寻短见")
# violence among the weak cues: with a death it is a homicide, a 恶性事件 however few died
_VIOLENCE = re.compile(r"殴|打人|暴打|拳打脚踢|暴力|霸凌|欺凌|头破血流|打骨折|打断|打晕")
_ATTENTION = re.compile(r"(?:转发|播放|点赞|评论)(?:量)?(?:已经?)?(?:超过|超|达|破|上|了)?(?:好几|几|数)?(?:[\d一二三四五六七八九十百千]+万|万)|热搜|视频火了|传疯了|转疯了|传遍|到处都在转|转得到处都是|传得到处都是|全县(?:的群)?都在(?:传|议论|转)|整个县都在传|传开了|刷屏|(?:被)?转了(?:好几|几|数|十几|几十)?(?:[\d一二三四五六七八九十百千]+)?万次|朋友圈都在(?:骂|转|传)|(?:抖音|快手|微信群|群里)[^，。！？]{0,6}(?:全|都)在(?:转|传)|全网都在(?:传|转|骂)|广泛关注|高度关注|引发热议|引发关注|持续发酵|疯传|全网|舆论哗然|(?:在)?网(?:上|络上)(?:广泛|大量)?(?:流传|传播|发酵)|视频(?:在[^，。]{0,6})?流传|广泛传播|(?:顶|冲|上)(?:上|了)?热门|播放量|阅读量|引(?:起|发)了?(?:很大|极大|巨大|广泛|大量|不少|众多|社会|网友|网民|公众|强烈)的?(?:关注|热议|讨论|愤慨|围观)|(?:网上|网络上|朋友圈|抖音|微博|快手)(?:上)?(?:已经?|都)?传开|网友热议|转发过万|上万转发|网友愤怒|众怒|视频曝光|被曝光|央视|人民日报|新华社")
_COLLECTIVE = re.compile(r"集体(?:投诉|反映|上访|维权|举报|讨薪|请愿|信访)|(?<!失)联名(?!卡|款|版|产品|商品|合作|推出|礼盒)|群体性|"
                         # "沿岸村民集体到环保局反映", "商户集体找到市场监管局，投诉…": going there together
                         r"集体(?:到|去|前往|找到?|来到|跑到|赶到)[^。！？]{0,20}?(?:投诉|反映|上访|维权|讨薪|讨说法|要说法|请愿|信访|举报|抗议)|"
                         r"(?:村民|业主|工人|工友|家长|居民|群众|农民工|职工|商户|投资人|储户|老人)们[^，。！？]{0,10}?"
                         r"(?:去|到|找)[^，。！？]{0,6}?(?:政府|信访|局|讨说法|要说法|上访|维权|报案)|"
                         r"(?<![\d零〇一二两三四五六七八九十百千万])(?:众多|大批|大量|一群|几十|数十|上百|数百|多名|很多)(?:业主|家长|村民|工人|农民工|居民|群众|商户|职工|学生|老人|"
                         r"储户|投资人|考生|租户|乘客|患者|摊贩|商家|购房者|债权人|受害人|家属)")
# many fall ill together, told without a count: "一个班的孩子上吐下泻", "好几个小区的居民喝了拉肚子",
# "多名学生午餐后呕吐腹泻" — a group poisoning (数十人中毒 is 较大); fever alone is no sign (a flu season)
_MASS_ILL = re.compile(
    r"(?:吃|喝|宴|席|餐|饭)[^。！？]{0,20}?(?:倒了一大片|一个接一个(?:地)?倒下|接连倒下)|"
    r"(?<![\d零〇一二两三四五六七八九十百千万])"
    r"(?:很多|好多|许多|大批|一大批|不少|一群|大量|成批|众多|多名|全班|一个班|整个班|半个班|好几个班|多个班级?|"
    r"(?:好几|几|多)个(?:小区|村|班|班级|学校))"
    r"[^，。！？；]{0,8}?(?:学生|孩子|小孩|娃|幼儿|小朋友|同学|村民|居民|人|工人|员工|职工|宾客|客人|食客|游客|老人|顾客|住户|业主)"
    r"[^。！？；]{0,16}?(?:中毒|呕吐|上吐下泻|腹泻|拉肚子|腹痛|肚子疼|肚子痛|皮疹|出疹|起疹|头晕恶心)")
# a few of the group, counted: "一个班两个同学吃了烧烤肚子疼"
_FEW_OF_GROUP = re.compile(r"(?:班|校|村|小区|学校)(?:的|里|上)?(?:有|就)?(?:[一二两三四五六七八九]|[1-9](?!\d))(?:个|名|位)")
# a group in a clash over a grievance, uncounted: "村民因征地补偿和施工方起冲突" (a 群体性事件);
# "两户村民…发生争执", "一名业主和保安起冲突" are a few people, and "避免发生冲突" none
_GROUP_CLASH = re.compile(
    r"(?<![\d一二两三四五六七八九十几某个名位户])(?:村民|居民|业主|工人|群众|商户|摊贩|农民工|职工|家属|家长)(?:们)?"
    r"[^，。！？；]{0,14}?(?:与|和|跟|同)[^，。！？；]{0,12}?(?<![没未免止])(?:发生|起|爆发)?了?(?:肢体)?(?:冲突|打起来|打了起来|械斗|对峙)")
_CLASH_AVERTED = re.compile(r"没|未|避免|防止|以免|不要|防范|化解")
# a desperate act where the grievance is aimed: "当事人在法院门口喝农药" (以极端方式维权)
_EXTREME_PROTEST = re.compile(
    r"(?:政府|法院|信访|县委|派出所|局|公司|医院|卫生院|学校|工地|售楼[处部]|项目部)[^。！？]{0,12}?"
    r"(?:喝农药|喝了农药|喝药|服毒|自焚|割腕|跳楼|上吊|自杀|轻生|寻短见)")
# violence named in a campaign, not an incident: "防欺凌主题教育", "预防自杀和轻生", "打击拐卖"
_PREVENTION = re.compile(r"(?:防|预防|防范|反|打击|远离|拒绝|杜绝|严禁|禁止|防止|如何应对|识别)[^，。！？；]{0,3}$")
_PREVENTION_AFTER = re.compile(r"(?:[和与及、][\u4e00-\u9fff]{1,3})?(?:主题|教育|宣传|讲座|知识|专项|整治|演练|课|防范|预防)")
# a village (or half of one) buried or swept away: dozens of lives, whether or not anyone is counted yet
_VILLAGE_BURIED = re.compile(r"(?:半个|整个|大半个|全)(?:村子|村|寨子|寨|村民小组|组)(?:的房子)?(?:都|全|全都|几乎)?(?:被)?"
                             r"(?:泥石流|山洪|洪水|滑坡|塌方)?(?:埋了|掩埋|埋没|埋|冲没了|冲走了|冲垮了|冲毁|淹没了?|夷为平地)|"
                             r"(?:村|寨|组)(?:子)?整个(?:都)?(?:没了|被埋了?|埋了|冲没了)")
_RESCUED = re.compile(r"(?:都是|都|全都)?自己(?:走|爬|跑)出来|自行脱困|全部获救|均已获救|全部救出|均被救出|成功救出|全部脱险|均已脱险|已脱险|已获救|均无生命危险|全部安全|安全转移|全部转移出来|都救出来了|全部救出来")
# where being trapped is deadly in itself (a mine, rubble, a fire, rising water on a roof):
# a village cut off by a flood is trapped in a hazard too, but is no 重大 event by that alone
_DEADLY_TRAP = re.compile(r"井下|矿|废墟|埋|坍塌|塌方|垮塌|倒塌|塌了|透水|冒顶|瓦斯|炸|出事|事故|火场|大火|着火|起火|浓烟|"
                          r"屋顶|房顶|激流|水中|树上|洞内|隧道|车里|车内|船上|烧起来|失火|火灾|漫到|淹到|水已经")
_HAZARD = re.compile(r"炸|出事|事故|埋|洞内|隧道|井下|决堤|溃坝|被淹|淹了|矿上|着火|起火|失火|浓烟|塌了|倒塌|煤矿|矿井|井下|矿山|矿难|坍塌|塌方|垮塌|废墟|泥石流|滑坡|山洪|洪水|火场|大火|透水|瓦斯|冒顶|隧道|塌陷|淹没|被水围困|激流|山火|林火|火灾|水库|河里|河中|江里|落水|溺水|游泳|水里|屋顶|垮了|倒了|砸中")
_NO_CASUALTY = re.compile(r"(?:未|没有|无)(?:造成)?人员(?:伤亡|死亡|受伤)|无人(?:员)?(?:伤亡|死亡|受伤)|暂无人员伤亡|没(?:有)?大碍|无大碍|均无大碍|都没大事|都没什么大事|虚惊一场|救(?:上来|出来)[^。！？]{0,10}没事")
# the sick tallied apart from their symptoms: "好多人同时发烧拉肚子，…据说病人已经过百了"
_PATIENT_TALLY = re.compile(rf"(?:病人|患者|病号|发病的|中毒的|生病的)(?:人数)?(?:已经|已|都|就|共|一共|累计)?(?:有|达到?|超过|过|破|上)?(?P<num>{NUM})(?:个|人|名|例)?")
# cases of a named infectious disease: "疾控说登革热已经几百例了"
_DISEASE_CASES = re.compile(rf"(?:登革热|手足口病?|诺如病毒?|痢疾|甲肝|水痘|流感|麻疹|结核|腮腺炎|猩红热|新冠)[^。！？]{{0,12}}?"
                            rf"(?P<num>{NUM})(?:例|个病例|名患者|个病人)")
# a vehicle's people all lost: "两辆面包车的乘客全部遇难", "两辆坐满乘客的大巴相撞起火…两车乘客几乎无一生还"
_ALL_LOST_WORDS = re.compile(r"无一生还|全部遇难|全都遇难|全部罹难|全部死亡|都遇难了|都没了|全没了|一个都没(?:救|活|跑|逃)")
_VEHICLES = re.compile(rf"(?P<num>{NUM})(?:辆|台)(?:坐满[^，。！？]{{0,4}}?的|满载[^，。！？]{{0,4}}?的)?"
                       r"(?P<veh>大巴车?|客车|中巴|校车|公交车?|面包车|小车|轿车|三轮车)")
_VEHICLE_SIZE = {"大": 30, "客": 30, "公": 30, "中": 15, "校": 15, "面": 6, "小": 4, "轿": 4, "三": 3}
_ROUTINE = re.compile(r"每天|每日|平时|日常|每年|每月|门诊量|接诊量")
_POISON_CONTEXT = re.compile(r"吃了|杀猪饭|农家乐|吃完饭|吃过饭|饭后|吃了饭|吃饭后|伙食|中招|吃坏|营养餐|配餐|盒饭|学生餐|泄漏|氯气|毒气|有毒气体|吸入|中毒|呕吐|腹泻|上吐下泻|食物|食堂|饭菜|午餐|早餐|晚餐|午饭|早饭|晚饭|外卖|聚餐|宴席|酒席|喜宴|饮用水|自来水|井水|疫情|感染|发热|发烧|病毒|不适|肚子疼")


@dataclass
class Mention:
    """One count found in the text."""

    kind: str
    count: int
    approx: bool
    span: tuple[int, int]
    text: str
    # "gathered": a physical gathering, not a collective complaint;
    # "households": the households took collective action (维权、聚集 …)
    strong: bool = True
    discounted: str | None = None  # why it does not count (Chinese), or None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "count": self.count, "text": self.text,
                             "span": list(self.span)}
        if self.approx:
            d["approx"] = True
        if self.kind == "gathered" and not self.strong:
            d["collective_complaint"] = True
        if self.discounted:
            d["discounted"] = self.discounted
        return d


@dataclass
class Figures:
    """Largest reported count per kind (None = not stated) and the cues found."""

    deaths: int | None = None
    injured: int | None = None
    seriously_injured: int | None = None
    trapped: int | None = None
    missing: int | None = None
    poisoned: int | None = None
    hospitalized: int | None = None
    evacuated: int | None = None
    gathered: int | None = None  # people physically gathered (聚集、围堵、上访、讨薪 …)
    # people (or households) in a collective complaint (维权、联名、投诉; "几百户业主拉横幅")
    complainants: int | None = None
    households: int | None = None
    mentions: list[Mention] = field(default_factory=list)
    cues: dict[str, Any] = field(default_factory=dict)
    trapped_in_hazard: bool = False
    trapped_deadly: bool = False
    rescued: bool = False
    no_casualties: bool = False

    @property
    def discounted(self) -> list[Mention]:
        return [m for m in self.mentions if m.discounted]

    def any(self) -> bool:
        return any(getattr(self, k) for k in KINDS) or bool(self.complainants)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary: counts that were stated, the spans, and cues."""
        out: dict[str, Any] = {k: getattr(self, k) for k in KINDS if getattr(self, k) is not None}
        if self.complainants is not None:
            out["complainants"] = self.complainants
        if self.trapped is not None:
            out["trapped_in_hazard"] = self.trapped_in_hazard
        if self.rescued:
            out["rescued"] = True
        if self.no_casualties:
            out["no_casualties"] = True
        if self.cues:
            out["cues"] = dict(self.cues)
        if self.mentions:
            out["spans"] = [m.to_dict() for m in self.mentions]
        return out


# ---------------------------------------------------------------------------
# places: is a sentence about this county or somewhere else?


@lru_cache(maxsize=32)
def _place_regexes(local: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str], frozenset[str]]:
    """Compiled matchers for one set of own-county names (cached: built once per county)."""
    local_re = re.compile(trie_pattern(local)) if local else None
    foreign = [n for n in (*_BIG_CITIES, *_PROVINCES)
               # the own province is not "elsewhere"; it is simply not specific
               if not any(n in loc or loc.startswith(n) for loc in local)]
    stems = frozenset(n[:-1] for n in local if n.endswith(("县", "市", "州")) and len(n) >= 3)
    return local_re, re.compile(trie_pattern(foreign)), stems


def place_mentions(text: str, local_names: Iterable[str] = ()) -> list[tuple[int, str, bool]]:
    """(position, name, is_local) for every own-county and foreign place mention."""
    found: list[tuple[int, str, bool]] = []
    local = tuple(sorted({n for n in local_names if n}))
    local_re, foreign_re, stems = _place_regexes(local)
    taken: list[tuple[int, int]] = []
    if local_re is not None:
        for m in local_re.finditer(text):
            if _FOREIGN_BEFORE.search(text, max(0, m.start() - 6), m.start()):
                found.append((m.start(), m.group(), False))
                continue
            found.append((m.start(), m.group(), True))
            taken.append((m.start(), m.end()))
    for m in _OWN_GENERIC.finditer(text):
        found.append((m.start(), m.group(), True))
    for m in _NAMED_UNIT.finditer(text):
        name = m.group("name")
        if name in stems or any(ch in NOT_NAME_CHARS for ch in name):
            continue
        if any(a <= m.start() < b for a, b in taken):
            continue
        full = name + m.group("unit")
        if full in local:
            continue
        found.append((m.start(), full, False))
    for m in _FOREIGN_GENERIC.finditer(text):
        found.append((m.start(), m.group(), False))
    for m in foreign_re.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            found.append((m.start(), m.group(), False))
    found.sort()
    return found


def _locus(places: list[tuple[int, str, bool]], pos: int, sent: tuple[int, int]) -> tuple[str, bool] | None:
    """The place a count at ``pos`` is about: nearest mention before it, else the
    first one later in its sentence, else the first one in the text."""
    before = [p for p in places if p[0] <= pos]
    if before:
        return before[-1][1], before[-1][2]
    inside = [p for p in places if sent[0] <= p[0] < sent[1]]
    if inside:
        return inside[0][1], inside[0][2]
    return None


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENT_SPLIT.finditer(text)] or [(0, len(text))]


def _sentence_of(sents: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in sents:
        if a <= pos < b:
            return a, b
    return sents[-1]


def _clauses(text: str, sent: tuple[int, int], pos: int) -> tuple[str, str]:
    """The clause holding ``pos`` and the clause before it, within the sentence."""
    prev, cur = "", ""
    for m in _CLAUSE_SPLIT.finditer(text, sent[0], sent[1]):
        if m.start() <= pos:
            prev, cur = cur, m.group()
        else:
            break
    return cur, prev


def _in_quote(text: str, pos: int) -> bool:
    return any(m.start() < pos < m.end() for m in _QUOTE.finditer(text))


def _past_year(s: str, year: int) -> bool:
    return any(int(m.group(1)) < year for m in _YEAR.finditer(s))


# reasons for setting a count aside that the post states outright (a refutation, a denial, a
# drill, a retrospective, a period's statistics, a threshold or a hypothesis), as against
# inferred ones (a weak "past" cue, a place, a crowd without a stated grievance)
FIRM_DISCOUNTS = ("辟谣", "否认", "演练", "回顾/纪念", "累计统计", "阈值", "假设", "预防性")


def _in_sentence_or_title(rx: re.Pattern[str], text: str, sent: tuple[int, int],
                          sents: list[tuple[int, int]]) -> bool:
    """``rx`` occurs in the sentence or in the post's first sentence (its title): a drill, a plan."""
    return bool(rx.search(text, *sent) or (sents and rx.search(text, *sents[0])))


def _corrected(text: str, sent: tuple[int, int], pos: int) -> bool:
    """The count follows the sentence's refutation and a verified figure's marker: "网传…死了
    20多人不实 经核实事故造成4人死亡" (but not "谣言称死了30人")."""
    last = None
    for m in _REFUTED.finditer(text, sent[0], pos):
        last = m
    if last is None or _in_quote(text, pos):
        return False
    between = text[last.end():pos]
    return bool(_VERIFIED.search(between)) and not _CLAIMED.search(between)


_VERIFIED = re.compile(r"经核实|核实|实际|实为|其实|真实情况|事故造成|共造成|造成")
_CLAIMED = re.compile(r"称|说|传")


def _discount_reason(text: str, sent: tuple[int, int], places: list[tuple[int, str, bool]],
                     pos: int, sents: list[tuple[int, int]], year: int) -> str | None:
    s = text[sent[0]:sent[1]]
    clause, prev = _clauses(text, sent, pos)
    if _REFUTED.search(s) and not _CORRECTION.match(clause.strip()) and not _corrected(text, sent, pos):
        return "所在句为辟谣/不实信息"
    if _REFUTED.search(text) and _in_quote(text, pos):
        return "引述的说法已被帖子辟谣"
    if _HEARSAY.search(s) and _REFUTED_POST.search(text) and not _CORRECTION.match(clause.strip()):
        return "传闻已被帖子本身辟谣"
    if _RETRO.search(s):
        return "所在句为回顾/纪念往事"
    if _DENIED.search(text, max(sent[0], pos - 6), pos):
        return "帖子否认了这一说法"
    # a weak cue anywhere in the clause (or the one before) puts the count in the past,
    # unless the clause also says it is happening now (conservative for I/II: "12人遇难，那是
    # 去年的事" must not start a clock)
    near = clause + prev
    if _THEN.match(clause) and sent[0] > 0:
        near += text[_sentence_of(sents, sent[0] - 1)[0]:sent[0]]
    if (_RETRO_WEAK.search(near) or _past_year(near, year)) and not _NOW.search(near):
        return "所述为过去发生的事"
    if _in_sentence_or_title(_DRILL, text, sent, sents):
        return "所在句（或标题）为演练"
    if _PERIOD_TOTAL.search(text, sent[0], pos) or _STATS.search(s) or _PERIOD_COUNTY.search(clause):
        return "所述为一段时期的累计统计，非单一事件"
    if _LESSON.search(s):
        return "所在句为警示教育/外地案例"
    if _HYPO.search(clause + prev):
        return "所述为假设情形"
    loc = _locus(places, pos, sent)
    if loc is not None and not loc[1]:
        return f"发生地为外地（{loc[0]}）"
    return None


# ---------------------------------------------------------------------------
# extraction


def _clean_num(num: str) -> str:
    return num.rstrip("，,")


def _count_before(text: str, kw_start: int, window: int = 16,
                  max_gap: int = 10) -> tuple[re.Match[str], int] | None:
    lo = max(0, kw_start - window)
    seg = text[lo:kw_start]
    last = None
    for m in _COUNT_BEFORE.finditer(seg):
        if not (m.group("cls") or m.group("noun")) and not (
                seg[m.end():m.end() + 1] == "个" and (
                    _NOUN_THEN_COUNT.search(text, max(0, lo + m.start() - 8), lo + m.start())
                    or _SHORT_CJK.fullmatch(seg, m.end() + 1))):
            continue  # a bare number ("12345投诉", "3天") is no count of people
        num = m.group("num")
        if re.fullmatch(_VAGUE, num) and not m.group("cls"):
            continue
        last = m
    if last is None:
        return None
    gap = seg[last.end():]
    if _GAP_STOP.search(gap) or len(gap) > max_gap or "其中" in gap:
        return None  # "受伤27人（其中重伤5人）": 27 are the injured, not the seriously injured
    return last, lo


# the people named before their count: "做透析的病人有十几个查出来感染了丙肝"
# "三十几个一氧化碳|中毒": what befell them follows the 个 (not "一个班的孩子", a unit)
_SHORT_CJK = re.compile(rf"(?![{_UNIT_NOUNS}])[\u4e00-\u9fff]{{0,4}}")
_NOUN_THEN_COUNT = re.compile(rf"{_PEOPLE}(?:里|中)?(?:有|共有|一共有|就有|都有|得有|至少有|已经有)$")
_TALLY_START = re.compile(r"(?:共计|共有|合计|总计|一共|共)")
_KIN = re.compile(r"家属|亲属|家人|子女|父母|妻子|丈夫|儿女|遗属")
_CHANGED_TO = re.compile(rf"(?:变成|变为|升至|升到|增至|增加到|上升到|上升至)(?P<num>{NUM})(?P<cls>{_CLASSIFIER})")


def _count_after(text: str, kw_end: int, window: int = 14) -> re.Match[str] | None:
    seg = text[kw_end:kw_end + window]
    for m in _COUNT_AFTER.finditer(seg):
        gap = seg[:m.start()]
        if gap[:1] in (":", "："):
            gap = gap[1:]  # "遇难人数：13人", "死亡：11人": a colon between the term and its count
        if "\n" in gap and _TALLY_START.match(gap.rsplit("\n", 1)[1]) and not _GAP_STOP.search(gap.replace("\n", "")):
            gap = ""  # a title's term, the body's tally: "…地震遇难者名单公布\n共计十五人"
        if _GAP_STOP.search(gap) or len(gap) > 10 or _KIN.search(seg, 0, m.start("num")):
            return None  # "遇难矿工家属三十多人": the count is of the relatives
        # "重伤人数从11个变成15个了": the count it became
        return _CHANGED_TO.match(text, kw_end + m.end()) or m
    return None


def _value(num: str) -> tuple[int | None, bool]:
    num = _clean_num(num)
    if re.fullmatch(_VAGUE, num):
        return 3, True
    return parse_count(num)


def extract_figures(text: str, local_names: Iterable[str] = (),
                    places: list[tuple[int, str, bool]] | None = None,
                    year: int | None = None) -> Figures:
    """Counts of casualties, crowds and evacuations stated in ``text`` (Simplified).

    ``local_names`` are the county's own names (county, townships, places); counts
    located by a nearer mention of another county or city are discounted.
    ``places`` may pass :func:`place_mentions` already computed for ``text``.
    ``year`` is the post's own year (default: this year): counts in a clause naming an
    earlier year are in the past.
    """
    fig = Figures()
    if not text:
        return fig
    year = year or datetime.now().year
    sents = _sentences(text)
    if places is None:
        places = place_mentions(text, local_names)
    seen: set[tuple[str, int, int]] = set()

    def add(kind: str, num: str, span: tuple[int, int], strong: bool = True, kw_pos: int | None = None) -> None:
        value, approx = _value(num)
        if value is None or value <= 0 or value > 10_000_000:
            return
        key = (kind, span[0], span[1])
        if key in seen:
            return
        seen.add(key)
        if kind == "gathered" and strong and _NOT_THERE.search(text, span[0], span[1]):
            strong = False  # "维权群里三百多人，准备去县里上访": members and a plan, a collective complaint
        pos = span[0] if kw_pos is None else min(span[0], kw_pos)
        sent = _sentence_of(sents, pos)
        reason = _discount_reason(text, sent, places, pos, sents, year)
        if reason is None and (_THRESHOLD_AFTER.match(text, span[1]) or _THRESHOLD_IN.search(text, span[0], span[1])):
            reason = "阈值表述（…以上/以下），非实际人数"
        if reason is None and kind == "evacuated" and _PRECAUTION.search(text, max(sent[0], pos - 12), span[1]):
            reason = "预防性转移，并非险情已发生"
        fig.mentions.append(Mention(kind, value, approx, span, text[span[0]:span[1]], strong, reason))

    for km in _KEYWORD_RE.finditer(text):
        kind = km.lastgroup or ""
        kw = km.group()
        if kind != "gathered" and _KW_NEGATED.search(text, max(0, km.start() - 6), km.start()):
            continue  # "12个孩子都没有受伤"
        none_of = _NONE_OF.search(text, max(0, km.start() - 8), km.start() + 5)
        if none_of is not None and kind in ("trapped", "missing", "deaths"):
            # "四个初中生周末约着去游泳，一个都没上来": the whole group counted before
            sent = _sentence_of(sents, none_of.start())
            group = [c for c in _COUNT_BEFORE.finditer(text, sent[0], none_of.start())
                     if (c.group("cls") or c.group("noun")) and not re.fullmatch(_VAGUE, c.group("num"))]
            if group:
                c = group[-1]
                add(kind, c.group("num"), (c.start(), km.end()), kw_pos=km.start())
                continue
            classes = list(_CLASS_GROUP.finditer(text, sent[0], none_of.start()))
            if classes:  # "车上坐着半个班的孩子，一个都没救回来"
                cg = classes[-1]
                add(kind, str(_class_size(cg.group())), (cg.start(), km.end()), kw_pos=km.start())
                continue
        # "三十多名学生食用学校小卖部辣条后出现腹痛": a meal can sit between the count and the symptom
        found = (_count_before(text, km.start(), window=30, max_gap=20) if kind == "poisoned"
                 else _count_before(text, km.start()))
        if found is None and kind in ("poisoned", "trapped", "deaths", "missing"):
            groups = list(_CLASS_GROUP.finditer(text, max(0, km.start() - 30), km.start()))
            if groups:
                cg = groups[-1]
                add(kind, str(_class_size(cg.group())), (cg.start(), km.end()), kw_pos=km.start())
                continue
        if found is None and km.start() > 0 and text[km.start() - 1] in "，, " and (
                (kind == "gathered" and _STRONG_GATHER.fullmatch(kw)) or (kind == "deaths" and kw.endswith(("没了", "没气了")))):
            # "挖出来四个人，都没了": the count, then what became of them
            # "县城广场现在起码上千人，拉着横幅喊口号": the crowd's size, then what it does
            found = _count_before(text, km.start() - 1)
        household = False
        if found is not None:
            m, lo = found
            household = m.group("cls") == "户"
            span = (lo + m.start(), km.end())
            num = m.group("num")
        else:
            ma = _count_after(text, km.end()) or _COUNT_NEXT_CLAUSE.match(text, km.end())
            if ma is None and kind != "gathered":
                ma = _BARE_AFTER.match(text, km.end(), min(len(text), km.end() + 16))
            if ma is None and kind in ("poisoned", "trapped", "missing"):
                ma = _COUNT_NEXT_TALLY.match(text, km.end())
            if ma is None and kind in ("deaths", "missing", "injured", "seriously_injured"):
                ma = _COUNT_NEXT_RISE.match(text, km.end())
            if ma is None:
                if kind == "gathered" and _STRONG_GATHER.fullmatch(kw):
                    _subject_crowd(text, sents, km, add)
                elif kind == "evacuated" and ("撤" in kw or "疏散" in kw):
                    _evacuees_after(text, sents, km, add)  # people fleeing; an organised 转移 states its count
                continue
            household = ma.group("cls") == "户"
            offset = 0 if ma.re in (_COUNT_NEXT_CLAUSE, _COUNT_NEXT_TALLY, _COUNT_NEXT_RISE, _BARE_AFTER, _CHANGED_TO) else km.end()
            span = (km.start(), offset + ma.end())
            num = ma.group("num")
        if household and kind == "evacuated":
            # "三十几户人家半夜被喊起来转移": about three people a household
            value, _ = _value(num)
            if value:
                add(kind, str(value * 3), span, kw_pos=km.start())
        elif household and kind == "gathered" and _HOUSEHOLDS_THERE.search(kw):
            # "几百户业主打着手电聚在售楼部门口", "几百户养殖户把乡政府门口堵了": the households
            # are there in person, one of each at least
            add("gathered", num, span, True, km.start())
        elif household:
            # households are not a head count: "几百户业主维权" is a collective complaint
            # of many families, not proof that hundreds of people gathered
            add("households", num, span, kind == "gathered", km.start())
        elif kind == "gathered":
            add("gathered", num, span, bool(_STRONG_GATHER.fullmatch(kw)), km.start())
        else:
            add(kind, num, span, kw_pos=km.start())

    if _SEARCHING.search(text) and _ACCIDENT.search(text):
        for m in _PRESENT_IN_HAZARD.finditer(text):
            if m.group("cls") == "个" and not m.group("noun"):
                continue
            add("trapped", m.group("num"), (m.start(), m.end()))

    for m in _WENT_TO_OFFICE.finditer(text):
        found_c = _count_before(text, m.start(), window=24)
        if found_c is not None:
            c, lo = found_c
            if _counts_people(c) and m.group().endswith(("医院", "卫生院")) and _POISON_TERMS.search(
                    text, max(0, m.start() - 80), m.end() + 12) and c.group("noun") not in ("家属", "亲属", "家长") \
                    and not _GRIEVANCE.search(text, m.end(), m.end() + 8):
                # "出现腹痛、腹泻…共有126名学生到县人民医院、县中医院就诊": the sick went to hospital
                add("hospitalized", c.group("num"), (lo + c.start(), m.end()), True, m.start())
            elif _counts_people(c):
                size, _ = _value(c.group("num"))
                if c.group("cls") == "户" and _HOUSEHOLDS_THERE.search(text, max(0, m.start() - 1), m.end()):
                    # "一千二百多户业主聚到…政府门口": the households there in person
                    add("gathered", c.group("num"), (lo + c.start(), m.end()), True, m.start())
                elif c.group("cls") == "户":
                    add("households", c.group("num"), (lo + c.start(), m.end()), True, m.start())
                else:  # a large group at an office is a crowd there, a small one a complaint
                    add("gathered", c.group("num"), (lo + c.start(), m.end()), (size or 0) >= 100, m.start())

    for m in (_WE_GROUP.finditer(text) if "我们" in text else ()):
        cls = m.group("cls") or m.group("cls2")
        add("households" if cls == "户" else "gathered", m.group("num") or m.group("num2"), m.span(), False)

    for m in _REFERENT_GATHER.finditer(text):
        # "…三十多户村民的存款找不到，今天全围在信用社门口": the group counted earlier acts together
        if any(x.span[0] <= m.start() < x.span[1] + 2 for x in fig.mentions if x.kind in ("gathered", "households")):
            continue
        earlier = [c for c in _COUNT_BEFORE.finditer(text, 0, m.start())
                   if (c.group("noun") or (c.group("cls") or "") in ("名", "位", "个", "号人", "户"))
                   and not re.fullmatch(_VAGUE, c.group("num"))]
        if earlier:
            c = earlier[-1]
            size, _ = _value(c.group("num"))
            if size and size >= 10:
                kind = "households" if c.group("cls") == "户" else "gathered"
                # households acting together are a collective complaint; people, a crowd if large
                add(kind, c.group("num"), (c.start(), m.end()), kind == "households" or size >= 200, m.start())

    for m in _GROUP_GATHER.finditer(text):
        noun = m.group("noun")
        earlier = [c for c in _COUNT_BEFORE.finditer(text, 0, m.start())
                   if c.group("noun") == noun and c.group("cls")]
        if earlier:
            c = earlier[-1]
            # not everyone counted earlier need be there: only a large group counts as a crowd
            size, _ = _value(c.group("num"))
            add("gathered", c.group("num"), (c.start(), m.end()), (size or 0) >= 200, m.start())

    for m in _village_turnouts(text, sents):
        # "全村老老小小去了好几十个，坐在挖机前面不让动": a village turned out, and its count
        # (with no count it is a cue: see _find_cues)
        c = _VILLAGE_COUNT.match(text, m.end())
        if c is not None:
            add("gathered", c.group("num"), (m.start(), c.end()), True, m.start())

    # (each pass below starts with a count, which is slow to scan for: a cheap test of the
    # words it needs comes first)
    for m in (_KIN_LIST.finditer(text) if "没" in text or "死" in text or "走了" in text or "遇难" in text or "去世" in text
              else ()):
        lost = _KIN_LOST.match(text, m.end())
        if lost and not _KIN_NOT_NOW.search(text, max(0, m.start() - 8), lost.end() + 10):
            n = sum(2 if k.group() in _KIN_PAIRS else 1 for k in re.finditer(_RELATIVES, m.group()))
            add("deaths", str(n), (m.start(), m.end()))
    for m in (_DIGITS_TOLL.finditer(text) if "位数" in text else ()):
        add("deaths", "10" if m.group("d") in ("两", "二") else "100", m.span())
    for m in (_RUNNING_TOLL.finditer(text) if "个了" in text or "位了" in text or "名了" in text else ()):
        a, _ = _sentence_of(sents, m.start())
        if _DIED_BEFORE.search(text, max(0, a - 40), m.start()):
            add("deaths", m.group("num"), m.span())
    for m in (_THE_DEAD.finditer(text) if "的" in text else ()):
        add("deaths", m.group("num") or m.group("num2"), m.span())
    for m in (_LIVES.finditer(text) if "条" in text and "命" in text else ()):
        add("deaths", m.group("num"), m.span())
    for m in (_DISEASE_CASES.finditer(text) if "例" in text or "病" in text or "患者" in text else ()):
        add("poisoned", m.group("num"), m.span())
    for m in (_ALL_LOST_WORDS.finditer(text) if "辆" in text else ()):
        vehicles = list(_VEHICLES.finditer(text, max(0, m.start() - 40), m.start()))
        v = vehicles[-1] if vehicles else None
        if v is not None and not re.search(r"[。！？!?]", text[v.end():m.start()]):
            n, _ = _value(v.group("num"))
            if n:
                add("deaths", str(n * _VEHICLE_SIZE[v.group("veh")[0]]), (v.start(), m.end()))
    for m in (_MEMORIALS.finditer(text) if _MEMORIAL_WORDS.search(text) else ()):
        add("deaths", m.group("num") or m.group("num2") or m.group("num3"), m.span())
    if ("走了" in text or "名单" in text) and _MOURNING.search(text):
        for m in (_GONE.finditer(text) if "走了" in text else ()):
            add("deaths", m.group("num"), m.span())
        for m in (_NAMES_LISTED.finditer(text) if "名单" in text else ()):
            add("deaths", m.group("num"), m.span())
    deaths_at = [m.span[0] for m in fig.mentions if m.kind == "deaths"]
    for m in (_FOUND_MORE.finditer(text, min(deaths_at)) if deaths_at else ()):
        add("deaths", m.group("num"), (m.start("num"), m.end()))
    for m in (_ALL_LOST.finditer(text) if "一家" in text else ()):
        a, _ = _sentence_of(sents, m.start())
        fams = _families_lost(text, a, m.start())
        if fams:
            total = sum(_value(f.group("num"))[0] or 0 for f in fams)
            total += sum(_value(c.group("num"))[0] or 0 for c in _ROLE_COUNT.finditer(text, fams[-1].end(), m.start()))
            add("deaths", str(total), (fams[0].start(), m.end()))
    for m in (_TALLY_NOW.finditer(text) if "个了" in text else ()):
        add("deaths", m.group("num"), m.span())
    carried = list(_CARRIED_OUT.finditer(text)) if _NO_LIFE.search(text) else []
    if len(carried) == 1 and _SHROUDED.search(text, carried[0].end(), carried[0].end() + 12):
        add("deaths", carried[0].group("num"), carried[0].span())  # "抬出来三个，用布盖着的"
    if len(carried) > 1:
        # the first batch is a toll of its own; those carried out later (又抬出来…) are
        # increments of it, counted by _with_increments with the death word that follows
        add("deaths", carried[0].group("num"), carried[0].span())
    for m in (_TALLY_SO_FAR.finditer(text) if "加上" in text and ("死" in text or "没了" in text or "走了" in text) else ()):
        add("deaths", m.group("num"), m.span())
    for m in (_FUNERAL_TALLY.finditer(text) if _FUNERAL.search(text) else ()):
        add("deaths", m.group("num"), m.span())
    for m in (_SURVIVORS.finditer(text) if _SURVIVOR_WORDS.search(text) else ()):
        total, _ = _value(m.group("total"))
        alive, _ = _value(m.group("alive") or m.group("alive2") or m.group("alive3"))
        if total and alive is not None and total > alive:
            add("missing", str(total - alive), m.span())
    for m in (_CROWD_ESTIMATE.finditer(text) if _ESTIMATE_WORDS.search(text) else ()):
        a, b = _sentence_of(sents, m.start())
        # the scene may be told anywhere in the post ("围得水泄不通了 …少说两千人")
        if _CROWD_SCENE.search(text):
            add("gathered", m.group("num") or m.group("num2"), m.span(), True)
    for m in (_CROWD_ACT.finditer(text) if _CROWD_ACT_WORDS.search(text) else ()):
        if _QUEUE.search(text, max(0, m.start() - 30), m.end() + 30):
            continue  # a waiting room full of patients, a queue at a window: no crowd over a grievance
        # a counted crowd doing something together, the count told just before or after the
        # act across a comma or a space: "几千个家长和学生举着牌子", "围上来两三百个 把城管车围住",
        # "门口坐满了退休职工，几百个老人"
        for c in _COUNT_BEFORE.finditer(text, max(0, m.start() - 24), m.start()):
            if _crowd_count_ok(c) and len(_SEPARATORS.findall(text, c.end(), m.start())) <= 2:
                add("gathered", c.group("num"), (c.start(), m.end()), True, m.start())
        for c in _COUNT_BEFORE.finditer(text, m.end(), min(len(text), m.end() + 14)):
            if _crowd_count_ok(c) and len(_SEPARATORS.findall(text, m.end(), c.start())) <= 1:
                add("gathered", c.group("num"), (m.start(), c.end()), True, m.start())
                break
    for m in (_VEHICLE_PROTEST.finditer(text) if "辆" in text and _DRIVERS_PROTEST.search(text) else ()):
        # "三百多辆出租车堵在新华路上", "几百辆出租车停在路中间": a driver to a vehicle
        add("gathered", m.group("num"), m.span(), True, m.start())
    for m in (_AREA_EVACUATED.finditer(text) if "撤" in text or "转移" in text or "搬空" in text else ()):
        add("evacuated", "1000", m.span())

    for m in (_DEATH_INJURY.finditer(text) if "死" in text else ()):
        if m.group("d"):
            if m.group("d") == "万" or m.group("d").endswith("万"):
                continue  # "万死"
            add("deaths", m.group("d"), (m.start(), m.end()))
            add("injured", m.group("i"), (m.start("i"), m.end()))
        elif m.group("d2"):
            add("deaths", m.group("d2"), (m.start(), m.end()))

    fig.rescued = bool(_RESCUED.search(text))
    if not fig.rescued:
        for m in [m for m in fig.mentions if m.kind == "trapped" and not m.discounted]:
            # "九个人没出来…家属一个接一个来认人": those who did not come out, found dead
            if _DEAD_AFTER.search(text, m.span[1]):
                add("deaths", str(m.count), m.span)
    grievance = bool(_GRIEVANCE.search(text))
    for m in fig.mentions:
        if m.kind in ("gathered", "households") and not m.discounted:
            a, b = _sentence_of(sents, m.span[0])
            if _FESTIVE.search(text, a, b) and not _CROWD_TURNS.search(text, a, b):
                m.discounted = "人群为节庆、集市、演出等场合，并非因诉求聚集"
    if not grievance:
        # "上千名群众拉着横幅夹道欢迎", "夜市每晚聚集上千人": a festive crowd, not a grievance
        for m in fig.mentions:
            if m.kind in ("gathered", "households") and not m.discounted:
                m.discounted = "人群并非因诉求聚集（无维权、抗议等诉求）"
    counted = [m for m in fig.mentions if not m.discounted]
    for kind in ("deaths", "injured", "seriously_injured", "trapped", "missing", "poisoned",
                 "hospitalized", "evacuated", "households"):
        vals = [m.count for m in counted if m.kind == kind]
        if vals:
            setattr(fig, kind, max(vals))
    fig.deaths = _with_increments(text, sents, [m for m in counted if m.kind == "deaths"], fig.deaths)
    for d in [m for m in counted if m.kind == "deaths"]:
        last, pos = d.count, d.span[1]
        while (u := _TOLL_UPDATE.match(text, pos)) is not None:
            n, _ = _value(u.group("num"))
            if not n or n < last:
                break
            last, pos = n, u.end()
        if last > (fig.deaths or 0):
            fig.deaths = last
    strong = [m.count for m in counted if m.kind == "gathered" and m.strong]

    weak = [m.count for m in counted if (m.kind == "gathered" and not m.strong)
            or (m.kind == "households" and m.strong)]
    if strong:
        fig.gathered = max(strong)
    if weak:
        fig.complainants = max(weak)
    if ("病" in text or "患者" in text) and _POISON_TERMS.search(text):
        for m in _PATIENT_TALLY.finditer(text):
            n, _ = _value(m.group("num"))
            a, b = _sentence_of(sents, m.start())
            if _ROUTINE.search(text, a, b):
                continue  # "县医院每天接诊患者上千人": a hospital's load, not the sick of this incident
            if n and n > (fig.poisoned or 0) and _discount_reason(text, _sentence_of(sents, m.start()), places,
                                                                  m.start(), sents, year) is None:
                fig.poisoned = n
    if fig.hospitalized and _POISON_CONTEXT.search(text):
        fig.poisoned = max(fig.poisoned or 0, fig.hospitalized)
    if fig.seriously_injured and fig.injured is not None and fig.injured < fig.seriously_injured:
        fig.injured = fig.seriously_injured

    fig.no_casualties = bool(_NO_CASUALTY.search(text))
    fig.trapped_in_hazard = bool(fig.trapped) and bool(_HAZARD.search(text))
    fig.trapped_deadly = fig.trapped_in_hazard and bool(_DEADLY_TRAP.search(text))
    _find_cues(text, sents, places, fig, grievance, year)
    return fig


def _group_turnouts(text: str, sents: list[tuple[int, int]]) -> Iterable[re.Match[str]]:
    """A whole group (a class's parents, a building's residents, a village's old and young)
    acting together in that sentence or the next, or a crowd told as an image ("跪了一排",
    "站了一大片"): people gathered over a grievance, uncounted."""
    for m in _WHOLE_GROUP.finditer(text):
        a, end = _sentence_of(sents, m.start())
        b = _sentence_of(sents, min(len(text) - 1, end))[1]
        if _GROUP_ACTION.search(text, a, b) and not _FESTIVE.search(text, a, b):
            yield m
    for m in _CROWD_IMAGE.finditer(text):
        a, b = _sentence_of(sents, m.start())
        if not _FESTIVE.search(text, a, b) and not _ONLOOKERS.search(text, max(a, m.start() - 6), m.end() + 4):
            yield m


_JOINER = re.compile(r"、|，|,|还有|加上|和|以及|连同")


def _families_lost(text: str, a: int, lost_at: int) -> list[re.Match[str]]:
    """The families listed together right before a loss word ("舅舅一家四口、姨妈一家三口，还有
    堂哥一家三口，…一个都没出来"): the nearest one within a clause or two of it, and those
    joined to it by a short list separator; a family named earlier in the story is the same one."""
    fams = list(_FAMILY.finditer(text, a, lost_at))
    if not fams or lost_at - fams[-1].end() > 20 or _BELONGINGS.search(text, fams[-1].end(), lost_at):
        return []
    kept = [fams[-1]]
    for f in reversed(fams[:-1]):
        gap = text[f.end():kept[0].start()]
        if len(gap) > 12 or not _JOINER.search(gap):
            break
        kept.insert(0, f)
    return kept


def _unit_turnouts(text: str, sents: list[tuple[int, int]]) -> Iterable[tuple[re.Match[str], int]]:
    """Whole units (villages, compounds, townships, a workshop) out together in that sentence
    or the next, with a low estimate of their people."""
    for m in _UNIT_TURNOUT.finditer(text):
        a, end = _sentence_of(sents, m.start())
        b = _sentence_of(sents, min(len(text) - 1, end))[1]
        acting = (_GROUP_ACTION.search(text, m.end(), b) or _BLOCKING.search(text, m.end(), b)
                  or _CROWD_SCENE.search(text, a, b) or _ALL_CAME.search(text, m.end(), b))
        if not acting or _FESTIVE.search(text, a, b):
            continue
        unit = m.group("unit") or m.group("unit2")
        if m.group("num") is None:
            n = 1
        elif m.group("num") == "各":
            n = 5
        else:
            n = _value(m.group("num"))[0] or 0
        if n:
            sizes = _UNIT_PEOPLE if m.group("unit") else _WHOLE_UNIT_PEOPLE
            yield m, n * sizes[unit]


def _village_turnouts(text: str, sents: list[tuple[int, int]]) -> Iterable[re.Match[str]]:
    """"全村人都去了" where that sentence or the next blocks, rings or petitions: a village out
    over a grievance, not at a wedding."""
    if "全村" not in text:
        return
    for m in _VILLAGE_OUT.finditer(text):
        a, end = _sentence_of(sents, m.start())
        b = _sentence_of(sents, min(len(text) - 1, end))[1]
        if _BLOCKING.search(text, a, b):
            yield m


def _with_increments(text: str, sents: list[tuple[int, int]], deaths: list[Mention],
                     most: int | None) -> int | None:
    """The dead of a first report plus those found later, where the post tells them as
    increments ("确认七人遇难；…又找到六名遇难者；…又有两名…"), not as a running total."""
    ordered = sorted(deaths, key=lambda m: m.span[0])
    if len(ordered) < 2:
        return most
    total = ordered[0].count
    added = False
    for m in ordered[1:]:
        a, b = _sentence_of(sents, m.span[0])
        if _INCREMENT.search(text, max(a, m.span[0] - 12), m.span[0]) and not _CUMULATIVE.search(text, a, b):
            total += m.count
            added = True
    return max(most or 0, total) if added else most


def _cue_ok(text: str, sents: list[tuple[int, int]], places: list[tuple[int, str, bool]],
            m: re.Match[str], year: int) -> str | None:
    """None when the cue counts, else the reason it is discounted."""
    sent = _sentence_of(sents, m.start())
    return _discount_reason(text, sent, places, m.start(), sents, year)


_PEOPLE_COUNT = re.compile(rf"(?P<num>{NUM})(?:号人|多人|人|(?:群众|村民|居民|师生|职工|游客)|名[\u4e00-\u9fff]{{0,3}}(?:群众|村民|居民|师生|职工))")


def _evacuees_after(text: str, sents: list[tuple[int, int]], km: re.Match[str], add: Any) -> None:
    """A move-out with no count beside it takes the people counted later in its sentence:
    "全村的人都在往乡里撤，加上林场职工、小学的师生，好几千人堵在一条山路上"."""
    _, b = _sentence_of(sents, km.start())
    m = _PEOPLE_COUNT.search(text, km.end(), min(b, km.end() + 40))
    if m is not None and not _KEYWORD_RE.search(text, km.end(), m.start()):
        add("evacuated", m.group("num"), (km.start(), m.end()), True, km.start())


_NOUN_SOON = re.compile(rf"[\u4e00-\u9fff]{{0,6}}?{_PEOPLE}")


def _subject_crowd(text: str, sents: list[tuple[int, int]], km: re.Match[str], add: Any) -> None:
    """A crowd verb with no count beside it takes the counted people who are the subject of
    its sentence: "约300名群众因…有异议，在县政务服务中心门前聚集"."""
    a, _ = _sentence_of(sents, km.start())
    while a > 0 and text[a - 1].isspace():
        a = _sentence_of(sents, a - 1)[0]  # phrases parted by spaces, not full stops, are one sentence here
    lo = max(a, km.start() - 60)
    cands = [c for c in _COUNT_BEFORE.finditer(text, lo, km.start())
             if (c.group("noun") or (c.group("cls") or "") in ("名", "位", "号人", "户", "人")
                 or (c.group("cls") == "个" and _NOUN_SOON.match(text, c.end())))
             and not re.fullmatch(_VAGUE, c.group("num"))]
    if not cands:
        return
    c = cands[-1]
    between = text[c.end():km.start()]
    if _KEYWORD_RE.search(between):
        return  # another count's term sits between: it is not this crowd
    if c.group("cls") == "户":
        add("households", c.group("num"), (c.start(), km.end()), True, km.start())
    else:
        add("gathered", c.group("num"), (c.start(), km.end()), True, km.start())


# an incident answered with accountability: an investigation team, people punished or
# detained, a case opened, results of an inquiry published ("对…事故…相关责任人严肃问责",
# "县政府成立…事故调查组", "…中毒事件调查处理结果"). Writers of every data set grade such a
# notice, and the posts arguing about it, by the incident, 较大 when no count says otherwise
# (on our files 27 more right and none wrong; blind holdouts 4 more right, none wrong)
_ACCOUNTABILITY = re.compile(
    r"问责|处分|调查组|挂牌督办|立案调查|追责|追究[^。！？]{0,6}责任|责任人|诫勉|停职|免职|调查结果|处理结果|"
    r"处理情况|调查处理|查明|刑事拘留|被刑拘|被逮捕|移送|被控制|立案侦查")
_ACCOUNTED_INCIDENT = re.compile(r"事故|事件|火灾|爆炸|泄漏|透水|坍塌|垮塌|滑坡|山洪|中毒|侧翻|翻车|出事")
# a rule for whatever may happen, not this incident: "一旦发生事故，一律追究责任"
_IF_EVER = re.compile(r"一旦|凡[是有]|如有|若有|若发生|对发生[^。！？]{0,12}的|一律|严防|杜绝")


# a money scheme that collapsed on many people: "理财公司人去楼空…好多老头老太太都投了",
# "茶叶合作社…全村好多人把养老钱都拿出来了，现在负责人电话打不通" — a crowd of victims,
# 较大 as a collective complaint is (our files 6 more right, holdouts 1, none wrong); a
# warning ("警惕高息诱饵") or a question whether it will happen is not
_SCHEME_COLLAPSED = re.compile(r"跑路|人去楼空|兑付困难|无法兑付|卷款|搬空|贴了封条|立案侦查")
_SCHEME_MONEY = re.compile(r"集资|理财|投资|入股|分红|存款|高息|养老钱|兑付|借款|出借")
_MANY_VICTIMS = re.compile(r"老人|老头老太太|一大帮|好多人|很多人|全村|出借人|投资人|投资群众|受损群众|一大堆|许多")
_SCHEME_WARNING = re.compile(r"会不会|是不是要|万一|小心|提醒|警惕|谨防|防范")


def _collapsed_scheme(text: str) -> str | None:
    m = _SCHEME_COLLAPSED.search(text)
    if m is None or not _SCHEME_MONEY.search(text) or not _MANY_VICTIMS.search(text):
        return None
    return None if _SCHEME_WARNING.search(text) else m.group()


def _accountability(text: str, sents: list[tuple[int, int]]) -> str | None:
    if not _ACCOUNTED_INCIDENT.search(text):
        return None
    for m in _ACCOUNTABILITY.finditer(text):
        a, b = _sentence_of(sents, m.start())
        if not _IF_EVER.search(text, a, b):
            return m.group()
    return None


def _find_cues(text: str, sents: list[tuple[int, int]], places: list[tuple[int, str, bool]],
               fig: Figures, grievance: bool, year: int) -> None:
    """Textual cues; ``grievance``: the post names a grievance (_GRIEVANCE), without which
    collective-complaint and protest cues do not count; ``year``: the post's own year."""
    cues: dict[str, Any] = {}
    skipped: list[str] = []

    def take(name: str, m: re.Match[str] | None, value: Any = True) -> None:
        if m is None:
            return
        why = _cue_ok(text, sents, places, m, year)
        if why:
            skipped.append(f"{m.group()}：{why}")
        elif name not in cues:
            cues[name] = value

    for m in _EPIDEMIC.finditer(text):
        if _NEGATED.search(text, max(0, m.start() - 8), m.start()):
            skipped.append(f"{m.group()}：前有否定（未发现/排除…）")
            continue
        if _REFUTED_POST.search(text) and not _CONFIRMED_CASES.search(text):
            # "…说怕鼠疫…一条谣言，全村人跟着遭殃": the post itself calls it a rumour and
            # confirms no case (an official notice that confirms cases keeps its grade)
            skipped.append(f"{m.group()}：帖子本身称其为谣言/不实，且未述确诊病例")
            continue
        if m.group() in _DISEASE_NAMES:
            a, b = _sentence_of(sents, m.start())
            if _GENERIC_DISEASE_CONTEXT.search(text, a, b) and not _OUTBREAK_CONTEXT.search(text, a, b):
                skipped.append(f"{m.group()}：只在科普/监测语境中提及病名")
                continue
        take("epidemic", m, m.group())
    if _DISASTER.search(text):
        for m in _COUNTYWIDE.finditer(text):
            take("countywide_disaster", m, m.group())
        for m in _TOWNSHIP_FLOODED.finditer(text):
            take("township_flooded", m, m.group())
        for m in (_TOWNSHIPS_HIT.finditer(text) if "个乡镇" in text else ()):
            n, _ = _value(m.group("num2") or m.group("num"))
            take("townships_hit", m, n or 3)
    if _INCIDENT.search(text):
        for m in _HOSPITAL_FULL.finditer(text):
            take("hospitals_full", m, m.group())
    # the first incident word the post tells of here (one in a sentence placed in another
    # county, "滇中州另一县发生泥石流", is no incident of ours for the model to grade)
    first_iw = None
    for m in _INCIDENT_WORDS.finditer(text):
        first_iw = first_iw or m
        sent = _sentence_of(sents, m.start())
        locus = _locus(places, m.start(), sent)
        if (locus is None or locus[1]) and not _HELP_ELSEWHERE.search(text, *sent):
            cues["incident_words"] = m.group()
            break
    else:
        if first_iw is not None:
            skipped.append(f"{first_iw.group()}：事件发生在外地")
    dm = _DRILL.search(text)
    if dm is not None:
        cues["drill"] = dm.group()  # a drill or exercise: nothing happened, whatever the model reads
    rm = _RETRO.search(text, *sents[0])
    if rm is not None:
        cues["retrospective"] = rm.group()
    for m in _RESPONSE.finditer(text):
        if _RESPONSE_ENDED.search(text, max(0, m.start() - 14), m.start() + 2):
            skipped.append(f"{m.group()}：应急响应已解除/下调")
            continue
        if _in_sentence_or_title(_PLAN, text, _sentence_of(sents, m.start()), sents):
            skipped.append(f"{m.group()}：预案/制度中的规定，并非已启动")
            continue
        raw_lvl = m.group(1) or m.group(2)
        lvl = {"一": "I", "1": "I", "Ⅰ": "I", "二": "II", "2": "II", "Ⅱ": "II", "三": "III", "3": "III",
               "Ⅲ": "III", "四": "IV", "4": "IV", "Ⅳ": "IV"}.get(raw_lvl, raw_lvl)
        take("emergency_response", m, lvl)
    for m in _QUAKE.finditer(text):
        take("earthquake_magnitude", m, float(m.group("mag")))
    for name, rx in (("vicious", _VICIOUS_STRONG), ("vicious_minor", _VICIOUS_WEAK)):
        for m in rx.finditer(text):
            if _PREVENTION.search(text, max(0, m.start() - 6), m.start()) or _PREVENTION_AFTER.match(text, m.end()):
                skipped.append(f"{m.group()}：宣传教育/防范语境，并非发生的事件")
                continue
            take(name, m, m.group())
    for m in _HEAVY_TOLL.finditer(text):
        take("heavy_toll", m, m.group())
    for m in _TOLL_LIST.finditer(text):
        take("toll_list", m, m.group())
    for m in _VILLAGE_BURIED.finditer(text):
        take("village_buried", m, m.group())
    for m in _MASS_ILL.finditer(text):
        if _FEW_OF_GROUP.search(m.group()):
            skipped.append(f"{m.group()}：群体中只有少数人发病")
            continue
        take("mass_illness", m, m.group())
    for m in _UNKNOWN_TOLL.finditer(text):
        take("unknown_toll", m, m.group())
    for m in _STATED_GRADE.finditer(text):
        if text[m.end():m.end() + 2] == "等级":
            if not _GRADE_REACHED.search(text, max(0, m.start() - 8), m.start()):
                continue  # "重大事故等级的划分": a definition, not this incident
        elif "及以上" in text[m.end():m.end() + 4] or text[m.end():m.end() + 2] in ("隐患", "风险") or \
                text[m.end():m.end() + 1] == "等" or \
                _STATED_GRADE_NOT.search(text, max(0, m.start() - 10), m.start()):
            continue  # "严防较大及以上事故", "遏制重特大事故发生": policy, not an incident
        if text[m.start():m.end()].endswith("事件") and m.group("g") in ("重大", "较大") and \
                not re.search(r"突发|公共卫生|群体性|环境|安全", m.group()):
            continue  # "重大事件" alone is too loose
        take("stated_grade", m, m.group())
    for m in _COLLECTIVE.finditer(text) if grievance else ():
        take("collective", m, m.group())
    for m in _PROTEST.finditer(text) if grievance else ():
        take("protest", m, m.group())
    for m in _village_turnouts(text, sents) if grievance else ():
        take("village_turnout", m, m.group())
    for m in _EXTREME_PROTEST.finditer(text) if grievance else ():
        take("extreme_protest", m, m.group())
    for m in _GROUP_CLASH.finditer(text) if grievance else ():
        if _CLASH_AVERTED.search(m.group()) or _CLASH_AVERTED.search(text, max(0, m.start() - 6), m.start()):
            skipped.append(f"{m.group()}：冲突并未发生（避免/没有）")
            continue
        take("group_clash", m, m.group())
    for m in _group_turnouts(text, sents) if grievance else ():
        take("group_turnout", m, m.group())
    best = max(_unit_turnouts(text, sents) if grievance else (), key=lambda x: x[1], default=None)
    if best is not None:
        take("unit_turnout", best[0], (best[0].group(), best[1]))
    am = _accountability(text, sents)
    if am is not None:
        cues["accountability"] = am
    sm = _collapsed_scheme(text)
    if sm is not None:
        cues["collapsed_scheme"] = sm
    if skipped:
        cues["discounted"] = skipped
    fig.cues = cues


# ---------------------------------------------------------------------------
# grading

_RANK = {"I": 1, "II": 2, "III": 3, "IV": 4}


def grade_from_figures(figures: Figures, text: str = "", *, attention: bool = False) -> tuple[str, list[str]]:
    """The grade (I–IV) the stated figures and cues justify, with Chinese reasons.

    ``attention`` says the post itself is widely spread (high engagement); text
    cues like 热搜/刷屏 count too.
    """
    found: list[tuple[str, str]] = []

    def at_least(grade: str, reason: str) -> None:
        found.append((grade, reason))

    f = figures
    deaths = f.deaths or 0
    missing = f.missing or 0
    toll = deaths + missing
    if toll:
        label = f"死亡{deaths}人" + (f"、失联/失踪{missing}人" if missing else "")
        if toll >= 30:
            at_least("I", f"{label}（30人以上）")
        elif toll >= 10:
            at_least("II", f"{label}（10–29人）")
        elif toll >= 3:
            at_least("III", f"{label}（3–9人）")
    if f.cues.get("village_buried") and not f.no_casualties and not f.rescued:
        at_least("II", f"村庄被埋/被冲（{f.cues['village_buried']}），伤亡可能重大")
    if f.cues.get("toll_list") and toll < 10 and not f.rescued and not f.no_casualties:
        at_least("II", f"已有伤亡/失联名单（{f.cues['toll_list']}），人数未明，规模可能重大")
    if f.cues.get("heavy_toll"):
        at_least("II", f"伤亡惨重（{f.cues['heavy_toll']}），人数未明")
    elif f.cues.get("unknown_toll") and not f.no_casualties:
        at_least("III", f"伤亡情况未明（{f.cues['unknown_toll']}）")
    serious = f.seriously_injured or 0
    if serious >= 100:
        at_least("I", f"重伤{serious}人（100人以上）")
    elif serious >= 50:
        at_least("II", f"重伤{serious}人（50–99人）")
    elif serious >= 10:
        at_least("III", f"重伤{serious}人（10–49人）")
    injured = f.injured or 0
    if injured > serious:
        # injuries of unstated severity: never enough for I on their own
        if injured >= 100:
            at_least("II", f"受伤{injured}人（伤情未明，按重大计）")
        elif injured >= 10:
            at_least("III", f"受伤{injured}人（伤情未明）")
    trapped = f.trapped or 0
    if trapped:
        if f.trapped_in_hazard and not f.rescued:
            if trapped >= 10 and f.trapped_deadly:
                at_least("II", f"{trapped}人被困于危险环境（重大险情）")
            elif trapped >= 10:
                at_least("III", f"{trapped}人被困（道路中断等，暂无致命险情）")
            elif trapped >= 3:
                at_least("III", f"{trapped}人被困于危险环境")
        elif trapped >= 10:
            at_least("III", f"{trapped}人被困" + ("（已获救）" if f.rescued else ""))
    poisoned = f.poisoned or 0
    if poisoned >= 100:
        at_least("II", f"{poisoned}人中毒/发病（百人以上）")
    elif poisoned >= 10:
        at_least("III", f"{poisoned}人中毒/发病（数十人）")
    if f.cues.get("mass_illness") and poisoned < 10:
        at_least("III", f"多人集体发病/中毒（{f.cues['mass_illness']}），人数未明（按数十人计）")
    if f.cues.get("epidemic"):
        cue = str(f.cues["epidemic"])
        # a whole town falling ill, or schools closed over it, is 重大 however few are counted
        grave = any(x in cue for x in _GRAVE_DISEASE) or deaths > 0 or cue.startswith(("全", "整个")) or \
            bool(_SCHOOLS_CLOSED.search(text))
        if poisoned and poisoned < 30 and not grave:
            at_least("III", f"聚集性疫情（{cue}，{poisoned}例，规模较小）")
        else:
            at_least("II", f"突发疫情（{cue}）")
    gathered = f.gathered or 0
    if gathered >= 1000:
        at_least("I", f"{gathered}人聚集（千人以上群体性事件）")
    elif gathered >= 100:
        at_least("II", f"{gathered}人聚集（数百人群体性事件）")
    elif gathered >= 10:
        at_least("III", f"{gathered}人聚集（数十人）")
    complainants = f.complainants or 0
    if complainants >= 10:
        at_least("III", f"{complainants}人（户）集体投诉/维权")
    elif f.cues.get("collective"):
        at_least("III", f"集体投诉（{f.cues['collective']}）")
    if f.cues.get("protest") and not gathered:
        at_least("III", f"群众现场抗议（{f.cues['protest']}），人数未明")
    if f.cues.get("village_turnout") and not gathered:
        at_least("III", f"全村出动维权（{f.cues['village_turnout']}），人数未明（按数十人计）")
    unit = f.cues.get("unit_turnout")
    if unit and unit[1] > gathered:
        g = "I" if unit[1] >= 1000 else "II" if unit[1] >= 100 else "III"
        at_least(g, f"{unit[0]}出动维权，按单位估计约{unit[1]}人以上")
    if f.cues.get("extreme_protest"):
        at_least("III", f"以极端方式维权（{f.cues['extreme_protest']}）")
    if f.cues.get("group_clash") and not gathered:
        at_least("III", f"群体冲突（{f.cues['group_clash']}），人数未明（按数十人计）")
    if f.cues.get("group_turnout") and not gathered and not complainants:
        at_least("III", f"群体聚集维权（{f.cues['group_turnout']}），人数未明（按数十人计）")
    evacuated = f.evacuated or 0
    if evacuated >= 1000:  # "数千人紧急转移" is 重大; more, alone, is no 特别重大 (that needs deaths or a county-wide disaster)
        at_least("II", f"紧急转移{evacuated}人（数千人）")
    elif evacuated >= 100:
        at_least("III", f"转移{evacuated}人")
    stated = f.cues.get("stated_grade")
    if stated:
        g = "I" if stated.startswith("特别重大") else "II" if stated.startswith(("重特大", "重大")) else "III"
        at_least(g, f"文中定性为{stated}")
    if f.cues.get("countywide_disaster"):
        at_least("I", f"全县性灾害（{f.cues['countywide_disaster']}）")
    if f.cues.get("hospitals_full") and not any((getattr(f, k) or 0) >= 10 for k in
                                                 ("deaths", "injured", "seriously_injured", "poisoned", "hospitalized")):
        # unless the post states a toll of its own at 较大 scale or more: that toll decides
        at_least("II", f"医院被伤病员挤满（{f.cues['hospitals_full']}），规模重大")
    if f.cues.get("township_flooded"):
        at_least("II", f"整个乡镇受淹（{f.cues['township_flooded']}）")
    hit = f.cues.get("townships_hit")
    if hit:
        if hit >= 5:
            at_least("I", f"{hit}个乡镇受灾（全县性灾害）")
        elif hit >= 2:
            at_least("II", f"{hit}个乡镇受灾")
    lvl = f.cues.get("emergency_response")
    if lvl in ("I", "II", "III"):
        at_least(lvl, f"启动{lvl}级应急响应")
    mag = f.cues.get("earthquake_magnitude")
    if mag:
        if mag >= 7:
            at_least("I", f"{mag}级地震")
        elif mag >= 6:
            at_least("II", f"{mag}级地震")
        elif mag >= 5:
            at_least("III", f"{mag}级地震")
    acct = f.cues.get("accountability")
    scheme = f.cues.get("collapsed_scheme")
    if (acct or scheme) and not found and not _harm_counted(f) and own_grade_reason(f, text) is None:
        if acct:
            at_least("III", f"事件已启动调查/问责（{acct}），未见人数，按较大事件计")
        else:
            at_least("III", f"资金盘爆雷（{scheme}），受害群众众多，按集体投诉计")
    attention = attention or bool(_ATTENTION.search(text))
    if f.cues.get("vicious"):
        at_least("III", f"恶性事件（{f.cues['vicious']}）")
    elif f.cues.get("vicious_minor") and deaths and _VIOLENCE.search(str(f.cues["vicious_minor"])):
        at_least("III", f"暴力致人死亡（{f.cues['vicious_minor']}，死亡{deaths}人）")
    elif f.cues.get("vicious_minor") and attention:
        at_least("III", f"引发广泛关注的恶性事件（{f.cues['vicious_minor']}）")

    if not found:
        reasons = ["未见伤亡、聚集等重大情形 → 一般（IV）"]
        if f.no_casualties:
            reasons.append("文中说明无人员伤亡")
        return "IV", reasons
    best = min(found, key=lambda g: _RANK[g[0]])[0]
    reasons = [f"{g}级：{r}" for g, r in sorted(found, key=lambda g: _RANK[g[0]])]
    return best, reasons


# the kinds of incident a post tells of, for tying a follow-up to the report it follows: the
# same kind told in other words ("滑坡" after "后山塌了", "着火的楼" after "起火") is one event,
# a shared place without one ("青松花园物业费要涨" beside its owners' protest) is another matter
_INCIDENT_KINDS = {
    "fire": re.compile(r"火灾|起火|着火|失火|山火|大火|火情|火势|烧死|烧伤|烧毁|烧没|烧了|浓烟|冒黑烟"),
    "collapse": re.compile(r"塌|滑坡|泥石流|垮|冒顶|被埋|埋了|掩埋"),
    "blast": re.compile(r"爆炸|炸|泄漏|巨响|化工"),
    "traffic": re.compile(r"翻车|侧翻|翻了|翻下|追尾|相撞|撞|车祸|坠"),
    "water": re.compile(r"淹|溺水|落水|洪水|山洪|透水|决堤|冲走"),
    "illness": re.compile(r"中毒|毒|上吐下泻|拉肚子|呕吐|腹泻|送医|疫情|发烧|病倒"),
    "violence": re.compile(r"砍|打人|殴打|扇|捅|虐|欺凌|持刀|命案|遇害|行凶|拿刀"),
    "crowd": re.compile(r"聚集|围|堵|横幅|静坐|上访|讨薪|讨说法|维权|坐满|站满|罢"),
    "death": re.compile(r"死|亡|遇难|没了|去世|身亡|丧生|没救过来|花圈"),
}


# a forecast of what may come ("发布暴雨橙色预警信号…可能引发山洪、滑坡") is not the landslide
# that came
_FORECAST = re.compile(r"预警信号|预计未来|可能引发|可能出现|气象台发布")
_HARM_KINDS = ("deaths", "injured", "seriously_injured", "missing", "trapped", "poisoned", "hospitalized",
               "gathered", "evacuated")


def _harm_counted(f: Figures) -> bool:
    return any(getattr(f, k) for k in _HARM_KINDS)


def own_grade_reason(figures: Figures, text: str) -> str | None:
    """Why a post is graded only by what it states itself, whatever incident it echoes: a
    drill, a look back, a count set aside (elsewhere, a plan, an earlier year), nobody hurt
    or everybody rescued, a refutation, or a forecast ("小面积山火 无人员伤亡" is its own fire, not the
    one that moved thousands). None when none applies."""
    cues = figures.cues
    if cues.get("drill"):
        return f"演练：{cues['drill']}"
    if cues.get("retrospective"):
        return f"回顾往事：{cues['retrospective']}"
    if cues.get("discounted"):
        return f"不计入的数字：{cues['discounted'][0]}"
    if figures.no_casualties:
        return "无人员伤亡"
    if figures.rescued:
        return "人员已获救/脱险"
    m = _REFUTED_POST.search(text)
    if m is not None:
        return f"辟谣/澄清：{m.group()}"
    m = _FORECAST.search(text)
    if m is not None:
        return f"预报/预警：{m.group()}"
    return None


def incident_kinds(text: str) -> tuple[str, ...]:
    """The kinds of incident a text tells of (fire, collapse, blast … as in _INCIDENT_KINDS)."""
    return tuple(k for k, rx in _INCIDENT_KINDS.items() if rx.search(text))


def event_context_cues(figures: Figures, text: str) -> tuple[tuple[str, ...], str | None]:
    """What ties a post to another post's event, and why it must keep its own grade.

    Returns the kinds of incident the post tells of (fire, collapse, death … as in
    _INCIDENT_KINDS) and :func:`own_grade_reason`. A post telling "县医院急诊科救了我爸一命"
    near a report of a doctor attacked at 县医院 shares a place, not an incident."""
    return incident_kinds(text), own_grade_reason(figures, text)
