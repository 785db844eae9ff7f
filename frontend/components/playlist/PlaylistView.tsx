"use client";

import Link from "next/link";
import { useCallback, useState } from "react";
import { OrderForFlow } from "@/components/journeys/OrderForFlow";
import { ImportedBadge } from "@/components/library/ImportedBadge";
import { TrackTitle } from "@/components/library/TrackTitle";
import { JobProgress } from "@/components/playlist/JobProgress";
import { SoundProgress } from "@/components/playlist/SoundProgress";
import { ErrorState, EmptyState, Loading } from "@/components/ui/States";
import { api, ApiError, useApi } from "@/lib/client";
import { artistNames, audioStatusText, plural } from "@/lib/format";
import type { Job, PlaylistDetail } from "@/lib/schemas";
import lib from "@/components/library/Library.module.css";
import styles from "./Playlist.module.css";

export function PlaylistView({ id, fallbackName, orderLimit }: { id: string; fallbackName: string; orderLimit: number }) {
  const [nonce, setNonce] = useState(0);
  const playlist = useApi<PlaylistDetail>(`/api/playlists/${id}`, nonce);
  const [job, setJob] = useState<Job | null>(null);
  const [finished, setFinished] = useState<Job | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  const refresh = useCallback(() => setNonce((n) => n + 1), []);
  const analyse = async () => {
    setStarting(true);
    setStartError(null);
    setFinished(null);
    try {
      const { data } = await api<Job>(`/api/ingest/playlists/${id}`, { method: "POST" });
      setJob(data);
    } catch (err) {
      setStartError(err instanceof ApiError ? err.detail : "Could not start the analysis.");
    } finally {
      setStarting(false);
    }
  };
  const onFinished = useCallback((j: Job) => {
    // Reading the playlist hands the audio analysis to a job of its own: follow it when named.
    const next = j.counters.audio_job_id;
    if (j.state === "done" && typeof next === "string" && next !== j.id) {
      setJob({ id: next, kind: "audio", state: "queued", stage: "audio", progress_done: 0, counters: {} });
      setNonce((n) => n + 1);
      return;
    }
    setFinished(j);
    if (j.state === "done") setNonce((n) => n + 1);
  }, []);

  if (playlist.state === "loading") return <Loading label="Loading the playlist" rows={6} />;
  // 404 "not_found": Spotify has no playlist of this id (a mistyped or stale link).
  if (playlist.state === "error" && playlist.error.status === 404 && playlist.error.code === "not_found")
    return (
      <div data-testid="not-found">
        <h1>Playlist not found</h1>
        <p className="muted">{playlist.error.detail}</p>
        <Link className="button secondary" href="/library">
          Back to your library
        </Link>
      </div>
    );
  // Any other 404: never read from Spotify yet — the page still offers to analyse it.
  const notIngested = playlist.state === "error" && playlist.error.status === 404;
  if (playlist.state === "error" && !notIngested)
    return (
      <ErrorState
        title={playlist.error.title}
        detail={playlist.error.detail}
        action={
          <Link className="button secondary" href="/library">
            Back to your library
          </Link>
        }
      />
    );
  const p: PlaylistDetail =
    playlist.state === "ready"
      ? playlist.data
      : {
          id,
          name: fallbackName,
          collaborative: false,
          contents_available: true,
          image_url: null,
          tracks: [],
          ingested: false,
          source: "spotify",
          imported: false,
        };
  const analysed = finished?.state === "done" || (p.ingested && !job);
  // Followed playlists of others: Spotify shows their name but not their tracks to apps.
  const unreadable = !p.contents_available;
  const empty = p.ingested && !unreadable && !p.tracks.length;
  const catalogued = p.tracks.map((t) => t.track_id).filter((t): t is number => t !== null);
  return (
    <div>
      <div className={styles.head}>
        {p.image_url ? <img src={p.image_url} alt="" width={120} height={120} className={styles.cover} /> : null}
        <div>
          <p className="muted small">
            Playlist{p.owner_name ? ` · by ${p.owner_name}` : ""}
            {p.imported ? " · " : null}
            {p.imported ? <ImportedBadge /> : null}
          </p>
          <h1>{p.name}</h1>
          {p.description ? <p className="muted">{p.description}</p> : null}
          {p.tracks.length ? <p className="muted small">{plural(p.tracks.length, "track")}</p> : null}
        </div>
      </div>

      {unreadable ? (
        <section className={`card ${styles.panel}`} aria-labelledby="analyse-heading" data-testid="unreadable">
          <h2 id="analyse-heading">Resonance can&apos;t read this playlist</h2>
          <p className="muted">
            Spotify lets apps read a playlist&apos;s tracks only for its owner and collaborators
            {p.owner_name ? `, and this one belongs to ${p.owner_name}` : ""}. To get recommendations from these tracks, copy
            them into a playlist of your own in Spotify, then analyse that one.
          </p>
          <div className={styles.actions}>
            <Link className="button secondary" href="/library">
              Back to your library
            </Link>
          </div>
        </section>
      ) : (
      <section className={`card ${styles.panel}`} aria-labelledby="analyse-heading">
        <h2 id="analyse-heading">Analyse and recommend</h2>
        <p className="muted">
          {p.imported
            ? "Its tracks came with the file, so it recommends already. Analysing measures their sound, which recommendations then use too."
            : "Resonance reads the tracks, measures their sound and places them among everything it knows. Then it can recommend."}
        </p>
        {job && !finished ? <JobProgress key={job.id} initial={job} onFinished={onFinished} /> : null}
        {finished && finished.state !== "done" ? <JobProgress initial={finished} onFinished={() => {}} /> : null}
        {startError ? <p role="alert" className={styles.error}>{startError}</p> : null}
        {empty ? (
          <p role="status" data-testid="empty-playlist">
            This playlist has no tracks yet, so there is nothing to recommend from.{" "}
            {p.imported ? "Import a file with tracks in it." : "Add some in Spotify, then analyse it again."}
          </p>
        ) : null}
        <div className={styles.actions}>
          {analysed && !empty ? (
            <Link className="button" href={`/recommendations?playlist=${id}&title=${encodeURIComponent(p.name)}`} data-testid="get-recommendations">
              Get recommendations
            </Link>
          ) : null}
          {analysed && catalogued.length ? (
            <Link className="button secondary" href={`/radio?seeds=${catalogued.slice(0, 50).join(",")}`} data-testid="start-playlist-radio">
              Start a radio
            </Link>
          ) : null}
          <button
            className={`button${analysed ? " secondary" : ""}`}
            onClick={analyse}
            disabled={starting || (job !== null && finished === null)}
            data-testid="analyse"
          >
            {analysed ? "Analyse again" : job && !finished ? "Analysing…" : "Analyse"}
          </button>
        </div>
        {finished?.state === "done" ? (
          <>
            <p className="small" role="status" data-testid="analysis-done">
              {p.imported ? "Sound measured" : "Playlist read"}
              {finished.progress_total ? `: ${finished.progress_done} of ${finished.progress_total} steps` : ""}.
            </p>
            <SoundProgress id={id} onComplete={refresh} />
          </>
        ) : null}
      </section>
      )}

      {/* Shown whenever two tracks are catalogued, so a re-analysis does not wipe an order on screen. */}
      <OrderForFlow trackIds={catalogued} maxTracks={orderLimit} />
      <h2 className={styles.sub}>Tracks</h2>
      {p.tracks.length ? (
        <ol className={lib.list} aria-label="Tracks in this playlist">
          {p.tracks.map((t, i) => (
            <li key={`${t.spotify_id ?? ""}-${i}`}>
              <div className={lib.row}>
                <span className={styles.num}>{i + 1}</span>
                <div className={lib.meta}>
                  <TrackTitle t={t} />
                  <span className="muted small">{artistNames(t.artists)}</span>
                </div>
                <span className="chip small">{audioStatusText(t.audio_status)}</span>
              </div>
            </li>
          ))}
        </ol>
      ) : (
        <EmptyState title={unreadable ? "Tracks not readable" : notIngested ? "Not read yet" : "This playlist is empty"}>
          {unreadable
            ? "Spotify does not show this playlist's tracks to apps."
            : notIngested
              ? "Analyse it to read its tracks from Spotify."
              : null}
        </EmptyState>
      )}
    </div>
  );
}
