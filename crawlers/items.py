"""Items: a crawled post in the contract's shape (shared/spec/io-contract.md).

A :class:`PostItem` is a dict holding the post's fields (``id``, ``platform``, ``url``,
``title``, ``text``, ``author``, ``published_at``, ``metrics``, ``ip_location``) plus
source-specific extras (``reply_to``, ``repost_of``, ``thread_id`` …) that ingestion keeps in
``Post.extra``. The ``ticket`` attribute (not a field) tells the pipeline which page the
post belongs to, so the checkpoint moves only once it is stored.
"""

from __future__ import annotations

from typing import Any

from crawlers.tickets import Ticket

CONTRACT_FIELDS = (
    "id",
    "platform",
    "url",
    "title",
    "text",
    "author",
    "published_at",
    "metrics",
    "ip_location",
)


class PostItem(dict):
    ticket: Ticket | None = None

    @classmethod
    def of(cls, post: dict[str, Any], ticket: Ticket | None) -> PostItem:
        item = cls(post)
        if ticket is not None:
            ticket.add(1)
            item.ticket = ticket
        return item

    def contract(self) -> dict[str, Any]:
        """The post for ingestion: empty optional fields dropped."""
        out = {}
        for k, v in self.items():
            if v is None and k != "title":
                continue
            if k == "metrics" and not v:
                continue
            out[k] = v
        return out
