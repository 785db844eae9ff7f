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
  /** Picks "new" (new to you) or "library" (from my library) and waits for the list asked with it. */
  async setSource(source) {
    const before = await this.page.getByTestId("rec-list").getAttribute("data-version");
    await this.page.getByTestId(`source-${source}`).check({ force: true });
    await this.page.waitForFunction(
      (v) => document.querySelector('[data-testid="rec-list"]')?.dataset.version !== v,
      before,
      { timeout: 30_000 },
    );
    await this.waitIdle();
  }
  /** Which source the toggle shows. */
  async source() {
    return this.page.evaluate(() => document.querySelector('[data-testid^="source-"]:checked')?.value ?? null);
  }
  /** The provenance badge of each card ("New · Spotify"), null where a card has none. */
  async badges() {
    return this.cards().evaluateAll((cards) =>
      cards.map((c) => {
        const badge = c.querySelector('[data-testid="provenance-badge"]');
        return badge ? { text: badge.textContent, title: badge.getAttribute("title") } : null;
      }),
    );
  }
  /** What the page says about discovery ({ state, text }), or null. */
  async discoveryStatus() {
    const status = this.page.getByTestId("discovery-status");
    if (!(await status.count())) return null;
    return { state: await status.getAttribute("data-state"), text: await status.innerText() };
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
  /** Turns a target on (Targets → the checkbox) and waits for the list asked with it. */
  async setTarget(name) {
    const details = this.page.locator("details", { has: this.page.getByTestId(`target-${name}-on`) });
    if (!(await details.evaluate((d) => d.open))) await details.locator("summary").click();
    const list = this.page.getByTestId("rec-list");
    const before = await list.getAttribute("data-version");
    await this.page.getByTestId(`target-${name}-on`).check();
    await this.page.waitForFunction(
      (v) => {
        const l = document.querySelector('[data-testid="rec-list"]');
        const busy = document.querySelector('section[aria-label="Results"]')?.getAttribute("aria-busy") === "true";
        return !busy && (document.querySelector('[data-testid="error-state"]') || (l && l.dataset.version !== v));
      },
      before,
      { timeout: 30_000 },
    );
  }
  /** What the controls show: result count, diversity, genre mode and the targets turned on. */
  async controlState() {
    return this.page.evaluate(() => ({
      n: document.querySelector('[data-testid="count"]').value,
      diversity: Number(document.querySelector('[data-testid="diversity"]').value),
      mode: document.querySelector('[data-testid^="mode-"]:checked')?.value ?? null,
      targets: [...document.querySelectorAll('[data-testid$="-on"]:checked')].map((el) => el.dataset.testid),
    }));
  }
  /** Waits until no request for the list is in flight. */
  async waitIdle() {
    await this.page.waitForFunction(() => document.querySelector('section[aria-label="Results"]')?.getAttribute("aria-busy") === "false");
  }
  /** Picks a genre mode and waits for the list asked with it. */
  async setMode(mode) {
    const before = await this.page.getByTestId("rec-list").getAttribute("data-version");
    await this.page.getByTestId(`mode-${mode}`).check({ force: true });
    await this.page.waitForFunction(
      (v) => document.querySelector('[data-testid="rec-list"]')?.dataset.version !== v,
      before,
      { timeout: 30_000 },
    );
    await this.waitIdle();
  }
  /** The note saying a control changed nothing (the catalogue is the limit), or null. */
  async unchangedNote() {
    const note = this.page.getByTestId("unchanged-note");
    return (await note.count()) ? note.innerText() : null;
  }
  /** The error shown above the list, or null. */
  async error() {
    const e = this.page.getByTestId("error-state");
    return (await e.count()) ? e.innerText() : null;
  }
  async saveAsPlaylist(name) {
    if (name !== undefined) await this.page.getByTestId("playlist-name").fill(name);
    const previous = this.page.getByTestId("saved-playlist");
    const before = (await previous.count()) ? await previous.innerText() : null;
    await this.page.getByTestId("save-playlist").click();
    const saved = this.page.getByTestId("saved-playlist");
    await this.page.waitForFunction(
      (prev) => {
        const el = document.querySelector('[data-testid="saved-playlist"]');
        const button = document.querySelector('[data-testid="save-playlist"]');
        return el && !button.disabled && (prev === null || el.textContent !== prev || el.dataset.alreadySaved === "true");
      },
      before,
      { timeout: 30_000 },
    );
    return {
      id: await saved.getAttribute("data-playlist-id"),
      text: await saved.innerText(),
      alreadySaved: (await saved.getAttribute("data-already-saved")) === "true",
      link: await saved.getByRole("link").getAttribute("href").catch(() => null),
    };
  }
}
