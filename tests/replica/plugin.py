"""pytest fixtures for crawler tests: ``from replica.plugin import *`` in a test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from replica.harness import Harness
from replica.server import Replica


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    h = Harness(tmp_path)
    yield h
    h.close()


def serve(site):  # noqa: ANN001, ANN201
    return Replica(site)


__all__ = ["harness", "serve"]
