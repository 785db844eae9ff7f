import Link from "next/link";
import { memo } from "react";
import { ExplanationBar } from "@/components/recommendations/ExplanationBar";
import { artistNames, matchText, previewOf } from "@/lib/format";
import type { Recommendation } from "@/lib/schemas";
import styles from "./Recommendations.module.css";

export const RecommendationCard = memo(function RecommendationCard({
  rec,
  playing,
  onPlay,
  eager,
}: {
  rec: Recommendation;
  playing: boolean;
  onPlay: (rec: Recommendation) => void;
  eager: boolean;
}) {
  const { track, explanation: ex } = rec;
  const preview = previewOf(track);
  const comparisons = ex.closest.slice(0, 3);
  // Facts shown below in their own form (comparison bullets, genre chips, the diversity note)
  // are not repeated among the sentences above them.
  const sentences = ex.sentences.filter(
    (x) =>
      x !== ex.diversity_note &&
      !(comparisons.length && x.startsWith("Sounds alike")) &&
      !(ex.shared_genres.length && x.startsWith("Shared genres")) &&
      !(ex.related_genres.length && x.startsWith("Its genre")),
  );
  const headingId = `rec-${track.id}`;
  return (
    <li className={`card ${styles.card}`} data-testid="rec-card" data-track-id={track.id} aria-labelledby={headingId}>
      <div className={styles.art}>
        {track.image_url ? (
          <img src={track.image_url} alt="" width={96} height={96} loading={eager ? "eager" : "lazy"} decoding="async" />
        ) : (
          <div className={styles.noArt} aria-hidden="true">♪</div>
        )}
        {preview ? (
          <button
            type="button"
            className={styles.play}
            onClick={() => onPlay(rec)}
            aria-pressed={playing}
            aria-label={`${playing ? "Pause" : "Play"} preview of ${track.name}`}
            title={`Preview from ${preview.source}`}
            data-testid="preview-play"
          >
            {playing ? "❚❚" : "▶"}
          </button>
        ) : null}
      </div>
      <div className={styles.body}>
        <div className={styles.titleRow}>
          <div className={styles.titles}>
            <h3 id={headingId}>
              <span className={styles.rank}>{rec.rank}.</span>{" "}
              <Link href={`/track/${track.id}`}>{track.name}</Link>
            </h3>
            <p className="muted small">
              {artistNames(track.artists)}
              {track.album ? ` · ${track.album}` : ""}
              {track.explicit ? <span className={styles.explicit} title="Explicit">E</span> : null}
            </p>
            {ex.found_by ? (
              <span className={`chip accent ${styles.badge}`} title={ex.provenance ?? undefined} data-testid="provenance-badge">
                {ex.found_by}
              </span>
            ) : null}
          </div>
          <span className={styles.score} title="Match: the score as a share of the best possible" data-testid="score">
            {matchText(rec.match)}
            <span className="muted small"> match</span>
          </span>
        </div>
        <ExplanationBar shares={ex.shares} match={rec.match} summary={ex.summary} />
        {sentences.length ? (
          <p className={styles.sentence} data-testid="explanation">
            {sentences.slice(0, 2).join(" ")}
          </p>
        ) : null}
        {comparisons.length ? (
          <ul className={styles.comparisons} aria-label="Compared with your seeds">
            {comparisons.map((c) => (
              <li key={c.name}>{c.text}</li>
            ))}
          </ul>
        ) : null}
        {ex.shared_genres.length || ex.related_genres.length ? (
          <div className={styles.genres} aria-label="Genres">
            {ex.shared_genres.slice(0, 4).map((g) => (
              <span key={g} className="chip accent" data-testid="shared-genre">
                {g}
              </span>
            ))}
            {ex.related_genres.slice(0, 2).map((g) => (
              <span key={g.genre} className="chip" title={`close to ${g.seed_genre}`}>
                {g.genre} ≈ {g.seed_genre}
              </span>
            ))}
          </div>
        ) : null}
        {ex.diversity_note ? (
          <p className="muted small" data-testid="diversity-note">
            {ex.diversity_note}
          </p>
        ) : null}
      </div>
    </li>
  );
});
