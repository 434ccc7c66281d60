"""FastAPI entrypoints: thin routes over the services; read models in api.queries."""
