import os

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def fast_mode(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    return True


def source_notebooks():
    from course_utils.release import source_notebooks as found

    return found()


os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
