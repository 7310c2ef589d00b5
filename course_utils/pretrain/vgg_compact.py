"""Train the compact VGG of notebook 15 on the course's own images: ``python -m course_utils.pretrain vgg_compact``.

Introduced in notebook 15 (neural style transfer). Style transfer only needs a network whose activations
describe images well; it never uses the classifier. The compact VGG (:func:`course_utils.models.vgg.compact_vgg`:
VGG-19's 16 convolutions and layer names, 16-32-64-128-128 channels) learns them by classifying 64x64 images
of the course's generators into 14 classes:

- the 6 hand signs of notebooks 09-12 (``course_utils.datasets.signs``);
- smiling / not smiling faces of notebook 11 (``course_utils.datasets.faces``);
- cat / non-cat pictures of notebooks 01-04 (``course_utils.datasets.cats``);
- crops of the 4 generated paintings of :mod:`course_utils.art`, drawn with other seeds (100 and up) than
  the notebook's (0), at several scales.

Training uses a batch normalization before every ReLU, a global average pooling and one dense layer; the
normalizations are then folded into the convolutions, so the shipped network is a plain stack of
convolutions with ReLU (float16 kernels, ``data/vgg_compact.npz``, card ``data/vgg_compact.json``).
Deterministic: the same arguments give the same weights on the same machine.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

DESCRIPTION = "compact VGG feature network for style transfer (notebook 15): data/vgg_compact.npz + .json"
CLASSES = ["sign 0", "sign 1", "sign 2", "sign 3", "sign 4", "sign 5", "not smiling", "smiling", "non-cat", "cat",
           "stained glass", "brush strokes", "concentric circles", "mosaic"]


def painting_crops(n_per_style: int, seed: int = 100, size: int = 64):
    """Random crops (n, 64, 64, 3) uint8 of generated paintings (seeds from ``seed``) and their style index."""
    from PIL import Image

    from .. import art

    rng = np.random.default_rng(seed)
    images, labels = [], []
    per_painting = 40
    for k, name in enumerate(art.STYLES):
        crops = []
        s = seed
        while len(crops) < n_per_style:
            painting = art.load_style(name, 224, seed=s)
            s += 1
            for _ in range(min(per_painting, n_per_style - len(crops))):
                side = int(rng.integers(56, 160))
                top, left = rng.integers(0, 224 - side + 1, size=2)
                crop = Image.fromarray(painting[top:top + side, left:left + side]).resize((size, size), Image.BILINEAR)
                crops.append(np.asarray(crop))
        images.extend(crops)
        labels.extend([k] * n_per_style)
    return np.stack(images), np.array(labels)


def load_training_data(n_signs=3000, n_faces=1200, n_cats=1200, n_paintings=600, test_fraction=0.1, seed=15):
    """(x_train, y_train, x_test, y_test): uint8 64x64 images and labels 0..13 (see :data:`CLASSES`)."""
    from ..datasets.cats import load_cat_dataset
    from ..datasets.faces import load_happy_dataset
    from ..datasets.signs import load_signs

    parts = []
    sx, sy, tx, ty, _ = load_signs(n_signs, max(60, int(n_signs * test_fraction)), seed=seed)
    parts.append((sx, sy.ravel(), tx, ty.ravel()))
    fx, fy, ftx, fty, _ = load_happy_dataset(n_faces, max(20, int(n_faces * test_fraction)), seed=seed)
    parts.append((fx, fy.ravel() + 6, ftx, fty.ravel() + 6))
    cx, cy, ctx, cty, _ = load_cat_dataset(n_cats, max(20, int(n_cats * test_fraction)), seed=seed)
    parts.append((cx, cy.ravel() + 8, ctx, cty.ravel() + 8))
    n_test_p = max(10, int(n_paintings * test_fraction))
    px, py = painting_crops(n_paintings + n_test_p, seed=100)
    is_test = np.zeros(len(px), bool)
    for k in range(4):
        is_test[np.flatnonzero(py == k)[-n_test_p:]] = True      # the last paintings of each style
    parts.append((px[~is_test], py[~is_test] + 10, px[is_test], py[is_test] + 10))
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts]).astype(np.int64)
    x_test = np.concatenate([p[2] for p in parts])
    y_test = np.concatenate([p[3] for p in parts]).astype(np.int64)
    return x_train, y_train, x_test, y_test


def train(epochs=3, batch=64, lr=2e-3, seed=0, data=None, log=print):
    """Train the batch-normalized compact VGG with a classifier head; return (plain folded trunk, card)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    from ..models.vgg import compact_vgg, fold_batch_norm

    t0, c0 = time.time(), time.process_time()
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    x_train, y_train, x_test, y_test = data if data is not None else load_training_data()
    log(f"data: {len(x_train)} training and {len(x_test)} test images, {len(CLASSES)} classes "
        f"({time.time() - t0:.0f} s)")
    trunk = compact_vgg(seed=seed, batch_norm=True, input_shape=(64, 64, 3))
    head = keras.layers.Dense(len(CLASSES), name="classifier")
    inputs = keras.Input((64, 64, 3))
    logits = head(keras.layers.GlobalAveragePooling2D()(trunk(inputs)))
    model = keras.Model(inputs, logits)
    steps_per_epoch = len(x_train) // batch
    schedule = keras.optimizers.schedules.CosineDecay(lr, epochs * steps_per_epoch, alpha=0.02)
    opt = keras.optimizers.Adam(schedule)
    opt.build(model.trainable_variables)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    def accuracy(net, x, y):
        pred = np.concatenate([np.argmax(np.asarray(net(x[k:k + 256].astype(np.float32) / 255.0, training=False)), 1)
                               for k in range(0, len(x), 256)])
        return float(np.mean(pred == y))

    rng = np.random.default_rng(seed)
    history = []
    for epoch in range(epochs):
        order = rng.permutation(len(x_train))
        losses = []
        for s in range(steps_per_epoch):
            idx = order[s * batch:(s + 1) * batch]
            x = x_train[idx].astype(np.float32) / 255.0
            flip = rng.random(len(idx)) < 0.5                          # horizontal flips
            x[flip] = x[flip, :, ::-1]
            losses.append(float(step(tf.constant(x), tf.constant(y_train[idx]))))
        acc = accuracy(model, x_test, y_test)
        history.append({"epoch": epoch + 1, "loss": float(np.mean(losses)), "test_accuracy": acc})
        log(f"epoch {epoch + 1}/{epochs}: loss {np.mean(losses):.4f}, test accuracy {acc:.3f} "
            f"({time.time() - t0:.0f} s)")
    plain = fold_batch_norm(trunk)
    card = {
        "name": "vgg_compact",
        "model": "course_utils.models.vgg.compact_vgg (VGG-19's 16 convolutions and layer names, 16-32-64-128-128 "
                 "channels, ReLU; batch normalizations folded into the convolutions)",
        "parameters": int(plain.count_params()),
        "data": {"classes": CLASSES, "train_images": int(len(x_train)), "test_images": int(len(x_test)),
                 "generators": ["course_utils.datasets.signs.load_signs", "course_utils.datasets.faces.load_happy_dataset",
                                "course_utils.datasets.cats.load_cat_dataset",
                                "course_utils.art (paintings, seeds 100 and up, random crops)"],
                 "seed": 15, "image_size": 64},
        "training": {"seed": seed, "epochs": epochs, "batch": batch, "steps": epochs * steps_per_epoch,
                     "optimizer": f"Adam, cosine decay from {lr}", "augmentation": "horizontal flips",
                     "head": "global average pooling + dense (14 classes), dropped after training",
                     "seconds": round(time.time() - t0, 1), "cpu_seconds": round(time.process_time() - c0, 1)},
        "history": history,
    }
    return plain, head, card


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
    parser.add_argument("--epochs", type=_whole(1), default=3)
    parser.add_argument("--seed", type=_whole(0), default=0)


def run(args, log=print) -> dict:
    """Train, write ``<out>/vgg_compact.npz`` (float16 kernels) and return the card."""
    import keras

    from ..models.storage import save_compact
    from ..models.vgg import STEM, pretrained_compact_vgg
    from . import machine

    data = load_training_data()
    plain, head, card = train(args.epochs, seed=args.seed, data=data, log=log)
    out = Path(args.out)
    path = out / f"{STEM}.npz"
    plain.set_weights([np.asarray(w, np.float16).astype(np.float32) for w in plain.get_weights()])
    save_compact(plain, path, kernels="float16", metadata={"notebook": "15_neural_style_transfer"})
    size = path.stat().st_size
    # accuracy of the shipped (float16, folded) trunk with the trained head
    shipped = pretrained_compact_vgg(path, scale=1)
    x_test, y_test = data[2], data[3]
    inputs = keras.Input((64, 64, 3))
    classifier = keras.Model(inputs, head(keras.layers.GlobalAveragePooling2D()(shipped(inputs))))
    pred = np.concatenate([np.argmax(np.asarray(classifier(x_test[k:k + 256].astype(np.float32) / 255.0)), 1)
                           for k in range(0, len(x_test), 256)])
    card["test_accuracy_shipped"] = float(np.mean(pred == y_test))
    card.update({"stem": STEM, "file": path.name, "file_bytes": size, "file_mb": round(size / 1e6, 2),
                 "storage": "kernels float16, biases float32 (course_utils.models.storage.save_compact)",
                 "notebook": "15_neural_style_transfer", "machine": machine(),
                 "command": getattr(args, "command", "python -m course_utils.pretrain vgg_compact")})
    log(f"saved {path} ({size / 1e6:.2f} MB): test accuracy of the shipped weights {card['test_accuracy_shipped']:.3f}")
    return card
