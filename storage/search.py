"""Search adapters: SQLite FTS5 with jieba segmentation (embedded) and a portable fallback."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.engine import Engine

_TOKEN_OK = re.compile(r"\w", re.U)


def segment(text_: str) -> str:
    """Words separated by spaces (jieba search mode) so FTS5's unicode61 tokenizer sees words."""
    import jieba

    return " ".join(w for w in jieba.cut_for_search(text_) if _TOKEN_OK.search(w))


def _fts_query(query: str) -> str:
    import jieba

    terms = [w for w in jieba.cut(query) if _TOKEN_OK.search(w)]
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


class Fts5Search:
    """Full-text index in the same SQLite database (table ``posts_fts``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        with engine.begin() as c:
            c.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS posts_fts USING fts5(body, tokenize='unicode61')"))

    def index(self, docs: Iterable[tuple[int, str]]) -> None:
        rows = [{"id": pk, "body": segment(body)} for pk, body in docs]
        if not rows:
            return
        with self._engine.begin() as c:
            c.execute(text("DELETE FROM posts_fts WHERE rowid = :id"), [{"id": r["id"]} for r in rows])
            c.execute(text("INSERT INTO posts_fts(rowid, body) VALUES (:id, :body)"), rows)

    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[int]:
        q = _fts_query(query)
        if not q:
            return []
        with self._engine.connect() as c:
            res = c.execute(text("SELECT rowid FROM posts_fts WHERE posts_fts MATCH :q ORDER BY rank "
                                 "LIMIT :l OFFSET :o"), {"q": q, "l": limit, "o": offset})
            return [r[0] for r in res]

    def count(self, query: str) -> int:
        q = _fts_query(query)
        if not q:
            return 0
        with self._engine.connect() as c:
            return c.execute(text("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH :q"), {"q": q}).scalar() or 0


class SqlLikeSearch:
    """Portable substring search on ``posts.normalized`` (PostgreSQL without Elasticsearch)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def index(self, docs: Iterable[tuple[int, str]]) -> None:
        return None  # reads the posts table directly

    def _where(self, query: str) -> tuple[str, dict]:
        terms = [t for t in query.split() if t][:8]
        conds = " AND ".join(f"normalized LIKE :t{i}" for i in range(len(terms))) or "1=0"
        return conds, {f"t{i}": f"%{t}%" for i, t in enumerate(terms)}

    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[int]:
        conds, params = self._where(query)
        with self._engine.connect() as c:
            res = c.execute(text(f"SELECT id FROM posts WHERE {conds} ORDER BY published_at DESC "
                                 "LIMIT :l OFFSET :o"), {**params, "l": limit, "o": offset})
            return [r[0] for r in res]

    def count(self, query: str) -> int:
        conds, params = self._where(query)
        with self._engine.connect() as c:
            return c.execute(text(f"SELECT count(*) FROM posts WHERE {conds}"), params).scalar() or 0
