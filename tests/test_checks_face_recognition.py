"""Notebook 14's checks pass the reference solutions and catch the classic mistakes with a hint."""

import contextlib
import io

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from course_utils.checks import face_recognition as checks  # noqa: E402
from course_utils.checks.core import CheckFailed  # noqa: E402
from course_utils.checks.solutions import load_solutions  # noqa: E402
from course_utils.models.facenet import img_to_encoding  # noqa: E402

NOTEBOOK = "14_face_recognition"
NAMES = ["triplet_loss", "verify", "who_is_it"]


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


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    assert run(name, ref[name]).passed
    report = run(name, todo)
    assert report.status == "not attempted" and "not attempted yet" in report.text


def test_all_checks_are_exported():
    assert sorted(n for n in checks.__all__ if n.startswith("check_")) == sorted(f"check_{n}" for n in NAMES)


def test_check_output_is_one_line_per_case_and_a_summary(ref, capsys):
    checks.check_verify(ref["verify"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5 and lines[-1] == "✔ verify: all 4 checks passed."
    assert not any("welcome" in line for line in lines), "the learner's prints must not show in the check"


# --------------------------------------------------------------------------- #
# The triplet loss: hand-computed cases
# --------------------------------------------------------------------------- #

def test_triplet_loss_on_hand_computed_cases(ref):
    loss = ref["triplet_loss"]
    a = np.array([[0.0, 0.0], [1.0, 0.0]], np.float32)
    p = np.array([[1.0, 0.0], [1.0, 0.0]], np.float32)
    n = np.array([[0.0, 0.5], [-1.0, 0.0]], np.float32)
    # triplet 1: 1 - 0.25 + 0.2 = 0.95; triplet 2: 0 - 4 + 0.2 < 0 -> 0
    assert float(loss(None, [a, p, n])) == pytest.approx(0.95, abs=1e-6)
    assert float(loss(None, [a, p, n], alpha=1.0)) == pytest.approx(1.75, abs=1e-6)
    assert float(loss(None, [a[1:], p[1:], n[1:]])) == 0.0
    one = np.array([[1.0, 2.0, 2.0]], np.float32)
    assert float(loss(None, [one, one * 0, one])) == pytest.approx(9.0 + 0.2, abs=1e-5)


# --------------------------------------------------------------------------- #
# Classic mistakes
# --------------------------------------------------------------------------- #

def _parts(y_pred):
    return (tf.constant(np.asarray(x, np.float32)) for x in y_pred)


def test_triplet_loss_wrong_axis():
    def wrong(y_true, y_pred, alpha=0.2):
        a, p, n = _parts(y_pred)
        pos = tf.reduce_sum(tf.square(a - p), axis=0)
        neg = tf.reduce_sum(tf.square(a - n), axis=0)
        return tf.reduce_sum(tf.maximum(pos - neg + alpha, 0.0))
    assert "LAST axis" in hint(failing("triplet_loss", wrong))


def test_triplet_loss_without_max():
    def wrong(y_true, y_pred, alpha=0.2):
        a, p, n = _parts(y_pred)
        pos = tf.reduce_sum(tf.square(a - p), axis=-1)
        neg = tf.reduce_sum(tf.square(a - n), axis=-1)
        return tf.reduce_sum(pos - neg + alpha)
    assert "max(..., 0)" in hint(failing("triplet_loss", wrong))


def test_triplet_loss_max_of_the_total():
    def wrong(y_true, y_pred, alpha=0.2):
        a, p, n = _parts(y_pred)
        pos = tf.reduce_sum(tf.square(a - p), axis=-1)
        neg = tf.reduce_sum(tf.square(a - n), axis=-1)
        return tf.maximum(tf.reduce_sum(pos - neg + alpha), 0.0)
    assert "each example" in hint(failing("triplet_loss", wrong))


def test_triplet_loss_mean_and_not_squared():
    def mean(y_true, y_pred, alpha=0.2):
        a, p, n = _parts(y_pred)
        pos = tf.reduce_sum(tf.square(a - p), axis=-1)
        neg = tf.reduce_sum(tf.square(a - n), axis=-1)
        return tf.reduce_mean(tf.maximum(pos - neg + alpha, 0.0))
    assert "SUM" in hint(failing("triplet_loss", mean))

    def norms(y_true, y_pred, alpha=0.2):
        a, p, n = _parts(y_pred)
        return tf.reduce_sum(tf.maximum(tf.norm(a - p, axis=-1) - tf.norm(a - n, axis=-1) + alpha, 0.0))
    assert "SQUARED" in hint(failing("triplet_loss", norms))


def test_triplet_loss_not_reduced():
    def per_example(y_true, y_pred, alpha=0.2):
        a, p, n = _parts(y_pred)
        return tf.maximum(tf.reduce_sum(tf.square(a - p), -1) - tf.reduce_sum(tf.square(a - n), -1) + alpha, 0.0)
    text = failing("triplet_loss", per_example)
    assert "wrong shape" in text and "one number" in hint(text)


def test_verify_with_the_comparison_reversed():
    def wrong(image_path, identity, database, model):
        dist = np.linalg.norm(img_to_encoding(image_path, model) - database[identity])
        return dist, bool(dist > 0.7)
    assert "BELOW the threshold" in hint(failing("verify", wrong))


def test_verify_with_squared_distance():
    def wrong(image_path, identity, database, model):
        dist = np.sum((img_to_encoding(image_path, model) - database[identity]) ** 2)
        return dist, bool(dist < 0.7)
    text = failing("verify", wrong)
    assert "[0]" in text and "Euclidean" in hint(text)


def test_verify_returning_only_the_decision():
    def wrong(image_path, identity, database, model):
        return bool(np.linalg.norm(img_to_encoding(image_path, model) - database[identity]) < 0.7)
    assert "(dist, door_open)" in hint(failing("verify", wrong))


def test_who_is_it_keeps_the_farthest():
    def wrong(image_path, database, model):
        enc = img_to_encoding(image_path, model)
        best, identity = -1, None
        for name, e in database.items():
            d = np.linalg.norm(enc - e)
            if d > best:
                best, identity = d, name
        return best, identity
    text = failing("who_is_it", wrong)
    assert "SMALLEST" in hint(text) or "smallest" in hint(text)


def test_who_is_it_forgets_to_update_the_name():
    def wrong(image_path, database, model):
        enc = img_to_encoding(image_path, model)
        min_dist, identity = 100, next(iter(database))
        for e in database.values():
            min_dist = min(min_dist, np.linalg.norm(enc - e))
        return min_dist, identity
    assert "SMALLEST" in hint(failing("who_is_it", wrong))


def test_who_is_it_that_needs_two_residents_fails_on_a_database_of_one():
    def wrong(image_path, database, model):
        enc = img_to_encoding(image_path, model)
        names = list(database)
        dists = [np.linalg.norm(enc - database[n]) for n in names]
        order = np.argsort(dists)
        return dists[order[0]], names[order[1]] if dists[order[0]] > 0.7 else names[order[0]]
    text = failing("who_is_it", wrong)
    assert "raised an error" in text or "[1]" in text


def test_stand_in_model_knows_only_the_check_faces():
    faces, model, database, photos = checks._scene()
    e = img_to_encoding(faces[0], model)
    assert e.shape == (1, 128) and abs(float(np.linalg.norm(e)) - 1) < 1e-5
    with pytest.raises(ValueError, match="only knows"):
        model(np.zeros((1, 96, 96, 3), np.float32))
    # every designed distance is what the case labels say
    for face, (_who, ref, d) in zip(faces, photos):
        assert float(np.linalg.norm(img_to_encoding(face, model) - database[ref])) == pytest.approx(d, abs=1e-5)


def test_learner_prints_are_kept_out_of_the_check(ref):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        checks.check_who_is_it(ref["who_is_it"])
    assert "Not in the database" not in out.getvalue() and "all 4 checks passed" in out.getvalue()


# --------------------------------------------------------------------------- #
# The hidden tests of the notebook catch the classic mistakes too
# --------------------------------------------------------------------------- #

def _hidden_source(grade_id):
    import nbformat

    from course_utils.checks.solutions import notebook_path

    nb = nbformat.read(notebook_path(NOTEBOOK), as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return cell.source


def _run_hidden(grade_id, namespace):
    exec(compile(_hidden_source(grade_id), f"<hidden {grade_id}>", "exec"), namespace)


def test_hidden_triplet_tests_pass_the_reference_and_fail_wrong_axis_and_missing_max(ref):
    _run_hidden("test_triplet_loss", {"np": np, "tf": tf, "triplet_loss": ref["triplet_loss"]})

    def wrong_axis(y_true, y_pred, alpha=0.2):
        a, p, n = _parts(y_pred)
        return tf.reduce_sum(tf.maximum(tf.reduce_sum(tf.square(a - p), 0) - tf.reduce_sum(tf.square(a - n), 0)
                                        + alpha, 0.0))

    def no_max(y_true, y_pred, alpha=0.2):
        a, p, n = _parts(y_pred)
        return tf.reduce_sum(tf.reduce_sum(tf.square(a - p), -1) - tf.reduce_sum(tf.square(a - n), -1) + alpha)

    for wrong in (wrong_axis, no_max):
        with pytest.raises((AssertionError, CheckFailed)):
            _run_hidden("test_triplet_loss", {"np": np, "tf": tf, "triplet_loss": wrong})


@pytest.fixture(scope="module")
def door(tmp_path_factory):
    from course_utils.datasets.identities import happy_house, save_happy_house
    from course_utils.models.facenet import pretrained_facenet, weights_path

    if not weights_path().exists():
        pytest.skip("data/facenet.npz not trained yet")
    model = pretrained_facenet()
    paths = save_happy_house(tmp_path_factory.mktemp("house"), happy_house())
    database = {n: img_to_encoding(p, model) for n, p in paths["database"].items()}
    return {"np": np, "tf": tf, "img_to_encoding": img_to_encoding, "FRmodel": model, "paths": paths,
            "database": database}


def test_hidden_door_tests_pass_the_reference_and_catch_a_database_of_one(ref, door):
    _run_hidden("test_verify", {**door, "verify": ref["verify"]})
    _run_hidden("test_who_is_it", {**door, "who_is_it": ref["who_is_it"]})

    def needs_two(image_path, database, model):  # compares with the second-closest resident as well
        enc = img_to_encoding(image_path, model)
        ranked = sorted(database, key=lambda n: np.linalg.norm(enc - database[n]))
        second = ranked[1]
        dist = np.linalg.norm(enc - database[ranked[0]])
        print("Not in the database." if dist > 0.7 else f"It's {ranked[0]}")
        return dist, ranked[0] if second else None

    with pytest.raises(IndexError):  # the database of one
        _run_hidden("test_who_is_it", {**door, "who_is_it": needs_two})

    def reversed_door(image_path, identity, database, model):
        dist = np.linalg.norm(img_to_encoding(image_path, model) - database[identity])
        print("door")
        return dist, bool(dist > 0.7)

    with pytest.raises(AssertionError):
        _run_hidden("test_verify", {**door, "verify": reversed_door})
