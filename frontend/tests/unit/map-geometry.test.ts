import { describe, expect, it } from "vitest";
import { HOME, MAX_SCALE, PointGrid, clampView, mix, paintPoints, pixelWord, toScreen, toUnit, zoomAt } from "@/components/map/geometry";

describe("map view", () => {
  it("maps unit points to the screen and back", () => {
    const view = { scale: 3.5, x: -120, y: 40 };
    const [sx, sy] = toScreen(view, 800, 0.3, 0.8);
    const [ux, uy] = toUnit(view, 800, sx, sy);
    expect(ux).toBeCloseTo(0.3, 6);
    expect(uy).toBeCloseTo(0.8, 6);
  });

  it("puts y = 1 at the top", () => {
    expect(toScreen(HOME, 800, 0, 1)[1]).toBeLessThan(toScreen(HOME, 800, 0, 0)[1]);
  });

  it("zooms about the pointer, which stays over the same point", () => {
    const before = toUnit(HOME, 800, 200, 600);
    const zoomed = zoomAt(HOME, 800, 4, 200, 600);
    expect(zoomed.scale).toBe(4);
    const after = toUnit(zoomed, 800, 200, 600);
    expect(after[0]).toBeCloseTo(before[0], 6);
    expect(after[1]).toBeCloseTo(before[1], 6);
  });

  it("keeps the zoom within bounds and part of the map on screen", () => {
    expect(zoomAt(HOME, 800, 1e6, 0, 0).scale).toBe(MAX_SCALE);
    expect(zoomAt(HOME, 800, 1e-6, 0, 0).scale).toBe(1);
    const flung = clampView({ scale: 1, x: 1e6, y: -1e6 }, 800);
    expect(flung.x).toBeLessThan(800);
    expect(flung.y).toBeGreaterThan(-800);
  });
});

describe("PointGrid", () => {
  it("finds the same nearest point as a full scan", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const xs = Float32Array.from({ length: 5000 }, random);
    const ys = Float32Array.from({ length: 5000 }, random);
    const grid = new PointGrid(xs, ys);
    for (let probe = 0; probe < 200; probe++) {
      const [ux, uy] = [random(), random()];
      let best = -1;
      let bestD = 0.02 ** 2;
      for (let i = 0; i < xs.length; i++) {
        const d = (xs[i]! - ux) ** 2 + (ys[i]! - uy) ** 2;
        if (d <= bestD) [best, bestD] = [i, d];
      }
      expect(grid.nearest(ux, uy, 0.02)).toBe(best);
    }
  });

  it("finds nothing beyond the radius", () => {
    const grid = new PointGrid(Float32Array.of(0.1), Float32Array.of(0.1));
    expect(grid.nearest(0.9, 0.9, 0.05)).toBe(-1);
    expect(grid.nearest(0.11, 0.1, 0.05)).toBe(0);
  });
});

describe("paintPoints", () => {
  it("draws each point where toScreen puts it, and nothing off screen", () => {
    const size = 100;
    const pixels = new Uint32Array(size * size);
    const background = pixelWord(255, 255, 255);
    const red = pixelWord(255, 0, 0);
    const xs = Float32Array.of(0.5, 5);
    const ys = Float32Array.of(0.25, 5);
    const view = { scale: 2, x: -50, y: -80 };
    paintPoints(pixels, size, size, background, xs, ys, Uint32Array.of(red, red), view, size, 1, 2);
    const [sx, sy] = toScreen(view, size, 0.5, 0.25);
    expect(pixels[Math.round(sy) * size + Math.round(sx)]).toBe(red);
    expect(pixels.filter((p) => p === red).length).toBe(4);
  });

  it("dims a colour towards the background", () => {
    expect(mix(pixelWord(200, 0, 100), pixelWord(0, 0, 0), 0.5)).toBe(pixelWord(100, 0, 50));
  });
});
