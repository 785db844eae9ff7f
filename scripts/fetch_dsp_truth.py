"""Build the DSP ground-truth set that ``bench/dsp_accuracy.py`` scores against.

Usage: PYTHONPATH=backend/src .venv/bin/python scripts/fetch_dsp_truth.py [--dest DIR]

Nothing here is committed: the audio comes from Debian's ``sonic-pi-samples`` package
(fetched with ``apt-get download``, unpacked with ``dpkg-deb``) and the rest is
rendered from it, from numpy, and from ``espeak-ng`` when that is installed. Writes
``DIR/truth.csv`` (default ``data/dsp-truth``, git-ignored) with one row per file:

    file, category, tempo_bpm, key, mode, source, licence, note

``tempo_bpm`` is empty for a file with no pulse ("none" is the right answer), ``key``
and ``mode`` are empty where a file has no annotated key. Provenance:

* ``sonic-pi-samples`` (Debian, version printed in ``truth.csv``'s source column):
  Sonic Pi's samples, all from freesound.org under CC0 (the package's README.md and
  debian/copyright list each original). Loop tempi are annotated as
  ``beats × 60 / loop length``: the loops are cut to loop seamlessly, so the length
  is an exact number of beats; the beat count is the musician's reading of the
  pattern (the hullum loops are 97 BPM by their own file name). Two loops whose
  metre is ambiguous (``loop_compus``, ``loop_3d_printer``) are left unannotated.
  Loops are tiled to 30 s, as a track built on them would be.
* renders (``key_*``): chord progressions in all 24 keys played by Sonic Pi's
  ``bass_*_c`` samples (single sustained C2 notes), pitch-shifted by resampling, over a
  Sonic Pi drum loop; key, mode and tempo are exact by construction. CC0 like
  their sources.
* numpy and espeak-ng (``gen_*``, ``speech_*``): pulse-less material (noise,
  steady tones, a steady chord, random non-periodic clicks, synthesised speech);
  own work, CC0.
* ``lmms_*``: LMMS's demo songs, tempo from each project file; ``midi_*``: General
  MIDI pieces in all 24 keys played by the freepats samples. Both need their
  renderer installed (``apt-get install lmms timidity freepats``) and are left out
  otherwise; ``dsp_truth_renders.py`` has their provenance and licences.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr
from dsp_truth_renders import lmms_songs, midi_keys

SR = 44100
SECONDS = 30.0
PACKAGE = "sonic-pi-samples"
SAMPLES = "usr/share/sonic-pi/samples"
CC0 = "CC0-1.0"

# loop: beats in one loop (tempo = beats × 60 / length)
LOOP_BEATS = {
    "loop_amen": 4,
    "loop_amen_full": 16,
    "loop_breakbeat": 4,
    "loop_drone_g_97": 8,
    "loop_electric": 4,
    "loop_garzul": 16,
    "loop_industrial": 2,
    "loop_mehackit1": 4,
    "loop_mehackit2": 4,
    "loop_mika": 16,
    "loop_perc1": 4,
    "loop_perc2": 4,
    "loop_safari": 16,
    "loop_tabla": 16,
    "loop_weirdo": 8,
}
UNANNOTATED_LOOPS = ("loop_compus", "loop_3d_printer")
# Files with no pulse at all: drones, ambiences, hiss, sustained notes and chords.
PULSELESS = (
    "ambi_drone",
    "ambi_glass_hum",
    "ambi_haunted_hum",
    "ambi_lunar_land",
    "ambi_sauna",
    "ambi_dark_woosh",
    "ambi_glass_rub",
    "vinyl_hiss",
    "bass_voxy_c",
    "bass_thick_c",
    "bass_trance_c",
    "bass_woodsy_c",
    "guit_em9",
    "guit_e_fifths",
    "guit_harmonics",
    "guit_e_slide",
    "perc_bell",
    "perc_bell2",
    "misc_cineboom",
)
# Real files with an unambiguous key (guit_em9: an E minor 9 chord).
REAL_KEYS = {"guit_em9": ("E", "minor")}
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
# Scale degrees (semitones above the tonic) of each chord's root, and its quality.
MAJOR_PROGRESSIONS = [
    [(0, "maj"), (9, "min"), (5, "maj"), (7, "maj")],  # I–vi–IV–V
    [(0, "maj"), (5, "maj"), (7, "maj"), (0, "maj")],  # I–IV–V–I
]
MINOR_PROGRESSIONS = [
    [(0, "min"), (5, "min"), (7, "maj"), (0, "min")],  # i–iv–V–i (harmonic minor)
    [(0, "min"), (8, "maj"), (5, "min"), (7, "maj")],  # i–VI–iv–V
]
DRUM_LOOPS = (
    "loop_amen_full",
    "loop_mika",
    "loop_garzul",
    "loop_safari",
    "loop_breakbeat",
)


def fetch_package(work: Path) -> tuple[Path, str]:
    """``apt-get download`` the samples package and unpack it; returns (folder, version)."""
    subprocess.run(["apt-get", "download", PACKAGE], cwd=work, check=True, capture_output=True)
    deb = next(work.glob(f"{PACKAGE}_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "x")], check=True)
    return work / "x" / SAMPLES, deb.name.split("_")[1]


def mono(path: Path) -> np.ndarray:
    y, sr = sf.read(path, dtype="float32", always_2d=True)
    assert sr == SR, (path, sr)
    return y.mean(axis=1)


def tile(y: np.ndarray, seconds: float = SECONDS) -> np.ndarray:
    n = int(seconds * SR)
    return np.tile(y, int(np.ceil(n / len(y))))[:n]


def shifted(y: np.ndarray, semitones: float, length: int) -> np.ndarray:
    """A sample played ``semitones`` higher (resampled, like a sampler does)."""
    ratio = 2.0 ** (semitones / 12.0)
    out = soxr.resample(y, SR, SR / ratio)[:length]
    return np.pad(out, (0, length - len(out)))


def render_key(samples: Path, tonic: int, mode: str, variant: int) -> tuple[np.ndarray, float]:
    """A progression in ``tonic`` ``mode`` over a drum loop; returns (audio, tempo)."""
    rng = np.random.default_rng(1000 + 24 * variant + tonic + (12 if mode == "minor" else 0))
    loop_name = DRUM_LOOPS[(tonic + variant) % len(DRUM_LOOPS)]
    loop = mono(samples / f"{loop_name}.flac")
    tempo = LOOP_BEATS[loop_name] * 60.0 * SR / len(loop)
    keys = mono(samples / "bass_voxy_c.flac")  # one sustained C2 (MIDI 36)
    bass = mono(samples / f"{rng.choice(['bass_woodsy_c', 'bass_thick_c'])}.flac")  # C2
    progression = (MAJOR_PROGRESSIONS if mode == "major" else MINOR_PROGRESSIONS)[variant % 2]
    bar = int(4 * 60.0 / tempo * SR)
    half = bar // 2
    n = int(SECONDS * SR)
    music = np.zeros(n + bar, np.float32)
    for i, start in enumerate(range(0, n, bar)):
        degree, quality = progression[i % len(progression)]
        root = 60 + (tonic + degree) % 12  # C4 … B4
        third = 3 if quality == "min" else 4
        for at in (start, start + half):  # chord and bass on beats 1 and 3
            for note in (root - 12, root + third - 12, root + 7 - 12, root):
                music[at : at + half] += 0.25 * shifted(keys, note - 36, half)
            music[at : at + half] += 0.5 * shifted(bass, root - 24 - 36, half)
    music = music[:n]
    drums = tile(loop)
    mix = 0.6 * music / (np.abs(music).max() + 1e-9) + 0.5 * drums / (np.abs(drums).max() + 1e-9)
    return (0.9 * mix / np.abs(mix).max()).astype(np.float32), tempo


def generated(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Pulse-less signals made here."""
    n = int(SECONDS * SR)
    t = np.arange(n) / SR
    white = rng.standard_normal(n)
    pink = np.fft.irfft(np.fft.rfft(white) / np.sqrt(np.maximum(np.fft.rfftfreq(n, 1 / SR), 20)))
    brown = np.cumsum(white)
    brown -= np.convolve(brown, np.ones(4410) / 4410, mode="same")
    clicks = np.zeros(n)
    for at in np.cumsum(rng.exponential(0.35, 200)):  # Poisson clicks: onsets, no pulse
        i = int(at * SR)
        if i < n - 400:
            clicks[i : i + 400] += rng.uniform(0.2, 1) * np.exp(-np.arange(400) / 60)
    chord = sum(np.sin(2 * np.pi * 261.63 * r * t) for r in (1.0, 1.2599, 1.4983))
    return {
        "gen_white_noise": 0.2 * white,
        "gen_pink_noise": pink,
        "gen_brown_noise": brown,
        "gen_sine_220": 0.5 * np.sin(2 * np.pi * 220 * t),
        "gen_steady_chord_c": chord,
        "gen_random_clicks": clicks + 0.01 * white,
        "gen_hum_50": np.sin(2 * np.pi * 50 * t) + 0.3 * np.sin(2 * np.pi * 150 * t),
    }


SPEECH = (
    "The quick brown fox jumps over the lazy dog, and then it rests for a while in the sun.",
    "Resonance explains every recommendation it makes, so you always know why a song is there.",
    "Please remember to bring the blue folder, the two pencils and the map to the meeting.",
)


def speech(folder: Path) -> dict[str, np.ndarray]:
    voice = shutil.which("espeak-ng")
    if voice is None:
        return {}
    out = {}
    for i, text in enumerate(SPEECH):
        wav = folder / f"speech{i}.wav"
        subprocess.run([voice, "-s", str(140 + 20 * i), "-w", str(wav), text * 3], check=True)
        y, sr = sf.read(wav, dtype="float32")
        out[f"speech_{i}"] = soxr.resample(y, sr, SR)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=Path("data/dsp-truth"))
    parser.add_argument(
        "--lmms-renders",
        type=Path,
        default=None,
        help="reuse (and keep) LMMS renders here",
    )
    parser.add_argument(
        "--no-lmms-render", action="store_true", help="only songs already in --lmms-renders"
    )
    args = parser.parse_args()
    dest: Path = args.dest
    dest.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, str]] = []

    def write(name: str, y: np.ndarray, category: str, **truth: str) -> None:
        path = dest / f"{name}.flac"
        y = np.asarray(y, np.float64)
        sf.write(path, (0.5 * y / (np.abs(y).max() + 1e-12)).astype(np.float32), SR)
        rows.append({"file": path.name, "category": category, **truth})

    with tempfile.TemporaryDirectory() as tmp:
        samples, version = fetch_package(Path(tmp))
        src = f"Debian {PACKAGE} {version} (freesound.org via Sonic Pi)"
        for name, beats in LOOP_BEATS.items():
            y = mono(samples / f"{name}.flac")
            tempo = beats * 60.0 * SR / len(y)
            write(
                name,
                tile(y),
                "loop",
                tempo_bpm=f"{tempo:.2f}",
                key="",
                mode="",
                source=src,
                licence=CC0,
                note=f"{beats} beats per loop, tiled to 30 s",
            )
        for name in UNANNOTATED_LOOPS:
            write(
                name,
                tile(mono(samples / f"{name}.flac")),
                "loop_unannotated",
                tempo_bpm="?",
                key="",
                mode="",
                source=src,
                licence=CC0,
                note="metre ambiguous: not scored",
            )
        for name in PULSELESS:
            key, mode = REAL_KEYS.get(name, ("", ""))
            write(
                name,
                mono(samples / f"{name}.flac"),
                "pulseless",
                tempo_bpm="",
                key=key,
                mode=mode,
                source=src,
                licence=CC0,
                note="as shipped (not tiled)",
            )
        for mode in ("major", "minor"):
            for tonic in range(12):
                y, tempo = render_key(samples, tonic, mode, variant=tonic % 2)
                write(
                    f"key_{PITCH_CLASSES[tonic].replace('#', 's')}_{mode}",
                    y,
                    "key_render",
                    tempo_bpm=f"{tempo:.2f}",
                    key=PITCH_CLASSES[tonic],
                    mode=mode,
                    source=f"rendered from {src}",
                    licence=CC0,
                    note="bass_voxy_c chords + bass_*_c bass over a drum loop",
                )
        for name, y in {
            **generated(np.random.default_rng(7)),
            **speech(Path(tmp)),
        }.items():
            write(
                name,
                y,
                "pulseless",
                tempo_bpm="",
                key="",
                mode="",
                source="numpy" if name.startswith("gen") else "espeak-ng",
                licence=CC0,
                note="own work",
            )
        if args.lmms_renders:
            args.lmms_renders.mkdir(parents=True, exist_ok=True)
        for name, y, truth in [
            *lmms_songs(Path(tmp), args.lmms_renders, render=not args.no_lmms_render),
            *midi_keys(Path(tmp)),
        ]:
            write(name, y, **truth)
    with (dest / "truth.csv").open("w", newline="") as fh:
        fields = [
            "file",
            "category",
            "tempo_bpm",
            "key",
            "mode",
            "source",
            "licence",
            "note",
        ]
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} files and truth.csv in {dest}")


if __name__ == "__main__":
    main()
