"""VGG-style feature networks for neural style transfer (notebook 15).

Introduced in notebook 15 (neural style transfer). Style transfer needs a convolutional network whose
intermediate activations describe an image: the original uses VGG-19 trained on ImageNet, whose weights
cannot be downloaded here. This module builds the networks the course compares (see
``python -m course_utils.style_compare``):

- :func:`vgg19` — the VGG-19 architecture without its classifier (16 convolutions in 5 blocks, Keras' layer
  names ``block1_conv1`` ... ``block5_conv4``, max pooling between blocks). Its weights are

  * ``"random"``: **random multi-scale** weights (:func:`randomize_multiscale`): every filter drawn from a
    normal distribution, made zero-mean (so it responds to changes, not to brightness) and of unit norm,
    then each layer scaled and shifted so that, on a few calibration images, each channel's
    pre-activation has unit spread and half of its values above 0. Without this, random activations
    vanish or explode across 16 layers and the deep layers carry nothing;
  * a path to the **Keras ImageNet no-top weight file** (``vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5``)
    when a user has it: loaded by :func:`course_utils.models.storage.load_weights`, with Keras' "caffe"
    preprocessing in front (RGB to BGR, ImageNet mean subtracted, 0-255 scale);
- :func:`compact_vgg` — the same 16 convolutions with the same names but 4 times fewer channels
  (16-32-64-128-128, 1.25 M parameters instead of 20 M), trained by ``python -m course_utils.pretrain
  vgg_compact`` on the course's own generated images, its batch normalizations folded into the
  convolutions. :func:`pretrained_compact_vgg` loads the shipped weights.

Every model takes images with values in [0, 1] (any height and width) and is a plain Keras model whose
layers can be read by name: :func:`feature_model` returns a model that outputs a list of activations.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

__all__ = ["BLOCKS", "CONV_NAMES", "VGG19_WIDTHS", "COMPACT_WIDTHS", "IMAGENET_MEAN_BGR", "vgg19", "compact_vgg",
           "randomize_multiscale", "feature_model", "pretrained_compact_vgg", "load_card", "feature_network",
           "style_network", "imagenet_weights_path", "IMAGENET_FILE", "DEFAULT_NETWORK", "FEATURE_SCALE",
           "scale_activations",
           "FEATURE_NETWORKS"]

#: Convolutions per block of VGG-19.
BLOCKS = (2, 2, 4, 4, 4)
#: Channels per block.
VGG19_WIDTHS = (64, 128, 256, 512, 512)
COMPACT_WIDTHS = (16, 32, 64, 128, 128)
#: Keras' layer names of the 16 convolutions.
CONV_NAMES = tuple(f"block{b + 1}_conv{k + 1}" for b, n in enumerate(BLOCKS) for k in range(n))
IMAGENET_MEAN_BGR = (103.939, 116.779, 123.68)
STEM = "vgg_compact"


def _build(widths, name: str, batch_norm: bool = False, caffe: bool = False, seed: int = 0, input_shape=(None, None, 3)):
    """The VGG convolutional trunk with Keras' layer names; optional batch normalization after each convolution."""
    import keras
    from keras import layers

    init = keras.initializers.HeNormal(seed=seed)
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    if caffe:  # Keras' ImageNet preprocessing: [0, 1] RGB -> 0-255 BGR minus the ImageNet mean
        mean = np.array(IMAGENET_MEAN_BGR, dtype=np.float32)
        x = layers.Lambda(lambda t: t[..., ::-1] * 255.0 - mean, name="caffe_preprocessing")(x)
    for b, (n, width) in enumerate(zip(BLOCKS, widths)):
        for k in range(n):
            conv_name = f"block{b + 1}_conv{k + 1}"
            if batch_norm:
                x = layers.Conv2D(width, 3, padding="same", use_bias=False, kernel_initializer=init,
                                  name=conv_name + "_linear")(x)
                x = layers.BatchNormalization(momentum=0.9, name=conv_name + "_bn")(x)
                x = layers.Activation("relu", name=conv_name)(x)
            else:
                x = layers.Conv2D(width, 3, padding="same", activation="relu", kernel_initializer=init,
                                  name=conv_name)(x)
        x = layers.MaxPooling2D(2, name=f"block{b + 1}_pool")(x)
    return keras.Model(inputs, x, name=name)


def vgg19(weights="random", input_shape=(None, None, 3), seed: int = 0, calibration=None):
    """VGG-19 without its classifier, input in [0, 1].

    ``weights``: ``"random"`` (random multi-scale weights, calibrated on ``calibration`` images
    (n, h, w, 3) in [0, 1], by default a few of the course's content photos and paintings), ``None``
    (He-normal initial weights, no calibration) or the path of the Keras ImageNet no-top ``.h5`` file.
    """
    if weights is None or weights == "random":
        model = _build(VGG19_WIDTHS, "vgg19_random" if weights else "vgg19", seed=seed, input_shape=input_shape)
        if weights == "random":
            randomize_multiscale(model, calibration, seed=seed)
        return model
    from .storage import load_weights

    model = _build(VGG19_WIDTHS, "vgg19_imagenet", caffe=True, input_shape=input_shape)
    load_weights(model, weights)
    return model


def default_calibration(size: int = 96) -> np.ndarray:
    """Calibration images for :func:`randomize_multiscale`: the course's content photos and paintings, in [0, 1]."""
    from .. import art

    images = [art.load_content(n, size) for n in art.CONTENTS]
    images += [art.load_style(n, size, seed=101) for n in art.STYLES]
    return np.stack(images).astype(np.float32) / 255.0


def randomize_multiscale(model, calibration=None, seed: int = 0) -> None:
    """Give every convolution of ``model`` random zero-mean unit-norm filters, scaled layer by layer.

    Going through the convolutions in order, each layer's kernel is drawn (seeded), each filter made
    zero-mean over its inputs and positions and of unit norm; then, on the calibration images, the
    kernel is divided by the spread of the layer's pre-activations and the bias set to minus their
    median, channel by channel: every channel keeps unit spread and is active on half the positions.
    """
    import keras

    x = np.asarray(default_calibration() if calibration is None else calibration, dtype=np.float32)
    rng = np.random.default_rng(seed)
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    for layer in convs:
        kernel, bias = (np.asarray(w) for w in layer.get_weights())
        k = rng.normal(size=kernel.shape).astype(np.float32)
        k -= k.mean(axis=(0, 1, 2), keepdims=True)
        k /= np.sqrt((k ** 2).sum(axis=(0, 1, 2), keepdims=True))
        layer.set_weights([k, np.zeros_like(bias)])
        probe = keras.Model(model.input, layer.output)
        activation = layer.activation
        layer.activation = keras.activations.linear            # read the pre-activations
        z = np.asarray(probe(x)).reshape(-1, k.shape[-1])
        layer.activation = activation
        spread = z.std(axis=0) + 1e-6
        k /= spread
        layer.set_weights([k, (-np.median(z, axis=0) / spread).astype(np.float32)])


def compact_vgg(seed: int = 0, input_shape=(None, None, 3), batch_norm: bool = False):
    """The compact VGG (16 convolutions, 16-32-64-128-128 channels), Keras' layer names, input in [0, 1].

    ``batch_norm=True`` builds the training version, with a batch normalization before each ReLU
    (:func:`fold_batch_norm` turns it into the plain version).
    """
    return _build(COMPACT_WIDTHS, "compact_vgg_bn" if batch_norm else "compact_vgg", batch_norm=batch_norm,
                  seed=seed, input_shape=input_shape)


def fold_batch_norm(trained, input_shape=(None, None, 3)):
    """The plain :func:`compact_vgg` computing what ``trained`` (built with ``batch_norm=True``) computes in inference."""
    plain = compact_vgg(input_shape=input_shape)
    for name in CONV_NAMES:
        (kernel,) = trained.get_layer(name + "_linear").get_weights()
        gamma, beta, mean, var = trained.get_layer(name + "_bn").get_weights()
        eps = trained.get_layer(name + "_bn").epsilon
        scale = gamma / np.sqrt(var + eps)
        plain.get_layer(name).set_weights([(kernel * scale).astype(np.float32),
                                           (beta - mean * scale).astype(np.float32)])
    return plain


#: Every activation of the shipped compact VGG is multiplied by this (see :func:`scale_activations`).
FEATURE_SCALE = 4.0


def scale_activations(model, k: float) -> None:
    """Multiply every activation of a ReLU convolution stack by ``k > 0``: the first kernel and every bias times ``k``.

    ReLU and max pooling commute with a positive factor, so each layer's output is ``k`` times what it was. With
    the notebook's fixed weights (alpha = 10, beta = 40) this sets the balance: the style cost grows as ``k**4``
    (a Gram matrix is a product of two activations, squared), the content cost as ``k**2``. Measured on the
    course's pairs (128 px, 400 steps, Adam 0.02): ``k = 1`` lowers the style cost by 76-80 %, ``k = 4`` by
    97-98 % with the layout kept (``python -m course_utils.style_compare`` shows the results).
    """
    import keras

    first = True
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            kernel, bias = layer.get_weights()
            layer.set_weights([kernel * k if first else kernel, bias * k])
            first = False


def pretrained_compact_vgg(path=None, scale: float = FEATURE_SCALE):
    """The compact VGG with the shipped weights (``data/vgg_compact.npz``) or those at ``path``, its activations
    multiplied by ``scale`` (:func:`scale_activations`)."""
    from .storage import find_weights, load_weights

    model = compact_vgg()
    load_weights(model, path or find_weights(STEM))
    if scale != 1:
        scale_activations(model, scale)
    return model


def load_card(path=None) -> dict:
    """The JSON card of the shipped compact VGG weights."""
    from .storage import find_weights

    path = Path(path) if path else find_weights(STEM, (".json",))
    return json.loads(path.read_text())


def feature_model(model, layer_names):
    """A model with the input of ``model`` that outputs the list of activations of ``layer_names``."""
    import keras

    outputs = [model.get_layer(name).output for name in layer_names]
    return keras.Model(model.input, outputs, name=model.name + "_features")


#: The feature networks the course compares, by name (see :func:`feature_network`).
FEATURE_NETWORKS = {
    "compact_vgg": "compact VGG (16 convolutions, 1.25 M parameters) pretrained on the course's images",
    "vgg19_random": "VGG-19 architecture with random multi-scale weights",
    "vgg19_imagenet": "VGG-19 with the Keras ImageNet weights (a file you provide)",
}


def feature_network(name: str = "compact_vgg", weights_path=None):
    """The trunk of one of :data:`FEATURE_NETWORKS` (``vgg19_imagenet`` needs ``weights_path``)."""
    if name == "compact_vgg":
        return pretrained_compact_vgg(weights_path)
    if name == "vgg19_random":
        return vgg19("random")
    if name == "vgg19_imagenet":
        if weights_path is None:
            raise FileNotFoundError("vgg19_imagenet needs the path of vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5")
        return vgg19(weights_path)
    raise KeyError(f"unknown feature network {name!r}; choose one of {', '.join(FEATURE_NETWORKS)}")


#: The Keras ImageNet weights of VGG-19 without its classifier, used when a user puts the file in the data folder.
IMAGENET_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
#: The feature network notebook 15 uses by default, chosen by measurement (``python -m course_utils.style_compare``).
DEFAULT_NETWORK = "compact_vgg"


def imagenet_weights_path():
    """The path of :data:`IMAGENET_FILE` in ``config.DATA_DIR`` or the repository's ``data/``, or None."""
    from .. import config

    for folder in (config.DATA_DIR, config.REPO_DIR / "data"):
        candidate = Path(folder) / IMAGENET_FILE
        if candidate.exists():
            return candidate
    return None


def style_network(name: str | None = None):
    """The feature network of notebook 15: VGG-19 with the ImageNet weights when the Keras file is present,
    else :data:`DEFAULT_NETWORK` (or the network ``name`` of :data:`FEATURE_NETWORKS`)."""
    if name is None:
        path = imagenet_weights_path()
        if path is not None:
            return vgg19(path)
        name = DEFAULT_NETWORK
    return feature_network(name)
