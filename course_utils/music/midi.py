"""A tiny Standard MIDI File writer and reader (format 0 and 1), in pure Python.

Introduced in notebook 18 (jazz solo with an LSTM). Enough of the format for
the course: notes, program changes, tempo and time signature. Times are in
*beats* (quarter notes) everywhere in :mod:`course_utils.music`; a file stores
them as ticks, ``TICKS_PER_BEAT`` to a beat, so any multiple of 1/48 beat
(sixteenths, triplets, the course's swing) survives a round trip exactly.

    tracks = [Track("melody", [Note(0, 0.5, 72), Note(0.5, 1.5, 76)], program=11)]
    write_midi("solo.mid", tracks, tempo=140)
    song = read_midi("solo.mid")        # Song(tempo=140.0, tracks=[Track(...)], length=2.0)
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Note", "Track", "Song", "write_midi", "read_midi", "midi_bytes", "parse_midi", "TICKS_PER_BEAT",
           "DRUM_CHANNEL"]

TICKS_PER_BEAT = 480
DRUM_CHANNEL = 9  # General MIDI's channel 10 (counted from 0)


@dataclass(frozen=True)
class Note:
    """One note: ``start`` and ``duration`` in beats, MIDI ``pitch`` (60 = middle C), ``velocity`` 1..127."""

    start: float
    duration: float
    pitch: int
    velocity: int = 90


@dataclass
class Track:
    """A named part played by one General MIDI ``program`` (0 = piano) on one ``channel`` (9 = drums)."""

    name: str
    notes: list = field(default_factory=list)
    program: int = 0
    channel: int = 0


@dataclass
class Song:
    """What :func:`read_midi` returns: the first tempo (beats per minute), the tracks with notes, the length in beats."""

    tempo: float
    tracks: list
    length: float

    def notes(self) -> list:
        """Every note of every track, sorted by start time (then pitch)."""
        return sorted((n for t in self.tracks for n in t.notes), key=lambda n: (n.start, n.pitch))


# --------------------------------------------------------------------------- #
# Writing
# --------------------------------------------------------------------------- #

def _varlen(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def _ticks(beats: float) -> int:
    return int(round(beats * TICKS_PER_BEAT))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack(">I", len(data)) + data


def _track_chunk(events: list, end_tick: int) -> bytes:
    """``events``: (tick, order, bytes) with order breaking ties (note-offs before note-ons)."""
    data, now = bytearray(), 0
    for tick, _, payload in sorted(events, key=lambda e: (e[0], e[1])):
        data += _varlen(tick - now) + payload
        now = tick
    data += _varlen(max(end_tick - now, 0)) + b"\xff\x2f\x00"  # end of track
    return _chunk(b"MTrk", bytes(data))


def _meta(kind: int, payload: bytes) -> bytes:
    return bytes([0xFF, kind]) + _varlen(len(payload)) + payload


def midi_bytes(tracks, tempo: float = 120.0, time_signature=(4, 4), length: float | None = None) -> bytes:
    """The bytes of a format-1 MIDI file: a tempo track, then one track per :class:`Track`.

    ``length`` (beats) sets where the tracks end, so that a trailing rest
    survives; by default the end of the last note.
    """
    tracks = list(tracks)
    last = max((n.start + n.duration for t in tracks for n in t.notes), default=0.0)
    end_tick = _ticks(max(last, length or 0.0))
    num, den = time_signature
    tempo_events = [(0, 0, _meta(0x51, struct.pack(">I", int(round(60_000_000 / tempo)))[1:])),
                    (0, 1, _meta(0x58, bytes([num, den.bit_length() - 1, 24, 8])))]
    chunks = [_track_chunk(tempo_events, end_tick)]
    for track in tracks:
        ch = track.channel & 0x0F
        events = [(0, 0, _meta(0x03, track.name.encode("utf-8")))]
        if ch != DRUM_CHANNEL:
            events.append((0, 1, bytes([0xC0 | ch, track.program & 0x7F])))
        for note in track.notes:
            if not 0 <= note.pitch <= 127:
                raise ValueError(f"MIDI pitch {note.pitch} out of range 0..127 in track {track.name!r}")
            on, off = _ticks(note.start), _ticks(note.start + note.duration)
            if off <= on:
                raise ValueError(f"a note of track {track.name!r} at beat {note.start} has no duration")
            velocity = min(max(int(note.velocity), 1), 127)
            events.append((on, 3, bytes([0x90 | ch, note.pitch, velocity])))
            events.append((off, 2, bytes([0x80 | ch, note.pitch, 0])))
        chunks.append(_track_chunk(events, end_tick))
    header = _chunk(b"MThd", struct.pack(">HHH", 1, len(chunks), TICKS_PER_BEAT))
    return header + b"".join(chunks)


def write_midi(path, tracks, tempo: float = 120.0, time_signature=(4, 4), length: float | None = None) -> Path:
    """Write ``tracks`` (a list of :class:`Track`) to the MIDI file ``path``; returns the path."""
    path = Path(path)
    path.write_bytes(midi_bytes(tracks, tempo=tempo, time_signature=time_signature, length=length))
    return path


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #

class _Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ValueError("truncated MIDI data")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def byte(self) -> int:
        return self.take(1)[0]

    def varlen(self) -> int:
        value = 0
        for _ in range(4):
            b = self.byte()
            value = (value << 7) | (b & 0x7F)
            if not b & 0x80:
                return value
        raise ValueError("bad variable-length number in MIDI data")


_DATA_BYTES = {0x80: 2, 0x90: 2, 0xA0: 2, 0xB0: 2, 0xC0: 1, 0xD0: 1, 0xE0: 2}


def _read_track(data: bytes):
    """(name, program, channel, notes as (on_tick, off_tick, pitch, velocity, channel), tempos, end_tick)."""
    r = _Reader(data)
    tick, status, name, program, channel = 0, None, "", 0, None
    open_notes: dict = {}
    notes, tempos = [], []
    while r.pos < len(data):
        tick += r.varlen()
        first = r.byte()
        if first == 0xFF:
            kind = r.byte()
            size = r.varlen()
            payload = r.take(size)
            if kind == 0x03 and not name:
                name = payload.decode("utf-8", errors="replace")
            elif kind == 0x51 and size == 3:
                tempos.append((tick, round(60_000_000 / int.from_bytes(payload, "big"), 2)))
            elif kind == 0x2F:
                break
            continue
        if first in (0xF0, 0xF7):
            r.take(r.varlen())
            continue
        if first & 0x80:
            status = first
            args = list(r.take(_DATA_BYTES[status & 0xF0]))
        else:  # running status: ``first`` is the first data byte
            if status is None:
                raise ValueError("MIDI data byte without a status byte")
            args = [first] + list(r.take(_DATA_BYTES[status & 0xF0] - 1))
        kind, ch = status & 0xF0, status & 0x0F
        if kind == 0xC0:
            program = args[0]
        elif kind in (0x80, 0x90):
            channel = ch if channel is None else channel
            pitch, velocity = args
            key = (ch, pitch)
            if kind == 0x90 and velocity > 0:
                open_notes.setdefault(key, []).append((tick, velocity))
            elif open_notes.get(key):
                on, vel = open_notes[key].pop(0)
                notes.append((on, tick, pitch, vel, ch))
    return name, program, channel or 0, notes, tempos, tick


def parse_midi(data: bytes) -> Song:
    """Parse the bytes of a MIDI file (format 0 or 1, ticks per beat) into a :class:`Song`."""
    r = _Reader(data)
    if r.take(4) != b"MThd":
        raise ValueError("not a MIDI file (no MThd header)")
    size = struct.unpack(">I", r.take(4))[0]
    fmt, count, division = struct.unpack(">HHH", r.take(6))
    r.take(size - 6)
    if division & 0x8000:
        raise ValueError("SMPTE time division is not supported")
    tracks, tempos, end = [], [], 0
    for _ in range(count):
        kind, size = r.take(4), struct.unpack(">I", r.take(4))[0]
        chunk = r.take(size)
        if kind != b"MTrk":
            continue
        name, program, channel, raw, track_tempos, end_tick = _read_track(chunk)
        tempos += track_tempos
        end = max(end, end_tick)
        if raw:
            notes = [Note(on / division, (off - on) / division, pitch, vel)
                     for on, off, pitch, vel, _ in sorted(raw, key=lambda n: (n[0], n[2]))]
            tracks.append(Track(name, notes, program=program, channel=channel))
    tempo = min(tempos)[1] if tempos else 120.0
    return Song(tempo=tempo, tracks=tracks, length=end / division)


def read_midi(path) -> Song:
    """Read the MIDI file ``path`` into a :class:`Song` (times in beats)."""
    return parse_midi(Path(path).read_bytes())
