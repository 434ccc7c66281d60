"""The reference configuration: taxonomy (categories, grades, obligations) and the county.

Loaded from ``taxonomy.yaml`` and ``reference-county.yaml`` (see ../shared/spec).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import yaml

from kernel.errors import ConfigError, UnknownDepartment

SEVERITIES = ("I", "II", "III", "IV")
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Topic:
    code: str
    name: str
    scope: tuple[str, ...]


@dataclass(frozen=True)
class ObligationRule:
    kind: str
    within: timedelta


@dataclass(frozen=True)
class Taxonomy:
    sentiments: dict[str, str]
    topics: dict[str, Topic]
    severities: dict[str, str]
    obligations: dict[str, tuple[ObligationRule, ...]]
    dispositions: dict[str, str]

    def topic_name(self, code: str) -> str:
        t = self.topics.get(code)
        return t.name if t else code


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    topics: tuple[str, ...]
    role: str | None = None
    duty_phone_role: str | None = None
    email: str | None = None  # the department head's address for alert mail (optional ``email:``)


@dataclass(frozen=True)
class County:
    name: str
    prefecture: str
    province: str
    departments: dict[str, Department]
    townships: dict[str, tuple[str, ...]]
    topic_department: dict[str, str] = field(default_factory=dict)

    def department(self, code: str) -> Department:
        try:
            return self.departments[code]
        except KeyError:
            raise UnknownDepartment(f"未知部门代码：{code}") from None

    def lead_for_topic(self, topic: str) -> str:
        """The competent department for a topic (谁主管谁负责); unknown topics go to 网信办."""
        return self.topic_department.get(topic) or self.topic_department.get("other") or "wxb"

    @property
    def coordinator(self) -> str:
        """Department that coordinates I/II events (the one whose role mentions 重大舆情)."""
        for d in self.departments.values():
            if d.role and "重大" in d.role:
                return d.code
        return "zfb"

    @property
    def propaganda(self) -> str:
        """Department informed of I/II events (网信办)."""
        for d in self.departments.values():
            if d.role and "牵头" in d.role:
                return d.code
        return "wxb"


_DURATION = re.compile(r"^(\d+)\s*([hdm])$")


def parse_duration(text: str) -> timedelta:
    m = _DURATION.match(str(text).strip())
    if not m:
        raise ConfigError(f"无法识别的时限：{text!r}（应为 5h、2d 或 30m）")
    n, unit = int(m.group(1)), m.group(2)
    return {"h": timedelta(hours=n), "d": timedelta(days=n), "m": timedelta(minutes=n)}[unit]


_PLAIN_PAIR = re.compile(r"^(\s+)([A-Za-z_][\w-]*):\s+([^\s'\"\[{#].*?:\s.*)$")


def _quote_nested_colons(text: str) -> str:
    """The shipped taxonomy writes ``code: 名称: 范围`` — a second ``: `` that strict YAML
    rejects. Quote such plain scalars so the file reads as its authors meant."""
    out = []
    for line in text.splitlines():
        m = _PLAIN_PAIR.match(line)
        if m:
            value = m.group(3).split(" #", 1)[0].rstrip()
            line = f"{m.group(1)}{m.group(2)}: " + "'" + value.replace("'", "''") + "'"
        out.append(line)
    return "\n".join(out)


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        raise ConfigError(f"找不到配置文件：{path}（可用 TINGFENG_SPEC_DIR 指定目录）")
    raw = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError:
        try:
            data = yaml.safe_load(_quote_nested_colons(raw))
        except yaml.YAMLError as exc:
            raise ConfigError(f"配置文件 {path} 不是合法的 YAML：{exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"配置文件 {path} 顶层应为映射")
    return data


def load_taxonomy(path: Path) -> Taxonomy:
    data = _read_yaml(path)
    topics = {}
    for code, desc in (data.get("topics") or {}).items():
        name, _, scope = str(desc).partition(":")
        topics[code] = Topic(code, name.strip(), tuple(s.strip() for s in re.split(r"[、,，]", scope) if s.strip()))
    obligations = {}
    for grade in SEVERITIES:
        rules = (data.get("obligations") or {}).get(grade) or []
        obligations[grade] = tuple(ObligationRule(r["kind"], parse_duration(r["within"])) for r in rules)
    tax = Taxonomy(
        sentiments={k: str(v) for k, v in (data.get("sentiment") or {}).items()},
        topics=topics,
        severities={k: str(v) for k, v in (data.get("severity") or {}).items()},
        obligations=obligations,
        dispositions={k: str(v) for k, v in (data.get("disposition") or {}).items()},
    )
    if set(tax.sentiments) != set(SENTIMENTS) or set(tax.severities) != set(SEVERITIES):
        raise ConfigError("taxonomy.yaml 的情感标签或事件等级不完整")
    if "other" not in tax.topics:
        raise ConfigError("taxonomy.yaml 必须包含 other 主题")
    return tax


def load_county(path: Path, taxonomy: Taxonomy) -> County:
    data = _read_yaml(path)
    departments = {}
    topic_department: dict[str, str] = {}
    for code, d in (data.get("departments") or {}).items():
        dep = Department(code, d["name"], tuple(d.get("topics") or ()), d.get("role"), d.get("duty_phone_role"),
                         _email(code, d.get("email")))
        departments[code] = dep
        for t in dep.topics:
            if t not in taxonomy.topics:
                raise ConfigError(f"部门 {code} 负责的主题 {t} 不在 taxonomy.yaml 中")
            topic_department[t] = code
    missing = set(taxonomy.topics) - set(topic_department)
    if missing:
        raise ConfigError(f"以下主题没有主管部门：{', '.join(sorted(missing))}")
    townships = {name: tuple(places or ()) for name, places in (data.get("townships") or {}).items()}
    return County(
        name=data.get("county", ""),
        prefecture=data.get("prefecture", ""),
        province=data.get("province", ""),
        departments=departments,
        townships=townships,
        topic_department=topic_department,
    )


def _email(code: str, value: object) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    local, at, domain = text.partition("@")
    if not (local and at and "." in domain) or any(c.isspace() for c in text):
        raise ConfigError(f"部门 {code} 的邮箱 {text!r} 不是合法的邮件地址")
    return text


@dataclass(frozen=True)
class Reference:
    taxonomy: Taxonomy
    county: County


def load_reference(spec_dir: Path) -> Reference:
    tax = load_taxonomy(Path(spec_dir) / "taxonomy.yaml")
    return Reference(tax, load_county(Path(spec_dir) / "reference-county.yaml", tax))
