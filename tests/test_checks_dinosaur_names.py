"""Notebook 17's checks pass the reference solutions and catch realistic mistakes; so do its hidden tests.

The wrong implementations are written as source code and run in a fresh namespace of the notebook's
solutions, as a learner's functions would be: they find the learner's earlier exercises (clip, optimize,
sample) and the given helpers among their globals.
"""

import nbformat
import numpy as np
import pytest

from course_utils.authoring import BEGIN_HIDDEN, END_HIDDEN
from course_utils.checks import CheckFailed
from course_utils.checks import dinosaur_names as checks
from course_utils.checks.expected import path_for
from course_utils.checks.solutions import load_solutions, notebook_path

NOTEBOOK = "17_dinosaur_names"
NAMES = ["clip", "sample", "optimize", "model"]


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


def hint(report):
    lines = [line for line in report.text.splitlines() if line.strip().startswith("Hint:")]
    assert len(lines) <= 1, report.text
    return lines[0] if lines else ""


# --------------------------------------------------------------------------- #
# Reference, stub, output format
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    report = run(name, ref[name])
    assert report.passed, report.text
    report = run(name, todo)
    assert report.status == "not attempted" and "not attempted yet" in report.text


def test_all_checks_are_exported():
    assert sorted(n for n in checks.__all__ if n.startswith("check_")) == sorted(f"check_{n}" for n in NAMES)


def test_check_prints_one_line_per_case_and_a_summary(ref, capsys):
    checks.check_sample(ref["sample"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5 and lines[-1] == "✔ sample: all 4 checks passed."


def test_output_is_deterministic_and_model_prints_nothing_of_its_own(ref, capsys):
    outputs = []
    for _ in range(2):
        for name in NAMES:
            getattr(checks, f"check_{name}")(ref[name])
        outputs.append(capsys.readouterr())
    assert outputs[0].out == outputs[1].out
    assert "Iteration" not in outputs[0].out and "model:" not in outputs[0].err  # captured, no progress bar
    assert outputs[0].out.count("checks passed") == 4


def test_the_progress_function_is_restored_after_a_check(ref):
    original = ref["model"].__globals__["progress"]
    run("model", ref["model"])
    assert ref["model"].__globals__["progress"] is original


def test_stored_values_are_small():
    assert path_for(NOTEBOOK).stat().st_size < 100_000


def test_cases_have_what_the_checks_rely_on(ref):
    from course_utils.nn import char_rnn as given

    for case in checks.suite.case_makers["optimize"]():  # every case needs clipping
        X, Y, a_prev, parameters = case.args[:4]
        _, cache = given.rnn_forward(X, Y, a_prev, parameters)
        gradients, _ = given.rnn_backward(X, Y, parameters, cache)
        assert max(float(np.abs(g).max()) for g in gradients.values()) > 6
    for case in checks.suite.case_makers["clip"]():
        for g in case.args[0].values():
            limit = case.args[1] if len(case.args) > 1 else case.kwargs["maxValue"]
            assert g.max() > limit and g.min() < -limit
    lengths = [len(ref["sample"](*case.args)) for case in checks.suite.case_makers["sample"]()]
    assert lengths[2] == 51 and all(3 <= n <= 30 for n in lengths[:2] + lengths[3:])


# --------------------------------------------------------------------------- #
# Earlier exercises
# --------------------------------------------------------------------------- #

def test_a_function_waits_for_the_exercises_it_needs():
    fn, _ = learner("", "optimize", clip=todo)
    report = run("optimize", fn)
    assert report.status == "not attempted"
    assert "cannot be checked yet: it needs `clip`, which is not attempted yet" in report.text
    fn, _ = learner("", "model", sample=todo)
    report = run("model", fn)
    assert report.status == "not attempted" and "`sample`" in report.text
    fn, _ = learner("", "model", clip=todo)
    assert "it needs `clip`" in run("model", fn).text


def test_a_failing_helper_is_named():
    wrong_clip = "def clip(gradients, maxValue):\n    return gradients\n"
    _, namespace = learner(wrong_clip, "clip")
    report = run("optimize", namespace["optimize"])
    assert report.status == "failed"
    assert "it calls your `clip`, which does not pass its check yet" in report.text
    wrong_sample = "def sample(parameters, char_to_ix, seed):\n    return [char_to_ix['\\n']]\n"
    _, namespace = learner(wrong_sample, "sample")
    report = run("model", namespace["model"])
    assert report.status == "failed" and "your `sample`" in report.text


# --------------------------------------------------------------------------- #
# Realistic mistakes, each failing with a specific message
# --------------------------------------------------------------------------- #

CLIP_TEMPLATE = """
def clip(gradients, maxValue):
    dWaa, dWax, dWya = gradients["dWaa"], gradients["dWax"], gradients["dWya"]
    db, dby = gradients["db"], gradients["dby"]
    for gradient in LIST:
        BODY
    gradients = {"dWaa": dWaa, "dWax": dWax, "dWya": dWya, "db": db, "dby": dby}
    return gradients
"""


def clip_source(**changes):
    source = CLIP_TEMPLATE
    for key, value in {"LIST": "(dWaa, dWax, dWya, db, dby)",
                       "BODY": "np.clip(gradient, -maxValue, maxValue, out=gradient)", **changes}.items():
        source = source.replace(key, value)
    return source


CLIP = {
    "clips a copy": (clip_source(BODY="gradient = np.clip(gradient, -maxValue, maxValue)"),
                     ["wrong values", "nothing was clipped", "out=gradient"]),
    "forgets db": (clip_source(LIST="(dWaa, dWax, dWya, dby)"), ["['db'] has wrong values", "db was not clipped"]),
    "forgets two": (clip_source(LIST="(dWaa, dWax, dWya)"), ["clip all five gradients: db, dby were not clipped"]),
    "lower bound 0": (clip_source(BODY="np.clip(gradient, 0, maxValue, out=gradient)"),
                      ["the lower bound is -maxValue, not 0"]),
    "fixed bound": (clip_source(BODY="np.clip(gradient, -10, 10, out=gradient)"),
                    ["maxValue = 5", "clipped to [-10, 10]: use the maxValue given as an argument (here 5)"]),
    "new dict of unclipped arrays": ("def clip(gradients, maxValue):\n"
                                     "    return {k: v for k, v in gradients.items()}\n",
                                     ["nothing was clipped"]),
}

SAMPLE_TEMPLATE = '''
def sample(parameters, char_to_ix, seed):
    Waa, Wax, Wya, by, b = parameters["Waa"], parameters["Wax"], parameters["Wya"], parameters["by"], parameters["b"]
    vocab_size = by.shape[0]
    n_a = Waa.shape[1]
    rng = np.random.default_rng(seed)
    newline_character = char_to_ix["\\n"]
    x = np.zeros((vocab_size, 1))
    a_prev = np.zeros((n_a, 1))
    indices = []
    idx = -1
    counter = 0
    while idx != newline_character and counter != 50:
        a = np.tanh(Wax @ x + Waa @ a_prev + b)
        y = softmax(Wya @ a + by)
        idx = DRAW
        indices.append(idx)
        RESET
        x[idx] = 1
        A_PREV
        counter += 1
    if idx != newline_character:
        indices.append(newline_character)
    return indices
'''


def sample_source(**changes):
    source = SAMPLE_TEMPLATE
    for key, value in {"DRAW": "int(rng.choice(vocab_size, p=y.ravel()))", "RESET": "x = np.zeros((vocab_size, 1))",
                       "A_PREV": "a_prev = a", **changes}.items():
        source = source.replace(key, value)
    return source


SAMPLE = {
    "argmax": (sample_source(DRAW="int(np.argmax(y))"), ["should have 12 items; got 51", "the seed has no effect"]),
    "global generator": (sample_source(DRAW="int(np.random.choice(vocab_size, p=y.ravel()))"),
                         ["seed 0 should have 12 items", "idx = rng.choice(vocab_size, p=y.ravel())"]),
    "p not flattened": (sample_source(DRAW="int(rng.choice(vocab_size, p=y))"), ["raised an error", "p=y.ravel()"]),
    "x not reset": (sample_source(RESET="pass"), ["wrong values", "x becomes the one-hot vector of idx"]),
    "a_prev not updated": (sample_source(A_PREV="pass"), ["seed 0 should have 12 items", "and a_prev = a"]),
    "hard-coded newline 0": (sample_source().replace('char_to_ix["\\n"]', "0"),
                             ["6 characters with the newline at index 2", "char_to_ix['\\n']"]),
    "hard-coded vocabulary size": (sample_source().replace("vocab_size = by.shape[0]", "vocab_size = 27"),
                                   ["raised an error on 6 characters", "take vocab_size = by.shape[0]"]),
}

OPTIMIZE_TEMPLATE = """
def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
    loss, cache = rnn_forward(X, Y, a_prev, parameters)
    gradients, a = rnn_backward(X, Y, parameters, cache)
    CLIP
    UPDATE
    return loss, gradients, a[len(X) - 1]
"""


def optimize_source(**changes):
    source = OPTIMIZE_TEMPLATE
    for key, value in {"CLIP": "gradients = clip(gradients, 5)",
                       "UPDATE": "parameters = update_parameters(parameters, gradients, learning_rate)",
                       **changes}.items():
        source = source.replace(key, value)
    return source


OPTIMIZE = {
    "no clip": (optimize_source(CLIP="pass"), ["[1]['dWaa'] has wrong values", "clip the gradients before the update",
                                               "output [1] is `gradients`"]),
    "clip at 10": (optimize_source(CLIP="gradients = clip(gradients, 10)"), ["clip with maxValue = 5"]),
    "clip after the update": (optimize_source(CLIP="pass", UPDATE="update_parameters(parameters, gradients, "
                                                                  "learning_rate)\n    gradients = clip(gradients, 5)"),
                              ["parameters['Wax'] after the update has wrong values",
                               "clip first, then update"]),
    "no update": (optimize_source(UPDATE="pass"), ["`parameters` is unchanged after the call",
                                                   "call update_parameters(parameters, gradients, learning_rate)"]),
    "fixed learning rate": (optimize_source(UPDATE="update_parameters(parameters, gradients, 0.01)"),
                            ["learning_rate = 0.05", "not a fixed 0.01"]),
    "new dict instead of in place": (optimize_source(UPDATE="parameters = {k: v - learning_rate * gradients['d' + k] "
                                                            "for k, v in parameters.items()}"),
                                     ["`parameters` is unchanged after the call", "in place"]),
    "arguments swapped": (optimize_source().replace("rnn_forward(X, Y, a_prev, parameters)",
                                                    "rnn_forward(X, Y, parameters, a_prev)"),
                          ["raised an error", "inside the given `rnn_forward`", "rnn_forward(X, Y, a_prev, parameters)"]),
}

MODEL_TEMPLATE = '''
def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27):
    n_x, n_y = vocab_size, vocab_size
    parameters = initialize_parameters(n_a, n_x, n_y)
    examples = [x.strip() for x in data_x]
    loss = get_initial_loss(vocab_size, np.mean([len(x) + 1 for x in examples]))
    np.random.default_rng(0).shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    losses = []
    iterations = progress(range(num_iterations), desc="model", unit="iterations")
    for j in iterations:
        idx = IDX
        X = XDEF
        Y = YDEF
        CALL
        loss = smooth(loss, curr_loss)
        losses.append(loss)
        if j % 2000 == 0:
            iterations.set_postfix_str(f"smoothed loss {loss:.2f}")
            print(f"Iteration: {j}, Loss: {loss:.6f}")
            for seed in range(dino_names):
                print_sample(sample(parameters, char_to_ix, seed), ix_to_char)
            print()
    return parameters, losses
'''


def model_source(**changes):
    source = MODEL_TEMPLATE
    for key, value in {"IDX": "j % len(examples)", "XDEF": "[None] + [char_to_ix[ch] for ch in examples[idx]]",
                       "YDEF": 'X[1:] + [char_to_ix["\\n"]]',
                       "CALL": "curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)",
                       **changes}.items():
        source = source.replace(key, value)
    return source


MODEL = {
    "idx = j": (model_source(IDX="j"), ["raised an error", "idx = j % len(examples)"]),
    "Y without the newline": (model_source(YDEF="X[1:]"), ["raised an error", "Y = X[1:] + [ix_newline]"]),
    "X without None": (model_source(XDEF="[char_to_ix[ch] for ch in examples[idx]]",
                                    YDEF='X[1:] + [char_to_ix["\\n"]]'),
                       ["wrong values", "X = [None] + [char_to_ix[ch] for ch in examples[idx]]"]),
    "hidden state not carried": (model_source(CALL="curr_loss, gradients, _ = optimize(X, Y, a_prev, parameters, "
                                                   "learning_rate=0.01)"),
                                 ["wrong values", "a_prev carries over from one name to the next"]),
    "random names": (model_source(IDX="np.random.randint(len(examples))"), ["wrong values", "j % len(examples)"]),
    "learning rate 0.05": (model_source(CALL="curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, "
                                             "learning_rate=0.05)"), ["wrong values", "learning_rate=0.01"]),
    "prints every 1000": (model_source().replace("j % 2000 == 0", "j % 1000 == 0"),
                          ["printed the loss at iterations [0, 1000, 2000]", "every 2000 iterations", "put them back"]),
    "prints the raw loss": (model_source().replace('Loss: {loss:.6f}', 'Loss: {curr_loss:.6f}'),
                            ["the loss printed at iteration 0 is", "smoothed loss", "put them back"]),
}

ALL_MISTAKES = ([("clip", k, src, words) for k, (src, words) in CLIP.items()]
                + [("sample", k, src, words) for k, (src, words) in SAMPLE.items()]
                + [("optimize", k, src, words) for k, (src, words) in OPTIMIZE.items()]
                + [("model", k, src, words) for k, (src, words) in MODEL.items()])


@pytest.mark.parametrize("name, mistake, source, words", ALL_MISTAKES,
                         ids=[f"{n}-{k}" for n, k, _, _ in ALL_MISTAKES])
def test_mistakes_fail_with_a_specific_message(name, mistake, source, words):
    fn, _ = learner(source, name)
    report = run(name, fn)
    assert report.status == "failed", report.text
    for w in words:
        assert w in report.text, f"{w!r} not in:\n{report.text}"
    hint(report)  # at most one hint line


def test_the_right_code_in_other_forms_passes():
    variants = {
        "clip": "def clip(gradients, maxValue):\n"
                "    for key in gradients:\n"
                "        gradients[key] = np.clip(gradients[key], -maxValue, maxValue)\n"
                "    return gradients\n",
        "sample": sample_source(DRAW="int(rng.choice(list(range(vocab_size)), p=y.ravel()))"),
        "optimize": optimize_source(UPDATE="update_parameters(parameters, gradients, learning_rate)"),
        "model": model_source(XDEF="[None] + [char_to_ix[ch] for ch in list(examples[idx])]"),
    }
    for name, source in variants.items():
        fn, _ = learner(source, name)
        report = run(name, fn)
        assert report.passed, (name, report.text)


def test_clip_in_place_on_the_callers_dict_is_not_called_a_mutation(ref):
    report = run("clip", ref["clip"])
    assert report.passed and "modified its input" not in report.text


def test_run_quietly_captures_prints_and_silences_the_bar(ref, capsys):
    (parameters, losses), printed = checks.run_quietly(ref["model"], ["kol", "mei"], checks.IX_TO_CHAR,
                                                       checks.CHAR_TO_IX, 3, n_a=2, dino_names=1)
    captured = capsys.readouterr()
    assert printed.startswith("Iteration: 0, Loss: ") and len(losses) == 3
    assert captured.out == "" and "model" not in captured.err


def test_summarize_model_keeps_every_100th_loss_and_the_last():
    params, kept = checks.summarize_model(({"W": np.zeros(1)}, list(np.arange(2001.0))))
    assert kept[:3] == [0.0, 100.0, 200.0] and kept[-1] == 2000.0 and len(kept) == 21
    _, kept = checks.summarize_model(({}, list(np.arange(2002.0))))
    assert kept[-1] == 2001.0 and len(kept) == 22
    assert checks.summarize_model("not a tuple") == "not a tuple"


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


HIDDEN_MISTAKES = [(n, k, src) for n, k, src, _ in ALL_MISTAKES
                   if (n, k) not in {("model", "prints every 1000"), ("model", "prints the raw loss")}]


@pytest.mark.parametrize("name, mistake, source", HIDDEN_MISTAKES, ids=[f"{n}-{k}" for n, k, _ in HIDDEN_MISTAKES])
def test_hidden_tests_catch_typical_mistakes(name, mistake, source):
    _, namespace = learner(source, name)
    with pytest.raises((CheckFailed, AssertionError, ValueError, TypeError, IndexError, KeyError)):
        _run_hidden(name, namespace)


# --------------------------------------------------------------------------- #
# The benchmark (python -m course_utils.bench lessons 17)
# --------------------------------------------------------------------------- #

def test_bench_lesson_is_registered_and_reports_the_floors():
    from course_utils import bench

    rows = bench.LESSONS["17_dinosaur_names"](num_iterations=300, lstm_epochs=1)
    labels = [row[0] for row in rows]
    assert any("first smoothed loss" in label for label in labels)
    assert any("LSTM" in label for label in labels)
    for label, value, floor, ok in rows:
        assert np.isfinite(value) and isinstance(ok, (bool, np.bool_)), label
        assert floor or ok, f"{label}: a row without a floor always holds"
    floored = {row[0]: row for row in rows if row[2]}
    assert any("last smoothed loss" in label for label in floored)
