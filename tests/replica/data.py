"""Deterministic data behind the replicas: posts about 云岭县 (the reference county),
their true times, and the values the crawler is expected to produce from them.

All relative dates ("5分钟前", "昨天 14:02") are rendered against :data:`NOW`; crawls in
tests run with ``--now`` set to the same instant, so every expected value is exact.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 4, 10, 0, 0, tzinfo=CST)
NOW_ISO = NOW.isoformat()

SENTENCES = [
    "龙泉镇龙泉村已经停水三天了，村里老人只能去井里挑水",
    "东坝工业园区的化工厂晚上偷偷排污，白沙河下游的水都变色了",
    "云岭一中门口的新华路早高峰堵得水泄不通，孩子上学要走半小时",
    "南河水库周边在搞工程，大卡车一天到晚跑，尘土飞扬",
    "县政务服务中心办营业执照半天就拿到了，窗口工作人员态度很好",
    "石门煤矿附近的路面塌了一个大坑，晚上没有警示牌很危险",
    "西山茶场今年春茶收购价比去年低了不少，茶农很发愁",
    "北岭小学的食堂饭菜分量太少，家长们希望学校公开账目",
    "青松花园小区延期交房快一年了，业主们去售楼部讨说法",
    "马鞍山景区国庆期间门票涨价，游客反映停车难、排队久",
    "白沙幼儿园新建的操场塑胶跑道有刺鼻气味，孩子回家喊头疼",
    "县人民医院挂号要排两个小时，希望多开几个窗口",
    "城东农贸市场的猪肉摊缺斤少两，市场监管部门管不管",
    "人民广场晚上广场舞音响太吵，周边居民十一点都睡不着",
    "南河大桥桥面有裂缝，大货车经过时桥身明显晃动",
    "龙泉敬老院的老人反映冬天没有暖气，房间里很冷",
    "温泉度假区的污水直接排进龙泉河，河边全是泡沫",
    "东坝中学有老师在校外办补习班，变相强制学生参加",
    "北岭林场有人私自砍伐树木，拉木头的车半夜进出",
    "石门隧道里的照明灯坏了一半，开车进去什么都看不清",
    "县中医院新开了针灸理疗科，老人们看病方便多了",
    "马鞍山养老院的护工工资拖欠了三个月没发",
    "青松农贸市场门口占道经营，早上电动车根本过不去",
    "西山卫生院只有一个医生值班，半夜看急诊要等很久",
    "南河新区的路灯装好了半年一直没通电",
    "白沙村的土地流转款到现在还没有打到村民账上",
    "城关镇新华路的下水道堵了，一下雨就积水到膝盖",
    "东坝村的村民说征地补偿标准比隔壁镇低一半",
    "云岭县今年的高考成绩喜人，一本上线人数创新高",
    "县里组织的消费券活动很实惠，商场里人气旺了不少",
    "龙泉小学的校车超载，一辆车里挤了三十多个孩子",
    "青松新城的物业费一年涨了两次，业主要求公开收支",
    "马鞍山村修通了水泥路，村民卖核桃再也不用肩挑背扛",
    "石门村的自来水发黄，烧开后壶底一层泥",
    "南河小区的电梯经常困人，物业说没钱维修",
    "西山村的留守老人多，希望多开展上门医疗服务",
    "北岭村的危房改造补贴被村干部截留了一部分",
    "县城的出租车拒载、绕路现象严重，投诉电话打不通",
    "城东有人冒充社保局工作人员打电话索要验证码",
    "白沙河边的堤坝加固工程进度很快，汛期前应该能完工",
]
TAILS = [
    "请有关部门尽快处理！",
    "希望领导重视一下。",
    "大家怎么看？",
    "已经反映过好几次了。",
    "转发扩散，让更多人看到。",
    "为家乡点赞！",
    "求解决！",
    "记录一下。",
]
NAMES = [
    "山城小李",
    "云岭老张",
    "龙泉河畔",
    "东坝打工人",
    "南河边的猫",
    "西山采茶女",
    "青松业主",
    "马鞍山下",
    "白沙村民",
    "石门老矿工",
    "城关居民",
    "北岭护林员",
    "云岭妈妈",
    "县城出租司机",
    "茶马古道",
    "滇中过客",
]
REGIONS = ["云南", "云南", "云南", "四川", "广东", "贵州", "北京"]


def texts(n: int, seed: int) -> list[str]:
    """n distinct texts, each two different sentences plus a tail (no two share both)."""
    rng = random.Random(seed)
    pairs = [(a, b) for a in range(len(SENTENCES)) for b in range(len(SENTENCES)) if a < b]
    rng.shuffle(pairs)
    out = []
    for i in range(n):
        a, b = pairs[i]
        out.append(f"{SENTENCES[a]}。{SENTENCES[b]}。{TAILS[i % len(TAILS)]}")
    return out


# --- Weibo --------------------------------------------------------------------------------

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def weibo_absolute(dt: datetime) -> str:
    return f"{WEEKDAYS[dt.weekday()]} {MONTHS[dt.month - 1]} {dt:%d %H:%M:%S} +0800 {dt.year}"


def weibo_created_at(dt: datetime, absolute: bool) -> tuple[str, datetime]:
    """(created_at as m.weibo.cn shows it, the instant a correct parser must read from it)."""
    if absolute:
        return weibo_absolute(dt), dt
    age = NOW - dt
    if age < timedelta(minutes=1):
        return "刚刚", NOW
    if age < timedelta(hours=1):
        m = int(age.total_seconds() // 60)
        return f"{m}分钟前", NOW - timedelta(minutes=m)
    if age < timedelta(hours=24) and dt.date() == NOW.date():
        h = int(age.total_seconds() // 3600)
        return f"{h}小时前", NOW - timedelta(hours=h)
    if dt.date() == (NOW - timedelta(days=1)).date():
        return f"昨天 {dt:%H:%M}", dt.replace(second=0)
    return f"{dt:%m-%d}", dt.replace(hour=0, minute=0, second=0)


BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def bid_of(mid: int) -> str:
    s = ""
    n = mid
    while n:
        n, r = divmod(n, 62)
        s = BASE62[r] + s
    return s[:9]


@dataclass
class Mblog:
    mid: int
    uid: str
    name: str
    time: datetime
    text: str  # plain text as a reader sees it (full text for long posts)
    absolute: bool = False
    long_text: bool = False
    reposts: int = 0
    comments: int = 0
    likes: int = 0
    region: str | None = "云南"
    pinned: bool = False
    retweet_of: Mblog | None = None
    comment_list: list[dict] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.mid)

    @property
    def created_at(self) -> str:
        return weibo_created_at(self.time, self.absolute)[0]

    @property
    def expected_time(self) -> datetime:
        return weibo_created_at(self.time, self.absolute)[1]

    @property
    def bid(self) -> str:
        return bid_of(self.mid)

    @property
    def url(self) -> str:
        return f"https://weibo.com/{self.uid}/{self.bid}"

    def html(self) -> str:
        """The text as the API's HTML (topic links, emoticons, line breaks); long posts cut."""
        body = self.text
        if self.long_text:
            body = body[:60] + f'...<a href="/status/{self.mid}">全文</a>'
        body = body.replace(
            "#云岭县#",
            '<a href="https://m.weibo.cn/search?containerid=231522type%3D1%26q%3D%23云岭县%23"><span class="surl-text">#云岭县#</span></a>',
        )
        body = body.replace(
            "[怒]",
            '<span class="url-icon"><img alt=[怒] src="//h5.sinaimg.cn/m/emoticon/icon/default/d_nu-48b3.png" style="width:1em; height:1em;" /></span>',
        )
        body = body.replace(
            "[赞]",
            '<span class="url-icon"><img alt=\'[赞]\' src="//h5.sinaimg.cn/m/emoticon/icon/others/h_zan-44ddc70637.png" style="width:1em; height:1em;" /></span>',
        )
        return body.replace("\n", "<br />")

    def expected_text(self) -> str:
        return self.text


def mid_for(dt: datetime, i: int) -> int:
    return 4_900_000_000_000_000 + int(dt.timestamp()) * 10 + i % 10


def weibo_search_posts() -> list[Mblog]:
    """Results of a real-time search for 云岭, newest first: 48 posts 40 minutes apart, plus
    one older than the 30-day horizon."""
    ts = texts(60, seed=7)
    rng = random.Random(11)
    out: list[Mblog] = []
    for i in range(48):
        dt = NOW - timedelta(minutes=40 * i + (7 if i else 0)) + timedelta(seconds=(17 * i) % 60)
        if i == 0:
            dt = NOW - timedelta(seconds=20)
        if i >= 40:  # the tail of the list goes back a few days ("11-01" style dates)
            dt = NOW - timedelta(days=2 + (i - 40), hours=3, minutes=i)
        text = ts[i]
        if i % 6 == 1:
            text = "#云岭县# " + text + "[怒]"
        if i % 9 == 4:
            text = text + "[赞]"
        m = Mblog(
            mid=mid_for(dt, i),
            uid=str(5_600_000_000 + i * 7919 % 99991),
            name=NAMES[i % len(NAMES)],
            time=dt,
            text=text,
            absolute=(i % 5 == 3),
            reposts=rng.randint(0, 80),
            comments=rng.randint(0, 40),
            likes=rng.randint(0, 500),
            region=REGIONS[i % len(REGIONS)],
        )
        if i % 7 == 2:
            m.long_text = True
            m.text = (
                text
                + "\n补充说明："
                + ts[50 + i % 10]
                + "附上现场照片和视频，已经向镇政府和县信访局反映，至今没有答复。"
            )
        if i == 0:
            m.comments = 23
            m.comment_list = weibo_comments(m, 23)
        if i == 12:
            m.region = None  # older clients: no IP location
        out.append(m)
    # copy-paste: post 10 repeats post 9 word for word under another account
    out[10].text = out[9].text
    out[10].long_text = out[9].long_text = False
    # repost: post 5 forwards an original by the county's official account
    orig_time = NOW - timedelta(hours=30)
    out[5].retweet_of = Mblog(
        mid=mid_for(orig_time, 99),
        uid="2803301701",
        name="云岭发布",
        time=orig_time,
        text="【通知】龙泉镇自来水管网改造工程11月2日至5日施工，龙泉村等片区分时段停水，请居民提前储水。",
        absolute=True,
        reposts=56,
        comments=12,
        likes=88,
        region="云南",
    )
    out[5].text = "停水这么多天了谁来管管？//@山城小李:转发微博"
    out[5].long_text = False
    # horizon: 40 days old, must not be collected by a first crawl with since_days=30
    old = NOW - timedelta(days=40)
    out.append(
        Mblog(
            mid=mid_for(old, 1),
            uid="5611111111",
            name="老用户",
            time=old,
            text=ts[59],
            absolute=True,
        )
    )
    return out


def weibo_comments(m: Mblog, n: int) -> list[dict]:
    ts = texts(n, seed=23)
    out = []
    for j in range(n):
        dt = (
            m.time + timedelta(minutes=1 + j)
            if m.time < NOW - timedelta(minutes=30)
            else NOW - timedelta(seconds=10 + j)
        )
        out.append(
            {
                "id": str(m.mid + 1000 + j),
                "text": "回复：" + ts[j][:40],
                "name": NAMES[(j + 3) % len(NAMES)],
                "uid": str(6_000_000_000 + j),
                "time": dt,
                "likes": j % 5,
                "region": REGIONS[j % len(REGIONS)],
            }
        )
    return out


def weibo_timeline_posts() -> list[Mblog]:
    """The county's official account (uid 2803301701): a pinned old post, then 24 posts."""
    ts = texts(30, seed=31)
    out = []
    pinned_time = NOW - timedelta(days=20)
    out.append(
        Mblog(
            mid=mid_for(pinned_time, 5),
            uid="2803301701",
            name="云岭发布",
            time=pinned_time,
            text="【置顶】云岭县12345政务服务便民热线全天候受理群众诉求，欢迎监督。",
            absolute=True,
            pinned=True,
        )
    )
    for i in range(24):
        dt = NOW - timedelta(hours=3 * i + 1, minutes=i)
        out.append(
            Mblog(
                mid=mid_for(dt, i + 3),
                uid="2803301701",
                name="云岭发布",
                time=dt,
                text="【云岭发布】" + ts[i],
                absolute=True,
                reposts=i,
                comments=i % 4,
                likes=10 * i,
            )
        )
    return out


# --- Discuz -------------------------------------------------------------------------------


@dataclass
class ForumPost:
    pid: int
    author: str
    time: datetime
    text: str
    floor: int


@dataclass
class ForumThread:
    tid: int
    subject: str
    author: str
    posts: list[ForumPost]
    views: int
    sticky: bool = False
    missing: bool = False  # listed, but viewthread says it does not exist

    @property
    def replies(self) -> int:
        return len(self.posts) - 1

    @property
    def created(self) -> datetime:
        return self.posts[0].time

    @property
    def last_post(self) -> datetime:
        return self.posts[-1].time


def discuz_threads() -> list[ForumThread]:
    """Board fid=2 (云岭茶馆): 13 threads + 1 sticky, 1-13 posts each; minute precision."""
    ts = texts(120, seed=41)
    titles = [
        "龙泉村停水三天没人管",
        "化工厂半夜排污谁来查",
        "新华路早高峰堵成停车场",
        "南河水库边的工程是干啥的",
        "点赞县政务服务中心",
        "石门煤矿路面塌陷",
        "西山春茶收购价太低",
        "北岭小学食堂饭菜少",
        "青松花园延期交房一年",
        "马鞍山景区门票涨价",
        "白沙幼儿园跑道有异味",
        "县医院挂号排两小时",
        "城东市场缺斤少两",
    ]
    threads = []
    pid = 30001
    k = 0
    for i, title in enumerate(titles):
        n_posts = [1, 3, 13, 6, 2, 11, 4, 1, 7, 5, 2, 9, 3][i]
        last = NOW - timedelta(minutes=35 * i + 5)
        start = last - timedelta(minutes=9 * (n_posts - 1))
        posts = []
        for j in range(n_posts):
            t = (start + timedelta(minutes=9 * j)).replace(second=0, microsecond=0)
            posts.append(
                ForumPost(
                    pid=pid, author=NAMES[(i + j) % len(NAMES)], time=t, text=ts[k], floor=j + 1
                )
            )
            pid += 1
            k += 1
        threads.append(
            ForumThread(
                tid=1001 + i, subject=title, author=posts[0].author, posts=posts, views=100 + 37 * i
            )
        )
    threads[6].missing = True  # tid 1007: deleted after being listed (error page with HTTP 200)
    sticky_time = (NOW - timedelta(days=90)).replace(second=0, microsecond=0)
    threads.append(
        ForumThread(
            tid=900,
            subject="【版规】云岭茶馆发帖须知",
            author="版主",
            posts=[
                ForumPost(
                    pid=29999,
                    author="版主",
                    time=sticky_time,
                    text="文明发帖，理性表达诉求，涉及个人隐私的内容请打码。",
                    floor=1,
                )
            ],
            views=5000,
            sticky=True,
        )
    )
    return threads


# --- Tieba --------------------------------------------------------------------------------


def tieba_threads() -> list[ForumThread]:
    """云岭县吧: 8 threads; thread 8800003 has 42 posts (two pages of 30)."""
    ts = texts(200, seed=53)
    titles = [
        "有没有人知道龙泉镇什么时候来水",
        "县城哪家火锅好吃",
        "东坝化工厂的味道太大了",
        "求助：社保卡丢了怎么补办",
        "马鞍山景区值得去吗",
        "青松花园的业主进群",
        "南河大桥是不是危桥",
        "云岭一中今年高考怎么样",
    ]
    counts = [5, 2, 42, 3, 1, 8, 4, 6]
    threads = []
    pid = 150_000_000_001
    k = 0
    for i, title in enumerate(titles):
        last = NOW - timedelta(minutes=50 * i + 3)
        n = counts[i]
        start = last - timedelta(minutes=4 * (n - 1))
        posts = [
            ForumPost(
                pid=pid + j,
                author=NAMES[(i * 3 + j) % len(NAMES)],
                time=(start + timedelta(minutes=4 * j)).replace(microsecond=0),
                text=ts[(k + j) % 200],
                floor=j + 1,
            )
            for j in range(n)
        ]
        pid += n
        k += n
        threads.append(
            ForumThread(
                tid=8_800_001 + i,
                subject=title,
                author=posts[0].author,
                posts=posts,
                views=300 + 11 * i,
            )
        )
    return threads


# --- Government message board -------------------------------------------------------------


@dataclass
class Message:
    tid: int
    title: str
    text: str
    author: str
    time: datetime
    domain: str
    category: str
    replies: list[dict] = field(default_factory=list)  # {"org", "text", "time"}

    @property
    def state(self) -> str:
        return "已回复" if self.replies else "办理中"


ORGS = [
    "云岭县住房和城乡建设局",
    "云岭县教育体育局",
    "云岭县人民政府办公室",
    "龙泉镇人民政府",
    "滇中州生态环境局云岭分局",
    "云岭县交通运输局",
]


def board_messages() -> list[Message]:
    """Board fid=539 (云岭县委书记): 23 messages, newest first; the 8 newest wait for an answer."""
    ts = texts(60, seed=67)
    out = []
    for i in range(23):
        t = (NOW - timedelta(hours=5 * i + 2)).replace(second=0, microsecond=0)
        m = Message(
            tid=7_100_023 - i,
            title=ts[i].split("。")[0][:24],
            text=ts[i] + "\n恳请领导关注，谢谢！",
            author=f"网友{1000 + i}",
            time=t,
            domain=["城建", "教育", "环保", "交通", "民生"][i % 5],
            category=["投诉", "咨询", "建言", "求助"][i % 4],
        )
        if i >= 8:
            m.replies.append(
                {
                    "org": ORGS[i % len(ORGS)],
                    "text": f"网友您好！您反映的问题已收悉。经核实，{ts[30 + i % 30][:30]}，我单位已安排专人处理，"
                    "将在5个工作日内反馈处理结果。感谢您对我县工作的关心和支持！",
                    "time": t + timedelta(hours=20, minutes=13),
                }
            )
        out.append(m)
    return out


# --- News ---------------------------------------------------------------------------------


@dataclass
class Article:
    slug: str
    title: str
    paragraphs: list[str]
    time: datetime
    meta: str  # which meta tag carries the time
    site: str = "云岭县人民政府网"
    author: str | None = "云岭县融媒体中心"
    private: bool = False  # under /private/ (robots.txt disallows)
    broken: bool = False  # served as an error page with HTTP 200
    gbk_feed: bool = False

    @property
    def path(self) -> str:
        prefix = "/private" if self.private else "/xwzx"
        return f"{prefix}/2026/{self.time:%m%d}/{self.slug}.html"

    @property
    def summary(self) -> str:
        return self.paragraphs[0][:60]


def articles() -> list[Article]:
    t = NOW - timedelta(hours=1)
    return [
        Article(
            "t20261104_1001",
            "云岭县召开龙泉镇供水保障专题会议",
            [
                "11月3日下午，云岭县召开龙泉镇供水保障专题会议，研究解决龙泉村等片区近期停水问题。",
                "会议指出，受自来水管网改造工程影响，龙泉镇部分片区出现停水，给群众生产生活带来不便，"
                "县住房和城乡建设局、龙泉镇人民政府要立即组织送水车辆，确保群众基本生活用水。",
                "会议要求，施工单位要倒排工期，确保11月5日前完成管网连接，恢复正常供水；"
                "对群众反映的问题要及时回应，做到件件有落实、事事有回音。",
                "县水务公司负责人表示，已在龙泉村设置3个临时供水点，每天早晚各送水一次。",
            ],
            t - timedelta(minutes=30),
            meta="article:published_time",
        ),
        Article(
            "t20261104_1002",
            "东坝工业园区开展环境安全隐患大排查",
            [
                "为切实加强东坝工业园区环境安全管理，11月2日起，滇中州生态环境局云岭分局联合东坝镇开展为期一周的环境安全隐患大排查。",
                "排查重点包括企业污染防治设施运行、危险废物贮存和处置、雨污分流等情况。",
                "对群众反映的化工厂夜间排污问题，执法人员已连夜赶赴现场调查取样，检测结果将及时向社会公布。",
                "分局负责人表示，对查实的环境违法行为将依法从严处理，绝不姑息。",
            ],
            t - timedelta(hours=3),
            meta="PubDate",
        ),
        Article(
            "t20261103_0998",
            "云岭县2026年秋季学期义务教育营养餐工作推进会召开",
            [
                "11月2日，云岭县教育体育局召开秋季学期义务教育营养改善计划工作推进会。",
                "会议通报了北岭小学等学校食堂饭菜分量不足的群众反映情况，要求各校严格执行营养餐标准，"
                "每月在校务公开栏公示食堂收支，接受家长监督。",
                "县市场监督管理局将对全县学校食堂开展食品安全专项检查。",
            ],
            t - timedelta(days=1, hours=2),
            meta="firstpublishedtime",
        ),
        Article(
            "t20261103_0997",
            "青松花园项目延期交付问题协调会举行",
            [
                "11月3日，县住房和城乡建设局组织召开青松花园项目延期交付问题协调会，开发商、业主代表、青松镇政府参加。",
                "经协调，开发商承诺于明年3月底前完成交付，并按合同约定向业主支付逾期交房违约金。",
                "县住房和城乡建设局将每半月对项目进度进行一次督查，并向业主通报。",
            ],
            t - timedelta(days=1, hours=5),
            meta="json-ld",
        ),
        Article(
            "t20261102_0990",
            "马鞍山景区调整国庆后门票价格的说明",
            [
                "针对游客反映的马鞍山景区门票价格问题，县发展和改革局作出说明。",
                "景区门票价格自11月1日起恢复为淡季价格，国庆期间的临时价格调整已履行报批程序。",
                "景区将新增停车位300个，并在节假日开通县城至景区的旅游专线。",
            ],
            t - timedelta(days=2),
            meta="time",
            private=True,
        ),
        Article(
            "t20261102_0989",
            "此文已被删除",
            ["该页面已被删除。"],
            t - timedelta(days=2, hours=1),
            meta="PubDate",
            broken=True,
        ),
        Article(
            "t20261101_0980",
            "滇中州通报2026年10月全州环境空气质量",
            [
                "滇中州生态环境局通报，10月全州环境空气质量优良天数比例为99.2%，云岭县排名全州第一。",
                "通报要求各县区继续加强扬尘治理，南河新区等在建工地要严格落实围挡、洒水等抑尘措施。",
            ],
            t - timedelta(days=3),
            meta="publishdate",
            site="滇中新闻网",
            author=None,
            gbk_feed=True,
        ),
    ]
