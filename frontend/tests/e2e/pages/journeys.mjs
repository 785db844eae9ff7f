// Page objects for the journeys: the path builder, the radio, and "order for flow" on a playlist.

/** The options of a track picker that hold a catalogued track (value = Resonance id). */
async function trackOptions(page, testId) {
  const picker = page.getByTestId(testId);
  await page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"]`)?.options.length > 2, testId, {
    timeout: 60_000,
  });
  return picker.evaluate((select) => [...select.options].map((o) => o.value).filter(Boolean));
}

/** The arc chart's description, or what the page says when the descriptor is not measured yet. */
async function chartText(page) {
  const chart = page.getByTestId("arc-chart").or(page.getByTestId("arc-chart-empty")).first();
  await chart.waitFor();
  return (await chart.getAttribute("aria-label")) ?? chart.innerText();
}

export class PathBuilderPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }
  async goto() {
    await this.page.goto(`${this.baseUrl}/path`);
  }
  async trackChoices() {
    return trackOptions(this.page, "path-from");
  }
  async build(from, to, steps) {
    await this.page.getByTestId("path-from").selectOption(String(from));
    await this.page.getByTestId("path-to").selectOption(String(to));
    await this.page.getByTestId("path-steps").fill(String(steps));
    await this.page.getByTestId("build-path").click();
    await this.page.getByTestId("path-result").or(this.page.getByTestId("path-error")).first().waitFor({ timeout: 120_000 });
  }
  async error() {
    const e = this.page.getByTestId("path-error");
    return (await e.count()) ? e.innerText() : null;
  }
  async steps() {
    return this.page.getByTestId("path-step").evaluateAll((items) =>
      items.map((i) => ({ id: Number(i.dataset.trackId), sentence: i.querySelector('[data-testid="step-sentence"]').textContent })),
    );
  }
  async chooseChart(descriptor) {
    await this.page.getByTestId("arc-descriptor").selectOption(descriptor);
  }
  async chartText() {
    return chartText(this.page);
  }
}

export class RadioPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }
  async goto() {
    await this.page.goto(`${this.baseUrl}/radio`);
  }
  async start() {
    const seeds = await trackOptions(this.page, "radio-seed");
    await this.page.getByTestId("radio-seed").selectOption(seeds[0]);
    await this.page.getByTestId("start-radio").click();
    await this.page.getByTestId("radio-track").first().waitFor({ timeout: 120_000 });
  }
  async tracks() {
    return this.page.getByTestId("radio-track").evaluateAll((items) =>
      items.map((i) => ({ id: Number(i.dataset.trackId), because: i.querySelector('[data-testid="radio-because"]').textContent })),
    );
  }
  /** Likes, skips or dislikes the track at `index`; resolves when the button shows it was taken. */
  async give(index, signal) {
    const button = this.page.getByTestId("radio-track").nth(index).getByTestId(`radio-${signal}`);
    await button.click();
    await this.page.waitForFunction(
      ([i, s]) =>
        document.querySelectorAll('[data-testid="radio-track"]')[i]?.querySelector(`[data-testid="radio-${s}"]`)?.getAttribute("aria-pressed") ===
        "true",
      [index, signal],
    );
  }
  async next() {
    const session = await this.page.getByTestId("radio").getAttribute("data-session");
    const before = (await this.tracks()).map((t) => t.id).join(",");
    await this.page.getByTestId("radio-next").click();
    await this.page.waitForFunction(
      (b) => [...document.querySelectorAll('[data-testid="radio-track"]')].map((i) => i.dataset.trackId).join(",") !== b,
      before,
      { timeout: 60_000 },
    );
    return session;
  }
  async changes() {
    const box = this.page.getByTestId("radio-changes");
    return (await box.count()) ? box.locator("li").allInnerTexts() : [];
  }
}

export class OrderForFlowPanel {
  constructor(page) {
    this.page = page;
  }
  /** The panel shows once the playlist is analysed and at least two of its tracks are catalogued. */
  async waitUntilOffered(timeoutMs = 240_000) {
    await this.page.getByTestId("order-for-flow").waitFor({ timeout: timeoutMs });
  }
  async order(arc = "") {
    await this.page.getByTestId("order-arc").selectOption(arc);
    await this.page.getByTestId("order-flow").click();
    await this.page.getByTestId("order-result").or(this.page.getByTestId("order-error")).first().waitFor({ timeout: 120_000 });
  }
  async ordered() {
    return this.page.getByTestId("ordered-track").evaluateAll((items) => items.map((i) => Number(i.dataset.trackId)));
  }
  async total() {
    return this.page.getByTestId("order-total").innerText();
  }
  async chartText() {
    return chartText(this.page);
  }
}
