"""Piano-roll plots of melodies and arrangements.

Introduced in notebook 18 (jazz solo with an LSTM): time runs to the right
(in beats, with bar lines), pitch goes up, each note is a bar as long as it
lasts; chord symbols are written above their bars.
"""

from __future__ import annotations

import numpy as np

from .encoding import REST, pitch_name
from .midi import DRUM_CHANNEL

__all__ = ["plot_piano_roll", "plot_tracks"]


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _pitch_axis(ax, low, high):
    ticks = [p for p in range(low, high + 1) if p % 12 in (0, 7)]
    ax.set_yticks(ticks)
    ax.set_yticklabels([pitch_name(p) for p in ticks])
    for p in range(low, high + 1):
        if p % 12 in (1, 3, 6, 8, 10):  # black keys shaded, as on a keyboard
            ax.axhspan(p - 0.5, p + 0.5, color="0.93", zorder=0)
    ax.set_ylim(low - 0.5, high + 0.5)
    ax.set_ylabel("pitch")


def _bars(ax, end, beats_per_bar=4):
    for b in np.arange(0, end + 1e-9, beats_per_bar):
        ax.axvline(b, color="0.75", linewidth=0.8, zorder=1)
    ax.set_xlim(0, max(end, beats_per_bar))
    ax.set_xlabel("beat (bar lines every 4 beats)")


def plot_piano_roll(melody, chords=None, ax=None, title=None, color="tab:blue", beats_per_bar=4):
    """Draw a melody (list of (pitch, duration)) as a piano roll; ``chords`` are written above the bars."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(12, 3.6))
    t, pitches = 0.0, []
    for pitch, duration in melody:
        if pitch != REST:
            ax.broken_barh([(t, duration * 0.95)], (pitch - 0.4, 0.8), facecolors=color, edgecolor="black",
                           linewidth=0.4, zorder=3)
            pitches.append(pitch)
        t += duration
    low, high = (min(pitches) - 2, max(pitches) + 2) if pitches else (58, 86)
    _pitch_axis(ax, low, high + (3 if chords else 0))
    _bars(ax, t, beats_per_bar)
    if chords:
        for span in chords:
            if span.start < t:
                ax.text(span.start + 0.1, high + 2, span.symbol, fontsize=8, va="center", color="0.25")
    if title:
        ax.set_title(title)
    return ax


def plot_tracks(tracks, ax=None, title=None, end=None):
    """Draw every pitched track of an arrangement (drums left out), one colour per track."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(12, 4.5))
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"]
    pitches, last = [], 0.0
    for i, track in enumerate(t for t in tracks if t.channel != DRUM_CHANNEL):
        color = colors[i % len(colors)]
        spans = [(n.start, n.duration * 0.95) for n in track.notes]
        for n, span in zip(track.notes, spans):
            ax.broken_barh([span], (n.pitch - 0.4, 0.8), facecolors=color, edgecolor="none", zorder=3)
        pitches += [n.pitch for n in track.notes]
        last = max([last] + [n.start + n.duration for n in track.notes])
        ax.plot([], [], color=color, linewidth=6, label=track.name)
    if pitches:
        _pitch_axis(ax, min(pitches) - 1, max(pitches) + 1)
    _bars(ax, end or last)
    ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=8, frameon=False)
    if title:
        ax.set_title(title)
    return ax
