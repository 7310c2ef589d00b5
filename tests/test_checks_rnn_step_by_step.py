"""Notebook 16's checks pass the reference solutions and catch realistic mistakes; so do its hidden tests.

The wrong implementations are written as source code and run in a fresh namespace of the notebook's
solutions, as a learner's functions would be: they find the given softmax and sigmoid and the learner's
earlier exercises (rnn_cell_forward, lstm_cell_forward, ...) among their globals.
"""

import re

import nbformat
import numpy as np
import pytest

from course_utils.authoring import BEGIN_HIDDEN, END_HIDDEN
from course_utils.checks import CheckFailed
from course_utils.checks import rnn_step_by_step as checks
from course_utils.checks.solutions import load_solutions, notebook_path

NOTEBOOK = "16_rnn_step_by_step"
NAMES = ["rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward",
         "rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward"]


@pytest.fixture(scope="module")
def ref():
    return load_solutions(NOTEBOOK)


def todo(*args, **kwargs):
    raise NotImplementedError()


def run(name, fn):
    return getattr(checks, f"check_{name}")(fn, verbose=False)


def learner(source: str, name: str, **replacements):
    """Define ``name`` from ``source`` in a fresh solutions namespace (as in a learner's notebook)."""
    namespace = load_solutions(NOTEBOOK)
    namespace.update(replacements)
    exec(compile(source, f"<learner's {name}>", "exec"), namespace)
    return namespace[name], namespace


def fill(template: str, defaults: dict, **changes) -> str:
    source = template
    for key, value in {**defaults, **changes}.items():
        source = source.replace(key, value)
    return source


# --------------------------------------------------------------------------- #
# Reference, stub, output format, cases
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    assert run(name, ref[name]).passed
    report = run(name, todo)
    assert report.status == "not attempted" and "not attempted yet" in report.text


def test_all_checks_are_exported():
    assert sorted(checks.__all__) == sorted(f"check_{n}" for n in NAMES)


def test_check_prints_one_line_per_case_and_a_summary(ref, capsys):
    checks.check_lstm_cell_backward(ref["lstm_cell_backward"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[-1] == "✔ lstm_cell_backward: all 3 checks passed."


def test_output_is_deterministic(ref, capsys):
    outputs = []
    for _ in range(2):
        for name in NAMES:
            getattr(checks, f"check_{name}")(ref[name])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


def test_cases_are_small_and_n_x_differs_from_n_a():
    for name in NAMES:
        for case in checks.suite.case_makers[name]():
            arrays = [a for a in case.args if isinstance(a, np.ndarray)]
            assert all(a.size <= 200 for a in arrays), (name, case.label)
            sizes = re.search(r"n_x = (\d+), n_a = (\d+)", case.label)
            assert sizes is None or sizes.group(1) != sizes.group(2), (name, case.label)


def test_backward_cases_start_from_consistent_caches():
    from course_utils.nn.rnn import sigmoid

    for case in checks.suite.case_makers["rnn_cell_backward"]():
        a_next, a_prev, xt, p = case.args[1]
        assert np.allclose(a_next, np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"]))
    for case in checks.suite.case_makers["lstm_cell_backward"]():
        a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = case.args[2]
        concat = np.vstack([a_prev, xt])
        assert np.allclose(ft, sigmoid(p["Wf"] @ concat + p["bf"]))
        assert np.allclose(c_next, ft * c_prev + it * cct) and np.allclose(a_next, ot * np.tanh(c_next))
    first = checks.suite.case_makers["rnn_backward"]()[0]
    da, (cells, x) = first.args
    assert np.count_nonzero(da[:, :, :-1]) == 0 and np.count_nonzero(da[:, :, -1]) == da[:, :, -1].size
    assert all(np.array_equal(cells[t][1], cells[t - 1][0]) for t in range(1, len(cells)))


# --------------------------------------------------------------------------- #
# Earlier exercises
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("name, helper", [("rnn_forward", "rnn_cell_forward"), ("lstm_forward", "lstm_cell_forward"),
                                          ("rnn_backward", "rnn_cell_backward"),
                                          ("lstm_backward", "lstm_cell_backward")])
def test_a_function_waits_for_the_exercise_it_calls(name, helper):
    fn, _ = learner("", name, **{helper: todo})
    report = run(name, fn)
    assert report.status == "not attempted"
    assert f"cannot be checked yet: it calls `{helper}`, which is not attempted yet" in report.text


def test_a_failing_helper_is_named():
    wrong_cell = "def rnn_cell_forward(xt, a_prev, parameters):\n" \
                 "    a = np.dot(parameters['Waa'], a_prev) + np.dot(parameters['Wax'], xt) + parameters['ba']\n" \
                 "    return a, softmax(np.dot(parameters['Wya'], a) + parameters['by']), (a, a_prev, xt, parameters)\n"
    _, namespace = learner(wrong_cell, "rnn_cell_forward")
    report = run("rnn_forward", namespace["rnn_forward"])
    assert report.status == "failed"
    assert "it calls your `rnn_cell_forward`, which does not pass its check yet" in report.text
    assert report.text.count("Note:") == 1


# --------------------------------------------------------------------------- #
# Realistic mistakes caught by the public checks, with their hints
# --------------------------------------------------------------------------- #

RNN_CELL = """
def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = A_NEXT
    yt_pred = Y_PRED
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
"""
RNN_CELL_DEFAULTS = {"A_NEXT": "np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)",
                     "Y_PRED": "softmax(np.dot(Wya, a_next) + by)"}
SCORES = "np.exp(np.dot(Wya, a_next) + by)"

RNN_CELL_FORWARD = {
    "no tanh": ({"A_NEXT": "np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba"},
                ["[0] has wrong values", "output [0] is `a_next`", "apply np.tanh"]),
    "sigmoid": ({"A_NEXT": "sigmoid(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)"}, ["tanh, not sigmoid"]),
    "no bias": ({"A_NEXT": "np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt))"}, ["add the bias ba"]),
    "element-wise products": ({"A_NEXT": "np.tanh(Waa * a_prev + Wax * xt + ba)"},
                              ["raised an error", "matrix products"]),
    "weights swapped": ({"A_NEXT": "np.tanh(np.dot(Wax, a_prev) + np.dot(Waa, xt) + ba)"},
                        ["raised an error", "np.dot(Waa, a_prev) + np.dot(Wax, xt)"]),
    "prediction from a_prev": ({"Y_PRED": "softmax(np.dot(Wya, a_prev) + by)"},
                               ["[1] has wrong values", "output [1] is `yt_pred`", "from the NEW state a_next"]),
    "softmax over the examples": ({"Y_PRED": f"{SCORES} / np.sum({SCORES}, axis=1, keepdims=True)"},
                                  ["yours sums to 1 along the examples"]),
    "softmax over the whole array": ({"Y_PRED": f"{SCORES} / np.sum({SCORES})"}, ["the sum of the whole array"]),
    "no softmax": ({"Y_PRED": "np.dot(Wya, a_next) + by"}, ["apply softmax(...)"]),
}

RNN_FORWARD_TEMPLATE = """
def rnn_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = A_INIT
    y_pred = np.zeros((n_y, m, T_x))
    a_next = a0
    for t in range(T_x):
        a_prev = a_next
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], A_IN, parameters)
        a[:, :, t] = A_STORE
        Y_LINE
        CACHE_LINE
    caches = (caches, x)
    return a, y_pred, caches
"""
RNN_FORWARD_DEFAULTS = {"A_INIT": "np.zeros((n_a, m, T_x))", "A_IN": "a_next", "A_STORE": "a_next",
                        "Y_LINE": "y_pred[:, :, t] = yt_pred", "CACHE_LINE": "caches.append(cache)"}

RNN_FORWARD = {
    "a0 at every step": ({"A_IN": "a0"}, ["[0] has wrong values", "step 0 is right", "start with a_next = a0"]),
    "a_prev stored": ({"A_STORE": "a_prev"}, ["store the NEW state"]),
    "predictions not stored": ({"Y_LINE": "pass"}, ["[1] has wrong values", "y_pred[:, :, t] = yt_pred"]),
    "caches not appended": ({"CACHE_LINE": "pass"}, ["[2][0] should have 3 items", "append each step's cache"]),
    "a with the axes swapped": ({"A_INIT": "np.zeros((n_a, T_x, m))"}, ["raised an error", "time on the LAST axis"]),
}

LSTM_CELL = """
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    p = parameters
    concat = CONCAT
    ft = FT
    it = sigmoid(np.dot(p["Wi"], concat) + p["bi"])
    cct = CCT
    c_next = C_NEXT
    ot = sigmoid(np.dot(p["Wo"], concat) + p["bo"])
    a_next = A_NEXT
    yt_pred = softmax(np.dot(p["Wy"], a_next) + p["by"])
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
"""
LSTM_CELL_DEFAULTS = {"CONCAT": "np.concatenate([a_prev, xt], axis=0)",
                      "FT": 'sigmoid(np.dot(p["Wf"], concat) + p["bf"])',
                      "CCT": 'np.tanh(np.dot(p["Wc"], concat) + p["bc"])',
                      "C_NEXT": "ft * c_prev + it * cct", "A_NEXT": "ot * np.tanh(c_next)"}

LSTM_CELL_FORWARD = {
    "xt on top": ({"CONCAT": "np.concatenate([xt, a_prev], axis=0)"}, ["has wrong values", "a_prev on top"]),
    "concatenated along axis 1": ({"CONCAT": "np.concatenate([a_prev, xt], axis=1)"},
                                  ["raised an error", "np.concatenate([a_prev, xt], axis=0)"]),
    "tanh forget gate": ({"FT": 'np.tanh(np.dot(p["Wf"], concat) + p["bf"])'}, ["the gates use sigmoid"]),
    "sigmoid candidate": ({"CCT": 'sigmoid(np.dot(p["Wc"], concat) + p["bc"])'}, ["uses tanh, not sigmoid"]),
    "gates swapped": ({"C_NEXT": "it * c_prev + ft * cct"}, ["[0] has wrong values", "output [0] is `a_next`",
                                                             "the forget gate scales the OLD cell state"]),
    "no update gate": ({"C_NEXT": "ft * c_prev + cct"}, ["multiply the candidate by the update gate"]),
    "no forget gate": ({"C_NEXT": "c_prev + it * cct"}, ["multiply c_prev by the forget gate"]),
    "a without tanh": ({"A_NEXT": "ot * c_next"}, ["[0] has wrong values", "apply tanh to the new cell state"]),
    "a from c_prev": ({"A_NEXT": "ot * np.tanh(c_prev)"}, ["from the NEW cell state c_next"]),
}

LSTM_FORWARD_TEMPLATE = """
def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, c, y = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    a_next = a0
    c_next = C0
    for t in range(T_x):
        a_next, c_new, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        C_UPDATE
        a[:, :, t] = a_next
        c[:, :, t] = C_STORE
        y[:, :, t] = yt
        caches.append(cache)
    return a, y, c, (caches, x)
"""
LSTM_FORWARD_DEFAULTS = {"C0": "np.zeros((n_a, m))", "C_UPDATE": "c_next = c_new", "C_STORE": "c_next"}

LSTM_FORWARD = {
    "cell state starts at a0": ({"C0": "a0"}, ["has wrong values", "the cell state at zero"]),
    "cell state not passed on": ({"C_UPDATE": "pass", "C_STORE": "c_new"}, ["pass BOTH new states on"]),
    "cell state not stored": ({"C_STORE": "c[:, :, t]"}, ["[2] has wrong values", "output [2] is `c`",
                                                          "c[:, :, t] = c_next"]),
}

RNN_CELL_BACKWARD_TEMPLATE = """
def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dtanh = DTANH
    dxt = np.dot(Wax.T, dtanh)
    dWax = DWAX
    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = DBA
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
"""
RNN_CELL_BACKWARD_DEFAULTS = {"DTANH": "da_next * (1 - a_next ** 2)", "DWAX": "np.dot(dtanh, xt.T)",
                              "DBA": "np.sum(dtanh, axis=1, keepdims=True)"}

RNN_CELL_BACKWARD = {
    "no derivative": ({"DTANH": "da_next"}, ["['dxt'] has wrong values", "multiply by the derivative of tanh"]),
    "tanh of a_next": ({"DTANH": "da_next * (1 - np.tanh(a_next) ** 2)"}, ["already IS tanh(z)"]),
    "not squared": ({"DTANH": "da_next * (1 - a_next)"}, ["(squared)"]),
    "no keepdims": ({"DBA": "np.sum(dtanh, axis=1)"}, ["['dba'] has the wrong shape", "keepdims=True"]),
    "summed over the units": ({"DBA": "np.sum(dtanh, axis=0, keepdims=True)"}, ["sums over the examples, axis 1"]),
    "dWax transposed": ({"DWAX": "np.dot(xt, dtanh.T)"}, ["['dWax'] has the wrong shape",
                                                         "the shape of what it is the gradient of"]),
}

SEQUENCE_BACKWARD_TEMPLATE = """
def NAME(da, caches):
    (cell_caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    parameters = cell_caches[0][-1]
    dx = np.zeros((n_x, m, T_x))
    totals = {"d" + k: np.zeros(parameters[k].shape) for k in PARAMS}
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    for t in ORDER:
        step = CALL
        dx[:, :, t] = step["dxt"]
        da_prevt = step["da_prev"]
        DC_LINE
        for k in totals:
            totals[k] OP step[k]
    return {"dx": dx, "da0": DA0, **totals}
"""


def rnn_backward_source(**changes):
    return fill(SEQUENCE_BACKWARD_TEMPLATE, {
        "NAME": "rnn_backward", "PARAMS": '("Wax", "Waa", "ba")', "ORDER": "reversed(range(T_x))",
        "CALL": "rnn_cell_backward(da[:, :, t] + da_prevt, cell_caches[t])", "DC_LINE": "pass", "OP": "+=",
        "DA0": "da_prevt"}, **changes)


def lstm_backward_source(**changes):
    return fill(SEQUENCE_BACKWARD_TEMPLATE, {
        "NAME": "lstm_backward", "PARAMS": '("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")',
        "ORDER": "reversed(range(T_x))", "CALL": "lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, cell_caches[t])",
        "DC_LINE": 'dc_prevt = step["dc_prev"]', "OP": "+=", "DA0": "da_prevt"}, **changes)


RNN_BACKWARD = {
    "no recurrence": (rnn_backward_source(CALL="rnn_cell_backward(da[:, :, t], cell_caches[t])"),
                      ["da at the last step only", "comes through the recurrence", "da_prevt from step t + 1"]),
    "forward in time": (rnn_backward_source(ORDER="range(T_x)"), ["da at the last step only",
                                                                  "for t in reversed(range(T_x))"]),
    "= instead of +=": (rnn_backward_source(OP="="), ["['dWax'] has wrong values", "add up each step's gradient (+=)"]),
    "da0 left at zero": (rnn_backward_source(DA0="np.zeros((n_a, m))"), ["['da0'] has wrong values",
                                                                         "da0 is the gradient sent to a0"]),
}

LSTM_BACKWARD = {
    "cell gradient not carried": (lstm_backward_source(DC_LINE="pass"),
                                  ["['dx'] has wrong values", "the last step is right", "dc_prevt"]),
    "no recurrence": (lstm_backward_source(CALL="lstm_cell_backward(da[:, :, t], np.zeros((n_a, m)), cell_caches[t])"),
                      ["comes through the recurrence"]),
    "= instead of +=": (lstm_backward_source(OP="="), ["add up each step's gradient (+=)"]),
}

LSTM_CELL_BACKWARD_TEMPLATE = """
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a = a_next.shape[0]
    tc = np.tanh(c_next)
    dc = D_C_TOTAL
    dot = D_OT
    dft = D_FT
    dit = dc * cct * it * (1 - it)
    dcct = D_CCT
    concat = CONCAT_EXPR
    g = {}
    for name, d in (("f", dft), ("i", dit), ("c", dcct), ("o", dot)):
        g["dW" + name] = np.dot(d, concat.T)
        g["db" + name] = np.sum(d, axis=1, keepdims=True)
    dconcat = D_CONCAT
    g["da_prev"] = dconcat[:n_a]
    g["dxt"] = dconcat[n_a:]
    g["dc_prev"] = D_C_PREV
    return g
"""
LSTM_CELL_BACKWARD_DEFAULTS = {
    "D_C_TOTAL": "dc_next + da_next * ot * (1 - tc ** 2)", "D_OT": "da_next * tc * ot * (1 - ot)",
    "D_FT": "dc * c_prev * ft * (1 - ft)", "D_CCT": "dc * it * (1 - cct ** 2)",
    "CONCAT_EXPR": "np.concatenate([a_prev, xt], axis=0)",
    "D_CONCAT": "sum(np.dot(parameters['W' + k].T, d) for k, d in (('f', dft), ('i', dit), ('c', dcct), ('o', dot)))",
    "D_C_PREV": "dc * ft"}

LSTM_CELL_BACKWARD = {
    "dc_next forgotten": ({"D_C_TOTAL": "da_next * ot * (1 - tc ** 2)"},
                          ["dc_next only (da_next = 0)", "right when the gradient comes through a_next"]),
    "dc without tanh's derivative": ({"D_C_TOTAL": "dc_next + da_next * ot"},
                                     ["dc = dc_next + da_next * ot * (1 - np.tanh"]),
    "dot without sigmoid's derivative": ({"D_OT": "da_next * tc"}, ["dot = da_next * np.tanh(c_next) * ot * (1 - ot)"]),
    "dft with c_next": ({"D_FT": "dc * c_next * ft * (1 - ft)"}, ["dft = dc * c_prev * ft * (1 - ft)"]),
    "dcct with sigmoid's derivative": ({"D_CCT": "dc * it * cct * (1 - cct)"}, ["dcct = dc * it * (1 - cct ** 2)"]),
    "xt on top": ({"CONCAT_EXPR": "np.concatenate([xt, a_prev], axis=0)"}, ["a_prev on top"]),
    "forget gate only in dconcat": ({"D_CONCAT": "np.dot(parameters['Wf'].T, dft)"}, ["all four gates"]),
    "dc_prev from dc_next": ({"D_C_PREV": "dc_next * ft"}, ["['dc_prev'] has wrong values", "dc_prev = dc * ft"]),
}

ALL_MISTAKES = (
    [("rnn_cell_forward", k, fill(RNN_CELL, RNN_CELL_DEFAULTS, **c), w) for k, (c, w) in RNN_CELL_FORWARD.items()]
    + [("rnn_forward", k, fill(RNN_FORWARD_TEMPLATE, RNN_FORWARD_DEFAULTS, **c), w) for k, (c, w) in RNN_FORWARD.items()]
    + [("lstm_cell_forward", k, fill(LSTM_CELL, LSTM_CELL_DEFAULTS, **c), w) for k, (c, w) in LSTM_CELL_FORWARD.items()]
    + [("lstm_forward", k, fill(LSTM_FORWARD_TEMPLATE, LSTM_FORWARD_DEFAULTS, **c), w)
       for k, (c, w) in LSTM_FORWARD.items()]
    + [("rnn_cell_backward", k, fill(RNN_CELL_BACKWARD_TEMPLATE, RNN_CELL_BACKWARD_DEFAULTS, **c), w)
       for k, (c, w) in RNN_CELL_BACKWARD.items()]
    + [("rnn_backward", k, src, w) for k, (src, w) in RNN_BACKWARD.items()]
    + [("lstm_cell_backward", k, fill(LSTM_CELL_BACKWARD_TEMPLATE, LSTM_CELL_BACKWARD_DEFAULTS, **c), w)
       for k, (c, w) in LSTM_CELL_BACKWARD.items()]
    + [("lstm_backward", k, src, w) for k, (src, w) in LSTM_BACKWARD.items()]
)


@pytest.mark.parametrize("name, mistake, source, words", ALL_MISTAKES,
                         ids=[f"{n}-{k}" for n, k, _, _ in ALL_MISTAKES])
def test_mistakes_fail_with_a_specific_hint(name, mistake, source, words):
    fn, _ = learner(source, name)
    report = run(name, fn)
    assert report.status == "failed", report.text
    for w in words:
        assert w in report.text, f"{w!r} not in:\n{report.text}"
    assert report.text.count("Hint:") == 1, report.text


def test_the_templates_with_their_defaults_are_right():
    sources = {"rnn_cell_forward": fill(RNN_CELL, RNN_CELL_DEFAULTS),
               "rnn_forward": fill(RNN_FORWARD_TEMPLATE, RNN_FORWARD_DEFAULTS),
               "lstm_cell_forward": fill(LSTM_CELL, LSTM_CELL_DEFAULTS),
               "lstm_forward": fill(LSTM_FORWARD_TEMPLATE, LSTM_FORWARD_DEFAULTS),
               "rnn_cell_backward": fill(RNN_CELL_BACKWARD_TEMPLATE, RNN_CELL_BACKWARD_DEFAULTS),
               "rnn_backward": rnn_backward_source(),
               "lstm_cell_backward": fill(LSTM_CELL_BACKWARD_TEMPLATE, LSTM_CELL_BACKWARD_DEFAULTS),
               "lstm_backward": lstm_backward_source()}
    for name, source in sources.items():
        fn, _ = learner(source, name)
        assert run(name, fn).passed, (name, run(name, fn).text)


def test_the_right_code_in_other_forms_passes():
    other_forms = {
        # @ and a softmax of its own
        "rnn_cell_forward": fill(RNN_CELL, RNN_CELL_DEFAULTS, A_NEXT="np.tanh(Waa @ a_prev + Wax @ xt + ba)",
                                 Y_PRED="(lambda e: e / e.sum(axis=0))(np.exp(Wya @ a_next + by))"),
        # each gate from the two blocks of its weights, no concatenation
        "lstm_cell_forward": fill(LSTM_CELL, LSTM_CELL_DEFAULTS, CONCAT="np.vstack((a_prev, xt))",
                                  FT='sigmoid(p["Wf"][:, :a_prev.shape[0]] @ a_prev + p["Wf"][:, a_prev.shape[0]:] @ xt'
                                     ' + p["bf"])'),
        # the derivative of tanh recomputed from the inputs (the check's caches are consistent)
        "rnn_cell_backward": fill(RNN_CELL_BACKWARD_TEMPLATE, RNN_CELL_BACKWARD_DEFAULTS,
                                  DTANH="da_next * (1 - np.tanh(Wax @ xt + Waa @ a_prev + parameters['ba']) ** 2)"),
        # tanh(c_next) read off a_next / ot
        "lstm_cell_backward": fill(LSTM_CELL_BACKWARD_TEMPLATE, LSTM_CELL_BACKWARD_DEFAULTS).replace(
            "tc = np.tanh(c_next)", "tc = a_next / ot"),
        "rnn_backward": rnn_backward_source(ORDER="range(T_x - 1, -1, -1)"),
    }
    for name, source in other_forms.items():
        fn, _ = learner(source, name)
        assert run(name, fn).passed, (name, run(name, fn).text)


def test_a_hard_coded_answer_is_caught(ref):
    cases = checks.suite.case_makers["rnn_cell_forward"]()
    first = ref["rnn_cell_forward"](*cases[0].args)

    def hard_coded(xt, a_prev, parameters):
        return first

    report = run("rnn_cell_forward", hard_coded)
    assert report.status == "failed" and ("hard-coded" in report.text or "wrong shape" in report.text)


# --------------------------------------------------------------------------- #
# The hidden tests: pass on the reference, fail on the mistakes
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


def _run_hidden(name, namespace):
    exec(compile(HIDDEN[name], f"<hidden tests of {name}>", "exec"), namespace)


def test_every_exercise_has_hidden_tests():
    assert sorted(HIDDEN) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_pass_on_the_reference(name):
    _run_hidden(name, load_solutions(NOTEBOOK))


HIDDEN_MISTAKES = [(n, k, src) for n, k, src, _ in ALL_MISTAKES] + [
    ("rnn_cell_forward", "cache reordered", fill(RNN_CELL, RNN_CELL_DEFAULTS).replace(
        "cache = (a_next, a_prev, xt, parameters)", "cache = (a_prev, a_next, xt, parameters)")),
    ("lstm_forward", "no caches", fill(LSTM_FORWARD_TEMPLATE, LSTM_FORWARD_DEFAULTS).replace(
        "caches.append(cache)", "pass")),
    ("lstm_cell_backward", "da_prev and dxt from the wrong ends", fill(
        LSTM_CELL_BACKWARD_TEMPLATE, LSTM_CELL_BACKWARD_DEFAULTS).replace(
        'g["da_prev"] = dconcat[:n_a]\n    g["dxt"] = dconcat[n_a:]',
        'g["da_prev"] = dconcat[-n_a:]\n    g["dxt"] = dconcat[:-n_a]')),
]


@pytest.mark.parametrize("name, mistake, source", HIDDEN_MISTAKES, ids=[f"{n}-{k}" for n, k, _ in HIDDEN_MISTAKES])
def test_hidden_tests_catch_typical_mistakes(name, mistake, source):
    _, namespace = learner(source, name)
    with pytest.raises((CheckFailed, AssertionError, ValueError, TypeError, IndexError)):
        _run_hidden(name, namespace)


# --------------------------------------------------------------------------- #
# The benchmark (python -m course_utils.bench lessons 16)
# --------------------------------------------------------------------------- #

def test_bench_lesson_compares_every_backward_pass_with_a_numerical_gradient():
    from course_utils import bench

    rows = bench.LESSONS["16_rnn_step_by_step"](n_x=2, n_a=3, m=2, T_x=3, T_long=12)
    names = [row[0] for row in rows]
    assert [n.split(":")[0] for n in names[:4]] == [f"16 {n}" for n in NAMES[4:]]
    assert all(row[2] == "< 1e-7" and row[1] < 1e-7 and row[3] for row in rows[:4])
    assert rows[4][1] < rows[5][1]  # the basic RNN's gradient vanishes faster than the LSTM's
