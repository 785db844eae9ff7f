/**
 * The map's geometry, free of React and the DOM: the view (zoom and pan), the grid that
 * finds the point under the pointer, and the pixel renderer that draws 50,000 points.
 *
 * Points live in unit coordinates (0..1, y up) as the API sends them. The view maps them
 * to CSS pixels of a square plot: screen = (unit * size) * scale + offset, y flipped.
 */

export type View = { scale: number; x: number; y: number };

export const MIN_SCALE = 1;
export const MAX_SCALE = 64;
const PAD = 0.03;

export const HOME: View = { scale: 1, x: 0, y: 0 };

/** Screen position (CSS px) of a unit point in a plot `size` px wide. */
export function toScreen(view: View, size: number, ux: number, uy: number): [number, number] {
  const inner = size * (1 - 2 * PAD);
  return [(size * PAD + ux * inner) * view.scale + view.x, (size * PAD + (1 - uy) * inner) * view.scale + view.y];
}

/** Unit position under a screen position: the inverse of `toScreen`. */
export function toUnit(view: View, size: number, sx: number, sy: number): [number, number] {
  const inner = size * (1 - 2 * PAD);
  return [((sx - view.x) / view.scale - size * PAD) / inner, 1 - ((sy - view.y) / view.scale - size * PAD) / inner];
}

/** Keeps at least a quarter of the map on screen, so a fling cannot lose it. */
export function clampView(view: View, size: number): View {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale));
  const extent = size * scale;
  const slack = size * 0.75;
  return {
    scale,
    x: Math.min(slack, Math.max(size - extent - slack, view.x)),
    y: Math.min(slack, Math.max(size - extent - slack, view.y)),
  };
}

/** The view zoomed by `factor` about the screen point (sx, sy), which stays put. */
export function zoomAt(view: View, size: number, factor: number, sx: number, sy: number): View {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * factor));
  const k = scale / view.scale;
  return clampView({ scale, x: sx - (sx - view.x) * k, y: sy - (sy - view.y) * k }, size);
}

/** The view that centres a unit point at `scale`. */
export function centreOn(size: number, ux: number, uy: number, scale: number): View {
  const [sx, sy] = toScreen({ scale, x: 0, y: 0 }, size, ux, uy);
  return clampView({ scale, x: size / 2 - sx, y: size / 2 - sy }, size);
}

/** A uniform grid over unit space: the points near a position without scanning all of them. */
export class PointGrid {
  private readonly cells: Int32Array;
  private readonly starts: Int32Array;
  constructor(
    private readonly xs: Float32Array,
    private readonly ys: Float32Array,
    private readonly side = 128,
  ) {
    const n = xs.length;
    const cellOf = new Int32Array(n);
    const counts = new Int32Array(side * side + 1);
    for (let i = 0; i < n; i++) {
      cellOf[i] = this.cell(xs[i]!, ys[i]!);
      counts[cellOf[i]! + 1]!++;
    }
    for (let c = 1; c < counts.length; c++) counts[c]! += counts[c - 1]!;
    this.starts = counts;
    const fill = counts.slice(0, side * side);
    this.cells = new Int32Array(n);
    for (let i = 0; i < n; i++) this.cells[fill[cellOf[i]!]!++] = i;
  }

  private cell(ux: number, uy: number): number {
    const s = this.side;
    const cx = Math.min(s - 1, Math.max(0, Math.floor(ux * s)));
    const cy = Math.min(s - 1, Math.max(0, Math.floor(uy * s)));
    return cy * s + cx;
  }

  /** Index of the point nearest (ux, uy) within `radius` unit distance, or -1. */
  nearest(ux: number, uy: number, radius: number): number {
    const s = this.side;
    const reach = Math.ceil(radius * s);
    const cx = Math.floor(ux * s);
    const cy = Math.floor(uy * s);
    let best = -1;
    let bestD = radius * radius;
    for (let gy = Math.max(0, cy - reach); gy <= Math.min(s - 1, cy + reach); gy++) {
      for (let gx = Math.max(0, cx - reach); gx <= Math.min(s - 1, cx + reach); gx++) {
        const c = gy * s + gx;
        for (let k = this.starts[c]!; k < this.starts[c + 1]!; k++) {
          const i = this.cells[k]!;
          const d = (this.xs[i]! - ux) ** 2 + (this.ys[i]! - uy) ** 2;
          if (d <= bestD) {
            bestD = d;
            best = i;
          }
        }
      }
    }
    return best;
  }
}

/** RGBA bytes as one word of a little-endian pixel buffer (ImageData viewed as Uint32Array). */
export function pixelWord(r: number, g: number, b: number, a = 255): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** `word` mixed with `background` at `share` (0..1) of its own colour. */
export function mix(word: number, background: number, share: number): number {
  const ch = (w: number, shift: number) => (w >>> shift) & 255;
  const blend = (shift: number) => Math.round(ch(word, shift) * share + ch(background, shift) * (1 - share));
  return ((255 << 24) | (blend(16) << 16) | (blend(8) << 8) | blend(0)) >>> 0;
}

/**
 * Draws every point as a small square straight into a pixel buffer.
 *
 * Why pixels, not canvas paths: 50,000 `arc` + `fill` calls take about 60 ms a frame in
 * software-rendered Chromium, a buffer write about 2 ms, so panning stays at the display's
 * frame rate (tests/e2e/map-perf.test.mjs measures it).
 */
export function paintPoints(
  pixels: Uint32Array,
  width: number,
  height: number,
  background: number,
  xs: Float32Array,
  ys: Float32Array,
  colours: Uint32Array,
  view: View,
  size: number,
  dpr: number,
  dot: number,
): void {
  pixels.fill(background);
  const inner = size * (1 - 2 * PAD);
  const ax = inner * view.scale * dpr;
  const bx = (size * PAD * view.scale + view.x) * dpr;
  const ay = -inner * view.scale * dpr;
  const by = ((size * PAD + inner) * view.scale + view.y) * dpr;
  const half = dot >> 1;
  for (let i = 0; i < xs.length; i++) {
    const px = Math.round(xs[i]! * ax + bx) - half;
    const py = Math.round(ys[i]! * ay + by) - half;
    if (px + dot <= 0 || py + dot <= 0 || px >= width || py >= height) continue;
    const colour = colours[i]!;
    const x0 = Math.max(0, px), x1 = Math.min(width, px + dot);
    const y1 = Math.min(height, py + dot);
    for (let y = Math.max(0, py); y < y1; y++) {
      const row = y * width;
      for (let x = x0; x < x1; x++) pixels[row + x] = colour;
    }
  }
}
