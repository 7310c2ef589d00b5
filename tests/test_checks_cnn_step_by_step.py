"""Notebook 10's checks pass the reference solutions and catch realistic mistakes; so do its hidden tests.

The wrong implementations are written as source code and run in a fresh namespace of the notebook's
solutions, as a learner's functions would be: they find the learner's earlier exercises (zero_pad,
conv_single_step, create_mask_from_window, distribute_value) among their globals.
"""

import nbformat
import numpy as np
import pytest

from course_utils.authoring import BEGIN_HIDDEN, END_HIDDEN
from course_utils.checks import CheckFailed
from course_utils.checks import cnn_step_by_step as checks
from course_utils.checks.solutions import load_solutions, notebook_path

NOTEBOOK = "10_cnn_step_by_step"
NAMES = ["zero_pad", "conv_single_step", "conv_forward", "pool_forward", "conv_backward",
         "create_mask_from_window", "distribute_value", "pool_backward"]


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


# --------------------------------------------------------------------------- #
# Reference, stub, output format
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    assert run(name, ref[name]).passed
    report = run(name, todo)
    assert report.status == "not attempted" and "not attempted yet" in report.text


def test_all_checks_are_exported():
    assert sorted(checks.__all__) == sorted(f"check_{n}" for n in NAMES)


def test_check_prints_one_line_per_case_and_a_summary(ref, capsys):
    checks.check_pool_forward(ref["pool_forward"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5 and lines[-1] == "✔ pool_forward: all 4 checks passed."


def test_output_is_deterministic(ref, capsys):
    outputs = []
    for _ in range(2):
        for name in NAMES:
            getattr(checks, f"check_{name}")(ref[name])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


def test_cases_are_small_and_windows_have_no_ties():
    for name in NAMES:
        for case in checks.suite.case_makers[name]():
            sizes = [a.size for a in case.args if isinstance(a, np.ndarray)]
            assert all(size <= 300 for size in sizes), (name, case.label)
    for case in checks.suite.case_makers["pool_backward"]():
        A_prev, hp = case.args[1]
        f, s = hp["f"], hp["stride"]
        windows = np.lib.stride_tricks.sliding_window_view(A_prev, (f, f), axis=(1, 2))[:, ::s, ::s]
        top2 = np.sort(windows.reshape(*windows.shape[:4], -1), axis=-1)[..., -2:]
        assert np.min(top2[..., 1] - top2[..., 0]) > 1e-3


# --------------------------------------------------------------------------- #
# Earlier exercises
# --------------------------------------------------------------------------- #

def test_a_function_waits_for_the_exercises_it_calls(ref):
    fn, _ = learner("", "conv_forward", zero_pad=todo)
    report = run("conv_forward", fn)
    assert report.status == "not attempted"
    assert "cannot be checked yet: it calls `zero_pad`, which is not attempted yet" in report.text
    fn, _ = learner("", "pool_backward", distribute_value=todo)
    report = run("pool_backward", fn)
    assert report.status == "not attempted" and "`distribute_value`" in report.text


def test_a_failing_helper_is_named(ref):
    wrong_distribute = "def distribute_value(dz, shape):\n    return np.ones(shape) * dz\n"
    _, namespace = learner(wrong_distribute, "distribute_value")
    report = run("pool_backward", namespace["pool_backward"])
    assert report.status == "failed"
    assert "it calls your `distribute_value`, which does not pass its check yet" in report.text
    wrong_pad = "def zero_pad(X, pad):\n    return np.pad(X, pad)\n"
    _, namespace = learner(wrong_pad, "zero_pad")
    report = run("conv_forward", namespace["conv_forward"])
    assert report.status == "failed" and "your `zero_pad`" in report.text and report.text.count("Note:") == 1


# --------------------------------------------------------------------------- #
# Realistic mistakes caught by the public checks, with their hints
# --------------------------------------------------------------------------- #

def pad_source(spec: str) -> str:
    return f"def zero_pad(X, pad):\n    return {spec}\n"


ZERO_PAD = {
    "every axis": (pad_source("np.pad(X, pad)"), ["wrong shape", "pad only the height and the width"]),
    "the batch axis": (pad_source("np.pad(X, ((pad, pad), (pad, pad), (pad, pad), (0, 0)))"),
                       ["got (4, 5, 5, 2)", "the examples (axis 0) and the channels (axis 3) get (0, 0)"]),
    "the channel axis": (pad_source("np.pad(X, ((0, 0), (pad, pad), (pad, pad), (pad, pad)))"),
                         ["wrong shape", "pad only the height and the width"]),
    "one side only": (pad_source("np.pad(X, ((0, 0), (0, pad), (0, pad), (0, 0)))"), ["BOTH sides"]),
    "height only": (pad_source("np.pad(X, ((0, 0), (pad, pad), (0, 0), (0, 0)))"), ["pad both the height"]),
    "ones": (pad_source("np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), constant_values=1)"),
             ["wrong values", "must hold zeros"]),
}

SINGLE_STEP = {
    "no bias": ("np.sum(a_slice_prev * W)", ["wrong values", "add the bias"]),
    "bias as an array": ("np.sum(a_slice_prev * W) + b", ["should be a number", "b.item()"]),
    "float(b)": ("np.sum(a_slice_prev * W) + float(b)", ["raised an error", "use b.item()"]),
    "no sum": ("a_slice_prev * W + b.item()", ["np.sum(a_slice_prev * W)"]),
    "bias subtracted": ("np.sum(a_slice_prev * W) - b.item()", ["not subtract"]),
    "matrix product": ("np.sum(np.dot(a_slice_prev, W)) + b.item()", ["raised an error", "element by element"]),
    "mean instead of sum": ("np.mean(a_slice_prev * W) + b.item()", ["wrong values", "add up every entry"]),
}


def single_step_source(expr: str) -> str:
    return f"def conv_single_step(a_slice_prev, W, b):\n    return {expr}\n"


CONV_TEMPLATE = """
def conv_forward(A_prev, W, b, hparameters):
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride = hparameters["stride"]
    pad = hparameters["pad"]
    n_H = SIZE_H
    n_W = SIZE_W
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        a_prev_pad = SOURCE
        for h in range(n_H):
            vert_start = VSTART
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = HSTART
                horiz_end = horiz_start + f
                for c in range(n_C):
                    a_slice_prev = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                    Z[i, h, w, c] = STEP
    return Z, (A_prev, W, b, hparameters)
"""

CONV_DEFAULTS = {"SIZE_H": "(n_H_prev + 2 * pad - f) // stride + 1", "SIZE_W": "(n_W_prev + 2 * pad - f) // stride + 1",
                 "SOURCE": "A_prev_pad[i]", "VSTART": "h * stride", "HSTART": "w * stride",
                 "STEP": "conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])"}


def conv_source(**changes) -> str:
    source = CONV_TEMPLATE
    for key, value in {**CONV_DEFAULTS, **changes}.items():
        source = source.replace(key, value)
    return source


CONV_FORWARD = {
    "true division": (conv_source(SIZE_H="(n_H_prev + 2 * pad - f) / stride + 1",
                                  SIZE_W="(n_W_prev + 2 * pad - f) / stride + 1"),
                      ["raised an error", "must be integers", "//"]),
    "stride missing everywhere": (conv_source(SIZE_H="n_H_prev + 2 * pad - f + 1", SIZE_W="n_W_prev + 2 * pad - f + 1",
                                              VSTART="h", HSTART="w"),
                                  ["wrong shape", "the stride is missing"]),
    "stride missing in the size": (conv_source(SIZE_H="n_H_prev + 2 * pad - f + 1",
                                               SIZE_W="n_W_prev + 2 * pad - f + 1"),
                                   ["raised an error", "ran past the edge", "// stride + 1"]),
    "rounded up": (conv_source(SIZE_H="int(np.ceil((n_H_prev + 2 * pad - f) / stride)) + 1",
                               SIZE_W="int(np.ceil((n_W_prev + 2 * pad - f) / stride)) + 1"),
                   ["raised an error", "ran past the edge"]),
    "no padding in the size": (conv_source(SIZE_H="(n_H_prev - f) // stride + 1", SIZE_W="(n_W_prev - f) // stride + 1"),
                               ["wrong shape", "the padding is missing from the size"]),
    "corners not multiplied by the stride": (conv_source(VSTART="h", HSTART="w"),
                                             ["pad 1, stride 2[0] has wrong values", "both corners move by the stride"]),
    "vertical corner not multiplied": (conv_source(VSTART="h"), ["vert_start = h * stride: the window moves down"]),
    "horizontal corner not multiplied": (conv_source(HSTART="w"), ["horiz_start = w * stride: the window moves right"]),
    "no bias": (conv_source(STEP="np.sum(a_slice_prev * W[:, :, :, c])"), ["add each filter's bias"]),
    "unpadded input": (conv_source(SOURCE="A_prev[i]"), ["raised an error", "slice a_prev_pad, the padded example"]),
    "one filter for all": (conv_source(STEP="conv_single_step(a_slice_prev, W[:, :, :, 0], b[:, :, :, 0])"),
                           ["[0] has wrong values", "output [0] is `Z`", "W[:, :, :, c], b[:, :, :, c]"]),
}

POOL_TEMPLATE = """
def pool_forward(A_prev, hparameters, mode="max"):
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    f = hparameters["f"]
    stride = hparameters["stride"]
    n_H = (n_H_prev - f) // stride + 1
    n_W = (n_W_prev - f) // stride + 1
    A = np.zeros((m, n_H, n_W, n_C_prev))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C_prev):
                    vert_start = VSTART
                    horiz_start = HSTART
                    window = A_prev[i, vert_start:vert_start + f, horiz_start:horiz_start + f, CHANNEL]
                    if mode == "max":
                        A[i, h, w, c] = MAX(window)
                    else:
                        A[i, h, w, c] = MEAN(window)
    return A, (A_prev, hparameters)
"""


def pool_source(**changes) -> str:
    source = POOL_TEMPLATE
    for key, value in {"VSTART": "h * stride", "HSTART": "w * stride", "CHANNEL": "c", "MAX": "np.max",
                       "MEAN": "np.mean", **changes}.items():
        source = source.replace(key, value)
    return source


POOL_FORWARD = {
    "mean for max": (pool_source(MAX="np.mean"), ["max pooling of (2, 5, 5, 3)", 'mode "max" takes np.max']),
    "max for average": (pool_source(MEAN="np.max"), ["gives the same output on average pooling of the same input",
                                                     'mode "average" takes np.mean']),
    "all channels at once": (pool_source(CHANNEL=":"), ["each channel is pooled on its own"]),
    "corners not multiplied by the stride": (pool_source(VSTART="h", HSTART="w"),
                                             ["f = 3, stride 2", "both corners move by the stride"]),
    "rows and columns swapped": (pool_source(VSTART="w * stride", HSTART="h * stride"),
                                 ["wrong values", "A[i, h, w, c] = np.max(A_prev[i, vert_start:vert_end"]),
}

CONV_BACKWARD_TEMPLATE = """
def conv_backward(dZ, cache):
    (A_prev, W, b, hparameters) = cache
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride = hparameters["stride"]
    pad = hparameters["pad"]
    (m, n_H, n_W, n_C) = dZ.shape
    dA_prev = np.zeros(A_prev.shape)
    dW = np.zeros(W.shape)
    db = np.zeros(b.shape)
    A_prev_pad = zero_pad(A_prev, pad)
    dA_prev_pad = zero_pad(dA_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = VSTART, HSTART
                    a_slice = SLICE_SOURCE[vs:vs + f, hs:hs + f, :]
                    da_prev_pad[vs:vs + f, hs:hs + f, :] DA_OP W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    DB_LINE
        CROP_LINE
    return RESULT
"""

CONV_BACKWARD_DEFAULTS = {
    "VSTART": "h * stride", "HSTART": "w * stride", "SLICE_SOURCE": "a_prev_pad", "DA_OP": "+=",
    "DB_LINE": "db[:, :, :, c] += dZ[i, h, w, c]",
    "CROP_LINE": "dA_prev[i, :, :, :] = da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :]",
    "RESULT": "dA_prev, dW, db",
}


def conv_backward_source(**changes) -> str:
    source = CONV_BACKWARD_TEMPLATE
    for key, value in {**CONV_BACKWARD_DEFAULTS, **changes}.items():
        source = source.replace(key, value)
    return source


CONV_BACKWARD = {
    "no crop": (conv_backward_source(CROP_LINE="dA_prev[i, :, :, :] = da_prev_pad"),
                ["raised an error", "crop it", "da_prev_pad[pad:pad + n_H_prev"]),
    "padded dA_prev returned": (conv_backward_source(CROP_LINE="pass", RESULT="dA_prev_pad, dW, db"),
                                ["[0] has the wrong shape", "cut the padding off"]),
    "pad:-pad": (conv_backward_source(CROP_LINE="dA_prev[i, :, :, :] = da_prev_pad[pad:-pad, pad:-pad, :]"),
                 ["pad 0, stride 1", "with pad = 0", "(-0 is 0)"]),
    "db summed over every axis": (conv_backward_source(DB_LINE="pass", RESULT="dA_prev, dW, db + np.sum(dZ)"),
                                  ["[2] has wrong values", "output [2] is `db`", "not over the channels"]),
    "db without keepdims": (conv_backward_source(DB_LINE="pass", RESULT="dA_prev, dW, np.sum(dZ, axis=(0, 1, 2))"),
                            ["[2] has the wrong shape", "db has the shape of b, (1, 1, 1, n_C)"]),
    "db of the first example only": (conv_backward_source(DB_LINE="pass",
                                                          RESULT="dA_prev, dW, np.sum(dZ[:1], axis=(0, 1, 2), "
                                                                 "keepdims=True)"),
                                     ["[2] has wrong values", "over every example i, row h and column w"]),
    "dW from the unpadded input": (conv_backward_source(SLICE_SOURCE="A_prev[i]"),
                                   ["raised an error", "ran past the edge", "a_prev_pad"]),
    "assignment instead of +=": (conv_backward_source(DA_OP="="), ["[0] has wrong values", "(add, since windows overlap)"]),
    "corners not multiplied by the stride": (conv_backward_source(VSTART="h", HSTART="w"),
                                             ["pad 1, stride 2[0] has wrong values", "right with stride 1, wrong "
                                              "with stride 2", "in all three contributions"]),
}

MASK = {
    "max per column": ("x == np.max(x, axis=0)", ["exactly one entry should be True", "has 3 True entries"]),
    "minimum": ("x == np.min(x)", ["not to its minimum"]),
    "integers": ("(x == np.max(x)).astype(int)", ["wrong dtype", "not 0s and 1s"]),
    "x times the mask": ("x * (x == np.max(x))", ["wrong dtype", "not x multiplied by it"]),
    "the index": ("np.argmax(x)", ["should be a NumPy array", "not the maximum or its index"]),
    "strictly greater": ("x > np.max(x)", ["no entry is True"]),
    "largest absolute value": ("np.abs(x) == np.max(np.abs(x))", ["wrong values", "not to its minimum"]),
}

DISTRIBUTE = {
    "no division": ("np.ones(shape) * dz", ["wrong values", "divide dz by the number of entries"]),
    "n_H only": ("np.ones(shape) * dz / shape[0]", ["not by n_H alone"]),
    "no parentheses": ("np.ones(shape) * (dz / shape[0] * shape[1])", ["with parentheses"]),
    "a number": ("dz / (shape[0] * shape[1])", ["should be a NumPy array", "return an array of the window's shape"]),
    "transposed": ("np.ones((shape[1], shape[0])) * dz / (shape[0] * shape[1])",
                   ["wrong shape", "the `shape` given"]),
}

POOL_BACKWARD_TEMPLATE = """
def pool_backward(dA, cache, mode="max"):
    (A_prev, hparameters) = cache
    stride = hparameters["stride"]
    f = hparameters["f"]
    (m, n_H, n_W, n_C) = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    if mode == "max":
                        mask = create_mask_from_window(A_prev[i, vs:vs + f, hs:hs + f, c])
                        dA_prev[i, vs:vs + f, hs:hs + f, c] OP MAX_TERM
                    else:
                        dA_prev[i, vs:vs + f, hs:hs + f, c] OP AVG_TERM
    return dA_prev
"""


def pool_backward_source(**changes) -> str:
    source = POOL_BACKWARD_TEMPLATE
    for key, value in {"OP": "+=", "MAX_TERM": "mask * dA[i, h, w, c]",
                       "AVG_TERM": "distribute_value(dA[i, h, w, c], (f, f))", **changes}.items():
        source = source.replace(key, value)
    return source


POOL_BACKWARD = {
    "assignment instead of +=": (pool_backward_source(OP="="), ["overlapping windows", "+="]),
    "modes swapped": (pool_backward_source(MAX_TERM="distribute_value(dA[i, h, w, c], (f, f))",
                                           AVG_TERM="create_mask_from_window(A_prev[i, vs:vs + f, hs:hs + f, c]) "
                                                    "* dA[i, h, w, c]"),
                      ['mode "max" routes each gradient through the mask']),
    "no mask": (pool_backward_source(MAX_TERM="dA[i, h, w, c]"), ["max, A_prev (2, 4, 4, 2)", "mask * dA[i, h, w, c]"]),
    "average without sharing": (pool_backward_source(AVG_TERM="dA[i, h, w, c]"),
                                ["average, the same input", "distribute_value(dA[i, h, w, c], (f, f))"]),
}

ALL_MISTAKES = (
    [("zero_pad", k, src, words) for k, (src, words) in ZERO_PAD.items()]
    + [("conv_single_step", k, single_step_source(e), words) for k, (e, words) in SINGLE_STEP.items()]
    + [("conv_forward", k, src, words) for k, (src, words) in CONV_FORWARD.items()]
    + [("pool_forward", k, src, words) for k, (src, words) in POOL_FORWARD.items()]
    + [("conv_backward", k, src, words) for k, (src, words) in CONV_BACKWARD.items()]
    + [("create_mask_from_window", k, f"def create_mask_from_window(x):\n    return {e}\n", words)
       for k, (e, words) in MASK.items()]
    + [("distribute_value", k, f"def distribute_value(dz, shape):\n    return {e}\n", words)
       for k, (e, words) in DISTRIBUTE.items()]
    + [("pool_backward", k, src, words) for k, (src, words) in POOL_BACKWARD.items()]
)


@pytest.mark.parametrize("name, mistake, source, words", ALL_MISTAKES,
                         ids=[f"{n}-{k}" for n, k, _, _ in ALL_MISTAKES])
def test_mistakes_fail_with_a_specific_hint(name, mistake, source, words):
    fn, _ = learner(source, name)
    report = run(name, fn)
    assert report.status == "failed", report.text
    for w in words:
        assert w in report.text, f"{w!r} not in:\n{report.text}"
    assert report.text.count("Hint:") <= 1, report.text


def test_the_right_code_in_other_forms_passes(ref):
    vectorized = {
        "zero_pad": "def zero_pad(X, pad):\n    out = np.zeros((X.shape[0], X.shape[1] + 2 * pad, X.shape[2] + 2 * pad, "
                    "X.shape[3]))\n    out[:, pad:pad + X.shape[1], pad:pad + X.shape[2], :] = X\n    return out\n",
        "conv_single_step": "def conv_single_step(a_slice_prev, W, b):\n    return float(np.sum(a_slice_prev * W) "
                            "+ b[0, 0, 0])\n",
        "conv_forward": conv_source(SIZE_H="int((n_H_prev + 2 * pad - f) / stride) + 1",
                                    SIZE_W="int(np.floor((n_W_prev + 2 * pad - f) / stride)) + 1"),
        "create_mask_from_window": "def create_mask_from_window(x):\n    return x >= x.max()\n",
        "distribute_value": "def distribute_value(dz, shape):\n    return np.full(shape, dz / np.prod(shape))\n",
        "conv_backward": conv_backward_source(DB_LINE="pass", RESULT="dA_prev, dW, dZ.sum(axis=(0, 1, 2))"
                                                                    ".reshape(1, 1, 1, -1)"),
    }
    for name, source in vectorized.items():
        fn, _ = learner(source, name)
        assert run(name, fn).passed, (name, run(name, fn).text)


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
    ("conv_forward", "cache reordered", conv_source().replace("return Z, (A_prev, W, b, hparameters)",
                                                              "return Z, (W, b, A_prev, hparameters)")),
    ("pool_forward", "no cache", pool_source().replace("return A, (A_prev, hparameters)", "return A, None")),
]


@pytest.mark.parametrize("name, mistake, source", HIDDEN_MISTAKES, ids=[f"{n}-{k}" for n, k, _ in HIDDEN_MISTAKES])
def test_hidden_tests_catch_typical_mistakes(name, mistake, source):
    _, namespace = learner(source, name)
    with pytest.raises((CheckFailed, AssertionError, ValueError, TypeError, IndexError)):
        _run_hidden(name, namespace)


# --------------------------------------------------------------------------- #
# The benchmark of the speed-up (python -m course_utils.bench lessons 10)
# --------------------------------------------------------------------------- #

def test_bench_lesson_is_registered_and_compares_the_notebooks_loop_with_im2col():
    from course_utils import bench

    rows = bench.LESSONS["10_cnn_step_by_step"](m=2, loop_runs=1, vectorized_runs=1)
    names = [row[0] for row in rows]
    assert names[-1] == "10 speed-up of im2col over the loops (x)" and rows[-1][2] == ">= 50"
    match = dict((row[0], row) for row in rows)["10 max |loop - im2col|"]
    assert match[1] < 1e-10 and match[3]
    assert rows[0][1] > rows[1][1] > 0  # the loops are slower, even on 2 examples
