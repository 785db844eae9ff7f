"use client";

import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import { ErrorState, EmptyState, Loading } from "@/components/ui/States";
import { useApi } from "@/lib/client";
import { genreColour } from "@/lib/format";
import type { MapResult } from "@/lib/schemas";
import styles from "./Map.module.css";

const SIZE = 1000;
const TOP_GENRES = 12;
type Point = MapResult["points"][number];

export function MapView({ seeds, recs }: { seeds: number[]; recs: number[] }) {
  const [nonce, setNonce] = useState(0);
  const map = useApi<MapResult>("/api/map?limit=10000", nonce);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<Point | null>(null);

  const model = useMemo(() => {
    if (map.state !== "ready") return null;
    const pts = map.data.points;
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (const p of pts) {
      minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
      minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
    }
    const pad = 0.04;
    const sx = (x: number) => (pad + ((x - minX) / (maxX - minX || 1)) * (1 - 2 * pad)) * SIZE;
    const sy = (y: number) => (1 - pad - ((y - minY) / (maxY - minY || 1)) * (1 - 2 * pad)) * SIZE;
    const counts = new Map<string, number>();
    for (const p of pts) if (p.genre) counts.set(p.genre, (counts.get(p.genre) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP_GENRES);
    const colour = new Map(top.map(([g], i) => [g, genreColour(i)]));
    const seedSet = new Set(seeds);
    const recSet = new Set(recs);
    return {
      pts,
      sx,
      sy,
      top,
      colour,
      seeds: pts.filter((p) => seedSet.has(p.id)),
      recs: pts.filter((p) => recSet.has(p.id)),
    };
  }, [map, seeds, recs]);

  useEffect(() => {
    const el = canvas.current;
    if (!el || !model) return;
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    el.width = SIZE * dpr;
    el.height = SIZE * dpr;
    const ctx = el.getContext("2d");
    if (!ctx) return;
    ctx.scale(dpr, dpr);
    ctx.clearRect(0, 0, SIZE, SIZE);
    const dim = model.seeds.length + model.recs.length > 0;
    ctx.globalAlpha = dim ? 0.35 : 0.75;
    for (const p of model.pts) {
      ctx.fillStyle = (p.genre && model.colour.get(p.genre)) || "#9aa0a6";
      ctx.beginPath();
      ctx.arc(model.sx(p.x), model.sy(p.y), 2.6, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  }, [model]);

  if (map.state === "loading") return <Loading label="Drawing the map" rows={1} />;
  if (map.state === "error")
    return (
      <ErrorState
        title={map.error.title}
        detail={map.error.detail}
        action={<button className="button secondary" onClick={() => setNonce((n) => n + 1)}>Try again</button>}
      />
    );
  if (!model || !model.pts.length)
    return <EmptyState title="The map is empty">Analyse a playlist to put its tracks on the map.</EmptyState>;

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>The catalogue, mapped</h1>
          <p className="muted">
            {map.state === "ready" ? map.data.total.toLocaleString("en") : ""} tracks placed by how they sound, their genres and
            the playlists they share. Close together means similar.
          </p>
        </div>
      </div>
      <div className={styles.wrap}>
        <figure className={styles.figure} data-testid="map">
          <div className={styles.plot}>
            <canvas ref={canvas} className={styles.canvas} aria-hidden="true" />
            <svg viewBox={`0 0 ${SIZE} ${SIZE}`} className={styles.overlay} role="img" aria-label={`Map of ${model.pts.length} tracks; ${model.seeds.length} seeds and ${model.recs.length} recommendations highlighted`}>
              {model.seeds.map((p) => (
                <circle key={`s${p.id}`} cx={model.sx(p.x)} cy={model.sy(p.y)} r={9} className={styles.seed} onMouseEnter={() => setHover(p)} onMouseLeave={() => setHover(null)} />
              ))}
              {model.recs.map((p) => (
                <circle key={`r${p.id}`} cx={model.sx(p.x)} cy={model.sy(p.y)} r={8} className={styles.rec} onMouseEnter={() => setHover(p)} onMouseLeave={() => setHover(null)} />
              ))}
              {hover ? (
                <text x={Math.min(model.sx(hover.x) + 14, SIZE - 260)} y={Math.max(model.sy(hover.y) - 12, 30)} className={styles.label}>
                  {hover.name}
                </text>
              ) : null}
            </svg>
          </div>
          <figcaption className={styles.legend}>
            {model.seeds.length ? <span><i className={styles.keySeed} /> Seeds</span> : null}
            {model.recs.length ? <span><i className={styles.keyRec} /> Recommendations</span> : null}
            {model.top.map(([g]) => (
              <span key={g}>
                <i style={{ background: model.colour.get(g) }} /> {g}
              </span>
            ))}
            <span><i style={{ background: "#9aa0a6" }} /> other</span>
          </figcaption>
        </figure>
        {model.recs.length || model.seeds.length ? (
          <section className={styles.side} aria-label="Highlighted tracks">
            {model.recs.length ? (
              <>
                <h2>Recommendations</h2>
                <ul>
                  {model.recs.map((p) => (
                    <li key={p.id} onMouseEnter={() => setHover(p)} onMouseLeave={() => setHover(null)}>
                      <Link href={`/track/${p.id}`} onFocus={() => setHover(p)} onBlur={() => setHover(null)}>{p.name}</Link>
                      {p.genre ? <span className="muted small"> · {p.genre}</span> : null}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </section>
        ) : null}
      </div>
    </div>
  );
}
