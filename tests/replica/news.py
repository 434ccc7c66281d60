"""Replica of a county government news site: RSS 2.0, Atom and a GB2312 RSS feed, article
pages whose publication time sits in different meta tags, robots.txt, an error page served
with HTTP 200, and conditional GET (ETag / Last-Modified → 304)."""

from __future__ import annotations

import hashlib
import html
from email.utils import format_datetime

from replica import data
from replica.server import Reply, Req, Site


def time_meta(a: data.Article) -> str:
    t = a.time
    if a.meta == "article:published_time":
        return f'<meta property="article:published_time" content="{t.isoformat()}" />'
    if a.meta == "PubDate":
        return f'<meta name="PubDate" content="{t:%Y-%m-%d %H:%M}" />'
    if a.meta == "firstpublishedtime":
        return f'<meta name="firstpublishedtime" content="{t:%Y-%m-%d-%H:%M:%S}" />'
    if a.meta == "publishdate":
        return f'<meta name="publishdate" content="{t:%Y-%m-%d %H:%M:%S}" />'
    if a.meta == "json-ld":
        return (
            '<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
            f'"headline":"{a.title}","datePublished":"{t.isoformat()}"}}</script>'
        )
    return ""


def article_html(a: data.Article, base: str) -> str:
    paras = "\n".join(f'<p style="text-indent:2em;">{html.escape(p)}</p>' for p in a.paragraphs)
    body_time = (
        f'<time datetime="{a.time.isoformat()}">{a.time:%Y-%m-%d %H:%M}</time>'
        if a.meta == "time"
        else f"{a.time:%Y-%m-%d %H:%M}"
    )
    author = f'<meta name="author" content="{a.author}" />' if a.author else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8" />
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<title>{html.escape(a.title)}_{a.site}</title>
<meta name="keywords" content="云岭县,{html.escape(a.title)}" />
<meta name="description" content="{html.escape(a.summary)}" />
<meta name="SiteName" content="{a.site}" />
<meta name="ColumnName" content="本地要闻" />
{author}
{time_meta(a)}
<meta property="og:title" content="{html.escape(a.title)}" />
<meta property="og:site_name" content="{a.site}" />
<link rel="canonical" href="{base}{a.path}" />
<link rel="stylesheet" href="/css/main.css" />
</head>
<body>
<div class="top"><div class="w1200"><a href="/">云岭县人民政府网</a> | <a href="/zwgk/">政务公开</a> | <a href="/zmhd/">政民互动</a> | <a href="/bsfw/">办事服务</a> | 无障碍浏览 | 长者模式</div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/xwzx/">新闻中心</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zmhd/">政民互动</a></li><li><a href="/zjyl/">走进云岭</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xwzx/">新闻中心</a> &gt; 本地要闻</div>
<div class="main w1200">
<div class="article">
<h1 class="title">{html.escape(a.title)}</h1>
<div class="info">来源：{a.author or a.site}　发布时间：{body_time}　浏览次数：<span id="views">1268</span>　字号：[大 中 小]</div>
<div class="TRS_Editor" id="zoom">
{paras}
</div>
<div class="editor">责任编辑：李文</div>
<div class="share">分享到：微信 微博 QQ空间</div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="related"><h3>相关阅读</h3><ul>
<li><a href="/xwzx/2026/1030/t20261030_0970.html">云岭县召开2026年第四季度安全生产工作会议</a></li>
<li><a href="/xwzx/2026/1029/t20261029_0966.html">县委理论学习中心组举行专题学习会</a></li>
</ul></div>
</div>
<div class="footer"><p>主办：云岭县人民政府办公室　承办：云岭县融媒体中心</p><p>地址：云岭县城关镇人民路1号　邮编：675000　电话：0878-1234567</p><p>滇ICP备12345678号-1　滇公网安备53232302000001号　网站标识码：5323230001</p></div>
</body>
</html>"""


ERROR_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head>
<body><div class="err"><img src="/images/404.png" alt="404"><p>抱歉，您访问的页面不存在或已被删除！</p>
<p><a href="/">返回首页</a></p></div></body></html>"""


class NewsSite(Site):
    def __init__(self) -> None:
        super().__init__()
        self.articles = data.articles()

    def by_path(self, path: str) -> data.Article | None:
        return next((a for a in self.articles if a.path == path), None)

    def conditional(self, req: Req, body: bytes, ctype: str) -> Reply:
        etag = '"' + hashlib.md5(body).hexdigest()[:16] + '"'
        modified = "Wed, 04 Nov 2026 01:00:00 GMT"
        headers = {"ETag": etag, "Last-Modified": modified}
        if req.headers.get("if-none-match") == etag:
            return Reply(304, b"", headers=headers, content_type="")
        return Reply(200, body, headers=headers, content_type=ctype)

    def route(self, req: Req) -> Reply:
        if req.path == "/robots.txt":
            return Reply(
                200,
                "User-agent: *\nDisallow: /private/\nDisallow: /search/\n",
                content_type="text/plain",
            )
        if req.path == "/rss.xml":
            return self.conditional(
                req,
                self.rss([a for a in self.articles if not a.gbk_feed], "utf-8"),
                "application/rss+xml; charset=utf-8",
            )
        if req.path == "/gbk.xml":
            return self.conditional(
                req, self.rss([a for a in self.articles if a.gbk_feed], "gb2312"), "application/xml"
            )
        if req.path == "/atom.xml":
            return self.conditional(req, self.atom(), "application/atom+xml; charset=utf-8")
        a = self.by_path(req.path)
        if a is None:
            return Reply(404, ERROR_PAGE, content_type="text/html; charset=utf-8")
        if a.broken:
            return Reply(200, ERROR_PAGE, content_type="text/html; charset=utf-8")
        return Reply(200, article_html(a, self.base_url), content_type="text/html; charset=utf-8")

    def rss(self, items: list[data.Article], encoding: str) -> bytes:
        entries = "\n".join(
            f"""<item>
<title>{html.escape(a.title)}</title>
<link>{self.base_url}{a.path}</link>
<description><![CDATA[<p>{a.summary}</p>]]></description>
<pubDate>{format_datetime(a.time)}</pubDate>
<guid isPermaLink="true">{self.base_url}{a.path}</guid>
</item>"""
            for a in items
        )
        xml = f"""<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0">
<channel>
<title>{"滇中新闻网" if encoding != "utf-8" else "云岭县人民政府网 - 本地要闻"}</title>
<link>{self.base_url}/</link>
<description>云岭县人民政府门户网站新闻中心</description>
<language>zh-cn</language>
<lastBuildDate>Wed, 04 Nov 2026 09:30:00 +0800</lastBuildDate>
{entries}
</channel>
</rss>"""
        return xml.encode(encoding)

    def atom(self) -> bytes:
        picks = [self.articles[0], self.articles[3]]
        entries = "\n".join(
            f"""<entry>
<title>{html.escape(a.title)}</title>
<link rel="alternate" type="text/html" href="{self.base_url}{a.path}?utm_source=atom&amp;utm_medium=feed"/>
<id>tag:yunling.example,2026:{a.slug}</id>
<updated>{a.time.isoformat()}</updated>
<published>{a.time.isoformat()}</published>
<summary type="html">{html.escape(a.summary)}</summary>
</entry>"""
            for a in picks
        )
        return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>云岭融媒</title>
<id>tag:yunling.example,2026:feed</id>
<updated>{data.NOW.isoformat()}</updated>
<link rel="self" href="{self.base_url}/atom.xml"/>
{entries}
</feed>""".encode()
