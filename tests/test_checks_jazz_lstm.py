"""Notebook 18's checks pass the reference solutions and catch the classic Keras 3 mistakes with a hint."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from keras.layers import LSTM, Dense, Input, RepeatVector  # noqa: E402
from keras.models import Model  # noqa: E402

from course_utils.checks import expected  # noqa: E402
from course_utils.checks import jazz_lstm as checks  # noqa: E402
from course_utils.checks.solutions import load_solutions  # noqa: E402

NOTEBOOK = "18_jazz_lstm"
NAMES = ["djmodel", "music_inference_model", "predict_and_sample"]


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
    checks.check_predict_and_sample(ref["predict_and_sample"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and lines[-1] == "✔ predict_and_sample: all 2 checks passed."


def test_not_a_function():
    assert "expected a function" in run("djmodel", 3).text


def test_stored_values_are_small_and_one_row_per_step():
    data = expected.expected_for(NOTEBOOK, "djmodel")
    assert [d.shape for d in data] == [(Tx, checks.BATCH, nv) for Tx, nv, _ in checks.DJ_SIZES]
    assert expected.path_for(NOTEBOOK).stat().st_size < 100_000


def test_the_layers_reach_the_function_as_they_are():
    seen = []

    def spy(Tx, LSTM_cell, densor, reshaper):
        seen.append(LSTM_cell)
        raise NotImplementedError()

    run("djmodel", spy)
    assert seen and seen[0].built and len(seen[0].get_weights()) == 3


# --------------------------------------------------------------------------- #
# djmodel
# --------------------------------------------------------------------------- #

def _dj(step, last_only=False, wrap=True):
    """A djmodel whose loop body is ``step(X, t, a, c, a0, c0, layers) -> (out, a, c)``."""
    def djmodel(Tx, LSTM_cell, densor, reshaper):
        n_values, n_a = densor.units, LSTM_cell.units
        X = Input(shape=(Tx, n_values))
        a0, c0 = Input(shape=(n_a,)), Input(shape=(n_a,))
        a, c, outputs = a0, c0, []
        for t in range(Tx):
            out, a, c = step(X, t, a, c, a0, c0, (LSTM_cell, densor, reshaper))
            outputs.append(out)
        if last_only:
            outputs = outputs[-1:]
        return Model(inputs=[X, a0, c0], outputs=outputs) if wrap else outputs
    return djmodel


def _good_step(X, t, a, c, a0, c0, layers):
    LSTM_cell, densor, reshaper = layers
    _, a, c = LSTM_cell(reshaper(X[:, t, :]), initial_state=[a, c])
    return densor(a), a, c


def test_djmodel_reference_shape_passes():
    assert run("djmodel", _dj(_good_step)).passed


def test_djmodel_without_carrying_the_state():
    def step(X, t, a, c, a0, c0, layers):
        LSTM_cell, densor, reshaper = layers
        _, a, c = LSTM_cell(reshaper(X[:, t, :]), initial_state=[a0, c0])
        return densor(a), a, c
    text = failing("djmodel", _dj(step))
    assert "time step 1 (counting from 0) has wrong values" in text and "carry the state" in _hint(text)


def test_djmodel_reading_always_the_first_step():
    def step(X, t, a, c, a0, c0, layers):
        LSTM_cell, densor, reshaper = layers
        _, a, c = LSTM_cell(reshaper(X[:, 0, :]), initial_state=[a, c])
        return densor(a), a, c
    text = failing("djmodel", _dj(step))
    assert "the steps before it are right" in text and "X[:, t, :]" in _hint(text)


def test_djmodel_on_the_cell_state():
    def step(X, t, a, c, a0, c0, layers):
        LSTM_cell, densor, reshaper = layers
        _, a, c = LSTM_cell(reshaper(X[:, t, :]), initial_state=[a, c])
        return densor(c), a, c
    text = failing("djmodel", _dj(step))
    assert "time step 0" in text and "not the cell state c" in _hint(text)


def test_djmodel_with_new_layers_in_the_loop():
    def step(X, t, a, c, a0, c0, layers):
        LSTM_cell, densor, reshaper = layers
        _, a, c = LSTM(LSTM_cell.units, return_state=True)(reshaper(X[:, t, :]), initial_state=[a, c])
        return densor(a), a, c
    text = failing("djmodel", _dj(step))
    assert "does not use the LSTM_cell passed as an argument" in text and "only call them" in _hint(text)

    def step2(X, t, a, c, a0, c0, layers):
        LSTM_cell, densor, reshaper = layers
        _, a, c = LSTM_cell(reshaper(X[:, t, :]), initial_state=[a, c])
        return Dense(densor.units, activation="softmax")(a), a, c
    assert "does not use the densor passed as an argument" in failing("djmodel", _dj(step2))


def test_djmodel_with_one_output_or_no_model():
    text = failing("djmodel", _dj(_good_step, last_only=True))
    assert "one output per time step (Tx = 4); got 1" in text and "whole list" in _hint(text)
    assert "should return a keras Model; got a list" in failing("djmodel", _dj(_good_step, wrap=False))


def test_djmodel_stacked_outputs():
    def djmodel(Tx, LSTM_cell, densor, reshaper):
        outputs_model = _dj(_good_step)(Tx, LSTM_cell, densor, reshaper)
        return Model(outputs_model.inputs, keras.ops.stack(outputs_model.outputs, axis=1))
    assert "not one stacked tensor" in failing("djmodel", djmodel)


def test_djmodel_without_reshaper():
    def step(X, t, a, c, a0, c0, layers):
        LSTM_cell, densor, _ = layers
        _, a, c = LSTM_cell(X[:, t, :], initial_state=[a, c])
        return densor(a), a, c
    text = failing("djmodel", _dj(step))
    assert "raised an error" in text and "reshaper" in _hint(text)


def test_djmodel_wrong_input_shape():
    def djmodel(Tx, LSTM_cell, densor, reshaper):
        n_values, n_a = densor.units, LSTM_cell.units
        X = Input(shape=(Tx + 1, n_values))
        a0, c0 = Input(shape=(n_a,)), Input(shape=(n_a,))
        a, c, outputs = a0, c0, []
        for t in range(Tx):
            out, a, c = _good_step(X, t, a, c, a0, c0, (LSTM_cell, densor, reshaper))
            outputs.append(out)
        return Model([X, a0, c0], outputs)
    assert "input 1 of the model (X) has the shape (None, 5, 7); expected (None, 4, 7)" in failing("djmodel", djmodel)


# --------------------------------------------------------------------------- #
# music_inference_model
# --------------------------------------------------------------------------- #

def _inference(feed_back, x0_shape=None):
    def music_inference_model(LSTM_cell, densor, Ty=100):
        n_values, n_a = densor.units, LSTM_cell.units
        x0 = Input(shape=x0_shape or (1, n_values))
        a0, c0 = Input(shape=(n_a,)), Input(shape=(n_a,))
        a, c, x, outputs = a0, c0, x0, []
        for _ in range(Ty):
            _, a, c = LSTM_cell(x, initial_state=[a, c])
            out = densor(a)
            outputs.append(out)
            x = feed_back(out, n_values)
        return Model(inputs=[x0, a0, c0], outputs=outputs)
    return music_inference_model


def test_inference_reference_shape_passes():
    good = _inference(lambda out, n: RepeatVector(1)(keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n)))
    assert run("music_inference_model", good).passed


def test_inference_feeding_back_the_probabilities():
    text = failing("music_inference_model", _inference(lambda out, n: RepeatVector(1)(out)))
    assert "time step 1 (counting from 0)" in text and "ONE-HOT of the most likely" in _hint(text)


def test_inference_with_tf_functions():
    bad = _inference(lambda out, n: RepeatVector(1)(tf.one_hot(tf.math.argmax(out, axis=-1), n)))
    text = failing("music_inference_model", bad)
    assert "raised an error" in text and "keras.ops.argmax" in _hint(text)


def test_inference_without_repeat_vector():
    text = failing("music_inference_model", _inference(lambda out, n: keras.ops.one_hot(keras.ops.argmax(out, -1), n)))
    assert "RepeatVector(1)" in _hint(text)


def test_inference_with_a_flat_x0():
    def feed(out, n):
        return RepeatVector(1)(keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n))

    def music_inference_model(LSTM_cell, densor, Ty=100):
        n_values = densor.units
        inner = _inference(feed)(LSTM_cell, densor, Ty)
        flat = Input(shape=(n_values,))
        return Model([flat, *inner.inputs[1:]], inner([keras.layers.Reshape((1, n_values))(flat), *inner.inputs[1:]]))
    text = failing("music_inference_model", music_inference_model)
    assert "input 1 of the model (x0)" in text and "Input(shape=(1, n_values))" in _hint(text)


# --------------------------------------------------------------------------- #
# predict_and_sample
# --------------------------------------------------------------------------- #

def _sample(post, order=(0, 1, 2), use_predict=False):
    def predict_and_sample(inference_model, x_initializer, a_initializer, c_initializer):
        n_values = x_initializer.shape[-1]
        inputs = [(x_initializer, a_initializer, c_initializer)[i] for i in order]
        pred = inference_model.predict(inputs, verbose=0) if use_predict else inference_model(inputs)
        return post(np.array(pred), n_values)
    return predict_and_sample


def _good_post(pred, n_values):
    indices = np.argmax(pred, axis=-1)
    return keras.utils.to_categorical(indices, num_classes=n_values), indices


def test_predict_and_sample_with_predict_passes():
    assert run("predict_and_sample", _sample(_good_post, use_predict=True)).passed


def test_predict_and_sample_flat_indices():
    def post(pred, n_values):
        results, indices = _good_post(pred, n_values)
        return results, indices.ravel()
    text = failing("predict_and_sample", _sample(post))
    assert "wrong shape: got (5,), expected (5, 1)" in text and "keep the batch axis" in _hint(text)


def test_predict_and_sample_argmax_over_the_wrong_axis():
    def post(pred, n_values):
        indices = np.argmax(pred, axis=0)
        return keras.utils.to_categorical(indices, num_classes=n_values), indices
    assert "LAST axis" in _hint(failing("predict_and_sample", _sample(post)))


def test_predict_and_sample_probabilities_as_results():
    def post(pred, n_values):
        return pred[:, 0, :], np.argmax(pred, axis=-1)
    text = failing("predict_and_sample", _sample(post))
    assert "`results` on" in text and "has wrong values" in text and "to_categorical" in _hint(text)


def test_predict_and_sample_inputs_in_the_wrong_order():
    text = failing("predict_and_sample", _sample(_good_post, order=(0, 2, 1)))
    assert "[x_initializer, a_initializer, c_initializer]" in _hint(text)


def test_predict_and_sample_returns_one_thing():
    text = failing("predict_and_sample", _sample(lambda pred, n: np.argmax(pred, axis=-1)))
    assert "should return two things" in text
