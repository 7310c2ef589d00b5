"""The memory limit is RLIMIT_DATA: TensorFlow still imports and trains under it, a runaway allocation does not."""

import re

import nbformat

from course_utils.grading.autograde import TF_LOG_PATTERN, execute, kernel_env
from course_utils.grading.limits import Limits, parse_size


def test_tensorflow_runs_under_the_memory_limit_and_a_hog_does_not(tmp_path, monkeypatch):
    limits = Limits(cell_timeout=180, notebook_timeout=400, memory_limit=parse_size("1G"))
    for key in kernel_env(limits):  # execute() sets the kernel's environment: restore it afterwards
        monkeypatch.delenv(key, raising=False)
    cells = [
        "import numpy as np\nimport tensorflow as tf\nimport keras",
        "model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(8), keras.layers.Dense(1)])\n"
        "model.compile('adam', 'mse')\nmodel.fit(np.zeros((64, 10)), np.zeros((64, 1)), epochs=1, verbose=0)\n"
        "print('trained')",
        "hog = np.ones(2 * 2**30 // 8)  # 2 GB",
        "print('still alive')",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb = execute(nb, tmp_path, limits)
    status = [c.metadata.autograde["status"] for c in nb.cells]
    assert status == ["ok", "ok", "error", "ok"], [c.outputs for c in nb.cells]
    assert "trained" in "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert "MemoryError" in nb.cells[2].outputs[-1].ename
    # TensorFlow's C++ log lines on stderr are dropped (they would fail a tests cell in nbgrader's scoring)
    for cell in nb.cells:
        for out in cell.outputs:
            if out.output_type == "stream" and out.name == "stderr":
                assert not re.search(TF_LOG_PATTERN, out.text), out.text


def test_tensorflow_log_pattern():
    assert re.search(TF_LOG_PATTERN, "E0000 00:00:1795437472.276405   20356 cuda_platform.cc:52] failed call")
    assert re.search(TF_LOG_PATTERN, "WARNING: All log messages before absl::InitializeLog() is called are")
    assert not re.search(TF_LOG_PATTERN, "RuntimeWarning: overflow encountered in exp")
