"""Melodies as sequences of *values*, the tokens the LSTM of notebook 18 reads and writes.

Introduced in notebook 18 (jazz solo with an LSTM).

A **melody** is a list of ``(pitch, duration)`` pairs played one after the
other: ``pitch`` is a MIDI note number (60 = middle C, C4) or ``REST`` (0) for
a silence, ``duration`` is in beats (quarter notes), a multiple of ``GRID``
(a sixteenth note). A melody is *canonical* when no two rests follow each
other and every duration is positive.

A **value** is one such pair written as text: ``"E5 1/2"`` is the E above
the treble staff's top line held for an eighth note (half a beat), ``"rest 1"``
a quarter rest. The vocabulary of the data set is the sorted set of values
that occur in it; the network sees each value as a one-hot vector of length
``n_values``. The encoding is exact: melody -> values -> melody gives back
the same pitches and durations (``tests/test_music.py`` checks it through
MIDI files too).

The original assignment used a grammar of "abstract" notes relative to the
chord (chord tone, scale tone, approach note) with interval ranges, rebuilt
into notes over the chords afterwards. Absolute pitches in one key are
simpler, round-trip exactly, and work because every training melody is
transposed to C first.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .midi import Note

__all__ = ["REST", "GRID", "pitch_name", "parse_pitch", "value_of", "parse_value", "melody_to_values",
           "values_to_melody", "melody_from_notes", "melody_to_notes", "melody_length", "melody_head", "canonical",
           "transpose", "fold_into_range", "build_vocabulary", "one_hot_windows", "melody_from_indices"]

REST = 0
GRID = 0.25  # beats: a sixteenth note
NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_ALIASES = {"C#": 1, "D#": 3, "Gb": 6, "G#": 8, "A#": 10, "Cb": -1, "B#": 12, "Fb": 4, "E#": 5}


# --------------------------------------------------------------------------- #
# Values
# --------------------------------------------------------------------------- #

def pitch_name(pitch: int) -> str:
    """``60 -> "C4"``, ``70 -> "Bb4"``, ``REST -> "rest"``."""
    if pitch == REST:
        return "rest"
    return f"{NAMES[pitch % 12]}{pitch // 12 - 1}"


def parse_pitch(name: str) -> int:
    """``"C4" -> 60``, ``"F#5" -> 78``, ``"rest" -> REST``."""
    if name == "rest":
        return REST
    letters = name.rstrip("-0123456789")
    octave = int(name[len(letters):])
    if letters in NAMES:
        pc = NAMES.index(letters)
    elif letters in _ALIASES:
        pc = _ALIASES[letters]
    else:
        raise ValueError(f"not a pitch name: {name!r}")
    return 12 * (octave + 1) + pc


def _duration_text(duration: float) -> str:
    frac = Fraction(duration).limit_denominator(48)
    if frac <= 0:
        raise ValueError(f"a duration must be positive; got {duration}")
    return str(frac)


def value_of(pitch: int, duration: float) -> str:
    """The value of one note or rest: ``value_of(76, 0.5) -> "E5 1/2"``, ``value_of(REST, 1) -> "rest 1"``."""
    return f"{pitch_name(int(pitch))} {_duration_text(duration)}"


def parse_value(value: str) -> tuple[int, float]:
    """``"E5 1/2" -> (76, 0.5)``; the inverse of :func:`value_of`."""
    try:
        name, duration = value.split()
        return parse_pitch(name), float(Fraction(duration))
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"not a value: {value!r} (expected e.g. 'E5 1/2' or 'rest 1')") from exc


def melody_to_values(melody) -> list[str]:
    """A melody (list of (pitch, duration)) as a list of values."""
    return [value_of(p, d) for p, d in melody]


def values_to_melody(values) -> list[tuple[int, float]]:
    """A list of values back to a melody; consecutive rests are merged (the canonical form)."""
    return canonical(parse_value(v) for v in values)


def melody_from_indices(indices, indices_values) -> list[tuple[int, float]]:
    """Decode the network's output: indices (any shape) -> values (``indices_values[i]``) -> melody."""
    return values_to_melody(indices_values[int(i)] for i in np.ravel(indices))


# --------------------------------------------------------------------------- #
# Melodies
# --------------------------------------------------------------------------- #

def canonical(melody) -> list[tuple[int, float]]:
    """Merge consecutive rests and drop empty events."""
    out: list[tuple[int, float]] = []
    for pitch, duration in melody:
        pitch, duration = int(pitch), float(duration)
        if duration <= 0:
            continue
        if pitch == REST and out and out[-1][0] == REST:
            out[-1] = (REST, out[-1][1] + duration)
        else:
            out.append((pitch, duration))
    return out


def melody_length(melody) -> float:
    """Total duration in beats."""
    return float(sum(d for _, d in melody))


def melody_head(melody, beats: float) -> list[tuple[int, float]]:
    """The first ``beats`` beats of a melody; the note or rest that crosses the limit is shortened."""
    out, t = [], 0.0
    for pitch, duration in melody:
        if t >= beats:
            break
        out.append((pitch, min(float(duration), beats - t)))
        t += float(duration)
    return out


def melody_to_notes(melody, start: float = 0.0, velocity: int = 90) -> list[Note]:
    """The notes of a melody (rests become gaps), starting at beat ``start``."""
    notes, t = [], float(start)
    for pitch, duration in melody:
        if pitch != REST:
            notes.append(Note(t, float(duration), int(pitch), velocity))
        t += float(duration)
    return notes


def _snap(t: float, grid: float) -> float:
    return round(t / grid) * grid


def melody_from_notes(notes, grid: float = GRID, length: float | None = None, start: float = 0.0):
    """The top line of some notes, quantized to ``grid``, with the silences as rests.

    ``notes`` are :class:`~course_utils.music.midi.Note` (or anything with
    ``start``, ``duration``, ``pitch``), possibly overlapping (chords, two
    hands). At each onset the highest pitch wins (the "skyline"); a note is
    cut where the next one starts. The melody starts at beat ``start`` (a
    leading rest when the first note comes later) and lasts until ``length``
    when given (a trailing rest).
    """
    by_onset: dict = {}
    for n in notes:
        on = _snap(n.start, grid)
        off = max(_snap(n.start + n.duration, grid), on + grid)
        if on not in by_onset or n.pitch > by_onset[on][0]:
            by_onset[on] = (int(n.pitch), off)
    melody, t = [], _snap(start, grid)
    onsets = sorted(o for o in by_onset if o >= t)
    for i, on in enumerate(onsets):
        pitch, off = by_onset[on]
        if i + 1 < len(onsets):
            off = min(off, onsets[i + 1])
        if on > t:
            melody.append((REST, on - t))
        melody.append((pitch, off - on))
        t = off
    if length is not None and _snap(length, grid) > t:
        melody.append((REST, _snap(length, grid) - t))
    return canonical(melody)


def transpose(melody, semitones: int):
    """Every pitch moved by ``semitones`` (rests stay rests)."""
    return [(p if p == REST else p + semitones, d) for p, d in melody]


def fold_into_range(melody, low: int, high: int):
    """Move each note by whole octaves into ``low..high`` (at least an octave wide)."""
    if high - low < 11:
        raise ValueError("the range must span at least an octave")
    out = []
    for p, d in melody:
        if p != REST:
            while p < low:
                p += 12
            while p > high:
                p -= 12
        out.append((p, d))
    return out


# --------------------------------------------------------------------------- #
# Vocabulary and one-hot training windows
# --------------------------------------------------------------------------- #

def _sort_key(value: str):
    pitch, duration = parse_value(value)
    return (pitch, duration)


def build_vocabulary(sequences):
    """The sorted set of values in ``sequences`` (lists of values), rests first, then by pitch and duration.

    Returns ``(values_indices, indices_values)``: value -> index and index -> value dicts.
    """
    values = sorted({v for seq in sequences for v in seq}, key=_sort_key)
    indices_values = dict(enumerate(values))
    values_indices = {v: i for i, v in indices_values.items()}
    return values_indices, indices_values


def one_hot_windows(sequences, n_values: int, Tx: int, m: int, seed: int = 0):
    """``m`` training windows of ``Tx + 1`` consecutive values, drawn without replacement.

    ``sequences`` are lists of value indices (a window never crosses from one
    sequence to the next). Returns ``X`` of shape ``(m, Tx, n_values)``, the
    one-hot values 0 .. Tx-1 of each window, and ``Y`` of shape
    ``(Tx, m, n_values)``, the values 1 .. Tx: ``Y[t]`` is the value that
    follows ``X[:, t]``, the next-value target at step ``t`` (time first, as
    the model has one output per step). Both float32.
    """
    starts = [(s, i) for s, seq in enumerate(sequences) for i in range(len(seq) - Tx)]
    if m > len(starts):
        raise ValueError(f"only {len(starts)} windows of {Tx + 1} values in the data; asked for {m}")
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(starts), size=m, replace=False)
    X = np.zeros((m, Tx, n_values), dtype=np.float32)
    Y = np.zeros((Tx, m, n_values), dtype=np.float32)
    steps = np.arange(Tx)
    for row, k in enumerate(chosen):
        s, i = starts[k]
        window = np.asarray(sequences[s][i:i + Tx + 1])
        X[row, steps, window[:-1]] = 1.0
        Y[steps, row, window[1:]] = 1.0
    return X, Y
