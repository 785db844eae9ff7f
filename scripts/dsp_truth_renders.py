"""Ground truth from music programs' own files: LMMS demo songs and General MIDI pieces.

Used by ``fetch_dsp_truth.py``; each function returns ``(name, audio, truth)`` rows and
does nothing (an empty list and a printed note) when its renderer is not installed.

* LMMS (``lmms-common``, fetched with ``apt-get download``; rendering needs the
  ``lmms`` program): the demo and "shorties" projects shipped with LMMS, songs
  written by LMMS users. The tempo is the project's own ``bpm`` (quarter notes per
  minute, the musician's setting, not an estimate); projects whose tempo is
  automated, or not in quarter notes, are left out. Each song is rendered whole
  and its middle 30 s kept. Licences per song from the package's
  ``debian/copyright`` (GPL-2+, CC-BY-SA 3.0/4.0, Artistic-2, BSD-2-clause).
* General MIDI pieces (rendered with ``timidity`` and the ``freepats`` patch set,
  GPL-2+ with a composition exception, recorded instrument samples): a piano
  progression, bass line and melody in a drawn key, scale (major or natural
  minor) and tempo, over a General MIDI drum kit. Key, mode and tempo are exact
  by construction; the notes are written here (own work, CC0).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import soundfile as sf

SR = 44100
SECONDS = 30.0
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
LMMS_LICENCES = {  # debian/copyright of lmms-common: file patterns → licence
    "CapDan-ReggaeTry": "GPL-2+",
    "CapDan-ReggaetonTry": "GPL-2+",
    "CapDan-ZeroSumGame": "GPL-2+",
    "EsoXLB-": "GPL-2+",
    "Impulslogik-": "GPL-2+",
    "Momo64-": "GPL-2+",
    "Oglsdl-": "GPL-2+",
    "Saber-": "BSD-2-clause",
    "Alf42red-": "CC-BY-SA-3.0",
    "CapDan-TwilightArea": "CC-BY-SA-3.0",
    "Jousboxx-": "CC-BY-SA-4.0",
    "Skiessi": "CC-BY-SA-4.0",
}
Row = tuple[str, np.ndarray, dict[str, str]]


def _middle(path: Path) -> np.ndarray:
    y, sr = sf.read(path, dtype="float32", always_2d=True)
    assert sr == SR, (path, sr)
    mono = y.mean(axis=1)
    n = int(SECONDS * SR)
    start = max(0, (len(mono) - n) // 2)
    return mono[start : start + n]


def _project_xml(path: Path) -> str:
    data = path.read_bytes()
    # .mmpz is Qt's qCompress: a 4-byte big-endian length, then zlib.
    return zlib.decompress(data[4:]).decode() if path.suffix == ".mmpz" else data.decode()


def lmms_songs(work: Path, renders: Path | None = None, render: bool = True) -> list[Row]:
    """LMMS demo songs with their project tempo (see the module docstring).

    ``renders``: a folder of earlier renders (``<project stem>.wav``) to reuse and to
    add to; rendering all 25 songs takes a few minutes of CPU. ``render=False`` uses
    only those earlier renders.
    """
    lmms = shutil.which("lmms")
    if lmms is None:
        print("lmms not installed: LMMS demo songs left out (apt-get install lmms)")
        return []
    subprocess.run(
        ["apt-get", "download", "lmms-common"],
        cwd=work,
        check=True,
        capture_output=True,
    )
    deb = next(work.glob("lmms-common_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "lmms")], check=True)
    version = deb.name.split("_")[1]
    projects = sorted((work / "lmms/usr/share/lmms/projects").glob("*/**/*.mmp*"))
    rows: list[Row] = []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for project in projects:
        if "tutorials" in project.parts:
            continue
        head = re.search(r"<head\b[^>]*>", _project_xml(project))
        bpm = re.search(r'\bbpm="([0-9.]+)"', head.group(0)) if head else None
        denominator = re.search(r'timesig_denominator="(\d+)"', head.group(0)) if head else None
        if bpm is None or denominator is None or denominator.group(1) != "4":
            continue  # automated tempo (a child element), or beats that are not quarters
        name = "lmms_" + re.sub(r"[^A-Za-z0-9]+", "_", project.name.split(".")[0]).strip("_")
        out = (renders or work) / f"{project.name.split('.')[0]}.wav"
        if not out.exists():
            cmd = [
                lmms,
                "--allowroot",
                "render",
                str(project),
                "-f",
                "wav",
                "-o",
                str(out),
            ]
            subprocess.run(cmd, env=env, capture_output=True, timeout=900, check=False)
        if not out.exists():
            print(f"lmms could not render {project.name}: left out")
            continue
        y = _middle(out)
        if len(y) < SR * 10 or float(np.abs(y).max()) < 1e-3:
            print(f"{project.name}: rendered silent or short (a missing plugin?): left out")
            continue
        licence = next((v for k, v in LMMS_LICENCES.items() if k in project.name), "GPL-2+")
        rows.append(
            (
                name,
                y,
                {
                    "category": "song",
                    "tempo_bpm": f"{float(bpm.group(1)):.2f}",
                    "key": "",
                    "mode": "",
                    "source": f"Debian lmms-common {version}: {project.name}, rendered by LMMS",
                    "licence": licence,
                    "note": "tempo from the project file; middle 30 s",
                },
            )
        )
    return rows


def _vlq(n: int) -> bytes:
    out = [n & 0x7F]
    while n > 0x7F:
        n >>= 7
        out.append(0x80 | (n & 0x7F))
    return bytes(reversed(out))


def _smf(events: list[tuple[int, bytes]], tempo: float, ticks: int) -> bytes:
    """A format-0 Standard MIDI File from (tick, message) events."""
    track = b"\x00\xff\x51\x03" + struct.pack(">I", round(60e6 / tempo))[1:]
    track += b"\x00\xc0\x00\x00\xc1\x21\x00\xc2\x49"  # piano, finger bass, flute
    last = 0
    for tick, message in sorted(events, key=lambda e: (e[0], e[1][0] & 0xF0 != 0x80)):
        track += _vlq(tick - last) + message
        last = tick
    track += b"\x00\xff\x2f\x00"
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, ticks)
    return header + b"MTrk" + struct.pack(">I", len(track)) + track


MAJOR, MINOR = (0, 2, 4, 5, 7, 9, 11), (0, 2, 3, 5, 7, 8, 10)
# Scale degrees (0-based) of each bar's chord.
MAJOR_PIECES = ([0, 4, 5, 3], [1, 4, 0, 0], [0, 3, 4, 0])  # I–V–vi–IV, ii–V–I, I–IV–V–I
MINOR_PIECES = (
    [0, 5, 2, 6],
    [0, 3, 4, 0],
    [0, 6, 5, 6],
)  # i–VI–III–VII, i–iv–v–i, i–VII–VI–VII


def midi_piece(tonic: int, mode: str, seed: int) -> tuple[bytes, float]:
    """Notes of one piece: (SMF bytes, tempo). Piano chords, bass, melody, drums."""
    rng = np.random.default_rng(seed)
    tempo = float(np.round(rng.uniform(72, 150)))
    scale = MAJOR if mode == "major" else MINOR
    chords = (MAJOR_PIECES if mode == "major" else MINOR_PIECES)[seed % 3]
    ticks, beat = 480, 480
    bars = int(np.ceil(SECONDS * 1.1 * tempo / 60 / 4))
    events: list[tuple[int, bytes]] = []

    def note(channel: int, pitch: int, at: int, length: int, velocity: int) -> None:
        events.append((at, bytes([0x90 | channel, pitch, velocity])))
        events.append((at + length, bytes([0x80 | channel, pitch, 0])))

    for bar in range(bars):
        degree = chords[bar % len(chords)]
        start = bar * 4 * beat
        triad = [scale[(degree + k) % 7] + 12 * ((degree + k) // 7) for k in (0, 2, 4)]
        for half in (0, 2):
            for pitch in triad:
                note(
                    0,
                    60 + tonic + pitch - 12 * (tonic > 5),
                    start + half * beat,
                    2 * beat - 20,
                    70,
                )
        for q in range(4):
            note(1, 36 + tonic + scale[degree], start + q * beat, beat - 40, 90)
        position = int(rng.integers(0, 7))
        for eighth in range(8):
            if rng.random() < 0.6:
                position = int(np.clip(position + rng.integers(-2, 3), 0, 9))
                pitch = 72 + tonic - 12 * (tonic > 5) + scale[position % 7] + 12 * (position // 7)
                note(2, pitch, start + eighth * beat // 2, beat // 2 - 20, 80)
        for q in range(4):
            note(9, 36 if q % 2 == 0 else 38, start + q * beat, beat // 2, 100)
            for e in (0, 1):
                note(9, 42, start + q * beat + e * beat // 2, beat // 4, 60)
    return _smf(events, tempo, ticks), tempo


def midi_keys(work: Path) -> list[Row]:
    """24 General MIDI pieces, one per key, rendered by timidity with freepats."""
    timidity = shutil.which("timidity")
    config = Path("/etc/timidity/freepats.cfg")
    if timidity is None or not config.exists():
        print("timidity or freepats not installed: MIDI pieces left out")
        return []
    rows: list[Row] = []
    for m, mode in enumerate(("major", "minor")):
        for tonic in range(12):
            data, tempo = midi_piece(tonic, mode, seed=100 + 12 * m + tonic)
            mid, wav = work / "piece.mid", work / "piece.wav"
            mid.write_bytes(data)
            cmd = [
                timidity,
                "-c",
                str(config),
                "-Ow",
                "-s",
                str(SR),
                "-o",
                str(wav),
                str(mid),
            ]
            subprocess.run(cmd, check=True, capture_output=True)
            y = _middle(wav)
            name = f"midi_{PITCH_CLASSES[tonic].replace('#', 's')}_{mode}"
            rows.append(
                (
                    name,
                    y,
                    {
                        "category": "midi_render",
                        "tempo_bpm": f"{tempo:.2f}",
                        "key": PITCH_CLASSES[tonic],
                        "mode": mode,
                        "source": "notes written by scripts/dsp_truth_renders.py, "
                        "rendered by timidity with Debian freepats",
                        "licence": "CC0-1.0 (notes); freepats GPL-2+ with composition exception",
                        "note": "piano, bass, flute melody, GM drums; natural minor",
                    },
                )
            )
    return rows
