"""Spider contracts for ``scrapy check``, offline.

``@fixture weibo/search_p1.json`` points the sample request at a file in the replica
fixtures (tests/replica/fixtures) through a ``file://`` URL, so contracts never touch the
network. Use it instead of ``@url``; ``@meta``, ``@returns`` and ``@scrapes`` work as usual.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.contracts import Contract

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "replica" / "fixtures"


class FixtureContract(Contract):
    name = "fixture"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        path = (FIXTURES / self.args[0]).resolve()
        args["url"] = path.as_uri()
        return args
