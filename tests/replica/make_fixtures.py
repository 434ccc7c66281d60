"""Write the static fixtures the spider contracts (``scrapy check``) read, from the replicas'
own renderers: ``python tests/replica/make_fixtures.py``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from replica import data  # noqa: E402
from replica.discuz import DiscuzSite  # noqa: E402
from replica.gov_board import GovBoardSite  # noqa: E402
from replica.news import NewsSite, article_html  # noqa: E402
from replica.server import Req  # noqa: E402
from replica.tieba import TiebaSite, sign_ok  # noqa: E402

OUT = HERE / "fixtures"


def req(path: str, query: dict | None = None, body: bytes = b"", method: str = "GET") -> Req:
    return Req(method, path, query or {}, {}, body, path)


def main() -> None:
    dz = DiscuzSite(charset="gbk")
    dz.base_url = "http://bbs.yunling.example"
    (OUT / "discuz" / "forumdisplay_contract.html").write_bytes(dz.forumdisplay("2", 3).payload())
    (OUT / "discuz" / "viewthread_contract.html").write_bytes(dz.viewthread(1002, 1).payload())

    tb = TiebaSite()
    pb = tb.pb({"kz": str(tb.threads[1].tid), "pn": "1", "rn": "30"})
    (OUT / "tieba" / "pb_contract.json").write_bytes(pb.payload())
    assert sign_ok  # the replica checks signatures; the fixture is the answer only

    news = NewsSite()
    news.base_url = "https://www.yunling.example.gov.cn"
    (OUT / "news" / "article_contract.html").write_text(
        article_html(news.articles[0], news.base_url), encoding="utf-8"
    )

    gb = GovBoardSite()
    answered = next(m for m in gb.messages if len(m.replies) == 1)
    (OUT / "gov_board" / "detail_contract.json").write_bytes(
        gb.content({"tid": answered.tid}).payload()
    )
    print(
        json.dumps(
            {"gov_board_tid": answered.tid, "tieba_tid": tb.threads[1].tid, "now": data.NOW_ISO}
        )
    )


if __name__ == "__main__":
    main()
