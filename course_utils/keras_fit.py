"""Feeding and following ``model.fit``: tf.data datasets and a one-line progress bar per training run.

Introduced in notebook 11 (Keras: the Happy House); for every notebook that
trains with ``model.fit``.

- :func:`to_dataset` turns NumPy arrays into a batched, optionally shuffled
  ``tf.data.Dataset``. On this stack (TF 2.21, Keras 3) ``fit`` on NumPy
  arrays stalls for 17-19 s at the start of about half the epochs on a CPU;
  a dataset does not (DESIGN §10). With a seed, the order of the examples is
  the same in every run.
- :class:`EpochProgress` is a Keras callback that shows :mod:`course_utils.progress`'s
  bar over the epochs (the latest metrics after it) instead of Keras' own
  per-step log, which is long and full of timings; it leaves one clean line
  in a saved notebook and can print the metrics every few epochs.

Importing this module silences Keras' warning that ``fit(shuffle=True)`` (its
default) is ignored for a dataset: :func:`to_dataset` shuffles the examples
itself.

Usage::

    train_ds = to_dataset(X_train, Y_train, batch_size=16, shuffle=True)
    history = model.fit(train_ds, epochs=10, verbose=0, callbacks=[EpochProgress(10, "HappyModel")])
"""

from __future__ import annotations

import warnings

import keras
import numpy as np

from .progress import progress

__all__ = ["to_dataset", "EpochProgress"]

warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed, but will be ignored")


def to_dataset(X, Y=None, batch_size: int = 32, shuffle: bool = False, seed: int = 1):
    """A ``tf.data.Dataset`` of mini-batches of ``X`` (and ``Y``), as float32, for ``fit``/``evaluate``/``predict``.

    ``X`` has one example per row (``(m, 64, 64, 3)`` images); ``Y``, when
    given, as many rows (``(m, 1)`` or one-hot ``(m, C)``). With ``shuffle``
    the examples are drawn in a new order at every epoch, from ``seed``: the
    same orders in every run.
    """
    import tensorflow as tf

    X = np.asarray(X, dtype=np.float32)
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1; got {batch_size}")
    if Y is None:
        data = X
    else:
        Y = np.asarray(Y, dtype=np.float32)
        if len(Y) != len(X):
            raise ValueError(f"X has {len(X)} examples (rows) but Y has {len(Y)}: give Y one row per example "
                             "(e.g. Y_orig.T)")
        data = (X, Y)
    dataset = tf.data.Dataset.from_tensor_slices(data)
    if shuffle:
        dataset = dataset.shuffle(len(X), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _format_logs(logs, keys=None) -> str:
    logs = logs or {}
    keys = [k for k in (keys or logs) if k in logs]
    return ", ".join(f"{k} {float(logs[k]):.4f}" for k in keys)


class EpochProgress(keras.callbacks.Callback):
    """A progress bar over the epochs of ``fit`` (pass ``verbose=0`` to ``fit``).

    ``desc`` titles the bar; the latest ``logs`` (loss, accuracy, and the
    validation metrics when ``fit`` has ``validation_data``) follow it, and
    stay in the final line, e.g. ``HappyModel: 10/10 epochs, loss 0.0866,
    accuracy 0.9767, ...``. With ``print_every=k`` the metrics of every k-th
    epoch (and of the last) are also printed. ``history_keys`` limits the
    metrics shown.
    """

    def __init__(self, epochs: int, desc: str = "fit", print_every: int | None = None, history_keys=None,
                 disable: bool = False):
        super().__init__()
        self.epochs, self.desc, self.print_every = int(epochs), str(desc), print_every
        self.keys, self.disable = history_keys, disable
        self.bar, self._steps = None, None

    def on_train_begin(self, logs=None):
        self.bar = progress(range(self.epochs), desc=self.desc, unit="epochs", disable=self.disable)
        self._steps = iter(self.bar)
        next(self._steps, None)  # the bar counts an epoch when the next one is asked for

    def on_epoch_end(self, epoch, logs=None):
        text = _format_logs(logs, self.keys)
        self.bar.set_postfix_str(text)
        if self.print_every and ((epoch + 1) % self.print_every == 0 or epoch + 1 == self.epochs):
            print(f"epoch {epoch + 1:3d}/{self.epochs}: {text}", flush=True)
        next(self._steps, None)

    def on_train_end(self, logs=None):
        if self.bar is not None:
            self.bar.close()
