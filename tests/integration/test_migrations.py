"""The Alembic migrations build exactly the schema the models describe, on SQLite and
PostgreSQL, and the newest one can be rolled back and applied again."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.engine import alembic_config, make_engine, migrate
from storage.tables import Base


def schema_diff(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)


def test_migrations_match_the_models(db_url):
    engine = make_engine(db_url)
    try:
        migrate(engine)
        assert schema_diff(engine) == []
        cfg = alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "-1")
        assert schema_diff(engine) != []  # the newest revision's columns are gone
        migrate(engine)
        assert schema_diff(engine) == []
    finally:
        engine.dispose()
