"use client";
/** "Order for flow" on a playlist: re-order its tracks for smooth transitions, along an arc if asked. */
import Link from "next/link";
import { useState } from "react";
import { ArcChart, ArcPicker, ARC_DESCRIPTORS, type ArcDescriptor } from "@/components/journeys/ArcChart";
import { asApiError, Problem } from "@/components/journeys/Problem";
import { api, ApiError } from "@/lib/client";
import { artistNames } from "@/lib/format";
import type { Arc, OrderResult } from "@/lib/journeys";
import styles from "./Journeys.module.css";

const SHAPES = ["rising", "falling", "peak"] as const;

export function OrderForFlow({ trackIds, maxTracks }: { trackIds: number[]; maxTracks: number }) {
  const [arc, setArc] = useState<string>("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<OrderResult | null>(null);
  const [descriptor, setDescriptor] = useState<ArcDescriptor>("energy");
  const ids = [...new Set(trackIds)].slice(0, maxTracks);

  async function order() {
    setBusy(true);
    setError(null);
    const [d, shape] = arc.split(":");
    const curve = d && shape ? ({ descriptor: d, shape } as Arc) : null;
    try {
      setResult((await api<OrderResult>("/api/order", { method: "POST", json: { track_ids: ids, arc: curve } })).data);
      if (curve) setDescriptor(curve.descriptor);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  if (ids.length < 2) return null;
  const fall = result && result.original_total > 0 ? 1 - result.total / result.original_total : null;
  return (
    <section className={`card ${styles.panel}`} aria-label="Order for flow" data-testid="order-for-flow">
      <div className={styles.row}>
        <label className={styles.field}>
          <span className="small">Shape over the list</span>
          <select value={arc} onChange={(e) => setArc(e.target.value)} data-testid="order-arc">
            <option value="">Just smooth transitions</option>
            {ARC_DESCRIPTORS.flatMap((d) =>
              SHAPES.map((s) => (
                <option key={`${d.name}:${s}`} value={`${d.name}:${s}`}>
                  {d.label} {s}
                </option>
              )),
            )}
          </select>
        </label>
        <button className="button secondary" onClick={order} disabled={busy} data-testid="order-flow">
          {busy ? "Ordering…" : "Order for flow"}
        </button>
      </div>
      <Problem error={error} testId="order-error" />
      {result ? (
        <div data-testid="order-result">
          <p className="small" data-testid="order-total">
            Transition cost {result.total.toFixed(2)} against {result.original_total.toFixed(2)} in the playlist&apos;s order
            {fall !== null ? ` (${Math.round(fall * 100)}% smoother)` : ""}.
          </p>
          <ArcPicker value={descriptor} onChange={setDescriptor} />
          <ArcChart tracks={result.tracks} descriptor={descriptor} />
          <ol className={styles.list}>
            {result.tracks.map((t, i) => (
              <li key={t.id} className={styles.item} data-testid="ordered-track" data-track-id={t.id}>
                <Link href={`/track/${t.id}`}>{t.name}</Link>
                <span className="muted small">
                  {artistNames(t.artists)}
                  {i ? ` · cost from the one before ${result.transition_costs[i - 1]?.toFixed(2)}` : ""}
                </span>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}
