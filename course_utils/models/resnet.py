"""The reference ResNet-50 of notebook 12 (residual networks), built from a table of stages.

Introduced in notebook 12. The learner writes ``identity_block``,
``convolutional_block`` and ``ResNet50`` in the notebook; this module builds
the same network (the same layers, in the same order, with the same
initializers and shapes) for the pretraining script
(``python -m course_utils.pretrain resnet50``), for loading the shipped
weights (:func:`pretrained_resnet50`) and for the tests.

The network (He et al., 2016, "Deep residual learning", the 50-layer
"bottleneck" variant), for 64x64x3 inputs and 6 classes::

    ZeroPadding2D(3) -> Conv2D(64, 7x7, stride 2) -> BatchNorm -> ReLU -> MaxPool(3x3, stride 2)
    stage 2: projection block [64, 64, 256], stride 1, then 2 identity blocks
    stage 3: projection block [128, 128, 512], stride 2, then 3 identity blocks
    stage 4: projection block [256, 256, 1024], stride 2, then 5 identity blocks
    stage 5: projection block [512, 512, 2048], stride 2, then 2 identity blocks
    AveragePooling2D(2x2) -> Flatten -> Dense(classes, softmax)

23,600,006 parameters (23,546,886 trainable; the 53,120 others are the
moving means and variances of the batch normalizations).

Batch normalization follows Keras' ``training`` convention: ``training=None``
(the default here) lets ``fit`` use the statistics of each batch and
``predict``/``evaluate`` the moving averages.
"""

from __future__ import annotations

__all__ = ["STAGES", "PARAMETERS", "TRAINABLE_PARAMETERS", "bottleneck", "resnet50", "pretrained_resnet50",
           "WEIGHTS_NAME"]

#: (filters F1, F2, F3; stride of the projection block; identity blocks after it), stage 2 to stage 5.
STAGES = (
    ((64, 64, 256), 1, 2),
    ((128, 128, 512), 2, 3),
    ((256, 256, 1024), 2, 5),
    ((512, 512, 2048), 2, 2),
)

PARAMETERS = 23_600_006
TRAINABLE_PARAMETERS = 23_546_886

#: Stem of the shipped weight files in ``data/`` (``<stem>.npz`` and ``<stem>.json``).
WEIGHTS_NAME = "resnet50_signs"


def bottleneck(x, f, filters, stride=1, projection=False, training=None, initializer=None):
    """One bottleneck residual block: 1x1 -> fxf -> 1x1 convolutions (each followed by a batch
    normalization over the channels), ReLU between them, the shortcut added, then ReLU.

    ``projection=True`` is the *convolutional block*: the first 1x1 convolution has stride
    ``stride`` and the shortcut is a 1x1 convolution of stride ``stride`` and a batch
    normalization, so the shapes match. ``projection=False`` is the *identity block*: the
    input is added as it is (it must already have ``filters[2]`` channels, and ``stride`` is 1).

    ``initializer`` is a factory called as ``initializer(seed=0)`` for every kernel; by default
    ``RandomUniform`` for an identity block and ``GlorotUniform`` for a convolutional block.
    """
    from keras import initializers, layers

    if initializer is None:
        initializer = initializers.GlorotUniform if projection else initializers.RandomUniform
    if not projection and stride != 1:
        raise ValueError("an identity block keeps the shape: stride must be 1")
    f1, f2, f3 = filters

    def conv_bn(t, n, k, s, padding):
        t = layers.Conv2D(n, k, strides=s, padding=padding, kernel_initializer=initializer(seed=0))(t)
        return layers.BatchNormalization(axis=3)(t, training=training)

    shortcut = x
    x = conv_bn(x, f1, 1, stride, "valid")
    x = layers.Activation("relu")(x)
    x = conv_bn(x, f2, f, 1, "same")
    x = layers.Activation("relu")(x)
    x = conv_bn(x, f3, 1, 1, "valid")
    if projection:
        shortcut = conv_bn(shortcut, f3, 1, stride, "valid")
    x = layers.Add()([x, shortcut])
    return layers.Activation("relu")(x)


def resnet50(input_shape=(64, 64, 3), classes=6, training=None):
    """The ResNet-50 of notebook 12 as a Keras ``Model`` named "ResNet50" (untrained)."""
    import keras
    from keras import initializers, layers

    inputs = keras.Input(input_shape)
    x = layers.ZeroPadding2D((3, 3))(inputs)
    x = layers.Conv2D(64, (7, 7), strides=(2, 2), kernel_initializer=initializers.GlorotUniform(seed=0))(x)
    x = layers.BatchNormalization(axis=3)(x, training=training)
    x = layers.Activation("relu")(x)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for filters, stride, identities in STAGES:
        x = bottleneck(x, 3, filters, stride, projection=True, training=training)
        for _ in range(identities):
            x = bottleneck(x, 3, filters, training=training)
    x = layers.AveragePooling2D((2, 2))(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(classes, activation="softmax", kernel_initializer=initializers.GlorotUniform(seed=0))(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="ResNet50")


def pretrained_resnet50(path=None):
    """ResNet-50 with the shipped weights trained on the hand signs (``data/resnet50_signs.npz``).

    ``path`` may also name a full Keras model file (``.h5`` or ``.keras``) or a weights file of the same
    architecture, such as the original course's ``resnet50.h5``; see
    :func:`course_utils.models.storage.load_weights`. Without ``path``, the file is looked for in
    ``config.DATA_DIR`` and then in the repository's ``data/``.
    """
    from .storage import find_weights, load_weights

    model = resnet50()
    load_weights(model, path if path is not None else find_weights(WEIGHTS_NAME))
    return model
