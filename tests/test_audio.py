"""Tests for course_utils.audio: the NumPy synthesizer, WAV files, MIDI rendering (NumPy and FluidSynth)."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from course_utils import audio
from course_utils.music.midi import Note, Track, write_midi


def test_synthesized_length_sample_rate_and_level():
    notes = [(0.0, 0.5, 69, 100), (0.5, 1.0, 72, 80)]
    for rate in (8000, 16000, 22050):
        wave_ = audio.synthesize(notes, sample_rate=rate, timbre="piano")
        release = audio.TIMBRES["piano"].release
        assert wave_.dtype == np.float32 and wave_.ndim == 1
        assert len(wave_) == round((1.5 + release) * rate)
        assert np.abs(wave_).max() == pytest.approx(0.9, abs=1e-6)
    assert len(audio.synthesize(notes, duration=3.0)) == 3 * audio.SAMPLE_RATE
    assert len(audio.synthesize([])) == 0


def test_a_note_sounds_at_its_pitch():
    rate = 16000
    wave_ = audio.synthesize([(0.0, 1.0, 69, 100)], sample_rate=rate, timbre="vibraphone")
    spectrum = np.abs(np.fft.rfft(wave_[:rate]))
    peak = np.fft.rfftfreq(rate, 1 / rate)[np.argmax(spectrum)]
    assert peak == pytest.approx(440.0, abs=1.0)
    assert audio.midi_to_hz(60) == pytest.approx(261.626, abs=1e-3)


def test_notes_start_on_time_at_the_tempo():
    rate = 8000
    tracks = [Track("t", [Note(2.0, 1.0, 60)], program=0)]
    wave_ = audio.synthesize_tracks(tracks, tempo=120, sample_rate=rate)  # beat 2 at 120 bpm = 1.0 s
    first = np.flatnonzero(np.abs(wave_) > 1e-4)[0]
    assert first / rate == pytest.approx(1.0, abs=0.005)


def test_drums_and_timbres_by_program():
    assert audio.timbre_for(11) is audio.TIMBRES["vibraphone"] and audio.timbre_for(33) is audio.TIMBRES["bass"]
    assert audio.timbre_for(65) is audio.TIMBRES["reed"] and audio.timbre_for(0) is audio.TIMBRES["piano"]
    assert audio.timbre_for(0, channel=9, pitch=51).noise == "ride"
    assert audio.timbre_for(0, channel=9, pitch=44).noise == "hihat"
    ride = audio.synthesize([(0, 0.3, 51, 90, "ride")], seed=3)
    assert np.array_equal(ride, audio.synthesize([(0, 0.3, 51, 90, "ride")], seed=3))  # seeded noise
    assert len(audio.synthesize([(0, 0.5, 60, 90, "reed")], sample_rate=8000)) == round(0.57 * 8000)


def test_wav_file_round_trip(tmp_path):
    rate = 11025
    wave_ = (0.5 * np.sin(2 * np.pi * 440 * np.arange(rate) / rate)).astype(np.float32)
    path = audio.write_wav(tmp_path / "a.wav", wave_, rate)
    with wave.open(str(path), "rb") as f:
        assert (f.getframerate(), f.getnchannels(), f.getsampwidth(), f.getnframes()) == (rate, 1, 2, rate)
    back, back_rate = audio.read_wav(path)
    assert back_rate == rate and back.shape == wave_.shape
    assert np.max(np.abs(back - wave_)) < 1 / 16000
    stereo = np.stack([wave_, -wave_], axis=1)
    audio.write_wav(tmp_path / "s.wav", stereo, rate)
    both, _ = audio.read_wav(tmp_path / "s.wav", mono=False)
    assert both.shape == (rate, 2) and np.allclose(audio.read_wav(tmp_path / "s.wav")[0], 0, atol=1e-4)


def _song(tmp_path):
    tracks = [Track("melody", [Note(0, 1, 72), Note(1, 1, 76), Note(2, 2, 79)], program=11),
              Track("bass", [Note(0, 2, 36), Note(2, 2, 43)], program=32, channel=2)]
    return write_midi(tmp_path / "song.mid", tracks, tempo=120)  # 4 beats = 2 s


def test_render_midi_with_numpy(tmp_path):
    wave_, rate, renderer = audio.render_midi(_song(tmp_path), sample_rate=8000, renderer="numpy")
    assert renderer == "numpy" and rate == 8000 and wave_.dtype == np.float32
    assert 2.0 <= len(wave_) / rate <= 2.0 + max(t.release for t in audio.TIMBRES.values()) + 0.01


def test_render_midi_falls_back_to_numpy_without_fluidsynth(tmp_path, monkeypatch):
    monkeypatch.setattr(audio.shutil, "which", lambda name: None)
    assert not audio.fluidsynth_available()
    _, _, renderer = audio.render_midi(_song(tmp_path), sample_rate=8000)
    assert renderer == "numpy"
    with pytest.raises(RuntimeError, match="fluid-soundfont-gm"):
        audio.render_midi(_song(tmp_path), renderer="fluidsynth")
    with pytest.raises(ValueError, match="renderer"):
        audio.render_midi(_song(tmp_path), renderer="timidity")


def test_soundfont_from_the_environment(tmp_path, monkeypatch):
    font = tmp_path / "my.sf2"
    font.write_bytes(b"RIFF")
    monkeypatch.setenv("COURSE_SOUNDFONT", str(font))
    assert audio.find_soundfont() == font


@pytest.mark.skipif(not audio.fluidsynth_available(), reason="FluidSynth or a General MIDI soundfont is not installed")
def test_render_midi_with_fluidsynth(tmp_path):
    wave_, rate, renderer = audio.render_midi(_song(tmp_path), sample_rate=16000, renderer="fluidsynth")
    assert renderer == "fluidsynth" and rate == 16000 and wave_.ndim == 1
    assert 2.0 <= len(wave_) / rate < 6.0 and np.abs(wave_).max() == pytest.approx(0.9, abs=1e-3)
    spectrum = np.abs(np.fft.rfft(wave_[:8000]))  # the first half second: C5 over C2
    assert spectrum.max() > 0


def test_player_embeds_a_wav():
    pytest.importorskip("IPython")
    player = audio.player(audio.synthesize([(0, 0.2, 60, 90)], sample_rate=8000), 8000)
    assert player.data[:4] == b"RIFF" and int.from_bytes(player.data[24:28], "little") == 8000
