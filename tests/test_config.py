import random

import numpy as np

from course_utils import config


def test_pick_follows_course_fast(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    assert config.is_fast() and config.pick(full=2000, fast=200) == 200
    monkeypatch.setenv("COURSE_FAST", "0")
    assert not config.is_fast() and config.pick(full=2000, fast=200) == 2000
    monkeypatch.delenv("COURSE_FAST")
    assert config.pick(full="a", fast="b") == "a"


def test_seed_everything_is_reproducible():
    config.seed_everything(7)
    a = (random.random(), np.random.rand(3))
    config.seed_everything(7)
    b = (random.random(), np.random.rand(3))
    assert a[0] == b[0] and np.array_equal(a[1], b[1])


def test_setup_prints_mode_and_device(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    config.setup(seed=3)
    out = capsys.readouterr().out
    assert out.startswith("course_utils: FAST mode (COURSE_FAST=1), seed 3, CPU")


def test_data_dir_can_be_moved(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert config._data_dir() == tmp_path.resolve()
