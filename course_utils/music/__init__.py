"""Music for notebook 18 (jazz solo with an LSTM): MIDI files, melodies as values, harmony, data, plots.

- :mod:`.midi`: a tiny MIDI file writer and reader (:class:`Note`, :class:`Track`);
- :mod:`.encoding`: melodies as lists of (pitch, duration) and as *values*
  (``"E5 1/2"``), the vocabulary, one-hot training windows;
- :mod:`.harmony`: chord symbols, scales, standard progressions;
- :mod:`.corpus`: ragtime melodies from the music21 corpus (shipped with music21);
- :mod:`.phrases`: a seeded generator of jazz lines over standard progressions;
- :mod:`.arrange`: a melody over piano, walking bass and drums, swung;
- :mod:`.pianoroll`: piano-roll plots.

Sound (synthesis, WAV, FluidSynth) is in :mod:`course_utils.audio`; the
training data in :mod:`course_utils.datasets.jazz`.
"""

from .arrange import arrange, backing_chords, swing_time  # noqa: F401
from .encoding import (  # noqa: F401
    GRID,
    REST,
    build_vocabulary,
    melody_from_indices,
    melody_from_notes,
    melody_head,
    melody_length,
    melody_to_notes,
    melody_to_values,
    one_hot_windows,
    parse_value,
    pitch_name,
    value_of,
    values_to_melody,
)
from .harmony import PROGRESSIONS, ChordSpan, chord_tones, progression  # noqa: F401
from .midi import Note, Song, Track, read_midi, write_midi  # noqa: F401
from .pianoroll import plot_piano_roll, plot_tracks  # noqa: F401
