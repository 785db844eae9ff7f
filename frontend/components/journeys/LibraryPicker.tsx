"use client";
/** Choose a track from the library (saved and top tracks), narrowed by a search box. */
import { useMemo, useState } from "react";
import { artistNames } from "@/lib/format";
import type { LibraryTrack } from "@/lib/schemas";
import styles from "./Journeys.module.css";

export function LibraryPicker({
  label,
  tracks,
  value,
  onChange,
  testId,
}: {
  label: string;
  tracks: LibraryTrack[];
  value: number | null;
  onChange: (id: number | null) => void;
  testId: string;
}) {
  const [query, setQuery] = useState("");
  const options = useMemo(() => {
    const q = query.trim().toLowerCase();
    const seen = new Set<number>();
    return tracks.filter((t) => {
      if (!t.track_id || seen.has(t.track_id)) return false;
      seen.add(t.track_id);
      return !q || `${t.name} ${artistNames(t.artists)}`.toLowerCase().includes(q);
    });
  }, [tracks, query]);
  return (
    <div className={styles.field}>
      <label className="small">
        {label}: search
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} data-testid={`${testId}-search`} />
      </label>
      <select
        aria-label={label}
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)}
        data-testid={testId}
      >
        <option value="">Choose a track…</option>
        {options.map((t) => (
          <option key={t.track_id} value={t.track_id!}>
            {t.name} — {artistNames(t.artists)}
          </option>
        ))}
      </select>
    </div>
  );
}
