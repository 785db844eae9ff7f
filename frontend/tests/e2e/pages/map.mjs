// Page object for the map: the canvas, its controls, search, selection and the side list.
export class MapPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }
  canvas() {
    return this.page.getByTestId("map-canvas");
  }
  async goto(query = "") {
    await this.page.goto(`${this.baseUrl}/map${query}`);
  }
  /** Waits until the canvas has drawn `n` frames; returns how many points it holds. */
  async waitForDrawn(n = 1, timeoutMs = 120_000) {
    await this.page.waitForFunction(
      (k) => Number(document.querySelector('[data-testid="map-canvas"]')?.dataset.draws ?? 0) >= k,
      n,
      { timeout: timeoutMs },
    );
    return Number(await this.page.getByTestId("map").getAttribute("data-points"));
  }
  async draws() {
    const [draws, ms] = await this.canvas().evaluate((c) => [Number(c.dataset.draws), Number(c.dataset.drawMs)]);
    return { draws, ms };
  }
  /** Names in the side list of recommendations, top first. */
  async recommendationNames() {
    return this.page.getByTestId("map-recs").locator("li").allInnerTexts();
  }
  async search(text) {
    await this.page.getByTestId("map-search").fill(text);
    await this.page.getByTestId("map-match-count").waitFor();
    return this.page.getByTestId("map-match-count").innerText();
  }
  async pickMatch(index = 0) {
    const match = this.page.getByTestId("map-match").nth(index);
    const name = await match.innerText();
    await match.click();
    await this.page.getByTestId("map-selected").getByRole("heading", { name }).waitFor();
    return name;
  }
  async selectedName() {
    const card = this.page.getByTestId("map-selected");
    return (await card.count()) ? card.getByRole("heading").innerText() : null;
  }
  async zoomIn() {
    await this.page.getByRole("button", { name: "Zoom in" }).click();
  }
  async showAll() {
    await this.page.getByRole("button", { name: "Show the whole map" }).click();
  }
  /** Clicks the canvas at a fraction of its size (0..1 each way). */
  async clickAt(fx, fy) {
    const box = await this.canvas().boundingBox();
    await this.page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
  }
  /**
   * Drags the map in circles for `ms` and counts, in the page, the animation frames the
   * browser produced (requestAnimationFrame callbacks) and the frames the map drew.
   */
  async panFor(ms) {
    const box = await this.canvas().boundingBox();
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    const before = await this.draws();
    await this.page.evaluate(() => {
      const counter = { frames: 0, start: performance.now(), raf: 0 };
      const tick = () => {
        counter.frames += 1;
        counter.raf = requestAnimationFrame(tick);
      };
      counter.raf = requestAnimationFrame(tick);
      window.__panCounter = counter;
    });
    await this.page.mouse.move(cx, cy);
    await this.page.mouse.down();
    const until = Date.now() + ms;
    let step = 0;
    while (Date.now() < until) {
      step += 1;
      await this.page.mouse.move(cx + 150 * Math.sin(step / 8), cy + 150 * Math.cos(step / 8));
    }
    await this.page.mouse.up();
    const { frames, seconds } = await this.page.evaluate(() => {
      const c = window.__panCounter;
      cancelAnimationFrame(c.raf);
      return { frames: c.frames, seconds: (performance.now() - c.start) / 1000 };
    });
    const after = await this.draws();
    const draws = after.draws - before.draws;
    return {
      fps: frames / seconds,
      drawsPerSecond: draws / seconds,
      msPerDraw: draws ? (after.ms - before.ms) / draws : null,
      moves: step,
      seconds,
    };
  }
}

/** A map response of `n` synthetic points in 40 clusters, shaped as GET /api/map answers. */
export function syntheticMap(n) {
  let seed = 12345;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random());
  const genres = Array.from({ length: 40 }, (_, i) => `genre ${i + 1}`);
  const centres = genres.map(() => [0.1 + 0.8 * random(), 0.1 + 0.8 * random()]);
  const body = { index_version: 1, total: n, ids: [], x: [], y: [], genre: [], names: [], genres };
  for (let i = 0; i < n; i++) {
    const g = Math.floor(random() * genres.length);
    body.ids.push(i + 1);
    body.x.push(Math.min(1, Math.max(0, centres[g][0] + 0.05 * gauss())));
    body.y.push(Math.min(1, Math.max(0, centres[g][1] + 0.05 * gauss())));
    body.genre.push(g);
    body.names.push(`Synthetic track ${i + 1}`);
  }
  return body;
}
