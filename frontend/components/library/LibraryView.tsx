"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { ImportedBadge } from "@/components/library/ImportedBadge";
import { TrackTitle } from "@/components/library/TrackTitle";
import { JobProgress } from "@/components/playlist/JobProgress";
import { ErrorState, EmptyState, Loading } from "@/components/ui/States";
import { api, ApiError, useApi } from "@/lib/client";
import { artistNames, audioStatusText, plural } from "@/lib/format";
import type { Job, Library, LibraryPlaylist, LibraryTrack } from "@/lib/schemas";
import styles from "./Library.module.css";

function Cover({ url, label }: { url: string | null; label: string }) {
  return url ? (
    <img src={url} alt="" width={56} height={56} loading="lazy" className={styles.cover} />
  ) : (
    <div className={styles.cover} aria-hidden="true">
      {label.slice(0, 1).toUpperCase()}
    </div>
  );
}

function PlaylistRow({ p }: { p: LibraryPlaylist }) {
  const owner = p.owner_name ?? null;
  const readable = p.contents_available !== false && p.id != null;
  const body = (
    <>
      <Cover url={p.image_url} label={p.name} />
      <div className={styles.meta}>
        <span className={styles.title}>{p.name}</span>
        <span className="muted small">
          {[owner ? `by ${owner}` : null, p.track_count != null ? plural(p.track_count, "track") : null].filter(Boolean).join(" · ")}
        </span>
      </div>
      <div className={styles.badges}>
        {p.imported ? <ImportedBadge /> : null}
        {p.owned ? <span className="chip">Yours</span> : null}
        {p.collaborative ? <span className="chip accent">Collaborative</span> : null}
        {!readable ? (
          <span className="chip warn" title="Spotify no longer lets apps read playlists you only follow">
            Not readable
          </span>
        ) : p.ingested ? (
          <span
            className="chip accent"
            title={`Its tracks are ${p.imported ? "imported" : "read from Spotify"}; the analysis of their sound is under way or to come`}
          >
            {p.analysed_track_count
              ? `${plural(p.analysed_track_count, "track")} analysed`
              : `Tracks ${p.imported ? "imported" : "read"}, sound not analysed yet`}
          </span>
        ) : (
          <span className="chip">Not analysed</span>
        )}
      </div>
    </>
  );
  return (
    <li data-testid="playlist-row" data-playlist-id={p.id ?? ""} data-readable={readable} data-source={p.source}>
      {readable ? (
        <Link href={`/playlist/${p.id}?name=${encodeURIComponent(p.name)}`} className={styles.row}>
          {body}
        </Link>
      ) : (
        <div className={`${styles.row} ${styles.disabled}`} aria-disabled="true">
          {body}
        </div>
      )}
    </li>
  );
}

function TrackRow({ t }: { t: LibraryTrack }) {
  return (
    <li data-testid="track-row" className={styles.row}>
      <Cover url={t.image_url} label={t.name} />
      <div className={styles.meta}>
        <TrackTitle t={t} />
        <span className="muted small">{[artistNames(t.artists), t.album].filter(Boolean).join(" · ")}</span>
      </div>
      <span className="chip small">{audioStatusText(t.audio_status)}</span>
    </li>
  );
}

type Tab = "playlists" | "saved" | "top";

export function LibraryView() {
  const [nonce, setNonce] = useState(0);
  const [tab, setTab] = useState<Tab>("playlists");
  const lib = useApi<Library>("/api/library", nonce);
  const [sync, setSync] = useState<Job | null>(null);
  const [syncError, setSyncError] = useState<string | null>(null);
  const autoSynced = useRef(false);
  const startSync = useCallback(async () => {
    setSyncError(null);
    try {
      const { data } = await api<Job>("/api/ingest/library", { method: "POST" });
      setSync(data);
    } catch (err) {
      setSyncError(err instanceof ApiError ? err.detail : "Could not read your library from Spotify.");
    }
  }, []);
  const onSynced = useCallback((job: Job) => {
    setSync(null);
    if (job.state !== "done") setSyncError(job.error ?? "Reading your library did not finish.");
    setNonce((n) => n + 1);
  }, []);
  // First visit: nothing read from Spotify yet, so read the library once, with progress.
  const empty =
    lib.state === "ready" && !lib.data.playlists.length && !lib.data.saved_tracks.length && !lib.data.top_tracks.length;
  useEffect(() => {
    if (!empty || autoSynced.current) return;
    autoSynced.current = true;
    api<Job>("/api/ingest/library", { method: "POST" }).then(
      ({ data }) => setSync(data),
      (err: unknown) => setSyncError(err instanceof ApiError ? err.detail : "Could not read your library from Spotify."),
    );
  }, [empty]);

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>Your library</h1>
          <p className="muted">Pick a playlist to analyse and get recommendations from.</p>
        </div>
        <button className="button secondary small" onClick={() => void startSync()} disabled={sync !== null} data-testid="sync-library">
          {sync ? "Reading from Spotify…" : "Refresh from Spotify"}
        </button>
      </div>
      {sync ? (
        <div className="card" style={{ padding: "1rem 1.2rem", marginBottom: "1rem" }} data-testid="library-sync">
          <p style={{ margin: "0 0 0.5rem" }}>Reading your playlists, saved and top tracks from Spotify…</p>
          <JobProgress initial={sync} onFinished={onSynced} />
        </div>
      ) : null}
      {syncError ? <ErrorState title="Your library could not be read" detail={syncError} /> : null}
      <div role="tablist" aria-label="Library sections" className={styles.tabs}>
        {(
          [
            ["playlists", "Playlists"],
            ["saved", "Saved tracks"],
            ["top", "Top tracks"],
          ] as const
        ).map(([id, label]) => (
          <button
            key={id}
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            className={styles.tab}
            onClick={() => setTab(id)}
          >
            {label}
            {lib.state === "ready" ? (
              <span className={styles.count}>
                {id === "playlists" ? lib.data.playlists.length : id === "saved" ? lib.data.saved_tracks.length : lib.data.top_tracks.length}
              </span>
            ) : null}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} aria-busy={lib.state === "loading"}>
        {lib.state === "loading" || (empty && sync) ? <Loading label="Loading your library" rows={5} /> : null}
        {lib.state === "error" ? (
          <ErrorState
            title={lib.error.title}
            detail={lib.error.detail}
            action={
              <button className="button secondary" onClick={() => setNonce((n) => n + 1)}>
                Try again
              </button>
            }
          />
        ) : null}
        {lib.state === "ready" && tab === "playlists" ? (
          lib.data.playlists.length ? (
            <ul className={styles.list} aria-label="Playlists">
              {lib.data.playlists.map((p) => (
                <PlaylistRow key={p.id} p={p} />
              ))}
            </ul>
          ) : (
            <EmptyState title="No playlists yet">
              Create a playlist in Spotify, or import an Exportify file with <code>resonance import exportify</code>, and it
              will show up here.
            </EmptyState>
          )
        ) : null}
        {lib.state === "ready" && tab !== "playlists" ? (
          (tab === "saved" ? lib.data.saved_tracks : lib.data.top_tracks).length ? (
            <ul className={styles.list} aria-label={tab === "saved" ? "Saved tracks" : "Top tracks"}>
              {(tab === "saved" ? lib.data.saved_tracks : lib.data.top_tracks).map((t, i) => (
                <TrackRow key={`${t.spotify_id ?? ""}-${i}`} t={t} />
              ))}
            </ul>
          ) : (
            <EmptyState title={tab === "saved" ? "No saved tracks" : "No top tracks yet"}>
              {tab === "saved" ? "Like songs in Spotify to see them here." : "Spotify builds this from your listening over time."}
            </EmptyState>
          )
        ) : null}
      </section>
    </div>
  );
}
