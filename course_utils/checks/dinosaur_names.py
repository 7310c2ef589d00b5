"""Public checks of notebook 17, a character-level language model of dinosaur names (NumPy).

The cases use the course's 27-character vocabulary (the newline, then ``a`` .. ``z``) and small
random parameters from seeded generators, except one ``sample`` case with a 6-character vocabulary in
which the newline is not index 0 (a hard-coded 0 or 27 shows there). The parameters of the
``optimize`` cases are large enough that every case has gradients beyond 5, so a missing or wrong
clip shows.

Three of the learner's functions act beyond their return value, and their checks look there too:

- ``clip`` may clip the arrays of ``gradients`` in place (``np.clip(..., out=...)``): the check
  calls it on a copy, so that is not reported as "modified its input"; what counts is the dict it
  returns;
- ``optimize`` must update ``parameters`` in place (the given ``update_parameters`` does it; the
  function returns no parameters): the check compares the updated copy with
  ``parameters - learning_rate * gradients``, using the stored (clipped) gradients;
- ``model`` prints the smoothed loss and some sampled names every 2,000 iterations: the check
  captures what it prints (and turns off its progress bar), and compares the printed losses with the
  stored ones. :func:`run_quietly` does the same for the hidden tests.

A function that calls an earlier exercise (``optimize`` calls ``clip``; ``model`` calls ``optimize``
and ``sample``) is reported as "cannot be checked yet" while that exercise is unfinished, and a
failure adds a note when the learner's own helper does not pass its check. When a check fails, one
hint line names the mistake where it can.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import re
import traceback

import numpy as np

from .core import FAIL, TODO, Case, CheckFailed, Report, run_check
from .expected import expected_for
from .suite import Suite

suite = Suite("17_dinosaur_names")

CHARS = "\nabcdefghijklmnopqrstuvwxyz"
CHAR_TO_IX = {ch: i for i, ch in enumerate(CHARS)}
IX_TO_CHAR = {i: ch for i, ch in enumerate(CHARS)}
GRADIENT_KEYS = ("dWaa", "dWax", "dWya", "db", "dby")

#: The earlier exercises each function needs (looked up among its global names).
HELPERS = {"optimize": ("clip",), "model": ("optimize", "sample", "clip")}
_DIRECT_HELPERS = {"optimize": ("clip",), "model": ("optimize", "sample")}

_OUTPUT_NAMES = {"optimize": ("loss", "gradients", "a_last"), "model": ("parameters", "losses")}


# --------------------------------------------------------------------------- #
# Running the learner's model quietly
# --------------------------------------------------------------------------- #

def _silent_progress(progress):
    @functools.wraps(progress)
    def silent(iterable, *args, **kwargs):
        kwargs["disable"] = True
        return progress(iterable, *args, **kwargs)
    return silent


@contextlib.contextmanager
def _quiet(fn):
    """Capture stdout and turn off the progress bar that ``fn`` finds among its globals."""
    namespace = getattr(fn, "__globals__", None)
    swapped = isinstance(namespace, dict) and callable(namespace.get("progress"))
    if swapped:
        original = namespace["progress"]
        namespace["progress"] = _silent_progress(original)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            yield out
    finally:
        if swapped:
            namespace["progress"] = original


def run_quietly(fn, *args, **kwargs):
    """``(fn(*args, **kwargs), printed text)``, with no progress bar (for a learner's ``model``)."""
    with _quiet(fn) as out:
        result = fn(*args, **kwargs)
    return result, out.getvalue()


# --------------------------------------------------------------------------- #
# Cases
# --------------------------------------------------------------------------- #

def _gradients(rng, n_a, n_x, max_value):
    """Random gradients, each with entries beyond +max_value and -max_value and some inside."""
    shapes = {"dWaa": (n_a, n_a), "dWax": (n_a, n_x), "dWya": (n_x, n_a), "db": (n_a, 1), "dby": (n_x, 1)}
    out = {}
    for key, shape in shapes.items():
        g = rng.uniform(-2.0 * max_value, 2.0 * max_value, size=shape)
        flat = g.reshape(-1)
        flat[0] = rng.uniform(1.2, 3.0) * max_value
        flat[-1] = -rng.uniform(1.2, 3.0) * max_value
        out[key] = g
    return out


@suite.cases("clip")
def _():
    rng = np.random.default_rng(1701)
    return [Case("maxValue = 10, gradients of an RNN with n_a = 3, n_x = 5", (_gradients(rng, 3, 5, 10.0), 10)),
            Case("maxValue = 5, n_a = 4, n_x = 4", (_gradients(rng, 4, 4, 5.0), 5)),
            Case("maxValue = 0.5 (a keyword argument), n_a = 2, n_x = 3", (_gradients(rng, 2, 3, 0.5),),
                 {"maxValue": 0.5})]


def _parameters(rng, n_a, n_x, scale=1.0, newline_bias=0.0, newline_ix=0):
    p = {"Wax": rng.normal(scale=scale, size=(n_a, n_x)), "Waa": rng.normal(scale=scale, size=(n_a, n_a)),
         "Wya": rng.normal(scale=scale, size=(n_x, n_a)), "b": rng.normal(scale=0.5, size=(n_a, 1)),
         "by": rng.normal(scale=0.5, size=(n_x, 1))}
    p["by"][newline_ix, 0] += newline_bias
    return p


@suite.cases("sample")
def _():
    rng = np.random.default_rng(1702)
    p1 = _parameters(rng, 6, 27, scale=1.0, newline_bias=1.5)
    p_long = _parameters(rng, 4, 27, scale=1.0, newline_bias=-40.0)
    small_vocab = {"a": 0, "b": 1, "\n": 2, "c": 3, "d": 4, "e": 5}
    p_small = _parameters(rng, 3, 6, scale=1.5, newline_ix=2, newline_bias=-0.5)
    return [Case("27 characters, n_a = 6, seed 0", (p1, CHAR_TO_IX, 0)),
            Case("the same parameters, seed 7", (p1, CHAR_TO_IX, 7)),
            Case("a model that never picks the newline (the name stops at 50 characters), seed 3",
                 (p_long, CHAR_TO_IX, 3)),
            Case("6 characters with the newline at index 2, n_a = 3, seed 11", (p_small, small_vocab, 11))]


def _sequence(name):
    X = [None] + [CHAR_TO_IX[ch] for ch in name]
    return X, X[1:] + [CHAR_TO_IX["\n"]]


@suite.cases("optimize")
def _():
    rng = np.random.default_rng(1703)
    X1, Y1 = _sequence("triceratops")
    X2, Y2 = _sequence("zby")
    return [Case('"triceratops", n_a = 5, learning rate 0.01',
                 (X1, Y1, rng.normal(scale=0.5, size=(5, 1)), _parameters(rng, 5, 27, scale=1.2), 0.01)),
            Case('"zby", n_a = 3, learning_rate = 0.05 (a keyword argument)',
                 (X2, Y2, rng.normal(scale=0.5, size=(3, 1)), _parameters(rng, 3, 27, scale=1.5)),
                 {"learning_rate": 0.05})]


MODEL_NAMES_1 = ["aardonyx", "zby", "triceratops", "kol", "mei", "velociraptor", "anzu", "stegosaurus"]
MODEL_NAMES_2 = ["haya", "kol", "tawa", "mei", "zby"]


@suite.cases("model")
def _():
    return [Case("8 names, 30 iterations, n_a = 5, dino_names = 2",
                 (list(MODEL_NAMES_1), IX_TO_CHAR, CHAR_TO_IX, 30), {"n_a": 5, "dino_names": 2}),
            Case("5 names, 2001 iterations (two printouts), n_a = 3, dino_names = 3",
                 (list(MODEL_NAMES_2), IX_TO_CHAR, CHAR_TO_IX, 2001), {"n_a": 3, "dino_names": 3})]


def _loss_stride(num_iterations: int) -> int:
    return 1 if num_iterations <= 100 else 100


def summarize_model(result):
    """``(parameters, losses)`` with the losses kept every 100 iterations (and the last) on long runs."""
    if not (isinstance(result, tuple) and len(result) == 2):
        return result
    parameters, losses = result
    if isinstance(losses, np.ndarray):
        losses = losses.tolist()
    if isinstance(losses, list) and losses:
        stride = _loss_stride(len(losses))
        kept = losses[::stride]
        if (len(losses) - 1) % stride:
            kept = kept + [losses[-1]]
        losses = [float(v) if isinstance(v, (float, np.floating, int)) else v for v in kept]
    return parameters, losses


suite.summaries = {"model": summarize_model}


# --------------------------------------------------------------------------- #
# Small tools
# --------------------------------------------------------------------------- #

def _close(a, b, rtol=1e-6, atol=1e-9) -> bool:
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _runs(fn, name):
    """(index, case, expected, output) for each case on which ``fn`` (already wrapped) returns."""
    cases, expected = suite.case_makers[name](), expected_for(suite.notebook, name)
    for i, (case, exp) in enumerate(zip(cases, expected)):
        try:
            got = fn(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        except Exception:
            continue
        yield i, case, exp, got


def _failed_case(report: Report, name: str) -> int:
    cases = suite.case_makers[name]()
    failing = [i for i, line in enumerate(report.lines) if line.startswith(FAIL)]
    text = "\n".join(report.lines[failing[0]:]) if failing else report.text
    found = [(text.find(case.label), i) for i, case in enumerate(cases) if case.label in text]
    return min(found)[1] if found else 0


# --------------------------------------------------------------------------- #
# What each check calls: the learner's function, on copies, with its side effects recorded
# --------------------------------------------------------------------------- #

def _calling_clip(fn, record=None):
    """The learner's clip on a copy of the gradients (clipping in place is allowed)."""
    @functools.wraps(fn)
    def called(gradients, *args, **kwargs):
        return fn(copy.deepcopy(gradients), *args, **kwargs)
    return called


def _calling_optimize(fn, record: dict):
    """The learner's optimize on a copy of ``parameters``, which is kept in ``record`` after the call."""
    @functools.wraps(fn)
    def called(X, Y, a_prev, parameters, *args, **kwargs):
        mine = copy.deepcopy(parameters)
        record["before"] = copy.deepcopy(parameters)
        record["after"] = mine
        return fn(X, Y, a_prev, mine, *args, **kwargs)
    return called


def _calling_model(fn, record: dict):
    """The learner's model, quietly; what it printed goes to ``record["printed"]``; the output is summarized."""
    @functools.wraps(fn)
    def called(*args, **kwargs):
        result, record["printed"] = run_quietly(fn, *args, **kwargs)
        return summarize_model(result)
    return called


# --------------------------------------------------------------------------- #
# Extra verifications (side effects, structure)
# --------------------------------------------------------------------------- #

def _verify_sample(got, case, exp):
    char_to_ix = case.args[1]
    newline = char_to_ix["\n"]
    if not got or int(got[-1]) != newline:
        raise CheckFailed(f"the indices on {case.label} should end with the newline's index {newline}.")


def _verify_optimize(record):
    def verify(got, case, exp):
        lr = case.kwargs.get("learning_rate", case.args[4] if len(case.args) > 4 else 0.01)
        before, after = record["before"], record["after"]
        gradients = exp[1]
        for key in ("Wax", "Waa", "Wya", "b", "by"):
            expected = before[key] - lr * gradients[f"d{key}"]
            if not isinstance(after.get(key), np.ndarray) or after[key].shape != expected.shape:
                raise CheckFailed(f"after the call on {case.label}, parameters[{key!r}] is no longer an array of "
                                  f"shape {expected.shape}.")
            if not _close(after[key], expected):
                if _close(after[key], before[key], rtol=0, atol=0):
                    raise CheckFailed(f"on {case.label}, `parameters` is unchanged after the call: optimize must "
                                      "update it (in place).")
                diff = float(np.max(np.abs(after[key] - expected)))
                raise CheckFailed(f"on {case.label}, parameters[{key!r}] after the update has wrong values (max abs "
                                  f"difference {diff:.3g}); expected parameters[{key!r}] - learning_rate * "
                                  f"gradients['d{key}'], with the clipped gradients.")
    return verify


_ITERATION_LINE = re.compile(r"^Iteration: (\d+), Loss: ([-+0-9.eE]+|nan|inf)$")


def _verify_model(record):
    def verify(got, case, exp):
        num_iterations = case.args[3]
        dino_names = case.kwargs.get("dino_names", 7)
        stride = _loss_stride(num_iterations)
        losses = exp[1]
        lines = record.get("printed", "").splitlines()
        found = [(i, _ITERATION_LINE.match(line)) for i, line in enumerate(lines)]
        found = [(i, m) for i, m in found if m]
        expected_its = list(range(0, num_iterations, 2000))
        its = [int(m.group(1)) for _, m in found]
        if its != expected_its:
            raise CheckFailed(f"on {case.label}, model printed the loss at iterations {its}; expected {expected_its} "
                              '(a line "Iteration: j, Loss: ..." every 2000 iterations, from j = 0).')
        for (i, m), j in zip(found, expected_its):
            printed = float(m.group(2))
            stored = losses[j // stride]
            if not abs(printed - stored) <= 1e-5 * max(1.0, abs(stored)):
                raise CheckFailed(f"on {case.label}, the loss printed at iteration {j} is {printed}; expected "
                                  f"{stored:.6f} (the smoothed loss after that iteration).")
            names = lines[i + 1:i + 1 + dino_names]
            if len(names) < dino_names or not all(re.fullmatch(r"[A-Za-z]*", n) and n for n in names):
                raise CheckFailed(f"on {case.label}, iteration {j} should be followed by {dino_names} sampled names, "
                                  f"one per line; got {names!r}.")
    return verify


# --------------------------------------------------------------------------- #
# Diagnoses: (fn, report) -> a hint line, or None
# --------------------------------------------------------------------------- #

def _diagnose_clip(fn, report):
    for _, case, exp, got in _runs(_calling_clip(fn), "clip"):
        if not isinstance(got, dict):
            return "return the dict `gradients`, with the five clipped arrays."
        gradients = case.args[0]
        max_value = case.args[1] if len(case.args) > 1 else case.kwargs["maxValue"]
        if any(not isinstance(got.get(k), np.ndarray) or got[k].shape != gradients[k].shape for k in GRADIENT_KEYS):
            return "keep the five keys dWaa, dWax, dWya, db, dby in the dict you return, each with its shape."
        if all(_close(got[k], exp[k]) for k in GRADIENT_KEYS):
            continue
        unclipped = [k for k in GRADIENT_KEYS if _close(got[k], gradients[k], rtol=0, atol=0)]
        if len(unclipped) == len(GRADIENT_KEYS):
            return ("nothing was clipped: `gradient = np.clip(gradient, ...)` makes a new array and only rebinds the "
                    "loop variable. Clip each array in place, np.clip(gradient, -maxValue, maxValue, out=gradient).")
        bound = max(float(np.max(np.abs(got[k]))) for k in GRADIENT_KEYS)
        if not np.isclose(bound, max_value) and all(
                _close(got[k], np.clip(gradients[k], -bound, bound)) for k in GRADIENT_KEYS):
            return (f"the gradients were clipped to [-{bound:g}, {bound:g}]: use the maxValue given as an argument "
                    "(here {max_value:g}), not a fixed number.").replace("{max_value:g}", f"{max_value:g}")
        if all(_close(got[k], np.clip(gradients[k], 0, max_value)) for k in GRADIENT_KEYS if k not in unclipped):
            return "clip to the interval [-maxValue, maxValue]: the lower bound is -maxValue, not 0."
        if unclipped:
            names = ", ".join(unclipped)
            return f"clip all five gradients: {names} {'was' if len(unclipped) == 1 else 'were'} not clipped."
        return "np.clip(gradient, -maxValue, maxValue, out=gradient) for each of the five gradients."
    return None


def _diagnose_sample(fn, report):
    text = report.text
    if _failed_case(report, "sample") == 3:
        return ("this case has a vocabulary of 6 characters, with the newline at index 2: take vocab_size = "
                "by.shape[0], n_a = Waa.shape[1] and the newline's index char_to_ix['\\n'] from the arguments, not "
                "fixed numbers.")
    if "must be 1-dimensional" in text or "object too deep" in text:
        return "y has the shape (vocab_size, 1): give rng.choice the flat vector of probabilities, p=y.ravel()."
    if "probabilities do not sum to 1" in text or "probabilities are not non-negative" in text:
        return "p must be the softmax of z = Wya a + by (the given softmax), flattened with .ravel()."
    runs = {i: got for i, _case, _exp, got in _runs(fn, "sample")}
    if 0 in runs and 1 in runs and runs[0] == runs[1]:
        return ("the seed has no effect: draw each index at random with rng.choice(vocab_size, p=y.ravel()), from the "
                "generator rng made from the seed (not np.argmax, not np.random.choice).")
    return ("at each step: a = tanh(Wax x + Waa a_prev + b), y = softmax(Wya a + by), idx = rng.choice(vocab_size, "
            "p=y.ravel()); then x becomes the one-hot vector of idx (a new zero vector with a 1 at idx) and "
            "a_prev = a. x and a_prev start as zero vectors.")


def _diagnose_optimize(fn, report):
    text = report.text
    from ..nn import char_rnn as given

    if "raised an error" in text:
        given_fn = _given_function_that_failed(fn, "optimize")
        if given_fn:
            return (f"the error comes from inside the given `{given_fn}`: check its arguments and their order, "
                    "rnn_forward(X, Y, a_prev, parameters) -> loss, cache, then rnn_backward(X, Y, parameters, "
                    "cache) -> gradients, a, then update_parameters(parameters, gradients, learning_rate).")
        return None
    record: dict = {}
    for _, case, exp, got in _runs(_calling_optimize(fn, record), "optimize"):
        if not isinstance(got, tuple) or len(got) != 3 or not isinstance(got[1], dict):
            return None
        X, Y, a_prev, parameters = case.args[:4]
        lr = case.kwargs.get("learning_rate", case.args[4] if len(case.args) > 4 else 0.01)
        gradients = got[1]
        loss, cache = given.rnn_forward(X, Y, a_prev, copy.deepcopy(parameters))
        raw, _ = given.rnn_backward(X, Y, parameters, cache)
        if all(k in gradients and _close(gradients[k], raw[k]) for k in GRADIENT_KEYS):
            return "clip the gradients before the update: gradients = clip(gradients, 5)."
        top = max(float(np.max(np.abs(gradients[k]))) for k in GRADIENT_KEYS if k in gradients)
        if not np.isclose(top, 5.0):
            return f"clip with maxValue = 5 (the largest gradient is {top:g})."
        after, before = record["after"], record["before"]
        unclipped_update = {k: before[k] - lr * raw[f"d{k}"] for k in before}
        if all(_close(after[k], unclipped_update[k]) for k in before):
            return "clip first, then update: the parameters were updated with the unclipped gradients."
        if lr != 0.01 and all(_close(after[k], before[k] - 0.01 * exp[1][f"d{k}"]) for k in before):
            return "update with the learning_rate given as an argument, not a fixed 0.01."
        if all(_close(after[k], before[k], rtol=0, atol=0) for k in before):
            return ("call update_parameters(parameters, gradients, learning_rate): it changes `parameters` in place, "
                    "which is how the caller sees the new values (optimize does not return them).")
    return None


def _given_function_that_failed(fn, name: str) -> str | None:
    """The given helper (course_utils.nn.char_rnn) inside which ``fn`` raises on the first case, if any."""
    case = suite.case_makers[name]()[0]
    try:
        with _quiet(fn):
            fn(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
    except Exception as exc:
        inside = [frame.f_code.co_name for frame, _ in traceback.walk_tb(exc.__traceback__)
                  if frame.f_code.co_filename.endswith("char_rnn.py")]
        return inside[0] if inside else None
    return None


def _diagnose_model(fn, report):
    text = report.text
    if "model printed the loss at iterations" in text or "the loss printed at iteration" in text \
            or "sampled names, one per line" in text:
        return ("the lines after the call of optimize are given (the smoothed loss, the list of losses, the printout "
                "every 2000 iterations): put them back as they were.")
    if "IndexError" in text and "list index out of range" in text:
        return ("idx = j % len(examples): j grows past the number of names, and the training goes round the list "
                "again and again.")
    if "same length" in text:
        return ("Y = X[1:] + [ix_newline]: Y is X shifted by one place, with the newline's index at the end, so X and "
                "Y both have len(name) + 1 entries.")
    if "KeyError" in text:
        return "X holds the indices of the characters: [None] + [char_to_ix[ch] for ch in examples[idx]]."
    return ("for iteration j: idx = j % len(examples); X = [None] + [char_to_ix[ch] for ch in examples[idx]]; "
            "Y = X[1:] + [char_to_ix['\\n']]; then curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, "
            "learning_rate=0.01): a_prev carries over from one name to the next.")


_DIAGNOSES = {"clip": _diagnose_clip, "sample": _diagnose_sample, "optimize": _diagnose_optimize,
              "model": _diagnose_model}


def diagnose(name: str, fn, report: Report) -> str | None:
    """The hint line for a failed check of ``name``, or None (a diagnosis never raises)."""
    try:
        return _DIAGNOSES[name](fn, report)
    except Exception:
        return None


# --------------------------------------------------------------------------- #
# Earlier exercises the function needs
# --------------------------------------------------------------------------- #

def _unfinished_helper(fn, name: str) -> str | None:
    """The earlier exercise that raised NotImplementedError inside ``fn`` (the innermost one)."""
    namespace = getattr(fn, "__globals__", None)
    if not isinstance(namespace, dict):
        return None
    codes = {getattr(namespace.get(helper), "__code__", None): helper for helper in HELPERS.get(name, ())}
    codes.pop(None, None)
    for case in suite.case_makers[name]()[:1]:
        try:
            with _quiet(fn):
                fn(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        except NotImplementedError as exc:
            found = [codes[frame.f_code] for frame, _ in traceback.walk_tb(exc.__traceback__)
                     if frame.f_code in codes]
            return found[-1] if found else None
        except Exception:
            return None
    return None


def _failing_helpers(fn, name: str) -> list[str]:
    """The learner's helpers that ``fn`` calls and that do not pass their own checks."""
    namespace = getattr(fn, "__globals__", None)
    code = getattr(fn, "__code__", None)
    if not isinstance(namespace, dict) or code is None:
        return []
    failing = []
    for helper in _DIRECT_HELPERS.get(name, ()):
        if helper in code.co_names and callable(namespace.get(helper)):
            if CHECKS[helper](namespace[helper], verbose=False).status == "failed":
                failing.append(helper)
    return failing


def _output_index_note(name: str, text: str) -> str | None:
    names = _OUTPUT_NAMES.get(name)
    match = re.search(r"the output on [^\n]*?\)?\[(\d+)\]", text)
    if names and match and int(match.group(1)) < len(names):
        i = int(match.group(1))
        return f"(output [{i}] is `{names[i]}`; {name} returns ({', '.join(names)}).)"
    return None


def _with_hints(name: str, calling=None, verify_factory=None, **tolerances):
    """``check_<name>``: the plain check on the wrapped function, then the hint, the notes and the waits."""
    def checked(fn, verbose: bool = True) -> Report:
        record: dict = {}
        target = calling(fn, record) if callable(fn) and calling is not None else fn
        verify = verify_factory(record) if verify_factory is not None else None
        report = run_check(target, name, suite.case_makers[name](), expected_for(suite.notebook, name),
                           verify=verify, verbose=False, **tolerances)
        if report.status == "not attempted" and callable(fn):
            helper = _unfinished_helper(fn, name)
            if helper and helper != name:
                report.lines = [f"{TODO} {name}: cannot be checked yet: it needs `{helper}`, which is not attempted "
                                "yet. Finish that exercise first."]
        elif report.status == "failed" and callable(fn):
            note = _output_index_note(name, report.text)
            if note:
                report.lines.append(f"    {note}")
            hint = diagnose(name, fn, report)
            if hint:
                report.lines.append(f"    Hint: {hint}")
            for helper in _failing_helpers(fn, name):
                report.lines.append(f"    Note: it calls your `{helper}`, which does not pass its check yet: run "
                                    f"check_{helper}({helper}) and fix it first.")
        if verbose:
            print(report.text, flush=True)
        return report

    checked.__name__ = checked.__qualname__ = f"check_{name}"
    checked.__doc__ = (f"Check your `{name}` on fixed cases and print what is wrong, if anything.\n\n"
                       f"Usage: check_{name}({name})")
    suite.checks[name] = checked
    return checked


check_clip = _with_hints("clip", calling=_calling_clip)
check_sample = _with_hints("sample", verify_factory=lambda record: _verify_sample)
check_optimize = _with_hints("optimize", calling=_calling_optimize, verify_factory=_verify_optimize)
check_model = _with_hints("model", calling=_calling_model, verify_factory=_verify_model, atol=1e-9, rtol=1e-7)

CHECKS = {"clip": check_clip, "sample": check_sample, "optimize": check_optimize, "model": check_model}

__all__ = ["check_clip", "check_sample", "check_optimize", "check_model", "run_quietly"]
