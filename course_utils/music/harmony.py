"""Chord symbols, standard jazz progressions and their chord tones and scales (all in C by default).

Introduced in notebook 18 (jazz solo with an LSTM). A chord symbol is a root
and a quality, e.g. ``"Dm7"``, ``"G7"``, ``"Cmaj7"``, ``"F#dim7"``, ``"Bbmaj7"``.
A progression is a list of :class:`ChordSpan` (symbol, start and duration in
beats), one chord per bar of 4/4 unless a bar is split.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ChordSpan", "parse_chord", "chord_tones", "scale_tones", "progression", "chord_at", "PROGRESSIONS",
           "QUALITIES"]

_ROOTS = {"C": 0, "C#": 1, "Db": 1, "D": 2, "D#": 3, "Eb": 3, "E": 4, "F": 5, "F#": 6, "Gb": 6, "G": 7,
          "G#": 8, "Ab": 8, "A": 9, "A#": 10, "Bb": 10, "B": 11}

#: quality -> (chord tones, scale) as semitones above the root
QUALITIES = {
    "maj7": ((0, 4, 7, 11), (0, 2, 4, 5, 7, 9, 11)),        # major (Ionian)
    "6": ((0, 4, 7, 9), (0, 2, 4, 5, 7, 9, 11)),
    "": ((0, 4, 7), (0, 2, 4, 5, 7, 9, 11)),
    "m7": ((0, 3, 7, 10), (0, 2, 3, 5, 7, 9, 10)),          # Dorian
    "m6": ((0, 3, 7, 9), (0, 2, 3, 5, 7, 9, 11)),           # melodic minor
    "m": ((0, 3, 7), (0, 2, 3, 5, 7, 9, 10)),
    "7": ((0, 4, 7, 10), (0, 2, 4, 5, 7, 9, 10)),           # Mixolydian
    "m7b5": ((0, 3, 6, 10), (0, 1, 3, 5, 6, 8, 10)),        # Locrian
    "dim7": ((0, 3, 6, 9), (0, 2, 3, 5, 6, 8, 9, 11)),      # whole-half diminished
}

#: Standard progressions in C, one chord symbol per bar of 4/4 ("Dm7 G7" splits a bar in two).
PROGRESSIONS = {
    "ii-V-I": ["Dm7", "G7", "Cmaj7", "Cmaj7"],
    "I-vi-ii-V": ["Cmaj7", "Am7", "Dm7", "G7", "Em7", "A7", "Dm7", "G7"],
    "minor ii-V-i": ["Dm7b5", "G7", "Cm6", "Cm6"],
    "blues": ["C7", "F7", "C7", "Gm7 C7", "F7", "F#dim7", "C7", "A7", "Dm7", "G7", "C7 A7", "Dm7 G7"],
}


@dataclass(frozen=True)
class ChordSpan:
    """A chord ``symbol`` sounding from beat ``start`` for ``duration`` beats."""

    start: float
    duration: float
    symbol: str


def parse_chord(symbol: str) -> tuple[int, str]:
    """``"Bbmaj7" -> (10, "maj7")``: root pitch class and quality."""
    root = symbol[:2] if symbol[1:2] in ("b", "#") else symbol[:1]
    quality = symbol[len(root):]
    if root not in _ROOTS or quality not in QUALITIES:
        raise ValueError(f"unknown chord symbol {symbol!r}")
    return _ROOTS[root], quality


def chord_tones(symbol: str) -> list[int]:
    """Pitch classes (0 = C) of the chord's tones, root first."""
    root, quality = parse_chord(symbol)
    return [(root + i) % 12 for i in QUALITIES[quality][0]]


def scale_tones(symbol: str) -> list[int]:
    """Pitch classes of the scale that goes with the chord, sorted."""
    root, quality = parse_chord(symbol)
    return sorted((root + i) % 12 for i in QUALITIES[quality][1])


def progression(name_or_bars, choruses: int = 1, start: float = 0.0, beats_per_bar: int = 4) -> list[ChordSpan]:
    """The chords of a progression (a name of :data:`PROGRESSIONS` or a list of bars), repeated ``choruses`` times."""
    bars = PROGRESSIONS[name_or_bars] if isinstance(name_or_bars, str) else list(name_or_bars)
    spans, t = [], float(start)
    for _ in range(choruses):
        for bar in bars:
            symbols = bar.split()
            each = beats_per_bar / len(symbols)
            for symbol in symbols:
                parse_chord(symbol)
                spans.append(ChordSpan(t, each, symbol))
                t += each
    return spans


def chord_at(chords, beat: float) -> str | None:
    """The symbol sounding at ``beat`` (None outside the progression)."""
    for span in chords:
        if span.start <= beat < span.start + span.duration:
            return span.symbol
    return None
