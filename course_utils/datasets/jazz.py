"""Training data for notebook 18 (jazz solo with an LSTM): ragtime from music21 and seeded jazz lines.

Introduced in notebook 18. An open replacement for the original's
``original_metheny.mid`` (a Pat Metheny solo) and its grammar of values:

- the melodies of two rags from the music21 corpus, which ships inside the
  ``music21`` package (:mod:`course_utils.music.corpus`): Joplin's *Maple Leaf
  Rag* and Berlin's *Alexander's Ragtime Band*, transposed to C;
- ``n_solos`` jazz lines drawn by a seeded generator over ii-V-I, I-vi-ii-V,
  minor ii-V-i and 12-bar-blues changes in C (:mod:`course_utils.music.phrases`).

Each melody becomes a sequence of values (``"E5 1/2"``: pitch and duration,
see :mod:`course_utils.music.encoding`); the vocabulary is every value that
occurs. :func:`load_music_data` then draws ``m`` windows of ``Tx + 1``
consecutive values, like the original's 60 windows of 30: ``X`` (m, Tx,
n_values) holds values 0..Tx-1 one-hot, ``Y`` (Tx, m, n_values) values 1..Tx,
the value to predict at each step.

The melodies are cached in ``data/cache/`` (parsing the two scores with music21
takes a few seconds); the same arguments give the same arrays on any machine.
"""

from __future__ import annotations

import numpy as np

from ..music.encoding import build_vocabulary, melody_to_values, one_hot_windows
from ..music.harmony import progression
from ._cache import cached

__all__ = ["load_melodies", "load_music_data", "MusicData", "N_SOLOS", "GENERATOR_VERSION"]

GENERATOR_VERSION = 1  # bump when the generator or the melody extraction changes
N_SOLOS = 24


def _ragtime_arrays(use_cache: bool = True) -> dict:
    """The rags' melodies as flat arrays (pitches, durations) and the number of values of each piece."""
    from ..music.corpus import RAGTIME, music21_version, ragtime_melodies

    def build():
        melodies = [mel for _, mel in ragtime_melodies()]
        return {"pitches": np.array([p for mel in melodies for p, _ in mel], dtype=np.int64),
                "durations": np.array([d for mel in melodies for _, d in mel], dtype=np.float64),
                "lengths": np.array([len(mel) for mel in melodies], dtype=np.int64)}

    params = {"music21": music21_version(), "pieces": [p.corpus_path for p in RAGTIME], "v": GENERATOR_VERSION}
    return cached("ragtime", params, build, use_cache=use_cache)


def load_melodies(n_solos: int = N_SOLOS, seed: int = 1, use_cache: bool = True) -> list[tuple[str, list]]:
    """``[(name, melody), ...]``: the two rags, then ``n_solos`` generated jazz solos."""
    from ..music.corpus import RAGTIME
    from ..music.phrases import jazz_solos

    arrays = _ragtime_arrays(use_cache)
    out, start = [], 0
    for piece, n in zip(RAGTIME, arrays["lengths"]):
        pitches, durations = arrays["pitches"][start:start + n], arrays["durations"][start:start + n]
        out.append((piece.title, [(int(p), float(d)) for p, d in zip(pitches, durations)]))
        start += n
    for i, (melody, _chords) in enumerate(jazz_solos(n_solos, seed=seed)):
        out.append((f"generated solo {i + 1}", melody))
    return out


class MusicData(tuple):
    """What :func:`load_music_data` returns: ``(X, Y, n_values, indices_values, chords)``, with extras as attributes."""

    melodies: list
    sequences: list


def load_music_data(Tx: int = 30, m: int = 60, n_solos: int = N_SOLOS, seed: int = 1, use_cache: bool = True):
    """The training windows, in the original's layout: ``X, Y, n_values, indices_values, chords``.

    - ``X`` (m, Tx, n_values) float32: one-hot values 0..Tx-1 of ``m`` windows;
    - ``Y`` (Tx, m, n_values) float32: the next value at each step (values 1..Tx);
    - ``n_values``: the size of the vocabulary (every value in the melodies);
    - ``indices_values``: dict index -> value (``"E5 1/2"``);
    - ``chords``: the progression the generated solo will be played over (a
      12-bar blues in C, as :class:`~course_utils.music.harmony.ChordSpan`).

    The result also has the attributes ``melodies`` (name, melody) and
    ``sequences`` (each melody as a list of value indices).
    """
    melodies = load_melodies(n_solos=n_solos, seed=seed, use_cache=use_cache)
    values = [melody_to_values(mel) for _, mel in melodies]
    values_indices, indices_values = build_vocabulary(values)
    sequences = [[values_indices[v] for v in seq] for seq in values]
    n_values = len(indices_values)
    X, Y = one_hot_windows(sequences, n_values, Tx, m, seed=seed)
    data = MusicData((X, Y, n_values, indices_values, progression("blues")))
    data.melodies, data.sequences = melodies, sequences
    return data
