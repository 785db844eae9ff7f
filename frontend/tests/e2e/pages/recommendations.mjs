// Page object for the recommendations page: cards, controls, saving.
export class RecommendationsPage {
  constructor(page) {
    this.page = page;
  }
  cards() {
    return this.page.getByTestId("rec-card");
  }
  async waitForResults(count = 1, timeoutMs = 60_000) {
    await this.page.waitForFunction((n) => document.querySelectorAll('[data-testid="rec-card"]').length >= n, count, {
      timeout: timeoutMs,
    });
  }
  async trackIds() {
    return this.cards().evaluateAll((cards) => cards.map((c) => c.dataset.trackId));
  }
  async version() {
    return Number(await this.page.getByTestId("rec-list").getAttribute("data-version"));
  }
  /** The notice about the list as a whole, or null. */
  async listNote() {
    const note = this.page.getByTestId("list-note");
    return (await note.count()) ? note.innerText() : null;
  }
  /** One card's visible explanation: score, bar segments, comparisons, genres. */
  async explanationOf(index) {
    return this.cards()
      .nth(index)
      .evaluate((card) => ({
        score: card.querySelector('[data-testid="score"]')?.textContent ?? "",
        segments: card.querySelectorAll('[role="img"] span').length,
        barLabel: card.querySelector('[role="img"]')?.getAttribute("aria-label") ?? "",
        sentence:
          card.querySelector('[data-testid="explanation"]')?.textContent ??
          card.querySelector('[data-testid="diversity-note"]')?.textContent ??
          "",
        comparisons: [...card.querySelectorAll("ul[aria-label] li")].map((li) => li.textContent),
        genres: [...card.querySelectorAll('[data-testid="shared-genre"]')].map((g) => g.textContent),
      }));
  }
  /**
   * Moves the diversity slider and times, inside the page, the input event → the new list
   * rendered (includes the 80 ms debounce, the proxy and the backend).
   */
  async setDiversityTimed(value) {
    return this.page.evaluate(async (v) => {
      const input = document.querySelector('[data-testid="diversity"]');
      const list = document.querySelector('[data-testid="rec-list"]');
      const before = list.dataset.version;
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
      const t0 = performance.now();
      await new Promise((resolve) => {
        const obs = new MutationObserver(() => {
          const l = document.querySelector('[data-testid="rec-list"]');
          if (l && l.dataset.version !== before) {
            obs.disconnect();
            resolve();
          }
        });
        obs.observe(document.body, { subtree: true, attributes: true, childList: true });
        setter.call(input, String(v));
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
      // Wait for the frame that paints the new list.
      await new Promise((r) => requestAnimationFrame(() => r()));
      return performance.now() - t0;
    }, value);
  }
  async saveAsPlaylist(name) {
    await this.page.getByTestId("playlist-name").fill(name);
    await this.page.getByTestId("save-playlist").click();
    const saved = this.page.getByTestId("saved-playlist");
    await saved.waitFor({ timeout: 30_000 });
    return { id: await saved.getAttribute("data-playlist-id"), text: await saved.innerText() };
  }
}
