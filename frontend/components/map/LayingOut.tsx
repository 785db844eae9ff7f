"use client";

import { useEffect } from "react";
import type { MapPending } from "@/lib/schemas";

/** How often the page asks again while the first layout is computed (the API says Retry-After: 1). */
const POLL_MS = 1000;

/**
 * A catalogue's first map layout is being computed (later index versions are laid out when
 * they are built): say so with the layout's progress, and ask again every second.
 */
export function LayingOut({ pending, onPoll }: { pending: MapPending; onPoll: () => void }) {
  useEffect(() => {
    const timer = setTimeout(onPoll, POLL_MS);
    return () => clearTimeout(timer);
  }, [pending, onPoll]);
  const pct = pending.total > 0 ? Math.min(100, Math.round((pending.done / pending.total) * 100)) : 0;
  return (
    <div className="card" style={{ padding: "1rem 1.2rem", display: "grid", gap: "0.5rem" }} data-testid="map-laying-out">
      <h1 style={{ margin: 0, fontSize: "1.3rem" }}>Laying out the map…</h1>
      <p className="muted" style={{ margin: 0 }} aria-live="polite">
        Placing {pending.total ? "every track" : "the tracks"} beside the ones it sounds like. This happens once for a new
        catalogue; the map appears here when it is done ({pct}%).
      </p>
      <div
        className="progress"
        role="progressbar"
        aria-label="Map layout progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        data-testid="map-layout-progress"
      >
        <span style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
