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

/**
 * Unit-interval descriptors as horizontal bars; tempo and key as figures. The tempo is
 * the API's `tempo_words` ("120 BPM", "around 120 BPM"; absent when the analysis is
 * unsure), worded by the backend's resonance.audio.words like every other surface. The
 * analysis's confidences shape those words; they are not qualities of the sound, so no bars.
 */
export function DescriptorChart({ descriptors }: { descriptors: Record<string, number | string | null> }) {
  const bars = Object.entries(descriptors).filter(
    (e): e is [string, number] =>
      typeof e[1] === "number" && e[1] >= 0 && e[1] <= 1 && e[0] !== "mode" && !e[0].endsWith("_confidence"),
  );
  const tempo = descriptors.tempo_words;
  const key = descriptors.key;
  if (!bars.length && tempo == null && key == null) {
    return <p className="muted">This track hasn&apos;t been analysed yet, so there are no descriptors to show.</p>;
  }
  return (
    <div className={styles.chart}>
      <div className={styles.figures}>
        {typeof tempo === "string" ? (
          <div>
            <TempoFigure words={tempo} />
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

/** "around 120 BPM" as a small "around", the figure large, then "BPM". */
function TempoFigure({ words }: { words: string }) {
  const match = /^(around )?(\d+) BPM$/.exec(words);
  if (!match) {
    return <span className={styles.big}>{words}</span>;
  }
  return (
    <>
      {match[1] ? <span className="muted">around </span> : null}
      <span className={styles.big}>{match[2]}</span> <span className="muted">BPM</span>
    </>
  );
}
