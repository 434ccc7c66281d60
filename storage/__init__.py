"""SQLAlchemy adapters: tables, the Store implementation, migrations and the FTS5 index."""
