"""Notebook 09's checks pass the reference solutions and catch the classic TensorFlow mistakes with a hint."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from course_utils.checks import expected  # noqa: E402
from course_utils.checks import tensorflow_intro as checks  # noqa: E402
from course_utils.checks.solutions import load_solutions  # noqa: E402

NOTEBOOK = "09_tensorflow_intro"
NAMES = ["linear_function", "sigmoid", "one_hot_matrix", "initialize_parameters", "forward_propagation",
         "compute_total_loss"]


@pytest.fixture(scope="module")
def ref():
    return load_solutions(NOTEBOOK)


def todo(*args, **kwargs):
    raise NotImplementedError()


def run(name, fn):
    return getattr(checks, f"check_{name}")(fn, verbose=False)


def _hint(text):
    lines = [line for line in text.splitlines() if line.strip().startswith("Hint:")]
    assert len(lines) == 1, f"expected exactly one hint line in:\n{text}"
    return lines[0]


def failing(name, fn):
    report = run(name, fn)
    assert report.status == "failed", report.text
    return report.text


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    assert run(name, ref[name]).passed
    report = run(name, todo)
    assert report.status == "not attempted" and "not attempted yet" in report.text


def test_all_checks_are_exported():
    assert sorted(checks.__all__) == sorted(f"check_{n}" for n in NAMES)


def test_check_output_is_one_line_per_case_and_a_summary(ref, capsys):
    checks.check_sigmoid(ref["sigmoid"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5 and lines[-1] == "✔ sigmoid: all 4 checks passed."


def test_stored_values_are_small_and_float32():
    data = expected.expected_for(NOTEBOOK, "initialize_parameters")[0]
    assert data["W1"].shape == (25, checks.W1_COLUMNS) and data["W1"].dtype == np.float32
    assert expected.path_for(NOTEBOOK).stat().st_size < 200_000


def test_not_a_function():
    assert "expected a function" in run("sigmoid", 3.0).text


def test_tensorflow_outputs_are_converted_and_tagged():
    out = checks._to_numpy({"a": tf.Variable([1.0]), "b": (tf.constant(2.0), np.zeros(1))})
    assert isinstance(out["a"], checks.TFVariable) and isinstance(out["b"][0], checks.TFTensor)
    assert not isinstance(out["b"][1], (checks.TFTensor, checks.TFVariable))


# --------------------------------------------------------------------------- #
# The classic mistakes, each with a specific hint
# --------------------------------------------------------------------------- #

def test_linear_function_mistakes():
    def unseeded():
        X, W, b = np.random.randn(3, 1), np.random.randn(4, 3), np.random.randn(4, 1)
        return tf.add(tf.matmul(W, X), b)
    assert "np.random.seed(1)" in _hint(failing("linear_function", unseeded))

    def float32():
        np.random.seed(1)
        X, W, b = (tf.constant(np.random.randn(*s), dtype=tf.float32) for s in ((3, 1), (4, 3), (4, 1)))
        return W @ X + b
    text = failing("linear_function", float32)
    assert "wrong dtype" in text and "float64" in _hint(text)

    def numpy_only():
        np.random.seed(1)
        X, W, b = np.random.randn(3, 1), np.random.randn(4, 3), np.random.randn(4, 1)
        return W @ X + b
    assert "should be a TensorFlow tensor" in failing("linear_function", numpy_only)


def test_sigmoid_without_cast_is_float64():
    def no_cast(z):
        return tf.keras.activations.sigmoid(tf.constant(z, dtype=tf.float64))
    text = failing("sigmoid", no_cast)
    assert "wrong dtype: got float64, expected float32" in text and "tf.cast" in _hint(text)


@pytest.mark.parametrize("shape", ["column", "row"])
def test_one_hot_of_shape_depth_by_one(shape):
    def wrong(label, depth=6):
        v = tf.one_hot(label, depth, axis=0)
        return tf.reshape(v, (depth, 1) if shape == "column" else (1, depth))
    text = failing("one_hot_matrix", wrong)
    assert "wrong shape" in text and "(depth,)" in _hint(text)


def test_one_hot_axis_1_and_fixed_depth():
    def axis1(label, depth=6):
        return tf.reshape(tf.one_hot(label, depth, axis=1), (depth,))
    assert "axis=0" in _hint(failing("one_hot_matrix", axis1))

    def depth6(label, depth=6):
        return tf.reshape(tf.one_hot(label, 6, axis=0), (6,))
    assert "`depth` argument" in _hint(failing("one_hot_matrix", depth6))


def _init(initializer, bias_shape=lambda n: (n, 1), variable=True):
    def initialize_parameters():
        shapes = {"W1": (25, 12288), "b1": bias_shape(25), "W2": (12, 25), "b2": bias_shape(12), "W3": (6, 12),
                  "b3": bias_shape(6)}
        wrap = tf.Variable if variable else (lambda x: x)
        return {k: wrap(initializer(shape=s)) for k, s in shapes.items()}
    return initialize_parameters


def test_initialize_parameters_mistakes():
    assert "GlorotNormal(seed=1), not GlorotUniform" in _hint(
        failing("initialize_parameters", _init(tf.keras.initializers.GlorotUniform(seed=1))))
    assert "with the seed" in _hint(failing("initialize_parameters", _init(tf.keras.initializers.GlorotNormal(seed=7))))
    text = failing("initialize_parameters", _init(tf.keras.initializers.GlorotNormal(seed=1), lambda n: (n,)))
    assert "wrong shape" in text and "each bias is a column" in _hint(text)
    text = failing("initialize_parameters", _init(tf.keras.initializers.GlorotNormal(seed=1), variable=False))
    assert "should be a tf.Variable" in text


def test_initialize_parameters_transposed_w1_names_the_full_shape():
    def transposed():
        init = tf.keras.initializers.GlorotNormal(seed=1)
        shapes = {"W1": (12288, 25), "b1": (25, 1), "W2": (12, 25), "b2": (12, 1), "W3": (6, 12), "b3": (6, 1)}
        return {k: tf.Variable(init(shape=s)) for k, s in shapes.items()}
    text = failing("initialize_parameters", transposed)
    assert "expected (25, 12288)" in text and "(25, 12288)" in _hint(text)


def _forward(last):
    def forward_propagation(X, parameters):
        A = X
        for layer in (1, 2):
            A = tf.keras.activations.relu(parameters[f"W{layer}"] @ A + parameters[f"b{layer}"])
        return last(parameters["W3"] @ A + parameters["b3"])
    return forward_propagation


@pytest.mark.parametrize("last, words", [
    (tf.keras.activations.relu, "ReLU on Z3"),
    (lambda z: tf.nn.softmax(z, axis=0), "do not apply it here"),
    (tf.keras.activations.sigmoid, "no activation"),
])
def test_forward_with_an_activation_on_z3(last, words):
    assert words in _hint(failing("forward_propagation", _forward(last)))


def test_forward_reference_shape_passes_and_rows_fail(ref):
    assert run("forward_propagation", _forward(lambda z: z)).passed
    text = failing("forward_propagation", _forward(tf.transpose))
    assert "column layout" in _hint(text)


def _loss(reduce=tf.reduce_sum, transpose=True, from_logits=True):
    def compute_total_loss(logits, labels):
        t = tf.transpose if transpose else (lambda x: x)
        return reduce(tf.keras.losses.categorical_crossentropy(t(labels), t(logits), from_logits=from_logits))
    return compute_total_loss


def test_total_loss_mistakes():
    assert "SUM" in _hint(failing("compute_total_loss", _loss(reduce=tf.reduce_mean)))
    assert "transpose both" in _hint(failing("compute_total_loss", _loss(transpose=False)))
    assert "from_logits=True" in _hint(failing("compute_total_loss", _loss(from_logits=False)))
    text = failing("compute_total_loss", _loss(reduce=lambda x: x))
    assert "reduce_sum" in _hint(text)


def test_total_loss_float64_is_a_dtype_error():
    def f64(logits, labels):
        return _loss()(tf.cast(logits, tf.float64), tf.cast(labels, tf.float64))
    text = failing("compute_total_loss", f64)
    assert "wrong dtype" in text and "float32" in _hint(text)


def test_expected_values_encode_tensorflow_objects():
    encoded = expected.encode({"v": tf.Variable([[1.5]]), "t": tf.constant(2, dtype=tf.int32)})
    decoded = expected.decode(encoded)
    assert decoded["v"].dtype == np.float32 and decoded["v"].shape == (1, 1) and decoded["t"].dtype == np.int32


def test_sigmoid_of_an_integer_without_cast_has_a_hint():
    def no_cast(z):
        return tf.keras.activations.sigmoid(tf.constant(z))
    text = failing("sigmoid", no_cast)
    assert "raised an error on z = 0 (an integer)" in text and "tf.cast(z, tf.float32)" in _hint(text)


def test_forward_with_float64_has_a_hint():
    def f64(X, parameters):
        return _forward(lambda z: z)(tf.cast(X, tf.float64), parameters)
    assert "float32" in _hint(failing("forward_propagation", f64))
