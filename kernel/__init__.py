"""The shared kernel of tingfeng: domain types, rules, settings and ports.

Nothing in this package imports a framework (FastAPI, SQLAlchemy, Celery,
Scrapy, transformers). Adapters live in the other top-level packages and are
wired together by :func:`tingfeng.bootstrap.bootstrap`.
"""
