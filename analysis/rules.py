"""The lexicon-and-rules analyzer: an honest, explainable, framework-free baseline.

Every decision leaves a Chinese reason in ``explanation["rules"]`` so an analyst can
see why a post was graded or routed the way it was.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from analysis import lexicon as lx
from analysis import similarity
from analysis.figures import (
    Figures,
    event_context_cues,
    extract_figures,
    grade_from_figures,
    place_mentions,
)
from analysis.gazetteer import Gazetteer, Location
from kernel.config import Reference
from kernel.domain.posts import CST
from kernel.domain.scores import Score
from kernel.ports import AnalysisInput

_HASHTAG = re.compile(r"#([^#\n]{1,40})#")
_MENTION = re.compile(r"@[\w\u4e00-\u9fff·-]{1,20}")
_URL = re.compile(r"https?://\S+")
_EXCLAIM = re.compile(r"[!！]{2,}|[?？]{2,}|[?？][!！]|[!！][?？]")
_RESOLVED = re.compile(r"终于|修好了|已修好|已经修好|解决了|已解决|恢复了|已恢复|处理好了|已处理|办好了|当天就|很快就|"
                       r"见效|改观|变好了|好多了|改善了|焕然一新|大变样|变化(?:真|太|很)?大|以前[^。！？]{1,20}(?:现在|如今|这次)")
_QUESTION_END = re.compile(r"[?？]\s*$")


def _ends_with(words: Sequence[str]) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")$")


_INTENS_END = _ends_with(lx.INTENSIFIERS)
_NEG_END = _ends_with(lx.NEGATORS)
_NOT_NEG_END = _ends_with(lx.NOT_NEGATION)

TITLE_BONUS = 1.5
PLACE_DAMPING = 0.4  # topic words inside a place name (东坝工业园区) count for less
MIN_TOPIC = 1.5  # below this, only weak hints matched: the post is "other"
SECONDARY_MIN = 2.0
SECONDARY_SHARE = 0.4
MAX_TOPICS = 3


@dataclass
class _Sentiment:
    positive: float = 0.0
    negative: float = 0.0
    neutral_pull: float = 0.0
    terms: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    official: bool = False
    sarcasm: bool = False
    complaint: bool = False
    inquiry: bool = False
    gratitude: bool = False


def _engagement_attention(metrics: dict[str, int]) -> bool:
    m = metrics or {}
    score = m.get("reposts", 0) * 3 + m.get("comments", 0) * 2 + m.get("likes", 0)
    return score >= 3000 or m.get("views", 0) >= 100_000


class RuleAnalyzer:
    """Topic, sentiment, severity, disposition, township and relevance from word lists
    and rules. Implements :class:`kernel.ports.Analyzer`; routing is left empty."""

    name = "rules"

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self.taxonomy = reference.taxonomy
        self.gazetteer = Gazetteer(reference.county)
        self.local_names = self.gazetteer.local_names()
        similarity.register_places(self.gazetteer.place_names())
        topics = set(self.taxonomy.topics)
        entries: dict[str, list[tuple[str, float]]] = {}
        for code, terms in lx.TOPIC_TERMS.items():
            if code not in topics:
                continue
            for term, w in terms.items():
                entries.setdefault(term, []).append((code, w))
        # scope words from the configured taxonomy, so a replaced taxonomy still works
        for code, topic in self.taxonomy.topics.items():
            if code == "other":
                continue
            for word in topic.scope:
                if len(word) >= 2 and not any(c == code for c, _ in entries.get(word, [])):
                    entries.setdefault(word, []).append((code, 2.0))
        self._topic_matcher = lx.TermMatcher(entries.items())
        sent: list[tuple[str, object]] = []
        for term, w in lx.NEGATIVE_ATTITUDE.items():
            sent.append((term, ("neg", w)))
        for term, w in lx.POSITIVE_ATTITUDE.items():
            sent.append((term, ("pos", w)))
        for term, w in lx.NEGATIVE_SITUATION.items():
            sent.append((term, ("sit", w)))
        for term, w in lx.EMOJI_SENTIMENT.items():
            sent.append((term, ("emoji", w)))
        for term, w in lx.SLANG_SENTIMENT.items():
            sent.append((term, ("slang", w)))
        self._sent_matcher = lx.TermMatcher(sent)

    # ------------------------------------------------------------------ API
    def warm_up(self) -> None:
        self.gazetteer.warm_up()

    def analyze(self, items: Sequence[AnalysisInput]) -> list[Score]:
        return [self.analyze_one(it) for it in items]

    def analyze_one(self, item: AnalysisInput) -> Score:
        post = item.post
        raw = item.normalized or ""
        hashtags = [h.strip() for h in _HASHTAG.findall(raw) if h.strip()]
        mentions = _MENTION.findall(raw)
        text, abbrevs = lx.expand_abbreviations(_URL.sub(" ", raw))
        title_len = 0
        if post.title and text.startswith(post.title.strip()[:4]):
            title_len = len(post.title.strip())
        rules: list[str] = []
        if abbrevs:
            rules.append(f"识别网络缩写/谐音：{'、'.join(dict.fromkeys(abbrevs))}")
        if hashtags:
            rules.append(f"话题标签：{'、'.join('#' + h + '#' for h in hashtags)}")

        location = self.gazetteer.locate(text, post.ip_location)
        places = place_mentions(text, self.local_names)
        figures = extract_figures(text, self.local_names, places, year=_local_year(post.published_at))
        attention = _engagement_attention(post.metrics) or bool(lx.ATTENTION_TEXT.search(text))
        severity, sev_reasons = grade_from_figures(figures, text, attention=attention)
        rules.extend(f"等级：{r}" for r in sev_reasons)

        topics, topic_terms, topic_raw, topic_rules = self._topics(text, title_len, location, figures)
        rules.extend(topic_rules)

        sentiment_text = _MENTION.sub(" ", text)
        st = self._sentiment(sentiment_text, post)
        label, prob = self._decide_sentiment(st)
        rules.extend(st.reasons)

        disposition, rumor, disp_reason = self._disposition(text, severity, label, st, figures)
        rules.append(disp_reason)

        relevant, rel_reason = self._relevance(places, location, post.ip_location)
        rules.append(rel_reason)
        if not relevant:
            disposition, rumor = None, False
            rules.append("处置：与本县无关，不作处置")
        rules.append(f"属地：{location.reason}")

        explanation: dict[str, Any] = {
            "matched_terms": {"topic": topic_terms, "sentiment": st.terms},
            "figures": figures.to_dict(),
            "township_evidence": location.to_dict(),
            "rules": rules,
            "scores": {
                "topic": {k: round(v, 2) for k, v in topic_raw.items()},
                "sentiment": {"positive": round(st.positive, 2), "negative": round(st.negative, 2),
                              "neutral_pull": round(st.neutral_pull, 2)},
            },
            "hashtags": hashtags,
            "mentions": mentions,
        }
        incident_kinds, keeps_own_grade = event_context_cues(figures, text)
        return Score(
            sentiment=label,
            sentiment_score=prob,
            topics=topics,
            severity=severity,
            disposition=disposition,
            township=location.township,
            rumor=rumor,
            relevant=relevant,
            explanation=explanation,
            analyzer=self.name,
            incident_kinds=incident_kinds,
            hashtags=tuple(h.lower() for h in hashtags),
            keeps_own_grade=keeps_own_grade,
        )

    # ------------------------------------------------------------------ topics
    def _topics(self, text: str, title_len: int, location: Location, figures: Figures
                ) -> tuple[list[tuple[str, float]], list[str], dict[str, float], list[str]]:
        in_places = {i for e in location.evidence if e.position >= 0
                     for i in range(e.position, e.position + len(e.term))}
        raw: dict[str, float] = {}
        seen: dict[tuple[str, str], int] = {}
        terms: list[str] = []
        for hit in self._topic_matcher.finditer(text):
            in_place = hit.start in in_places
            for code, w in hit.payload:  # type: ignore[attr-defined]
                n = seen.get((code, hit.term), 0)
                seen[(code, hit.term)] = n + 1
                if n >= 2:
                    continue  # a word repeated many times is not more evidence
                weight = w * (0.5 if n else 1.0)
                if in_place:
                    weight *= PLACE_DAMPING
                if hit.start < title_len:
                    weight *= TITLE_BONUS
                raw[code] = raw.get(code, 0.0) + weight
                if n == 0:
                    terms.append(f"{hit.term}→{code}")
        reasons: list[str] = []
        # what the figures say about the kind of event
        boosts: list[tuple[str, float, str]] = []
        if (figures.poisoned or 0) >= 3 and re.search(r"食物|食堂|饭|餐|外卖|吃|饮用水|自来水|上吐下泻", text):
            boosts.append(("food_drug", 4.0, "多人中毒/发病且与饮食有关"))
        if figures.trapped_in_hazard and re.search(r"煤矿|矿井|井下|矿山|透水|瓦斯|冒顶", text):
            boosts.append(("work_safety", 4.0, "矿井人员被困"))
        if (figures.evacuated or 0) >= 100 and re.search(r"暴雨|洪|地震|滑坡|泥石流|山火|森林火灾|台风|汛", text):
            boosts.append(("disaster", 3.0, "因灾转移群众"))
        if figures.gathered and re.search(r"讨薪|欠薪|工资|工钱", text):
            boosts.append(("social_security", 3.0, "聚集讨薪"))
        for code, w, why in boosts:
            if code in self.taxonomy.topics:
                raw[code] = raw.get(code, 0.0) + w
                reasons.append(f"主题：{why} → {code} 加权")
        if not raw or max(raw.values()) < MIN_TOPIC:
            reasons.append("主题：未命中明确的主题词 → other")
            return [("other", 1.0)], terms, {}, reasons
        ranked = sorted(raw.items(), key=lambda kv: kv[1], reverse=True)
        top_code, top = ranked[0]
        keep = [(c, v) for c, v in ranked if c == top_code or (v >= SECONDARY_MIN and v >= SECONDARY_SHARE * top)]
        keep = keep[:MAX_TOPICS]
        total = sum(v for _, v in keep)
        topics = [(c, round(v / total, 4)) for c, v in keep]
        name = self.taxonomy.topic_name(top_code)
        reasons.append(f"主题：{name}（{top_code}）得分最高 {top:.1f}")
        if len(keep) > 1:
            reasons.append("相关主题：" + "、".join(f"{c}（{v:.1f}）" for c, v in keep[1:]))
        return topics, terms, raw, reasons

    # ------------------------------------------------------------------ sentiment
    def _sentiment(self, text: str, post: Any) -> _Sentiment:
        st = _Sentiment()
        author = (post.author or "").strip()
        st.official = post.platform == "news" or bool(lx.OFFICIAL_AUTHOR.search(author)) or \
            len(lx.OFFICIAL_PATTERNS.findall(text)) >= 2 or bool(re.match(r"^【[^】]{2,40}】", text))
        sarcasm_praise = lx.SARCASM_PRAISE.search(text)
        long_standing = lx.LONG_STANDING.search(text)
        resolved = _RESOLVED.search(text)
        hits = list(self._sent_matcher.finditer(text))
        has_problem = any(h.payload[0] in ("neg", "sit") for h in hits)  # type: ignore[index]
        st.sarcasm = bool(sarcasm_praise) and not resolved and (bool(long_standing) or has_problem) \
            and not st.official
        for h in hits:
            kind, w = h.payload  # type: ignore[misc]
            pre = text[max(0, h.start - 5):h.start]
            intens = False
            m = _INTENS_END.search(pre)
            if m:
                intens, pre = True, pre[: m.start()]
            negated = bool(_NEG_END.search(pre)) and not _NOT_NEG_END.search(pre)
            w = float(w) * (1.5 if intens else 1.0)
            tag = h.term
            if kind == "pos":
                if negated:
                    st.negative += w * 0.8
                    tag += "(否定→负)"
                elif st.sarcasm:
                    st.negative += w
                    tag += "(讽刺→负)"
                else:
                    st.positive += w
                    tag += f"(+{w:g})"
            elif kind in ("neg", "sit"):
                if negated:
                    tag += "(否定)"
                    st.positive += 0.3 * w if kind == "neg" else 0.0
                elif kind == "sit" and st.official:
                    tag += "(客观陈述)"
                else:
                    factor = 0.5 if st.official else 1.0
                    st.negative += w * factor
                    tag += f"(-{w * factor:g})"
            else:  # emoji / slang carry their own sign
                if w > 0 and st.sarcasm:
                    st.negative += w
                    tag += "(讽刺→负)"
                elif w > 0:
                    st.positive += w
                    tag += f"(+{w:g})"
                elif w < 0:
                    st.negative += -w
                    tag += f"({w:g})"
            st.terms.append(tag)
        if st.sarcasm:
            st.reasons.append(f"情感：赞扬语（{sarcasm_praise.group()}）与长期未解决的问题并存，判为反讽")  # type: ignore[union-attr]
        if lx.COMPLAINT_PATTERNS.search(text):
            st.complaint = True
            st.negative += 1.5 if st.official else 3.0
            st.reasons.append(f"情感：投诉/质问句式（{lx.COMPLAINT_PATTERNS.search(text).group()}）")  # type: ignore[union-attr]
        elif long_standing and has_problem and not resolved and not st.official:
            st.negative += 1.5
            st.reasons.append(f"情感：问题长期存在（{long_standing.group()}）")
        g = lx.GRATITUDE_PATTERNS.search(text)
        if g and not st.sarcasm:
            st.gratitude = True
            st.positive += 2.0
            st.reasons.append(f"情感：感谢/表扬（{g.group()}）")
        q = lx.INQUIRY_PATTERNS.search(text)
        if q and not st.complaint:
            st.inquiry = True
            st.neutral_pull += 2.5
            st.reasons.append(f"情感：咨询提问（{q.group()}），倾向中性")
        wv = lx.WRONG_VIEW.search(text)
        if wv:
            st.negative += 2.0
            st.reasons.append(f"情感：以偏概全的负面断言（{wv.group()}）")
        if _EXCLAIM.search(text) and st.negative > st.positive:
            st.negative += 1.0
        if st.official:
            st.neutral_pull += 2.0
            st.reasons.append("情感：通报/新闻文体，客观事实不计为负面")
        return st

    @staticmethod
    def _decide_sentiment(st: _Sentiment) -> tuple[str, float]:
        margin = st.negative - st.positive
        bar = 1.5 + st.neutral_pull
        if margin >= bar * 0.6 and st.negative >= bar:
            label, strength = "negative", margin
        elif -margin >= bar * 0.6 and st.positive >= bar:
            label, strength = "positive", -margin
        else:
            label = "neutral"
            strength = max(0.0, bar - abs(margin))
        prob = 0.5 + 0.45 * math.tanh(strength / 3.0)
        return label, round(prob, 4)

    # ------------------------------------------------------------------ disposition
    def _disposition(self, text: str, severity: str, sentiment: str, st: _Sentiment,
                     figures: Figures) -> tuple[str | None, bool, str]:
        strong = lx.RUMOR_STRONG.search(text)
        if strong:
            return "rumor", True, f"处置：出现辟谣/不实信息线索（{strong.group()}）→ 虚假不实信息"
        if severity in ("I", "II", "III"):
            return "major_issue", False, f"处置：{severity}级事件 → 重大问题，调查处置情况及时发布"
        weak = lx.RUMOR_WEAK.search(text)
        alarming = lx.ALARMING.search(text)
        if weak and (alarming or lx.RUMOR_VERIFY.search(text)) and not st.official:
            what = alarming.group() if alarming else "求证"
            return "rumor", True, (f"处置：未经证实的传言（{weak.group()}，{what}）"
                                   "→ 虚假不实信息线索，需及时核实回应")
        wv = lx.WRONG_VIEW.search(text)
        if wv:
            return "wrong_view", False, f"处置：以偏概全/错误认知（{wv.group()}）→ 错误看法，发布信息引导"
        if sentiment == "positive" and not st.complaint:
            return None, False, "处置：表扬/肯定，无需专门处置"
        hs = lx.HARDSHIP.search(text)
        sg = lx.SUGGESTION.search(text)
        if sg and (sentiment != "negative" or not hs):
            return "suggestion", False, f"处置：提出建议（{sg.group()}）→ 建设性意见"
        if hs and sentiment != "positive":
            return "hardship", False, f"处置：反映实际困难（{hs.group()}）→ 研究解决"
        mu = lx.MISUNDERSTANDING.search(text)
        if mu or (st.inquiry and re.search(r"政策|规定|标准|文件|收费|补贴|条件", text)):
            why = mu.group() if mu else "政策咨询"
            return "misunderstanding", False, f"处置：对政策/情况存在疑问（{why}）→ 模糊认识，解疑释惑"
        if sentiment == "negative":
            return "hardship", False, "处置：负面反映具体问题 → 按实际困难研究解决"
        if weak:
            return "misunderstanding", False, f"处置：传闻求证（{weak.group()}）→ 发布权威信息"
        return None, False, "处置：一般信息，无需专门处置"

    # ------------------------------------------------------------------ relevance
    def _relevance(self, places: list[tuple[int, str, bool]], location: Location,
                   ip_location: str | None) -> tuple[bool, str]:
        local = [p for p in places if p[2]]
        foreign = [p for p in places if not p[2]]
        if location.local or local:
            return True, "相关性：提及本县或其地点"
        if foreign:
            names = "、".join(dict.fromkeys(p[1] for p in foreign))
            return False, f"相关性：只提及外地（{names}），与本县无关"
        if location.ip_local is False and ip_location:
            return True, f"相关性：未提及地点，IP属地{ip_location}非本省（弱证据），仍保留"
        return True, "相关性：未提及外地，按本县信息处理"


def _local_year(when: datetime | None) -> int | None:
    """The post's year in China time (a naive time is taken as it stands)."""
    if when is None:
        return None
    return (when.astimezone(CST) if when.tzinfo else when).year
