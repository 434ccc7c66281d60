"""Spiders, one per source kind, registered by kind. Built-ins register themselves the same
way an extension would: ``@register`` on a :class:`~crawlers.spiders.base.TingfengSpider`
subclass with a ``kind``."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from crawlers.errors import SourceConfigError

if TYPE_CHECKING:
    from crawlers.spiders.base import TingfengSpider

SPIDERS: dict[str, type[TingfengSpider]] = {}
BUILTIN = ("weibo", "discuz", "tieba", "news", "gov_board")


def register(cls: type[TingfengSpider]) -> type[TingfengSpider]:
    SPIDERS[cls.kind] = cls
    return cls


def spider_for(kind: str) -> type[TingfengSpider]:
    if kind not in SPIDERS and kind in BUILTIN:
        importlib.import_module(f"crawlers.spiders.{kind}")
    try:
        return SPIDERS[kind]
    except KeyError:
        raise SourceConfigError(
            f"没有 {kind!r} 类型的爬虫（支持：{', '.join(sorted(set(BUILTIN) | set(SPIDERS)))}）"
        ) from None
