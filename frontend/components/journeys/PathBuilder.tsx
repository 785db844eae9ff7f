"use client";
/** The path builder: pick A and B, get a path of songs between them, each step explained. */
import Link from "next/link";
import { useState } from "react";
import { ArcChart, ArcPicker, type ArcDescriptor } from "@/components/journeys/ArcChart";
import { asApiError, Problem } from "@/components/journeys/Problem";
import { LibraryPicker } from "@/components/journeys/LibraryPicker";
import { ErrorState, Loading } from "@/components/ui/States";
import { api, ApiError, useApi } from "@/lib/client";
import { artistNames } from "@/lib/format";
import type { PathResult } from "@/lib/journeys";
import type { Library } from "@/lib/schemas";
import styles from "./Journeys.module.css";

export function PathBuilder({ steps: limits }: { steps: { min: number; max: number; default: number } }) {
  const library = useApi<Library>("/api/library");
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [steps, setSteps] = useState(limits.default);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [path, setPath] = useState<PathResult | null>(null);
  const [descriptor, setDescriptor] = useState<ArcDescriptor>("energy");

  if (library.state === "loading") return <Loading label="Loading your library" />;
  if (library.state === "error") return <ErrorState title={library.error.title} detail={library.error.detail} />;
  const tracks = [...library.data.saved_tracks, ...library.data.top_tracks];

  async function build() {
    if (from === null || to === null) return;
    setBusy(true);
    setError(null);
    try {
      setPath((await api<PathResult>("/api/paths", { method: "POST", json: { from_track: from, to_track: to, steps } })).data);
    } catch (err) {
      setPath(null);
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <section className={`card ${styles.panel}`} aria-label="Choose the ends">
        <div className={styles.row}>
          <LibraryPicker label="From (A)" tracks={tracks} value={from} onChange={setFrom} testId="path-from" />
          <LibraryPicker label="To (B)" tracks={tracks} value={to} onChange={setTo} testId="path-to" />
          <label className={styles.field}>
            <span className="small">Tracks in the path, A and B included</span>
            <input
              type="number"
              min={limits.min}
              max={limits.max}
              value={steps}
              onChange={(e) => setSteps(Number(e.target.value))}
              data-testid="path-steps"
            />
          </label>
        </div>
        <div className={styles.row}>
          <button className="button" onClick={build} disabled={busy || from === null || to === null} data-testid="build-path">
            {busy ? "Finding a way…" : "Build the path"}
          </button>
        </div>
        <Problem error={error} testId="path-error" />
      </section>
      {path ? (
        <section aria-label="The path" data-testid="path-result">
          <ArcPicker value={descriptor} onChange={setDescriptor} />
          <ArcChart tracks={path.steps.map((s) => s.track)} descriptor={descriptor} />
          <ol className={styles.list}>
            {path.steps.map((s) => (
              <li key={s.track.id} className={styles.item} data-testid="path-step" data-track-id={s.track.id}>
                <Link href={`/track/${s.track.id}`}>{s.track.name}</Link>
                <span className="muted small">{artistNames(s.track.artists)}</span>
                <p className={`small ${styles.why}`} data-testid="step-sentence">
                  {s.sentence}
                </p>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </>
  );
}
