"""Train the compact YOLOv2 detector of notebook 13 on driving scenes: ``python -m course_utils.pretrain yolo``.

Introduced in notebook 13 (car detection with YOLO). Writes ``data/yolo_scenes.npz`` (compact
format of :mod:`course_utils.models.storage`, float16 kernels by default) and ``data/yolo_scenes.json``.

What it does, deterministically (``course_utils.setup``: seeds and TensorFlow's op determinism):

- data: ``load_scenes(--train-size, seed=0, size=--input-size)`` for training and
  ``load_scenes(--test-size, seed=1, ...)`` (300 held-out scenes) for the evaluation; the two seeds
  are separate streams, so no held-out scene is trained on. Training images are mirrored left-right
  with chance ``--flip`` (boxes mirrored with them), from a seeded NumPy generator;
- anchors: k-means with the ``1 - IoU`` distance (:func:`course_utils.models.yolo.kmeans_anchors`)
  on the training boxes' sizes in grid cells;
- model: :func:`course_utils.models.yolo.yolo_compact` (``--width``); loss:
  :func:`course_utils.models.yolo.yolo_loss` (YOLOv2's weights); Adam with a linear warm-up and a
  cosine decay to 0; ``--steps`` stops early (for tests and quick trials);
- evaluation: :func:`course_utils.models.yolo.detect` (score >= 0.01, per-class NMS at IoU 0.5, up to
  100 boxes) and :func:`course_utils.models.yolo.evaluate_detections` (AP at IoU 0.5 per class, mAP),
  in float32 and again after writing the compact file and restoring it into a fresh model.

The card records the anchors, per-class AP, mAP, the loss history and the time; the anchors and
class names are also in the weight file's metadata, which :func:`course_utils.models.yolo.pretrained_yolo`
reads.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from . import machine
from .resnet50 import positive_float, positive_int

DESCRIPTION = "compact YOLOv2 detector on the driving scenes (notebook 13): data/yolo_scenes.npz + .json"
STEM = "yolo_scenes"
TRAIN_SEED, TEST_SEED = 0, 1       # seeds of load_scenes(): training and held-out streams
EVAL = {"score_threshold": 0.01, "iou_threshold": 0.5, "max_boxes": 100}
MAX_BOXES = 40                     # true boxes per image kept for the loss's ignore rule


def fraction(text: str) -> float:
    """argparse type: a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1, got {value:g}")
    return value


def image_size(text: str) -> tuple:
    """argparse type: ``256`` (a square) or ``256x448`` (height x width), multiples of 16."""
    from ..models.yolo import input_shape

    try:
        parts = [int(v) for v in str(text).lower().split("x")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 256 or 256x448 (height x width), got {text!r}") from None
    try:
        return input_shape(parts[0] if len(parts) == 1 else parts)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_arguments(parser) -> None:
    parser.add_argument("--train-size", type=positive_int, default=6000,
                        help="training scenes drawn by load_scenes(n, seed=0) (default 6000)")
    parser.add_argument("--test-size", type=positive_int, default=300, help="held-out scenes (seed 1; default 300)")
    parser.add_argument("--epochs", type=positive_int, default=8, help="passes over the training scenes (default 8)")
    parser.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: all epochs)")
    parser.add_argument("--batch-size", type=positive_int, default=16)
    parser.add_argument("--learning-rate", type=positive_float, default=1e-3, help="Adam's peak learning rate")
    parser.add_argument("--warmup-steps", type=int, default=100)
    parser.add_argument("--input-size", type=image_size, default=(224, 384),
                        help="model input: HEIGHTxWIDTH, multiples of 16 (default 224x384, a 720x1280 frame's "
                             "proportions), or one number for a square")
    parser.add_argument("--width", type=positive_float, default=0.75,
                        help="scales every layer's filters (default 0.75: 1.31 M parameters, 0.55 GMAC per image)")
    parser.add_argument("--anchors", type=positive_int, default=5, help="number of anchors (k-means)")
    parser.add_argument("--flip", type=fraction, default=0.5, help="chance of mirroring a training image")
    parser.add_argument("--seed", type=int, default=1, help="seed of Keras, the batches and the flips (default 1)")
    parser.add_argument("--log-every", type=positive_int, default=50, help="steps between two log lines")
    parser.add_argument("--kernels", choices=["int8", "float16", "float32"], default="float16",
                        help="how the shipped file stores the kernels (default float16)")


def _check(args) -> None:
    for name in ("train_size", "test_size", "epochs", "batch_size", "learning_rate", "width",
                 "anchors", "log_every"):
        value = getattr(args, name)
        if not (isinstance(value, (int, float)) and value > 0):
            raise ValueError(f"--{name.replace('_', '-')} must be positive, got {value!r}")
    if args.steps < 0 or args.warmup_steps < 0:
        raise ValueError("--steps and --warmup-steps must be 0 or more")
    from ..models.yolo import input_shape

    args.input_size = input_shape(args.input_size)          # ValueError unless multiples of 16
    if args.batch_size > args.train_size:
        raise ValueError(f"--batch-size ({args.batch_size}) is larger than --train-size ({args.train_size})")


def flip_boxes(boxes: np.ndarray, width: float) -> np.ndarray:
    """Boxes ``(class, x1, y1, x2, y2)`` of an image mirrored left-right (``width`` pixels wide)."""
    out = np.array(boxes, dtype=np.float32).reshape(-1, 5)
    out[:, 1], out[:, 3] = width - out[:, 3], width - out[:, 1]
    return out


def predict_detections(model, images, anchors, num_classes: int, batch_size: int = 32, **kwargs) -> list:
    """:func:`course_utils.models.yolo.detect` over uint8 images, in batches (inference mode)."""
    from ..models.yolo import detect

    out = []
    for start in range(0, len(images), batch_size):
        x = images[start:start + batch_size].astype(np.float32) / 255.0
        out += detect(model(x, training=False), anchors, num_classes, images.shape[1:3], **kwargs)
    return out


def evaluate(model, images, boxes, anchors, num_classes: int) -> dict:
    """Per-class AP at IoU 0.5 and mAP on ``images`` with true ``boxes`` (rounded for the card)."""
    from ..datasets.scenes import CLASSES
    from ..models.yolo import evaluate_detections

    result = evaluate_detections(predict_detections(model, images, anchors, num_classes, **EVAL), boxes, num_classes)
    return {"map": round(result["map"], 4),
            "ap": {CLASSES[c]: (None if np.isnan(a) else round(a, 4)) for c, a in enumerate(result["ap"])},
            "true_boxes": dict(zip(CLASSES, result["n_true"]))}


def run(args, log=print) -> dict:
    """Train, write ``<out>/yolo_scenes.npz`` and return the card (the caller writes the JSON)."""
    import tensorflow as tf

    import course_utils

    from ..datasets.scenes import CLASSES, GENERATOR_VERSION, load_scenes
    from ..models.storage import load_weights, save_compact
    from ..models.yolo import LOSS_WEIGHTS, kmeans_anchors, preprocess_batch, yolo_compact, yolo_loss

    _check(args)
    started, cpu_started = time.time(), time.process_time()
    import keras

    keras.backend.clear_session()
    course_utils.setup(seed=args.seed, verbose=False)
    host = machine()
    size, C = args.input_size, len(CLASSES)                            # size: (height, width)
    H, W = size
    grid = (H // 16, W // 16)
    log(f"pretrain yolo: {args.train_size} training scenes at {H}x{W}, {args.epochs} epoch(s), batch "
        f"{args.batch_size}, seed {args.seed}; {host.get('cpu_count')} cores, load {host.get('load_average')}")

    images, boxes = load_scenes(args.train_size, seed=TRAIN_SEED, size=size)
    test_images, test_boxes = load_scenes(args.test_size, seed=TEST_SEED, size=size)
    log(f"data: {len(images)} training and {len(test_images)} held-out scenes in {time.time() - started:.1f} s")

    all_boxes = np.concatenate(boxes)
    wh = np.stack([(all_boxes[:, 3] - all_boxes[:, 1]) / W * grid[1], (all_boxes[:, 4] - all_boxes[:, 2]) / H * grid[0]],
                  axis=1)
    anchors, anchor_iou = kmeans_anchors(wh, k=args.anchors, seed=0)
    log(f"anchors (grid cells of {grid[0]}x{grid[1]}): {np.round(anchors, 3).tolist()}, mean best IoU {anchor_iou:.3f}")

    def build():
        return yolo_compact(num_classes=C, num_anchors=args.anchors, input_size=size, width=args.width,
                            seed=args.seed)

    model = build()
    steps_per_epoch = len(images) // args.batch_size
    total_steps = steps_per_epoch * args.epochs
    if args.steps:
        total_steps = min(total_steps, args.steps)
    warmup = min(args.warmup_steps, max(total_steps - 1, 0))
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=args.learning_rate / 10 if warmup else args.learning_rate,
        decay_steps=max(total_steps - warmup, 1), alpha=0.0,
        warmup_target=args.learning_rate if warmup else None, warmup_steps=warmup)
    optimizer = keras.optimizers.Adam(schedule)

    @tf.function(reduce_retracing=True)
    def train_step(x, y_true, true_boxes):
        with tf.GradientTape() as tape:
            pred = model(x, training=True)
            loss, parts = yolo_loss(y_true, pred, anchors, C, true_boxes=true_boxes, return_parts=True)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss, parts

    rng = np.random.default_rng(args.seed)
    history, running, dropped = [], [], 0
    step = 0
    t_train = time.time()
    for epoch in range(args.epochs):
        order = rng.permutation(len(images))
        for b in range(steps_per_epoch):
            if step >= total_steps:
                break
            idx = np.sort(order[b * args.batch_size:(b + 1) * args.batch_size])
            x = images[idx].copy()
            batch_boxes = [boxes[i] for i in idx]
            flips = rng.random(len(idx)) < args.flip
            for k in np.flatnonzero(flips):
                x[k] = x[k, :, ::-1]
                batch_boxes[k] = flip_boxes(batch_boxes[k], W)
            y_true, true_boxes = preprocess_batch(batch_boxes, anchors, size, grid, MAX_BOXES)
            dropped += int(sum(len(bb) for bb in batch_boxes) - y_true[..., 4].sum())
            loss, parts = train_step(tf.constant(x.astype(np.float32) / 255.0), tf.constant(y_true),
                                     tf.constant(true_boxes))
            step += 1
            running.append([float(loss)] + [float(parts[k]) for k in ("coord", "object", "no_object", "class")])
            if step % args.log_every == 0 or step == total_steps:
                mean = np.mean(running, axis=0)
                running = []
                row = {"step": step, "epoch": epoch + 1, "loss": round(float(mean[0]), 4),
                       "parts": dict(zip(("coord", "object", "no_object", "class"),
                                         (round(float(v), 4) for v in mean[1:]))),
                       "seconds": round(time.time() - t_train, 1)}
                history.append(row)
                log(f"step {step:5d}/{total_steps} (epoch {epoch + 1}): loss {row['loss']:.3f} "
                    f"(coord {mean[1]:.3f}, object {mean[2]:.3f}, no object {mean[3]:.3f}, class {mean[4]:.3f}), "
                    f"{row['seconds']:.0f} s")
    train_seconds = time.time() - t_train

    metrics = {"float32": evaluate(model, test_images, test_boxes, anchors, C)}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{STEM}.npz"
    meta = {"card": f"{STEM}.json", "classes": list(CLASSES), "anchors": np.round(anchors, 6).tolist(),
            "input": f"RGB / 255, {H}x{W}", "input_shape": [H, W], "grid": list(grid), "width": args.width}
    save_compact(model, path, kernels=args.kernels, metadata=meta)
    restored = build()
    load_weights(restored, path)
    metrics["restored"] = evaluate(restored, test_images, test_boxes, anchors, C)
    total_seconds = time.time() - started
    file_size = path.stat().st_size
    log(f"done in {total_seconds:.0f} s (training {train_seconds:.0f} s): held-out mAP@0.5 "
        f"{metrics['float32']['map']:.4f} (float32), {metrics['restored']['map']:.4f} (restored from {path.name}, "
        f"{file_size / 1e6:.2f} MB); AP {metrics['restored']['ap']}")
    return {
        "stem": STEM,
        "model": model.name,
        "architecture": (f"course_utils.models.yolo.yolo_compact(num_classes={C}, num_anchors={args.anchors}, "
                         f"input_size={size if H != W else H}, width={args.width:g})"),
        "notebook": "13_yolo_car_detection",
        "parameters": int(model.count_params()),
        "file": path.name,
        "file_bytes": file_size,
        "file_mb": round(file_size / 1e6, 2),
        "storage": f"{args.kernels} kernels; biases and batch normalization in float32",
        "classes": list(CLASSES),
        "anchors": meta["anchors"],
        "anchor_mean_iou": round(anchor_iou, 4),
        "grid": list(grid),
        "data": {
            "loader": "course_utils.datasets.scenes.load_scenes",
            "generator_version": GENERATOR_VERSION,
            "train": f"load_scenes({args.train_size}, seed={TRAIN_SEED}, size={size}): {len(images)} scenes, "
                     f"{len(all_boxes)} boxes",
            "test": f"load_scenes({args.test_size}, seed={TEST_SEED}, size={size}): held out, never trained on",
            "augmentation": f"left-right mirror with chance {args.flip:g}",
            "targets_dropped": dropped,
        },
        "seed": args.seed,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "steps": total_steps,
        "optimizer": (f"Adam, learning rate {args.learning_rate:g} after {warmup} warm-up steps from "
                      f"{args.learning_rate / 10:g}, then cosine decay to 0"),
        "loss": f"YOLOv2 sum of squared errors (course_utils.models.yolo.yolo_loss), weights {LOSS_WEIGHTS}",
        "evaluation": f"AP at IoU 0.5 (PASCAL VOC, all points) on the held-out scenes; detect({EVAL})",
        "metrics": metrics,
        "history": history,
        "time": {"total_seconds": round(total_seconds, 1), "train_seconds": round(train_seconds, 1),
                 "cpu_seconds": round(time.process_time() - cpu_started, 1),
                 "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started))},
        "machine": host | {"load_average_end": machine().get("load_average")},
        "command": getattr(args, "command", f"python -m course_utils.pretrain yolo --epochs {args.epochs}"),
        "deterministic": "the same command on the same machine gives the same weights (op determinism, fixed seeds)",
    }
