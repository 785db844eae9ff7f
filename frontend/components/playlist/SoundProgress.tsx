"use client";

import { useEffect, useState } from "react";
import { api } from "@/lib/client";
import type { PlaylistDetail } from "@/lib/schemas";

/**
 * After the playlist is read, measuring its audio runs as background work: poll the playlist's
 * track statuses and show how many have been measured, until none is pending.
 */
export function SoundProgress({ id, onComplete }: { id: string; onComplete: () => void }) {
  const [counts, setCounts] = useState<{ done: number; total: number } | null>(null);

  useEffect(() => {
    let stop = false;
    let polls = 0;
    let sawPending = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      polls += 1;
      try {
        const { data } = await api<PlaylistDetail>(`/api/playlists/${id}`);
        if (stop) return;
        const total = data.tracks.length;
        const done = data.tracks.filter((t) => t.audio_status && t.audio_status !== "pending").length;
        setCounts({ done, total });
        if (done >= total) {
          // Refresh the page's list only if this poll watched something change.
          if (sawPending) onComplete();
          return;
        }
        sawPending = true;
      } catch {
        /* transient: keep polling */
      }
      if (!stop && polls < 200) timer = setTimeout(tick, 2500);
    };
    void tick();
    return () => {
      stop = true;
      if (timer) clearTimeout(timer);
    };
  }, [id, onComplete]);

  if (!counts || counts.total === 0 || counts.done >= counts.total) return null;
  const pct = Math.round((counts.done / counts.total) * 100);
  return (
    <div data-testid="sound-progress" style={{ display: "grid", gap: "0.4rem" }}>
      <span className="small" aria-live="polite">
        Measuring the sound of each track: {counts.done} / {counts.total}. Recommendations already work and get
        sharper as this finishes.
      </span>
      <div className="progress" role="progressbar" aria-label="Audio analysis" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <span style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
