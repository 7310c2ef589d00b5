"""The one-line message for unfinished exercises (course_utils.errors)."""

from course_utils import errors


def stub_model():
    raise NotImplementedError()


def test_not_implemented_names_the_function():
    errors._UNFINISHED.clear()
    try:
        stub_model()
    except NotImplementedError as exc:
        text = errors.message_for(exc)
    assert text.startswith("`stub_model` is not implemented yet")
    assert errors._UNFINISHED == ["stub_model"]


def test_name_error_after_unfinished_exercise_is_explained_then_forgotten():
    errors._UNFINISHED[:] = ["model"]
    try:
        d  # noqa: F821, B018
    except NameError as exc:
        text = errors.message_for(exc)
        assert "because `model` is not implemented yet" in text
        errors.mark_done("model")
        assert errors.message_for(exc) is None  # an ordinary NameError again


def test_other_errors_keep_their_traceback():
    errors._UNFINISHED[:] = ["model"]
    assert errors.message_for(ValueError("x")) is None
    errors._UNFINISHED.clear()


def test_install_outside_ipython_is_harmless():
    assert errors.install() is False
