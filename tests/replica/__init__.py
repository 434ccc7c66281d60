"""Local replicas of the crawled sources, for offline tests and benchmarks.

Each replica serves realistic pages and JSON in the real source's format from
``127.0.0.1`` on a random port (plain ``http.server``), with pagination, relative dates,
long texts, nested cards, GBK pages and injectable faults (HTTP 432/418, captcha pages,
timeouts, malformed JSON, truncated HTML, error pages served with HTTP 200)."""
