"""Crawler throughput on the local replicas (tests/replica), on this machine.

Two measures per source:

* parse  — the parsers alone (decode + parse + build posts) over the replica's pages, held in
  memory: pages/s and items/s of pure parsing work;
* crawl  — a real crawl process (``python -m crawlers.run``) against the replica served on
  127.0.0.1, politeness delays off, ingestion into a temporary SQLite database: pages/s and
  items/s over the spider's run time (process start-up excluded, shown separately).

Usage::

    .venv/bin/python bench/bench_crawl.py            # both
    .venv/bin/python bench/bench_crawl.py --parse    # parsers only (a few seconds)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("TINGFENG_SPEC_DIR", str(REPO.parent / "shared" / "spec"))

from replica import data  # noqa: E402
from replica.discuz import DiscuzSite  # noqa: E402
from replica.gov_board import APP_CODE, GovBoardSite  # noqa: E402
from replica.news import NewsSite, article_html  # noqa: E402
from replica.tieba import TiebaSite  # noqa: E402
from replica.weibo import WeiboSite  # noqa: E402

from crawlers.parsing import discuz, gov_board, news, tieba  # noqa: E402
from crawlers.parsing import weibo as wb  # noqa: E402
from crawlers.parsing.common import decode_body, loads_json  # noqa: E402
from crawlers.parsing.threads import thread_posts  # noqa: E402

NOW = data.NOW
Job = tuple[bytes, Callable[[bytes], int]]  # a page and the function that parses it → items


def weibo_jobs() -> list[Job]:
    site = WeiboSite()
    pages = [
        site.search_page(site.search_posts, p, "61", "100103type=61&q=云岭").payload()
        for p in range(1, 6)
    ]
    pages += [
        json.dumps({"ok": 1, "data": {"longTextContent": m.text}}).encode()
        for m in site.search_posts
        if m.long_text
    ]

    def cards(b: bytes) -> int:
        page = wb.parse_cards(loads_json(b))
        return len([wb.mblog_post(m, NOW) for m in page.mblogs])

    def long_text(b: bytes) -> int:
        wb.parse_long_text(loads_json(b))
        return 1

    return [(p, cards if b'"cards"' in p else long_text) for p in pages]


def discuz_jobs(api: bool) -> list[Job]:
    site = DiscuzSite(charset="utf-8" if api else "gbk")
    site.base_url = "http://bbs"
    jobs: list[Job] = []
    if api:
        from replica.server import Req

        def req(q: dict) -> bytes:
            return site.api(
                Req("GET", "/api/mobile/index.php", {k: str(v) for k, v in q.items()}, {}, b"", "")
            ).payload()

        for p in (1, 2, 3):
            jobs.append(
                (
                    req({"module": "forumdisplay", "fid": 2, "page": p, "tpp": 5}),
                    lambda b, p=p: len(
                        discuz.parse_api_forumdisplay(loads_json(b), "http://bbs", NOW, p).threads
                    ),
                )
            )
        for t in site.threads:
            if t.missing:
                continue
            for p in range(1, (len(t.posts) - 1) // 5 + 2):
                jobs.append(
                    (
                        req({"module": "viewthread", "tid": t.tid, "page": p, "ppp": 5}),
                        lambda b, tid=str(t.tid), p=p: len(
                            thread_posts(
                                "forum",
                                "bbs",
                                discuz.parse_api_viewthread(loads_json(b), tid, NOW, p),
                                thread_url="u",
                                post_url=str,
                            )
                        ),
                    )
                )
        return jobs
    for p in (1, 2, 3):
        jobs.append(
            (
                site.forumdisplay("2", p).payload(),
                lambda b, p=p: len(
                    discuz.parse_forumdisplay(decode_body(b)[0], "http://bbs", NOW, p).threads
                ),
            )
        )
    for t in site.threads:
        if t.missing:
            continue
        for p in range(1, (len(t.posts) - 1) // 5 + 2):
            jobs.append(
                (
                    site.viewthread(t.tid, p).payload(),
                    lambda b, tid=str(t.tid), p=p: len(
                        thread_posts(
                            "forum",
                            "bbs",
                            discuz.parse_viewthread(decode_body(b)[0], tid, NOW, p),
                            thread_url="u",
                            post_url=str,
                        )
                    ),
                )
            )
    return jobs


def tieba_jobs() -> list[Job]:
    site = TiebaSite()
    jobs: list[Job] = [
        (
            site.frs({"kw": "云岭县", "pn": "1", "rn": "30"}).payload(),
            lambda b: len(tieba.parse_frs(loads_json(b), "w", NOW).threads),
        )
    ]
    for t in site.threads:
        for p in range(1, (len(t.posts) - 1) // 30 + 2):
            jobs.append(
                (
                    site.pb({"kz": str(t.tid), "pn": str(p), "rn": "30"}).payload(),
                    lambda b, tid=str(t.tid), p=p: len(
                        tieba.parse_pb(loads_json(b), tid, NOW, p).posts
                    ),
                )
            )
    return jobs


def news_jobs() -> list[Job]:
    site = NewsSite()
    site.base_url = "https://gov"
    jobs: list[Job] = [
        (
            site.rss([a for a in site.articles if not a.gbk_feed], "utf-8"),
            lambda b: len(news.parse_feed(b, "https://gov/rss.xml")[1]),
        )
    ]
    for a in site.articles:
        if a.broken:
            continue
        jobs.append(
            (
                article_html(a, "https://gov").encode(),
                lambda b, a=a: bool(
                    news.parse_article(b.decode(), f"https://gov{a.path}", NOW).text
                ),
            )
        )
    return jobs


def board_jobs() -> list[Job]:
    site = GovBoardSite()
    jobs: list[Job] = []
    for last in ("", str(site.messages[9].tid), str(site.messages[19].tid)):
        jobs.append(
            (
                site.list({"fid": "539", "rows": 10, "lastItem": last}).payload(),
                lambda b: len(gov_board.parse_list(loads_json(b), NOW).messages),
            )
        )
    for m in site.messages:
        jobs.append(
            (
                site.content({"tid": m.tid}).payload(),
                lambda b, tid=str(m.tid): (
                    len(gov_board.parse_detail(loads_json(b), tid, "w", NOW).replies) + 1
                ),
            )
        )
    return jobs


def bench_parse(name: str, jobs: list[Job], min_seconds: float = 1.0) -> dict:
    pages = items = 0
    t0 = time.perf_counter()
    while True:
        for body, fn in jobs:
            items += fn(body)
            pages += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds:
            break
    return {
        "source": name,
        "pages": pages,
        "items": items,
        "seconds": elapsed,
        "pages_s": pages / elapsed,
        "items_s": items / elapsed,
        "kb_page": sum(len(b) for b, _ in jobs) / len(jobs) / 1024,
    }


def bench_crawls() -> list[dict]:
    from replica.harness import Harness
    from replica.server import Replica

    tmp = Path(tempfile.mkdtemp(prefix="tf-bench-crawl-"))
    h = Harness(tmp)
    cases = []
    for name, site, kind, params in (
        (
            "weibo",
            WeiboSite(),
            "weibo",
            lambda base: {
                "base_url": base,
                "keywords": ["云岭"],
                "since_days": 30,
                "uids": ["2803301701"],
                "comments": True,
            },
        ),
        (
            "discuz (GBK HTML)",
            DiscuzSite(charset="gbk"),
            "discuz",
            lambda base: {
                "base_url": base,
                "fids": ["2"],
                "ppp": 5,
                "since_days": 30,
                "site": "b1",
            },
        ),
        (
            "discuz (mobile API)",
            DiscuzSite(charset="utf-8"),
            "discuz",
            lambda base: {
                "base_url": base,
                "fids": ["2"],
                "ppp": 5,
                "since_days": 30,
                "api": True,
                "site": "b2",
            },
        ),
        (
            "tieba",
            TiebaSite(),
            "tieba",
            lambda base: {"api_base": base, "bars": ["云岭县"], "since_days": 30},
        ),
        (
            "news (RSS + articles)",
            NewsSite(),
            "news",
            lambda base: {
                "feeds": [f"{base}/rss.xml", f"{base}/atom.xml", f"{base}/gbk.xml"],
                "since_days": 30,
            },
        ),
        (
            "gov_board",
            GovBoardSite(),
            "gov_board",
            lambda base: {"api_base": base, "fid": "539", "app_code": APP_CODE, "since_days": 30},
        ),
    ):
        with Replica(site) as r:
            src = name.split(" ")[0] + str(len(cases))
            h.add_source(
                src,
                kind,
                params(r.base_url),
                settings={"CONCURRENT_REQUESTS_PER_DOMAIN": 8, "LOG_LEVEL": "WARNING"},
            )
            t0 = time.perf_counter()
            res = h.crawl(src)
            wall = time.perf_counter() - t0
        s = res.summary
        dur = s.get("duration_s") or wall
        cases.append(
            {
                "source": name,
                "outcome": res.outcome,
                "pages": s.get("pages", 0),
                "items": s.get("items", 0),
                "new": s.get("new", 0),
                "seconds": dur,
                "wall": wall,
                "pages_s": s.get("pages", 0) / dur,
                "items_s": s.get("items", 0) / dur,
            }
        )
    h.close()
    return cases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parse", action="store_true", help="只测解析")
    ap.add_argument("--crawl", action="store_true", help="只测完整采集")
    ap.add_argument("--seconds", type=float, default=1.0, help="每个来源解析计时的最短秒数")
    args = ap.parse_args()
    both = not args.parse and not args.crawl
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )
    if args.parse or both:
        news.parse_article(
            article_html(data.articles()[0], "https://gov"), "https://gov/x", NOW
        )  # warm imports
        rows = [
            bench_parse(n, j, args.seconds)
            for n, j in (
                ("weibo (cards + long text)", weibo_jobs()),
                ("discuz (GBK HTML)", discuz_jobs(api=False)),
                ("discuz (mobile API)", discuz_jobs(api=True)),
                ("tieba (client API)", tieba_jobs()),
                ("news (feed + trafilatura)", news_jobs()),
                ("gov_board (list + detail)", board_jobs()),
            )
        ]
        print("\nparse throughput (parsers only, pages held in memory)")
        print(f"{'source':<28}{'KB/page':>9}{'pages/s':>10}{'items/s':>10}")
        for r in rows:
            print(
                f"{r['source']:<28}{r['kb_page']:>9.1f}{r['pages_s']:>10.0f}{r['items_s']:>10.0f}"
            )
    if args.crawl or both:
        rows = bench_crawls()
        print(
            "\ncrawl throughput (crawl process against the replica on 127.0.0.1, SQLite ingestion, no delays)"
        )
        print(
            f"{'source':<24}{'result':>8}{'pages':>7}{'items':>7}{'run s':>8}{'pages/s':>9}{'items/s':>9}"
            f"{'process s':>11}"
        )
        for r in rows:
            print(
                f"{r['source']:<24}{r['outcome']:>8}{r['pages']:>7}{r['items']:>7}{r['seconds']:>8.2f}"
                f"{r['pages_s']:>9.1f}{r['items_s']:>9.1f}{r['wall']:>11.2f}"
            )
        print("(run s: the spider's run; process s: including the crawl process's start-up)")


if __name__ == "__main__":
    main()
