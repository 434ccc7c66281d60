"""Train the committed artifact: fine-tune the top encoder layers + task heads.

    python -m analysis.model.train [--out analysis/model/artifacts] [--epochs 4] ...

Recipe (CPU friendly, deterministic for a given seed and torch build):

1. Load the converted base (``AutoModel.from_pretrained``) and tokenizer.
2. Examples: the hand-written domain posts (``data/train.jsonl``; optionally the
   training half of the incident / look-alike posts in ``data/authored/``) with seeded
   augmented variants (Traditional script, hashtags/@mentions/emoji, place
   swaps), plus the CCF-2019 iNews training split for sentiment only.
3. The bottom layers stay frozen, so their output is computed once and cached
   (with the base model's own final sentence embedding, the distillation target).
4. The top ``--top-layers`` layers and the heads train on the cache: cross-entropy
   per task (missing labels ignored, class-balanced weights for the skewed
   disposition and severity heads) + ``--emb-weight`` x (1 - cos(embedding, base)).
5. Metrics on our own validation set (``data/val.jsonl``) and on the iNews test
   split are written to ``metrics.json`` next to the artifact.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import sys
import time
from pathlib import Path

import numpy as np

from .artifact import METRICS, save_artifact
from .dataset import IGNORE, Example, augment, load_authored, load_domain, load_inews, load_training
from .labels import EMBEDDING_OUTPUT, TASKS, model_input
from .metrics import report
from .paths import artifact_dir, base_model_dir, cache_dir


def log(msg: str) -> None:
    print(f"[train {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="fine-tune the tingfeng post classifier")
    ap.add_argument("--base", type=Path, default=None, help="converted base folder")
    ap.add_argument("--out", type=Path, default=None, help="artifact folder")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--top-layers", type=int, default=4, help="how many of the kept layers are trained")
    ap.add_argument(
        "--layers",
        type=int,
        default=4,
        help="keep only the first N encoder layers (0 = all 12); 4 is ~3x faster than 12",
    )
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-4, help="encoder layers")
    ap.add_argument("--head-lr", type=float, default=2e-3)
    ap.add_argument("--copies", type=int, default=4, help="augmented variants per post")
    ap.add_argument("--inews", type=int, default=2500, help="iNews items (-1 = all, 0 = none)")
    ap.add_argument("--inews-weight", type=float, default=0.5)
    ap.add_argument("--emb-weight", type=float, default=1.0)
    ap.add_argument(
        "--authored-tasks",
        default="",
        help="labels to learn from the training half of data/authored/*.jsonl, e.g. "
        "'severity,topic,disposition' (default: none; that run cost validation sentiment "
        "0.967 -> 0.948, so the committed artifact learns them in its severity head only: "
        "analysis.model.head_refit)",
    )
    ap.add_argument("--extra", nargs="*", default=[],
                    help="more hand-written training files, data/<name>.jsonl, e.g. "
                    "train_sentiment_edges (default: none, as the committed network was trained)")
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--seed", type=int, default=20261104)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--no-save", action="store_true", help="evaluate only")
    ap.add_argument("--no-cache", action="store_true", help="do not keep frozen states on disk")
    return ap.parse_args(argv)


def check_layer_api(encoder, tok, torch) -> None:
    """The cached path must reproduce the full model with this transformers build."""
    from .network import run_layers  # noqa: PLC0415

    enc = tok(
        [model_input("测试句子，检查缓存路径。"), model_input("短")],
        padding=True,
        return_tensors="pt",
    )
    with torch.no_grad():
        full = encoder(**enc, output_hidden_states=True)
        k = len(encoder.encoder.layer) // 2
        part = run_layers(encoder.encoder.layer[k:], full.hidden_states[k], enc["attention_mask"])
    diff = (part - full.last_hidden_state).abs()[enc["attention_mask"].bool()].max().item()
    if diff > 1e-3:
        raise RuntimeError(
            f"cached layer path differs from the model ({diff:.2e}); "
            "transformers changed the BertLayer mask convention"
        )


def encode_cache(
    encoder,
    tok,
    texts: list[str],
    max_length: int,
    split: int,
    torch,
    batch: int = 64,
    cache_dir: Path | None = None,
):
    """-> list of [len, H] hidden states after layer ``split`` and [N, H] base embeddings.

    Kept on disk under ``cache_dir`` (keyed by base model, split, length and texts)
    so that re-runs with other hyper-parameters skip the frozen forward pass."""
    import hashlib  # noqa: PLC0415

    from .network import masked_mean  # noqa: PLC0415

    path = None
    if cache_dir is not None:
        key = hashlib.sha1(
            json.dumps([str(base_fingerprint()), split, max_length, texts]).encode()
        ).hexdigest()[:16]
        path = cache_dir / f"states-{key}.pt"
        if path.is_file():
            blob = torch.load(path)
            log(f"  reused {path.name} ({len(texts)} texts)")
            return [h.float() for h in blob["hidden"]], blob["target"]

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    hidden: list = [None] * len(texts)
    target = torch.zeros(len(texts), encoder.config.hidden_size)
    t0 = time.perf_counter()
    with torch.no_grad():
        for s in range(0, len(order), batch):
            idx = order[s : s + batch]
            enc = tok(
                [model_input(texts[i]) for i in idx],
                padding=True,
                truncation=True,
                max_length=max_length,
                return_tensors="pt",
            )
            out = encoder(**enc, output_hidden_states=True)
            mask = enc["attention_mask"]
            emb = torch.nn.functional.normalize(masked_mean(out.last_hidden_state, mask), dim=-1)
            hk = out.hidden_states[split]
            for j, i in enumerate(idx):
                n = int(mask[j].sum())
                hidden[i] = hk[j, :n].clone()
                target[i] = emb[j]
            if (s // batch) % 20 == 0:
                log(f"  cached {s + len(idx)}/{len(texts)} ({time.perf_counter() - t0:.0f} s)")
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"hidden": [h.half() for h in hidden], "target": target}, path)
        hidden = [h.half().float() for h in hidden]  # same values as a reused cache
    return hidden, target


def base_fingerprint() -> str:
    marker = base_model_dir() / "tingfeng-convert.json"
    try:
        return json.loads(marker.read_text("utf-8")).get("source_sha256", "")
    except (OSError, ValueError):
        return ""


def collate(hidden, idx, torch):
    n = max(hidden[i].shape[0] for i in idx)
    H = hidden[idx[0]].shape[1]
    x = torch.zeros(len(idx), n, H)
    mask = torch.zeros(len(idx), n, dtype=torch.long)
    for j, i in enumerate(idx):
        L = hidden[i].shape[0]
        x[j, :L] = hidden[i]
        mask[j, :L] = 1
    return x, mask


def length_batches(lengths: list[int], batch: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, then sort within windows of 50 batches by length, so a batch holds posts of
    similar length (little padding) while epochs still differ."""
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    out: list[list[int]] = []
    window = batch * 50
    for w in range(0, len(idx), window):
        chunk = sorted(idx[w : w + window], key=lambda i: lengths[i])
        out.extend(chunk[s : s + batch] for s in range(0, len(chunk), batch))
    rng.shuffle(out)
    return out


def class_weights(examples: list[Example], task: str, n: int, torch, power: float = 0.5):
    counts = np.bincount(
        [e.label(task) for e in examples if e.label(task) != IGNORE], minlength=n
    ).astype(float)
    w = np.where(counts > 0, (counts.sum() / np.maximum(counts, 1) / n) ** power, 0.0)
    w = np.clip(w, 0.25, 6.0)
    return torch.tensor(w / (w[counts > 0].mean()), dtype=torch.float32)


def predict_cached(top, heads, hidden, idx_all, torch, batch: int = 64):
    from .network import run_layers  # noqa: PLC0415

    outs: dict[str, list] = {task: [] for task in TASKS}
    embs: list = []
    order = sorted(idx_all, key=lambda i: hidden[i].shape[0])
    with torch.no_grad():
        for s in range(0, len(order), batch):
            idx = order[s : s + batch]
            x, mask = collate(hidden, idx, torch)
            h = run_layers(top, x, mask)
            res = heads(h, mask)
            for t, task in enumerate(TASKS):
                outs[task].append(torch.softmax(res[t], -1))
            embs.append(res[EMBEDDING_OUTPUT])
    inv = np.argsort(np.array(order))
    probs = {task: torch.cat(v).numpy()[inv] for task, v in outs.items()}
    return probs, torch.cat(embs).numpy()[inv]


def evaluate(examples, probs, emb, target) -> dict:
    res = {}
    for task, labels in TASKS.items():
        gold = [e.label(task) for e in examples]
        keep = [i for i, g in enumerate(gold) if g != IGNORE]
        if not keep:
            continue
        pred = probs[task][keep].argmax(-1)
        res[task] = report([labels[gold[i]] for i in keep], [labels[p] for p in pred], labels)
    cos = (emb * target.numpy()).sum(-1)
    res["embedding_cosine_to_base"] = {
        "mean": round(float(cos.mean()), 4),
        "p05": round(float(np.percentile(cos, 5)), 4),
    }
    return res


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import torch  # noqa: PLC0415
    from transformers import AutoModel, AutoTokenizer  # noqa: PLC0415

    from .network import TaskHeads, TingfengModel, run_layers  # noqa: PLC0415

    t_start = time.perf_counter()
    threads = args.threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    base = args.base or base_model_dir()
    out_dir = args.out or artifact_dir()
    log(f"base {base}; torch {torch.__version__}, {threads} threads")
    tok = AutoTokenizer.from_pretrained(str(base))
    # no dropout inside the encoder: on CPU the Bernoulli masks cost ~40 % of a step;
    # augmentation, label smoothing and the heads' dropout regularise instead
    encoder = AutoModel.from_pretrained(
        str(base),
        add_pooling_layer=False,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
    ).eval()
    check_layer_api(encoder, tok, torch)
    n_layers = args.layers or len(encoder.encoder.layer)
    split = n_layers - args.top_layers

    # ---------------------------------------------------------------- data
    authored_tasks = tuple(t for t in args.authored_tasks.split(",") if t)
    train_dom = load_training(args.extra)
    if authored_tasks:
        train_dom += load_authored("train", authored_tasks)
    val = load_domain("val")
    val_authored = load_authored("val", ("sentiment", "topic", "disposition", "severity"))
    train = augment(train_dom, args.copies, seed=args.seed)
    inews: list[Example] = []
    if args.inews != 0:
        inews = load_inews("train", weight=args.inews_weight)
        if args.inews > 0:
            inews = random.Random(args.seed).sample(inews, args.inews)
    n_domain = len(train)
    train += inews
    inews_test = load_inews("test")
    log(
        f"examples: {len(train_dom)} domain posts -> {len(train)} training items "
        f"(incl. augmentation and iNews); validation {len(val)}; iNews test {len(inews_test)}"
    )

    # ---------------------------------------------------------------- cache
    log(f"caching layer-{split} states (frozen layers 0..{split - 1})")
    t0 = time.perf_counter()
    cdir = None if args.no_cache else cache_dir() / "train-cache"
    tr_hidden, tr_target = encode_cache(
        encoder,
        tok,
        [e.text for e in train[:n_domain]],
        args.max_length,
        split,
        torch,
        cache_dir=cdir,
    )
    if inews:
        in_hidden, in_target = encode_cache(
            encoder, tok, [e.text for e in inews], args.max_length, split, torch, cache_dir=cdir
        )
        tr_hidden += in_hidden
        tr_target = torch.cat([tr_target, in_target])
    va_hidden, va_target = encode_cache(
        encoder, tok, [e.text for e in val], args.max_length, split, torch, cache_dir=cdir
    )
    te_hidden, te_target = encode_cache(
        encoder, tok, [e.text for e in inews_test], args.max_length, split, torch, cache_dir=cdir
    )
    vau_hidden, vau_target = (
        encode_cache(encoder, tok, [e.text for e in val_authored], args.max_length, split, torch,
                     cache_dir=cdir)
        if val_authored else ([], None)
    )
    t_cache = time.perf_counter() - t0
    log(f"cache built in {t_cache:.0f} s")

    # ---------------------------------------------------------------- model
    heads = TaskHeads(encoder.config.hidden_size)
    top = encoder.encoder.layer[split:n_layers]
    for p in encoder.parameters():
        p.requires_grad_(False)
    for p in top.parameters():
        p.requires_grad_(True)
    opt = torch.optim.AdamW(
        [
            {"params": list(top.parameters()), "lr": args.lr},
            {"params": list(heads.parameters()), "lr": args.head_lr},
        ],
        weight_decay=0.01,
    )
    weights = {
        "sentiment": class_weights(train, "sentiment", 3, torch, power=0.5),
        "topic": None,
        "disposition": class_weights(train, "disposition", len(TASKS["disposition"]), torch),
        "severity": class_weights(train, "severity", 4, torch, power=0.7),
    }
    task_w = {"sentiment": 1.0, "topic": 1.0, "disposition": 0.7, "severity": 0.4}
    labels_t = {task: torch.tensor([e.label(task) for e in train]) for task in TASKS}
    sample_w = torch.tensor([e.weight for e in train])
    lengths = [h.shape[0] for h in tr_hidden]
    rng = random.Random(args.seed)
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    total = steps_per_epoch * args.epochs
    warm = max(1, int(0.06 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / max(1, total - warm))
    )
    log(
        f"training layers {split}..{n_layers - 1} + heads: {args.epochs} epochs x "
        f"{steps_per_epoch} steps (batch {args.batch_size})"
    )
    t0 = time.perf_counter()
    step = 0
    history = []
    for epoch in range(args.epochs):
        top.train()
        heads.train()
        run_loss = 0.0
        for b in length_batches(lengths, args.batch_size, rng):
            x, mask = collate(tr_hidden, b, torch)
            res = heads(run_layers(top, x, mask), mask)
            loss = torch.zeros(())
            sw = sample_w[b]
            for t, task in enumerate(TASKS):
                y = labels_t[task][b]
                keep = y != IGNORE
                if not keep.any():
                    continue
                ce = torch.nn.functional.cross_entropy(
                    res[t][keep],
                    y[keep],
                    weight=weights[task],
                    reduction="none",
                    label_smoothing=0.05,
                )
                loss = loss + task_w[task] * (ce * sw[keep]).sum() / sw[keep].sum()
            cos = (res[EMBEDDING_OUTPUT] * tr_target[b]).sum(-1)
            loss = loss + args.emb_weight * (1.0 - cos).mean() * 10.0
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(top.parameters()) + list(heads.parameters()), 1.0)
            opt.step()
            sched.step()
            run_loss += loss.item()
            step += 1
            if step % 50 == 0:
                log(
                    f"  epoch {epoch + 1} step {step}/{total} loss {run_loss / 50:.3f} "
                    f"({time.perf_counter() - t0:.0f} s)"
                )
                run_loss = 0.0
        top.eval()
        heads.eval()
        probs, emb = predict_cached(top, heads, va_hidden, list(range(len(val))), torch)
        ev = evaluate(val, probs, emb, va_target)
        history.append(
            {
                "epoch": epoch + 1,
                **{k: ev[k]["macro_f1"] if "macro_f1" in ev[k] else ev[k] for k in ev},
            }
        )
        log(
            f"epoch {epoch + 1}: val sentiment F1 {ev['sentiment']['macro_f1']:.3f}, "
            f"topic acc {ev['topic']['accuracy']:.3f}, disposition acc "
            f"{ev['disposition']['accuracy']:.3f}, severity acc {ev['severity']['accuracy']:.3f}, "
            f"emb cos {ev['embedding_cosine_to_base']['mean']:.3f}"
        )
    t_train = time.perf_counter() - t0

    probs, emb = predict_cached(top, heads, va_hidden, list(range(len(val))), torch)
    val_metrics = evaluate(val, probs, emb, va_target)
    val_errors = [
        {
            "id": e.meta.get("id"),
            "text": e.text[:60],
            **{
                task: [TASKS[task][e.label(task)], TASKS[task][int(probs[task][i].argmax())]]
                for task in ("sentiment", "topic", "disposition")
            },
        }
        for i, e in enumerate(val)
        if any(int(probs[task][i].argmax()) != e.label(task) for task in ("sentiment", "topic"))
    ]
    probs_te, emb_te = predict_cached(top, heads, te_hidden, list(range(len(inews_test))), torch)
    te_metrics = evaluate(inews_test, probs_te, emb_te, te_target)
    vau_metrics: dict = {}
    if val_authored:
        probs_va, emb_va = predict_cached(top, heads, vau_hidden, list(range(len(val_authored))), torch)
        vau_metrics = evaluate(val_authored, probs_va, emb_va, vau_target)
    if vau_metrics:
        log(
            f"authored validation half: severity acc {vau_metrics['severity']['accuracy']:.3f} "
            f"macro-F1 {vau_metrics['severity']['macro_f1']:.3f}, topic acc {vau_metrics['topic']['accuracy']:.3f}"
        )
    log(
        f"iNews test sentiment macro-F1 {te_metrics['sentiment']['macro_f1']:.3f} "
        f"(acc {te_metrics['sentiment']['accuracy']:.3f})"
    )

    config = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    metrics = {
        "validation": val_metrics,
        "inews_test": {
            "sentiment": te_metrics["sentiment"],
            "embedding_cosine_to_base": te_metrics["embedding_cosine_to_base"],
        },
        "validation_authored": vau_metrics,
        "history": history,
        "validation_errors": val_errors,
        "data": {
            "domain_train_posts": len(train_dom),
            "training_items": len(train),
            "validation_posts": len(val),
            "authored_validation_posts": len(val_authored),
            "inews_test_items": len(inews_test),
        },
        "time_s": {
            "cache": round(t_cache),
            "train": round(t_train),
            "total": round(time.perf_counter() - t_start),
        },
        "machine": {
            "cpu_threads": threads,
            "platform": platform.platform(),
            "torch": torch.__version__,
        },
        "config": config,
    }
    if not args.no_save:
        if n_layers < len(encoder.encoder.layer):  # drop the unused top of the base
            encoder.encoder.layer = encoder.encoder.layer[:n_layers]
            encoder.config.num_hidden_layers = n_layers
        model = TingfengModel(encoder, heads)
        save_artifact(model, out_dir, split, config)
        (out_dir / METRICS).write_text(json.dumps(metrics, indent=2, ensure_ascii=False), "utf-8")
        log(f"artifact written to {out_dir}")
    else:
        print(
            json.dumps(
                {k: metrics[k] for k in ("validation", "inews_test", "time_s")},
                indent=1,
                ensure_ascii=False,
            )[:6000]
        )
    log(f"done in {time.perf_counter() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
