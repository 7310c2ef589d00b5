"""Train the small FaceNet of notebook 14 with the triplet loss: ``python -m course_utils.pretrain facenet``.

Introduced in notebook 14 (face recognition). Data: the training population
of :func:`course_utils.datasets.identities.load_face_population` (2,000
generated people, 8 photos each, 96x96). Each step samples P people and K of
their photos (a P x K batch), embeds them with
:func:`course_utils.models.facenet.facenet` and minimises the triplet loss
with *semi-hard* negatives (FaceNet, section 3.2): for every anchor-positive
pair, the closest negative that is still farther from the anchor than the
positive; when there is none, the farthest negative. Distances are squared
Euclidean distances between unit embeddings, margin ``alpha``.

Batch normalization: Adam moves the weights faster than the moving averages
of the batch statistics follow, and embeddings computed with stale statistics
collapse together. Measured here with Keras' default momentum (0.99) and no
remedy: held-out AUC 0.75 after one epoch and 0.72 after three, every
distance below 0.7. So the network uses momentum 0.9 and, before each
evaluation and at the end, the statistics are re-estimated on ``BN_BATCHES``
training batches with the weights fixed: held-out AUC 0.99 after one epoch.

Quality is measured on 200 held-out people (a disjoint seed stream): all
pairs of photos of one person against as many pairs of different people,
the verification accuracy at the notebook's threshold (Euclidean distance
0.7), the ROC AUC and a threshold sweep. Weights go to ``data/facenet.npz``
(float16, :mod:`course_utils.models.storage`) and the card to ``data/facenet.json``. Deterministic: the same
arguments give the same weights on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

THRESHOLD = 0.7
_DEFAULT_HELDOUT = (200, 6)  # held-out people x photos each
BN_BATCHES = 20   # batches that re-estimate the batch normalizations' statistics before each evaluation
SWEEP = tuple(round(t, 2) for t in np.arange(0.3, 1.31, 0.05))


def semihard_triplet_loss(labels, embeddings, alpha: float = 0.2):
    """Mean triplet loss over every anchor-positive pair of the batch, with its semi-hard negative.

    ``labels`` (B,) int, ``embeddings`` (B, d) of length 1. Returns a scalar tensor.
    """
    import tensorflow as tf

    labels = tf.reshape(labels, (-1,))
    d = tf.maximum(2.0 - 2.0 * tf.matmul(embeddings, embeddings, transpose_b=True), 0.0)   # squared distances
    same = tf.equal(labels[:, None], labels[None, :])
    eye = tf.eye(tf.shape(labels)[0], dtype=tf.bool)
    positive = tf.logical_and(same, tf.logical_not(eye))          # (a, p)
    negative = tf.logical_not(same)                               # (a, n)
    d_ap = d[:, :, None]                                          # (a, p, 1)
    d_an = d[:, None, :]                                          # (a, 1, n)
    farther = tf.logical_and(negative[:, None, :], d_an > d_ap)   # semi-hard candidates (a, p, n)
    big = tf.constant(1e9, d.dtype)
    closest_farther = tf.reduce_min(tf.where(farther, d_an, big), axis=2)
    farthest = tf.reduce_max(tf.where(negative, d, -big), axis=1)[:, None]
    d_neg = tf.where(tf.reduce_any(farther, axis=2), closest_farther, farthest)
    losses = tf.maximum(d - d_neg + alpha, 0.0)
    mask = tf.cast(positive, d.dtype)
    return tf.reduce_sum(losses * mask) / tf.maximum(tf.reduce_sum(mask), 1.0)


def embed(model, images, batch: int = 256) -> np.ndarray:
    """Embeddings (n, 128) of uint8 images (n, 96, 96, 3)."""
    out = []
    for start in range(0, len(images), batch):
        x = images[start:start + batch].astype(np.float32) / 255.0
        out.append(np.asarray(model(x, training=False)))
    return np.concatenate(out)


def verification_pairs(labels, seed: int = 0):
    """Indices (i, j) and same (bool) of every same-person pair and as many different-person pairs."""
    labels = np.asarray(labels)
    i, j = np.triu_indices(len(labels), 1)
    same = labels[i] == labels[j]
    rng = np.random.default_rng(seed)
    diff = rng.choice(np.flatnonzero(~same), int(same.sum()), replace=False)
    keep = np.sort(np.concatenate([np.flatnonzero(same), diff]))
    return i[keep], j[keep], same[keep]


def roc_auc(scores, positive) -> float:
    """Area under the ROC curve: the probability that a positive scores above a negative (ties count half)."""
    from scipy.stats import rankdata

    scores = np.asarray(scores, float)
    positive = np.asarray(positive, bool)
    ranks = rankdata(scores)
    n_pos, n_neg = positive.sum(), (~positive).sum()
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def evaluate(embeddings, labels, threshold: float = THRESHOLD, sweep=SWEEP) -> dict:
    """Verification on balanced pairs: accuracy at ``threshold``, ROC AUC and a threshold sweep."""
    i, j, same = verification_pairs(labels)
    dist = np.linalg.norm(embeddings[i] - embeddings[j], axis=1)

    def at(t):
        accept = dist < t
        return {"threshold": float(t), "accuracy": float(np.mean(accept == same)),
                "false_accept_rate": float(np.mean(accept[~same])), "false_reject_rate": float(np.mean(~accept[same]))}

    rows = [at(t) for t in sweep]
    best = max(rows, key=lambda r: r["accuracy"])
    return {"pairs": int(len(same)), "same_pairs": int(same.sum()), "accuracy": at(threshold)["accuracy"],
            "threshold": float(threshold), "at_threshold": at(threshold), "auc": roc_auc(-dist, same),
            "best_threshold": best["threshold"], "best_accuracy": best["accuracy"],
            "mean_distance_same": float(dist[same].mean()), "mean_distance_different": float(dist[~same].mean()),
            "sweep": rows}


def train(n_identities=2000, images_per_identity=8, epochs=6, people_per_batch=32, photos_per_person=4,
          alpha=0.2, lr=2e-3, seed=0, data_seed=14, heldout=None, log=print):
    """Train the embedding network; returns (model, card dict)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    from ..datasets.identities import load_face_population
    from ..models.facenet import facenet

    heldout = heldout or _DEFAULT_HELDOUT
    t0, c0 = time.time(), time.process_time()
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    images, labels = load_face_population("train", n_identities, images_per_identity, seed=data_seed)
    test_x, test_y = load_face_population("heldout", *heldout, seed=data_seed)
    log(f"data: {len(images)} training photos of {n_identities} people, {len(test_x)} held-out photos "
        f"of {heldout[0]} others ({time.time() - t0:.0f} s)")
    by_person = images.reshape(n_identities, images_per_identity, *images.shape[1:])

    model = facenet(seed=seed)
    steps_per_epoch = n_identities // people_per_batch
    total = epochs * steps_per_epoch
    schedule = keras.optimizers.schedules.CosineDecay(lr, total, alpha=0.02, warmup_target=None)
    opt = keras.optimizers.Adam(schedule)
    variables = model.trainable_variables

    @tf.function(reduce_retracing=True)
    def step(x, y):
        with tf.GradientTape() as tape:
            e = model(x, training=True)
            loss = semihard_triplet_loss(y, e, alpha)
        grads = tape.gradient(loss, variables)
        opt.apply_gradients(zip(grads, variables))
        return loss

    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(people_per_batch), photos_per_person)

    def batch(people):
        photos = np.stack([rng.choice(images_per_identity, photos_per_person, replace=False) for _ in people])
        return by_person[people[:, None], photos].reshape(-1, *images.shape[1:]).astype(np.float32) / 255.0

    @tf.function(reduce_retracing=True)
    def forward(x):
        return model(x, training=True)

    def recalibrate(n_batches=BN_BATCHES):
        """Re-estimate the batch normalizations' moving statistics for the current weights (no update of the
        weights): the weights move fast under Adam and the moving averages lag behind them."""
        for _ in range(n_batches):
            forward(tf.constant(batch(rng.choice(n_identities, people_per_batch, replace=False))))

    history = []
    t_train = time.time()
    for epoch in range(epochs):
        order = rng.permutation(n_identities)
        losses = []
        for s in range(steps_per_epoch):
            x = batch(order[s * people_per_batch:(s + 1) * people_per_batch])
            losses.append(float(step(tf.constant(x), tf.constant(y))))
        if epoch + 1 not in (1, epochs) and (epoch + 1) % 3:
            log(f"epoch {epoch + 1}/{epochs}: loss {np.mean(losses):.4f} ({time.time() - t_train:.0f} s)")
            continue
        recalibrate()
        metrics = evaluate(embed(model, test_x), test_y)
        history.append({"epoch": epoch + 1, "loss": float(np.mean(losses)), "accuracy": metrics["accuracy"],
                        "auc": metrics["auc"], "best_threshold": metrics["best_threshold"]})
        log(f"epoch {epoch + 1}/{epochs}: loss {np.mean(losses):.4f}, held-out accuracy at {THRESHOLD} "
            f"{metrics['accuracy']:.3f}, AUC {metrics['auc']:.4f}, best threshold {metrics['best_threshold']} "
            f"({time.time() - t_train:.0f} s)")
    metrics = evaluate(embed(model, test_x), test_y)
    card = {
        "name": "facenet",
        "model": "course_utils.models.facenet.facenet (Inception-style, 96x96x3 -> 128-d, L2-normalised)",
        "parameters": int(model.count_params()),
        "data": {"generator": "course_utils.datasets.identities.load_face_population",
                 "seed": data_seed, "train_identities": n_identities, "images_per_identity": images_per_identity,
                 "heldout_identities": heldout[0], "heldout_images_per_identity": heldout[1]},
        "training": {"seed": seed, "epochs": epochs, "steps": total, "batch": f"{people_per_batch} people x "
                     f"{photos_per_person} photos", "loss": f"triplet loss on squared distances, alpha={alpha}",
                     "mining": "semi-hard negatives within the batch (the farthest negative when none is semi-hard)",
                     "optimizer": f"Adam, cosine decay from {lr}",
                     "batch_norm": f"moving statistics re-estimated on {BN_BATCHES} training batches before "
                                   "each evaluation and at the end",
                     "seconds": round(time.time() - t0, 1), "cpu_seconds": round(time.process_time() - c0, 1),
                     "cpu_threads": os.cpu_count()},
        "heldout": metrics,
        "history": history,
    }
    return model, card


DESCRIPTION = "FaceNet-style embedding network on generated people (notebook 14): data/facenet.npz + .json"


def _whole(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value
    return parse


def add_arguments(parser) -> None:
    parser.add_argument("--epochs", type=_whole(1), default=6)
    parser.add_argument("--identities", type=_whole(32), default=2000, help="training people (at least 32)")
    parser.add_argument("--images-per-identity", type=_whole(4), default=8)
    parser.add_argument("--seed", type=_whole(0), default=0)


def run(args, log=print) -> dict:
    """Train, write ``<out>/facenet.npz`` (float16 kernels, :mod:`course_utils.models.storage`) and return the
    card (the caller writes it as ``<out>/facenet.json``)."""
    from ..datasets.identities import load_face_population
    from ..models.facenet import WEIGHTS_NAME, pretrained_facenet, save_weights
    from . import machine

    model, card = train(args.identities, args.images_per_identity, args.epochs, seed=args.seed, log=log)
    out = Path(args.out)
    path = out / f"{WEIGHTS_NAME}.npz"
    # every weight rounded to float16 (kernels are stored so; the batch normalizations' float32 copies then
    # hold exactly the same values)
    model.set_weights([np.asarray(w, np.float16).astype(np.float32) for w in model.get_weights()])
    size = save_weights(model, path)
    # the metrics of the weights as shipped (float16 kernels)
    shipped = pretrained_facenet(path)
    test_x, test_y = load_face_population("heldout", card["data"]["heldout_identities"],
                                          card["data"]["heldout_images_per_identity"], seed=card["data"]["seed"])
    card["heldout"] = evaluate(embed(shipped, test_x), test_y)
    card.update({"stem": WEIGHTS_NAME, "file": path.name, "file_bytes": size, "file_mb": round(size / 1e6, 2),
                 "storage": "every weight rounded to float16; kernels stored as float16, biases and batch "
                            "normalization as float32 (course_utils.models.storage.save_compact)",
                 "notebook": "14_face_recognition", "machine": machine(),
                 "command": getattr(args, "command", "python -m course_utils.pretrain facenet")})
    h = card["heldout"]
    log(f"saved {path} ({size / 1e6:.2f} MB): held-out verification accuracy {h['accuracy']:.3f} at "
        f"{h['threshold']}, AUC {h['auc']:.4f}, {card['training']['seconds']:.0f} s")
    return card


def main(argv=None) -> int:
    """``python -m course_utils.pretrain.facenet [--out DIR] [options]`` (the same as the registry's command)."""
    parser = argparse.ArgumentParser(prog="python -m course_utils.pretrain facenet", description=DESCRIPTION)
    parser.add_argument("--out", type=Path, default=None, help="folder for facenet.npz/.json (default: data/)")
    add_arguments(parser)
    args = parser.parse_args(argv)
    from .. import config

    args.out = Path(args.out or config.DATA_DIR)
    card = run(args, log=lambda m: print(m, flush=True))
    (args.out / f"{card['stem']}.json").write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
