"""Label sets of the model heads (codes from the shipped taxonomy.yaml) and input text.

Pure Python: imported by training, runtime and tests without torch.
"""

from __future__ import annotations

import re

SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")
TOPICS: tuple[str, ...] = (
    "tax_fee",
    "finance",
    "environment",
    "rural",
    "education",
    "food_drug",
    "health",
    "civil_affairs",
    "social_security",
    "public_security",
    "law_enforcement",
    "housing",
    "work_safety",
    "disaster",
    "land",
    "business",
    "gov_service",
    "transport",
    "other",
)
# the six taxonomy codes plus "none" (no response needed: praise, routine notices)
DISPOSITIONS: tuple[str, ...] = (
    "suggestion",
    "hardship",
    "major_issue",
    "misunderstanding",
    "wrong_view",
    "rumor",
    "none",
)
SEVERITIES: tuple[str, ...] = ("I", "II", "III", "IV")

TASKS: dict[str, tuple[str, ...]] = {
    "sentiment": SENTIMENTS,
    "topic": TOPICS,
    "disposition": DISPOSITIONS,
    "severity": SEVERITIES,
}

# binary heads over the same features, fitted on frozen features by head_refit; their
# labels derive from severity, so they are not tasks of their own:
# - major: P(特别重大 or 重大) against everything else (session 5)
# - serious: P(较大 or graver) against 一般 (session 7), for lifting a figure-less IV to III
MAJOR_HEAD = "major"
SERIOUS_HEAD = "serious"
BINARY_HEADS: dict[str, tuple[str, ...]] = {MAJOR_HEAD: ("I", "II"), SERIOUS_HEAD: ("I", "II", "III")}

# the network's outputs, in order (also the ONNX output names): the task logits, the
# sentence embedding, the binary heads' logits
OUTPUT_NAMES: tuple[str, ...] = (*TASKS, "embedding", *BINARY_HEADS)
EMBEDDING_OUTPUT = OUTPUT_NAMES.index("embedding")

# multilingual-e5 expects a prefix; "query: " is the one for classification-like use
E5_PREFIX = "query: "

_WS = re.compile(r"\s+")


def post_text(text: str, title: str | None = None) -> str:
    """The single string the model reads for a post: title and body on one line.

    Whitespace runs collapse to one space; an empty title, or a title the body
    already starts with, is left out.
    """
    body = _WS.sub(" ", text or "").strip()
    head = _WS.sub(" ", title or "").strip()
    if head and not body.startswith(head):
        return f"{head}。{body}" if body else head
    return body


def model_input(text: str) -> str:
    """Prefix for the encoder (callers pass ``post_text`` output or raw text)."""
    return E5_PREFIX + text


def disposition_code(label: str | None) -> str:
    """Dataset value (code or null) -> head label."""
    return label if label else "none"
