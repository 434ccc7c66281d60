"""The multi-task network: the e5 encoder (top layers fine-tuned) + four task heads.

Outputs, in this order (``labels.OUTPUT_NAMES``, also the ONNX output names):
``sentiment``, ``topic``, ``disposition``, ``severity`` (logits), ``embedding``
(masked mean of the last hidden states, L2-normalised; trained to stay close to
the base e5 sentence embedding so event clustering keeps e5 semantics) and ``major``
(logits of [other, I/II]: a binary "特别重大/重大 or not" head fitted on frozen
features by ``head_refit --task major``; an artifact without it leaves it at zero and
its manifest has no ``major_head``, so the runtime ignores it) and ``serious`` (logits of
[IV, I/II/III], the same kind of head for 较大 and graver, session 7; ``serious_head``).
"""

from __future__ import annotations

import torch
from torch import nn

from .labels import BINARY_HEADS, TASKS


def masked_mean(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


class TaskHeads(nn.Module):
    """Linear heads over [mean-pooled ; first-token] features."""

    def __init__(self, hidden: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.norm = nn.LayerNorm(2 * hidden)
        self.heads = nn.ModuleDict(
            {task: nn.Linear(2 * hidden, len(labels)) for task, labels in TASKS.items()}
        )
        # binary heads (labels.BINARY_HEADS) start at zero: only head_refit fits them
        for name in BINARY_HEADS:
            head = nn.Linear(2 * hidden, 2)
            nn.init.zeros_(head.weight)
            nn.init.zeros_(head.bias)
            setattr(self, name, head)

    def forward(self, last_hidden: torch.Tensor, mask: torch.Tensor):
        mean = masked_mean(last_hidden, mask)
        feats = self.dropout(self.norm(torch.cat([mean, last_hidden[:, 0]], dim=-1)))
        logits = tuple(self.heads[task](feats) for task in TASKS)
        embedding = nn.functional.normalize(mean, dim=-1)
        return (*logits, embedding, *(getattr(self, name)(feats) for name in BINARY_HEADS))


class TingfengModel(nn.Module):
    """encoder (a transformers ``BertModel``) + :class:`TaskHeads`."""

    def __init__(self, encoder: nn.Module, heads: TaskHeads) -> None:
        super().__init__()
        self.encoder = encoder
        self.heads = heads

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self.heads(out.last_hidden_state, attention_mask)


def additive_mask(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """[B, L] 0/1 mask -> [B, 1, 1, L] additive attention mask."""
    ext = (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min
    return ext


def run_layers(layers, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Run a slice of ``BertEncoder.layer`` on cached hidden states (training only).

    ``train.check_layer_api`` verifies once per run that this reproduces the full
    model with the installed transformers version.
    """
    ext = additive_mask(mask, hidden.dtype)
    for layer in layers:
        out = layer(hidden, attention_mask=ext)
        hidden = out[0] if isinstance(out, tuple) else out
    return hidden
