"""Put a melody over a small jazz band: piano comping, walking bass and a swung ride cymbal.

Introduced in notebook 18 (jazz solo with an LSTM). :func:`arrange` turns a
melody (list of (pitch, duration)) and a chord progression into MIDI tracks
(:class:`~course_utils.music.midi.Track`) with General MIDI programs, ready
for :func:`~course_utils.music.midi.write_midi` and for the synthesizers of
:mod:`course_utils.audio`:

- melody: vibraphone (program 11);
- piano (program 0): shell voicings (third and seventh, plus the fifth or the
  root) in the Charleston rhythm, voice-led from chord to chord;
- bass (program 32): walking quarter notes, the root on the first beat of each
  chord and a chromatic approach into the next root;
- drums (channel 10): ride cymbal "ding, ding-a" and the hi-hat on 2 and 4.

Eighth notes are *swung*: an off-beat eighth starts at 2/3 of the beat
instead of 1/2 (``swing=2/3``; 0.5 plays them straight).
"""

from __future__ import annotations

import math

import numpy as np

from .encoding import melody_length, melody_to_notes
from .harmony import ChordSpan, chord_tones, parse_chord, progression
from .midi import DRUM_CHANNEL, Note, Track

__all__ = ["arrange", "swing_time", "backing_chords", "PROGRAMS", "RIDE", "HIHAT_PEDAL"]

PROGRAMS = {"melody": 11, "piano": 0, "bass": 32}
RIDE, HIHAT_PEDAL = 51, 44  # General MIDI drum keys


def swing_time(beat: float, swing: float = 2 / 3) -> float:
    """Where a straight time (in beats) is played with swing: ``x.5 -> x + swing``, linear in between."""
    whole = math.floor(beat)
    frac = beat - whole
    if frac <= 0.5:
        return whole + frac * (swing / 0.5)
    return whole + swing + (frac - 0.5) * ((1 - swing) / 0.5)


def _swung(notes, swing):
    if swing == 0.5:
        return list(notes)
    out = []
    for n in notes:
        start, end = swing_time(n.start, swing), swing_time(n.start + n.duration, swing)
        out.append(Note(start, end - start, n.pitch, n.velocity))
    return out


def backing_chords(beats: float, chords="blues", ending: str | None = "C6") -> list[ChordSpan]:
    """A chorus of ``chords`` (a progression's name, or its :class:`ChordSpan` list starting at beat 0)
    repeated over ``beats`` (rounded up to whole bars), then one bar of ``ending`` (None: no ending)."""
    chorus = progression(chords) if isinstance(chords, str) else list(chords)
    length = max(c.start + c.duration for c in chorus)
    end = max(1, math.ceil(beats / 4)) * 4.0
    spans, offset = [], 0.0
    while offset < end:
        spans += [ChordSpan(offset + c.start, c.duration, c.symbol) for c in chorus if offset + c.start < end]
        offset += length
    last = spans[-1]
    if last.start + last.duration > end:
        spans[-1] = ChordSpan(last.start, end - last.start, last.symbol)
    return spans + [ChordSpan(end, 4.0, ending)] if ending else spans


def _voicing(symbol: str, previous: list | None) -> list[int]:
    """Third, seventh (or sixth) and fifth of the chord between E3 and G4, closest to the previous voicing."""
    tones = chord_tones(symbol)
    wanted = tones[1:4] if len(tones) >= 4 else tones
    center = np.mean(previous) if previous else 58.0
    voicing = []
    for pc in wanted:
        candidates = [p for p in range(52, 68) if p % 12 == pc]
        voicing.append(min(candidates, key=lambda p: abs(p - center)))
    return sorted(set(voicing))


def _piano(chords, velocity=58):
    notes, previous = [], None
    for span in chords:
        voicing = _voicing(span.symbol, previous)
        previous = voicing
        if span.duration >= 4:
            hits = [(0.0, 1.0), (1.5, 1.0)]
        elif span.duration >= 2:
            hits = [(0.0, 1.5)]
        else:
            hits = [(0.0, span.duration)]
        if span is chords[-1]:
            hits = [(0.0, span.duration)]
        for offset, duration in hits:
            notes += [Note(span.start + offset, duration, p, velocity) for p in voicing]
    return notes


def _bass(chords, velocity=84):
    notes = []
    low, high = 38, 55
    for i, span in enumerate(chords):
        root_pc, _ = parse_chord(span.symbol)
        tones = chord_tones(span.symbol)
        root = min((p for p in range(low, high + 1) if p % 12 == root_pc), key=lambda p: abs(p - 45))
        beats = int(round(span.duration))
        if i == len(chords) - 1:
            notes.append(Note(span.start, span.duration, root, velocity))
            continue
        next_pc, _ = parse_chord(chords[i + 1].symbol)
        line = [root]
        for b in range(1, beats):
            if b == beats - 1:  # approach the next root from a semitone above or below
                target = min((p for p in range(low, high + 1) if p % 12 == next_pc), key=lambda p: abs(p - line[-1]))
                line.append(target - 1 if (b + i) % 2 == 0 else target + 1)
            else:
                up = [p for p in range(line[-1] + 1, line[-1] + 8) if p % 12 in tones and p <= high]
                down = [p for p in range(line[-1] - 7, line[-1]) if p % 12 in tones and p >= low]
                options = up if (b + i) % 3 else (down or up)
                line.append(options[0] if options else root)
        notes += [Note(span.start + b, 1.0, p, velocity - (0 if b == 0 else 8)) for b, p in enumerate(line)]
    return notes


def _drums(bars: int):
    """The swing pattern on the ride with the hi-hat on 2 and 4; the last bar is one ride hit, held."""
    notes = []
    for bar in range(bars - 1):
        t = 4.0 * bar
        for offset, velocity in ((0, 70), (1, 80), (1.5, 55), (2, 70), (3, 80), (3.5, 55)):
            notes.append(Note(t + offset, 0.5, RIDE, velocity))
        notes += [Note(t + 1, 0.25, HIHAT_PEDAL, 60), Note(t + 3, 0.25, HIHAT_PEDAL, 60)]
    return notes + [Note(4.0 * (bars - 1), 4.0, RIDE, 80)]


def arrange(melody, chords="blues", swing: float = 2 / 3, backing: bool = True,
            melody_program: int = PROGRAMS["melody"]) -> list[Track]:
    """MIDI tracks for ``melody`` over ``chords``: the backing's :class:`ChordSpan` list (see
    :func:`backing_chords`), or a progression's name, repeated under the melody.

    Returns ``[melody, piano, bass, drums]`` tracks (only the melody with
    ``backing=False``), times in beats, swung by ``swing``.
    """
    if isinstance(chords, str):
        chords = backing_chords(melody_length(melody), chords)
    tracks = [Track("melody", _swung(melody_to_notes(melody, velocity=96), swing), program=melody_program, channel=0)]
    if backing and chords:
        bars = int(math.ceil((chords[-1].start + chords[-1].duration) / 4))
        tracks += [Track("piano", _swung(_piano(chords), swing), program=PROGRAMS["piano"], channel=1),
                   Track("bass", _bass(chords), program=PROGRAMS["bass"], channel=2),
                   Track("drums", _swung(_drums(bars), swing), channel=DRUM_CHANNEL)]
    return tracks
