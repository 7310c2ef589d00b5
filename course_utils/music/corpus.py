"""Ragtime melodies from the music21 corpus, which ships inside the ``music21`` package (no download).

Introduced in notebook 18 (jazz solo with an LSTM). The corpus has no jazz
solos, but it has ragtime, jazz's closest ancestor in it:

- Scott Joplin, *Maple Leaf Rag* (1899), piano: the melody is the top line
  of the right hand (the highest note of each chord or octave). Written in
  2/4 in sixteenths; its durations are doubled, so it reads as 4/4 in
  eighths like the other melodies ("cut time");
- Irving Berlin, *Alexander's Ragtime Band* (1911), a lead sheet: the melody
  line (its chord symbols are left out).

Each melody is transposed to C (from A-flat and from F) and folded by
octaves into C4..C6, quantized to sixteenths, and its silences longer than a
bar are cut to a bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from .encoding import REST, canonical, fold_into_range, melody_from_notes, transpose
from .midi import Note

__all__ = ["RAGTIME", "CorpusPiece", "ragtime_melodies", "melody_from_music21", "music21_version"]


@dataclass(frozen=True)
class CorpusPiece:
    title: str
    composer: str
    corpus_path: str  # for music21.corpus.parse
    part: int         # the part that holds the melody
    semitones: int    # transposition to C
    time_scale: float  # durations multiplied by this


RAGTIME = [
    CorpusPiece("Maple Leaf Rag", "Scott Joplin, 1899", "joplin/maple_leaf_rag", 0, 4, 2.0),
    CorpusPiece("Alexander's Ragtime Band", "Irving Berlin, 1911", "leadSheet/berlinAlexandersRagtime", 0, -5, 1.0),
]

LOW, HIGH = 60, 84
MAX_REST = 4.0


def music21_version() -> str:
    import music21

    return music21.__version__


def melody_from_music21(part, time_scale: float = 1.0):
    """The top line of a music21 part (notes and chords; chord symbols ignored) as a melody."""
    from music21 import harmony

    notes = []
    for element in part.flatten().notes:
        if isinstance(element, harmony.ChordSymbol):
            continue
        duration = float(element.quarterLength) * time_scale
        if duration <= 0:  # grace notes
            continue
        pitches = [p.midi for p in element.pitches]
        notes.append(Note(float(element.offset) * time_scale, duration, max(pitches)))
    start = min((n.start for n in notes), default=0.0)
    return melody_from_notes(notes, start=start)


def _tidy(melody):
    melody = fold_into_range(melody, LOW, HIGH)
    return canonical((p, min(d, MAX_REST) if p == REST else d) for p, d in melody)


def ragtime_melodies() -> list[tuple[str, list]]:
    """``[(title, melody), ...]`` for the pieces of :data:`RAGTIME`, parsed from the music21 corpus."""
    from music21 import corpus

    out = []
    for piece in RAGTIME:
        score = corpus.parse(piece.corpus_path)
        melody = melody_from_music21(score.parts[piece.part], piece.time_scale)
        out.append((piece.title, _tidy(transpose(melody, piece.semitones))))
    return out
