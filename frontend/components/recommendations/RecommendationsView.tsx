"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { useSearchParams } from "next/navigation";
import { Controls, controlsFromSearch, searchWithControls, type ControlsState } from "@/components/recommendations/Controls";
import { RecommendationCard } from "@/components/recommendations/RecommendationCard";
import { SavePlaylist } from "@/components/recommendations/SavePlaylist";
import { JobProgress } from "@/components/playlist/JobProgress";
import { ErrorState, EmptyState, Loading } from "@/components/ui/States";
import { api, ApiError } from "@/lib/client";
import { previewOf } from "@/lib/format";
import type { RecommendControlLimits } from "@/lib/api/limits";
import type { Job, Recommendation, RecommendResult, TargetName } from "@/lib/schemas";
import styles from "./Recommendations.module.css";

type Ok = Extract<RecommendResult, { status: "ok" }>;

export interface Seeds {
  playlistId?: string;
  trackIds?: number[];
}

/** While discovery is still finding music, ask again this often. */
const DISCOVERY_POLL_MS = 1500;

/** Targets set on the page pull a little harder than the API's default strength. */
const TARGET_STRENGTH = 0.6;

function body(seeds: Seeds, c: ControlsState) {
  return {
    ...(seeds.playlistId ? { playlist_id: seeds.playlistId } : {}),
    ...(seeds.trackIds?.length ? { track_ids: seeds.trackIds } : {}),
    source: c.source,
    n: c.n,
    diversity: c.diversity,
    genre_mode: c.genre_mode,
    targets: (Object.entries(c.targets) as [TargetName, number][]).map(([name, value]) => ({ name, value, strength: TARGET_STRENGTH })),
  };
}

export function RecommendationsView({ seeds, title, limits }: { seeds: Seeds; title: string; limits: RecommendControlLimits }) {
  // The controls live in the URL: a reload or a shared link asks the same, and Back undoes a change.
  const searchParams = useSearchParams();
  const [initial] = useState<ControlsState>(() => controlsFromSearch(new URLSearchParams(searchParams.toString()), limits));
  const [controls, setControls] = useState<ControlsState>(initial);
  const lastPush = useRef(0);
  // When a control changes nothing, the catalogue is the limit: say so rather than look broken.
  const changedControl = useRef<string | null>(null);
  const lastIds = useRef<string>("");
  const [unchanged, setUnchanged] = useState<string | null>(null);
  const [result, setResult] = useState<Ok | null>(null);
  const [version, setVersion] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState<Job | null>(null);
  const [playing, setPlaying] = useState<number | null>(null);
  const audio = useRef<HTMLAudioElement | null>(null);
  const inflight = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const seedsKey = JSON.stringify(seeds);

  const retries = useRef(0);
  const runRef = useRef<(c: ControlsState) => void>(() => {});
  const settle = useCallback((ctrl: AbortController, outcome: { data: RecommendResult } | { error: unknown }, retry: () => void) => {
    if (ctrl.signal.aborted) return;
    // 409 while the catalogue's index is still being built: ask again a few times before giving up.
    if ("error" in outcome && outcome.error instanceof ApiError && outcome.error.status === 409 && retries.current < 5) {
      retries.current += 1;
      setTimeout(() => {
        if (!ctrl.signal.aborted) retry();
      }, 3000);
      return;
    }
    retries.current = 0;
    if ("data" in outcome) {
      if (outcome.data.status === "pending") {
        setPending(outcome.data.job);
      } else {
        setPending(null);
        const ids = outcome.data.items.map((i) => i.track.id).join(",");
        const control = changedControl.current;
        setUnchanged(
          control && ids === lastIds.current && ids
            ? `Same list as before: with what your catalogue holds, ${control} finds nothing else to prefer. Analyse more playlists to widen it.`
            : null,
        );
        changedControl.current = null;
        lastIds.current = ids;
        setResult(outcome.data);
        setVersion((v) => v + 1);
      }
      setError(null);
    } else {
      const err = outcome.error;
      setError(err instanceof ApiError ? err : new ApiError(0, "Something went wrong", "Try again in a moment."));
    }
    if (inflight.current === ctrl) setLoading(false);
  }, []);

  const run = useCallback(
    (c: ControlsState) => {
      inflight.current?.abort();
      const ctrl = new AbortController();
      inflight.current = ctrl;
      api<RecommendResult>("/api/recommend", {
        method: "POST",
        json: body(JSON.parse(seedsKey) as Seeds, c),
        signal: ctrl.signal,
      }).then(
        ({ data }) => settle(ctrl, { data }, again),
        (error: unknown) => {
          if ((error as Error).name !== "AbortError") settle(ctrl, { error }, again);
        },
      );
      function again() {
        runRef.current(c);
      }
    },
    [seedsKey, settle],
  );

  useEffect(() => {
    runRef.current = run;
  }, [run]);

  useEffect(() => {
    run(initial);
    return () => inflight.current?.abort();
  }, [run, initial]);

  useEffect(() => {
    const onPop = () => {
      const c = controlsFromSearch(new URLSearchParams(window.location.search), limits);
      setControls(c);
      setLoading(true);
      runRef.current(c);
    };
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, [limits]);

  const onControls = (next: ControlsState) => {
    changedControl.current =
      next.genre_mode !== controls.genre_mode
        ? `“${next.genre_mode.charAt(0).toUpperCase()}${next.genre_mode.slice(1)}”`
        : next.diversity !== controls.diversity
          ? "more or less diversity"
          : null;
    setControls(next);
    clearTimeout(timer.current);
    // Sliders fire on every step: wait for a short pause before asking again.
    timer.current = setTimeout(() => {
      setLoading(true);
      run(next);
      const url = `${window.location.pathname}?${searchWithControls(new URLSearchParams(window.location.search), next, limits)}`;
      // One history entry per deliberate change: a slider drag replaces its own entry.
      if (Date.now() - lastPush.current > 1000) window.history.pushState(null, "", url);
      else window.history.replaceState(null, "", url);
      lastPush.current = Date.now();
    }, 80);
  };

  // Discovery is still finding new music for these seeds: ask again until it settles (what
  // it finds can outrank what was there, so a full list may still change).
  useEffect(() => {
    if (!result || loading || result.discovery?.state !== "finding") return;
    const poll = setTimeout(() => runRef.current(controls), DISCOVERY_POLL_MS);
    return () => clearTimeout(poll);
  }, [result, loading, controls]);

  const onJobDone = useCallback(
    (job: Job) => {
      if (job.state === "done") {
        setLoading(true);
        run(controls);
      }
      else setPending(job);
    },
    [run, controls],
  );

  const onPlay = useCallback((rec: Recommendation) => {
    const el = audio.current;
    const preview = previewOf(rec.track);
    if (!el || !preview) return;
    setPlaying((current) => {
      if (current === rec.track.id) {
        el.pause();
        return null;
      }
      el.src = preview.src;
      void el.play().catch(() => setPlaying(null));
      return rec.track.id;
    });
  }, []);

  const items = result?.items ?? [];
  const discovery = result?.discovery ?? null;
  const notes = (result?.notes ?? []).filter((note) => note !== discovery?.message);
  const mapHref = result
    ? `/map?seeds=${result.seeds.map((s) => s.id).slice(0, 200).join(",")}&recs=${items.map((i) => i.track.id).join(",")}`
    : "/map";

  return (
    <div>
      <div className="page-head">
        <div>
          <p className="muted small">Recommendations</p>
          <h1>{title}</h1>
          {result ? (
            <p className="muted small" data-testid="seed-summary">
              From {result.seeds.length} seed track{result.seeds.length === 1 ? "" : "s"}
              {result.seeds.length ? ` like ${result.seeds.slice(0, 2).map((s) => s.name).join(" and ")}` : ""} ·{" "}
              {Math.round(result.took_ms)} ms
            </p>
          ) : null}
        </div>
        <Link className="button secondary small" href={mapHref}>
          See them on the map
        </Link>
      </div>

      <div className={styles.layout}>
        <aside className={styles.side}>
          <Controls value={controls} onChange={onControls} limits={limits} />
          {result && items.length ? (
            <SavePlaylist trackIds={items.flatMap((i) => (i.track.spotify_id ? [i.track.spotify_id] : []))} defaultName={`Resonance · ${title}`} maxName={limits.playlistName.max} />
          ) : null}
        </aside>
        <section aria-label="Results" aria-busy={loading} className={styles.results}>
          {pending ? (
            <div className={`card ${styles.pending}`}>
              <p>Analysing the playlist before recommending…</p>
              <JobProgress initial={pending} onFinished={onJobDone} />
            </div>
          ) : null}
          {error ? (
            <ErrorState
              title={error.title}
              detail={error.detail}
              action={
                <button
                  className="button secondary"
                  onClick={() => {
                    setLoading(true);
                    run(controls);
                  }}
                >
                  Try again
                </button>
              }
            />
          ) : null}
          {!result && loading && !pending ? <Loading label="Finding recommendations" rows={6} /> : null}
          {discovery?.message ? (
            <div
              className={`card ${styles.note} ${styles.discovery}`}
              role="status"
              data-testid="discovery-status"
              data-state={discovery.state}
            >
              <p>{discovery.message}</p>
              {discovery.state !== "finding" && discovery.state !== "paused" && controls.source === "new" ? (
                <button
                  type="button"
                  className="button secondary small"
                  onClick={() => onControls({ ...controls, source: "library" })}
                  data-testid="offer-library"
                >
                  From my library
                </button>
              ) : null}
            </div>
          ) : null}
          {notes.length ? (
            <div className={`card ${styles.note}`} role="status" data-testid="list-note">
              {notes.map((note) => (
                <p key={note}>{note}</p>
              ))}
            </div>
          ) : null}
          {unchanged ? (
            <p className="muted small" role="status" data-testid="unchanged-note">
              {unchanged}
            </p>
          ) : null}
          {result && !items.length && !discovery?.message && !notes.length ? (
            <EmptyState title="No recommendations">Try more diversity, another genre mode, or fewer targets.</EmptyState>
          ) : null}
          {items.length ? (
            <ol
              className={`${styles.list}${loading ? ` ${styles.stale}` : ""}`}
              data-testid="rec-list"
              data-version={version}
            >
              {items.map((rec, i) => (
                <RecommendationCard key={rec.track.id} rec={rec} playing={playing === rec.track.id} onPlay={onPlay} eager={i < 4} />
              ))}
            </ol>
          ) : null}
          <span className="visually-hidden" aria-live="polite">
            {loading ? "Updating recommendations" : result ? `${items.length} recommendations` : ""}
          </span>
        </section>
      </div>
      <audio ref={audio} onEnded={() => setPlaying(null)} preload="none" />
    </div>
  );
}
