"use client";
/** A radio from seed tracks: like, skip or dislike what plays, and the next batch adapts. */
import Link from "next/link";
import { useState } from "react";
import { asApiError, Problem } from "@/components/journeys/Problem";
import { LibraryPicker } from "@/components/journeys/LibraryPicker";
import { ErrorState, Loading } from "@/components/ui/States";
import { api, ApiError, useApi } from "@/lib/client";
import { artistNames } from "@/lib/format";
import type { RadioBatch, Signal } from "@/lib/journeys";
import type { Library } from "@/lib/schemas";
import styles from "./Journeys.module.css";

const SIGNALS: { signal: Signal; label: string }[] = [
  { signal: "like", label: "Like" },
  { signal: "skip", label: "Skip" },
  { signal: "dislike", label: "Dislike" },
];

export function RadioView({ seeds }: { seeds: number[] }) {
  const library = useApi<Library>(seeds.length ? null : "/api/library");
  const [seed, setSeed] = useState<number | null>(null);
  const [batch, setBatch] = useState<RadioBatch | null>(null);
  const [given, setGiven] = useState<Record<number, Signal>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function run(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }
  const start = () =>
    run(async () => {
      const seedIds = seeds.length ? seeds : seed !== null ? [seed] : [];
      setBatch((await api<RadioBatch>("/api/radio", { method: "POST", json: { seed_track_ids: seedIds } })).data);
      setGiven({});
    });
  const next = () =>
    run(async () => {
      if (!batch) return;
      setBatch((await api<RadioBatch>(`/api/radio/${batch.session_id}/next`, { method: "POST", json: {} })).data);
      setGiven({});
    });
  const feedback = (trackId: number, signal: Signal) =>
    run(async () => {
      if (!batch) return;
      await api(`/api/radio/${batch.session_id}/feedback`, { method: "POST", json: { track_id: trackId, signal } });
      setGiven((g) => ({ ...g, [trackId]: signal }));
    });

  if (!batch) {
    if (!seeds.length && library.state === "loading") return <Loading label="Loading your library" />;
    if (!seeds.length && library.state === "error") return <ErrorState title={library.error.title} detail={library.error.detail} />;
    const tracks = library.state === "ready" ? [...library.data.saved_tracks, ...library.data.top_tracks] : [];
    return (
      <section className={`card ${styles.panel}`} aria-label="Start a radio">
        {seeds.length ? (
          <p>Starting from {seeds.length === 1 ? "one track" : `${seeds.length} tracks`}.</p>
        ) : (
          <LibraryPicker label="Seed track" tracks={tracks} value={seed} onChange={setSeed} testId="radio-seed" />
        )}
        <div className={styles.row}>
          <button className="button" onClick={start} disabled={busy || (!seeds.length && seed === null)} data-testid="start-radio">
            {busy ? "Tuning in…" : "Start the radio"}
          </button>
        </div>
        <Problem error={error} testId="radio-error" />
      </section>
    );
  }
  return (
    <section aria-label="Now playing" data-testid="radio" data-session={batch.session_id}>
      {batch.changes.length ? (
        <div className={`card ${styles.panel}`} data-testid="radio-changes">
          <strong>What your feedback changed</strong>
          <ul className={styles.changes}>
            {batch.changes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <ol className={styles.list}>
        {batch.tracks.map((t) => (
          <li key={t.track.id} className={styles.item} data-testid="radio-track" data-track-id={t.track.id}>
            <Link href={`/track/${t.track.id}`}>{t.track.name}</Link>
            <span className="muted small">{artistNames(t.track.artists)}</span>
            <p className={`small ${styles.why}`} data-testid="radio-because">
              {t.because}
            </p>
            <div className={styles.buttons} role="group" aria-label={`Feedback on ${t.track.name}`}>
              {SIGNALS.map(({ signal, label }) => (
                <button
                  key={signal}
                  className={`button secondary small${given[t.track.id] === signal ? ` ${styles.chosen}` : ""}`}
                  aria-pressed={given[t.track.id] === signal}
                  onClick={() => feedback(t.track.id, signal)}
                  disabled={busy}
                  data-testid={`radio-${signal}`}
                >
                  {label}
                </button>
              ))}
            </div>
          </li>
        ))}
      </ol>
      <Problem error={error} testId="radio-error" />
      <div className={styles.row}>
        <button className="button" onClick={next} disabled={busy} data-testid="radio-next">
          {busy ? "Choosing…" : "Play the next batch"}
        </button>
      </div>
    </section>
  );
}
