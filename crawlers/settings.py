"""Scrapy settings for tingfeng's crawlers (``SCRAPY_SETTINGS_MODULE=crawlers.settings``).

Polite by default: AutoThrottle, two concurrent requests per domain, a delay between
requests, retries with exponential backoff, robots.txt obeyed where it applies (pages;
spiders of JSON APIs switch it per source). Per-source overrides come from the source's
``params.settings`` (e.g. ``{DOWNLOAD_DELAY: 3}``); ``python -m crawlers.run -s KEY=VALUE``
overrides for one run.

tingfeng's own settings are prefixed ``TINGFENG_``.
"""

BOT_NAME = "tingfeng"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36 tingfeng/0.1"
)
ROBOTSTXT_OBEY = True

# politeness
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 %
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024

# retries (with exponential backoff, see BackoffRetryMiddleware)
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
TINGFENG_RETRY_BACKOFF_BASE = 2.0  # seconds; doubles with each retry
TINGFENG_RETRY_BACKOFF_MAX = 60.0

# blocks: these statuses, login/captcha pages → back off (per domain), rotate cookie/proxy
TINGFENG_BLOCK_HTTP_CODES = [403, 418, 429, 432]
TINGFENG_BLOCK_URL_PATTERNS = [
    "passport.weibo",
    "/signin/login",
    "/visitor/visitor",
    "login.php",
    "mod=logging",
    "wappass.baidu.com",
    "/captcha",
    "/verify",
    "/login?",
]
TINGFENG_BLOCK_RETRIES = 3
TINGFENG_BLOCK_BACKOFF_BASE = 30.0  # seconds; doubles with each block of the same request
TINGFENG_BLOCK_BACKOFF_MAX = 600.0
TINGFENG_BLOCK_STOP_AFTER = 2  # requests given up as blocked before the run stops

# circuit breaker (persisted in the sources table)
TINGFENG_BREAKER_THRESHOLD = 3
TINGFENG_BREAKER_PAUSE_SECONDS = 1800
TINGFENG_BREAKER_MAX_PAUSE_SECONDS = 86400

# proxy and cookie pools: a list in settings, per-source params (`proxies`, `cookies`,
# `${ENV}` references expanded), or a provider "module:function" called with the settings
TINGFENG_PROXY_POOL: list[str] = []
TINGFENG_PROXY_POOL_PROVIDER = ""
TINGFENG_COOKIE_POOL_PROVIDER = ""
TINGFENG_POOL_PENALTY_SECONDS = 600

# ingestion hand-off
TINGFENG_INGEST_BATCH = 50
TINGFENG_INGEST_FLUSH_SECONDS = 2.0
TINGFENG_SEARCH_INDEX = True  # index new posts for full-text search in the crawl process

# run limits
CLOSESPIDER_TIMEOUT = 1800
TINGFENG_LEASE_SECONDS = 2400
TINGFENG_EVENTS = False  # JSON progress lines on stdout (used by `tingfeng crawl`)
TINGFENG_NOW = ""  # ISO time to use as "now" for relative dates (tests)

DOWNLOADER_MIDDLEWARES = {
    "crawlers.middlewares.BackoffGateMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.BackoffRetryMiddleware": 550,
    "crawlers.middlewares.BlockDetectionMiddleware": 560,
    "crawlers.middlewares.CookiePoolMiddleware": 690,
    "crawlers.middlewares.ProxyPoolMiddleware": 740,
}
SPIDER_CONTRACTS = {
    "crawlers.contracts.FixtureContract": 5,
}
ITEM_PIPELINES = {
    "crawlers.pipelines.IngestPipeline": 500,
}
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
    "crawlers.extensions.ProgressEvents": 500,
}

TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening ports in crawl processes
LOG_LEVEL = "INFO"
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
