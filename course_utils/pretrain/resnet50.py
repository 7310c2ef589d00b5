"""Pretrain the ResNet-50 of notebook 12 on the hand signs: ``python -m course_utils.pretrain resnet50``.

Introduced in notebook 12 (residual networks). Writes ``data/resnet50_signs.npz`` (compact
format of :mod:`course_utils.models.storage`: int8 kernels) and ``data/resnet50_signs.json``.

What it does, deterministically (``course_utils.setup``: seeds and TensorFlow's op determinism):

- data: ``load_signs(n_train=TRAIN_SIZE, seed=1)``, more images than the notebook's 1080 drawn by the
  same generator (ResNet-50 has 23.6 M parameters; fresh images work better than passing over 1080
  again and again). No augmentation. The test set is the standard one, ``load_signs()``'s 120 images,
  never trained on;
- training: Adam, batches of 32, a learning rate warming up to ``--learning-rate`` over the first
  steps and then decaying to 0 along a cosine; the test accuracy is measured every ``--eval-every``
  images and printed with the running loss and accuracy;
- at the end: the accuracy on the notebook's training set (``load_signs()``, 1080 images) and test set,
  in float32 and again after writing the compact file and restoring it into a fresh model.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from . import machine

DESCRIPTION = "ResNet-50 on the hand signs (notebook 12): data/resnet50_signs.npz + .json"
STEM = "resnet50_signs"
DATA_SEED = 1  # the seed of load_signs(): the standard test set belongs to it


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value:g}")
    return value


def add_arguments(parser) -> None:
    parser.add_argument("--epochs", type=positive_int, default=1, help="passes over the training images (default 1)")
    parser.add_argument("--train-size", type=positive_int, default=21600,
                        help="training images drawn by load_signs(n_train=..., seed=1) (default 21600)")
    parser.add_argument("--batch-size", type=positive_int, default=32)
    parser.add_argument("--learning-rate", type=positive_float, default=1e-3, help="Adam's peak learning rate")
    parser.add_argument("--warmup-steps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1, help="seed of the shuffling and of Keras (default 1)")
    parser.add_argument("--eval-every", type=positive_int, default=2160, help="images between two test evaluations")
    parser.add_argument("--kernels", choices=["int8", "float16", "float32"], default="int8",
                        help="how the shipped file stores the kernels (default int8)")


def _positive(args, *names) -> None:
    for name in names:
        value = getattr(args, name)
        if not (isinstance(value, (int, float)) and value > 0):
            raise ValueError(f"--{name.replace('_', '-')} must be positive, got {value!r}")


def _scale(images, labels):
    import tensorflow as tf

    return tf.cast(images, tf.float32) / 255.0, labels


def _images_only(images, labels):
    return images


def _dataset(x, y, batch_size, shuffle_seed=None):
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((x, y.astype(np.int64)))
    if shuffle_seed is not None:
        ds = ds.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).map(_scale).prefetch(2)


def _probabilities(model, x, y, batch_size=64) -> np.ndarray:
    return model.predict(_dataset(x, y, batch_size).map(_images_only), verbose=0)


def accuracy(model, x, y, batch_size=64) -> float:
    """Fraction of images whose most probable class is the label (batch normalization in inference mode)."""
    return float(np.mean(np.argmax(_probabilities(model, x, y, batch_size), axis=1) == y))


def run(args, log=print, build_model=None) -> dict:
    """Train, write ``<out>/resnet50_signs.npz`` and return the card (the caller writes the JSON)."""
    import tensorflow  # noqa: F401  (imported before setup(), so that setup seeds TensorFlow too)

    import course_utils
    from course_utils.datasets.signs import GENERATOR_VERSION, load_signs

    from ..models.resnet import resnet50
    from ..models.storage import save_compact

    _positive(args, "epochs", "train_size", "batch_size", "learning_rate", "eval_every")
    if args.warmup_steps < 0:
        raise ValueError(f"--warmup-steps must be 0 or more, got {args.warmup_steps!r}")
    build_model = build_model or resnet50
    started, cpu_started = time.time(), time.process_time()
    import keras

    keras.backend.clear_session()  # layer names (kept in the file's manifest) start from scratch, as in a new process
    course_utils.setup(seed=args.seed, verbose=False)
    host = machine()
    log(f"pretrain resnet50: {args.train_size} training images, {args.epochs} epoch(s), batch {args.batch_size}, "
        f"seed {args.seed}; {host.get('cpu_count')} cores, load {host.get('load_average')}")

    x_train, y_train, x_test, y_test, _ = load_signs(n_train=args.train_size, n_test=120, seed=DATA_SEED,
                                                     use_cache=False)
    x_std, y_std, x_test_std, y_test_std, _ = load_signs()
    assert np.array_equal(x_test, x_test_std) and np.array_equal(y_test, y_test_std), "not the standard test set"
    y_train, y_test, y_std = y_train[0], y_test[0], y_std[0]
    log(f"data: {len(x_train)} training images drawn in {time.time() - started:.1f} s; test set: {len(x_test)}")

    model = build_model()
    steps_per_epoch = -(-len(x_train) // args.batch_size)
    total_steps = steps_per_epoch * args.epochs
    warmup = min(args.warmup_steps, total_steps - 1)
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=args.learning_rate / 10 if warmup else args.learning_rate,
        decay_steps=max(total_steps - warmup, 1), alpha=0.0,
        warmup_target=args.learning_rate if warmup else None, warmup_steps=warmup)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])

    history = []
    every = max(1, args.eval_every // args.batch_size)
    t_train = time.time()

    class Monitor(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.epoch = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            step = self.epoch * steps_per_epoch + batch + 1
            if step % every and step != total_steps:
                return
            test_acc = accuracy(self.model, x_test, y_test)
            row = {"step": step, "images": min(step * args.batch_size, args.epochs * len(x_train)),
                   "loss": round(float(logs["loss"]), 4), "train_accuracy_running": round(float(logs["accuracy"]), 4),
                   "test_accuracy": round(test_acc, 4), "seconds": round(time.time() - t_train, 1)}
            history.append(row)
            log(f"step {step:5d}/{total_steps} ({row['images']} images): loss {row['loss']:.4f}, "
                f"running train accuracy {row['train_accuracy_running']:.3f}, test accuracy {test_acc:.3f}, "
                f"{row['seconds']:.0f} s")

    model.fit(_dataset(x_train, y_train, args.batch_size, shuffle_seed=args.seed), epochs=args.epochs,
              verbose=0, shuffle=False, callbacks=[Monitor()])
    train_seconds = time.time() - t_train

    metrics = {"float32": {"train_accuracy": accuracy(model, x_std, y_std),
                           "test_accuracy": accuracy(model, x_test, y_test)}}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{STEM}.npz"
    save_compact(model, path, kernels=args.kernels,
                 metadata={"card": f"{STEM}.json", "classes": [0, 1, 2, 3, 4, 5], "input": "RGB / 255, 64x64"})
    restored = build_model()
    from ..models.storage import load_weights

    load_weights(restored, path)
    metrics["restored"] = {"train_accuracy": accuracy(restored, x_std, y_std),
                           "test_accuracy": accuracy(restored, x_test, y_test)}
    probs, probs_r = _probabilities(model, x_test, y_test), _probabilities(restored, x_test, y_test)
    metrics["restored"]["max_probability_change_on_test"] = round(float(np.max(np.abs(probs - probs_r))), 6)
    metrics["restored"]["test_predictions_changed"] = int(np.sum(probs.argmax(1) != probs_r.argmax(1)))
    for part in metrics.values():
        for key in ("train_accuracy", "test_accuracy"):
            part[key] = round(part[key], 4)
    total_seconds = time.time() - started
    size = path.stat().st_size
    log(f"done in {total_seconds:.0f} s (training {train_seconds:.0f} s): test accuracy "
        f"{metrics['float32']['test_accuracy']:.4f} (float32), {metrics['restored']['test_accuracy']:.4f} "
        f"(restored from {path.name}, {size / 1e6:.2f} MB)")
    return {
        "stem": STEM,
        "model": model.name,
        "architecture": "course_utils.models.resnet.resnet50(input_shape=(64, 64, 3), classes=6)",
        "notebook": "12_residual_networks",
        "parameters": int(model.count_params()),
        "file": path.name,
        "file_bytes": size,
        "file_mb": round(size / 1e6, 2),
        "storage": (f"{args.kernels} kernels" + (" with one float32 scale per output channel" if args.kernels == "int8"
                                                 else "") + "; biases and batch normalization in float32"),
        "data": {
            "loader": "course_utils.datasets.signs.load_signs",
            "generator_version": GENERATOR_VERSION,
            "train": f"load_signs(n_train={args.train_size}, seed={DATA_SEED}): {len(x_train)} generated images",
            "test": f"load_signs() standard test set: {len(x_test)} images, never trained on",
            "train_accuracy_on": f"load_signs() standard training set: {len(x_std)} images",
            "augmentation": "none (more generated images instead)",
            "input": "RGB / 255, 64x64x3",
        },
        "seed": args.seed,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "steps": total_steps,
        "optimizer": (f"Adam, learning rate {args.learning_rate:g} after {warmup} warm-up steps from "
                      f"{args.learning_rate / 10:g}, then cosine decay to 0"),
        "loss": "sparse categorical cross-entropy",
        "metrics": metrics,
        "history": history,
        "time": {"total_seconds": round(total_seconds, 1), "train_seconds": round(train_seconds, 1),
                 "cpu_seconds": round(time.process_time() - cpu_started, 1),
                 "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started))},
        "machine": host | {"load_average_end": machine().get("load_average")},
        "command": getattr(args, "command", f"python -m course_utils.pretrain resnet50 --epochs {args.epochs}"),
        "deterministic": "the same command on the same machine gives the same weights (op determinism, fixed seeds)",
    }
