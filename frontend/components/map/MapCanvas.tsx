"use client";
/**
 * The map's drawing surface: every point painted into a pixel buffer, highlights drawn
 * over it, and the view (zoom, pan) driven by pointer, wheel, keyboard and buttons.
 *
 * The view lives in a ref, not React state: a drag changes it up to 60 times a second,
 * and re-rendering the page for each change would cost more than drawing the frame.
 */
import { useCallback, useEffect, useRef } from "react";
import { HOME, PointGrid, type View, centreOn, clampView, mix, paintPoints, pixelWord, toScreen, toUnit, zoomAt } from "./geometry";
import styles from "./Map.module.css";

export type MapModel = {
  ids: number[];
  names: string[];
  xs: Float32Array;
  ys: Float32Array;
  colours: Uint32Array;
  grid: PointGrid;
};

export type Highlights = { seeds: number[]; recs: number[]; matches: number[]; selected: number };

type Props = {
  model: MapModel;
  highlights: Highlights;
  focus: { index: number; nonce: number } | null;
  onSelect: (index: number) => void;
};

const HIT_PX = 10;

function cssColour(el: HTMLElement, variable: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(variable).trim() || fallback;
}

/** Any CSS colour as a pixel word, resolved by the browser itself. */
function resolveColour(colour: string): [number, number, number] {
  const probe = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  if (!probe) return [128, 128, 128];
  probe.fillStyle = colour;
  probe.fillRect(0, 0, 1, 1);
  const [r = 128, g = 128, b = 128] = probe.getImageData(0, 0, 1, 1).data;
  return [r, g, b];
}

export function MapCanvas({ model, highlights, focus, onSelect }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const view = useRef<View>(HOME);
  const size = useRef(0);
  const hover = useRef(-1);
  const frame = useRef(0);
  const draws = useRef(0);
  const drawMs = useRef(0);
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  const buffer = useRef<{ image: ImageData; pixels: Uint32Array } | null>(null);
  const latest = useRef({ model, highlights });
  const palette = useRef<{ model: MapModel; key: string; colours: Uint32Array } | null>(null);

  const draw = useCallback(() => {
    frame.current = 0;
    const started = performance.now();
    const el = canvas.current;
    const ctx = el?.getContext("2d");
    if (!el || !ctx || !size.current) return;
    const { model: m, highlights: h } = latest.current;
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    const px = Math.round(size.current * dpr);
    if (el.width !== px || el.height !== px || !buffer.current) {
      el.width = el.height = px;
      const image = ctx.createImageData(px, px);
      buffer.current = { image, pixels: new Uint32Array(image.data.buffer) };
    }
    const [br, bg, bb] = resolveColour(cssColour(el, "--surface", "#ffffff"));
    const background = pixelWord(br, bg, bb);
    const dim = h.seeds.length + h.recs.length + h.matches.length > 0 || h.selected >= 0;
    const key = `${dim}:${background}`;
    if (palette.current?.model !== m || palette.current.key !== key) {
      // Dimmed once per highlight change, not per frame: 50,000 mixes take about 5 ms.
      palette.current = { model: m, key, colours: dim ? m.colours.map((c) => mix(c, background, 0.35)) : m.colours };
    }
    const colours = palette.current.colours;
    const dot = Math.max(2, Math.round((view.current.scale >= 6 ? 4 : 2.5) * dpr));
    const { image, pixels } = buffer.current;
    paintPoints(pixels, px, px, background, m.xs, m.ys, colours, view.current, size.current, dpr, dot);
    ctx.putImageData(image, 0, 0);
    ctx.save();
    ctx.scale(dpr, dpr);
    const at = (i: number) => toScreen(view.current, size.current, m.xs[i]!, m.ys[i]!);
    const ring = (i: number, r: number, stroke: string, fill?: string) => {
      const [x, y] = at(i);
      ctx.beginPath();
      ctx.arc(x, y, r, 0, Math.PI * 2);
      if (fill) {
        ctx.fillStyle = fill;
        ctx.fill();
      }
      ctx.lineWidth = 2;
      ctx.strokeStyle = stroke;
      ctx.stroke();
    };
    const text = cssColour(el, "--text", "#111");
    const accent = cssColour(el, "--accent", "#d33");
    const surface = cssColour(el, "--surface", "#fff");
    for (const i of h.matches) ring(i, 6, accent);
    for (const i of h.seeds) ring(i, 7, text);
    for (const i of h.recs) ring(i, 5, surface, accent);
    for (const i of [h.selected, hover.current]) {
      if (i < 0) continue;
      ring(i, 9, text);
      const [x, y] = at(i);
      ctx.font = "600 14px system-ui, sans-serif";
      const label = m.names[i] || `Track ${m.ids[i]}`;
      const width = ctx.measureText(label).width;
      const lx = Math.min(Math.max(4, x + 12), size.current - width - 4);
      const ly = Math.max(18, y - 12);
      ctx.lineWidth = 4;
      ctx.strokeStyle = surface;
      ctx.strokeText(label, lx, ly);
      ctx.fillStyle = text;
      ctx.fillText(label, lx, ly);
    }
    ctx.restore();
    draws.current += 1;
    drawMs.current += performance.now() - started;
    // How many frames were drawn and how long they took: the e2e perf test reads these.
    el.dataset.draws = String(draws.current);
    el.dataset.drawMs = drawMs.current.toFixed(1);
  }, []);

  const schedule = useCallback(() => {
    if (!frame.current) frame.current = requestAnimationFrame(draw);
  }, [draw]);

  const setView = useCallback(
    (next: View) => {
      view.current = clampView(next, size.current);
      schedule();
    },
    [schedule],
  );

  useEffect(() => {
    latest.current = { model, highlights };
    schedule();
  }, [model, highlights, schedule]);

  useEffect(() => {
    if (focus && focus.index >= 0) {
      const scale = Math.max(view.current.scale, 6);
      setView(centreOn(size.current, model.xs[focus.index]!, model.ys[focus.index]!, scale));
    }
  }, [focus, model, setView]);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      size.current = entry.contentRect.width;
      schedule();
    });
    observer.observe(el);
    // Wheel zoom must cancel the page scroll, which needs a non-passive listener.
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const box = el.getBoundingClientRect();
      setView(zoomAt(view.current, size.current, Math.exp(-e.deltaY * 0.002), e.clientX - box.left, e.clientY - box.top));
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => {
      observer.disconnect();
      el.removeEventListener("wheel", onWheel);
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [schedule, setView]);

  const pointAt = (e: React.PointerEvent): number => {
    const box = e.currentTarget.getBoundingClientRect();
    const [ux, uy] = toUnit(view.current, size.current, e.clientX - box.left, e.clientY - box.top);
    const radius = HIT_PX / (size.current * view.current.scale || 1);
    return model.grid.nearest(ux, uy, radius);
  };

  const zoomBy = (factor: number) => setView(zoomAt(view.current, size.current, factor, size.current / 2, size.current / 2));

  return (
    <div className={styles.plot}>
      <canvas
        ref={canvas}
        className={styles.canvas}
        data-testid="map-canvas"
        tabIndex={0}
        role="application"
        aria-label="Map of tracks. Drag or use the arrow keys to pan, the wheel or + and - to zoom, click a dot to select it."
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          drag.current = { x: e.clientX, y: e.clientY, moved: false };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (d) {
            const dx = e.clientX - d.x;
            const dy = e.clientY - d.y;
            if (Math.abs(dx) + Math.abs(dy) > 0) {
              d.moved = d.moved || Math.abs(dx) + Math.abs(dy) > 3;
              d.x = e.clientX;
              d.y = e.clientY;
              setView({ ...view.current, x: view.current.x + dx, y: view.current.y + dy });
            }
            return;
          }
          const found = pointAt(e);
          if (found !== hover.current) {
            hover.current = found;
            schedule();
          }
        }}
        onPointerUp={(e) => {
          const d = drag.current;
          drag.current = null;
          if (d && !d.moved) onSelect(pointAt(e));
        }}
        onPointerLeave={() => {
          hover.current = -1;
          schedule();
        }}
        onKeyDown={(e) => {
          const step = 60;
          const moves: Record<string, [number, number]> = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
          const move = moves[e.key];
          if (move) {
            e.preventDefault();
            setView({ ...view.current, x: view.current.x + move[0], y: view.current.y + move[1] });
          } else if (e.key === "+" || e.key === "=") zoomBy(1.5);
          else if (e.key === "-") zoomBy(1 / 1.5);
          else if (e.key === "0") setView(HOME);
        }}
      />
      <div className={styles.zoom}>
        <button type="button" className="button secondary" onClick={() => zoomBy(1.5)} aria-label="Zoom in">+</button>
        <button type="button" className="button secondary" onClick={() => zoomBy(1 / 1.5)} aria-label="Zoom out">−</button>
        <button type="button" className="button secondary" onClick={() => setView(HOME)} aria-label="Show the whole map">⤢</button>
      </div>
    </div>
  );
}
