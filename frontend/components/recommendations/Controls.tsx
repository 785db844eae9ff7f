"use client";
/**
 * The recommendation controls. Bounds and starting values come from the API's schema via
 * `limits` (lib/api/limits.ts, handed down by the page); only presentation lives here.
 */
import { useId } from "react";
import type { GenreMode, RecommendControlLimits, Source } from "@/lib/api/limits";
import type { TargetName } from "@/lib/schemas";
import styles from "./Recommendations.module.css";

export interface ControlsState {
  /** "new": music the listener does not have yet; "library": rediscover what they have. */
  source: Source;
  n: number;
  diversity: number;
  genre_mode: GenreMode;
  targets: Partial<Record<TargetName, number>>;
}

/** The controls as the API would set them: its defaults, no targets. */
export function initialControls(limits: RecommendControlLimits): ControlsState {
  return {
    source: limits.source.default,
    n: limits.n.default,
    diversity: limits.diversity.default,
    genre_mode: limits.genreMode.default,
    targets: {},
  };
}

/** Offered list lengths: a few round numbers within the API's range, plus its default. */
function resultCounts(n: RecommendControlLimits["n"]): number[] {
  const counts = new Set([10, 20, 30, 50, n.default].filter((x) => x >= n.min && x <= n.max));
  return [...counts].sort((a, b) => a - b);
}

export const TARGETS: ReadonlyArray<{ name: TargetName; label: string; min: number; max: number; step: number; initial: number; unit?: string }> = [
  { name: "energy", label: "Energy", min: 0, max: 1, step: 0.05, initial: 0.6 },
  { name: "brightness", label: "Brightness", min: 0, max: 1, step: 0.05, initial: 0.5 },
  { name: "percussiveness", label: "Percussiveness", min: 0, max: 1, step: 0.05, initial: 0.5 },
  { name: "tempo_bpm", label: "Tempo", min: 60, max: 200, step: 1, initial: 120, unit: "BPM" },
];

/** The query parameter of each target: the controls live in the URL (reload, share, back). */
const TARGET_PARAM: Record<TargetName, string> = {
  energy: "energy",
  brightness: "brightness",
  percussiveness: "percussiveness",
  tempo_bpm: "tempo",
};
const CONTROL_PARAMS = ["from", "n", "diversity", "genres", ...Object.values(TARGET_PARAM)];

/** The controls a URL's query asks for; anything missing, malformed or out of bounds is the API's default. */
export function controlsFromSearch(search: URLSearchParams, limits: RecommendControlLimits): ControlsState {
  const c = initialControls(limits);
  const number = (key: string, min: number, max: number) => {
    const raw = search.get(key);
    const x = raw === null || raw.trim() === "" ? NaN : Number(raw);
    return Number.isFinite(x) && x >= min && x <= max ? x : undefined;
  };
  const n = number("n", limits.n.min, limits.n.max);
  if (n !== undefined && Number.isInteger(n)) c.n = n;
  c.diversity = number("diversity", limits.diversity.min, limits.diversity.max) ?? c.diversity;
  const source = limits.source.values.find((m) => m === search.get("from"));
  if (source) c.source = source;
  const mode = limits.genreMode.values.find((m) => m === search.get("genres"));
  if (mode) c.genre_mode = mode;
  for (const t of TARGETS) {
    const v = number(TARGET_PARAM[t.name], t.min, t.max);
    if (v !== undefined) c.targets[t.name] = v;
  }
  return c;
}

/** `search` with the controls written in (defaults left out, so plain links stay plain). */
export function searchWithControls(search: URLSearchParams, c: ControlsState, limits: RecommendControlLimits): URLSearchParams {
  const out = new URLSearchParams(search);
  for (const key of CONTROL_PARAMS) out.delete(key);
  if (c.source !== limits.source.default) out.set("from", c.source);
  if (c.n !== limits.n.default) out.set("n", String(c.n));
  if (c.diversity !== limits.diversity.default) out.set("diversity", String(c.diversity));
  if (c.genre_mode !== limits.genreMode.default) out.set("genres", c.genre_mode);
  for (const t of TARGETS) {
    const v = c.targets[t.name];
    if (v !== undefined) out.set(TARGET_PARAM[t.name], String(v));
  }
  return out;
}

// Keyed by the generated GenreMode union: a mode added to the API fails typecheck until it has a label.
// Keyed by the generated Source union, like the genre modes.
export const SOURCES: Record<Source, { label: string; hint: string }> = {
  new: { label: "New to you", hint: "Only music you do not have yet" },
  library: { label: "From my library", hint: "Rediscover music you already have" },
};

const MODES: Record<GenreMode, { label: string; hint: string }> = {
  focus: { label: "Focus", hint: "Stay close to your genres" },
  blend: { label: "Blend", hint: "Let sound and genre mix" },
  explore: { label: "Explore", hint: "Similar sound, other genres" },
};

export function Controls({
  value,
  onChange,
  limits,
}: {
  value: ControlsState;
  onChange: (next: ControlsState) => void;
  limits: RecommendControlLimits;
}) {
  const id = useId();
  return (
    <form className={`card ${styles.controls}`} aria-label="Tune the recommendations" onSubmit={(e) => e.preventDefault()}>
      <fieldset className={styles.control}>
        <legend>Music</legend>
        <div className={`${styles.segmented} ${styles.two}`}>
          {limits.source.values.map((source) => (
            <label key={source} title={SOURCES[source].hint}>
              <input
                type="radio"
                name={`${id}-source`}
                value={source}
                checked={value.source === source}
                onChange={() => onChange({ ...value, source })}
                data-testid={`source-${source}`}
              />
              <span>{SOURCES[source].label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className={styles.control}>
        <label htmlFor={`${id}-n`}>Results</label>
        <select
          id={`${id}-n`}
          value={value.n}
          onChange={(e) => onChange({ ...value, n: Number(e.target.value) })}
          data-testid="count"
        >
          {resultCounts(limits.n).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <div className={styles.control}>
        <label htmlFor={`${id}-div`}>
          Diversity <output className="muted">{Math.round(value.diversity * 100)}%</output>
        </label>
        <input
          id={`${id}-div`}
          type="range"
          min={limits.diversity.min}
          max={limits.diversity.max}
          step={0.05}
          value={value.diversity}
          onChange={(e) => onChange({ ...value, diversity: Number(e.target.value) })}
          data-testid="diversity"
          aria-valuetext={`${Math.round(value.diversity * 100)} percent`}
        />
      </div>
      <fieldset className={styles.control}>
        <legend>Genres</legend>
        <div className={styles.segmented}>
          {limits.genreMode.values.map((mode) => (
            <label key={mode} title={MODES[mode].hint}>
              <input
                type="radio"
                name={`${id}-mode`}
                value={mode}
                checked={value.genre_mode === mode}
                onChange={() => onChange({ ...value, genre_mode: mode })}
                data-testid={`mode-${mode}`}
              />
              <span>{MODES[mode].label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <details className={styles.targets} open={Object.keys(value.targets).length > 0 || undefined}>
        <summary>Targets</summary>
        {TARGETS.map((t) => {
          const on = value.targets[t.name] !== undefined;
          const current = value.targets[t.name] ?? t.initial;
          return (
            <div key={t.name} className={styles.target}>
              <label>
                <input
                  type="checkbox"
                  checked={on}
                  onChange={(e) => {
                    const targets = { ...value.targets };
                    if (e.target.checked) targets[t.name] = t.initial;
                    else delete targets[t.name];
                    onChange({ ...value, targets });
                  }}
                  data-testid={`target-${t.name}-on`}
                />{" "}
                {t.label}
              </label>
              <input
                type="range"
                min={t.min}
                max={t.max}
                step={t.step}
                value={current}
                disabled={!on}
                aria-label={`${t.label} target`}
                aria-valuetext={t.unit ? `${current} ${t.unit}` : `${Math.round(current * 100)} percent`}
                onChange={(e) => onChange({ ...value, targets: { ...value.targets, [t.name]: Number(e.target.value) } })}
                data-testid={`target-${t.name}`}
              />
              <output className="muted small">{t.unit ? `${current} ${t.unit}` : `${Math.round(current * 100)}%`}</output>
            </div>
          );
        })}
      </details>
    </form>
  );
}
