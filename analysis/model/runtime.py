"""Inference: the post classifier, loaded once per process.

    from analysis.model.runtime import PostClassifier, available

    if available():
        clf = PostClassifier.shared()          # loads once per process
        out = clf.predict(["东坝村的河水又黑又臭……"])[0]
        out.sentiment   # {"negative": 0.93, "neutral": 0.05, "positive": 0.02}
        out.topic       # {code: probability} over the 19 taxonomy topics
        out.disposition # {6 codes + "none": probability}
        out.severity    # {"I".."IV": probability}
        out.embedding   # float32 [384], L2-normalised (event clustering)

The base encoder is loaded with ``AutoModel.from_pretrained`` / ``AutoTokenizer``
from the converted folder; the committed artifact (tuned top layers + heads) is
laid over it.  When an ONNX export of exactly this base + artifact exists in the
cache (``python -m analysis.model.onnx_export``) and onnxruntime imports, it is
used, in the configured precision (``fp32`` by default: the trained model exactly;
``int8``: faster, approximate, see ``onnx_export``); otherwise the torch path runs.  Inputs are tokenized once, sorted by
length and cut into batches under a token budget, so padding stays small; the
outputs come back in input order.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .artifact import artifact_present, read_manifest
from .errors import ModelUnavailable
from .labels import BINARY_HEADS, EMBEDDING_OUTPUT, OUTPUT_NAMES, TASKS, model_input, post_text
from .paths import artifact_dir, base_model_dir

log = logging.getLogger(__name__)

Backend = Literal["auto", "onnx", "torch"]
Precision = Literal["fp32", "int8"]


def available(model_dir: str | Path | None = None, artifact: str | Path | None = None) -> bool:
    """True when the converted base folder and the trained artifact are both present
    (cheap: file checks only). When False the app uses the rules baseline."""
    from .convert import is_valid  # noqa: PLC0415

    base = Path(model_dir) if model_dir else base_model_dir()
    art = Path(artifact) if artifact else artifact_dir()
    return is_valid(base) and artifact_present(art)


@dataclass(frozen=True)
class SpanImportance:
    """How much removing a span lowers the probability of each predicted label (``scores``)
    and its log-odds (``log_odds``). Within one post both rank the spans alike; the log-odds
    still tell them apart when the model is all but certain (0.999 → 0.995 is a drop of 0.4
    points of probability, but 1.6 of log-odds), so the console shades by them."""

    text: str
    start: int
    end: int
    scores: dict[str, float]
    log_odds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Explanation:
    labels: dict[str, str]
    sentences: list[SpanImportance] = field(default_factory=list)
    words: list[SpanImportance] = field(default_factory=list)

    def top_words(self, task: str = "topic", k: int = 5) -> list[str]:
        ranked = sorted(self.words, key=lambda s: s.scores.get(task, 0.0), reverse=True)
        return [s.text for s in ranked[:k] if s.scores.get(task, 0.0) > 0]

    def to_dict(self) -> dict:
        def span(s: SpanImportance) -> dict:
            return {
                "text": s.text,
                "start": s.start,
                "end": s.end,
                "scores": {k: round(v, 4) for k, v in s.scores.items()},
                "log_odds": {k: round(v, 4) for k, v in s.log_odds.items()},
            }

        return {
            "labels": self.labels,
            "sentences": [span(s) for s in self.sentences],
            "words": [span(s) for s in self.words],
        }


@dataclass(frozen=True)
class ModelOutput:
    sentiment: dict[str, float]
    topic: dict[str, float]
    disposition: dict[str, float]
    severity: dict[str, float]
    embedding: np.ndarray
    explanation: Explanation | None = None
    # P(I or II) from the binary major head; None when the artifact has none
    major: float | None = None
    # P(I, II or III) from the binary serious head; None when the artifact has none
    serious: float | None = None

    def label(self, task: str) -> str:
        probs: dict[str, float] = getattr(self, task)
        return max(probs, key=probs.__getitem__)

    def top(self, task: str, k: int = 3) -> list[tuple[str, float]]:
        probs: dict[str, float] = getattr(self, task)
        return sorted(probs.items(), key=lambda kv: kv[1], reverse=True)[:k]

    def to_dict(self, with_embedding: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            task: {k: round(v, 4) for k, v in getattr(self, task).items()} for task in TASKS
        }
        for name in BINARY_HEADS:
            if getattr(self, name) is not None:
                d[name] = round(getattr(self, name), 4)
        if with_embedding:
            d["embedding"] = [round(float(x), 6) for x in self.embedding]
        if self.explanation is not None:
            d["explanation"] = self.explanation.to_dict()
        return d


def _softmax(x: np.ndarray) -> np.ndarray:
    z = x - x.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class _TorchBackend:
    name = "torch"

    def __init__(self, base: Path, artifact: Path, threads: int | None) -> None:
        import torch  # noqa: PLC0415
        from transformers import AutoModel  # noqa: PLC0415

        from .artifact import (
            load_into,  # noqa: PLC0415
            read_manifest,  # noqa: PLC0415
        )
        from .network import TaskHeads, TingfengModel  # noqa: PLC0415

        if threads:
            torch.set_num_threads(threads)
        self.torch = torch
        layers = int(read_manifest(artifact)["num_hidden_layers"])
        # an artifact may use only the first N layers of the base (faster); the rest
        # of the checkpoint is then simply not loaded
        encoder = AutoModel.from_pretrained(
            str(base), add_pooling_layer=False, num_hidden_layers=layers
        )
        model = TingfengModel(encoder, TaskHeads(encoder.config.hidden_size))
        self.manifest = load_into(model, artifact)
        self.model = model.eval()

    def run(self, ids: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
        torch = self.torch
        with torch.inference_mode():
            out = self.model(torch.from_numpy(ids), torch.from_numpy(mask))
        return [o.float().numpy() for o in out]


class _OnnxBackend:
    name = "onnx"

    def __init__(self, path: Path, threads: int | None, precision: str = "") -> None:
        if precision:
            self.name = f"onnx-{precision}"
        import onnxruntime as ort  # noqa: PLC0415

        # one thread per run, and as many runs at once as there are cores (PostClassifier
        # hands its batches to that many workers): on 2 cores two single-threaded batches
        # side by side score ~20 % more posts/s than one batch split over both cores,
        # whose small matrices (16 posts x ~70 tokens x 384) keep the threads waiting
        self.workers = max(1, threads or os.cpu_count() or 1)
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        self.path = path

    def run(self, ids: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})


def fast_tokenizer(base: Path, max_length: int):
    """The base folder's ``tokenizer.json`` as a bare ``tokenizers.Tokenizer``
    (truncating like ``AutoTokenizer(..., truncation=True, max_length=...)``)."""
    from tokenizers import Tokenizer  # noqa: PLC0415

    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=max_length)
    return tok


class PostClassifier:
    """Sentiment, topic, disposition and severity probabilities plus an embedding.

    Construct once per process (``PostClassifier.shared()``); ``predict`` is
    thread-safe for the ONNX backend and serialised by a lock for torch.
    """

    _shared: dict[tuple, PostClassifier] = {}
    _shared_lock = threading.Lock()

    def __init__(
        self,
        model_dir: str | Path | None = None,
        artifact: str | Path | None = None,
        backend: Backend = "auto",
        batch_size: int | None = None,
        max_length: int | None = None,
        token_budget: int = 1024,
        threads: int | None = None,
        onnx_path: str | Path | None = None,
        precision: Precision = "fp32",
    ) -> None:
        from .convert import is_valid  # noqa: PLC0415

        self.base = Path(model_dir) if model_dir else base_model_dir()
        self.artifact = Path(artifact) if artifact else artifact_dir()
        if not is_valid(self.base):
            raise ModelUnavailable(
                f"base model folder {self.base} is missing or incomplete; "
                "build it with `python -m analysis.model.convert` (make model)"
            )
        self.manifest = read_manifest(self.artifact)
        self.max_length = int(max_length or self.manifest.get("max_length", 256))
        self.token_budget = max(token_budget, self.max_length)
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._executor_pid = 0
        self.precision = precision
        self.backend = self._load_backend(backend, threads, onnx_path)
        if batch_size is None:
            # int8 takes one activation scale per batch tensor, so a post's labels would
            # depend on its batch-mates; one post per run keeps them its own, and with a
            # run per core it is as fast as batches of 16 (613-626 vs 619-629 posts/s)
            int8 = precision == "int8" and isinstance(self.backend, _OnnxBackend)
            batch_size = 1 if int8 else 16
        self.batch_size = max(1, batch_size)
        self._load_tokenizer()
        log.info("post classifier ready: backend=%s base=%s", self.backend.name, self.base)

    def _load_tokenizer(self) -> None:
        """``AutoTokenizer.from_pretrained`` on the torch path.  The ONNX path reads the
        same ``tokenizer.json`` with the ``tokenizers`` library directly: identical ids
        (a unit test checks), without importing transformers and torch (~250 MB RSS)."""
        self.tokenizer: Any = None
        self._fast: Any = None
        if isinstance(self.backend, _TorchBackend):
            from transformers import AutoTokenizer  # noqa: PLC0415

            self.tokenizer = AutoTokenizer.from_pretrained(str(self.base))
            self.pad_id = int(self.tokenizer.pad_token_id or 1)
        else:
            self._fast = fast_tokenizer(self.base, self.max_length)
            self.pad_id = int(self._fast.token_to_id("<pad>") or 1)

    # ------------------------------------------------------------------ setup
    @classmethod
    def shared(cls, **kwargs: Any) -> PostClassifier:
        """The process-wide instance for these arguments (built on first use)."""
        key = tuple(sorted((k, str(v)) for k, v in kwargs.items()))
        with cls._shared_lock:
            inst = cls._shared.get(key)
            if inst is None:
                inst = cls._shared[key] = cls(**kwargs)
            return inst

    def _load_backend(self, backend: Backend, threads: int | None, onnx_path: str | Path | None):
        if backend in ("auto", "onnx"):
            from .onnx_export import find_export  # noqa: PLC0415

            path = (
                Path(onnx_path)
                if onnx_path
                else find_export(self.base, self.artifact, precision=self.precision)
            )
            if path is not None:
                try:
                    return _OnnxBackend(path, threads, "" if onnx_path else self.precision)
                except Exception as exc:  # noqa: BLE001 - fall back to torch
                    if backend == "onnx":
                        raise ModelUnavailable(f"cannot load ONNX model {path}: {exc}") from exc
                    log.warning("ONNX model %s unusable (%s); using torch", path, exc)
            elif backend == "onnx":
                raise ModelUnavailable(
                    "no up-to-date ONNX export; run `python -m analysis.model.onnx_export`"
                )
        return _TorchBackend(self.base, self.artifact, threads)

    # -------------------------------------------------------------- inference
    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        inputs = [model_input(t or "") for t in texts]
        if self._fast is not None:
            return [e.ids for e in self._fast.encode_batch(inputs, add_special_tokens=True)]
        enc = self.tokenizer(
            inputs, truncation=True, max_length=self.max_length, add_special_tokens=True
        )
        return enc["input_ids"]

    def _batches(self, lengths: Sequence[int]) -> list[list[int]]:
        """Indices sorted by length, cut at batch_size rows or token_budget padded tokens."""
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        batches: list[list[int]] = []
        cur: list[int] = []
        for i in order:
            longest = lengths[i]  # ascending order: the newest is the longest
            if cur and (
                len(cur) >= self.batch_size or longest * (len(cur) + 1) > self.token_budget
            ):
                batches.append(cur)
                cur = []
            cur.append(i)
        if cur:
            batches.append(cur)
        return batches

    def _run_batch(self, ids_list: list[list[int]], lengths: list[int], batch: list[int]):
        width = max(lengths[i] for i in batch)
        ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for r, i in enumerate(batch):
            ids[r, : lengths[i]] = ids_list[i]
            mask[r, : lengths[i]] = 1
        if isinstance(self.backend, _TorchBackend):
            with self._lock:
                return self.backend.run(ids, mask)
        return self.backend.run(ids, mask)

    def _pool(self) -> ThreadPoolExecutor | None:
        """Workers that run ONNX batches side by side (None: one at a time)."""
        workers = getattr(self.backend, "workers", 1)
        if workers < 2:
            return None
        with self._lock:
            # a forked child (a prefork worker) inherits the pool object but not its threads
            if self._executor is None or self._executor_pid != os.getpid():
                self._executor = ThreadPoolExecutor(workers, thread_name_prefix="tingfeng-model")
                self._executor_pid = os.getpid()
            return self._executor

    def _run(self, ids_list: list[list[int]]) -> list[np.ndarray]:
        n = len(ids_list)
        lengths = [len(x) for x in ids_list]
        batches = self._batches(lengths)
        pool = self._pool() if len(batches) > 1 else None
        if pool is None:
            results = [self._run_batch(ids_list, lengths, b) for b in batches]
        else:
            # the batches are cut before they are handed out, so which worker runs which
            # (and when) changes no result; map returns them in batch order
            results = list(pool.map(lambda b: self._run_batch(ids_list, lengths, b), batches))
        outs: list[np.ndarray] | None = None
        for batch, res in zip(batches, results, strict=True):
            if outs is None:
                outs = [np.zeros((n, r.shape[-1]), dtype=np.float32) for r in res]
            for k, arr in enumerate(res):
                outs[k][batch] = arr
        return outs or []

    def predict(self, texts: Sequence[str], explain: bool | str = False) -> list[ModelOutput]:
        """Probabilities for each text, in input order.

        ``explain``: False, True / "sentence" (sentence occlusion) or "word"
        (sentence and word occlusion; a forward pass per word, so slower)."""
        texts = list(texts)
        if not texts:
            return []
        outs = self._run(self.encode(texts))
        results = self._outputs(outs)
        if explain:
            from .explain import explain_many  # noqa: PLC0415

            level = "word" if explain == "word" else "sentence"
            exps = explain_many(self, texts, results, level=level)
            results = [replace(r, explanation=e) for r, e in zip(results, exps, strict=True)]
        return results

    def predict_posts(
        self, posts: Sequence[dict], explain: bool | str = False
    ) -> list[ModelOutput]:
        """Posts in the io-contract shape (``title`` + ``text``)."""
        return self.predict(
            [post_text(p.get("text") or "", p.get("title")) for p in posts], explain=explain
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """[N, H] L2-normalised sentence embeddings."""
        if not texts:
            return np.zeros((0, int(self.manifest["hidden_size"])), dtype=np.float32)
        return self._run(self.encode(list(texts)))[EMBEDDING_OUTPUT]

    def explain(self, text: str, level: str = "sentence") -> Explanation:
        out = self.predict([text], explain=level)[0]
        assert out.explanation is not None
        return out.explanation

    def _outputs(self, outs: list[np.ndarray]) -> list[ModelOutput]:
        probs = {task: _softmax(outs[t]) for t, task in enumerate(TASKS)}
        emb = outs[EMBEDDING_OUTPUT]
        # a binary head counts only where the artifact's manifest records it fitted
        binary = {
            name: _softmax(outs[OUTPUT_NAMES.index(name)])[:, 1]
            for name in BINARY_HEADS
            if f"{name}_head" in self.manifest and len(outs) > OUTPUT_NAMES.index(name)
        }
        norms = np.linalg.norm(emb, axis=-1, keepdims=True)
        emb = (emb / np.maximum(norms, 1e-12)).astype(np.float32)
        results = []
        for i in range(emb.shape[0]):
            d = {
                task: {lab: float(probs[task][i, j]) for j, lab in enumerate(labels)}
                for task, labels in TASKS.items()
            }
            results.append(
                ModelOutput(
                    d["sentiment"], d["topic"], d["disposition"], d["severity"], emb[i],
                    **{name: float(p[i]) for name, p in binary.items()},
                )
            )
        return results
