"use client";
/** A line chart (SVG) of one descriptor over a list of tracks: the list's arc. */
import type { Track } from "@/lib/schemas";
import styles from "./Journeys.module.css";

export const ARC_DESCRIPTORS = [
  { name: "energy", label: "Energy" },
  { name: "tempo_bpm", label: "Tempo (BPM)" },
  { name: "brightness", label: "Brightness" },
] as const;
export type ArcDescriptor = (typeof ARC_DESCRIPTORS)[number]["name"];

const WIDTH = 600;
const HEIGHT = 160;
const PAD = 24;

export function ArcChart({ tracks, descriptor }: { tracks: Track[]; descriptor: ArcDescriptor }) {
  const values = tracks.map((t) => {
    const v = t.descriptors[descriptor];
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  });
  const known = values.filter((v): v is number => v !== null);
  const label = ARC_DESCRIPTORS.find((d) => d.name === descriptor)?.label ?? descriptor;
  if (known.length < 2) {
    return <p className="muted small" data-testid="arc-chart-empty">{label} is not measured for enough of these tracks yet.</p>;
  }
  const low = Math.min(...known);
  const high = Math.max(...known);
  const x = (i: number) => PAD + (i * (WIDTH - 2 * PAD)) / Math.max(1, values.length - 1);
  const y = (v: number) => HEIGHT - PAD - ((v - low) / (high - low || 1)) * (HEIGHT - 2 * PAD);
  // A gap in the line where a value is unknown, rather than a made-up point.
  const path = values
    .map((v, i) => (v === null ? null : `${i === 0 || values[i - 1] === null ? "M" : "L"}${x(i).toFixed(1)},${y(v).toFixed(1)}`))
    .filter(Boolean)
    .join(" ");
  const summary = `${label} from ${known[0]!.toFixed(2)} to ${known[known.length - 1]!.toFixed(2)} over ${values.length} tracks`;
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className={styles.chart} role="img" aria-label={summary} data-testid="arc-chart">
      <line x1={PAD} y1={HEIGHT - PAD} x2={WIDTH - PAD} y2={HEIGHT - PAD} stroke="currentColor" opacity={0.3} />
      <path d={path} fill="none" stroke="currentColor" strokeWidth={2} data-testid="arc-line" />
      {values.map((v, i) =>
        v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={3} fill="currentColor" data-testid="arc-point" />,
      )}
      <text x={PAD} y={14} fontSize={12} fill="currentColor">{`${label}: ${low.toFixed(2)}–${high.toFixed(2)}`}</text>
    </svg>
  );
}

export function ArcPicker({ value, onChange }: { value: ArcDescriptor; onChange: (d: ArcDescriptor) => void }) {
  return (
    <label className={styles.field}>
      <span className="small">Chart</span>
      <select value={value} onChange={(e) => onChange(e.target.value as ArcDescriptor)} data-testid="arc-descriptor">
        {ARC_DESCRIPTORS.map((d) => (
          <option key={d.name} value={d.name}>
            {d.label}
          </option>
        ))}
      </select>
    </label>
  );
}
