"""The eight genre templates of the demo synthesiser: tempo, drums, harmony, timbre."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Template:
    """What makes a genre recognisable: tempo, drums, harmony, timbre and dynamics."""

    tempo: tuple[float, float]  # BPM range
    minor: float  # probability of a minor key
    progressions: tuple[tuple[int, ...], ...]  # scale degrees (0 = tonic), one per chord
    beats_per_chord: int
    kick: str  # 16 steps per bar: "x" hit, "o" soft, "." rest
    snare: str
    hats: str
    hat_kind: str  # closed | open | ride | shaker
    swing: float  # delay of off-beat 16ths, fraction of a step
    pad: tuple[float, ...]  # harmonic amplitudes of the chord instrument
    pad_style: str  # sustain | arpeggio | stab | strum
    attack: float  # seconds
    decay: float  # seconds (exponential time constant)
    octave: int  # MIDI octave of the chords
    bass: str  # none | root | offbeat | walking | sub
    lead: float  # melody note density per 8th (0 = no melody)
    drive: float  # tanh distortion gain on the pitched parts (0 = clean)
    cutoff: float  # one-pole low-pass on the mix, Hz
    gain: float  # peak level of the master
    drum_level: float
    sevenths: bool


GENRE_TEMPLATES: dict[str, Template] = {
    "ambient": Template(
        (60, 80),
        0.5,
        ((0, 5, 3, 4), (0, 3, 5, 3)),
        8,
        "." * 16,
        "." * 16,
        "." * 16,
        "closed",
        0.0,
        (1.0, 0.3, 0.1),
        "sustain",
        1.5,
        6.0,
        4,
        "none",
        0.0,
        0.0,
        1800,
        0.35,
        0.0,
        True,
    ),
    "classical": Template(
        (70, 110),
        0.35,
        ((0, 3, 4, 0), (0, 5, 1, 4), (0, 4, 5, 3)),
        4,
        "." * 16,
        "." * 16,
        "." * 16,
        "closed",
        0.0,
        (1.0, 0.7, 0.5, 0.35, 0.25, 0.18, 0.12),
        "arpeggio",
        0.04,
        0.8,
        5,
        "root",
        0.5,
        0.0,
        5000,
        0.6,
        0.0,
        False,
    ),
    "folk": Template(
        (88, 118),
        0.25,
        ((0, 3, 4, 0), (0, 4, 5, 3), (0, 0, 3, 4)),
        4,
        "x.......x.......",
        "........" * 2,
        "..x...x...x...x.",
        "shaker",
        0.1,
        (1.0, 0.6, 0.4, 0.3, 0.2, 0.1),
        "strum",
        0.005,
        0.6,
        4,
        "root",
        0.25,
        0.0,
        6500,
        0.55,
        0.35,
        False,
    ),
    "hip hop": Template(
        (80, 96),
        0.8,
        ((0, 5), (0, 3), (0, 6, 5, 4)),
        8,
        "x.....x...x.....",
        "....x.......x...",
        "x.x.x.x.x.x.x.x.",
        "closed",
        0.35,
        (1.0, 0.2, 0.05),
        "stab",
        0.01,
        0.5,
        4,
        "sub",
        0.0,
        0.0,
        7000,
        0.85,
        1.0,
        True,
    ),
    "house": Template(
        (120, 128),
        0.6,
        ((0, 5, 3, 4), (0, 0, 5, 5)),
        4,
        "x...x...x...x...",
        "....x.......x...",
        "..x...x...x...x.",
        "open",
        0.0,
        (1.0, 0.5, 0.33, 0.25, 0.2),
        "stab",
        0.005,
        0.15,
        4,
        "offbeat",
        0.0,
        0.3,
        9000,
        0.85,
        0.9,
        True,
    ),
    "jazz": Template(
        (110, 180),
        0.3,
        ((1, 4, 0, 0), (1, 4, 0, 5), (2, 5, 1, 4)),
        4,
        "x.........x.....",
        "......o.......o.",
        "x..xx..xx..xx..x",
        "ride",
        0.5,
        (1.0, 0.5, 0.1, 0.05),
        "stab",
        0.01,
        0.9,
        4,
        "walking",
        0.3,
        0.0,
        6000,
        0.55,
        0.45,
        True,
    ),
    "metal": Template(
        (140, 190),
        0.9,
        ((0, 5, 6, 0), (0, 1, 0, 6)),
        4,
        "xxxxxxxxxxxxxxxx",
        "....x.......x...",
        "x.x.x.x.x.x.x.x.",
        "closed",
        0.0,
        (1.0, 0.5, 0.33, 0.25, 0.2),
        "sustain",
        0.002,
        4.0,
        3,
        "root",
        0.0,
        8.0,
        8000,
        0.95,
        0.8,
        False,
    ),
    "pop": Template(
        (100, 124),
        0.2,
        ((0, 4, 5, 3), (0, 5, 3, 4), (5, 3, 0, 4)),
        4,
        "x.......x.......",
        "....x.......x...",
        "x.x.x.x.x.x.x.x.",
        "closed",
        0.0,
        (1.0, 0.45, 0.3, 0.15),
        "sustain",
        0.02,
        1.5,
        5,
        "root",
        0.6,
        0.0,
        10000,
        0.8,
        0.7,
        False,
    ),
}
