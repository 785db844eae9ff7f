// Page objects for the library and a playlist (analysis with progress).
export class LibraryPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }
  async goto() {
    await this.page.goto(`${this.baseUrl}/library`);
  }
  async waitForPlaylists() {
    // The first visit reads the library from Spotify (a job with progress) before listing it.
    await this.page.getByTestId("playlist-row").first().waitFor({ timeout: 180_000 });
    return this.page.getByTestId("playlist-row").count();
  }
  async playlists() {
    return this.page.getByTestId("playlist-row").evaluateAll((rows) =>
      rows.map((r) => ({
        id: r.dataset.playlistId,
        readable: r.dataset.readable === "true",
        source: r.dataset.source,
        imported: r.querySelector('[data-testid="imported-badge"]')?.textContent?.trim() ?? null,
        text: r.innerText,
      })),
    );
  }
  async openTab(name) {
    await this.page.getByRole("tab", { name }).click();
  }
  /** Follows the first track's link from the open tab; returns the name it showed. */
  async openFirstTrack() {
    const link = this.page.getByRole("tabpanel").getByTestId("track-link").first();
    const name = await link.innerText();
    await link.click();
    await this.page.waitForURL(/\/track\/\d+/);
    return name;
  }
  /** Whether a tab is wholly inside the viewport (not cut off on a narrow phone). */
  async tabFits(name) {
    const box = await this.page.getByRole("tab", { name }).boundingBox();
    const width = this.page.viewportSize().width;
    return box !== null && box.x >= 0 && box.x + box.width <= width;
  }
  async open(playlistId) {
    await this.page.locator(`[data-playlist-id="${playlistId}"] a`).click();
    await this.page.waitForURL(new RegExp(`/playlist/${playlistId}`));
    return new PlaylistPage(this.page);
  }
}

export class PlaylistPage {
  constructor(page) {
    this.page = page;
  }
  /** Opens /playlist/<id> directly (a link, a bookmark, a typed URL). */
  static async visit(page, baseUrl, id, name) {
    await page.goto(`${baseUrl}/playlist/${id}${name ? `?name=${encodeURIComponent(name)}` : ""}`);
    await page.waitForFunction(() => !document.querySelector('[role="status"][aria-live="polite"] .skeleton, [aria-busy="true"]'));
    await page.getByRole("heading", { level: 1 }).waitFor();
    return new PlaylistPage(page);
  }
  /** What the page says about the playlist and what it offers. */
  async state() {
    const has = async (id) => (await this.page.getByTestId(id).count()) > 0;
    return {
      heading: await this.page.getByRole("heading", { level: 1 }).innerText(),
      notFound: await has("not-found"),
      unreadable: await has("unreadable"),
      empty: await has("empty-playlist"),
      offersRecommendations: await has("get-recommendations"),
      offersAnalyse: await has("analyse"),
      text: await this.page.locator("main").innerText(),
    };
  }
  async analyse() {
    await this.page.getByTestId("analyse").click();
  }
  /** Waits for the analysis to finish and returns every progress state seen on the way. */
  async waitForAnalysis(timeoutMs = 240_000) {
    const seen = new Set();
    const counts = new Set();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // Read in the page in one go: a short job's progress can go between two separate looks.
      const now = await this.page.evaluate(() => ({
        state: document.querySelector('[data-testid="job-progress"]')?.getAttribute("data-state") ?? null,
        counts: document.querySelector('[data-testid="job-counts"]')?.textContent ?? null,
      }));
      if (now.state) seen.add(now.state);
      if (now.counts) counts.add(now.counts);
      if (await this.page.getByTestId("analysis-done").count()) return { states: [...seen, "done"], counts: [...counts] };
      const failed = [...seen].find((s) => ["failed", "quota_exceeded", "needs_reauth"].includes(s));
      if (failed) throw new Error(`analysis ended in ${failed}: ${await this.page.getByTestId("job-progress").innerText()}`);
      await this.page.waitForTimeout(150);
    }
    throw new Error(`analysis did not finish in ${timeoutMs} ms (states: ${[...seen]})`);
  }
  /** The "Imported" badge beside the heading of a playlist imported from a file, or null. */
  async importedBadge() {
    const badge = this.page.locator("main").getByTestId("imported-badge");
    return (await badge.count()) ? badge.first().innerText() : null;
  }
  /** The text of each track row on the page, in order. */
  async trackRows() {
    return this.page.getByRole("list", { name: "Tracks in this playlist" }).getByRole("listitem").allInnerTexts();
  }
  async getRecommendations() {
    await this.page.getByTestId("get-recommendations").click();
    await this.page.waitForURL(/\/recommendations\?/);
  }
}
