"""Public checks of notebook 18, improvising a jazz solo with an LSTM (Keras 3).

``djmodel`` and ``music_inference_model`` return Keras models. Each check
builds the shared layers itself, small (a handful of values and units), with
weights drawn from a seeded generator and set before the learner's function
is called, then looks at the model in two ways:

- its **structure**, in words: a ``keras.Model``, its three inputs and their
  shapes, one output per time step, and the shared layers: the very
  ``LSTM_cell`` and ``densor`` passed as arguments, each once, so that every
  time step uses the same weights;
- its **numbers**: the model is run (eagerly) on fixed inputs and its outputs,
  step by step, are compared with those of the notebook's solution, stored in
  ``expected/18_jazz_lstm.json``. The first step that differs is named, with a
  hint: a first step that is right and a later one that is wrong means the
  state (or, at inference, the fed-back value) does not go from one step to
  the next.

``predict_and_sample`` is checked with a stand-in inference model built here
(a few ``Dense`` layers with the inputs and outputs of the real one, no LSTM),
so it does not depend on the learner's other answers.

The layers are passed to the learner's function as they are (not copies):
sharing them is the point of the exercise.
"""

from __future__ import annotations

import re
import sys

import numpy as np

from .core import FAIL, PASS, Case, CheckFailed, Report, _kind, compare, describe_exception, not_attempted_line
from .expected import expected_for
from .suite import Suite

suite = Suite("18_jazz_lstm")

BATCH = 3  # examples the checks run a model on


# --------------------------------------------------------------------------- #
# Shared layers with seeded weights
# --------------------------------------------------------------------------- #

def _rng(*numbers) -> np.random.Generator:
    return np.random.default_rng([1818, *numbers])


def make_layers(n_values: int, n_a: int, seed: int):
    """``(LSTM_cell, densor, reshaper)`` like the notebook's, built, with weights drawn from ``seed``."""
    from keras.layers import LSTM, Dense, Reshape

    rng = _rng(seed, n_values, n_a)
    LSTM_cell = LSTM(n_a, return_state=True, unroll=True)
    LSTM_cell.build((None, 1, n_values))
    LSTM_cell.set_weights([rng.normal(scale=0.6, size=(n_values, 4 * n_a)),
                           rng.normal(scale=0.6, size=(n_a, 4 * n_a)),
                           rng.normal(scale=0.3, size=(4 * n_a,))])
    densor = Dense(n_values, activation="softmax")
    densor.build((None, n_a))
    densor.set_weights([rng.normal(scale=1.5, size=(n_a, n_values)), rng.normal(scale=0.3, size=(n_values,))])
    reshaper = Reshape((1, n_values))
    return LSTM_cell, densor, reshaper


def model_inputs(shapes, seed: int = 0):
    """Fixed inputs for a model whose inputs have ``shapes`` (batch first, None): one-hot sequences, then states."""
    feeds = []
    for i, shape in enumerate(shapes):
        dims = tuple(int(d) for d in shape[1:])
        rng = _rng(seed, i, *dims)
        if len(dims) == 2:  # (time steps, n_values): one-hot values
            feed = np.zeros((BATCH, *dims), dtype=np.float32)
            idx = rng.integers(dims[1], size=(BATCH, dims[0]))
            for b in range(BATCH):
                feed[b, np.arange(dims[0]), idx[b]] = 1.0
        else:  # a state (n_a,)
            feed = rng.normal(scale=0.5, size=(BATCH, *dims)).astype(np.float32)
        feeds.append(feed)
    return feeds


def run_model(model) -> np.ndarray:
    """The model's outputs on :func:`model_inputs`, stacked: (number of outputs, BATCH, n_values), float32."""
    outputs = model(model_inputs([tuple(x.shape) for x in model.inputs]))
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    return np.stack([np.asarray(o, dtype=np.float32) for o in outputs])


def stand_in_inference_model(Ty: int, n_values: int, n_a: int, seed: int):
    """A Keras model with the inputs ``[x0 (1, n_values), a0 (n_a,), c0 (n_a,)]`` and ``Ty`` softmax outputs
    ``(n_values,)`` of an inference model: a different seeded Dense layer on the inputs for each output."""
    import keras
    from keras.layers import Concatenate, Dense, Flatten, Input

    rng = _rng(seed, Ty, n_values, n_a)
    x0, a0, c0 = Input(shape=(1, n_values)), Input(shape=(n_a,)), Input(shape=(n_a,))
    h = Concatenate()([Flatten()(x0), a0, c0])
    outputs = []
    for _ in range(Ty):
        dense = Dense(n_values, activation="softmax")
        outputs.append(dense(h))
        dense.set_weights([rng.normal(scale=2.0, size=(n_values + 2 * n_a, n_values)),
                           rng.normal(size=(n_values,))])
    return keras.Model(inputs=[x0, a0, c0], outputs=outputs)


def initializers(n_values: int, n_a: int, value: int, seed: int):
    """``x_initializer`` (1, 1, n_values) one-hot at ``value`` and random ``a_initializer``, ``c_initializer`` (1, n_a)."""
    rng = _rng(seed, n_values, n_a, value)
    x = np.zeros((1, 1, n_values), dtype=np.float32)
    x[0, 0, value] = 1.0
    return x, rng.normal(size=(1, n_a)).astype(np.float32), rng.normal(size=(1, n_a)).astype(np.float32)


# --------------------------------------------------------------------------- #
# Cases
# --------------------------------------------------------------------------- #

DJ_SIZES = [(4, 7, 5), (6, 9, 3)]         # (Tx, n_values, n_a)
INFERENCE_SIZES = [(5, 6, 4), (8, 11, 3)]  # (Ty, n_values, n_a)
SAMPLE_SIZES = [(5, 6, 3, 2), (7, 9, 4, 8)]  # (Ty, n_values, n_a, first value)


@suite.cases("djmodel")
def _():
    cases = []
    for i, (Tx, n_values, n_a) in enumerate(DJ_SIZES):
        LSTM_cell, densor, reshaper = make_layers(n_values, n_a, seed=10 + i)
        cases.append(Case(f"Tx = {Tx}, n_values = {n_values}, n_a = {n_a}", (Tx, LSTM_cell, densor, reshaper)))
    return cases


@suite.cases("music_inference_model")
def _():
    cases = []
    for i, (Ty, n_values, n_a) in enumerate(INFERENCE_SIZES):
        LSTM_cell, densor, _ = make_layers(n_values, n_a, seed=20 + i)
        cases.append(Case(f"Ty = {Ty}, n_values = {n_values}, n_a = {n_a}", (LSTM_cell, densor),
                          {"Ty": Ty}))
    return cases


@suite.cases("predict_and_sample")
def _():
    cases = []
    for i, (Ty, n_values, n_a, value) in enumerate(SAMPLE_SIZES):
        model = stand_in_inference_model(Ty, n_values, n_a, seed=30 + i)
        cases.append(Case(f"a stand-in model with Ty = {Ty}, n_values = {n_values}",
                          (model, *initializers(n_values, n_a, value, seed=30 + i))))
    return cases


suite.summaries = {"djmodel": run_model, "music_inference_model": run_model}


# --------------------------------------------------------------------------- #
# Structure of a model, in words
# --------------------------------------------------------------------------- #

def _shape(t) -> tuple:
    return tuple(None if d is None else int(d) for d in t.shape)


def _check_model(model, what: str, inputs: list, n_outputs: int, n_values: int, LSTM_cell, densor, steps: str):
    """Raise CheckFailed naming the first structural problem of ``model``.

    ``inputs``: [(name, expected shape)], ``steps``: "Tx" or "Ty".
    """
    import keras

    if not isinstance(model, keras.Model):
        raise CheckFailed(f"{what} should return a keras Model; got {_kind(model)}. "
                          "End with keras.Model(inputs=[...], outputs=outputs) (here `Model`).")
    got_inputs = list(model.inputs)
    if len(got_inputs) != len(inputs):
        raise CheckFailed(f"the model should have {len(inputs)} inputs, [{', '.join(n for n, _ in inputs)}]; "
                          f"got {len(got_inputs)}.")
    for i, ((name, shape), tensor) in enumerate(zip(inputs, got_inputs)):
        if _shape(tensor) != shape:
            raise CheckFailed(f"input {i + 1} of the model ({name}) has the shape {_shape(tensor)}; "
                              f"expected {shape}.")
    outputs = list(model.outputs)
    if len(outputs) != n_outputs:
        extra = ""
        if len(outputs) == 1 and _shape(outputs[0])[1:] == (n_outputs, n_values):
            extra = " Give Model the list of the outputs of the steps, not one stacked tensor."
        elif len(outputs) == 1:
            extra = " Append the output of every step to `outputs` inside the loop, and pass the whole list."
        raise CheckFailed(f"the model should have one output per time step ({steps} = {n_outputs}); "
                          f"got {len(outputs)}.{extra}")
    for t, out in enumerate(outputs):
        if _shape(out) != (None, n_values):
            raise CheckFailed(f"output {t} of the model has the shape {_shape(out)}; expected (None, {n_values}): "
                              "the softmax of densor at that step.")
    layers = list(model.layers)
    lstms = [layer for layer in layers if isinstance(layer, keras.layers.LSTM)]
    denses = [layer for layer in layers if isinstance(layer, keras.layers.Dense)]
    if not any(layer is LSTM_cell for layer in layers):
        raise CheckFailed("the model does not use the LSTM_cell passed as an argument"
                          + (f" (it has {len(lstms)} LSTM layer(s) of its own)" if lstms else "")
                          + ": call LSTM_cell(x, initial_state=[a, c]) at every step.")
    if len(lstms) > 1:
        raise CheckFailed(f"the model holds {len(lstms)} LSTM layers; it should hold one, the shared LSTM_cell. "
                          "Create no layer inside the loop: call LSTM_cell at every step, so that all the steps "
                          "use the same weights.")
    if not any(layer is densor for layer in layers):
        raise CheckFailed("the model does not use the densor passed as an argument: out = densor(a) at every step.")
    if len(denses) > 1:
        raise CheckFailed(f"the model holds {len(denses)} Dense layers; it should hold one, the shared densor, "
                          "called at every step.")


def _compare_steps(got: np.ndarray, expected: np.ndarray, label: str):
    """Compare stacked outputs (steps, batch, n_values) step by step; name the first step that differs."""
    compare(got, expected, f"the outputs on {label}", shape_only=True)
    for t in range(expected.shape[0]):
        if not np.allclose(got[t], expected[t], atol=1e-5, rtol=1e-4):
            diff = float(np.max(np.abs(got[t].astype(float) - expected[t])))
            raise CheckFailed(f"on {label}, the output at time step {t} (counting from 0) has wrong values "
                              f"(max abs difference {diff:.3g})" + ("; the steps before it are right." if t else "."))


# --------------------------------------------------------------------------- #
# Running a check
# --------------------------------------------------------------------------- #

def _call(fn, case: Case, name: str):
    """Call the learner's function with the case's own layers (no copies)."""
    try:
        return fn(*case.args, **case.kwargs)
    except NotImplementedError:
        raise _NotAttempted() from None
    except Exception as exc:
        raise CheckFailed(f"`{name}` raised an error on {case.label}:\n    {describe_exception(exc)}") from None


class _NotAttempted(Exception):
    pass


def _inspect_djmodel(model, case):
    Tx, LSTM_cell, densor, _ = case.args
    n_values, n_a = densor.units, LSTM_cell.units
    _check_model(model, "djmodel", [("X", (None, Tx, n_values)), ("a0", (None, n_a)), ("c0", (None, n_a))],
                 Tx, n_values, LSTM_cell, densor, "Tx")
    return run_model(model)


def _inspect_inference(model, case):
    LSTM_cell, densor = case.args
    Ty, n_values, n_a = case.kwargs["Ty"], densor.units, LSTM_cell.units
    _check_model(model, "music_inference_model",
                 [("x0", (None, 1, n_values)), ("a0", (None, n_a)), ("c0", (None, n_a))],
                 Ty, n_values, LSTM_cell, densor, "Ty")
    return run_model(model)


def _inspect_sample(got, case):
    if isinstance(got, list) and len(got) == 2:
        got = tuple(got)
    if not isinstance(got, tuple) or len(got) != 2:
        raise CheckFailed(f"predict_and_sample should return two things, (results, indices); got {_kind(got)}"
                          + (f" of {len(got)} items" if isinstance(got, (tuple, list)) else "") + ".")
    return tuple(np.asarray(x) if type(x).__module__.startswith(("tensorflow", "keras")) else x for x in got)


_INSPECT = {"djmodel": _inspect_djmodel, "music_inference_model": _inspect_inference,
            "predict_and_sample": _inspect_sample}


def _run(name: str, fn) -> Report:
    report = Report(name)
    if not callable(fn):
        report.status = "failed"
        report.lines.append(f"{FAIL} {name}: expected a function, got {_kind(fn)}. "
                            f"Pass the function itself: check_{name}({name}).")
        return report
    cases, expected = suite.case_makers[name](), expected_for(suite.notebook, name)
    for case, exp in zip(cases, expected):
        try:
            got = _INSPECT[name](_call(fn, case, name), case)
            if name == "predict_and_sample":  # the indices first: the results are made from them
                compare(got[1], exp[1], f"`indices` on {case.label}")
                compare(got[0], exp[0], f"`results` on {case.label}")
            else:
                _compare_steps(got, exp, case.label)
        except _NotAttempted:
            report.status = "not attempted"
            report.lines = [not_attempted_line(name)]
            return report
        except CheckFailed as failure:
            report.status = "failed"
            report.lines.append(f"{FAIL} {name}: {failure}")
            return report
        except Exception as exc:  # the learner's model fails when it runs
            report.status = "failed"
            report.lines.append(f"{FAIL} {name}: the model it returns raised an error when run on {case.label}:\n"
                                f"    {describe_exception(exc)}")
            return report
        report.lines.append(f"{PASS} {name}: {case.label}")
    report.lines.append(f"{PASS} {name}: all {len(cases)} checks passed.")
    from ..errors import mark_done

    mark_done(name)
    return report


# --------------------------------------------------------------------------- #
# Hints
# --------------------------------------------------------------------------- #

_KERAS_TENSOR = (r"KerasTensor cannot be used as input to a TensorFlow function|"
                 r"Cannot convert a symbolic|KerasTensor.*(not|cannot)")

_HINTS = {
    "djmodel": [
        (_KERAS_TENSOR, "inside a Keras model, use Keras layers and keras.ops functions, not tf.* functions: "
                        "x = X[:, t, :] slices the input directly."),
        (r"expected ndim=3, found ndim=2|Input 0 of layer .*lstm.* is incompatible|expected shape=\(None, None",
         "LSTM_cell reads a sequence, shaped (batch, 1, n_values): pass x = X[:, t, :] through reshaper first."),
        (r"should have one output per time step \(Tx = \d+\); got 1\.",
         "append out = densor(a) to `outputs` at every step and give Model the whole list."),
        (r"holds \d+ LSTM layers|holds \d+ Dense layers|does not use the LSTM_cell|does not use the densor",
         "the three layers are created once, outside djmodel (section 3), and passed in: only call them in the "
         "loop."),
        (r"time step 0 \(counting from 0\) has wrong values",
         "at each step: x = reshaper(X[:, t, :]), then _, a, c = LSTM_cell(x, initial_state=[a, c]), "
         "then out = densor(a): densor reads the hidden state a, not the cell state c."),
        (r"time step [1-9]\d* \(counting from 0\) has wrong values",
         "the first step is right, a later one is not: read x = X[:, t, :] at step t, and carry the state, "
         "passing the a and c returned by the previous step to the next call (start from a0 and c0)."),
    ],
    "music_inference_model": [
        (_KERAS_TENSOR, "tf.math.argmax and tf.one_hot do not take symbolic Keras tensors in Keras 3: use "
                        "keras.ops.argmax(out, axis=-1) and keras.ops.one_hot(..., n_values)."),
        (r"input 1 of the model \(x0\)",
         "x0 holds one value, one-hot, as a sequence of one step: Input(shape=(1, n_values))."),
        (r"expected ndim=3, found ndim=2|Input 0 of layer .*lstm.* is incompatible",
         "the fed-back one-hot value has the shape (batch, n_values): make it (batch, 1, n_values) with "
         "RepeatVector(1) before the next call of LSTM_cell."),
        (r"should have one output per time step \(Ty = \d+\); got 1\.",
         "append out = densor(a) to `outputs` at every step and give Model the whole list."),
        (r"time step 0 \(counting from 0\) has wrong values",
         "at each step: _, a, c = LSTM_cell(x, initial_state=[a, c]), then out = densor(a); x starts as x0."),
        (r"time step [1-9]\d* \(counting from 0\) has wrong values",
         "the first step is right, a later one is not: the next input must be the ONE-HOT of the most likely "
         "value, x = keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values), reshaped to (batch, 1, "
         "n_values) with RepeatVector(1); not the probabilities themselves."),
    ],
    "predict_and_sample": [
        (r"`indices` on .* has the wrong shape: got \((\d+),\), expected \(\1, 1\)",
         "keep the batch axis: np.argmax(np.array(pred), axis=-1) of the (Ty, 1, n_values) predictions has the "
         "shape (Ty, 1)."),
        (r"`indices` on .* has the wrong shape",
         "indices = np.argmax(np.array(pred), axis=-1): the argmax over the LAST axis, the n_values "
         "probabilities, of the (Ty, 1, n_values) predictions."),
        (r"`indices` on .* has the wrong dtype",
         "the indices are integers: np.argmax gives them."),
        (r"`indices` on .* has wrong values",
         "call the model on the three initializers, [x_initializer, a_initializer, c_initializer], in this order, "
         "then take the argmax of each prediction."),
        (r"`results` on ",
         "results = keras.utils.to_categorical(indices, num_classes=n_values): the one-hot vectors of the "
         "indices, shape (Ty, n_values), not the probabilities."),
    ],
}


def hint_for(name: str, text: str) -> str | None:
    """The hint line for a failure message of check ``name``, or None."""
    for pattern, hint in _HINTS.get(name, []):
        if re.search(pattern, text):
            return hint
    return None


def _check(name: str):
    def checked(fn, verbose: bool = True) -> Report:
        report = _run(name, fn)
        if report.status == "failed":
            hint = hint_for(name, report.text)
            if hint:
                report.lines.append(f"    Hint: {hint}")
        if verbose:
            print(report.text)
            sys.stdout.flush()
        return report

    checked.__name__ = checked.__qualname__ = f"check_{name}"
    checked.__doc__ = (f"Check your `{name}` on fixed cases and print what is wrong, if anything.\n\n"
                       f"Usage: check_{name}({name})")
    suite.checks[name] = checked
    return checked


check_djmodel = _check("djmodel")
check_music_inference_model = _check("music_inference_model")
check_predict_and_sample = _check("predict_and_sample")

__all__ = ["check_djmodel", "check_music_inference_model", "check_predict_and_sample"]
