"""Replica of a Discuz! X3.4 forum (GBK or UTF-8): forum.php forumdisplay/viewthread pages,
message pages served with HTTP 200, and the mobile API (api/mobile/index.php?version=4)."""

from __future__ import annotations

import html
import json
import math
from datetime import datetime, timedelta

from replica import data
from replica.server import Reply, Req, Site

TPP = 5  # threads per list page (forum setting)
PPP = 5  # posts per thread page (forum setting)


def rel_span(dt: datetime) -> str:
    """How Discuz prints a recent time: the absolute one in title=, a relative one shown."""
    absolute = f"{dt.year}-{dt.month}-{dt.day} {dt:%H:%M}"
    age = data.NOW - dt
    if age < timedelta(hours=1):
        shown = f"{int(age.total_seconds() // 60)}&nbsp;分钟前"
    elif dt.date() == data.NOW.date():
        shown = f"{int(age.total_seconds() // 3600)}&nbsp;小时前"
    elif dt.date() == (data.NOW - timedelta(days=1)).date():
        shown = f"昨天&nbsp;{dt:%H:%M}"
    elif age < timedelta(days=7):
        shown = f"{age.days}&nbsp;天前"
    else:
        return absolute
    return f'<span title="{absolute}">{shown}</span>'


HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<title>{title} -  云岭论坛 -  Powered by Discuz!</title>
<meta name="keywords" content="{title}" />
<meta name="generator" content="Discuz! X3.4" />
<meta name="author" content="Discuz! Team and Comsenz UI Team" />
<meta name="copyright" content="2001-2021 Tencent Cloud." />
<link rel="stylesheet" type="text/css" href="data/cache/style_1_common.css?Q1s" />
<script type="text/javascript">var STYLEID = '1', STATICURL = 'static/', IMGDIR = 'static/image/common', VERHASH = 'Q1s', charset = '{charset}', discuz_uid = '0', cookiepre = 'Yxyz_2132_', cookiedomain = '', cookiepath = '/', showusercard = '1', attackevasive = '0', disallowfloat = 'newthread', creditnotice = '1|威望|,2|金钱|,3|贡献|', defaultstyle = '', REPORTURL = 'aHR0cDovL2Jicy55dW5saW5nLmV4YW1wbGUv', SITEURL = 'http://bbs.yunling.example/', JSPATH = 'data/cache/', CSSPATH = 'data/cache/style_', DYNAMICURL = '';</script>
<script src="data/cache/common.js?Q1s" type="text/javascript"></script>
</head>
<body id="nv_forum" class="pg_{pg}" onkeydown="if(event.keyCode==27) return false;">
<div id="append_parent"></div><div id="ajaxwaitid"></div>
<div id="hd"><div class="wp"><div class="hdc cl"><h2><a href="./" title="云岭论坛"><img src="static/image/common/logo.png" alt="云岭论坛" border="0" /></a></h2></div></div></div>
<div id="wp" class="wp">
<div id="pt" class="bm cl"><div class="z"><a href="./" class="nvhm" title="首页">云岭论坛</a> <em>&raquo;</em><a href="forum.php">论坛</a> <em>&rsaquo;</em> <a href="forum.php?mod=forumdisplay&amp;fid=2">云岭茶馆</a></div></div>
"""
FOOT = """</div>
<div id="ft" class="wp cl"><div id="flk" class="y"><p><a href="archiver/" >Archiver</a><span class="pipe">|</span><strong><a href="http://bbs.yunling.example/" target="_blank">云岭论坛</a></strong></p><p class="xs0">GMT+8, 2026-11-4 10:00<span id="debuginfo">, Processed in 0.041210 second(s), 21 queries.</span></p></div><div id="frt"><p>Powered by <strong><a href="https://www.discuz.net" target="_blank">Discuz!</a></strong> <em>X3.4</em></p></div></div>
</body>
</html>
"""


def pager(base: str, page: int, total: int) -> str:
    if total <= 1:
        return ""
    links = []
    for p in range(1, total + 1):
        links.append(
            f"<strong>{p}</strong>" if p == page else f'<a href="{base}&amp;page={p}">{p}</a>'
        )
    nxt = f'<a href="{base}&amp;page={page + 1}" class="nxt">下一页</a>' if page < total else ""
    return (
        f'<div class="pg">{"".join(links)}<label><input type="text" name="custompage" class="px" size="2" '
        f'title="输入页码，按回车快速跳转" value="{page}" /><span title="共 {total} 页"> / {total} 页</span></label>{nxt}</div>'
    )


class DiscuzSite(Site):
    def __init__(self, charset: str = "gbk", declare: str | None = None) -> None:
        """``charset``: the pages' real encoding; ``declare``: what the Content-Type header
        claims (None = no charset in the header, as many Discuz servers send)."""
        super().__init__()
        self.charset = charset
        self.declare = declare
        self.threads = data.discuz_threads()
        self.require_login = False

    # helpers ----------------------------------------------------------------------------

    def ordered(self) -> list[data.ForumThread]:
        normal = sorted(
            (t for t in self.threads if not t.sticky), key=lambda t: t.last_post, reverse=True
        )
        return normal

    def page_reply(self, body: str) -> Reply:
        ctype = "text/html" + (f"; charset={self.declare}" if self.declare else "")
        return Reply(200, body.encode(self.charset, "xmlcharrefreplace"), content_type=ctype)

    def message(self, text: str) -> Reply:
        body = (
            HEAD.format(charset=self.charset, title="提示信息", pg="viewthread")
            + f"""
<div id="ct" class="wp cl w">
<div class="nfl" id="main_succeed" style="display: none"><div class="f_c altw"><div class="alert_right"><p id="succeedmessage"></p><p id="succeedlocation" class="alert_btnleft"></p></div></div></div>
<div class="nfl" id="main_message"><div class="f_c altw"><div id="messagetext" class="alert_error">
<p>{text}</p>
<script type="text/javascript">if(history.length > (BROWSER.ie ? 0 : 1)) {{document.write('<p class="alert_btnleft"><a href="javascript:history.back()">[ 点击这里返回上一页 ]</a></p>');}}</script>
</div></div></div>
</div>"""
            + FOOT
        )
        return self.page_reply(body)

    def add_reply(self, tid: int, author: str, text: str, when: datetime) -> None:
        with self.lock:
            t = next(t for t in self.threads if t.tid == tid)
            pid = max(p.pid for th in self.threads for p in th.posts) + 1
            t.posts.append(
                data.ForumPost(pid=pid, author=author, time=when, text=text, floor=len(t.posts) + 1)
            )

    # routes -----------------------------------------------------------------------------

    def route(self, req: Req) -> Reply:
        if req.path == "/robots.txt":
            return Reply(
                200,
                "User-agent: *\nDisallow: /api/\nDisallow: /data/\nDisallow: /uc_server/\n",
                content_type="text/plain",
            )
        if self.require_login and req.path.endswith(".php") and "mod=logging" not in req.raw_path:
            return Reply(
                302,
                "",
                headers={"Location": f"{self.base_url}/member.php?mod=logging&action=login"},
                content_type="text/html",
            )
        if req.path == "/member.php":
            return self.message("您需要先登录才能继续本操作")
        if req.path == "/forum.php":
            mod = req.query.get("mod")
            if mod == "forumdisplay":
                return self.forumdisplay(req.query.get("fid", ""), int(req.query.get("page") or 1))
            if mod == "viewthread":
                return self.viewthread(
                    int(req.query.get("tid") or 0), int(req.query.get("page") or 1)
                )
        if req.path == "/api/mobile/index.php":
            return self.api(req)
        return Reply(404, "<h1>404 Not Found</h1>", content_type="text/html")

    def forumdisplay(self, fid: str, page: int) -> Reply:
        if fid != "2":
            return self.message("指定的版块不存在")
        threads = self.ordered()
        total = max(1, math.ceil(len(threads) / TPP))
        chunk = threads[(page - 1) * TPP : page * TPP]
        rows = []
        if page == 1:
            rows += [t for t in self.threads if t.sticky]
        rows += chunk
        bodies = []
        for t in rows:
            kind = "stickthread" if t.sticky else "normalthread"
            last = t.posts[-1]
            first_date = f"{t.created.year}-{t.created.month}-{t.created.day}"
            bodies.append(f"""<tbody id="{kind}_{t.tid}">
<tr>
<td class="icn"><a href="forum.php?mod=viewthread&amp;tid={t.tid}&amp;extra=page%3D{page}" title="有新回复 - 新窗口打开" target="_blank"><img src="static/image/common/folder_new.gif" /></a></td>
<th class="new">
<a href="javascript:;" id="content_{t.tid}" class="showcontent y" title="更多操作" onclick="CONTENT_TID='{t.tid}';CONTENT_ID='{kind}_{t.tid}';showMenu({{'ctrlid':this.id,'menuid':'content_menu'}})"></a>
<a href="forum.php?mod=viewthread&amp;tid={t.tid}&amp;extra=page%3D{page}" onclick="atarget(this)" class="s xst">{html.escape(t.subject)}</a>
</th>
<td class="by">
<cite><a href="home.php?mod=space&amp;uid={1000 + t.tid}" c="1">{html.escape(t.author)}</a></cite>
<em><span class="xi1">{first_date}</span></em>
</td>
<td class="num"><a href="forum.php?mod=viewthread&amp;tid={t.tid}&amp;extra=page%3D{page}" class="xi2">{t.replies}</a><em>{t.views}</em></td>
<td class="by">
<cite><a href="home.php?mod=space&amp;username={html.escape(last.author)}" c="1">{html.escape(last.author)}</a></cite>
<em><a href="forum.php?mod=redirect&amp;tid={t.tid}&amp;goto=lastpost#lastpost">{rel_span(last.time)}</a></em>
</td>
</tr>
</tbody>""")
        base = "forum.php?mod=forumdisplay&amp;fid=2&amp;orderby=lastpost"
        body = (
            HEAD.format(charset=self.charset, title="云岭茶馆", pg="forumdisplay")
            + f"""
<div class="boardnav"><div id="ct" class="wp cl">
<div class="mn">
<div class="bm bml pbn"><div class="bm_h cl"><h1 class="xs2"><a href="forum.php?mod=forumdisplay&amp;fid=2">云岭茶馆</a> <span class="xs1 xw0 i">今日: <strong class="xi1">{len(threads)}</strong><span class="pipe">|</span>主题: <strong class="xi1">{len(threads)}</strong></span></h1></div></div>
<div id="pgt" class="bm bw0 pgs cl"><span id="fd_page_top">{pager(base, page, total)}</span></div>
<div id="threadlist" class="tl bm bmw">
<div class="th"><table cellspacing="0" cellpadding="0"><tr><th colspan="2">主题</th><td class="by">作者</td><td class="num">回复/查看</td><td class="by">最后发表</td></tr></table></div>
<div class="bm_c">
<form method="post" autocomplete="off" name="moderate" id="moderate" action="forum.php?mod=topicadmin&amp;action=moderate&amp;fid=2&amp;infloat=yes&amp;nopost=yes">
<table summary="forum_2" cellspacing="0" cellpadding="0" id="threadlisttableid">
<tbody><tr><th colspan="2" class="xs1"></th></tr></tbody>
<tbody id="separatorline" class="emptb"><tr class="ts"><td>&nbsp;</td><th>&nbsp;</th><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td></tr></tbody>
{"".join(bodies)}
</table>
</form>
</div></div>
<div class="bm bw0 pgs cl"><span id="fd_page_bottom">{pager(base, page, total)}</span></div>
</div></div></div>"""
            + FOOT
        )
        return self.page_reply(body)

    def post_html(self, t: data.ForumThread, p: data.ForumPost) -> str:
        message = html.escape(p.text).replace("\n", "<br />\r\n")
        if p.floor == 3:  # a reply quoting the opening post, edited later
            q = t.posts[0]
            message = (
                f'<i class="pstatus"> 本帖最后由 {html.escape(p.author)} 于 {p.time.year}-{p.time.month}-{p.time.day} '
                f'{p.time:%H:%M} 编辑 </i><br />\r\n<div class="quote"><blockquote><font size="2"><a href="forum.php?mod=redirect&amp;goto=findpost&amp;pid={q.pid}&amp;ptid={t.tid}" target="_blank"><font color="#999999">{html.escape(q.author)} 发表于 {q.time.year}-{q.time.month}-{q.time.day} {q.time:%H:%M}</font></a></font><br />\r\n{html.escape(q.text[:30])}</blockquote></div><br />\r\n'
                + message
            )
        return f"""<div id="post_{p.pid}" >
<table id="pid{p.pid}" class="plhin" summary="pid{p.pid}" cellspacing="0" cellpadding="0">
<tr>
<td class="pls" rowspan="2">
<div id="favatar{p.pid}" class="pls favatar">
<div class="pi">
<div class="authi"><a href="home.php?mod=space&amp;uid={2000 + p.pid % 97}" target="_blank" class="xw1">{html.escape(p.author)}</a>
</div>
</div>
<div class="avatar"><a href="home.php?mod=space&amp;uid={2000 + p.pid % 97}" class="avtm" target="_blank"><img src="uc_server/avatar.php?uid={2000 + p.pid % 97}&amp;size=middle" /></a></div>
</div>
</td>
<td class="plc">
<div class="pi">
<strong>
<a href="forum.php?mod=redirect&amp;goto=findpost&amp;ptid={t.tid}&amp;pid={p.pid}" id="postnum{p.pid}" onclick="setCopy(this.href, '帖子地址复制成功');return false;">
<em>{p.floor}</em><sup>#</sup></a>
</strong>
<div class="pti">
<div class="pdbt">
</div>
<div class="authi">
<img class="authicn vm" id="authicon{p.pid}" src="static/image/common/online_member.gif" />
<em id="authorposton{p.pid}">发表于 {rel_span(p.time)}</em>
<span class="pipe">|</span><a href="forum.php?mod=viewthread&amp;tid={t.tid}&amp;page=1&amp;authorid={2000 + p.pid % 97}" rel="nofollow">只看该作者</a>
</div>
</div>
</div><div class="pct"><div class="pcb">
<div class="t_fsz">
<table cellspacing="0" cellpadding="0"><tr><td class="t_f" id="postmessage_{p.pid}">
{message}</td></tr></table>
</div>
<div id="comment_{p.pid}" class="cm">
</div>
</div>
</div>
</td></tr>
<tr><td class="plc plm"></td></tr>
</table>
</div>"""

    def viewthread(self, tid: int, page: int) -> Reply:
        t = next((t for t in self.threads if t.tid == tid), None)
        if t is None or t.missing:
            return self.message("抱歉，指定的主题不存在或已被删除或正在被审核")
        total = max(1, math.ceil(len(t.posts) / PPP))
        chunk = t.posts[(page - 1) * PPP : page * PPP]
        base = f"forum.php?mod=viewthread&amp;tid={t.tid}&amp;extra=page%3D1"
        body = (
            HEAD.format(charset=self.charset, title=html.escape(t.subject), pg="viewthread")
            + f"""
<div id="ct" class="wp cl">
<div id="pgt" class="pgs mbm cl ">{pager(base, page, total)}</div>
<div id="postlist" class="pl bm">
<table cellspacing="0" cellpadding="0">
<tr>
<td class="pls ptn pbn"><div class="hm ptn"><span class="xg1">查看:</span> <span class="xi1">{t.views}</span><span class="pipe">|</span><span class="xg1">回复:</span> <span class="xi1">{t.replies}</span></div></td>
<td class="plc ptm pbn vwthd"><h1 class="ts"><span id="thread_subject">{html.escape(t.subject)}</span></h1></td>
</tr>
</table>
{"".join(self.post_html(t, p) for p in chunk)}
</div>
<div class="pgs mtm mbm cl">{pager(base, page, total)}</div>
</div>"""
            + FOOT
        )
        return self.page_reply(body)

    # mobile API -------------------------------------------------------------------------

    def api(self, req: Req) -> Reply:
        module = req.query.get("module")
        v = {
            "cookiepre": "Yxyz_2132_",
            "auth": None,
            "saltkey": "abc123",
            "member_uid": "0",
            "member_username": "",
            "groupid": "7",
            "formhash": "8c1d3a2b",
            "ismoderator": None,
            "readaccess": "1",
            "notice": {},
        }
        if module == "forumdisplay":
            page = int(req.query.get("page") or 1)
            tpp = int(req.query.get("tpp") or 20)
            threads = self.ordered()
            chunk = threads[(page - 1) * tpp : page * tpp]
            tl = []
            if page == 1:
                for t in self.threads:
                    if t.sticky:
                        tl.append(self._api_thread(t, displayorder="1"))
            tl += [self._api_thread(t) for t in chunk]
            v.update(
                {
                    "forum": {
                        "fid": "2",
                        "name": "云岭茶馆",
                        "threads": str(len(threads)),
                        "posts": "0",
                    },
                    "forum_threadlist": tl,
                    "tpp": str(tpp),
                    "page": page,
                }
            )
        elif module == "viewthread":
            tid = int(req.query.get("tid") or 0)
            t = next((t for t in self.threads if t.tid == tid), None)
            if t is None or t.missing:
                return Reply(
                    200,
                    json.dumps(
                        {
                            "Version": "4",
                            "Charset": self.charset.upper(),
                            "Variables": v,
                            "Message": {
                                "messageval": "thread_nonexistence",
                                "messagestr": "抱歉，指定的主题不存在或已被删除或正在被审核",
                            },
                        },
                        ensure_ascii=False,
                    ),
                )
            ppp = int(req.query.get("ppp") or 10)
            page = int(req.query.get("page") or 1)
            chunk = t.posts[(page - 1) * ppp : page * ppp]
            v.update(
                {
                    "thread": {
                        "tid": str(t.tid),
                        "fid": "2",
                        "subject": t.subject,
                        "author": t.author,
                        "replies": str(t.replies),
                        "views": str(t.views),
                        "dateline": str(int(t.created.timestamp())),
                    },
                    "postlist": [
                        {
                            "pid": str(p.pid),
                            "tid": str(t.tid),
                            "first": "1" if p.floor == 1 else "0",
                            "author": p.author,
                            "authorid": str(2000 + p.pid % 97),
                            "dateline": rel_span(p.time),
                            "dbdateline": str(int(p.time.timestamp())),
                            "message": html.escape(p.text).replace("\n", "<br />"),
                            "anonymous": "0",
                            "attachment": "0",
                            "status": "0",
                            "number": str(p.floor),
                            "position": str(p.floor),
                        }
                        for p in chunk
                    ],
                    "ppp": str(ppp),
                }
            )
        else:
            return Reply(
                200,
                json.dumps(
                    {
                        "Version": "4",
                        "Message": {"messageval": "undefined_action", "messagestr": "未定义操作"},
                    },
                    ensure_ascii=False,
                ),
            )
        return Reply(
            200,
            json.dumps(
                {"Version": "4", "Charset": self.charset.upper(), "Variables": v},
                ensure_ascii=False,
            ),
        )

    @staticmethod
    def _api_thread(t: data.ForumThread, displayorder: str = "0") -> dict:
        return {
            "tid": str(t.tid),
            "typeid": "0",
            "readperm": "0",
            "author": t.author,
            "authorid": str(1000 + t.tid),
            "subject": t.subject,
            "dateline": f"{t.created.year}-{t.created.month}-{t.created.day}",
            "lastpost": rel_span(t.last_post),
            "lastposter": t.posts[-1].author,
            "views": str(t.views),
            "replies": str(t.replies),
            "displayorder": displayorder,
            "digest": "0",
            "special": "0",
            "attachment": "0",
            "dbdateline": str(int(t.created.timestamp())),
            "dblastpost": str(int(t.last_post.timestamp())),
        }
