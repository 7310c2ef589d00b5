"""Sound for the notebooks: a pure-NumPy synthesizer, WAV files, FluidSynth when installed, players.

Introduced in notebook 18 (jazz solo with an LSTM).

- :func:`synthesize` turns notes (times in seconds) into a mono float32 wave
  with simple additive timbres (sums of harmonics) and envelopes (a short
  attack, an exponential decay, a release after the note ends): a vibraphone,
  a piano, a plucked bass, a reed, and noise-based ride cymbal and hi-hat.
  Always available: NumPy only, deterministic.
- :func:`synthesize_tracks` does it for MIDI tracks (times in beats, a tempo),
  choosing the timbre from each track's General MIDI program.
- :func:`render_midi` renders a MIDI file: with FluidSynth and a General MIDI
  soundfont when both are installed (e.g. Debian's ``fluidsynth`` and
  ``fluid-soundfont-gm``; ``COURSE_SOUNDFONT`` names another ``.sf2``), with
  the NumPy synthesizer otherwise, or when asked (``renderer="numpy"``).
- :func:`write_wav` / :func:`read_wav` (16-bit PCM) and :func:`player`, an
  ``IPython.display.Audio`` that plays in the notebook.

Keep embedded audio short: a notebook stores it as base64 WAV, 16 kHz mono is
about 43 kB a second.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["SAMPLE_RATE", "midi_to_hz", "synthesize", "synthesize_tracks", "render_midi", "write_wav", "read_wav",
           "player", "find_soundfont", "fluidsynth_available", "TIMBRES", "timbre_for"]

SAMPLE_RATE = 16000
SOUNDFONTS = ("/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/default-GM.sf2",
              "/usr/share/soundfonts/default.sf2", "/usr/share/soundfonts/FluidR3_GM.sf2",
              "/usr/share/sounds/sf2/TimGM6mb.sf2")


def midi_to_hz(pitch) -> np.ndarray:
    """Equal temperament, A4 (MIDI 69) = 440 Hz."""
    return 440.0 * 2.0 ** ((np.asarray(pitch, dtype=float) - 69.0) / 12.0)


@dataclass(frozen=True)
class Timbre:
    """Partials as (multiple of the fundamental, amplitude); envelope times in seconds."""

    partials: tuple
    attack: float = 0.005
    decay: float | None = 1.0   # time constant of the exponential decay; None = sustained
    release: float = 0.08
    vibrato: float = 0.0        # depth in semitones (5 Hz)
    tremolo: float = 0.0        # depth of the amplitude modulation (5 Hz)
    gain: float = 1.0
    noise: str | None = None    # "ride" or "hihat": a drum sound, not a pitched one


TIMBRES = {
    "vibraphone": Timbre(((1, 1.0), (4, 0.22), (10, 0.03)), attack=0.003, decay=1.4, release=0.15, tremolo=0.15,
                         gain=0.9),
    "piano": Timbre(((1, 1.0), (2, 0.45), (3, 0.2), (4, 0.1), (5, 0.05)), attack=0.004, decay=0.9, release=0.1,
                    gain=0.55),
    "bass": Timbre(((1, 1.0), (2, 0.55), (3, 0.18), (4, 0.08)), attack=0.006, decay=0.7, release=0.06, gain=0.6),
    "reed": Timbre(((1, 1.0), (2, 0.6), (3, 0.45), (4, 0.25), (5, 0.18), (6, 0.1)), attack=0.03, decay=None,
                   release=0.07, vibrato=0.12, gain=0.55),
    "ride": Timbre((), attack=0.001, decay=0.45, release=0.9, gain=0.3, noise="ride"),  # rings on after note off
    "hihat": Timbre((), attack=0.001, decay=0.04, release=0.02, gain=0.25, noise="hihat"),
}


def timbre_for(program: int, channel: int = 0, pitch: int | None = None) -> Timbre:
    """The timbre for a General MIDI program (drums on channel 10 by key: 51 ride, others hi-hat)."""
    if channel == 9:
        return TIMBRES["ride" if pitch in (51, 59, 53) else "hihat"]
    if 8 <= program <= 15:
        return TIMBRES["vibraphone"]
    if 32 <= program <= 39:
        return TIMBRES["bass"]
    if 56 <= program <= 79:
        return TIMBRES["reed"]
    return TIMBRES["piano"]


def _envelope(n_on: int, n_total: int, timbre: Timbre, sample_rate: int) -> np.ndarray:
    t = np.arange(n_total) / sample_rate
    env = np.ones(n_total)
    if timbre.decay is not None:
        env *= np.exp(-t / timbre.decay)
    attack = max(int(timbre.attack * sample_rate), 1)
    env[:attack] *= np.linspace(0.0, 1.0, attack, endpoint=False)
    if n_total > n_on:  # release: fall from the level at note off to 0
        env[n_on:] *= np.linspace(1.0, 0.0, n_total - n_on)
    return env


def _noise_voice(n: int, kind: str, rng) -> np.ndarray:
    noise = rng.standard_normal(n)
    if kind == "ride":  # bright noise plus a few inharmonic metallic partials
        high = np.diff(noise, prepend=0.0)
        t = np.arange(n) / SAMPLE_RATE
        bell = sum(a * np.sin(2 * np.pi * f * t) for f, a in ((3170.0, 0.5), (4530.0, 0.35), (5210.0, 0.25)))
        return 0.5 * high + bell
    return np.diff(np.diff(noise, prepend=0.0), prepend=0.0) * 0.5  # hi-hat: very bright, short


def synthesize(notes, sample_rate: int = SAMPLE_RATE, duration: float | None = None, timbre="vibraphone",
               seed: int = 0, normalize: bool = True) -> np.ndarray:
    """A mono float32 wave of ``notes``: tuples ``(start_s, duration_s, pitch, velocity[, timbre])``.

    ``timbre`` (a name of :data:`TIMBRES` or a :class:`Timbre`) is used for
    notes that do not name their own. The wave lasts ``duration`` seconds,
    by default until the last note's release ends; it is scaled so its peak
    is 0.9 (``normalize``).
    """
    notes = list(notes)
    default = TIMBRES[timbre] if isinstance(timbre, str) else timbre
    rng = np.random.default_rng(seed)

    def timbre_of(note):
        t = note[4] if len(note) > 4 else default
        return TIMBRES[t] if isinstance(t, str) else t

    if duration is None:
        duration = max((n[0] + n[1] + timbre_of(n).release for n in notes), default=0.0)
    total = int(np.ceil(duration * sample_rate - 1e-6))
    out = np.zeros(total)
    for note in notes:
        start, length, pitch, velocity = note[:4]
        tb = timbre_of(note)
        first = int(round(start * sample_rate))
        if first >= total or length <= 0:
            continue
        n_on = max(int(round(length * sample_rate)), 1)
        n = min(n_on + int(tb.release * sample_rate), total - first)
        if n <= 0:
            continue
        t = np.arange(n) / sample_rate
        if tb.noise:
            voice = _noise_voice(n, tb.noise, rng)
        else:
            f0 = float(midi_to_hz(pitch))
            phase = 2 * np.pi * f0 * t
            if tb.vibrato:
                # frequency f0 * (1 + depth * sin(2 pi 5 t)), integrated into the phase
                depth = tb.vibrato * np.log(2) / 12
                phase -= depth * f0 / 5.0 * np.cos(2 * np.pi * 5.0 * t)
            voice = np.zeros(n)
            for multiple, amplitude in tb.partials:
                if f0 * multiple < 0.45 * sample_rate:  # no partials above Nyquist (no aliasing)
                    voice += amplitude * np.sin(multiple * phase)
            if tb.tremolo:
                voice *= 1.0 - tb.tremolo * (0.5 + 0.5 * np.sin(2 * np.pi * 5.0 * t))
        env = _envelope(min(n_on, n), n, tb, sample_rate)
        out[first:first + n] += (velocity / 127.0) * tb.gain * voice * env
    if normalize and out.size and np.abs(out).max() > 0:
        out *= 0.9 / np.abs(out).max()
    return out.astype(np.float32)


def synthesize_tracks(tracks, tempo: float, sample_rate: int = SAMPLE_RATE, seed: int = 0,
                      duration: float | None = None) -> np.ndarray:
    """Synthesize MIDI tracks (:class:`~course_utils.music.midi.Track`, times in beats) at ``tempo`` beats per minute."""
    spb = 60.0 / float(tempo)
    notes = []
    for track in tracks:
        for n in track.notes:
            notes.append((n.start * spb, n.duration * spb, n.pitch, n.velocity,
                          timbre_for(track.program, track.channel, n.pitch)))
    return synthesize(notes, sample_rate=sample_rate, seed=seed, duration=duration)


# --------------------------------------------------------------------------- #
# WAV files
# --------------------------------------------------------------------------- #

def write_wav(path, samples, sample_rate: int = SAMPLE_RATE) -> Path:
    """Write a mono (n,) or multichannel (n, channels) float wave in [-1, 1] as 16-bit PCM."""
    samples = np.asarray(samples, dtype=np.float64)
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).round().astype("<i2")
    path = Path(path)
    with wave.open(str(path), "wb") as f:
        f.setnchannels(channels)
        f.setsampwidth(2)
        f.setframerate(int(sample_rate))
        f.writeframes(pcm.tobytes())
    return path


def read_wav(path, mono: bool = True):
    """``(samples, sample_rate)`` of a 16-bit PCM WAV file, float32 in [-1, 1]; channels averaged when ``mono``."""
    with wave.open(str(path), "rb") as f:
        if f.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM WAV files are supported")
        rate, channels = f.getframerate(), f.getnchannels()
        data = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    data = data.reshape(-1, channels)
    return (data.mean(axis=1) if mono else data), rate


# --------------------------------------------------------------------------- #
# Rendering MIDI files
# --------------------------------------------------------------------------- #

def find_soundfont() -> Path | None:
    """A General MIDI soundfont: ``$COURSE_SOUNDFONT``, or one of Debian's usual places; None when absent."""
    env = os.environ.get("COURSE_SOUNDFONT")
    for candidate in ([env] if env else []) + list(SOUNDFONTS):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def fluidsynth_available() -> bool:
    """True when the ``fluidsynth`` program and a soundfont are both installed."""
    return shutil.which("fluidsynth") is not None and find_soundfont() is not None


def _resample(samples: np.ndarray, rate: int, new_rate: int) -> np.ndarray:
    if rate == new_rate:
        return samples
    n = int(round(len(samples) * new_rate / rate))
    return np.interp(np.arange(n) * rate / new_rate, np.arange(len(samples)), samples).astype(np.float32)


def _render_fluidsynth(path: Path, sample_rate: int) -> np.ndarray:
    soundfont = find_soundfont()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.wav"
        cmd = ["fluidsynth", "-ni", "-q", "-g", "0.8", "-r", str(sample_rate), "-O", "s16", "-T", "wav",
               "-F", str(out), str(soundfont), str(path)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=300)
        samples, rate = read_wav(out)
    samples = _resample(samples, rate, sample_rate)
    peak = float(np.abs(samples).max()) if samples.size else 0.0
    audible = np.flatnonzero(np.abs(samples) > 1e-3 * peak)  # cut the silent tail FluidSynth leaves (-60 dB)
    if audible.size:
        samples = samples[:min(len(samples), audible[-1] + 1 + sample_rate // 10)]
    return (samples * (0.9 / peak) if peak > 0 else samples).astype(np.float32)


def render_midi(path, sample_rate: int = SAMPLE_RATE, renderer: str = "auto", seed: int = 0):
    """Render a MIDI file to a mono wave; returns ``(samples, sample_rate, renderer_used)``.

    ``renderer``: ``"auto"`` (FluidSynth when :func:`fluidsynth_available`,
    else NumPy), ``"fluidsynth"`` or ``"numpy"``. A FluidSynth failure falls
    back to NumPy in ``"auto"`` mode.
    """
    from .music.midi import read_midi

    path = Path(path)
    if renderer not in ("auto", "fluidsynth", "numpy"):
        raise ValueError(f"renderer must be 'auto', 'fluidsynth' or 'numpy'; got {renderer!r}")
    if renderer == "fluidsynth" or (renderer == "auto" and fluidsynth_available()):
        if not fluidsynth_available():
            raise RuntimeError("FluidSynth or a General MIDI soundfont is not installed "
                               "(Debian: apt-get install fluidsynth fluid-soundfont-gm)")
        try:
            return _render_fluidsynth(path, sample_rate), sample_rate, "fluidsynth"
        except (subprocess.SubprocessError, OSError, ValueError):
            if renderer == "fluidsynth":
                raise
    song = read_midi(path)
    return synthesize_tracks(song.tracks, song.tempo, sample_rate=sample_rate, seed=seed), sample_rate, "numpy"


def player(samples, sample_rate: int = SAMPLE_RATE):
    """An ``IPython.display.Audio`` player for a mono wave (16-bit WAV embedded in the notebook)."""
    from IPython.display import Audio

    return Audio(np.asarray(samples, dtype=np.float32), rate=int(sample_rate), normalize=False)
