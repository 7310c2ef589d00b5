"""A seeded generator of jazz-like solo lines over standard progressions (in C).

Introduced in notebook 18 (jazz solo with an LSTM). The music21 corpus has
ragtime but no jazz solos; this generator adds lines in the bebop manner so
the network has jazz vocabulary to learn from:

- rhythm: one rhythmic cell per bar, mostly eighth notes (played swung by the
  arranger), with anticipations (a phrase starting on the "and"), dotted and
  held notes; phrases of 2 or 4 bars that end on a longer note and a rest;
- pitch: chord tones on the beats, steps of the chord's scale on the
  off-beats, chromatic approach notes a semitone below or above the next
  chord tone, arpeggio leaps, and over the blues the "blue" minor third
  resolving to the major third; the line turns around at the edges of its
  range (C4..C6).

Everything comes from one ``numpy.random.default_rng(seed)``: the same seed
gives the same phrases on any machine.
"""

from __future__ import annotations

import numpy as np

from .encoding import REST, canonical
from .harmony import PROGRESSIONS, chord_at, chord_tones, progression, scale_tones

__all__ = ["jazz_solo", "jazz_solos", "RHYTHM_CELLS", "LOW", "HIGH"]

LOW, HIGH = 60, 84  # C4 .. C6

#: Rhythmic cells of one 4/4 bar: durations in beats, negative = rest; with their weights.
RHYTHM_CELLS = [
    ((0.5,) * 8, 6),
    ((1, 0.5, 0.5, 0.5, 0.5, 1), 3),
    ((-0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1), 3),
    ((0.5, 0.5, 1, 0.5, 0.5, 1), 3),
    ((1.5, 0.5, 0.5, 0.5, 1), 2),
    ((0.75, 0.25, 0.5, 0.5, 0.75, 0.25, 1), 1),
    ((0.5, 0.5, 0.5, 0.5, 2), 2),
    ((-1, 0.5, 0.5, 0.5, 0.5, 1), 2),
    ((0.25, 0.25, 0.5, 0.5, 0.5, 0.5, 0.5, 1), 1),
]
#: Cells that end a phrase: a held note and a rest.
ENDING_CELLS = [
    ((0.5, 0.5, 1, -2), 3),
    ((1, 1.5, -1.5), 2),
    ((0.5, 0.5, 0.5, 1.5, -1), 2),
    ((2, -2), 1),
]


def _pick(rng, weighted):
    weights = np.array([w for _, w in weighted], dtype=float)
    return weighted[rng.choice(len(weighted), p=weights / weights.sum())][0]


def _nearest(pitch: int, classes, direction: int, strict: bool) -> int:
    """The nearest pitch of ``classes`` (pitch classes) from ``pitch`` in ``direction`` (strictly beyond it)."""
    step = 1 if direction >= 0 else -1
    p = pitch + step if strict else pitch
    while p % 12 not in classes:
        p += step
    return p


class _Line:
    def __init__(self, rng, blues: bool):
        self.rng, self.blues = rng, blues
        self.pitch = int(rng.integers(64, 77))
        self.direction = 1 if rng.random() < 0.5 else -1

    def _turn(self):
        if self.pitch > HIGH - 4:
            self.direction = -1
        elif self.pitch < LOW + 4:
            self.direction = 1
        elif self.rng.random() < 0.22:
            self.direction = -self.direction

    def next(self, chord: str, next_chord: str, on_beat: bool, next_on_beat: bool) -> int:
        rng = self.rng
        self._turn()
        tones, scale = chord_tones(chord), scale_tones(chord)
        if on_beat:
            if rng.random() < 0.2:  # arpeggio leap: skip a chord tone
                p = _nearest(self.pitch, tones, self.direction, strict=True)
                p = _nearest(p, tones, self.direction, strict=True)
            else:
                p = _nearest(self.pitch, tones, self.direction, strict=True)
        else:
            r = rng.random()
            target_tones = chord_tones(next_chord)
            if next_on_beat and r < 0.25:  # chromatic approach to the next chord tone
                target = _nearest(self.pitch, target_tones, self.direction, strict=True)
                p = target - self.direction
            elif self.blues and r < 0.35 and 3 not in scale:  # the blue third (Eb in C), into the third
                p = _nearest(self.pitch, [3], self.direction, strict=False)
            else:
                p = _nearest(self.pitch, scale, self.direction, strict=True)
        if p > HIGH:
            p -= 12
        elif p < LOW:
            p += 12
        self.pitch = int(p)
        return self.pitch


def jazz_solo(progression_name: str, choruses: int, rng) -> tuple[list, list]:
    """One solo over ``choruses`` choruses of a progression of :data:`PROGRESSIONS`.

    Returns ``(melody, chords)``: the melody (list of (pitch, duration)) and
    its :class:`~course_utils.music.harmony.ChordSpan` list.
    """
    chords = progression(progression_name, choruses=choruses)
    bars = len(PROGRESSIONS[progression_name]) * choruses
    line = _Line(rng, blues=progression_name == "blues")
    melody, bar = [], 0
    while bar < bars:
        length = min(int(rng.choice([2, 4], p=[0.4, 0.6])), bars - bar)
        for k in range(length):
            ending = k == length - 1 and rng.random() < 0.8
            cell = _pick(rng, ENDING_CELLS if ending else RHYTHM_CELLS)
            t = 4.0 * (bar + k)
            for j, d in enumerate(cell):
                if d < 0:
                    melody.append((REST, -d))
                    t += -d
                    continue
                chord = chord_at(chords, t)
                nxt = t + d
                next_chord = chord_at(chords, nxt) or chord
                next_on_beat = j + 1 < len(cell) and cell[j + 1] > 0 and nxt % 1 == 0
                melody.append((line.next(chord, next_chord, t % 1 == 0, next_on_beat), d))
                t = nxt
        bar += length
    return canonical(melody), chords


def jazz_solos(n: int, seed: int = 0, names=None) -> list[tuple[list, list]]:
    """``n`` seeded solos, cycling through the progressions ``names`` (default: all), 2 choruses each
    (1 for the 12-bar blues)."""
    rng = np.random.default_rng(seed)
    names = list(names or PROGRESSIONS)
    solos = []
    for i in range(n):
        name = names[i % len(names)]
        solos.append(jazz_solo(name, 1 if name == "blues" else 2, rng))
    return solos
