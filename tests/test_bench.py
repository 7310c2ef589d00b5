"""The benchmark runner reports floors and fails when one does not hold (the lessons themselves are not run here)."""

from course_utils import bench


def test_lessons_are_registered_for_courses_1_and_2():
    assert {"01_logistic_regression", "02_planar_data", "04_deep_nn_application", "05_initialization",
            "06_regularization", "07_gradient_checking", "08_optimization_methods"} <= set(bench.LESSONS)


def test_definitions_bring_in_the_given_model_without_running_the_cell():
    ns = bench._definitions("05_initialization")
    assert callable(ns["model"]) and callable(ns["initialize_parameters_he"])
    assert "num_iterations" not in ns  # the cell's other statements are not run


def test_main_exit_code_follows_the_floors(monkeypatch, capsys):
    monkeypatch.setattr(bench, "LESSONS", {
        "98_good": lambda: [("a figure", 1.0, ">= 0", True)],
        "99_bad": lambda: [("another figure", 0.5, ">= 1", False)],
    })
    assert bench.main(["lessons", "98"]) == 0
    out = capsys.readouterr().out
    assert "ok   a figure" in out and "all floors hold" in out and "another" not in out
    assert bench.main(["lessons"]) == 1
    out = capsys.readouterr().out
    assert "FAIL another figure" in out and "SOME FLOORS DO NOT HOLD" in out
