"""Source configuration: what to crawl, how often, with which parameters.

Sources live in the ``sources`` table; ``crawlers/sources.example.yaml`` seeds it
(``tingfeng sources import``). Secrets (cookies, app codes, proxies) are written as
``${ENV_NAME}`` references and expanded only in the crawling process, so the table and the
YAML file never hold them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crawlers.errors import SourceConfigError

KINDS = ("weibo", "discuz", "tieba", "news", "gov_board")
KIND_NAMES = {
    "weibo": "微博",
    "discuz": "Discuz! 论坛",
    "tieba": "百度贴吧",
    "news": "新闻/RSS",
    "gov_board": "领导留言板",
}
EXAMPLE_FILE = Path(__file__).resolve().parent / "sources.example.yaml"
DEFAULT_INTERVAL = 300
_ENV_REF = re.compile(r"\$\{([A-Z0-9_]+)\}")
SECRET_KEYS = ("cookies", "cookie", "app_code", "proxies", "token", "password")


@dataclass
class SourceConfig:
    name: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    interval_seconds: int = DEFAULT_INTERVAL
    enabled: bool = True

    def validate(self) -> SourceConfig:
        if not re.fullmatch(r"[A-Za-z0-9_\-\.\u4e00-\u9fff]{1,100}", self.name or ""):
            raise SourceConfigError(
                f"来源名称不合法：{self.name!r}（字母、数字、中文、- _ .，最多 100 字）"
            )
        if self.kind not in KINDS:
            raise SourceConfigError(
                f"来源 {self.name} 的类型 {self.kind!r} 未知（支持：{', '.join(KINDS)}）"
            )
        if not isinstance(self.params, dict):
            raise SourceConfigError(f"来源 {self.name} 的参数应为映射")
        if self.interval_seconds < 30:
            raise SourceConfigError(
                f"来源 {self.name} 的采集间隔过短（{self.interval_seconds} 秒，至少 30 秒）"
            )
        from crawlers.spiders import spider_for

        spider_for(self.kind).check_params(self)
        return self

    def param(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


def expand_env(value: Any, environ: Mapping[str, str] | None = None) -> Any:
    """Replace ``${NAME}`` references (recursively in lists/dicts) with environment values.
    A missing variable expands to an empty string."""
    env = os.environ if environ is None else environ
    if isinstance(value, str):
        return _ENV_REF.sub(lambda m: env.get(m.group(1), ""), value)
    if isinstance(value, list):
        return [expand_env(v, env) for v in value]
    if isinstance(value, dict):
        return {k: expand_env(v, env) for k, v in value.items()}
    return value


def masked(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters safe to show: literal secrets are masked, ``${ENV}`` references kept."""
    out = {}
    for k, v in params.items():
        if k in SECRET_KEYS and v:
            vals = v if isinstance(v, list) else [v]
            shown = [
                x if isinstance(x, str) and _ENV_REF.fullmatch(x.strip()) else "******"
                for x in vals
            ]
            out[k] = shown if isinstance(v, list) else shown[0]
        else:
            out[k] = v
    return out


def load_yaml(path: Path) -> list[SourceConfig]:
    """Source definitions from a YAML file: ``sources: [{name, kind, interval, enabled, params}]``."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise SourceConfigError(f"无法读取来源配置文件 {path}：{exc}") from exc
    except yaml.YAMLError as exc:
        raise SourceConfigError(f"来源配置文件 {path} 不是合法的 YAML：{exc}") from exc
    items = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise SourceConfigError(f"来源配置文件 {path} 缺少 sources 列表")
    out = []
    for i, raw in enumerate(items, start=1):
        if not isinstance(raw, dict):
            raise SourceConfigError(f"来源配置第 {i} 项不是映射")
        params = raw.get("params") or {}
        if not isinstance(params, dict):
            raise SourceConfigError(f"来源配置第 {i} 项（{raw.get('name')}）的 params 应为映射")
        try:
            value: Any = raw.get("interval", raw.get("interval_seconds", DEFAULT_INTERVAL))
            interval = int(value)
        except (TypeError, ValueError):
            raise SourceConfigError(
                f"来源配置第 {i} 项（{raw.get('name')}）的 interval 应为整数（秒）"
            ) from None
        cfg = SourceConfig(
            name=str(raw.get("name", "")),
            kind=str(raw.get("kind", "")),
            params=dict(params),
            interval_seconds=interval,
            enabled=bool(raw.get("enabled", True)),
        )
        out.append(cfg.validate())
    return out
