"""Where the model files live.

* The *base* encoder (multilingual-e5-small converted to a standard BERT folder)
  is built at install time into an ignored cache directory; it is never committed.
  ``TINGFENG_MODEL_DIR`` overrides its location.
* The *artifact* (the fine-tuned top layers and task heads, ~15 MB) is committed
  under ``analysis/model/artifacts``; ``TINGFENG_MODEL_ARTIFACT`` overrides it.
* The ONNX fast path (exported + int8-quantized from base + artifact) is written
  into a cache directory next to the base; ``TINGFENG_ONNX_DIR`` overrides it.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent.parent
DATA_DIR = PACKAGE_DIR / "data"
DEFAULT_ARTIFACT_DIR = PACKAGE_DIR / "artifacts"
DEFAULT_CACHE_DIR = REPO_ROOT / ".cache" / "tingfeng"


def cache_dir() -> Path:
    return Path(os.environ.get("TINGFENG_CACHE_DIR", str(DEFAULT_CACHE_DIR)))


def base_model_dir() -> Path:
    """The converted base encoder folder (config.json, model.safetensors, tokenizer)."""
    env = os.environ.get("TINGFENG_MODEL_DIR")
    return Path(env) if env else cache_dir() / "e5-small"


def artifact_dir() -> Path:
    env = os.environ.get("TINGFENG_MODEL_ARTIFACT")
    return Path(env) if env else DEFAULT_ARTIFACT_DIR


def onnx_dir() -> Path:
    env = os.environ.get("TINGFENG_ONNX_DIR")
    return Path(env) if env else cache_dir() / "onnx"
