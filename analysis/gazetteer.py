"""Where a post happens: the township, from the places the county configuration lists.

Evidence, strongest first:
  * a place listed under a township (南河水库 → 南河镇), or the township's full name;
  * the township's short form (东坝 for 东坝镇) where no other township shares it,
    recognised as a whole word by jieba with the county's names as a user dictionary;
  * generic places listed in the configuration (县城, 化工厂) count for less.
The county's own name gives no township. The platform's IP属地 is weak evidence that
the author is nearby; it never chooses a township by itself.
A name directly qualified by another county ("河阳县东坝镇") or followed by 市/县
("马鞍山市") is not ours. Everyday short forms of listed places count as the places
(一中 for 云岭一中, 县医院 for 县人民医院, 政务中心); a hospital the sick were taken to
(送到县医院) says nothing of where it happened; and a post about the whole county that names
several townships as examples (全县十个乡镇都受灾，白沙乡最惨) belongs to no one township.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from analysis.figures import NOT_NAME_CHARS
from analysis.lexicon import trie_pattern
from kernel.config import County

log = logging.getLogger(__name__)

_SUFFIXES = ("街道办事处", "街道", "镇", "乡")
# places so generic that another county's could be meant (weight < a specific place)
_GENERIC = {"县城", "化工厂", "县人民医院", "县中医院", "人民广场", "新华路", "县政务服务中心"}
_FOREIGN_BEFORE = re.compile(r"([\u4e00-\u9fff]{2})[县市]$")
_NOT_OURS_AFTER = re.compile(r"[市县区省](?!场|民|容|区|域|城|里|委|政府)")

# a post about the whole county that names several townships as examples
_COUNTY_WIDE = re.compile(r"全县|[十各多几]个乡镇|各乡镇|乡镇(?:都|全部|均)")
# a hospital named as where people were taken
_TAKEN_TO = re.compile(r"(?:送|转|拉|抬|背|住进|进了|赶到|赶往|送往|送到|送进|转到|转往|转至)[了去往到进至]?$")
W_PLACE = 3.0
W_TOWNSHIP = 3.0
W_SHORT = 2.0
W_GENERIC = 1.5


@dataclass(frozen=True)
class Evidence:
    term: str
    township: str
    kind: str  # place | township | short | generic | ip
    weight: float
    position: int

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "township": self.township, "kind": self.kind,
                "weight": self.weight, "position": self.position}


@dataclass
class Location:
    """The township a post is about (None when the post does not say) and why."""

    township: str | None
    evidence: list[Evidence] = field(default_factory=list)
    local: bool = False  # mentions the county or one of its places
    ip_local: bool | None = None  # IP属地 in the county's province (None: no IP属地)
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "township": self.township,
            "evidence": [e.to_dict() for e in self.evidence],
            "local": self.local,
            "ip_local": self.ip_local,
            "reason": self.reason,
        }


_TOKENIZER_LOCK = threading.Lock()


class Gazetteer:
    """Township lookup for one county (built once, then read-only and thread-safe)."""

    def __init__(self, county: County) -> None:
        self.county = county
        self.county_name = county.name
        self.county_stem = county.name[:-1] if county.name.endswith(("县", "市", "区", "旗")) else county.name
        self.province_short = county.province.rstrip("省").replace("自治区", "") if county.province else ""
        self.terms: dict[str, tuple[str, str, float]] = {}  # term -> (township, kind, weight)
        for town, places in county.townships.items():
            self.terms[town] = (town, "township", W_TOWNSHIP)
            for place in places:
                kind, w = ("generic", W_GENERIC) if place in _GENERIC else ("place", W_PLACE)
                self.terms.setdefault(place, (town, kind, w))
        for alias, place in self._aliases():
            self.terms.setdefault(alias, self.terms[place])
        self.short: dict[str, str] = {}
        counts: dict[str, list[str]] = {}
        for town in county.townships:
            for suf in _SUFFIXES:
                if town.endswith(suf) and len(town) - len(suf) >= 2:
                    counts.setdefault(town[: -len(suf)], []).append(town)
                    break
        for stem, towns in counts.items():
            # unambiguous, and not a prefix of the county's own name
            if len(towns) == 1 and stem not in self.terms and not self.county_stem.startswith(stem):
                self.short[stem] = towns[0]
        self._by_len = sorted(self.terms, key=len, reverse=True)
        self._terms_re = re.compile(trie_pattern(self.terms)) if self.terms else None
        self._short_re = re.compile(trie_pattern(self.short)) if self.short else None
        self._tokenizer: Any = None

    def _aliases(self) -> list[tuple[str, str]]:
        """Everyday short forms of listed places: the county's name dropped (云岭一中 → 一中),
        县人民医院 → 县医院, 县政务服务中心 → 县政务中心 / 政务中心."""
        out: list[tuple[str, str]] = []
        for place in list(self.terms):
            if self.terms[place][1] == "township":
                continue
            if len(self.county_stem) >= 2 and place.startswith(self.county_stem) and len(place) - len(self.county_stem) >= 2:
                out.append((place[len(self.county_stem):], place))
            if "人民医院" in place:
                out.append((place.replace("人民医院", "医院"), place))
            if "政务服务中心" in place:
                out.append((place.replace("政务服务中心", "政务中心"), place))
                out.append(("政务中心", place))
        return out

    # ------------------------------------------------------------------ names
    def local_names(self) -> list[str]:
        """Every name that marks the county itself (for telling local from elsewhere)."""
        names = {self.county_name, self.county.prefecture, *self.terms, *self.short}
        if len(self.county_stem) >= 2:
            names.add(self.county_stem)
        return sorted((n for n in names if n), key=len, reverse=True)

    def place_names(self) -> list[str]:
        return list(self._by_len) + list(self.short)

    def warm_up(self) -> None:
        """Build the jieba tokenizer now rather than on the first ambiguous name."""
        self._jieba()

    def _jieba(self) -> Any:
        if self._tokenizer is None:
            with _TOKENIZER_LOCK:
                if self._tokenizer is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    tk = jieba.Tokenizer()
                    for name in self.local_names():
                        tk.add_word(name, freq=200_000)
                    self._tokenizer = tk
        return self._tokenizer

    # ------------------------------------------------------------------ lookup
    def _is_word(self, text: str, start: int, end: int) -> bool:
        """Does jieba (with the county's names as user words) cut ``text[start:end]``
        out as a word of its own? Only a window around it is segmented."""
        lo = max(0, start - 8)
        pos = lo
        for tok in self._jieba().cut(text[lo:end + 8], HMM=False):
            if pos == start:
                return pos + len(tok) == end
            pos += len(tok)
            if pos > start:
                return False
        return False

    def _qualified_elsewhere(self, text: str, start: int, end: int) -> bool:
        term = text[start:end]
        if term not in self.terms and _NOT_OURS_AFTER.match(text, end):
            return True  # "马鞍山市", "白沙区": a namesake elsewhere
        m = _FOREIGN_BEFORE.search(text[max(0, start - 3):start])
        if m:
            name = m.group(1)
            if name == self.county_stem or any(ch in NOT_NAME_CHARS for ch in name):
                return False
            return True  # "河阳县东坝镇"
        return False

    def evidence(self, text: str) -> list[Evidence]:
        """Every township clue in ``text`` (Simplified), in reading order."""
        found: list[Evidence] = []
        taken: list[tuple[int, int]] = []
        if self._terms_re is not None:
            for m in self._terms_re.finditer(text):
                start, end, term = m.start(), m.end(), m.group()
                taken.append((start, end))
                if ("医院" in term or "卫生院" in term) and _TAKEN_TO.search(text, max(0, start - 5), start):
                    continue  # "连夜送到县医院": where the sick were taken, not where it happened
                if not self._qualified_elsewhere(text, start, end):
                    town, kind, w = self.terms[term]
                    found.append(Evidence(term, town, kind, w, start))
        if self._short_re is not None:
            for m in self._short_re.finditer(text):
                start, end, short = m.start(), m.end(), m.group()
                if not any(a <= start < b for a, b in taken) and self._is_word(text, start, end) \
                        and not self._qualified_elsewhere(text, start, end):
                    found.append(Evidence(short, self.short[short], "short", W_SHORT, start))
        found.sort(key=lambda e: e.position)
        return found

    def locate(self, text: str, ip_location: str | None = None) -> Location:
        """The township ``text`` is about, with the evidence for it."""
        ev = self.evidence(text)
        local = bool(ev) or self.county_name in text or (
            len(self.county_stem) >= 2 and self.county_stem in text)
        ip_local = None
        if ip_location:
            ip = ip_location.strip()
            ip_local = bool(self.province_short) and (ip.startswith(self.province_short)
                                                      or self.province_short.startswith(ip))
        if ip_local is not None:
            ev_ip = Evidence(ip_location or "", "", "ip", 0.0, -1)
        else:
            ev_ip = None
        if not ev:
            reason = "文中未提及本县乡镇或地点"
            if self.county_name in text:
                reason = f"仅提及{self.county_name}，无法确定乡镇"
            if ip_local:
                reason += f"；IP属地{ip_location}仅为弱证据，不单独判定乡镇"
            return Location(None, [ev_ip] if ev_ip else [], local, ip_local, reason)
        scores: dict[str, float] = {}
        first: dict[str, int] = {}
        for e in ev:
            scores[e.township] = scores.get(e.township, 0.0) + e.weight
            first.setdefault(e.township, e.position)
        if len(scores) >= 2 and _COUNTY_WIDE.search(text):
            # "全县十个乡镇都受灾，白沙乡和南河镇最惨": the county's matter, no one township's
            return Location(None, ev + ([ev_ip] if ev_ip else []), True, ip_local,
                            f"全县性事项（提及{'、'.join(scores)}等多个乡镇），不归属单一乡镇")
        best = max(scores, key=lambda t: (scores[t], -first[t]))
        terms = "、".join(dict.fromkeys(e.term for e in ev if e.township == best))
        reason = f"提及{terms} → {best}"
        others = [t for t in scores if t != best]
        if others:
            reason += f"（另提及{'、'.join(others)}，按证据强弱与先后取{best}）"
        if ev_ip is not None:
            ev = ev + [ev_ip]
        return Location(best, ev, True, ip_local, reason)
