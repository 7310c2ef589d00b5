"""Notebook 08's checks pass the reference solutions and catch realistic mistakes; so do its hidden tests."""

import copy
import math

import nbformat
import numpy as np
import pytest

from course_utils.authoring import BEGIN_HIDDEN, END_HIDDEN
from course_utils.checks import optimization_methods as checks
from course_utils.checks.solutions import load_solutions, notebook_path

NOTEBOOK = "08_optimization_methods"
NAMES = ["update_parameters_with_gd", "random_mini_batches", "initialize_velocity",
         "update_parameters_with_momentum", "initialize_adam", "update_parameters_with_adam", "update_lr",
         "schedule_lr_decay"]


@pytest.fixture(scope="module")
def ref():
    return load_solutions(NOTEBOOK)


def todo(*args, **kwargs):
    raise NotImplementedError()


def run(name, fn):
    return getattr(checks, f"check_{name}")(fn, verbose=False)


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    assert run(name, ref[name]).passed
    report = run(name, todo)
    assert report.status == "not attempted" and "not attempted yet" in report.text


def test_all_checks_are_exported():
    assert sorted(checks.__all__) == sorted(f"check_{n}" for n in NAMES)


def test_check_prints_one_line_per_case_and_a_summary(ref, capsys):
    checks.check_random_mini_batches(ref["random_mini_batches"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[-1] == "✔ random_mini_batches: all 3 checks passed."


def test_failure_prints_the_message_and_the_hint(capsys):
    checks.check_update_lr(lambda lr0, epoch, rate: lr0 / (1 + rate) * epoch)
    out = capsys.readouterr().out
    assert out.startswith("✘ update_lr:") and "    Hint: learning_rate = learning_rate0 / (1 + decay_rate" in out


# --------------------------------------------------------------------------- #
# Gradient descent
# --------------------------------------------------------------------------- #

def test_gd_in_place_and_missing_layer():
    def in_place(parameters, grads, learning_rate):
        for key in parameters:
            parameters[key] -= learning_rate * grads["d" + key]
        return parameters

    text = run("update_parameters_with_gd", in_place).text
    assert "modified its input (argument 1) in place" in text
    assert "Hint: Keep the given first lines that copy the inputs (parameters = copy.deepcopy(parameters))" in text

    def last_layer_forgotten(parameters, grads, learning_rate):
        new = copy.deepcopy(parameters)
        for layer in range(1, len(parameters) // 2):  # stops one layer short
            for name in (f"W{layer}", f"b{layer}"):
                new[name] = new[name] - learning_rate * grads["d" + name]
        return new

    text = run("update_parameters_with_gd", last_layer_forgotten).text
    assert "['W2'] has wrong values" in text and "range(1, L + 1)" in text


# --------------------------------------------------------------------------- #
# Mini-batches
# --------------------------------------------------------------------------- #

def _mini_batches(X, Y, size, seed, *, drop_last=False, last_end=None, two_permutations=False,
                  shuffle=True, empty_last=False, flat_Y=False):
    """random_mini_batches with one of the classic mistakes switched on."""
    np.random.seed(seed)
    m = X.shape[1]
    if shuffle:
        perm = np.random.permutation(m)
        sx = X[:, perm]
        sy = Y[:, np.random.permutation(m)] if two_permutations else Y[:, perm]
    else:
        sx, sy = X, Y
    if flat_Y:
        sy = sy.ravel()
    out = []
    n = m // size
    for k in range(n):
        out.append((sx[:, k * size:(k + 1) * size], sy[..., k * size:(k + 1) * size]))
    if (m % size or empty_last) and not drop_last:
        end = m if last_end is None else last_end(m, size)
        out.append((sx[:, n * size:end], sy[..., n * size:end]))
    return out


@pytest.mark.parametrize("mistake, message, hint", [
    ({"drop_last": True}, "should have 3 items; got 2", "Keep the last, smaller mini-batch"),
    ({"last_end": lambda m, size: m - 1}, "[2][0] has the wrong shape: got (2, 1), expected (2, 2)",
     "ends at m, not m - 1"),
    ({"last_end": lambda m, size: m % size}, "[2][0] has the wrong shape: got (2, 0), expected (2, 2)",
     "ends at m, not m - 1 or m % mini_batch_size"),
    ({"two_permutations": True}, "[0][1] has wrong values", "Shuffle X and Y with the same permutation"),
    ({"shuffle": False}, "[0][0] has wrong values", "Shuffle first, with the permutation drawn right after"),
    ({"empty_last": True}, "should have 3 items; got 4", "Add the last mini-batch only when m % mini_batch_size"),
    ({"flat_Y": True}, "[0][1] has the wrong shape: got (4,), expected (1, 4)", "Keep Y a row vector"),
])
def test_random_mini_batches_mistakes(mistake, message, hint):
    def wrong(X, Y, mini_batch_size=64, seed=0):
        return _mini_batches(X, Y, mini_batch_size, seed, **mistake)

    report = run("random_mini_batches", wrong)
    assert report.status == "failed" and message in report.text, report.text
    assert "    Hint: " in report.text and hint in report.text, report.text


def test_random_mini_batches_rows_instead_of_columns():
    def rows(X, Y, mini_batch_size=64, seed=0):
        np.random.seed(seed)
        perm = np.random.permutation(X.shape[1])
        return [(X[perm], Y[perm])]

    text = run("random_mini_batches", rows).text
    assert "IndexError" in text and "Examples are columns" in text


def test_random_mini_batches_default_arguments_are_checked(ref):
    good = ref["random_mini_batches"]

    def other_defaults(X, Y, mini_batch_size=32, seed=0):
        return good(X, Y, mini_batch_size, seed)

    text = run("random_mini_batches", other_defaults).text
    assert "the defaults" in text and "should have 3 items; got 5" in text and "mini_batch_size=64 and seed=0" in text


# --------------------------------------------------------------------------- #
# Momentum
# --------------------------------------------------------------------------- #

def test_initialize_velocity_mistakes():
    def bias_shape(parameters):
        v = {}
        for k in range(1, len(parameters) // 2 + 1):
            v[f"dW{k}"] = np.zeros((parameters[f"W{k}"].shape[0], 1))
            v[f"db{k}"] = np.zeros_like(parameters[f"b{k}"])
        return v

    text = run("initialize_velocity", bias_shape).text
    assert "['dW1'] has the wrong shape: got (2, 1), expected (2, 3)" in text
    assert "Each velocity has the shape of its parameter" in text

    def parameter_keys(parameters):
        return {k: np.zeros_like(p) for k, p in parameters.items()}

    text = run("initialize_velocity", parameter_keys).text
    assert "missing the key" in text and "'d' + the parameter's name" in text

    def flat(parameters):
        return {"d" + k: np.zeros(p.size) for k, p in parameters.items()}

    assert "has the shape of its parameter" in run("initialize_velocity", flat).text


def _momentum(parameters, grads, v, beta, learning_rate, *, one_minus_beta=True, use_gradient=False,
              in_place=False):
    parameters = parameters if in_place else copy.deepcopy(parameters)
    v = v if in_place else copy.deepcopy(v)
    for key in list(parameters):
        d = "d" + key
        v[d] = beta * v[d] + ((1 - beta) if one_minus_beta else 1) * grads[d]
        parameters[key] = parameters[key] - learning_rate * (grads[d] if use_gradient else v[d])
    return parameters, v


def test_momentum_without_one_minus_beta():
    def wrong(parameters, grads, v, beta, learning_rate):
        return _momentum(parameters, grads, v, beta, learning_rate, one_minus_beta=False)

    text = run("update_parameters_with_momentum", wrong).text
    assert "has wrong values" in text
    assert "Hint: Your v is 1 / (1 - beta) times too large: the new gradient is weighted by (1 - beta)" in text


def test_momentum_other_mistakes():
    def gradient_step(parameters, grads, v, beta, learning_rate):
        return _momentum(parameters, grads, v, beta, learning_rate, use_gradient=True)

    text = run("update_parameters_with_momentum", gradient_step).text
    assert "[0]['W1'] has wrong values" in text and "v is right but the parameters are not" in text

    def v_in_place(parameters, grads, v, beta, learning_rate):
        new_parameters, new_v = _momentum(parameters, grads, v, beta, learning_rate)
        for d in v:
            v[d] = new_v[d]  # writes into the caller's dict
        return new_parameters, new_v

    text = run("update_parameters_with_momentum", v_in_place).text
    assert "modified its input (argument 3) in place" in text and "changes the caller's `v`" in text

    def ignores_old_velocity(parameters, grads, v, beta, learning_rate):
        zero = {d: np.zeros_like(x) for d, x in v.items()}
        return _momentum(parameters, grads, zero, beta, learning_rate)

    text = run("update_parameters_with_momentum", ignores_old_velocity).text
    assert "v != 0" in text and "The velocity v (output [1]) is wrong" in text


# --------------------------------------------------------------------------- #
# Adam
# --------------------------------------------------------------------------- #

def test_initialize_adam_mistakes(ref):
    def velocity_only(parameters):
        return ref["initialize_velocity"](parameters)

    assert "Return the pair (v, s)" in run("initialize_adam", velocity_only).text

    def transposed(parameters):
        v = {"d" + k: np.zeros(p.shape[::-1]) for k, p in parameters.items()}
        return v, copy.deepcopy(v)

    text = run("initialize_adam", transposed).text
    assert "['dW1'] has the wrong shape: got (3, 2), expected (2, 3)" in text and "shape of its parameter" in text


def _adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8, *,
          power=lambda t: t, correct=True, square=True, in_place=(), update_with_raw=False):
    """Adam with one of the classic mistakes switched on (independent of the notebook's solution)."""
    parameters = parameters if "parameters" in in_place else copy.deepcopy(parameters)
    v = v if "v" in in_place else copy.deepcopy(v)
    s = s if "s" in in_place else copy.deepcopy(s)
    vc, sc = {}, {}
    k = power(t)
    for key in list(parameters):
        d = "d" + key
        v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
        s[d] = beta2 * s[d] + (1 - beta2) * (grads[d] ** 2 if square else grads[d])
        with np.errstate(divide="ignore", invalid="ignore"):
            vc[d] = v[d] / (1 - beta1 ** k) if correct else v[d]
            sc[d] = s[d] / (1 - beta2 ** k) if correct else s[d]
            m1, m2 = (v[d], s[d]) if update_with_raw else (vc[d], sc[d])
            parameters[key] = parameters[key] - learning_rate * m1 / (np.sqrt(m2) + epsilon)
    return parameters, v, s, vc, sc


def _adam_with(**mistake):
    def wrong(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
        return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, **mistake)
    return wrong


def test_the_adam_helper_of_these_tests_is_right_without_mistakes():
    assert run("update_parameters_with_adam", _adam_with()).passed


@pytest.mark.parametrize("mistake, hint", [
    ({"correct": False}, "You forgot the bias correction: v_corrected = v / (1 - beta1 ** t)"),
    ({"power": lambda t: t - 1}, "Your v_corrected divides by 1 - beta1 ** (t - 1); use t itself"),
    ({"power": lambda t: t + 1}, "Your v_corrected divides by 1 - beta1 ** (t + 1); use t itself"),
    ({"square": False}, "The second moment s (output [2]) is wrong"),
    ({"update_with_raw": True}, "with the corrected moments"),
    ({"in_place": ("s",)}, "changes the caller's `s`"),
    ({"in_place": ("parameters",)}, "changes the caller's `parameters`"),
])
def test_adam_mistakes(mistake, hint):
    report = run("update_parameters_with_adam", _adam_with(**mistake))
    assert report.status == "failed" and "    Hint: " in report.text and hint in report.text, report.text


def test_adam_bias_correction_of_s_only():
    def wrong(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
        p, v2, s2, vc, sc = _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
        sc = {d: s2[d] / (1 - beta2 ** (t + 1)) for d in s2}
        p = {k: parameters[k] - learning_rate * vc["d" + k] / (np.sqrt(sc["d" + k]) + epsilon) for k in parameters}
        return p, v2, s2, vc, sc

    text = run("update_parameters_with_adam", wrong).text
    assert "Your s_corrected divides by 1 - beta2 ** (t + 1)" in text


def test_adam_first_moment_hint():
    def wrong_first_moment(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
        return _adam(parameters, grads, v, s, t, learning_rate, 1 - beta1, beta2, epsilon)

    text = run("update_parameters_with_adam", wrong_first_moment).text
    assert "The first moment v (output [1]) is wrong" in text


@pytest.mark.parametrize("k, t, expected", [
    (math.nan, 3, "You forgot"), (math.inf, 1, "(t - 1)"), (2.0, 3, "(t - 1)"), (4.0, 3, "(t + 1)"),
    (None, 3, "beta1 to the power t"), (7.5, 3, "beta1 to the power t"),
])
def test_correction_hint(k, t, expected):
    assert expected in checks._correction_hint("v_corrected", "v", "beta1", k, t)


def test_correction_power_reads_the_exponent():
    raw = {"dW1": np.array([[0.5, -2.0]]), "db1": np.array([[0.0]])}
    for k in (1, 2, 5):
        corrected = {d: x / (1 - 0.9 ** k) for d, x in raw.items()}
        assert checks._correction_power(corrected, raw, 0.9) == pytest.approx(k)
    assert math.isnan(checks._correction_power(raw, raw, 0.9))
    assert checks._correction_power({"dW1": raw["dW1"] * [[2.0, 3.0]], "db1": raw["db1"]}, raw, 0.9) is None
    assert checks._correction_power({"dW1": raw["dW1"]}, raw, 0.9) is None


# --------------------------------------------------------------------------- #
# Learning-rate decay
# --------------------------------------------------------------------------- #

def test_schedule_lr_decay_mistakes():
    def every_epoch(learning_rate0, epoch_num, decay_rate, time_interval=1000):
        return learning_rate0 / (1 + decay_rate * epoch_num)

    text = run("schedule_lr_decay", every_epoch).text
    assert "before the first decay" in text and "use math.floor(epoch_num / time_interval)" in text

    def no_floor(learning_rate0, epoch_num, decay_rate, time_interval=1000):
        return learning_rate0 / (1 + decay_rate * epoch_num / time_interval)

    assert "Hint: The rate changes only once every time_interval epochs" in run("schedule_lr_decay", no_floor).text

    def ceil(learning_rate0, epoch_num, decay_rate, time_interval=1000):
        return learning_rate0 / (1 + decay_rate * math.ceil(epoch_num / time_interval))

    assert "The rate changes only once" in run("schedule_lr_decay", ceil).text

    def fixed_interval(learning_rate0, epoch_num, decay_rate, time_interval=1000):
        return learning_rate0 / (1 + decay_rate * (epoch_num // 1000))

    assert "Use the time_interval argument, not a fixed 1000" in run("schedule_lr_decay", fixed_interval).text

    def round_half(learning_rate0, epoch_num, decay_rate, time_interval=1000):
        return learning_rate0 / (1 + decay_rate * round(epoch_num / time_interval))

    text = run("schedule_lr_decay", round_half).text
    assert "two decays so far" in text and "Round the number of intervals down" in text


def test_update_lr_mistake():
    text = run("update_lr", lambda lr0, epoch, rate: lr0 / (1 + rate ** epoch)).text
    assert "wrong values" in text and "the whole sum divides learning_rate0" in text


def test_hint_for_unknown_failure_is_none():
    assert checks.hint_for("update_lr", "something else") is None
    assert checks.hint_for("no_such_check", "wrong values") is None


# --------------------------------------------------------------------------- #
# The hidden tests: pass on the reference, fail on the classic mistakes
# --------------------------------------------------------------------------- #

def _hidden_sources():
    nb = nbformat.read(notebook_path(NOTEBOOK), as_version=4)
    out = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid.startswith("test_"):
            source = cell.source
            out[gid.removeprefix("test_")] = source[source.index(BEGIN_HIDDEN):source.index(END_HIDDEN)]
    return out


HIDDEN = _hidden_sources()


def _run_hidden(ref, name, **replacements):
    namespace = load_solutions(NOTEBOOK) if replacements else ref
    namespace.update(replacements)
    exec(compile(HIDDEN[name], f"<hidden tests of {name}>", "exec"), namespace)


def test_every_exercise_has_hidden_tests():
    assert sorted(HIDDEN) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_pass_on_the_reference(ref, name):
    _run_hidden(ref, name)


def _wrong_versions():
    def gd_in_place(parameters, grads, learning_rate):
        for key in parameters:
            parameters[key] -= learning_rate * grads["d" + key]
        return parameters

    def mb(**mistake):
        return lambda X, Y, mini_batch_size=64, seed=0: _mini_batches(X, Y, mini_batch_size, seed, **mistake)

    def velocity_of_bias_shape(parameters):
        return {"d" + k: np.zeros((p.shape[0], 1)) for k, p in parameters.items()}

    def momentum(**mistake):
        return lambda p, g, v, beta, lr: _momentum(p, g, v, beta, lr, **mistake)

    def adam_shared(parameters):
        v = {"d" + k: np.zeros_like(p) for k, p in parameters.items()}
        return v, v

    return [
        ("update_parameters_with_gd", "updates in place", {"update_parameters_with_gd": gd_in_place}),
        ("random_mini_batches", "drops the last mini-batch", {"random_mini_batches": mb(drop_last=True)}),
        ("random_mini_batches", "last slice ends at m - 1",
         {"random_mini_batches": mb(last_end=lambda m, size: m - 1)}),
        ("random_mini_batches", "two permutations", {"random_mini_batches": mb(two_permutations=True)}),
        ("random_mini_batches", "no shuffle", {"random_mini_batches": mb(shuffle=False)}),
        ("random_mini_batches", "an empty last mini-batch", {"random_mini_batches": mb(empty_last=True)}),
        ("initialize_velocity", "wrong shapes", {"initialize_velocity": velocity_of_bias_shape}),
        ("update_parameters_with_momentum", "no (1 - beta)",
         {"update_parameters_with_momentum": momentum(one_minus_beta=False)}),
        ("update_parameters_with_momentum", "in place", {"update_parameters_with_momentum": momentum(in_place=True)}),
        ("update_parameters_with_momentum", "steps along the gradient",
         {"update_parameters_with_momentum": momentum(use_gradient=True)}),
        ("initialize_adam", "v and s are one dict", {"initialize_adam": adam_shared}),
        ("update_parameters_with_adam", "no bias correction", {"update_parameters_with_adam": _adam_with(correct=False)}),
        ("update_parameters_with_adam", "t - 1", {"update_parameters_with_adam": _adam_with(power=lambda t: t - 1)}),
        ("update_parameters_with_adam", "t + 1", {"update_parameters_with_adam": _adam_with(power=lambda t: t + 1)}),
        ("update_parameters_with_adam", "v in place", {"update_parameters_with_adam": _adam_with(in_place=("v",))}),
        ("update_lr", "decay_rate ** epoch", {"update_lr": lambda lr0, e, r: lr0 / (1 + r ** e)}),
        ("schedule_lr_decay", "epoch instead of floor(epoch / interval)",
         {"schedule_lr_decay": lambda lr0, e, r, time_interval=1000: lr0 / (1 + r * e)}),
        ("schedule_lr_decay", "no floor",
         {"schedule_lr_decay": lambda lr0, e, r, time_interval=1000: lr0 / (1 + r * e / time_interval)}),
        ("schedule_lr_decay", "a fixed interval of 1000",
         {"schedule_lr_decay": lambda lr0, e, r, time_interval=1000: lr0 / (1 + r * (e // 1000))}),
    ]


def test_hidden_tests_catch_typical_mistakes(ref):
    missed = []
    for name, mistake, replacements in _wrong_versions():
        try:
            with np.errstate(all="ignore"):
                _run_hidden(ref, name, **replacements)
        except Exception:  # a CheckFailed, an AssertionError or an error in the wrong code: caught
            continue
        missed.append(f"{name}: {mistake}")
    assert not missed, f"the hidden tests did not catch: {missed}"
