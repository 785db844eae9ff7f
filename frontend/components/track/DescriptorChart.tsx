import styles from "./Track.module.css";

const LABELS: Record<string, string> = {
  energy: "Energy",
  brightness: "Brightness",
  percussiveness: "Percussiveness",
  rhythmic_regularity: "Steady rhythm",
  tonal_clarity: "Tonal clarity",
  dynamic_range: "Dynamic range",
  noisiness: "Noisiness",
  danceability: "Danceability",
  valence: "Positivity",
  acousticness: "Acousticness",
};

/** Unit-interval descriptors as horizontal bars; tempo and key as figures. */
export function DescriptorChart({ descriptors }: { descriptors: Record<string, number | string | null> }) {
  const bars = Object.entries(descriptors).filter(
    (e): e is [string, number] => typeof e[1] === "number" && e[1] >= 0 && e[1] <= 1 && e[0] !== "mode",
  );
  const tempo = descriptors.tempo_bpm;
  const key = descriptors.key;
  if (!bars.length && tempo == null && key == null) {
    return <p className="muted">This track hasn&apos;t been analysed yet, so there are no descriptors to show.</p>;
  }
  return (
    <div className={styles.chart}>
      <div className={styles.figures}>
        {typeof tempo === "number" ? (
          <div>
            <span className={styles.big}>{Math.round(tempo)}</span> <span className="muted">BPM</span>
          </div>
        ) : null}
        {key != null ? (
          <div>
            <span className={styles.big}>{String(key)}</span> <span className="muted">key</span>
          </div>
        ) : null}
      </div>
      <dl className={styles.bars} aria-label="Descriptors">
        {bars.map(([name, v]) => (
          <div key={name} className={styles.barRow}>
            <dt>{LABELS[name] ?? name.replace(/_/g, " ")}</dt>
            <dd>
              <span className={styles.track} aria-hidden="true">
                <span className={styles.fill} style={{ width: `${v * 100}%` }} />
              </span>
              <span className={styles.value}>{Math.round(v * 100)}%</span>
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
