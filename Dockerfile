# 听风 tingfeng — one image for the API, the Celery worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq5 \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY kernel kernel
COPY storage storage
COPY analysis analysis
COPY alerts alerts
COPY api api
COPY console console
COPY crawlers crawlers
COPY tingfeng tingfeng
COPY demo demo
RUN pip install torch==2.13.0 \
    && pip install '.[ml,crawl]' \
    && python -m analysis.model.convert
# The reference configuration (taxonomy, county) is mounted at /spec.
ENV TINGFENG_SPEC_DIR=/spec
RUN useradd --create-home tingfeng
USER tingfeng
EXPOSE 8000
CMD ["tingfeng", "run", "--no-demo", "--host", "0.0.0.0"]
