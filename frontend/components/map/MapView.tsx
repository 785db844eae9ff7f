"use client";

import Link from "next/link";
import { useCallback, useDeferredValue, useMemo, useState } from "react";
import { ErrorState, EmptyState, Loading } from "@/components/ui/States";
import { type Loadable, useApi } from "@/lib/client";
import { genreColour } from "@/lib/format";
import type { MapAnswer, MapResult } from "@/lib/schemas";
import { PointGrid, pixelWord } from "./geometry";
import { LayingOut } from "./LayingOut";
import { type Highlights, MapCanvas, type MapModel } from "./MapCanvas";
import styles from "./Map.module.css";

const TOP_GENRES = 12;
const OTHER = "#9aa0a6";
const MAX_MATCHES = 200;
const LISTED_MATCHES = 12;

type Props = { seeds: number[]; recs: number[]; track: number | null };

/** A CSS colour as a pixel word, resolved by the browser (genre colours are hsl()). */
function colourWord(colour: string): number {
  const ctx = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  if (!ctx) return pixelWord(154, 160, 166);
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, 1, 1);
  const [r = 154, g = 160, b = 166] = ctx.getImageData(0, 0, 1, 1).data;
  return pixelWord(r, g, b);
}

function buildModel(data: MapResult) {
  const n = data.ids.length;
  const counts = new Map<number, number>();
  for (const g of data.genre) if (g >= 0) counts.set(g, (counts.get(g) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP_GENRES);
  const legend = top.map(([g], i) => ({ genre: data.genres[g], colour: genreColour(i) }));
  const words = new Map(top.map(([g], i) => [g, colourWord(genreColour(i))]));
  const other = colourWord(OTHER);
  const xs = Float32Array.from(data.x);
  const ys = Float32Array.from(data.y);
  const colours = new Uint32Array(n);
  for (let i = 0; i < n; i++) colours[i] = words.get(data.genre[i]!) ?? other;
  const model: MapModel = { ids: data.ids, names: data.names, xs, ys, colours, grid: new PointGrid(xs, ys) };
  const indexOf = new Map(data.ids.map((id, i) => [id, i]));
  const lowerNames = data.names.map((name) => name.toLowerCase());
  return { model, legend, indexOf, lowerNames };
}

/** Keeps the selected track in the address, so a reload or a shared link shows it again. */
function rememberSelection(id: number | null) {
  const url = new URL(window.location.href);
  if (id === null) url.searchParams.delete("track");
  else url.searchParams.set("track", String(id));
  window.history.replaceState(window.history.state, "", url);
}

export function MapView({ seeds, recs, track }: Props) {
  const [nonce, setNonce] = useState(0);
  const answer = useApi<MapAnswer>("/api/map", nonce);
  // While a catalogue's first layout is computed the API says how far it got (202): no map yet.
  const pending = answer.state === "ready" && answer.data.status === "laying_out" ? answer.data : null;
  const map = useMemo<Loadable<MapResult> | null>(
    () => (answer.state !== "ready" ? answer : answer.data.status === "laying_out" ? null : { state: "ready", data: answer.data }),
    [answer],
  );
  const poll = useCallback(() => setNonce((n) => n + 1), []);
  const [query, setQuery] = useState("");
  const search = useDeferredValue(query.trim().toLowerCase());
  const [selectedId, setSelectedId] = useState<number | null>(track);
  const [focus, setFocus] = useState<{ index: number; nonce: number } | null>(null);

  const built = useMemo(() => (map?.state === "ready" ? buildModel(map.data) : null), [map]);
  const placed = useCallback((ids: number[]) => (built ? ids.flatMap((id) => built.indexOf.get(id) ?? []) : []), [built]);
  // Recommendations keep the order they came in: the URL lists them by rank.
  const recRows = useMemo(() => placed(recs), [placed, recs]);
  const seedRows = useMemo(() => placed(seeds), [placed, seeds]);
  const matches = useMemo(() => {
    if (!built || search.length < 2) return [];
    const found: number[] = [];
    for (let i = 0; i < built.lowerNames.length && found.length < MAX_MATCHES; i++)
      if (built.lowerNames[i]!.includes(search)) found.push(i);
    return found;
  }, [built, search]);
  const selected = selectedId !== null && built ? (built.indexOf.get(selectedId) ?? -1) : -1;
  const highlights: Highlights = useMemo(
    () => ({ seeds: seedRows, recs: recRows, matches, selected }),
    [seedRows, recRows, matches, selected],
  );

  const select = useCallback(
    (index: number, centre = false) => {
      if (!built) return;
      const id = index >= 0 ? (built.model.ids[index] ?? null) : null;
      setSelectedId(id);
      rememberSelection(id);
      if (centre && index >= 0) setFocus((f) => ({ index, nonce: (f?.nonce ?? 0) + 1 }));
    },
    [built],
  );

  if (pending) return <LayingOut pending={pending} onPoll={poll} />;
  if (!map) return null;
  if (map.state === "loading") return <Loading label="Drawing the map" rows={1} />;
  if (map.state === "error")
    return (
      <ErrorState
        title={map.error.title}
        detail={map.error.detail}
        action={<button className="button secondary" onClick={() => setNonce((n) => n + 1)}>Try again</button>}
      />
    );
  if (!built || !built.model.ids.length)
    return <EmptyState title="The map is empty">Analyse a playlist to put its tracks on the map.</EmptyState>;
  const { model, legend } = built;
  const shown = map.data.ids.length;

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>The catalogue, mapped</h1>
          <p className="muted">
            {shown === map.data.total
              ? `${shown.toLocaleString("en")} tracks`
              : `${shown.toLocaleString("en")} of ${map.data.total.toLocaleString("en")} tracks`}{" "}
            placed by how they sound, their genres and the playlists they share. Close together means similar.
          </p>
        </div>
      </div>
      <div className={styles.wrap}>
        <figure className={styles.figure} data-testid="map" data-points={shown}>
          <MapCanvas model={model} highlights={highlights} focus={focus} onSelect={(i) => select(i)} />
          <figcaption className={styles.legend}>
            {seedRows.length ? <span><i className={styles.keySeed} /> Seeds</span> : null}
            {recRows.length ? <span><i className={styles.keyRec} /> Recommendations</span> : null}
            {legend.map(({ genre, colour }) => (
              <span key={genre}>
                <i style={{ background: colour }} /> {genre}
              </span>
            ))}
            <span><i style={{ background: OTHER }} /> other</span>
          </figcaption>
        </figure>
        <aside className={styles.side}>
          <label className={styles.search}>
            <span>Find a track</span>
            <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Track name" data-testid="map-search" />
          </label>
          {search.length >= 2 ? (
            <section aria-label="Tracks found">
              <p className="muted small" data-testid="map-match-count">
                {matches.length === 0
                  ? "No track by that name on the map."
                  : matches.length >= MAX_MATCHES
                    ? `More than ${MAX_MATCHES} tracks match; showing the first ${LISTED_MATCHES}.`
                    : `${matches.length} ${matches.length === 1 ? "track matches" : "tracks match"}.`}
              </p>
              <ul>
                {matches.slice(0, LISTED_MATCHES).map((i) => (
                  <li key={model.ids[i]}>
                    <button type="button" className={styles.linkish} onClick={() => select(i, true)} data-testid="map-match">
                      {model.names[i]}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {selected >= 0 ? (
            <section className={styles.selected} aria-label="Selected track" data-testid="map-selected">
              <h2>{model.names[selected]}</h2>
              <p className="muted small">{map.data.genres[map.data.genre[selected] ?? -1] ?? "No genre"}</p>
              <div className={styles.actions}>
                <Link className="button secondary" href={`/track/${model.ids[selected]}`}>Open the track</Link>
                <button type="button" className="button secondary" onClick={() => select(-1)}>Clear</button>
              </div>
            </section>
          ) : null}
          {recRows.length ? (
            <section aria-label="Recommendations, best first">
              <h2>Recommendations</h2>
              <ol data-testid="map-recs">
                {recRows.map((i) => (
                  <li key={model.ids[i]}>
                    <button type="button" className={styles.linkish} onClick={() => select(i, true)}>
                      {model.names[i]}
                    </button>
                  </li>
                ))}
              </ol>
            </section>
          ) : null}
        </aside>
      </div>
    </div>
  );
}
