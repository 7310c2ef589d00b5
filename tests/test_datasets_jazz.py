"""Tests for course_utils.datasets.jazz: the training data of notebook 18 (ragtime + generated jazz lines)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import config
from course_utils.datasets import jazz
from course_utils.datasets.jazz import N_SOLOS, load_melodies, load_music_data
from course_utils.music.encoding import REST, melody_to_values, parse_value, values_to_melody

pytest.importorskip("music21")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    return tmp_path / "cache"


def test_layout_matches_the_original(cache_dir):
    X, Y, n_values, indices_values, chords = load_music_data(Tx=30, m=60)
    assert X.shape == (60, 30, n_values) and Y.shape == (30, 60, n_values)
    assert X.dtype == Y.dtype == np.float32
    assert np.all(X.sum(axis=-1) == 1) and np.all(Y.sum(axis=-1) == 1)
    assert np.array_equal(Y[:-1], np.swapaxes(X[:, 1:], 0, 1))  # Y is X one step later
    assert sorted(indices_values) == list(range(n_values)) and 60 <= n_values <= 200
    assert all(parse_value(v) for v in indices_values.values())
    assert [c.symbol for c in chords][:3] == ["C7", "F7", "C7"] and sum(c.duration for c in chords) == 48


def test_melodies_are_the_rags_then_the_generated_solos(cache_dir):
    melodies = load_melodies()
    assert len(melodies) == 2 + N_SOLOS
    assert [name for name, _ in melodies[:3]] == ["Maple Leaf Rag", "Alexander's Ragtime Band", "generated solo 1"]
    for _, melody in melodies:
        assert values_to_melody(melody_to_values(melody)) == melody
        assert all(p == REST or 60 <= p <= 84 for p, _ in melody)


def test_same_arguments_same_arrays_and_the_cache_is_used(cache_dir, monkeypatch):
    first = load_music_data(m=40, seed=3)
    assert list(cache_dir.glob("ragtime-*.npz"))
    calls = []
    monkeypatch.setattr("course_utils.music.corpus.ragtime_melodies", lambda: calls.append(1) or [])
    again = load_music_data(m=40, seed=3)
    assert not calls, "the cached melodies should be read, not parsed again"
    for a, b in zip(first[:2], again[:2]):
        assert np.array_equal(a, b)
    assert first[3] == again[3]


def test_uncached_equals_cached(cache_dir):
    cached = load_music_data(m=20, seed=2)
    fresh = load_music_data(m=20, seed=2, use_cache=False)
    assert np.array_equal(cached[0], fresh[0]) and cached[3] == fresh[3]


def test_another_seed_draws_other_windows_and_solos(cache_dir):
    a, b = load_music_data(m=30, seed=1), load_music_data(m=30, seed=2)
    assert not np.array_equal(a[0], b[0])
    assert a.melodies[0] == b.melodies[0] and a.melodies[2] != b.melodies[2]  # same rag, other solos


def test_sequences_index_the_vocabulary(cache_dir):
    data = load_music_data(m=10)
    for (_, melody), sequence in zip(data.melodies, data.sequences):
        assert [data[3][i] for i in sequence] == melody_to_values(melody)


def test_too_many_windows_is_a_clear_error(cache_dir):
    with pytest.raises(ValueError, match="windows"):
        load_music_data(Tx=30, m=100_000)


def test_generator_version_is_in_the_cache_key(cache_dir, monkeypatch):
    load_melodies()
    monkeypatch.setattr(jazz, "GENERATOR_VERSION", jazz.GENERATOR_VERSION + 1)
    load_melodies()
    assert len(list(cache_dir.glob("ragtime-*.npz"))) == 2
