"""Tests for course_utils.music: MIDI files, the value encoding, harmony, the phrase generator, the arranger."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.music import encoding, harmony, midi
from course_utils.music.arrange import arrange, backing_chords, swing_time
from course_utils.music.encoding import (
    REST,
    build_vocabulary,
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
from course_utils.music.midi import DRUM_CHANNEL, Note, Track, read_midi, write_midi
from course_utils.music.phrases import HIGH, LOW, jazz_solo, jazz_solos

#: A canonical melody: a leading rest, sixteenths to held notes, a rest inside, a trailing rest.
MELODY = [(REST, 0.5), (72, 0.5), (74, 0.25), (75, 0.25), (76, 1.0), (REST, 1.5), (79, 0.75), (77, 0.25),
          (76, 3.0), (60, 0.5), (84, 2.0), (REST, 1.0)]


def _pitches_durations(melody):
    return [p for p, _ in melody], [d for _, d in melody]


# --------------------------------------------------------------------------- #
# Values
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("pitch, name", [(60, "C4"), (61, "Db4"), (66, "F#4"), (70, "Bb4"), (76, "E5"), (84, "C6"),
                                         (21, "A0"), (REST, "rest")])
def test_pitch_names(pitch, name):
    assert pitch_name(pitch) == name and encoding.parse_pitch(name) == pitch


def test_values_read_as_pitch_and_duration():
    assert value_of(76, 0.5) == "E5 1/2" and value_of(REST, 1) == "rest 1" and value_of(67, 1.5) == "G4 3/2"
    assert parse_value("E5 1/2") == (76, 0.5) and parse_value("rest 3/2") == (REST, 1.5)
    assert parse_value("C#5 1/4") == (73, 0.25)
    for bad in ("E5", "H4 1/2", "E5 0", "E5 x", ""):
        with pytest.raises(ValueError):
            parse_value(bad) if bad != "E5 0" else value_of(76, 0)


def test_melody_values_melody_is_exact():
    values = melody_to_values(MELODY)
    assert values[:3] == ["rest 1/2", "C5 1/2", "D5 1/4"]
    assert values_to_melody(values) == MELODY


def test_consecutive_rests_merge():
    assert values_to_melody(["C5 1", "rest 1/2", "rest 1", "D5 1/4"]) == [(72, 1.0), (REST, 1.5), (74, 0.25)]


def test_melody_head_cuts_the_last_note():
    assert melody_head(MELODY, 2.0) == [(REST, 0.5), (72, 0.5), (74, 0.25), (75, 0.25), (76, 0.5)]
    assert melody_length(melody_head(MELODY, 100)) == melody_length(MELODY)


# --------------------------------------------------------------------------- #
# MIDI files
# --------------------------------------------------------------------------- #

def test_midi_file_round_trip(tmp_path):
    tracks = [Track("lead", [Note(0, 0.5, 72, 100), Note(0.5, 1.5, 76, 80), Note(2 / 3, 1 / 3, 79)], program=11),
              Track("bass", [Note(0, 1, 36), Note(1, 1, 43)], program=32, channel=2),
              Track("drums", [Note(0, 0.5, 51, 70)], channel=DRUM_CHANNEL)]
    path = write_midi(tmp_path / "t.mid", tracks, tempo=150, length=4)
    assert path.read_bytes()[:4] == b"MThd"
    song = read_midi(path)
    assert song.tempo == pytest.approx(150, abs=0.01) and song.length == 4
    assert [(t.name, t.program, t.channel) for t in song.tracks] == [("lead", 11, 0), ("bass", 32, 2),
                                                                     ("drums", 0, DRUM_CHANNEL)]
    for written, read in zip(tracks, song.tracks):
        expected = sorted(written.notes, key=lambda n: (n.start, n.pitch))
        assert [(n.pitch, n.velocity) for n in read.notes] == [(n.pitch, n.velocity) for n in expected]
        np.testing.assert_allclose([n.start for n in read.notes], [n.start for n in expected], atol=1e-9)
        np.testing.assert_allclose([n.duration for n in read.notes], [n.duration for n in expected], atol=1e-9)


def test_midi_reader_handles_running_status_and_note_on_velocity_zero():
    def varlen(v):
        return bytes([v]) if v < 128 else bytes([0x80 | (v >> 7), v & 0x7F])
    events = (b"\x00\x90\x3c\x40" + varlen(480) + b"\x3c\x00"  # note on, then note "on" velocity 0 (running status)
              + b"\x00\x3e\x50" + varlen(240) + b"\x80\x3e\x00" + b"\x00\xff\x2f\x00")
    data = b"MThd" + (6).to_bytes(4, "big") + b"\x00\x00\x00\x01\x01\xe0" + b"MTrk" + len(events).to_bytes(4, "big")
    song = midi.parse_midi(data + events)
    assert [(n.start, n.duration, n.pitch, n.velocity) for n in song.notes()] == [(0, 1, 60, 64), (1, 0.5, 62, 80)]
    assert song.tempo == 120.0
    with pytest.raises(ValueError, match="not a MIDI file"):
        midi.parse_midi(b"RIFF....")


def test_midi_writer_refuses_bad_notes(tmp_path):
    with pytest.raises(ValueError, match="out of range"):
        write_midi(tmp_path / "x.mid", [Track("t", [Note(0, 1, 128)])])
    with pytest.raises(ValueError, match="no duration"):
        write_midi(tmp_path / "x.mid", [Track("t", [Note(1, 0, 60)])])


def test_midi_to_values_to_midi_keeps_pitches_and_durations(tmp_path):
    """MIDI -> melody -> values -> melody -> MIDI: the same pitches, durations and silences."""
    lead = MELODY[1:]  # a file starts with its first note's delay as the leading rest
    first = write_midi(tmp_path / "first.mid", [Track("melody", melody_to_notes(lead, start=0.5))],
                       length=0.5 + melody_length(lead))
    song = read_midi(first)
    values = melody_to_values(melody_from_notes(song.notes(), length=song.length))
    assert values_to_melody(values) == MELODY
    second = write_midi(tmp_path / "second.mid", [Track("melody", melody_to_notes(values_to_melody(values)))],
                        length=melody_length(MELODY))
    again = read_midi(second)
    assert melody_from_notes(again.notes(), length=again.length) == MELODY
    assert [(n.start, n.duration, n.pitch) for n in again.notes()] == [(n.start, n.duration, n.pitch)
                                                                        for n in song.notes()]


def test_music21_reads_our_midi_files_the_same(tmp_path):
    """An independent reader (music21) finds the pitches, onsets and durations we wrote."""
    converter = pytest.importorskip("music21.converter")
    path = write_midi(tmp_path / "m.mid", [Track("melody", melody_to_notes(MELODY))], tempo=100)
    score = converter.parse(str(path))
    got = [(float(n.offset), float(n.quarterLength), n.pitch.midi) for n in score.flatten().notes]
    expected = [(n.start, n.duration, n.pitch) for n in melody_to_notes(MELODY)]
    assert got == expected


def test_we_read_music21_midi_files_the_same(tmp_path):
    """music21 writes a MIDI file of a stream; our reader and melody extraction give back its notes and rests."""
    stream = pytest.importorskip("music21.stream")
    note = pytest.importorskip("music21.note")
    part = stream.Stream()
    for pitch, duration in MELODY[1:-1]:
        part.append(note.Rest(quarterLength=duration) if pitch == REST else note.Note(pitch, quarterLength=duration))
    path = tmp_path / "from_music21.mid"
    part.write("midi", fp=str(path))
    song = read_midi(path)
    assert melody_from_notes(song.notes(), start=song.notes()[0].start)[:len(MELODY) - 2] == MELODY[1:-1]


def test_skyline_keeps_the_top_note_and_quantizes():
    notes = [Note(0, 1, 60), Note(0, 1, 64), Note(0.02, 0.48, 72),   # a chord under a melody note
             Note(0.5, 0.26, 71), Note(1.0, 2.0, 67), Note(1.5, 0.5, 76),   # the 76 cuts the held 67
             Note(4.0, 0.0, 74)]  # no duration: one grid step
    assert melody_from_notes(notes, length=5) == [(72, 0.5), (71, 0.25), (REST, 0.25), (67, 0.5), (76, 0.5),
                                                  (REST, 2.0), (74, 0.25), (REST, 0.75)]


# --------------------------------------------------------------------------- #
# Vocabulary and training windows
# --------------------------------------------------------------------------- #

def test_vocabulary_is_sorted_rests_first():
    values_indices, indices_values = build_vocabulary([["E5 1/2", "rest 1", "C5 1"], ["C5 1/2", "E5 1/2"]])
    assert indices_values == {0: "rest 1", 1: "C5 1/2", 2: "C5 1", 3: "E5 1/2"}
    assert all(values_indices[v] == i for i, v in indices_values.items())


def test_one_hot_windows_are_shifted_by_one_step():
    sequences = [list(range(10)), [3, 1, 4, 1, 5, 9, 2]]
    X, Y = one_hot_windows(sequences, n_values=10, Tx=4, m=6, seed=3)
    assert X.shape == (6, 4, 10) and Y.shape == (4, 6, 10) and X.dtype == Y.dtype == np.float32
    assert np.all(X.sum(axis=-1) == 1) and np.all(Y.sum(axis=-1) == 1)
    assert np.array_equal(Y[:-1], np.swapaxes(X[:, 1:], 0, 1))
    windows = [tuple(np.argmax(X[i], axis=-1)) + (int(np.argmax(Y[-1, i])),) for i in range(6)]
    allowed = {tuple(s[i:i + 5]) for s in sequences for i in range(len(s) - 4)}
    assert set(windows) <= allowed and len(set(windows)) == 6  # inside one sequence each, all different
    X2, Y2 = one_hot_windows(sequences, n_values=10, Tx=4, m=6, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)
    with pytest.raises(ValueError, match="only 9 windows"):
        one_hot_windows(sequences, n_values=10, Tx=4, m=10)


# --------------------------------------------------------------------------- #
# Harmony, phrases, arrangement
# --------------------------------------------------------------------------- #

def test_chords_and_scales():
    assert harmony.parse_chord("Bbmaj7") == (10, "maj7") and harmony.parse_chord("F#dim7") == (6, "dim7")
    assert harmony.chord_tones("G7") == [7, 11, 2, 5] and harmony.chord_tones("Dm7") == [2, 5, 9, 0]
    assert harmony.scale_tones("Cmaj7") == [0, 2, 4, 5, 7, 9, 11]
    with pytest.raises(ValueError):
        harmony.parse_chord("Hmaj7")
    blues = harmony.progression("blues")
    assert sum(c.duration for c in blues) == 48 and blues[3].symbol == "Gm7" and blues[3].duration == 2
    assert harmony.chord_at(blues, 14.0) == "C7" and harmony.chord_at(blues, 48) is None


def test_generated_solos_are_seeded_in_range_and_fill_their_bars():
    solos = jazz_solos(8, seed=5)
    assert solos == jazz_solos(8, seed=5) and solos != jazz_solos(8, seed=6)
    for melody, chords in solos:
        pitches = [p for p, _ in melody if p != REST]
        assert LOW <= min(pitches) and max(pitches) <= HIGH
        assert melody_length(melody) == sum(c.duration for c in chords)
        assert all(d > 0 and (d / 0.25) == int(d / 0.25) for _, d in melody)


def test_generated_lines_put_chord_tones_on_the_beats():
    rng = np.random.default_rng(0)
    hits = total = 0
    for _ in range(5):
        melody, chords = jazz_solo("ii-V-I", 2, rng)
        t = 0.0
        for pitch, duration in melody:
            if pitch != REST and t % 1 == 0:
                total += 1
                hits += pitch % 12 in harmony.chord_tones(harmony.chord_at(chords, t))
            t += duration
    assert hits / total > 0.9


def test_swing_moves_the_off_beats_only():
    assert swing_time(0.0) == 0 and swing_time(3.0) == 3 and swing_time(2.5) == pytest.approx(2 + 2 / 3)
    assert swing_time(1.25) == pytest.approx(1 + 1 / 3) and swing_time(0.5, swing=0.5) == 0.5


def test_arrangement_has_a_band_under_the_melody():
    melody = [(72, 0.5), (76, 0.5), (79, 1.0), (REST, 2.0)] * 6  # 6 bars
    chords = backing_chords(melody_length(melody), "blues")
    assert [c.symbol for c in chords] == ["C7", "F7", "C7", "Gm7", "C7", "F7", "F#dim7", "C6"]
    assert chords[-1].start == 24 and chords[-1].duration == 4
    tracks = arrange(melody, chords)
    assert [t.name for t in tracks] == ["melody", "piano", "bass", "drums"]
    assert tracks[3].channel == DRUM_CHANNEL and tracks[2].program == 32
    lead = tracks[0].notes
    assert [n.pitch for n in lead] == [p for p, _ in melody if p != REST]
    assert lead[1].start == pytest.approx(2 / 3)  # swung
    bass = tracks[2].notes
    assert len(bass) == 4 * 6 + 1 and all(28 <= n.pitch <= 60 for n in bass)  # 6 bars of quarters, the last note
    assert [n.pitch % 12 for n in bass[::4][:3]] == [0, 5, 0]  # the root on the first beat of each chord
    assert max(n.start + n.duration for t in tracks for n in t.notes) == pytest.approx(28)
    assert arrange(melody, chords, backing=False)[0].notes == lead


def test_piano_roll_draws_one_bar_per_note():
    import matplotlib.pyplot as plt

    from course_utils.music import plot_piano_roll, plot_tracks

    ax = plot_piano_roll(MELODY, chords=harmony.progression("ii-V-I"), title="t")
    assert len(ax.collections) == sum(p != REST for p, _ in MELODY)
    assert "C5" in [t.get_text() for t in ax.get_yticklabels()]
    ax = plot_tracks(arrange(MELODY[:6], "ii-V-I"))
    assert ax.get_legend() is not None
    plt.close("all")


# --------------------------------------------------------------------------- #
# The music21 corpus
# --------------------------------------------------------------------------- #

def test_ragtime_melodies_from_the_music21_corpus():
    pytest.importorskip("music21")
    from course_utils.music.corpus import ragtime_melodies

    (title, rag), (title2, band) = ragtime_melodies()
    assert title == "Maple Leaf Rag" and title2 == "Alexander's Ragtime Band"
    # the rag's opening, A-flat E-flat A-flat C E-flat transposed to C, in eighths
    assert melody_to_values(rag[:5]) == ["C5 1/2", "G5 1/2", "C5 1/2", "E5 1/2", "G5 1"]
    for melody in (rag, band):
        pitches = [p for p, _ in melody if p != REST]
        assert min(pitches) >= 60 and max(pitches) <= 84 and len(melody) > 100
        assert all(d > 0 and (d * 4) == int(d * 4) for _, d in melody)
        assert values_to_melody(melody_to_values(melody)) == melody
