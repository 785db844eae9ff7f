import Link from "next/link";
import type { LibraryTrack } from "@/lib/schemas";
import styles from "./Library.module.css";

/** A track's name, linking to its page once Resonance has it in the catalogue. */
export function TrackTitle({ t }: { t: LibraryTrack }) {
  return t.track_id ? (
    <Link href={`/track/${t.track_id}`} className={styles.title} data-testid="track-link">
      {t.name}
    </Link>
  ) : (
    <span className={styles.title}>{t.name}</span>
  );
}
