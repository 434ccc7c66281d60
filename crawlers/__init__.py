"""听风 crawlers: Scrapy spiders for Weibo, Discuz! forums, Baidu Tieba, news feeds and
government message boards, with persisted checkpoints, a per-source circuit breaker and
hand-off to the kernel's ingestion service.

Layout follows Scrapy's: ``items``, ``pipelines``, ``middlewares``, ``settings``, ``spiders/``.
Pure parsing lives in ``parsing/`` (no Scrapy imports) so it can be tested and benchmarked alone.
"""
