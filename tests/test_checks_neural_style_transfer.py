"""Notebook 15's checks pass the reference solutions, say "not attempted" for stubs and catch the classic mistakes."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from course_utils.checks import neural_style_transfer as checks  # noqa: E402
from course_utils.checks.solutions import load_solutions  # noqa: E402

NOTEBOOK = "15_neural_style_transfer"
NAMES = ["compute_content_cost", "gram_matrix", "compute_layer_style_cost", "compute_style_cost", "total_cost",
         "train_step"]


@pytest.fixture(scope="module")
def ref():
    return load_solutions(NOTEBOOK)


def todo(*args, **kwargs):
    raise NotImplementedError()


def run(name, fn):
    return getattr(checks, f"check_{name}")(fn, verbose=False)


def failing(name, fn):
    report = run(name, fn)
    assert report.status == "failed", report.text
    return report.text


def hint(text):
    lines = [line for line in text.splitlines() if line.strip().startswith("Hint:")]
    assert len(lines) == 1, f"expected exactly one hint line in:\n{text}"
    return lines[0]


@pytest.mark.parametrize("name", NAMES[:-1])
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    assert run(name, ref[name]).passed
    report = run(name, todo)
    assert report.status == "not attempted" and "not attempted yet" in report.text


def test_all_checks_are_exported():
    assert sorted(n for n in checks.__all__ if n.startswith("check_")) == sorted(f"check_{n}" for n in NAMES)


def test_check_output_is_one_line_per_case_and_a_summary(ref, capsys):
    checks.check_gram_matrix(ref["gram_matrix"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[-1] == "✔ gram_matrix: all 3 checks passed."


# --------------------------------------------------------------------------- #
# Costs: the classic mistakes
# --------------------------------------------------------------------------- #

def test_content_cost_mistakes():
    def first_layer(content_output, generated_output):
        a_C, a_G = content_output[0], generated_output[0]
        _, h, w, c = a_G.shape
        return tf.reduce_sum(tf.square(a_C - a_G)) / (4.0 * h * w * c)
    assert "LAST element" in hint(failing("compute_content_cost", first_layer))

    def no_four(content_output, generated_output):
        a_C, a_G = content_output[-1], generated_output[-1]
        _, h, w, c = a_G.shape
        return tf.reduce_sum(tf.square(a_C - a_G)) / (h * w * c)
    assert "the 4 is missing" in hint(failing("compute_content_cost", no_four))

    def per_entry(content_output, generated_output):
        return tf.square(content_output[-1] - generated_output[-1]) / 4.0
    assert "one number" in hint(failing("compute_content_cost", per_entry))


def test_gram_matrix_transposed_product():
    def ata(A):
        return tf.matmul(tf.transpose(A), A)
    text = failing("gram_matrix", ata)
    assert "wrong shape" in text and "tf.matmul(A, tf.transpose(A))" in hint(text)

    def elementwise(A):
        return A * A
    assert "wrong shape" in failing("gram_matrix", elementwise)


def test_layer_style_cost_mistakes(ref):
    gram = ref["gram_matrix"]

    def reshape_straight(a_S, a_G):
        _, h, w, c = a_G.shape
        S, G = tf.reshape(a_S, [c, h * w]), tf.reshape(a_G, [c, h * w])
        return tf.reduce_sum(tf.square(gram(S) - gram(G))) / (4.0 * c ** 2 * float(h * w) ** 2)
    assert "transpose" in hint(failing("compute_layer_style_cost", reshape_straight))

    def unsquared_positions(a_S, a_G):
        _, h, w, c = a_G.shape
        S, G = tf.transpose(tf.reshape(a_S, [-1, c])), tf.transpose(tf.reshape(a_G, [-1, c]))
        return tf.reduce_sum(tf.square(gram(S) - gram(G))) / (4.0 * c ** 2 * float(h * w))
    assert "square n_H * n_W" in hint(failing("compute_layer_style_cost", unsquared_positions))


def test_style_cost_counts_the_content_layer():
    ref = load_solutions(NOTEBOOK)

    def all_layers(style_image_output, generated_image_output, STYLE_LAYERS=None):
        total = 0
        for s, g in zip(style_image_output, generated_image_output):   # the content layer too, no weights
            total += ref["compute_layer_style_cost"](s, g)
        return total
    assert "style layers only" in hint(failing("compute_style_cost", all_layers))


def test_total_cost_swapped_weights():
    def swapped(J_content, J_style, alpha=10, beta=40):
        return beta * J_content + alpha * J_style
    assert "alpha * J_content + beta * J_style" in hint(failing("total_cost", swapped))

    def fixed(J_content, J_style, alpha=10, beta=40):
        return 10 * J_content + 40 * J_style
    assert "alpha" in failing("total_cost", fixed)


# --------------------------------------------------------------------------- #
# train_step
# --------------------------------------------------------------------------- #

def _train_step(ref, body):
    """A train_step whose globals are the reference solutions' (as in the notebook), with ``body`` as its code."""
    namespace = dict(ref)
    exec(body, namespace)
    return namespace["train_step"]


GOOD = """
@tf.function()
def train_step(generated_image):
    with tf.GradientTape() as tape:
        a_G = vgg_model_outputs(generated_image)
        J = total_cost(compute_content_cost(a_C, a_G), compute_style_cost(a_S, a_G), alpha=10, beta=40)
    grad = tape.gradient(J, generated_image)
    optimizer.apply_gradients([(grad, generated_image)])
    generated_image.assign(clip_0_1(generated_image))
    return J
"""


def test_train_step_reference_and_stub(ref):
    assert run("train_step", ref["train_step"]).passed
    assert run("train_step", _train_step(ref, GOOD)).passed
    stub = _train_step(ref, "@tf.function()\ndef train_step(generated_image):\n    raise NotImplementedError()\n")
    report = run("train_step", stub)
    assert report.status == "not attempted", report.text


def test_train_step_restores_the_notebook_globals(ref):
    fn = _train_step(ref, GOOD)
    g = fn.python_function.__globals__
    g["a_C"] = "the notebook's a_C"
    g.pop("optimizer", None)
    run("train_step", fn)
    assert g["a_C"] == "the notebook's a_C" and "optimizer" not in g


def test_train_step_mistakes(ref):
    no_clip = _train_step(ref, GOOD.replace("    generated_image.assign(clip_0_1(generated_image))\n", ""))
    failing("train_step", no_clip)          # the image leaves [0, 1] or differs

    swapped = _train_step(ref, GOOD.replace("alpha=10, beta=40", "alpha=40, beta=10"))
    assert "total_cost(J_content, J_style, alpha=10, beta=40)" in hint(failing("train_step", swapped))

    not_compiled = _train_step(ref, GOOD.replace("@tf.function()\n", ""))
    assert "@tf.function" in failing("train_step", not_compiled)


def test_tiny_features_are_fixed_and_shaped_like_the_notebook_outputs():
    net = checks.TinyFeatures(3)
    x = np.random.default_rng(0).uniform(size=(1, 12, 10, 3)).astype(np.float32)
    out1, out2 = net(x), checks.TinyFeatures(3)(x)
    assert len(out1) == 6 and out1[-1].shape == (1, 3, 2, 5)
    for a, b in zip(out1, out2):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


# --------------------------------------------------------------------------- #
# The notebook's solutions on cases worked out by hand
# --------------------------------------------------------------------------- #

def test_solutions_on_hand_computed_cases(ref):
    f32 = np.float32
    # content: a_C = 1 everywhere, a_G = 0, shape (1, 1, 2, 1): sum of squares 2, divided by 4 * 1 * 2 * 1
    a_C, a_G = np.ones((1, 1, 2, 1), f32), np.zeros((1, 1, 2, 1), f32)
    assert float(ref["compute_content_cost"]([a_C], [a_G])) == pytest.approx(0.25)
    # Gram matrix of [[1, 2], [3, 4]]: [[1+4, 3+8], [3+8, 9+16]]
    np.testing.assert_allclose(ref["gram_matrix"](np.array([[1, 2], [3, 4]], f32)), [[5, 11], [11, 25]])
    # one channel at two positions: G_S = 1 + 4 = 5, G_G = 0 + 1 = 1; (5 - 1)^2 / (4 * 1^2 * 2^2) = 1
    a_S, a_G = np.array([1, 2], f32).reshape(1, 1, 2, 1), np.array([0, 1], f32).reshape(1, 1, 2, 1)
    assert float(ref["compute_layer_style_cost"](a_S, a_G)) == pytest.approx(1.0)
    # two channels at one position: G_S = [[1, 0], [0, 0]], G_G = [[0, 0], [0, 1]]; (1 + 1) / (4 * 2^2 * 1^2) = 1/8
    s2, g2 = np.array([1, 0], f32).reshape(1, 1, 1, 2), np.array([0, 1], f32).reshape(1, 1, 1, 2)
    assert float(ref["compute_layer_style_cost"](s2, g2)) == pytest.approx(0.125)
    # style cost: 0.5 * 1 + 2 * 0.125 = 0.75; the last output (content layer) does not count
    content = np.full((1, 1, 1, 1), 7, f32)
    got = ref["compute_style_cost"]([a_S, s2, content], [a_G, g2, 0 * content], STYLE_LAYERS=[("a", 0.5), ("b", 2)])
    assert float(got) == pytest.approx(0.75)
    # total: 10 * 1 + 40 * 2 = 90
    assert float(ref["total_cost"](1.0, 2.0)) == pytest.approx(90.0)
