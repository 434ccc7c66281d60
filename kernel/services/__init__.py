"""Use cases: ingest, analyze, cluster, alert. Plain Python over the kernel's ports."""
