import { blockLabel, matchText, percent } from "@/lib/format";
import styles from "./Recommendations.module.css";

const KNOWN = new Set(["audio", "spotify", "genre", "cooc", "playlists", "targets"]);

/** The score split by block, drawn as one stacked bar (each part's share of it); the shares sum to the score. */
export function ExplanationBar({ shares, match, summary }: { shares: Record<string, number>; match: number; summary: string }) {
  const parts = Object.entries(shares)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = parts.reduce((s, [, v]) => s + v, 0) || 1;
  // The API's summary is this legend in words; fall back to computing it for older answers.
  const label = summary || parts.map(([k, v]) => `${blockLabel(k)} ${percent(v / total)}`).join(", ");
  return (
    <div className={styles.explain}>
      <div className={styles.bar} role="img" aria-label={`Why: ${label || "no breakdown"}. Match ${matchText(match)}.`}>
        {parts.map(([k, v]) => (
          <span
            key={k}
            className={styles.segment}
            style={{ width: `${(v / total) * 100}%`, background: `var(--block-${KNOWN.has(k) ? k : "targets"})` }}
            title={`${blockLabel(k)}: ${percent(v / total)}`}
          />
        ))}
      </div>
      <ul className={styles.legend} aria-hidden="true">
        {parts
          .filter(([, v]) => v / total >= 0.01)
          .slice(0, 4)
          .map(([k, v]) => (
            <li key={k}>
              <span className={styles.dot} style={{ background: `var(--block-${KNOWN.has(k) ? k : "targets"})` }} />
              {blockLabel(k)} {percent(v / total)}
            </li>
          ))}
      </ul>
    </div>
  );
}
