"""A FaceNet of the NN4-small2 kind: an Inception-style network that maps a face to a point on the unit sphere.

Introduced in notebook 14 (face recognition). Like FaceNet (Schroff et al.,
2015) it takes a 96x96x3 face (RGB values in [0, 1]) and returns a
128-dimensional embedding of length 1, trained with the triplet loss so that
two photos of one person land close together and photos of two people far
apart. Its 3.0 million parameters are of the original's order (3.7 M; the
NN4-small2 of OpenFace), but it is trained here, in 540 CPU-seconds (13
minutes on a busy 2-core machine), on generated people (``python -m course_utils.pretrain facenet``;
see ``data/facenet.json``). The generated faces have no detail finer than a
few pixels, so the network first averages 3x3 blocks (96 -> 32) and works at
32x32; like the original, most parameters sit in the last Inception blocks
(5a, 5b: 1x1 | 1x1 -> 3x3 | max pool -> 1x1, no 5x5 branch), where the grid
is smallest and a parameter costs least compute::

    AveragePooling 3x3 (96 -> 32) -> Conv 3x3 (32), BN, ReLU -> MaxPool 3x3/2      32 -> 16
    Conv 1x1 (32) -> Conv 3x3 (64), BN + ReLU each -> MaxPool 3x3/2                16 -> 8
    Inception 3a, 3b (1x1 | 1x1 -> 3x3 | 1x1 -> 5x5 | max pool -> 1x1)           8x8
    MaxPool 3x3/2 -> Inception 4a, 4b                                             4x4
    MaxPool 3x3/2 -> Inception 5a, 5b (1x1 | 1x1 -> 3x3 | max pool -> 1x1)        2x2
    GlobalAveragePooling -> Dense(128) -> L2 normalisation

:func:`img_to_encoding` reads an image file (or takes an array) and returns
its (1, 128) embedding, as in the original exercise.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

__all__ = ["INPUT_SHAPE", "EMBEDDING_SIZE", "WEIGHTS_NAME", "INCEPTION", "facenet", "faceRecoModel",
           "save_weights", "load_weights", "pretrained_facenet", "weights_path", "card_path", "load_card",
           "load_image", "img_to_encoding"]

INPUT_SHAPE = (96, 96, 3)
EMBEDDING_SIZE = 128
#: Stem of the shipped files in ``data/`` (``<stem>.npz`` and ``<stem>.json``).
WEIGHTS_NAME = "facenet"

#: Inception modules: name, (1x1, (3x3 reduce, 3x3), (5x5 reduce, 5x5) or None, pool projection).
#: A max pooling (3x3, stride 2) halves the grid before 4a and before 5a.
INCEPTION = (
    ("3a", (32, (48, 64), (8, 16), 16)),
    ("3b", (64, (64, 96), (16, 32), 32)),
    ("4a", (128, (96, 192), (32, 64), 64)),
    ("4b", (192, (128, 256), (32, 64), 64)),
    ("5a", (256, (144, 448), None, 128)),
    ("5b", (256, (144, 448), None, 128)),
)
_POOL_BEFORE = {"4a": "pool3", "5a": "pool4"}


def _conv(x, filters, kernel, name, strides=1):
    from keras import layers

    x = layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False, name=name + "_conv")(x)
    x = layers.BatchNormalization(momentum=0.9, epsilon=1e-3, name=name + "_bn")(x)
    return layers.ReLU(name=name + "_relu")(x)


def _inception(x, name, spec):
    from keras import layers

    one, (r3, f3), five, pool = spec
    branches = [_conv(x, one, 1, f"inception_{name}_1x1"),
                _conv(_conv(x, r3, 1, f"inception_{name}_3x3r"), f3, 3, f"inception_{name}_3x3")]
    if five is not None:
        r5, f5 = five
        branches.append(_conv(_conv(x, r5, 1, f"inception_{name}_5x5r"), f5, 5, f"inception_{name}_5x5"))
    bp = layers.MaxPooling2D(3, strides=1, padding="same", name=f"inception_{name}_pool")(x)
    branches.append(_conv(bp, pool, 1, f"inception_{name}_poolproj"))
    return layers.Concatenate(name=f"inception_{name}")(branches)


def facenet(input_shape=INPUT_SHAPE, embedding_size: int = EMBEDDING_SIZE, seed: int = 0):
    """Build the (untrained) embedding network: (m, 96, 96, 3) in [0, 1] -> (m, 128) of length 1.

    ``seed`` fixes the initial weights (Keras' global seed is set from it).
    """
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=tuple(input_shape), name="face")
    x = layers.AveragePooling2D(3, name="downsample")(inputs)
    x = _conv(x, 32, 3, "stem1")
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool1")(x)
    x = _conv(x, 32, 1, "stem2")
    x = _conv(x, 64, 3, "stem3")
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool2")(x)
    for name, spec in INCEPTION:
        if name in _POOL_BEFORE:
            x = layers.MaxPooling2D(3, strides=2, padding="same", name=_POOL_BEFORE[name])(x)
        x = _inception(x, name, spec)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = layers.Dense(embedding_size, name="dense")(x)
    outputs = layers.UnitNormalization(name="l2_normalize")(x)
    return keras.Model(inputs, outputs, name="facenet")


def faceRecoModel(input_shape=INPUT_SHAPE):  # noqa: N802 - the original exercise's name
    """The original exercise's name for :func:`facenet`."""
    return facenet(input_shape)


def weights_path() -> Path:
    from .. import config

    return config.DATA_DIR / f"{WEIGHTS_NAME}.npz"


def card_path() -> Path:
    from .. import config

    return config.DATA_DIR / f"{WEIGHTS_NAME}.json"


def save_weights(model, path) -> int:
    """Save ``model``'s weights in the course's compact format with float16 kernels (biases and batch
    normalizations in float32; :func:`course_utils.models.storage.save_compact`); returns the size in bytes."""
    from .storage import save_compact

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_compact(model, path, kernels="float16", metadata={"card": f"{WEIGHTS_NAME}.json",
                                                           "input": "RGB / 255, 96x96", "output": "128-d, unit length"})
    return path.stat().st_size


def load_weights(model, path) -> None:
    """Load weights into ``model`` from a compact ``.npz`` (:func:`save_weights`) or a Keras ``.h5``/``.keras`` file
    of the same architecture (:func:`course_utils.models.storage.load_weights`)."""
    from .storage import load_weights as load

    load(model, path)


def load_card(path=None) -> dict:
    """The JSON card of the shipped weights (data, training, metrics)."""
    return json.loads(Path(path or card_path()).read_text())


def pretrained_facenet(path=None):
    """The embedding network with the shipped weights (``data/facenet.npz``)."""
    path = Path(path) if path is not None else weights_path()
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `python -m course_utils.pretrain facenet` to train it")
    model = facenet()
    load_weights(model, path)
    return model


def load_image(image) -> np.ndarray:
    """An image path (PNG/JPEG) or a uint8 array -> (96, 96, 3) float32 in [0, 1]."""
    if isinstance(image, (str, Path)):
        from PIL import Image

        with Image.open(image) as im:
            im = im.convert("RGB")
            if im.size != INPUT_SHAPE[:2]:
                im = im.resize(INPUT_SHAPE[:2], Image.BILINEAR)
            image = np.asarray(im)
    image = np.asarray(image)
    if image.shape != INPUT_SHAPE:
        raise ValueError(f"a face image must be {INPUT_SHAPE} (height, width, RGB); got {image.shape}")
    if image.dtype == np.uint8:
        return image.astype(np.float32) / 255.0
    return image.astype(np.float32)


def img_to_encoding(image_path, model) -> np.ndarray:
    """The embedding of one face: an image path (or a (96, 96, 3) array) -> (1, 128) float32.

    Introduced in notebook 14. The image is scaled to [0, 1] and passed through ``model``;
    the result has length 1.
    """
    x = load_image(image_path)[None]
    e = np.asarray(model(x, training=False), dtype=np.float32)
    return e / np.linalg.norm(e, axis=1, keepdims=True)
