"""Analyzer registry: built-in analyzers register here; settings pick one by name."""

from __future__ import annotations

import logging
from collections.abc import Callable

from kernel.config import Reference
from kernel.ports import Analyzer
from kernel.settings import Settings

log = logging.getLogger(__name__)

Factory = Callable[[Settings, Reference], Analyzer]
ANALYZERS: dict[str, Factory] = {}


def register(name: str) -> Callable[[Factory], Factory]:
    def deco(fn: Factory) -> Factory:
        ANALYZERS[name] = fn
        return fn

    return deco


@register("rules")
def _rules(settings: Settings, reference: Reference) -> Analyzer:
    from analysis.rules import RuleAnalyzer

    return RuleAnalyzer(reference)


@register("model")
def _model(settings: Settings, reference: Reference) -> Analyzer:
    from analysis.hybrid import HybridAnalyzer
    from analysis.model.runtime import PostClassifier

    kwargs: dict = {"model_dir": settings.model_dir} if settings.model_dir else {}
    kwargs["precision"] = settings.model_precision
    return HybridAnalyzer(reference, PostClassifier.shared(**kwargs))


def make_analyzer(settings: Settings, reference: Reference) -> Analyzer:
    name = settings.analyzer
    if name == "auto":
        name = "model" if "model" in ANALYZERS and _model_available(settings) else "rules"
    if name not in ANALYZERS:
        raise ValueError(f"未知的分析器：{name}（可选：{', '.join(sorted(ANALYZERS))}）")
    log.info("使用分析器：%s", name)
    analyzer = ANALYZERS[name](settings, reference)
    # load what the analyzer would otherwise load on its first post (jieba's dictionary,
    # ~0.5 s): a service should pay that at start, not on the first post of an emergency
    warm_up = getattr(analyzer, "warm_up", None)
    if warm_up is not None:
        warm_up()
    return analyzer


def _model_available(settings: Settings) -> bool:
    try:
        from analysis.model.runtime import available
    except ImportError:
        return False
    try:
        return bool(available(settings.model_dir) if settings.model_dir else available())
    except Exception:  # noqa: BLE001
        log.exception("检查模型文件时出错，改用规则分析器")
        return False
