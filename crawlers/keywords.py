"""Keywords the crawlers search for and filter by.

The analyst's list is the ``keywords`` table (kinds ``watch``, ``place``, ``exclude``).
While that table is empty the defaults come from the reference county
(``reference-county.yaml``): the county's full and short names (watch) and every township
and place name (place).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage.tables import KeywordRow

log = logging.getLogger("tingfeng.crawl")


@dataclass
class Keywords:
    watch: list[str] = field(default_factory=list)
    place: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)

    @property
    def all(self) -> list[str]:
        seen: dict[str, None] = {}
        for w in self.watch + self.place:
            seen.setdefault(w, None)
        return list(seen)

    def select(self, kinds: list[str] | None) -> list[str]:
        kinds = kinds or ["watch"]
        out: dict[str, None] = {}
        for k in kinds:
            for w in getattr(self, k, []):
                out.setdefault(w, None)
        return list(out)

    def matches(self, text: str) -> str | None:
        """The first watch/place keyword found in the text, or None."""
        for w in self.all:
            if w and w in text:
                return w
        return None

    def excluded(self, text: str) -> str | None:
        for w in self.exclude:
            if w and w in text:
                return w
        return None


def short_name(county: str) -> str:
    for suffix in ("自治县", "县", "市", "区", "旗"):
        if county.endswith(suffix) and len(county) > len(suffix) + 1:
            return county[: -len(suffix)]
    return county


def reference_keywords(spec_dir: Path) -> Keywords:
    path = Path(spec_dir) / "reference-county.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        log.warning("无法读取参考县配置 %s（%s），默认关键词为空", path, exc)
        return Keywords()
    county = str(data.get("county") or "")
    watch = [w for w in (county, short_name(county)) if w]
    place: list[str] = []
    for township, places in (data.get("townships") or {}).items():
        place.append(str(township))
        place.extend(str(p) for p in (places or []))
    return Keywords(watch=list(dict.fromkeys(watch)), place=list(dict.fromkeys(place)))


def load_keywords(engine: Engine, spec_dir: Path) -> Keywords:
    with Session(engine) as s:
        rows = list(
            s.scalars(
                select(KeywordRow).where(KeywordRow.enabled.is_(True)).order_by(KeywordRow.id)
            )
        )
    if not rows:
        return reference_keywords(spec_dir)
    kw = Keywords()
    for r in rows:
        bucket = getattr(kw, r.kind, None)
        if isinstance(bucket, list):
            bucket.append(r.word)
    return kw
