"""Public checks of notebook 15, neural style transfer (content cost, Gram matrix, style costs, train step).

The cost functions get small seeded activations shaped like a network's, ``(1, n_H, n_W, n_C)`` float32,
with ``n_H``, ``n_W`` and ``n_C`` all different, so a reshape that mixes the axes up gives wrong numbers
(not just a wrong shape). The model outputs given to ``compute_content_cost`` and ``compute_style_cost``
are lists whose **last** element is the content layer, as in the notebook, and whose other elements
have other values, so using the wrong element shows.

``train_step`` reads the notebook's globals (``vgg_model_outputs``, ``a_C``, ``a_S``, ``optimizer``), like
the original. The check runs it in a small world of its own: for the duration of the check those globals
are replaced by a tiny fixed convolutional network (:class:`TinyFeatures`, six outputs like the notebook's
feature model), its activations of a 12x10 content and style image, and an Adam optimizer whose state is
reset before each case; then the notebook's globals are put back. The check compares the costs returned
by three steps and the image after them.
"""

from __future__ import annotations

import functools

import numpy as np

from .core import Case, CheckFailed
from .suite import Suite
from .tensorflow_intro import numpy_outputs

suite = Suite("15_neural_style_transfer")

#: The notebook globals ``train_step`` reads, swapped during its check.
TRAIN_STEP_GLOBALS = ("vgg_model_outputs", "a_C", "a_S", "optimizer")
_MISSING = object()


def _f32(a):
    return np.asarray(a, dtype=np.float32)


def _activations(rng, shape, scale=1.0):
    """ReLU-like activations: non-negative, some exact zeros."""
    return _f32(np.maximum(rng.normal(scale=scale, size=shape) + 0.3, 0.0))


# --------------------------------------------------------------------------- #
# A tiny feature network for the train_step check
# --------------------------------------------------------------------------- #

class TinyFeatures:
    """Six ReLU convolutions (two 2x2 average poolings) with fixed seeded kernels; returns the list of the
    six activations, the last one playing the content layer. Called like the notebook's ``vgg_model_outputs``."""

    WIDTHS = (4, 5, 6, 6, 7, 5)

    def __init__(self, seed: int = 1501):
        rng = np.random.default_rng(seed)
        self.kernels, c_in = [], 3
        for width in self.WIDTHS:
            self.kernels.append(_f32(rng.normal(scale=np.sqrt(2.0 / (9 * c_in)), size=(3, 3, c_in, width))))
            c_in = width

    def __call__(self, x, training=False):
        import tensorflow as tf

        h, outputs = tf.convert_to_tensor(x, tf.float32), []
        for i, kernel in enumerate(self.kernels):
            h = tf.nn.relu(tf.nn.conv2d(h, tf.constant(kernel), 1, "SAME") + 0.05)
            if i in (1, 3):
                h = tf.nn.avg_pool2d(h, 2, 2, "VALID")
            outputs.append(h)
        return outputs


@functools.lru_cache(maxsize=None)
def _world(seed: int, height: int, width: int, lr: float):
    """The tiny network, the content/style activations, the optimizer (built for the image variable), its initial
    state, the starting image and the image variable."""
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    content = _f32(rng.uniform(0, 1, size=(1, height, width, 3)))
    style = _f32(np.clip(rng.normal(0.5, 0.3, size=(1, height, width, 3)), 0, 1))
    start = _f32(np.clip(content + rng.uniform(-0.25, 0.25, size=content.shape), 0, 1))
    net = TinyFeatures(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    probe = tf.Variable(start)
    optimizer.build([probe])
    initial = [np.asarray(v.numpy()) for v in optimizer.variables]
    return net, net(content), net(style), optimizer, initial, start, probe


def _function_globals(fn) -> dict:
    python = getattr(fn, "python_function", fn)
    while hasattr(python, "__wrapped__"):
        python = python.__wrapped__
    return python.__globals__


def run_train_steps(train_step):
    """``run(seed, height, width, steps, lr)`` -> ``{"costs": (steps,), "image": (1, h, w, 3)}``: ``train_step``
    called ``steps`` times on a fresh image, in the tiny world of :func:`_world` (the globals are restored)."""

    def run(seed=1510, height=12, width=10, steps=3, lr=0.01):
        net, a_C, a_S, optimizer, initial, start, image = _world(seed, height, width, lr)
        for variable, value in zip(optimizer.variables, initial):
            variable.assign(value)
        namespace = _function_globals(train_step)
        saved = {name: namespace.get(name, _MISSING) for name in TRAIN_STEP_GLOBALS}
        namespace.update({"vgg_model_outputs": net, "a_C": a_C, "a_S": a_S, "optimizer": optimizer})
        try:
            image.assign(start)               # the optimizer only knows this variable
            costs = []
            for _ in range(steps):
                J = train_step(image)
                costs.append(np.asarray(J.numpy() if hasattr(J, "numpy") else J, dtype=np.float32).reshape(-1)[0]
                             if np.size(J) == 1 else np.asarray(J))
            return {"costs": _f32(costs), "image": _f32(image.numpy())}
        finally:
            for name, value in saved.items():
                if value is _MISSING:
                    namespace.pop(name, None)
                else:
                    namespace[name] = value
    return run


suite.adapters = {"train_step": run_train_steps}


# --------------------------------------------------------------------------- #
# Cases
# --------------------------------------------------------------------------- #

@suite.cases("compute_content_cost")
def _():
    rng = np.random.default_rng(1511)

    def outputs(shape, decoy_shape):
        return [_activations(rng, decoy_shape), _activations(rng, shape)]

    shape1, shape2 = (1, 4, 3, 5), (1, 2, 6, 3)
    return [Case("content activations (1, 4, 3, 5), the last of two outputs",
                 (outputs(shape1, (1, 8, 6, 2)), outputs(shape1, (1, 8, 6, 2)))),
            Case("content activations (1, 2, 6, 3), the last of two outputs",
                 (outputs(shape2, (1, 4, 12, 4)), outputs(shape2, (1, 4, 12, 4))))]


@suite.cases("gram_matrix")
def _():
    rng = np.random.default_rng(1512)
    return [Case("A of shape (3, 8)", (_f32(rng.normal(size=(3, 8))),)),
            Case("A of shape (5, 2)", (_f32(rng.normal(size=(5, 2))),)),
            Case("A of shape (1, 4)", (_f32([[1.0, -2.0, 0.5, 3.0]]),))]


@suite.cases("compute_layer_style_cost")
def _():
    rng = np.random.default_rng(1513)
    return [Case("a_S, a_G of shape (1, 4, 3, 2)",
                 (_activations(rng, (1, 4, 3, 2)), _activations(rng, (1, 4, 3, 2)))),
            Case("a_S, a_G of shape (1, 3, 5, 4)",
                 (_activations(rng, (1, 3, 5, 4)), _activations(rng, (1, 3, 5, 4)))),
            Case("a_G equal to a_S (cost 0)", (_activations(np.random.default_rng(7), (1, 2, 2, 3)),) * 2)]


def _model_outputs(rng, shapes):
    return [_activations(rng, s, scale=1.0 + 0.5 * i) for i, s in enumerate(shapes)]


@suite.cases("compute_style_cost")
def _():
    rng = np.random.default_rng(1514)
    shapes5 = [(1, 8, 6, 2), (1, 4, 3, 3), (1, 4, 3, 4), (1, 2, 2, 5), (1, 2, 2, 5), (1, 2, 2, 6)]
    layers5 = [("block1_conv1", 0.1), ("block2_conv1", 0.3), ("block3_conv1", 0.2), ("block4_conv1", 0.25),
               ("block5_conv1", 0.15)]
    shapes2 = [(1, 5, 4, 3), (1, 3, 2, 2), (1, 3, 2, 4)]
    layers2 = [("first", 0.7), ("second", 1.3)]
    return [Case("5 style layers with weights 0.1, 0.3, 0.2, 0.25, 0.15 (+ the content layer last)",
                 (_model_outputs(rng, shapes5), _model_outputs(rng, shapes5)), {"STYLE_LAYERS": layers5}),
            Case("2 style layers with weights 0.7 and 1.3 (+ the content layer last)",
                 (_model_outputs(rng, shapes2), _model_outputs(rng, shapes2)), {"STYLE_LAYERS": layers2})]


@suite.cases("total_cost")
def _():
    return [Case("J_content = 3.0, J_style = 2.0 (alpha = 10, beta = 40 by default)", (_f32(3.0), _f32(2.0))),
            Case("J_content = 0.25, J_style = 1.5, alpha = 2, beta = 7", (_f32(0.25), _f32(1.5)),
                 {"alpha": 2, "beta": 7})]


@suite.cases("train_step")
def _():
    return [Case("three steps on a 12x10 image (a tiny feature network replaces vgg_model_outputs)", (),
                 {"seed": 1510, "height": 12, "width": 10, "steps": 3}),
            Case("two steps on an 8x14 image, learning rate 0.05", (),
                 {"seed": 1520, "height": 8, "width": 14, "steps": 2, "lr": 0.05})]


# --------------------------------------------------------------------------- #
# Hints and check functions
# --------------------------------------------------------------------------- #

def _scalar(got, case, exp):
    if np.size(got) != 1:
        raise CheckFailed(f"the cost on {case.label} should be one number; got an array of shape {np.shape(got)}. "
                          "Add everything up with tf.reduce_sum.")


def _ratio_hint(name, fn):
    """Name the classic mistakes of the normalisations from the ratio between the learner's and the right value."""
    from .core import _snapshot
    from .expected import expected_for

    cases, expected = suite.case_makers[name](), expected_for(suite.notebook, name)
    for case, exp in zip(cases, expected):
        try:
            got = numpy_outputs(fn)(*_snapshot(case.args), **_snapshot(case.kwargs))
            if np.size(got) != 1:
                return None
            got, exp = float(np.asarray(got).reshape(-1)[0]), float(np.asarray(exp).reshape(-1)[0])
        except Exception:
            continue
        if exp == 0 or np.isclose(got, exp, rtol=1e-4):
            continue
        r = got / exp
        if name == "compute_content_cost":
            a = case.args[0][-1]
            n = np.prod(a.shape[1:])
            if np.isclose(r, 4, rtol=1e-3):
                return "divide by 4 * n_H * n_W * n_C: the 4 is missing."
            if np.isclose(r, 4 * n, rtol=1e-3):
                return "divide the sum by 4 * n_H * n_W * n_C."
            return ("use the LAST element of each list (content_output[-1], generated_output[-1]): that is the "
                    "content layer; then J = sum((a_C - a_G)^2) / (4 n_H n_W n_C).")
        if name == "compute_layer_style_cost":
            _, h, w, c = case.args[0].shape
            for factor, text in ((4, "the 4 is missing"), (c * c, "n_C^2 is missing"),
                                 ((h * w) ** 2, "(n_H n_W)^2 is missing"), (h * w, "square n_H * n_W"),
                                 (c, "square n_C"), (4 * c * c * (h * w) ** 2, "nothing was divided")):
                if np.isclose(r, factor, rtol=1e-3):
                    return f"divide by 4 * n_C^2 * (n_H * n_W)^2: {text}."
            return ("reshape a (1, n_H, n_W, n_C) activation to (n_H * n_W, n_C) first, then transpose it to "
                    "(n_C, n_H * n_W): reshaping straight to (n_C, n_H * n_W) mixes positions and channels.")
        if name == "compute_style_cost":
            return ("loop over the style layers only (the last output is the content layer: a_S = "
                    "style_image_output[:-1]) and multiply each layer's cost by its weight from STYLE_LAYERS.")
        if name == "total_cost":
            return "J = alpha * J_content + beta * J_style, with the alpha and beta you were given."
    return None


def _with_hints(name, verify=None, **tolerances):
    def hint(fn, failure):
        if name == "gram_matrix" and "wrong shape" in failure:
            return "G = A A^T: multiply A (n_C, n_H*n_W) by its transpose, tf.matmul(A, tf.transpose(A))."
        if name == "gram_matrix":
            return "G = A A^T (not A^T A, and not an element-wise product)."
        if "wrong shape" in failure or "should be a number" in failure:
            return "a cost is one number: add everything up with tf.reduce_sum."
        return _ratio_hint(name, fn)

    return suite.check_with_hint(name, hint, wrap=numpy_outputs, verify=verify, **tolerances)


def check_train_step(fn, verbose: bool = True):
    """Check your `train_step` (a tf.function) in a tiny world of its own; prints what is wrong, if anything."""
    from .core import FAIL, Report

    if callable(fn) and not hasattr(fn, "python_function"):
        report = Report("train_step", status="failed",
                        lines=[f"{FAIL} train_step: decorate it with @tf.function, so that TensorFlow compiles "
                               "the step into a graph (it runs hundreds of times)."])
        if verbose:
            print(report.text, flush=True)
        return report
    check_fn = suite.check("train_step", atol=5e-5, rtol=1e-3)
    report = check_fn(run_train_steps(fn) if callable(fn) else fn, verbose=False)
    if report.status == "failed" and "raised an error" not in report.text:
        if "['image']" in report.text:
            report.lines.append("    Hint: after optimizer.apply_gradients([(grad, generated_image)]), clip the "
                                "pixels to [0, 1]: generated_image.assign(clip_0_1(generated_image)).")
        elif "['costs']" in report.text:
            report.lines.append("    Hint: J = total_cost(J_content, J_style, alpha=10, beta=40), with J_style from "
                                "(a_S, a_G) and J_content from (a_C, a_G), where a_G = vgg_model_outputs("
                                "generated_image), all inside the GradientTape; return J.")
    if verbose:
        print(report.text, flush=True)
    return report


check_compute_content_cost = _with_hints("compute_content_cost", _scalar, atol=1e-5, rtol=1e-5)
check_gram_matrix = _with_hints("gram_matrix", atol=1e-5, rtol=1e-5)
check_compute_layer_style_cost = _with_hints("compute_layer_style_cost", _scalar, atol=1e-6, rtol=1e-5)
check_compute_style_cost = _with_hints("compute_style_cost", _scalar, atol=1e-6, rtol=1e-5)
check_total_cost = _with_hints("total_cost", _scalar, atol=1e-5, rtol=1e-6)

__all__ = ["check_compute_content_cost", "check_gram_matrix", "check_compute_layer_style_cost",
           "check_compute_style_cost", "check_total_cost", "check_train_step", "TinyFeatures"]
