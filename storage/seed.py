"""Loads the county's departments, township units and default keywords into the database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kernel.config import Reference
from kernel.domain.routing import township_unit
from storage.tables import DepartmentRow, KeywordRow


def seed_reference(session: Session, ref: Reference) -> None:
    """Idempotent upsert: names and topics follow the configuration; so does a head's
    e-mail address when the configuration gives one, otherwise the stored one is kept."""
    for d in ref.county.departments.values():
        row = session.get(DepartmentRow, d.code) or DepartmentRow(code=d.code)
        row.name, row.kind, row.topics, row.role = d.name, "county", list(d.topics), d.role
        if d.email:
            row.head_email = d.email
        session.add(row)
    for town in ref.county.townships:
        code = township_unit(town)
        row = session.get(DepartmentRow, code) or DepartmentRow(code=code)
        row.name, row.kind, row.topics, row.role = f"{town}人民政府", "township", [], "属地管理"
        session.add(row)
    words = [ref.county.name, ref.county.name.removesuffix("县")]
    for town, places in ref.county.townships.items():
        words.append(town)
        words.extend(places)
    existing = {w for (w,) in session.query(KeywordRow.word)}
    for w in dict.fromkeys(words):
        if w not in existing:
            session.add(KeywordRow(word=w, kind="watch" if w.startswith(ref.county.name[:2]) else "place"))
    session.commit()
