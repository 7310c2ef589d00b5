"""Public checks of notebook 11, Keras: the Happy House (``HappyModel``) and the SIGNS ``convolutional_model``.

Both exercises return a Keras model. A check builds the learner's model for
two input shapes and compares it, layer by layer, with the model the source
notebook's solution builds (class, settings, output shape, parameters; see
:mod:`course_utils.checks.keras_summary`). The message names the first layer
that differs, e.g. ``layer 3: expected BatchNormalization with output
(None, 64, 64, 32), got ReLU (`re_lu`) ...``. The second input shape catches a
model whose shapes are typed in instead of taken from ``input_shape``.

Sequential and functional models pass alike, and so do ``layers.ReLU()`` and
``layers.Activation("relu")``; the layers' names are not checked.
"""

from __future__ import annotations

from .core import Case
from .keras_summary import layer_summary, model_check
from .suite import Suite

suite = Suite("11_keras_happy_house")


@suite.cases("HappyModel")
def _():
    return [Case("input_shape (64, 64, 3)", ((64, 64, 3),)),
            Case("input_shape (32, 40, 1)", ((32, 40, 1),))]


@suite.cases("convolutional_model")
def _():
    return [Case("input_shape (64, 64, 3)", ((64, 64, 3),)),
            Case("input_shape (96, 96, 1)", ((96, 96, 1),))]


suite.summaries = {"HappyModel": layer_summary, "convolutional_model": layer_summary}

check_HappyModel = model_check(suite, "HappyModel")
check_convolutional_model = model_check(suite, "convolutional_model")

__all__ = ["check_HappyModel", "check_convolutional_model"]
