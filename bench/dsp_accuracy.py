"""DSP accuracy on the ground-truth set: Resonance's tempo and key next to plain librosa's.

Usage: PYTHONPATH=backend/src .venv/bin/python bench/dsp_accuracy.py [--truth data/dsp-truth]
       [--verbose] [--synth 6]

The set is built by ``scripts/fetch_dsp_truth.py`` (provenance and licences there and
in its ``truth.csv``). Every file goes through the pipeline's own decoder
(``load_clip``: 30 s excerpt, 22 050 Hz) and then through

* Resonance: ``extract`` (tempo or ``None``, key, mode);
* plain librosa, in the same run on the same samples: ``librosa.beat.beat_track``
  for tempo (it always answers), and a plain chroma-template key: the mean
  ``librosa.feature.chroma_stft`` correlated with the 24 binary major/minor triad
  templates.

Scores: tempo within 4 % of the annotation (and how many misses are octave
errors: ×2, ×½, ×3, ×⅓, or other metrical ones: ×3/2, ×2/3, ×4/3, ×3/4) over
files with an annotated tempo; "none" on pulse-less files and wrongly "none" on
pulsed ones; key exact, relative, parallel, fifth-related and other over files
with an annotated key.

``--synth N`` (default 6) adds a second set: N clips of each of the demo
synthesiser's eight templates, whose tempo, tonic and scale are read from the
synthesiser's own seeded draws (exact by construction). Natural minor there,
harmonic minor in the fetched renders: a key method tuned on one alone overfits
(Temperley's profiles alone: 88 % exact on the fetched set, 48 % here).
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import librosa
import numpy as np

from resonance.audio import GENRE_TEMPLATES, extract, load_clip, synthesize
from resonance.audio.synth import _rng as synth_rng

SR = 22050
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
RATIOS = {"octave": (2.0, 0.5, 3.0, 1 / 3), "metrical": (1.5, 2 / 3, 4 / 3, 0.75)}


@dataclass
class Row:
    file: str
    category: str
    tempo: float | None  # None: no pulse; nan: not annotated
    key: str
    mode: str


def read_truth(folder: Path) -> list[Row]:
    rows = []
    with (folder / "truth.csv").open() as fh:
        for r in csv.DictReader(fh):
            text = r["tempo_bpm"]
            tempo = None if text == "" else float("nan") if text == "?" else float(text)
            rows.append(Row(r["file"], r["category"], tempo, r["key"], r["mode"]))
    return rows


def _triad_templates() -> np.ndarray:
    rows = []
    for third in (4, 3):  # major, minor
        base = np.zeros(12)
        base[[0, third, 7]] = 1.0
        rows += [np.roll(base, k) for k in range(12)]
    return np.asarray(rows)


TRIADS = _triad_templates()


def librosa_plain(y: np.ndarray, sr: int) -> tuple[float, str, str]:
    tempo, _ = librosa.beat.beat_track(y=y, sr=sr)
    chroma = librosa.feature.chroma_stft(y=y, sr=sr).mean(axis=1)
    r = [np.corrcoef(chroma, t)[0, 1] for t in TRIADS]
    best = int(np.nanargmax(r))
    return float(np.atleast_1d(tempo)[0]), PITCH_CLASSES[best % 12], ("major", "minor")[best // 12]


def tempo_verdict(estimate: float | None, truth: float) -> str:
    if estimate is None or estimate <= 0:
        return "none"
    ratio = estimate / truth
    if abs(ratio - 1.0) <= 0.04:
        return "ok"
    for kind, ratios in RATIOS.items():
        if any(abs(ratio / r - 1.0) <= 0.04 for r in ratios):
            return kind
    return "other"


def key_verdict(key: str, mode: str, truth_key: str, truth_mode: str) -> str:
    k, t = PITCH_CLASSES.index(key), PITCH_CLASSES.index(truth_key)
    if mode == truth_mode:
        if k == t:
            return "exact"
        return "fifth" if (k - t) % 12 in (5, 7) else "other"
    if k == t:
        return "parallel"
    relative = (t + 9) % 12 if truth_mode == "major" else (t + 3) % 12
    return "relative" if k == relative else "other"


def synth_truth(template: str, seed: str) -> tuple[float, str, str]:
    """Tempo, tonic and mode the synthesiser draws for (template, seed), in its order."""
    t = GENRE_TEMPLATES[template]
    rng = synth_rng(template, seed)
    tempo = float(rng.uniform(*t.tempo))
    minor = bool(rng.random() < t.minor)
    tonic = int(rng.integers(0, 12))
    return tempo, PITCH_CLASSES[tonic], "minor" if minor else "major"


def held_out(n: int, verbose: bool) -> None:
    tallies: dict[str, dict[str, Counter[str]]] = {
        name: {"tempo": Counter(), "key": Counter()} for name in ("resonance", "librosa")
    }
    for template in sorted(GENRE_TEMPLATES):
        for i in range(n):
            seed = f"accuracy-{i}"
            tempo, key, mode = synth_truth(template, seed)
            y = synthesize(template, seed, 30.0, SR)
            summary = extract(y, SR).summary
            ours = summary["tempo_bpm"]
            answers = {
                "resonance": (
                    float(ours) if isinstance(ours, int | float) else None,
                    str(summary["key"]),
                    str(summary["mode"]),
                ),
                "librosa": librosa_plain(y, SR),
            }
            for name, (t, k, m) in answers.items():
                tallies[name]["tempo"]["files"] += 1
                tallies[name]["tempo"][tempo_verdict(t, tempo)] += 1
                tallies[name]["key"]["files"] += 1
                tallies[name]["key"][key_verdict(k, m, key, mode)] += 1
            if verbose:
                r, lib = answers["resonance"], answers["librosa"]
                print(
                    f"{template:10s} {seed}: truth {tempo:6.1f} {key:2s} {mode:5s} | "
                    f"reso {r[0] or 0:6.1f} {r[1]:2s} {r[2]:5s} | "
                    f"libr {lib[0]:6.1f} {lib[1]:2s} {lib[2]:5s}"
                )
    print(f"\ndemo synthesiser set, {n} clips × {len(GENRE_TEMPLATES)} templates")
    print(f"{'measure':44s} {'resonance':>12s} {'librosa':>12s}")
    for label, group, what in (
        ("tempo within 4 %", "tempo", "ok"),
        ("tempo octave errors", "tempo", "octave"),
        ("tempo other metrical errors", "tempo", "metrical"),
        ("tempo 'none'", "tempo", "none"),
        ("key exact", "key", "exact"),
        ("key relative", "key", "relative"),
        ("key parallel", "key", "parallel"),
        ("key a fifth off", "key", "fifth"),
    ):
        cells = []
        for name in ("resonance", "librosa"):
            c = tallies[name][group]
            cells.append(f"{c[what]}/{c['files']} {100 * c[what] / max(c['files'], 1):3.0f}%")
        print(f"{label:44s} {cells[0]:>12s} {cells[1]:>12s}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, default=Path("data/dsp-truth"))
    parser.add_argument("--verbose", action="store_true", help="one line per file")
    parser.add_argument("--synth", type=int, default=6, help="synth clips per template (0: none)")
    args = parser.parse_args()
    if args.synth:
        held_out(args.synth, args.verbose)
    rows = read_truth(args.truth)
    tallies: dict[str, dict[str, Counter[str]]] = {
        "resonance": {"tempo": Counter(), "pulse": Counter(), "key": Counter()},
        "librosa": {"tempo": Counter(), "pulse": Counter(), "key": Counter()},
    }
    seconds = {"resonance": 0.0, "librosa": 0.0}
    # (category, system) -> [tempo ok, tempo annotated, key exact or relative, keys]
    by_category: dict[tuple[str, str], list[int]] = {}
    skipped = []
    for row in rows:
        try:
            clip = load_clip(args.truth / row.file, sr=SR, excerpt_seconds=30.0)
        except Exception as exc:  # a file our decoder refuses is scored as such
            skipped.append(f"{row.file}: {exc}")
            continue
        t0 = time.perf_counter()
        summary = extract(clip.y, clip.sr).summary
        t1 = time.perf_counter()
        plain = librosa_plain(clip.y, clip.sr)
        seconds["resonance"] += t1 - t0
        seconds["librosa"] += time.perf_counter() - t1
        ours_tempo = summary["tempo_bpm"]
        answers = {
            "resonance": (
                float(ours_tempo) if isinstance(ours_tempo, int | float) else None,
                str(summary["key"]),
                str(summary["mode"]),
            ),
            "librosa": plain,
        }
        line = [f"{row.file:28s}"]
        for name, (tempo, key, mode) in answers.items():
            tally = tallies[name]
            cell = by_category.setdefault((row.category, name), [0, 0, 0, 0])
            if row.tempo is not None and not np.isnan(row.tempo):
                cell[0] += tempo_verdict(tempo, row.tempo) == "ok"
                cell[1] += 1
            if row.key:
                cell[2] += key_verdict(key, mode, row.key, row.mode) in ("exact", "relative")
                cell[3] += 1
            if row.tempo is None:
                tally["pulse"]["pulseless"] += 1
                tally["pulse"]["said none" if tempo is None else "said tempo"] += 1
            elif not np.isnan(row.tempo):
                tally["tempo"]["files"] += 1
                tally["tempo"][tempo_verdict(tempo, row.tempo)] += 1
            if row.key:
                tally["key"]["files"] += 1
                tally["key"][key_verdict(key, mode, row.key, row.mode)] += 1
            shown = "none" if tempo is None else f"{tempo:6.1f}"
            line.append(f"{name[:4]} {shown:>6s} {key:2s} {mode:5s}")
        truth = "none" if row.tempo is None else f"{row.tempo:6.1f}"
        if args.verbose:
            extra = (
                f" conf {summary.get('tempo_confidence', '')}/{summary.get('key_confidence', '')}"
            )
            print(" | ".join(line), f"| truth {truth:>6s} {row.key:2s} {row.mode}", extra)

    print(f"librosa {librosa.__version__}; {len(rows)} files in {args.truth}")
    for s in skipped:
        print(f"  refused by the decoder: {s}")
    print(f"\n{'measure':44s} {'resonance':>12s} {'librosa':>12s}")

    def share(name: str, group: str, what: str, of: str) -> str:
        c = tallies[name][group]
        return f"{c[what]}/{c[of]} {100 * c[what] / max(c[of], 1):3.0f}%"

    measures = [
        ("tempo within 4 %", "tempo", "ok", "files"),
        ("tempo octave errors (×2 ×½ ×3 ×⅓)", "tempo", "octave", "files"),
        ("tempo other metrical errors (×3/2 ×4/3…)", "tempo", "metrical", "files"),
        ("tempo other errors", "tempo", "other", "files"),
        ("tempo 'none' on a pulsed file", "tempo", "none", "files"),
        ("tempo 'none' on pulse-less files", "pulse", "said none", "pulseless"),
        ("key exact", "key", "exact", "files"),
        ("key relative major/minor", "key", "relative", "files"),
        ("key parallel major/minor", "key", "parallel", "files"),
        ("key a fifth off", "key", "fifth", "files"),
        ("key other", "key", "other", "files"),
    ]
    for label, group, what, of in measures:
        print(
            f"{label:44s} {share('resonance', group, what, of):>12s} "
            f"{share('librosa', group, what, of):>12s}"
        )
    for name in ("resonance", "librosa"):
        c = tallies[name]["key"]
        print(
            f"key exact or relative ({name}): {c['exact'] + c['relative']}/{c['files']} "
            f"{100 * (c['exact'] + c['relative']) / max(c['files'], 1):.0f}%"
        )
    print("\nper category: tempo within 4 % | key exact or relative (resonance / librosa)")
    for category in sorted({c for c, _ in by_category}):
        ours, plain = by_category[(category, "resonance")], by_category[(category, "librosa")]
        tempo_cells = f"{ours[0]}/{ours[1]} vs {plain[0]}/{plain[1]}" if ours[1] else "-"
        key_cells = f"{ours[2]}/{ours[3]} vs {plain[2]}/{plain[3]}" if ours[3] else "-"
        print(f"  {category:18s} tempo {tempo_cells:16s} key {key_cells}")
    print(
        f"\nseconds: resonance extract {seconds['resonance']:.1f} (all descriptors), "
        f"librosa beat_track + chroma {seconds['librosa']:.1f}"
    )


if __name__ == "__main__":
    main()
