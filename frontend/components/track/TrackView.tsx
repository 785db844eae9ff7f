"use client";

import Link from "next/link";
import { useState } from "react";
import { DescriptorChart } from "@/components/track/DescriptorChart";
import { ErrorState, EmptyState, Loading } from "@/components/ui/States";
import { useApi } from "@/lib/client";
import { artistNames, audioStatusText, matchText, previewOf } from "@/lib/format";
import type { SimilarResult, Track } from "@/lib/schemas";
import styles from "./Track.module.css";

export function TrackView({ id }: { id: number }) {
  const [nonce, setNonce] = useState(0);
  const track = useApi<Track>(`/api/tracks/${id}`, nonce);
  const similar = useApi<SimilarResult>(`/api/tracks/${id}/similar`, nonce);
  const retry = (
    <button className="button secondary" onClick={() => setNonce((n) => n + 1)}>
      Try again
    </button>
  );
  if (track.state === "loading") return <Loading label="Loading the track" rows={4} />;
  if (track.state === "error") return <ErrorState title={track.error.title} detail={track.error.detail} action={retry} />;
  const t = track.data;
  const preview = previewOf(t);
  return (
    <div className={styles.page}>
      <div className={styles.head}>
        {t.image_url ? <img src={t.image_url} alt="" width={160} height={160} className={styles.cover} /> : null}
        <div>
          <p className="muted small">Track · {audioStatusText(t.audio_status)}</p>
          <h1>{t.name}</h1>
          <p className="muted">
            {artistNames(t.artists)}
            {t.album ? ` · ${t.album}` : ""}
          </p>
          <div className={styles.genres}>
            {t.genres.length ? t.genres.map((g) => <span key={g} className="chip">{g}</span>) : <span className="muted small">No genres known</span>}
          </div>
          {preview ? (
            <figure className={styles.audio}>
              <audio controls preload="none" src={preview.src} aria-label={`Preview of ${t.name}`} data-testid="preview-audio" />
              <figcaption className="muted small">Preview from {preview.source}</figcaption>
            </figure>
          ) : null}
          <p>
            <Link className="button small" href={`/recommendations?tracks=${t.id}&title=${encodeURIComponent(`Like ${t.name}`)}`}>
              Recommend from this track
            </Link>
          </p>
        </div>
      </div>
      <div className={styles.columns}>
        <section className="card" aria-labelledby="desc-h" style={{ padding: "1rem 1.2rem" }}>
          <h2 id="desc-h">How it sounds</h2>
          <DescriptorChart descriptors={t.descriptors} />
        </section>
        <section aria-labelledby="sim-h">
          <h2 id="sim-h">Similar tracks</h2>
          {similar.state === "loading" ? <Loading label="Finding similar tracks" rows={4} /> : null}
          {similar.state === "error" ? <ErrorState title={similar.error.title} detail={similar.error.detail} /> : null}
          {similar.state === "ready" ? (
            similar.data.items.length ? (
              <ol className={styles.similar}>
                {similar.data.items.map((r) => (
                  <li key={r.track.id}>
                    <Link href={`/track/${r.track.id}`}>{r.track.name}</Link>
                    <span className="muted small"> · {artistNames(r.track.artists)}</span>
                    <span className={styles.sim}>{matchText(r.match)} match</span>
                    {r.explanation.sentences[0] ? <p className="muted small">{r.explanation.sentences[0]}</p> : null}
                  </li>
                ))}
              </ol>
            ) : (
              <EmptyState title="Nothing similar yet">Analyse more playlists to grow the catalogue.</EmptyState>
            )
          ) : null}
        </section>
      </div>
    </div>
  );
}
